using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>Conversions of the facade's optional arguments to the F# core's optional arguments.</summary>
internal static class Opt
{
    internal static FSharpOption<T>? Of<T>(T? value) where T : struct => value is { } v ? FSharpOption<T>.Some(v) : null;

    internal static FSharpOption<string>? Of(string? value) => value is null ? null : FSharpOption<string>.Some(value);

    internal static FSharpOption<F.Tensor>? Of(Tensor? value) => value is null ? null : FSharpOption<F.Tensor>.Some(value.Value);

    internal static FSharpOption<F.Dtype>? Of(DType? value) => value is { } v ? FSharpOption<F.Dtype>.Some(v.ToCore()) : null;

    internal static FSharpOption<F.Device>? Of(Device? value) => value is null ? null : FSharpOption<F.Device>.Some(value.Value);

    internal static Tensor? Wrap(FSharpOption<F.Tensor>? value) => value is { } v ? Tensor.Wrap(v.Value) : null;
}
