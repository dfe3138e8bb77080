using System;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>Where a tensor's memory lives: <see cref="Cpu"/> or a CUDA GPU
/// (<c>Device.Cuda(0)</c>), as PyTorch's <c>torch.device</c>.</summary>
public sealed class Device : IEquatable<Device>
{
    private Device(F.Device value) => Value = value;

    internal F.Device Value { get; }

    internal static Device FromCore(F.Device d) => d.IsCpu ? Cpu : new Device(d);

    /// <summary>The CPU.</summary>
    public static Device Cpu { get; } = new(F.Device.Cpu);

    /// <summary>The CUDA GPU with this index. Using it where CUDA is not available raises a
    /// <see cref="NotSupportedException"/> that says so.</summary>
    /// <param name="index">The GPU's index, from 0.</param>
    public static Device Cuda(int index = 0)
    {
        if (index < 0)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Device.Cuda: the GPU index must be 0 or more; got {index}.");
        return new Device(F.Device.NewCuda(index));
    }

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    /// <param name="text">The device's name, as PyTorch writes it.</param>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FromCore(F.Device.Parse(text));
    }

    /// <summary>True for a CUDA GPU.</summary>
    public bool IsCuda => Value.IsCuda;

    /// <summary>The GPU's index for a CUDA device, null for the CPU (PyTorch's <c>device.index</c>).</summary>
    public int? Index => Value is F.Device.Cuda cuda ? cuda.index : null;

    /// <summary>"cpu" or "cuda:N", as PyTorch prints devices.</summary>
    public override string ToString() => Value.ToString();

    /// <summary>True when both name the same device.</summary>
    /// <param name="other">The other device.</param>
    public bool Equals(Device? other) => other is not null && Value.Equals(other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Device d && Equals(d);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>True when both name the same device.</summary>
    /// <param name="a">A device.</param>
    /// <param name="b">Another device.</param>
    public static bool operator ==(Device? a, Device? b) => a is null ? b is null : a.Equals(b);

    /// <summary>True when they name different devices.</summary>
    /// <param name="a">A device.</param>
    /// <param name="b">Another device.</param>
    public static bool operator !=(Device? a, Device? b) => !(a == b);
}
