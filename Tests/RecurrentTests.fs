/// recurrent layers: gradients against finite differences, PyTorch parity, errors.
module Nabla.Tests.RecurrentTests

open System
open Expecto
open Nabla
open Nabla.NN
open Nabla.Tests.Check

let private f64 = Dtype.Float64

/// Deterministic values in [-1, 1) of a shape (float64).
let private data (shape: int[]) (seed: int) = LayerCheck.cotangentFor shape seed

/// The tensors flattened and joined (several outputs compared as one, as the Python side does).
let private flat (ts: Tensor list) =
    Tensor.cat 0 (ts |> List.map Tensor.flatten)

/// The seed's recurrent network: a user-defined module with an RNNCell(5, 8) that runs only the
/// first `steps` time steps of a batch-first sequence [batch, seq, 5] in an ordinary F# loop and
/// stacks the hidden states into [batch, steps, 8].
type RecurrentNet(steps: int) as this =
    inherit Module()

    let cell = this.RegisterModule("cell", RNNCell(5, 8, dtype = Dtype.Float64))

    member _.Cell = cell

    override _.Forward x =
        let mutable h = Tensor.Zeros([| x.Shape[0]; 8 |], x.Dtype, x.Device)

        let hs =
            [
                for t in 0 .. steps - 1 do
                    h <- cell.Forward(Tensor.select 1 t x, h)
                    h
            ]

        Tensor.stack 1 hs

/// The same network with a GRUCell.
type GatedRecurrentNet(steps: int) as this =
    inherit Module()

    let cell = this.RegisterModule("cell", GRUCell(5, 8, dtype = Dtype.Float64))

    override _.Forward x =
        let mutable h = Tensor.Zeros([| x.Shape[0]; 8 |], x.Dtype, x.Device)

        let hs =
            [
                for t in 0 .. steps - 1 do
                    h <- cell.Forward(Tensor.select 1 t x, h)
                    h
            ]

        Tensor.stack 1 hs

// ---------------------------------------------------------------- forward functions of the checks

let private one (m: Module) (inputs: Tensor list) = m.Forward(List.head inputs)

let private cellWithState (m: Module) (inputs: Tensor list) =
    match m, inputs with
    | :? RNNCell as c, [ x; h ] -> c.Forward(x, h)
    | :? GRUCell as c, [ x; h ] -> c.Forward(x, h)
    | :? LSTMCell as c, [ x; h; cs ] ->
        let h', c' = c.Forward(x, (h, cs))
        flat [ h'; c' ]
    | _ -> failtest "unexpected case"

let private sequenceWithState (m: Module) (inputs: Tensor list) =
    match m, inputs with
    | :? RNN as r, [ x; h ] ->
        let out, hn = r.Forward(x, h)
        flat [ out; hn ]
    | :? GRU as r, [ x; h ] ->
        let out, hn = r.Forward(x, h)
        flat [ out; hn ]
    | :? LSTM as r, [ x; h; c ] ->
        let out, (hn, cn) = r.Forward(x, (h, c))
        flat [ out; hn; cn ]
    | _ -> failtest "unexpected case"

let private sequenceZeroState (m: Module) (inputs: Tensor list) =
    match m, inputs with
    | :? RNN as r, [ x ] ->
        let out, hn = r.ForwardWithState x
        flat [ out; hn ]
    | :? GRU as r, [ x ] ->
        let out, hn = r.ForwardWithState x
        flat [ out; hn ]
    | :? LSTM as r, [ x ] ->
        let out, (hn, cn) = r.ForwardWithState x
        flat [ out; hn; cn ]
    | _ -> failtest "unexpected case"

let private attention (m: Module) (_: Tensor list) = m :?> MultiheadAttention

let private selfAttention (m: Module) (inputs: Tensor list) =
    match inputs with
    | [ x; kpm; am ] ->
        let out, w =
            (attention m inputs).Forward(x, x, x, keyPaddingMask = kpm, attnMask = am)

        flat [ out; w.Value ]
    | _ -> failtest "unexpected case"

let private crossAttention (m: Module) (inputs: Tensor list) =
    match inputs with
    | [ q; k; v; kpm; am ] ->
        let out, w =
            (attention m inputs).Forward(q, k, v, keyPaddingMask = kpm, attnMask = am)

        flat [ out; w.Value ]
    | _ -> failtest "unexpected case"

let private perHead (m: Module) (inputs: Tensor list) =
    match inputs with
    | [ q; k; v; kpm; am ] ->
        let out, w =
            (attention m inputs).Forward(q, k, v, keyPaddingMask = kpm, attnMask = am, averageAttnWeights = false)

        flat [ out; w.Value ]
    | _ -> failtest "unexpected case"

let private noMasks (m: Module) (inputs: Tensor list) =
    match inputs with
    | [ q; k; v ] ->
        let out, w = (attention m inputs).Forward(q, k, v)
        flat [ out; w.Value ]
    | _ -> failtest "unexpected case"

let private withoutWeights (m: Module) (inputs: Tensor list) =
    match inputs with
    | [ x; am ] ->
        let out, w =
            (attention m inputs).Forward(x, x, x, attnMask = am, needWeights = false)

        Expect.isNone w "no weights without needWeights"
        out
    | _ -> failtest "unexpected case"

let private causal (m: Module) (inputs: Tensor list) =
    let x = List.head inputs
    let out, w = (attention m inputs).Forward(x, x, x, isCausal = true)
    flat [ out; w.Value ]

let private outputOnly (m: Module) (inputs: Tensor list) = m.Forward(List.head inputs)

let private evaluated (m: Module) =
    m.Eval()
    m

let private parity =
    LayerCheck.paritySuite
        "PyTorch parity"
        "reference_recurrent.json"
        [
            "rnn_cell_tanh", (fun () -> RNNCell(4, 6, dtype = f64)), cellWithState
            "rnn_cell_relu", (fun () -> RNNCell(4, 6, nonlinearity = "relu", dtype = f64)), cellWithState
            "rnn_cell_unbatched_no_bias", (fun () -> RNNCell(4, 6, bias = false, dtype = f64)), cellWithState
            "rnn_cell_zero_state", (fun () -> RNNCell(4, 6, dtype = f64)), one
            "gru_cell", (fun () -> GRUCell(4, 6, dtype = f64)), cellWithState
            "gru_cell_unbatched", (fun () -> GRUCell(4, 6, dtype = f64)), cellWithState
            "gru_cell_no_bias_zero_state", (fun () -> GRUCell(4, 6, bias = false, dtype = f64)), one
            "lstm_cell", (fun () -> LSTMCell(4, 6, dtype = f64)), cellWithState
            "lstm_cell_unbatched_no_bias", (fun () -> LSTMCell(4, 6, bias = false, dtype = f64)), cellWithState
            "lstm_cell_zero_state", (fun () -> LSTMCell(4, 6, dtype = f64)), one
            "rnn_tanh_2_layers", (fun () -> RNN(4, 5, numLayers = 2, dtype = f64)), sequenceWithState
            "rnn_relu_bidirectional_batch_first",
            (fun () -> RNN(4, 5, nonlinearity = "relu", bidirectional = true, batchFirst = true, dtype = f64)),
            sequenceZeroState
            "rnn_unbatched_no_bias", (fun () -> RNN(4, 5, bias = false, numLayers = 2, dtype = f64)), sequenceWithState
            "gru_2_layers_bidirectional", (fun () -> GRU(4, 5, numLayers = 2, bidirectional = true, dtype = f64)), sequenceWithState
            "gru_2_layers_bidirectional_batch_first",
            (fun () -> GRU(4, 5, numLayers = 2, bidirectional = true, batchFirst = true, dtype = f64)),
            sequenceZeroState
            "gru_batch_first_with_state", (fun () -> GRU(4, 5, numLayers = 2, batchFirst = true, dtype = f64)), sequenceWithState
            "gru_unbatched", (fun () -> GRU(4, 5, numLayers = 2, bidirectional = true, dtype = f64)), sequenceWithState
            "lstm_2_layers_bidirectional", (fun () -> LSTM(4, 5, numLayers = 2, bidirectional = true, dtype = f64)), sequenceWithState
            "lstm_2_layers_bidirectional_batch_first",
            (fun () -> LSTM(4, 5, numLayers = 2, bidirectional = true, batchFirst = true, dtype = f64)),
            sequenceZeroState
            "lstm_unbatched_no_bias", (fun () -> LSTM(4, 5, bias = false, bidirectional = true, dtype = f64)), sequenceWithState
            "lstm_one_step", (fun () -> LSTM(4, 5, numLayers = 3, dtype = f64)), outputOnly
            "lstm_dropout_eval", (fun () -> evaluated (LSTM(4, 5, numLayers = 2, dropout = 0.5, dtype = f64))), outputOnly
            "mha_self", (fun () -> MultiheadAttention(8, 2, dtype = f64)), selfAttention
            "mha_cross_kdim_vdim_batch_first",
            (fun () -> MultiheadAttention(8, 2, kdim = 6, vdim = 4, batchFirst = true, dtype = f64)),
            crossAttention
            "mha_float_mask_per_head", (fun () -> MultiheadAttention(6, 3, dtype = f64)), perHead
            "mha_unbatched_no_bias", (fun () -> MultiheadAttention(8, 4, bias = false, dtype = f64)), noMasks
            "mha_without_weights", (fun () -> MultiheadAttention(8, 2, dtype = f64)), withoutWeights
            "mha_dropout_eval", (fun () -> evaluated (MultiheadAttention(8, 2, dropout = 0.3, dtype = f64))), selfAttention
            "mha_causal", (fun () -> MultiheadAttention(8, 2, dtype = f64)), causal
            "mha_self_one_input", (fun () -> MultiheadAttention(8, 2, dtype = f64)), one
        ]

// ---------------------------------------------------------------- finite differences

/// Bool masks that leave key 0 free for every query (a row masked everywhere has no gradient to check).
let private paddingMask (batch: int) (src: int) =
    Tensor.ofArray (Array.init (batch * src) (fun i -> i % src <> 0 && (i * 7 + 3) % 5 < 2))
    |> Tensor.reshape [| batch; src |]

let private bannedMask (tgt: int) (src: int) =
    Tensor.ofArray (Array.init (tgt * src) (fun i -> i % src <> 0 && (i * 5 + 1) % 4 = 0))
    |> Tensor.reshape [| tgt; src |]

let private finiteDifferences =
    let check (name: string) (m: Module) (inputs: Tensor list) forward =
        testCase $"{name}: gradients agree with finite differences"
        <| fun () -> LayerCheck.finiteDifferences m inputs forward

    testList
        "finite differences"
        [
            check "RNNCell (tanh) with a state" (RNNCell(3, 4, dtype = f64)) [ data [| 2; 3 |] 1; data [| 2; 4 |] 2 ] cellWithState
            check
                "RNNCell (relu) with a state"
                (RNNCell(3, 4, nonlinearity = "relu", dtype = f64))
                [ data [| 2; 3 |] 3; data [| 2; 4 |] 4 ]
                cellWithState
            check
                "RNNCell without bias, unbatched"
                (RNNCell(3, 4, bias = false, dtype = f64))
                [ data [| 3 |] 5; data [| 4 |] 6 ]
                cellWithState
            check "RNNCell from a zero state" (RNNCell(3, 4, dtype = f64)) [ data [| 2; 3 |] 7 ] one
            check "GRUCell with a state" (GRUCell(3, 4, dtype = f64)) [ data [| 2; 3 |] 8; data [| 2; 4 |] 9 ] cellWithState
            check "GRUCell unbatched" (GRUCell(3, 4, dtype = f64)) [ data [| 3 |] 10; data [| 4 |] 11 ] cellWithState
            check "GRUCell without bias from a zero state" (GRUCell(3, 4, bias = false, dtype = f64)) [ data [| 2; 3 |] 12 ] one
            check
                "LSTMCell with a state"
                (LSTMCell(3, 4, dtype = f64))
                [ data [| 2; 3 |] 13; data [| 2; 4 |] 14; data [| 2; 4 |] 15 ]
                cellWithState
            check
                "LSTMCell without bias, unbatched"
                (LSTMCell(3, 4, bias = false, dtype = f64))
                [ data [| 3 |] 16; data [| 4 |] 17; data [| 4 |] 18 ]
                cellWithState
            check "LSTMCell from a zero state" (LSTMCell(3, 4, dtype = f64)) [ data [| 2; 3 |] 19 ] one
            check
                "RNN, 2 layers, bidirectional, batch first, with h0"
                (RNN(3, 4, numLayers = 2, bidirectional = true, batchFirst = true, dtype = f64))
                [ data [| 2; 4; 3 |] 20; data [| 4; 2; 4 |] 21 ]
                sequenceWithState
            check
                "RNN (relu) without bias, unbatched, final state"
                (RNN(3, 4, nonlinearity = "relu", bias = false, dtype = f64))
                [ data [| 4; 3 |] 22 ]
                sequenceZeroState
            check
                "GRU, 2 layers, bidirectional, with h0"
                (GRU(3, 4, numLayers = 2, bidirectional = true, dtype = f64))
                [ data [| 4; 2; 3 |] 23; data [| 4; 2; 4 |] 24 ]
                sequenceWithState
            check
                "GRU, batch first, final state"
                (GRU(3, 4, numLayers = 2, batchFirst = true, dtype = f64))
                [ data [| 2; 3; 3 |] 25 ]
                sequenceZeroState
            check
                "LSTM, 2 layers, bidirectional, with (h0, c0)"
                (LSTM(3, 4, numLayers = 2, bidirectional = true, dtype = f64))
                [ data [| 3; 2; 3 |] 26; data [| 4; 2; 4 |] 27; data [| 4; 2; 4 |] 28 ]
                sequenceWithState
            check
                "LSTM without bias, unbatched, batch first ignored"
                (LSTM(3, 4, bias = false, batchFirst = true, dtype = f64))
                [ data [| 4; 3 |] 29; data [| 1; 4 |] 30; data [| 1; 4 |] 31 ]
                sequenceWithState
            check "LSTM, one-input Forward" (LSTM(3, 4, numLayers = 2, batchFirst = true, dtype = f64)) [ data [| 2; 3; 3 |] 32 ] one
            check
                "MultiheadAttention, self-attention with masks"
                (MultiheadAttention(4, 2, dtype = f64))
                [ data [| 3; 2; 4 |] 33; paddingMask 2 3; bannedMask 3 3 ]
                selfAttention
            check
                "MultiheadAttention, cross attention with kdim and vdim, batch first"
                (MultiheadAttention(4, 2, kdim = 3, vdim = 2, batchFirst = true, dtype = f64))
                [
                    data [| 2; 3; 4 |] 34
                    data [| 2; 5; 3 |] 35
                    data [| 2; 5; 2 |] 36
                    paddingMask 2 5
                    bannedMask 3 5
                ]
                crossAttention
            check
                "MultiheadAttention, per-head weights and a float mask"
                (MultiheadAttention(4, 2, dtype = f64))
                [
                    data [| 3; 2; 4 |] 37
                    data [| 4; 2; 4 |] 38
                    data [| 4; 2; 4 |] 39
                    paddingMask 2 4
                    data [| 4; 3; 4 |] 40
                ]
                perHead
            check
                "MultiheadAttention without bias, unbatched"
                (MultiheadAttention(4, 2, bias = false, dtype = f64))
                [ data [| 3; 4 |] 41; data [| 2; 4 |] 42; data [| 2; 4 |] 43 ]
                noMasks
            check "MultiheadAttention, causal" (MultiheadAttention(4, 2, dtype = f64)) [ data [| 3; 2; 4 |] 44 ] causal
            check "MultiheadAttention, one-input Forward" (MultiheadAttention(4, 4, dtype = f64)) [ data [| 3; 2; 4 |] 45 ] one
        ]

// ---------------------------------------------------------------- the seed's recurrent network

let private recurrentNet =
    testList
        "the seed's RecurrentNet"
        [
            testCase "runs the first n steps of a batch-first sequence: [3, 10, 5] with n = 7 gives [3, 7, 8]"
            <| fun () ->
                let net = RecurrentNet 7
                let y = net.Forward(data [| 3; 10; 5 |] 1)

                Expect.equal y.Shape [| 3; 7; 8 |] "shape"

                Expect.equal
                    (net.NamedParameters() |> List.map fst)
                    [ "cell.weight_ih"; "cell.weight_hh"; "cell.bias_ih"; "cell.bias_hh" ]
                    "parameters"
                // its steps agree with the RNN layer that has the same weights
                let rnn = RNN(5, 8, batchFirst = true, dtype = f64)
                let cellState = net.Cell.StateDict()
                rnn.LoadStateDict(Params [| for n, t in cellState.Entries -> n + "_l0", t |])
                let x = data [| 3; 10; 5 |] 1
                expectTight "RecurrentNet = RNN over the same steps" (net.Forward x) (rnn.Forward(Tensor.narrow 1 0 7 x))

            testCase "its gradients agree with finite differences, and the unused steps get none"
            <| fun () ->
                let net = RecurrentNet 7
                let x = data [| 3; 10; 5 |] 2
                LayerCheck.finiteDifferences net [ x ] one
                let leaf = Tensor.requiresGrad x
                (Tensor.sum (net.Forward leaf)).Backward()
                let g = leaf.Grad.Value
                Expect.equal ((Tensor.narrow 1 7 3 g |> Tensor.abs |> Tensor.sum).ToScalar()) 0.0 "steps 7..9 do not matter"
                Expect.isTrue ((Tensor.narrow 1 0 7 g |> Tensor.abs |> Tensor.sum).ToScalar() > 0.0) "steps 0..6 do"

            testCase "with a GRUCell too"
            <| fun () ->
                let net = GatedRecurrentNet 4
                let x = data [| 2; 6; 5 |] 3
                Expect.equal (net.Forward x).Shape [| 2; 4; 8 |] "shape"
                LayerCheck.finiteDifferences net [ x ] one
        ]

// ---------------------------------------------------------------- shapes, names, printing

let private shapes =
    testList
        "known shapes"
        [
            testCase "cells: batched and unbatched"
            <| fun () ->
                let x, x1 = data [| 3; 5 |] 1, data [| 5 |] 2
                Expect.equal (RNNCell(5, 8).Forward(Tensor.toDtype Dtype.Float32 x)).Shape [| 3; 8 |] "RNNCell"
                Expect.equal (RNNCell(5, 8, dtype = f64).Forward(x1, data [| 8 |] 3)).Shape [| 8 |] "RNNCell unbatched"
                Expect.equal (GRUCell(5, 8, dtype = f64).Forward(x, data [| 3; 8 |] 4)).Shape [| 3; 8 |] "GRUCell"
                Expect.equal (GRUCell(5, 8, dtype = f64).Forward x1).Shape [| 8 |] "GRUCell unbatched"
                let lstm = LSTMCell(5, 8, dtype = f64)
                let h, c = lstm.Forward(x, (data [| 3; 8 |] 5, data [| 3; 8 |] 6))
                Expect.equal (h.Shape, c.Shape) ([| 3; 8 |], [| 3; 8 |]) "LSTMCell"
                let h, c = lstm.ForwardWithState x1
                Expect.equal (h.Shape, c.Shape) ([| 8 |], [| 8 |]) "LSTMCell unbatched"
                Expect.equal (lstm.Forward x).Shape [| 3; 8 |] "LSTMCell one input"

            testCase "sequence layers: output [seq, batch, D·hidden], h_n [D·layers, batch, hidden]"
            <| fun () ->
                let x = data [| 7; 3; 5 |] 1

                for bidirectional in [ false; true ] do
                    let d = if bidirectional then 2 else 1

                    let out, h =
                        RNN(5, 8, numLayers = 3, bidirectional = bidirectional, dtype = f64).ForwardWithState x

                    Expect.equal (out.Shape, h.Shape) ([| 7; 3; d * 8 |], [| d * 3; 3; 8 |]) "RNN"

                    let out, h =
                        GRU(5, 8, numLayers = 2, bidirectional = bidirectional, dtype = f64).Forward(x, data [| d * 2; 3; 8 |] 2)

                    Expect.equal (out.Shape, h.Shape) ([| 7; 3; d * 8 |], [| d * 2; 3; 8 |]) "GRU"

                    let out, (h, c) =
                        LSTM(5, 8, numLayers = 2, bidirectional = bidirectional, dtype = f64).ForwardWithState x

                    Expect.equal (out.Shape, h.Shape, c.Shape) ([| 7; 3; d * 8 |], [| d * 2; 3; 8 |], [| d * 2; 3; 8 |]) "LSTM"

            testCase "batch first: output [batch, seq, D·hidden]; h_n stays [D·layers, batch, hidden]"
            <| fun () ->
                let out, (h, c) =
                    LSTM(5, 8, numLayers = 2, batchFirst = true, bidirectional = true, dtype = f64).ForwardWithState(data [| 3; 10; 5 |] 1)

                Expect.equal (out.Shape, h.Shape, c.Shape) ([| 3; 10; 16 |], [| 4; 3; 8 |], [| 4; 3; 8 |]) "LSTM batch first"

            testCase "unbatched sequences: output [seq, D·hidden], h_n [D·layers, hidden]"
            <| fun () ->
                let out, h =
                    GRU(5, 8, numLayers = 2, bidirectional = true, dtype = f64).ForwardWithState(data [| 6; 5 |] 1)

                Expect.equal (out.Shape, h.Shape) ([| 6; 16 |], [| 4; 8 |]) "GRU unbatched"

            testCase "any sequence length, one step included"
            <| fun () ->
                let lstm = LSTM(5, 8, numLayers = 2, dtype = f64)

                for steps in [ 1; 2; 9; 30 ] do
                    Expect.equal (lstm.Forward(data [| steps; 2; 5 |] steps)).Shape [| steps; 2; 8 |] $"{steps} steps"

            testCase "attention: output shaped as the query, weights [batch, L, S] or [batch, heads, L, S]"
            <| fun () ->
                let mha = MultiheadAttention(8, 2, kdim = 6, vdim = 4, dtype = f64)
                let q, k, v = data [| 5; 3; 8 |] 1, data [| 7; 3; 6 |] 2, data [| 7; 3; 4 |] 3
                let out, w = mha.Forward(q, k, v)
                Expect.equal (out.Shape, w.Value.Shape) ([| 5; 3; 8 |], [| 3; 5; 7 |]) "averaged"
                let _, w = mha.Forward(q, k, v, averageAttnWeights = false)
                Expect.equal w.Value.Shape [| 3; 2; 5; 7 |] "per head"

                let out, w =
                    mha.Forward(Tensor.select 1 0 q, Tensor.select 1 0 k, Tensor.select 1 0 v)

                Expect.equal (out.Shape, w.Value.Shape) ([| 5; 8 |], [| 5; 7 |]) "unbatched"

                let _, w =
                    mha.Forward(Tensor.select 1 0 q, Tensor.select 1 0 k, Tensor.select 1 0 v, averageAttnWeights = false)

                Expect.equal w.Value.Shape [| 2; 5; 7 |] "unbatched per head"
                let bf = MultiheadAttention(8, 2, batchFirst = true, dtype = f64)

                let out, w =
                    bf.Forward(data [| 3; 5; 8 |] 4, data [| 3; 7; 8 |] 5, data [| 3; 7; 8 |] 6)

                Expect.equal (out.Shape, w.Value.Shape) ([| 3; 5; 8 |], [| 3; 5; 7 |]) "batch first"
                Expect.equal (bf.Forward(data [| 3; 5; 8 |] 7)).Shape [| 3; 5; 8 |] "one input"
        ]

let private names =
    testList
        "parameters and printing"
        [
            testCase "the parameters have PyTorch's names, shapes and order"
            <| fun () ->
                let lstm = LSTM(3, 4, numLayers = 2, bidirectional = true)

                let expected =
                    [
                        for l in 0..1 do
                            for suffix in [ ""; "_reverse" ] do
                                let input = if l = 0 then 3 else 8
                                $"weight_ih_l{l}{suffix}", [| 16; input |]
                                $"weight_hh_l{l}{suffix}", [| 16; 4 |]
                                $"bias_ih_l{l}{suffix}", [| 16 |]
                                $"bias_hh_l{l}{suffix}", [| 16 |]
                    ]

                Expect.equal (lstm.NamedParameters() |> List.map (fun (n, p) -> n, p.Shape)) expected "LSTM"

                Expect.equal
                    (GRU(3, 4, bias = false).NamedParameters() |> List.map (fun (n, p) -> n, p.Shape))
                    [ "weight_ih_l0", [| 12; 3 |]; "weight_hh_l0", [| 12; 4 |] ]
                    "GRU without bias"

                Expect.equal (lstm.AllWeights |> List.map List.length) [ 4; 4; 4; 4 ] "all_weights"

                Expect.equal
                    (RNNCell(3, 4).NamedParameters() |> List.map (fun (n, p) -> n, p.Shape))
                    [
                        "weight_ih", [| 4; 3 |]
                        "weight_hh", [| 4; 4 |]
                        "bias_ih", [| 4 |]
                        "bias_hh", [| 4 |]
                    ]
                    "RNNCell"

                Expect.equal (GRUCell(3, 4).WeightIh.Shape, LSTMCell(3, 4).WeightHh.Shape) ([| 12; 3 |], [| 16; 4 |]) "gates stacked"

                Expect.equal
                    (MultiheadAttention(8, 2).NamedParameters()
                     |> List.map (fun (n, p) -> n, p.Shape))
                    [
                        "in_proj_weight", [| 24; 8 |]
                        "in_proj_bias", [| 24 |]
                        "out_proj.weight", [| 8; 8 |]
                        "out_proj.bias", [| 8 |]
                    ]
                    "MultiheadAttention"

                Expect.equal
                    (MultiheadAttention(8, 2, kdim = 3, vdim = 4).NamedParameters() |> List.map fst)
                    [
                        "q_proj_weight"
                        "k_proj_weight"
                        "v_proj_weight"
                        "in_proj_bias"
                        "out_proj.weight"
                        "out_proj.bias"
                    ]
                    "MultiheadAttention with kdim and vdim"

                Expect.equal
                    (MultiheadAttention(8, 2, bias = false).NamedParameters() |> List.map fst)
                    [ "in_proj_weight"; "out_proj.weight" ]
                    "without bias"

            testCase "initialisation as PyTorch's: U(±1/√hidden) for the recurrent layers, Xavier and zeros for attention"
            <| fun () ->
                let within (bound: float) (what: string) (t: Tensor) =
                    let v = t.ToArray()
                    Expect.isTrue (v |> Array.forall (fun x -> abs x <= bound)) $"{what} within ±{bound}"
                    Expect.isTrue (Array.max v - Array.min v > bound / 2.0) $"{what} spread out"

                for m in
                    [
                        LSTM(10, 16, numLayers = 2, bidirectional = true) :> Module
                        GRUCell(10, 16)
                        RNN(10, 16)
                    ] do
                    for name, p in m.NamedParameters() do
                        within 0.25 name p

                let mha = MultiheadAttention(16, 4)
                within (sqrt (6.0 / 64.0)) "in_proj_weight" mha.InProjWeight.Value
                within 0.25 "out_proj.weight" mha.OutProj.Weight

                Expect.equal
                    (mha.InProjBias.Value.ToArray() |> Array.max, mha.OutProj.Bias.Value.ToArray() |> Array.max)
                    (0.0, 0.0)
                    "zero biases"

                let separate = MultiheadAttention(16, 4, kdim = 8, vdim = 2)
                within (sqrt (6.0 / 24.0)) "k_proj_weight" separate.KProjWeight.Value
                within (sqrt (6.0 / 18.0)) "v_proj_weight" separate.VProjWeight.Value

            testCase "printing as PyTorch"
            <| fun () ->
                let cases: (Module * string) list =
                    [
                        RNNCell(5, 8), "RNNCell(5, 8)"
                        RNNCell(5, 8, bias = false, nonlinearity = "relu"), "RNNCell(5, 8, bias=False, nonlinearity=relu)"
                        GRUCell(5, 8), "GRUCell(5, 8)"
                        LSTMCell(5, 8, bias = false), "LSTMCell(5, 8, bias=False)"
                        LSTM(5, 8, numLayers = 2, batchFirst = true, bidirectional = true),
                        "LSTM(5, 8, num_layers=2, batch_first=True, bidirectional=True)"
                        RNN(5, 8, nonlinearity = "relu", dropout = 0.5, bias = false, numLayers = 2),
                        "RNN(5, 8, num_layers=2, bias=False, dropout=0.5)"
                        GRU(5, 8, dropout = 1.0), "GRU(5, 8, dropout=1.0)"
                        GRU(5, 8), "GRU(5, 8)"
                        MultiheadAttention(8, 2),
                        "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)"
                        MultiheadAttention(8, 2, bias = false, kdim = 3),
                        "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=False)\n)"
                    ]

                for m, text in cases do
                    Expect.equal (string m) text text

            testCase "settings are visible as properties"
            <| fun () ->
                let lstm =
                    LSTM(5, 8, numLayers = 2, dropout = 0.25, batchFirst = true, bidirectional = true)

                Expect.equal
                    (lstm.InputSize, lstm.HiddenSize, lstm.NumLayers, lstm.Dropout, lstm.BatchFirst, lstm.Bidirectional, lstm.Bias)
                    (5, 8, 2, 0.25, true, true, true)
                    "LSTM"

                Expect.equal (RNN(5, 8, nonlinearity = "relu").Nonlinearity) "relu" "RNN"
                Expect.equal (RNNCell(5, 8).Nonlinearity, RNNCell(5, 8).HiddenSize) ("tanh", 8) "RNNCell"

                let mha =
                    MultiheadAttention(8, 2, dropout = 0.1, kdim = 3, vdim = 4, batchFirst = true)

                Expect.equal
                    (mha.EmbedDim, mha.NumHeads, mha.HeadDim, mha.Dropout, mha.Kdim, mha.Vdim, mha.BatchFirst)
                    (8, 2, 4, 0.1, 3, 4, true)
                    "MultiheadAttention"

                Expect.isNone mha.InProjWeight "no packed weight with kdim and vdim"
        ]

// ---------------------------------------------------------------- behaviour

/// A state dict with each key renamed.
let private renamed (rename: string -> string) (p: Params) =
    Params [| for n, t in p.Entries -> rename n, t |]

let private behaviour =
    testList
        "behaviour"
        [
            testCase "a one-layer LSTM is the LSTMCell applied step by step"
            <| fun () ->
                let cell = LSTMCell(3, 4, dtype = f64)
                let lstm = LSTM(3, 4, dtype = f64)
                lstm.LoadStateDict(renamed (fun n -> n + "_l0") (cell.StateDict()))
                let x, h0, c0 = data [| 5; 2; 3 |] 1, data [| 2; 4 |] 2, data [| 2; 4 |] 3
                let mutable state = h0, c0

                let hs =
                    [
                        for t in 0..4 do
                            state <- cell.Forward(Tensor.select 0 t x, state)
                            fst state
                    ]

                let out, (hn, cn) = lstm.Forward(x, (Tensor.unsqueeze 0 h0, Tensor.unsqueeze 0 c0))
                expectTight "output" out (Tensor.stack 0 hs)
                expectTight "h_n" hn (Tensor.unsqueeze 0 (fst state))
                expectTight "c_n" cn (Tensor.unsqueeze 0 (snd state))

            testCase "a one-layer GRU and RNN are their cells applied step by step"
            <| fun () ->
                let x = data [| 4; 2; 3 |] 4

                let run (cellForward: Tensor * Tensor -> Tensor) =
                    let mutable h = Tensor.Zeros([| 2; 4 |], f64)

                    Tensor.stack
                        0
                        [
                            for t in 0..3 ->
                                (h <- cellForward (Tensor.select 0 t x, h)
                                 h)
                        ]

                let gruCell = GRUCell(3, 4, dtype = f64)
                let gru = GRU(3, 4, dtype = f64)
                gru.LoadStateDict(renamed (fun n -> n + "_l0") (gruCell.StateDict()))
                expectTight "GRU" (gru.Forward x) (run gruCell.Forward)
                let rnnCell = RNNCell(3, 4, nonlinearity = "relu", dtype = f64)
                let rnn = RNN(3, 4, nonlinearity = "relu", dtype = f64)
                rnn.LoadStateDict(renamed (fun n -> n + "_l0") (rnnCell.StateDict()))
                expectTight "RNN" (rnn.Forward x) (run rnnCell.Forward)

            testCase "the reverse direction runs backward in time; h_n holds each layer's final states, forward first"
            <| fun () ->
                let gru = GRU(3, 4, numLayers = 2, bidirectional = true, dtype = f64)
                let out, hn = gru.ForwardWithState(data [| 5; 2; 3 |] 5)
                expectTight "last layer forward" (Tensor.select 0 2 hn) (Tensor.narrow -1 0 4 (Tensor.select 0 4 out))
                expectTight "last layer reverse" (Tensor.select 0 3 hn) (Tensor.narrow -1 4 4 (Tensor.select 0 0 out))
                // the reverse direction of a reversed sequence is the forward direction of the original
                let both = GRU(3, 4, bidirectional = true, dtype = f64)
                let forwardOnly = GRU(3, 4, dtype = f64)

                let reverseWeights =
                    Params
                        [|
                            for n, t in both.StateDict().Entries do
                                if n.EndsWith "_reverse" then
                                    n.Replace("_reverse", ""), t
                        |]

                forwardOnly.LoadStateDict reverseWeights
                let x = data [| 5; 2; 3 |] 6
                let backward = Tensor.narrow -1 4 4 (both.Forward x)
                let flip = Tensor.flip [| 0 |]

                expectTight
                    "the reverse direction is the forward one on the reversed sequence"
                    backward
                    (flip (forwardOnly.Forward(flip x)))

            testCase "null initial states are zeros (PyTorch's hx=None)"
            <| fun () ->
                // what C# passes as null
                let none = Unchecked.defaultof<Tensor>
                let x = data [| 4; 3; 5 |] 26
                let gru = GRU(5, 6, numLayers = 2, dtype = f64)
                let out, h = gru.Forward(x, none)
                let out', h' = gru.ForwardWithState x
                expectTight "GRU output" out out'
                expectTight "GRU h_n" h h'
                let lstm = LSTM(5, 6, dtype = f64)
                expectTight "LSTM" (fst (lstm.Forward(x, (none, none)))) (lstm.Forward x)
                let x1 = Tensor.select 0 0 x
                let cell = LSTMCell(5, 6, dtype = f64)
                expectTight "LSTMCell" (fst (cell.Forward(x1, none, none))) (cell.Forward x1)
                let rnnCell = RNNCell(5, 6, dtype = f64)
                expectTight "RNNCell" (rnnCell.Forward(x1, none)) (rnnCell.Forward x1)

            testCase "the layers compose in Sequential through their one-input Forward"
            <| fun () ->
                let model =
                    Sequential(GRU(3, 4, batchFirst = true, dtype = f64), Linear(4, 2, dtype = f64))

                let x = data [| 2; 5; 3 |] 27
                Expect.equal (model.Forward x).Shape [| 2; 5; 2 |] "shape"
                LayerCheck.finiteDifferences model [ x ] one

            testCase "ForwardWithState is Forward with zero initial states; one-input Forward is its output"
            <| fun () ->
                let x = data [| 4; 3; 5 |] 7
                let lstm = LSTM(5, 6, numLayers = 2, bidirectional = true, dtype = f64)
                let zeros = Tensor.Zeros([| 4; 3; 6 |], f64)
                let out, (h, c) = lstm.ForwardWithState x
                let out', (h', c') = lstm.Forward(x, zeros, zeros)
                expectTight "output" out out'
                expectTight "h_n" h h'
                expectTight "c_n" c c'
                expectTight "one input" (lstm.Forward x) out
                let cell = LSTMCell(5, 6, dtype = f64)
                let x1 = Tensor.select 0 0 x

                expectTight
                    "LSTMCell"
                    (cell.Forward x1)
                    (fst (cell.Forward(x1, Tensor.Zeros([| 3; 6 |], f64), Tensor.Zeros([| 3; 6 |], f64))))

            testCase "batch first is the same computation on the transposed input; unbatched is batch 1"
            <| fun () ->
                let a = GRU(3, 4, numLayers = 2, bidirectional = true, dtype = f64)

                let b =
                    GRU(3, 4, numLayers = 2, bidirectional = true, batchFirst = true, dtype = f64)

                b.LoadStateDict(a.StateDict())
                let x = data [| 5; 2; 3 |] 8
                let outA, hA = a.ForwardWithState x
                let outB, hB = b.ForwardWithState(Tensor.transpose 0 1 x)
                expectTight "output" outB (Tensor.transpose 0 1 outA)
                expectTight "h_n" hB hA
                let x1 = Tensor.select 1 1 x
                let out1, h1 = a.ForwardWithState x1
                expectTight "unbatched output" out1 (Tensor.select 1 1 outA)
                expectTight "unbatched h_n" h1 (Tensor.select 1 1 hA)

            testCase "a forward-only layer's output on a prefix is the prefix of its output"
            <| fun () ->
                let lstm = LSTM(3, 4, numLayers = 2, dtype = f64)
                let x = data [| 8; 2; 3 |] 9
                expectTight "first 3 steps" (lstm.Forward(Tensor.narrow 0 0 3 x)) (Tensor.narrow 0 0 3 (lstm.Forward x))

            testCase "dropout between layers in training mode only"
            <| fun () ->
                let gru = GRU(3, 4, numLayers = 2, dropout = 1.0, dtype = f64)
                let x1, x2 = data [| 4; 2; 3 |] 10, data [| 4; 2; 3 |] 11
                // everything layer 0 gives is dropped: layer 1 sees zeros, whatever the input
                expectTight "training: independent of the input" (gru.Forward x1) (gru.Forward x2)
                gru.Eval()
                Expect.isFalse (Tensor.allClose 1e-6 1e-6 (gru.Forward x1) (gru.Forward x2)) "evaluation: depends on the input"
                let lstm = LSTM(3, 4, numLayers = 2, dropout = 0.5, dtype = f64)
                let eval = LSTM(3, 4, numLayers = 2, dtype = f64)
                eval.LoadStateDict(lstm.StateDict())
                let x = data [| 6; 5; 3 |] 12
                Expect.isFalse (Tensor.allClose 1e-6 1e-6 (lstm.Forward x) (eval.Forward x)) "training: dropped"
                lstm.Eval()
                expectTight "evaluation: no dropout" (lstm.Forward x) (eval.Forward x)

            testCase "the functional view's gradients equal Backward's"
            <| fun () ->
                LayerCheck.functionalMatchesBackward (LSTM(3, 4, numLayers = 2, bidirectional = true, dtype = f64)) (data [| 4; 2; 3 |] 13)
                LayerCheck.functionalMatchesBackward (MultiheadAttention(4, 2, dtype = f64)) (data [| 3; 2; 4 |] 14)

            testCase "forward mode through a GRU agrees with reverse mode (⟨u, J v⟩ = ⟨Jᵀu, v⟩)"
            <| fun () ->
                let gru = GRU(3, 4, numLayers = 2, bidirectional = true, dtype = f64)
                let x, v = data [| 4; 2; 3 |] 15, data [| 4; 2; 3 |] 16
                let f (x: Tensor) = gru.Forward x
                let y, jv = AD.jvp f x v
                let u = data y.Shape 17
                let _, pullback = AD.vjp f x
                closeWith 1e-9 1e-7 "⟨u, J v⟩" [| inner u jv |] [| inner (pullback u) v |]

            testCase "parameters receive gradients through every layer and direction"
            <| fun () ->
                let lstm = LSTM(3, 4, numLayers = 3, bidirectional = true, dtype = f64)
                (Tensor.sum (lstm.Forward(data [| 3; 2; 3 |] 18))).Backward()

                for name, p in lstm.NamedParameters() do
                    Expect.isTrue (p.Grad.IsSome && (Tensor.sum (Tensor.abs p.Grad.Value)).ToScalar() > 0.0) $"{name} has a gradient"

            testCase "conversion with To(Float64) keeps the layers working"
            <| fun () ->
                let lstm = LSTM(3, 4, numLayers = 2)
                lstm.To Dtype.Float64
                let out = lstm.Forward(data [| 3; 2; 3 |] 19)
                Expect.equal out.Dtype Dtype.Float64 "dtype"
                let mha = MultiheadAttention(4, 2)
                mha.To Dtype.Float64
                Expect.equal (mha.Forward(data [| 3; 2; 4 |] 20)).Dtype Dtype.Float64 "attention"

            testCase "attention: isCausal is the upper-triangular mask; weights rows sum to 1; one input is self-attention"
            <| fun () ->
                let mha = MultiheadAttention(8, 2, dtype = f64)
                let x = data [| 5; 3; 8 |] 21

                let causal =
                    Tensor.ofArray (Array.init 25 (fun i -> i % 5 > i / 5))
                    |> Tensor.reshape [| 5; 5 |]

                let out, w = mha.Forward(x, x, x, isCausal = true)
                let out', w' = mha.Forward(x, x, x, attnMask = causal)
                expectTight "output" out out'
                expectTight "weights" w.Value w'.Value
                let upper = Tensor.maskedSelect causal w.Value
                Expect.equal ((Tensor.sum (Tensor.abs upper)).ToScalar()) 0.0 "no weight on later positions"
                expectTight "rows sum to 1" (Tensor.sumDim -1 w.Value) (Tensor.Ones([| 3; 5 |], f64))
                expectTight "one input" (mha.Forward x) (fst (mha.Forward(x, x, x)))
                let _, perHead = mha.Forward(x, x, x, averageAttnWeights = false)
                let _, averaged = mha.Forward(x, x, x)
                expectTight "average of the heads" averaged.Value (Tensor.meanDim 1 perHead.Value)
                let noWeights = mha.Forward(x, x, x, needWeights = false)
                Expect.isNone (snd noWeights) "needWeights = false"
                expectTight "same output without weights" (fst noWeights) (fst (mha.Forward(x, x, x)))

            testCase "attention: a float mask of 0 and −∞ acts as the bool mask; bool and float padding masks agree"
            <| fun () ->
                let mha = MultiheadAttention(4, 2, dtype = f64)
                let q, k = data [| 3; 2; 4 |] 22, data [| 5; 2; 4 |] 23
                let banned = bannedMask 3 5
                let padding = paddingMask 2 5

                let asFloat (m: Tensor) =
                    Tensor.Zeros(m.Shape, f64) |> Tensor.maskedFill m Double.NegativeInfinity

                let out, w = mha.Forward(q, k, k, keyPaddingMask = padding, attnMask = banned)

                let out', w' =
                    mha.Forward(q, k, k, keyPaddingMask = asFloat padding, attnMask = asFloat banned)

                expectTight "output" out out'
                expectTight "weights" w.Value w'.Value

            testCase "attention: a key masked everywhere gives zero weights, not NaN"
            <| fun () ->
                let mha = MultiheadAttention(4, 2, dtype = f64)
                let x = data [| 3; 2; 4 |] 24
                let everything = Tensor.ofArray (Array.create 6 true) |> Tensor.reshape [| 2; 3 |]
                let out, w = mha.Forward(x, x, x, keyPaddingMask = everything)
                Expect.isFalse (out.ToArray() |> Array.exists Double.IsNaN) "finite output"
                Expect.equal ((Tensor.sum (Tensor.abs w.Value)).ToScalar()) 0.0 "zero weights"

            testCase "attention dropout in training mode only"
            <| fun () ->
                let mha = MultiheadAttention(4, 2, dropout = 1.0, dtype = f64)
                let x = data [| 3; 2; 4 |] 25
                let out, w = mha.Forward(x, x, x)
                Expect.equal ((Tensor.sum (Tensor.abs out)).ToScalar()) 0.0 "every weight dropped: out_proj of zeros (zero bias)"
                Expect.equal ((Tensor.sum (Tensor.abs w.Value)).ToScalar()) 0.0 "the weights returned are the dropped ones"
                mha.Eval()
                expectTight "evaluation: rows sum to 1" (Tensor.sumDim -1 (snd (mha.Forward(x, x, x))).Value) (Tensor.Ones([| 2; 3 |], f64))
        ]

// ---------------------------------------------------------------- errors

let private errors =
    let x = data [| 3; 4 |] 1

    testList
        "errors"
        [
            testCase "cells: wrong input size, rank or state shape"
            <| fun () ->
                throwsWith<ArgumentException> [ "RNNCell"; "[3, 4]"; "inputSize = 5" ] (fun () ->
                    RNNCell(5, 8, dtype = f64).Forward x |> ignore)

                throwsWith<ArgumentException> [ "GRUCell"; "[2, 3, 5]" ] (fun () ->
                    GRUCell(5, 8, dtype = f64).Forward(data [| 2; 3; 5 |] 2) |> ignore)

                throwsWith<ArgumentException> [ "RNNCell"; "state h"; "[3, 8]"; "[3, 7]" ] (fun () ->
                    RNNCell(4, 8, dtype = f64).Forward(x, data [| 3; 7 |] 2) |> ignore)

                throwsWith<ArgumentException> [ "LSTMCell"; "state c"; "[3, 8]"; "[2, 8]" ] (fun () ->
                    LSTMCell(4, 8, dtype = f64).Forward(x, (data [| 3; 8 |] 2, data [| 2; 8 |] 3))
                    |> ignore)

                throwsWith<ArgumentException> [ "GRUCell"; "[8]"; "[1, 8]" ] (fun () ->
                    GRUCell(4, 8, dtype = f64).Forward(data [| 4 |] 1, data [| 1; 8 |] 2) |> ignore)

                throwsWith<ArgumentException> [ "RNNCell"; "floating-point"; "int64" ] (fun () ->
                    RNNCell(4, 8).Forward(Tensor.ofArray [| 1L; 2L; 3L; 4L |]) |> ignore)

            testCase "sequence layers: wrong input size or rank, empty sequence"
            <| fun () ->
                throwsWith<ArgumentException> [ "LSTM"; "[3, 10, 4]"; "inputSize = 5" ] (fun () ->
                    LSTM(5, 8, dtype = f64).Forward(data [| 3; 10; 4 |] 1) |> ignore)

                throwsWith<ArgumentException> [ "GRU"; "3-D"; "[batch, seq, features]"; "[2, 3, 4, 5]" ] (fun () ->
                    GRU(5, 8, batchFirst = true, dtype = f64).Forward(data [| 2; 3; 4; 5 |] 1)
                    |> ignore)

                throwsWith<ArgumentException> [ "RNN"; "empty"; "[0, 2, 5]"; "at least one time step" ] (fun () ->
                    RNN(5, 8, dtype = f64).Forward(Tensor.Zeros([| 0; 2; 5 |], f64)) |> ignore)

                throwsWith<ArgumentException> [ "LSTM"; "empty"; "[2, 0, 5]" ] (fun () ->
                    LSTM(5, 8, batchFirst = true, dtype = f64).Forward(Tensor.Zeros([| 2; 0; 5 |], f64))
                    |> ignore)

                throwsWith<ArgumentException> [ "GRU"; "floating-point" ] (fun () ->
                    GRU(1, 8).Forward(Tensor.ofArray [| 1; 2; 3 |] |> Tensor.reshape [| 3; 1 |])
                    |> ignore)

            testCase "sequence layers: wrong state shapes"
            <| fun () ->
                let x = data [| 6; 3; 5 |] 1

                throwsWith<ArgumentException> [ "GRU"; "h0"; "[4, 3, 8]"; "[2, 3, 8]" ] (fun () ->
                    GRU(5, 8, numLayers = 2, bidirectional = true, dtype = f64).Forward(x, data [| 2; 3; 8 |] 2)
                    |> ignore)

                throwsWith<ArgumentException> [ "LSTM"; "c0"; "[2, 3, 8]"; "[2, 3, 7]" ] (fun () ->
                    LSTM(5, 8, numLayers = 2, dtype = f64).Forward(x, (data [| 2; 3; 8 |] 2, data [| 2; 3; 7 |] 3))
                    |> ignore)

                throwsWith<ArgumentException> [ "RNN"; "h0"; "[1, 8]"; "unbatched"; "[1, 3, 8]" ] (fun () ->
                    RNN(5, 8, dtype = f64).Forward(Tensor.select 1 0 x, data [| 1; 3; 8 |] 2)
                    |> ignore)

                throwsWith<ArgumentException> [ "RNN"; "h0"; "[1, 6, 8]"; "[6, 3, 5]"; "[1, 3, 8]" ] (fun () ->
                    // batch first: the batch is dimension 0 of the input, 6 here
                    RNN(5, 8, batchFirst = true, dtype = f64).Forward(x, data [| 1; 3; 8 |] 2)
                    |> ignore)

            testCase "constructors: bad settings"
            <| fun () ->
                throwsWith<ArgumentException> [ "RNN"; "nonlinearity"; "'sigmoid'"; "tanh"; "relu" ] (fun () ->
                    RNN(5, 8, nonlinearity = "sigmoid") |> ignore)

                throwsWith<ArgumentException> [ "RNNCell"; "'gelu'" ] (fun () -> RNNCell(5, 8, nonlinearity = "gelu") |> ignore)
                throwsWith<ArgumentException> [ "LSTM"; "dropout"; "1.5" ] (fun () -> LSTM(5, 8, dropout = 1.5) |> ignore)
                throwsWith<ArgumentException> [ "GRU"; "numLayers"; "0" ] (fun () -> GRU(5, 8, numLayers = 0) |> ignore)
                throwsWith<ArgumentException> [ "LSTMCell"; "hiddenSize" ] (fun () -> LSTMCell(5, 0) |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "divisible"; "10"; "3" ] (fun () ->
                    MultiheadAttention(10, 3) |> ignore)

                throwsWith<NotSupportedException> [ "MultiheadAttention"; "addBiasKv" ] (fun () ->
                    MultiheadAttention(8, 2, addBiasKv = true) |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "dropout"; "-0.1" ] (fun () ->
                    MultiheadAttention(8, 2, dropout = -0.1) |> ignore)

            testCase "attention: wrong sizes, ranks and masks"
            <| fun () ->
                let mha = MultiheadAttention(8, 2, kdim = 6, dtype = f64)
                let q, k, v = data [| 5; 3; 8 |] 1, data [| 7; 3; 6 |] 2, data [| 7; 3; 8 |] 3

                throwsWith<ArgumentException> [ "MultiheadAttention"; "query"; "[5, 3, 7]"; "embedDim = 8" ] (fun () ->
                    mha.Forward(data [| 5; 3; 7 |] 1, k, v) |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "key"; "[7, 3, 8]"; "kdim = 6" ] (fun () ->
                    mha.Forward(q, v, v) |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "same sequence length"; "[6, 3, 8]" ] (fun () ->
                    mha.Forward(q, k, data [| 6; 3; 8 |] 4) |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "batch size" ] (fun () ->
                    mha.Forward(q, data [| 7; 2; 6 |] 4, data [| 7; 2; 8 |] 5) |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "3-D"; "[5, 3, 8, 1]" ] (fun () ->
                    mha.Forward(Tensor.unsqueeze 3 q, k, v) |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "must be 3-D too"; "[7, 6]" ] (fun () ->
                    mha.Forward(q, Tensor.select 1 0 k, v) |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "keyPaddingMask"; "[3, 7]"; "[7, 3]" ] (fun () ->
                    mha.Forward(q, k, v, keyPaddingMask = paddingMask 7 3) |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "attnMask"; "[5, 7]"; "[6, 5, 7]"; "[7, 5]" ] (fun () ->
                    mha.Forward(q, k, v, attnMask = bannedMask 7 5) |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "attnMask"; "bool"; "int32" ] (fun () ->
                    mha.Forward(q, k, v, attnMask = (Tensor.ofArray (Array.zeroCreate<int> 35) |> Tensor.reshape [| 5; 7 |]))
                    |> ignore)

                throwsWith<ArgumentException> [ "MultiheadAttention"; "query"; "floating-point" ] (fun () ->
                    mha.Forward(Tensor.ofArray (Array.zeroCreate<int> 8) |> Tensor.reshape [| 1; 1; 8 |], k, v)
                    |> ignore)
        ]

let tests =
    testList "recurrent layers" [ parity; finiteDifferences; recurrentNet; shapes; names; behaviour; errors ]
