"""Shared by the reference_*.py scripts: for each function (name -> (f, x, v)), PyTorch computes
in float64 the value, the gradient (reverse mode), the Jacobian-vector product along v
(torch.autograd.functional.jvp) and the Hessian (torch.autograd.functional.hessian), and the
script prints them as JSON for the F# twin of each function (Tests/PyTorchParity.fs runs them).
A function must return a scalar. Run a script from the repository root, e.g.
    /usr/bin/python3 Tests/PyTorch/reference_linalg.py > Tests/PyTorch/reference_linalg.json
"""
import json
import torch
from torch.autograd.functional import hessian, jvp

torch.set_default_dtype(torch.float64)


def emit(functions):
    out = {}
    for name, (f, x, v) in functions.items():
        xr = x.clone().requires_grad_()
        y = f(xr)
        (g,) = torch.autograd.grad(y, xr)
        _, jv = jvp(f, x, v)
        h = hessian(f, x)
        out[name] = {"value": y.item(), "grad": g.tolist(), "jvp": jv.item(), "hessian": h.reshape(-1).tolist()}
    out["_generator"] = f"PyTorch {torch.__version__}, float64"
    print(json.dumps(out, indent=1))


def tensor_json(t):
    """A tensor as {shape, dtype, values} (values flattened in row-major order)."""
    t = t.detach()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": t.reshape(-1).tolist()}


def emit_layers(cases, seed=7):
    """Reference data for layers (Tests/LayerCheck.fs reads it). cases: name -> (module, inputs,
    forward) with forward(module, *inputs) returning ONE tensor (flatten and concatenate several
    outputs). For each case: the state dict before the forward pass (PyTorch's key names), the
    inputs, the output, a random cotangent, the gradients of <output, cotangent> with respect to
    every parameter and every floating-point input, and the state dict after the forward pass
    (its buffers: running statistics). Modules are in float64 and in the mode the case set (train/eval)."""
    out = {}
    for name, (module, inputs, forward) in cases.items():
        state = {k: tensor_json(v) for k, v in module.state_dict().items()}
        ins = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
        y = forward(module, *ins)
        g = torch.Generator().manual_seed(seed)
        cot = torch.randn(y.shape, generator=g, dtype=y.dtype)
        module.zero_grad()
        (y * cot).sum().backward()
        out[name] = {
            "state": state,
            "inputs": [tensor_json(x) for x in inputs],
            "output": tensor_json(y),
            "cotangent": tensor_json(cot),
            "param_grads": {k: (tensor_json(p.grad) if p.grad is not None else None) for k, p in module.named_parameters()},
            "input_grads": [(tensor_json(x.grad) if x.grad is not None else None) for x in ins],
            # Parameters do not change in a forward pass; buffers (running statistics) may.
            "state_after": {
                k: tensor_json(v) for k, v in module.state_dict().items() if k not in dict(module.named_parameters())
            },
        }
    out["_generator"] = f"PyTorch {torch.__version__}, float64"
    # One case per line: the files stay diffable without the size of full indentation.
    print("{")
    print(",\n".join(f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in out.items()))
    print("}")
