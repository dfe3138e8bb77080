"""PyTorch's side of the comparison runner (Benchmarks/Compare.fs, `compare`).

The runner starts this script as a child process and talks to it in JSON lines on stdin/stdout,
so that PyTorch's batches can be interleaved with Nabla's and TorchSharp's in the same run:

  {"cmd": "load", "threads": N, "loss": "mse" | "cross-entropy", "params": [{"name", "shape", "values"}],
   "x": {"shape", "values"}, "y": {"shape", "values"}}        -> {"version", "threads", "blas"}
      (for "cross-entropy", "y" holds the int64 targets of shape [batch, 1])
  {"cmd": "compute"}   -> {"loss": float, "grads": [[float, ...], ...]}   (for the cross-check)
  {"cmd": "time", "n": N} -> {"seconds": float}   (N gradient steps, timed with perf_counter)
  {"cmd": "quit"}

A step is what the TorchSharp side does: leaf tensors with requires_grad, the forward pass with
the same composition of ops (linear, relu, pow/mean or log_softmax/gather/mean/neg), then
torch.autograd.grad. Uses Debian's python3-torch (PyTorch 1.13, CPU) when it is installed.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def blas_libraries():
    """The BLAS libraries mapped into this process: Debian's PyTorch calls the system's libblas.so.3,
    whose implementation (reference BLAS or OpenBLAS, chosen by update-alternatives) sets the speed
    of its matrix products."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(paths)) or "none found"


def tensor(spec, dtype):
    return torch.tensor(spec["values"], dtype=dtype).reshape(spec["shape"])


def main():
    state = {}
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req["cmd"]
        if cmd == "load":
            torch.set_num_threads(req["threads"])
            params = [tensor(p, torch.float32).requires_grad_() for p in req["params"]]
            x = tensor(req["x"], torch.float32)
            if req["loss"] == "mse":
                y = tensor(req["y"], torch.float32)

                def loss(p, x=x, y=y):
                    pred = F.linear(F.linear(x, p[0], p[1]).relu(), p[2], p[3])
                    return (pred - y).pow(2.0).mean()
            else:
                t = tensor(req["y"], torch.int64)

                def loss(p, x=x, t=t):
                    logits = F.linear(F.linear(x, p[0], p[1]).relu(), p[2], p[3])
                    return logits.log_softmax(1).gather(1, t).mean().neg()

            state = {"params": params, "loss": loss}
            reply = {"version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_libraries()}
        elif cmd == "compute":
            p = state["params"]
            value = state["loss"](p)
            grads = torch.autograd.grad([value], p)
            reply = {"loss": value.item(), "grads": [g.reshape(-1).tolist() for g in grads]}
        elif cmd == "time":
            p, loss = state["params"], state["loss"]
            n = req["n"]
            start = time.perf_counter()
            for _ in range(n):
                torch.autograd.grad([loss(p)], p)
            reply = {"seconds": time.perf_counter() - start}
        elif cmd == "quit":
            return
        else:
            reply = {"error": f"unknown command {cmd!r}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
