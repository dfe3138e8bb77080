using System;
using System.Runtime.CompilerServices;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// A tensor that is a module's parameter (PyTorch's <c>nn.Parameter</c>): a leaf that requires
/// gradients, updated in place by optimizers. A field or auto-property of type
/// <see cref="Parameter"/> in a module written in C# is registered automatically under its name.
/// </summary>
/// <remarks>
/// The same parameter is always the same <see cref="Parameter"/> object: <see cref="Module.Parameters"/>,
/// a layer's <c>Weight</c> and the field holding it return one instance, so optimizers and
/// dictionaries keyed by parameters can rely on reference identity.
/// </remarks>
public sealed class Parameter : Tensor
{
    /// <summary>The wrapper of each F# parameter, so that wrapping the same parameter twice gives the same object.</summary>
    private static readonly ConditionalWeakTable<F.Tensor, Parameter> Known = new();

    /// <summary>A parameter holding <paramref name="data"/>'s values (sharing its memory), as a leaf
    /// that requires gradients and lives until its module is disposed (outside any scope).</summary>
    /// <param name="data">The initial value, e.g. <c>Tensor.Randn(3, 5)</c>.</param>
    public Parameter(Tensor data)
        : base(MakeLeaf(data)) => Known.AddOrUpdate(Value, this);

    private Parameter(F.Tensor leaf)
        : base(leaf)
    {
    }

    /// <summary>The wrapper of an F# parameter: the same object each time for the same parameter.</summary>
    internal static new Parameter Wrap(F.Tensor leaf) => Known.GetValue(leaf, static l => new Parameter(l));

    /// <summary>The wrapper of an F# parameter that may be absent (a layer without bias).</summary>
    internal static Parameter? Wrap(Microsoft.FSharp.Core.FSharpOption<F.Tensor>? leaf) => leaf is { } l ? Wrap(l.Value) : null;

    private static F.Tensor MakeLeaf(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        // The core's registration makes the leaf (detached, requires grad, out of any dispose
        // scope); a throwaway module does it so that a Parameter is already a parameter before
        // the module holding it registers it (lazily, after the constructor).
        return new Holder().RegisterParameter("data", data.Value);
    }

    /// <summary>The module that turns a tensor into a parameter.</summary>
    private sealed class Holder : F.NN.Module
    {
    }
}

/// <summary>
/// The state-dict name of a field or auto-property of a module written in C#, instead of the
/// default (the member's name without leading underscores, first letter lowercased:
/// <c>Hidden</c> → <c>"hidden"</c>): <c>[StateName("input_linear")] private readonly Linear inputLinear;</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class StateNameAttribute : Attribute
{
    /// <summary>Names the member <paramref name="name"/> in state dicts and printouts.</summary>
    /// <param name="name">The name (no dots).</param>
    public StateNameAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The name in state dicts and printouts.</summary>
    public string Name { get; }
}

/// <summary>
/// Marks a field or auto-property of type <see cref="Parameter"/> or <see cref="Module"/> that must
/// not be registered automatically (e.g. a reference to a module registered elsewhere).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class NotRegisteredAttribute : Attribute
{
}
