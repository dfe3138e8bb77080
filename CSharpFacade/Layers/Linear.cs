using System;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>y = x·Wᵀ + b over the last dimension (PyTorch's <c>nn.Linear</c>): weight
/// [outFeatures, inFeatures] and bias [outFeatures], initialised uniformly in ±1/√inFeatures as
/// PyTorch does.</summary>
public sealed class Linear : Module
{
    private readonly F.NN.Linear layer;

    /// <summary>A linear layer from <paramref name="inFeatures"/> to <paramref name="outFeatures"/> features.</summary>
    /// <param name="inFeatures">The size of the input's last dimension.</param>
    /// <param name="outFeatures">The size of the output's last dimension.</param>
    /// <param name="bias">Whether the layer adds a learned bias.</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType? dtype = null, Device? device = null)
        : this(new F.NN.Linear(inFeatures, outFeatures, FSharpOption<bool>.Some(bias), Opt.Of(dtype), Opt.Of(device)))
    {
    }

    internal Linear(F.NN.Linear layer)
        : base(layer) => this.layer = layer;

    /// <summary>The size of the input's last dimension.</summary>
    public int InFeatures => layer.InFeatures;

    /// <summary>The size of the output's last dimension.</summary>
    public int OutFeatures => layer.OutFeatures;

    /// <summary>The weight [outFeatures, inFeatures].</summary>
    public Parameter Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The bias [outFeatures], or null for a layer built with <c>bias: false</c>.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>x·Wᵀ + b for x [*, inFeatures]: [*, outFeatures].</summary>
    /// <param name="input">The input [*, inFeatures].</param>
    /// <returns>The output [*, outFeatures].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>y = x1ᵀ·A·x2 + b (PyTorch's <c>nn.Bilinear</c>): x1 [*, in1Features] and x2
/// [*, in2Features] give [*, outFeatures]. It takes two inputs: call <see cref="Forward(Tensor, Tensor)"/>.</summary>
public sealed class Bilinear : Module
{
    private readonly F.NN.Bilinear layer;

    /// <summary>A bilinear layer.</summary>
    /// <param name="in1Features">The size of the first input's last dimension.</param>
    /// <param name="in2Features">The size of the second input's last dimension.</param>
    /// <param name="outFeatures">The size of the output's last dimension.</param>
    /// <param name="bias">Whether the layer adds a learned bias.</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public Bilinear(int in1Features, int in2Features, int outFeatures, bool bias = true, DType? dtype = null, Device? device = null)
        : base(new F.NN.Bilinear(in1Features, in2Features, outFeatures, FSharpOption<bool>.Some(bias), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.Bilinear)Core;

    /// <summary>The weight [outFeatures, in1Features, in2Features].</summary>
    public Parameter Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The bias [outFeatures], or null.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>Not supported: Bilinear takes two inputs (the core's NotSupportedException).</summary>
    /// <param name="input">Unused.</param>
    /// <returns>Never returns.</returns>
    public override Tensor Forward(Tensor input) => Tensor.Wrap(layer.Forward(input?.Value!));

    /// <summary>x1ᵀ·A·x2 + b.</summary>
    /// <param name="x1">[*, in1Features].</param>
    /// <param name="x2">[*, in2Features], the same leading dimensions.</param>
    /// <returns>[*, outFeatures].</returns>
    public Tensor Forward(Tensor x1, Tensor x2)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        return Tensor.Wrap(layer.Forward(x1.Value, x2.Value));
    }
}

/// <summary>Flattens dimensions startDim..endDim into one (PyTorch's <c>nn.Flatten</c>; by default
/// everything but the batch dimension).</summary>
public sealed class Flatten : Module
{
    /// <summary>A flattening layer.</summary>
    /// <param name="startDim">The first dimension flattened.</param>
    /// <param name="endDim">The last dimension flattened (negative counts from the end).</param>
    public Flatten(int startDim = 1, int endDim = -1)
        : base(new F.NN.Flatten(startDim, endDim))
    {
    }

    internal Flatten(F.NN.Flatten layer)
        : base(layer)
    {
    }

    /// <summary>The flattened input.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The input with dimensions startDim..endDim merged.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>Splits dimension <c>dim</c> into several (PyTorch's <c>nn.Unflatten</c>, the inverse of Flatten).</summary>
public sealed class Unflatten : Module
{
    /// <summary>An unflattening layer.</summary>
    /// <param name="dim">The dimension split.</param>
    /// <param name="sizes">The sizes it is split into (their product must be its size).</param>
    public Unflatten(int dim, params int[] sizes)
        : base(new F.NN.Unflatten(dim, sizes ?? throw new ArgumentNullException(nameof(sizes))))
    {
    }

    /// <summary>The input with dimension dim split.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The reshaped input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>In training mode, zeroes each element with probability p and scales the others by
/// 1/(1 − p); in evaluation mode, the identity (PyTorch's <c>nn.Dropout</c>).</summary>
public sealed class Dropout : Module
{
    private readonly F.NN.Dropout layer;

    /// <summary>A dropout layer.</summary>
    /// <param name="p">The probability of zeroing an element, in [0, 1].</param>
    public Dropout(double p = 0.5)
        : this(new F.NN.Dropout(p))
    {
    }

    internal Dropout(F.NN.Dropout layer)
        : base(layer) => this.layer = layer;

    /// <summary>The probability of zeroing an element.</summary>
    public double P => layer.P;

    /// <summary>The input with dropout applied (training mode) or unchanged (evaluation mode).</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>The input, unchanged (PyTorch's <c>nn.Identity</c>): a placeholder layer.</summary>
public sealed class Identity : Module
{
    /// <summary>An identity layer.</summary>
    public Identity()
        : base(new F.NN.Identity())
    {
    }

    internal Identity(F.NN.Identity layer)
        : base(layer)
    {
    }

    /// <summary>The input.</summary>
    /// <param name="input">The input.</param>
    /// <returns><paramref name="input"/>.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input;
    }
}
