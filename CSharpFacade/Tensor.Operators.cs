using System;
using F = global::Nabla;

namespace Nabla.CSharp;

// Operators beyond the first handful in Tensor.cs: integer scalars (which keep integer tensors
// integer, as Python ints do in PyTorch), %, comparisons, bitwise and logical operators, and the
// implicit conversions from numbers. == and != are not overloaded (see the class remarks).
public partial class Tensor
{
    /// <summary>A 0-dimensional float64 tensor holding <paramref name="value"/>, wherever a tensor
    /// is expected (PyTorch's <c>torch.tensor(value)</c>).</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Tensor(double value) => From(value);

    /// <summary>A 0-dimensional float32 tensor holding <paramref name="value"/>, wherever a tensor
    /// is expected.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Tensor(float value) => From(value);

    /// <summary>A 0-dimensional int32 tensor holding <paramref name="value"/>, wherever a tensor
    /// is expected.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Tensor(int value) => From(value);

    /// <summary>Identity (Python's unary <c>+</c>).</summary>
    /// <param name="a">A tensor.</param>
    public static Tensor operator +(Tensor a) => a;

    /// <summary>Adds an integer to every element; an integer tensor stays integer (as PyTorch's <c>t + 2</c>).</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">An integer.</param>
    public static Tensor operator +(Tensor a, int b) => Wrap(a.Value + b);

    /// <summary>Adds an integer to every element; an integer tensor stays integer.</summary>
    /// <param name="a">An integer.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator +(int a, Tensor b) => Wrap(a + b.Value);

    /// <summary>Subtracts an integer from every element; an integer tensor stays integer.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">An integer.</param>
    public static Tensor operator -(Tensor a, int b) => Wrap(a.Value - b);

    /// <summary>An integer minus every element; an integer tensor stays integer.</summary>
    /// <param name="a">An integer.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator -(int a, Tensor b) => Wrap(a - b.Value);

    /// <summary>Multiplies every element by an integer; an integer tensor stays integer (as PyTorch's <c>t * 2</c>).</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">An integer.</param>
    public static Tensor operator *(Tensor a, int b) => Wrap(a.Value * b);

    /// <summary>Multiplies every element by an integer; an integer tensor stays integer.</summary>
    /// <param name="a">An integer.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator *(int a, Tensor b) => Wrap(a * b.Value);

    /// <summary>Divides every element by an integer: true division, so an integer tensor gives floats (as PyTorch's <c>/</c>).</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">An integer.</param>
    public static Tensor operator /(Tensor a, int b) => Wrap(a.Value / b);

    /// <summary>An integer divided by every element: true division, so an integer tensor gives floats.</summary>
    /// <param name="a">An integer.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator /(int a, Tensor b) => Wrap(a / b.Value);

    /// <summary>The remainder of elementwise division, with the sign of the divisor (Python's
    /// <c>%</c> and PyTorch's <c>torch.remainder</c>, not C#'s truncating <c>%</c>), broadcasting.
    /// Integer tensors stay integer.</summary>
    /// <param name="a">The dividends.</param>
    /// <param name="b">The divisors.</param>
    public static Tensor operator %(Tensor a, Tensor b) => Wrap(F.TensorModule.remainder(a.Value, b.Value));

    /// <summary>The remainder of every element divided by a number, with the sign of the divisor
    /// (Python's <c>%</c>, <c>torch.remainder</c>); gives floats.</summary>
    /// <param name="a">The dividends.</param>
    /// <param name="b">The divisor.</param>
    public static Tensor operator %(Tensor a, double b) => Wrap(F.TensorModule.remainderScalar(b, a.Value));

    /// <summary>The remainder of every element divided by an integer, with the sign of the divisor
    /// (Python's <c>%</c>, <c>torch.remainder</c>); an integer tensor stays integer.</summary>
    /// <param name="a">The dividends.</param>
    /// <param name="b">The divisor.</param>
    public static Tensor operator %(Tensor a, int b) => Wrap(F.TensorModule.remainderScalar(b, a.Value));

    /// <summary>The remainder of a number divided by every element, with the sign of the divisor
    /// (Python's <c>%</c>, <c>torch.remainder</c>).</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisors.</param>
    public static Tensor operator %(double a, Tensor b) => Wrap(F.TensorModule.remainder(From(a).Value, b.Value));

    /// <summary>The remainder of an integer divided by every element, with the sign of the divisor
    /// (Python's <c>%</c>, <c>torch.remainder</c>); an integer tensor stays integer.</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisors.</param>
    public static Tensor operator %(int a, Tensor b) => Wrap(F.TensorModule.remainder(From(a).Value, b.Value));

    /// <summary>Elementwise <c>a &lt; b</c>, broadcasting: a bool tensor (PyTorch's <c>&lt;</c>,
    /// <c>torch.lt</c>); never differentiated.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">Another tensor.</param>
    public static Tensor operator <(Tensor a, Tensor b) => Wrap(F.TensorModule.lt(a.Value, b.Value));

    /// <summary>True where an element is less than <paramref name="b"/>: a bool tensor.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">A number.</param>
    public static Tensor operator <(Tensor a, double b) => Wrap(F.Tensor.CompareScalar("lt", a.Value, b, false));

    /// <summary>True where <paramref name="a"/> is less than an element: a bool tensor.</summary>
    /// <param name="a">A number.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator <(double a, Tensor b) => Wrap(F.Tensor.CompareScalar("gt", b.Value, a, false));

    /// <summary>True where an element is less than <paramref name="b"/> (compared exactly): a bool tensor.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">An integer.</param>
    public static Tensor operator <(Tensor a, int b) => Wrap(F.Tensor.CompareScalar("lt", a.Value, b, true));

    /// <summary>True where <paramref name="a"/> is less than an element (compared exactly): a bool tensor.</summary>
    /// <param name="a">An integer.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator <(int a, Tensor b) => Wrap(F.Tensor.CompareScalar("gt", b.Value, a, true));

    /// <summary>Elementwise <c>a &gt; b</c>, broadcasting: a bool tensor (PyTorch's <c>&gt;</c>,
    /// <c>torch.gt</c>); never differentiated.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">Another tensor.</param>
    public static Tensor operator >(Tensor a, Tensor b) => Wrap(F.TensorModule.gt(a.Value, b.Value));

    /// <summary>True where an element is greater than <paramref name="b"/>: a bool tensor.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">A number.</param>
    public static Tensor operator >(Tensor a, double b) => Wrap(F.Tensor.CompareScalar("gt", a.Value, b, false));

    /// <summary>True where <paramref name="a"/> is greater than an element: a bool tensor.</summary>
    /// <param name="a">A number.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator >(double a, Tensor b) => Wrap(F.Tensor.CompareScalar("lt", b.Value, a, false));

    /// <summary>True where an element is greater than <paramref name="b"/> (compared exactly): a bool tensor.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">An integer.</param>
    public static Tensor operator >(Tensor a, int b) => Wrap(F.Tensor.CompareScalar("gt", a.Value, b, true));

    /// <summary>True where <paramref name="a"/> is greater than an element (compared exactly): a bool tensor.</summary>
    /// <param name="a">An integer.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator >(int a, Tensor b) => Wrap(F.Tensor.CompareScalar("lt", b.Value, a, true));

    /// <summary>Elementwise <c>a &lt;= b</c>, broadcasting: a bool tensor (PyTorch's <c>&lt;=</c>,
    /// <c>torch.le</c>); never differentiated.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">Another tensor.</param>
    public static Tensor operator <=(Tensor a, Tensor b) => Wrap(F.TensorModule.le(a.Value, b.Value));

    /// <summary>True where an element is less than or equal to <paramref name="b"/>: a bool tensor.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">A number.</param>
    public static Tensor operator <=(Tensor a, double b) => Wrap(F.Tensor.CompareScalar("le", a.Value, b, false));

    /// <summary>True where <paramref name="a"/> is less than or equal to an element: a bool tensor.</summary>
    /// <param name="a">A number.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator <=(double a, Tensor b) => Wrap(F.Tensor.CompareScalar("ge", b.Value, a, false));

    /// <summary>True where an element is less than or equal to <paramref name="b"/> (compared exactly): a bool tensor.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">An integer.</param>
    public static Tensor operator <=(Tensor a, int b) => Wrap(F.Tensor.CompareScalar("le", a.Value, b, true));

    /// <summary>True where <paramref name="a"/> is less than or equal to an element (compared exactly): a bool tensor.</summary>
    /// <param name="a">An integer.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator <=(int a, Tensor b) => Wrap(F.Tensor.CompareScalar("ge", b.Value, a, true));

    /// <summary>Elementwise <c>a &gt;= b</c>, broadcasting: a bool tensor (PyTorch's <c>&gt;=</c>,
    /// <c>torch.ge</c>); never differentiated.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">Another tensor.</param>
    public static Tensor operator >=(Tensor a, Tensor b) => Wrap(F.TensorModule.ge(a.Value, b.Value));

    /// <summary>True where an element is greater than or equal to <paramref name="b"/>: a bool tensor.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">A number.</param>
    public static Tensor operator >=(Tensor a, double b) => Wrap(F.Tensor.CompareScalar("ge", a.Value, b, false));

    /// <summary>True where <paramref name="a"/> is greater than or equal to an element: a bool tensor.</summary>
    /// <param name="a">A number.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator >=(double a, Tensor b) => Wrap(F.Tensor.CompareScalar("le", b.Value, a, false));

    /// <summary>True where an element is greater than or equal to <paramref name="b"/> (compared exactly): a bool tensor.</summary>
    /// <param name="a">A tensor.</param>
    /// <param name="b">An integer.</param>
    public static Tensor operator >=(Tensor a, int b) => Wrap(F.Tensor.CompareScalar("ge", a.Value, b, true));

    /// <summary>True where <paramref name="a"/> is greater than or equal to an element (compared exactly): a bool tensor.</summary>
    /// <param name="a">An integer.</param>
    /// <param name="b">A tensor.</param>
    public static Tensor operator >=(int a, Tensor b) => Wrap(F.Tensor.CompareScalar("le", b.Value, a, true));

    /// <summary>Elementwise AND: logical for bool tensors, of the bits for integer ones,
    /// broadcasting (PyTorch's <c>&amp;</c>, <c>torch.bitwise_and</c>).</summary>
    /// <param name="a">A bool or integer tensor.</param>
    /// <param name="b">Another.</param>
    public static Tensor operator &(Tensor a, Tensor b) => Wrap(F.TensorModule.bitwiseAnd(a.Value, b.Value));

    /// <summary>Elementwise OR: logical for bool tensors, of the bits for integer ones,
    /// broadcasting (PyTorch's <c>|</c>, <c>torch.bitwise_or</c>).</summary>
    /// <param name="a">A bool or integer tensor.</param>
    /// <param name="b">Another.</param>
    public static Tensor operator |(Tensor a, Tensor b) => Wrap(F.TensorModule.bitwiseOr(a.Value, b.Value));

    /// <summary>Elementwise exclusive OR: logical for bool tensors, of the bits for integer ones,
    /// broadcasting (PyTorch's <c>^</c>, <c>torch.bitwise_xor</c>).</summary>
    /// <param name="a">A bool or integer tensor.</param>
    /// <param name="b">Another.</param>
    public static Tensor operator ^(Tensor a, Tensor b) => Wrap(F.TensorModule.bitwiseXor(a.Value, b.Value));

    /// <summary>Elementwise NOT: logical for a bool tensor, of the bits for an integer one
    /// (PyTorch's <c>~</c>, <c>torch.bitwise_not</c>).</summary>
    /// <param name="a">A bool or integer tensor.</param>
    public static Tensor operator ~(Tensor a) => Wrap(F.TensorModule.bitwiseNot(a.Value));

    /// <summary>Every element shifted left by <paramref name="bits"/> bits (integer tensors;
    /// PyTorch's <c>&lt;&lt;</c>).</summary>
    /// <param name="a">An integer tensor.</param>
    /// <param name="bits">The number of bits.</param>
    public static Tensor operator <<(Tensor a, int bits) => Wrap(F.TensorModule.bitwiseLeftShiftScalar(bits, a.Value));

    /// <summary>Every element shifted right by <paramref name="bits"/> bits, keeping the sign
    /// (integer tensors; PyTorch's <c>&gt;&gt;</c>).</summary>
    /// <param name="a">An integer tensor.</param>
    /// <param name="bits">The number of bits.</param>
    public static Tensor operator >>(Tensor a, int bits) => Wrap(F.TensorModule.bitwiseRightShiftScalar(bits, a.Value));
}
