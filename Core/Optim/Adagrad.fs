namespace Nabla.Optimizers

open Nabla
open Nabla.Raw

/// The in-place arithmetic of Adagrad and Adadelta on LibTorch tensors, op for op PyTorch 1.13's
/// `_single_tensor_adagrad` (dense gradients) and `_single_tensor_adadelta`.
module internal AdagradKernel =
    open ElementwiseKernel

    /// A group's options, read once per step (Adagrad's and Adadelta's).
    type Options =
        {
            Lr: float
            Eps: float
            WeightDecay: float
            Maximize: bool
            LrDecay: float
            InitialAccumulatorValue: float
            Rho: float
        }

    let private optional (group: ParamGroup) (name: string) =
        if group.HasOption name then group[name] else 0.0

    let options (group: ParamGroup) =
        {
            Lr = group.Lr
            Eps = group["eps"]
            WeightDecay = group["weightDecay"]
            Maximize = group.Flag "maximize"
            LrDecay = optional group "lrDecay"
            InitialAccumulatorValue = optional group "initialAccumulatorValue"
            Rho = optional group "rho"
        }

    let validateAdagrad (group: ParamGroup) =
        Optimizer.CheckNonNegative("Adagrad", group, "lrDecay", "weightDecay", "initialAccumulatorValue", "eps")

    let validateAdadelta (group: ParamGroup) =
        let rho = group["rho"]

        if not (rho >= 0.0 && rho <= 1.0) then
            raise (System.ArgumentOutOfRangeException("rho", $"Adadelta: invalid rho: {rho} (it must be in [0, 1])."))

        Optimizer.CheckNonNegative("Adadelta", group, "eps", "weightDecay")

    let adagrad (o: Options) (data: Tensor) (grad: Tensor) (state: ParamState) =
        let p = Prim.RawOf data

        let sum =
            match state.Buffers.TryGetValue "sum" with
            | true, b -> Prim.RawOf b
            | _ ->
                // full_like(param, initial_accumulator_value)
                let b = Optimizer.ZerosLike data
                state.Buffers["sum"] <- b
                (Prim.RawOf b).fill_(scalar o.InitialAccumulatorValue)

        state.Step <- state.Step + 1.0
        let g, temporary = effectiveGrad o.Maximize o.WeightDecay p (Prim.RawOf grad)
        use _ = temporary
        let clr = o.Lr / (1.0 + (state.Step - 1.0) * o.LrDecay)
        sum.addcmul_ (g, g, scalar 1.0) |> ignore
        use std = sum.sqrt ()
        std.add_ (scalar o.Eps, scalarInt 1L) |> ignore
        p.addcdiv_ (g, std, scalar -clr) |> ignore

    let adadelta (o: Options) (data: Tensor) (grad: Tensor) (state: ParamState) =
        let p = Prim.RawOf data
        let squareAvg = buffer state "square_avg" data
        let accDelta = buffer state "acc_delta" data
        state.Step <- state.Step + 1.0
        let g, temporary = effectiveGrad o.Maximize o.WeightDecay p (Prim.RawOf grad)
        use _ = temporary
        squareAvg.mul_(scalar o.Rho).addcmul_(g, g, scalar (1.0 - o.Rho)) |> ignore
        use std = squareAvg.add (scalar o.Eps, scalarInt 1L)
        std.sqrt_ () |> ignore
        use delta = accDelta.add (scalar o.Eps, scalarInt 1L)
        delta.sqrt_().div_(std).mul_(g) |> ignore

        accDelta.mul_(scalar o.Rho).addcmul_(delta, delta, scalar (1.0 - o.Rho))
        |> ignore

        p.add_ (delta, scalar -o.Lr) |> ignore

/// Adagrad (PyTorch's `torch.optim.Adagrad`, same update and defaults): the gradient divided by
/// the root of the sum of its past squares (state `sum`, starting at initialAccumulatorValue),
/// with the learning rate decayed as lr / (1 + (step − 1)·lrDecay); L2 weight decay and maximize.
[<Sealed>]
type Adagrad
    (
        groups: seq<ParamGroup>,
        ?lr: float,
        ?lrDecay: float,
        ?weightDecay: float,
        ?initialAccumulatorValue: float,
        ?eps: float,
        ?maximize: bool
    ) =
    inherit
        Optimizer(
            "Adagrad",
            groups,
            [
                "lr", defaultArg lr 1e-2
                "lrDecay", defaultArg lrDecay 0.0
                "weightDecay", defaultArg weightDecay 0.0
                "initialAccumulatorValue", defaultArg initialAccumulatorValue 0.0
                "eps", defaultArg eps 1e-10
            ],
            [ "maximize", defaultArg maximize false ],
            AdagradKernel.validateAdagrad
        )

    /// Adagrad over these parameters, all with the same options.
    new(parameters: seq<Tensor>, ?lr, ?lrDecay, ?weightDecay, ?initialAccumulatorValue, ?eps, ?maximize) =
        Adagrad(
            [ ParamGroup parameters ],
            ?lr = lr,
            ?lrDecay = lrDecay,
            ?weightDecay = weightDecay,
            ?initialAccumulatorValue = initialAccumulatorValue,
            ?eps = eps,
            ?maximize = maximize
        )

    /// Updates every parameter that has a gradient once, reading each group's options once.
    override this.Step() =
        AD.noGrad (fun () -> this.ForEachWithGrad(ElementwiseKernel.perGroup AdagradKernel.options AdagradKernel.adagrad))

    /// One parameter's Adagrad update.
    override _.UpdateParameter(group, data, grad, state) =
        AdagradKernel.adagrad (AdagradKernel.options group) data grad state


/// Adadelta (PyTorch's `torch.optim.Adadelta`, same update and defaults): steps scaled by the
/// ratio of running averages (smoothing `rho`) of past squared steps and squared gradients, times
/// lr (default 1.0); L2 weight decay and maximize.
[<Sealed>]
type Adadelta(groups: seq<ParamGroup>, ?lr: float, ?rho: float, ?eps: float, ?weightDecay: float, ?maximize: bool) =
    inherit
        Optimizer(
            "Adadelta",
            groups,
            [
                "lr", defaultArg lr 1.0
                "rho", defaultArg rho 0.9
                "eps", defaultArg eps 1e-6
                "weightDecay", defaultArg weightDecay 0.0
            ],
            [ "maximize", defaultArg maximize false ],
            AdagradKernel.validateAdadelta
        )

    /// Adadelta over these parameters, all with the same options.
    new(parameters: seq<Tensor>, ?lr, ?rho, ?eps, ?weightDecay, ?maximize) =
        Adadelta([ ParamGroup parameters ], ?lr = lr, ?rho = rho, ?eps = eps, ?weightDecay = weightDecay, ?maximize = maximize)

    /// Updates every parameter that has a gradient once, reading each group's options once.
    override this.Step() =
        AD.noGrad (fun () -> this.ForEachWithGrad(ElementwiseKernel.perGroup AdagradKernel.options AdagradKernel.adadelta))

    /// One parameter's Adadelta update.
    override _.UpdateParameter(group, data, grad, state) =
        AdagradKernel.adadelta (AdagradKernel.options group) data grad state
