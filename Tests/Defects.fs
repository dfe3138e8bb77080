/// The defects a review of the core found, one test list each; every test here failed before its fix.
module Nabla.Tests.Defects

open System
open System.Collections.Generic
open Expecto
open Nabla
open Nabla.Tests.Check

let private f32 (shape: int[]) =
    Tensor.Randn(shape, dtype = Dtype.Float32)

let private f64 (shape: int[]) =
    Tensor.Randn(shape, dtype = Dtype.Float64)

let private inf = Double.PositiveInfinity

/// Mixed float32/float64 operands promote to float64, as PyTorch's binary ops do, in every op
/// that needs one dtype; no native entry point sees operands it would crash on.
let promotionTests =
    testList
        "mixed dtypes promote, and never reach LibTorch unchecked"
        [
            testCase "rank-3 float32 times 2-D float64 (which terminated the process) is a float64 product"
            <| fun () ->
                let a = f32 [| 2; 3; 4 |]
                let m = Tensor.ofArray2D (Array2D.init 4 5 (fun i j -> float (i - j)))
                let y = Tensor.matmul a m
                Expect.equal (y.Shape, y.Dtype) ([| 2; 3; 5 |], Dtype.Float64) "shape and dtype"
                expectClose "value" y (Tensor.matmul (Tensor.toDtype Dtype.Float64 a) m)

            testCase "matmul, linear, conv2d, cat, stack and where promote float32 with float64 alike"
            <| fun () ->
                let check (what: string) (y: Tensor) = Expect.equal y.Dtype Dtype.Float64 what
                check "matmul 2-D" (Tensor.matmul (f32 [| 2; 3 |]) (f64 [| 3; 2 |]))
                check "matmul batched" (Tensor.matmul (f64 [| 2; 2; 3 |]) (f32 [| 2; 3; 2 |]))
                check "matmul with a vector" (Tensor.matmul (f32 [| 2; 3; 4 |]) (f64 [| 4 |]))
                check "linear" (Tensor.linear (f64 [| 2; 3 |]) (f32 [| 2 |]) (f32 [| 5; 3 |]))
                check "conv2d" ((f32 [| 1; 1; 4; 4 |]).Conv2d(f64 [| 1; 1; 3; 3 |]))
                check "cat" (Tensor.cat 0 [ f32 [| 2 |]; f64 [| 3 |] ])
                check "stack" (Tensor.stack 0 [ f32 [| 2 |]; f64 [| 2 |] ])
                check "where" (Tensor.where (Tensor.gt (f32 [| 3 |]) (f32 [| 3 |])) (f32 [| 3 |]) (f64 [| 3 |]))
                check "add" (f32 [| 3 |] + f64 [| 3 |])

            testCase "gradients through a promoting op have each input's own dtype"
            <| fun () ->
                let w = f64 [| 4; 2 |]
                let g = AD.grad (fun a -> Tensor.sum (Tensor.matmul a w)) (f32 [| 2; 3; 4 |])
                Expect.equal (g.Shape, g.Dtype) ([| 2; 3; 4 |], Dtype.Float32) "float32 gradient for the float32 input"

            testCase "integer and bool matrices multiply or fail with an error naming matmul, never a crash"
            <| fun () ->
                let ints = Tensor.ofArray [| 1L; 2L; 3L; 4L |] |> Tensor.reshape [| 2; 2 |]
                let batch = Tensor.ofArray [| 1L .. 8L |] |> Tensor.reshape [| 2; 2; 2 |]
                Expect.equal (Tensor.matmul batch ints).Shape [| 2; 2; 2 |] "int64 batched product"

                let bools =
                    Tensor.ofArray [| true; false; true; true; false; true; true; false |]
                    |> Tensor.reshape [| 2; 2; 2 |]

                try
                    Tensor.matmul bools bools |> ignore
                with :? ArgumentException as e ->
                    Expect.stringContains e.Message "matmul" "names the op"
        ]

/// Scope.run walks every result type it understands and keeps everything for one it does not.
let scopeTests =
    testList
        "Scope.run keeps what its result holds"
        [
            let t = Tensor.ofArray [| 1.0; 2.0 |]

            let alive (what: string) (x: Tensor) =
                Expect.equal (x.ToArray()) [| 2.0; 4.0 |] what

            testCase "a map of tensors (whose tensor was freed before)"
            <| fun () ->
                let m = Scope.run (fun () -> Map.ofList [ "a", t * 2.0 ])
                alive "map value" m["a"]

            testCase "dictionaries, key-value pairs, sets of tuples, resize arrays"
            <| fun () ->
                let d = Scope.run (fun () -> Dictionary<string, Tensor>(dict [ "a", t * 2.0 ]))
                alive "dictionary value" d["a"]
                let kv = Scope.run (fun () -> KeyValuePair("k", t * 2.0))
                alive "key-value pair" kv.Value
                let r = Scope.run (fun () -> ResizeArray [ t * 2.0 ])
                alive "ResizeArray" r[0]

            testCase "tuples of any size, struct tuples, records, unions and options"
            <| fun () ->
                let (_, _, _, _, _, _, _, eighth) =
                    Scope.run (fun () -> 1, 2, 3, 4, 5, 6, 7, t * 2.0)

                alive "8-tuple" eighth
                let struct (_, s) = Scope.run (fun () -> struct (0, t * 2.0))
                alive "struct tuple" s
                let o = Scope.run (fun () -> Some [| t * 2.0 |])
                alive "option of an array" o.Value[0]
                let c = Scope.run (fun () -> Choice1Of2(t * 2.0): Choice<Tensor, int>)

                match c with
                | Choice1Of2 x -> alive "union case" x
                | _ -> failtest "union"

                let r = Scope.run (fun () -> {| Loss = t * 2.0; Step = 3 |})
                alive "anonymous record" r.Loss

            testCase "an object of another class keeps every tensor the body made"
            <| fun () ->
                let box = Scope.run (fun () -> Lazy<Tensor>.CreateFromValue(t * 2.0))
                alive "lazy value" box.Value

                let q =
                    Scope.run (fun () ->
                        let q = Queue<Tensor>() in
                        q.Enqueue(t * 2.0)
                        q)

                alive "queue" (q.Dequeue())

            testCase "an infinite lazy sequence is returned at once and keeps the tensors it closes over"
            <| fun () ->
                let task =
                    Threading.Tasks.Task.Run(fun () -> Scope.run (fun () -> let y = t * 2.0 in Seq.initInfinite (fun _ -> y)))

                Expect.isTrue (task.Wait(TimeSpan.FromSeconds 20.0)) "Scope.run returned"
                alive "first element" (Seq.head task.Result)

            testCase "a closure keeps the tensors it captures"
            <| fun () ->
                let f = Scope.run (fun () -> let y = t * 2.0 in fun () -> y)
                alive "captured" (f ())

            testCase "a known result frees everything else, in a cyclic structure too"
            <| fun () ->
                let before = Scope.liveTensorCount ()

                let m =
                    Scope.run (fun () -> let _ = Tensor.exp t in Map.ofList [ 1, [ Some(t * 2.0) ] ])

                Expect.equal (Scope.liveTensorCount () - before) 1L "only the map's tensor is alive"
                alive "value" m[1].Head.Value
        ]

/// trace [[1, inf], [0, 1]] is 2 in PyTorch: no rule may multiply a value by a 0/1 mask.
let infinityTests =
    testList
        "values next to infinities"
        [
            let m = Tensor.create [ [ 1.0; inf ]; [ 0.0; 1.0 ] ]

            testCase "trace, diag, diagonal, tril and triu select instead of multiplying by a mask"
            <| fun () ->
                expectScalar "trace" 2.0 (Tensor.trace m)
                Expect.equal ((Tensor.diag m).ToArray()) [| 1.0; 1.0 |] "diag of a matrix"
                Expect.equal ((Tensor.diagonal m).ToArray()) [| 1.0; 1.0 |] "diagonal"
                Expect.equal ((Tensor.diag (Tensor.ofArray [| inf; 2.0 |])).ToArray()) [| inf; 0.0; 0.0; 2.0 |] "diag of a vector"
                Expect.equal ((Tensor.tril 0 m).ToArray()) [| 1.0; 0.0; 0.0; 1.0 |] "tril"
                Expect.equal ((Tensor.triu 0 (Tensor.transpose 0 1 m)).ToArray()) [| 1.0; 0.0; 0.0; 1.0 |] "triu"

            testCase "padding with an infinite value writes it, and leaves the inside alone"
            <| fun () -> Expect.equal ((Tensor.pad [| (1, 1) |] -inf (Tensor.ofArray [| 2.0 |])).ToArray()) [| -inf; 2.0; -inf |] "pad"

            testCase "an infinite cotangent through a zero relu output gives 0, as PyTorch's"
            <| fun () ->
                // d/dx log(relu x) at x = -1: log's cotangent is 1/0 = inf, relu's derivative there is 0
                let g =
                    AD.grad (fun x -> Tensor.sum (Tensor.log (Tensor.relu x))) (Tensor.ofArray [| -1.0; 2.0 |])

                Expect.equal (g.ToArray()) [| 0.0; 0.5 |] "gradient"

            testCase "an infinite cotangent does not leak into the losing side of maximum, amax or leakyRelu 0"
            <| fun () ->
                let other = Tensor.ofArray [| 0.0; 0.0 |]

                let g =
                    AD.grad (fun x -> Tensor.sum (Tensor.log (Tensor.maximum x other))) (Tensor.ofArray [| -1.0; 2.0 |])

                Expect.equal (g.ToArray()) [| 0.0; 0.5 |] "maximum"

                let h =
                    AD.grad (fun x -> Tensor.log (Tensor.max x - 3.0)) (Tensor.ofArray [| 1.0; 3.0 |])

                Expect.equal (h.ToArray()) [| 0.0; inf |] "max over all elements"

                let k =
                    AD.grad (fun x -> Tensor.sum (Tensor.log (Tensor.leakyRelu 0.0 x))) (Tensor.ofArray [| -1.0; 2.0 |])

                Expect.equal (k.ToArray()) [| 0.0; 0.5 |] "leakyRelu with slope 0"

            testCase "the finiteness check reads the values of views at their offset"
            <| fun () ->
                let raw (t: Tensor) = t.Raw()

                for dtype in [ Dtype.Float32; Dtype.Float64; Dtype.Float16 ] do
                    let t =
                        Tensor.Create([ 1.0; inf; 2.0; 3.0; 4.0; 5.0; 6.0; 7.0; 8.0; 9.0; 10.0 ], dtype = dtype)

                    Expect.isFalse (Raw.allFinite (raw t)) $"{dtype}: the whole tensor"
                    Expect.isTrue (Raw.allFinite (raw (Tensor.narrow 0 2 9 t))) $"{dtype}: a contiguous slice after the inf"
                    Expect.isFalse (Raw.allFinite (raw (Tensor.narrow 0 1 3 t))) $"{dtype}: a slice with it"
                    Expect.isTrue (Raw.allFinite (raw (Tensor.slice 0 0 11 2 t))) $"{dtype}: a strided view without it"

                    let withNan =
                        Tensor.Create([ 1.0; 2.0; 3.0; 4.0; 5.0; 6.0; 7.0; 8.0; 9.0; nan ], dtype = dtype)

                    Expect.isFalse (Raw.allFinite (raw withNan)) $"{dtype}: a NaN in the tail"

            testCase "the gradient of trace and diag next to an infinity is finite"
            <| fun () ->
                let g = AD.grad Tensor.trace m
                Expect.equal (g.ToArray()) [| 1.0; 0.0; 0.0; 1.0 |] "d trace / dm"
        ]

/// PyTorch's values (Tests/PyTorch/pow_edges.py): (a, b, a ** b, d/da with a tensor exponent,
/// d/db, d/da with a float exponent).
let private powTable =
    [
        0.0, 0.0, 1.0, 0.0, 0.0, 0.0
        0.0, 1.0, 0.0, 1.0, 0.0, 1.0
        0.0, 2.0, 0.0, 0.0, 0.0, 0.0
        0.0, 0.5, 0.0, inf, 0.0, inf
        0.0, -1.0, inf, -inf, -inf, -inf
        0.0, 3.0, 0.0, 0.0, 0.0, 0.0
        -2.0, 0.0, 1.0, 0.0, nan, 0.0
        -2.0, 1.0, -2.0, 1.0, nan, 1.0
        -2.0, 2.0, 4.0, -4.0, nan, -4.0
        -2.0, 0.5, nan, nan, nan, nan
        -2.0, -1.0, -0.5, -0.25, nan, -0.25
        -2.0, 3.0, -8.0, 12.0, nan, 12.0
        2.0, 0.0, 1.0, 0.0, 0.6931471805599453, 0.0
        2.0, 1.0, 2.0, 1.0, 1.3862943611198906, 1.0
        2.0, 2.0, 4.0, 4.0, 2.772588722239781, 4.0
        2.0, 0.5, 1.4142135623730951, 0.3535533905932738, 0.9802581434685472, 0.35355339059327373
        2.0, -1.0, 0.5, -0.25, 0.34657359027997264, -0.25
        2.0, 3.0, 8.0, 12.0, 5.545177444479562, 12.0
        -0.5, 0.0, 1.0, 0.0, nan, 0.0
        -0.5, 1.0, -0.5, 1.0, nan, 1.0
        -0.5, 2.0, 0.25, -1.0, nan, -1.0
        -0.5, 0.5, nan, nan, nan, nan
        -0.5, -1.0, -2.0, -4.0, nan, -4.0
        -0.5, 3.0, -0.125, 0.75, nan, 0.75
    ]

let powTests =
    testList
        "pow at the edges agrees with PyTorch"
        [
            testCase "x ** 0 at x = 0 has derivative 0 (was NaN)"
            <| fun () ->
                expectScalar "tensor exponent" 0.0 (AD.grad (fun x -> x ** Tensor.scalar 0.0) (Tensor.scalar 0.0))
                expectScalar "float exponent" 0.0 (AD.grad (fun x -> x ** 0.0) (Tensor.scalar 0.0))
                expectScalar "second derivative" 0.0 (AD.diffn 2 (fun x -> x ** Tensor.scalar 0.0) (Tensor.scalar 0.0))
            for a, b, value, dBase, dExponent, dBaseFloat in powTable do
                testCase $"a = {a}, b = {b}"
                <| fun () ->
                    let same = closeWith 1e-12 1e-12
                    let x, y = Tensor.scalar a, Tensor.scalar b
                    same "a ** b" [| (x ** y).ToScalar() |] [| value |]
                    same "d/da (tensor exponent)" [| (AD.grad (fun x -> x ** y) x).ToScalar() |] [| dBase |]
                    same "d/db" [| (AD.grad (fun y -> x ** y) y).ToScalar() |] [| dExponent |]
                    same "d/da (float exponent)" [| (AD.grad (fun x -> x ** b) x).ToScalar() |] [| dBaseFloat |]
                    same "forward mode d/da" [| (AD.diff (fun x -> x ** y) x).ToScalar() |] [| dBase |]
        ]

let cotangentDtypeTests =
    testList
        "gradients have their input's dtype"
        [
            testCase "a float64 cotangent for a float32 output gives a float32 gradient"
            <| fun () ->
                let x = f32 [| 3 |]
                let _, pullback = AD.vjp Tensor.sin x
                let g = pullback (Tensor.ones [| 3 |] |> Tensor.toDtype Dtype.Float64)
                Expect.equal g.Dtype Dtype.Float32 "dtype"
                expectClose "value" (Tensor.toDtype Dtype.Float64 g) (Tensor.toDtype Dtype.Float64 (Tensor.cos x))

            testCase "gradParams of float32 and float64 parameters through mixed ops"
            <| fun () ->
                let p = Params.ofList [ "a", f32 [| 2 |]; "b", f64 [| 2 |] ]
                let g = AD.gradParams (fun p -> Tensor.sum (p["a"] * p["b"])) p
                Expect.equal (g["a"].Dtype, g["b"].Dtype) (Dtype.Float32, Dtype.Float64) "each its own dtype"
        ]

let zeroSizeTests =
    testList
        "shapes with a zero dimension"
        [
            testCase "[0, 1] and [0, 5] broadcast, and the gradient of the [0, 1] input has its shape"
            <| fun () ->
                let b = Tensor.Zeros([| 0; 5 |], dtype = Dtype.Float64)

                let g =
                    AD.grad (fun a -> Tensor.sum (a * b)) (Tensor.Zeros([| 0; 1 |], dtype = Dtype.Float64))

                Expect.equal g.Shape [| 0; 1 |] "shape of the gradient"

                let g2 =
                    AD.grad (fun a -> Tensor.sum (a + b)) (Tensor.Zeros([| 1; 5 |], dtype = Dtype.Float64))

                Expect.equal g2.Shape [| 1; 5 |] "a [1, 5] input summed over the empty dimension"
                Expect.equal (g2.ToArray()) (Array.zeroCreate 5) "zeros"

            testCase "forward mode keeps the broadcast output's shape"
            <| fun () ->
                let b = Tensor.Zeros([| 0; 5 |], dtype = Dtype.Float64)
                let a = Tensor.Zeros([| 0; 1 |], dtype = Dtype.Float64)
                let y, t = AD.jvp (fun a -> a * b) a a
                Expect.equal (y.Shape, t.Shape) ([| 0; 5 |], [| 0; 5 |]) "value and tangent"
        ]

let errorTests =
    testList
        "errors name the op, and keep their stack"
        [
            testCase "stack along a dimension out of range names stack and the valid range"
            <| fun () ->
                throwsWith<ArgumentOutOfRangeException> [ "stack"; "dimension 5"; "-2 .. 1" ] (fun () ->
                    Tensor.stack 5 [ f64 [| 2 |]; f64 [| 2 |] ] |> ignore)

            testCase "select out of range is an ArgumentOutOfRangeException with the valid range"
            <| fun () ->
                throwsWith<ArgumentOutOfRangeException> [ "select"; "index 3"; "-3 .. 2" ] (fun () ->
                    Tensor.select 0 3 (f64 [| 3 |]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "index"; "index -4" ] (fun () -> (f64 [| 3 |]).[-4] |> ignore)

            testCase "a 0-d tensor has no dimension 0"
            <| fun () ->
                throwsWith<ArgumentOutOfRangeException> [ "sum"; "0-d tensor has no dimensions" ] (fun () ->
                    Tensor.sumDim 0 (Tensor.scalar 1.0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "softmax"; "rank 0" ] (fun () -> Tensor.softmax 0 (Tensor.scalar 1.0) |> ignore)

            testCase "where and maximum name themselves"
            <| fun () ->
                throwsWith<ArgumentException> [ "where"; "[2]"; "[3]" ] (fun () ->
                    Tensor.where (Tensor.gt (f64 [| 2 |]) (f64 [| 2 |])) (f64 [| 3 |]) (f64 [| 3 |])
                    |> ignore)

                throwsWith<ArgumentException> [ "maximum"; "[2]"; "[3]" ] (fun () -> Tensor.maximum (f64 [| 2 |]) (f64 [| 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "maximum" ] (fun () ->
                    AD.grad (fun x -> Tensor.sum (Tensor.maximum x (f64 [| 3 |]))) (f64 [| 2 |])
                    |> ignore)

            testCase "an exception thrown by user code inside an op keeps its stack trace"
            <| fun () ->
                // A user-defined op's primal runs inside the guard that translates LibTorch's errors;
                // other exceptions must pass through it unchanged, stack trace included.
                let failing =
                    Op.define1 "failing" (fun _ -> raise (InvalidOperationException "user failure")) (fun _ _ d -> d) (fun _ _ g -> g)

                try
                    AD.grad (fun x -> Tensor.sum (failing x)) (f64 [| 2 |]) |> ignore
                    failtest "expected an exception"
                with :? InvalidOperationException as e ->
                    Expect.equal e.Message "user failure" "the user's own exception"
                    let top = e.StackTrace.Split('\n')[0]
                    Expect.stringContains top "Defects.fs" "the first frame is still the user's code that threw"

            testCase "LibTorch's messages lose their C++ context"
            <| fun () ->
                let idx = Tensor.ofArray [| 7L |]

                try
                    Tensor.gather 0 idx (f64 [| 3 |]) |> ignore
                    failtest "expected an exception"
                with :? ArgumentException as e ->
                    Expect.stringContains e.Message "gather" "names the op"
                    Expect.isFalse (e.Message.Contains "Exception raised from") "no C++ context"
        ]

let tests =
    testList
        "review defects"
        [
            promotionTests
            scopeTests
            infinityTests
            powTests
            cotangentDtypeTests
            zeroSizeTests
            errorTests
        ]
