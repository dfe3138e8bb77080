using System;
using F = global::Nabla;
using M = global::Nabla.TensorModule;

namespace Nabla.CSharp;

/// <summary>The values of a reduction along a dimension and the positions they come from (int64), as
/// PyTorch's <c>torch.return_types</c> (<c>values, indices</c>); deconstructs: <c>var (values, indices) = x.Sort();</c>.</summary>
/// <param name="Values">The values.</param>
/// <param name="Indices">Their positions along the reduced or sorted dimension (int64).</param>
public sealed record ValuesAndIndices(Tensor Values, Tensor Indices);

public partial class Tensor
{
    private F.Tensor CastFor(DType? dtype) => dtype is { } d ? M.toDtype(d.ToCore(), Value) : Value;

    private static F.Tensor KeepDim(F.Tensor reduced, int dim, bool keepDim) =>
        keepDim ? M.unsqueeze(dim < 0 ? dim + reduced.Dim + 1 : dim, reduced) : reduced;

    // ------------------------------------------------------------ sum, mean, prod

    /// <summary>The sum of all elements, computed in <paramref name="dtype"/> (PyTorch's <c>sum(dtype=...)</c>).</summary>
    /// <param name="dtype">The dtype the elements are converted to before summing.</param>
    public Tensor Sum(DType dtype) => Wrap(M.sum(CastFor(dtype)));

    /// <summary>The sum along one dimension (PyTorch's <c>sum(dim, keepdim=False, dtype=None)</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    /// <param name="dtype">Convert the elements to this dtype first; null keeps the tensor's.</param>
    public Tensor Sum(int dim, bool keepDim = false, DType? dtype = null) =>
        Wrap(M.sumDims(new[] { dim }, keepDim, CastFor(dtype)));

    /// <summary>The sum along several dimensions (PyTorch's <c>sum(dims, keepdim=False, dtype=None)</c>); an empty array reduces all.</summary>
    /// <param name="dims">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1.</param>
    /// <param name="dtype">Convert the elements to this dtype first; null keeps the tensor's.</param>
    public Tensor Sum(int[] dims, bool keepDim = false, DType? dtype = null) =>
        Wrap(M.sumDims(OpArgs.Arr(dims), keepDim, CastFor(dtype)));

    /// <summary>The mean of all elements, computed in <paramref name="dtype"/> (PyTorch's <c>mean(dtype=...)</c>).</summary>
    /// <param name="dtype">The floating-point dtype the elements are converted to first.</param>
    public Tensor Mean(DType dtype) => Wrap(M.mean(CastFor(dtype)));

    /// <summary>The mean along one dimension (PyTorch's <c>mean(dim, keepdim=False, dtype=None)</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    /// <param name="dtype">Convert the elements to this dtype first; null keeps the tensor's.</param>
    public Tensor Mean(int dim, bool keepDim = false, DType? dtype = null) =>
        Wrap(M.meanDims(new[] { dim }, keepDim, CastFor(dtype)));

    /// <summary>The mean along several dimensions (PyTorch's <c>mean(dims, keepdim=False, dtype=None)</c>); an empty array reduces all.</summary>
    /// <param name="dims">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1.</param>
    /// <param name="dtype">Convert the elements to this dtype first; null keeps the tensor's.</param>
    public Tensor Mean(int[] dims, bool keepDim = false, DType? dtype = null) =>
        Wrap(M.meanDims(OpArgs.Arr(dims), keepDim, CastFor(dtype)));

    /// <summary>The product of all elements (PyTorch's <c>prod()</c>).</summary>
    public Tensor Prod() => Wrap(M.prod(Value));

    /// <summary>The product along one dimension (PyTorch's <c>prod(dim, keepdim=False)</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public Tensor Prod(int dim, bool keepDim = false) => Wrap(M.prodDims(new[] { dim }, keepDim, Value));

    /// <summary>The product along several dimensions; an empty array reduces all.</summary>
    /// <param name="dims">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1.</param>
    public Tensor Prod(int[] dims, bool keepDim = false) => Wrap(M.prodDims(OpArgs.Arr(dims), keepDim, Value));

    /// <summary>Running sums along a dimension (PyTorch's <c>torch.cumsum</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor Cumsum(int dim) => Wrap(M.cumsum(dim, Value));

    /// <summary>Running products along a dimension (PyTorch's <c>torch.cumprod</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor Cumprod(int dim) => Wrap(M.cumprod(dim, Value));

    // ------------------------------------------------------------ max, min, arg

    /// <summary>The largest element, as a 0-dimensional tensor (PyTorch's <c>max()</c>).</summary>
    public Tensor Max() => Wrap(M.max(Value));

    /// <summary>The largest values along a dimension and their positions (PyTorch's <c>max(dim, keepdim=False)</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public ValuesAndIndices Max(int dim, bool keepDim = false) =>
        new(Wrap(F.OpsReduce.extremeDim("max", true, dim, keepDim, Value)),
            Wrap(KeepDim(M.argmaxDim(dim, Value), dim, keepDim)));

    /// <summary>The smallest element, as a 0-dimensional tensor (PyTorch's <c>min()</c>).</summary>
    public Tensor Min() => Wrap(M.min(Value));

    /// <summary>The smallest values along a dimension and their positions (PyTorch's <c>min(dim, keepdim=False)</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public ValuesAndIndices Min(int dim, bool keepDim = false) =>
        new(Wrap(F.OpsReduce.extremeDim("min", false, dim, keepDim, Value)),
            Wrap(KeepDim(M.argminDim(dim, Value), dim, keepDim)));

    /// <summary>The largest values along one or more dimensions (PyTorch's <c>torch.amax</c>); ties share the gradient.</summary>
    /// <param name="dims">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1.</param>
    public Tensor Amax(int[] dims, bool keepDim = false) => Wrap(M.amax(OpArgs.Arr(dims), keepDim, Value));

    /// <summary>The largest values along a dimension (PyTorch's <c>torch.amax</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public Tensor Amax(int dim, bool keepDim = false) => Wrap(M.amax(new[] { dim }, keepDim, Value));

    /// <summary>The smallest values along one or more dimensions (PyTorch's <c>torch.amin</c>); ties share the gradient.</summary>
    /// <param name="dims">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1.</param>
    public Tensor Amin(int[] dims, bool keepDim = false) => Wrap(M.amin(OpArgs.Arr(dims), keepDim, Value));

    /// <summary>The smallest values along a dimension (PyTorch's <c>torch.amin</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public Tensor Amin(int dim, bool keepDim = false) => Wrap(M.amin(new[] { dim }, keepDim, Value));

    /// <summary>The position of the largest element in the flattened tensor, int64 (PyTorch's <c>argmax()</c>).</summary>
    public Tensor Argmax() => Wrap(M.argmax(Value));

    /// <summary>The positions of the largest values along a dimension, int64 (PyTorch's <c>argmax(dim, keepdim=False)</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public Tensor Argmax(int dim, bool keepDim = false) => Wrap(KeepDim(M.argmaxDim(dim, Value), dim, keepDim));

    /// <summary>The position of the smallest element in the flattened tensor, int64 (PyTorch's <c>argmin()</c>).</summary>
    public Tensor Argmin() => Wrap(M.argmin(Value));

    /// <summary>The positions of the smallest values along a dimension, int64 (PyTorch's <c>argmin(dim, keepdim=False)</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public Tensor Argmin(int dim, bool keepDim = false) => Wrap(KeepDim(M.argminDim(dim, Value), dim, keepDim));

    // ------------------------------------------------------------ statistics and norms

    /// <summary>The variance of all elements, or along one dimension, with Bessel's correction by default
    /// (PyTorch's <c>var(dim=None, correction=1, keepdim=False)</c>): <c>x.Var()</c>, <c>x.Var(0)</c>, <c>x.Var(correction: 0)</c>.</summary>
    /// <param name="dim">The dimension to reduce (negative counts from the end); null for all elements.</param>
    /// <param name="correction">Divide by N − correction: 1 is the unbiased estimate, 0 the population variance.</param>
    /// <param name="keepDim">Keep the reduced dimension(s) with size 1.</param>
    public Tensor Var(int? dim = null, int correction = 1, bool keepDim = false) =>
        Wrap(M.varDims(dim is { } d ? new[] { d } : Array.Empty<int>(), correction, keepDim, Value));

    /// <summary>The variance along several dimensions (PyTorch's <c>var(dims, correction=1, keepdim=False)</c>); an empty array reduces all.</summary>
    /// <param name="dims">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="correction">Divide by N − correction.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1.</param>
    public Tensor Var(int[] dims, int correction = 1, bool keepDim = false) =>
        Wrap(M.varDims(OpArgs.Arr(dims), correction, keepDim, Value));

    /// <summary>The standard deviation of all elements, or along one dimension, with Bessel's correction by default
    /// (PyTorch's <c>std(dim=None, correction=1, keepdim=False)</c>): <c>x.Std()</c>, <c>x.Std(0)</c>, <c>x.Std(correction: 0)</c>.</summary>
    /// <param name="dim">The dimension to reduce (negative counts from the end); null for all elements.</param>
    /// <param name="correction">Divide by N − correction: 1 is the unbiased estimate, 0 the population's.</param>
    /// <param name="keepDim">Keep the reduced dimension(s) with size 1.</param>
    public Tensor Std(int? dim = null, int correction = 1, bool keepDim = false) =>
        Wrap(M.stdDims(dim is { } d ? new[] { d } : Array.Empty<int>(), correction, keepDim, Value));

    /// <summary>The standard deviation along several dimensions (PyTorch's <c>std(dims, correction=1, keepdim=False)</c>); an empty array reduces all.</summary>
    /// <param name="dims">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="correction">Divide by N − correction.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1.</param>
    public Tensor Std(int[] dims, int correction = 1, bool keepDim = false) =>
        Wrap(M.stdDims(OpArgs.Arr(dims), correction, keepDim, Value));

    /// <summary>The p-norm ‖x‖ₚ of all elements, or along one dimension (PyTorch's <c>norm(p=2, dim=None, keepdim=False)</c>):
    /// <c>x.Norm()</c>, <c>x.Norm(1)</c> (p = 1, as in PyTorch), <c>x.Norm(dim: 1)</c>.</summary>
    /// <param name="p">The order: 2 (Euclidean) by default, 1, ∞ (<see cref="double.PositiveInfinity"/>), 0 (the number of non-zeros), any real.</param>
    /// <param name="dim">The dimension to reduce (negative counts from the end); null for all elements.</param>
    /// <param name="keepDim">Keep the reduced dimension(s) with size 1.</param>
    public Tensor Norm(double p = 2.0, int? dim = null, bool keepDim = false) =>
        Norm(p, dim is { } d ? new[] { d } : Array.Empty<int>(), keepDim);

    /// <summary>The p-norm along several dimensions (PyTorch's <c>norm(p, dim=dims, keepdim=False)</c>); an empty array reduces all.</summary>
    /// <param name="p">The order (see <see cref="Norm(double, int?, bool)"/>).</param>
    /// <param name="dims">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1.</param>
    public Tensor Norm(double p, int[] dims, bool keepDim = false) =>
        Wrap(p == 2.0 ? M.normDims(OpArgs.Arr(dims), keepDim, Value) : M.vectorNorm(p, OpArgs.Arr(dims), keepDim, Value));

    /// <summary>log Σ exp(x) along a dimension, computed stably (PyTorch's <c>torch.logsumexp</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public Tensor Logsumexp(int dim, bool keepDim = false) =>
        Wrap(keepDim ? M.logsumexpDims(new[] { dim }, true, Value) : M.logsumexp(dim, Value));

    /// <summary>log Σ exp(x) along several dimensions, computed stably (PyTorch's <c>torch.logsumexp</c>).</summary>
    /// <param name="dims">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1.</param>
    public Tensor Logsumexp(int[] dims, bool keepDim = false) => Wrap(M.logsumexpDims(OpArgs.Arr(dims), keepDim, Value));

    // ------------------------------------------------------------ sorting and searching

    /// <summary>The elements sorted along a dimension and their original positions (PyTorch's <c>torch.sort</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="descending">Largest first.</param>
    public ValuesAndIndices Sort(int dim = -1, bool descending = false)
    {
        var r = M.sort(dim, descending, Value);
        return new(Wrap(r.Item1), Wrap(r.Item2));
    }

    /// <summary>The positions that sort the elements along a dimension (PyTorch's <c>torch.argsort</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="descending">Largest first.</param>
    public Tensor Argsort(int dim = -1, bool descending = false) => Wrap(M.argsort(dim, descending, Value));

    /// <summary>The <paramref name="k"/> largest (or smallest) elements along a dimension, sorted, and their positions (PyTorch's <c>torch.topk</c>).</summary>
    /// <param name="k">How many elements.</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="largest">The largest (true) or the smallest (false).</param>
    public ValuesAndIndices Topk(int k, int dim = -1, bool largest = true)
    {
        var r = largest ? M.topk(k, dim, Value) : M.topkSmallest(k, dim, Value);
        return new(Wrap(r.Item1), Wrap(r.Item2));
    }

    /// <summary>The <paramref name="k"/>-th smallest element (1-based) along a dimension and its position (PyTorch's <c>torch.kthvalue</c>).</summary>
    /// <param name="k">Which element, 1 for the smallest.</param>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public ValuesAndIndices Kthvalue(int k, int dim = -1, bool keepDim = false)
    {
        var r = M.kthvalue(k, dim, Value);
        return new(Wrap(KeepDim(r.Item1, dim, keepDim)), Wrap(KeepDim(r.Item2, dim, keepDim)));
    }

    /// <summary>The median of all elements, the lower of the two middle ones for an even count (PyTorch's <c>median()</c>).</summary>
    public Tensor Median() => Wrap(M.median(Value));

    /// <summary>The medians along a dimension (the lower middle for even sizes) and their positions (PyTorch's <c>median(dim)</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public ValuesAndIndices Median(int dim, bool keepDim = false)
    {
        var r = M.medianDim(dim, Value);
        return new(Wrap(KeepDim(r.Item1, dim, keepDim)), Wrap(KeepDim(r.Item2, dim, keepDim)));
    }

    /// <summary>Whether any element is non-zero, as a 0-dimensional bool tensor (PyTorch's <c>any()</c>).</summary>
    public Tensor Any() => Wrap(M.any(Value));

    /// <summary>Whether any element is non-zero along a dimension (PyTorch's <c>any(dim)</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public Tensor Any(int dim, bool keepDim = false) => Wrap(KeepDim(M.anyDim(dim, Value), dim, keepDim));

    /// <summary>Whether every element is non-zero, as a 0-dimensional bool tensor (PyTorch's <c>all()</c>).</summary>
    public Tensor All() => Wrap(M.all(Value));

    /// <summary>Whether every element is non-zero along a dimension (PyTorch's <c>all(dim)</c>).</summary>
    /// <param name="dim">The dimension to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1.</param>
    public Tensor All(int dim, bool keepDim = false) => Wrap(KeepDim(M.allDim(dim, Value), dim, keepDim));
}
