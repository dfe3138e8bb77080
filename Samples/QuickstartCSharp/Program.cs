// Nabla's tour in C#: the seed's PyTorch tutorial, section by section and in its order (tensors,
// speed, autograd, modules, the regression end to end with its pictures, dynamic graphs,
// checkpointing, hooks, the graph picture, TensorBoard, saving, clipping), then what PyTorch's tour
// does not have: function transforms, and a real data set with the Trainer.
// The same tour in F# is Samples/Quickstart (`dotnet fsi build.fsx run fsharp`); this one runs with
// `dotnet fsi build.fsx run`. Every value below is printed the way PyTorch prints it.
using System.Diagnostics;
using System.Globalization;
using Nabla.CSharp;

namespace QuickstartCSharp;

/// <summary>The regression of section 7, which later sections draw, save and log.</summary>
internal sealed record Regression(
    RegressionNet Model, Optimizer Optimizer, Tensor X, Tensor Y, Tensor Prediction, double[] Losses, SummaryWriter Writer);

internal static class Program
{
    private static void Section(int n, string title) => Console.WriteLine($"\n=== {n}. {title} ===\n");

    private static void Note(string text) => Console.WriteLine($"# {text}");

    private static void Show(string label, object value) => Console.WriteLine($"{label}\n{value}\n");

    private static string ShapeOf(Tensor t) => $"[{string.Join(", ", t.Shape)}]";

    // -----------------------------------------------------------------------------------------
    // 1. Tensor creation. The dtype follows the .NET element type (double → float64, float →
    //    float32, int → int32); factories without data give float32, as in PyTorch.
    private static void Creation()
    {
        Section(1, "Tensor creation");
        Show("Tensor.From(3.0)", Tensor.From(3.0));
        Show("Tensor.From(new[] { 1.0, 2.0, 3.0 })", Tensor.From(new[] { 1.0, 2.0, 3.0 }));
        Show("Tensor.From(new[] { 1.0f, 2.0f, 3.0f })", Tensor.From(new[] { 1.0f, 2.0f, 3.0f }));
        Show("Tensor.From(new[] { 1, 2, 3 })", Tensor.From(new[] { 1, 2, 3 }));
        Show("Tensor.From(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } })", Tensor.From(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } }));
        Show("Tensor.Zeros(2, 3)", Tensor.Zeros(2, 3));
        Show("Tensor.Ones(2, 2)", Tensor.Ones(2, 2));
        Show("Tensor.Eye(3)", Tensor.Eye(3));
        Show("Tensor.Arange(0.0, 5.0, 1.0)", Tensor.Arange(0.0, 5.0, 1.0));
        Show("Tensor.Linspace(0.0, 1.0, 5)", Tensor.Linspace(0.0, 1.0, 5));
        Torch.ManualSeed(0);
        Show("Torch.ManualSeed(0); Tensor.Randn(2, 3)", Tensor.Randn(2, 3));
        Show("Tensor.Zeros(2, 2, dtype: DType.Float64)", Tensor.Zeros(2, 2, dtype: DType.Float64));
    }

    // -----------------------------------------------------------------------------------------
    // 2. Attributes: shape, dtype, device, requires-grad.
    private static void Attributes()
    {
        Section(2, "Tensor attributes");
        var t = Tensor.From(new[,] { { 1.0, 2.0, 3.0 }, { 4.0, 5.0, 6.0 } });
        Console.WriteLine($"t.Shape = {ShapeOf(t)}, t.DType = {t.DType}, t.Device = {t.Device}, t.Dim = {t.Dim}, t.Numel = {t.Numel}");
        Console.WriteLine($"t.RequiresGradient = {t.RequiresGradient}");
        var w = Tensor.Randn(3).RequiresGrad();
        Console.WriteLine($"w = Tensor.Randn(3).RequiresGrad(): w.RequiresGradient = {w.RequiresGradient}, w.IsLeaf = {w.IsLeaf}");
        // The F# tour also prints t.IsDifferentiated inside and outside AD.grad: the C# facade has
        // no such property, so this tour shows that a transform traces its argument by using it.
        Autodiff.Grad(x =>
        {
            Console.WriteLine($"inside Autodiff.Grad, x has shape {ShapeOf(x)} and is traced for the gradient");
            return x.Sum();
        }, t);

        Console.WriteLine($"Torch.CudaIsAvailable() = {Torch.CudaIsAvailable()}");
        if (!Torch.CudaIsAvailable())
        {
            Note("This build runs on the CPU. A CUDA device is selectable, but raises a clear error here:");
            try
            {
                Tensor.Zeros(2, device: Device.Cuda(0));
            }
            catch (Exception e)
            {
                Console.WriteLine($"{e.GetType().Name}: {e.Message}");
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // 3. Operations: methods and operators, C# indexers and ranges for slicing.
    private static void Operations()
    {
        Section(3, "Operations");
        var m = Tensor.Arange(0.0, 6.0, 1.0).Reshape(2, 3);
        Show("m = Tensor.Arange(0.0, 6.0, 1.0).Reshape(2, 3)", m);
        Show("m.View(3, 2)", m.View(3, 2));
        Show("m.Transpose(0, 1)", m.Transpose(0, 1));
        Show("m.MatMul(m.Transpose(0, 1))", m.MatMul(m.Transpose(0, 1)));
        Show("m + m * 2.0", m + m * 2.0);
        Show("m.Exp()", m.Exp());
        Show("m.Sin()", m.Sin());
        Show("(m - 2.5).Relu()", (m - 2.5).Relu());
        Show("(m.Sum(), m.Mean(), m.Max())", (m.Sum(), m.Mean(), m.Max()));
        Show("m.Sum(dim: 0) (column sums)", m.Sum(dim: 0));
        var t = Tensor.Arange(0.0, 12.0, 1.0).Reshape(3, 4);
        Show("t = Tensor.Arange(0.0, 12.0, 1.0).Reshape(3, 4)", t);
        Show("t[0..2, ..] (rows 0 and 1: C# ranges exclude their end)", t[0..2, ..]);
        Show("t[.., 1..3] (columns 1 and 2)", t[.., 1..3]);
        Show("t[0] (row 0)", t[0]);
        Console.WriteLine($"t[1, 2].Item<double>() = {t[1, 2].Item<double>()}");
    }

    // -----------------------------------------------------------------------------------------
    // 4. Speed. LibTorch's matrix product against the textbook triple loop in C#, same matrices.
    //    Each repetition runs in a Scope, so the product is freed at once and memory stays flat.
    private static double Median(double[] xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2.0;
    }

    private static double TimeMs(int repetitions, Action f)
    {
        f(); // warm-up
        var times = new double[repetitions];
        for (var i = 0; i < repetitions; i++)
        {
            var sw = Stopwatch.StartNew();
            f();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }

        return Median(times);
    }

    private static float[,] NaiveMatmul(float[,] a, float[,] b)
    {
        int n = a.GetLength(0), k = a.GetLength(1), m = b.GetLength(1);
        var c = new float[n, m];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < m; j++)
            {
                var s = 0.0f;
                for (var p = 0; p < k; p++)
                    s += a[i, p] * b[p, j];
                c[i, j] = s;
            }

        return c;
    }

    private static void Speed()
    {
        Section(4, "Speed: a 512×512 float32 matrix product, CPU and GPU");
        const int n = 512;
        Torch.ManualSeed(0);
        var a = Tensor.Randn(n, n);
        var b = Tensor.Randn(n, n);
        var liveBefore = Scope.LiveTensorCount;
        var nablaMs = TimeMs(10, () =>
        {
            using var scope = new Scope();
            a.MatMul(b);
        });
        var liveAfter = Scope.LiveTensorCount;

        float[,] a2 = a.ToArray2D<float>(), b2 = b.ToArray2D<float>();
        var loopMs = TimeMs(3, () => NaiveMatmul(a2, b2));
        var loop = NaiveMatmul(a2, b2);
        var expected = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                expected[i, j] = loop[i, j];

        double maxDiff;
        using (new Scope())
            maxDiff = (a.MatMul(b).To(DType.Float64) - Tensor.From(expected)).Abs().Max().Item<double>();

        Console.WriteLine($"CPU: a.MatMul(b) (LibTorch, {Torch.GetNumThreads()} threads): {nablaMs,8:F2} ms (median of 10)");
        Console.WriteLine($"CPU: C# triple loop over float[,]:           {loopMs,8:F2} ms (median of 3)");
        Console.WriteLine($"speed-up: {loopMs / nablaMs:F0}x; max |difference| = {maxDiff:G2} (float32 rounding, sums of {n} products)");
        Console.WriteLine($"tensors alive before the timings: {liveBefore}, after them: {liveAfter} (each Scope freed its product)");

        if (Torch.CudaIsAvailable())
        {
            var gpu = Device.Cuda(0);
            var (ag, bg) = (a.To(gpu), b.To(gpu));
            // The product is copied back (a synchronising read) so the time covers the whole computation.
            var gpuMs = TimeMs(10, () =>
            {
                using var scope = new Scope();
                ag.MatMul(bg).To(Device.Cpu);
            });
            Console.WriteLine($"GPU: a.MatMul(b) on {gpu}, with the copy back: {gpuMs,8:F2} ms (median of 10); {nablaMs / gpuMs:F1}x the CPU");
        }
        else
        {
            Note("GPU: no CUDA device here (Torch.CudaIsAvailable() = False), so only the CPU is timed.");
        }
    }

    // -----------------------------------------------------------------------------------------
    // 5. Autograd, the seed example: z = x² + y³ + 5, so dz/dx = 2x = 4 and dz/dy = 3y² = 27.
    //    Autodiff.Grad differentiates a function of one tensor, or of named tensors (Params).
    private static void Autograd()
    {
        Section(5, "Autograd: z = x**2 + y**3 + 5 at x = 2, y = 3");
        var x = Tensor.From(2.0);
        var y = Tensor.From(3.0);
        static Tensor Z(Tensor x, Tensor y) => x.Pow(2) + y.Pow(3) + 5;
        Show("z", Z(x, y));
        var dzdx = Autodiff.Grad(x => Z(x, y), x);
        var dzdy = Autodiff.Grad(y => Z(x, y), y);
        Console.WriteLine($"Autodiff.Grad on each variable: dz/dx = {dzdx.Item<double>()}, dz/dy = {dzdy.Item<double>()}");
        var grads = Autodiff.Grad(p => Z(p["x"], p["y"]), Params.Of(("x", x), ("y", y)));
        Console.WriteLine($"Autodiff.Grad over Params, both at once: dz/dx = {grads["x"].Item<double>()}, dz/dy = {grads["y"].Item<double>()}");

        Note("The same, PyTorch-style: tensors that require grad, Backward, .Grad");
        var xs = Tensor.From(2.0, requiresGrad: true);
        var ys = Tensor.From(3.0, requiresGrad: true);
        var z = xs.Pow(2) + ys.Pow(3) + 5;
        z.Backward();
        Console.WriteLine($"z.Backward():  x.Grad = {xs.Grad!.Item<double>()}, y.Grad = {ys.Grad!.Item<double>()}");
        var w = Tensor.Ones(2, requiresGrad: true);
        for (var i = 0; i < 3; i++)
            w.Sum().Backward();
        Show("three Backward calls accumulate: w.Grad", w.Grad!);
        w.ZeroGrad();
        Console.WriteLine($"after w.ZeroGrad(): w.Grad = {w.Grad?.ToString() ?? "null"}");
    }

    // -----------------------------------------------------------------------------------------
    // 6. Modules (Models.cs): a layer of your own, a layer that picks its activation by name,
    //    and PyTorch's printout of a model.
    private static void Modules()
    {
        Section(6, "Modules");
        var custom = new CustomLinear(5, 3);
        Console.WriteLine($"CustomLinear(5, 3) on a [10, 5] batch gives {ShapeOf(custom.Forward(Tensor.Randn(10, 5)))}");
        var x = Tensor.Linspace(-2.0, 2.0, 5).Unsqueeze(1);
        foreach (var name in new[] { "relu", "sigmoid", "tanh" })
        {
            var layer = new ActivatedLinear(1, 2, name);
            Show($"ActivatedLinear(1, 2, \"{name}\") on [-2, -1, 0, 1, 2]", Autodiff.NoGrad(() => layer.Forward(x)));
        }

        Show("new RegressionNet()", new RegressionNet());
    }

    // -----------------------------------------------------------------------------------------
    // 7. The seed's regression end to end: y = x² + 0.2·noise, RegressionNet, Adam (lr 0.01) on
    //    the MSE for 100 epochs, the loss and the gradient norm every 20 epochs (also logged to
    //    TensorBoard), and the data with the fitted curve in output/fit.csv.
    private static Regression TrainRegression()
    {
        Section(7, "End to end: the regression, trained with Adam");
        Torch.ManualSeed(0);
        var xs = Tensor.Linspace(-1.0, 1.0, 100).Unsqueeze(1);
        var ys = xs * xs + 0.2 * Tensor.RandnLike(xs);
        var model = new RegressionNet();
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        var writer = new SummaryWriter(Path.Combine("output", "runs", "regression"));
        var losses = new List<double>();

        for (var epoch = 1; epoch <= 100; epoch++)
        {
            optimizer.ZeroGrad();
            var loss = Loss.Mse(model.Forward(xs), ys);
            loss.Backward();
            var norm = Gradients.GradNorm(model.Parameters());
            optimizer.Step();
            losses.Add(loss.Item<double>());
            writer.AddScalar("Loss/train", losses[^1], epoch);
            writer.AddScalar("Gradient norm", norm, epoch);
            if (epoch % 20 == 0)
                Console.WriteLine($"  epoch {epoch,3}  loss {losses[^1]:F4}  gradient norm {norm:F4}");
        }

        var pred = Autodiff.NoGrad(() => model.Forward(xs));
        Console.WriteLine($"final loss: {Loss.Mse(pred, ys).Item<double>():F4}");
        double[] x = xs.ToArray(), y = ys.ToArray(), p = pred.ToArray();
        var csv = new List<string> { "x,y,pred" };
        for (var i = 0; i < x.Length; i++)
            csv.Add(string.Format(CultureInfo.InvariantCulture, "{0:R},{1:R},{2:R}", x[i], y[i], p[i]));
        File.WriteAllLines(Path.Combine("output", "fit.csv"), csv);
        Console.WriteLine("wrote output/fit.csv (columns x, y, pred)");
        return new Regression(model, optimizer, xs, ys, pred, losses.ToArray(), writer);
    }

    // -----------------------------------------------------------------------------------------
    // 8. The seed's two pictures: the loss per epoch, and the data with the fitted curve.
    private static void Pictures(Regression r)
    {
        Section(8, "Pictures: the loss curve and the fitted curve");
        var lossPath = Path.Combine("output", "loss.png");
        var fitPath = Path.Combine("output", "fit.png");
        Plot.Fit(fitPath, r.X, r.Y, r.Prediction, losses: r.Losses, lossPath: lossPath);
        Console.WriteLine($"wrote {lossPath} (the loss per epoch) and {fitPath} (the data and the fitted curve)");
        Note("Plot.Fit without lossPath draws both panels in one image; Plot.LossCurve has a log scale option.");
    }

    // -----------------------------------------------------------------------------------------
    // 9. Dynamic graphs: a forward pass with ordinary `if` and loops, and a recurrent network
    //    (DynamicNet and RecurrentNet in Models.cs).
    private static void Dynamic()
    {
        Section(9, "Dynamic graphs: if, loops, recurrence");
        var net = new DynamicNet(4, 8, 2);
        var small = Tensor.Rand(3, 4);
        var large = Tensor.Rand(3, 4) + 2.0;
        Console.WriteLine($"DynamicNet on inputs around 0.5 gives {ShapeOf(net.Forward(small))}");
        Console.WriteLine($"DynamicNet on inputs around 2.5 gives {ShapeOf(net.Forward(large))}");
        net.Forward(small).Sum().Backward();
        var hasGrad = net.NamedParameters().Any(np => np.Name == "input_linear.weight" && np.Parameter.Grad is not null);
        Console.WriteLine($"Backward through the path taken: input_linear.weight has a gradient: {hasGrad}");
        var rnn = new RecurrentNet(5, 16, 8);
        Console.WriteLine($"RecurrentNet(5, 16, 8) on a batch of 3 sequences of 7 steps gives {ShapeOf(rnn.Forward(Tensor.Randn(3, 7, 5)))}");
    }

    // -----------------------------------------------------------------------------------------
    // 10. Gradient checkpointing: the block's activations are not kept for Backward but
    //     recomputed, trading compute for memory; the gradients are the same.
    private static (Sequential Block, Linear Head, Tensor X) Block()
    {
        Torch.ManualSeed(1);
        var block = new Sequential(new Linear(16, 64), new Tanh(), new Linear(64, 16), new Tanh());
        var head = new Linear(16, 1);
        return (block, head, Tensor.Randn(32, 16));
    }

    private static Tensor BlockLoss(Sequential block, Linear head, Tensor x, bool checkpointed)
    {
        var h = checkpointed ? Autodiff.Checkpoint(block.Forward, x) : block.Forward(x);
        return head.Forward(h).Pow(2).Mean();
    }

    private static void Checkpointing()
    {
        Section(10, "Gradient checkpointing");
        var (block, head, x) = Block();
        block.ZeroGrad();
        BlockLoss(block, head, x, checkpointed: false).Backward();
        var plain = block.Parameters().Select(p => p.Grad!).ToList();
        block.ZeroGrad();
        BlockLoss(block, head, x, checkpointed: true).Backward();
        var checkpointed = block.Parameters().Select(p => p.Grad!).ToList();
        var difference = plain.Zip(checkpointed, (a, b) => (a - b).Abs().Max().Item<double>()).Max();
        Console.WriteLine("Autodiff.Checkpoint(block.Forward, x): the block's activations are recomputed in Backward");
        Console.WriteLine($"largest difference from the gradients without checkpointing: {difference:0.0e+000}");
    }

    // -----------------------------------------------------------------------------------------
    // 11. Hooks on gradients: called with each gradient as Backward computes it (they may replace it).
    private static void Hooks()
    {
        Section(11, "Gradient hooks");
        var (block, head, x) = Block();
        Note("A hook on each weight's gradient, printing its shape and mean:");
        var hooks = new List<IDisposable>();
        foreach (var (name, p) in block.NamedParameters())
            if (name.EndsWith("weight"))
                hooks.Add(p.RegisterHook(g =>
                {
                    Console.WriteLine($"  hook: {name} gradient, shape {ShapeOf(g)}, mean {g.Mean().Item<double>():F6}");
                    return g;
                }));

        BlockLoss(block, head, x, checkpointed: false).Backward();
        foreach (var hook in hooks)
            hook.Dispose();
        Console.WriteLine("the hooks are removed by disposing what RegisterHook returned");
    }

    // -----------------------------------------------------------------------------------------
    // 12. The computation graph of the regression's loss, as torchviz's make_dot draws it: one
    //     node per op with its output shape, the parameters as named leaves.
    private static void DrawGraph(Regression r)
    {
        Section(12, "The computation graph as a picture");
        var loss = Loss.Mse(r.Model.Forward(r.X), r.Y);
        var dot = Graph.ToDot(loss, r.Model);
        Console.WriteLine(dot);
        try
        {
            Graph.Render(Path.Combine("output", "graph.png"), dot);
            Console.WriteLine("wrote output/graph.dot and output/graph.png");
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"wrote output/graph.dot; {e.Message}");
        }
    }

    // -----------------------------------------------------------------------------------------
    // 13. TensorBoard: the regression logged its loss and gradient norm every epoch; add the
    //     parameters' histograms and a note, then close the writer (Dispose flushes the file).
    private static void TensorBoard(Regression r)
    {
        Section(13, "TensorBoard");
        long step = r.Losses.Length;
        foreach (var (name, p) in r.Model.NamedParameters())
            r.Writer.AddHistogram(name, p, step);
        r.Writer.AddText("notes", $"RegressionNet, Adam lr 0.01, final loss {r.Losses[^1]:F4}", step);
        r.Writer.Dispose();
        foreach (var file in Directory.GetFiles(r.Writer.LogDir, "events.out.tfevents.*"))
            Console.WriteLine($"wrote {file} ({new FileInfo(file).Length} bytes): Loss/train and Gradient norm per epoch, the parameters' histograms");
        Note("See them with: tensorboard --logdir output/runs");
    }

    // -----------------------------------------------------------------------------------------
    // 14. Saving and loading, in PyTorch's own format: torch.load in Python reads these files,
    //     with PyTorch's keys for the same RegressionNet. A checkpoint also keeps the optimizer
    //     and the epoch.
    private static void Saving(Regression r)
    {
        Section(14, "Saving and loading");
        var path = Path.Combine("output", "regression.pt");
        r.Model.Save(path);
        Console.WriteLine($"r.Model.Save(\"{path}\"): keys {string.Join(", ", StateDict.Load(path).Keys)}");
        var reloaded = new RegressionNet();
        reloaded.Load(path);
        var same = Autodiff.NoGrad(() => reloaded.Forward(r.X).ToArray().SequenceEqual(r.Prediction.ToArray()));
        Console.WriteLine($"a new RegressionNet loaded from it predicts exactly the same: {same}");

        // A checkpoint (model, optimizer, epoch) resumes training exactly: one more step from the
        // file gives the same parameters as one more step of the original.
        var checkpointPath = Path.Combine("output", "checkpoint.pt");
        Checkpoint.Save(checkpointPath, r.Model, r.Optimizer, r.Losses.Length);
        var model = new RegressionNet();
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        var epoch = Checkpoint.Load(checkpointPath, model, optimizer);

        void Step(RegressionNet m, Optimizer o)
        {
            o.ZeroGrad();
            Loss.Mse(m.Forward(r.X), r.Y).Backward();
            o.Step();
        }

        Step(r.Model, r.Optimizer);
        Step(model, optimizer);
        var equal = r.Model.Parameters().Zip(model.Parameters(), (a, b) => a.ToArray().SequenceEqual(b.ToArray())).All(e => e);
        Console.WriteLine($"Checkpoint.Save {checkpointPath} at epoch {epoch}; loaded, the next step equals the original's: {equal}");
    }

    // -----------------------------------------------------------------------------------------
    // 15. Gradient clipping: rescale the gradients so their joint norm is at most maxNorm,
    //     between Backward and Step (the Trainer does it with WithMaxGradNorm).
    private static void Clipping()
    {
        Section(15, "Gradient clipping");
        Torch.ManualSeed(2);
        var model = new RegressionNet();
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        var x = Tensor.Linspace(-1.0, 1.0, 32).Unsqueeze(1);
        var y = 3.0 * x * x;
        for (var i = 1; i <= 3; i++)
        {
            optimizer.ZeroGrad();
            Loss.Mse(model.Forward(x), y).Backward();
            var before = Gradients.ClipGradNorm(model.Parameters(), 0.5);
            Console.WriteLine($"step {i}: Gradients.ClipGradNorm(model.Parameters(), 0.5): the norm was {before:F4}, now {Gradients.GradNorm(model.Parameters()):F4}");
            optimizer.Step();
        }
    }

    // -----------------------------------------------------------------------------------------
    // 16-17. The seed tutorial's last chapters, not yet in Nabla.
    private static void MixedPrecision()
    {
        Section(16, "Mixed precision");
        Note("autocast and GradScaler come with the roadmap's issue on scale; everything here runs in float32/float64.");
    }

    private static void Distributed()
    {
        Section(17, "Distributed training");
        Note("Data-parallel training over MPI comes with the roadmap's issue on scale; this tour runs in one process.");
    }

    // -----------------------------------------------------------------------------------------
    // 18. Function transforms, JAX style: they take a function (a Func<Tensor, Tensor>) and
    //     return its derivative's values; they nest.
    private static void Transforms()
    {
        Section(18, "Beyond the tour: function transforms, which PyTorch's tour does not have");
        static Tensor F(Tensor v) => (v.Sin() * v.Pow(2)).Sum();
        var x = Tensor.From(new[] { 0.5, 1.0, 2.0 });
        Note("f(v) = sum(sin v * v**2), x = [0.5, 1, 2] (float64: use it for checking derivatives)");
        Show("F(x)", F(x));
        Show("Autodiff.Grad(F, x)  (= 2v sin v + v² cos v)", Autodiff.Grad(F, x));
        var v = Tensor.From(new[] { 1.0, 0.0, 0.0 });
        var (value, tangent) = Autodiff.Jvp(F, x, v);
        Console.WriteLine($"Autodiff.Jvp(F, x, v) with v = e₀ (forward mode): value = {value.Item<double>():G6}, J·v = {tangent.Item<double>():G6}\n");
        Show("Autodiff.Hessian(F, x) (diagonal: f is a sum of functions of one variable each)", Autodiff.Hessian(F, x));
        Show("Autodiff.Hvp(F, x, v) (H·v without forming H: the first column)", Autodiff.Hvp(F, x, v));

        static Tensor Polar(Tensor p) => Tensor.Stack(p[0] * p[1].Cos(), p[0] * p[1].Sin());
        Show(
            "Autodiff.Jacobian of (r, θ) ↦ (r cos θ, r sin θ) at (2, π/6): [[cos θ, -r sin θ], [sin θ, r cos θ]]",
            Autodiff.Jacobian(Polar, Tensor.From(new[] { 2.0, Math.PI / 6.0 })));
        Console.WriteLine($"Autodiff.DiffN(3, Sin, 0) (sin''' = -cos): {Autodiff.DiffN(3, t => t.Sin(), Tensor.From(0.0)).Item<double>():G6}\n");

        Note("Checking AD against central finite differences, as PyTorch's gradcheck does:");
        Show("Autodiff.NumericalGrad(F, x)", Autodiff.NumericalGrad(F, x));
        var check = Autodiff.GradCheck(F, x);
        Console.WriteLine($"Autodiff.GradCheck(F, x): Passed = {check.Passed}, MaxAbsoluteError = {check.MaxAbsoluteError:G2}, MaxRelativeError = {check.MaxRelativeError:G2}");
    }

    // -----------------------------------------------------------------------------------------
    // 19. A real data set in batches: the UCI digits, a seeded 80/20 split, a DataLoader, and the
    //     Trainer with validation, a cosine schedule, early stopping and TensorBoard logs.
    private static void Digits()
    {
        Section(19, "Beyond the tour: the UCI digits, a DataLoader and the Trainer");
        var (images, labels) = Datasets.Digits(normalize: true);
        var parts = Dataset.RandomSplit(new TensorDataset(images, labels), new[] { 0.8, 0.2 }, seed: 42);
        var train = new DataLoader(parts[0], batchSize: 64, shuffle: true, seed: 1);
        var test = new DataLoader(parts[1], batchSize: 256);
        Note($"UCI digits: {images.Shape[0]} images of 8×8 pixels, {parts[0].Count} for training and {parts[1].Count} for testing (a seeded 80/20 split)");

        var classifier = Nn.Sequential().Linear(64, 128).ReLU().Linear(128, 10);
        var adam = new Adam(classifier.Parameters(), lr: 3e-3);
        using var writer = new SummaryWriter(Path.Combine("output", "runs", "digits"));

        var trainer = new Trainer(classifier)
            .WithOptimizer(adam)
            .WithLoss(Loss.CrossEntropy)
            .WithAccuracy()
            .WithScheduler(new CosineAnnealingLR(adam, 20))
            .WithEarlyStopping(patience: 5)
            .RestoreBest()
            .WithSummaryWriter(writer)
            .WithLossCurve(Path.Combine("output", "digits-loss.png"))
            .Epochs(20);

        var fit = trainer.Fit(train, validation: test);
        var result = trainer.Evaluate(test);
        Console.WriteLine(
            $"digits: test accuracy {100.0 * result.Metrics["accuracy"]:F1}%, test loss {result.Loss:F4}, " +
            $"with the state of the best epoch ({fit.BestEpoch} of {fit.History.Count} run, {fit.Stopped})");
    }

    private static int Main()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        Directory.CreateDirectory("output");
        Creation();
        Attributes();
        Operations();
        Speed();
        Autograd();
        Modules();
        var r = TrainRegression();
        Pictures(r);
        Dynamic();
        Checkpointing();
        Hooks();
        DrawGraph(r);
        TensorBoard(r);
        Saving(r);
        Clipping();
        MixedPrecision();
        Distributed();
        Transforms();
        Digits();
        return 0;
    }
}
