/// Bad input gets a .NET exception naming the op, the shapes or dtypes and the fix; never a crash.
module Nabla.Tests.Errors

open System
open Expecto
open Nabla
open Nabla.Tests.Check

let private f64 (shape: int[]) =
    Tensor.Zeros(shape, dtype = Dtype.Float64)

let tests =
    testList
        "errors"
        [
            testCase "matmul with mismatched shapes throws (LibTorch would terminate the process)"
            <| fun () ->
                throwsWith<ArgumentException> [ "matmul"; "[2, 3]"; "[4, 5]" ] (fun () ->
                    Tensor.matmul (f64 [| 2; 3 |]) (f64 [| 4; 5 |]) |> ignore)

                throwsWith<ArgumentException> [ "matmul"; "[3]"; "[4]" ] (fun () -> Tensor.matmul (f64 [| 3 |]) (f64 [| 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "matmul"; "batch" ] (fun () ->
                    Tensor.matmul (f64 [| 2; 2; 3 |]) (f64 [| 3; 3; 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "matmul"; "scalar" ] (fun () -> Tensor.matmul (f64 [||]) (f64 [| 3 |]) |> ignore)

            testCase "matmul shape errors are also caught inside transforms"
            <| fun () ->
                throwsWith<ArgumentException> [ "matmul" ] (fun () ->
                    AD.grad (fun x -> Tensor.sum (Tensor.matmul x (f64 [| 4; 5 |]))) (f64 [| 2; 3 |])
                    |> ignore)

            testCase "elementwise ops on shapes that do not broadcast name both shapes"
            <| fun () ->
                throwsWith<ArgumentException> [ "add"; "[2, 3]"; "[4]" ] (fun () -> f64 [| 2; 3 |] + f64 [| 4 |] |> ignore)
                throwsWith<ArgumentException> [ "mul" ] (fun () -> AD.grad (fun x -> Tensor.sum (x * f64 [| 5 |])) (f64 [| 3 |]) |> ignore)

            testCase "reshape to an incompatible shape names both shapes"
            <| fun () ->
                throwsWith<ArgumentException> [ "reshape"; "[2, 3]"; "[4]" ] (fun () -> Tensor.reshape [| 4 |] (f64 [| 2; 3 |]) |> ignore)

            testCase "a dimension out of range names the op and the valid range"
            <| fun () ->
                throwsWith<ArgumentOutOfRangeException> [ "sum"; "rank 2" ] (fun () -> Tensor.sumDim 5 (f64 [| 2; 3 |]) |> ignore)
                throwsWith<ArgumentOutOfRangeException> [ "softmax" ] (fun () -> Tensor.softmax 2 (f64 [| 2; 3 |]) |> ignore)
                throwsWith<ArgumentOutOfRangeException> [ "select"; "index 3" ] (fun () -> Tensor.select 0 3 (f64 [| 2; 3 |]) |> ignore)

            testCase "linear, conv2d, cat and gather check their shapes"
            <| fun () ->
                throwsWith<ArgumentException> [ "linear"; "[4, 3]"; "[2, 5]" ] (fun () ->
                    Tensor.linear (f64 [| 2; 5 |]) (f64 [| 2 |]) (f64 [| 4; 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "conv2d"; "channels" ] (fun () ->
                    Tensor.conv2d (f64 [| 1; 3; 2; 2 |]) (f64 [| 1; 2; 5; 5 |]) |> ignore)

                throwsWith<ArgumentException> [ "conv2d"; "4-D" ] (fun () ->
                    Tensor.conv2d (f64 [| 1; 1; 2; 2 |]) (f64 [| 5; 5 |]) |> ignore)

                throwsWith<ArgumentException> [ "maxPool2d"; "larger than" ] (fun () -> Tensor.maxPool2d 5 (f64 [| 1; 1; 4; 4 |]) |> ignore)
                throwsWith<ArgumentException> [ "avgPool2d"; "larger than" ] (fun () -> Tensor.avgPool2d 3 (f64 [| 1; 1; 2; 8 |]) |> ignore)

                throwsWith<ArgumentException> [ "conv2d"; "larger than" ] (fun () ->
                    Tensor.conv2d (f64 [| 1; 1; 5; 5 |]) (f64 [| 1; 1; 4; 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "cat"; "[2, 3]"; "[2, 4]" ] (fun () ->
                    Tensor.cat 0 [ f64 [| 2; 3 |]; f64 [| 2; 4 |] ] |> ignore)

                throwsWith<ArgumentException> [ "gather"; "int64" ] (fun () -> Tensor.gather 0 (f64 [| 2 |]) (f64 [| 3 |]) |> ignore)

            testCase "outer, diag, trace, tril, flip, amax and cumsum check ranks and dimensions"
            <| fun () ->
                throwsWith<ArgumentException> [ "outer"; "1-D"; "[2, 2]" ] (fun () -> Tensor.outer (f64 [| 2; 2 |]) (f64 [| 3 |]) |> ignore)
                throwsWith<ArgumentException> [ "diag"; "[2, 2, 2]" ] (fun () -> Tensor.diag (f64 [| 2; 2; 2 |]) |> ignore)
                throwsWith<ArgumentException> [ "trace"; "2-D"; "[3]" ] (fun () -> Tensor.trace (f64 [| 3 |]) |> ignore)
                throwsWith<ArgumentException> [ "tril"; "at least 2"; "[3]" ] (fun () -> Tensor.tril 0 (f64 [| 3 |]) |> ignore)
                throwsWith<ArgumentOutOfRangeException> [ "flip"; "rank 2" ] (fun () -> Tensor.flip [| 2 |] (f64 [| 2; 3 |]) |> ignore)
                throwsWith<ArgumentOutOfRangeException> [ "cumsum"; "rank 1" ] (fun () -> Tensor.cumsum 1 (f64 [| 3 |]) |> ignore)
                throwsWith<ArgumentException> [ "amax"; "empty"; "[2, 0]" ] (fun () -> Tensor.amax [| 1 |] false (f64 [| 2; 0 |]) |> ignore)

            testCase "LibTorch's own errors are wrapped with the op's name and inputs"
            <| fun () ->
                let idx = Tensor.ofArray [| 7L |]
                throwsWith<ArgumentException> [ "gather"; "LibTorch rejected" ] (fun () -> Tensor.gather 0 idx (f64 [| 3 |]) |> ignore)

            testCase "differentiating with respect to an integer tensor is refused"
            <| fun () ->
                throwsWith<ArgumentException> [ "AD.grad"; "int64"; "toDtype" ] (fun () ->
                    AD.grad Tensor.sum (Tensor.ofArray [| 1L; 2L |]) |> ignore)

                throwsWith<ArgumentException> [ "AD.jvp"; "int32" ] (fun () ->
                    AD.jvp id (Tensor.ofArray [| 1; 2 |]) (Tensor.ofArray [| 1; 2 |]) |> ignore)

            testCase "grad of a non-scalar function says how to reduce it"
            <| fun () ->
                throwsWith<ArgumentException> [ "AD.grad"; "scalar"; "[3]"; "Tensor.sum" ] (fun () ->
                    AD.grad Tensor.sin (f64 [| 3 |]) |> ignore)

            testCase "jvp and vjp check the shapes of tangents and cotangents"
            <| fun () ->
                throwsWith<ArgumentException> [ "AD.jvp"; "[3]"; "[2]" ] (fun () -> AD.jvp Tensor.sin (f64 [| 3 |]) (f64 [| 2 |]) |> ignore)
                let _, pullback = AD.vjp Tensor.sin (f64 [| 3 |])
                throwsWith<ArgumentException> [ "AD.vjp"; "[3]"; "[4]" ] (fun () -> pullback (f64 [| 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "AD.jvp"; "dtype" ] (fun () ->
                    AD.jvp Tensor.sin (f64 [| 3 |]) (Tensor.zeros [| 3 |]) |> ignore)

            testCase "a CUDA device on this CPU build gives a clear error"
            <| fun () ->
                throwsWith<NotSupportedException> [ "cuda:0"; "CUDA is not available"; "Device.Cpu" ] (fun () ->
                    Tensor.Zeros([| 2 |], device = Device.Cuda 0) |> ignore)

                throwsWith<NotSupportedException> [ "cuda:1" ] (fun () -> Tensor.toDevice (Device.Cuda 1) (f64 [| 2 |]) |> ignore)
                Expect.equal (Device.Parse "cuda:2") (Device.Cuda 2) "parse"
                throwsWith<ArgumentException> [ "Device.Parse"; "gpu" ] (fun () -> Device.Parse "gpu" |> ignore)

            testCase "a tensor used after its scope ended raises ObjectDisposedException naming the cause"
            <| fun () ->
                let mutable leaked = Unchecked.defaultof<Tensor>
                Scope.run (fun () -> leaked <- Tensor.ones [| 3 |] * 2.0) |> ignore
                throwsWith<ObjectDisposedException> [ "exp"; "freed"; "scope" ] (fun () -> Tensor.exp leaked |> ignore)
                throwsWith<ObjectDisposedException> [ "add"; "freed" ] (fun () -> leaked + leaked |> ignore)

            testCase "a perturbation escaping its transform is detected"
            <| fun () ->
                let mutable leaked = Unchecked.defaultof<Tensor>

                AD.grad
                    (fun x ->
                        leaked <- x
                        x * 2.0)
                    (Tensor.scalar 1.0)
                |> ignore

                throwsWith<InvalidOperationException> [ "mul"; "escaped" ] (fun () ->
                    AD.grad (fun _ -> leaked * 3.0) (Tensor.scalar 1.0) |> ignore)

                throwsWith<InvalidOperationException> [ "sin"; "escaped" ] (fun () -> Tensor.sin leaked |> ignore)

            testCase "forward-mode and reverse-mode values of the same tag cannot meet"
            <| fun () ->
                // Only a value leaked out of its transform can do this; the engine refuses instead of mixing modes.
                let x = f64 [| 2 |]

                Tags.run (fun tag ->
                    let forward = Dual(x, Tensor.onesLike x, tag)
                    let reverse = Node(x, GraphNode.Leaf(), tag)

                    throwsWith<InvalidOperationException> [ "mul"; "forward-mode and reverse-mode" ] (fun () ->
                        forward * reverse |> ignore)

                    throwsWith<InvalidOperationException> [ "cat"; "forward-mode and reverse-mode" ] (fun () ->
                        Tensor.cat 0 [ forward; reverse ] |> ignore))

            testCase "Params reject duplicate names and report unknown ones"
            <| fun () ->
                throwsWith<ArgumentException> [ "'w'"; "twice" ] (fun () -> Params.ofList [ "w", f64 [| 1 |]; "w", f64 [| 1 |] ] |> ignore)

                throwsWith<Collections.Generic.KeyNotFoundException> [ "'v'"; "w" ] (fun () ->
                    (Params.ofList [ "w", f64 [| 1 |] ])["v"] |> ignore)

            testCase "toScalar on a multi-element tensor says how to reduce it"
            <| fun () -> throwsWith<InvalidOperationException> [ "toScalar"; "[3]" ] (fun () -> Tensor.toScalar (f64 [| 3 |]) |> ignore)
        ]
