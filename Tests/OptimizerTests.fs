/// The optimizers against PyTorch: 10 steps of each (and of several option combinations) from the
/// same start follow PyTorch's trajectory to 1e-10 in float64 (PyTorch/reference_optim.py); state
/// dicts resume a trajectory exactly; parameter groups, option checks and errors; and steps that
/// leave no tensor alive.
module Nabla.Tests.OptimizerTests

open System
open System.IO
open System.Text.Json
open Expecto
open Nabla
open Nabla.Optimizers
open Nabla.Tests.Check

let private reference =
    lazy (JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PyTorch", "reference_optim.json"))).RootElement)

/// A float64 tensor from a JSON number or (nested) array.
let rec private shapeOf (e: JsonElement) =
    if e.ValueKind = JsonValueKind.Array then
        Array.append [| e.GetArrayLength() |] (shapeOf e[0])
    else
        [||]

let rec private valuesOf (e: JsonElement) : float seq =
    if e.ValueKind = JsonValueKind.Array then
        e.EnumerateArray() |> Seq.collect valuesOf
    else
        Seq.singleton (e.GetDouble())

let private tensorOf (e: JsonElement) =
    tensor (shapeOf e) (Seq.toArray (valuesOf e))

let private problem (name: string) =
    tensorOf (reference.Value.GetProperty("problem").GetProperty name)

/// The reference problem, as in reference_optim.py: w (3x2) and b (2) of
/// mean((tanh(X @ w + b) − Y)²) + 0.1·sum(w⁴), and u (2), which the loss does not use.
let private loss (w: Tensor) (b: Tensor) =
    let x, y = problem "X", problem "Y"

    Tensor.mean ((Tensor.tanh (Tensor.matmul x w + b) - y) ** 2.0)
    + Tensor.sum (w ** 4.0) * 0.1

/// Fresh leaves (requiring grad) with these values.
let private leaves (values: Tensor list) =
    values |> List.map (fun v -> Tensor.requiresGrad (tensor v.Shape (v.ToArray())))

let private start () =
    leaves [ problem "w"; problem "b"; problem "u" ]

/// Takes n steps (zero grad, loss, Backward, Step) and returns the parameters' values, flattened
/// and concatenated, after each.
let private train (opt: Optimizer) (ps: Tensor list) (n: int) =
    [
        for _ in 1..n do
            opt.ZeroGrad()
            (loss ps[0] ps[1]).Backward()
            opt.Step()
            ps |> Seq.collect (fun p -> p.ToArray()) |> Seq.toArray
    ]

let private o (opt: #Optimizer) = opt :> Optimizer

/// The twins of reference_optim.py's cases: each makes an optimizer over [w; b; u].
let private cases: (string * (Tensor list -> Optimizer)) list =
    [
        "sgd", (fun ps -> o (SGD(ps, lr = 0.1)))
        "sgd_momentum_dampening", (fun ps -> o (SGD(ps, lr = 0.1, momentum = 0.9, dampening = 0.3)))
        "sgd_nesterov", (fun ps -> o (SGD(ps, lr = 0.1, momentum = 0.9, nesterov = true)))
        "sgd_weight_decay", (fun ps -> o (SGD(ps, lr = 0.1, momentum = 0.5, weightDecay = 0.1)))
        "sgd_maximize", (fun ps -> o (SGD(ps, lr = 0.1, momentum = 0.5, maximize = true)))
        "sgd_groups",
        (fun ps ->
            o (
                SGD(
                    [
                        ParamGroup [ ps[0]; ps[2] ]
                        ParamGroup([ ps[1] ], lr = 0.02, nesterov = true)
                    ],
                    lr = 0.1,
                    momentum = 0.9
                )
            ))
        "adam", (fun ps -> o (Adam(ps, lr = 0.05)))
        "adam_amsgrad", (fun ps -> o (Adam(ps, lr = 0.05, amsgrad = true)))
        "adam_weight_decay", (fun ps -> o (Adam(ps, lr = 0.05, weightDecay = 0.1, eps = 1e-3)))
        "adam_maximize", (fun ps -> o (Adam(ps, lr = 0.05, betas = (0.8, 0.99), maximize = true)))
        "adam_groups",
        (fun ps ->
            o (
                Adam(
                    [
                        ParamGroup([ ps[0] ], lr = 0.1)
                        ParamGroup([ ps[1]; ps[2] ], lr = 0.01, betas = (0.5, 0.9))
                    ],
                    lr = 0.05
                )
            ))
        "adamw", (fun ps -> o (AdamW(ps, lr = 0.05)))
        "adamw_amsgrad", (fun ps -> o (AdamW(ps, lr = 0.05, weightDecay = 0.1, amsgrad = true)))
        "adamw_maximize", (fun ps -> o (AdamW(ps, lr = 0.05, maximize = true)))
        "adamax", (fun ps -> o (Adamax(ps, lr = 0.05)))
        "adamax_weight_decay_maximize", (fun ps -> o (Adamax(ps, lr = 0.05, betas = (0.8, 0.9), weightDecay = 0.1, maximize = true)))
        "nadam", (fun ps -> o (NAdam(ps, lr = 0.05)))
        "nadam_weight_decay", (fun ps -> o (NAdam(ps, lr = 0.05, betas = (0.8, 0.99), weightDecay = 0.1, momentumDecay = 0.01)))
        "radam", (fun ps -> o (RAdam(ps, lr = 0.05)))
        "radam_weight_decay", (fun ps -> o (RAdam(ps, lr = 0.05, betas = (0.8, 0.99), weightDecay = 0.1)))
        "rmsprop", (fun ps -> o (RMSprop(ps, lr = 0.01)))
        "rmsprop_centered", (fun ps -> o (RMSprop(ps, lr = 0.01, centered = true)))
        "rmsprop_momentum", (fun ps -> o (RMSprop(ps, lr = 0.01, momentum = 0.9)))
        "rmsprop_weight_decay", (fun ps -> o (RMSprop(ps, lr = 0.01, alpha = 0.9, weightDecay = 0.1)))
        "rmsprop_centered_momentum_maximize", (fun ps -> o (RMSprop(ps, lr = 0.01, momentum = 0.5, centered = true, maximize = true)))
        "adagrad", (fun ps -> o (Adagrad(ps, lr = 0.1)))
        "adagrad_lr_decay", (fun ps -> o (Adagrad(ps, lr = 0.1, lrDecay = 0.05)))
        "adagrad_initial_accumulator", (fun ps -> o (Adagrad(ps, lr = 0.1, initialAccumulatorValue = 0.5, eps = 1e-6)))
        "adagrad_weight_decay_maximize", (fun ps -> o (Adagrad(ps, lr = 0.1, weightDecay = 0.1, maximize = true)))
        "adadelta", (fun ps -> o (Adadelta ps))
        "adadelta_weight_decay_maximize", (fun ps -> o (Adadelta(ps, lr = 0.5, rho = 0.8, eps = 1e-4, weightDecay = 0.1, maximize = true)))
    ]

let private expectedSteps (name: string) =
    reference.Value.GetProperty(name).GetProperty("steps").EnumerateArray()
    |> Seq.map (fun s -> Seq.toArray (valuesOf s))
    |> Seq.toList

let private parityTests =
    testList
        "PyTorch trajectories"
        [
            testCase "every case of reference_optim.py has a twin here"
            <| fun () ->
                let names =
                    reference.Value.EnumerateObject()
                    |> Seq.map (fun p -> p.Name)
                    |> Seq.filter (fun n -> n <> "problem" && not (n.StartsWith "_"))
                    |> Seq.sort
                    |> Seq.toList

                Expect.equal names (cases |> List.map fst |> List.sort) "case names"

            for name, make in cases do
                testCase $"{name}: 10 steps follow PyTorch's to 1e-10"
                <| fun () ->
                    let ps = start ()
                    let actual = train (make ps) ps 10

                    for i, (a, e) in List.indexed (List.zip actual (expectedSteps name)) do
                        closeWith 1e-10 1e-10 $"{name}, step {i + 1}" a e

            testCase "a parameter without a gradient is skipped: no state, no weight decay"
            <| fun () ->
                let ps = start ()
                let u = ps[2]
                let opt = AdamW(ps, lr = 0.05, weightDecay = 0.5)
                train opt ps 3 |> ignore
                Expect.equal (u.ToArray()) ((problem "u").ToArray()) "u unchanged"
                Expect.isNone (opt.StateOf u) "no state for u"
                Expect.isSome (opt.StateOf ps[0]) "state for w"
                Expect.equal (opt.StateOf ps[0]).Value.Step 3.0 "w's step count"

            testCase "a parameter that gets a gradient later starts its state then"
            <| fun () ->
                // as PyTorch: state (and the step count) is per parameter, made at its first update
                let ps = start ()
                let w, b = ps[0], ps[1]
                let opt = Adam([ w; b ], lr = 0.05)

                for _ in 1..2 do
                    opt.ZeroGrad()
                    (Tensor.sum (w * w)).Backward()
                    opt.Step()

                Expect.isNone (opt.StateOf b) "b has no state before its first gradient"
                train opt [ w; b ] 1 |> ignore
                Expect.equal (opt.StateOf w).Value.Step 3.0 "w: 3 steps"
                Expect.equal (opt.StateOf b).Value.Step 1.0 "b: 1 step"

            testCase "Step(closure) evaluates the loss with gradients recorded, steps, and returns the loss"
            <| fun () ->
                let ps = start ()
                let opt = RAdam(ps, lr = 0.05)

                let losses =
                    AD.noGrad (fun () ->
                        [
                            for _ in 1..10 do
                                opt.Step(fun () ->
                                    opt.ZeroGrad()
                                    let l = loss ps[0] ps[1]
                                    l.Backward()
                                    l)
                                |> fun l -> l.ToScalar()
                        ])

                closeWith
                    1e-10
                    1e-10
                    "after 10 steps"
                    (ps |> Seq.collect (fun p -> p.ToArray()) |> Seq.toArray)
                    (expectedSteps "radam" |> List.last)

                Expect.isLessThan losses[9] losses[0] "the loss went down"

            // The optimizers override Step (a group's options are read once per step); their
            // UpdateParameter, which a custom Step may call, must do the same update.
            for name, make in cases do
                testCase $"{name}: UpdateParameter on each parameter takes the steps of Step"
                <| fun () ->
                    let ps = start ()
                    let opt = make ps
                    let states = ps |> List.map (fun _ -> ParamState())

                    let byHand =
                        [
                            for _ in 1..10 do
                                opt.ZeroGrad()
                                (loss ps[0] ps[1]).Backward()

                                AD.noGrad (fun () ->
                                    for g in opt.ParamGroups do
                                        for p in g.Parameters do
                                            match p.Grad with
                                            | Some grad ->
                                                let i = ps |> List.findIndex (fun q -> obj.ReferenceEquals(q, p))
                                                opt.UpdateParameter(g, Const(Prim.RawOf p), grad, states[i])
                                            | None -> ())

                                ps |> Seq.collect (fun p -> p.ToArray()) |> Seq.toArray
                        ]

                    let ps2 = start ()
                    Expect.equal byHand (train (make ps2) ps2 10) "the same values"

            // NAdam and RAdam have maximize from PyTorch 2 on (1.13, the reference, has none):
            // maximizing f must take exactly the steps of minimizing -f, for every optimizer.
            for name, make in
                [
                    "SGD", (fun (ps: Tensor list) maximize -> o (SGD(ps, lr = 0.1, momentum = 0.5, maximize = maximize)))
                    "Adam", (fun (ps: Tensor list) maximize -> o (Adam(ps, lr = 0.05, amsgrad = true, maximize = maximize)))
                    "AdamW", (fun (ps: Tensor list) maximize -> o (AdamW(ps, lr = 0.05, maximize = maximize)))
                    "Adamax", (fun (ps: Tensor list) maximize -> o (Adamax(ps, lr = 0.05, maximize = maximize)))
                    "NAdam", (fun (ps: Tensor list) maximize -> o (NAdam(ps, lr = 0.05, weightDecay = 0.1, maximize = maximize)))
                    "RAdam", (fun (ps: Tensor list) maximize -> o (RAdam(ps, lr = 0.05, weightDecay = 0.1, maximize = maximize)))
                    "RMSprop", (fun (ps: Tensor list) maximize -> o (RMSprop(ps, centered = true, maximize = maximize)))
                    "Adagrad", (fun (ps: Tensor list) maximize -> o (Adagrad(ps, lr = 0.1, maximize = maximize)))
                    "Adadelta", (fun (ps: Tensor list) maximize -> o (Adadelta(ps, maximize = maximize)))
                ] do
                testCase $"{name} maximizing f takes the steps of minimizing -f"
                <| fun () ->
                    let run maximize (sign: float) =
                        let ps = start ()
                        let opt = make ps maximize

                        [
                            for _ in 1..10 do
                                opt.ZeroGrad()
                                (loss ps[0] ps[1] * sign).Backward()
                                opt.Step()
                                ps |> Seq.collect (fun p -> p.ToArray()) |> Seq.toArray
                        ]

                    let maximized = run true -1.0
                    Expect.equal maximized (run false 1.0) "maximize on -f = minimize on f"
                    Expect.notEqual maximized (run true 1.0) "maximize changes the steps"
        ]

/// Every optimizer kind of the parity cases, for the state dict tests.
let private kinds =
    [
        "sgd_momentum_dampening"
        "sgd_groups"
        "adam_amsgrad"
        "adam_groups"
        "adamw_amsgrad"
        "adamax_weight_decay_maximize"
        "nadam_weight_decay"
        "radam"
        "rmsprop_centered_momentum_maximize"
        "adagrad_initial_accumulator"
        "adadelta_weight_decay_maximize"
    ]

let private makeCase name =
    cases |> List.find (fun (n, _) -> n = name) |> snd

let private stateDictTests =
    testList
        "state dicts"
        [
            for name in kinds do
                testCase $"{name}: 5 steps, StateDict, a fresh optimizer over copies, LoadStateDict, 5 steps = 10 steps"
                <| fun () ->
                    let make = makeCase name
                    let ps = start ()
                    let uninterrupted = train (make ps) ps 10 |> List.last

                    let first = start ()
                    let opt = make first
                    train opt first 5 |> ignore
                    let saved = opt.StateDict()
                    let copies = leaves first
                    let resumed = make copies
                    resumed.LoadStateDict saved
                    let after = train resumed copies 5 |> List.last
                    Expect.equal after uninterrupted "the same values as 10 uninterrupted steps"
                    closeWith 1e-10 1e-10 "and PyTorch's" after (expectedSteps name |> List.last)

            testCase "LoadStateDict restores the groups' options"
            <| fun () ->
                let first = start ()

                let opt =
                    Adam([ ParamGroup([ first[0] ], lr = 0.1); ParamGroup [ first[1]; first[2] ] ], lr = 0.01)

                train opt first 5 |> ignore
                let copies = leaves first

                let resumed =
                    Adam([ ParamGroup [ copies[0] ]; ParamGroup [ copies[1]; copies[2] ] ], lr = 0.5, amsgrad = true)

                resumed.LoadStateDict(opt.StateDict())
                Expect.equal (resumed.ParamGroups |> Seq.map (fun g -> g.Lr) |> Seq.toList) [ 0.1; 0.01 ] "lr"
                Expect.isFalse (resumed.ParamGroups[0].Flag "amsgrad") "amsgrad"
                Expect.equal (train resumed copies 3) (train opt first 3) "the same next steps"

            testCase "StateDict returns copies: later steps change neither the saved state nor it them"
            <| fun () ->
                let ps = start ()
                let opt = NAdam(ps, lr = 0.05)
                train opt ps 3 |> ignore
                let saved = opt.StateDict()

                let snapshot (d: OptimizerStateDict) =
                    d.State
                    |> Map.map (fun _ entries -> entries |> Map.map (fun _ (t: Tensor) -> t.ToArray()))

                let before = snapshot saved
                Expect.equal (Map.keys saved.State[0] |> Seq.toList) [ "exp_avg"; "exp_avg_sq"; "mu_product"; "step" ] "PyTorch's names"
                Expect.equal ((Map.find "step" saved.State[0]).ToScalar()) 3.0 "step"
                Expect.isFalse (saved.State.ContainsKey 2) "no state for u (no gradient)"
                train opt ps 2 |> ignore
                Expect.equal (snapshot saved) before "the saved state did not move with the optimizer"

                let copies = leaves ps
                let resumed = NAdam(copies, lr = 0.05)
                resumed.LoadStateDict saved
                train resumed copies 2 |> ignore
                Expect.equal (snapshot saved) before "nor with an optimizer that loaded it"

            testCase "NAdam's mu_product stays a number through a state dict, for a 0-d parameter too"
            <| fun () ->
                let run (p: Tensor) (opt: Optimizer) n =
                    [
                        for _ in 1..n do
                            opt.ZeroGrad()
                            (Tensor.cos p * p).Backward()
                            opt.Step()
                            p.ToScalar()
                    ]

                let p = Tensor.requiresGrad (Tensor.scalar 0.7)
                let opt = NAdam([ p ], lr = 0.1)
                run p opt 3 |> ignore
                let q = Tensor.requiresGrad (Tensor.scalar (p.ToScalar()))
                let resumed = NAdam([ q ], lr = 0.1)
                resumed.LoadStateDict(opt.StateDict())
                Expect.isTrue ((resumed.StateOf q).Value.Values.ContainsKey "mu_product") "a number"
                Expect.equal (run q resumed 3) (run p opt 3) "the same next steps"

            testCase "LoadStateDict rejects another number of groups, of parameters, or other shapes, and changes nothing"
            <| fun () ->
                let ps = start ()
                let twoGroups = Adam([ ParamGroup [ ps[0] ]; ParamGroup [ ps[1] ] ])
                train twoGroups ps 1 |> ignore
                let other = start ()
                let opt = Adam(other)

                throwsWith<ArgumentException> [ "Adam.LoadStateDict"; "2 parameter groups"; "has 1" ] (fun () ->
                    opt.LoadStateDict(twoGroups.StateDict()))

                let oneGroupOfTwo = Adam([ ps[0]; ps[1] ])
                train oneGroupOfTwo ps 1 |> ignore

                throwsWith<ArgumentException> [ "Adam.LoadStateDict"; "group 0"; "2 parameters"; "3" ] (fun () ->
                    opt.LoadStateDict(oneGroupOfTwo.StateDict()))

                let swapped = Adam([ other[1]; other[0]; other[2] ])
                let full = Adam(ps)
                train full ps 1 |> ignore

                throwsWith<ArgumentException> [ "Adam.LoadStateDict"; "'exp_avg'"; "parameter 0"; "[3, 2]"; "[2]" ] (fun () ->
                    swapped.LoadStateDict(full.StateDict()))

                Expect.isNone (swapped.StateOf other[0]) "nothing loaded"
                Expect.isNone (opt.StateOf other[0]) "nothing loaded"

                // the base class's own check (SGD does not check shapes itself)
                let sgdFull = SGD(ps, lr = 0.1, momentum = 0.9)
                train sgdFull ps 1 |> ignore
                let sgdSwapped = SGD([ other[1]; other[0]; other[2] ], lr = 0.1, momentum = 0.9)

                throwsWith<ArgumentException> [ "SGD.LoadStateDict"; "'momentum_buffer'"; "parameter 0" ] (fun () ->
                    sgdSwapped.LoadStateDict(sgdFull.StateDict()))

                Expect.isNone (sgdSwapped.StateOf other[0]) "nothing loaded"
        ]

let private groupTests =
    testList
        "parameter groups"
        [
            testCase "a group's options override the defaults; the others take them"
            <| fun () ->
                let ps = start ()

                let opt =
                    RMSprop(
                        [ ParamGroup([ ps[0] ], lr = 0.1, centered = true); ParamGroup [ ps[1] ] ],
                        lr = 0.05,
                        eps = 1e-3,
                        momentum = 0.5
                    )

                let g0, g1 = opt.ParamGroups[0], opt.ParamGroups[1]
                Expect.equal (g0.Lr, g1.Lr) (0.1, 0.05) "lr"
                Expect.equal (g0["eps"], g1["eps"], g0["momentum"], g1["alpha"]) (1e-3, 1e-3, 0.5, 0.99) "defaults"
                Expect.equal (g0.Flag "centered", g1.Flag "centered") (true, false) "flags"
                let adam = Adam([ ParamGroup([ ps[2] ], betas = (0.5, 0.6)) ])
                Expect.equal (adam.ParamGroups[0].Betas) (0.5, 0.6) "betas"
                Expect.equal (adam.ParamGroups[0]["eps"], adam.ParamGroups[0].Lr) (1e-8, 1e-3) "PyTorch's defaults"

            testCase "AddParamGroup: the new group's parameters are updated from then on, with its options"
            <| fun () ->
                let ps = start ()
                let w, b = ps[0], ps[1]
                let opt = SGD([ w ], lr = 0.1)
                train opt ps 1 |> ignore
                Expect.equal (b.ToArray()) ((problem "b").ToArray()) "b not optimized yet"
                opt.AddParamGroup(ParamGroup([ b ], lr = 0.5))
                Expect.equal (opt.ParamGroups[1]["momentum"]) 0.0 "the defaults filled in"
                opt.ZeroGrad()
                (loss w b).Backward()

                let expected =
                    Array.map2 (fun v g -> v - 0.5 * g) (b.ToArray()) (b.Grad.Value.ToArray())

                opt.Step()
                Expect.equal (b.ToArray()) expected "b -= 0.5 grad"

                throwsWith<ArgumentException> [ "SGD:"; "appears twice" ] (fun () -> opt.AddParamGroup(ParamGroup [ ps[2]; w ]))

                throwsWith<ArgumentOutOfRangeException> [ "Adam:"; "eps" ] (fun () ->
                    Adam([ w ]).AddParamGroup(ParamGroup([ ps[2] ], eps = -1.0)))

            testCase "a parameter twice, in a group or in two, is an error"
            <| fun () ->
                let ps = start ()
                throwsWith<ArgumentException> [ "Adam:"; "appears twice" ] (fun () -> Adam([ ps[0]; ps[1]; ps[0] ]) |> ignore)

                throwsWith<ArgumentException> [ "RMSprop:"; "appears twice" ] (fun () ->
                    RMSprop([ ParamGroup [ ps[0] ]; ParamGroup [ ps[1]; ps[0] ] ]) |> ignore)

            testCase "only floating-point leaves that require grad can be optimized"
            <| fun () ->
                let ps = start ()

                throwsWith<ArgumentException> [ "Adam:"; "leaves"; "computed from others" ] (fun () -> Adam([ ps[0] * 2.0 ]) |> ignore)

                throwsWith<ArgumentException> [ "Adagrad:"; "does not require grad" ] (fun () ->
                    Adagrad([ Tensor.ofArray [| 1.0; 2.0 |] ]) |> ignore)

                throwsWith<ArgumentException> [ "AdamW:"; "floating-point"; "int64" ] (fun () ->
                    AdamW([ Tensor.ofArray [| 1L; 2L |] ]) |> ignore)

                throwsWith<ArgumentException> [ "NAdam:"; "empty" ] (fun () -> NAdam(List.empty<Tensor>) |> ignore)

            testCase "the short names in Optim make the same optimizers"
            <| fun () ->
                let model = NN.Sequential(NN.Linear(3, 4), NN.Tanh(), NN.Linear(4, 1))

                let opts: Optimizer list =
                    [
                        Optim.Adam(model.Parameters(), lr = 0.01)
                        Optim.AdamW(model.Parameters())
                        Optim.Adamax(model.Parameters())
                        Optim.NAdam(model.Parameters())
                        Optim.RAdam(model.Parameters())
                        Optim.RMSprop(model.Parameters())
                        Optim.Adagrad(model.Parameters())
                        Optim.Adadelta(model.Parameters())
                    ]

                Expect.equal
                    (opts |> List.map (fun o -> o.Name))
                    [
                        "Adam"
                        "AdamW"
                        "Adamax"
                        "NAdam"
                        "RAdam"
                        "RMSprop"
                        "Adagrad"
                        "Adadelta"
                    ]
                    "names"

                Expect.equal
                    (opts |> List.map (fun o -> o.ParamGroups[0].Lr))
                    [ 0.01; 1e-3; 2e-3; 2e-3; 1e-3; 1e-2; 1e-2; 1.0 ]
                    "PyTorch's default learning rates"

                Expect.equal (opts[1].ParamGroups[0]["weightDecay"]) 1e-2 "AdamW's default weight decay"
                Expect.equal (opts[3].ParamGroups[0]["momentumDecay"]) 4e-3 "NAdam's momentum decay"
                Expect.equal (opts[6].ParamGroups[0]["eps"]) 1e-10 "Adagrad's eps"
                Expect.equal (opts[7].ParamGroups[0]["rho"], opts[7].ParamGroups[0]["eps"]) (0.9, 1e-6) "Adadelta's rho, eps"
        ]

let private optionTests =
    let ps () =
        [ Tensor.requiresGrad (Tensor.ofArray [| 1.0; 2.0 |]) ]

    testList
        "invalid options"
        [
            for name, option, value, make in
                [
                    "SGD", "lr", "-0.1", (fun (ps: Tensor list) -> o (SGD(ps, lr = -0.1)))
                    "SGD", "momentum", "-0.9", (fun (ps: Tensor list) -> o (SGD(ps, momentum = -0.9)))
                    "SGD", "weightDecay", "-1.0", (fun (ps: Tensor list) -> o (SGD(ps, weightDecay = -1.0)))
                    "Adam", "lr", "-1e-3", (fun (ps: Tensor list) -> o (Adam(ps, lr = -1e-3)))
                    "Adam", "lr", "nan", (fun (ps: Tensor list) -> o (Adam(ps, lr = nan)))
                    "Adam", "eps", "-1e-8", (fun (ps: Tensor list) -> o (Adam(ps, eps = -1e-8)))
                    "Adam", "betas", "(1.0, 0.999)", (fun (ps: Tensor list) -> o (Adam(ps, betas = (1.0, 0.999))))
                    "Adam", "betas", "(0.9, -0.1)", (fun (ps: Tensor list) -> o (Adam(ps, betas = (0.9, -0.1))))
                    "Adam", "weightDecay", "-0.1", (fun (ps: Tensor list) -> o (Adam(ps, weightDecay = -0.1)))
                    "AdamW", "betas", "(0.9, 1.5)", (fun (ps: Tensor list) -> o (AdamW(ps, betas = (0.9, 1.5))))
                    "AdamW", "weightDecay", "-1e-2", (fun (ps: Tensor list) -> o (AdamW(ps, weightDecay = -1e-2)))
                    "Adamax", "eps", "-1.0", (fun (ps: Tensor list) -> o (Adamax(ps, eps = -1.0)))
                    "Adamax", "betas", "(-0.1, 0.9)", (fun (ps: Tensor list) -> o (Adamax(ps, betas = (-0.1, 0.9))))
                    "NAdam", "momentumDecay", "-4e-3", (fun (ps: Tensor list) -> o (NAdam(ps, momentumDecay = -4e-3)))
                    "NAdam", "betas", "(0.9, 1.0)", (fun (ps: Tensor list) -> o (NAdam(ps, betas = (0.9, 1.0))))
                    "RAdam", "weightDecay", "-1.0", (fun (ps: Tensor list) -> o (RAdam(ps, weightDecay = -1.0)))
                    "RMSprop", "alpha", "-0.99", (fun (ps: Tensor list) -> o (RMSprop(ps, alpha = -0.99)))
                    "RMSprop", "momentum", "-0.5", (fun (ps: Tensor list) -> o (RMSprop(ps, momentum = -0.5)))
                    "RMSprop", "eps", "-1e-8", (fun (ps: Tensor list) -> o (RMSprop(ps, eps = -1e-8)))
                    "Adagrad", "lrDecay", "-0.1", (fun (ps: Tensor list) -> o (Adagrad(ps, lrDecay = -0.1)))
                    "Adagrad", "initialAccumulatorValue", "-0.1", (fun (ps: Tensor list) -> o (Adagrad(ps, initialAccumulatorValue = -0.1)))
                    "Adagrad", "eps", "-1e-10", (fun (ps: Tensor list) -> o (Adagrad(ps, eps = -1e-10)))
                    "Adadelta", "rho", "1.1", (fun (ps: Tensor list) -> o (Adadelta(ps, rho = 1.1)))
                    "Adadelta", "lr", "-1.0", (fun (ps: Tensor list) -> o (Adadelta(ps, lr = -1.0)))
                    "Adadelta", "eps", "-1e-6", (fun (ps: Tensor list) -> o (Adadelta(ps, eps = -1e-6)))
                ] do
                testCase $"{name}: {option} = {value} is an ArgumentOutOfRangeException naming it"
                <| fun () ->
                    try
                        make (ps ()) |> ignore
                        failtestf "%s accepted an invalid %s" name option
                    with :? ArgumentOutOfRangeException as e ->
                        Expect.equal e.ParamName option "ParamName"
                        Expect.stringStarts e.Message $"{name}: invalid {option}" "the message names the optimizer and option"

            testCase "a group's own invalid option is caught too"
            <| fun () ->
                throwsWith<ArgumentOutOfRangeException> [ "Adam: invalid betas (0.9, 1)" ] (fun () ->
                    Adam([ ParamGroup(ps (), betas = (0.9, 1.0)) ]) |> ignore)

            testCase "SGD: Nesterov needs momentum and no dampening"
            <| fun () ->
                throwsWith<ArgumentException> [ "SGD:"; "Nesterov"; "momentum 0" ] (fun () -> SGD(ps (), nesterov = true) |> ignore)
        ]

let private memoryTests =
    testSequenced
    <| testList
        "memory"
        [
            testCase "2,000 Adam steps (amsgrad, weight decay, maximize) on a small model leave no tensor alive"
            <| fun () ->
                let model = NN.Sequential(NN.Linear(4, 16), NN.ReLU(), NN.Linear(16, 1))
                let x = Tensor.Linspace(-1.0, 1.0, 32 * 4) |> Tensor.reshape [| 32; 4 |]
                let y = Tensor.sin (Tensor.sumDims [| 1 |] true x)

                let opt =
                    Adam(model.Parameters(), lr = 1e-3, amsgrad = true, weightDecay = 1e-4, maximize = true)

                let step () =
                    Scope.run (fun () ->
                        opt.ZeroGrad()
                        // maximizing -MSE: the same descent, through the maximize temporaries
                        (Tensor.mean ((model.Forward x - y) ** 2.0) * -1.0).Backward())

                    opt.Step()

                for _ in 1..10 do
                    step ()

                let before = Scope.liveTensorCount ()

                for _ in 1..2_000 do
                    step ()

                Expect.equal (Scope.liveTensorCount () - before) 0L "tensors added by 2,000 steps on this thread"
                model.Dispose()

            testCase "200 steps of every other optimizer leave no tensor alive"
            <| fun () ->
                for name, make in cases do
                    let ps = start ()
                    let opt = make ps

                    let step () =
                        Scope.run (fun () -> train opt ps 1 |> ignore)

                    step ()
                    let before = Scope.liveTensorCount ()

                    for _ in 1..200 do
                        step ()

                    Expect.equal (Scope.liveTensorCount () - before) 0L $"{name}: tensors added by 200 steps"
        ]

let tests =
    testList "Optimizers" [ parityTests; stateDictTests; groupTests; optionTests; memoryTests ]
