using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Data sets, DataLoader (batches, shuffling, async enumeration), built-in data sets and CSV files.</summary>
public static class DataTests
{
    /// <summary>n samples of 2 features (rows 10·i, 10·i + 1) and a target i.</summary>
    private static TensorDataset Numbered(int n)
    {
        var x = new double[n, 2];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i, 0] = 10 * i;
            x[i, 1] = 10 * i + 1;
            y[i] = i;
        }
        return new TensorDataset(Tensor.From(x), Tensor.From(y));
    }

    private static double[] TargetsOf(IEnumerable<Batch> loader) => loader.SelectMany(b => b.Target.ToArray<double>()).ToArray();

    /// <summary>10 samples in batches of 4: Count 3, batches [4, 2], [4, 2], [2, 2] with targets [4], [4], [2].</summary>
    public static void LoaderMakesBatchesOfTheGivenSize()
    {
        var loader = new DataLoader(Numbered(10), batchSize: 4);
        Assert.Equal(loader.Count, 3, "Count");
        Assert.Equal(loader.SampleCount, 10, "SampleCount");
        var batches = loader.ToList();
        Assert.Equal(batches.Count, 3, "batches enumerated");
        Assert.Sequence(batches[0].Input.Shape, new[] { 4, 2 }, "first input");
        Assert.Sequence(batches[0].Target.Shape, new[] { 4 }, "first target");
        Assert.Sequence(batches[2].Input.Shape, new[] { 2, 2 }, "last input");
    }

    /// <summary>dropLast drops the smaller last batch.</summary>
    public static void DropLastDropsTheSmallerBatch()
    {
        var loader = new DataLoader(Numbered(10), batchSize: 4, dropLast: true);
        Assert.Equal(loader.Count, 2, "Count");
        Assert.Equal(loader.Count(), 2, "batches enumerated");
        Assert.True(loader.DropLast && loader.BatchSize == 4 && !loader.Shuffle, "settings");
    }

    /// <summary>Batches deconstruct in foreach: <c>foreach (var (x, y) in loader)</c>, rows in order without shuffle.</summary>
    public static void BatchesDeconstructInForeach()
    {
        var seen = new List<double>();
        foreach (var (x, y) in new DataLoader(Numbered(5), batchSize: 2))
        {
            Assert.Equal(x.Shape[0], y.Shape[0], "rows of x and y");
            seen.AddRange(x.ToArray<double>());
        }
        Assert.Sequence(seen.ToArray(), new double[] { 0, 1, 10, 11, 20, 21, 30, 31, 40, 41 }, "inputs in order");
    }

    /// <summary>Shuffling with a seed: the same seed gives the same orders; each epoch has its own; every sample once.</summary>
    public static void ShuffleWithASeedIsReproducible()
    {
        var a = new DataLoader(Numbered(20), batchSize: 3, shuffle: true, seed: 42);
        var b = new DataLoader(Numbered(20), batchSize: 3, shuffle: true, seed: 42);
        var a1 = TargetsOf(a);
        var a2 = TargetsOf(a);
        Assert.Sequence(TargetsOf(b), a1, "same seed, same first epoch");
        Assert.Sequence(TargetsOf(b), a2, "same seed, same second epoch");
        Assert.True(!a1.SequenceEqual(a2), "the epochs have different orders");
        Assert.True(!a1.SequenceEqual(Enumerable.Range(0, 20).Select(i => (double)i)), "shuffled");
        Assert.Sequence(a1.OrderBy(v => v).ToArray(), Enumerable.Range(0, 20).Select(i => (double)i).ToArray(), "every sample once");
        Assert.Equal(a.Epoch, 2, "Epoch counts the enumerations");
        a.Epoch = 1;
        Assert.Sequence(TargetsOf(a), a2, "setting Epoch replays that epoch's order");
    }

    /// <summary>Inputs and targets stay paired after shuffling: x[i, 0] = 10·y[i].</summary>
    public static void ShuffleKeepsInputsWithTheirTargets()
    {
        foreach (var (x, y) in new DataLoader(Numbered(12), batchSize: 5, shuffle: true, seed: 1, prefetch: false))
        {
            var xs = x.ToArray<double>();
            var ys = y.ToArray<double>();
            for (var i = 0; i < ys.Length; i++) Assert.Close(xs[2 * i], 10 * ys[i], "paired row");
        }
    }

    /// <summary>The TensorDataset's indexer gives one sample (rows of x and y); Count is the number of rows.</summary>
    public static void TensorDatasetIndexerGivesARow()
    {
        var d = Numbered(4);
        Assert.Equal(d.Count, 4, "Count");
        var (x, y) = d[2];
        Assert.Sequence(x.ToArray<double>(), new double[] { 20, 21 }, "x[2]");
        Assert.Close(y.Item<double>(), 2.0, "y[2]");
        var batch = d.GetBatch(new[] { 3, 0 });
        Assert.Sequence(batch.Target.ToArray<double>(), new double[] { 3, 0 }, "GetBatch keeps the order given");
    }

    /// <summary>Bad arguments: tensors of different row counts, a zero batch size, out-of-range subset indices.</summary>
    public static void BadDataArgumentsNameTheArgument()
    {
        Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(3, 2), Tensor.Zeros(4)), "first dimension");
        Assert.Equal(Assert.Throws<ArgumentException>(() => new DataLoader(Numbered(3), batchSize: 0)).ParamName, "batchSize", "batchSize");
        Assert.Throws<ArgumentOutOfRangeException>(() => new Subset<Batch>(Numbered(3), new[] { 5 }), "5");
        Assert.Throws<ArgumentNullException>(() => new DataLoader(null!));
        Assert.Throws<ArgumentNullException>(() => new TensorDataset(null!, Tensor.Zeros(1)));
    }

    /// <summary>A Subset selects samples in the given order and batches through the underlying data set.</summary>
    public static void SubsetSelectsSamples()
    {
        var s = new Subset<Batch>(Numbered(10), new[] { 7, 2, 5 });
        Assert.Equal(s.Count, 3, "Count");
        Assert.Sequence(s.Indices, new[] { 7, 2, 5 }, "Indices");
        Assert.Sequence(TargetsOf(new DataLoader(s, batchSize: 2)), new double[] { 7, 2, 5 }, "batched in order");
        Assert.Close(s[1].Target.Item<double>(), 2.0, "s[1]");
    }

    /// <summary>A ConcatDataset chains data sets; its batches are collated by stacking.</summary>
    public static void ConcatDatasetChainsDataSets()
    {
        var c = new ConcatDataset<Batch>(new Dataset<Batch>[] { Numbered(3), Numbered(2) });
        Assert.Equal(c.Count, 5, "Count");
        Assert.Equal(c.Datasets.Count, 2, "Datasets");
        var batches = new DataLoader(c, batchSize: 4).ToList();
        Assert.Sequence(batches[0].Input.Shape, new[] { 4, 2 }, "stacked inputs");
        Assert.Sequence(TargetsOf(batches), new double[] { 0, 1, 2, 0, 1 }, "targets in order");
    }

    /// <summary>RandomSplit by fractions and by lengths: sizes, no overlap, and the same split for the same seed.</summary>
    public static void RandomSplitIsReproducible()
    {
        var d = Numbered(10);
        var parts = Dataset.RandomSplit(d, new[] { 0.8, 0.2 }, seed: 3);
        Assert.Sequence(parts.Select(p => p.Count).ToArray(), new[] { 8, 2 }, "sizes");
        Assert.Equal(parts[0].Indices.Concat(parts[1].Indices).Distinct().Count(), 10, "no overlap");
        Assert.Sequence(Dataset.RandomSplit(d, new[] { 0.8, 0.2 }, seed: 3)[1].Indices, parts[1].Indices, "same seed, same split");
        var byLength = Dataset.RandomSplit(d, new[] { 6, 4 }, seed: 3);
        Assert.Sequence(byLength.Select(p => p.Count).ToArray(), new[] { 6, 4 }, "sizes by length");
        Assert.True(ReferenceEquals(byLength[0].Dataset, d), "the subsets' data set");
        Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(d, new[] { 6, 5 }), "10");
    }

    /// <summary>A data set written in C# (Count and indexer) is batched by stacking its samples.</summary>
    public static void DatasetWrittenInCSharpIsCollated()
    {
        var squares = new Squares(7);
        var loader = new DataLoader(squares, batchSize: 3, shuffle: true, seed: 5);
        var batches = loader.ToList();
        Assert.Sequence(batches[0].Input.Shape, new[] { 3, 1 }, "stacked inputs");
        foreach (var (x, y) in batches)
        {
            var xs = x.ToArray<double>();
            var ys = y.ToArray<double>();
            for (var i = 0; i < xs.Length; i++) Assert.Close(ys[i], xs[i] * xs[i], "y = x²");
        }
        Assert.Equal(TargetsOf(batches).Length, 7, "every sample");
    }

    /// <summary>A data set of tensors (no targets) in a DataLoader&lt;Tensor&gt;.</summary>
    public static void DatasetOfTensorsBatchesTensors()
    {
        var loader = new DataLoader<Tensor>(new Rows(5), batchSize: 2);
        Assert.Sequence(loader.Select(t => t.Shape[0]).ToArray(), new[] { 2, 2, 1 }, "batch rows");
        Assert.Sequence(loader.First().Shape, new[] { 2, 3 }, "stacked rows");
    }

    /// <summary>await foreach over AsAsyncEnumerable gives the same batches as foreach; a cancelled token stops it with OperationCanceledException.</summary>
    public static void AsyncEnumerationGivesTheSameBatches()
    {
        var loader = new DataLoader(Numbered(9), batchSize: 4);
        var targets = new List<double>();
        async System.Threading.Tasks.Task Run()
        {
            await foreach (var (_, y) in loader.AsAsyncEnumerable()) targets.AddRange(y.ToArray<double>());
        }
        Run().GetAwaiter().GetResult();
        Assert.Sequence(targets.ToArray(), Enumerable.Range(0, 9).Select(i => (double)i).ToArray(), "async targets");

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        async System.Threading.Tasks.Task Cancelled()
        {
            await foreach (var _ in loader.AsAsyncEnumerable(cts.Token)) { }
        }
        Assert.Throws<OperationCanceledException>(() => Cancelled().GetAwaiter().GetResult());
    }

    /// <summary>The digits (1797 × 64, labels 0..9, normalized into [0, 1]) and iris (150 × 4, 3 classes).</summary>
    public static void BuiltInDataSetsHaveTheirShapes()
    {
        var (images, labels) = Datasets.Digits(normalize: true);
        Assert.Sequence(images.Shape, new[] { 1797, 64 }, "digits images");
        Assert.Sequence(labels.Shape, new[] { 1797 }, "digits labels");
        Assert.Equal(labels.DType, DType.Int64, "labels dtype");
        Assert.True(images.ToArray<float>().Max() <= 1.0f, "normalized");
        var iris = Datasets.Iris();
        Assert.Sequence(iris.Features.Shape, new[] { 150, 4 }, "iris features");
        Assert.Equal(Datasets.IrisClasses.Count, 3, "iris classes");
        Assert.Equal(iris.ToDataset().Count, 150, "as a data set");
    }

    /// <summary>Csv.Load, LoadLabelled (one and several label columns), LoadAsync and Header on a small file.</summary>
    public static void CsvFilesLoadIntoTensors()
    {
        var path = Path.Combine(TrainingFixtures.TempDir("csv"), "data.csv");
        File.WriteAllText(path, "a,b,label\n1,2,0\n3,4,1\n5,6,2\n");
        var all = Csv.Load(path, header: true);
        Assert.Sequence(all.Shape, new[] { 3, 3 }, "Load");
        Assert.Equal(all.DType, DType.Float32, "Load dtype");
        var (x, y) = Csv.LoadLabelled(path, labelColumn: -1, header: true);
        Assert.Sequence(x.Shape, new[] { 3, 2 }, "features");
        Assert.Sequence(y.ToArray<long>(), new long[] { 0, 1, 2 }, "labels");
        var (f, t) = Csv.LoadLabelled(path, new[] { 0, 1 }, header: true, dtype: DType.Float64);
        Assert.Sequence(t.Shape, new[] { 3, 2 }, "several labels");
        Assert.Sequence(f.ToArray<double>(), new double[] { 0, 1, 2 }, "the other column");
        Assert.Sequence(Csv.LoadAsync(path, header: true, dtype: DType.Float64).GetAwaiter().GetResult().Shape, new[] { 3, 3 }, "LoadAsync");
        Assert.Sequence(Csv.Header(path), new[] { "a", "b", "label" }, "Header");
        Assert.Throws<InvalidOperationException>(() => Csv.Load(path), "line");
    }

    /// <summary>x = 0..n-1 as [1], y = x², written in C#.</summary>
    private sealed class Squares(int n) : Dataset<Batch>
    {
        public override int Count => n;

        public override Batch this[int index] => new(Tensor.From(new[] { (double)index }), Tensor.From((double)index * index));
    }

    /// <summary>Rows [i, i, i], written in C#.</summary>
    private sealed class Rows(int n) : Dataset<Tensor>
    {
        public override int Count => n;

        public override Tensor this[int index] => Tensor.From(new double[] { index, index, index });
    }
}
