using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>The element type of a tensor (PyTorch's <c>torch.dtype</c>). Factories without data
/// default to <see cref="Float32"/>, as in PyTorch.</summary>
public enum DType
{
    /// <summary>16-bit IEEE floating point (<c>torch.float16</c>).</summary>
    Float16,
    /// <summary>16-bit brain floating point (<c>torch.bfloat16</c>).</summary>
    BFloat16,
    /// <summary>32-bit floating point (<c>torch.float32</c>), the default.</summary>
    Float32,
    /// <summary>64-bit floating point (<c>torch.float64</c>); use it to check derivatives.</summary>
    Float64,
    /// <summary>8-bit unsigned integer (<c>torch.uint8</c>).</summary>
    UInt8,
    /// <summary>8-bit signed integer (<c>torch.int8</c>).</summary>
    Int8,
    /// <summary>16-bit signed integer (<c>torch.int16</c>).</summary>
    Int16,
    /// <summary>32-bit signed integer (<c>torch.int32</c>).</summary>
    Int32,
    /// <summary>64-bit signed integer (<c>torch.int64</c>), the type of indices.</summary>
    Int64,
    /// <summary>Boolean (<c>torch.bool</c>), the result of comparisons.</summary>
    Bool,
}

/// <summary>Properties of a <see cref="DType"/> (PyTorch's <c>dtype.is_floating_point</c>, <c>itemsize</c>).</summary>
public static class DTypeExtensions
{
    /// <summary>True for the floating-point types (Float16, BFloat16, Float32, Float64), the only ones
    /// that can be differentiated (PyTorch's <c>dtype.is_floating_point</c>).</summary>
    /// <param name="dtype">The element type.</param>
    public static bool IsFloatingPoint(this DType dtype) => dtype.ToCore().IsFloatingPoint;

    /// <summary>The size of one element in bytes (PyTorch's <c>dtype.itemsize</c>).</summary>
    /// <param name="dtype">The element type.</param>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float64 or DType.Int64 => 8,
        DType.Float32 or DType.Int32 => 4,
        DType.Float16 or DType.BFloat16 or DType.Int16 => 2,
        _ => 1,
    };
}

/// <summary>Conversions between the facade's <see cref="DType"/> and the F# core's.</summary>
internal static class DTypes
{
    internal static F.Dtype ToCore(this DType d) => d switch
    {
        DType.Float16 => F.Dtype.Float16,
        DType.BFloat16 => F.Dtype.BFloat16,
        DType.Float32 => F.Dtype.Float32,
        DType.Float64 => F.Dtype.Float64,
        DType.UInt8 => F.Dtype.UInt8,
        DType.Int8 => F.Dtype.Int8,
        DType.Int16 => F.Dtype.Int16,
        DType.Int32 => F.Dtype.Int32,
        DType.Int64 => F.Dtype.Int64,
        DType.Bool => F.Dtype.Bool,
        _ => throw new System.ArgumentOutOfRangeException(nameof(d), d, $"DType: {d} is not a dtype."),
    };

    internal static DType FromCore(F.Dtype d) =>
        d.IsFloat16 ? DType.Float16
        : d.IsBFloat16 ? DType.BFloat16
        : d.IsFloat32 ? DType.Float32
        : d.IsFloat64 ? DType.Float64
        : d.IsUInt8 ? DType.UInt8
        : d.IsInt8 ? DType.Int8
        : d.IsInt16 ? DType.Int16
        : d.IsInt32 ? DType.Int32
        : d.IsInt64 ? DType.Int64
        : DType.Bool;

    /// <summary>The core's dtype, or null (F#'s omitted optional argument) when none was given.</summary>
    internal static F.Dtype? ToCoreOrNull(this DType? d) => d is { } v ? v.ToCore() : null;
}
