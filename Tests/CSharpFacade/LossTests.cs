using System;
using System.Linq;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>The loss functions and loss modules, against values computed by hand.</summary>
public static class LossTests
{
    static readonly Tensor Input = Tensor.From(new[] { 1.0, 2.0, 3.0 });
    static readonly Tensor Target = Tensor.From(new[] { 1.0, 1.0, 1.0 });

    static double V(Tensor t) => t.Item<double>();

    /// <summary>Mse: (0² + 1² + 2²)/3, the sum 5, and per element with Reduction.None.</summary>
    public static void MseAndItsReductions()
    {
        Assert.Close(V(Loss.Mse(Input, Target)), 5.0 / 3, "mean");
        Assert.Close(V(Loss.Mse(Input, Target, reduction: Reduction.Sum)), 5.0, "sum");
        M.AllClose(M.Values(Loss.Mse(Input, Target, Reduction.None)), new[] { 0.0, 1, 4 }, "none");
    }

    /// <summary>L1: the mean absolute error 1, the sum 3.</summary>
    public static void L1Values()
    {
        Assert.Close(V(Loss.L1(Input, Target)), 1.0, "mean");
        Assert.Close(V(Loss.L1(Input, Target, Reduction.Sum)), 3.0, "sum");
    }

    /// <summary>SmoothL1: 0, 0.5, 1.5 with beta 1 (mean 2/3); 0, 0.25, 1 with beta 2.</summary>
    public static void SmoothL1Values()
    {
        Assert.Close(V(Loss.SmoothL1(Input, Target)), 2.0 / 3, "beta 1");
        Assert.Close(V(Loss.SmoothL1(Input, Target, beta: 2.0)), 1.25 / 3, "beta 2");
    }

    /// <summary>Huber: 0, 0.5, 1.5 with delta 1; 0, 0.5, 2 with delta 2.</summary>
    public static void HuberValues()
    {
        Assert.Close(V(Loss.Huber(Input, Target)), 2.0 / 3, "delta 1");
        Assert.Close(V(Loss.Huber(Input, Target, delta: 2.0)), 2.5 / 3, "delta 2");
    }

    /// <summary>Bce of probabilities: −log 0.5 and −log 0.1, their mean, and with a weight.</summary>
    public static void BceValues()
    {
        var p = Tensor.From(new[] { 0.5, 0.9 });
        var y = Tensor.From(new[] { 1.0, 0.0 });
        Assert.Close(V(Loss.Bce(p, y)), (Math.Log(2) + Math.Log(10)) / 2, "mean", 1e-9);
        Assert.Close(V(Loss.Bce(p, y, weight: Tensor.From(new[] { 2.0, 1.0 }))), (2 * Math.Log(2) + Math.Log(10)) / 2, "weighted", 1e-9);
    }

    /// <summary>BceWithLogits: log 2 for logit 0 with target 1, log(1 + e²) for logit 2 with target 0; posWeight scales the positives.</summary>
    public static void BceWithLogitsValues()
    {
        var x = Tensor.From(new[] { 0.0, 2.0 });
        var y = Tensor.From(new[] { 1.0, 0.0 });
        Assert.Close(V(Loss.BceWithLogits(x, y)), (Math.Log(2) + Math.Log(1 + Math.Exp(2))) / 2, "mean", 1e-9);
        Assert.Close(V(Loss.BceWithLogits(x, y, reduction: Reduction.Sum, posWeight: Tensor.From(new[] { 3.0 }))), 3 * Math.Log(2) + Math.Log(1 + Math.Exp(2)), "posWeight", 1e-9);
    }

    static readonly Tensor Logits = Tensor.From(new double[,] { { 0, 0, 0 }, { 1, 2, 3 } });
    static readonly double L0 = Math.Log(3);
    static readonly double L1Sample = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) - 3;

    /// <summary>CrossEntropy of logits against class indices: log 3 and logsumexp − 3, their mean, per sample with None.</summary>
    public static void CrossEntropyWithClassIndices()
    {
        var target = M.Ints(0, 2);
        Assert.Close(V(Loss.CrossEntropy(Logits, target)), (L0 + L1Sample) / 2, "mean", 1e-9);
        M.AllClose(M.Values(Loss.CrossEntropy(Logits, target, reduction: Reduction.None)), new[] { L0, L1Sample }, "none", 1e-9);
    }

    /// <summary>CrossEntropy with class weights divides by the summed weights; ignoreIndex drops a sample.</summary>
    public static void CrossEntropyWeightsAndIgnoreIndex()
    {
        var w = Tensor.From(new[] { 1.0, 1.0, 2.0 });
        Assert.Close(V(Loss.CrossEntropy(Logits, M.Ints(0, 2), weight: w)), (L0 + 2 * L1Sample) / 3, "weighted mean", 1e-9);
        Assert.Close(V(Loss.CrossEntropy(Logits, M.Ints(0, -100))), L0, "ignored", 1e-9);
        Assert.Close(V(Loss.CrossEntropy(Logits, M.Ints(0, 1), ignoreIndex: 1)), L0, "custom ignore index", 1e-9);
    }

    /// <summary>CrossEntropy with label smoothing ε: (1 − ε)·nll + ε·mean over classes of −log p.</summary>
    public static void CrossEntropyLabelSmoothing()
    {
        var lp = new[] { 1.0, 2, 3 }.Select(v => v - Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3))).ToArray();
        var second = 0.9 * -lp[2] + 0.1 * -lp.Average();
        Assert.Close(V(Loss.CrossEntropy(Logits, M.Ints(0, 2), labelSmoothing: 0.1)), (L0 + second) / 2, "smoothed", 1e-9);
    }

    /// <summary>CrossEntropy against class probabilities (soft targets).</summary>
    public static void CrossEntropyWithProbabilities()
    {
        var soft = Tensor.From(new double[,] { { 1, 0, 0 }, { 0, 0, 1 } });
        Assert.Close(V(Loss.CrossEntropy(Logits, soft)), (L0 + L1Sample) / 2, "one-hot probabilities match indices", 1e-9);
    }

    /// <summary>A class index out of range is the core's error naming crossEntropy.</summary>
    public static void CrossEntropyBadTargetIsAnError() =>
        Assert.Throws<ArgumentException>(() => Loss.CrossEntropy(Logits, M.Ints(0, 5)), "crossEntropy");

    /// <summary>Nll of log-probabilities: the mean of −input[i, target[i]].</summary>
    public static void NllValues()
    {
        var lp = Tensor.From(new double[,] { { -1, -2 }, { -3, -0.5 } });
        Assert.Close(V(Loss.Nll(lp, M.Ints(1, 0))), 2.5, "mean");
        Assert.Close(V(Loss.Nll(lp, M.Ints(1, 0), reduction: Reduction.Sum)), 5.0, "sum");
        Assert.Close(V(Loss.Nll(lp, M.Ints(1, 0), weight: Tensor.From(new[] { 3.0, 1.0 }))), (2 + 9) / 4.0, "weighted");
    }

    /// <summary>KlDiv: Σ p·(log p − input), its mean over elements, BatchMean over the batch, and logTarget.</summary>
    public static void KlDivValues()
    {
        var input = Tensor.From(new double[,] { { Math.Log(0.5), Math.Log(0.5) } });
        var p = Tensor.From(new double[,] { { 0.25, 0.75 } });
        var sum = 0.25 * (Math.Log(0.25) - Math.Log(0.5)) + 0.75 * (Math.Log(0.75) - Math.Log(0.5));
        Assert.Close(V(Loss.KlDiv(input, p)), sum / 2, "mean", 1e-9);
        Assert.Close(V(Loss.KlDiv(input, p, reduction: Reduction.BatchMean)), sum, "batchmean", 1e-9);
        var logP = Tensor.From(new double[,] { { Math.Log(0.25), Math.Log(0.75) } });
        Assert.Close(V(Loss.KlDiv(input, logP, Reduction.Sum, logTarget: true)), sum, "log target", 1e-9);
    }

    /// <summary>BatchMean is for KlDiv only: other losses reject it (the core's error).</summary>
    public static void BatchMeanIsOnlyForKlDiv() =>
        Assert.Throws<ArgumentException>(() => Loss.Mse(Input, Target, Reduction.BatchMean), "batchmean");

    /// <summary>CosineEmbedding: 1 − cos for similar pairs, max(0, cos − margin) for dissimilar ones.</summary>
    public static void CosineEmbeddingValues()
    {
        var a = Tensor.From(new double[,] { { 1, 0 } });
        var b = Tensor.From(new double[,] { { 1, 1 } });
        var c = 1 / Math.Sqrt(2);
        Assert.Close(V(Loss.CosineEmbedding(a, b, Tensor.From(new[] { 1.0 }))), 1 - c, "similar", 1e-9);
        Assert.Close(V(Loss.CosineEmbedding(a, b, Tensor.From(new[] { -1.0 }))), c, "dissimilar", 1e-9);
        Assert.Close(V(Loss.CosineEmbedding(a, b, Tensor.From(new[] { -1.0 }), margin: 0.5)), c - 0.5, "margin", 1e-9);
    }

    /// <summary>MarginRanking: max(0, −y·(x1 − x2) + margin), the mean.</summary>
    public static void MarginRankingValues()
    {
        var x1 = Tensor.From(new[] { 1.0, 2.0 });
        var x2 = Tensor.From(new[] { 2.0, 1.0 });
        var y = Tensor.From(new[] { 1.0, 1.0 });
        Assert.Close(V(Loss.MarginRanking(x1, x2, y)), 0.5, "margin 0");
        Assert.Close(V(Loss.MarginRanking(x1, x2, y, margin: 0.5)), 0.75, "margin 0.5");
    }

    /// <summary>The two-argument losses convert to Func&lt;Tensor, Tensor, Tensor&gt; method groups.</summary>
    public static void LossesAreFuncMethodGroups()
    {
        Func<Tensor, Tensor, Tensor>[] fs = { Loss.Mse, Loss.L1, Loss.SmoothL1, Loss.Huber, Loss.CrossEntropy, Loss.Nll, Loss.KlDiv, Loss.Bce, Loss.BceWithLogits };
        Assert.Close(V(fs[0](Input, Target)), 5.0 / 3, "Mse through a Func");
        Assert.Close(V(fs[1](Input, Target)), 1.0, "L1 through a Func");
    }

    /// <summary>The loss's gradient reaches the input: d/dx mean (x − t)² = 2(x − t)/n.</summary>
    public static void MseGradient()
    {
        var x = Tensor.From(new[] { 1.0, 2.0, 3.0 }).RequiresGrad();
        Loss.Mse(x, Target).Backward();
        M.AllClose(M.Values(x.Grad!), new[] { 0.0, 2.0 / 3, 4.0 / 3 }, "gradient");
    }

    /// <summary>Mismatched shapes are the core's error naming the loss.</summary>
    public static void MismatchedShapesAreAnError() =>
        Assert.Throws<ArgumentException>(() => Loss.Mse(Tensor.Randn(3), Tensor.Randn(4)), "mse");

    /// <summary>Null arguments are ArgumentNullExceptions.</summary>
    public static void NullArgumentsAreRejected() =>
        Assert.Throws<ArgumentNullException>(() => Loss.Mse(null!, Target));

    /// <summary>The loss modules give the same values as the functions, keep their reduction and print as PyTorch.</summary>
    public static void LossModulesMatchTheFunctions()
    {
        Assert.Close(V(new MSELoss().Forward(Input, Target)), 5.0 / 3, "MSELoss");
        Assert.Close(V(new MSELoss(Reduction.Sum).Forward(Input, Target)), 5.0, "MSELoss sum");
        Assert.Close(V(new L1Loss().Forward(Input, Target)), 1.0, "L1Loss");
        Assert.Close(V(new SmoothL1Loss(beta: 2.0).Forward(Input, Target)), 1.25 / 3, "SmoothL1Loss");
        Assert.Close(V(new HuberLoss(delta: 2.0).Forward(Input, Target)), 2.5 / 3, "HuberLoss");
        Assert.Close(V(new CrossEntropyLoss().Forward(Logits, M.Ints(0, 2))), (L0 + L1Sample) / 2, "CrossEntropyLoss", 1e-9);
        Assert.Close(V(new NLLLoss().Forward(Tensor.From(new double[,] { { -1, -2 } }), M.Ints(1))), 2.0, "NLLLoss");
        Assert.Close(V(new BCELoss().Forward(Tensor.From(new[] { 0.5 }), Tensor.From(new[] { 1.0 }))), Math.Log(2), "BCELoss", 1e-9);
        Assert.Close(V(new BCEWithLogitsLoss().Forward(Tensor.From(new[] { 0.0 }), Tensor.From(new[] { 1.0 }))), Math.Log(2), "BCEWithLogitsLoss", 1e-9);
        Assert.Close(V(new KLDivLoss(Reduction.BatchMean).Forward(Tensor.From(new double[,] { { Math.Log(0.5), Math.Log(0.5) } }), Tensor.From(new double[,] { { 0.5, 0.5 } }))), 0.0, "KLDivLoss", 1e-12);
        Assert.Equal(new MSELoss().Reduction, Reduction.Mean, "default reduction");
        Assert.Equal(new MSELoss().ToString(), "MSELoss()", "printout");
        Assert.Equal(new MSELoss(Reduction.Sum).ToString(), "MSELoss(reduction='sum')", "printout with reduction");
    }

    /// <summary>A loss module's one-input Forward is NotSupported; AsFunc gives a Func; class weights are buffers.</summary>
    public static void LossModuleSpecifics()
    {
        var ce = new CrossEntropyLoss(weight: Tensor.From(new[] { 1.0, 1.0, 2.0 }), labelSmoothing: 0.0);
        Assert.Throws<NotSupportedException>(() => ce.Forward(Logits), "Forward(input, target)");
        Func<Tensor, Tensor, Tensor> f = ce.AsFunc();
        Assert.Close(V(f(Logits, M.Ints(0, 2))), (L0 + 2 * L1Sample) / 3, "through AsFunc", 1e-9);
        Assert.Sequence(ce.NamedBuffers().Select(b => b.Name).ToArray(), new[] { "weight" }, "weight buffer");
        Assert.Equal(ce.Parameters().Count, 0, "no parameters");
    }

    /// <summary>The ranking loss modules take three inputs.</summary>
    public static void RankingLossModules()
    {
        var x1 = Tensor.From(new[] { 1.0, 2.0 });
        var x2 = Tensor.From(new[] { 2.0, 1.0 });
        var y = Tensor.From(new[] { 1.0, 1.0 });
        var mr = new MarginRankingLoss(margin: 0.5);
        Assert.Close(V(mr.Forward(x1, x2, y)), 0.75, "MarginRankingLoss");
        Assert.Close(mr.Margin, 0.5, "margin");
        Assert.Close(V(new CosineEmbeddingLoss().Forward(Tensor.From(new double[,] { { 1, 0 } }), Tensor.From(new double[,] { { 1, 0 } }), Tensor.From(new[] { 1.0 }))), 0.0, "CosineEmbeddingLoss", 1e-9);
        Assert.Throws<NotSupportedException>(() => mr.Forward(x1), "three inputs");
    }

    /// <summary>An undefined Reduction value is an ArgumentOutOfRangeException.</summary>
    public static void UndefinedReductionIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Mse(Input, Target, (Reduction)42), "42");
}
