using System;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// An n-dimensional array on the CPU or a GPU, with automatic differentiation: Nabla's tensor as
/// C# sees it (PyTorch's <c>torch.Tensor</c>). Tensors are values: operations return new tensors.
/// Their native memory is freed by <see cref="Dispose"/>, by a <see cref="Scope"/>, or by the GC.
/// </summary>
/// <remarks>
/// <para>Operators: <c>+ - * / %</c> between tensors, and with a number on either side
/// (<c>t + 2</c>, <c>2 * t</c>, <c>t / 2.5f</c>; an <c>int</c> keeps an integer tensor integer, as
/// in PyTorch), unary <c>-</c>, the comparisons <c>&lt; &gt; &lt;= &gt;=</c> (bool tensors),
/// <c>&amp; | ^ ~</c> on bool and integer tensors and <c>&lt;&lt; &gt;&gt;</c> on integer ones.
/// Numbers convert implicitly to 0-dimensional tensors where a tensor is expected.</para>
/// <para><c>==</c> and <c>!=</c> are deliberately NOT overloaded: in C# they must keep meaning
/// reference equality (null checks, <c>Equals</c>, collections). The elementwise comparisons are
/// the methods <c>Eq</c> and <c>Ne</c> (PyTorch's <c>torch.eq</c> / <c>torch.ne</c>).</para>
/// <para>Indexing: <c>t[0]</c>, <c>t[^1]</c>, <c>t[1..^1]</c>, <c>t[0, 1..3]</c>,
/// <c>t[.., 0]</c>, <c>t[mask]</c>, <c>t[TensorIndex.Ellipsis, 0]</c>, as PyTorch's
/// <c>t[...]</c> (see <see cref="TensorIndex"/>); tensors are values, so indexers only read
/// (<see cref="IndexPut(Tensor, TensorIndex[])"/> returns a new tensor).</para>
/// </remarks>
public partial class Tensor : IDisposable
{
    /// <summary>Wraps a tensor of the F# core.</summary>
    internal Tensor(F.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>The F# core's tensor this wraps.</summary>
    internal F.Tensor Value { get; }

    /// <summary>Wraps a tensor of the F# core (every facade operation ends here).</summary>
    internal static Tensor Wrap(F.Tensor value) => new(value);

    /// <summary>The size of each dimension (PyTorch's <c>shape</c>); empty for a scalar.</summary>
    public int[] Shape => Value.Shape;

    /// <summary>The element type (PyTorch's <c>dtype</c>).</summary>
    public DType DType => DTypes.FromCore(Value.Dtype);

    /// <summary>Where the tensor's memory lives (PyTorch's <c>device</c>).</summary>
    public Device Device => Device.FromCore(Value.Device);

    /// <summary>The number of dimensions (PyTorch's <c>dim()</c>); 0 for a scalar.</summary>
    public int Dim => Value.Dim;

    /// <summary>The number of elements (PyTorch's <c>numel()</c>).</summary>
    public int Numel => Value.Numel;

    /// <summary>The size of one dimension (PyTorch's <c>size(dim)</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <exception cref="ArgumentOutOfRangeException">There is no such dimension.</exception>
    public int Size(int dim)
    {
        var shape = Value.Shape;
        var d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"Size: dimension {dim} is out of range for a tensor of shape [{string.Join(", ", shape)}] (valid: {-shape.Length} .. {shape.Length - 1}).");
        return shape[d];
    }

    /// <summary>Elementwise sum, broadcasting as PyTorch does.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">Another tensor.</param>
    public static Tensor operator +(Tensor a, Tensor b) => Wrap(a.Value + b.Value);

    /// <summary>Adds a number to every element.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">A number.</param>
    public static Tensor operator +(Tensor a, double b) => Wrap(a.Value + b);

    /// <summary>Adds a number to every element.</summary>
    /// <param name="a">A number.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator +(double a, Tensor b) => Wrap(a + b.Value);

    /// <summary>Elementwise difference, broadcasting as PyTorch does.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">Another tensor.</param>
    public static Tensor operator -(Tensor a, Tensor b) => Wrap(a.Value - b.Value);

    /// <summary>Subtracts a number from every element.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">A number.</param>
    public static Tensor operator -(Tensor a, double b) => Wrap(a.Value - b);

    /// <summary>A number minus every element.</summary>
    /// <param name="a">A number.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator -(double a, Tensor b) => Wrap(a - b.Value);

    /// <summary>Elementwise product, broadcasting as PyTorch does.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">Another tensor.</param>
    public static Tensor operator *(Tensor a, Tensor b) => Wrap(a.Value * b.Value);

    /// <summary>Multiplies every element by a number.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">A number.</param>
    public static Tensor operator *(Tensor a, double b) => Wrap(a.Value * b);

    /// <summary>Multiplies every element by a number.</summary>
    /// <param name="a">A number.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator *(double a, Tensor b) => Wrap(a * b.Value);

    /// <summary>Elementwise quotient, broadcasting as PyTorch does.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">Another tensor.</param>
    public static Tensor operator /(Tensor a, Tensor b) => Wrap(a.Value / b.Value);

    /// <summary>Divides every element by a number.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">A number.</param>
    public static Tensor operator /(Tensor a, double b) => Wrap(a.Value / b);

    /// <summary>A number divided by every element.</summary>
    /// <param name="a">A number.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator /(double a, Tensor b) => Wrap(a / b.Value);

    /// <summary>Every element negated.</summary>
    /// <param name="a">A tensor.</param>
    public static Tensor operator -(Tensor a) => Wrap(-a.Value);

    /// <summary>The sum of all elements, as a 0-dimensional tensor (PyTorch's <c>sum()</c>).</summary>
    public Tensor Sum() => Wrap(F.TensorModule.sum(Value));

    /// <summary>The mean of all elements, as a 0-dimensional tensor (PyTorch's <c>mean()</c>).</summary>
    public Tensor Mean() => Wrap(F.TensorModule.mean(Value));

    /// <summary>A leaf that requires gradients, with this tensor's values: <see cref="Backward"/>
    /// accumulates into its <see cref="Grad"/> (PyTorch's <c>requires_grad_()</c>, as a new value:
    /// tensors are values, so use the result). A tensor that already requires grad is returned as
    /// it is; only floating-point tensors can require gradients. Whether a tensor requires
    /// gradients is the property <see cref="RequiresGradient"/> (a method and a property cannot
    /// share a name in C#).</summary>
    /// <param name="requiresGrad">False gives the values without gradient tracking (as
    /// <see cref="Detach"/>); as in PyTorch, only a leaf may be switched off.</param>
    /// <exception cref="ArgumentException">The tensor is not floating-point.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="requiresGrad"/> is false and the
    /// tensor was computed from others (not a leaf).</exception>
    public Tensor RequiresGrad(bool requiresGrad = true)
    {
        if (requiresGrad)
            return Wrap(F.TensorModule.requiresGrad(Value));
        if (!Value.IsLeaf)
            throw new InvalidOperationException("RequiresGrad(false): only a leaf's requires-grad flag can be switched off (PyTorch's rule); this tensor was computed from others. Use Detach() for its values without gradient tracking.");
        return Detach();
    }

    /// <summary>Computes the gradient of this tensor with respect to every leaf it depends on that
    /// requires gradients, adding it to their <see cref="Grad"/> (PyTorch's <c>backward()</c>). The
    /// graph stays valid: Backward may be called on it again (PyTorch's <c>retain_graph=True</c> is
    /// always on).</summary>
    /// <param name="gradient">The cotangent, of this tensor's shape; may be omitted for a
    /// one-element tensor (it is then 1).</param>
    /// <param name="createGraph">Records the gradients themselves, so that they can be
    /// differentiated again (PyTorch's <c>create_graph</c>).</param>
    /// <exception cref="InvalidOperationException">The tensor does not require grad.</exception>
    /// <exception cref="ArgumentException">No gradient for a tensor of several elements, or one of the wrong shape.</exception>
    public void Backward(Tensor? gradient = null, bool createGraph = false) =>
        Value.Backward(gradient?.Value!, createGraph);

    /// <summary>The accumulated gradient of a leaf that requires gradients; null before the first
    /// <see cref="Backward"/> and after <see cref="ZeroGrad"/>.</summary>
    public Tensor? Grad => Value.Grad is { } g ? Wrap(g.Value) : null;

    /// <summary>Clears the accumulated gradient (PyTorch's <c>grad = None</c>, the default of
    /// <c>zero_grad</c>).</summary>
    /// <param name="setToNone">False fills the gradient with zeros in place instead.</param>
    public void ZeroGrad(bool setToNone = true) => Value.ZeroGrad(setToNone);

    /// <summary>The tensor printed as PyTorch prints it, e.g. <c>tensor([1., 2.])</c>.</summary>
    public override string ToString() => Value.ToString();

    /// <summary>Frees the tensor's native memory now. Using the tensor afterwards raises an
    /// <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        F.TensorModule.dispose(Value);
        GC.SuppressFinalize(this);
    }
}
