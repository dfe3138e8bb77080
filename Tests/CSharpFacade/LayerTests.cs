using System;
using System.Linq;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Every built-in layer through the facade: output shapes, parameter shapes and names as
/// PyTorch's, settings, modes, and the core's errors naming the layer.</summary>
public static class LayerTests
{
    static void ParamShapes(Module m, params (string Name, int[] Shape)[] expected)
    {
        var actual = m.NamedParameters();
        Assert.Sequence(actual.Select(p => p.Name).ToArray(), expected.Select(e => e.Name).ToArray(), $"{m.GetType().Name} parameter names");
        foreach (var ((name, p), (_, shape)) in actual.Zip(expected))
            Assert.Sequence(p.Shape, shape, $"{name} shape");
    }

    /// <summary>Linear(20, 10): weight [10, 20], bias [10]; [4, 20] → [4, 10]; prints as PyTorch.</summary>
    public static void LinearShapesAndPrintout()
    {
        var l = new Linear(20, 10);
        ParamShapes(l, ("weight", new[] { 10, 20 }), ("bias", new[] { 10 }));
        M.Shape(l.Forward(Tensor.Randn(4, 20)), new[] { 4, 10 }, "output");
        Assert.Equal(l.ToString(), "Linear(in_features=20, out_features=10, bias=True)", "printout");
        Assert.Equal((l.InFeatures, l.OutFeatures), (20, 10), "features");
    }

    /// <summary>Linear without bias has no Bias; its weights are in ±1/√in (PyTorch's init).</summary>
    public static void LinearWithoutBiasAndItsInitialisation()
    {
        var l = new Linear(16, 8, bias: false);
        Assert.True(l.Bias is null, "no bias");
        Assert.Equal(l.Parameters().Count, 1, "one parameter");
        Assert.True(M.Values(l.Weight).All(v => Math.Abs(v) <= 0.25), "weights within ±1/√16");
        Assert.Equal(l.Weight.DType, DType.Float32, "float32 by default");
    }

    /// <summary>Linear with dtype float64 computes in float64; its forward is x·Wᵀ + b.</summary>
    public static void LinearComputesXWTransposedPlusB()
    {
        var l = new Linear(2, 1, dtype: DType.Float64);
        l.LoadStateDict(M.State(("weight", Tensor.From(new double[,] { { 2, -1 } })), ("bias", Tensor.From(new[] { 0.5 }))));
        M.AllClose(M.Values(l.Forward(Tensor.From(new double[,] { { 1, 1 }, { 3, 2 } }))), new[] { 1.5, 4.5 }, "output");
    }

    /// <summary>A wrong input size is the core's ArgumentException naming Linear.</summary>
    public static void LinearWrongInputShapeNamesTheLayer() =>
        Assert.Throws<ArgumentException>(() => new Linear(3, 2).Forward(Tensor.Randn(4, 5)), "inear");

    /// <summary>Invalid sizes are rejected by the core, naming the layer and argument.</summary>
    public static void LinearRejectsNonPositiveSizes() =>
        Assert.Throws<ArgumentException>(() => new Linear(0, 2), "Linear", "inFeatures");

    /// <summary>Bilinear(2, 3, 4): weight [4, 2, 3]; Forward(x1, x2) gives [5, 4]; the one-input Forward is NotSupported.</summary>
    public static void BilinearTakesTwoInputs()
    {
        var b = new Bilinear(2, 3, 4);
        ParamShapes(b, ("weight", new[] { 4, 2, 3 }), ("bias", new[] { 4 }));
        M.Shape(b.Forward(Tensor.Randn(5, 2), Tensor.Randn(5, 3)), new[] { 5, 4 }, "output");
        Assert.Throws<NotSupportedException>(() => b.Forward(Tensor.Randn(5, 2)), "two inputs");
    }

    /// <summary>Flatten, Unflatten and Identity reshape as PyTorch's.</summary>
    public static void FlattenUnflattenIdentity()
    {
        var x = Tensor.Randn(2, 3, 4, 5);
        M.Shape(new Flatten().Forward(x), new[] { 2, 60 }, "Flatten()");
        M.Shape(new Flatten(0, 1).Forward(x), new[] { 6, 4, 5 }, "Flatten(0, 1)");
        M.Shape(new Unflatten(1, 12, 5).Forward(Tensor.Randn(2, 60)), new[] { 2, 12, 5 }, "Unflatten");
        Assert.True(ReferenceEquals(new Identity().Forward(x), x), "Identity returns its input");
        Assert.Equal(new Flatten().ToString(), "Flatten(start_dim=1, end_dim=-1)", "printout");
    }

    /// <summary>Dropout zeroes and rescales in training mode and is the identity in eval mode.</summary>
    public static void DropoutDependsOnTheMode()
    {
        var d = new Dropout(0.5);
        var x = Tensor.Zeros(1000) + 1.0;
        var trained = M.Values(d.Forward(x));
        Assert.True(trained.All(v => v == 0.0 || Math.Abs(v - 2.0) < 1e-6), "zeros and twos");
        Assert.True(trained.Count(v => v == 0.0) is > 350 and < 650, "about half dropped");
        d.Eval();
        Assert.True(M.Values(d.Forward(x)).All(v => v == 1.0), "identity in eval mode");
        Assert.Close(d.P, 0.5, "P");
        Assert.Throws<ArgumentException>(() => new Dropout(1.5), "Dropout", "[0, 1]");
    }

    /// <summary>The activation layers compute their functions (relu, sigmoid, tanh, leaky relu, elu, softplus, silu, gelu).</summary>
    public static void ActivationsComputeTheirFunctions()
    {
        var x = Tensor.From(new[] { -1.0, 0.0, 2.0 });
        M.AllClose(M.Values(new ReLU().Forward(x)), new[] { 0.0, 0.0, 2.0 }, "ReLU");
        M.AllClose(M.Values(new Sigmoid().Forward(x)), new[] { 1 / (1 + Math.E), 0.5, 1 / (1 + Math.Exp(-2)) }, "Sigmoid");
        M.AllClose(M.Values(new Tanh().Forward(x)), new[] { Math.Tanh(-1), 0.0, Math.Tanh(2) }, "Tanh");
        M.AllClose(M.Values(new LeakyReLU(0.1).Forward(x)), new[] { -0.1, 0.0, 2.0 }, "LeakyReLU");
        M.AllClose(M.Values(new ELU().Forward(x)), new[] { Math.Exp(-1) - 1, 0.0, 2.0 }, "ELU");
        M.AllClose(M.Values(new Softplus().Forward(x)), new[] { Math.Log(1 + Math.Exp(-1)), Math.Log(2), Math.Log(1 + Math.Exp(2)) }, "Softplus");
        M.AllClose(M.Values(new SiLU().Forward(x)), new[] { -1 / (1 + Math.E), 0.0, 2 / (1 + Math.Exp(-2)) }, "SiLU");
        M.AllClose(M.Values(new GELU().Forward(x)), new[] { -0.15865525393145707, 0.0, 1.9544997361036416 }, "GELU", 1e-6);
        M.AllClose(M.Values(new GELU("tanh").Forward(x)), new[] { -0.15880800939172324, 0.0, 1.9545976940871754 }, "GELU tanh", 1e-6);
    }

    /// <summary>Softmax and LogSoftmax normalise along their dimension.</summary>
    public static void SoftmaxAndLogSoftmax()
    {
        var x = Tensor.From(new double[,] { { 1, 2, 3 }, { 0, 0, 0 } });
        var s = M.Values(new Softmax(1).Forward(x));
        Assert.Close(s[0] + s[1] + s[2], 1.0, "row sums to 1");
        Assert.Close(s[3], 1.0 / 3, "uniform row");
        var l = M.Values(new LogSoftmax(1).Forward(x));
        Assert.Close(l[3], Math.Log(1.0 / 3), "log of uniform");
        Assert.Equal(new Softmax(1).ToString(), "Softmax(dim=1)", "printout");
    }

    /// <summary>Activation.Create builds layers by name (as the core's Activation.create); unknown names are errors; TryCreate gives null.</summary>
    public static void ActivationCreateByName()
    {
        Assert.True(Activation.Create("sigmoid") is Sigmoid, "sigmoid");
        Assert.True(Activation.Create("TANH") is Tanh, "case-insensitive");
        Assert.True(Activation.Create("leaky_relu") is LeakyReLU, "leaky_relu");
        Assert.True(Activation.Create("none") is Identity, "none");
        Assert.True(Activation.TryCreate("nope") is null, "TryCreate unknown");
        Assert.Throws<ArgumentException>(() => Activation.Create("nope"), "unknown activation 'nope'");
    }

    /// <summary>Conv2d(3, 8, 3, padding: 1) keeps 16×16; stride (2, 1) and a (3, 5) kernel give PyTorch's sizes.</summary>
    public static void Conv2dShapes()
    {
        var c = new Conv2d(3, 8, 3, padding: 1);
        ParamShapes(c, ("weight", new[] { 8, 3, 3, 3 }), ("bias", new[] { 8 }));
        M.Shape(c.Forward(Tensor.Randn(2, 3, 16, 16)), new[] { 2, 8, 16, 16 }, "padded");
        var s = new Conv2d(3, 4, (3, 5), stride: (2, 1));
        M.Shape(s.Weight, new[] { 4, 3, 3, 5 }, "weight (3, 5)");
        M.Shape(s.Forward(Tensor.Randn(1, 3, 11, 11)), new[] { 1, 4, 5, 7 }, "strided");
        M.Shape(new Conv2d(3, 4, 3, padding: "same").Forward(Tensor.Randn(1, 3, 9, 9)), new[] { 1, 4, 9, 9 }, "same");
        M.Shape(new Conv2d(3, 4, 3, bias: false, groups: 1).Forward(Tensor.Randn(3, 9, 9)), new[] { 4, 7, 7 }, "unbatched, valid");
    }

    /// <summary>Conv2d prints as PyTorch's.</summary>
    public static void Conv2dPrintout() =>
        Assert.Equal(new Conv2d(3, 8, 3, stride: 2, padding: 1).ToString(), "Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))", "printout");

    /// <summary>A wrong number of channels is the core's error naming Conv2d.</summary>
    public static void Conv2dWrongChannelsNamesTheLayer() =>
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 8, 3).Forward(Tensor.Randn(1, 4, 8, 8)), "Conv2d");

    /// <summary>Conv1d(4, 6, 3): weight [6, 4, 3]; [2, 4, 10] → [2, 6, 8].</summary>
    public static void Conv1dShapes()
    {
        var c = new Conv1d(4, 6, 3);
        ParamShapes(c, ("weight", new[] { 6, 4, 3 }), ("bias", new[] { 6 }));
        M.Shape(c.Forward(Tensor.Randn(2, 4, 10)), new[] { 2, 6, 8 }, "output");
        M.Shape(new Conv1d(4, 6, 3, padding: 1, stride: 2).Forward(Tensor.Randn(2, 4, 10)), new[] { 2, 6, 5 }, "strided");
    }

    /// <summary>ConvTranspose2d and ConvTranspose1d: weights [in, out, k...], output sizes as PyTorch's, and the output-size overload.</summary>
    public static void TransposedConvolutionShapes()
    {
        var t = new ConvTranspose2d(4, 2, 3, stride: 2);
        M.Shape(t.Weight, new[] { 4, 2, 3, 3 }, "weight");
        M.Shape(t.Forward(Tensor.Randn(1, 4, 5, 5)), new[] { 1, 2, 11, 11 }, "output");
        M.Shape(t.Forward(Tensor.Randn(1, 4, 5, 5), new[] { 12, 12 }), new[] { 1, 2, 12, 12 }, "with output size");
        var t1 = new ConvTranspose1d(3, 5, 4, stride: 2, padding: 1);
        M.Shape(t1.Weight, new[] { 3, 5, 4 }, "1-D weight");
        M.Shape(t1.Forward(Tensor.Randn(2, 3, 7)), new[] { 2, 5, 14 }, "1-D output");
    }

    /// <summary>Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d and the 1-D ones give PyTorch's sizes and values.</summary>
    public static void PoolingShapesAndValues()
    {
        var x = Tensor.From(new double[,] { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 }, { 13, 14, 15, 16 } });
        var x4 = new Unflatten(0, 1, 1, 4).Forward(x); // [1, 1, 4, 4]
        M.AllClose(M.Values(new MaxPool2d(2).Forward(x4)), new[] { 6.0, 8, 14, 16 }, "MaxPool2d(2)");
        M.AllClose(M.Values(new AvgPool2d(2).Forward(x4)), new[] { 3.5, 5.5, 11.5, 13.5 }, "AvgPool2d(2)");
        M.Shape(new AdaptiveAvgPool2d((1, 1)).Forward(Tensor.Randn(2, 3, 7, 5)), new[] { 2, 3, 1, 1 }, "AdaptiveAvgPool2d");
        M.Shape(new MaxPool2d(3, stride: 2, padding: 1).Forward(Tensor.Randn(1, 2, 9, 9)), new[] { 1, 2, 5, 5 }, "MaxPool2d(3, 2, 1)");
        M.Shape(new MaxPool1d(2).Forward(Tensor.Randn(2, 3, 8)), new[] { 2, 3, 4 }, "MaxPool1d");
        M.Shape(new AvgPool1d(3, stride: 1).Forward(Tensor.Randn(2, 3, 8)), new[] { 2, 3, 6 }, "AvgPool1d");
        M.Shape(new AdaptiveAvgPool1d(2).Forward(Tensor.Randn(2, 3, 8)), new[] { 2, 3, 2 }, "AdaptiveAvgPool1d");
        Assert.Equal(new MaxPool2d(2).ToString(), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", "printout");
    }

    /// <summary>Size2 converts from an int and a pair, and compares by value.</summary>
    public static void Size2ConvertsAndCompares()
    {
        Size2 a = 3;
        Size2 b = (3, 3);
        Assert.True(a == b && a.Equals(b) && a.GetHashCode() == b.GetHashCode(), "3 equals (3, 3)");
        Assert.Equal(a.ToString(), "3", "printed as one int");
        Assert.Equal(new Size2(2, 5).ToString(), "(2, 5)", "printed as a pair");
        Assert.Equal(((ConvPadding)"same").ToString(), "same", "padding string");
    }

    /// <summary>BatchNorm1d uses batch statistics in training (updating its running statistics) and the running ones in eval mode.</summary>
    public static void BatchNormTrainingAndEvaluation()
    {
        var bn = new BatchNorm1d(2, dtype: DType.Float64);
        ParamShapes(bn, ("weight", new[] { 2 }), ("bias", new[] { 2 }));
        var x = Tensor.From(new double[,] { { 1, 10 }, { 3, 30 } });
        var y = M.Values(bn.Forward(x));
        M.AllClose(y, new[] { -1.0, -1.0, 1.0, 1.0 }, "normalised with batch statistics", 1e-4);
        M.AllClose(M.Values(bn.RunningMean!), new[] { 0.2, 2.0 }, "running mean moved by momentum 0.1");
        Assert.Equal(bn.NumBatchesTracked!.Item<long>(), 1L, "one batch tracked");
        bn.Eval();
        var e = M.Values(bn.Forward(x));
        Assert.Close(e[0], (1 - 0.2) / Math.Sqrt(bn.RunningVar!.ToArray<double>()[0] + 1e-5), "eval uses the running statistics", 1e-6);
        bn.ResetRunningStats();
        M.AllClose(M.Values(bn.RunningMean!), new[] { 0.0, 0.0 }, "reset");
    }

    /// <summary>BatchNorm2d over [N, C, H, W]; without affine it has no parameters; the wrong channel count is the core's error.</summary>
    public static void BatchNorm2dAndInstanceNorm()
    {
        M.Shape(new BatchNorm2d(3).Forward(Tensor.Randn(4, 3, 5, 5)), new[] { 4, 3, 5, 5 }, "BatchNorm2d");
        Assert.Equal(new BatchNorm2d(3, affine: false).Parameters().Count, 0, "no affine parameters");
        Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Randn(4, 2, 5, 5)), "BatchNorm2d");
        Assert.Equal(new BatchNorm2d(3).ToString(), "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", "printout");
        var inorm = new InstanceNorm2d(3);
        Assert.Equal(inorm.Parameters().Count, 0, "InstanceNorm2d has no parameters by default");
        M.Shape(inorm.Forward(Tensor.Randn(2, 3, 4, 4)), new[] { 2, 3, 4, 4 }, "InstanceNorm2d");
        M.Shape(new InstanceNorm1d(3, affine: true).Forward(Tensor.Randn(2, 3, 6)), new[] { 2, 3, 6 }, "InstanceNorm1d");
        M.Shape(new BatchNorm3d(2).Forward(Tensor.Randn(new[] { 2, 2, 3, 3, 3 })), new[] { 2, 2, 3, 3, 3 }, "BatchNorm3d");
    }

    /// <summary>LayerNorm normalises each row to mean 0 and variance 1; GroupNorm keeps the shape; parameters as PyTorch's.</summary>
    public static void LayerNormAndGroupNorm()
    {
        var ln = new LayerNorm(4, dtype: DType.Float64);
        ParamShapes(ln, ("weight", new[] { 4 }), ("bias", new[] { 4 }));
        var y = M.Values(ln.Forward(Tensor.From(new double[,] { { 1, 2, 3, 4 } })));
        Assert.Close(y.Sum(), 0.0, "mean 0", 1e-9);
        Assert.Close(y.Select(v => v * v).Average(), 1.0, "variance 1", 1e-4);
        Assert.Sequence(new LayerNorm(new[] { 3, 4 }).NormalizedShape, new[] { 3, 4 }, "normalized shape");
        Assert.Equal(new LayerNorm(4).ToString(), "LayerNorm((4,), eps=1e-05, elementwise_affine=True)", "printout");
        var gn = new GroupNorm(2, 4);
        ParamShapes(gn, ("weight", new[] { 4 }), ("bias", new[] { 4 }));
        M.Shape(gn.Forward(Tensor.Randn(3, 4, 5)), new[] { 3, 4, 5 }, "GroupNorm");
        Assert.Throws<ArgumentException>(() => new GroupNorm(3, 4), "GroupNorm");
    }

    /// <summary>RNN(5, 8, numLayers: 2): PyTorch's parameter names and shapes; outputs and final state; batchFirst.</summary>
    public static void RnnShapesAndState()
    {
        var rnn = new RNN(5, 8, numLayers: 2);
        ParamShapes(rnn, ("weight_ih_l0", new[] { 8, 5 }), ("weight_hh_l0", new[] { 8, 8 }), ("bias_ih_l0", new[] { 8 }), ("bias_hh_l0", new[] { 8 }),
            ("weight_ih_l1", new[] { 8, 8 }), ("weight_hh_l1", new[] { 8, 8 }), ("bias_ih_l1", new[] { 8 }), ("bias_hh_l1", new[] { 8 }));
        var (output, hidden) = rnn.Forward(Tensor.Randn(7, 3, 5), null);
        M.Shape(output, new[] { 7, 3, 8 }, "output");
        M.Shape(hidden, new[] { 2, 3, 8 }, "hidden");
        M.Shape(rnn.Forward(Tensor.Randn(7, 3, 5), Tensor.Zeros(2, 3, 8)).Output, new[] { 7, 3, 8 }, "with h0");
        M.Shape(new RNN(5, 8, batchFirst: true).Forward(Tensor.Randn(3, 7, 5)), new[] { 3, 7, 8 }, "batch first");
        Assert.Equal(rnn.AllWeights.Count, 2, "all weights per layer");
        Assert.True(ReferenceEquals(rnn.AllWeights[0][0], rnn.Parameters()[0]), "the same Parameter objects");
    }

    /// <summary>A wrong initial state is the core's error naming the layer.</summary>
    public static void RnnWrongStateNamesTheLayer() =>
        Assert.Throws<ArgumentException>(() => new GRU(5, 8).Forward(Tensor.Randn(7, 3, 5), Tensor.Zeros(1, 2, 8)), "GRU");

    /// <summary>GRU and bidirectional LSTM: shapes of the output and of (h, c).</summary>
    public static void GruAndLstmShapes()
    {
        var gru = new GRU(4, 6);
        M.Shape(gru.Parameters()[0], new[] { 18, 4 }, "GRU weight_ih_l0 (3 gates)");
        M.Shape(gru.ForwardWithState(Tensor.Randn(5, 2, 4)).Hidden, new[] { 1, 2, 6 }, "GRU hidden");
        var lstm = new LSTM(4, 6, bidirectional: true);
        M.Shape(lstm.Parameters()[0], new[] { 24, 4 }, "LSTM weight_ih_l0 (4 gates)");
        var r = lstm.ForwardWithState(Tensor.Randn(5, 2, 4));
        M.Shape(r.Output, new[] { 5, 2, 12 }, "bidirectional output");
        M.Shape(r.Hidden, new[] { 2, 2, 6 }, "h_n");
        M.Shape(r.Cell, new[] { 2, 2, 6 }, "c_n");
        var again = lstm.Forward(Tensor.Randn(5, 2, 4), new LstmState(r.Hidden, r.Cell));
        M.Shape(again.Output, new[] { 5, 2, 12 }, "from a state");
        Assert.True(lstm.NamedParameters().Any(p => p.Name == "weight_ih_l0_reverse"), "reverse direction names");
    }

    /// <summary>The cells: RNNCell, GRUCell and LSTMCell step shapes, with and without a state.</summary>
    public static void CellShapes()
    {
        var x = Tensor.Randn(3, 5);
        var rc = new RNNCell(5, 8, nonlinearity: "relu");
        ParamShapes(rc, ("weight_ih", new[] { 8, 5 }), ("weight_hh", new[] { 8, 8 }), ("bias_ih", new[] { 8 }), ("bias_hh", new[] { 8 }));
        var h = rc.Forward(x);
        M.Shape(h, new[] { 3, 8 }, "RNNCell");
        Assert.True(M.Values(h).All(v => v >= 0), "relu cell is non-negative");
        M.Shape(new GRUCell(5, 8).Forward(x, Tensor.Zeros(3, 8)), new[] { 3, 8 }, "GRUCell");
        var lc = new LSTMCell(5, 8);
        M.Shape(lc.WeightIh, new[] { 32, 5 }, "LSTMCell weight_ih");
        var (hn, cn) = lc.ForwardWithState(x);
        M.Shape(hn, new[] { 3, 8 }, "h'");
        M.Shape(lc.Forward(x, hn, cn).Cell, new[] { 3, 8 }, "c'");
        M.Shape(new RNNCell(5, 8).Forward(Tensor.Randn(5)), new[] { 8 }, "unbatched");
        Assert.Throws<ArgumentException>(() => new RNNCell(5, 8, nonlinearity: "sigmoid"), "RNNCell");
    }

    /// <summary>Embedding: [numEmbeddings, dim] weight; indices of any shape; padding row zero; FromPretrained copies and freezes.</summary>
    public static void EmbeddingLookupAndPretrained()
    {
        var e = new Embedding(10, 3, paddingIdx: 0);
        ParamShapes(e, ("weight", new[] { 10, 3 }));
        M.Shape(e.Forward(M.Ints(1, 2, 0, 4)), new[] { 4, 3 }, "lookup");
        M.AllClose(M.Values(e.Forward(M.Ints(0))), new[] { 0.0, 0.0, 0.0 }, "padding row is zero");
        Assert.Equal(e.PaddingIdx, (int?)0, "padding index");
        var table = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } });
        var p = Embedding.FromPretrained(table);
        Assert.True(p.Frozen, "frozen by default");
        M.AllClose(M.Values(p.Forward(M.Ints(1, 0))), new[] { 3.0, 4, 1, 2 }, "rows");
        Assert.Throws<ArgumentException>(() => e.Forward(Tensor.Randn(2)), "Embedding");
    }

    /// <summary>MultiheadAttention(8, 2): PyTorch's parameters; outputs shaped as the query; weights [batch, L, S] averaged over heads.</summary>
    public static void MultiheadAttentionShapes()
    {
        var mha = new MultiheadAttention(8, 2);
        ParamShapes(mha, ("in_proj_weight", new[] { 24, 8 }), ("in_proj_bias", new[] { 24 }), ("out_proj.weight", new[] { 8, 8 }), ("out_proj.bias", new[] { 8 }));
        var q = Tensor.Randn(4, 3, 8);
        var kv = Tensor.Randn(6, 3, 8);
        var (output, weights) = mha.Forward(q, kv, kv);
        M.Shape(output, new[] { 4, 3, 8 }, "output");
        M.Shape(weights!, new[] { 3, 4, 6 }, "weights");
        Assert.True(mha.Forward(q, kv, kv, needWeights: false).Weights is null, "no weights when not needed");
        M.Shape(mha.Forward(q), new[] { 4, 3, 8 }, "self-attention");
        Assert.Equal((mha.EmbedDim, mha.NumHeads, mha.HeadDim), (8, 2, 4), "sizes");
        Assert.Throws<ArgumentException>(() => new MultiheadAttention(8, 3), "divisible");
    }

    /// <summary>Init fills in place and returns the same object: constants, the identity, and bounds of the uniform ones.</summary>
    public static void InitFillsInPlace()
    {
        var l = new Linear(4, 3);
        Parameter w = Init.Constant(l.Weight, 0.5);
        Assert.True(ReferenceEquals(w, l.Weight), "returns the parameter");
        Assert.True(M.Values(l.Weight).All(v => v == 0.5), "constant");
        Init.Zeros(l.Bias!);
        Assert.True(M.Values(l.Bias!).All(v => v == 0), "zeros");
        Init.Eye(l.Weight);
        M.AllClose(M.Values(l.Weight), new[] { 1.0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0 }, "eye");
        var a = Math.Sqrt(6.0 / 7);
        Assert.True(M.Values(Init.XavierUniform(l.Weight)).All(v => Math.Abs(v) <= a), "xavier bound");
        Assert.True(M.Values(Init.Uniform(Tensor.Zeros(100), -2, -1)).All(v => v >= -2 && v < -1), "uniform range");
        Assert.Close(Init.CalculateGain("relu"), Math.Sqrt(2), "relu gain");
        Assert.Close(Init.CalculateGain("leaky_relu", 0.2), Math.Sqrt(2 / 1.04), "leaky gain");
        Init.KaimingUniform(l.Weight, a: Math.Sqrt(5));
        Init.KaimingNormal(l.Weight);
        Init.Orthogonal(l.Weight);
        Init.Normal(l.Weight, std: 0.01);
        Init.Ones(l.Weight);
        Init.XavierNormal(l.Weight);
        Assert.Throws<ArgumentException>(() => Init.Eye(Tensor.Zeros(2, 2, 2)), "Init.Eye");
    }

    /// <summary>The layers' settings are readable: channels, groups, features, eps.</summary>
    public static void LayerSettingsAreReadable()
    {
        var c = new Conv2d(4, 8, 3, groups: 2);
        Assert.Equal((c.InChannels, c.OutChannels, c.Groups), (4, 8, 2), "Conv2d");
        M.Shape(c.Weight, new[] { 8, 2, 3, 3 }, "grouped weight");
        var bn = new BatchNorm1d(5, eps: 1e-3);
        Assert.Equal(bn.NumFeatures, 5, "features");
        Assert.Close(bn.Eps, 1e-3, "eps");
        var e = new Embedding(7, 2);
        Assert.Equal((e.NumEmbeddings, e.EmbeddingDim, e.PaddingIdx), (7, 2, (int?)null), "Embedding");
    }
}
