/// Nabla's tour: the seed's PyTorch tutorial in F#, section by section and in its order (tensors,
/// speed, autograd, modules, the regression end to end with its pictures, dynamic graphs,
/// checkpointing, hooks, the graph picture, TensorBoard, saving, clipping), then what PyTorch's tour
/// does not have: function transforms, and a real data set with the Trainer.
/// Run it with `dotnet fsi build.fsx run`. Every value below is printed the way PyTorch prints it.
module Quickstart.Program

open System
open System.Diagnostics
open System.IO
open Nabla

let section (n: int) (title: string) = printfn "\n=== %d. %s ===\n" n title
let note (text: string) = printfn "# %s" text
let show (label: string) (value: obj) = printfn "%s\n%O\n" label value

// ---------------------------------------------------------------------------------------------
// 1. Tensor creation. The dtype follows the .NET element type (float → float64, float32 →
//    float32, int → int32); factories without data give float32, as in PyTorch.
let creation () =
    section 1 "Tensor creation"
    show "Tensor.scalar 3.0" (Tensor.scalar 3.0)
    show "Tensor.ofArray [|1.0; 2.0; 3.0|]" (Tensor.ofArray [| 1.0; 2.0; 3.0 |])
    show "Tensor.ofArray [|1.0f; 2.0f; 3.0f|]" (Tensor.ofArray [| 1.0f; 2.0f; 3.0f |])
    show "Tensor.ofArray [|1; 2; 3|]" (Tensor.ofArray [| 1; 2; 3 |])
    show "Tensor.ofArray2D (array2D [[1.;2.];[3.;4.]])" (Tensor.ofArray2D (array2D [ [ 1.; 2. ]; [ 3.; 4. ] ]))
    show "Tensor.create [[1.0; 2.0]; [3.0; 4.0]]" (Tensor.create [ [ 1.0; 2.0 ]; [ 3.0; 4.0 ] ])
    show "Tensor.zeros [|2; 3|]" (Tensor.zeros [| 2; 3 |])
    show "Tensor.ones [|2; 2|]" (Tensor.ones [| 2; 2 |])
    show "Tensor.eye 3" (Tensor.eye 3)
    show "Tensor.arange 0.0 5.0 1.0" (Tensor.arange 0.0 5.0 1.0)
    show "Tensor.linspace 0.0 1.0 5" (Tensor.linspace 0.0 1.0 5)
    Random.seed 0
    show "Random.seed 0; Tensor.randn [|2; 3|]" (Tensor.randn [| 2; 3 |])
    show "Tensor.Zeros([|2; 2|], dtype = Dtype.Float64)" (Tensor.Zeros([| 2; 2 |], dtype = Dtype.Float64))

// ---------------------------------------------------------------------------------------------
// 2. Attributes: shape, dtype, device, requires-grad. A tensor is an immutable value;
//    `IsDifferentiated` is true only inside a transform (AD.grad, AD.jvp, ...) for the tensors
//    that transform is tracing, `RequiresGrad` for the leaves of PyTorch-style Backward.
let attributes () =
    section 2 "Tensor attributes"
    let t = Tensor.create [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ]
    printfn "t.Shape = %A, t.Dtype = %O, t.Device = %O, t.Dim = %d, t.Numel = %d" t.Shape t.Dtype t.Device t.Dim t.Numel
    printfn "t.RequiresGrad = %b" t.RequiresGrad
    let w = Tensor.randn [| 3 |] |> Tensor.requiresGrad
    printfn "w = Tensor.randn [|3|] |> Tensor.requiresGrad: w.RequiresGrad = %b, w.IsLeaf = %b" w.RequiresGrad w.IsLeaf
    printfn "t.IsDifferentiated = %b" t.IsDifferentiated

    AD.grad
        (fun x ->
            printfn "inside AD.grad, x.IsDifferentiated = %b" x.IsDifferentiated
            Tensor.sum x)
        t
    |> ignore

    printfn "Torch.cudaIsAvailable () = %b" (Torch.cudaIsAvailable ())

    if not (Torch.cudaIsAvailable ()) then
        note "This build runs on the CPU. A CUDA device is selectable, but raises a clear error here:"

        try
            Tensor.Zeros([| 2 |], device = Device.Cuda 0) |> ignore
        with e ->
            printfn "%s: %s" (e.GetType().Name) e.Message

// ---------------------------------------------------------------------------------------------
// 3. Operations. Functions in the Tensor module take the tensor last, so they pipeline.
let operations () =
    section 3 "Operations"
    let t = Tensor.arange 0.0 6.0 1.0
    let m = t |> Tensor.reshape [| 2; 3 |]
    show "m = Tensor.arange 0.0 6.0 1.0 |> Tensor.reshape [|2; 3|]" m
    show "m |> Tensor.view [|3; 2|]" (m |> Tensor.view [| 3; 2 |])
    show "m |> Tensor.transpose 0 1" (m |> Tensor.transpose 0 1)
    show "Tensor.matmul m (Tensor.transpose 0 1 m)" (Tensor.matmul m (Tensor.transpose 0 1 m))
    show "m + m * 2.0" (m + m * 2.0)
    show "Tensor.exp m" (Tensor.exp m)
    show "Tensor.sin m" (Tensor.sin m)
    show "Tensor.relu (m - 2.5)" (Tensor.relu (m - 2.5))
    show "Tensor.sum m, Tensor.mean m, Tensor.max m" (Tensor.sum m, Tensor.mean m, Tensor.max m)
    show "Tensor.sumDim 0 m (column sums)" (Tensor.sumDim 0 m)
    let t = Tensor.arange 0.0 12.0 1.0 |> Tensor.reshape [| 3; 4 |]
    show "t = Tensor.arange 0.0 12.0 1.0 |> Tensor.reshape [|3; 4|]" t
    show "t.[0..1, *] (rows 0 and 1: F# ranges include their end)" t.[0..1, *]
    show "t.[*, 1..2] (columns 1 and 2)" t.[*, 1..2]
    show "t.[0] (row 0)" t.[0]
    printfn "t.[1, 2].ToScalar() = %g" (t.[1, 2].ToScalar())

// ---------------------------------------------------------------------------------------------
// 4. Speed. LibTorch's matrix product against the textbook triple loop in F#, same matrices.
//    Each repetition runs in Scope.run so the product is freed at once and memory stays flat.
let median (xs: float[]) =
    let s = Array.sort xs

    if s.Length % 2 = 1 then
        s[s.Length / 2]
    else
        (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2.0

let timeMs (repetitions: int) (f: unit -> unit) =
    f () // warm-up

    Array.init repetitions (fun _ ->
        let sw = Stopwatch.StartNew()
        f ()
        sw.Elapsed.TotalMilliseconds)
    |> median

let naiveMatmul (a: float32[,]) (b: float32[,]) =
    let n, k, m = Array2D.length1 a, Array2D.length2 a, Array2D.length2 b
    let c = Array2D.zeroCreate n m

    for i in 0 .. n - 1 do
        for j in 0 .. m - 1 do
            let mutable s = 0.0f

            for p in 0 .. k - 1 do
                s <- s + a[i, p] * b[p, j]

            c[i, j] <- s

    c

let speed () =
    section 4 "Speed: a 512×512 float32 matrix product, CPU and GPU"
    let n = 512
    Random.seed 0
    let a, b = Tensor.randn [| n; n |], Tensor.randn [| n; n |]
    let liveBefore = Scope.liveTensorCount ()

    let nablaMs =
        timeMs 10 (fun () -> Scope.run (fun () -> Tensor.matmul a b |> ignore))

    let liveAfter = Scope.liveTensorCount ()

    let a2, b2 =
        Tensor.toArray2D a |> Array2D.map float32, Tensor.toArray2D b |> Array2D.map float32

    let loopMs = timeMs 3 (fun () -> naiveMatmul a2 b2 |> ignore)
    let expected = naiveMatmul a2 b2 |> Array2D.map float |> Tensor.ofArray2D

    let maxDiff =
        Scope.run (fun () ->
            (Tensor.matmul a b |> Tensor.toDtype Dtype.Float64) - expected
            |> Tensor.abs
            |> Tensor.max
            |> Tensor.toScalar)

    printfn "CPU: Tensor.matmul (LibTorch, %d threads): %8.2f ms (median of 10)" (Torch.getNumThreads ()) nablaMs
    printfn "CPU: F# triple loop over float32[,]:       %8.2f ms (median of 3)" loopMs
    printfn "speed-up: %.0fx; max |difference| = %.2g (float32 rounding, sums of %d products)" (loopMs / nablaMs) maxDiff n
    printfn "tensors alive before the timings: %d, after them: %d (Scope.run freed every product)" liveBefore liveAfter

    if Torch.cudaIsAvailable () then
        let gpu = Device.Cuda 0
        let ag, bg = Tensor.toDevice gpu a, Tensor.toDevice gpu b
        // The product is copied back (a synchronising read) so the time covers the whole computation.
        let gpuMs =
            timeMs 10 (fun () -> Scope.run (fun () -> Tensor.matmul ag bg |> Tensor.toDevice Device.Cpu |> ignore))

        printfn "GPU: Tensor.matmul on %O, with the copy back: %8.2f ms (median of 10); %.1fx the CPU" gpu gpuMs (nablaMs / gpuMs)
    else
        note "GPU: no CUDA device here (Torch.cudaIsAvailable () = false), so only the CPU is timed."

// ---------------------------------------------------------------------------------------------
// 5. Autograd, the seed example: z = x² + y³ + 5, so dz/dx = 2x = 4 and dz/dy = 3y² = 27.
//    AD.grad differentiates a function of one tensor; AD.gradParams one of named tensors.
let autograd () =
    section 5 "Autograd: z = x**2 + y**3 + 5 at x = 2, y = 3"
    let x, y = Tensor.scalar 2.0, Tensor.scalar 3.0
    let z (x: Tensor) (y: Tensor) = x ** 2.0 + y ** 3.0 + 5.0
    show "z" (z x y)
    let dzdx = AD.grad (fun x -> z x y) x
    let dzdy = AD.grad (fun y -> z x y) y
    printfn "AD.grad on each variable:  dz/dx = %g, dz/dy = %g" (dzdx.ToScalar()) (dzdy.ToScalar())

    let grads =
        AD.gradParams (fun p -> z p["x"] p["y"]) (Params.ofList [ "x", x; "y", y ])

    printfn "AD.gradParams, both at once: dz/dx = %g, dz/dy = %g" (grads["x"].ToScalar()) (grads["y"].ToScalar())

    note "The same, PyTorch-style: tensors that require grad, Backward, .Grad"
    let x = Tensor.scalar 2.0 |> Tensor.requiresGrad
    let y = Tensor.scalar 3.0 |> Tensor.requiresGrad
    let z = x ** 2.0 + y ** 3.0 + 5.0
    z.Backward()
    printfn "z.Backward():  x.Grad = %g, y.Grad = %g" (x.Grad.Value.ToScalar()) (y.Grad.Value.ToScalar())
    let w = Tensor.ones [| 2 |] |> Tensor.requiresGrad

    for _ in 1..3 do
        (Tensor.sum w).Backward()

    show "three Backward calls accumulate: w.Grad" w.Grad.Value
    w.ZeroGrad()
    printfn "after w.ZeroGrad(): w.Grad = %A" w.Grad

// ---------------------------------------------------------------------------------------------
// 6. Modules: a layer of your own, a layer that picks its activation by name, and PyTorch's
//    printout of a model.
type CustomLinear(inputSize: int, outputSize: int) as this =
    inherit NN.Module()

    let weight =
        this.RegisterParameter("weight", Tensor.randn [| outputSize; inputSize |])

    let bias = this.RegisterParameter("bias", Tensor.randn [| outputSize |])

    override _.Forward x =
        Tensor.matmul x (Tensor.transpose 0 1 weight) + bias

/// A linear layer followed by the activation named (relu, sigmoid, tanh, ...; none otherwise).
type ActivatedLinear(inFeatures: int, outFeatures: int, activation: string) as this =
    inherit NN.Module()
    let linear = this.RegisterModule("linear", NN.Linear(inFeatures, outFeatures))

    let act =
        this.RegisterModule(
            "activation",
            NN.Activation.tryCreate activation
            |> Option.defaultWith (fun () -> NN.Identity())
        )

    override _.Forward x = act.Forward(linear.Forward x)

/// The seed's regression model: hidden = ActivatedLinear(1, 20, "relu"), output = Linear(20, 1),
/// so its state dict has PyTorch's keys hidden.linear.weight, hidden.linear.bias, output.weight,
/// output.bias.
type RegressionNet() as this =
    inherit NN.Module()
    let hidden = this.RegisterModule("hidden", ActivatedLinear(1, 20, "relu"))
    let output = this.RegisterModule("output", NN.Linear(20, 1))
    override _.Forward x = output.Forward(hidden.Forward x)

let modules () =
    section 6 "Modules"
    let custom = CustomLinear(5, 3)
    printfn "CustomLinear(5, 3) on a [10, 5] batch gives %A" (custom.Forward(Tensor.randn [| 10; 5 |])).Shape
    let x = Tensor.linspace -2.0 2.0 5 |> Tensor.unsqueeze 1

    for name in [ "relu"; "sigmoid"; "tanh" ] do
        let layer = ActivatedLinear(1, 2, name)
        show $"ActivatedLinear(1, 2, \"{name}\") on [-2, -1, 0, 1, 2]" (AD.noGrad (fun () -> layer.Forward x))

    show "RegressionNet()" (RegressionNet())

// ---------------------------------------------------------------------------------------------
// 7. The seed's regression end to end: y = x² + 0.2·noise, RegressionNet, Adam (lr 0.01) on the
//    MSE for 100 epochs, the loss and the gradient norm every 20 epochs (also logged to
//    TensorBoard), and the data with the fitted curve in output/fit.csv.
type Regression =
    {
        Model: RegressionNet
        Optimizer: Optimizers.Optimizer
        X: Tensor
        Y: Tensor
        Prediction: Tensor
        Losses: float[]
        Writer: SummaryWriter
    }

let regression () =
    section 7 "End to end: the regression, trained with Adam"
    Random.seed 0
    let xs = Tensor.linspace -1.0 1.0 100 |> Tensor.unsqueeze 1
    let ys = xs * xs + 0.2 * Tensor.randnLike xs
    let model = RegressionNet()
    let opt = Optim.Adam(model.Parameters(), lr = 0.01)
    let writer = new SummaryWriter(Path.Combine("output", "runs", "regression"))
    let losses = Collections.Generic.List<float>()

    for epoch in 1..100 do
        opt.ZeroGrad()
        let loss = Loss.mse (model.Forward xs) ys
        loss.Backward()
        let norm = Optim.gradNorm (model.Parameters())
        opt.Step()
        losses.Add(loss.ToScalar())
        writer.AddScalar("Loss/train", losses[losses.Count - 1], int64 epoch)
        writer.AddScalar("Gradient norm", norm, int64 epoch)

        if epoch % 20 = 0 then
            printfn "  epoch %3d  loss %.4f  gradient norm %.4f" epoch losses[losses.Count - 1] norm

    let pred = AD.noGrad (fun () -> model.Forward xs)
    printfn "final loss: %.4f" ((Loss.mse pred ys).ToScalar())
    let x, y, p = xs.ToArray(), ys.ToArray(), pred.ToArray()

    let csv =
        [
            "x,y,pred"
            for i in 0 .. x.Length - 1 do
                String.Format(Globalization.CultureInfo.InvariantCulture, "{0:R},{1:R},{2:R}", x[i], y[i], p[i])
        ]

    File.WriteAllLines(Path.Combine("output", "fit.csv"), csv)
    printfn "wrote output/fit.csv (columns x, y, pred)"

    {
        Model = model
        Optimizer = opt
        X = xs
        Y = ys
        Prediction = pred
        Losses = losses.ToArray()
        Writer = writer
    }

// ---------------------------------------------------------------------------------------------
// 8. The seed's two pictures: the loss per epoch, and the data with the fitted curve.
let pictures (r: Regression) =
    section 8 "Pictures: the loss curve and the fitted curve"

    let lossPath, fitPath =
        Path.Combine("output", "loss.png"), Path.Combine("output", "fit.png")

    Plot.fit (fitPath, r.X, r.Y, r.Prediction, losses = r.Losses, lossPath = lossPath)
    printfn "wrote %s (the loss per epoch) and %s (the data and the fitted curve)" lossPath fitPath
    note "Plot.fit without lossPath draws both panels in one image; Plot.lossCurve has a log scale option."

// ---------------------------------------------------------------------------------------------
// 9. Dynamic graphs: a forward pass with ordinary `if` and loops, and a recurrent network.
type DynamicNet(inputSize: int, hiddenSize: int, outputSize: int) as this =
    inherit NN.Module()
    let input = this.RegisterModule("input_linear", NN.Linear(inputSize, hiddenSize))
    let middle = this.RegisterModule("middle_linear", NN.Linear(hiddenSize, hiddenSize))
    let output = this.RegisterModule("output_linear", NN.Linear(hiddenSize, outputSize))
    let shortcut = this.RegisterModule("shortcut", NN.Linear(inputSize, outputSize))

    override _.Forward x =
        if (Tensor.mean x).ToScalar() > 1.0 then
            printfn "  DynamicNet: the mean input is above 1: shortcut path"
            shortcut.Forward x
        else
            let depth = 1 + int ((Tensor.mean x).ToScalar() * 3.0)
            printfn "  DynamicNet: normal path through %d middle layer(s)" depth
            let mutable h = Tensor.relu (input.Forward x)

            for _ in 1..depth do
                h <- Tensor.relu (middle.Forward h)

            output.Forward h

/// An RNN over sequences followed by a linear layer at every step.
type RecurrentNet(inputSize: int, hiddenSize: int, outputSize: int) as this =
    inherit NN.Module()

    let rnn =
        this.RegisterModule("rnn", NN.RNN(inputSize, hiddenSize, batchFirst = true))

    let head = this.RegisterModule("head", NN.Linear(hiddenSize, outputSize))
    override _.Forward x = head.Forward(rnn.Forward x)

let dynamic () =
    section 9 "Dynamic graphs: if, loops, recurrence"
    let net = DynamicNet(4, 8, 2)
    let small = Tensor.rand [| 3; 4 |]
    let large = Tensor.rand [| 3; 4 |] + 2.0
    printfn "DynamicNet on inputs around 0.5 gives %A" (net.Forward small).Shape
    printfn "DynamicNet on inputs around 2.5 gives %A" (net.Forward large).Shape
    let y = Tensor.sum (net.Forward small)
    y.Backward()

    printfn
        "Backward through the path taken: input_linear.weight has a gradient: %b"
        (net.NamedParameters()
         |> List.exists (fun (n, p) -> n = "input_linear.weight" && p.Grad.IsSome))

    let rnn = RecurrentNet(5, 16, 8)
    printfn "RecurrentNet(5, 16, 8) on a batch of 3 sequences of 7 steps gives %A" (rnn.Forward(Tensor.randn [| 3; 7; 5 |])).Shape

// ---------------------------------------------------------------------------------------------
// 10. Gradient checkpointing: the block's activations are not kept for Backward but recomputed,
//     trading compute for memory; the gradients are the same.
let block () =
    Random.seed 1
    NN.Sequential(NN.Linear(16, 64), NN.Tanh(), NN.Linear(64, 16), NN.Tanh()), NN.Linear(16, 1), Tensor.randn [| 32; 16 |]

let blockLoss (block: NN.Sequential) (head: NN.Linear) (x: Tensor) (checkpointed: bool) =
    let h =
        if checkpointed then
            AD.checkpoint block.Forward x
        else
            block.Forward x

    Tensor.mean (head.Forward h ** 2.0)

let checkpointing () =
    section 10 "Gradient checkpointing"
    let block, head, x = block ()
    block.ZeroGrad()
    (blockLoss block head x false).Backward()
    let plain = block.Parameters() |> List.map (fun p -> p.Grad.Value)
    block.ZeroGrad()
    (blockLoss block head x true).Backward()
    let checkpointed = block.Parameters() |> List.map (fun p -> p.Grad.Value)

    let difference =
        List.map2 (fun (a: Tensor) b -> (Tensor.abs (a - b)).ToArray() |> Array.max) plain checkpointed
        |> List.max

    printfn "AD.checkpoint block.Forward x: the block's activations are recomputed in Backward"
    printfn "largest difference from the gradients without checkpointing: %.1e" difference

// ---------------------------------------------------------------------------------------------
// 11. Hooks on gradients: called with each gradient as Backward computes it (they may replace it).
let hooks () =
    section 11 "Gradient hooks"
    let block, head, x = block ()
    note "A hook on each weight's gradient, printing its shape and mean:"

    let hooks =
        [
            for name, p in block.NamedParameters() do
                if name.EndsWith "weight" then
                    p.RegisterHook(fun g ->
                        printfn "  hook: %s gradient, shape %A, mean %.6f" name g.Shape ((Tensor.mean g).ToScalar())
                        g)
        ]

    (blockLoss block head x false).Backward()

    for h in hooks do
        h.Dispose()

    printfn "the hooks are removed by disposing what RegisterHook returned"

// ---------------------------------------------------------------------------------------------
// 12. The computation graph of the regression's loss, as torchviz's make_dot draws it: one node
//     per op with its output shape, the parameters as named leaves.
let graph (r: Regression) =
    section 12 "The computation graph as a picture"
    let loss = Loss.mse (r.Model.Forward r.X) r.Y
    let dot = Graph.toDot loss (Params.ofList (r.Model.NamedParameters()))
    printfn "%s" dot

    try
        Graph.render (Path.Combine("output", "graph.png")) dot
        printfn "wrote output/graph.dot and output/graph.png"
    with :? InvalidOperationException as e ->
        printfn "wrote output/graph.dot; %s" e.Message

// ---------------------------------------------------------------------------------------------
// 13. TensorBoard: the regression logged its loss and gradient norm every epoch; add the
//     parameters' histograms and a note, then close the writer (Dispose flushes the file).
let tensorBoard (r: Regression) =
    section 13 "TensorBoard"
    let step = int64 r.Losses.Length

    for name, p in r.Model.NamedParameters() do
        r.Writer.AddHistogram(name, p, step)

    r.Writer.AddText("notes", $"RegressionNet, Adam lr 0.01, final loss {r.Losses[r.Losses.Length - 1]:F4}", step)
    r.Writer.Dispose()

    for file in Directory.GetFiles(r.Writer.LogDir, "events.out.tfevents.*") do
        printfn "wrote %s (%d bytes): Loss/train and Gradient norm per epoch, the parameters' histograms" file (FileInfo file).Length

    note "See them with: tensorboard --logdir output/runs"

// ---------------------------------------------------------------------------------------------
// 14. Saving and loading, in PyTorch's own format: torch.load in Python reads these files, with
//     PyTorch's keys for the same RegressionNet. A checkpoint also keeps the optimizer and epoch.
let saving (r: Regression) =
    section 14 "Saving and loading"
    let path = Path.Combine("output", "regression.pt")
    r.Model.Save path
    printfn "r.Model.Save \"%s\": keys %s" path (String.Join(", ", (StateDict.load path).Names))
    let reloaded = RegressionNet()
    reloaded.Load path

    let same =
        AD.noGrad (fun () -> (reloaded.Forward r.X).ToArray() = r.Prediction.ToArray())

    printfn "a new RegressionNet loaded from it predicts exactly the same: %b" same

    // A checkpoint (model, optimizer, epoch) resumes training exactly: one more step from the
    // file gives the same parameters as one more step of the original.
    let checkpointPath = Path.Combine("output", "checkpoint.pt")
    Checkpoint.save checkpointPath r.Model r.Optimizer r.Losses.Length
    let model = RegressionNet()
    let opt = Optim.Adam(model.Parameters(), lr = 0.01)
    let epoch = Checkpoint.load checkpointPath model opt

    let step (m: RegressionNet) (o: Optimizers.Optimizer) =
        o.ZeroGrad()
        (Loss.mse (m.Forward r.X) r.Y).Backward()
        o.Step()

    step r.Model r.Optimizer
    step model opt

    let equal =
        List.forall2 (fun (a: Tensor) (b: Tensor) -> a.ToArray() = b.ToArray()) (r.Model.Parameters()) (model.Parameters())

    printfn "Checkpoint.save %s at epoch %d; loaded, the next step equals the original's: %b" checkpointPath epoch equal

// ---------------------------------------------------------------------------------------------
// 15. Gradient clipping: rescale the gradients so their joint norm is at most maxNorm, between
//     Backward and Step (Trainer does it with maxGradNorm).
let clipping () =
    section 15 "Gradient clipping"
    Random.seed 2
    let model = RegressionNet()
    let opt = Optim.Adam(model.Parameters(), lr = 0.01)
    let x = Tensor.linspace -1.0 1.0 32 |> Tensor.unsqueeze 1
    let y = 3.0 * x * x

    for i in 1..3 do
        opt.ZeroGrad()
        (Loss.mse (model.Forward x) y).Backward()
        let before = Optim.clipGradNorm (model.Parameters()) 0.5

        printfn
            "step %d: Optim.clipGradNorm (model.Parameters()) 0.5: the norm was %.4f, now %.4f"
            i
            before
            (Optim.gradNorm (model.Parameters()))

        opt.Step()

// ---------------------------------------------------------------------------------------------
// 18. Function transforms, JAX style: they take a function and return a function, and nest.
let transforms () =
    section 18 "Beyond the tour: function transforms, which PyTorch's tour does not have"
    let f (v: Tensor) = Tensor.sum (Tensor.sin v * v ** 2.0)
    let x = Tensor.ofArray [| 0.5; 1.0; 2.0 |]
    note "f(v) = sum(sin v * v**2), x = [0.5, 1, 2] (float64: use it for checking derivatives)"
    show "f x" (f x)
    show "AD.grad f x  (= 2v sin v + v² cos v)" (AD.grad f x)
    let v = Tensor.ofArray [| 1.0; 0.0; 0.0 |]
    let value, tangent = AD.jvp f x v
    printfn "AD.jvp f x v with v = e₀ (forward mode): value = %g, J·v = %g\n" (value.ToScalar()) (tangent.ToScalar())
    show "AD.hessian f x (diagonal: f is a sum of functions of one variable each)" (AD.hessian f x)
    show "AD.hvp f x v (H·v without forming H: the first column)" (AD.hvp f x v)

    let polar (p: Tensor) =
        Tensor.stack 0 [ p[0] * Tensor.cos p[1]; p[0] * Tensor.sin p[1] ]

    show
        "AD.jacobian of (r, θ) ↦ (r cos θ, r sin θ) at (2, π/6): [[cos θ, -r sin θ], [sin θ, r cos θ]]"
        (AD.jacobian polar (Tensor.ofArray [| 2.0; Math.PI / 6.0 |]))

    printfn "AD.diffn 3 sin at 0 (sin''' = -cos): %g\n" ((AD.diffn 3 Tensor.sin (Tensor.scalar 0.0)).ToScalar())
    note "Checking AD against central finite differences, as PyTorch's gradcheck does:"
    show "Numerical.grad f x" (Numerical.grad f x)
    let check = GradCheck.check f x

    printfn
        "GradCheck.check f x: Passed = %b, MaxAbsoluteError = %.2g, MaxRelativeError = %.2g"
        check.Passed
        check.MaxAbsoluteError
        check.MaxRelativeError

// ---------------------------------------------------------------------------------------------
// 19. A real data set in batches: the UCI digits, a seeded 80/20 split, a DataLoader, and the
//     Trainer with validation, a cosine schedule, early stopping and TensorBoard logs.
let digits () =
    section 19 "Beyond the tour: the UCI digits, a DataLoader and the Trainer"
    let images, labels = Data.Datasets.digits (normalize = true)

    let parts =
        Data.Dataset.randomSplit 42 [ 0.8; 0.2 ] (Data.TensorDataset(images, labels))

    let train = Data.DataLoader(parts[0], batchSize = 64, shuffle = true, seed = 1)
    let test = Data.DataLoader(parts[1], batchSize = 256)

    note
        $"UCI digits: {images.Shape[0]} images of 8×8 pixels, {parts[0].Count} for training and {parts[1].Count} for testing (a seeded 80/20 split)"

    let classifier = NN.Sequential(NN.Linear(64, 128), NN.ReLU(), NN.Linear(128, 10))

    let adam = Optim.Adam(classifier.Parameters(), lr = 3e-3)
    let schedule = Optim.CosineAnnealingLR(adam, 20)
    use writer = new SummaryWriter(Path.Combine("output", "runs", "digits"))

    let trainer =
        Training.Trainer(
            classifier,
            adam,
            Loss.crossEntropy,
            metrics = [ Training.Metrics.accuracy ],
            scheduler = schedule,
            patience = 5,
            restoreBest = true,
            writer = writer,
            lossCurve = Path.Combine("output", "digits-loss.png")
        )

    let fit = trainer.Fit(train, 20, validation = test)
    let result = trainer.Evaluate test

    printfn
        "digits: test accuracy %.1f%%, test loss %.4f, with the state of the best epoch (%d of %d run, %A)"
        (100.0 * result.Metrics["accuracy"])
        result.Loss
        fit.BestEpoch.Value
        fit.History.Length
        fit.Stopped

// ---------------------------------------------------------------------------------------------
// 16-17. The seed tutorial's last chapters, not yet in Nabla.
let mixedPrecision () =
    section 16 "Mixed precision"
    note "autocast and GradScaler come with the roadmap's issue on scale; everything here runs in float32/float64."

let distributed () =
    section 17 "Distributed training"
    note "Data-parallel training over MPI comes with the roadmap's issue on scale; this tour runs in one process."

[<EntryPoint>]
let main _ =
    Directory.CreateDirectory "output" |> ignore
    creation ()
    attributes ()
    operations ()
    speed ()
    autograd ()
    modules ()
    let r = regression ()
    pictures r
    dynamic ()
    checkpointing ()
    hooks ()
    graph r
    tensorBoard r
    saving r
    clipping ()
    mixedPrecision ()
    distributed ()
    transforms ()
    digits ()
    0
