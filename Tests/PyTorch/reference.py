"""Reference derivatives from PyTorch for Tests/PyTorchParity.fs.

Each function below has a twin, written with Nabla, in PyTorchParity.fs (same name, same inputs).
For each, PyTorch computes in float64: the value, the gradient (reverse mode), a Jacobian-vector
product along v (torch.autograd.functional.jvp) and the Hessian (torch.autograd.functional.hessian).

Regenerate with Debian's PyTorch (apt-get install python3-torch; 1.13 when this was written):
    /usr/bin/python3 Tests/PyTorch/reference.py > Tests/PyTorch/reference.json
The other reference_*.py files do the same for their areas (see common.py).
"""
import torch
import torch.nn.functional as F
from common import emit

torch.set_default_dtype(torch.float64)

x6 = torch.tensor([0.3, -1.2, 0.8, 1.7, -0.4, 0.05])
v6 = torch.tensor([1.0, 0.5, -0.3, 0.2, -1.0, 0.7])
x12 = torch.linspace(-1.1, 1.4, 12) * torch.cos(torch.arange(12.0))
v12 = torch.sin(torch.arange(12.0) + 0.5)
x16 = torch.linspace(-1.3, 1.7, 16) * torch.cos(torch.arange(16.0))
v16 = torch.sin(torch.arange(16.0))
W = torch.tensor([[0.2, -0.5, 1.0], [0.7, 0.1, -0.3]])
K = torch.tensor([[[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, -0.8, 0.9]]]])
K1 = torch.tensor([[[0.5, -0.25, 0.75]], [[-0.4, 0.3, 0.2]], [[0.1, 0.9, -0.6]], [[0.3, -0.3, 0.3]]])
L = torch.tensor([[0.3, -0.1, 0.2, 0.5], [-0.7, 0.4, 0.1, -0.2], [0.6, 0.6, -0.5, 0.1]])
b3 = torch.tensor([0.1, -0.2, 0.3])
idx = torch.tensor([[2, 0, 1], [1, 1, 0], [0, 2, 2], [2, 1, 0]])
sel = torch.tensor([3, 0, 2, 2])


def flip(x):
    return x.flip(0)


functions = {
    "softplus_tanh_logsumexp": (lambda x: (F.softplus(x) * torch.tanh(x)).sum() + torch.logsumexp(x, 0), x6, v6),
    "var_std_norm": (lambda x: x.var() + x.std() * 2 + x.norm() + x.reshape(2, 3).var(0).sum(), x6, v6),
    "gelu_elu_leaky_relu": (lambda x: (F.gelu(x) * F.elu(x, 1.3) + F.leaky_relu(x, 0.2)).sum(), x6, v6),
    "softmax_log_softmax": (lambda x: (F.log_softmax(x.reshape(2, 3), 1) * F.softmax(x.reshape(2, 3), 0)).sum(), x6, v6),
    "matmul_sigmoid": (lambda x: (torch.sigmoid(x.reshape(3, 2) @ W) * x.reshape(3, 2).sum(1, keepdim=True)).sum(), x6, v6),
    "pow_with_tensor_exponent": (lambda x: (x.abs() + 0.5).pow(flip(x)).sum() + (x * x).sqrt().mean(), x6, v6),
    "clamp_max_min_maximum": (lambda x: (torch.clamp(x, -0.5, 0.9) * x).sum() + x.max() - x.min() + torch.maximum(x, flip(x) + 0.1).sum(), x6, v6),
    "conv2d_pools": (lambda x: (F.conv2d(x.reshape(1, 1, 4, 4), K, padding=1) ** 2).sum() + F.avg_pool2d(x.reshape(1, 1, 4, 4), 2).sum() * 3 + (F.max_pool2d(x.reshape(1, 1, 4, 4), 2) ** 3).sum(), x16, v16),
    "trig_exp_erf": (lambda x: (torch.sin(x) * torch.exp(-x * x) + torch.atan(x) * torch.cosh(x) + torch.erf(x)).sum(), x6, v6),
    "cat_stack_slices": (lambda x: (torch.cat([x[1:4], x[0:2] * 2]) ** 2).sum() * torch.stack([x[5], x[2]]).prod(), x6, v6),
    "linear_relu_logsumexp_rows": (lambda x: torch.logsumexp(F.linear(torch.relu(x.reshape(3, 4) + 0.2), L, b3), 1).sum(), x12, v12),
    "conv1d_stride_dilation_groups": (lambda x: (F.conv1d(x.reshape(1, 2, 6), K1, stride=2, dilation=2, groups=2) ** 2).sum(), x12, v12),
    "gather_index_select_where": (lambda x: (x.reshape(4, 3).gather(1, idx) * x.reshape(4, 3).index_select(0, sel)).sum() + torch.where(x > 0, x ** 2, torch.tanh(x)).sum(), x12, v12),
    "pad_permute_batched_matmul": (lambda x: (F.pad(x.reshape(2, 2, 3), (1, 0, 0, 1)).permute(2, 0, 1) @ x.reshape(2, 3, 2)[0:1]).pow(2).mean(), x12, v12),
    "log1p_expm1_atan2_cumsum": (lambda x: (torch.log1p(x.abs()) * torch.expm1(x / 2)).sum() + torch.atan2(x, flip(x) + 0.3).sum() + (x.cumsum(0) ** 2).sum(), x6, v6),
    "silu_logsigmoid_rsqrt_logs": (lambda x: (F.silu(x) * F.logsigmoid(x)).sum() + torch.rsqrt(x * x + 1).sum() + torch.log2(x.abs() + 1).sum() + torch.log10(x * x + 2).sum() + torch.reciprocal(x + 3).square().sum(), x6, v6),
    "amax_logsumexp_dims_trace_tril_outer": (lambda x: torch.amax(x.reshape(3, 4), 1).sum() + torch.amin(x.reshape(3, 4), 0).sum() + torch.logsumexp(x.reshape(2, 2, 3), (0, 2)).sum() + torch.trace(x.reshape(3, 4)[:, :3] @ x.reshape(3, 4)[:, 1:].T) + torch.tril(x.reshape(3, 4), -1).pow(2).sum() + torch.triu(x.reshape(3, 4)).sin().sum() + torch.outer(x[:3], x[9:]).cos().sum() + torch.diag(x.reshape(3, 4)).sum() * torch.diag(x[4:7]).exp().sum() + x.reshape(3, 4).flip(1).cumsum(1).pow(2).mean(), x12, v12),
}

if __name__ == "__main__":
    emit(functions)
