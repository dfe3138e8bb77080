/// Differentiable reductions and normalisations: sum, max/min, logsumexp, norm, softmax,
/// logSoftmax. Their cotangents are broadcast back with the kept-dims shape.
module internal Nabla.OpsReduce

open System
open TorchSharp
open Nabla.Raw

/// Normalised, sorted, distinct dims (all dims when `dims` is empty).
let normDims (op: string) (rank: int) (dims: int[]) =
    if dims.Length = 0 then
        Array.init rank id
    else
        dims |> Array.map (OpsShape.normDim op rank) |> Array.distinct |> Array.sort

/// The input's shape with the reduced dims set to 1.
let keptShape (shape: int[]) (dims: int[]) =
    shape |> Array.mapi (fun i d -> if Array.contains i dims then 1 else d)

/// Sum of all elements (a 0-d tensor).
let rec sum (x: Tensor) : Tensor =
    Prim.Lift1("sum", (fun r -> r.sum ()), (fun _ _ dx -> sum dx), (fun x _ g -> Tensor.ExpandTo(g, x.Shape)), x)

/// Sum over `dims`, keeping them as size 1 when keepDim.
let rec sumDims (dims: int[]) (keepDim: bool) (x: Tensor) : Tensor =
    let shape = x.Shape
    let dims = normDims "sum" shape.Length dims
    let kept = keptShape shape dims

    Prim.Lift1(
        "sum",
        (fun r -> r.sum (longs dims, keepDim)),
        (fun _ _ dx -> sumDims dims keepDim dx),
        (fun _ _ g -> Tensor.ExpandTo(OpsShape.reshape kept g, shape)),
        x
    )

/// Mean of all elements (0-d), one LibTorch call.
let rec mean (x: Tensor) : Tensor =
    let n = float x.Numel
    Prim.Lift1("mean", (fun r -> r.mean ()), (fun _ _ dx -> mean dx), (fun x _ g -> Tensor.ExpandTo(Tensor.DivScalar(g, n), x.Shape)), x)

/// Mean over `dims`, keeping them as size 1 when keepDim.
let rec meanDims (dims: int[]) (keepDim: bool) (x: Tensor) : Tensor =
    let shape = x.Shape
    let dims = normDims "mean" shape.Length dims
    let kept = keptShape shape dims
    let n = float (dims |> Array.fold (fun acc d -> acc * shape[d]) 1)

    Prim.Lift1(
        "mean",
        (fun r -> r.mean (longs dims, keepDim)),
        (fun _ _ dx -> meanDims dims keepDim dx),
        (fun _ _ g -> Tensor.ExpandTo(OpsShape.reshape kept (Tensor.DivScalar(g, n)), shape)),
        x
    )

/// Max (or min) over `dims` (all when empty), PyTorch's amax/amin: ties share the cotangent
/// equally. The shares are a constant computed from the values.
let extremeDims (op: string) (primal: RawTensor -> int64[] -> bool -> RawTensor) (dims: int[]) (keepDim: bool) (x: Tensor) : Tensor =
    let shape = x.Shape
    let dims = normDims op shape.Length dims

    if dims |> Array.exists (fun d -> shape[d] = 0) then
        invalidArg "x" $"{op}: cannot reduce the empty tensor {shapeText shape}."

    let kept = keptShape shape dims

    let share (x: Tensor) (y: Tensor) =
        let rx = x.Raw()
        use yk = y.Raw().reshape(longs kept)
        use hits = rx.eq yk
        use f = hits.to_type rx.dtype
        use count = f.sum (longs dims, true)
        guard1 op rx (fun () -> f.div count)

    Prim.Lift1(
        op,
        (fun r -> primal r (longs dims) keepDim),
        (fun x y dx -> sumDims dims keepDim (Prim.Scale(op, dx, share x y))),
        (fun x y g -> Prim.Scale(op, OpsShape.reshape kept g, share x y)),
        x
    )

/// Largest (smallest) element, 0-d; ties share the cotangent equally, as in PyTorch.
let maxAll (x: Tensor) =
    extremeDims "max" (fun r dims keepDim -> r.amax (dims, keepDim)) [||] false x

let minAll (x: Tensor) =
    extremeDims "min" (fun r dims keepDim -> r.amin (dims, keepDim)) [||] false x

/// Running sums along a dim. Its transpose sums from the other end: flip, cumsum, flip.
let rec cumsum (dim: int) (x: Tensor) : Tensor =
    let dim = OpsShape.normDim "cumsum" x.Dim dim

    Prim.Lift1(
        "cumsum",
        (fun r -> r.cumsum (int64 dim)),
        (fun _ _ dx -> cumsum dim dx),
        (fun _ _ g -> OpsShape.flip [| dim |] (cumsum dim (OpsShape.flip [| dim |] g))),
        x
    )

/// The positions of the max (or min) along a dim (int64, not differentiated).
let argExtreme (op: string) (isMax: bool) (dim: int) (keepDim: bool) (x: Tensor) : Tensor =
    let r = x.Raw()
    let dim = OpsShape.normDim op (int (r.dim ())) dim

    Const(
        guard1 op r (fun () ->
            if isMax then
                r.argmax (int64 dim, keepDim)
            else
                r.argmin (int64 dim, keepDim))
    )

/// Values of the max (or min) along a dim: a gather at the arg-max, so the cotangent goes to
/// the chosen element, as in PyTorch's max(dim).
let extremeDim (op: string) (isMax: bool) (dim: int) (keepDim: bool) (x: Tensor) : Tensor =
    let rank = x.Dim
    let dim = OpsShape.normDim op rank dim

    if x.Shape[dim] = 0 then
        invalidArg "x" $"{op}: dimension {dim} of {shapeText x.Shape} is empty."

    let index = (argExtreme op isMax dim true x).Raw()
    let values = OpsShape.gather dim index x

    if keepDim then
        values
    else
        OpsShape.reshape (Array.removeAt dim values.Shape) values

/// log Σ exp over a dim, computed stably by LibTorch.
let rec logsumexp (dim: int) (keepDim: bool) (x: Tensor) : Tensor =
    let shape = x.Shape
    let dim = OpsShape.normDim "logsumexp" shape.Length dim
    let kept = keptShape shape [| dim |]

    let softmaxOf (x: Tensor) (y: Tensor) =
        Tensor.Exp(Tensor.Sub(x, OpsShape.reshape kept y))

    Prim.Lift1(
        "logsumexp",
        (fun r -> r.logsumexp (int64 dim, keepDim)),
        (fun x y dx -> sumDims [| dim |] keepDim (Tensor.Mul(softmaxOf x y, dx))),
        (fun x y g -> Tensor.Mul(OpsShape.reshape kept g, softmaxOf x y)),
        x
    )

/// log Σ exp over several dims (all when empty): shifted by the (constant) max for stability.
let logsumexpDims (dims: int[]) (keepDim: bool) (x: Tensor) : Tensor =
    let shape = x.Shape

    match normDims "logsumexp" shape.Length dims with
    | [| d |] -> logsumexp d keepDim x
    | dims ->
        // the max, with infinities replaced by 0 so that a slice of -inf gives -inf, not NaN
        let rx = x.Raw()

        let m =
            Const(guard1 "logsumexp" rx (fun () -> use a = rx.amax (longs dims, true) in a.nan_to_num (0.0, 0.0, 0.0)))

        let y = Tensor.Add(Tensor.Log(sumDims dims true (Tensor.Exp(Tensor.Sub(x, m)))), m)

        if keepDim then
            y
        else
            OpsShape.reshape
                (shape
                 |> Array.indexed
                 |> Array.filter (fun (i, _) -> not (Array.contains i dims))
                 |> Array.map snd)
                y

/// softmax along a dim. Both rules are y ⊙ (d − Σ y ⊙ d).
let rec softmax (dim: int) (x: Tensor) : Tensor =
    let dim = OpsShape.normDim "softmax" x.Dim dim

    let rule (_: Tensor) (y: Tensor) (d: Tensor) =
        Tensor.Mul(y, Tensor.Sub(d, sumDims [| dim |] true (Tensor.Mul(y, d))))

    Prim.Lift1("softmax", (fun r -> r.softmax (int64 dim)), rule, rule, x)

/// log(softmax) along a dim, computed stably. JVP: d − Σ softmax ⊙ d; VJP: g − softmax ⊙ Σ g.
let rec logSoftmax (dim: int) (x: Tensor) : Tensor =
    let dim = OpsShape.normDim "logSoftmax" x.Dim dim

    Prim.Lift1(
        "logSoftmax",
        (fun r -> r.log_softmax (int64 dim)),
        (fun _ y dx -> Tensor.Sub(dx, sumDims [| dim |] true (Tensor.Mul(Tensor.Exp y, dx)))),
        (fun _ y g -> Tensor.Sub(g, Tensor.Mul(Tensor.Exp y, sumDims [| dim |] true g))),
        x
    )

/// Euclidean norm over `dims` (all when empty). At a zero vector the cotangent is 0 (a subgradient),
/// as in PyTorch, instead of NaN.
let rec norm (dims: int[]) (keepDim: bool) (x: Tensor) : Tensor =
    let shape = x.Shape
    let dims = normDims "norm" shape.Length dims
    let kept = keptShape shape dims
    // x / ‖x‖ with 0 where ‖x‖ = 0
    let direction (x: Tensor) (y: Tensor) =
        let yk = OpsShape.reshape kept y
        let zero = guard1 "norm" (yk.Raw()) (fun () -> yk.Raw().eq(scalar 0.0))
        Prim.MaskedZero("norm", Tensor.Div(x, yk), zero)

    Prim.Lift1(
        "norm",
        (fun r -> torch.linalg.vector_norm (r, 2.0, longs dims, keepDim)),
        (fun x y dx -> sumDims dims keepDim (Tensor.Mul(direction x y, dx))),
        (fun x y g -> Tensor.Mul(OpsShape.reshape kept g, direction x y)),
        x
    )
