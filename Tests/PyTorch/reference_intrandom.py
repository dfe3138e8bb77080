"""Reference derivatives from PyTorch for the integer-division ops of Tests/IntegerRandomTests.fs:
remainder, fmod (differentiable for floats: d/da = 1, d/db = -floor(a/b) or -trunc(a/b)) and
floor division (piecewise constant: zero derivative; PyTorch 1.13's floor_divide has no derivative
at all, so its twin here is torch.div(..., rounding_mode="floor"), the same values), with tensor and scalar divisors, mixed with
integer tensors and bitwise masks that enter as constants. The points keep every quotient away
from integers (the kinks), so finite neighbourhoods agree.

Regenerate from the repository root with Debian's PyTorch (1.13 when this was written):
    /usr/bin/python3 Tests/PyTorch/reference_intrandom.py > Tests/PyTorch/reference_intrandom.json
"""
import torch
from common import emit

torch.set_default_dtype(torch.float64)

x6 = torch.tensor([0.3, -1.2, 0.8, 1.7, -0.4, 0.05])
v6 = torch.tensor([1.0, 0.5, -0.3, 0.2, -1.0, 0.7])
x8 = torch.tensor([2.3, -0.7, 1.45, -2.15, 0.35, 3.1, -1.85, 0.9])
v8 = torch.tensor([0.4, -1.0, 0.3, 0.8, -0.6, 0.2, 1.0, -0.5])
ints6 = torch.tensor([3, -7, 12, 5, -2, 9])


def flip(x):
    return x.flip(0)


functions = {
    "remainder_tensor_divisors": (lambda x: (torch.remainder(x * 3, flip(x) + 2.5) * torch.sin(x)).sum() + (torch.remainder(x, -(x * x + 1.1)) ** 2).sum(), x6, v6),
    "fmod_tensor_and_scalar": (lambda x: (torch.fmod(x * 2.5, flip(x) - 3.05) * x).sum() + (torch.fmod(x * 4, -1.3) ** 2).sum() + torch.fmod(x, 0.7).exp().sum(), x6, v6),
    "remainder_scalar_and_floor_divide": (lambda x: (torch.remainder(x * 5, 1.7) * torch.cos(x)).sum() + (torch.div(x * 4, 1.5, rounding_mode="floor") * x ** 2).sum() + (torch.div(x, flip(x) + 2.6, rounding_mode="floor") * torch.tanh(x)).sum(), x8, v8),
    "integer_constants_in_float_functions": (lambda x: ((torch.remainder(ints6, 4) - torch.floor_divide(ints6, -3)).to(torch.float64) * x ** 2).sum() + torch.where((ints6 & 1) == 1, torch.sin(x), x ** 3).sum() + ((ints6 << 1) ^ ints6).to(torch.float64).mul(x).sum(), x6, v6),
}

if __name__ == "__main__":
    emit(functions)
