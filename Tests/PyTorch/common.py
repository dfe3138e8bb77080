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
