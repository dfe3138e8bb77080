namespace Nabla

open System
open System.Runtime.InteropServices
open TorchSharp

/// Element types of tensors. Float32 is the default for factories without data, as in PyTorch.
[<RequireQualifiedAccess>]
type Dtype =
    | Float16
    | BFloat16
    | Float32
    | Float64
    | UInt8
    | Int8
    | Int16
    | Int32
    | Int64
    | Bool

    /// The PyTorch name, e.g. "float32".
    member d.Name =
        match d with
        | Float16 -> "float16" | BFloat16 -> "bfloat16" | Float32 -> "float32" | Float64 -> "float64"
        | UInt8 -> "uint8" | Int8 -> "int8" | Int16 -> "int16" | Int32 -> "int32" | Int64 -> "int64" | Bool -> "bool"

    /// True for the floating-point types, the only ones that can be differentiated.
    member d.IsFloatingPoint =
        match d with
        | Float16 | BFloat16 | Float32 | Float64 -> true
        | _ -> false

    override d.ToString() = d.Name

/// Where a tensor's memory lives.
[<RequireQualifiedAccess>]
type Device =
    | Cpu
    | Cuda of index: int

    override d.ToString() =
        match d with
        | Cpu -> "cpu"
        | Cuda i -> $"cuda:{i}"

    /// Parses "cpu", "cuda" or "cuda:N".
    static member Parse(text: string) =
        match text.Trim().ToLowerInvariant() with
        | "cpu" -> Cpu
        | "cuda" -> Cuda 0
        | s when s.StartsWith "cuda:" && fst (Int32.TryParse(s.Substring 5)) -> Cuda(int (s.Substring 5))
        | _ -> invalidArg "text" $"Device.Parse: '{text}' is not a device; use \"cpu\", \"cuda\" or \"cuda:N\"."

/// A random-number generator of its own, for reproducible randomness that does not depend on
/// (or disturb) the global one: dropout masks, initialisations, sampling.
[<Sealed>]
type Generator internal (generator: torch.Generator) =
    member internal _.Torch = generator
    /// Restarts the sequence from a seed.
    member this.Seed(seed: int64) =
        generator.manual_seed seed |> ignore
        this
    interface IDisposable with
        member _.Dispose() = generator.Dispose()

/// Non-differentiable tensors: thin, total wrappers over TorchSharp. Tensors made here never
/// require grad; autodiff lives in Core.fs, not in LibTorch.
module internal Raw =

    type RawTensor = torch.Tensor

    let toScalarType (d: Dtype) =
        match d with
        | Dtype.Float16 -> torch.ScalarType.Float16
        | Dtype.BFloat16 -> torch.ScalarType.BFloat16
        | Dtype.Float32 -> torch.ScalarType.Float32
        | Dtype.Float64 -> torch.ScalarType.Float64
        | Dtype.UInt8 -> torch.ScalarType.Byte
        | Dtype.Int8 -> torch.ScalarType.Int8
        | Dtype.Int16 -> torch.ScalarType.Int16
        | Dtype.Int32 -> torch.ScalarType.Int32
        | Dtype.Int64 -> torch.ScalarType.Int64
        | Dtype.Bool -> torch.ScalarType.Bool

    let ofScalarType (s: torch.ScalarType) =
        match s with
        | torch.ScalarType.Float16 -> Dtype.Float16
        | torch.ScalarType.BFloat16 -> Dtype.BFloat16
        | torch.ScalarType.Float32 -> Dtype.Float32
        | torch.ScalarType.Float64 -> Dtype.Float64
        | torch.ScalarType.Byte -> Dtype.UInt8
        | torch.ScalarType.Int8 -> Dtype.Int8
        | torch.ScalarType.Int16 -> Dtype.Int16
        | torch.ScalarType.Int32 -> Dtype.Int32
        | torch.ScalarType.Int64 -> Dtype.Int64
        | torch.ScalarType.Bool -> Dtype.Bool
        | other -> raise (NotSupportedException $"Nabla does not support the LibTorch element type {other}.")

    let cudaAvailable = lazy (Native.ensureLoaded (); torch.cuda_is_available ())

    /// The TorchSharp device, after checking that it exists on this machine; errors name `op`.
    let toTorchDeviceFor (op: string) (d: Device) =
        match d with
        | Device.Cpu -> torch.CPU
        | Device.Cuda i ->
            if not cudaAvailable.Value then
                raise (NotSupportedException(
                        $"{op}: device {d} is not available: CUDA is not available in this process. Nabla is running on the CPU build of "
                        + "LibTorch (libtorch-cpu-linux-x64) or on a machine without a GPU. Use Device.Cpu, or build "
                        + "with a CUDA LibTorch runtime package on a machine with an NVIDIA GPU."))
            let count = torch.cuda.device_count ()
            if i < 0 || i >= count then
                raise (ArgumentOutOfRangeException("device", $"{op}: device {d} does not exist; this machine has {count} CUDA device(s) (cuda:0 .. cuda:{count - 1})."))
            torch.device (DeviceType.CUDA, i)

    /// The TorchSharp device, after checking that it exists on this machine.
    let toTorchDevice (d: Device) = toTorchDeviceFor "toDevice" d

    let ofTorchDevice (d: torch.Device) =
        match d.``type`` with
        | DeviceType.CPU -> Device.Cpu
        | DeviceType.CUDA -> Device.Cuda d.index
        | other -> raise (NotSupportedException $"Nabla does not support the LibTorch device type {other}.")

    let useAfterFree (op: string) =
        ObjectDisposedException(
            "Tensor",
            $"{op}: a tensor was used after its memory was freed. Tensors created inside an AD transform or "
            + "Scope.run are freed when it returns unless they are part of its result; return the tensor from "
            + "the scope (or create it outside) to keep it. A tensor you Dispose() yourself cannot be used again.")

    /// The shape as int[]. TorchSharp's `shape` property costs over a microsecond (it marshals
    /// through a callback); dim and size are plain calls of a few nanoseconds.
    let shape (t: RawTensor) : int[] =
        if t.IsInvalid then raise (useAfterFree "shape")
        let n = int (t.dim ())
        let s = Array.zeroCreate n
        for i in 0 .. n - 1 do s[i] <- int (t.size i)
        s

    let shapeText (s: int[]) = "[" + String.Join(", ", s) + "]"

    /// "float32[2, 3]", or "<freed tensor>" for a disposed one: used in error messages.
    let describe (t: RawTensor) =
        if isNull t then "<null>"
        elif t.IsInvalid then "<freed tensor>"
        else (ofScalarType t.dtype).Name + shapeText (shape t)

    /// LibTorch's error text without its C++ context: the first line, with the "Exception raised
    /// from ..." tail LibTorch appends removed.
    let libTorchMessage (message: string) =
        let first = (message.Split('\n')[0]).Trim()
        match first.IndexOf "Exception raised from" with
        | i when i > 0 -> first.Substring(0, i).Trim()
        | _ -> first

    /// LibTorch's errors as .NET exceptions that name the op and its inputs; null when `e` is to
    /// be rethrown as it is (it is already ours, or not LibTorch's).
    let translate (op: string) (inputs: RawTensor[]) (e: exn) : exn =
        match e with
        | :? InvalidOperationException when inputs |> Array.exists (fun t -> not (isNull t) && t.IsInvalid) -> useAfterFree op
        | :? ExternalException as e ->
            let args = String.Join(", ", inputs |> Array.map describe)
            ArgumentException($"{op}: LibTorch rejected the inputs ({args}): {libTorchMessage e.Message}", e)
        | _ -> null

    /// Runs a LibTorch call, translating its errors (an exception that is not LibTorch's keeps
    /// its stack trace). Inlined, so no closure is allocated.
    let inline guard (op: string) (inputs: RawTensor[]) ([<InlineIfLambda>] f: unit -> RawTensor) : RawTensor =
        try Memory.adopt (f ())
        with e ->
            match translate op inputs e with
            | null -> reraise ()
            | translated -> raise translated

    let inline guard1 (op: string) (a: RawTensor) ([<InlineIfLambda>] f: unit -> RawTensor) : RawTensor =
        try Memory.adopt (f ())
        with e ->
            match translate op [| a |] e with
            | null -> reraise ()
            | translated -> raise translated

    let inline guard2 (op: string) (a: RawTensor) (b: RawTensor) ([<InlineIfLambda>] f: unit -> RawTensor) : RawTensor =
        try Memory.adopt (f ())
        with e ->
            match translate op [| a; b |] e with
            | null -> reraise ()
            | translated -> raise translated

    /// Like guard, for calls that return something other than one tensor (several tensors, a
    /// number); the caller adopts any tensors it keeps.
    let inline guardAny (op: string) (inputs: RawTensor[]) ([<InlineIfLambda>] f: unit -> 'T) : 'T =
        try f ()
        with e ->
            match translate op inputs e with
            | null -> reraise ()
            | translated -> raise translated

    /// Resolves a negative dimension index against a rank, or fails naming the op. A 0-d tensor
    /// has no dimension to name.
    let normDim (op: string) (rank: int) (dim: int) =
        let d = if dim < 0 then dim + rank else dim
        if d < 0 || d >= rank then
            let valid = if rank = 0 then "a 0-d tensor has no dimensions; reshape it to [1] first" else $"valid: {-rank} .. {rank - 1}"
            raise (ArgumentOutOfRangeException("dim", $"{op}: dimension {dim} is out of range for a tensor of rank {rank} ({valid})."))
        d

    /// The message of a building block's error, prefixed with the composite op's name when it
    /// does not already start with it, so that errors always name the function the user called.
    let renamed (op: string) (e: exn) : exn =
        let message = $"{op}: {e.Message}"
        match e with
        | _ when e.Message.StartsWith(op + ":") -> null
        | :? ObjectDisposedException -> null
        | :? ArgumentOutOfRangeException -> ArgumentOutOfRangeException(message, e)
        | :? ArgumentException -> ArgumentException(message, e)
        | :? InvalidOperationException -> InvalidOperationException(message, e)
        | :? NotSupportedException -> NotSupportedException(message, e)
        | _ -> null

    /// Runs a composite op (made of other ops); errors raised by its building blocks name it too.
    let inline named (op: string) ([<InlineIfLambda>] f: unit -> 'T) : 'T =
        try f ()
        with e ->
            match renamed op e with
            | null -> reraise ()
            | e -> raise e

    /// Refuses a non-floating-point input to an op that needs one, naming the op and the fix.
    let requireFloat (op: string) (t: RawTensor) =
        let d = ofScalarType t.dtype
        if not d.IsFloatingPoint then
            invalidArg "x" $"{op}: needs a floating-point tensor; got {describe t}. Convert it with Tensor.toDtype Dtype.Float32 (or Float64)."

    /// True when two tensors have exactly the same shape (no allocation).
    let sameShape (a: RawTensor) (b: RawTensor) =
        let n = int (a.dim ())
        if n <> int (b.dim ()) then false
        else
            let mutable same = true
            let mutable i = 0
            while same && i < n do
                same <- a.size i = b.size i
                i <- i + 1
            same

    /// The dtype PyTorch's type promotion gives two dtypes (float beats integer beats bool; the
    /// wider of two floats; float16 with bfloat16 is float32).
    let promoteTypes (a: Dtype) (b: Dtype) : Dtype =
        if a = b then a else ofScalarType (torch.promote_types (toScalarType a, toScalarType b))

    let private ensure () = Native.ensureLoaded ()

    /// int[] → int64[], the form TorchSharp takes for shapes, dims, strides and paddings.
    let longs (xs: int[]) = Array.map int64 xs

    /// Sums over the leading dimensions and the size-1 dimensions of `target` that `t` stretched:
    /// the inverse of broadcasting `target` to t's shape.
    let sumTo (t: RawTensor) (target: int[]) : RawTensor =
        let s = shape t
        let lead = s.Length - target.Length
        if lead < 0 then invalidArg "target" $"sumTo: cannot reduce {shapeText s} to the larger rank {shapeText target}."
        let dims = [| for i in 0 .. s.Length - 1 do if i < lead || (target[i - lead] = 1 && s[i] <> 1) then int64 i |]
        if dims.Length = 0 then t.alias ()
        else
            let summed = t.sum (dims, true)
            if lead = 0 then summed else summed.reshape (longs target)

    /// Broadcasts to a shape (a view).
    let expandTo (t: RawTensor) (target: int[]) : RawTensor = t.expand (longs target)

    /// The shape two shapes broadcast to (PyTorch's rules), or an error naming the op.
    let broadcastShapes (op: string) (a: int[]) (b: int[]) : int[] =
        let n = max a.Length b.Length
        Array.init n (fun i ->
            let da = if i < n - a.Length then 1 else a[i - (n - a.Length)]
            let db = if i < n - b.Length then 1 else b[i - (n - b.Length)]
            if da = db || db = 1 then da
            elif da = 1 then db
            else invalidArg "shape" $"{op}: shapes {shapeText a} and {shapeText b} do not broadcast (dimension {i}: {da} vs {db}). Reshape one of them so that each dimension matches or is 1.")

    /// t with zeros where mask is true (a select, never a product: inf·0 would be NaN); the
    /// result has the broadcast shape of t and mask.
    let maskedZero (op: string) (t: RawTensor) (mask: RawTensor) : RawTensor =
        if sameShape t mask then t.masked_fill (mask, Scalar.op_Implicit 0.0)
        else
            let s = broadcastShapes op (shape t) (shape mask)
            use e = t.expand (longs s)
            e.masked_fill (mask, Scalar.op_Implicit 0.0)

    /// Where a pow's base is 0 and its exponent non-negative: there the exponent's derivative
    /// y·log(a) is 0·(-inf), and PyTorch defines it as 0.
    let zeroBaseMask (a: RawTensor) (b: RawTensor) : RawTensor =
        use z = a.eq (Scalar.op_Implicit 0.0)
        use nn = b.ge (Scalar.op_Implicit 0.0)
        Memory.adopt (z.logical_and nn)

    /// A shape as TorchSharp takes it, checked; errors name `op`.
    let shape64For (op: string) (shape: int[]) =
        if isNull shape then nullArg "shape"
        for d in shape do
            if d < 0 then invalidArg "shape" $"{op}: a shape cannot have a negative size: {shapeText shape}."
        longs shape

    let shape64 (shape: int[]) = shape64For "Tensor creation" shape

    /// A new tensor on a device: loads LibTorch first, translates LibTorch's errors (naming `op`)
    /// and registers the result (Memory.adopt).
    let createFor (op: string) (device: Device) (make: torch.Device -> RawTensor) : RawTensor =
        ensure ()
        let d = toTorchDeviceFor op device
        guard op [||] (fun () -> make d)

    let create (device: Device) (make: torch.Device -> RawTensor) : RawTensor = createFor "Tensor creation" device make

    let zerosFor (op: string) (shape: int[]) (dtype: Dtype) (device: Device) =
        createFor op device (fun d -> torch.zeros (shape64For op shape, toScalarType dtype, d))

    let onesFor (op: string) (shape: int[]) (dtype: Dtype) (device: Device) =
        createFor op device (fun d -> torch.ones (shape64For op shape, toScalarType dtype, d))

    let fullFor (op: string) (shape: int[]) (value: float) (dtype: Dtype) (device: Device) =
        createFor op device (fun d -> torch.full (shape64For op shape, Scalar.op_Implicit value, toScalarType dtype, d))

    let zeros (shape: int[]) (dtype: Dtype) (device: Device) = zerosFor "zeros" shape dtype device
    let ones (shape: int[]) (dtype: Dtype) (device: Device) = onesFor "ones" shape dtype device
    let full (shape: int[]) (value: float) (dtype: Dtype) (device: Device) = fullFor "full" shape value dtype device

    let zerosLike (t: RawTensor) = Memory.adopt (torch.zeros_like t)
    let onesLike (t: RawTensor) = Memory.adopt (torch.ones_like t)

    /// A tensor from a flat array and a shape; the element type follows the array's .NET type.
    let ofArrayFor (op: string) (data: Array) (shape: int[]) (device: Device) : RawTensor =
        let n = Array.fold (*) 1 shape
        if n <> data.Length then
            invalidArg "data" $"{op}: {data.Length} values cannot fill the shape {shapeText shape} ({n} elements)."
        let shape = shape64For op shape
        createFor op device (fun dev ->
            match box data with
            | :? (float[]) as d -> torch.tensor (d, ReadOnlySpan shape, torch.ScalarType.Float64, dev)
            | :? (float32[]) as d -> torch.tensor (d, ReadOnlySpan shape, torch.ScalarType.Float32, dev)
            | :? (int[]) as d -> torch.tensor (d, ReadOnlySpan shape, torch.ScalarType.Int32, dev)
            | :? (int64[]) as d -> torch.tensor (d, ReadOnlySpan shape, torch.ScalarType.Int64, dev)
            | :? (bool[]) as d -> torch.tensor (d, ReadOnlySpan shape, torch.ScalarType.Bool, dev)
            | :? (byte[]) as d -> torch.tensor (d, ReadOnlySpan shape, torch.ScalarType.Byte, dev)
            | :? (int16[]) as d -> torch.tensor (d, ReadOnlySpan shape, torch.ScalarType.Int16, dev)
            | :? (sbyte[]) as d -> torch.tensor (d, ReadOnlySpan shape, torch.ScalarType.Int8, dev)
            | _ ->
                raise (NotSupportedException(
                        $"{op}: elements of type {data.GetType().GetElementType().Name} are not supported; use float, float32, "
                        + "int, int64, int16, byte, sbyte or bool.")))

    let ofArray (data: Array) (shape: int[]) (device: Device) : RawTensor = ofArrayFor "ofArray" data shape device

    /// The elements as a flat float[] (any dtype, any device).
    let toFloatArray (t: RawTensor) : float[] =
        if t.numel () = 0L then [||] else
        // A copy (never an alias of t, which must survive), then a contiguous view of it.
        use c = t.``to``(torch.ScalarType.Float64, torch.CPU, copy = true, disposeAfter = false)
        use cc = c.contiguous ()
        cc.data<float>().ToArray()

    let seed (s: int64) =
        ensure ()
        torch.manual_seed s |> ignore

    /// Flattens nested data (arrays of any rank, lists, sequences, scalars) into values and a shape.
    let private flattenNested (op: string) (data: obj) : obj[] * int[] =
        let rec shapeOf (o: obj) : int list =
            match o with
            | :? string -> []
            | :? Array as a when a.Rank > 1 -> [ for d in 0 .. a.Rank - 1 -> a.GetLength d ]
            | :? Collections.IEnumerable as e ->
                let items = [ for x in e -> x ]
                match items with
                | [] -> [ 0 ]
                | first :: _ -> items.Length :: shapeOf first
            | _ -> []
        let shape = shapeOf data |> List.toArray
        let rec values (o: obj) : obj seq =
            match o with
            | :? string as s -> Seq.singleton (box s)
            | :? Collections.IEnumerable as e -> seq { for x in e do yield! values x }
            | _ -> Seq.singleton o
        let flat = values data |> Seq.toArray
        let expected = Array.fold (*) 1 shape
        if flat.Length <> expected then
            invalidArg "data" $"{op}: the nested data is ragged (its first elements suggest shape {shapeText shape}, but it holds {flat.Length} values). Every row must have the same length."
        flat, shape

    /// A tensor from nested data: a number, an array of any rank, lists of lists, sequences. The
    /// dtype follows the .NET element type (see ofArray); empty data gives float32.
    let ofNested (op: string) (data: obj) (device: Device) : RawTensor =
        if isNull data then raise (ArgumentNullException("data", $"{op}: the data is null; give a number, an array, a list or a sequence."))
        let flat, shape = flattenNested op data
        if flat.Length = 0 then zerosFor op shape Dtype.Float32 device
        else
            if flat |> Array.exists isNull then invalidArg "data" $"{op}: the data holds null elements; every element must be a number or a bool."
            let kind = flat[0].GetType()
            if kind.FullName.StartsWith "Nabla.Tensor" then
                invalidArg "data" $"{op}: the data holds tensors; combine tensors with Tensor.stack or Tensor.cat instead."
            if flat |> Array.exists (fun o -> o.GetType() <> kind) then
                invalidArg "data" $"{op}: all elements must have the same type; found {kind.Name} and others. Convert them first (e.g. to float)."
            // an array of the elements' own type (float[], int64[], ...), which picks the dtype
            let typed = Array.CreateInstance(kind, flat.Length)
            Array.Copy(flat, typed, flat.Length)
            ofArrayFor op typed shape device
