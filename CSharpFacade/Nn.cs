using System;

namespace Nabla.CSharp;

/// <summary>
/// The fluent model builder: <c>var model = Nn.Sequential().Linear(1, 20).ReLU().Linear(20, 1);</c>.
/// <see cref="Sequential()"/> starts an empty <see cref="CSharp.Sequential"/>; each method adds a
/// layer to it and returns the same Sequential, which is the model (there is no Build step).
/// </summary>
public static class Nn
{
    /// <summary>An empty Sequential to add layers to.</summary>
    /// <returns>A new, empty Sequential.</returns>
    public static Sequential Sequential() => new();

    /// <summary>A Sequential of <paramref name="modules"/>.</summary>
    /// <param name="modules">The first modules.</param>
    /// <returns>A new Sequential.</returns>
    public static Sequential Sequential(params Module[] modules) => new(modules);

    /// <summary>Adds a <see cref="CSharp.Linear"/> layer.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="inFeatures">The size of the input's last dimension.</param>
    /// <param name="outFeatures">The size of the output's last dimension.</param>
    /// <param name="bias">Whether the layer adds a learned bias.</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential Linear(this Sequential model, int inFeatures, int outFeatures, bool bias = true, DType? dtype = null, Device? device = null) =>
        Add(model, new Linear(inFeatures, outFeatures, bias, dtype, device));

    /// <summary>Adds a <see cref="CSharp.Conv2d"/> layer.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">The kernel's (height, width), or one int.</param>
    /// <param name="stride">The step between windows (1 when null).</param>
    /// <param name="padding">Zero padding, or "same" / "valid" (0 when null).</param>
    /// <param name="dilation">The spacing between kernel elements (1 when null).</param>
    /// <param name="groups">Blocked connections from input to output channels.</param>
    /// <param name="bias">Whether the layer adds a learned bias.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential Conv2d(this Sequential model, int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null,
        ConvPadding? padding = null, Size2? dilation = null, int groups = 1, bool bias = true) =>
        Add(model, new Conv2d(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias));

    /// <summary>Adds a <see cref="CSharp.ReLU"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential ReLU(this Sequential model) => Add(model, new ReLU());

    /// <summary>Adds a <see cref="CSharp.LeakyReLU"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="negativeSlope">The slope for negative inputs.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential LeakyReLU(this Sequential model, double negativeSlope = 0.01) => Add(model, new LeakyReLU(negativeSlope));

    /// <summary>Adds a <see cref="CSharp.Tanh"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential Tanh(this Sequential model) => Add(model, new Tanh());

    /// <summary>Adds a <see cref="CSharp.Sigmoid"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential Sigmoid(this Sequential model) => Add(model, new Sigmoid());

    /// <summary>Adds a <see cref="CSharp.GELU"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="approximate">"none" (exact) or "tanh".</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential GELU(this Sequential model, string approximate = "none") => Add(model, new GELU(approximate));

    /// <summary>Adds a <see cref="CSharp.SiLU"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential SiLU(this Sequential model) => Add(model, new SiLU());

    /// <summary>Adds a <see cref="CSharp.Softmax"/> along <paramref name="dim"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="dim">The dimension normalised.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential Softmax(this Sequential model, int dim) => Add(model, new Softmax(dim));

    /// <summary>Adds a <see cref="CSharp.LogSoftmax"/> along <paramref name="dim"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="dim">The dimension normalised.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential LogSoftmax(this Sequential model, int dim) => Add(model, new LogSoftmax(dim));

    /// <summary>Adds a <see cref="CSharp.Dropout"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="p">The probability of zeroing an element.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential Dropout(this Sequential model, double p = 0.5) => Add(model, new Dropout(p));

    /// <summary>Adds a <see cref="CSharp.Flatten"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="startDim">The first dimension flattened.</param>
    /// <param name="endDim">The last dimension flattened.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential Flatten(this Sequential model, int startDim = 1, int endDim = -1) => Add(model, new Flatten(startDim, endDim));

    /// <summary>Adds a <see cref="CSharp.BatchNorm1d"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="numFeatures">The number of channels.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="momentum">The running statistics' update factor (null: cumulative average).</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential BatchNorm1d(this Sequential model, int numFeatures, double eps = 1e-5, double? momentum = 0.1) =>
        Add(model, new BatchNorm1d(numFeatures, eps, momentum));

    /// <summary>Adds a <see cref="CSharp.BatchNorm2d"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="numFeatures">The number of channels.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="momentum">The running statistics' update factor (null: cumulative average).</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential BatchNorm2d(this Sequential model, int numFeatures, double eps = 1e-5, double? momentum = 0.1) =>
        Add(model, new BatchNorm2d(numFeatures, eps, momentum));

    /// <summary>Adds a <see cref="CSharp.LayerNorm"/> over the last dimension.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="normalizedShape">The size of the last dimension.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential LayerNorm(this Sequential model, int normalizedShape, double eps = 1e-5) => Add(model, new LayerNorm(normalizedShape, eps));

    /// <summary>Adds a <see cref="CSharp.MaxPool2d"/>.</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="kernelSize">The window's (height, width).</param>
    /// <param name="stride">The step between windows (the kernel size when null).</param>
    /// <param name="padding">Implicit −∞ padding (0 when null).</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential MaxPool2d(this Sequential model, Size2 kernelSize, Size2? stride = null, Size2? padding = null) =>
        Add(model, new MaxPool2d(kernelSize, stride, padding));

    /// <summary>Adds the activation named <paramref name="name"/> (<see cref="CSharp.Activation.Create"/>).</summary>
    /// <param name="model">The model being built.</param>
    /// <param name="name">"relu", "tanh", "gelu", ...</param>
    /// <returns><paramref name="model"/>.</returns>
    public static Sequential Activation(this Sequential model, string name) => Add(model, CSharp.Activation.Create(name));

    private static Sequential Add(Sequential model, Module layer)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Append(layer);
    }
}
