namespace Nabla.Optimizers

open System
open System.Collections.Generic

/// The saved state of a learning-rate scheduler (PyTorch's `scheduler.state_dict()`): its
/// counters and numbers by name, lists of numbers by name (`baseLrs`, `lastLr`), and the states
/// of the schedulers it drives (SequentialLR, ChainedScheduler), in order.
type SchedulerStateDict =
    {
        Values: Map<string, float>
        Lists: Map<string, float list>
        Children: SchedulerStateDict list
    }

/// The base class of learning-rate schedulers (PyTorch's `torch.optim.lr_scheduler._LRScheduler`).
/// Constructing a scheduler records each group's initial learning rate (as the option
/// `initialLr`) and sets the learning rate of epoch 0; each Step() (after the optimizer's step)
/// moves to the next epoch. A subclass overrides GetLr (PyTorch's chainable get_lr: the new
/// learning rates from the current ones) and, when it has one, ClosedFormLr, and calls
/// Initialize() at the end of its constructor.
[<AbstractClass>]
type LRScheduler(name: string, optimizer: Optimizer) =
    do
        if isNull (box optimizer) then
            nullArg "optimizer"

        for g in optimizer.ParamGroups do
            if not (g.HasOption "initialLr") then
                g["initialLr"] <- g.Lr

    let groups = optimizer.ParamGroups
    let mutable baseLrs = [| for g in groups -> g["initialLr"] |]
    let mutable lastEpoch = -1
    let mutable stepCount = 0
    let mutable lastLr: float[] = [| for g in groups -> g.Lr |]

    /// The scheduler's name ("StepLR", ...).
    member _.Name = name

    /// The optimizer whose learning rates this scheduler sets.
    member _.Optimizer = optimizer

    /// The initial learning rate of each group (PyTorch's base_lrs).
    member _.BaseLrs
        with get () = Array.copy baseLrs
        and internal set (v: float[]) = baseLrs <- Array.copy v

    /// The epoch of the current learning rates (0 after construction, +1 per Step).
    member _.LastEpoch
        with get () = lastEpoch
        and set (v: int) = lastEpoch <- v

    /// How many times the scheduler has stepped, counting the step made by the constructor
    /// (PyTorch's _step_count).
    member _.StepCount
        with get () = stepCount
        and internal set (v: int) = stepCount <- v

    /// The learning rate of each group set by the last step (PyTorch's get_last_lr()).
    member _.LastLr
        with get () = Array.copy lastLr
        and internal set (v: float[]) = lastLr <- Array.copy v

    /// The learning rate of each group set by the last step (PyTorch's get_last_lr()).
    member _.GetLastLr() = Array.copy lastLr

    /// The learning rates of epoch LastEpoch, computed from the current ones (PyTorch's get_lr).
    abstract GetLr: unit -> float[]

    /// The learning rates of epoch LastEpoch in closed form (used when a SequentialLR restarts
    /// this scheduler at a milestone); None for schedulers without one.
    abstract ClosedFormLr: unit -> float[] option
    default _.ClosedFormLr() = None

    member private _.Apply(values: float[]) =
        if values.Length <> groups.Count then
            invalidOp $"{name}: computed {values.Length} learning rates for {groups.Count} parameter groups."

        for i in 0 .. groups.Count - 1 do
            groups[i].Lr <- values[i]

        lastLr <- [| for g in groups -> g.Lr |]

    /// Moves to the next epoch and sets each group's learning rate (PyTorch's scheduler.step()).
    abstract Step: unit -> unit

    default this.Step() =
        stepCount <- stepCount + 1
        lastEpoch <- lastEpoch + 1
        this.Apply(this.GetLr())

    /// Jumps to this epoch, using the closed form when the scheduler has one (PyTorch's
    /// deprecated scheduler.step(epoch), which SequentialLR uses at its milestones).
    member this.StepTo(epoch: int) =
        stepCount <- stepCount + 1
        lastEpoch <- epoch

        let values =
            match this.ClosedFormLr() with
            | Some v -> v
            | None -> this.GetLr()

        this.Apply values

    /// The first step, to epoch 0 (PyTorch's _initial_step); a subclass calls it at the end of
    /// its constructor.
    member this.Initialize() =
        stepCount <- 0
        this.Step()

    /// The scheduler's counters (PyTorch's state_dict).
    abstract StateDict: unit -> SchedulerStateDict

    default _.StateDict() =
        {
            Values = Map.ofList [ "lastEpoch", float lastEpoch; "stepCount", float stepCount ]
            Lists = Map.ofList [ "baseLrs", List.ofArray baseLrs; "lastLr", List.ofArray lastLr ]
            Children = []
        }

    /// Restores the counters saved by StateDict (PyTorch's load_state_dict); the optimizer's own
    /// state (its learning rates) is restored by its LoadStateDict.
    abstract LoadStateDict: SchedulerStateDict -> unit

    default this.LoadStateDict(saved: SchedulerStateDict) =
        if isNull (box saved) then
            nullArg "saved"

        let value key =
            match saved.Values.TryFind key with
            | Some v -> v
            | None -> invalidArg "saved" $"{name}.LoadStateDict: the saved state has no '{key}'; pass the result of StateDict()."

        let list key =
            match saved.Lists.TryFind key with
            | Some v when v.Length = groups.Count -> Array.ofList v
            | Some v ->
                invalidArg
                    "saved"
                    $"{name}.LoadStateDict: '{key}' has {v.Length} values; the optimizer has {groups.Count} parameter groups."
            | None -> invalidArg "saved" $"{name}.LoadStateDict: the saved state has no '{key}'; pass the result of StateDict()."

        let e, s, b, l = value "lastEpoch", value "stepCount", list "baseLrs", list "lastLr"

        this.LoadValues saved.Values
        lastEpoch <- int e
        stepCount <- int s
        baseLrs <- b
        lastLr <- l

    /// Restores a subclass's own numbers from a saved state (called by LoadStateDict).
    abstract LoadValues: Map<string, float> -> unit
    default _.LoadValues _ = ()

    override this.ToString() =
        let lrs = String.Join(", ", lastLr)
        $"{name}(lastEpoch = {lastEpoch}, lr = [{lrs}])"

/// Shared checks of the schedulers.
module internal SchedulerCheck =
    let positiveInt (name: string) (option: string) (v: int) =
        if v <= 0 then
            raise (ArgumentOutOfRangeException(option, $"{name}: {option} must be a positive integer; got {v}."))

    let finite (name: string) (option: string) (v: float) =
        if Double.IsNaN v || Double.IsInfinity v then
            raise (ArgumentOutOfRangeException(option, $"{name}: {option} must be a finite number; got {v}."))

    let nonNegative (name: string) (option: string) (v: float) =
        if not (v >= 0.0) || Double.IsInfinity v then
            raise (ArgumentOutOfRangeException(option, $"{name}: {option} must be a finite number at least 0; got {v}."))

    let perGroup (name: string) (option: string) (optimizer: Optimizer) (values: 'T[]) =
        if values.Length <> optimizer.ParamGroups.Count then
            invalidArg
                option
                $"{name}: expected {optimizer.ParamGroups.Count} values for {option} (one per parameter group); got {values.Length}."

        values

/// Multiplies each group's learning rate by a function of the epoch:
/// lr = initialLr · lrLambda epoch (PyTorch's `LambdaLR`), one function for every group or one
/// per group.
[<Sealed>]
type LambdaLR private (lambdas: (int -> float)[], optimizer: Optimizer) as this =
    inherit LRScheduler("LambdaLR", optimizer)

    do this.Initialize()

    /// One function for every group.
    new(optimizer: Optimizer, lrLambda: int -> float) =
        if isNull (box lrLambda) then
            nullArg "lrLambda"

        if isNull (box optimizer) then
            nullArg "optimizer"

        LambdaLR(Array.create optimizer.ParamGroups.Count lrLambda, optimizer)

    /// One function per group, in order.
    new(optimizer: Optimizer, lrLambdas: seq<int -> float>) =
        if isNull (box lrLambdas) then
            nullArg "lrLambdas"

        if isNull (box optimizer) then
            nullArg "optimizer"

        LambdaLR(SchedulerCheck.perGroup "LambdaLR" "lrLambdas" optimizer (Seq.toArray lrLambdas), optimizer)

    override this.GetLr() =
        Array.map2 (fun (f: int -> float) b -> b * f this.LastEpoch) lambdas this.BaseLrs

/// Multiplies each group's learning rate by a function of the epoch at every step:
/// lr(epoch) = lr(epoch - 1) · lrLambda epoch for epoch > 0 (PyTorch's `MultiplicativeLR`), one
/// function for every group or one per group.
[<Sealed>]
type MultiplicativeLR private (lambdas: (int -> float)[], optimizer: Optimizer) as this =
    inherit LRScheduler("MultiplicativeLR", optimizer)

    do this.Initialize()

    /// One function for every group.
    new(optimizer: Optimizer, lrLambda: int -> float) =
        if isNull (box lrLambda) then
            nullArg "lrLambda"

        if isNull (box optimizer) then
            nullArg "optimizer"

        MultiplicativeLR(Array.create optimizer.ParamGroups.Count lrLambda, optimizer)

    /// One function per group, in order.
    new(optimizer: Optimizer, lrLambdas: seq<int -> float>) =
        if isNull (box lrLambdas) then
            nullArg "lrLambdas"

        if isNull (box optimizer) then
            nullArg "optimizer"

        MultiplicativeLR(SchedulerCheck.perGroup "MultiplicativeLR" "lrLambdas" optimizer (Seq.toArray lrLambdas), optimizer)

    override this.GetLr() =
        let e = this.LastEpoch
        let groups = Seq.toArray this.Optimizer.ParamGroups

        if e > 0 then
            Array.map2 (fun (f: int -> float) (g: ParamGroup) -> g.Lr * f e) lambdas groups
        else
            [| for g in groups -> g.Lr |]

/// Multiplies the learning rate by gamma every stepSize epochs (PyTorch's `StepLR`).
[<Sealed>]
type StepLR(optimizer: Optimizer, stepSize: int, ?gamma: float) as this =
    inherit LRScheduler("StepLR", optimizer)
    let gamma = defaultArg gamma 0.1

    do
        SchedulerCheck.positiveInt "StepLR" "stepSize" stepSize
        SchedulerCheck.finite "StepLR" "gamma" gamma
        this.Initialize()

    /// The period, in epochs.
    member _.StepSize = stepSize

    /// The factor applied every period.
    member _.Gamma = gamma

    override this.GetLr() =
        let e = this.LastEpoch

        [|
            for g in this.Optimizer.ParamGroups -> if e = 0 || e % stepSize <> 0 then g.Lr else g.Lr * gamma
        |]

    override this.ClosedFormLr() =
        Some [| for b in this.BaseLrs -> b * gamma ** float (this.LastEpoch / stepSize) |]

/// Multiplies the learning rate by gamma at each milestone epoch (PyTorch's `MultiStepLR`; a
/// milestone given twice multiplies by gamma²).
[<Sealed>]
type MultiStepLR(optimizer: Optimizer, milestones: seq<int>, ?gamma: float) as this =
    inherit LRScheduler("MultiStepLR", optimizer)
    let gamma = defaultArg gamma 0.1

    let counts =
        if isNull (box milestones) then
            nullArg "milestones"

        milestones |> Seq.countBy id |> Map.ofSeq

    let sorted = milestones |> Seq.sort |> Seq.toArray

    do
        SchedulerCheck.finite "MultiStepLR" "gamma" gamma
        this.Initialize()

    /// The milestones, sorted.
    member _.Milestones = Array.copy sorted

    /// The factor applied at each milestone.
    member _.Gamma = gamma

    override this.GetLr() =
        match counts.TryFind this.LastEpoch with
        | None -> [| for g in this.Optimizer.ParamGroups -> g.Lr |]
        | Some n -> [| for g in this.Optimizer.ParamGroups -> g.Lr * gamma ** float n |]

    override this.ClosedFormLr() =
        let passed = sorted |> Array.filter (fun m -> m <= this.LastEpoch) |> Array.length

        Some [| for b in this.BaseLrs -> b * gamma ** float passed |]

/// Multiplies the learning rate by gamma every epoch (PyTorch's `ExponentialLR`).
[<Sealed>]
type ExponentialLR(optimizer: Optimizer, gamma: float) as this =
    inherit LRScheduler("ExponentialLR", optimizer)

    do
        SchedulerCheck.finite "ExponentialLR" "gamma" gamma
        this.Initialize()

    /// The factor applied every epoch.
    member _.Gamma = gamma

    override this.GetLr() =
        if this.LastEpoch = 0 then
            [| for g in this.Optimizer.ParamGroups -> g.Lr |]
        else
            [| for g in this.Optimizer.ParamGroups -> g.Lr * gamma |]

    override this.ClosedFormLr() =
        Some [| for b in this.BaseLrs -> b * gamma ** float this.LastEpoch |]

/// Scales the learning rate linearly from startFactor·initialLr to endFactor·initialLr over
/// totalIters epochs, then keeps it (PyTorch's `LinearLR`; a warm-up with endFactor = 1).
[<Sealed>]
type LinearLR(optimizer: Optimizer, ?startFactor: float, ?endFactor: float, ?totalIters: int) as this =
    inherit LRScheduler("LinearLR", optimizer)
    let startFactor = defaultArg startFactor (1.0 / 3.0)
    let endFactor = defaultArg endFactor 1.0
    let totalIters = defaultArg totalIters 5

    do
        if not (startFactor > 0.0 && startFactor <= 1.0) then
            raise (
                ArgumentOutOfRangeException(
                    "startFactor",
                    $"LinearLR: startFactor must be in (0, 1]; got {startFactor} (0 would divide by zero in PyTorch's recursive formula)."
                )
            )

        if not (endFactor >= 0.0 && endFactor <= 1.0) then
            raise (ArgumentOutOfRangeException("endFactor", $"LinearLR: endFactor must be in [0, 1]; got {endFactor}."))

        SchedulerCheck.positiveInt "LinearLR" "totalIters" totalIters
        this.Initialize()

    /// The factor of epoch 0.
    member _.StartFactor = startFactor

    /// The factor from epoch totalIters on.
    member _.EndFactor = endFactor

    /// The length of the ramp, in epochs.
    member _.TotalIters = totalIters

    override this.GetLr() =
        let e = this.LastEpoch
        let groups = this.Optimizer.ParamGroups

        if e = 0 then
            [| for g in groups -> g.Lr * startFactor |]
        elif e > totalIters then
            [| for g in groups -> g.Lr |]
        else
            [|
                for g in groups ->
                    g.Lr
                    * (1.0
                       + (endFactor - startFactor)
                         / (float totalIters * startFactor + float (e - 1) * (endFactor - startFactor)))
            |]

    override this.ClosedFormLr() =
        let e = this.LastEpoch

        Some
            [|
                for b in this.BaseLrs ->
                    b
                    * (startFactor
                       + (endFactor - startFactor) * float (min totalIters e) / float totalIters)
            |]

/// Multiplies the learning rate by a constant factor until epoch totalIters, then restores it
/// (PyTorch's `ConstantLR`; a simple warm-up).
[<Sealed>]
type ConstantLR(optimizer: Optimizer, ?factor: float, ?totalIters: int) as this =
    inherit LRScheduler("ConstantLR", optimizer)
    let factor = defaultArg factor (1.0 / 3.0)
    let totalIters = defaultArg totalIters 5

    do
        if not (factor > 0.0 && factor <= 1.0) then
            raise (ArgumentOutOfRangeException("factor", $"ConstantLR: factor must be in (0, 1]; got {factor}."))

        SchedulerCheck.positiveInt "ConstantLR" "totalIters" totalIters
        this.Initialize()

    /// The factor applied before epoch totalIters.
    member _.Factor = factor

    /// The epoch at which the factor is removed.
    member _.TotalIters = totalIters

    override this.GetLr() =
        let e = this.LastEpoch
        let groups = this.Optimizer.ParamGroups

        if e = 0 then [| for g in groups -> g.Lr * factor |]
        elif e <> totalIters then [| for g in groups -> g.Lr |]
        else [| for g in groups -> g.Lr * (1.0 / factor) |]

    override this.ClosedFormLr() =
        let reached = if this.LastEpoch >= totalIters then 1.0 else 0.0
        Some [| for b in this.BaseLrs -> b * (factor + reached * (1.0 - factor)) |]

/// Decays the learning rate to 0 over totalIters epochs as (1 - epoch/totalIters)^power
/// (PyTorch's `PolynomialLR`, with its recursive formula).
[<Sealed>]
type PolynomialLR(optimizer: Optimizer, ?totalIters: int, ?power: float) as this =
    inherit LRScheduler("PolynomialLR", optimizer)
    let totalIters = defaultArg totalIters 5
    let power = defaultArg power 1.0

    do
        SchedulerCheck.positiveInt "PolynomialLR" "totalIters" totalIters
        SchedulerCheck.finite "PolynomialLR" "power" power
        this.Initialize()

    /// The length of the decay, in epochs.
    member _.TotalIters = totalIters

    /// The power of the polynomial.
    member _.Power = power

    override this.GetLr() =
        let e = this.LastEpoch
        let groups = this.Optimizer.ParamGroups

        if e = 0 || e > totalIters then
            [| for g in groups -> g.Lr |]
        else
            let t = float totalIters

            let decay = ((1.0 - float e / t) / (1.0 - float (e - 1) / t)) ** power

            [| for g in groups -> g.Lr * decay |]

    override this.ClosedFormLr() =
        let t = float totalIters

        Some
            [|
                for b in this.BaseLrs -> b * (1.0 - float (min totalIters this.LastEpoch) / t) ** power
            |]

/// Cosine annealing from the initial learning rate to etaMin over tMax epochs (PyTorch's
/// `CosineAnnealingLR`, with its recursive formula, so values match PyTorch's to the last bits;
/// past tMax it climbs back, as PyTorch's does).
[<Sealed>]
type CosineAnnealingLR(optimizer: Optimizer, tMax: int, ?etaMin: float) as this =
    inherit LRScheduler("CosineAnnealingLR", optimizer)
    let etaMin = defaultArg etaMin 0.0

    do
        SchedulerCheck.positiveInt "CosineAnnealingLR" "tMax" tMax
        SchedulerCheck.nonNegative "CosineAnnealingLR" "etaMin" etaMin
        this.Initialize()

    /// The half period, in epochs.
    member _.TMax = tMax

    /// The minimum learning rate.
    member _.EtaMin = etaMin

    override this.GetLr() =
        let e = this.LastEpoch
        let groups = this.Optimizer.ParamGroups
        let tm = float tMax

        if e = 0 then
            [| for g in groups -> g.Lr |]
        elif this.StepCount = 1 && e > 0 then
            [|
                for b in this.BaseLrs -> etaMin + (b - etaMin) * (1.0 + Math.Cos(float e * Math.PI / tm)) / 2.0
            |]
        elif (e - 1 - tMax) % (2 * tMax) = 0 then
            Array.map2
                (fun (g: ParamGroup) b -> g.Lr + (b - etaMin) * (1.0 - Math.Cos(Math.PI / tm)) / 2.0)
                (Seq.toArray groups)
                this.BaseLrs
        else
            [|
                for g in groups ->
                    (1.0 + Math.Cos(Math.PI * float e / tm))
                    / (1.0 + Math.Cos(Math.PI * float (e - 1) / tm))
                    * (g.Lr - etaMin)
                    + etaMin
            |]

    override this.ClosedFormLr() =
        Some
            [|
                for b in this.BaseLrs ->
                    etaMin
                    + (b - etaMin) * (1.0 + Math.Cos(Math.PI * float this.LastEpoch / float tMax))
                      / 2.0
            |]

/// Cosine annealing with warm restarts (SGDR; PyTorch's `CosineAnnealingWarmRestarts`): the
/// learning rate falls from the initial one towards etaMin along a cosine over t0 epochs, then
/// restarts from the initial one; each period is tMult times as long as the one before. Step()
/// moves one epoch; Step(epoch) jumps to an epoch that may be fractional (call
/// `s.Step(float epoch + float i / float iters)` after batch i of an epoch of iters batches), and
/// the two can be interleaved, as in PyTorch.
[<Sealed>]
type CosineAnnealingWarmRestarts(optimizer: Optimizer, t0: int, ?tMult: int, ?etaMin: float) as this =
    inherit LRScheduler("CosineAnnealingWarmRestarts", optimizer)
    let name = "CosineAnnealingWarmRestarts"
    let tMult = defaultArg tMult 1
    let etaMin = defaultArg etaMin 0.0
    // PyTorch's T_i (the length of the current period) and T_cur (the epochs since the restart)
    let mutable tI = t0
    let mutable tCur = -1.0

    /// PyTorch's step(epoch) without the final update: T_i and T_cur of this epoch.
    let setEpoch (epoch: float) =
        if epoch >= float t0 then
            if tMult = 1 then
                tCur <- epoch % float t0
            else
                let n =
                    int (Math.Log(epoch / float t0 * float (tMult - 1) + 1.0) / Math.Log(float tMult))

                tCur <- epoch - float (t0 * (pown tMult n - 1)) / float (tMult - 1)
                tI <- t0 * pown tMult n
        else
            tI <- t0
            tCur <- epoch

    do
        SchedulerCheck.positiveInt name "t0" t0

        if tMult < 1 then
            raise (ArgumentOutOfRangeException("tMult", $"{name}: tMult must be an integer at least 1; got {tMult}."))

        SchedulerCheck.nonNegative name "etaMin" etaMin
        this.Initialize()

    /// The length of the first period, in epochs.
    member _.T0 = t0

    /// The factor by which each period is longer than the one before.
    member _.TMult = tMult

    /// The minimum learning rate.
    member _.EtaMin = etaMin

    /// The length of the current period, in epochs (PyTorch's T_i).
    member _.TI = tI

    /// The epochs since the last restart, possibly fractional (PyTorch's T_cur).
    member _.TCur = tCur

    override this.GetLr() =
        [|
            for b in this.BaseLrs -> etaMin + (b - etaMin) * (1.0 + Math.Cos(Math.PI * tCur / float tI)) / 2.0
        |]

    /// Jumps to this epoch, which may be fractional, and sets each group's learning rate
    /// (PyTorch's step(epoch)); LastEpoch becomes its floor, and a later Step() continues from it.
    member this.Step(epoch: float) =
        if not (epoch >= 0.0) || Double.IsInfinity epoch || epoch >= float Int32.MaxValue then
            raise (ArgumentOutOfRangeException("epoch", $"{name}: epoch must be a finite number at least 0; got {epoch}."))

        setEpoch epoch
        // base.Step() adds one to LastEpoch and applies GetLr()
        this.LastEpoch <- int (Math.Floor epoch) - 1
        base.Step()

    /// Moves to the next epoch (PyTorch's step()): one epoch further into the period, restarting
    /// (and multiplying the period by tMult) at its end.
    override this.Step() =
        if this.LastEpoch < 0 then
            this.Step 0.0
        else
            tCur <- tCur + 1.0

            if tCur >= float tI then
                tCur <- tCur - float tI
                tI <- tI * tMult

            base.Step()

    // SequentialLR restarts a scheduler with PyTorch's step(0), which sets T_i and T_cur here
    override this.ClosedFormLr() =
        setEpoch (float this.LastEpoch)
        Some(this.GetLr())

    override this.StateDict() =
        let saved = base.StateDict()

        { saved with
            Values = saved.Values |> Map.add "tCur" tCur |> Map.add "tI" (float tI)
        }

    override this.LoadValues(values) =
        let value key =
            match values.TryFind key with
            | Some v -> v
            | None -> invalidArg "saved" $"{name}.LoadStateDict: the saved state has no '{key}'; pass the result of StateDict()."

        let c, i = value "tCur", value "tI"
        tCur <- c
        tI <- int i

/// The annealing strategy of OneCycleLR.
type AnnealStrategy =
    /// Cosine annealing (PyTorch's 'cos', the default).
    | Cos
    /// Linear annealing (PyTorch's 'linear').
    | Linear

/// The 1cycle policy (PyTorch's `OneCycleLR`): the learning rate climbs from maxLr/divFactor to
/// maxLr over the first pctStart of totalSteps, then anneals to initialLr/finalDivFactor (with
/// threePhase, first back down to the initial learning rate); with cycleMomentum (the default)
/// the momentum (or Adam's beta1) moves the opposite way between baseMomentum and maxMomentum.
/// Step once per batch; stepping more than totalSteps times is an error. It writes the options
/// `initialLr`, `maxLr`, `minLr`, `maxMomentum` and `baseMomentum` into each group.
[<Sealed>]
type OneCycleLR
    private (settings: float[] * int * float * AnnealStrategy * bool * float * float * float * float * bool, optimizer: Optimizer) as this =
    inherit
        LRScheduler(
            "OneCycleLR",
            (let maxLrs, _, _, _, _, _, _, divFactor, finalDivFactor, _ = settings

             // PyTorch sets the groups up before the base constructor records initial_lr
             for i, g in Seq.indexed optimizer.ParamGroups do
                 g["initialLr"] <- maxLrs[i] / divFactor
                 g["maxLr"] <- maxLrs[i]
                 g["minLr"] <- g["initialLr"] / finalDivFactor

             optimizer)
        )

    let _, totalSteps, pctStart, anneal, cycleMomentum, baseMomentum, maxMomentum, _, _, threePhase =
        settings

    let useBeta1 = optimizer.Defaults.ContainsKey "beta1"

    let phases =
        let t = float totalSteps

        if threePhase then
            [|
                pctStart * t - 1.0, "initialLr", "maxLr", "maxMomentum", "baseMomentum"
                2.0 * pctStart * t - 2.0, "maxLr", "initialLr", "baseMomentum", "maxMomentum"
                t - 1.0, "initialLr", "minLr", "maxMomentum", "maxMomentum"
            |]
        else
            [|
                pctStart * t - 1.0, "initialLr", "maxLr", "maxMomentum", "baseMomentum"
                t - 1.0, "maxLr", "minLr", "baseMomentum", "maxMomentum"
            |]

    let annealFn start stop (pct: float) =
        match anneal with
        | Cos -> stop + (start - stop) / 2.0 * (Math.Cos(Math.PI * pct) + 1.0)
        | Linear -> (stop - start) * pct + start

    do
        if cycleMomentum then
            for g in optimizer.ParamGroups do
                if useBeta1 then
                    g["beta1"] <- maxMomentum
                else
                    g["momentum"] <- maxMomentum

                g["maxMomentum"] <- maxMomentum
                g["baseMomentum"] <- baseMomentum

        this.Initialize()

    /// A 1cycle schedule of totalSteps steps peaking at maxLr (the same for every group).
    new
        (
            optimizer: Optimizer,
            maxLr: float,
            totalSteps: int,
            ?pctStart: float,
            ?annealStrategy: AnnealStrategy,
            ?cycleMomentum: bool,
            ?baseMomentum: float,
            ?maxMomentum: float,
            ?divFactor: float,
            ?finalDivFactor: float,
            ?threePhase: bool
        ) =
        if isNull (box optimizer) then
            nullArg "optimizer"

        OneCycleLR(
            optimizer,
            Array.create optimizer.ParamGroups.Count maxLr,
            totalSteps,
            ?pctStart = pctStart,
            ?annealStrategy = annealStrategy,
            ?cycleMomentum = cycleMomentum,
            ?baseMomentum = baseMomentum,
            ?maxMomentum = maxMomentum,
            ?divFactor = divFactor,
            ?finalDivFactor = finalDivFactor,
            ?threePhase = threePhase
        )

    /// A 1cycle schedule of totalSteps steps peaking at maxLrs[i] for group i.
    new
        (
            optimizer: Optimizer,
            maxLrs: float[],
            totalSteps: int,
            ?pctStart: float,
            ?annealStrategy: AnnealStrategy,
            ?cycleMomentum: bool,
            ?baseMomentum: float,
            ?maxMomentum: float,
            ?divFactor: float,
            ?finalDivFactor: float,
            ?threePhase: bool
        ) =
        let name = "OneCycleLR"

        if isNull (box optimizer) then
            nullArg "optimizer"

        if isNull maxLrs then
            nullArg "maxLrs"

        let maxLrs = SchedulerCheck.perGroup name "maxLr" optimizer (Array.copy maxLrs)
        SchedulerCheck.positiveInt name "totalSteps" totalSteps
        let pctStart = defaultArg pctStart 0.3

        if not (pctStart >= 0.0 && pctStart <= 1.0) then
            raise (ArgumentOutOfRangeException("pctStart", $"{name}: pctStart must be in [0, 1]; got {pctStart}."))

        for m in maxLrs do
            SchedulerCheck.nonNegative name "maxLr" m

        let divFactor = defaultArg divFactor 25.0
        let finalDivFactor = defaultArg finalDivFactor 1e4

        if not (divFactor > 0.0) || Double.IsInfinity divFactor then
            raise (ArgumentOutOfRangeException("divFactor", $"{name}: divFactor must be a finite number above 0; got {divFactor}."))

        if not (finalDivFactor > 0.0) || Double.IsInfinity finalDivFactor then
            raise (
                ArgumentOutOfRangeException(
                    "finalDivFactor",
                    $"{name}: finalDivFactor must be a finite number above 0; got {finalDivFactor}."
                )
            )

        let cycleMomentum = defaultArg cycleMomentum true

        if
            cycleMomentum
            && not (
                optimizer.Defaults.ContainsKey "momentum"
                || optimizer.Defaults.ContainsKey "beta1"
            )
        then
            invalidArg
                "cycleMomentum"
                $"{name}: cycleMomentum needs an optimizer with momentum (SGD, RMSprop) or betas (the Adam family); {optimizer.Name} has neither. Pass cycleMomentum = false."

        OneCycleLR(
            (maxLrs,
             totalSteps,
             pctStart,
             defaultArg annealStrategy Cos,
             cycleMomentum,
             defaultArg baseMomentum 0.85,
             defaultArg maxMomentum 0.95,
             divFactor,
             finalDivFactor,
             defaultArg threePhase false),
            optimizer
        )

    /// The number of steps of the cycle.
    member _.TotalSteps = totalSteps

    override this.GetLr() =
        let stepNum = this.LastEpoch

        if stepNum > totalSteps then
            invalidOp $"OneCycleLR: tried to step {stepNum + 1} times; the specified number of total steps is {totalSteps}."

        [|
            for g in this.Optimizer.ParamGroups do
                let mutable startStep = 0.0
                let mutable result = None
                let mutable i = 0

                while result.IsNone do
                    let endStep, startLr, endLr, startM, endM = phases[i]

                    if float stepNum <= endStep || i = phases.Length - 1 then
                        let pct = (float stepNum - startStep) / (endStep - startStep)
                        let lr = annealFn g[startLr] g[endLr] pct

                        if cycleMomentum then
                            let m = annealFn g[startM] g[endM] pct

                            if useBeta1 then g["beta1"] <- m else g["momentum"] <- m

                        result <- Some lr
                    else
                        startStep <- endStep
                        i <- i + 1

                result.Value
        |]

/// The amplitude policy of CyclicLR's cycles.
type CyclicMode =
    /// The same amplitude every cycle (PyTorch's 'triangular', the default).
    | Triangular
    /// The amplitude halves every cycle (PyTorch's 'triangular2').
    | Triangular2
    /// The amplitude is scaled by gamma^iteration (PyTorch's 'exp_range').
    | ExpRange

/// What CyclicLR's custom scaleFn is evaluated on.
type CyclicScaleMode =
    /// The cycle number, from 1 (PyTorch's 'cycle', the default).
    | Cycle
    /// The iteration: the number of steps since the start (PyTorch's 'iterations').
    | Iterations

/// The cyclical learning-rate policy (PyTorch's `CyclicLR`): the learning rate climbs from
/// baseLr to maxLr over stepSizeUp steps and falls back over stepSizeDown steps, the amplitude
/// scaled per mode (or by a custom scaleFn); with cycleMomentum (the default) the momentum (or
/// Adam's beta1) moves the opposite way between maxMomentum and baseMomentum. Step once per
/// batch. It sets each group's learning rate to baseLr on construction.
[<Sealed>]
type CyclicLR
    private (settings: float[] * float[] * float * float * (float -> float) * CyclicScaleMode * bool * float * float, optimizer: Optimizer) as this
    =
    inherit
        LRScheduler(
            "CyclicLR",
            (let baseLrs, _, _, _, _, _, _, _, _ = settings

             // PyTorch sets the learning rates before the base constructor records initial_lr
             for i, g in Seq.indexed optimizer.ParamGroups do
                 g.Lr <- baseLrs[i]

             optimizer)
        )

    let baseLrs, maxLrs, stepSizeUp, stepSizeDown, scaleFn, scaleMode, cycleMomentum, baseMomentum, maxMomentum =
        settings

    let totalSize = stepSizeUp + stepSizeDown
    let stepRatio = stepSizeUp / totalSize
    let useBeta1 = optimizer.Defaults.ContainsKey "beta1"

    do
        if cycleMomentum then
            for g in optimizer.ParamGroups do
                if useBeta1 then
                    g["beta1"] <- baseMomentum
                else
                    g["momentum"] <- baseMomentum

        this.Initialize()
        // PyTorch: the initial step uses the recorded initial_lr, later ones baseLr
        this.BaseLrs <- baseLrs

    /// Cycles between baseLr and maxLr (the same for every group).
    new
        (
            optimizer: Optimizer,
            baseLr: float,
            maxLr: float,
            ?stepSizeUp: int,
            ?stepSizeDown: int,
            ?mode: CyclicMode,
            ?gamma: float,
            ?scaleFn: float -> float,
            ?scaleMode: CyclicScaleMode,
            ?cycleMomentum: bool,
            ?baseMomentum: float,
            ?maxMomentum: float
        ) =
        if isNull (box optimizer) then
            nullArg "optimizer"

        let n = optimizer.ParamGroups.Count

        CyclicLR(
            optimizer,
            Array.create n baseLr,
            Array.create n maxLr,
            ?stepSizeUp = stepSizeUp,
            ?stepSizeDown = stepSizeDown,
            ?mode = mode,
            ?gamma = gamma,
            ?scaleFn = scaleFn,
            ?scaleMode = scaleMode,
            ?cycleMomentum = cycleMomentum,
            ?baseMomentum = baseMomentum,
            ?maxMomentum = maxMomentum
        )

    /// Cycles group i between baseLrs[i] and maxLrs[i].
    new
        (
            optimizer: Optimizer,
            baseLrs: float[],
            maxLrs: float[],
            ?stepSizeUp: int,
            ?stepSizeDown: int,
            ?mode: CyclicMode,
            ?gamma: float,
            ?scaleFn: float -> float,
            ?scaleMode: CyclicScaleMode,
            ?cycleMomentum: bool,
            ?baseMomentum: float,
            ?maxMomentum: float
        ) =
        let name = "CyclicLR"

        if isNull (box optimizer) then
            nullArg "optimizer"

        if isNull baseLrs then
            nullArg "baseLrs"

        if isNull maxLrs then
            nullArg "maxLrs"

        let baseLrs = SchedulerCheck.perGroup name "baseLr" optimizer (Array.copy baseLrs)
        let maxLrs = SchedulerCheck.perGroup name "maxLr" optimizer (Array.copy maxLrs)

        for b in baseLrs do
            SchedulerCheck.nonNegative name "baseLr" b

        for m in maxLrs do
            SchedulerCheck.nonNegative name "maxLr" m

        let stepSizeUp = defaultArg stepSizeUp 2000
        SchedulerCheck.positiveInt name "stepSizeUp" stepSizeUp
        let stepSizeDown = defaultArg stepSizeDown stepSizeUp

        if stepSizeDown < 0 then
            raise (ArgumentOutOfRangeException("stepSizeDown", $"{name}: stepSizeDown must be an integer at least 0; got {stepSizeDown}."))

        let gamma = defaultArg gamma 1.0
        SchedulerCheck.finite name "gamma" gamma

        if scaleFn.IsSome && isNull (box scaleFn.Value) then
            nullArg "scaleFn"

        let scaleFn, scaleMode =
            match scaleFn with
            | Some f -> f, defaultArg scaleMode Cycle
            | None ->
                // PyTorch: without scaleFn, the mode decides (and scaleMode is ignored)
                match defaultArg mode Triangular with
                | Triangular -> (fun (_: float) -> 1.0), Cycle
                | Triangular2 -> (fun (x: float) -> 1.0 / (2.0 ** (x - 1.0))), Cycle
                | ExpRange -> (fun (x: float) -> gamma ** x), Iterations

        let cycleMomentum = defaultArg cycleMomentum true
        let baseMomentum = defaultArg baseMomentum 0.8
        let maxMomentum = defaultArg maxMomentum 0.9
        SchedulerCheck.finite name "baseMomentum" baseMomentum
        SchedulerCheck.finite name "maxMomentum" maxMomentum

        if
            cycleMomentum
            && not (
                optimizer.Defaults.ContainsKey "momentum"
                || optimizer.Defaults.ContainsKey "beta1"
            )
        then
            invalidArg
                "cycleMomentum"
                $"{name}: cycleMomentum needs an optimizer with momentum (SGD, RMSprop) or betas (the Adam family); {optimizer.Name} has neither. Pass cycleMomentum = false."

        CyclicLR(
            (baseLrs, maxLrs, float stepSizeUp, float stepSizeDown, scaleFn, scaleMode, cycleMomentum, baseMomentum, maxMomentum),
            optimizer
        )

    /// The upper learning rate of each group.
    member _.MaxLrs = Array.copy maxLrs

    /// The number of steps of a cycle (stepSizeUp + stepSizeDown).
    member _.TotalSize = int totalSize

    /// Whether the momentum (or beta1) is cycled.
    member _.CycleMomentum = cycleMomentum

    override this.GetLr() =
        let e = float this.LastEpoch
        let cycle = Math.Floor(1.0 + e / totalSize)
        let x = 1.0 + e / totalSize - cycle

        let scaleFactor =
            if x <= stepRatio then
                x / stepRatio
            else
                (x - 1.0) / (stepRatio - 1.0)

        let scale () =
            match scaleMode with
            | Cycle -> scaleFn cycle
            | Iterations -> scaleFn e

        let lrs =
            Array.map2 (fun b m -> b + (m - b) * scaleFactor * scale ()) this.BaseLrs maxLrs

        if cycleMomentum then
            for g in this.Optimizer.ParamGroups do
                let m = maxMomentum - (maxMomentum - baseMomentum) * scaleFactor * scale ()

                if useBeta1 then g["beta1"] <- m else g["momentum"] <- m

        lrs

/// Runs schedulers one after another (PyTorch's `SequentialLR`): schedulers[0] until
/// milestones[0], then schedulers[1] (restarted at its epoch 0), ...; e.g. a LinearLR warm-up
/// then a CosineAnnealingLR decay. The schedulers must drive this optimizer.
[<Sealed>]
type SequentialLR(optimizer: Optimizer, schedulers: seq<LRScheduler>, milestones: seq<int>) as this =
    inherit LRScheduler("SequentialLR", optimizer)

    let schedulers =
        if isNull (box schedulers) then
            nullArg "schedulers"

        Seq.toArray schedulers

    let milestones =
        if isNull (box milestones) then
            nullArg "milestones"

        Seq.toArray milestones

    do
        if schedulers.Length = 0 then
            invalidArg "schedulers" "SequentialLR: got no schedulers; pass at least one."

        for i, s in Array.indexed schedulers do
            if isNull (box s) then
                invalidArg "schedulers" $"SequentialLR: scheduler {i} is null."

            if not (obj.ReferenceEquals(s.Optimizer, optimizer)) then
                invalidArg
                    "schedulers"
                    $"SequentialLR: all schedulers must drive the optimizer passed in; scheduler {i} ({s.Name}) drives another one."

        if milestones.Length <> schedulers.Length - 1 then
            invalidArg
                "milestones"
                $"SequentialLR: expects one milestone fewer than schedulers; got {schedulers.Length} schedulers and {milestones.Length} milestones."

        if milestones |> Array.pairwise |> Array.exists (fun (a, b) -> a > b) then
            let text = String.Join(", ", milestones)
            invalidArg "milestones" $"SequentialLR: the milestones must be sorted; got {text}."

    do
        // PyTorch: last_epoch = -1 + 1; reset lr; undo the other schedulers' initial steps
        this.LastEpoch <- 0

        for g in optimizer.ParamGroups do
            g.Lr <- g["initialLr"]

        for s in schedulers do
            s.LastEpoch <- s.LastEpoch - 1

        schedulers[0].Initialize()
        this.LastLr <- schedulers[0].GetLastLr()

    /// The schedulers, in order.
    member _.Schedulers = Array.copy schedulers

    /// The epochs at which the next scheduler takes over.
    member _.Milestones = Array.copy milestones

    override _.GetLr() =
        invalidOp "SequentialLR: GetLr is not used; Step runs the scheduler of the current epoch."

    override this.Step() =
        this.LastEpoch <- this.LastEpoch + 1
        let e = this.LastEpoch
        let idx = milestones |> Array.filter (fun m -> m <= e) |> Array.length
        let s = schedulers[idx]

        if idx > 0 && milestones[idx - 1] = e then
            s.StepTo 0
        else
            s.Step()

        this.LastLr <- s.GetLastLr()

    override this.StateDict() =
        { base.StateDict() with
            Children = [ for s in schedulers -> s.StateDict() ]
        }

    override this.LoadStateDict(saved) =
        if isNull (box saved) then
            nullArg "saved"

        if saved.Children.Length <> schedulers.Length then
            invalidArg
                "saved"
                $"SequentialLR.LoadStateDict: the saved state has {saved.Children.Length} schedulers; this one has {schedulers.Length}."

        base.LoadStateDict saved

        for s, c in Array.zip schedulers (List.toArray saved.Children) do
            s.LoadStateDict c

/// Steps several schedulers together at every step, their factors multiplying (PyTorch's
/// `ChainedScheduler`), e.g. a ConstantLR warm-up with an ExponentialLR decay.
[<Sealed>]
type ChainedScheduler(schedulers: seq<LRScheduler>) as this =
    inherit
        LRScheduler(
            "ChainedScheduler",
            (if isNull (box schedulers) || Seq.isEmpty schedulers then
                 invalidArg "schedulers" "ChainedScheduler: got no schedulers; pass at least one."

             (Seq.head schedulers).Optimizer)
        )

    let schedulers = Seq.toArray schedulers

    do
        for i, s in Array.indexed schedulers do
            if isNull (box s) then
                invalidArg "schedulers" $"ChainedScheduler: scheduler {i} is null."

            if not (obj.ReferenceEquals(s.Optimizer, schedulers[0].Optimizer)) then
                invalidArg
                    "schedulers"
                    $"ChainedScheduler: all schedulers must drive the same optimizer; schedulers 0 and {i} drive different ones."

        this.LastLr <- [| for g in schedulers[0].Optimizer.ParamGroups -> g.Lr |]

    /// The schedulers, in order.
    member _.Schedulers = Array.copy schedulers

    override _.GetLr() =
        invalidOp "ChainedScheduler: GetLr is not used; Step steps every scheduler."

    override this.Step() =
        for s in schedulers do
            s.Step()

        this.LastLr <- [| for g in this.Optimizer.ParamGroups -> g.Lr |]

    override this.StateDict() =
        { base.StateDict() with
            Children = [ for s in schedulers -> s.StateDict() ]
        }

    override this.LoadStateDict(saved) =
        if isNull (box saved) then
            nullArg "saved"

        if saved.Children.Length <> schedulers.Length then
            invalidArg
                "saved"
                $"ChainedScheduler.LoadStateDict: the saved state has {saved.Children.Length} schedulers; this one has {schedulers.Length}."

        base.LoadStateDict saved

        for s, c in Array.zip schedulers (List.toArray saved.Children) do
            s.LoadStateDict c

/// Whether ReduceLROnPlateau's metric should go down (a loss) or up (an accuracy).
type PlateauMode =
    /// The metric should decrease (PyTorch's 'min', the default).
    | Min
    /// The metric should increase (PyTorch's 'max').
    | Max

/// How ReduceLROnPlateau's threshold compares a metric with the best so far.
type ThresholdMode =
    /// Relative: better than best·(1 ∓ threshold) (PyTorch's 'rel', the default).
    | Rel
    /// Absolute: better than best ∓ threshold (PyTorch's 'abs').
    | Abs

/// Multiplies the learning rate by factor when a metric has not improved for more than
/// `patience` epochs (PyTorch's `ReduceLROnPlateau`); call Step(metric) after each validation.
[<Sealed>]
type ReduceLROnPlateau
    (
        optimizer: Optimizer,
        ?mode: PlateauMode,
        ?factor: float,
        ?patience: int,
        ?threshold: float,
        ?thresholdMode: ThresholdMode,
        ?cooldown: int,
        ?minLr: float,
        ?eps: float
    ) =
    let name = "ReduceLROnPlateau"

    do
        if isNull (box optimizer) then
            nullArg "optimizer"

    let mode = defaultArg mode Min
    let factor = defaultArg factor 0.1
    let patience = defaultArg patience 10
    let threshold = defaultArg threshold 1e-4
    let thresholdMode = defaultArg thresholdMode Rel
    let cooldown = defaultArg cooldown 0
    let minLr = defaultArg minLr 0.0
    let eps = defaultArg eps 1e-8

    do
        if not (factor < 1.0 && factor >= 0.0) then
            raise (ArgumentOutOfRangeException("factor", $"{name}: factor must be in [0, 1); got {factor}."))

        if patience < 0 then
            raise (ArgumentOutOfRangeException("patience", $"{name}: patience must be at least 0; got {patience}."))

        if cooldown < 0 then
            raise (ArgumentOutOfRangeException("cooldown", $"{name}: cooldown must be at least 0; got {cooldown}."))

        SchedulerCheck.nonNegative name "threshold" threshold
        SchedulerCheck.nonNegative name "minLr" minLr
        SchedulerCheck.nonNegative name "eps" eps

    let worse =
        match mode with
        | Min -> Double.PositiveInfinity
        | Max -> Double.NegativeInfinity

    let mutable best = worse
    let mutable numBadEpochs = 0
    let mutable cooldownCounter = 0
    let mutable lastEpoch = 0
    let mutable lastLr = [| for g in optimizer.ParamGroups -> g.Lr |]

    let isBetter a best =
        match mode, thresholdMode with
        | Min, Rel -> a < best * (1.0 - threshold)
        | Min, Abs -> a < best - threshold
        | Max, Rel -> a > best * (threshold + 1.0)
        | Max, Abs -> a > best + threshold

    /// The optimizer whose learning rates this scheduler sets.
    member _.Optimizer = optimizer

    /// The best metric so far (±infinity before the first step).
    member _.Best = best

    /// Epochs since the last improvement (reset by a reduction and during cooldown).
    member _.NumBadEpochs = numBadEpochs

    /// Epochs left in the cooldown after a reduction.
    member _.CooldownCounter = cooldownCounter

    /// The number of Step calls.
    member _.LastEpoch = lastEpoch

    /// The learning rate of each group after the last step.
    member _.LastLr = Array.copy lastLr

    /// The learning rate of each group after the last step (PyTorch's get_last_lr()).
    member _.GetLastLr() = Array.copy lastLr

    /// Records the metric of this epoch and reduces the learning rates after `patience` epochs
    /// without improvement (PyTorch's scheduler.step(metrics)).
    member _.Step(metric: float) =
        lastEpoch <- lastEpoch + 1

        if isBetter metric best then
            best <- metric
            numBadEpochs <- 0
        else
            numBadEpochs <- numBadEpochs + 1

        if cooldownCounter > 0 then
            cooldownCounter <- cooldownCounter - 1
            numBadEpochs <- 0

        if numBadEpochs > patience then
            for g in optimizer.ParamGroups do
                let old = g.Lr
                let updated = max (old * factor) minLr

                if old - updated > eps then
                    g.Lr <- updated

            cooldownCounter <- cooldown
            numBadEpochs <- 0

        lastLr <- [| for g in optimizer.ParamGroups -> g.Lr |]

    /// Records a one-element tensor metric (a validation loss).
    member this.Step(metric: Nabla.Tensor) =
        if isNull (box metric) then
            nullArg "metric"

        this.Step(metric.ToScalar())

    /// The counters (PyTorch's state_dict).
    member _.StateDict() : SchedulerStateDict =
        {
            Values =
                Map.ofList
                    [
                        "best", best
                        "numBadEpochs", float numBadEpochs
                        "cooldownCounter", float cooldownCounter
                        "lastEpoch", float lastEpoch
                    ]
            Lists = Map.ofList [ "lastLr", List.ofArray lastLr ]
            Children = []
        }

    /// Restores the counters saved by StateDict.
    member _.LoadStateDict(saved: SchedulerStateDict) =
        if isNull (box saved) then
            nullArg "saved"

        let value key =
            match saved.Values.TryFind key with
            | Some v -> v
            | None -> invalidArg "saved" $"{name}.LoadStateDict: the saved state has no '{key}'; pass the result of StateDict()."

        let b, n, c, e =
            value "best", value "numBadEpochs", value "cooldownCounter", value "lastEpoch"

        best <- b
        numBadEpochs <- int n
        cooldownCounter <- int c
        lastEpoch <- int e

        match saved.Lists.TryFind "lastLr" with
        | Some l -> lastLr <- Array.ofList l
        | None -> ()

    override _.ToString() =
        let lrs = String.Join(", ", lastLr)
        $"{name}(best = {best}, numBadEpochs = {numBadEpochs}, lr = [{lrs}])"
