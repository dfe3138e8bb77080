using System;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>The result of <see cref="MultiheadAttention"/>: the attention output and, when asked
/// for, the attention weights.</summary>
/// <param name="Output">The output, shaped as the query.</param>
/// <param name="Weights">The attention weights ([batch, L, S] averaged over heads, or per head), or null.</param>
public sealed record AttentionResult(Tensor Output, Tensor? Weights);

/// <summary>Multi-head attention (PyTorch's <c>nn.MultiheadAttention</c>): query [L, batch, E]
/// ([batch, L, E] with batchFirst, [L, E] unbatched), key and value [S, batch, kdim/vdim].</summary>
public sealed class MultiheadAttention : Module
{
    private readonly F.NN.MultiheadAttention layer;

    /// <summary>A multi-head attention layer.</summary>
    /// <param name="embedDim">The model's dimension E (divisible by numHeads).</param>
    /// <param name="numHeads">The number of heads.</param>
    /// <param name="dropout">Dropout on the attention weights (training mode).</param>
    /// <param name="bias">Whether the projections have biases.</param>
    /// <param name="addBiasKv">Not supported (must be false).</param>
    /// <param name="kdim">The keys' features (embedDim when null).</param>
    /// <param name="vdim">The values' features (embedDim when null).</param>
    /// <param name="batchFirst">Whether inputs are [batch, seq, features].</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public MultiheadAttention(int embedDim, int numHeads, double dropout = 0.0, bool bias = true, bool addBiasKv = false, int? kdim = null,
        int? vdim = null, bool batchFirst = false, DType? dtype = null, Device? device = null)
        : base(new F.NN.MultiheadAttention(embedDim, numHeads, FSharpOption<double>.Some(dropout), FSharpOption<bool>.Some(bias),
            FSharpOption<bool>.Some(addBiasKv), Opt.Of(kdim), Opt.Of(vdim), FSharpOption<bool>.Some(batchFirst), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.MultiheadAttention)Core;

    /// <summary>The model's dimension E.</summary>
    public int EmbedDim => layer.EmbedDim;

    /// <summary>The number of heads.</summary>
    public int NumHeads => layer.NumHeads;

    /// <summary>The features per head (embedDim / numHeads).</summary>
    public int HeadDim => layer.HeadDim;

    /// <summary>Whether inputs are [batch, seq, features].</summary>
    public bool BatchFirst => layer.BatchFirst;

    /// <summary>The packed query/key/value projection [3·E, E] (when kdim = vdim = E), or null.</summary>
    public Parameter? InProjWeight => Parameter.Wrap(layer.InProjWeight);

    /// <summary>The packed projection bias [3·E], or null.</summary>
    public Parameter? InProjBias => Parameter.Wrap(layer.InProjBias);

    /// <summary>The output projection (PyTorch's <c>out_proj</c>).</summary>
    public Linear OutProj => (Linear)Of(layer.OutProj);

    /// <summary>Self-attention without masks: the output of Forward(x, x, x).</summary>
    /// <param name="input">The sequence.</param>
    /// <returns>The output.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }

    /// <summary>Attention of <paramref name="query"/> over <paramref name="key"/> and
    /// <paramref name="value"/>, as PyTorch's forward.</summary>
    /// <param name="query">[L, batch, E] ([batch, L, E] with batchFirst, [L, E] unbatched).</param>
    /// <param name="key">[S, batch, kdim].</param>
    /// <param name="value">[S, batch, vdim].</param>
    /// <param name="keyPaddingMask">[batch, S]: bool (true = ignored) or float (added), or null.</param>
    /// <param name="needWeights">Whether to return the attention weights.</param>
    /// <param name="attnMask">[L, S] or [batch·numHeads, L, S]: bool (true = not allowed) or float (added), or null.</param>
    /// <param name="averageAttnWeights">Whether the weights are averaged over the heads.</param>
    /// <param name="isCausal">With no attnMask: each position attends only to itself and earlier ones.</param>
    /// <returns>(Output, Weights).</returns>
    public AttentionResult Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null, bool needWeights = true,
        Tensor? attnMask = null, bool averageAttnWeights = true, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var r = layer.Forward(query.Value, key.Value, value.Value, keyPaddingMask?.Value!, needWeights, attnMask?.Value!, averageAttnWeights, isCausal);
        return new AttentionResult(Tensor.Wrap(r.Item1), Opt.Wrap(r.Item2));
    }
}
