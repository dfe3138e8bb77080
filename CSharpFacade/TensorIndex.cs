using System;

namespace Nabla.CSharp;

/// <summary>
/// One position of a tensor index, as in PyTorch's <c>t[...]</c>: an integer (<c>t[0]</c>,
/// <c>t[^1]</c>), a range (<c>t[1..3]</c>, <c>t[..]</c>, <c>t[1..^1]</c>), a stepped slice
/// (<see cref="Slice"/>), an integer or bool tensor (<c>t[mask]</c>, <c>t[indices]</c>), an array of
/// positions (<c>t[new[] { 0, 2 }]</c>), <see cref="Ellipsis"/> (PyTorch's <c>...</c>) or
/// <see cref="NewAxis"/> (PyTorch's <c>None</c>). Integers, indices, ranges, tensors and int arrays
/// convert implicitly, so they mix: <c>t[0, 1..3]</c>, <c>t[.., ^1]</c>.
/// </summary>
/// <remarks>
/// The semantics are PyTorch's: an integer removes its dimension (negative or <c>^k</c> counts
/// from the end; out of range is an error); a range keeps it (its bounds are clamped, so
/// <c>t[..10]</c> of a 3-element tensor is the whole tensor); <see cref="NewAxis"/> inserts a
/// dimension of size 1; <see cref="Ellipsis"/> stands for as many whole dimensions as needed.
/// Tensors and int arrays index as PyTorch's advanced indexing: they broadcast together, and the
/// result's dimensions they make replace theirs (at the front when they are not next to each other).
/// </remarks>
public readonly struct TensorIndex
{
    internal enum Kind : byte
    {
        Single,
        Slice,
        Tensor,
        Positions,
        Ellipsis,
        NewAxis,
    }

    private TensorIndex(Kind kind, Index start = default, Index? stop = null, bool hasStart = false, int step = 1, Tensor? tensor = null, int[]? positions = null)
    {
        IndexKind = kind;
        Start = start;
        HasStart = hasStart;
        Stop = stop;
        Step = step;
        IndexTensor = tensor;
        Positions = positions;
    }

    internal Kind IndexKind { get; }

    /// <summary>The integer (Single) or the slice's start (Slice, when HasStart).</summary>
    internal Index Start { get; }

    internal bool HasStart { get; }

    /// <summary>The slice's stop, or null for the end.</summary>
    internal Index? Stop { get; }

    internal int Step { get; }

    internal Tensor? IndexTensor { get; }

    internal int[]? Positions { get; }

    /// <summary>Whole dimensions, as many as needed (PyTorch's <c>...</c>): <c>t[TensorIndex.Ellipsis, 0]</c>
    /// is the first element along the last dimension.</summary>
    public static TensorIndex Ellipsis { get; } = new(Kind.Ellipsis);

    /// <summary>A new dimension of size 1 at this position (PyTorch's <c>None</c>):
    /// <c>t[.., TensorIndex.NewAxis]</c> turns shape [n] into [n, 1].</summary>
    public static TensorIndex NewAxis { get; } = new(Kind.NewAxis);

    /// <summary>The whole dimension (PyTorch's <c>:</c>); the same as the range <c>..</c>.</summary>
    public static TensorIndex Colon { get; } = new(Kind.Slice);

    /// <summary>The element at this position, its dimension removed.</summary>
    /// <param name="index">The position; negative counts from the end, as in PyTorch.</param>
    public static TensorIndex Single(int index) => index < 0 ? new(Kind.Single, Index.FromEnd(-index)) : new(Kind.Single, Index.FromStart(index));

    /// <summary>A stepped slice, PyTorch's <c>start:stop:step</c> (C# ranges have no step):
    /// <c>t[TensorIndex.Slice(step: 2)]</c> is every second element, as <c>t[::2]</c>.</summary>
    /// <param name="start">The first position (<c>^k</c> counts from the end); the beginning when omitted.</param>
    /// <param name="stop">The end, excluded (<c>^k</c> counts from the end); the end when omitted.</param>
    /// <param name="step">The distance between positions, at least 1 (to reverse, use <c>Flip</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is less than 1.</exception>
    public static TensorIndex Slice(Index? start = null, Index? stop = null, int step = 1)
    {
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"TensorIndex.Slice: the step must be at least 1; got {step} (to reverse, use Flip).");
        return new(Kind.Slice, start ?? default, stop, start.HasValue, step);
    }

    /// <summary>The element at this position, its dimension removed; negative counts from the end.</summary>
    /// <param name="index">The position.</param>
    public static implicit operator TensorIndex(int index) => Single(index);

    /// <summary>The element at this position, its dimension removed: <c>t[^1]</c> is the last.</summary>
    /// <param name="index">The position.</param>
    public static implicit operator TensorIndex(Index index) => new(Kind.Single, index);

    /// <summary>The elements in this range, the dimension kept: <c>t[1..3]</c>, <c>t[..]</c>,
    /// <c>t[1..^1]</c> (bounds are clamped, as Python's slices).</summary>
    /// <param name="range">The range.</param>
    public static implicit operator TensorIndex(Range range) =>
        new(Kind.Slice, range.Start, range.End.Equals(Index.End) ? null : range.End, !range.Start.Equals(Index.Start));

    /// <summary>Advanced indexing by a tensor (PyTorch's <c>t[mask]</c>, <c>t[indices]</c>): a bool
    /// mask selects the elements where it is true over as many dimensions as it has; an integer
    /// tensor picks positions (negative from the end) along one dimension.</summary>
    /// <param name="tensor">A bool or integer tensor.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tensor"/> is null.</exception>
    public static implicit operator TensorIndex(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new(Kind.Tensor, tensor: tensor);
    }

    /// <summary>The slices at these positions, in this order (PyTorch's <c>t[[0, 2, 4]]</c>;
    /// negative counts from the end).</summary>
    /// <param name="positions">The positions.</param>
    /// <exception cref="ArgumentNullException"><paramref name="positions"/> is null.</exception>
    public static implicit operator TensorIndex(int[] positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        return new(Kind.Positions, positions: positions);
    }

    /// <summary>The index as PyTorch writes it, e.g. <c>1:3</c>, <c>-1</c>, <c>...</c>.</summary>
    public override string ToString()
    {
        static string At(Index i) => i.IsFromEnd ? $"-{i.Value}" : $"{i.Value}";
        return IndexKind switch
        {
            Kind.Single => At(Start),
            Kind.Slice => $"{(HasStart ? At(Start) : "")}:{(Stop is { } s ? At(s) : "")}{(Step != 1 ? $":{Step}" : "")}",
            Kind.Tensor => $"<tensor {IndexTensor!.DType} [{string.Join(", ", IndexTensor.Shape)}]>",
            Kind.Positions => $"[{string.Join(", ", Positions!)}]",
            Kind.Ellipsis => "...",
            _ => "None",
        };
    }
}
