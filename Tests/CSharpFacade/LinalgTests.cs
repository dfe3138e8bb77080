using System;
using System.Linq;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Linalg (PyTorch's torch.linalg) through the facade: identities on small matrices, errors, gradients.</summary>
public static class LinalgTests
{
    private static Tensor A() => OpsCheck.M(new double[,] { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } }); // symmetric positive-definite

    private static Tensor Eye(int n)
    {
        var e = new double[n, n];
        for (var i = 0; i < n; i++) e[i, i] = 1;
        return Tensor.From(e);
    }

    private static void Close(Tensor actual, Tensor expected, string what, double tolerance = 1e-9) =>
        OpsCheck.Values(actual, expected.ToArray<double>(), what, tolerance);

    /// <summary>Inv(A)·A = I, and Inv of [[1, 2], [3, 4]] by hand.</summary>
    public static void InvTimesAIsTheIdentity()
    {
        Close(Linalg.Inv(A()).MatMul(A()), Eye(3), "Inv(A)·A", 1e-12);
        OpsCheck.Values(Linalg.Inv(OpsCheck.M(new double[,] { { 1, 2 }, { 3, 4 } })), new[] { -2.0, 1, 1.5, -0.5 }, "by hand", 1e-12);
    }

    /// <summary>Inv of a singular or a non-square matrix is an ArgumentException naming Linalg.inv.</summary>
    public static void InvOfSingularOrNonSquareThrows()
    {
        Assert.Throws<ArgumentException>(() => Linalg.Inv(OpsCheck.M(new double[,] { { 1, 2 }, { 2, 4 } })), "Linalg.inv");
        Assert.Throws<ArgumentException>(() => Linalg.Inv(OpsCheck.Range(2, 3)), "Linalg.inv");
    }

    /// <summary>Det of [[1, 2], [3, 4]] is −2; of A (by cofactors) 18; batched.</summary>
    public static void DetByHand()
    {
        OpsCheck.Values(Linalg.Det(OpsCheck.M(new double[,] { { 1, 2 }, { 3, 4 } })), new[] { -2.0 }, "2×2", 1e-12);
        OpsCheck.Values(Linalg.Det(A()), new[] { 18.0 }, "3×3", 1e-12);
        var batch = Tensor.Stack(new[] { A(), Eye(3) });
        OpsCheck.Values(Linalg.Det(batch), new[] { 18.0, 1 }, "batch", 1e-12);
    }

    /// <summary>The gradient of Det is the cofactor matrix: [[4, −3], [−2, 1]] for [[1, 2], [3, 4]].</summary>
    public static void DetGradientIsTheCofactorMatrix()
    {
        var a = OpsCheck.M(new double[,] { { 1, 2 }, { 3, 4 } }).RequiresGrad();
        Linalg.Det(a).Backward();
        OpsCheck.Values(a.Grad!, new[] { 4.0, -3, -2, 1 }, "grad", 1e-12);
    }

    /// <summary>Slogdet deconstructs into sign −1 and log 2 for det −2.</summary>
    public static void SlogdetGivesSignAndLogAbsDet()
    {
        var (sign, logAbsDet) = Linalg.Slogdet(OpsCheck.M(new double[,] { { 1, 2 }, { 3, 4 } }));
        OpsCheck.Values(sign, new[] { -1.0 }, "sign");
        OpsCheck.Values(logAbsDet, new[] { Math.Log(2) }, "log |det|", 1e-12);
        OpsCheck.GradMatchesFiniteDifferences(a => Linalg.Slogdet(a).LogAbsDet, new[] { 4.0, 1, 1, 3 }, new[] { 2, 2 }, "logabsdet");
    }

    /// <summary>Solve(A, A·x) = x for a matrix right-hand side and for a vector.</summary>
    public static void SolveRecoversX()
    {
        var x = OpsCheck.M(new double[,] { { 1, -1 }, { 2, 0.5 }, { -3, 2 } });
        Close(Linalg.Solve(A(), A().MatMul(x)), x, "matrix", 1e-12);
        var v = OpsCheck.V(1, 2, 3);
        var s = Linalg.Solve(A(), A().MatMul(v));
        OpsCheck.Shape(s, new[] { 3 }, "vector");
        Close(s, v, "vector", 1e-12);
    }

    /// <summary>Solve's gradients with respect to A and b match finite differences.</summary>
    public static void SolveGradientsMatchFiniteDifferences()
    {
        var b = OpsCheck.V(1, -2);
        OpsCheck.GradMatchesFiniteDifferences(a => Linalg.Solve(a, b), new[] { 3.0, 1, 0.5, 2 }, new[] { 2, 2 }, "wrt A");
        var a2 = OpsCheck.M(new double[,] { { 3, 1 }, { 0.5, 2 } });
        OpsCheck.GradMatchesFiniteDifferences(t => Linalg.Solve(a2, t), new[] { 1.0, -2 }, new[] { 2 }, "wrt b");
    }

    /// <summary>Solve with a right-hand side of the wrong size is an ArgumentException naming Linalg.solve and the shapes.</summary>
    public static void SolveWithMismatchedShapesThrows()
    {
        Assert.Throws<ArgumentException>(() => Linalg.Solve(A(), OpsCheck.V(1, 2)), "Linalg.solve", "[3, 3]");
    }

    /// <summary>SolveTriangular reads one triangle; left and right solves.</summary>
    public static void SolveTriangularReadsOneTriangle()
    {
        var u = OpsCheck.M(new double[,] { { 2, 1 }, { 99, 4 } }); // 99 is below the diagonal: ignored when upper
        var b = OpsCheck.M(new double[,] { { 4 }, { 8 } });
        OpsCheck.Values(Linalg.SolveTriangular(u, b, upper: true), new[] { 1.0, 2 }, "upper, left", 1e-12);
        var l = OpsCheck.M(new double[,] { { 2, 99 }, { 1, 4 } });
        OpsCheck.Values(Linalg.SolveTriangular(l, b, upper: false), new[] { 2.0, 1.5 }, "lower, left", 1e-12);
        var row = OpsCheck.M(new double[,] { { 2, 9 } });
        // X·U = [2, 9]: x0·2 = 2, x0·1 + x1·4 = 9
        OpsCheck.Values(Linalg.SolveTriangular(u, row, upper: true, left: false), new[] { 1.0, 2 }, "upper, right", 1e-12);
    }

    /// <summary>Cholesky gives a lower-triangular L with L·Lᵀ = A.</summary>
    public static void CholeskyReconstructs()
    {
        var l = Linalg.Cholesky(A());
        Close(l.MatMul(l.Transpose(0, 1)), A(), "L·Lᵀ", 1e-12);
        Close(l.Triu(1), Tensor.Zeros(3, 3), "upper part is zero");
    }

    /// <summary>Cholesky of a matrix that is not positive-definite is an ArgumentException naming Linalg.cholesky.</summary>
    public static void CholeskyOfNonPositiveDefiniteThrows()
    {
        Assert.Throws<ArgumentException>(() => Linalg.Cholesky(OpsCheck.M(new double[,] { { 1, 2 }, { 2, 1 } })), "Linalg.cholesky");
    }

    /// <summary>Qr of a 3×2 matrix: Q has orthonormal columns, R is upper triangular, Q·R = A.</summary>
    public static void QrReconstructsWithOrthonormalQ()
    {
        var a = OpsCheck.M(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var (q, r) = Linalg.Qr(a);
        OpsCheck.Shape(q, new[] { 3, 2 }, "Q");
        OpsCheck.Shape(r, new[] { 2, 2 }, "R");
        Close(q.MatMul(r), a, "Q·R", 1e-12);
        Close(q.Transpose(0, 1).MatMul(q), Eye(2), "QᵀQ", 1e-12);
        OpsCheck.Values(r.Tril(-1), new[] { 0.0, 0, 0, 0 }, "R lower part");
    }

    /// <summary>Svd reconstructs A = U·diag(S)·Vh with S descending; Svdvals equals S.</summary>
    public static void SvdReconstructs()
    {
        var a = OpsCheck.M(new double[,] { { 3, 1 }, { 1, 3 }, { 0, 2 } });
        var (u, s, vh) = Linalg.Svd(a);
        Close(u.MatMul(s.Diag()).MatMul(vh), a, "U·diag(S)·Vh", 1e-12);
        var sv = s.ToArray<double>();
        Assert.True(sv[0] >= sv[1], "descending");
        Close(Linalg.Svdvals(a), s, "Svdvals", 1e-12);
    }

    /// <summary>The gradient of the sum of singular values (the nuclear norm) matches finite differences.</summary>
    public static void SvdvalsGradientMatchesFiniteDifferences()
    {
        OpsCheck.GradMatchesFiniteDifferences(t => Linalg.Svdvals(t), new[] { 3.0, 1, 1, 2, 0, 2 }, new[] { 3, 2 }, "svdvals", 1e-5);
    }

    /// <summary>Eigh of [[2, 1], [1, 2]]: eigenvalues 1 and 3 ascending, V·diag(L)·Vᵀ = A; Eigvalsh agrees.</summary>
    public static void EighOfASymmetricMatrix()
    {
        var a = OpsCheck.M(new double[,] { { 2, 1 }, { 1, 2 } });
        var (l, v) = Linalg.Eigh(a);
        OpsCheck.Values(l, new[] { 1.0, 3 }, "eigenvalues", 1e-12);
        Close(v.MatMul(l.Diag()).MatMul(v.Transpose(0, 1)), a, "V·diag(L)·Vᵀ", 1e-12);
        OpsCheck.Values(Linalg.Eigvalsh(a), new[] { 1.0, 3 }, "Eigvalsh", 1e-12);
        var r = Linalg.Eigh(a);
        Assert.True(r.Eigenvalues is not null && r.Eigenvectors is not null, "named members");
    }

    /// <summary>Pinv of an invertible matrix is its inverse; of a tall matrix, Pinv(A)·A = I.</summary>
    public static void PinvIsALeftInverse()
    {
        Close(Linalg.Pinv(A()), Linalg.Inv(A()), "square", 1e-10);
        var tall = OpsCheck.M(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 7 } });
        var p = Linalg.Pinv(tall);
        OpsCheck.Shape(p, new[] { 2, 3 }, "shape");
        Close(p.MatMul(tall), Eye(2), "Pinv(A)·A", 1e-10);
    }

    /// <summary>MatrixExp of zero is the identity, of a diagonal matrix the exponentials.</summary>
    public static void MatrixExpOfZeroAndDiagonal()
    {
        Close(Linalg.MatrixExp(Tensor.Zeros(2, 2).Mul(OpsCheck.V(1))), Eye(2), "exp(0)", 1e-12);
        OpsCheck.Values(Linalg.MatrixExp(OpsCheck.V(1, 2).Diag()), new[] { Math.E, 0, 0, Math.Exp(2) }, "exp(diag)", 1e-10);
    }

    /// <summary>MatrixNorm of [[1, −2], [3, 4]]: Frobenius √30, 1-norm 6, ∞-norm 7, −1 → 4, −∞ → 3; nuclear = Σ singular values.</summary>
    public static void MatrixNormOrders()
    {
        var a = OpsCheck.M(new double[,] { { 1, -2 }, { 3, 4 } });
        OpsCheck.Values(Linalg.MatrixNorm(a), new[] { Math.Sqrt(30) }, "fro", 1e-12);
        OpsCheck.Values(Linalg.MatrixNorm(a, 1), new[] { 6.0 }, "1", 1e-12);
        OpsCheck.Values(Linalg.MatrixNorm(a, double.PositiveInfinity), new[] { 7.0 }, "inf", 1e-12);
        OpsCheck.Values(Linalg.MatrixNorm(a, -1), new[] { 4.0 }, "-1", 1e-12);
        OpsCheck.Values(Linalg.MatrixNorm(a, double.NegativeInfinity), new[] { 3.0 }, "-inf", 1e-12);
        OpsCheck.Values(Linalg.MatrixNorm(a, "nuc"), new[] { Linalg.Svdvals(a).Sum().Item<double>() }, "nuc", 1e-12);
        OpsCheck.Values(Linalg.MatrixNorm(a, 2), new[] { Linalg.Svdvals(a).Max().Item<double>() }, "2", 1e-12);
    }

    /// <summary>An unknown matrix-norm order is an ArgumentException naming Linalg.matrixNorm.</summary>
    public static void MatrixNormWithUnknownOrderThrows()
    {
        Assert.Throws<ArgumentException>(() => Linalg.MatrixNorm(OpsCheck.Range(2, 2), "abc"), "Linalg.matrixNorm", "abc");
    }

    /// <summary>VectorNorm over all elements, over a dimension with keepDim, with other orders.</summary>
    public static void VectorNormOrdersAndDimensions()
    {
        var m = OpsCheck.M(new double[,] { { 3, 4 }, { 0, -12 } });
        OpsCheck.Values(Linalg.VectorNorm(m), new[] { 13.0 }, "all", 1e-12);
        OpsCheck.Values(Linalg.VectorNorm(m, dims: new[] { 1 }), new[] { 5.0, 12 }, "dim 1", 1e-12);
        OpsCheck.Shape(Linalg.VectorNorm(m, dims: new[] { 0 }, keepDim: true), new[] { 1, 2 }, "keepDim");
        OpsCheck.Values(Linalg.VectorNorm(m, ord: 1), new[] { 19.0 }, "ord 1", 1e-12);
        OpsCheck.Values(Linalg.VectorNorm(m, ord: double.PositiveInfinity), new[] { 12.0 }, "ord inf", 1e-12);
    }

    /// <summary>Linalg.Matmul and Linalg.Cross equal the instance methods.</summary>
    public static void LinalgMatmulAndCrossEqualTheMethods()
    {
        Close(Linalg.Matmul(A(), OpsCheck.Range(3, 2)), A().MatMul(OpsCheck.Range(3, 2)), "Matmul");
        OpsCheck.Values(Linalg.Cross(OpsCheck.V(0, 1, 0), OpsCheck.V(0, 0, 1)), new[] { 1.0, 0, 0 }, "y × z = x");
    }

    /// <summary>Inv's gradient matches finite differences.</summary>
    public static void InvGradientMatchesFiniteDifferences()
    {
        OpsCheck.GradMatchesFiniteDifferences(t => Linalg.Inv(t), new[] { 3.0, 1, 0.5, 2 }, new[] { 2, 2 }, "Inv");
        OpsCheck.GradMatchesFiniteDifferences(t => Linalg.Cholesky(t.MatMul(t.Transpose(0, 1)) + OpsCheck.V(1, 1).Diag()),
            new[] { 1.0, 0.5, -0.5, 2 }, new[] { 2, 2 }, "Cholesky(X·Xᵀ + I)");
    }
}
