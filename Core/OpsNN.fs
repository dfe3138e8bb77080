/// Neural-network functions (torch.nn.functional's counterparts that layers need): transposed
/// convolution, adaptive pooling, normalisation, embedding, bilinear forms, attention, distances
/// and the activations beyond OpsElementwise's. Most are compositions of differentiable ops (so
/// every order of derivative comes for free); the transposed convolution is OpsConv's input
/// gradient, whose rules are closed under differentiation; adaptive average pooling is a product
/// with constant averaging matrices.
module internal Nabla.OpsNN

open System
open TorchSharp
open Nabla.Raw

let inline private sc (c: float) = scalar c

let private product (xs: int[]) = Array.fold (*) 1 xs

/// x and the optional tensors promoted to one dtype (devices checked), in the same order.
let private promoteWith (op: string) (x: Tensor) (options: Tensor option[]) : Tensor * Tensor option[] =
    let all = Prim.Promote(op, Array.append [| x |] (Array.choose id options))
    let mutable next = 1

    let promoted =
        options
        |> Array.map (
            Option.map (fun _ ->
                let t = all[next]
                next <- next + 1
                t)
        )

    all[0], promoted

let private requireFloat (op: string) (x: Tensor) = Raw.requireFloat op (x.Raw())

/// A clear error for a null tensor argument (from C#, or Unchecked.defaultof).
let private notNull (op: string) (name: string) (t: Tensor) =
    if isNull (box t) then
        raise (ArgumentNullException(name, $"{op}: the {name} tensor is null."))

/// Bool tensors are refused where PyTorch refuses them.
let private refuseBool (op: string) (x: Tensor) =
    if x.Dtype = Dtype.Bool then
        invalidArg "x" $"{op}: bool tensors are not supported; convert it with Tensor.toDtype first."

/// A constant bool tensor: where the raw values satisfy `test`.
let private maskOf (op: string) (x: Tensor) (test: RawTensor -> RawTensor) : RawTensor =
    let r = x.Raw()
    guard1 op r (fun () -> test r)

/// The per-channel parameter p (shape [C]) shaped to broadcast against [N, C, *] of rank `rank`.
let private perChannel (rank: int) (p: Tensor) =
    OpsShape.reshape (Array.init rank (fun i -> if i = 1 then p.Shape[0] else 1)) p

/// Checks that an optional per-channel (or per-feature) parameter has the expected shape.
let private checkParameter (op: string) (name: string) (expected: int[]) (what: string) (p: Tensor option) =
    match p with
    | Some t when t.Shape <> expected ->
        invalidArg name $"{op}: the {name} must have shape {shapeText expected} ({what}); got {shapeText t.Shape}."
    | _ -> ()

let private affine (rank: int) (weight: Tensor option) (bias: Tensor option) (y: Tensor) =
    let y =
        match weight with
        | Some w -> Tensor.Mul(y, perChannel rank w)
        | None -> y

    match bias with
    | Some b -> Tensor.Add(y, perChannel rank b)
    | None -> y

// ---------------------------------------------------------------- transposed convolution

/// The transposed convolution (the input gradient of conv2d): x [N, Cin, H, W] (or [Cin, H, W]),
/// weight [Cin, Cout/groups, kh, kw], optional bias [Cout]. The output size per dimension is
/// (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1, as PyTorch's. It is
/// OpsConv.inputGrad with that output shape, so its derivatives (of any order) are conv2d,
/// its weight gradient and itself.
let convTranspose2d
    (op: string)
    (stride: int[])
    (padding: int[])
    (outputPadding: int[])
    (groups: int)
    (dilation: int[])
    (weight: Tensor)
    (bias: Tensor option)
    (x: Tensor)
    : Tensor =
    let two (name: string) (v: int[]) =
        if isNull v || v.Length <> 2 then
            let got = if isNull v then "null" else shapeText v
            invalidArg name $"{op}: {name} must have two values (height, width); got {got}."

    notNull op "x" x
    notNull op "weight" weight
    two "stride" stride
    two "padding" padding
    two "outputPadding" outputPadding
    two "dilation" dilation

    if stride |> Array.exists (fun v -> v < 1) then
        invalidArg "stride" $"{op}: stride must be at least 1; got {shapeText stride}."

    if dilation |> Array.exists (fun v -> v < 1) then
        invalidArg "dilation" $"{op}: dilation must be at least 1; got {shapeText dilation}."

    if padding |> Array.exists (fun v -> v < 0) then
        invalidArg "padding" $"{op}: padding must be non-negative; got {shapeText padding}."

    if groups < 1 then
        invalidArg "groups" $"{op}: groups must be at least 1; got {groups}."

    for i in 0..1 do
        if outputPadding[i] < 0 || outputPadding[i] >= max stride[i] dilation[i] then
            invalidArg
                "outputPadding"
                $"{op}: output padding must be non-negative and smaller than either stride or dilation; got outputPadding {shapeText outputPadding} with stride {shapeText stride} and dilation {shapeText dilation}."

    let x, options = promoteWith op x [| Some weight; bias |]
    let w, bias = options[0].Value, options[1]
    requireFloat op x
    let unbatched = x.Dim = 3

    let x =
        if unbatched then
            OpsShape.reshape (Array.append [| 1 |] x.Shape) x
        else
            x

    let xs, ws = x.Shape, w.Shape

    let fail why =
        invalidArg "x" $"{op}: input {shapeText xs} and weight {shapeText ws}: {why}."

    if xs.Length <> 4 then
        fail "the input must be 4-D (batch, channels, height, width) or 3-D (channels, height, width)"

    if ws.Length <> 4 then
        fail "the weight must be 4-D (in channels, out channels / groups, kernel height, kernel width)"

    if ws |> Array.exists (fun d -> d < 1) then
        fail "the weight needs at least one input channel, one output channel per group and a kernel of at least 1×1"

    if xs[1] <> ws[0] then
        fail $"the input has {xs[1]} channels but the weight expects {ws[0]} (its first dimension)"

    if ws[0] % groups <> 0 then
        fail $"the {ws[0]} input channels are not divisible by {groups} groups"

    if xs[2] < 1 || xs[3] < 1 then
        fail "the image must not be empty (only the batch may be empty)"

    let outSize i =
        (xs[2 + i] - 1) * stride[i] - 2 * padding[i]
        + dilation[i] * (ws[2 + i] - 1)
        + outputPadding[i]
        + 1

    let outH, outW = outSize 0, outSize 1

    if outH < 1 || outW < 1 then
        fail $"the output size {outH}×{outW} is too small; reduce the padding"

    let outChannels = ws[1] * groups
    checkParameter op "bias" [| outChannels |] "one per output channel" bias

    let spec: OpsConv.ConvSpec =
        {
            Stride = stride
            Padding = padding
            Dilation = dilation
            Groups = groups
        }

    // Output padding of a stride or more (allowed when the dilation is larger) reaches past the
    // rows a convolution of the output would give back: x is zero-padded by those rows first, so
    // that the input gradient's own output padding stays below the stride and its rules (conv2d
    // and its weight gradient) give x's shape back exactly.
    let extra = Array.init 2 (fun i -> outputPadding[i] / stride[i])

    let x =
        if extra = [| 0; 0 |] then
            x
        else
            OpsShape.padConstant [| (0, extra[0]); (0, extra[1]) |] 0.0 x

    let y =
        named op (fun () -> OpsConv.inputGrad spec [| xs[0]; outChannels; outH; outW |] x w)

    let y =
        match bias with
        | Some b -> Tensor.Add(y, OpsShape.reshape [| 1; outChannels; 1; 1 |] b)
        | None -> y

    if unbatched then OpsShape.reshape y.Shape[1..] y else y

/// The 1-D transposed convolution: x [N, Cin, L] (or [Cin, L]), weight [Cin, Cout/groups, k], as
/// a 2-D one of height 1.
let convTranspose1d
    (stride: int)
    (padding: int)
    (outputPadding: int)
    (groups: int)
    (dilation: int)
    (weight: Tensor)
    (bias: Tensor option)
    (x: Tensor)
    : Tensor =
    let op = "convTranspose1d"
    notNull op "x" x
    notNull op "weight" weight
    let xs, ws = x.Shape, weight.Shape

    if (xs.Length <> 2 && xs.Length <> 3) || ws.Length <> 3 then
        invalidArg
            "x"
            $"{op}: the input must be 3-D (batch, channels, length) or 2-D (channels, length) and the weight 3-D (in channels, out channels / groups, kernel); got {shapeText xs} and {shapeText ws}."

    let x4 = OpsShape.reshape (Array.insertAt (xs.Length - 1) 1 xs) x
    let w4 = OpsShape.reshape [| ws[0]; ws[1]; 1; ws[2] |] weight

    let y =
        convTranspose2d op [| 1; stride |] [| 0; padding |] [| 0; outputPadding |] groups [| 1; dilation |] w4 bias x4

    let ys = y.Shape
    OpsShape.reshape (Array.removeAt (ys.Length - 2) ys) y

// ---------------------------------------------------------------- adaptive average pooling

/// The constant [outSize, inSize] matrix whose row i averages the inputs floor(i·in/out) ..
/// ceil((i+1)·in/out) − 1 (PyTorch's bins), in x's dtype and on its device.
let private averagingMatrix (inSize: int) (outSize: int) (x: Tensor) : Tensor =
    let m = Array.zeroCreate (outSize * inSize)

    for i in 0 .. outSize - 1 do
        let start = int (int64 i * int64 inSize / int64 outSize)
        let stop = int ((int64 (i + 1) * int64 inSize + int64 outSize - 1L) / int64 outSize)

        for j in start .. stop - 1 do
            m[i * inSize + j] <- 1.0 / float (stop - start)

    let r = Raw.ofArray m [| outSize; inSize |] x.Device
    let dtype = (x.Raw()).dtype

    if r.dtype = dtype then
        Const r
    else
        Const(guard1 "adaptiveAvgPool" r (fun () -> (use r = r in r.to_type dtype)))

/// Adaptive average pooling over the last `outputSize.Length` dims of x (1 or 2 of them): the
/// product with one constant averaging matrix per pooled dimension, so it is linear and all its
/// derivatives are products with the same matrices.
let private adaptiveAvgPool (op: string) (outputSize: int[]) (x: Tensor) : Tensor =
    notNull op "x" x
    requireFloat op x
    let xs = x.Shape
    let k = outputSize.Length
    let ranks = if k = 1 then "2-D or 3-D" else "3-D or 4-D"

    if xs.Length <> k + 1 && xs.Length <> k + 2 then
        invalidArg "x" $"{op}: expected a {ranks} input (optional batch, channels, then the {k} pooled dimensions); got {shapeText xs}."

    let pooled = xs[xs.Length - k ..]

    if pooled |> Array.exists (fun d -> d < 1) then
        invalidArg
            "x"
            $"{op}: the pooled dimensions must not be empty; got input {shapeText xs}. (Only the batch and channel dimensions may be empty.)"

    if outputSize |> Array.exists (fun d -> d < 0) then
        invalidArg "outputSize" $"{op}: the output size must be non-negative; got {shapeText outputSize}."

    let lead = xs[.. xs.Length - k - 1]
    let b = product lead
    // Pool the last dim: [rows, in] @ Pᵀ [in, out]; for 2-D, transpose and pool the other one too.
    let poolLast (inSize: int) (outSize: int) (rows: int) (t: Tensor) =
        OpsLinalg.matmul (OpsShape.reshape [| rows; inSize |] t) (OpsLinalg.transposeLast (averagingMatrix inSize outSize x))

    if k = 1 then
        poolLast xs[xs.Length - 1] outputSize[0] b x
        |> OpsShape.reshape (Array.append lead outputSize)
    else
        let h, w = pooled[0], pooled[1]
        let oh, ow = outputSize[0], outputSize[1]

        poolLast w ow (b * h) x
        |> OpsShape.reshape [| b; h; ow |]
        |> OpsShape.transpose 1 2
        |> poolLast h oh (b * ow)
        |> OpsShape.reshape [| b; ow; oh |]
        |> OpsShape.transpose 1 2
        |> OpsShape.reshape (Array.append lead outputSize)

/// torch.nn.functional.adaptive_avg_pool2d: x [N, C, H, W] or [C, H, W] to [.., oh, ow].
let adaptiveAvgPool2d (outputSize: int * int) (x: Tensor) : Tensor =
    let oh, ow = outputSize
    adaptiveAvgPool "adaptiveAvgPool2d" [| oh; ow |] x

/// torch.nn.functional.adaptive_avg_pool1d: x [N, C, L] or [C, L] to [.., outputSize].
let adaptiveAvgPool1d (outputSize: int) (x: Tensor) : Tensor =
    adaptiveAvgPool "adaptiveAvgPool1d" [| outputSize |] x

// ---------------------------------------------------------------- normalisation

/// (x − mean)/√(var + eps) over `dims` (kept), with the biased variance: a composition, so its
/// derivatives of every order come from those of mean, mul and pow. Also returns the mean and
/// the biased variance (kept dims) for batch norm's running statistics.
let private standardize (dims: int[]) (eps: float) (x: Tensor) =
    let mean = OpsReduce.meanDims dims true x
    let centered = Tensor.Sub(x, mean)
    let var = OpsReduce.meanDims dims true (Tensor.Mul(centered, centered))
    Tensor.Mul(centered, Tensor.PowScalar(Tensor.AddScalar(var, eps), -0.5)), mean, var

/// running ← (1 − momentum)·running + momentum·factor·stat, in place on running's storage and not
/// recorded (PyTorch's buffers). stat holds rows of one value per channel ([1, C, 1, ...] from
/// batch norm, [N, C, 1, ...] from instance norm), which are averaged.
let private updateRunning (op: string) (momentum: float) (factor: float) (running: Tensor option) (stat: Tensor) =
    match running with
    | Some r when r.Numel > 0 ->
        let rr, rs = r.Raw(), stat.Raw()

        guardAny op [| rr; rs |] (fun () ->
            use rows = rs.reshape ([| -1L; rr.numel () |])
            use average = rows.mean ([| 0L |], false)
            use typed = average.to_type rr.dtype
            // alpha given explicitly: TorchSharp's add_(tensor) makes a temporary Scalar that the GC
            // may free during the native call; Raw.scalar keeps it alive.
            rr.mul_(sc (1.0 - momentum)).add_(typed, sc (momentum * factor)) |> ignore)
    | _ -> ()

/// Checks the optional per-channel tensors of batch and instance norm.
let private checkChannelParameters
    (op: string)
    (c: int)
    (runningMean: Tensor option)
    (runningVar: Tensor option)
    (weight: Tensor option)
    (bias: Tensor option)
    =
    let perChannelShape = [| c |]
    checkParameter op "weight" perChannelShape "one per channel" weight
    checkParameter op "bias" perChannelShape "one per channel" bias
    checkParameter op "runningMean" perChannelShape "one per channel" runningMean
    checkParameter op "runningVar" perChannelShape "one per channel" runningVar

    for name, s in [ "runningMean", runningMean; "runningVar", runningVar ] do
        match s with
        | Some t when not t.Dtype.IsFloatingPoint ->
            invalidArg name $"{op}: the {name} must be a floating-point tensor; got {describe (t.Raw())}."
        | _ -> ()

/// Normalisation with the running statistics (evaluation mode), which must be given.
let private withRunningStatistics
    (op: string)
    (runningMean: Tensor option)
    (runningVar: Tensor option)
    (weight: Tensor option)
    (bias: Tensor option)
    (eps: float)
    (x: Tensor)
    =
    let rank = x.Dim

    match runningMean, runningVar with
    | Some m, Some v ->
        let x, options = promoteWith op x [| Some m; Some v; weight; bias |]
        let m, v = perChannel rank options[0].Value, perChannel rank options[1].Value

        let y =
            Tensor.Mul(Tensor.Sub(x, m), Tensor.PowScalar(Tensor.AddScalar(v, eps), -0.5))

        affine rank options[2] options[3] y
    | _ ->
        invalidArg
            "runningMean"
            $"{op}: running_mean and running_var must be given when the input's statistics are not used (evaluation mode); give them, or use the input's statistics (training)."

/// torch.nn.functional.batch_norm. x [N, C, *]. Training: the batch statistics over every dim but
/// the channels (biased variance), and the running statistics, when given, updated in place
/// (running = (1 − momentum)·running + momentum·batch, with the unbiased variance), not
/// recorded. Evaluation: the running statistics.
let batchNorm
    (runningMean: Tensor option)
    (runningVar: Tensor option)
    (weight: Tensor option)
    (bias: Tensor option)
    (training: bool)
    (momentum: float)
    (eps: float)
    (x: Tensor)
    : Tensor =
    let op = "batchNorm"
    notNull op "x" x
    let xs = x.Shape

    if xs.Length < 2 then
        invalidArg "x" $"{op}: the input must have at least 2 dimensions (batch, channels, ...); got {shapeText xs}."

    requireFloat op x
    checkChannelParameters op xs[1] runningMean runningVar weight bias
    let rank = xs.Length
    let count = xs[0] * product xs[2..]

    if training then
        if count = 1 then
            invalidArg
                "x"
                $"{op}: Expected more than 1 value per channel when training, got input size {shapeText xs}. Use a larger batch, or evaluation mode (training = false)."

        let x, options = promoteWith op x [| weight; bias |]
        let y, mean, var = standardize (Array.append [| 0 |] [| 2 .. rank - 1 |]) eps x

        if count > 0 then
            updateRunning op momentum 1.0 runningMean mean
            updateRunning op momentum (float count / float (count - 1)) runningVar var

        affine rank options[0] options[1] y
    else
        withRunningStatistics op runningMean runningVar weight bias eps x

/// torch.nn.functional.instance_norm. x [N, C, *]. With useInputStats, each channel of each
/// sample is standardised over its own spatial dims (biased variance), and the running statistics,
/// when given, move in place towards the batch average of the instance statistics (unbiased
/// variance); otherwise the running statistics are used.
let instanceNorm
    (runningMean: Tensor option)
    (runningVar: Tensor option)
    (weight: Tensor option)
    (bias: Tensor option)
    (useInputStats: bool)
    (momentum: float)
    (eps: float)
    (x: Tensor)
    : Tensor =
    let op = "instanceNorm"
    notNull op "x" x
    let xs = x.Shape

    if xs.Length < 2 then
        invalidArg "x" $"{op}: the input must have at least 2 dimensions (batch, channels, ...); got {shapeText xs}."

    requireFloat op x
    checkChannelParameters op xs[1] runningMean runningVar weight bias
    let rank = xs.Length

    if useInputStats then
        let count = product xs[2..]

        if count = 1 then
            invalidArg
                "x"
                $"{op}: Expected more than 1 spatial element when training, got input size {shapeText xs}. Give the input spatial dimensions ([N, C, L] or [N, C, H, W])."

        let x, options = promoteWith op x [| weight; bias |]
        let y, mean, var = standardize [| 2 .. rank - 1 |] eps x

        if count > 0 && xs[0] > 0 then
            updateRunning op momentum 1.0 runningMean mean
            updateRunning op momentum (float count / float (count - 1)) runningVar var

        affine rank options[0] options[1] y
    else
        withRunningStatistics op runningMean runningVar weight bias eps x

/// torch.nn.functional.layer_norm: standardised over the last normalizedShape.Length dims (which
/// must match normalizedShape), then scaled by weight and shifted by bias (both of that shape).
let layerNorm (normalizedShape: int[]) (weight: Tensor option) (bias: Tensor option) (eps: float) (x: Tensor) : Tensor =
    let op = "layerNorm"
    notNull op "x" x

    if isNull normalizedShape || normalizedShape.Length = 0 then
        invalidArg "normalizedShape" $"{op}: normalizedShape must have at least one dimension; got []."

    let xs = x.Shape
    let k = normalizedShape.Length

    if xs.Length < k || xs[xs.Length - k ..] <> normalizedShape then
        let star = String.Join(", ", normalizedShape)

        invalidArg
            "x"
            $"{op}: given normalizedShape {shapeText normalizedShape}, expected an input of shape [*, {star}]; got {shapeText xs}."

    requireFloat op x
    checkParameter op "weight" normalizedShape "normalizedShape" weight
    checkParameter op "bias" normalizedShape "normalizedShape" bias
    let x, options = promoteWith op x [| weight; bias |]
    let y, _, _ = standardize [| xs.Length - k .. xs.Length - 1 |] eps x

    let y =
        match options[0] with
        | Some w -> Tensor.Mul(y, w)
        | None -> y

    match options[1] with
    | Some b -> Tensor.Add(y, b)
    | None -> y

/// torch.nn.functional.group_norm: x [N, C, *] with the C channels in numGroups groups, each
/// group of each sample standardised, then weight and bias per channel.
let groupNorm (numGroups: int) (weight: Tensor option) (bias: Tensor option) (eps: float) (x: Tensor) : Tensor =
    let op = "groupNorm"
    notNull op "x" x
    let xs = x.Shape

    if xs.Length < 2 then
        invalidArg "x" $"{op}: the input must have at least 2 dimensions (batch, channels, ...); got {shapeText xs}."

    if numGroups < 1 then
        invalidArg "numGroups" $"{op}: numGroups must be at least 1; got {numGroups}."

    if xs[1] % numGroups <> 0 then
        invalidArg
            "numGroups"
            $"{op}: the number of channels must be divisible by numGroups; got an input of shape {shapeText xs} and numGroups = {numGroups}."

    requireFloat op x
    let c = xs[1]
    checkParameter op "weight" [| c |] "one per channel" weight
    checkParameter op "bias" [| c |] "one per channel" bias
    let x, options = promoteWith op x [| weight; bias |]

    let grouped =
        OpsShape.reshape [| xs[0]; numGroups; c / numGroups * product xs[2..] |] x

    let y, _, _ = standardize [| 2 |] eps grouped
    affine xs.Length options[0] options[1] (OpsShape.reshape xs y)

// ---------------------------------------------------------------- embedding, bilinear

/// torch.nn.functional.embedding: the rows of weight [num, dim] at integer indices of any shape,
/// giving indices.Shape ++ [dim]. Rows looked up at paddingIdx get no derivative (PyTorch's).
let embedding (paddingIdx: int option) (weight: Tensor) (indices: Tensor) : Tensor =
    let op = "embedding"
    notNull op "weight" weight
    notNull op "indices" indices
    let ws = weight.Shape

    if ws.Length <> 2 then
        invalidArg "weight" $"{op}: the weight must be 2-D (num embeddings, embedding dim); got {shapeText ws}."

    let ri = indices.Raw()

    if ri.dtype <> torch.ScalarType.Int64 && ri.dtype <> torch.ScalarType.Int32 then
        invalidArg
            "indices"
            $"{op}: the indices must be an int64 or int32 tensor; got {describe ri}. Convert them with Tensor.toDtype Dtype.Int64."

    let num = ws[0]

    let padding =
        paddingIdx
        |> Option.map (fun p ->
            if p < -num || p >= num then
                raise (
                    ArgumentOutOfRangeException(
                        "paddingIdx",
                        $"{op}: paddingIdx {p} must be within the {num} embeddings (weight {shapeText ws}); valid: {-num} .. {num - 1}."
                    )
                )

            if p < 0 then p + num else p)

    let flat = guard1 op ri (fun () -> ri.reshape (-1L))

    if flat.numel () > 0L then
        let lo, hi =
            guardAny op [| ri |] (fun () ->
                // item<T>, not ToInt64(): that makes a temporary Scalar the GC may free mid-call
                use mn = flat.min ()
                use mx = flat.max ()
                use mn64 = mn.to_type torch.ScalarType.Int64
                use mx64 = mx.to_type torch.ScalarType.Int64
                mn64.item<int64>(), mx64.item<int64>())

        let bad = if lo < 0L then lo else hi

        if num = 0 then
            raise (
                ArgumentOutOfRangeException(
                    "indices",
                    $"{op}: index {lo} is out of range: the table is empty (weight {shapeText ws}); give it at least one row."
                )
            )

        if lo < 0L || hi >= int64 num then
            raise (
                ArgumentOutOfRangeException(
                    "indices",
                    $"{op}: index {bad} is out of range for a table of {num} embeddings (weight {shapeText ws}); indices must be in 0 .. {num - 1}."
                )
            )

    let rows = Prim.IndexSelectAt(weight, 0, flat)

    let rows =
        match padding with
        | Some p when weight.IsDifferentiated ->
            let atPadding =
                guard1 op flat (fun () -> (use eq = flat.eq (scalarInt (int64 p)) in eq.unsqueeze 1L))

            let any =
                guardAny op [| flat |] (fun () -> (use a = atPadding.any () in a.item<bool>()))

            if any then
                // the padding rows' values, as constants: no derivative reaches that row of weight
                OpsElementwise.where (Const atPadding) (Const(rows.Raw())) rows
            else
                rows
        | _ -> rows

    OpsShape.reshape (Array.append (shape ri) [| ws[1] |]) rows

/// torch.nn.functional.bilinear: y = x1ᵀ A x2 + b for weight A [out, in1, in2], x1 [*, in1] and
/// x2 [*, in2] with the same leading dims, bias [out].
let bilinear (weight: Tensor) (bias: Tensor option) (x1: Tensor) (x2: Tensor) : Tensor =
    let op = "bilinear"
    notNull op "x1" x1
    notNull op "x2" x2
    notNull op "weight" weight
    let x1, options = promoteWith op x1 [| Some x2; Some weight; bias |]
    let x2, w, bias = options[0].Value, options[1].Value, options[2]
    requireFloat op x1
    let s1, s2, ws = x1.Shape, x2.Shape, w.Shape

    if s1.Length = 0 || s2.Length = 0 then
        invalidArg "x1" $"{op}: the inputs must have at least one dimension (features last); got {shapeText s1} and {shapeText s2}."

    if s1.Length <> s2.Length || s1[.. s1.Length - 2] <> s2[.. s2.Length - 2] then
        invalidArg
            "x2"
            $"{op}: the inputs must have the same leading (batch) dimensions, only the last may differ; got {shapeText s1} and {shapeText s2}."

    let in1, in2 = s1[s1.Length - 1], s2[s2.Length - 1]

    if ws.Length <> 3 || ws[1] <> in1 || ws[2] <> in2 then
        invalidArg
            "weight"
            $"{op}: the weight must have shape [out, {in1}, {in2}] for inputs {shapeText s1} and {shapeText s2}; got {shapeText ws}."

    let out = ws[0]
    checkParameter op "bias" [| out |] "one per output" bias
    let lead = s1[.. s1.Length - 2]
    let b = product lead
    // x1 A: [b, in1] @ [in1, out·in2], then the inner product with x2 over in2
    let a = OpsShape.permute [| 1; 0; 2 |] w |> OpsShape.reshape [| in1; out * in2 |]

    let t =
        OpsLinalg.matmul (OpsShape.reshape [| b; in1 |] x1) a
        |> OpsShape.reshape [| b; out; in2 |]

    let y =
        OpsReduce.sumDims [| 2 |] false (Tensor.Mul(t, OpsShape.reshape [| b; 1; in2 |] x2))

    let y =
        match bias with
        | Some bias -> Tensor.Add(y, bias)
        | None -> y

    OpsShape.reshape (Array.append lead [| out |]) y

// ---------------------------------------------------------------- attention

/// softmax(q kᵀ/√E + mask) over the last dim, for q [*, L, E] and k [*, S, E] (batch dims
/// broadcast): PyTorch's scaled_dot_product_attention weights. A bool mask (true = take part)
/// becomes 0 / −∞; a float mask is added (and differentiated); isCausal is the lower triangle.
/// Rows where every score is −∞ give zeros, as PyTorch's (_safe_softmax), not NaN.
let attentionWeights (op: string) (attnMask: Tensor option) (isCausal: bool) (q: Tensor) (k: Tensor) : Tensor =
    notNull op "query" q
    notNull op "key" k

    let floatMask =
        match attnMask with
        | Some m when m.Dtype = Dtype.Bool -> None
        | Some m when m.Dtype.IsFloatingPoint -> Some m
        | Some m ->
            invalidArg
                "attnMask"
                $"{op}: the attention mask must be bool (true = take part) or floating-point (added to the scores); got {describe (m.Raw())}."
        | None -> None

    if isCausal && attnMask.IsSome then
        invalidArg "attnMask" $"{op}: an explicit attnMask must not be given when isCausal is true (the causal mask replaces it)."

    let q, options = promoteWith op q [| Some k; floatMask |]
    let k, floatMask = options[0].Value, options[1]
    requireFloat op q
    let qs, ks = q.Shape, k.Shape

    if qs.Length < 2 || ks.Length < 2 then
        invalidArg
            "q"
            $"{op}: query and key must have at least 2 dimensions ([*, L, E] and [*, S, E]); got {shapeText qs} and {shapeText ks}."

    let e = qs[qs.Length - 1]

    if ks[ks.Length - 1] <> e then
        invalidArg "k" $"{op}: query {shapeText qs} and key {shapeText ks} must have the same embedding size (last dimension)."

    if e < 1 then
        invalidArg "q" $"{op}: the embedding size (last dimension of query {shapeText qs}) must be at least 1."

    let l, s = qs[qs.Length - 2], ks[ks.Length - 2]

    let batch =
        broadcastShapes $"{op} (batch dimensions of query {shapeText qs} and key {shapeText ks})" qs[.. qs.Length - 3] ks[.. ks.Length - 3]

    let scoreShape = Array.append batch [| l; s |]

    let checkMaskShape (ms: int[]) =
        let fits =
            ms.Length <= scoreShape.Length
            && ms
               |> Array.mapi (fun i d -> d = 1 || d = scoreShape[scoreShape.Length - ms.Length + i])
               |> Array.forall id

        if not fits then
            invalidArg
                "attnMask"
                $"{op}: the attention mask {shapeText ms} must broadcast to the scores' shape {shapeText scoreShape} ([*, L, S])."

    let scores =
        Tensor.MulScalar(OpsLinalg.matmul q (OpsLinalg.transposeLast k), 1.0 / Math.Sqrt(float e))

    let dtype = (q.Raw()).dtype

    let additiveOf (allowed: RawTensor) =
        guard1 op allowed (fun () ->
            use zeros = torch.zeros (allowed.shape, dtype, allowed.device)
            use excluded = allowed.logical_not ()
            zeros.masked_fill (excluded, sc Double.NegativeInfinity))

    let scores =
        if isCausal then
            let allowed =
                guard1 op (q.Raw()) (fun () ->
                    (use ones =
                        torch.ones ([| int64 l; int64 s |], torch.ScalarType.Bool, q.Raw().device) in

                     ones.tril ()))

            Tensor.Add(scores, Const(additiveOf allowed))
        else
            match attnMask, floatMask with
            | _, Some m ->
                checkMaskShape m.Shape
                Tensor.Add(scores, m)
            | Some m, None ->
                checkMaskShape m.Shape
                Tensor.Add(scores, Const(additiveOf (m.Raw())))
            | None, None -> scores

    let deadRows =
        maskOf op scores (fun r ->
            use isNegInf = r.eq (sc Double.NegativeInfinity)
            isNegInf.all (-1L, true))

    if
        scores.Numel > 0
        && guardAny op [| deadRows |] (fun () -> (use a = deadRows.any () in a.item<bool>()))
    then
        // A row masked everywhere: its scores are zeroed (so softmax and its rules stay finite)
        // and its weights set to 0.
        let alive = Prim.MaskedZero(op, scores, deadRows)
        Prim.MaskedZero(op, OpsReduce.softmax -1 alive, deadRows)
    else
        OpsReduce.softmax -1 scores

/// torch.nn.functional.scaled_dot_product_attention without dropout: attentionWeights · v, for
/// v [*, S, Ev], giving [*, L, Ev].
let scaledDotProductAttention (attnMask: Tensor option) (isCausal: bool) (q: Tensor) (k: Tensor) (v: Tensor) : Tensor =
    let op = "scaledDotProductAttention"
    notNull op "value" v
    let weights = attentionWeights op attnMask isCausal q k
    let vs = v.Shape
    let ks = k.Shape

    if vs.Length < 2 || vs[vs.Length - 2] <> ks[ks.Length - 2] then
        invalidArg "v" $"{op}: value must have shape [*, S, Ev] with S = {ks[ks.Length - 2]} (the key's length); got {shapeText vs}."

    named op (fun () -> OpsLinalg.matmul weights v)

// ---------------------------------------------------------------- normalize, distances

/// torch.nn.functional.normalize: x / max(‖x‖_p, eps) along dim.
let normalize (p: float) (dim: int) (eps: float) (x: Tensor) : Tensor =
    let op = "normalize"
    notNull op "x" x
    requireFloat op x

    named op (fun () ->
        let norm = OpsSearch.vectorNorm p [| dim |] true x
        Tensor.Div(x, OpsElementwise.clamp (Some eps) None norm))

/// torch.nn.functional.pairwise_distance: ‖a − b + eps‖_p over the last dim (of the broadcast shape).
let pairwiseDistance (p: float) (eps: float) (keepDim: bool) (a: Tensor) (b: Tensor) : Tensor =
    let op = "pairwiseDistance"
    notNull op "a" a
    notNull op "b" b
    let ab = Prim.Promote(op, [| a; b |])
    requireFloat op ab[0]
    broadcastShapes op a.Shape b.Shape |> ignore
    let last = max a.Dim b.Dim - 1
    named op (fun () -> OpsSearch.vectorNorm p [| last |] keepDim (Tensor.AddScalar(Tensor.Sub(ab[0], ab[1]), eps)))

/// n with its values raised to at least eps but the derivative of n itself (LibTorch clamps the
/// norms of cosine_similarity in place, unrecorded): n + a constant shift.
let private clampMinKeepingDerivative (op: string) (eps: float) (n: Tensor) =
    let r = n.Raw()

    let below =
        guardAny op [| r |] (fun () ->
            (use lt = r.lt (sc eps) in
             use a = lt.any () in
             a.item<bool>()))

    if below then
        Tensor.Add(n, Const(guard1 op r (fun () -> (use c = r.clamp_min (sc eps) in c.sub r))))
    else
        n

/// torch.nn.functional.cosine_similarity: Σ (a/max(‖a‖, eps))·(b/max(‖b‖, eps)) along dim, a and
/// b broadcast (LibTorch 2's formula: the norms are clamped, their derivative is the norm's).
let cosineSimilarity (dim: int) (eps: float) (a: Tensor) (b: Tensor) : Tensor =
    let op = "cosineSimilarity"
    notNull op "a" a
    notNull op "b" b
    let ab = Prim.Promote(op, [| a; b |])

    if not ab[0].Dtype.IsFloatingPoint then
        invalidArg
            "a"
            $"{op}: the common dtype of {describe (a.Raw())} and {describe (b.Raw())} must be floating-point. Convert them with Tensor.toDtype."

    let target = broadcastShapes op a.Shape b.Shape
    let d = normDim op (max 1 target.Length) dim

    named op (fun () ->
        // a 0-d pair is a pair of 1-vectors (PyTorch accepts dim 0 or -1 for it)
        let widen (t: Tensor) =
            let t = if t.Shape = target then t else Tensor.ExpandTo(t, target)
            if target.Length = 0 then OpsShape.reshape [| 1 |] t else t

        let unit (t: Tensor) =
            Tensor.Div(t, clampMinKeepingDerivative op eps (OpsReduce.norm [| d |] true t))

        OpsReduce.sumDims [| d |] false (Tensor.Mul(unit (widen ab[0]), unit (widen ab[1]))))

// ---------------------------------------------------------------- activations

/// Derivative 1 strictly between lo and hi, 0 elsewhere (PyTorch's hardtanh_backward): values at
/// the bounds get 0, unlike clamp's.
let private hardtanhAt (op: string) (lo: float) (hi: float) (x: Tensor) : Tensor =
    refuseBool op x

    let rule (x: Tensor) (_: Tensor) (d: Tensor) =
        let outside =
            maskOf op x (fun r ->
                use below = r.le (sc lo)
                use above = r.ge (sc hi)
                below.logical_or above)

        Prim.MaskedZero(op, d, outside)

    Prim.Lift1(op, (fun r -> r.clamp (sc lo, sc hi)), rule, rule, x)

/// torch.nn.functional.hardtanh: x limited to [lo, hi]; derivative 1 strictly inside.
let hardtanh (lo: float) (hi: float) (x: Tensor) : Tensor =
    if lo > hi then
        invalidArg "lo" $"hardtanh: the lower bound {lo} cannot be greater than the upper bound {hi}."

    hardtanhAt "hardtanh" lo hi x

/// min(max(x, 0), 6).
let relu6 (x: Tensor) : Tensor = hardtanhAt "relu6" 0.0 6.0 x

let private seluAlpha = 1.6732632423543772848170429916717
let private seluScale = 1.0507009873554804934193349852946

/// scale·elu(alpha)(x) with PyTorch's constants.
let selu (x: Tensor) : Tensor =
    requireFloat "selu" x
    named "selu" (fun () -> Tensor.MulScalar(OpsElementwise.elu seluAlpha x, seluScale))

/// max(0, x) + min(0, alpha·(exp(x/alpha) − 1)) = alpha·elu(1)(x/alpha).
let celu (alpha: float) (x: Tensor) : Tensor =
    requireFloat "celu" x

    if alpha = 0.0 then
        invalidArg "alpha" "celu: alpha cannot be 0."

    named "celu" (fun () -> Tensor.MulScalar(OpsElementwise.elu 1.0 (Tensor.DivScalar(x, alpha)), alpha))

/// x·tanh(softplus(x)).
let mish (x: Tensor) : Tensor =
    requireFloat "mish" x
    named "mish" (fun () -> Tensor.Mul(x, Tensor.Tanh(OpsElementwise.softplus x)))

/// x / (1 + |x|).
let softsign (x: Tensor) : Tensor =
    named "softsign" (fun () -> Tensor.Div(x, Tensor.AddScalar(Tensor.Abs x, 1.0)))

/// a·sigmoid(b) for the two halves a, b of x along dim.
let glu (dim: int) (x: Tensor) : Tensor =
    let op = "glu"
    let s = x.Shape

    if s.Length = 0 then
        invalidArg "x" $"{op}: a 0-d tensor cannot be halved; give a tensor with an even-sized dimension."

    let d = normDim op s.Length dim

    if s[d] % 2 <> 0 then
        invalidArg "x" $"{op}: the halved dimension must be even, but dimension {d} of {shapeText s} is {s[d]}."

    requireFloat op x
    let h = s[d] / 2
    named op (fun () -> Tensor.Mul(OpsShape.narrow d 0 h x, OpsElementwise.sigmoid (OpsShape.narrow d h h x)))

/// gelu with the tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
let geluTanh (x: Tensor) : Tensor =
    requireFloat "geluTanh" x

    named "geluTanh" (fun () ->
        let inner =
            Tensor.MulScalar(Tensor.Add(x, Tensor.MulScalar(Tensor.PowScalar(x, 3.0), 0.044715)), Math.Sqrt(2.0 / Math.PI))

        Tensor.Mul(Tensor.MulScalar(x, 0.5), Tensor.AddScalar(Tensor.Tanh inner, 1.0)))

/// relu6(x + 3)/6; derivative 1/6 strictly between −3 and 3.
let hardsigmoid (x: Tensor) : Tensor =
    requireFloat "hardsigmoid" x
    named "hardsigmoid" (fun () -> Tensor.AddScalar(Tensor.DivScalar(hardtanhAt "hardsigmoid" -3.0 3.0 x, 6.0), 0.5))

/// x·relu6(x + 3)/6, with PyTorch's derivative: 0 below −3, x/3 + 1/2 on [−3, 3], 1 above.
let hardswish (x: Tensor) : Tensor =
    let op = "hardswish"
    requireFloat op x

    let dydx (x: Tensor) (_: Tensor) =
        let outside =
            maskOf op x (fun r ->
                use below = r.lt (sc -3.0)
                use above = r.gt (sc 3.0)
                below.logical_or above)

        let above = maskOf op x (fun r -> (use a = r.gt (sc 3.0) in a.to_type r.dtype))
        Tensor.Add(Prim.MaskedZero(op, Tensor.AddScalar(Tensor.DivScalar(x, 3.0), 0.5), outside), Const above)

    Prim.Elementwise(op, (fun r -> torch.nn.functional.hardswish r), dydx, x)

/// softmax(−x) along dim.
let softmin (dim: int) (x: Tensor) : Tensor =
    named "softmin" (fun () -> OpsReduce.softmax dim (Tensor.Neg x))

/// x − tanh(x).
let tanhshrink (x: Tensor) : Tensor =
    named "tanhshrink" (fun () -> Tensor.Sub(x, Tensor.Tanh x))

/// x − lambda for x > lambda, x + lambda for x < −lambda, 0 between (derivative 0 on [−λ, λ]).
let softshrink (lambda: float) (x: Tensor) : Tensor =
    if not (lambda >= 0.0) then
        invalidArg "lambda" $"softshrink: lambda must be greater than or equal to 0; got {lambda}."

    requireFloat "softshrink" x
    named "softshrink" (fun () -> Tensor.Sub(x, OpsElementwise.clamp (Some -lambda) (Some lambda) x))

/// x where |x| > lambda, else 0.
let hardshrink (lambda: float) (x: Tensor) : Tensor =
    requireFloat "hardshrink" x
    let inside = maskOf "hardshrink" x (fun r -> (use a = r.abs () in a.le (sc lambda)))
    Prim.MaskedZero("hardshrink", x, inside)

/// x where x > threshold, else value (torch.nn.functional.threshold).
let threshold (threshold: float) (value: float) (x: Tensor) : Tensor =
    let op = "threshold"
    refuseBool op x
    let replaced = maskOf op x (fun r -> r.le (sc threshold))

    let filled =
        Const(guard1 op (x.Raw()) (fun () -> torch.full_like (x.Raw(), sc value)))

    OpsElementwise.where (Const replaced) filled x

/// x where x > 0, weight·x elsewhere; weight has one value or one per channel (dim 1).
let prelu (weight: Tensor) (x: Tensor) : Tensor =
    let op = "prelu"
    notNull op "weight" weight
    notNull op "x" x
    let ws, xs = weight.Shape, x.Shape

    if ws.Length > 1 then
        invalidArg "weight" $"{op}: the weight must be 0-d or 1-D; got {shapeText ws}."

    let channels = if xs.Length >= 2 then xs[1] else 1

    if weight.Numel <> 1 && weight.Numel <> channels then
        invalidArg
            "weight"
            $"{op}: the weight must have 1 value or one per channel; got {weight.Numel} values for an input of shape {shapeText xs} ({channels} channel(s))."

    let x, options = promoteWith op x [| Some weight |]
    requireFloat op x

    let w =
        if options[0].Value.Numel = 1 then
            OpsShape.reshape [||] options[0].Value
        else
            perChannel xs.Length (OpsShape.reshape [| channels |] options[0].Value)

    let positive = maskOf op x (fun r -> r.gt (sc 0.0))
    named op (fun () -> OpsElementwise.where (Const positive) x (Tensor.Mul(w, x)))

/// (1/beta)·log(1 + exp(beta·x)), and x where beta·x > threshold (torch.nn.functional.softplus).
let softplusWith (beta: float) (threshold: float) (x: Tensor) : Tensor =
    let op = "softplus"
    requireFloat op x

    let dydx (x: Tensor) (_: Tensor) =
        let linear =
            maskOf op x (fun r -> (use bx = r.mul (sc beta) in bx.gt (sc threshold)))

        let ones = Const(guard1 op linear (fun () -> linear.to_type (x.Raw().dtype)))
        Tensor.Add(Prim.MaskedZero(op, OpsElementwise.sigmoid (Tensor.MulScalar(x, beta)), linear), ones)

    Prim.Elementwise(op, (fun r -> torch.nn.functional.softplus (r, beta, threshold)), dydx, x)
