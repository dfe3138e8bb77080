using System;
using System.Linq;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Small inputs and checks shared by the op tests (OpsTests, ShapeTests, ReductionTests, LinalgTests, FunctionalTests).</summary>
internal static class OpsCheck
{
    public static Tensor V(params double[] v) => Tensor.From(v);

    public static Tensor M(double[,] v) => Tensor.From(v);

    /// <summary>An int64 tensor (the facade's integer factories belong to the tensor-core area; this goes through the core).</summary>
    public static Tensor Long(params long[] v) => Tensor.Wrap(global::Nabla.TensorModule.ofArray(v));

    /// <summary>A float64 tensor 1, 2, ..., n in the given shape.</summary>
    public static Tensor Range(params int[] shape)
    {
        var n = shape.Aggregate(1, (a, b) => a * b);
        return Tensor.From(Enumerable.Range(1, n).Select(i => (double)i).ToArray()).Reshape(shape);
    }

    public static void Values(Tensor t, double[] expected, string what, double tolerance = 1e-9)
    {
        var got = t.ToArray<double>();
        Assert.Equal(got.Length, expected.Length, $"{what}: number of elements");
        for (var i = 0; i < got.Length; i++)
            if (!(double.IsNaN(expected[i]) && double.IsNaN(got[i])) && !(expected[i] == got[i]))
                Assert.Close(got[i], expected[i], $"{what}[{i}] (all: [{string.Join(", ", got)}])", tolerance);
    }

    public static void Shape(Tensor t, int[] expected, string what) => Assert.Sequence(t.Shape, expected, $"{what}: shape");

    public static void Bools(Tensor t, bool[] expected, string what)
    {
        Assert.Equal(t.DType, DType.Bool, $"{what}: dtype");
        Assert.Sequence(t.ToArray<bool>(), expected, what);
    }

    /// <summary>The gradient of Σ wᵢ·f(x)ᵢ (fixed weights 1, 1.1, 1.2, ...) by Backward equals central differences in float64.</summary>
    public static void GradMatchesFiniteDifferences(Func<Tensor, Tensor> f, double[] x0, int[] shape, string what, double tolerance = 1e-6)
    {
        Tensor Loss(Tensor x)
        {
            var y = f(x);
            var n = y.Shape.Aggregate(1, (a, b) => a * b);
            var w = Tensor.From(Enumerable.Range(0, n).Select(i => 1.0 + 0.1 * i).ToArray()).Reshape(y.Shape);
            return (y * w).Sum();
        }

        var x = Tensor.From(x0).Reshape(shape).RequiresGrad();
        Loss(x).Backward();
        var analytic = x.Grad!.ToArray<double>();
        const double h = 1e-6;
        for (var i = 0; i < x0.Length; i++)
        {
            var plus = (double[])x0.Clone();
            var minus = (double[])x0.Clone();
            plus[i] += h;
            minus[i] -= h;
            var numeric = (Loss(Tensor.From(plus).Reshape(shape)).Item<double>() - Loss(Tensor.From(minus).Reshape(shape)).Item<double>()) / (2 * h);
            Assert.Close(analytic[i], numeric, $"{what}: d/dx[{i}]", tolerance);
        }
    }
}

/// <summary>Elementwise math, comparisons, logic, products and selection through the facade.</summary>
public static class OpsTests
{
    private static Tensor V(params double[] v) => OpsCheck.V(v);

    /// <summary>Add, Sub, Mul, Div and Neg as methods give the elementwise results.</summary>
    public static void NamedArithmeticGivesElementwiseResults()
    {
        var a = V(1, 2, 3);
        var b = V(4, 5, 8);
        OpsCheck.Values(a.Add(b), new[] { 5.0, 7, 11 }, "Add");
        OpsCheck.Values(a.Sub(b), new[] { -3.0, -3, -5 }, "Sub");
        OpsCheck.Values(a.Mul(b), new[] { 4.0, 10, 24 }, "Mul");
        OpsCheck.Values(a.Div(b), new[] { 0.25, 0.4, 0.375 }, "Div");
        OpsCheck.Values(a.Neg(), new[] { -1.0, -2, -3 }, "Neg");
    }

    /// <summary>A [2, 1] column plus a [3] row broadcasts to [2, 3].</summary>
    public static void AddBroadcastsAColumnAgainstARow()
    {
        var r = V(1, 2).Reshape(2, 1).Add(V(10, 20, 30));
        OpsCheck.Shape(r, new[] { 2, 3 }, "broadcast");
        OpsCheck.Values(r, new[] { 11.0, 21, 31, 12, 22, 32 }, "broadcast");
    }

    /// <summary>Pow with a double, an int and a tensor of exponents.</summary>
    public static void PowTakesDoubleIntAndTensorExponents()
    {
        var x = V(1, 2, 3);
        OpsCheck.Values(x.Pow(2.0), new[] { 1.0, 4, 9 }, "Pow(2.0)");
        OpsCheck.Values(x.Pow(2), new[] { 1.0, 4, 9 }, "Pow(2)");
        OpsCheck.Values(x.Pow(0.5), new[] { 1.0, Math.Sqrt(2), Math.Sqrt(3) }, "Pow(0.5)");
        OpsCheck.Values(x.Pow(V(0, 1, 2)), new[] { 1.0, 2, 9 }, "Pow(tensor)");
    }

    /// <summary>Pow's gradients (base and tensor exponent) match finite differences.</summary>
    public static void PowGradientsMatchFiniteDifferences()
    {
        OpsCheck.GradMatchesFiniteDifferences(x => x.Pow(3), new[] { 0.5, 1.5, -2 }, new[] { 3 }, "x^3");
        OpsCheck.GradMatchesFiniteDifferences(e => V(1.5, 2, 3).Pow(e), new[] { 0.5, 1.5, -2 }, new[] { 3 }, "c^e");
    }

    /// <summary>Log undoes Exp, Sqrt of Square is Abs, Rsqrt and Reciprocal by hand.</summary>
    public static void ExpLogSqrtSquareAbsAgree()
    {
        var x = V(-1.5, 0.25, 2);
        OpsCheck.Values(x.Exp().Log(), new[] { -1.5, 0.25, 2 }, "Log(Exp(x))", 1e-12);
        OpsCheck.Values(x.Square().Sqrt(), new[] { 1.5, 0.25, 2 }, "Sqrt(Square(x))");
        OpsCheck.Values(x.Abs(), new[] { 1.5, 0.25, 2 }, "Abs");
        OpsCheck.Values(V(4, 0.25).Rsqrt(), new[] { 0.5, 2 }, "Rsqrt");
        OpsCheck.Values(V(4, -0.5).Reciprocal(), new[] { 0.25, -2 }, "Reciprocal");
    }

    /// <summary>Trigonometric functions and their inverses at known angles.</summary>
    public static void TrigonometryAtKnownAngles()
    {
        OpsCheck.Values(V(Math.PI / 2).Sin(), new[] { 1.0 }, "Sin", 1e-12);
        OpsCheck.Values(V(Math.PI).Cos(), new[] { -1.0 }, "Cos", 1e-12);
        OpsCheck.Values(V(Math.PI / 4).Tan(), new[] { 1.0 }, "Tan", 1e-12);
        OpsCheck.Values(V(1).Asin(), new[] { Math.PI / 2 }, "Asin", 1e-12);
        OpsCheck.Values(V(1).Acos(), new[] { 0.0 }, "Acos", 1e-12);
        OpsCheck.Values(V(1).Atan(), new[] { Math.PI / 4 }, "Atan", 1e-12);
    }

    /// <summary>Atan2 with this tensor as y and the argument as x gives the angle of (x, y).</summary>
    public static void Atan2GivesTheAngleOfThePoint()
    {
        OpsCheck.Values(V(1, 1, -1, 0).Atan2(V(0, 1, 0, -1)), new[] { Math.PI / 2, Math.PI / 4, -Math.PI / 2, Math.PI }, "Atan2", 1e-12);
    }

    /// <summary>Sinh, Cosh and Tanh agree with System.Math.</summary>
    public static void HyperbolicFunctionsAgreeWithSystemMath()
    {
        var x = V(-0.7, 0, 1.3);
        OpsCheck.Values(x.Sinh(), new[] { Math.Sinh(-0.7), 0, Math.Sinh(1.3) }, "Sinh", 1e-12);
        OpsCheck.Values(x.Cosh(), new[] { Math.Cosh(-0.7), 1, Math.Cosh(1.3) }, "Cosh", 1e-12);
        OpsCheck.Values(x.Tanh(), new[] { Math.Tanh(-0.7), 0, Math.Tanh(1.3) }, "Tanh", 1e-12);
    }

    /// <summary>Log1p and Expm1 stay accurate for tiny x; Log2 and Log10 of powers are exact.</summary>
    public static void LogVariantsAreAccurate()
    {
        OpsCheck.Values(V(1e-12).Log1p(), new[] { 1e-12 }, "Log1p", 1e-9);
        OpsCheck.Values(V(1e-12).Expm1(), new[] { 1e-12 }, "Expm1", 1e-9);
        OpsCheck.Values(V(8, 0.5).Log2(), new[] { 3.0, -1 }, "Log2", 1e-12);
        OpsCheck.Values(V(1000, 0.01).Log10(), new[] { 3.0, -2 }, "Log10", 1e-12);
    }

    /// <summary>Erf at 0, 1 and −1.</summary>
    public static void ErfAtKnownPoints()
    {
        OpsCheck.Values(V(0, 1, -1).Erf(), new[] { 0.0, 0.8427007929497149, -0.8427007929497149 }, "Erf", 1e-12);
    }

    /// <summary>Floor, Ceil, Round (half to even), Trunc and Sign on halves and negatives.</summary>
    public static void RoundingFunctionsFollowPyTorch()
    {
        var x = V(-1.5, -0.5, 0.5, 1.5, 2.7);
        OpsCheck.Values(x.Floor(), new[] { -2.0, -1, 0, 1, 2 }, "Floor");
        OpsCheck.Values(x.Ceil(), new[] { -1.0, 0, 1, 2, 3 }, "Ceil");
        OpsCheck.Values(x.Round(), new[] { -2.0, 0, 0, 2, 3 }, "Round");
        OpsCheck.Values(x.Trunc(), new[] { -1.0, 0, 0, 1, 2 }, "Trunc");
        OpsCheck.Values(V(-3, 0, 0.1).Sign(), new[] { -1.0, 0, 1 }, "Sign");
    }

    /// <summary>Rounding is piecewise constant: its derivative is zero, so d(floor(x)·x)/dx = floor(x), as in PyTorch.</summary>
    public static void RoundingHasAZeroGradient()
    {
        var x = V(0.3, 1.7).RequiresGrad();
        (x.Floor() * x + x.Round() * x + x.Ceil() * x).Sum().Backward();
        OpsCheck.Values(x.Grad!, new[] { 0.0 + 0 + 1, 1.0 + 2 + 2 }, "grad");
    }

    /// <summary>Remainder takes the divisor's sign, Fmod the dividend's; FloorDivide rounds toward −∞.</summary>
    public static void RemainderFmodAndFloorDivideFollowPython()
    {
        var a = V(-3, 3);
        OpsCheck.Values(a.Remainder(2.0), new[] { 1.0, 1 }, "Remainder(2)");
        OpsCheck.Values(a.Remainder(-2.0), new[] { -1.0, -1 }, "Remainder(-2)");
        OpsCheck.Values(a.Remainder(V(2, -2)), new[] { 1.0, -1 }, "Remainder(tensor)");
        OpsCheck.Values(a.Fmod(2.0), new[] { -1.0, 1 }, "Fmod(2)");
        OpsCheck.Values(a.Fmod(V(2, 2)), new[] { -1.0, 1 }, "Fmod(tensor)");
        OpsCheck.Values(a.FloorDivide(2.0), new[] { -2.0, 1 }, "FloorDivide(2)");
        OpsCheck.Values(a.FloorDivide(V(2, 2)), new[] { -2.0, 1 }, "FloorDivide(tensor)");
    }

    /// <summary>Integer tensors stay integer with integer divisors.</summary>
    public static void IntegerRemainderStaysInteger()
    {
        var r = OpsCheck.Long(-7, 7).Remainder(3L);
        Assert.Equal(r.DType, DType.Int64, "dtype");
        Assert.Sequence(r.ToArray<long>(), new long[] { 2, 1 }, "Remainder");
        Assert.Sequence(OpsCheck.Long(-7, 7).Fmod(3L).ToArray<long>(), new long[] { -1, 1 }, "Fmod");
        Assert.Sequence(OpsCheck.Long(-7, 7).FloorDivide(3L).ToArray<long>(), new long[] { -3, 2 }, "FloorDivide");
    }

    /// <summary>An integer remainder by zero is a DivideByZeroException, as PyTorch's ZeroDivisionError.</summary>
    public static void IntegerRemainderByZeroThrows()
    {
        Assert.Throws<DivideByZeroException>(() => OpsCheck.Long(5).Remainder(0L));
    }

    /// <summary>Bitwise ops on int64 tensors by hand: 12 &amp; 10 = 8, 12 | 10 = 14, 12 ^ 10 = 6, ~12 = −13, shifts.</summary>
    public static void BitwiseOpsOnIntegers()
    {
        var a = OpsCheck.Long(12);
        var b = OpsCheck.Long(10);
        Assert.Sequence(a.BitwiseAnd(b).ToArray<long>(), new long[] { 8 }, "and");
        Assert.Sequence(a.BitwiseOr(b).ToArray<long>(), new long[] { 14 }, "or");
        Assert.Sequence(a.BitwiseXor(b).ToArray<long>(), new long[] { 6 }, "xor");
        Assert.Sequence(a.BitwiseNot().ToArray<long>(), new long[] { -13 }, "not");
        Assert.Sequence(OpsCheck.Long(1).BitwiseLeftShift(3).ToArray<long>(), new long[] { 8 }, "<< 3");
        Assert.Sequence(OpsCheck.Long(-8).BitwiseRightShift(1).ToArray<long>(), new long[] { -4 }, ">> 1");
        Assert.Sequence(OpsCheck.Long(1).BitwiseLeftShift(OpsCheck.Long(4)).ToArray<long>(), new long[] { 16 }, "<< tensor");
        Assert.Sequence(OpsCheck.Long(64).BitwiseRightShift(OpsCheck.Long(2)).ToArray<long>(), new long[] { 16 }, ">> tensor");
    }

    /// <summary>Bitwise ops on floating-point tensors are an ArgumentException naming the op.</summary>
    public static void BitwiseOnFloatsThrows()
    {
        Assert.Throws<ArgumentException>(() => V(1).BitwiseAnd(V(2)), "bitwiseAnd");
        Assert.Throws<ArgumentException>(() => V(1).BitwiseNot(), "bitwiseNot");
    }

    /// <summary>Clamp with both bounds, with one (named), ClampMin and ClampMax.</summary>
    public static void ClampLimitsWithOneOrTwoBounds()
    {
        var x = V(-2, 0, 2);
        OpsCheck.Values(x.Clamp(-1, 1), new[] { -1.0, 0, 1 }, "Clamp(-1, 1)");
        OpsCheck.Values(x.Clamp(min: 0), new[] { 0.0, 0, 2 }, "Clamp(min: 0)");
        OpsCheck.Values(x.Clamp(max: 0), new[] { -2.0, 0, 0 }, "Clamp(max: 0)");
        OpsCheck.Values(x.ClampMin(1), new[] { 1.0, 1, 2 }, "ClampMin");
        OpsCheck.Values(x.ClampMax(-1), new[] { -2.0, -1, -1 }, "ClampMax");
    }

    /// <summary>Clamp without bounds, or with min above max, is an ArgumentException.</summary>
    public static void ClampWithBadBoundsThrows()
    {
        Assert.Throws<ArgumentException>(() => V(1).Clamp(), "Clamp", "min", "max");
        Assert.Throws<ArgumentException>(() => V(1).Clamp(2, 1), "clamp", "lower bound");
    }

    /// <summary>Clamp passes the gradient inside the bounds and blocks it outside.</summary>
    public static void ClampGradientIsOneInsideZeroOutside()
    {
        var x = V(-2, 0.5, 2).RequiresGrad();
        x.Clamp(-1, 1).Sum().Backward();
        OpsCheck.Values(x.Grad!, new[] { 0.0, 1, 0 }, "grad");
    }

    /// <summary>Maximum and Minimum broadcast a scalar-like tensor.</summary>
    public static void MaximumAndMinimumBroadcast()
    {
        var x = V(-1, 3, 0.5);
        OpsCheck.Values(x.Maximum(V(0)), new[] { 0.0, 3, 0.5 }, "Maximum");
        OpsCheck.Values(x.Minimum(V(0)), new[] { -1.0, 0, 0 }, "Minimum");
    }

    /// <summary>Tensor.Where picks from the first tensor where the condition holds; the gradient goes to the chosen branch.</summary>
    public static void WherePicksByConditionAndRoutesTheGradient()
    {
        var a = V(1, 2, 3).RequiresGrad();
        var b = V(10, 20, 30).RequiresGrad();
        var c = V(1, -1, 1).Gt(0);
        var w = Tensor.Where(c, a, b);
        OpsCheck.Values(w, new[] { 1.0, 20, 3 }, "Where");
        w.Sum().Backward();
        OpsCheck.Values(a.Grad!, new[] { 1.0, 0, 1 }, "a.Grad");
        OpsCheck.Values(b.Grad!, new[] { 0.0, 1, 0 }, "b.Grad");
    }

    /// <summary>Eq, Ne, Lt, Le, Gt, Ge with tensors and numbers give bool tensors.</summary>
    public static void ComparisonsGiveBoolTensors()
    {
        var x = V(1, 2, 3);
        var y = V(3, 2, 1);
        OpsCheck.Bools(x.Eq(y), new[] { false, true, false }, "Eq");
        OpsCheck.Bools(x.Ne(y), new[] { true, false, true }, "Ne");
        OpsCheck.Bools(x.Lt(y), new[] { true, false, false }, "Lt");
        OpsCheck.Bools(x.Le(y), new[] { true, true, false }, "Le");
        OpsCheck.Bools(x.Gt(y), new[] { false, false, true }, "Gt");
        OpsCheck.Bools(x.Ge(y), new[] { false, true, true }, "Ge");
        OpsCheck.Bools(x.Eq(2), new[] { false, true, false }, "Eq(2)");
        OpsCheck.Bools(x.Ne(2), new[] { true, false, true }, "Ne(2)");
        OpsCheck.Bools(x.Lt(2), new[] { true, false, false }, "Lt(2)");
        OpsCheck.Bools(x.Le(2), new[] { true, true, false }, "Le(2)");
        OpsCheck.Bools(x.Gt(2), new[] { false, false, true }, "Gt(2)");
        OpsCheck.Bools(x.Ge(2), new[] { false, true, true }, "Ge(2)");
    }

    /// <summary>Comparing tensors whose shapes do not broadcast is an ArgumentException naming the op.</summary>
    public static void ComparingUnbroadcastableShapesThrows()
    {
        Assert.Throws<ArgumentException>(() => V(1, 2).Eq(V(1, 2, 3)), "eq");
    }

    /// <summary>AllClose uses PyTorch's default tolerances, honours given ones, and is false for other shapes.</summary>
    public static void AllCloseUsesTolerancesAndShapes()
    {
        var x = V(1, 2);
        Assert.True(x.AllClose(V(1 + 1e-7, 2)), "close within the defaults");
        Assert.True(!x.AllClose(V(1 + 1e-7, 2), rtol: 0, atol: 0), "not close with zero tolerances");
        Assert.True(x.AllClose(V(1.05, 2), rtol: 0, atol: 0.1), "close within atol 0.1");
        Assert.True(!x.AllClose(V(1, 2, 3)), "other shape");
        Assert.Throws<ArgumentException>(() => x.AllClose(x, rtol: -1), "allClose", "non-negative");
    }

    /// <summary>LogicalAnd/Or/Xor/Not read non-zero as true.</summary>
    public static void LogicalOpsReadNonZeroAsTrue()
    {
        var a = V(0, 0, 1, 2);
        var b = V(0, 3, 0, 1);
        OpsCheck.Bools(a.LogicalAnd(b), new[] { false, false, false, true }, "And");
        OpsCheck.Bools(a.LogicalOr(b), new[] { false, true, true, true }, "Or");
        OpsCheck.Bools(a.LogicalXor(b), new[] { false, true, true, false }, "Xor");
        OpsCheck.Bools(a.LogicalNot(), new[] { true, true, false, false }, "Not");
    }

    /// <summary>IsNan, IsInf, IsFinite, IsPosInf and IsNegInf on 1, NaN, +∞, −∞.</summary>
    public static void SpecialValuePredicates()
    {
        var x = V(1, double.NaN, double.PositiveInfinity, double.NegativeInfinity);
        OpsCheck.Bools(x.IsNan(), new[] { false, true, false, false }, "IsNan");
        OpsCheck.Bools(x.IsInf(), new[] { false, false, true, true }, "IsInf");
        OpsCheck.Bools(x.IsFinite(), new[] { true, false, false, false }, "IsFinite");
        OpsCheck.Bools(x.IsPosInf(), new[] { false, false, true, false }, "IsPosInf");
        OpsCheck.Bools(x.IsNegInf(), new[] { false, false, false, true }, "IsNegInf");
    }

    /// <summary>NanToNum replaces NaN by 0 and infinities by the dtype's extremes, or by given values.</summary>
    public static void NanToNumReplacesSpecialValues()
    {
        var x = V(1, double.NaN, double.PositiveInfinity, double.NegativeInfinity);
        OpsCheck.Values(x.NanToNum(), new[] { 1.0, 0, double.MaxValue, double.MinValue }, "defaults");
        OpsCheck.Values(x.NanToNum(nan: -1, posinf: 9, neginf: -9), new[] { 1.0, -1, 9, -9 }, "given");
        OpsCheck.Values(x.NanToNum(posinf: 5), new[] { 1.0, 0, 5, double.MinValue }, "posinf only");
    }

    /// <summary>MatMul of 2×2 matrices, of a matrix and a vector, and of batches.</summary>
    public static void MatMulFollowsPyTorchRules()
    {
        var a = OpsCheck.M(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = OpsCheck.M(new double[,] { { 5, 6 }, { 7, 8 } });
        OpsCheck.Values(a.MatMul(b), new[] { 19.0, 22, 43, 50 }, "matrix·matrix");
        var mv = a.MatMul(V(1, 1));
        OpsCheck.Shape(mv, new[] { 2 }, "matrix·vector");
        OpsCheck.Values(mv, new[] { 3.0, 7 }, "matrix·vector");
        var batched = OpsCheck.Range(3, 2, 2).MatMul(OpsCheck.M(new double[,] { { 1, 0 }, { 0, 1 } }));
        OpsCheck.Shape(batched, new[] { 3, 2, 2 }, "batch·matrix");
        OpsCheck.Values(batched, Enumerable.Range(1, 12).Select(i => (double)i).ToArray(), "batch·identity");
    }

    /// <summary>MatMul's gradient with respect to both operands matches finite differences.</summary>
    public static void MatMulGradientMatchesFiniteDifferences()
    {
        var b = OpsCheck.M(new double[,] { { 0.5, -1, 2 }, { 1.5, 0.25, -0.75 } });
        OpsCheck.GradMatchesFiniteDifferences(a => a.MatMul(b), new[] { 1.0, -2, 0.5, 3 }, new[] { 2, 2 }, "A·B wrt A");
        var a2 = OpsCheck.M(new double[,] { { 1, -2 }, { 0.5, 3 } });
        OpsCheck.GradMatchesFiniteDifferences(x => a2.MatMul(x), new[] { 0.5, -1, 2, 1.5, 0.25, -0.75 }, new[] { 2, 3 }, "A·B wrt B");
    }

    /// <summary>MatMul of incompatible shapes is an ArgumentException naming matmul and the shapes.</summary>
    public static void MatMulOfIncompatibleShapesThrows()
    {
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(2, 3).MatMul(OpsCheck.Range(2, 3)), "matmul", "[2, 3]");
    }

    /// <summary>Dot of vectors and Outer giving [n, m].</summary>
    public static void DotAndOuterOfVectors()
    {
        OpsCheck.Values(V(1, 2, 3).Dot(V(4, 5, 6)), new[] { 32.0 }, "Dot");
        var o = V(1, 2).Outer(V(3, 4, 5));
        OpsCheck.Shape(o, new[] { 2, 3 }, "Outer");
        OpsCheck.Values(o, new[] { 3.0, 4, 5, 6, 8, 10 }, "Outer");
    }

    /// <summary>Dot of matrices or of vectors of different lengths is an ArgumentException naming dot.</summary>
    public static void DotOfNonVectorsThrows()
    {
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(2, 2).Dot(OpsCheck.Range(2, 2)), "dot", "1-D");
        Assert.Throws<ArgumentException>(() => V(1, 2).Dot(V(1, 2, 3)), "dot");
    }

    /// <summary>Bmm multiplies matching matrices of two batches.</summary>
    public static void BmmMultipliesBatches()
    {
        var a = OpsCheck.Range(2, 1, 2);
        var b = OpsCheck.Range(2, 2, 1);
        var r = a.Bmm(b);
        OpsCheck.Shape(r, new[] { 2, 1, 1 }, "Bmm");
        OpsCheck.Values(r, new[] { 1.0 * 1 + 2 * 2, 3.0 * 3 + 4 * 4 }, "Bmm");
    }

    /// <summary>Kron of [[1, 2]] and a 2×2 swap matrix, by hand.</summary>
    public static void KronOfSmallMatrices()
    {
        var r = OpsCheck.M(new double[,] { { 1, 2 } }).Kron(OpsCheck.M(new double[,] { { 0, 1 }, { 1, 0 } }));
        OpsCheck.Shape(r, new[] { 2, 4 }, "Kron");
        OpsCheck.Values(r, new[] { 0.0, 1, 0, 2, 1, 0, 2, 0 }, "Kron");
    }

    /// <summary>Cross of the unit vectors: x × y = z, along the last dimension by default.</summary>
    public static void CrossOfUnitVectors()
    {
        OpsCheck.Values(V(1, 0, 0).Cross(V(0, 1, 0)), new[] { 0.0, 0, 1 }, "x × y");
        OpsCheck.Values(V(1, 2, 3).Cross(V(4, 5, 6)), new[] { -3.0, 6, -3 }, "by hand");
        var cols = OpsCheck.M(new double[,] { { 1 }, { 0 }, { 0 } }).Cross(OpsCheck.M(new double[,] { { 0 }, { 1 }, { 0 } }), dim: 0);
        OpsCheck.Values(cols, new[] { 0.0, 0, 1 }, "dim 0");
    }

    /// <summary>Diag of a vector is a diagonal matrix, of a matrix its diagonal; Diagonal and Trace.</summary>
    public static void DiagDiagonalAndTrace()
    {
        OpsCheck.Values(V(1, 2).Diag(), new[] { 1.0, 0, 0, 2 }, "Diag(vector)");
        var m = OpsCheck.Range(3, 3);
        OpsCheck.Values(m.Diag(), new[] { 1.0, 5, 9 }, "Diag(matrix)");
        OpsCheck.Values(m.Diagonal(), new[] { 1.0, 5, 9 }, "Diagonal");
        OpsCheck.Values(m.Trace(), new[] { 15.0 }, "Trace");
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(2, 2, 2).Trace(), "trace", "2-D");
    }

    /// <summary>Diagonal with an offset, of a batch (last two dimensions); DiagEmbed puts vectors on a diagonal.</summary>
    public static void DiagonalWithOffsetAndDiagEmbed()
    {
        var m = OpsCheck.Range(3, 3);
        OpsCheck.Values(m.Diagonal(1), new[] { 2.0, 6 }, "Diagonal(1)");
        OpsCheck.Values(m.Diagonal(offset: -2), new[] { 7.0 }, "Diagonal(-2)");
        var batch = OpsCheck.Range(2, 2, 2).Diagonal();
        OpsCheck.Shape(batch, new[] { 2, 2 }, "batched Diagonal");
        OpsCheck.Values(batch, new[] { 1.0, 4, 5, 8 }, "batched Diagonal");
        var e = V(1, 2).DiagEmbed(1);
        OpsCheck.Shape(e, new[] { 3, 3 }, "DiagEmbed(1)");
        OpsCheck.Values(e, new[] { 0.0, 1, 0, 0, 0, 2, 0, 0, 0 }, "DiagEmbed(1)");
        OpsCheck.Shape(OpsCheck.Range(4, 2).DiagEmbed(), new[] { 4, 2, 2 }, "batched DiagEmbed");
        Assert.Throws<ArgumentException>(() => V(1, 2).Diagonal(), "diagonal", "2 dimensions");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Diagonal(1), new[] { 1.0, 2, 3, 4, 5, 6, 7, 8, 9 }, new[] { 3, 3 }, "Diagonal(1)");
    }

    /// <summary>Tril and Triu with the main, an upper and a lower diagonal.</summary>
    public static void TrilAndTriuWithDiagonals()
    {
        var m = OpsCheck.Range(3, 3);
        OpsCheck.Values(m.Tril(), new[] { 1.0, 0, 0, 4, 5, 0, 7, 8, 9 }, "Tril()");
        OpsCheck.Values(m.Triu(), new[] { 1.0, 2, 3, 0, 5, 6, 0, 0, 9 }, "Triu()");
        OpsCheck.Values(m.Tril(diagonal: -1), new[] { 0.0, 0, 0, 4, 0, 0, 7, 8, 0 }, "Tril(-1)");
        OpsCheck.Values(m.Triu(1), new[] { 0.0, 2, 3, 0, 0, 6, 0, 0, 0 }, "Triu(1)");
    }

    /// <summary>Einsum "ij,jk->ik" equals MatMul; "ii->" is the trace; "ij->ji" the transpose.</summary>
    public static void EinsumMatchesMatMulTraceAndTranspose()
    {
        var a = OpsCheck.Range(2, 3);
        var b = OpsCheck.Range(3, 2);
        OpsCheck.Values(Tensor.Einsum("ij,jk->ik", a, b), a.MatMul(b).ToArray<double>(), "matmul");
        OpsCheck.Values(Tensor.Einsum("ii->", OpsCheck.Range(3, 3)), new[] { 15.0 }, "trace");
        OpsCheck.Values(Tensor.Einsum("ij->ji", a), a.Transpose(0, 1).ToArray<double>(), "transpose");
    }

    /// <summary>An einsum equation with the wrong number of operands is an ArgumentException naming einsum.</summary>
    public static void EinsumWithTooFewOperandsThrows()
    {
        Assert.Throws<ArgumentException>(() => Tensor.Einsum("ij,jk->ik", OpsCheck.Range(2, 2)), "einsum");
    }

    /// <summary>Tensordot with a count of dimensions and with explicit dimension lists.</summary>
    public static void TensordotContractsDimensions()
    {
        var a = OpsCheck.Range(2, 3);
        var b = OpsCheck.Range(3, 2);
        OpsCheck.Values(Tensor.Tensordot(a, b, 1), a.MatMul(b).ToArray<double>(), "dims: 1");
        OpsCheck.Values(Tensor.Tensordot(a, a, 2), new[] { 91.0 }, "dims: 2 (Σ a²)");
        OpsCheck.Values(Tensor.Tensordot(a, b, new[] { 0 }, new[] { 1 }), b.MatMul(a).Transpose(0, 1).ToArray<double>(), "dims ([0], [1])");
    }

    /// <summary>Null tensor arguments are ArgumentNullExceptions naming the parameter.</summary>
    public static void NullTensorArgumentsThrowArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => V(1).Add(null!), "other");
        Assert.Throws<ArgumentNullException>(() => Tensor.Where(null!, V(1), V(2)), "condition");
        Assert.Throws<ArgumentNullException>(() => V(1).Reshape(null!), "shape");
        Assert.Throws<ArgumentNullException>(() => Tensor.Cat(new Tensor[] { V(1), null! }), "tensors");
    }

    // ------------------------------------------------------------ selection

    /// <summary>Gather along dim 1 by hand: out[i][j] = x[i][index[i][j]].</summary>
    public static void GatherPicksAlongADimension()
    {
        var x = OpsCheck.M(new double[,] { { 1, 2 }, { 3, 4 } });
        var index = OpsCheck.Long(0, 0, 1, 0).Reshape(2, 2);
        OpsCheck.Values(x.Gather(1, index), new[] { 1.0, 1, 4, 3 }, "Gather(1)");
        OpsCheck.Values(x.Gather(0, index), new[] { 1.0, 2, 3, 2 }, "Gather(0)");
    }

    /// <summary>Gather's gradient adds up at repeated positions.</summary>
    public static void GatherGradientAddsRepeatedPositions()
    {
        var x = V(1, 2, 3).RequiresGrad();
        x.Gather(0, OpsCheck.Long(0, 0, 2)).Sum().Backward();
        OpsCheck.Values(x.Grad!, new[] { 2.0, 0, 1 }, "grad");
    }

    /// <summary>Scatter writes a source or a value at positions; ScatterAdd adds, repeated positions adding up.</summary>
    public static void ScatterWritesAndScatterAddAdds()
    {
        var x = Tensor.Zeros(4).Mul(V(1)); // float64 zeros
        var index = OpsCheck.Long(1, 3);
        OpsCheck.Values(x.Scatter(0, index, V(5, 7)), new[] { 0.0, 5, 0, 7 }, "Scatter(src)");
        OpsCheck.Values(x.Scatter(0, index, 9.0), new[] { 0.0, 9, 0, 9 }, "Scatter(value)");
        OpsCheck.Values(x.ScatterAdd(0, OpsCheck.Long(1, 1, 2), V(1, 2, 3)), new[] { 0.0, 3, 3, 0 }, "ScatterAdd");
    }

    /// <summary>IndexSelect picks rows; IndexAdd adds slices at positions.</summary>
    public static void IndexSelectAndIndexAdd()
    {
        var m = OpsCheck.Range(3, 2);
        OpsCheck.Values(m.IndexSelect(0, OpsCheck.Long(2, 0)), new[] { 5.0, 6, 1, 2 }, "IndexSelect rows");
        OpsCheck.Values(m.IndexSelect(-1, OpsCheck.Long(1)), new[] { 2.0, 4, 6 }, "IndexSelect last dim");
        var added = m.IndexAdd(0, OpsCheck.Long(0, 0), OpsCheck.M(new double[,] { { 10, 10 }, { 1, 1 } }));
        OpsCheck.Values(added, new[] { 12.0, 13, 3, 4, 5, 6 }, "IndexAdd");
    }

    /// <summary>IndexSelect with a position past the end is an ArgumentException naming the op.</summary>
    public static void IndexSelectOutOfRangeThrows()
    {
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(3, 2).IndexSelect(0, OpsCheck.Long(3)), "indexSelect");
    }

    /// <summary>MaskedFill with a number and with a 0-d tensor (differentiable); MaskedSelect flattens the chosen elements.</summary>
    public static void MaskedFillAndMaskedSelect()
    {
        var x = V(1, -2, 3, -4);
        var mask = x.Lt(0);
        OpsCheck.Values(x.MaskedFill(mask, 0), new[] { 1.0, 0, 3, 0 }, "MaskedFill(number)");
        OpsCheck.Values(x.MaskedSelect(mask), new[] { -2.0, -4 }, "MaskedSelect");
        var v = Tensor.From(7.0).RequiresGrad();
        var filled = x.MaskedFill(mask, v);
        OpsCheck.Values(filled, new[] { 1.0, 7, 3, 7 }, "MaskedFill(tensor)");
        filled.Sum().Backward();
        OpsCheck.Values(v.Grad!, new[] { 2.0 }, "value's gradient");
    }

    /// <summary>Take reads flat positions, negative ones from the end, in the index's shape.</summary>
    public static void TakeReadsFlatPositions()
    {
        var r = OpsCheck.Range(2, 3).Take(OpsCheck.Long(0, 5, -2, 4).Reshape(2, 2));
        OpsCheck.Shape(r, new[] { 2, 2 }, "Take");
        OpsCheck.Values(r, new[] { 1.0, 6, 5, 5 }, "Take");
    }

    /// <summary>Gradients of Scatter (source and input), ScatterAdd, IndexSelect and IndexAdd match finite differences.</summary>
    public static void SelectionGradientsMatchFiniteDifferences()
    {
        var index = OpsCheck.Long(2, 0);
        var x0 = new[] { 1.0, -2, 3, 0.5 };
        OpsCheck.GradMatchesFiniteDifferences(t => t.Scatter(0, index, V(7, 8)).Square(), x0, new[] { 4 }, "Scatter wrt input");
        OpsCheck.GradMatchesFiniteDifferences(t => V(1, 2, 3, 4).Scatter(0, index, t).Square(), new[] { 0.5, -1.5 }, new[] { 2 }, "Scatter wrt src");
        OpsCheck.GradMatchesFiniteDifferences(t => V(1, 2, 3, 4).ScatterAdd(0, OpsCheck.Long(1, 1), t).Square(), new[] { 0.5, -1.5 }, new[] { 2 }, "ScatterAdd wrt src");
        OpsCheck.GradMatchesFiniteDifferences(t => t.IndexSelect(0, OpsCheck.Long(1, 1, 0)).Square(), x0, new[] { 2, 2 }, "IndexSelect");
        OpsCheck.GradMatchesFiniteDifferences(t => t.IndexAdd(1, OpsCheck.Long(0), OpsCheck.M(new double[,] { { 1 }, { 2 } })).Square(), x0, new[] { 2, 2 }, "IndexAdd");
        OpsCheck.GradMatchesFiniteDifferences(t => t.MaskedFill(V(1, 0, 1, 0).Gt(0), 0).Square(), x0, new[] { 4 }, "MaskedFill");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Take(OpsCheck.Long(3, 3, 0)).Square(), x0, new[] { 2, 2 }, "Take");
    }

    /// <summary>IndexPut writes values at (row, column) pairs; with accumulate repeated positions add up.</summary>
    public static void IndexPutWritesOrAccumulates()
    {
        var x = OpsCheck.Range(2, 2);
        var rows = OpsCheck.Long(0, 1);
        var cols = OpsCheck.Long(1, 1);
        OpsCheck.Values(x.IndexPut(new[] { rows, cols }, V(-1, -2)), new[] { 1.0, -1, 3, -2 }, "IndexPut");
        var same = OpsCheck.Long(0, 0);
        OpsCheck.Values(x.IndexPut(new[] { same, same }, V(10, 20), accumulate: true), new[] { 31.0, 2, 3, 4 }, "IndexPut accumulate");
    }
}
