/// Differentiable matrix products. Shapes are checked here, in F#, before LibTorch sees them:
/// TorchSharp's matmul terminates the process on mismatched shapes instead of throwing.
module internal Nabla.OpsLinalg

open System
open TorchSharp
open Nabla.Raw

/// Swaps the last two dims.
let transposeLast (x: Tensor) = OpsShape.transpose -2 -1 x

/// Product of matrices or batches of matrices, (…, n, k) @ (…, k, m), batch dims broadcast (the
/// caller has checked the shapes, dtypes and devices). Computed with mm or bmm: TorchSharp's own
/// matmul wrapper does not catch LibTorch's errors and would terminate the process on bad input.
/// Cotangents: g @ bᵀ and aᵀ @ g, reduced over broadcast batch dims by the lifting.
let rec private matmulNd (a: Tensor) (b: Tensor) : Tensor =
    Prim.Lift2(
        "matmul",
        matmulRaw,
        (fun p da -> matmulNd da p.B),
        (fun p db -> matmulNd p.A db),
        (fun p g -> matmulNd g (transposeLast p.B)),
        (fun p g -> matmulNd (transposeLast p.A) g),
        a,
        b
    )

and private matmulRaw (a: RawTensor) (b: RawTensor) : RawTensor =
    if a.dim () = 2L && b.dim () = 2L then
        a.mm b
    else
        let sa, sb = shape a, shape b

        let batch =
            broadcastShapes "matmul (batch dimensions)" sa[.. sa.Length - 3] sb[.. sb.Length - 3]

        let n, k, m = sa[sa.Length - 2], sa[sa.Length - 1], sb[sb.Length - 1]
        let count = Array.fold (*) 1 batch
        use ea = a.expand (longs (Array.append batch [| n; k |]))
        use eb = b.expand (longs (Array.append batch [| k; m |]))
        use ra = ea.reshape (longs [| count; n; k |])
        use rb = eb.reshape (longs [| count; k; m |])
        use product = ra.bmm rb
        product.reshape (longs (Array.append batch [| n; m |]))

/// Matrix product with PyTorch's rules for 1-D operands (a vector is promoted to a matrix, and the
/// added dimension removed from the result) and broadcast batch dimensions.
let matmul (a: Tensor) (b: Tensor) : Tensor =
    let ab = Prim.Promote("matmul", [| a; b |])
    let a, b = ab[0], ab[1]
    let sa, sb = a.Shape, b.Shape

    let fail why =
        invalidArg "b" $"matmul: cannot multiply shapes {shapeText sa} and {shapeText sb}: {why}."

    if sa.Length = 0 || sb.Length = 0 then
        fail "both operands need at least one dimension (use * for scalars)"

    let k1 = sa[sa.Length - 1]
    let k2 = if sb.Length = 1 then sb[0] else sb[sb.Length - 2]
    let which = if sb.Length = 1 then "size" else "second-to-last dimension"

    if k1 <> k2 then
        fail $"the last dimension of the first ({k1}) must equal the {which} of the second ({k2})"

    if sa.Length > 2 || sb.Length > 2 then
        let batchA = if sa.Length > 2 then sa[.. sa.Length - 3] else [||]
        let batchB = if sb.Length > 2 then sb[.. sb.Length - 3] else [||]
        broadcastShapes "matmul (batch dimensions)" batchA batchB |> ignore

    let a2 =
        if sa.Length = 1 then
            OpsShape.reshape [| 1; sa[0] |] a
        else
            a

    let b2 =
        if sb.Length = 1 then
            OpsShape.reshape [| sb[0]; 1 |] b
        else
            b

    let y = matmulNd a2 b2

    match sa.Length, sb.Length with
    | 1, 1 -> OpsShape.reshape [||] y
    | 1, _ -> let s = y.Shape in OpsShape.reshape (Array.removeAt (s.Length - 2) s) y
    | _, 1 -> let s = y.Shape in OpsShape.reshape s[.. s.Length - 2] y
    | _ -> y

/// x·Wᵀ + b in one LibTorch call (addmm for matrices). x: (…, in), W: (out, in), b: (out).
let rec linear (x: Tensor) (w: Tensor) (bias: Tensor option) : Tensor =
    let promoted =
        Prim.Promote(
            "linear",
            [|
                yield x
                yield w
                match bias with
                | Some b -> yield b
                | None -> ()
            |]
        )

    let x, w, bias =
        promoted[0], promoted[1], (if promoted.Length = 3 then Some promoted[2] else None)

    let sx, sw = x.Shape, w.Shape

    if sw.Length <> 2 || sx.Length = 0 || sx[sx.Length - 1] <> sw[1] then
        invalidArg
            "w"
            $"linear: the input {shapeText sx} needs a weight of shape [out, {(if sx.Length = 0 then 0 else sx[sx.Length - 1])}]; got {shapeText sw}."

    match bias with
    | Some b when b.Shape <> [| sw[0] |] ->
        invalidArg "bias" $"linear: the bias must have shape [{sw[0]}] (one per output); got {shapeText b.Shape}."
    | _ -> ()

    let inputs =
        match bias with
        | Some b -> [| x; w; b |]
        | None -> [| x; w |]

    let primal (rs: RawTensor[]) =
        torch.nn.functional.linear (rs[0], rs[1], (if rs.Length = 3 then rs[2] else null))

    let jvp (ps: Tensor[]) (_: Tensor) (ds: Tensor[]) =
        let terms =
            [
                if not (isNull (box ds[0])) then
                    linear ds[0] ps[1] None
                if not (isNull (box ds[1])) then
                    linear ps[0] ds[1] None
                if ds.Length = 3 && not (isNull (box ds[2])) then
                    ds[2]
            ]

        List.reduce (fun s t -> Tensor.Add(s, t)) terms

    let vjp (i: int) (ps: Tensor[]) (_: Tensor) (g: Tensor) =
        let outFeatures = sw[0]

        match i with
        // g·W: the shapes are known to fit, so the checks of the public matmul are skipped for matrices
        | 0 -> if sx.Length >= 2 then matmulNd g ps[1] else matmul g ps[1]
        | 1 ->
            // the rows of the batch, counted explicitly: -1 cannot be inferred when a size is 0
            let rows = Array.fold (*) 1 sx[.. sx.Length - 2]
            let g2 = OpsShape.reshape [| rows; outFeatures |] g
            let x2 = OpsShape.reshape [| rows; sw[1] |] ps[0]
            matmulNd (transposeLast g2) x2
        | _ ->
            if sx.Length = 1 then
                g
            else
                OpsReduce.sumDims (Array.init (sx.Length - 1) id) false g

    Prim.LiftN("linear", primal, jvp, vjp, inputs)
