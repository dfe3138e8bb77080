using System;
using System.Linq;
using Nabla.CSharp;
using F = global::Nabla;

namespace FacadeTests;

/// <summary>C# indexers with PyTorch's semantics: integers, ^k, ranges, steps, ellipsis, new axes,
/// masks and index tensors, and IndexPut.</summary>
public static class IndexingTests
{
    /// <summary>A float64 tensor of this shape holding 0, 1, 2, ... in row-major order.</summary>
    static Tensor Counting(params int[] shape)
    {
        var n = shape.Aggregate(1, (a, b) => a * b);
        var data = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        return Tensor.Wrap(F.TensorModule.reshape(shape, F.TensorModule.ofArray(data)));
    }

    static void Values(Tensor t, double[] expected, string what) =>
        Assert.Sequence(t.ToArray(), expected, what);

    /// <summary>t[i] removes the first dimension; t[i, j] and t[i, j, k] go deeper.</summary>
    public static void IntegerIndicesRemoveDimensions()
    {
        var x = Counting(2, 3, 4);
        Assert.Sequence(x[1].Shape, [3, 4], "x[1] shape");
        Assert.Close(x[1].ToArray()[0], 12, "x[1] starts at 12");
        Assert.Sequence(x[1, 2].Shape, [4], "x[1, 2]");
        Values(x[1, 2], [20, 21, 22, 23], "x[1, 2] values");
        Assert.Close(x[1, 2, 3].Item<double>(), 23, "x[1, 2, 3]");
        Assert.Equal(x[1, 2, 3].Dim, 0, "an element is 0-d");
    }

    /// <summary>Negative integers and C#'s ^k count from the end, as PyTorch's negative indices.</summary>
    public static void NegativeAndFromEndIndicesCountFromTheEnd()
    {
        var v = Counting(5);
        Assert.Close(v[-1].Item<double>(), 4, "v[-1]");
        Assert.Close(v[^1].Item<double>(), 4, "v[^1]");
        Assert.Close(v[^5].Item<double>(), 0, "v[^5]");
        var m = Counting(3, 4);
        Values(m[^1, ^2], [10], "m[^1, ^2]");
        Values(m[-1, -2], [10], "m[-1, -2]");
    }

    /// <summary>An index out of range is an ArgumentOutOfRangeException naming the index and the size.</summary>
    public static void IndicesOutOfRangeThrowArgumentOutOfRange()
    {
        var v = Counting(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = v[3], "3", "size 3");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = v[-4], "-4");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = v[^4], "-4", "out of range");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = v[^0], "out of range");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = Counting(2, 3)[1..2, ^4], "-4", "out of range");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = Counting(2, 2)[0, 2], "size 2");
    }

    /// <summary>Ranges keep their dimension: t[1..3], t[..], t[1..^1], t[^2..].</summary>
    public static void RangesKeepTheDimension()
    {
        var m = Counting(4, 5);
        Assert.Sequence(m[1..3].Shape, [2, 5], "m[1..3]");
        Assert.Close(m[1..3].ToArray()[0], 5, "m[1..3] starts at row 1");
        Assert.Sequence(m[..].Shape, [4, 5], "m[..]");
        Assert.Sequence(m[1..^1].Shape, [2, 5], "m[1..^1]");
        Values(m[^2.., 0], [10, 15], "m[^2.., 0]");
    }

    /// <summary>Integers and ranges mix: t[0, 1..3], t[.., 0], t[1..3, ^1], t[0..2, ..].</summary>
    public static void IntegersAndRangesMix()
    {
        var m = Counting(3, 4);
        Values(m[0, 1..3], [1, 2], "m[0, 1..3]");
        Values(m[.., 0], [0, 4, 8], "m[.., 0]");
        Values(m[1..3, ^1], [7, 11], "m[1..3, ^1]");
        Assert.Sequence(m[0..2, ..].Shape, [2, 4], "m[0..2, ..]");
        var x = Counting(2, 3, 4);
        Values(x[.., 1, 2], [6, 18], "x[.., 1, 2]");
        Values(x[1, .., 0], [12, 16, 20], "x[1, .., 0]");
    }

    /// <summary>Range bounds are clamped as Python's slices: past the end is the end, an empty range is empty.</summary>
    public static void RangeBoundsAreClamped()
    {
        var v = Counting(3);
        Values(v[..10], [0, 1, 2], "v[..10]");
        Values(v[^10..], [0, 1, 2], "v[^10..]");
        Assert.Sequence(v[2..1].Shape, [0], "v[2..1] is empty");
        Assert.Sequence(v[5..].Shape, [0], "v[5..] is empty");
    }

    /// <summary>TensorIndex.Slice gives PyTorch's start:stop:step.</summary>
    public static void SteppedSlices()
    {
        var v = Counting(10);
        Values(v[TensorIndex.Slice(step: 2)], [0, 2, 4, 6, 8], "v[::2]");
        Values(v[TensorIndex.Slice(1, ^1, 3)], [1, 4, 7], "v[1:-1:3]");
        Values(v[TensorIndex.Slice(stop: 3)], [0, 1, 2], "v[:3]");
        var m = Counting(3, 4);
        Values(m[1, TensorIndex.Slice(1, null, 2)], [5, 7], "m[1, 1::2]");
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorIndex.Slice(step: 0), "step");
        Assert.Equal(TensorIndex.Slice(1, ^1, 3).ToString(), "1:-1:3", "printed as PyTorch");
    }

    /// <summary>Ellipsis stands for the missing whole dimensions; NewAxis inserts a dimension of size 1.</summary>
    public static void EllipsisAndNewAxis()
    {
        var x = Counting(2, 3, 4);
        Assert.Sequence(x[TensorIndex.Ellipsis, 0].Shape, [2, 3], "x[..., 0]");
        Values(x[TensorIndex.Ellipsis, 0][1], [12, 16, 20], "x[..., 0][1]");
        Assert.Sequence(x[0, TensorIndex.Ellipsis].Shape, [3, 4], "x[0, ...]");
        Assert.Sequence(x[TensorIndex.NewAxis].Shape, [1, 2, 3, 4], "x[None]");
        Assert.Sequence(Counting(4)[.., TensorIndex.NewAxis].Shape, [4, 1], "v[:, None]");
        Assert.Sequence(x[TensorIndex.Ellipsis, TensorIndex.NewAxis].Shape, [2, 3, 4, 1], "x[..., None]");
        Assert.Sequence(x[TensorIndex.Colon, 0].Shape, [2, 4], "x[:, 0]");
        Assert.Throws<ArgumentException>(() => _ = x[TensorIndex.Ellipsis, 0, TensorIndex.Ellipsis], "one ellipsis");
    }

    /// <summary>More indices than dimensions is an ArgumentException naming the shape.</summary>
    public static void TooManyIndicesThrow()
    {
        var m = Counting(2, 2);
        Assert.Throws<ArgumentException>(() => _ = m[0, 0, ..], "too many indices", "[2, 2]");
    }

    /// <summary>A bool mask selects the elements where it is true (t[t > 2]); a 2-D mask on a matrix
    /// selects elements, a 1-D mask selects rows.</summary>
    public static void BoolMasksSelect()
    {
        var v = Counting(5);
        Values(v[v > 2], [3, 4], "v[v > 2]");
        var m = Counting(2, 3);
        Values(m[(m > 1) & (m < 5)], [2, 3, 4], "2-D mask");
        var rows = m[Tensor.From(new[] { false, true })];
        Assert.Sequence(rows.Shape, [1, 3], "1-D mask selects rows");
        Values(m[.., Tensor.From(new[] { true, false, true })], [0, 2, 3, 5], "a mask on the second dimension");
    }

    /// <summary>Integer tensors and int arrays pick positions (negative from the end), in their order.</summary>
    public static void IntegerTensorsAndArraysPickPositions()
    {
        var v = Counting(5);
        Values(v[new[] { 0, 2, -1 }], [0, 2, 4], "v[[0, 2, -1]]");
        Values(v[Tensor.From(new long[] { 3, 1 })], [3, 1], "v[int64 tensor]");
        Values(v[Tensor.From(new[] { 4, 4, 0 })], [4, 4, 0], "v[int32 tensor] with repeats");
        var m = Counting(3, 2);
        var picked = m[Tensor.From(new[] { 2, 0 })];
        Assert.Sequence(picked.Shape, [2, 2], "rows");
        Values(picked, [4, 5, 0, 1], "rows 2 and 0");
        var grid = v[Tensor.From(new int[,] { { 0, 1 }, { 2, 3 } })];
        Assert.Sequence(grid.Shape, [2, 2], "the index's shape");
        Assert.Throws<ArgumentException>(() => _ = v[Tensor.From(new[] { 0.5 })], "index");
    }

    /// <summary>Advanced indices after a slice keep their place; separated ones go to the front (PyTorch).</summary>
    public static void AdvancedIndicesFollowPyTorchsPlacement()
    {
        var x = Counting(2, 3, 4);
        var a = x[.., new[] { 0, 2 }];
        Assert.Sequence(a.Shape, [2, 2, 4], "x[:, [0, 2]]");
        Values(a[1, 1], [20, 21, 22, 23], "x[1, 2]");
        var b = x[.., .., new[] { 0, 3, 1 }];
        Assert.Sequence(b.Shape, [2, 3, 3], "x[:, :, [0, 3, 1]]");
        Values(b[1, 2], [20, 23, 21], "x[1, 2, [0, 3, 1]]");
        var c = x[new[] { 0, 1 }, .., new[] { 1, 2 }];
        Assert.Sequence(c.Shape, [2, 3], "separated advanced indices go first");
        Values(c, [1, 5, 9, 14, 18, 22], "x[[0, 1], :, [1, 2]]");
        var d = x[.., new[] { 0, 2 }, new[] { 1, 3 }];
        Assert.Sequence(d.Shape, [2, 2], "adjacent advanced indices broadcast in place");
        Values(d, [1, 11, 13, 23], "x[:, [0, 2], [1, 3]]");
        var e = x[.., Tensor.From(new[] { 0, 1 }), TensorIndex.NewAxis];
        Assert.Sequence(e.Shape, [2, 2, 1, 4], "with a new axis after");
    }

    /// <summary>Indexing is differentiable: gradients flow back into the selected positions.</summary>
    public static void IndexingIsDifferentiable()
    {
        var x = Tensor.From(new[] { 1.0, 2.0, 3.0, 4.0 });
        var g = Autodiff.Grad(t => (t[1..3] * t[1..3]).Sum() + t[^1] * 3 + t[new[] { 0, 0 }].Sum(), x);
        Values(g, [2, 4, 6, 3], "gradient");
        var w = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        (w[.., 1] * 10).Sum().Backward();
        Values(w.Grad!, [0, 10, 0, 10], "Backward through m[.., 1]");
        var h = Autodiff.Grad(t => t[t > 2].Sum(), x);
        Values(h, [0, 0, 1, 1], "through a mask");
    }

    /// <summary>IndexPut returns a new tensor with values written at an index (numbers convert,
    /// values broadcast); the original is unchanged.</summary>
    public static void IndexPutWritesIntoANewTensor()
    {
        var m = Counting(3, 4);
        var r = m.IndexPut(-1.0, 0, 1..3);
        Values(r[0], [0, -1, -1, 3], "row 0 written");
        Values(m[0], [0, 1, 2, 3], "original unchanged");
        var rows = m.IndexPut(Tensor.From(new[] { 9.0, 8, 7, 6 }), new[] { 0, 2 });
        Values(rows[2], [9, 8, 7, 6], "a row broadcast to the indexed rows");
        Values(rows[1], [4, 5, 6, 7], "other rows unchanged");
        var v = Counting(5);
        Values(v.IndexPut(0.0, v > 2), [0, 1, 2, 0, 0], "masked");
        Values(v.IndexPut(Tensor.From(new[] { 10.0, 20.0 }), TensorIndex.Slice(step: 3)), [10, 1, 2, 20, 4], "stepped");
        Assert.Equal(Tensor.From(new[] { 1, 2 }).IndexPut(5.7, 0).DType, DType.Int32, "values take the tensor's dtype");
        Values(m.IndexPut(0.0, TensorIndex.Ellipsis, ^1)[.., ^1], [0, 0, 0], "last column");
    }

    /// <summary>IndexPutAdd adds, and repeated positions add up.</summary>
    public static void IndexPutAddAccumulates()
    {
        var v = Tensor.Zeros(4, dtype: DType.Float64);
        Values(v.IndexPutAdd(1.0, new[] { 0, 0, 2 }), [2, 0, 1, 0], "repeated positions add up");
        Values(v.IndexPutAdd(1.0, Tensor.From(new long[] { 3, 3 })), [0, 0, 0, 2], "with an index tensor");
    }

    /// <summary>IndexPut is differentiable in the tensor and the values.</summary>
    public static void IndexPutIsDifferentiable()
    {
        var x = Tensor.From(new[] { 1.0, 2.0, 3.0 });
        var gx = Autodiff.Grad(t => (t.IndexPut(0.0, 1) * t).Sum(), x);
        Values(gx, [2, 0, 6], "d/dx of sum(put(x, 0 at 1) * x)");
        var gv = Autodiff.Grad(val => (x.IndexPut(val, 0..2) * 3).Sum(), Tensor.From(new[] { 5.0, 6.0 }));
        Values(gv, [3, 3], "d/dvalues");
    }

    /// <summary>Values that do not broadcast to the indexed shape are an ArgumentException with both shapes.</summary>
    public static void IndexPutWithTheWrongShapeThrows()
    {
        var m = Counting(3, 4);
        Assert.Throws<ArgumentException>(() => m.IndexPut(Tensor.Zeros(3), 0), "IndexPut", "[3]", "[4]");
        Assert.Throws<ArgumentNullException>(() => m.IndexPut(null!, 0));
    }

    /// <summary>The facade's indexing gives the F# core's results (select, slice, index).</summary>
    public static void IndexingEqualsTheFSharpCore()
    {
        var x = Tensor.Randn(3, 4, 5, dtype: DType.Float64);
        var core = F.TensorModule.slice(0, 1, 3, 1, F.TensorModule.select(0, 2, x.Value));
        Assert.Sequence(x[2, 1..3].ToArray(), core.ToArray(), "x[2, 1..3]");
        var idx = Tensor.From(new long[] { 2, 0 });
        Assert.Sequence(x[idx].ToArray(), F.TensorModule.index([idx.Value], x.Value).ToArray(), "x[idx]");
    }
}
