using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// Named tensors in order: a model's parameters or state dict (PyTorch's <c>dict[str, Tensor]</c>),
/// and an argument and result of the transforms in <c>Autodiff</c>. Immutable.
/// </summary>
public sealed partial class Params : IReadOnlyDictionary<string, Tensor>
{
    internal Params(F.Params value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>Named tensors, in the order given. Names must be distinct.</summary>
    /// <param name="entries">(name, tensor) pairs.</param>
    public Params(IEnumerable<KeyValuePair<string, Tensor>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Value = new F.Params(entries.Select(e => Tuple.Create(e.Key, (e.Value ?? throw new ArgumentNullException(nameof(entries), $"Params: the tensor named '{e.Key}' is null.")).Value)).ToArray());
    }

    /// <summary>Named tensors, in the order given: <c>Params.Of(("w", w), ("b", b))</c>. Names must
    /// be distinct.</summary>
    /// <param name="entries">(name, tensor) pairs.</param>
    /// <exception cref="ArgumentException">A name appears twice.</exception>
    public static Params Of(params (string Name, Tensor Value)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new(entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Value)));
    }

    /// <summary>Applies <paramref name="f"/> to every tensor, keeping the names (e.g.
    /// <c>p.Map(t =&gt; t.Detach())</c>).</summary>
    /// <param name="f">The function.</param>
    public Params Map(Func<Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Wrap(F.ParamsModule.map(FSharpFunc<F.Tensor, F.Tensor>.FromConverter(t => Result(f(Tensor.Wrap(t)))), Value));
    }

    /// <summary>Applies <paramref name="f"/> to every tensor with its name, keeping the names.</summary>
    /// <param name="f">The function of a name and a tensor.</param>
    public Params Map(Func<string, Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Wrap(F.ParamsModule.mapi(FuncConvert.FromFunc<string, F.Tensor, F.Tensor>((n, t) => Result(f(n, Tensor.Wrap(t)))), Value));
    }

    /// <summary>Combines these tensors with those of <paramref name="other"/>, which has the same
    /// names in the same order, pairwise: a step of gradient descent is
    /// <c>p.Zip(grads, (w, g) =&gt; w - 0.1 * g)</c>.</summary>
    /// <param name="other">Named tensors with the same names (e.g. gradients).</param>
    /// <param name="f">The function of a tensor of these and the tensor of the same name of <paramref name="other"/>.</param>
    /// <exception cref="ArgumentException">The names differ.</exception>
    public Params Zip(Params other, Func<Tensor, Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(f);
        return Wrap(F.ParamsModule.map2(FuncConvert.FromFunc<F.Tensor, F.Tensor, F.Tensor>((a, b) => Result(f(Tensor.Wrap(a), Tensor.Wrap(b)))), Value, other.Value));
    }

    private static F.Tensor Result(Tensor? t) =>
        (t ?? throw new InvalidOperationException("Params: the function returned null; it must return a tensor.")).Value;

    /// <summary>The F# core's named tensors this wraps.</summary>
    internal F.Params Value { get; }

    internal static Params Wrap(F.Params value) => new(value);

    /// <summary>The tensor with this name.</summary>
    /// <param name="name">A name of these params.</param>
    /// <exception cref="KeyNotFoundException">No tensor has this name (the message lists the names).</exception>
    public Tensor this[string name] => Tensor.Wrap(Value[name]);

    /// <summary>The names, in order.</summary>
    public IEnumerable<string> Keys => Value.Names;

    /// <summary>The tensors, in order.</summary>
    public IEnumerable<Tensor> Values => Value.Values.Select(Tensor.Wrap);

    /// <summary>The number of tensors.</summary>
    public int Count => Value.Count;

    /// <summary>True when a tensor has this name.</summary>
    /// <param name="key">A name.</param>
    public bool ContainsKey(string key) => Value.ContainsName(key);

    /// <summary>The tensor with this name, if there is one.</summary>
    /// <param name="key">A name.</param>
    /// <param name="value">The tensor, or null.</param>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value)
    {
        if (Value.ContainsName(key))
        {
            value = Tensor.Wrap(Value[key]);
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>The (name, tensor) pairs in order.</summary>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() =>
        Value.Names.Zip(Value.Values, (n, t) => new KeyValuePair<string, Tensor>(n, Tensor.Wrap(t))).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The names with their shapes and dtypes.</summary>
    public override string ToString() => Value.ToString();
}
