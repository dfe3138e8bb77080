using System;
using F = global::Nabla;
using M = global::Nabla.TensorModule;

namespace Nabla.CSharp;

public partial class Tensor
{
    /// <summary>max(x, 0) for every element (PyTorch's <c>torch.relu</c>).</summary>
    public Tensor Relu() => Wrap(M.relu(Value));

    /// <summary>min(max(x, 0), 6) for every element (PyTorch's <c>F.relu6</c>).</summary>
    public Tensor Relu6() => Wrap(M.relu6(Value));

    /// <summary>x for x &gt; 0, <paramref name="negativeSlope"/>·x otherwise (PyTorch's <c>F.leaky_relu</c>).</summary>
    /// <param name="negativeSlope">The slope below zero.</param>
    public Tensor LeakyRelu(double negativeSlope = 0.01) => Wrap(M.leakyRelu(negativeSlope, Value));

    /// <summary>x for x &gt; 0, α(eˣ − 1) otherwise (PyTorch's <c>F.elu</c>).</summary>
    /// <param name="alpha">α.</param>
    public Tensor Elu(double alpha = 1.0) => Wrap(M.elu(alpha, Value));

    /// <summary>The scaled ELU with PyTorch's constants (PyTorch's <c>F.selu</c>).</summary>
    public Tensor Selu() => Wrap(M.selu(Value));

    /// <summary>max(0, x) + min(0, α(e^(x/α) − 1)) (PyTorch's <c>F.celu</c>).</summary>
    /// <param name="alpha">α.</param>
    public Tensor Celu(double alpha = 1.0) => Wrap(M.celu(alpha, Value));

    /// <summary>x·Φ(x), Φ the standard normal CDF (PyTorch's <c>F.gelu</c>); <c>approximate: "tanh"</c> uses the tanh formula.</summary>
    /// <param name="approximate">"none" (exact, the default) or "tanh".</param>
    public Tensor Gelu(string approximate = "none") => approximate switch
    {
        "none" => Wrap(M.gelu(Value)),
        "tanh" => Wrap(M.geluTanh(Value)),
        null => throw new ArgumentNullException(nameof(approximate)),
        _ => throw new ArgumentException($"gelu: approximate must be \"none\" or \"tanh\"; got \"{approximate}\".", nameof(approximate)),
    };

    /// <summary>1 / (1 + e⁻ˣ) for every element (PyTorch's <c>torch.sigmoid</c>).</summary>
    public Tensor Sigmoid() => Wrap(M.sigmoid(Value));

    /// <summary>log(sigmoid(x)), computed stably (PyTorch's <c>F.logsigmoid</c>).</summary>
    public Tensor LogSigmoid() => Wrap(M.logSigmoid(Value));

    /// <summary>x·sigmoid(x), also called swish (PyTorch's <c>F.silu</c>).</summary>
    public Tensor Silu() => Wrap(M.silu(Value));

    /// <summary>x·tanh(softplus(x)) (PyTorch's <c>F.mish</c>).</summary>
    public Tensor Mish() => Wrap(M.mish(Value));

    /// <summary>log(1 + e^(βx))/β, linear above <paramref name="threshold"/>/β (PyTorch's <c>F.softplus</c>).</summary>
    /// <param name="beta">β.</param>
    /// <param name="threshold">Above β·x &gt; threshold the result is x.</param>
    public Tensor Softplus(double beta = 1.0, double threshold = 20.0) =>
        Wrap(beta == 1.0 && threshold == 20.0 ? M.softplus(Value) : M.softplusWith(beta, threshold, Value));

    /// <summary>x / (1 + |x|) (PyTorch's <c>F.softsign</c>).</summary>
    public Tensor Softsign() => Wrap(M.softsign(Value));

    /// <summary>x − tanh(x) (PyTorch's <c>F.tanhshrink</c>).</summary>
    public Tensor Tanhshrink() => Wrap(M.tanhshrink(Value));

    /// <summary>x − λ above λ, x + λ below −λ, 0 between (PyTorch's <c>F.softshrink</c>).</summary>
    /// <param name="lambda">λ ≥ 0.</param>
    public Tensor Softshrink(double lambda = 0.5) => Wrap(M.softshrink(lambda, Value));

    /// <summary>x where |x| &gt; λ, 0 elsewhere (PyTorch's <c>F.hardshrink</c>).</summary>
    /// <param name="lambda">λ ≥ 0.</param>
    public Tensor Hardshrink(double lambda = 0.5) => Wrap(M.hardshrink(lambda, Value));

    /// <summary>x clamped to [min, max] (PyTorch's <c>F.hardtanh</c>).</summary>
    /// <param name="minVal">The lower bound.</param>
    /// <param name="maxVal">The upper bound.</param>
    public Tensor Hardtanh(double minVal = -1.0, double maxVal = 1.0) => Wrap(M.hardtanh(minVal, maxVal, Value));

    /// <summary>relu6(x + 3) / 6 (PyTorch's <c>F.hardsigmoid</c>).</summary>
    public Tensor Hardsigmoid() => Wrap(M.hardsigmoid(Value));

    /// <summary>x·relu6(x + 3) / 6 (PyTorch's <c>F.hardswish</c>).</summary>
    public Tensor Hardswish() => Wrap(M.hardswish(Value));

    /// <summary>x where x &gt; threshold, <paramref name="value"/> elsewhere (PyTorch's <c>F.threshold</c>).</summary>
    /// <param name="threshold">The threshold.</param>
    /// <param name="value">The replacement.</param>
    public Tensor Threshold(double threshold, double value) => Wrap(M.threshold(threshold, value, Value));

    /// <summary>x for x &gt; 0, weight·x otherwise, with one learnable slope or one per channel (dimension 1) (PyTorch's <c>F.prelu</c>).</summary>
    /// <param name="weight">The slopes: one element, or one per channel.</param>
    public Tensor Prelu(Tensor weight) => Wrap(M.prelu(OpArgs.Of(weight), Value));

    /// <summary>The gated linear unit: the first half along <paramref name="dim"/> times sigmoid of the second (PyTorch's <c>F.glu</c>).</summary>
    /// <param name="dim">The dimension to halve (its size must be even); negative counts from the end.</param>
    public Tensor Glu(int dim = -1) => Wrap(M.glu(dim, Value));

    /// <summary>exp(x) / Σ exp(x) along a dimension: each slice sums to 1 (PyTorch's <c>softmax(dim)</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor Softmax(int dim) => Wrap(M.softmax(dim, Value));

    /// <summary>log(softmax(x)) along a dimension, computed stably (PyTorch's <c>log_softmax(dim)</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor LogSoftmax(int dim) => Wrap(M.logSoftmax(dim, Value));

    /// <summary>softmax(−x) along a dimension (PyTorch's <c>F.softmin</c>).</summary>
    /// <param name="dim">The dimension; negative counts from the end.</param>
    public Tensor Softmin(int dim) => Wrap(M.softmin(dim, Value));
}
