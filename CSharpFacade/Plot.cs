using System;
using System.Collections.Generic;
using System.Linq;
using static Nabla.CSharp.TrainingInterop;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// Pictures of training (matplotlib's role in PyTorch tutorials): loss curves, fitted curves,
/// histograms and image grids, written as PNG or SVG by the file's extension. Files are written
/// atomically and missing folders are created; bad input raises an <see cref="ArgumentException"/>
/// naming the argument.
/// </summary>
public static class Plot
{
    /// <summary>A loss curve: <paramref name="losses"/> (one per step or per epoch) against their
    /// index, written to <paramref name="path"/> (.png or .svg). NaN or infinite losses are left out.</summary>
    /// <param name="path">The picture's file (.png or .svg).</param>
    /// <param name="losses">The losses.</param>
    /// <param name="validation">Validation losses: one per loss, or one per epoch.</param>
    /// <param name="epochLosses">Per-epoch training losses drawn with markers at the epochs' ends.</param>
    /// <param name="logScale">A log10 y axis.</param>
    /// <param name="title">The title (default "Training loss").</param>
    /// <param name="xLabel">The x label (default "step").</param>
    /// <param name="yLabel">The y label (default "loss").</param>
    /// <param name="width">Width in pixels (default 600).</param>
    /// <param name="height">Height in pixels (default 400).</param>
    public static void LossCurve(string path, IEnumerable<double> losses, IEnumerable<double>? validation = null,
        IEnumerable<double>? epochLosses = null, bool logScale = false, string? title = null, string? xLabel = null,
        string? yLabel = null, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(losses);
        F.Plot.lossCurve(path, losses, OptRef(validation), OptRef(epochLosses), Some(logScale), OptRef(title), OptRef(xLabel),
            OptRef(yLabel), Opt(width), Opt(height));
    }

    /// <summary>The fitted curve over the data: a scatter of (<paramref name="x"/>, <paramref name="y"/>)
    /// and the predictions <paramref name="pred"/> drawn as a line; with <paramref name="losses"/>, the
    /// loss curve in a second panel on the left (or in <paramref name="lossPath"/>).</summary>
    /// <param name="path">The picture's file (.png or .svg).</param>
    /// <param name="x">The inputs, shape [n] or [n, 1].</param>
    /// <param name="y">The targets, shape [n] or [n, 1].</param>
    /// <param name="pred">The model's predictions, shape [n] or [n, 1].</param>
    /// <param name="losses">Per-epoch losses for a loss panel (optional).</param>
    /// <param name="lossPath">Draw the loss panel to this file instead.</param>
    /// <param name="logScale">A log y axis for the losses.</param>
    /// <param name="title">The fit's title (default "Fit").</param>
    /// <param name="lossTitle">The loss panel's title (default "Training loss").</param>
    /// <param name="xLabel">The x label (default "x").</param>
    /// <param name="yLabel">The y label (default "y").</param>
    /// <param name="width">Width in pixels (default 1000 with a loss panel, 600 without).</param>
    /// <param name="height">Height in pixels (default 400).</param>
    public static void Fit(string path, Tensor x, Tensor y, Tensor pred, IEnumerable<double>? losses = null, string? lossPath = null,
        bool logScale = false, string? title = null, string? lossTitle = null, string? xLabel = null, string? yLabel = null,
        int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(pred);
        F.Plot.fit(path, x.Value, y.Value, pred.Value, OptRef(losses), OptRef(lossPath), Some(logScale), OptRef(title), OptRef(lossTitle),
            OptRef(xLabel), OptRef(yLabel), Opt(width), Opt(height));
    }

    /// <summary><see cref="Fit(string, Tensor, Tensor, Tensor, IEnumerable{double}?, string?, bool, string?, string?, string?, string?, int?, int?)"/>
    /// over arrays of the same length.</summary>
    /// <param name="path">The picture's file (.png or .svg).</param>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The targets.</param>
    /// <param name="pred">The predictions.</param>
    /// <param name="losses">Per-epoch losses for a loss panel (optional).</param>
    /// <param name="lossPath">Draw the loss panel to this file instead.</param>
    /// <param name="logScale">A log y axis for the losses.</param>
    /// <param name="title">The fit's title (default "Fit").</param>
    /// <param name="lossTitle">The loss panel's title (default "Training loss").</param>
    /// <param name="xLabel">The x label (default "x").</param>
    /// <param name="yLabel">The y label (default "y").</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void Fit(string path, double[] x, double[] y, double[] pred, IEnumerable<double>? losses = null, string? lossPath = null,
        bool logScale = false, string? title = null, string? lossTitle = null, string? xLabel = null, string? yLabel = null,
        int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(pred);
        F.Plot.fit(path, x, y, pred, OptRef(losses), OptRef(lossPath), Some(logScale), OptRef(title), OptRef(lossTitle),
            OptRef(xLabel), OptRef(yLabel), Opt(width), Opt(height));
    }

    /// <summary>A histogram of a tensor's values (all of them, flattened), written to <paramref name="path"/>.</summary>
    /// <param name="path">The picture's file (.png or .svg).</param>
    /// <param name="values">The values (finite).</param>
    /// <param name="bins">The number of equal bins.</param>
    /// <param name="range">The (low, high) range of the bins (default the values' min to max).</param>
    /// <param name="title">The title (default "Histogram").</param>
    /// <param name="xLabel">The x label (default "value").</param>
    /// <param name="yLabel">The y label (default "count").</param>
    /// <param name="width">Width in pixels (default 600).</param>
    /// <param name="height">Height in pixels (default 400).</param>
    public static void Histogram(string path, Tensor values, int bins = 30, (double Low, double High)? range = null, string? title = null,
        string? xLabel = null, string? yLabel = null, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        F.Plot.histogram(path, values.Value, Some(bins), Range(range), OptRef(title), OptRef(xLabel), OptRef(yLabel), Opt(width), Opt(height));
    }

    /// <summary>A histogram of numbers, written to <paramref name="path"/>.</summary>
    /// <param name="path">The picture's file (.png or .svg).</param>
    /// <param name="values">The values (finite).</param>
    /// <param name="bins">The number of equal bins.</param>
    /// <param name="range">The (low, high) range of the bins (default the values' min to max).</param>
    /// <param name="title">The title (default "Histogram").</param>
    /// <param name="xLabel">The x label (default "value").</param>
    /// <param name="yLabel">The y label (default "count").</param>
    /// <param name="width">Width in pixels (default 600).</param>
    /// <param name="height">Height in pixels (default 400).</param>
    public static void Histogram(string path, IEnumerable<double> values, int bins = 30, (double Low, double High)? range = null,
        string? title = null, string? xLabel = null, string? yLabel = null, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        F.Plot.histogram(path, values, Some(bins), Range(range), OptRef(title), OptRef(xLabel), OptRef(yLabel), Opt(width), Opt(height));
    }

    /// <summary>A grid of grayscale images, written to <paramref name="path"/>: one image [h, w], a
    /// batch [n, h, w] or [n, 1, h, w] (e.g. the digits reshaped to [n, 8, 8]).</summary>
    /// <param name="path">The picture's file (.png or .svg).</param>
    /// <param name="images">The images.</param>
    /// <param name="columns">Images per row (default min(n, 8)).</param>
    /// <param name="titles">One caption per image (optional).</param>
    /// <param name="title">A heading over the grid (optional).</param>
    /// <param name="scale">Pixels per value (default: images at least 64 pixels on their longer side).</param>
    /// <param name="vmin">The value drawn black (default the smallest).</param>
    /// <param name="vmax">The value drawn white (default the largest).</param>
    /// <param name="invert">Dark ink on white.</param>
    public static void ImageGrid(string path, Tensor images, int? columns = null, IEnumerable<string>? titles = null, string? title = null,
        int? scale = null, double? vmin = null, double? vmax = null, bool invert = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        F.Plot.imageGrid(path, images.Value, Opt(columns), OptRef(titles), OptRef(title), Opt(scale), Opt(vmin), Opt(vmax), Some(invert));
    }

    /// <summary>A grid of grayscale images given as 2-D tensors of one shape [h, w].</summary>
    /// <param name="path">The picture's file (.png or .svg).</param>
    /// <param name="images">The images.</param>
    /// <param name="columns">Images per row (default min(n, 8)).</param>
    /// <param name="titles">One caption per image (optional).</param>
    /// <param name="title">A heading over the grid (optional).</param>
    /// <param name="scale">Pixels per value.</param>
    /// <param name="vmin">The value drawn black (default the smallest).</param>
    /// <param name="vmax">The value drawn white (default the largest).</param>
    /// <param name="invert">Dark ink on white.</param>
    public static void ImageGrid(string path, IEnumerable<Tensor> images, int? columns = null, IEnumerable<string>? titles = null,
        string? title = null, int? scale = null, double? vmin = null, double? vmax = null, bool invert = false)
    {
        F.Plot.imageGrid(path, ToCore(images, nameof(images), "Plot.ImageGrid"), Opt(columns), OptRef(titles), OptRef(title), Opt(scale),
            Opt(vmin), Opt(vmax), Some(invert));
    }

    private static Microsoft.FSharp.Core.FSharpOption<Tuple<double, double>>? Range((double Low, double High)? range) =>
        range is { } r ? Some(Tuple.Create(r.Low, r.High)) : null;
}
