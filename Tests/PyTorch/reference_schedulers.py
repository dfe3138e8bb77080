"""Reference trajectories for Tests/SchedulerTests.fs, computed by PyTorch in float64:
- learning-rate schedulers: the lr of each parameter group (and the momentum or beta1 that
  OneCycleLR and CyclicLR cycle) after construction and after each of the following steps;
  CosineAnnealingWarmRestarts also with step(epoch) at given (fractional) epochs;
- ReduceLROnPlateau over a fixed metric sequence;
- LBFGS (fixed step and strong Wolfe line search) on a 6-dimensional Rosenbrock function split
  over two parameters: the parameters, loss, func_evals and n_iter after each step;
- clip_grad_norm_ (norms 2, 1, 3, inf) and clip_grad_value_: total norm and clipped gradients;
- SGD, Adam, AdamW and RMSprop on a small smooth problem: the parameters after each step (the
  functional optimizers must follow the same trajectories).
Run from the repository root:
    /usr/bin/python3 Tests/PyTorch/reference_schedulers.py > Tests/PyTorch/reference_schedulers.json
"""
import json
import math
import warnings

import torch
from torch.optim import SGD, Adam, AdamW, RMSprop, LBFGS
from torch.optim import lr_scheduler as S

warnings.filterwarnings("ignore")
torch.set_default_dtype(torch.float64)

STEPS = 30


def params():
    return [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]


def groups(extra=None):
    a, b = params()
    g = [{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.05}]
    if extra:
        for x in g:
            x.update(extra)
    return g


def trace(opt, sched, steps=STEPS, key=None):
    """lr (and key: 'momentum' or 'beta1') of each group after construction and each step."""
    def read():
        row = {"lr": [g["lr"] for g in opt.param_groups], "last_lr": list(sched.get_last_lr())}
        if key == "momentum":
            row["momentum"] = [g["momentum"] for g in opt.param_groups]
        elif key == "beta1":
            row["momentum"] = [g["betas"][0] for g in opt.param_groups]
        return row

    rows = [read()]
    for _ in range(steps - 1):
        opt.step()
        sched.step()
        rows.append(read())
    return {
        "lr": [r["lr"] for r in rows],
        "last_lr": [r["last_lr"] for r in rows],
        "momentum": [r["momentum"] for r in rows] if key else None,
    }


def schedulers():
    out = {}

    def sgd(**kw):
        return SGD(groups(), lr=0.1, **kw)

    o = sgd(); out["step_lr"] = trace(o, S.StepLR(o, step_size=7, gamma=0.5))
    o = sgd(); out["step_lr_default"] = trace(o, S.StepLR(o, step_size=3))
    o = sgd(); out["multistep_lr"] = trace(o, S.MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.3))
    o = sgd(); out["exponential_lr"] = trace(o, S.ExponentialLR(o, gamma=0.9))
    o = sgd(); out["cosine_lr"] = trace(o, S.CosineAnnealingLR(o, T_max=10, eta_min=0.001))
    o = sgd(); out["cosine_lr_default"] = trace(o, S.CosineAnnealingLR(o, T_max=25))
    o = sgd(); out["linear_lr"] = trace(o, S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8))
    o = sgd(); out["linear_lr_decay"] = trace(o, S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=10))
    o = sgd(); out["linear_lr_default"] = trace(o, S.LinearLR(o))
    o = sgd(); out["constant_lr"] = trace(o, S.ConstantLR(o, factor=0.5, total_iters=4))
    o = sgd(); out["constant_lr_default"] = trace(o, S.ConstantLR(o))
    o = sgd(); out["polynomial_lr"] = trace(o, S.PolynomialLR(o, total_iters=12, power=2.0))
    o = sgd(); out["polynomial_lr_default"] = trace(o, S.PolynomialLR(o))
    o = sgd(); out["lambda_lr"] = trace(o, S.LambdaLR(o, lambda e: 1.0 / (1.0 + e)))
    o = sgd(); out["lambda_lr_per_group"] = trace(o, S.LambdaLR(o, [lambda e: 0.95 ** e, lambda e: 1.0 / (1.0 + e)]))

    o = SGD(groups(), lr=0.1, momentum=0.9)
    out["onecycle_cos"] = trace(o, S.OneCycleLR(o, max_lr=1.0, total_steps=STEPS), key="momentum")
    o = SGD(groups(), lr=0.1, momentum=0.9)
    out["onecycle_linear_three_phase"] = trace(
        o,
        S.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=STEPS, pct_start=0.25, anneal_strategy="linear",
                     three_phase=True, div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9),
        key="momentum")
    o = SGD(groups(), lr=0.1)
    out["onecycle_no_momentum"] = trace(o, S.OneCycleLR(o, max_lr=0.3, total_steps=STEPS, cycle_momentum=False))
    o = Adam(groups(), lr=0.1, betas=(0.9, 0.99))
    out["onecycle_betas"] = trace(o, S.OneCycleLR(o, max_lr=0.01, total_steps=STEPS, pct_start=0.4), key="beta1")

    o = sgd()
    out["sequential_lr"] = trace(o, S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=20)], milestones=[5]))
    o = sgd()
    out["sequential_lr_three"] = trace(o, S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.5, total_iters=4), S.ExponentialLR(o, gamma=0.9), S.StepLR(o, 3, 0.5)],
        milestones=[4, 10]))
    o = sgd()
    out["sequential_constant_polynomial"] = trace(o, S.SequentialLR(
        o, [S.ConstantLR(o, factor=0.1, total_iters=2), S.PolynomialLR(o, total_iters=15, power=0.5),
            S.MultiStepLR(o, [2, 4], 0.5)], milestones=[3, 20]))
    o = sgd()
    out["chained_constant_exponential"] = trace(o, S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.1, total_iters=2), S.ExponentialLR(o, gamma=0.9)]))
    o = sgd()
    out["chained"] = trace(o, S.ChainedScheduler(
        [S.LinearLR(o, start_factor=0.5, total_iters=4), S.ExponentialLR(o, gamma=0.9)]))

    # MultiplicativeLR
    o = sgd(); out["multiplicative_lr"] = trace(o, S.MultiplicativeLR(o, lambda e: 0.95))
    o = sgd()
    out["multiplicative_lr_per_group"] = trace(o, S.MultiplicativeLR(o, [lambda e: 0.9, lambda e: 1.0 - 0.01 * e]))

    # CosineAnnealingWarmRestarts with step()
    o = sgd(); out["warm_restarts"] = trace(o, S.CosineAnnealingWarmRestarts(o, T_0=5))
    o = sgd(); out["warm_restarts_mult2"] = trace(o, S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001))
    o = sgd(); out["warm_restarts_mult3"] = trace(o, S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=3, eta_min=0.002))
    o = sgd()
    out["sequential_warm_restarts"] = trace(o, S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=3), S.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2)],
        milestones=[3]))

    # CyclicLR: momentum cycled on SGD (the default cycle_momentum=True)
    o = SGD(groups(), lr=0.1, momentum=0.9)
    out["cyclic_triangular"] = trace(o, S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4), key="momentum")
    o = SGD(groups(), lr=0.1, momentum=0.9)
    out["cyclic_triangular2"] = trace(o, S.CyclicLR(
        o, base_lr=[0.01, 0.005], max_lr=[0.1, 0.05], step_size_up=3, step_size_down=5, mode="triangular2",
        base_momentum=0.85, max_momentum=0.95), key="momentum")
    o = SGD(groups(), lr=0.1, momentum=0.9)
    out["cyclic_exp_range"] = trace(o, S.CyclicLR(
        o, base_lr=0.02, max_lr=0.2, step_size_up=5, mode="exp_range", gamma=0.97), key="momentum")
    o = sgd()
    out["cyclic_no_momentum"] = trace(o, S.CyclicLR(o, base_lr=0.001, max_lr=0.01, step_size_up=6, step_size_down=2,
                                                    cycle_momentum=False))
    o = SGD(groups(), lr=0.1, momentum=0.9)
    out["cyclic_scale_fn_cycle"] = trace(o, S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=2, step_size_down=3, scale_fn=lambda c: 1.0 / c), key="momentum")
    o = sgd()
    out["cyclic_scale_fn_iterations"] = trace(o, S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=4, scale_fn=lambda x: 1.0 / (1.0 + 0.05 * x),
        scale_mode="iterations", mode="triangular2", cycle_momentum=False))

    # CyclicLR on Adam cycling beta1. PyTorch 1.13's CyclicLR rejects cycle_momentum=True on Adam
    # (it has no 'momentum'; PyTorch 2.0 cycles beta1 instead, writing the same values the
    # momentum would get). The reference is composed from 1.13: the lr of CyclicLR on Adam with
    # cycle_momentum=False (the lr does not depend on momentum cycling) and, as beta1, the
    # momentum of the same CyclicLR on SGD.
    kw = dict(base_lr=0.001, max_lr=0.006, step_size_up=4, step_size_down=2, mode="triangular2",
              base_momentum=0.85, max_momentum=0.95)
    o = Adam(groups(), lr=0.1, betas=(0.9, 0.99))
    adam = trace(o, S.CyclicLR(o, cycle_momentum=False, **kw))
    assert all(g["betas"] == (0.9, 0.99) for g in o.param_groups)
    o = SGD(groups(), lr=0.1, momentum=0.9)
    adam["momentum"] = trace(o, S.CyclicLR(o, **kw), key="momentum")["momentum"]
    out["cyclic_adam_beta1"] = adam
    return out


def trace_epochs(opt, sched, epochs):
    """lr of each group after construction and after each step: step() for None, else step(epoch)."""
    rows = [[g["lr"] for g in opt.param_groups]]
    last = [list(sched.get_last_lr())]
    for e in epochs:
        opt.step()
        if e is None:
            sched.step()
        else:
            sched.step(e)
        rows.append([g["lr"] for g in opt.param_groups])
        last.append(list(sched.get_last_lr()))
    return {"epochs": epochs, "lr": rows, "last_lr": last, "momentum": None, "last_epoch": sched.last_epoch}


def warm_restart_epochs():
    out = {}
    iters = 4
    fractional = [epoch + i / iters for epoch in range(12) for i in range(iters)]
    for name, kw in [("warm_restarts_fractional", dict(T_0=3)),
                     ("warm_restarts_fractional_mult2", dict(T_0=2, T_mult=2, eta_min=0.001)),
                     ("warm_restarts_fractional_mult3", dict(T_0=1, T_mult=3, eta_min=0.01))]:
        o = SGD(groups(), lr=0.1)
        out[name] = trace_epochs(o, S.CosineAnnealingWarmRestarts(o, **kw), fractional)
    # interleaved, as in PyTorch's docstring: step() ..., step(26), step() (= step(27)), integer epochs
    interleaved = [None] * 7 + [26, None, None, 3, None, 10.5, None, None, 0, None]
    for name, kw in [("warm_restarts_interleaved", dict(T_0=4)),
                     ("warm_restarts_interleaved_mult2", dict(T_0=2, T_mult=2, eta_min=0.005))]:
        o = SGD(groups(), lr=0.1)
        out[name] = trace_epochs(o, S.CosineAnnealingWarmRestarts(o, **kw), interleaved)
    return out


METRICS = [1.0, 0.9, 0.85, 0.86, 0.84, 0.84, 0.85, 0.83, 0.83, 0.83, 0.83, 0.7, 0.7, 0.71, 0.72, 0.7,
           0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]


def plateaus():
    out = {}
    cases = {
        "plateau_min_rel": dict(mode="min", factor=0.5, patience=2, cooldown=1, min_lr=0.01),
        "plateau_min_abs": dict(mode="min", factor=0.3, patience=1, threshold=0.02, threshold_mode="abs"),
        "plateau_max_rel": dict(mode="max", factor=0.5, patience=1, threshold=0.01),
        "plateau_max_abs": dict(mode="max", factor=0.2, patience=0, threshold=0.0, threshold_mode="abs", cooldown=2,
                                min_lr=1e-3),
        "plateau_default": dict(),
    }
    for name, kw in cases.items():
        o = SGD(groups(), lr=0.1)
        s = S.ReduceLROnPlateau(o, **kw)
        rows = []
        for m in METRICS:
            o.step()
            s.step(m)
            rows.append([g["lr"] for g in o.param_groups])
        out[name] = {"lr": rows, "best": s.best, "num_bad_epochs": s.num_bad_epochs}
    out["plateau_metrics"] = METRICS
    return out


def rosenbrock(x, w):
    z = torch.cat([x.reshape(-1), w.reshape(-1)])
    return (100.0 * (z[1:] - z[:-1] ** 2) ** 2 + (1.0 - z[:-1]) ** 2).sum()


X0 = [-1.2, 1.0]
W0 = [[-0.5, 0.8], [1.3, 0.4]]


def lbfgs():
    out = {}
    cases = {
        "lbfgs_fixed": dict(lr=0.25, max_iter=4),
        "lbfgs_fixed_history": dict(lr=0.2, max_iter=5, history_size=3),
        "lbfgs_strong_wolfe": dict(line_search_fn="strong_wolfe"),
        "lbfgs_strong_wolfe_short": dict(line_search_fn="strong_wolfe", max_iter=3, history_size=2),
    }
    for name, kw in cases.items():
        x = torch.tensor(X0, requires_grad=True)
        w = torch.tensor(W0, requires_grad=True)
        opt = LBFGS([x, w], **kw)

        def closure():
            opt.zero_grad()
            loss = rosenbrock(x, w)
            loss.backward()
            return loss

        rows = []
        for _ in range(10):
            loss = opt.step(closure)
            st = opt.state[opt._params[0]]
            rows.append({"loss": loss.item(), "x": x.detach().tolist(), "w": w.detach().reshape(-1).tolist(),
                         "func_evals": st["func_evals"], "n_iter": st["n_iter"]})
        out[name] = {"options": {k: v for k, v in kw.items()}, "steps": rows}
    return out


G1 = [[0.3, -1.2, 2.0], [0.5, 0.25, -0.7]]
G2 = [4.0, -0.1]


def clipping():
    out = {}
    for name, norm_type, max_norm in [("clip_2", 2.0, 1.0), ("clip_1", 1.0, 2.0), ("clip_3", 3.0, 0.5),
                                      ("clip_inf", math.inf, 1.5), ("clip_2_large", 2.0, 100.0)]:
        a = torch.zeros(2, 3, requires_grad=True)
        b = torch.zeros(2, requires_grad=True)
        a.grad = torch.tensor(G1)
        b.grad = torch.tensor(G2)
        total = torch.nn.utils.clip_grad_norm_([a, b], max_norm, norm_type=norm_type)
        out[name] = {"norm_type": "inf" if norm_type == math.inf else norm_type, "max_norm": max_norm,
                     "total": total.item(), "g1": a.grad.reshape(-1).tolist(), "g2": b.grad.tolist()}
    a = torch.zeros(2, 3, requires_grad=True)
    b = torch.zeros(2, requires_grad=True)
    a.grad = torch.tensor(G1)
    b.grad = torch.tensor(G2)
    torch.nn.utils.clip_grad_value_([a, b], 0.5)
    out["clip_value"] = {"clip_value": 0.5, "g1": a.grad.reshape(-1).tolist(), "g2": b.grad.tolist()}
    out["clip_grads"] = {"g1": G1, "g2": G2}
    return out


P0 = [0.5, -0.3, 0.8]
Q0 = [[0.2, -0.4, 0.1], [0.7, 0.3, -0.6]]


def problem(p, q):
    # sum(sin(q @ p) * [1, -2]) + sum(p^2 * 0.5) + sum(q^3 * 0.1)
    return (torch.sin(q @ p) * torch.tensor([1.0, -2.0])).sum() + (p * p * 0.5).sum() + (q * q * q * 0.1).sum()


def optimizers():
    out = {}
    cases = {
        "sgd_momentum_nesterov": (SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
        "sgd_dampening": (SGD, dict(lr=0.05, momentum=0.5, dampening=0.2, maximize=False)),
        "adam": (Adam, dict(lr=0.05)),
        "adam_amsgrad_wd": (Adam, dict(lr=0.05, betas=(0.8, 0.95), weight_decay=0.1, amsgrad=True, eps=1e-6)),
        "adam_maximize": (Adam, dict(lr=0.02, maximize=True)),
        "adamw": (AdamW, dict(lr=0.05, weight_decay=0.1)),
        "adamw_amsgrad": (AdamW, dict(lr=0.05, amsgrad=True)),
        "rmsprop": (RMSprop, dict(lr=0.01)),
        "rmsprop_centered_momentum": (RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1)),
    }
    for name, (cls, kw) in cases.items():
        p = torch.tensor(P0, requires_grad=True)
        q = torch.tensor(Q0, requires_grad=True)
        opt = cls([p, q], **kw)
        rows = []
        for _ in range(10):
            opt.zero_grad()
            problem(p, q).backward()
            opt.step()
            rows.append({"p": p.detach().tolist(), "q": q.detach().reshape(-1).tolist()})
        out[name] = rows
    return out


def main():
    out = {}
    out.update(schedulers())
    out.update(warm_restart_epochs())
    out.update(plateaus())
    out.update(lbfgs())
    out.update(clipping())
    out.update(optimizers())
    out["_generator"] = f"PyTorch {torch.__version__}, float64"
    # one case per line
    lines = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in out.items()]
    print("{\n" + ",\n".join(lines) + "\n}")


if __name__ == "__main__":
    main()
