using System;
using System.Collections.Generic;
using System.Linq;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// The base class of every layer and model (PyTorch's <c>nn.Module</c>). Write a layer by
/// deriving from it, creating parameters and submodules in the constructor, and overriding
/// <see cref="Forward"/>.
/// </summary>
/// <remarks>
/// A facade module wraps a module of the F# core (<see cref="Core"/>): for the built-in layers,
/// the F# layer itself; for a module written in C#, an adapter whose Forward calls this one's, so
/// that printing, state dicts and optimizers see the same tree as in F#.
/// </remarks>
public abstract partial class Module : IDisposable
{
    /// <summary>A module written in C#: its <see cref="Forward"/> is the computation.</summary>
    protected Module() => Core = new Adapter(this);

    /// <summary>A built-in layer: wraps the F# core's module.</summary>
    internal Module(F.NN.Module core)
    {
        ArgumentNullException.ThrowIfNull(core);
        Core = core;
    }

    /// <summary>The F# core's module this wraps.</summary>
    internal F.NN.Module Core { get; }

    /// <summary>The module's computation (PyTorch's <c>forward</c>).</summary>
    /// <param name="input">The input batch.</param>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Registers <paramref name="value"/> as a parameter named <paramref name="name"/> and
    /// returns it as a leaf that requires gradients (PyTorch's <c>register_parameter</c>).</summary>
    /// <param name="name">The parameter's name in the state dict (no dots).</param>
    /// <param name="value">Its initial value.</param>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Tensor.Wrap(Core.RegisterParameter(name, value.Value));
    }

    /// <summary>Registers <paramref name="module"/> as a submodule named <paramref name="name"/> and
    /// returns it (PyTorch's <c>add_module</c>).</summary>
    /// <typeparam name="TModule">The submodule's type.</typeparam>
    /// <param name="name">The submodule's name, the prefix of its parameters' names (no dots).</param>
    /// <param name="module">The submodule.</param>
    protected TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        Core.RegisterModule(name, module.Core);
        return module;
    }

    /// <summary>Every parameter of this module and its submodules, in registration order
    /// (PyTorch's <c>parameters()</c>).</summary>
    public IReadOnlyList<Tensor> Parameters() => Core.Parameters().Select(Tensor.Wrap).ToList();

    /// <summary>The module printed as PyTorch prints it: its layers and their sizes.</summary>
    public override string ToString() => Core.ToString();

    /// <summary>Frees the native memory of the module's parameters and buffers.</summary>
    public void Dispose()
    {
        Core.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The F# module standing for a module written in C#.</summary>
    private sealed class Adapter(Module owner) : F.NN.Module
    {
        public override F.Tensor Forward(F.Tensor input) => owner.Forward(Tensor.Wrap(input)).Value;

        public override string TypeName => owner.GetType().Name;
    }
}
