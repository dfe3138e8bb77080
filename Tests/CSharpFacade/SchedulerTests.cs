using System;
using System.Linq;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Learning-rate schedulers: the sequences PyTorch's schedulers give, state dicts and errors.</summary>
public static class SchedulerTests
{
    private static Optimizer Sgd(double lr = 0.1, double momentum = 0.0) =>
        new SGD(new[] { Tensor.From(new[] { 1.0 }).RequiresGrad() }, lr: lr, momentum: momentum);

    /// <summary>The learning rate at epochs 0 .. n-1 (one Step between each).</summary>
    private static double[] Sequence(LRScheduler s, int n)
    {
        var lrs = new double[n];
        for (var e = 0; e < n; e++)
        {
            if (e > 0) s.Step();
            lrs[e] = s.GetLastLr()[0];
            Assert.Close(s.Optimizer.ParamGroups[0].Lr, lrs[e], $"the optimizer's lr at epoch {e}", 1e-15);
        }
        return lrs;
    }

    private static void Expect(double[] actual, double[] expected, string what) =>
        TrainingFixtures.SequenceClose(actual, expected, what, 1e-12);

    /// <summary>StepLR(stepSize: 30, gamma: 0.1): 0.1 until epoch 29, 0.01 from 30, 0.001 from 60.</summary>
    public static void StepLRDecaysTenfoldEveryThirtyEpochs()
    {
        var s = new StepLR(Sgd(), stepSize: 30, gamma: 0.1);
        var lrs = Sequence(s, 61);
        Assert.Close(lrs[0], 0.1, "epoch 0");
        Assert.Close(lrs[29], 0.1, "epoch 29");
        Assert.Close(lrs[30], 0.01, "epoch 30", 1e-12);
        Assert.Close(lrs[59], 0.01, "epoch 59", 1e-12);
        Assert.Close(lrs[60], 0.001, "epoch 60", 1e-12);
        Assert.Equal(s.LastEpoch, 60, "LastEpoch");
        Assert.Equal(s.Name, "StepLR", "Name");
    }

    /// <summary>MultiStepLR(milestones: [2, 4], gamma: 0.5): 0.1, 0.1, 0.05, 0.05, 0.025, 0.025.</summary>
    public static void MultiStepLRDecaysAtMilestones() =>
        Expect(Sequence(new MultiStepLR(Sgd(), new[] { 2, 4 }, gamma: 0.5), 6), new[] { 0.1, 0.1, 0.05, 0.05, 0.025, 0.025 }, "MultiStepLR");

    /// <summary>ExponentialLR(gamma: 0.9): 0.1·0.9^epoch.</summary>
    public static void ExponentialLRMultipliesEveryEpoch() =>
        Expect(Sequence(new ExponentialLR(Sgd(), gamma: 0.9), 5), Enumerable.Range(0, 5).Select(e => 0.1 * Math.Pow(0.9, e)).ToArray(), "ExponentialLR");

    /// <summary>CosineAnnealingLR(tMax: 10): 0.1·(1 + cos(π·e/10))/2, 0.05 at epoch 5 and 0 at epoch 10.</summary>
    public static void CosineAnnealingLRFollowsTheCosine()
    {
        var lrs = Sequence(new CosineAnnealingLR(Sgd(), tMax: 10), 11);
        Expect(lrs, Enumerable.Range(0, 11).Select(e => 0.1 * (1 + Math.Cos(Math.PI * e / 10)) / 2).ToArray(), "CosineAnnealingLR");
        Assert.Close(lrs[5], 0.05, "half way", 1e-12);
    }

    /// <summary>LambdaLR takes a Func&lt;int, double&gt;: lr = initial · f(epoch).</summary>
    public static void LambdaLRUsesTheFunction() =>
        Expect(Sequence(new LambdaLR(Sgd(), epoch => 1.0 / (epoch + 1)), 4), new[] { 0.1, 0.05, 0.1 / 3, 0.025 }, "LambdaLR");

    /// <summary>LambdaLR with one function per parameter group.</summary>
    public static void LambdaLRTakesOneFunctionPerGroup()
    {
        var a = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var b = Tensor.From(new[] { 1.0 }).RequiresGrad();
        var opt = new SGD(new[] { new ParamGroup(new[] { a }), new ParamGroup(new[] { b }, lr: 1.0) }, lr: 0.1);
        var s = new LambdaLR(opt, new Func<int, double>[] { e => 1.0, e => Math.Pow(0.5, e) });
        s.Step();
        Expect(s.GetLastLr(), new[] { 0.1, 0.5 }, "per-group learning rates");
        Assert.Throws<ArgumentException>(() => new LambdaLR(opt, new Func<int, double>[] { e => 1.0 }), "lrLambdas");
    }

    /// <summary>MultiplicativeLR multiplies the current learning rate by f(epoch) at every step.</summary>
    public static void MultiplicativeLRCompounds() =>
        Expect(Sequence(new MultiplicativeLR(Sgd(), _ => 0.5), 4), new[] { 0.1, 0.05, 0.025, 0.0125 }, "MultiplicativeLR");

    /// <summary>LinearLR(startFactor: 0.5, totalIters: 4): a linear warm-up from 0.05 to 0.1.</summary>
    public static void LinearLRWarmsUpLinearly() =>
        Expect(Sequence(new LinearLR(Sgd(), startFactor: 0.5, totalIters: 4), 6), new[] { 0.05, 0.0625, 0.075, 0.0875, 0.1, 0.1 }, "LinearLR");

    /// <summary>ConstantLR(factor: 0.5, totalIters: 2): 0.05 for two epochs, then 0.1.</summary>
    public static void ConstantLRScalesTheFirstEpochs() =>
        Expect(Sequence(new ConstantLR(Sgd(), factor: 0.5, totalIters: 2), 4), new[] { 0.05, 0.05, 0.1, 0.1 }, "ConstantLR");

    /// <summary>PolynomialLR(totalIters: 4, power: 1): a linear decay to 0.</summary>
    public static void PolynomialLRDecaysToZero() =>
        Expect(Sequence(new PolynomialLR(Sgd(), totalIters: 4, power: 1.0), 6), new[] { 0.1, 0.075, 0.05, 0.025, 0.0, 0.0 }, "PolynomialLR");

    /// <summary>CosineAnnealingWarmRestarts(t0: 3): the cosine restarts every 3 epochs; Step(epoch) jumps.</summary>
    public static void CosineAnnealingWarmRestartsRestarts()
    {
        var s = new CosineAnnealingWarmRestarts(Sgd(), t0: 3);
        var lrs = Sequence(s, 7);
        Expect(lrs, Enumerable.Range(0, 7).Select(e => 0.1 * (1 + Math.Cos(Math.PI * (e % 3) / 3)) / 2).ToArray(), "warm restarts");
        s.Step(1.5);
        Assert.Close(s.GetLastLr()[0], 0.1 * (1 + Math.Cos(Math.PI * 1.5 / 3)) / 2, "Step(1.5)", 1e-12);
        Assert.Close(s.TCur, 1.5, "TCur");
        Assert.Equal(s.TI, 3, "TI");
    }

    /// <summary>OneCycleLR(maxLr: 1, totalSteps: 10): starts at maxLr/25, peaks at step 2, ends at maxLr/25/1e4,
    /// the momentum moving the other way; stepping past totalSteps is an error.</summary>
    public static void OneCycleLRClimbsThenAnneals()
    {
        var opt = Sgd(momentum: 0.9);
        var s = new OneCycleLR(opt, maxLr: 1.0, totalSteps: 10);
        var lrs = Sequence(s, 10);
        Assert.Close(lrs[0], 0.04, "the initial lr (maxLr / divFactor)", 1e-12);
        Assert.Close(lrs[2], 1.0, "the peak", 1e-12);
        Assert.Close(lrs[9], 0.04 / 1e4, "the final lr", 1e-12);
        Assert.Close(opt.ParamGroups[0]["momentum"], 0.95, "the momentum back at maxMomentum", 1e-12);
        Assert.Equal(s.TotalSteps, 10, "TotalSteps");
        s.Step();
        Assert.Throws<InvalidOperationException>(() => s.Step(), "total steps");
        Assert.Throws<ArgumentException>(() => new OneCycleLR(new Adagrad(new[] { Tensor.From(new[] { 1.0 }).RequiresGrad() }), 1.0, 10), "cycleMomentum");
    }

    /// <summary>OneCycleLR with linear annealing: the learning rate climbs in equal steps.</summary>
    public static void OneCycleLRLinearAnnealing()
    {
        var lrs = Sequence(new OneCycleLR(Sgd(momentum: 0.9), maxLr: 1.0, totalSteps: 10, annealStrategy: AnnealStrategy.Linear), 3);
        Expect(lrs, new[] { 0.04, 0.52, 1.0 }, "linear climb");
    }

    /// <summary>CyclicLR(baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2): a triangle 0.01, 0.055, 0.1, 0.055, 0.01.</summary>
    public static void CyclicLRMakesTriangles() =>
        Expect(Sequence(new CyclicLR(Sgd(momentum: 0.9), baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2), 5), new[] { 0.01, 0.055, 0.1, 0.055, 0.01 }, "CyclicLR");

    /// <summary>SequentialLR: a ConstantLR warm-up then ExponentialLR from milestone 2 (PyTorch's documented sequence).</summary>
    public static void SequentialLRSwitchesAtTheMilestone()
    {
        var opt = Sgd();
        var s = new SequentialLR(opt, new LRScheduler[] { new ConstantLR(opt, factor: 0.5, totalIters: 2), new ExponentialLR(opt, gamma: 0.9) }, new[] { 2 });
        Expect(Sequence(s, 5), new[] { 0.05, 0.05, 0.1, 0.09, 0.081 }, "SequentialLR");
        Assert.Equal(s.Schedulers.Count, 2, "Schedulers");
        Assert.Throws<ArgumentException>(() => new SequentialLR(opt, new LRScheduler[] { new ExponentialLR(opt, 0.9) }, new[] { 2 }), "milestones");
    }

    /// <summary>ChainedScheduler: the factors of a ConstantLR and an ExponentialLR multiply.</summary>
    public static void ChainedSchedulerMultipliesFactors()
    {
        var opt = Sgd(lr: 1.0);
        var s = new ChainedScheduler(new LRScheduler[] { new ConstantLR(opt, factor: 0.1, totalIters: 2), new ExponentialLR(opt, gamma: 0.9) });
        var lrs = Sequence(s, 5);
        Expect(lrs, new[] { 0.1, 0.09, 0.81, 0.729, 0.6561 }, "ChainedScheduler");
        Assert.True(ReferenceEquals(s.Optimizer, opt), "the chain drives the schedulers' optimizer");
    }

    /// <summary>ReduceLROnPlateau(patience: 2, factor: 0.5) halves the learning rate after three epochs without improvement.</summary>
    public static void ReduceLROnPlateauReducesAfterPatience()
    {
        var opt = Sgd();
        var s = new ReduceLROnPlateau(opt, factor: 0.5, patience: 2);
        foreach (var metric in new[] { 1.0, 1.0, 1.0 }) s.Step(metric);
        Assert.Close(s.GetLastLr()[0], 0.1, "no reduction yet");
        Assert.Equal(s.NumBadEpochs, 2, "bad epochs");
        s.Step(Tensor.From(1.0));
        Assert.Close(s.GetLastLr()[0], 0.05, "reduced", 1e-15);
        Assert.Close(opt.ParamGroups[0].Lr, 0.05, "the optimizer's lr", 1e-15);
        Assert.Close(s.Best, 1.0, "best");
        Assert.Equal(s.LastEpoch, 4, "LastEpoch");
        var saved = s.StateDict();
        var other = new ReduceLROnPlateau(Sgd(), mode: PlateauMode.Max, thresholdMode: ThresholdMode.Abs);
        other.LoadStateDict(saved);
        Assert.Close(other.Best, 1.0, "best restored");
        Assert.Equal(other.LastEpoch, 4, "LastEpoch restored");
        Assert.Equal(Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(opt, factor: 1.5)).ParamName, "factor", "factor");
    }

    /// <summary>A scheduler's state dict (with its optimizer's, which holds the learning rates, as in PyTorch)
    /// restores its counters in another scheduler: the next step agrees.</summary>
    public static void SchedulerStateDictRoundTrips()
    {
        var opt = Sgd();
        var s = new StepLR(opt, stepSize: 2, gamma: 0.5);
        for (var i = 0; i < 5; i++) s.Step();
        var saved = s.StateDict();
        Assert.Close(saved.Values["lastEpoch"], 5.0, "lastEpoch saved");
        Assert.Sequence(saved.Lists["baseLrs"], new[] { 0.1 }, "baseLrs saved");
        var otherOpt = Sgd();
        var other = new StepLR(otherOpt, stepSize: 2, gamma: 0.5);
        otherOpt.LoadStateDict(opt.StateDict());
        other.LoadStateDict(saved);
        Assert.Equal(other.LastEpoch, 5, "LastEpoch restored");
        other.Step();
        s.Step();
        Assert.Close(other.GetLastLr()[0], s.GetLastLr()[0], "the next step agrees");
        Assert.True(s.ToString().Contains("StepLR"), $"ToString: {s}");
    }

    /// <summary>Bad arguments are ArgumentException-family errors naming the argument.</summary>
    public static void BadSchedulerArgumentsNameTheArgument()
    {
        Assert.Equal(Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(Sgd(), stepSize: 0)).ParamName, "stepSize", "stepSize");
        Assert.Equal(Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingWarmRestarts(Sgd(), t0: 3, tMult: 0)).ParamName, "tMult", "tMult");
        Assert.Equal(Assert.Throws<ArgumentNullException>(() => new StepLR(null!, 1)).ParamName, "optimizer", "optimizer");
        Assert.Throws<ArgumentNullException>(() => new LambdaLR(Sgd(), (Func<int, double>)null!));
        Assert.Throws<ArgumentException>(() => new ChainedScheduler(Array.Empty<LRScheduler>()), "no schedulers");
    }
}
