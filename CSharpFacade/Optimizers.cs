using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using static Nabla.CSharp.TrainingInterop;
using F = global::Nabla;
using FO = global::Nabla.Optimizers;

namespace Nabla.CSharp;

/// <summary>
/// One group of parameters with its own options (PyTorch's <c>optimizer.param_groups[i]</c>, or a
/// dict <c>{'params': ..., 'lr': ...}</c> passed to an optimizer): options given here override the
/// optimizer's defaults for these parameters; options left null take them. Schedulers change
/// <see cref="Lr"/> here between steps.
/// </summary>
/// <remarks>Option names are the optimizers' argument names: <c>lr</c>, <c>momentum</c>,
/// <c>weightDecay</c>, <c>beta1</c>/<c>beta2</c> (for betas), <c>eps</c>, ...</remarks>
public sealed class ParamGroup
{
    internal ParamGroup(FO.ParamGroup value) => Value = value;

    /// <summary>A group of parameters with options of its own (each null option takes the optimizer's default).</summary>
    /// <param name="parameters">The parameters of the group (e.g. one layer's <c>Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum (SGD, RMSprop).</param>
    /// <param name="dampening">Dampening of the momentum (SGD).</param>
    /// <param name="nesterov">Nesterov momentum (SGD).</param>
    /// <param name="weightDecay">Weight decay (L2 penalty; decoupled for AdamW).</param>
    /// <param name="betas">The Adam family's (beta1, beta2).</param>
    /// <param name="eps">The term added to denominators for numerical stability.</param>
    /// <param name="amsgrad">The AMSGrad variant (Adam, AdamW).</param>
    /// <param name="alpha">Smoothing constant (RMSprop).</param>
    /// <param name="centered">Centered RMSprop.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <param name="rho">Running-average coefficient (Adadelta).</param>
    /// <param name="lrDecay">Learning-rate decay (Adagrad).</param>
    /// <param name="initialAccumulatorValue">Initial value of the sum of squares (Adagrad).</param>
    /// <param name="momentumDecay">Momentum decay (NAdam).</param>
    public ParamGroup(
        IEnumerable<Tensor> parameters,
        double? lr = null,
        double? momentum = null,
        double? dampening = null,
        bool? nesterov = null,
        double? weightDecay = null,
        (double Beta1, double Beta2)? betas = null,
        double? eps = null,
        bool? amsgrad = null,
        double? alpha = null,
        bool? centered = null,
        bool? maximize = null,
        double? rho = null,
        double? lrDecay = null,
        double? initialAccumulatorValue = null,
        double? momentumDecay = null)
    {
        Value = new FO.ParamGroup(
            ToCore(parameters, nameof(parameters), "ParamGroup"),
            lr: Opt(lr),
            momentum: Opt(momentum),
            dampening: Opt(dampening),
            nesterov: Opt(nesterov),
            weightDecay: Opt(weightDecay),
            betas: betas is { } b ? Some(Tuple.Create(b.Beta1, b.Beta2)) : null,
            eps: Opt(eps),
            amsgrad: Opt(amsgrad),
            alpha: Opt(alpha),
            centered: Opt(centered),
            maximize: Opt(maximize),
            rho: Opt(rho),
            lrDecay: Opt(lrDecay),
            initialAccumulatorValue: Opt(initialAccumulatorValue),
            momentumDecay: Opt(momentumDecay));
    }

    internal FO.ParamGroup Value { get; }

    /// <summary>The parameters of this group, in order (PyTorch's <c>group['params']</c>).</summary>
    public IReadOnlyList<Tensor> Parameters
    {
        get
        {
            var ps = Value.Parameters;
            var result = new Tensor[ps.Count];
            for (var i = 0; i < result.Length; i++) result[i] = Tensor.Wrap(ps[i]);
            return result;
        }
    }

    /// <summary>The learning rate of this group (PyTorch's <c>group['lr']</c>); setting it changes the next steps.</summary>
    public double Lr
    {
        get => Value.Lr;
        set => Value.Lr = value;
    }

    /// <summary>A numeric option by name (<c>group["momentum"]</c>); setting one changes the next steps.</summary>
    /// <param name="name">The option's name, as the optimizer's argument (<c>lr</c>, <c>weightDecay</c>, <c>beta1</c>, ...).</param>
    /// <exception cref="KeyNotFoundException">The group has no such option (the message lists them).</exception>
    public double this[string name]
    {
        get => Value[name];
        set => Value[name] = value;
    }

    /// <summary>True when the group has this numeric option.</summary>
    /// <param name="name">An option's name.</param>
    public bool HasOption(string name) => Value.HasOption(name);

    /// <summary>The numeric options (after the optimizer filled in its defaults: every one it uses).</summary>
    public IReadOnlyDictionary<string, double> Options => Value.Options;

    /// <summary>The flags (<c>nesterov</c>, <c>amsgrad</c>, <c>maximize</c>, <c>centered</c>, ...).</summary>
    public IReadOnlyDictionary<string, bool> Flags => Value.Flags;

    /// <summary>A flag by name (false when absent).</summary>
    /// <param name="name">The flag's name.</param>
    public bool Flag(string name) => Value.Flag(name);

    /// <summary>Sets a flag (e.g. <c>SetFlag("nesterov", true)</c>); it changes the next steps.</summary>
    /// <param name="name">The flag's name.</param>
    /// <param name="value">Its value.</param>
    public void SetFlag(string name, bool value) => Value.SetFlag(name, value);

    /// <summary>The group's options as PyTorch prints them.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        foreach (var kv in Value.Options) parts.Add($"{kv.Key}: {kv.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        foreach (var kv in Value.Flags) parts.Add($"{kv.Key}: {kv.Value}");
        return $"ParamGroup({Value.Parameters.Count} parameters; {string.Join(", ", parts)})";
    }
}

/// <summary>The saved options of one parameter group in an <see cref="OptimizerStateDict"/>
/// (PyTorch's <c>state_dict()['param_groups'][i]</c>).</summary>
public sealed record ParamGroupState
{
    internal ParamGroupState(IReadOnlyDictionary<string, double> options, IReadOnlyDictionary<string, bool> flags, int[] parameters)
    {
        Options = options;
        Flags = flags;
        Parameters = parameters;
    }

    /// <summary>The numeric options by name.</summary>
    public IReadOnlyDictionary<string, double> Options { get; }

    /// <summary>The flags by name.</summary>
    public IReadOnlyDictionary<string, bool> Flags { get; }

    /// <summary>The indices of the group's parameters, over all groups in order.</summary>
    public int[] Parameters { get; }
}

/// <summary>
/// An optimizer's saved state (PyTorch's <c>optimizer.state_dict()</c>): per-parameter state
/// (buffers such as <c>exp_avg</c> and the <c>step</c> count, copies that do not share memory with
/// the optimizer) and the groups' options. Give it to <see cref="Optimizer.LoadStateDict"/>.
/// </summary>
public sealed class OptimizerStateDict
{
    internal OptimizerStateDict(FO.OptimizerStateDict value) => Value = value;

    internal FO.OptimizerStateDict Value { get; }

    /// <summary>The state of each parameter that has one, keyed by its index over all groups in
    /// order, as named tensors (PyTorch's <c>state_dict()['state']</c>).</summary>
    public IReadOnlyDictionary<int, Params> State
    {
        get
        {
            var d = new Dictionary<int, Params>();
            foreach (var kv in Value.State)
            {
                var entries = new List<Tuple<string, F.Tensor>>();
                foreach (var e in kv.Value) entries.Add(Tuple.Create(e.Key, e.Value));
                d[kv.Key] = Params.Wrap(new F.Params(entries.ToArray()));
            }
            return d;
        }
    }

    /// <summary>The options of each group, in order (PyTorch's <c>state_dict()['param_groups']</c>).</summary>
    public IReadOnlyList<ParamGroupState> ParamGroups
    {
        get
        {
            var list = new List<ParamGroupState>();
            foreach (var g in Value.ParamGroups)
                list.Add(new ParamGroupState(ToDictionary(g.Options), ToDictionary(g.Flags), ListModule.ToArray(g.Parameters)));
            return list;
        }
    }
}

/// <summary>
/// The base class of optimizers (PyTorch's <c>torch.optim.Optimizer</c>): parameter groups,
/// state per parameter, <see cref="Step()"/>, <see cref="ZeroGrad"/>, state dicts and files. An
/// optimizer updates the parameters in place. Its state buffers are native memory:
/// <see cref="Dispose"/> frees them.
/// </summary>
/// <example><code>
/// var opt = new Adam(model.Parameters(), lr: 0.01);
/// opt.ZeroGrad();
/// loss.Backward();
/// opt.Step();
/// </code></example>
public abstract class Optimizer : IDisposable
{
    private readonly List<ParamGroup> groups = new();

    private protected Optimizer(FO.Optimizer core, IEnumerable<ParamGroup>? given = null)
    {
        Core = core;
        if (given is not null) groups.AddRange(given);
    }

    /// <summary>The F# core's optimizer this wraps.</summary>
    internal FO.Optimizer Core { get; }

    /// <summary>The F# groups of facade groups.</summary>
    private protected static FO.ParamGroup[] GroupsToCore(IEnumerable<ParamGroup> groups, out List<ParamGroup> list)
    {
        ArgumentNullException.ThrowIfNull(groups);
        list = new List<ParamGroup>();
        foreach (var g in groups)
            list.Add(g ?? throw new ArgumentException("Optimizer: a parameter group is null.", nameof(groups)));
        var result = new FO.ParamGroup[list.Count];
        for (var i = 0; i < result.Length; i++) result[i] = list[i].Value;
        return result;
    }

    /// <summary>The optimizer's name (<c>"Adam"</c>, ...).</summary>
    public string Name => Core.Name;

    /// <summary>The parameter groups, in order (PyTorch's <c>param_groups</c>); each has every option
    /// filled in. Schedulers set their <see cref="ParamGroup.Lr"/>.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups
    {
        get
        {
            var core = Core.ParamGroups;
            for (var i = groups.Count; i < core.Count; i++) groups.Add(new ParamGroup(core[i]));
            return groups;
        }
    }

    /// <summary>The defaults a group's unset options take (PyTorch's <c>defaults</c>).</summary>
    public IReadOnlyDictionary<string, double> Defaults => Core.Defaults;

    /// <summary>Adds a group of parameters with its own options (PyTorch's <c>add_param_group</c>),
    /// e.g. a layer unfrozen during fine-tuning. Options it does not set take the optimizer's defaults.</summary>
    /// <param name="group">The group.</param>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        _ = ParamGroups;
        Core.AddParamGroup(group.Value);
        groups.Add(group);
    }

    /// <summary>Updates every parameter that has a gradient once (PyTorch's <c>optimizer.step()</c>).</summary>
    public void Step() => Core.Step();

    /// <summary>Evaluates <paramref name="closure"/> (which clears the gradients, computes the loss,
    /// calls Backward and returns the loss) with gradients recorded, then steps; returns the loss
    /// (PyTorch's <c>optimizer.step(closure)</c>; <see cref="LBFGS"/> calls the closure several times).</summary>
    /// <param name="closure">Computes the loss and its gradients.</param>
    public Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        return Tensor.Wrap(Core.Step(Fun(() => closure().Value)));
    }

    /// <summary>Clears the gradients of every parameter (PyTorch's <c>zero_grad</c>): to null by
    /// default, or filled with zeros in place with <paramref name="setToNone"/> false.</summary>
    /// <param name="setToNone">Set the gradients to null (the default) rather than to zeros.</param>
    public void ZeroGrad(bool setToNone = true) => Core.ZeroGrad(setToNone);

    /// <summary>A copy of the state and options (PyTorch's <c>state_dict()</c>).</summary>
    public OptimizerStateDict StateDict() => new(Core.StateDict());

    /// <summary>Restores options and state from <see cref="StateDict"/> of an optimizer of the same
    /// kind over parameters of the same shapes, grouped the same way (PyTorch's <c>load_state_dict</c>);
    /// later steps continue the saved trajectory exactly.</summary>
    /// <param name="stateDict">A state dict from <see cref="StateDict"/>.</param>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        Core.LoadStateDict(stateDict.Value);
    }

    /// <summary>Saves <see cref="StateDict"/> to <paramref name="path"/> in PyTorch's format (laid out as
    /// PyTorch's <c>optimizer.state_dict()</c>, so <c>torch.load</c> reads it). The write is atomic: a
    /// failed save leaves any previous file as it was.</summary>
    /// <param name="path">The file to write.</param>
    public void Save(string path) => Core.Save(path);

    /// <summary>Loads a file written by <see cref="Save"/> (or by PyTorch's
    /// <c>torch.save(optimizer.state_dict(), path)</c>) into this optimizer.</summary>
    /// <param name="path">The file to read.</param>
    public void Load(string path) => Core.Load(path);

    /// <summary><see cref="Save"/> on the thread pool: the state is copied and written there.
    /// Do not step the optimizer until the task completes.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="cancellationToken">Cancels the save before it starts.</param>
    public Task SaveAsync(string path, CancellationToken cancellationToken = default) =>
        Task.Run(() => Save(path), cancellationToken);

    /// <summary><see cref="Load"/> on the thread pool: the file is read and the state restored there.
    /// Do not step the optimizer until the task completes.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="cancellationToken">Cancels the load before it starts.</param>
    public Task LoadAsync(string path, CancellationToken cancellationToken = default) =>
        Task.Run(() => Load(path), cancellationToken);

    /// <summary>The optimizer printed as PyTorch prints it: each group's options.</summary>
    public override string ToString() => Core.ToString();

    /// <summary>Frees the optimizer's state buffers; stepped again, it starts afresh.</summary>
    public void Dispose()
    {
        Core.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and
/// weight decay (PyTorch's <c>torch.optim.SGD</c>, same update and defaults).</summary>
public sealed class SGD : Optimizer
{
    /// <summary>SGD over these parameters, all with the same options.</summary>
    /// <param name="parameters">The parameters to optimize (<c>model.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="dampening">Dampening for momentum.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0 and dampening 0).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public SGD(IEnumerable<Tensor> parameters, double lr = 1e-3, double momentum = 0.0, double dampening = 0.0,
        double weightDecay = 0.0, bool nesterov = false, bool maximize = false)
        : base(new FO.SGD(ToCore(parameters, nameof(parameters), "SGD"), Some(lr), Some(momentum), Some(dampening),
            Some(weightDecay), Some(nesterov), Some(maximize)))
    {
    }

    /// <summary>SGD over parameter groups with options of their own (PyTorch's list of dicts); the
    /// other arguments are the defaults of options a group does not set.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="dampening">Dampening for momentum.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public SGD(IEnumerable<ParamGroup> groups, double lr = 1e-3, double momentum = 0.0, double dampening = 0.0,
        double weightDecay = 0.0, bool nesterov = false, bool maximize = false)
        : this(GroupsToCore(groups, out var list), list, lr, momentum, dampening, weightDecay, nesterov, maximize)
    {
    }

    private SGD(FO.ParamGroup[] core, List<ParamGroup> list, double lr, double momentum, double dampening,
        double weightDecay, bool nesterov, bool maximize)
        : base(new FO.SGD(core, Some(lr), Some(momentum), Some(dampening), Some(weightDecay), Some(nesterov), Some(maximize)), list)
    {
    }
}

/// <summary>Adam (PyTorch's <c>torch.optim.Adam</c>, same update and defaults): bias-corrected
/// running averages of the gradient and of its square; optional L2 weight decay, AMSGrad and maximize.</summary>
public sealed class Adam : Optimizer
{
    /// <summary>Adam over these parameters, all with the same options.</summary>
    /// <param name="parameters">The parameters to optimize (<c>model.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Coefficients of the running averages of the gradient and its square; default (0.9, 0.999).</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0.0, bool amsgrad = false, bool maximize = false)
        : base(new FO.Adam(ToCore(parameters, nameof(parameters), "Adam"), Some(lr), Betas(betas), Some(eps), Some(weightDecay),
            Some(amsgrad), Some(maximize)))
    {
    }

    /// <summary>Adam over parameter groups with options of their own; the other arguments are the
    /// defaults of options a group does not set.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Coefficients of the running averages; default (0.9, 0.999).</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0.0, bool amsgrad = false, bool maximize = false)
        : this(GroupsToCore(groups, out var list), list, lr, betas, eps, weightDecay, amsgrad, maximize)
    {
    }

    private Adam(FO.ParamGroup[] core, List<ParamGroup> list, double lr, (double, double)? betas, double eps,
        double weightDecay, bool amsgrad, bool maximize)
        : base(new FO.Adam(core, Some(lr), Betas(betas), Some(eps), Some(weightDecay), Some(amsgrad), Some(maximize)), list)
    {
    }

    internal static FSharpOption<Tuple<double, double>> Betas((double, double)? betas)
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        return Some(Tuple.Create(b1, b2));
    }
}

/// <summary>AdamW (PyTorch's <c>torch.optim.AdamW</c>): Adam with decoupled weight decay, which
/// shrinks the parameters by lr·weightDecay each step (default 1e-2).</summary>
public sealed class AdamW : Optimizer
{
    /// <summary>AdamW over these parameters, all with the same options.</summary>
    /// <param name="parameters">The parameters to optimize (<c>model.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Coefficients of the running averages; default (0.9, 0.999).</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(new FO.AdamW(ToCore(parameters, nameof(parameters), "AdamW"), Some(lr), Adam.Betas(betas), Some(eps),
            Some(weightDecay), Some(amsgrad), Some(maximize)))
    {
    }

    /// <summary>AdamW over parameter groups with options of their own.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Coefficients of the running averages; default (0.9, 0.999).</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this(GroupsToCore(groups, out var list), list, lr, betas, eps, weightDecay, amsgrad, maximize)
    {
    }

    private AdamW(FO.ParamGroup[] core, List<ParamGroup> list, double lr, (double, double)? betas, double eps,
        double weightDecay, bool amsgrad, bool maximize)
        : base(new FO.AdamW(core, Some(lr), Adam.Betas(betas), Some(eps), Some(weightDecay), Some(amsgrad), Some(maximize)), list)
    {
    }
}

/// <summary>Adamax (PyTorch's <c>torch.optim.Adamax</c>): Adam with the infinity norm (a running
/// maximum of |gradient|); default lr 2e-3.</summary>
public sealed class Adamax : Optimizer
{
    /// <summary>Adamax over these parameters, all with the same options.</summary>
    /// <param name="parameters">The parameters to optimize (<c>model.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Coefficients of the running average and maximum; default (0.9, 0.999).</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adamax(IEnumerable<Tensor> parameters, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0.0, bool maximize = false)
        : base(new FO.Adamax(ToCore(parameters, nameof(parameters), "Adamax"), Some(lr), Adam.Betas(betas), Some(eps),
            Some(weightDecay), Some(maximize)))
    {
    }

    /// <summary>Adamax over parameter groups with options of their own.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Coefficients; default (0.9, 0.999).</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adamax(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0.0, bool maximize = false)
        : this(GroupsToCore(groups, out var list), list, lr, betas, eps, weightDecay, maximize)
    {
    }

    private Adamax(FO.ParamGroup[] core, List<ParamGroup> list, double lr, (double, double)? betas, double eps,
        double weightDecay, bool maximize)
        : base(new FO.Adamax(core, Some(lr), Adam.Betas(betas), Some(eps), Some(weightDecay), Some(maximize)), list)
    {
    }
}

/// <summary>NAdam (PyTorch's <c>torch.optim.NAdam</c>): Adam with Nesterov momentum, the momentum
/// schedule decaying by <c>momentumDecay</c>; default lr 2e-3.</summary>
public sealed class NAdam : Optimizer
{
    /// <summary>NAdam over these parameters, all with the same options.</summary>
    /// <param name="parameters">The parameters to optimize (<c>model.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Coefficients of the running averages; default (0.9, 0.999).</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="momentumDecay">Momentum decay (PyTorch's <c>momentum_decay</c>).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public NAdam(IEnumerable<Tensor> parameters, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0.0, double momentumDecay = 4e-3, bool maximize = false)
        : base(new FO.NAdam(ToCore(parameters, nameof(parameters), "NAdam"), Some(lr), Adam.Betas(betas), Some(eps),
            Some(weightDecay), Some(momentumDecay), Some(maximize)))
    {
    }

    /// <summary>NAdam over parameter groups with options of their own.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Coefficients; default (0.9, 0.999).</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="momentumDecay">Momentum decay.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public NAdam(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0.0, double momentumDecay = 4e-3, bool maximize = false)
        : this(GroupsToCore(groups, out var list), list, lr, betas, eps, weightDecay, momentumDecay, maximize)
    {
    }

    private NAdam(FO.ParamGroup[] core, List<ParamGroup> list, double lr, (double, double)? betas, double eps,
        double weightDecay, double momentumDecay, bool maximize)
        : base(new FO.NAdam(core, Some(lr), Adam.Betas(betas), Some(eps), Some(weightDecay), Some(momentumDecay), Some(maximize)), list)
    {
    }
}

/// <summary>RAdam (PyTorch's <c>torch.optim.RAdam</c>): Adam with the variance of the adaptive
/// learning rate rectified (plain momentum steps in the first few steps).</summary>
public sealed class RAdam : Optimizer
{
    /// <summary>RAdam over these parameters, all with the same options.</summary>
    /// <param name="parameters">The parameters to optimize (<c>model.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Coefficients of the running averages; default (0.9, 0.999).</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public RAdam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0.0, bool maximize = false)
        : base(new FO.RAdam(ToCore(parameters, nameof(parameters), "RAdam"), Some(lr), Adam.Betas(betas), Some(eps),
            Some(weightDecay), Some(maximize)))
    {
    }

    /// <summary>RAdam over parameter groups with options of their own.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Coefficients; default (0.9, 0.999).</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public RAdam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
        double weightDecay = 0.0, bool maximize = false)
        : this(GroupsToCore(groups, out var list), list, lr, betas, eps, weightDecay, maximize)
    {
    }

    private RAdam(FO.ParamGroup[] core, List<ParamGroup> list, double lr, (double, double)? betas, double eps,
        double weightDecay, bool maximize)
        : base(new FO.RAdam(core, Some(lr), Adam.Betas(betas), Some(eps), Some(weightDecay), Some(maximize)), list)
    {
    }
}

/// <summary>RMSprop (PyTorch's <c>torch.optim.RMSprop</c>, same update and defaults): the gradient
/// divided by the root of a running average of its square; optionally centered, with momentum.</summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>RMSprop over these parameters, all with the same options.</summary>
    /// <param name="parameters">The parameters to optimize (<c>model.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="alpha">Smoothing constant.</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="centered">Normalize by an estimate of the gradient's variance.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0.0, double momentum = 0.0, bool centered = false, bool maximize = false)
        : base(new FO.RMSprop(ToCore(parameters, nameof(parameters), "RMSprop"), Some(lr), Some(alpha), Some(eps),
            Some(weightDecay), Some(momentum), Some(centered), Some(maximize)))
    {
    }

    /// <summary>RMSprop over parameter groups with options of their own.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="alpha">Smoothing constant.</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="centered">Normalize by an estimate of the gradient's variance.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public RMSprop(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0.0, double momentum = 0.0, bool centered = false, bool maximize = false)
        : this(GroupsToCore(groups, out var list), list, lr, alpha, eps, weightDecay, momentum, centered, maximize)
    {
    }

    private RMSprop(FO.ParamGroup[] core, List<ParamGroup> list, double lr, double alpha, double eps,
        double weightDecay, double momentum, bool centered, bool maximize)
        : base(new FO.RMSprop(core, Some(lr), Some(alpha), Some(eps), Some(weightDecay), Some(momentum), Some(centered), Some(maximize)), list)
    {
    }
}

/// <summary>Adagrad (PyTorch's <c>torch.optim.Adagrad</c>, same update and defaults): the gradient
/// divided by the root of the sum of its past squares, the learning rate decayed by <c>lrDecay</c>.</summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Adagrad over these parameters, all with the same options.</summary>
    /// <param name="parameters">The parameters to optimize (<c>model.Parameters()</c>).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="lrDecay">Learning-rate decay.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="initialAccumulatorValue">Initial value of the sum of squares.</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0.0, double weightDecay = 0.0,
        double initialAccumulatorValue = 0.0, double eps = 1e-10, bool maximize = false)
        : base(new FO.Adagrad(ToCore(parameters, nameof(parameters), "Adagrad"), Some(lr), Some(lrDecay), Some(weightDecay),
            Some(initialAccumulatorValue), Some(eps), Some(maximize)))
    {
    }

    /// <summary>Adagrad over parameter groups with options of their own.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="lrDecay">Learning-rate decay.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="initialAccumulatorValue">Initial value of the sum of squares.</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0.0, double weightDecay = 0.0,
        double initialAccumulatorValue = 0.0, double eps = 1e-10, bool maximize = false)
        : this(GroupsToCore(groups, out var list), list, lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)
    {
    }

    private Adagrad(FO.ParamGroup[] core, List<ParamGroup> list, double lr, double lrDecay, double weightDecay,
        double initialAccumulatorValue, double eps, bool maximize)
        : base(new FO.Adagrad(core, Some(lr), Some(lrDecay), Some(weightDecay), Some(initialAccumulatorValue), Some(eps), Some(maximize)), list)
    {
    }
}

/// <summary>Adadelta (PyTorch's <c>torch.optim.Adadelta</c>, same update and defaults): steps scaled
/// by the ratio of running averages of past squared steps and squared gradients.</summary>
public sealed class Adadelta : Optimizer
{
    /// <summary>Adadelta over these parameters, all with the same options.</summary>
    /// <param name="parameters">The parameters to optimize (<c>model.Parameters()</c>).</param>
    /// <param name="lr">Coefficient that scales the step.</param>
    /// <param name="rho">Coefficient of the running averages.</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adadelta(IEnumerable<Tensor> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
        double weightDecay = 0.0, bool maximize = false)
        : base(new FO.Adadelta(ToCore(parameters, nameof(parameters), "Adadelta"), Some(lr), Some(rho), Some(eps),
            Some(weightDecay), Some(maximize)))
    {
    }

    /// <summary>Adadelta over parameter groups with options of their own.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Coefficient that scales the step.</param>
    /// <param name="rho">Coefficient of the running averages.</param>
    /// <param name="eps">Term added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Weight decay (L2 penalty).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adadelta(IEnumerable<ParamGroup> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
        double weightDecay = 0.0, bool maximize = false)
        : this(GroupsToCore(groups, out var list), list, lr, rho, eps, weightDecay, maximize)
    {
    }

    private Adadelta(FO.ParamGroup[] core, List<ParamGroup> list, double lr, double rho, double eps,
        double weightDecay, bool maximize)
        : base(new FO.Adadelta(core, Some(lr), Some(rho), Some(eps), Some(weightDecay), Some(maximize)), list)
    {
    }
}

/// <summary>
/// Limited-memory BFGS (PyTorch's <c>torch.optim.LBFGS</c>, same algorithm, defaults and state):
/// each <see cref="Optimizer.Step(Func{Tensor})"/> runs up to <c>maxIter</c> iterations, calling the
/// closure to re-evaluate the loss, with a fixed step <c>lr</c> or, with
/// <c>lineSearchFn: "strong_wolfe"</c>, a line search. <see cref="Optimizer.Step()"/> without a
/// closure throws an <see cref="InvalidOperationException"/>.
/// </summary>
/// <example><code>
/// var opt = new LBFGS(model.Parameters(), lineSearchFn: "strong_wolfe");
/// opt.Step(() => { opt.ZeroGrad(); var loss = Loss(); loss.Backward(); return loss; });
/// </code></example>
public sealed class LBFGS : Optimizer
{
    /// <summary>LBFGS over these parameters (one group).</summary>
    /// <param name="parameters">The parameters to optimize (<c>model.Parameters()</c>).</param>
    /// <param name="lr">Learning rate (the step length without line search).</param>
    /// <param name="maxIter">Maximal number of iterations per step.</param>
    /// <param name="maxEval">Maximal number of closure evaluations per step (default maxIter · 5 / 4).</param>
    /// <param name="toleranceGrad">Termination tolerance on first-order optimality.</param>
    /// <param name="toleranceChange">Termination tolerance on function value and parameter changes.</param>
    /// <param name="historySize">Update history size.</param>
    /// <param name="lineSearchFn"><c>"strong_wolfe"</c> or null (a fixed step).</param>
    public LBFGS(IEnumerable<Tensor> parameters, double lr = 1.0, int maxIter = 20, int? maxEval = null,
        double toleranceGrad = 1e-7, double toleranceChange = 1e-9, int historySize = 100, string? lineSearchFn = null)
        : base(new FO.LBFGS(ToCore(parameters, nameof(parameters), "LBFGS"), Some(lr), Some(maxIter), Opt(maxEval),
            Some(toleranceGrad), Some(toleranceChange), Some(historySize), OptRef(lineSearchFn)))
    {
    }

    private FO.LBFGS Lbfgs => (FO.LBFGS)Core;

    /// <summary><c>"strong_wolfe"</c>, or null for a fixed step.</summary>
    public string? LineSearchFn => ToReference(Lbfgs.LineSearchFn);

    /// <summary>Closure evaluations over all steps (PyTorch's <c>state['func_evals']</c>).</summary>
    public int FuncEvals => Lbfgs.FuncEvals;

    /// <summary>Iterations over all steps (PyTorch's <c>state['n_iter']</c>).</summary>
    public int NIter => Lbfgs.NIter;
}
