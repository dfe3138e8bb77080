using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Nabla.CSharp;
using static FacadeTests.TrainingFixtures;

namespace FacadeTests;

/// <summary>Plots (PNG and SVG), computation graphs as DOT text, and TensorBoard event files.</summary>
public static class VizTests
{
    private static readonly byte[] PngSignature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    private static void IsPng(string path) =>
        Assert.Sequence(File.ReadAllBytes(path).Take(8).ToArray(), PngSignature, $"{Path.GetFileName(path)} starts with the PNG signature");

    private static void IsSvg(string path) =>
        Assert.True(File.ReadAllText(path).Contains("<svg"), $"{Path.GetFileName(path)} is SVG text");

    /// <summary>Plot.LossCurve writes a PNG for .png and SVG text for .svg, with validation and epoch losses.</summary>
    public static void LossCurveWritesPngAndSvg()
    {
        var dir = TempDir("plot-loss");
        var losses = Enumerable.Range(1, 20).Select(i => 1.0 / i).ToArray();
        Plot.LossCurve(Path.Combine(dir, "loss.png"), losses);
        IsPng(Path.Combine(dir, "loss.png"));
        Plot.LossCurve(Path.Combine(dir, "sub", "loss.svg"), losses, validation: losses.Select(l => l * 1.1), logScale: true, title: "Loss", width: 300, height: 200);
        IsSvg(Path.Combine(dir, "sub", "loss.svg"));
        Assert.True(File.ReadAllText(Path.Combine(dir, "sub", "loss.svg")).Contains("Loss"), "the title is drawn");
    }

    /// <summary>Plot.Fit over tensors ([n, 1], a model's output) and over arrays, with a loss panel.</summary>
    public static void FitPicturesFromTensorsAndArrays()
    {
        var dir = TempDir("plot-fit");
        var (x, y) = Line(30);
        var model = new Affine(1.9, 1.1);
        Plot.Fit(Path.Combine(dir, "fit.png"), x, y, model.Forward(x));
        IsPng(Path.Combine(dir, "fit.png"));
        var xs = x.ToArray<double>();
        Plot.Fit(Path.Combine(dir, "fit.svg"), xs, y.ToArray<double>(), xs.Select(v => 2 * v).ToArray(), losses: new[] { 1.0, 0.5, 0.2 });
        IsSvg(Path.Combine(dir, "fit.svg"));
        Plot.Fit(Path.Combine(dir, "fit2.png"), x, y, model.Forward(x), losses: new[] { 1.0, 0.5 }, lossPath: Path.Combine(dir, "loss2.png"));
        IsPng(Path.Combine(dir, "loss2.png"));
    }

    /// <summary>Plot.Histogram of a tensor and of numbers, with a range.</summary>
    public static void HistogramsOfTensorsAndNumbers()
    {
        var dir = TempDir("plot-hist");
        Plot.Histogram(Path.Combine(dir, "h.png"), Tensor.Randn(1000), bins: 20);
        IsPng(Path.Combine(dir, "h.png"));
        Plot.Histogram(Path.Combine(dir, "h.svg"), new[] { 1.0, 2.0, 2.5, 3.0 }, range: (0.0, 4.0));
        IsSvg(Path.Combine(dir, "h.svg"));
    }

    /// <summary>Plot.ImageGrid of digits reshaped per image, and of a list of 2-D tensors with titles.</summary>
    public static void ImageGridOfDigits()
    {
        var dir = TempDir("plot-grid");
        var (images, labels) = Datasets.Digits();
        var first = Enumerable.Range(0, 6).Select(i => Tensor.From(ToGrid(images.ToArray<float>().Skip(64 * i).Take(64).ToArray()))).ToList();
        Plot.ImageGrid(Path.Combine(dir, "digits.png"), first, columns: 3, titles: labels.ToArray<long>().Take(6).Select(l => l.ToString()), invert: true);
        IsPng(Path.Combine(dir, "digits.png"));
        Plot.ImageGrid(Path.Combine(dir, "one.svg"), first[0], title: "a digit");
        IsSvg(Path.Combine(dir, "one.svg"));
    }

    private static double[,] ToGrid(float[] pixels)
    {
        var g = new double[8, 8];
        for (var i = 0; i < 64; i++) g[i / 8, i % 8] = pixels[i];
        return g;
    }

    /// <summary>Bad plot arguments are ArgumentExceptions naming the argument: an unknown extension, mismatched lengths, bins 0.</summary>
    public static void BadPlotArgumentsNameTheArgument()
    {
        var dir = TempDir("plot-bad");
        Assert.Equal(Assert.Throws<ArgumentException>(() => Plot.LossCurve(Path.Combine(dir, "loss.bmp"), new[] { 1.0 })).ParamName, "path", "path");
        Assert.Throws<ArgumentException>(() => Plot.Fit(Path.Combine(dir, "f.png"), new[] { 1.0, 2.0 }, new[] { 1.0 }, new[] { 1.0, 2.0 }), "same length");
        Assert.Equal(Assert.Throws<ArgumentException>(() => Plot.Histogram(Path.Combine(dir, "h.png"), new[] { 1.0 }, bins: 0)).ParamName, "bins", "bins");
        Assert.Throws<ArgumentException>(() => Plot.ImageGrid(Path.Combine(dir, "g.png"), Tensor.Zeros(2, 3, 4, 5)), "images");
        Assert.Throws<ArgumentNullException>(() => Plot.LossCurve(Path.Combine(dir, "l.png"), null!));
    }

    /// <summary>Graph.ToDot of a model's loss names its parameters with their dotted names and marks the ops.</summary>
    public static void GraphOfAModelNamesItsParameters()
    {
        var model = new TwoLayers();
        var (x, y) = Line(4);
        var loss = Mse(model.Forward(x), y);
        var dot = Graph.ToDot(loss, model);
        Assert.True(dot.StartsWith("digraph {"), "DOT text");
        foreach (var name in new[] { "first.weight", "first.bias", "second.weight", "second.bias" })
            Assert.True(dot.Contains(name), $"'{name}' in the graph");
        Assert.True(dot.Contains("->"), "edges");
    }

    /// <summary>Graph.ToDot with named tensors and options: the names, rankdir LR, no shapes; a bad rankdir is an error.</summary>
    public static void GraphWithParamsAndOptions()
    {
        var w = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad();
        var y = (w * w).Sum();
        var names = new Params(new[] { new KeyValuePair<string, Tensor>("my_weight", w) });
        var dot = Graph.ToDot(y, names, showShapes: false, rankDir: "LR");
        Assert.True(dot.Contains("my_weight") && dot.Contains("rankdir=LR"), dot);
        Assert.Throws<ArgumentException>(() => Graph.ToDot(y, names, rankDir: "XX"), "RankDir");
    }

    /// <summary>Graph.Render to a .dot file writes the text; an unknown extension is an ArgumentException naming path.</summary>
    public static void GraphRenderWritesDotText()
    {
        var dir = TempDir("graph");
        var w = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var dot = Graph.ToDot((w * 3.0).Sum(), new Params(Array.Empty<KeyValuePair<string, Tensor>>()));
        var path = Path.Combine(dir, "g.dot");
        Graph.Render(path, dot);
        Assert.Equal(File.ReadAllText(path), dot, "the DOT text");
        Assert.Equal(Assert.Throws<ArgumentException>(() => Graph.Render(Path.Combine(dir, "g.xyz"), dot)).ParamName, "path", "path");
    }

    /// <summary>SummaryWriter: scalars, a group of scalars (sub-runs), a histogram, text and an image make
    /// non-empty event files after Dispose; adding afterwards is an ObjectDisposedException.</summary>
    public static void SummaryWriterWritesEventFiles()
    {
        var dir = Path.Combine(TempDir("tensorboard"), "run1");
        var writer = new SummaryWriter(dir);
        Assert.Equal(writer.LogDir, dir, "LogDir");
        for (var step = 0; step < 3; step++) writer.AddScalar("loss/train", 1.0 / (step + 1), step);
        writer.AddScalars("loss", new Dictionary<string, double> { ["train"] = 0.5, ["test"] = 0.6 }, 3);
        writer.AddHistogram("weights", Tensor.Randn(100), 3);
        writer.AddText("notes", "**hello**", 3);
        writer.AddImage("image", Tensor.Zeros(3, 4, 4), 3);
        writer.Flush();
        writer.Dispose();
        var files = Directory.GetFiles(dir, "events.out.tfevents.*", SearchOption.AllDirectories);
        Assert.Equal(files.Length, 3, "the run's file and one per sub-run of AddScalars");
        Assert.True(files.All(f => new FileInfo(f).Length > 0), "non-empty files");
        Assert.True(Directory.Exists(Path.Combine(dir, "loss_train")) && Directory.Exists(Path.Combine(dir, "loss_test")), "sub-runs");
        Assert.Throws<ObjectDisposedException>(() => writer.AddScalar("late", 1.0, 4));
    }

    /// <summary>SummaryWriter's bad arguments name the argument: an empty tag, an empty log directory, a bad image shape.</summary>
    public static void SummaryWriterBadArgumentsNameTheArgument()
    {
        using var writer = new SummaryWriter(TempDir("tensorboard-bad"));
        Assert.Equal(Assert.Throws<ArgumentException>(() => writer.AddScalar("", 1.0)).ParamName, "tag", "tag");
        Assert.Equal(Assert.Throws<ArgumentException>(() => new SummaryWriter(" ")).ParamName, "logDir", "logDir");
        Assert.Throws<ArgumentException>(() => writer.AddImage("img", Tensor.Zeros(5, 4, 4)), "channels");
        Assert.Throws<ArgumentNullException>(() => writer.AddScalars("x", null!));
    }
}
