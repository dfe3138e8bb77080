/// Convolution and pooling. A convolution is one trilinear form T(x, W, g) = ⟨conv(x, W), g⟩, and
/// its three partial maps are three primitives: conv (∂T/∂g), inputGrad (∂T/∂x, a transposed
/// convolution) and weightGrad (∂T/∂W). Each one's rules are written with the other two, so
/// the set is closed under differentiation and derivatives of any order work. Pooling reuses
/// them: average pooling is a depthwise convolution with a constant kernel, max pooling a gather.
module internal Nabla.OpsConv

open System
open TorchSharp
open Nabla.Raw

/// Stride, padding and dilation per spatial dimension (height, width), and the group count.
type ConvSpec =
    {
        Stride: int[]
        Padding: int[]
        Dilation: int[]
        Groups: int
    }

let private convRaw (s: ConvSpec) (x: RawTensor) (w: RawTensor) =
    torch.nn.functional.conv2d (x, w, null, longs s.Stride, longs s.Padding, longs s.Dilation, int64 s.Groups)

/// ∂T/∂x: a transposed convolution, with the output padding that restores x's exact size.
let private inputGradRaw (s: ConvSpec) (xShape: int[]) (g: RawTensor) (w: RawTensor) =
    let gs, ws = shape g, shape w
    // LibTorch's transposed convolution refuses empty batches and channels; the answer is zeros.
    if g.numel () = 0L || w.numel () = 0L then
        torch.zeros (longs xShape, g.dtype, g.device)
    else
        let outputPadding =
            Array.init 2 (fun i ->
                xShape[2 + i]
                - ((gs[2 + i] - 1) * s.Stride[i] - 2 * s.Padding[i]
                   + s.Dilation[i] * (ws[2 + i] - 1)
                   + 1))

        torch.nn.functional.conv_transpose2d (
            g,
            w,
            null,
            longs s.Stride,
            longs s.Padding,
            longs outputPadding,
            longs s.Dilation,
            int64 s.Groups
        )

/// ∂T/∂W as a convolution of x with g, batch and channel roles exchanged, stride and dilation
/// swapped; groups become a grouped convolution over (group, batch) channels.
let private weightGradRaw (s: ConvSpec) (wShape: int[]) (x: RawTensor) (g: RawTensor) =
    let xs, gs = shape x, shape g

    if x.numel () = 0L || g.numel () = 0L then
        torch.zeros (longs wShape, x.dtype, x.device)
    else
        let n, groups = xs[0], s.Groups
        let ci, co = xs[1] / groups, gs[1] / groups
        use xv = x.reshape (longs [| n; groups; ci; xs[2]; xs[3] |])
        use xp = xv.permute (longs [| 2; 1; 0; 3; 4 |])
        use x2 = xp.reshape (longs [| ci; groups * n; xs[2]; xs[3] |])
        use gv = g.reshape (longs [| n; groups; co; gs[2]; gs[3] |])
        use gp = gv.permute (longs [| 1; 2; 0; 3; 4 |])
        use g2 = gp.reshape (longs [| groups * co; n; gs[2]; gs[3] |])

        use full =
            torch.nn.functional.conv2d (x2, g2, null, longs s.Dilation, longs s.Padding, longs s.Stride, int64 groups)

        use cut = full.narrow(2L, 0L, int64 wShape[2]).narrow(3L, 0L, int64 wShape[3])
        cut.transpose(0L, 1L).contiguous()

let rec conv (s: ConvSpec) (x: Tensor) (w: Tensor) : Tensor =
    Prim.Lift2(
        "conv2d",
        convRaw s,
        (fun p dx -> conv s dx p.B),
        (fun p dw -> conv s p.A dw),
        (fun p g -> inputGrad s p.A.Shape g p.B),
        (fun p g -> weightGrad s p.B.Shape p.A g),
        x,
        w
    )

/// (g, W) ↦ ∂T/∂x
and inputGrad (s: ConvSpec) (xShape: int[]) (g: Tensor) (w: Tensor) : Tensor =
    Prim.Lift2(
        "conv2dInputGrad",
        inputGradRaw s xShape,
        (fun p dg -> inputGrad s xShape dg p.B),
        (fun p dw -> inputGrad s xShape p.A dw),
        (fun p h -> conv s h p.B),
        (fun p h -> weightGrad s p.B.Shape h p.A),
        g,
        w
    )

/// (x, g) ↦ ∂T/∂W
and weightGrad (s: ConvSpec) (wShape: int[]) (x: Tensor) (g: Tensor) : Tensor =
    Prim.Lift2(
        "conv2dWeightGrad",
        weightGradRaw s wShape,
        (fun p dx -> weightGrad s wShape dx p.B),
        (fun p dg -> weightGrad s wShape p.A dg),
        (fun p h -> inputGrad s p.A.Shape p.B h),
        (fun p h -> conv s p.A h),
        x,
        g
    )

/// The output size of a convolution or pooling along one dimension (0 when the window does not fit).
let outputSize (input: int) (kernel: int) (stride: int) (padding: int) (dilation: int) =
    let room = input + 2 * padding - dilation * (kernel - 1) - 1
    if room < 0 then 0 else room / stride + 1

let private checkSpec (op: string) (s: ConvSpec) =
    if s.Stride |> Array.exists (fun v -> v < 1) then
        invalidArg "stride" $"{op}: stride must be at least 1; got {shapeText s.Stride}."

    if s.Dilation |> Array.exists (fun v -> v < 1) then
        invalidArg "dilation" $"{op}: dilation must be at least 1; got {shapeText s.Dilation}."

    if s.Padding |> Array.exists (fun v -> v < 0) then
        invalidArg "padding" $"{op}: padding must be non-negative; got {shapeText s.Padding}."

    if s.Groups < 1 then
        invalidArg "groups" $"{op}: groups must be at least 1; got {s.Groups}."

    let two (name: string) (v: int[]) =
        if v.Length <> 2 then
            invalidArg name $"{op}: {name} must have two values (height, width); got {shapeText v}."

    two "stride" s.Stride
    two "padding" s.Padding
    two "dilation" s.Dilation

/// A 2-D convolution of x (N, C, H, W) with W (O, C/groups, kh, kw) and an optional bias (O);
/// errors name `op` (conv2d, or conv1d which is built on it).
let convolve (op: string) (s: ConvSpec) (x: Tensor) (w: Tensor) (bias: Tensor option) : Tensor =
    checkSpec op s

    let xw =
        Prim.Promote(
            op,
            [|
                yield x
                yield w
                match bias with
                | Some b -> yield b
                | None -> ()
            |]
        )

    let x, w, bias = xw[0], xw[1], (if xw.Length = 3 then Some xw[2] else None)
    requireFloat op (x.Raw())
    let xs, ws = x.Shape, w.Shape

    let fail why =
        invalidArg "x" $"{op}: input {shapeText xs} and weight {shapeText ws}: {why}."

    if xs.Length <> 4 then
        fail "the input must be 4-D (batch, channels, height, width)"

    if ws.Length <> 4 then
        fail "the weight must be 4-D (out channels, in channels / groups, kernel height, kernel width)"

    if xs[1] <> ws[1] * s.Groups then
        fail $"the input has {xs[1]} channels but the weight expects {ws[1]} × {s.Groups} group(s)"

    if ws[0] % s.Groups <> 0 then
        fail $"the {ws[0]} output channels are not divisible by {s.Groups} groups"

    if ws[0] < 1 || ws[1] < 1 || ws[2] < 1 || ws[3] < 1 then
        fail "the weight needs at least one output channel, one input channel and a kernel of at least 1×1"

    for i in 0..1 do
        if outputSize xs[2 + i] ws[2 + i] s.Stride[i] s.Padding[i] s.Dilation[i] < 1 then
            fail "the (dilated) kernel is larger than the padded input"

    let y = conv s x w

    match bias with
    | None -> y
    | Some b ->
        if b.Shape <> [| ws[0] |] then
            invalidArg "bias" $"{op}: the bias must have shape [{ws[0]}]; got {shapeText b.Shape}."

        Tensor.Add(y, OpsShape.reshape [| 1; ws[0]; 1; 1 |] b)

/// 1-D convolution of x (N, C, L) with W (O, C/groups, k): a 2-D convolution of height 1.
let conv1d (stride: int) (padding: int) (dilation: int) (groups: int) (x: Tensor) (w: Tensor) (bias: Tensor option) : Tensor =
    let xs, ws = x.Shape, w.Shape

    if xs.Length <> 3 || ws.Length <> 3 then
        invalidArg
            "x"
            $"conv1d: the input must be 3-D (batch, channels, length) and the weight 3-D (out, in / groups, kernel); got {shapeText xs} and {shapeText ws}."

    let spec =
        {
            Stride = [| 1; stride |]
            Padding = [| 0; padding |]
            Dilation = [| 1; dilation |]
            Groups = groups
        }

    checkSpec "conv1d" spec
    let x4 = OpsShape.reshape [| xs[0]; xs[1]; 1; xs[2] |] x
    let w4 = OpsShape.reshape [| ws[0]; ws[1]; 1; ws[2] |] w
    let y = convolve "conv1d" spec x4 w4 bias
    let ys = y.Shape
    OpsShape.reshape [| ys[0]; ys[1]; ys[3] |] y

let private checkPool (op: string) (x: Tensor) (kernel: int[]) (stride: int[]) (padding: int[]) =
    let xs = x.Shape

    if xs.Length <> 4 then
        invalidArg "x" $"{op}: the input must be 4-D (batch, channels, height, width); got {shapeText xs}."

    if xs[1] < 1 || xs[2] < 1 || xs[3] < 1 then
        invalidArg
            "x"
            $"{op}: the input needs at least one channel and a non-empty image (only the batch may be empty); got {shapeText xs}."

    if kernel |> Array.exists (fun k -> k < 1) then
        invalidArg "kernel" $"{op}: kernel sizes must be at least 1; got {shapeText kernel}."

    if stride |> Array.exists (fun v -> v < 1) then
        invalidArg "stride" $"{op}: stride must be at least 1; got {shapeText stride}."

    for i in 0..1 do
        if padding[i] < 0 || 2 * padding[i] > kernel[i] then
            invalidArg
                "padding"
                $"{op}: padding must be between 0 and half the kernel size; got {shapeText padding} for kernel {shapeText kernel}."

        if outputSize xs[2 + i] kernel[i] stride[i] padding[i] 1 < 1 then
            invalidArg "kernel" $"{op}: the kernel {shapeText kernel} is larger than the padded input {shapeText xs}."

/// Max pooling: LibTorch finds the arg-max positions; the values are a gather at them, so the
/// cotangent flows to the chosen elements.
let maxPool2d (kernel: int[]) (stride: int[]) (padding: int[]) (x: Tensor) : Tensor =
    checkPool "maxPool2d" x kernel stride padding
    let xs = x.Shape
    let r = x.Raw()

    let struct (values, indices) =
        try
            torch.nn.functional.max_pool2d_with_indices (r, longs kernel, longs stride, longs padding, [| 1L; 1L |], false)
        with e ->
            raise (translate "maxPool2d" [| r |] e)

    values.Dispose()
    let ys = shape indices

    let flatIndex =
        guard1 "maxPool2d" indices (fun () -> indices.reshape (longs [| xs[0]; xs[1]; ys[2] * ys[3] |]))

    indices.Dispose()

    OpsShape.reshape [| xs[0]; xs[1]; xs[2] * xs[3] |] x
    |> OpsShape.gather 2 flatIndex
    |> OpsShape.reshape ys

/// Average pooling (padding counted in the average, as PyTorch's default): a depthwise
/// convolution with the constant kernel 1/(kh·kw).
let avgPool2d (kernel: int[]) (stride: int[]) (padding: int[]) (x: Tensor) : Tensor =
    checkPool "avgPool2d" x kernel stride padding
    requireFloat "avgPool2d" (x.Raw())
    let channels = x.Shape[1]
    let r = x.Raw()

    let weight =
        full [| channels; 1; kernel[0]; kernel[1] |] (1.0 / float (kernel[0] * kernel[1])) (ofScalarType r.dtype) (ofTorchDevice r.device)

    conv
        {
            Stride = stride
            Padding = padding
            Dilation = [| 1; 1 |]
            Groups = channels
        }
        x
        (Const weight)
