using System;
using System.Linq;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Activations (instance methods and Functional statics) and the torch.nn.functional counterparts in <c>Functional</c>.</summary>
public static class FunctionalTests
{
    private static Tensor V(params double[] v) => OpsCheck.V(v);

    /// <summary>Relu, Relu6, LeakyRelu and Hardtanh on values around the kinks.</summary>
    public static void ReluFamilyByHand()
    {
        var x = V(-2, -0.5, 0.5, 7);
        OpsCheck.Values(x.Relu(), new[] { 0.0, 0, 0.5, 7 }, "Relu");
        OpsCheck.Values(x.Relu6(), new[] { 0.0, 0, 0.5, 6 }, "Relu6");
        OpsCheck.Values(x.LeakyRelu(), new[] { -0.02, -0.005, 0.5, 7 }, "LeakyRelu()", 1e-12);
        OpsCheck.Values(x.LeakyRelu(0.5), new[] { -1.0, -0.25, 0.5, 7 }, "LeakyRelu(0.5)", 1e-12);
        OpsCheck.Values(x.Hardtanh(), new[] { -1.0, -0.5, 0.5, 1 }, "Hardtanh()");
        OpsCheck.Values(x.Hardtanh(-0.25, 2), new[] { -0.25, -0.25, 0.5, 2 }, "Hardtanh(-0.25, 2)");
    }

    /// <summary>Sigmoid, LogSigmoid, Silu and Mish by their formulas.</summary>
    public static void SigmoidFamilyByFormula()
    {
        var xs = new[] { -1.5, 0, 2 };
        double Sig(double v) => 1 / (1 + Math.Exp(-v));
        OpsCheck.Values(V(xs).Sigmoid(), xs.Select(Sig).ToArray(), "Sigmoid", 1e-12);
        OpsCheck.Values(V(xs).LogSigmoid(), xs.Select(v => Math.Log(Sig(v))).ToArray(), "LogSigmoid", 1e-12);
        OpsCheck.Values(V(xs).Silu(), xs.Select(v => v * Sig(v)).ToArray(), "Silu", 1e-12);
        OpsCheck.Values(V(xs).Mish(), xs.Select(v => v * Math.Tanh(Math.Log(1 + Math.Exp(v)))).ToArray(), "Mish", 1e-12);
    }

    /// <summary>Gelu exact (x·Φ(x)) and with the tanh approximation; an unknown approximation is an ArgumentException.</summary>
    public static void GeluExactAndTanh()
    {
        OpsCheck.Values(V(1, 0, -1).Gelu(), new[] { 0.8413447460685429, 0, -0.15865525393145707 }, "exact", 1e-12);
        var t = 0.5 * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (1 + 0.044715)));
        OpsCheck.Values(V(1).Gelu("tanh"), new[] { t }, "tanh", 1e-12);
        OpsCheck.Values(Functional.Gelu(V(1), approximate: "tanh"), new[] { t }, "Functional.Gelu", 1e-12);
        Assert.Throws<ArgumentException>(() => V(1).Gelu("erf"), "gelu", "tanh");
    }

    /// <summary>Elu, Selu and Celu below and above zero.</summary>
    public static void EluSeluCeluByHand()
    {
        OpsCheck.Values(V(-1, 2).Elu(), new[] { Math.Exp(-1) - 1, 2 }, "Elu", 1e-12);
        OpsCheck.Values(V(-1).Elu(2), new[] { 2 * (Math.Exp(-1) - 1) }, "Elu(2)", 1e-12);
        const double scale = 1.0507009873554805, alpha = 1.6732632423543772;
        OpsCheck.Values(V(-1, 1).Selu(), new[] { scale * alpha * (Math.Exp(-1) - 1), scale }, "Selu", 1e-9);
        OpsCheck.Values(V(-1, 3).Celu(2), new[] { 2 * (Math.Exp(-0.5) - 1), 3 }, "Celu(2)", 1e-12);
    }

    /// <summary>Softplus (default, with β, linear past the threshold) and Softsign.</summary>
    public static void SoftplusAndSoftsign()
    {
        OpsCheck.Values(V(0).Softplus(), new[] { Math.Log(2) }, "Softplus(0)", 1e-12);
        OpsCheck.Values(V(1).Softplus(beta: 2), new[] { Math.Log(1 + Math.Exp(2)) / 2 }, "Softplus(beta: 2)", 1e-12);
        OpsCheck.Values(V(30).Softplus(threshold: 10), new[] { 30.0 }, "linear past the threshold");
        OpsCheck.Values(V(1, -3).Softsign(), new[] { 0.5, -0.75 }, "Softsign", 1e-12);
    }

    /// <summary>Softshrink, Hardshrink and Tanhshrink by hand.</summary>
    public static void ShrinkFunctions()
    {
        var x = V(-1, 0.2, 1);
        OpsCheck.Values(x.Softshrink(), new[] { -0.5, 0, 0.5 }, "Softshrink()", 1e-12);
        OpsCheck.Values(x.Softshrink(0.1), new[] { -0.9, 0.1, 0.9 }, "Softshrink(0.1)", 1e-12);
        OpsCheck.Values(x.Hardshrink(), new[] { -1.0, 0, 1 }, "Hardshrink()");
        OpsCheck.Values(V(1).Tanhshrink(), new[] { 1 - Math.Tanh(1) }, "Tanhshrink", 1e-12);
    }

    /// <summary>Hardsigmoid and Hardswish at −3, 0, 1, 3.</summary>
    public static void HardsigmoidAndHardswish()
    {
        var x = V(-3, 0, 1, 3);
        OpsCheck.Values(x.Hardsigmoid(), new[] { 0.0, 0.5, 4.0 / 6, 1 }, "Hardsigmoid", 1e-12);
        OpsCheck.Values(x.Hardswish(), new[] { 0.0, 0, 4.0 / 6, 3 }, "Hardswish", 1e-12);
    }

    /// <summary>Threshold replaces the values not above it; Prelu with one slope and per channel; Glu halves.</summary>
    public static void ThresholdPreluAndGlu()
    {
        OpsCheck.Values(V(0, 1, 2).Threshold(1, -5), new[] { -5.0, -5, 2 }, "Threshold");
        OpsCheck.Values(V(-2, 3).Prelu(V(0.25)), new[] { -0.5, 3 }, "Prelu one slope");
        var perChannel = OpsCheck.M(new double[,] { { -1, -1 }, { 2, -2 } }).Prelu(V(0.1, 0.2));
        OpsCheck.Values(perChannel, new[] { -0.1, -0.2, 2, -0.4 }, "Prelu per channel", 1e-12);
        OpsCheck.Values(V(1, 2, 0, 0).Glu(), new[] { 0.5, 1 }, "Glu", 1e-12);
        Assert.Throws<ArgumentException>(() => V(1, 2, 3).Glu(), "glu");
    }

    /// <summary>Softmax sums to 1 along its dimension; LogSoftmax is its log; Softmin is Softmax of −x.</summary>
    public static void SoftmaxLogSoftmaxAndSoftmin()
    {
        var x = OpsCheck.M(new double[,] { { 1, 2, 3 }, { 0, 0, 0 } });
        var s = x.Softmax(1);
        OpsCheck.Values(s.Sum(1), new[] { 1.0, 1 }, "rows sum to 1", 1e-12);
        OpsCheck.Values(s.Select(0, 1), new[] { 1.0 / 3, 1.0 / 3, 1.0 / 3 }, "uniform row", 1e-12);
        OpsCheck.Values(x.LogSoftmax(-1), s.Log().ToArray<double>(), "LogSoftmax = log Softmax", 1e-12);
        OpsCheck.Values(x.Softmin(1), x.Neg().Softmax(1).ToArray<double>(), "Softmin", 1e-12);
        Assert.Throws<ArgumentException>(() => x.Softmax(2), "softmax");
    }

    /// <summary>Gradients of several activations match finite differences.</summary>
    public static void ActivationGradientsMatchFiniteDifferences()
    {
        var x0 = new[] { -1.3, -0.2, 0.4, 2.1 };
        int[] s = { 4 };
        OpsCheck.GradMatchesFiniteDifferences(t => t.Gelu(), x0, s, "Gelu");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Gelu("tanh"), x0, s, "Gelu tanh");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Silu(), x0, s, "Silu");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Softplus(beta: 2), x0, s, "Softplus");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Elu(), x0, s, "Elu");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Mish(), x0, s, "Mish");
        OpsCheck.GradMatchesFiniteDifferences(t => t.LogSoftmax(0), x0, s, "LogSoftmax");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Softmax(0), x0, s, "Softmax");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Tanh().Sigmoid(), x0, s, "Sigmoid(Tanh)");
    }

    /// <summary>Every static activation of Functional equals the instance method.</summary>
    public static void FunctionalActivationsEqualTheMethods()
    {
        var x = V(-2, -0.3, 0.6, 4);
        void Same(Tensor a, Tensor b, string what) => OpsCheck.Values(a, b.ToArray<double>(), what, 0);
        Same(Functional.Relu(x), x.Relu(), "Relu");
        Same(Functional.Relu6(x), x.Relu6(), "Relu6");
        Same(Functional.LeakyRelu(x, 0.2), x.LeakyRelu(0.2), "LeakyRelu");
        Same(Functional.Elu(x, 0.5), x.Elu(0.5), "Elu");
        Same(Functional.Selu(x), x.Selu(), "Selu");
        Same(Functional.Celu(x, 0.5), x.Celu(0.5), "Celu");
        Same(Functional.Gelu(x), x.Gelu(), "Gelu");
        Same(Functional.Sigmoid(x), x.Sigmoid(), "Sigmoid");
        Same(Functional.Tanh(x), x.Tanh(), "Tanh");
        Same(Functional.LogSigmoid(x), x.LogSigmoid(), "LogSigmoid");
        Same(Functional.Silu(x), x.Silu(), "Silu");
        Same(Functional.Mish(x), x.Mish(), "Mish");
        Same(Functional.Softplus(x, 2, 5), x.Softplus(2, 5), "Softplus");
        Same(Functional.Softsign(x), x.Softsign(), "Softsign");
        Same(Functional.Tanhshrink(x), x.Tanhshrink(), "Tanhshrink");
        Same(Functional.Softshrink(x, 1), x.Softshrink(1), "Softshrink");
        Same(Functional.Hardshrink(x, 1), x.Hardshrink(1), "Hardshrink");
        Same(Functional.Hardtanh(x, -1, 2), x.Hardtanh(-1, 2), "Hardtanh");
        Same(Functional.Hardsigmoid(x), x.Hardsigmoid(), "Hardsigmoid");
        Same(Functional.Hardswish(x), x.Hardswish(), "Hardswish");
        Same(Functional.Threshold(x, 0, 9), x.Threshold(0, 9), "Threshold");
        Same(Functional.Prelu(x, V(0.3)), x.Prelu(V(0.3)), "Prelu");
        Same(Functional.Glu(x), x.Glu(), "Glu");
        Same(Functional.Softmax(x, 0), x.Softmax(0), "Softmax");
        Same(Functional.LogSoftmax(x, 0), x.LogSoftmax(0), "LogSoftmax");
        Same(Functional.Softmin(x, 0), x.Softmin(0), "Softmin");
    }

    /// <summary>Linear computes x·Wᵀ + b, with and without a bias; Bilinear x1ᵀ·W·x2 + b.</summary>
    public static void LinearAndBilinear()
    {
        var x = OpsCheck.M(new double[,] { { 1, 2 } });
        var w = OpsCheck.M(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } });
        OpsCheck.Values(Functional.Linear(x, w), new[] { 1.0, 2, 3 }, "no bias");
        OpsCheck.Values(Functional.Linear(x, w, V(10, 20, 30)), new[] { 11.0, 22, 33 }, "bias");
        var bw = OpsCheck.M(new double[,] { { 1, 2 }, { 3, 4 } }).Reshape(1, 2, 2);
        // x1ᵀ·W·x2 with x1 = [1, 2], x2 = [1, 1]: [1, 2]·[[1, 2], [3, 4]]·[1, 1] = [7, 10]·[1, 1] = 17
        OpsCheck.Values(Functional.Bilinear(x, OpsCheck.M(new double[,] { { 1, 1 } }), bw, V(0.5)), new[] { 17.5 }, "Bilinear");
        Assert.Throws<ArgumentException>(() => Functional.Linear(x, OpsCheck.Range(3, 3)), "linear");
    }

    /// <summary>Conv1d of [1, 2, 3, 4] with [1, 0, −1], without and with padding.</summary>
    public static void Conv1dByHand()
    {
        var x = V(1, 2, 3, 4).Reshape(1, 1, 4);
        var w = V(1, 0, -1).Reshape(1, 1, 3);
        OpsCheck.Values(Functional.Conv1d(x, w), new[] { -2.0, -2 }, "no padding");
        OpsCheck.Values(Functional.Conv1d(x, w, padding: 1), new[] { -2.0, -2, -2, 3 }, "padding 1");
        OpsCheck.Values(Functional.Conv1d(x, w, V(1), stride: 2, padding: 1), new[] { -1.0, -1 }, "bias, stride 2");
    }

    /// <summary>Conv2d of 1..9 with a 2×2 kernel of ones, with stride and padding, with a bias and with tuples.</summary>
    public static void Conv2dByHand()
    {
        var x = OpsCheck.Range(1, 1, 3, 3);
        var w = Tensor.Zeros(1, 1, 2, 2).Mul(V(0)) + 1.0;
        OpsCheck.Values(Functional.Conv2d(x, w), new[] { 12.0, 16, 24, 28 }, "plain");
        OpsCheck.Values(Functional.Conv2d(x, w, stride: 2, padding: 1), new[] { 1.0, 5, 11, 28 }, "stride 2, padding 1");
        OpsCheck.Values(Functional.Conv2d(x, w, V(10)), new[] { 22.0, 26, 34, 38 }, "bias");
        var tuple = Functional.Conv2d(x, w, null, new[] { 1, 2 }, new[] { 0, 1 });
        OpsCheck.Shape(tuple, new[] { 1, 1, 2, 2 }, "stride (1, 2), padding (0, 1)");
        OpsCheck.Values(tuple, new[] { 5.0, 16, 11, 28 }, "stride (1, 2), padding (0, 1)");
    }

    /// <summary>Conv2d with a channel mismatch is an ArgumentException naming conv2d.</summary>
    public static void Conv2dWithChannelMismatchThrows()
    {
        Assert.Throws<ArgumentException>(() => Functional.Conv2d(OpsCheck.Range(1, 2, 3, 3), OpsCheck.Range(1, 3, 2, 2)), "conv2d");
    }

    /// <summary>Conv2d's gradient with respect to the input and the weight matches finite differences.</summary>
    public static void Conv2dGradientMatchesFiniteDifferences()
    {
        var w = OpsCheck.V(0.5, -1, 2, 0.25).Reshape(1, 1, 2, 2);
        var x0 = new[] { 1.0, -2, 0.5, 3, 1.5, -0.5, 2, 0.25, -1 };
        OpsCheck.GradMatchesFiniteDifferences(t => Functional.Conv2d(t, w, padding: 1), x0, new[] { 1, 1, 3, 3 }, "wrt input");
        var x = Tensor.From(x0).Reshape(1, 1, 3, 3);
        OpsCheck.GradMatchesFiniteDifferences(t => Functional.Conv2d(x, t, stride: 2), new[] { 0.5, -1, 2, 0.25 }, new[] { 1, 1, 2, 2 }, "wrt weight");
    }

    /// <summary>ConvTranspose1d and ConvTranspose2d spread each input over the kernel.</summary>
    public static void ConvTransposeByHand()
    {
        OpsCheck.Values(Functional.ConvTranspose1d(V(1, 2).Reshape(1, 1, 2), V(1, 1).Reshape(1, 1, 2)), new[] { 1.0, 3, 2 }, "1d");
        var w = Tensor.Zeros(1, 1, 2, 2).Mul(V(0)) + 1.0;
        var y = Functional.ConvTranspose2d(OpsCheck.Range(1, 1, 2, 2), w, stride: 2);
        OpsCheck.Shape(y, new[] { 1, 1, 4, 4 }, "2d stride 2");
        OpsCheck.Values(y, new[] { 1.0, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, "2d stride 2");
        var t = Functional.ConvTranspose2d(OpsCheck.Range(1, 1, 2, 2), w, null, new[] { 2, 2 }, new[] { 0, 0 }, outputPadding: new[] { 1, 0 });
        OpsCheck.Shape(t, new[] { 1, 1, 5, 4 }, "2d with output padding");
    }

    /// <summary>MaxPool2d and AvgPool2d of 1..16 in 2×2 windows; with tuples and strides.</summary>
    public static void PoolingByHand()
    {
        var x = OpsCheck.Range(1, 1, 4, 4);
        OpsCheck.Values(Functional.MaxPool2d(x, 2), new[] { 6.0, 8, 14, 16 }, "MaxPool2d(2)");
        OpsCheck.Values(Functional.AvgPool2d(x, 2), new[] { 3.5, 5.5, 11.5, 13.5 }, "AvgPool2d(2)");
        OpsCheck.Shape(Functional.MaxPool2d(x, 2, stride: 1), new[] { 1, 1, 3, 3 }, "MaxPool2d stride 1");
        OpsCheck.Values(Functional.MaxPool2d(x, new[] { 1, 4 }), new[] { 4.0, 8, 12, 16 }, "MaxPool2d (1, 4)");
        OpsCheck.Values(Functional.AvgPool2d(x, new[] { 4, 1 }, new[] { 4, 2 }), new[] { 7.0, 9 }, "AvgPool2d (4, 1) stride (4, 2)");
    }

    /// <summary>Pooling windows given as more than two values are an ArgumentException naming the op.</summary>
    public static void PoolingWithBadWindowThrows()
    {
        var x = OpsCheck.Range(1, 1, 4, 4);
        Assert.Throws<ArgumentException>(() => Functional.MaxPool2d(x, new[] { 2, 2, 2 }), "maxPool2d", "kernel");
        Assert.Throws<ArgumentException>(() => Functional.AvgPool2d(x, new[] { 2 }, stride: new[] { 1, 1, 1 }), "avgPool2d", "stride");
    }

    /// <summary>Gradients of pooling, layer normalisation and attention match finite differences.</summary>
    public static void PoolingNormAndAttentionGradientsMatchFiniteDifferences()
    {
        var x0 = new[] { 1.0, -2, 0.5, 3, 1.5, -0.5, 2, 0.25, -1, 0.75, 2.5, -3, 0.1, 0.2, -0.3, 1.1 };
        OpsCheck.GradMatchesFiniteDifferences(t => Functional.MaxPool2d(t, 2), x0, new[] { 1, 1, 4, 4 }, "MaxPool2d");
        OpsCheck.GradMatchesFiniteDifferences(t => Functional.AvgPool2d(t, 2, stride: 1), x0, new[] { 1, 1, 4, 4 }, "AvgPool2d");
        OpsCheck.GradMatchesFiniteDifferences(t => Functional.LayerNorm(t, new[] { 4 }), x0, new[] { 4, 4 }, "LayerNorm", 1e-5);
        var k = OpsCheck.Range(4, 4) / 10.0;
        OpsCheck.GradMatchesFiniteDifferences(q => Functional.ScaledDotProductAttention(q, k, k, isCausal: true), x0, new[] { 4, 4 }, "attention wrt query");
    }

    /// <summary>Adaptive average pooling to a fixed size.</summary>
    public static void AdaptiveAvgPoolByHand()
    {
        OpsCheck.Values(Functional.AdaptiveAvgPool1d(V(1, 2, 3, 4).Reshape(1, 1, 4), 2), new[] { 1.5, 3.5 }, "1d");
        OpsCheck.Values(Functional.AdaptiveAvgPool2d(OpsCheck.Range(1, 1, 4, 4), 1), new[] { 8.5 }, "2d to 1");
        OpsCheck.Values(Functional.AdaptiveAvgPool2d(OpsCheck.Range(1, 1, 4, 4), 1, 2), new[] { 7.5, 9.5 }, "2d to (1, 2)");
    }

    /// <summary>BatchNorm in training normalises each channel and updates the running statistics; in evaluation it uses them.</summary>
    public static void BatchNormTrainingAndEvaluation()
    {
        var x = OpsCheck.M(new double[,] { { 1, 10 }, { 3, 30 } });
        var mean = V(0, 0);
        var variance = V(1, 1);
        var y = Functional.BatchNorm(x, mean, variance, training: true, eps: 0);
        OpsCheck.Values(y, new[] { -1.0, -1, 1, 1 }, "normalised", 1e-9);
        // running = 0.9·old + 0.1·batch (unbiased variance: 2 and 200)
        OpsCheck.Values(mean, new[] { 0.2, 2 }, "running mean", 1e-12);
        OpsCheck.Values(variance, new[] { 0.9 + 0.2, 0.9 + 20 }, "running var", 1e-12);
        var eval = Functional.BatchNorm(x, V(1, 10), V(4, 100), weight: V(2, 1), bias: V(0, 5), eps: 0);
        OpsCheck.Values(eval, new[] { 0.0, 5, 2, 7 }, "evaluation", 1e-12);
    }

    /// <summary>LayerNorm over the last dimension; GroupNorm and InstanceNorm normalise per sample.</summary>
    public static void LayerGroupAndInstanceNorm()
    {
        var x = OpsCheck.M(new double[,] { { 1, 2, 3 } });
        var d = Math.Sqrt(2.0 / 3 + 1e-5);
        OpsCheck.Values(Functional.LayerNorm(x, new[] { 3 }), new[] { -1 / d, 0, 1 / d }, "LayerNorm", 1e-12);
        OpsCheck.Values(Functional.LayerNorm(x, new[] { 3 }, V(1, 1, 2), V(0, 1, 0)), new[] { -1 / d, 1, 2 / d }, "LayerNorm affine", 1e-12);
        var g = Functional.GroupNorm(OpsCheck.Range(1, 4, 1), 2, eps: 0);
        OpsCheck.Values(g, new[] { -1.0, 1, -1, 1 }, "GroupNorm", 1e-9);
        var i = Functional.InstanceNorm(OpsCheck.Range(1, 2, 2), eps: 0);
        OpsCheck.Values(i, new[] { -1.0, 1, -1, 1 }, "InstanceNorm", 1e-9);
        Assert.Throws<ArgumentException>(() => Functional.GroupNorm(OpsCheck.Range(1, 3, 1), 2), "groupNorm");
    }

    /// <summary>Dropout in training zeroes or scales by 1/(1−p); with training false it returns the input's values.</summary>
    public static void DropoutTrainingAndEvaluation()
    {
        var x = Tensor.Zeros(1000).Mul(V(0)) + 1.0;
        var values = Functional.Dropout(x, 0.5).ToArray<double>();
        Assert.True(values.All(v => v == 0 || v == 2), "zeros and twos");
        var zeros = values.Count(v => v == 0);
        Assert.True(zeros > 350 && zeros < 650, $"about half zeroed: {zeros}");
        Assert.True(ReferenceEquals(Functional.Dropout(x, 0.5, training: false), x), "evaluation returns the input");
        Assert.Throws<ArgumentException>(() => Functional.Dropout(x, 1.5), "dropout");
    }

    /// <summary>Embedding picks rows; the padding row's gradient stays zero.</summary>
    public static void EmbeddingPicksRowsAndSkipsThePaddingGradient()
    {
        var w = OpsCheck.Range(3, 2).RequiresGrad();
        var e = Functional.Embedding(OpsCheck.Long(2, 0, 2), w, paddingIdx: 0);
        OpsCheck.Shape(e, new[] { 3, 2 }, "shape");
        OpsCheck.Values(e, new[] { 5.0, 6, 1, 2, 5, 6 }, "rows");
        e.Sum().Backward();
        OpsCheck.Values(w.Grad!, new[] { 0.0, 0, 0, 0, 2, 2 }, "grad");
        Assert.Throws<ArgumentException>(() => Functional.Embedding(OpsCheck.Long(3), OpsCheck.Range(3, 2)), "embedding");
    }

    /// <summary>Attention with equal keys averages the values; causal attention lets the first query see only the first key.</summary>
    public static void ScaledDotProductAttentionByHand()
    {
        var q = OpsCheck.M(new double[,] { { 1, 0 }, { 0, 1 } });
        var k = OpsCheck.M(new double[,] { { 1, 1 }, { 1, 1 } });
        var v = OpsCheck.M(new double[,] { { 2, 4 }, { 6, 8 } });
        OpsCheck.Values(Functional.ScaledDotProductAttention(q, k, v), new[] { 4.0, 6, 4, 6 }, "equal keys", 1e-12);
        var causal = Functional.ScaledDotProductAttention(q, k, v, isCausal: true);
        OpsCheck.Values(causal.Select(0, 0), new[] { 2.0, 4 }, "causal first row", 1e-12);
        var mask = OpsCheck.M(new double[,] { { 0, 1 }, { 1, 1 } }).Gt(0);
        OpsCheck.Values(Functional.ScaledDotProductAttention(q, k, v, attnMask: mask).Select(0, 0), new[] { 6.0, 8 }, "bool mask", 1e-12);
        var weights = Functional.AttentionWeights(q, k, isCausal: true);
        OpsCheck.Values(weights, new[] { 1.0, 0, 0.5, 0.5 }, "weights", 1e-12);
    }

    /// <summary>Normalize gives unit rows; PairwiseDistance and CosineSimilarity by hand.</summary>
    public static void NormalizeDistanceAndSimilarity()
    {
        var x = OpsCheck.M(new double[,] { { 3, 4 }, { 0, 2 } });
        OpsCheck.Values(Functional.Normalize(x), new[] { 0.6, 0.8, 0, 1 }, "Normalize", 1e-12);
        OpsCheck.Values(Functional.Normalize(x, p: 1, dim: 0), new[] { 1.0, 4.0 / 6, 0, 2.0 / 6 }, "Normalize(p 1, dim 0)", 1e-12);
        OpsCheck.Values(Functional.PairwiseDistance(x, Tensor.Zeros(2, 2).Mul(V(0)), eps: 0), new[] { 5.0, 2 }, "PairwiseDistance", 1e-12);
        OpsCheck.Shape(Functional.PairwiseDistance(x, x, keepDim: true), new[] { 2, 1 }, "keepDim");
        OpsCheck.Values(Functional.CosineSimilarity(V(1, 0), V(0, 1), dim: 0), new[] { 0.0 }, "orthogonal", 1e-12);
        OpsCheck.Values(Functional.CosineSimilarity(x, x), new[] { 1.0, 1 }, "self", 1e-12);
    }

    /// <summary>Pad lists the last dimension first, as PyTorch's F.pad; an odd length is an ArgumentException.</summary>
    public static void PadUsesPyTorchOrder()
    {
        var x = OpsCheck.Range(2, 2);
        var left = Functional.Pad(x, new[] { 1, 0 });
        OpsCheck.Shape(left, new[] { 2, 3 }, "last dimension");
        OpsCheck.Values(left, new[] { 0.0, 1, 2, 0, 3, 4 }, "last dimension");
        var rows = Functional.Pad(x, new[] { 0, 0, 1, 1 }, value: 9);
        OpsCheck.Shape(rows, new[] { 4, 2 }, "first dimension");
        OpsCheck.Values(rows, new[] { 9.0, 9, 1, 2, 3, 4, 9, 9 }, "first dimension");
        Assert.Throws<ArgumentException>(() => Functional.Pad(x, new[] { 1 }), "pad", "even");
        Assert.Throws<ArgumentException>(() => Functional.Pad(x, new[] { -1, 0 }), "pad");
    }
}
