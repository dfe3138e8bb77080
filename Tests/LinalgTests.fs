/// products and linear algebra: property tests, known values, errors and PyTorch parity.
module Nabla.Tests.LinalgTests

open System
open Expecto
open Nabla
open Nabla.FsCheck
open Nabla.Tests.Check
open Nabla.Tests.OpProperties

let private f64 = Dtype.Float64
let private eye (n: int) = Tensor.Eye(n, f64)
let private mT (x: Tensor) = Tensor.transpose -2 -1 x
let private mm (a: Tensor) (b: Tensor) = Tensor.matmul a b
let private t (rows: float list list) = Tensor.create rows
let private zeros (shape: int[]) = Tensor.Zeros(shape, f64)
/// A product of the last-dim entries (a small prod).
let private r33 (x: Tensor) = Tensor.reshape [| 3; 3 |] x

let private product (v: Tensor) =
    let n = v.Shape[v.Dim - 1]
    [ for i in 0 .. n - 1 -> Tensor.select -1 i v ] |> List.reduce (*)

// ---------------------------------------------------------------- well-conditioned inputs built from random values

/// 0.3·X + 2.5·I: for n ≤ 3 and entries of X in [-2, 2], ‖0.3·X‖ ≤ 1.8, so the singular values are at least 0.7.
let private wellConditioned (x: Tensor) =
    let n = x.Shape[x.Dim - 1]
    0.3 * x + 2.5 * eye n

/// Y·Yᵀ + I with Y = 0.5·X: symmetric positive-definite, eigenvalues at least 1.
let private spdOf (x: Tensor) =
    let y = 0.5 * x
    mm y (mT y) + eye (x.Shape[x.Dim - 1])

/// diag(1, 2.5, 4, ...) + 0.05·(X + Xᵀ): symmetric with eigenvalues at least 0.3 apart.
let private distinctSymmetric (x: Tensor) =
    let n = x.Shape[x.Dim - 1]

    Tensor.diag (Tensor.Arange(1.0, 1.0 + 1.5 * float n - 0.1, 1.5, dtype = f64))
    + 0.05 * (x + mT x)

/// An m×n matrix with singular values near 1, 2.5, 4, ... (at least 0.5 apart): D + 0.1·X.
let private distinctSingular (x: Tensor) =
    let s = x.Shape
    let m, n = s[s.Length - 2], s[s.Length - 1]
    let k = min m n

    let d =
        Tensor.pad [| (0, m - k); (0, n - k) |] 0.0 (Tensor.diag (Tensor.Arange(1.0, 1.0 + 1.5 * float k - 0.1, 1.5, dtype = f64)))

    d + 0.1 * x

/// Loss-like functions of decompositions that do not depend on the signs of singular or eigen vectors.
let private svdInvariant (a: Tensor) =
    let u, s, vh = Linalg.svd a

    Tensor.cat
        0
        [
            Tensor.flatten (mm (u * Tensor.sin s) vh)
            Tensor.flatten (u * u)
            Tensor.flatten (vh * vh)
            s
        ]

let private eighInvariant (a: Tensor) =
    let l, v = Linalg.eigh a
    Tensor.cat 0 [ l; Tensor.flatten (v * v); Tensor.flatten (mm (v * Tensor.sin l) (mT v)) ]

let private qrBoth (a: Tensor) =
    let q, r = Linalg.qr a
    Tensor.cat 0 [ Tensor.flatten q; Tensor.flatten r ]

let private spec name (shapes: int[][]) (wrt: int list) (f: Tensor[] -> Tensor) : OpSpec =
    {
        Name = name
        Shapes = fixedShapes shapes
        Domains = [| Any |]
        Wrt = wrt
        Fn = f
        ZeroSize = None
    }

let private spec1 name (shape: int[]) (f: Tensor -> Tensor) =
    spec name [| shape |] [ 0 ] (fun xs -> f xs[0])

let private spec2 name (a: int[]) (b: int[]) (f: Tensor -> Tensor -> Tensor) =
    spec name [| a; b |] [ 0; 1 ] (fun xs -> f xs[0] xs[1])

let productSpecs: OpSpec list =
    [
        spec2 "bmm" [| 2; 2; 3 |] [| 2; 3; 2 |] Tensor.bmm
        spec2 "einsum matrix product" [| 2; 3 |] [| 3; 2 |] (fun a b -> Tensor.einsum "ij,jk->ik" [ a; b ])
        spec2 "einsum batched product" [| 2; 2; 3 |] [| 2; 3; 2 |] (fun a b -> Tensor.einsum "bij,bjk->bik" [ a; b ])
        spec1 "einsum trace (implicit output)" [| 3; 3 |] (fun a -> Tensor.einsum "ii" [ a ])
        spec1 "einsum diagonal" [| 3; 3 |] (fun a -> Tensor.einsum "ii->i" [ a ])
        spec1 "einsum batch diagonal" [| 2; 3; 3 |] (fun a -> Tensor.einsum "bii->ib" [ a ])
        spec1 "einsum column sums" [| 2; 3 |] (fun a -> Tensor.einsum "ij->j" [ a ])
        spec1 "einsum total sum" [| 2; 3 |] (fun a -> Tensor.einsum "ij->" [ a ])
        spec1 "einsum transpose with a capital letter" [| 2; 3 |] (fun a -> Tensor.einsum "iJ->Ji" [ a ])
        spec2 "einsum diagonal of one operand times another" [| 2; 2; 3 |] [| 3 |] (fun a b -> Tensor.einsum "iij,j->i" [ a; b ])
        spec2 "einsum outer product" [| 3 |] [| 2 |] (fun a b -> Tensor.einsum "i,j->ij" [ a; b ])
        spec2 "einsum implicit output" [| 2; 3 |] [| 3; 2 |] (fun a b -> Tensor.einsum "ij,jk" [ a; b ])
        spec2 "einsum with broadcast ellipsis" [| 2; 1; 2; 3 |] [| 3; 3; 2 |] (fun a b -> Tensor.einsum "...ij,...jk->...ik" [ a; b ])
        spec2 "einsum with a broadcast size-1 subscript" [| 2; 1 |] [| 3; 2 |] (fun a b -> Tensor.einsum "ij,jk->ik" [ a; b ])
        spec2 "einsum with a summed size-1 subscript" [| 2; 3 |] [| 1 |] (fun a b -> Tensor.einsum "ij,j->i" [ a; b ])
        spec1 "einsum ellipsis in the middle" [| 2; 3; 2 |] (fun a -> Tensor.einsum "i...j->ji..." [ a ])
        spec "einsum of three operands" [| [| 2; 3 |]; [| 3; 2 |]; [| 2; 2 |] |] [ 0; 1; 2 ] (fun xs -> Tensor.einsum "ij,jk,kl->il" xs)
        spec2 "einsum of one tensor twice (a square)" [| 3; 3 |] [| 3 |] (fun a b -> Tensor.einsum "ij,jk,k->i" [ a; a; b ])
        spec2 "tensordot over two dims" [| 2; 3; 2 |] [| 3; 2; 2 |] (Tensor.tensordot [| 1; 2 |] [| 0; 1 |])
        spec2 "tensordot with negative dims" [| 2; 3 |] [| 2; 3 |] (Tensor.tensordot [| -1; 0 |] [| 1; -2 |])
        spec2 "tensordotN 1" [| 2; 3 |] [| 3; 2 |] (Tensor.tensordotN 1)
        spec2 "tensordotN 0 (outer)" [| 2 |] [| 3 |] (Tensor.tensordotN 0)
        spec2 "kron" [| 2; 2 |] [| 3; 1 |] Tensor.kron
        spec2 "kron of different ranks" [| 2 |] [| 2; 3 |] Tensor.kron
        spec2 "cross" [| 2; 3 |] [| 2; 3 |] (Tensor.cross -1)
        spec2 "cross along dim 0 with broadcasting" [| 3; 2 |] [| 3; 1 |] (Tensor.cross 0)
    ]

let linalgSpecs: OpSpec list =
    [
        spec1 "inv" [| 3; 3 |] (wellConditioned >> Linalg.inv)
        spec1 "inv of a batch" [| 2; 2; 2 |] (wellConditioned >> Linalg.inv)
        spec1 "det 1×1" [| 1; 1 |] Linalg.det
        spec1 "det 2×2" [| 2; 2 |] Linalg.det
        spec1 "det 3×3" [| 3; 3 |] Linalg.det
        spec1 "det of a batch of 3×3" [| 2; 3; 3 |] Linalg.det
        spec1 "det 4×4" [| 4; 4 |] (fun x -> Linalg.det (0.2 * x + 2.5 * eye 4))
        spec1 "slogdet's logabsdet" [| 3; 3 |] (wellConditioned >> Linalg.slogdet >> snd)
        spec1 "slogdet of a negative determinant" [| 3; 3 |] (fun x -> let s, l = Linalg.slogdet (-(wellConditioned x)) in s * l)
        spec2 "solve with a matrix right-hand side" [| 3; 3 |] [| 3; 2 |] (fun a b -> Linalg.solve (wellConditioned a) b)
        spec2 "solve with a vector" [| 3; 3 |] [| 3 |] (fun a b -> Linalg.solve (wellConditioned a) b)
        spec2 "solve with a batch of vectors" [| 2; 3; 3 |] [| 2; 3 |] (fun a b -> Linalg.solve (wellConditioned a) b)
        spec2 "solve with broadcast batch dims" [| 2; 2; 2 |] [| 2; 1 |] (fun a b -> Linalg.solve (wellConditioned a) b)
        spec2 "solve of one matrix for a batch" [| 2; 2 |] [| 3; 2; 2 |] (fun a b -> Linalg.solve (wellConditioned a) b)
        spec2 "solveTriangular upper" [| 3; 3 |] [| 3; 2 |] (fun a b -> Linalg.solveTriangular true true (wellConditioned a) b)
        spec2 "solveTriangular lower, from the right" [| 3; 3 |] [| 2; 3 |] (fun a b ->
            Linalg.solveTriangular false false (wellConditioned a) b)
        spec1 "cholesky" [| 3; 3 |] (spdOf >> Linalg.cholesky)
        spec1 "cholesky of a batch" [| 2; 2; 2 |] (spdOf >> Linalg.cholesky)
        spec1 "qr of a square matrix" [| 3; 3 |] (wellConditioned >> qrBoth)
        spec1 "qr of a tall matrix" [| 4; 2 |] (distinctSingular >> qrBoth)
        spec1 "qr of a wide matrix" [| 2; 4 |] (distinctSingular >> qrBoth)
        spec1 "qr of a batch" [| 2; 3; 2 |] (distinctSingular >> qrBoth)
        spec1 "svd of a square matrix (sign-invariant functions)" [| 3; 3 |] (distinctSingular >> svdInvariant)
        spec1 "svd of a tall matrix" [| 3; 2 |] (distinctSingular >> svdInvariant)
        spec1 "svd of a wide matrix" [| 2; 3 |] (distinctSingular >> svdInvariant)
        spec1
            "svd of a batch"
            [| 2; 2; 2 |]
            (distinctSingular
             >> Linalg.svd
             >> (fun (u, s, vh) -> mm (u * Tensor.unsqueeze -2 (Tensor.exp s)) vh))
        spec1 "svdvals" [| 3; 2 |] (distinctSingular >> Linalg.svdvals)
        spec1 "eigh (sign-invariant functions)" [| 3; 3 |] (distinctSymmetric >> eighInvariant)
        spec1
            "eigh of a batch"
            [| 2; 2; 2 |]
            (distinctSymmetric
             >> Linalg.eigh
             >> (fun (l, v) -> mm (v * Tensor.unsqueeze -2 (Tensor.exp l)) (mT v)))
        spec1 "eigvalsh" [| 3; 3 |] (distinctSymmetric >> Linalg.eigvalsh)
        spec1 "pinv of a tall matrix" [| 3; 2 |] (distinctSingular >> Linalg.pinv)
        spec1 "pinv of a wide matrix" [| 2; 3 |] (distinctSingular >> Linalg.pinv)
        spec1 "pinv of a square matrix" [| 2; 2 |] (wellConditioned >> Linalg.pinv)
        spec1 "matrixExp" [| 3; 3 |] (fun x -> Linalg.matrixExp (0.5 * x))
        spec1 "matrixExp of a batch" [| 2; 2; 2 |] Linalg.matrixExp
        spec1 "matrixNorm fro" [| 2; 3 |] (Linalg.matrixNorm "fro")
        spec1 "matrixNorm nuc" [| 3; 2 |] (distinctSingular >> Linalg.matrixNorm "nuc")
        spec1
            "matrixNormOrd 2 and -2"
            [| 3; 3 |]
            (distinctSingular
             >> fun a -> Linalg.matrixNormOrd 2.0 a * Linalg.matrixNormOrd -2.0 a)
        // positive entries (|a| is smooth) with column and row sums far apart (no ties in max and min)
        spec1 "matrixNormOrd 1, -1, inf, -inf" [| 3; 3 |] (fun x ->
            let a = 0.2 * x + t [ [ 1.0; 1.5; 2.0 ]; [ 2.0; 3.0; 4.0 ]; [ 3.0; 5.0; 8.0 ] ]

            Linalg.matrixNormOrd 1.0 a
            + 2.0 * Linalg.matrixNormOrd -1.0 a
            + 3.0 * Linalg.matrixNormOrd infinity a
            + 4.0 * Linalg.matrixNormOrd -infinity a)
    ]

// ---------------------------------------------------------------- known values

let private expectNear (what: string) (actual: Tensor) (expected: Tensor) =
    Expect.equal actual.Shape expected.Shape $"{what}: shape"
    closeWith 1e-10 1e-9 what (actual.ToArray()) (expected.ToArray())

let private a3 = t [ [ 2.0; -1.0; 0.5 ]; [ 0.3; 3.0; 1.0 ]; [ -0.7; 0.2; 1.5 ] ]
let private spd3 = t [ [ 4.0; 1.0; 0.5 ]; [ 1.0; 3.0; -0.2 ]; [ 0.5; -0.2; 2.0 ] ]
let private tall42 = t [ [ 1.0; 2.0 ]; [ 0.5; -1.0 ]; [ 3.0; 0.2 ]; [ -0.4; 0.8 ] ]

let knownValues =
    testList
        "known values"
        [
            testCase "bmm multiplies each pair of matrices"
            <| fun () ->
                let a = Tensor.reshape [| 2; 2; 3 |] (Tensor.Arange(0.0, 12.0, dtype = f64))

                let b =
                    Tensor.reshape [| 2; 3; 2 |] (Tensor.cos (Tensor.Arange(0.0, 12.0, dtype = f64)))

                let y = Tensor.bmm a b

                for i in 0..1 do
                    expectNear $"batch {i}" y.[i] (mm a.[i] b.[i])

            testCase "einsum equations agree with the ops they spell"
            <| fun () ->
                let a = Tensor.reshape [| 3; 3 |] (Tensor.Linspace(-1.0, 2.0, 9, dtype = f64))
                let b = Tensor.reshape [| 3; 2 |] (Tensor.Linspace(0.5, 1.5, 6, dtype = f64))
                expectNear "ij,jk->ik" (Tensor.einsum "ij,jk->ik" [ a; b ]) (mm a b)
                expectNear "implicit ij,jk" (Tensor.einsum "ij,jk" [ a; b ]) (mm a b)
                expectNear "trace" (Tensor.einsum "ii" [ a ]) (Tensor.trace a)
                expectNear "diagonal" (Tensor.einsum "ii->i" [ a ]) (Tensor.diagonal a)
                expectNear "transpose" (Tensor.einsum "ij->ji" [ b ]) (mT b)
                expectNear "implicit output is alphabetical: ba -> ab" (Tensor.einsum "ba" [ b ]) (mT b)
                expectNear "capitals come first: aB -> Ba" (Tensor.einsum "aB" [ b ]) (mT b)
                expectNear "whitespace is ignored" (Tensor.einsum " i j -> j i " [ b ]) (mT b)
                expectNear "sum" (Tensor.einsum "ij->" [ b ]) (Tensor.sum b)
                expectNear "outer" (Tensor.einsum "i,j->ij" [ a.[0]; b.[0] ]) (Tensor.outer a.[0] b.[0])
                expectNear "scalar operand" (Tensor.einsum ",i->i" [ Tensor.scalar 2.0; a.[1] ]) (2.0 * a.[1])

            testCase "einsum broadcasts ellipses and size-1 subscripts as PyTorch"
            <| fun () ->
                let y =
                    Tensor.einsum "...ij,...jk->...ik" [ Tensor.Ones([| 2; 1; 2; 3 |], f64); Tensor.Ones([| 5; 3; 4 |], f64) ]

                Expect.equal y.Shape [| 2; 5; 2; 4 |] "shape"
                Expect.equal (Tensor.einsum "i...j->ij..." [ zeros [| 2; 4; 5; 3 |] ]).Shape [| 2; 3; 4; 5 |] "ellipsis in the middle"
                Expect.equal (Tensor.einsum "i..." [ zeros [| 4; 2; 3 |] ]).Shape [| 2; 3; 4 |] "implicit output puts the ellipsis first"

                expectNear
                    "an ellipsis missing from the output is summed"
                    (Tensor.einsum "...ij->ij" [ Tensor.Ones([| 4; 2; 3 |], f64) ])
                    (Tensor.Full([| 2; 3 |], 4.0, f64))

                expectNear
                    "a size-1 subscript broadcasts"
                    (Tensor.einsum "ij,jk->ik" [ Tensor.Ones([| 2; 1 |], f64); Tensor.Ones([| 3; 4 |], f64) ])
                    (Tensor.Full([| 2; 4 |], 3.0, f64))

                expectNear
                    "a diagonal of size 1 broadcasts"
                    (Tensor.einsum "ii,i->i" [ Tensor.Ones([| 1; 1 |], f64); Tensor.ofArray [| 0.0; 1.0; 2.0 |] ])
                    (Tensor.ofArray [| 0.0; 1.0; 2.0 |])

            testCase "einsum keeps integer dtypes and promotes mixed float dtypes"
            <| fun () ->
                let y =
                    Tensor.einsum "ij,jk->ik" [ Tensor.create [ [ 1; 2 ] ]; Tensor.create [ [ 3 ]; [ 4 ] ] ]

                Expect.equal (y.Dtype, y.ToArray()) (Dtype.Int32, [| 11.0 |]) "int32"

                Expect.equal
                    (Tensor.einsum "ij,jk->ik" [ Tensor.ones [| 2; 3 |]; Tensor.Ones([| 3; 2 |], f64) ]).Dtype
                    f64
                    "float32 with float64"

            testCase "tensordot agrees with matmul and broadcasts size-1 contracted dims as PyTorch"
            <| fun () ->
                let a = Tensor.reshape [| 2; 3 |] (Tensor.Linspace(-1.0, 1.0, 6, dtype = f64))
                let b = Tensor.reshape [| 3; 4 |] (Tensor.Linspace(0.0, 2.0, 12, dtype = f64))
                expectNear "dims [1] [0]" (Tensor.tensordot [| 1 |] [| 0 |] a b) (mm a b)
                expectNear "dims = 1" (Tensor.tensordotN 1 a b) (mm a b)
                expectNear "dims = 0 is the outer product" (Tensor.tensordotN 0 a.[0] b.[0]) (Tensor.outer a.[0] b.[0])
                expectNear "all dims" (Tensor.tensordotN 2 a a) (Tensor.sum (a * a))

                expectNear
                    "size 1 against 3"
                    (Tensor.tensordot [| 1 |] [| 0 |] (Tensor.Ones([| 2; 1 |], f64)) (Tensor.Ones([| 3; 3 |], f64)))
                    (Tensor.Full([| 2; 3 |], 3.0, f64))

            testCase "kron and cross have their textbook values"
            <| fun () ->
                let k =
                    Tensor.kron (t [ [ 1.0; 2.0 ]; [ 3.0; 4.0 ] ]) (t [ [ 0.0; 1.0 ]; [ 1.0; 0.0 ] ])

                expectNear
                    "kron"
                    k
                    (t
                        [
                            [ 0.0; 1.0; 0.0; 2.0 ]
                            [ 1.0; 0.0; 2.0; 0.0 ]
                            [ 0.0; 3.0; 0.0; 4.0 ]
                            [ 3.0; 0.0; 4.0; 0.0 ]
                        ])

                Expect.equal (Tensor.kron (zeros [| 2; 3 |]) (zeros [| 4 |])).Shape [| 2; 12 |] "ranks aligned"
                let i, j = Tensor.ofArray [| 1.0; 0.0; 0.0 |], Tensor.ofArray [| 0.0; 1.0; 0.0 |]
                expectNear "i × j = k" (Tensor.cross 0 i j) (Tensor.ofArray [| 0.0; 0.0; 1.0 |])
                expectNear "j × i = -k" (Tensor.cross -1 j i) (Tensor.ofArray [| 0.0; 0.0; -1.0 |])
                expectNear "broadcast" (Tensor.cross -1 (Tensor.stack 0 [ i; j ]) j) (t [ [ 0.0; 0.0; 1.0 ]; [ 0.0; 0.0; 0.0 ] ])

            testCase "inv·A = I, for one matrix and a batch"
            <| fun () ->
                expectNear "inv(A)·A" (mm (Linalg.inv a3) a3) (eye 3)
                let batch = Tensor.stack 0 [ a3; spd3 ]
                expectNear "batch" (mm (Linalg.inv batch) batch) (Tensor.stack 0 [ eye 3; eye 3 ])
                Expect.equal (Linalg.inv (Tensor.toDtype Dtype.Float32 a3)).Dtype Dtype.Float32 "float32 stays float32"

            testCase "det of known matrices"
            <| fun () ->
                expectNear "[[1, 2], [3, 4]]" (Linalg.det (t [ [ 1.0; 2.0 ]; [ 3.0; 4.0 ] ])) (Tensor.scalar -2.0)
                expectNear "diagonal" (Linalg.det (Tensor.diag (Tensor.ofArray [| 2.0; 3.0; 4.0 |]))) (Tensor.scalar 24.0)
                expectNear "a permutation" (Linalg.det (t [ [ 0.0; 1.0; 0.0 ]; [ 1.0; 0.0; 0.0 ]; [ 0.0; 0.0; 1.0 ] ])) (Tensor.scalar -1.0)

                expectNear
                    "triangular 4×4"
                    (Linalg.det (
                        t
                            [
                                [ 2.0; 7.0; 1.0; 8.0 ]
                                [ 0.0; -1.0; 2.0; 8.0 ]
                                [ 0.0; 0.0; 3.0; 1.0 ]
                                [ 0.0; 0.0; 0.0; 0.5 ]
                            ]
                    ))
                    (Tensor.scalar -3.0)

                expectNear "a batch" (Linalg.det (Tensor.stack 0 [ eye 2 * 2.0; eye 2 * 3.0 ])) (Tensor.ofArray [| 4.0; 9.0 |])
                expectNear "the empty matrix" (Linalg.det (zeros [| 0; 0 |])) (Tensor.scalar 1.0)

            testCase "det's gradient is the cofactor matrix, also at singular matrices (no NaN)"
            <| fun () ->
                let singular2 = t [ [ 1.0; 2.0 ]; [ 2.0; 4.0 ] ]
                expectNear "2×2" (AD.grad Linalg.det singular2) (t [ [ 4.0; -2.0 ]; [ -2.0; 1.0 ] ])
                let singular3 = t [ [ 1.0; 2.0; 3.0 ]; [ 2.0; 4.0; 6.0 ]; [ 0.5; -1.0; 2.0 ] ]

                let singular4 =
                    t
                        [
                            [ 1.0; 2.0; 3.0; 4.0 ]
                            [ 2.0; 4.0; 6.0; 8.0 ]
                            [ 0.5; -1.0; 2.0; 1.0 ]
                            [ 3.0; 1.0; -2.0; 0.0 ]
                        ]

                for a in [ singular3; singular4; zeros [| 4; 4 |]; zeros [| 3; 3 |] ] do
                    // det is a polynomial: central differences are exact up to rounding
                    closeWith 1e-7 1e-7 "gradient" (AD.grad Linalg.det a |> Tensor.toArray) (Numerical.grad Linalg.det a |> Tensor.toArray)

                closeWith
                    1e-6
                    1e-6
                    "Hessian at a singular 3×3"
                    (AD.hessian Linalg.det singular3 |> Tensor.toArray)
                    (Numerical.jacobian (AD.grad Linalg.det) singular3 |> Tensor.toArray)

                expectNear
                    "cofactor of a rank-3 4×4, first row"
                    (AD.grad Linalg.det singular4).[0]
                    (Tensor.ofArray [| 14.0; 34.0; 38.0; -49.0 |])

            testCase "slogdet gives the sign and log |det|"
            <| fun () ->
                let sign, logabs = Linalg.slogdet (t [ [ 0.0; 2.0 ]; [ 3.0; 0.0 ] ])
                expectNear "sign" sign (Tensor.scalar -1.0)
                expectNear "logabsdet" logabs (Tensor.scalar (log 6.0))
                let sign, logabs = Linalg.slogdet a3
                expectNear "sign·exp(logabsdet) = det" (sign * Tensor.exp logabs) (Linalg.det a3)
                let sign, logabs = Linalg.slogdet (t [ [ 1.0; 2.0 ]; [ 2.0; 4.0 ] ])
                Expect.equal (abs (sign.ToScalar()), logabs.ToScalar()) (0.0, -infinity) "singular: sign 0, -inf"
                expectNear "gradient is A⁻ᵀ" (AD.grad (Linalg.slogdet >> snd) a3) (mT (Linalg.inv a3))

            testCase "solve leaves no residual, for vectors, matrices and batches (PyTorch's vector rule)"
            <| fun () ->
                let b = Tensor.ofArray [| 1.0; -2.0; 0.5 |]
                let x = Linalg.solve a3 b
                Expect.equal x.Shape [| 3 |] "a vector"
                expectNear "A·x = b" (mm a3 x) b
                let bm = t [ [ 1.0; 0.0 ]; [ 2.0; -1.0 ]; [ 0.5; 3.0 ] ]
                expectNear "A·X = B" (mm a3 (Linalg.solve a3 bm)) bm
                let batch = Tensor.stack 0 [ a3; spd3 ]
                let vs = t [ [ 1.0; 2.0; 3.0 ]; [ -1.0; 0.0; 1.0 ] ]
                let xs = Linalg.solve batch vs
                Expect.equal xs.Shape [| 2; 3 |] "b of shape A.shape[:-1] is a batch of vectors"
                expectNear "batch residual" (mm batch (Tensor.unsqueeze -1 xs) |> Tensor.squeezeDim -1) vs
                Expect.equal (Linalg.solve batch (zeros [| 3; 3 |])).Shape [| 2; 3; 3 |] "b [3, 3] with A [2, 3, 3] is a matrix, broadcast"
                Expect.equal (Linalg.solve batch b).Shape [| 2; 3 |] "a vector against a batch"
                Expect.equal (Linalg.solve (Tensor.toDtype Dtype.Float32 a3) b).Dtype f64 "float32 with float64 promotes"

            testCase "solveTriangular reads one triangle"
            <| fun () ->
                let u = Tensor.triu 0 a3
                let b = t [ [ 1.0; 0.0 ]; [ 2.0; -1.0 ]; [ 0.5; 3.0 ] ]
                expectNear "upper, left" (Linalg.solveTriangular true true a3 b) (Linalg.solve u b)
                expectNear "lower, right" (Linalg.solveTriangular false false a3 (mT b)) (mT (Linalg.solve (mT (Tensor.tril 0 a3)) b))

            testCase "cholesky: L is lower triangular with L·Lᵀ = A, read from the lower triangle"
            <| fun () ->
                let l = Linalg.cholesky spd3
                expectNear "L·Lᵀ" (mm l (mT l)) spd3
                expectNear "lower" (Tensor.triu 1 l) (zeros [| 3; 3 |])

                expectNear
                    "the upper triangle is not read"
                    (Linalg.cholesky (Tensor.tril 0 spd3 + Tensor.triu 1 (Tensor.Full([| 3; 3 |], 9.0, f64))))
                    l

                let batch = Linalg.cholesky (Tensor.stack 0 [ spd3; eye 3 * 4.0 ])
                expectNear "batch" batch.[1] (eye 3 * 2.0)

            testCase "qr: orthonormal Q, upper-triangular R, Q·R = A (square, tall, wide, batch)"
            <| fun () ->
                for a in [ a3; tall42; mT tall42; Tensor.stack 0 [ a3; spd3 ] ] do
                    let q, r = Linalg.qr a
                    let s = a.Shape
                    let k = min s[s.Length - 2] s[s.Length - 1]
                    expectNear "QᵀQ = I" (mm (mT q) q) (Tensor.expand (Array.append s[.. s.Length - 3] [| k; k |]) (eye k))
                    expectNear "R is upper triangular" (Tensor.tril -1 r) (Tensor.zerosLike r)
                    expectNear "QR = A" (mm q r) a

                let q, r = Linalg.qr tall42
                Expect.equal (q.Shape, r.Shape) ([| 4; 2 |], [| 2; 2 |]) "reduced shapes"

            testCase "svd: U·diag(S)·Vh = A, orthonormal factors, S descending; svdvals = S"
            <| fun () ->
                for a in [ a3; tall42; mT tall42; Tensor.stack 0 [ a3; spd3 ] ] do
                    let u, s, vh = Linalg.svd a
                    expectNear "reconstruction" (mm (u * Tensor.unsqueeze -2 s) vh) a
                    let k = s.Shape[s.Dim - 1]
                    expectNear "UᵀU = I" (mm (mT u) u) (Tensor.expand (Array.append s.Shape[.. s.Dim - 2] [| k; k |]) (eye k))
                    expectNear "Vh·Vhᵀ = I" (mm vh (mT vh)) (Tensor.expand (Array.append s.Shape[.. s.Dim - 2] [| k; k |]) (eye k))
                    expectNear "svdvals" (Linalg.svdvals a) s

                let u, s, vh = Linalg.svd tall42
                Expect.equal (u.Shape, s.Shape, vh.Shape) ([| 4; 2 |], [| 2 |], [| 2; 2 |]) "reduced shapes"
                let s = s.ToArray()
                Expect.isTrue (s[0] >= s[1]) "descending"

            testCase "eigh: V·diag(λ)·Vᵀ = A with λ ascending, from the lower triangle; eigvalsh = λ"
            <| fun () ->
                let l, v = Linalg.eigh spd3
                expectNear "reconstruction" (mm (v * l) (mT v)) spd3
                expectNear "VᵀV = I" (mm (mT v) v) (eye 3)
                let values = l.ToArray()
                Expect.isTrue (values[0] <= values[1] && values[1] <= values[2]) "ascending"
                expectNear "eigvalsh" (Linalg.eigvalsh spd3) l
                let lower = Tensor.tril 0 spd3 + Tensor.triu 1 (Tensor.Full([| 3; 3 |], -7.0, f64))
                expectNear "the upper triangle is not read" (Linalg.eigvalsh lower) l

                expectNear
                    "a diagonal matrix"
                    (Linalg.eigvalsh (Tensor.diag (Tensor.ofArray [| 3.0; -1.0; 2.0 |])))
                    (Tensor.ofArray [| -1.0; 2.0; 3.0 |])

            testCase "pinv satisfies the Moore–Penrose conditions (tall, wide, rank-deficient) and is inv for invertible matrices"
            <| fun () ->
                let rankOne = t [ [ 1.0; 2.0; 3.0 ]; [ 2.0; 4.0; 6.0 ] ]

                for a in [ tall42; mT tall42; rankOne ] do
                    let x = Linalg.pinv a
                    expectNear "A·X·A = A" (mm (mm a x) a) a
                    expectNear "X·A·X = X" (mm (mm x a) x) x
                    expectNear "A·X symmetric" (mm a x) (mT (mm a x))
                    expectNear "X·A symmetric" (mm x a) (mT (mm x a))

                expectNear "pinv = inv" (Linalg.pinv a3) (Linalg.inv a3)

            testCase "matrixExp of nilpotent, diagonal and zero matrices; e^A·e^-A = I"
            <| fun () ->
                expectNear "nilpotent" (Linalg.matrixExp (t [ [ 0.0; 1.0 ]; [ 0.0; 0.0 ] ])) (t [ [ 1.0; 1.0 ]; [ 0.0; 1.0 ] ])

                expectNear
                    "nilpotent 3×3"
                    (Linalg.matrixExp (t [ [ 0.0; 1.0; 0.0 ]; [ 0.0; 0.0; 1.0 ]; [ 0.0; 0.0; 0.0 ] ]))
                    (t [ [ 1.0; 1.0; 0.5 ]; [ 0.0; 1.0; 1.0 ]; [ 0.0; 0.0; 1.0 ] ])

                expectNear
                    "diagonal"
                    (Linalg.matrixExp (Tensor.diag (Tensor.ofArray [| 1.0; -2.0 |])))
                    (Tensor.diag (Tensor.ofArray [| exp 1.0; exp -2.0 |]))

                expectNear "zero" (Linalg.matrixExp (zeros [| 3; 3 |])) (eye 3)
                expectNear "inverse" (mm (Linalg.matrixExp (0.3 * a3)) (Linalg.matrixExp (-0.3 * a3))) (eye 3)
                // d/dt e^{tA} at t = 0 is A: the Fréchet derivative at 0 along A
                expectNear "derivative at zero" (snd (AD.jvp Linalg.matrixExp (zeros [| 3; 3 |]) a3)) a3

            testCase "matrix norms of [[1, -2], [3, 4]]"
            <| fun () ->
                let a = t [ [ 1.0; -2.0 ]; [ 3.0; 4.0 ] ]
                let s = (Linalg.svdvals a).ToArray()
                expectNear "fro" (Linalg.matrixNorm "fro" a) (Tensor.scalar (sqrt 30.0))
                expectNear "nuc" (Linalg.matrixNorm "nuc" a) (Tensor.scalar (s[0] + s[1]))
                expectNear "2" (Linalg.matrixNormOrd 2.0 a) (Tensor.scalar s[0])
                expectNear "-2" (Linalg.matrixNormOrd -2.0 a) (Tensor.scalar s[1])
                expectNear "1: largest column sum" (Linalg.matrixNormOrd 1.0 a) (Tensor.scalar 6.0)
                expectNear "-1: smallest column sum" (Linalg.matrixNormOrd -1.0 a) (Tensor.scalar 4.0)
                expectNear "inf: largest row sum" (Linalg.matrixNormOrd infinity a) (Tensor.scalar 7.0)
                expectNear "-inf: smallest row sum" (Linalg.matrixNormOrd -infinity a) (Tensor.scalar 3.0)
                expectNear "string orders" (Linalg.matrixNorm "-inf" a) (Tensor.scalar 3.0)
                expectNear "singular values multiply to |det|" (Tensor.scalar (s[0] * s[1])) (Tensor.scalar 10.0)

                expectNear
                    "batch"
                    (Linalg.matrixNorm "fro" (Tensor.stack 0 [ a; 2.0 * a ]))
                    (Tensor.ofArray [| sqrt 30.0; 2.0 * sqrt 30.0 |])

            testCase "gradients at repeated singular values and eigenvalues are finite and right"
            <| fun () ->
                expectNear "nuclear norm at I" (AD.grad (Linalg.matrixNorm "nuc") (eye 3)) (eye 3)

                expectNear
                    "nuclear norm of a rank-deficient tall matrix"
                    (AD.grad (Linalg.matrixNorm "nuc") (t [ [ 1.0; 0.0 ]; [ 0.0; 0.0 ]; [ 0.0; 0.0 ] ]))
                    (t [ [ 1.0; 0.0 ]; [ 0.0; 1.0 ]; [ 0.0; 0.0 ] ])

                expectNear "Σ exp(λ) at I" (AD.grad (Linalg.eigvalsh >> Tensor.exp >> Tensor.sum) (eye 3)) (eye 3 * exp 1.0)

                expectNear
                    "eigenvalues of eigh at I, vectors unused"
                    (AD.grad (fun a -> Tensor.sum (Tensor.exp (fst (Linalg.eigh a)))) (eye 3))
                    (eye 3 * exp 1.0)

                expectNear
                    "singular values of svd at I, vectors unused"
                    (AD.grad (fun a -> let _, s, _ = Linalg.svd a in Tensor.sum (s * s)) (2.0 * eye 3))
                    (4.0 * eye 3)

                expectNear
                    "Σ σ² of a rank-deficient tall matrix, vectors unused"
                    (AD.grad (fun a -> let _, s, _ = Linalg.svd a in Tensor.sum (s * s)) (t [ [ 1.0; 0.0 ]; [ 0.0; 0.0 ]; [ 0.0; 0.0 ] ]))
                    (t [ [ 2.0; 0.0 ]; [ 0.0; 0.0 ]; [ 0.0; 0.0 ] ])

            testCase "gradients of cholesky and eigh are symmetric, as PyTorch's"
            <| fun () ->
                let g = AD.grad (Linalg.cholesky >> Tensor.sin >> Tensor.sum) spd3
                expectNear "cholesky" g (mT g)

                let g =
                    AD.grad (Linalg.eigh >> fun (l, v) -> Tensor.sum (v * v * a3) + Tensor.sum (l * l)) spd3

                expectNear "eigh" g (mT g)

            testCase "zero-size matrices and batches"
            <| fun () ->
                Expect.equal (Linalg.inv (zeros [| 0; 0 |])).Shape [| 0; 0 |] "inv"
                Expect.equal (Linalg.det (zeros [| 0; 3; 3 |])).Shape [| 0 |] "det of an empty batch"
                Expect.equal (AD.grad (Linalg.det >> Tensor.sum) (zeros [| 0; 3; 3 |])).Shape [| 0; 3; 3 |] "det's gradient"
                Expect.equal (Linalg.cholesky (zeros [| 0; 0 |])).Shape [| 0; 0 |] "cholesky"
                let u, s, vh = Linalg.svd (zeros [| 0; 3 |])
                Expect.equal (u.Shape, s.Shape, vh.Shape) ([| 0; 0 |], [| 0 |], [| 0; 3 |]) "svd"

                Expect.equal
                    (AD.grad (fun a -> let q, r = Linalg.qr a in Tensor.sum r) (zeros [| 2; 0; 3 |])).Shape
                    [| 2; 0; 3 |]
                    "qr's gradient"

                let l, v = Linalg.eigh (zeros [| 2; 0; 0 |])
                Expect.equal (l.Shape, v.Shape) ([| 2; 0 |], [| 2; 0; 0 |]) "eigh"
                Expect.equal (Tensor.einsum "ij,jk->ik" [ zeros [| 2; 0 |]; zeros [| 0; 3 |] ]).Shape [| 2; 3 |] "einsum over an empty dim"
                Expect.equal (Tensor.bmm (zeros [| 0; 2; 3 |]) (zeros [| 0; 3; 1 |])).Shape [| 0; 2; 1 |] "bmm"

            testCase "float32 inputs give float32 results and gradients"
            <| fun () ->
                let a = Tensor.toDtype Dtype.Float32 spd3

                for f in
                    [
                        Linalg.inv
                        Linalg.cholesky
                        Linalg.matrixExp
                        Linalg.pinv
                        Linalg.eigvalsh
                        Linalg.svdvals
                    ] do
                    Expect.equal (f a).Dtype Dtype.Float32 "result"
                    Expect.equal (AD.grad (f >> Tensor.sum) a).Dtype Dtype.Float32 "gradient"

                Expect.equal (Linalg.det a).Dtype Dtype.Float32 "det"

            testCase "third derivatives nest (det, inv, matrixExp)"
            <| fun () ->
                let third (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) =
                    AD.grad (fun x -> Tensor.sum (AD.hvp f x v * v)) x

                let v = t [ [ 0.3; -0.1 ]; [ 0.2; 0.4 ] ]
                let x = t [ [ 2.0; 0.5 ]; [ -0.3; 1.5 ] ]

                for name, f in
                    [
                        "det", Linalg.det
                        "inv", Linalg.inv >> Tensor.sum
                        "matrixExp", Linalg.matrixExp >> Tensor.sum
                        "logabsdet", Linalg.slogdet >> snd
                        "cholesky", (fun a -> Linalg.cholesky (mm a (mT a))) >> Tensor.sum
                    ] do
                    let numerical = Numerical.grad (fun x -> Tensor.sum (AD.hvp f x v * v)) x
                    expectClose name (third f x v) numerical
        ]

// ---------------------------------------------------------------- memory

let memory =
    testList
        "memory"
        [
            testCase "transforms through every op leave no tensor alive but their results"
            <| fun () ->
                let f (x: Tensor) =
                    let a = r33 x + 3.0 * eye 3
                    let s = mm a (mT a)
                    let u, sv, vh = Linalg.svd a
                    let l, v = Linalg.eigh s
                    let q, rr = Linalg.qr a

                    Tensor.sum (Linalg.inv a)
                    + Linalg.det a
                    + snd (Linalg.slogdet a)
                    + Tensor.sum (Linalg.solve a x.[0..2])
                    + Tensor.sum (Linalg.cholesky s)
                    + Tensor.sum (q * q)
                    + Tensor.sum (rr)
                    + Tensor.sum (mm (u * sv) vh)
                    + Tensor.sum (mm (v * l) (mT v))
                    + Tensor.sum (Linalg.pinv a)
                    + Tensor.sum (Linalg.matrixExp (0.1 * a))
                    + Linalg.matrixNorm "nuc" a
                    + Tensor.sum (Tensor.einsum "ij,jk->ik" [ a; s ])
                    + Tensor.sum (Tensor.kron a.[0] a.[1])
                    + Tensor.sum (Tensor.cross -1 a s)
                    + Tensor.sum (Tensor.tensordotN 1 a a)
                    + Tensor.sum (Tensor.einsum "ii->i" [ a ])

                let x = Tensor.Linspace(-1.0, 1.0, 9, dtype = f64)
                let before = Scope.liveTensorCount ()
                let y, tangent = AD.jvp f x x
                let results = [ AD.grad f x; AD.hessian f x; y; tangent ]
                results |> List.iter Tensor.dispose
                Expect.equal (Scope.liveTensorCount () - before) 0L "live tensors after disposing the results"

            testCase "a failing op inside a transform frees its intermediates"
            <| fun () ->
                let singular = t [ [ 1.0; 2.0 ]; [ 2.0; 4.0 ] ]
                let before = Scope.liveTensorCount ()

                for f in [ Linalg.inv; Linalg.cholesky; (fun a -> Linalg.solve a a) ] do
                    try
                        AD.grad (fun a -> Tensor.sum (f (a * 1.0))) singular |> ignore
                    with :? ArgumentException ->
                        ()

                Expect.equal (Scope.liveTensorCount () - before) 0L "live tensors"
        ]

// ---------------------------------------------------------------- errors

let private throws (fragments: string list) (f: unit -> Tensor) =
    throwsWith<ArgumentException> fragments (fun () -> f () |> ignore)

let errors =
    testList
        "errors"
        [
            testCase "bmm checks ranks, batch sizes, inner sizes and dtypes"
            <| fun () ->
                throws [ "bmm"; "3-D"; "[2, 3]" ] (fun () -> Tensor.bmm (zeros [| 2; 3 |]) (zeros [| 2; 3; 4 |]))
                throws [ "bmm"; "batch"; "[2, 2, 3]"; "[3, 3, 4]" ] (fun () -> Tensor.bmm (zeros [| 2; 2; 3 |]) (zeros [| 3; 3; 4 |]))
                throws [ "bmm"; "[2, 2, 3]"; "[2, 4, 4]" ] (fun () -> Tensor.bmm (zeros [| 2; 2; 3 |]) (zeros [| 2; 4; 4 |]))

                throws [ "bmm"; "bool" ] (fun () ->
                    Tensor.bmm (Tensor.Ones([| 1; 2; 2 |], Dtype.Bool)) (Tensor.Ones([| 1; 2; 2 |], Dtype.Bool)))

            testCase "einsum names the equation and the shapes of a bad equation"
            <| fun () ->
                let a, b = zeros [| 2; 3 |], zeros [| 3; 4 |]
                throws [ "einsum"; "'1'"; "ij,j1->i"; "[2, 3], [3, 4]" ] (fun () -> Tensor.einsum "ij,j1->i" [ a; b ])
                throws [ "einsum"; "2 operand term(s) but 1 operand(s)" ] (fun () -> Tensor.einsum "ij,jk->ik" [ a ])
                throws [ "einsum"; "operand 0 has 3 subscripts but 2 dimensions" ] (fun () -> Tensor.einsum "ijk->i" [ a ])
                throws [ "einsum"; "3 subscripts but only 2 dimensions" ] (fun () -> Tensor.einsum "...ijk->i" [ a ])

                throws [ "einsum"; "subscript j has size 3 in operand 0 and size 2 in operand 1" ] (fun () ->
                    Tensor.einsum "ij,jk->ik" [ a; zeros [| 2; 2 |] ])

                throws [ "einsum"; "repeated in operand 0"; "sizes 2 and 3" ] (fun () -> Tensor.einsum "ii->i" [ a ])
                throws [ "einsum"; "output subscript k does not appear" ] (fun () -> Tensor.einsum "ij->k" [ a ])
                throws [ "einsum"; "output subscript i appears more than once" ] (fun () -> Tensor.einsum "ij->ii" [ a ])
                throws [ "einsum"; "more than one ellipsis" ] (fun () -> Tensor.einsum "......->" [ a ])
                throws [ "einsum"; "not part of an ellipsis" ] (fun () -> Tensor.einsum "..i->" [ a ])
                throws [ "einsum"; "more than one \"->\"" ] (fun () -> Tensor.einsum "ij->ij->ij" [ a ])
                throws [ "einsum"; "\"...\"" ] (fun () -> Tensor.einsum "...i,...i->" [ zeros [| 2; 3 |]; zeros [| 4; 3 |] ])
                throws [ "einsum"; "at least one operand" ] (fun () -> Tensor.einsum "->" [])
                throws [ "einsum"; "equation is null" ] (fun () -> Tensor.einsum null [ a ])
                throws [ "einsum"; "operands are null" ] (fun () -> Tensor.einsum "ij" null)
                throws [ "einsum"; "bool" ] (fun () -> Tensor.einsum "ij->" [ Tensor.Ones([| 2; 2 |], Dtype.Bool) ])

            testCase "tensordot and tensordotN check dims and sizes"
            <| fun () ->
                let a, b = zeros [| 2; 3 |], zeros [| 4; 3 |]
                throws [ "tensordot"; "same size"; "[2, 3]"; "[4, 3]" ] (fun () -> Tensor.tensordot [| 1 |] [| 0 |] a b)
                throws [ "tensordot"; "same length" ] (fun () -> Tensor.tensordot [| 1 |] [| 0; 1 |] a b)
                throws [ "tensordot"; "listed twice" ] (fun () -> Tensor.tensordot [| 1; 1 |] [| 1; 1 |] a b)

                throwsWith<ArgumentOutOfRangeException> [ "tensordot"; "dimension 2" ] (fun () ->
                    Tensor.tensordot [| 2 |] [| 1 |] a b |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "tensordotN:"; "3" ] (fun () -> Tensor.tensordotN 3 a b |> ignore)
                throws [ "tensordotN:"; "same size" ] (fun () -> Tensor.tensordotN 1 a b)

            testCase "cross needs size 3 and shapes that broadcast"
            <| fun () ->
                throws [ "cross"; "size 3"; "[2, 2]" ] (fun () -> Tensor.cross -1 (zeros [| 2; 2 |]) (zeros [| 2; 2 |]))
                throws [ "cross"; "[2, 3]"; "[4, 3]" ] (fun () -> Tensor.cross -1 (zeros [| 2; 3 |]) (zeros [| 4; 3 |]))

                throwsWith<ArgumentOutOfRangeException> [ "cross"; "dimension 2" ] (fun () ->
                    Tensor.cross 2 (zeros [| 2; 3 |]) (zeros [| 2; 3 |]) |> ignore)

            testCase "linear algebra refuses vectors, non-square matrices and integer or half dtypes, naming the function"
            <| fun () ->
                let square: (string * (Tensor -> Tensor)) list =
                    [
                        "Linalg.inv", Linalg.inv
                        "Linalg.det", Linalg.det
                        "Linalg.slogdet", Linalg.slogdet >> snd
                        "Linalg.cholesky", Linalg.cholesky
                        "Linalg.eigh", Linalg.eigh >> fst
                        "Linalg.eigvalsh", Linalg.eigvalsh
                        "Linalg.matrixExp", Linalg.matrixExp
                        "Linalg.solve", (fun a -> Linalg.solve a (Tensor.zerosLike a.[0]))
                    ]

                let any: (string * (Tensor -> Tensor)) list =
                    [
                        "Linalg.qr", Linalg.qr >> fst
                        "Linalg.svd", (Linalg.svd >> fun (u, _, _) -> u)
                        "Linalg.svdvals", Linalg.svdvals
                        "Linalg.pinv", Linalg.pinv
                        "Linalg.matrixNorm", Linalg.matrixNorm "fro"
                        "Linalg.matrixNormOrd", Linalg.matrixNormOrd 2.0
                    ]

                for name, f in square @ any do
                    throws [ name; "matrix"; "[3]" ] (fun () -> f (zeros [| 3 |]))
                    throws [ name; "int64"; "toDtype" ] (fun () -> f (Tensor.ofArray [| 1L; 2L; 3L; 4L |] |> Tensor.reshape [| 2; 2 |]))
                    throws [ name; "float16" ] (fun () -> f (Tensor.Ones([| 2; 2 |], Dtype.Float16)))

                for name, f in square do
                    throws [ name; "square"; "[2, 3]" ] (fun () -> f (zeros [| 2; 3 |]))

            testCase "a singular matrix is a clear error for inv, solve and slogdet's gradient"
            <| fun () ->
                let singular = t [ [ 1.0; 2.0 ]; [ 2.0; 4.0 ] ]
                throws [ "Linalg.inv"; "singular"; "float64[2, 2]"; "pinv" ] (fun () -> Linalg.inv singular)
                throws [ "Linalg.inv"; "singular"; "batch element 1" ] (fun () -> Linalg.inv (Tensor.stack 0 [ eye 2; singular ]))
                throws [ "Linalg.solve"; "singular" ] (fun () -> Linalg.solve singular (Tensor.ofArray [| 1.0; 2.0 |]))
                throws [ "Linalg.slogdet"; "singular" ] (fun () -> AD.grad (Linalg.slogdet >> snd) singular)
                throws [ "Linalg.inv"; "singular" ] (fun () -> AD.grad (Linalg.inv >> Tensor.sum) singular)

            testCase "cholesky of a matrix that is not positive-definite names Linalg.cholesky"
            <| fun () ->
                throws [ "Linalg.cholesky"; "not positive-definite"; "order 2" ] (fun () ->
                    Linalg.cholesky (t [ [ 1.0; 2.0 ]; [ 2.0; 1.0 ] ]))

                throws [ "Linalg.cholesky"; "not positive-definite"; "batch element 1" ] (fun () ->
                    Linalg.cholesky (Tensor.stack 0 [ eye 2; -(eye 2) ]))

                throws [ "Linalg.cholesky" ] (fun () -> AD.grad (Linalg.cholesky >> Tensor.sum) (-(eye 2)))

            testCase "solve and solveTriangular check the right-hand side"
            <| fun () ->
                throws [ "Linalg.solve"; "[3, 3]"; "[2]" ] (fun () -> Linalg.solve (eye 3) (zeros [| 2 |]))
                throws [ "Linalg.solve"; "[3, 3]"; "[2, 4]" ] (fun () -> Linalg.solve (eye 3) (zeros [| 2; 4 |]))
                throws [ "Linalg.solve"; "batch" ] (fun () -> Linalg.solve (zeros [| 2; 3; 3 |]) (zeros [| 4; 3; 1 |]))
                throws [ "Linalg.solve"; "B must be" ] (fun () -> Linalg.solve (eye 3) (Tensor.scalar 1.0))

                throws [ "Linalg.solveTriangular"; "[3, 3]"; "[2, 2]" ] (fun () ->
                    Linalg.solveTriangular true true (eye 3) (zeros [| 2; 2 |]))

            testCase "matrix norms name the order they do not support, and empty matrices as PyTorch"
            <| fun () ->
                throws [ "Linalg.matrixNorm"; "foo"; "fro"; "nuc" ] (fun () -> Linalg.matrixNorm "foo" (eye 2))
                throws [ "Linalg.matrixNormOrd"; "3" ] (fun () -> Linalg.matrixNormOrd 3.0 (eye 2))
                throws [ "Linalg.matrixNormOrd"; "singular values"; "[0, 3]" ] (fun () -> Linalg.matrixNormOrd 2.0 (zeros [| 0; 3 |]))
                throws [ "Linalg.matrixNormOrd"; "columns"; "[3, 0]" ] (fun () -> Linalg.matrixNormOrd -1.0 (zeros [| 3; 0 |]))
                throws [ "Linalg.matrixNorm"; "rows"; "[2, 0, 3]" ] (fun () -> Linalg.matrixNorm "inf" (zeros [| 2; 0; 3 |]))
                // as PyTorch: the other orders are 0 for an empty matrix
                expectNear "fro" (Linalg.matrixNorm "fro" (zeros [| 0; 3 |])) (Tensor.scalar 0.0)
                expectNear "nuc" (Linalg.matrixNorm "nuc" (zeros [| 3; 0 |])) (Tensor.scalar 0.0)
                expectNear "inf over 3 empty rows" (Linalg.matrixNormOrd infinity (zeros [| 3; 0 |])) (Tensor.scalar 0.0)
        ]

// ---------------------------------------------------------------- PyTorch parity (twins of PyTorch/reference_linalg.py)

let private arange n =
    Tensor.Arange(0.0, float n, dtype = f64)

let private x4 = Tensor.ofArray [| 0.7; -0.3; 1.1; 0.4 |]
let private v4 = Tensor.ofArray [| 0.2; -1.0; 0.5; 0.8 |]

let private x9 =
    Tensor.ofArray [| 0.3; -1.2; 0.8; 1.7; -0.4; 0.05; 0.9; 0.2; -0.6 |]

let private v9 = Tensor.ofArray [| 1.0; 0.5; -0.3; 0.2; -1.0; 0.7; 0.1; -0.2; 0.4 |]

let private x12 =
    Tensor.Linspace(-1.1, 1.4, 12, dtype = f64) * Tensor.cos (arange 12)

let private v12 = Tensor.sin (arange 12 + 0.5)

let private x16 =
    Tensor.Linspace(-1.3, 1.7, 16, dtype = f64) * Tensor.cos (arange 16)

let private v16 = Tensor.sin (arange 16)
let private I2, I3, I4 = eye 2, eye 3, eye 4
let private D32 = t [ [ 3.0; 0.0 ]; [ 0.0; 1.5 ]; [ 0.0; 0.0 ] ]
let private D3 = Tensor.diag (Tensor.ofArray [| 1.0; 2.5; 4.5 |])
let private B3 = t [ [ 1.0; -0.5 ]; [ 0.3; 2.0 ]; [ -1.2; 0.7 ] ]
let private w3 = Tensor.ofArray [| 0.5; -1.5; 2.0 |]

let private r (shape: int[]) (x: Tensor) = Tensor.reshape shape x
let private A3 (x: Tensor) = r [| 3; 3 |] x.[0..8] + 3.0 * I3

let private spd (x: Tensor) =
    let m = r [| 3; 3 |] x.[0..8] in mm m (mT m) + 3.0 * I3

let private symDistinct (x: Tensor) =
    let m = r [| 3; 3 |] x.[0..8] in D3 + 0.2 * (m + mT m)

let private tallOf (x: Tensor) = D32 + 0.3 * r [| 3; 2 |] x.[0..5]

let private svdLoss (a: Tensor) =
    let u, s, vh = Linalg.svd a
    let m = u.Shape[0]

    Tensor.sum (mm (u * Tensor.sin s) vh)
    + Tensor.sum (u * u * r [| m; 1 |] w3.[0 .. m - 1])
    + Tensor.sum (vh * vh) * 0.5
    + Tensor.sum (s ** 3.0)

let private eighLoss (a: Tensor) =
    let l, v = Linalg.eigh a

    Tensor.sum (mm (v * Tensor.sin l) (mT v))
    + Tensor.sum (v * v * r [| 3; 1 |] w3)
    + Tensor.sum (l * l) * 0.1

let private qrLoss (a: Tensor) =
    let q, rr = Linalg.qr a

    Tensor.sum (Tensor.sin q * (1.0 + r q.Shape (arange q.Numel) / 5.0))
    + Tensor.sum (rr * rr) * 0.3
    + product (Tensor.diagonal rr)

let private functions: (string * (Tensor -> Tensor) * Tensor * Tensor) list =
    [
        "bmm_einsum_matmul",
        (fun x ->
            Tensor.sum (Tensor.bmm (r [| 2; 2; 3 |] x) (Tensor.sin (r [| 2; 3; 2 |] x)))
            + Tensor.sum (Tensor.einsum "bij,bjk->bik" [ r [| 2; 2; 3 |] x; r [| 2; 3; 2 |] x ] ** 2.0)
            + Tensor.sum (Tensor.sin (Tensor.einsum "ij,jk" [ r [| 3; 4 |] x; Tensor.exp (r [| 4; 3 |] x) ]))),
        x12,
        v12
        "einsum_diagonal_trace_sums",
        (fun x ->
            Tensor.einsum "ii" [ r [| 3; 3 |] x.[0..8] ]
            * Tensor.sum (Tensor.exp (Tensor.einsum "ii->i" [ r [| 3; 3 |] x.[0..8] ]))
            + Tensor.sum (Tensor.sin (Tensor.einsum "ij->j" [ r [| 3; 4 |] x ]))
            + Tensor.sum (Tensor.einsum "iij,j->i" [ r [| 2; 2; 2 |] x.[0..7]; x.[8..9] ] ** 2.0)
            + Tensor.einsum "ij,ij->" [ r [| 3; 4 |] x; Tensor.cos (r [| 3; 4 |] x) ]),
        x12,
        v12
        "einsum_ellipsis_broadcast_implicit",
        (fun x ->
            Tensor.sum (Tensor.sin (Tensor.einsum "...ij,...jk->...ik" [ r [| 2; 1; 2; 2 |] x.[0..7]; r [| 2; 2; 2 |] x.[4..11] ]))
            + Tensor.sum (
                Tensor.einsum "ij,jk->ik" [ r [| 3; 1 |] x.[0..2]; r [| 2; 3 |] x.[3..8] ]
                ** 2.0
            )
            + Tensor.einsum "Ba,aB" [ r [| 2; 3 |] x.[0..5]; r [| 3; 2 |] x.[6..11] ]
            + Tensor.sum (Tensor.tanh (Tensor.einsum "i...j->ji..." [ r [| 2; 3; 2 |] x ]))
            + Tensor.sum (Tensor.einsum "i,j" [ x.[0..2]; Tensor.exp x.[3..5] ])),
        x12,
        v12
        "einsum_three_operands",
        (fun x ->
            Tensor.sum (
                Tensor.exp (
                    Tensor.einsum
                        "ij,jk,kl->il"
                        [
                            r [| 2; 3 |] x.[0..5]
                            Tensor.sin (r [| 3; 2 |] x.[3..8])
                            r [| 2; 2 |] x.[8..11]
                        ]
                )
            )),
        x12,
        v12
        "tensordot_kron_cross",
        (fun x ->
            Tensor.sum (
                Tensor.tensordot [| 1; 2 |] [| 0; 1 |] (r [| 2; 3; 2 |] x) (Tensor.cos (r [| 3; 2; 2 |] x))
                ** 2.0
            )
            + Tensor.sum (Tensor.sin (Tensor.tensordotN 1 (r [| 3; 4 |] x) (r [| 4; 3 |] x)))
            + Tensor.sum (Tensor.sin (Tensor.kron (r [| 2; 2 |] x.[0..3]) (r [| 3; 2 |] x.[4..9])))
            + Tensor.sum (Tensor.kron x.[0..2] (r [| 2; 3 |] x.[3..8]) ** 2.0)
            + Tensor.sum (Tensor.sin (Tensor.cross -1 (r [| 2; 3 |] x.[0..5]) (Tensor.exp (r [| 2; 3 |] x.[6..11]))))
            + Tensor.sum (Tensor.cross 0 (r [| 3; 2 |] x.[0..5]) (r [| 3; 1 |] x.[6..8]) ** 3.0)),
        x12,
        v12
        "inv_det",
        (fun x ->
            Tensor.sum (Tensor.sin (Linalg.inv (A3 x)))
            + Linalg.det (A3 x) * 0.1
            + Linalg.det (Linalg.inv (A3 x))),
        x9,
        v9
        "det_small_sizes",
        (fun x ->
            Linalg.det (r [| 1; 1 |] x.[0..0])
            + Linalg.det (r [| 2; 2 |] x.[0..3]) * Linalg.det (r [| 3; 3 |] x.[4..12])
            + Linalg.det (r [| 4; 4 |] x + 4.0 * I4) * 0.01
            + Tensor.sum (Linalg.det (r [| 2; 2; 2 |] x.[0..7]) ** 2.0)),
        x16,
        v16
        "slogdet_solve",
        (fun x ->
            let sign, logabs = Linalg.slogdet (-(A3 x))

            snd (Linalg.slogdet (A3 x))
            + logabs * sign
            + Tensor.sum (Tensor.sin (Linalg.solve (A3 x) B3))
            + Tensor.sum (Linalg.solve (A3 x) w3 ** 2.0)),
        x9,
        v9
        "solve_batched_broadcast",
        (fun x ->
            Tensor.sum (Linalg.solve (r [| 2; 2; 2 |] x.[0..7] + 2.0 * I2) (r [| 2; 2 |] x.[8..11]))
            + Tensor.sum (
                Linalg.solve (r [| 2; 2; 2 |] x.[0..7] + 2.0 * I2) (Tensor.exp (r [| 1; 2; 2 |] x.[8..11]))
                ** 2.0
            )
            + Tensor.sum (Tensor.sin (Linalg.solve (r [| 2; 2 |] x.[0..3] + 3.0 * I2) (r [| 2; 2; 2 |] x.[4..11])))),
        x12,
        v12
        "solve_triangular",
        (fun x ->
            Tensor.sum (Tensor.sin (Linalg.solveTriangular true true (A3 x) B3))
            + Tensor.sum (Linalg.solveTriangular false false (A3 x) (mT B3) ** 2.0)),
        x9,
        v9
        "cholesky_spd",
        (fun x ->
            Tensor.sum (Tensor.sin (Linalg.cholesky (spd x)))
            + Tensor.sum (Tensor.log (Tensor.diagonal (Linalg.cholesky (spd x))))),
        x9,
        v9
        "cholesky_direct", (fun x -> Tensor.sum (Tensor.sin (Linalg.cholesky (r [| 3; 3 |] x + 4.0 * I3)))), x9, v9
        "qr_square_tall_wide",
        (fun x ->
            qrLoss (A3 x)
            + qrLoss (tallOf x)
            + qrLoss (Tensor.indexSelect 1 (Tensor.ofArray [| 2L; 0L; 1L |]) (mT (tallOf x)))),
        x9,
        v9
        "svd_invariant", (fun x -> svdLoss (symDistinct x + 0.3 * r [| 3; 3 |] x)), x9, v9
        "svd_tall_wide", (fun x -> svdLoss (tallOf x) + svdLoss (mT (tallOf x))), x9, v9
        "eigh_invariant", (fun x -> eighLoss (symDistinct x)), x9, v9
        "eigh_direct", (fun x -> eighLoss (D3 + 0.2 * r [| 3; 3 |] x)), x9, v9
        "eigvalsh_svdvals",
        (fun x ->
            Tensor.sum (Tensor.log (Linalg.eigvalsh (spd x)))
            + Tensor.sum (Linalg.eigvalsh (symDistinct x) ** 3.0)
            + Tensor.sum (Tensor.exp (Linalg.svdvals (tallOf x)))
            + Tensor.sum (Tensor.sin (Linalg.svdvals (A3 x)))),
        x9,
        v9
        "pinv_tall_wide",
        (fun x ->
            Tensor.sum (Tensor.sin (Linalg.pinv (tallOf x)))
            + Tensor.sum (Linalg.pinv (mT (tallOf x)) ** 2.0)
            + Tensor.sum (Linalg.pinv (A3 x))),
        x9,
        v9
        "matrix_exp",
        (fun x ->
            Tensor.sum (Tensor.sin (Linalg.matrixExp (r [| 3; 3 |] x * 0.5)))
            + Tensor.sum (Linalg.matrixExp (r [| 2; 2; 2 |] x.[0..7]) ** 2.0)),
        x9,
        v9
        "matrix_norms",
        (fun x ->
            let a = A3 x

            Linalg.matrixNorm "fro" a
            + Linalg.matrixNorm "nuc" a
            + Linalg.matrixNormOrd 2.0 a * Linalg.matrixNormOrd -2.0 a
            + Linalg.matrixNormOrd 1.0 a
            + Linalg.matrixNormOrd -1.0 a
            + Linalg.matrixNormOrd infinity a
            + Linalg.matrixNormOrd -infinity a
            + Linalg.matrixNorm "nuc" (tallOf x)
            + Linalg.matrixNormOrd 2.0 (tallOf x)),
        x9,
        v9
        "determinant_gradients_of_small_matrices",
        (fun x ->
            Linalg.det (r [| 2; 2 |] x) ** 2.0
            + Linalg.det (mm (r [| 2; 2 |] x) (mT (r [| 2; 2 |] x)))),
        x4,
        v4
    ]

let tests =
    testList
        "products and linear algebra"
        [
            testsOf "product rules" productSpecs
            testsOf "linear algebra rules" linalgSpecs
            knownValues
            memory
            errors
            PyTorchParity.suite "PyTorch parity (products and linear algebra)" "reference_linalg.json" functions
        ]
