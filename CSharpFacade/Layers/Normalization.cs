using System;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>Batch normalisation over x [batch, C] or [batch, C, length] (PyTorch's <c>nn.BatchNorm1d</c>).</summary>
public sealed class BatchNorm1d : Module
{
    private readonly F.NN.BatchNorm1d layer;

    /// <summary>A batch-normalisation layer over <paramref name="numFeatures"/> channels.</summary>
    /// <param name="numFeatures">The number of channels C (dimension 1 of the input).</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="momentum">The running statistics' update factor; null for a cumulative average.</param>
    /// <param name="affine">Whether the layer has a learned scale (weight) and shift (bias).</param>
    /// <param name="trackRunningStats">Whether the layer keeps running statistics (used in evaluation mode).</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(new F.NN.BatchNorm1d(numFeatures, FSharpOption<double>.Some(eps), FSharpOption<double>.Some(momentum ?? double.NaN), FSharpOption<bool>.Some(affine),
            FSharpOption<bool>.Some(trackRunningStats), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.BatchNorm1d)Core;

    /// <summary>The number of channels C.</summary>
    public int NumFeatures => layer.NumFeatures;

    /// <summary>The value added to the variance for stability.</summary>
    public double Eps => layer.Eps;

    /// <summary>The learned scale [numFeatures], or null when not affine.</summary>
    public Parameter? Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The learned shift [numFeatures], or null when not affine.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The running mean [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningMean => Opt.Wrap(layer.RunningMean);

    /// <summary>The running variance [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningVar => Opt.Wrap(layer.RunningVar);

    /// <summary>The number of batches seen in training mode (an int64 buffer), or null when not tracked.</summary>
    public Tensor? NumBatchesTracked => Opt.Wrap(layer.NumBatchesTracked);

    /// <summary>Resets the running statistics (mean 0, variance 1, no batches).</summary>
    public void ResetRunningStats() => layer.ResetRunningStats();

    /// <summary>The normalised input: batch statistics in training mode, running statistics in
    /// evaluation mode (when tracked).</summary>
    /// <param name="input">The input [batch, numFeatures, ...].</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>Batch normalisation over x [batch, C, height, width] (PyTorch's <c>nn.BatchNorm2d</c>).</summary>
public sealed class BatchNorm2d : Module
{
    private readonly F.NN.BatchNorm2d layer;

    /// <summary>A batch-normalisation layer over <paramref name="numFeatures"/> channels.</summary>
    /// <param name="numFeatures">The number of channels C (dimension 1 of the input).</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="momentum">The running statistics' update factor; null for a cumulative average.</param>
    /// <param name="affine">Whether the layer has a learned scale (weight) and shift (bias).</param>
    /// <param name="trackRunningStats">Whether the layer keeps running statistics (used in evaluation mode).</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(new F.NN.BatchNorm2d(numFeatures, FSharpOption<double>.Some(eps), FSharpOption<double>.Some(momentum ?? double.NaN), FSharpOption<bool>.Some(affine),
            FSharpOption<bool>.Some(trackRunningStats), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.BatchNorm2d)Core;

    /// <summary>The number of channels C.</summary>
    public int NumFeatures => layer.NumFeatures;

    /// <summary>The value added to the variance for stability.</summary>
    public double Eps => layer.Eps;

    /// <summary>The learned scale [numFeatures], or null when not affine.</summary>
    public Parameter? Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The learned shift [numFeatures], or null when not affine.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The running mean [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningMean => Opt.Wrap(layer.RunningMean);

    /// <summary>The running variance [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningVar => Opt.Wrap(layer.RunningVar);

    /// <summary>The number of batches seen in training mode (an int64 buffer), or null when not tracked.</summary>
    public Tensor? NumBatchesTracked => Opt.Wrap(layer.NumBatchesTracked);

    /// <summary>Resets the running statistics (mean 0, variance 1, no batches).</summary>
    public void ResetRunningStats() => layer.ResetRunningStats();

    /// <summary>The normalised input: batch statistics in training mode, running statistics in
    /// evaluation mode (when tracked).</summary>
    /// <param name="input">The input [batch, numFeatures, ...].</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>Batch normalisation over x [batch, C, depth, height, width] (PyTorch's <c>nn.BatchNorm3d</c>).</summary>
public sealed class BatchNorm3d : Module
{
    private readonly F.NN.BatchNorm3d layer;

    /// <summary>A batch-normalisation layer over <paramref name="numFeatures"/> channels.</summary>
    /// <param name="numFeatures">The number of channels C (dimension 1 of the input).</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="momentum">The running statistics' update factor; null for a cumulative average.</param>
    /// <param name="affine">Whether the layer has a learned scale (weight) and shift (bias).</param>
    /// <param name="trackRunningStats">Whether the layer keeps running statistics (used in evaluation mode).</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public BatchNorm3d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(new F.NN.BatchNorm3d(numFeatures, FSharpOption<double>.Some(eps), FSharpOption<double>.Some(momentum ?? double.NaN), FSharpOption<bool>.Some(affine),
            FSharpOption<bool>.Some(trackRunningStats), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.BatchNorm3d)Core;

    /// <summary>The number of channels C.</summary>
    public int NumFeatures => layer.NumFeatures;

    /// <summary>The value added to the variance for stability.</summary>
    public double Eps => layer.Eps;

    /// <summary>The learned scale [numFeatures], or null when not affine.</summary>
    public Parameter? Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The learned shift [numFeatures], or null when not affine.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The running mean [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningMean => Opt.Wrap(layer.RunningMean);

    /// <summary>The running variance [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningVar => Opt.Wrap(layer.RunningVar);

    /// <summary>The number of batches seen in training mode (an int64 buffer), or null when not tracked.</summary>
    public Tensor? NumBatchesTracked => Opt.Wrap(layer.NumBatchesTracked);

    /// <summary>Resets the running statistics (mean 0, variance 1, no batches).</summary>
    public void ResetRunningStats() => layer.ResetRunningStats();

    /// <summary>The normalised input: batch statistics in training mode, running statistics in
    /// evaluation mode (when tracked).</summary>
    /// <param name="input">The input [batch, numFeatures, ...].</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>Instance normalisation over x [batch, C, length] or [C, length] (PyTorch's <c>nn.InstanceNorm1d</c>).</summary>
public sealed class InstanceNorm1d : Module
{
    private readonly F.NN.InstanceNorm1d layer;

    /// <summary>A instance-normalisation layer over <paramref name="numFeatures"/> channels.</summary>
    /// <param name="numFeatures">The number of channels C (dimension 1 of the input).</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="momentum">The running statistics' update factor; null for a cumulative average.</param>
    /// <param name="affine">Whether the layer has a learned scale (weight) and shift (bias).</param>
    /// <param name="trackRunningStats">Whether the layer keeps running statistics (used in evaluation mode).</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public InstanceNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null, Device? device = null)
        : base(new F.NN.InstanceNorm1d(numFeatures, FSharpOption<double>.Some(eps), FSharpOption<double>.Some(momentum ?? double.NaN), FSharpOption<bool>.Some(affine),
            FSharpOption<bool>.Some(trackRunningStats), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.InstanceNorm1d)Core;

    /// <summary>The number of channels C.</summary>
    public int NumFeatures => layer.NumFeatures;

    /// <summary>The value added to the variance for stability.</summary>
    public double Eps => layer.Eps;

    /// <summary>The learned scale [numFeatures], or null when not affine.</summary>
    public Parameter? Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The learned shift [numFeatures], or null when not affine.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The running mean [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningMean => Opt.Wrap(layer.RunningMean);

    /// <summary>The running variance [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningVar => Opt.Wrap(layer.RunningVar);

    /// <summary>The number of batches seen in training mode (an int64 buffer), or null when not tracked.</summary>
    public Tensor? NumBatchesTracked => Opt.Wrap(layer.NumBatchesTracked);

    /// <summary>Resets the running statistics (mean 0, variance 1, no batches).</summary>
    public void ResetRunningStats() => layer.ResetRunningStats();

    /// <summary>The normalised input: batch statistics in training mode, running statistics in
    /// evaluation mode (when tracked).</summary>
    /// <param name="input">The input [batch, numFeatures, ...].</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>Instance normalisation over x [batch, C, height, width] or [C, height, width] (PyTorch's <c>nn.InstanceNorm2d</c>).</summary>
public sealed class InstanceNorm2d : Module
{
    private readonly F.NN.InstanceNorm2d layer;

    /// <summary>A instance-normalisation layer over <paramref name="numFeatures"/> channels.</summary>
    /// <param name="numFeatures">The number of channels C (dimension 1 of the input).</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="momentum">The running statistics' update factor; null for a cumulative average.</param>
    /// <param name="affine">Whether the layer has a learned scale (weight) and shift (bias).</param>
    /// <param name="trackRunningStats">Whether the layer keeps running statistics (used in evaluation mode).</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public InstanceNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null, Device? device = null)
        : base(new F.NN.InstanceNorm2d(numFeatures, FSharpOption<double>.Some(eps), FSharpOption<double>.Some(momentum ?? double.NaN), FSharpOption<bool>.Some(affine),
            FSharpOption<bool>.Some(trackRunningStats), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.InstanceNorm2d)Core;

    /// <summary>The number of channels C.</summary>
    public int NumFeatures => layer.NumFeatures;

    /// <summary>The value added to the variance for stability.</summary>
    public double Eps => layer.Eps;

    /// <summary>The learned scale [numFeatures], or null when not affine.</summary>
    public Parameter? Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The learned shift [numFeatures], or null when not affine.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The running mean [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningMean => Opt.Wrap(layer.RunningMean);

    /// <summary>The running variance [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningVar => Opt.Wrap(layer.RunningVar);

    /// <summary>The number of batches seen in training mode (an int64 buffer), or null when not tracked.</summary>
    public Tensor? NumBatchesTracked => Opt.Wrap(layer.NumBatchesTracked);

    /// <summary>Resets the running statistics (mean 0, variance 1, no batches).</summary>
    public void ResetRunningStats() => layer.ResetRunningStats();

    /// <summary>The normalised input: batch statistics in training mode, running statistics in
    /// evaluation mode (when tracked).</summary>
    /// <param name="input">The input [batch, numFeatures, ...].</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>Instance normalisation over x [batch, C, depth, height, width] (PyTorch's <c>nn.InstanceNorm3d</c>).</summary>
public sealed class InstanceNorm3d : Module
{
    private readonly F.NN.InstanceNorm3d layer;

    /// <summary>A instance-normalisation layer over <paramref name="numFeatures"/> channels.</summary>
    /// <param name="numFeatures">The number of channels C (dimension 1 of the input).</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="momentum">The running statistics' update factor; null for a cumulative average.</param>
    /// <param name="affine">Whether the layer has a learned scale (weight) and shift (bias).</param>
    /// <param name="trackRunningStats">Whether the layer keeps running statistics (used in evaluation mode).</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public InstanceNorm3d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null, Device? device = null)
        : base(new F.NN.InstanceNorm3d(numFeatures, FSharpOption<double>.Some(eps), FSharpOption<double>.Some(momentum ?? double.NaN), FSharpOption<bool>.Some(affine),
            FSharpOption<bool>.Some(trackRunningStats), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.InstanceNorm3d)Core;

    /// <summary>The number of channels C.</summary>
    public int NumFeatures => layer.NumFeatures;

    /// <summary>The value added to the variance for stability.</summary>
    public double Eps => layer.Eps;

    /// <summary>The learned scale [numFeatures], or null when not affine.</summary>
    public Parameter? Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The learned shift [numFeatures], or null when not affine.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The running mean [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningMean => Opt.Wrap(layer.RunningMean);

    /// <summary>The running variance [numFeatures] (a buffer), or null when not tracked.</summary>
    public Tensor? RunningVar => Opt.Wrap(layer.RunningVar);

    /// <summary>The number of batches seen in training mode (an int64 buffer), or null when not tracked.</summary>
    public Tensor? NumBatchesTracked => Opt.Wrap(layer.NumBatchesTracked);

    /// <summary>Resets the running statistics (mean 0, variance 1, no batches).</summary>
    public void ResetRunningStats() => layer.ResetRunningStats();

    /// <summary>The normalised input: batch statistics in training mode, running statistics in
    /// evaluation mode (when tracked).</summary>
    /// <param name="input">The input [batch, numFeatures, ...].</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>Layer normalisation over the last dimensions (PyTorch's <c>nn.LayerNorm</c>): each
/// sample's values over <c>normalizedShape</c> get mean 0 and variance 1, then a learned scale and shift.</summary>
public sealed class LayerNorm : Module
{
    private readonly F.NN.LayerNorm layer;

    // PyTorch takes an int or a list for normalized_shape; both forms take the same named options.
#pragma warning disable RS0026 // two overloads with optional parameters
    /// <summary>Layer normalisation over the last dimension, of size <paramref name="normalizedShape"/>.</summary>
    /// <param name="normalizedShape">The size of the last dimension.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="elementwiseAffine">Whether the layer has a learned scale and shift.</param>
    /// <param name="bias">Whether the layer has the learned shift (with elementwiseAffine).</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType? dtype = null, Device? device = null)
        : this(new[] { normalizedShape }, eps, elementwiseAffine, bias, dtype, device)
    {
    }

    /// <summary>Layer normalisation over the last dimensions, whose sizes are <paramref name="normalizedShape"/>.</summary>
    /// <param name="normalizedShape">The sizes of the last dimensions.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="elementwiseAffine">Whether the layer has a learned scale and shift.</param>
    /// <param name="bias">Whether the layer has the learned shift (with elementwiseAffine).</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType? dtype = null, Device? device = null)
        : base(new F.NN.LayerNorm(normalizedShape ?? throw new ArgumentNullException(nameof(normalizedShape)), FSharpOption<double>.Some(eps),
            FSharpOption<bool>.Some(elementwiseAffine), FSharpOption<bool>.Some(bias), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.LayerNorm)Core;
#pragma warning restore RS0026

    /// <summary>The sizes of the normalised (last) dimensions.</summary>
    public int[] NormalizedShape => layer.NormalizedShape;

    /// <summary>The learned scale, shaped as normalizedShape, or null.</summary>
    public Parameter? Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The learned shift, shaped as normalizedShape, or null.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The normalised input.</summary>
    /// <param name="input">The input [*, normalizedShape].</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}

/// <summary>Group normalisation (PyTorch's <c>nn.GroupNorm</c>): the channels split into groups,
/// each sample's group normalised, then a learned per-channel scale and shift.</summary>
public sealed class GroupNorm : Module
{
    private readonly F.NN.GroupNorm layer;

    /// <summary>A group-normalisation layer.</summary>
    /// <param name="numGroups">The number of groups (dividing numChannels).</param>
    /// <param name="numChannels">The number of channels C.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="affine">Whether the layer has a learned scale and shift.</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true, DType? dtype = null, Device? device = null)
        : base(new F.NN.GroupNorm(numGroups, numChannels, FSharpOption<double>.Some(eps), FSharpOption<bool>.Some(affine), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.GroupNorm)Core;

    /// <summary>The learned scale [numChannels], or null.</summary>
    public Parameter? Weight => Parameter.Wrap(layer.Weight);

    /// <summary>The learned shift [numChannels], or null.</summary>
    public Parameter? Bias => Parameter.Wrap(layer.Bias);

    /// <summary>The normalised input.</summary>
    /// <param name="input">The input [batch, C, ...].</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}
