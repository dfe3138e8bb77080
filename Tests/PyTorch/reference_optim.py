"""Reference trajectories for the optimizers (Tests/OptimizerTests.fs replays them with Nabla's).

One small problem, defined identically in the F# test: parameters w (3x2) and b (2) of
    loss(w, b) = mean((tanh(X @ w + b) - Y) ** 2) + 0.1 * sum(w ** 4)
and a third parameter u (2) that the loss does not use (it never gets a gradient, so every
optimizer must skip it, weight decay included). For each case, an optimizer of PyTorch over
[w, b, u] (or over the case's parameter groups) takes 10 steps (zero_grad(set_to_none=True),
loss, backward, step) from the same start; the JSON holds w, b and u flattened and concatenated
after every step. Everything is float64, the default dtype too, so that the 0-d state PyTorch
keeps as tensors (NAdam's mu_product, the step counts) is float64 as Nabla's.

Run from the repository root:
    /usr/bin/python3 Tests/PyTorch/reference_optim.py > Tests/PyTorch/reference_optim.json
"""
import json
import torch

torch.set_default_dtype(torch.float64)

X = torch.tensor([[0.5, -1.2, 0.3], [1.1, 0.4, -0.7], [-0.6, 0.9, 1.5], [0.2, -0.3, -1.0]])
Y = torch.tensor([[0.3, -0.5], [-0.8, 0.6], [0.1, 0.9], [-0.4, -0.2]])
W0 = torch.tensor([[0.4, -0.3], [0.7, 0.2], [-0.5, 0.6]])
B0 = torch.tensor([0.1, -0.2])
U0 = torch.tensor([0.5, -1.5])
STEPS = 10


def loss(w, b):
    return ((torch.tanh(X @ w + b) - Y) ** 2).mean() + 0.1 * (w**4).sum()


O = torch.optim
# name -> (optimizer class, options, parameter groups as (parameter indices, group options) or None)
CASES = {
    "sgd": (O.SGD, dict(lr=0.1), None),
    "sgd_momentum_dampening": (O.SGD, dict(lr=0.1, momentum=0.9, dampening=0.3), None),
    "sgd_nesterov": (O.SGD, dict(lr=0.1, momentum=0.9, nesterov=True), None),
    "sgd_weight_decay": (O.SGD, dict(lr=0.1, momentum=0.5, weight_decay=0.1), None),
    "sgd_maximize": (O.SGD, dict(lr=0.1, momentum=0.5, maximize=True), None),
    "adam": (O.Adam, dict(lr=0.05), None),
    "adam_amsgrad": (O.Adam, dict(lr=0.05, amsgrad=True), None),
    "adam_weight_decay": (O.Adam, dict(lr=0.05, weight_decay=0.1, eps=1e-3), None),
    "adam_maximize": (O.Adam, dict(lr=0.05, betas=(0.8, 0.99), maximize=True), None),
    "adam_groups": (O.Adam, dict(lr=0.05), [([0], dict(lr=0.1)), ([1, 2], dict(lr=0.01, betas=(0.5, 0.9)))]),
    "adamw": (O.AdamW, dict(lr=0.05), None),
    "adamw_amsgrad": (O.AdamW, dict(lr=0.05, weight_decay=0.1, amsgrad=True), None),
    "adamw_maximize": (O.AdamW, dict(lr=0.05, maximize=True), None),
    "adamax": (O.Adamax, dict(lr=0.05), None),
    "adamax_weight_decay_maximize": (O.Adamax, dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, maximize=True), None),
    "nadam": (O.NAdam, dict(lr=0.05), None),
    "nadam_weight_decay": (O.NAdam, dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01), None),
    # steps 1-5 take RAdam's unrectified branch (rho_t <= 5), steps 6-10 the rectified one
    "radam": (O.RAdam, dict(lr=0.05), None),
    "radam_weight_decay": (O.RAdam, dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1), None),
    "rmsprop": (O.RMSprop, dict(lr=0.01), None),
    "rmsprop_centered": (O.RMSprop, dict(lr=0.01, centered=True), None),
    "rmsprop_momentum": (O.RMSprop, dict(lr=0.01, momentum=0.9), None),
    "rmsprop_weight_decay": (O.RMSprop, dict(lr=0.01, alpha=0.9, weight_decay=0.1), None),
    "rmsprop_centered_momentum_maximize": (
        O.RMSprop,
        dict(lr=0.01, momentum=0.5, centered=True, maximize=True),
        None,
    ),
    "adagrad": (O.Adagrad, dict(lr=0.1), None),
    "adagrad_lr_decay": (O.Adagrad, dict(lr=0.1, lr_decay=0.05), None),
    "adagrad_initial_accumulator": (O.Adagrad, dict(lr=0.1, initial_accumulator_value=0.5, eps=1e-6), None),
    "adagrad_weight_decay_maximize": (O.Adagrad, dict(lr=0.1, weight_decay=0.1, maximize=True), None),
    "adadelta": (O.Adadelta, dict(), None),
    "adadelta_weight_decay_maximize": (
        O.Adadelta,
        dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1, maximize=True),
        None,
    ),
    "sgd_groups": (O.SGD, dict(lr=0.1, momentum=0.9), [([0, 2], dict()), ([1], dict(lr=0.02, nesterov=True))]),
}


def run(cls, options, groups):
    params = [W0.clone().requires_grad_(), B0.clone().requires_grad_(), U0.clone().requires_grad_()]
    if groups is None:
        opt = cls(params, **options)
    else:
        opt = cls([dict(params=[params[i] for i in ix], **g) for ix, g in groups], **options)
    steps = []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss(params[0], params[1]).backward()
        opt.step()
        steps.append(torch.cat([p.detach().reshape(-1) for p in params]).tolist())
    return steps


out = {
    "problem": {
        "X": X.tolist(),
        "Y": Y.tolist(),
        "w": W0.tolist(),
        "b": B0.tolist(),
        "u": U0.tolist(),
        "steps": STEPS,
    }
}
for name, (cls, options, groups) in CASES.items():
    out[name] = {
        "optimizer": cls.__name__,
        "options": {k: v for k, v in options.items()},
        "groups": None if groups is None else [dict(params=ix, **g) for ix, g in groups],
        "steps": run(cls, options, groups),
    }
out["_generator"] = f"PyTorch {torch.__version__}, float64, torch.optim single-tensor (foreach=False) path"
# One case per line: the file stays diffable.
print("{")
print(",\n".join(f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in out.items()))
print("}")
