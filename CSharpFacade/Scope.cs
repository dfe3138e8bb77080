using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// Frees native memory deterministically: every tensor created on this thread while the scope is
/// open is freed when it is disposed, except those passed to <see cref="Keep(Tensor)"/> (PyTorch
/// has no equivalent; TorchSharp's <c>NewDisposeScope</c>). Put one around each step of a custom
/// loop so that memory stays flat:
/// <code>
/// for (var step = 0; step &lt; 1000; step++)
/// {
///     using var scope = new Scope();
///     var loss = ((model.Forward(x) - y) * (model.Forward(x) - y)).Mean();
///     loss.Backward();
///     ...
/// }
/// </code>
/// </summary>
/// <remarks>
/// Scopes nest; a kept tensor moves to the enclosing scope (or, outside every scope, to the GC).
/// Parameters, their gradients and optimizer state live outside scopes and are not freed by them.
/// A kept tensor that is still being differentiated (its graph refers to intermediates of the
/// scope) keeps everything the scope made, for the enclosing scope to free. Using a freed tensor
/// raises <see cref="ObjectDisposedException"/>. A scope belongs to the thread that opened it;
/// dispose scopes in the reverse order of opening (as <c>using</c> does). Always dispose a scope:
/// one left open keeps collecting every tensor its thread creates, so none of them is freed.
/// </remarks>
public sealed class Scope : IDisposable
{
    private F.Memory.Scope? scope = new();
    private List<F.Tensor>? kept;

    /// <summary>The number of tensors alive on this thread (LibTorch tensors that were created and
    /// not freed yet): a leak check, e.g. that a loop leaves it flat (F#'s <c>Scope.liveTensorCount</c>).</summary>
    public static long LiveTensorCount => F.Scope.liveTensorCount();

    /// <summary>Keeps <paramref name="tensor"/> alive when this scope ends: it moves to the
    /// enclosing scope, or to the GC outside every scope.</summary>
    /// <param name="tensor">A tensor, made in this scope or outside it.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    /// <exception cref="ObjectDisposedException">The scope has ended.</exception>
    public Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Kept().Add(tensor.Value);
        return tensor;
    }

    /// <summary>Keeps every tensor of <paramref name="parameters"/> alive when this scope ends.</summary>
    /// <param name="parameters">Named tensors.</param>
    /// <returns><paramref name="parameters"/>.</returns>
    /// <exception cref="ObjectDisposedException">The scope has ended.</exception>
    public Params Keep(Params parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Kept().AddRange(parameters.Value.Values);
        return parameters;
    }

    /// <summary>Keeps these tensors alive when this scope ends.</summary>
    /// <param name="tensors">Tensors.</param>
    /// <returns><paramref name="tensors"/>.</returns>
    /// <exception cref="ObjectDisposedException">The scope has ended.</exception>
    public Tensor[] Keep(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = Kept();
        foreach (var t in tensors)
            list.Add((t ?? throw new ArgumentNullException(nameof(tensors), "Scope.Keep: a tensor is null.")).Value);
        return tensors;
    }

    private List<F.Tensor> Kept()
    {
        ObjectDisposedException.ThrowIf(scope is null, this);
        return kept ??= [];
    }

    /// <summary>Frees every tensor created in this scope that was not kept.</summary>
    public void Dispose()
    {
        if (scope is null)
            return;
        try
        {
            Release(scope, complete: true, kept);
        }
        finally
        {
            scope.Dispose();
            scope = null;
            kept = null;
        }
    }

    /// <summary>Ends a scope: the kept tensors leave it, unless one is still being differentiated
    /// beyond a requires-grad leaf (its graph refers to intermediates) or the result was not fully
    /// known: then everything moves out, for the enclosing scope to free (as the F# Scope.run).</summary>
    private static void Release(F.Memory.Scope scope, bool complete, List<F.Tensor>? tensors)
    {
        if (tensors is null || tensors.Count == 0)
        {
            if (!complete)
                scope.EscapeAll();
            return;
        }
        var everything = !complete;
        for (var i = 0; i < tensors.Count && !everything; i++)
        {
            var t = tensors[i];
            // a requires-grad leaf refers to nothing but its own values; anything else differentiated
            // may refer to intermediates of this scope
            everything = t.IsDifferentiated && !(t.RequiresGrad && t.IsLeaf && !t.PrimalOneLevel.IsDifferentiated);
        }
        if (everything)
            scope.EscapeAll();
        else
            scope.Escape(tensors.ConvertAll(t => F.Prim.RawOf(t)).ToArray());
    }

    /// <summary>Runs <paramref name="body"/> in a scope: every tensor it creates that is not part of
    /// its result is freed when it returns (F#'s <c>Scope.run</c>). The result's tensors are found in
    /// tensors, <see cref="Params"/>, tuples, arrays, lists, dictionaries, key-value pairs and the
    /// result records of <see cref="Autodiff"/>; a result holding anything else (an object of another
    /// class, a delegate, a lazy sequence) keeps everything the body created, for the enclosing scope
    /// (or the GC) to free.</summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <param name="body">The computation.</param>
    /// <returns>The body's result.</returns>
    public static T Run<T>(Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var scope = new F.Memory.Scope();
        try
        {
            var result = body();
            var found = new List<F.Tensor>();
            var complete = Collect(result, found, new HashSet<object>(ReferenceEqualityComparer.Instance));
            Release(scope, complete, found);
            return result;
        }
        finally
        {
            scope.Dispose();
        }
    }

    /// <summary>Runs <paramref name="body"/> in a scope that frees every tensor it creates when it
    /// returns.</summary>
    /// <param name="body">The computation.</param>
    public static void Run(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var scope = new Scope();
        body();
    }

    /// <summary>Collects the facade tensors reachable in a result; false when the result holds
    /// something whose tensors cannot be known without running code or walking arbitrary objects.</summary>
    private static bool Collect(object? o, List<F.Tensor> found, HashSet<object> visited)
    {
        switch (o)
        {
            case null:
                return true;
            case Tensor t:
                found.Add(t.Value);
                return true;
            case Params p:
                found.AddRange(p.Value.Values);
                return true;
            case F.Tensor t:
                found.Add(t);
                return true;
            case string or decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum:
                return true;
            case IHoldsTensors h:
                foreach (var t in h.Tensors())
                    found.Add(t.Value);
                return true;
            case Delegate:
                return false;
        }
        var type = o.GetType();
        if (type.IsPrimitive)
            return true;
        if (!type.IsValueType && !visited.Add(o))
            return true;
        if (o is ITuple tuple)
        {
            for (var i = 0; i < tuple.Length; i++)
                if (!Collect(tuple[i], found, visited))
                    return false;
            return true;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
            return Collect(type.GetProperty("Key")!.GetValue(o), found, visited)
                && Collect(type.GetProperty("Value")!.GetValue(o), found, visited);
        if (o is ICollection collection)
        {
            foreach (var item in collection)
                if (!Collect(item, found, visited))
                    return false;
            return true;
        }
        return false;
    }
}

/// <summary>A result record of the facade that holds tensors (found by <see cref="Scope.Run{T}(Func{T})"/>).</summary>
internal interface IHoldsTensors
{
    IEnumerable<Tensor> Tensors();
}
