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
        | Float16 -> "float16"
        | BFloat16 -> "bfloat16"
        | Float32 -> "float32"
        | Float64 -> "float64"
        | UInt8 -> "uint8"
        | Int8 -> "int8"
        | Int16 -> "int16"
        | Int32 -> "int32"
        | Int64 -> "int64"
        | Bool -> "bool"

    /// True for the floating-point types, the only ones that can be differentiated.
    member d.IsFloatingPoint =
        match d with
        | Float16
        | BFloat16
        | Float32
        | Float64 -> true
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

    /// The most recent LibTorch scalars made on this thread. TorchSharp hands a Scalar's raw handle
    /// to the native call, after which nothing references the Scalar: the GC may finalize it, freeing
    /// the native value, while the call still reads it (seen under memory pressure as LibTorch's
    /// "Expected false to be true" from c10::Scalar::toDouble). Keeping the last few referenced
    /// here makes every scalar outlive the native call it was made for; older ones are dropped as
    /// newer ones arrive, and finalized later.
    [<Sealed>]
    type private RecentScalars() =
        let items: Scalar[] = Array.zeroCreate 32
        let mutable next = 0

        member _.Keep(s: Scalar) =
            // The one it replaces is left to its finalizer (off this thread), as before.
            items[next] <- s
            next <- (next + 1) % items.Length
            s

    let private recentScalars =
        new Threading.ThreadLocal<RecentScalars>(fun () -> RecentScalars())

    /// A float as a LibTorch scalar for one native call (see RecentScalars).
    let scalar (c: float) : Scalar =
        recentScalars.Value.Keep(Scalar.op_Implicit c)

    /// An integer as a LibTorch scalar for one native call (an integer tensor keeps its dtype with it).
    let scalarInt (c: int64) : Scalar =
        recentScalars.Value.Keep(Scalar.op_Implicit c)

    /// A bool as a LibTorch scalar for one native call.
    let scalarBool (b: bool) : Scalar =
        recentScalars.Value.Keep(Scalar.op_Implicit b)

    let cudaAvailable =
        lazy
            (Native.ensureLoaded ()
             torch.cuda_is_available ())

    /// The TorchSharp device, after checking that it exists on this machine; errors name `op`.
    let toTorchDeviceFor (op: string) (d: Device) =
        match d with
        | Device.Cpu -> torch.CPU
        | Device.Cuda i ->
            if not cudaAvailable.Value then
                raise (
                    NotSupportedException(
                        $"{op}: device {d} is not available: CUDA is not available in this process. Nabla is running on the CPU build of "
                        + "LibTorch (libtorch-cpu-linux-x64) or on a machine without a GPU. Use Device.Cpu, or build "
                        + "with a CUDA LibTorch runtime package on a machine with an NVIDIA GPU."
                    )
                )

            let count = torch.cuda.device_count ()

            if i < 0 || i >= count then
                raise (
                    ArgumentOutOfRangeException(
                        "device",
                        $"{op}: device {d} does not exist; this machine has {count} CUDA device(s) (cuda:0 .. cuda:{count - 1})."
                    )
                )

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
            + "the scope (or create it outside) to keep it. A tensor you Dispose() yourself cannot be used again."
        )

    /// The shape as int[]. TorchSharp's `shape` property costs over a microsecond (it marshals
    /// through a callback); dim and size are plain calls of a few nanoseconds.
    let shape (t: RawTensor) : int[] =
        if t.IsInvalid then
            raise (useAfterFree "shape")

        let n = int (t.dim ())
        let s = Array.zeroCreate n

        for i in 0 .. n - 1 do
            s[i] <- int (t.size i)

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
        try
            Memory.adopt (f ())
        with e ->
            match translate op inputs e with
            | null -> reraise ()
            | translated -> raise translated

    let inline guard1 (op: string) (a: RawTensor) ([<InlineIfLambda>] f: unit -> RawTensor) : RawTensor =
        try
            Memory.adopt (f ())
        with e ->
            match translate op [| a |] e with
            | null -> reraise ()
            | translated -> raise translated

    let inline guard2 (op: string) (a: RawTensor) (b: RawTensor) ([<InlineIfLambda>] f: unit -> RawTensor) : RawTensor =
        try
            Memory.adopt (f ())
        with e ->
            match translate op [| a; b |] e with
            | null -> reraise ()
            | translated -> raise translated

    /// Like guard, for calls that return something other than one tensor (several tensors, a
    /// number); the caller adopts any tensors it keeps.
    let inline guardAny (op: string) (inputs: RawTensor[]) ([<InlineIfLambda>] f: unit -> 'T) : 'T =
        try
            f ()
        with e ->
            match translate op inputs e with
            | null -> reraise ()
            | translated -> raise translated

    /// Resolves a negative dimension index against a rank, or fails naming the op. A 0-d tensor
    /// has no dimension to name.
    let normDim (op: string) (rank: int) (dim: int) =
        let d = if dim < 0 then dim + rank else dim

        if d < 0 || d >= rank then
            let valid =
                if rank = 0 then
                    "a 0-d tensor has no dimensions; reshape it to [1] first"
                else
                    $"valid: {-rank} .. {rank - 1}"

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
        try
            f ()
        with e ->
            match renamed op e with
            | null -> reraise ()
            | e -> raise e

    /// Refuses a non-floating-point input to an op that needs one, naming the op and the fix.
    let requireFloat (op: string) (t: RawTensor) =
        let d = ofScalarType t.dtype

        if not d.IsFloatingPoint then
            invalidArg
                "x"
                $"{op}: needs a floating-point tensor; got {describe t}. Convert it with Tensor.toDtype Dtype.Float32 (or Float64)."

    /// Whether every value is finite: x·0 summed is 0 when they all are, NaN otherwise (inf·0
    /// and NaN·0 are NaN); vectorised.
    let private allFiniteIn<'T when 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType> (isFinite: 'T -> bool) (values: Span<'T>) =
        let vectors =
            Runtime.InteropServices.MemoryMarshal.Cast<'T, Numerics.Vector<'T>> values

        let mutable acc = Numerics.Vector<'T>.Zero

        for i in 0 .. vectors.Length - 1 do
            acc <- acc + vectors[i] * Numerics.Vector<'T>.Zero

        let mutable ok = isFinite (Numerics.Vector.Sum acc)

        for i in vectors.Length * Numerics.Vector<'T>.Count .. values.Length - 1 do
            ok <- ok && isFinite values[i]

        ok

    /// True when every value of a floating-point tensor is finite. For a contiguous float32 or
    /// float64 tensor on the CPU the values are read in place (no native call, no new tensor: this
    /// runs in hot rules such as relu's); otherwise LibTorch sums them.
    let allFinite (t: RawTensor) : bool =
        let inPlace = t.device_type = DeviceType.CPU && t.is_contiguous ()

        if inPlace && t.dtype = torch.ScalarType.Float32 then
            allFiniteIn Single.IsFinite (Runtime.InteropServices.MemoryMarshal.Cast<byte, float32> t.bytes)
        elif inPlace && t.dtype = torch.ScalarType.Float64 then
            allFiniteIn Double.IsFinite (Runtime.InteropServices.MemoryMarshal.Cast<byte, float> t.bytes)
        else
            use s = t.sum ()
            use s64 = s.to_type torch.ScalarType.Float64
            Double.IsFinite(s64.item<float>())

    /// True when a tensor has the shape of another that is a broadcast of it (an op's output and
    /// one of its inputs): equal rank and element count then mean equal shapes, except when a
    /// dimension is 0 ([0, 1] against [0, 5]), where the sizes are compared. Four native calls in
    /// the common case: it runs for every input of every lifted op.
    let sameShapeAsBroadcast (a: RawTensor) (b: RawTensor) =
        if a.dim () <> b.dim () then
            false
        else
            let n = a.numel ()

            if n <> b.numel () then
                false
            elif n > 0L then
                true
            else
                let rank = int (a.dim ())
                let mutable same = true
                let mutable i = 0

                while same && i < rank do
                    same <- a.size i = b.size i
                    i <- i + 1

                same

    /// True when two tensors have exactly the same shape (no allocation).
    let sameShape (a: RawTensor) (b: RawTensor) =
        let n = int (a.dim ())

        if n <> int (b.dim ()) then
            false
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
        if a = b then
            a
        else
            ofScalarType (torch.promote_types (toScalarType a, toScalarType b))

    let private ensure () = Native.ensureLoaded ()

    /// int[] → int64[], the form TorchSharp takes for shapes, dims, strides and paddings.
    let longs (xs: int[]) = Array.map int64 xs

    /// Sums over the leading dimensions and the size-1 dimensions of `target` that `t` stretched:
    /// the inverse of broadcasting `target` to t's shape.
    let sumTo (t: RawTensor) (target: int[]) : RawTensor =
        let s = shape t
        let lead = s.Length - target.Length

        if lead < 0 then
            invalidArg "target" $"sumTo: cannot reduce {shapeText s} to the larger rank {shapeText target}."

        let dims =
            [|
                for i in 0 .. s.Length - 1 do
                    if i < lead || (target[i - lead] = 1 && s[i] <> 1) then
                        int64 i
            |]

        if dims.Length = 0 then
            t.alias ()
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

            if da = db || db = 1 then
                da
            elif da = 1 then
                db
            else
                invalidArg
                    "shape"
                    $"{op}: shapes {shapeText a} and {shapeText b} do not broadcast (dimension {i}: {da} vs {db}). Reshape one of them so that each dimension matches or is 1.")

    /// t with zeros where mask is true (a select, never a product: inf·0 would be NaN); the
    /// result has the broadcast shape of t and mask.
    let maskedZero (op: string) (t: RawTensor) (mask: RawTensor) : RawTensor =
        if sameShape t mask then
            t.masked_fill (mask, scalar 0.0)
        else
            let s = broadcastShapes op (shape t) (shape mask)
            use e = t.expand (longs s)
            e.masked_fill (mask, scalar 0.0)

    /// Where a pow's base is 0 and its exponent non-negative: there the exponent's derivative
    /// y·log(a) is 0·(-inf), and PyTorch defines it as 0.
    let zeroBaseMask (a: RawTensor) (b: RawTensor) : RawTensor =
        use z = a.eq (scalar 0.0)
        use nn = b.ge (scalar 0.0)
        Memory.adopt (z.logical_and nn)

    /// A shape as TorchSharp takes it, checked; errors name `op`.
    let shape64For (op: string) (shape: int[]) =
        if isNull shape then
            nullArg "shape"

        for d in shape do
            if d < 0 then
                invalidArg "shape" $"{op}: a shape cannot have a negative size: {shapeText shape}."

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
        createFor op device (fun d -> torch.full (shape64For op shape, scalar value, toScalarType dtype, d))

    let zeros (shape: int[]) (dtype: Dtype) (device: Device) = zerosFor "zeros" shape dtype device
    let ones (shape: int[]) (dtype: Dtype) (device: Device) = onesFor "ones" shape dtype device
    let full (shape: int[]) (value: float) (dtype: Dtype) (device: Device) = fullFor "full" shape value dtype device

    let zerosLike (t: RawTensor) = Memory.adopt (torch.zeros_like t)
    let onesLike (t: RawTensor) = Memory.adopt (torch.ones_like t)

    /// A tensor from a flat array and a shape; the element type follows the array's .NET type.
    /// The dtype that a .NET element type gives a tensor (float → float64, float32, int → int32,
    /// int64, int16, byte → uint8, sbyte → int8, bool, Half → float16).
    let dtypeOfElement (op: string) (t: Type) : Dtype =
        if t = typeof<float> then
            Dtype.Float64
        elif t = typeof<float32> then
            Dtype.Float32
        elif t = typeof<int> then
            Dtype.Int32
        elif t = typeof<int64> then
            Dtype.Int64
        elif t = typeof<int16> then
            Dtype.Int16
        elif t = typeof<byte> then
            Dtype.UInt8
        elif t = typeof<sbyte> then
            Dtype.Int8
        elif t = typeof<bool> then
            Dtype.Bool
        elif t = typeof<Half> then
            Dtype.Float16
        else
            raise (
                NotSupportedException(
                    $"{op}: elements of type {t.Name} are not supported; use float, float32, int, int64, int16, byte, sbyte, bool or System.Half."
                )
            )

    let ofArrayFor (op: string) (data: Array) (shape: int[]) (device: Device) : RawTensor =
        let n = Array.fold (*) 1 shape

        if n <> data.Length then
            invalidArg "data" $"{op}: {data.Length} values cannot fill the shape {shapeText shape} ({n} elements)."

        let shape = shape64For op shape

        // the element type picks the dtype (and refuses unsupported types before anything is made);
        // by element type, not by an array type test: the CLR lets an sbyte[] pass a test for byte[]
        let dtype = dtypeOfElement op (data.GetType().GetElementType())

        createFor op device (fun dev ->
            let st = toScalarType dtype

            match dtype with
            | Dtype.Float64 -> torch.tensor (data :?> float[], ReadOnlySpan shape, st, dev)
            | Dtype.Float32 -> torch.tensor (data :?> float32[], ReadOnlySpan shape, st, dev)
            | Dtype.Int32 -> torch.tensor (data :?> int[], ReadOnlySpan shape, st, dev)
            | Dtype.Int64 -> torch.tensor (data :?> int64[], ReadOnlySpan shape, st, dev)
            | Dtype.Bool -> torch.tensor (data :?> bool[], ReadOnlySpan shape, st, dev)
            | Dtype.Int8 -> torch.tensor (data :?> sbyte[], ReadOnlySpan shape, st, dev)
            | Dtype.UInt8 -> torch.tensor (data :?> byte[], ReadOnlySpan shape, st, dev)
            | Dtype.Int16 -> torch.tensor (data :?> int16[], ReadOnlySpan shape, st, dev)
            | Dtype.Float16 -> torch.tensor (data :?> Half[], ReadOnlySpan shape, st, dev)
            | Dtype.BFloat16 -> invalidOp $"{op}: no .NET element type gives bfloat16") // dtypeOfElement never returns it

    let ofArray (data: Array) (shape: int[]) (device: Device) : RawTensor = ofArrayFor "ofArray" data shape device

    /// The elements as a flat float[] (any dtype, any device).
    let toFloatArray (t: RawTensor) : float[] =
        // TorchSharp's accessor throws on an empty tensor
        if t.numel () = 0L then
            [||]
        else
            // A copy (never an alias of t, which must survive), then a contiguous view of it.
            use c =
                t.``to`` (torch.ScalarType.Float64, torch.CPU, copy = true, disposeAfter = false)

            use cc = c.contiguous ()
            cc.data<float>().ToArray()

    /// The value of a one-element tensor as a float: read in place for a float32 or float64 tensor
    /// in CPU memory (TorchSharp's item, one native call), else through toFloatArray (a copy).
    let toFloat (t: RawTensor) : float =
        match t.dtype with
        | torch.ScalarType.Float32 when t.device_type = DeviceType.CPU -> float (t.item<float32>())
        | torch.ScalarType.Float64 when t.device_type = DeviceType.CPU -> t.item<float>()
        | _ -> (toFloatArray t)[0]

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
            | :? Collections.IEnumerable as e ->
                seq {
                    for x in e do
                        yield! values x
                }
            | _ -> Seq.singleton o

        let flat = values data |> Seq.toArray
        let expected = Array.fold (*) 1 shape

        if flat.Length <> expected then
            invalidArg
                "data"
                $"{op}: the nested data is ragged (its first elements suggest shape {shapeText shape}, but it holds {flat.Length} values). Every row must have the same length."

        flat, shape

    /// A tensor from nested data: a number, an array of any rank, lists of lists, sequences. The
    /// dtype follows the .NET element type (see ofArray); empty data gives float32.
    let ofNested (op: string) (data: obj) (device: Device) : RawTensor =
        if isNull data then
            raise (ArgumentNullException("data", $"{op}: the data is null; give a number, an array, a list or a sequence."))

        let flat, shape = flattenNested op data

        if flat.Length = 0 then
            zerosFor op shape Dtype.Float32 device
        else
            if flat |> Array.exists isNull then
                invalidArg "data" $"{op}: the data holds null elements; every element must be a number or a bool."

            let kind = flat[0].GetType()

            if kind.FullName.StartsWith "Nabla.Tensor" then
                invalidArg "data" $"{op}: the data holds tensors; combine tensors with Tensor.stack or Tensor.cat instead."

            if flat |> Array.exists (fun o -> o.GetType() <> kind) then
                invalidArg
                    "data"
                    $"{op}: all elements must have the same type; found {kind.Name} and others. Convert them first (e.g. to float)."
            // an array of the elements' own type (float[], int64[], ...), which picks the dtype
            let typed = Array.CreateInstance(kind, flat.Length)
            Array.Copy(flat, typed, flat.Length)
            ofArrayFor op typed shape device

    // ---------------------------------------------------------------- integers, randomness and conversion
    // Several of these natives do not check their input, or end the process on it (randperm with
    // n < 0, a bool dtype or n beyond its dtype's range is a segmentation fault in TorchSharp
    // 0.107), so the arguments are validated here first.

    /// TorchSharp's wrapper keeps the native tensor in this field.
    let private handleField =
        lazy (typeof<RawTensor>.GetField("handle", Reflection.BindingFlags.Instance ||| Reflection.BindingFlags.NonPublic))

    /// Makes `target` refer to `replacement`'s native tensor (a new dtype or device), and frees
    /// target's old one: PyTorch's `param.data = new` for a module's `to(dtype)`. Every holder of
    /// the target wrapper (a parameter in a user's field, a graph) sees the new values, the way
    /// every holder of a PyTorch Parameter does. `replacement` must not be used afterwards.
    let replaceContents (target: RawTensor) (replacement: RawTensor) =
        let field = handleField.Value

        if isNull field then
            invalidOp "Module.To: this TorchSharp version stores tensors differently; converting parameters in place is not possible."

        let old = field.GetValue target
        field.SetValue(target, field.GetValue replacement)
        field.SetValue(replacement, old)
        replacement.Dispose()

    /// The generator's LibTorch object, or null for the global generator.
    let torchGenerator (g: Generator) : torch.Generator =
        if isNull (box g) then null else g.Torch

    /// The integers a dtype holds exactly: its range for integer types, ±2^(mantissa bits + 1) for
    /// floating-point ones (as PyTorch's randint bounds), {0, 1} for bool.
    let exactIntegers (d: Dtype) : int64 * int64 =
        match d with
        | Dtype.Bool -> 0L, 1L
        | Dtype.UInt8 -> 0L, 255L
        | Dtype.Int8 -> -128L, 127L
        | Dtype.Int16 -> -32768L, 32767L
        | Dtype.Int32 -> int64 Int32.MinValue, int64 Int32.MaxValue
        | Dtype.Int64 -> Int64.MinValue, Int64.MaxValue
        | Dtype.Float16 -> -2048L, 2048L
        | Dtype.BFloat16 -> -256L, 256L
        | Dtype.Float32 -> -(1L <<< 24), 1L <<< 24
        | Dtype.Float64 -> -(1L <<< 53), 1L <<< 53

    /// Integers uniform in [low, high) of a dtype that holds them all exactly.
    let randint (op: string) (low: int64) (high: int64) (shape: int[]) (dtype: Dtype) (device: Device) (g: torch.Generator) =
        if low >= high then
            invalidArg "high" $"{op}: low must be below high (values are drawn from [low, high)); got low = {low}, high = {high}."

        let lo, hi = exactIntegers dtype

        if low < lo || high - 1L > hi then
            invalidArg
                "dtype"
                $"{op}: dtype {dtype} cannot hold every integer of [{low}, {high}) exactly (it holds {lo} .. {hi}). Use a wider dtype such as int64 (the default)."

        let s = shape64For op shape
        createFor op device (fun d -> torch.randint (low, high, s, toScalarType dtype, d, false, g))

    /// A random permutation of 0 .. n-1 (drawn as int64, then converted: the native call crashes on
    /// dtypes that cannot hold the positions).
    let randperm (op: string) (n: int64) (dtype: Dtype) (device: Device) (g: torch.Generator) =
        if n < 0L then
            invalidArg "n" $"{op}: n must be non-negative; got {n}."

        if dtype = Dtype.Bool then
            invalidArg "dtype" $"{op}: a permutation cannot be of dtype bool; use an integer dtype (int64 is the default)."

        let _, hi = exactIntegers dtype

        if n - 1L > hi then
            invalidArg
                "n"
                $"{op}: dtype {dtype} cannot hold the positions 0 .. {n - 1L} exactly (at most {hi}). Use a wider dtype such as int64 (the default)."

        createFor op device (fun d ->
            let p = torch.randperm (n, torch.ScalarType.Int64, d, false, g)

            if dtype = Dtype.Int64 then
                p
            else
                use p = p
                p.to_type (toScalarType dtype))

    /// Normal values with a scalar mean and standard deviation (TorchSharp does not check std).
    let normal (op: string) (mean: float) (std: float) (shape: int[]) (dtype: Dtype) (device: Device) (g: torch.Generator) =
        if not (std >= 0.0) then
            invalidArg "std" $"{op}: the standard deviation must be non-negative; got {std}."

        if not dtype.IsFloatingPoint then
            invalidArg "dtype" $"{op}: draws floating-point values; dtype {dtype} is not a floating-point type."

        let s = shape64For op shape
        createFor op device (fun d -> torch.normal (mean, std, ReadOnlySpan s, toScalarType dtype, d, false, g, null))

    /// True when every element of a bool tensor is true.
    let private allTrue (t: RawTensor) =
        use a = t.all ()
        a.item<bool>()

    /// Normal values with elementwise means and standard deviations (broadcast together; both
    /// floating-point, promoted to one dtype; every std non-negative).
    let normalTensors (op: string) (mean: RawTensor) (std: RawTensor) (g: torch.Generator) =
        for name, t in [ "mean", mean; "std", std ] do
            if not (ofScalarType t.dtype).IsFloatingPoint then
                invalidArg name $"{op}: the {name} must be a floating-point tensor; got {describe t}. Convert it with Tensor.toDtype."

        broadcastShapes op (shape mean) (shape std) |> ignore

        let nonNegative =
            guardAny op [| std |] (fun () -> use ge = std.ge (scalar 0.0) in allTrue ge)

        if not nonNegative then
            invalidArg "std" $"{op}: every standard deviation must be non-negative (and not NaN); std {describe std} has one that is not."

        let dtype = torch.promote_types (mean.dtype, std.dtype)

        guard op [| mean; std |] (fun () ->
            // LibTorch draws one value per element of the un-broadcast operands and then repeats
            // them (a [3, 1] mean with a [1, n] std gives rows of one value): both are expanded to
            // the result's shape and made contiguous first, so every element gets its own draw.
            let target = longs (broadcastShapes op (shape mean) (shape std))

            let full (t: RawTensor) =
                use converted = if t.dtype = dtype then t.alias () else t.to_type dtype
                use expanded = converted.expand target
                expanded.contiguous ()

            use m = full mean
            use s = full std
            torch.normal (m, s, g))

    /// 0 or 1 with the given probabilities (a floating-point tensor with values in [0, 1]), of its dtype.
    let bernoulli (op: string) (probs: RawTensor) (g: torch.Generator) =
        if not (ofScalarType probs.dtype).IsFloatingPoint then
            invalidArg
                "probs"
                $"{op}: the probabilities must be a floating-point tensor; got {describe probs}. Convert it with Tensor.toDtype."

        let inRange =
            guardAny op [| probs |] (fun () ->
                use ge = probs.ge (scalar 0.0)
                use le = probs.le (scalar 1.0)
                use both = ge.logical_and le
                allTrue both)

        if not inRange then
            invalidArg "probs" $"{op}: every probability must be in [0, 1] (and not NaN); {describe probs} has one that is not."

        guard1 op probs (fun () -> torch.bernoulli (probs, g))

    /// 0 or 1, each 1 with probability p, of a shape and dtype.
    let bernoulliScalar (op: string) (p: float) (shape: int[]) (dtype: Dtype) (device: Device) (g: torch.Generator) =
        if not (p >= 0.0 && p <= 1.0) then
            invalidArg "p" $"{op}: the probability must be in [0, 1]; got {p}."

        let s = shape64For op shape

        createFor op device (fun d ->
            let e = torch.empty (s, toScalarType dtype, d)
            e.bernoulli_ (p, g) |> ignore
            e)

    /// Category indices (int64) drawn from the rows of a 1-D or 2-D tensor of non-negative weights.
    let multinomial (op: string) (probs: RawTensor) (numSamples: int) (replacement: bool) (g: torch.Generator) =
        let s = shape probs

        if not (ofScalarType probs.dtype).IsFloatingPoint then
            invalidArg
                "probs"
                $"{op}: the probabilities must be a floating-point tensor; got {describe probs}. Convert it with Tensor.toDtype."

        if s.Length < 1 || s.Length > 2 then
            invalidArg "probs" $"{op}: the probabilities must be 1-D (one distribution) or 2-D (one per row); got shape {shapeText s}."

        let categories = s[s.Length - 1]

        if categories = 0 then
            invalidArg "probs" $"{op}: there are no categories to draw from (shape {shapeText s})."

        if numSamples < 1 then
            invalidArg "numSamples" $"{op}: numSamples must be at least 1; got {numSamples}."

        if not replacement && numSamples > categories then
            invalidArg
                "numSamples"
                $"{op}: cannot draw {numSamples} samples without replacement from {categories} categories (shape {shapeText s}). Draw at most {categories}, or pass replacement = true."

        if probs.numel () = 0L then
            // no distributions (shape [0, k]): no samples, as PyTorch
            create (ofTorchDevice probs.device) (fun d -> torch.empty ([| 0L; int64 numSamples |], torch.ScalarType.Int64, d))
        else
            let valid, rowsPositive, fewestNonZero =
                guardAny op [| probs |] (fun () ->
                    use finite = probs.isfinite ()
                    use ge = probs.ge (scalar 0.0)
                    use ok = finite.logical_and ge
                    let valid = allTrue ok
                    use sums = probs.sum (-1L, false)
                    use positive = sums.gt (scalar 0.0)
                    use nonZero = probs.ne (scalar 0.0)
                    use counts = nonZero.sum (-1L, false)
                    use fewest = counts.min ()
                    valid, allTrue positive, fewest.item<int64>())

            if not valid then
                invalidArg
                    "probs"
                    $"{op}: the probabilities must be finite and non-negative; {describe probs} has a negative, infinite or NaN entry."

            if not rowsPositive then
                invalidArg "probs" $"{op}: every distribution needs a positive sum; {describe probs} has a row of zeros."

            if not replacement && fewestNonZero < int64 numSamples then
                invalidArg
                    "numSamples"
                    $"{op}: without replacement, {numSamples} samples need at least {numSamples} categories of non-zero probability in every row; a row of {describe probs} has only {fewestNonZero}."

            guard1 op probs (fun () -> torch.multinomial (probs, int64 numSamples, replacement, g))


    /// The elements, converted to 'T (LibTorch's conversion: floats to integers truncate toward
    /// zero, anything non-zero to bool is true), flattened in row-major order.
    let toArrayOf<'T> (op: string) (t: RawTensor) : 'T[] =
        let dtype = dtypeOfElement op typeof<'T>

        if t.numel () = 0L then
            Array.zeroCreate 0
        else
            use c = t.``to`` (toScalarType dtype, torch.CPU, copy = true, disposeAfter = false)
            use cc = c.contiguous ()

            let values: Array =
                match dtype with
                | Dtype.Float64 -> cc.data<float>().ToArray()
                | Dtype.Float32 -> cc.data<float32>().ToArray()
                | Dtype.Int32 -> cc.data<int>().ToArray()
                | Dtype.Int64 -> cc.data<int64>().ToArray()
                | Dtype.Int16 -> cc.data<int16>().ToArray()
                | Dtype.UInt8 -> cc.data<byte>().ToArray()
                | Dtype.Int8 -> cc.data<sbyte>().ToArray()
                | Dtype.Bool -> cc.data<bool>().ToArray()
                | Dtype.Float16 -> cc.data<Half>().ToArray()
                | Dtype.BFloat16 -> raise (NotSupportedException $"{op}: bfloat16 has no .NET element type.")

            values :?> 'T[]

    /// A CPU tensor of a shape with the values of a span, copied once (the dtype follows 'T).
    let ofSpan<'T when 'T: unmanaged and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (op: string)
        (data: ReadOnlySpan<'T>)
        (shape: int[])
        : RawTensor =
        let dtype = dtypeOfElement op typeof<'T>
        let n = Array.fold (*) 1 (shape64For op shape |> Array.map int)

        if n <> data.Length then
            invalidArg "data" $"{op}: {data.Length} values cannot fill the shape {shapeText shape} ({n} elements)."

        let t =
            createFor op Device.Cpu (fun d -> torch.empty (longs shape, toScalarType dtype, d))

        if n > 0 then
            use accessor = t.data<'T>()
            accessor.CopyFrom(data, 0, 0L)

        t

    /// Copies the elements, converted to 'T, into the start of a span.
    let copyToSpan<'T when 'T: unmanaged and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (op: string)
        (t: RawTensor)
        (destination: Span<'T>)
        =
        let dtype = dtypeOfElement op typeof<'T>
        let n = t.numel ()

        if int64 destination.Length < n then
            invalidArg "destination" $"{op}: the destination holds {destination.Length} elements; the tensor {describe t} has {n}."

        if n > 0L then
            use c = t.``to`` (toScalarType dtype, torch.CPU, copy = true, disposeAfter = false)
            use cc = c.contiguous ()
            use accessor = cc.data<'T>()
            // TensorAccessor.CopyTo refuses a destination longer than the tensor; go through its array
            ReadOnlySpan(accessor.ToArray()).CopyTo destination

    /// An integer division (floor_divide, remainder, fmod) whose divisor may hold a zero: LibTorch
    /// reports it as "ZeroDivisionError" (PyTorch raises ZeroDivisionError), here as a
    /// DivideByZeroException naming the op.
    let integerDivision (op: string) (divisor: obj) (f: unit -> RawTensor) : RawTensor =
        try
            f ()
        with :? ExternalException as e when e.Message.Contains "ZeroDivisionError" ->
            let text =
                match divisor with
                | :? RawTensor as t -> describe t
                | other -> string other

            raise (
                DivideByZeroException(
                    $"{op}: integer division by zero (the divisor {text} is or holds 0; PyTorch raises ZeroDivisionError here). "
                    + "Divide floating-point tensors to get inf or NaN instead.",
                    e
                )
            )

    /// A .NET number as a LibTorch scalar: integers stay integers (an integer tensor with an
    /// integer scalar keeps its dtype, as with a Python int in PyTorch), floats are floats.
    let scalarOf (op: string) (value: obj) : Scalar =
        match value with
        | :? int as v -> scalarInt (int64 v)
        | :? int64 as v -> scalarInt v
        | :? int16 as v -> scalarInt (int64 v)
        | :? byte as v -> scalarInt (int64 v)
        | :? sbyte as v -> scalarInt (int64 v)
        | :? float as v -> scalar v
        | :? float32 as v -> scalar (float v)
        | null -> nullArg "value"
        | other ->
            invalidArg "value" $"{op}: a scalar must be an int, int64, int16, byte, sbyte, float or float32; got {other.GetType().Name}."
