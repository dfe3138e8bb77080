namespace Nabla.Optimizers

open System
open System.Runtime.InteropServices
open Nabla
open Nabla.Raw
open TorchSharp

/// Gradient norms and clipping on LibTorch tensors (PyTorch's `torch.nn.utils.clip_grad`).
module internal ClipGradKernel =

    /// The accumulated gradients of these parameters (those that have one), as raw tensors.
    let grads (op: string) (parameters: seq<Tensor>) : RawTensor[] =
        if isNull (box parameters) then
            nullArg "parameters"

        [|
            for p in parameters do
                if isNull (box p) then
                    invalidArg "parameters" $"{op}: a parameter is null."

                let cell = Autograd.cellOf p

                if not (isNull cell) && not (isNull (box cell.Grad)) then
                    let g = Prim.RawOf cell.Grad

                    if g.IsInvalid then
                        invalidOp $"{op}: a gradient was disposed; call Backward again."

                    g
        |]

    let checkNormType (op: string) (normType: float) =
        if Double.IsNaN normType || normType <= 0.0 then
            raise (
                ArgumentOutOfRangeException(
                    "normType",
                    $"{op}: normType must be a positive number or infinity (2 for the Euclidean norm); got {normType}."
                )
            )

    /// The total norm as a 0-d tensor of the gradients' dtype (PyTorch's formula).
    let totalNorm (normType: float) (grads: RawTensor[]) : RawTensor =
        let device = grads[0].device

        if Double.IsPositiveInfinity normType then
            let norms = grads |> Array.map (fun g -> g.detach().abs().max().``to`` device)

            if norms.Length = 1 then
                norms[0]
            else
                torch.stack(norms).max()
        else
            // Tensor.norm takes p as a float32 by value; linalg.vector_norm takes a double that
            // TorchSharp turns into a Scalar the GC may finalize during the native call, so it is
            // used only for an order float32 cannot hold exactly.
            let norm (t: RawTensor) =
                if float (float32 normType) = normType then
                    t.norm (float32 normType)
                else
                    torch.linalg.vector_norm (t, normType)

            let norms = grads |> Array.map (fun g -> (norm (g.detach ())).``to`` device)
            norm (torch.stack norms)

    /// Multiplies the gradients by max_norm / (total_norm + 1e-6) clamped to 1, computed in the
    /// gradients' dtype as PyTorch does (a reciprocal, then a product).
    let scale (grads: RawTensor[]) (total: RawTensor) (maxNorm: float) =
        let coef =
            total.add(scalar 1e-6, scalarInt 1L).reciprocal().mul(scalar maxNorm).clamp_max(scalar 1.0)

        for g in grads do
            g.mul_ (coef.``to`` g.device) |> ignore

/// Gradient clipping and norms (PyTorch's `torch.nn.utils.clip_grad_norm_` and
/// `clip_grad_value_`): in place on the gradients accumulated by Backward, recording nothing;
/// later Backward calls accumulate into the clipped gradients as usual.
[<AbstractClass; Sealed>]
type ClipGrad =

    /// Scales the gradients of these parameters so that their total normType-norm (over all of
    /// them together, as if concatenated) is at most maxNorm: each is multiplied by
    /// min(1, maxNorm / (total + 1e-6)), PyTorch's formula. Returns the total norm before
    /// clipping (0 when no parameter has a gradient). normType: 2 by default, any p > 0, or
    /// infinity (the largest absolute value). With errorIfNonfinite, a NaN or infinite total norm
    /// throws instead of scaling.
    static member ClipNorm
        (
            parameters: seq<Tensor>,
            maxNorm: float,
            [<Optional; DefaultParameterValue(2.0)>] normType: float,
            [<Optional; DefaultParameterValue(false)>] errorIfNonfinite: bool
        ) : float =
        let op = "Optim.clipGradNorm"
        ClipGradKernel.checkNormType op normType

        if Double.IsNaN maxNorm || maxNorm < 0.0 then
            raise (ArgumentOutOfRangeException("maxNorm", $"{op}: maxNorm must be at least 0; got {maxNorm}."))

        let gs = ClipGradKernel.grads op parameters

        if gs.Length = 0 then
            0.0
        else
            use scope = new Memory.Scope()
            let total = guard1 op gs[0] (fun () -> ClipGradKernel.totalNorm normType gs)
            let value = total.ToDouble()

            if errorIfNonfinite && (Double.IsNaN value || Double.IsInfinity value) then
                invalidOp
                    $"{op}: the total norm of order {normType} of the gradients is non-finite ({value}), so it cannot be clipped. To scale the gradients by it anyway, pass errorIfNonfinite = false."

            ClipGradKernel.scale gs total maxNorm
            value

    /// The total normType-norm of the gradients of these parameters (2 by default; infinity for
    /// the largest absolute value), without changing them: the figure ClipNorm would return.
    static member Norm(parameters: seq<Tensor>, [<Optional; DefaultParameterValue(2.0)>] normType: float) : float =
        let op = "Optim.gradNorm"
        ClipGradKernel.checkNormType op normType
        let gs = ClipGradKernel.grads op parameters

        if gs.Length = 0 then
            0.0
        else
            use scope = new Memory.Scope()
            (guard1 op gs[0] (fun () -> ClipGradKernel.totalNorm normType gs)).ToDouble()

    /// Clamps every gradient element of these parameters into [-clipValue, clipValue]
    /// (PyTorch's clip_grad_value_).
    static member ClipValue(parameters: seq<Tensor>, clipValue: float) : unit =
        let op = "Optim.clipGradValue"

        if Double.IsNaN clipValue || clipValue < 0.0 then
            raise (ArgumentOutOfRangeException("clipValue", $"{op}: clipValue must be at least 0; got {clipValue}."))

        for g in ClipGradKernel.grads op parameters do
            g.clamp_ (scalar -clipValue, scalar clipValue) |> ignore
