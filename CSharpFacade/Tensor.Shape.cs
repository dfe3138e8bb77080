using System;
using System.Collections.Generic;
using F = global::Nabla;
using M = global::Nabla.TensorModule;

namespace Nabla.CSharp;

public partial class Tensor
{
    /// <summary>The same elements in a new shape; one size may be −1 to be inferred (PyTorch's <c>reshape</c>).</summary>
    /// <param name="shape">The new sizes, e.g. <c>x.Reshape(2, -1)</c>.</param>
    public Tensor Reshape(params int[] shape) => Wrap(M.reshape(OpArgs.Arr(shape), Value));

    /// <summary>The same elements in a new shape, sharing memory; the tensor's layout must allow it (PyTorch's <c>view</c>).</summary>
    /// <param name="shape">The new sizes; one may be −1.</param>
    public Tensor View(params int[] shape) => Wrap(M.view(OpArgs.Arr(shape), Value));

    /// <summary>The dimensions <paramref name="startDim"/> to <paramref name="endDim"/> merged into one; by default
    /// all, giving a 1-D tensor (PyTorch's <c>torch.flatten</c>).</summary>
    /// <param name="startDim">The first dimension to merge; negative counts from the end.</param>
    /// <param name="endDim">The last dimension to merge; negative counts from the end.</param>
    public Tensor Flatten(int startDim = 0, int endDim = -1) =>
        Wrap(startDim == 0 && endDim == -1 ? M.flatten(Value) : M.flattenRange(startDim, endDim, Value));

    /// <summary>One dimension split into several sizes (PyTorch's <c>torch.unflatten</c>).</summary>
    /// <param name="dim">The dimension to split; negative counts from the end.</param>
    /// <param name="sizes">The new sizes, whose product is the dimension's size; one may be −1.</param>
    public Tensor Unflatten(int dim, params int[] sizes) => Wrap(M.unflatten(dim, OpArgs.Arr(sizes), Value));

    /// <summary>Two dimensions swapped (PyTorch's <c>torch.transpose</c>).</summary>
    /// <param name="dim0">A dimension; negative counts from the end.</param>
    /// <param name="dim1">The other dimension.</param>
    public Tensor Transpose(int dim0, int dim1) => Wrap(M.transpose(dim0, dim1, Value));

    /// <summary>The dimensions reordered: result dimension i is this tensor's dimension dims[i] (PyTorch's <c>permute</c>).</summary>
    /// <param name="dims">A permutation of the dimensions, e.g. <c>x.Permute(2, 0, 1)</c>.</param>
    public Tensor Permute(params int[] dims) => Wrap(M.permute(OpArgs.Arr(dims), Value));

    /// <summary>Dimensions moved to new positions, the others keeping their order (PyTorch's <c>torch.movedim</c>).</summary>
    /// <param name="source">The dimension to move.</param>
    /// <param name="destination">Its position in the result.</param>
    public Tensor Movedim(int source, int destination) => Wrap(M.movedim(new[] { source }, new[] { destination }, Value));

    /// <summary>Several dimensions moved to new positions (PyTorch's <c>torch.movedim</c>).</summary>
    /// <param name="source">The dimensions to move.</param>
    /// <param name="destination">Their positions in the result, as many as <paramref name="source"/>.</param>
    public Tensor Movedim(int[] source, int[] destination) =>
        Wrap(M.movedim(OpArgs.Arr(source), OpArgs.Arr(destination), Value));

    /// <summary>Every dimension of size 1 removed (PyTorch's <c>squeeze()</c>).</summary>
    public Tensor Squeeze() => Wrap(M.squeeze(Value));

    /// <summary>Dimension <paramref name="dim"/> removed if its size is 1; otherwise the tensor unchanged (PyTorch's <c>squeeze(dim)</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor Squeeze(int dim) => Wrap(M.squeezeDim(dim, Value));

    /// <summary>A dimension of size 1 inserted at <paramref name="dim"/> (PyTorch's <c>unsqueeze</c>).</summary>
    /// <param name="dim">Its position in the result, in [−rank−1, rank].</param>
    public Tensor Unsqueeze(int dim) => Wrap(M.unsqueeze(dim, Value));

    /// <summary>Dimensions of size 1 repeated (without copying) to a larger shape; −1 keeps a size (PyTorch's <c>expand</c>).</summary>
    /// <param name="shape">The target sizes.</param>
    public Tensor Expand(params int[] shape) => Wrap(M.expand(OpArgs.Arr(shape), Value));

    /// <summary>The order of the elements reversed along the given dimensions (PyTorch's <c>torch.flip</c>).</summary>
    /// <param name="dims">The dimensions to reverse.</param>
    public Tensor Flip(params int[] dims) => Wrap(M.flip(OpArgs.Arr(dims), Value));

    /// <summary>The slice start .. start+length−1 of a dimension (PyTorch's <c>torch.narrow</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="start">The first position; negative counts from the end.</param>
    /// <param name="length">How many positions.</param>
    public Tensor Narrow(int dim, int start, int length) => Wrap(M.narrow(dim, start, length, Value));

    /// <summary>The sub-tensor at one position of a dimension, which is removed (PyTorch's <c>select(dim, index)</c>, <c>x[:, i]</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="index">The position; negative counts from the end.</param>
    public Tensor Select(int dim, int index) => Wrap(M.select(dim, index, Value));

    /// <summary>The positions start, start+step, ... below stop of a dimension (PyTorch's <c>x[..., start:stop:step]</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="start">The first position; negative counts from the end.</param>
    /// <param name="stop">The end (excluded); negative counts from the end.</param>
    /// <param name="step">The stride, at least 1.</param>
    public Tensor Slice(int dim, int start, int stop, int step = 1) => Wrap(M.slice(dim, start, stop, step, Value));

    /// <summary>Pieces of <paramref name="splitSize"/> along a dimension, the last one smaller if it does not divide (PyTorch's <c>torch.split(x, int)</c>).</summary>
    /// <param name="splitSize">The size of each piece (at least 1).</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        if (splitSize < 1)
            throw new ArgumentOutOfRangeException(nameof(splitSize), splitSize, $"split: the size of each piece must be at least 1; got {splitSize}.");
        var rank = Value.Dim;
        if (dim < -rank || dim >= rank || rank == 0)
            return OpArgs.WrapAll(M.split(Array.Empty<int>(), dim, Value)); // the core reports the bad dimension
        var n = Value.Shape[dim < 0 ? dim + rank : dim];
        var sizes = new int[Math.Max(1, (n + splitSize - 1) / splitSize)];
        for (var i = 0; i < sizes.Length; i++) sizes[i] = Math.Min(splitSize, n - i * splitSize);
        return OpArgs.WrapAll(M.split(sizes, dim, Value));
    }

    /// <summary>Pieces of the given sizes along a dimension (PyTorch's <c>torch.split(x, [sizes])</c>).</summary>
    /// <param name="sizes">The sizes, adding up to the dimension's size.</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor[] Split(int[] sizes, int dim = 0) => OpArgs.WrapAll(M.split(OpArgs.Arr(sizes), dim, Value));

    /// <summary>At most <paramref name="chunks"/> pieces of equal size along a dimension, the last one smaller (PyTorch's <c>torch.chunk</c>).</summary>
    /// <param name="chunks">The number of pieces.</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor[] Chunk(int chunks, int dim = 0) => OpArgs.WrapAll(M.chunk(chunks, dim, Value));

    /// <summary>The slices along a dimension, which is removed (PyTorch's <c>torch.unbind</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor[] Unbind(int dim = 0) => OpArgs.WrapAll(M.unbind(dim, Value));

    /// <summary>The tensor repeated along each dimension (PyTorch's <c>repeat</c>): <paramref name="repeats"/> has at
    /// least as many entries as dimensions; extra ones add leading dimensions.</summary>
    /// <param name="repeats">How many times along each dimension.</param>
    public Tensor Repeat(params int[] repeats) => Wrap(M.repeat(OpArgs.Arr(repeats), Value));

    /// <summary>The tensor repeated along each dimension; fewer entries than dimensions repeat the last ones (PyTorch's <c>torch.tile</c>).</summary>
    /// <param name="reps">How many times along each dimension.</param>
    public Tensor Tile(params int[] reps) => Wrap(M.tile(OpArgs.Arr(reps), Value));

    /// <summary>The flattened elements shifted cyclically, the shape kept (PyTorch's <c>torch.roll(x, shifts)</c>).</summary>
    /// <param name="shift">Positions to move toward the end (negative: toward the start).</param>
    public Tensor Roll(int shift) => Wrap(M.roll(new[] { shift }, Array.Empty<int>(), Value));

    /// <summary>The elements shifted cyclically along a dimension (PyTorch's <c>torch.roll(x, shifts, dims)</c>).</summary>
    /// <param name="shift">Positions to move toward the end (negative: toward the start).</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor Roll(int shift, int dim) => Wrap(M.roll(new[] { shift }, new[] { dim }, Value));

    /// <summary>The elements shifted cyclically along several dimensions (PyTorch's <c>torch.roll</c>).</summary>
    /// <param name="shifts">One shift per dimension.</param>
    /// <param name="dims">The dimensions.</param>
    public Tensor Roll(int[] shifts, int[] dims) => Wrap(M.roll(OpArgs.Arr(shifts), OpArgs.Arr(dims), Value));

    /// <summary>Tensors joined along an existing dimension; their other sizes must match (PyTorch's <c>torch.cat</c>).</summary>
    /// <param name="tensors">The tensors, at least one.</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public static Tensor Cat(IEnumerable<Tensor> tensors, int dim = 0) => Wrap(M.cat(dim, OpArgs.All(tensors)));

    /// <summary>Tensors joined along dimension 0: <c>Tensor.Cat(a, b, c)</c> (PyTorch's <c>torch.cat</c>).</summary>
    /// <param name="tensors">The tensors, at least one.</param>
    public static Tensor Cat(params Tensor[] tensors) => Wrap(M.cat(0, OpArgs.All(tensors)));

    /// <summary>Tensors of one shape joined along a new dimension 0: <c>Tensor.Stack(a, b, c)</c> (PyTorch's <c>torch.stack</c>).</summary>
    /// <param name="tensors">The tensors, at least one, all of the same shape.</param>
    public static Tensor Stack(params Tensor[] tensors) => Wrap(M.stack(0, OpArgs.All(tensors)));

    /// <summary>Tensors of one shape joined along a new dimension (PyTorch's <c>torch.stack</c>).</summary>
    /// <param name="tensors">The tensors, at least one, all of the same shape.</param>
    /// <param name="dim">The position of the new dimension; negative counts from the end of the result.</param>
    public static Tensor Stack(IEnumerable<Tensor> tensors, int dim = 0) => Wrap(M.stack(dim, OpArgs.All(tensors)));

    /// <summary>Coordinate grids of 1-D tensors, with matrix ("ij", the default) indexing (PyTorch's <c>torch.meshgrid</c>).</summary>
    /// <param name="tensors">The 1-D coordinate tensors.</param>
    public static Tensor[] Meshgrid(params Tensor[] tensors) => Meshgrid(tensors, "ij");

    /// <summary>Coordinate grids of 1-D tensors (PyTorch's <c>torch.meshgrid(..., indexing=...)</c>).</summary>
    /// <param name="tensors">The 1-D coordinate tensors.</param>
    /// <param name="indexing">"ij" (matrix: result i varies along dimension i) or "xy" (Cartesian: the first two swapped).</param>
    public static Tensor[] Meshgrid(IEnumerable<Tensor> tensors, string indexing)
    {
        ArgumentNullException.ThrowIfNull(indexing);
        return OpArgs.WrapAll(M.meshgrid(OpArgs.All(tensors), indexing));
    }
}
