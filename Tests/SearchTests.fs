/// Reductions, sorting and searching: prod/cumprod (exact derivatives with zeros, to every order),
/// sort/argsort/topk/kthvalue/median/argmax, any/all, var/std with a correction, vector norms.
/// Property tests of every differentiable op, known values and PyTorch's conventions, bad inputs,
/// and parity with PyTorch (PyTorch/reference_search.py).
module Nabla.Tests.SearchTests

open System
open Expecto
open Nabla
open Nabla.FsCheck
open Nabla.Tests.Check
open Nabla.Tests.OpProperties

let private vec (xs: float list) = Tensor.ofList xs

let private f64 (shape: int[]) =
    Tensor.Zeros(shape, dtype = Dtype.Float64)

let private ints (xs: int64 list) = Tensor.ofList xs

let private exact (what: string) (expected: float[]) (actual: Tensor) =
    closeWith 1e-12 1e-12 what (actual.ToArray()) expected

// ---------------------------------------------------------------- closed forms for products

/// The product of xs without the positions in `skip`.
let private productWithout (xs: float[]) (skip: int list) =
    xs
    |> Array.indexed
    |> Array.fold (fun acc (i, v) -> if List.contains i skip then acc else acc * v) 1.0

/// ∂ Π xs / ∂x_i: the product of the others.
let private prodGradient (xs: float[]) =
    Array.init xs.Length (fun i -> productWithout xs [ i ])

/// ∂² Π xs / ∂x_i ∂x_j: the product of the others for i ≠ j, 0 on the diagonal (row-major).
let private prodHessian (xs: float[]) =
    let n = xs.Length
    Array.init (n * n) (fun k -> let i, j = k / n, k % n in if i = j then 0.0 else productWithout xs [ i; j ])

/// The Hessian of Σ_k w_k·cumprod(x)_k: Σ over k ≥ max(i, j) of w_k times the product of
/// x_0..x_k without i and j (0 on the diagonal).
let private cumprodHessian (xs: float[]) (w: float[]) =
    let n = xs.Length

    Array.init (n * n) (fun k ->
        let i, j = k / n, k % n

        if i = j then
            0.0
        else
            Seq.sum (seq { for m in max i j .. n - 1 -> w[m] * productWithout xs[0..m] [ i; j ] }))

/// The Jacobian of cumprod: J[k, i] = Π_{j≤k, j≠i} x_j for i ≤ k.
let private cumprodJacobian (xs: float[]) =
    let n = xs.Length
    Array.init (n * n) (fun k -> let row, i = k / n, k % n in if i <= row then productWithout xs[0..row] [ i ] else 0.0)

let productTests =
    testList
        "products with zeros"
        [
            for name, xs in
                [
                    "no zero", [| 1.5; -2.0; 0.5; 3.0 |]
                    "one zero", [| 2.0; 0.0; 3.0; 4.0 |]
                    "two zeros", [| 0.0; 2.0; 0.0; -3.0 |]
                    "three zeros", [| 0.0; 0.0; 1.5; 0.0; -2.0 |]
                    "all zeros", [| 0.0; 0.0; 0.0 |]
                    "two elements, both zero", [| 0.0; 0.0 |]
                    "a single zero", [| 0.0 |]
                ] do
                testCase $"prod's gradient and Hessian are the closed forms ({name})"
                <| fun () ->
                    let x = Tensor.ofArray xs
                    exact "value" [| Array.fold (*) 1.0 xs |] (Tensor.prod x)
                    exact "gradient" (prodGradient xs) (AD.grad Tensor.prod x)
                    exact "Hessian (forward over reverse)" (prodHessian xs) (AD.hessian Tensor.prod x)
                    exact "Hessian (reverse over reverse)" (prodHessian xs) (AD.jacrev (AD.grad Tensor.prod) x)
                    exact "Hessian (forward over forward)" (prodHessian xs) (AD.jacfwd (AD.jacfwd Tensor.prod) x)
                    exact "gradient by forward mode" (prodGradient xs) (AD.jacfwd Tensor.prod x)

                testCase $"cumprod's Jacobian and Hessian are the closed forms ({name})"
                <| fun () ->
                    let x = Tensor.ofArray xs

                    let w =
                        Array.init xs.Length (fun i -> 0.5 + float i * 0.75 * (if i % 2 = 0 then 1.0 else -1.0))

                    let f (x: Tensor) =
                        Tensor.sum (Tensor.cumprod 0 x * Tensor.ofArray w)

                    exact "value" (Array.scan (*) 1.0 xs |> Array.tail) (Tensor.cumprod 0 x)
                    exact "Jacobian (forward)" (cumprodJacobian xs) (AD.jacfwd (Tensor.cumprod 0) x)
                    exact "Jacobian (reverse)" (cumprodJacobian xs) (AD.jacrev (Tensor.cumprod 0) x)
                    exact "Hessian (forward over reverse)" (cumprodHessian xs w) (AD.hessian f x)
                    exact "Hessian (reverse over reverse)" (cumprodHessian xs w) (AD.jacrev (AD.grad f) x)

            testCase "the third derivative of x0·x1·x2 at zero is 1 at (0, 1, 2) and 0 elsewhere"
            <| fun () ->
                let third = AD.jacobian (AD.hessian Tensor.prod) (f64 [| 3 |])
                Expect.equal third.Shape [| 3; 3; 3 |] "shape"

                let expected =
                    Array.init 27 (fun k -> let i, j, l = k / 9, (k / 3) % 3, k % 3 in if i <> j && j <> l && i <> l then 1.0 else 0.0)

                exact "third derivative" expected third

            testCase "prodDim's gradient and Hessian with zeros match the closed form per row"
            <| fun () ->
                let rows = [| [| 2.0; 0.0; 3.0 |]; [| 0.0; 0.0; -1.5 |]; [| 0.5; 4.0; -2.0 |] |]
                let x = Tensor.create rows
                let w = Tensor.ofArray [| 1.0; -2.0; 0.5 |]
                let f (x: Tensor) = Tensor.sum (Tensor.prodDim 1 x * w)
                let weights = [| 1.0; -2.0; 0.5 |]
                exact "value" (rows |> Array.map (Array.fold (*) 1.0)) (Tensor.prodDim 1 x)

                exact
                    "gradient"
                    (rows
                     |> Array.mapi (fun r xs -> prodGradient xs |> Array.map ((*) weights[r]))
                     |> Array.concat)
                    (AD.grad f x)
                // block-diagonal Hessian: rows do not interact
                let h = AD.hessian f x |> Tensor.reshape [| 9; 9 |]

                let expected =
                    Array.init 81 (fun k ->
                        let a, b = k / 9, k % 9

                        if a / 3 <> b / 3 then
                            0.0
                        else
                            weights[a / 3] * (prodHessian rows[a / 3])[(a % 3) * 3 + b % 3])

                exact "Hessian" expected h

            testCase "prodDim along dim 0, prodDims over several dims and keepDim agree with products of slices"
            <| fun () ->
                let x =
                    Tensor.create [ [ [ 1.0; 0.0 ]; [ 2.0; -1.0 ] ]; [ [ 3.0; 0.5 ]; [ 0.0; 4.0 ] ] ]

                exact "prodDim 0" [| 3.0; 0.0; 0.0; -4.0 |] (Tensor.prodDim 0 x)
                exact "prodDims [0; 2]" [| 0.0; 0.0 |] (Tensor.prodDims [| 0; 2 |] false x)
                exact "prodDims [0; 2] at (·, 1, ·)" [| 0.0 |] (Tensor.prodDims [| 0; 2 |] false x).[1]
                Expect.equal (Tensor.prodDims [| 0; 2 |] true x).Shape [| 1; 2; 1 |] "keepDim shape"
                Expect.equal (Tensor.prodDims [||] false x).Shape [||] "all dims"
                exact "gradient of prodDims over all = prod" ((AD.grad Tensor.prod x).ToArray()) (AD.grad (Tensor.prodDims [||] false) x)

                exact
                    "Hessian of prodDims [0; 1; 2] = prod's"
                    ((AD.hessian Tensor.prod x).ToArray())
                    (AD.hessian (Tensor.prodDims [| 0; 1; 2 |] true >> Tensor.sum) x)

            testCase "cumprod of a long vector with zeros: every scan round, exact gradient"
            <| fun () ->
                // 37 elements: six rounds of the scan; zeros at 5 and 20
                let xs =
                    Array.init 37 (fun i ->
                        if i = 5 || i = 20 then
                            0.0
                        else
                            1.0 + 0.01 * float (i % 7) - 0.02 * float (i % 3))

                let x = Tensor.ofArray xs
                exact "value" (Array.scan (*) 1.0 xs |> Array.tail) (Tensor.cumprod 0 x)
                let w = Array.init 37 (fun i -> cos (float i))

                let f (x: Tensor) =
                    Tensor.sum (Tensor.cumprod 0 x * Tensor.ofArray w)

                let expected =
                    Array.init 37 (fun i -> Seq.sum (seq { for k in i..36 -> w[k] * productWithout xs[0..k] [ i ] }))

                closeWith 1e-12 1e-10 "gradient" ((AD.grad f x).ToArray()) expected
                let v = Tensor.ofArray (Array.init 37 (fun i -> sin (float i)))
                let hv = AD.hvp f x v
                let h = cumprodHessian xs w

                let expectedHv =
                    Array.init 37 (fun i -> Seq.sum (seq { for j in 0..36 -> h[i * 37 + j] * sin (float j) }))

                closeWith 1e-12 1e-10 "Hessian·v" (hv.ToArray()) expectedHv

            testCase "prod and cumprod of integers give int64 constants; of nothing, 1"
            <| fun () ->
                let x = Tensor.ofArray [| 2; 3; 4 |]
                Expect.equal (Tensor.prod x).Dtype Dtype.Int64 "prod dtype"
                exact "prod" [| 24.0 |] (Tensor.prod x)
                Expect.equal (Tensor.cumprod 0 x).Dtype Dtype.Int64 "cumprod dtype"
                exact "cumprod" [| 2.0; 6.0; 24.0 |] (Tensor.cumprod 0 x)
                exact "prod of an empty tensor" [| 1.0 |] (Tensor.prod (f64 [| 0 |]))
                exact "prodDim over an empty dim" [| 1.0; 1.0 |] (Tensor.prodDim 1 (f64 [| 2; 0 |]))
                Expect.equal (Tensor.cumprod 1 (f64 [| 2; 0 |])).Shape [| 2; 0 |] "cumprod of an empty dim"
                exact "gradient of prod at an empty tensor" [||] (AD.grad Tensor.prod (f64 [| 0 |]))

            testCase "0-d tensors: prod, prodDim and cumprod along dim 0 or -1"
            <| fun () ->
                let x = Tensor.scalar 2.5
                exact "prod" [| 2.5 |] (Tensor.prod x)
                Expect.equal (Tensor.prodDim -1 x).Shape [||] "prodDim shape"
                Expect.equal (Tensor.cumprod 0 x).Shape [||] "cumprod shape"
                exact "gradient of cumprod" [| 1.0 |] (AD.grad (Tensor.cumprod 0) x)
                exact "gradient of prodDim" [| 1.0 |] (AD.grad (Tensor.prodDim 0) x)
        ]

// ---------------------------------------------------------------- conventions

let conventionTests =
    testList
        "conventions as PyTorch"
        [
            testCase "argmax and argmin return the first extreme, as flat indices over all elements"
            <| fun () ->
                exact "argmax with ties" [| 1.0 |] (Tensor.argmax (vec [ 1.0; 3.0; 3.0; 2.0 ]))
                exact "argmin with ties" [| 1.0 |] (Tensor.argmin (vec [ 2.0; 1.0; 1.0 ]))
                let m = Tensor.create [ [ 1.0; 5.0 ]; [ 5.0; 0.0 ] ]
                Expect.equal (Tensor.argmax m).Shape [||] "0-d"
                Expect.equal (Tensor.argmax m).Dtype Dtype.Int64 "int64"
                exact "flat argmax" [| 1.0 |] (Tensor.argmax m)
                exact "flat argmin" [| 3.0 |] (Tensor.argmin m)
                exact "argmaxDim 0" [| 1.0; 0.0 |] (Tensor.argmaxDim 0 m)
                exact "argminDim 1" [| 0.0; 1.0 |] (Tensor.argminDim 1 m)
                exact "argmaxDim with ties" [| 0.0 |] (Tensor.argmaxDim 1 (Tensor.create [ [ 2.0; 2.0; 1.0 ] ]))
                exact "argmax of int" [| 2.0 |] (Tensor.argmax (Tensor.ofArray [| 1; 0; 7; 7 |]))
                exact "argmax of 0-d" [| 0.0 |] (Tensor.argmax (Tensor.scalar 4.0))
                exact "argmaxDim of 0-d" [| 0.0 |] (Tensor.argmaxDim 0 (Tensor.scalar 4.0))

            testCase "sort is stable in both directions, and argsort agrees"
            <| fun () ->
                let x = vec [ 2.0; 1.0; 2.0; 1.0; 0.0 ]
                let values, indices = Tensor.sort 0 false x
                exact "ascending values" [| 0.0; 1.0; 1.0; 2.0; 2.0 |] values
                exact "ascending indices" [| 4.0; 1.0; 3.0; 0.0; 2.0 |] indices
                Expect.equal indices.Dtype Dtype.Int64 "indices are int64"
                let values, indices = Tensor.sort -1 true x
                exact "descending values" [| 2.0; 2.0; 1.0; 1.0; 0.0 |] values
                exact "descending indices" [| 0.0; 2.0; 1.0; 3.0; 4.0 |] indices
                exact "argsort" [| 4.0; 1.0; 3.0; 0.0; 2.0 |] (Tensor.argsort 0 false x)
                exact "argsort descending" [| 0.0; 2.0; 1.0; 3.0; 4.0 |] (Tensor.argsort 0 true x)
                let m = Tensor.create [ [ 3.0; 1.0; 2.0 ]; [ 0.0; 5.0; -1.0 ] ]
                exact "rows" [| 1.0; 2.0; 3.0; -1.0; 0.0; 5.0 |] (fst (Tensor.sort 1 false m))
                exact "columns" [| 3.0; 5.0; 2.0; 0.0; 1.0; -1.0 |] (fst (Tensor.sort 0 true m))

            testCase "sort's gradient follows the stable order at ties"
            <| fun () ->
                // as PyTorch: sort([3, 2, 3, 1]) takes x0 before x2
                let g =
                    AD.grad (fun x -> Tensor.sum (fst (Tensor.sort 0 false x) * vec [ 1.0; 2.0; 3.0; 4.0 ])) (vec [ 3.0; 2.0; 3.0; 1.0 ])

                exact "gradient" [| 3.0; 2.0; 4.0; 1.0 |] g

            testCase "topk gives the largest first (topkSmallest the smallest first) with their positions"
            <| fun () ->
                let x = vec [ 1.0; 5.0; 3.0; 5.0; 2.0 ]
                let values, indices = Tensor.topk 3 0 x
                exact "values" [| 5.0; 5.0; 3.0 |] values
                exact "indices" [| 1.0; 3.0; 2.0 |] indices
                let values, indices = Tensor.topkSmallest 2 0 x
                exact "smallest values" [| 1.0; 2.0 |] values
                exact "smallest indices" [| 0.0; 4.0 |] indices
                let m = Tensor.create [ [ 0.5; -1.0; 2.0 ]; [ 4.0; 3.0; -2.0 ] ]
                exact "per row" [| 2.0; 0.5; 4.0; 3.0 |] (fst (Tensor.topk 2 1 m))
                exact "per column" [| 4.0; 3.0; 2.0 |] (fst (Tensor.topk 1 0 m))
                Expect.equal (fst (Tensor.topk 0 1 m)).Shape [| 2; 0 |] "k = 0"

                let g =
                    AD.grad (fun x -> Tensor.sum (fst (Tensor.topk 2 0 x) * vec [ 10.0; 1.0 ])) (vec [ 1.0; 5.0; 3.0; 4.0 ])

                exact "the gradient goes to the selected elements" [| 0.0; 10.0; 0.0; 1.0 |] g

            testCase "kthvalue counts k from 1 and removes the dimension"
            <| fun () ->
                let x = vec [ 1.0; 5.0; 3.0; 5.0; 2.0 ]
                let value, index = Tensor.kthvalue 2 0 x
                exact "value" [| 2.0 |] value
                exact "index" [| 4.0 |] index
                Expect.equal value.Shape [||] "0-d"
                let m = Tensor.create [ [ 4.0; 1.0; 3.0 ]; [ 0.0; 9.0; 8.0 ] ]
                let values, indices = Tensor.kthvalue 3 1 m
                exact "largest per row" [| 4.0; 9.0 |] values
                exact "its positions" [| 0.0; 1.0 |] indices
                exact "k = 1 is the minimum" [| 0.0; 1.0; 3.0 |] (fst (Tensor.kthvalue 1 0 m))

                exact
                    "the gradient goes to the k-th element"
                    [| 0.0; 0.0; 1.0; 0.0 |]
                    (AD.grad (fun x -> fst (Tensor.kthvalue 3 0 x)) (vec [ 0.1; 0.4; 0.3; 0.2 ]))

            testCase "median is the lower middle for even counts; ties share its gradient, medianDim's goes to its index"
            <| fun () ->
                exact "odd count" [| 3.0 |] (Tensor.median (vec [ 5.0; 1.0; 3.0 ]))
                exact "even count: the lower of the two middle values" [| 2.0 |] (Tensor.median (vec [ 4.0; 1.0; 3.0; 2.0 ]))
                exact "over all elements of a matrix" [| 2.0 |] (Tensor.median (Tensor.create [ [ 4.0; 1.0 ]; [ 3.0; 2.0 ] ]))
                Expect.equal (Tensor.median (vec [ 1.0 ])).Shape [||] "0-d"

                let values, indices =
                    Tensor.medianDim 1 (Tensor.create [ [ 4.0; 1.0; 3.0; 2.0 ]; [ 7.0; 9.0; 8.0; 0.0 ] ])

                exact "medianDim values" [| 2.0; 7.0 |] values
                exact "medianDim indices" [| 3.0; 0.0 |] indices
                exact "gradient" [| 0.0; 0.0; 0.0; 1.0 |] (AD.grad Tensor.median (vec [ 4.0; 1.0; 3.0; 2.0 ]))
                exact "gradient shared by ties (torch.median)" [| 0.0; 0.5; 0.5; 0.0 |] (AD.grad Tensor.median (vec [ 1.0; 2.0; 2.0; 3.0 ]))

                exact
                    "medianDim's gradient goes to its index"
                    [| 0.0; 0.0; 0.0; 1.0 |]
                    (AD.grad (fun x -> Tensor.sum (fst (Tensor.medianDim 0 x))) (vec [ 4.0; 1.0; 3.0; 2.0 ]))

                exact "median of integers" [| 2.0 |] (Tensor.median (Tensor.ofArray [| 3; 1; 2; 4 |]))

            testCase "sort, topk, kthvalue and medianDim on 0-d tensors, along dim 0 or -1"
            <| fun () ->
                let x = Tensor.scalar 3.0
                let v, i = Tensor.sort 0 false x
                Expect.equal (v.Shape, i.Shape) ([||], [||]) "sort"
                exact "sort value" [| 3.0 |] v
                Expect.equal (fst (Tensor.topk 1 -1 x)).Shape [||] "topk"
                Expect.equal (fst (Tensor.kthvalue 1 0 x)).Shape [||] "kthvalue"
                Expect.equal (snd (Tensor.medianDim 0 x)).Shape [||] "medianDim"
                exact "gradient through sort" [| 1.0 |] (AD.grad (fun x -> fst (Tensor.sort 0 true x)) x)

            testCase "sort, topk and kthvalue of empty dimensions and of integers"
            <| fun () ->
                let v, i = Tensor.sort 1 false (f64 [| 2; 0 |])
                Expect.equal (v.Shape, i.Shape) ([| 2; 0 |], [| 2; 0 |]) "sort of an empty dim"
                Expect.equal (fst (Tensor.kthvalue 1 1 (f64 [| 0; 2 |]))).Shape [| 0 |] "kthvalue with an empty other dim"
                let x = Tensor.ofArray [| 3; 1; 2 |]
                let v, _ = Tensor.sort 0 false x
                Expect.equal v.Dtype Dtype.Int32 "sort keeps the dtype"
                exact "sorted ints" [| 1.0; 2.0; 3.0 |] v
                exact "topk of ints" [| 3.0; 2.0 |] (fst (Tensor.topk 2 0 x))
                exact "sort of bools" [| 0.0; 1.0 |] (fst (Tensor.sort 0 false (Tensor.ofArray [| true; false |])))

            testCase "any and all read non-zero as true, give bool, and follow PyTorch on empty tensors"
            <| fun () ->
                let x = vec [ 0.0; 0.5; 0.0 ]
                Expect.equal (Tensor.any x).Dtype Dtype.Bool "bool"
                Expect.equal (Tensor.any x).Shape [||] "0-d"
                exact "any" [| 1.0 |] (Tensor.any x)
                exact "all" [| 0.0 |] (Tensor.all x)
                exact "all of non-zeros" [| 1.0 |] (Tensor.all (vec [ 1.0; -2.0 ]))
                exact "any of zeros" [| 0.0 |] (Tensor.any (f64 [| 3 |]))
                exact "any of nothing" [| 0.0 |] (Tensor.any (f64 [| 0 |]))
                exact "all of nothing" [| 1.0 |] (Tensor.all (f64 [| 0 |]))
                exact "NaN is true" [| 1.0 |] (Tensor.all (vec [ nan ]))
                let m = Tensor.create [ [ true; false ]; [ false; false ] ]
                exact "anyDim 0" [| 1.0; 0.0 |] (Tensor.anyDim 0 m)
                exact "anyDim 1" [| 1.0; 0.0 |] (Tensor.anyDim 1 m)
                exact "allDim -1" [| 0.0; 0.0 |] (Tensor.allDim -1 m)
                exact "allDim over ints" [| 1.0; 0.0 |] (Tensor.allDim 1 (Tensor.create [ [ 1; 2 ]; [ 3; 0 ] ]))
                Expect.equal (Tensor.any (Tensor.ofArray [| 0uy; 2uy |])).Dtype Dtype.Bool "bool also for uint8"
                exact "anyDim on 0-d" [| 1.0 |] (Tensor.anyDim 0 (Tensor.scalar 2.0))
                exact "allDim of an empty dim" [| 1.0; 1.0 |] (Tensor.allDim 1 (f64 [| 2; 0 |]))

            testCase "var and std with corrections 0, 1, 2 and beyond n"
            <| fun () ->
                let x = vec [ 1.0; 2.0; 3.0 ]
                exact "biased" [| 2.0 / 3.0 |] (Tensor.varDims [||] 0 false x)
                exact "unbiased (the default)" [| 1.0 |] (Tensor.var x)
                exact "correction 2" [| 2.0 |] (Tensor.varDims [| 0 |] 2 false x)
                exact "correction n: inf" [| infinity |] (Tensor.varDims [||] 3 false x)
                exact "correction > n: inf (the divisor is clamped at 0)" [| infinity |] (Tensor.varDims [||] 5 false x)
                exact "std with correction 0" [| sqrt (2.0 / 3.0) |] (Tensor.stdDims [||] 0 false x)
                Expect.isTrue (Double.IsNaN((Tensor.var (vec [ 4.0 ])).ToScalar())) "one element: NaN"
                Expect.isTrue (Double.IsNaN((Tensor.var (f64 [| 0 |])).ToScalar())) "no element: NaN"
                let m = Tensor.create [ [ 1.0; 2.0; 4.0 ]; [ 3.0; 3.0; 0.0 ] ]
                exact "over dim 1" [| 7.0 / 3.0; 3.0 |] (Tensor.varDims [| 1 |] 1 false m)
                exact "over dim 0, biased" [| 1.0; 0.25; 4.0 |] (Tensor.varDims [| 0 |] 0 false m)
                Expect.equal (Tensor.stdDims [| 0 |] 1 true m).Shape [| 1; 3 |] "keepDim"
                exact "over both dims = over all" ((Tensor.var m).ToArray()) (Tensor.varDims [| 0; 1 |] 1 false m)
                exact "std of 0-d with correction 0" [| 0.0 |] (Tensor.stdDims [| 0 |] 0 false (Tensor.scalar 3.0))

            testCase "std's gradient is 0 where the deviation is 0, as PyTorch (not NaN)"
            <| fun () ->
                exact "constant vector" [| 0.0; 0.0; 0.0 |] (AD.grad Tensor.std (vec [ 2.0; 2.0; 2.0 ]))

                exact
                    "constant rows"
                    [| 0.0; 0.0; -0.5; 0.5 |]
                    (AD.grad (Tensor.stdDims [| 1 |] 0 false >> Tensor.sum) (Tensor.create [ [ 1.0; 1.0 ]; [ 0.0; 2.0 ] ]))

                exact "Hessian at a constant" (Array.zeroCreate 9) (AD.hessian Tensor.std (vec [ 2.0; 2.0; 2.0 ]))

            testCase "vector norms for ord 1, 2, 3, 0.5, 0, ±inf and the Frobenius norm"
            <| fun () ->
                let x = vec [ 3.0; -4.0; 0.0; 1.0 ]
                exact "1" [| 8.0 |] (Tensor.vectorNorm 1.0 [||] false x)
                exact "2" [| sqrt 26.0 |] (Tensor.vectorNorm 2.0 [||] false x)
                exact "3" [| Math.Pow(27.0 + 64.0 + 1.0, 1.0 / 3.0) |] (Tensor.vectorNorm 3.0 [||] false x)
                exact "0.5" [| Math.Pow(sqrt 3.0 + 2.0 + 1.0, 2.0) |] (Tensor.vectorNorm 0.5 [||] false x)
                exact "0: the count of non-zeros" [| 3.0 |] (Tensor.vectorNorm 0.0 [||] false x)
                exact "inf" [| 4.0 |] (Tensor.vectorNorm infinity [||] false x)
                exact "-inf" [| 0.0 |] (Tensor.vectorNorm -infinity [||] false x)
                let m = Tensor.create [ [ 3.0; -4.0 ]; [ 0.0; 1.0 ] ]
                exact "inf over dim 1" [| 4.0; 1.0 |] (Tensor.vectorNorm infinity [| 1 |] false m)
                exact "1 over dim 0, keepDim" [| 3.0; 5.0 |] (Tensor.vectorNorm 1.0 [| 0 |] true m)
                Expect.equal (Tensor.vectorNorm 1.0 [| 0 |] true m).Shape [| 1; 2 |] "keepDim shape"
                exact "Frobenius" [| sqrt 26.0 |] (Tensor.frobeniusNorm [||] false m)
                exact "Frobenius over dim 0" [| 3.0; sqrt 17.0 |] (Tensor.frobeniusNorm [| 0 |] false m)
                exact "2 of an empty tensor" [| 0.0 |] (Tensor.vectorNorm 2.0 [||] false (f64 [| 0 |]))
                exact "of a 0-d tensor" [| 2.0 |] (Tensor.vectorNorm 3.0 [||] false (Tensor.scalar -2.0))
                exact "vectorNorm 2 = norm" ((Tensor.norm m).ToArray()) (Tensor.vectorNorm 2.0 [||] false m)

            testCase "vector norms have gradient 0 at 0 for every ord, as PyTorch"
            <| fun () ->
                for ord in [ 1.0; 2.0; 3.0; 1.5; 0.5; -1.0; 0.0; infinity; -infinity ] do
                    exact $"ord {ord}" [| 0.0; 0.0; 0.0 |] (AD.grad (Tensor.vectorNorm ord [||] false) (f64 [| 3 |]))

            testCase "vector norm subgradients: zeros in x, ties of the ±inf norm shared"
            <| fun () ->
                let g ord xs =
                    AD.grad (Tensor.vectorNorm ord [||] false) (vec xs)

                exact "inf with a tie" [| 0.0; -0.5; 0.5; 0.0 |] (g infinity [ 1.0; -3.0; 3.0; 2.0 ])
                exact "-inf" [| 1.0; 0.0; 0.0; 0.0 |] (g -infinity [ 1.0; -3.0; 3.0; 2.0 ])
                exact "-inf with a tie" [| 0.5; -0.5; 0.0; 0.0 |] (g -infinity [ 1.0; -1.0; 3.0; 2.0 ])
                exact "-inf at a zero" [| 0.0; 0.0; 0.0; 0.0 |] (g -infinity [ 1.0; 0.0; 3.0; 2.0 ])
                exact "1 with a zero" [| 1.0; 0.0; -1.0 |] (g 1.0 [ 2.0; 0.0; -3.0 ])
                let n3 = Math.Pow(8.0 + 27.0, 1.0 / 3.0)
                exact "3 with a zero" [| 4.0 / (n3 * n3); 0.0; -9.0 / (n3 * n3) |] (g 3.0 [ 2.0; 0.0; -3.0 ])
                let n5 = Math.Pow(sqrt 2.0 + sqrt 3.0, 2.0)
                exact "0.5 with a zero" [| sqrt (n5 / 2.0); 0.0; -(sqrt (n5 / 3.0)) |] (g 0.5 [ 2.0; 0.0; -3.0 ])
        ]

// ---------------------------------------------------------------- bad input

let errorTests =
    testList
        "errors"
        [
            testCase "topk with k larger than the dimension, or negative"
            <| fun () ->
                throwsWith<ArgumentException> [ "topk:"; "k = 5"; "dimension 1 of size 3"; "[2, 3]" ] (fun () ->
                    Tensor.topk 5 1 (f64 [| 2; 3 |]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "topk:"; "k = -1" ] (fun () -> Tensor.topk -1 0 (f64 [| 3 |]) |> ignore)
                throwsWith<ArgumentException> [ "topkSmallest:"; "k = 4" ] (fun () -> Tensor.topkSmallest 4 0 (f64 [| 3 |]) |> ignore)
                throwsWith<ArgumentException> [ "topk:"; "k = 2"; "size 1" ] (fun () -> Tensor.topk 2 0 (Tensor.scalar 1.0) |> ignore)

            testCase "kthvalue with k below 1 or above the size"
            <| fun () ->
                throwsWith<ArgumentOutOfRangeException> [ "kthvalue:"; "k = 0"; "at least 1" ] (fun () ->
                    Tensor.kthvalue 0 0 (f64 [| 3 |]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "kthvalue:"; "k = 4"; "size 3"; "[3]" ] (fun () ->
                    Tensor.kthvalue 4 0 (f64 [| 3 |]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "kthvalue:"; "k = 1"; "size 0"; "[2, 0]" ] (fun () ->
                    Tensor.kthvalue 1 1 (f64 [| 2; 0 |]) |> ignore)

            testCase "a dimension out of range names the op and the rank"
            <| fun () ->
                let x = f64 [| 2; 3 |]

                let cases: (string * (unit -> obj)) list =
                    [
                        "sort", (fun () -> box (Tensor.sort 2 false x))
                        "sort", (fun () -> box (Tensor.argsort -3 false x))
                        "topk", (fun () -> box (Tensor.topk 1 2 x))
                        "kthvalue", (fun () -> box (Tensor.kthvalue 1 -3 x))
                        "medianDim", (fun () -> box (Tensor.medianDim 2 x))
                        "prod", (fun () -> box (Tensor.prodDim 2 x))
                        "prod", (fun () -> box (Tensor.prodDims [| 0; 5 |] true x))
                        "cumprod", (fun () -> box (Tensor.cumprod 2 x))
                        "argmaxDim", (fun () -> box (Tensor.argmaxDim 2 x))
                        "argminDim", (fun () -> box (Tensor.argminDim -3 x))
                        "anyDim", (fun () -> box (Tensor.anyDim 2 x))
                        "allDim", (fun () -> box (Tensor.allDim 2 x))
                        "varDims", (fun () -> box (Tensor.varDims [| 2 |] 1 false x))
                        "stdDims", (fun () -> box (Tensor.stdDims [| -3 |] 1 false x))
                        "vectorNorm", (fun () -> box (Tensor.vectorNorm 1.0 [| 2 |] false x))
                    ]

                for op, f in cases do
                    throwsWith<ArgumentOutOfRangeException> [ op + ":"; "rank 2" ] (f >> ignore)

            testCase "a 0-d tensor accepts only dim 0 or -1"
            <| fun () ->
                let s = Tensor.scalar 1.0
                throwsWith<ArgumentOutOfRangeException> [ "sort:"; "dimension 1" ] (fun () -> Tensor.sort 1 false s |> ignore)
                throwsWith<ArgumentOutOfRangeException> [ "cumprod:"; "dimension -2" ] (fun () -> Tensor.cumprod -2 s |> ignore)
                throwsWith<ArgumentOutOfRangeException> [ "prod:"; "dimension 1" ] (fun () -> Tensor.prodDim 1 s |> ignore)
                throwsWith<ArgumentOutOfRangeException> [ "argmaxDim:"; "dimension 1" ] (fun () -> Tensor.argmaxDim 1 s |> ignore)

            testCase "median, argmax and the ±inf norms of nothing are errors"
            <| fun () ->
                throwsWith<ArgumentException> [ "median:"; "empty"; "[0]" ] (fun () -> Tensor.median (f64 [| 0 |]) |> ignore)
                throwsWith<ArgumentException> [ "median:"; "[2, 0]" ] (fun () -> Tensor.median (f64 [| 2; 0 |]) |> ignore)

                throwsWith<ArgumentException> [ "medianDim:"; "dimension 1"; "[3, 0]"; "empty" ] (fun () ->
                    Tensor.medianDim 1 (f64 [| 3; 0 |]) |> ignore)

                throwsWith<ArgumentException> [ "argmax:"; "empty" ] (fun () -> Tensor.argmax (f64 [| 0; 2 |]) |> ignore)
                throwsWith<ArgumentException> [ "argmin:"; "empty" ] (fun () -> Tensor.argmin (f64 [| 0 |]) |> ignore)

                throwsWith<ArgumentException> [ "argmaxDim:"; "dimension 0"; "[0, 2]" ] (fun () ->
                    Tensor.argmaxDim 0 (f64 [| 0; 2 |]) |> ignore)

                throwsWith<ArgumentException> [ "vectorNorm:"; "empty" ] (fun () ->
                    Tensor.vectorNorm infinity [||] false (f64 [| 0 |]) |> ignore)

                throwsWith<ArgumentException> [ "vectorNorm:"; "empty" ] (fun () ->
                    Tensor.vectorNorm -infinity [| 1 |] false (f64 [| 2; 0 |]) |> ignore)

                Expect.equal (Tensor.argmaxDim 1 (f64 [| 0; 2 |])).Shape [| 0 |] "argmaxDim over a non-empty dim of an empty tensor"

            testCase "var, std and norms of integer tensors are refused, as in PyTorch (and never reach LibTorch's var)"
            <| fun () ->
                let i = Tensor.ofArray [| 1L; 2L; 3L |]
                throwsWith<ArgumentException> [ "var:"; "int64[3]"; "floating-point"; "toDtype" ] (fun () -> Tensor.var i |> ignore)
                throwsWith<ArgumentException> [ "std:"; "int64[3]" ] (fun () -> Tensor.std i |> ignore)

                throwsWith<ArgumentException> [ "varDims:"; "int32[2, 2]" ] (fun () ->
                    Tensor.varDims [| 0 |] 1 false (Tensor.create [ [ 1; 2 ]; [ 3; 4 ] ]) |> ignore)

                throwsWith<ArgumentException> [ "stdDims:"; "bool[2]" ] (fun () ->
                    Tensor.stdDims [| 0 |] 0 true (Tensor.ofArray [| true; false |]) |> ignore)

                throwsWith<ArgumentException> [ "vectorNorm:"; "int64[3]" ] (fun () -> Tensor.vectorNorm 1.0 [||] false i |> ignore)
                throwsWith<ArgumentException> [ "vectorNorm:"; "int64[3]" ] (fun () -> Tensor.frobeniusNorm [||] false i |> ignore)

            testCase "a NaN ord and argmax of bools are refused"
            <| fun () ->
                throwsWith<ArgumentException> [ "vectorNorm:"; "NaN" ] (fun () -> Tensor.vectorNorm nan [||] false (f64 [| 3 |]) |> ignore)
                throwsWith<ArgumentException> [ "argmax:"; "bool" ] (fun () -> Tensor.argmax (Tensor.ofArray [| true; false |]) |> ignore)

                throwsWith<ArgumentException> [ "argminDim:"; "bool" ] (fun () ->
                    Tensor.argminDim 0 (Tensor.ofArray [| true; false |]) |> ignore)

            testCase "LibTorch's refusals come back as ArgumentException naming the op"
            <| fun () ->
                throwsWith<ArgumentException> [ "median:"; "bool" ] (fun () -> Tensor.median (Tensor.ofArray [| true; false |]) |> ignore)
                throwsWith<ArgumentException> [ "topk:"; "bool" ] (fun () -> Tensor.topk 1 0 (Tensor.ofArray [| true; false |]) |> ignore)

            testCase "errors are raised inside transforms as well"
            <| fun () ->
                throwsWith<ArgumentException> [ "topk:"; "k = 4" ] (fun () ->
                    AD.grad (fun x -> Tensor.sum (fst (Tensor.topk 4 0 x))) (f64 [| 3 |]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "cumprod:" ] (fun () ->
                    AD.hessian (fun x -> Tensor.sum (Tensor.cumprod 1 x)) (f64 [| 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "median:"; "empty" ] (fun () -> AD.jvp Tensor.median (f64 [| 0 |]) (f64 [| 0 |]) |> ignore)
        ]

// ---------------------------------------------------------------- memory

let memoryTests =
    testList
        "memory"
        [
            for name, f in
                [
                    "Hessian of prod at zeros",
                    (fun (x: Tensor) -> AD.hessian (fun x -> Tensor.prod x + Tensor.sum (Tensor.cumprod 0 x)) (Tensor.stopGradient x))
                    "Hessian of a long cumprod",
                    (fun x -> AD.hessian (fun x -> Tensor.sum (Tensor.cumprod 0 (Tensor.cat 0 [ x; x; x; x ]))) x)
                    "gradient through sort, topk, kthvalue and median",
                    (fun x ->
                        AD.grad
                            (fun x ->
                                Tensor.sum (fst (Tensor.sort 0 true x))
                                + Tensor.sum (fst (Tensor.topk 2 0 x))
                                + fst (Tensor.kthvalue 2 0 x)
                                + Tensor.median x)
                            x)
                    "Hessian of std and vector norms",
                    (fun x ->
                        AD.hessian
                            (fun x ->
                                Tensor.std x
                                + Tensor.vectorNorm 3.0 [||] false x
                                + Tensor.vectorNorm infinity [||] false x)
                            x)
                ] do
                testCase $"{name} leaves no tensor alive but its result"
                <| fun () ->
                    let x =
                        if name.Contains "zeros" then
                            vec [ 0.0; 2.0; 0.0 ]
                        else
                            vec [ 0.5; -1.5; 2.0 ]

                    let before = Scope.liveTensorCount ()
                    let result = f x
                    Tensor.dispose result
                    Expect.equal (Scope.liveTensorCount () - before) 0L "live tensors after disposing the result"

            testCase "a pullback of sort, topk and prod can be called again (its constants were made with the op)"
            <| fun () ->
                let f (x: Tensor) =
                    Tensor.cat
                        0
                        [
                            fst (Tensor.sort 0 false x)
                            fst (Tensor.topk 2 0 x)
                            Tensor.unsqueeze 0 (Tensor.prod x)
                        ]

                let _, pullback = AD.vjp f (vec [ 0.5; 0.0; 2.0 ])
                let u = vec [ 1.0; 2.0; 3.0; 4.0; 5.0; 6.0 ]
                let first = (pullback u).ToArray()
                exact "second call" first (pullback u)
                // sort → [0, 0.5, 2], topk → [2, 0.5], prod's gradient → [0, 1, 0]
                exact "values" [| 2.0 + 5.0; 1.0 + 6.0; 3.0 + 4.0 |] (pullback u)
        ]

// ---------------------------------------------------------------- property tests

let private values (x: Tensor * Tensor) = fst x

let specs: OpSpec list =
    [
        unary "prod" Any Tensor.prod
        unaryOn "prod of a long vector" (fixedShapes [| [| 11 |] |]) Any Tensor.prod
        unaryOn "prodDim" (rankFrom 1 3) Any (Tensor.prodDim -1)
        unaryOn "prodDim over dim 0" (rankFrom 2 3) Any (Tensor.prodDim 0)
        unaryOn "prodDims over two dims, keepDim" (rankFrom 3 3) Any (Tensor.prodDims [| 0; 2 |] true)
        unaryOn "prodDims over all" (rankFrom 1 3) Any (Tensor.prodDims [||] false)
        unary "cumprod" Any (Tensor.cumprod -1)
        unaryOn "cumprod over dim 0" (rankFrom 2 3) Any (Tensor.cumprod 0)
        unaryOn "cumprod of a long vector (several scan rounds)" (fixedShapes [| [| 13 |] |]) Any (Tensor.cumprod 0)
        {
            Name = "linear recurrence (cumprod's derivative)"
            ZeroSize = None
            Shapes = fixedShapes [| [| 3; 6 |]; [| 3; 6 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> OpsSearch.linearRecurrence 1 xs[0] xs[1])
        }
        {
            Name = "transposed linear recurrence"
            ZeroSize = None
            Shapes = fixedShapes [| [| 5; 2 |]; [| 5; 2 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> OpsSearch.transposedRecurrence 0 xs[0] xs[1])
        }
        unary "sort" Distinct (Tensor.sort -1 false >> values)
        unaryOn "sort descending over dim 0" (rankFrom 2 3) Distinct (Tensor.sort 0 true >> values)
        unaryOn "topk" (fixedShapes [| [| 3; 5 |] |]) Distinct (Tensor.topk 3 1 >> values)
        unaryOn "topk over dim 0" (rankFrom 1 3) Distinct (Tensor.topk 1 0 >> values)
        unaryOn "topkSmallest" (fixedShapes [| [| 4; 2; 3 |] |]) Distinct (Tensor.topkSmallest 2 -1 >> values)
        unaryOn "kthvalue" (fixedShapes [| [| 4; 3 |] |]) Distinct (Tensor.kthvalue 2 0 >> values)
        unaryOn "kthvalue along the last dim" (rankFrom 1 3) Distinct (Tensor.kthvalue 1 -1 >> values)
        unaryOn "median" (rankFrom 1 3) Distinct Tensor.median
        unaryOn "medianDim" (rankFrom 1 3) Distinct (Tensor.medianDim -1 >> values)
        unaryOn "values at argmaxDim" (fixedShapes [| [| 3; 4 |] |]) Distinct (fun x ->
            Tensor.gather 1 (Tensor.unsqueeze 1 (Tensor.argmaxDim 1 x)) x)
        unaryOn "value at argmin" (rankFrom 1 3) Distinct (fun x -> (Tensor.flatten x).[Tensor.argmin x] * x)
        unaryOn "varDims, correction 0, keepDim" (rankFrom 2 3) Any (Tensor.varDims [| 0 |] 0 true)
        unaryOn "varDims, correction 2, over two dims" (fixedShapes [| [| 3; 2; 2 |] |]) Any (Tensor.varDims [| 0; 2 |] 2 false)
        unaryOn "stdDims, correction 1" (fixedShapes [| [| 3; 4 |] |]) Any (Tensor.stdDims [| 1 |] 1 false)
        unaryOn "stdDims over all, correction 0" (rankFrom 1 3) Any (Tensor.stdDims [||] 0 false)
        unaryOn "std" (fixedShapes [| [| 5 |] |]) Any Tensor.std
        unaryOn "vectorNorm 1" (rankFrom 1 3) AwayFromZero (Tensor.vectorNorm 1.0 [||] false)
        unaryOn "vectorNorm 3 over a dim" (rankFrom 2 3) AwayFromZero (Tensor.vectorNorm 3.0 [| -1 |] false)
        unaryOn "vectorNorm 1.5, keepDim" (rankFrom 2 3) AwayFromZero (Tensor.vectorNorm 1.5 [| 0 |] true)
        unaryOn "vectorNorm 0.5" (rankFrom 1 2) AwayFromZero (Tensor.vectorNorm 0.5 [||] false)
        unaryOn "vectorNorm -2" (rankFrom 1 2) AwayFromZero (Tensor.vectorNorm -2.0 [| 0 |] false)
        unaryOn "vectorNorm inf" (rankFrom 1 3) Distinct (fun x -> Tensor.vectorNorm infinity [||] false (x + 2.0))
        unaryOn "vectorNorm inf over a dim" (rankFrom 2 3) Distinct (fun x -> Tensor.vectorNorm infinity [| 1 |] true (x - 2.0))
        unaryOn "vectorNorm -inf over a dim" (rankFrom 2 3) Distinct (fun x -> Tensor.vectorNorm -infinity [| 0 |] false (x + 2.0))
        unaryOn "vectorNorm 2 over two dims" (rankFrom 3 3) AwayFromZero (Tensor.vectorNorm 2.0 [| 0; 2 |] false)
        unaryOn "frobeniusNorm" (rankFrom 2 3) AwayFromZero (Tensor.frobeniusNorm [| 0; 1 |] false)
    ]

// ---------------------------------------------------------------- PyTorch parity

let private r (shape: int[]) (x: Tensor) = Tensor.reshape shape x
let private oneZero = vec [ 0.3; -1.2; 0.0; 1.7; -0.4; 0.9 ]
let private twoZeros = vec [ 0.0; -1.2; 0.8; 0.0; -0.4; 1.1 ]
let private manyZeros = vec [ 0.0; 0.0; 0.5; 0.0; -1.5; 0.0 ]
let private x6 = vec [ 0.3; -1.2; 0.8; 1.7; -0.4; 0.05 ]
let private v6 = vec [ 1.0; 0.5; -0.3; 0.2; -1.0; 0.7 ]
let private zeros4 = f64 [| 4 |]
let private v4 = vec [ 0.5; -1.0; 0.25; 2.0 ]

let private xd =
    vec [ 0.37; -1.21; 0.83; 1.52; -0.46; 0.05; 1.18; -0.77; 0.61; -1.64; 0.29; -0.13 ]

let private vd = Tensor.sin (Tensor.Arange(0.0, 12.0, dtype = Dtype.Float64) + 0.5)

let private x12z =
    vec [ 0.4; -0.9; 1.3; 0.0; 0.7; -1.1; 0.6; 1.2; -0.5; 0.8; 0.0; -1.4 ]

let private w6 = vec [ 0.5; -1.0; 2.0; 0.25; 1.5; -0.75 ]
let private w12 = Tensor.Linspace(-1.0, 1.2, 12, dtype = Dtype.Float64)
let private sumOf (x: Tensor) = Tensor.sum x
let private one = Tensor.scalar 1.0

let private functions: (string * (Tensor -> Tensor) * Tensor * Tensor) list =
    [
        "prod_with_one_zero",
        (fun x ->
            Tensor.prod x
            + sumOf (Tensor.prodDim 1 (r [| 2; 3 |] x) ** 2.0)
            + sumOf (Tensor.prodDim 0 (r [| 3; 2 |] x))),
        oneZero,
        v6
        "prod_with_two_zeros",
        (fun x ->
            Tensor.prod x * 3.0
            + sumOf (Tensor.prodDim 1 (r [| 2; 3 |] x))
            + sumOf (sin (Tensor.prodDim 0 (r [| 3; 2 |] x)))
            + Tensor.prod (x + 1.0)),
        twoZeros,
        v6
        "prod_with_many_zeros",
        (fun x ->
            Tensor.prod x
            + sumOf (Tensor.prodDim 1 (r [| 3; 2 |] x))
            + sumOf (Tensor.prodDim 0 (r [| 2; 3 |] x) ** 2.0)
            + Tensor.prod (x * x + x)),
        manyZeros,
        v6
        "prod_of_zeros",
        (fun x ->
            Tensor.prod x
            + Tensor.prod x.[0..1]
            + sumOf (Tensor.prodDim 0 (r [| 2; 2 |] x))
            + Tensor.prod (x - 1.0)),
        zeros4,
        v4
        "prod_dims_keepdim",
        (fun x ->
            sumOf (Tensor.prodDims [| 0; 2 |] false (r [| 2; 3; 2 |] x))
            + sumOf (Tensor.prodDims [| 1 |] true (r [| 3; 4 |] x) * r [| 3; 4 |] x)),
        x12z,
        vd
        "prod_cumprod_without_zeros",
        (fun x ->
            Tensor.prod x
            + sumOf (Tensor.cumprod 0 x * w6)
            + sumOf (Tensor.prodDim 0 (r [| 2; 3 |] x))
            + sumOf (exp (Tensor.cumprod 1 (r [| 2; 3 |] x)))),
        x6,
        v6
        "cumprod_with_a_zero",
        (fun x ->
            sumOf (Tensor.cumprod 0 x * w6)
            + sumOf (Tensor.cumprod 1 (r [| 2; 3 |] x) ** 2.0)
            + sumOf (sin (Tensor.cumprod 0 (r [| 3; 2 |] x)))),
        oneZero,
        v6
        "cumprod_with_two_zeros",
        (fun x ->
            sumOf (Tensor.cumprod 0 x ** 2.0)
            + sumOf (Tensor.cumprod 0 (Tensor.flip [| 0 |] x)) * 0.5
            + sumOf (Tensor.cumprod 0 (r [| 2; 3 |] x) * r [| 2; 3 |] x)),
        twoZeros,
        v6
        "sort_weighted",
        (fun x ->
            let m = r [| 3; 4 |] x
            let w = r [| 3; 4 |] w12

            sumOf (fst (Tensor.sort 0 false x) * w12)
            + sumOf (fst (Tensor.sort 1 true m) ** 2.0 * w)
            + sumOf (exp (fst (Tensor.sort 0 false m)) * w)),
        xd,
        vd
        "topk_kthvalue_median",
        (fun x ->
            let m34, m43 = r [| 3; 4 |] x, r [| 4; 3 |] x

            sumOf (fst (Tensor.topk 4 0 x) ** 3.0)
            + sumOf (exp (fst (Tensor.topkSmallest 2 1 m34)))
            + sumOf (fst (Tensor.kthvalue 2 1 m43) ** 2.0)
            + Tensor.median x * sumOf x
            + sumOf (sin (fst (Tensor.medianDim 1 m34)))
            + Tensor.prod (fst (Tensor.medianDim 0 m43))),
        xd,
        vd
        "argmax_argmin_any_all",
        (fun x ->
            let m34, m43 = r [| 3; 4 |] x, r [| 4; 3 |] x

            x.[Tensor.argmax x] ** 2.0
            + sumOf (Tensor.gather 1 (Tensor.unsqueeze 1 (Tensor.argminDim 1 m34)) m34)
              * sumOf x
            + sumOf (Tensor.where (Tensor.anyDim 1 (Tensor.gt m34 one)) (Tensor.sumDim 1 m34) (Tensor.prodDim 1 m34))
            + sumOf (Tensor.where (Tensor.allDim 1 (Tensor.lt m43 one)) (Tensor.sumDim 1 (exp m43)) (Tensor.sumDim 1 (sin m43)))
            + x.[Tensor.argmin x] * sumOf x.[Tensor.argmaxDim 0 m34]),
        xd,
        vd
        "var_std_corrections",
        (fun x ->
            let m34 = r [| 3; 4 |] x

            sumOf (Tensor.varDims [| 1 |] 0 false m34)
            + sumOf (Tensor.stdDims [| 0 |] 2 true m34)
            + sumOf (Tensor.varDims [| 0; 2 |] 1 false (r [| 2; 2; 3 |] x))
            + Tensor.stdDims [||] 0 false x
            + Tensor.varDims [||] 2 false x
            + Tensor.std x * Tensor.var x),
        xd,
        vd
        "vector_norms_1_3_inf",
        (fun x ->
            let m34 = r [| 3; 4 |] x

            Tensor.vectorNorm 1.0 [||] false x
            + sumOf (Tensor.vectorNorm 3.0 [| 1 |] false m34)
            + Tensor.vectorNorm infinity [||] false x * 2.0
            + sumOf (Tensor.vectorNorm -infinity [| 0 |] false m34)
            + sumOf (Tensor.vectorNorm infinity [| 1 |] true m34 ** 2.0)
            + sumOf (Tensor.vectorNorm 1.0 [| 0 |] false m34 ** 2.0)),
        xd,
        vd
        "vector_norms_fractional_negative_fro",
        (fun x ->
            let m34 = r [| 3; 4 |] x

            sumOf (Tensor.vectorNorm 0.5 [| 1 |] true (r [| 2; 6 |] x))
            + Tensor.vectorNorm 1.5 [||] false x ** 2.0
            + sumOf (Tensor.vectorNorm -1.5 [| 1 |] false m34)
            + Tensor.frobeniusNorm [| 0; 1 |] false m34
            + sumOf (Tensor.vectorNorm 4.0 [| 0; 2 |] false (r [| 2; 2; 3 |] x))
            + Tensor.vectorNorm 2.0 [||] false x * Tensor.vectorNorm 0.0 [||] false x),
        xd,
        vd
        "argsort_gather_topk_of_cumprod",
        (fun x ->
            let m34 = r [| 3; 4 |] x

            sumOf (x.[Tensor.argsort 0 true x] * w12)
            + sumOf (fst (Tensor.topk 3 1 (Tensor.cumprod 1 (r [| 2; 6 |] x))))
            + sumOf (Tensor.gather 1 (Tensor.argsort 1 false m34).[*, 0..1] m34 ** 2.0)),
        xd,
        vd
        "std_of_products_norm_of_sorted",
        (fun x ->
            let m34 = r [| 3; 4 |] x

            Tensor.stdDims [||] 1 false (Tensor.prodDim 1 (r [| 4; 3 |] x))
            + sumOf (Tensor.vectorNorm 3.0 [| 1 |] false (fst (Tensor.sort 1 false m34)).[*, 1..])
            + sumOf (fst (Tensor.kthvalue 1 1 (Tensor.cumprod 0 m34)))
            + Tensor.varDims [||] 0 false (fst (Tensor.topk 5 0 x))),
        x12z,
        vd
    ]

let tests =
    testList
        "reductions, sorting and searching"
        [
            productTests
            conventionTests
            errorTests
            memoryTests
            testsOf "op rules" specs
            PyTorchParity.suite "PyTorch parity" "reference_search.json" functions
        ]
