"""Reference values and gradients from PyTorch for the losses (Tests/LossTests.fs).

Two parts:
* "cases": every loss with each reduction and option combination, at fixed inputs (stored in the
  output, so that the F# side uses exactly the same numbers). For each case: the inputs, the
  value, a fixed cotangent of the value's shape (1 for a scalar), and the gradients of
  <value, cotangent> with respect to the inputs listed in the case (null for the others).
* "functions": scalar functions mixing a loss with other ops, in the format of common.emit
  (value, gradient, JVP, Hessian), for PyTorchParity.suite.

Regenerate with Debian's PyTorch (see common.py):
    /usr/bin/python3 Tests/PyTorch/reference_losses.py
which writes reference_losses.json and reference_loss_functions.json next to this script.
"""
import contextlib
import io
import json
import os

import torch
import torch.nn.functional as F
from common import emit, tensor_json

torch.set_default_dtype(torch.float64)


def const(n, a=1.0, phase=0.3, freq=1.7):
    """n deterministic values in about [-a, a]."""
    return a * torch.sin(torch.arange(n, dtype=torch.float64) * freq + phase)


def shaped(shape, a=1.0, phase=0.3, freq=1.7):
    n = 1
    for d in shape:
        n *= d
    return const(n, a, phase, freq).reshape(shape)


# ---------------------------------------------------------------- inputs
pred = shaped((4, 3), 1.5)
targ = shaped((4, 3), 1.2, phase=1.1, freq=0.9)
prob = torch.sigmoid(shaped((4, 3), 2.0, phase=0.7))  # in (0.12, 0.88)
soft = torch.sigmoid(shaped((4, 3), 1.5, phase=2.0, freq=1.3))  # soft labels in (0, 1)
hard = (shaped((4, 3), 1.0, phase=0.5, freq=2.3) > 0).double()  # 0/1 labels
w43 = 0.5 + torch.sigmoid(shaped((4, 3), 1.0, phase=0.9))
w3 = torch.tensor([0.4, 1.3, 0.8])
w41 = torch.tensor([[1.2], [0.7], [0.3], [1.5]])
pos3 = torch.tensor([2.0, 0.5, 1.3])

logits = shaped((5, 4), 2.0, phase=0.1, freq=1.1)
idx = torch.tensor([2, 0, 3, 1, 2])
idx_ign = torch.tensor([2, -100, 3, 1, -100])
idx_ign1 = torch.tensor([2, 1, 3, 1, 0])  # ignore_index = 1 ignores two valid classes
cw = torch.tensor([0.3, 1.2, 0.7, 2.0])
probs_t = torch.softmax(shaped((5, 4), 1.5, phase=0.6, freq=0.8), 1)
logits_sp = shaped((2, 4, 3, 2), 1.8, phase=0.2, freq=0.7)  # [N, C, d1, d2]
idx_sp = torch.tensor([[[0, 3], [1, 2], [2, 2]], [[3, 0], [1, 1], [0, 2]]])
idx_sp_ign = torch.tensor([[[0, -100], [1, 2], [2, 2]], [[3, 0], [-100, 1], [0, 2]]])
probs_sp = torch.softmax(shaped((2, 4, 3, 2), 1.0, phase=1.4, freq=0.45), 1)
logits1 = shaped((4,), 1.5, phase=0.8)
idx1 = torch.tensor(2)
probs1 = torch.softmax(shaped((4,), 1.0, phase=2.2), 0)
logp = torch.log_softmax(logits, 1)
logp_sp = torch.log_softmax(logits_sp, 1)

kl_in = torch.log_softmax(shaped((3, 4), 1.3, phase=0.4), 1)
kl_t = torch.softmax(shaped((3, 4), 1.1, phase=1.9, freq=0.6), 1)
kl_t0 = kl_t.clone()
kl_t0[1, 2] = 0.0
kl_logt = torch.log_softmax(shaped((3, 4), 0.9, phase=2.5, freq=1.2), 1)

x1 = shaped((4, 3), 1.0, phase=0.2)
x2 = shaped((4, 3), 1.0, phase=1.5, freq=1.3)
# cos(x1[i], x2[i]) for these rows is about 0.62, 0.95, -0.18 and -0.72: the margins below keep
# every negative pair (rows 1 and 2) away from max(0, cos - margin)'s kink
ysign = torch.tensor([1.0, -1.0, -1.0, 1.0])
r1 = shaped((5,), 1.0, phase=0.4)
r2 = shaped((5,), 1.0, phase=1.2, freq=1.1)
rsign = torch.tensor([1.0, -1.0, 1.0, 1.0, -1.0])

# ---------------------------------------------------------------- cases
R = ["mean", "sum", "none"]
cases = {}


def add(name, f, inputs, grads, reductions=R):
    for r in reductions:
        cases[f"{name}_{r}"] = ((lambda r: lambda *xs: f(r, *xs))(r), inputs, grads)


add("mse", lambda r, x, t: F.mse_loss(x, t, reduction=r), [pred, targ], [0, 1])
add("l1", lambda r, x, t: F.l1_loss(x, t, reduction=r), [pred, targ], [0, 1])
add("smooth_l1", lambda r, x, t: F.smooth_l1_loss(x, t, reduction=r), [pred, targ], [0, 1])
add("smooth_l1_beta_0.5", lambda r, x, t: F.smooth_l1_loss(x, t, reduction=r, beta=0.5), [pred, targ], [0, 1])
add("smooth_l1_beta_0", lambda r, x, t: F.smooth_l1_loss(x, t, reduction=r, beta=0.0), [pred, targ], [0])
add("huber", lambda r, x, t: F.huber_loss(x, t, reduction=r), [pred, targ], [0, 1])
add("huber_delta_0.7", lambda r, x, t: F.huber_loss(x, t, reduction=r, delta=0.7), [pred, targ], [0, 1])
add("bce", lambda r, x, t: F.binary_cross_entropy(x, t, reduction=r), [prob, soft], [0, 1])
add("bce_hard_labels", lambda r, x, t: F.binary_cross_entropy(x, t, reduction=r), [prob, hard], [0])
add("bce_weight", lambda r, x, t, w: F.binary_cross_entropy(x, t, weight=w, reduction=r), [prob, soft, w43], [0, 1])
add("bce_weight_broadcast", lambda r, x, t, w: F.binary_cross_entropy(x, t, weight=w, reduction=r), [prob, soft, w3], [0])
add("bce_with_logits", lambda r, x, t: F.binary_cross_entropy_with_logits(x, t, reduction=r), [pred, soft], [0, 1])
add(
    "bce_with_logits_weight",
    lambda r, x, t, w: F.binary_cross_entropy_with_logits(x, t, weight=w, reduction=r),
    [pred, soft, w41],
    [0, 1],
)
add(
    "bce_with_logits_pos_weight",
    lambda r, x, t, p: F.binary_cross_entropy_with_logits(x, t, pos_weight=p, reduction=r),
    [pred, soft, pos3],
    [0, 1],
)
add(
    "bce_with_logits_weight_pos_weight",
    lambda r, x, t, w, p: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=p, reduction=r),
    [pred, hard, w43, pos3],
    [0, 1],
)
add("cross_entropy", lambda r, x, t: F.cross_entropy(x, t, reduction=r), [logits, idx], [0])
add("cross_entropy_weight", lambda r, x, t, w: F.cross_entropy(x, t, weight=w, reduction=r), [logits, idx, cw], [0])
add("cross_entropy_ignore", lambda r, x, t: F.cross_entropy(x, t, reduction=r), [logits, idx_ign], [0])
add(
    "cross_entropy_weight_ignore",
    lambda r, x, t, w: F.cross_entropy(x, t, weight=w, reduction=r),
    [logits, idx_ign, cw],
    [0],
)
add(
    "cross_entropy_ignore_index_1",
    lambda r, x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=1, reduction=r),
    [logits, idx_ign1, cw],
    [0],
)
add("cross_entropy_smoothing", lambda r, x, t: F.cross_entropy(x, t, label_smoothing=0.2, reduction=r), [logits, idx], [0])
add(
    "cross_entropy_smoothing_weight_ignore",
    lambda r, x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.15, reduction=r),
    [logits, idx_ign, cw],
    [0],
)
add(
    "cross_entropy_smoothing_ignore",
    lambda r, x, t: F.cross_entropy(x, t, label_smoothing=0.3, reduction=r),
    [logits, idx_ign],
    [0],
)
add("cross_entropy_probs", lambda r, x, t: F.cross_entropy(x, t, reduction=r), [logits, probs_t], [0, 1])
add(
    "cross_entropy_probs_weight_smoothing",
    lambda r, x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.1, reduction=r),
    [logits, probs_t, cw],
    [0, 1],
)
add("cross_entropy_spatial", lambda r, x, t: F.cross_entropy(x, t, reduction=r), [logits_sp, idx_sp], [0])
add(
    "cross_entropy_spatial_weight_ignore_smoothing",
    lambda r, x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.1, reduction=r),
    [logits_sp, idx_sp_ign, cw],
    [0],
)
add("cross_entropy_spatial_probs", lambda r, x, t: F.cross_entropy(x, t, reduction=r), [logits_sp, probs_sp], [0, 1])
add("cross_entropy_unbatched", lambda r, x, t: F.cross_entropy(x, t, reduction=r), [logits1, idx1], [0])
add(
    "cross_entropy_unbatched_weight_smoothing",
    lambda r, x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.25, reduction=r),
    [logits1, idx1, cw],
    [0],
)
add("cross_entropy_unbatched_probs", lambda r, x, t: F.cross_entropy(x, t, reduction=r), [logits1, probs1], [0, 1])
add("nll", lambda r, x, t: F.nll_loss(x, t, reduction=r), [logp, idx], [0])
add("nll_weight", lambda r, x, t, w: F.nll_loss(x, t, weight=w, reduction=r), [logp, idx, cw], [0])
add("nll_weight_ignore", lambda r, x, t, w: F.nll_loss(x, t, weight=w, reduction=r), [logp, idx_ign, cw], [0])
add("nll_ignore", lambda r, x, t: F.nll_loss(x, t, reduction=r), [logp, idx_ign], [0])
add("nll_ignore_index_1", lambda r, x, t: F.nll_loss(x, t, ignore_index=1, reduction=r), [logp, idx_ign1], [0])
add("nll_spatial_weight_ignore", lambda r, x, t, w: F.nll_loss(x, t, weight=w, reduction=r), [logp_sp, idx_sp_ign, cw], [0])
add("nll_unbatched", lambda r, x, t: F.nll_loss(x, t, reduction=r), [torch.log_softmax(logits1, 0), idx1], [0])
KL = ["mean", "sum", "none", "batchmean"]
add("kl_div", lambda r, x, t: F.kl_div(x, t, reduction=r), [kl_in, kl_t], [0, 1], KL)
add("kl_div_zero_target", lambda r, x, t: F.kl_div(x, t, reduction=r), [kl_in, kl_t0], [0], KL)
add("kl_div_log_target", lambda r, x, t: F.kl_div(x, t, reduction=r, log_target=True), [kl_in, kl_logt], [0, 1], KL)
add("cosine_embedding", lambda r, a, b, y: F.cosine_embedding_loss(a, b, y, reduction=r), [x1, x2, ysign], [0, 1])
add(
    "cosine_embedding_margin",
    lambda r, a, b, y: F.cosine_embedding_loss(a, b, y, margin=-0.4, reduction=r),
    [x1, x2, ysign],
    [0, 1],
)
add(
    "cosine_embedding_margin_0.5",
    lambda r, a, b, y: F.cosine_embedding_loss(a, b, y, margin=0.5, reduction=r),
    [x1, x2, ysign],
    [0, 1],
)
add(
    "cosine_embedding_unbatched",
    lambda r, a, b, y: F.cosine_embedding_loss(a, b, y, reduction=r),
    [x1[1], x2[1], torch.tensor(-1.0)],
    [0, 1],
)
add("margin_ranking", lambda r, a, b, y: F.margin_ranking_loss(a, b, y, reduction=r), [r1, r2, rsign], [0, 1])
add(
    "margin_ranking_margin",
    lambda r, a, b, y: F.margin_ranking_loss(a, b, y, margin=0.3, reduction=r),
    [r1, r2, rsign],
    [0, 1],
)


def cotangent(shape):
    if len(shape) == 0:
        return torch.tensor(1.0)
    return shaped(shape, 1.0, phase=0.25, freq=1.3)


out = {}
for name, (f, inputs, grads) in cases.items():
    ins = [x.clone().requires_grad_(i in grads) for i, x in enumerate(inputs)]
    y = f(*ins)
    cot = cotangent(tuple(y.shape))
    (y * cot).sum().backward()
    out[name] = {
        "inputs": [tensor_json(x) for x in inputs],
        "value": tensor_json(y),
        "cotangent": tensor_json(cot),
        "grads": [(tensor_json(x.grad) if i in grads else None) for i, x in enumerate(ins)],
    }
out["_generator"] = f"PyTorch {torch.__version__}, float64"

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "reference_losses.json"), "w") as fh:
    fh.write("{\n")
    fh.write(",\n".join(f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in out.items()))
    fh.write("\n}\n")

# ---------------------------------------------------------------- scalar functions (second order)
x6 = torch.tensor([0.3, -1.2, 0.8, 1.7, -0.4, 0.05])
v6 = torch.tensor([1.0, 0.5, -0.3, 0.2, -1.0, 0.7])
x12 = torch.linspace(-1.1, 1.4, 12) * torch.cos(torch.arange(12.0))
v12 = torch.sin(torch.arange(12.0) + 0.5)
T23 = torch.tensor([[0.5, -0.2, 0.1], [0.9, 0.0, -0.7]])
idx4 = torch.tensor([2, -100, 0, 1])
cw3 = torch.tensor([0.5, 1.5, 1.1])

functions = {
    "mse_of_tanh": (lambda x: F.mse_loss(torch.tanh(x.reshape(2, 3)), T23) * 3.0, x6, v6),
    "l1_smooth_l1_huber": (
        lambda x: F.l1_loss(x * x, T23.reshape(-1))
        + F.smooth_l1_loss(x, T23.reshape(-1), beta=0.6, reduction="sum")
        + F.huber_loss(torch.sin(x), T23.reshape(-1) * 2.0, delta=0.4),
        x6,
        v6,
    ),
    "cross_entropy_weight_ignore_smoothing": (
        lambda x: F.cross_entropy(x.reshape(4, 3) * 1.5, idx4, weight=cw3, label_smoothing=0.2),
        x12,
        v12,
    ),
    "cross_entropy_none_times_values": (
        lambda x: (F.cross_entropy(x.reshape(4, 3), torch.tensor([1, 0, 2, 2]), reduction="none") * x[:4]).sum(),
        x12,
        v12,
    ),
    "cross_entropy_probs_from_x": (
        lambda x: F.cross_entropy(x.reshape(3, 4), torch.softmax(x.flip(0).reshape(3, 4), 1), label_smoothing=0.1),
        x12,
        v12,
    ),
    "nll_of_log_softmax_sum": (
        lambda x: F.nll_loss(torch.log_softmax(x.reshape(4, 3), 1) * torch.cos(x.reshape(4, 3)), idx4, weight=cw3, reduction="sum"),
        x12,
        v12,
    ),
    "bce_of_sigmoid_weight": (
        lambda x: F.binary_cross_entropy(torch.sigmoid(x.reshape(2, 3)), torch.tensor([[1.0, 0.0, 0.3], [0.6, 1.0, 0.0]]), weight=torch.tensor([0.5, 1.0, 2.0])),
        x6,
        v6,
    ),
    "bce_with_logits_pos_weight_target_from_x": (
        lambda x: F.binary_cross_entropy_with_logits(
            x.reshape(2, 3), torch.sigmoid(x.flip(0).reshape(2, 3)), weight=torch.tensor([[0.7], [1.3]]), pos_weight=torch.tensor([2.0, 0.5, 1.5])
        ),
        x6,
        v6,
    ),
    "kl_div_batchmean_and_log_target": (
        lambda x: F.kl_div(torch.log_softmax(x.reshape(2, 3), 1), torch.softmax(x.flip(0).reshape(2, 3), 1), reduction="batchmean")
        + F.kl_div(torch.log_softmax(x.reshape(3, 2), 1), x.reshape(3, 2) * 0.5, reduction="sum", log_target=True),
        x6,
        v6,
    ),
    "cosine_embedding_and_margin_ranking": (
        lambda x: F.cosine_embedding_loss(x[:6].reshape(2, 3), x[6:].reshape(2, 3), torch.tensor([1.0, -1.0]), margin=-0.5)
        + F.margin_ranking_loss(x[:6], x[6:] * 0.5, torch.tensor([1.0, -1.0, 1.0, -1.0, 1.0, 1.0]), margin=0.1, reduction="sum"),
        x12,
        v12,
    ),
}

buffer = io.StringIO()
with contextlib.redirect_stdout(buffer):
    emit(functions)
with open(os.path.join(here, "reference_loss_functions.json"), "w") as fh:
    fh.write(buffer.getvalue())
