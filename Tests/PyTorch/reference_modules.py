"""PyTorch's side of Tests/ModuleTests.fs: Linear and the activation modules, in float64, with
their state dicts, outputs and gradients (see emit_layers in common.py). Regenerate with
    /usr/bin/python3 Tests/PyTorch/reference_modules.py > Tests/PyTorch/reference_modules.json
"""
import torch
from torch import nn
from common import emit_layers

torch.manual_seed(0)


def one(m, *inputs):
    return m(*inputs)


x = torch.randn(4, 3)
cases = {
    "linear": (nn.Linear(3, 5), [x], one),
    "linear_no_bias_batched": (nn.Linear(3, 2, bias=False), [torch.randn(2, 4, 3)], one),
    "mlp": (nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 6), nn.GELU(), nn.Linear(6, 2)), [x], one),
    "activations": (
        nn.Sequential(
            nn.Linear(3, 4), nn.LeakyReLU(0.1), nn.Linear(4, 4), nn.ELU(0.7), nn.Linear(4, 4), nn.SiLU(),
            nn.Linear(4, 4), nn.Softplus(beta=2.0, threshold=1.0), nn.Linear(4, 4), nn.Sigmoid(),
            nn.Linear(4, 4), nn.GELU(approximate="tanh"), nn.Linear(4, 4), nn.LogSoftmax(dim=1),
        ),
        [x],
        one,
    ),
    "softmax_flatten": (nn.Sequential(nn.Flatten(), nn.Linear(6, 3), nn.Softmax(dim=-1)), [torch.randn(2, 2, 3)], one),
}
emit_layers(cases)
