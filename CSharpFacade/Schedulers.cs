using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.FSharp.Collections;
using static Nabla.CSharp.TrainingInterop;
using FO = global::Nabla.Optimizers;

namespace Nabla.CSharp;

/// <summary>The saved state of a learning-rate scheduler (PyTorch's <c>scheduler.state_dict()</c>):
/// its counters and numbers, and the states of the schedulers it drives. Give it to
/// <see cref="LRScheduler.LoadStateDict"/> (or <see cref="ReduceLROnPlateau.LoadStateDict"/>).</summary>
public sealed class SchedulerStateDict
{
    internal SchedulerStateDict(FO.SchedulerStateDict value) => Value = value;

    internal FO.SchedulerStateDict Value { get; }

    /// <summary>The counters and numbers by name (<c>lastEpoch</c>, <c>stepCount</c>, ...).</summary>
    public IReadOnlyDictionary<string, double> Values => ToDictionary(Value.Values);

    /// <summary>The lists of numbers by name (<c>baseLrs</c>, <c>lastLr</c>).</summary>
    public IReadOnlyDictionary<string, double[]> Lists
    {
        get
        {
            var d = new Dictionary<string, double[]>();
            foreach (var kv in Value.Lists) d[kv.Key] = ListModule.ToArray(kv.Value);
            return d;
        }
    }

    /// <summary>The states of the schedulers this one drives (SequentialLR, ChainedScheduler), in order.</summary>
    public IReadOnlyList<SchedulerStateDict> Children => Value.Children.Select(c => new SchedulerStateDict(c)).ToList();
}

/// <summary>
/// The base class of learning-rate schedulers (PyTorch's <c>torch.optim.lr_scheduler.LRScheduler</c>).
/// Constructing one sets the learning rate of epoch 0; each <see cref="Step"/> (after the
/// optimizer's step) moves to the next epoch and sets each group's <see cref="ParamGroup.Lr"/>.
/// </summary>
/// <example><code>
/// var scheduler = new StepLR(optimizer, stepSize: 30, gamma: 0.1);
/// for (var epoch = 0; epoch &lt; 100; epoch++) { Train(); scheduler.Step(); }
/// </code></example>
public abstract class LRScheduler
{
    private protected LRScheduler(FO.LRScheduler core, Optimizer optimizer)
    {
        Core = core;
        Optimizer = optimizer;
    }

    internal FO.LRScheduler Core { get; }

    /// <summary>The F# optimizer of a facade optimizer, checked for null.</summary>
    private protected static FO.Optimizer CoreOf(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return optimizer.Core;
    }

    /// <summary>The scheduler's name (<c>"StepLR"</c>, ...).</summary>
    public string Name => Core.Name;

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The initial learning rate of each group (PyTorch's <c>base_lrs</c>).</summary>
    public double[] BaseLrs => Core.BaseLrs;

    /// <summary>The epoch of the current learning rates: 0 after construction, +1 per <see cref="Step"/>
    /// (PyTorch's <c>last_epoch</c>).</summary>
    public int LastEpoch => Core.LastEpoch;

    /// <summary>The learning rate of each group set by the last step (PyTorch's <c>get_last_lr()</c>).</summary>
    public double[] GetLastLr() => Core.GetLastLr();

    /// <summary>Moves to the next epoch and sets each group's learning rate (PyTorch's <c>scheduler.step()</c>).</summary>
    public void Step() => Core.Step();

    /// <summary>The scheduler's counters (PyTorch's <c>state_dict()</c>).</summary>
    public SchedulerStateDict StateDict() => new(Core.StateDict());

    /// <summary>Restores the counters saved by <see cref="StateDict"/> (PyTorch's <c>load_state_dict</c>);
    /// the optimizer's learning rates are restored by its own <see cref="Optimizer.LoadStateDict"/>.</summary>
    /// <param name="stateDict">A state dict from <see cref="StateDict"/>.</param>
    public void LoadStateDict(SchedulerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        Core.LoadStateDict(stateDict.Value);
    }

    /// <summary>The scheduler's name, epoch and learning rates.</summary>
    public override string ToString() => Core.ToString();
}

/// <summary>Sets each group's learning rate to its initial one times a function of the epoch:
/// lr = initialLr · lrLambda(epoch) (PyTorch's <c>LambdaLR</c>).</summary>
public sealed class LambdaLR : LRScheduler
{
    /// <summary>One function for every group.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="lrLambda">The factor of the initial learning rate at each epoch, e.g. <c>epoch =&gt; Math.Pow(0.95, epoch)</c>.</param>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda)
        : base(new FO.LambdaLR(CoreOf(optimizer), Fun(lrLambda ?? throw new ArgumentNullException(nameof(lrLambda)))), optimizer)
    {
    }

    /// <summary>One function per group, in order.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="lrLambdas">The factor of each group's initial learning rate at each epoch.</param>
    public LambdaLR(Optimizer optimizer, IEnumerable<Func<int, double>> lrLambdas)
        : base(new FO.LambdaLR(CoreOf(optimizer), Funs(lrLambdas, nameof(lrLambdas))), optimizer)
    {
    }

    internal static Microsoft.FSharp.Core.FSharpFunc<int, double>[] Funs(IEnumerable<Func<int, double>> fs, string argument)
    {
        if (fs is null) throw new ArgumentNullException(argument);
        return fs.Select(f => Fun(f ?? throw new ArgumentException("a function is null.", argument))).ToArray();
    }
}

/// <summary>Multiplies each group's learning rate by a function of the epoch at every step
/// (PyTorch's <c>MultiplicativeLR</c>).</summary>
public sealed class MultiplicativeLR : LRScheduler
{
    /// <summary>One function for every group.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="lrLambda">The factor applied at each epoch (from epoch 1).</param>
    public MultiplicativeLR(Optimizer optimizer, Func<int, double> lrLambda)
        : base(new FO.MultiplicativeLR(CoreOf(optimizer), Fun(lrLambda ?? throw new ArgumentNullException(nameof(lrLambda)))), optimizer)
    {
    }

    /// <summary>One function per group, in order.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="lrLambdas">The factor applied to each group at each epoch.</param>
    public MultiplicativeLR(Optimizer optimizer, IEnumerable<Func<int, double>> lrLambdas)
        : base(new FO.MultiplicativeLR(CoreOf(optimizer), LambdaLR.Funs(lrLambdas, nameof(lrLambdas))), optimizer)
    {
    }
}

/// <summary>Multiplies the learning rate by <c>gamma</c> every <c>stepSize</c> epochs (PyTorch's <c>StepLR</c>).</summary>
public sealed class StepLR : LRScheduler
{
    /// <summary>Decays by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="stepSize">The period of the decay, in epochs (positive).</param>
    /// <param name="gamma">The factor of the decay.</param>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1)
        : base(new FO.StepLR(CoreOf(optimizer), stepSize, Some(gamma)), optimizer)
    {
    }
}

/// <summary>Multiplies the learning rate by <c>gamma</c> at each milestone epoch (PyTorch's <c>MultiStepLR</c>).</summary>
public sealed class MultiStepLR : LRScheduler
{
    /// <summary>Decays by <paramref name="gamma"/> at each of <paramref name="milestones"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="milestones">The epochs of the decays.</param>
    /// <param name="gamma">The factor of each decay.</param>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1)
        : base(new FO.MultiStepLR(CoreOf(optimizer), milestones ?? throw new ArgumentNullException(nameof(milestones)), Some(gamma)), optimizer)
    {
    }
}

/// <summary>Multiplies the learning rate by <c>gamma</c> every epoch (PyTorch's <c>ExponentialLR</c>).</summary>
public sealed class ExponentialLR : LRScheduler
{
    /// <summary>Decays by <paramref name="gamma"/> every epoch.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="gamma">The factor of the decay.</param>
    public ExponentialLR(Optimizer optimizer, double gamma)
        : base(new FO.ExponentialLR(CoreOf(optimizer), gamma), optimizer)
    {
    }
}

/// <summary>Scales the learning rate by a factor moving linearly from <c>startFactor</c> to
/// <c>endFactor</c> over <c>totalIters</c> epochs (PyTorch's <c>LinearLR</c>, a warm-up).</summary>
public sealed class LinearLR : LRScheduler
{
    /// <summary>A linear warm-up (or decay) of the factor.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="startFactor">The factor at epoch 0.</param>
    /// <param name="endFactor">The factor from epoch <paramref name="totalIters"/> on.</param>
    /// <param name="totalIters">The number of epochs of the change.</param>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3.0, double endFactor = 1.0, int totalIters = 5)
        : base(new FO.LinearLR(CoreOf(optimizer), Some(startFactor), Some(endFactor), Some(totalIters)), optimizer)
    {
    }
}

/// <summary>Scales the learning rate by a constant factor until epoch <c>totalIters</c>
/// (PyTorch's <c>ConstantLR</c>).</summary>
public sealed class ConstantLR : LRScheduler
{
    /// <summary>A constant factor for the first epochs.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="factor">The factor.</param>
    /// <param name="totalIters">The number of epochs it applies to.</param>
    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3.0, int totalIters = 5)
        : base(new FO.ConstantLR(CoreOf(optimizer), Some(factor), Some(totalIters)), optimizer)
    {
    }
}

/// <summary>Decays the learning rate by a polynomial of the remaining fraction of
/// <c>totalIters</c> epochs (PyTorch's <c>PolynomialLR</c>).</summary>
public sealed class PolynomialLR : LRScheduler
{
    /// <summary>A polynomial decay to 0 over <paramref name="totalIters"/> epochs.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="totalIters">The number of epochs of the decay.</param>
    /// <param name="power">The power of the polynomial.</param>
    public PolynomialLR(Optimizer optimizer, int totalIters = 5, double power = 1.0)
        : base(new FO.PolynomialLR(CoreOf(optimizer), Some(totalIters), Some(power)), optimizer)
    {
    }
}

/// <summary>Cosine annealing from the initial learning rate to <c>etaMin</c> over <c>tMax</c> epochs
/// (PyTorch's <c>CosineAnnealingLR</c>).</summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Cosine annealing over <paramref name="tMax"/> epochs.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="tMax">Half the period, in epochs (PyTorch's <c>T_max</c>).</param>
    /// <param name="etaMin">The minimum learning rate.</param>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0.0)
        : base(new FO.CosineAnnealingLR(CoreOf(optimizer), tMax, Some(etaMin)), optimizer)
    {
    }
}

/// <summary>Cosine annealing with warm restarts (SGDR; PyTorch's <c>CosineAnnealingWarmRestarts</c>):
/// periods of <c>t0</c> epochs, each <c>tMult</c> times as long as the one before.</summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    /// <summary>Cosine annealing restarting every period.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="t0">The length of the first period, in epochs (PyTorch's <c>T_0</c>).</param>
    /// <param name="tMult">The factor by which each period is longer than the one before (PyTorch's <c>T_mult</c>).</param>
    /// <param name="etaMin">The minimum learning rate.</param>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0.0)
        : base(new FO.CosineAnnealingWarmRestarts(CoreOf(optimizer), t0, Some(tMult), Some(etaMin)), optimizer)
    {
    }

    /// <summary>Jumps to this epoch, which may be fractional (call <c>Step(epoch + i / (double)iters)</c>
    /// after batch i of an epoch of iters batches), and sets each group's learning rate (PyTorch's <c>step(epoch)</c>).</summary>
    /// <param name="epoch">The epoch (at least 0).</param>
    public void Step(double epoch) => ((FO.CosineAnnealingWarmRestarts)Core).Step(epoch);

    /// <summary>The length of the current period, in epochs (PyTorch's <c>T_i</c>).</summary>
    public int TI => ((FO.CosineAnnealingWarmRestarts)Core).TI;

    /// <summary>The epochs since the last restart, possibly fractional (PyTorch's <c>T_cur</c>).</summary>
    public double TCur => ((FO.CosineAnnealingWarmRestarts)Core).TCur;
}

/// <summary>The annealing strategy of <see cref="OneCycleLR"/>.</summary>
public enum AnnealStrategy
{
    /// <summary>Cosine annealing (PyTorch's <c>'cos'</c>, the default).</summary>
    Cos,

    /// <summary>Linear annealing (PyTorch's <c>'linear'</c>).</summary>
    Linear,
}

/// <summary>The 1cycle policy (PyTorch's <c>OneCycleLR</c>): the learning rate climbs to
/// <c>maxLr</c> over the first <c>pctStart</c> of <c>totalSteps</c>, then anneals far below the
/// initial one; the momentum (or Adam's beta1) moves the opposite way. Step once per batch.</summary>
public sealed class OneCycleLR : LRScheduler
{
    /// <summary>A 1cycle schedule of <paramref name="totalSteps"/> steps peaking at <paramref name="maxLr"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="maxLr">The peak learning rate.</param>
    /// <param name="totalSteps">The number of steps of the cycle (epochs × batches per epoch).</param>
    /// <param name="pctStart">The fraction of the cycle spent climbing.</param>
    /// <param name="annealStrategy">Cosine or linear annealing.</param>
    /// <param name="cycleMomentum">Cycle the momentum (or beta1) inversely to the learning rate.</param>
    /// <param name="baseMomentum">The lowest momentum.</param>
    /// <param name="maxMomentum">The highest momentum.</param>
    /// <param name="divFactor">The initial learning rate is maxLr / divFactor.</param>
    /// <param name="finalDivFactor">The final learning rate is the initial one / finalDivFactor.</param>
    /// <param name="threePhase">A third phase annealing back to the initial learning rate first.</param>
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart = 0.3,
        AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25.0, double finalDivFactor = 1e4, bool threePhase = false)
        : base(new FO.OneCycleLR(CoreOf(optimizer), maxLr, totalSteps, Some(pctStart), Some(ToCore(annealStrategy)),
            Some(cycleMomentum), Some(baseMomentum), Some(maxMomentum), Some(divFactor), Some(finalDivFactor), Some(threePhase)), optimizer)
    {
    }

    /// <summary>A 1cycle schedule peaking at <paramref name="maxLrs"/>[i] for group i.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="maxLrs">The peak learning rate of each group.</param>
    /// <param name="totalSteps">The number of steps of the cycle.</param>
    /// <param name="pctStart">The fraction of the cycle spent climbing.</param>
    /// <param name="annealStrategy">Cosine or linear annealing.</param>
    /// <param name="cycleMomentum">Cycle the momentum (or beta1) inversely to the learning rate.</param>
    /// <param name="baseMomentum">The lowest momentum.</param>
    /// <param name="maxMomentum">The highest momentum.</param>
    /// <param name="divFactor">The initial learning rate is maxLr / divFactor.</param>
    /// <param name="finalDivFactor">The final learning rate is the initial one / finalDivFactor.</param>
    /// <param name="threePhase">A third phase annealing back to the initial learning rate first.</param>
    public OneCycleLR(Optimizer optimizer, double[] maxLrs, int totalSteps, double pctStart = 0.3,
        AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25.0, double finalDivFactor = 1e4, bool threePhase = false)
        : base(new FO.OneCycleLR(CoreOf(optimizer), maxLrs ?? throw new ArgumentNullException(nameof(maxLrs)), totalSteps,
            Some(pctStart), Some(ToCore(annealStrategy)), Some(cycleMomentum), Some(baseMomentum), Some(maxMomentum),
            Some(divFactor), Some(finalDivFactor), Some(threePhase)), optimizer)
    {
    }

    /// <summary>The number of steps of the cycle.</summary>
    public int TotalSteps => ((FO.OneCycleLR)Core).TotalSteps;

    private static FO.AnnealStrategy ToCore(AnnealStrategy s) => s switch
    {
        AnnealStrategy.Cos => FO.AnnealStrategy.Cos,
        AnnealStrategy.Linear => FO.AnnealStrategy.Linear,
        _ => throw new ArgumentOutOfRangeException("annealStrategy", s, "OneCycleLR: annealStrategy must be Cos or Linear."),
    };
}

/// <summary>The amplitude policy of <see cref="CyclicLR"/>'s cycles.</summary>
public enum CyclicMode
{
    /// <summary>The same amplitude every cycle (PyTorch's <c>'triangular'</c>, the default).</summary>
    Triangular,

    /// <summary>The amplitude halves every cycle (PyTorch's <c>'triangular2'</c>).</summary>
    Triangular2,

    /// <summary>The amplitude is scaled by gamma^iteration (PyTorch's <c>'exp_range'</c>).</summary>
    ExpRange,
}

/// <summary>What <see cref="CyclicLR"/>'s custom <c>scaleFn</c> is evaluated on.</summary>
public enum CyclicScaleMode
{
    /// <summary>The cycle number, from 1 (PyTorch's <c>'cycle'</c>, the default).</summary>
    Cycle,

    /// <summary>The number of steps since the start (PyTorch's <c>'iterations'</c>).</summary>
    Iterations,
}

/// <summary>The cyclical learning-rate policy (PyTorch's <c>CyclicLR</c>): the learning rate climbs
/// from <c>baseLr</c> to <c>maxLr</c> over <c>stepSizeUp</c> steps and falls back over
/// <c>stepSizeDown</c>; with <c>cycleMomentum</c>, the momentum moves the opposite way. Step once per batch.</summary>
public sealed class CyclicLR : LRScheduler
{
    /// <summary>Cycles between <paramref name="baseLr"/> and <paramref name="maxLr"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="baseLr">The lower bound of the cycle.</param>
    /// <param name="maxLr">The upper bound of the cycle.</param>
    /// <param name="stepSizeUp">Steps of the increasing half.</param>
    /// <param name="stepSizeDown">Steps of the decreasing half (default <paramref name="stepSizeUp"/>).</param>
    /// <param name="mode">The amplitude policy (ignored with <paramref name="scaleFn"/>).</param>
    /// <param name="gamma">The factor of <see cref="CyclicMode.ExpRange"/>.</param>
    /// <param name="scaleFn">A custom amplitude scaling (of the cycle or iteration, by <paramref name="scaleMode"/>).</param>
    /// <param name="scaleMode">What <paramref name="scaleFn"/> is evaluated on.</param>
    /// <param name="cycleMomentum">Cycle the momentum (or beta1) inversely to the learning rate.</param>
    /// <param name="baseMomentum">The lowest momentum.</param>
    /// <param name="maxMomentum">The highest momentum.</param>
    public CyclicLR(Optimizer optimizer, double baseLr, double maxLr, int stepSizeUp = 2000, int? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0, Func<double, double>? scaleFn = null,
        CyclicScaleMode scaleMode = CyclicScaleMode.Cycle, bool cycleMomentum = true, double baseMomentum = 0.8, double maxMomentum = 0.9)
        : base(new FO.CyclicLR(CoreOf(optimizer), baseLr, maxLr, Some(stepSizeUp), Opt(stepSizeDown), Some(ModeToCore(mode)),
            Some(gamma), scaleFn is null ? null : Some(Fun(scaleFn)), Some(ScaleModeToCore(scaleMode)), Some(cycleMomentum),
            Some(baseMomentum), Some(maxMomentum)), optimizer)
    {
    }

    /// <summary>Cycles group i between <paramref name="baseLrs"/>[i] and <paramref name="maxLrs"/>[i].</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="baseLrs">The lower bound of each group's cycle.</param>
    /// <param name="maxLrs">The upper bound of each group's cycle.</param>
    /// <param name="stepSizeUp">Steps of the increasing half.</param>
    /// <param name="stepSizeDown">Steps of the decreasing half (default <paramref name="stepSizeUp"/>).</param>
    /// <param name="mode">The amplitude policy (ignored with <paramref name="scaleFn"/>).</param>
    /// <param name="gamma">The factor of <see cref="CyclicMode.ExpRange"/>.</param>
    /// <param name="scaleFn">A custom amplitude scaling.</param>
    /// <param name="scaleMode">What <paramref name="scaleFn"/> is evaluated on.</param>
    /// <param name="cycleMomentum">Cycle the momentum (or beta1) inversely to the learning rate.</param>
    /// <param name="baseMomentum">The lowest momentum.</param>
    /// <param name="maxMomentum">The highest momentum.</param>
    public CyclicLR(Optimizer optimizer, double[] baseLrs, double[] maxLrs, int stepSizeUp = 2000, int? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0, Func<double, double>? scaleFn = null,
        CyclicScaleMode scaleMode = CyclicScaleMode.Cycle, bool cycleMomentum = true, double baseMomentum = 0.8, double maxMomentum = 0.9)
        : base(new FO.CyclicLR(CoreOf(optimizer), baseLrs ?? throw new ArgumentNullException(nameof(baseLrs)),
            maxLrs ?? throw new ArgumentNullException(nameof(maxLrs)), Some(stepSizeUp), Opt(stepSizeDown), Some(ModeToCore(mode)),
            Some(gamma), scaleFn is null ? null : Some(Fun(scaleFn)), Some(ScaleModeToCore(scaleMode)), Some(cycleMomentum),
            Some(baseMomentum), Some(maxMomentum)), optimizer)
    {
    }

    private static FO.CyclicMode ModeToCore(CyclicMode m) => m switch
    {
        CyclicMode.Triangular => FO.CyclicMode.Triangular,
        CyclicMode.Triangular2 => FO.CyclicMode.Triangular2,
        CyclicMode.ExpRange => FO.CyclicMode.ExpRange,
        _ => throw new ArgumentOutOfRangeException("mode", m, "CyclicLR: mode must be Triangular, Triangular2 or ExpRange."),
    };

    private static FO.CyclicScaleMode ScaleModeToCore(CyclicScaleMode m) => m switch
    {
        CyclicScaleMode.Cycle => FO.CyclicScaleMode.Cycle,
        CyclicScaleMode.Iterations => FO.CyclicScaleMode.Iterations,
        _ => throw new ArgumentOutOfRangeException("scaleMode", m, "CyclicLR: scaleMode must be Cycle or Iterations."),
    };
}

/// <summary>Runs schedulers one after another (PyTorch's <c>SequentialLR</c>): the first until the
/// first milestone, then the second (restarted at its epoch 0), ...; e.g. a LinearLR warm-up then a
/// CosineAnnealingLR decay.</summary>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] schedulers;

    /// <summary>Schedulers in sequence, switching at <paramref name="milestones"/>.</summary>
    /// <param name="optimizer">The optimizer (every scheduler must drive it).</param>
    /// <param name="schedulers">The schedulers, in order.</param>
    /// <param name="milestones">The epochs at which the next scheduler takes over (one fewer than schedulers).</param>
    public SequentialLR(Optimizer optimizer, IEnumerable<LRScheduler> schedulers, IEnumerable<int> milestones)
        : this(optimizer, Checked(schedulers, "SequentialLR"), milestones)
    {
    }

    private SequentialLR(Optimizer optimizer, LRScheduler[] schedulers, IEnumerable<int> milestones)
        : base(new FO.SequentialLR(CoreOf(optimizer), schedulers.Select(s => s.Core).ToArray(),
            milestones ?? throw new ArgumentNullException(nameof(milestones))), optimizer) =>
        this.schedulers = schedulers;

    /// <summary>The schedulers, in order.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => schedulers;

    internal static LRScheduler[] Checked(IEnumerable<LRScheduler> schedulers, string op)
    {
        if (schedulers is null) throw new ArgumentNullException(nameof(schedulers));
        var array = schedulers.ToArray();
        for (var i = 0; i < array.Length; i++)
            if (array[i] is null) throw new ArgumentException($"{op}: scheduler {i} is null.", nameof(schedulers));
        return array;
    }
}

/// <summary>Steps several schedulers together at every step, their factors multiplying (PyTorch's
/// <c>ChainedScheduler</c>), e.g. a ConstantLR warm-up with an ExponentialLR decay.</summary>
public sealed class ChainedScheduler : LRScheduler
{
    private readonly LRScheduler[] schedulers;

    /// <summary>Schedulers stepped together (they must drive the same optimizer).</summary>
    /// <param name="schedulers">The schedulers (at least one).</param>
    public ChainedScheduler(IEnumerable<LRScheduler> schedulers)
        : this(SequentialLR.Checked(schedulers, "ChainedScheduler"))
    {
    }

    private ChainedScheduler(LRScheduler[] schedulers)
        : base(new FO.ChainedScheduler(schedulers.Select(s => s.Core).ToArray()),
            schedulers.Length > 0 ? schedulers[0].Optimizer
                : throw new ArgumentException("ChainedScheduler: got no schedulers; pass at least one.", nameof(schedulers))) =>
        this.schedulers = schedulers;

    /// <summary>The schedulers, in order.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => schedulers;
}

/// <summary>Whether <see cref="ReduceLROnPlateau"/>'s metric should go down or up.</summary>
public enum PlateauMode
{
    /// <summary>The metric should decrease, as a loss (PyTorch's <c>'min'</c>, the default).</summary>
    Min,

    /// <summary>The metric should increase, as an accuracy (PyTorch's <c>'max'</c>).</summary>
    Max,
}

/// <summary>How <see cref="ReduceLROnPlateau"/>'s threshold compares a metric with the best so far.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than best·(1 ∓ threshold) (PyTorch's <c>'rel'</c>, the default).</summary>
    Rel,

    /// <summary>Absolute: better than best ∓ threshold (PyTorch's <c>'abs'</c>).</summary>
    Abs,
}

/// <summary>Multiplies the learning rate by <c>factor</c> when a metric has not improved for more than
/// <c>patience</c> epochs (PyTorch's <c>ReduceLROnPlateau</c>); call <see cref="Step(double)"/> with the
/// validation loss after each epoch.</summary>
public sealed class ReduceLROnPlateau
{
    /// <summary>Reduces the learning rate when the metric stops improving.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="mode">Whether the metric should decrease (Min) or increase (Max).</param>
    /// <param name="factor">The factor of each reduction, in [0, 1).</param>
    /// <param name="patience">Epochs without improvement tolerated before a reduction.</param>
    /// <param name="threshold">The smallest change that counts as an improvement.</param>
    /// <param name="thresholdMode">Relative or absolute threshold.</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting again.</param>
    /// <param name="minLr">The lowest learning rate.</param>
    /// <param name="eps">Reductions smaller than this are skipped.</param>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double minLr = 0.0, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        Core = new FO.ReduceLROnPlateau(optimizer.Core,
            Some(mode switch
            {
                PlateauMode.Min => FO.PlateauMode.Min,
                PlateauMode.Max => FO.PlateauMode.Max,
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "ReduceLROnPlateau: mode must be Min or Max."),
            }),
            Some(factor), Some(patience), Some(threshold),
            Some(thresholdMode switch
            {
                ThresholdMode.Rel => FO.ThresholdMode.Rel,
                ThresholdMode.Abs => FO.ThresholdMode.Abs,
                _ => throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode, "ReduceLROnPlateau: thresholdMode must be Rel or Abs."),
            }),
            Some(cooldown), Some(minLr), Some(eps));
    }

    internal FO.ReduceLROnPlateau Core { get; }

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The best metric so far (±infinity before the first step).</summary>
    public double Best => Core.Best;

    /// <summary>Epochs since the last improvement.</summary>
    public int NumBadEpochs => Core.NumBadEpochs;

    /// <summary>Epochs left in the cooldown after a reduction.</summary>
    public int CooldownCounter => Core.CooldownCounter;

    /// <summary>The number of <see cref="Step(double)"/> calls.</summary>
    public int LastEpoch => Core.LastEpoch;

    /// <summary>The learning rate of each group after the last step (PyTorch's <c>get_last_lr()</c>).</summary>
    public double[] GetLastLr() => Core.GetLastLr();

    /// <summary>Records this epoch's metric and reduces the learning rates after <c>patience</c>
    /// epochs without improvement (PyTorch's <c>scheduler.step(metrics)</c>).</summary>
    /// <param name="metric">The monitored value (a validation loss).</param>
    public void Step(double metric) => Core.Step(metric);

    /// <summary>Records a one-element tensor metric (a validation loss).</summary>
    /// <param name="metric">The monitored value.</param>
    public void Step(Tensor metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        Core.Step(metric.Value);
    }

    /// <summary>The counters (PyTorch's <c>state_dict()</c>).</summary>
    public SchedulerStateDict StateDict() => new(Core.StateDict());

    /// <summary>Restores the counters saved by <see cref="StateDict"/>.</summary>
    /// <param name="stateDict">A state dict from <see cref="StateDict"/>.</param>
    public void LoadStateDict(SchedulerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        Core.LoadStateDict(stateDict.Value);
    }

    /// <summary>The best metric, bad-epoch count and learning rates.</summary>
    public override string ToString() => Core.ToString();
}
