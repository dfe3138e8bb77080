namespace Nabla.NN

open System
open System.Runtime.InteropServices
open TorchSharp
open Nabla
open Nabla.Raw

/// In-place fills, outside the Init type so that its members never mention TorchSharp types.
module internal InitFill =

    let fill (op: string, t: Tensor, fill: RawTensor -> unit) =
        if isNull (box t) then
            nullArg "tensor"

        let raw = Prim.RawOf t

        if not (ofScalarType raw.dtype).IsFloatingPoint then
            invalidArg "tensor" $"Init.{op}: needs a floating-point tensor; got {describe raw}."

        AD.noGrad (fun () -> Autograd.inPlace $"Init.{op}" t Unchecked.defaultof<_> fill)

/// Parameter initialisation, in place (PyTorch's torch.nn.init): each fills a tensor (a
/// parameter, or a constant before it is registered) without recording, drawing from the global
/// generator unless one is given.
[<AbstractClass; Sealed>]
type Init =

    /// The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): "linear",
    /// "conv1d", "conv2d", "sigmoid" → 1, "tanh" → 5/3, "relu" → √2, "leaky_relu" → √(2/(1+slope²))
    /// (slope default 0.01), "selu" → 3/4.
    static member CalculateGain(nonlinearity: string, [<Optional; DefaultParameterValue(Double.NaN)>] param: float) =
        match nonlinearity with
        | "linear"
        | "identity"
        | "conv1d"
        | "conv2d"
        | "conv3d"
        | "conv_transpose1d"
        | "conv_transpose2d"
        | "conv_transpose3d"
        | "sigmoid" -> 1.0
        | "tanh" -> 5.0 / 3.0
        | "relu" -> sqrt 2.0
        | "leaky_relu" ->
            let slope = if Double.IsNaN param then 0.01 else param
            sqrt (2.0 / (1.0 + slope * slope))
        | "selu" -> 3.0 / 4.0
        | other ->
            invalidArg
                "nonlinearity"
                $"Init.CalculateGain: unknown nonlinearity '{other}'; use linear, conv1d, conv2d, sigmoid, tanh, relu, leaky_relu or selu."

    /// (fan in, fan out) of a weight of at least two dimensions: [out, in, kernel...] gives
    /// in·∏kernel and out·∏kernel.
    static member FanInAndFanOut(t: Tensor) : int * int =
        let s = t.Shape

        if s.Length < 2 then
            invalidArg
                "tensor"
                $"Init: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape {shapeText s})."

        let receptive = s[2..] |> Array.fold (*) 1
        s[1] * receptive, s[0] * receptive

    static member private Fan(op: string, t: Tensor, mode: string) =
        let fanIn, fanOut = Init.FanInAndFanOut t

        match mode with
        | "fan_in" -> fanIn
        | "fan_out" -> fanOut
        | other -> invalidArg "mode" $"Init.{op}: mode must be \"fan_in\" or \"fan_out\"; got \"{other}\"."

    /// Uniform values in [low, high).
    static member Uniform
        (
            t: Tensor,
            [<Optional; DefaultParameterValue(0.0)>] low: float,
            [<Optional; DefaultParameterValue(1.0)>] high: float,
            [<Optional>] generator: Generator
        ) =
        if not (low <= high) then
            invalidArg "high" $"Init.Uniform: low ({low}) must not exceed high ({high})."

        InitFill.fill ("Uniform", t, (fun r -> r.uniform_ (low, high, torchGenerator generator) |> ignore))

    /// Normal values with this mean and standard deviation (std ≥ 0).
    static member Normal
        (
            t: Tensor,
            [<Optional; DefaultParameterValue(0.0)>] mean: float,
            [<Optional; DefaultParameterValue(1.0)>] std: float,
            [<Optional>] generator: Generator
        ) =
        if not (std >= 0.0) then
            invalidArg "std" $"Init.Normal: the standard deviation must be non-negative; got {std}."

        InitFill.fill ("Normal", t, (fun r -> r.normal_ (mean, std, torchGenerator generator) |> ignore))

    /// Every element = value.
    static member Constant(t: Tensor, value: float) =
        InitFill.fill ("Constant", t, (fun r -> r.fill_ (scalar value) |> ignore))

    /// Every element = 0.
    static member Zeros(t: Tensor) = Init.Constant(t, 0.0)

    /// Every element = 1.
    static member Ones(t: Tensor) = Init.Constant(t, 1.0)

    /// The identity matrix (a 2-D tensor; ones on the diagonal of a non-square one).
    static member Eye(t: Tensor) =
        if t.Dim <> 2 then
            invalidArg "tensor" $"Init.Eye: needs a 2-D tensor; got shape {shapeText t.Shape}."

        InitFill.fill (
            "Eye",
            t,
            fun r ->
                r.zero_ () |> ignore
                use d = r.diagonal ()
                d.fill_ (scalar 1.0) |> ignore
        )

    /// Glorot/Xavier uniform: U(-a, a) with a = gain·√(6 / (fan in + fan out)).
    static member XavierUniform(t: Tensor, [<Optional; DefaultParameterValue(1.0)>] gain: float, [<Optional>] generator: Generator) =
        let fanIn, fanOut = Init.FanInAndFanOut t
        let a = gain * sqrt (6.0 / float (fanIn + fanOut))
        Init.Uniform(t, -a, a, generator)

    /// Glorot/Xavier normal: N(0, std²) with std = gain·√(2 / (fan in + fan out)).
    static member XavierNormal(t: Tensor, [<Optional; DefaultParameterValue(1.0)>] gain: float, [<Optional>] generator: Generator) =
        let fanIn, fanOut = Init.FanInAndFanOut t
        Init.Normal(t, 0.0, gain * sqrt (2.0 / float (fanIn + fanOut)), generator)

    /// He/Kaiming uniform: U(-b, b) with b = gain·√(3 / fan), gain from the nonlinearity (a is
    /// leaky_relu's negative slope), fan from the mode ("fan_in" or "fan_out"). PyTorch's Linear
    /// and Conv layers start with a = √5.
    static member KaimingUniform
        (
            t: Tensor,
            [<Optional; DefaultParameterValue(0.0)>] a: float,
            [<Optional; DefaultParameterValue("fan_in")>] mode: string,
            [<Optional; DefaultParameterValue("leaky_relu")>] nonlinearity: string,
            [<Optional>] generator: Generator
        ) =
        let fan = Init.Fan("KaimingUniform", t, mode)
        let bound = Init.CalculateGain(nonlinearity, a) * sqrt (3.0 / float fan)
        Init.Uniform(t, -bound, bound, generator)

    /// He/Kaiming normal: N(0, std²) with std = gain / √fan.
    static member KaimingNormal
        (
            t: Tensor,
            [<Optional; DefaultParameterValue(0.0)>] a: float,
            [<Optional; DefaultParameterValue("fan_in")>] mode: string,
            [<Optional; DefaultParameterValue("leaky_relu")>] nonlinearity: string,
            [<Optional>] generator: Generator
        ) =
        let fan = Init.Fan("KaimingNormal", t, mode)
        Init.Normal(t, 0.0, Init.CalculateGain(nonlinearity, a) / sqrt (float fan), generator)

    /// A (semi-)orthogonal matrix times gain, from the QR decomposition of a normal matrix (with
    /// the signs fixed as PyTorch fixes them); trailing dimensions are flattened.
    static member Orthogonal(t: Tensor, [<Optional; DefaultParameterValue(1.0)>] gain: float, [<Optional>] generator: Generator) =
        if t.Dim < 2 then
            invalidArg "tensor" $"Init.Orthogonal: needs at least 2 dimensions; got shape {shapeText t.Shape}."

        let rows = t.Shape[0]
        let cols = t.Numel / max rows 1

        InitFill.fill (
            "Orthogonal",
            t,
            fun r ->
                if r.numel () > 0L then
                    use flat = torch.empty ([| int64 rows; int64 cols |], torch.float64, r.device)
                    flat.normal_ (0.0, 1.0, torchGenerator generator) |> ignore
                    use m = if rows < cols then flat.t () else flat.alias ()
                    let struct (q, rr) = torch.linalg.qr m
                    use q = q
                    use rr = rr
                    use d = torch.diag rr
                    use s = d.sign ()
                    use qs = q.mul s
                    use qt = if rows < cols then qs.t () else qs.alias ()
                    use scaled = qt.mul (scalar gain)
                    use shaped = scaled.reshape (r.shape)
                    r.copy_ shaped |> ignore
        )
