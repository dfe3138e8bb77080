/// Creation, properties, conversion, printing and indexing of tensors.
module Nabla.Tests.TensorBasics

open System
open Expecto
open Nabla
open Nabla.Tests.Check

let tests =
    testList
        "tensors"
        [
            testCase "a scalar is a 0-d float64 tensor"
            <| fun () ->
                let t = Tensor.scalar 3.5
                Expect.equal t.Shape [||] "shape"
                Expect.equal t.Dtype Dtype.Float64 "dtype"
                Expect.equal t.Device Device.Cpu "device"
                Expect.equal (Tensor.toScalar t) 3.5 "value"

            testCase "the dtype follows the .NET element type"
            <| fun () ->
                Expect.equal ((Tensor.ofArray [| 1.0; 2.0 |]).Dtype) Dtype.Float64 "float"
                Expect.equal ((Tensor.ofArray [| 1.0f; 2.0f |]).Dtype) Dtype.Float32 "float32"
                Expect.equal ((Tensor.ofArray [| 1; 2 |]).Dtype) Dtype.Int32 "int"
                Expect.equal ((Tensor.ofArray [| 1L; 2L |]).Dtype) Dtype.Int64 "int64"
                Expect.equal ((Tensor.ofArray [| true; false |]).Dtype) Dtype.Bool "bool"
                Expect.equal ((Tensor.ofSeq (seq { 1.0 .. 3.0 })).Shape) [| 3 |] "seq"
                Expect.equal ((Tensor.ofList [ 1.0f ]).Dtype) Dtype.Float32 "list"

            testCase "factories without data default to float32, as in PyTorch"
            <| fun () ->
                for t in
                    [
                        Tensor.zeros [| 2 |]
                        Tensor.ones [| 2 |]
                        Tensor.eye 2
                        Tensor.rand [| 2 |]
                        Tensor.randn [| 2 |]
                        Tensor.arange 0.0 3.0 1.0
                        Tensor.linspace 0.0 1.0 5
                        Tensor.full [| 2 |] 7.0
                    ] do
                    Expect.equal t.Dtype Dtype.Float32 (string t)

            testCase "factories take an optional dtype and device"
            <| fun () ->
                for d in
                    [
                        Dtype.Float64
                        Dtype.Float16
                        Dtype.BFloat16
                        Dtype.Int32
                        Dtype.Int64
                        Dtype.Bool
                    ] do
                    let t = Tensor.Zeros([| 2; 3 |], dtype = d, device = Device.Cpu)
                    Expect.equal t.Dtype d $"{d}"
                    Expect.equal t.Shape [| 2; 3 |] "shape"

            testCase "2-D arrays and nested lists become 2-D tensors in row-major order"
            <| fun () ->
                let a = Tensor.ofArray2D (array2D [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ])
                Expect.equal a.Shape [| 2; 3 |] "2-D array shape"
                Expect.equal (a.ToArray()) [| 1.0 .. 6.0 |] "2-D array values"
                let l = Tensor.create [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ]
                Expect.equal (l.ToArray()) (a.ToArray()) "nested lists"
                Expect.equal (Tensor.toArray2D l) (array2D [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ]) "back to float[,]"
                let cube = Tensor.create [| [| [| 1; 2 |]; [| 3; 4 |] |] |]
                Expect.equal cube.Shape [| 1; 2; 2 |] "nested arrays"
                Expect.equal cube.Dtype Dtype.Int32 "int elements"

            testCase "ragged nested data is rejected with the shape it expected"
            <| fun () -> throwsWith<ArgumentException> [ "ragged"; "[2, 2]" ] (fun () -> Tensor.create [ [ 1.0; 2.0 ]; [ 3.0 ] ] |> ignore)

            testCase "arange, linspace and eye produce the expected values"
            <| fun () ->
                Expect.equal ((Tensor.arange 0.0 5.0 2.0).ToArray()) [| 0.0; 2.0; 4.0 |] "arange"
                Expect.equal ((Tensor.linspace 0.0 1.0 3).ToArray()) [| 0.0; 0.5; 1.0 |] "linspace"
                Expect.equal ((Tensor.eye 2).ToArray()) [| 1.0; 0.0; 0.0; 1.0 |] "eye"

            testCase "Random.seed makes randn reproducible; generators are independent"
            <| fun () ->
                Random.seed 123
                let a = (Tensor.randn [| 5 |]).ToArray()
                Random.seed 123
                let b = (Tensor.randn [| 5 |]).ToArray()
                Expect.equal a b "same seed, same values"
                let g1 = (Tensor.Randn([| 5 |], generator = Random.generator 9)).ToArray()
                let g2 = (Tensor.Randn([| 5 |], generator = Random.generator 9)).ToArray()
                Expect.equal g1 g2 "same generator seed, same values"
                Expect.notEqual a g1 "a generator does not share the global sequence"

            testCase "dim, numel, toDtype and toDevice"
            <| fun () ->
                let t = Tensor.zeros [| 2; 3; 4 |]
                Expect.equal (Tensor.dim t, Tensor.numel t) (3, 24) "dim and numel"
                Expect.equal ((Tensor.toDtype Dtype.Float64 t).Dtype) Dtype.Float64 "toDtype"

                Expect.equal
                    ((Tensor.toDtype Dtype.Int64 (Tensor.ofArray [| 1.7; -1.7 |])).ToArray())
                    [| 1.0; -1.0 |]
                    "float to int truncates"

                Expect.equal ((Tensor.toDevice Device.Cpu t).Device) Device.Cpu "toDevice cpu"

            testCase "casting between float types is differentiable"
            <| fun () ->
                let g =
                    AD.grad (fun x -> Tensor.sum (Tensor.toDtype Dtype.Float32 x * 3.0)) (Tensor.ofArray [| 1.0; 2.0 |])

                Expect.equal g.Dtype Dtype.Float64 "the gradient has the input's dtype"
                Expect.equal (g.ToArray()) [| 3.0; 3.0 |] "values"

            testCase "mixed float32 and float64 operands promote, and gradients come back in each input's dtype"
            <| fun () ->
                let a = Tensor.ofArray [| 1.0f; 2.0f |]
                let b = Tensor.ofArray [| 3.0; 4.0 |]
                Expect.equal ((a * b).Dtype) Dtype.Float64 "promotion"
                let g = AD.grad (fun a -> Tensor.sum (a * b)) a
                Expect.equal g.Dtype Dtype.Float32 "cotangent cast back"
                Expect.equal (g.ToArray()) [| 3.0; 4.0 |] "values"

            testCase "printing follows PyTorch's style"
            <| fun () ->
                Expect.equal (string (Tensor.ofArray [| 1.0f; 2.0f; 3.0f |])) "tensor([1., 2., 3.])" "float32 integral"
                Expect.equal (string (Tensor.scalar 4.0)) "tensor(4., dtype=float64)" "float64 scalar"
                Expect.equal (string (Tensor.ofArray [| 0.5f; 1.25f |])) "tensor([0.5000, 1.2500])" "four decimals"
                Expect.equal (string (Tensor.ofArray [| 1L; 20L |])) "tensor([ 1, 20])" "int64"
                Expect.equal (string (Tensor.ofArray [| true; false |])) "tensor([ True, False])" "bool"
                Expect.equal (string (Tensor.create [ [ 1.0f; 2.0f ]; [ 3.0f; 4.0f ] ])) "tensor([[1., 2.],\n        [3., 4.]])" "2-D"
                Expect.stringContains (string (Tensor.zeros [| 2000 |])) "..." "large tensors are summarised"
                Expect.equal (sprintf "%A" (Tensor.scalar 1.0)) "tensor(1., dtype=float64)" "%A and FSI use the same text"

            testCase "a tensor being differentiated says so when printed"
            <| fun () ->
                let mutable seen = ""

                AD.grad
                    (fun x ->
                        seen <- string x
                        x * 2.0)
                    (Tensor.scalar 1.0)
                |> ignore

                Expect.stringContains seen "reverse-mode" "reverse"

                AD.diff
                    (fun x ->
                        seen <- string x
                        x * 2.0)
                    (Tensor.scalar 1.0)
                |> ignore

                Expect.stringContains seen "forward-mode" "forward"

            testCase "indexing and slicing follow F# ranges (end included) and negative indices"
            <| fun () ->
                let t = Tensor.create [ [ 0.0; 1.0; 2.0 ]; [ 3.0; 4.0; 5.0 ]; [ 6.0; 7.0; 8.0 ] ]
                Expect.equal (t.[1].ToArray()) [| 3.0; 4.0; 5.0 |] "row"
                Expect.equal (t.[2, 1].ToScalar()) 7.0 "element"
                Expect.equal (t.[0..1, *].Shape) [| 2; 3 |] "row range"
                Expect.equal (t.[*, 1..2].ToArray()) [| 1.0; 2.0; 4.0; 5.0; 7.0; 8.0 |] "column range"
                Expect.equal (t.[1, 1..].ToArray()) [| 4.0; 5.0 |] "fixed row, open range"
                Expect.equal ((Tensor.select 0 -1 t).ToArray()) [| 6.0; 7.0; 8.0 |] "negative index"

            testCase "split, chunk, cat and stack round-trip"
            <| fun () ->
                let t = Tensor.arange 0.0 10.0 1.0 |> Tensor.reshape [| 5; 2 |]
                let parts = Tensor.split [| 2; 3 |] 0 t
                Expect.equal (parts |> Array.map (fun p -> p.Shape)) [| [| 2; 2 |]; [| 3; 2 |] |] "split shapes"
                Expect.equal ((Tensor.cat 0 parts).ToArray()) (t.ToArray()) "cat undoes split"
                Expect.equal (Tensor.chunk 2 0 t |> Array.map (fun p -> p.Shape.[0])) [| 3; 2 |] "chunk sizes"
                Expect.equal ((Tensor.stack 0 [ t; t ]).Shape) [| 2; 5; 2 |] "stack"

            testCase "comparisons and argmax give non-differentiable results"
            <| fun () ->
                let a, b = Tensor.ofArray [| 1.0; 5.0; 3.0 |], Tensor.ofArray [| 2.0; 2.0; 3.0 |]
                Expect.equal ((Tensor.gt a b).Dtype) Dtype.Bool "bool"
                Expect.equal ((Tensor.gt a b).ToArray()) [| 0.0; 1.0; 0.0 |] "gt"
                Expect.equal ((Tensor.eq a b).ToArray()) [| 0.0; 0.0; 1.0 |] "eq"
                Expect.equal ((Tensor.le a b).ToArray()) [| 1.0; 0.0; 1.0 |] "le"
                Expect.equal ((Tensor.argmaxDim 0 a).ToScalar()) 1.0 "argmax"
                Expect.equal ((Tensor.argminDim 0 a).Dtype) Dtype.Int64 "argmin dtype"
                Expect.isTrue (Tensor.allClose 1e-5 1e-8 a (a + 1e-9)) "allClose"

            testCase "F#'s atan2, log10, floor, ceil, round and truncate work on tensors"
            <| fun () ->
                let x = Tensor.ofArray [| -1.5; -0.5; 0.5; 2.5; 2.7 |]
                let values (t: Tensor) = t.ToArray()
                Expect.equal (values (floor x)) (Array.map floor (values x)) "floor"
                Expect.equal (values (ceil x)) (Array.map ceil (values x)) "ceil"
                Expect.equal (values (round x)) (Array.map round (values x)) "round, half to even"
                Expect.equal (values (truncate x)) (Array.map truncate (values x)) "truncate"
                closeWith 1e-15 0.0 "log10" (values (log10 (abs x))) (Array.map (abs >> log10) (values x))
                closeWith 1e-15 0.0 "atan2" (values (atan2 x (Tensor.onesLike x * -1.0))) (values x |> Array.map (fun y -> atan2 y -1.0))
                // rounding is piecewise constant: zero derivative, as in PyTorch
                Expect.equal (values (AD.grad (fun x -> Tensor.sum (floor x * x)) x)) (Array.map floor (values x)) "d/dx (floor x · x)"

            testCase "maxDim's gradient goes to the chosen element; max over all splits ties"
            <| fun () ->
                let m = Tensor.create [ [ 1.0; 3.0 ]; [ 4.0; 2.0 ] ]
                Expect.equal ((AD.grad (fun x -> Tensor.sum (Tensor.maxDim 1 x)) m).ToArray()) [| 0.0; 1.0; 1.0; 0.0 |] "maxDim"
                let ties = Tensor.ofArray [| 2.0; 1.0; 2.0 |]
                Expect.equal ((AD.grad Tensor.max ties).ToArray()) [| 0.5; 0.0; 0.5 |] "ties share"

            testCase "norm at zero has a zero subgradient, not NaN"
            <| fun () ->
                Expect.equal
                    ((AD.grad Tensor.norm (Tensor.zeros [| 3 |] |> Tensor.toDtype Dtype.Float64)).ToArray())
                    [| 0.0; 0.0; 0.0 |]
                    "subgradient"

            testCase "x ** y with x = 0 has a zero exponent derivative, not NaN (as PyTorch)"
            <| fun () ->
                let g =
                    AD.grad (fun y -> Tensor.sum (Tensor.powTensor y (Tensor.ofArray [| 0.0; 2.0 |]))) (Tensor.ofArray [| 2.0; 2.0 |])

                Expect.equal (g.[0].ToScalar()) 0.0 "0 ** y"
                Expect.floatClose Accuracy.high (g.[1].ToScalar()) (4.0 * log 2.0) "2 ** y"

            testCase "dropout keeps the expected scale and is reproducible with a generator"
            <| fun () ->
                let x = Tensor.Ones([| 10000 |], dtype = Dtype.Float64)
                let y = Tensor.dropoutWith (Random.generator 1) 0.25 x
                let kept = y.ToArray() |> Array.filter (fun v -> v <> 0.0)
                Expect.allEqual kept (1.0 / 0.75) "kept values are scaled by 1/(1-p)"
                Expect.floatClose { absolute = 0.02; relative = 0.0 } (float kept.Length / 10000.0) 0.75 "about 1-p kept"
                Expect.equal ((Tensor.dropoutWith (Random.generator 1) 0.25 x).ToArray()) (y.ToArray()) "same generator seed, same mask"
                Expect.equal ((Tensor.dropout 0.0 x).ToArray()) (x.ToArray()) "p = 0 is the identity"
        ]
