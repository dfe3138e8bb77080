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
