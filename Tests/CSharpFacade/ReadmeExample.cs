using System;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>The README's C# example, compiled and run as a test. The lines between the markers
/// must equal the README's ```csharp block after its using line (Tests/Documentation.fs checks).</summary>
public static class ReadmeExample
{
    /// <summary>The README's C# example runs: 4 and 27, a falling loss, a Hessian.</summary>
    public static void ReadmeCSharpExampleRuns()
    {
        Console.Lines.Clear();
        Run();
        var text = string.Join("\n", Console.Lines);
        Assert.True(text.Contains("dz/dx = 4, dz/dy = 27"), $"the seed's gradients in: {text}");
        Assert.True(text.Contains("epoch 100: loss 0.0"), $"the regression's loss below 0.1 in: {text}");
    }

    /// <summary>Stands in for System.Console inside this class (name lookup finds it first), so the
    /// example's output is checked without redirecting the console of tests running in parallel.</summary>
    private static class Console
    {
        [ThreadStatic] private static System.Collections.Generic.List<string>? lines;

        public static System.Collections.Generic.List<string> Lines => lines ??= new();

        public static void WriteLine(object? value) => Lines.Add(value?.ToString() ?? "");
    }

    private static void Run()
    {
        // README:begin
        // The seed example: z = x² + y³ + 5 at x = 2, y = 3
        var x = Tensor.From(2.0).RequiresGrad();
        var y = Tensor.From(3.0).RequiresGrad();
        var z = x.Pow(2) + y.Pow(3) + 5;
        z.Backward();
        Console.WriteLine($"dz/dx = {x.Grad!.Item<double>()}, dz/dy = {y.Grad!.Item<double>()}");   // 4, 27

        // A model, a loss, an optimizer: the PyTorch loop, line for line
        Torch.ManualSeed(0);
        var xs = Tensor.Linspace(-1, 1, 100).Unsqueeze(1);
        var ys = xs * xs + 0.2 * Tensor.RandnLike(xs);
        var model = Nn.Sequential().Linear(1, 20).ReLU().Linear(20, 1);
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        for (var epoch = 1; epoch <= 100; epoch++)
        {
            optimizer.ZeroGrad();
            var loss = Loss.Mse(model.Forward(xs), ys);
            loss.Backward();
            optimizer.Step();
            if (epoch % 50 == 0) Console.WriteLine($"epoch {epoch}: loss {loss.Item<double>():F4}");
        }
        // Function transforms, JAX style: they take a function and nest
        Func<Tensor, Tensor> f = t => (t.Sin() * t.Pow(2)).Sum();
        var v = Tensor.From(new[] { 0.5, 1.0, 2.0 });
        Console.WriteLine(Autodiff.Hessian(f, v));
        // README:end
    }
}
