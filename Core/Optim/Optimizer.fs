namespace Nabla.Optimizers

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open Nabla

/// One group of parameters with its own options (PyTorch's `param_groups[i]`): options given
/// here override the optimizer's defaults for these parameters. Numeric options (`lr`,
/// `momentum`, `weightDecay`, `beta1`/`beta2` for betas, `eps`, ...) and flags (`nesterov`,
/// `amsgrad`, `maximize`, ...) are named as in the optimizers' constructors; schedulers change
/// `Lr` (and momentum/betas) here between steps.
[<Sealed; AllowNullLiteral>]
type ParamGroup
    (
        parameters: seq<Tensor>,
        ?lr: float,
        ?momentum: float,
        ?dampening: float,
        ?nesterov: bool,
        ?weightDecay: float,
        ?betas: float * float,
        ?eps: float,
        ?amsgrad: bool,
        ?alpha: float,
        ?centered: bool,
        ?maximize: bool,
        ?rho: float,
        ?lrDecay: float,
        ?initialAccumulatorValue: float,
        ?momentumDecay: float
    ) =
    let ps =
        if isNull (box parameters) then
            nullArg "parameters"

        Seq.toArray parameters

    let options = Dictionary<string, float>(StringComparer.Ordinal)
    let flags = Dictionary<string, bool>(StringComparer.Ordinal)

    do
        let set name (v: float option) =
            v |> Option.iter (fun v -> options[name] <- v)

        let flag name (v: bool option) =
            v |> Option.iter (fun v -> flags[name] <- v)

        set "lr" lr
        set "momentum" momentum
        set "dampening" dampening
        flag "nesterov" nesterov
        set "weightDecay" weightDecay
        set "beta1" (betas |> Option.map fst)
        set "beta2" (betas |> Option.map snd)
        set "eps" eps
        flag "amsgrad" amsgrad
        set "alpha" alpha
        flag "centered" centered
        flag "maximize" maximize
        set "rho" rho
        set "lrDecay" lrDecay
        set "initialAccumulatorValue" initialAccumulatorValue
        set "momentumDecay" momentumDecay

    /// The parameters of this group, in order.
    member _.Parameters: IReadOnlyList<Tensor> = ps

    /// The numeric options (after the optimizer has filled in its defaults: every one it uses).
    member _.Options: IReadOnlyDictionary<string, float> = options

    /// The flags (nesterov, amsgrad, maximize, centered, ...).
    member _.Flags: IReadOnlyDictionary<string, bool> = flags

    /// A numeric option by name (`group["momentum"]`); setting one changes the next steps.
    member _.Item
        with get (name: string) =
            match options.TryGetValue name with
            | true, v -> v
            | _ ->
                let known = String.Join(", ", options.Keys)
                raise (KeyNotFoundException $"ParamGroup: no option '{name}'. Options: {known}.")
        and set (name: string) (value: float) = options[name] <- value

    /// A flag by name (false when absent).
    member _.Flag(name: string) =
        match flags.TryGetValue name with
        | true, v -> v
        | _ -> false

    /// Sets a flag.
    member _.SetFlag(name: string, value: bool) = flags[name] <- value

    /// True when the group has this numeric option.
    member _.HasOption(name: string) = options.ContainsKey name

    /// The learning rate of this group.
    member this.Lr
        with get () = this["lr"]
        and set (v: float) = this["lr"] <- v

    /// (beta1, beta2) of the Adam family.
    member this.Betas
        with get () = this["beta1"], this["beta2"]
        and set ((b1: float, b2: float)) =
            this["beta1"] <- b1
            this["beta2"] <- b2

    /// Fills in the optimizer's defaults for options this group does not set.
    member internal _.FillDefaults(defaults: IReadOnlyDictionary<string, float>, defaultFlags: IReadOnlyDictionary<string, bool>) =
        for KeyValue(k, v) in defaults do
            options.TryAdd(k, v) |> ignore

        for KeyValue(k, v) in defaultFlags do
            flags.TryAdd(k, v) |> ignore

/// The state an optimizer keeps for one parameter (PyTorch's `optimizer.state[p]`): the step
/// count, named buffers with PyTorch's names (`exp_avg`, `momentum_buffer`, ...), and named
/// numbers.
[<Sealed; AllowNullLiteral>]
type ParamState() =
    let buffers = Dictionary<string, Tensor>(StringComparer.Ordinal)
    let values = Dictionary<string, float>(StringComparer.Ordinal)

    /// Steps taken for this parameter (PyTorch's `state["step"]`).
    member val Step = 0.0 with get, set

    /// Buffers by name.
    member _.Buffers: IDictionary<string, Tensor> = buffers

    /// Numbers by name (LBFGS's counters, ...).
    member _.Values: IDictionary<string, float> = values

    /// The buffer with this name.
    member _.Item
        with get (name: string) =
            match buffers.TryGetValue name with
            | true, v -> v
            | _ ->
                let known = String.Join(", ", buffers.Keys)
                raise (KeyNotFoundException $"ParamState: no buffer '{name}'. Buffers: {known}.")

/// The saved state of one parameter group (PyTorch's `state_dict()["param_groups"][i]`):
/// options, flags, and the indices of its parameters in the optimizer's order.
type ParamGroupState =
    {
        Options: Map<string, float>
        Flags: Map<string, bool>
        Parameters: int list
    }

/// An optimizer's saved state (PyTorch's `optimizer.state_dict()`): per-parameter state keyed by
/// the parameter's index over all groups in order (its buffers, `step` and numbers as 0-d
/// tensors, copies that do not share memory with the optimizer), and the groups' options.
type OptimizerStateDict =
    {
        State: Map<int, Map<string, Tensor>>
        ParamGroups: ParamGroupState list
    }

/// The base class of optimizers (PyTorch's `torch.optim.Optimizer`): parameter groups, state per
/// parameter, Step, ZeroGrad and state dicts. An optimizer updates the parameters in place,
/// recording nothing for Backward; a subclass writes UpdateParameter (one parameter's update,
/// on tensors it may change in place) or overrides Step for a whole-group algorithm.
[<AbstractClass>]
type Optimizer
    (
        name: string,
        groups: seq<ParamGroup>,
        defaults: (string * float) list,
        defaultFlags: (string * bool) list,
        validate: ParamGroup -> unit
    ) =
    let defaultOptions =
        Dictionary<string, float>(dict defaults, StringComparer.Ordinal) :> IReadOnlyDictionary<_, _>

    let defaultFlagValues =
        Dictionary<string, bool>(dict defaultFlags, StringComparer.Ordinal) :> IReadOnlyDictionary<_, _>

    let paramGroups = List<ParamGroup>()
    let states = List<ParamState[]>()
    let seen = HashSet<obj>(HashIdentity.Reference)

    let add (group: ParamGroup) =
        if isNull group then
            nullArg "group"

        for p in group.Parameters do
            if isNull (box p) then
                invalidArg "parameters" $"{name}: a parameter is null."

            if not p.Dtype.IsFloatingPoint then
                invalidArg "parameters" $"{name}: can only optimize floating-point tensors; got dtype {p.Dtype}."

            if not p.RequiresGrad || not p.IsLeaf then
                let why =
                    if p.RequiresGrad then
                        "was computed from others"
                    else
                        "does not require grad"

                invalidArg
                    "parameters"
                    $"{name}: can only optimize tensors that require grad and are leaves (a module's parameters, or Tensor.requiresGrad x); got one of shape {Raw.shapeText p.Shape} that {why}."

            if not (seen.Add(Prim.Innermost p)) then
                invalidArg "parameters" $"{name}: a parameter appears twice (in one group or in two); each may appear once."

        group.FillDefaults(defaultOptions, defaultFlagValues)
        Optimizer.CheckNonNegative(name, group, "lr")
        validate group
        paramGroups.Add group
        states.Add(Array.zeroCreate group.Parameters.Count)

    do
        if isNull (box groups) then
            nullArg "parameters"

        let groups = Seq.toArray groups

        if groups.Length = 0 || groups |> Array.forall (fun g -> g.Parameters.Count = 0) then
            invalidArg "parameters" $"{name}: got an empty list of parameters; pass the model's parameters (model.Parameters())."

        for g in groups do
            add g

    /// The optimizer's name ("Adam", ...).
    member _.Name = name

    /// The parameter groups, in order; each has every option filled in.
    member _.ParamGroups: IReadOnlyList<ParamGroup> = paramGroups

    /// The defaults a group's unset options take.
    member _.Defaults = defaultOptions

    /// Adds a group of parameters with its own options (PyTorch's add_param_group), e.g. a layer
    /// unfrozen during fine-tuning. Options it does not set take the optimizer's defaults.
    member _.AddParamGroup(group: ParamGroup) = add group

    /// Throws when the named options of a group are negative.
    static member CheckNonNegative(name: string, group: ParamGroup, [<ParamArray>] options: string[]) =
        for o in options do
            if group.HasOption o && not (group[o] >= 0.0) then
                raise (ArgumentOutOfRangeException(o, $"{name}: invalid {o}: {group[o]} (it must be at least 0)."))

    /// Throws when the named options of a group are outside [0, 1).
    static member CheckUnitInterval(name: string, group: ParamGroup, [<ParamArray>] options: string[]) =
        for o in options do
            if group.HasOption o && not (group[o] >= 0.0 && group[o] < 1.0) then
                raise (ArgumentOutOfRangeException(o, $"{name}: invalid {o}: {group[o]} (it must be in [0, 1))."))

    /// The state of a parameter (None before its first update).
    member _.StateOf(parameter: Tensor) : ParamState option =
        let key = Prim.Innermost parameter

        Seq.zip paramGroups states
        |> Seq.tryPick (fun (g, s) ->
            g.Parameters
            |> Seq.tryFindIndex (fun p -> obj.ReferenceEquals(Prim.Innermost p, key))
            |> Option.bind (fun i -> Option.ofObj s[i]))

    /// One parameter's update, in place, on `data` (the parameter's values as a constant that
    /// shares its storage) given its gradient and state (created empty at its first update).
    abstract UpdateParameter: group: ParamGroup * data: Tensor * grad: Tensor * state: ParamState -> unit

    default _.UpdateParameter(_, _, _, _) =
        invalidOp $"{name}: this optimizer overrides Step instead of UpdateParameter."

    /// Visits each parameter that has a gradient with its values, gradient and state, inside a
    /// dispose scope that frees the step's temporaries, and marks each updated parameter as
    /// modified (a graph recorded before the step can no longer be differentiated, as in PyTorch).
    member internal _.ForEachWithGrad(update: ParamGroup -> Tensor -> Tensor -> ParamState -> unit) =
        use scope = new Memory.Scope()

        for gi in 0 .. paramGroups.Count - 1 do
            let g = paramGroups[gi]
            let st = states[gi]

            for i in 0 .. g.Parameters.Count - 1 do
                let p = g.Parameters[i]
                let cell = Autograd.cellOf p

                if not (isNull cell) && not (isNull (box cell.Grad)) then
                    if isNull st[i] then
                        st[i] <- ParamState()

                    update g (Const(Prim.RawOf p)) (Const(Prim.RawOf cell.Grad)) st[i]
                    cell.MutatedAt <- Imperative.Tick()

    /// Updates every parameter that has a gradient once (PyTorch's `optimizer.step()`).
    abstract Step: unit -> unit

    default this.Step() =
        AD.noGrad (fun () -> this.ForEachWithGrad(fun g data grad st -> this.UpdateParameter(g, data, grad, st)))

    /// Evaluates `closure` (which computes the loss and calls Backward) with gradients recorded,
    /// then steps; returns the loss (PyTorch's `optimizer.step(closure)`; LBFGS calls the closure
    /// several times).
    abstract Step: closure: (unit -> Tensor) -> Tensor

    default this.Step(closure: unit -> Tensor) =
        if isNull (box closure) then
            nullArg "closure"

        let loss = AD.enableGrad closure
        this.Step()
        loss

    /// Clears the gradients of every parameter (to None by default, as PyTorch's zero_grad; with
    /// setToNone = false, fills them with zeros in place).
    member _.ZeroGrad([<Optional; DefaultParameterValue(true)>] setToNone: bool) =
        for g in paramGroups do
            for p in g.Parameters do
                p.ZeroGrad setToNone

    /// The names of per-parameter state entries that are numbers (ParamState.Values, such as
    /// NAdam's mu_product): LoadStateDict reads them back as numbers. Every other saved entry but
    /// "step" is a buffer, which must have its parameter's shape.
    abstract StateValueNames: string list

    default _.StateValueNames = []

    /// A copy of the state and options (PyTorch's state_dict), for saving or LoadStateDict.
    abstract StateDict: unit -> OptimizerStateDict

    default _.StateDict() =
        let mutable index = 0
        let mutable state = Map.empty
        let mutable groupStates = []

        for gi in 0 .. paramGroups.Count - 1 do
            let g = paramGroups[gi]
            let indices = List<int>()

            for i in 0 .. g.Parameters.Count - 1 do
                let s = states[gi][i]

                if not (isNull s) then
                    let entries =
                        [
                            if s.Step > 0.0 then
                                "step", Optimizer.Number s.Step
                            for KeyValue(k, v) in s.Buffers do
                                k, Optimizer.Copy v
                            for KeyValue(k, v) in s.Values do
                                k, Optimizer.Number v
                        ]

                    state <- state.Add(index, Map.ofList entries)

                indices.Add index
                index <- index + 1

            groupStates <-
                {
                    Options = g.Options |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq
                    Flags = g.Flags |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq
                    Parameters = List.ofSeq indices
                }
                :: groupStates

        {
            State = state
            ParamGroups = List.rev groupStates
        }

    /// Restores options and state from StateDict of an optimizer of the same kind over
    /// parameters of the same shapes, grouped the same way (PyTorch's load_state_dict); buffers
    /// are copied and cast to each parameter's dtype and device. Later steps continue the saved
    /// trajectory exactly. A buffer whose shape is not its parameter's (a state dict of another
    /// model) is an error, found before anything changes.
    abstract LoadStateDict: OptimizerStateDict -> unit

    default this.LoadStateDict(saved: OptimizerStateDict) =
        if isNull (box saved) then
            nullArg "saved"

        let groups = List.toArray saved.ParamGroups

        if groups.Length <> paramGroups.Count then
            invalidArg
                "saved"
                $"{name}.LoadStateDict: the saved state has {groups.Length} parameter groups; this optimizer has {paramGroups.Count}."

        for gi in 0 .. groups.Length - 1 do
            if groups[gi].Parameters.Length <> paramGroups[gi].Parameters.Count then
                invalidArg
                    "saved"
                    $"{name}.LoadStateDict: group {gi} of the saved state has {groups[gi].Parameters.Length} parameters; this optimizer's has {paramGroups[gi].Parameters.Count}."

        let valueNames = this.StateValueNames

        // check everything before changing anything
        let restored =
            [|
                for gi in 0 .. groups.Length - 1 do
                    let g = paramGroups[gi]

                    [|
                        for i, index in List.indexed groups[gi].Parameters do
                            let p = g.Parameters[i]

                            match saved.State.TryFind index with
                            | None -> null
                            | Some entries ->
                                let s = ParamState()

                                for KeyValue(k, v) in entries do
                                    if k = "step" then
                                        s.Step <- v.ToScalar()
                                    elif List.contains k valueNames then
                                        if v.Numel <> 1 then
                                            invalidArg
                                                "saved"
                                                $"{name}.LoadStateDict: '{k}' of parameter {index} must be a number (one element); got shape {Raw.shapeText v.Shape}."

                                        s.Values[k] <- v.ToScalar()
                                    elif v.Shape <> p.Shape then
                                        invalidArg
                                            "saved"
                                            $"{name}.LoadStateDict: buffer '{k}' of parameter {index} has shape {Raw.shapeText v.Shape}; the parameter has shape {Raw.shapeText p.Shape} (a state dict of another model?)."
                                    elif v.Dtype.IsFloatingPoint then
                                        s.Buffers[k] <- Optimizer.CopyLike(v, p)
                                    else
                                        s.Buffers[k] <- Optimizer.Copy v

                                s
                    |]
            |]

        for gi in 0 .. groups.Length - 1 do
            let g = paramGroups[gi]

            for KeyValue(k, v) in groups[gi].Options do
                g[k] <- v

            for KeyValue(k, v) in groups[gi].Flags do
                g.SetFlag(k, v)

            states[gi] <- restored[gi]

    /// Saves StateDict() to `path` in PyTorch's format, laid out as PyTorch's
    /// optimizer.state_dict() ({'state': ..., 'param_groups': ...}); atomic, as StateDict.save.
    member this.Save(path: string) =
        let d = this.StateDict()
        let groups = d.ParamGroups |> List.map (fun g -> g.Options, g.Flags, g.Parameters)
        TorchFile.write path (StateDictPickle.ofOptimizer d.State groups)

    /// Loads a file written by Save into this optimizer (LoadStateDict).
    member this.Load(path: string) =
        let state, groups = StateDictPickle.toOptimizer path (TorchFile.read path)

        this.LoadStateDict
            {
                State = state
                ParamGroups =
                    groups
                    |> List.map (fun (o, f, p) ->
                        {
                            Options = o
                            Flags = f
                            Parameters = p
                        })
            }

    /// A copy of a tensor outside every dispose scope.
    static member internal Copy(t: Tensor) : Tensor =
        let r = (Prim.RawOf t).clone()
        Memory.keep r
        Const r

    /// A copy of t with the dtype and device of `like`, outside every dispose scope.
    static member internal CopyLike(t: Tensor, like: Tensor) : Tensor =
        let l = Prim.RawOf like
        let r = (Prim.RawOf t).``to``(l.dtype, l.device).clone()
        Memory.keep r
        Const r

    /// A 0-d float64 tensor holding v.
    static member internal Number(v: float) : Tensor = Optimizer.Copy(Tensor.scalar v)

    /// A zero-filled buffer shaped like `like`, outside every dispose scope (zeros_like).
    static member internal ZerosLike(like: Tensor) : Tensor =
        let r = (Prim.RawOf like).zeros_like()
        Memory.keep r
        Const r

    /// Frees the optimizer's state (its buffers are native memory, outside every scope, like the
    /// parameters); the optimizer starts afresh if stepped again. Not IDisposable, as Module is
    /// not, so that F# code constructs optimizers without `new`.
    member _.Dispose() =
        for st in states do
            for i in 0 .. st.Length - 1 do
                if not (isNull st[i]) then
                    for b in st[i].Buffers.Values do
                        (Prim.Innermost b).Dispose()

                    st[i] <- null

    /// PyTorch's printout: each group's options in alphabetical order, betas as a pair, numbers
    /// as Python prints them (`eps: 1e-08`), flags as True/False.
    override _.ToString() =
        let sb = Text.StringBuilder()
        sb.Append(name).Append(" (") |> ignore

        let number (v: float) =
            v.ToString("R", Globalization.CultureInfo.InvariantCulture).Replace("E", "e")

        for gi, g in Seq.indexed paramGroups do
            sb.Append($"\nParameter Group {gi}") |> ignore

            let entries =
                [
                    for KeyValue(k, v) in g.Options do
                        if k <> "beta1" && k <> "beta2" then
                            k, number v
                    if g.HasOption "beta1" && g.HasOption "beta2" then
                        let b1, b2 = g.Betas
                        "betas", $"({number b1}, {number b2})"
                    for KeyValue(k, v) in g.Flags do
                        k, (if v then "True" else "False")
                ]

            for k, v in entries |> List.sortBy fst do
                sb.Append($"\n    {k}: {v}") |> ignore

        sb.Append("\n)").ToString()
