namespace Nabla.Optimizers

open System
open System.Collections.Generic
open Nabla
open Nabla.Raw
open TorchSharp

/// The state of LBFGS between steps (PyTorch keeps it in the first parameter's state).
[<Sealed; AllowNullLiteral>]
type internal LbfgsState() =
    member val FuncEvals = 0 with get, set
    member val NIter = 0 with get, set
    member val D: Tensor = Unchecked.defaultof<_> with get, set
    member val T = nan with get, set
    member val OldDirs = List<Tensor>()
    member val OldStps = List<Tensor>()
    member val Ro = List<float>()
    member val HDiag = 1.0 with get, set
    member val PrevFlatGrad: Tensor = Unchecked.defaultof<_> with get, set
    member val PrevLoss = nan with get, set

/// L-BFGS on LibTorch tensors: a port of PyTorch 1.13's torch/optim/lbfgs.py (its scalars, 0-d
/// tensors there, are doubles here: the same IEEE operations in float64).
module internal LbfgsKernel =

    /// Python's min/max on two numbers (the first unless the second is strictly smaller/larger).
    let pyMin (a: float) (b: float) = if b < a then b else a
    let pyMax (a: float) (b: float) = if b > a then b else a

    /// A raw tensor taken out of every dispose scope (state that outlives the step).
    let keep (r: RawTensor) =
        Memory.keep r
        r

    /// The gradients of the parameters, flattened and concatenated (zeros for a parameter
    /// without gradient): PyTorch's _gather_flat_grad.
    let gatherFlatGrad (ps: Tensor[]) : RawTensor =
        let views =
            [|
                for p in ps do
                    let raw = Prim.RawOf p
                    let cell = Autograd.cellOf p

                    if isNull cell || isNull (box cell.Grad) then
                        raw.new_zeros ([| raw.numel () |])
                    else
                        (Prim.RawOf cell.Grad).reshape(-1L)
            |]

        torch.cat (views, 0L)

    /// p += stepSize · update (the slice of each parameter), in place: PyTorch's _add_grad.
    let addGrad (ps: Tensor[]) (stepSize: float) (update: RawTensor) =
        let mutable offset = 0L

        for p in ps do
            let raw = Prim.RawOf p
            let n = raw.numel ()
            raw.add_ (update.narrow(0L, offset, n).view_as raw, scalar stepSize) |> ignore
            offset <- offset + n

            let cell = Autograd.cellOf p

            if not (isNull cell) then
                cell.MutatedAt <- Imperative.Tick()

    let cloneParams (ps: Tensor[]) =
        [| for p in ps -> (Prim.RawOf p).clone() |]

    let setParams (ps: Tensor[]) (xs: RawTensor[]) =
        for p, x in Array.zip ps xs do
            (Prim.RawOf p).copy_ x |> ignore

            let cell = Autograd.cellOf p

            if not (isNull cell) then
                cell.MutatedAt <- Imperative.Tick()

    let dot (a: RawTensor) (b: RawTensor) = a.dot(b).ToDouble()
    let absMax (a: RawTensor) = a.abs().max().ToDouble()

    /// PyTorch's _cubic_interpolate (from torch/optim's polyinterp.lua).
    let cubicInterpolate (x1: float) (f1: float) (g1: float) (x2: float) (f2: float) (g2: float) (bounds: (float * float) option) =
        let xminBound, xmaxBound =
            match bounds with
            | Some b -> b
            | None -> if x1 <= x2 then x1, x2 else x2, x1

        let d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2)
        let d2Square = d1 * d1 - g1 * g2

        if d2Square >= 0.0 then
            let d2 = Math.Sqrt d2Square

            let minPos =
                if x1 <= x2 then
                    x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
                else
                    x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2))

            pyMin (pyMax minPos xminBound) xmaxBound
        else
            (xminBound + xmaxBound) / 2.0

    /// PyTorch's _strong_wolfe (from torch/optim's lswolfe.lua): returns the loss, flat gradient,
    /// step and number of evaluations at the accepted point.
    let strongWolfe
        (objFunc: RawTensor[] -> float -> RawTensor -> float * RawTensor)
        (x: RawTensor[])
        (t0: float)
        (d: RawTensor)
        (f: float)
        (g: RawTensor)
        (gtd: float)
        =
        let c1, c2, toleranceChange, maxLs = 1e-4, 0.9, 1e-9, 25
        let dNorm = absMax d
        let mutable t = t0
        let mutable fNew, gNew = objFunc x t d
        let mutable lsFuncEvals = 1
        let mutable gtdNew = dot gNew d
        let mutable tPrev, fPrev, gPrev, gtdPrev = 0.0, f, g, gtd
        let mutable fin = false
        let mutable lsIter = 0
        let bracket = [| 0.0; 0.0 |]
        let bracketF = [| 0.0; 0.0 |]
        let bracketG: RawTensor[] = [| null; null |]
        let bracketGtd = [| 0.0; 0.0 |]
        let mutable brk = false

        let set2 (a0, f0, g0, gtd0) (a1, f1, g1, gtd1) =
            bracket[0] <- a0
            bracket[1] <- a1
            bracketF[0] <- f0
            bracketF[1] <- f1
            bracketG[0] <- g0
            bracketG[1] <- g1
            bracketGtd[0] <- gtd0
            bracketGtd[1] <- gtd1

        while not brk && lsIter < maxLs do
            if fNew > (f + c1 * t * gtd) || (lsIter > 1 && fNew >= fPrev) then
                set2 (tPrev, fPrev, gPrev, gtdPrev) (t, fNew, gNew, gtdNew)
                brk <- true
            elif abs gtdNew <= -c2 * gtd then
                // one point (bracket = [t]); both entries equal
                set2 (t, fNew, gNew, gtdNew) (t, fNew, gNew, gtdNew)
                fin <- true
                brk <- true
            elif gtdNew >= 0.0 then
                set2 (tPrev, fPrev, gPrev, gtdPrev) (t, fNew, gNew, gtdNew)
                brk <- true
            else
                // interpolate
                let minStep = t + 0.01 * (t - tPrev)
                let maxStep = t * 10.0
                let tmp = t
                t <- cubicInterpolate tPrev fPrev gtdPrev t fNew gtdNew (Some(minStep, maxStep))
                // next step
                tPrev <- tmp
                fPrev <- fNew
                gPrev <- gNew
                gtdPrev <- gtdNew
                let fn, gn = objFunc x t d
                fNew <- fn
                gNew <- gn
                lsFuncEvals <- lsFuncEvals + 1
                gtdNew <- dot gNew d
                lsIter <- lsIter + 1

        // reached max number of iterations?
        if lsIter = maxLs then
            bracket[0] <- 0.0
            bracket[1] <- t
            bracketF[0] <- f
            bracketF[1] <- fNew
            bracketG[0] <- g
            bracketG[1] <- gNew

        // zoom phase
        let mutable insufProgress = false

        let mutable lowPos, highPos = if bracketF[0] <= bracketF[1] then 0, 1 else 1, 0

        let mutable stop = false

        while not stop && not fin && lsIter < maxLs do
            if abs (bracket[1] - bracket[0]) * dNorm < toleranceChange then
                stop <- true
            else
                t <- cubicInterpolate bracket[0] bracketF[0] bracketGtd[0] bracket[1] bracketF[1] bracketGtd[1] None
                let bMax = pyMax bracket[0] bracket[1]
                let bMin = pyMin bracket[0] bracket[1]
                let eps = 0.1 * (bMax - bMin)

                if pyMin (bMax - t) (t - bMin) < eps then
                    // interpolation close to boundary
                    if insufProgress || t >= bMax || t <= bMin then
                        t <-
                            if abs (t - bMax) < abs (t - bMin) then
                                bMax - eps
                            else
                                bMin + eps

                        insufProgress <- false
                    else
                        insufProgress <- true
                else
                    insufProgress <- false

                let fn, gn = objFunc x t d
                fNew <- fn
                gNew <- gn
                lsFuncEvals <- lsFuncEvals + 1
                gtdNew <- dot gNew d
                lsIter <- lsIter + 1

                if fNew > (f + c1 * t * gtd) || fNew >= bracketF[lowPos] then
                    bracket[highPos] <- t
                    bracketF[highPos] <- fNew
                    bracketG[highPos] <- gNew
                    bracketGtd[highPos] <- gtdNew

                    let l, h = if bracketF[0] <= bracketF[1] then 0, 1 else 1, 0
                    lowPos <- l
                    highPos <- h
                else
                    if abs gtdNew <= -c2 * gtd then
                        fin <- true
                    elif gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0.0 then
                        bracket[highPos] <- bracket[lowPos]
                        bracketF[highPos] <- bracketF[lowPos]
                        bracketG[highPos] <- bracketG[lowPos]
                        bracketGtd[highPos] <- bracketGtd[lowPos]

                    bracket[lowPos] <- t
                    bracketF[lowPos] <- fNew
                    bracketG[lowPos] <- gNew
                    bracketGtd[lowPos] <- gtdNew

        bracketF[lowPos], bracketG[lowPos], bracket[lowPos], lsFuncEvals

    /// One LBFGS step (PyTorch's LBFGS.step): returns the loss of the first evaluation.
    let run
        (st: LbfgsState)
        (ps: Tensor[])
        (lr: float)
        (maxIter: int)
        (maxEval: int)
        (toleranceGrad: float)
        (toleranceChange: float)
        (useStrongWolfe: bool)
        (historySize: int)
        (evaluate: unit -> Tensor * float)
        : Tensor =
        use scope = new Memory.Scope()
        let origLoss, loss0 = evaluate ()
        let mutable loss = loss0
        let mutable currentEvals = 1
        st.FuncEvals <- st.FuncEvals + 1

        let mutable flatGrad = gatherFlatGrad ps
        let mutable optCond = absMax flatGrad <= toleranceGrad

        if not optCond then
            let raw (t: Tensor) = Prim.RawOf t
            let kept (r: RawTensor) = Const(keep r)

            let mutable d = if isNull (box st.D) then null else raw st.D
            let mutable t = st.T

            let mutable prevFlatGrad =
                if isNull (box st.PrevFlatGrad) then
                    null
                else
                    raw st.PrevFlatGrad

            let mutable nIter = 0
            let mutable fin = false

            while not fin && nIter < maxIter do
                nIter <- nIter + 1
                st.NIter <- st.NIter + 1

                // compute gradient descent direction
                if st.NIter = 1 then
                    d <- flatGrad.neg ()
                    st.OldDirs.Clear()
                    st.OldStps.Clear()
                    st.Ro.Clear()
                    st.HDiag <- 1.0
                else
                    // do lbfgs update (update memory)
                    let y = flatGrad.sub prevFlatGrad
                    let s = d.mul (scalar t)
                    let ys = dot y s

                    if ys > 1e-10 then
                        if st.OldDirs.Count = historySize then
                            // only this state holds them (StateDict copies): free them now
                            (raw st.OldDirs[0]).Dispose()
                            (raw st.OldStps[0]).Dispose()
                            st.OldDirs.RemoveAt 0
                            st.OldStps.RemoveAt 0
                            st.Ro.RemoveAt 0

                        st.OldDirs.Add(kept y)
                        st.OldStps.Add(kept s)
                        st.Ro.Add(1.0 / ys)
                        st.HDiag <- ys / dot y y

                    // the approximate inverse Hessian times the gradient
                    let numOld = st.OldDirs.Count
                    let al = Array.zeroCreate<float>(max historySize numOld)
                    let q = flatGrad.neg ()

                    for i in numOld - 1 .. -1 .. 0 do
                        al[i] <- dot (raw st.OldStps[i]) q * st.Ro[i]
                        q.add_ (raw st.OldDirs[i], scalar -al[i]) |> ignore

                    let r = q.mul (scalar st.HDiag)

                    for i in 0 .. numOld - 1 do
                        let beI = dot (raw st.OldDirs[i]) r * st.Ro[i]
                        r.add_ (raw st.OldStps[i], scalar (al[i] - beI)) |> ignore

                    d <- r

                if isNull prevFlatGrad then
                    prevFlatGrad <- flatGrad.clone ()
                else
                    prevFlatGrad.copy_ flatGrad |> ignore

                st.PrevLoss <- loss

                // compute step length
                t <-
                    if st.NIter = 1 then
                        pyMin 1.0 (1.0 / flatGrad.abs().sum().ToDouble()) * lr
                    else
                        lr

                // directional derivative
                let gtd = dot flatGrad d

                if gtd > -toleranceChange then
                    fin <- true
                else
                    let mutable lsFuncEvals = 0

                    if useStrongWolfe then
                        let xInit = cloneParams ps

                        let objFunc (x: RawTensor[]) (step: float) (dir: RawTensor) =
                            addGrad ps step dir
                            let _, l = evaluate ()
                            let g = gatherFlatGrad ps
                            setParams ps x
                            l, g

                        let l, g, tt, n = strongWolfe objFunc xInit t d loss flatGrad gtd

                        loss <- l
                        flatGrad <- g
                        t <- tt
                        lsFuncEvals <- n
                        addGrad ps t d
                        optCond <- absMax flatGrad <= toleranceGrad
                    else
                        addGrad ps t d

                        if nIter <> maxIter then
                            // re-evaluate the function only if not in the last iteration
                            let _, l = evaluate ()
                            loss <- l
                            flatGrad <- gatherFlatGrad ps
                            optCond <- absMax flatGrad <= toleranceGrad
                            lsFuncEvals <- 1

                    currentEvals <- currentEvals + lsFuncEvals
                    st.FuncEvals <- st.FuncEvals + lsFuncEvals

                    // check conditions
                    if nIter = maxIter then
                        fin <- true
                    elif currentEvals >= maxEval then
                        fin <- true
                    elif optCond then
                        fin <- true
                    elif absMax (d.mul (scalar t)) <= toleranceChange then
                        fin <- true
                    elif abs (loss - st.PrevLoss) < toleranceChange then
                        fin <- true

            if not (isNull (box st.D)) && not (obj.ReferenceEquals(raw st.D, d)) then
                (raw st.D).Dispose()

            st.D <- if isNull d then Unchecked.defaultof<_> else kept d
            st.T <- t

            st.PrevFlatGrad <-
                if isNull prevFlatGrad then
                    Unchecked.defaultof<_>
                else
                    kept prevFlatGrad

        // the loss outlives the step's scope (its graph does not)
        scope.Escape [| Prim.RawOf origLoss |]
        origLoss

    let validate (group: ParamGroup) =
        let name = "LBFGS"

        for o in [ "maxIter"; "maxEval"; "historySize" ] do
            let v = group[o]

            if not (v >= 1.0) || v <> Math.Floor v || Double.IsInfinity v then
                raise (ArgumentOutOfRangeException(o, $"{name}: {o} must be a positive integer; got {v}."))

        Optimizer.CheckNonNegative(name, group, "toleranceGrad", "toleranceChange")

/// Limited-memory BFGS (PyTorch's `torch.optim.LBFGS`, same algorithm, defaults and state):
/// one parameter group; each Step(closure) runs up to maxIter iterations (evaluating the closure
/// up to maxEval times), with a fixed step lr or, with lineSearchFn = "strong_wolfe", a line
/// search satisfying the strong Wolfe conditions. The closure must clear the gradients, compute
/// the loss, call Backward and return the loss:
/// `opt.Step(fun () -> opt.ZeroGrad(); let loss = f () in loss.Backward(); loss)`.
[<Sealed>]
type LBFGS
    (
        groups: seq<ParamGroup>,
        ?lr: float,
        ?maxIter: int,
        ?maxEval: int,
        ?toleranceGrad: float,
        ?toleranceChange: float,
        ?historySize: int,
        ?lineSearchFn: string
    ) =
    inherit
        Optimizer(
            "LBFGS",
            (if isNull (box groups) then
                 nullArg "parameters"

             let groups = Seq.toArray groups

             if groups.Length > 1 then
                 invalidArg
                     "parameters"
                     $"LBFGS: doesn't support per-parameter options (parameter groups); got {groups.Length} groups. Pass one list of parameters."

             match lineSearchFn with
             | None
             | Some "strong_wolfe" -> ()
             | Some s -> invalidArg "lineSearchFn" $"LBFGS: the only line search supported is \"strong_wolfe\" (or none); got \"{s}\"."

             groups :> seq<_>),
            (let maxIter = defaultArg maxIter 20

             [
                 "lr", defaultArg lr 1.0
                 "maxIter", float maxIter
                 "maxEval", float (defaultArg maxEval (maxIter * 5 / 4))
                 "toleranceGrad", defaultArg toleranceGrad 1e-7
                 "toleranceChange", defaultArg toleranceChange 1e-9
                 "historySize", float (defaultArg historySize 100)
             ]),
            [ "strongWolfe", (lineSearchFn = Some "strong_wolfe") ],
            LbfgsKernel.validate
        )

    let mutable state: LbfgsState = null

    /// LBFGS over these parameters.
    new(parameters: seq<Tensor>, ?lr, ?maxIter, ?maxEval, ?toleranceGrad, ?toleranceChange, ?historySize, ?lineSearchFn) =
        LBFGS(
            [ ParamGroup parameters ],
            ?lr = lr,
            ?maxIter = maxIter,
            ?maxEval = maxEval,
            ?toleranceGrad = toleranceGrad,
            ?toleranceChange = toleranceChange,
            ?historySize = historySize,
            ?lineSearchFn = lineSearchFn
        )

    /// "strong_wolfe" or None (a fixed step).
    member this.LineSearchFn =
        if this.ParamGroups[0].Flag "strongWolfe" then
            Some "strong_wolfe"
        else
            None

    /// Closure evaluations over all steps (PyTorch's state["func_evals"]).
    member _.FuncEvals = if isNull state then 0 else state.FuncEvals

    /// Iterations over all steps (PyTorch's state["n_iter"]).
    member _.NIter = if isNull state then 0 else state.NIter

    /// LBFGS evaluates the function several times per step: it needs a closure.
    override _.Step() : unit =
        invalidOp
            "LBFGS: Step needs a closure that re-evaluates the loss (LBFGS evaluates it several times per step): opt.Step(fun () -> opt.ZeroGrad(); let loss = f () in loss.Backward(); loss)."

    /// Runs up to maxIter L-BFGS iterations, calling the closure (under AD.enableGrad) to
    /// re-evaluate the loss and its gradients; returns the loss of the first evaluation.
    override this.Step(closure: unit -> Tensor) : Tensor =
        if isNull (box closure) then
            nullArg "closure"

        if this.ParamGroups.Count <> 1 then
            invalidOp $"LBFGS: doesn't support per-parameter options (parameter groups); it has {this.ParamGroups.Count} groups."

        let group = this.ParamGroups[0]
        let ps = Seq.toArray group.Parameters
        let lr = group.Lr
        let maxIter = int group["maxIter"]
        let maxEval = int group["maxEval"]
        let toleranceGrad = group["toleranceGrad"]
        let toleranceChange = group["toleranceChange"]
        let strongWolfe = group.Flag "strongWolfe"
        let historySize = int group["historySize"]

        if isNull state then
            state <- LbfgsState()

        let st = state

        let evaluate () =
            let loss = AD.enableGrad closure

            if isNull (box loss) then
                invalidOp "LBFGS: the closure returned null; it must return the loss (after calling Backward on it)."

            if loss.Numel <> 1 then
                invalidOp $"LBFGS: the closure must return a one-element loss; got shape {Raw.shapeText loss.Shape}."

            loss, loss.ToScalar()

        AD.noGrad (fun () -> LbfgsKernel.run st ps lr maxIter maxEval toleranceGrad toleranceChange strongWolfe historySize evaluate)

    /// The options and state (PyTorch's layout: the state belongs to the first parameter, index
    /// 0, with `func_evals`, `n_iter`, `d`, `t`, `H_diag`, `prev_flat_grad`, `prev_loss`, and the
    /// history as `old_dirs.i`, `old_stps.i`, `ro.i`).
    override this.StateDict() =
        let g = this.ParamGroups[0]

        let groupState =
            {
                Options = g.Options |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq
                Flags = g.Flags |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq
                Parameters = [ 0 .. g.Parameters.Count - 1 ]
            }

        let entries =
            if isNull state then
                Map.empty
            else
                let st = state

                Map.ofList
                    [
                        "func_evals", Optimizer.Number(float st.FuncEvals)
                        "n_iter", Optimizer.Number(float st.NIter)
                        if not (Double.IsNaN st.T) then
                            "t", Optimizer.Number st.T
                        "H_diag", Optimizer.Number st.HDiag
                        if not (Double.IsNaN st.PrevLoss) then
                            "prev_loss", Optimizer.Number st.PrevLoss
                        if not (isNull (box st.D)) then
                            "d", Optimizer.Copy st.D
                        if not (isNull (box st.PrevFlatGrad)) then
                            "prev_flat_grad", Optimizer.Copy st.PrevFlatGrad
                        for i in 0 .. st.OldDirs.Count - 1 do
                            $"old_dirs.{i}", Optimizer.Copy st.OldDirs[i]
                            $"old_stps.{i}", Optimizer.Copy st.OldStps[i]
                            $"ro.{i}", Optimizer.Number st.Ro[i]
                    ]

        {
            State =
                (if entries.IsEmpty then
                     Map.empty
                 else
                     Map.ofList [ 0, entries ])
            ParamGroups = [ groupState ]
        }

    /// Restores options and state from StateDict of an LBFGS over parameters of the same shapes;
    /// later steps continue the saved trajectory exactly.
    override this.LoadStateDict(saved) =
        if isNull (box saved) then
            nullArg "saved"

        let g = this.ParamGroups[0]

        match saved.ParamGroups with
        | [ sg ] when sg.Parameters.Length = g.Parameters.Count -> ()
        | _ ->
            invalidArg
                "saved"
                $"LBFGS.LoadStateDict: expected one parameter group of {g.Parameters.Count} parameters; the saved state has {saved.ParamGroups.Length} groups."

        let sg = saved.ParamGroups.Head
        let ps = Seq.toArray g.Parameters
        let numel = ps |> Array.sumBy (fun p -> p.Numel)
        let like = ps[0]

        let restored =
            match saved.State.TryFind 0 with
            | None -> null
            | Some e ->
                let number k =
                    match e.TryFind k with
                    | Some v -> v.ToScalar()
                    | None -> nan

                let vector k =
                    match e.TryFind k with
                    | None -> Unchecked.defaultof<Tensor>
                    | Some v ->
                        if v.Numel <> numel then
                            invalidArg "saved" $"LBFGS.LoadStateDict: '{k}' has {v.Numel} elements; the parameters have {numel} in all."

                        Optimizer.CopyLike(v, like)

                let st = LbfgsState()
                st.FuncEvals <- int (number "func_evals")
                st.NIter <- int (number "n_iter")
                st.T <- number "t"
                st.HDiag <- (let h = number "H_diag" in if Double.IsNaN h then 1.0 else h)
                st.PrevLoss <- number "prev_loss"
                st.D <- vector "d"
                st.PrevFlatGrad <- vector "prev_flat_grad"
                let mutable i = 0

                while e.ContainsKey $"old_dirs.{i}" do
                    st.OldDirs.Add(vector $"old_dirs.{i}")
                    st.OldStps.Add(vector $"old_stps.{i}")
                    st.Ro.Add(number $"ro.{i}")
                    i <- i + 1

                st

        for KeyValue(k, v) in sg.Options do
            g[k] <- v

        for KeyValue(k, v) in sg.Flags do
            g.SetFlag(k, v)

        state <- restored
