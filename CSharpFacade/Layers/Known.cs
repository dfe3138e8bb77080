using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>The facade class of a layer the F# core built itself (an activation from its name,
/// MultiheadAttention's out_proj), so that C# sees a <see cref="Linear"/> as a Linear.</summary>
internal static class KnownLayers
{
    internal static Module? Wrap(F.NN.Module m) => m switch
    {
        F.NN.Linear l => new Linear(l),
        F.NN.ReLU r => new ReLU(r),
        F.NN.LeakyReLU r => new LeakyReLU(r),
        F.NN.Sigmoid s => new Sigmoid(s),
        F.NN.Tanh t => new Tanh(t),
        F.NN.GELU g => new GELU(g),
        F.NN.ELU e => new ELU(e),
        F.NN.SiLU s => new SiLU(s),
        F.NN.Softplus s => new Softplus(s),
        F.NN.Softmax s => new Softmax(s),
        F.NN.LogSoftmax s => new LogSoftmax(s),
        F.NN.Identity i => new Identity(i),
        F.NN.Dropout d => new Dropout(d),
        F.NN.Flatten f => new Flatten(f),
        _ => null,
    };
}
