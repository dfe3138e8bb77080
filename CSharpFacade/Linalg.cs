using System;
using FL = global::Nabla.Linalg;
using M = global::Nabla.TensorModule;
using static Nabla.CSharp.OpArgs;

namespace Nabla.CSharp;

/// <summary>The sign and the log of the absolute value of a determinant: det = Sign·exp(LogAbsDet) (PyTorch's <c>torch.linalg.slogdet</c>).</summary>
/// <param name="Sign">−1, 0 or 1 (a constant).</param>
/// <param name="LogAbsDet">log |det A|, differentiable where A is invertible.</param>
public sealed record SignAndLogAbsDet(Tensor Sign, Tensor LogAbsDet);

/// <summary>The reduced QR decomposition A = Q·R (PyTorch's <c>torch.linalg.qr</c>).</summary>
/// <param name="Q">[..., m, k] with orthonormal columns, k = min(m, n).</param>
/// <param name="R">[..., k, n] upper triangular.</param>
public sealed record QrResult(Tensor Q, Tensor R);

/// <summary>The reduced singular value decomposition A = U·diag(S)·Vh (PyTorch's <c>torch.linalg.svd</c>, full_matrices=False).</summary>
/// <param name="U">[..., m, k] left singular vectors as columns.</param>
/// <param name="S">[..., k] singular values, descending.</param>
/// <param name="Vh">[..., k, n] right singular vectors as rows.</param>
public sealed record SvdResult(Tensor U, Tensor S, Tensor Vh);

/// <summary>The eigendecomposition of a symmetric matrix A = V·diag(L)·Vᵀ (PyTorch's <c>torch.linalg.eigh</c>).</summary>
/// <param name="Eigenvalues">[..., n], ascending.</param>
/// <param name="Eigenvectors">[..., n, n], one eigenvector per column.</param>
public sealed record EighResult(Tensor Eigenvalues, Tensor Eigenvectors);

/// <summary>Linear algebra on matrices and batches of matrices [..., m, n] (PyTorch's <c>torch.linalg</c>): inverses,
/// determinants, solvers, decompositions and norms, all differentiable. Bad input (non-square, singular, not
/// positive-definite, integer dtypes) is an <see cref="ArgumentException"/> naming the function.</summary>
public static class Linalg
{
    private static Tensor W(global::Nabla.Tensor t) => Tensor.Wrap(t);

    /// <summary>The inverse A⁻¹ (PyTorch's <c>torch.linalg.inv</c>); a singular matrix is an error.</summary>
    /// <param name="a">[..., n, n].</param>
    public static Tensor Inv(Tensor a) => W(FL.inv(Of(a)));

    /// <summary>The determinant (PyTorch's <c>torch.linalg.det</c>).</summary>
    /// <param name="a">[..., n, n].</param>
    public static Tensor Det(Tensor a) => W(FL.det(Of(a)));

    /// <summary>The sign and log |det A| (PyTorch's <c>torch.linalg.slogdet</c>): <c>var (sign, logAbsDet) = Linalg.Slogdet(a);</c>.</summary>
    /// <param name="a">[..., n, n].</param>
    public static SignAndLogAbsDet Slogdet(Tensor a)
    {
        var r = FL.slogdet(Of(a));
        return new(W(r.Item1), W(r.Item2));
    }

    /// <summary>The solution X of A·X = B (PyTorch's <c>torch.linalg.solve</c>): B is [..., n, k], or a vector [n]
    /// (or a batch of vectors [..., n]); batch dimensions broadcast.</summary>
    /// <param name="a">[..., n, n], invertible.</param>
    /// <param name="b">The right-hand side.</param>
    public static Tensor Solve(Tensor a, Tensor b) => W(FL.solve(Of(a), Of(b)));

    /// <summary>The solution X of A·X = B (or X·A = B when not <paramref name="left"/>) for a triangular A, reading only
    /// its upper or lower triangle (PyTorch's <c>torch.linalg.solve_triangular</c>).</summary>
    /// <param name="a">[..., n, n].</param>
    /// <param name="b">[..., n, k] (left) or [..., k, n].</param>
    /// <param name="upper">Read the upper triangle (true) or the lower (false).</param>
    /// <param name="left">Solve A·X = B (true) or X·A = B (false).</param>
    public static Tensor SolveTriangular(Tensor a, Tensor b, bool upper, bool left = true) =>
        W(FL.solveTriangular(upper, left, Of(a), Of(b)));

    /// <summary>The lower-triangular L with L·Lᵀ = A, reading A's lower triangle (PyTorch's <c>torch.linalg.cholesky</c>);
    /// a matrix that is not positive-definite is an error.</summary>
    /// <param name="a">[..., n, n], symmetric positive-definite.</param>
    public static Tensor Cholesky(Tensor a) => W(FL.cholesky(Of(a)));

    /// <summary>The reduced QR decomposition (PyTorch's <c>torch.linalg.qr</c>): <c>var (q, r) = Linalg.Qr(a);</c>.</summary>
    /// <param name="a">[..., m, n].</param>
    public static QrResult Qr(Tensor a)
    {
        var r = FL.qr(Of(a));
        return new(W(r.Item1), W(r.Item2));
    }

    /// <summary>The reduced singular value decomposition (PyTorch's <c>torch.linalg.svd(a, full_matrices=False)</c>):
    /// <c>var (u, s, vh) = Linalg.Svd(a);</c>. Differentiate only functions that do not depend on the singular vectors' signs.</summary>
    /// <param name="a">[..., m, n].</param>
    public static SvdResult Svd(Tensor a)
    {
        var r = FL.svd(Of(a));
        return new(W(r.Item1), W(r.Item2), W(r.Item3));
    }

    /// <summary>The singular values, descending (PyTorch's <c>torch.linalg.svdvals</c>).</summary>
    /// <param name="a">[..., m, n].</param>
    public static Tensor Svdvals(Tensor a) => W(FL.svdvals(Of(a)));

    /// <summary>The eigenvalues (ascending) and eigenvectors of a symmetric matrix, from its lower triangle
    /// (PyTorch's <c>torch.linalg.eigh</c>): <c>var (l, v) = Linalg.Eigh(a);</c>.</summary>
    /// <param name="a">[..., n, n], symmetric.</param>
    public static EighResult Eigh(Tensor a)
    {
        var r = FL.eigh(Of(a));
        return new(W(r.Item1), W(r.Item2));
    }

    /// <summary>The eigenvalues of a symmetric matrix, ascending (PyTorch's <c>torch.linalg.eigvalsh</c>).</summary>
    /// <param name="a">[..., n, n], symmetric.</param>
    public static Tensor Eigvalsh(Tensor a) => W(FL.eigvalsh(Of(a)));

    /// <summary>The Moore–Penrose pseudo-inverse, [..., m, n] → [..., n, m] (PyTorch's <c>torch.linalg.pinv</c>).</summary>
    /// <param name="a">[..., m, n].</param>
    public static Tensor Pinv(Tensor a) => W(FL.pinv(Of(a)));

    /// <summary>The matrix exponential e^A (PyTorch's <c>torch.linalg.matrix_exp</c>).</summary>
    /// <param name="a">[..., n, n].</param>
    public static Tensor MatrixExp(Tensor a) => W(FL.matrixExp(Of(a)));

    /// <summary>A matrix norm over the last two dimensions (PyTorch's <c>torch.linalg.matrix_norm</c>).</summary>
    /// <param name="a">[..., m, n].</param>
    /// <param name="ord">"fro" (Frobenius, the default), "nuc" (nuclear: the sum of the singular values), or
    /// "1", "-1", "2", "-2", "inf", "-inf".</param>
    public static Tensor MatrixNorm(Tensor a, string ord = "fro") => W(FL.matrixNorm(ord, Of(a)));

    /// <summary>A matrix norm with a numeric order (PyTorch's <c>torch.linalg.matrix_norm(a, ord)</c>): 1 and −1 (largest and
    /// smallest column sum of |a|), 2 and −2 (largest and smallest singular value), ±∞ (largest and smallest row sum).</summary>
    /// <param name="a">[..., m, n].</param>
    /// <param name="ord">1, −1, 2, −2, <see cref="double.PositiveInfinity"/> or <see cref="double.NegativeInfinity"/>.</param>
    public static Tensor MatrixNorm(Tensor a, double ord) => W(FL.matrixNormOrd(ord, Of(a)));

    /// <summary>The vector p-norm over the given dimensions, all by default (PyTorch's <c>torch.linalg.vector_norm</c>).</summary>
    /// <param name="x">The input (floating-point).</param>
    /// <param name="ord">The order: any real, ±∞; 0 counts the non-zeros.</param>
    /// <param name="dims">The dimensions to reduce; null (or empty) for all.</param>
    /// <param name="keepDim">Keep the reduced dimensions with size 1.</param>
    public static Tensor VectorNorm(Tensor x, double ord = 2.0, int[]? dims = null, bool keepDim = false) =>
        W(M.vectorNorm(ord, dims ?? Array.Empty<int>(), keepDim, Of(x)));

    /// <summary>The matrix product (PyTorch's <c>torch.linalg.matmul</c>); the same as <see cref="Tensor.MatMul"/>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    public static Tensor Matmul(Tensor a, Tensor b) => W(M.matmul(Of(a), Of(b)));

    /// <summary>The cross product of 3-vectors along a dimension (PyTorch's <c>torch.linalg.cross</c>).</summary>
    /// <param name="a">The first vectors.</param>
    /// <param name="b">The second vectors, broadcasting.</param>
    /// <param name="dim">The dimension of size 3.</param>
    public static Tensor Cross(Tensor a, Tensor b, int dim = -1) => W(M.cross(dim, Of(a), Of(b)));
}
