/// Differentiable products beyond matmul: bmm, einsum, tensordot, kron, cross.
module internal Nabla.OpsProducts
