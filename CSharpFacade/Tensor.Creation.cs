using System;
using F = global::Nabla;

namespace Nabla.CSharp;

// Creating tensors (PyTorch's factories): From, Zeros, Ones, Full, Eye, Arange, Linspace, the
// random ones and the *Like ones. Every factory takes optional named dtype, device and
// requiresGrad arguments, as PyTorch's keyword arguments; shapes are given per rank
// (Zeros(3, 4), as torch.zeros(3, 4)) or as an array (Zeros(new[] { 3, 4 }) or Zeros([3, 4])).
public partial class Tensor
{
    /// <summary>The result of a factory, made a requires-grad leaf when asked.</summary>
    private static Tensor Made(F.Tensor t, bool requiresGrad) =>
        Wrap(requiresGrad ? F.TensorModule.requiresGrad(t) : t);

    private static F.Tensor Create(object data, DType? dtype, Device? device) =>
        F.Tensor.Create(data, dtype.ToCoreOrNull()!, device?.Value!);

    private static int[] CheckShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape;
    }

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/> (PyTorch's <c>torch.tensor(2.0)</c>);
    /// its dtype follows the .NET type: float64.</summary>
    /// <param name="value">The value.</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(double value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(Create(value, dtype, device), requiresGrad);

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/> (PyTorch's <c>torch.tensor(2.0, dtype=torch.float32)</c>);
    /// its dtype follows the .NET type: float32.</summary>
    /// <param name="value">The value.</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(float value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(Create(value, dtype, device), requiresGrad);

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/> (PyTorch's <c>torch.tensor(2, dtype=torch.int32)</c>);
    /// its dtype follows the .NET type: int32.</summary>
    /// <param name="value">The value.</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(int value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(Create(value, dtype, device), requiresGrad);

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/> (PyTorch's <c>torch.tensor(2)</c>);
    /// its dtype follows the .NET type: int64.</summary>
    /// <param name="value">The value.</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(long value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(Create(value, dtype, device), requiresGrad);

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/> (PyTorch's <c>torch.tensor(True)</c>);
    /// its dtype follows the .NET type: bool.</summary>
    /// <param name="value">The value.</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(bool value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(Create(value, dtype, device), requiresGrad);

    /// <summary>A 1-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: float64. The values are copied.</summary>
    /// <param name="values">The values.</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(double[] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 1-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: float32. The values are copied.</summary>
    /// <param name="values">The values.</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(float[] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 1-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: int32. The values are copied.</summary>
    /// <param name="values">The values.</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(int[] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 1-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: int64. The values are copied.</summary>
    /// <param name="values">The values.</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(long[] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 1-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: bool. The values are copied.</summary>
    /// <param name="values">The values.</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(bool[] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 2-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: float64. The values are copied.</summary>
    /// <param name="values">The values, row by row (shape [rows, columns]).</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(double[,] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 2-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: float32. The values are copied.</summary>
    /// <param name="values">The values, row by row (shape [rows, columns]).</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(float[,] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 2-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: int32. The values are copied.</summary>
    /// <param name="values">The values, row by row (shape [rows, columns]).</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(int[,] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 2-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: int64. The values are copied.</summary>
    /// <param name="values">The values, row by row (shape [rows, columns]).</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(long[,] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 2-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: bool. The values are copied.</summary>
    /// <param name="values">The values, row by row (shape [rows, columns]).</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(bool[,] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 3-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: float64. The values are copied.</summary>
    /// <param name="values">The values (shape [d0, d1, d2]).</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(double[,,] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 3-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: float32. The values are copied.</summary>
    /// <param name="values">The values (shape [d0, d1, d2]).</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(float[,,] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 3-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: int32. The values are copied.</summary>
    /// <param name="values">The values (shape [d0, d1, d2]).</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(int[,,] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 3-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: int64. The values are copied.</summary>
    /// <param name="values">The values (shape [d0, d1, d2]).</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(long[,,] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A 3-dimensional tensor of <paramref name="values"/> (PyTorch's <c>torch.tensor</c>); its
    /// dtype follows the .NET type: bool. The values are copied.</summary>
    /// <param name="values">The values (shape [d0, d1, d2]).</param>
    /// <param name="dtype">The element type; the .NET type's when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor From(bool[,,] values, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Made(Create(values, dtype, device), requiresGrad);
    }

    /// <summary>A tensor of zeros of shape [d0] (PyTorch's <c>torch.zeros</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Zeros(int d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Zeros(new[] { d0 }, dtype, device, requiresGrad);

    /// <summary>A tensor of zeros of shape [d0, d1] (PyTorch's <c>torch.zeros</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Zeros(int d0, int d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Zeros(new[] { d0, d1 }, dtype, device, requiresGrad);

    /// <summary>A tensor of zeros of shape [d0, d1, d2] (PyTorch's <c>torch.zeros</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="d2">The size of dimension 2.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Zeros(int d0, int d1, int d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Zeros(new[] { d0, d1, d2 }, dtype, device, requiresGrad);

    /// <summary>A tensor of zeros of shape [d0, d1, d2, d3] (PyTorch's <c>torch.zeros</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="d2">The size of dimension 2.</param>
    /// <param name="d3">The size of dimension 3.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Zeros(int d0, int d1, int d2, int d3, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Zeros(new[] { d0, d1, d2, d3 }, dtype, device, requiresGrad);

    /// <summary>A tensor of zeros of this shape (PyTorch's <c>torch.zeros</c>).</summary>
    /// <param name="shape">The size of each dimension (empty for a 0-dimensional tensor).</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Zeros(int[] shape, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(F.Tensor.Zeros(CheckShape(shape), dtype.ToCoreOrNull()!, device?.Value!), requiresGrad);

    /// <summary>A tensor of ones of shape [d0] (PyTorch's <c>torch.ones</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Ones(int d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Ones(new[] { d0 }, dtype, device, requiresGrad);

    /// <summary>A tensor of ones of shape [d0, d1] (PyTorch's <c>torch.ones</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Ones(int d0, int d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Ones(new[] { d0, d1 }, dtype, device, requiresGrad);

    /// <summary>A tensor of ones of shape [d0, d1, d2] (PyTorch's <c>torch.ones</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="d2">The size of dimension 2.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Ones(int d0, int d1, int d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Ones(new[] { d0, d1, d2 }, dtype, device, requiresGrad);

    /// <summary>A tensor of ones of shape [d0, d1, d2, d3] (PyTorch's <c>torch.ones</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="d2">The size of dimension 2.</param>
    /// <param name="d3">The size of dimension 3.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Ones(int d0, int d1, int d2, int d3, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Ones(new[] { d0, d1, d2, d3 }, dtype, device, requiresGrad);

    /// <summary>A tensor of ones of this shape (PyTorch's <c>torch.ones</c>).</summary>
    /// <param name="shape">The size of each dimension (empty for a 0-dimensional tensor).</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Ones(int[] shape, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(F.Tensor.Ones(CheckShape(shape), dtype.ToCoreOrNull()!, device?.Value!), requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/> of shape [d0] (PyTorch's <c>torch.full</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="value">The value of every element.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Full(int d0, double value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Full(new[] { d0 }, value, dtype, device, requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/> of shape [d0, d1] (PyTorch's <c>torch.full</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="value">The value of every element.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Full(int d0, int d1, double value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Full(new[] { d0, d1 }, value, dtype, device, requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/> of shape [d0, d1, d2] (PyTorch's <c>torch.full</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="d2">The size of dimension 2.</param>
    /// <param name="value">The value of every element.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Full(int d0, int d1, int d2, double value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Full(new[] { d0, d1, d2 }, value, dtype, device, requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/> of shape [d0, d1, d2, d3] (PyTorch's <c>torch.full</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="d2">The size of dimension 2.</param>
    /// <param name="d3">The size of dimension 3.</param>
    /// <param name="value">The value of every element.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Full(int d0, int d1, int d2, int d3, double value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Full(new[] { d0, d1, d2, d3 }, value, dtype, device, requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/> of this shape (PyTorch's <c>torch.full</c>).</summary>
    /// <param name="shape">The size of each dimension (empty for a 0-dimensional tensor).</param>
    /// <param name="value">The value of every element.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Full(int[] shape, double value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(F.Tensor.Full(CheckShape(shape), value, dtype.ToCoreOrNull()!, device?.Value!), requiresGrad);

    /// <summary>Uniform random values in [0, 1) of shape [d0] (PyTorch's <c>torch.rand</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="dtype">The element type; float32 when omitted (floating-point types only).</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <param name="generator">The random generator; the global one (seeded by <see cref="Torch.ManualSeed"/>) when omitted.</param>
    public static Tensor Rand(int d0, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        Rand(new[] { d0 }, dtype, device, requiresGrad, generator);

    /// <summary>Uniform random values in [0, 1) of shape [d0, d1] (PyTorch's <c>torch.rand</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="dtype">The element type; float32 when omitted (floating-point types only).</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <param name="generator">The random generator; the global one (seeded by <see cref="Torch.ManualSeed"/>) when omitted.</param>
    public static Tensor Rand(int d0, int d1, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        Rand(new[] { d0, d1 }, dtype, device, requiresGrad, generator);

    /// <summary>Uniform random values in [0, 1) of shape [d0, d1, d2] (PyTorch's <c>torch.rand</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="d2">The size of dimension 2.</param>
    /// <param name="dtype">The element type; float32 when omitted (floating-point types only).</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <param name="generator">The random generator; the global one (seeded by <see cref="Torch.ManualSeed"/>) when omitted.</param>
    public static Tensor Rand(int d0, int d1, int d2, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        Rand(new[] { d0, d1, d2 }, dtype, device, requiresGrad, generator);

    /// <summary>Uniform random values in [0, 1) of shape [d0, d1, d2, d3] (PyTorch's <c>torch.rand</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="d2">The size of dimension 2.</param>
    /// <param name="d3">The size of dimension 3.</param>
    /// <param name="dtype">The element type; float32 when omitted (floating-point types only).</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <param name="generator">The random generator; the global one (seeded by <see cref="Torch.ManualSeed"/>) when omitted.</param>
    public static Tensor Rand(int d0, int d1, int d2, int d3, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        Rand(new[] { d0, d1, d2, d3 }, dtype, device, requiresGrad, generator);

    /// <summary>Uniform random values in [0, 1) of this shape (PyTorch's <c>torch.rand</c>).</summary>
    /// <param name="shape">The size of each dimension (empty for a 0-dimensional tensor).</param>
    /// <param name="dtype">The element type; float32 when omitted (floating-point types only).</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <param name="generator">The random generator; the global one (seeded by <see cref="Torch.ManualSeed"/>) when omitted.</param>
    public static Tensor Rand(int[] shape, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        Made(F.Tensor.Rand(CheckShape(shape), dtype.ToCoreOrNull()!, device?.Value!, generator?.Value!), requiresGrad);

    /// <summary>Standard normal random values of shape [d0] (PyTorch's <c>torch.randn</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="dtype">The element type; float32 when omitted (floating-point types only).</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <param name="generator">The random generator; the global one (seeded by <see cref="Torch.ManualSeed"/>) when omitted.</param>
    public static Tensor Randn(int d0, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        Randn(new[] { d0 }, dtype, device, requiresGrad, generator);

    /// <summary>Standard normal random values of shape [d0, d1] (PyTorch's <c>torch.randn</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="dtype">The element type; float32 when omitted (floating-point types only).</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <param name="generator">The random generator; the global one (seeded by <see cref="Torch.ManualSeed"/>) when omitted.</param>
    public static Tensor Randn(int d0, int d1, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        Randn(new[] { d0, d1 }, dtype, device, requiresGrad, generator);

    /// <summary>Standard normal random values of shape [d0, d1, d2] (PyTorch's <c>torch.randn</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="d2">The size of dimension 2.</param>
    /// <param name="dtype">The element type; float32 when omitted (floating-point types only).</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <param name="generator">The random generator; the global one (seeded by <see cref="Torch.ManualSeed"/>) when omitted.</param>
    public static Tensor Randn(int d0, int d1, int d2, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        Randn(new[] { d0, d1, d2 }, dtype, device, requiresGrad, generator);

    /// <summary>Standard normal random values of shape [d0, d1, d2, d3] (PyTorch's <c>torch.randn</c>).</summary>
    /// <param name="d0">The size of dimension 0.</param>
    /// <param name="d1">The size of dimension 1.</param>
    /// <param name="d2">The size of dimension 2.</param>
    /// <param name="d3">The size of dimension 3.</param>
    /// <param name="dtype">The element type; float32 when omitted (floating-point types only).</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <param name="generator">The random generator; the global one (seeded by <see cref="Torch.ManualSeed"/>) when omitted.</param>
    public static Tensor Randn(int d0, int d1, int d2, int d3, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        Randn(new[] { d0, d1, d2, d3 }, dtype, device, requiresGrad, generator);

    /// <summary>Standard normal random values of this shape (PyTorch's <c>torch.randn</c>).</summary>
    /// <param name="shape">The size of each dimension (empty for a 0-dimensional tensor).</param>
    /// <param name="dtype">The element type; float32 when omitted (floating-point types only).</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <param name="generator">The random generator; the global one (seeded by <see cref="Torch.ManualSeed"/>) when omitted.</param>
    public static Tensor Randn(int[] shape, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        Made(F.Tensor.Randn(CheckShape(shape), dtype.ToCoreOrNull()!, device?.Value!, generator?.Value!), requiresGrad);

    /// <summary>The n×n identity matrix (PyTorch's <c>torch.eye</c>).</summary>
    /// <param name="n">The number of rows and columns.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Eye(int n, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(F.Tensor.Eye(n, dtype.ToCoreOrNull()!, device?.Value!), requiresGrad);

    /// <summary>The integers 0, 1, ..., end − 1 (PyTorch's <c>torch.arange(end)</c>; int64, as
    /// PyTorch gives for integer arguments).</summary>
    /// <param name="end">The end, excluded.</param>
    /// <param name="dtype">The element type; int64 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Arange(int end, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Arange(0, end, 1, dtype, device, requiresGrad);

    /// <summary>The integers start, start + step, ... below <paramref name="end"/> (above it for a
    /// negative step) (PyTorch's <c>torch.arange(start, end, step)</c>; int64, as PyTorch gives for
    /// integer arguments).</summary>
    /// <param name="start">The first value.</param>
    /// <param name="end">The end, excluded.</param>
    /// <param name="step">The difference between neighbours (not 0).</param>
    /// <param name="dtype">The element type; int64 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <exception cref="ArgumentException">The step is 0 or points away from <paramref name="end"/>.</exception>
    public static Tensor Arange(int start, int end, int step = 1, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(F.Tensor.Arange(start, end, step, (dtype ?? DType.Int64).ToCore(), device?.Value!), requiresGrad);

    /// <summary>The values 0, 1, ... below <paramref name="end"/> (PyTorch's
    /// <c>torch.arange(end)</c> with a floating-point end; float32 when no dtype is given).</summary>
    /// <param name="end">The end, excluded.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Arange(double end, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Arange(0.0, end, 1.0, dtype, device, requiresGrad);

    /// <summary>The values start, start + step, ... below <paramref name="end"/> (above it for a
    /// negative step) (PyTorch's <c>torch.arange(start, end, step)</c> with floating-point
    /// arguments; float32 when no dtype is given).</summary>
    /// <param name="start">The first value.</param>
    /// <param name="end">The end, excluded.</param>
    /// <param name="step">The difference between neighbours (not 0).</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    /// <exception cref="ArgumentException">The step is 0 or points away from <paramref name="end"/>.</exception>
    public static Tensor Arange(double start, double end, double step = 1.0, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(F.Tensor.Arange(start, end, step, dtype.ToCoreOrNull()!, device?.Value!), requiresGrad);

    /// <summary><paramref name="steps"/> values evenly spaced from <paramref name="start"/> to
    /// <paramref name="end"/>, both included (PyTorch's <c>torch.linspace</c>).</summary>
    /// <param name="start">The first value.</param>
    /// <param name="end">The last value.</param>
    /// <param name="steps">The number of values.</param>
    /// <param name="dtype">The element type; float32 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor Linspace(double start, double end, int steps, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Made(F.Tensor.Linspace(start, end, steps, dtype.ToCoreOrNull()!, device?.Value!), requiresGrad);

    /// <summary>Random integers uniform in [<paramref name="low"/>, <paramref name="high"/>)
    /// (PyTorch's <c>torch.randint(low, high, size)</c>).</summary>
    /// <param name="low">The smallest value.</param>
    /// <param name="high">The end, excluded.</param>
    /// <param name="shape">The size of each dimension.</param>
    /// <param name="dtype">The element type (it must hold every value); int64 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="generator">The random generator; the global one when omitted.</param>
    public static Tensor Randint(long low, long high, int[] shape, DType? dtype = null, Device? device = null, Generator? generator = null) =>
        Wrap(F.Tensor.Randint(low, high, CheckShape(shape), dtype.ToCoreOrNull()!, device?.Value!, generator?.Value!));

    /// <summary>Random integers uniform in [0, <paramref name="high"/>) (PyTorch's
    /// <c>torch.randint(high, size)</c>).</summary>
    /// <param name="high">The end, excluded.</param>
    /// <param name="shape">The size of each dimension.</param>
    /// <param name="dtype">The element type (it must hold every value); int64 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="generator">The random generator; the global one when omitted.</param>
    public static Tensor Randint(long high, int[] shape, DType? dtype = null, Device? device = null, Generator? generator = null) =>
        Randint(0, high, shape, dtype, device, generator);

    /// <summary>A random permutation of 0 .. n − 1 (PyTorch's <c>torch.randperm</c>).</summary>
    /// <param name="n">The number of values.</param>
    /// <param name="dtype">The element type; int64 when omitted.</param>
    /// <param name="device">Where the tensor lives; the CPU when omitted.</param>
    /// <param name="generator">The random generator; the global one when omitted.</param>
    public static Tensor Randperm(int n, DType? dtype = null, Device? device = null, Generator? generator = null) =>
        Wrap(F.Tensor.Randperm(n, dtype.ToCoreOrNull()!, device?.Value!, generator?.Value!));

    /// <summary>Zeros with the shape of <paramref name="like"/>, and its dtype and device unless
    /// given (PyTorch's <c>torch.zeros_like</c>).</summary>
    /// <param name="like">The tensor whose shape (dtype, device) to take.</param>
    /// <param name="dtype">The element type; like's when omitted.</param>
    /// <param name="device">Where the tensor lives; like's device when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor ZerosLike(Tensor like, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Made(dtype is null && device is null
            ? F.TensorModule.zerosLike(like.Value)
            : F.Tensor.Zeros(like.Value.Shape, (dtype ?? like.DType).ToCore(), (device ?? like.Device).Value), requiresGrad);
    }

    /// <summary>Ones with the shape of <paramref name="like"/>, and its dtype and device unless
    /// given (PyTorch's <c>torch.ones_like</c>).</summary>
    /// <param name="like">The tensor whose shape (dtype, device) to take.</param>
    /// <param name="dtype">The element type; like's when omitted.</param>
    /// <param name="device">Where the tensor lives; like's device when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor OnesLike(Tensor like, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Made(dtype is null && device is null
            ? F.TensorModule.onesLike(like.Value)
            : F.Tensor.Ones(like.Value.Shape, (dtype ?? like.DType).ToCore(), (device ?? like.Device).Value), requiresGrad);
    }

    /// <summary><paramref name="value"/> everywhere, with the shape of <paramref name="like"/>, and
    /// its dtype and device unless given (PyTorch's <c>torch.full_like</c>).</summary>
    /// <param name="like">The tensor whose shape (dtype, device) to take.</param>
    /// <param name="value">The value of every element.</param>
    /// <param name="dtype">The element type; like's when omitted.</param>
    /// <param name="device">Where the tensor lives; like's device when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients (floating-point dtypes only).</param>
    public static Tensor FullLike(Tensor like, double value, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Made(F.Tensor.Full(like.Value.Shape, value, (dtype ?? like.DType).ToCore(), (device ?? like.Device).Value), requiresGrad);
    }

    /// <summary>Uniform random values in [0, 1) with the shape of <paramref name="like"/>, and its
    /// dtype and device unless given (PyTorch's <c>torch.rand_like</c>).</summary>
    /// <param name="like">The tensor whose shape (dtype, device) to take.</param>
    /// <param name="dtype">The element type (floating-point); like's when omitted.</param>
    /// <param name="device">Where the tensor lives; like's device when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients.</param>
    /// <param name="generator">The random generator; the global one when omitted.</param>
    public static Tensor RandLike(Tensor like, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Rand(like.Value.Shape, dtype ?? like.DType, device ?? like.Device, requiresGrad, generator);
    }

    /// <summary>Standard normal random values with the shape of <paramref name="like"/>, and its
    /// dtype and device unless given (PyTorch's <c>torch.randn_like</c>).</summary>
    /// <param name="like">The tensor whose shape (dtype, device) to take.</param>
    /// <param name="dtype">The element type (floating-point); like's when omitted.</param>
    /// <param name="device">Where the tensor lives; like's device when omitted.</param>
    /// <param name="requiresGrad">True makes the result a leaf that requires gradients.</param>
    /// <param name="generator">The random generator; the global one when omitted.</param>
    public static Tensor RandnLike(Tensor like, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Randn(like.Value.Shape, dtype ?? like.DType, device ?? like.Device, requiresGrad, generator);
    }

    /// <summary>Random integers uniform in [<paramref name="low"/>, <paramref name="high"/>) with
    /// the shape of <paramref name="like"/>, and its dtype and device unless given (PyTorch's
    /// <c>torch.randint_like</c>).</summary>
    /// <param name="like">The tensor whose shape (dtype, device) to take.</param>
    /// <param name="low">The smallest value.</param>
    /// <param name="high">The end, excluded.</param>
    /// <param name="dtype">The element type; like's when omitted.</param>
    /// <param name="device">Where the tensor lives; like's device when omitted.</param>
    /// <param name="generator">The random generator; the global one when omitted.</param>
    public static Tensor RandintLike(Tensor like, long low, long high, DType? dtype = null, Device? device = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Randint(low, high, like.Value.Shape, dtype ?? like.DType, device ?? like.Device, generator);
    }

}