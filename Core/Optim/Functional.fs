namespace Nabla.Optimizers

open System
open Nabla

/// The state of a functional optimizer: the number of updates made, and its buffers by
/// PyTorch's names (`exp_avg`, `momentum_buffer`, ...), each a Params with the parameters' names.
type OptState =
    {
        /// Updates made so far.
        Step: int
        /// Buffers by name, each with one tensor per parameter.
        Buffers: Map<string, Params>
    }

/// A functional optimizer (the pure style, like optax): `Init params` makes the state;
/// `Update grads state params` returns the updated parameters and the new state, changing
/// nothing in place. Its arithmetic is made of ordinary (differentiable) Nabla ops, so an update
/// can run inside a transform and be differentiated (meta-learning). Pair it with AD.gradParams:
/// `let g = AD.gradParams loss ps in let ps, st = opt.Update g st ps`.
type FunctionalOptimizer =
    {
        /// The optimizer's name ("adam", ...).
        Name: string
        /// The initial state for these parameters (zero buffers).
        Init: Params -> OptState
        /// The updated parameters and state, given the gradients, the state and the parameters.
        Update: Params -> OptState -> Params -> Params * OptState
    }

/// Building functional optimizers from a per-tensor rule.
module internal FunctionalKernel =

    /// A functional optimizer whose rule maps (step (1-based), param, grad, buffers) to the new
    /// param and buffers; buffers start as zeros.
    let make (name: string) (bufferNames: string list) (rule: int -> Tensor -> Tensor -> Tensor[] -> Tensor * Tensor[]) =
        let bufferNames = Array.ofList bufferNames

        let init (ps: Params) =
            if isNull (box ps) then
                nullArg "params"

            {
                Step = 0
                Buffers =
                    bufferNames
                    |> Array.map (fun b -> b, Params.map Tensor.zerosLike ps)
                    |> Map.ofArray
            }

        let update (grads: Params) (state: OptState) (ps: Params) =
            if isNull (box grads) then
                nullArg "grads"

            if isNull (box state) then
                nullArg "state"

            if isNull (box ps) then
                nullArg "params"

            let buffers =
                bufferNames
                |> Array.map (fun b ->
                    match state.Buffers.TryFind b with
                    | Some p -> p
                    | None ->
                        invalidArg "state" $"Optim.Functional.{name}: the state has no buffer '{b}'; make it with this optimizer's Init.")

            let step = state.Step + 1

            let results =
                ps.Entries
                |> Array.map (fun (n, p) ->
                    let g =
                        match grads.TryFind n with
                        | Some g -> g
                        | None ->
                            invalidArg
                                "grads"
                                $"Optim.Functional.{name}: the gradients have no entry '{n}'; pass the gradients of these parameters (AD.gradParams f params)."

                    if g.Shape <> p.Shape then
                        invalidArg
                            "grads"
                            $"Optim.Functional.{name}: the gradient of '{n}' has shape {Raw.shapeText g.Shape}; the parameter has shape {Raw.shapeText p.Shape}."

                    let bufs =
                        buffers
                        |> Array.mapi (fun i b ->
                            match b.TryFind n with
                            | Some t -> t
                            | None ->
                                invalidArg
                                    "state"
                                    $"Optim.Functional.{name}: buffer '{bufferNames[i]}' of the state has no entry '{n}'; make the state with Init over these parameters.")

                    n, rule step p g bufs)

            let newParams = Params(results |> Array.map (fun (n, (p, _)) -> n, p))

            let newBuffers =
                bufferNames
                |> Array.mapi (fun i b -> b, Params(results |> Array.map (fun (n, (_, bs)) -> n, bs[i])))
                |> Map.ofArray

            newParams, { Step = step; Buffers = newBuffers }

        {
            Name = name
            Init = init
            Update = update
        }

    let check (name: string) (option: string) (v: float) =
        if not (v >= 0.0) then
            raise (ArgumentOutOfRangeException(option, $"Optim.Functional.{name}: invalid {option}: {v} (it must be at least 0)."))

    let checkUnit (name: string) (option: string) (v: float) =
        if not (v >= 0.0 && v < 1.0) then
            raise (ArgumentOutOfRangeException(option, $"Optim.Functional.{name}: invalid {option}: {v} (it must be in [0, 1))."))

/// Functional optimizers (state in, state out over Params; see FunctionalOptimizer), with the
/// update rules, defaults and option names of PyTorch's optimizers (the single-tensor path of
/// PyTorch 1.13, op for op): `Optim.Functional.adam 0.01`,
/// `Optim.Functional.sgd(0.1, momentum = 0.9, nesterov = true)`.
[<AbstractClass; Sealed>]
type Functional =

    /// Stochastic gradient descent (PyTorch's SGD): momentum, dampening, Nesterov, weight decay,
    /// maximize. Buffer: `momentum_buffer` (with momentum).
    static member sgd
        (lr: float, ?momentum: float, ?dampening: float, ?weightDecay: float, ?nesterov: bool, ?maximize: bool)
        : FunctionalOptimizer =
        let name = "sgd"
        let momentum = defaultArg momentum 0.0
        let dampening = defaultArg dampening 0.0
        let weightDecay = defaultArg weightDecay 0.0
        let nesterov = defaultArg nesterov false
        let maximize = defaultArg maximize false
        FunctionalKernel.check name "lr" lr
        FunctionalKernel.check name "momentum" momentum
        FunctionalKernel.check name "weightDecay" weightDecay

        if nesterov && (momentum <= 0.0 || dampening <> 0.0) then
            invalidArg
                "nesterov"
                $"Optim.Functional.sgd: Nesterov momentum needs momentum > 0 and dampening = 0; got momentum {momentum}, dampening {dampening}."

        let buffers = if momentum <> 0.0 then [ "momentum_buffer" ] else []

        FunctionalKernel.make name buffers (fun step p g bufs ->
            let mutable d = if maximize then -g else g

            if weightDecay <> 0.0 then
                d <- d + p * weightDecay

            let mutable newBufs = bufs

            if momentum <> 0.0 then
                let buf =
                    if step = 1 then
                        d
                    else
                        bufs[0] * momentum + d * (1.0 - dampening)

                newBufs <- [| buf |]
                d <- if nesterov then d + buf * momentum else buf

            p - d * lr, newBufs)

    static member private AdamRule
        (name: string, lr: float, beta1: float, beta2: float, eps: float, weightDecay: float, decoupled: bool, amsgrad: bool, maximize: bool) =
        FunctionalKernel.check name "lr" lr
        FunctionalKernel.check name "eps" eps
        FunctionalKernel.check name "weightDecay" weightDecay
        FunctionalKernel.checkUnit name "beta1" beta1
        FunctionalKernel.checkUnit name "beta2" beta2

        let buffers =
            [
                "exp_avg"
                "exp_avg_sq"
                if amsgrad then
                    "max_exp_avg_sq"
            ]

        FunctionalKernel.make name buffers (fun step p g bufs ->
            let mutable g = if maximize then -g else g
            let mutable p = p

            if weightDecay <> 0.0 then
                if decoupled then
                    p <- p * (1.0 - lr * weightDecay)
                else
                    g <- g + p * weightDecay

            let m = bufs[0] * beta1 + g * (1.0 - beta1)
            let v = bufs[1] * beta2 + g * g * (1.0 - beta2)
            let biasCorrection1 = 1.0 - beta1 ** float step
            let biasCorrection2 = 1.0 - beta2 ** float step
            let stepSize = lr / biasCorrection1
            let biasCorrection2Sqrt = Math.Sqrt biasCorrection2

            let denomOf (s: Tensor) =
                Tensor.sqrt s / biasCorrection2Sqrt + eps

            if amsgrad then
                let vmax = Tensor.maximum bufs[2] v
                p - m / denomOf vmax * stepSize, [| m; v; vmax |]
            else
                p - m / denomOf v * stepSize, [| m; v |])

    /// Adam (PyTorch's Adam): betas, eps, L2 weight decay, amsgrad, maximize. Buffers: `exp_avg`,
    /// `exp_avg_sq` (and `max_exp_avg_sq` with amsgrad).
    static member adam
        (lr: float, ?betas: float * float, ?eps: float, ?weightDecay: float, ?amsgrad: bool, ?maximize: bool)
        : FunctionalOptimizer =
        let b1, b2 = defaultArg betas (0.9, 0.999)
        let eps, weightDecay = defaultArg eps 1e-8, defaultArg weightDecay 0.0
        let amsgrad, maximize = defaultArg amsgrad false, defaultArg maximize false
        Functional.AdamRule("adam", lr, b1, b2, eps, weightDecay, false, amsgrad, maximize)

    /// AdamW (PyTorch's AdamW: weight decay decoupled from the gradient, default 0.01).
    static member adamw
        (lr: float, ?betas: float * float, ?eps: float, ?weightDecay: float, ?amsgrad: bool, ?maximize: bool)
        : FunctionalOptimizer =
        let b1, b2 = defaultArg betas (0.9, 0.999)
        let eps, weightDecay = defaultArg eps 1e-8, defaultArg weightDecay 0.01
        let amsgrad, maximize = defaultArg amsgrad false, defaultArg maximize false
        Functional.AdamRule("adamw", lr, b1, b2, eps, weightDecay, true, amsgrad, maximize)

    /// RMSprop (PyTorch's RMSprop): alpha, eps, weight decay, momentum, centered, maximize.
    /// Buffers: `square_avg` (and `momentum_buffer` with momentum, `grad_avg` when centered).
    static member rmsprop
        (lr: float, ?alpha: float, ?eps: float, ?weightDecay: float, ?momentum: float, ?centered: bool, ?maximize: bool)
        : FunctionalOptimizer =
        let name = "rmsprop"
        let alpha = defaultArg alpha 0.99
        let eps = defaultArg eps 1e-8
        let weightDecay = defaultArg weightDecay 0.0
        let momentum = defaultArg momentum 0.0
        let centered = defaultArg centered false
        let maximize = defaultArg maximize false
        FunctionalKernel.check name "lr" lr
        FunctionalKernel.check name "alpha" alpha
        FunctionalKernel.check name "eps" eps
        FunctionalKernel.check name "weightDecay" weightDecay
        FunctionalKernel.check name "momentum" momentum

        let buffers =
            [
                "square_avg"
                if momentum > 0.0 then
                    "momentum_buffer"
                if centered then
                    "grad_avg"
            ]

        FunctionalKernel.make name buffers (fun _ p g bufs ->
            let mutable g = if maximize then -g else g

            if weightDecay <> 0.0 then
                g <- g + p * weightDecay

            let squareAvg = bufs[0] * alpha + g * g * (1.0 - alpha)
            let out = ResizeArray [ squareAvg ]
            let momentumBuf = if momentum > 0.0 then Some bufs[1] else None
            let gradAvgIndex = if momentum > 0.0 then 2 else 1

            let avg =
                if centered then
                    let gradAvg = bufs[gradAvgIndex] * alpha + g * (1.0 - alpha)
                    (Tensor.sqrt (squareAvg - gradAvg * gradAvg), Some gradAvg)
                else
                    (Tensor.sqrt squareAvg, None)

            let avg, gradAvg = fst avg + eps, snd avg

            let p' =
                match momentumBuf with
                | Some buf ->
                    let buf = buf * momentum + g / avg
                    out.Add buf
                    p - buf * lr
                | None -> p - g / avg * lr

            gradAvg |> Option.iter out.Add
            p', out.ToArray())
