namespace Nabla.NN

open System
open System.Runtime.InteropServices
open Nabla
open Nabla.Raw

/// The step functions shared by the cells and the sequence layers, with PyTorch's gate order and
/// formulas. `xw` is x·W_ihᵀ + b_ih and `hw` is h·W_hhᵀ + b_hh (both [batch, gates·hidden]);
/// the sequence layers compute xw for every step at once, before the loop.
module internal RecurrentMath =

    /// x·Wᵀ + b, or x·Wᵀ for a layer without bias (one fused LibTorch call).
    let affine (weight: Tensor) (bias: Tensor option) (x: Tensor) =
        match bias with
        | Some b -> Tensor.linear weight b x
        | None -> Tensor.linearNoBias weight x

    /// Elman: h' = tanh(xw + hw) or relu(xw + hw).
    let rnnStep (relu: bool) (xw: Tensor) (hw: Tensor) =
        if relu then
            Tensor.relu (xw + hw)
        else
            Tensor.tanh (xw + hw)

    /// GRU, gates r, z, n: r = σ(xw_r + hw_r), z = σ(xw_z + hw_z), n = tanh(xw_n + r·hw_n) (the
    /// reset gate multiplies h·W_hnᵀ + b_hn, as in PyTorch and cuDNN), h' = (1 − z)·n + z·h.
    let gruStep (hidden: int) (xw: Tensor) (hw: Tensor) (h: Tensor) =
        let rz =
            Tensor.sigmoid (Tensor.narrow -1 0 (2 * hidden) xw + Tensor.narrow -1 0 (2 * hidden) hw)

        let r = Tensor.narrow -1 0 hidden rz
        let z = Tensor.narrow -1 hidden hidden rz

        let n =
            Tensor.tanh (
                Tensor.narrow -1 (2 * hidden) hidden xw
                + r * Tensor.narrow -1 (2 * hidden) hidden hw
            )

        n + z * (h - n)

    /// LSTM, gates i, f, g, o: c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). Returns (h', c').
    let lstmStep (hidden: int) (xw: Tensor) (hw: Tensor) (c: Tensor) =
        let gates = xw + hw

        let gate k =
            Tensor.narrow -1 (k * hidden) hidden gates

        let i = Tensor.sigmoid (gate 0)
        let f = Tensor.sigmoid (gate 1)
        let g = Tensor.tanh (gate 2)
        let o = Tensor.sigmoid (gate 3)
        let c' = f * c + i * g
        o * Tensor.tanh c', c'

    /// The initial states given, or None when they are all null (PyTorch's hx=None: zeros).
    let given (states: Tensor[]) =
        if states |> Array.forall (fun t -> isNull (box t)) then
            None
        else
            Some states

    /// "1.0" for 1, "0.5" for 0.5: floats as Python prints them.
    let pyFloat (v: float) =
        if Double.IsFinite v && v = Math.Round v && abs v < 1e16 then
            v.ToString("F1", Globalization.CultureInfo.InvariantCulture)
        else
            v.ToString("R", Globalization.CultureInfo.InvariantCulture)

    /// "tanh" or "relu", or an error naming the layer.
    let checkNonlinearity (layer: string) (nonlinearity: string) =
        if nonlinearity <> "tanh" && nonlinearity <> "relu" then
            invalidArg "nonlinearity" $"{layer}: unknown nonlinearity '{nonlinearity}'; use \"tanh\" or \"relu\"."

    /// The step of an Elman RNN layer over sequences (the state is [| h |]), nonlinearity checked.
    let elmanSequenceStep (layer: string) (nonlinearity: string) =
        checkNonlinearity layer nonlinearity
        let relu = nonlinearity = "relu"
        fun (xw: Tensor) (hw: Tensor) (_: Tensor[]) -> [| rnnStep relu xw hw |]

    /// A floating-point input, or an error naming the layer.
    let requireFloating (layer: string) (what: string) (t: Tensor) =
        if isNull (box t) then
            nullArg what

        if not t.Dtype.IsFloatingPoint then
            invalidArg
                what
                $"{layer}: the {what} must be floating-point; got {t.Dtype} {shapeText t.Shape}. Convert it with Tensor.toDtype."

/// What the cells share (PyTorch's RNNCellBase): weight_ih [gates·hiddenSize, inputSize],
/// weight_hh [gates·hiddenSize, hiddenSize], bias_ih and bias_hh [gates·hiddenSize], all
/// initialised uniformly in ±1/√hiddenSize; input and state checks.
[<AbstractClass>]
type RNNCellBase internal (layer: string, inputSize: int, hiddenSize: int, bias: bool, gates: int, dtype: Dtype, device: Device) as this =
    inherit Module()

    do
        Layer.positive layer "inputSize" inputSize
        Layer.positive layer "hiddenSize" hiddenSize

    let bound = 1.0 / sqrt (float hiddenSize)

    let make (name: string) (shape: int[]) =
        let t = Tensor.Zeros(shape, dtype, device)
        Init.Uniform(t, -bound, bound)
        this.RegisterParameter(name, t)

    let weightIh = make "weight_ih" [| gates * hiddenSize; inputSize |]
    let weightHh = make "weight_hh" [| gates * hiddenSize; hiddenSize |]

    let biasIh =
        if bias then
            Some(make "bias_ih" [| gates * hiddenSize |])
        else
            None

    let biasHh =
        if bias then
            Some(make "bias_hh" [| gates * hiddenSize |])
        else
            None

    /// The number of features of the input.
    member _.InputSize = inputSize

    /// The number of features of the hidden state.
    member _.HiddenSize = hiddenSize

    /// Whether the cell has the biases bias_ih and bias_hh.
    member _.Bias = bias

    /// weight_ih [gates·hiddenSize, inputSize] (the gates stacked in PyTorch's order).
    member _.WeightIh = weightIh

    /// weight_hh [gates·hiddenSize, hiddenSize].
    member _.WeightHh = weightHh

    /// bias_ih [gates·hiddenSize], if the cell has biases.
    member _.BiasIh = biasIh

    /// bias_hh [gates·hiddenSize], if the cell has biases.
    member _.BiasHh = biasHh

    /// x·W_ihᵀ + b_ih.
    member internal _.InputPart(x: Tensor) = RecurrentMath.affine weightIh biasIh x

    /// h·W_hhᵀ + b_hh.
    member internal _.HiddenPart(h: Tensor) = RecurrentMath.affine weightHh biasHh h

    /// Checks an input [batch, inputSize] or [inputSize]; returns it as [batch, inputSize] and
    /// whether it was batched.
    member internal _.CheckInput(x: Tensor) : Tensor * bool =
        RecurrentMath.requireFloating layer "input" x

        if x.Dim <> 1 && x.Dim <> 2 || x.Shape[x.Dim - 1] <> inputSize then
            invalidArg
                "x"
                $"{layer}: expected an input of shape [batch, {inputSize}] or [{inputSize}] (inputSize = {inputSize}); got {shapeText x.Shape}. Give {inputSize} features in the last dimension."

        if x.Dim = 1 then Tensor.unsqueeze 0 x, false else x, true

    /// Checks a state (h or c) against a checked input [batch, inputSize]; returns it as [batch, hiddenSize].
    member internal _.CheckState(name: string, x: Tensor, batched: bool, s: Tensor) : Tensor =
        RecurrentMath.requireFloating layer name s

        let expected =
            if batched then
                [| x.Shape[0]; hiddenSize |]
            else
                [| hiddenSize |]

        if s.Shape <> expected then
            invalidArg
                name
                $"{layer}: expected the state {name} of shape {shapeText expected} (for the input of shape {shapeText (if batched then x.Shape else [| inputSize |])}); got {shapeText s.Shape}."

        if batched then s else Tensor.unsqueeze 0 s

    /// Zeros [batch, hiddenSize] in the input's dtype and device.
    member internal _.ZeroState(x: Tensor) =
        Tensor.Zeros([| x.Shape[0]; hiddenSize |], x.Dtype, x.Device)

    override _.ExtraRepr() =
        $"{inputSize}, {hiddenSize}" + (if bias then "" else ", bias=False")

/// An Elman RNN cell (PyTorch's nn.RNNCell): h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or relu
/// with nonlinearity = "relu"). Inputs [batch, inputSize] or unbatched [inputSize]; the state
/// has shape [batch, hiddenSize] or [hiddenSize].
type RNNCell(inputSize: int, hiddenSize: int, ?bias: bool, ?nonlinearity: string, ?dtype: Dtype, ?device: Device) =
    inherit RNNCellBase("RNNCell", inputSize, hiddenSize, defaultArg bias true, 1, Layer.dtypeOr dtype, Layer.deviceOr device)

    let nonlinearity = defaultArg nonlinearity "tanh"
    do RecurrentMath.checkNonlinearity "RNNCell" nonlinearity
    let relu = nonlinearity = "relu"

    /// "tanh" or "relu".
    member _.Nonlinearity = nonlinearity

    member private this.Step(x: Tensor, h: Tensor option) =
        let x2, batched = this.CheckInput x

        let h =
            match h with
            | Some h -> this.CheckState("h", x2, batched, h)
            | None -> this.ZeroState x2

        let h' = RecurrentMath.rnnStep relu (this.InputPart x2) (this.HiddenPart h)
        if batched then h' else Tensor.select 0 0 h'

    /// The next hidden state from a zero state.
    override this.Forward(x: Tensor) = this.Step(x, None)

    /// The next hidden state h' [batch, hiddenSize] (or [hiddenSize]) from input x and state h
    /// (null: zeros).
    member this.Forward(x: Tensor, h: Tensor) =
        this.Step(x, RecurrentMath.given [| h |] |> Option.map Array.head)

    override _.ExtraRepr() =
        $"{inputSize}, {hiddenSize}"
        + (if defaultArg bias true then "" else ", bias=False")
        + (if nonlinearity = "tanh" then
               ""
           else
               $", nonlinearity={nonlinearity}")

/// A gated recurrent unit cell (PyTorch's nn.GRUCell), gates r, z, n stacked in that order:
/// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
/// n = tanh(W_in x + b_in + r·(W_hn h + b_hn)), h' = (1 − z)·n + z·h.
type GRUCell(inputSize: int, hiddenSize: int, ?bias: bool, ?dtype: Dtype, ?device: Device) =
    inherit RNNCellBase("GRUCell", inputSize, hiddenSize, defaultArg bias true, 3, Layer.dtypeOr dtype, Layer.deviceOr device)

    member private this.Step(x: Tensor, h: Tensor option) =
        let x2, batched = this.CheckInput x

        let h =
            match h with
            | Some h -> this.CheckState("h", x2, batched, h)
            | None -> this.ZeroState x2

        let h' = RecurrentMath.gruStep hiddenSize (this.InputPart x2) (this.HiddenPart h) h

        if batched then h' else Tensor.select 0 0 h'

    /// The next hidden state from a zero state.
    override this.Forward(x: Tensor) = this.Step(x, None)

    /// The next hidden state h' [batch, hiddenSize] (or [hiddenSize]) from input x and state h
    /// (null: zeros).
    member this.Forward(x: Tensor, h: Tensor) =
        this.Step(x, RecurrentMath.given [| h |] |> Option.map Array.head)

/// A long short-term memory cell (PyTorch's nn.LSTMCell), gates i, f, g, o stacked in that
/// order: c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). The state is the pair (h, c), each
/// [batch, hiddenSize] (or [hiddenSize] for an unbatched input).
type LSTMCell(inputSize: int, hiddenSize: int, ?bias: bool, ?dtype: Dtype, ?device: Device) =
    inherit RNNCellBase("LSTMCell", inputSize, hiddenSize, defaultArg bias true, 4, Layer.dtypeOr dtype, Layer.deviceOr device)

    member private this.Step(x: Tensor, state: (Tensor * Tensor) option) =
        let x2, batched = this.CheckInput x

        let h, c =
            match state with
            | Some(h, c) -> this.CheckState("h", x2, batched, h), this.CheckState("c", x2, batched, c)
            | None -> this.ZeroState x2, this.ZeroState x2

        let h', c' =
            RecurrentMath.lstmStep hiddenSize (this.InputPart x2) (this.HiddenPart h) c

        if batched then
            h', c'
        else
            Tensor.select 0 0 h', Tensor.select 0 0 c'

    /// The next hidden state h' from a zero state (the cell state is dropped; see ForwardWithState).
    override this.Forward(x: Tensor) = fst (this.Step(x, None))

    /// The next state (h', c') from input x and state (h, c) (both null: zeros).
    member this.Forward(x: Tensor, state: Tensor * Tensor) =
        let h, c = state
        this.Step(x, RecurrentMath.given [| h; c |] |> Option.map (fun s -> s[0], s[1]))

    /// The next state (h', c') from input x, hidden state h and cell state c (both null: zeros).
    member this.Forward(x: Tensor, h: Tensor, c: Tensor) = this.Forward(x, (h, c))

    /// The next state (h', c') from a zero state.
    member this.ForwardWithState(x: Tensor) = this.Step(x, None)

/// What the sequence layers share (PyTorch's RNNBase): for each layer and direction the
/// parameters weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} (suffix "_reverse" for the
/// backward direction), initialised uniformly in ±1/√hiddenSize; the loop over time steps, the
/// layers and the directions; PyTorch's shapes: input [seq, batch, inputSize] ([batch, seq,
/// inputSize] with batchFirst, [seq, inputSize] unbatched), output [seq, batch, D·hiddenSize]
/// (D = 2 when bidirectional), final states [D·numLayers, batch, hiddenSize] ordered layer by layer,
/// forward direction first. Dropout (training mode only) applies to the outputs of every layer
/// but the last.
[<AbstractClass>]
type RNNBase
    internal
    (
        layer: string,
        inputSize: int,
        hiddenSize: int,
        numLayers: int,
        bias: bool,
        batchFirst: bool,
        dropout: float,
        bidirectional: bool,
        gates: int,
        stateCount: int,
        step: Tensor -> Tensor -> Tensor[] -> Tensor[],
        dtype: Dtype,
        device: Device
    ) as this =
    inherit Module()

    do
        Layer.positive layer "inputSize" inputSize
        Layer.positive layer "hiddenSize" hiddenSize
        Layer.positive layer "numLayers" numLayers

        if not (dropout >= 0.0 && dropout <= 1.0) then
            invalidArg "dropout" $"{layer}: dropout must be a probability in [0, 1]; got {dropout}."

    let directions = if bidirectional then 2 else 1
    let bound = 1.0 / sqrt (float hiddenSize)

    let make (name: string) (shape: int[]) =
        let t = Tensor.Zeros(shape, dtype, device)
        Init.Uniform(t, -bound, bound)
        this.RegisterParameter(name, t)

    /// [weight_ih; weight_hh; bias_ih; bias_hh] for each (layer, direction), in PyTorch's order.
    let weights =
        [|
            for l in 0 .. numLayers - 1 do
                for d in 0 .. directions - 1 do
                    let suffix = $"_l{l}" + (if d = 1 then "_reverse" else "")
                    let layerInput = if l = 0 then inputSize else hiddenSize * directions
                    let wih = make ("weight_ih" + suffix) [| gates * hiddenSize; layerInput |]
                    let whh = make ("weight_hh" + suffix) [| gates * hiddenSize; hiddenSize |]

                    let bih =
                        if bias then
                            Some(make ("bias_ih" + suffix) [| gates * hiddenSize |])
                        else
                            None

                    let bhh =
                        if bias then
                            Some(make ("bias_hh" + suffix) [| gates * hiddenSize |])
                        else
                            None

                    (wih, whh, bih, bhh)
        |]

    /// The number of features of the input.
    member _.InputSize = inputSize

    /// The number of features of the hidden state.
    member _.HiddenSize = hiddenSize

    /// The number of stacked layers.
    member _.NumLayers = numLayers

    /// Whether every layer has the biases bias_ih and bias_hh.
    member _.Bias = bias

    /// Whether inputs and outputs are [batch, seq, features] instead of [seq, batch, features].
    member _.BatchFirst = batchFirst

    /// The dropout probability on the outputs of every layer but the last (training mode only).
    member _.Dropout = dropout

    /// Whether each layer also runs backward in time (outputs of both directions concatenated).
    member _.Bidirectional = bidirectional

    /// The parameters of each layer and direction (layer 0 forward, layer 0 reverse, layer 1
    /// forward, ...): weight_ih, weight_hh and, with biases, bias_ih and bias_hh (PyTorch's all_weights).
    member _.AllWeights: Tensor list list =
        [
            for wih, whh, bih, bhh in weights -> [ wih; whh; yield! Option.toList bih; yield! Option.toList bhh ]
        ]

    /// Does nothing: the parameters are always used as they are (PyTorch's flatten_parameters
    /// compacts cuDNN's weights); kept so that code ported from PyTorch runs.
    member _.FlattenParameters() = ()

    /// The shape a given initial state must have for input x (checked).
    member private _.ExpectedState(batched: bool, batch: int) =
        if batched then
            [| directions * numLayers; batch; hiddenSize |]
        else
            [| directions * numLayers; hiddenSize |]

    /// Runs the layers over the sequence x from the given initial states (h0, or h0 and c0), or zeros.
    /// Returns the output and the final states, in x's layout.
    member internal this.Run(x: Tensor, initial: Tensor[] option, stateNames: string[]) : Tensor * Tensor[] =
        RecurrentMath.requireFloating layer "input" x

        if x.Dim <> 2 && x.Dim <> 3 then
            let layout =
                if batchFirst then
                    "[batch, seq, features]"
                else
                    "[seq, batch, features]"

            invalidArg
                "x"
                $"{layer}: expected a 3-D input {layout} or a 2-D unbatched input [seq, features]; got shape {shapeText x.Shape}."

        let batched = x.Dim = 3

        if x.Shape[x.Dim - 1] <> inputSize then
            invalidArg
                "x"
                $"{layer}: the input {shapeText x.Shape} has {x.Shape[x.Dim - 1]} features (its last dimension); this layer expects inputSize = {inputSize}."

        let inputShape = x.Shape

        // time first: [seq, batch, features]
        let x =
            if not batched then Tensor.unsqueeze 1 x
            elif batchFirst then Tensor.transpose 0 1 x
            else x

        let steps, batch = x.Shape[0], x.Shape[1]

        if steps = 0 then
            invalidArg "x" $"{layer}: the sequence is empty (input shape {shapeText inputShape}); give at least one time step."

        let initial =
            match initial with
            | Some states ->
                let expected = this.ExpectedState(batched, batch)

                states
                |> Array.mapi (fun k s ->
                    RecurrentMath.requireFloating layer stateNames[k] s

                    if s.Shape <> expected then
                        let input = if batched then "batched" else "unbatched"
                        let batchPart = if batched then "batch, " else ""

                        invalidArg
                            stateNames[k]
                            $"{layer}: expected {stateNames[k]} of shape {shapeText expected} ([numLayers·directions, {batchPart}hiddenSize] for the {input} input of shape {shapeText inputShape}); got {shapeText s.Shape}."

                    if batched then s else Tensor.unsqueeze 1 s)
            | None -> Array.init stateCount (fun _ -> Tensor.Zeros([| directions * numLayers; batch; hiddenSize |], x.Dtype, x.Device))

        let finals = Array.zeroCreate<Tensor[]>(numLayers * directions)
        let mutable input = x

        for l in 0 .. numLayers - 1 do
            let outputs =
                Array.init directions (fun d ->
                    let index = l * directions + d
                    let wih, whh, bih, bhh = weights[index]
                    // the input part of every step in one call
                    let xw = Tensor.unbind 0 (RecurrentMath.affine wih bih input)
                    let mutable state = initial |> Array.map (Tensor.select 0 index)
                    let hs = Array.zeroCreate<Tensor> steps

                    for t in
                        (if d = 0 then
                             seq { 0 .. steps - 1 }
                         else
                             seq { steps - 1 .. -1 .. 0 }) do
                        state <- step xw[t] (RecurrentMath.affine whh bhh state[0]) state
                        hs[t] <- state[0]

                    finals[index] <- state
                    Tensor.stack 0 hs)

            let output = if directions = 1 then outputs[0] else Tensor.cat 2 outputs

            input <-
                if l < numLayers - 1 && this.IsTraining && dropout > 0.0 then
                    Tensor.dropout dropout output
                else
                    output

        let finalStates =
            Array.init stateCount (fun k ->
                let s = Tensor.stack 0 (finals |> Array.map (fun st -> st[k]))
                if batched then s else Tensor.select 1 0 s)

        let output =
            if not batched then Tensor.select 1 0 input
            elif batchFirst then Tensor.transpose 0 1 input
            else input

        output, finalStates

    override _.ExtraRepr() =
        $"{inputSize}, {hiddenSize}"
        + (if numLayers <> 1 then $", num_layers={numLayers}" else "")
        + (if bias then "" else ", bias=False")
        + (if batchFirst then ", batch_first=True" else "")
        + (if dropout <> 0.0 then
               $", dropout={RecurrentMath.pyFloat dropout}"
           else
               "")
        + (if bidirectional then ", bidirectional=True" else "")

/// A multi-layer Elman RNN over sequences (PyTorch's nn.RNN): each layer runs
/// h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) (or relu) over the time steps. See RNNBase
/// for the shapes; Forward(x) gives the output, Forward(x, h0) and ForwardWithState(x) also the
/// final hidden states h_n [D·numLayers, batch, hiddenSize].
type RNN
    (
        inputSize: int,
        hiddenSize: int,
        ?numLayers: int,
        ?nonlinearity: string,
        ?bias: bool,
        ?batchFirst: bool,
        ?dropout: float,
        ?bidirectional: bool,
        ?dtype: Dtype,
        ?device: Device
    ) =
    inherit
        RNNBase(
            "RNN",
            inputSize,
            hiddenSize,
            defaultArg numLayers 1,
            defaultArg bias true,
            defaultArg batchFirst false,
            defaultArg dropout 0.0,
            defaultArg bidirectional false,
            1,
            1,
            RecurrentMath.elmanSequenceStep "RNN" (defaultArg nonlinearity "tanh"),
            Layer.dtypeOr dtype,
            Layer.deviceOr device
        )

    /// "tanh" or "relu".
    member _.Nonlinearity = defaultArg nonlinearity "tanh"

    /// The output [seq, batch, D·hiddenSize] (batch first with batchFirst; [seq, D·hiddenSize]
    /// unbatched) from a zero initial state.
    override this.Forward(x: Tensor) = fst (this.Run(x, None, [| "h0" |]))

    /// (output, h_n) from the initial hidden state h0 [D·numLayers, batch, hiddenSize] (or
    /// [D·numLayers, hiddenSize] for an unbatched input; null: zeros).
    member this.Forward(x: Tensor, h0: Tensor) =
        let output, states = this.Run(x, RecurrentMath.given [| h0 |], [| "h0" |])
        output, states[0]

    /// (output, h_n) from a zero initial state.
    member this.ForwardWithState(x: Tensor) =
        let output, states = this.Run(x, None, [| "h0" |])
        output, states[0]

/// A multi-layer gated recurrent unit over sequences (PyTorch's nn.GRU), each step as GRUCell
/// (gates r, z, n). See RNNBase for the shapes; Forward(x) gives the output, Forward(x, h0) and
/// ForwardWithState(x) also the final hidden states h_n [D·numLayers, batch, hiddenSize].
type GRU
    (
        inputSize: int,
        hiddenSize: int,
        ?numLayers: int,
        ?bias: bool,
        ?batchFirst: bool,
        ?dropout: float,
        ?bidirectional: bool,
        ?dtype: Dtype,
        ?device: Device
    ) =
    inherit
        RNNBase(
            "GRU",
            inputSize,
            hiddenSize,
            defaultArg numLayers 1,
            defaultArg bias true,
            defaultArg batchFirst false,
            defaultArg dropout 0.0,
            defaultArg bidirectional false,
            3,
            1,
            (fun xw hw state -> [| RecurrentMath.gruStep hiddenSize xw hw state[0] |]),
            Layer.dtypeOr dtype,
            Layer.deviceOr device
        )

    /// The output [seq, batch, D·hiddenSize] (batch first with batchFirst; [seq, D·hiddenSize]
    /// unbatched) from a zero initial state.
    override this.Forward(x: Tensor) = fst (this.Run(x, None, [| "h0" |]))

    /// (output, h_n) from the initial hidden state h0 [D·numLayers, batch, hiddenSize] (or
    /// [D·numLayers, hiddenSize] for an unbatched input; null: zeros).
    member this.Forward(x: Tensor, h0: Tensor) =
        let output, states = this.Run(x, RecurrentMath.given [| h0 |], [| "h0" |])
        output, states[0]

    /// (output, h_n) from a zero initial state.
    member this.ForwardWithState(x: Tensor) =
        let output, states = this.Run(x, None, [| "h0" |])
        output, states[0]

/// A multi-layer long short-term memory over sequences (PyTorch's nn.LSTM), each step as
/// LSTMCell (gates i, f, g, o). See RNNBase for the shapes; Forward(x) gives the output,
/// Forward(x, (h0, c0)) and ForwardWithState(x) also the final states (h_n, c_n), each
/// [D·numLayers, batch, hiddenSize].
type LSTM
    (
        inputSize: int,
        hiddenSize: int,
        ?numLayers: int,
        ?bias: bool,
        ?batchFirst: bool,
        ?dropout: float,
        ?bidirectional: bool,
        ?dtype: Dtype,
        ?device: Device
    ) =
    inherit
        RNNBase(
            "LSTM",
            inputSize,
            hiddenSize,
            defaultArg numLayers 1,
            defaultArg bias true,
            defaultArg batchFirst false,
            defaultArg dropout 0.0,
            defaultArg bidirectional false,
            4,
            2,
            (fun xw hw state ->
                let h, c = RecurrentMath.lstmStep hiddenSize xw hw state[1]
                [| h; c |]),
            Layer.dtypeOr dtype,
            Layer.deviceOr device
        )

    static let names = [| "h0"; "c0" |]

    /// The output [seq, batch, D·hiddenSize] (batch first with batchFirst; [seq, D·hiddenSize]
    /// unbatched) from zero initial states.
    override this.Forward(x: Tensor) = fst (this.Run(x, None, names))

    /// (output, (h_n, c_n)) from the initial states (h0, c0), each [D·numLayers, batch,
    /// hiddenSize] (or [D·numLayers, hiddenSize] for an unbatched input; both null: zeros).
    member this.Forward(x: Tensor, state: Tensor * Tensor) =
        let h0, c0 = state
        let output, states = this.Run(x, RecurrentMath.given [| h0; c0 |], names)
        output, (states[0], states[1])

    /// (output, (h_n, c_n)) from the initial states h0 and c0.
    member this.Forward(x: Tensor, h0: Tensor, c0: Tensor) = this.Forward(x, (h0, c0))

    /// (output, (h_n, c_n)) from zero initial states.
    member this.ForwardWithState(x: Tensor) =
        let output, states = this.Run(x, None, names)
        output, (states[0], states[1])
