namespace Nabla.NN

open System
open System.Runtime.InteropServices
open Nabla

/// y = x·Wᵀ + b over the last dimension (PyTorch's nn.Linear): weight [outFeatures,
/// inFeatures] and bias [outFeatures], both initialised uniformly in ±1/√inFeatures (PyTorch's
/// default: Kaiming-uniform with a = √5).
type Linear(inFeatures: int, outFeatures: int, ?bias: bool, ?dtype: Dtype, ?device: Device) as this =
    inherit Module()

    do
        Layer.positive "Linear" "inFeatures" inFeatures
        Layer.positive "Linear" "outFeatures" outFeatures

    let dtype = Layer.dtypeOr dtype
    let device = Layer.deviceOr device

    let weight =
        let w = Tensor.Zeros([| outFeatures; inFeatures |], dtype, device)
        Init.KaimingUniform(w, a = sqrt 5.0)
        this.RegisterParameter("weight", w)

    let bias =
        if defaultArg bias true then
            let b = Tensor.Zeros([| outFeatures |], dtype, device)
            let bound = 1.0 / sqrt (float inFeatures)
            Init.Uniform(b, -bound, bound)
            Some(this.RegisterParameter("bias", b))
        else
            None

    member _.InFeatures = inFeatures
    member _.OutFeatures = outFeatures

    /// The weight [outFeatures, inFeatures].
    member _.Weight = weight

    /// The bias [outFeatures], if the layer has one.
    member _.Bias = bias

    override _.Forward x =
        match bias with
        | Some b -> Tensor.linear weight b x
        | None -> Tensor.linearNoBias weight x

    override _.ExtraRepr() =
        $"in_features={inFeatures}, out_features={outFeatures}, bias={Layer.pyBool bias.IsSome}"

/// Flattens dimensions startDim..endDim into one (defaults 1 and -1: everything but the batch).
type Flatten([<Optional; DefaultParameterValue(1)>] startDim: int, [<Optional; DefaultParameterValue(-1)>] endDim: int) =
    inherit Module()
    override _.Forward x = Tensor.flattenRange startDim endDim x

    override _.ExtraRepr() =
        $"start_dim={startDim}, end_dim={endDim}"

/// Splits dimension `dim` into `sizes` (the inverse of Flatten).
type Unflatten(dim: int, sizes: int[]) =
    inherit Module()
    override _.Forward x = Tensor.unflatten dim sizes x

    override _.ExtraRepr() =
        $"""dim={dim}, unflattened_size=({String.Join(", ", sizes)})"""

/// In training mode, zeroes each element with probability p and scales the others by 1/(1-p)
/// (inverted dropout, default p = 0.5); in evaluation mode, the identity.
type Dropout([<Optional; DefaultParameterValue(0.5)>] p: float) =
    inherit Module()

    do
        if not (p >= 0.0 && p <= 1.0) then
            invalidArg "p" $"Dropout: the probability must be in [0, 1]; got {p}."

    member _.P = p

    override this.Forward x =
        if this.IsTraining && p > 0.0 then Tensor.dropout p x else x

    override _.ExtraRepr() = $"p={p}, inplace=False"
