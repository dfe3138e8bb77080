"""PyTorch's side of Tests/RecurrentTests.fs: the recurrent cells, RNN, GRU, LSTM and
MultiheadAttention in float64, with their state dicts, outputs and gradients (see emit_layers in
common.py). Several outputs (output, h_n, c_n; attention output and weights) are flattened and
concatenated into one tensor, as the F# twins do. Regenerate from the repository root with
    /usr/bin/python3 Tests/PyTorch/reference_recurrent.py > Tests/PyTorch/reference_recurrent.json

Debian's PyTorch 1.13 has no is_causal argument in MultiheadAttention.forward: the "mha_causal"
case gives the causal mask explicitly (the F# twin passes isCausal = true and no mask).
"""
import torch
from torch import nn
from common import emit_layers

torch.manual_seed(0)
f64 = torch.float64


def r(*shape):
    return torch.randn(*shape, dtype=f64)


def flat(*ts):
    return torch.cat([t.reshape(-1) for t in ts])


def one(m, x):
    return m(x)


def with_state(m, x, h):
    return m(x, h)


def lstm_cell_state(m, x, h, c):
    return flat(*m(x, (h, c)))


def seq_zero_state(m, x):
    out, h = m(x)
    return flat(out, *(h if isinstance(h, tuple) else (h,)))


def seq_state(m, x, h):
    out, hn = m(x, h)
    return flat(out, hn)


def lstm_state(m, x, h, c):
    out, (hn, cn) = m(x, (h, c))
    return flat(out, hn, cn)


def output_only(m, x):
    return m(x)[0]


def evaluated(m):
    m.eval()
    return m


def padding(batch, src, seed):
    """A bool key padding mask that leaves the first key of every row free."""
    g = torch.Generator().manual_seed(seed)
    m = torch.rand(batch, src, generator=g) < 0.4
    m[:, 0] = False
    return m


def banned(tgt, src, seed):
    """A bool attention mask (true = not allowed) that leaves key 0 free for every query."""
    g = torch.Generator().manual_seed(seed)
    m = torch.rand(tgt, src, generator=g) < 0.3
    m[:, 0] = False
    return m


def self_attention(m, x, kpm, am):
    out, w = m(x, x, x, key_padding_mask=kpm, attn_mask=am)
    return flat(out, w)


def cross_attention(m, q, k, v, kpm, am):
    out, w = m(q, k, v, key_padding_mask=kpm, attn_mask=am)
    return flat(out, w)


def per_head(m, q, k, v, kpm, am):
    out, w = m(q, k, v, key_padding_mask=kpm, attn_mask=am, average_attn_weights=False)
    return flat(out, w)


def no_masks(m, q, k, v):
    out, w = m(q, k, v)
    return flat(out, w)


def without_weights(m, x, am):
    out, w = m(x, x, x, attn_mask=am, need_weights=False)
    assert w is None
    return out


def causal(m, x):
    mask = torch.ones(x.shape[0], x.shape[0], dtype=torch.bool).triu(1)
    out, w = m(x, x, x, attn_mask=mask)
    return flat(out, w)


def mha_self_one_input(m, x):
    return m(x, x, x, need_weights=False)[0]


cases = {
    # cells
    "rnn_cell_tanh": (nn.RNNCell(4, 6, dtype=f64), [r(3, 4), r(3, 6)], with_state),
    "rnn_cell_relu": (nn.RNNCell(4, 6, nonlinearity="relu", dtype=f64), [r(3, 4), r(3, 6)], with_state),
    "rnn_cell_unbatched_no_bias": (nn.RNNCell(4, 6, bias=False, dtype=f64), [r(4), r(6)], with_state),
    "rnn_cell_zero_state": (nn.RNNCell(4, 6, dtype=f64), [r(3, 4)], one),
    "gru_cell": (nn.GRUCell(4, 6, dtype=f64), [r(3, 4), r(3, 6)], with_state),
    "gru_cell_unbatched": (nn.GRUCell(4, 6, dtype=f64), [r(4), r(6)], with_state),
    "gru_cell_no_bias_zero_state": (nn.GRUCell(4, 6, bias=False, dtype=f64), [r(3, 4)], one),
    "lstm_cell": (nn.LSTMCell(4, 6, dtype=f64), [r(3, 4), r(3, 6), r(3, 6)], lstm_cell_state),
    "lstm_cell_unbatched_no_bias": (nn.LSTMCell(4, 6, bias=False, dtype=f64), [r(4), r(6), r(6)], lstm_cell_state),
    "lstm_cell_zero_state": (nn.LSTMCell(4, 6, dtype=f64), [r(3, 4)], lambda m, x: m(x)[0]),
    # sequences
    "rnn_tanh_2_layers": (nn.RNN(4, 5, num_layers=2, dtype=f64), [r(7, 3, 4), r(2, 3, 5)], seq_state),
    "rnn_relu_bidirectional_batch_first": (
        nn.RNN(4, 5, nonlinearity="relu", bidirectional=True, batch_first=True, dtype=f64),
        [r(3, 6, 4)],
        seq_zero_state,
    ),
    "rnn_unbatched_no_bias": (nn.RNN(4, 5, bias=False, num_layers=2, dtype=f64), [r(5, 4), r(2, 5)], seq_state),
    "gru_2_layers_bidirectional": (
        nn.GRU(4, 5, num_layers=2, bidirectional=True, dtype=f64),
        [r(6, 3, 4), r(4, 3, 5)],
        seq_state,
    ),
    "gru_2_layers_bidirectional_batch_first": (
        nn.GRU(4, 5, num_layers=2, bidirectional=True, batch_first=True, dtype=f64),
        [r(3, 6, 4)],
        seq_zero_state,
    ),
    "gru_batch_first_with_state": (
        nn.GRU(4, 5, num_layers=2, batch_first=True, dtype=f64),
        [r(2, 5, 4), r(2, 2, 5)],
        seq_state,
    ),
    "gru_unbatched": (nn.GRU(4, 5, num_layers=2, bidirectional=True, dtype=f64), [r(5, 4), r(4, 5)], seq_state),
    "lstm_2_layers_bidirectional": (
        nn.LSTM(4, 5, num_layers=2, bidirectional=True, dtype=f64),
        [r(6, 3, 4), r(4, 3, 5), r(4, 3, 5)],
        lstm_state,
    ),
    "lstm_2_layers_bidirectional_batch_first": (
        nn.LSTM(4, 5, num_layers=2, bidirectional=True, batch_first=True, dtype=f64),
        [r(3, 6, 4)],
        seq_zero_state,
    ),
    "lstm_unbatched_no_bias": (
        nn.LSTM(4, 5, bias=False, bidirectional=True, dtype=f64),
        [r(5, 4), r(2, 5), r(2, 5)],
        lstm_state,
    ),
    "lstm_one_step": (nn.LSTM(4, 5, num_layers=3, dtype=f64), [r(1, 2, 4)], output_only),
    "lstm_dropout_eval": (evaluated(nn.LSTM(4, 5, num_layers=2, dropout=0.5, dtype=f64)), [r(6, 3, 4)], output_only),
    # attention
    "mha_self": (nn.MultiheadAttention(8, 2, dtype=f64), [r(5, 3, 8), padding(3, 5, 1), banned(5, 5, 2)], self_attention),
    "mha_cross_kdim_vdim_batch_first": (
        nn.MultiheadAttention(8, 2, kdim=6, vdim=4, batch_first=True, dtype=f64),
        [r(3, 5, 8), r(3, 7, 6), r(3, 7, 4), padding(3, 7, 3), banned(5, 7, 4)],
        cross_attention,
    ),
    "mha_float_mask_per_head": (
        nn.MultiheadAttention(6, 3, dtype=f64),
        [r(4, 2, 6), r(5, 2, 6), r(5, 2, 6), padding(2, 5, 5), r(6, 4, 5)],
        per_head,
    ),
    "mha_unbatched_no_bias": (nn.MultiheadAttention(8, 4, bias=False, dtype=f64), [r(5, 8), r(6, 8), r(6, 8)], no_masks),
    "mha_without_weights": (nn.MultiheadAttention(8, 2, dtype=f64), [r(5, 3, 8), banned(5, 5, 6)], without_weights),
    "mha_dropout_eval": (
        evaluated(nn.MultiheadAttention(8, 2, dropout=0.3, dtype=f64)),
        [r(5, 3, 8), padding(3, 5, 7), banned(5, 5, 8)],
        self_attention,
    ),
    "mha_causal": (nn.MultiheadAttention(8, 2, dtype=f64), [r(5, 2, 8)], causal),
    "mha_self_one_input": (nn.MultiheadAttention(8, 2, dtype=f64), [r(4, 2, 8)], mha_self_one_input),
}
emit_layers(cases)
