namespace Nabla.Optimizers

open Nabla
open Nabla.Raw

/// What the elementwise optimizers (Adam family, RMSprop, Adagrad, Adadelta) share: reading a
/// group's options once per step, state buffers, the gradient with maximize and L2 weight decay,
/// option checks, and the shape check of saved buffers.
module internal ElementwiseKernel =

    /// An update over a parameter's values, gradient and state that reads a group's options once
    /// per step (ForEachWithGrad visits the parameters group by group), not once per parameter.
    let perGroup (read: ParamGroup -> 'Options) (update: 'Options -> Tensor -> Tensor -> ParamState -> unit) =
        let last: ParamGroup ref = ref null
        let options = ref Unchecked.defaultof<'Options>

        fun (group: ParamGroup) (data: Tensor) (grad: Tensor) (state: ParamState) ->
            if not (obj.ReferenceEquals(group, last.Value)) then
                options.Value <- read group
                last.Value <- group

            update options.Value data grad state

    /// The named buffer of a parameter's state, created zero-filled (zeros_like) at first use.
    let buffer (state: ParamState) (name: string) (like: Tensor) : RawTensor =
        match state.Buffers.TryGetValue name with
        | true, b -> Prim.RawOf b
        | _ ->
            let b = Optimizer.ZerosLike like
            state.Buffers[name] <- b
            Prim.RawOf b

    /// The gradient an update uses (PyTorch's `grad = -grad if maximize`, then
    /// `grad.add(param, alpha=weight_decay)`), and the temporary to dispose after the update
    /// (null when the gradient is used as is).
    let effectiveGrad (maximize: bool) (weightDecay: float) (p: RawTensor) (grad: RawTensor) : RawTensor * RawTensor =
        let g = if maximize then grad.neg () else grad

        if weightDecay <> 0.0 then
            let d = g.add (p, scalar weightDecay)

            if maximize then
                g.Dispose()

            d, d
        elif maximize then
            g, g
        else
            g, null

    /// Throws when betas are outside [0, 1).
    let checkBetas (name: string) (group: ParamGroup) =
        let b1, b2 = group.Betas

        if not (b1 >= 0.0 && b1 < 1.0 && b2 >= 0.0 && b2 < 1.0) then
            raise (System.ArgumentOutOfRangeException("betas", $"{name}: invalid betas ({b1}, {b2}): each must be in [0, 1)."))

/// The in-place arithmetic of the Adam family on LibTorch tensors, op for op PyTorch 1.13's
/// single-tensor code (`_single_tensor_adam`, `_adamw`, `_adamax`, `_nadam`, `_radam`), with
/// fewer temporaries where an in-place op computes the same values.
module internal AdamKernel =
    open ElementwiseKernel

    /// A group's options, read once per step.
    type Options =
        {
            Lr: float
            Beta1: float
            Beta2: float
            Eps: float
            WeightDecay: float
            Amsgrad: bool
            Maximize: bool
            MomentumDecay: float
        }

    let options (group: ParamGroup) =
        {
            Lr = group.Lr
            Beta1 = group["beta1"]
            Beta2 = group["beta2"]
            Eps = group["eps"]
            WeightDecay = group["weightDecay"]
            Amsgrad = group.Flag "amsgrad"
            Maximize = group.Flag "maximize"
            MomentumDecay =
                if group.HasOption "momentumDecay" then
                    group["momentumDecay"]
                else
                    0.0
        }

    let validate (name: string) (group: ParamGroup) =
        Optimizer.CheckNonNegative(name, group, "eps", "weightDecay", "momentumDecay")
        checkBetas name group

    /// Adam, and AdamW when `decoupled` (weight decay shrinks the parameter instead of adding to
    /// the gradient).
    let adam (decoupled: bool) (o: Options) (data: Tensor) (grad: Tensor) (state: ParamState) =
        let p = Prim.RawOf data
        let expAvg = buffer state "exp_avg" data
        let expAvgSq = buffer state "exp_avg_sq" data
        state.Step <- state.Step + 1.0
        let step = state.Step

        let g, temporary =
            effectiveGrad o.Maximize (if decoupled then 0.0 else o.WeightDecay) p (Prim.RawOf grad)

        use _ = temporary

        if decoupled && o.WeightDecay <> 0.0 then
            p.mul_ (scalar (1.0 - o.Lr * o.WeightDecay)) |> ignore

        expAvg.mul_(scalar o.Beta1).add_(g, scalar (1.0 - o.Beta1)) |> ignore
        expAvgSq.mul_(scalar o.Beta2).addcmul_(g, g, scalar (1.0 - o.Beta2)) |> ignore
        let biasCorrection1 = 1.0 - o.Beta1 ** step
        let biasCorrection2 = 1.0 - o.Beta2 ** step
        let stepSize = o.Lr / biasCorrection1

        let second =
            if o.Amsgrad then
                let m = buffer state "max_exp_avg_sq" data
                // torch.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq): clamp with a
                // tensor minimum only is LibTorch's maximum kernel, in place
                m.clamp_ (expAvgSq, null) |> ignore
                m
            else
                expAvgSq

        use denom = second.sqrt ()

        denom.div_(scalar (sqrt biasCorrection2)).add_(scalar o.Eps, scalarInt 1L)
        |> ignore

        p.addcdiv_ (expAvg, denom, scalar -stepSize) |> ignore

    let adamax (o: Options) (data: Tensor) (grad: Tensor) (state: ParamState) =
        let p = Prim.RawOf data
        let expAvg = buffer state "exp_avg" data
        let expInf = buffer state "exp_inf" data
        state.Step <- state.Step + 1.0
        let g, temporary = effectiveGrad o.Maximize o.WeightDecay p (Prim.RawOf grad)
        use _ = temporary
        expAvg.mul_(scalar o.Beta1).add_(g, scalar (1.0 - o.Beta1)) |> ignore
        // amax(cat([exp_inf * beta2, |grad| + eps]), 0, out=exp_inf), without the stacked copy
        use bound = g.abs ()
        bound.add_ (scalar o.Eps, scalarInt 1L) |> ignore
        expInf.mul_(scalar o.Beta2).clamp_(bound, null) |> ignore
        let clr = o.Lr / (1.0 - o.Beta1 ** state.Step)
        p.addcdiv_ (expAvg, expInf, scalar -clr) |> ignore

    let nadam (o: Options) (data: Tensor) (grad: Tensor) (state: ParamState) =
        let p = Prim.RawOf data
        let expAvg = buffer state "exp_avg" data
        let expAvgSq = buffer state "exp_avg_sq" data
        state.Step <- state.Step + 1.0
        let step = state.Step
        let biasCorrection2 = 1.0 - o.Beta2 ** step
        let g, temporary = effectiveGrad o.Maximize o.WeightDecay p (Prim.RawOf grad)
        use _ = temporary
        // the momentum cache mu_t and mu_{t+1}
        let mu = o.Beta1 * (1.0 - 0.5 * (0.96 ** (step * o.MomentumDecay)))
        let muNext = o.Beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1.0) * o.MomentumDecay)))

        let muProduct =
            match state.Values.TryGetValue "mu_product" with
            | true, v -> v * mu
            | _ -> mu

        state.Values["mu_product"] <- muProduct
        let muProductNext = muProduct * mu * muNext
        expAvg.mul_(scalar o.Beta1).add_(g, scalar (1.0 - o.Beta1)) |> ignore
        expAvgSq.mul_(scalar o.Beta2).addcmul_(g, g, scalar (1.0 - o.Beta2)) |> ignore
        use denom = expAvgSq.div (scalar biasCorrection2)
        denom.sqrt_().add_(scalar o.Eps, scalarInt 1L) |> ignore
        p.addcdiv_ (g, denom, scalar (-o.Lr * (1.0 - mu) / (1.0 - muProduct))) |> ignore

        p.addcdiv_ (expAvg, denom, scalar (-o.Lr * muNext / (1.0 - muProductNext)))
        |> ignore

    let radam (o: Options) (data: Tensor) (grad: Tensor) (state: ParamState) =
        let p = Prim.RawOf data
        let expAvg = buffer state "exp_avg" data
        let expAvgSq = buffer state "exp_avg_sq" data
        state.Step <- state.Step + 1.0
        let step = state.Step
        let biasCorrection1 = 1.0 - o.Beta1 ** step
        let biasCorrection2 = 1.0 - o.Beta2 ** step
        let g, temporary = effectiveGrad o.Maximize o.WeightDecay p (Prim.RawOf grad)
        use _ = temporary
        expAvg.mul_(scalar o.Beta1).add_(g, scalar (1.0 - o.Beta1)) |> ignore
        expAvgSq.mul_(scalar o.Beta2).addcmul_(g, g, scalar (1.0 - o.Beta2)) |> ignore
        use update = expAvg.div (scalar biasCorrection1)
        update.mul_ (scalar o.Lr) |> ignore
        // the maximum length of the approximated simple moving average, and its length now
        let rhoInf = 2.0 / (1.0 - o.Beta2) - 1.0
        let rhoT = rhoInf - 2.0 * step * (o.Beta2 ** step) / biasCorrection2

        if rhoT > 5.0 then
            // the variance rectification: bias_corrected_exp_avg * lr * adaptive_lr * rect
            let rect =
                sqrt ((rhoT - 4.0) * (rhoT - 2.0) * rhoInf / ((rhoInf - 4.0) * (rhoInf - 2.0) * rhoT))

            // adaptive_lr = sqrt(bias_correction2) / (sqrt(exp_avg_sq) + eps), which PyTorch
            // computes as reciprocal() * sqrt(bias_correction2)
            use adaptiveLr = expAvgSq.sqrt ()

            adaptiveLr.add_(scalar o.Eps, scalarInt 1L).reciprocal_().mul_(scalar (sqrt biasCorrection2))
            |> ignore

            update.mul_(adaptiveLr).mul_(scalar rect) |> ignore

        p.add_ (update, scalar -1.0) |> ignore

/// Adam (PyTorch's `torch.optim.Adam`, same update and defaults): running averages of the
/// gradient and of its square (betas), bias-corrected; optional L2 weight decay added to the
/// gradient, the AMSGrad variant (the running maximum of the second moment) and maximize.
[<Sealed>]
type Adam(groups: seq<ParamGroup>, ?lr: float, ?betas: float * float, ?eps: float, ?weightDecay: float, ?amsgrad: bool, ?maximize: bool) =
    inherit
        Optimizer(
            "Adam",
            groups,
            [
                "lr", defaultArg lr 1e-3
                "beta1", fst (defaultArg betas (0.9, 0.999))
                "beta2", snd (defaultArg betas (0.9, 0.999))
                "eps", defaultArg eps 1e-8
                "weightDecay", defaultArg weightDecay 0.0
            ],
            [ "amsgrad", defaultArg amsgrad false; "maximize", defaultArg maximize false ],
            AdamKernel.validate "Adam"
        )

    /// Adam over these parameters, all with the same options.
    new(parameters: seq<Tensor>, ?lr, ?betas, ?eps, ?weightDecay, ?amsgrad, ?maximize) =
        Adam(
            [ ParamGroup parameters ],
            ?lr = lr,
            ?betas = betas,
            ?eps = eps,
            ?weightDecay = weightDecay,
            ?amsgrad = amsgrad,
            ?maximize = maximize
        )

    /// Updates every parameter that has a gradient once, reading each group's options once.
    override this.Step() =
        AD.noGrad (fun () -> this.ForEachWithGrad(ElementwiseKernel.perGroup AdamKernel.options (AdamKernel.adam false)))

    /// One parameter's Adam update.
    override _.UpdateParameter(group, data, grad, state) =
        AdamKernel.adam false (AdamKernel.options group) data grad state


/// AdamW (PyTorch's `torch.optim.AdamW`): Adam with decoupled weight decay, which shrinks the
/// parameters by lr·weightDecay each step instead of adding to the gradient (default 1e-2).
[<Sealed>]
type AdamW(groups: seq<ParamGroup>, ?lr: float, ?betas: float * float, ?eps: float, ?weightDecay: float, ?amsgrad: bool, ?maximize: bool) =
    inherit
        Optimizer(
            "AdamW",
            groups,
            [
                "lr", defaultArg lr 1e-3
                "beta1", fst (defaultArg betas (0.9, 0.999))
                "beta2", snd (defaultArg betas (0.9, 0.999))
                "eps", defaultArg eps 1e-8
                "weightDecay", defaultArg weightDecay 1e-2
            ],
            [ "amsgrad", defaultArg amsgrad false; "maximize", defaultArg maximize false ],
            AdamKernel.validate "AdamW"
        )

    /// AdamW over these parameters, all with the same options.
    new(parameters: seq<Tensor>, ?lr, ?betas, ?eps, ?weightDecay, ?amsgrad, ?maximize) =
        AdamW(
            [ ParamGroup parameters ],
            ?lr = lr,
            ?betas = betas,
            ?eps = eps,
            ?weightDecay = weightDecay,
            ?amsgrad = amsgrad,
            ?maximize = maximize
        )

    /// Updates every parameter that has a gradient once, reading each group's options once.
    override this.Step() =
        AD.noGrad (fun () -> this.ForEachWithGrad(ElementwiseKernel.perGroup AdamKernel.options (AdamKernel.adam true)))

    /// One parameter's AdamW update.
    override _.UpdateParameter(group, data, grad, state) =
        AdamKernel.adam true (AdamKernel.options group) data grad state


/// Adamax (PyTorch's `torch.optim.Adamax`): Adam with the infinity norm, a running maximum of
/// |gradient| (state `exp_inf`) in place of the second moment; default lr 2e-3.
[<Sealed>]
type Adamax(groups: seq<ParamGroup>, ?lr: float, ?betas: float * float, ?eps: float, ?weightDecay: float, ?maximize: bool) =
    inherit
        Optimizer(
            "Adamax",
            groups,
            [
                "lr", defaultArg lr 2e-3
                "beta1", fst (defaultArg betas (0.9, 0.999))
                "beta2", snd (defaultArg betas (0.9, 0.999))
                "eps", defaultArg eps 1e-8
                "weightDecay", defaultArg weightDecay 0.0
            ],
            [ "maximize", defaultArg maximize false ],
            AdamKernel.validate "Adamax"
        )

    /// Adamax over these parameters, all with the same options.
    new(parameters: seq<Tensor>, ?lr, ?betas, ?eps, ?weightDecay, ?maximize) =
        Adamax([ ParamGroup parameters ], ?lr = lr, ?betas = betas, ?eps = eps, ?weightDecay = weightDecay, ?maximize = maximize)

    /// Updates every parameter that has a gradient once, reading each group's options once.
    override this.Step() =
        AD.noGrad (fun () -> this.ForEachWithGrad(ElementwiseKernel.perGroup AdamKernel.options AdamKernel.adamax))

    /// One parameter's Adamax update.
    override _.UpdateParameter(group, data, grad, state) =
        AdamKernel.adamax (AdamKernel.options group) data grad state


/// NAdam (PyTorch's `torch.optim.NAdam`): Adam with Nesterov momentum, the momentum schedule
/// decaying by momentumDecay (state `mu_product`, a number); default lr 2e-3. `maximize` is
/// PyTorch 2's (1.13 has none).
[<Sealed>]
type NAdam
    (groups: seq<ParamGroup>, ?lr: float, ?betas: float * float, ?eps: float, ?weightDecay: float, ?momentumDecay: float, ?maximize: bool) =
    inherit
        Optimizer(
            "NAdam",
            groups,
            [
                "lr", defaultArg lr 2e-3
                "beta1", fst (defaultArg betas (0.9, 0.999))
                "beta2", snd (defaultArg betas (0.9, 0.999))
                "eps", defaultArg eps 1e-8
                "weightDecay", defaultArg weightDecay 0.0
                "momentumDecay", defaultArg momentumDecay 4e-3
            ],
            [ "maximize", defaultArg maximize false ],
            AdamKernel.validate "NAdam"
        )

    /// NAdam over these parameters, all with the same options.
    new(parameters: seq<Tensor>, ?lr, ?betas, ?eps, ?weightDecay, ?momentumDecay, ?maximize) =
        NAdam(
            [ ParamGroup parameters ],
            ?lr = lr,
            ?betas = betas,
            ?eps = eps,
            ?weightDecay = weightDecay,
            ?momentumDecay = momentumDecay,
            ?maximize = maximize
        )

    /// Updates every parameter that has a gradient once, reading each group's options once.
    override this.Step() =
        AD.noGrad (fun () -> this.ForEachWithGrad(ElementwiseKernel.perGroup AdamKernel.options AdamKernel.nadam))

    /// One parameter's NAdam update.
    override _.UpdateParameter(group, data, grad, state) =
        AdamKernel.nadam (AdamKernel.options group) data grad state

    /// mu_product is a number, not a buffer.
    override _.StateValueNames = [ "mu_product" ]

/// RAdam (PyTorch's `torch.optim.RAdam`): Adam with the variance of the adaptive learning rate
/// rectified; in the first steps (while the approximated moving average is at most 5 long) it
/// takes plain bias-corrected momentum steps. `maximize` is PyTorch 2's (1.13 has none).
[<Sealed>]
type RAdam(groups: seq<ParamGroup>, ?lr: float, ?betas: float * float, ?eps: float, ?weightDecay: float, ?maximize: bool) =
    inherit
        Optimizer(
            "RAdam",
            groups,
            [
                "lr", defaultArg lr 1e-3
                "beta1", fst (defaultArg betas (0.9, 0.999))
                "beta2", snd (defaultArg betas (0.9, 0.999))
                "eps", defaultArg eps 1e-8
                "weightDecay", defaultArg weightDecay 0.0
            ],
            [ "maximize", defaultArg maximize false ],
            AdamKernel.validate "RAdam"
        )

    /// RAdam over these parameters, all with the same options.
    new(parameters: seq<Tensor>, ?lr, ?betas, ?eps, ?weightDecay, ?maximize) =
        RAdam([ ParamGroup parameters ], ?lr = lr, ?betas = betas, ?eps = eps, ?weightDecay = weightDecay, ?maximize = maximize)

    /// Updates every parameter that has a gradient once, reading each group's options once.
    override this.Step() =
        AD.noGrad (fun () -> this.ForEachWithGrad(ElementwiseKernel.perGroup AdamKernel.options AdamKernel.radam))

    /// One parameter's RAdam update.
    override _.UpdateParameter(group, data, grad, state) =
        AdamKernel.radam (AdamKernel.options group) data grad state
