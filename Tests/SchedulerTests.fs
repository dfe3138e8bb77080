/// Learning-rate schedulers, LBFGS, gradient clipping and functional optimizers against the
/// trajectories PyTorch computed in PyTorch/reference_schedulers.py (float64), state-dict round
/// trips, and the error messages.
module Nabla.Tests.SchedulerTests

open System
open System.IO
open System.Text.Json
open Expecto
open Nabla
open Nabla.Optimizers
open Nabla.Tests.Check

let private reference =
    lazy (JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PyTorch", "reference_schedulers.json"))).RootElement)

let private case (name: string) = reference.Value.GetProperty name

let private floats (e: JsonElement) =
    [| for v in e.EnumerateArray() -> v.GetDouble() |]

let private rows (e: JsonElement) =
    [| for r in e.EnumerateArray() -> floats r |]

/// Agreement with PyTorch's trajectory to 1e-10.
let private tight (what: string) (actual: float[]) (expected: float[]) =
    closeWith 1e-10 0.0 what actual expected

let private leaf (values: float[]) =
    Tensor.requiresGrad (Tensor.ofArray values)

/// Two groups as in the script: lr 0.1 over a 2-vector and lr 0.05 over a 3-vector.
let private twoGroups () =
    [
        ParamGroup([ leaf [| 0.0; 0.0 |] ], lr = 0.1)
        ParamGroup([ leaf [| 0.0; 0.0; 0.0 |] ], lr = 0.05)
    ]

/// An optimizer with neither momentum nor betas.
type private PlainOptimizer(groups: seq<ParamGroup>) =
    inherit Optimizer("Plain", groups, [ "lr", 1e-3 ], [], ignore)
    override _.UpdateParameter(_, _, _, _) = ()

let private steps = 30

/// lr, last lr and momentum (or beta1) of each group after construction and each next step.
let private trace (opt: Optimizer) (s: LRScheduler) (key: string option) (count: int) =
    let read () =
        [| for g in opt.ParamGroups -> g.Lr |],
        s.GetLastLr(),
        (match key with
         | Some k -> [| for g in opt.ParamGroups -> g[k] |]
         | None -> [||])

    [|
        read ()
        for _ in 1 .. count - 1 do
            opt.Step()
            s.Step()
            read ()
    |]

let private sgd () =
    SGD(twoGroups (), lr = 0.1) :> Optimizer

let private sgdMomentum () =
    SGD(twoGroups (), lr = 0.1, momentum = 0.9) :> Optimizer

let private betaOpt () =
    let groups =
        [
            ParamGroup([ leaf [| 0.0; 0.0 |] ], lr = 0.1, betas = (0.9, 0.99))
            ParamGroup([ leaf [| 0.0; 0.0; 0.0 |] ], lr = 0.05, betas = (0.9, 0.99))
        ]

    // Adam: OneCycleLR cycles its beta1 (the parameters get no gradient, so steps change nothing else)
    Adam(groups) :> Optimizer

/// The scheduler cases of the script: name, optimizer, scheduler over it, cycled option.
let private schedulerCases: (string * (unit -> Optimizer * LRScheduler * string option)) list =
    let plain (make: Optimizer -> LRScheduler) =
        fun () ->
            let o = sgd ()
            o, make o, None

    [
        "step_lr", plain (fun o -> StepLR(o, 7, gamma = 0.5))
        "step_lr_default", plain (fun o -> StepLR(o, 3))
        "multistep_lr", plain (fun o -> MultiStepLR(o, [ 5; 12; 12; 20 ], gamma = 0.3))
        "exponential_lr", plain (fun o -> ExponentialLR(o, 0.9))
        "cosine_lr", plain (fun o -> CosineAnnealingLR(o, 10, etaMin = 0.001))
        "cosine_lr_default", plain (fun o -> CosineAnnealingLR(o, 25))
        "linear_lr", plain (fun o -> LinearLR(o, startFactor = 0.25, endFactor = 1.0, totalIters = 8))
        "linear_lr_decay", plain (fun o -> LinearLR(o, startFactor = 1.0, endFactor = 0.1, totalIters = 10))
        "linear_lr_default", plain (fun o -> LinearLR(o))
        "constant_lr", plain (fun o -> ConstantLR(o, factor = 0.5, totalIters = 4))
        "constant_lr_default", plain (fun o -> ConstantLR(o))
        "polynomial_lr", plain (fun o -> PolynomialLR(o, totalIters = 12, power = 2.0))
        "polynomial_lr_default", plain (fun o -> PolynomialLR(o))
        "sequential_constant_polynomial",
        plain (fun o ->
            SequentialLR(
                o,
                [
                    ConstantLR(o, factor = 0.1, totalIters = 2) :> LRScheduler
                    PolynomialLR(o, totalIters = 15, power = 0.5)
                    MultiStepLR(o, [ 2; 4 ], 0.5)
                ],
                [ 3; 20 ]
            ))
        "chained_constant_exponential",
        plain (fun o ->
            ChainedScheduler
                [
                    ConstantLR(o, factor = 0.1, totalIters = 2) :> LRScheduler
                    ExponentialLR(o, 0.9)
                ])
        "lambda_lr", plain (fun o -> LambdaLR(o, (fun e -> 1.0 / (1.0 + float e))))
        "lambda_lr_per_group", plain (fun o -> LambdaLR(o, [ (fun e -> 0.95 ** float e); (fun e -> 1.0 / (1.0 + float e)) ]))
        "onecycle_cos",
        (fun () ->
            let o = sgdMomentum ()
            o, OneCycleLR(o, 1.0, steps), Some "momentum")
        "onecycle_linear_three_phase",
        (fun () ->
            let o = sgdMomentum ()

            o,
            OneCycleLR(
                o,
                [| 0.5; 0.2 |],
                steps,
                pctStart = 0.25,
                annealStrategy = AnnealStrategy.Linear,
                threePhase = true,
                divFactor = 10.0,
                finalDivFactor = 100.0,
                baseMomentum = 0.8,
                maxMomentum = 0.9
            ),
            Some "momentum")
        "onecycle_no_momentum", plain (fun o -> OneCycleLR(o, 0.3, steps, cycleMomentum = false))
        "onecycle_betas",
        (fun () ->
            let o = betaOpt ()
            o, OneCycleLR(o, 0.01, steps, pctStart = 0.4), Some "beta1")
        "sequential_lr",
        plain (fun o ->
            SequentialLR(
                o,
                [
                    LinearLR(o, startFactor = 0.1, totalIters = 5) :> LRScheduler
                    CosineAnnealingLR(o, 20)
                ],
                [ 5 ]
            ))
        "sequential_lr_three",
        plain (fun o ->
            SequentialLR(
                o,
                [
                    LinearLR(o, startFactor = 0.5, totalIters = 4) :> LRScheduler
                    ExponentialLR(o, 0.9)
                    StepLR(o, 3, 0.5)
                ],
                [ 4; 10 ]
            ))
        "chained",
        plain (fun o ->
            ChainedScheduler
                [
                    LinearLR(o, startFactor = 0.5, totalIters = 4) :> LRScheduler
                    ExponentialLR(o, 0.9)
                ])
        "multiplicative_lr", plain (fun o -> MultiplicativeLR(o, (fun _ -> 0.95)))
        "multiplicative_lr_per_group", plain (fun o -> MultiplicativeLR(o, [ (fun _ -> 0.9); (fun e -> 1.0 - 0.01 * float e) ]))
        "warm_restarts", plain (fun o -> CosineAnnealingWarmRestarts(o, 5))
        "warm_restarts_mult2", plain (fun o -> CosineAnnealingWarmRestarts(o, 3, tMult = 2, etaMin = 0.001))
        "warm_restarts_mult3", plain (fun o -> CosineAnnealingWarmRestarts(o, 2, tMult = 3, etaMin = 0.002))
        "sequential_warm_restarts",
        plain (fun o ->
            SequentialLR(
                o,
                [
                    LinearLR(o, startFactor = 0.1, totalIters = 3) :> LRScheduler
                    CosineAnnealingWarmRestarts(o, 4, tMult = 2)
                ],
                [ 3 ]
            ))
        "cyclic_triangular",
        (fun () ->
            let o = sgdMomentum ()
            o, CyclicLR(o, 0.01, 0.1, stepSizeUp = 4), Some "momentum")
        "cyclic_triangular2",
        (fun () ->
            let o = sgdMomentum ()

            o,
            CyclicLR(
                o,
                [| 0.01; 0.005 |],
                [| 0.1; 0.05 |],
                stepSizeUp = 3,
                stepSizeDown = 5,
                mode = CyclicMode.Triangular2,
                baseMomentum = 0.85,
                maxMomentum = 0.95
            ),
            Some "momentum")
        "cyclic_exp_range",
        (fun () ->
            let o = sgdMomentum ()
            o, CyclicLR(o, 0.02, 0.2, stepSizeUp = 5, mode = CyclicMode.ExpRange, gamma = 0.97), Some "momentum")
        "cyclic_no_momentum", plain (fun o -> CyclicLR(o, 0.001, 0.01, stepSizeUp = 6, stepSizeDown = 2, cycleMomentum = false))
        "cyclic_scale_fn_cycle",
        (fun () ->
            let o = sgdMomentum ()
            o, CyclicLR(o, 0.01, 0.1, stepSizeUp = 2, stepSizeDown = 3, scaleFn = (fun c -> 1.0 / c)), Some "momentum")
        "cyclic_scale_fn_iterations",
        plain (fun o ->
            CyclicLR(
                o,
                0.01,
                0.1,
                stepSizeUp = 4,
                scaleFn = (fun x -> 1.0 / (1.0 + 0.05 * x)),
                scaleMode = CyclicScaleMode.Iterations,
                mode = CyclicMode.Triangular2,
                cycleMomentum = false
            ))
        "cyclic_adam_beta1",
        (fun () ->
            // the real Adam: CyclicLR cycles its beta1 (as PyTorch 2.0 does; see the script)
            let o = betaOpt ()

            o,
            CyclicLR(
                o,
                0.001,
                0.006,
                stepSizeUp = 4,
                stepSizeDown = 2,
                mode = CyclicMode.Triangular2,
                baseMomentum = 0.85,
                maxMomentum = 0.95
            ),
            Some "beta1")
    ]

let private checkRows (name: string) (from: int) (actual: (float[] * float[] * float[])[]) =
    let c = case name
    let lr, lastLr = rows (c.GetProperty "lr"), rows (c.GetProperty "last_lr")

    let momentum =
        match c.GetProperty("momentum").ValueKind with
        | JsonValueKind.Null -> None
        | _ -> Some(rows (c.GetProperty "momentum"))

    for i, (l, ll, m) in Array.indexed actual do
        let k = from + i
        tight $"{name}: lr at step {k}" l lr[k]
        tight $"{name}: last lr at step {k}" ll lastLr[k]

        momentum
        |> Option.iter (fun ms -> tight $"{name}: momentum at step {k}" m ms[k])

let private schedulerTests =
    testList
        "PyTorch trajectories"
        [
            for name, make in schedulerCases do
                test name {
                    let o, s, key = make ()
                    checkRows name 0 (trace o s key steps)
                }
        ]

/// Saves optimizer and scheduler after 10 steps, rebuilds both fresh, loads, and continues.
let private schedulerRoundTrips =
    testList
        "state dict round trips"
        [
            for name, make in schedulerCases do
                test name {
                    let o, s, key = make ()
                    trace o s key 11 |> ignore
                    let savedOpt, savedSched = o.StateDict(), s.StateDict()
                    // the saved state is a copy: moving on does not change it
                    o.Step()
                    s.Step()
                    let o2, s2, _ = make ()
                    o2.LoadStateDict savedOpt
                    s2.LoadStateDict savedSched
                    Expect.equal s2.LastEpoch (savedSched.Values["lastEpoch"] |> int) "LastEpoch restored"
                    checkRows name 10 (trace o2 s2 key (steps - 10))
                }
        ]

/// CosineAnnealingWarmRestarts stepped with Step(epoch) (fractional epochs) or Step(), per the
/// script's epoch list (null for Step()).
let private epochCases: (string * (Optimizer -> CosineAnnealingWarmRestarts)) list =
    [
        "warm_restarts_fractional", (fun o -> CosineAnnealingWarmRestarts(o, 3))
        "warm_restarts_fractional_mult2", (fun o -> CosineAnnealingWarmRestarts(o, 2, tMult = 2, etaMin = 0.001))
        "warm_restarts_fractional_mult3", (fun o -> CosineAnnealingWarmRestarts(o, 1, tMult = 3, etaMin = 0.01))
        "warm_restarts_interleaved", (fun o -> CosineAnnealingWarmRestarts(o, 4))
        "warm_restarts_interleaved_mult2", (fun o -> CosineAnnealingWarmRestarts(o, 2, tMult = 2, etaMin = 0.005))
    ]

let private epochsOf (name: string) =
    [|
        for e in (case name).GetProperty("epochs").EnumerateArray() ->
            if e.ValueKind = JsonValueKind.Null then
                None
            else
                Some(e.GetDouble())
    |]

let private stepEpochs (o: Optimizer) (s: CosineAnnealingWarmRestarts) (epochs: float option[]) =
    [|
        for e in epochs do
            o.Step()

            match e with
            | Some e -> s.Step e
            | None -> s.Step()

            [| for g in o.ParamGroups -> g.Lr |], s.GetLastLr(), [||]
    |]

let private epochTests =
    testList
        "CosineAnnealingWarmRestarts with epochs"
        [
            for name, make in epochCases do
                test name {
                    let o = sgd ()
                    let s = make o
                    let first = [| for g in o.ParamGroups -> g.Lr |], s.GetLastLr(), [||]
                    checkRows name 0 (Array.append [| first |] (stepEpochs o s (epochsOf name)))

                    Expect.equal s.LastEpoch ((case name).GetProperty("last_epoch").GetInt32()) "LastEpoch: the floor of the last epoch"
                }

                test $"{name} state dict round trip" {
                    let o = sgd ()
                    let s = make o
                    let epochs = epochsOf name
                    let k = 9
                    stepEpochs o s epochs[.. k - 1] |> ignore
                    let savedOpt, savedSched = o.StateDict(), s.StateDict()
                    o.Step()
                    s.Step()
                    let o2 = sgd ()
                    let s2 = make o2
                    o2.LoadStateDict savedOpt
                    s2.LoadStateDict savedSched
                    checkRows name (k + 1) (stepEpochs o2 s2 epochs[k..])
                }
        ]

let private metrics () = floats (case "plateau_metrics")

let private plateauCases: (string * (Optimizer -> ReduceLROnPlateau)) list =
    [
        "plateau_min_rel", (fun o -> ReduceLROnPlateau(o, mode = PlateauMode.Min, factor = 0.5, patience = 2, cooldown = 1, minLr = 0.01))
        "plateau_min_abs",
        (fun o ->
            ReduceLROnPlateau(o, mode = PlateauMode.Min, factor = 0.3, patience = 1, threshold = 0.02, thresholdMode = ThresholdMode.Abs))
        "plateau_max_rel", (fun o -> ReduceLROnPlateau(o, mode = PlateauMode.Max, factor = 0.5, patience = 1, threshold = 0.01))
        "plateau_max_abs",
        (fun o ->
            ReduceLROnPlateau(
                o,
                mode = PlateauMode.Max,
                factor = 0.2,
                patience = 0,
                threshold = 0.0,
                thresholdMode = ThresholdMode.Abs,
                cooldown = 2,
                minLr = 1e-3
            ))
        "plateau_default", (fun o -> ReduceLROnPlateau(o))
    ]

let private plateauTests =
    testList
        "ReduceLROnPlateau"
        [
            for name, make in plateauCases do
                test name {
                    let o = sgd ()
                    let s = make o
                    let expected = rows ((case name).GetProperty "lr")

                    for i, m in Array.indexed (metrics ()) do
                        o.Step()
                        s.Step m
                        tight $"{name}: lr after metric {i}" [| for g in o.ParamGroups -> g.Lr |] expected[i]
                        tight $"{name}: LastLr after metric {i}" (s.GetLastLr()) expected[i]

                    Expect.equal s.NumBadEpochs ((case name).GetProperty("num_bad_epochs").GetInt32()) "num_bad_epochs"
                    tight $"{name}: best" [| s.Best |] [| (case name).GetProperty("best").GetDouble() |]
                }

                test $"{name} state dict round trip" {
                    let o = sgd ()
                    let s = make o
                    let ms = metrics ()
                    let expected = rows ((case name).GetProperty "lr")

                    for m in ms[..11] do
                        o.Step()
                        s.Step m

                    let savedOpt, savedSched = o.StateDict(), s.StateDict()
                    let o2 = sgd ()
                    let s2 = make o2
                    o2.LoadStateDict savedOpt
                    s2.LoadStateDict savedSched

                    for i in 12 .. ms.Length - 1 do
                        s2.Step ms[i]
                        tight $"{name}: lr after metric {i}" [| for g in o2.ParamGroups -> g.Lr |] expected[i]
                }
        ]

// ---------------------------------------------------------------- LBFGS

let private x0 = [| -1.2; 1.0 |]
let private w0 = [| -0.5; 0.8; 1.3; 0.4 |]

/// The Rosenbrock function of the 6 numbers of x (2) and w (2×2), as in the script.
let private rosenbrock (x: Tensor) (w: Tensor) =
    let z = Tensor.cat 0 [ Tensor.reshape [| -1 |] x; Tensor.reshape [| -1 |] w ]
    let hi, lo = Tensor.narrow 0 1 5 z, Tensor.narrow 0 0 5 z
    Tensor.sum (100.0 * Tensor.square (hi - Tensor.square lo) + Tensor.square (1.0 - lo))

let private makeLbfgs (name: string) (x: Tensor) (w: Tensor) =
    let ps = [ x; w ]

    match name with
    | "lbfgs_fixed" -> LBFGS(ps, lr = 0.25, maxIter = 4)
    | "lbfgs_fixed_history" -> LBFGS(ps, lr = 0.2, maxIter = 5, historySize = 3)
    | "lbfgs_strong_wolfe" -> LBFGS(ps, lineSearchFn = "strong_wolfe")
    | "lbfgs_strong_wolfe_short" -> LBFGS(ps, lineSearchFn = "strong_wolfe", maxIter = 3, historySize = 2)
    | _ -> failwith name

let private lbfgsNames =
    [
        "lbfgs_fixed"
        "lbfgs_fixed_history"
        "lbfgs_strong_wolfe"
        "lbfgs_strong_wolfe_short"
    ]

let private closure (opt: Optimizer) (x: Tensor) (w: Tensor) =
    fun () ->
        opt.ZeroGrad()
        let loss = rosenbrock x w
        loss.Backward()
        loss

let private checkLbfgsStep (name: string) (k: int) (opt: LBFGS) (loss: Tensor) (x: Tensor) (w: Tensor) =
    let e = (case name).GetProperty("steps")[k]
    tight $"{name}: x after step {k + 1}" (x.ToArray()) (floats (e.GetProperty "x"))
    tight $"{name}: w after step {k + 1}" ((Tensor.reshape [| -1 |] w).ToArray()) (floats (e.GetProperty "w"))
    tight $"{name}: loss of step {k + 1}" [| loss.ToScalar() |] [| e.GetProperty("loss").GetDouble() |]
    Expect.equal opt.FuncEvals (e.GetProperty("func_evals").GetInt32()) $"{name}: func_evals after step {k + 1}"
    Expect.equal opt.NIter (e.GetProperty("n_iter").GetInt32()) $"{name}: n_iter after step {k + 1}"

let private lbfgsTests =
    testList
        "LBFGS"
        [
            for name in lbfgsNames do
                test $"{name} follows PyTorch" {
                    let x = leaf x0
                    let w = leaf w0 |> Tensor.reshape [| 2; 2 |] |> Tensor.detach |> Tensor.requiresGrad
                    let opt = makeLbfgs name x w

                    for k in 0..9 do
                        let loss = opt.Step(closure opt x w)
                        checkLbfgsStep name k opt loss x w
                }

                test $"{name} resumes from its state dict" {
                    let x = leaf x0
                    let w = leaf w0 |> Tensor.reshape [| 2; 2 |] |> Tensor.detach |> Tensor.requiresGrad
                    let opt = makeLbfgs name x w

                    for _ in 1..4 do
                        opt.Step(closure opt x w) |> ignore

                    let saved = opt.StateDict()
                    let x2 = leaf (x.ToArray())

                    let w2 =
                        Tensor.ofArray (w.ToArray()) |> Tensor.reshape [| 2; 2 |] |> Tensor.requiresGrad

                    let opt2 = makeLbfgs name x2 w2
                    opt2.LoadStateDict saved
                    // the saved state is a copy: the first optimizer moving on does not change it
                    opt.Step(closure opt x w) |> ignore

                    for k in 4..9 do
                        let loss = opt2.Step(closure opt2 x2 w2)
                        checkLbfgsStep name k opt2 loss x2 w2
                }

            test "Step without a closure is an error" {
                let opt = LBFGS([ leaf x0 ])
                throwsWith<InvalidOperationException> [ "LBFGS"; "closure" ] (fun () -> opt.Step())
            }

            test "bad options" {
                throwsWith<ArgumentException> [ "LBFGS"; "strong_wolfe"; "backtracking" ] (fun () ->
                    LBFGS([ leaf x0 ], lineSearchFn = "backtracking") |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "LBFGS"; "maxIter"; "0" ] (fun () -> LBFGS([ leaf x0 ], maxIter = 0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "LBFGS"; "historySize" ] (fun () ->
                    LBFGS([ leaf x0 ], historySize = -1) |> ignore)

                throwsWith<ArgumentException> [ "LBFGS"; "parameter groups" ] (fun () ->
                    LBFGS([ ParamGroup [ leaf x0 ]; ParamGroup [ leaf x0 ] ]) |> ignore)
            }

            test "a closure returning a non-scalar is an error" {
                let x = leaf x0
                let opt = LBFGS([ x ])

                throwsWith<InvalidOperationException> [ "LBFGS"; "one-element" ] (fun () -> opt.Step(fun () -> x * 2.0) |> ignore)
            }

            test "steps keep no tensors alive beyond the state (the closure's graphs are freed)" {
                let x = leaf x0
                let w = leaf w0 |> Tensor.reshape [| 2; 2 |] |> Tensor.detach |> Tensor.requiresGrad

                let opt =
                    LBFGS([ x; w ], lineSearchFn = "strong_wolfe", historySize = 3, maxIter = 4)

                let liveAfter (n: int) =
                    for _ in 1..n do
                        opt.Step(closure opt x w) |> Tensor.dispose

                    GC.Collect()
                    GC.WaitForPendingFinalizers()
                    GC.Collect()
                    Scope.liveTensorCount ()

                let warm = liveAfter 5
                let later = liveAfter 20
                Expect.isLessThanOrEqual later (warm + 2L) $"live tensors after 5 steps: {warm}; after 25: {later}"
            }

            test "maxEval defaults to maxIter * 5 / 4" {
                let opt = LBFGS([ leaf x0 ], maxIter = 7)
                Expect.equal opt.ParamGroups[0].["maxEval"] 8.0 "7 * 5 / 4"
            }
        ]

// ---------------------------------------------------------------- gradient clipping

let private g1 = [| 0.3; -1.2; 2.0; 0.5; 0.25; -0.7 |]
let private g2 = [| 4.0; -0.1 |]

/// Two parameters whose gradients are g1 (2×3) and g2, by Backward.
let private withGrads () =
    let a =
        Tensor.zeros [| 2; 3 |] |> Tensor.toDtype Dtype.Float64 |> Tensor.requiresGrad

    let b = Tensor.zeros [| 2 |] |> Tensor.toDtype Dtype.Float64 |> Tensor.requiresGrad

    let loss =
        Tensor.sum (a * tensor [| 2; 3 |] g1) + Tensor.sum (b * Tensor.ofArray g2)

    loss.Backward()
    a, b

let private gradOf (t: Tensor) = t.Grad.Value.ToArray()

let private clipTests =
    testList
        "gradient clipping"
        [
            for name in [ "clip_2"; "clip_1"; "clip_3"; "clip_inf"; "clip_2_large" ] do
                test name {
                    let c = case name

                    let normType =
                        match c.GetProperty("norm_type").ValueKind with
                        | JsonValueKind.String -> infinity
                        | _ -> c.GetProperty("norm_type").GetDouble()

                    let maxNorm = c.GetProperty("max_norm").GetDouble()
                    let a, b = withGrads ()
                    let monitored = Optim.gradNormWith normType [ a; b ]
                    tight $"{name}: gradNorm leaves the gradients" (gradOf a) g1

                    let total =
                        if normType = 2.0 then
                            Optim.clipGradNorm [ a; b ] maxNorm
                        else
                            Optim.clipGradNormWith normType [ a; b ] maxNorm

                    tight $"{name}: total norm" [| total |] [| c.GetProperty("total").GetDouble() |]
                    tight $"{name}: gradNorm" [| monitored |] [| total |]
                    tight $"{name}: clipped g1" (gradOf a) (floats (c.GetProperty "g1"))
                    tight $"{name}: clipped g2" (gradOf b) (floats (c.GetProperty "g2"))
                }

            test "clip_value" {
                let c = case "clip_value"
                let a, b = withGrads ()
                Optim.clipGradValue [ a; b ] (c.GetProperty("clip_value").GetDouble())
                tight "clip_value: g1" (gradOf a) (floats (c.GetProperty "g1"))
                tight "clip_value: g2" (gradOf b) (floats (c.GetProperty "g2"))
            }

            test "later Backward calls accumulate into the clipped gradients" {
                let a = Tensor.ofArray [| 1.0; 2.0 |] |> Tensor.requiresGrad
                (Tensor.sum (a * Tensor.ofArray [| 3.0; 4.0 |])).Backward()
                let total = Optim.clipGradNorm [ a ] 1.0
                tight "norm of (3, 4)" [| total |] [| 5.0 |]
                let coef = 1.0 / (5.0 + 1e-6)
                (Tensor.sum (a * Tensor.ofArray [| 1.0; 1.0 |])).Backward()
                tight "clipped + new" (gradOf a) [| 3.0 * coef + 1.0; 4.0 * coef + 1.0 |]
                Expect.isFalse (Optim.clipGradNorm [ a ] 100.0 |> Double.IsNaN) "a number"
            }

            test "clipping and norms leave no tensor alive" {
                let a, b = withGrads ()
                let before = Scope.liveTensorCount ()
                Optim.clipGradNormWith 3.0 [ a; b ] 0.5 |> ignore
                Optim.clipGradNormWith infinity [ a; b ] 0.5 |> ignore
                Optim.gradNorm [ a; b ] |> ignore
                Optim.clipGradValue [ a; b ] 0.1
                Expect.equal (Scope.liveTensorCount () - before) 0L "no tensor added"
            }

            test "parameters without gradients give 0 and are left alone" {
                let a = Tensor.ofArray [| 1.0; 2.0 |] |> Tensor.requiresGrad
                Expect.equal (Optim.clipGradNorm [ a ] 1.0) 0.0 "no gradient"
                Expect.equal (Optim.gradNorm [ a ]) 0.0 "no gradient"
                Expect.isNone a.Grad "still none"
            }

            test "a non-finite norm: scaled by default, an error with errorIfNonfinite" {
                let a = Tensor.ofArray [| 1.0; 2.0 |] |> Tensor.requiresGrad
                (Tensor.sum (a * Tensor.ofArray [| infinity; 1.0 |])).Backward()

                throwsWith<InvalidOperationException> [ "clipGradNorm"; "non-finite"; "errorIfNonfinite" ] (fun () ->
                    Optim.clipGradNormOrFail 2.0 [ a ] 1.0 |> ignore)

                tight "unchanged after the error" (gradOf a) [| infinity; 1.0 |]

                throwsWith<InvalidOperationException> [ "non-finite" ] (fun () ->
                    Optim.ClipGrad.ClipNorm([ a ], 1.0, errorIfNonfinite = true) |> ignore)

                Expect.equal (Optim.clipGradNorm [ a ] 1.0) infinity "PyTorch returns inf"
            }

            test "bad arguments" {
                let a, _ = withGrads ()

                throwsWith<ArgumentOutOfRangeException> [ "clipGradNorm"; "normType"; "-1" ] (fun () ->
                    Optim.clipGradNormWith -1.0 [ a ] 1.0 |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "clipGradNorm"; "maxNorm" ] (fun () -> Optim.clipGradNorm [ a ] -1.0 |> ignore)
                throwsWith<ArgumentOutOfRangeException> [ "clipGradValue"; "clipValue" ] (fun () -> Optim.clipGradValue [ a ] -0.5)
            }
        ]

// ---------------------------------------------------------------- functional optimizers

let private p0 = [| 0.5; -0.3; 0.8 |]
let private q0 = [| 0.2; -0.4; 0.1; 0.7; 0.3; -0.6 |]

/// The script's problem: sum(sin(q p)·[1, -2]) + sum(p²·0.5) + sum(q³·0.1).
let private problem (p: Tensor) (q: Tensor) =
    Tensor.sum (Tensor.sin (Tensor.matmul q p) * Tensor.ofArray [| 1.0; -2.0 |])
    + Tensor.sum (p * p * 0.5)
    + Tensor.sum (q * q * q * 0.1)

let private functionalCases: (string * FunctionalOptimizer) list =
    [
        "sgd_momentum_nesterov", Optim.Functional.sgd (0.1, momentum = 0.9, nesterov = true, weightDecay = 0.01)
        "sgd_dampening", Optim.Functional.sgd (0.05, momentum = 0.5, dampening = 0.2)
        "adam", Optim.Functional.adam 0.05
        "adam_amsgrad_wd", Optim.Functional.adam (0.05, betas = (0.8, 0.95), weightDecay = 0.1, amsgrad = true, eps = 1e-6)
        "adam_maximize", Optim.Functional.adam (0.02, maximize = true)
        "adamw", Optim.Functional.adamw (0.05, weightDecay = 0.1)
        "adamw_amsgrad", Optim.Functional.adamw (0.05, amsgrad = true)
        "rmsprop", Optim.Functional.rmsprop 0.01
        "rmsprop_centered_momentum", Optim.Functional.rmsprop (0.01, alpha = 0.9, momentum = 0.5, centered = true, weightDecay = 0.1)
    ]

let private startParams () =
    Params.ofList [ "p", Tensor.ofArray p0; "q", tensor [| 2; 3 |] q0 ]

let private loss (ps: Params) = problem ps["p"] ps["q"]

let private checkTrajectory (name: string) (k: int) (p: Tensor) (q: Tensor) =
    let e = (case name)[k]
    tight $"{name}: p after step {k + 1}" (p.ToArray()) (floats (e.GetProperty "p"))
    tight $"{name}: q after step {k + 1}" ((Tensor.reshape [| -1 |] q).ToArray()) (floats (e.GetProperty "q"))

let private functionalTests =
    testList
        "functional optimizers"
        [
            for name, opt in functionalCases do
                test $"{name} follows PyTorch" {
                    let mutable ps = startParams ()
                    let mutable st = opt.Init ps

                    for k in 0..9 do
                        let g = AD.gradParams loss ps
                        let ps', st' = opt.Update g st ps
                        ps <- ps'
                        st <- st'
                        checkTrajectory name k ps["p"] ps["q"]

                    Expect.equal st.Step 10 "ten updates"
                }

            test "functional SGD follows the SGD class (and PyTorch)" {
                let p = Tensor.ofArray p0 |> Tensor.requiresGrad
                let q = tensor [| 2; 3 |] q0 |> Tensor.requiresGrad

                let opt =
                    SGD([ p; q ], lr = 0.1, momentum = 0.9, nesterov = true, weightDecay = 0.01)

                let f =
                    Optim.Functional.sgd (0.1, momentum = 0.9, nesterov = true, weightDecay = 0.01)

                let mutable ps = startParams ()
                let mutable st = f.Init ps

                for k in 0..9 do
                    opt.ZeroGrad()
                    (problem p q).Backward()
                    opt.Step()
                    let ps', st' = f.Update (AD.gradParams loss ps) st ps
                    ps <- ps'
                    st <- st'
                    tight $"p after step {k + 1}" (ps["p"].ToArray()) (p.ToArray())
                    tight $"q after step {k + 1}" (ps["q"].ToArray()) (q.ToArray())
                    checkTrajectory "sgd_momentum_nesterov" k p q

                tight
                    "momentum buffer"
                    ((st.Buffers["momentum_buffer"]["p"]).ToArray())
                    ((opt.StateOf p).Value["momentum_buffer"].ToArray())
            }

            test "an update can be differentiated (meta-gradient through two Adam steps)" {
                let q = tensor [| 2; 3 |] q0
                let opt = Optim.Functional.adam (0.05, weightDecay = 0.1)

                let meta (p: Tensor) =
                    let mutable ps = Params.ofList [ "p", p; "q", q ]
                    let mutable st = opt.Init ps

                    for _ in 1..2 do
                        let g = AD.gradParams loss ps
                        let ps', st' = opt.Update g st ps
                        ps <- ps'
                        st <- st'

                    loss ps

                let x = Tensor.ofArray p0
                let analytic = AD.grad meta x
                let numeric = Numerical.grad meta x
                closeWith 1e-6 1e-5 "meta-gradient" (analytic.ToArray()) (numeric.ToArray())
                Expect.isGreaterThan ((Tensor.norm analytic).ToScalar()) 1e-3 "not trivially zero"
            }

            test "bad arguments" {
                throwsWith<ArgumentException> [ "sgd"; "Nesterov" ] (fun () -> Optim.Functional.sgd (0.1, nesterov = true) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "adam"; "beta1" ] (fun () ->
                    Optim.Functional.adam (0.1, betas = (1.0, 0.9)) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "rmsprop"; "lr" ] (fun () -> Optim.Functional.rmsprop -1.0 |> ignore)
                let opt = Optim.Functional.adam 0.1
                let ps = startParams ()
                let st = opt.Init ps
                let partial = Params.ofList [ "p", Tensor.ofArray p0 ]
                throwsWith<ArgumentException> [ "adam"; "'q'" ] (fun () -> opt.Update partial st ps |> ignore)

                throwsWith<ArgumentException> [ "sgd"; "momentum_buffer" ] (fun () ->
                    (Optim.Functional.sgd (0.1, momentum = 0.9)).Update ps st ps |> ignore)
            }
        ]

// ---------------------------------------------------------------- scheduler errors

let private errorTests =
    testList
        "errors"
        [
            test "OneCycleLR's cycleMomentum needs momentum or betas" {
                let o = PlainOptimizer [ ParamGroup [ leaf [| 1.0 |] ] ]

                throwsWith<ArgumentException> [ "OneCycleLR"; "cycleMomentum"; "Plain" ] (fun () -> OneCycleLR(o, 0.1, 10) |> ignore)

                // without cycling it works
                OneCycleLR(o, 0.1, 10, cycleMomentum = false) |> ignore
            }

            test "OneCycleLR stepped past totalSteps" {
                let o = sgdMomentum ()
                let s = OneCycleLR(o, 0.1, 3)

                for _ in 1..3 do
                    s.Step()

                throwsWith<InvalidOperationException> [ "OneCycleLR"; "5 times"; "total steps is 3" ] (fun () -> s.Step())
            }

            test "bad scheduler options" {
                let o = sgd ()
                throwsWith<ArgumentOutOfRangeException> [ "StepLR"; "stepSize"; "0" ] (fun () -> StepLR(o, 0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "LinearLR"; "startFactor"; "1.5" ] (fun () ->
                    LinearLR(o, startFactor = 1.5) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "ConstantLR"; "factor"; "0" ] (fun () -> ConstantLR(o, factor = 0.0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "PolynomialLR"; "totalIters" ] (fun () ->
                    PolynomialLR(o, totalIters = 0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "CosineAnnealingLR"; "tMax" ] (fun () -> CosineAnnealingLR(o, 0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "OneCycleLR"; "pctStart" ] (fun () ->
                    OneCycleLR(o, 0.1, 10, pctStart = 1.5) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "OneCycleLR"; "totalSteps" ] (fun () -> OneCycleLR(o, 0.1, 0) |> ignore)
                throwsWith<ArgumentException> [ "OneCycleLR"; "2 values"; "maxLr" ] (fun () -> OneCycleLR(o, [| 0.1 |], 10) |> ignore)
                throwsWith<ArgumentException> [ "LambdaLR"; "2 values" ] (fun () -> LambdaLR(o, [ (fun _ -> 1.0) ]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "ReduceLROnPlateau"; "factor" ] (fun () ->
                    ReduceLROnPlateau(o, factor = 1.0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "ReduceLROnPlateau"; "patience" ] (fun () ->
                    ReduceLROnPlateau(o, patience = -1) |> ignore)
            }

            test "bad options of MultiplicativeLR, CosineAnnealingWarmRestarts and CyclicLR" {
                let o = sgd ()

                throwsWith<ArgumentException> [ "MultiplicativeLR"; "2 values"; "lrLambdas" ] (fun () ->
                    MultiplicativeLR(o, [ (fun _ -> 1.0) ]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "CosineAnnealingWarmRestarts"; "t0"; "0" ] (fun () ->
                    CosineAnnealingWarmRestarts(o, 0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "CosineAnnealingWarmRestarts"; "tMult"; "0" ] (fun () ->
                    CosineAnnealingWarmRestarts(o, 3, tMult = 0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "CosineAnnealingWarmRestarts"; "etaMin"; "-1" ] (fun () ->
                    CosineAnnealingWarmRestarts(o, 3, etaMin = -1.0) |> ignore)

                let s = CosineAnnealingWarmRestarts(o, 3)
                throwsWith<ArgumentOutOfRangeException> [ "CosineAnnealingWarmRestarts"; "epoch"; "-0.5" ] (fun () -> s.Step -0.5)
                throwsWith<ArgumentOutOfRangeException> [ "CosineAnnealingWarmRestarts"; "epoch"; "NaN" ] (fun () -> s.Step nan)

                throwsWith<ArgumentOutOfRangeException> [ "CyclicLR"; "stepSizeUp"; "0" ] (fun () ->
                    CyclicLR(o, 0.01, 0.1, stepSizeUp = 0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "CyclicLR"; "stepSizeDown"; "-1" ] (fun () ->
                    CyclicLR(o, 0.01, 0.1, stepSizeDown = -1) |> ignore)

                throwsWith<ArgumentException> [ "CyclicLR"; "2 values"; "baseLr"; "got 1" ] (fun () ->
                    CyclicLR(o, [| 0.01 |], [| 0.1; 0.1 |]) |> ignore)

                throwsWith<ArgumentException> [ "CyclicLR"; "2 values"; "maxLr"; "got 3" ] (fun () ->
                    CyclicLR(o, [| 0.01; 0.01 |], [| 0.1; 0.1; 0.1 |]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "CyclicLR"; "maxLr"; "-0.1" ] (fun () -> CyclicLR(o, 0.01, -0.1) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "CyclicLR"; "gamma"; "NaN" ] (fun () ->
                    CyclicLR(o, 0.01, 0.1, gamma = nan) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "CyclicLR"; "baseMomentum" ] (fun () ->
                    CyclicLR(o, 0.01, 0.1, baseMomentum = infinity) |> ignore)
            }

            test "CyclicLR's cycleMomentum needs momentum or betas" {
                let o = PlainOptimizer [ ParamGroup [ leaf [| 1.0 |] ] ]

                throwsWith<ArgumentException> [ "CyclicLR"; "cycleMomentum"; "Plain"; "cycleMomentum = false" ] (fun () ->
                    CyclicLR(o, 0.01, 0.1) |> ignore)

                // without cycling it works, and sets the learning rate to baseLr
                CyclicLR(o, 0.01, 0.1, cycleMomentum = false) |> ignore
                Expect.equal o.ParamGroups[0].Lr 0.01 "lr = baseLr at epoch 0"
                // SGD always has a momentum option (0 by default), as in PyTorch
                let plainSgd = sgd ()
                CyclicLR(plainSgd, 0.01, 0.1) |> ignore
                Expect.equal plainSgd.ParamGroups[1].["momentum"] 0.9 "momentum = maxMomentum at epoch 0"
            }

            test "CosineAnnealingWarmRestarts.LoadStateDict needs its counters" {
                let o = sgd ()
                let s = CosineAnnealingWarmRestarts(o, 3)
                let foreign = StepLR(sgd (), 3).StateDict()

                throwsWith<ArgumentException> [ "CosineAnnealingWarmRestarts.LoadStateDict"; "tCur" ] (fun () -> s.LoadStateDict foreign)
            }

            test "SequentialLR and ChainedScheduler check their schedulers" {
                let o = sgd ()
                let other = sgd ()
                let a = LinearLR(o, totalIters = 3) :> LRScheduler
                let b = ExponentialLR(o, 0.9) :> LRScheduler

                throwsWith<ArgumentException> [ "SequentialLR"; "milestones"; "2 schedulers" ] (fun () ->
                    SequentialLR(o, [ a; b ], []) |> ignore)

                throwsWith<ArgumentException> [ "SequentialLR"; "scheduler 1" ] (fun () ->
                    SequentialLR(o, [ a; ExponentialLR(other, 0.9) ], [ 3 ]) |> ignore)

                throwsWith<ArgumentException> [ "ChainedScheduler"; "same optimizer" ] (fun () ->
                    ChainedScheduler [ a; ExponentialLR(other, 0.9) ] |> ignore)

                throwsWith<ArgumentException> [ "ChainedScheduler"; "no schedulers" ] (fun () -> ChainedScheduler [] |> ignore)
            }

            test "LoadStateDict of a foreign state" {
                let o = sgd ()
                let s = StepLR(o, 3)

                let bad =
                    {
                        Values = Map.empty
                        Lists = Map.empty
                        Children = []
                    }

                throwsWith<ArgumentException> [ "StepLR.LoadStateDict"; "lastEpoch" ] (fun () -> s.LoadStateDict bad)
            }

            test "initialLr is recorded once; schedulers over the same optimizer share it" {
                let o = sgd ()
                ExponentialLR(o, 0.5) |> ignore
                Expect.equal o.ParamGroups[0].["initialLr"] 0.1 "recorded"
                let s = StepLR(o, 2)
                Expect.equal s.BaseLrs [| 0.1; 0.05 |] "the first scheduler's record"
                Expect.equal s.LastEpoch 0 "epoch 0 after construction"
            }
        ]

let tests =
    testList
        "Schedulers"
        [
            testList "schedulers" [ schedulerTests; schedulerRoundTrips; epochTests; plateauTests; errorTests ]
            lbfgsTests
            clipTests
            functionalTests
        ]
