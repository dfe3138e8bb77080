namespace Nabla

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open System.Threading
open TorchSharp
open Nabla.Raw

/// Tags name the transform calls in progress: each call takes a fresh one, larger than all before
/// it (atomically: transforms may run on several threads), and it is active until the call returns.
module internal Tags =

    /// The tag of PyTorch-style autograd (requires-grad leaves, Backward, .Grad): lower than every
    /// transform's, and always active. Values recorded for Backward are reverse-mode nodes of this
    /// tag, so a transform around or inside imperative code is one more nesting level.
    [<Literal>]
    let Imperative = 1L

    let mutable private last = Imperative

    let private active =
        System.Collections.Concurrent.ConcurrentDictionary<int64, byte>()

    /// Runs f with a fresh tag that is active while f runs.
    let run (f: int64 -> 'T) : 'T =
        let tag = Interlocked.Increment &last
        active[tag] <- 0uy

        try
            f tag
        finally
            active.TryRemove tag |> ignore

    /// False once the transform that owns the tag has returned.
    let isActive (tag: int64) =
        tag = Imperative || active.ContainsKey tag

/// The number of in-place updates of requires-grad leaves so far (the clock of PyTorch-style
/// version checks).
module internal InPlaceUpdates =
    let mutable count = 0L

/// An immutable tensor value that can be differentiated, forward and reverse, to any order.
///
/// One of three cases (the DiffSharp design, proven for nested AD over LibTorch):
/// a constant LibTorch tensor; a forward-mode dual number (primal, tangent, tag); or a
/// reverse-mode node (primal, graph node, tag). Primals are Tensors themselves, so
/// derivatives nest. Each transform call takes a fresh tag; when an op meets operands of
/// different tags, the higher tag is active and lower-tagged operands are constants at that
/// level, which is what rules out perturbation confusion.
///
/// Members that C# must see (factories, indexers) and the primitives behind F#'s operators
/// (`+ - * / **`, `exp x`, `sin x`, ...) are intrinsic: they are written here, in the type's own
/// file, because F# resolves operators only from such members and C# cannot see F# type
/// extensions. Every other primitive lives in an Ops*.fs file.
[<NoEquality; NoComparison; StructuredFormatDisplay("{Display}")>]
type Tensor =
    internal
    | Const of raw: RawTensor
    | Dual of primal: Tensor * tangent: Tensor * tag: int64
    | Node of primal: Tensor * node: GraphNode * tag: int64

    // ---------------------------------------------------------------- what a tensor is

    /// 0 for a constant, else the tag of the transform that made this level.
    member internal t.Level =
        match t with
        | Const _ -> 0L
        | Dual(_, _, g)
        | Node(_, _, g) -> g

    /// This tensor with its outermost level of differentiation removed.
    member internal t.PrimalOneLevel =
        match t with
        | Const _ -> t
        | Dual(p, _, _)
        | Node(p, _, _) -> p

    /// The size of each dimension.
    member t.Shape: int[] = shape (Prim.RawOf t)

    /// The number of dimensions.
    member t.Dim = int ((Prim.RawOf t).dim())

    /// The number of elements.
    member t.Numel = int ((Prim.RawOf t).numel())

    /// The element type.
    member t.Dtype = ofScalarType (Prim.RawOf t).dtype

    /// The device the values live on.
    member t.Device = ofTorchDevice (Prim.RawOf t).device

    /// True when this value is being differentiated by an enclosing transform (forward or reverse).
    member t.IsDifferentiated =
        match t with
        | Const _ -> false
        | _ -> true

    /// The value as a float (the tensor must have exactly one element).
    member t.ToScalar() : float =
        let r = Prim.RawOf t

        if r.numel () <> 1L then
            invalidOp
                $"toScalar: the tensor has shape {shapeText t.Shape} ({r.numel ()} elements); only a one-element tensor converts to a scalar. Index it or reduce it (sum, mean) first."

        toFloat r

    /// The values, flattened in row-major order, as float.
    member t.ToArray() : float[] = toFloatArray (Prim.RawOf t)

    /// The values, flattened in row-major order, converted to 'T (float, float32, int, int64, int16,
    /// byte, sbyte, bool or System.Half): `t.ToArray<int64>()` (also Tensor.toArrayOf).
    member t.ToArray<'T>() : 'T[] = toArrayOf<'T> "ToArray" (Prim.RawOf t)

    /// PyTorch-style text of the value, with a note when it is being differentiated.
    override t.ToString() =
        let notes =
            match t with
            | Const _ -> []
            | Dual(_, _, g) -> [ $"forward-mode tag={g}" ]
            | Node(_, n, g) when g = Tags.Imperative ->
                [
                    (if n.IsLeaf then
                         "requires_grad=True"
                     else
                         $"grad_fn=<{n.Op}>")
                ]
            | Node(_, _, g) -> [ $"reverse-mode tag={g}" ]

        let r = Prim.Innermost t

        if r.IsInvalid then
            "tensor(<freed>)"
        else
            Format.tensor r notes

    /// Used by F# Interactive and `%A`.
    [<ComponentModel.EditorBrowsable(ComponentModel.EditorBrowsableState.Never)>]
    member t.Display = t.ToString()

    // ---------------------------------------------------------------- factories (PyTorch style, optional dtype and device)

    /// A tensor from any nested data: a number, an array (of any rank), lists of lists, a sequence.
    /// The dtype follows the .NET element type (float → float64, float32 → float32, int → int32,
    /// int64 → int64, bool → bool) unless `dtype` is given. Omitted arguments: as PyTorch.
    static member Create(data: obj, [<Optional>] dtype: Dtype, [<Optional>] device: Device) : Tensor =
        let r = ofNested "create" data (Prim.DeviceOr device)

        match box dtype with
        | null -> Const r
        | _ when toScalarType dtype = r.dtype -> Const r
        | _ -> Const(guard1 "create" r (fun () -> r.to_type (toScalarType dtype)))

    /// A tensor of the given shape filled with zeros (float32 unless `dtype` is given).
    static member Zeros(shape: int[], [<Optional>] dtype: Dtype, [<Optional>] device: Device) =
        Const(Raw.zerosFor "zeros" shape (Prim.DtypeOr dtype) (Prim.DeviceOr device))

    /// A tensor of the given shape filled with ones (float32 unless `dtype` is given).
    static member Ones(shape: int[], [<Optional>] dtype: Dtype, [<Optional>] device: Device) =
        Const(Raw.onesFor "ones" shape (Prim.DtypeOr dtype) (Prim.DeviceOr device))

    /// A tensor of the given shape filled with `value` (float32 unless `dtype` is given).
    static member Full(shape: int[], value: float, [<Optional>] dtype: Dtype, [<Optional>] device: Device) =
        Const(Raw.fullFor "full" shape value (Prim.DtypeOr dtype) (Prim.DeviceOr device))

    /// The n×n identity matrix (float32 unless `dtype` is given).
    static member Eye(n: int, [<Optional>] dtype: Dtype, [<Optional>] device: Device) =
        if n < 0 then
            invalidArg "n" $"eye: the size must be non-negative; got {n}."

        Const(Raw.createFor "eye" (Prim.DeviceOr device) (fun d -> torch.eye (int64 n, int64 n, toScalarType (Prim.DtypeOr dtype), d)))

    /// Values from `start` (inclusive) to `stop` (exclusive) in steps of `step` (default 1; float32
    /// unless `dtype` is given).
    static member Arange
        (
            start: float,
            stop: float,
            [<Optional; DefaultParameterValue(1.0)>] step: float,
            [<Optional>] dtype: Dtype,
            [<Optional>] device: Device
        ) =
        let dtype = Prim.DtypeOr dtype

        if
            step = 0.0
            || Double.IsNaN step
            || (stop - start) * step < 0.0 && stop <> start
            || not (Double.IsFinite start && Double.IsFinite stop)
        then
            invalidArg
                "step"
                $"arange: the step {step} does not lead from {start} to {stop} (all three must be finite, the step non-zero and pointing from start to stop)."
        // LibTorch steps integer ranges by the step converted to the dtype: 0.5 becomes 0, which
        // it would divide by (a hardware exception that ends the process).
        if not dtype.IsFloatingPoint && truncate step = 0.0 then
            invalidArg "step" $"arange: the step {step} is 0 in dtype {dtype}; give an integer step, or a floating-point dtype."

        Const(
            Raw.createFor "arange" (Prim.DeviceOr device) (fun d ->
                torch.arange (scalar start, scalar stop, scalar step, toScalarType dtype, d))
        )

    /// `steps` values evenly spaced from `start` to `stop`, both included (float32 unless `dtype` is given).
    static member Linspace(start: float, stop: float, steps: int, [<Optional>] dtype: Dtype, [<Optional>] device: Device) =
        if steps < 0 then
            invalidArg "steps" $"linspace: steps must be non-negative; got {steps}."

        if not (Double.IsFinite start && Double.IsFinite stop) then
            invalidArg "start" $"linspace: start and stop must be finite; got {start} and {stop}."

        Const(
            Raw.createFor "linspace" (Prim.DeviceOr device) (fun d ->
                torch.linspace (start, stop, int64 steps, toScalarType (Prim.DtypeOr dtype), d))
        )

    /// Uniform random values in [0, 1) (float32 unless `dtype` is given), from the global
    /// generator unless one is given.
    static member Rand(shape: int[], [<Optional>] dtype: Dtype, [<Optional>] device: Device, [<Optional>] generator: Generator) =
        let dtype = Prim.RandomDtype("rand", dtype)
        let g = if isNull (box generator) then null else generator.Torch
        Const(Raw.createFor "rand" (Prim.DeviceOr device) (fun d -> torch.rand (shape64For "rand" shape, toScalarType dtype, d, false, g)))

    /// Standard normal random values (float32 unless `dtype` is given), from the global generator
    /// unless one is given.
    static member Randn(shape: int[], [<Optional>] dtype: Dtype, [<Optional>] device: Device, [<Optional>] generator: Generator) =
        let dtype = Prim.RandomDtype("randn", dtype)
        let g = if isNull (box generator) then null else generator.Torch

        Const(
            Raw.createFor "randn" (Prim.DeviceOr device) (fun d -> torch.randn (shape64For "randn" shape, toScalarType dtype, d, false, g))
        )

    /// Random integers uniform in [low, high) (int64 unless `dtype` is given, as torch.randint),
    /// from the global generator unless one is given. The dtype must hold every value exactly.
    static member Randint
        (low: int64, high: int64, shape: int[], [<Optional>] dtype: Dtype, [<Optional>] device: Device, [<Optional>] generator: Generator)
        =
        let dtype = if isNull (box dtype) then Dtype.Int64 else dtype
        Const(Raw.randint "Tensor.randint" low high shape dtype (Prim.DeviceOr device) (Raw.torchGenerator generator))

    /// A random permutation of 0 .. n-1 (int64 unless `dtype` is given, as torch.randperm), from
    /// the global generator unless one is given.
    static member Randperm(n: int, [<Optional>] dtype: Dtype, [<Optional>] device: Device, [<Optional>] generator: Generator) =
        let dtype = if isNull (box dtype) then Dtype.Int64 else dtype
        Const(Raw.randperm "Tensor.randperm" (int64 n) dtype (Prim.DeviceOr device) (Raw.torchGenerator generator))

    /// Normal random values with the given mean and standard deviation (≥ 0; float32 unless
    /// `dtype` is given), from the global generator unless one is given.
    static member Normal
        (mean: float, std: float, shape: int[], [<Optional>] dtype: Dtype, [<Optional>] device: Device, [<Optional>] generator: Generator)
        =
        Const(Raw.normal "Tensor.normal" mean std shape (Prim.DtypeOr dtype) (Prim.DeviceOr device) (Raw.torchGenerator generator))

    /// Normal random values with elementwise means and standard deviations (floating-point tensors
    /// that broadcast; every std ≥ 0), as torch.normal(mean, std). A constant: PyTorch defines its
    /// derivative as zero (for a differentiable sample, use mean + std * randn).
    static member Normal(mean: Tensor, std: Tensor, [<Optional>] generator: Generator) =
        Const(Raw.normalTensors "Tensor.normal" (Prim.RawOf mean) (Prim.RawOf std) (Raw.torchGenerator generator))

    /// 0 or 1 for each element of `probs` (a floating-point tensor of probabilities in [0, 1]),
    /// 1 with that probability, of probs' dtype (torch.bernoulli); a constant.
    static member Bernoulli(probs: Tensor, [<Optional>] generator: Generator) =
        Const(Raw.bernoulli "Tensor.bernoulli" (Prim.RawOf probs) (Raw.torchGenerator generator))

    /// 0 or 1 everywhere, 1 with probability p (float32 unless `dtype` is given).
    static member Bernoulli
        (p: float, shape: int[], [<Optional>] dtype: Dtype, [<Optional>] device: Device, [<Optional>] generator: Generator)
        =
        Const(Raw.bernoulliScalar "Tensor.bernoulli" p shape (Prim.DtypeOr dtype) (Prim.DeviceOr device) (Raw.torchGenerator generator))

    /// `numSamples` category indices (int64) drawn from each row of `probs` (1-D, or 2-D with one
    /// distribution per row; non-negative weights, not necessarily normalised), without
    /// replacement unless `replacement` is true (torch.multinomial).
    static member Multinomial(probs: Tensor, numSamples: int, [<Optional>] replacement: bool, [<Optional>] generator: Generator) =
        Const(Raw.multinomial "Tensor.multinomial" (Prim.RawOf probs) numSamples replacement (Raw.torchGenerator generator))

    // ---------------------------------------------------------------- indexing (C#'s t[i] and F#'s t.[i], t.[a..b])

    /// The slice at `index` of the first dimension (negative counts from the end), which is removed.
    member x.Item
        with get (i: int) = Tensor.SelectChecked("index", x, 0, i)

    /// The element or slice at (i, j).
    member x.Item
        with get (i: int, j: int) = Tensor.SelectChecked("index", Tensor.SelectChecked("index", x, 0, i), 0, j)

    /// The element or slice at (i, j, k).
    member x.Item
        with get (i: int, j: int, k: int) =
            let xi = Tensor.SelectChecked("index", x, 0, i)
            Tensor.SelectChecked("index", Tensor.SelectChecked("index", xi, 0, j), 0, k)

    /// The slices of the first dimension at these positions, in this order (negative counts from
    /// the end): `t.[[0; 2; 4]]`, or `t.[[0..2..10]]` for every second element (a view when the
    /// positions are evenly spaced and increasing, else a copy).
    member x.Item
        with get (indices: int list) = Tensor.IndexList("index", x, 0, List.toArray indices)

    /// As `Item(int list)`, for C#: `t[new[] { 0, 2, 4 }]`.
    member x.Item
        with get (indices: int[]) = Tensor.IndexList("index", x, 0, indices)

    /// Boolean-mask or integer-array indexing, as PyTorch's `t[mask]` and `t[index]`: a bool mask of
    /// t's leading shape selects those elements (or rows) into a flat tensor; an integer tensor
    /// picks slices of the first dimension.
    member x.Item
        with get (index: Tensor) = Tensor.IndexTensor("index", x, index)

    /// Elements start, start+step, ... below stop along dim (PyTorch's `t[start:stop:step]`; stop
    /// is exclusive, negative positions count from the end, out-of-range bounds are clamped; a view).
    member x.Slice(dim: int, start: int, stop: int, [<Optional; DefaultParameterValue(1)>] step: int) =
        Tensor.SliceChecked("slice", x, dim, Some start, Some stop, step)

    // F# slicing `t.[a..b]` (b included; negative positions count from the end, so `t.[1 .. -2]`
    // drops the first and the last), one overload per mix of ranges and single indices.
    member x.GetSlice(s0: int option, e0: int option) = Tensor.Range(x, 0, s0, e0)

    member x.GetSlice(s0: int option, e0: int option, s1: int option, e1: int option) =
        Tensor.Range(Tensor.Range(x, 0, s0, e0), 1, s1, e1)

    member x.GetSlice(i0: int, s1: int option, e1: int option) =
        Tensor.SelectChecked("index", Tensor.Range(x, 1, s1, e1), 0, i0)

    member x.GetSlice(s0: int option, e0: int option, i1: int) =
        Tensor.Range(Tensor.SelectChecked("index", x, 1, i1), 0, s0, e0)

    member x.GetSlice(s0: int option, e0: int option, s1: int option, e1: int option, s2: int option, e2: int option) =
        Tensor.Range(Tensor.Range(Tensor.Range(x, 0, s0, e0), 1, s1, e1), 2, s2, e2)

    member x.GetSlice(i0: int, s1: int option, e1: int option, s2: int option, e2: int option) =
        Tensor.SelectChecked("index", Tensor.Range(Tensor.Range(x, 1, s1, e1), 2, s2, e2), 0, i0)

    member x.GetSlice
        (s0: int option, e0: int option, s1: int option, e1: int option, s2: int option, e2: int option, s3: int option, e3: int option)
        =
        Tensor.Range(Tensor.Range(Tensor.Range(Tensor.Range(x, 0, s0, e0), 1, s1, e1), 2, s2, e2), 3, s3, e3)

    /// F#'s inclusive range a..b along a dim as a slice.
    static member private Range(x: Tensor, dim: int, first: int option, last: int option) =
        let size = Tensor.SizeAt("slice", x, dim)
        let stop = last |> Option.map (fun l -> if l < 0 then l + size + 1 else l + 1)

        Tensor.SliceChecked(
            "slice",
            x,
            dim,
            first,
            (match stop with
             | Some s when s > size -> None
             | s -> s),
            1
        )

    static member private SizeAt(op: string, x: Tensor, dim: int) =
        let r = Prim.RawOf x
        int (r.size (normDim op (int (r.dim ())) dim))

    /// select with checks: negative indices count from the end; out of range is an error.
    static member internal SelectChecked(op: string, x: Tensor, dim: int, index: int) =
        let s = x.Shape
        let d = normDim op s.Length dim
        let i = if index < 0 then index + s[d] else index

        if i < 0 || i >= s[d] then
            raise (
                ArgumentOutOfRangeException(
                    "index",
                    $"{op}: index {index} is out of range for dimension {d} of size {s[d]} (shape {shapeText s}); valid: {-s[d]} .. {s[d] - 1}."
                )
            )

        Tensor.SelectAt(x, d, i)

    /// Python slice semantics: negative bounds count from the end, bounds are clamped to the size,
    /// None means the start or the end; the step must be positive.
    static member internal SliceChecked(op: string, x: Tensor, dim: int, start: int option, stop: int option, step: int) =
        let s = x.Shape
        let d = normDim op s.Length dim

        if step < 1 then
            invalidArg "step" $"{op}: the step must be at least 1; got {step} (to reverse, use Tensor.flip)."

        let size = s[d]

        let clampIndex (i: int) =
            if i < 0 then max 0 (i + size) else min i size

        let a = start |> Option.map clampIndex |> Option.defaultValue 0
        let b = stop |> Option.map clampIndex |> Option.defaultValue size |> max a

        if a = 0 && b = size && step = 1 then
            x
        else
            Tensor.SliceAt(x, d, a, b, step)

    /// Slices of a dimension at positions (negative from the end): a strided view when they are
    /// evenly spaced and increasing, an index-select (a copy) otherwise.
    static member internal IndexList(op: string, x: Tensor, dim: int, indices: int[]) =
        let s = x.Shape
        let d = normDim op s.Length dim
        let size = s[d]

        let idx =
            indices
            |> Array.map (fun i ->
                let j = if i < 0 then i + size else i

                if j < 0 || j >= size then
                    raise (
                        ArgumentOutOfRangeException(
                            "indices",
                            $"{op}: index {i} is out of range for dimension {d} of size {size} (shape {shapeText s})."
                        )
                    )

                j)

        let progression =
            idx.Length >= 1
            && (idx.Length = 1
                || (idx[1] > idx[0]
                    && idx |> Array.pairwise |> Array.forall (fun (p, q) -> q - p = idx[1] - idx[0])))

        if progression then
            let step = if idx.Length = 1 then 1 else idx[1] - idx[0]
            Tensor.SliceAt(x, d, idx[0], idx[idx.Length - 1] + 1, step)
        else
            let index = Const(Raw.ofArray (Array.map int64 idx) [| idx.Length |] x.Device)
            Prim.IndexSelectAt(x, d, Prim.RawOf index)

    /// t[mask] (bool, the leading shape of t) or t[index] (integer tensor, along dim 0).
    static member internal IndexTensor(op: string, x: Tensor, index: Tensor) =
        let ri = Prim.RawOf index
        let xs = x.Shape

        match ofScalarType ri.dtype with
        | Dtype.Bool ->
            let ms = shape ri

            if ms.Length > xs.Length || ms <> xs[.. ms.Length - 1] then
                invalidArg
                    "index"
                    $"{op}: a bool mask must have the leading shape of the tensor; got mask {shapeText ms} for tensor {shapeText xs}."

            Prim.MaskedSelectAt(x, ri)
        | Dtype.Int64
        | Dtype.Int32
        | Dtype.Int16
        | Dtype.Int8
        | Dtype.UInt8 ->
            if xs.Length = 0 then
                invalidArg "x" $"{op}: a 0-d tensor cannot be indexed."

            let flat = (toFloatArray ri) |> Array.map int
            let picked = Tensor.IndexList(op, x, 0, flat)
            // the index's own shape replaces the first dimension, as in PyTorch
            let target = Array.append (shape ri) xs[1..]

            if picked.Shape = target then
                picked
            else
                Tensor.Reshape(picked, target)
        | other -> invalidArg "index" $"{op}: an index must be a bool mask or an integer tensor; got {other}."

    // ---------------------------------------------------------------- indexing primitives (views and their transposes)

    /// The slice at `index` along `dim` (both already normalised), the dim removed; a view.
    static member internal SelectAt(x: Tensor, dim: int, index: int) : Tensor =
        Prim.Lift1(
            "select",
            (fun r -> r.select (int64 dim, int64 index)),
            (fun _ _ dx -> Tensor.SelectAt(dx, dim, index)),
            (fun x _ g -> Tensor.SelectScatter(g, x.Shape, dim, index)),
            x
        )

    /// Zeros of `shape` with `src` at `index` along `dim`: the transpose of SelectAt.
    static member internal SelectScatter(src: Tensor, shape: int[], dim: int, index: int) : Tensor =
        Prim.Lift1(
            "select",
            (fun r ->
                use z = torch.zeros (longs shape, r.dtype, r.device)
                torch.select_scatter (z, r, int64 dim, int64 index)),
            (fun _ _ d -> Tensor.SelectScatter(d, shape, dim, index)),
            (fun _ _ g -> Tensor.SelectAt(g, dim, index)),
            src
        )

    /// Elements start, start+step, ... below stop along `dim` (all normalised, 0 ≤ start ≤ stop ≤
    /// size, step ≥ 1); a view.
    static member internal SliceAt(x: Tensor, dim: int, start: int, stop: int, step: int) : Tensor =
        Prim.Lift1(
            "slice",
            (fun r -> r.slice (int64 dim, int64 start, int64 stop, int64 step)),
            (fun _ _ dx -> Tensor.SliceAt(dx, dim, start, stop, step)),
            (fun x _ g -> Tensor.SliceScatter(g, x.Shape, dim, start, stop, step)),
            x
        )

    /// Zeros of `shape` with `src` at the strided positions: the transpose of SliceAt.
    static member internal SliceScatter(src: Tensor, shape: int[], dim: int, start: int, stop: int, step: int) : Tensor =
        Prim.Lift1(
            "slice",
            (fun r ->
                use z = torch.zeros (longs shape, r.dtype, r.device)
                torch.slice_scatter (z, r, int64 dim, Nullable(int64 start), Nullable(int64 stop), int64 step)),
            (fun _ _ d -> Tensor.SliceScatter(d, shape, dim, start, stop, step)),
            (fun _ _ g -> Tensor.SliceAt(g, dim, start, stop, step)),
            src
        )

    /// A new shape with the same elements (the target already checked); its transpose reshapes back.
    static member internal Reshape(x: Tensor, shape: int[]) : Tensor =
        Prim.Lift1(
            "reshape",
            (fun r -> r.reshape (longs shape)),
            (fun _ _ dx -> Tensor.Reshape(dx, shape)),
            (fun x _ g -> Tensor.Reshape(g, x.Shape)),
            x
        )

    // ---------------------------------------------------------------- broadcasting primitives

    /// Sums over the dimensions that broadcasting to this tensor's shape added or stretched.
    static member internal SumTo(x: Tensor, shape: int[]) : Tensor =
        Prim.Lift1(
            "sumTo",
            (fun r -> Raw.sumTo r shape),
            (fun _ _ dx -> Tensor.SumTo(dx, shape)),
            (fun x _ g -> Tensor.ExpandTo(g, x.Shape)),
            x
        )

    /// Broadcasts to a larger shape (a view: no copy).
    static member internal ExpandTo(x: Tensor, shape: int[]) : Tensor =
        Prim.Lift1(
            "expand",
            (fun r -> Raw.expandTo r shape),
            (fun _ _ dx -> Tensor.ExpandTo(dx, shape)),
            (fun x _ g -> Tensor.SumTo(g, x.Shape)),
            x
        )

    /// Converts the element type; differentiable between floating-point types.
    static member internal Cast(x: Tensor, dtype: Dtype) : Tensor =
        let st = toScalarType dtype

        if (Prim.RawOf x).dtype = st then
            x
        else
            Prim.Lift1(
                $"toDtype({dtype})",
                (fun r -> r.to_type st),
                (fun _ _ dx -> Tensor.Cast(dx, dtype)),
                (fun x _ g -> Tensor.Cast(g, x.Dtype)),
                x
            )

    // ---------------------------------------------------------------- arithmetic primitives
    // Each partial derivative is written once: `wrtA p d` is d·∂out/∂a, the tangent's share
    // (forward mode) and the cotangent's (reverse mode) alike, since elementwise Jacobians are diagonal.

    static member internal Add(a: Tensor, b: Tensor) : Tensor =
        // TorchSharp's add(Tensor) makes its alpha Scalar inline, which the GC may finalize during
        // the native call (LibTorch then fails in c10::Scalar::toDouble): pass one that Raw keeps alive.
        Prim.Elementwise2("add", (fun a b -> a.add (b, scalarInt 1L)), (fun _ d -> d), (fun _ d -> d), a, b)

    static member internal Sub(a: Tensor, b: Tensor) : Tensor =
        Prim.Elementwise2("sub", (fun a b -> a.sub b), (fun _ d -> d), (fun _ d -> Tensor.Neg d), a, b)

    static member internal Mul(a: Tensor, b: Tensor) : Tensor =
        Prim.Elementwise2("mul", (fun a b -> a.mul b), (fun p d -> Tensor.Mul(d, p.B)), (fun p d -> Tensor.Mul(d, p.A)), a, b)

    /// ∂/∂a = 1/b, ∂/∂b = −out/b.
    static member internal Div(a: Tensor, b: Tensor) : Tensor =
        Prim.Elementwise2(
            "div",
            (fun a b -> a.div b),
            (fun p d -> Tensor.Div(d, p.B)),
            (fun p d -> Tensor.Neg(Tensor.Div(Tensor.Mul(d, p.Out), p.B))),
            a,
            b
        )

    /// a ** b with a tensor exponent: ∂/∂a = b·a^(b−1), ∂/∂b = out·log a. As in PyTorch, the base's
    /// derivative is 0 where b = 0 (not 0·a⁻¹, NaN at a = 0) and the exponent's is 0 where a = 0 and
    /// b ≥ 0 (not 0·log 0). Selected, not multiplied by a mask, so infinities stay out.
    static member internal PowTensor(a: Tensor, b: Tensor) : Tensor =
        let wrtBase (p: Primals2) (d: Tensor) =
            let rb = Prim.RawOf p.B
            let zeroExponent = guard1 "pow" rb (fun () -> rb.eq (scalar 0.0))
            Prim.MaskedZero("pow", Tensor.Mul(Tensor.Mul(d, p.B), Tensor.PowTensor(p.A, Tensor.AddScalar(p.B, -1.0))), zeroExponent)

        let wrtExponent (p: Primals2) (d: Tensor) =
            Prim.MaskedZero("pow", Tensor.Mul(Tensor.Mul(d, p.Out), Tensor.Log p.A), Raw.zeroBaseMask (Prim.RawOf p.A) (Prim.RawOf p.B))

        Prim.Elementwise2("pow", (fun a b -> a.pow b), wrtBase, wrtExponent, a, b)

    static member internal Neg(x: Tensor) : Tensor =
        Prim.Lift1("neg", (fun r -> r.neg ()), (fun _ _ dx -> Tensor.Neg dx), (fun _ _ g -> Tensor.Neg g), x)

    static member internal AddScalar(x: Tensor, c: float) : Tensor =
        Prim.Lift1("add", (fun r -> r.add (scalar c, scalarInt 1L)), (fun _ _ dx -> dx), (fun _ _ g -> g), x)

    static member internal MulScalar(x: Tensor, c: float) : Tensor =
        Prim.Lift1("mul", (fun r -> r.mul (scalar c)), (fun _ _ dx -> Tensor.MulScalar(dx, c)), (fun _ _ g -> Tensor.MulScalar(g, c)), x)

    static member internal DivScalar(x: Tensor, c: float) : Tensor =
        Prim.Lift1("div", (fun r -> r.div (scalar c)), (fun _ _ dx -> Tensor.DivScalar(dx, c)), (fun _ _ g -> Tensor.DivScalar(g, c)), x)

    /// c - x
    static member internal RSubScalar(c: float, x: Tensor) : Tensor =
        Prim.Lift1("sub", (fun r -> r.neg().add_(scalar c)), (fun _ _ dx -> Tensor.Neg dx), (fun _ _ g -> Tensor.Neg g), x)

    /// c / x
    static member internal RDivScalar(c: float, x: Tensor) : Tensor =
        let d (x: Tensor) (y: Tensor) (dx: Tensor) =
            Tensor.Neg(Tensor.Div(Tensor.Mul(dx, y), x))

        Prim.Lift1("div", (fun r -> r.reciprocal().mul_(scalar c)), d, d, x)

    /// x ** c with a constant exponent. For c = 0 the derivative is exactly 0 (as PyTorch), also
    /// where x⁻¹ would be infinite.
    static member internal PowScalar(x: Tensor, c: float) : Tensor =
        let d (x: Tensor) (_: Tensor) (dx: Tensor) =
            if c = 0.0 then
                Tensor.ZerosOf dx
            elif c = 1.0 then
                dx
            elif c = 2.0 then
                Tensor.Mul(dx, Tensor.MulScalar(x, 2.0))
            else
                Tensor.Mul(dx, Tensor.MulScalar(Tensor.PowScalar(x, c - 1.0), c))

        Prim.Lift1("pow", (fun r -> r.pow (scalar c)), d, d, x)

    /// Zeros of x's shape, dtype and device (a constant).
    static member internal ZerosOf(x: Tensor) : Tensor = Const(Raw.zerosLike (Prim.RawOf x))

    static member internal OnesOf(x: Tensor) : Tensor = Const(Raw.onesLike (Prim.RawOf x))

    static member Exp(x: Tensor) : Tensor =
        Prim.Elementwise("exp", (fun r -> r.exp ()), (fun _ y -> y), x)

    static member Log(x: Tensor) : Tensor =
        Prim.Lift1("log", (fun r -> r.log ()), (fun x _ d -> Tensor.Div(d, x)), (fun x _ g -> Tensor.Div(g, x)), x)

    static member Sqrt(x: Tensor) : Tensor =
        let d (_: Tensor) (y: Tensor) (dx: Tensor) =
            Tensor.Div(dx, Tensor.MulScalar(y, 2.0))

        Prim.Lift1("sqrt", (fun r -> r.sqrt ()), d, d, x)

    static member Sin(x: Tensor) : Tensor =
        Prim.Elementwise("sin", (fun r -> r.sin ()), (fun x _ -> Tensor.Cos x), x)

    static member Cos(x: Tensor) : Tensor =
        Prim.Elementwise("cos", (fun r -> r.cos ()), (fun x _ -> Tensor.Neg(Tensor.Sin x)), x)

    static member Tan(x: Tensor) : Tensor =
        Prim.Elementwise("tan", (fun r -> r.tan ()), (fun _ y -> Tensor.AddScalar(Tensor.Mul(y, y), 1.0)), x)

    static member Sinh(x: Tensor) : Tensor =
        Prim.Elementwise("sinh", (fun r -> r.sinh ()), (fun x _ -> Tensor.Cosh x), x)

    static member Cosh(x: Tensor) : Tensor =
        Prim.Elementwise("cosh", (fun r -> r.cosh ()), (fun x _ -> Tensor.Sinh x), x)

    static member Tanh(x: Tensor) : Tensor =
        Prim.Elementwise("tanh", (fun r -> r.tanh ()), (fun _ y -> Tensor.RSubScalar(1.0, Tensor.Mul(y, y))), x)

    static member Asin(x: Tensor) : Tensor =
        Prim.Elementwise("asin", (fun r -> r.asin ()), (fun x _ -> Tensor.PowScalar(Tensor.RSubScalar(1.0, Tensor.Mul(x, x)), -0.5)), x)

    static member Acos(x: Tensor) : Tensor =
        Prim.Elementwise(
            "acos",
            (fun r -> r.acos ()),
            (fun x _ -> Tensor.Neg(Tensor.PowScalar(Tensor.RSubScalar(1.0, Tensor.Mul(x, x)), -0.5))),
            x
        )

    static member Atan(x: Tensor) : Tensor =
        Prim.Elementwise("atan", (fun r -> r.atan ()), (fun x _ -> Tensor.RDivScalar(1.0, Tensor.AddScalar(Tensor.Mul(x, x), 1.0))), x)

    static member Abs(x: Tensor) : Tensor =
        Prim.Elementwise("abs", (fun r -> r.abs ()), (fun x _ -> Tensor.Sign x), x)

    /// The angle of the point (x, y) in (−π, π], with broadcasting (F#'s `atan2 y x`).
    /// ∂/∂y = x / (x² + y²), ∂/∂x = −y / (x² + y²).
    static member Atan2(y: Tensor, x: Tensor) : Tensor =
        let radius2 (p: Primals2) =
            Tensor.Add(Tensor.Mul(p.A, p.A), Tensor.Mul(p.B, p.B))

        Prim.Elementwise2(
            "atan2",
            (fun a b -> a.atan2 b),
            (fun p d -> Tensor.Div(Tensor.Mul(d, p.B), radius2 p)),
            (fun p d -> Tensor.Neg(Tensor.Div(Tensor.Mul(d, p.A), radius2 p))),
            y,
            x
        )

    /// Base-10 logarithm (F#'s `log10`).
    static member Log10(x: Tensor) : Tensor =
        Tensor.MulScalar(Tensor.Log x, 1.0 / log 10.0)

    /// Rounding (F#'s floor, ceil, round, truncate): piecewise constant, so the results are
    /// constants and their derivatives zero, as in PyTorch.
    static member Floor(x: Tensor) : Tensor =
        Prim.Constant("floor", (fun r -> r.floor ()), x)

    static member Ceiling(x: Tensor) : Tensor =
        Prim.Constant("ceil", (fun r -> r.ceil ()), x)

    /// Rounds half to even, as torch.round and .NET's Math.Round.
    static member Round(x: Tensor) : Tensor =
        Prim.Constant("round", (fun r -> r.round ()), x)

    static member Truncate(x: Tensor) : Tensor =
        Prim.Constant("trunc", (fun r -> r.trunc ()), x)

    /// -1, 0 or 1 by sign; its derivative is zero (almost everywhere), so it is a constant.
    static member Sign(x: Tensor) : Tensor =
        Prim.Constant("sign", (fun r -> r.sign ()), x)

    // ---------------------------------------------------------------- operators

    static member (+)(a: Tensor, b: Tensor) = Tensor.Add(a, b)
    static member (+)(a: Tensor, b: float) = Tensor.AddScalar(a, b)
    static member (+)(a: float, b: Tensor) = Tensor.AddScalar(b, a)

    static member (+)(a: Tensor, b: int) =
        Prim.IntScalar("add", a, b, (fun r c -> r.add (c, scalarInt 1L)), (fun x -> Tensor.AddScalar(x, float b)))

    static member (+)(a: int, b: Tensor) =
        Prim.IntScalar("add", b, a, (fun r c -> r.add (c, scalarInt 1L)), (fun x -> Tensor.AddScalar(x, float a)))

    static member (-)(a: Tensor, b: Tensor) = Tensor.Sub(a, b)
    static member (-)(a: Tensor, b: float) = Tensor.AddScalar(a, -b)
    static member (-)(a: float, b: Tensor) = Tensor.RSubScalar(a, b)

    static member (-)(a: Tensor, b: int) =
        Prim.IntScalar("sub", a, b, (fun r c -> r.sub c), (fun x -> Tensor.AddScalar(x, -(float b))))

    static member (-)(a: int, b: Tensor) =
        Prim.IntScalar("sub", b, a, (fun r c -> r.neg().add_(c, scalarInt 1L)), (fun x -> Tensor.RSubScalar(float a, x)))

    static member (*)(a: Tensor, b: Tensor) = Tensor.Mul(a, b)
    static member (*)(a: Tensor, b: float) = Tensor.MulScalar(a, b)
    static member (*)(a: float, b: Tensor) = Tensor.MulScalar(b, a)

    static member (*)(a: Tensor, b: int) =
        Prim.IntScalar("mul", a, b, (fun r c -> r.mul c), (fun x -> Tensor.MulScalar(x, float b)))

    static member (*)(a: int, b: Tensor) =
        Prim.IntScalar("mul", b, a, (fun r c -> r.mul c), (fun x -> Tensor.MulScalar(x, float a)))

    /// True division, as PyTorch's `/`: integer tensors give floating-point results (see Tensor.floorDivide).
    static member (/)(a: Tensor, b: Tensor) = Tensor.Div(a, b)
    static member (/)(a: Tensor, b: float) = Tensor.DivScalar(a, b)
    static member (/)(a: float, b: Tensor) = Tensor.RDivScalar(a, b)
    static member (/)(a: Tensor, b: int) = Tensor.DivScalar(a, float b)
    static member (/)(a: int, b: Tensor) = Tensor.RDivScalar(float a, b)
    static member (~-)(x: Tensor) = Tensor.Neg x
    static member (~+)(x: Tensor) = x
    static member Pow(a: Tensor, b: Tensor) = Tensor.PowTensor(a, b)
    static member Pow(a: Tensor, b: float) = Tensor.PowScalar(a, b)

    static member Pow(a: Tensor, b: int) =
        Prim.IntScalar("pow", a, b, (fun r c -> r.pow c), (fun x -> Tensor.PowScalar(x, float b)))

    // Elementwise comparisons as operators: PyTorch's ==, !=, <, <=, >, >= are `.=`, `.<>`, `.<`,
    // `.<=`, `.>`, `.>=` (F#'s own =, <, ... compare whole values and return bool). Bool tensors
    // with broadcasting and PyTorch's type promotion, never differentiated; a scalar may be on
    // either side, and an int scalar compares exactly (as Python's `t == 3`). The same as the
    // functions Tensor.eq/ne/lt/le/gt/ge and Tensor.eqScalar/neScalar/ltScalar/...
    static member (.=)(a: Tensor, b: Tensor) = Tensor.Compare("eq", a, b)
    static member (.=)(a: Tensor, b: float) = Tensor.CompareScalar("eq", a, b, false)
    static member (.=)(a: float, b: Tensor) = Tensor.CompareScalar("eq", b, a, false)

    static member (.=)(a: Tensor, b: int) =
        Tensor.CompareScalar("eq", a, float b, true)

    static member (.=)(a: int, b: Tensor) =
        Tensor.CompareScalar("eq", b, float a, true)

    static member (.<>)(a: Tensor, b: Tensor) = Tensor.Compare("ne", a, b)
    static member (.<>)(a: Tensor, b: float) = Tensor.CompareScalar("ne", a, b, false)
    static member (.<>)(a: float, b: Tensor) = Tensor.CompareScalar("ne", b, a, false)

    static member (.<>)(a: Tensor, b: int) =
        Tensor.CompareScalar("ne", a, float b, true)

    static member (.<>)(a: int, b: Tensor) =
        Tensor.CompareScalar("ne", b, float a, true)

    static member (.<)(a: Tensor, b: Tensor) = Tensor.Compare("lt", a, b)
    static member (.<)(a: Tensor, b: float) = Tensor.CompareScalar("lt", a, b, false)
    static member (.<)(a: float, b: Tensor) = Tensor.CompareScalar("gt", b, a, false)

    static member (.<)(a: Tensor, b: int) =
        Tensor.CompareScalar("lt", a, float b, true)

    static member (.<)(a: int, b: Tensor) =
        Tensor.CompareScalar("gt", b, float a, true)

    static member (.<=)(a: Tensor, b: Tensor) = Tensor.Compare("le", a, b)
    static member (.<=)(a: Tensor, b: float) = Tensor.CompareScalar("le", a, b, false)
    static member (.<=)(a: float, b: Tensor) = Tensor.CompareScalar("ge", b, a, false)

    static member (.<=)(a: Tensor, b: int) =
        Tensor.CompareScalar("le", a, float b, true)

    static member (.<=)(a: int, b: Tensor) =
        Tensor.CompareScalar("ge", b, float a, true)

    static member (.>)(a: Tensor, b: Tensor) = Tensor.Compare("gt", a, b)
    static member (.>)(a: Tensor, b: float) = Tensor.CompareScalar("gt", a, b, false)
    static member (.>)(a: float, b: Tensor) = Tensor.CompareScalar("lt", b, a, false)

    static member (.>)(a: Tensor, b: int) =
        Tensor.CompareScalar("gt", a, float b, true)

    static member (.>)(a: int, b: Tensor) =
        Tensor.CompareScalar("lt", b, float a, true)

    static member (.>=)(a: Tensor, b: Tensor) = Tensor.Compare("ge", a, b)
    static member (.>=)(a: Tensor, b: float) = Tensor.CompareScalar("ge", a, b, false)
    static member (.>=)(a: float, b: Tensor) = Tensor.CompareScalar("le", b, a, false)

    static member (.>=)(a: Tensor, b: int) =
        Tensor.CompareScalar("ge", a, float b, true)

    static member (.>=)(a: int, b: Tensor) =
        Tensor.CompareScalar("le", b, float a, true)

    /// a op b elementwise (op: eq, ne, lt, le, gt, ge), broadcasting: a constant bool tensor.
    /// (Its signature mentions no LibTorch type, so scripts need no TorchSharp reference.)
    static member internal Compare(op: string, a: Tensor, b: Tensor) : Tensor =
        let ra, rb = Prim.RawOf a, Prim.RawOf b
        broadcastShapes op (shape ra) (shape rb) |> ignore

        Const(
            guard2 op ra rb (fun () ->
                match op with
                | "eq" -> ra.eq rb
                | "ne" -> ra.ne rb
                | "lt" -> ra.lt rb
                | "le" -> ra.le rb
                | "gt" -> ra.gt rb
                | _ -> ra.ge rb)
        )

    /// x op c elementwise with a scalar c (an int64 scalar when `integral`, so large integers compare exactly).
    static member internal CompareScalar(op: string, x: Tensor, c: float, integral: bool) : Tensor =
        let r = Prim.RawOf x
        let s = if integral then scalarInt (int64 c) else scalar c

        Const(
            guard1 op r (fun () ->
                match op with
                | "eq" -> r.eq s
                | "ne" -> r.ne s
                | "lt" -> r.lt s
                | "le" -> r.le s
                | "gt" -> r.gt s
                | _ -> r.ge s)
        )

/// A node of a reverse-mode graph: the inputs being differentiated (all at this node's tag) and
/// the pullback that maps the output's cotangent to theirs, in the same order. A leaf (a transform's
/// input) has no inputs and no pullback. Nodes hold no adjoints: the sweep keeps those.
and [<Sealed; AllowNullLiteral>] internal GraphNode(op: string, inputs: Tensor[], pullback: Tensor -> Tensor[]) =
    /// The op that made this node ("leaf" for a leaf).
    member _.Op = op
    member _.Inputs = inputs
    member _.Pullback = pullback
    member _.IsLeaf = isNull (box pullback)

    /// Nodes of the imperative tag only: the pullback written over the recorded tensors themselves
    /// (inputs and output as nodes of this tag, not their primals), so that running it records
    /// again: `Backward(createGraph = true)`.
    member val Recording: Tensor -> Tensor[] = Unchecked.defaultof<_> with get, set

    /// Nodes of the imperative tag only: Imperative.Clock when the node was made (in-place updates
    /// of its leaves after that make its pullback wrong).
    member val Stamp = 0L with get, set

    /// The imperative layer's cell (gradient, hooks), on requires-grad leaves and on nodes given a
    /// hook or retainGrad; null elsewhere. The only mutable state of PyTorch-style autograd.
    member val Cell: GradCell = null with get, set

    static member Leaf() =
        GraphNode("leaf", [||], Unchecked.defaultof<_>)

/// What PyTorch keeps on a tensor that requires grad: its accumulated gradient, its gradient
/// hooks, and when it was last modified in place. Owned by the leaf's graph node, never by the
/// (immutable) Tensor value.
and [<Sealed; AllowNullLiteral>] internal GradCell() =
    /// The accumulated gradient, null before any Backward and after ZeroGrad.
    member val Grad: Tensor = Unchecked.defaultof<_> with get, set

    /// Hooks in registration order, each seeing and possibly replacing the gradient.
    member val Hooks: ResizeArray<GradHook> = null with get, set

    /// Imperative.Clock at the last in-place update (0: never).
    member val MutatedAt = 0L with get, set

    /// A non-leaf that keeps its gradient (retainGrad).
    member val RetainsGrad = false with get, set

    /// True once Grad has been handed out (the Grad property) since it was last replaced: then
    /// someone may hold it, and it is neither updated in place by Backward nor reused.
    member val Shared = false with get, set

    /// The gradient buffer after ZeroGrad when nobody outside the cell has seen it: the next
    /// Backward copies the new gradient into it instead of allocating one.
    member val Spare: Tensor = Unchecked.defaultof<_> with get, set

/// A registered gradient hook; disposing it removes it.
and [<Sealed>] internal GradHook(cell: GradCell, hook: Func<Tensor, Tensor>) =
    member _.Apply(g: Tensor) = hook.Invoke g

    interface IDisposable with
        member this.Dispose() =
            if not (isNull cell.Hooks) then
                cell.Hooks.Remove this |> ignore

/// The ambient state of PyTorch-style autograd, per thread (as PyTorch's grad mode): whether
/// recording is off (AD.noGrad), and the parameters substituted by a functional call of a
/// module. Both are read only when an op meets a value of the imperative tag.
and [<AbstractClass; Sealed>] internal Imperative =
    [<ThreadStatic; DefaultValue>]
    static val mutable private noGrad: bool

    [<ThreadStatic; DefaultValue>]
    static val mutable private substitutes: Dictionary<GraphNode, Tensor>

    [<ThreadStatic; DefaultValue>]
    static val mutable private seen: List<Tensor>

    /// Runs f (under noGrad) and returns, with its result, the values of the imperative tag that
    /// its ops met: what f depends on from outside (AD.checkpoint's inputs).
    static member Collecting(f: unit -> 'T) : 'T * Tensor[] =
        let saved = Imperative.seen
        let list = List<Tensor>()
        Imperative.seen <- list

        try
            let result = Imperative.WithGrad(false, f)
            let nodes = HashSet<GraphNode>(HashIdentity.Reference)

            let distinct =
                list
                |> Seq.filter (fun t ->
                    match t with
                    | Node(_, n, _) -> nodes.Add n
                    | _ -> false)
                |> Seq.toArray

            result, distinct
        finally
            Imperative.seen <- saved

    /// Notes a value of the imperative tag that an op met under noGrad (see Collecting).
    static member Seen(x: Tensor) =
        let list = Imperative.seen

        if not (isNull list) then
            list.Add x

    /// True inside AD.noGrad on this thread.
    static member NoGrad = Imperative.noGrad

    /// Runs f with recording on or off on this thread.
    static member WithGrad(enabled: bool, f: unit -> 'T) : 'T =
        let saved = Imperative.noGrad
        Imperative.noGrad <- not enabled

        try
            f ()
        finally
            Imperative.noGrad <- saved

    /// Runs f with these recorded values (a module's parameters, or what a checkpointed function
    /// captured) replaced by these values in every op (Module.Functional, AD.checkpoint).
    static member WithSubstitutes(pairs: (GraphNode * Tensor)[], f: unit -> 'T) : 'T =
        let saved = Imperative.substitutes
        let table = Dictionary<GraphNode, Tensor>(HashIdentity.Reference)

        if not (isNull saved) then
            for kv in saved do
                table[kv.Key] <- kv.Value

        for n, v in pairs do
            table[n] <- v

        // A substitute whose own primal is a replaced value (a transform's leaf over a parameter,
        // as AD.gradParams over a module's own parameters makes) would be replaced again when an
        // op reaches that primal, without end: it gets an alias there instead.
        for n, v in pairs do
            table[n] <- Imperative.Rebase(table, v)

        Imperative.substitutes <- table

        try
            f ()
        finally
            Imperative.substitutes <- saved

    /// A recorded value that stands for t (the identity, as a node of the imperative tag).
    static member private Alias(t: Tensor) : Tensor =
        let node = GraphNode("alias", [| t |], (fun g -> [| g |]))
        let out = Node(t.PrimalOneLevel, node, Tags.Imperative)
        Imperative.Record(node, (fun g -> [| g |]))
        out

    /// v with every replaced value in its chain of primals (through leaves and duals of
    /// transforms) swapped for an alias.
    static member private Rebase(table: Dictionary<GraphNode, Tensor>, v: Tensor) : Tensor =
        match v with
        | Node(_, n, g) when g = Tags.Imperative -> if table.ContainsKey n then Imperative.Alias v else v
        | Node(p, n, g) when n.IsLeaf -> Node(Imperative.Rebase(table, p), n, g)
        | Dual(p, t, g) -> Dual(Imperative.Rebase(table, p), t, g)
        | Node(Node(_, n, g), _, _) when g = Tags.Imperative && table.ContainsKey n ->
            invalidArg
                "p"
                "Functional: a replacement value is a computation whose primal is the very parameter it replaces; pass the parameter's value (model.ParameterValues()) or a transform's leaf over it."
        | _ -> v

    /// Whether x is a value of the imperative tag that is being replaced (one thread-local read
    /// when no replacement is in progress).
    static member IsSubstituted(x: Tensor) : bool =
        let table = Imperative.substitutes

        not (isNull table)
        && (match x with
            | Node(_, n, g) when g = Tags.Imperative -> table.ContainsKey n
            | _ -> false)

    /// The value standing in for x: its substitute if it has one, else x.
    static member Substitute(x: Tensor) : Tensor =
        let table = Imperative.substitutes

        if isNull table then
            x
        else
            match x with
            | Node(_, n, g) when g = Tags.Imperative ->
                match table.TryGetValue n with
                | true, v -> v
                | _ -> x
            | _ -> x

    /// Counts in-place updates of requires-grad leaves.
    static member Clock = Threading.Volatile.Read &InPlaceUpdates.count

    static member Tick() =
        Threading.Interlocked.Increment &InPlaceUpdates.count

    /// Completes a node of the imperative tag: its recording pullback and its time stamp.
    static member Record(node: GraphNode, recording: Tensor -> Tensor[]) =
        node.Recording <- recording
        node.Stamp <- Imperative.Clock

/// What the rules of a two-input op see: the primals of both inputs and of the output.
and [<Struct; NoEquality; NoComparison>] internal Primals2 = { A: Tensor; B: Tensor; Out: Tensor }

/// The lifting functions and the primitives whose signatures mention LibTorch types. They live
/// outside Tensor so that using Tensor from a script does not require a reference to TorchSharp.
and [<AbstractClass; Sealed>] internal Prim =
    /// The innermost LibTorch tensor (the value with every level of differentiation removed).
    static member Innermost(t: Tensor) : RawTensor =
        if isNull (box t) then
            nullArg "tensor"

        let mutable x = t
        let mutable r = null

        while isNull r do
            match x with
            | Const c -> r <- c
            | Dual(p, _, _)
            | Node(p, _, _) -> x <- p

        r

    /// The innermost LibTorch tensor, or a clear error if its memory was freed.
    static member RawOf(t: Tensor) : RawTensor =
        let r = Prim.Innermost t

        if r.IsInvalid then
            raise (useAfterFree "Tensor")

        r

    /// An omitted (null) optional dtype or device argument: PyTorch's defaults.
    static member DtypeOr(d: Dtype) =
        if isNull (box d) then Dtype.Float32 else d

    static member DeviceOr(d: Device) =
        if isNull (box d) then Device.Cpu else d

    /// The dtype of a random float factory: float32 when omitted; integer dtypes are refused.
    static member RandomDtype(op: string, d: Dtype) =
        let d = Prim.DtypeOr d

        if not d.IsFloatingPoint then
            invalidArg
                "dtype"
                $"{op}: draws floating-point values; dtype {d} is not a floating-point type. Use Tensor.randint for integers."

        d

    /// An integer scalar with a tensor: integer tensors stay integer (as in PyTorch, where
    /// `t * 2` keeps t's integer dtype but `t * 2.0` does not); floating-point ones take the
    /// differentiable float path.
    static member internal IntScalar
        (op: string, x: Tensor, c: int, integral: RawTensor -> Scalar -> RawTensor, floating: Tensor -> Tensor)
        =
        match x with
        | Const r when not r.IsInvalid && not (ofScalarType r.dtype).IsFloatingPoint ->
            Const(guard1 op r (fun () -> integral r (scalarInt (int64 c))))
        | _ -> floating x

    // ---------------------------------------------------------------- lifting: the one place with tag logic

    /// Applies a one-input primitive. `primal` computes on raw tensors; `jvp x y dx` and `vjp x y g`
    /// are written with Tensor ops (so they nest) and receive the input's primal `x` and the output's primal `y`.
    static member internal Lift1
        (
            op: string,
            primal: RawTensor -> RawTensor,
            jvp: Tensor -> Tensor -> Tensor -> Tensor,
            vjp: Tensor -> Tensor -> Tensor -> Tensor,
            x: Tensor
        ) : Tensor =
        match x with
        | Const r -> Const(guard1 op r (fun () -> primal r))
        | Dual(xp, xt, tag) ->
            Prim.CheckActive(op, tag)
            let y = Prim.Lift1(op, primal, jvp, vjp, xp)
            Dual(y, jvp xp y xt, tag)
        | Node(_, n, tag) when tag = Tags.Imperative && Imperative.IsSubstituted x ->
            Prim.Lift1(op, primal, jvp, vjp, Imperative.Substitute x)
        | Node(xp, _, tag) when tag = Tags.Imperative ->
            if Imperative.NoGrad then
                Imperative.Seen x
                Prim.Lift1(op, primal, jvp, vjp, xp)
            else
                let y = Prim.Lift1(op, primal, jvp, vjp, xp)
                let node = GraphNode(op, [| x |], (fun g -> [| vjp xp y g |]))
                let out = Node(y, node, tag)
                Imperative.Record(node, (fun g -> [| vjp x out g |]))
                out
        | Node(xp, _, tag) ->
            Prim.CheckActive(op, tag)
            let y = Prim.Lift1(op, primal, jvp, vjp, xp)
            Node(y, GraphNode(op, [| x |], (fun g -> [| vjp xp y g |])), tag)

    /// Applies a two-input primitive with broadcasting. Each rule receives the primals (both inputs
    /// and the output) and a tangent or cotangent; broadcasting and dtype promotion are undone here,
    /// once for every op: tangents are expanded to the output, cotangents reduced to each input's
    /// shape and dtype.
    static member internal Lift2
        (
            op: string,
            primal: RawTensor -> RawTensor -> RawTensor,
            jvpA: Primals2 -> Tensor -> Tensor,
            jvpB: Primals2 -> Tensor -> Tensor,
            vjpA: Primals2 -> Tensor -> Tensor,
            vjpB: Primals2 -> Tensor -> Tensor,
            a: Tensor,
            b: Tensor
        ) : Tensor =
        match a, b with
        | Const ra, Const rb -> Const(guard2 op ra rb (fun () -> primal ra rb))
        | _ when Imperative.IsSubstituted a || Imperative.IsSubstituted b ->
            Prim.Lift2(op, primal, jvpA, jvpB, vjpA, vjpB, Imperative.Substitute a, Imperative.Substitute b)
        | _ when max a.Level b.Level = Tags.Imperative && Imperative.NoGrad ->
            Prim.Lift2(op, primal, jvpA, jvpB, vjpA, vjpB, Prim.Unrecorded a, Prim.Unrecorded b)
        | _ ->
            let tag = max a.Level b.Level
            Prim.CheckActive(op, tag)
            let aActive = a.Level = tag
            let bActive = b.Level = tag
            let ap = if aActive then a.PrimalOneLevel else a
            let bp = if bActive then b.PrimalOneLevel else b
            let y = Prim.Lift2(op, primal, jvpA, jvpB, vjpA, vjpB, ap, bp)
            let p = { A = ap; B = bp; Out = y }

            let isDual (t: Tensor) =
                match t with
                | Dual _ -> true
                | _ -> false

            if (aActive && isDual a) || (bActive && isDual b) then
                let tangentOf (t: Tensor) =
                    match t with
                    | Dual(_, dt, _) -> dt
                    | _ -> raise (Prim.MixedModes op)

                let ta =
                    if aActive then
                        jvpA p (tangentOf a) |> Prim.MatchOutput y
                    else
                        Unchecked.defaultof<_>

                let tb =
                    if bActive then
                        jvpB p (tangentOf b) |> Prim.MatchOutput y
                    else
                        Unchecked.defaultof<_>

                let t =
                    if aActive && bActive then Tensor.Add(ta, tb)
                    elif aActive then ta
                    else tb

                Dual(y, t, tag)
            else
                let inputs =
                    if aActive && bActive then [| a; b |]
                    elif aActive then [| a |]
                    else [| b |]

                let node = GraphNode(op, inputs, Prim.Pullback2(vjpA, vjpB, aActive, bActive, p))
                let out = Node(y, node, tag)

                if tag = Tags.Imperative then
                    Imperative.Record(node, Prim.Pullback2(vjpA, vjpB, aActive, bActive, { A = a; B = b; Out = out }))

                out

    /// The pullback of a two-input op to its active inputs, from the primals (or, when recording
    /// for createGraph, from the recorded tensors themselves).
    static member private Pullback2
        (vjpA: Primals2 -> Tensor -> Tensor, vjpB: Primals2 -> Tensor -> Tensor, aActive: bool, bActive: bool, p: Primals2)
        : Tensor -> Tensor[] =
        if aActive && bActive then
            fun g -> [| vjpA p g |> Prim.MatchInput p.A; vjpB p g |> Prim.MatchInput p.B |]
        elif aActive then
            fun g -> [| vjpA p g |> Prim.MatchInput p.A |]
        else
            fun g -> [| vjpB p g |> Prim.MatchInput p.B |]

    /// x without its imperative level (an op under AD.noGrad records nothing).
    static member internal Unrecorded(x: Tensor) =
        if x.Level = Tags.Imperative then
            Imperative.Seen x
            x.PrimalOneLevel
        else
            x

    /// A two-input elementwise primitive: `wrtA p d` is d·∂out/∂a (and `wrtB` likewise), which is
    /// the JVP's share and the VJP alike, because an elementwise Jacobian is diagonal. Each partial
    /// derivative is written once.
    static member internal Elementwise2
        (
            op: string,
            primal: RawTensor -> RawTensor -> RawTensor,
            wrtA: Primals2 -> Tensor -> Tensor,
            wrtB: Primals2 -> Tensor -> Tensor,
            a: Tensor,
            b: Tensor
        ) : Tensor =
        Prim.Lift2(op, primal, wrtA, wrtB, wrtA, wrtB, a, b)

    /// Applies a primitive of any number of inputs (cat, stack, ...). `jvp xs y dxs` receives null
    /// for the tangents of inactive inputs; `vjp i xs y g` is the cotangent of input i.
    static member internal LiftN
        (
            op: string,
            primal: RawTensor[] -> RawTensor,
            jvp: Tensor[] -> Tensor -> Tensor[] -> Tensor,
            vjp: int -> Tensor[] -> Tensor -> Tensor -> Tensor,
            xs: Tensor[]
        ) : Tensor =
        let tag =
            if xs.Length = 0 then
                0L
            else
                xs |> Array.map (fun x -> x.Level) |> Array.max

        if tag = 0L then
            let raws = xs |> Array.map Prim.RawOf
            Const(guard op raws (fun () -> primal raws))
        elif Array.exists Imperative.IsSubstituted xs then
            Prim.LiftN(op, primal, jvp, vjp, Array.map Imperative.Substitute xs)
        elif tag = Tags.Imperative && Imperative.NoGrad then
            Prim.LiftN(op, primal, jvp, vjp, Array.map Prim.Unrecorded xs)
        else
            Prim.CheckActive(op, tag)
            let active = xs |> Array.map (fun x -> x.Level = tag)

            let ps =
                Array.init xs.Length (fun i -> if active[i] then xs[i].PrimalOneLevel else xs[i])

            let y = Prim.LiftN(op, primal, jvp, vjp, ps)

            let isDual =
                xs
                |> Array.exists (fun x ->
                    x.Level = tag
                    && (match x with
                        | Dual _ -> true
                        | _ -> false))

            let isNode =
                xs
                |> Array.exists (fun x ->
                    x.Level = tag
                    && (match x with
                        | Node _ -> true
                        | _ -> false))

            if isDual && isNode then
                raise (Prim.MixedModes op)

            if isDual then
                let tangents =
                    xs
                    |> Array.map (fun x ->
                        match x with
                        | Dual(_, dt, g) when g = tag -> dt
                        | _ -> Unchecked.defaultof<_>)

                Dual(y, jvp ps y tangents |> Prim.MatchOutput y, tag)
            else
                let indices =
                    [|
                        for i in 0 .. xs.Length - 1 do
                            if active[i] then
                                i
                    |]

                let node =
                    GraphNode(
                        op,
                        indices |> Array.map (fun i -> xs[i]),
                        fun g -> indices |> Array.map (fun i -> vjp i ps y g |> Prim.MatchInput ps[i])
                    )

                let out = Node(y, node, tag)

                if tag = Tags.Imperative then
                    Imperative.Record(node, (fun g -> indices |> Array.map (fun i -> vjp i xs out g |> Prim.MatchInput xs[i])))

                out

    /// A value of a finished transform must not be differentiated again: its tag would be taken
    /// for an enclosing transform's (perturbation confusion), or its derivative silently lost.
    static member CheckActive(op: string, tag: int64) =
        if not (Tags.isActive tag) then
            invalidOp
                $"{op}: a value being differentiated by a transform that has already returned was used (a perturbation escaped its transform, e.g. through a mutable variable or a closure). Return derivatives from inside the transform instead."

    static member private MixedModes(op: string) : exn =
        InvalidOperationException
            $"{op}: forward-mode and reverse-mode values of the same transform met. A tensor being differentiated escaped its transform (e.g. stored in a mutable and used later); return it instead."

    /// Makes a tangent match the output's shape and dtype (an op's rule may leave it un-broadcast).
    static member internal MatchOutput (y: Tensor) (t: Tensor) : Tensor =
        let yr = Prim.RawOf y

        let t =
            if sameShapeAsBroadcast (Prim.RawOf t) yr then
                t
            else
                Tensor.ExpandTo(t, y.Shape)

        if (Prim.RawOf t).dtype = yr.dtype then
            t
        else
            Tensor.Cast(t, ofScalarType yr.dtype)

    /// Makes a cotangent match an input's shape and dtype (undoes broadcasting and type promotion).
    static member internal MatchInput (x: Tensor) (g: Tensor) : Tensor =
        let xr = Prim.RawOf x

        let g =
            if sameShapeAsBroadcast (Prim.RawOf g) xr then
                g
            else
                Tensor.SumTo(g, x.Shape)

        if (Prim.RawOf g).dtype = xr.dtype then
            g
        else
            Tensor.Cast(g, ofScalarType xr.dtype)

    /// Zero where the constant boolean mask is true (a linear map of x, and a select: infinities
    /// elsewhere stay, and never turn into NaN as inf·0 would). The mask may be larger than x: the
    /// result then has the broadcast shape.
    static member internal MaskedZero(op: string, x: Tensor, mask: RawTensor) : Tensor =
        Prim.Lift1(
            op,
            (fun r -> Raw.maskedZero op r mask),
            (fun _ _ dx -> Prim.MaskedZero(op, dx, mask)),
            (fun x _ g -> Prim.MaskedZero(op, g, mask) |> Prim.MatchInput x),
            x
        )

    /// x·factor for a constant factor (a 0/1 mask, or shares such as 0, ½, 1), except that where
    /// the factor is 0 the result is 0 even if x is infinite or NaN: a select, as PyTorch's rules
    /// are (relu's gradient at a zero output is 0, not inf·0 = NaN). A multiplication is many times
    /// faster than LibTorch's masked_fill on CPU, so it is used whenever x is finite everywhere,
    /// which one pass over the values tells (Raw.allFinite). Linear in x, so its rules are itself.
    static member internal Scale(op: string, x: Tensor, factor: RawTensor) : Tensor =
        let primal (r: RawTensor) =
            let product = r.mul factor
            let finite = allFinite r

            if finite then
                product
            else
                use zero = factor.eq (scalar 0.0)
                use p = product
                p.masked_fill (zero, scalar 0.0)

        Prim.Lift1(op, primal, (fun _ _ dx -> Prim.Scale(op, dx, factor)), (fun x _ g -> Prim.Scale(op, g, factor) |> Prim.MatchInput x), x)

    /// A result that is not differentiated (rounding, sign, comparisons): a constant computed from
    /// the raw values, at every nesting level.
    static member internal Constant(op: string, f: RawTensor -> RawTensor, x: Tensor) : Tensor =
        let r = Prim.RawOf x
        Const(guard1 op r (fun () -> f r))

    /// Inputs of an op that needs one dtype and one device (matmul, cat, where, ...): the devices
    /// must agree, and the dtypes are promoted as PyTorch's binary ops promote them (a
    /// differentiable cast), so float32 with float64 gives float64 everywhere in Nabla. It runs on
    /// every matmul and linear, so the common case (one dtype) costs one native call per input; the
    /// devices are compared only where there is more than one (CUDA present).
    static member internal Promote(op: string, xs: Tensor[]) : Tensor[] =
        if xs.Length = 0 then
            xs
        else
            let raws = xs |> Array.map Prim.RawOf

            if cudaAvailable.Value then
                let devices = raws |> Array.map (fun r -> ofTorchDevice r.device)

                if devices |> Array.exists (fun d -> d <> devices[0]) then
                    let all =
                        String.Join(", ", Array.map2 (fun r d -> $"{describe r} on {d}") raws devices)

                    invalidArg
                        "xs"
                        $"{op}: the tensors are on different devices ({all}). Move them to one device with Tensor.toDevice first."

            let first = raws[0].dtype

            if raws |> Array.forall (fun r -> r.dtype = first) then
                xs
            else
                let dtype =
                    raws |> Array.map (fun r -> ofScalarType r.dtype) |> Array.reduce promoteTypes

                xs |> Array.map (fun x -> Tensor.Cast(x, dtype))

    // ---------------------------------------------------------------- indexing primitives whose signatures mention LibTorch tensors

    /// Whole slices along `dim` at the positions of a 1-D integer index (may repeat); a copy.
    static member internal IndexSelectAt(x: Tensor, dim: int, index: RawTensor) : Tensor =
        Prim.Lift1(
            "indexSelect",
            (fun r -> r.index_select (int64 dim, index)),
            (fun _ _ dx -> Prim.IndexSelectAt(dx, dim, index)),
            (fun x _ g -> Prim.IndexAddInto(g, x.Shape, dim, index)),
            x
        )

    /// Zeros of `shape` plus the slices of `src` summed in at `index` along `dim`: the transpose of IndexSelectAt.
    static member internal IndexAddInto(src: Tensor, shape: int[], dim: int, index: RawTensor) : Tensor =
        Prim.Lift1(
            "indexAdd",
            (fun r ->
                use z = torch.zeros (longs shape, r.dtype, r.device)
                z.index_add (int64 dim, index, r, scalar 1.0)),
            (fun _ _ d -> Prim.IndexAddInto(d, shape, dim, index)),
            (fun _ _ g -> Prim.IndexSelectAt(g, dim, index)),
            src
        )

    /// The elements (or trailing slices) where a bool mask of x's leading shape is true, in
    /// row-major order along a new first dimension: an index-select of the positions; a copy.
    static member internal MaskedSelectAt(x: Tensor, mask: RawTensor) : Tensor =
        let xs = x.Shape
        let rows = Array.append [| int (mask.numel ()) |] xs[int (mask.dim ()) ..]

        let positions =
            guard1 "index" mask (fun () ->
                use flat = mask.reshape (-1L)
                use nonzero = flat.nonzero ()
                nonzero.reshape (-1L))

        Prim.IndexSelectAt(Tensor.Reshape(x, rows), 0, positions)

    // ---------------------------------------------------------------- elementwise math (F#'s exp, log, sin, ... use these)

    /// Elementwise op whose derivative is `dydx x y`; the rule is the same for JVP and VJP.
    static member internal Elementwise(op: string, primal: RawTensor -> RawTensor, dydx: Tensor -> Tensor -> Tensor, x: Tensor) : Tensor =
        Prim.Lift1(op, primal, (fun x y d -> Tensor.Mul(d, dydx x y)), (fun x y g -> Tensor.Mul(g, dydx x y)), x)

/// The reverse sweep.
module internal Reverse =

    /// A new reverse-mode leaf for `x` at `tag`.
    let leaf (x: Tensor) (tag: int64) = Node(x, GraphNode.Leaf(), tag)

    let private nodeAt (tag: int64) (t: Tensor) =
        match t with
        | Node(_, n, g) when g = tag -> n
        | _ -> null

    /// The cotangent after the node's gradient hooks (in registration order) have seen it.
    let private hooked (n: GraphNode) (g: Tensor) =
        let cell = n.Cell

        if isNull cell || isNull cell.Hooks || cell.Hooks.Count = 0 then
            g
        else
            let mutable g = g

            for h in cell.Hooks.ToArray() do
                let r = h.Apply g

                if not (isNull (box r)) then
                    if r.Shape <> g.Shape then
                        invalidOp
                            $"Backward: a gradient hook returned shape {shapeText r.Shape}, but the gradient it was given has shape {shapeText g.Shape}. A hook must return a gradient of the same shape (or its argument unchanged)."

                    g <- r

            g

    /// An in-place update of a leaf after `n` used it makes n's pullback wrong (PyTorch's version
    /// counter check): an error rather than a silently wrong gradient.
    let private checkNotModified (n: GraphNode) (input: GraphNode) =
        let cell = input.Cell

        if not (isNull cell) && cell.MutatedAt > n.Stamp then
            invalidOp
                $"Backward: a tensor that requires grad was modified in place (an optimizer step, or an in-place update under AD.noGrad) after '{n.Op}' used it, so the gradient through '{n.Op}' would be computed from the new value. Call Backward before updating the parameters, or run the forward pass again after the update."

    /// Runs the reverse sweep from `y` (seeded with cotangent `seed`) and gives each node's final
    /// adjoint to `onFinal` when the node has a cell (the imperative layer's leaves and retained
    /// non-leaves); returns the adjoints of the leaves. The topological order comes from an
    /// iterative depth-first search, so a 100,000-op chain needs no deep stack; adjoints live in a
    /// table local to this call, so the graph stays pure and can be swept again. With `recording`,
    /// the recording pullbacks run (Backward with createGraph). As in PyTorch, the seed is cast to
    /// y's dtype and each adjoint has its input's dtype.
    let run (y: Tensor) (seed: Tensor) (tag: int64) (recording: bool) (onFinal: GraphNode -> Tensor -> unit) =
        let root = nodeAt tag y
        let adjoints = Dictionary<GraphNode, Tensor>(HashIdentity.Reference)

        if not (isNull root) then
            let seed =
                if seed.Dtype = y.Dtype then
                    seed
                else
                    Tensor.Cast(seed, y.Dtype)

            let order = List<GraphNode>()
            let visited = HashSet<GraphNode>(HashIdentity.Reference)
            let stack = Stack<struct (GraphNode * bool)>()
            stack.Push(struct (root, false))

            while stack.Count > 0 do
                let struct (n, expanded) = stack.Pop()

                if expanded then
                    order.Add n
                elif visited.Add n then
                    stack.Push(struct (n, true))

                    // Inputs pushed last to first, so the first is explored first (as a recursive
                    // search would): leaves used late in the forward pass then come late in the
                    // order and get their gradients (and hooks) first, as in PyTorch.
                    for k in n.Inputs.Length - 1 .. -1 .. 0 do
                        let c = nodeAt tag n.Inputs[k]

                        if not (isNull c) && not (visited.Contains c) then
                            stack.Push(struct (c, false))

            adjoints[root] <- seed

            for i in order.Count - 1 .. -1 .. 0 do
                let n = order[i]

                match adjoints.TryGetValue n with
                | true, g ->
                    let g = hooked n g

                    if not (isNull n.Cell) then
                        onFinal n g

                    if n.IsLeaf then
                        adjoints[n] <- g
                    else
                        adjoints.Remove n |> ignore

                        let pullback =
                            if recording then
                                if isNull (box n.Recording) then
                                    invalidOp
                                        $"Backward(createGraph = true): '{n.Op}' cannot record its own derivative; use the transforms (AD.grad of AD.grad) for this function."

                                n.Recording
                            else
                                n.Pullback

                        let gs = pullback g

                        for j in 0 .. n.Inputs.Length - 1 do
                            let c = nodeAt tag n.Inputs[j]

                            if tag = Tags.Imperative && not (isNull c) && c.IsLeaf then
                                checkNotModified n c

                            match adjoints.TryGetValue c with
                            | true, old -> adjoints[c] <- old + gs[j]
                            | _ -> adjoints[c] <- gs[j]
                | _ -> ()

        adjoints

    /// The adjoint of each leaf after a sweep from y (null for a leaf y does not depend on), in
    /// the leaf's dtype.
    let sweep (y: Tensor) (seed: Tensor) (tag: int64) (leaves: Tensor[]) : Tensor[] =
        let adjoints = run y seed tag false (fun _ _ -> ())

        leaves
        |> Array.map (fun l ->
            match adjoints.TryGetValue(nodeAt tag l) with
            | true, g -> if g.Dtype = l.Dtype then g else Tensor.Cast(g, l.Dtype)
            | _ -> Unchecked.defaultof<_>)

/// PyTorch-style autograd over the core: requires-grad leaves are reverse-mode nodes of the
/// imperative tag whose node owns a GradCell; Backward is the ordinary sweep for that tag,
/// accumulating into the cells.
module internal Autograd =

    /// The imperative level of t (t itself, or the primal under a transform's levels), or None.
    let rec imperativeLevel (t: Tensor) : Tensor voption =
        match t with
        | Const _ -> ValueNone
        | Node(_, _, g) when g = Tags.Imperative -> ValueSome t
        | Dual(p, _, _)
        | Node(p, _, _) -> imperativeLevel p

    /// The graph node of t's imperative level, or null.
    let nodeOf (t: Tensor) : GraphNode =
        match imperativeLevel t with
        | ValueSome(Node(_, n, _)) -> n
        | _ -> null

    /// The cell of a requires-grad leaf (or retained non-leaf), or null.
    let cellOf (t: Tensor) : GradCell =
        let n = nodeOf t
        if isNull n then null else n.Cell

    /// x as a requires-grad leaf (a fresh node with a cell); under a transform's levels, the leaf
    /// sits at the innermost level and each level above passes its derivative through.
    let rec requiresGrad (x: Tensor) : Tensor =
        match x with
        | Const _ ->
            let dtype = ofScalarType (Prim.RawOf x).dtype

            if not dtype.IsFloatingPoint then
                invalidArg
                    "x"
                    $"requiresGrad: only floating-point tensors can require gradients; this one has dtype {dtype}. Convert it first (Tensor.toDtype Dtype.Float32)."

            let node = GraphNode.Leaf()
            node.Cell <- GradCell()
            Node(x, node, Tags.Imperative)
        | Node(_, _, g) when g = Tags.Imperative -> x
        | Dual(p, t, g) -> Dual(requiresGrad p, t, g)
        | Node(p, _, g) -> Node(requiresGrad p, GraphNode("requiresGrad", [| x |], (fun d -> [| d |])), g)

    /// The cell of t if it requires grad (creating one for a non-leaf), else a clear error.
    let private ensureCell (op: string) (t: Tensor) =
        let n = nodeOf t

        if isNull n then
            invalidOp
                $"{op}: this tensor does not require grad (it does not depend on a tensor made with Tensor.requiresGrad or a module's parameters, or it was computed under AD.noGrad). Make its inputs require grad first."

        if isNull n.Cell then
            n.Cell <- GradCell()

        n.Cell

    let registerHook (t: Tensor) (hook: Func<Tensor, Tensor>) : IDisposable =
        if isNull hook then
            nullArg "hook"

        let cell = ensureCell "registerHook" t

        if isNull cell.Hooks then
            cell.Hooks <- ResizeArray()

        let h = new GradHook(cell, hook)
        cell.Hooks.Add h
        h :> IDisposable

    let retainGrad (t: Tensor) =
        (ensureCell "retainGrad" t).RetainsGrad <- true

    /// Keeps a gradient outside every dispose scope: like parameters, gradients outlive the steps
    /// that make them (the GC frees them once replaced).
    let private keep (g: Tensor) =
        match g with
        | Const r -> Memory.keep r
        | _ -> ()

    /// The sweep of Backward: from t's imperative level, seeded with `gradient` (ones for a
    /// one-element t when null), accumulating into every reachable leaf's cell.
    let backward (t: Tensor) (gradient: Tensor) (createGraph: bool) =
        let y =
            match imperativeLevel t with
            | ValueSome y -> y
            | ValueNone ->
                invalidOp
                    "Backward: this tensor does not require grad: it does not depend on any tensor made with Tensor.requiresGrad (or a module's parameters), or it was computed under AD.noGrad or from detached values."

        if not y.Dtype.IsFloatingPoint then
            invalidOp $"Backward: only floating-point results can be differentiated; this one has dtype {y.Dtype}."

        let seed =
            if isNull (box gradient) then
                if y.Numel <> 1 then
                    invalidArg
                        "gradient"
                        $"Backward: a gradient can be created implicitly only for a one-element result; this one has shape {shapeText y.Shape}. Reduce it first (Tensor.sum, Tensor.mean), or pass the cotangent: t.Backward(Tensor.onesLike t)."

                Tensor.OnesOf y
            elif gradient.Shape <> y.Shape then
                invalidArg
                    "gradient"
                    $"Backward: the gradient must have the result's shape {shapeText y.Shape}; got {shapeText gradient.Shape}."
            elif createGraph then
                gradient
            else
                Const(Prim.RawOf gradient)

        // A cell keeps a copy of the gradient, in a buffer of its own: the sweep's cotangents are
        // freed with the sweep's scope, and may be shared (add passes one tensor to both inputs, the
        // caller's cotangent or a hook's result may reach a leaf unchanged, an expanded cotangent has
        // stride 0), which an in-place update (ZeroGrad(setToNone = false), an optimizer) would
        // corrupt. The copy goes into the cell's spare buffer when it has one (its gradient before
        // ZeroGrad, which nobody outside the cell has seen), so a training loop frees and tracks no
        // gradient per step: nothing is left for the finalizer thread or adds memory pressure.
        let store (cell: GradCell) (g: Tensor) =
            let r = Prim.RawOf g
            let spare = cell.Spare
            cell.Spare <- Unchecked.defaultof<_>

            let fits =
                not (isNull (box spare))
                && (let s = Prim.Innermost spare

                    not s.IsInvalid
                    && s.dtype = r.dtype
                    && s.device_type = r.device_type
                    && s.device_index = r.device_index
                    && shape s = shape r)

            if fits then
                let s = Prim.RawOf spare
                guard2 "Backward" s r (fun () -> s.copy_ r) |> ignore
                spare
            else
                if not (isNull (box spare)) then
                    (Prim.Innermost spare).Dispose()

                let copy =
                    Const(guard1 "Backward" r (fun () -> if r.is_contiguous () then r.clone () else r.contiguous ()))

                keep copy
                copy

        let accumulate (n: GraphNode) (g: Tensor) =
            let cell = n.Cell

            if n.IsLeaf || cell.RetainsGrad then
                if createGraph then
                    cell.Grad <-
                        if isNull (box cell.Grad) then
                            g
                        else
                            Tensor.Add(cell.Grad, g)
                elif isNull (box cell.Grad) then
                    cell.Grad <- store cell g
                    cell.Shared <- false
                elif not cell.Shared && not cell.Grad.IsDifferentiated then
                    // nobody outside the cell holds it: add in place, as PyTorch's AccumulateGrad does
                    let r, gr = Prim.RawOf cell.Grad, Prim.RawOf g
                    guard2 "Backward" r gr (fun () -> r.add_ (gr, scalarInt 1L)) |> ignore
                else
                    let total = Tensor.Add(cell.Grad, Const(Prim.RawOf g))
                    keep total
                    cell.Grad <- total
                    cell.Shared <- false

        if createGraph then
            Reverse.run y seed Tags.Imperative true accumulate |> ignore
        else
            use scope = new Memory.Scope()
            Reverse.run y seed Tags.Imperative false accumulate |> ignore

    /// The accumulated gradient of t, if any.
    let grad (t: Tensor) : Tensor option =
        let cell = cellOf t

        if isNull cell || isNull (box cell.Grad) then
            None
        else
            cell.Shared <- true
            Some cell.Grad

    let zeroGrad (t: Tensor) (setToNone: bool) =
        let cell = cellOf t

        if not (isNull cell) && not (isNull (box cell.Grad)) then
            if setToNone || cell.Grad.IsDifferentiated then
                // a buffer nobody outside the cell has seen is reused by the next Backward (see store)
                if not cell.Shared && not cell.Grad.IsDifferentiated then
                    cell.Spare <- cell.Grad

                cell.Grad <- Unchecked.defaultof<_>
            else
                let r = Prim.RawOf cell.Grad
                r.zero_ () |> ignore

    /// The raw storage of a tensor that may be updated in place (a constant, or a requires-grad
    /// leaf under AD.noGrad), after checking that `other` fits; the leaf's cell records the update.
    let inPlace (op: string) (t: Tensor) (other: Tensor) (update: RawTensor -> unit) =
        let raw =
            match t with
            | Const r -> r
            | Node(Const r, n, g) when g = Tags.Imperative && n.IsLeaf ->
                if not Imperative.NoGrad then
                    invalidOp
                        $"{op}: a tensor that requires grad cannot be updated in place while gradients are being recorded (PyTorch's rule); do it inside AD.noGrad (fun () -> ...), as an optimizer step does."

                r
            | _ ->
                invalidOp
                    $"{op}: only a constant tensor or a requires-grad leaf (a parameter) can be updated in place; this one was computed from others or is being differentiated by a transform. Compute a new tensor instead."

        if raw.IsInvalid then
            raise (useAfterFree op)

        if not (isNull (box other)) then
            let o = Prim.RawOf other

            let target = shape raw

            if broadcastShapes op (shape o) target <> target then
                invalidArg
                    "other"
                    $"{op}: a tensor of shape {shapeText (shape o)} does not broadcast to the updated tensor's shape {shapeText (shape raw)}."

        guard1 op raw (fun () ->
            update raw
            raw)
        |> ignore

        let cell = cellOf t

        if not (isNull cell) then
            cell.MutatedAt <- Imperative.Tick()

/// PyTorch-style autograd on tensors. Intrinsic members (declared in the type's own file), so C#
/// sees them as ordinary methods.
type Tensor with

    /// True when this tensor requires grad: it is a leaf made by Tensor.requiresGrad (or a
    /// module's parameter), or was computed from one while gradients were being recorded.
    member t.RequiresGrad = (Autograd.imperativeLevel t).IsSome

    /// False only for a tensor that requires grad and was computed from others (PyTorch's is_leaf).
    member t.IsLeaf =
        let n = Autograd.nodeOf t
        isNull n || n.IsLeaf

    /// The gradient accumulated by Backward calls (None before any, and after ZeroGrad).
    member t.Grad: Tensor option = Autograd.grad t

    /// Computes the gradient of this tensor with respect to every requires-grad leaf it depends
    /// on and adds it to their Grad (PyTorch's backward). A one-element tensor needs no argument;
    /// otherwise pass the cotangent (`gradient`, of this tensor's shape). With createGraph, the
    /// gradients are themselves recorded, so they can be differentiated again (a second Backward,
    /// or a transform). The graph stays valid: Backward may be called on it again.
    member t.Backward([<Optional>] gradient: Tensor, [<Optional>] createGraph: bool) =
        Autograd.backward t gradient createGraph

    /// Clears the accumulated gradient (to None, as PyTorch's zero_grad does by default; with
    /// setToNone = false, fills it with zeros in place).
    member t.ZeroGrad([<Optional; DefaultParameterValue(true)>] setToNone: bool) = Autograd.zeroGrad t setToNone

    /// Registers a hook that sees this tensor's gradient during every Backward and may replace it
    /// (return the argument to leave it unchanged); dispose the result to remove the hook.
    member t.RegisterHook(hook: Func<Tensor, Tensor>) : IDisposable = Autograd.registerHook t hook

    /// Keeps the gradient of this non-leaf tensor in its Grad during Backward (PyTorch's retain_grad).
    member t.RetainGrad() = Autograd.retainGrad t

    // ---------------------------------------------------------------- in-place updates (parameters, buffers)

    /// Copies the values of `source` (broadcast, and cast to this dtype) into this tensor (copy_).
    /// Only constants and requires-grad leaves under AD.noGrad can be updated in place.
    member t.CopyFrom(source: Tensor) =
        Autograd.inPlace "CopyFrom" t source (fun r -> r.copy_ (Prim.RawOf source) |> ignore)

    /// this += alpha · other, in place (add_).
    member t.AddInPlace(other: Tensor, [<Optional; DefaultParameterValue(1.0)>] alpha: float) =
        Autograd.inPlace "AddInPlace" t other (fun r -> r.add_ (Prim.RawOf other, scalar alpha) |> ignore)

    /// this -= alpha · other, in place (sub_).
    member t.SubInPlace(other: Tensor, [<Optional; DefaultParameterValue(1.0)>] alpha: float) =
        Autograd.inPlace "SubInPlace" t other (fun r -> r.add_ (Prim.RawOf other, scalar -alpha) |> ignore)

    /// this *= factor, in place (mul_).
    member t.MulInPlace(factor: float) =
        Autograd.inPlace "MulInPlace" t Unchecked.defaultof<_> (fun r -> r.mul_ (scalar factor) |> ignore)

    /// Sets every element to `value`, in place (fill_).
    member t.FillInPlace(value: float) =
        Autograd.inPlace "FillInPlace" t Unchecked.defaultof<_> (fun r -> r.fill_ (scalar value) |> ignore)

/// `t.Raw()` for the rest of the library: the innermost LibTorch tensor. An extension rather than
/// a member, so that Tensor's own members never mention TorchSharp types.
[<AutoOpen>]
module internal TensorRaw =
    type Tensor with
        member t.Raw() = Prim.RawOf t
