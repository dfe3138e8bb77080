using System;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Reductions, statistics, norms, sorting and searching through the facade.</summary>
public static class ReductionTests
{
    private static Tensor V(params double[] v) => OpsCheck.V(v);

    /// <summary>Sum of all, along a dimension, with keepDim, along several dimensions and along a negative one.</summary>
    public static void SumWithDimAndKeepDimKeepsTheReducedDimension()
    {
        var x = OpsCheck.Range(2, 3);
        OpsCheck.Values(x.Sum(), new[] { 21.0 }, "Sum()");
        OpsCheck.Values(x.Sum(0), new[] { 5.0, 7, 9 }, "Sum(0)");
        var kept = x.Sum(dim: 1, keepDim: true);
        OpsCheck.Shape(kept, new[] { 2, 1 }, "Sum(1, keepDim)");
        OpsCheck.Values(kept, new[] { 6.0, 15 }, "Sum(1, keepDim)");
        OpsCheck.Values(x.Sum(-1), new[] { 6.0, 15 }, "Sum(-1)");
        OpsCheck.Values(x.Sum(new[] { 0, 1 }), new[] { 21.0 }, "Sum([0, 1])");
        OpsCheck.Shape(x.Sum(new[] { 0, 1 }, keepDim: true), new[] { 1, 1 }, "Sum([0, 1], keepDim)");
    }

    /// <summary>Sum and Mean with a dtype convert first (float64 → float32; int64 → float64 for a mean).</summary>
    public static void SumAndMeanWithDTypeConvertFirst()
    {
        var x = OpsCheck.Range(2, 2);
        Assert.Equal(x.Sum(DType.Float32).DType, DType.Float32, "Sum(dtype)");
        Assert.Equal(x.Sum(0, dtype: DType.Float32).DType, DType.Float32, "Sum(0, dtype)");
        var ints = OpsCheck.Long(1, 2, 4);
        var m = ints.Mean(DType.Float64);
        Assert.Equal(m.DType, DType.Float64, "Mean(dtype)");
        OpsCheck.Values(m, new[] { 7.0 / 3 }, "Mean(dtype)", 1e-12);
        Assert.Equal(ints.Sum(0, dtype: DType.Float64).Item<double>(), 7.0, "Sum(0, dtype: Float64)");
    }

    /// <summary>Sum over a dimension past the rank is an ArgumentException naming the op and the dimension.</summary>
    public static void SumOverABadDimensionThrows()
    {
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(2, 3).Sum(2), "2");
        Assert.Throws<ArgumentException>(() => OpsCheck.Range(2, 3).Mean(-3), "-3");
    }

    /// <summary>Mean of all, along a dimension with keepDim, along several.</summary>
    public static void MeanAlongDimensions()
    {
        var x = OpsCheck.Range(2, 3);
        OpsCheck.Values(x.Mean(), new[] { 3.5 }, "Mean()");
        OpsCheck.Values(x.Mean(0), new[] { 2.5, 3.5, 4.5 }, "Mean(0)");
        OpsCheck.Shape(x.Mean(1, keepDim: true), new[] { 2, 1 }, "Mean(1, keepDim)");
        OpsCheck.Values(x.Mean(new[] { -1, 0 }), new[] { 3.5 }, "Mean([-1, 0])");
    }

    /// <summary>Sum and Mean along a dimension have the gradients 1 and 1/n.</summary>
    public static void SumAndMeanGradients()
    {
        OpsCheck.GradMatchesFiniteDifferences(t => t.Sum(1), new[] { 1.0, 2, 3, 4, 5, 6 }, new[] { 2, 3 }, "Sum(1)");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Mean(0, keepDim: true), new[] { 1.0, 2, 3, 4, 5, 6 }, new[] { 2, 3 }, "Mean(0)");
    }

    /// <summary>Prod of all and along dimensions; Cumsum and Cumprod by hand.</summary>
    public static void ProdCumsumAndCumprod()
    {
        var x = OpsCheck.Range(2, 3);
        OpsCheck.Values(x.Prod(), new[] { 720.0 }, "Prod()");
        OpsCheck.Values(x.Prod(1), new[] { 6.0, 120 }, "Prod(1)");
        OpsCheck.Shape(x.Prod(0, keepDim: true), new[] { 1, 3 }, "Prod(0, keepDim)");
        OpsCheck.Values(x.Prod(new[] { 0, 1 }), new[] { 720.0 }, "Prod([0, 1])");
        OpsCheck.Values(V(1, 2, 3, 4).Cumsum(0), new[] { 1.0, 3, 6, 10 }, "Cumsum");
        OpsCheck.Values(V(1, 2, 3, 4).Cumprod(0), new[] { 1.0, 2, 6, 24 }, "Cumprod");
        OpsCheck.Values(x.Cumsum(-1), new[] { 1.0, 3, 6, 4, 9, 15 }, "Cumsum(-1)");
    }

    /// <summary>Prod's and Cumprod's gradients match finite differences, a zero included.</summary>
    public static void ProdGradientsMatchFiniteDifferences()
    {
        OpsCheck.GradMatchesFiniteDifferences(t => t.Prod(), new[] { 1.5, -2, 0.5, 3 }, new[] { 4 }, "Prod");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Prod(0), new[] { 1.5, 0, 0.5, 3 }, new[] { 2, 2 }, "Prod(0) with a zero");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Cumprod(0), new[] { 1.5, -2, 0.5, 3 }, new[] { 4 }, "Cumprod");
    }

    /// <summary>Max and Min of all; with a dimension they return values and indices, deconstructible, with keepDim.</summary>
    public static void MaxAndMinReturnValuesAndIndices()
    {
        var x = OpsCheck.M(new double[,] { { 1, 5, 3 }, { 4, 2, 6 } });
        OpsCheck.Values(x.Max(), new[] { 6.0 }, "Max()");
        OpsCheck.Values(x.Min(), new[] { 1.0 }, "Min()");
        var (values, indices) = x.Max(1);
        OpsCheck.Values(values, new[] { 5.0, 6 }, "Max(1).Values");
        Assert.Sequence(indices.ToArray<long>(), new long[] { 1, 2 }, "Max(1).Indices");
        Assert.Equal(indices.DType, DType.Int64, "indices dtype");
        var min = x.Min(0, keepDim: true);
        OpsCheck.Shape(min.Values, new[] { 1, 3 }, "Min(0, keepDim).Values");
        OpsCheck.Shape(min.Indices, new[] { 1, 3 }, "Min(0, keepDim).Indices");
        OpsCheck.Values(min.Values, new[] { 1.0, 2, 3 }, "Min(0).Values");
        Assert.Sequence(min.Indices.ToArray<long>(), new long[] { 0, 1, 0 }, "Min(0).Indices");
    }

    /// <summary>The gradient of Max(dim) goes to the chosen element.</summary>
    public static void MaxAlongADimensionSendsTheGradientToTheArgmax()
    {
        var x = OpsCheck.M(new double[,] { { 1, 5, 3 }, { 4, 2, 6 } }).RequiresGrad();
        x.Max(1).Values.Sum().Backward();
        OpsCheck.Values(x.Grad!, new[] { 0.0, 1, 0, 0, 0, 1 }, "grad");
    }

    /// <summary>Amax and Amin along one or several dimensions.</summary>
    public static void AmaxAndAmin()
    {
        var x = OpsCheck.M(new double[,] { { 1, 5, 3 }, { 4, 2, 6 } });
        OpsCheck.Values(x.Amax(0), new[] { 4.0, 5, 6 }, "Amax(0)");
        OpsCheck.Values(x.Amin(-1), new[] { 1.0, 2 }, "Amin(-1)");
        OpsCheck.Values(x.Amax(new[] { 0, 1 }), new[] { 6.0 }, "Amax([0, 1])");
        OpsCheck.Shape(x.Amin(new[] { 1 }, keepDim: true), new[] { 2, 1 }, "Amin([1], keepDim)");
    }

    /// <summary>Argmax and Argmin of all (flat positions) and along a dimension with keepDim.</summary>
    public static void ArgmaxAndArgmin()
    {
        var x = OpsCheck.M(new double[,] { { 1, 5, 3 }, { 4, 2, 6 } });
        Assert.Equal(x.Argmax().Item<long>(), 5L, "Argmax()");
        Assert.Equal(x.Argmin().Item<long>(), 0L, "Argmin()");
        Assert.Sequence(x.Argmax(0).ToArray<long>(), new long[] { 1, 0, 1 }, "Argmax(0)");
        var k = x.Argmin(1, keepDim: true);
        OpsCheck.Shape(k, new[] { 2, 1 }, "Argmin(1, keepDim)");
        Assert.Sequence(k.ToArray<long>(), new long[] { 0, 1 }, "Argmin(1)");
        OpsCheck.Shape(x.Argmax(-1, keepDim: true), new[] { 2, 1 }, "Argmax(-1, keepDim)");
    }

    /// <summary>Var and Std of [1, 2, 3, 4]: 5/3 unbiased, 5/4 with correction 0.</summary>
    public static void VarAndStdWithCorrection()
    {
        var x = V(1, 2, 3, 4);
        OpsCheck.Values(x.Var(), new[] { 5.0 / 3 }, "Var()", 1e-12);
        OpsCheck.Values(x.Var(correction: 0), new[] { 1.25 }, "Var(correction: 0)", 1e-12);
        OpsCheck.Values(x.Std(), new[] { Math.Sqrt(5.0 / 3) }, "Std()", 1e-12);
        OpsCheck.Values(x.Std(correction: 0), new[] { Math.Sqrt(1.25) }, "Std(correction: 0)", 1e-12);
    }

    /// <summary>Var and Std along dimensions with keepDim.</summary>
    public static void VarAndStdAlongDimensions()
    {
        var x = OpsCheck.M(new double[,] { { 1, 3 }, { 2, 6 } });
        OpsCheck.Values(x.Var(0), new[] { 0.5, 4.5 }, "Var(0) reduces dimension 0, as PyTorch's var(0)", 1e-12);
        OpsCheck.Values(x.Std(1), new[] { Math.Sqrt(2), Math.Sqrt(8) }, "Std(1) reduces dimension 1", 1e-12);
        OpsCheck.Shape(x.Var(keepDim: true), new[] { 1, 1 }, "Var(keepDim: true)");
        OpsCheck.Values(x.Var(1, correction: 0), new[] { 1.0, 4 }, "Var(1, correction: 0)", 1e-12);
        OpsCheck.Shape(x.Std(1, keepDim: true), new[] { 2, 1 }, "Std(1, keepDim)");
        OpsCheck.Values(x.Std(new[] { 0, 1 }, correction: 0), new[] { Math.Sqrt(3.5) }, "Std([0, 1])", 1e-12);
        OpsCheck.GradMatchesFiniteDifferences(t => t.Std(1), new[] { 1.0, 3, 2, 6 }, new[] { 2, 2 }, "Std(1)");
    }

    /// <summary>Norm of [3, −4]: 5 (p = 2), 7 (p = 1), 4 (∞), 2 (p = 0); along a dimension with keepDim.</summary>
    public static void NormWithOrdersAndDimensions()
    {
        var x = V(3, -4);
        OpsCheck.Values(x.Norm(), new[] { 5.0 }, "Norm()");
        OpsCheck.Values(x.Norm(1), new[] { 7.0 }, "Norm(1)");
        OpsCheck.Values(x.Norm(double.PositiveInfinity), new[] { 4.0 }, "Norm(inf)");
        OpsCheck.Values(x.Norm(0), new[] { 2.0 }, "Norm(0)");
        var m = OpsCheck.M(new double[,] { { 3, 4 }, { 6, 8 } });
        OpsCheck.Values(m.Norm(dim: 1), new[] { 5.0, 10 }, "Norm(dim: 1)");
        OpsCheck.Values(m.Norm(dim: 0, p: 1), new[] { 9.0, 12 }, "Norm(dim: 0, p: 1)");
        OpsCheck.Shape(m.Norm(2, new[] { 1 }, keepDim: true), new[] { 2, 1 }, "Norm(2, [1], keepDim)");
        OpsCheck.Values(m.Norm(1, new[] { 0, 1 }), new[] { 21.0 }, "Norm(1, [0, 1])");
        OpsCheck.Values(m.Norm(1, dim: 1), new[] { 7.0, 14 }, "Norm(1, dim: 1)");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Norm(), new[] { 3.0, -4 }, new[] { 2 }, "Norm()");
        OpsCheck.GradMatchesFiniteDifferences(t => t.Norm(3.0), new[] { 3.0, -4 }, new[] { 2 }, "Norm(3)");
    }

    /// <summary>Logsumexp is stable for large values and its gradient is the softmax.</summary>
    public static void LogsumexpIsStableAndItsGradientIsSoftmax()
    {
        OpsCheck.Values(V(1000, 1000).Logsumexp(0), new[] { 1000 + Math.Log(2) }, "large values", 1e-12);
        var x = OpsCheck.M(new double[,] { { 0, 1 }, { 2, 3 } });
        OpsCheck.Shape(x.Logsumexp(1, keepDim: true), new[] { 2, 1 }, "keepDim");
        OpsCheck.Values(x.Logsumexp(new[] { 0, 1 }), new[] { Math.Log(1 + Math.E + Math.Exp(2) + Math.Exp(3)) }, "all dims", 1e-12);
        var t = V(0.5, -1, 2).RequiresGrad();
        t.Logsumexp(0).Backward();
        OpsCheck.Values(t.Grad!, V(0.5, -1, 2).Softmax(0).ToArray<double>(), "grad = softmax", 1e-12);
    }

    /// <summary>Sort ascending and descending, deconstructed; Argsort gives the indices.</summary>
    public static void SortAndArgsort()
    {
        var x = V(3, 1, 2);
        var (values, indices) = x.Sort();
        OpsCheck.Values(values, new[] { 1.0, 2, 3 }, "Sort().Values");
        Assert.Sequence(indices.ToArray<long>(), new long[] { 1, 2, 0 }, "Sort().Indices");
        OpsCheck.Values(x.Sort(descending: true).Values, new[] { 3.0, 2, 1 }, "Sort(descending)");
        Assert.Sequence(x.Argsort(descending: true).ToArray<long>(), new long[] { 0, 2, 1 }, "Argsort(descending)");
        OpsCheck.Values(OpsCheck.M(new double[,] { { 2, 1 }, { 0, 5 } }).Sort(dim: 0).Values, new[] { 0.0, 1, 2, 5 }, "Sort(dim: 0)");
    }

    /// <summary>Topk of the largest and of the smallest; k past the size is an error naming topk.</summary>
    public static void TopkLargestAndSmallest()
    {
        var x = V(4, 1, 3, 2);
        var top = x.Topk(2);
        OpsCheck.Values(top.Values, new[] { 4.0, 3 }, "Topk(2)");
        Assert.Sequence(top.Indices.ToArray<long>(), new long[] { 0, 2 }, "Topk(2) indices");
        OpsCheck.Values(x.Topk(2, largest: false).Values, new[] { 1.0, 2 }, "Topk(2, largest: false)");
        Assert.Throws<ArgumentException>(() => x.Topk(5), "topk");
    }

    /// <summary>The gradient of Topk's values goes to the chosen elements.</summary>
    public static void TopkGradientGoesToTheChosenElements()
    {
        var x = V(4, 1, 3, 2).RequiresGrad();
        x.Topk(2).Values.Sum().Backward();
        OpsCheck.Values(x.Grad!, new[] { 1.0, 0, 1, 0 }, "grad");
    }

    /// <summary>Kthvalue is 1-based; Median of all and along a dimension takes the lower middle.</summary>
    public static void KthvalueAndMedian()
    {
        var x = V(5, 1, 4, 2);
        var k = x.Kthvalue(2);
        OpsCheck.Values(k.Values, new[] { 2.0 }, "Kthvalue(2)");
        Assert.Sequence(k.Indices.ToArray<long>(), new long[] { 3 }, "Kthvalue(2) index");
        OpsCheck.Values(x.Median(), new[] { 2.0 }, "Median() (lower middle)");
        var (values, indices) = OpsCheck.M(new double[,] { { 3, 1, 2 }, { 9, 7, 8 } }).Median(1);
        OpsCheck.Values(values, new[] { 2.0, 8 }, "Median(1)");
        Assert.Sequence(indices.ToArray<long>(), new long[] { 2, 2 }, "Median(1) indices");
        Assert.Throws<ArgumentException>(() => x.Kthvalue(0), "kthvalue");
    }

    /// <summary>Any and All of all elements and along a dimension.</summary>
    public static void AnyAndAll()
    {
        var x = OpsCheck.M(new double[,] { { 0, 1 }, { 0, 0 } });
        Assert.True(x.Any().Item<bool>(), "Any()");
        Assert.True(!x.All().Item<bool>(), "All()");
        OpsCheck.Bools(x.Any(1), new[] { true, false }, "Any(1)");
        OpsCheck.Bools(x.All(0), new[] { false, false }, "All(0)");
        OpsCheck.Bools(V(1, 2).All(0), new[] { true }, "All(0) of non-zeros");
    }

    /// <summary>Kthvalue, Median(dim), Any(dim) and All(dim) keep the reduced dimension with keepDim.</summary>
    public static void SearchReductionsWithKeepDim()
    {
        var x = OpsCheck.M(new double[,] { { 3, 1, 2 }, { 9, 7, 8 } });
        var k = x.Kthvalue(1, keepDim: true);
        OpsCheck.Shape(k.Values, new[] { 2, 1 }, "Kthvalue keepDim values");
        OpsCheck.Shape(k.Indices, new[] { 2, 1 }, "Kthvalue keepDim indices");
        OpsCheck.Values(k.Values, new[] { 1.0, 7 }, "Kthvalue(1)");
        var m = x.Median(0, keepDim: true);
        OpsCheck.Shape(m.Values, new[] { 1, 3 }, "Median(0, keepDim)");
        OpsCheck.Values(m.Values, new[] { 3.0, 1, 2 }, "Median(0) lower middle");
        OpsCheck.Shape(x.Gt(2).Any(1, keepDim: true), new[] { 2, 1 }, "Any(1, keepDim)");
        OpsCheck.Shape(x.Gt(2).All(-1, keepDim: true), new[] { 2, 1 }, "All(-1, keepDim)");
        OpsCheck.Bools(x.Gt(2).All(-1, keepDim: true), new[] { false, true }, "All(-1) values");
    }

    /// <summary>Records compare by value (the same tensors) and print their members.</summary>
    public static void ValuesAndIndicesIsARecord()
    {
        var r = V(2, 1).Sort();
        var copy = r with { };
        Assert.True(r == copy, "value equality");
        Assert.True(r.ToString().Contains("Values"), $"ToString: {r}");
    }
}
