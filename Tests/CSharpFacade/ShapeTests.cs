using System;
using System.Linq;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Shape ops through the facade: reshaping, permuting, splitting, joining, repeating.</summary>
public static class ShapeTests
{
    private static Tensor V(params double[] v) => OpsCheck.V(v);

    private static double[] Seq(int n) => Enumerable.Range(1, n).Select(i => (double)i).ToArray();

    /// <summary>Reshape to [3, 2] and back keeps the values in row-major order; −1 is inferred.</summary>
    public static void ReshapeRoundTripsAndInfersMinusOne()
    {
        var x = OpsCheck.Range(2, 3);
        var r = x.Reshape(3, 2);
        OpsCheck.Shape(r, new[] { 3, 2 }, "Reshape(3, 2)");
        OpsCheck.Values(r.Reshape(2, 3), Seq(6), "round trip");
        OpsCheck.Shape(x.Reshape(-1, 2), new[] { 3, 2 }, "Reshape(-1, 2)");
        OpsCheck.Shape(x.Reshape(6), new[] { 6 }, "Reshape(6)");
    }

    /// <summary>Reshape to a shape of another size is an ArgumentException naming reshape and both shapes.</summary>
    public static void ReshapeToAnotherSizeThrows()
    {
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(2, 3).Reshape(4, 2), "reshape", "[2, 3]", "[4, 2]");
    }

    /// <summary>View of a contiguous tensor has the new shape; a view of a transpose is an error as in PyTorch.</summary>
    public static void ViewNeedsACompatibleLayout()
    {
        OpsCheck.Values(OpsCheck.Range(2, 3).View(3, 2), Seq(6), "View");
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(2, 3).Transpose(0, 1).View(6), "view");
    }

    /// <summary>Flatten merges all dimensions, or a range of them.</summary>
    public static void FlattenAllOrARange()
    {
        var x = OpsCheck.Range(2, 3, 4);
        OpsCheck.Shape(x.Flatten(), new[] { 24 }, "Flatten()");
        OpsCheck.Shape(x.Flatten(1), new[] { 2, 12 }, "Flatten(1)");
        OpsCheck.Shape(x.Flatten(0, 1), new[] { 6, 4 }, "Flatten(0, 1)");
        OpsCheck.Shape(x.Flatten(startDim: -2, endDim: -1), new[] { 2, 12 }, "Flatten(-2, -1)");
        OpsCheck.Values(x.Flatten(), Seq(24), "values");
    }

    /// <summary>Unflatten splits one dimension into sizes, one of them inferred.</summary>
    public static void UnflattenSplitsADimension()
    {
        OpsCheck.Shape(OpsCheck.Range(2, 12).Unflatten(1, 3, 4), new[] { 2, 3, 4 }, "Unflatten(1, 3, 4)");
        OpsCheck.Shape(OpsCheck.Range(2, 12).Unflatten(-1, 2, -1), new[] { 2, 2, 6 }, "Unflatten(-1, 2, -1)");
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(2, 12).Unflatten(1, 5, 2), "unflatten");
    }

    /// <summary>Transpose swaps two dimensions; its values are the matrix transpose.</summary>
    public static void TransposeSwapsDimensions()
    {
        var t = OpsCheck.Range(2, 3).Transpose(0, 1);
        OpsCheck.Shape(t, new[] { 3, 2 }, "Transpose");
        OpsCheck.Values(t, new[] { 1.0, 4, 2, 5, 3, 6 }, "Transpose");
        OpsCheck.Shape(OpsCheck.Range(2, 3, 4).Transpose(-1, 0), new[] { 4, 3, 2 }, "Transpose(-1, 0)");
    }

    /// <summary>Transpose with a dimension out of range is an ArgumentException naming transpose.</summary>
    public static void TransposeWithBadDimensionThrows()
    {
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(2, 3).Transpose(0, 2), "transpose");
    }

    /// <summary>Permute reorders the dimensions; element [i, j, k] moves to [k, i, j].</summary>
    public static void PermuteReordersDimensions()
    {
        var x = OpsCheck.Range(2, 3, 4);
        var p = x.Permute(2, 0, 1);
        OpsCheck.Shape(p, new[] { 4, 2, 3 }, "Permute");
        // p[k, i, j] = x[i, j, k] = 1 + 12 i + 4 j + k; p[1, 1, 2] = 1 + 12 + 8 + 1
        OpsCheck.Values(p.Select(0, 1).Select(0, 1).Select(0, 2), new[] { 22.0 }, "p[1, 1, 2]");
        Assert.Throws<ArgumentException>(() => x.Permute(0, 0, 1), "permute");
    }

    /// <summary>Movedim with one dimension and with several.</summary>
    public static void MovedimMovesDimensions()
    {
        var x = OpsCheck.Range(2, 3, 4);
        OpsCheck.Shape(x.Movedim(0, -1), new[] { 3, 4, 2 }, "Movedim(0, -1)");
        OpsCheck.Shape(x.Movedim(new[] { 0, 1 }, new[] { 2, 0 }), new[] { 3, 4, 2 }, "Movedim([0, 1], [2, 0])");
        OpsCheck.Values(x.Movedim(2, 0), x.Permute(2, 0, 1).ToArray<double>(), "Movedim(2, 0) = Permute(2, 0, 1)");
    }

    /// <summary>Squeeze removes all size-1 dimensions or one; a non-1 dimension is kept; Unsqueeze inserts one.</summary>
    public static void SqueezeAndUnsqueeze()
    {
        var x = OpsCheck.Range(1, 3, 1);
        OpsCheck.Shape(x.Squeeze(), new[] { 3 }, "Squeeze()");
        OpsCheck.Shape(x.Squeeze(0), new[] { 3, 1 }, "Squeeze(0)");
        OpsCheck.Shape(x.Squeeze(-1), new[] { 1, 3 }, "Squeeze(-1)");
        OpsCheck.Shape(x.Squeeze(1), new[] { 1, 3, 1 }, "Squeeze(1) keeps size 3");
        OpsCheck.Shape(V(1, 2).Unsqueeze(0), new[] { 1, 2 }, "Unsqueeze(0)");
        OpsCheck.Shape(V(1, 2).Unsqueeze(-1), new[] { 2, 1 }, "Unsqueeze(-1)");
    }

    /// <summary>Unsqueeze past the rank is an ArgumentOutOfRangeException naming unsqueeze.</summary>
    public static void UnsqueezeOutOfRangeThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => V(1, 2).Unsqueeze(3), "unsqueeze", "out of range");
    }

    /// <summary>Expand repeats size-1 dimensions; −1 keeps a size; its gradient sums back.</summary>
    public static void ExpandBroadcastsSizeOneDimensions()
    {
        var x = V(1, 2).Reshape(2, 1);
        var e = x.Expand(2, 3);
        OpsCheck.Values(e, new[] { 1.0, 1, 1, 2, 2, 2 }, "Expand(2, 3)");
        OpsCheck.Shape(x.Expand(-1, 4), new[] { 2, 4 }, "Expand(-1, 4)");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Expand(2, 3), new[] { 1.0, 2 }, new[] { 2, 1 }, "Expand");
        Assert.Throws<ArgumentException>(() => V(1, 2).Expand(3), "expand");
    }

    /// <summary>Flip reverses one or two dimensions.</summary>
    public static void FlipReversesDimensions()
    {
        var m = OpsCheck.Range(2, 2);
        OpsCheck.Values(m.Flip(0), new[] { 3.0, 4, 1, 2 }, "Flip(0)");
        OpsCheck.Values(m.Flip(1), new[] { 2.0, 1, 4, 3 }, "Flip(1)");
        OpsCheck.Values(m.Flip(0, 1), new[] { 4.0, 3, 2, 1 }, "Flip(0, 1)");
    }

    /// <summary>Narrow, Select and Slice (with a step) pick parts of a dimension.</summary>
    public static void NarrowSelectAndSlice()
    {
        var x = OpsCheck.Range(6);
        OpsCheck.Values(x.Narrow(0, 1, 3), new[] { 2.0, 3, 4 }, "Narrow");
        OpsCheck.Values(x.Slice(0, 0, 6, 2), new[] { 1.0, 3, 5 }, "Slice step 2");
        OpsCheck.Values(x.Slice(0, -3, 6), new[] { 4.0, 5, 6 }, "Slice from -3");
        var m = OpsCheck.Range(2, 3);
        OpsCheck.Values(m.Select(1, -1), new[] { 3.0, 6 }, "Select(1, -1)");
        OpsCheck.Shape(m.Select(0, 0), new[] { 3 }, "Select(0, 0)");
        Assert.Throws<ArgumentException>(() => x.Narrow(0, 4, 3), "narrow");
    }

    /// <summary>Split by a piece size (the last smaller) and by explicit sizes, along a negative dimension too.</summary>
    public static void SplitBySizeOrSizes()
    {
        var x = OpsCheck.Range(5);
        var pieces = x.Split(2);
        Assert.Equal(pieces.Length, 3, "pieces");
        OpsCheck.Values(pieces[2], new[] { 5.0 }, "last piece");
        var bySizes = x.Split(new[] { 1, 4 });
        OpsCheck.Values(bySizes[1], new[] { 2.0, 3, 4, 5 }, "sizes [1, 4]");
        var cols = OpsCheck.Range(2, 4).Split(3, dim: -1);
        OpsCheck.Shape(cols[0], new[] { 2, 3 }, "first column block");
        OpsCheck.Shape(cols[1], new[] { 2, 1 }, "second column block");
    }

    /// <summary>Split with sizes that do not add up, or with a bad dimension, is an ArgumentException naming split.</summary>
    public static void SplitWithBadSizesOrDimensionThrows()
    {
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(5).Split(new[] { 2, 2 }), "split", "add up to 5");
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(5).Split(2, dim: 3), "split");
        Assert.Throws<ArgumentOutOfRangeException>(() => OpsCheck.Range(5).Split(0), "split");
    }

    /// <summary>Chunk gives at most n pieces, the last smaller; Unbind removes the dimension.</summary>
    public static void ChunkAndUnbind()
    {
        var chunks = OpsCheck.Range(5).Chunk(3);
        Assert.Sequence(chunks.Select(c => c.Shape[0]).ToArray(), new[] { 2, 2, 1 }, "chunk sizes");
        var rows = OpsCheck.Range(3, 2).Unbind();
        Assert.Equal(rows.Length, 3, "rows");
        OpsCheck.Values(rows[1], new[] { 3.0, 4 }, "row 1");
        var cols = OpsCheck.Range(3, 2).Unbind(dim: -1);
        OpsCheck.Values(cols[1], new[] { 2.0, 4, 6 }, "column 1");
    }

    /// <summary>Repeat tiles whole copies ([1, 2] × (2, 2)); Tile with fewer reps repeats the last dimensions.</summary>
    public static void RepeatAndTile()
    {
        var r = V(1, 2).Repeat(2, 2);
        OpsCheck.Shape(r, new[] { 2, 4 }, "Repeat");
        OpsCheck.Values(r, new[] { 1.0, 2, 1, 2, 1, 2, 1, 2 }, "Repeat");
        var t = OpsCheck.Range(2, 2).Tile(2);
        OpsCheck.Values(t, new[] { 1.0, 2, 1, 2, 3, 4, 3, 4 }, "Tile(2)");
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(2, 2).Repeat(2), "repeat");
    }

    /// <summary>Roll of the flattened tensor, along a dimension, and along two dimensions.</summary>
    public static void RollShiftsCyclically()
    {
        var m = OpsCheck.Range(2, 2);
        OpsCheck.Values(m.Roll(1), new[] { 4.0, 1, 2, 3 }, "Roll(1)");
        OpsCheck.Values(m.Roll(1, 1), new[] { 2.0, 1, 4, 3 }, "Roll(1, dim 1)");
        OpsCheck.Values(m.Roll(-1, 0), new[] { 3.0, 4, 1, 2 }, "Roll(-1, dim 0)");
        OpsCheck.Values(m.Roll(new[] { 1, 1 }, new[] { 0, 1 }), new[] { 4.0, 3, 2, 1 }, "Roll both");
        Assert.Throws<ArgumentException>(() => m.Roll(new[] { 1 }, new[] { 0, 1 }), "roll");
    }

    /// <summary>Cat joins along an existing dimension, Stack along a new one (at a negative position too).</summary>
    public static void CatAndStack()
    {
        var a = OpsCheck.Range(2, 2);
        var b = OpsCheck.Range(1, 2);
        var c = Tensor.Cat(new[] { a, b });
        OpsCheck.Shape(c, new[] { 3, 2 }, "Cat dim 0");
        OpsCheck.Values(c, new[] { 1.0, 2, 3, 4, 1, 2 }, "Cat dim 0");
        OpsCheck.Shape(Tensor.Cat(new[] { a, a }, dim: -1), new[] { 2, 4 }, "Cat dim -1");
        var s = Tensor.Stack(new[] { V(1, 2), V(3, 4) }, dim: -1);
        OpsCheck.Shape(s, new[] { 2, 2 }, "Stack dim -1");
        OpsCheck.Values(s, new[] { 1.0, 3, 2, 4 }, "Stack dim -1");
    }

    /// <summary>Cat and Stack take tensors as params (along dimension 0).</summary>
    public static void CatAndStackTakeParams()
    {
        var c = Tensor.Cat(V(1, 2), V(3), V(4, 5));
        OpsCheck.Values(c, new[] { 1.0, 2, 3, 4, 5 }, "Cat(a, b, c)");
        var s = Tensor.Stack(V(1, 2), V(3, 4), V(5, 6));
        OpsCheck.Shape(s, new[] { 3, 2 }, "Stack(a, b, c)");
        OpsCheck.Values(s, new[] { 1.0, 2, 3, 4, 5, 6 }, "Stack(a, b, c)");
    }

    /// <summary>Cat's gradient splits back to each input.</summary>
    public static void CatGradientSplitsBack()
    {
        var a = V(1, 2).RequiresGrad();
        var b = V(3).RequiresGrad();
        (Tensor.Cat(new[] { a, b }) * V(10, 20, 30)).Sum().Backward();
        OpsCheck.Values(a.Grad!, new[] { 10.0, 20 }, "a.Grad");
        OpsCheck.Values(b.Grad!, new[] { 30.0 }, "b.Grad");
    }

    /// <summary>Cat of mismatched shapes and Stack of nothing or of different shapes are ArgumentExceptions naming the op.</summary>
    public static void CatAndStackOfBadInputsThrow()
    {
        Assert.Throws<ArgumentException>(() => Tensor.Cat(new[] { OpsCheck.Range(2, 2), OpsCheck.Range(2, 3) }), "cat");
        Assert.Throws<ArgumentException>(() => Tensor.Stack(Array.Empty<Tensor>()), "stack", "at least one");
        Assert.Throws<ArgumentException>(() => Tensor.Stack(new[] { V(1), V(1, 2) }), "stack", "same shape");
    }

    /// <summary>Meshgrid with "ij" (default) and "xy" indexing.</summary>
    public static void MeshgridWithBothIndexings()
    {
        var ij = Tensor.Meshgrid(V(1, 2), V(3, 4, 5));
        Assert.Equal(ij.Length, 2, "grids");
        OpsCheck.Shape(ij[0], new[] { 2, 3 }, "ij[0]");
        OpsCheck.Values(ij[0], new[] { 1.0, 1, 1, 2, 2, 2 }, "ij[0]");
        OpsCheck.Values(ij[1], new[] { 3.0, 4, 5, 3, 4, 5 }, "ij[1]");
        var xy = Tensor.Meshgrid(new[] { V(1, 2), V(3, 4, 5) }, "xy");
        OpsCheck.Shape(xy[0], new[] { 3, 2 }, "xy[0]");
        OpsCheck.Values(xy[0], new[] { 1.0, 2, 1, 2, 1, 2 }, "xy[0]");
        Assert.Throws<ArgumentException>(() => Tensor.Meshgrid(new[] { V(1) }, "zz"), "meshgrid");
    }

    /// <summary>Gradients through Reshape, Permute, Flip, Roll and Narrow match finite differences.</summary>
    public static void ShapeOpGradientsMatchFiniteDifferences()
    {
        var x0 = new[] { 0.5, -1, 2, 3, -0.25, 1.5 };
        OpsCheck.GradMatchesFiniteDifferences(t => t.Reshape(3, 2).Permute(1, 0).Flip(0).Square(), x0, new[] { 2, 3 }, "reshape/permute/flip");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Roll(1, 1).Narrow(1, 0, 2).Square(), x0, new[] { 2, 3 }, "roll/narrow");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Repeat(2, 1).Tile(1, 2).Square(), x0, new[] { 2, 3 }, "repeat/tile");
    }
}
