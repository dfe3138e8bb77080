using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.FSharp.Core;
using static Nabla.CSharp.TrainingInterop;
using F = global::Nabla;
using FD = global::Nabla.Data;

namespace Nabla.CSharp;

/// <summary>
/// A batch (or a sample) of inputs with their targets, as a <see cref="DataLoader"/> yields them:
/// deconstruct it with <c>foreach (var (x, y) in loader)</c>.
/// </summary>
/// <param name="Input">The inputs, one row per sample.</param>
/// <param name="Target">The targets, one row per sample.</param>
public readonly record struct Batch(Tensor Input, Tensor Target);

/// <summary>
/// A map-style data set (PyTorch's <c>torch.utils.data.Dataset</c>): a number of samples and the
/// sample at each index. Subclass it (override <see cref="Count"/> and the indexer; optionally
/// <see cref="GetBatch"/>) or use <see cref="TensorDataset"/>.
/// </summary>
/// <typeparam name="T">The type of a sample (and of a batch): <see cref="Batch"/>, <see cref="Tensor"/>, ...</typeparam>
public abstract class Dataset<T>
{
    /// <summary>A data set written in C#: its <see cref="Count"/>, indexer and <see cref="GetBatch"/> are used.</summary>
    protected Dataset() => Core = new Adapter(this);

    private protected Dataset(FD.Dataset<T> core) => Core = core;

    /// <summary>The F# core's data set this is (an adapter for data sets written in C#).</summary>
    internal FD.Dataset<T> Core { get; }

    /// <summary>The number of samples (PyTorch's <c>__len__</c>).</summary>
    public abstract int Count { get; }

    /// <summary>The sample at an index, 0 ≤ index &lt; <see cref="Count"/> (PyTorch's <c>__getitem__</c>).</summary>
    /// <param name="index">The index.</param>
    public abstract T this[int index] { get; }

    /// <summary>The samples at these indices collated into one batch (PyTorch's <c>default_collate</c>):
    /// by default, samples are stacked along a new first dimension (for <see cref="Batch"/>, its inputs
    /// and its targets; for <see cref="Tensor"/>, the tensors); override it for other sample types or a
    /// faster path.</summary>
    /// <param name="indices">The indices of the samples, in batch order.</param>
    public virtual T GetBatch(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (typeof(T) == typeof(Batch))
        {
            var inputs = new F.Tensor[indices.Length];
            var targets = new F.Tensor[indices.Length];
            for (var i = 0; i < indices.Length; i++)
            {
                var b = (Batch)(object)this[indices[i]]!;
                inputs[i] = b.Input.Value;
                targets[i] = b.Target.Value;
            }
            return (T)(object)new Batch(Tensor.Wrap(F.TensorModule.stack(0, inputs)), Tensor.Wrap(F.TensorModule.stack(0, targets)));
        }
        if (typeof(T) == typeof(Tensor))
        {
            var items = new F.Tensor[indices.Length];
            for (var i = 0; i < indices.Length; i++) items[i] = ((Tensor)(object)this[indices[i]]!).Value;
            return (T)(object)Tensor.Wrap(F.TensorModule.stack(0, items));
        }
        throw new NotSupportedException(
            $"{GetType().Name}.GetBatch: cannot collate samples of type {typeof(T).Name} by default (Batch and Tensor samples are stacked); override GetBatch to combine them.");
    }

    /// <summary>The F# data set standing for a data set written in C#.</summary>
    private sealed class Adapter(Dataset<T> owner) : FD.Dataset<T>
    {
        public override int Count => owner.Count;

        public override T this[int index] => owner[index];

        public override T GetBatch(int[] indices) => owner.GetBatch(indices);
    }
}

/// <summary>
/// Inputs and targets as one data set (PyTorch's <c>TensorDataset(x, y)</c>): sample i is
/// <c>(x[i], y[i])</c>; a batch is one index_select per tensor.
/// </summary>
/// <example><code>
/// var loader = new DataLoader(new TensorDataset(x, y), batchSize: 64, shuffle: true, seed: 42);
/// foreach (var (input, target) in loader) { ... }
/// </code></example>
public sealed class TensorDataset : Dataset<Batch>
{
    /// <summary>A data set over two tensors that share their first (sample) dimension.</summary>
    /// <param name="x">The inputs, one row per sample.</param>
    /// <param name="y">The targets, one row per sample.</param>
    public TensorDataset(Tensor x, Tensor y) : base(new Pairs(Create(x, y)))
    {
        X = x;
        Y = y;
    }

    private static FD.TensorDataset Create(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return new FD.TensorDataset(x.Value, y.Value);
    }

    /// <summary>The inputs.</summary>
    public Tensor X { get; }

    /// <inheritdoc/>
    public override int Count => Core.Count;

    /// <inheritdoc/>
    public override Batch this[int index] => Core[index];

    /// <inheritdoc/>
    public override Batch GetBatch(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Core.GetBatch(indices);
    }

    /// <summary>The targets.</summary>
    public Tensor Y { get; }

    /// <summary>The F# tensor data set, its pairs as <see cref="Batch"/>.</summary>
    private sealed class Pairs(FD.TensorDataset inner) : FD.Dataset<Batch>
    {
        public override int Count => inner.Count;

        public override Batch this[int index]
        {
            get
            {
                var (x, y) = inner[index];
                return new Batch(Tensor.Wrap(x), Tensor.Wrap(y));
            }
        }

        public override Batch GetBatch(int[] indices)
        {
            var (x, y) = inner.GetBatch(indices);
            return new Batch(Tensor.Wrap(x), Tensor.Wrap(y));
        }
    }
}

/// <summary>The samples of a data set at the given indices, in that order (PyTorch's <c>Subset</c>).
/// Batches come from the underlying data set's <see cref="Dataset{T}.GetBatch"/>.</summary>
/// <typeparam name="T">The sample type.</typeparam>
public sealed class Subset<T> : Dataset<T>
{
    /// <summary>The samples of <paramref name="dataset"/> at <paramref name="indices"/>.</summary>
    /// <param name="dataset">The underlying data set.</param>
    /// <param name="indices">Indices into it.</param>
    public Subset(Dataset<T> dataset, int[] indices)
        : this(dataset, new FD.Subset<T>((dataset ?? throw new ArgumentNullException(nameof(dataset))).Core, indices))
    {
    }

    internal Subset(Dataset<T> dataset, FD.Subset<T> core) : base(core) => Dataset = dataset;

    /// <summary>The underlying data set.</summary>
    public Dataset<T> Dataset { get; }

    /// <inheritdoc/>
    public override int Count => Core.Count;

    /// <inheritdoc/>
    public override T this[int index] => Core[index];

    /// <inheritdoc/>
    public override T GetBatch(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Core.GetBatch(indices);
    }

    /// <summary>The indices into the underlying data set (a copy).</summary>
    public int[] Indices => ((FD.Subset<T>)Core).Indices;
}

/// <summary>Data sets one after the other (PyTorch's <c>ConcatDataset</c>).</summary>
/// <typeparam name="T">The sample type.</typeparam>
public sealed class ConcatDataset<T> : Dataset<T>
{
    private readonly FD.ConcatDataset<T> inner;
    private readonly Dataset<T>[] datasets;

    /// <summary>The samples of <paramref name="datasets"/>, in order.</summary>
    /// <param name="datasets">The data sets.</param>
    public ConcatDataset(IEnumerable<Dataset<T>> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        this.datasets = datasets.ToArray();
        for (var i = 0; i < this.datasets.Length; i++)
            if (this.datasets[i] is null) throw new ArgumentException($"ConcatDataset: data set {i} is null.", nameof(datasets));
        inner = new FD.ConcatDataset<T>(this.datasets.Select(d => d.Core).ToArray());
    }

    /// <summary>The data sets, in order.</summary>
    public IReadOnlyList<Dataset<T>> Datasets => datasets;

    /// <inheritdoc/>
    public override int Count => inner.Count;

    /// <inheritdoc/>
    public override T this[int index] => inner[index];
}

/// <summary>Functions on data sets (PyTorch's <c>torch.utils.data.random_split</c>).</summary>
public static class Dataset
{
    /// <summary>Splits a data set at random into parts of these fractions, which must add up to 1
    /// (PyTorch's <c>random_split</c> with fractions): each part gets floor(n·fraction) samples and
    /// the samples left over go one each to the first parts. The same seed gives the same split.</summary>
    /// <typeparam name="T">The sample type.</typeparam>
    /// <param name="dataset">The data set.</param>
    /// <param name="fractions">The fractions, e.g. <c>new[] { 0.8, 0.2 }</c>.</param>
    /// <param name="seed">The seed of the random permutation.</param>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, double[] fractions, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fractions);
        return FD.DatasetModule.randomSplit(seed, fractions, dataset.Core).Select(s => new Subset<T>(dataset, s)).ToArray();
    }

    /// <summary>Splits a data set at random into subsets of these sizes, which must add up to its
    /// <see cref="Dataset{T}.Count"/> (PyTorch's <c>random_split</c> with lengths).</summary>
    /// <typeparam name="T">The sample type.</typeparam>
    /// <param name="dataset">The data set.</param>
    /// <param name="lengths">The sizes, e.g. <c>new[] { 800, 200 }</c>.</param>
    /// <param name="seed">The seed of the random permutation.</param>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, int[] lengths, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(lengths);
        return FD.DatasetModule.randomSplitCounts(seed, lengths, dataset.Core).Select(s => new Subset<T>(dataset, s)).ToArray();
    }
}

/// <summary>
/// Batches of a data set, epoch after epoch (PyTorch's <c>DataLoader</c>): each enumeration is one
/// epoch. With <c>shuffle</c>, each epoch visits the samples in a new random order (with a
/// <c>seed</c>, the same orders each run, as PyTorch's with <c>generator=torch.Generator().manual_seed(seed)</c>).
/// With <c>prefetch</c> (the default), the next batch is made on a background thread while the
/// caller works on the current one.
/// </summary>
/// <typeparam name="T">The batch type (the data set's sample type).</typeparam>
public class DataLoader<T> : IReadOnlyCollection<T>
{
    /// <summary>Batches of <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The data set.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Visit the samples in a new random order each epoch.</param>
    /// <param name="seed">The seed of the loader's own generator for shuffling (null: the global generator).</param>
    /// <param name="dropLast">Drop the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="prefetch">Make the next batch on a background thread.</param>
    public DataLoader(Dataset<T> dataset, int batchSize = 1, bool shuffle = false, int? seed = null, bool dropLast = false, bool prefetch = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
        Core = new FD.DataLoader<T>(dataset.Core, Some(batchSize), Some(shuffle), Opt(seed), null, Some(dropLast), Some(prefetch));
    }

    internal FD.DataLoader<T> Core { get; }

    /// <summary>The data set.</summary>
    public Dataset<T> Dataset { get; }

    /// <summary>The number of batches per epoch: ⌈n / batchSize⌉, or ⌊n / batchSize⌋ with dropLast (PyTorch's <c>len(loader)</c>).</summary>
    public int Count => Core.Count;

    /// <summary>The number of samples in the data set.</summary>
    public int SampleCount => Core.SampleCount;

    /// <summary>The batch size.</summary>
    public int BatchSize => Core.BatchSize;

    /// <summary>Whether each epoch visits the samples in a new random order.</summary>
    public bool Shuffle => Core.Shuffle;

    /// <summary>Whether the last, smaller batch is dropped.</summary>
    public bool DropLast => Core.DropLast;

    /// <summary>Whether the next batch is made in the background.</summary>
    public bool Prefetch => Core.Prefetch;

    /// <summary>The number of the next epoch (0 for the first; each enumeration increments it). With a
    /// seed, it picks the order: set it to resume a run at a given epoch.</summary>
    public int Epoch
    {
        get => Core.Epoch;
        set => Core.Epoch = value;
    }

    /// <summary>One epoch: the batches in this epoch's order.</summary>
    public IEnumerator<T> GetEnumerator() => Core.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One epoch, asynchronously: <c>await foreach (var (x, y) in loader.AsAsyncEnumerable())</c>.
    /// Each batch is awaited on the thread pool, so the caller's thread is free while it is made (the
    /// loader itself is not <see cref="IAsyncEnumerable{T}"/>, which would make LINQ calls on it
    /// ambiguous); cancellation is checked between batches.</summary>
    /// <param name="cancellationToken">Stops the epoch between batches (an <see cref="OperationCanceledException"/>).</param>
    public async IAsyncEnumerable<T> AsAsyncEnumerable([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var e = Core.GetEnumerator();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!await Task.Run(() => e.MoveNext(), cancellationToken).ConfigureAwait(false)) yield break;
            yield return e.Current;
        }
    }

    /// <summary>The loader's settings.</summary>
    public override string ToString() =>
        $"DataLoader({SampleCount} samples, batchSize = {BatchSize}, {Count} batches, shuffle = {Shuffle}, dropLast = {DropLast})";
}

/// <summary>
/// Batches of (input, target) of a data set, epoch after epoch (PyTorch's <c>DataLoader</c>):
/// <c>foreach (var (x, y) in new DataLoader(new TensorDataset(xs, ys), batchSize: 64, shuffle: true)) { ... }</c>.
/// </summary>
public sealed class DataLoader : DataLoader<Batch>
{
    /// <summary>Batches of <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The data set (a <see cref="TensorDataset"/>, ...).</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Visit the samples in a new random order each epoch.</param>
    /// <param name="seed">The seed of the loader's own generator for shuffling (null: the global generator).</param>
    /// <param name="dropLast">Drop the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="prefetch">Make the next batch on a background thread.</param>
    public DataLoader(Dataset<Batch> dataset, int batchSize = 1, bool shuffle = false, int? seed = null, bool dropLast = false, bool prefetch = true)
        : base(dataset, batchSize, shuffle, seed, dropLast, prefetch)
    {
    }
}

/// <summary>Features and labels of a labelled data set, deconstructible:
/// <c>var (images, labels) = Datasets.Digits();</c>.</summary>
/// <param name="Features">The inputs, one row per sample.</param>
/// <param name="Labels">The labels (class indices or targets), one row per sample.</param>
public sealed record LabelledData(Tensor Features, Tensor Labels)
{
    /// <summary>The features and labels as a <see cref="TensorDataset"/>.</summary>
    public TensorDataset ToDataset() => new(Features, Labels);
}

/// <summary>Small classic data sets embedded in Nabla (no download): the UCI handwritten digits
/// and Fisher's iris (scikit-learn's <c>load_digits</c> and <c>load_iris</c>).</summary>
public static class Datasets
{
    /// <summary>The UCI handwritten digits (1797 images of 8×8 pixels): features float32 [1797, 64]
    /// (row-major 8×8, pixel counts 0..16, or in [0, 1] with <paramref name="normalize"/>), labels
    /// int64 [1797], the digits 0..9.</summary>
    /// <param name="normalize">Divide the pixels by 16 into [0, 1].</param>
    public static LabelledData Digits(bool normalize = false)
    {
        var (x, y) = FD.Datasets.digits(Some(normalize));
        return new LabelledData(Tensor.Wrap(x), Tensor.Wrap(y));
    }

    /// <summary>Fisher's iris data (150 flowers, 3 species): features float32 [150, 4] (sepal length,
    /// sepal width, petal length, petal width, in cm), labels int64 [150] (see <see cref="IrisClasses"/>).</summary>
    public static LabelledData Iris()
    {
        var (x, y) = FD.Datasets.iris();
        return new LabelledData(Tensor.Wrap(x), Tensor.Wrap(y));
    }

    /// <summary>The iris species names, by label.</summary>
    public static IReadOnlyList<string> IrisClasses => FD.Datasets.irisClasses;
}

/// <summary>Numeric CSV files (plain or gzip-compressed) into tensors. Every cell must be a number
/// (invariant culture); malformed input raises an <see cref="InvalidOperationException"/> naming the
/// file, line and column.</summary>
public static class Csv
{
    /// <summary>The whole file as one tensor [rows, columns].</summary>
    /// <param name="path">The file.</param>
    /// <param name="header">The first non-blank line holds column names and is skipped.</param>
    /// <param name="delimiter">The cell delimiter.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Load(string path, bool header = false, char delimiter = ',', DType dtype = DType.Float32) =>
        Tensor.Wrap(FD.Csv.load(path, Some(header), Some(delimiter), Some(dtype.ToCore())));

    /// <summary>Features and labels: column <paramref name="labelColumn"/> (negative counts from the
    /// end; -1 the last) becomes a 1-D tensor of <paramref name="labelDtype"/>, the other columns the
    /// features [rows, columns - 1].</summary>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">The label column (0-based; negative from the end).</param>
    /// <param name="header">The first non-blank line holds column names and is skipped.</param>
    /// <param name="delimiter">The cell delimiter.</param>
    /// <param name="dtype">The features' element type.</param>
    /// <param name="labelDtype">The labels' element type (class indices by default).</param>
    public static LabelledData LoadLabelled(string path, int labelColumn, bool header = false, char delimiter = ',',
        DType dtype = DType.Float32, DType labelDtype = DType.Int64)
    {
        var (x, y) = FD.Csv.loadLabelled(path, labelColumn, Some(header), Some(delimiter), Some(dtype.ToCore()), Some(labelDtype.ToCore()));
        return new LabelledData(Tensor.Wrap(x), Tensor.Wrap(y));
    }

    /// <summary>Features and several label columns: the labels are a tensor [rows, labelColumns.Length]
    /// (regression targets, float32 by default), in the order given.</summary>
    /// <param name="path">The file.</param>
    /// <param name="labelColumns">The label columns (0-based; negative from the end).</param>
    /// <param name="header">The first non-blank line holds column names and is skipped.</param>
    /// <param name="delimiter">The cell delimiter.</param>
    /// <param name="dtype">The features' element type.</param>
    /// <param name="labelDtype">The labels' element type.</param>
    public static LabelledData LoadLabelled(string path, int[] labelColumns, bool header = false, char delimiter = ',',
        DType dtype = DType.Float32, DType labelDtype = DType.Float32)
    {
        var (x, y) = FD.Csv.loadLabelled(path, labelColumns, Some(header), Some(delimiter), Some(dtype.ToCore()), Some(labelDtype.ToCore()));
        return new LabelledData(Tensor.Wrap(x), Tensor.Wrap(y));
    }

    /// <summary><see cref="Load"/> on the thread pool (the file is read and parsed there).</summary>
    /// <param name="path">The file.</param>
    /// <param name="header">The first non-blank line holds column names and is skipped.</param>
    /// <param name="delimiter">The cell delimiter.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="cancellationToken">Cancels the load before it starts.</param>
    public static Task<Tensor> LoadAsync(string path, bool header = false, char delimiter = ',', DType dtype = DType.Float32,
        CancellationToken cancellationToken = default) =>
        Task.Run(() => Load(path, header, delimiter, dtype), cancellationToken);

    /// <summary>The header cells of a file (its first non-blank line).</summary>
    /// <param name="path">The file.</param>
    /// <param name="delimiter">The cell delimiter.</param>
    public static string[] Header(string path, char delimiter = ',') => FD.Csv.header(path, Some(delimiter));
}
