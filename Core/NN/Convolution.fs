namespace Nabla.NN

open System
open System.Globalization
open System.Runtime.InteropServices
open Nabla
open Nabla.Raw

/// Settings printed as Python prints them, for layers' ExtraRepr.
module internal Py =

    /// A float as Python's repr: 0.1, 1e-05, 1.0.
    let float (v: float) =
        if Double.IsNaN v then
            "nan"
        elif Double.IsPositiveInfinity v then
            "inf"
        elif Double.IsNegativeInfinity v then
            "-inf"
        else
            let s = v.ToString("R", CultureInfo.InvariantCulture)

            match s.IndexOf 'E' with
            | -1 -> if s.Contains '.' then s else s + ".0"
            | i ->
                let exponent = int s[i + 1 ..]
                let sign = if exponent < 0 then "-" else "+"

                s[.. i - 1]
                + "e"
                + sign
                + (abs exponent).ToString("00", CultureInfo.InvariantCulture)

    /// A tuple of ints as Python prints it: (3,) or (3, 5).
    let tuple (xs: int[]) =
        if xs.Length = 1 then
            $"({xs[0]},)"
        else
            "(" + String.Join(", ", xs) + ")"

/// One size per spatial dimension (height, width) of a 2-D layer: its kernel size, stride,
/// padding, dilation or output size. An int (the same for both dimensions), a pair
/// `(height, width)` (or a C# value tuple) and an int array of one or two values convert to it
/// implicitly where a method expects one, so `Conv2d(3, 8, 3, stride = 1, padding = 1)` and
/// `Conv2d(3, 8, (3, 5), stride = (2, 1))` both work.
[<Struct; CustomEquality; NoComparison>]
type Size2 =
    /// The size along the first spatial dimension (height).
    val Height: int
    /// The size along the second spatial dimension (width).
    val Width: int
    /// Given as one int: printed as one int, as PyTorch prints the settings of pooling layers.
    val internal Single: bool

    /// A size of `height` along the first spatial dimension and `width` along the second.
    new(height: int, width: int) =
        {
            Height = height
            Width = width
            Single = false
        }

    internal new(height: int, width: int, single: bool) =
        {
            Height = height
            Width = width
            Single = single
        }

    /// The same size along both dimensions.
    static member op_Implicit(size: int) : Size2 = Size2(size, size, true)

    /// (height, width).
    static member op_Implicit((height: int, width: int)) : Size2 = Size2(height, width)

    /// (height, width) as a value tuple (C#'s `(3, 5)`).
    static member op_Implicit(struct (height: int, width: int)) : Size2 = Size2(height, width)

    /// [| size |] (both dimensions) or [| height; width |].
    static member op_Implicit(sizes: int[]) : Size2 =
        match sizes with
        | null -> nullArg "sizes"
        | [| s |] -> Size2(s, s, true)
        | [| h; w |] -> Size2(h, w)
        | other -> invalidArg "sizes" $"Size2: a 2-D layer's size needs one or two values (height, width); got {shapeText other}."

    /// [| height; width |].
    member s.ToArray() = [| s.Height; s.Width |]

    /// As Python prints it: one int when given as one int, else (height, width).
    override s.ToString() =
        if s.Single then string s.Height else Py.tuple (s.ToArray())

    /// Equal heights and equal widths.
    override s.Equals(o: obj) =
        match o with
        | :? Size2 as t -> s.Height = t.Height && s.Width = t.Width
        | _ -> false

    /// A hash of (height, width).
    override s.GetHashCode() = HashCode.Combine(s.Height, s.Width)

    interface IEquatable<Size2> with
        member s.Equals(t: Size2) =
            s.Height = t.Height && s.Width = t.Width

/// The padding of a convolution (Conv1d, Conv2d): explicit sizes (an int, a pair (height, width)
/// or an int array, converting implicitly as Size2 does), or PyTorch's strings "valid" (no
/// padding) and "same" (the output as large as the input; stride 1 only; when the total padding
/// dilation·(kernel − 1) is odd, the extra row or column goes at the end, as in PyTorch).
[<Struct; CustomEquality; NoComparison>]
type ConvPadding =
    /// "same", "valid", or null for explicit sizes.
    val private text: string
    val private size: Size2

    private new(text: string, size: Size2) = { text = text; size = size }

    /// Explicit padding sizes.
    new(size: Size2) = ConvPadding(null, size)

    /// True for PyTorch's padding="same".
    member p.IsSame = p.text = "same"

    /// True for PyTorch's padding="valid" (no padding).
    member p.IsValid = p.text = "valid"

    /// The explicit sizes (zeros for "same" and "valid").
    member p.Size = if isNull p.text then p.size else Size2(0, 0)

    /// The same padding on both sides of both dimensions.
    static member op_Implicit(size: int) =
        ConvPadding(null, Size2(size, size, true))

    /// (height, width).
    static member op_Implicit((height: int, width: int)) = ConvPadding(null, Size2(height, width))

    /// (height, width) as a value tuple (C#'s `(1, 0)`).
    static member op_Implicit(struct (height: int, width: int)) = ConvPadding(null, Size2(height, width))

    /// [| size |] or [| height; width |].
    static member op_Implicit(sizes: int[]) : ConvPadding =
        ConvPadding(null, Size2.op_Implicit sizes)

    /// Explicit sizes.
    static member op_Implicit(size: Size2) = ConvPadding(null, size)

    /// "same" or "valid" (PyTorch's padding strings).
    static member op_Implicit(text: string) =
        match text with
        | "same"
        | "valid" -> ConvPadding(text, Size2(0, 0))
        | null -> nullArg "padding"
        | other ->
            invalidArg "padding" $"ConvPadding: invalid padding string \"{other}\"; use \"same\", \"valid\" or sizes (an int or a pair)."

    /// As PyTorch prints it: same, valid, or the sizes.
    override p.ToString() =
        if isNull p.text then p.size.ToString() else p.text

    /// The same string, or the same sizes.
    override p.Equals(o: obj) =
        match o with
        | :? ConvPadding as q -> p.text = q.text && p.Size = q.Size
        | _ -> false

    /// A hash of the string and the sizes.
    override p.GetHashCode() = HashCode.Combine(p.text, p.Size)

/// What Conv1d, Conv2d and ConvTranspose2d share: checks of their settings, the default
/// initialisation, padding modes and the forward pass over one or two spatial dimensions.
module internal Conv =

    let private spatialNames = [| "height"; "width" |]

    /// A Size2 from the int-array form of a layer's constructor: [| size |] or [| height; width |].
    let size (layer: string) (name: string) (v: int[]) : Size2 =
        match v with
        | null -> nullArg name
        | [| s |] -> Size2(s, s, true)
        | [| h; w |] -> Size2(h, w)
        | other -> invalidArg name $"{layer}: {name} must have one or two values (height, width); got {shapeText other}."

    /// Checks that every value of a setting is at least `least`.
    let atLeast (layer: string) (name: string) (least: int) (values: int[]) =
        if values |> Array.exists (fun v -> v < least) then
            let what = if least = 0 then "non-negative" else $"at least {least}"

            let shown =
                if values.Length = 1 then
                    string values[0]
                else
                    shapeText values

            invalidArg name $"{layer}: {name} must be {what}; got {shown}."

    /// The error for an input whose channel count is not the layer's inChannels.
    let wrongChannels (layer: string) (inChannels: int) (channelDim: int) (xs: int[]) (layout: string) =
        let actual = xs[channelDim]

        let fix =
            if actual > 0 then
                $"Give the layer inChannels = {actual}, or fix the input's layout ({layout} after the batch)."
            else
                $"Fix the input's layout ({layout} after the batch)."

        invalidArg
            "x"
            $"{layer}: expected an input with {inChannels} channels (inChannels) at dimension {channelDim}; got an input of shape {shapeText xs} with {actual}. {fix}"

    /// Checks the channel counts against the groups.
    let checkChannels (layer: string) (inChannels: int) (outChannels: int) (groups: int) =
        Layer.positive layer "inChannels" inChannels
        Layer.positive layer "outChannels" outChannels
        Layer.positive layer "groups" groups

        if inChannels % groups <> 0 then
            invalidArg "groups" $"{layer}: inChannels ({inChannels}) must be divisible by groups ({groups})."

        if outChannels % groups <> 0 then
            invalidArg "groups" $"{layer}: outChannels ({outChannels}) must be divisible by groups ({groups})."

    /// "zeros", "reflect", "replicate" or "circular".
    let checkPaddingMode (layer: string) (mode: string) =
        match mode with
        | "zeros"
        | "reflect"
        | "replicate"
        | "circular" -> ()
        | other ->
            invalidArg "paddingMode" $"{layer}: paddingMode must be \"zeros\", \"reflect\", \"replicate\" or \"circular\"; got \"{other}\"."

    /// Registers a convolution's weight and optional bias [biasCount] with PyTorch's default
    /// initialisation: the weight Kaiming-uniform with a = √5 (that is U(±1/√fanIn)), the bias
    /// U(±1/√fanIn), fanIn computed from the weight's shape as PyTorch does.
    let parameters (m: Module) (weightShape: int[]) (biasCount: int) (hasBias: bool) (dtype: Dtype) (device: Device) =
        let w = Tensor.Zeros(weightShape, dtype, device)
        Init.KaimingUniform(w, a = sqrt 5.0)
        let fanIn, _ = Init.FanInAndFanOut w
        let weight = m.RegisterParameter("weight", w)

        let bias =
            if hasBias then
                let b = Tensor.Zeros([| biasCount |], dtype, device)

                if fanIn > 0 then
                    let bound = 1.0 / sqrt (float fanIn)
                    Init.Uniform(b, -bound, bound)

                Some(m.RegisterParameter("bias", b))
            else
                None

        weight, bias

    /// x padded along its last pads.Length dimensions, (before, after) each, by `mode`: zeros,
    /// reflect (mirror without repeating the edge), replicate (repeat the edge) or circular
    /// (wrap around). The non-zero modes are gathers along each dimension, so they differentiate
    /// as any indexing does.
    let pad (layer: string) (mode: string) (pads: (int * int)[]) (x: Tensor) =
        if pads |> Array.forall (fun (a, b) -> a = 0 && b = 0) then
            x
        elif mode = "zeros" then
            Tensor.pad pads 0.0 x
        else
            let rank = x.Dim
            let mutable y = x

            for i, (before, after) in Array.indexed pads do
                let dim = rank - pads.Length + i
                let n = y.Shape[dim]

                let limit, rule =
                    match mode with
                    | "reflect" -> n - 1, "smaller than"
                    | "circular" -> n, "at most"
                    | _ -> Int32.MaxValue, ""

                if before > limit || after > limit || n < 1 then
                    invalidArg
                        "x"
                        $"{layer}: padding ({before}, {after}) in {mode} mode must be {rule} the input's size {n} along dimension {dim} (input {shapeText x.Shape}); use smaller padding or paddingMode = \"zeros\"."

                if before > 0 || after > 0 then
                    let source (j: int) =
                        match mode with
                        | "reflect" ->
                            let j = abs j
                            if j >= n then 2 * (n - 1) - j else j
                        | "replicate" -> max 0 (min (n - 1) j)
                        | _ -> ((j % n) + n) % n

                    let index =
                        Tensor.ofArray [| for j in -before .. n - 1 + after -> int64 (source j) |]
                        |> Tensor.toDevice x.Device

                    y <- Tensor.indexSelect dim index y

            y

    /// The forward pass of an N-d convolution (N = 1 or 2 spatial dimensions): x [batch,
    /// channels, *spatial] or unbatched [channels, *spatial], the weight [out, in/groups,
    /// *kernel]; settings per spatial dimension. Every check names the layer and happens before
    /// any native call.
    let forward
        (layer: string)
        (inChannels: int)
        (kernel: int[])
        (stride: int[])
        (padding: ConvPadding)
        (explicitPadding: int[])
        (dilation: int[])
        (groups: int)
        (paddingMode: string)
        (weight: Tensor)
        (bias: Tensor option)
        (x: Tensor)
        =
        if isNull (box x) then
            nullArg "x"

        let k = kernel.Length
        let xs = x.Shape

        let names =
            if k = 1 then
                "channels, length"
            else
                "channels, height, width"

        if xs.Length <> k + 1 && xs.Length <> k + 2 then
            invalidArg "x" $"{layer}: expected a {k + 1}-D (unbatched: {names}) or {k + 2}-D (batch, {names}) input; got {shapeText xs}."

        let unbatched = xs.Length = k + 1
        let channelDim = if unbatched then 0 else 1

        if xs[channelDim] <> inChannels then
            wrongChannels layer inChannels channelDim xs names

        if not x.Dtype.IsFloatingPoint then
            invalidArg "x" $"{layer}: the input must be floating-point; got {x.Dtype}. Convert it with Tensor.toDtype."

        let spatial = xs[xs.Length - k ..]

        if spatial |> Array.exists (fun d -> d < 1) then
            invalidArg "x" $"{layer}: the input's spatial dimensions must not be empty; got {shapeText xs}."

        let x = if unbatched then Tensor.unsqueeze 0 x else x

        // (before, after) per spatial dimension
        let pads =
            Array.init k (fun i ->
                if padding.IsSame then
                    let total = dilation[i] * (kernel[i] - 1)
                    total / 2, total - total / 2
                else
                    explicitPadding[i], explicitPadding[i])

        for i in 0 .. k - 1 do
            let before, after = pads[i]
            let padded = int64 spatial[i] + int64 before + int64 after
            let reach = int64 dilation[i] * int64 (kernel[i] - 1) + 1L

            if padded < reach then
                let dimName = if k = 1 then "length" else spatialNames[i]

                invalidArg
                    "x"
                    $"{layer}: the input {shapeText xs} is too small: its {dimName} padded is {padded}, less than the (dilated) kernel's extent {reach}. Use a larger input, more padding or a smaller kernel."

        let symmetric = pads |> Array.forall (fun (a, b) -> a = b)

        let x, convPadding =
            if paddingMode = "zeros" && symmetric then
                x, Array.map fst pads
            else
                pad layer paddingMode pads x, Array.zeroCreate k

        let two (v: int[]) (one: int) = if k = 1 then [| one; v[0] |] else v

        let spec: OpsConv.ConvSpec =
            {
                Stride = two stride 1
                Padding = two convPadding 0
                Dilation = two dilation 1
                Groups = groups
            }

        let y =
            if k = 1 then
                let s, ws = x.Shape, weight.Shape

                OpsConv.convolve
                    layer
                    spec
                    (Tensor.reshape [| s[0]; s[1]; 1; s[2] |] x)
                    (Tensor.reshape [| ws[0]; ws[1]; 1; ws[2] |] weight)
                    bias
                |> Tensor.squeezeDim 2
            else
                OpsConv.convolve layer spec x weight bias

        if unbatched then Tensor.squeezeDim 0 y else y

    /// PyTorch's extra_repr of a convolution.
    let repr
        (inChannels: int)
        (outChannels: int)
        (kernel: int[])
        (stride: int[])
        (padding: string)
        (paddingIsZero: bool)
        (dilation: int[])
        (outputPadding: int[])
        (groups: int)
        (hasBias: bool)
        (paddingMode: string)
        =
        let parts =
            [
                $"{inChannels}, {outChannels}, kernel_size={Py.tuple kernel}, stride={Py.tuple stride}"
                if not paddingIsZero then
                    $"padding={padding}"
                if dilation |> Array.exists (fun d -> d <> 1) then
                    $"dilation={Py.tuple dilation}"
                if outputPadding |> Array.exists (fun d -> d <> 0) then
                    $"output_padding={Py.tuple outputPadding}"
                if groups <> 1 then
                    $"groups={groups}"
                if not hasBias then
                    "bias=False"
                if paddingMode <> "zeros" then
                    $"padding_mode={paddingMode}"
            ]

        String.Join(", ", parts)

/// 1-D convolution over x [batch, inChannels, length] or unbatched [inChannels, length]
/// (PyTorch's nn.Conv1d): weight [outChannels, inChannels/groups, kernelSize] and bias
/// [outChannels], initialised as PyTorch does (U(±1/√fanIn), fanIn = inChannels/groups ·
/// kernelSize). padding is an int or "same"/"valid"; paddingMode "zeros" (the default),
/// "reflect", "replicate" or "circular".
type Conv1d
    (
        inChannels: int,
        outChannels: int,
        kernelSize: int,
        ?stride: int,
        ?padding: ConvPadding,
        ?dilation: int,
        ?groups: int,
        ?bias: bool,
        ?paddingMode: string,
        ?dtype: Dtype,
        ?device: Device
    ) as this =
    inherit Module()

    let stride = defaultArg stride 1
    let padding = defaultArg padding (ConvPadding.op_Implicit 0)
    let dilation = defaultArg dilation 1
    let groups = defaultArg groups 1
    let paddingMode = defaultArg paddingMode "zeros"

    do
        Conv.checkChannels "Conv1d" inChannels outChannels groups
        Conv.atLeast "Conv1d" "kernelSize" 1 [| kernelSize |]
        Conv.atLeast "Conv1d" "stride" 1 [| stride |]
        Conv.atLeast "Conv1d" "dilation" 1 [| dilation |]
        Conv.checkPaddingMode "Conv1d" paddingMode

        if not padding.IsSame && not padding.IsValid then
            let s = padding.Size

            if s.Height <> s.Width || not s.Single then
                invalidArg "padding" $"Conv1d: padding must be one int (or \"same\"/\"valid\"); got {s}."

            Conv.atLeast "Conv1d" "padding" 0 [| s.Height |]

        if padding.IsSame && stride <> 1 then
            invalidArg
                "padding"
                $"Conv1d: padding=\"same\" is not supported for strided convolutions (stride = {stride}); use stride 1 or explicit padding."

    let explicitPadding = [| padding.Size.Height |]

    let weight, bias =
        Conv.parameters
            this
            [| outChannels; inChannels / groups; kernelSize |]
            outChannels
            (defaultArg bias true)
            (Layer.dtypeOr dtype)
            (Layer.deviceOr device)

    /// The number of input channels.
    member _.InChannels = inChannels
    /// The number of output channels.
    member _.OutChannels = outChannels
    /// The kernel's length.
    member _.KernelSize = kernelSize
    /// The stride.
    member _.Stride = stride
    /// The padding: explicit, "same" or "valid".
    member _.Padding = padding
    /// The spacing between kernel elements.
    member _.Dilation = dilation
    /// The number of groups the channels are split into.
    member _.Groups = groups
    /// How the input is padded: "zeros", "reflect", "replicate" or "circular".
    member _.PaddingMode = paddingMode
    /// The weight [outChannels, inChannels/groups, kernelSize].
    member _.Weight = weight
    /// The bias [outChannels], if the layer has one.
    member _.Bias = bias

    /// The convolution of x [batch, inChannels, length] (or [inChannels, length]).
    override _.Forward x =
        Conv.forward
            "Conv1d"
            inChannels
            [| kernelSize |]
            [| stride |]
            padding
            explicitPadding
            [| dilation |]
            groups
            paddingMode
            weight
            bias
            x

    /// As PyTorch prints it, e.g. "3, 8, kernel_size=(3,), stride=(1,)".
    override _.ExtraRepr() =
        let shown =
            if padding.IsSame || padding.IsValid then
                string padding
            else
                Py.tuple explicitPadding

        Conv.repr
            inChannels
            outChannels
            [| kernelSize |]
            [| stride |]
            shown
            (not padding.IsSame && not padding.IsValid && explicitPadding[0] = 0)
            [| dilation |]
            [| 0 |]
            groups
            bias.IsSome
            paddingMode

/// 2-D convolution over x [batch, inChannels, height, width] or unbatched [inChannels, height,
/// width] (PyTorch's nn.Conv2d): weight [outChannels, inChannels/groups, kh, kw] and bias
/// [outChannels], initialised as PyTorch does (U(±1/√fanIn), fanIn = inChannels/groups·kh·kw).
/// kernelSize, stride, padding and dilation are an int or a pair (height, width):
/// `Conv2d(3, 8, 3, stride = 1, padding = 1)`, `Conv2d(3, 8, (3, 5), padding = (1, 2))`; padding
/// may also be "same" or "valid". paddingMode is "zeros" (the default), "reflect", "replicate" or
/// "circular".
type Conv2d
    (
        inChannels: int,
        outChannels: int,
        kernelSize: Size2,
        ?stride: Size2,
        ?padding: ConvPadding,
        ?dilation: Size2,
        ?groups: int,
        ?bias: bool,
        ?paddingMode: string,
        ?dtype: Dtype,
        ?device: Device
    ) as this =
    inherit Module()

    let stride = defaultArg stride (Size2(1, 1))
    let padding = defaultArg padding (ConvPadding.op_Implicit 0)
    let dilation = defaultArg dilation (Size2(1, 1))
    let groups = defaultArg groups 1
    let paddingMode = defaultArg paddingMode "zeros"

    do
        Conv.checkChannels "Conv2d" inChannels outChannels groups
        Conv.atLeast "Conv2d" "kernelSize" 1 (kernelSize.ToArray())
        Conv.atLeast "Conv2d" "stride" 1 (stride.ToArray())
        Conv.atLeast "Conv2d" "dilation" 1 (dilation.ToArray())
        Conv.atLeast "Conv2d" "padding" 0 (padding.Size.ToArray())
        Conv.checkPaddingMode "Conv2d" paddingMode

        if padding.IsSame && stride <> Size2(1, 1) then
            invalidArg
                "padding"
                $"Conv2d: padding=\"same\" is not supported for strided convolutions (stride = {Py.tuple (stride.ToArray())}); use stride 1 or explicit padding."

    let weight, bias =
        Conv.parameters
            this
            [| outChannels; inChannels / groups; kernelSize.Height; kernelSize.Width |]
            outChannels
            (defaultArg bias true)
            (Layer.dtypeOr dtype)
            (Layer.deviceOr device)

    /// The same layer with its sizes as int arrays of one or two values: `Conv2d(3, 8, [| 3; 5 |],
    /// stride = [| 2; 1 |])` (use the other constructor for padding = "same" or "valid").
    new
        (
            inChannels: int,
            outChannels: int,
            kernelSize: int[],
            ?stride: int[],
            ?padding: int[],
            ?dilation: int[],
            ?groups: int,
            ?bias: bool,
            ?paddingMode: string,
            ?dtype: Dtype,
            ?device: Device
        ) =
        Conv2d(
            inChannels,
            outChannels,
            Conv.size "Conv2d" "kernelSize" kernelSize,
            ?stride = Option.map (Conv.size "Conv2d" "stride") stride,
            ?padding = Option.map (fun p -> ConvPadding(Conv.size "Conv2d" "padding" p)) padding,
            ?dilation = Option.map (Conv.size "Conv2d" "dilation") dilation,
            ?groups = groups,
            ?bias = bias,
            ?paddingMode = paddingMode,
            ?dtype = dtype,
            ?device = device
        )


    /// The number of input channels.
    member _.InChannels = inChannels
    /// The number of output channels.
    member _.OutChannels = outChannels
    /// The kernel's (height, width).
    member _.KernelSize = kernelSize
    /// The stride (height, width).
    member _.Stride = stride
    /// The padding: explicit (height, width), "same" or "valid".
    member _.Padding = padding
    /// The spacing between kernel elements (height, width).
    member _.Dilation = dilation
    /// The number of groups the channels are split into.
    member _.Groups = groups
    /// How the input is padded: "zeros", "reflect", "replicate" or "circular".
    member _.PaddingMode = paddingMode
    /// The weight [outChannels, inChannels/groups, kh, kw].
    member _.Weight = weight
    /// The bias [outChannels], if the layer has one.
    member _.Bias = bias

    /// The convolution of x [batch, inChannels, height, width] (or [inChannels, height, width]).
    override _.Forward x =
        Conv.forward
            "Conv2d"
            inChannels
            (kernelSize.ToArray())
            (stride.ToArray())
            padding
            (padding.Size.ToArray())
            (dilation.ToArray())
            groups
            paddingMode
            weight
            bias
            x

    /// As PyTorch prints it, e.g. "3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)".
    override _.ExtraRepr() =
        let explicitSizes = padding.Size.ToArray()

        let shown =
            if padding.IsSame || padding.IsValid then
                string padding
            else
                Py.tuple explicitSizes

        Conv.repr
            inChannels
            outChannels
            (kernelSize.ToArray())
            (stride.ToArray())
            shown
            (not padding.IsSame && not padding.IsValid && explicitSizes = [| 0; 0 |])
            (dilation.ToArray())
            [| 0; 0 |]
            groups
            bias.IsSome
            paddingMode

/// 2-D transposed convolution (PyTorch's nn.ConvTranspose2d; the gradient of Conv2d with respect
/// to its input) over x [batch, inChannels, height, width] or unbatched [inChannels, height,
/// width]: weight [inChannels, outChannels/groups, kh, kw] and bias [outChannels], initialised as
/// PyTorch does. The output size per dimension is (in − 1)·stride − 2·padding + dilation·(k − 1)
/// + outputPadding + 1; kernelSize, stride, padding, outputPadding and dilation are an int or a
/// pair (height, width).
type ConvTranspose2d
    (
        inChannels: int,
        outChannels: int,
        kernelSize: Size2,
        ?stride: Size2,
        ?padding: Size2,
        ?outputPadding: Size2,
        ?groups: int,
        ?bias: bool,
        ?dilation: Size2,
        ?dtype: Dtype,
        ?device: Device
    ) as this =
    inherit Module()

    let layer = "ConvTranspose2d"
    let stride = defaultArg stride (Size2(1, 1))
    let padding = defaultArg padding (Size2(0, 0))
    let outputPadding = defaultArg outputPadding (Size2(0, 0))
    let dilation = defaultArg dilation (Size2(1, 1))
    let groups = defaultArg groups 1

    do
        Conv.checkChannels layer inChannels outChannels groups
        Conv.atLeast layer "kernelSize" 1 (kernelSize.ToArray())
        Conv.atLeast layer "stride" 1 (stride.ToArray())
        Conv.atLeast layer "dilation" 1 (dilation.ToArray())
        Conv.atLeast layer "padding" 0 (padding.ToArray())
        Conv.atLeast layer "outputPadding" 0 (outputPadding.ToArray())

        for i in 0..1 do
            if outputPadding.ToArray()[i] >= max (stride.ToArray()[i]) (dilation.ToArray()[i]) then
                invalidArg
                    "outputPadding"
                    $"{layer}: outputPadding must be smaller than either stride or dilation; got outputPadding {Py.tuple (outputPadding.ToArray())} with stride {Py.tuple (stride.ToArray())} and dilation {Py.tuple (dilation.ToArray())}."

    let weight, bias =
        Conv.parameters
            this
            [| inChannels; outChannels / groups; kernelSize.Height; kernelSize.Width |]
            outChannels
            (defaultArg bias true)
            (Layer.dtypeOr dtype)
            (Layer.deviceOr device)

    /// The same layer with its sizes as int arrays of one or two values ([| 3 |] or [| 3; 5 |]).
    new
        (
            inChannels: int,
            outChannels: int,
            kernelSize: int[],
            ?stride: int[],
            ?padding: int[],
            ?outputPadding: int[],
            ?groups: int,
            ?bias: bool,
            ?dilation: int[],
            ?dtype: Dtype,
            ?device: Device
        ) =
        let size = Conv.size "ConvTranspose2d"

        ConvTranspose2d(
            inChannels,
            outChannels,
            size "kernelSize" kernelSize,
            ?stride = Option.map (size "stride") stride,
            ?padding = Option.map (size "padding") padding,
            ?outputPadding = Option.map (size "outputPadding") outputPadding,
            ?groups = groups,
            ?bias = bias,
            ?dilation = Option.map (size "dilation") dilation,
            ?dtype = dtype,
            ?device = device
        )

    /// Checks the input's rank, channels and dtype.
    member private _.Check(x: Tensor) =
        if isNull (box x) then
            nullArg "x"

        let xs = x.Shape

        if xs.Length <> 3 && xs.Length <> 4 then
            invalidArg
                "x"
                $"{layer}: expected a 3-D (unbatched: channels, height, width) or 4-D (batch, channels, height, width) input; got {shapeText xs}."

        let channelDim = xs.Length - 3

        if xs[channelDim] <> inChannels then
            Conv.wrongChannels layer inChannels channelDim xs "channels, height, width"

        if not x.Dtype.IsFloatingPoint then
            invalidArg "x" $"{layer}: the input must be floating-point; got {x.Dtype}. Convert it with Tensor.toDtype."

    member private this.Run(x: Tensor, outputPadding: int[]) =
        this.Check x
        OpsNN.convTranspose2d layer (stride.ToArray()) (padding.ToArray()) outputPadding groups (dilation.ToArray()) weight bias x

    /// The number of input channels.
    member _.InChannels = inChannels
    /// The number of output channels.
    member _.OutChannels = outChannels
    /// The kernel's (height, width).
    member _.KernelSize = kernelSize
    /// The stride (height, width).
    member _.Stride = stride
    /// The padding (height, width) removed from the output's borders.
    member _.Padding = padding
    /// The extra rows and columns added to one side of the output (height, width).
    member _.OutputPadding = outputPadding
    /// The number of groups the channels are split into.
    member _.Groups = groups
    /// The spacing between kernel elements (height, width).
    member _.Dilation = dilation
    /// The weight [inChannels, outChannels/groups, kh, kw].
    member _.Weight = weight
    /// The bias [outChannels], if the layer has one.
    member _.Bias = bias

    /// The transposed convolution of x [batch, inChannels, height, width] (or [inChannels,
    /// height, width]) with the layer's outputPadding.
    override this.Forward x = this.Run(x, outputPadding.ToArray())

    /// The transposed convolution of x, with the output padding chosen so that the output's
    /// spatial size is outputSize ([height; width], or the whole shape whose last two values
    /// are used), as PyTorch's forward(input, output_size).
    member this.Forward(x: Tensor, outputSize: int[]) =
        if isNull outputSize then
            nullArg "outputSize"

        if outputSize.Length < 2 then
            invalidArg "outputSize" $"{layer}: outputSize must give at least the height and width; got {shapeText outputSize}."

        this.Check x
        let xs = x.Shape
        let wanted = outputSize[outputSize.Length - 2 ..]

        let st, pd, dl, ks =
            stride.ToArray(), padding.ToArray(), dilation.ToArray(), kernelSize.ToArray()

        let extra =
            Array.init 2 (fun i ->
                let smallest =
                    (xs[xs.Length - 2 + i] - 1) * st[i] - 2 * pd[i] + dl[i] * (ks[i] - 1) + 1

                let e = wanted[i] - smallest

                if e < 0 || e >= max st[i] dl[i] then
                    let largest = smallest + max st[i] dl[i] - 1

                    invalidArg
                        "outputSize"
                        $"{layer}: requested an output size of {Py.tuple wanted}, but the valid sizes of dimension {xs.Length - 2 + i} for an input of shape {shapeText xs} range from {smallest} to {largest}."

                e)

        this.Run(x, extra)

    /// As PyTorch prints it, e.g. "3, 8, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1)".
    override _.ExtraRepr() =
        Conv.repr
            inChannels
            outChannels
            (kernelSize.ToArray())
            (stride.ToArray())
            (Py.tuple (padding.ToArray()))
            (padding = Size2(0, 0))
            (dilation.ToArray())
            (outputPadding.ToArray())
            groups
            bias.IsSome
            "zeros"

/// 1-D transposed convolution (PyTorch's nn.ConvTranspose1d; the gradient of Conv1d with respect
/// to its input) over x [batch, inChannels, length] or unbatched [inChannels, length]: weight
/// [inChannels, outChannels/groups, kernelSize] and bias [outChannels], initialised as PyTorch
/// does. The output length is (in − 1)·stride − 2·padding + dilation·(kernelSize − 1) +
/// outputPadding + 1.
type ConvTranspose1d
    (
        inChannels: int,
        outChannels: int,
        kernelSize: int,
        ?stride: int,
        ?padding: int,
        ?outputPadding: int,
        ?groups: int,
        ?bias: bool,
        ?dilation: int,
        ?dtype: Dtype,
        ?device: Device
    ) as this =
    inherit Module()

    let layer = "ConvTranspose1d"
    let stride = defaultArg stride 1
    let padding = defaultArg padding 0
    let outputPadding = defaultArg outputPadding 0
    let dilation = defaultArg dilation 1
    let groups = defaultArg groups 1

    do
        Conv.checkChannels layer inChannels outChannels groups
        Conv.atLeast layer "kernelSize" 1 [| kernelSize |]
        Conv.atLeast layer "stride" 1 [| stride |]
        Conv.atLeast layer "dilation" 1 [| dilation |]
        Conv.atLeast layer "padding" 0 [| padding |]
        Conv.atLeast layer "outputPadding" 0 [| outputPadding |]

        if outputPadding >= max stride dilation then
            invalidArg
                "outputPadding"
                $"{layer}: outputPadding must be smaller than either stride or dilation; got outputPadding {outputPadding} with stride {stride} and dilation {dilation}."

    let weight, bias =
        Conv.parameters
            this
            [| inChannels; outChannels / groups; kernelSize |]
            outChannels
            (defaultArg bias true)
            (Layer.dtypeOr dtype)
            (Layer.deviceOr device)

    /// The smallest output length for an input length (outputPadding 0).
    let smallest (length: int) =
        (length - 1) * stride - 2 * padding + dilation * (kernelSize - 1) + 1

    /// Checks the input's rank, channels and dtype.
    member private _.Check(x: Tensor) =
        if isNull (box x) then
            nullArg "x"

        let xs = x.Shape

        if xs.Length <> 2 && xs.Length <> 3 then
            invalidArg
                "x"
                $"{layer}: expected a 2-D (unbatched: channels, length) or 3-D (batch, channels, length) input; got {shapeText xs}."

        let channelDim = xs.Length - 2

        if xs[channelDim] <> inChannels then
            Conv.wrongChannels layer inChannels channelDim xs "channels, length"

        if not x.Dtype.IsFloatingPoint then
            invalidArg "x" $"{layer}: the input must be floating-point; got {x.Dtype}. Convert it with Tensor.toDtype."

        if xs[xs.Length - 1] < 1 then
            invalidArg "x" $"{layer}: the input's length must not be empty; got {shapeText xs}."

    member private this.Run(x: Tensor, outputPadding: int) =
        this.Check x
        let xs = x.Shape
        let length = smallest xs[xs.Length - 1] + outputPadding

        if length < 1 then
            invalidArg "x" $"{layer}: the output length {length} for input {shapeText xs} is too small; reduce the padding."

        OpsNN.convTranspose1d stride padding outputPadding groups dilation weight bias x

    /// The number of input channels.
    member _.InChannels = inChannels
    /// The number of output channels.
    member _.OutChannels = outChannels
    /// The kernel's length.
    member _.KernelSize = kernelSize
    /// The stride.
    member _.Stride = stride
    /// The padding removed from both ends of the output.
    member _.Padding = padding
    /// The extra elements added to one end of the output.
    member _.OutputPadding = outputPadding
    /// The number of groups the channels are split into.
    member _.Groups = groups
    /// The spacing between kernel elements.
    member _.Dilation = dilation
    /// The weight [inChannels, outChannels/groups, kernelSize].
    member _.Weight = weight
    /// The bias [outChannels], if the layer has one.
    member _.Bias = bias

    /// The transposed convolution of x [batch, inChannels, length] (or [inChannels, length]).
    override this.Forward x = this.Run(x, outputPadding)

    /// The transposed convolution of x, with the output padding chosen so that the output's
    /// length is outputSize (its last value; a whole shape works too), as PyTorch's
    /// forward(input, output_size).
    member this.Forward(x: Tensor, outputSize: int[]) =
        if isNull outputSize then
            nullArg "outputSize"

        if outputSize.Length < 1 then
            invalidArg "outputSize" $"{layer}: outputSize must give at least the length; got []."

        this.Check x
        let xs = x.Shape
        let wanted = outputSize[outputSize.Length - 1]
        let least = smallest xs[xs.Length - 1]
        let extra = wanted - least

        if extra < 0 || extra >= max stride dilation then
            invalidArg
                "outputSize"
                $"{layer}: requested an output length of {wanted}, but the valid lengths for an input of shape {shapeText xs} range from {least} to {least + max stride dilation - 1}."

        this.Run(x, extra)

    /// As PyTorch prints it, e.g. "2, 4, kernel_size=(3,), stride=(2,), output_padding=(1,)".
    override _.ExtraRepr() =
        Conv.repr
            inChannels
            outChannels
            [| kernelSize |]
            [| stride |]
            (Py.tuple [| padding |])
            (padding = 0)
            [| dilation |]
            [| outputPadding |]
            groups
            bias.IsSome
            "zeros"

/// What the pooling layers share: input checks and the forward passes, 1-D inputs being 2-D
/// ones of height 1.
module internal Pool =

    /// The layout of an input with 1 or 2 spatial dimensions, for messages.
    let private layout (spatialDims: int) =
        if spatialDims = 1 then
            "channels, length"
        else
            "channels, height, width"

    /// x as a 4-D batch [N, C, H, W] for the 2-D pooling primitives (1-D inputs [N, C, L] or
    /// [C, L] get height 1, unbatched inputs a batch of 1), and the map from the result back to
    /// x's layout. Checks the rank.
    let as4d (layer: string) (spatialDims: int) (x: Tensor) : Tensor * (Tensor -> Tensor) =
        if isNull (box x) then
            nullArg "x"

        let xs = x.Shape
        let names = layout spatialDims

        if xs.Length <> spatialDims + 1 && xs.Length <> spatialDims + 2 then
            invalidArg
                "x"
                $"{layer}: expected a {spatialDims + 1}-D (unbatched: {names}) or {spatialDims + 2}-D (batch, {names}) input; got {shapeText xs}."

        let unbatched = xs.Length = spatialDims + 1
        let batched = if unbatched then Tensor.unsqueeze 0 x else x

        let x4 =
            if spatialDims = 1 then
                Tensor.unsqueeze 2 batched
            else
                batched

        let back (y: Tensor) =
            let y = if spatialDims = 1 then Tensor.squeezeDim 2 y else y
            if unbatched then Tensor.squeezeDim 0 y else y

        x4, back

    /// Checks that the input (kernel.Length spatial dimensions after the channels) is not empty
    /// and that the window fits in the padded input.
    let checkWindow (layer: string) (kernel: int[]) (padding: int[]) (x: Tensor) =
        let xs = x.Shape
        let k = kernel.Length
        let channels = xs[xs.Length - k - 1]

        if channels < 1 || xs[xs.Length - k ..] |> Array.exists (fun d -> d < 1) then
            let dims = if k = 1 then "length" else "height and width"

            invalidArg
                "x"
                $"{layer}: the input needs at least one channel and a non-empty {dims} (only the batch may be empty); got {shapeText xs}."

        for i in 0 .. k - 1 do
            if xs[xs.Length - k + i] + 2 * padding[i] < kernel[i] then
                invalidArg
                    "x"
                    $"{layer}: the window {Py.tuple kernel} is larger than the padded input (input {shapeText xs}, padding {Py.tuple padding}); use a smaller kernel or a larger input."

    /// Checks a pooling layer's settings when it is built.
    let checkSettings (layer: string) (kernel: int[]) (stride: int[]) (padding: int[]) (shown: string * string) =
        Conv.atLeast layer "kernelSize" 1 kernel
        Conv.atLeast layer "stride" 1 stride
        Conv.atLeast layer "padding" 0 padding

        if Array.exists2 (fun p k -> 2 * p > k) padding kernel then
            let shownPadding, shownKernel = shown

            invalidArg
                "padding"
                $"{layer}: padding should be at most half of the kernel size; got padding {shownPadding} for kernel {shownKernel}."

    /// Max pooling of x4 [N, C, H, W].
    let max (kernel: int[]) (stride: int[]) (padding: int[]) (x4: Tensor) =
        OpsConv.maxPool2d kernel stride padding x4

    /// Average pooling of x4 [N, C, H, W]: padding counted in the average or not, or a divisor
    /// instead of the window's size.
    let average
        (layer: string)
        (kernel: int[])
        (stride: int[])
        (padding: int[])
        (countIncludePad: bool)
        (divisor: int option)
        (x4: Tensor)
        =
        if not x4.Dtype.IsFloatingPoint then
            invalidArg "x" $"{layer}: the input must be floating-point; got {x4.Dtype}. Convert it with Tensor.toDtype."

        let mean = OpsConv.avgPool2d kernel stride padding x4

        match divisor with
        | Some d -> mean * (float (kernel[0] * kernel[1]) / float d)
        | None when not countIncludePad && padding |> Array.exists (fun p -> p > 0) ->
            // the share of each window inside the input, from pooling a constant input of ones
            let xs = x4.Shape
            let ones = Tensor.Ones([| 1; 1; xs[2]; xs[3] |], x4.Dtype, x4.Device)
            mean / OpsConv.avgPool2d kernel stride padding ones
        | None -> mean

    /// Checks divisorOverride.
    let checkDivisor (layer: string) (divisor: int option) =
        match divisor with
        | Some d when d <= 0 -> invalidArg "divisorOverride" $"{layer}: divisorOverride must be positive; got {d}."
        | _ -> ()

    /// Checks an adaptive pooling layer's input: rank, dtype, non-empty pooled dimensions.
    let checkAdaptive (layer: string) (spatialDims: int) (x: Tensor) =
        if isNull (box x) then
            nullArg "x"

        let xs = x.Shape
        let names = layout spatialDims

        if xs.Length <> spatialDims + 1 && xs.Length <> spatialDims + 2 then
            invalidArg
                "x"
                $"{layer}: expected a {spatialDims + 1}-D (unbatched: {names}) or {spatialDims + 2}-D (batch, {names}) input; got {shapeText xs}."

        if not x.Dtype.IsFloatingPoint then
            invalidArg "x" $"{layer}: the input must be floating-point; got {x.Dtype}. Convert it with Tensor.toDtype."

        if xs[xs.Length - spatialDims ..] |> Array.exists (fun d -> d < 1) then
            invalidArg "x" $"{layer}: the pooled dimensions must not be empty; got {shapeText xs}."

/// 2-D max pooling over x [batch, channels, height, width] or [channels, height, width]
/// (PyTorch's nn.MaxPool2d): the largest value in each window. The stride defaults to the kernel
/// size; padding (at most half the kernel) counts as −∞. The gradient goes to the chosen element.
type MaxPool2d(kernelSize: Size2, ?stride: Size2, ?padding: Size2) =
    inherit Module()

    let stride = defaultArg stride kernelSize
    let padding = defaultArg padding (Size2.op_Implicit 0)

    do Pool.checkSettings "MaxPool2d" (kernelSize.ToArray()) (stride.ToArray()) (padding.ToArray()) (string padding, string kernelSize)

    /// The same layer with its sizes as int arrays of one or two values ([| 2 |] or [| 2; 3 |]).
    new(kernelSize: int[], ?stride: int[], ?padding: int[]) =
        let size = Conv.size "MaxPool2d"
        MaxPool2d(size "kernelSize" kernelSize, ?stride = Option.map (size "stride") stride, ?padding = Option.map (size "padding") padding)

    /// The window's (height, width).
    member _.KernelSize = kernelSize
    /// The step between windows (height, width).
    member _.Stride = stride
    /// The implicit −∞ padding on each side (height, width).
    member _.Padding = padding

    /// The pooled x.
    override _.Forward x =
        let x4, back = Pool.as4d "MaxPool2d" 2 x
        Pool.checkWindow "MaxPool2d" (kernelSize.ToArray()) (padding.ToArray()) x
        back (Pool.max (kernelSize.ToArray()) (stride.ToArray()) (padding.ToArray()) x4)

    /// As PyTorch prints it, e.g. "kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False".
    override _.ExtraRepr() =
        $"kernel_size={kernelSize}, stride={stride}, padding={padding}, dilation=1, ceil_mode=False"

/// 2-D average pooling over x [batch, channels, height, width] or [channels, height, width]
/// (PyTorch's nn.AvgPool2d): the mean of each window. The stride defaults to the kernel size;
/// padding (at most half the kernel) is zeros, counted in the average unless countIncludePad is
/// false; divisorOverride, when given, replaces the window's size as the divisor.
type AvgPool2d(kernelSize: Size2, ?stride: Size2, ?padding: Size2, ?countIncludePad: bool, ?divisorOverride: int) =
    inherit Module()

    let stride = defaultArg stride kernelSize
    let padding = defaultArg padding (Size2.op_Implicit 0)
    let countIncludePad = defaultArg countIncludePad true

    do
        Pool.checkSettings "AvgPool2d" (kernelSize.ToArray()) (stride.ToArray()) (padding.ToArray()) (string padding, string kernelSize)
        Pool.checkDivisor "AvgPool2d" divisorOverride

    /// The same layer with its sizes as int arrays of one or two values ([| 2 |] or [| 2; 3 |]).
    new(kernelSize: int[], ?stride: int[], ?padding: int[], ?countIncludePad: bool, ?divisorOverride: int) =
        let size = Conv.size "AvgPool2d"

        AvgPool2d(
            size "kernelSize" kernelSize,
            ?stride = Option.map (size "stride") stride,
            ?padding = Option.map (size "padding") padding,
            ?countIncludePad = countIncludePad,
            ?divisorOverride = divisorOverride
        )

    /// The window's (height, width).
    member _.KernelSize = kernelSize
    /// The step between windows (height, width).
    member _.Stride = stride
    /// The implicit zero padding on each side (height, width).
    member _.Padding = padding
    /// Whether the padding counts in the average (PyTorch's count_include_pad, default true).
    member _.CountIncludePad = countIncludePad
    /// The divisor used instead of the window's size, if given.
    member _.DivisorOverride = divisorOverride

    /// The pooled x.
    override _.Forward x =
        let x4, back = Pool.as4d "AvgPool2d" 2 x
        Pool.checkWindow "AvgPool2d" (kernelSize.ToArray()) (padding.ToArray()) x

        Pool.average "AvgPool2d" (kernelSize.ToArray()) (stride.ToArray()) (padding.ToArray()) countIncludePad divisorOverride x4
        |> back

    /// As PyTorch prints it, e.g. "kernel_size=2, stride=2, padding=0".
    override _.ExtraRepr() =
        $"kernel_size={kernelSize}, stride={stride}, padding={padding}"

/// 2-D adaptive average pooling (PyTorch's nn.AdaptiveAvgPool2d): x [batch, channels, height,
/// width] or [channels, height, width] to the output size (an int or a pair (height, width)),
/// each output the mean of its bin (PyTorch's bins: floor(i·in/out) .. ceil((i+1)·in/out)).
type AdaptiveAvgPool2d(outputSize: Size2) =
    inherit Module()

    do Conv.atLeast "AdaptiveAvgPool2d" "outputSize" 0 (outputSize.ToArray())

    /// The same layer with the output size as an int array of one or two values.
    new(outputSize: int[]) = AdaptiveAvgPool2d(Conv.size "AdaptiveAvgPool2d" "outputSize" outputSize)

    /// The output's (height, width).
    member _.OutputSize = outputSize

    /// The pooled x.
    override _.Forward x =
        Pool.checkAdaptive "AdaptiveAvgPool2d" 2 x
        OpsNN.adaptiveAvgPool2d (outputSize.Height, outputSize.Width) x

    /// As PyTorch prints it, e.g. "output_size=(5, 7)".
    override _.ExtraRepr() = $"output_size={outputSize}"

/// 1-D max pooling over x [batch, channels, length] or [channels, length] (PyTorch's
/// nn.MaxPool1d): the largest value in each window. The stride defaults to the kernel size;
/// padding (at most half the kernel) counts as −∞.
type MaxPool1d(kernelSize: int, ?stride: int, ?padding: int) =
    inherit Module()

    let stride = defaultArg stride kernelSize
    let padding = defaultArg padding 0

    do Pool.checkSettings "MaxPool1d" [| kernelSize |] [| stride |] [| padding |] (string padding, string kernelSize)

    /// The window's length.
    member _.KernelSize = kernelSize
    /// The step between windows.
    member _.Stride = stride
    /// The implicit −∞ padding on each side.
    member _.Padding = padding

    /// The pooled x.
    override _.Forward x =
        let x4, back = Pool.as4d "MaxPool1d" 1 x
        Pool.checkWindow "MaxPool1d" [| kernelSize |] [| padding |] x
        back (Pool.max [| 1; kernelSize |] [| 1; stride |] [| 0; padding |] x4)

    /// As PyTorch prints it, e.g. "kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False".
    override _.ExtraRepr() =
        $"kernel_size={kernelSize}, stride={stride}, padding={padding}, dilation=1, ceil_mode=False"

/// 1-D average pooling over x [batch, channels, length] or [channels, length] (PyTorch's
/// nn.AvgPool1d): the mean of each window. The stride defaults to the kernel size; padding (at
/// most half the kernel) is zeros, counted in the average unless countIncludePad is false.
type AvgPool1d(kernelSize: int, ?stride: int, ?padding: int, ?countIncludePad: bool) =
    inherit Module()

    let stride = defaultArg stride kernelSize
    let padding = defaultArg padding 0
    let countIncludePad = defaultArg countIncludePad true

    do Pool.checkSettings "AvgPool1d" [| kernelSize |] [| stride |] [| padding |] (string padding, string kernelSize)

    /// The window's length.
    member _.KernelSize = kernelSize
    /// The step between windows.
    member _.Stride = stride
    /// The implicit zero padding on each side.
    member _.Padding = padding
    /// Whether the padding counts in the average (PyTorch's count_include_pad, default true).
    member _.CountIncludePad = countIncludePad

    /// The pooled x.
    override _.Forward x =
        let x4, back = Pool.as4d "AvgPool1d" 1 x
        Pool.checkWindow "AvgPool1d" [| kernelSize |] [| padding |] x

        Pool.average "AvgPool1d" [| 1; kernelSize |] [| 1; stride |] [| 0; padding |] countIncludePad None x4
        |> back

    /// As PyTorch prints it, e.g. "kernel_size=(2,), stride=(2,), padding=(0,)".
    override _.ExtraRepr() =
        $"kernel_size={Py.tuple [| kernelSize |]}, stride={Py.tuple [| stride |]}, padding={Py.tuple [| padding |]}"

/// 1-D adaptive average pooling (PyTorch's nn.AdaptiveAvgPool1d): x [batch, channels, length] or
/// [channels, length] to outputSize, each output the mean of its bin (PyTorch's bins).
type AdaptiveAvgPool1d(outputSize: int) =
    inherit Module()

    do Conv.atLeast "AdaptiveAvgPool1d" "outputSize" 0 [| outputSize |]

    /// The output's length.
    member _.OutputSize = outputSize

    /// The pooled x.
    override _.Forward x =
        Pool.checkAdaptive "AdaptiveAvgPool1d" 1 x
        OpsNN.adaptiveAvgPool1d outputSize x

    /// As PyTorch prints it, e.g. "output_size=3".
    override _.ExtraRepr() = $"output_size={outputSize}"
