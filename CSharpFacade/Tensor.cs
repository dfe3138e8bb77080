using System;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// An n-dimensional array on the CPU or a GPU, with automatic differentiation: Nabla's tensor as
/// C# sees it (PyTorch's <c>torch.Tensor</c>). Tensors are values: operations return new tensors.
/// Their native memory is freed by <see cref="Dispose"/>, by a <see cref="Scope"/>, or by the GC.
/// </summary>
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

    // ---- A first handful of members, so that every area can be written and tested from the start;
    // ---- the tensor-core engineer owns this file and grows it (dtype/device/requiresGrad arguments,
    // ---- per-rank overloads, the other element types).

    /// <summary>A 0-dimensional float64 tensor holding <paramref name="value"/> (<c>torch.tensor(2.0)</c>).</summary>
    /// <param name="value">The value.</param>
    public static Tensor From(double value) => Wrap(F.TensorModule.scalar(value));

    /// <summary>A 1-dimensional float64 tensor of <paramref name="values"/>.</summary>
    /// <param name="values">The values.</param>
    public static Tensor From(double[] values) => Wrap(F.TensorModule.ofArray(values));

    /// <summary>A 1-dimensional float32 tensor of <paramref name="values"/>.</summary>
    /// <param name="values">The values.</param>
    public static Tensor From(float[] values) => Wrap(F.TensorModule.ofArray(values));

    /// <summary>A 2-dimensional float64 tensor of <paramref name="values"/>.</summary>
    /// <param name="values">The values, row by row.</param>
    public static Tensor From(double[,] values) => Wrap(F.TensorModule.ofArray2D(values));

    /// <summary>A float32 tensor of zeros with this shape (<c>torch.zeros(3, 4)</c>).</summary>
    /// <param name="shape">The size of each dimension.</param>
    public static Tensor Zeros(params int[] shape) => Wrap(F.TensorModule.zeros(shape));

    /// <summary>A float32 tensor of standard normal samples with this shape (<c>torch.randn(3, 4)</c>).</summary>
    /// <param name="shape">The size of each dimension.</param>
    public static Tensor Randn(params int[] shape) => Wrap(F.TensorModule.randn(shape));

    /// <summary>The elements in row-major order, converted to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">double, float, long, int, short, byte, sbyte or bool.</typeparam>
    public T[] ToArray<T>() => Value.ToArray<T>();

    /// <summary>The value of a one-element tensor, converted to <typeparamref name="T"/> (PyTorch's <c>item()</c>).</summary>
    /// <typeparam name="T">double, float, long, int, short, byte, sbyte or bool.</typeparam>
    public T Item<T>()
    {
        if (Value.Numel != 1)
            throw new InvalidOperationException($"Item: the tensor has {Value.Numel} elements (shape [{string.Join(", ", Shape)}]); Item needs exactly one.");
        return Value.ToArray<T>()[0];
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
    /// accumulates into its <see cref="Grad"/> (PyTorch's <c>requires_grad_()</c>, as a new value).</summary>
    public Tensor RequiresGrad() => Wrap(F.TensorModule.requiresGrad(Value));

    /// <summary>Computes the gradient of this one-element tensor with respect to every leaf it
    /// depends on that requires gradients, adding it to their <see cref="Grad"/> (PyTorch's <c>backward()</c>).</summary>
    public void Backward() => Value.Backward(null!, false);

    /// <summary>The accumulated gradient of a leaf that requires gradients; null before the first
    /// <see cref="Backward"/> and after <see cref="ZeroGrad"/>.</summary>
    public Tensor? Grad => Value.Grad is { } g ? Wrap(g.Value) : null;

    /// <summary>Clears the accumulated gradient (PyTorch's <c>grad = None</c>).</summary>
    public void ZeroGrad() => Value.ZeroGrad(true);

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
