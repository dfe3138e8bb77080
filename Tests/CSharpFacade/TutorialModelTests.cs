using System;
using System.Linq;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>The tutorial's ActivatedLinear: a Linear followed by the activation named.</summary>
internal sealed class ActivatedLinear : Module
{
    private readonly Linear linear;
    private readonly Module activation;

    public ActivatedLinear(int inFeatures, int outFeatures, string activation)
    {
        linear = new Linear(inFeatures, outFeatures);
        this.activation = Activation.TryCreate(activation) ?? new Identity();
    }

    public override Tensor Forward(Tensor x) => activation.Forward(linear.Forward(x));
}

/// <summary>The seed's regression model.</summary>
internal sealed class RegressionNet : Module
{
    public ActivatedLinear Hidden { get; } = new(1, 20, "relu");
    public Linear Output { get; } = new(20, 1);
    public override Tensor Forward(Tensor x) => Output.Forward(Hidden.Forward(x));
}

/// <summary>The seed's dynamic network: ordinary if, loops and an early exit in Forward.</summary>
internal sealed class DynamicNet : Module
{
    [StateName("input_linear")] private readonly Linear input;
    [StateName("middle_linear")] private readonly Linear middle;
    [StateName("output_linear")] private readonly Linear output;
    private readonly Linear shortcut;
    private readonly int depth;
    private readonly ReLU relu = new();

    public DynamicNet(int inputSize, int hiddenSize, int outputSize, int depth)
    {
        input = new Linear(inputSize, hiddenSize, dtype: DType.Float64);
        middle = new Linear(hiddenSize, hiddenSize, dtype: DType.Float64);
        output = new Linear(hiddenSize, outputSize, dtype: DType.Float64);
        shortcut = new Linear(inputSize, outputSize, dtype: DType.Float64);
        this.depth = depth;
    }

    public bool TookShortcut { get; private set; }

    public override Tensor Forward(Tensor x)
    {
        var h = relu.Forward(input.Forward(x));
        if (x.Mean().Item<double>() > 1.0)
        {
            TookShortcut = true;
            return shortcut.Forward(x);
        }
        TookShortcut = false;
        for (int i = 0; i < depth; i++) h = relu.Forward(middle.Forward(h));
        return output.Forward(h);
    }
}

/// <summary>A recurrent network: an RNN over [batch, seq, features] and a per-step Linear.</summary>
internal sealed class RecurrentNet : Module
{
    private readonly RNN rnn = new(5, 8, batchFirst: true);
    private readonly LayerNorm norm = new(8);
    public override Tensor Forward(Tensor x) => norm.Forward(rnn.Forward(x, null).Output);
}

/// <summary>The seed tutorial's models written in C# as a user writes them.</summary>
public static class TutorialModelTests
{
    /// <summary>CustomLinear(5, 3) maps a [10, 5] batch to [10, 3].</summary>
    public static void CustomLinearMapsTenByFiveToTenByThree() =>
        M.Shape(new CustomLinear(5, 3).Forward(Tensor.Randn(10, 5)), new[] { 10, 3 }, "output");

    /// <summary>ActivatedLinear with relu, sigmoid and tanh: outputs in each activation's range.</summary>
    public static void ActivatedLinearAppliesTheActivation()
    {
        var x = Tensor.From(new[] { -2f, -1f, 0f, 1f, 2f });
        var column = new Unflatten(0, 5, 1).Forward(x);
        Assert.True(M.Values(new ActivatedLinear(1, 2, "relu").Forward(column)).All(v => v >= 0), "relu ≥ 0");
        Assert.True(M.Values(new ActivatedLinear(1, 2, "sigmoid").Forward(column)).All(v => v > 0 && v < 1), "sigmoid in (0, 1)");
        Assert.True(M.Values(new ActivatedLinear(1, 2, "tanh").Forward(column)).All(v => v > -1 && v < 1), "tanh in (-1, 1)");
        M.Shape(new ActivatedLinear(1, 2, "tanh").Forward(column), new[] { 5, 2 }, "shape");
    }

    /// <summary>RegressionNet's state dict has exactly PyTorch's keys.</summary>
    public static void RegressionNetHasPyTorchsStateDictKeys() =>
        Assert.Sequence(new RegressionNet().StateDict().Keys.ToArray(),
            new[] { "hidden.linear.weight", "hidden.linear.bias", "output.weight", "output.bias" }, "keys");

    /// <summary>RegressionNet prints as PyTorch prints it.</summary>
    public static void RegressionNetPrintsAsPyTorch() =>
        Assert.Equal(new RegressionNet().ToString(),
            "RegressionNet(\n" +
            "  (hidden): ActivatedLinear(\n" +
            "    (linear): Linear(in_features=1, out_features=20, bias=True)\n" +
            "    (activation): ReLU()\n" +
            "  )\n" +
            "  (output): Linear(in_features=20, out_features=1, bias=True)\n" +
            ")", "printout");

    /// <summary>RegressionNet has 61 parameters (20 + 20 + 20 + 1).</summary>
    public static void RegressionNetCountsItsParameters() => Assert.Equal(new RegressionNet().ParameterCount, 61L, "parameters");

    /// <summary>DynamicNet: the loop path and the shortcut path, each differentiated into the layers it used.</summary>
    public static void DynamicNetTakesEitherPath()
    {
        var net = new DynamicNet(4, 8, 2, 3);
        Assert.Sequence(net.NamedChildren().Select(c => c.Name).ToArray(), new[] { "input_linear", "middle_linear", "output_linear", "shortcut", "relu" }, "children");
        var small = Tensor.From(new double[3, 4]);
        var y = net.Forward(small);
        Assert.True(!net.TookShortcut, "the loop for a small input");
        M.Shape(y, new[] { 3, 2 }, "output");
        y.Sum().Backward();
        var named = net.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        Assert.True(named["output_linear.bias"].Grad is not null && named["shortcut.weight"].Grad is null, "only the loop's layers have gradients");
        net.ZeroGrad();
        var large = Tensor.From(new double[3, 4]) + 2.0;
        net.Forward(large).Sum().Backward();
        Assert.True(net.TookShortcut, "the shortcut for a large input");
        Assert.True(named["shortcut.weight"].Grad is not null && named["output_linear.weight"].Grad is null, "only the shortcut has gradients");
    }

    /// <summary>RecurrentNet maps [3, 7, 5] to [3, 7, 8]; its parameters are the RNN's and the LayerNorm's.</summary>
    public static void RecurrentNetGivesThreeBySevenByEight()
    {
        var net = new RecurrentNet();
        M.Shape(net.Forward(Tensor.Randn(3, 7, 5)), new[] { 3, 7, 8 }, "output");
        Assert.Sequence(M.Names(net), new[] { "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "norm.weight", "norm.bias" }, "names");
    }

    /// <summary>A few hand-written gradient-descent steps (p ← p − lr·grad through the functional
    /// view) lower RegressionNet's MSE on y = x².</summary>
    public static void HandWrittenGradientStepsLowerTheLoss()
    {
        var net = new RegressionNet();
        var xs = new float[32];
        for (int i = 0; i < xs.Length; i++) xs[i] = -1f + 2f * i / (xs.Length - 1);
        var x = new Unflatten(0, 32, 1).Forward(Tensor.From(xs));
        var y = x * x;
        double Step()
        {
            // p ← p − lr·grad: gradients through the functional view, the update copied into the
            // module's parameters in place (LoadStateDict), as an optimizer step does.
            var leaves = net.ParameterValues().ToDictionary(kv => kv.Key, kv => kv.Value.RequiresGrad());
            var loss = Loss.Mse(net.Call(M.State(leaves.Select(kv => (kv.Key, kv.Value)).ToArray()), x), y);
            loss.Backward();
            net.LoadStateDict(M.State(leaves.Select(kv => (kv.Key, kv.Value - 0.1 * kv.Value.Grad!)).ToArray()));
            return loss.Item<double>();
        }
        var weight = net.Output.Weight;
        var first = Step();
        double last = first;
        for (int i = 0; i < 30; i++) last = Step();
        Assert.True(last < first, $"the loss went down: {first} → {last}");
        Assert.True(ReferenceEquals(weight, net.Output.Weight), "the parameters were updated in place");
        Assert.Close(Loss.Mse(net.Forward(x), y).Item<double>(), Loss.Mse(net.Call(net.ParameterValues(), x), y).Item<double>(), "Forward and Call agree", 1e-6);
    }
}
