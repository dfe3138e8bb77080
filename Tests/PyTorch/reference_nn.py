"""Reference derivatives from PyTorch for the neural-network functions (Tests/NNFunctionsTests.fs).

Each function below has a twin, written with Nabla, in NNFunctionsTests.fs (same name, same inputs).
Weights, biases, masks and running statistics are partly built from x, so that their derivatives are
checked too. Debian's PyTorch 1.13 has no F.scaled_dot_product_attention: the attention functions
spell out LibTorch 2's math path (softmax(q kᵀ/√E + mask) v, a bool mask as 0/−inf, rows masked
everywhere giving 0 as _safe_softmax does).

Besides the functions, the output holds "_batch_norm_running": the running mean and variance after
two training steps of F.batch_norm (momentum 0.3) and the outputs in evaluation mode afterwards,
and "_instance_norm_running": the same after one step of F.instance_norm (momentum 0.2).

Regenerate with Debian's PyTorch (see common.py):
    /usr/bin/python3 Tests/PyTorch/reference_nn.py > Tests/PyTorch/reference_nn.json
"""
import contextlib
import io
import json
import math

import torch
import torch.nn.functional as F
from common import emit

torch.set_default_dtype(torch.float64)

x12 = torch.linspace(-1.1, 1.4, 12) * torch.cos(torch.arange(12.0))
v12 = torch.sin(torch.arange(12.0) + 0.5)
x16 = torch.linspace(-1.3, 1.7, 16) * torch.cos(torch.arange(16.0))
v16 = torch.sin(torch.arange(16.0))
x24 = torch.linspace(-1.2, 1.5, 24) * torch.cos(torch.arange(24.0) * 0.7)
v24 = torch.cos(torch.arange(24.0) * 1.3)


def const(n, a=1.0):
    """n deterministic values in about [-a, a]."""
    return a * torch.sin(torch.arange(n, dtype=torch.float64) * 1.7 + 0.3)


def weights(shape, a=1.0):
    return const(math.prod(shape), a).reshape(shape)


def attention(q, k, v, mask=None, causal=False):
    """LibTorch 2's math path of scaled_dot_product_attention (no dropout)."""
    L, S, E = q.shape[-2], k.shape[-2], q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(E)
    if causal:
        mask = torch.ones(L, S, dtype=torch.bool).tril()
    if mask is not None:
        if mask.dtype == torch.bool:
            mask = torch.zeros(mask.shape).masked_fill(~mask, float("-inf"))
        scores = scores + mask
    dead = (scores == float("-inf")).all(-1, keepdim=True)
    weights_ = torch.softmax(scores.masked_fill(dead, 0.0), -1).masked_fill(dead, 0.0)
    return weights_ @ v


def hardsigmoid(x):
    """F.hardsigmoid's values and first derivative (1/6 strictly inside (-3, 3)); PyTorch 1.13 has no
    double backward for F.hardsigmoid itself."""
    return F.relu6(x + 3) / 6


idx = torch.tensor([[0, 2], [3, 2], [1, 0]])
bool_mask = torch.tensor([[True, False, True], [False, False, False], [True, True, False]])

functions = {
    "conv_transpose2d_stride_padding_dilation": (
        lambda x: (lambda y: (y ** 2).sum() + y.sin().sum())(
            F.conv_transpose2d(x.reshape(1, 2, 2, 4), weights((2, 3, 3, 2), 0.5) + 0.1 * x[:6].repeat(6).reshape(2, 3, 3, 2),
                               stride=(2, 1), padding=(1, 0), output_padding=(1, 0), dilation=(1, 2))),
        x16, v16),
    "conv_transpose2d_groups_bias_unbatched": (
        lambda x: (lambda y: (y * weights(y.shape)).sum() + (y ** 3).sum() * 0.1)(
            F.conv_transpose2d(x[:12].reshape(4, 1, 3), weights((4, 2, 2, 2), 0.7), bias=x[12:16] * 0.5,
                               stride=(1, 2), padding=(0, 1), output_padding=(0, 1), groups=2)),
        x16, v16),
    "conv_transpose2d_output_padding_beyond_stride": (
        lambda x: (F.conv_transpose2d(x[:12].reshape(1, 2, 2, 3), x[12:24].reshape(2, 1, 3, 2), padding=(1, 0),
                                      output_padding=(1, 2), dilation=(2, 3)).cos() * weights((1, 1, 5, 8))).sum(),
        x24, v24),
    "conv_transpose1d_stride_output_padding": (
        lambda x: (lambda y: (y.tanh() * weights(y.shape)).sum())(
            F.conv_transpose1d(x[:12].reshape(2, 2, 3), x[12:24].reshape(2, 2, 3), bias=torch.tensor([0.1, -0.2]),
                               stride=3, padding=1, output_padding=2, dilation=1)),
        x24, v24),
    "conv_transpose1d_groups_dilation": (
        lambda x: (F.conv_transpose1d(x[:8].reshape(4, 2), weights((4, 3, 2)) + x[8:].reshape(4, 1, 1),
                                      groups=2, dilation=2, stride=2, output_padding=1) ** 2).sum(),
        x12, v12),
    "adaptive_avg_pool2d_down_and_up": (
        lambda x: (F.adaptive_avg_pool2d(x.reshape(1, 2, 3, 4), (2, 3)) ** 2).sum()
        + (F.adaptive_avg_pool2d(x.reshape(2, 3, 4), (5, 2)).sin() * weights((2, 5, 2))).sum()
        + F.adaptive_avg_pool2d(x.reshape(1, 1, 4, 6), (1, 1)).exp().sum(),
        x24, v24),
    "adaptive_avg_pool1d_overlapping_bins": (
        lambda x: (F.adaptive_avg_pool1d(x.reshape(2, 2, 3), 2) ** 3).sum()
        + (F.adaptive_avg_pool1d(x.reshape(3, 4), 3).cos() * weights((3, 3))).sum()
        + (F.adaptive_avg_pool1d(x.reshape(1, 2, 6), 4) * weights((1, 2, 4))).pow(2).sum(),
        x12, v12),
    "batch_norm_training_affine": (
        lambda x: (lambda y: (y * weights(y.shape)).sum() + (y ** 3).sum() * 0.2)(
            F.batch_norm(x.reshape(3, 2, 2), None, None, weight=1.0 + 0.3 * x[:2], bias=x[2:4], training=True, eps=1e-3)),
        x12, v12),
    "batch_norm_training_4d": (
        lambda x: (lambda y: (y.sin() * weights(y.shape)).sum())(
            F.batch_norm(x.reshape(2, 3, 2, 2), None, None, training=True, eps=1e-5)),
        x24, v24),
    "batch_norm_eval_running_stats": (
        lambda x: (lambda y: (y * weights(y.shape)).sum() + (y ** 2).sum())(
            F.batch_norm(x[:8].reshape(2, 2, 2), torch.tensor([0.3, -0.2]), torch.tensor([0.8, 1.7]), weight=x[8:10] - 0.5,
                         bias=x[10:12], training=False, eps=1e-2)),
        x12, v12),
    "instance_norm_affine": (
        lambda x: (lambda y: (y * weights(y.shape)).sum() + (y ** 3).sum() * 0.1)(
            F.instance_norm(x.reshape(2, 3, 4), weight=1.0 + 0.2 * x[:3], bias=x[3:6], eps=1e-4)),
        x24, v24),
    "instance_norm_running_statistics": (
        lambda x: (F.instance_norm(x.reshape(2, 3, 2, 2), torch.tensor([0.1, -0.2, 0.3]), torch.tensor([1.5, 0.5, 2.0]),
                                   weight=x[:3], use_input_stats=False, eps=1e-3) ** 2).sum(),
        x24, v24),
    "layer_norm_last_dim_affine": (
        lambda x: (lambda y: (y * weights(y.shape)).sum() + (y ** 3).sum() * 0.1)(
            F.layer_norm(x.reshape(3, 4), [4], weight=1.0 + 0.2 * x[:4], bias=x[4:8] * 0.5, eps=1e-4)),
        x12, v12),
    "layer_norm_two_dims": (
        lambda x: (F.layer_norm(x.reshape(2, 2, 6), [2, 6], eps=1e-5).tanh() * weights((2, 2, 6))).sum(),
        x24, v24),
    "group_norm_affine": (
        lambda x: (lambda y: (y * weights(y.shape)).sum() + (y ** 2).sum() * 0.3)(
            F.group_norm(x[:20].reshape(1, 4, 5), 2, weight=1.0 + 0.3 * x[20:24], bias=torch.tensor([0.1, 0.2, -0.3, 0.4]), eps=1e-3)),
        x24, v24),
    "group_norm_no_affine_4d": (
        lambda x: (F.group_norm(x.reshape(2, 6, 2, 1), 3, eps=1e-5).sin() * weights((2, 6, 2, 1))).sum(),
        x24, v24),
    "embedding_padding_idx": (
        lambda x: (F.embedding(idx, x.reshape(4, 3), padding_idx=2).tanh() * weights((3, 2, 3))).sum()
        + (F.embedding(torch.tensor([1, 3, 3]), x.reshape(4, 3) ** 2).sum()),
        x12, v12),
    "bilinear_batch_bias": (
        lambda x: (lambda y: (y * weights(y.shape)).sum() + (y ** 2).sum())(
            F.bilinear(x[:6].reshape(2, 3), x[6:10].reshape(2, 2), weights((2, 3, 2)) + 0.2 * x[12:24].reshape(2, 3, 2),
                       bias=x[10:12])),
        x24, v24),
    "bilinear_unbatched_and_3d": (
        lambda x: F.bilinear(x[:3], x[3:5], weights((4, 3, 2))).sin().sum()
        + (F.bilinear(x[:12].reshape(2, 2, 3), x[12:20].reshape(2, 2, 2), weights((3, 3, 2))) ** 2).sum(),
        x24, v24),
    "attention_plain": (
        lambda x: (attention(x[:6].reshape(3, 2), x[6:12].reshape(3, 2), x[12:18].reshape(3, 2))
                   * weights((3, 2))).sum()
        + attention(x[:8].reshape(2, 2, 2), x[8:14].reshape(1, 3, 2), x[14:20].reshape(3, 2)).pow(2).sum(),
        x24, v24),
    "attention_causal_batched": (
        lambda x: (attention(x[:12].reshape(2, 3, 2), x[12:24].reshape(2, 3, 2), x[:12].sin().reshape(2, 3, 2), causal=True)
                   * weights((2, 3, 2))).sum(),
        x24, v24),
    "attention_bool_mask_with_a_dead_row": (
        lambda x: (attention(x[:6].reshape(3, 2), x[6:12].reshape(3, 2), x[12:21].reshape(3, 3), mask=bool_mask)
                   * weights((3, 3))).sum(),
        x24, v24),
    "attention_float_mask_from_x": (
        lambda x: (attention(x[:8].reshape(1, 2, 4), x[8:20].reshape(1, 3, 4), x[12:24].reshape(1, 3, 4),
                             mask=x[18:24].reshape(2, 3) * 2.0) * weights((1, 2, 4))).sum(),
        x24, v24),
    "normalize_pairwise_distance_cosine": (
        lambda x: (F.normalize(x.reshape(3, 4), p=2.0, dim=1) * weights((3, 4))).sum()
        + (F.normalize(x.reshape(3, 4), p=3.0, dim=0) ** 2).sum()
        + F.pairwise_distance(x[:6].reshape(2, 3), x[6:12].reshape(2, 3)).sum()
        + F.pairwise_distance(x[:6].reshape(2, 3), x[9:12], p=1.5, eps=1e-3, keepdim=True).sin().sum()
        + F.cosine_similarity(x[:6].reshape(2, 3), x[6:12].reshape(2, 3), dim=1).sum()
        + (F.cosine_similarity(x.reshape(3, 4), x[:4], dim=-1) * torch.tensor([1.0, -2.0, 0.5])).sum(),
        x12, v12),
    "activations_clamps_and_units": (
        lambda x: (F.hardtanh(2 * x, -1.0, 1.0) * x).sum()
        + (F.relu6(4 * x + 3) ** 2).sum()
        + F.selu(2 * x).sin().sum()
        + (F.celu(2 * x, alpha=0.75) * x).sum()  # alpha exact in float32: PyTorch's celu backward rounds it to float
        + F.mish(3 * x).pow(2).sum()
        + (F.softsign(3 * x) * x).sum(),
        x12, v12),
    "activations_gates_and_shrinks": (
        lambda x: (F.glu(x.reshape(3, 4), dim=1) * weights((3, 2))).sum()
        + (F.gelu(2 * x, approximate="tanh") ** 2).sum()
        + (hardsigmoid(4 * x) * x).sum()
        + F.hardswish(4 * x).pow(2).sum()
        + (F.softmin(x.reshape(3, 4), dim=0) * weights((3, 4))).sum()
        + F.tanhshrink(2 * x).sum()
        + (F.softshrink(x, 0.3) * x).sum()
        + (F.hardshrink(x, 0.3) ** 3).sum()
        + (F.threshold(x, 0.1, -2.0) * x).sum(),
        x12, v12),
    "activations_prelu_softplus": (
        lambda x: (F.prelu(x.reshape(2, 3, 2), x[:3] * 0.5) ** 2).sum()
        + (F.prelu(x, torch.tensor([0.25])) * weights((12,))).sum()
        + (F.softplus(3 * x, beta=2.0, threshold=3.0) * x).sum(),
        x12, v12),
}


def batch_norm_running():
    """Running statistics after two training steps (momentum 0.3), then evaluation mode."""
    rm = torch.tensor([0.5, -0.25, 1.0])
    rv = torch.tensor([2.0, 0.5, 1.5])
    a = x24.reshape(4, 3, 2)
    b = x24.flip(0)[:18].reshape(3, 3, 2) * 2.0 + 0.5
    w, bias = torch.tensor([1.5, -0.5, 2.0]), torch.tensor([0.1, 0.0, -0.2])
    y1 = F.batch_norm(a, rm, rv, weight=w, bias=bias, training=True, momentum=0.3, eps=1e-4)
    after1 = (rm.tolist(), rv.tolist())
    F.batch_norm(b, rm, rv, weight=w, bias=bias, training=True, momentum=0.3, eps=1e-4)
    y3 = F.batch_norm(a, rm, rv, weight=w, bias=bias, training=False, momentum=0.3, eps=1e-4)
    return {
        "train_output": y1.reshape(-1).tolist(),
        "mean_after_one": after1[0], "var_after_one": after1[1],
        "mean_after_two": rm.tolist(), "var_after_two": rv.tolist(),
        "eval_output": y3.reshape(-1).tolist(),
    }


def instance_norm_running():
    """Running statistics after one instance-norm step (momentum 0.2): batch averages of the
    per-instance mean and unbiased variance."""
    rm = torch.tensor([0.1, 0.2, 0.3])
    rv = torch.tensor([1.0, 2.0, 3.0])
    y = F.instance_norm(x24.reshape(2, 3, 4), rm, rv, use_input_stats=True, momentum=0.2, eps=1e-5)
    return {"output": y.reshape(-1).tolist(), "mean": rm.tolist(), "var": rv.tolist()}


captured = io.StringIO()
with contextlib.redirect_stdout(captured):
    emit(functions)
out = json.loads(captured.getvalue())
out["_batch_norm_running"] = batch_norm_running()
out["_instance_norm_running"] = instance_norm_running()
print(json.dumps(out, indent=1))
