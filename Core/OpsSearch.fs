/// Differentiable sorting, searching and the reductions beyond OpsReduce: prod, cumprod, sort,
/// topk, kthvalue, median, std/var with correction, p-norms.
///
/// Products: the derivative of a product is the product of the other factors. Dividing the
/// result by each factor is wrong at zeros, and masking the zeros gives a first derivative that is
/// right but whose own derivative (the Hessian) is wrong. So the rules here never divide and never
/// mask: prod's gradient is (exclusive cumprod from the left) · (exclusive cumprod from the right),
/// and cumprod's derivatives are a linear recurrence, a primitive of its own whose rules are
/// recurrences again. Every order of derivative is then exact, with any number of zeros.
///
/// Sorting and searching: values are a gather at the indices (constants), so derivatives flow to
/// the selected elements, as in PyTorch.
module internal Nabla.OpsSearch

open System
open TorchSharp
open Nabla.Raw

let inline private sc (c: float) = scalar c

/// Ops that need floating-point input (as in PyTorch): a clear error for integer and bool tensors.
let requireFloat (op: string) (x: Tensor) =
    if not x.Dtype.IsFloatingPoint then
        invalidArg
            "x"
            $"{op}: needs a floating-point tensor; got {describe (x.Raw())}. Convert it first, e.g. with Tensor.toDtype Dtype.Float64."

/// A dim of x, where a 0-d x counts as one-dimensional (PyTorch lets ops along a dim take a 0-d
/// tensor with dim 0 or -1).
let private dimOf (op: string) (x: Tensor) (dim: int) =
    if x.Dim = 0 && dim <> 0 && dim <> -1 then
        raise (ArgumentOutOfRangeException("dim", $"{op}: dimension {dim} is out of range for a 0-d tensor (valid: 0 or -1)."))

    normDim op (max 1 x.Dim) dim

/// The dims a reduction runs over, normalised and sorted (all when empty); a 0-d tensor accepts
/// 0 and -1, as in PyTorch, and has nothing to reduce.
let private reducedDims (op: string) (x: Tensor) (dims: int[]) =
    if x.Dim = 0 then
        for d in dims do
            dimOf op x d |> ignore

        [||]
    else
        OpsReduce.normDims op x.Dim dims

/// x as 1-D when it is 0-d (the ops below then work along dim 0), and a result back as 0-d.
let private as1d (x: Tensor) =
    if x.Dim = 0 then OpsShape.reshape [| 1 |] x else x

let private back0d (x: Tensor) (t: Tensor) =
    if x.Dim = 0 && t.Numel = 1 then
        OpsShape.reshape [||] t
    else
        t

/// t moved one place forward along dim: t[k−1] at k and `fill` at 0 (the last element drops out).
let private shiftForward (dim: int) (fill: float) (t: Tensor) =
    let s = t.Shape

    if s[dim] = 0 then
        t
    else
        let head = Const(Raw.full (Array.updateAt dim 1 s) fill t.Dtype t.Device)
        OpsShape.cat dim [| head; OpsShape.narrow dim 0 (s[dim] - 1) t |]

/// t moved one place backward along dim: t[k+1] at k and `fill` at the end.
let private shiftBackward (dim: int) (fill: float) (t: Tensor) =
    let s = t.Shape

    if s[dim] = 0 then
        t
    else
        let tail = Const(Raw.full (Array.updateAt dim 1 s) fill t.Dtype t.Device)
        OpsShape.cat dim [| OpsShape.narrow dim 1 (s[dim] - 1) t; tail |]

// ---------------------------------------------------------------- products

/// z along dim with z[0] = b[0] and z[k] = a[k]·z[k−1] + b[k] (a[0] is not used), i.e.
/// z[k] = Σ_{i≤k} b[i]·Π_{i<j≤k} a[j]. Computed as a parallel prefix scan of the affine maps
/// z ↦ a[k]·z + b[k] (Hillis–Steele: ⌈log₂ n⌉ rounds of whole-tensor multiply-adds), so it needs
/// no division: zeros in a are exact.
let private scanRaw (dim: int) (ra: RawTensor) (rb: RawTensor) : RawTensor =
    let s = broadcastShapes "cumprod" (shape ra) (shape rb)
    let n = s[dim]
    let dtype = torch.promote_types (ra.dtype, rb.dtype)
    // Fresh contiguous copies, updated in place: A holds the composed slopes, B the offsets.
    use A = torch.empty (longs s, dtype, ra.device)
    A.copy_ ra |> ignore
    let B = torch.empty (longs s, dtype, ra.device)
    B.copy_ rb |> ignore
    let mutable step = 1

    while step < n do
        // position k ≥ step composes its map with the one at k − step (computed before writing)
        let m = int64 (n - step)
        use aHi = A.narrow (int64 dim, int64 step, m)
        use bLo = B.narrow (int64 dim, 0L, m)
        use bHi = B.narrow (int64 dim, int64 step, m)
        (use t = aHi.mul bLo in bHi.add_ (t, scalarInt 1L) |> ignore)

        if 2 * step < n then
            use aLo = A.narrow (int64 dim, 0L, m)
            use u = aHi.mul aLo
            aHi.copy_ u |> ignore

        step <- step * 2

    B

/// The linear recurrence above as a differentiable op of both a and b. It is linear in b, and
/// its derivative in a is the same recurrence driven by da·z[k−1]; the transposes run it backwards.
let rec linearRecurrence (dim: int) (a: Tensor) (b: Tensor) : Tensor =
    let previous (z: Tensor) = shiftForward dim 0.0 z // z[k−1], 0 at k = 0

    Prim.Lift2(
        "cumprod",
        (fun ra rb -> scanRaw dim ra rb),
        (fun p da -> linearRecurrence dim p.A (Tensor.Mul(da, previous p.Out))),
        (fun p db -> linearRecurrence dim p.A db),
        (fun p g -> Tensor.Mul(previous p.Out, transposedRecurrence dim p.A g)),
        (fun p g -> transposedRecurrence dim p.A g),
        a,
        b
    )

/// The transpose of b ↦ linearRecurrence a b: u[i] = g[i] + a[i+1]·u[i+1], the recurrence run
/// from the other end (reversed, with the coefficients moved one place).
and transposedRecurrence (dim: int) (a: Tensor) (g: Tensor) : Tensor =
    let flip = OpsShape.flip [| dim |]
    flip (linearRecurrence dim (flip (shiftBackward dim 0.0 a)) (flip g))

/// Running products along a (normalised) dim. With L[k] = Π_{j<k} x[j] (the exclusive product,
/// y shifted by one): dy = linearRecurrence x (L·dx), and the VJP is its transpose, L·(Rᵀ g).
/// No division by x, so zeros are exact, to every order.
let rec private cumprodAt (dim: int) (x: Tensor) : Tensor =
    let exclusive (y: Tensor) = shiftForward dim 1.0 y

    Prim.Lift1(
        "cumprod",
        (fun r -> r.cumprod (int64 dim)),
        (fun x y dx -> linearRecurrence dim x (Tensor.Mul(exclusive y, dx))),
        (fun x y g -> Tensor.Mul(exclusive y, transposedRecurrence dim x g)),
        x
    )

/// Running products along dim (PyTorch's cumprod; integer tensors give int64).
let cumprod (dim: int) (x: Tensor) : Tensor =
    let d = dimOf "cumprod" x dim
    back0d x (cumprodAt d (as1d x))

/// Product along a (normalised) dim. Its derivative in x[i] is the product of the other elements,
/// (Π_{j<i} x[j])·(Π_{j>i} x[j]): two exclusive cumprods, exact with zeros (unlike y / x[i]), and
/// differentiable again through cumprod's rules, so Hessians are right at zeros too. O(n).
let private prodAt (dim: int) (keepDim: bool) (x: Tensor) : Tensor =
    let kept = OpsReduce.keptShape x.Shape [| dim |]

    let others (x: Tensor) =
        let flip = OpsShape.flip [| dim |]
        let before = shiftForward dim 1.0 (cumprodAt dim x)
        let after = flip (shiftForward dim 1.0 (cumprodAt dim (flip x)))
        Tensor.Mul(before, after)

    Prim.Lift1(
        "prod",
        (fun r -> r.prod (int64 dim, keepDim)),
        (fun x _ dx -> OpsReduce.sumDims [| dim |] keepDim (Tensor.Mul(others x, dx))),
        (fun x _ g -> Tensor.Mul(OpsShape.reshape kept g, others x)),
        x
    )

/// Product over dims (all when empty), keeping them as size 1 when keepDim. Several dims are
/// moved to the end and merged into one.
let prodDims (dims: int[]) (keepDim: bool) (x: Tensor) : Tensor =
    let shape = x.Shape

    if shape.Length = 0 then
        for d in dims do
            dimOf "prod" x d |> ignore

        prodAt 0 false (as1d x)
    else
        let dims = OpsReduce.normDims "prod" shape.Length dims

        match dims with
        | [| d |] -> prodAt d keepDim x
        | _ ->
            let rest =
                [|
                    for i in 0 .. shape.Length - 1 do
                        if not (Array.contains i dims) then
                            i
                |]

            let merged =
                Array.append (rest |> Array.map (fun i -> shape[i])) [| dims |> Array.fold (fun acc d -> acc * shape[d]) 1 |]

            let moved =
                x |> OpsShape.permute (Array.append rest dims) |> OpsShape.reshape merged

            let y = prodAt (merged.Length - 1) false moved

            if keepDim then
                OpsShape.reshape (OpsReduce.keptShape shape dims) y
            else
                y

/// Product of all elements (0-d).
let prod (x: Tensor) : Tensor =
    prodAt 0 false (OpsShape.reshape [| -1 |] x)

// ---------------------------------------------------------------- sorting and selecting

/// The values at `index` along dim: a gather (so the derivative goes to the selected elements)
/// when x is differentiated, else the values LibTorch already computed.
let private selected (dim: int) (index: RawTensor) (values: RawTensor) (x: Tensor) : Tensor =
    if x.IsDifferentiated then
        OpsShape.gather dim index x
    else
        Const values

/// Two results of a LibTorch call, registered with Nabla's memory accounting.
let private adoptPair (struct (a: RawTensor, b: RawTensor)) = Memory.adopt a, Memory.adopt b

/// Sorted values and their positions (int64) along dim; stable: equal values keep their order.
let sort (dim: int) (descending: bool) (x: Tensor) : Tensor * Tensor =
    let d = dimOf "sort" x dim
    let x1 = as1d x
    let r = x1.Raw()

    let values, indices =
        guardAny "sort" [| r |] (fun () -> adoptPair (r.sort (int64 d, descending, true)))

    back0d x (selected d indices values x1), back0d x (Const indices)

let private checkK (op: string) (x: Tensor) (dim: int) (k: int) (lowest: int) =
    let s = x.Shape
    let size = if s.Length = 0 then 1 else s[dim]

    if k < lowest then
        raise (
            ArgumentOutOfRangeException(
                "k",
                $"{op}: k must be at least {lowest}; got k = {k} (dimension {dim} of shape {shapeText s} has size {size})."
            )
        )

    if k > size then
        raise (
            ArgumentOutOfRangeException(
                "k",
                $"{op}: k = {k} is larger than dimension {dim} of size {size} (shape {shapeText s}). Choose k ≤ {size}."
            )
        )

/// The k largest (or smallest) values along dim, sorted, and their positions.
let topk (op: string) (largest: bool) (k: int) (dim: int) (x: Tensor) : Tensor * Tensor =
    let d = dimOf op x dim
    checkK op x d k 0
    let x1 = as1d x
    let r = x1.Raw()

    let values, indices =
        guardAny op [| r |] (fun () -> adoptPair (r.topk (k, d, largest, true)))

    back0d x (selected d indices values x1), back0d x (Const indices)

/// The k-th smallest value along dim (k from 1) and its position; the dim is removed.
let kthvalue (op: string) (k: int) (dim: int) (x: Tensor) : Tensor * Tensor =
    let d = dimOf op x dim
    checkK op x d k 1
    let x1 = as1d x
    let r = x1.Raw()

    let values, indices =
        guardAny op [| r |] (fun () -> adoptPair (r.kthvalue (int64 k, Nullable(int64 d), true)))

    let drop (t: Tensor) =
        OpsShape.reshape (Array.removeAt d t.Shape) t

    drop (selected d indices values x1), drop (Const indices)

/// The lower median along dim (the ⌈n/2⌉-th smallest, as torch.median) and its position.
let medianDim (dim: int) (x: Tensor) : Tensor * Tensor =
    let d = dimOf "medianDim" x dim
    let n = if x.Dim = 0 then 1 else x.Shape[d]

    if n = 0 then
        invalidArg "x" $"medianDim: dimension {d} of shape {shapeText x.Shape} is empty; a median needs at least one value."

    kthvalue "medianDim" ((n + 1) / 2) dim x

/// The lower median of all elements (0-d). Like max, elements equal to it share the derivative
/// equally (PyTorch's evenly_distribute_backward).
let median (x: Tensor) : Tensor =
    if x.Numel = 0 then
        invalidArg "x" $"median: the tensor {describe (x.Raw())} is empty; a median needs at least one value."

    OpsReduce.extremeDims "median" (fun r _ _ -> r.median ()) [||] false x

/// The flat position of the first largest (smallest) element, as torch.argmax(x) (0-d int64).
let argExtremeAll (op: string) (isMax: bool) (x: Tensor) : Tensor =
    let r = x.Raw()

    if x.Dtype = Dtype.Bool then
        invalidArg "x" $"{op}: bool tensors are not supported (as in PyTorch); convert with Tensor.toDtype Dtype.UInt8."

    if x.Numel = 0 then
        invalidArg "x" $"{op}: the tensor {describe r} is empty; it has no largest or smallest element."

    Const(guard1 op r (fun () -> if isMax then r.argmax () else r.argmin ()))

/// The positions of the first largest (smallest) values along dim (int64, dim removed).
let argExtremeDim (op: string) (isMax: bool) (dim: int) (x: Tensor) : Tensor =
    let d = dimOf op x dim

    if x.Dtype = Dtype.Bool then
        invalidArg "x" $"{op}: bool tensors are not supported (as in PyTorch); convert with Tensor.toDtype Dtype.UInt8."

    if x.Dim > 0 && x.Shape[d] = 0 then
        invalidArg "x" $"{op}: dimension {d} of shape {shapeText x.Shape} is empty; it has no largest or smallest element."

    if x.Dim = 0 then
        Const(Raw.zeros [||] Dtype.Int64 x.Device)
    else
        OpsReduce.argExtreme op isMax d false x

// ---------------------------------------------------------------- logic

/// x as bool (non-zero is true, as PyTorch's any/all read other dtypes).
let private truth (r: RawTensor) =
    if r.dtype = torch.ScalarType.Bool then
        r.alias ()
    else
        r.to_type torch.ScalarType.Bool

/// Whether any (all) elements are true, 0-d bool.
let anyAll (op: string) (isAny: bool) (x: Tensor) : Tensor =
    let r = x.Raw()
    Const(guard1 op r (fun () -> use b = truth r in if isAny then b.any () else b.all ()))

/// Whether any (all) elements along dim are true (bool, dim removed).
let anyAllDim (op: string) (isAny: bool) (dim: int) (x: Tensor) : Tensor =
    let d = dimOf op x dim
    let r = x.Raw()

    if x.Dim = 0 then
        anyAll op isAny x
    else
        Const(
            guard1 op r (fun () ->
                use b = truth r in

                if isAny then
                    b.any (int64 d, false)
                else
                    b.all (int64 d, false))
        )

// ---------------------------------------------------------------- variance, standard deviation, norms

/// Σ (x − mean)² / max(0, n − correction) over dims (all when empty), as torch.var with a
/// correction (1: unbiased, 0: biased). A divisor of 0 gives inf or NaN, as in PyTorch.
let varDims (op: string) (dims: int[]) (correction: int) (keepDim: bool) (x: Tensor) : Tensor =
    requireFloat op x
    let s = x.Shape

    let dims = reducedDims op x dims

    let n = dims |> Array.fold (fun acc d -> acc * s[d]) 1
    let centered = Tensor.Sub(x, OpsReduce.meanDims dims true x)
    let ss = OpsReduce.sumDims dims keepDim (Tensor.Mul(centered, centered))
    Tensor.DivScalar(ss, float (max 0 (n - correction)))

/// √v with derivative 0 where v = 0 instead of ∞: PyTorch's std has gradient 0 on a constant slice.
let private sqrtZeroSafe (op: string) (v: Tensor) : Tensor =
    let rule (_: Tensor) (y: Tensor) (d: Tensor) =
        let zero = guard1 op (y.Raw()) (fun () -> y.Raw().eq(sc 0.0))
        Prim.MaskedZero(op, Tensor.Div(d, Tensor.MulScalar(y, 2.0)), zero)

    Prim.Lift1(op, (fun r -> r.sqrt ()), rule, rule, v)

/// √var over dims with a correction (torch.std); its gradient is 0 where the deviation is 0.
let stdDims (op: string) (dims: int[]) (correction: int) (keepDim: bool) (x: Tensor) : Tensor =
    sqrtZeroSafe op (varDims op dims correction keepDim x)

/// torch.linalg.vector_norm: (Σ |x|^ord)^(1/ord) over dims (all when empty); ord = ±∞ gives
/// max/min |x|, ord = 0 the number of non-zeros. Subgradients as PyTorch: 0 where |x|^(ord−1) or
/// the norm is 0 (so the gradient at 0 is 0), and for ±∞ the elements at the extreme share it.
let vectorNorm (ord: float) (dims: int[]) (keepDim: bool) (x: Tensor) : Tensor =
    let op = "vectorNorm"
    requireFloat op x

    if Double.IsNaN ord then
        invalidArg "ord" $"{op}: ord must be a number (any real, or ±infinity); got NaN."

    let shape = x.Shape

    let dims = reducedDims op x dims

    if Double.IsInfinity ord && dims |> Array.exists (fun d -> shape[d] = 0) then
        invalidArg
            "x"
            $"{op}: the {ord} norm of an empty slice is undefined (shape {shapeText shape}, dims {shapeText dims}): max and min have no value there."

    let kept = OpsReduce.keptShape shape dims

    let primal (r: RawTensor) =
        torch.linalg.vector_norm (r, ord, longs dims, keepDim)

    if ord = 2.0 then
        OpsReduce.norm dims keepDim x
    elif ord = 0.0 then
        Prim.Constant(op, primal, x) // a count: its derivative is 0
    elif ord = 1.0 || Double.IsInfinity ord then
        // Piecewise linear: dy = Σ factor·dx with a constant factor, sign(x) for ord 1, and for
        // ±∞ sign(x) shared by the elements whose |x| is the extreme.
        let factor (x: Tensor) (y: Tensor) : RawTensor =
            let rx = x.Raw()

            guard1 op rx (fun () ->
                let sign = rx.sign ()

                if ord = 1.0 then
                    sign
                else
                    use sign = sign
                    use ab = rx.abs ()
                    use yk = y.Raw().reshape(longs kept)
                    use hits = ab.eq yk
                    use f = hits.to_type rx.dtype
                    use count = f.sum (longs dims, true)
                    use share = f.div count
                    share.mul sign)

        Prim.Lift1(
            op,
            primal,
            (fun x y dx -> OpsReduce.sumDims dims keepDim (Prim.Scale(op, dx, factor x y))),
            (fun x y g -> Prim.Scale(op, OpsShape.reshape kept g, factor x y)),
            x
        )
    else
        // ∂y/∂x = sign(x)·|x|^(ord−1)·y^(1−ord), written with differentiable ops so it nests; 0
        // where it is undefined: where the norm is 0 (ord > 1), where x is 0 (ord < 1).
        let derivative (x: Tensor) (y: Tensor) =
            named op (fun () ->
                let yk = OpsShape.reshape kept y

                let d =
                    Tensor.Mul(Tensor.Mul(Tensor.Sign x, Tensor.PowScalar(Tensor.Abs x, ord - 1.0)), Tensor.PowScalar(yk, 1.0 - ord))

                let zeroAt = if ord < 1.0 then x else yk
                Prim.MaskedZero(op, d, guard1 op (zeroAt.Raw()) (fun () -> zeroAt.Raw().eq(sc 0.0))))

        Prim.Lift1(
            op,
            primal,
            (fun x y dx -> OpsReduce.sumDims dims keepDim (Tensor.Mul(derivative x y, dx))),
            (fun x y g -> Tensor.Mul(OpsShape.reshape kept g, derivative x y)),
            x
        )
