using System;
using System.Collections.Generic;
using System.IO;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Small models, data and helpers shared by the training-area tests.</summary>
internal static class TrainingFixtures
{
    /// <summary>The mean squared error, as a user writes it before <c>Loss.Mse</c>.</summary>
    public static Tensor Mse(Tensor p, Tensor t) => ((p - t) * (p - t)).Mean();

    /// <summary>x in [-1, 1] as [n, 1] and y = 2x + 1.</summary>
    public static (Tensor X, Tensor Y) Line(int n = 64)
    {
        var x = new double[n, 1];
        var y = new double[n, 1];
        for (var i = 0; i < n; i++)
        {
            x[i, 0] = -1.0 + 2.0 * i / (n - 1);
            y[i, 0] = 2.0 * x[i, 0] + 1.0;
        }
        return (Tensor.From(x), Tensor.From(y));
    }

    /// <summary>A fresh, empty temporary folder.</summary>
    public static string TempDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "nabla-cs-training", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static double[] Values(Tensor t) => t.ToArray<double>();

    public static double[] Concat(IEnumerable<Tensor> ts)
    {
        var all = new List<double>();
        foreach (var t in ts) all.AddRange(t.ToArray<double>());
        return all.ToArray();
    }

    public static void SequenceClose(double[] actual, double[] expected, string what, double tolerance = 1e-12)
    {
        Assert.Equal(actual.Length, expected.Length, what + " (length)");
        for (var i = 0; i < actual.Length; i++) Assert.Close(actual[i], expected[i], $"{what}[{i}]", tolerance);
    }
}

/// <summary>y = w·x + b with scalar-like w and b of shape [1], written in C#.</summary>
internal sealed class Affine : Module
{
    private readonly Tensor weight;
    private readonly Tensor bias;

    public Affine(double w = 0.0, double b = 0.0)
    {
        weight = RegisterParameter("weight", Tensor.From(new[] { w }));
        bias = RegisterParameter("bias", Tensor.From(new[] { b }));
    }

    public Tensor Weight => weight;

    public Tensor Bias => bias;

    public override Tensor Forward(Tensor input) => input * weight + bias;
}

/// <summary>Two Affine layers in sequence, for dotted parameter names.</summary>
internal sealed class TwoLayers : Module
{
    private readonly Affine first;
    private readonly Affine second;

    public TwoLayers()
    {
        first = RegisterModule("first", new Affine(0.5, 0.1));
        second = RegisterModule("second", new Affine(-1.0, 0.2));
    }

    public override Tensor Forward(Tensor input) => second.Forward(first.Forward(input));
}

/// <summary>An IProgress that records reports synchronously (Progress&lt;T&gt; posts them to the thread pool).</summary>
internal sealed class Recorder<T> : IProgress<T>
{
    public List<T> Reports { get; } = new();

    public void Report(T value)
    {
        lock (Reports) Reports.Add(value);
    }
}
