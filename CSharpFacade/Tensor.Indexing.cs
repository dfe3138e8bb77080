using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using F = global::Nabla;

namespace Nabla.CSharp;

// C# indexers with PyTorch's semantics (t[0], t[^1], t[1..^1], t[0, 1..3], t[mask], ...), read
// only: tensors are values. IndexPut returns a new tensor with values written at an index.
public partial class Tensor
{
    /// <summary>The slice at <paramref name="index"/> of the first dimension, which is removed
    /// (PyTorch's <c>t[i]</c>); negative counts from the end. Differentiable.</summary>
    /// <param name="index">The position.</param>
    /// <exception cref="ArgumentOutOfRangeException">The position is out of range.</exception>
    [IndexerName("Subscript")] // "Item" is the method Item<T>(), PyTorch's item()
    public Tensor this[int index] => Wrap(Value[index]);

    /// <summary>The element or slice at (<paramref name="i"/>, <paramref name="j"/>) (PyTorch's
    /// <c>t[i, j]</c>); negative counts from the end.</summary>
    /// <param name="i">The position in the first dimension.</param>
    /// <param name="j">The position in the second dimension.</param>
    /// <exception cref="ArgumentOutOfRangeException">A position is out of range.</exception>
    [IndexerName("Subscript")] // "Item" is the method Item<T>(), PyTorch's item()
    public Tensor this[int i, int j] => Wrap(Value[i, j]);

    /// <summary>The element or slice at (<paramref name="i"/>, <paramref name="j"/>,
    /// <paramref name="k"/>) (PyTorch's <c>t[i, j, k]</c>); negative counts from the end.</summary>
    /// <param name="i">The position in the first dimension.</param>
    /// <param name="j">The position in the second dimension.</param>
    /// <param name="k">The position in the third dimension.</param>
    /// <exception cref="ArgumentOutOfRangeException">A position is out of range.</exception>
    [IndexerName("Subscript")] // "Item" is the method Item<T>(), PyTorch's item()
    public Tensor this[int i, int j, int k] => Wrap(Value[i, j, k]);

    /// <summary>PyTorch's indexing <c>t[...]</c> with integers, C# indices and ranges, tensors,
    /// position arrays, <see cref="TensorIndex.Ellipsis"/> and <see cref="TensorIndex.NewAxis"/>:
    /// <c>t[^1]</c>, <c>t[1..^1]</c>, <c>t[0, 1..3]</c>, <c>t[.., 0]</c>, <c>t[mask]</c> (see
    /// <see cref="TensorIndex"/>). Ranges give views; differentiable.</summary>
    /// <param name="indices">One index per dimension, from the first (missing trailing ones are whole dimensions).</param>
    /// <exception cref="ArgumentException">More indices than dimensions, more than one ellipsis, or
    /// index tensors that are not bool or integer or do not broadcast together.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A position is out of range.</exception>
    [IndexerName("Subscript")] // "Item" is the method Item<T>(), PyTorch's item()
    public Tensor this[params TensorIndex[] indices] => Wrap(IndexBy(Value, indices));

    /// <summary>This tensor with <paramref name="values"/> written at <c>this[indices]</c> (PyTorch's
    /// <c>t[indices] = values</c> on a copy, <c>index_put</c>): a new tensor; this one is unchanged.
    /// The values broadcast to the indexed shape and are converted to this tensor's dtype; a number
    /// converts implicitly (<c>t.IndexPut(0.0, 1..3)</c>). Differentiable in this tensor and the
    /// values. Where an index repeats a position, which value is written is undefined, as in PyTorch.</summary>
    /// <param name="values">The values to write.</param>
    /// <param name="indices">Where to write, as for the indexer <c>this[indices]</c>.</param>
    /// <exception cref="ArgumentException">The values do not broadcast to the indexed shape, or the index is invalid.</exception>
    public Tensor IndexPut(Tensor values, params TensorIndex[] indices) => Wrap(Put(values, indices, accumulate: false));

    /// <summary>This tensor with <paramref name="values"/> added at <c>this[indices]</c>; repeated
    /// positions add up (PyTorch's <c>index_put(..., accumulate=True)</c>): a new tensor.
    /// Differentiable in this tensor and the values.</summary>
    /// <param name="values">The values to add (broadcast to the indexed shape).</param>
    /// <param name="indices">Where to add, as for the indexer <c>this[indices]</c>.</param>
    /// <exception cref="ArgumentException">The values do not broadcast to the indexed shape, or the index is invalid.</exception>
    public Tensor IndexPutAdd(Tensor values, params TensorIndex[] indices) => Wrap(Put(values, indices, accumulate: true));

    /// <summary>index_put through positions: the flat positions of this[indices] (the same indexing
    /// applied to 0 .. numel − 1) receive the values in a flattened copy, reshaped back.</summary>
    private F.Tensor Put(Tensor values, TensorIndex[] indices, bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(indices);
        var x = Value;
        var shape = x.Shape;
        F.Tensor[] where;
        F.Tensor target = x;
        if (Array.TrueForAll(indices, i => i.IndexKind == TensorIndex.Kind.Tensor))
        {
            // advanced indices on the leading dimensions: the core's index_put as it is
            where = Array.ConvertAll(indices, i => i.IndexTensor!.Value);
        }
        else
        {
            // the flat positions of this[indices], in the indexed shape
            var picked = IndexBy(F.TensorModule.reshape(shape, F.Tensor.Arange(0.0, x.Numel, 1.0, F.Dtype.Int64, x.Device)), indices);
            var indexedShape = picked.Shape;
            where = [F.TensorModule.reshape([-1], picked)];
            target = F.TensorModule.reshape([-1], x);
            values = Wrap(F.TensorModule.reshape([-1], F.TensorModule.expand(indexedShape, CheckPutShape(values.Value, indexedShape))));
        }
        var result = accumulate
            ? F.TensorModule.indexPutAdd(where, values.Value, target)
            : F.TensorModule.indexPut(where, values.Value, target);
        return ReferenceEquals(target, x) ? result : F.TensorModule.reshape(shape, result);
    }

    /// <summary>The values, checked to broadcast to the indexed shape (with PyTorch's message).</summary>
    private static F.Tensor CheckPutShape(F.Tensor v, int[] indexedShape)
    {
        var vs = v.Shape;
        var lead = indexedShape.Length - vs.Length;
        var ok = lead >= 0;
        for (var i = 0; ok && i < vs.Length; i++)
            ok = vs[i] == 1 || vs[i] == indexedShape[lead + i];
        if (!ok)
            throw new ArgumentException($"IndexPut: values of shape [{string.Join(", ", vs)}] do not broadcast to the indexed shape [{string.Join(", ", indexedShape)}].", "values");
        return v;
    }

    /// <summary>The position an <see cref="Index"/> names in a dimension of this size (not clamped).</summary>
    private static int At(Index i, int size) => i.IsFromEnd ? size - i.Value : i.Value;

    /// <summary>A slice bound, clamped to [0, size] as Python's slices are.</summary>
    private static int Clamp(Index i, int size) => Math.Clamp(At(i, size), 0, size);

    /// <summary>x[indices] with PyTorch's semantics: basic indices (integers, slices, new axes,
    /// the ellipsis) first, as views; then the advanced ones (tensors, position arrays) together.</summary>
    internal static F.Tensor IndexBy(F.Tensor x, TensorIndex[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var rank = x.Dim;
        int consumed = 0, ellipses = 0;
        foreach (var index in indices)
        {
            switch (index.IndexKind)
            {
                case TensorIndex.Kind.Ellipsis: ellipses++; break;
                case TensorIndex.Kind.NewAxis: break;
                case TensorIndex.Kind.Tensor:
                    var t = index.IndexTensor!.Value;
                    consumed += t.Dtype.IsBool ? t.Dim : 1;
                    break;
                default: consumed++; break;
            }
        }
        if (ellipses > 1)
            throw new ArgumentException($"index: an index can have only one ellipsis; got {ellipses} in [{string.Join(", ", indices)}].", nameof(indices));
        if (consumed > rank)
            throw new ArgumentException($"index: too many indices for a tensor of shape [{string.Join(", ", x.Shape)}]: [{string.Join(", ", indices)}] indexes {consumed} dimensions, the tensor has {rank}.", nameof(indices));

        var y = x;
        var d = 0;
        List<(int Position, int Width, F.Tensor Index)>? advanced = null;
        foreach (var index in indices)
        {
            switch (index.IndexKind)
            {
                case TensorIndex.Kind.Single:
                    // ^k is -k for the core (which checks the range and names the index); ^0 is one past the end
                    var i = index.Start;
                    y = F.TensorModule.select(d, !i.IsFromEnd ? i.Value : i.Value == 0 ? y.Shape[d] : -i.Value, y);
                    break;
                case TensorIndex.Kind.Slice:
                    var size = y.Shape[d];
                    var start = index.HasStart ? Clamp(index.Start, size) : 0;
                    var stop = index.Stop is { } s ? Clamp(s, size) : size;
                    y = F.TensorModule.slice(d, start, Math.Max(start, stop), index.Step, y);
                    d++;
                    break;
                case TensorIndex.Kind.NewAxis:
                    y = F.TensorModule.unsqueeze(d, y);
                    d++;
                    break;
                case TensorIndex.Kind.Ellipsis:
                    d += rank - consumed;
                    break;
                case TensorIndex.Kind.Tensor:
                    var t = index.IndexTensor!.Value;
                    var width = t.Dtype.IsBool ? t.Dim : 1;
                    (advanced ??= []).Add((d, width, t));
                    d += width;
                    break;
                case TensorIndex.Kind.Positions:
                    var p = index.Positions!;
                    var positions = F.Tensor.Create(Array.ConvertAll(p, i => (long)i), F.Dtype.Int64, x.Device);
                    (advanced ??= []).Add((d, 1, positions));
                    d++;
                    break;
            }
        }
        return advanced is null ? y : Advanced(y, advanced);
    }

    /// <summary>PyTorch's advanced indexing of y by tensors at these dimensions: the indexed
    /// dimensions are moved to the front, indexed together by the core, and the dimensions the
    /// index tensors make go back to where the first indexed one was when they were adjacent.</summary>
    private static F.Tensor Advanced(F.Tensor y, List<(int Position, int Width, F.Tensor Index)> advanced)
    {
        var rank = y.Dim;
        var perm = new List<int>(rank);
        var indexed = new bool[rank];
        var adjacent = true;
        for (var k = 0; k < advanced.Count; k++)
        {
            var (position, width, _) = advanced[k];
            for (var j = 0; j < width; j++)
            {
                perm.Add(position + j);
                indexed[position + j] = true;
            }
            if (k > 0 && advanced[k - 1].Position + advanced[k - 1].Width != position)
                adjacent = false;
        }
        var width0 = perm.Count;
        for (var j = 0; j < rank; j++)
            if (!indexed[j])
                perm.Add(j);

        var identity = true;
        for (var j = 0; j < rank && identity; j++)
            identity = perm[j] == j;

        var moved = identity ? y : F.TensorModule.permute([.. perm], y);
        var result = F.TensorModule.index(advanced.ConvertAll(a => a.Index).ToArray(), moved);
        var first = advanced[0].Position;
        if (adjacent && first > 0)
        {
            var batch = result.Dim - (rank - width0);
            var source = new int[batch];
            var destination = new int[batch];
            for (var j = 0; j < batch; j++)
            {
                source[j] = j;
                destination[j] = first + j;
            }
            result = F.TensorModule.movedim(source, destination, result);
        }
        return result;
    }
}
