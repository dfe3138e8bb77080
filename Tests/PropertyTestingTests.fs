/// Nabla.FsCheck, the property-testing package: its generators keep their bounds, its properties
/// pass on right derivatives and fail, readably, on wrong ones, runs reproduce from a seed, and a
/// user's Expecto tests read as below.
module Nabla.Tests.PropertyTestingTests

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Nabla
open Nabla.NN
open Nabla.FsCheck

/// Many draws of a generator, reproducibly.
let private draw (count: int) (g: Gen<'a>) =
    Gen.sampleWithSeed (Rnd(12345UL, 67UL)) 50 count g

let private f64 = Dtype.Float64

// ---------------------------------------------------------------- user ops with right and wrong rules

/// x³ with the right rules (3x² dx, 3x² g).
let private cube =
    Op.define1 "cube" (fun x -> x * x * x) (fun x _ dx -> 3.0 * x * x * dx) (fun x _ g -> 3.0 * x * x * g)

/// x³ with a wrong derivative in both modes: 2x² instead of 3x².
let private wrongCube =
    Op.define1 "wrongCube" (fun x -> x * x * x) (fun x _ dx -> 2.0 * x * x * dx) (fun x _ g -> 2.0 * x * x * g)

/// x³ whose forward rule is right and reverse rule wrong.
let private reverseWrongCube =
    Op.define1 "reverseWrongCube" (fun x -> x * x * x) (fun x _ dx -> 3.0 * x * x * dx) (fun x _ g -> 2.0 * x * x * g)

/// x³ whose rules are right to first order but not differentiable further (the factor 3x² is a
/// constant to AD), so its second derivative is wrong.
let private firstOrderOnlyCube =
    Op.define1 "firstOrderOnlyCube" (fun x -> x * x * x) (fun x _ dx -> Tensor.stopGradient (3.0 * x * x) * dx) (fun x _ g ->
        Tensor.stopGradient (3.0 * x * x) * g)

/// A layer computing tanh(W x + b) through a user op whose derivative is wrong.
type private WrongTanhLayer(inputs: int, outputs: int) as this =
    inherit Module()

    let wrongTanh =
        Op.define1 "wrongTanh" Tensor.tanh (fun _ y dx -> (1.0 + y * y) * dx) (fun _ y g -> (1.0 + y * y) * g)

    let w =
        this.RegisterParameter("weight", Tensor.randn [| outputs; inputs |] |> Tensor.toDtype f64)

    let b =
        this.RegisterParameter("bias", Tensor.zeros [| outputs |] |> Tensor.toDtype f64)

    override _.Forward x = wrongTanh (Tensor.linear w b x)

/// The failure report of a property that must fail.
let private failure (p: Property) =
    try
        Prop.checkWith (Config.Quick.WithMaxTest 20) p
        failtest "the property passed; it should have failed"
    with :? PropertyFailedException as e ->
        e.Message

let private passes (p: Property) =
    Prop.checkWith (Config.Quick.WithMaxTest 15) p

// ---------------------------------------------------------------- the tests

let private generatorTests =
    testList
        "generators"
        [
            testCase "shapes stay within their bounds, scalars and zero-size dimensions included"
            <| fun () ->
                for b in
                    [
                        ShapeBounds.Default
                        ShapeBounds.NonEmpty
                        {
                            MinRank = 2
                            MaxRank = 4
                            MinDim = 1
                            MaxDim = 5
                            MaxElements = 30
                        }
                        {
                            MinRank = 0
                            MaxRank = 6
                            MinDim = 0
                            MaxDim = 10
                            MaxElements = 8
                        }
                    ] do
                    for s in draw 300 (Shapes.withBounds b) do
                        Expect.isTrue (Shapes.within b s) $"{Show.shape s} within {b}"

                let shapes = draw 500 Shapes.any
                Expect.exists shapes (fun s -> s.Length = 0) "rank 0 is drawn"
                Expect.exists shapes (fun s -> Array.contains 0 s) "zero-size dimensions are drawn"
                Expect.exists shapes (fun s -> s.Length = 3) "rank 3 is drawn"
                Expect.isFalse (draw 300 Shapes.nonEmpty |> Array.exists (Array.contains 0)) "NonEmpty has no zero dimension"

            testCase "shapes shrink to smaller shapes within the bounds"
            <| fun () ->
                let b = { ShapeBounds.Default with MinRank = 1 }

                for s in draw 100 (Shapes.withBounds b) do
                    for t in Shapes.shrink b s do
                        Expect.isTrue (Shapes.within b t) "within bounds"
                        Expect.isTrue (t.Length < s.Length || Shapes.numel t <= Shapes.numel s && t <> s) "smaller"

                let x =
                    Tensor.arange 0.0 12.0 1.0 |> Tensor.reshape [| 3; 4 |] |> Tensor.toDtype f64

                let smaller =
                    Arbitraries.shrinkTensor { ShapeBounds.Default with MaxDim = 4 } x
                    |> Seq.map (fun t -> t.Shape)
                    |> List.ofSeq

                Expect.equal smaller [ [| 4 |]; [| 3 |]; [| 2; 4 |]; [| 3; 3 |] ] "tensors shrink to their parts"

            testCase "tensors have the dtype and shape asked for, with values from the domain"
            <| fun () ->
                let dtypes =
                    [
                        Dtype.Float16
                        Dtype.BFloat16
                        Dtype.Float32
                        Dtype.Float64
                        Dtype.UInt8
                        Dtype.Int8
                        Dtype.Int16
                        Dtype.Int32
                        Dtype.Int64
                        Dtype.Bool
                    ]

                for d in dtypes do
                    for t in draw 20 (Generators.tensorOf d Any [| 2; 3 |]) do
                        Expect.equal (t.Dtype, t.Shape) (d, [| 2; 3 |]) $"{d}"

                        if not d.IsFloatingPoint then
                            Expect.all (t.ToArray()) (fun v -> v = Math.Round v) $"{d} values are integers"

                for t in draw 20 (Generators.tensorOf Dtype.Int64 AwayFromZero [| 10 |]) do
                    Expect.all (t.ToArray()) (fun v -> v <> 0.0) "integers away from zero"

                let inRange (domain: Domain) (ok: float -> bool) =
                    for v in draw 200 (Generators.values domain 5) |> Array.concat do
                        Expect.isTrue (ok v) $"{v} in {domain}"

                inRange Any (fun v -> v >= -2.0 && v <= 2.0)
                inRange Positive (fun v -> v >= 0.3 && v <= 2.0)
                inRange Unit (fun v -> v >= -0.8 && v <= 0.8)
                inRange AwayFromZero (fun v -> abs v >= 0.2 && abs v <= 2.0)
                inRange (AwayFrom [ -1.0; 1.0 ]) (fun v -> abs (v - 1.0) >= 0.1 && abs (v + 1.0) >= 0.1)

                for vs in draw 100 (Generators.values Distinct 12) do
                    let sorted = Array.sort vs
                    Expect.all (Array.pairwise sorted) (fun (a, b) -> b - a >= 0.1) "distinct by at least 0.1"

            testCase "symmetric positive-definite matrices are symmetric, have a Cholesky factor and positive eigenvalues"
            <| fun () ->
                for n in 1..5 do
                    for a in draw 10 (Generators.spdOfSize n 50.0) do
                        Expect.equal a.Shape [| n; n |] "square"
                        Expect.equal (a.ToArray()) ((Tensor.transpose 0 1 a).ToArray()) "exactly symmetric"
                        let l = Linalg.cholesky a

                        Checks.ofMessage (Compare.tensors Tolerance.Tight "L·Lᵀ" (Tensor.matmul l (Tensor.transpose 0 1 l)) a)
                        |> passes

                        let e = (Linalg.eigvalsh a).ToArray()
                        Expect.isGreaterThan (Array.min e) 0.0 "positive eigenvalues"
                        Expect.isLessThanOrEqual (Array.max e / Array.min e) (50.0 * (1.0 + 1e-9)) "condition number within the bound"

                for SpdMatrix a in draw 20 (Arb.toGen (NablaArbitraries.Spd())) do
                    Expect.isGreaterThan (Array.min ((Linalg.eigvalsh a).ToArray())) 0.0 "the registered Arbitrary too"

            testCase "well-conditioned matrices have their condition number within the bound"
            <| fun () ->
                for bound in [ 1.0; 10.0; 1000.0 ] do
                    for a in draw 30 (Generators.wellConditioned bound) do
                        let s = (Linalg.svdvals a).ToArray()
                        Expect.equal a.Shape.[0] a.Shape.[1] "square"
                        Expect.isLessThanOrEqual (Array.max s / Array.min s) (bound * (1.0 + 1e-9)) $"cond ≤ {bound}"

                let conds =
                    draw 50 (Generators.wellConditionedOfSize 3 1000.0)
                    |> Array.map (fun a -> let s = (Linalg.svdvals a).ToArray() in s[0] / s[2])

                Expect.isGreaterThan (Array.max conds) 10.0 "not all near-orthogonal: the spread is drawn"

            testCase "paramsLike has the model's parameter names, shapes and dtypes"
            <| fun () ->
                let model = Sequential(Linear(3, 4, dtype = f64), Tanh(), Linear(4, 2))

                for p in draw 5 (Generators.paramsLike model) do
                    let expected =
                        model.NamedParameters() |> List.map (fun (n, t) -> n, t.Shape, t.Dtype)

                    Expect.equal
                        (p.Entries |> Array.map (fun (n, t) -> n, t.Shape, t.Dtype) |> List.ofArray)
                        expected
                        "names, shapes, dtypes"

                    Expect.all (p.Values |> Array.collect (fun t -> t.ToArray())) (fun v -> abs v <= 2.0) "values in [-2, 2]"

                let template =
                    Params.ofList
                        [
                            "a", Tensor.zeros [| 2 |] |> Tensor.toDtype f64
                            "n", Tensor.zeros [| 3 |] |> Tensor.toDtype Dtype.Int64
                        ]

                for p in draw 5 (Generators.paramsFromIn Positive template) do
                    Expect.equal p.Names [| "a"; "n" |] "names"
                    Expect.equal p["n"].Dtype Dtype.Int64 "integer parameter stays integer"
                    Expect.all (p["a"].ToArray()) (fun v -> v >= 0.3) "domain"

            testCase "a fixed seed draws the same tensors; another seed draws others"
            <| fun () ->
                let g = Shapes.any |> Gen.bind (Generators.tensor Any)
                let once = Gen.sampleWithSeed (Rnd(7UL, 11UL)) 10 20 g |> Array.map Show.tensor
                let again = Gen.sampleWithSeed (Rnd(7UL, 11UL)) 10 20 g |> Array.map Show.tensor
                let other = Gen.sampleWithSeed (Rnd(8UL, 11UL)) 10 20 g |> Array.map Show.tensor
                Expect.sequenceEqual again once "same seed, same tensors"
                Expect.notEqual other once "another seed"
        ]

let private propertyTests =
    testList
        "properties"
        [
            testCase "every property passes on right derivatives, built-in ops and user ops"
            <| fun () ->
                let f (x: Tensor) = sin x * x + cube x
                passes (GradCheck.property f)
                passes (GradCheck.propertyIn Positive (fun x -> Tensor.log x * Tensor.sqrt x))
                passes (GradCheck.propertyOn (Shapes.fixedShape [| 3; 2 |]) Any (fun x -> Tensor.softmax -1 x))
                passes (GradCheck.jvpWith GradCheckOptions.Default f)
                passes (GradCheck.vjpWith GradCheckOptions.Default f)
                passes (GradCheck.forwardEqualsReverse f)
                passes (GradCheck.forwardEqualsReverse (fun x -> Tensor.sum (cube x)))
                passes (GradCheck.secondOrder f)

            testCase "a model's and a Params loss's gradients pass"
            <| fun () ->
                let model = Sequential(Linear(3, 4, dtype = f64), Tanh(), Linear(4, 1, dtype = f64))
                passes (GradCheck.ofModule model (Generators.tensor Any [| 5; 3 |]) Tensor.mean)

                let template =
                    Params.ofList
                        [
                            "w", Tensor.zeros [| 2; 2 |] |> Tensor.toDtype f64
                            "b", Tensor.zeros [| 2 |] |> Tensor.toDtype f64
                        ]

                passes (GradCheck.ofParams template (fun p -> Tensor.sum (Tensor.tanh (Tensor.matmul p["w"] p["b"] + p["b"]))))

            testCase "GradCheck.property fails on a wrong custom derivative, naming the worst entry"
            <| fun () ->
                let message = failure (GradCheck.property (fun x -> wrongCube x * 1.0))
                Expect.stringContains message "gradient (reverse-mode AD vs central differences)" "what was compared"
                Expect.stringContains message "worst ∂y[" "the worst entry"
                Expect.stringContains message "expected" "both values"
                Expect.stringContains message "at x = float64 [" "the input's dtype and shape"
                Expect.stringContains message "Counterexample" "the counterexample"
                Expect.stringContains message "Prop.replay" "how to replay"

            testCase "the JVP and VJP checks fail on a wrong rule"
            <| fun () ->
                Expect.stringContains
                    (failure (GradCheck.jvpWith GradCheckOptions.Default wrongCube))
                    "J·v (forward-mode AD vs central differences)"
                    "JVP"

                Expect.stringContains
                    (failure (GradCheck.vjpWith (GradCheckOptions.In AwayFromZero) wrongCube))
                    "<J^T u, v> (reverse-mode AD) vs <u, J v> (central differences)"
                    "VJP"

            testCase "forwardEqualsReverse fails when the forward and reverse rules disagree"
            <| fun () ->
                let message =
                    failure (GradCheck.forwardEqualsReverseWith (GradCheckOptions.In AwayFromZero) reverseWrongCube)

                Expect.stringContains message "forward mode vs reverse mode: <u, J v> = " "what was compared"
                Expect.stringContains message "(VJP)" "names both modes"

            testCase "secondOrder fails on rules that are right only to first order"
            <| fun () ->
                passes (GradCheck.propertyIn AwayFromZero firstOrderOnlyCube)

                let message =
                    failure (GradCheck.secondOrderWith (GradCheckOptions.In AwayFromZero) firstOrderOnlyCube)

                Expect.stringContains message "H·v (forward over reverse vs central differences of the gradient)" "what was compared"

            testCase "ofModule fails on a layer with a wrong derivative, naming the parameter"
            <| fun () ->
                let layer = new WrongTanhLayer(3, 2)

                let message =
                    failure (GradCheck.ofModule layer (Generators.tensor Any [| 4; 3 |]) Tensor.sum)

                Expect.stringContains
                    message
                    "gradient of the loss (AD.gradParams vs central differences): parameter '"
                    "names the parameter"

                Expect.stringContains message "input = float64 [4, 3]" "the input in the counterexample"

            testCase "a float32 input is refused with a clear message"
            <| fun () ->
                let options =
                    { GradCheckOptions.Default with
                        Inputs = Arbitraries.tensorOf Dtype.Float32 Any ShapeBounds.NonEmpty
                    }

                Expect.stringContains (failure (GradCheck.propertyWith options sin)) "must be float64" "asks for float64"

            testCase "failures shrink to a smaller input"
            <| fun () ->
                // Wrong only where the input has more than one element: the smallest failing input has 2.
                let wrongOnLarge (x: Tensor) =
                    if x.Numel > 1 then wrongCube x else cube x

                let message =
                    failure (
                        GradCheck.propertyWith
                            { GradCheckOptions.Default with
                                Inputs =
                                    Arbitraries.tensor
                                        AwayFromZero
                                        { ShapeBounds.NonEmpty with
                                            MinRank = 1
                                        }
                            }
                            wrongOnLarge
                    )

                let counterexample = message.Substring(message.IndexOf "Counterexample")
                let input = counterexample.Substring(counterexample.IndexOf "x = float64 [")
                let shape = input.Substring(13, input.IndexOf ']' - 13)
                let numel = shape.Split(", ") |> Array.map int |> Array.fold (*) 1
                Expect.equal numel 2 $"the shrunk input has 2 elements ({shape}): {message}"

            testCase "a replayed run finds the same counterexample"
            <| fun () ->
                let p = GradCheck.property wrongCube

                let report (config: Config) =
                    try
                        Prop.checkWith config p
                        ""
                    with :? PropertyFailedException as e ->
                        e.Message

                let first = report (Prop.replay 42UL 17UL 10)
                Expect.stringContains first "Falsifiable" "fails"
                Expect.equal (report (Prop.replay 42UL 17UL 10)) first "the same report"
        ]

// ---------------------------------------------------------------- as a user writes them

/// softplus with a user-defined derivative, as in Op's documentation.
let softplus =
    Op.define1 "softplus" (fun x -> Tensor.relu x + Tensor.log1p (exp (-(abs x)))) (fun x _ dx -> dx * Tensor.sigmoid x) (fun x _ g ->
        g * Tensor.sigmoid x)

/// A model checked as a user checks theirs.
let network =
    Sequential(Linear(3, 4, dtype = f64), Tanh(), Linear(4, 1, dtype = f64))

/// What a user's Expecto tests look like.
let private usage =
    testList
        "usage in Expecto"
        [
            testProperty "softplus has the right gradient" (GradCheck.property softplus)
            testProperty "softplus: forward mode equals reverse mode" (GradCheck.forwardEqualsReverse softplus)
            testProperty "softplus: second derivatives" (GradCheck.secondOrder softplus)

            testPropertyWithConfig
                { FsCheckConfig.defaultConfig with
                    arbitrary = [ typeof<NablaArbitraries> ]
                    maxTest = 20
                }
                "the Cholesky factor of an SPD matrix reproduces it"
            <| fun (SpdMatrix a) ->
                let l = Linalg.cholesky a
                Checks.ofMessage (Compare.tensors Tolerance.GradCheck "L·Lᵀ" (Tensor.matmul l (Tensor.transpose 0 1 l)) a)

            testProperty "a small network's parameter gradients" (GradCheck.ofModule network (Generators.tensor Any [| 8; 3 |]) Tensor.mean)
        ]

let tests =
    testList "property testing (Nabla.FsCheck)" [ generatorTests; propertyTests; usage ]
