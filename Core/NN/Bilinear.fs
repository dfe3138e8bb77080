namespace Nabla.NN

open System
open System.Runtime.InteropServices
open Nabla
open Nabla.Raw

/// y = x1ᵀ·A·x2 + b (PyTorch's nn.Bilinear): x1 [*, in1Features] and x2 [*, in2Features] with
/// the same leading dimensions give [*, outFeatures]; weight A [outFeatures, in1Features,
/// in2Features] and bias b [outFeatures], both initialised U(±1/√in1Features) as PyTorch does.
/// It takes two inputs: call Forward(x1, x2).
type Bilinear(in1Features: int, in2Features: int, outFeatures: int, ?bias: bool, ?dtype: Dtype, ?device: Device) as this =
    inherit Module()

    do
        Layer.positive "Bilinear" "in1Features" in1Features
        Layer.positive "Bilinear" "in2Features" in2Features
        Layer.positive "Bilinear" "outFeatures" outFeatures

    let dtype = Layer.dtypeOr dtype
    let device = Layer.deviceOr device
    let bound = 1.0 / sqrt (float in1Features)

    let weight =
        let w = Tensor.Zeros([| outFeatures; in1Features; in2Features |], dtype, device)
        Init.Uniform(w, -bound, bound)
        this.RegisterParameter("weight", w)

    let bias =
        if defaultArg bias true then
            let b = Tensor.Zeros([| outFeatures |], dtype, device)
            Init.Uniform(b, -bound, bound)
            Some(this.RegisterParameter("bias", b))
        else
            None

    /// The size of the first input's last dimension.
    member _.In1Features = in1Features
    /// The size of the second input's last dimension.
    member _.In2Features = in2Features
    /// The size of the output's last dimension.
    member _.OutFeatures = outFeatures
    /// The weight [outFeatures, in1Features, in2Features].
    member _.Weight = weight
    /// The bias [outFeatures], if the layer has one.
    member _.Bias = bias

    /// Not supported: Bilinear takes two inputs; call Forward(x1, x2).
    override _.Forward(_: Tensor) : Tensor =
        raise (
            NotSupportedException
                "Bilinear takes two inputs: call Forward(x1, x2) (it cannot be used inside Sequential, which passes one input)."
        )

    /// x1ᵀ·A·x2 + b for x1 [*, in1Features] and x2 [*, in2Features] (the same leading
    /// dimensions, possibly none): [*, outFeatures].
    member _.Forward(x1: Tensor, x2: Tensor) : Tensor =
        if isNull (box x1) then
            nullArg "x1"

        if isNull (box x2) then
            nullArg "x2"

        let s1, s2 = x1.Shape, x2.Shape

        let check (name: string) (s: int[]) (expected: int) (what: string) =
            if s.Length = 0 || s[s.Length - 1] <> expected then
                invalidArg
                    name
                    $"Bilinear: {name} must have {expected} features ({what}) in its last dimension; got shape {shapeText s} (x1 {shapeText s1}, x2 {shapeText s2})."

        check "x1" s1 in1Features "in1Features"
        check "x2" s2 in2Features "in2Features"

        if s1.Length <> s2.Length || s1[.. s1.Length - 2] <> s2[.. s2.Length - 2] then
            invalidArg "x2" $"Bilinear: x1 and x2 must have the same leading (batch) dimensions; got {shapeText s1} and {shapeText s2}."

        for name, t in [ "x1", x1; "x2", x2 ] do
            if not t.Dtype.IsFloatingPoint then
                invalidArg name $"Bilinear: {name} must be floating-point; got {t.Dtype}. Convert it with Tensor.toDtype."

        Tensor.bilinear weight bias x1 x2

    /// As PyTorch prints it, e.g. "in1_features=2, in2_features=3, out_features=4, bias=True".
    override _.ExtraRepr() =
        $"in1_features={in1Features}, in2_features={in2Features}, out_features={outFeatures}, bias={Layer.pyBool bias.IsSome}"
