using System;
using F = global::Nabla;

namespace Nabla.CSharp;

// Reading values out (ToArray, Item) and converting dtype and device (To, Cpu, Cuda).
public partial class Tensor
{
    /// <summary>The elements in row-major order, converted to <typeparamref name="T"/> as LibTorch
    /// converts (floats to integers truncate toward zero; non-zero to bool is true)
    /// (PyTorch's <c>t.flatten().tolist()</c>, <c>numpy()</c>).</summary>
    /// <typeparam name="T">double, float, long, int, short, byte, sbyte, bool or System.Half.</typeparam>
    /// <exception cref="ArgumentException">T is not one of these types.</exception>
    public T[] ToArray<T>() => Value.ToArray<T>();

    /// <summary>The elements in row-major order, as doubles (whatever the dtype).</summary>
    public double[] ToArray() => Value.ToArray();

    /// <summary>The elements of a 2-dimensional tensor as a .NET 2-D array, converted to
    /// <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">double, float, long, int, short, byte, sbyte, bool or System.Half.</typeparam>
    /// <exception cref="InvalidOperationException">The tensor is not 2-dimensional.</exception>
    public T[,] ToArray2D<T>()
    {
        var shape = Value.Shape;
        if (shape.Length != 2)
            throw new InvalidOperationException($"ToArray2D: the tensor must be 2-dimensional; it has shape [{string.Join(", ", shape)}].");
        var flat = Value.ToArray<T>();
        var result = new T[shape[0], shape[1]];
        for (int i = 0, k = 0; i < shape[0]; i++)
            for (var j = 0; j < shape[1]; j++, k++)
                result[i, j] = flat[k];
        return result;
    }

    /// <summary>The value of a one-element tensor, converted to <typeparamref name="T"/> (PyTorch's
    /// <c>item()</c>): <c>loss.Item&lt;double&gt;()</c>.</summary>
    /// <typeparam name="T">double, float, long, int, short, byte, sbyte, bool or System.Half.</typeparam>
    /// <exception cref="InvalidOperationException">The tensor does not have exactly one element.</exception>
    public T Item<T>()
    {
        var numel = Value.Numel;
        if (numel != 1)
            throw new InvalidOperationException($"Item: the tensor has {numel} elements (shape [{string.Join(", ", Shape)}]); Item needs exactly one. Index it or reduce it (Sum, Mean) first.");
        return Value.ToArray<T>()[0];
    }

    /// <summary>True when the element type is floating-point (PyTorch's <c>is_floating_point()</c>).</summary>
    public bool IsFloatingPoint() => Value.Dtype.IsFloatingPoint;

    /// <summary>The values converted to <paramref name="dtype"/> (PyTorch's <c>to(dtype)</c>);
    /// differentiable between floating-point types.</summary>
    /// <param name="dtype">The element type.</param>
    public Tensor To(DType dtype) => Wrap(F.TensorModule.toDtype(dtype.ToCore(), Value));

    /// <summary>The values moved to <paramref name="device"/> (PyTorch's <c>to(device)</c>);
    /// differentiable.</summary>
    /// <param name="device">Where to move them: <c>Device.Cpu</c> or <c>Device.Cuda(0)</c>.</param>
    /// <exception cref="NotSupportedException">CUDA is not available.</exception>
    public Tensor To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Wrap(F.TensorModule.toDevice(device.Value, Value));
    }

    /// <summary>The values converted to <paramref name="dtype"/> and moved to
    /// <paramref name="device"/> (PyTorch's <c>to(device, dtype)</c>).</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="device">Where to move them.</param>
    public Tensor To(DType dtype, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Wrap(F.TensorModule.toDevice(device.Value, F.TensorModule.toDtype(dtype.ToCore(), Value)));
    }

    /// <summary>The values on the CPU (PyTorch's <c>cpu()</c>); the tensor itself when it is there.</summary>
    public Tensor Cpu() => To(Device.Cpu);

    /// <summary>The values on a CUDA GPU (PyTorch's <c>cuda()</c>).</summary>
    /// <param name="index">The GPU's index.</param>
    /// <exception cref="NotSupportedException">CUDA is not available.</exception>
    public Tensor Cuda(int index = 0) => To(Device.Cuda(index));
}
