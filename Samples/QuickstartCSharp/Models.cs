// The tour's models, written as a PyTorch user writes nn.Module subclasses: parameters and
// submodules are fields, registered automatically under their names (PyTorch's attribute
// assignment), and Forward is the computation.
using Nabla.CSharp;

namespace QuickstartCSharp;

/// <summary>The seed's linear layer written by hand: two <see cref="Parameter"/> fields, registered
/// automatically as "weight" and "bias".</summary>
public sealed class CustomLinear : Module
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    public CustomLinear(int inputSize, int outputSize)
    {
        weight = new Parameter(Tensor.Randn(outputSize, inputSize));
        bias = new Parameter(Tensor.Randn(outputSize));
    }

    public override Tensor Forward(Tensor x) => x.MatMul(weight.Transpose(0, 1)) + bias;
}

/// <summary>A linear layer followed by the activation named (relu, sigmoid, tanh, ...; none otherwise).</summary>
public sealed class ActivatedLinear : Module
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

/// <summary>The seed's regression model: hidden = ActivatedLinear(1, 20, "relu"), output = Linear(20, 1),
/// so its state dict has PyTorch's keys hidden.linear.weight, hidden.linear.bias, output.weight,
/// output.bias.</summary>
public sealed class RegressionNet : Module
{
    private readonly ActivatedLinear hidden = new(1, 20, "relu");
    private readonly Linear output = new(20, 1);

    public override Tensor Forward(Tensor x) => output.Forward(hidden.Forward(x));
}

/// <summary>A forward pass with ordinary <c>if</c> and loops: the graph is whatever the code ran.</summary>
public sealed class DynamicNet : Module
{
    [StateName("input_linear")] private readonly Linear inputLinear;
    [StateName("middle_linear")] private readonly Linear middleLinear;
    [StateName("output_linear")] private readonly Linear outputLinear;
    private readonly Linear shortcut;

    public DynamicNet(int inputSize, int hiddenSize, int outputSize)
    {
        inputLinear = new Linear(inputSize, hiddenSize);
        middleLinear = new Linear(hiddenSize, hiddenSize);
        outputLinear = new Linear(hiddenSize, outputSize);
        shortcut = new Linear(inputSize, outputSize);
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Mean().Item<double>() > 1.0)
        {
            Console.WriteLine("  DynamicNet: the mean input is above 1: shortcut path");
            return shortcut.Forward(x);
        }

        var depth = 1 + (int)(x.Mean().Item<double>() * 3.0);
        Console.WriteLine($"  DynamicNet: normal path through {depth} middle layer(s)");
        var h = inputLinear.Forward(x).Relu();
        for (var i = 0; i < depth; i++)
            h = middleLinear.Forward(h).Relu();
        return outputLinear.Forward(h);
    }
}

/// <summary>An RNN over sequences followed by a linear layer at every step.</summary>
public sealed class RecurrentNet : Module
{
    private readonly RNN rnn;
    private readonly Linear head;

    public RecurrentNet(int inputSize, int hiddenSize, int outputSize)
    {
        rnn = new RNN(inputSize, hiddenSize, batchFirst: true);
        head = new Linear(hiddenSize, outputSize);
    }

    public override Tensor Forward(Tensor x) => head.Forward(rnn.Forward(x));
}
