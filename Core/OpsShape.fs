/// Differentiable shape and indexing primitives. All are linear, so each rule is the op itself
/// (JVP) and its transpose (VJP): reshape ↔ reshape back, slice ↔ slice-scatter, pad ↔ narrow,
/// gather ↔ scatter-add, indexSelect ↔ indexAdd, cat ↔ narrow. The indexing views themselves
/// (select, slice, index-select) are in Core.fs, because the indexers need them.
module internal Nabla.OpsShape

open System
open TorchSharp
open Nabla.Raw

/// Resolves a negative dimension index against a rank, or fails naming the op.
let normDim (op: string) (rank: int) (dim: int) = Raw.normDim op rank dim

/// The target shape with one -1 resolved, checked against the number of elements.
let resolveShape (op: string) (from: int[]) (target: int[]) =
    let n = Array.fold (*) 1 from
    let known = target |> Array.filter (fun d -> d <> -1) |> Array.fold (*) 1
    let unknowns = target |> Array.filter (fun d -> d = -1) |> Array.length

    let bad () =
        invalidArg "shape" $"{op}: cannot reshape {shapeText from} ({n} elements) to {shapeText target}."

    if unknowns > 1 || (target |> Array.exists (fun d -> d < -1)) then
        bad ()

    if unknowns = 1 then
        if known = 0 || n % known <> 0 then
            bad ()

        target |> Array.map (fun d -> if d = -1 then n / known else d)
    else
        if known <> n then
            bad ()

        target

let reshape (shape: int[]) (x: Tensor) : Tensor =
    let from = x.Shape
    let shape = resolveShape "reshape" from shape
    if shape = from then x else Tensor.Reshape(x, shape)

/// Like reshape, but fails instead of copying when the memory layout does not allow a view.
let rec view (shape: int[]) (x: Tensor) : Tensor =
    let shape = resolveShape "view" x.Shape shape

    Prim.Lift1(
        "view",
        (fun r -> r.view (longs shape)),
        (fun _ _ dx -> Tensor.Reshape(dx, shape)),
        (fun x _ g -> Tensor.Reshape(g, x.Shape)),
        x
    )

let rec transpose (dim0: int) (dim1: int) (x: Tensor) : Tensor =
    let rank = x.Dim
    let d0, d1 = normDim "transpose" rank dim0, normDim "transpose" rank dim1

    Prim.Lift1(
        "transpose",
        (fun r -> r.transpose (int64 d0, int64 d1)),
        (fun _ _ dx -> transpose d0 d1 dx),
        (fun _ _ g -> transpose d0 d1 g),
        x
    )

let rec permute (perm: int[]) (x: Tensor) : Tensor =
    let rank = x.Dim
    let perm = perm |> Array.map (normDim "permute" rank)

    if perm.Length <> rank || (Array.distinct perm).Length <> rank then
        invalidArg "perm" $"permute: {shapeText perm} is not a permutation of the {rank} dimensions of {shapeText x.Shape}."

    let inverse = Array.zeroCreate rank
    perm |> Array.iteri (fun i p -> inverse[p] <- i)
    Prim.Lift1("permute", (fun r -> r.permute (longs perm)), (fun _ _ dx -> permute perm dx), (fun _ _ g -> permute inverse g), x)

let expand (shape: int[]) (x: Tensor) : Tensor =
    let xs = x.Shape
    let lead = shape.Length - xs.Length

    if lead < 0 then
        invalidArg "shape" $"expand: cannot expand {shapeText xs} to the smaller rank {shapeText shape}."

    let target =
        shape |> Array.mapi (fun i d -> if d = -1 && i >= lead then xs[i - lead] else d)

    broadcastShapes "expand" xs target |> ignore

    if
        target
        |> Array.mapi (fun i d -> i >= lead && xs[i - lead] <> 1 && xs[i - lead] <> d)
        |> Array.exists id
    then
        invalidArg "shape" $"expand: cannot expand {shapeText xs} to {shapeText shape}: only size-1 dimensions can grow."

    Tensor.ExpandTo(x, target)

/// Reverses the order of the elements along `dims`; its own transpose.
let rec flip (dims: int[]) (x: Tensor) : Tensor =
    let rank = x.Dim
    let dims = dims |> Array.map (normDim "flip" rank) |> Array.distinct

    if dims.Length = 0 then
        x
    else
        Prim.Lift1("flip", (fun r -> r.flip (longs dims)), (fun _ _ dx -> flip dims dx), (fun _ _ g -> flip dims g), x)

/// Constant padding: `pads` holds (before, after) for each of the last pads.Length dimensions,
/// first dimension first (note: PyTorch's F.pad lists the last dimension first), filled with
/// `value` (which may be infinite: the padding is written, not added).
let rec padConstant (pads: (int * int)[]) (value: float) (x: Tensor) : Tensor =
    let rank = x.Dim

    if pads.Length > rank then
        invalidArg
            "pads"
            $"pad: {pads.Length} (before, after) pairs for a tensor of rank {rank} ({shapeText x.Shape}); give at most one pair per dimension."

    if pads |> Array.exists (fun (a, b) -> a < 0 || b < 0) then
        invalidArg "pads" $"pad: padding sizes must be non-negative; got {pads}."
    // LibTorch wants the last dimension first.
    let torchPads =
        pads |> Array.rev |> Array.collect (fun (a, b) -> [| int64 a; int64 b |])

    Prim.Lift1(
        "pad",
        (fun r -> torch.nn.functional.pad (r, torchPads, PaddingModes.Constant, value)),
        (fun _ _ dx -> padConstant pads 0.0 dx),
        (fun x _ g ->
            let s = x.Shape
            let mutable g = g

            for i in 0 .. pads.Length - 1 do
                let dim = rank - pads.Length + i
                g <- narrow dim (fst pads[i]) s[dim] g

            g),
        x
    )

and narrow (dim: int) (start: int) (length: int) (x: Tensor) : Tensor =
    let s = x.Shape
    let dim = normDim "narrow" s.Length dim

    if start < 0 || length < 0 || start + length > s[dim] then
        raise (
            ArgumentOutOfRangeException(
                "start",
                $"narrow: elements {start} .. {start + length - 1} of dimension {dim} are outside the shape {shapeText s}."
            )
        )

    if start = 0 && length = s[dim] then
        x
    else
        Tensor.SliceAt(x, dim, start, start + length, 1)

/// Joins tensors along an existing dimension.
let rec cat (dim: int) (xs: Tensor[]) : Tensor =
    if xs.Length = 0 then
        invalidArg "xs" "cat: needs at least one tensor."

    let xs = Prim.Promote("cat", xs)
    let shapes = xs |> Array.map (fun x -> x.Shape)
    let rank = shapes[0].Length
    let dim = normDim "cat" rank dim

    for s in shapes do
        if
            s.Length <> rank
            || (s |> Array.mapi (fun i d -> i <> dim && d <> shapes[0][i]) |> Array.exists id)
        then
            let all = String.Join(", ", shapes |> Array.map shapeText)
            invalidArg "xs" $"cat: along dimension {dim}, all shapes must match except in that dimension; got {all}."

    let offsets = shapes |> Array.scan (fun acc s -> acc + s[dim]) 0

    Prim.LiftN(
        "cat",
        (fun rs -> torch.cat (rs, int64 dim)),
        (fun ps _ dxs ->
            cat
                dim
                (Array.init ps.Length (fun i ->
                    if isNull (box dxs[i]) then
                        Const(zerosLike (ps[i].Raw()))
                    else
                        dxs[i]))),
        (fun i _ _ g -> narrow dim offsets.[i] shapes.[i].[dim] g),
        xs
    )

/// Sums `src` into a zero tensor of `shape` at `index` along `dim` (the transpose of gather).
let rec scatterAddInto (shape: int[]) (dim: int) (index: RawTensor) (src: Tensor) : Tensor =
    Prim.Lift1(
        "scatterAdd",
        (fun r ->
            use z = torch.zeros (longs shape, r.dtype, r.device)
            z.scatter_add (int64 dim, index, r)),
        (fun _ _ d -> scatterAddInto shape dim index d),
        (fun _ _ g -> gather dim index g),
        src
    )

/// Picks values along `dim` at `index` (an int64 tensor of the output's shape).
and gather (dim: int) (index: RawTensor) (x: Tensor) : Tensor =
    let dim = normDim "gather" x.Dim dim

    if index.dtype <> torch.ScalarType.Int64 then
        invalidArg "index" $"gather: the index must be an int64 tensor; got {describe index}. Convert it with Tensor.toDtype Dtype.Int64."

    Prim.Lift1(
        "gather",
        (fun r -> r.gather (int64 dim, index)),
        (fun _ _ dx -> gather dim index dx),
        (fun x _ g -> scatterAddInto x.Shape dim index g),
        x
    )

/// Selects whole slices along `dim` at the positions in the 1-D integer `index`.
let indexSelect (dim: int) (index: RawTensor) (x: Tensor) : Tensor =
    let dim = normDim "indexSelect" x.Dim dim

    if index.dtype <> torch.ScalarType.Int64 && index.dtype <> torch.ScalarType.Int32 then
        invalidArg "index" $"indexSelect: the index must be an int64 or int32 tensor; got {describe index}."

    if index.dim () > 1L then
        invalidArg "index" $"indexSelect: the index must be 1-D; got {describe index}."

    Prim.IndexSelectAt(x, dim, index)

/// The diagonal `offset` of the last two dims (0 the main one, > 0 above it), the two dims
/// replaced by one at the end; a view. Its transpose writes a vector onto a diagonal of zeros.
let rec diagonal (offset: int) (x: Tensor) : Tensor =
    let rank = x.Dim

    if rank < 2 then
        invalidArg "x" $"diagonal: the tensor must have at least 2 dimensions; got shape {shapeText x.Shape}."

    Prim.Lift1(
        "diagonal",
        (fun r -> r.diagonal (int64 offset, int64 (rank - 2), int64 (rank - 1))),
        (fun _ _ dx -> diagonal offset dx),
        (fun x _ g -> diagonalScatter offset x.Shape g),
        x
    )

/// Zeros of `shape` with `src` on the diagonal `offset` of the last two dims.
and diagonalScatter (offset: int) (shape: int[]) (src: Tensor) : Tensor =
    let rank = shape.Length

    Prim.Lift1(
        "diagonal",
        (fun r ->
            use z = torch.zeros (longs shape, r.dtype, r.device)
            torch.diagonal_scatter (z, r, int64 offset, int64 (rank - 2), int64 (rank - 1))),
        (fun _ _ d -> diagonalScatter offset shape d),
        (fun _ _ g -> diagonal offset g),
        src
    )

/// Square matrices with the last dim of x on their diagonal `offset` (torch.diag_embed).
let diagEmbed (offset: int) (x: Tensor) : Tensor =
    let s = x.Shape

    if s.Length < 1 then
        invalidArg "x" $"diagEmbed: the tensor must have at least 1 dimension; got shape {shapeText s}."

    let m = s[s.Length - 1] + abs offset
    diagonalScatter offset (Array.append s[.. s.Length - 2] [| m; m |]) x

/// The lower (or upper) triangle of the last two dims from diagonal k, zeros elsewhere. A
/// projection, so it is its own JVP and VJP; zeros are written, so infinities stay where they are.
let rec triangle (op: string) (lower: bool) (k: int) (x: Tensor) : Tensor =
    if x.Dim < 2 then
        invalidArg "x" $"{op}: the tensor must have at least 2 dimensions; got shape {shapeText x.Shape}."

    let rule (_: Tensor) (_: Tensor) (d: Tensor) = triangle op lower k d
    Prim.Lift1(op, (fun r -> if lower then r.tril (int64 k) else r.triu (int64 k)), rule, rule, x)
