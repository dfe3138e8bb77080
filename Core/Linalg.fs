namespace Nabla

open System
open TorchSharp
open Nabla.Raw

/// The primitives behind Linalg: input checks, matrix helpers and each decomposition as one
/// differentiable op (primal on LibTorch + JVP + VJP, the rules written with Nabla ops so that
/// they nest). Rules follow Giles, "Collected matrix derivative results" (2008), Murray (2016)
/// for the Cholesky factor, and PyTorch's conventions where a derivative is not unique
/// (cholesky and eigh read one triangle of a symmetric matrix: their gradients are symmetric).
module internal LinalgOps =

    // ------------------------------------------------------------ checks

    /// float32 or float64: LibTorch's linear algebra has no integer or half-precision kernels.
    let checkFloat (op: string) (x: Tensor) =
        match x.Dtype with
        | Dtype.Float32
        | Dtype.Float64 -> ()
        | d when d.IsFloatingPoint ->
            invalidArg
                "a"
                $"{op}: dtype {d} is not supported (LibTorch's linear algebra works in float32 and float64); got {d}{shapeText x.Shape}. Convert it with Tensor.toDtype Dtype.Float32 first."
        | d ->
            invalidArg
                "a"
                $"{op}: the input has dtype {d} ({d}{shapeText x.Shape}); linear algebra needs a floating-point tensor (float32 or float64). Convert it with Tensor.toDtype Dtype.Float64 first."

    /// A matrix or a batch of matrices [..., m, n] of float32 or float64.
    let checkMatrix (op: string) (x: Tensor) =
        if x.Dim < 2 then
            invalidArg "a" $"{op}: the input must be a matrix or a batch of matrices [..., m, n]; got shape {shapeText x.Shape}."

        checkFloat op x

    /// A square matrix or a batch of them [..., n, n].
    let checkSquare (op: string) (x: Tensor) =
        checkMatrix op x
        let s = x.Shape

        if s[s.Length - 1] <> s[s.Length - 2] then
            invalidArg "a" $"{op}: the input must be a square matrix or a batch of square matrices [..., n, n]; got shape {shapeText s}."

    /// The batch elements (row-major positions in the batch dims) where a LibTorch `info` result is non-zero.
    let private failures (info: RawTensor) : (int * int)[] =
        let codes = toFloatArray info

        [|
            for b in 0 .. codes.Length - 1 do
                if codes[b] <> 0.0 then
                    b, int codes[b]
        |]

    let private batchNote (batchRank: int) (b: int) =
        if batchRank = 0 then
            ""
        else
            $" (batch element {b} in row-major order)"

    // ------------------------------------------------------------ matrix helpers (differentiable)

    /// The transpose of the last two dims.
    let mT (x: Tensor) = OpsShape.transpose -2 -1 x
    let mm (a: Tensor) (b: Tensor) = OpsLinalg.matmul a b
    /// Square matrices with v on the diagonal (batched).
    let diagEmbed (v: Tensor) = OpsShape.diagEmbed 0 v
    /// The diagonal of the last two dims (batched).
    let diagOf (m: Tensor) = OpsShape.diagonal 0 m

    /// (x + xᵀ) / 2
    let sym (x: Tensor) =
        Tensor.MulScalar(Tensor.Add(x, mT x), 0.5)

    let tril (k: int) (x: Tensor) = OpsShape.triangle "tril" true k x
    let triu (k: int) (x: Tensor) = OpsShape.triangle "triu" false k x

    let unsqueeze (dim: int) (x: Tensor) =
        let s = x.Shape
        let d = if dim < 0 then dim + s.Length + 1 else dim
        OpsShape.reshape (Array.insertAt d 1 s) x

    /// Each column j of m times v[j] (m·diag(v)).
    let scaleColumns (m: Tensor) (v: Tensor) = Tensor.Mul(m, unsqueeze -2 v)
    /// Each row i of m times v[i] (diag(v)·m).
    let scaleRows (v: Tensor) (m: Tensor) = Tensor.Mul(unsqueeze -1 v, m)
    let sumLast2 (x: Tensor) = OpsReduce.sumDims [| -2; -1 |] false x
    /// g[..., None, None]
    let asMatrixFactor (g: Tensor) = unsqueeze -1 (unsqueeze -1 g)

    /// F[i, j] = 1/(v[j] − v[i]) off the diagonal, 0 on it (batched over the last dim of v): the
    /// factor of the eigen- and singular-vector rules. Where two values coincide it is infinite, as in
    /// PyTorch: derivatives through the vectors do not exist there (functions of the values alone
    /// are fine, see isZeroConstant).
    let gapReciprocal (op: string) (v: Tensor) =
        let n = v.Shape[v.Dim - 1]
        let r = v.Raw()

        let diagonal =
            guard1 op r (fun () -> torch.eye (int64 n, int64 n, torch.ScalarType.Bool, r.device))

        let eye =
            Const(guard1 op r (fun () -> torch.eye (int64 n, int64 n, r.dtype, r.device)))

        let gaps = Tensor.Add(Tensor.Sub(unsqueeze -2 v, unsqueeze -1 v), eye)
        Prim.MaskedZero(op, Tensor.RDivScalar(1.0, gaps), diagonal)

    /// True for a cotangent that is a constant of zeros: the result it belongs to was not used. As
    /// PyTorch does for an undefined gradient, a rule then leaves out the terms it multiplies, which
    /// may hold 1/(λⱼ − λᵢ) = ∞ at repeated values (0·∞ would be NaN, though the term is 0).
    let isZeroConstant (op: string) (g: Tensor) =
        not g.IsDifferentiated
        && (let r = g.Raw()
            guardAny op [| r |] (fun () -> use any = r.any () in not (any.item<bool>())))

    // ------------------------------------------------------------ several results as one op

    /// A primitive with several results (a decomposition): LibTorch computes them once; they travel
    /// packed in one tensor [batch..., total] (each result flattened over its own dims), and the
    /// rules see them unpacked. `shapes` are the results' full shapes; all share x's batch dims.
    /// `jvp x results dx` returns the results' tangents; `vjp x results cotangents` the input's
    /// cotangent (a result that is not used has a zero cotangent).
    let decomposition
        (op: string)
        (shapes: int[][])
        (primal: RawTensor -> RawTensor[])
        (jvp: Tensor -> Tensor[] -> Tensor -> Tensor[])
        (vjp: Tensor -> Tensor[] -> Tensor[] -> Tensor)
        (x: Tensor)
        : Tensor[] =
        let batch = x.Shape[.. x.Dim - 3]
        let b = batch.Length
        let sizes = shapes |> Array.map (fun s -> Array.fold (*) 1 s[b..])
        let offsets = Array.scan (+) 0 sizes
        let flatShape (n: int) = Array.append batch [| n |]

        let pack (ts: Tensor[]) =
            OpsShape.cat b (ts |> Array.mapi (fun i t -> OpsShape.reshape (flatShape sizes[i]) t))

        let unpack (p: Tensor) =
            Array.init shapes.Length (fun i -> p |> OpsShape.narrow b offsets[i] sizes[i] |> OpsShape.reshape shapes[i])

        let packRaw (rs: RawTensor[]) =
            let flat = rs |> Array.mapi (fun i r -> r.reshape (longs (flatShape sizes[i])))

            try
                torch.cat (flat, int64 b)
            finally
                for f in flat do
                    f.Dispose()

                for r in rs do
                    r.Dispose()

        let y =
            Prim.Lift1(
                op,
                (fun r -> packRaw (primal r)),
                (fun x y dx -> pack (jvp x (unpack y) dx)),
                (fun x y g -> vjp x (unpack y) (unpack g)),
                x
            )

        unpack y

    // ------------------------------------------------------------ inverse, solves

    /// A⁻¹ and LibTorch's `info` (non-zero where a matrix is singular), computed as the solution of
    /// A·X = I. (TorchSharp 0.107's linalg.inv_ex returns the Cholesky factor instead of the inverse.)
    let invRaw (r: RawTensor) : struct (RawTensor * RawTensor) =
        let n = r.size -1
        use eye = torch.eye (n, n, r.dtype, r.device)
        // expanded to A's shape: a [n, n] right-hand side for A [n, n, n] would count as a batch of vectors
        use eyes = eye.expand (r.shape)
        torch.linalg.solve_ex (r, eyes, true, false)

    /// A⁻¹ (singular input: an error naming `op`, with `hint` after it). JVP −Y·dA·Y, VJP −Yᵀ·g·Yᵀ.
    let inv (op: string) (hint: string) (a: Tensor) : Tensor =
        let primal (r: RawTensor) =
            let struct (y, info) = invRaw r
            use info = info

            match failures info with
            | [||] -> y
            | bad ->
                y.Dispose()
                let b, k = bad[0]

                invalidArg
                    "a"
                    $"{op}: the matrix {describe r} is singular{batchNote (r.dim () - 2L |> int) b}: U[{k - 1}, {k - 1}] of its LU factorization is exactly zero{hint}"

        Prim.Lift1(op, primal, (fun _ y da -> Tensor.Neg(mm (mm y da) y)), (fun _ y g -> let yT = mT y in Tensor.Neg(mm (mm yT g) yT)), a)

    /// X = A⁻¹B for a triangular A (only its `upper` or lower triangle is read), or X = B·A⁻¹ when
    /// not `left`; batch dims broadcast. Rules (left): dX = A⁻¹(dB − tri(dA)·X); gB = A⁻ᵀg, gA = −tri(gB·Xᵀ).
    let rec solveTriangular (upper: bool) (left: bool) (a: Tensor) (b: Tensor) : Tensor =
        let tri (x: Tensor) = if upper then triu 0 x else tril 0 x
        let solve (a: Tensor) (b: Tensor) = solveTriangular upper left a b

        let solveT (a: Tensor) (b: Tensor) =
            solveTriangular (not upper) left (mT a) b

        Prim.Lift2(
            "Linalg.solveTriangular",
            (fun ra rb -> torch.linalg.solve_triangular (ra, rb, upper, left, false, null)),
            (fun p da ->
                if left then
                    solve p.A (Tensor.Neg(mm (tri da) p.Out))
                else
                    solve p.A (Tensor.Neg(mm p.Out (tri da)))),
            (fun p db -> solve p.A db),
            (fun p g ->
                let gb = solveT p.A g
                Tensor.Neg(tri (if left then mm gb (mT p.Out) else mm (mT p.Out) gb))),
            (fun p g -> solveT p.A g),
            a,
            b
        )

    /// A·X = B for square A [..., n, n] and B [..., n, k], batch dims broadcast (checked by the caller).
    /// Rules: dX = A⁻¹(dB − dA·X); gB = A⁻ᵀ·g, gA = −gB·Xᵀ.
    let rec solve (a: Tensor) (b: Tensor) : Tensor =
        let primal (ra: RawTensor) (rb: RawTensor) =
            let struct (x, info) = torch.linalg.solve_ex (ra, rb, true, false)
            use info = info

            match failures info with
            | [||] -> x
            | bad ->
                x.Dispose()
                let batchRank = shape info |> Array.length

                invalidArg
                    "a"
                    $"Linalg.solve: the matrix A ({describe ra}) is singular{batchNote batchRank (fst bad[0])}, so A·X = B has no unique solution (B is {describe rb}). Use Linalg.pinv for a least-squares solution."

        Prim.Lift2(
            "Linalg.solve",
            primal,
            (fun p da -> solve p.A (Tensor.Neg(mm da p.Out))),
            (fun p db -> solve p.A db),
            (fun p g -> Tensor.Neg(mm (solve (mT p.A) g) (mT p.Out))),
            (fun p g -> solve (mT p.A) g),
            a,
            b
        )

    // ------------------------------------------------------------ determinants

    /// The product of all but one of the last-dim entries, for each one: out[..., i] = Πⱼ≠ᵢ v[..., j].
    let private productsOfOthers (v: Tensor) =
        let k = v.Shape[v.Dim - 1]
        let column j = Tensor.SelectAt(v, v.Dim - 1, j)

        let others i =
            [
                for j in 0 .. k - 1 do
                    if j <> i then
                        column j
            ]
            |> List.fold
                (fun acc c ->
                    match acc with
                    | None -> Some c
                    | Some p -> Some(Tensor.Mul(p, c)))
                None
            |> Option.defaultWith (fun () -> Tensor.onesLike (column 0))

        OpsShape.cat (v.Dim - 1) [| for i in 0 .. k - 1 -> unsqueeze -1 (others i) |]

    /// The cofactor matrix C = adj(A)ᵀ, the derivative of det: d det = Σ C ⊙ dA. Exact polynomials
    /// for n ≤ 3 (so det's derivatives are right at singular matrices too, to every order); for
    /// larger n, det(A)·A⁻ᵀ when every matrix is invertible, else, as PyTorch does for singular
    /// matrices, from the SVD A = U·diag(σ)·Vᵀ: C = det(U)·det(Vᵀ)·U·diag(Πⱼ≠ᵢ σⱼ)·Vᵀ (exact for
    /// first derivatives; its own derivative needs distinct singular values).
    let rec cofactor (a: Tensor) (d: Tensor) : Tensor =
        let s = a.Shape
        let n = s[s.Length - 1]

        let entry i j =
            Tensor.SelectAt(Tensor.SelectAt(a, a.Dim - 2, i), a.Dim - 2, j)

        let row i = Tensor.SelectAt(a, a.Dim - 2, i)

        match n with
        | 0 -> Tensor.zerosLike a
        | 1 -> Tensor.onesLike a
        | 2 ->
            // [[a11, −a10], [−a01, a00]]
            let r0 =
                OpsShape.cat (a.Dim - 2) [| unsqueeze -1 (entry 1 1); unsqueeze -1 (Tensor.Neg(entry 1 0)) |]

            let r1 =
                OpsShape.cat (a.Dim - 2) [| unsqueeze -1 (Tensor.Neg(entry 0 1)); unsqueeze -1 (entry 0 0) |]

            OpsShape.cat (a.Dim - 2) [| unsqueeze -2 r0; unsqueeze -2 r1 |]
        | 3 ->
            // rows r1 × r2, r2 × r0, r0 × r1
            let c i j =
                unsqueeze -2 (OpsProducts.cross -1 (row i) (row j))

            OpsShape.cat (a.Dim - 2) [| c 1 2; c 2 0; c 0 1 |]
        | _ ->
            let r = a.Raw()

            let invertible =
                guardAny "Linalg.det" [| r |] (fun () ->
                    let struct (y, info) = invRaw r
                    y.Dispose()
                    use info = info
                    (failures info).Length = 0)

            if invertible then
                Tensor.Mul(asMatrixFactor d, mT (inv "Linalg.det" "." a))
            else
                let u, sv, vh = let o = svd a in o[0], o[1], o[2]

                let sign =
                    Const(
                        guardAny "Linalg.det" [| r |] (fun () ->
                            use du = torch.linalg.det (u.Raw())
                            use dv = torch.linalg.det (vh.Raw())
                            Memory.adopt (du.mul dv))
                    )

                Tensor.Mul(asMatrixFactor sign, mm (scaleColumns u (productsOfOthers sv)) vh)

    /// det A. JVP Σ C ⊙ dA, VJP g·C with C the cofactor matrix.
    and det (a: Tensor) : Tensor =
        Prim.Lift1(
            "Linalg.det",
            (fun r -> torch.linalg.det r),
            (fun a d da -> sumLast2 (Tensor.Mul(cofactor a d, da))),
            (fun a d g -> Tensor.Mul(asMatrixFactor g, cofactor a d)),
            a
        )

    // ------------------------------------------------------------ SVD

    /// The SVD rules for a tall or square matrix A = U·diag(s)·Vᵀ (m ≥ n; V is n×n): JVP with
    /// dP = Uᵀ·dA·V and F = 1/(sⱼ² − sᵢ²) (0 on the diagonal and where values coincide):
    /// ds = diag(dP), dU = U(F ⊙ (dP·S + S·dPᵀ)) + (I − UUᵀ)·dA·V·S⁻¹, dV = V(F ⊙ (S·dP + dPᵀ·S)).
    and svdTallJvp (m: int) (n: int) (u: Tensor) (s: Tensor) (v: Tensor) (da: Tensor) =
        let f = svdF s
        let dav = mm da v
        let dp = mm (mT u) dav
        let ds = diagOf dp
        let du0 = mm u (Tensor.Mul(f, Tensor.Add(scaleColumns dp s, scaleRows s (mT dp))))

        let du =
            if m > n then
                Tensor.Add(du0, scaleColumns (Tensor.Sub(dav, mm u dp)) (Tensor.RDivScalar(1.0, s)))
            else
                du0

        let dv = mm v (Tensor.Mul(f, Tensor.Add(scaleRows s dp, scaleColumns (mT dp) s)))
        du, ds, dv

    /// The transpose of svdTallJvp: gA = U[(F ⊙ (UᵀgU − gUᵀU))S + S(F ⊙ (VᵀgV − gVᵀV)) + diag(gs)]Vᵀ
    /// + (I − UUᵀ)·gU·S⁻¹·Vᵀ (PyTorch's svd_backward); the terms of an unused U or V are left out.
    and svdTallVjp (m: int) (n: int) (u: Tensor) (s: Tensor) (v: Tensor) (gu: Tensor) (gs: Tensor) (gv: Tensor) =
        let useU, useV =
            not (isZeroConstant "Linalg.svd" gu), not (isZeroConstant "Linalg.svd" gv)

        let f = if useU || useV then svdF s else Unchecked.defaultof<_>
        let utgu = if useU then mm (mT u) gu else Unchecked.defaultof<_>

        let core =
            [
                diagEmbed gs
                if useU then
                    scaleColumns (Tensor.Mul(f, Tensor.Sub(utgu, mT utgu))) s
                if useV then
                    let vtgv = mm (mT v) gv
                    scaleRows s (Tensor.Mul(f, Tensor.Sub(vtgv, mT vtgv)))
            ]
            |> List.reduce (fun a b -> Tensor.Add(a, b))

        let ga = mm (mm u core) (mT v)

        if m > n && useU then
            let projected = Tensor.Sub(gu, mm u utgu)
            Tensor.Add(ga, mm (scaleColumns projected (Tensor.RDivScalar(1.0, s))) (mT v))
        else
            ga

    /// F = 1/(sⱼ² − sᵢ²) off the diagonal, 0 on it.
    and svdF (s: Tensor) =
        gapReciprocal "Linalg.svd" (Tensor.Mul(s, s))

    /// The reduced SVD [U; S; Vh] as one op (a wide matrix is handled through its transpose).
    and svd (a: Tensor) : Tensor[] =
        let s = a.Shape
        let m, n = s[s.Length - 2], s[s.Length - 1]
        let k = min m n
        let batch = s[.. s.Length - 3]

        let shapes =
            [|
                Array.append batch [| m; k |]
                Array.append batch [| k |]
                Array.append batch [| k; n |]
            |]

        let primal (r: RawTensor) =
            let struct (u, sv, vh) = torch.linalg.svd (r, false)
            [| u; sv; vh |]

        let jvp (_: Tensor) (o: Tensor[]) (da: Tensor) =
            let u, sv, vh = o[0], o[1], o[2]

            if m >= n then
                let du, ds, dv = svdTallJvp m n u sv (mT vh) da
                [| du; ds; mT dv |]
            else
                let du, ds, dv = svdTallJvp n m (mT vh) sv u (mT da)
                [| dv; ds; mT du |]

        let vjp (_: Tensor) (o: Tensor[]) (g: Tensor[]) =
            let u, sv, vh = o[0], o[1], o[2]

            if m >= n then
                svdTallVjp m n u sv (mT vh) g[0] g[1] (mT g[2])
            else
                mT (svdTallVjp n m (mT vh) sv u (mT g[2]) g[1] g[0])

        decomposition "Linalg.svd" shapes primal jvp vjp a

    /// The singular values alone (torch.linalg.svdvals); the rules take U and Vh from svd:
    /// ds = diag(Uᵀ·dA·V), gA = U·diag(g)·Vh.
    let svdvals (a: Tensor) : Tensor =
        // the rules decompose again; their errors name svdvals, the function the user called
        Prim.Lift1(
            "Linalg.svdvals",
            (fun r -> torch.linalg.svdvals r),
            (fun a _ da -> named "Linalg.svdvals" (fun () -> let o = svd a in diagOf (mm (mm (mT o[0]) da) (mT o[2])))),
            (fun a _ g -> named "Linalg.svdvals" (fun () -> let o = svd a in mm (scaleColumns o[0] g) o[2])),
            a
        )

    // ------------------------------------------------------------ symmetric eigendecomposition

    /// [eigenvalues; eigenvectors] of the symmetric matrix whose lower triangle is A's (as PyTorch's
    /// UPLO='L'). The derivative is taken along symmetric directions, as PyTorch's: with
    /// M = Vᵀ·sym(dA)·V and F = 1/(λⱼ − λᵢ): dλ = diag(M), dV = V(F ⊙ M); gA = V(diag(gλ) + F ⊙ (G − Gᵀ)/2)Vᵀ
    /// with G = Vᵀ·gV, a symmetric matrix.
    let eigh (a: Tensor) : Tensor[] =
        let s = a.Shape
        let n = s[s.Length - 1]
        let batch = s[.. s.Length - 3]
        let shapes = [| Array.append batch [| n |]; Array.append batch [| n; n |] |]

        let primal (r: RawTensor) =
            let struct (l, v) = torch.linalg.eigh (r, 'L')
            [| l; v |]

        let gap (l: Tensor) = gapReciprocal "Linalg.eigh" l

        let jvp (_: Tensor) (o: Tensor[]) (da: Tensor) =
            let l, v = o[0], o[1]
            let m = mm (mm (mT v) (sym da)) v
            [| diagOf m; mm v (Tensor.Mul(gap l, m)) |]

        let vjp (_: Tensor) (o: Tensor[]) (g: Tensor[]) =
            let l, v = o[0], o[1]

            if isZeroConstant "Linalg.eigh" g[1] then
                mm (scaleColumns v g[0]) (mT v)
            else
                let vtg = mm (mT v) g[1]

                let inner =
                    Tensor.Add(diagEmbed g[0], Tensor.MulScalar(Tensor.Mul(gap l, Tensor.Sub(vtg, mT vtg)), 0.5))

                mm (mm v inner) (mT v)

        decomposition "Linalg.eigh" shapes primal jvp vjp a

    /// The eigenvalues alone (torch.linalg.eigvalsh); the rules take V from eigh:
    /// dλ = diag(Vᵀ·sym(dA)·V), gA = V·diag(g)·Vᵀ.
    let eigvalsh (a: Tensor) : Tensor =
        Prim.Lift1(
            "Linalg.eigvalsh",
            (fun r -> torch.linalg.eigvalsh (r, 'L')),
            (fun a _ da -> let v = (eigh a)[1] in diagOf (mm (mm (mT v) (sym da)) v)),
            (fun a _ g -> let v = (eigh a)[1] in mm (scaleColumns v g) (mT v)),
            a
        )

    // ------------------------------------------------------------ Cholesky, QR

    /// Lower-triangular L with L·Lᵀ = A (only A's lower triangle is read); not positive-definite:
    /// an error. JVP (Murray 2016, along symmetric directions): dL = L·Φ(L⁻¹·sym(dA)·L⁻ᵀ) with Φ the
    /// lower triangle and half the diagonal; VJP (PyTorch's, symmetric): P = tril(Lᵀ·gL),
    /// gA = L⁻ᵀ·(P + tril(P, −1)ᵀ)/2·L⁻¹.
    let cholesky (a: Tensor) : Tensor =
        let primal (r: RawTensor) =
            let struct (l, info) = torch.linalg.cholesky_ex (r, false)
            use info = info

            match failures info with
            | [||] -> l
            | bad ->
                l.Dispose()
                let b, k = bad[0]

                invalidArg
                    "a"
                    $"Linalg.cholesky: the matrix {describe r} is not positive-definite{batchNote (r.dim () - 2L |> int) b}: its leading minor of order {k} is not positive. The Cholesky factor exists only for symmetric positive-definite matrices (only the lower triangle is read)."

        let phi (p: Tensor) =
            Tensor.Add(tril -1 p, Tensor.MulScalar(diagEmbed (diagOf p), 0.5))

        Prim.Lift1(
            "Linalg.cholesky",
            primal,
            (fun _ l da ->
                // L⁻¹·S·L⁻ᵀ: two triangular solves
                let x = solveTriangular false true l (sym da)
                let p = solveTriangular true false (mT l) x
                mm l (phi p)),
            (fun _ l g ->
                let p = tril 0 (mm (mT l) g)
                let s = Tensor.MulScalar(Tensor.Add(p, mT (tril -1 p)), 0.5)
                let x = solveTriangular true true (mT l) s
                solveTriangular false false l x),
            a
        )

    /// The QR rules for a square-or-tall A = QR (Q m×n, R n×n upper): with X = dA·R⁻¹, C = Qᵀ·X and
    /// Ω = tril(C, −1) − tril(C, −1)ᵀ: dR = (C − Ω)·R, dQ = X − Q·(C − Ω). VJP: N = gR·Rᵀ − Qᵀ·gQ,
    /// gA = (gQ + Q·(triu(N) + triu(N, 1)ᵀ))·R⁻ᵀ.
    let private qrTallJvp (q: Tensor) (r: Tensor) (da: Tensor) =
        let x = solveTriangular true false r da
        let c = mm (mT q) x
        let low = tril -1 c
        let cw = Tensor.Sub(c, Tensor.Sub(low, mT low))
        Tensor.Sub(x, mm q cw), mm cw r

    let private qrTallVjp (q: Tensor) (r: Tensor) (gq: Tensor) (gr: Tensor) =
        let nn = Tensor.Sub(mm gr (mT r), mm (mT q) gq)
        let phi = Tensor.Add(triu 0 nn, mT (triu 1 nn))
        solveTriangular false false (mT r) (Tensor.Add(gq, mm q phi))

    /// The reduced QR [Q; R] as one op. For m < n, A = Q·[R₁ | R₂] with A = [X | Y]: X = Q·R₁ is a
    /// square QR and R₂ = Qᵀ·Y.
    let qr (a: Tensor) : Tensor[] =
        let s = a.Shape
        let m, n = s[s.Length - 2], s[s.Length - 1]
        let k = min m n
        let batch = s[.. s.Length - 3]
        let shapes = [| Array.append batch [| m; k |]; Array.append batch [| k; n |] |]

        let primal (r: RawTensor) =
            let struct (q, rr) = torch.linalg.qr (r, torch.linalg.QRMode.Reduced)
            [| q; rr |]

        let split (t: Tensor) =
            OpsShape.narrow -1 0 m t, OpsShape.narrow -1 m (n - m) t

        let jvp (a: Tensor) (o: Tensor[]) (da: Tensor) =
            let q, r = o[0], o[1]

            if m >= n then
                let dq, dr = qrTallJvp q r da
                [| dq; dr |]
            else
                let r1, _ = split r
                let _, y = split a
                let dx, dy = split da
                let dq, dr1 = qrTallJvp q r1 dx
                let dr2 = Tensor.Add(mm (mT dq) y, mm (mT q) dy)
                [| dq; OpsShape.cat (a.Dim - 1) [| dr1; dr2 |] |]

        let vjp (a: Tensor) (o: Tensor[]) (g: Tensor[]) =
            let q, r = o[0], o[1]

            if m >= n then
                qrTallVjp q r g[0] g[1]
            else
                let r1, _ = split r
                let _, y = split a
                let gr1, gr2 = split g[1]
                let gx = qrTallVjp q r1 (Tensor.Add(g[0], mm y (mT gr2))) gr1
                OpsShape.cat (a.Dim - 1) [| gx; mm q gr2 |]

        decomposition "Linalg.qr" shapes primal jvp vjp a

    // ------------------------------------------------------------ slogdet, pinv, matrix exponential

    /// log |det A|. JVP tr(A⁻¹·dA), VJP g·A⁻ᵀ (not finite at a singular matrix: an error there).
    let logAbsDet (a: Tensor) : Tensor =
        let primal (r: RawTensor) =
            let struct (sign, logabs) = torch.linalg.slogdet r
            sign.Dispose()
            logabs

        Prim.Lift1(
            "Linalg.slogdet",
            primal,
            (fun a _ da ->
                sumLast2 (Tensor.Mul(mT (inv "Linalg.slogdet" "; log |det| is -infinity there and its derivative is not finite." a), da))),
            (fun a _ g ->
                Tensor.Mul(
                    asMatrixFactor g,
                    mT (inv "Linalg.slogdet" "; log |det| is -infinity there and its derivative is not finite." a)
                )),
            a
        )

    /// The sign of det A (−1, 0 or 1): a constant.
    let detSign (a: Tensor) : Tensor =
        let primal (r: RawTensor) =
            let struct (sign, logabs) = torch.linalg.slogdet r
            logabs.Dispose()
            sign

        Prim.Constant("Linalg.slogdet", primal, a)

    /// The Moore–Penrose pseudo-inverse X = A⁺ (LibTorch's SVD cutoff). Derivative (Golub and
    /// Pereyra 1973; valid where the rank does not change): dX = −X·dA·X + X·Xᵀ·dAᵀ·(I − A·X) +
    /// (I − X·A)·dAᵀ·Xᵀ·X; its transpose gA = −Xᵀ·g·Xᵀ + (I − A·X)·gᵀ·X·Xᵀ + Xᵀ·X·gᵀ·(I − X·A).
    let pinv (a: Tensor) : Tensor =
        Prim.Lift1(
            "Linalg.pinv",
            (fun r -> torch.linalg.pinv (r, Nullable<float>(), Nullable<float>(), false)),
            (fun a x da ->
                let daT = mT da
                let p = mm (mm x (mT x)) daT
                let q = mm (mm daT (mT x)) x
                Tensor.Add(Tensor.Add(Tensor.Neg(mm (mm x da) x), Tensor.Sub(p, mm (mm p a) x)), Tensor.Sub(q, mm x (mm a q)))),
            (fun a x g ->
                let xT, gT = mT x, mT g
                let r = mm (mm gT x) xT
                let t = mm (mm xT x) gT
                Tensor.Add(Tensor.Add(Tensor.Neg(mm (mm xT g) xT), Tensor.Sub(r, mm a (mm x r))), Tensor.Sub(t, mm (mm t x) a))),
            a
        )

    /// e^A. Its derivative along E (the Fréchet derivative) is the upper-right block of
    /// exp([[A, E], [0, A]]); the VJP is the same at Aᵀ with g. Both are matrix exponentials, so they nest.
    let rec matrixExp (a: Tensor) : Tensor =
        let n = a.Shape[a.Dim - 1]

        let upperRight (top: Tensor) (corner: Tensor) =
            let r = a.Dim - 1

            let block =
                OpsShape.cat
                    (r - 1)
                    [|
                        OpsShape.cat r [| top; corner |]
                        OpsShape.cat r [| Tensor.zerosLike top; top |]
                    |]

            matrixExp block |> OpsShape.narrow (r - 1) 0 n |> OpsShape.narrow r n n

        Prim.Lift1(
            "Linalg.matrixExp",
            (fun r -> torch.linalg.matrix_exp r),
            (fun a _ da -> upperRight a da),
            (fun a _ g -> upperRight (mT a) g),
            a
        )

/// Linear algebra, as torch.linalg: every function takes a matrix [m, n] or a batch [..., m, n]
/// of float32 or float64 and is differentiable (forward and reverse, to second order and beyond
/// where the math allows). `Linalg.solve a b` solves a·x = b. Bad input (non-square, singular,
/// not positive-definite, integer dtypes) is an ArgumentException naming the function.
module Linalg =

    open LinalgOps

    /// The inverse A⁻¹ (torch.linalg.inv). A singular matrix is an error.
    let inv (a: Tensor) : Tensor =
        checkSquare "Linalg.inv" a
        LinalgOps.inv "Linalg.inv" ", so it has no inverse. Use Linalg.pinv for a pseudo-inverse." a

    /// The determinant (torch.linalg.det). Its derivative is the cofactor matrix: exact polynomials
    /// up to 3×3 (right at singular matrices too, to every order); beyond, det·A⁻ᵀ, or at a singular
    /// matrix the SVD formula (its first derivative is exact; PyTorch 1.13 returns 0 there).
    let det (a: Tensor) : Tensor =
        checkSquare "Linalg.det" a
        LinalgOps.det a

    /// (sign, log |det A|) (torch.linalg.slogdet): det A = sign · exp(logabsdet). The sign is a
    /// constant; logabsdet is differentiable where A is invertible.
    let slogdet (a: Tensor) : Tensor * Tensor =
        checkSquare "Linalg.slogdet" a
        detSign a, logAbsDet a

    /// The solution x of a·x = b (torch.linalg.solve): a is [..., n, n]; b is [..., n, k], or a
    /// vector [n] / a batch of vectors [..., n] when b.shape = a.shape[:-1]; batch dims broadcast.
    let solve (a: Tensor) (b: Tensor) : Tensor =
        if isNull (box a) || isNull (box b) then
            raise (ArgumentNullException("b", "Linalg.solve: a or b is null."))

        let ab = Prim.Promote("Linalg.solve", [| a; b |])
        let a, b = ab[0], ab[1]
        checkSquare "Linalg.solve" a
        let sa, sb = a.Shape, b.Shape
        let n = sa[sa.Length - 1]

        let fail why =
            invalidArg "b" $"Linalg.solve: cannot solve A·X = B for A of shape {shapeText sa} and B of shape {shapeText sb}: {why}."

        if sb.Length = 0 then
            fail "B must be a vector [n], a batch of vectors [..., n] or a matrix [..., n, k]"

        let vector =
            sb.Length = 1 || (sb.Length = sa.Length - 1 && sb = sa[.. sa.Length - 2])

        let bm = if vector then unsqueeze -1 b else b
        let sbm = bm.Shape

        if sbm[sbm.Length - 2] <> n then
            fail (
                if vector then
                    $"B has {sb[sb.Length - 1]} rows but A is {n}×{n}"
                else
                    $"B's second-to-last dimension ({sbm[sbm.Length - 2]}) must be A's size {n}"
            )

        let batch =
            broadcastShapes "Linalg.solve (batch dimensions)" sa[.. sa.Length - 3] sbm[.. sbm.Length - 3]

        ignore batch
        let x = LinalgOps.solve a bm

        if vector then
            OpsShape.reshape (Array.removeAt (x.Dim - 1) x.Shape) x
        else
            x

    /// The solution x of a·x = b (or x·a = b when not `left`) for a triangular a, reading only its
    /// upper or lower triangle (torch.linalg.solve_triangular); b is [..., n, k], batch dims broadcast.
    let solveTriangular (upper: bool) (left: bool) (a: Tensor) (b: Tensor) : Tensor =
        if isNull (box a) || isNull (box b) then
            raise (ArgumentNullException("b", "Linalg.solveTriangular: a or b is null."))

        let ab = Prim.Promote("Linalg.solveTriangular", [| a; b |])
        let a, b = ab[0], ab[1]
        checkSquare "Linalg.solveTriangular" a
        let sa, sb = a.Shape, b.Shape
        let n = sa[sa.Length - 1]

        if sb.Length < 2 || (if left then sb[sb.Length - 2] else sb[sb.Length - 1]) <> n then
            let which = if left then "[..., n, k]" else "[..., k, n]"

            invalidArg
                "b"
                $"Linalg.solveTriangular: B must be a matrix {which} with n = {n} for A of shape {shapeText sa}; got B of shape {shapeText sb}."

        broadcastShapes "Linalg.solveTriangular (batch dimensions)" sa[.. sa.Length - 3] sb[.. sb.Length - 3]
        |> ignore

        LinalgOps.solveTriangular upper left a b

    /// The lower-triangular Cholesky factor L with L·Lᵀ = a (torch.linalg.cholesky); reads a's lower
    /// triangle; its gradient is symmetric, as PyTorch's. Not positive-definite: an error.
    let cholesky (a: Tensor) : Tensor =
        checkSquare "Linalg.cholesky" a
        LinalgOps.cholesky a

    /// The reduced QR decomposition (Q, R) (torch.linalg.qr, mode "reduced"): Q [..., m, k] with
    /// orthonormal columns, R [..., k, n] upper triangular, k = min(m, n).
    let qr (a: Tensor) : Tensor * Tensor =
        checkMatrix "Linalg.qr" a
        let o = LinalgOps.qr a
        o[0], o[1]

    /// The reduced SVD (U, S, Vh) with a = U·diag(S)·Vh (torch.linalg.svd with full_matrices=False);
    /// S descending. Differentiate only functions that do not depend on the signs of the singular
    /// vectors (such as U·diag(f(S))·Vh), at distinct singular values.
    let svd (a: Tensor) : Tensor * Tensor * Tensor =
        checkMatrix "Linalg.svd" a
        let o = LinalgOps.svd a
        o[0], o[1], o[2]

    /// The singular values, descending (torch.linalg.svdvals).
    let svdvals (a: Tensor) : Tensor =
        checkMatrix "Linalg.svdvals" a
        LinalgOps.svdvals a

    /// (eigenvalues ascending, eigenvectors as columns) of a symmetric matrix, from its lower
    /// triangle (torch.linalg.eigh, UPLO='L'). Differentiate functions that do not depend on the
    /// eigenvectors' signs, at distinct eigenvalues; the gradient is symmetric, as PyTorch's.
    let eigh (a: Tensor) : Tensor * Tensor =
        checkSquare "Linalg.eigh" a
        let o = LinalgOps.eigh a
        o[0], o[1]

    /// The eigenvalues of a symmetric matrix, ascending, from its lower triangle (torch.linalg.eigvalsh).
    let eigvalsh (a: Tensor) : Tensor =
        checkSquare "Linalg.eigvalsh" a
        LinalgOps.eigvalsh a

    /// The Moore–Penrose pseudo-inverse (torch.linalg.pinv): [..., m, n] → [..., n, m]. Its
    /// derivative holds where the rank is locally constant (e.g. full rank).
    let pinv (a: Tensor) : Tensor =
        checkMatrix "Linalg.pinv" a
        LinalgOps.pinv a

    /// The matrix exponential e^a (torch.linalg.matrix_exp).
    let matrixExp (a: Tensor) : Tensor =
        checkSquare "Linalg.matrixExp" a
        LinalgOps.matrixExp a

    let private normOf (op: string) (ord: string) (a: Tensor) : Tensor =
        checkMatrix op a
        let s = a.Shape
        let m, n = s[s.Length - 2], s[s.Length - 1]
        // the orders that take a max or min over singular values, columns or rows need some (as PyTorch)
        let over =
            match ord with
            | "2"
            | "-2" -> Some(min m n, "singular values")
            | "1"
            | "-1" -> Some(n, "columns")
            | "inf"
            | "-inf" -> Some(m, "rows")
            | _ -> None

        match over with
        | Some(0, what) ->
            invalidArg
                "a"
                $"{op}: the order {ord} takes a maximum or minimum over the {what}, and the matrix of shape {shapeText s} has none."
        | _ -> ()

        let absSums (dim: int) =
            OpsReduce.sumDims [| dim |] false (Tensor.Abs a)

        match ord with
        | "fro" -> OpsReduce.norm [| -2; -1 |] false a
        | "nuc" -> OpsReduce.sumDims [| -1 |] false (svdvals a)
        | "2" -> Tensor.amax [| -1 |] false (svdvals a)
        | "-2" -> Tensor.amin [| -1 |] false (svdvals a)
        | "1" -> Tensor.amax [| -1 |] false (absSums -2)
        | "-1" -> Tensor.amin [| -1 |] false (absSums -2)
        | "inf" -> Tensor.amax [| -1 |] false (absSums -1)
        | "-inf" -> Tensor.amin [| -1 |] false (absSums -1)
        | other ->
            invalidArg
                "ord"
                $"{op}: the order {other} is not supported; use \"fro\", \"nuc\" or a number: 1, -1, 2, -2, infinity, -infinity."

    /// A matrix norm over the last two dims (torch.linalg.matrix_norm): ord "fro" (Frobenius, the
    /// default in PyTorch) or "nuc" (nuclear: the sum of the singular values); also "1", "-1",
    /// "2", "-2", "inf", "-inf" as in matrixNormOrd.
    let matrixNorm (ord: string) (a: Tensor) : Tensor =
        if isNull ord then
            raise (ArgumentNullException("ord", "Linalg.matrixNorm: the order is null; use \"fro\" or \"nuc\"."))

        named "Linalg.matrixNorm" (fun () -> normOf "Linalg.matrixNorm" ord a)

    /// A matrix norm with a numeric order (torch.linalg.matrix_norm(a, ord)): 1 and −1 (largest and
    /// smallest column sum of |a|), 2 and −2 (largest and smallest singular value), infinity and
    /// −infinity (largest and smallest row sum of |a|).
    let matrixNormOrd (ord: float) (a: Tensor) : Tensor =
        let text =
            if Double.IsPositiveInfinity ord then
                "inf"
            elif Double.IsNegativeInfinity ord then
                "-inf"
            elif ord = 1.0 || ord = -1.0 || ord = 2.0 || ord = -2.0 then
                string (int ord)
            else
                string ord

        named "Linalg.matrixNormOrd" (fun () -> normOf "Linalg.matrixNormOrd" text a)
