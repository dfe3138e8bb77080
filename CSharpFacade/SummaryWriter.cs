using System;
using System.Collections.Generic;
using System.Linq;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// Writes TensorBoard event files (PyTorch's <c>torch.utils.tensorboard.SummaryWriter</c>): scalars,
/// groups of scalars, histograms, text and images, each at a step, into
/// <c>logDir/events.out.tfevents.*</c>, which <c>tensorboard --logdir</c> reads.
/// <see cref="Dispose"/> flushes and closes the files.
/// </summary>
public sealed class SummaryWriter : IDisposable
{
    /// <summary>A writer of event files in <paramref name="logDir"/> (created when missing).</summary>
    /// <param name="logDir">The run's directory, e.g. <c>"runs/experiment1"</c>.</param>
    public SummaryWriter(string logDir) => Core = new F.SummaryWriter(logDir);

    internal F.SummaryWriter Core { get; }

    /// <summary>The directory the event files go to.</summary>
    public string LogDir => Core.LogDir;

    /// <summary>Logs one number under <paramref name="tag"/> (PyTorch's <c>add_scalar</c>).</summary>
    /// <param name="tag">The chart's name, e.g. <c>"loss/train"</c>.</param>
    /// <param name="value">The number.</param>
    /// <param name="globalStep">The step (x axis).</param>
    public void AddScalar(string tag, double value, long globalStep = 0) => Core.AddScalar(tag, value, globalStep);

    /// <summary>Logs several numbers as one chart (PyTorch's <c>add_scalars</c>): each goes to the
    /// sub-run <c>logDir/&lt;mainTag&gt;_&lt;name&gt;</c>.</summary>
    /// <param name="mainTag">The chart's name.</param>
    /// <param name="values">The numbers by series name, e.g. <c>{ ["train"] = 0.5, ["test"] = 0.6 }</c>.</param>
    /// <param name="globalStep">The step (x axis).</param>
    public void AddScalars(string mainTag, IReadOnlyDictionary<string, double> values, long globalStep = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        Core.AddScalars(mainTag, values.Select(kv => Tuple.Create(kv.Key, kv.Value)).ToArray(), globalStep);
    }

    /// <summary>Logs the distribution of a tensor's values (PyTorch's <c>add_histogram</c>).</summary>
    /// <param name="tag">The chart's name.</param>
    /// <param name="values">The values (NaN and infinities are left out).</param>
    /// <param name="globalStep">The step.</param>
    /// <param name="bins">The number of equal-width buckets.</param>
    public void AddHistogram(string tag, Tensor values, long globalStep = 0, int bins = 30)
    {
        ArgumentNullException.ThrowIfNull(values);
        Core.AddHistogram(tag, values.Value, globalStep, bins);
    }

    /// <summary>Logs a text (Markdown), shown by TensorBoard's text plugin (PyTorch's <c>add_text</c>).</summary>
    /// <param name="tag">The text's name.</param>
    /// <param name="text">The text.</param>
    /// <param name="globalStep">The step.</param>
    public void AddText(string tag, string text, long globalStep = 0) => Core.AddText(tag, text, globalStep);

    /// <summary>Logs an image (PyTorch's <c>add_image</c>): a tensor [H, W] (gray) or [C, H, W] with
    /// C = 1, 3 or 4, values in [0, 1] (floating point) or 0..255 (uint8).</summary>
    /// <param name="tag">The image's name.</param>
    /// <param name="image">The image.</param>
    /// <param name="globalStep">The step.</param>
    public void AddImage(string tag, Tensor image, long globalStep = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        Core.AddImage(tag, image.Value, globalStep);
    }

    /// <summary>Makes everything added so far visible to readers.</summary>
    public void Flush() => Core.Flush();

    /// <summary>Flushes and closes the event files; adding afterwards raises an <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => Core.Dispose();

    /// <summary>The writer's directory.</summary>
    public override string ToString() => $"SummaryWriter({LogDir})";
}
