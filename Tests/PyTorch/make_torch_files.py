"""Writes small files with PyTorch's own torch.save (the zip format of PyTorch >= 1.6) for
Tests/SerializationTests.fs, and torch_files.json with the values each file holds (key ->
{shape, dtype, values}), so that the tests check Nabla reads exactly what PyTorch wrote.
Run from the repository root with Debian's PyTorch:
    /usr/bin/python3 Tests/PyTorch/make_torch_files.py
"""
import collections
import json
import os

import torch

from common import tensor_json

torch.set_default_dtype(torch.float32)  # common sets float64; files hold what users save

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "files")
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)


def ramp(n, dtype):
    """n small exact values of a dtype (exactly representable in float16/bfloat16 too)."""
    if dtype == torch.bool:
        return torch.arange(n) % 3 == 0
    if dtype.is_floating_point:
        return (torch.arange(n, dtype=torch.float64) * 0.25 - 2.0).to(dtype)
    if dtype == torch.uint8:
        return (torch.arange(n) * 7 % 256).to(dtype)
    return (torch.arange(n) * 3 - 5).to(dtype)


files = {}

# every dtype, with a 0-d and an empty tensor
dtypes = collections.OrderedDict()
for name, dt in [("float32", torch.float32), ("float64", torch.float64), ("float16", torch.float16),
                 ("bfloat16", torch.bfloat16), ("int64", torch.int64), ("int32", torch.int32),
                 ("int16", torch.int16), ("int8", torch.int8), ("uint8", torch.uint8), ("bool", torch.bool)]:
    dtypes[name] = ramp(12, dt).reshape(3, 4)
dtypes["scalar"] = torch.tensor(3.5, dtype=torch.float64)
dtypes["empty"] = torch.zeros(0, 3)
dtypes["int64_large"] = torch.tensor([-(2 ** 40), 2 ** 40 + 1, 0])
files["dtypes.pt"] = dtypes

# non-contiguous views: transposed, sliced with an offset, expanded (stride 0), and two views of
# one storage (PyTorch writes the storage once)
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
views = collections.OrderedDict()
views["transposed"] = base.t()
views["sliced"] = base[1:3, 2:5]
views["strided"] = base[:, ::2]
views["expanded"] = torch.tensor([1.0, 2.0, 3.0]).unsqueeze(0).expand(2, 3)
views["shared_a"] = base[0]
views["shared_b"] = base[3, 1:]
files["views.pt"] = views

# a module's state dict (with its _metadata attribute), as users save it
lin = torch.nn.Linear(3, 2)
files["linear.pt"] = lin.state_dict()

reference = {"_generator": f"PyTorch {torch.__version__}"}
for fname, sd in files.items():
    torch.save(sd, os.path.join(out, fname))
    reference[fname] = {k: tensor_json(v) for k, v in sd.items()}
with open(os.path.join(here, "torch_files.json"), "w") as f:
    json.dump(reference, f, indent=1)
