using System;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>max(0, x) elementwise (PyTorch's <c>nn.ReLU</c>).</summary>
public sealed class ReLU : Module
{
    /// <summary>The activation as a layer.</summary>
    public ReLU()
        : base(new F.NN.ReLU())
    {
    }

    internal ReLU(F.NN.ReLU layer)
        : base(layer)
    {
    }

    /// <summary>The activation applied to <paramref name="input"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>1 / (1 + e^−x) elementwise (PyTorch's <c>nn.Sigmoid</c>).</summary>
public sealed class Sigmoid : Module
{
    /// <summary>The activation as a layer.</summary>
    public Sigmoid()
        : base(new F.NN.Sigmoid())
    {
    }

    internal Sigmoid(F.NN.Sigmoid layer)
        : base(layer)
    {
    }

    /// <summary>The activation applied to <paramref name="input"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>tanh x elementwise (PyTorch's <c>nn.Tanh</c>).</summary>
public sealed class Tanh : Module
{
    /// <summary>The activation as a layer.</summary>
    public Tanh()
        : base(new F.NN.Tanh())
    {
    }

    internal Tanh(F.NN.Tanh layer)
        : base(layer)
    {
    }

    /// <summary>The activation applied to <paramref name="input"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>x·sigmoid(x) elementwise, also called swish (PyTorch's <c>nn.SiLU</c>).</summary>
public sealed class SiLU : Module
{
    /// <summary>The activation as a layer.</summary>
    public SiLU()
        : base(new F.NN.SiLU())
    {
    }

    internal SiLU(F.NN.SiLU layer)
        : base(layer)
    {
    }

    /// <summary>The activation applied to <paramref name="input"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>x for x ≥ 0, negativeSlope·x otherwise (PyTorch's <c>nn.LeakyReLU</c>).</summary>
public sealed class LeakyReLU : Module
{
    /// <summary>The activation as a layer.</summary>
    /// <param name="negativeSlope">The slope for negative inputs.</param>
    public LeakyReLU(double negativeSlope = 0.01)
        : base(new F.NN.LeakyReLU(negativeSlope))
    {
    }

    internal LeakyReLU(F.NN.LeakyReLU layer)
        : base(layer)
    {
    }

    /// <summary>The activation applied to <paramref name="input"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>x·Φ(x), exact or with the tanh approximation (PyTorch's <c>nn.GELU</c>).</summary>
public sealed class GELU : Module
{
    /// <summary>The activation as a layer.</summary>
    /// <param name="approximate">"none" (exact, the default) or "tanh".</param>
    public GELU(string approximate = "none")
        : base(new F.NN.GELU(approximate))
    {
    }

    internal GELU(F.NN.GELU layer)
        : base(layer)
    {
    }

    /// <summary>The activation applied to <paramref name="input"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>x for x &gt; 0, alpha·(eˣ − 1) otherwise (PyTorch's <c>nn.ELU</c>).</summary>
public sealed class ELU : Module
{
    /// <summary>The activation as a layer.</summary>
    /// <param name="alpha">The scale of the negative part.</param>
    public ELU(double alpha = 1.0)
        : base(new F.NN.ELU(alpha))
    {
    }

    internal ELU(F.NN.ELU layer)
        : base(layer)
    {
    }

    /// <summary>The activation applied to <paramref name="input"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>log(1 + e^(beta·x)) / beta, and x itself where beta·x &gt; threshold (PyTorch's <c>nn.Softplus</c>).</summary>
public sealed class Softplus : Module
{
    /// <summary>The activation as a layer.</summary>
    /// <param name="beta">The sharpness.</param>
    /// <param name="threshold">Above beta·x = threshold, the identity.</param>
    public Softplus(double beta = 1.0, double threshold = 20.0)
        : base(new F.NN.Softplus(beta, threshold))
    {
    }

    internal Softplus(F.NN.Softplus layer)
        : base(layer)
    {
    }

    /// <summary>The activation applied to <paramref name="input"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>Softmax along a dimension: values along it are positive and sum to 1 (PyTorch's <c>nn.Softmax</c>).</summary>
public sealed class Softmax : Module
{
    /// <summary>The activation as a layer.</summary>
    /// <param name="dim">The dimension normalised.</param>
    public Softmax(int dim)
        : base(new F.NN.Softmax(dim))
    {
    }

    internal Softmax(F.NN.Softmax layer)
        : base(layer)
    {
    }

    /// <summary>The activation applied to <paramref name="input"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>Log-softmax along a dimension (PyTorch's <c>nn.LogSoftmax</c>).</summary>
public sealed class LogSoftmax : Module
{
    /// <summary>The activation as a layer.</summary>
    /// <param name="dim">The dimension normalised.</param>
    public LogSoftmax(int dim)
        : base(new F.NN.LogSoftmax(dim))
    {
    }

    internal LogSoftmax(F.NN.LogSoftmax layer)
        : base(layer)
    {
    }

    /// <summary>The activation applied to <paramref name="input"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output, shaped as the input.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(Core.Forward(input.Value));
    }
}

/// <summary>Activation layers by name, as a layer that takes an activation name builds them.</summary>
public static class Activation
{
    /// <summary>The activation layer named <paramref name="name"/>, case-insensitive: "relu",
    /// "leaky_relu", "sigmoid", "tanh", "gelu", "elu", "silu" (or "swish"), "softplus", and
    /// "identity", "linear", "none" or "" for <see cref="Identity"/> (the core's Activation.create).</summary>
    /// <param name="name">The activation's name.</param>
    /// <returns>A new layer.</returns>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones).</exception>
    public static Module Create(string name) => Module.Of(F.NN.Activation.create(name));

    /// <summary>The activation layer named <paramref name="name"/>, or null for an unknown name
    /// (the core's Activation.tryCreate).</summary>
    /// <param name="name">The activation's name.</param>
    /// <returns>A new layer, or null.</returns>
    public static Module? TryCreate(string name) => F.NN.Activation.tryCreate(name) is { } m ? Module.Of(m.Value) : null;
}
