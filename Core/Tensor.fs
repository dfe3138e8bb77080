namespace Nabla

open System
open System.Runtime.CompilerServices
open System.Runtime.InteropServices
open TorchSharp
open Nabla.Raw

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

    let private vector (op: string) (data: 'T[]) =
        if isNull data then
            raise (ArgumentNullException("data", $"{op}: the data is null."))

        Const(Raw.ofArrayFor op data [| data.Length |] Device.Cpu)

    /// A 1-D tensor; the dtype follows the element type (float → float64, float32 → float32, int → int32, int64, bool).
    let ofArray (data: 'T[]) : Tensor = vector "ofArray" data

    /// A 1-D tensor from a sequence (see ofArray).
    let ofSeq (data: seq<'T>) : Tensor =
        if isNull (box data) then
            raise (ArgumentNullException("data", "ofSeq: the data is null."))

        vector "ofSeq" (Seq.toArray data)

    /// A 1-D tensor from a list (see ofArray).
    let ofList (data: 'T list) : Tensor = vector "ofList" (List.toArray data)

    /// A 2-D tensor from a .NET 2-D array (see ofArray for the dtype).
    let ofArray2D (data: 'T[,]) : Tensor =
        if isNull data then
            raise (ArgumentNullException("data", "ofArray2D: the data is null."))

        let rows, cols = Array2D.length1 data, Array2D.length2 data
        let flat = Array.init (rows * cols) (fun k -> data[k / cols, k % cols])
        Const(Raw.ofArrayFor "ofArray2D" flat [| rows; cols |] Device.Cpu)

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
    let fullLike (value: float) (x: Tensor) =
        Const(Raw.fullFor "fullLike" x.Shape value x.Dtype x.Device)

    /// Uniform random values with the shape, dtype and device of x.
    let randLike (x: Tensor) = Tensor.Rand(x.Shape, x.Dtype, x.Device)

    /// Normal random values with the shape, dtype and device of x.
    let randnLike (x: Tensor) =
        Tensor.Randn(x.Shape, x.Dtype, x.Device)

    // ------------------------------------------------------------ integers and randomness

    /// Checks the operands of an integer-division op: they broadcast, and they are not both bool.
    let private checkDivision (op: string) (ra: RawTensor) (rb: RawTensor) =
        broadcastShapes op (shape ra) (shape rb) |> ignore

        if
            ra.dtype = TorchSharp.torch.ScalarType.Bool
            && rb.dtype = TorchSharp.torch.ScalarType.Bool
        then
            invalidArg
                "b"
                $"{op}: bool tensors cannot be divided ({describe ra} by {describe rb}); convert them to an integer dtype with Tensor.toDtype."

    /// remainder and fmod: a − q·b for the quotient q = a/b rounded (down, or toward zero), so
    /// ∂/∂a = 1 and ∂/∂b = −q. q is a constant computed once from the values, when something is
    /// differentiated (its own derivative is zero almost everywhere).
    let private remainderOp
        (op: string)
        (rounding: TorchSharp.torch.RoundingMode)
        (primal: RawTensor -> RawTensor -> RawTensor)
        (a: Tensor)
        (b: Tensor)
        =
        let ra, rb = a.Raw(), b.Raw()
        checkDivision op ra rb

        let negQuotient =
            if not (a.IsDifferentiated || b.IsDifferentiated) then
                null
            else
                guard2 op ra rb (fun () -> (use q = ra.div (rb, rounding) in q.neg ()))

        Prim.Elementwise2(
            op,
            (fun x y -> integerDivision op y (fun () -> primal x y)),
            (fun _ d -> d),
            (fun _ d -> Prim.Scale(op, d, negQuotient)),
            a,
            b
        )

    /// remainder and fmod by a scalar: ∂/∂x = 1.
    let private remainderScalarOp (op: string) (divisor: obj) (primal: RawTensor -> Scalar -> RawTensor) (x: Tensor) =
        let c = scalarOf op divisor

        if x.Dtype = Dtype.Bool then
            invalidArg "x" $"{op}: a bool tensor cannot be divided; convert it to an integer dtype with Tensor.toDtype."

        Prim.Lift1(op, (fun r -> integerDivision op divisor (fun () -> primal r c)), (fun _ _ d -> d), (fun _ _ g -> g), x)

    /// a mod b with the sign of the divisor, as Python's % and torch.remainder: a − floor(a/b)·b,
    /// with broadcasting and type promotion. Integer tensors stay integer (a zero divisor throws
    /// DivideByZeroException, as PyTorch's ZeroDivisionError); for floats ∂/∂a = 1, ∂/∂b = −floor(a/b).
    let remainder (a: Tensor) (b: Tensor) : Tensor =
        remainderOp "remainder" TorchSharp.torch.RoundingMode.floor (fun a b -> a.remainder b) a b

    /// x mod divisor with the sign of the divisor (torch.remainder with a number). An integer
    /// tensor with an integer divisor (int, int64, ...) stays integer; a float divisor gives floats,
    /// as a Python int or float does in PyTorch. ∂/∂x = 1.
    let remainderScalar (divisor: 'N) (x: Tensor) : Tensor =
        remainderScalarOp "remainder" (box divisor) (fun r c -> r.remainder c) x

    /// The remainder of a/b with the sign of the dividend, as C's fmod and torch.fmod: a − trunc(a/b)·b.
    /// Integer tensors stay integer (a zero divisor throws DivideByZeroException); for floats
    /// ∂/∂a = 1, ∂/∂b = −trunc(a/b).
    let fmod (a: Tensor) (b: Tensor) : Tensor =
        remainderOp "fmod" TorchSharp.torch.RoundingMode.trunc (fun a b -> a.fmod b) a b

    /// x fmod divisor, with the sign of x (torch.fmod with a number; integer divisors keep integer
    /// tensors integer, as remainderScalar). ∂/∂x = 1.
    let fmodScalar (divisor: 'N) (x: Tensor) : Tensor =
        remainderScalarOp "fmod" (box divisor) (fun r c -> r.fmod c) x

    /// floor(a/b), rounding toward −∞ (torch.floor_divide since PyTorch 1.13, Python's //), with
    /// broadcasting. Integer tensors stay integer (a zero divisor throws DivideByZeroException).
    /// Piecewise constant: a constant, its derivative zero, as in PyTorch.
    let floorDivide (a: Tensor) (b: Tensor) : Tensor =
        let ra, rb = a.Raw(), b.Raw()
        checkDivision "floorDivide" ra rb
        Const(guard2 "floorDivide" ra rb (fun () -> integerDivision "floorDivide" rb (fun () -> ra.floor_divide rb)))

    /// floor(x / divisor) (Python's //; integer divisors keep integer tensors integer); a constant.
    let floorDivideScalar (divisor: 'N) (x: Tensor) : Tensor =
        let c = scalarOf "floorDivide" (box divisor)
        let r = x.Raw()

        if x.Dtype = Dtype.Bool then
            invalidArg "x" "floorDivide: a bool tensor cannot be divided; convert it to an integer dtype with Tensor.toDtype."

        Const(guard1 "floorDivide" r (fun () -> integerDivision "floorDivide" (box divisor) (fun () -> r.floor_divide c)))

    /// A bitwise op on integer (or, where allowed, bool) tensors, with broadcasting and promotion; a constant.
    let private bitwise (op: string) (allowBool: bool) (f: RawTensor -> RawTensor -> RawTensor) (a: Tensor) (b: Tensor) =
        let ra, rb = a.Raw(), b.Raw()
        let kinds = if allowBool then "integer or bool" else "integer"

        let ok (t: RawTensor) =
            let d = ofScalarType t.dtype

            not d.IsFloatingPoint
            && (allowBool
                || d <> Dtype.Bool
                || promoteTypes (ofScalarType ra.dtype) (ofScalarType rb.dtype) <> Dtype.Bool)

        if not (ok ra && ok rb) then
            invalidArg
                "a"
                $"{op}: works on {kinds} tensors; got {describe ra} and {describe rb}. Convert floating-point values with Tensor.toDtype Dtype.Int64 first."

        broadcastShapes op (shape ra) (shape rb) |> ignore
        Const(guard2 op ra rb (fun () -> f ra rb))

    /// Elementwise AND of the bits (logical AND for bool), with broadcasting (torch.bitwise_and).
    let bitwiseAnd (a: Tensor) (b: Tensor) =
        bitwise "bitwiseAnd" true (fun a b -> a.bitwise_and b) a b

    /// Elementwise OR of the bits (logical OR for bool), with broadcasting (torch.bitwise_or).
    let bitwiseOr (a: Tensor) (b: Tensor) =
        bitwise "bitwiseOr" true (fun a b -> a.bitwise_or b) a b

    /// Elementwise exclusive OR of the bits (logical XOR for bool), with broadcasting (torch.bitwise_xor).
    let bitwiseXor (a: Tensor) (b: Tensor) =
        bitwise "bitwiseXor" true (fun a b -> a.bitwise_xor b) a b

    /// a shifted left by b bits (a·2^b, wrapping), integers only (torch.bitwise_left_shift, `<<`).
    let bitwiseLeftShift (a: Tensor) (b: Tensor) =
        bitwise "bitwiseLeftShift" false (fun a b -> a.bitwise_left_shift b) a b

    /// a shifted right by b bits, arithmetic (the sign is kept), integers only (torch.bitwise_right_shift, `>>`).
    let bitwiseRightShift (a: Tensor) (b: Tensor) =
        bitwise "bitwiseRightShift" false (fun a b -> a.bitwise_right_shift b) a b

    /// x shifted left by a number of bits (the dtype of x is kept).
    let bitwiseLeftShiftScalar (bits: int) (x: Tensor) =
        bitwiseLeftShift x (Const(Raw.full [||] (float bits) Dtype.Int64 x.Device))

    /// x shifted right by a number of bits, arithmetic (the dtype of x is kept).
    let bitwiseRightShiftScalar (bits: int) (x: Tensor) =
        bitwiseRightShift x (Const(Raw.full [||] (float bits) Dtype.Int64 x.Device))

    /// Elementwise NOT of the bits (logical NOT for bool; ~x = −x − 1 for integers) (torch.bitwise_not).
    let bitwiseNot (x: Tensor) =
        let r = x.Raw()

        if x.Dtype.IsFloatingPoint then
            invalidArg
                "x"
                $"bitwiseNot: works on integer or bool tensors; got {describe r}. Convert floating-point values with Tensor.toDtype Dtype.Int64 first."

        Const(guard1 "bitwiseNot" r (fun () -> r.bitwise_not ()))

    /// Random int64 integers uniform in [low, high) (torch.randint), from the global generator.
    /// Tensor.Randint takes a dtype, a device and a generator.
    let randint (low: int64) (high: int64) (shape: int[]) = Tensor.Randint(low, high, shape)

    /// Random integers uniform in [low, high) with the shape, dtype and device of x (torch.randint_like).
    let randintLike (low: int64) (high: int64) (x: Tensor) =
        Tensor.Randint(low, high, x.Shape, x.Dtype, x.Device)

    /// A random permutation of 0 .. n-1, int64 (torch.randperm), from the global generator.
    let randperm (n: int) = Tensor.Randperm n
    /// float32 normal random values with the given mean and standard deviation (≥ 0), from the
    /// global generator (torch.normal). Tensor.Normal takes a dtype, a device and a generator.
    let normal (mean: float) (std: float) (shape: int[]) = Tensor.Normal(mean, std, shape)
    /// Normal random values with elementwise means and standard deviations (floating-point tensors
    /// that broadcast), torch.normal(mean, std); a constant, as in PyTorch (for a differentiable
    /// sample write mean + std * Tensor.randnLike mean).
    let normalTensor (mean: Tensor) (std: Tensor) = Tensor.Normal(mean, std)
    /// 0 or 1 for each probability in probs (floating-point, in [0, 1]), of its dtype (torch.bernoulli); a constant.
    let bernoulli (probs: Tensor) = Tensor.Bernoulli probs

    /// 0 or 1 with the shape, dtype and device of x, each 1 with probability p (x.bernoulli_(p)).
    let bernoulliLike (p: float) (x: Tensor) =
        Tensor.Bernoulli(p, x.Shape, x.Dtype, x.Device)

    /// numSamples category indices (int64) from each row of probs (1-D or 2-D non-negative weights),
    /// with or without replacement (torch.multinomial), from the global generator.
    let multinomial (numSamples: int) (replacement: bool) (probs: Tensor) =
        Tensor.Multinomial(probs, numSamples, replacement)

    /// The values converted to 'T (float, float32, int, int64, int16, byte, sbyte, bool or
    /// System.Half), flattened in row-major order: `Tensor.toArrayOf<int64> x`. As LibTorch
    /// converts: floats to integers truncate toward zero, non-zero to bool is true.
    let toArrayOf<'T> (x: Tensor) : 'T[] = Raw.toArrayOf<'T> "toArrayOf" (x.Raw())

    /// A CPU tensor of the given shape with a copy of the span's values; the dtype follows 'T (as ofArray).
    let ofSpan<'T when 'T: unmanaged and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (data: ReadOnlySpan<'T>)
        (shape: int[])
        : Tensor =
        Const(Raw.ofSpan "ofSpan" data shape)

    /// Copies the values, converted to 'T and in row-major order, into the start of a span (which
    /// must hold at least x.Numel elements).
    let copyTo<'T when 'T: unmanaged and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (destination: Span<'T>)
        (x: Tensor)
        : unit =
        Raw.copyToSpan "copyTo" (x.Raw()) destination

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
    /// Same as stopGradient (PyTorch's name): a tensor sharing x's values that does not require
    /// grad and is not differentiated by any transform.
    let detach (x: Tensor) : Tensor = Const(x.Raw())

    /// x as a tensor that requires grad (PyTorch's `requires_grad_()`): a leaf sharing x's values
    /// whose gradient Backward accumulates in `.Grad`. x must be floating-point; a tensor that
    /// already requires grad is returned as it is.
    let requiresGrad (x: Tensor) : Tensor = Autograd.requiresGrad x

    /// Whether x requires grad (t.RequiresGrad).
    let isRequiringGrad (x: Tensor) = x.RequiresGrad

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
    let log2 (x: Tensor) =
        named "log2" (fun () -> Tensor.MulScalar(Tensor.Log x, 1.0 / Math.Log 2.0))

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
    let silu (x: Tensor) =
        requireFloat "silu" (x.Raw())
        named "silu" (fun () -> x * OpsElementwise.sigmoid x)

    /// log(sigmoid(x)), computed stably as −softplus(−x).
    let logSigmoid (x: Tensor) =
        requireFloat "logSigmoid" (x.Raw())
        named "logSigmoid" (fun () -> -(OpsElementwise.softplus (-x)))

    /// x for x > 0, alpha·(eˣ − 1) otherwise.
    let elu (alpha: float) (x: Tensor) = OpsElementwise.elu alpha x

    /// Limits the values to [lo, hi].
    let clamp (lo: float) (hi: float) (x: Tensor) =
        if lo > hi then
            invalidArg "lo" $"clamp: the lower bound {lo} is above the upper bound {hi}."

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

    let eq (a: Tensor) (b: Tensor) =
        OpsElementwise.compare "eq" (fun a b -> a.eq b) a b

    let ne (a: Tensor) (b: Tensor) =
        OpsElementwise.compare "ne" (fun a b -> a.ne b) a b

    /// a < b
    let lt (a: Tensor) (b: Tensor) =
        OpsElementwise.compare "lt" (fun a b -> a.lt b) a b

    /// a <= b
    let le (a: Tensor) (b: Tensor) =
        OpsElementwise.compare "le" (fun a b -> a.le b) a b

    /// a > b
    let gt (a: Tensor) (b: Tensor) =
        OpsElementwise.compare "gt" (fun a b -> a.gt b) a b

    /// a >= b
    let ge (a: Tensor) (b: Tensor) =
        OpsElementwise.compare "ge" (fun a b -> a.ge b) a b

    /// True when the shapes match and every |a − b| ≤ atol + rtol·|b| (NaNs are never close; mixed
    /// dtypes are compared after promotion).
    let allClose (rtol: float) (atol: float) (a: Tensor) (b: Tensor) =
        if not (rtol >= 0.0) || not (atol >= 0.0) then
            invalidArg "rtol" $"allClose: the tolerances must be non-negative numbers; got rtol = {rtol}, atol = {atol}."

        a.Shape = b.Shape
        && (let ab = Prim.Promote("allClose", [| stopGradient a; stopGradient b |])
            let ra, rb = ab[0].Raw(), ab[1].Raw()
            guardAny "allClose" [| ra; rb |] (fun () -> ra.allclose (rb, rtol, atol, false)))

    // ------------------------------------------------------------ logic and special values

    // Comparisons with a scalar: `x |> Tensor.gtScalar 0.5` is x > 0.5 (the scalar is the right-hand
    // side; bool results, not differentiated). The operators `.=` `.<>` `.<` `.<=` `.>` `.>=`
    // compare tensors with tensors or scalars on either side: `x .> 0.5`, `0.5 .< x`, `a .= b`.

    /// x == c, elementwise (torch.eq(x, c)).
    let eqScalar (c: float) (x: Tensor) = Tensor.CompareScalar("eq", x, c, false)
    /// x != c, elementwise (torch.ne(x, c)).
    let neScalar (c: float) (x: Tensor) = Tensor.CompareScalar("ne", x, c, false)
    /// x < c, elementwise (torch.lt(x, c)).
    let ltScalar (c: float) (x: Tensor) = Tensor.CompareScalar("lt", x, c, false)
    /// x <= c, elementwise (torch.le(x, c)).
    let leScalar (c: float) (x: Tensor) = Tensor.CompareScalar("le", x, c, false)
    /// x > c, elementwise (torch.gt(x, c)).
    let gtScalar (c: float) (x: Tensor) = Tensor.CompareScalar("gt", x, c, false)
    /// x >= c, elementwise (torch.ge(x, c)).
    let geScalar (c: float) (x: Tensor) = Tensor.CompareScalar("ge", x, c, false)

    /// Elementwise logical and, with broadcasting; inputs of any dtype (nonzero is true); bool result.
    let logicalAnd (a: Tensor) (b: Tensor) =
        OpsIndex.logical "logicalAnd" (fun a b -> a.logical_and b) a b

    /// Elementwise logical or, with broadcasting; inputs of any dtype (nonzero is true); bool result.
    let logicalOr (a: Tensor) (b: Tensor) =
        OpsIndex.logical "logicalOr" (fun a b -> a.logical_or b) a b

    /// Elementwise logical exclusive or, with broadcasting; inputs of any dtype; bool result.
    let logicalXor (a: Tensor) (b: Tensor) =
        OpsIndex.logical "logicalXor" (fun a b -> a.logical_xor b) a b

    /// Elementwise logical not (true where x is zero); bool result.
    let logicalNot (x: Tensor) =
        OpsIndex.predicate "logicalNot" (fun r -> r.logical_not ()) x

    /// True where x is NaN (bool; false everywhere for integer tensors).
    let isnan (x: Tensor) =
        OpsIndex.predicate "isnan" (fun r -> r.isnan ()) x

    /// True where x is +inf or -inf (bool).
    let isinf (x: Tensor) =
        OpsIndex.predicate "isinf" (fun r -> r.isinf ()) x

    /// True where x is neither NaN nor infinite (bool).
    let isfinite (x: Tensor) =
        OpsIndex.predicate "isfinite" (fun r -> r.isfinite ()) x

    /// True where x is +inf (bool).
    let isposinf (x: Tensor) =
        OpsIndex.predicate "isposinf" (fun r -> r.isposinf ()) x

    /// True where x is -inf (bool).
    let isneginf (x: Tensor) =
        OpsIndex.predicate "isneginf" (fun r -> r.isneginf ()) x

    /// NaN, +inf and -inf replaced by the given values (torch.nan_to_num). Differentiable: the
    /// derivative is 1 where a value was kept and 0 where it was replaced.
    let nanToNum (nan: float) (posinf: float) (neginf: float) (x: Tensor) =
        OpsIndex.nanToNum nan (Some posinf) (Some neginf) x

    /// torch.nan_to_num with its defaults: NaN → 0, ±inf → the dtype's largest / lowest finite value.
    let nanToNumDefault (x: Tensor) = OpsIndex.nanToNum 0.0 None None x

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
    let maxDim (dim: int) (x: Tensor) =
        OpsReduce.extremeDim "max" true dim false x

    /// Smallest values along a dimension (removed).
    let minDim (dim: int) (x: Tensor) =
        OpsReduce.extremeDim "min" false dim false x

    /// log Σ exp along a dimension (removed), computed stably.
    let logsumexp (dim: int) (x: Tensor) = OpsReduce.logsumexp dim false x

    /// log Σ exp over dimensions (all when empty), keeping them as size 1 if keepDim; stable.
    let logsumexpDims (dims: int[]) (keepDim: bool) (x: Tensor) =
        requireFloat "logsumexp" (x.Raw())
        named "logsumexp" (fun () -> OpsReduce.logsumexpDims dims keepDim x)

    /// Largest values over dimensions (all when empty), keeping them as size 1 if keepDim
    /// (torch.amax: ties share the derivative equally).
    let amax (dims: int[]) (keepDim: bool) (x: Tensor) =
        OpsReduce.extremeDims "amax" (fun r ds k -> r.amax (ds, k)) dims keepDim x

    /// Smallest values over dimensions (all when empty), keeping them as size 1 if keepDim (torch.amin).
    let amin (dims: int[]) (keepDim: bool) (x: Tensor) =
        OpsReduce.extremeDims "amin" (fun r ds k -> r.amin (ds, k)) dims keepDim x

    /// Running sums along a dimension.
    let cumsum (dim: int) (x: Tensor) = OpsReduce.cumsum dim x
    /// Euclidean (L2) norm of all elements (0-d).
    let norm (x: Tensor) = OpsReduce.norm [||] false x
    /// Euclidean norm over dimensions.
    let normDims (dims: int[]) (keepDim: bool) (x: Tensor) = OpsReduce.norm dims keepDim x
    /// softmax along a dimension.
    let softmax (dim: int) (x: Tensor) = OpsReduce.softmax dim x
    /// log softmax along a dimension, computed stably.
    let logSoftmax (dim: int) (x: Tensor) = OpsReduce.logSoftmax dim x

    // ------------------------------------------------------------ sorting, searching, more reductions

    /// Product of all elements (0-d; integer tensors give int64). Its gradient is the product of
    /// the other elements, exact with zeros, and so are its higher derivatives.
    let prod (x: Tensor) = OpsSearch.prod x
    /// Product over one dimension (removed).
    let prodDim (dim: int) (x: Tensor) = OpsSearch.prodDims [| dim |] false x
    /// Product over dimensions (all when empty), keeping them as size 1 if keepDim.
    let prodDims (dims: int[]) (keepDim: bool) (x: Tensor) = OpsSearch.prodDims dims keepDim x
    /// Running products along a dimension (exact derivatives with zeros).
    let cumprod (dim: int) (x: Tensor) = OpsSearch.cumprod dim x

    /// Sorted values along a dimension and their positions (int64): `let values, indices = Tensor.sort -1 false x`.
    /// Stable: equal values keep their order. The values' derivative goes to the elements they come from.
    let sort (dim: int) (descending: bool) (x: Tensor) : Tensor * Tensor = OpsSearch.sort dim descending x

    /// The positions that sort x along a dimension (int64; stable).
    let argsort (dim: int) (descending: bool) (x: Tensor) : Tensor =
        named "argsort" (fun () -> snd (OpsSearch.sort dim descending x))

    /// The k largest values along a dimension, largest first, and their positions (int64), as torch.topk
    /// (0 ≤ k ≤ the size of the dimension).
    let topk (k: int) (dim: int) (x: Tensor) : Tensor * Tensor = OpsSearch.topk "topk" true k dim x

    /// The k smallest values along a dimension, smallest first, and their positions (torch.topk with largest=False).
    let topkSmallest (k: int) (dim: int) (x: Tensor) : Tensor * Tensor =
        OpsSearch.topk "topkSmallest" false k dim x

    /// The k-th smallest value along a dimension (k counts from 1, as torch.kthvalue) and its position; the dimension is removed.
    let kthvalue (k: int) (dim: int) (x: Tensor) : Tensor * Tensor = OpsSearch.kthvalue "kthvalue" k dim x
    /// The median of all elements (0-d); for an even count the lower of the two middle values, as torch.median.
    let median (x: Tensor) = OpsSearch.median x
    /// The (lower) median along a dimension and its position; the dimension is removed. Among equal
    /// values the position is the one kthvalue reports (PyTorch leaves it unspecified too).
    let medianDim (dim: int) (x: Tensor) : Tensor * Tensor = OpsSearch.medianDim dim x
    /// The flat position of the largest element (0-d int64; the first one on ties), as torch.argmax(x).
    let argmax (x: Tensor) = OpsSearch.argExtremeAll "argmax" true x

    /// The flat position of the smallest element (0-d int64; the first one on ties).
    let argmin (x: Tensor) =
        OpsSearch.argExtremeAll "argmin" false x

    /// Positions of the largest values along a dimension (int64, dimension removed; the first on ties).
    let argmaxDim (dim: int) (x: Tensor) =
        OpsSearch.argExtremeDim "argmaxDim" true dim x

    /// Positions of the smallest values along a dimension (int64, dimension removed; the first on ties).
    let argminDim (dim: int) (x: Tensor) =
        OpsSearch.argExtremeDim "argminDim" false dim x

    /// True if any element is non-zero (0-d bool).
    let any (x: Tensor) = OpsSearch.anyAll "any" true x
    /// True if every element is non-zero (0-d bool; true for an empty tensor).
    let all (x: Tensor) = OpsSearch.anyAll "all" false x
    /// Whether any element along a dimension is non-zero (bool, dimension removed).
    let anyDim (dim: int) (x: Tensor) = OpsSearch.anyAllDim "anyDim" true dim x

    /// Whether every element along a dimension is non-zero (bool, dimension removed).
    let allDim (dim: int) (x: Tensor) =
        OpsSearch.anyAllDim "allDim" false dim x

    /// Variance over dimensions (all when empty): Σ(x − mean)² / (n − correction), as torch.var with
    /// correction (1: unbiased, PyTorch's default; 0: biased). Floating-point tensors only.
    let varDims (dims: int[]) (correction: int) (keepDim: bool) (x: Tensor) =
        OpsSearch.varDims "varDims" dims correction keepDim x

    /// Standard deviation over dimensions (all when empty) with a correction, as torch.std; the
    /// gradient is 0 where the deviation is 0, as in PyTorch.
    let stdDims (dims: int[]) (correction: int) (keepDim: bool) (x: Tensor) =
        OpsSearch.stdDims "stdDims" dims correction keepDim x

    /// Unbiased variance of all elements (0-d), as torch.var.
    let var (x: Tensor) = OpsSearch.varDims "var" [||] 1 false x
    /// Unbiased standard deviation of all elements (0-d), as torch.std.
    let std (x: Tensor) = OpsSearch.stdDims "std" [||] 1 false x

    /// The ord-norm over dimensions (all when empty), as torch.linalg.vector_norm: (Σ |x|^ord)^(1/ord)
    /// for any real ord, max |x| for infinity, min |x| for -infinity, the count of non-zeros for 0.
    let vectorNorm (ord: float) (dims: int[]) (keepDim: bool) (x: Tensor) =
        named "vectorNorm" (fun () -> OpsSearch.vectorNorm ord dims keepDim x)

    /// The Frobenius norm over dimensions (all when empty): the 2-norm of those elements, as torch.norm(x, "fro", dims).
    let frobeniusNorm (dims: int[]) (keepDim: bool) (x: Tensor) =
        named "frobeniusNorm" (fun () -> OpsSearch.vectorNorm 2.0 dims keepDim x)

    // ------------------------------------------------------------ linear algebra

    /// Matrix product with PyTorch's rules (1-D operands, broadcast batch dims).
    let matmul (a: Tensor) (b: Tensor) = OpsLinalg.matmul a b

    /// Inner product of two 1-D tensors.
    let dot (a: Tensor) (b: Tensor) =
        if a.Dim <> 1 || b.Dim <> 1 || a.Shape <> b.Shape then
            invalidArg "a" $"dot: both operands must be 1-D of the same length; got {shapeText a.Shape} and {shapeText b.Shape}."

        named "dot" (fun () -> OpsLinalg.matmul a b)

    /// The outer product of two 1-D tensors: [n] and [m] give [n, m].
    let outer (a: Tensor) (b: Tensor) =
        if a.Dim <> 1 || b.Dim <> 1 then
            invalidArg "a" $"outer: both operands must be 1-D; got {shapeText a.Shape} and {shapeText b.Shape}."

        named "outer" (fun () -> OpsShape.reshape [| -1; 1 |] a * OpsShape.reshape [| 1; -1 |] b)

    /// The main diagonal of a matrix (length min(rows, cols)).
    let diagonal (m: Tensor) =
        match m.Shape with
        | [| _; _ |] -> OpsShape.diagonal 0 m
        | s -> invalidArg "m" $"diagonal: the tensor must be 2-D; got shape {shapeText s}."

    /// torch.diag: a 1-D tensor gives the square matrix with it on the diagonal; a 2-D tensor gives its diagonal.
    let diag (x: Tensor) =
        match x.Shape with
        | [| _ |] -> OpsShape.diagEmbed 0 x
        | [| _; _ |] -> OpsShape.diagonal 0 x
        | s -> invalidArg "x" $"diag: the tensor must be 1-D or 2-D; got shape {shapeText s}."

    /// The sum of the main diagonal of a matrix.
    let trace (m: Tensor) =
        if m.Dim <> 2 then
            invalidArg "m" $"trace: the tensor must be 2-D; got shape {shapeText m.Shape}."

        OpsReduce.sum (OpsShape.diagonal 0 m)

    /// The lower triangle of the last two dims (on and below diagonal k; 0 is the main diagonal), zeros above.
    let tril (k: int) (x: Tensor) = OpsShape.triangle "tril" true k x
    /// The upper triangle of the last two dims (on and above diagonal k), zeros below.
    let triu (k: int) (x: Tensor) = OpsShape.triangle "triu" false k x

    /// x·Wᵀ + b, fused (x: [..., in], W: [out, in], b: [out]).
    let linear (weight: Tensor) (bias: Tensor) (x: Tensor) = OpsLinalg.linear x weight (Some bias)
    /// x·Wᵀ
    let linearNoBias (weight: Tensor) (x: Tensor) = OpsLinalg.linear x weight None

    // ------------------------------------------------------------ products (bmm, einsum, tensordot, kron, cross)

    /// Batched matrix product [B, n, k] @ [B, k, m] → [B, n, m], without broadcasting (torch.bmm).
    let bmm (a: Tensor) (b: Tensor) = OpsProducts.bmm a b

    /// Einstein summation with PyTorch's syntax (torch.einsum): "ij,jk->ik", "bij,bjk->bik",
    /// "ii->i" (diagonal), "ii" (trace: implicit output), "...ij->...ji" (broadcast batch dims).
    let einsum (equation: string) (operands: Tensor seq) =
        if isNull operands then
            raise (ArgumentNullException("operands", "einsum: the operands are null; give a sequence of tensors."))

        OpsProducts.einsum equation (Seq.toArray operands)

    /// Sums the products over dims dimsA of a paired with dims dimsB of b; the result has a's other
    /// dims, then b's (torch.tensordot(a, b, dims=(dimsA, dimsB))).
    let tensordot (dimsA: int[]) (dimsB: int[]) (a: Tensor) (b: Tensor) = OpsProducts.tensordot dimsA dimsB a b
    /// Contracts the last n dims of a with the first n dims of b (torch.tensordot(a, b, dims=n)).
    let tensordotN (n: int) (a: Tensor) (b: Tensor) = OpsProducts.tensordotCount n a b
    /// Kronecker product (torch.kron): dims of sizes aᵢ·bᵢ, ranks aligned by leading size-1 dims.
    let kron (a: Tensor) (b: Tensor) = OpsProducts.kron a b
    /// Cross product of 3-vectors along a dim (size 3 in both), with broadcasting (torch.linalg.cross).
    let cross (dim: int) (a: Tensor) (b: Tensor) = OpsProducts.cross dim a b

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
    let squeeze (x: Tensor) =
        OpsShape.reshape (x.Shape |> Array.filter (fun d -> d <> 1)) x

    /// Removes a dimension of size 1.
    let squeezeDim (dim: int) (x: Tensor) =
        let s = x.Shape
        let d = OpsShape.normDim "squeeze" s.Length dim

        if s[d] <> 1 then
            x
        else
            OpsShape.reshape (Array.removeAt d s) x

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

        if xs.Length = 0 then
            invalidArg "xs" "stack: needs at least one tensor."

        let s0 = xs[0].Shape

        for x in xs do
            if x.Shape <> s0 then
                let all = String.Join(", ", xs |> Array.map (fun x -> shapeText x.Shape))
                invalidArg "xs" $"stack: all tensors must have the same shape; got {all}."

        let d = normDim "stack" (s0.Length + 1) dim
        OpsShape.cat d (xs |> Array.map (fun x -> OpsShape.reshape (Array.insertAt d 1 s0) x))

    /// The elements start .. start+length-1 along a dimension.
    let narrow (dim: int) (start: int) (length: int) (x: Tensor) = OpsShape.narrow dim start length x

    /// Splits into pieces of the given sizes along a dimension.
    let split (sizes: int[]) (dim: int) (x: Tensor) : Tensor[] =
        let s = x.Shape
        let d = OpsShape.normDim "split" s.Length dim

        if Array.sum sizes <> s[d] || sizes |> Array.exists (fun n -> n < 0) then
            invalidArg
                "sizes"
                $"split: sizes {shapeText sizes} must be non-negative and add up to {s[d]}, the size of dimension {d} of {shapeText s}."

        let starts = Array.scan (+) 0 sizes
        sizes |> Array.mapi (fun i n -> OpsShape.narrow d starts[i] n x)

    /// Splits into `chunks` nearly equal pieces along a dimension (the last may be smaller).
    let chunk (chunks: int) (dim: int) (x: Tensor) : Tensor[] =
        if chunks < 1 then
            invalidArg "chunks" $"chunk: the number of chunks must be at least 1; got {chunks}."

        let s = x.Shape
        let d = OpsShape.normDim "chunk" s.Length dim
        let size = (s[d] + chunks - 1) / chunks

        if size = 0 then
            [| x |]
        else
            split [| for start in 0..size .. s[d] - 1 -> Operators.min size (s[d] - start) |] d x

    /// The slice at `index` along a dimension, which is removed (negative indices count from the end).
    let select (dim: int) (index: int) (x: Tensor) =
        Tensor.SelectChecked("select", x, dim, index)

    /// Elements start, start+step, ... below stop along a dimension: PyTorch's `t[start:stop:step]`
    /// (stop exclusive, negative positions from the end, bounds clamped; a view). F# has no stepped
    /// slice syntax; `t.[[0..2..10]]` selects the same positions (inclusive end) as a view.
    let slice (dim: int) (start: int) (stop: int) (step: int) (x: Tensor) =
        Tensor.SliceChecked("slice", x, dim, Some start, Some stop, step)

    /// Values along a dimension at the positions in an int64 index tensor (torch.gather).
    let gather (dim: int) (index: Tensor) (x: Tensor) = OpsShape.gather dim (index.Raw()) x

    /// Whole slices along a dimension at the positions in a 1-D integer index tensor.
    let indexSelect (dim: int) (index: Tensor) (x: Tensor) =
        OpsShape.indexSelect dim (index.Raw()) x

    /// Constant padding: (before, after) for each of the last pads.Length dimensions, in
    /// dimension order (outermost first), filled with `value`.
    let pad (pads: (int * int)[]) (value: float) (x: Tensor) = OpsShape.padConstant pads value x

    // ------------------------------------------------------------ indexing, scattering, more shape ops

    // Indexing in F#: `t.[i]`, `t.[i, j]`, `t.[a..b, *]` (inclusive, negative positions count from
    // the end), `t.[[0; 2; 4]]` (positions), `t.[mask]` (bool), `t.[intTensor]`. F# has no stepped
    // slice syntax (`t.[0..2..10]` does not compile, not even for arrays): write `t.[[0..2..10]]`
    // (a strided view, end included) or `Tensor.slice dim start stop step` (PyTorch's start:stop:step).
    // All functions here return new tensors; none changes its input.

    /// x[i0, i1, ...] with integer (negative from the end) or bool index tensors on the leading
    /// dims, broadcast together (PyTorch's advanced indexing); differentiable.
    let index (indices: Tensor[]) (x: Tensor) = OpsIndex.index indices x
    /// The elements of x, flattened, at integer positions (negative from the end), in the index's shape (torch.take).
    let take (index: Tensor) (x: Tensor) = OpsIndex.take index x
    /// The elements where the bool mask is true, 1-D in row-major order; mask and x broadcast
    /// (torch.masked_select). `t.[mask]` keeps trailing dims instead: a mask of the leading shape selects rows.
    let maskedSelect (mask: Tensor) (x: Tensor) = OpsIndex.maskedSelect mask x
    /// x with values written at x[i0, i1, ...] (torch.index_put, accumulate=false; values broadcast
    /// to the indexed shape and are converted to x's dtype). Differentiable in x and values; with a
    /// repeated position the value written is undefined (as in PyTorch), and values' derivative is
    /// the cotangent gathered at every position (PyTorch's).
    let indexPut (indices: Tensor[]) (values: Tensor) (x: Tensor) = OpsIndex.indexPut indices values x
    /// x with values added at x[i0, i1, ...]; repeated positions add up (torch.index_put, accumulate=true).
    let indexPutAdd (indices: Tensor[]) (values: Tensor) (x: Tensor) = OpsIndex.indexPutAdd indices values x
    /// `value` where the bool mask is true, x elsewhere; mask and x broadcast (torch.masked_fill).
    let maskedFill (mask: Tensor) (value: float) (x: Tensor) = OpsIndex.maskedFill mask value x
    /// maskedFill with a 0-d tensor value (differentiable in it too; converted to x's dtype).
    let maskedFillTensor (mask: Tensor) (value: Tensor) (x: Tensor) = OpsIndex.maskedFillTensor mask value x
    /// x with src written along dim at an int64 index of x's rank: for dim 0,
    /// out[index[i, j], j] = src[i, j] (torch.scatter; src may be larger than the index). A
    /// repeated position's value is undefined, as in PyTorch.
    let scatter (dim: int) (index: Tensor) (src: Tensor) (x: Tensor) = OpsIndex.scatter dim index src x
    /// x with `value` written along dim at the index's positions (torch.scatter with a value).
    let scatterValue (dim: int) (index: Tensor) (value: float) (x: Tensor) = OpsIndex.scatterValue dim index value x
    /// x plus src added along dim at an int64 index of x's rank; repeated positions add up (torch.scatter_add).
    let scatterAdd (dim: int) (index: Tensor) (src: Tensor) (x: Tensor) = OpsIndex.scatterAdd dim index src x
    /// x plus the slices of source added along dim at a 1-D integer index (torch.index_add; scale
    /// source for PyTorch's alpha).
    let indexAdd (dim: int) (index: Tensor) (source: Tensor) (x: Tensor) = OpsIndex.indexAdd dim index source x

    /// x repeated along each dimension (torch.Tensor.repeat: at least one count per dimension,
    /// extra leading counts add dimensions). `repeat [| 2 |]` of [a, b] is [a, b, a, b].
    let repeat (repeats: int[]) (x: Tensor) = OpsIndex.repeat repeats x
    /// x repeated along each dimension (torch.tile: fewer reps than dims are padded with leading ones).
    let tile (reps: int[]) (x: Tensor) = OpsIndex.tile reps x
    /// Cyclic shifts by shifts[i] along dims[i] (torch.roll; positive moves elements to higher
    /// positions); with dims empty, the flattened tensor is rolled by one shift.
    let roll (shifts: int[]) (dims: int[]) (x: Tensor) = OpsIndex.roll shifts dims x
    /// The dims `source` moved to positions `destination`, the others keeping their order (torch.movedim).
    let movedim (source: int[]) (destination: int[]) (x: Tensor) = OpsIndex.movedim source destination x
    /// Dimension dim split into dims of the given sizes (one may be -1) (torch.unflatten).
    let unflatten (dim: int) (sizes: int[]) (x: Tensor) = OpsIndex.unflatten dim sizes x
    /// The dims startDim .. endDim (inclusive) merged into one (torch.flatten(x, start_dim, end_dim)).
    let flattenRange (startDim: int) (endDim: int) (x: Tensor) = OpsIndex.flattenRange startDim endDim x
    /// The slices along dim, which is removed from each (torch.unbind).
    let unbind (dim: int) (x: Tensor) : Tensor[] = OpsIndex.unbind dim x
    /// Coordinate grids from 0-d or 1-D tensors (torch.meshgrid): indexing "ij" gives shape
    /// [n0, n1, ...] (output i varies along dim i); "xy" swaps the first two dims ([n1, n0, ...]).
    let meshgrid (xs: Tensor seq) (indexing: string) : Tensor[] = OpsIndex.meshgrid xs indexing

    // ------------------------------------------------------------ convolution, pooling, dropout

    /// 2-D convolution, stride 1, no padding: x [N, C, H, W], weight [O, C, kh, kw].
    let conv2d (weight: Tensor) (x: Tensor) =
        OpsConv.convolve
            "conv2d"
            {
                Stride = [| 1; 1 |]
                Padding = [| 0; 0 |]
                Dilation = [| 1; 1 |]
                Groups = 1
            }
            x
            weight
            None

    /// 1-D convolution, stride 1, no padding: x [N, C, L], weight [O, C, k].
    let conv1d (weight: Tensor) (x: Tensor) = OpsConv.conv1d 1 0 1 1 x weight None

    /// Max pooling with a square window and stride equal to the window.
    let maxPool2d (kernel: int) (x: Tensor) =
        OpsConv.maxPool2d [| kernel; kernel |] [| kernel; kernel |] [| 0; 0 |] x

    /// Average pooling with a square window and stride equal to the window.
    let avgPool2d (kernel: int) (x: Tensor) =
        OpsConv.avgPool2d [| kernel; kernel |] [| kernel; kernel |] [| 0; 0 |] x

    /// Inverted dropout with probability p, from the global generator.
    let dropout (p: float) (x: Tensor) = OpsElementwise.dropout p null x

    /// Inverted dropout with probability p, from the given generator (reproducible).
    let dropoutWith (generator: Generator) (p: float) (x: Tensor) =
        OpsElementwise.dropout p generator.Torch x

    // ------------------------------------------------------------ neural-network functions (OpsNN)

    /// 2-D transposed convolution (torch.nn.functional.conv_transpose2d): x [N, Cin, H, W] (or
    /// [Cin, H, W]), weight [Cin, Cout/groups, kh, kw], optional bias [Cout]; stride, padding,
    /// outputPadding and dilation as [height; width]. x.ConvTranspose2d(...) has PyTorch's defaults.
    let convTranspose2d
        (stride: int[])
        (padding: int[])
        (outputPadding: int[])
        (groups: int)
        (dilation: int[])
        (weight: Tensor)
        (bias: Tensor option)
        (x: Tensor)
        =
        OpsNN.convTranspose2d "convTranspose2d" stride padding outputPadding groups dilation weight bias x

    /// 1-D transposed convolution (torch.nn.functional.conv_transpose1d): x [N, Cin, L] (or
    /// [Cin, L]), weight [Cin, Cout/groups, k], optional bias [Cout].
    let convTranspose1d
        (stride: int)
        (padding: int)
        (outputPadding: int)
        (groups: int)
        (dilation: int)
        (weight: Tensor)
        (bias: Tensor option)
        (x: Tensor)
        =
        OpsNN.convTranspose1d stride padding outputPadding groups dilation weight bias x

    /// Adaptive average pooling of x [N, C, H, W] or [C, H, W] to (oh, ow), with PyTorch's bins
    /// (torch.nn.functional.adaptive_avg_pool2d).
    let adaptiveAvgPool2d (outputSize: int * int) (x: Tensor) = OpsNN.adaptiveAvgPool2d outputSize x

    /// Adaptive average pooling of x [N, C, L] or [C, L] to outputSize (torch.nn.functional.adaptive_avg_pool1d).
    let adaptiveAvgPool1d (outputSize: int) (x: Tensor) = OpsNN.adaptiveAvgPool1d outputSize x

    /// Batch normalisation of x [N, C, *] (torch.nn.functional.batch_norm). Training: batch
    /// statistics, and the running statistics (if given) updated in place with `momentum` (the
    /// variance unbiased); evaluation: the running statistics. weight and bias are per channel.
    let batchNorm
        (runningMean: Tensor option)
        (runningVar: Tensor option)
        (weight: Tensor option)
        (bias: Tensor option)
        (training: bool)
        (momentum: float)
        (eps: float)
        (x: Tensor)
        =
        OpsNN.batchNorm runningMean runningVar weight bias training momentum eps x

    /// Instance normalisation of x [N, C, *] (torch.nn.functional.instance_norm): with
    /// useInputStats each sample's channels are standardised over their spatial dims and the
    /// running statistics (if given) updated in place with `momentum`; otherwise the running
    /// statistics are used. weight and bias are per channel.
    let instanceNorm
        (runningMean: Tensor option)
        (runningVar: Tensor option)
        (weight: Tensor option)
        (bias: Tensor option)
        (useInputStats: bool)
        (momentum: float)
        (eps: float)
        (x: Tensor)
        =
        OpsNN.instanceNorm runningMean runningVar weight bias useInputStats momentum eps x

    /// Layer normalisation over the last dims, which must equal normalizedShape; weight and bias
    /// have that shape (torch.nn.functional.layer_norm).
    let layerNorm (normalizedShape: int[]) (weight: Tensor option) (bias: Tensor option) (eps: float) (x: Tensor) =
        OpsNN.layerNorm normalizedShape weight bias eps x

    /// Group normalisation of x [N, C, *] with the channels in numGroups groups; weight and bias
    /// per channel (torch.nn.functional.group_norm).
    let groupNorm (numGroups: int) (weight: Tensor option) (bias: Tensor option) (eps: float) (x: Tensor) =
        OpsNN.groupNorm numGroups weight bias eps x

    /// The rows of weight [num, dim] at integer indices of any shape: shape indices ++ [dim]. The
    /// row at paddingIdx (negative counts from the end) gets no gradient (torch.nn.functional.embedding).
    let embedding (paddingIdx: int option) (weight: Tensor) (indices: Tensor) =
        OpsNN.embedding paddingIdx weight indices

    /// y = x1ᵀ A x2 + b for weight A [out, in1, in2], x1 [*, in1], x2 [*, in2] (same leading
    /// dims), bias [out] (torch.nn.functional.bilinear).
    let bilinear (weight: Tensor) (bias: Tensor option) (x1: Tensor) (x2: Tensor) = OpsNN.bilinear weight bias x1 x2

    /// softmax(q kᵀ/√E + mask) v for q [*, L, E], k [*, S, E], v [*, S, Ev]: a bool mask keeps the
    /// true positions, a float mask is added, isCausal masks above the diagonal; no dropout
    /// (torch.nn.functional.scaled_dot_product_attention). Fully masked rows give 0.
    let scaledDotProductAttention (attnMask: Tensor option) (isCausal: bool) (q: Tensor) (k: Tensor) (v: Tensor) =
        OpsNN.scaledDotProductAttention attnMask isCausal q k v

    /// The attention weights softmax(q kᵀ/√E + mask) [*, L, S] that scaledDotProductAttention
    /// multiplies v by (same masks).
    let attentionWeights (attnMask: Tensor option) (isCausal: bool) (q: Tensor) (k: Tensor) =
        OpsNN.attentionWeights "attentionWeights" attnMask isCausal q k

    /// x / max(‖x‖_p, eps) along dim (torch.nn.functional.normalize; PyTorch's defaults are p = 2, dim = 1, eps = 1e-12).
    let normalize (p: float) (dim: int) (eps: float) (x: Tensor) = OpsNN.normalize p dim eps x

    /// ‖a − b + eps‖_p over the last dim, a and b broadcast (torch.nn.functional.pairwise_distance;
    /// defaults p = 2, eps = 1e-6, keepDim = false).
    let pairwiseDistance (p: float) (eps: float) (keepDim: bool) (a: Tensor) (b: Tensor) =
        OpsNN.pairwiseDistance p eps keepDim a b

    /// The cosine of the angle between a and b along dim, norms clamped below by eps, a and b
    /// broadcast (torch.nn.functional.cosine_similarity; defaults dim = 1, eps = 1e-8).
    let cosineSimilarity (dim: int) (eps: float) (a: Tensor) (b: Tensor) = OpsNN.cosineSimilarity dim eps a b

    /// x limited to [minVal, maxVal], derivative 1 strictly inside (torch.nn.functional.hardtanh).
    let hardtanh (minVal: float) (maxVal: float) (x: Tensor) = OpsNN.hardtanh minVal maxVal x
    /// min(max(x, 0), 6).
    let relu6 (x: Tensor) = OpsNN.relu6 x
    /// scale·elu(x) with PyTorch's alpha ≈ 1.6733 and scale ≈ 1.0507.
    let selu (x: Tensor) = OpsNN.selu x
    /// max(0, x) + min(0, alpha·(exp(x/alpha) − 1)).
    let celu (alpha: float) (x: Tensor) = OpsNN.celu alpha x
    /// x·tanh(softplus(x)).
    let mish (x: Tensor) = OpsNN.mish x
    /// x / (1 + |x|).
    let softsign (x: Tensor) = OpsNN.softsign x
    /// The gated linear unit: a·sigmoid(b) for the halves a, b of x along dim (PyTorch's default dim is -1).
    let glu (dim: int) (x: Tensor) = OpsNN.glu dim x
    /// gelu with the tanh approximation (torch.nn.functional.gelu(x, approximate="tanh")).
    let geluTanh (x: Tensor) = OpsNN.geluTanh x
    /// relu6(x + 3) / 6.
    let hardsigmoid (x: Tensor) = OpsNN.hardsigmoid x
    /// x·relu6(x + 3) / 6.
    let hardswish (x: Tensor) = OpsNN.hardswish x
    /// softmax(−x) along dim.
    let softmin (dim: int) (x: Tensor) = OpsNN.softmin dim x
    /// x − tanh(x).
    let tanhshrink (x: Tensor) = OpsNN.tanhshrink x
    /// x − lambda above lambda, x + lambda below −lambda, 0 between (lambda ≥ 0; PyTorch's default 0.5).
    let softshrink (lambda: float) (x: Tensor) = OpsNN.softshrink lambda x
    /// x where |x| > lambda, else 0 (PyTorch's default lambda is 0.5).
    let hardshrink (lambda: float) (x: Tensor) = OpsNN.hardshrink lambda x
    /// x where x > threshold, else value (torch.nn.functional.threshold).
    let threshold (threshold: float) (value: float) (x: Tensor) = OpsNN.threshold threshold value x
    /// x where x > 0, weight·x elsewhere; weight holds one value or one per channel (dim 1) (torch.nn.functional.prelu).
    let prelu (weight: Tensor) (x: Tensor) = OpsNN.prelu weight x
    /// (1/beta)·log(1 + exp(beta·x)), x where beta·x > threshold (torch.nn.functional.softplus with beta and threshold).
    let softplusWith (beta: float) (threshold: float) (x: Tensor) = OpsNN.softplusWith beta threshold x

/// Convolution and pooling with all their options, as methods: `x.Conv2d(weight, padding = [| 1 |])`
/// in F#, `x.Conv2d(weight, padding: new[] { 1 })` in C# (extension methods, which both languages
/// see). Omitted arguments take PyTorch's defaults; a size given as one value applies to both
/// spatial dimensions.
[<Extension; AbstractClass; Sealed>]
type TensorExtensions =

    static member private Pair(op: string, name: string, v: int[], fallback: int[]) =
        match v with
        | null -> fallback
        | [| a |] -> [| a; a |]
        | [| a; b |] -> [| a; b |]
        | other -> invalidArg name $"{op}: {name} must have one or two values (height, width); got {shapeText other}."

    /// 2-D convolution of x [N, C, H, W] with weight [O, C/groups, kh, kw], an optional bias [O],
    /// stride, padding, dilation (one value or [height; width]) and groups.
    [<Extension>]
    static member Conv2d
        (
            x: Tensor,
            weight: Tensor,
            [<Optional>] bias: Tensor,
            [<Optional>] stride: int[],
            [<Optional>] padding: int[],
            [<Optional>] dilation: int[],
            [<Optional; DefaultParameterValue(1)>] groups: int
        ) =
        let spec: OpsConv.ConvSpec =
            {
                Stride = TensorExtensions.Pair("conv2d", "stride", stride, [| 1; 1 |])
                Padding = TensorExtensions.Pair("conv2d", "padding", padding, [| 0; 0 |])
                Dilation = TensorExtensions.Pair("conv2d", "dilation", dilation, [| 1; 1 |])
                Groups = groups
            }

        OpsConv.convolve "conv2d" spec x weight (Option.ofObj bias)

    /// 1-D convolution of x [N, C, L] with weight [O, C/groups, k], an optional bias [O], stride,
    /// padding, dilation and groups.
    [<Extension>]
    static member Conv1d
        (
            x: Tensor,
            weight: Tensor,
            [<Optional>] bias: Tensor,
            [<Optional; DefaultParameterValue(1)>] stride: int,
            [<Optional>] padding: int,
            [<Optional; DefaultParameterValue(1)>] dilation: int,
            [<Optional; DefaultParameterValue(1)>] groups: int
        ) =
        OpsConv.conv1d stride padding dilation groups x weight (Option.ofObj bias)

    /// 2-D transposed convolution of x [N, Cin, H, W] (or [Cin, H, W]) with weight
    /// [Cin, Cout/groups, kh, kw], an optional bias [Cout], stride, padding, outputPadding and
    /// dilation (one value or [height; width]) and groups (torch.nn.functional.conv_transpose2d).
    [<Extension>]
    static member ConvTranspose2d
        (
            x: Tensor,
            weight: Tensor,
            [<Optional>] bias: Tensor,
            [<Optional>] stride: int[],
            [<Optional>] padding: int[],
            [<Optional>] outputPadding: int[],
            [<Optional; DefaultParameterValue(1)>] groups: int,
            [<Optional>] dilation: int[]
        ) =
        let op = "convTranspose2d"

        OpsNN.convTranspose2d
            op
            (TensorExtensions.Pair(op, "stride", stride, [| 1; 1 |]))
            (TensorExtensions.Pair(op, "padding", padding, [| 0; 0 |]))
            (TensorExtensions.Pair(op, "outputPadding", outputPadding, [| 0; 0 |]))
            groups
            (TensorExtensions.Pair(op, "dilation", dilation, [| 1; 1 |]))
            weight
            (Option.ofObj bias)
            x

    /// 1-D transposed convolution of x [N, Cin, L] (or [Cin, L]) with weight [Cin, Cout/groups, k],
    /// an optional bias [Cout], stride, padding, outputPadding, groups and dilation
    /// (torch.nn.functional.conv_transpose1d).
    [<Extension>]
    static member ConvTranspose1d
        (
            x: Tensor,
            weight: Tensor,
            [<Optional>] bias: Tensor,
            [<Optional; DefaultParameterValue(1)>] stride: int,
            [<Optional>] padding: int,
            [<Optional>] outputPadding: int,
            [<Optional; DefaultParameterValue(1)>] groups: int,
            [<Optional; DefaultParameterValue(1)>] dilation: int
        ) =
        OpsNN.convTranspose1d stride padding outputPadding groups dilation weight (Option.ofObj bias) x

    /// Max pooling; the stride defaults to the kernel size.
    [<Extension>]
    static member MaxPool2d(x: Tensor, kernel: int[], [<Optional>] stride: int[], [<Optional>] padding: int[]) =
        let k =
            TensorExtensions.Pair("maxPool2d", "kernel", (if isNull kernel then [||] else kernel), [||])

        OpsConv.maxPool2d
            k
            (TensorExtensions.Pair("maxPool2d", "stride", stride, k))
            (TensorExtensions.Pair("maxPool2d", "padding", padding, [| 0; 0 |]))
            x

    /// Average pooling (padding counted in the average, PyTorch's default); the stride defaults to the kernel size.
    [<Extension>]
    static member AvgPool2d(x: Tensor, kernel: int[], [<Optional>] stride: int[], [<Optional>] padding: int[]) =
        let k =
            TensorExtensions.Pair("avgPool2d", "kernel", (if isNull kernel then [||] else kernel), [||])

        OpsConv.avgPool2d
            k
            (TensorExtensions.Pair("avgPool2d", "stride", stride, k))
            (TensorExtensions.Pair("avgPool2d", "padding", padding, [| 0; 0 |]))
            x
