using System;
using System.Linq;
using Nabla.CSharp;
using F = global::Nabla;

namespace FacadeTests;

/// <summary>The tensor core of the facade as a C# user writes it: creation, operators, properties,
/// conversions, randomness and errors.</summary>
public static class TensorTests
{
    static void Values(Tensor t, double[] expected, string what, double tolerance = 1e-6)
    {
        var actual = t.ToArray();
        Assert.Equal(actual.Length, expected.Length, $"{what}: number of elements");
        for (var i = 0; i < actual.Length; i++)
            Assert.Close(actual[i], expected[i], $"{what}[{i}]", tolerance);
    }

    // ------------------------------------------------------------ creation

    /// <summary>Tensor.From of a number: a 0-dimensional tensor whose dtype follows the .NET type.</summary>
    public static void FromScalarsFollowTheDotNetType()
    {
        Assert.Equal(Tensor.From(2.0).DType, DType.Float64, "double");
        Assert.Equal(Tensor.From(2f).DType, DType.Float32, "float");
        Assert.Equal(Tensor.From(2).DType, DType.Int32, "int");
        Assert.Equal(Tensor.From(2L).DType, DType.Int64, "long");
        Assert.Equal(Tensor.From(true).DType, DType.Bool, "bool");
        var t = Tensor.From(2.5);
        Assert.Equal(t.Dim, 0, "rank");
        Assert.Equal(t.Shape.Length, 0, "shape");
        Assert.Equal(t.Numel, 1, "numel");
        Assert.Close(t.Item<double>(), 2.5, "value");
        Assert.Equal(Tensor.From(7L).Item<long>(), 7L, "long value");
        Assert.Equal(Tensor.From(true).Item<bool>(), true, "bool value");
    }

    /// <summary>Tensor.From of 1-D arrays of each element type: shape [n], the element type's dtype, the values.</summary>
    public static void FromOneDimensionalArraysOfEachElementType()
    {
        var d = Tensor.From(new[] { 1.0, 2.0, 3.0 });
        Assert.Equal(d.DType, DType.Float64, "double[]");
        Assert.Sequence(d.Shape, [3], "double[] shape");
        Assert.Sequence(d.ToArray<double>(), [1.0, 2.0, 3.0], "double[] values");
        Assert.Equal(Tensor.From(new[] { 1f, 2f }).DType, DType.Float32, "float[]");
        var i = Tensor.From(new[] { 1, 2, 3 });
        Assert.Equal(i.DType, DType.Int32, "int[]");
        Assert.Sequence(i.ToArray<int>(), [1, 2, 3], "int[] values");
        Assert.Equal(Tensor.From(new[] { 1L, 2L }).DType, DType.Int64, "long[]");
        var b = Tensor.From(new[] { true, false });
        Assert.Equal(b.DType, DType.Bool, "bool[]");
        Assert.Sequence(b.ToArray<bool>(), [true, false], "bool[] values");
    }

    /// <summary>Tensor.From of 2-D and 3-D .NET arrays keeps their shape and reads them row by row.</summary>
    public static void FromMultidimensionalArraysKeepTheirShape()
    {
        var m = Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Sequence(m.Shape, [2, 3], "2-D shape");
        Assert.Sequence(m.ToArray<double>(), [1, 2, 3, 4, 5, 6], "2-D row-major");
        Assert.Equal(Tensor.From(new int[,] { { 1, 2 }, { 3, 4 } }).DType, DType.Int32, "int[,]");
        Assert.Equal(Tensor.From(new float[,] { { 1, 2 } }).DType, DType.Float32, "float[,]");
        Assert.Equal(Tensor.From(new long[,] { { 1, 2 } }).DType, DType.Int64, "long[,]");
        Assert.Equal(Tensor.From(new bool[,] { { true }, { false } }).DType, DType.Bool, "bool[,]");
        var c = Tensor.From(new int[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } });
        Assert.Sequence(c.Shape, [2, 2, 2], "3-D shape");
        Assert.Sequence(c.ToArray<int>(), [1, 2, 3, 4, 5, 6, 7, 8], "3-D row-major");
        Assert.Equal(Tensor.From(new double[2, 1, 3]).DType, DType.Float64, "double[,,]");
    }

    /// <summary>A dtype argument converts the data; a device argument places it; requiresGrad makes a leaf.</summary>
    public static void FromTakesDtypeDeviceAndRequiresGrad()
    {
        var t = Tensor.From(new[] { 1, 2, 3 }, dtype: DType.Float32, device: Device.Cpu);
        Assert.Equal(t.DType, DType.Float32, "converted");
        Assert.Sequence(t.ToArray<float>(), [1f, 2f, 3f], "values");
        Assert.Equal(t.Device, Device.Cpu, "device");
        var x = Tensor.From(new[] { 1.0, 2.0 }, requiresGrad: true);
        Assert.True(x.RequiresGradient, "requires grad");
        Assert.True(x.IsLeaf, "a leaf");
        Assert.True(!Tensor.From(new[] { 1.0 }).RequiresGradient, "does not require grad by default");
    }

    /// <summary>requiresGrad on an integer tensor is the core's ArgumentException (only floating point differentiates).</summary>
    public static void RequiresGradOnAnIntegerTensorThrows()
    {
        Assert.Throws<ArgumentException>(() => Tensor.From(new[] { 1, 2 }, requiresGrad: true), "requiresGrad", "int32", "floating-point");
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, dtype: DType.Int64, requiresGrad: true), "floating-point");
    }

    /// <summary>Null data is an ArgumentNullException naming the parameter.</summary>
    public static void FromNullArrayThrowsArgumentNull()
    {
        var e = Assert.Throws<ArgumentNullException>(() => Tensor.From((double[])null!));
        Assert.Equal(e.ParamName, "values", "parameter");
        Assert.Throws<ArgumentNullException>(() => Tensor.Zeros((int[])null!));
    }

    /// <summary>Zeros per rank (Zeros(3), Zeros(3, 4), ... up to 4 dimensions) and from a shape array,
    /// float32 by default, all zero.</summary>
    public static void ZerosHasOneOverloadPerRankAndOneForAShape()
    {
        Assert.Sequence(Tensor.Zeros(3).Shape, [3], "rank 1");
        Assert.Sequence(Tensor.Zeros(3, 4).Shape, [3, 4], "rank 2");
        Assert.Sequence(Tensor.Zeros(2, 3, 4).Shape, [2, 3, 4], "rank 3");
        Assert.Sequence(Tensor.Zeros(2, 3, 4, 5).Shape, [2, 3, 4, 5], "rank 4");
        Assert.Sequence(Tensor.Zeros([2, 1, 1, 1, 2]).Shape, [2, 1, 1, 1, 2], "rank 5 from an array");
        Assert.Equal(Tensor.Zeros(Array.Empty<int>()).Dim, 0, "0-d");
        var z = Tensor.Zeros(3, 4);
        Assert.Equal(z.DType, DType.Float32, "float32 by default");
        Assert.True(z.ToArray().All(v => v == 0), "all zero");
        Assert.Equal(Tensor.Zeros(2, 2, dtype: DType.Int64).DType, DType.Int64, "dtype");
    }

    /// <summary>Ones and Full fill with 1 and with the value, in any dtype.</summary>
    public static void OnesAndFullFillTheirValue()
    {
        Assert.True(Tensor.Ones(2, 3).ToArray().All(v => v == 1), "ones");
        Assert.Sequence(Tensor.Ones(4, dtype: DType.Int32).ToArray<int>(), [1, 1, 1, 1], "int ones");
        var f = Tensor.Full(2, 2, 7.5);
        Assert.Sequence(f.Shape, [2, 2], "full shape");
        Assert.True(f.ToArray().All(v => v == 7.5), "full values");
        Assert.Sequence(Tensor.Full([3], 3, dtype: DType.Int64).ToArray<long>(), [3L, 3L, 3L], "int64 full");
        Assert.Sequence(Tensor.Full(2, 1.5).ToArray<float>(), [1.5f, 1.5f], "rank-1 full");
        Assert.Sequence(Tensor.Full(1, 1, 1, 2, -1).ToArray<float>(), [-1f, -1f], "rank-4 full");
    }

    /// <summary>Tensor.Randn(3, 4, requiresGrad: true) compiles and is a float32 leaf that requires gradients.</summary>
    public static void RandnWithRequiresGradIsALeaf()
    {
        var w = Tensor.Randn(3, 4, requiresGrad: true);
        Assert.Sequence(w.Shape, [3, 4], "shape");
        Assert.Equal(w.DType, DType.Float32, "dtype");
        Assert.True(w.RequiresGradient && w.IsLeaf, "a requires-grad leaf");
        Assert.Equal(Tensor.Randn(5, dtype: DType.Float64).DType, DType.Float64, "float64");
        Assert.Sequence(Tensor.Randn(2, 3, 4, 5).Shape, [2, 3, 4, 5], "rank 4");
    }

    /// <summary>Rand draws from [0, 1); an integer dtype is the core's ArgumentException.</summary>
    public static void RandIsInTheUnitIntervalAndRefusesIntegerDtypes()
    {
        var r = Tensor.Rand(1000).ToArray();
        Assert.True(r.All(v => v >= 0 && v < 1), "in [0, 1)");
        Assert.True(r.Distinct().Count() > 900, "random");
        Assert.Throws<ArgumentException>(() => Tensor.Rand(3, dtype: DType.Int32), "rand", "floating-point");
    }

    /// <summary>Eye is the identity matrix.</summary>
    public static void EyeIsTheIdentity()
    {
        var i = Tensor.Eye(3, dtype: DType.Float64);
        Assert.Equal(i.DType, DType.Float64, "dtype");
        Assert.Sequence(i.ToArray<double>(), [1, 0, 0, 0, 1, 0, 0, 0, 1], "values");
        Assert.Equal(Tensor.Eye(2).DType, DType.Float32, "float32 by default");
    }

    /// <summary>Arange with integers gives int64 values as PyTorch (start, end excluded, step, negative steps).</summary>
    public static void ArangeWithIntegersIsInt64()
    {
        var a = Tensor.Arange(5);
        Assert.Equal(a.DType, DType.Int64, "int64");
        Assert.Sequence(a.ToArray<long>(), [0L, 1, 2, 3, 4], "arange(5)");
        Assert.Sequence(Tensor.Arange(1, 10, 3).ToArray<long>(), [1L, 4, 7], "arange(1, 10, 3)");
        Assert.Sequence(Tensor.Arange(5, 0, -2).ToArray<long>(), [5L, 3, 1], "arange(5, 0, -2)");
        Assert.Equal(Tensor.Arange(3, dtype: DType.Float64).DType, DType.Float64, "dtype given");
    }

    /// <summary>Arange with floating-point arguments gives float32 values; a zero step is an ArgumentException.</summary>
    public static void ArangeWithDoublesIsFloat32()
    {
        var a = Tensor.Arange(0.0, 1.0, 0.25);
        Assert.Equal(a.DType, DType.Float32, "float32");
        Values(a, [0, 0.25, 0.5, 0.75], "arange(0, 1, 0.25)");
        Values(Tensor.Arange(2.5), [0, 1, 2], "arange(2.5)");
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 5, 0), "arange", "step");
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0.0, 1.0, -0.5), "arange");
    }

    /// <summary>Linspace(-1, 1, 5) includes both ends.</summary>
    public static void LinspaceIncludesBothEnds()
    {
        var l = Tensor.Linspace(-1, 1, 5);
        Assert.Equal(l.DType, DType.Float32, "float32");
        Values(l, [-1, -0.5, 0, 0.5, 1], "values");
        Assert.Sequence(Tensor.Linspace(-1, 1, 100).Shape, [100], "100 points");
        Assert.Throws<ArgumentException>(() => Tensor.Linspace(0, 1, -1), "linspace");
    }

    /// <summary>Randint draws int64 values in [low, high); Randperm is a permutation of 0 .. n-1.</summary>
    public static void RandintAndRandpermAreIntegers()
    {
        var r = Tensor.Randint(0, 10, [1000]);
        Assert.Equal(r.DType, DType.Int64, "int64");
        Assert.True(r.ToArray<long>().All(v => v >= 0 && v < 10), "in [0, 10)");
        Assert.Sequence(Tensor.Randint(5, [3, 4]).Shape, [3, 4], "randint(high, shape)");
        Assert.True(Tensor.Randint(-3, -1, [100], dtype: DType.Int32).ToArray<int>().All(v => v is -3 or -2), "int32 in [-3, -1)");
        var p = Tensor.Randperm(10);
        Assert.Equal(p.DType, DType.Int64, "randperm int64");
        Assert.Sequence(p.ToArray<long>().Order().ToArray(), Enumerable.Range(0, 10).Select(i => (long)i).ToArray(), "a permutation");
    }

    /// <summary>The *Like factories take the shape, dtype and device of their argument unless given.</summary>
    public static void LikeFactoriesTakeShapeDtypeAndDevice()
    {
        var x = Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var z = Tensor.ZerosLike(x);
        Assert.Sequence(z.Shape, [2, 3], "zerosLike shape");
        Assert.Equal(z.DType, DType.Float64, "zerosLike dtype");
        Assert.True(z.ToArray().All(v => v == 0), "zeros");
        var o = Tensor.OnesLike(x, dtype: DType.Float32);
        Assert.Equal(o.DType, DType.Float32, "onesLike dtype given");
        Assert.True(o.ToArray().All(v => v == 1), "ones");
        Assert.True(Tensor.FullLike(x, 2.5).ToArray().All(v => v == 2.5), "fullLike");
        Assert.Equal(Tensor.RandLike(x).DType, DType.Float64, "randLike dtype");
        Assert.Sequence(Tensor.RandnLike(x).Shape, [2, 3], "randnLike shape");
        Assert.True(Tensor.RandintLike(x, 0, 3).ToArray().All(v => v is 0 or 1 or 2), "randintLike");
        Assert.True(Tensor.ZerosLike(x, requiresGrad: true).RequiresGradient, "requiresGrad");
    }

    // ------------------------------------------------------------ randomness and the runtime

    /// <summary>Torch.ManualSeed makes the global generator reproducible (retried: tests run in parallel
    /// and another one may draw in between).</summary>
    public static void ManualSeedMakesRandnReproducible()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Torch.ManualSeed(123);
            var a = Tensor.Randn(8).ToArray<float>();
            Torch.ManualSeed(123);
            var b = Tensor.Randn(8).ToArray<float>();
            if (a.SequenceEqual(b))
                return;
        }
        throw new Exception("C# facade: the same seed did not give the same values");
    }

    /// <summary>Generators with the same seed give the same values, independently of the global one;
    /// ManualSeed restarts them.</summary>
    public static void GeneratorsAreReproducibleAndIndependent()
    {
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        var a = Tensor.Randn(6, generator: g1).ToArray<float>();
        _ = Tensor.Randn(3); // the global generator moves on; g2 does not care
        var b = Tensor.Randn(6, generator: g2).ToArray<float>();
        Assert.Sequence(a, b, "same seed");
        g1.ManualSeed(7);
        Assert.Sequence(Tensor.Randn(6, generator: g1).ToArray<float>(), a, "reseeded");
        Assert.Sequence(Tensor.Randint(0, 100, [5], generator: g1.ManualSeed(3)).ToArray<long>(),
            Tensor.Randint(0, 100, [5], generator: g2.ManualSeed(3)).ToArray<long>(), "randint with generators");
        Assert.Sequence(Tensor.Randperm(9, generator: g1.ManualSeed(4)).ToArray<long>(),
            Tensor.Randperm(9, generator: g2.ManualSeed(4)).ToArray<long>(), "randperm with generators");
        Assert.Sequence(Tensor.Rand(3, generator: g1.ManualSeed(5)).ToArray<float>(),
            Tensor.Rand(3, generator: g2.ManualSeed(5)).ToArray<float>(), "rand with generators");
    }

    /// <summary>Torch reports LibTorch's threads and CUDA devices; a thread count below 1 is an ArgumentException.</summary>
    public static void TorchReportsThreadsAndCuda()
    {
        var n = Torch.GetNumThreads();
        Assert.True(n >= 1, $"threads: {n}");
        Torch.SetNumThreads(n);
        Assert.Equal(Torch.GetNumThreads(), n, "unchanged");
        Assert.Throws<ArgumentException>(() => Torch.SetNumThreads(0), "at least 1");
        Assert.Equal(Torch.CudaIsAvailable(), Torch.CudaDeviceCount() > 0, "CUDA available iff a device is counted");
        Assert.Equal(Torch.CudaIsAvailable(), F.Torch.cudaIsAvailable(), "as the F# core");
    }

    // ------------------------------------------------------------ operators

    /// <summary>Numbers convert implicitly to 0-dimensional tensors of their type.</summary>
    public static void ImplicitConversionsMakeZeroDimensionalTensors()
    {
        Tensor a = 2.5;
        Tensor b = 2.5f;
        Tensor c = 3;
        Assert.Equal(a.DType, DType.Float64, "double");
        Assert.Equal(b.DType, DType.Float32, "float");
        Assert.Equal(c.DType, DType.Int32, "int");
        Assert.Equal(a.Dim + b.Dim + c.Dim, 0, "0-d");
        Assert.Close(a.Item<double>(), 2.5, "value");
        var sum = Tensor.From(new[] { 1.0, 2.0 }) + (Tensor)1;
        Values(sum, [2, 3], "a converted int in an operator");
    }

    /// <summary>t + 2, 2 * t, t / 2.5f, 10 - t, 1 / t: a number on either side compiles, picks the
    /// scalar operator (no ambiguity with the implicit conversions) and keeps a float32 tensor float32.</summary>
    public static void ArithmeticWithNumbersOnEitherSide()
    {
        var t = Tensor.From(new[] { 1f, 2f, 4f });
        Values(t + 2, [3, 4, 6], "t + 2");
        Values(2 * t, [2, 4, 8], "2 * t");
        Values(t / 2.5f, [0.4, 0.8, 1.6], "t / 2.5f");
        Values(10 - t, [9, 8, 6], "10 - t");
        Values(1 / t, [1, 0.5, 0.25], "1 / t");
        Values(t - 0.5, [0.5, 1.5, 3.5], "t - 0.5");
        Values(1.5 + t, [2.5, 3.5, 5.5], "1.5 + t");
        Values(t * 0.5, [0.5, 1, 2], "t * 0.5");
        Values(8.0 / t, [8, 4, 2], "8.0 / t");
        Assert.Equal((t + 2).DType, DType.Float32, "int scalar keeps float32");
        Assert.Equal((t * 2.0).DType, DType.Float32, "double scalar keeps float32 (PyTorch: scalars do not promote)");
        Values(-t, [-1, -2, -4], "-t");
        Values(+t, [1, 2, 4], "+t");
    }

    /// <summary>Integer tensors stay integer with int scalars (+ - *), become float32 with double
    /// scalars, and true division gives floats, as in PyTorch.</summary>
    public static void IntegerTensorsFollowPyTorchsTypeRules()
    {
        var i = Tensor.From(new[] { 1, 2, 3 });
        Assert.Equal((i + 2).DType, DType.Int32, "i + 2");
        Assert.Sequence((i * 2).ToArray<int>(), [2, 4, 6], "i * 2");
        Assert.Sequence((5 - i).ToArray<int>(), [4, 3, 2], "5 - i");
        Assert.Equal((i + 2.5).DType, DType.Float32, "i + 2.5 is float32");
        var q = i / 2;
        Assert.Equal(q.DType, DType.Float32, "true division");
        Values(q, [0.5, 1, 1.5], "i / 2");
        Assert.Equal((i + Tensor.From(new[] { 1L, 1L, 1L })).DType, DType.Int64, "int32 + int64 promotes to int64");
        Assert.Equal((Tensor.From(new[] { 1f }) + Tensor.From(new[] { 1.0 })).DType, DType.Float64, "float32 + float64 promotes");
    }

    /// <summary>Tensor-tensor operators broadcast as PyTorch: [2, 1] with [3] gives [2, 3].</summary>
    public static void OperatorsBroadcast()
    {
        var col = Tensor.From(new double[,] { { 10 }, { 20 } });
        var row = Tensor.From(new[] { 1.0, 2.0, 3.0 });
        var s = col + row;
        Assert.Sequence(s.Shape, [2, 3], "shape");
        Values(s, [11, 12, 13, 21, 22, 23], "col + row");
        Values(col * row, [10, 20, 30, 20, 40, 60], "col * row");
        Values(col - row, [9, 8, 7, 19, 18, 17], "col - row");
        Values(row / col, [0.1, 0.2, 0.3, 0.05, 0.1, 0.15], "row / col");
        Values(row + Tensor.From(1.0), [2, 3, 4], "with a 0-d tensor");
    }

    /// <summary>Shapes that do not broadcast are the core's ArgumentException naming the op and both shapes.</summary>
    public static void MismatchedShapesThrowArgumentExceptionWithOpAndShapes()
    {
        var a = Tensor.From(new[] { 1.0, 2.0, 3.0 });
        var b = Tensor.From(new[] { 1.0, 2.0 });
        Assert.Throws<ArgumentException>(() => _ = a + b, "add", "[3]", "[2]");
        Assert.Throws<ArgumentException>(() => _ = a * b, "mul", "[3]", "[2]");
        Assert.Throws<ArgumentException>(() => _ = a < b, "[3]", "[2]");
    }

    /// <summary>% is Python's remainder (the sign of the divisor), for tensors and numbers on either side.</summary>
    public static void RemainderHasTheSignOfTheDivisor()
    {
        var t = Tensor.From(new[] { -3.0, 3.0, 5.5 });
        Values(t % 2, [1, 1, 1.5], "t % 2");
        Values(t % 2.0, [1, 1, 1.5], "t % 2.0");
        Values(t % Tensor.From(new[] { 2.0, -2.0, 2.0 }), [1, -1, 1.5], "t % u");
        Values(5.0 % Tensor.From(new[] { 3.0, -3.0 }), [2, -1], "5.0 % t");
        var i = Tensor.From(new[] { -3, 3 }) % 2;
        Assert.Equal(i.DType, DType.Int32, "an integer tensor stays integer");
        Assert.Sequence(i.ToArray<int>(), [1, 1], "integer remainder");
        Assert.Sequence((7 % Tensor.From(new[] { 3, -3 })).ToArray<int>(), [1, -2], "7 % t");
    }

    /// <summary>&lt; &gt; &lt;= &gt;= compare elementwise into bool tensors, with tensors or numbers on either side.</summary>
    public static void ComparisonsReturnBoolTensors()
    {
        var t = Tensor.From(new[] { 1.0, 2.0, 3.0 });
        var lt = t < 2;
        Assert.Equal(lt.DType, DType.Bool, "bool");
        Assert.Sequence(lt.ToArray<bool>(), [true, false, false], "t < 2");
        Assert.Sequence((2 < t).ToArray<bool>(), [false, false, true], "2 < t");
        Assert.Sequence((t <= 2.0).ToArray<bool>(), [true, true, false], "t <= 2.0");
        Assert.Sequence((2.5 >= t).ToArray<bool>(), [true, true, false], "2.5 >= t");
        Assert.Sequence((t > Tensor.From(new[] { 0.0, 2.0, 4.0 })).ToArray<bool>(), [true, false, false], "t > u");
        Assert.Sequence((t >= Tensor.From(new[] { 0.0, 2.0, 4.0 })).ToArray<bool>(), [true, true, false], "t >= u");
        Assert.Sequence((Tensor.From(new[] { 1L << 40, 3 }) > 3).ToArray<bool>(), [true, false], "int64 against an int");
    }

    /// <summary>&amp; | ^ ~ are logical on bool tensors and bitwise on integer ones; &lt;&lt; &gt;&gt; shift integers.</summary>
    public static void LogicalAndBitwiseOperators()
    {
        var a = Tensor.From(new[] { true, true, false, false });
        var b = Tensor.From(new[] { true, false, true, false });
        Assert.Sequence((a & b).ToArray<bool>(), [true, false, false, false], "and");
        Assert.Sequence((a | b).ToArray<bool>(), [true, true, true, false], "or");
        Assert.Sequence((a ^ b).ToArray<bool>(), [false, true, true, false], "xor");
        Assert.Sequence((~a).ToArray<bool>(), [false, false, true, true], "not");
        var t = Tensor.From(new[] { 1.0, 5.0, 10.0 });
        Assert.Sequence(((t > 2) & (t < 8)).ToArray<bool>(), [false, true, false], "a range mask");
        var i = Tensor.From(new[] { 12, 10 });
        Assert.Sequence((i & Tensor.From(new[] { 10, 6 })).ToArray<int>(), [8, 2], "bitwise and");
        Assert.Sequence((i << 2).ToArray<int>(), [48, 40], "<<");
        Assert.Sequence((i >> 1).ToArray<int>(), [6, 5], ">>");
        Assert.Throws<ArgumentException>(() => _ = t & t, "bitwiseAnd", "integer or bool");
    }

    /// <summary>== and != are not overloaded: they stay reference equality (null checks and Equals keep working).</summary>
    public static void EqualityOperatorsStayReferenceEquality()
    {
        var a = Tensor.From(1.0);
        var b = Tensor.From(1.0);
        Assert.True(!(a == b), "two tensors with equal values are different objects");
        Assert.True(a == a && a.Equals(a) && !a.Equals(b), "reference equality");
        Assert.True(a != null, "null check");
        Assert.True(typeof(Tensor).GetMethod("op_Equality") is null, "no operator ==");
        Assert.True(typeof(Tensor).GetMethod("op_Inequality") is null, "no operator !=");
    }

    /// <summary>The operators give exactly the F# core's results for the same inputs.</summary>
    public static void OperatorsEqualTheFSharpCore()
    {
        var x = Tensor.Randn(3, 4, dtype: DType.Float64);
        var y = Tensor.Randn(4, dtype: DType.Float64);
        var facade = ((x * y + 2) / (1.5 - x)) % 0.7;
        var core = F.TensorModule.remainderScalar(0.7, F.TensorModule.div(F.TensorModule.add(F.TensorModule.mul(x.Value, y.Value), F.TensorModule.scalar(2.0)), F.TensorModule.sub(F.TensorModule.scalar(1.5), x.Value)));
        Assert.Sequence(facade.ToArray<double>(), core.ToArray(), "same values");
    }

    // ------------------------------------------------------------ properties and conversions

    /// <summary>Shape, DType, Device, Dim, Numel and Size(dim) describe the tensor.</summary>
    public static void PropertiesDescribeTheTensor()
    {
        var t = Tensor.Zeros(2, 3, 4, dtype: DType.Float64);
        Assert.Sequence(t.Shape, [2, 3, 4], "Shape");
        Assert.Equal(t.DType, DType.Float64, "DType");
        Assert.Equal(t.Device, Device.Cpu, "Device");
        Assert.Equal(t.Dim, 3, "Dim");
        Assert.Equal(t.Numel, 24, "Numel");
        Assert.Equal(t.Size(0), 2, "Size(0)");
        Assert.Equal(t.Size(-1), 4, "Size(-1)");
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Size(3), "Size", "[2, 3, 4]");
    }

    /// <summary>ToArray converts, ToArray() gives doubles, ToArray2D keeps rows, Item reads a one-element tensor.</summary>
    public static void ToArrayAndItemReadValues()
    {
        var m = Tensor.From(new double[,] { { 1.5, -2.5 }, { 3, 4 } });
        Assert.Sequence(m.ToArray<int>(), [1, -2, 3, 4], "to int truncates toward zero");
        Assert.Sequence(m.ToArray(), [1.5, -2.5, 3, 4], "doubles");
        var a = m.ToArray2D<double>();
        Assert.Equal(a.GetLength(0), 2, "rows");
        Assert.Equal(a[1, 0], 3.0, "[1, 0]");
    }

    /// <summary>Item and ToArray2D on tensors of the wrong size are InvalidOperationExceptions that say why.</summary>
    public static void ItemAndToArray2DCheckTheShape()
    {
        Assert.Close(Tensor.From(new[] { 4.0 }).Item<double>(), 4.0, "one element of a 1-D tensor");
        Assert.Throws<InvalidOperationException>(() => Tensor.From(new[] { 1.0, 2.0 }).Item<double>(), "Item", "2 elements", "[2]");
        Assert.Throws<InvalidOperationException>(() => Tensor.From(new[] { 1.0, 2.0 }).ToArray2D<double>(), "ToArray2D", "[2]");
    }

    /// <summary>To converts the dtype and moves the device; Cpu() is the CPU; Cuda() without CUDA is a clear error.</summary>
    public static void ToConvertsDtypeAndDevice()
    {
        var t = Tensor.From(new[] { 1.7, -2.2 });
        Assert.Equal(t.To(DType.Float32).DType, DType.Float32, "To(dtype)");
        Assert.Sequence(t.To(DType.Int64).ToArray<long>(), [1L, -2L], "to int64");
        Assert.Equal(t.To(Device.Cpu).Device, Device.Cpu, "To(device)");
        var both = t.To(DType.Float16, Device.Cpu);
        Assert.Equal(both.DType, DType.Float16, "To(dtype, device)");
        Assert.Equal(t.Cpu().Device, Device.Cpu, "Cpu()");
        if (!Torch.CudaIsAvailable())
            Assert.Throws<NotSupportedException>(() => t.Cuda(), "CUDA");
        var x = Tensor.From(3.0, requiresGrad: true);
        var y = x.To(DType.Float32) * 2;
        y.Backward();
        Assert.Close(x.Grad!.Item<double>(), 2, "To(dtype) is differentiable");
    }

    /// <summary>DType's IsFloatingPoint and ElementSize, Tensor.IsFloatingPoint and Device.Index describe types and devices.</summary>
    public static void DTypeAndDeviceDescribeThemselves()
    {
        Assert.True(DType.Float32.IsFloatingPoint() && DType.BFloat16.IsFloatingPoint(), "floating");
        Assert.True(!DType.Int64.IsFloatingPoint() && !DType.Bool.IsFloatingPoint(), "not floating");
        Assert.Equal(DType.Float64.ElementSize(), 8, "float64 size");
        Assert.Equal(DType.Float16.ElementSize(), 2, "float16 size");
        Assert.Equal(DType.Bool.ElementSize(), 1, "bool size");
        Assert.True(Tensor.Ones(1).IsFloatingPoint() && !Tensor.From(new[] { 1 }).IsFloatingPoint(), "tensor");
        Assert.Equal(Device.Cpu.Index, null, "the CPU has no index");
        Assert.Equal(Device.Cuda(1).Index, 1, "cuda:1");
        Assert.Equal(Device.Parse("cuda:2").ToString(), "cuda:2", "parsed");
        Assert.True(Device.Parse("cpu") == Device.Cpu, "equality");
    }

    /// <summary>ToString prints as PyTorch (the core's printing).</summary>
    public static void ToStringPrintsAsPyTorch()
    {
        Assert.Equal(Tensor.From(new[] { 1f, 2f }).ToString(), "tensor([1., 2.])", "float32");
        // the core names the dtype without PyTorch's "torch." prefix
        Assert.Equal(Tensor.From(new[] { 1.0, 2.5 }).ToString(), "tensor([1.0000, 2.5000], dtype=float64)", "float64");
        Assert.Equal(Tensor.From(new[] { 1, 2 }).ToString(), "tensor([1, 2], dtype=int32)", "int32");
        var x = Tensor.From(2f, requiresGrad: true);
        Assert.Equal(x.ToString(), x.Value.ToString(), "as the core");
        Assert.True(x.ToString().Contains("requires_grad=True"), x.ToString());
    }

    /// <summary>Dispose frees the memory now; using the tensor afterwards is an ObjectDisposedException, not a crash.</summary>
    public static void DisposeFreesAndUseAfterwardsThrows()
    {
        var t = Tensor.Ones(3);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = t + 1, "freed");
        Assert.Throws<ObjectDisposedException>(() => t.ToArray(), "freed");
        Assert.Equal(t.ToString(), "tensor(<freed>)", "printing a freed tensor");
    }
}
