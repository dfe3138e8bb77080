using System;
using System.Collections.Generic;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>Conversions between the facade and the F# core used by the training area
/// (optimizers, schedulers, data, trainer, files, pictures).</summary>
internal static class TrainingInterop
{
    /// <summary>The F# tensors of facade tensors, in order (one array: no LINQ on step paths).</summary>
    internal static F.Tensor[] ToCore(IEnumerable<Tensor> tensors, string argument, string op)
    {
        if (tensors is null) throw new ArgumentNullException(argument, $"{op}: {argument} is null.");
        if (tensors is IReadOnlyList<Tensor> list)
        {
            var result = new F.Tensor[list.Count];
            for (var i = 0; i < result.Length; i++)
                result[i] = (list[i] ?? throw new ArgumentException($"{op}: element {i} of {argument} is null.", argument)).Value;
            return result;
        }
        var items = new List<F.Tensor>();
        foreach (var t in tensors)
            items.Add((t ?? throw new ArgumentException($"{op}: element {items.Count} of {argument} is null.", argument)).Value);
        return items.ToArray();
    }

    /// <summary>F#'s <c>Some v</c>.</summary>
    internal static FSharpOption<T> Some<T>(T value) => FSharpOption<T>.Some(value);

    /// <summary>F#'s <c>Some v</c> for a value, <c>None</c> (null) for null.</summary>
    internal static FSharpOption<T>? Opt<T>(T? value) where T : struct =>
        value is { } v ? FSharpOption<T>.Some(v) : null;

    /// <summary>F#'s <c>Some v</c> for a reference, <c>None</c> (null) for null.</summary>
    internal static FSharpOption<T>? OptRef<T>(T? value) where T : class =>
        value is null ? null : FSharpOption<T>.Some(value);

    /// <summary>A nullable of an F# option.</summary>
    internal static T? ToNullable<T>(FSharpOption<T>? option) where T : struct =>
        option is { } o ? o.Value : null;

    /// <summary>A reference (or null) of an F# option.</summary>
    internal static T? ToReference<T>(FSharpOption<T>? option) where T : class =>
        option is { } o ? o.Value : null;

    /// <summary>A read-only dictionary copy of an F# map.</summary>
    internal static IReadOnlyDictionary<TKey, TValue> ToDictionary<TKey, TValue>(IEnumerable<KeyValuePair<TKey, TValue>> map)
        where TKey : notnull
    {
        var d = new Dictionary<TKey, TValue>();
        foreach (var kv in map) d[kv.Key] = kv.Value;
        return d;
    }

    /// <summary>An F# function of one argument calling <paramref name="f"/>.</summary>
    internal static FSharpFunc<TA, TR> Fun<TA, TR>(Func<TA, TR> f) => FuncConvert.FromFunc(f);

    /// <summary>A curried F# function of two arguments calling <paramref name="f"/>.</summary>
    internal static FSharpFunc<TA, FSharpFunc<TB, TR>> Fun<TA, TB, TR>(Func<TA, TB, TR> f) => FuncConvert.FromFunc(f);

    /// <summary>An F# function of unit calling <paramref name="f"/>.</summary>
    internal static FSharpFunc<Unit, TR> Fun<TR>(Func<TR> f) => FuncConvert.FromFunc(f);

    /// <summary>An F# function returning unit calling <paramref name="f"/>.</summary>
    internal static FSharpFunc<TA, Unit> Act<TA>(Action<TA> f) => FuncConvert.FromAction(f);
}
