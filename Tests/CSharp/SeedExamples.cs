using System;
using System.Linq;
using Nabla;

namespace Nabla.Tests.CSharp;

/// <summary>
/// What a C# user of Nabla writes: factories, indexers, operators, convolution as an extension
/// method, and derivatives through the Func-taking entry points of <see cref="AD"/>. Every public
/// static method without parameters is a test (Tests/CSharpSurface.fs runs them); it throws on failure.
/// </summary>
public static class SeedExamples
{
    static void Check(bool condition, string what)
    {
        if (!condition) throw new Exception($"C# surface: {what}");
    }

    static void Close(double actual, double expected, string what) =>
        Check(Math.Abs(actual - expected) <= 1e-9 + 1e-9 * Math.Abs(expected), $"{what}: got {actual}, expected {expected}");

    static void Same(int[] actual, int[] expected, string what) =>
        Check(actual.SequenceEqual(expected), $"{what}: got [{string.Join(", ", actual)}], expected [{string.Join(", ", expected)}]");

    static void Values(Tensor t, double[] expected, string what)
    {
        var actual = t.ToArray();
        Check(actual.Length == expected.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (var i = 0; i < actual.Length; i++) Close(actual[i], expected[i], $"{what}[{i}]");
    }

    /// <summary>The seed walkthrough: z = x² + y³ + 5 at x = 2, y = 3 has ∂z/∂x = 4 and ∂z/∂y = 27.</summary>
    public static void SeedGradientThroughGradParams()
    {
        var p = new Params(new[] { Tuple.Create("x", Tensor.Create(2.0)), Tuple.Create("y", Tensor.Create(3.0)) });
        var g = AD.GradParams(q => q["x"] * q["x"] + Tensor.Pow(q["y"], 3.0) + 5.0, p);
        Close(g["x"].ToScalar(), 4.0, "dz/dx");
        Close(g["y"].ToScalar(), 27.0, "dz/dy");
        var vg = AD.ValueAndGradParams(q => q["x"] * q["x"] + Tensor.Pow(q["y"], 3) + 5.0, p);
        Close(vg.Value.ToScalar(), 36.0, "z");
        Close(vg.Gradients["y"].ToScalar(), 27.0, "dz/dy from ValueAndGradParams");
    }

    /// <summary>The same derivatives one variable at a time, with AD.Grad.</summary>
    public static void SeedGradientPerVariable()
    {
        var x = Tensor.Create(2.0);
        var y = Tensor.Create(3.0);
        Close(AD.Grad(x => x * x + Tensor.Pow(y, 3.0) + 5.0, x).ToScalar(), 4.0, "dz/dx");
        Close(AD.Grad(y => x * x + Tensor.Pow(y, 3.0) + 5.0, y).ToScalar(), 27.0, "dz/dy");
    }

    /// <summary>Factories with and without dtype, the dtype rules of Create, and the shapes.</summary>
    public static void CreatesTensors()
    {
        var z = Tensor.Zeros(new[] { 2, 3 });
        Same(z.Shape, new[] { 2, 3 }, "Zeros shape");
        Check(z.Dtype.Equals(Dtype.Float32), "Zeros is float32 by default");
        Check(Tensor.Ones(new[] { 2 }, dtype: Dtype.Float64).Dtype.Equals(Dtype.Float64), "Ones with a dtype");
        var m = Tensor.Create(new[,] { { 1.0, 2.0, 3.0 }, { 4.0, 5.0, 6.0 } });
        Same(m.Shape, new[] { 2, 3 }, "Create from a 2-D array");
        Check(m.Dtype.Equals(Dtype.Float64), "double gives float64");
        Check(Tensor.Create(new[] { 1, 2 }).Dtype.Equals(Dtype.Int32), "int gives int32");
        Check(Tensor.Create(new[] { 1.0, 2.0 }, dtype: Dtype.Float32).Dtype.Equals(Dtype.Float32), "Create with a dtype");
        var r = Tensor.Randn(new[] { 4, 5 });
        Same(r.Shape, new[] { 4, 5 }, "Randn shape");
        Check(r.Dtype.Equals(Dtype.Float32), "Randn is float32 by default");
        Check(Tensor.Randn(new[] { 3 }, dtype: Dtype.Float64).Dtype.Equals(Dtype.Float64), "Randn with a dtype");
        Values(Tensor.Arange(0.0, 3.0), new[] { 0.0, 1.0, 2.0 }, "Arange");
        Values(Tensor.Full(new[] { 2 }, 7.5), new[] { 7.5, 7.5 }, "Full");
        Values(Tensor.Eye(2), new[] { 1.0, 0.0, 0.0, 1.0 }, "Eye");
    }

    /// <summary>Random numbers with a generator of their own are reproducible.</summary>
    public static void RandomWithGenerators()
    {
        double[] Draw()
        {
            using var g = Nabla.Random.generator(42);
            var ints = Tensor.Randint(0, 10, new[] { 5 }, generator: g);
            Check(ints.Dtype.Equals(Dtype.Int64), "Randint is int64 by default");
            var perm = Tensor.Randperm(6, generator: g);
            Check(perm.ToArray().OrderBy(v => v).SequenceEqual(new[] { 0.0, 1.0, 2.0, 3.0, 4.0, 5.0 }), "Randperm is a permutation");
            var normal = Tensor.Normal(1.0, 0.5, new[] { 3 }, dtype: Dtype.Float64, generator: g);
            var coin = Tensor.Bernoulli(0.5, new[] { 4 }, generator: g);
            var cats = Tensor.Multinomial(Tensor.Create(new[] { 1.0, 2.0, 3.0 }), 2, replacement: true, generator: g);
            return ints.ToArray().Concat(perm.ToArray()).Concat(normal.ToArray()).Concat(coin.ToArray()).Concat(cats.ToArray()).ToArray();
        }
        Check(Draw().SequenceEqual(Draw()), "the same seed gives the same values");
    }

    /// <summary>Indexers: t[i], t[i, j], t[i, j, k] and t[int[]].</summary>
    public static void Indexers()
    {
        var t = Tensor.Create(new[,] { { 1.0, 2.0, 3.0 }, { 4.0, 5.0, 6.0 } });
        Values(t[0], new[] { 1.0, 2.0, 3.0 }, "t[0]");
        Close(t[1, 2].ToScalar(), 6.0, "t[1, 2]");
        Close(t[-1, -3].ToScalar(), 4.0, "t[-1, -3]");
        Values(t[new[] { 1, 0 }], new[] { 4.0, 5.0, 6.0, 1.0, 2.0, 3.0 }, "t[new[] { 1, 0 }]");
        var cube = Tensor.Arange(0.0, 24.0, dtype: Dtype.Float64);
        Close(TensorModule.reshape(new[] { 2, 3, 4 }, cube)[1, 2, 3].ToScalar(), 23.0, "t[1, 2, 3]");
        Values(t.Slice(1, 0, 3, step: 2), new[] { 1.0, 3.0, 4.0, 6.0 }, "Slice with a step");
    }

    /// <summary>The F# operators as C# operators; F#'s ** is Tensor.Pow.</summary>
    public static void Operators()
    {
        var a = Tensor.Create(new[] { 1.0, 2.0 });
        var b = Tensor.Create(new[] { 3.0, 5.0 });
        Values(a + b, new[] { 4.0, 7.0 }, "a + b");
        Values(a - b, new[] { -2.0, -3.0 }, "a - b");
        Values(a * b, new[] { 3.0, 10.0 }, "a * b");
        Values(b / a, new[] { 3.0, 2.5 }, "b / a");
        Values(-a, new[] { -1.0, -2.0 }, "-a");
        Values(a * 2.0 + 1.0, new[] { 3.0, 5.0 }, "a * 2.0 + 1.0");
        Values(2.0 - a, new[] { 1.0, 0.0 }, "2.0 - a");
        Values(Tensor.Pow(b, 2.0), new[] { 9.0, 25.0 }, "Tensor.Pow(b, 2.0)");
        Values(Tensor.Pow(a, b), new[] { 1.0, 32.0 }, "Tensor.Pow(a, b)");
        var ints = Tensor.Create(new[] { 7L, -2L });
        Check((ints * 2).Dtype.Equals(Dtype.Int64), "an int64 tensor times an int stays int64");
        Check((ints * 2.0).Dtype.Equals(Dtype.Float32), "an int64 tensor times a double is float32");
        Check(TensorModule.toArrayOf<long>(TensorModule.remainderScalar(3, ints)).SequenceEqual(new[] { 1L, 1L }), "remainder");
        Values(Tensor.Exp(Tensor.Create(new[] { 0.0 })), new[] { 1.0 }, "Tensor.Exp");
    }

    /// <summary>Convolution and pooling are extension methods with named optional arguments.</summary>
    public static void ConvolutionAsExtensionMethod()
    {
        var x = Tensor.Ones(new[] { 1, 1, 4, 4 }, dtype: Dtype.Float64);
        var w = Tensor.Ones(new[] { 1, 1, 3, 3 }, dtype: Dtype.Float64);
        var y = x.Conv2d(w, padding: new[] { 1 });
        Same(y.Shape, new[] { 1, 1, 4, 4 }, "same padding keeps the size");
        Close(y[0, 0][0, 0].ToScalar(), 4.0, "a corner sees 4 ones");
        Close(y[0, 0][1, 1].ToScalar(), 9.0, "an inner pixel sees 9 ones");
        var pooled = y.MaxPool2d(new[] { 2 });
        Same(pooled.Shape, new[] { 1, 1, 2, 2 }, "MaxPool2d");
        Close(AD.Grad(w => TensorModule.sum(x.Conv2d(w, padding: new[] { 1 })), w)[0, 0][1, 1].ToScalar(), 16.0, "d/dw of the sum, centre tap");
    }

    /// <summary>Transforms through Func: value and gradient, forward mode, Jacobian, Hessian.</summary>
    public static void TransformsThroughFunc()
    {
        var x = Tensor.Create(new[] { 1.0, 2.0, 3.0 });
        var vg = AD.ValueAndGrad(t => TensorModule.sum(t * t * t), x);
        Close(vg.Value.ToScalar(), 36.0, "value");
        Values(vg.Gradient, new[] { 3.0, 12.0, 27.0 }, "gradient 3x²");
        var jv = AD.Jvp(t => t * t, x, Tensor.Create(new[] { 1.0, 0.0, -1.0 }));
        Values(jv.Value, new[] { 1.0, 4.0, 9.0 }, "J·v value");
        Values(jv.Tangent, new[] { 2.0, 0.0, -6.0 }, "J·v = 2x·v");
        Values(AD.Jacobian(t => t * 2.0, x), new[] { 2.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 2.0 }, "Jacobian");
        Values(AD.Hessian(t => TensorModule.sum(t * t * t), x), new[] { 6.0, 0.0, 0.0, 0.0, 12.0, 0.0, 0.0, 0.0, 18.0 }, "Hessian 6x");
        Func<Tensor, Tensor> f = t => TensorModule.sum(Tensor.Sin(t));
        Values(AD.Grad(t => AD.Grad(f, t), Tensor.Create(new[] { 0.0 })), new[] { 0.0 }, "nested: d/dx of a gradient");
    }

    /// <summary>Bad input raises .NET exceptions that C# can catch, naming the op.</summary>
    public static void ErrorsAreDotNetExceptions()
    {
        try
        {
            AD.Grad(t => t, Tensor.Create(new[] { 1.0, 2.0 }));
            throw new Exception("C# surface: AD.Grad of a vector function must throw");
        }
        catch (ArgumentException e) when (e.Message.Contains("AD.grad")) { }
        try
        {
            AD.Grad(null!, Tensor.Create(1.0));
            throw new Exception("C# surface: a null Func must throw");
        }
        catch (ArgumentNullException) { }
    }

    /// <summary>PyTorch-style autograd from C#: requires-grad leaves, Backward, Grad, hooks, NoGrad.</summary>
    public static void BackwardAndGrad()
    {
        var x = TensorModule.requiresGrad(Tensor.Create(2.0));
        var y = TensorModule.requiresGrad(Tensor.Create(3.0));
        var z = x * x + Tensor.Pow(y, 3.0) + 5.0;
        z.Backward();
        Close(x.Grad.Value.ToScalar(), 4.0, "x.Grad");
        Close(y.Grad.Value.ToScalar(), 27.0, "y.Grad");
        var seen = 0.0;
        using (x.RegisterHook(g => { seen = g.ToScalar(); return g * 10.0; }))
        {
            x.ZeroGrad();
            (x * 3.0).Backward();
        }
        Close(seen, 3.0, "the hook saw the gradient");
        Close(x.Grad.Value.ToScalar(), 30.0, "and replaced it");
        var unrecorded = AD.NoGrad(() => x * 2.0);
        Check(!unrecorded.RequiresGrad, "NoGrad records nothing");
    }

    /// <summary>The seed's custom layer, written in C# by subclassing Module.</summary>
    public sealed class CustomLinear : Nabla.NN.Module
    {
        readonly Tensor weight;
        readonly Tensor bias;

        public CustomLinear(int inputSize, int outputSize)
        {
            weight = RegisterParameter("weight", Tensor.Randn(new[] { outputSize, inputSize }));
            bias = RegisterParameter("bias", Tensor.Randn(new[] { outputSize }));
        }

        public override Tensor Forward(Tensor x) => TensorModule.matmul(x, TensorModule.transpose(0, 1, weight)) + bias;
    }

    /// <summary>A C# layer has PyTorch's parameter names, shapes and gradients.</summary>
    public static void CustomLayerInCSharp()
    {
        var layer = new CustomLinear(5, 3);
        var y = layer.Forward(Tensor.Randn(new[] { 10, 5 }));
        Same(y.Shape, new[] { 10, 3 }, "CustomLinear(5, 3) on [10, 5]");
        Check(string.Join(",", layer.StateDict().Names) == "weight,bias", "state dict names");
        TensorModule.sum(y).Backward();
        Check(layer.Parameters().All(p => p.Grad != null), "every parameter has a gradient");
        var model = new Nabla.NN.Sequential(layer, new Nabla.NN.ReLU());
        Same(model.Forward(Tensor.Randn(new[] { 2, 5 })).Shape, new[] { 2, 3 }, "inside a Sequential");
    }
}
