namespace Nabla.Optimizers

open Nabla
open Nabla.Raw

/// The in-place arithmetic of RMSprop on LibTorch tensors, op for op PyTorch 1.13's
/// `_single_tensor_rmsprop`.
module internal RMSpropKernel =
    open ElementwiseKernel

    /// A group's options, read once per step.
    type Options =
        {
            Lr: float
            Alpha: float
            Eps: float
            WeightDecay: float
            Momentum: float
            Centered: bool
            Maximize: bool
        }

    let options (group: ParamGroup) =
        {
            Lr = group.Lr
            Alpha = group["alpha"]
            Eps = group["eps"]
            WeightDecay = group["weightDecay"]
            Momentum = group["momentum"]
            Centered = group.Flag "centered"
            Maximize = group.Flag "maximize"
        }

    let validate (group: ParamGroup) =
        Optimizer.CheckNonNegative("RMSprop", group, "eps", "momentum", "weightDecay", "alpha")

    let update (o: Options) (data: Tensor) (grad: Tensor) (state: ParamState) =
        let p = Prim.RawOf data
        let squareAvg = buffer state "square_avg" data
        state.Step <- state.Step + 1.0
        let g, temporary = effectiveGrad o.Maximize o.WeightDecay p (Prim.RawOf grad)
        use _ = temporary
        squareAvg.mul_(scalar o.Alpha).addcmul_(g, g, scalar (1.0 - o.Alpha)) |> ignore

        use avg =
            if o.Centered then
                let gradAvg = buffer state "grad_avg" data
                gradAvg.mul_(scalar o.Alpha).add_(g, scalar (1.0 - o.Alpha)) |> ignore
                squareAvg.addcmul(gradAvg, gradAvg, scalar -1.0).sqrt_()
            else
                squareAvg.sqrt ()

        avg.add_ (scalar o.Eps, scalarInt 1L) |> ignore

        if o.Momentum > 0.0 then
            let buf = buffer state "momentum_buffer" data
            buf.mul_(scalar o.Momentum).addcdiv_(g, avg, scalar 1.0) |> ignore
            p.add_ (buf, scalar -o.Lr) |> ignore
        else
            p.addcdiv_ (g, avg, scalar -o.Lr) |> ignore

/// RMSprop (PyTorch's `torch.optim.RMSprop`, same update and defaults): the gradient divided by
/// the root of a running average of its square (smoothing `alpha`); optionally centered (the
/// running average of the gradient subtracted, an estimate of its variance), with momentum, L2
/// weight decay and maximize.
[<Sealed>]
type RMSprop
    (
        groups: seq<ParamGroup>,
        ?lr: float,
        ?alpha: float,
        ?eps: float,
        ?weightDecay: float,
        ?momentum: float,
        ?centered: bool,
        ?maximize: bool
    ) =
    inherit
        Optimizer(
            "RMSprop",
            groups,
            [
                "lr", defaultArg lr 1e-2
                "alpha", defaultArg alpha 0.99
                "eps", defaultArg eps 1e-8
                "weightDecay", defaultArg weightDecay 0.0
                "momentum", defaultArg momentum 0.0
            ],
            [ "centered", defaultArg centered false; "maximize", defaultArg maximize false ],
            RMSpropKernel.validate
        )

    /// RMSprop over these parameters, all with the same options.
    new(parameters: seq<Tensor>, ?lr, ?alpha, ?eps, ?weightDecay, ?momentum, ?centered, ?maximize) =
        RMSprop(
            [ ParamGroup parameters ],
            ?lr = lr,
            ?alpha = alpha,
            ?eps = eps,
            ?weightDecay = weightDecay,
            ?momentum = momentum,
            ?centered = centered,
            ?maximize = maximize
        )

    /// Updates every parameter that has a gradient once, reading each group's options once.
    override this.Step() =
        AD.noGrad (fun () -> this.ForEachWithGrad(ElementwiseKernel.perGroup RMSpropKernel.options RMSpropKernel.update))

    /// One parameter's RMSprop update.
    override _.UpdateParameter(group, data, grad, state) =
        RMSpropKernel.update (RMSpropKernel.options group) data grad state
