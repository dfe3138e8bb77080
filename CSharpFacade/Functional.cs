using System;
using Microsoft.FSharp.Core;
using F = global::Nabla;
using M = global::Nabla.TensorModule;
using static Nabla.CSharp.OpArgs;

namespace Nabla.CSharp;

/// <summary>Neural-network functions on tensors, PyTorch's <c>torch.nn.functional</c> (<c>F.conv2d</c>, <c>F.layer_norm</c>,
/// <c>F.relu</c>, ...): convolution, pooling, normalisation, dropout, embedding, attention, distances, padding and the
/// activations. Every function is differentiable.</summary>
public static class Functional
{
    private static Tensor W(F.Tensor t) => Tensor.Wrap(t);

    // ------------------------------------------------------------ linear layers

    /// <summary>x·Wᵀ + b over the last dimension (PyTorch's <c>F.linear</c>).</summary>
    /// <param name="input">[..., in].</param>
    /// <param name="weight">[out, in].</param>
    /// <param name="bias">[out], or null for none.</param>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        W(bias is null ? M.linearNoBias(Of(weight), Of(input)) : M.linear(Of(weight), bias.Value, Of(input)));

    /// <summary>y[..., k] = x1ᵀ·W[k]·x2 + b[k] (PyTorch's <c>F.bilinear</c>).</summary>
    /// <param name="input1">[..., in1].</param>
    /// <param name="input2">[..., in2].</param>
    /// <param name="weight">[out, in1, in2].</param>
    /// <param name="bias">[out], or null for none.</param>
    public static Tensor Bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias = null) =>
        W(M.bilinear(Of(weight), Opt(bias), Of(input1), Of(input2)));

    // ------------------------------------------------------------ convolution

    /// <summary>A 1-D convolution (cross-correlation) of [N, C, L] or [C, L] inputs (PyTorch's <c>F.conv1d</c>).</summary>
    /// <param name="input">[N, C_in, L] or [C_in, L].</param>
    /// <param name="weight">[C_out, C_in / groups, K].</param>
    /// <param name="bias">[C_out], or null.</param>
    /// <param name="stride">The step between windows.</param>
    /// <param name="padding">Zeros added on both sides.</param>
    /// <param name="dilation">The spacing of the kernel's taps.</param>
    /// <param name="groups">Input and output channels split into this many independent groups.</param>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        W(F.TensorExtensions.Conv1d(Of(input), Of(weight), bias?.Value!, stride, padding, dilation, groups));

    /// <summary>A 2-D convolution (cross-correlation) of [N, C, H, W] or [C, H, W] inputs with the same stride, padding
    /// and dilation in both directions (PyTorch's <c>F.conv2d</c>).</summary>
    /// <param name="input">[N, C_in, H, W] or [C_in, H, W].</param>
    /// <param name="weight">[C_out, C_in / groups, kH, kW].</param>
    /// <param name="bias">[C_out], or null.</param>
    /// <param name="stride">The step between windows.</param>
    /// <param name="padding">Zeros added on every side.</param>
    /// <param name="dilation">The spacing of the kernel's taps.</param>
    /// <param name="groups">Input and output channels split into this many independent groups.</param>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        W(F.TensorExtensions.Conv2d(Of(input), Of(weight), bias?.Value!, new[] { stride, stride }, new[] { padding, padding }, new[] { dilation, dilation }, groups));

    /// <summary>A 2-D convolution with (height, width) strides, paddings and dilations (PyTorch's <c>F.conv2d</c> with tuples).</summary>
    /// <param name="input">[N, C_in, H, W] or [C_in, H, W].</param>
    /// <param name="weight">[C_out, C_in / groups, kH, kW].</param>
    /// <param name="bias">[C_out], or null.</param>
    /// <param name="stride">One or two values (height, width).</param>
    /// <param name="padding">One or two values (height, width).</param>
    /// <param name="dilation">One or two values; null for 1.</param>
    /// <param name="groups">Input and output channels split into this many independent groups.</param>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[]? dilation = null, int groups = 1) =>
        W(F.TensorExtensions.Conv2d(Of(input), Of(weight), bias?.Value!, Arr(stride), Arr(padding), dilation!, groups));

    /// <summary>A 1-D transposed convolution, the gradient of <see cref="Conv1d"/> with respect to its input (PyTorch's <c>F.conv_transpose1d</c>).</summary>
    /// <param name="input">[N, C_in, L] or [C_in, L].</param>
    /// <param name="weight">[C_in, C_out / groups, K].</param>
    /// <param name="bias">[C_out], or null.</param>
    /// <param name="stride">The stride of the matching convolution.</param>
    /// <param name="padding">The padding of the matching convolution.</param>
    /// <param name="outputPadding">Extra size added on one side of the output.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="dilation">The spacing of the kernel's taps.</param>
    public static Tensor ConvTranspose1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1) =>
        W(F.TensorExtensions.ConvTranspose1d(Of(input), Of(weight), bias?.Value!, stride, padding, outputPadding, groups, dilation));

    /// <summary>A 2-D transposed convolution, the gradient of <see cref="Conv2d(Tensor, Tensor, Tensor?, int, int, int, int)"/>
    /// with respect to its input (PyTorch's <c>F.conv_transpose2d</c>).</summary>
    /// <param name="input">[N, C_in, H, W] or [C_in, H, W].</param>
    /// <param name="weight">[C_in, C_out / groups, kH, kW].</param>
    /// <param name="bias">[C_out], or null.</param>
    /// <param name="stride">The stride of the matching convolution.</param>
    /// <param name="padding">The padding of the matching convolution.</param>
    /// <param name="outputPadding">Extra size added on one side of each output dimension.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="dilation">The spacing of the kernel's taps.</param>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1) =>
        W(F.TensorExtensions.ConvTranspose2d(Of(input), Of(weight), bias?.Value!, new[] { stride }, new[] { padding }, new[] { outputPadding }, groups, new[] { dilation }));

    /// <summary>A 2-D transposed convolution with (height, width) values (PyTorch's <c>F.conv_transpose2d</c> with tuples).</summary>
    /// <param name="input">[N, C_in, H, W] or [C_in, H, W].</param>
    /// <param name="weight">[C_in, C_out / groups, kH, kW].</param>
    /// <param name="bias">[C_out], or null.</param>
    /// <param name="stride">One or two values.</param>
    /// <param name="padding">One or two values.</param>
    /// <param name="outputPadding">One or two values; null for 0.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="dilation">One or two values; null for 1.</param>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[]? outputPadding = null, int groups = 1, int[]? dilation = null) =>
        W(F.TensorExtensions.ConvTranspose2d(Of(input), Of(weight), bias?.Value!, Arr(stride), Arr(padding), outputPadding!, groups, dilation!));

    // ------------------------------------------------------------ pooling

    /// <summary>The maximum over kernelSize×kernelSize windows of [N, C, H, W] or [C, H, W] (PyTorch's <c>F.max_pool2d</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="kernelSize">The window size.</param>
    /// <param name="stride">The step between windows; null for the window size.</param>
    /// <param name="padding">Implicit −∞ padding on every side.</param>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0) =>
        W(F.TensorExtensions.MaxPool2d(Of(input), new[] { kernelSize }, new[] { stride ?? kernelSize }, new[] { padding }));

    /// <summary>The maximum over windows with (height, width) sizes (PyTorch's <c>F.max_pool2d</c> with tuples).</summary>
    /// <param name="input">The input.</param>
    /// <param name="kernelSize">One or two values.</param>
    /// <param name="stride">One or two values; null for the window size.</param>
    /// <param name="padding">One or two values; null for 0.</param>
    public static Tensor MaxPool2d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null) =>
        W(F.TensorExtensions.MaxPool2d(Of(input), Arr(kernelSize), stride!, padding!));

    /// <summary>The mean over kernelSize×kernelSize windows of [N, C, H, W] or [C, H, W] (PyTorch's <c>F.avg_pool2d</c>, zero padding counted).</summary>
    /// <param name="input">The input.</param>
    /// <param name="kernelSize">The window size.</param>
    /// <param name="stride">The step between windows; null for the window size.</param>
    /// <param name="padding">Zero padding on every side.</param>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0) =>
        W(F.TensorExtensions.AvgPool2d(Of(input), new[] { kernelSize }, new[] { stride ?? kernelSize }, new[] { padding }));

    /// <summary>The mean over windows with (height, width) sizes (PyTorch's <c>F.avg_pool2d</c> with tuples).</summary>
    /// <param name="input">The input.</param>
    /// <param name="kernelSize">One or two values.</param>
    /// <param name="stride">One or two values; null for the window size.</param>
    /// <param name="padding">One or two values; null for 0.</param>
    public static Tensor AvgPool2d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null) =>
        W(F.TensorExtensions.AvgPool2d(Of(input), Arr(kernelSize), stride!, padding!));

    /// <summary>The mean over adaptive windows giving a fixed output length (PyTorch's <c>F.adaptive_avg_pool1d</c>).</summary>
    /// <param name="input">[N, C, L] or [C, L].</param>
    /// <param name="outputSize">The output length.</param>
    public static Tensor AdaptiveAvgPool1d(Tensor input, int outputSize) => W(M.adaptiveAvgPool1d(outputSize, Of(input)));

    /// <summary>The mean over adaptive windows giving a fixed outputSize×outputSize output (PyTorch's <c>F.adaptive_avg_pool2d</c>).</summary>
    /// <param name="input">[N, C, H, W] or [C, H, W].</param>
    /// <param name="outputSize">The output height and width.</param>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int outputSize) =>
        W(M.adaptiveAvgPool2d(outputSize, outputSize, Of(input)));

    /// <summary>The mean over adaptive windows giving a fixed (height, width) output (PyTorch's <c>F.adaptive_avg_pool2d</c>).</summary>
    /// <param name="input">[N, C, H, W] or [C, H, W].</param>
    /// <param name="outputHeight">The output height.</param>
    /// <param name="outputWidth">The output width.</param>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int outputHeight, int outputWidth) =>
        W(M.adaptiveAvgPool2d(outputHeight, outputWidth, Of(input)));

    // ------------------------------------------------------------ normalisation

    /// <summary>Batch normalisation over dimension 1 (PyTorch's <c>F.batch_norm</c>): with <paramref name="training"/> the
    /// batch statistics are used and the running ones (if given) updated in place with <paramref name="momentum"/>;
    /// otherwise the running statistics are used.</summary>
    /// <param name="input">[N, C, ...].</param>
    /// <param name="runningMean">[C] running means, or null.</param>
    /// <param name="runningVar">[C] running variances, or null.</param>
    /// <param name="weight">[C] scales γ, or null.</param>
    /// <param name="bias">[C] shifts β, or null.</param>
    /// <param name="training">Use (and update) batch statistics.</param>
    /// <param name="momentum">The weight of the new statistics in the running ones.</param>
    /// <param name="eps">Added to the variance.</param>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        W(M.batchNorm(Opt(runningMean), Opt(runningVar), Opt(weight), Opt(bias), training, momentum, eps, Of(input)));

    /// <summary>Instance normalisation: each sample's channels normalised over their spatial dimensions (PyTorch's <c>F.instance_norm</c>).</summary>
    /// <param name="input">[N, C, ...].</param>
    /// <param name="runningMean">[C] running means, or null.</param>
    /// <param name="runningVar">[C] running variances, or null.</param>
    /// <param name="weight">[C] scales, or null.</param>
    /// <param name="bias">[C] shifts, or null.</param>
    /// <param name="useInputStats">Normalise with the input's statistics (updating the running ones), rather than the running ones.</param>
    /// <param name="momentum">The weight of the new statistics in the running ones.</param>
    /// <param name="eps">Added to the variance.</param>
    public static Tensor InstanceNorm(Tensor input, Tensor? runningMean = null, Tensor? runningVar = null, Tensor? weight = null, Tensor? bias = null, bool useInputStats = true, double momentum = 0.1, double eps = 1e-5) =>
        W(M.instanceNorm(Opt(runningMean), Opt(runningVar), Opt(weight), Opt(bias), useInputStats, momentum, eps, Of(input)));

    /// <summary>Layer normalisation over the last dimensions (PyTorch's <c>F.layer_norm</c>).</summary>
    /// <param name="input">[..., *normalizedShape].</param>
    /// <param name="normalizedShape">The trailing shape to normalise over.</param>
    /// <param name="weight">Scales of that shape, or null.</param>
    /// <param name="bias">Shifts of that shape, or null.</param>
    /// <param name="eps">Added to the variance.</param>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        W(M.layerNorm(Arr(normalizedShape), Opt(weight), Opt(bias), eps, Of(input)));

    /// <summary>Group normalisation: the channels split into groups, each normalised per sample (PyTorch's <c>F.group_norm</c>).</summary>
    /// <param name="input">[N, C, ...], C divisible by numGroups.</param>
    /// <param name="numGroups">The number of groups.</param>
    /// <param name="weight">[C] scales, or null.</param>
    /// <param name="bias">[C] shifts, or null.</param>
    /// <param name="eps">Added to the variance.</param>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        W(M.groupNorm(numGroups, Opt(weight), Opt(bias), eps, Of(input)));

    /// <summary>x / max(‖x‖ₚ, eps) along a dimension (PyTorch's <c>F.normalize</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="p">The norm's order.</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="eps">The smallest divisor.</param>
    public static Tensor Normalize(Tensor input, double p = 2.0, int dim = 1, double eps = 1e-12) => W(M.normalize(p, dim, eps, Of(input)));

    // ------------------------------------------------------------ dropout, embedding, attention, distances, padding

    /// <summary>Each element zeroed with probability <paramref name="p"/>, the others scaled by 1/(1−p), when
    /// <paramref name="training"/>; the input unchanged otherwise (PyTorch's <c>F.dropout</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="p">The probability of zeroing, in [0, 1].</param>
    /// <param name="training">Apply dropout (false: return <paramref name="input"/> itself).</param>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true)
    {
        var x = Of(input);
        return training ? W(M.dropout(p, x)) : input;
    }

    /// <summary>The rows of <paramref name="weight"/> at int64 positions: [*] indices give [*, dim] (PyTorch's <c>F.embedding</c>).</summary>
    /// <param name="input">An int64 tensor of row positions.</param>
    /// <param name="weight">[num, dim] embedding matrix.</param>
    /// <param name="paddingIdx">A row whose gradient stays zero, or null.</param>
    public static Tensor Embedding(Tensor input, Tensor weight, int? paddingIdx = null) =>
        W(M.embedding(paddingIdx is { } p ? FSharpOption<int>.Some(p) : null, Of(weight), Of(input)));

    /// <summary>softmax(Q·Kᵀ/√d + mask)·V (PyTorch's <c>F.scaled_dot_product_attention</c>).</summary>
    /// <param name="query">[..., L, d].</param>
    /// <param name="key">[..., S, d].</param>
    /// <param name="value">[..., S, dv].</param>
    /// <param name="attnMask">A bool mask (true: attend) or an additive float mask broadcasting to [..., L, S], or null.</param>
    /// <param name="isCausal">Mask out keys after each query (a lower-triangular mask).</param>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null, bool isCausal = false) =>
        W(M.scaledDotProductAttention(Opt(attnMask), isCausal, Of(query), Of(key), Of(value)));

    /// <summary>The attention weights softmax(Q·Kᵀ/√d + mask) that <see cref="ScaledDotProductAttention"/> applies to V.</summary>
    /// <param name="query">[..., L, d].</param>
    /// <param name="key">[..., S, d].</param>
    /// <param name="attnMask">A bool or additive float mask, or null.</param>
    /// <param name="isCausal">Mask out keys after each query.</param>
    public static Tensor AttentionWeights(Tensor query, Tensor key, Tensor? attnMask = null, bool isCausal = false) =>
        W(M.attentionWeights(Opt(attnMask), isCausal, Of(query), Of(key)));

    /// <summary>‖x1 − x2 + eps‖ₚ over the last dimension (PyTorch's <c>F.pairwise_distance</c>).</summary>
    /// <param name="x1">[..., d].</param>
    /// <param name="x2">[..., d], broadcasting.</param>
    /// <param name="p">The norm's order.</param>
    /// <param name="eps">Added to the difference.</param>
    /// <param name="keepDim">Keep the last dimension with size 1.</param>
    public static Tensor PairwiseDistance(Tensor x1, Tensor x2, double p = 2.0, double eps = 1e-6, bool keepDim = false) =>
        W(M.pairwiseDistance(p, eps, keepDim, Of(x1), Of(x2)));

    /// <summary>x1·x2 / max(‖x1‖·‖x2‖, eps) along a dimension (PyTorch's <c>F.cosine_similarity</c>).</summary>
    /// <param name="x1">The first input.</param>
    /// <param name="x2">The second input, broadcasting.</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    /// <param name="eps">The smallest divisor.</param>
    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, int dim = 1, double eps = 1e-8) =>
        W(M.cosineSimilarity(dim, eps, Of(x1), Of(x2)));

    /// <summary>Constant padding as PyTorch's <c>F.pad(input, pad, value=value)</c>: <paramref name="pad"/> lists (before, after)
    /// pairs starting with the LAST dimension, e.g. <c>[1, 1, 2, 2]</c> pads the last dimension by 1 and the one before by 2.</summary>
    /// <param name="input">The input.</param>
    /// <param name="pad">An even number of non-negative sizes, last dimension first.</param>
    /// <param name="value">The fill value.</param>
    public static Tensor Pad(Tensor input, int[] pad, double value = 0.0)
    {
        Arr(pad);
        if (pad.Length % 2 != 0)
            throw new ArgumentException($"pad: the padding must have an even length ((before, after) pairs, last dimension first); got {pad.Length} values.", nameof(pad));
        var k = pad.Length / 2;
        var pairs = new Tuple<int, int>[k];
        for (var i = 0; i < k; i++) pairs[k - 1 - i] = Tuple.Create(pad[2 * i], pad[2 * i + 1]);
        return W(M.pad(pairs, value, Of(input)));
    }

    // ------------------------------------------------------------ activations (as static functions)

    /// <summary>max(x, 0) (PyTorch's <c>F.relu</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Relu(Tensor input) => W(M.relu(Of(input)));

    /// <summary>min(max(x, 0), 6) (PyTorch's <c>F.relu6</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Relu6(Tensor input) => W(M.relu6(Of(input)));

    /// <summary>x for x &gt; 0, negativeSlope·x otherwise (PyTorch's <c>F.leaky_relu</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="negativeSlope">The slope below zero.</param>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) => W(M.leakyRelu(negativeSlope, Of(input)));

    /// <summary>x for x &gt; 0, α(eˣ − 1) otherwise (PyTorch's <c>F.elu</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="alpha">α.</param>
    public static Tensor Elu(Tensor input, double alpha = 1.0) => W(M.elu(alpha, Of(input)));

    /// <summary>The scaled ELU (PyTorch's <c>F.selu</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Selu(Tensor input) => W(M.selu(Of(input)));

    /// <summary>max(0, x) + min(0, α(e^(x/α) − 1)) (PyTorch's <c>F.celu</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="alpha">α.</param>
    public static Tensor Celu(Tensor input, double alpha = 1.0) => W(M.celu(alpha, Of(input)));

    /// <summary>x·Φ(x) (PyTorch's <c>F.gelu</c>); <c>approximate: "tanh"</c> uses the tanh formula.</summary>
    /// <param name="input">The input.</param>
    /// <param name="approximate">"none" or "tanh".</param>
    public static Tensor Gelu(Tensor input, string approximate = "none")
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Gelu(approximate);
    }

    /// <summary>1 / (1 + e⁻ˣ) (PyTorch's <c>F.sigmoid</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Sigmoid(Tensor input) => W(M.sigmoid(Of(input)));

    /// <summary>The hyperbolic tangent (PyTorch's <c>F.tanh</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Tanh(Tensor input) => W(M.tanh(Of(input)));

    /// <summary>log(sigmoid(x)) (PyTorch's <c>F.logsigmoid</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor LogSigmoid(Tensor input) => W(M.logSigmoid(Of(input)));

    /// <summary>x·sigmoid(x) (PyTorch's <c>F.silu</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Silu(Tensor input) => W(M.silu(Of(input)));

    /// <summary>x·tanh(softplus(x)) (PyTorch's <c>F.mish</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Mish(Tensor input) => W(M.mish(Of(input)));

    /// <summary>log(1 + e^(βx))/β, linear above threshold/β (PyTorch's <c>F.softplus</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="beta">β.</param>
    /// <param name="threshold">Above β·x &gt; threshold the result is x.</param>
    public static Tensor Softplus(Tensor input, double beta = 1.0, double threshold = 20.0)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Softplus(beta, threshold);
    }

    /// <summary>x / (1 + |x|) (PyTorch's <c>F.softsign</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Softsign(Tensor input) => W(M.softsign(Of(input)));

    /// <summary>x − tanh(x) (PyTorch's <c>F.tanhshrink</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Tanhshrink(Tensor input) => W(M.tanhshrink(Of(input)));

    /// <summary>x − λ above λ, x + λ below −λ, 0 between (PyTorch's <c>F.softshrink</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="lambda">λ.</param>
    public static Tensor Softshrink(Tensor input, double lambda = 0.5) => W(M.softshrink(lambda, Of(input)));

    /// <summary>x where |x| &gt; λ, 0 elsewhere (PyTorch's <c>F.hardshrink</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="lambda">λ.</param>
    public static Tensor Hardshrink(Tensor input, double lambda = 0.5) => W(M.hardshrink(lambda, Of(input)));

    /// <summary>x clamped to [minVal, maxVal] (PyTorch's <c>F.hardtanh</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="minVal">The lower bound.</param>
    /// <param name="maxVal">The upper bound.</param>
    public static Tensor Hardtanh(Tensor input, double minVal = -1.0, double maxVal = 1.0) => W(M.hardtanh(minVal, maxVal, Of(input)));

    /// <summary>relu6(x + 3) / 6 (PyTorch's <c>F.hardsigmoid</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Hardsigmoid(Tensor input) => W(M.hardsigmoid(Of(input)));

    /// <summary>x·relu6(x + 3) / 6 (PyTorch's <c>F.hardswish</c>).</summary>
    /// <param name="input">The input.</param>
    public static Tensor Hardswish(Tensor input) => W(M.hardswish(Of(input)));

    /// <summary>x where x &gt; threshold, value elsewhere (PyTorch's <c>F.threshold</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="threshold">The threshold.</param>
    /// <param name="value">The replacement.</param>
    public static Tensor Threshold(Tensor input, double threshold, double value) => W(M.threshold(threshold, value, Of(input)));

    /// <summary>x for x &gt; 0, weight·x otherwise (PyTorch's <c>F.prelu</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="weight">One slope, or one per channel (dimension 1).</param>
    public static Tensor Prelu(Tensor input, Tensor weight) => W(M.prelu(Of(weight), Of(input)));

    /// <summary>The gated linear unit along a dimension (PyTorch's <c>F.glu</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="dim">The dimension to halve.</param>
    public static Tensor Glu(Tensor input, int dim = -1) => W(M.glu(dim, Of(input)));

    /// <summary>exp(x) / Σ exp(x) along a dimension (PyTorch's <c>F.softmax</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public static Tensor Softmax(Tensor input, int dim) => W(M.softmax(dim, Of(input)));

    /// <summary>log(softmax(x)) along a dimension (PyTorch's <c>F.log_softmax</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public static Tensor LogSoftmax(Tensor input, int dim) => W(M.logSoftmax(dim, Of(input)));

    /// <summary>softmax(−x) along a dimension (PyTorch's <c>F.softmin</c>).</summary>
    /// <param name="input">The input.</param>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public static Tensor Softmin(Tensor input, int dim) => W(M.softmin(dim, Of(input)));
}
