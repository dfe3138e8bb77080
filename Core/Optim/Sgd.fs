namespace Nabla.Optimizers

open Nabla
open Nabla.Raw

/// The in-place arithmetic of SGD on LibTorch tensors (PyTorch's single-tensor `_single_tensor_sgd`).
module internal SgdKernel =

    let validate (group: ParamGroup) =
        Optimizer.CheckNonNegative("SGD", group, "momentum", "weightDecay")

        if group.Flag "nesterov" && (group["momentum"] <= 0.0 || group["dampening"] <> 0.0) then
            let momentum, dampening = group["momentum"], group["dampening"]

            invalidArg
                "nesterov"
                $"SGD: Nesterov momentum needs momentum > 0 and dampening = 0; got momentum {momentum}, dampening {dampening}."

    let update (group: ParamGroup) (data: Tensor) (grad: Tensor) (state: ParamState) =
        let p = Prim.RawOf data

        let lr, momentum, dampening, weightDecay =
            group.Lr, group["momentum"], group["dampening"], group["weightDecay"]

        let mutable d = Prim.RawOf grad

        if group.Flag "maximize" then
            d <- d.neg ()

        if weightDecay <> 0.0 then
            d <- d.add (p, scalar weightDecay)

        if momentum <> 0.0 then
            let buf =
                match state.Buffers.TryGetValue "momentum_buffer" with
                | true, b ->
                    let b = Prim.RawOf b
                    b.mul_(scalar momentum).add_(d, scalar (1.0 - dampening)) |> ignore
                    b
                | _ ->
                    let b = Optimizer.Copy(Const d)
                    state.Buffers["momentum_buffer"] <- b
                    Prim.RawOf b

            d <-
                if group.Flag "nesterov" then
                    d.add (buf, scalar momentum)
                else
                    buf

        p.add_ (d, scalar -lr) |> ignore

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight
/// decay (PyTorch's `torch.optim.SGD`, same update and defaults).
[<Sealed>]
type SGD(groups: seq<ParamGroup>, ?lr: float, ?momentum: float, ?dampening: float, ?weightDecay: float, ?nesterov: bool, ?maximize: bool) =
    inherit
        Optimizer(
            "SGD",
            groups,
            [
                "lr", defaultArg lr 1e-3
                "momentum", defaultArg momentum 0.0
                "dampening", defaultArg dampening 0.0
                "weightDecay", defaultArg weightDecay 0.0
            ],
            [ "nesterov", defaultArg nesterov false; "maximize", defaultArg maximize false ],
            SgdKernel.validate
        )

    /// SGD over these parameters, all with the same options.
    new(parameters: seq<Tensor>, ?lr, ?momentum, ?dampening, ?weightDecay, ?nesterov, ?maximize) =
        SGD(
            [ ParamGroup parameters ],
            ?lr = lr,
            ?momentum = momentum,
            ?dampening = dampening,
            ?weightDecay = weightDecay,
            ?nesterov = nesterov,
            ?maximize = maximize
        )

    override _.UpdateParameter(group, data, grad, state) = SgdKernel.update group data grad state
