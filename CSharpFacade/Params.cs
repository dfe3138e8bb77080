using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
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
