using System;
using System.Collections.Generic;
using System.Linq;
using Nabla.CSharp;
using F = global::Nabla;

namespace FacadeTests;

/// <summary>Autograd members of Tensor, the Autodiff transforms, Op.Define and Params, as a C# user
/// writes them; derivatives checked against values derived by hand and finite differences in float64.</summary>
public static class AutodiffTests
{
    static void Values(Tensor t, double[] expected, string what, double tolerance = 1e-9)
    {
        var actual = t.ToArray();
        Assert.Equal(actual.Length, expected.Length, $"{what}: number of elements");
        for (var i = 0; i < actual.Length; i++)
            Assert.Close(actual[i], expected[i], $"{what}[{i}]", tolerance);
    }

    static Tensor Vec(params double[] values) => Tensor.From(values);

    static Tensor Cube(Tensor x) => x * x * x;

    // ------------------------------------------------------------ PyTorch-style autograd

    /// <summary>Backward accumulates into Grad over calls; ZeroGrad clears it to null, or to zeros with setToNone: false.</summary>
    public static void BackwardAccumulatesAndZeroGradClears()
    {
        var x = Vec(1, 2, 3).RequiresGrad();
        Assert.True(x.Grad is null, "no gradient before Backward");
        (x * x).Sum().Backward();
        Values(x.Grad!, [2, 4, 6], "first");
        (x * x).Sum().Backward();
        Values(x.Grad!, [4, 8, 12], "accumulated");
        x.ZeroGrad(setToNone: false);
        Values(x.Grad!, [0, 0, 0], "zeroed in place");
        x.ZeroGrad();
        Assert.True(x.Grad is null, "cleared");
    }

    /// <summary>Backward of a non-scalar takes the cotangent; without one it is the core's ArgumentException.</summary>
    public static void BackwardOfANonScalarTakesTheGradient()
    {
        var x = Vec(1, 2).RequiresGrad();
        var y = x * x;
        y.Backward(Vec(1, 10));
        Values(x.Grad!, [2, 40], "J^T v");
        Assert.Throws<ArgumentException>(() => y.Backward(), "Backward", "one-element", "[2]");
        Assert.Throws<ArgumentException>(() => y.Backward(Vec(1, 2, 3)), "Backward", "[2]", "[3]");
    }

    /// <summary>Backward(createGraph: true) records the gradient, so it can be differentiated again (second derivative of x³ is 6x).</summary>
    public static void BackwardWithCreateGraphGivesSecondDerivatives()
    {
        var x = Tensor.From(3.0, requiresGrad: true);
        Cube(x).Backward(createGraph: true);
        var g = x.Grad!;
        Assert.Close(g.Item<double>(), 27, "3x²");
        Assert.True(g.RequiresGradient, "the gradient is recorded");
        x.ZeroGrad();
        g.Backward();
        Assert.Close(x.Grad!.Item<double>(), 18, "6x");
    }

    /// <summary>Backward of a tensor that does not require grad is the core's InvalidOperationException.</summary>
    public static void BackwardWithoutRequiresGradThrows()
    {
        var y = Vec(1, 2).Sum();
        Assert.Throws<InvalidOperationException>(() => y.Backward(), "Backward", "does not require grad");
    }

    /// <summary>RequiresGradient and IsLeaf report PyTorch's requires_grad and is_leaf; RequiresGrad(false)
    /// detaches a leaf and refuses a computed tensor.</summary>
    public static void RequiresGradientAndIsLeafFollowPyTorch()
    {
        var c = Vec(1, 2);
        Assert.True(!c.RequiresGradient && c.IsLeaf, "a constant");
        var x = c.RequiresGrad();
        Assert.True(x.RequiresGradient && x.IsLeaf, "a requires-grad leaf");
        Assert.True(!c.RequiresGradient, "the original is unchanged (a value)");
        var y = x * 2;
        Assert.True(y.RequiresGradient && !y.IsLeaf, "computed from it");
        var off = x.RequiresGrad(false);
        Assert.True(!off.RequiresGradient, "switched off");
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad(false), "leaf");
        Assert.True(x.RequiresGrad() is { RequiresGradient: true }, "already requiring");
    }

    /// <summary>Detach gives the values without gradient tracking: nothing flows through it.</summary>
    public static void DetachStopsGradients()
    {
        var x = Tensor.From(2.0, requiresGrad: true);
        var y = x * x.Detach();
        Assert.True(!x.Detach().RequiresGradient, "detached");
        y.Backward();
        Assert.Close(x.Grad!.Item<double>(), 2, "only the tracked factor");
        Assert.Close(Autodiff.Grad(t => t * t.Detach(), Tensor.From(3.0)).Item<double>(), 3, "also under a transform");
    }

    /// <summary>A hook sees and may replace the gradient; disposing it removes it.</summary>
    public static void RegisterHookReplacesTheGradientUntilDisposed()
    {
        var x = Vec(1, 2).RequiresGrad();
        var seen = new List<double[]>();
        var hook = x.RegisterHook(g =>
        {
            seen.Add(g.ToArray());
            return g * 10;
        });
        (x * 3).Sum().Backward();
        Values(x.Grad!, [30, 30], "replaced");
        Assert.Sequence(seen[0], [3.0, 3.0], "the hook saw the gradient");
        hook.Dispose();
        x.ZeroGrad();
        (x * 3).Sum().Backward();
        Values(x.Grad!, [3, 3], "removed");
        Assert.Throws<InvalidOperationException>(() => Vec(1).RegisterHook(g => g), "registerHook", "does not require grad");
        Assert.Throws<ArgumentNullException>(() => x.RegisterHook(null!));
    }

    /// <summary>RetainGrad keeps a non-leaf's gradient.</summary>
    public static void RetainGradKeepsANonLeafGradient()
    {
        var x = Vec(1, 2).RequiresGrad();
        var y = x * 3;
        y.RetainGrad();
        (y * y).Sum().Backward();
        Values(y.Grad!, [6, 12], "dL/dy = 2y");
        Values(x.Grad!, [18, 36], "dL/dx");
    }

    // ------------------------------------------------------------ transforms

    /// <summary>Grad of sum(x²) is 2x.</summary>
    public static void GradOfASumOfSquaresIsTwiceX()
    {
        var g = Autodiff.Grad(x => (x * x).Sum(), Vec(1, -2, 3));
        Values(g, [2, -4, 6], "2x");
        Assert.Equal(g.DType, DType.Float64, "dtype");
    }

    /// <summary>Grad(f) is a function, so transforms nest: Grad(Grad(x³)) is 6x, and three levels give 6.</summary>
    public static void GradOfGradNests()
    {
        Func<Tensor, Tensor> f = Cube;
        var x = Tensor.From(2.0);
        Assert.Close(Autodiff.Grad(f)(x).Item<double>(), 12, "3x²");
        Assert.Close(Autodiff.Grad(Autodiff.Grad(f))(x).Item<double>(), 12, "6x");
        Assert.Close(Autodiff.Grad(Autodiff.Grad(Autodiff.Grad(f)))(x).Item<double>(), 6, "6");
    }

    /// <summary>ValueAndGrad returns a record that deconstructs: the value and the gradient.</summary>
    public static void ValueAndGradReturnsARecord()
    {
        var (value, gradient) = Autodiff.ValueAndGrad(x => (x * x).Sum(), Vec(3, 4));
        Assert.Close(value.Item<double>(), 25, "value");
        Values(gradient, [6, 8], "gradient");
        var r = Autodiff.ValueAndGrad(x => (x * x).Sum())(Vec(1));
        Assert.Close(r.Value.Item<double>(), 1, "curried value");
        Values(r.Gradient, [2], "curried gradient");
    }

    /// <summary>Grad of a function that does not return one element, or at an integer input, is the core's ArgumentException.</summary>
    public static void GradRefusesVectorOutputsAndIntegerInputs()
    {
        Assert.Throws<ArgumentException>(() => Autodiff.Grad(x => x * 2, Vec(1, 2)), "AD.grad", "scalar", "[2]");
        Assert.Throws<ArgumentException>(() => Autodiff.Grad(x => x.Sum(), Tensor.From(new[] { 1, 2 })), "floating-point");
        Assert.Throws<InvalidOperationException>(() => Autodiff.Grad(x => null!, Vec(1)), "Autodiff.Grad", "null");
        Assert.Throws<ArgumentNullException>(() => Autodiff.Grad(null!, Vec(1)));
    }

    /// <summary>Jvp gives the value and the directional derivative J·v (forward mode).</summary>
    public static void JvpGivesTheDirectionalDerivative()
    {
        var x = Vec(1, 2);
        var (value, tangent) = Autodiff.Jvp(Cube, x, Vec(1, 0.5));
        Values(value, [1, 8], "x³");
        Values(tangent, [3, 6], "3x²·v");
        Assert.Throws<ArgumentException>(() => Autodiff.Jvp(Cube, x, Vec(1)), "AD.jvp", "[2]", "[1]");
    }

    /// <summary>Vjp gives the value and a pullback that can be called many times.</summary>
    public static void VjpPullbackCanBeCalledManyTimes()
    {
        var r = Autodiff.Vjp(t => t * t, Vec(1, 2, 3));
        Values(r.Value, [1, 4, 9], "value");
        Values(r.Pullback(Vec(1, 1, 1)), [2, 4, 6], "first pullback");
        Values(r.Pullback(Vec(1, 0, 2)), [2, 0, 12], "second pullback");
        Assert.Throws<ArgumentException>(() => r.Pullback(Vec(1)), "AD.vjp", "[3]");
    }

    /// <summary>Jacobian, JacFwd and JacRev of x² elementwise are diag(2x); a reduction's Jacobian has the output's shape first.</summary>
    public static void JacobiansAgree()
    {
        var x = Vec(1, 2, 3);
        double[] diag = [2, 0, 0, 0, 4, 0, 0, 0, 6];
        Values(Autodiff.Jacobian(t => t * t, x), diag, "Jacobian");
        Values(Autodiff.JacFwd(t => t * t, x), diag, "JacFwd");
        Values(Autodiff.JacRev(t => t * t, x), diag, "JacRev");
        var j = Autodiff.Jacobian(t => (t * t).Sum(), x);
        Assert.Sequence(j.Shape, [3], "scalar output: shape [] ++ [3]");
        Assert.Sequence(Autodiff.Jacobian(t => t * 2, Tensor.Zeros(2, 3, dtype: DType.Float64)).Shape, [2, 3, 2, 3], "output shape ++ input shape");
    }

    /// <summary>The Hessian of sum(x³) is diag(6x); Hvp equals Hessian·v without forming it.</summary>
    public static void HessianAndHvp()
    {
        var x = Vec(1, 2);
        Values(Autodiff.Hessian(t => Cube(t).Sum(), x), [6, 0, 0, 12], "Hessian");
        Values(Autodiff.Hvp(t => Cube(t).Sum(), x, Vec(1, 1)), [6, 12], "H·v");
        Values(Autodiff.Hessian(t => t[0] * t[1] * t[1], x), [0, 4, 4, 2], "mixed partials");
    }

    /// <summary>Diff and DiffN differentiate functions of one number: x³ at 2 gives 12, 12, 6; DiffN(0) is f.</summary>
    public static void DiffAndDiffN()
    {
        var x = Tensor.From(2.0);
        Assert.Close(Autodiff.Diff(Cube, x).Item<double>(), 12, "f'");
        Assert.Close(Autodiff.Diff(Autodiff.Diff(Cube))(x).Item<double>(), 12, "Diff(Diff(f))");
        Assert.Close(Autodiff.DiffN(2, Cube, x).Item<double>(), 12, "f''");
        Assert.Close(Autodiff.DiffN(3, Cube, x).Item<double>(), 6, "f'''");
        Assert.Close(Autodiff.DiffN(0, Cube, x).Item<double>(), 8, "f");
        Assert.Throws<ArgumentException>(() => Autodiff.Diff(Cube, Vec(1, 2)), "AD.diff", "[2]");
        Assert.Throws<ArgumentException>(() => Autodiff.DiffN(-1, Cube, x), "AD.diffn");
        Values(Autodiff.Diff(t => t * Vec(1, 2, 3), x), [1, 2, 3], "a vector-valued function");
    }

    /// <summary>Laplacian, divergence and curl of simple fields.</summary>
    public static void LaplacianDivergenceAndCurl()
    {
        var x = Vec(1, 2, 3);
        Assert.Close(Autodiff.Laplacian(t => (t * t).Sum(), x).Item<double>(), 6, "Δ|x|² = 2n");
        Assert.Close(Autodiff.Divergence(t => t * t, x).Item<double>(), 12, "∇·x² = Σ 2x");
        Values(Autodiff.Curl(t => t * t, x), [0, 0, 0], "a gradient field has no curl");
    }

    /// <summary>Checkpoint gives the same gradient, under a transform and with Backward.</summary>
    public static void CheckpointGivesTheSameGradients()
    {
        var x = Vec(1, 2);
        Values(Autodiff.Grad(t => Autodiff.Checkpoint(Cube, t).Sum(), x), [3, 12], "under Grad");
        var w = Vec(1, 2).RequiresGrad();
        Autodiff.Checkpoint(h => Cube(h) * 2, w).Sum().Backward();
        Values(w.Grad!, [6, 24], "with Backward");
    }

    /// <summary>NoGrad stops recording (results do not require grad, IsGradEnabled is false inside);
    /// EnableGrad turns it back on; transforms still work inside.</summary>
    public static void NoGradStopsRecording()
    {
        var w = Vec(1, 2).RequiresGrad();
        Assert.True(Autodiff.IsGradEnabled, "enabled outside");
        var y = Autodiff.NoGrad(() =>
        {
            Assert.True(!Autodiff.IsGradEnabled, "disabled inside");
            return w * 2;
        });
        Assert.True(!y.RequiresGradient, "not recorded");
        var ran = false;
        Autodiff.NoGrad(() => { ran = !(w * 3).RequiresGradient; });
        Assert.True(ran, "the Action form");
        var z = Autodiff.NoGrad(() => Autodiff.EnableGrad(() => w * 2));
        Assert.True(z.RequiresGradient, "EnableGrad inside NoGrad");
        Values(Autodiff.NoGrad(() => Autodiff.Grad(t => (t * t).Sum(), Vec(3))), [6], "a transform inside NoGrad");
        Assert.True(Autodiff.IsGradEnabled, "restored");
    }

    /// <summary>GradCheck passes for a correct derivative and fails for a wrong one.</summary>
    public static void GradCheckComparesWithFiniteDifferences()
    {
        var x = Vec(0.5, -1.5, 2);
        var ok = Autodiff.GradCheck(t => Cube(t) / (1 + t * t), x);
        Assert.True(ok.Passed, $"passed: {ok}");
        Assert.True(ok.MaxAbsoluteError < 1e-5, "small error");
        var wrong = Op.Define("wrongSquare", t => t * t, (t, y, dt) => dt * t, (t, y, g) => g * t);
        var bad = Autodiff.GradCheck(wrong, x);
        Assert.True(!bad.Passed, "a wrong rule fails");
        Assert.True(bad.MaxAbsoluteError > 0.4, $"the error is reported: {bad.MaxAbsoluteError}");
    }

    /// <summary>NumericalGrad and NumericalJacobian match the AD derivatives in float64.</summary>
    public static void NumericalDerivativesMatchAD()
    {
        var x = Vec(0.3, -0.7, 1.1);
        Func<Tensor, Tensor> f = t => (Cube(t) * 2 - t).Sum();
        Values(Autodiff.NumericalGrad(f, x), Autodiff.Grad(f, x).ToArray(), "grad", 1e-6);
        Values(Autodiff.NumericalGrad(f, x, epsilon: 1e-4), Autodiff.Grad(f, x).ToArray(), "grad with a step", 1e-6);
        Values(Autodiff.NumericalJacobian(t => t * t, x), Autodiff.Jacobian(t => t * t, x).ToArray(), "Jacobian", 1e-6);
    }

    /// <summary>Grad over Params gives gradients with the same names; ValueAndGrad over Params gives the value too.</summary>
    public static void GradOverParamsKeepsTheNames()
    {
        var p = Params.Of(("w", Vec(1, 2)), ("b", Tensor.From(0.5)));
        Func<Params, Tensor> loss = q => (q["w"] * q["w"] * q["b"]).Sum();
        var g = Autodiff.Grad(loss, p);
        Assert.Sequence(g.Keys.ToArray(), ["w", "b"], "names in order");
        Values(g["w"], [1, 2], "d/dw = 2wb");
        Values(g["b"], [5], "d/db = Σw²");
        var (value, grads) = Autodiff.ValueAndGrad(loss, p);
        Assert.Close(value.Item<double>(), 2.5, "value");
        Values(grads["b"], [5], "gradients");
        Values(Autodiff.Grad(loss)(p)["w"], [1, 2], "curried");
    }

    /// <summary>The transforms give exactly the F# core's results.</summary>
    public static void TransformsEqualTheFSharpCore()
    {
        var x = Tensor.Randn(4, dtype: DType.Float64);
        Func<Tensor, Tensor> f = t => (Cube(t) - t * 2.0).Sum();
        static F.Tensor Core(F.Tensor t) =>
            F.TensorModule.sum(F.TensorModule.sub(F.TensorModule.mul(F.TensorModule.mul(t, t), t), t * 2.0));
        Assert.Sequence(Autodiff.Grad(f, x).ToArray(), F.AD.Grad(Core, x.Value).ToArray(), "grad");
        Assert.Sequence(Autodiff.Hessian(f, x).ToArray(), F.AD.Hessian(Core, x.Value).ToArray(), "hessian");
        Assert.Sequence(Autodiff.Jvp(f, x, Tensor.OnesLike(x)).Tangent.ToArray(), F.AD.Jvp(Core, x.Value, F.TensorModule.onesLike(x.Value)).Tangent.ToArray(), "jvp");
    }

    // ------------------------------------------------------------ user-defined ops

    /// <summary>A one-input op defined in C#: its values, its gradient against finite differences,
    /// second order through its rules, forward mode and GradCheck.</summary>
    public static void OpDefineWithOneInput()
    {
        // softplus(x) = log(1 + e^x) written with the core's ops; d/dx = 1 / (1 + e^-x)
        static Tensor Exp(Tensor t) => Tensor.Wrap(F.TensorModule.exp(t.Value));
        static Tensor Log(Tensor t) => Tensor.Wrap(F.TensorModule.log(t.Value));
        Func<Tensor, Tensor> sigmoid = t => 1 / (1 + Exp(-t));
        var softplus = Op.Define("softplus",
            t => Log(1 + Exp(t)),
            jvp: (t, y, dt) => dt * sigmoid(t),
            vjp: (t, y, g) => g * sigmoid(t));
        var x = Vec(-1, 0, 2);
        Values(softplus(x), x.ToArray().Select(v => Math.Log(1 + Math.Exp(v))).ToArray(), "values", 1e-12);
        Func<Tensor, Tensor> f = t => softplus(t).Sum();
        Values(Autodiff.Grad(f, x), Autodiff.NumericalGrad(f, x).ToArray(), "gradient", 1e-6);
        Values(Autodiff.Hessian(f, x), Autodiff.NumericalJacobian(Autodiff.Grad(f), x).ToArray(), "second order", 1e-5);
        Values(Autodiff.Jvp(softplus, x, Vec(1, 1, 1)).Tangent, x.ToArray().Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), "forward mode", 1e-12);
        Assert.True(Autodiff.GradCheck(softplus, x).Passed, "GradCheck");
        var w = x.RequiresGrad();
        softplus(w).Sum().Backward();
        Values(w.Grad!, Autodiff.Grad(f, x).ToArray(), "with Backward", 1e-12);
    }

    /// <summary>A two-input op with broadcasting: the cotangent of the broadcast input is summed back for you.</summary>
    public static void OpDefineWithTwoInputsBroadcasts()
    {
        var mul = Op.Define("myMul",
            (a, b) => a * b,
            jvp: (a, b, y, da, db) => da * b + a * db,
            vjp: (a, b, y, g) => (g * b, g * a));
        var a = Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var b = Vec(10, 20, 30);
        Values(mul(a, b), (a * b).ToArray(), "values");
        Values(Autodiff.Grad(t => mul(a, t).Sum(), b), [5, 7, 9], "d/db summed over the broadcast rows");
        Values(Autodiff.Grad(t => mul(t, b).Sum(), a), [10, 20, 30, 10, 20, 30], "d/da");
        Values(Autodiff.Grad(Autodiff.Grad(t => mul(t, t).Sum()), Tensor.From(3.0)), [2], "second order");
        Values(Autodiff.Jvp(t => mul(t, b), a, Tensor.OnesLike(a)).Tangent, [10, 20, 30, 10, 20, 30], "forward mode");
    }

    /// <summary>A rule returning the wrong shape is an InvalidOperationException naming the op; an empty name is refused.</summary>
    public static void OpDefineChecksItsRules()
    {
        var bad = Op.Define("badOp", t => t * 2, (t, y, dt) => dt.Sum(), (t, y, g) => g.Sum());
        Assert.Throws<InvalidOperationException>(() => Autodiff.Grad(t => bad(t).Sum(), Vec(1, 2, 3)), "badOp", "VJP", "[3]");
        Assert.Throws<InvalidOperationException>(() => Autodiff.Jvp(bad, Vec(1, 2, 3), Vec(1, 1, 1)), "badOp", "JVP");
        Assert.Throws<ArgumentException>(() => Op.Define(" ", t => t, (t, y, d) => d, (t, y, g) => g), "name");
        var nulls = Op.Define("nullRule", t => t * 2, (t, y, dt) => null!, (t, y, g) => null!);
        Assert.Throws<InvalidOperationException>(() => Autodiff.Grad(t => nulls(t).Sum(), Vec(1)), "nullRule", "null");
    }

    // ------------------------------------------------------------ Params

    /// <summary>Params.Of builds named tensors in order; Map and Zip keep the names; duplicate names are refused.</summary>
    public static void ParamsOfMapAndZip()
    {
        var p = Params.Of(("w", Vec(1, 2)), ("b", Vec(3)));
        Assert.Sequence(p.Keys.ToArray(), ["w", "b"], "names");
        Assert.Equal(p.Count, 2, "count");
        var doubled = p.Map(t => t * 2);
        Values(doubled["w"], [2, 4], "Map");
        var named = p.Map((name, t) => name == "b" ? t * 0 : t);
        Values(named["b"], [0], "Map with names");
        var step = p.Zip(doubled, (w, g) => w - 0.5 * g);
        Values(step["w"], [0, 0], "Zip: a gradient step");
        Assert.Throws<ArgumentException>(() => Params.Of(("a", Vec(1)), ("a", Vec(2))), "appears twice");
        Assert.Throws<ArgumentException>(() => p.Zip(Params.Of(("x", Vec(1))), (a, b) => a), "names");
        var fromDictionary = new Params(new Dictionary<string, Tensor> { ["k"] = Vec(7) });
        Values(fromDictionary["k"], [7], "from a dictionary");
    }
}
