namespace Nabla

open System
open System.Runtime.InteropServices
open TorchSharp
open Nabla.Raw

/// How a loss reduces its per-element (or per-sample) values: PyTorch's `reduction` argument.
[<RequireQualifiedAccess>]
type Reduction =
    /// The mean ("mean", PyTorch's default). crossEntropy and nll with class indices divide by
    /// the summed class weights of the targets that are not ignored (their count without weights).
    | Mean
    /// The sum ("sum").
    | Sum
    /// No reduction ("none"): one value per element (per sample for crossEntropy, nll,
    /// cosineEmbedding).
    | None
    /// klDiv only ("batchmean"): the sum divided by the batch size (the first dimension), the
    /// true KL divergence per sample.
    | BatchMean

    /// PyTorch's name: "mean", "sum", "none" or "batchmean".
    member r.Name =
        match r with
        | Reduction.Mean -> "mean"
        | Reduction.Sum -> "sum"
        | Reduction.None -> "none"
        | Reduction.BatchMean -> "batchmean"

    override r.ToString() = r.Name

    /// The reduction PyTorch names "mean", "sum", "none" or "batchmean".
    static member Parse(text: string) =
        match (if isNull text then "" else text.Trim().ToLowerInvariant()) with
        | "mean" -> Reduction.Mean
        | "sum" -> Reduction.Sum
        | "none" -> Reduction.None
        | "batchmean" -> Reduction.BatchMean
        | _ ->
            invalidArg
                "text"
                $"Reduction.Parse: '{text}' is not a reduction; use \"mean\", \"sum\", \"none\" or \"batchmean\" (klDiv only)."

/// The losses' primitives and checks, on raw LibTorch tensors where that saves native calls.
module internal LossKernel =

    let torchReduction (r: Reduction) =
        match r with
        | Reduction.Sum -> torch.nn.Reduction.Sum
        | Reduction.None -> torch.nn.Reduction.None
        | _ -> torch.nn.Reduction.Mean

    let notNull (op: string) (name: string) (t: Tensor) =
        if isNull (box t) then
            raise (ArgumentNullException(name, $"{op}: the {name} tensor is null."))

    /// BatchMean is klDiv's alone; a null reduction (from C#) is refused.
    let checkReduction (op: string) (allowBatchMean: bool) (r: Reduction) =
        if isNull (box r) then
            raise (ArgumentNullException("reduction", $"{op}: the reduction is null; use Reduction.Mean, Sum or None."))

        if r = Reduction.BatchMean && not allowBatchMean then
            invalidArg "reduction" $"{op}: reduction BatchMean (\"batchmean\") is only for klDiv; use Reduction.Mean, Sum or None."

    let requireFloating (op: string) (name: string) (t: Tensor) =
        if not t.Dtype.IsFloatingPoint then
            invalidArg
                name
                $"{op}: the {name} must be floating-point; got {describe (t.Raw())}. Convert it with Tensor.toDtype Dtype.Float32 (or Float64)."

    /// Input and target of an elementwise loss: not null, floating-point, the same shape (PyTorch
    /// broadcasts different shapes with a warning, which mostly hides a bug such as [N] against
    /// [N, 1]: here it is an error), promoted to one dtype.
    let pair (op: string) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor * Tensor =
        notNull op "input" input
        notNull op "target" target
        checkReduction op (op = "klDiv") reduction
        requireFloating op "input" input
        requireFloating op "target" target

        if input.Shape <> target.Shape then
            invalidArg
                "target"
                $"{op}: the input has shape {shapeText input.Shape} and the target {shapeText target.Shape}; they must be equal (PyTorch would broadcast them with a warning, which usually hides a mistake such as [N] against [N, 1]). Reshape the target (Tensor.reshape {shapeText input.Shape}), or expand it explicitly (Tensor.expand) if broadcasting is meant."

        let xt = Prim.Promote(op, [| input; target |])
        xt[0], xt[1]

    /// The mean, the sum, or the values themselves.
    let reduce (r: Reduction) (x: Tensor) =
        match r with
        | Reduction.Mean -> OpsReduce.mean x
        | Reduction.Sum -> OpsReduce.sum x
        | _ -> x

    /// An optional weight as a constant of x's dtype whose shape broadcasts to x's (the loss's
    /// shape), as PyTorch's weights are not differentiated.
    let weightFor (op: string) (name: string) (x: Tensor) (w: Tensor option) : Tensor option =
        match w with
        | None -> None
        | Some w ->
            notNull op name w
            requireFloating op name w

            let ok =
                try
                    broadcastShapes op w.Shape x.Shape = x.Shape
                with :? ArgumentException ->
                    false

            if not ok then
                invalidArg name $"{op}: the {name} of shape {shapeText w.Shape} must broadcast to the input's shape {shapeText x.Shape}."

            Some(Tensor.Cast(Tensor.detach w, x.Dtype))

    /// A loss whose per-element derivatives with respect to input (a) and target (b) are
    /// `partialA p` and `partialB p` (written with Nabla ops, so they nest), computed forward by
    /// one fused LibTorch call; `scale` is 1/n for the mean, 1 otherwise.
    let fusedPair
        (op: string)
        (reduction: Reduction)
        (primal: RawTensor -> RawTensor -> RawTensor)
        (partialA: Primals2 -> Tensor)
        (partialB: Primals2 -> Tensor)
        (x: Tensor)
        (t: Tensor)
        =
        let scale =
            match reduction with
            | Reduction.Mean -> 1.0 / float x.Numel
            | _ -> 1.0

        let jvp (partial: Primals2 -> Tensor) (p: Primals2) (d: Tensor) =
            match reduction with
            | Reduction.None -> Tensor.Mul(partial p, d)
            | _ -> Tensor.MulScalar(OpsReduce.sum (Tensor.Mul(partial p, d)), scale)

        let vjp (partial: Primals2 -> Tensor) (p: Primals2) (g: Tensor) =
            match reduction with
            | Reduction.None -> Tensor.Mul(partial p, g)
            | _ -> Tensor.Mul(partial p, Tensor.MulScalar(g, scale))

        Prim.Lift2(op, primal, jvp partialA, jvp partialB, vjp partialA, vjp partialB, x, t)

    /// mse_loss in one LibTorch call; both rules are 2·(x − t)·d, reduced.
    let mse (reduction: Reduction) (x: Tensor) (t: Tensor) =
        let red = torchReduction reduction

        let scale =
            if reduction = Reduction.Mean then
                2.0 / float x.Numel
            else
                2.0

        let jvp (sign: float) (p: Primals2) (d: Tensor) =
            match reduction with
            | Reduction.None -> Tensor.Mul(Tensor.Sub(p.A, p.B), Tensor.MulScalar(d, sign * scale))
            | _ -> Tensor.MulScalar(OpsReduce.sum (Tensor.Mul(Tensor.Sub(p.A, p.B), d)), sign * scale)

        let vjp (sign: float) (p: Primals2) (g: Tensor) =
            Tensor.Mul(Tensor.Sub(p.A, p.B), Tensor.MulScalar(g, sign * scale))

        Prim.Lift2("mse", (fun a b -> torch.nn.functional.mse_loss (a, b, red)), jvp 1.0, jvp -1.0, vjp 1.0, vjp -1.0, x, t)

    /// binary_cross_entropy in one LibTorch call (logs clamped at −100). The input's derivative is
    /// PyTorch's w·(x − y)/max(x(1 − x), 1e-12), the target's −w·logit(x).
    let bce (reduction: Reduction) (w: Tensor option) (x: Tensor) (t: Tensor) =
        let red = torchReduction reduction
        let wr = w |> Option.map (fun w -> w.Raw()) |> Option.toObj

        let weighted (e: Tensor) =
            match w with
            | Some w -> Tensor.Mul(e, w)
            | None -> e

        let wrtInput (p: Primals2) =
            let denominator =
                OpsElementwise.clamp (Some 1e-12) None (Tensor.Mul(p.A, Tensor.RSubScalar(1.0, p.A)))

            weighted (Tensor.Div(Tensor.Sub(p.A, p.B), denominator))

        let wrtTarget (p: Primals2) =
            weighted (Tensor.Sub(Tensor.Log(Tensor.RSubScalar(1.0, p.A)), Tensor.Log p.A))

        fusedPair "bce" reduction (fun a b -> torch.nn.functional.binary_cross_entropy (a, b, wr, red)) wrtInput wrtTarget x t

    /// binary_cross_entropy_with_logits in one LibTorch call. With pos_weight p:
    /// ∂/∂x = w·((1 + (p − 1)·y)·σ(x) − p·y), ∂/∂y = w·(p·softplus(−x) − softplus(x));
    /// without: w·(σ(x) − y) and −w·x.
    let bceWithLogits (reduction: Reduction) (w: Tensor option) (pw: Tensor option) (x: Tensor) (t: Tensor) =
        let red = torchReduction reduction
        let wr = w |> Option.map (fun w -> w.Raw()) |> Option.toObj
        let pr = pw |> Option.map (fun w -> w.Raw()) |> Option.toObj

        let weighted (e: Tensor) =
            match w with
            | Some w -> Tensor.Mul(e, w)
            | None -> e

        let wrtInput (p: Primals2) =
            let s = OpsElementwise.sigmoid p.A

            match pw with
            | None -> weighted (Tensor.Sub(s, p.B))
            | Some pw ->
                let py = Tensor.Mul(pw, p.B)
                weighted (Tensor.Sub(Tensor.Mul(Tensor.AddScalar(Tensor.Sub(py, p.B), 1.0), s), py))

        let wrtTarget (p: Primals2) =
            match pw with
            | None -> weighted (Tensor.Neg p.A)
            | Some pw -> weighted (Tensor.Sub(Tensor.Mul(pw, OpsElementwise.softplus (Tensor.Neg p.A)), OpsElementwise.softplus p.A))

        fusedPair
            "bceWithLogits"
            reduction
            (fun a b -> torch.nn.functional.binary_cross_entropy_with_logits (a, b, wr, red, pr))
            wrtInput
            wrtTarget
            x
            t

    /// Class-index targets, checked: an int64 copy of the target, the number of ignored entries.
    /// Out-of-range indices are found here, before any LibTorch call, with the offending value.
    let classIndices (op: string) (classes: int) (ignoreIndex: int) (target: Tensor) : RawTensor * int =
        let r = target.Raw()

        let t64 =
            if r.dtype = torch.ScalarType.Int64 then
                r
            else
                guard1 op r (fun () -> r.to_type torch.ScalarType.Int64)

        let check (values: int64[]) =
            let mutable ignored = 0
            let mutable bad = -1

            for i in 0 .. values.Length - 1 do
                let v = values[i]

                if v = int64 ignoreIndex then
                    ignored <- ignored + 1
                elif (v < 0L || v >= int64 classes) && bad < 0 then
                    bad <- i

            if bad >= 0 then
                invalidArg
                    "target"
                    $"{op}: the target holds {values[bad]} (at flat position {bad}), which is not a class index: the input has {classes} classes, so targets must be in 0 .. {classes - 1} (or equal ignoreIndex = {ignoreIndex})."

            ignored

        let ignored =
            if t64.device_type = DeviceType.CPU && t64.is_contiguous () then
                check (MemoryMarshal.Cast<byte, int64>(t64.bytes).ToArray())
            else
                check (toArrayOf<int64> op t64)

        t64, ignored

    /// The per-sample weights of class-index targets (the class weight of each target, 0 where
    /// ignored) and the target with ignored entries replaced by class 0; null weights when every
    /// weight is 1 (no class weights, nothing ignored).
    let sampleWeights
        (op: string)
        (dtype: torch.ScalarType)
        (weight: RawTensor)
        (ignoreIndex: int)
        (ignored: int)
        (t64: RawTensor)
        : RawTensor * RawTensor =
        guardAny op [| t64 |] (fun () ->
            if ignored = 0 && isNull weight then
                t64, null
            else
                use valid = t64.ne (scalarInt (int64 ignoreIndex))
                use invalid = valid.logical_not ()
                let safe = Memory.adopt (t64.masked_fill (invalid, scalarInt 0L))
                use validF = valid.to_type dtype

                let wt =
                    if isNull weight then
                        validF.clone ()
                    else
                        use flat = safe.flatten ()
                        use picked = weight.index_select (0L, flat)
                        use shaped = picked.reshape (t64.shape)
                        shaped.mul validF

                safe, Memory.adopt wt)

    /// cross_entropy with class indices: x [N, C, d...], t [N, d...] (int64, checked). A constant x
    /// takes one LibTorch call (cross_entropy). Otherwise the forward pass is log_softmax and
    /// nll_loss (or its label-smoothed sum), and the loss is −Σ c·logp with a constant c
    /// [N, C, d...]: per sample i (s_i = 1/denominator for the mean, 1 otherwise, 0 if ignored),
    /// c_i = s_i·((1 − ε)·w[t_i]·onehot(t_i) + (ε/C)·w), so that its gradient is
    /// (softmax(x)·a − c)·g with a_i = Σ_c c_ic. That gradient is one op of its own (`backward`),
    /// computed from the saved log-probabilities in three LibTorch calls, with rules (written
    /// with softmax) for every higher order.
    let crossEntropyIndices
        (reduction: Reduction)
        (weight: Tensor option)
        (ignoreIndex: int)
        (labelSmoothing: float)
        (ignored: int)
        (x: Tensor)
        (t64: RawTensor)
        =
        let op = "crossEntropy"
        let red = torchReduction reduction
        let wr = weight |> Option.map (fun w -> w.Raw()) |> Option.toObj
        let rx = x.Raw()

        if not x.IsDifferentiated then
            Const(guard2 op rx t64 (fun () -> torch.nn.functional.cross_entropy (rx, t64, wr, int64 ignoreIndex, red, labelSmoothing)))
        else
            let xs = x.Shape
            let classes = xs[1]
            let eps = labelSmoothing

            // log-probabilities (kept: the gradient's softmax is their exp), −c, a (a number, or
            // a tensor [N, 1, d...]) and the value
            let lp, negC, a, aT, value =
                guardAny op [| rx; t64 |] (fun () ->
                    let dtype = rx.dtype
                    let lp = Memory.adopt (rx.log_softmax 1L)
                    let safe, wt = sampleWeights op dtype wr ignoreIndex ignored t64
                    use index = safe.unsqueeze 1L
                    use zeros = torch.zeros (rx.shape, dtype = dtype, device = rx.device)

                    let reduced (perSample: RawTensor) =
                        match reduction with
                        | Reduction.None -> perSample
                        | _ ->
                            use p = perSample
                            p.sum ()

                    let smoothed (negC: RawTensor) =
                        use product = lp.mul negC
                        reduced (product.sum (1L, false))

                    let fast = eps = 0.0 && ignoreIndex = -100

                    if isNull wt then
                        // every sample weighs 1
                        let d =
                            if reduction = Reduction.Mean then
                                float (t64.numel ())
                            else
                                1.0

                        let share = (1.0 - eps) / d
                        use src = torch.full (index.shape, scalar -share, dtype = dtype, device = rx.device)
                        let negC = Memory.adopt (zeros.scatter (1L, index, src))

                        if eps > 0.0 then
                            negC.add_ (scalar (-eps / (float classes * d)), scalarInt 1L) |> ignore

                        let value =
                            if fast then
                                // LibTorch's nll_loss has the same rules (weights, the ignored
                                // -100, the mean's denominator): one call
                                torch.nn.functional.nll_loss (lp, t64, wr, red)
                            elif eps = 0.0 then
                                use picked = lp.gather (1L, index)
                                use weighted = picked.mul (scalar -share)
                                reduced (weighted.squeeze 1L)
                            else
                                smoothed negC

                        lp, negC, 1.0 / d, null, Memory.adopt value
                    else
                        use denominator =
                            if reduction = Reduction.Mean then
                                wt.sum ()
                            else
                                torch.ones ([||], dtype = dtype, device = rx.device)

                        use s = wt.div denominator
                        use shareT = s.mul (scalar (1.0 - eps))
                        use targetShare = shareT.unsqueeze 1L
                        use negShare = targetShare.neg ()
                        let negC = Memory.adopt (zeros.scatter (1L, index, negShare))

                        let aT =
                            if eps > 0.0 then
                                use validF =
                                    if isNull wr then
                                        wt.alias ()
                                    else
                                        use v = t64.ne (scalarInt (int64 ignoreIndex))
                                        v.to_type dtype

                                use sValid = validF.div denominator
                                use sU = sValid.unsqueeze 1L

                                use wc =
                                    if isNull wr then
                                        torch.ones ([| int64 classes |], dtype = dtype, device = rx.device)
                                    else
                                        wr.alias ()

                                let shapeC = Array.init xs.Length (fun i -> if i = 1 then int64 classes else 1L)

                                use wView = wc.reshape shapeC
                                use term = sU.mul wView
                                negC.add_ (term, scalar (-eps / float classes)) |> ignore
                                use wSum = wc.sum ()
                                use scaled = sU.mul wSum
                                targetShare.add (scaled, scalar (eps / float classes))
                            else
                                targetShare.alias ()

                        let value =
                            if fast then
                                torch.nn.functional.nll_loss (lp, t64, wr, red)
                            elif eps = 0.0 then
                                use picked = lp.gather (1L, index)
                                use weighted = picked.mul negShare
                                reduced (weighted.squeeze 1L)
                            else
                                smoothed negC

                        lp, negC, 0.0, Memory.adopt aT, Memory.adopt value)

            let negCT = Const negC
            let aConst = if isNull aT then None else Some(Const aT)

            let timesA (t: Tensor) =
                match aConst with
                | Some at -> Tensor.Mul(t, at)
                | None -> Tensor.MulScalar(t, a)

            // a cotangent of the loss, shaped to multiply [N, C, d...]
            let perSample (g: Tensor) =
                match reduction with
                | Reduction.None -> OpsShape.reshape (Array.insertAt 1 1 g.Shape) g
                | _ -> g

            // softmax(x)·a − c, with Nabla ops
            let core (x: Tensor) =
                Tensor.Add(timesA (OpsReduce.softmax 1 x), negCT)

            // (softmax(x)·a − c)·g: LibTorch computes it from the saved log-probabilities (the
            // values of x are those of the forward pass at every level); its rules: linear in g,
            // and a·g times softmax's Jacobian (symmetric) in x
            let rec backward (x: Tensor) (g: Tensor) : Tensor =
                let primal (_: RawTensor) (rg: RawTensor) =
                    use sm = lp.exp ()

                    let r =
                        if isNull aT then
                            negC.add (sm, scalar a)
                        else
                            use t = sm.mul aT
                            t.add negC

                    match reduction with
                    | Reduction.None ->
                        use gk = rg.unsqueeze 1L
                        r.mul_ gk
                    | _ -> r.mul_ rg

                let softmaxJacobian (p: Primals2) (d: Tensor) =
                    let s = OpsReduce.softmax 1 p.A

                    let inner =
                        Tensor.Mul(s, Tensor.Sub(d, OpsReduce.sumDims [| 1 |] true (Tensor.Mul(s, d))))

                    Tensor.Mul(timesA inner, perSample p.B)

                let wrtG (p: Primals2) (dg: Tensor) = backward p.A dg

                let transposeG (p: Primals2) (cot: Tensor) =
                    let e = Tensor.Mul(core p.A, cot)

                    match reduction with
                    | Reduction.None -> OpsReduce.sumDims [| 1 |] false e
                    | _ -> OpsReduce.sum e

                Prim.Lift2(op, primal, softmaxJacobian, wrtG, softmaxJacobian, transposeG, x, g)

            let jvp (x: Tensor) (_: Tensor) (dx: Tensor) =
                let e = Tensor.Mul(core x, dx)

                match reduction with
                | Reduction.None -> OpsReduce.sumDims [| 1 |] false e
                | _ -> OpsReduce.sum e

            let vjp (x: Tensor) (_: Tensor) (g: Tensor) = backward x g

            Prim.Lift1(op, (fun _ -> value), jvp, vjp, x)

/// Loss functions, PyTorch's (torch.nn.functional's) in F#: `Loss.mse prediction target`,
/// `Loss.crossEntropy logits labels`. Arguments in PyTorch's order (input, then target), the mean
/// by default; each `...With` form takes the reduction and the loss's options first, e.g.
/// `Loss.crossEntropyWith Reduction.Sum None -100 0.1 logits labels`. (The loss modules in
/// Nabla.NN, such as `CrossEntropyLoss(labelSmoothing = 0.1)`, take the same options by name.)
///
/// Every loss is a differentiable Nabla function: gradients of any order, forward and reverse.
/// Input and target of the elementwise losses must have the same shape: PyTorch broadcasts
/// different shapes with a warning, which usually hides a bug ([N] against [N, 1] gives an
/// [N, N] loss), so Nabla refuses them with an ArgumentException naming both shapes. Class
/// weights, pos_weight and per-element weights are constants (PyTorch does not differentiate them).
[<RequireQualifiedAccess>]
module Loss =

    open LossKernel

    /// Mean squared error ((input − target)², reduced), one fused LibTorch call (mse_loss).
    let mseWith (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        let x, t = pair "mse" reduction input target
        mse reduction x t

    /// Mean squared error: the mean of (input − target)² (torch.nn.functional.mse_loss).
    let mse (input: Tensor) (target: Tensor) : Tensor = mseWith Reduction.Mean input target

    /// |input − target|, reduced (l1_loss). The derivative at input = target is 0, as PyTorch's.
    let l1With (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        let x, t = pair "l1" reduction input target
        named "l1" (fun () -> reduce reduction (Tensor.Abs(Tensor.Sub(x, t))))

    /// The mean absolute error (torch.nn.functional.l1_loss).
    let l1 (input: Tensor) (target: Tensor) : Tensor = l1With Reduction.Mean input target

    /// With d = |input − target|: 0.5·d²/beta where d < beta, d − 0.5·beta elsewhere (beta ≥ 0;
    /// beta = 0 is l1), reduced (smooth_l1_loss).
    let smoothL1With (reduction: Reduction) (beta: float) (input: Tensor) (target: Tensor) : Tensor =
        let op = "smoothL1"

        if not (beta >= 0.0) then
            invalidArg "beta" $"{op}: beta must be non-negative; got {beta}."

        let x, t = pair op reduction input target

        named op (fun () ->
            let d = Tensor.Sub(x, t)
            let a = Tensor.Abs d

            if beta = 0.0 then
                reduce reduction a
            else
                let inside = Tensor.CompareScalar("lt", a, beta, false)
                let quadratic = Tensor.MulScalar(Tensor.Mul(d, d), 0.5 / beta)
                reduce reduction (OpsElementwise.where inside quadratic (Tensor.AddScalar(a, -0.5 * beta))))

    /// smoothL1 with beta = 1 (torch.nn.functional.smooth_l1_loss's default).
    let smoothL1 (input: Tensor) (target: Tensor) : Tensor =
        smoothL1With Reduction.Mean 1.0 input target

    /// With d = |input − target|: 0.5·d² where d < delta, delta·(d − 0.5·delta) elsewhere
    /// (delta > 0), reduced (huber_loss).
    let huberWith (reduction: Reduction) (delta: float) (input: Tensor) (target: Tensor) : Tensor =
        let op = "huber"

        if not (delta > 0.0) then
            invalidArg "delta" $"{op}: delta must be positive; got {delta}."

        let x, t = pair op reduction input target

        named op (fun () ->
            let d = Tensor.Sub(x, t)
            let a = Tensor.Abs d
            let inside = Tensor.CompareScalar("lt", a, delta, false)
            let quadratic = Tensor.MulScalar(Tensor.Mul(d, d), 0.5)
            reduce reduction (OpsElementwise.where inside quadratic (Tensor.MulScalar(Tensor.AddScalar(a, -0.5 * delta), delta))))

    /// The Huber loss with delta = 1 (torch.nn.functional.huber_loss's default).
    let huber (input: Tensor) (target: Tensor) : Tensor =
        huberWith Reduction.Mean 1.0 input target

    /// Binary cross-entropy of probabilities: −w·(y·log x + (1 − y)·log(1 − x)), each log clamped
    /// at −100 as PyTorch's; input in [0, 1], an optional weight broadcasting to the input's shape
    /// (binary_cross_entropy, one fused LibTorch call).
    let bceWith (reduction: Reduction) (weight: Tensor option) (input: Tensor) (target: Tensor) : Tensor =
        let x, t = pair "bce" reduction input target
        let w = weightFor "bce" "weight" x weight
        bce reduction w x t

    /// Binary cross-entropy of probabilities, the mean (torch.nn.functional.binary_cross_entropy).
    let bce (input: Tensor) (target: Tensor) : Tensor =
        bceWith Reduction.Mean None input target

    /// Binary cross-entropy of logits, computed stably: −w·(p·y·log σ(x) + (1 − y)·log(1 − σ(x)))
    /// with an optional weight and an optional posWeight p (both broadcast to the input's shape;
    /// posWeight [C] weighs the positives of each class) (binary_cross_entropy_with_logits, one
    /// fused LibTorch call).
    let bceWithLogitsWith
        (reduction: Reduction)
        (weight: Tensor option)
        (posWeight: Tensor option)
        (input: Tensor)
        (target: Tensor)
        : Tensor =
        let op = "bceWithLogits"
        let x, t = pair op reduction input target
        let w = weightFor op "weight" x weight
        let p = weightFor op "posWeight" x posWeight
        bceWithLogits reduction w p x t

    /// Binary cross-entropy of logits, the mean (torch.nn.functional.binary_cross_entropy_with_logits).
    let bceWithLogits (input: Tensor) (target: Tensor) : Tensor =
        bceWithLogitsWith Reduction.Mean None None input target

    /// The logits x [N, C, d...] (or [C]), the class dimension, and a checked class weight [C].
    let private classInputs (op: string) (reduction: Reduction) (input: Tensor) (target: Tensor) (weight: Tensor option) =
        notNull op "input" input
        notNull op "target" target
        checkReduction op false reduction
        requireFloating op "input" input

        if input.Dim = 0 then
            invalidArg "input" $"{op}: the input must have a class dimension: [C], [N, C] or [N, C, d1, ...]; got a 0-d tensor."

        let classDim = if input.Dim = 1 then 0 else 1
        let classes = input.Shape[classDim]

        let w =
            match weight with
            | None -> None
            | Some w ->
                notNull op "weight" w
                requireFloating op "weight" w

                if w.Shape <> [| classes |] then
                    invalidArg
                        "weight"
                        $"{op}: the class weight must have shape [{classes}] (one weight per class of the input {shapeText input.Shape}); got {shapeText w.Shape}."

                Some(Tensor.Cast(Tensor.detach w, input.Dtype))

        classDim, classes, w

    /// The class-index target's shape that goes with an input: the input's without the class dimension.
    let private checkIndexTarget (op: string) (input: Tensor) (target: Tensor) =
        let s = input.Shape
        let expected = if s.Length = 1 then [||] else Array.removeAt 1 s

        if target.Dtype.IsFloatingPoint then
            invalidArg
                "target"
                $"{op}: a floating-point target ({describe (target.Raw())}) must hold class probabilities with the input's shape {shapeText s}; class indices must be integers of shape {shapeText expected}. Convert indices with Tensor.toDtype Dtype.Int64."

        if target.Dtype = Dtype.Bool then
            invalidArg
                "target"
                $"{op}: the target must hold class indices (int64) of shape {shapeText expected}; got {describe (target.Raw())}."

        if target.Shape <> expected then
            invalidArg
                "target"
                $"{op}: for an input of shape {shapeText s}, the target must hold class indices of shape {shapeText expected} (the input's without the class dimension {if s.Length = 1 then 0 else 1}) or class probabilities of shape {shapeText s}; got {describe (target.Raw())}."

    /// Cross-entropy of logits (log_softmax then nll): input [N, C] (or [C], or [N, C, d1, ...]);
    /// target either class indices (int64, the input's shape without C) or class probabilities
    /// (floating-point, the input's shape); an optional class weight [C]; targets equal to
    /// ignoreIndex (class indices only) count for nothing; labelSmoothing ε in [0, 1] mixes the
    /// target with the uniform distribution. With indices and the mean, the sum is divided by the
    /// summed weights of the counted targets; with probabilities, by N·d1·... (PyTorch's rules).
    /// With class indices the op is fused: one LibTorch call (cross_entropy) for a constant input;
    /// log_softmax and nll_loss forward and a three-call gradient when it is differentiated.
    let crossEntropyWith
        (reduction: Reduction)
        (weight: Tensor option)
        (ignoreIndex: int)
        (labelSmoothing: float)
        (input: Tensor)
        (target: Tensor)
        : Tensor =
        let op = "crossEntropy"
        let classDim, classes, w = classInputs op reduction input target weight

        if not (labelSmoothing >= 0.0 && labelSmoothing <= 1.0) then
            invalidArg "labelSmoothing" $"{op}: labelSmoothing must be in [0, 1]; got {labelSmoothing}."

        if target.Shape = input.Shape && (target.Dtype.IsFloatingPoint || input.Dim > 1) then
            // class probabilities
            requireFloating op "target (class probabilities)" target

            if ignoreIndex >= 0 then
                invalidArg
                    "ignoreIndex"
                    $"{op}: ignoreIndex ({ignoreIndex}) is for class-index targets; a target of class probabilities ({describe (target.Raw())}) cannot ignore a class. Leave ignoreIndex at -100."

            let xt = Prim.Promote(op, [| input; target |])
            let x, t = xt[0], xt[1]

            named op (fun () ->
                let logp = OpsReduce.logSoftmax classDim x

                let q =
                    if labelSmoothing > 0.0 then
                        Tensor.AddScalar(Tensor.MulScalar(t, 1.0 - labelSmoothing), labelSmoothing / float classes)
                    else
                        t

                let terms =
                    let lq = Tensor.Mul(logp, q)

                    match w with
                    | Some w -> Tensor.Mul(lq, OpsShape.reshape (Array.init x.Dim (fun i -> if i = classDim then classes else 1)) w)
                    | None -> lq

                match reduction with
                | Reduction.None -> Tensor.Neg(OpsReduce.sumDims [| classDim |] false terms)
                | Reduction.Sum -> Tensor.Neg(OpsReduce.sum terms)
                | _ -> Tensor.DivScalar(Tensor.Neg(OpsReduce.sum terms), float (x.Numel / max classes 1)))
        else
            checkIndexTarget op input target
            let t64, ignored = classIndices op classes ignoreIndex target

            if input.Dim = 1 then
                // one sample: as a batch of one
                named op (fun () ->
                    let x = OpsShape.reshape [| 1; classes |] input
                    let t = guard1 op t64 (fun () -> t64.reshape [| 1L |])
                    let y = crossEntropyIndices reduction w ignoreIndex labelSmoothing ignored x t

                    if reduction = Reduction.None then
                        OpsShape.reshape [||] y
                    else
                        y)
            else
                crossEntropyIndices reduction w ignoreIndex labelSmoothing ignored input t64

    /// Cross-entropy of logits with class indices or class probabilities, the mean
    /// (torch.nn.functional.cross_entropy with its defaults).
    let crossEntropy (input: Tensor) (target: Tensor) : Tensor =
        crossEntropyWith Reduction.Mean None -100 0.0 input target

    /// Negative log-likelihood of log-probabilities: input [N, C] (or [C], or [N, C, d1, ...]),
    /// class-index targets (int64, the input's shape without C), −w[t]·input[t] per sample, with an
    /// optional class weight [C] and targets equal to ignoreIndex counting for nothing; the mean
    /// divides by the summed weights of the counted targets (nll_loss).
    let nllWith (reduction: Reduction) (weight: Tensor option) (ignoreIndex: int) (input: Tensor) (target: Tensor) : Tensor =
        let op = "nll"
        let _, classes, w = classInputs op reduction input target weight
        checkIndexTarget op input target
        let t64, ignored = classIndices op classes ignoreIndex target

        named op (fun () ->
            let x =
                if input.Dim = 1 then
                    OpsShape.reshape [| 1; classes |] input
                else
                    input

            let t =
                if input.Dim = 1 then
                    guard1 op t64 (fun () -> t64.reshape [| 1L |])
                else
                    t64

            let rx = x.Raw()
            let wr = w |> Option.map (fun w -> w.Raw()) |> Option.toObj
            let safe, wt = sampleWeights op rx.dtype wr ignoreIndex ignored t
            // kept for the gather's rules (no `use`)
            let index = guard1 op safe (fun () -> safe.unsqueeze 1L)
            let picked = OpsShape.reshape (shape safe) (OpsShape.gather 1 index x)

            let weighted =
                if isNull wt then
                    Tensor.Neg picked
                else
                    Tensor.Neg(Tensor.Mul(picked, Const wt))

            let y =
                match reduction with
                | Reduction.None -> weighted
                | Reduction.Sum -> OpsReduce.sum weighted
                | _ ->
                    if isNull wt then
                        OpsReduce.mean weighted
                    else
                        Tensor.Div(OpsReduce.sum weighted, Const(guard1 op wt (fun () -> wt.sum ())))

            if input.Dim = 1 && reduction = Reduction.None then
                OpsShape.reshape [||] y
            else
                y)

    /// Negative log-likelihood of log-probabilities, the mean (torch.nn.functional.nll_loss).
    let nll (input: Tensor) (target: Tensor) : Tensor =
        nllWith Reduction.Mean None -100 input target

    /// Kullback-Leibler divergence of the target from the input (log-probabilities), elementwise
    /// target·(log target − input) (0 where target = 0), or exp(target)·(target − input) when
    /// logTarget; reduced by Mean (over all elements, PyTorch's default), Sum, None, or BatchMean
    /// (the sum divided by the batch size: the true KL divergence) (kl_div).
    let klDivWith (reduction: Reduction) (logTarget: bool) (input: Tensor) (target: Tensor) : Tensor =
        let op = "klDiv"
        let x, t = pair op reduction input target

        named op (fun () ->
            let pointwise =
                if logTarget then
                    Tensor.Mul(Tensor.Exp t, Tensor.Sub(t, x))
                else
                    // xlogy(t, t) − t·x, with t·log t = 0 at t = 0 (selected, so no 0·(−inf))
                    let zero = Tensor.CompareScalar("eq", t, 0.0, false)
                    let safe = OpsElementwise.where zero (Tensor.OnesOf t) t

                    let tlogt =
                        OpsElementwise.where zero (Tensor.ZerosOf t) (Tensor.Mul(safe, Tensor.Log safe))

                    Tensor.Sub(tlogt, Tensor.Mul(t, x))

            match reduction with
            | Reduction.BatchMean when x.Dim > 0 -> Tensor.DivScalar(OpsReduce.sum pointwise, float x.Shape[0])
            | Reduction.BatchMean -> OpsReduce.sum pointwise
            | r -> reduce r pointwise)

    /// Kullback-Leibler divergence with PyTorch's defaults (mean over all elements, target as
    /// probabilities) (torch.nn.functional.kl_div).
    let klDiv (input: Tensor) (target: Tensor) : Tensor =
        klDivWith Reduction.Mean false input target

    /// A target of ±1 values (any numeric dtype) as a bool mask (true for 1); other values are an error.
    let private signs (op: string) (y: Tensor) : Tensor =
        let r = y.Raw()

        let ok =
            guardAny op [| r |] (fun () ->
                use one = r.eq (scalar 1.0)
                use minus = r.eq (scalar -1.0)
                use either = one.logical_or minus
                use all = either.all ()
                all.item<bool>())

        if not ok then
            invalidArg
                "target"
                $"{op}: the target must hold 1 (similar / ranked first) or -1 only; got other values in {describe r}. (PyTorch silently gives such entries a loss of 0.) Map 0/1 labels with 2·y − 1."

        Const(guard1 op r (fun () -> r.eq (scalar 1.0)))

    /// For x1, x2 [N, D] (or [D]) and y [N] (or 0-d) of ±1: 1 − cos(x1, x2) where y = 1,
    /// max(0, cos(x1, x2) − margin) where y = −1, reduced (cosine_embedding_loss; cos with
    /// PyTorch's 1e-12 added to each squared norm).
    let cosineEmbeddingWith (reduction: Reduction) (margin: float) (x1: Tensor) (x2: Tensor) (target: Tensor) : Tensor =
        let op = "cosineEmbedding"
        notNull op "x1" x1
        notNull op "x2" x2
        notNull op "target" target
        checkReduction op false reduction
        requireFloating op "x1" x1
        requireFloating op "x2" x2

        if x1.Dim < 1 || x1.Dim > 2 || x1.Shape <> x2.Shape then
            invalidArg "x2" $"{op}: x1 and x2 must have the same shape, [N, D] or [D]; got {shapeText x1.Shape} and {shapeText x2.Shape}."

        let expected = if x1.Dim = 2 then [| x1.Shape[0] |] else [||]

        if target.Shape <> expected then
            invalidArg
                "target"
                $"{op}: the target must have shape {shapeText expected} (one ±1 per pair of rows of x1 and x2 {shapeText x1.Shape}); got {shapeText target.Shape}."

        let positive = signs op target
        let xs = Prim.Promote(op, [| x1; x2 |])
        let a, b = xs[0], xs[1]
        let dim = x1.Dim - 1

        named op (fun () ->
            let sumSq (t: Tensor) =
                Tensor.AddScalar(OpsReduce.sumDims [| dim |] false (Tensor.Mul(t, t)), 1e-12)

            let cos =
                Tensor.Div(OpsReduce.sumDims [| dim |] false (Tensor.Mul(a, b)), Tensor.Sqrt(Tensor.Mul(sumSq a, sumSq b)))

            let loss =
                OpsElementwise.where
                    positive
                    (Tensor.RSubScalar(1.0, cos))
                    (OpsElementwise.clamp (Some 0.0) None (Tensor.AddScalar(cos, -margin)))

            reduce reduction loss)

    /// cosineEmbedding with margin 0 (torch.nn.functional.cosine_embedding_loss's default).
    let cosineEmbedding (x1: Tensor) (x2: Tensor) (target: Tensor) : Tensor =
        cosineEmbeddingWith Reduction.Mean 0.0 x1 x2 target

    /// max(0, −y·(x1 − x2) + margin) for y = 1 (x1 should rank higher) or −1, all three of one
    /// shape, reduced (margin_ranking_loss).
    let marginRankingWith (reduction: Reduction) (margin: float) (x1: Tensor) (x2: Tensor) (target: Tensor) : Tensor =
        let op = "marginRanking"
        notNull op "x1" x1
        notNull op "x2" x2
        notNull op "target" target
        checkReduction op false reduction
        requireFloating op "x1" x1
        requireFloating op "x2" x2

        if x1.Shape <> x2.Shape || x1.Shape <> target.Shape then
            invalidArg
                "target"
                $"{op}: x1, x2 and the target must have the same shape; got {shapeText x1.Shape}, {shapeText x2.Shape} and {shapeText target.Shape}."

        if target.Dtype = Dtype.Bool then
            invalidArg "target" $"{op}: the target must hold 1 or -1 (a numeric tensor); got {describe (target.Raw())}."

        let xs = Prim.Promote(op, [| x1; x2 |])

        let y =
            if target.Dtype.IsFloatingPoint then
                target
            else
                Tensor.Cast(target, xs[0].Dtype)

        let xy = Prim.Promote(op, [| xs[0]; xs[1]; y |])

        named op (fun () ->
            let v =
                Tensor.AddScalar(Tensor.Neg(Tensor.Mul(xy[2], Tensor.Sub(xy[0], xy[1]))), margin)

            reduce reduction (OpsElementwise.clamp (Some 0.0) None v))

    /// marginRanking with margin 0 (torch.nn.functional.margin_ranking_loss's default).
    let marginRanking (x1: Tensor) (x2: Tensor) (target: Tensor) : Tensor =
        marginRankingWith Reduction.Mean 0.0 x1 x2 target

namespace Nabla.NN

open System
open System.Runtime.InteropServices
open Nabla
open Nabla.Raw

/// The base of the loss modules of two inputs (PyTorch's criterion): `criterion.Forward(output,
/// target)` (or `Invoke`) computes the loss; the one-input Forward is not supported. A loss
/// module has no parameters; class weights are buffers (converted and moved with the module, as
/// PyTorch registers them). Printed as PyTorch prints it, `MSELoss()`, with the options that
/// differ from the defaults inside the parentheses (PyTorch shows none).
[<AbstractClass>]
type LossModule(reduction: Reduction) =
    inherit Module()

    do
        if isNull (box reduction) then
            nullArg "reduction"

    /// The reduction (Mean by default).
    member _.Reduction = reduction

    /// The loss of input against target.
    abstract Loss: input: Tensor * target: Tensor -> Tensor

    /// Not supported: a loss takes two inputs; call Forward(input, target).
    override this.Forward(_: Tensor) : Tensor =
        raise (
            NotSupportedException
                $"{this.TypeName} takes two inputs: call Forward(input, target) (or Invoke(input, target)); it cannot be used inside Sequential."
        )

    /// The loss of input against target (PyTorch's `criterion(input, target)`).
    member this.Forward(input: Tensor, target: Tensor) : Tensor = this.Loss(input, target)

    /// The same as Forward(input, target).
    member this.Invoke(input: Tensor, target: Tensor) : Tensor = this.Loss(input, target)

    /// The loss as an F# function of input and target: `List.map2 criterion.AsFunction outputs targets`.
    member this.AsFunction: Tensor -> Tensor -> Tensor =
        fun input target -> this.Loss(input, target)

    /// The options that differ from PyTorch's defaults, as PyTorch names them ("" when none).
    abstract Options: unit -> (string * string) list
    default _.Options() = []

    override this.ExtraRepr() =
        let reductionPart =
            if reduction = Reduction.Mean then
                []
            else
                [ "reduction", $"'{reduction.Name}'" ]

        reductionPart @ this.Options()
        |> List.map (fun (k, v) -> $"{k}={v}")
        |> String.concat ", "

/// Shared by the loss modules.
module internal LossModules =
    let reductionOr (r: Reduction option) = defaultArg r Reduction.Mean

    /// A float as Python prints it (0.5, 1.0, 0.1).
    let py (v: float) =
        let s = v.ToString("R", Globalization.CultureInfo.InvariantCulture)

        if s.Contains "." || s.Contains "E" || s.Contains "N" || s.Contains "I" then
            s
        else
            s + ".0"

/// Mean squared error (PyTorch's nn.MSELoss): Forward(input, target) = Loss.mseWith reduction.
type MSELoss(?reduction: Reduction) =
    inherit LossModule(LossModules.reductionOr reduction)

    override this.Loss(input, target) =
        Loss.mseWith this.Reduction input target

/// Mean absolute error (PyTorch's nn.L1Loss): Forward(input, target) = Loss.l1With reduction.
type L1Loss(?reduction: Reduction) =
    inherit LossModule(LossModules.reductionOr reduction)
    override this.Loss(input, target) = Loss.l1With this.Reduction input target

/// Smooth L1 (PyTorch's nn.SmoothL1Loss, beta 1 by default): Loss.smoothL1With reduction beta.
type SmoothL1Loss(?reduction: Reduction, ?beta: float) =
    inherit LossModule(LossModules.reductionOr reduction)
    let beta = defaultArg beta 1.0

    do
        if not (beta >= 0.0) then
            invalidArg "beta" $"SmoothL1Loss: beta must be non-negative; got {beta}."

    /// The boundary between the quadratic and the linear part.
    member _.Beta = beta

    override this.Loss(input, target) =
        Loss.smoothL1With this.Reduction beta input target

    override _.Options() =
        if beta = 1.0 then [] else [ "beta", LossModules.py beta ]

/// Huber loss (PyTorch's nn.HuberLoss, delta 1 by default): Loss.huberWith reduction delta.
type HuberLoss(?reduction: Reduction, ?delta: float) =
    inherit LossModule(LossModules.reductionOr reduction)
    let delta = defaultArg delta 1.0

    do
        if not (delta > 0.0) then
            invalidArg "delta" $"HuberLoss: delta must be positive; got {delta}."

    /// The boundary between the quadratic and the linear part.
    member _.Delta = delta

    override this.Loss(input, target) =
        Loss.huberWith this.Reduction delta input target

    override _.Options() =
        if delta = 1.0 then
            []
        else
            [ "delta", LossModules.py delta ]

/// Binary cross-entropy of probabilities (PyTorch's nn.BCELoss), with an optional weight that
/// broadcasts to the input: Loss.bceWith reduction weight.
type BCELoss(?weight: Tensor, ?reduction: Reduction) as this =
    inherit LossModule(LossModules.reductionOr reduction)
    let weight = weight |> Option.map (fun w -> this.RegisterBuffer("weight", w))

    /// The weight (a buffer), if any.
    member _.Weight = weight

    override this.Loss(input, target) =
        Loss.bceWith this.Reduction weight input target

/// Binary cross-entropy of logits (PyTorch's nn.BCEWithLogitsLoss), with an optional weight and
/// posWeight (buffers): Loss.bceWithLogitsWith reduction weight posWeight.
type BCEWithLogitsLoss(?weight: Tensor, ?reduction: Reduction, ?posWeight: Tensor) as this =
    inherit LossModule(LossModules.reductionOr reduction)
    let weight = weight |> Option.map (fun w -> this.RegisterBuffer("weight", w))

    let posWeight =
        posWeight |> Option.map (fun w -> this.RegisterBuffer("pos_weight", w))

    /// The weight (a buffer), if any.
    member _.Weight = weight
    /// The weight of positive examples (a buffer, PyTorch's pos_weight), if any.
    member _.PosWeight = posWeight

    override this.Loss(input, target) =
        Loss.bceWithLogitsWith this.Reduction weight posWeight input target

/// Cross-entropy of logits (PyTorch's nn.CrossEntropyLoss): class indices or class probabilities
/// as targets, an optional class weight [C] (a buffer), ignoreIndex (-100) and labelSmoothing (0):
/// Loss.crossEntropyWith reduction weight ignoreIndex labelSmoothing.
type CrossEntropyLoss(?weight: Tensor, ?ignoreIndex: int, ?reduction: Reduction, ?labelSmoothing: float) as this =
    inherit LossModule(LossModules.reductionOr reduction)
    let ignoreIndex = defaultArg ignoreIndex -100
    let labelSmoothing = defaultArg labelSmoothing 0.0

    do
        if not (labelSmoothing >= 0.0 && labelSmoothing <= 1.0) then
            invalidArg "labelSmoothing" $"CrossEntropyLoss: labelSmoothing must be in [0, 1]; got {labelSmoothing}."

    let weight = weight |> Option.map (fun w -> this.RegisterBuffer("weight", w))

    /// The class weight (a buffer), if any.
    member _.Weight = weight
    /// Targets equal to this class index count for nothing.
    member _.IgnoreIndex = ignoreIndex
    /// The share ε of the uniform distribution mixed into the targets.
    member _.LabelSmoothing = labelSmoothing

    override this.Loss(input, target) =
        Loss.crossEntropyWith this.Reduction weight ignoreIndex labelSmoothing input target

    override _.Options() =
        [
            if ignoreIndex <> -100 then
                "ignore_index", string ignoreIndex
            if labelSmoothing <> 0.0 then
                "label_smoothing", LossModules.py labelSmoothing
        ]

/// Negative log-likelihood of log-probabilities (PyTorch's nn.NLLLoss), with an optional class
/// weight [C] (a buffer) and ignoreIndex (-100): Loss.nllWith reduction weight ignoreIndex.
type NLLLoss(?weight: Tensor, ?ignoreIndex: int, ?reduction: Reduction) as this =
    inherit LossModule(LossModules.reductionOr reduction)
    let ignoreIndex = defaultArg ignoreIndex -100
    let weight = weight |> Option.map (fun w -> this.RegisterBuffer("weight", w))

    /// The class weight (a buffer), if any.
    member _.Weight = weight
    /// Targets equal to this class index count for nothing.
    member _.IgnoreIndex = ignoreIndex

    override this.Loss(input, target) =
        Loss.nllWith this.Reduction weight ignoreIndex input target

    override _.Options() =
        if ignoreIndex <> -100 then
            [ "ignore_index", string ignoreIndex ]
        else
            []

/// Kullback-Leibler divergence (PyTorch's nn.KLDivLoss; reduction Mean, Sum, None or BatchMean;
/// logTarget false by default): Loss.klDivWith reduction logTarget.
type KLDivLoss(?reduction: Reduction, ?logTarget: bool) =
    inherit LossModule(LossModules.reductionOr reduction)
    let logTarget = defaultArg logTarget false

    /// Whether the target holds log-probabilities.
    member _.LogTarget = logTarget

    override this.Loss(input, target) =
        Loss.klDivWith this.Reduction logTarget input target

    override _.Options() =
        if logTarget then [ "log_target", "True" ] else []

/// Shared by the loss modules of three inputs (x1, x2, target).
[<AbstractClass>]
type RankingLossModule(reduction: Reduction, margin: float) =
    inherit Module()

    do
        if isNull (box reduction) then
            nullArg "reduction"

    /// The reduction (Mean by default).
    member _.Reduction = reduction
    /// The margin (0 by default).
    member _.Margin = margin

    /// The loss of x1 and x2 against target.
    abstract Loss: x1: Tensor * x2: Tensor * target: Tensor -> Tensor

    /// Not supported: this loss takes three inputs; call Forward(x1, x2, target).
    override this.Forward(_: Tensor) : Tensor =
        raise (
            NotSupportedException
                $"{this.TypeName} takes three inputs: call Forward(x1, x2, target) (or Invoke); it cannot be used inside Sequential."
        )

    /// The loss of x1 and x2 against target (PyTorch's `criterion(x1, x2, target)`).
    member this.Forward(x1: Tensor, x2: Tensor, target: Tensor) : Tensor = this.Loss(x1, x2, target)

    /// The same as Forward(x1, x2, target).
    member this.Invoke(x1: Tensor, x2: Tensor, target: Tensor) : Tensor = this.Loss(x1, x2, target)

    override _.ExtraRepr() =
        [
            if margin <> 0.0 then
                $"margin={LossModules.py margin}"
            if reduction <> Reduction.Mean then
                $"reduction='{reduction.Name}'"
        ]
        |> String.concat ", "

/// PyTorch's nn.CosineEmbeddingLoss (margin 0 by default): Forward(x1, x2, y) =
/// Loss.cosineEmbeddingWith reduction margin x1 x2 y.
type CosineEmbeddingLoss(?margin: float, ?reduction: Reduction) =
    inherit RankingLossModule(LossModules.reductionOr reduction, defaultArg margin 0.0)

    override this.Loss(x1, x2, target) =
        Loss.cosineEmbeddingWith this.Reduction this.Margin x1 x2 target

/// PyTorch's nn.MarginRankingLoss (margin 0 by default): Forward(x1, x2, y) =
/// Loss.marginRankingWith reduction margin x1 x2 y.
type MarginRankingLoss(?margin: float, ?reduction: Reduction) =
    inherit RankingLossModule(LossModules.reductionOr reduction, defaultArg margin 0.0)

    override this.Loss(x1, x2, target) =
        Loss.marginRankingWith this.Reduction this.Margin x1 x2 target
