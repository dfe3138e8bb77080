using System;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// Your own differentiable operations, with the same guarantees as Nabla's (JAX's
/// <c>custom_jvp</c>/<c>custom_vjp</c>, PyTorch's <c>torch.autograd.Function</c>): they work under
/// Backward and every transform of <see cref="Autodiff"/>, to any order, forward and reverse, and
/// broadcasting is undone for you. Give the value's computation and the derivative rules, written
/// with Nabla's own operations (so that they, too, can be differentiated):
/// <code>
/// // softplus, stable for large |x|; d/dx = sigmoid(x) = 1 / (1 + e^-x)
/// var softplus = Op.Define("softplus",
///     x =&gt; x.Relu() + (-(x.Abs())).Exp().Log1p(),
///     jvp: (x, y, dx) =&gt; dx / (1 + (-x).Exp()),   // the output's tangent
///     vjp: (x, y, g) =&gt; g / (1 + (-x).Exp()));    // the input's cotangent
/// var y = softplus(Tensor.From(new[] { -1.0, 2.0 }));
/// </code>
/// A rule that returns the wrong shape is an error naming the op.
/// </summary>
public static class Op
{
    private static FSharpFunc<F.Tensor, F.Tensor> Fn1(Func<Tensor, Tensor> f, string name, string what) =>
        FuncConvert.FromFunc<F.Tensor, F.Tensor>(x => Out(f(Tensor.Wrap(x)), name, what));

    private static F.Tensor Out(Tensor? t, string name, string what) =>
        (t ?? throw new InvalidOperationException($"{name}: the {what} returned null; it must return a tensor.")).Value;

    /// <summary>A differentiable one-input operation.</summary>
    /// <param name="name">The op's name, for error messages.</param>
    /// <param name="primal">Computes the value from the input (on values that are not being differentiated).</param>
    /// <param name="jvp">Forward rule <c>(x, y, dx) =&gt; dy</c>: the output's tangent for the input
    /// tangent dx, with x the input and y the output.</param>
    /// <param name="vjp">Reverse rule <c>(x, y, g) =&gt; dx</c>: the input's cotangent for the
    /// output cotangent g (of y's shape), with x the input and y the output.</param>
    /// <returns>The operation, as a function of tensors.</returns>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static Func<Tensor, Tensor> Define(
        string name,
        Func<Tensor, Tensor> primal,
        Func<Tensor, Tensor, Tensor, Tensor> jvp,
        Func<Tensor, Tensor, Tensor, Tensor> vjp)
    {
        ArgumentNullException.ThrowIfNull(primal);
        ArgumentNullException.ThrowIfNull(jvp);
        ArgumentNullException.ThrowIfNull(vjp);
        var op = F.Op.define1(
            name,
            Fn1(primal, name, "primal function"),
            FuncConvert.FromFunc<F.Tensor, F.Tensor, F.Tensor, F.Tensor>((x, y, dx) => Out(jvp(Tensor.Wrap(x), Tensor.Wrap(y), Tensor.Wrap(dx)), name, "JVP rule")),
            FuncConvert.FromFunc<F.Tensor, F.Tensor, F.Tensor, F.Tensor>((x, y, g) => Out(vjp(Tensor.Wrap(x), Tensor.Wrap(y), Tensor.Wrap(g)), name, "VJP rule")));
        return x =>
        {
            ArgumentNullException.ThrowIfNull(x);
            return Tensor.Wrap(op.Invoke(x.Value));
        };
    }

    /// <summary>A differentiable two-input operation, with broadcasting.</summary>
    /// <param name="name">The op's name, for error messages.</param>
    /// <param name="primal">Computes the value from the inputs <c>(a, b) =&gt; y</c>.</param>
    /// <param name="jvp">Forward rule <c>(a, b, y, da, db) =&gt; dy</c>: the output's tangent for the
    /// input tangents (an input that is not being differentiated gets a zero tangent).</param>
    /// <param name="vjp">Reverse rule <c>(a, b, y, g) =&gt; (da, db)</c>: the inputs' cotangents for
    /// the output cotangent g, each of the output's shape or its input's (a cotangent of the
    /// broadcast output's shape is summed back to the input's shape for you).</param>
    /// <returns>The operation, as a function of two tensors.</returns>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static Func<Tensor, Tensor, Tensor> Define(
        string name,
        Func<Tensor, Tensor, Tensor> primal,
        Func<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> jvp,
        Func<Tensor, Tensor, Tensor, Tensor, (Tensor, Tensor)> vjp)
    {
        ArgumentNullException.ThrowIfNull(primal);
        ArgumentNullException.ThrowIfNull(jvp);
        ArgumentNullException.ThrowIfNull(vjp);
        var op = F.Op.define2(
            name,
            FuncConvert.FromFunc<F.Tensor, F.Tensor, F.Tensor>((a, b) => Out(primal(Tensor.Wrap(a), Tensor.Wrap(b)), name, "primal function")),
            FuncConvert.FromFunc<F.Tensor, F.Tensor, F.Tensor, F.Tensor, F.Tensor, F.Tensor>((a, b, y, da, db) =>
                Out(jvp(Tensor.Wrap(a), Tensor.Wrap(b), Tensor.Wrap(y), Tensor.Wrap(da), Tensor.Wrap(db)), name, "JVP rule")),
            FuncConvert.FromFunc<F.Tensor, F.Tensor, F.Tensor, F.Tensor, Tuple<F.Tensor, F.Tensor>>((a, b, y, g) =>
            {
                var (ga, gb) = vjp(Tensor.Wrap(a), Tensor.Wrap(b), Tensor.Wrap(y), Tensor.Wrap(g));
                return Tuple.Create(ga?.Value!, gb?.Value!);
            }));
        return (a, b) =>
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(b);
            return Tensor.Wrap(FSharpFunc<F.Tensor, F.Tensor>.InvokeFast(op, a.Value, b.Value));
        };
    }
}
