namespace Nabla.NN

open System
open System.Runtime.InteropServices
open Nabla

/// max(0, x).
type ReLU() =
    inherit Module()
    override _.Forward x = Tensor.relu x

/// x for x ≥ 0, negativeSlope·x otherwise (default slope 0.01).
type LeakyReLU([<Optional; DefaultParameterValue(0.01)>] negativeSlope: float) =
    inherit Module()
    member _.NegativeSlope = negativeSlope
    override _.Forward x = Tensor.leakyRelu negativeSlope x
    override _.ExtraRepr() = $"negative_slope={negativeSlope}"

/// 1 / (1 + e^-x).
type Sigmoid() =
    inherit Module()
    override _.Forward x = Tensor.sigmoid x

/// tanh x.
type Tanh() =
    inherit Module()
    override _.Forward x = Tensor.tanh x

/// x·Φ(x) (exact, the default) or its tanh approximation (approximate = "tanh").
type GELU([<Optional; DefaultParameterValue("none")>] approximate: string) =
    inherit Module()

    do
        if approximate <> "none" && approximate <> "tanh" then
            invalidArg "approximate" $"GELU: approximate must be \"none\" or \"tanh\"; got \"{approximate}\"."

    member _.Approximate = approximate

    override _.Forward x =
        if approximate = "tanh" then
            let inner = sqrt (2.0 / Math.PI) * (x + 0.044715 * x ** 3.0)
            0.5 * x * (1.0 + Tensor.tanh inner)
        else
            Tensor.gelu x

    override _.ExtraRepr() =
        if approximate = "none" then
            ""
        else
            $"approximate='{approximate}'"

/// x for x > 0, alpha·(eˣ − 1) otherwise (default alpha 1).
type ELU([<Optional; DefaultParameterValue(1.0)>] alpha: float) =
    inherit Module()
    member _.Alpha = alpha
    override _.Forward x = Tensor.elu alpha x
    override _.ExtraRepr() = $"alpha={alpha}"

/// x·sigmoid(x) (also called swish).
type SiLU() =
    inherit Module()
    override _.Forward x = Tensor.silu x

/// log(1 + e^(beta·x)) / beta, and x itself where beta·x > threshold (PyTorch's defaults: beta 1,
/// threshold 20).
type Softplus([<Optional; DefaultParameterValue(1.0)>] beta: float, [<Optional; DefaultParameterValue(20.0)>] threshold: float) =
    inherit Module()

    do
        if beta = 0.0 || Double.IsNaN beta then
            invalidArg "beta" $"Softplus: beta must be non-zero; got {beta}."

    member _.Beta = beta
    member _.Threshold = threshold

    override _.Forward x =
        let bx = x * beta
        let smooth = Tensor.log1p (Tensor.exp (-(Tensor.abs bx))) + Tensor.relu bx
        let soft = if beta = 1.0 then smooth else smooth / beta
        Tensor.where (Tensor.gtScalar threshold bx) x soft

    override _.ExtraRepr() = $"beta={beta}, threshold={threshold}"

/// Softmax along `dim` (values along it are positive and sum to 1).
type Softmax(dim: int) =
    inherit Module()
    member _.Dim = dim
    override _.Forward x = Tensor.softmax dim x
    override _.ExtraRepr() = $"dim={dim}"

/// Log-softmax along `dim`.
type LogSoftmax(dim: int) =
    inherit Module()
    member _.Dim = dim
    override _.Forward x = Tensor.logSoftmax dim x
    override _.ExtraRepr() = $"dim={dim}"

/// The input, unchanged (a placeholder layer, e.g. where an activation is optional).
type Identity() =
    inherit Module()
    override _.Forward x = x

/// An activation module by its name, case-insensitive ("relu", "leaky_relu", "sigmoid",
/// "tanh", "gelu", "elu", "silu", "softplus", "identity"/"linear"/"none"): what a layer that
/// takes an activation name builds. Unknown names are an error (Activation.tryCreate returns None).
module Activation =

    let tryCreate (name: string) : Module option =
        match (if isNull name then "" else name.Trim().ToLowerInvariant()) with
        | "relu" -> Some(ReLU())
        | "leaky_relu"
        | "leakyrelu" -> Some(LeakyReLU())
        | "sigmoid" -> Some(Sigmoid())
        | "tanh" -> Some(Tanh())
        | "gelu" -> Some(GELU())
        | "elu" -> Some(ELU())
        | "silu"
        | "swish" -> Some(SiLU())
        | "softplus" -> Some(Softplus())
        | "identity"
        | "linear"
        | "none"
        | "" -> Some(Identity())
        | _ -> None

    let create (name: string) : Module =
        match tryCreate name with
        | Some m -> m
        | None ->
            invalidArg
                "name"
                $"Activation.create: unknown activation '{name}'; use relu, leaky_relu, sigmoid, tanh, gelu, elu, silu, softplus or identity."
