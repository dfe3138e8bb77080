using System;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>How a loss reduces its per-element (or per-sample) values: PyTorch's <c>reduction</c> argument.</summary>
public enum Reduction
{
    /// <summary>The mean ("mean", the default). CrossEntropy and Nll with class indices divide by the
    /// summed class weights of the targets that are not ignored.</summary>
    Mean,

    /// <summary>The sum ("sum").</summary>
    Sum,

    /// <summary>No reduction ("none"): one value per element (per sample for CrossEntropy, Nll, CosineEmbedding).</summary>
    None,

    /// <summary>KlDiv only ("batchmean"): the sum divided by the batch size, the true KL divergence per sample.</summary>
    BatchMean,
}

internal static class Reductions
{
    internal static F.Reduction ToCore(this Reduction r) => r switch
    {
        Reduction.Mean => F.Reduction.Mean,
        Reduction.Sum => F.Reduction.Sum,
        Reduction.None => F.Reduction.None,
        Reduction.BatchMean => F.Reduction.BatchMean,
        _ => throw new ArgumentOutOfRangeException(nameof(r), $"Reduction: {(int)r} is not a reduction; use Mean, Sum, None or BatchMean."),
    };

    internal static Reduction FromCore(F.Reduction r) =>
        r.IsMean ? Reduction.Mean : r.IsSum ? Reduction.Sum : r.IsNone ? Reduction.None : Reduction.BatchMean;

    internal static FSharpOption<F.Reduction> Some(Reduction r) => FSharpOption<F.Reduction>.Some(r.ToCore());
}

/// <summary>
/// Loss functions (PyTorch's <c>torch.nn.functional</c> losses), each a function of (input, target)
/// with PyTorch's defaults; the two-argument forms convert to <c>Func&lt;Tensor, Tensor, Tensor&gt;</c>
/// (<c>.WithLoss(Loss.Mse)</c>), the others take named options (<c>Loss.CrossEntropy(logits, labels, labelSmoothing: 0.1)</c>).
/// </summary>
public static class Loss
{
    private static void NotNull(Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
    }

    /// <summary>The mean squared error: the mean of (input − target)² (PyTorch's <c>mse_loss</c>), the mean.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>A 0-dimensional tensor.</returns>
    public static Tensor Mse(Tensor input, Tensor target) => Mse(input, target, Reduction.Mean);

    /// <summary>The mean squared error: the mean of (input − target)² (PyTorch's <c>mse_loss</c>), with options.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor Mse(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        NotNull(input, target);
        return Tensor.Wrap(F.Loss.mseWith(reduction.ToCore(), input.Value, target.Value));
    }

    /// <summary>The mean absolute error |input − target| (PyTorch's <c>l1_loss</c>), the mean.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>A 0-dimensional tensor.</returns>
    public static Tensor L1(Tensor input, Tensor target) => L1(input, target, Reduction.Mean);

    /// <summary>The mean absolute error |input − target| (PyTorch's <c>l1_loss</c>), with options.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor L1(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        NotNull(input, target);
        return Tensor.Wrap(F.Loss.l1With(reduction.ToCore(), input.Value, target.Value));
    }

    /// <summary>The smooth L1 loss: 0.5·d²/beta where d = |input − target| &lt; beta, d − 0.5·beta elsewhere (PyTorch's <c>smooth_l1_loss</c>), the mean.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>A 0-dimensional tensor.</returns>
    public static Tensor SmoothL1(Tensor input, Tensor target) => SmoothL1(input, target, Reduction.Mean);

    /// <summary>The smooth L1 loss: 0.5·d²/beta where d = |input − target| &lt; beta, d − 0.5·beta elsewhere (PyTorch's <c>smooth_l1_loss</c>), with options.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="beta">The threshold between the quadratic and linear parts (≥ 0).</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor SmoothL1(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        NotNull(input, target);
        return Tensor.Wrap(F.Loss.smoothL1With(reduction.ToCore(), beta, input.Value, target.Value));
    }

    /// <summary>The Huber loss: 0.5·d² where d = |input − target| &lt; delta, delta·(d − 0.5·delta) elsewhere (PyTorch's <c>huber_loss</c>), the mean.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>A 0-dimensional tensor.</returns>
    public static Tensor Huber(Tensor input, Tensor target) => Huber(input, target, Reduction.Mean);

    /// <summary>The Huber loss: 0.5·d² where d = |input − target| &lt; delta, delta·(d − 0.5·delta) elsewhere (PyTorch's <c>huber_loss</c>), with options.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="delta">The threshold between the quadratic and linear parts (&gt; 0).</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor Huber(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0)
    {
        NotNull(input, target);
        return Tensor.Wrap(F.Loss.huberWith(reduction.ToCore(), delta, input.Value, target.Value));
    }

    /// <summary>The binary cross-entropy of probabilities in [0, 1] (PyTorch's <c>binary_cross_entropy</c>), the mean.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>A 0-dimensional tensor.</returns>
    public static Tensor Bce(Tensor input, Tensor target) => Bce(input, target, Reduction.Mean);

    /// <summary>The binary cross-entropy of probabilities in [0, 1] (PyTorch's <c>binary_cross_entropy</c>), with options.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="weight">A weight broadcasting to the input's shape, or null.</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor Bce(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null)
    {
        NotNull(input, target);
        return Tensor.Wrap(F.Loss.bceWith(reduction.ToCore(), Opt.Of(weight), input.Value, target.Value));
    }

    /// <summary>The binary cross-entropy of logits, computed stably (PyTorch's <c>binary_cross_entropy_with_logits</c>), the mean.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>A 0-dimensional tensor.</returns>
    public static Tensor BceWithLogits(Tensor input, Tensor target) => BceWithLogits(input, target, Reduction.Mean);

    /// <summary>The binary cross-entropy of logits, computed stably (PyTorch's <c>binary_cross_entropy_with_logits</c>), with options.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="weight">A weight broadcasting to the input's shape, or null.</param>
    /// <param name="posWeight">A weight of the positives of each class [C], or null.</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor BceWithLogits(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null, Tensor? posWeight = null)
    {
        NotNull(input, target);
        return Tensor.Wrap(F.Loss.bceWithLogitsWith(reduction.ToCore(), Opt.Of(weight), Opt.Of(posWeight), input.Value, target.Value));
    }

    /// <summary>The cross-entropy of logits [N, C] (or [N, C, d1, ...], or [C]) against class indices or class probabilities (PyTorch's <c>cross_entropy</c>), the mean.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>A 0-dimensional tensor.</returns>
    public static Tensor CrossEntropy(Tensor input, Tensor target) => CrossEntropy(input, target, Reduction.Mean);

    /// <summary>The cross-entropy of logits [N, C] (or [N, C, d1, ...], or [C]) against class indices or class probabilities (PyTorch's <c>cross_entropy</c>), with options.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="weight">A weight per class [C], or null.</param>
    /// <param name="ignoreIndex">A target index that is ignored (class-index targets).</param>
    /// <param name="labelSmoothing">The amount of smoothing, in [0, 1].</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null, int ignoreIndex = -100, double labelSmoothing = 0.0)
    {
        NotNull(input, target);
        return Tensor.Wrap(F.Loss.crossEntropyWith(reduction.ToCore(), Opt.Of(weight), ignoreIndex, labelSmoothing, input.Value, target.Value));
    }

    /// <summary>The negative log-likelihood of log-probabilities [N, C] against class indices (PyTorch's <c>nll_loss</c>), the mean.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>A 0-dimensional tensor.</returns>
    public static Tensor Nll(Tensor input, Tensor target) => Nll(input, target, Reduction.Mean);

    /// <summary>The negative log-likelihood of log-probabilities [N, C] against class indices (PyTorch's <c>nll_loss</c>), with options.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="weight">A weight per class [C], or null.</param>
    /// <param name="ignoreIndex">A target index that is ignored.</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor Nll(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null, int ignoreIndex = -100)
    {
        NotNull(input, target);
        return Tensor.Wrap(F.Loss.nllWith(reduction.ToCore(), Opt.Of(weight), ignoreIndex, input.Value, target.Value));
    }

    /// <summary>The Kullback–Leibler divergence of log-probabilities <paramref name="input"/> from <paramref name="target"/> (PyTorch's <c>kl_div</c>; use <c>reduction: Reduction.BatchMean</c> for the true divergence per sample), the mean.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>A 0-dimensional tensor.</returns>
    public static Tensor KlDiv(Tensor input, Tensor target) => KlDiv(input, target, Reduction.Mean);

    /// <summary>The Kullback–Leibler divergence of log-probabilities <paramref name="input"/> from <paramref name="target"/> (PyTorch's <c>kl_div</c>; use <c>reduction: Reduction.BatchMean</c> for the true divergence per sample), with options.</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="logTarget">Whether the target is given as log-probabilities.</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor KlDiv(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false)
    {
        NotNull(input, target);
        return Tensor.Wrap(F.Loss.klDivWith(reduction.ToCore(), logTarget, input.Value, target.Value));
    }

    /// <summary>The cosine embedding loss: 1 − cos(x1, x2) where target = 1, max(0, cos(x1, x2) − margin) where target = −1 (PyTorch's <c>cosine_embedding_loss</c>).</summary>
    /// <param name="x1">The first input.</param>
    /// <param name="x2">The second input.</param>
    /// <param name="target">1 or −1 per sample.</param>
    /// <param name="margin">The margin.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor CosineEmbedding(Tensor x1, Tensor x2, Tensor target, double margin = 0.0, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(x1);
        NotNull(x2, target);
        return Tensor.Wrap(F.Loss.cosineEmbeddingWith(reduction.ToCore(), margin, x1.Value, x2.Value, target.Value));
    }

    /// <summary>The margin ranking loss max(0, −target·(x1 − x2) + margin) (PyTorch's <c>margin_ranking_loss</c>).</summary>
    /// <param name="x1">The first input.</param>
    /// <param name="x2">The second input.</param>
    /// <param name="target">1 or −1 per sample.</param>
    /// <param name="margin">The margin.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <returns>The loss (0-dimensional unless reduction is None).</returns>
    public static Tensor MarginRanking(Tensor x1, Tensor x2, Tensor target, double margin = 0.0, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(x1);
        NotNull(x2, target);
        return Tensor.Wrap(F.Loss.marginRankingWith(reduction.ToCore(), margin, x1.Value, x2.Value, target.Value));
    }
}

/// <summary>The base of the loss modules of two inputs (PyTorch's criterion):
/// <c>criterion.Forward(output, target)</c>. A loss module has no parameters; class weights are buffers.</summary>
public abstract class LossModule : Module
{
    private readonly F.NN.LossModule loss;

    internal LossModule(F.NN.LossModule loss)
        : base(loss) => this.loss = loss;

    /// <summary>The reduction (Mean by default).</summary>
    public Reduction Reduction => Reductions.FromCore(loss.Reduction);

    /// <summary>Not supported: a loss takes two inputs; call <see cref="Forward(Tensor, Tensor)"/> (the core's NotSupportedException).</summary>
    /// <param name="input">Unused.</param>
    /// <returns>Never returns.</returns>
    public sealed override Tensor Forward(Tensor input) => Tensor.Wrap(loss.Forward(input?.Value!));

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (PyTorch's <c>criterion(input, target)</c>).</summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>The loss.</returns>
    public Tensor Forward(Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return Tensor.Wrap(loss.Forward(input.Value, target.Value));
    }

    /// <summary>The loss as a function of (input, target), e.g. for a trainer's <c>WithLoss</c>.</summary>
    /// <returns>A function calling <see cref="Forward(Tensor, Tensor)"/>.</returns>
    public Func<Tensor, Tensor, Tensor> AsFunc() => Forward;
}

/// <summary>The base of the loss modules of three inputs (x1, x2, target).</summary>
public abstract class RankingLossModule : Module
{
    private readonly F.NN.RankingLossModule loss;

    internal RankingLossModule(F.NN.RankingLossModule loss)
        : base(loss) => this.loss = loss;

    /// <summary>The reduction (Mean by default).</summary>
    public Reduction Reduction => Reductions.FromCore(loss.Reduction);

    /// <summary>The margin.</summary>
    public double Margin => loss.Margin;

    /// <summary>Not supported: this loss takes three inputs (the core's NotSupportedException).</summary>
    /// <param name="input">Unused.</param>
    /// <returns>Never returns.</returns>
    public sealed override Tensor Forward(Tensor input) => Tensor.Wrap(loss.Forward(input?.Value!));

    /// <summary>The loss of x1 and x2 against target.</summary>
    /// <param name="x1">The first input.</param>
    /// <param name="x2">The second input.</param>
    /// <param name="target">1 or −1 per sample.</param>
    /// <returns>The loss.</returns>
    public Tensor Forward(Tensor x1, Tensor x2, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        ArgumentNullException.ThrowIfNull(target);
        return Tensor.Wrap(loss.Forward(x1.Value, x2.Value, target.Value));
    }
}

/// <summary>Mean squared error (PyTorch's <c>nn.MSELoss</c>). <c>criterion.Forward(input, target)</c>.</summary>
public sealed class MSELoss : LossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    public MSELoss(Reduction reduction = Reduction.Mean)
        : base(new F.NN.MSELoss(Reductions.Some(reduction)))
    {
    }
}

/// <summary>Mean absolute error (PyTorch's <c>nn.L1Loss</c>). <c>criterion.Forward(input, target)</c>.</summary>
public sealed class L1Loss : LossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    public L1Loss(Reduction reduction = Reduction.Mean)
        : base(new F.NN.L1Loss(Reductions.Some(reduction)))
    {
    }
}

/// <summary>Smooth L1 loss (PyTorch's <c>nn.SmoothL1Loss</c>). <c>criterion.Forward(input, target)</c>.</summary>
public sealed class SmoothL1Loss : LossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="beta">The threshold between the quadratic and linear parts.</param>
    public SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0)
        : base(new F.NN.SmoothL1Loss(Reductions.Some(reduction), FSharpOption<double>.Some(beta)))
    {
    }
}

/// <summary>Huber loss (PyTorch's <c>nn.HuberLoss</c>). <c>criterion.Forward(input, target)</c>.</summary>
public sealed class HuberLoss : LossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="delta">The threshold between the quadratic and linear parts.</param>
    public HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0)
        : base(new F.NN.HuberLoss(Reductions.Some(reduction), FSharpOption<double>.Some(delta)))
    {
    }
}

/// <summary>Binary cross-entropy of probabilities (PyTorch's <c>nn.BCELoss</c>). <c>criterion.Forward(input, target)</c>.</summary>
public sealed class BCELoss : LossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="weight">A weight broadcasting to the input's shape (a buffer), or null.</param>
    public BCELoss(Reduction reduction = Reduction.Mean, Tensor? weight = null)
        : base(new F.NN.BCELoss(Opt.Of(weight), Reductions.Some(reduction)))
    {
    }
}

/// <summary>Binary cross-entropy of logits (PyTorch's <c>nn.BCEWithLogitsLoss</c>). <c>criterion.Forward(input, target)</c>.</summary>
public sealed class BCEWithLogitsLoss : LossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="weight">A weight broadcasting to the input's shape, or null.</param>
    /// <param name="posWeight">A weight of the positives of each class, or null.</param>
    public BCEWithLogitsLoss(Reduction reduction = Reduction.Mean, Tensor? weight = null, Tensor? posWeight = null)
        : base(new F.NN.BCEWithLogitsLoss(Opt.Of(weight), Reductions.Some(reduction), Opt.Of(posWeight)))
    {
    }
}

/// <summary>Cross-entropy of logits against class indices or probabilities (PyTorch's <c>nn.CrossEntropyLoss</c>). <c>criterion.Forward(input, target)</c>.</summary>
public sealed class CrossEntropyLoss : LossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="weight">A weight per class [C] (a buffer), or null.</param>
    /// <param name="ignoreIndex">A target index that is ignored.</param>
    /// <param name="labelSmoothing">The amount of smoothing, in [0, 1].</param>
    public CrossEntropyLoss(Reduction reduction = Reduction.Mean, Tensor? weight = null, int ignoreIndex = -100, double labelSmoothing = 0.0)
        : base(new F.NN.CrossEntropyLoss(Opt.Of(weight), FSharpOption<int>.Some(ignoreIndex), Reductions.Some(reduction), FSharpOption<double>.Some(labelSmoothing)))
    {
    }
}

/// <summary>Negative log-likelihood of log-probabilities (PyTorch's <c>nn.NLLLoss</c>). <c>criterion.Forward(input, target)</c>.</summary>
public sealed class NLLLoss : LossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="weight">A weight per class [C] (a buffer), or null.</param>
    /// <param name="ignoreIndex">A target index that is ignored.</param>
    public NLLLoss(Reduction reduction = Reduction.Mean, Tensor? weight = null, int ignoreIndex = -100)
        : base(new F.NN.NLLLoss(Opt.Of(weight), FSharpOption<int>.Some(ignoreIndex), Reductions.Some(reduction)))
    {
    }
}

/// <summary>Kullback–Leibler divergence (PyTorch's <c>nn.KLDivLoss</c>). <c>criterion.Forward(input, target)</c>.</summary>
public sealed class KLDivLoss : LossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    /// <param name="logTarget">Whether the target is given as log-probabilities.</param>
    public KLDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false)
        : base(new F.NN.KLDivLoss(Reductions.Some(reduction), FSharpOption<bool>.Some(logTarget)))
    {
    }
}

/// <summary>Cosine embedding loss (PyTorch's <c>nn.CosineEmbeddingLoss</c>). <c>criterion.Forward(x1, x2, target)</c>.</summary>
public sealed class CosineEmbeddingLoss : RankingLossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="margin">The margin.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    public CosineEmbeddingLoss(double margin = 0.0, Reduction reduction = Reduction.Mean)
        : base(new F.NN.CosineEmbeddingLoss(FSharpOption<double>.Some(margin), Reductions.Some(reduction)))
    {
    }
}

/// <summary>Margin ranking loss (PyTorch's <c>nn.MarginRankingLoss</c>). <c>criterion.Forward(x1, x2, target)</c>.</summary>
public sealed class MarginRankingLoss : RankingLossModule
{
    /// <summary>The loss module.</summary>
    /// <param name="margin">The margin.</param>
    /// <param name="reduction">Mean (the default), Sum or None.</param>
    public MarginRankingLoss(double margin = 0.0, Reduction reduction = Reduction.Mean)
        : base(new F.NN.MarginRankingLoss(FSharpOption<double>.Some(margin), Reductions.Some(reduction)))
    {
    }
}
