"""Reference derivatives from PyTorch for the reductions, sorting and searching (Tests/SearchTests.fs).

Each function has a twin, written with Nabla, in SearchTests.fs (same name, same inputs); PyTorch
computes the value, gradient, JVP and Hessian in float64 (see common.py). The points with exact
zeros are the interesting ones for prod and cumprod: there the gradient is a product of the other
elements and the Hessian is not zero. Sorting and selecting functions use points without ties.

Regenerate with Debian's PyTorch (1.13 when this was written), from the repository root:
    /usr/bin/python3 Tests/PyTorch/reference_search.py > Tests/PyTorch/reference_search.json
"""
import math

import torch
from common import emit

torch.set_default_dtype(torch.float64)
inf = math.inf

x6 = torch.tensor([0.3, -1.2, 0.8, 1.7, -0.4, 0.05])
v6 = torch.tensor([1.0, 0.5, -0.3, 0.2, -1.0, 0.7])
one_zero = torch.tensor([0.3, -1.2, 0.0, 1.7, -0.4, 0.9])
two_zeros = torch.tensor([0.0, -1.2, 0.8, 0.0, -0.4, 1.1])
many_zeros = torch.tensor([0.0, 0.0, 0.5, 0.0, -1.5, 0.0])
zeros4 = torch.zeros(4)
v4 = torch.tensor([0.5, -1.0, 0.25, 2.0])
# distinct values with distinct magnitudes (no ties for sort, topk, median, ±inf norms)
xd = torch.tensor([0.37, -1.21, 0.83, 1.52, -0.46, 0.05, 1.18, -0.77, 0.61, -1.64, 0.29, -0.13])
vd = torch.sin(torch.arange(12.0) + 0.5)
x12z = torch.tensor([0.4, -0.9, 1.3, 0.0, 0.7, -1.1, 0.6, 1.2, -0.5, 0.8, 0.0, -1.4])
w6 = torch.tensor([0.5, -1.0, 2.0, 0.25, 1.5, -0.75])
w12 = torch.linspace(-1.0, 1.2, 12)


def prod_all(x):
    """torch.prod over all elements, through the dim version. PyTorch 1.13's full x.prod() returns a
    constant zero gradient (no graph) when two or more elements are zero, so its Hessian there is
    wrong (0 instead of the product of the other elements); the dim version is exact."""
    return x.reshape(1, -1).prod(1).sum()


def vnorm(x, ord, dim=None, keepdim=False):
    return torch.linalg.vector_norm(x, ord, dim=dim, keepdim=keepdim)


functions = {
    "prod_with_one_zero": (lambda x: x.prod() + (x.reshape(2, 3).prod(1) ** 2).sum() + x.reshape(3, 2).prod(0).sum(), one_zero, v6),
    "prod_with_two_zeros": (lambda x: prod_all(x) * 3 + x.reshape(2, 3).prod(1).sum() + torch.sin(x.reshape(3, 2).prod(0)).sum() + (x + 1).prod(), two_zeros, v6),
    "prod_with_many_zeros": (lambda x: prod_all(x) + x.reshape(3, 2).prod(1).sum() + (x.reshape(2, 3).prod(0) ** 2).sum() + prod_all(x * x + x), many_zeros, v6),
    "prod_of_zeros": (lambda x: prod_all(x) + prod_all(x[:2]) + x.reshape(2, 2).prod(0).sum() + (x - 1).prod(), zeros4, v4),
    "prod_dims_keepdim": (lambda x: x.reshape(2, 3, 2).prod(2).prod(0).sum() + (x.reshape(3, 4).prod(1, keepdim=True) * x.reshape(3, 4)).sum(), x12z, vd),
    "prod_cumprod_without_zeros": (lambda x: x.prod() + (x.cumprod(0) * w6).sum() + x.reshape(2, 3).prod(0).sum() + x.reshape(2, 3).cumprod(1).exp().sum(), x6, v6),
    "cumprod_with_a_zero": (lambda x: (x.cumprod(0) * w6).sum() + (x.reshape(2, 3).cumprod(1) ** 2).sum() + x.reshape(3, 2).cumprod(0).sin().sum(), one_zero, v6),
    "cumprod_with_two_zeros": (lambda x: (x.cumprod(0) ** 2).sum() + x.flip(0).cumprod(0).sum() * 0.5 + (x.reshape(2, 3).cumprod(0) * x.reshape(2, 3)).sum(), two_zeros, v6),
    "sort_weighted": (lambda x: (torch.sort(x)[0] * w12).sum() + ((torch.sort(x.reshape(3, 4), 1, descending=True)[0] ** 2) * w12.reshape(3, 4)).sum() + (torch.sort(x.reshape(3, 4), 0)[0].exp() * w12.reshape(3, 4)).sum(), xd, vd),
    "topk_kthvalue_median": (lambda x: (torch.topk(x, 4)[0] ** 3).sum() + torch.topk(x.reshape(3, 4), 2, dim=1, largest=False)[0].exp().sum() + (torch.kthvalue(x.reshape(4, 3), 2, dim=1)[0] ** 2).sum() + torch.median(x) * x.sum() + torch.median(x.reshape(3, 4), 1)[0].sin().sum() + torch.median(x.reshape(4, 3), 0)[0].prod(), xd, vd),
    "argmax_argmin_any_all": (lambda x: x[torch.argmax(x)] ** 2 + x.reshape(3, 4).gather(1, torch.argmin(x.reshape(3, 4), 1, keepdim=True)).sum() * x.sum() + torch.where(torch.any(x.reshape(3, 4) > 1.0, 1), x.reshape(3, 4).sum(1), x.reshape(3, 4).prod(1)).sum() + torch.where(torch.all(x.reshape(4, 3) < 1.0, 1), x.reshape(4, 3).exp().sum(1), x.reshape(4, 3).sin().sum(1)).sum() + x[torch.argmin(x)] * x[torch.argmax(x.reshape(3, 4), 0)].sum(), xd, vd),
    "var_std_corrections": (lambda x: torch.var(x.reshape(3, 4), 1, correction=0).sum() + torch.std(x.reshape(3, 4), 0, correction=2, keepdim=True).sum() + torch.var(x.reshape(2, 2, 3), (0, 2), correction=1).sum() + torch.std(x, None, correction=0) + torch.var(x, None, correction=2) + x.std() * x.var(), xd, vd),
    "vector_norms_1_3_inf": (lambda x: vnorm(x, 1) + vnorm(x.reshape(3, 4), 3, dim=1).sum() + vnorm(x, inf) * 2 + vnorm(x.reshape(3, 4), -inf, dim=0).sum() + vnorm(x.reshape(3, 4), inf, dim=1, keepdim=True).pow(2).sum() + (vnorm(x.reshape(3, 4), 1, dim=0) ** 2).sum(), xd, vd),
    "vector_norms_fractional_negative_fro": (lambda x: vnorm(x.reshape(2, 6), 0.5, dim=1, keepdim=True).sum() + vnorm(x, 1.5) ** 2 + vnorm(x.reshape(3, 4), -1.5, dim=1).sum() + torch.norm(x.reshape(3, 4), "fro", dim=(0, 1)) + vnorm(x.reshape(2, 2, 3), 4, dim=(0, 2)).sum() + vnorm(x, 2) * vnorm(x, 0), xd, vd),
    "argsort_gather_topk_of_cumprod": (lambda x: (x[torch.argsort(x, descending=True)] * w12).sum() + torch.topk(x.reshape(2, 6).cumprod(1), 3, dim=1)[0].sum() + (x.reshape(3, 4).gather(1, torch.argsort(x.reshape(3, 4), 1)[:, :2]) ** 2).sum(), xd, vd),
    "std_of_products_norm_of_sorted": (lambda x: torch.std(x.reshape(4, 3).prod(1), None, correction=1) + vnorm(torch.sort(x.reshape(3, 4), 1)[0][:, 1:], 3, dim=1).sum() + torch.kthvalue(x.reshape(3, 4).cumprod(0), 1, 1)[0].sum() + torch.var(torch.topk(x, 5)[0], None, correction=0), x12z, vd),
}

if __name__ == "__main__":
    emit(functions)
