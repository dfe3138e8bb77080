using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using F = global::Nabla;
using M = global::Nabla.TensorModule;

namespace Nabla.CSharp;

/// <summary>Conversions shared by the facade's op files (argument checks, optional tensors, sequences).</summary>
internal static class OpArgs
{
    /// <summary>The core tensor of a facade tensor argument; null is an <see cref="ArgumentNullException"/>.</summary>
    internal static F.Tensor Of(Tensor? t, [CallerArgumentExpression(nameof(t))] string? name = null) =>
        t is null ? throw new ArgumentNullException(name) : t.Value;

    /// <summary>An optional tensor argument as the core's option (null for None).</summary>
    internal static Microsoft.FSharp.Core.FSharpOption<F.Tensor>? Opt(Tensor? t) =>
        t is null ? null : Microsoft.FSharp.Core.FSharpOption<F.Tensor>.Some(t.Value);

    /// <summary>The core tensors of a sequence of facade tensors (null sequence or element: ArgumentNullException).</summary>
    internal static F.Tensor[] All(IEnumerable<Tensor> ts, [CallerArgumentExpression(nameof(ts))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(ts, name);
        var list = new List<F.Tensor>();
        foreach (var t in ts)
            list.Add(t is null ? throw new ArgumentNullException(name, $"{name}: an element is null.") : t.Value);
        return list.ToArray();
    }

    /// <summary>An array argument that must not be null.</summary>
    internal static T[] Arr<T>(T[]? a, [CallerArgumentExpression(nameof(a))] string? name = null) =>
        a ?? throw new ArgumentNullException(name);

    /// <summary>Wraps an array of core tensors.</summary>
    internal static Tensor[] WrapAll(F.Tensor[] ts)
    {
        var r = new Tensor[ts.Length];
        for (var i = 0; i < ts.Length; i++) r[i] = Tensor.Wrap(ts[i]);
        return r;
    }
}

public partial class Tensor
{
    // ------------------------------------------------------------ arithmetic

    /// <summary>Elementwise sum with broadcasting (PyTorch's <c>torch.add</c>); the same as <c>this + other</c>.</summary>
    /// <param name="other">The tensor to add.</param>
    public Tensor Add(Tensor other) => Wrap(M.add(Value, OpArgs.Of(other)));

    /// <summary>Elementwise difference with broadcasting (PyTorch's <c>torch.sub</c>); the same as <c>this - other</c>.</summary>
    /// <param name="other">The tensor to subtract.</param>
    public Tensor Sub(Tensor other) => Wrap(M.sub(Value, OpArgs.Of(other)));

    /// <summary>Elementwise product with broadcasting (PyTorch's <c>torch.mul</c>); the same as <c>this * other</c>.</summary>
    /// <param name="other">The tensor to multiply by.</param>
    public Tensor Mul(Tensor other) => Wrap(M.mul(Value, OpArgs.Of(other)));

    /// <summary>Elementwise quotient with broadcasting (PyTorch's <c>torch.div</c>); the same as <c>this / other</c>.</summary>
    /// <param name="other">The divisor.</param>
    public Tensor Div(Tensor other) => Wrap(M.div(Value, OpArgs.Of(other)));

    /// <summary>Every element negated (PyTorch's <c>torch.neg</c>); the same as <c>-this</c>.</summary>
    public Tensor Neg() => Wrap(M.neg(Value));

    /// <summary>Every element raised to a constant power (PyTorch's <c>torch.pow</c>).</summary>
    /// <param name="exponent">The exponent.</param>
    public Tensor Pow(double exponent) => Wrap(M.pow(exponent, Value));

    /// <summary>Every element raised to an integer power (PyTorch's <c>torch.pow</c>); integer tensors stay integer.</summary>
    /// <param name="exponent">The exponent.</param>
    public Tensor Pow(int exponent) => Wrap(F.Tensor.Pow(Value, exponent));

    /// <summary>Elementwise power with a tensor of exponents, broadcasting (PyTorch's <c>torch.pow</c>).</summary>
    /// <param name="exponent">The exponents.</param>
    public Tensor Pow(Tensor exponent) => Wrap(M.powTensor(OpArgs.Of(exponent), Value));

    /// <summary>The remainder with the sign of the divisor, as Python's <c>%</c> (PyTorch's <c>torch.remainder</c>).</summary>
    /// <param name="divisor">The divisor, broadcasting.</param>
    public Tensor Remainder(Tensor divisor) => Wrap(M.remainder(Value, OpArgs.Of(divisor)));

    /// <summary>The remainder by a number with the sign of the divisor (PyTorch's <c>torch.remainder</c>).</summary>
    /// <param name="divisor">The divisor.</param>
    public Tensor Remainder(double divisor) => Wrap(M.remainderScalar(divisor, Value));

    /// <summary>The remainder by an integer with the sign of the divisor; integer tensors stay integer (PyTorch's <c>torch.remainder</c>).</summary>
    /// <param name="divisor">The divisor.</param>
    public Tensor Remainder(long divisor) => Wrap(M.remainderScalar(divisor, Value));

    /// <summary>The remainder with the sign of the dividend, as C's <c>fmod</c> (PyTorch's <c>torch.fmod</c>).</summary>
    /// <param name="divisor">The divisor, broadcasting.</param>
    public Tensor Fmod(Tensor divisor) => Wrap(M.fmod(Value, OpArgs.Of(divisor)));

    /// <summary>The remainder by a number with the sign of the dividend (PyTorch's <c>torch.fmod</c>).</summary>
    /// <param name="divisor">The divisor.</param>
    public Tensor Fmod(double divisor) => Wrap(M.fmodScalar(divisor, Value));

    /// <summary>The remainder by an integer with the sign of the dividend; integer tensors stay integer (PyTorch's <c>torch.fmod</c>).</summary>
    /// <param name="divisor">The divisor.</param>
    public Tensor Fmod(long divisor) => Wrap(M.fmodScalar(divisor, Value));

    /// <summary>The quotient rounded toward −∞, as Python's <c>//</c> (PyTorch's <c>torch.floor_divide</c>); not differentiated.</summary>
    /// <param name="divisor">The divisor, broadcasting.</param>
    public Tensor FloorDivide(Tensor divisor) => Wrap(M.floorDivide(Value, OpArgs.Of(divisor)));

    /// <summary>The quotient by a number rounded toward −∞ (PyTorch's <c>torch.floor_divide</c>).</summary>
    /// <param name="divisor">The divisor.</param>
    public Tensor FloorDivide(double divisor) => Wrap(M.floorDivideScalar(divisor, Value));

    /// <summary>The quotient by an integer rounded toward −∞; integer tensors stay integer (PyTorch's <c>torch.floor_divide</c>).</summary>
    /// <param name="divisor">The divisor.</param>
    public Tensor FloorDivide(long divisor) => Wrap(M.floorDivideScalar(divisor, Value));

    // ------------------------------------------------------------ elementwise math

    /// <summary>The absolute value of every element (PyTorch's <c>torch.abs</c>).</summary>
    public Tensor Abs() => Wrap(M.abs(Value));

    /// <summary>The square root of every element (PyTorch's <c>torch.sqrt</c>).</summary>
    public Tensor Sqrt() => Wrap(M.sqrt(Value));

    /// <summary>1/√x for every element (PyTorch's <c>torch.rsqrt</c>).</summary>
    public Tensor Rsqrt() => Wrap(M.rsqrt(Value));

    /// <summary>x² for every element (PyTorch's <c>torch.square</c>).</summary>
    public Tensor Square() => Wrap(M.square(Value));

    /// <summary>1/x for every element (PyTorch's <c>torch.reciprocal</c>).</summary>
    public Tensor Reciprocal() => Wrap(M.reciprocal(Value));

    /// <summary>eˣ for every element (PyTorch's <c>torch.exp</c>).</summary>
    public Tensor Exp() => Wrap(M.exp(Value));

    /// <summary>eˣ − 1 for every element, accurate for small x (PyTorch's <c>torch.expm1</c>).</summary>
    public Tensor Expm1() => Wrap(M.expm1(Value));

    /// <summary>The natural logarithm of every element (PyTorch's <c>torch.log</c>).</summary>
    public Tensor Log() => Wrap(M.log(Value));

    /// <summary>log(1 + x) for every element, accurate for small x (PyTorch's <c>torch.log1p</c>).</summary>
    public Tensor Log1p() => Wrap(M.log1p(Value));

    /// <summary>The base-2 logarithm of every element (PyTorch's <c>torch.log2</c>).</summary>
    public Tensor Log2() => Wrap(M.log2(Value));

    /// <summary>The base-10 logarithm of every element (PyTorch's <c>torch.log10</c>).</summary>
    public Tensor Log10() => Wrap(M.log10(Value));

    /// <summary>The sine of every element, in radians (PyTorch's <c>torch.sin</c>).</summary>
    public Tensor Sin() => Wrap(M.sin(Value));

    /// <summary>The cosine of every element, in radians (PyTorch's <c>torch.cos</c>).</summary>
    public Tensor Cos() => Wrap(M.cos(Value));

    /// <summary>The tangent of every element, in radians (PyTorch's <c>torch.tan</c>).</summary>
    public Tensor Tan() => Wrap(M.tan(Value));

    /// <summary>The arcsine of every element (PyTorch's <c>torch.asin</c>).</summary>
    public Tensor Asin() => Wrap(M.asin(Value));

    /// <summary>The arccosine of every element (PyTorch's <c>torch.acos</c>).</summary>
    public Tensor Acos() => Wrap(M.acos(Value));

    /// <summary>The arctangent of every element (PyTorch's <c>torch.atan</c>).</summary>
    public Tensor Atan() => Wrap(M.atan(Value));

    /// <summary>The angle of the point (other, this) in (−π, π]: this tensor is y, <paramref name="other"/> is x (PyTorch's <c>torch.atan2(input, other)</c>).</summary>
    /// <param name="other">The x coordinates, broadcasting.</param>
    public Tensor Atan2(Tensor other) => Wrap(M.atan2(Value, OpArgs.Of(other)));

    /// <summary>The hyperbolic sine of every element (PyTorch's <c>torch.sinh</c>).</summary>
    public Tensor Sinh() => Wrap(M.sinh(Value));

    /// <summary>The hyperbolic cosine of every element (PyTorch's <c>torch.cosh</c>).</summary>
    public Tensor Cosh() => Wrap(M.cosh(Value));

    /// <summary>The hyperbolic tangent of every element (PyTorch's <c>torch.tanh</c>).</summary>
    public Tensor Tanh() => Wrap(M.tanh(Value));

    /// <summary>The error function of every element (PyTorch's <c>torch.erf</c>).</summary>
    public Tensor Erf() => Wrap(M.erf(Value));

    /// <summary>−1, 0 or 1 by the sign of every element (PyTorch's <c>torch.sign</c>); its derivative is zero.</summary>
    public Tensor Sign() => Wrap(M.sign(Value));

    /// <summary>Every element rounded down (PyTorch's <c>torch.floor</c>); its derivative is zero.</summary>
    public Tensor Floor() => Wrap(M.floor(Value));

    /// <summary>Every element rounded up (PyTorch's <c>torch.ceil</c>); its derivative is zero.</summary>
    public Tensor Ceil() => Wrap(M.ceil(Value));

    /// <summary>Every element rounded to the nearest integer, half to even (PyTorch's <c>torch.round</c>); its derivative is zero.</summary>
    public Tensor Round() => Wrap(M.round(Value));

    /// <summary>Every element rounded toward zero (PyTorch's <c>torch.trunc</c>); its derivative is zero.</summary>
    public Tensor Trunc() => Wrap(M.trunc(Value));

    /// <summary>Every element limited to [<paramref name="min"/>, <paramref name="max"/>]; a null bound is no bound
    /// (PyTorch's <c>torch.clamp</c>: at least one bound must be given).</summary>
    /// <param name="min">The lower bound, or null.</param>
    /// <param name="max">The upper bound, or null.</param>
    public Tensor Clamp(double? min = null, double? max = null) =>
        (min, max) switch
        {
            ({ } lo, { } hi) => Wrap(M.clamp(lo, hi, Value)),
            ({ } lo, null) => Wrap(M.clampMin(lo, Value)),
            (null, { } hi) => Wrap(M.clampMax(hi, Value)),
            _ => throw new ArgumentException("Clamp: give at least one of min and max (PyTorch's torch.clamp needs one too).", nameof(min)),
        };

    /// <summary>Every element limited from below (PyTorch's <c>torch.clamp_min</c>).</summary>
    /// <param name="min">The lower bound.</param>
    public Tensor ClampMin(double min) => Wrap(M.clampMin(min, Value));

    /// <summary>Every element limited from above (PyTorch's <c>torch.clamp_max</c>).</summary>
    /// <param name="max">The upper bound.</param>
    public Tensor ClampMax(double max) => Wrap(M.clampMax(max, Value));

    /// <summary>The elementwise maximum of two tensors, broadcasting (PyTorch's <c>torch.maximum</c>).</summary>
    /// <param name="other">The other tensor.</param>
    public Tensor Maximum(Tensor other) => Wrap(M.maximum(Value, OpArgs.Of(other)));

    /// <summary>The elementwise minimum of two tensors, broadcasting (PyTorch's <c>torch.minimum</c>).</summary>
    /// <param name="other">The other tensor.</param>
    public Tensor Minimum(Tensor other) => Wrap(M.minimum(Value, OpArgs.Of(other)));

    /// <summary>Elements of <paramref name="input"/> where <paramref name="condition"/> is true, of
    /// <paramref name="other"/> elsewhere, all three broadcasting (PyTorch's <c>torch.where</c>).</summary>
    /// <param name="condition">A bool tensor.</param>
    /// <param name="input">The values where the condition holds.</param>
    /// <param name="other">The values where it does not.</param>
    public static Tensor Where(Tensor condition, Tensor input, Tensor other) =>
        Wrap(M.where(OpArgs.Of(condition), OpArgs.Of(input), OpArgs.Of(other)));

    // ------------------------------------------------------------ comparisons and logic (bool results)

    /// <summary>Elementwise <c>==</c>, broadcasting; a bool tensor (PyTorch's <c>torch.eq</c>).</summary>
    /// <param name="other">The tensor to compare with.</param>
    public Tensor Eq(Tensor other) => Wrap(M.eq(Value, OpArgs.Of(other)));

    /// <summary>Elementwise <c>== value</c>; a bool tensor (PyTorch's <c>torch.eq</c>).</summary>
    /// <param name="value">The number to compare with.</param>
    public Tensor Eq(double value) => Wrap(M.eqScalar(value, Value));

    /// <summary>Elementwise <c>!=</c>, broadcasting; a bool tensor (PyTorch's <c>torch.ne</c>).</summary>
    /// <param name="other">The tensor to compare with.</param>
    public Tensor Ne(Tensor other) => Wrap(M.ne(Value, OpArgs.Of(other)));

    /// <summary>Elementwise <c>!= value</c>; a bool tensor (PyTorch's <c>torch.ne</c>).</summary>
    /// <param name="value">The number to compare with.</param>
    public Tensor Ne(double value) => Wrap(M.neScalar(value, Value));

    /// <summary>Elementwise <c>&lt;</c>, broadcasting; a bool tensor (PyTorch's <c>torch.lt</c>).</summary>
    /// <param name="other">The tensor to compare with.</param>
    public Tensor Lt(Tensor other) => Wrap(M.lt(Value, OpArgs.Of(other)));

    /// <summary>Elementwise <c>&lt; value</c>; a bool tensor (PyTorch's <c>torch.lt</c>).</summary>
    /// <param name="value">The number to compare with.</param>
    public Tensor Lt(double value) => Wrap(M.ltScalar(value, Value));

    /// <summary>Elementwise <c>&lt;=</c>, broadcasting; a bool tensor (PyTorch's <c>torch.le</c>).</summary>
    /// <param name="other">The tensor to compare with.</param>
    public Tensor Le(Tensor other) => Wrap(M.le(Value, OpArgs.Of(other)));

    /// <summary>Elementwise <c>&lt;= value</c>; a bool tensor (PyTorch's <c>torch.le</c>).</summary>
    /// <param name="value">The number to compare with.</param>
    public Tensor Le(double value) => Wrap(M.leScalar(value, Value));

    /// <summary>Elementwise <c>&gt;</c>, broadcasting; a bool tensor (PyTorch's <c>torch.gt</c>).</summary>
    /// <param name="other">The tensor to compare with.</param>
    public Tensor Gt(Tensor other) => Wrap(M.gt(Value, OpArgs.Of(other)));

    /// <summary>Elementwise <c>&gt; value</c>; a bool tensor (PyTorch's <c>torch.gt</c>).</summary>
    /// <param name="value">The number to compare with.</param>
    public Tensor Gt(double value) => Wrap(M.gtScalar(value, Value));

    /// <summary>Elementwise <c>&gt;=</c>, broadcasting; a bool tensor (PyTorch's <c>torch.ge</c>).</summary>
    /// <param name="other">The tensor to compare with.</param>
    public Tensor Ge(Tensor other) => Wrap(M.ge(Value, OpArgs.Of(other)));

    /// <summary>Elementwise <c>&gt;= value</c>; a bool tensor (PyTorch's <c>torch.ge</c>).</summary>
    /// <param name="value">The number to compare with.</param>
    public Tensor Ge(double value) => Wrap(M.geScalar(value, Value));

    /// <summary>Whether both tensors have the same shape and |this − other| ≤ atol + rtol·|other|
    /// everywhere (PyTorch's <c>torch.allclose</c>, NaNs unequal).</summary>
    /// <param name="other">The tensor to compare with.</param>
    /// <param name="rtol">The relative tolerance.</param>
    /// <param name="atol">The absolute tolerance.</param>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8) =>
        M.allClose(rtol, atol, Value, OpArgs.Of(other));

    /// <summary>Elementwise logical AND of the truth values, broadcasting (PyTorch's <c>torch.logical_and</c>).</summary>
    /// <param name="other">The other tensor.</param>
    public Tensor LogicalAnd(Tensor other) => Wrap(M.logicalAnd(Value, OpArgs.Of(other)));

    /// <summary>Elementwise logical OR of the truth values, broadcasting (PyTorch's <c>torch.logical_or</c>).</summary>
    /// <param name="other">The other tensor.</param>
    public Tensor LogicalOr(Tensor other) => Wrap(M.logicalOr(Value, OpArgs.Of(other)));

    /// <summary>Elementwise logical XOR of the truth values, broadcasting (PyTorch's <c>torch.logical_xor</c>).</summary>
    /// <param name="other">The other tensor.</param>
    public Tensor LogicalXor(Tensor other) => Wrap(M.logicalXor(Value, OpArgs.Of(other)));

    /// <summary>Elementwise logical NOT: true where an element is zero (PyTorch's <c>torch.logical_not</c>).</summary>
    public Tensor LogicalNot() => Wrap(M.logicalNot(Value));

    /// <summary>Elementwise bitwise AND (logical AND for bool tensors) (PyTorch's <c>torch.bitwise_and</c>).</summary>
    /// <param name="other">An integer or bool tensor, broadcasting.</param>
    public Tensor BitwiseAnd(Tensor other) => Wrap(M.bitwiseAnd(Value, OpArgs.Of(other)));

    /// <summary>Elementwise bitwise OR (logical OR for bool tensors) (PyTorch's <c>torch.bitwise_or</c>).</summary>
    /// <param name="other">An integer or bool tensor, broadcasting.</param>
    public Tensor BitwiseOr(Tensor other) => Wrap(M.bitwiseOr(Value, OpArgs.Of(other)));

    /// <summary>Elementwise bitwise XOR (logical XOR for bool tensors) (PyTorch's <c>torch.bitwise_xor</c>).</summary>
    /// <param name="other">An integer or bool tensor, broadcasting.</param>
    public Tensor BitwiseXor(Tensor other) => Wrap(M.bitwiseXor(Value, OpArgs.Of(other)));

    /// <summary>Elementwise bitwise NOT (logical NOT for bool tensors) (PyTorch's <c>torch.bitwise_not</c>).</summary>
    public Tensor BitwiseNot() => Wrap(M.bitwiseNot(Value));

    /// <summary>Every element shifted left by the bits of <paramref name="other"/> (PyTorch's <c>torch.bitwise_left_shift</c>).</summary>
    /// <param name="other">The shifts, an integer tensor, broadcasting.</param>
    public Tensor BitwiseLeftShift(Tensor other) => Wrap(M.bitwiseLeftShift(Value, OpArgs.Of(other)));

    /// <summary>Every element shifted left by a number of bits (PyTorch's <c>torch.bitwise_left_shift</c>).</summary>
    /// <param name="bits">The shift.</param>
    public Tensor BitwiseLeftShift(int bits) => Wrap(M.bitwiseLeftShiftScalar(bits, Value));

    /// <summary>Every element shifted right (arithmetic) by the bits of <paramref name="other"/> (PyTorch's <c>torch.bitwise_right_shift</c>).</summary>
    /// <param name="other">The shifts, an integer tensor, broadcasting.</param>
    public Tensor BitwiseRightShift(Tensor other) => Wrap(M.bitwiseRightShift(Value, OpArgs.Of(other)));

    /// <summary>Every element shifted right (arithmetic) by a number of bits (PyTorch's <c>torch.bitwise_right_shift</c>).</summary>
    /// <param name="bits">The shift.</param>
    public Tensor BitwiseRightShift(int bits) => Wrap(M.bitwiseRightShiftScalar(bits, Value));

    /// <summary>True where an element is NaN (PyTorch's <c>torch.isnan</c>).</summary>
    public Tensor IsNan() => Wrap(M.isnan(Value));

    /// <summary>True where an element is +∞ or −∞ (PyTorch's <c>torch.isinf</c>).</summary>
    public Tensor IsInf() => Wrap(M.isinf(Value));

    /// <summary>True where an element is neither NaN nor infinite (PyTorch's <c>torch.isfinite</c>).</summary>
    public Tensor IsFinite() => Wrap(M.isfinite(Value));

    /// <summary>True where an element is +∞ (PyTorch's <c>torch.isposinf</c>).</summary>
    public Tensor IsPosInf() => Wrap(M.isposinf(Value));

    /// <summary>True where an element is −∞ (PyTorch's <c>torch.isneginf</c>).</summary>
    public Tensor IsNegInf() => Wrap(M.isneginf(Value));

    /// <summary>NaN, +∞ and −∞ replaced by finite numbers (PyTorch's <c>torch.nan_to_num</c>): by default 0 and the
    /// dtype's largest and smallest finite values.</summary>
    /// <param name="nan">The value for NaN.</param>
    /// <param name="posinf">The value for +∞; null for the dtype's largest finite value.</param>
    /// <param name="neginf">The value for −∞; null for the dtype's smallest finite value.</param>
    public Tensor NanToNum(double nan = 0.0, double? posinf = null, double? neginf = null) =>
        Wrap(F.OpsIndex.nanToNum(
            nan,
            posinf is { } p ? Microsoft.FSharp.Core.FSharpOption<double>.Some(p) : null,
            neginf is { } n ? Microsoft.FSharp.Core.FSharpOption<double>.Some(n) : null,
            Value));

    // ------------------------------------------------------------ products and matrices

    /// <summary>The matrix product with PyTorch's rules for 1-D, 2-D and batched operands (PyTorch's <c>torch.matmul</c>, <c>@</c>).</summary>
    /// <param name="other">The right operand.</param>
    public Tensor MatMul(Tensor other) => Wrap(M.matmul(Value, OpArgs.Of(other)));

    /// <summary>The dot product of two 1-D tensors of the same length (PyTorch's <c>torch.dot</c>).</summary>
    /// <param name="other">The other vector.</param>
    public Tensor Dot(Tensor other) => Wrap(M.dot(Value, OpArgs.Of(other)));

    /// <summary>The outer product of two 1-D tensors: [n] and [m] give [n, m] (PyTorch's <c>torch.outer</c>).</summary>
    /// <param name="other">The other vector.</param>
    public Tensor Outer(Tensor other) => Wrap(M.outer(Value, OpArgs.Of(other)));

    /// <summary>The batched matrix product of [b, n, m] and [b, m, p] (PyTorch's <c>torch.bmm</c>).</summary>
    /// <param name="other">The right batch of matrices.</param>
    public Tensor Bmm(Tensor other) => Wrap(M.bmm(Value, OpArgs.Of(other)));

    /// <summary>The Kronecker product (PyTorch's <c>torch.kron</c>).</summary>
    /// <param name="other">The right operand.</param>
    public Tensor Kron(Tensor other) => Wrap(M.kron(Value, OpArgs.Of(other)));

    /// <summary>The cross product of 3-vectors along <paramref name="dim"/> (PyTorch's <c>torch.linalg.cross</c>).</summary>
    /// <param name="other">The other vectors, broadcasting.</param>
    /// <param name="dim">The dimension of size 3; negative counts from the end.</param>
    public Tensor Cross(Tensor other, int dim = -1) => Wrap(M.cross(dim, Value, OpArgs.Of(other)));

    /// <summary>The diagonal of a 2-D tensor, or the 2-D diagonal matrix of a 1-D tensor (PyTorch's <c>torch.diag</c>).</summary>
    public Tensor Diag() => Wrap(M.diag(Value));

    /// <summary>A diagonal of the last two dimensions, which are replaced by one at the end (PyTorch's
    /// <c>torch.linalg.diagonal</c>; for a matrix the same as <c>torch.diagonal</c>).</summary>
    /// <param name="offset">0 for the main diagonal, positive above it, negative below.</param>
    public Tensor Diagonal(int offset = 0) => Wrap(F.OpsShape.diagonal(offset, Value));

    /// <summary>Square matrices with the last dimension on a diagonal, zeros elsewhere: [..., n] gives [..., n + |offset|, n + |offset|] (PyTorch's <c>torch.diag_embed</c>).</summary>
    /// <param name="offset">0 for the main diagonal, positive above it, negative below.</param>
    public Tensor DiagEmbed(int offset = 0) => Wrap(F.OpsShape.diagEmbed(offset, Value));

    /// <summary>The sum of the main diagonal of a 2-D tensor (PyTorch's <c>torch.trace</c>).</summary>
    public Tensor Trace() => Wrap(M.trace(Value));

    /// <summary>The lower triangle: elements above the <paramref name="diagonal"/>-th diagonal set to zero (PyTorch's <c>torch.tril</c>).</summary>
    /// <param name="diagonal">0 for the main diagonal, positive above it, negative below.</param>
    public Tensor Tril(int diagonal = 0) => Wrap(M.tril(diagonal, Value));

    /// <summary>The upper triangle: elements below the <paramref name="diagonal"/>-th diagonal set to zero (PyTorch's <c>torch.triu</c>).</summary>
    /// <param name="diagonal">0 for the main diagonal, positive above it, negative below.</param>
    public Tensor Triu(int diagonal = 0) => Wrap(M.triu(diagonal, Value));

    /// <summary>Einstein summation (PyTorch's <c>torch.einsum</c>), e.g. <c>Tensor.Einsum("ij,jk->ik", a, b)</c>.</summary>
    /// <param name="equation">The subscripts, with an optional <c>-&gt;</c> and output subscripts.</param>
    /// <param name="operands">One tensor per comma-separated term.</param>
    public static Tensor Einsum(string equation, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        return Wrap(M.einsum(equation, OpArgs.All(operands)));
    }

    /// <summary>Contracts the last <paramref name="dims"/> dimensions of <paramref name="a"/> with the first ones of
    /// <paramref name="b"/> (PyTorch's <c>torch.tensordot(a, b, dims=2)</c>).</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="dims">How many dimensions to contract.</param>
    public static Tensor Tensordot(Tensor a, Tensor b, int dims = 2) =>
        Wrap(M.tensordotN(dims, OpArgs.Of(a), OpArgs.Of(b)));

    /// <summary>Contracts dimensions <paramref name="dimsA"/> of <paramref name="a"/> with <paramref name="dimsB"/> of
    /// <paramref name="b"/>, pairwise (PyTorch's <c>torch.tensordot(a, b, dims=(dimsA, dimsB))</c>).</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="dimsA">Dimensions of a.</param>
    /// <param name="dimsB">Dimensions of b, as many as dimsA.</param>
    public static Tensor Tensordot(Tensor a, Tensor b, int[] dimsA, int[] dimsB) =>
        Wrap(M.tensordot(OpArgs.Arr(dimsA), OpArgs.Arr(dimsB), OpArgs.Of(a), OpArgs.Of(b)));
}
