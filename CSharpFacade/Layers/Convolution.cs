using System;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>One size per spatial dimension (height, width) of a 2-D layer: a kernel size, stride,
/// padding or output size. An int (the same for both) and a pair <c>(3, 5)</c> convert to it
/// implicitly: <c>new Conv2d(3, 8, 3, stride: (2, 1))</c>.</summary>
public readonly struct Size2 : IEquatable<Size2>
{
    private readonly bool single;

    /// <summary>A size of <paramref name="height"/> along the first spatial dimension and
    /// <paramref name="width"/> along the second.</summary>
    /// <param name="height">The size along the first spatial dimension.</param>
    /// <param name="width">The size along the second spatial dimension.</param>
    public Size2(int height, int width)
    {
        Height = height;
        Width = width;
        single = false;
    }

    private Size2(int size, bool single)
    {
        Height = size;
        Width = size;
        this.single = single;
    }

    /// <summary>The size along the first spatial dimension.</summary>
    public int Height { get; }

    /// <summary>The size along the second spatial dimension.</summary>
    public int Width { get; }

    /// <summary>The same size along both dimensions.</summary>
    /// <param name="size">The size.</param>
    public static implicit operator Size2(int size) => new(size, true);

    /// <summary>(height, width).</summary>
    /// <param name="size">The sizes.</param>
    public static implicit operator Size2((int Height, int Width) size) => new(size.Height, size.Width);

    internal F.NN.Size2 ToCore() => single ? (F.NN.Size2)Height : new F.NN.Size2(Height, Width);

    internal static FSharpOption<F.NN.Size2>? ToCore(Size2? size) => size is { } s ? FSharpOption<F.NN.Size2>.Some(s.ToCore()) : null;

    /// <summary>Equal heights and equal widths.</summary>
    /// <param name="other">Another size.</param>
    public bool Equals(Size2 other) => Height == other.Height && Width == other.Width;

    /// <summary>Equal heights and equal widths.</summary>
    /// <param name="obj">Another object.</param>
    public override bool Equals(object? obj) => obj is Size2 s && Equals(s);

    /// <summary>A hash of (height, width).</summary>
    public override int GetHashCode() => HashCode.Combine(Height, Width);

    /// <summary>Equal heights and equal widths.</summary>
    /// <param name="a">A size.</param>
    /// <param name="b">Another size.</param>
    public static bool operator ==(Size2 a, Size2 b) => a.Equals(b);

    /// <summary>Different heights or widths.</summary>
    /// <param name="a">A size.</param>
    /// <param name="b">Another size.</param>
    public static bool operator !=(Size2 a, Size2 b) => !a.Equals(b);

    /// <summary>As Python prints it: one int when given as one int, else (height, width).</summary>
    public override string ToString() => single ? $"{Height}" : $"({Height}, {Width})";
}

/// <summary>The padding of a convolution: explicit sizes (an int or a pair, converting implicitly),
/// or PyTorch's strings "valid" (no padding) and "same" (the output as large as the input).</summary>
public readonly struct ConvPadding
{
    private readonly string? text;
    private readonly Size2 size;

    private ConvPadding(string? text, Size2 size)
    {
        this.text = text;
        this.size = size;
    }

    /// <summary>The same padding on every side.</summary>
    /// <param name="size">The padding.</param>
    public static implicit operator ConvPadding(int size) => new(null, size);

    /// <summary>(height, width) padding.</summary>
    /// <param name="size">The paddings.</param>
    public static implicit operator ConvPadding((int Height, int Width) size) => new(null, size);

    /// <summary>Explicit padding sizes.</summary>
    /// <param name="size">The paddings.</param>
    public static implicit operator ConvPadding(Size2 size) => new(null, size);

    /// <summary>"same" or "valid" (PyTorch's padding strings).</summary>
    /// <param name="text">"same" or "valid".</param>
    public static implicit operator ConvPadding(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), 0);

    internal F.NN.ConvPadding ToCore() => text is null ? new F.NN.ConvPadding(size.ToCore()) : (F.NN.ConvPadding)text;

    internal static FSharpOption<F.NN.ConvPadding>? ToCore(ConvPadding? p) => p is { } v ? FSharpOption<F.NN.ConvPadding>.Some(v.ToCore()) : null;

    /// <summary>As PyTorch prints it: same, valid, or the sizes.</summary>
    public override string ToString() => text ?? size.ToString();
}

/// <summary>1-D convolution over x [batch, inChannels, length] or [inChannels, length] (PyTorch's
/// <c>nn.Conv1d</c>): weight [outChannels, inChannels/groups, kernelSize] and bias [outChannels].</summary>
public sealed class Conv1d : Module
{
    private readonly F.NN.Conv1d layer;

    /// <summary>A 1-D convolution layer.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">The kernel's length.</param>
    /// <param name="stride">The step between windows.</param>
    /// <param name="padding">Zero padding on both sides (an int), or "same" / "valid" (0 when null).</param>
    /// <param name="dilation">The spacing between kernel elements.</param>
    /// <param name="groups">Blocked connections from input to output channels.</param>
    /// <param name="bias">Whether the layer adds a learned bias.</param>
    /// <param name="paddingMode">"zeros", "reflect", "replicate" or "circular".</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, ConvPadding? padding = null, int dilation = 1,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null, Device? device = null)
        : base(new F.NN.Conv1d(inChannels, outChannels, kernelSize, FSharpOption<int>.Some(stride), ConvPadding.ToCore(padding),
            FSharpOption<int>.Some(dilation), FSharpOption<int>.Some(groups), FSharpOption<bool>.Some(bias), Opt.Of(paddingMode), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.Conv1d)Core;

    /// <summary>The number of input channels.</summary>
    public int InChannels => layer.InChannels;

    /// <summary>The number of output channels.</summary>
    public int OutChannels => layer.OutChannels;

    /// <summary>The number of groups.</summary>
    public int Groups => layer.Groups;

    /// <summary>The weight [outChannels, inChannels/groups, kernelSize].</summary>
    public Parameter Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The bias [outChannels], or null.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The convolution of the input.</summary>
    /// <param name="input">[batch, inChannels, length] or [inChannels, length].</param>
    /// <returns>[batch, outChannels, outLength] (or unbatched).</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>2-D convolution over x [batch, inChannels, height, width] or [inChannels, height,
/// width] (PyTorch's <c>nn.Conv2d</c>): weight [outChannels, inChannels/groups, kH, kW] and bias [outChannels].</summary>
public sealed class Conv2d : Module
{
    private readonly F.NN.Conv2d layer;

    /// <summary>A 2-D convolution layer: <c>new Conv2d(3, 8, 3, padding: 1)</c>, <c>new Conv2d(3, 8, (3, 5), stride: (2, 1))</c>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">The kernel's (height, width), or one int for both.</param>
    /// <param name="stride">The step between windows (1 when null).</param>
    /// <param name="padding">Zero padding (an int or a pair), or "same" / "valid" (0 when null).</param>
    /// <param name="dilation">The spacing between kernel elements (1 when null).</param>
    /// <param name="groups">Blocked connections from input to output channels.</param>
    /// <param name="bias">Whether the layer adds a learned bias.</param>
    /// <param name="paddingMode">"zeros", "reflect", "replicate" or "circular".</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, ConvPadding? padding = null, Size2? dilation = null,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null, Device? device = null)
        : base(new F.NN.Conv2d(inChannels, outChannels, kernelSize.ToCore(), Size2.ToCore(stride), ConvPadding.ToCore(padding),
            Size2.ToCore(dilation), FSharpOption<int>.Some(groups), FSharpOption<bool>.Some(bias), Opt.Of(paddingMode), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.Conv2d)Core;

    /// <summary>The number of input channels.</summary>
    public int InChannels => layer.InChannels;

    /// <summary>The number of output channels.</summary>
    public int OutChannels => layer.OutChannels;

    /// <summary>The number of groups.</summary>
    public int Groups => layer.Groups;

    /// <summary>The weight [outChannels, inChannels/groups, kH, kW].</summary>
    public Parameter Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The bias [outChannels], or null.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The convolution of the input.</summary>
    /// <param name="input">[batch, inChannels, height, width] or [inChannels, height, width].</param>
    /// <returns>[batch, outChannels, outHeight, outWidth] (or unbatched).</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>1-D transposed convolution (PyTorch's <c>nn.ConvTranspose1d</c>): weight [inChannels,
/// outChannels/groups, kernelSize] and bias [outChannels].</summary>
public sealed class ConvTranspose1d : Module
{
    private readonly F.NN.ConvTranspose1d layer;

    /// <summary>A 1-D transposed convolution layer.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">The kernel's length.</param>
    /// <param name="stride">The step.</param>
    /// <param name="padding">Implicit padding removed from both sides of the output.</param>
    /// <param name="outputPadding">Extra size added to one side of the output.</param>
    /// <param name="groups">Blocked connections from input to output channels.</param>
    /// <param name="bias">Whether the layer adds a learned bias.</param>
    /// <param name="dilation">The spacing between kernel elements.</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, bool bias = true, int dilation = 1, DType? dtype = null, Device? device = null)
        : base(new F.NN.ConvTranspose1d(inChannels, outChannels, kernelSize, FSharpOption<int>.Some(stride), FSharpOption<int>.Some(padding),
            FSharpOption<int>.Some(outputPadding), FSharpOption<int>.Some(groups), FSharpOption<bool>.Some(bias), FSharpOption<int>.Some(dilation),
            Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.ConvTranspose1d)Core;

    /// <summary>The number of input channels.</summary>
    public int InChannels => layer.InChannels;

    /// <summary>The number of output channels.</summary>
    public int OutChannels => layer.OutChannels;

    /// <summary>The number of groups.</summary>
    public int Groups => layer.Groups;

    /// <summary>The weight [inChannels, outChannels/groups, kernelSize].</summary>
    public Parameter Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The bias [outChannels], or null.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The transposed convolution of the input.</summary>
    /// <param name="input">[batch, inChannels, length] or [inChannels, length].</param>
    /// <returns>[batch, outChannels, outLength] (or unbatched).</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }

    /// <summary>The transposed convolution with the output padding chosen to give
    /// <paramref name="outputSize"/> (PyTorch's <c>forward(input, output_size)</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="outputSize">The output's length (or its whole shape).</param>
    /// <returns>The output.</returns>
    public Tensor Forward(Tensor input, int[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value, outputSize));
    }
}

/// <summary>2-D transposed convolution (PyTorch's <c>nn.ConvTranspose2d</c>): weight [inChannels,
/// outChannels/groups, kH, kW] and bias [outChannels].</summary>
public sealed class ConvTranspose2d : Module
{
    private readonly F.NN.ConvTranspose2d layer;

    /// <summary>A 2-D transposed convolution layer.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">The kernel's (height, width).</param>
    /// <param name="stride">The step (1 when null).</param>
    /// <param name="padding">Implicit padding removed from the output (0 when null).</param>
    /// <param name="outputPadding">Extra size added to one side of the output (0 when null).</param>
    /// <param name="groups">Blocked connections from input to output channels.</param>
    /// <param name="bias">Whether the layer adds a learned bias.</param>
    /// <param name="dilation">The spacing between kernel elements (1 when null).</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public ConvTranspose2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? outputPadding = null,
        int groups = 1, bool bias = true, Size2? dilation = null, DType? dtype = null, Device? device = null)
        : base(new F.NN.ConvTranspose2d(inChannels, outChannels, kernelSize.ToCore(), Size2.ToCore(stride), Size2.ToCore(padding),
            Size2.ToCore(outputPadding), FSharpOption<int>.Some(groups), FSharpOption<bool>.Some(bias), Size2.ToCore(dilation), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.ConvTranspose2d)Core;

    /// <summary>The number of input channels.</summary>
    public int InChannels => layer.InChannels;

    /// <summary>The number of output channels.</summary>
    public int OutChannels => layer.OutChannels;

    /// <summary>The number of groups.</summary>
    public int Groups => layer.Groups;

    /// <summary>The weight [inChannels, outChannels/groups, kH, kW].</summary>
    public Parameter Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The bias [outChannels], or null.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The transposed convolution of the input.</summary>
    /// <param name="input">[batch, inChannels, height, width] or [inChannels, height, width].</param>
    /// <returns>The output.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }

    /// <summary>The transposed convolution with the output padding chosen to give
    /// <paramref name="outputSize"/> (PyTorch's <c>forward(input, output_size)</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="outputSize">[height, width] of the output (or its whole shape).</param>
    /// <returns>The output.</returns>
    public Tensor Forward(Tensor input, int[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value, outputSize));
    }
}

/// <summary>2-D max pooling (PyTorch's <c>nn.MaxPool2d</c>): the largest value in each window.</summary>
public sealed class MaxPool2d : Module
{
    /// <summary>A max-pooling layer.</summary>
    /// <param name="kernelSize">The window's (height, width).</param>
    /// <param name="stride">The step between windows (the kernel size when null).</param>
    /// <param name="padding">Implicit −∞ padding (0 when null).</param>
    public MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null)
        : base(new F.NN.MaxPool2d(kernelSize.ToCore(), Size2.ToCore(stride), Size2.ToCore(padding)))
    {
    }

    /// <summary>The pooled input.</summary>
    /// <param name="input">[batch, channels, height, width] or [channels, height, width].</param>
    /// <returns>The pooled output.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>2-D average pooling (PyTorch's <c>nn.AvgPool2d</c>): the mean of each window.</summary>
public sealed class AvgPool2d : Module
{
    /// <summary>An average-pooling layer.</summary>
    /// <param name="kernelSize">The window's (height, width).</param>
    /// <param name="stride">The step between windows (the kernel size when null).</param>
    /// <param name="padding">Implicit zero padding (0 when null).</param>
    /// <param name="countIncludePad">Whether the padding counts in the average.</param>
    /// <param name="divisorOverride">When given, the divisor instead of the window's size.</param>
    public AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool countIncludePad = true, int? divisorOverride = null)
        : base(new F.NN.AvgPool2d(kernelSize.ToCore(), Size2.ToCore(stride), Size2.ToCore(padding), FSharpOption<bool>.Some(countIncludePad), Opt.Of(divisorOverride)))
    {
    }

    /// <summary>The pooled input.</summary>
    /// <param name="input">[batch, channels, height, width] or [channels, height, width].</param>
    /// <returns>The pooled output.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>2-D adaptive average pooling to a fixed output size (PyTorch's <c>nn.AdaptiveAvgPool2d</c>).</summary>
public sealed class AdaptiveAvgPool2d : Module
{
    /// <summary>An adaptive average-pooling layer.</summary>
    /// <param name="outputSize">The output's (height, width).</param>
    public AdaptiveAvgPool2d(Size2 outputSize)
        : base(new F.NN.AdaptiveAvgPool2d(outputSize.ToCore()))
    {
    }

    /// <summary>The pooled input.</summary>
    /// <param name="input">[batch, channels, height, width] or [channels, height, width].</param>
    /// <returns>[..., outHeight, outWidth].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>1-D max pooling (PyTorch's <c>nn.MaxPool1d</c>).</summary>
public sealed class MaxPool1d : Module
{
    /// <summary>A max-pooling layer.</summary>
    /// <param name="kernelSize">The window's length.</param>
    /// <param name="stride">The step between windows (the kernel size when null).</param>
    /// <param name="padding">Implicit −∞ padding.</param>
    public MaxPool1d(int kernelSize, int? stride = null, int padding = 0)
        : base(new F.NN.MaxPool1d(kernelSize, Opt.Of(stride), FSharpOption<int>.Some(padding)))
    {
    }

    /// <summary>The pooled input.</summary>
    /// <param name="input">[batch, channels, length] or [channels, length].</param>
    /// <returns>The pooled output.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>1-D average pooling (PyTorch's <c>nn.AvgPool1d</c>).</summary>
public sealed class AvgPool1d : Module
{
    /// <summary>An average-pooling layer.</summary>
    /// <param name="kernelSize">The window's length.</param>
    /// <param name="stride">The step between windows (the kernel size when null).</param>
    /// <param name="padding">Implicit zero padding.</param>
    /// <param name="countIncludePad">Whether the padding counts in the average.</param>
    public AvgPool1d(int kernelSize, int? stride = null, int padding = 0, bool countIncludePad = true)
        : base(new F.NN.AvgPool1d(kernelSize, Opt.Of(stride), FSharpOption<int>.Some(padding), FSharpOption<bool>.Some(countIncludePad)))
    {
    }

    /// <summary>The pooled input.</summary>
    /// <param name="input">[batch, channels, length] or [channels, length].</param>
    /// <returns>The pooled output.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>1-D adaptive average pooling to a fixed output length (PyTorch's <c>nn.AdaptiveAvgPool1d</c>).</summary>
public sealed class AdaptiveAvgPool1d : Module
{
    /// <summary>An adaptive average-pooling layer.</summary>
    /// <param name="outputSize">The output's length.</param>
    public AdaptiveAvgPool1d(int outputSize)
        : base(new F.NN.AdaptiveAvgPool1d(outputSize))
    {
    }

    /// <summary>The pooled input.</summary>
    /// <param name="input">[batch, channels, length] or [channels, length].</param>
    /// <returns>[..., outputSize].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}
