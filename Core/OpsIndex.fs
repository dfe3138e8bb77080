/// Functional index assignment (indexPut, maskedFill, scatter, scatterAdd, indexAdd), advanced
/// indexing (index, take, maskedSelect), logic and special values (isnan, nanToNum, ...), and the
/// shape ops beyond OpsShape (repeat, tile, roll, movedim, unflatten, flattenRange, unbind,
/// meshgrid).
///
/// Every assignment is linear in the tensor and the values together: out = Z(x) + S(v), where Z
/// zeroes the written positions (a select, Prim.MaskedZero, so infinities elsewhere stay) and S
/// scatters the values into zeros. Their rules are Z and S (JVP) and Z and Sᵀ, a gather (VJP).
/// For S the JVP uses the *adding* scatter, whose transpose is exactly the gather: with distinct
/// positions it equals the copying one, and with duplicate positions (whose value LibTorch leaves
/// undefined) the derivatives still agree with each other and with PyTorch's backward.
module internal Nabla.OpsIndex

open System
open TorchSharp
open Nabla.Raw

let inline private sc (c: float) = scalar c

let private product (xs: int[]) = Array.fold (*) 1 xs

/// A null argument, named with the op.
let private notNull (op: string) (name: string) (value: obj) =
    if isNull value then
        raise (ArgumentNullException(name, $"{op}: {name} is null."))

// ---------------------------------------------------------------- logic and special values

/// A constant bool tensor from two inputs of any dtype (nonzero is true), with broadcasting.
let logical (op: string) (f: RawTensor -> RawTensor -> RawTensor) (a: Tensor) (b: Tensor) : Tensor =
    let ra, rb = a.Raw(), b.Raw()
    broadcastShapes op (shape ra) (shape rb) |> ignore
    Const(guard2 op ra rb (fun () -> f ra rb))

/// A constant bool tensor computed elementwise from x.
let predicate (op: string) (f: RawTensor -> RawTensor) (x: Tensor) : Tensor = Prim.Constant(op, f, x)

/// NaN, +inf and -inf replaced by finite values (torch.nan_to_num; None: the dtype's largest or
/// lowest finite value). The derivative is 1 where the value was kept and 0 where it was replaced,
/// a select.
let nanToNum (nan: float) (posinf: float option) (neginf: float option) (x: Tensor) : Tensor =
    let r = x.Raw()

    let replaced =
        if x.IsDifferentiated then
            guard1 "nanToNum" r (fun () -> (use finite = r.isfinite () in finite.logical_not ()))
        else
            null

    let rule (_: Tensor) (_: Tensor) (d: Tensor) =
        Prim.MaskedZero("nanToNum", d, replaced)

    Prim.Lift1("nanToNum", (fun r -> r.nan_to_num (nan, Option.toNullable posinf, Option.toNullable neginf)), rule, rule, x)

// ---------------------------------------------------------------- checks shared by the indexing ops

let private isIntegral (d: torch.ScalarType) =
    match d with
    | torch.ScalarType.Int64
    | torch.ScalarType.Int32
    | torch.ScalarType.Int16
    | torch.ScalarType.Int8 -> true
    | _ -> false

/// The smallest and largest value of a non-empty integer tensor.
let private range (op: string) (r: RawTensor) : int64 * int64 =
    guardAny op [| r |] (fun () ->
        // item<T> reads the value directly; ToInt64() would go through a temporary Scalar that the GC
        // may free during the native call.
        use lo = r.min ()
        use hi = r.max ()
        use lo64 = lo.to_type torch.ScalarType.Int64
        use hi64 = hi.to_type torch.ScalarType.Int64
        lo64.item<int64>(), hi64.item<int64>())

/// A bool mask, or an error naming the op.
let private checkMask (op: string) (mask: Tensor) : RawTensor =
    notNull op "mask" (box mask)
    let m = mask.Raw()

    if m.dtype <> torch.ScalarType.Bool then
        invalidArg
            "mask"
            $"{op}: the mask must be a bool tensor; got {describe m}. Build it with a comparison (e.g. x .> 0.0) or Tensor.toDtype Dtype.Bool."

    m

/// An int64 index whose values lie in [0, size) (scatter, gather, indexAdd take no negative
/// positions, as in PyTorch), checked here for a clear message.
let private checkPositions (op: string) (what: string) (index: RawTensor) (dim: int) (size: int) (xs: int[]) =
    if index.numel () > 0L then
        let lo, hi = range op index

        if lo < 0L || hi >= int64 size then
            let bad = if lo < 0L then lo else hi

            let valid =
                if size = 0 then
                    "the dimension is empty, so no position is valid"
                else
                    $"valid: 0 .. {size - 1}"

            raise (
                ArgumentOutOfRangeException(
                    "index",
                    $"{op}: {what} {bad} is out of range for dimension {dim} of size {size} (shape {shapeText xs}); {valid}."
                )
            )

/// Values converted to x's dtype (as PyTorch's in-place assignment converts them): differentiable
/// between floating-point types.
let private asDtypeOf (x: Tensor) (v: Tensor) = OpsElementwise.toDtype x.Dtype v

/// Where advanced indexing `x[i0, i1, ...]` reads or writes: x viewed as [Lead; Rest...], the
/// flat positions (int64, 1-D, in row-major order of the indices' broadcast shape Batch) along
/// that first dimension. The indexed result has shape Batch @ Rest.
type private IndexPlan =
    {
        LeadShape: int[]
        Lead: int
        Rest: int[]
        Batch: int[]
        Flat: RawTensor
    }

    member p.Target = Array.append p.Batch p.Rest
    member p.Rows = product p.Batch

/// The plan for index tensors on the leading dims of a tensor of shape xs: an integer tensor
/// indexes one dimension (negative counts from the end), a bool mask as many as it has (its
/// true positions, in row-major order); all broadcast together, as in PyTorch.
let private plan (op: string) (xs: int[]) (device: torch.Device) (indices: Tensor[]) : IndexPlan =
    notNull op "indices" (box indices)
    let columns = Collections.Generic.List<RawTensor * int>() // (int64 positions, size of the dim)
    let mutable pos = 0

    for k in 0 .. indices.Length - 1 do
        notNull op $"indices[{k}]" (box indices[k])
        let r = indices[k].Raw()

        match r.dtype with
        | torch.ScalarType.Bool ->
            let ms = shape r

            if ms.Length = 0 then
                invalidArg
                    "indices"
                    $"{op}: index {k} is a 0-d bool tensor; a mask must cover at least one dimension (use Tensor.where to choose whole tensors)."

            if pos + ms.Length > xs.Length || ms <> xs[pos .. pos + ms.Length - 1] then
                invalidArg
                    "indices"
                    $"{op}: index {k} is a bool mask of shape {shapeText ms}; it must have the shape of the dimensions {pos} .. {pos + ms.Length - 1} it indexes in the tensor of shape {shapeText xs}."

            let nz = guard1 op r (fun () -> r.nonzero ())

            for j in 0 .. ms.Length - 1 do
                columns.Add(guard1 op nz (fun () -> nz.select (1L, int64 j)), xs[pos + j])

            pos <- pos + ms.Length
        | d when isIntegral d ->
            if pos >= xs.Length then
                raise (
                    ArgumentOutOfRangeException(
                        "indices",
                        $"{op}: too many indices ({indices.Length}) for a tensor of shape {shapeText xs} (rank {xs.Length})."
                    )
                )

            let size = xs[pos]

            let wrapped =
                if r.numel () = 0L then
                    guard1 op r (fun () -> r.to_type torch.ScalarType.Int64)
                else
                    let lo, hi = range op r

                    if lo < -(int64 size) || hi >= int64 size then
                        let bad = if lo < -(int64 size) then lo else hi

                        let valid =
                            if size = 0 then
                                "the dimension is empty, so no index is valid"
                            else
                                $"valid: {-size} .. {size - 1}"

                        raise (
                            ArgumentOutOfRangeException(
                                "indices",
                                $"{op}: index {bad} (in index tensor {k}) is out of range for dimension {pos} of size {size} (shape {shapeText xs}); {valid}."
                            )
                        )

                    guard1 op r (fun () -> (use l = r.to_type torch.ScalarType.Int64 in l.remainder (scalarInt (int64 size))))

            columns.Add(wrapped, size)
            pos <- pos + 1
        | d ->
            let hint =
                if d = torch.ScalarType.Byte then
                    " (uint8 is ambiguous: PyTorch reads it as a deprecated mask; use bool for a mask, int64 for positions)"
                else
                    ""

            invalidArg "indices" $"{op}: index {k} must be an integer (int64, int32, int16, int8) or bool tensor; got {describe r}{hint}."

    let consumed = pos
    let lead = product xs[.. consumed - 1]
    let rest = xs[consumed..]

    let batch =
        let shapes = columns |> Seq.map (fun (c, _) -> shape c) |> Seq.toArray

        try
            shapes |> Array.fold (broadcastShapes op) [||]
        with :? ArgumentException ->
            let all = String.Join(", ", shapes |> Array.map shapeText)
            invalidArg "indices" $"{op}: the index tensors (bool masks as their true positions) must broadcast together; got shapes {all}."

    let flat =
        if columns.Count = 0 then
            Memory.adopt (torch.zeros ([| 1L |], torch.ScalarType.Int64, device))
        else
            let all = columns |> Seq.map fst |> Seq.toArray

            guard op all (fun () ->
                // Σ position_j · stride_j, with stride_j the product of the indexed sizes after j
                let mutable stride = 1L
                let mutable acc: RawTensor = null

                for j in columns.Count - 1 .. -1 .. 0 do
                    let c, size = columns[j]
                    let term = c.mul (scalarInt stride)

                    let next =
                        if isNull acc then
                            term
                        else
                            (use t = term in
                             use a = acc in
                             a.add (t, scalarInt 1L))

                    acc <- next
                    stride <- stride * int64 size

                use a = acc
                use e = a.expand (longs batch)
                e.reshape (-1L))

    {
        LeadShape = xs[.. consumed - 1]
        Lead = lead
        Rest = rest
        Batch = batch
        Flat = flat
    }

// ---------------------------------------------------------------- reading: index, take, maskedSelect

/// x[i0, i1, ...] with integer or bool index tensors on the leading dims (PyTorch's advanced
/// indexing): shape Batch @ Rest; a copy (an index-select, whose transpose adds into zeros).
let index (indices: Tensor[]) (x: Tensor) : Tensor =
    let p = plan "index" x.Shape (x.Raw().device) indices
    let rows = Tensor.Reshape(x, Array.append [| p.Lead |] p.Rest)
    let picked = Prim.IndexSelectAt(rows, 0, p.Flat)
    Tensor.Reshape(picked, p.Target)

/// The elements of x, flattened, at integer positions (negative from the end), in the index's
/// shape (torch.take).
let take (index: Tensor) (x: Tensor) : Tensor =
    notNull "take" "index" (box index)

    if (index.Raw()).dtype = torch.ScalarType.Bool then
        invalidArg "index" $"take: the index must be an integer tensor; got {describe (index.Raw())}. For a mask use Tensor.maskedSelect."

    let n = x.Numel
    let flat = Tensor.Reshape(x, [| n |])
    let p = plan "take" [| n |] (x.Raw().device) [| index |]
    Tensor.Reshape(Prim.IndexSelectAt(flat, 0, p.Flat), p.Batch)

/// The elements of x where the mask is true, as a 1-D tensor in row-major order; mask and x
/// broadcast together (torch.masked_select).
let maskedSelect (mask: Tensor) (x: Tensor) : Tensor =
    let m = checkMask "maskedSelect" mask
    let xs = x.Shape
    let s = broadcastShapes "maskedSelect" (shape m) xs
    let x = if s = xs then x else Tensor.ExpandTo(x, s)

    let m =
        if shape m = s then
            m
        else
            guard1 "maskedSelect" m (fun () -> m.expand (longs s))

    Prim.MaskedSelectAt(x, m)

// ---------------------------------------------------------------- writing: indexPut, maskedFill, scatter, indexAdd

/// The assignment primitive: x with `values` (already x's dtype, broadcast to the plan's target)
/// written (or added, when accumulate) at the plan's positions.
let private put (op: string) (p: IndexPlan) (accumulate: bool) (xs: int[]) (x: Tensor) (values: Tensor) : Tensor =
    let target = p.Target
    let vs = values.Shape
    let lead = target.Length - vs.Length

    if
        lead < 0
        || vs |> Array.mapi (fun i n -> n <> 1 && n <> target[lead + i]) |> Array.exists id
    then
        invalidArg
            "values"
            $"{op}: values of shape {shapeText vs} cannot be broadcast to the indexed shape {shapeText target} (tensor {shapeText xs})."

    let rowsShape = Array.append [| p.Lead |] p.Rest
    let valueRows = Array.append [| p.Rows |] p.Rest
    let flat = p.Flat
    // The written positions, a bool mask broadcast to xs: only needed when x is differentiated.
    let written =
        if accumulate || not x.IsDifferentiated then
            null
        else
            guard1 op flat (fun () ->
                use z = torch.zeros ([| int64 p.Lead |], torch.ScalarType.Bool, flat.device)
                use filled = z.index_fill (0L, flat, scalarBool true)

                use m =
                    filled.reshape (longs (Array.append p.LeadShape (Array.create p.Rest.Length 1)))

                m.expand (longs xs))

    let primal (rx: RawTensor) (rv: RawTensor) =
        use rows = rx.reshape (longs rowsShape)
        use e = rv.expand (longs target)
        use v = e.reshape (longs valueRows)

        use out =
            if accumulate then
                rows.index_add (0L, flat, v, scalar 1.0)
            else
                rows.index_copy (0L, flat, v)

        out.reshape (longs xs)

    let ofX (d: Tensor) =
        if accumulate then d else Prim.MaskedZero(op, d, written)

    let scatterValues (dv: Tensor) =
        let dv =
            if dv.Shape = target then
                dv
            else
                Tensor.ExpandTo(dv, target)

        Tensor.Reshape(Prim.IndexAddInto(Tensor.Reshape(dv, valueRows), rowsShape, 0, flat), xs)

    let gatherValues (g: Tensor) =
        Tensor.Reshape(Prim.IndexSelectAt(Tensor.Reshape(g, rowsShape), 0, flat), target)

    Prim.Lift2(op, primal, (fun _ dx -> ofX dx), (fun _ dv -> scatterValues dv), (fun _ g -> ofX g), (fun _ g -> gatherValues g), x, values)

/// x with values written at x[i0, i1, ...] (PyTorch's index_put with accumulate=false).
let indexPut (indices: Tensor[]) (values: Tensor) (x: Tensor) : Tensor =
    notNull "indexPut" "values" (box values)
    let xs = x.Shape
    let p = plan "indexPut" xs (x.Raw().device) indices
    put "indexPut" p false xs x (asDtypeOf x values)

/// x with values added at x[i0, i1, ...], repeated positions adding up (index_put with accumulate=true).
let indexPutAdd (indices: Tensor[]) (values: Tensor) (x: Tensor) : Tensor =
    notNull "indexPutAdd" "values" (box values)
    let xs = x.Shape
    let p = plan "indexPutAdd" xs (x.Raw().device) indices
    put "indexPutAdd" p true xs x (asDtypeOf x values)

/// x (broadcast with the mask) with `value` where the raw bool mask is true.
let private fill (op: string) (m: RawTensor) (value: float) (x: Tensor) : Tensor =
    let s = broadcastShapes op (shape m) x.Shape

    let primal (r: RawTensor) =
        if shape r = s then
            r.masked_fill (m, sc value)
        else
            (use e = r.expand (longs s) in e.masked_fill (m, sc value))

    Prim.Lift1(op, primal, (fun _ _ dx -> Prim.MaskedZero(op, dx, m)), (fun x _ g -> Prim.MaskedZero(op, g, m) |> Prim.MatchInput x), x)

/// `value` where the bool mask is true, x elsewhere; mask and x broadcast (torch.masked_fill).
let maskedFill (mask: Tensor) (value: float) (x: Tensor) : Tensor =
    fill "maskedFill" (checkMask "maskedFill" mask) value x

/// As maskedFill with a 0-d tensor value (differentiable too), converted to x's dtype.
let maskedFillTensor (mask: Tensor) (value: Tensor) (x: Tensor) : Tensor =
    let m = checkMask "maskedFillTensor" mask
    notNull "maskedFillTensor" "value" (box value)

    if value.Dim <> 0 then
        invalidArg
            "value"
            $"maskedFillTensor: the value must be a 0-d tensor (as in PyTorch); got shape {shapeText value.Shape}. For a tensor of values use Tensor.where."

    broadcastShapes "maskedFillTensor" (shape m) x.Shape |> ignore
    OpsElementwise.where (Const m) (asDtypeOf x value) x

/// Checks of scatter-like ops: an int64 index of x's rank, no larger than src (in every dim)
/// nor than x (outside dim), with positions in [0, size of dim). Returns the normalised dim.
let private checkScatter (op: string) (dim: int) (index: Tensor) (srcShape: int[] option) (x: Tensor) : int * RawTensor =
    notNull op "index" (box index)
    let xs = x.Shape
    let d = normDim op xs.Length dim
    let ri = index.Raw()

    if ri.dtype <> torch.ScalarType.Int64 then
        invalidArg "index" $"{op}: the index must be an int64 tensor; got {describe ri}. Convert it with Tensor.toDtype Dtype.Int64."

    let is = shape ri

    if is.Length <> xs.Length then
        invalidArg "index" $"{op}: the index must have the rank of the tensor; got index {shapeText is} for tensor {shapeText xs}."

    match srcShape with
    | Some ss ->
        if ss.Length <> xs.Length then
            invalidArg "src" $"{op}: the source must have the rank of the tensor; got source {shapeText ss} for tensor {shapeText xs}."

        for i in 0 .. xs.Length - 1 do
            if is[i] > ss[i] then
                invalidArg
                    "index"
                    $"{op}: the index {shapeText is} is larger than the source {shapeText ss} in dimension {i}; it may be at most as large."
    | None -> ()

    for i in 0 .. xs.Length - 1 do
        if i <> d && is[i] > xs[i] then
            invalidArg
                "index"
                $"{op}: the index {shapeText is} is larger than the tensor {shapeText xs} in dimension {i} (only dimension {d}, the one scattered along, may differ)."

    checkPositions op "index" ri d xs[d] xs
    d, ri

/// The leading block of src with the index's shape: only those values are scattered.
let private narrowTo (target: int[]) (src: Tensor) =
    let mutable s = src

    for i in 0 .. target.Length - 1 do
        if s.Shape[i] <> target[i] then
            s <- OpsShape.narrow i 0 target[i] s

    s

/// A bool mask of x's shape, true at the positions a scatter along d with this index writes.
let private scatteredMask (op: string) (xs: int[]) (d: int) (ri: RawTensor) =
    guard1 op ri (fun () ->
        use z = torch.zeros (longs xs, torch.ScalarType.Bool, ri.device)
        use ones = torch.ones_like (ri, torch.ScalarType.Bool)
        z.scatter (int64 d, ri, ones))

/// x with src's values written along dim at the index's positions: for dim 0,
/// out[index[i, j], j] = src[i, j] (torch.scatter). Repeated positions: undefined, as in PyTorch.
let scatter (dim: int) (index: Tensor) (src: Tensor) (x: Tensor) : Tensor =
    notNull "scatter" "src" (box src)
    let d, ri = checkScatter "scatter" dim index (Some src.Shape) x
    let xs = x.Shape
    let src = narrowTo (shape ri) (asDtypeOf x src)

    let written =
        if x.IsDifferentiated then
            scatteredMask "scatter" xs d ri
        else
            null

    Prim.Lift2(
        "scatter",
        (fun rx rs -> rx.scatter (int64 d, ri, rs)),
        (fun _ dx -> Prim.MaskedZero("scatter", dx, written)),
        (fun _ ds -> OpsShape.scatterAddInto xs d ri ds),
        (fun _ g -> Prim.MaskedZero("scatter", g, written)),
        (fun _ g -> OpsShape.gather d ri g),
        x,
        src
    )

/// x with `value` written along dim at the index's positions (torch.scatter with a value).
let scatterValue (dim: int) (index: Tensor) (value: float) (x: Tensor) : Tensor =
    let d, ri = checkScatter "scatterValue" dim index None x
    fill "scatterValue" (scatteredMask "scatterValue" x.Shape d ri) value x

/// x plus src's values added along dim at the index's positions; repeated positions add up
/// (torch.scatter_add).
let scatterAdd (dim: int) (index: Tensor) (src: Tensor) (x: Tensor) : Tensor =
    notNull "scatterAdd" "src" (box src)
    let d, ri = checkScatter "scatterAdd" dim index (Some src.Shape) x
    let xs = x.Shape
    let src = narrowTo (shape ri) (asDtypeOf x src)

    Prim.Lift2(
        "scatterAdd",
        (fun rx rs -> rx.scatter_add (int64 d, ri, rs)),
        (fun _ dx -> dx),
        (fun _ ds -> OpsShape.scatterAddInto xs d ri ds),
        (fun _ g -> g),
        (fun _ g -> OpsShape.gather d ri g),
        x,
        src
    )

/// x plus the slices of `source` added along dim at the positions of a 1-D integer index
/// (torch.index_add); source has x's shape except index.numel slices along dim.
let indexAdd (dim: int) (index: Tensor) (source: Tensor) (x: Tensor) : Tensor =
    notNull "indexAdd" "index" (box index)
    notNull "indexAdd" "source" (box source)
    let xs = x.Shape
    let d = normDim "indexAdd" xs.Length dim
    let ri0 = index.Raw()

    if not (ri0.dtype = torch.ScalarType.Int64 || ri0.dtype = torch.ScalarType.Int32) then
        invalidArg "index" $"indexAdd: the index must be an int64 or int32 tensor; got {describe ri0}."

    if ri0.dim () > 1L then
        invalidArg "index" $"indexAdd: the index must be 1-D; got {describe ri0}."

    let n = int (ri0.numel ())
    let expected = Array.updateAt d n xs
    let ss = source.Shape

    if ss <> expected then
        invalidArg
            "source"
            $"indexAdd: the source must have shape {shapeText expected} (the tensor's {shapeText xs} with {n} slices, one per index, along dimension {d}); got {shapeText ss}."

    checkPositions "indexAdd" "index" ri0 d xs[d] xs

    let ri =
        guard1 "indexAdd" ri0 (fun () -> ri0.reshape(-1L).to_type torch.ScalarType.Int64)

    let source = asDtypeOf x source

    Prim.Lift2(
        "indexAdd",
        (fun rx rs -> rx.index_add (int64 d, ri, rs, sc 1.0)),
        (fun _ dx -> dx),
        (fun _ ds -> Prim.IndexAddInto(ds, xs, d, ri)),
        (fun _ g -> g),
        (fun _ g -> Prim.IndexSelectAt(g, d, ri)),
        x,
        source
    )

// ---------------------------------------------------------------- shape ops

/// x repeated along each dimension (torch.Tensor.repeat): repeats has at least x's rank, extra
/// leading entries add dimensions. Its transpose sums the copies.
let rec repeat (repeats: int[]) (x: Tensor) : Tensor =
    notNull "repeat" "repeats" (box repeats)
    let s = x.Shape

    if repeats.Length < s.Length then
        invalidArg
            "repeats"
            $"repeat: {repeats.Length} repeat counts for a tensor of rank {s.Length} (shape {shapeText s}); give at least one per dimension (Tensor.tile pads with ones)."

    if repeats |> Array.exists (fun r -> r < 0) then
        invalidArg "repeats" $"repeat: the repeat counts must be non-negative; got {shapeText repeats}."

    if repeats.Length = s.Length && repeats |> Array.forall (fun r -> r = 1) then
        x
    else
        let padded = Array.append (Array.create (repeats.Length - s.Length) 1) s

        let sumCopies (g: Tensor) =
            // [r0·p0, r1·p1, ...] → [r0, p0, r1, p1, ...], summed over the r's
            let split =
                Array.init (2 * padded.Length) (fun i -> if i % 2 = 0 then repeats[i / 2] else padded[i / 2])

            let summed =
                OpsReduce.sumDims (Array.init padded.Length (fun i -> 2 * i)) false (Tensor.Reshape(g, split))

            Tensor.Reshape(summed, s)

        Prim.Lift1("repeat", (fun r -> r.repeat (longs repeats)), (fun _ _ dx -> repeat repeats dx), (fun _ _ g -> sumCopies g), x)

/// x repeated along each dimension (torch.tile): reps shorter than the rank are padded with
/// leading ones, longer ones add leading dimensions.
let tile (reps: int[]) (x: Tensor) : Tensor =
    notNull "tile" "reps" (box reps)

    if reps |> Array.exists (fun r -> r < 0) then
        invalidArg "reps" $"tile: the repetitions must be non-negative; got {shapeText reps}."

    let rank = x.Dim

    let reps =
        if reps.Length < rank then
            Array.append (Array.create (rank - reps.Length) 1) reps
        else
            reps

    repeat reps x

/// x shifted cyclically by shifts[i] along dims[i] (torch.roll; positive shifts move elements to
/// higher positions). Without dims, the flattened tensor is rolled by the one shift. Its
/// transpose rolls back.
let rec roll (shifts: int[]) (dims: int[]) (x: Tensor) : Tensor =
    notNull "roll" "shifts" (box shifts)
    notNull "roll" "dims" (box dims)
    let s = x.Shape

    if dims.Length = 0 then
        if shifts.Length <> 1 then
            invalidArg "shifts" $"roll: without dims the flattened tensor is rolled, so give exactly one shift; got {shapeText shifts}."

        Tensor.Reshape(roll shifts [| 0 |] (Tensor.Reshape(x, [| x.Numel |])), s)
    else
        if shifts.Length <> dims.Length then
            invalidArg
                "shifts"
                $"roll: {shifts.Length} shifts for {dims.Length} dims ({shapeText shifts} and {shapeText dims}); give one shift per dimension."

        let dims = dims |> Array.map (normDim "roll" s.Length)
        let back = shifts |> Array.map (fun k -> -k)

        Prim.Lift1(
            "roll",
            (fun r -> r.roll (longs shifts, longs dims)),
            (fun _ _ dx -> roll shifts dims dx),
            (fun _ _ g -> roll back dims g),
            x
        )

/// The dimensions `source` moved to the positions `destination`, the others keeping their order
/// (torch.movedim): a permutation.
let movedim (source: int[]) (destination: int[]) (x: Tensor) : Tensor =
    notNull "movedim" "source" (box source)
    notNull "movedim" "destination" (box destination)
    let rank = x.Dim

    if source.Length <> destination.Length then
        invalidArg
            "destination"
            $"movedim: {source.Length} source dims and {destination.Length} destinations ({shapeText source} and {shapeText destination}); give one destination per source."

    let src = source |> Array.map (normDim "movedim" rank)
    let dst = destination |> Array.map (normDim "movedim" rank)

    if (Array.distinct src).Length <> src.Length then
        invalidArg "source" $"movedim: the source dims {shapeText source} repeat a dimension."

    if (Array.distinct dst).Length <> dst.Length then
        invalidArg "destination" $"movedim: the destinations {shapeText destination} repeat a dimension."

    let perm = Array.create rank -1
    Array.iter2 (fun s d -> perm[d] <- s) src dst

    let others =
        [|
            for i in 0 .. rank - 1 do
                if not (Array.contains i src) then
                    i
        |]

    let mutable k = 0

    for i in 0 .. rank - 1 do
        if perm[i] < 0 then
            perm[i] <- others[k]
            k <- k + 1

    if perm = Array.init rank id then
        x
    else
        OpsShape.permute perm x

/// Dimension dim split into several of the given sizes (one may be -1) (torch.unflatten).
let unflatten (dim: int) (sizes: int[]) (x: Tensor) : Tensor =
    notNull "unflatten" "sizes" (box sizes)
    let s = x.Shape
    let d = normDim "unflatten" s.Length dim

    if sizes.Length = 0 then
        invalidArg "sizes" "unflatten: the sizes must not be empty."

    let unknown = sizes |> Array.filter (fun n -> n = -1) |> Array.length
    let known = sizes |> Array.filter (fun n -> n <> -1) |> product

    let bad () =
        invalidArg
            "sizes"
            $"unflatten: sizes {shapeText sizes} do not split dimension {d} of size {s[d]} (shape {shapeText s}); their product must be {s[d]} (one size may be -1)."

    if unknown > 1 || sizes |> Array.exists (fun n -> n < -1) then
        bad ()

    let sizes =
        if unknown = 1 then
            if known = 0 || s[d] % known <> 0 then
                bad ()

            sizes |> Array.map (fun n -> if n = -1 then s[d] / known else n)
        else
            if known <> s[d] then
                bad ()

            sizes

    Tensor.Reshape(x, Array.concat [ s[.. d - 1]; sizes; s[d + 1 ..] ])

/// The dimensions startDim .. endDim (both included) merged into one (torch.flatten(x, start, end));
/// a 0-d tensor becomes [1].
let flattenRange (startDim: int) (endDim: int) (x: Tensor) : Tensor =
    let s = x.Shape

    if s.Length = 0 then
        normDim "flattenRange" 1 startDim |> ignore
        normDim "flattenRange" 1 endDim |> ignore
        Tensor.Reshape(x, [| 1 |])
    else
        let a = normDim "flattenRange" s.Length startDim
        let b = normDim "flattenRange" s.Length endDim

        if a > b then
            invalidArg
                "startDim"
                $"flattenRange: the start dimension {startDim} comes after the end dimension {endDim} (tensor of rank {s.Length})."

        let target = Array.concat [ s[.. a - 1]; [| product s[a..b] |]; s[b + 1 ..] ]
        if target = s then x else Tensor.Reshape(x, target)

/// The slices along dim, which is removed from each (torch.unbind); views.
let unbind (dim: int) (x: Tensor) : Tensor[] =
    let s = x.Shape
    let d = normDim "unbind" s.Length dim
    Array.init s[d] (fun i -> Tensor.SelectAt(x, d, i))

/// Coordinate grids from 0-d or 1-D tensors (torch.meshgrid): with "ij" output i varies along
/// dimension i, shape [n0, n1, ...]; with "xy" (NumPy's default) the first two dims are swapped,
/// shape [n1, n0, ...]. Broadcast views; the inputs are promoted to one dtype.
let meshgrid (xs: Tensor seq) (indexing: string) : Tensor[] =
    notNull "meshgrid" "xs" (box xs)
    let xs = Seq.toArray xs

    if indexing <> "ij" && indexing <> "xy" then
        invalidArg "indexing" $"meshgrid: indexing must be \"ij\" (matrix) or \"xy\" (Cartesian); got \"{indexing}\"."

    if xs.Length = 0 then
        invalidArg "xs" "meshgrid: needs at least one tensor."

    xs
    |> Array.iteri (fun i x ->
        notNull "meshgrid" "xs" (box x)

        if x.Dim > 1 then
            invalidArg "xs" $"meshgrid: every tensor must be 0-d or 1-D; tensor {i} has shape {shapeText x.Shape}.")

    let xs = Prim.Promote("meshgrid", xs)
    let n = xs.Length
    let sizes = xs |> Array.map (fun x -> x.Numel)
    // the output dimension along which input i varies
    let axis i =
        if indexing = "xy" && n >= 2 && i < 2 then 1 - i else i

    let shape =
        Array.init n (fun k -> sizes[Array.findIndex (fun i -> axis i = k) [| 0 .. n - 1 |]])

    xs
    |> Array.mapi (fun i x ->
        let column = Array.init n (fun k -> if k = axis i then sizes[i] else 1)
        let c = if x.Shape = column then x else Tensor.Reshape(x, column)
        if column = shape then c else Tensor.ExpandTo(c, shape))
