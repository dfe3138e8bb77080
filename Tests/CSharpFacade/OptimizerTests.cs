using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.FSharp.Core;
using Nabla.CSharp;
using static FacadeTests.TrainingFixtures;
using F = global::Nabla;
using FO = global::Nabla.Optimizers;

namespace FacadeTests;

/// <summary>Optimizers, parameter groups, optimizer state, and gradient clipping, as a C# user writes them.</summary>
public static class OptimizerTests
{
    private static readonly double[] Start = { 0.5, -1.5, 2.0 };
    private static readonly double[] Weights = { 1.0, 3.0, -2.0 };

    /// <summary>loss = Σ w·p² + Σ p: gradient 2·w·p + 1.</summary>
    private static Tensor LossOf(Tensor p) => (Tensor.From(Weights) * p * p).Sum() + p.Sum();

    private static double[] RunFacade(Func<IReadOnlyList<Tensor>, Optimizer> make, int steps = 5)
    {
        var p = Tensor.From(Start).RequiresGrad();
        using var opt = make(new[] { p });
        for (var i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            LossOf(p).Backward();
            opt.Step();
        }
        return p.ToArray<double>();
    }

    private static double[] RunCore(Func<F.Tensor[], FO.Optimizer> make, int steps = 5)
    {
        var p = Tensor.From(Start).RequiresGrad();
        var opt = make(new[] { p.Value });
        for (var i = 0; i < steps; i++)
        {
            opt.ZeroGrad(true);
            LossOf(p).Backward();
            opt.Step();
        }
        opt.Dispose();
        return p.ToArray<double>();
    }

    private static FSharpOption<T> S<T>(T v) => FSharpOption<T>.Some(v);

    private static void SameAsCore(string name, Func<IReadOnlyList<Tensor>, Optimizer> facade, Func<F.Tensor[], FO.Optimizer> core) =>
        Assert.Sequence(RunFacade(facade), RunCore(core), $"{name}: five steps through the facade equal the F# core's");

    /// <summary>One SGD step on loss Σp² moves p by -lr·2p: [1, 2] → [0.8, 1.6].</summary>
    public static void SgdStepSubtractsLearningRateTimesGradient()
    {
        var p = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad();
        var opt = new SGD(new[] { p }, lr: 0.1);
        (p * p).Sum().Backward();
        opt.Step();
        SequenceClose(p.ToArray<double>(), new[] { 0.8, 1.6 }, "p after one step", 1e-15);
    }

    /// <summary>SGD with momentum 0.9 on a constant gradient 3: p = 1 → 0.7 → 0.13 (PyTorch's buffers).</summary>
    public static void SgdMomentumTwoStepsMatchHandComputedValues()
    {
        var p = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var opt = new SGD(new[] { p }, lr: 0.1, momentum: 0.9);
        for (var i = 0; i < 2; i++)
        {
            opt.ZeroGrad();
            (p * 3.0).Sum().Backward();
            opt.Step();
            Assert.Close(p.ToArray<double>()[0], i == 0 ? 0.7 : 0.13, $"p after step {i + 1}", 1e-14);
        }
    }

    /// <summary>Adam's first step moves each parameter by lr against the sign of its gradient (bias correction).</summary>
    public static void AdamFirstStepMovesEachParameterByLearningRate()
    {
        var p = Tensor.From(new[] { 1.0, -2.0 }).RequiresGrad();
        var opt = new Adam(new[] { p }, lr: 0.01);
        (p * p).Sum().Backward();
        opt.Step();
        SequenceClose(p.ToArray<double>(), new[] { 0.99, -1.99 }, "p after one Adam step", 1e-8);
    }

    /// <summary>SGD with momentum, dampening 0, Nesterov and weight decay: the facade's steps are the core's.</summary>
    public static void SgdEqualsTheCore() =>
        SameAsCore("SGD", ps => new SGD(ps, lr: 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true),
            ps => new FO.SGD(ps, S(0.05), S(0.9), S(0.0), S(0.01), S(true), S(false)));

    /// <summary>Adam with AMSGrad and weight decay: the facade's steps are the core's.</summary>
    public static void AdamEqualsTheCore() =>
        SameAsCore("Adam", ps => new Adam(ps, lr: 0.05, betas: (0.8, 0.99), weightDecay: 0.01, amsgrad: true),
            ps => new FO.Adam(ps, S(0.05), S(Tuple.Create(0.8, 0.99)), S(1e-8), S(0.01), S(true), S(false)));

    /// <summary>AdamW's decoupled weight decay: the facade's steps are the core's.</summary>
    public static void AdamWEqualsTheCore() =>
        SameAsCore("AdamW", ps => new AdamW(ps, lr: 0.05),
            ps => new FO.AdamW(ps, S(0.05), null, null, null, null, null));

    /// <summary>Adamax: the facade's steps are the core's.</summary>
    public static void AdamaxEqualsTheCore() =>
        SameAsCore("Adamax", ps => new Adamax(ps, lr: 0.05),
            ps => new FO.Adamax(ps, S(0.05), null, null, null, null));

    /// <summary>NAdam: the facade's steps are the core's.</summary>
    public static void NAdamEqualsTheCore() =>
        SameAsCore("NAdam", ps => new NAdam(ps, lr: 0.05, momentumDecay: 0.01),
            ps => new FO.NAdam(ps, S(0.05), null, null, null, S(0.01), null));

    /// <summary>RAdam: the facade's steps are the core's.</summary>
    public static void RAdamEqualsTheCore() =>
        SameAsCore("RAdam", ps => new RAdam(ps, lr: 0.05),
            ps => new FO.RAdam(ps, S(0.05), null, null, null, null));

    /// <summary>Centered RMSprop with momentum: the facade's steps are the core's.</summary>
    public static void RmspropEqualsTheCore() =>
        SameAsCore("RMSprop", ps => new RMSprop(ps, lr: 0.01, momentum: 0.5, centered: true),
            ps => new FO.RMSprop(ps, S(0.01), null, null, null, S(0.5), S(true), null));

    /// <summary>Adagrad with lrDecay: the facade's steps are the core's.</summary>
    public static void AdagradEqualsTheCore() =>
        SameAsCore("Adagrad", ps => new Adagrad(ps, lr: 0.1, lrDecay: 0.01),
            ps => new FO.Adagrad(ps, S(0.1), S(0.01), null, null, null, null));

    /// <summary>Adadelta: the facade's steps are the core's.</summary>
    public static void AdadeltaEqualsTheCore() =>
        SameAsCore("Adadelta", ps => new Adadelta(ps, rho: 0.8),
            ps => new FO.Adadelta(ps, null, S(0.8), null, null, null));

    /// <summary>A step through the facade allocates no more managed memory than the F# core's step on the
    /// same optimizer (the facade's Step forwards without wrapping anything).</summary>
    public static void StepAllocatesNoMoreThanTheCore()
    {
        var p = Tensor.From(Start).RequiresGrad();
        var opt = new Adam(new[] { p }, lr: 1e-3);
        LossOf(p).Backward();
        long facade = 0, core = 0;
        const int n = 200;
        for (var i = 0; i < 20; i++) { opt.Step(); opt.Core.Step(); }
        for (var i = 0; i < n; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            opt.Step();
            var middle = GC.GetAllocatedBytesForCurrentThread();
            opt.Core.Step();
            var after = GC.GetAllocatedBytesForCurrentThread();
            facade += middle - before;
            core += after - middle;
        }
        Assert.True(facade <= core + 8L * n, $"facade {facade / n} bytes per step, core {core / n}");
    }

    /// <summary>The constructors' defaults are PyTorch's: SGD lr 1e-3, Adam betas (0.9, 0.999), eps 1e-8, AdamW weight decay 1e-2.</summary>
    public static void DefaultsArePyTorchs()
    {
        var p = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var sgd = new SGD(new[] { p });
        Assert.Close(sgd.ParamGroups[0].Lr, 1e-3, "SGD lr");
        var adam = new Adam(new[] { p });
        Assert.Close(adam.ParamGroups[0]["beta1"], 0.9, "beta1");
        Assert.Close(adam.ParamGroups[0]["beta2"], 0.999, "beta2");
        Assert.Close(adam.ParamGroups[0]["eps"], 1e-8, "eps");
        Assert.Close(new AdamW(new[] { p }).Defaults["weightDecay"], 1e-2, "AdamW weightDecay");
        Assert.Close(new Adadelta(new[] { p }).ParamGroups[0].Lr, 1.0, "Adadelta lr");
    }

    /// <summary>LBFGS with a strong-Wolfe line search minimizes (p - 3)² in one Step(closure).</summary>
    public static void LbfgsMinimizesAQuadraticWithAClosure()
    {
        var p = Tensor.From(new[] { 0.0 }).RequiresGrad();
        var opt = new LBFGS(new[] { p }, lineSearchFn: "strong_wolfe");
        var loss = opt.Step(() =>
        {
            opt.ZeroGrad();
            var l = ((p - 3.0) * (p - 3.0)).Sum();
            l.Backward();
            return l;
        });
        Assert.Close(loss.Item<double>(), 9.0, "the first evaluation's loss");
        Assert.Close(p.ToArray<double>()[0], 3.0, "p", 1e-6);
        Assert.True(opt.FuncEvals >= 2 && opt.NIter >= 1, $"LBFGS counted its work: {opt.FuncEvals} evaluations, {opt.NIter} iterations");
        Assert.Equal(opt.LineSearchFn, "strong_wolfe", "LineSearchFn");
    }

    /// <summary>LBFGS.Step() without a closure is an InvalidOperationException saying it needs one.</summary>
    public static void LbfgsStepWithoutClosureThrows()
    {
        var p = Tensor.From(new[] { 0.0 }).RequiresGrad();
        var opt = new LBFGS(new[] { p });
        Assert.Throws<InvalidOperationException>(() => opt.Step(), "closure");
        Assert.Throws<ArgumentException>(() => new LBFGS(new[] { p }, lineSearchFn: "backtracking"), "strong_wolfe");
    }

    /// <summary>Step(closure) evaluates the closure once for first-order optimizers and returns its loss.</summary>
    public static void StepWithClosureReturnsTheLoss()
    {
        var p = Tensor.From(new[] { 2.0 }).RequiresGrad();
        var opt = new SGD(new[] { p }, lr: 0.25);
        var calls = 0;
        var loss = opt.Step(() =>
        {
            calls++;
            opt.ZeroGrad();
            var l = (p * p).Sum();
            l.Backward();
            return l;
        });
        Assert.Equal(calls, 1, "closure calls");
        Assert.Close(loss.Item<double>(), 4.0, "loss");
        Assert.Close(p.ToArray<double>()[0], 1.0, "p = 2 - 0.25·4");
    }

    /// <summary>ZeroGrad() sets the gradients to null; ZeroGrad(setToNone: false) fills them with zeros.</summary>
    public static void ZeroGradClearsOrZeroesGradients()
    {
        var p = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad();
        var opt = new SGD(new[] { p }, lr: 0.1);
        (p * p).Sum().Backward();
        opt.ZeroGrad(setToNone: false);
        Assert.Sequence(p.Grad!.ToArray<double>(), new[] { 0.0, 0.0 }, "zeroed gradient");
        opt.ZeroGrad();
        Assert.True(p.Grad is null, "the gradient is null after ZeroGrad()");
    }

    /// <summary>ParamGroups[i].Lr reads and sets the learning rate the next step uses (as schedulers do).</summary>
    public static void ParamGroupLrCanBeChangedBetweenSteps()
    {
        var p = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var opt = new SGD(new[] { p }, lr: 0.1);
        Assert.Equal(opt.ParamGroups.Count, 1, "groups");
        opt.ParamGroups[0].Lr = 0.5;
        (p * 1.0).Sum().Backward();
        opt.Step();
        Assert.Close(p.ToArray<double>()[0], 0.5, "p = 1 - 0.5·1");
        opt.ParamGroups[0]["momentum"] = 0.9;
        Assert.Close(opt.ParamGroups[0]["momentum"], 0.9, "an option set by name");
        Assert.Throws<KeyNotFoundException>(() => _ = opt.ParamGroups[0]["nonsense"], "nonsense");
    }

    /// <summary>Parameter groups with their own options (PyTorch's list of dicts): each group steps with its own lr.</summary>
    public static void ParameterGroupsHaveTheirOwnOptions()
    {
        var a = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var b = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var opt = new SGD(new[] { new ParamGroup(new[] { a }), new ParamGroup(new[] { b }, lr: 0.5) }, lr: 0.1);
        (a + b).Sum().Backward();
        opt.Step();
        Assert.Close(a.ToArray<double>()[0], 0.9, "a steps with the default lr 0.1");
        Assert.Close(b.ToArray<double>()[0], 0.5, "b steps with its own lr 0.5");
        Assert.Close(opt.ParamGroups[0].Lr, 0.1, "group 0 got the default");
        Assert.Equal(opt.ParamGroups[1].Parameters.Count, 1, "group 1's parameters");
    }

    /// <summary>AddParamGroup adds a group (options it leaves unset take the defaults) that the next step updates.</summary>
    public static void AddParamGroupAddsAGroupThatSteps()
    {
        var a = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var b = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var opt = new Adam(new[] { a }, lr: 0.01);
        opt.AddParamGroup(new ParamGroup(new[] { b }, lr: 0.1));
        Assert.Equal(opt.ParamGroups.Count, 2, "groups");
        Assert.Close(opt.ParamGroups[1]["beta1"], 0.9, "the new group took the default beta1");
        (a + b).Sum().Backward();
        opt.Step();
        Assert.Close(b.ToArray<double>()[0], 0.9, "b moved by its lr", 1e-6);
        Assert.Throws<ArgumentException>(() => opt.AddParamGroup(new ParamGroup(new[] { a })), "twice");
    }

    /// <summary>StateDict then LoadStateDict into a fresh Adam: the next step equals the original's exactly.</summary>
    public static void LoadStateDictContinuesTheTrajectory()
    {
        var p = Tensor.From(Start).RequiresGrad();
        var opt = new Adam(new[] { p }, lr: 0.05);
        for (var i = 0; i < 3; i++) { opt.ZeroGrad(); LossOf(p).Backward(); opt.Step(); }
        var saved = opt.StateDict();
        Assert.Equal(saved.State.Count, 1, "one parameter has state");
        Assert.True(saved.State[0].ContainsKey("exp_avg") && saved.State[0].ContainsKey("step"), "PyTorch's state names");
        Assert.Sequence(saved.ParamGroups[0].Parameters, new[] { 0 }, "group 0's parameter indices");

        var q = Tensor.From(p.ToArray<double>()).RequiresGrad();
        var resumed = new Adam(new[] { q }, lr: 0.9);
        resumed.LoadStateDict(saved);
        Assert.Close(resumed.ParamGroups[0].Lr, 0.05, "the saved lr is restored");
        opt.ZeroGrad(); LossOf(p).Backward(); opt.Step();
        resumed.ZeroGrad(); LossOf(q).Backward(); resumed.Step();
        Assert.Sequence(q.ToArray<double>(), p.ToArray<double>(), "the resumed step equals the uninterrupted one");
    }

    /// <summary>Save/Load (and their Async versions) write PyTorch's format and restore the state exactly.</summary>
    public static void SaveAndLoadRoundTripTheState()
    {
        var dir = TempDir("optimizer");
        var p = Tensor.From(Start).RequiresGrad();
        var opt = new RMSprop(new[] { p }, lr: 0.01, momentum: 0.5);
        for (var i = 0; i < 2; i++) { opt.ZeroGrad(); LossOf(p).Backward(); opt.Step(); }
        var path = Path.Combine(dir, "opt.pt");
        opt.Save(path);
        opt.SaveAsync(Path.Combine(dir, "opt2.pt")).GetAwaiter().GetResult();
        Assert.True(new FileInfo(path).Length > 0 && File.Exists(Path.Combine(dir, "opt2.pt")), "the files exist");

        foreach (var file in new[] { "opt.pt", "opt2.pt" })
        {
            var q = Tensor.From(p.ToArray<double>()).RequiresGrad();
            var other = new RMSprop(new[] { q }, lr: 0.5, momentum: 0.5);
            if (file == "opt.pt") other.Load(Path.Combine(dir, file));
            else other.LoadAsync(Path.Combine(dir, file)).GetAwaiter().GetResult();
            var expected = other.StateDict().State[0]["square_avg"].ToArray<double>();
            Assert.Sequence(expected, opt.StateDict().State[0]["square_avg"].ToArray<double>(), $"{file}: square_avg");
            Assert.Close(other.ParamGroups[0].Lr, 0.01, $"{file}: lr");
        }
    }

    /// <summary>ToString prints as PyTorch prints an optimizer: name, groups, options sorted, betas as a pair.</summary>
    public static void ToStringPrintsAsPyTorch()
    {
        var p = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var text = new Adam(new[] { p }, lr: 0.01).ToString();
        foreach (var part in new[] { "Adam (", "Parameter Group 0", "lr: 0.01", "betas: (0.9, 0.999)", "eps: 1e-08", "amsgrad: False" })
            Assert.True(text.Contains(part), $"'{part}' in {text}");
        Assert.Equal(new SGD(new[] { p }).Name, "SGD", "Name");
    }

    /// <summary>Bad arguments are ArgumentException-family errors naming the argument.</summary>
    public static void BadArgumentsNameTheArgument()
    {
        var p = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(new[] { p }, lr: -1.0), "lr");
        Assert.Equal(e.ParamName, "lr", "ParamName");
        Assert.Equal(Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(new[] { p }, betas: (1.5, 0.9))).ParamName, "betas", "betas");
        Assert.Throws<ArgumentNullException>(() => new Adam((IEnumerable<Tensor>)null!));
        Assert.Equal(Assert.Throws<ArgumentException>(() => new SGD(Array.Empty<Tensor>())).ParamName, "parameters", "empty parameters");
        Assert.Throws<ArgumentException>(() => new SGD(new Tensor[] { null! }), "null");
        Assert.Throws<ArgumentException>(() => new SGD(new[] { Tensor.From(new[] { 1.0 }) }), "require grad");
        Assert.Throws<ArgumentException>(() => new SGD(new[] { p }, momentum: 0.0, nesterov: true), "Nesterov");
    }

    /// <summary>Dispose frees the state: the next StateDict has no per-parameter state.</summary>
    public static void DisposeFreesTheState()
    {
        var p = Tensor.From(Start).RequiresGrad();
        var opt = new Adam(new[] { p });
        LossOf(p).Backward();
        opt.Step();
        Assert.Equal(opt.StateDict().State.Count, 1, "state after a step");
        opt.Dispose();
        Assert.Equal(opt.StateDict().State.Count, 0, "state after Dispose");
    }

    /// <summary>ClipGradNorm returns the total norm before clipping and scales the gradients to maxNorm (PyTorch's formula).</summary>
    public static void ClipGradNormScalesToMaxNorm()
    {
        var a = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var b = Tensor.From(new[] { 1.0 }).RequiresGrad();
        (a * 3.0 + b * 4.0).Sum().Backward();
        Assert.Close(Gradients.GradNorm(new[] { a, b }), 5.0, "GradNorm");
        var total = Gradients.ClipGradNorm(new[] { a, b }, maxNorm: 1.0);
        Assert.Close(total, 5.0, "the total norm before clipping");
        var coef = 1.0 / (5.0 + 1e-6);
        Assert.Close(a.Grad!.Item<double>(), 3.0 * coef, "a's gradient", 1e-12);
        Assert.Close(b.Grad!.Item<double>(), 4.0 * coef, "b's gradient", 1e-12);
        Assert.Close(Gradients.GradNorm(new[] { a, b }, normType: double.PositiveInfinity), 4.0 * coef, "the infinity norm", 1e-12);
    }

    /// <summary>ClipGradValue clamps each gradient element into [-clipValue, clipValue].</summary>
    public static void ClipGradValueClampsElements()
    {
        var p = Tensor.From(new[] { 1.0, 1.0, 1.0 }).RequiresGrad();
        (p * Tensor.From(new[] { -3.0, 0.5, 2.0 })).Sum().Backward();
        Gradients.ClipGradValue(new[] { p }, 1.0);
        Assert.Sequence(p.Grad!.ToArray<double>(), new[] { -1.0, 0.5, 1.0 }, "clamped gradient");
    }

    /// <summary>Clipping's errors: a negative maxNorm, a bad normType, a non-finite norm with errorIfNonfinite.</summary>
    public static void ClipGradErrorsNameTheArgument()
    {
        var p = Tensor.From(new[] { 1.0 }).RequiresGrad();
        (p * double.PositiveInfinity).Sum().Backward();
        Assert.Equal(Assert.Throws<ArgumentOutOfRangeException>(() => Gradients.ClipGradNorm(new[] { p }, -1.0)).ParamName, "maxNorm", "maxNorm");
        Assert.Equal(Assert.Throws<ArgumentOutOfRangeException>(() => Gradients.ClipGradNorm(new[] { p }, 1.0, normType: 0.0)).ParamName, "normType", "normType");
        Assert.Throws<InvalidOperationException>(() => Gradients.ClipGradNorm(new[] { p }, 1.0, errorIfNonfinite: true), "non-finite");
        Assert.Equal(Assert.Throws<ArgumentOutOfRangeException>(() => Gradients.ClipGradValue(new[] { p }, -1.0)).ParamName, "clipValue", "clipValue");
        Assert.Throws<ArgumentNullException>(() => Gradients.GradNorm(null!));
        Assert.Close(Gradients.GradNorm(new[] { Tensor.From(new[] { 1.0 }).RequiresGrad() }), 0.0, "no gradient: norm 0");
    }
}
