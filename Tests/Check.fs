/// Shared helpers: tolerances, tensor comparison, random data for property tests.
module Nabla.Tests.Check

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Nabla

/// PyTorch's gradcheck tolerances, in float64.
let atol = 1e-5
let rtol = 1e-3

/// Every |actual − expected| ≤ atol + rtol·|expected|, with the worst entry in the message.
let closeWith (atol: float) (rtol: float) (what: string) (actual: float[]) (expected: float[]) =
    if actual.Length <> expected.Length then
        failtestf "%s: %d values, expected %d" what actual.Length expected.Length

    let excess i =
        let a, e = actual[i], expected[i]

        if Double.IsNaN a && Double.IsNaN e then
            0.0
        elif Double.IsNaN a || Double.IsNaN e then
            infinity
        elif Double.IsInfinity a || Double.IsInfinity e then
            (if a = e then 0.0 else infinity)
        else
            abs (a - e) - (atol + rtol * abs e)

    let bad = [ 0 .. actual.Length - 1 ] |> List.filter (fun i -> excess i > 0.0)

    if not bad.IsEmpty then
        let i = bad |> List.maxBy excess

        failtestf
            "%s: %d of %d entries out of tolerance; worst: entry %d is %.10g, expected %.10g (tolerance %.1g + %.1g·|expected|)"
            what
            bad.Length
            actual.Length
            i
            actual[i]
            expected[i]
            atol
            rtol

/// Tensor comparison with gradcheck tolerances; shapes must match.
let expectClose (what: string) (actual: Tensor) (expected: Tensor) =
    Expect.equal actual.Shape expected.Shape $"{what}: shape"
    closeWith atol rtol what (actual.ToArray()) (expected.ToArray())

/// Comparison for results that must agree to rounding (e.g. forward vs reverse mode).
let expectTight (what: string) (actual: Tensor) (expected: Tensor) =
    Expect.equal actual.Shape expected.Shape $"{what}: shape"
    closeWith 1e-9 1e-7 what (actual.ToArray()) (expected.ToArray())

let expectScalar (what: string) (expected: float) (actual: Tensor) =
    closeWith 1e-12 1e-9 what [| actual.ToScalar() |] [| expected |]

/// Expects an exception of type 'E (or a subtype) whose message contains every fragment.
let throwsWith<'E when 'E :> exn> (fragments: string list) (f: unit -> unit) =
    let caught =
        try
            f ()
            None
        with e ->
            Some e

    match caught with
    | None -> failtestf "expected %s, but nothing was thrown" typeof<'E>.Name
    | Some(:? 'E as e) ->
        for s in fragments do
            Expect.stringContains e.Message s $"the message names '{s}'"
    | Some e -> failtestf "expected %s, got %s: %s" typeof<'E>.Name (e.GetType().Name) e.Message

/// A float64 tensor from values and a shape.
let tensor (shape: int[]) (values: float[]) =
    Tensor.ofArray values |> Tensor.reshape shape

/// ⟨a, b⟩ as a float.
let inner (a: Tensor) (b: Tensor) =
    Array.fold2 (fun s x y -> s + x * y) 0.0 (a.ToArray()) (b.ToArray())

/// Where an op's input values are drawn from: away from kinks and outside the op's domain,
/// where finite differences are meaningless.
type Domain =
    /// [-2, 2]
    | Any
    /// [0.3, 2]
    | Positive
    /// |x| in [0.2, 2], either sign
    | AwayFromZero
    /// [-0.8, 0.8]
    | Unit
    /// all values different by at least 0.1 (for max/min and pooling)
    | Distinct
    /// [-2, 2] but at least 0.1 away from each listed point
    | AwayFrom of float list

let private uniform (lo: float) (hi: float) =
    Gen.choose (0, 1_000_000) |> Gen.map (fun k -> lo + (hi - lo) * float k / 1e6)

/// n values from a domain.
let genValues (domain: Domain) (n: int) : Gen<float[]> =
    match domain with
    | Any -> Gen.arrayOfLength n (uniform -2.0 2.0)
    | Positive -> Gen.arrayOfLength n (uniform 0.3 2.0)
    | Unit -> Gen.arrayOfLength n (uniform -0.8 0.8)
    | AwayFromZero ->
        Gen.arrayOfLength n (Gen.map2 (fun (m: float) s -> if s then m else -m) (uniform 0.2 2.0) (Gen.elements [ true; false ]))
    | AwayFrom points ->
        Gen.arrayOfLength
            n
            (uniform -2.0 2.0
             |> Gen.filter (fun x -> points |> List.forall (fun p -> abs (x - p) >= 0.1)))
    | Distinct ->
        Gen.shuffle [| 0 .. n - 1 |]
        |> Gen.map2 (fun offset perm -> perm |> Array.map (fun k -> -1.5 + offset + 0.2 * float k)) (uniform 0.0 0.05)

/// A shape of the given rank with dims in 1..3.
let genShape (rank: int) =
    Gen.arrayOfLength rank (Gen.choose (1, 3))

/// Two shapes that broadcast together (some dims of one set to 1, some leading dims dropped).
let genBroadcastPair: Gen<int[] * int[]> =
    gen {
        let! rank = Gen.choose (0, 3)
        let! full = genShape rank
        let! ones = Gen.arrayOfLength rank (Gen.elements [ false; false; true ])
        let! drop = Gen.choose (0, rank)

        let other =
            full |> Array.mapi (fun i d -> if ones[i] then 1 else d) |> Array.skip drop

        let! swap = Gen.elements [ true; false ]
        return if swap then other, full else full, other
    }

let numel (shape: int[]) = Array.fold (*) 1 shape

/// FsCheck settings for the op properties: few cases each (every case runs several transforms).
let propertyConfig =
    { FsCheckConfig.defaultConfig with
        maxTest = 6
    }

/// A property over a generator, without shrinking (cases are small and printed on failure).
let forAll (g: Gen<'a>) (body: 'a -> unit) = Prop.forAll (Arb.fromGen g) body
