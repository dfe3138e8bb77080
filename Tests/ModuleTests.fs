/// Modules: registration, naming, state dicts, modes, conversion, the functional view, printing,
/// containers, activations, and the seed's layers.
module Nabla.Tests.ModuleTests

open System
open System.Collections.Generic
open Expecto
open FsCheck
open FsCheck.FSharp
open Nabla
open Nabla.NN
open Nabla.Tests.Check

let private f64 = Dtype.Float64

/// The seed's custom layer: its own weight and bias, registered as parameters.
type CustomLinear(inputSize: int, outputSize: int) as this =
    inherit Module()

    let weight =
        this.RegisterParameter("weight", Tensor.randn [| outputSize; inputSize |])

    let bias = this.RegisterParameter("bias", Tensor.randn [| outputSize |])

    override _.Forward x =
        Tensor.matmul x (Tensor.transpose 0 1 weight) + bias

/// The seed's layer that chooses its activation by name, Identity when the name is unknown.
type ActivatedLinear(inFeatures: int, outFeatures: int, activation: string) as this =
    inherit Module()
    let linear = this.RegisterModule("linear", Linear(inFeatures, outFeatures))

    let act =
        this.RegisterModule("activation", Activation.tryCreate activation |> Option.defaultWith (fun () -> Identity()))

    member _.Activation = act
    override _.Forward x = act.Forward(linear.Forward x)

/// The seed's dynamic network: ordinary `if`, loops and an early exit in Forward.
type DynamicNet(inputSize: int, hiddenSize: int, outputSize: int, depth: int) as this =
    inherit Module()

    let input =
        this.RegisterModule("input_linear", Linear(inputSize, hiddenSize, dtype = Dtype.Float64))

    let middle =
        this.RegisterModule("middle_linear", Linear(hiddenSize, hiddenSize, dtype = Dtype.Float64))

    let output =
        this.RegisterModule("output_linear", Linear(hiddenSize, outputSize, dtype = Dtype.Float64))

    let shortcut =
        this.RegisterModule("shortcut", Linear(inputSize, outputSize, dtype = Dtype.Float64))

    member val TookShortcut = false with get, set

    override this.Forward x =
        let h = Tensor.relu (input.Forward x)

        if (Tensor.mean x).ToScalar() > 1.0 then
            this.TookShortcut <- true
            shortcut.Forward x
        else
            this.TookShortcut <- false
            let mutable h = h

            for _ in 1..depth do
                h <- Tensor.relu (middle.Forward h)

            output.Forward h

let private biasOf (m: Module) = (m.StateDict()).["0.bias"].ToArray()

let private seq3 () =
    Sequential(Linear(1, 20), ReLU(), Linear(20, 1))

/// A random stack of Linear layers and activations (for the state-dict laws).
let private randomModel (sizes: int list) (activations: int list) =
    let acts: (unit -> Module) list =
        [
            (fun () -> ReLU())
            (fun () -> Tanh())
            (fun () -> Identity())
            (fun () -> GELU())
        ]

    let layers =
        [
            for i, (a, b) in List.indexed (List.pairwise sizes) do
                Linear(a, b, bias = (i % 2 = 0), dtype = f64) :> Module
                acts[activations[i % activations.Length] % acts.Length]()
        ]

    Sequential(Array.ofList layers)

let private genArchitecture =
    gen {
        let! depth = Gen.choose (1, 4)
        let! sizes = Gen.listOfLength (depth + 1) (Gen.choose (1, 6))
        let! acts = Gen.listOfLength depth (Gen.choose (0, 3))
        return sizes, acts
    }

let private one (m: Module) (xs: Tensor list) = m.Forward xs.Head

let private parity =
    let linear a b =
        fun () -> Linear(a, b, dtype = f64) :> Module

    LayerCheck.paritySuite
        "PyTorch parity"
        "reference_modules.json"
        [
            "linear", linear 3 5, one
            "linear_no_bias_batched", (fun () -> Linear(3, 2, bias = false, dtype = f64)), one
            "mlp",
            (fun () -> Sequential(Linear(3, 6, dtype = f64), Tanh(), Linear(6, 6, dtype = f64), GELU(), Linear(6, 2, dtype = f64))),
            one
            "activations",
            (fun () ->
                Sequential(
                    Linear(3, 4, dtype = f64),
                    LeakyReLU(0.1),
                    Linear(4, 4, dtype = f64),
                    ELU(0.7),
                    Linear(4, 4, dtype = f64),
                    SiLU(),
                    Linear(4, 4, dtype = f64),
                    Softplus(beta = 2.0, threshold = 1.0),
                    Linear(4, 4, dtype = f64),
                    Sigmoid(),
                    Linear(4, 4, dtype = f64),
                    GELU("tanh"),
                    Linear(4, 4, dtype = f64),
                    LogSoftmax(1)
                )),
            one
            "softmax_flatten", (fun () -> Sequential(Flatten(), Linear(6, 3, dtype = f64), Softmax(-1))), one
        ]

let private activationModules: (string * (unit -> Module)) list =
    [
        "ReLU", (fun () -> ReLU())
        "LeakyReLU", (fun () -> LeakyReLU(0.2))
        "Sigmoid", (fun () -> Sigmoid())
        "Tanh", (fun () -> Tanh())
        "GELU", (fun () -> GELU())
        "GELU tanh", (fun () -> GELU("tanh"))
        "ELU", (fun () -> ELU(0.5))
        "SiLU", (fun () -> SiLU())
        "Softplus", (fun () -> Softplus(beta = 1.5, threshold = 2.0))
        "Softmax", (fun () -> Softmax(1))
        "LogSoftmax", (fun () -> LogSoftmax(0))
        "Identity", (fun () -> Identity())
        "Flatten", (fun () -> Flatten())
    ]

let private initTests =
    testList
        "Init"
        [
            testCase "CalculateGain is PyTorch's table"
            <| fun () ->
                for name, expected in
                    [
                        "linear", 1.0
                        "conv2d", 1.0
                        "sigmoid", 1.0
                        "tanh", 5.0 / 3.0
                        "relu", sqrt 2.0
                        "selu", 0.75
                    ] do
                    Expect.floatClose Accuracy.veryHigh (Init.CalculateGain name) expected name

                Expect.floatClose Accuracy.veryHigh (Init.CalculateGain("leaky_relu", 0.2)) (sqrt (2.0 / 1.04)) "leaky_relu 0.2"
                Expect.floatClose Accuracy.veryHigh (Init.CalculateGain "leaky_relu") (sqrt (2.0 / 1.0001)) "leaky_relu default"
                throwsWith<ArgumentException> [ "CalculateGain"; "'swirl'" ] (fun () -> Init.CalculateGain "swirl" |> ignore)

            testCase "fan in and fan out count the receptive field"
            <| fun () ->
                Expect.equal (Init.FanInAndFanOut(Tensor.zeros [| 8; 3; 3; 3 |])) (27, 72) "conv weight"
                Expect.equal (Init.FanInAndFanOut(Tensor.zeros [| 5; 4 |])) (4, 5) "linear weight"
                throwsWith<ArgumentException> [ "fan in"; "[5]" ] (fun () -> Init.FanInAndFanOut(Tensor.zeros [| 5 |]) |> ignore)

            testCase "a generator makes initialisation reproducible"
            <| fun () ->
                let draw (seed: int) =
                    let t = Tensor.Zeros([| 50; 40 |], f64)
                    Init.KaimingNormal(t, generator = Random.generator seed)
                    t.ToArray()

                Expect.equal (draw 7) (draw 7) "same seed, same values"
                Expect.notEqual (draw 7) (draw 8) "another seed, other values"

            testCase "xavier and kaiming have their bounds and spreads"
            <| fun () ->
                let t = Tensor.Zeros([| 300; 200 |], f64)
                Init.XavierUniform(t, gain = 2.0)
                let a = 2.0 * sqrt (6.0 / 500.0)
                let v = t.ToArray()
                Expect.isTrue (v |> Array.forall (fun x -> abs x <= a)) "within ±a"
                Expect.isGreaterThan (Array.max v) (0.98 * a) "reaches a"
                Init.KaimingNormal(t, mode = "fan_out", nonlinearity = "relu")
                let std = sqrt ((t.ToArray() |> Array.averageBy (fun x -> x * x)))
                Expect.isLessThan (abs (std / (sqrt 2.0 / sqrt 300.0) - 1.0)) 0.02 "std = gain/√fan_out (within 2%)"
                Init.KaimingUniform(t, a = sqrt 5.0)
                let bound = 1.0 / sqrt 200.0
                Expect.isTrue (t.ToArray() |> Array.forall (fun x -> abs x <= bound)) "Linear's default: ±1/√fan_in"
                throwsWith<ArgumentException> [ "KaimingUniform"; "fan_sideways" ] (fun () -> Init.KaimingUniform(t, mode = "fan_sideways"))

            testCase "orthogonal matrices are orthogonal (tall and wide), times the gain"
            <| fun () ->
                for rows, cols in [ 6, 4; 4, 6; 5, 5 ] do
                    let t = Tensor.Zeros([| rows; cols |], f64)
                    Init.Orthogonal(t, gain = 1.5)
                    let tt = Tensor.transpose 0 1 t

                    let small =
                        if rows >= cols then
                            Tensor.matmul tt t
                        else
                            Tensor.matmul t tt

                    expectTight $"{rows}x{cols}" small (2.25 * Tensor.Eye(min rows cols, f64))

            testCase "constants, eye, and errors"
            <| fun () ->
                let t = Tensor.Zeros([| 2; 3 |], f64)
                Init.Ones t
                Expect.equal (t.ToArray()) (Array.create 6 1.0) "ones"
                Init.Constant(t, 0.5)
                Expect.equal (t.ToArray()) (Array.create 6 0.5) "constant"
                Init.Eye t
                Expect.equal (t.ToArray()) [| 1.0; 0.0; 0.0; 0.0; 1.0; 0.0 |] "eye"
                Init.Zeros t
                Expect.equal (t.ToArray()) (Array.zeroCreate 6) "zeros"
                throwsWith<ArgumentException> [ "Init.Uniform"; "int" ] (fun () -> Init.Uniform(Tensor.ofList [ 1; 2 ]))
                throwsWith<ArgumentException> [ "Init.Normal"; "-1" ] (fun () -> Init.Normal(t, std = -1.0))

            testCase "re-initialising a parameter works outside noGrad and invalidates an older graph"
            <| fun () ->
                let layer = Linear(3, 2)
                let loss = Tensor.sum (layer.Forward(Tensor.ones [| 1; 3 |]))
                Init.Zeros layer.Weight
                Expect.equal (layer.Weight.ToArray()) (Array.zeroCreate 6) "zeroed in place"
                throwsWith<InvalidOperationException> [ "Backward"; "modified in place" ] (fun () -> loss.Backward())
        ]

let tests =
    testList
        "modules"
        [
            parity
            initTests

            testCase "the issue's surface: Sequential, Forward, Parameters, NamedParameters, StateDict, LoadStateDict"
            <| fun () ->
                let model = seq3 ()
                let xs = Tensor.Linspace(-1.0, 1.0, 100) |> Tensor.unsqueeze 1
                let out = model.Forward xs
                Expect.equal out.Shape [| 100; 1 |] "output shape"
                let ps: Tensor list = model.Parameters()
                Expect.equal (ps |> List.map (fun p -> p.Shape)) [ [| 20; 1 |]; [| 20 |]; [| 1; 20 |]; [| 1 |] ] "registration order"
                Expect.isTrue (ps |> List.forall (fun p -> p.RequiresGrad && p.IsLeaf && p.Grad.IsNone)) "requires-grad leaves"
                Expect.equal (model.NamedParameters() |> List.map fst) [ "0.weight"; "0.bias"; "2.weight"; "2.bias" ] "PyTorch's names"
                let state: Params = model.StateDict()
                Expect.equal (state.Names) [| "0.weight"; "0.bias"; "2.weight"; "2.bias" |] "state dict names"
                Expect.isFalse (state.Values |> Array.exists (fun t -> t.RequiresGrad)) "state dict values do not require grad"
                model.LoadStateDict state
                (Tensor.sum (model.Forward xs)).Backward()
                Expect.isTrue (ps |> List.forall (fun p -> p.Grad.IsSome)) "Backward fills every parameter's Grad"
                Expect.equal model.ParameterCount 61 "20 + 20 + 20 + 1"

            testCase "Linear's default initialisation is PyTorch's: uniform in ±1/√inFeatures"
            <| fun () ->
                Random.seed 3
                let l = Linear(400, 300)
                let bound = 1.0 / sqrt 400.0
                let w = l.Weight.ToArray()
                Expect.isTrue (w |> Array.forall (fun v -> abs v <= bound)) "within the bound"
                Expect.isGreaterThan (Array.max w) (0.95 * bound) "reaches the bound"
                let variance = w |> Array.averageBy (fun v -> v * v)
                Expect.isLessThan (abs (variance / (bound * bound / 3.0) - 1.0)) 0.02 "the variance of U(-b, b) (within 2%)"
                Expect.equal l.Weight.Dtype Dtype.Float32 "float32 by default"
                Expect.equal (Linear(2, 3, dtype = f64)).Weight.Dtype f64 "dtype argument"

            testCase "gradients of Linear and the activations agree with finite differences"
            <| fun () ->
                let x = LayerCheck.cotangentFor [| 4; 3 |] 1
                LayerCheck.finiteDifferences (Linear(3, 5, dtype = f64)) [ x ] one
                LayerCheck.finiteDifferences (Linear(3, 2, bias = false, dtype = f64)) [ x ] one

                for name, make in activationModules do
                    let m = Sequential(Linear(3, 4, dtype = f64), make ())

                    try
                        LayerCheck.finiteDifferences m [ x ] one
                    with e ->
                        failtest $"{name}: {e.Message}"

            testCase "the functional view's gradients equal Backward's"
            <| fun () ->
                let model = Sequential(Linear(3, 6, dtype = f64), Tanh(), Linear(6, 2, dtype = f64))

                LayerCheck.functionalMatchesBackward model (LayerCheck.cotangentFor [| 5; 3 |] 2)

            testCase "AD.hessian works on a model through Functional"
            <| fun () ->
                let model = Linear(2, 1, dtype = f64)
                let x = Tensor.create [ [ 1.0; 2.0 ]; [ -1.0; 0.5 ] ]
                let w0 = model.ParameterValues()["weight"]
                // loss(w) = Σ (x wᵀ + b)², so ∂²/∂w² = 2 xᵀx.
                let loss (w: Tensor) =
                    Tensor.sum (
                        model.Functional (Params.ofList [ "weight", Tensor.reshape [| 1; 2 |] w ]) x
                        ** 2.0
                    )

                let h = AD.hessian loss (Tensor.reshape [| 2 |] w0)
                expectTight "2xᵀx" h (2.0 * Tensor.matmul (Tensor.transpose 0 1 x) x)

            testCase "AD.gradParams through Functional over the module's own parameters (leaves that require grad)"
            <| fun () ->
                let model = Sequential(Linear(2, 3, dtype = f64), Tanh(), Linear(3, 1, dtype = f64))
                let x = LayerCheck.cotangentFor [| 4; 2 |] 6

                let loss (p: Params) =
                    Tensor.sum (model.Functional p x ** 2.0)

                let viaLeaves = AD.gradParams loss (Params.ofList (model.NamedParameters()))
                let viaValues = AD.gradParams loss (model.ParameterValues())

                for n in viaValues.Names do
                    expectTight n (Tensor.detach viaLeaves[n]) viaValues[n]

                // The gradient depends on the parameters, so with leaves it can be differentiated again.
                (Tensor.sum viaLeaves["2.weight"]).Backward()
                Expect.isSome (model.Parameters()[0]).Grad "second order reaches the first layer"

            testCase "Functional refuses unknown names and wrong shapes"
            <| fun () ->
                let model = seq3 ()
                let x = Tensor.ones [| 2; 1 |]

                throwsWith<ArgumentException> [ "Functional"; "'nope'"; "0.weight" ] (fun () ->
                    model.Functional (Params.ofList [ "nope", Tensor.ones [| 1 |] ]) x |> ignore)

                throwsWith<ArgumentException> [ "Functional"; "'0.bias'"; "[20]" ] (fun () ->
                    model.Functional (Params.ofList [ "0.bias", Tensor.ones [| 3 |] ]) x |> ignore)

            testPropertyWithConfig propertyConfig "StateDict then LoadStateDict into a fresh model is the identity"
            <| forAll genArchitecture (fun (sizes, acts) ->
                let a = randomModel sizes acts
                let b = randomModel sizes acts
                b.LoadStateDict(a.StateDict())
                let sa, sb = a.StateDict(), b.StateDict()
                Expect.equal (sb.Names) (sa.Names) "names"

                for n in sa.Names do
                    Expect.equal (sb[n].ToArray()) (sa[n].ToArray()) n

                let x = LayerCheck.cotangentFor [| 3; List.head sizes |] 4
                Expect.equal ((b.Forward x).ToArray()) ((a.Forward x).ToArray()) "same outputs")

            testCase "LoadStateDict names missing, unexpected and mis-shaped keys, and copies nothing then"
            <| fun () ->
                let model = seq3 ()
                let before = biasOf model

                let state =
                    Params.ofList
                        [
                            "0.weight", Tensor.ones [| 20; 2 |]
                            "0.bias", Tensor.zeros [| 20 |]
                            "extra.weight", Tensor.ones [| 1 |]
                        ]

                throwsWith<ArgumentException>
                    [
                        "Sequential"
                        "Missing key(s)"
                        "\"2.weight\""
                        "Unexpected key(s)"
                        "\"extra.weight\""
                        "size mismatch for 0.weight"
                        "[20, 2]"
                        "[20, 1]"
                    ]
                    (fun () -> model.LoadStateDict state)

                Expect.equal (biasOf model) before "nothing copied"

                throwsWith<ArgumentException> [ "size mismatch for 0.weight" ] (fun () -> model.LoadStateDict(state, strict = false))

                model.LoadStateDict(Params.ofList [ "0.bias", Tensor.zeros [| 20 |]; "extra", Tensor.ones [| 1 |] ], strict = false)
                Expect.equal (biasOf model) (Array.zeroCreate 20) "non-strict copies what matches"

            testCase "LoadStateDict casts to each parameter's dtype, as PyTorch does"
            <| fun () ->
                let model = Linear(2, 1, dtype = f64)
                model.LoadStateDict(Params.ofList [ "weight", Tensor.create [ [ 1.5f; 2.0f ] ]; "bias", Tensor.ofList [ 0.25f ] ])
                Expect.equal model.Weight.Dtype f64 "still float64"
                Expect.equal (model.Weight.ToArray()) [| 1.5; 2.0 |] "values"

            testCase "To(dtype) converts in place: layers and user fields see the new dtype, gradients too"
            <| fun () ->
                let custom = CustomLinear(5, 3)
                let model = Sequential(custom, Linear(3, 2))
                let x32 = Tensor.randn [| 4; 5 |]
                (Tensor.sum (model.Forward x32)).Backward()
                model.To Dtype.Float64
                Expect.isTrue (model.Parameters() |> List.forall (fun p -> p.Dtype = f64)) "parameters"
                Expect.isTrue (model.Parameters() |> List.forall (fun p -> p.Grad.Value.Dtype = f64)) "gradients"
                let y = model.Forward(Tensor.toDtype f64 x32)
                Expect.equal y.Dtype f64 "the custom layer's captured weight is float64 now"
                model.ZeroGrad()
                (Tensor.sum y).Backward()
                Expect.isTrue (model.Parameters() |> List.forall (fun p -> p.Grad.IsSome)) "still trainable"
                model.To Device.Cpu
                throwsWith<ArgumentException> [ "To"; "floating-point"; "int64" ] (fun () -> model.To Dtype.Int64)

            testCase "Train and Eval reach every submodule; Dropout is the identity in Eval"
            <| fun () ->
                let model = Sequential(Linear(4, 4), Dropout(0.5), Sequential(Dropout(0.9)))
                Expect.isTrue (model.Modules() |> List.forall (fun m -> m.IsTraining)) "training by default"
                model.Eval()
                Expect.isTrue (model.Modules() |> List.forall (fun m -> not m.IsTraining)) "eval everywhere"
                let x = Tensor.ones [| 100 |]
                let d = Dropout(0.5)
                d.Eval()
                Expect.equal ((d.Forward x).ToArray()) (x.ToArray()) "identity in eval"
                d.Train()
                let y = (d.Forward x).ToArray()
                Expect.isTrue (y |> Array.forall (fun v -> v = 0.0 || v = 2.0)) "0 or 1/(1-p)"
                Expect.isTrue (y |> Array.exists ((=) 0.0) && y |> Array.exists ((=) 2.0)) "some of each"

            testCase "ZeroGrad on a module clears every parameter's gradient"
            <| fun () ->
                let model = seq3 ()
                (Tensor.sum (model.Forward(Tensor.ones [| 3; 1 |]))).Backward()
                model.ZeroGrad()
                Expect.isTrue (model.Parameters() |> List.forall (fun p -> p.Grad.IsNone)) "None"

            testCase "printing is PyTorch's, and Summary counts parameters"
            <| fun () ->
                let model = seq3 ()

                Expect.equal
                    (string model)
                    "Sequential(\n  (0): Linear(in_features=1, out_features=20, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=20, out_features=1, bias=True)\n)"
                    "repr"

                let s = model.Summary()
                Expect.stringContains s "Total parameters: 61" "total"
                Expect.stringContains s "weight [20, 1]" "shapes"

            testCase "registration refuses duplicate names and dots; shared parameters count once"
            <| fun () ->
                let a = Linear(3, 3)

                throwsWith<ArgumentException> [ "RegisterParameter"; "'weight'"; "already" ] (fun () ->
                    a.RegisterParameter("weight", Tensor.ones [| 1 |]) |> ignore)

                throwsWith<ArgumentException> [ "RegisterBuffer"; "'a.b'"; "'.'" ] (fun () ->
                    a.RegisterBuffer("a.b", Tensor.ones [| 1 |]) |> ignore)

                let b = Linear(3, 3)
                let tied = ModuleList([ a :> Module; b ])
                b.RegisterParameter("tied", a.Weight) |> ignore
                Expect.equal (tied.Parameters().Length) 4 "a.weight, a.bias, b.weight, b.bias; the tied one once"
                (Tensor.sum (b.Forward(Tensor.ones [| 1; 3 |]) + Tensor.sum a.Weight)).Backward()
                Expect.isSome a.Weight.Grad "one leaf, one gradient"

            testCase "ModuleList and ModuleDict register their elements under PyTorch's names"
            <| fun () ->
                let list = ModuleList([ Linear(2, 3) :> Module; ReLU(); Linear(3, 1) ])
                list.Append(Linear(1, 1))
                Expect.equal list.Count 4 "count"

                Expect.equal
                    (list.NamedParameters() |> List.map fst)
                    [ "0.weight"; "0.bias"; "2.weight"; "2.bias"; "3.weight"; "3.bias" ]
                    "names"

                throwsWith<NotSupportedException> [ "ModuleList"; "Forward" ] (fun () -> list.Forward(Tensor.ones [| 1 |]) |> ignore)
                let dict = ModuleDict([ "encoder", Linear(2, 2) :> Module; "head", Linear(2, 1) ])
                Expect.equal dict.Keys [ "encoder"; "head" ] "keys"

                Expect.equal
                    (dict.NamedParameters() |> List.map fst)
                    [ "encoder.weight"; "encoder.bias"; "head.weight"; "head.bias" ]
                    "names"

                Expect.isTrue (obj.ReferenceEquals(dict["head"], dict.Values[1])) "lookup"

                throwsWith<Collections.Generic.KeyNotFoundException> [ "ModuleDict"; "'tail'"; "encoder" ] (fun () ->
                    dict["tail"] |> ignore)

            testCase "Sequential with names, indexing and Append"
            <| fun () ->
                let model = Sequential([ "hidden", Linear(2, 4) :> Module; "act", Tanh() ])
                model.Append(Linear(4, 1))
                Expect.equal (model.NamedParameters() |> List.map fst) [ "hidden.weight"; "hidden.bias"; "2.weight"; "2.bias" ] "names"
                Expect.equal model.Count 3 "count"
                Expect.equal (model[-1] :?> Linear).OutFeatures 1 "negative index"
                Expect.equal (model.Forward(Tensor.ones [| 5; 2 |])).Shape [| 5; 1 |] "forward"

            testCase "the seed's CustomLinear(5, 3) maps [10, 5] to [10, 3] and trains"
            <| fun () ->
                let layer = CustomLinear(5, 3)
                let y = layer.Forward(Tensor.randn [| 10; 5 |])
                Expect.equal y.Shape [| 10; 3 |] "shape"
                Expect.equal (layer.NamedParameters() |> List.map fst) [ "weight"; "bias" ] "its parameters"
                (Tensor.sum y).Backward()
                Expect.isTrue (layer.Parameters() |> List.forall (fun p -> p.Grad.IsSome)) "gradients"
                Expect.equal (string layer) "CustomLinear()" "printed"

            testCase "the seed's ActivatedLinear chooses its activation by name, Identity as the fallback"
            <| fun () ->
                Expect.isTrue ((ActivatedLinear(3, 2, "relu")).Activation :? ReLU) "relu"
                Expect.isTrue ((ActivatedLinear(3, 2, "Tanh")).Activation :? Tanh) "tanh, any case"
                let unknown = ActivatedLinear(3, 2, "wobble")
                Expect.isTrue (unknown.Activation :? Identity) "Identity"
                let y = (ActivatedLinear(3, 2, "relu")).Forward(Tensor.randn [| 7; 3 |])
                Expect.equal y.Shape [| 7; 2 |] "shape"
                Expect.isTrue (y.ToArray() |> Array.forall (fun v -> v >= 0.0)) "relu applied"

                throwsWith<ArgumentException> [ "Activation.create"; "'wobble'"; "relu" ] (fun () -> Activation.create "wobble" |> ignore)

            testCase "the seed's DynamicNet: an if, a loop and an early exit, each path differentiated"
            <| fun () ->
                let net = DynamicNet(4, 8, 2, 3)
                let small = LayerCheck.cotangentFor [| 5; 4 |] 9 * 0.5
                let large = small + 3.0
                Expect.equal (net.Forward small).Shape [| 5; 2 |] "loop path shape"
                Expect.isFalse net.TookShortcut "loop path"
                LayerCheck.finiteDifferences net [ small ] one
                Expect.equal (net.Forward large).Shape [| 5; 2 |] "shortcut shape"
                Expect.isTrue net.TookShortcut "shortcut path"
                net.ZeroGrad()
                (Tensor.sum (net.Forward large)).Backward()

                let touched =
                    net.NamedParameters()
                    |> List.filter (fun (_, p) -> p.Grad.IsSome)
                    |> List.map fst

                Expect.equal touched [ "shortcut.weight"; "shortcut.bias" ] "only the path taken has gradients"

            testCase "a hand-written gradient-descent loop (p -= lr·p.Grad under noGrad) fits the seed regression"
            <| fun () ->
                Random.seed 0
                let xs = Tensor.Linspace(-1.0, 1.0, 100) |> Tensor.unsqueeze 1
                let ys = Tensor.sin (xs * 3.0) * 0.5 + 0.2
                let model = seq3 ()

                let loss () =
                    Tensor.mean ((model.Forward xs - ys) ** 2.0)

                let initial = (loss ()).ToScalar()

                for _ in 1..1500 do
                    model.ZeroGrad()
                    (loss ()).Backward()

                    AD.noGrad (fun () ->
                        for p in model.Parameters() do
                            p.SubInPlace(p.Grad.Value, alpha = 0.2))

                let final = (loss ()).ToScalar()
                printfn "modules: hand-written gradient descent on the seed regression: MSE %.4f -> %.4f" initial final
                Expect.isLessThan final (initial / 10.0) "the loss fell tenfold"
                Expect.isLessThan final 0.01 "a good fit"

            testCase "a hook on every weight sees its gradient during Backward (the seed prints shape and mean)"
            <| fun () ->
                let model = seq3 ()
                let seen = List<string * int[] * float>()

                let hooks =
                    [
                        for name, p in model.NamedParameters() do
                            if name.EndsWith "weight" then
                                p.RegisterHook(fun g ->
                                    seen.Add((name, g.Shape, (Tensor.mean g).ToScalar()))
                                    g)
                    ]

                (Tensor.mean (model.Forward(Tensor.ones [| 4; 1 |]))).Backward()

                Expect.equal
                    (seen |> Seq.map (fun (n, s, _) -> n, s) |> List.ofSeq)
                    [ "2.weight", [| 1; 20 |]; "0.weight", [| 20; 1 |] ]
                    "both, in backward order"

                for (name, _, mean) in seen do
                    let p = dict (model.NamedParameters())
                    Expect.floatClose Accuracy.medium mean ((Tensor.mean p[name].Grad.Value).ToScalar()) name

                for h in hooks do
                    h.Dispose()

            testCase "Backward through a model whose layer uses AD.checkpoint"
            <| fun () ->
                let inner = Linear(3, 3, dtype = f64)

                let model =
                    { new Module() with
                        member _.Forward x =
                            AD.checkpoint (fun h -> Tensor.tanh h * 2.0) (inner.Forward x)
                    }

                model.RegisterModule("inner", inner) |> ignore
                LayerCheck.finiteDifferences model [ LayerCheck.cotangentFor [| 2; 3 |] 3 ] one

            testCase "a checkpointed block with parameters keeps one node and gives the same gradients"
            <| fun () ->
                let block = Sequential(Linear(3, 4, dtype = f64), Tanh(), Linear(4, 3, dtype = f64))
                let head = Linear(3, 1, dtype = f64)
                let x = LayerCheck.cotangentFor [| 5; 3 |] 8

                let run (checkpointed: bool) =
                    block.ZeroGrad()
                    head.ZeroGrad()
                    let h = Tensor.requiresGrad x

                    let y =
                        if checkpointed then
                            AD.checkpoint block.Forward h
                        else
                            block.Forward h

                    (Tensor.sum (head.Forward(y + h))).Backward()

                    (block.Parameters() @ head.Parameters()
                     |> List.map (fun p -> p.Grad.Value.ToArray())),
                    h.Grad.Value.ToArray(),
                    y

                let plain, dxPlain, _ = run false
                let saved, dxSaved, y = run true

                for a, b in List.zip plain saved do
                    closeWith 1e-12 1e-10 "parameter gradient" b a

                closeWith 1e-12 1e-10 "input gradient" dxSaved dxPlain

                match y with
                | Node(_, n, _) ->
                    Expect.equal n.Op "checkpoint" "one node for the block"
                    Expect.equal n.Inputs.Length 5 "x and the block's four parameters"
                | _ -> failtest "the checkpoint's result is recorded"

            testCase "checkpointing a block whose input is data (not requiring grad) still trains its parameters"
            <| fun () ->
                let block = Linear(2, 2, dtype = f64)
                let x = LayerCheck.cotangentFor [| 4; 2 |] 2
                (Tensor.sum (AD.checkpoint block.Forward x ** 2.0)).Backward()
                let viaCheckpoint = block.Weight.Grad.Value.ToArray()
                block.ZeroGrad()
                (Tensor.sum (block.Forward x ** 2.0)).Backward()
                closeWith 1e-12 1e-10 "weight gradient" viaCheckpoint (block.Weight.Grad.Value.ToArray())

            testCase "a checkpointed block with dropout is recomputed with the same random numbers"
            <| fun () ->
                let block = Sequential(Linear(6, 6, dtype = f64), Dropout(0.5))
                let x = LayerCheck.cotangentFor [| 8; 6 |] 4

                let gradient (checkpointed: bool) =
                    Random.seed 42
                    block.ZeroGrad()

                    let y =
                        if checkpointed then
                            AD.checkpoint block.Forward x
                        else
                            block.Forward x

                    (Tensor.sum (y * y)).Backward()
                    block.Parameters() |> List.map (fun p -> p.Grad.Value.ToArray())

                for a, b in List.zip (gradient false) (gradient true) do
                    closeWith 1e-12 1e-10 "same mask in the recomputation" b a

            testCase "createGraph through a checkpointed block with parameters gives second derivatives"
            <| fun () ->
                let block = Linear(2, 2, dtype = f64)
                let x0 = Tensor.ofList [ 0.3; -0.8 ] |> Tensor.unsqueeze 0

                let secondOrder (checkpointed: bool) =
                    block.ZeroGrad()
                    let x = Tensor.requiresGrad x0
                    let f (h: Tensor) = Tensor.sin (block.Forward h)
                    let y = if checkpointed then AD.checkpoint f x else f x
                    (Tensor.sum y).Backward(createGraph = true)
                    let g = x.Grad.Value
                    block.ZeroGrad()
                    x.ZeroGrad()
                    (Tensor.sum (g * g)).Backward()
                    x.Grad.Value.ToArray(), block.Weight.Grad.Value.ToArray()

                let dx, dw = secondOrder false
                let dxc, dwc = secondOrder true
                closeWith 1e-12 1e-10 "∂/∂x of |∇x|²" dxc dx
                closeWith 1e-12 1e-10 "∂/∂W of |∇x|²" dwc dw
        ]
