using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.FSharp.Core;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>The result of a recurrent layer (RNN, GRU): the output at every step and the final hidden state.</summary>
/// <param name="Output">[seq, batch, D·hiddenSize] ([batch, seq, ...] with batchFirst).</param>
/// <param name="Hidden">The final hidden state [D·numLayers, batch, hiddenSize].</param>
public sealed record RnnResult(Tensor Output, Tensor Hidden);

/// <summary>The result of an LSTM: the output at every step and the final hidden and cell states.</summary>
/// <param name="Output">[seq, batch, D·hiddenSize] ([batch, seq, ...] with batchFirst).</param>
/// <param name="Hidden">The final hidden state h_n [D·numLayers, batch, hiddenSize].</param>
/// <param name="Cell">The final cell state c_n [D·numLayers, batch, hiddenSize].</param>
public sealed record LstmResult(Tensor Output, Tensor Hidden, Tensor Cell);

/// <summary>An LSTM cell's state: the hidden state h and the cell state c.</summary>
/// <param name="Hidden">h [batch, hiddenSize] (or [hiddenSize]).</param>
/// <param name="Cell">c [batch, hiddenSize] (or [hiddenSize]).</param>
public sealed record LstmState(Tensor Hidden, Tensor Cell);

/// <summary>An Elman RNN cell (PyTorch's <c>nn.RNNCell</c>): h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or relu).</summary>
public sealed class RNNCell : Module
{
    private readonly F.NN.RNNCell layer;

    /// <summary>An RNN cell.</summary>
    /// <param name="inputSize">The number of input features.</param>
    /// <param name="hiddenSize">The number of hidden features.</param>
    /// <param name="bias">Whether the cell has biases.</param>
    /// <param name="nonlinearity">"tanh" or "relu".</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public RNNCell(int inputSize, int hiddenSize, bool bias = true, string nonlinearity = "tanh", DType? dtype = null, Device? device = null)
        : base(new F.NN.RNNCell(inputSize, hiddenSize, FSharpOption<bool>.Some(bias), Opt.Of(nonlinearity), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.RNNCell)Core;

    /// <summary>The input-to-hidden weight [gates·hiddenSize, inputSize] (PyTorch's weight_ih).</summary>
    public Parameter WeightIh => Parameter.Wrap(layer.WeightIh);

    /// <summary>The hidden-to-hidden weight [gates·hiddenSize, hiddenSize] (PyTorch's weight_hh).</summary>
    public Parameter WeightHh => Parameter.Wrap(layer.WeightHh);

    /// <summary>The input-to-hidden bias, or null.</summary>
    public Parameter? BiasIh => Parameter.Wrap(layer.BiasIh);

    /// <summary>The hidden-to-hidden bias, or null.</summary>
    public Parameter? BiasHh => Parameter.Wrap(layer.BiasHh);

    /// <summary>The number of input features.</summary>
    public int InputSize => layer.InputSize;

    /// <summary>The number of hidden features.</summary>
    public int HiddenSize => layer.HiddenSize;

    /// <summary>The next hidden state from a zero state.</summary>
    /// <param name="input">[batch, inputSize] or [inputSize].</param>
    /// <returns>h' [batch, hiddenSize] (or [hiddenSize]).</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }

    /// <summary>The next hidden state from <paramref name="hidden"/>.</summary>
    /// <param name="input">[batch, inputSize] or [inputSize].</param>
    /// <param name="hidden">h [batch, hiddenSize] (or [hiddenSize]); null: zeros.</param>
    /// <returns>h'.</returns>
    public Tensor Forward(Tensor input, Tensor? hidden)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value, hidden?.Value!));
    }
}

/// <summary>A gated recurrent unit cell (PyTorch's <c>nn.GRUCell</c>), gates r, z, n.</summary>
public sealed class GRUCell : Module
{
    private readonly F.NN.GRUCell layer;

    /// <summary>A GRU cell.</summary>
    /// <param name="inputSize">The number of input features.</param>
    /// <param name="hiddenSize">The number of hidden features.</param>
    /// <param name="bias">Whether the cell has biases.</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public GRUCell(int inputSize, int hiddenSize, bool bias = true, DType? dtype = null, Device? device = null)
        : base(new F.NN.GRUCell(inputSize, hiddenSize, FSharpOption<bool>.Some(bias), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.GRUCell)Core;

    /// <summary>The input-to-hidden weight [gates·hiddenSize, inputSize] (PyTorch's weight_ih).</summary>
    public Parameter WeightIh => Parameter.Wrap(layer.WeightIh);

    /// <summary>The hidden-to-hidden weight [gates·hiddenSize, hiddenSize] (PyTorch's weight_hh).</summary>
    public Parameter WeightHh => Parameter.Wrap(layer.WeightHh);

    /// <summary>The input-to-hidden bias, or null.</summary>
    public Parameter? BiasIh => Parameter.Wrap(layer.BiasIh);

    /// <summary>The hidden-to-hidden bias, or null.</summary>
    public Parameter? BiasHh => Parameter.Wrap(layer.BiasHh);

    /// <summary>The number of input features.</summary>
    public int InputSize => layer.InputSize;

    /// <summary>The number of hidden features.</summary>
    public int HiddenSize => layer.HiddenSize;

    /// <summary>The next hidden state from a zero state.</summary>
    /// <param name="input">[batch, inputSize] or [inputSize].</param>
    /// <returns>h' [batch, hiddenSize] (or [hiddenSize]).</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }

    /// <summary>The next hidden state from <paramref name="hidden"/>.</summary>
    /// <param name="input">[batch, inputSize] or [inputSize].</param>
    /// <param name="hidden">h [batch, hiddenSize] (or [hiddenSize]); null: zeros.</param>
    /// <returns>h'.</returns>
    public Tensor Forward(Tensor input, Tensor? hidden)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value, hidden?.Value!));
    }
}

/// <summary>A long short-term memory cell (PyTorch's <c>nn.LSTMCell</c>), gates i, f, g, o; its
/// state is (h, c).</summary>
public sealed class LSTMCell : Module
{
    private readonly F.NN.LSTMCell layer;

    /// <summary>An LSTM cell.</summary>
    /// <param name="inputSize">The number of input features.</param>
    /// <param name="hiddenSize">The number of hidden features.</param>
    /// <param name="bias">Whether the cell has biases.</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public LSTMCell(int inputSize, int hiddenSize, bool bias = true, DType? dtype = null, Device? device = null)
        : base(new F.NN.LSTMCell(inputSize, hiddenSize, FSharpOption<bool>.Some(bias), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.LSTMCell)Core;

    /// <summary>The input-to-hidden weight [gates·hiddenSize, inputSize] (PyTorch's weight_ih).</summary>
    public Parameter WeightIh => Parameter.Wrap(layer.WeightIh);

    /// <summary>The hidden-to-hidden weight [gates·hiddenSize, hiddenSize] (PyTorch's weight_hh).</summary>
    public Parameter WeightHh => Parameter.Wrap(layer.WeightHh);

    /// <summary>The input-to-hidden bias, or null.</summary>
    public Parameter? BiasIh => Parameter.Wrap(layer.BiasIh);

    /// <summary>The hidden-to-hidden bias, or null.</summary>
    public Parameter? BiasHh => Parameter.Wrap(layer.BiasHh);

    /// <summary>The number of input features.</summary>
    public int InputSize => layer.InputSize;

    /// <summary>The number of hidden features.</summary>
    public int HiddenSize => layer.HiddenSize;

    /// <summary>The next hidden state h' from a zero state (the cell state is dropped; see <see cref="ForwardWithState"/>).</summary>
    /// <param name="input">[batch, inputSize] or [inputSize].</param>
    /// <returns>h'.</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }

    /// <summary>The next state (h', c') from (h, c) (both null: zeros).</summary>
    /// <param name="input">[batch, inputSize] or [inputSize].</param>
    /// <param name="hidden">h, or null.</param>
    /// <param name="cell">c, or null.</param>
    /// <returns>(h', c').</returns>
    public LstmState Forward(Tensor input, Tensor? hidden, Tensor? cell)
    {
        ArgumentNullException.ThrowIfNull(input);
        var r = layer.Forward(input.Value, hidden?.Value!, cell?.Value!);
        return new LstmState(Tensor.Wrap(r.Item1), Tensor.Wrap(r.Item2));
    }

    /// <summary>The next state (h', c') from <paramref name="state"/> (null: zeros).</summary>
    /// <param name="input">[batch, inputSize] or [inputSize].</param>
    /// <param name="state">(h, c), or null.</param>
    /// <returns>(h', c').</returns>
    public LstmState Forward(Tensor input, LstmState? state) => Forward(input, state?.Hidden, state?.Cell);

    /// <summary>The next state (h', c') from a zero state.</summary>
    /// <param name="input">[batch, inputSize] or [inputSize].</param>
    /// <returns>(h', c').</returns>
    public LstmState ForwardWithState(Tensor input) => Forward(input, null, null);
}

/// <summary>A multi-layer Elman RNN (PyTorch's <c>nn.RNN</c>). Input [seq, batch, inputSize] ([batch, seq, inputSize] with batchFirst,
/// [seq, inputSize] unbatched).</summary>
public sealed class RNN : Module
{
    private readonly F.NN.RNN layer;

    /// <summary>A recurrent layer.</summary>
    /// <param name="inputSize">The number of input features.</param>
    /// <param name="hiddenSize">The number of hidden features.</param>
    /// <param name="numLayers">The number of stacked layers.</param>
    /// <param name="nonlinearity">"tanh" or "relu".</param>
    /// <param name="bias">Whether the layers have biases.</param>
    /// <param name="batchFirst">Whether the input and output are [batch, seq, features].</param>
    /// <param name="dropout">Dropout on the outputs of every layer but the last (training mode).</param>
    /// <param name="bidirectional">Whether each layer also runs backward in time.</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public RNN(int inputSize, int hiddenSize, int numLayers = 1, string nonlinearity = "tanh", bool bias = true, bool batchFirst = false, double dropout = 0.0,
        bool bidirectional = false, DType? dtype = null, Device? device = null)
        : base(new F.NN.RNN(inputSize, hiddenSize, FSharpOption<int>.Some(numLayers), Opt.Of(nonlinearity), FSharpOption<bool>.Some(bias),
            FSharpOption<bool>.Some(batchFirst), FSharpOption<double>.Some(dropout), FSharpOption<bool>.Some(bidirectional), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.RNN)Core;

    /// <summary>The number of input features.</summary>
    public int InputSize => layer.InputSize;

    /// <summary>The number of hidden features.</summary>
    public int HiddenSize => layer.HiddenSize;

    /// <summary>The number of stacked layers.</summary>
    public int NumLayers => layer.NumLayers;

    /// <summary>Whether the input and output are [batch, seq, features].</summary>
    public bool BatchFirst => layer.BatchFirst;

    /// <summary>Whether each layer also runs backward in time.</summary>
    public bool Bidirectional => layer.Bidirectional;

    /// <summary>The parameters of each layer and direction (weight_ih, weight_hh, bias_ih, bias_hh), PyTorch's <c>all_weights</c>.</summary>
    public IReadOnlyList<IReadOnlyList<Parameter>> AllWeights => RecurrentWeights.Wrap(layer.AllWeights);

    /// <summary>The output at every step, from a zero initial state (what Sequential calls).</summary>
    /// <param name="input">The input sequence.</param>
    /// <returns>The output [seq, batch, D·hiddenSize].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }

    /// <summary>The output and the final hidden state from the initial state <paramref name="h0"/>
    /// (PyTorch's <c>output, h_n = rnn(input, h0)</c>).</summary>
    /// <param name="input">The input sequence.</param>
    /// <param name="h0">The initial hidden state [D·numLayers, batch, hiddenSize]; null: zeros.</param>
    /// <returns>(Output, Hidden).</returns>
    public RnnResult Forward(Tensor input, Tensor? h0)
    {
        ArgumentNullException.ThrowIfNull(input);
        var r = layer.Forward(input.Value, h0?.Value!);
        return new RnnResult(Tensor.Wrap(r.Item1), Tensor.Wrap(r.Item2));
    }

    /// <summary>The output and the final hidden state from a zero initial state.</summary>
    /// <param name="input">The input sequence.</param>
    /// <returns>(Output, Hidden).</returns>
    public RnnResult ForwardWithState(Tensor input) => Forward(input, null);
}

/// <summary>A multi-layer gated recurrent unit (PyTorch's <c>nn.GRU</c>). Input [seq, batch, inputSize] ([batch, seq, inputSize] with batchFirst,
/// [seq, inputSize] unbatched).</summary>
public sealed class GRU : Module
{
    private readonly F.NN.GRU layer;

    /// <summary>A recurrent layer.</summary>
    /// <param name="inputSize">The number of input features.</param>
    /// <param name="hiddenSize">The number of hidden features.</param>
    /// <param name="numLayers">The number of stacked layers.</param>
    /// <param name="bias">Whether the layers have biases.</param>
    /// <param name="batchFirst">Whether the input and output are [batch, seq, features].</param>
    /// <param name="dropout">Dropout on the outputs of every layer but the last (training mode).</param>
    /// <param name="bidirectional">Whether each layer also runs backward in time.</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0.0,
        bool bidirectional = false, DType? dtype = null, Device? device = null)
        : base(new F.NN.GRU(inputSize, hiddenSize, FSharpOption<int>.Some(numLayers), FSharpOption<bool>.Some(bias),
            FSharpOption<bool>.Some(batchFirst), FSharpOption<double>.Some(dropout), FSharpOption<bool>.Some(bidirectional), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.GRU)Core;

    /// <summary>The number of input features.</summary>
    public int InputSize => layer.InputSize;

    /// <summary>The number of hidden features.</summary>
    public int HiddenSize => layer.HiddenSize;

    /// <summary>The number of stacked layers.</summary>
    public int NumLayers => layer.NumLayers;

    /// <summary>Whether the input and output are [batch, seq, features].</summary>
    public bool BatchFirst => layer.BatchFirst;

    /// <summary>Whether each layer also runs backward in time.</summary>
    public bool Bidirectional => layer.Bidirectional;

    /// <summary>The parameters of each layer and direction (weight_ih, weight_hh, bias_ih, bias_hh), PyTorch's <c>all_weights</c>.</summary>
    public IReadOnlyList<IReadOnlyList<Parameter>> AllWeights => RecurrentWeights.Wrap(layer.AllWeights);

    /// <summary>The output at every step, from a zero initial state (what Sequential calls).</summary>
    /// <param name="input">The input sequence.</param>
    /// <returns>The output [seq, batch, D·hiddenSize].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }

    /// <summary>The output and the final hidden state from the initial state <paramref name="h0"/>
    /// (PyTorch's <c>output, h_n = rnn(input, h0)</c>).</summary>
    /// <param name="input">The input sequence.</param>
    /// <param name="h0">The initial hidden state [D·numLayers, batch, hiddenSize]; null: zeros.</param>
    /// <returns>(Output, Hidden).</returns>
    public RnnResult Forward(Tensor input, Tensor? h0)
    {
        ArgumentNullException.ThrowIfNull(input);
        var r = layer.Forward(input.Value, h0?.Value!);
        return new RnnResult(Tensor.Wrap(r.Item1), Tensor.Wrap(r.Item2));
    }

    /// <summary>The output and the final hidden state from a zero initial state.</summary>
    /// <param name="input">The input sequence.</param>
    /// <returns>(Output, Hidden).</returns>
    public RnnResult ForwardWithState(Tensor input) => Forward(input, null);
}

/// <summary>A multi-layer long short-term memory (PyTorch's <c>nn.LSTM</c>). Input [seq, batch,
/// inputSize] ([batch, seq, inputSize] with batchFirst, [seq, inputSize] unbatched).</summary>
public sealed class LSTM : Module
{
    private readonly F.NN.LSTM layer;

    /// <summary>An LSTM layer.</summary>
    /// <param name="inputSize">The number of input features.</param>
    /// <param name="hiddenSize">The number of hidden features.</param>
    /// <param name="numLayers">The number of stacked layers.</param>
    /// <param name="bias">Whether the layers have biases.</param>
    /// <param name="batchFirst">Whether the input and output are [batch, seq, features].</param>
    /// <param name="dropout">Dropout on the outputs of every layer but the last (training mode).</param>
    /// <param name="bidirectional">Whether each layer also runs backward in time.</param>
    /// <param name="dtype">The parameters' dtype (float32 when null).</param>
    /// <param name="device">The parameters' device (the CPU when null).</param>
    public LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0.0,
        bool bidirectional = false, DType? dtype = null, Device? device = null)
        : base(new F.NN.LSTM(inputSize, hiddenSize, FSharpOption<int>.Some(numLayers), FSharpOption<bool>.Some(bias),
            FSharpOption<bool>.Some(batchFirst), FSharpOption<double>.Some(dropout), FSharpOption<bool>.Some(bidirectional), Opt.Of(dtype), Opt.Of(device))) =>
        layer = (F.NN.LSTM)Core;

    /// <summary>The number of input features.</summary>
    public int InputSize => layer.InputSize;

    /// <summary>The number of hidden features.</summary>
    public int HiddenSize => layer.HiddenSize;

    /// <summary>The number of stacked layers.</summary>
    public int NumLayers => layer.NumLayers;

    /// <summary>Whether the input and output are [batch, seq, features].</summary>
    public bool BatchFirst => layer.BatchFirst;

    /// <summary>Whether each layer also runs backward in time.</summary>
    public bool Bidirectional => layer.Bidirectional;

    /// <summary>The parameters of each layer and direction (weight_ih, weight_hh, bias_ih, bias_hh), PyTorch's <c>all_weights</c>.</summary>
    public IReadOnlyList<IReadOnlyList<Parameter>> AllWeights => RecurrentWeights.Wrap(layer.AllWeights);

    /// <summary>The output at every step, from a zero initial state (what Sequential calls).</summary>
    /// <param name="input">The input sequence.</param>
    /// <returns>The output [seq, batch, D·hiddenSize].</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }

    /// <summary>The output and the final states from the initial states (PyTorch's
    /// <c>output, (h_n, c_n) = lstm(input, (h0, c0))</c>).</summary>
    /// <param name="input">The input sequence.</param>
    /// <param name="h0">The initial hidden state [D·numLayers, batch, hiddenSize]; null: zeros.</param>
    /// <param name="c0">The initial cell state; null: zeros.</param>
    /// <returns>(Output, Hidden, Cell).</returns>
    public LstmResult Forward(Tensor input, Tensor? h0, Tensor? c0)
    {
        ArgumentNullException.ThrowIfNull(input);
        var r = layer.Forward(input.Value, h0?.Value!, c0?.Value!);
        return new LstmResult(Tensor.Wrap(r.Item1), Tensor.Wrap(r.Item2.Item1), Tensor.Wrap(r.Item2.Item2));
    }

    /// <summary>The output and the final states from <paramref name="state"/> (null: zeros).</summary>
    /// <param name="input">The input sequence.</param>
    /// <param name="state">(h0, c0), or null.</param>
    /// <returns>(Output, Hidden, Cell).</returns>
    public LstmResult Forward(Tensor input, LstmState? state) => Forward(input, state?.Hidden, state?.Cell);

    /// <summary>The output and the final states from a zero initial state.</summary>
    /// <param name="input">The input sequence.</param>
    /// <returns>(Output, Hidden, Cell).</returns>
    public LstmResult ForwardWithState(Tensor input) => Forward(input, null, null);
}

/// <summary>The per-layer, per-direction parameter groups of the recurrent layers, as facade parameters.</summary>
internal static class RecurrentWeights
{
    internal static IReadOnlyList<IReadOnlyList<Parameter>> Wrap(IEnumerable<IEnumerable<F.Tensor>> groups) =>
        groups.Select(g => (IReadOnlyList<Parameter>)g.Select(Parameter.Wrap).ToList()).ToList();
}
