namespace Nabla

open System
open System.Collections
open TorchSharp
open Nabla.Raw

/// Factories with optional dtype and device, PyTorch style:
/// `Tensor.Zeros([| 2; 3 |], dtype = Dtype.Float64, device = Device.Cpu)`.
[<AutoOpen>]
module TensorFactories =

    /// Flattens nested data (arrays of any rank, lists, sequences, scalars) into values and a shape.
    let private flatten (data: obj) : obj[] * int[] =
        let rec shapeOf (o: obj) : int list =
            match o with
            | :? string -> []
            | :? Array as a when a.Rank > 1 -> [ for d in 0 .. a.Rank - 1 -> a.GetLength d ]
            | :? IEnumerable as e ->
                let items = [ for x in e -> x ]
                match items with
                | [] -> [ 0 ]
                | first :: _ -> items.Length :: shapeOf first
            | _ -> []
        let shape = shapeOf data |> List.toArray
        let rec values (o: obj) : obj seq =
            match o with
            | :? string as s -> Seq.singleton (box s)
            | :? IEnumerable as e -> seq { for x in e do yield! values x }
            | _ -> Seq.singleton o
        let flat = values data |> Seq.toArray
        let expected = Array.fold (*) 1 shape
        if flat.Length <> expected then
            invalidArg "data" $"Tensor.create: the nested data is ragged (its first elements suggest shape {shapeText shape}, but it holds {flat.Length} values). Every row must have the same length."
        flat, shape

    let private ofObj (data: obj) (device: Device) : RawTensor =
        let flat, shape = flatten data
        if flat.Length = 0 then Raw.zeros shape Dtype.Float32 device
        else
            let kind = flat[0].GetType()
            if flat |> Array.exists (fun o -> o.GetType() <> kind) then
                invalidArg "data" $"Tensor.create: all elements must have the same type; found {kind.Name} and others. Convert them first (e.g. float)."
            // an array of the elements' own type (float[], int64[], ...), which picks the dtype
            let typed = Array.CreateInstance(kind, flat.Length)
            Array.Copy(flat, typed, flat.Length)
            Raw.ofArray typed shape device

    let private withDtype (dtype: Dtype option) (r: RawTensor) =
        match dtype with
        | Some d when toScalarType d <> r.dtype -> Memory.adopt (r.to_type (toScalarType d))
        | _ -> r

    let private dflt (d: Dtype option) = defaultArg d Dtype.Float32
    let private dev (d: Device option) = defaultArg d Device.Cpu

    type Tensor with
        /// A tensor from any nested data: a number, an array (1-D to 4-D), a list of lists, a sequence.
        /// The dtype follows the .NET element type (float → float64, float32 → float32, int → int32,
        /// int64 → int64, bool → bool) unless `dtype` is given.
        static member Create(data: obj, ?dtype: Dtype, ?device: Device) : Tensor =
            Const(ofObj data (dev device) |> withDtype dtype)

        /// A tensor of the given shape filled with zeros (float32 unless `dtype` is given).
        static member Zeros(shape: int[], ?dtype: Dtype, ?device: Device) = Const(Raw.zeros shape (dflt dtype) (dev device))

        /// A tensor of the given shape filled with ones (float32 unless `dtype` is given).
        static member Ones(shape: int[], ?dtype: Dtype, ?device: Device) = Const(Raw.ones shape (dflt dtype) (dev device))

        /// A tensor of the given shape filled with `value` (float32 unless `dtype` is given).
        static member Full(shape: int[], value: float, ?dtype: Dtype, ?device: Device) =
            Const(Raw.full shape value (dflt dtype) (dev device))

        /// The n×n identity matrix.
        static member Eye(n: int, ?dtype: Dtype, ?device: Device) =
            if n < 0 then invalidArg "n" $"Tensor.eye: the size must be non-negative; got {n}."
            Const(Raw.create (dev device) (fun d -> torch.eye (int64 n, int64 n, toScalarType (dflt dtype), d)))

        /// Values from `start` (inclusive) to `stop` (exclusive) in steps of `step`.
        static member Arange(start: float, stop: float, ?step: float, ?dtype: Dtype, ?device: Device) =
            let step = defaultArg step 1.0
            if step = 0.0 || (stop - start) * step < 0.0 && stop <> start then
                invalidArg "step" $"Tensor.arange: the step {step} does not lead from {start} to {stop}."
            Const(Raw.create (dev device) (fun d ->
                torch.arange (Scalar.op_Implicit start, Scalar.op_Implicit stop, Scalar.op_Implicit step, toScalarType (dflt dtype), d)))

        /// `steps` values evenly spaced from `start` to `stop`, both included.
        static member Linspace(start: float, stop: float, steps: int, ?dtype: Dtype, ?device: Device) =
            if steps < 0 then invalidArg "steps" $"Tensor.linspace: steps must be non-negative; got {steps}."
            Const(Raw.create (dev device) (fun d -> torch.linspace (start, stop, int64 steps, toScalarType (dflt dtype), d)))

        /// Uniform random values in [0, 1). Uses the global generator unless one is given.
        static member Rand(shape: int[], ?dtype: Dtype, ?device: Device, ?generator: Generator) =
            let g = match generator with Some g -> g.Torch | None -> null
            Const(Raw.create (dev device) (fun d -> torch.rand (shape64 shape, toScalarType (dflt dtype), d, false, g)))

        /// Standard normal random values. Uses the global generator unless one is given.
        static member Randn(shape: int[], ?dtype: Dtype, ?device: Device, ?generator: Generator) =
            let g = match generator with Some g -> g.Torch | None -> null
            Const(Raw.create (dev device) (fun d -> torch.randn (shape64 shape, toScalarType (dflt dtype), d, false, g)))

/// Functions on tensors, tensor last so they compose in pipelines:
/// `x |> Tensor.reshape [| 2; 3 |] |> Tensor.sum`. Every differentiable function here works under
/// every transform (AD.grad, AD.jvp, AD.hessian, ...), to any order of nesting.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Tensor =

    // ------------------------------------------------------------ creation

    /// A 0-d float64 tensor.
    let scalar (value: float) : Tensor = Tensor.Create(box value)

    /// A tensor from any nested data (see Tensor.Create).
    let create (data: obj) : Tensor = Tensor.Create data

    /// A 1-D tensor; the dtype follows the element type (float → float64, float32 → float32, int → int32, int64, bool).
    let ofArray (data: 'T[]) : Tensor = Const(Raw.ofArray data [| data.Length |] Device.Cpu)

    /// A 1-D tensor from a sequence (see ofArray).
    let ofSeq (data: seq<'T>) : Tensor = ofArray (Seq.toArray data)

    /// A 1-D tensor from a list (see ofArray).
    let ofList (data: 'T list) : Tensor = ofArray (List.toArray data)

    /// A 2-D tensor from a .NET 2-D array (see ofArray for the dtype).
    let ofArray2D (data: 'T[,]) : Tensor =
        let rows, cols = Array2D.length1 data, Array2D.length2 data
        let flat = Array.init (rows * cols) (fun k -> data[k / cols, k % cols])
        Const(Raw.ofArray flat [| rows; cols |] Device.Cpu)

    /// A float32 tensor of zeros.
    let zeros (shape: int[]) = Tensor.Zeros shape
    /// A float32 tensor of ones.
    let ones (shape: int[]) = Tensor.Ones shape
    /// A float32 tensor filled with one value.
    let full (shape: int[]) (value: float) = Tensor.Full(shape, value)
    /// The float32 n×n identity matrix.
    let eye (n: int) = Tensor.Eye n
    /// float32 values start, start+step, ... below stop.
    let arange (start: float) (stop: float) (step: float) = Tensor.Arange(start, stop, step)
    /// `steps` float32 values evenly spaced from start to stop, both included.
    let linspace (start: float) (stop: float) (steps: int) = Tensor.Linspace(start, stop, steps)
    /// float32 uniform random values in [0, 1).
    let rand (shape: int[]) = Tensor.Rand shape
    /// float32 standard normal random values.
    let randn (shape: int[]) = Tensor.Randn shape

    /// Zeros with the shape, dtype and device of x (a constant).
    let zerosLike (x: Tensor) = Const(Raw.zerosLike (x.Raw()))
    /// Ones with the shape, dtype and device of x (a constant).
    let onesLike (x: Tensor) = Const(Raw.onesLike (x.Raw()))
    /// `value` everywhere, with the shape, dtype and device of x (a constant).
    let fullLike (value: float) (x: Tensor) = Const(Raw.full x.Shape value x.Dtype x.Device)
    /// Uniform random values with the shape, dtype and device of x.
    let randLike (x: Tensor) = Tensor.Rand(x.Shape, x.Dtype, x.Device)
    /// Normal random values with the shape, dtype and device of x.
    let randnLike (x: Tensor) = Tensor.Randn(x.Shape, x.Dtype, x.Device)

    // ------------------------------------------------------------ conversion and properties

    /// The values, flattened in row-major order, as float (any dtype).
    let toArray (x: Tensor) : float[] = x.ToArray()

    /// The values of a 2-D tensor as float[,].
    let toArray2D (x: Tensor) : float[,] =
        match x.Shape with
        | [| rows; cols |] ->
            let flat = x.ToArray()
            Array2D.init rows cols (fun i j -> flat[i * cols + j])
        | s -> invalidArg "x" $"toArray2D: the tensor must be 2-D; got shape {shapeText s}."

    /// The value of a one-element tensor as float.
    let toScalar (x: Tensor) : float = x.ToScalar()

    /// Frees the native memory now, rather than when the enclosing scope ends or the GC collects the
    /// tensor. Using it afterwards raises ObjectDisposedException.
    let dispose (x: Tensor) = (Prim.Innermost x).Dispose()

    let shape (x: Tensor) = x.Shape
    let dim (x: Tensor) = x.Dim
    let numel (x: Tensor) = x.Numel
    let dtype (x: Tensor) = x.Dtype
    let device (x: Tensor) = x.Device

    /// Converts the element type (differentiable between floating-point types).
    let toDtype (dtype: Dtype) (x: Tensor) = OpsElementwise.toDtype dtype x
    /// Moves the values to a device (differentiable).
    let toDevice (device: Device) (x: Tensor) = OpsElementwise.toDevice device x

    /// The value with every level of differentiation removed: derivatives do not flow through it
    /// (JAX's stop_gradient).
    let stopGradient (x: Tensor) : Tensor = Const(x.Raw())
    /// Same as stopGradient (PyTorch's name).
    let detach (x: Tensor) : Tensor = Const(x.Raw())

    // ------------------------------------------------------------ arithmetic and elementwise math

    let add (a: Tensor) (b: Tensor) = a + b
    /// a - b
    let sub (a: Tensor) (b: Tensor) = a - b
    let mul (a: Tensor) (b: Tensor) = a * b
    /// a / b
    let div (a: Tensor) (b: Tensor) = a / b
    let neg (x: Tensor) = -x
    /// x ** exponent
    let pow (exponent: float) (x: Tensor) = Tensor.PowScalar(x, exponent)
    /// x ** exponent, elementwise with a tensor exponent.
    let powTensor (exponent: Tensor) (x: Tensor) = Tensor.PowTensor(x, exponent)
    let abs (x: Tensor) = Tensor.Abs x
    let sqrt (x: Tensor) = Tensor.Sqrt x
    let exp (x: Tensor) = Tensor.Exp x
    let log (x: Tensor) = Tensor.Log x
    let sin (x: Tensor) = Tensor.Sin x
    let cos (x: Tensor) = Tensor.Cos x
    let tan (x: Tensor) = Tensor.Tan x
    let sinh (x: Tensor) = Tensor.Sinh x
    let cosh (x: Tensor) = Tensor.Cosh x
    let tanh (x: Tensor) = Tensor.Tanh x
    let asin (x: Tensor) = Tensor.Asin x
    let acos (x: Tensor) = Tensor.Acos x
    let atan (x: Tensor) = Tensor.Atan x
    /// -1, 0 or 1 by sign (a constant: its derivative is zero).
    let sign (x: Tensor) = Tensor.Sign x
    let erf (x: Tensor) = OpsElementwise.erf x
    /// x², elementwise.
    let square (x: Tensor) = x * x
    /// 1 / x, elementwise.
    let reciprocal (x: Tensor) = Tensor.RDivScalar(1.0, x)
    /// 1 / √x, elementwise.
    let rsqrt (x: Tensor) = Tensor.PowScalar(x, -0.5)
    /// log(1 + x), accurate for small x.
    let log1p (x: Tensor) = OpsElementwise.log1p x
    /// eˣ − 1, accurate for small x.
    let expm1 (x: Tensor) = OpsElementwise.expm1 x
    /// Base-2 logarithm.
    let log2 (x: Tensor) = Tensor.MulScalar(Tensor.Log x, 1.0 / Math.Log 2.0)
    /// Base-10 logarithm.
    let log10 (x: Tensor) = Tensor.Log10 x
    /// The angle of the point (x, y) in (−π, π], elementwise with broadcasting (torch.atan2(y, x)).
    let atan2 (y: Tensor) (x: Tensor) = Tensor.Atan2(y, x)
    /// Rounds down (a constant: its derivative is zero, as in PyTorch).
    let floor (x: Tensor) = Tensor.Floor x
    /// Rounds up (a constant).
    let ceil (x: Tensor) = Tensor.Ceiling x
    /// Rounds to the nearest integer, half to even (a constant).
    let round (x: Tensor) = Tensor.Round x
    /// Rounds toward zero (a constant).
    let trunc (x: Tensor) = Tensor.Truncate x
    let sigmoid (x: Tensor) = OpsElementwise.sigmoid x
    let relu (x: Tensor) = OpsElementwise.relu x
    /// x for x > 0, slope·x otherwise.
    let leakyRelu (slope: float) (x: Tensor) = OpsElementwise.leakyRelu slope x
    /// x·Φ(x) (exact, PyTorch's default).
    let gelu (x: Tensor) = OpsElementwise.gelu x
    /// log(1 + eˣ)
    let softplus (x: Tensor) = OpsElementwise.softplus x
    /// x·sigmoid(x) (also called swish).
    let silu (x: Tensor) = x * OpsElementwise.sigmoid x
    /// log(sigmoid(x)), computed stably as −softplus(−x).
    let logSigmoid (x: Tensor) = -(OpsElementwise.softplus (-x))
    /// x for x > 0, alpha·(eˣ − 1) otherwise.
    let elu (alpha: float) (x: Tensor) = OpsElementwise.elu alpha x
    /// Limits the values to [lo, hi].
    let clamp (lo: float) (hi: float) (x: Tensor) =
        if lo > hi then invalidArg "lo" $"clamp: the lower bound {lo} is above the upper bound {hi}."
        OpsElementwise.clamp (Some lo) (Some hi) x
    /// Limits the values from below.
    let clampMin (lo: float) (x: Tensor) = OpsElementwise.clamp (Some lo) None x
    /// Limits the values from above.
    let clampMax (hi: float) (x: Tensor) = OpsElementwise.clamp None (Some hi) x
    /// Elementwise maximum (ties split the derivative evenly).
    let maximum (a: Tensor) (b: Tensor) = OpsElementwise.maximum a b
    /// Elementwise minimum (ties split the derivative evenly).
    let minimum (a: Tensor) (b: Tensor) = OpsElementwise.minimum a b
    /// a where cond (a bool tensor) is true, b elsewhere.
    let where (cond: Tensor) (a: Tensor) (b: Tensor) = OpsElementwise.where cond a b

    // ------------------------------------------------------------ comparisons (bool results, not differentiated)

    let eq (a: Tensor) (b: Tensor) = OpsElementwise.compare "eq" (fun a b -> a.eq b) a b
    let ne (a: Tensor) (b: Tensor) = OpsElementwise.compare "ne" (fun a b -> a.ne b) a b
    /// a < b
    let lt (a: Tensor) (b: Tensor) = OpsElementwise.compare "lt" (fun a b -> a.lt b) a b
    /// a <= b
    let le (a: Tensor) (b: Tensor) = OpsElementwise.compare "le" (fun a b -> a.le b) a b
    /// a > b
    let gt (a: Tensor) (b: Tensor) = OpsElementwise.compare "gt" (fun a b -> a.gt b) a b
    /// a >= b
    let ge (a: Tensor) (b: Tensor) = OpsElementwise.compare "ge" (fun a b -> a.ge b) a b

    /// True when the shapes match and every |a − b| ≤ atol + rtol·|b|.
    let allClose (rtol: float) (atol: float) (a: Tensor) (b: Tensor) =
        a.Shape = b.Shape
        && (let ra, rb = a.Raw(), b.Raw() in ra.allclose (rb, rtol, atol, false))

    // ------------------------------------------------------------ reductions

    /// Sum of all elements (0-d).
    let sum (x: Tensor) = OpsReduce.sum x
    /// Sum over one dimension (removed).
    let sumDim (dim: int) (x: Tensor) = OpsReduce.sumDims [| dim |] false x
    /// Sum over dimensions, keeping them as size 1 if keepDim.
    let sumDims (dims: int[]) (keepDim: bool) (x: Tensor) = OpsReduce.sumDims dims keepDim x
    /// Mean of all elements (0-d).
    let mean (x: Tensor) = OpsReduce.mean x
    /// Mean over one dimension (removed).
    let meanDim (dim: int) (x: Tensor) = OpsReduce.meanDims [| dim |] false x
    /// Mean over dimensions, keeping them as size 1 if keepDim.
    let meanDims (dims: int[]) (keepDim: bool) (x: Tensor) = OpsReduce.meanDims dims keepDim x
    /// Largest element (0-d).
    let max (x: Tensor) = OpsReduce.maxAll x
    /// Smallest element (0-d).
    let min (x: Tensor) = OpsReduce.minAll x
    /// Largest values along a dimension (removed).
    let maxDim (dim: int) (x: Tensor) = OpsReduce.extremeDim "max" true dim false x
    /// Smallest values along a dimension (removed).
    let minDim (dim: int) (x: Tensor) = OpsReduce.extremeDim "min" false dim false x
    /// Positions of the largest values along a dimension (int64).
    let argmax (dim: int) (x: Tensor) = OpsReduce.argExtreme "argmax" true dim false x
    /// Positions of the smallest values along a dimension (int64).
    let argmin (dim: int) (x: Tensor) = OpsReduce.argExtreme "argmin" false dim false x
    /// log Σ exp along a dimension (removed), computed stably.
    let logsumexp (dim: int) (x: Tensor) = OpsReduce.logsumexp dim false x
    /// log Σ exp over dimensions (all when empty), keeping them as size 1 if keepDim; stable.
    let logsumexpDims (dims: int[]) (keepDim: bool) (x: Tensor) = OpsReduce.logsumexpDims dims keepDim x
    /// Largest values over dimensions (all when empty), keeping them as size 1 if keepDim
    /// (torch.amax: ties share the derivative equally).
    let amax (dims: int[]) (keepDim: bool) (x: Tensor) = OpsReduce.extremeDims "amax" (fun r ds k -> r.amax (ds, k)) dims keepDim x
    /// Smallest values over dimensions (all when empty), keeping them as size 1 if keepDim (torch.amin).
    let amin (dims: int[]) (keepDim: bool) (x: Tensor) = OpsReduce.extremeDims "amin" (fun r ds k -> r.amin (ds, k)) dims keepDim x
    /// Running sums along a dimension.
    let cumsum (dim: int) (x: Tensor) = OpsReduce.cumsum dim x
    /// Variance over dimensions (all when empty); unbiased divides by n − 1 as torch.var does by default.
    let varDims (dims: int[]) (unbiased: bool) (keepDim: bool) (x: Tensor) =
        let s = x.Shape
        let dims = OpsReduce.normDims "var" s.Length dims
        let n = dims |> Array.fold (fun acc d -> acc * s[d]) 1
        let centered = x - OpsReduce.meanDims dims true x
        let ss = OpsReduce.sumDims dims keepDim (centered * centered)
        // n − 1 = 0 gives NaN, as in PyTorch
        ss / float (if unbiased then n - 1 else n)
    /// Unbiased variance of all elements (0-d), as torch.var.
    let var (x: Tensor) = varDims [||] true false x
    /// Unbiased standard deviation of all elements (0-d).
    let std (x: Tensor) = Tensor.Sqrt(var x)
    /// Euclidean (L2) norm of all elements (0-d).
    let norm (x: Tensor) = OpsReduce.norm [||] false x
    /// Euclidean norm over dimensions.
    let normDims (dims: int[]) (keepDim: bool) (x: Tensor) = OpsReduce.norm dims keepDim x
    /// softmax along a dimension.
    let softmax (dim: int) (x: Tensor) = OpsReduce.softmax dim x
    /// log softmax along a dimension, computed stably.
    let logSoftmax (dim: int) (x: Tensor) = OpsReduce.logSoftmax dim x

    // ------------------------------------------------------------ linear algebra

    /// Matrix product with PyTorch's rules (1-D operands, broadcast batch dims).
    let matmul (a: Tensor) (b: Tensor) = OpsLinalg.matmul a b
    /// Inner product of two 1-D tensors.
    let dot (a: Tensor) (b: Tensor) =
        if a.Dim <> 1 || b.Dim <> 1 then invalidArg "a" $"dot: both operands must be 1-D; got {shapeText a.Shape} and {shapeText b.Shape}."
        OpsLinalg.matmul a b
    /// The outer product of two 1-D tensors: [n] and [m] give [n, m].
    let outer (a: Tensor) (b: Tensor) =
        if a.Dim <> 1 || b.Dim <> 1 then invalidArg "a" $"outer: both operands must be 1-D; got {shapeText a.Shape} and {shapeText b.Shape}."
        OpsShape.reshape [| -1; 1 |] a * OpsShape.reshape [| 1; -1 |] b
    /// The identity of x's dtype and device, k×k (a constant).
    let private eyeLike (k: int) (x: Tensor) = Tensor.Eye(k, dtype = x.Dtype, device = x.Device)
    /// The main diagonal of a matrix (length min(rows, cols)).
    let diagonal (m: Tensor) =
        match m.Shape with
        | [| rows; cols |] ->
            let k = Operators.min rows cols
            let square = m |> OpsShape.narrow 0 0 k |> OpsShape.narrow 1 0 k
            OpsReduce.sumDims [| 1 |] false (square * eyeLike k m)
        | s -> invalidArg "m" $"diagonal: the tensor must be 2-D; got shape {shapeText s}."
    /// torch.diag: a 1-D tensor gives the square matrix with it on the diagonal; a 2-D tensor gives its diagonal.
    let diag (x: Tensor) =
        match x.Shape with
        | [| n |] -> OpsShape.reshape [| n; 1 |] x * eyeLike n x
        | [| _; _ |] -> diagonal x
        | s -> invalidArg "x" $"diag: the tensor must be 1-D or 2-D; got shape {shapeText s}."
    /// The sum of the main diagonal of a matrix.
    let trace (m: Tensor) =
        if m.Dim <> 2 then invalidArg "m" $"trace: the tensor must be 2-D; got shape {shapeText m.Shape}."
        OpsReduce.sum (diagonal m)
    /// The mask of a lower (or upper) triangle of the last two dims, of x's dtype.
    let private triangle (op: string) (lower: bool) (k: int) (x: Tensor) =
        let s = x.Shape
        if s.Length < 2 then invalidArg "x" $"{op}: the tensor must have at least 2 dimensions; got shape {shapeText s}."
        let ones = Raw.ones [| s[s.Length - 2]; s[s.Length - 1] |] x.Dtype x.Device
        let mask = if lower then ones.tril (int64 k) else ones.triu (int64 k)
        ones.Dispose()
        x * Const(Memory.adopt mask)
    /// The lower triangle of the last two dims (on and below diagonal k; 0 is the main diagonal), zeros above.
    let tril (k: int) (x: Tensor) = triangle "tril" true k x
    /// The upper triangle of the last two dims (on and above diagonal k), zeros below.
    let triu (k: int) (x: Tensor) = triangle "triu" false k x

    /// x·Wᵀ + b, fused (x: [..., in], W: [out, in], b: [out]).
    let linear (weight: Tensor) (bias: Tensor) (x: Tensor) = OpsLinalg.linear x weight (Some bias)
    /// x·Wᵀ
    let linearNoBias (weight: Tensor) (x: Tensor) = OpsLinalg.linear x weight None

    // ------------------------------------------------------------ shape

    /// A tensor with the same values and a new shape (one dimension may be -1).
    let reshape (shape: int[]) (x: Tensor) = OpsShape.reshape shape x
    /// reshape that never copies (fails on non-contiguous memory, as torch.view).
    let view (shape: int[]) (x: Tensor) = OpsShape.view shape x
    /// All dimensions in one.
    let flatten (x: Tensor) = OpsShape.reshape [| -1 |] x
    /// Swaps two dimensions.
    let transpose (dim0: int) (dim1: int) (x: Tensor) = OpsShape.transpose dim0 dim1 x
    /// Reorders the dimensions.
    let permute (perm: int[]) (x: Tensor) = OpsShape.permute perm x
    /// Removes every size-1 dimension.
    let squeeze (x: Tensor) = OpsShape.reshape (x.Shape |> Array.filter (fun d -> d <> 1)) x
    /// Removes a dimension of size 1.
    let squeezeDim (dim: int) (x: Tensor) =
        let s = x.Shape
        let d = OpsShape.normDim "squeeze" s.Length dim
        if s[d] <> 1 then x else OpsShape.reshape (Array.removeAt d s) x
    /// Inserts a dimension of size 1 (dim may be -1 for last).
    let unsqueeze (dim: int) (x: Tensor) =
        let s = x.Shape
        let d = if dim < 0 then dim + s.Length + 1 else dim
        if d < 0 || d > s.Length then
            raise (ArgumentOutOfRangeException("dim", $"unsqueeze: dimension {dim} is out of range for a tensor of rank {s.Length}."))
        OpsShape.reshape (Array.insertAt d 1 s) x
    /// Broadcasts size-1 dimensions to a larger shape (-1 keeps a dimension).
    let expand (shape: int[]) (x: Tensor) = OpsShape.expand shape x
    /// Reverses the order of the elements along the given dimensions.
    let flip (dims: int[]) (x: Tensor) = OpsShape.flip dims x
    /// Joins tensors along an existing dimension.
    let cat (dim: int) (xs: Tensor seq) = OpsShape.cat dim (Seq.toArray xs)
    /// Joins tensors along a new dimension.
    let stack (dim: int) (xs: Tensor seq) =
        let xs = Seq.toArray xs
        if xs.Length = 0 then invalidArg "xs" "stack: needs at least one tensor."
        let s0 = xs[0].Shape
        for x in xs do
            if x.Shape <> s0 then
                let all = String.Join(", ", xs |> Array.map (fun x -> shapeText x.Shape))
                invalidArg "xs" $"stack: all tensors must have the same shape; got {all}."
        let d = if dim < 0 then dim + s0.Length + 1 else dim
        OpsShape.cat d (xs |> Array.map (fun x -> OpsShape.reshape (Array.insertAt d 1 s0) x))
    /// The elements start .. start+length-1 along a dimension.
    let narrow (dim: int) (start: int) (length: int) (x: Tensor) = OpsShape.narrow dim start length x
    /// Splits into pieces of the given sizes along a dimension.
    let split (sizes: int[]) (dim: int) (x: Tensor) : Tensor[] =
        let s = x.Shape
        let d = OpsShape.normDim "split" s.Length dim
        if Array.sum sizes <> s[d] || sizes |> Array.exists (fun n -> n < 0) then
            invalidArg "sizes" $"split: sizes {shapeText sizes} must be non-negative and add up to {s[d]}, the size of dimension {d} of {shapeText s}."
        let starts = Array.scan (+) 0 sizes
        sizes |> Array.mapi (fun i n -> OpsShape.narrow d starts[i] n x)
    /// Splits into `chunks` nearly equal pieces along a dimension (the last may be smaller).
    let chunk (chunks: int) (dim: int) (x: Tensor) : Tensor[] =
        if chunks < 1 then invalidArg "chunks" $"chunk: the number of chunks must be at least 1; got {chunks}."
        let s = x.Shape
        let d = OpsShape.normDim "chunk" s.Length dim
        let size = (s[d] + chunks - 1) / chunks
        if size = 0 then [| x |]
        else split [| for start in 0 .. size .. s[d] - 1 -> Operators.min size (s[d] - start) |] d x
    /// The slice at `index` along a dimension, which is removed (negative indices count from the end).
    let select (dim: int) (index: int) (x: Tensor) =
        let s = x.Shape
        let d = OpsShape.normDim "select" s.Length dim
        let i = if index < 0 then index + s[d] else index
        if i < 0 || i >= s[d] then
            raise (IndexOutOfRangeException($"select: index {index} is out of range for dimension {d} of size {s[d]} (shape {shapeText s})."))
        OpsShape.narrow d i 1 x |> OpsShape.reshape (Array.removeAt d s)
    /// Values along a dimension at the positions in an int64 index tensor (torch.gather).
    let gather (dim: int) (index: Tensor) (x: Tensor) = OpsShape.gather dim (index.Raw()) x
    /// Whole slices along a dimension at the positions in a 1-D integer index tensor.
    let indexSelect (dim: int) (index: Tensor) (x: Tensor) = OpsShape.indexSelect dim (index.Raw()) x
    /// Constant padding: (before, after) for each of the last pads.Length dimensions, in
    /// dimension order (outermost first), filled with `value`.
    let pad (pads: (int * int)[]) (value: float) (x: Tensor) =
        let padded = OpsShape.padZeros pads x
        if value = 0.0 then padded
        else
            // 1 where the padding is, 0 inside: a constant of x's dtype
            let border = 1.0 - OpsShape.padZeros pads (Const(Raw.onesLike (x.Raw())))
            padded + border * value

    // ------------------------------------------------------------ convolution, pooling, dropout

    /// 2-D convolution, stride 1, no padding: x [N, C, H, W], weight [O, C, kh, kw].
    let conv2d (weight: Tensor) (x: Tensor) =
        OpsConv.conv2d { Stride = [| 1; 1 |]; Padding = [| 0; 0 |]; Dilation = [| 1; 1 |]; Groups = 1 } x weight None
    /// 1-D convolution, stride 1, no padding: x [N, C, L], weight [O, C, k].
    let conv1d (weight: Tensor) (x: Tensor) = OpsConv.conv1d 1 0 1 1 x weight None
    /// Max pooling with a square window and stride equal to the window.
    let maxPool2d (kernel: int) (x: Tensor) = OpsConv.maxPool2d [| kernel; kernel |] [| kernel; kernel |] [| 0; 0 |] x
    /// Average pooling with a square window and stride equal to the window.
    let avgPool2d (kernel: int) (x: Tensor) = OpsConv.avgPool2d [| kernel; kernel |] [| kernel; kernel |] [| 0; 0 |] x
    /// Inverted dropout with probability p, from the global generator.
    let dropout (p: float) (x: Tensor) = OpsElementwise.dropout p null x
    /// Inverted dropout with probability p, from the given generator (reproducible).
    let dropoutWith (generator: Generator) (p: float) (x: Tensor) = OpsElementwise.dropout p generator.Torch x

/// Convolution and pooling with all their options, and indexing/slicing syntax:
/// `t[0]`, `t[1, 2]`, `t[0..2, *]` (F# ranges include their end).
[<AutoOpen>]
module TensorMembers =

    let private slice (dim: int) (start: int option) (finish: int option) (x: Tensor) =
        let size = x.Shape[dim]
        let norm i = if i < 0 then i + size else i
        let s = start |> Option.map norm |> Option.defaultValue 0 |> max 0
        let e = finish |> Option.map norm |> Option.defaultValue (size - 1) |> min (size - 1)
        OpsShape.narrow dim s (max 0 (e - s + 1)) x

    let private pair (name: string) (v: int[] option) (fallback: int[]) =
        match v with
        | None -> fallback
        | Some [| a |] -> [| a; a |]
        | Some [| a; b |] -> [| a; b |]
        | Some other -> invalidArg name $"{name} must have one or two values (height, width); got {shapeText other}."

    type Tensor with
        /// 2-D convolution with bias, stride, padding, dilation and groups (one value or [height; width]).
        static member Conv2d(x: Tensor, weight: Tensor, ?bias: Tensor, ?stride: int[], ?padding: int[], ?dilation: int[], ?groups: int) =
            let spec : OpsConv.ConvSpec =
                { Stride = pair "stride" stride [| 1; 1 |]; Padding = pair "padding" padding [| 0; 0 |]
                  Dilation = pair "dilation" dilation [| 1; 1 |]; Groups = defaultArg groups 1 }
            OpsConv.conv2d spec x weight bias

        /// 1-D convolution with bias, stride, padding, dilation and groups.
        static member Conv1d(x: Tensor, weight: Tensor, ?bias: Tensor, ?stride: int, ?padding: int, ?dilation: int, ?groups: int) =
            OpsConv.conv1d (defaultArg stride 1) (defaultArg padding 0) (defaultArg dilation 1) (defaultArg groups 1) x weight bias

        /// Max pooling; stride defaults to the kernel size.
        static member MaxPool2d(x: Tensor, kernel: int[], ?stride: int[], ?padding: int[]) =
            let k = pair "kernel" (Some kernel) [||]
            OpsConv.maxPool2d k (pair "stride" stride k) (pair "padding" padding [| 0; 0 |]) x

        /// Average pooling (padding counted); stride defaults to the kernel size.
        static member AvgPool2d(x: Tensor, kernel: int[], ?stride: int[], ?padding: int[]) =
            let k = pair "kernel" (Some kernel) [||]
            OpsConv.avgPool2d k (pair "stride" stride k) (pair "padding" padding [| 0; 0 |]) x

        /// The slice at index i of the first dimension.
        member x.Item with get (i: int) = Tensor.select 0 i x
        /// The element or slice at (i, j).
        member x.Item with get (i: int, j: int) = x |> Tensor.select 0 i |> Tensor.select 0 j
        /// The element or slice at (i, j, k).
        member x.Item with get (i: int, j: int, k: int) = x |> Tensor.select 0 i |> Tensor.select 0 j |> Tensor.select 0 k

        member x.GetSlice(s0: int option, e0: int option) = slice 0 s0 e0 x
        member x.GetSlice(s0: int option, e0: int option, s1: int option, e1: int option) = x |> slice 0 s0 e0 |> slice 1 s1 e1
        member x.GetSlice(i0: int, s1: int option, e1: int option) = x |> slice 1 s1 e1 |> Tensor.select 0 i0
        member x.GetSlice(s0: int option, e0: int option, i1: int) = x |> Tensor.select 1 i1 |> slice 0 s0 e0
        member x.GetSlice(s0: int option, e0: int option, s1: int option, e1: int option, s2: int option, e2: int option) =
            x |> slice 0 s0 e0 |> slice 1 s1 e1 |> slice 2 s2 e2
        member x.GetSlice(s0: int option, e0: int option, s1: int option, e1: int option, s2: int option, e2: int option, s3: int option, e3: int option) =
            x |> slice 0 s0 e0 |> slice 1 s1 e1 |> slice 2 s2 e2 |> slice 3 s3 e3
