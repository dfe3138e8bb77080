/// Differentiable elementwise primitives beyond arithmetic (which lives beside the Tensor type):
/// activations, erf, clamp, maximum/minimum, where, dropout; and the non-differentiable
/// comparisons. A derivative that is piecewise constant (relu's, clamp's) is a constant mask
/// computed from the raw values, so higher derivatives come out right (zero) as well.
module internal Nabla.OpsElementwise

open System
open TorchSharp
open Nabla.Raw

let inline private sc (c: float) = scalar c

/// A constant (non-differentiated) tensor made from raw values.
let constant (r: RawTensor) = Const r

let sigmoid (x: Tensor) =
    Prim.Elementwise("sigmoid", (fun r -> r.sigmoid ()), (fun _ y -> Tensor.Mul(y, Tensor.RSubScalar(1.0, y))), x)

/// max(x, 0). Its derivative is 1 where x > 0, else 0: the sign of the output, a float mask
/// (Prim.Scale: a product where that is exact, a select where the cotangent is not finite).
let relu (x: Tensor) =
    let rule (_: Tensor) (y: Tensor) (d: Tensor) =
        let r = y.Raw()
        Prim.Scale("relu", d, guard1 "relu" r (fun () -> r.sign ()))

    Prim.Lift1("relu", (fun r -> r.relu ()), rule, rule, x)

/// x for x > 0, slope·x otherwise.
let leakyRelu (slope: float) (x: Tensor) =
    let rule (x: Tensor) (_: Tensor) (d: Tensor) =
        // 1 where x > 0, else slope
        let r = x.Raw()

        let factor =
            guard1 "leakyRelu" r (fun () ->
                use positive = r.gt (sc 0.0)
                positive.to_type(r.dtype).mul_(sc (1.0 - slope)).add_(sc slope))

        Prim.Scale("leakyRelu", d, factor)

    Prim.Lift1("leakyRelu", (fun r -> r.leaky_relu (scalar slope)), rule, rule, x)

let erf (x: Tensor) =
    let c = 2.0 / sqrt Math.PI
    Prim.Elementwise("erf", (fun r -> r.erf ()), (fun x _ -> Tensor.MulScalar(Tensor.Exp(Tensor.Neg(Tensor.Mul(x, x))), c)), x)

/// log(1 + x), accurate for small x; d/dx = 1 / (1 + x).
let log1p (x: Tensor) =
    Prim.Elementwise("log1p", (fun r -> r.log1p ()), (fun x _ -> Tensor.RDivScalar(1.0, Tensor.AddScalar(x, 1.0))), x)

/// eˣ − 1, accurate for small x; d/dx = y + 1.
let expm1 (x: Tensor) =
    Prim.Elementwise("expm1", (fun r -> r.expm1 ()), (fun _ y -> Tensor.AddScalar(y, 1.0)), x)

/// x·Φ(x) with the exact normal CDF (PyTorch's default gelu). d/dx = Φ(x) + x·φ(x).
let gelu (x: Tensor) =
    let dydx (x: Tensor) (_: Tensor) =
        let cdf =
            Tensor.MulScalar(Tensor.AddScalar(erf (Tensor.MulScalar(x, 1.0 / sqrt 2.0)), 1.0), 0.5)

        let pdf =
            Tensor.MulScalar(Tensor.Exp(Tensor.MulScalar(Tensor.Mul(x, x), -0.5)), 1.0 / sqrt (2.0 * Math.PI))

        Tensor.Add(cdf, Tensor.Mul(x, pdf))

    Prim.Elementwise("gelu", (fun r -> torch.nn.functional.gelu r), dydx, x)

/// log(1 + eˣ); its derivative is sigmoid(x).
let softplus (x: Tensor) =
    Prim.Elementwise("softplus", (fun r -> torch.nn.functional.softplus (r, 1.0, 20.0)), (fun x _ -> sigmoid x), x)

/// x for x > 0, alpha·(eˣ - 1) otherwise. d/dx = 1 for x > 0, y + alpha otherwise.
let elu (alpha: float) (x: Tensor) =
    let dydx (x: Tensor) (y: Tensor) =
        let positive = guard1 "elu" (x.Raw()) (fun () -> x.Raw().gt(sc 0.0))
        // (y + alpha) where x <= 0, plus 1 where x > 0
        let ones =
            Const(guard1 "elu" (x.Raw()) (fun () -> positive.to_type (x.Raw().dtype)))

        Tensor.Add(Prim.MaskedZero("elu", Tensor.AddScalar(y, alpha), positive), ones)

    Prim.Elementwise("elu", (fun r -> r.elu (scalar alpha, scalar 1.0, scalar 1.0)), dydx, x)

/// Limits values to [lo, hi] (either bound optional). The derivative is 1 inside (bounds included), 0 outside.
let clamp (lo: float option) (hi: float option) (x: Tensor) =
    let rule (x: Tensor) (_: Tensor) (d: Tensor) =
        let r = x.Raw()

        let outside =
            match lo, hi with
            | Some l, Some h ->
                use below = r.lt (sc l)
                use above = r.gt (sc h)
                below.logical_or above
            | Some l, None -> r.lt (sc l)
            | None, Some h -> r.gt (sc h)
            | None, None -> invalidArg "lo" "clamp: give at least one bound."

        Prim.MaskedZero("clamp", d, Memory.adopt outside)

    let primal (r: RawTensor) =
        match lo, hi with
        | Some l, Some h -> r.clamp (sc l, sc h)
        | Some l, None -> r.clamp_min (sc l)
        | None, Some h -> r.clamp_max (sc h)
        | None, None -> invalidArg "lo" "clamp: give at least one bound."

    Prim.Lift1("clamp", primal, rule, rule, x)

/// Elementwise maximum (or minimum); on ties each input gets half the cotangent, as in PyTorch.
let private extremum
    (op: string)
    (primal: RawTensor -> RawTensor -> RawTensor)
    (wins: RawTensor -> RawTensor -> RawTensor)
    (a: Tensor)
    (b: Tensor)
    =
    // Shares of the cotangent, computed once from the values (the same at every nesting level), and
    // only when something is differentiated: a gets 1 where it wins, ½ on ties, 0 where b wins; b
    // gets the rest. Constants, applied by Prim.Scale (a select where the cotangent is not finite).
    // Created now, not lazily inside a rule: a rule may run inside a pullback's scope, which would
    // free a tensor first made there.
    let shareA, shareB =
        if not (a.IsDifferentiated || b.IsDifferentiated) then
            null, null
        else
            let ra, rb = a.Raw(), b.Raw()

            guardAny op [| ra; rb |] (fun () ->
                use w = wins ra rb
                use tie = ra.eq rb
                let dtype = torch.promote_types (ra.dtype, rb.dtype)
                use wf = w.to_type dtype
                use tf = tie.to_type dtype
                let shareA = Memory.adopt (wf.add (tf, sc 0.5))
                let shareB = Memory.adopt (shareA.neg().add_(sc 1.0))
                shareA, shareB)

    Prim.Elementwise2(op, primal, (fun _ d -> Prim.Scale(op, d, shareA)), (fun _ d -> Prim.Scale(op, d, shareB)), a, b)

let maximum a b =
    extremum "maximum" (fun a b -> a.maximum b) (fun a b -> a.gt b) a b

let minimum a b =
    extremum "minimum" (fun a b -> a.minimum b) (fun a b -> a.lt b) a b

/// a where cond is true, b elsewhere (cond is a bool tensor; all three broadcast; a and b are
/// promoted to one dtype). Each input's derivative is a select by the condition.
let where (cond: Tensor) (a: Tensor) (b: Tensor) =
    let c = cond.Raw()

    if c.dtype <> torch.ScalarType.Bool then
        invalidArg "cond" $"where: the condition must be a bool tensor; got {describe c}. Build it with a comparison such as Tensor.gt."

    let ab = Prim.Promote("where", [| a; b |])
    let sa, sb = shape (ab[0].Raw()), shape (ab[1].Raw())
    broadcastShapes "where" (broadcastShapes "where" (shape c) sa) sb |> ignore

    let notC =
        if a.IsDifferentiated || b.IsDifferentiated then
            guard1 "where" c (fun () -> c.logical_not ())
        else
            null

    Prim.Elementwise2(
        "where",
        (fun ra rb -> torch.where (c, ra, rb)),
        (fun _ d -> Prim.MaskedZero("where", d, notC)),
        (fun _ d -> Prim.MaskedZero("where", d, c)),
        ab[0],
        ab[1]
    )

/// Drops each element with probability p and scales the rest by 1/(1-p) (inverted dropout).
let dropout (p: float) (generator: torch.Generator) (x: Tensor) =
    if p < 0.0 || p > 1.0 then
        invalidArg "p" $"dropout: the probability must be in [0, 1]; got {p}."

    if p = 0.0 then
        x
    elif p = 1.0 then
        Tensor.MulScalar(x, 0.0)
    else
        let r = x.Raw()

        let mask =
            guard1 "dropout" r (fun () ->
                let m = torch.empty_like r
                m.bernoulli_(1.0 - p, generator).div_(sc (1.0 - p)))

        Prim.Scale("dropout", x, mask)

/// Comparisons give bool tensors and are not differentiated.
let compare (op: string) (f: RawTensor -> RawTensor -> RawTensor) (a: Tensor) (b: Tensor) =
    let ra, rb = a.Raw(), b.Raw()
    broadcastShapes op (shape ra) (shape rb) |> ignore
    Const(guard2 op ra rb (fun () -> f ra rb))

let compareScalar (op: string) (f: RawTensor -> Scalar -> RawTensor) (a: Tensor) (c: float) =
    let ra = a.Raw()
    Const(guard1 op ra (fun () -> f ra (sc c)))

/// Moves the values to another device; differentiable (the cotangent moves back).
let rec toDevice (device: Device) (x: Tensor) =
    let d = toTorchDevice device

    if x.Device = device then
        x
    else
        Prim.Lift1($"toDevice({device})", (fun r -> r.``to`` d), (fun _ _ dx -> toDevice device dx), (fun x _ g -> toDevice x.Device g), x)

/// Converts the element type: differentiable between floating-point types; to an integer or bool
/// type the result is a constant (its derivative is zero almost everywhere).
let toDtype (dtype: Dtype) (x: Tensor) =
    if dtype.IsFloatingPoint && x.Dtype.IsFloatingPoint then
        Tensor.Cast(x, dtype)
    else
        let r = x.Raw()
        Const(guard1 $"toDtype({dtype})" r (fun () -> r.to_type (toScalarType dtype)))
