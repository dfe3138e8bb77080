/// The two workloads, each written twice over the same data: once with Nabla's pure transforms
/// (`AD.valueAndGradParams`), once with TorchSharp's own LibTorch autograd (leaf tensors with
/// requires_grad, `torch.autograd.grad`). Both sides free everything a step creates when the step
/// ends, so a step measures the same thing: one loss value and its gradients, memory released.
module Nabla.Benchmarks.Workloads

open System
open TorchSharp
open Nabla

/// One implementation of a workload.
type Side =
    {
        /// One gradient step; every tensor it creates is freed before it returns.
        Step: unit -> unit
        /// The loss alone, not differentiated (Nabla: on constants; TorchSharp: under no_grad), freed.
        Forward: unit -> unit
        /// Loss and gradients (in parameter order) as .NET arrays: for the cross-check.
        Compute: unit -> float * float[][]
        /// Frees the parameters and data (they live outside any scope).
        Dispose: unit -> unit
    }

/// A float32 or int64 array with its shape, as the PyTorch side receives it.
type ArraySpec = { Dims: int[]; Data: obj }

/// What PyTorch's side (pytorch_side.py) needs to build the same step: the loss ("mse" or
/// "cross-entropy"), the parameters' initial values and the data (y: targets for cross-entropy).
type PyTorchSpec =
    {
        Loss: string
        Params: (string * ArraySpec)[]
        X: ArraySpec
        Y: ArraySpec
    }

type Workload =
    {
        Name: string
        Description: string
        ParamNames: string[]
        /// What Compute returns beside the loss: "gradients", or "parameters after one step".
        Compared: string
        Nabla: Side
        Torch: Side
        /// None when the workload has no PyTorch twin (large-fused).
        PyTorch: PyTorchSpec option
    }

    member w.Dispose() =
        w.Nabla.Dispose()
        w.Torch.Dispose()

/// How the TorchSharp side computes the large model's cross-entropy.
type CrossEntropy =
    /// log_softmax → gather → mean → neg: the same kernels as Nabla's composition.
    | Composed
    /// torch.nn.functional.cross_entropy: LibTorch's fused loss (log_softmax + nll_loss).
    | Fused

// ------------------------------------------------------------------ data, shared by both sides

/// Deterministic data from .NET's own generator, so both sides see the very same numbers.
type private Gen(seed: int) =
    let rng = Random(seed)
    member _.Uniform(lo: float, hi: float) = lo + (hi - lo) * rng.NextDouble()

    member _.Normal() =
        // Box–Muller
        let u1 = 1.0 - rng.NextDouble()
        let u2 = rng.NextDouble()
        sqrt (-2.0 * log u1) * cos (2.0 * Math.PI * u2)

    member _.Int(n: int) = rng.Next n

/// A parameter: name, shape, float32 values (PyTorch's default init for nn.Linear: U(±1/√fan_in)).
type private ParamData =
    {
        PName: string
        Shape: int[]
        Values: float32[]
    }

let private pyParams (ps: ParamData list) =
    [| for d in ps -> d.PName, { Dims = d.Shape; Data = box d.Values } |]

let private linearParams (g: Gen) (prefix: string) (input: int) (output: int) =
    let bound = 1.0 / sqrt (float input)

    let draw n =
        Array.init n (fun _ -> float32 (g.Uniform(-bound, bound)))

    [
        {
            PName = "w" + prefix
            Shape = [| output; input |]
            Values = draw (output * input)
        }
        {
            PName = "b" + prefix
            Shape = [| output |]
            Values = draw output
        }
    ]

// ------------------------------------------------------------------ tensors on each side

let private nablaOf (shape: int[]) (values: 'T[]) =
    Tensor.ofArray values |> Tensor.reshape shape

/// Runs `create` and returns its result with every LibTorch tensor it made, owned by no scope, so
/// that they live until the workload is disposed, intermediates of data creation included.
let private owning (create: unit -> 'T) : 'T * IDisposable[] =
    let scope = torch.NewDisposeScope()
    let result = create ()
    let made = Seq.toArray scope.DisposablesView
    scope.Detach(made)
    scope.Dispose()
    result, made

let private torchOf (shape: int[]) (values: float32[]) =
    torch.tensor (values, ReadOnlySpan<int64>(Array.map int64 shape))

let private torchOfInt64 (shape: int[]) (values: int64[]) =
    torch.tensor (values, ReadOnlySpan<int64>(Array.map int64 shape))

let private toFloats (t: torch.Tensor) : float[] =
    use c = t.detach().contiguous().to_type(torch.ScalarType.Float64)
    c.data<float>().ToArray()

/// Nabla's side: the loss as a function of Params, differentiated by AD.valueAndGradParams.
/// A step runs in Scope.run, which frees the value and gradients that the transform returns.
let private nablaSide (ps: ParamData list) (data: unit -> 'Data) (lossOf: 'Data -> Params -> Tensor) =
    let (p, d), owned =
        owning (fun () -> Params.ofList [ for d in ps -> d.PName, nablaOf d.Shape d.Values ], data ())

    let loss = lossOf d

    {
        Step = fun () -> Scope.run (fun () -> AD.valueAndGradParams loss p |> ignore)
        Forward = fun () -> Scope.run (fun () -> loss p |> ignore)
        Compute =
            fun () ->
                Scope.run (fun () ->
                    let v, g = AD.valueAndGradParams loss p
                    v.ToScalar(), g.Values |> Array.map (fun t -> t.ToArray()))
        Dispose =
            fun () ->
                for t in owned do
                    t.Dispose()
    }

/// TorchSharp's side: leaf tensors with requires_grad, a forward pass, torch.autograd.grad.
/// A step runs in a dispose scope, which frees the graph's tensors and the gradients.
let private torchSide (ps: ParamData list) (loss: torch.Tensor[] -> torch.Tensor) (dispose: unit -> unit) =
    let leaves: torch.Tensor[] =
        [| for d in ps -> (torchOf d.Shape d.Values).requires_grad_(true) |]

    let gradients () =
        let l = loss leaves
        l, torch.autograd.grad ([| l |], leaves)

    {
        Step =
            fun () ->
                use _ = torch.NewDisposeScope()
                gradients () |> ignore
        Forward =
            fun () ->
                use _ = torch.NewDisposeScope()
                use _ = torch.no_grad ()
                loss leaves |> ignore
        Compute =
            fun () ->
                use _ = torch.NewDisposeScope()
                let l, gs = gradients ()
                l.item<float32>() |> float, gs |> Seq.map toFloats |> Seq.toArray
        Dispose =
            fun () ->
                for t in leaves do
                    t.Dispose()

                dispose ()
    }

// ------------------------------------------------------------------ the workloads

/// The small workloads' data and parameters: 100 points, x evenly spaced in [-2, 2],
/// y = sin 2x + x/2 + 0.1·noise; an MLP 1→20→1 (w1 b1 w2 b2).
let private smallData () =
    let g = Gen 20240611
    let n = 100
    let xs = Array.init n (fun i -> -2.0 + 4.0 * float i / float (n - 1))
    let ys = xs |> Array.map (fun x -> sin (2.0 * x) + 0.5 * x + 0.1 * g.Normal())
    let x32, y32 = Array.map float32 xs, Array.map float32 ys
    let ps = linearParams g "1" 1 20 @ linearParams g "2" 20 1
    n, x32, y32, ps

/// The large workloads' sizes, data and parameters: a batch of 512 standard-normal inputs of 784
/// features, int64 targets in 0..9; an MLP 784→256→10 (w1 b1 w2 b2).
let private largeData () =
    let g = Gen 784256
    let batch, inputs, hidden, classes = 512, 784, 256, 10
    let x32 = Array.init (batch * inputs) (fun _ -> float32 (g.Normal()))
    let targets = Array.init batch (fun _ -> int64 (g.Int classes))
    let ps = linearParams g "1" inputs hidden @ linearParams g "2" hidden classes
    (batch, inputs, hidden, classes), x32, targets, ps

/// MLP 1→20→1 with ReLU, mean squared error on 100 points: y = sin 2x + x/2 + noise, x in [-2, 2].
let small () : Workload =
    Torch.ensureLoaded ()
    let n, x32, y32, ps = smallData ()

    let nablaData () =
        nablaOf [| n; 1 |] x32, nablaOf [| n; 1 |] y32

    let nablaLoss (xN: Tensor, yN: Tensor) (p: Params) =
        let pred =
            xN
            |> Tensor.linear p["w1"] p["b1"]
            |> Tensor.relu
            |> Tensor.linear p["w2"] p["b2"]

        ((pred - yN) ** 2.0) |> Tensor.mean

    let xT, yT = torchOf [| n; 1 |] x32, torchOf [| n; 1 |] y32

    let torchLoss (p: torch.Tensor[]) =
        let h = torch.nn.functional.linear(xT, p[0], p[1]).relu()
        let pred = torch.nn.functional.linear (h, p[2], p[3])
        (pred - yT).pow(Scalar.op_Implicit 2.0).mean()

    {
        Name = "small"
        Description = "MLP 1→20→1, ReLU, MSE ((pred - y) ** 2 |> mean), 100 points"
        ParamNames = [| for d in ps -> d.PName |]
        Compared = "gradients"
        Nabla = nablaSide ps nablaData nablaLoss
        Torch =
            torchSide ps torchLoss (fun () ->
                xT.Dispose()
                yT.Dispose())
        PyTorch =
            Some
                {
                    Loss = "mse"
                    Params = pyParams ps
                    X = { Dims = [| n; 1 |]; Data = box x32 }
                    Y = { Dims = [| n; 1 |]; Data = box y32 }
                }
    }

/// MLP 784→256→10 with ReLU, cross-entropy on a batch of 512 random inputs and int64 targets.
let large (crossEntropy: CrossEntropy) : Workload =
    Torch.ensureLoaded ()
    let (batch, inputs, _, _), x32, targets, ps = largeData ()

    let nablaData () =
        nablaOf [| batch; inputs |] x32, nablaOf [| batch; 1 |] targets

    let nablaLoss (xN: Tensor, tN: Tensor) (p: Params) =
        let logits =
            xN
            |> Tensor.linear p["w1"] p["b1"]
            |> Tensor.relu
            |> Tensor.linear p["w2"] p["b2"]

        -(logits |> Tensor.logSoftmax 1 |> Tensor.gather 1 tN |> Tensor.mean)

    let xT = torchOf [| batch; inputs |] x32
    let tT = torchOfInt64 [| batch; 1 |] targets
    let tFlat = torchOfInt64 [| batch |] targets

    let torchLoss (p: torch.Tensor[]) =
        let h = torch.nn.functional.linear(xT, p[0], p[1]).relu()
        let logits = torch.nn.functional.linear (h, p[2], p[3])

        match crossEntropy with
        | Composed -> logits.log_softmax(1L).gather(1L, tT).mean().neg()
        | Fused -> torch.nn.functional.cross_entropy (logits, tFlat)

    let how =
        match crossEntropy with
        | Composed -> "TorchSharp: log_softmax → gather → mean → neg"
        | Fused -> "TorchSharp: nn.functional.cross_entropy (fused)"

    {
        Name =
            (match crossEntropy with
             | Composed -> "large"
             | Fused -> "large-fused")
        Description = $"MLP 784→256→10, ReLU, cross-entropy, batch 512 ({how})"
        ParamNames = [| for d in ps -> d.PName |]
        Compared = "gradients"
        Nabla = nablaSide ps nablaData nablaLoss
        Torch =
            torchSide ps torchLoss (fun () ->
                xT.Dispose()
                tT.Dispose()
                tFlat.Dispose())
        PyTorch =
            match crossEntropy with
            | Composed ->
                Some
                    {
                        Loss = "cross-entropy"
                        Params = pyParams ps
                        X =
                            {
                                Dims = [| batch; inputs |]
                                Data = box x32
                            }
                        Y =
                            {
                                Dims = [| batch; 1 |]
                                Data = box targets
                            }
                    }
            | Fused -> None
    }

// ------------------------------------------------------------------ the module workloads
// The same models and data, trained the PyTorch way on both sides: modules whose parameters are
// requires-grad leaves, and a step of zero grads, forward, loss, backward, read the loss.

/// Nabla's module side: `Nabla.NN` modules, one step = `model.ZeroGrad()`, `model.Forward`, the
/// loss, `loss.Backward()`, `loss.ToScalar()`, inside `Scope.run`, which frees the step's
/// tensors; the gradients outlive it (Backward keeps them outside every scope, as parameters are)
/// until the next ZeroGrad drops them.
/// With an optimizer (the training workloads), a step also takes its `Step()` after Backward, and
/// the cross-check compares the parameters after one step instead of the gradients.
let private nablaModuleSide
    (model: NN.Module)
    (ps: ParamData list)
    (data: unit -> 'Data)
    (lossOf: 'Data -> NN.Module -> Tensor)
    (makeOptimizer: (NN.Module -> Optimizers.Optimizer) option)
    =
    let parameters = model.Parameters() |> Array.ofList

    if parameters.Length <> ps.Length then
        invalidOp $"nablaModuleSide: the model has {parameters.Length} parameters, the workload {ps.Length}."

    // The workload's initial values (PyTorch's init from .NET's Random), the same on every side.
    Scope.run (fun () ->
        AD.noGrad (fun () ->
            for p, d in Array.zip parameters (Array.ofList ps) do
                if p.Shape <> d.Shape then
                    invalidOp $"nablaModuleSide: parameter shape {p.Shape} is not the workload's {d.Shape} ({d.PName})."

                p.CopyFrom(nablaOf d.Shape d.Values)))

    let optimizer = makeOptimizer |> Option.map (fun make -> make model)
    let d, owned = owning data

    let step () =
        match optimizer with
        | Some o -> o.ZeroGrad()
        | None -> model.ZeroGrad()

        let loss = lossOf d model
        loss.Backward()
        optimizer |> Option.iter (fun o -> o.Step())
        loss.ToScalar()

    {
        Step = fun () -> Scope.run (fun () -> step () |> ignore)
        Forward = fun () -> Scope.run (fun () -> AD.noGrad (fun () -> lossOf d model |> ignore))
        Compute =
            fun () ->
                Scope.run (fun () ->
                    let loss = step ()

                    match optimizer with
                    | Some _ -> loss, parameters |> Array.map (fun p -> p.ToArray())
                    | None -> loss, parameters |> Array.map (fun p -> p.Grad.Value.ToArray()))
        Dispose =
            fun () ->
                optimizer |> Option.iter (fun o -> o.Dispose())
                model.Dispose()

                for t in owned do
                    t.Dispose()
    }

/// TorchSharp's module side: `torch.nn` modules, one step = `model.zero_grad()`, `model.forward`,
/// the loss, `loss.backward()`, `loss.item()`, inside a dispose scope (TorchSharp keeps the
/// gradients in LibTorch, on the parameters; zero_grad frees them).
/// With a learning rate (the training workloads), a step also takes a `torch.optim.Adam` step.
let private torchModuleSide
    (model: torch.nn.Module<torch.Tensor, torch.Tensor>)
    (ps: ParamData list)
    (lossOf: torch.nn.Module<torch.Tensor, torch.Tensor> -> torch.Tensor)
    (adamLr: float option)
    (dispose: unit -> unit)
    =
    let parameters = model.parameters () |> Seq.toArray

    if parameters.Length <> ps.Length then
        invalidOp $"torchModuleSide: the model has {parameters.Length} parameters, the workload {ps.Length}."

    do
        use _ = torch.no_grad ()

        for p, d in Array.zip parameters (Array.ofList ps) do
            use v = torchOf d.Shape d.Values
            p.copy_ v |> ignore

    let optimizer =
        adamLr |> Option.map (fun lr -> torch.optim.Adam(model.parameters (), lr = lr))

    let step () =
        match optimizer with
        | Some o -> o.zero_grad ()
        | None -> model.zero_grad ()

        let loss = lossOf model
        loss.backward ()
        optimizer |> Option.iter (fun o -> o.step () |> ignore)
        loss.item<float32>() |> float

    {
        Step =
            fun () ->
                use _ = torch.NewDisposeScope()
                step () |> ignore
        Forward =
            fun () ->
                use _ = torch.NewDisposeScope()
                use _ = torch.no_grad ()
                lossOf model |> ignore
        Compute =
            fun () ->
                use _ = torch.NewDisposeScope()
                let loss = step ()

                match optimizer with
                | Some _ -> loss, parameters |> Array.map toFloats
                | None -> loss, parameters |> Array.map (fun p -> toFloats p.grad)
        Dispose =
            fun () ->
                optimizer |> Option.iter (fun o -> o.Dispose())
                model.Dispose()
                dispose ()
    }

/// The seed regression model as modules: `Sequential(Linear(1, 20), ReLU(), Linear(20, 1))` on the
/// small workload's data, MSE written as `((pred - y) ** 2) mean` on both sides.
let seedModules () : Workload =
    Torch.ensureLoaded ()
    let n, x32, y32, ps = smallData ()

    let nablaModel =
        NN.Sequential(NN.Linear(1, 20), NN.ReLU(), NN.Linear(20, 1)) :> NN.Module

    let nablaData () =
        nablaOf [| n; 1 |] x32, nablaOf [| n; 1 |] y32

    let nablaLoss (x: Tensor, y: Tensor) (model: NN.Module) =
        ((model.Forward x - y) ** 2.0) |> Tensor.mean

    let xT, yT = torchOf [| n; 1 |] x32, torchOf [| n; 1 |] y32

    let torchModel =
        torch.nn.Sequential(
            ("0", torch.nn.Linear(1L, 20L) :> torch.nn.Module<torch.Tensor, torch.Tensor>),
            ("1", torch.nn.ReLU() :> torch.nn.Module<torch.Tensor, torch.Tensor>),
            ("2", torch.nn.Linear(20L, 1L) :> torch.nn.Module<torch.Tensor, torch.Tensor>)
        )

    let torchLoss (model: torch.nn.Module<torch.Tensor, torch.Tensor>) =
        (model.forward xT - yT).pow(Scalar.op_Implicit 2.0).mean()

    {
        Name = "seed-modules"
        Description =
            "Sequential(Linear(1, 20), ReLU(), Linear(20, 1)), MSE ((pred - y) ** 2 |> mean), 100 points; zero grads, forward, loss, Backward, read the loss"
        ParamNames = [| "0.weight"; "0.bias"; "2.weight"; "2.bias" |]
        Compared = "gradients"
        Nabla = nablaModuleSide nablaModel ps nablaData nablaLoss None
        Torch =
            torchModuleSide torchModel ps torchLoss None (fun () ->
                xT.Dispose()
                yT.Dispose())
        PyTorch = None
    }

/// MLP 784→256→10 with ReLU as modules, cross-entropy on the large workload's batch of 512.
let mlpModules (crossEntropy: CrossEntropy) : Workload =
    Torch.ensureLoaded ()
    let (batch, inputs, hidden, classes), x32, targets, ps = largeData ()

    let nablaModel =
        NN.Sequential(NN.Linear(inputs, hidden), NN.ReLU(), NN.Linear(hidden, classes)) :> NN.Module

    let nablaData () =
        nablaOf [| batch; inputs |] x32, nablaOf [| batch; 1 |] targets

    let nablaLoss (x: Tensor, t: Tensor) (model: NN.Module) =
        -(model.Forward x |> Tensor.logSoftmax 1 |> Tensor.gather 1 t |> Tensor.mean)

    let xT = torchOf [| batch; inputs |] x32
    let tT = torchOfInt64 [| batch; 1 |] targets
    let tFlat = torchOfInt64 [| batch |] targets

    let torchModel =
        torch.nn.Sequential(
            ("0", torch.nn.Linear(int64 inputs, int64 hidden) :> torch.nn.Module<torch.Tensor, torch.Tensor>),
            ("1", torch.nn.ReLU() :> torch.nn.Module<torch.Tensor, torch.Tensor>),
            ("2", torch.nn.Linear(int64 hidden, int64 classes) :> torch.nn.Module<torch.Tensor, torch.Tensor>)
        )

    let torchLoss (model: torch.nn.Module<torch.Tensor, torch.Tensor>) =
        let logits = model.forward xT

        match crossEntropy with
        | Composed -> logits.log_softmax(1L).gather(1L, tT).mean().neg()
        | Fused -> torch.nn.functional.cross_entropy (logits, tFlat)

    let how =
        match crossEntropy with
        | Composed -> "TorchSharp: log_softmax → gather → mean → neg"
        | Fused -> "TorchSharp: nn.functional.cross_entropy (fused)"

    {
        Name =
            (match crossEntropy with
             | Composed -> "mlp-modules"
             | Fused -> "mlp-modules-fused")
        Description =
            $"Sequential(Linear(784, 256), ReLU(), Linear(256, 10)), cross-entropy, batch 512 ({how}); zero grads, forward, loss, Backward, read the loss"
        ParamNames = [| "0.weight"; "0.bias"; "2.weight"; "2.bias" |]
        Compared = "gradients"
        Nabla = nablaModuleSide nablaModel ps nablaData nablaLoss None
        Torch =
            torchModuleSide torchModel ps torchLoss None (fun () ->
                xT.Dispose()
                tT.Dispose()
                tFlat.Dispose())
        PyTorch = None
    }

// ------------------------------------------------------------------ the training workloads
// A whole training step on both sides: zero grads, forward, loss, backward, Adam step, read the
// loss. Nabla: Nabla.NN modules, Loss, Optim.Adam; TorchSharp: torch.nn modules, its fused loss
// functions and torch.optim.Adam. Both sides start from the same parameters, so they follow the
// same trajectory; the cross-check compares the loss and the parameters after one step.

/// Nabla's Adam with this learning rate over a model's parameters.
let private adam (lr: float) =
    Some(fun (model: NN.Module) -> Optim.Adam(model.Parameters(), lr = lr) :> Optimizers.Optimizer)

/// The seed's regression trained: Sequential(Linear(1, 20), ReLU(), Linear(20, 1)), MSE, Adam lr 0.01
/// on X = linspace(-1, 1, 100), y = X² + 0.2·noise.
let seedTraining () : Workload =
    Torch.ensureLoaded ()
    let g = Gen 20261128
    let n = 100
    let xs = Array.init n (fun i -> -1.0 + 2.0 * float i / float (n - 1))
    let x32 = xs |> Array.map float32
    let y32 = xs |> Array.map (fun x -> float32 (x * x + 0.2 * g.Normal()))
    let ps = linearParams g "1" 1 20 @ linearParams g "2" 20 1

    let nablaData () =
        nablaOf [| n; 1 |] x32, nablaOf [| n; 1 |] y32

    let nablaLoss (x: Tensor, y: Tensor) (model: NN.Module) = Loss.mse (model.Forward x) y
    let xT, yT = torchOf [| n; 1 |] x32, torchOf [| n; 1 |] y32

    let torchModel =
        torch.nn.Sequential(
            ("0", torch.nn.Linear(1L, 20L) :> torch.nn.Module<torch.Tensor, torch.Tensor>),
            ("1", torch.nn.ReLU() :> torch.nn.Module<torch.Tensor, torch.Tensor>),
            ("2", torch.nn.Linear(20L, 1L) :> torch.nn.Module<torch.Tensor, torch.Tensor>)
        )

    let torchLoss (model: torch.nn.Module<torch.Tensor, torch.Tensor>) =
        torch.nn.functional.mse_loss (model.forward xT, yT)

    {
        Name = "seed-train"
        Description =
            "Sequential(Linear(1, 20), ReLU(), Linear(20, 1)), MSE, Adam lr 0.01, 100 points; zero grads, forward, loss, backward, Adam step, read the loss (check: loss and parameters after one step)"
        ParamNames = [| "0.weight"; "0.bias"; "2.weight"; "2.bias" |]
        Compared = "parameters after one step"
        Nabla = nablaModuleSide (NN.Sequential(NN.Linear(1, 20), NN.ReLU(), NN.Linear(20, 1))) ps nablaData nablaLoss (adam 0.01)
        Torch =
            torchModuleSide torchModel ps torchLoss (Some 0.01) (fun () ->
                xT.Dispose()
                yT.Dispose())
        PyTorch = None
    }

/// An MLP 64→128→10 on a batch of 64 UCI digits, cross-entropy, Adam lr 1e-3.
let digitsTraining () : Workload =
    Torch.ensureLoaded ()
    let g = Gen 64128
    let batch, inputs, hidden, classes = 64, 64, 128, 10

    let x32, targets =
        Scope.run (fun () ->
            let images, labels = Data.Datasets.digits ()
            let images = images.[0 .. batch - 1, *] |> Tensor.toDtype Dtype.Float32
            (images / 16.0).ToArray<float32>(), labels.[0 .. batch - 1].ToArray<int64>())

    let ps = linearParams g "1" inputs hidden @ linearParams g "2" hidden classes

    let nablaData () =
        nablaOf [| batch; inputs |] x32, nablaOf [| batch |] targets

    let nablaLoss (x: Tensor, t: Tensor) (model: NN.Module) = Loss.crossEntropy (model.Forward x) t
    let xT = torchOf [| batch; inputs |] x32
    let tT = torchOfInt64 [| batch |] targets

    let torchModel =
        torch.nn.Sequential(
            ("0", torch.nn.Linear(int64 inputs, int64 hidden) :> torch.nn.Module<torch.Tensor, torch.Tensor>),
            ("1", torch.nn.ReLU() :> torch.nn.Module<torch.Tensor, torch.Tensor>),
            ("2", torch.nn.Linear(int64 hidden, int64 classes) :> torch.nn.Module<torch.Tensor, torch.Tensor>)
        )

    let torchLoss (model: torch.nn.Module<torch.Tensor, torch.Tensor>) =
        torch.nn.functional.cross_entropy (model.forward xT, tT)

    {
        Name = "digits-train"
        Description =
            "Sequential(Linear(64, 128), ReLU(), Linear(128, 10)), cross-entropy, Adam lr 1e-3, a batch of 64 UCI digits; zero grads, forward, loss, backward, Adam step, read the loss (check: loss and parameters after one step)"
        ParamNames = [| "0.weight"; "0.bias"; "2.weight"; "2.bias" |]
        Compared = "parameters after one step"
        Nabla =
            nablaModuleSide
                (NN.Sequential(NN.Linear(inputs, hidden), NN.ReLU(), NN.Linear(hidden, classes)))
                ps
                nablaData
                nablaLoss
                (adam 1e-3)
        Torch =
            torchModuleSide torchModel ps torchLoss (Some 1e-3) (fun () ->
                xT.Dispose()
                tT.Dispose())
        PyTorch = None
    }

/// The workloads' names, in the order `compare` runs them by default.
let names =
    [
        "small"
        "large"
        "large-fused"
        "seed-modules"
        "mlp-modules"
        "mlp-modules-fused"
        "seed-train"
        "digits-train"
    ]

/// A workload by name (see `names`).
let byName (name: string) =
    match name.ToLowerInvariant() with
    | "small" -> small ()
    | "large" -> large Composed
    | "large-fused" -> large Fused
    | "seed-modules" -> seedModules ()
    | "mlp-modules" -> mlpModules Composed
    | "mlp-modules-fused" -> mlpModules Fused
    | "seed-train" -> seedTraining ()
    | "digits-train" -> digitsTraining ()
    | other -> invalidArg "name" $"""unknown workload '{other}'; known: {String.Join(", ", names)}."""
