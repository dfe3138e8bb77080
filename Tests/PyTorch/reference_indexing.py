"""Reference derivatives from PyTorch for the indexing, logic and shape ops (Tests/IndexingTests.fs).

Each function has a twin, written with Nabla, in IndexingTests.fs (same name, same inputs); see
common.py for what is computed. Regenerate from the repository root with Debian's PyTorch:
    /usr/bin/python3 Tests/PyTorch/reference_indexing.py > Tests/PyTorch/reference_indexing.json

PyTorch's scatter backward fails when src is larger than the index, so the sources here have the
index's shape (Nabla also handles a larger src: see the known-value tests).
"""
import torch
from common import emit

torch.set_default_dtype(torch.float64)

x12 = torch.linspace(-1.1, 1.4, 12) * torch.cos(torch.arange(12.0))
v12 = torch.sin(torch.arange(12.0) + 0.5)
x16 = torch.linspace(-1.3, 1.7, 16) * torch.cos(torch.arange(16.0))
v16 = torch.sin(torch.arange(16.0))
w24 = torch.cos(torch.arange(24.0) * 0.7)
inf = torch.tensor(float("inf"))
nan = torch.tensor(float("nan"))
mask34 = torch.tensor([[True, False, True, True], [False, False, True, False], [True, True, False, True]])
mask44 = torch.tensor([[True, False, False, True], [False, True, False, False], [False, False, False, True], [True, True, False, False]])


def index_put_accumulate(x):
    m = x.reshape(3, 4)
    rows, cols = torch.tensor([2, 0, 1]), torch.tensor([-1, 1, 0])
    a = m.index_put((rows, cols), x[4:7] * 2)
    b = m.index_put((torch.tensor([1]),), torch.sin(x[:4]))
    c = a.index_put((torch.tensor([2, 0, 2]), torch.tensor([-1, 1, 3])), x[0:3] ** 2, accumulate=True)
    d = m.index_put((torch.tensor([[0], [2]]), torch.tensor([1, 3])), x[8:10].reshape(2, 1))
    return (a * b).sum() + (c ** 2).sum() + (d * torch.cos(m)).sum()


def index_put_masks_scatter_value(x):
    m = x.reshape(4, 4)
    a = m.index_put((mask44,), x[:6] ** 2)
    b = m.index_put((torch.tensor([True, False, True, False]),), torch.sin(x[4:8]))
    idx = torch.tensor([[1, 0], [3, 2], [0, 0], [2, 1]])
    c = m.scatter(1, idx, 0.5)
    d = m.masked_fill(torch.tensor([[True], [False], [False], [True]]), x[3])
    return (a * b).sum() + (c ** 3).sum() + (d * m).sum()


def scatter_scatter_add_index_add(x):
    m = x.reshape(3, 4)
    idx = torch.tensor([[2, 0, 1, 2], [0, 1, 2, 0]])
    a = m.scatter(0, idx, torch.cos(m)[:2])
    b = m.scatter_add(1, torch.tensor([[0, 0, 3], [2, 1, 1], [3, 3, 3]]), torch.sin(m[:, :3]))
    c = m.index_add(1, torch.tensor([2, 2, 0, 1]), (x * x).reshape(4, 3).t())
    return (a * b).sum() + (c ** 2).sum() + (b * c).sum()


def masked_fill_nan_to_num(x):
    m = x.reshape(3, 4)
    a = m.masked_fill(mask34, 0.7)
    b = m.masked_fill(mask34[1], x[5])
    t = torch.where(x > 0.3, x * x, inf)
    t = torch.where(x < -0.9, nan, t)
    t = torch.where((x > -0.2) & (x < 0), -inf, t)
    n = torch.nan_to_num(t * 2, nan=0.25, posinf=3.0, neginf=-2.0)
    return (a * b).sum() + (n * torch.sin(x)).sum() + (n ** 2).sum()


def repeat_tile_roll(x):
    m = x.reshape(3, 4)
    a = m.repeat(2, 1, 2)
    b = x[:6].reshape(2, 3).tile((2,))
    c = m.roll((1, -2), (0, 1))
    d = x.roll(-5)
    e = x[:4].tile((2, 1, 3))
    return (torch.sin(a) * w24.repeat(2).reshape(2, 3, 8)).sum() + (b * torch.cos(b.roll(1, 1))).sum() + (c * m).sum() + ((d * x).sum()) ** 2 + (e ** 3).sum()


def movedim_unflatten_flatten_unbind(x):
    t = x.reshape(2, 3, 2)
    a = t.movedim(0, 2)
    b = t.movedim((0, 2), (2, 0))
    u = x.unflatten(0, (3, -1))
    f = t.flatten(1, 2)
    g = x.reshape(2, 2, 3).flatten(0, 1)
    parts = u.unbind(1)
    rows = t.unbind(-1)
    return (torch.sin(a) * w24[:12].reshape(3, 2, 2)).sum() + (b * torch.cos(t)).sum() + (f ** 2 * f.flip(1)).sum() + (g.t() * u).sum() + sum(p.prod() * (i + 1) for i, p in enumerate(parts)) + (rows[0] * rows[1] ** 2).sum()


def meshgrid_ij_xy(x):
    a, b = torch.meshgrid(x[:3], x[3:7], indexing="ij")
    c, d = torch.meshgrid(x[7:9], x[9:12], indexing="xy")
    e, f, g = torch.meshgrid(x[:2], x[2:5], x[5:7], indexing="xy")
    (h,) = torch.meshgrid(x[4:8], indexing="xy")
    s, r = torch.meshgrid(x[3], x[8:10], indexing="ij")
    return (a * torch.sin(b)).sum() + (c ** 2 * d).sum() + (e * f * g).sum() + (h ** 3).sum() + (s * r.exp()).sum()


def stepped_slices_masks_integer_arrays(x):
    m = x.reshape(4, 4)
    a = x[0:16:3]
    b = m[:, 1::2]
    c = m[mask44]
    rows = m[torch.tensor([2, 0, 2])]
    d = m[torch.tensor([[-1, 0], [1, 1]])]
    e = m[torch.tensor([0, 2, -1]), torch.tensor([-1, 1, 0])]
    f = torch.take(m, torch.tensor([[15, -2], [3, 0]]))
    g = torch.masked_select(m, torch.tensor([True, False, False, True]))
    h = m[1:4:2, ::3]
    return (a ** 2).sum() * b.sum() + (c * torch.sin(c)).sum() + (rows.sum(0) * d[0]).sum() + (d ** 3).sum() + (e * f.reshape(-1)[:3]).sum() + (g.exp()).sum() + (h * h.t()).sum()


def three_d_mixed(x):
    t = x.reshape(2, 2, 4)
    m22 = torch.tensor([[True, False], [True, True]])
    a = t[m22, torch.tensor([1, -1, 0])]
    b = t.index_put((m22, torch.tensor([3])), x[:3] * 3)
    idx = torch.tensor([[[3, 0], [1, 2]], [[0, 1], [2, 3]]])
    c = t.scatter(2, idx, torch.tanh(t[:, :, :2]))
    d = t.roll((1, -1), (-1, 0))
    e = t.repeat(2, 1, 1, 1)
    f = t.flatten(0, -1)
    g = t[m22]
    return (a ** 2).sum() + (b * c).sum() + (d * t).sum() * e.mean() + (f * torch.cos(f)).sum() + (g * torch.sin(g)).sum()


functions = {
    "index_put_accumulate": (index_put_accumulate, x12, v12),
    "index_put_masks_scatter_value": (index_put_masks_scatter_value, x16, v16),
    "scatter_scatter_add_index_add": (scatter_scatter_add_index_add, x12, v12),
    "masked_fill_nan_to_num": (masked_fill_nan_to_num, x12, v12),
    "repeat_tile_roll": (repeat_tile_roll, x12, v12),
    "movedim_unflatten_flatten_unbind": (movedim_unflatten_flatten_unbind, x12, v12),
    "meshgrid_ij_xy": (meshgrid_ij_xy, x12, v12),
    "stepped_slices_masks_integer_arrays": (stepped_slices_masks_integer_arrays, x16, v16),
    "three_d_mixed": (three_d_mixed, x16, v16),
}

if __name__ == "__main__":
    emit(functions)
