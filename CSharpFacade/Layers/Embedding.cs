using System;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>A lookup table of embeddings (PyTorch's <c>nn.Embedding</c>): integer indices of any
/// shape give their rows of the weight [numEmbeddings, embeddingDim], initialised N(0, 1).</summary>
public sealed class Embedding : Module
{
    private readonly F.NN.Embedding layer;

    /// <summary>An embedding table.</summary>
    /// <param name="numEmbeddings">The number of rows (the vocabulary size).</param>
    /// <param name="embeddingDim">The size of each embedding.</param>
    /// <param name="paddingIdx">A row that stays zero and gets no gradient (negative counts from the end), or null.</param>
    /// <param name="maxNorm">When given, rows looked up are renormalised to at most this norm (in place).</param>
    /// <param name="normType">The p of the p-norm for maxNorm.</param>
    /// <param name="scaleGradByFreq">Whether gradients are divided by the rows' frequencies in the batch.</param>
    /// <param name="dtype">The weight's dtype (float32 when null).</param>
    /// <param name="device">The weight's device (the CPU when null).</param>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, double? maxNorm = null, double normType = 2.0,
        bool scaleGradByFreq = false, DType? dtype = null, Device? device = null)
        : this(new F.NN.Embedding(numEmbeddings, embeddingDim, Opt.Of(paddingIdx), Opt.Of(maxNorm), FSharpOption<double>.Some(normType),
            FSharpOption<bool>.Some(scaleGradByFreq), Opt.Of(dtype), Opt.Of(device)))
    {
    }

    private Embedding(F.NN.Embedding layer)
        : base(layer) => this.layer = layer;

    /// <summary>A table holding <paramref name="embeddings"/> (copied; PyTorch's
    /// <c>Embedding.from_pretrained</c>).</summary>
    /// <param name="embeddings">[numEmbeddings, embeddingDim], floating-point.</param>
    /// <param name="freeze">Whether the weight gets no gradient.</param>
    /// <param name="paddingIdx">A row that gets no gradient, or null.</param>
    /// <param name="maxNorm">When given, rows looked up are renormalised to at most this norm.</param>
    /// <param name="normType">The p of the p-norm for maxNorm.</param>
    /// <param name="scaleGradByFreq">Whether gradients are divided by the rows' frequencies in the batch.</param>
    /// <returns>The layer.</returns>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, int? paddingIdx = null, double? maxNorm = null,
        double normType = 2.0, bool scaleGradByFreq = false)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        return new Embedding(F.NN.Embedding.FromPretrained(embeddings.Value, FSharpOption<bool>.Some(freeze), Opt.Of(paddingIdx), Opt.Of(maxNorm),
            FSharpOption<double>.Some(normType), FSharpOption<bool>.Some(scaleGradByFreq)));
    }

    /// <summary>The number of rows.</summary>
    public int NumEmbeddings => layer.NumEmbeddings;

    /// <summary>The size of each embedding.</summary>
    public int EmbeddingDim => layer.EmbeddingDim;

    /// <summary>The padding row (non-negative), or null.</summary>
    public int? PaddingIdx => layer.PaddingIdx is { } p ? p.Value : null;

    /// <summary>The table [numEmbeddings, embeddingDim].</summary>
    public Parameter Weight => Parameter.Wrap(layer.Weight);

    /// <summary>When true the weight gets no gradient (PyTorch's <c>weight.requires_grad = False</c>); it stays a parameter.</summary>
    public bool Frozen
    {
        get => layer.Frozen;
        set => layer.Frozen = value;
    }

    /// <summary>The rows at <paramref name="input"/>.</summary>
    /// <param name="input">Indices (int64 or int32), any shape.</param>
    /// <returns>[input.Shape..., embeddingDim].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }
}
