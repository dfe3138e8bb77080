using System.Collections.Generic;
using F = global::Nabla;
using M = global::Nabla.TensorModule;

namespace Nabla.CSharp;

public partial class Tensor
{
    /// <summary>Values picked along a dimension at int64 positions: out[i][j] = x[index[i][j]][j] for dim 0 (PyTorch's <c>torch.gather</c>).</summary>
    /// <param name="dim">The dimension to pick along; negative counts from the end.</param>
    /// <param name="index">An int64 tensor of positions, of the same rank.</param>
    public Tensor Gather(int dim, Tensor index) => Wrap(M.gather(dim, OpArgs.Of(index), Value));

    /// <summary>A copy with the values of <paramref name="src"/> written at int64 positions along a dimension (PyTorch's <c>torch.scatter</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="index">An int64 tensor of positions.</param>
    /// <param name="src">The values to write (at least the shape of index).</param>
    public Tensor Scatter(int dim, Tensor index, Tensor src) => Wrap(M.scatter(dim, OpArgs.Of(index), OpArgs.Of(src), Value));

    /// <summary>A copy with one value written at int64 positions along a dimension (PyTorch's <c>torch.scatter(dim, index, value)</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="index">An int64 tensor of positions.</param>
    /// <param name="value">The value to write.</param>
    public Tensor Scatter(int dim, Tensor index, double value) => Wrap(M.scatterValue(dim, OpArgs.Of(index), value, Value));

    /// <summary>A copy with the values of <paramref name="src"/> added at int64 positions along a dimension, repeated positions adding up (PyTorch's <c>torch.scatter_add</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="index">An int64 tensor of positions.</param>
    /// <param name="src">The values to add.</param>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src) => Wrap(M.scatterAdd(dim, OpArgs.Of(index), OpArgs.Of(src), Value));

    /// <summary>The slices at the given positions of a dimension (PyTorch's <c>torch.index_select</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="index">A 1-D int64 tensor of positions.</param>
    public Tensor IndexSelect(int dim, Tensor index) => Wrap(M.indexSelect(dim, OpArgs.Of(index), Value));

    /// <summary>A copy with the slices of <paramref name="source"/> added at the given positions of a dimension (PyTorch's <c>torch.index_add</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="index">A 1-D int64 tensor of positions.</param>
    /// <param name="source">The slices to add, one per position.</param>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source) => Wrap(M.indexAdd(dim, OpArgs.Of(index), OpArgs.Of(source), Value));

    /// <summary>A copy with <paramref name="value"/> where the bool <paramref name="mask"/> (broadcasting) is true (PyTorch's <c>masked_fill</c>).</summary>
    /// <param name="mask">A bool tensor.</param>
    /// <param name="value">The fill value.</param>
    public Tensor MaskedFill(Tensor mask, double value) => Wrap(M.maskedFill(OpArgs.Of(mask), value, Value));

    /// <summary>A copy with a 0-dimensional tensor's value where the bool <paramref name="mask"/> is true; differentiable in the value (PyTorch's <c>masked_fill</c>).</summary>
    /// <param name="mask">A bool tensor.</param>
    /// <param name="value">A 0-dimensional tensor.</param>
    public Tensor MaskedFill(Tensor mask, Tensor value) => Wrap(M.maskedFillTensor(OpArgs.Of(mask), OpArgs.Of(value), Value));

    /// <summary>The elements where the bool <paramref name="mask"/> (broadcasting) is true, as a 1-D tensor (PyTorch's <c>torch.masked_select</c>).</summary>
    /// <param name="mask">A bool tensor.</param>
    public Tensor MaskedSelect(Tensor mask) => Wrap(M.maskedSelect(OpArgs.Of(mask), Value));

    /// <summary>The elements of the flattened tensor at int64 positions, in the shape of <paramref name="index"/> (PyTorch's <c>torch.take</c>).</summary>
    /// <param name="index">An int64 tensor of flat positions; negative counts from the end.</param>
    public Tensor Take(Tensor index) => Wrap(M.take(OpArgs.Of(index), Value));

    /// <summary>A copy with <paramref name="values"/> written (or added) at the positions given by one index tensor per
    /// leading dimension (PyTorch's <c>index_put(indices, values, accumulate)</c>, <c>x[i, j] = v</c>).</summary>
    /// <param name="indices">int64 (or bool) index tensors, broadcasting together.</param>
    /// <param name="values">The values, broadcasting to the indexed shape.</param>
    /// <param name="accumulate">Add to the existing values (repeated positions add up) instead of writing.</param>
    public Tensor IndexPut(IEnumerable<Tensor> indices, Tensor values, bool accumulate = false) =>
        Wrap(accumulate
            ? M.indexPutAdd(OpArgs.All(indices), OpArgs.Of(values), Value)
            : M.indexPut(OpArgs.All(indices), OpArgs.Of(values), Value));
}
