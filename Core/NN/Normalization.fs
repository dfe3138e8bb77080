namespace Nabla.NN

open System
open System.Runtime.InteropServices
open Nabla
open Nabla.Raw

/// What BatchNorm and InstanceNorm share (PyTorch's _NormBase): their parameters and buffers,
/// and how they print.
module internal NormBase =

    /// Checks the settings and registers weight (ones) and bias (zeros) [numFeatures] when affine,
    /// and the buffers running_mean (zeros), running_var (ones) and num_batches_tracked (an int64
    /// scalar) when trackRunningStats, under PyTorch's names.
    let register
        (m: Module)
        (layer: string)
        (numFeatures: int)
        (eps: float)
        (affine: bool)
        (trackRunningStats: bool)
        (dtype: Dtype option)
        (device: Device option)
        =
        Layer.positive layer "numFeatures" numFeatures

        if not (eps >= 0.0) then
            invalidArg "eps" $"{layer}: eps must be non-negative; got {eps}."

        let dtype = Layer.dtypeOr dtype
        let device = Layer.deviceOr device
        let features = [| numFeatures |]

        let weight, bias =
            if affine then
                Some(m.RegisterParameter("weight", Tensor.Ones(features, dtype, device))),
                Some(m.RegisterParameter("bias", Tensor.Zeros(features, dtype, device)))
            else
                None, None

        let runningMean, runningVar, numBatchesTracked =
            if trackRunningStats then
                Some(m.RegisterBuffer("running_mean", Tensor.Zeros(features, dtype, device))),
                Some(m.RegisterBuffer("running_var", Tensor.Ones(features, dtype, device))),
                Some(m.RegisterBuffer("num_batches_tracked", Tensor.Zeros([||], Dtype.Int64, device)))
            else
                None, None, None

        weight, bias, runningMean, runningVar, numBatchesTracked

    /// Mean 0, variance 1, no batches tracked.
    let resetRunningStats (runningMean: Tensor option) (runningVar: Tensor option) (numBatchesTracked: Tensor option) =
        for t, v in [ runningMean, 0.0; runningVar, 1.0; numBatchesTracked, 0.0 ] do
            t |> Option.iter (fun t -> t.FillInPlace v)

    /// PyTorch's extra_repr: "4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True"
    /// (momentum=None for NaN).
    let repr (numFeatures: int) (eps: float) (momentum: float) (affine: bool) (trackRunningStats: bool) =
        let m = if Double.IsNaN momentum then "None" else Py.float momentum

        $"{numFeatures}, eps={Py.float eps}, momentum={m}, affine={Layer.pyBool affine}, track_running_stats={Layer.pyBool trackRunningStats}"

/// What BatchNorm1d, BatchNorm2d and BatchNorm3d share (PyTorch's _BatchNorm): per-channel normalisation of
/// x [batch, numFeatures, ...] with the batch's statistics in training mode (updating the
/// running ones) and the running statistics in evaluation mode.
///
/// Parameters weight (ones) and bias (zeros) [numFeatures] when affine; buffers running_mean
/// (zeros), running_var (ones) [numFeatures] and num_batches_tracked (an int64 scalar) when
/// trackRunningStats, under PyTorch's names. In training mode each Forward increments
/// num_batches_tracked and moves the running statistics towards the batch's:
/// running = (1 − momentum)·running + momentum·batch (the variance unbiased). A momentum of NaN
/// stands for PyTorch's momentum=None: the cumulative average, momentum = 1/num_batches_tracked.
/// Without running statistics, evaluation mode uses the batch's statistics too.
[<AbstractClass>]
type BatchNorm
    internal
    (
        layer: string,
        ranks: int[],
        numFeatures: int,
        eps: float,
        momentum: float,
        affine: bool,
        trackRunningStats: bool,
        dtype: Dtype option,
        device: Device option
    ) as this =
    inherit Module()

    let weight, bias, runningMean, runningVar, numBatchesTracked =
        NormBase.register this layer numFeatures eps affine trackRunningStats dtype device

    /// The number of features (channels), dimension 1 of the input.
    member _.NumFeatures = numFeatures
    /// The value added to the variance for numerical stability.
    member _.Eps = eps

    /// The weight of the running average, or None for the cumulative average (PyTorch's momentum=None).
    member _.Momentum = if Double.IsNaN momentum then None else Some momentum

    /// Whether the layer has a learnable per-channel weight and bias.
    member _.Affine = affine
    /// Whether the layer keeps running statistics.
    member _.TrackRunningStats = trackRunningStats
    /// The per-channel scale [numFeatures] (ones at first), if affine.
    member _.Weight = weight
    /// The per-channel shift [numFeatures] (zeros at first), if affine.
    member _.Bias = bias
    /// The running mean [numFeatures] (a buffer), if the layer tracks running statistics.
    member _.RunningMean = runningMean
    /// The running (unbiased) variance [numFeatures] (a buffer), if the layer tracks running statistics.
    member _.RunningVar = runningVar
    /// The number of training batches seen (an int64 scalar buffer), if the layer tracks running statistics.
    member _.NumBatchesTracked = numBatchesTracked

    /// Resets the running statistics: mean 0, variance 1, no batches tracked.
    member _.ResetRunningStats() =
        NormBase.resetRunningStats runningMean runningVar numBatchesTracked

    /// Resets the running statistics and the parameters (weight 1, bias 0).
    member this.ResetParameters() =
        this.ResetRunningStats()
        weight |> Option.iter Init.Ones
        bias |> Option.iter Init.Zeros

    /// The normalised x [batch, numFeatures, ...].
    override this.Forward x =
        if isNull (box x) then
            nullArg "x"

        let xs = x.Shape

        if not (Array.contains xs.Length ranks) then
            let expected = String.Join(" or ", ranks |> Array.map (fun r -> $"{r}-D"))

            let layout =
                match ranks with
                | [| 4 |] -> "(batch, channels, height, width)"
                | [| 5 |] -> "(batch, channels, depth, height, width)"
                | _ -> "(batch, features) or (batch, features, length)"

            invalidArg "x" $"{layer}: expected a {expected} input {layout}; got {shapeText xs} ({xs.Length}-D)."

        if xs[1] <> numFeatures then
            invalidArg
                "x"
                $"{layer}: expected {numFeatures} features (numFeatures) at dimension 1; got an input of shape {shapeText xs} with {xs[1]}. Give the layer numFeatures = {xs[1]}, or put the features at dimension 1."

        if not x.Dtype.IsFloatingPoint then
            invalidArg "x" $"{layer}: the input must be floating-point; got {x.Dtype}. Convert it with Tensor.toDtype."

        let training = this.IsTraining
        let useBatchStats = training || not trackRunningStats

        if useBatchStats && xs[0] * Array.fold (*) 1 xs[2..] = 1 then
            invalidArg
                "x"
                $"{layer}: expected more than 1 value per channel when using batch statistics; got input size {shapeText xs}. Use a larger batch, or evaluation mode (Eval()) with running statistics."

        let mutable factor = if Double.IsNaN momentum then 0.0 else momentum

        if training && trackRunningStats then
            let count = numBatchesTracked.Value
            let n = count.ToScalar() + 1.0
            count.FillInPlace n

            if Double.IsNaN momentum then
                factor <- 1.0 / n

        // Running statistics are read in evaluation mode and updated in training mode.
        let rm, rv =
            if not training || trackRunningStats then
                runningMean, runningVar
            else
                None, None

        Tensor.batchNorm rm rv weight bias useBatchStats factor eps x

    /// As PyTorch prints it, e.g. "4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True".
    override _.ExtraRepr() =
        NormBase.repr numFeatures eps momentum affine trackRunningStats

/// Batch normalisation of x [batch, numFeatures] or [batch, numFeatures, length] (PyTorch's
/// nn.BatchNorm1d); see BatchNorm. Defaults: eps 1e-5, momentum 0.1 (NaN for PyTorch's None: the
/// cumulative average), affine and trackRunningStats true.
type BatchNorm1d(numFeatures: int, ?eps: float, ?momentum: float, ?affine: bool, ?trackRunningStats: bool, ?dtype: Dtype, ?device: Device) =
    inherit
        BatchNorm(
            "BatchNorm1d",
            [| 2; 3 |],
            numFeatures,
            defaultArg eps 1e-5,
            defaultArg momentum 0.1,
            defaultArg affine true,
            defaultArg trackRunningStats true,
            dtype,
            device
        )

/// Batch normalisation of x [batch, numFeatures, height, width] (PyTorch's nn.BatchNorm2d); see
/// BatchNorm. Defaults: eps 1e-5, momentum 0.1 (NaN for PyTorch's None: the cumulative average),
/// affine and trackRunningStats true.
type BatchNorm2d(numFeatures: int, ?eps: float, ?momentum: float, ?affine: bool, ?trackRunningStats: bool, ?dtype: Dtype, ?device: Device) =
    inherit
        BatchNorm(
            "BatchNorm2d",
            [| 4 |],
            numFeatures,
            defaultArg eps 1e-5,
            defaultArg momentum 0.1,
            defaultArg affine true,
            defaultArg trackRunningStats true,
            dtype,
            device
        )

/// Batch normalisation of x [batch, numFeatures, depth, height, width] (PyTorch's
/// nn.BatchNorm3d); see BatchNorm. Defaults: eps 1e-5, momentum 0.1 (NaN for PyTorch's None: the
/// cumulative average), affine and trackRunningStats true.
type BatchNorm3d(numFeatures: int, ?eps: float, ?momentum: float, ?affine: bool, ?trackRunningStats: bool, ?dtype: Dtype, ?device: Device) =
    inherit
        BatchNorm(
            "BatchNorm3d",
            [| 5 |],
            numFeatures,
            defaultArg eps 1e-5,
            defaultArg momentum 0.1,
            defaultArg affine true,
            defaultArg trackRunningStats true,
            dtype,
            device
        )

/// What InstanceNorm1d, InstanceNorm2d and InstanceNorm3d share (PyTorch's _InstanceNorm): each
/// channel of each sample of x [batch, numFeatures, *spatial] (or unbatched [numFeatures,
/// *spatial]) standardised over its spatial dimensions (mean and biased variance, plus eps).
///
/// Defaults as PyTorch's: no affine parameters and no running statistics. With affine, weight
/// (ones) and bias (zeros) [numFeatures]; with trackRunningStats, the buffers running_mean,
/// running_var and num_batches_tracked (which, as in PyTorch, instance normalisation does not
/// count), moved in training mode towards the batch average of the instance statistics with
/// `momentum`, and used in evaluation mode.
[<AbstractClass>]
type InstanceNorm
    internal
    (
        layer: string,
        spatialDims: int,
        numFeatures: int,
        eps: float,
        momentum: float,
        affine: bool,
        trackRunningStats: bool,
        dtype: Dtype option,
        device: Device option
    ) as this =
    inherit Module()

    let weight, bias, runningMean, runningVar, numBatchesTracked =
        NormBase.register this layer numFeatures eps affine trackRunningStats dtype device

    /// The number of features (channels) of the input.
    member _.NumFeatures = numFeatures
    /// The value added to the variance for numerical stability.
    member _.Eps = eps
    /// The weight of the running average of the statistics (with trackRunningStats).
    member _.Momentum = momentum
    /// Whether the layer has a learnable per-channel weight and bias (default false).
    member _.Affine = affine
    /// Whether the layer keeps running statistics (default false).
    member _.TrackRunningStats = trackRunningStats
    /// The per-channel scale [numFeatures] (ones at first), if affine.
    member _.Weight = weight
    /// The per-channel shift [numFeatures] (zeros at first), if affine.
    member _.Bias = bias
    /// The running mean [numFeatures] (a buffer), if the layer tracks running statistics.
    member _.RunningMean = runningMean
    /// The running (unbiased) variance [numFeatures] (a buffer), if the layer tracks running statistics.
    member _.RunningVar = runningVar
    /// PyTorch's num_batches_tracked buffer, if the layer tracks running statistics (instance
    /// normalisation leaves it at 0, as PyTorch does).
    member _.NumBatchesTracked = numBatchesTracked

    /// Resets the running statistics: mean 0, variance 1.
    member _.ResetRunningStats() =
        NormBase.resetRunningStats runningMean runningVar numBatchesTracked

    /// The normalised x [batch, numFeatures, *spatial] (or [numFeatures, *spatial]).
    override this.Forward x =
        if isNull (box x) then
            nullArg "x"

        let xs = x.Shape
        let names = [| "length"; "height, width"; "depth, height, width" |][spatialDims - 1]

        if xs.Length <> spatialDims + 1 && xs.Length <> spatialDims + 2 then
            invalidArg
                "x"
                $"{layer}: expected a {spatialDims + 1}-D (unbatched: channels, {names}) or {spatialDims + 2}-D (batch, channels, {names}) input; got {shapeText xs} ({xs.Length}-D)."

        let unbatched = xs.Length = spatialDims + 1
        let channelDim = if unbatched then 0 else 1

        // Without parameters or running statistics PyTorch accepts any channel count (with a warning).
        if xs[channelDim] <> numFeatures && (affine || trackRunningStats) then
            invalidArg
                "x"
                $"{layer}: expected {numFeatures} channels (numFeatures) at dimension {channelDim}; got an input of shape {shapeText xs} with {xs[channelDim]}. Give the layer numFeatures = {xs[channelDim]}, or put the channels at dimension {channelDim}."

        if not x.Dtype.IsFloatingPoint then
            invalidArg "x" $"{layer}: the input must be floating-point; got {x.Dtype}. Convert it with Tensor.toDtype."

        let useInputStats = this.IsTraining || not trackRunningStats

        if trackRunningStats && this.IsTraining && Double.IsNaN momentum then
            invalidArg "momentum" $"{layer}: momentum None (NaN) is not supported by instance normalisation (as in PyTorch); give a number."

        if useInputStats && Array.fold (*) 1 xs[channelDim + 1 ..] = 1 then
            invalidArg
                "x"
                $"{layer}: expected more than 1 spatial element when using the input's statistics; got input size {shapeText xs}."

        let x4 = if unbatched then Tensor.unsqueeze 0 x else x

        let y =
            Tensor.instanceNorm runningMean runningVar weight bias useInputStats momentum eps x4

        if unbatched then Tensor.squeezeDim 0 y else y

    /// As PyTorch prints it, e.g. "3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False".
    override _.ExtraRepr() =
        NormBase.repr numFeatures eps momentum affine trackRunningStats

/// Instance normalisation of x [batch, numFeatures, length] or [numFeatures, length] (PyTorch's
/// nn.InstanceNorm1d); see InstanceNorm. Defaults: eps 1e-5, momentum 0.1, affine and
/// trackRunningStats false.
type InstanceNorm1d
    (numFeatures: int, ?eps: float, ?momentum: float, ?affine: bool, ?trackRunningStats: bool, ?dtype: Dtype, ?device: Device) =
    inherit
        InstanceNorm(
            "InstanceNorm1d",
            1,
            numFeatures,
            defaultArg eps 1e-5,
            defaultArg momentum 0.1,
            defaultArg affine false,
            defaultArg trackRunningStats false,
            dtype,
            device
        )

/// Instance normalisation of x [batch, numFeatures, height, width] or [numFeatures, height,
/// width] (PyTorch's nn.InstanceNorm2d); see InstanceNorm. Defaults: eps 1e-5, momentum 0.1,
/// affine and trackRunningStats false.
type InstanceNorm2d
    (numFeatures: int, ?eps: float, ?momentum: float, ?affine: bool, ?trackRunningStats: bool, ?dtype: Dtype, ?device: Device) =
    inherit
        InstanceNorm(
            "InstanceNorm2d",
            2,
            numFeatures,
            defaultArg eps 1e-5,
            defaultArg momentum 0.1,
            defaultArg affine false,
            defaultArg trackRunningStats false,
            dtype,
            device
        )

/// Instance normalisation of x [batch, numFeatures, depth, height, width] or [numFeatures, depth,
/// height, width] (PyTorch's nn.InstanceNorm3d); see InstanceNorm. Defaults: eps 1e-5, momentum
/// 0.1, affine and trackRunningStats false.
type InstanceNorm3d
    (numFeatures: int, ?eps: float, ?momentum: float, ?affine: bool, ?trackRunningStats: bool, ?dtype: Dtype, ?device: Device) =
    inherit
        InstanceNorm(
            "InstanceNorm3d",
            3,
            numFeatures,
            defaultArg eps 1e-5,
            defaultArg momentum 0.1,
            defaultArg affine false,
            defaultArg trackRunningStats false,
            dtype,
            device
        )

/// Layer normalisation (PyTorch's nn.LayerNorm): each sample standardised over its last
/// dimensions, which must equal normalizedShape (mean and biased variance, plus eps), then
/// scaled by weight (ones) and shifted by bias (zeros), both of shape normalizedShape, when
/// elementwiseAffine (the default; bias = false leaves the shift out).
type LayerNorm(normalizedShape: int[], ?eps: float, ?elementwiseAffine: bool, ?bias: bool, ?dtype: Dtype, ?device: Device) as this =
    inherit Module()

    do
        if isNull normalizedShape || normalizedShape.Length = 0 then
            invalidArg "normalizedShape" "LayerNorm: normalizedShape must have at least one dimension."

        for d in normalizedShape do
            Layer.positive "LayerNorm" "normalizedShape" d

    let normalizedShape = Array.copy normalizedShape
    let eps = defaultArg eps 1e-5
    let elementwiseAffine = defaultArg elementwiseAffine true
    let dtype = Layer.dtypeOr dtype
    let device = Layer.deviceOr device

    let weight =
        if elementwiseAffine then
            Some(this.RegisterParameter("weight", Tensor.Ones(normalizedShape, dtype, device)))
        else
            None

    let bias =
        if elementwiseAffine && defaultArg bias true then
            Some(this.RegisterParameter("bias", Tensor.Zeros(normalizedShape, dtype, device)))
        else
            None

    /// Normalisation over the last dimension, of size normalizedShape.
    new(normalizedShape: int, ?eps: float, ?elementwiseAffine: bool, ?bias: bool, ?dtype: Dtype, ?device: Device) =
        LayerNorm([| normalizedShape |], ?eps = eps, ?elementwiseAffine = elementwiseAffine, ?bias = bias, ?dtype = dtype, ?device = device)

    /// The shape of the trailing dimensions normalised over.
    member _.NormalizedShape = Array.copy normalizedShape
    /// The value added to the variance for numerical stability.
    member _.Eps = eps
    /// Whether the layer has a learnable weight (and bias).
    member _.ElementwiseAffine = elementwiseAffine
    /// The scale [normalizedShape] (ones at first), if elementwiseAffine.
    member _.Weight = weight
    /// The shift [normalizedShape] (zeros at first), if elementwiseAffine and bias.
    member _.Bias = bias

    /// x [*, normalizedShape] normalised over its last normalizedShape.Length dimensions.
    override _.Forward x =
        if isNull (box x) then
            nullArg "x"

        let xs = x.Shape
        let k = normalizedShape.Length

        if xs.Length < k || xs[xs.Length - k ..] <> normalizedShape then
            let star = String.Join(", ", normalizedShape)

            invalidArg
                "x"
                $"LayerNorm: expected an input of shape [*, {star}] (its last dimensions equal to normalizedShape {Py.tuple normalizedShape}); got {shapeText xs}."

        if not x.Dtype.IsFloatingPoint then
            invalidArg "x" $"LayerNorm: the input must be floating-point; got {x.Dtype}. Convert it with Tensor.toDtype."

        Tensor.layerNorm normalizedShape weight bias eps x

    /// As PyTorch prints it, e.g. "(4,), eps=1e-05, elementwise_affine=True".
    override _.ExtraRepr() =
        $"{Py.tuple normalizedShape}, eps={Py.float eps}, elementwise_affine={Layer.pyBool elementwiseAffine}"

/// Group normalisation (PyTorch's nn.GroupNorm): the numChannels channels of x [batch,
/// numChannels, ...] split into numGroups groups, each group of each sample standardised (mean
/// and biased variance, plus eps), then scaled by weight (ones) and shifted by bias (zeros) per
/// channel when affine (the default). Training and evaluation modes behave the same.
type GroupNorm(numGroups: int, numChannels: int, ?eps: float, ?affine: bool, ?dtype: Dtype, ?device: Device) as this =
    inherit Module()

    do
        Layer.positive "GroupNorm" "numGroups" numGroups
        Layer.positive "GroupNorm" "numChannels" numChannels

        if numChannels % numGroups <> 0 then
            invalidArg "numGroups" $"GroupNorm: numChannels ({numChannels}) must be divisible by numGroups ({numGroups})."

    let eps = defaultArg eps 1e-5
    let affine = defaultArg affine true
    let dtype = Layer.dtypeOr dtype
    let device = Layer.deviceOr device

    let weight =
        if affine then
            Some(this.RegisterParameter("weight", Tensor.Ones([| numChannels |], dtype, device)))
        else
            None

    let bias =
        if affine then
            Some(this.RegisterParameter("bias", Tensor.Zeros([| numChannels |], dtype, device)))
        else
            None

    /// The number of groups the channels are split into.
    member _.NumGroups = numGroups
    /// The number of channels, dimension 1 of the input.
    member _.NumChannels = numChannels
    /// The value added to the variance for numerical stability.
    member _.Eps = eps
    /// Whether the layer has a learnable per-channel weight and bias.
    member _.Affine = affine
    /// The per-channel scale [numChannels] (ones at first), if affine.
    member _.Weight = weight
    /// The per-channel shift [numChannels] (zeros at first), if affine.
    member _.Bias = bias

    /// x [batch, numChannels, ...] normalised per sample and group.
    override _.Forward x =
        if isNull (box x) then
            nullArg "x"

        let xs = x.Shape

        if xs.Length < 2 then
            invalidArg "x" $"GroupNorm: expected an input of at least 2 dimensions (batch, channels, ...); got {shapeText xs}."

        if xs[1] <> numChannels then
            invalidArg
                "x"
                $"GroupNorm: expected {numChannels} channels (numChannels) at dimension 1; got an input of shape {shapeText xs} with {xs[1]}. Give the layer numChannels = {xs[1]}, or put the channels at dimension 1."

        if not x.Dtype.IsFloatingPoint then
            invalidArg "x" $"GroupNorm: the input must be floating-point; got {x.Dtype}. Convert it with Tensor.toDtype."

        Tensor.groupNorm numGroups weight bias eps x

    /// As PyTorch prints it, e.g. "2, 6, eps=1e-05, affine=True".
    override _.ExtraRepr() =
        $"{numGroups}, {numChannels}, eps={Py.float eps}, affine={Layer.pyBool affine}"
