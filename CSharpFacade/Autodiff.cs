using System;
using System.Collections.Generic;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>A function's value and its gradient (<see cref="Autodiff.ValueAndGrad(Func{Tensor, Tensor}, Tensor)"/>).</summary>
/// <param name="Value">The function's value.</param>
/// <param name="Gradient">Its gradient, of the input's shape.</param>
public sealed record ValueAndGradient(Tensor Value, Tensor Gradient) : IHoldsTensors
{
    IEnumerable<Tensor> IHoldsTensors.Tensors() => [Value, Gradient];
}

/// <summary>A function's value and its gradients with respect to named tensors
/// (<see cref="Autodiff.ValueAndGrad(Func{Params, Tensor}, Params)"/>).</summary>
/// <param name="Value">The function's value.</param>
/// <param name="Gradients">Its gradients, with the same names as the arguments.</param>
public sealed record ValueAndGradients(Tensor Value, Params Gradients) : IHoldsTensors
{
    IEnumerable<Tensor> IHoldsTensors.Tensors() => [Value, .. Gradients.Values];
}

/// <summary>A function's value and its directional derivative J·v (<see cref="Autodiff.Jvp"/>).</summary>
/// <param name="Value">The function's value f(x).</param>
/// <param name="Tangent">The Jacobian-vector product J·v, of the output's shape.</param>
public sealed record JvpResult(Tensor Value, Tensor Tangent) : IHoldsTensors
{
    IEnumerable<Tensor> IHoldsTensors.Tensors() => [Value, Tangent];
}

/// <summary>A function's value and its pullback (<see cref="Autodiff.Vjp"/>).</summary>
/// <param name="Value">The function's value f(x).</param>
/// <param name="Pullback">Maps a cotangent of the output's shape to the input's cotangent
/// (the vector-Jacobian product vᵀJ); may be called many times.</param>
public sealed record VjpResult(Tensor Value, Func<Tensor, Tensor> Pullback);

/// <summary>How far the derivatives Nabla computes are from central finite differences
/// (<see cref="Autodiff.GradCheck"/>, PyTorch's <c>gradcheck</c>).</summary>
/// <param name="Passed">True when every Jacobian entry, forward and reverse mode, is within
/// <c>atol + rtol·|numerical|</c>.</param>
/// <param name="MaxAbsoluteError">The largest |AD − numerical|.</param>
/// <param name="MaxRelativeError">The largest |AD − numerical| / |numerical| (absolute where the numerical value is 0).</param>
public sealed record GradCheckResult(bool Passed, double MaxAbsoluteError, double MaxRelativeError);

/// <summary>
/// Function transforms in the style of JAX (and <c>torch.func</c>): each takes a function of
/// tensors, as a C# lambda, and returns its derivative or the value with it. They nest to any
/// depth and mix modes freely: <c>Autodiff.Grad(Autodiff.Grad(f))</c> is the second derivative.
/// Each call runs in a scope, so only its results stay in memory. Use float64 inputs to check
/// derivatives against finite differences.
/// </summary>
public static class Autodiff
{
    /// <summary>The F# function running a C# one on facade tensors.</summary>
    private static FSharpFunc<F.Tensor, F.Tensor> Lift(Func<Tensor, Tensor> f, string op)
    {
        ArgumentNullException.ThrowIfNull(f);
        return FuncConvert.FromFunc<F.Tensor, F.Tensor>(x => Call(f, x, op));
    }

    /// <summary>A Func of core tensors running a C# function on facade tensors.</summary>
    private static Func<F.Tensor, F.Tensor> Core(Func<Tensor, Tensor> f, string op)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x => Call(f, x, op);
    }

    private static F.Tensor Call(Func<Tensor, Tensor> f, F.Tensor x, string op) =>
        (f(Tensor.Wrap(x)) ?? throw new InvalidOperationException($"{op}: the function returned null; it must return a tensor.")).Value;

    private static F.Tensor In(Tensor x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        return x.Value;
    }

    // ------------------------------------------------------------ reverse mode

    /// <summary>The gradient of <paramref name="f"/> (which must return one element) at
    /// <paramref name="x"/>, by reverse mode; it has x's shape (JAX's <c>grad(f)(x)</c>).</summary>
    /// <param name="f">A function returning a one-element floating-point tensor.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    /// <exception cref="ArgumentException">f does not return one element, or x is not floating-point.</exception>
    public static Tensor Grad(Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.Grad(Core(f, "Autodiff.Grad"), In(x, nameof(x))));

    /// <summary>The gradient of <paramref name="f"/> as a function (JAX's <c>grad(f)</c>), so that
    /// transforms nest: <c>Autodiff.Grad(x =&gt; Autodiff.Grad(f)(x).Sum())</c>.</summary>
    /// <param name="f">A function returning a one-element floating-point tensor.</param>
    public static Func<Tensor, Tensor> Grad(Func<Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x => Grad(f, x);
    }

    /// <summary>The value of <paramref name="f"/> at <paramref name="x"/> and its gradient, from one
    /// forward and one backward pass (JAX's <c>value_and_grad</c>).</summary>
    /// <param name="f">A function returning a one-element floating-point tensor.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    public static ValueAndGradient ValueAndGrad(Func<Tensor, Tensor> f, Tensor x)
    {
        var r = F.AD.ValueAndGrad(Core(f, "Autodiff.ValueAndGrad"), In(x, nameof(x)));
        return new(Tensor.Wrap(r.Value), Tensor.Wrap(r.Gradient));
    }

    /// <summary>The value and gradient of <paramref name="f"/> as a function (JAX's <c>value_and_grad(f)</c>).</summary>
    /// <param name="f">A function returning a one-element floating-point tensor.</param>
    public static Func<Tensor, ValueAndGradient> ValueAndGrad(Func<Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x => ValueAndGrad(f, x);
    }

    /// <summary>The gradient of <paramref name="f"/> with respect to every tensor of
    /// <paramref name="parameters"/>, with the same names (no flattening into one vector): the
    /// gradient of a loss over a model's parameters.</summary>
    /// <param name="f">A function of named tensors returning a one-element floating-point tensor.</param>
    /// <param name="parameters">Where to differentiate (floating-point tensors).</param>
    public static Params Grad(Func<Params, Tensor> f, Params parameters)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(parameters);
        return Params.Wrap(F.AD.GradParams(CoreParams(f, "Autodiff.Grad"), parameters.Value));
    }

    /// <summary>The gradient of a function of named tensors, as a function.</summary>
    /// <param name="f">A function of named tensors returning a one-element floating-point tensor.</param>
    public static Func<Params, Params> Grad(Func<Params, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return p => Grad(f, p);
    }

    /// <summary>The value of <paramref name="f"/> and its gradients with respect to every tensor of
    /// <paramref name="parameters"/>, with the same names.</summary>
    /// <param name="f">A function of named tensors returning a one-element floating-point tensor.</param>
    /// <param name="parameters">Where to differentiate (floating-point tensors).</param>
    public static ValueAndGradients ValueAndGrad(Func<Params, Tensor> f, Params parameters)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(parameters);
        var r = F.AD.ValueAndGradParams(CoreParams(f, "Autodiff.ValueAndGrad"), parameters.Value);
        return new(Tensor.Wrap(r.Value), Params.Wrap(r.Gradients));
    }

    private static Func<F.Params, F.Tensor> CoreParams(Func<Params, Tensor> f, string op) =>
        p => (f(Params.Wrap(p)) ?? throw new InvalidOperationException($"{op}: the function returned null; it must return a tensor.")).Value;

    /// <summary>The value of <paramref name="f"/> at <paramref name="x"/> and its pullback, which maps a
    /// cotangent of the output's shape to the input's (the vector-Jacobian product; JAX's <c>vjp</c>).
    /// The pullback keeps the forward pass's intermediates alive until it is collected.</summary>
    /// <param name="f">A function.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    public static VjpResult Vjp(Func<Tensor, Tensor> f, Tensor x)
    {
        var r = F.AD.vjp(Lift(f, "Autodiff.Vjp"), In(x, nameof(x)));
        var pullback = r.Item2;
        return new(Tensor.Wrap(r.Item1), g =>
        {
            ArgumentNullException.ThrowIfNull(g);
            return Tensor.Wrap(pullback.Invoke(g.Value));
        });
    }

    // ------------------------------------------------------------ forward mode

    /// <summary>The value of <paramref name="f"/> at <paramref name="x"/> and the Jacobian-vector
    /// product J·v, the derivative along <paramref name="v"/>, by forward mode (JAX's <c>jvp</c>).</summary>
    /// <param name="f">A function.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    /// <param name="v">The direction (tangent), of x's shape and dtype.</param>
    /// <exception cref="ArgumentException">v's shape or dtype differs from x's.</exception>
    public static JvpResult Jvp(Func<Tensor, Tensor> f, Tensor x, Tensor v)
    {
        var r = F.AD.Jvp(Core(f, "Autodiff.Jvp"), In(x, nameof(x)), In(v, nameof(v)));
        return new(Tensor.Wrap(r.Value), Tensor.Wrap(r.Tangent));
    }

    /// <summary>The derivative of <paramref name="f"/> at a one-element <paramref name="x"/>, by
    /// forward mode; it has f's output shape.</summary>
    /// <param name="f">A function of one number (a one-element tensor).</param>
    /// <param name="x">Where to differentiate (one floating-point element).</param>
    /// <exception cref="ArgumentException">x has more than one element.</exception>
    public static Tensor Diff(Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.diff(Lift(f, "Autodiff.Diff"), In(x, nameof(x))));

    /// <summary>The derivative of a function of one number, as a function (nests: <c>Diff(Diff(f))</c>).</summary>
    /// <param name="f">A function of one number (a one-element tensor).</param>
    public static Func<Tensor, Tensor> Diff(Func<Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x => Diff(f, x);
    }

    /// <summary>The <paramref name="n"/>-th derivative of <paramref name="f"/> at a one-element
    /// <paramref name="x"/> (nested forward mode); <c>DiffN(0, f, x)</c> is f(x).</summary>
    /// <param name="n">The order, 0 or more.</param>
    /// <param name="f">A function of one number (a one-element tensor).</param>
    /// <param name="x">Where to differentiate (one floating-point element).</param>
    /// <exception cref="ArgumentException">n is negative, or x has more than one element.</exception>
    public static Tensor DiffN(int n, Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.diffn(n, Lift(f, "Autodiff.DiffN"), In(x, nameof(x))));

    // ------------------------------------------------------------ Jacobians and Hessians

    /// <summary>The Jacobian of <paramref name="f"/> at <paramref name="x"/>, of shape output shape ++
    /// input shape (PyTorch's <c>torch.autograd.functional.jacobian</c>); by reverse mode when the
    /// output has fewer elements than the input, by forward mode otherwise.</summary>
    /// <param name="f">A function.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    public static Tensor Jacobian(Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.Jacobian(Core(f, "Autodiff.Jacobian"), In(x, nameof(x))));

    /// <summary>The Jacobian by forward mode, one JVP per input element (JAX's <c>jacfwd</c>).</summary>
    /// <param name="f">A function.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    public static Tensor JacFwd(Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.jacfwd(Lift(f, "Autodiff.JacFwd"), In(x, nameof(x))));

    /// <summary>The Jacobian by reverse mode, one VJP per output element (JAX's <c>jacrev</c>).</summary>
    /// <param name="f">A function.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    public static Tensor JacRev(Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.jacrev(Lift(f, "Autodiff.JacRev"), In(x, nameof(x))));

    /// <summary>The Hessian of <paramref name="f"/> (which returns one element) at
    /// <paramref name="x"/>, of shape input shape ++ input shape (forward over reverse).</summary>
    /// <param name="f">A function returning a one-element floating-point tensor.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    public static Tensor Hessian(Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.Hessian(Core(f, "Autodiff.Hessian"), In(x, nameof(x))));

    /// <summary>The Hessian-vector product H·v of <paramref name="f"/> at <paramref name="x"/>,
    /// without forming H (forward over reverse).</summary>
    /// <param name="f">A function returning a one-element floating-point tensor.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    /// <param name="v">The vector, of x's shape and dtype.</param>
    public static Tensor Hvp(Func<Tensor, Tensor> f, Tensor x, Tensor v) =>
        Tensor.Wrap(F.AD.hvp(Lift(f, "Autodiff.Hvp"), In(x, nameof(x)), In(v, nameof(v))));

    /// <summary>The Laplacian Σᵢ ∂²f/∂xᵢ² of <paramref name="f"/> (which returns one element) at
    /// <paramref name="x"/>: the trace of its Hessian.</summary>
    /// <param name="f">A function returning a one-element floating-point tensor.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    public static Tensor Laplacian(Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.laplacian(Lift(f, "Autodiff.Laplacian"), In(x, nameof(x))));

    /// <summary>The divergence Σᵢ ∂fᵢ/∂xᵢ of a vector field <paramref name="f"/> whose output has
    /// the input's shape.</summary>
    /// <param name="f">A vector field.</param>
    /// <param name="x">Where to differentiate (floating-point).</param>
    public static Tensor Divergence(Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.divergence(Lift(f, "Autodiff.Divergence"), In(x, nameof(x))));

    /// <summary>The curl ∇×f of a vector field f: R³ → R³ (x and f(x) of shape [3]).</summary>
    /// <param name="f">A vector field on R³.</param>
    /// <param name="x">Where to differentiate (shape [3], floating-point).</param>
    public static Tensor Curl(Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.curl(Lift(f, "Autodiff.Curl"), In(x, nameof(x))));

    // ------------------------------------------------------------ memory and recording

    /// <summary><paramref name="f"/>(<paramref name="x"/>), without keeping its intermediates for
    /// the backward pass: they are recomputed when needed (PyTorch's
    /// <c>torch.utils.checkpoint.checkpoint</c>). Same derivatives, less memory. With Backward, f may
    /// use parameters it closes over (a block of a model); the recomputation draws the same random
    /// numbers (dropout) as the first run.</summary>
    /// <param name="f">The block to checkpoint.</param>
    /// <param name="x">Its input.</param>
    public static Tensor Checkpoint(Func<Tensor, Tensor> f, Tensor x) =>
        Tensor.Wrap(F.AD.checkpoint(Lift(f, "Autodiff.Checkpoint"), In(x, nameof(x))));

    /// <summary>Runs <paramref name="body"/> without recording for Backward on this thread
    /// (PyTorch's <c>with torch.no_grad():</c>): results computed from tensors that require
    /// gradients do not require them. The transforms of this class still work inside.</summary>
    /// <param name="body">The computation.</param>
    public static void NoGrad(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        F.AD.NoGrad<object?>(() =>
        {
            body();
            return null;
        });
    }

    /// <summary>Runs <paramref name="body"/> without recording for Backward on this thread and
    /// returns its result (PyTorch's <c>with torch.no_grad():</c>).</summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <param name="body">The computation.</param>
    public static T NoGrad<T>(Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return F.AD.NoGrad(body);
    }

    /// <summary>Runs <paramref name="body"/> with recording for Backward on, e.g. inside
    /// <see cref="NoGrad(Action)"/> (PyTorch's <c>torch.enable_grad()</c>).</summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <param name="body">The computation.</param>
    public static T EnableGrad<T>(Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return F.AD.enableGrad(FuncConvert.FromFunc(body));
    }

    /// <summary>True unless inside <see cref="NoGrad(Action)"/> on this thread (PyTorch's
    /// <c>torch.is_grad_enabled()</c>).</summary>
    public static bool IsGradEnabled => F.AD.isGradEnabled();

    // ------------------------------------------------------------ checking derivatives

    /// <summary>Compares the Jacobians of <paramref name="f"/> at <paramref name="x"/> from reverse
    /// and forward mode with central finite differences (PyTorch's <c>gradcheck</c>). Use a float64
    /// <paramref name="x"/>.</summary>
    /// <param name="f">A function.</param>
    /// <param name="x">Where to check (float64).</param>
    /// <param name="atol">The absolute tolerance (PyTorch's default 1e-5).</param>
    /// <param name="rtol">The relative tolerance (PyTorch's default 1e-3).</param>
    public static GradCheckResult GradCheck(Func<Tensor, Tensor> f, Tensor x, double atol = 1e-5, double rtol = 1e-3)
    {
        var r = F.GradCheck.checkWith(atol, rtol, Lift(f, "Autodiff.GradCheck"), In(x, nameof(x)));
        return new(r.Passed, r.MaxAbsoluteError, r.MaxRelativeError);
    }

    /// <summary>The gradient of <paramref name="f"/> (which returns one element) at
    /// <paramref name="x"/> by central finite differences, (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε: slow
    /// and approximate, but independent of the AD engine. Use a float64 <paramref name="x"/>.</summary>
    /// <param name="f">A function returning one element.</param>
    /// <param name="x">Where to differentiate.</param>
    /// <param name="epsilon">The step ε; 1e-6 for float64 and 1e-3 otherwise when omitted.</param>
    public static Tensor NumericalGrad(Func<Tensor, Tensor> f, Tensor x, double? epsilon = null)
    {
        var fx = In(x, nameof(x));
        return Tensor.Wrap(F.Numerical.gradWith(epsilon ?? F.Numerical.defaultEpsilon(fx), Lift(f, "Autodiff.NumericalGrad"), fx));
    }

    /// <summary>The Jacobian of <paramref name="f"/> at <paramref name="x"/> by central finite
    /// differences (output shape ++ input shape). Use a float64 <paramref name="x"/>.</summary>
    /// <param name="f">A function.</param>
    /// <param name="x">Where to differentiate.</param>
    /// <param name="epsilon">The step ε; 1e-6 for float64 and 1e-3 otherwise when omitted.</param>
    public static Tensor NumericalJacobian(Func<Tensor, Tensor> f, Tensor x, double? epsilon = null)
    {
        var fx = In(x, nameof(x));
        return Tensor.Wrap(F.Numerical.jacobianWith(epsilon ?? F.Numerical.defaultEpsilon(fx), Lift(f, "Autodiff.NumericalJacobian"), fx));
    }
}
