/// Shared helpers: tolerances, tensor comparison, FsCheck settings. The generators (domains,
/// shapes, values) are Nabla.FsCheck's, the package users property-test with.
module Nabla.Tests.Check

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Nabla
open Nabla.FsCheck

/// PyTorch's gradcheck tolerances, in float64 (Nabla.FsCheck's Tolerance.GradCheck).
let atol = Tolerance.GradCheck.Atol
let rtol = Tolerance.GradCheck.Rtol

/// Every |actual − expected| ≤ atol + rtol·|expected|, with the worst entry in the message
/// (Nabla.FsCheck's Compare, as an Expecto failure).
let closeWith (atol: float) (rtol: float) (what: string) (actual: float[]) (expected: float[]) =
    match Compare.arrays { Atol = atol; Rtol = rtol } what [| actual.Length |] actual expected with
    | Some message -> failtest message
    | None -> ()

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

/// FsCheck settings for the op properties: few cases each (every case runs several transforms).
let propertyConfig =
    { FsCheckConfig.defaultConfig with
        maxTest = 6
    }

/// A property over a generator, without shrinking (cases are small and printed on failure).
let forAll (g: Gen<'a>) (body: 'a -> 'b) = Prop.forAll (Arb.fromGen g) body
