"""Reference derivatives from PyTorch for the products and linear algebra (Tests/LinalgTests.fs).

Each function below has a twin, written with Nabla, in LinalgTests.fs (same name, same inputs).
Matrices are built from x so that they stay well-conditioned (A = X + 3I), symmetric
positive-definite (X Xᵀ + 3I) or with distinct singular values / eigenvalues where a
decomposition needs them; functions of singular and eigen vectors are invariant to their signs.
Two functions feed a matrix that is not symmetric to cholesky and eigh, which read its lower
triangle: their gradients follow PyTorch's convention (symmetric).

Regenerate with Debian's PyTorch (see common.py):
    /usr/bin/python3 Tests/PyTorch/reference_linalg.py > Tests/PyTorch/reference_linalg.json
"""
import torch
from common import emit

torch.set_default_dtype(torch.float64)
L = torch.linalg

x4 = torch.tensor([0.7, -0.3, 1.1, 0.4])
v4 = torch.tensor([0.2, -1.0, 0.5, 0.8])
x9 = torch.tensor([0.3, -1.2, 0.8, 1.7, -0.4, 0.05, 0.9, 0.2, -0.6])
v9 = torch.tensor([1.0, 0.5, -0.3, 0.2, -1.0, 0.7, 0.1, -0.2, 0.4])
x12 = torch.linspace(-1.1, 1.4, 12) * torch.cos(torch.arange(12.0))
v12 = torch.sin(torch.arange(12.0) + 0.5)
x16 = torch.linspace(-1.3, 1.7, 16) * torch.cos(torch.arange(16.0))
v16 = torch.sin(torch.arange(16.0))
I2, I3, I4 = torch.eye(2), torch.eye(3), torch.eye(4)
D32 = torch.tensor([[3.0, 0.0], [0.0, 1.5], [0.0, 0.0]])
D3 = torch.diag(torch.tensor([1.0, 2.5, 4.5]))
B3 = torch.tensor([[1.0, -0.5], [0.3, 2.0], [-1.2, 0.7]])
w3 = torch.tensor([0.5, -1.5, 2.0])


def A3(x):
    return x[:9].reshape(3, 3) + 3 * I3


def spd(x):
    m = x[:9].reshape(3, 3)
    return m @ m.T + 3 * I3


def sym_distinct(x):
    m = x[:9].reshape(3, 3)
    return D3 + 0.2 * (m + m.T)


def tall(x):
    return D32 + 0.3 * x[:6].reshape(3, 2)


def svd_invariant(a):
    u, s, vh = L.svd(a, full_matrices=False)
    return ((u * s.sin()) @ vh).sum() + (u * u * w3[: u.shape[0]].unsqueeze(1)).sum() + (vh * vh).sum() * 0.5 + (s ** 3).sum()


def eigh_invariant(a):
    lam, v = L.eigh(a)
    return ((v * lam.sin()) @ v.T).sum() + (v * v * w3.unsqueeze(1)).sum() + (lam * lam).sum() * 0.1


def qr_all(a):
    q, r = L.qr(a)
    return (q.sin() * (1 + torch.arange(q.numel()).reshape(q.shape) / 5)).sum() + (r * r).sum() * 0.3 + r.diagonal().prod()


functions = {
    "bmm_einsum_matmul": (
        lambda x: (torch.bmm(x.reshape(2, 2, 3), x.reshape(2, 3, 2).sin()).sum()
                   + torch.einsum("bij,bjk->bik", x.reshape(2, 2, 3), x.reshape(2, 3, 2)).pow(2).sum()
                   + torch.einsum("ij,jk", x.reshape(3, 4), x.reshape(4, 3).exp()).sin().sum()),
        x12, v12),
    "einsum_diagonal_trace_sums": (
        lambda x: (torch.einsum("ii", x[:9].reshape(3, 3)) * torch.einsum("ii->i", x[:9].reshape(3, 3)).exp().sum()
                   + torch.einsum("ij->j", x.reshape(3, 4)).sin().sum()
                   + torch.einsum("iij,j->i", x[:8].reshape(2, 2, 2), x[8:10]).pow(2).sum()
                   + torch.einsum("ij,ij->", x.reshape(3, 4), x.reshape(3, 4).cos())),
        x12, v12),
    "einsum_ellipsis_broadcast_implicit": (
        lambda x: (torch.einsum("...ij,...jk->...ik", x[:8].reshape(2, 1, 2, 2), x[4:12].reshape(2, 2, 2)).sin().sum()
                   + torch.einsum("ij,jk->ik", x[:3].reshape(3, 1), x[3:9].reshape(2, 3)).pow(2).sum()
                   + torch.einsum("Ba,aB", x[:6].reshape(2, 3), x[6:12].reshape(3, 2))
                   + torch.einsum("i...j->ji...", x.reshape(2, 3, 2)).tanh().sum()
                   + torch.einsum("i,j", x[:3], x[3:6].exp()).sum()),
        x12, v12),
    "einsum_three_operands": (
        lambda x: torch.einsum("ij,jk,kl->il", x[:6].reshape(2, 3), x[3:9].reshape(3, 2).sin(), x[8:12].reshape(2, 2)).exp().sum(),
        x12, v12),
    "tensordot_kron_cross": (
        lambda x: (torch.tensordot(x.reshape(2, 3, 2), x.reshape(3, 2, 2).cos(), dims=([1, 2], [0, 1])).pow(2).sum()
                   + torch.tensordot(x.reshape(3, 4), x.reshape(4, 3), dims=1).sin().sum()
                   + torch.kron(x[:4].reshape(2, 2), x[4:10].reshape(3, 2)).sin().sum()
                   + torch.kron(x[:3], x[3:9].reshape(2, 3)).pow(2).sum()
                   + torch.linalg.cross(x[:6].reshape(2, 3), x[6:12].reshape(2, 3).exp(), dim=-1).sin().sum()
                   + torch.linalg.cross(x[:6].reshape(3, 2), x[6:9].reshape(3, 1), dim=0).pow(3).sum()),
        x12, v12),
    "inv_det": (lambda x: L.inv(A3(x)).sin().sum() + L.det(A3(x)) * 0.1 + L.det(A3(x).inverse()), x9, v9),
    "det_small_sizes": (
        lambda x: (L.det(x[:1].reshape(1, 1)) + L.det(x[:4].reshape(2, 2)) * L.det(x[4:13].reshape(3, 3))
                   + L.det(x.reshape(4, 4) + 4 * I4) * 0.01 + L.det(x[:8].reshape(2, 2, 2)).pow(2).sum()),
        x16, v16),
    "slogdet_solve": (
        lambda x: (L.slogdet(A3(x))[1] + L.slogdet(-A3(x))[1] * L.slogdet(-A3(x))[0]
                   + L.solve(A3(x), B3).sin().sum() + L.solve(A3(x), w3).pow(2).sum()),
        x9, v9),
    "solve_batched_broadcast": (
        lambda x: (L.solve(x[:8].reshape(2, 2, 2) + 2 * I2, x[8:12].reshape(2, 2)).sum()
                   + L.solve(x[:8].reshape(2, 2, 2) + 2 * I2, x[8:12].reshape(1, 2, 2).exp()).pow(2).sum()
                   + L.solve(x[:4].reshape(2, 2) + 3 * I2, x[4:12].reshape(2, 2, 2)).sin().sum()),
        x12, v12),
    "solve_triangular": (
        lambda x: (L.solve_triangular(A3(x), B3, upper=True).sin().sum()
                   + L.solve_triangular(A3(x), B3.T, upper=False, left=False).pow(2).sum()),
        x9, v9),
    "cholesky_spd": (lambda x: L.cholesky(spd(x)).sin().sum() + L.cholesky(spd(x)).diagonal().log().sum(), x9, v9),
    "cholesky_direct": (lambda x: L.cholesky(x.reshape(3, 3) + 4 * I3).sin().sum(), x9, v9),
    "qr_square_tall_wide": (
        lambda x: qr_all(A3(x)) + qr_all(tall(x)) + qr_all(tall(x).T[:, [2, 0, 1]]),
        x9, v9),
    "svd_invariant": (lambda x: svd_invariant(sym_distinct(x) + 0.3 * x.reshape(3, 3)), x9, v9),
    "svd_tall_wide": (lambda x: svd_invariant(tall(x)) + svd_invariant(tall(x).T), x9, v9),
    "eigh_invariant": (lambda x: eigh_invariant(sym_distinct(x)), x9, v9),
    "eigh_direct": (lambda x: eigh_invariant(D3 + 0.2 * x.reshape(3, 3)), x9, v9),
    "eigvalsh_svdvals": (
        lambda x: L.eigvalsh(spd(x)).log().sum() + L.eigvalsh(sym_distinct(x)).pow(3).sum() + L.svdvals(tall(x)).exp().sum()
                  + L.svdvals(A3(x)).sin().sum(),
        x9, v9),
    "pinv_tall_wide": (lambda x: L.pinv(tall(x)).sin().sum() + L.pinv(tall(x).T).pow(2).sum() + L.pinv(A3(x)).sum(), x9, v9),
    "matrix_exp": (
        lambda x: L.matrix_exp(x.reshape(3, 3) * 0.5).sin().sum() + L.matrix_exp(x[:8].reshape(2, 2, 2)).pow(2).sum(),
        x9, v9),
    "matrix_norms": (
        lambda x: (L.matrix_norm(A3(x)) + L.matrix_norm(A3(x), "nuc") + L.matrix_norm(A3(x), 2) * L.matrix_norm(A3(x), -2)
                   + L.matrix_norm(A3(x), 1) + L.matrix_norm(A3(x), -1) + L.matrix_norm(A3(x), float("inf"))
                   + L.matrix_norm(A3(x), float("-inf")) + L.matrix_norm(tall(x), "nuc") + L.matrix_norm(tall(x), 2)),
        x9, v9),
    "determinant_gradients_of_small_matrices": (
        lambda x: L.det(x[:4].reshape(2, 2)) ** 2 + L.det(x.reshape(2, 2) @ x.reshape(2, 2).T),
        x4, v4),
}

if __name__ == "__main__":
    emit(functions)
