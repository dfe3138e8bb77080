/// The transforms' contracts: shapes, agreement between modes, Params, vjp reuse, checkpointing,
/// deep graphs, threads.
module Nabla.Tests.Transforms

open System
open System.Threading.Tasks
open Expecto
open Nabla
open Nabla.Tests.Check

let private x3 () = Tensor.ofArray [| 0.4; -1.2; 2.0 |]

let tests =
    testList
        "transforms"
        [
            testCase "jacobian shapes are output shape ++ input shape"
            <| fun () ->
                let x = Tensor.Randn([| 2; 3 |], dtype = Dtype.Float64)

                let f (x: Tensor) =
                    Tensor.sumDim 1 (Tensor.sin x) |> Tensor.unsqueeze 0 // [1; 2]

                for name, jac in [ "jacfwd", AD.jacfwd; "jacrev", AD.jacrev; "jacobian", AD.jacobian ] do
                    Expect.equal (jac f x).Shape [| 1; 2; 2; 3 |] name

                Expect.equal (AD.jacobian Tensor.sum x).Shape [| 2; 3 |] "scalar output"

            testCase "jacobian picks either mode and agrees with both"
            <| fun () ->
                let wide (x: Tensor) =
                    Tensor.sum (x * x) |> Tensor.reshape [| 1 |]

                let tall (x: Tensor) =
                    Tensor.cat 0 [ x; Tensor.exp x; x * 2.0 ]

                let x = x3 ()

                for f in [ wide; tall ] do
                    expectTight "jacobian vs jacrev" (AD.jacobian f x) (AD.jacrev f x)
                    expectTight "jacobian vs jacfwd" (AD.jacobian f x) (AD.jacfwd f x)

            testCase "valueAndGrad returns f x alongside the gradient"
            <| fun () ->
                let v, g = AD.valueAndGrad (fun x -> Tensor.sum (x * x)) (x3 ())
                v |> expectScalar "value" (0.16 + 1.44 + 4.0)
                expectTight "gradient" g (x3 () * 2.0)

            testCase "the vjp pullback can be called many times and matches the Jacobian rows"
            <| fun () ->
                let f (x: Tensor) =
                    Tensor.stack 0 [ Tensor.sum (x * x); x.[0] * x.[1] * x.[2] ]

                let x = x3 ()
                let _, pullback = AD.vjp f x
                let j = AD.jacfwd f x

                for i in 0..1 do
                    let e = Tensor.ofArray (Array.init 2 (fun k -> if k = i then 1.0 else 0.0))
                    expectTight $"row {i}" (pullback e) j.[i]

            testCase "hvp equals the Hessian times the vector"
            <| fun () ->
                let f (x: Tensor) = Tensor.sum (Tensor.sin x * x ** 2.0)
                let x, v = x3 (), Tensor.ofArray [| 1.0; 0.5; -2.0 |]
                expectTight "H·v" (AD.hvp f x v) (Tensor.matmul (AD.hessian f x) v)

            testCase "gradParams differentiates every named tensor without flattening"
            <| fun () ->
                let p =
                    Params.ofList
                        [
                            "w", Tensor.create [ [ 1.0; 2.0 ]; [ 3.0; 4.0 ] ]
                            "b", Tensor.ofArray [| 0.5; -0.5 |]
                        ]

                let input = Tensor.ofArray [| 1.0; -1.0 |]

                let loss (p: Params) =
                    Tensor.sum (Tensor.linear p["w"] p["b"] input ** 2.0)

                let g = AD.gradParams loss p
                Expect.equal g["w"].Shape [| 2; 2 |] "w gradient shape"
                expectClose "w" g["w"] (AD.grad (fun w -> loss (Params.ofList [ "w", w; "b", p["b"] ])) p["w"])
                expectClose "b" g["b"] (AD.grad (fun b -> loss (Params.ofList [ "w", p["w"]; "b", b ])) p["b"])

            testCase "gradParams gives zeros for a parameter the loss does not use"
            <| fun () ->
                let p =
                    Params.ofList [ "used", Tensor.ofArray [| 2.0 |]; "unused", Tensor.ofArray [| 1.0; 1.0 |] ]

                let g = AD.gradParams (fun p -> Tensor.sum (p["used"] * 3.0)) p
                expectTight "unused" g["unused"] (Tensor.zerosLike p["unused"])

            testCase "Params.map2 applies an update step by name"
            <| fun () ->
                let p =
                    Params.ofList [ "a", Tensor.ofArray [| 1.0 |]; "b", Tensor.ofArray [| 2.0 |] ]

                let g = AD.gradParams (fun p -> Tensor.sum (p["a"] * p["b"])) p
                let updated = Params.map2 (fun w dw -> w - 0.1 * dw) p g
                closeWith 1e-12 1e-12 "a" (updated["a"].ToArray()) [| 0.8 |]
                closeWith 1e-12 1e-12 "b" (updated["b"].ToArray()) [| 1.9 |]

            testCase "checkpoint gives the same value and gradients"
            <| fun () ->
                let block (x: Tensor) =
                    Tensor.tanh (x * 1.5) |> Tensor.sin |> Tensor.exp

                let x = x3 ()
                let plain = AD.grad (fun x -> Tensor.sum (block (block x))) x

                let checkpointed =
                    AD.grad (fun x -> Tensor.sum (AD.checkpoint block (AD.checkpoint block x))) x

                expectTight "gradient" checkpointed plain
                let h1 = AD.hessian (fun x -> Tensor.sum (AD.checkpoint block x)) x
                expectTight "Hessian through a checkpoint" h1 (AD.hessian (fun x -> Tensor.sum (block x)) x)

            testCase "checkpoint keeps fewer tensors alive between the forward and backward passes"
            <| fun () ->
                let block (x: Tensor) =
                    Seq.fold (fun (t: Tensor) _ -> Tensor.sin t * 1.01) x [ 1..50 ]

                let liveAfterForward (useCheckpoint: bool) =
                    let mutable live = 0L

                    let f (x: Tensor) =
                        let before = Scope.liveTensorCount ()
                        let y = if useCheckpoint then AD.checkpoint block x else block x
                        live <- Scope.liveTensorCount () - before
                        Tensor.sum y

                    AD.grad f (x3 ()) |> ignore
                    live

                let plain, checkpointed = liveAfterForward false, liveAfterForward true

                Expect.isLessThan
                    (checkpointed * 10L)
                    plain
                    $"live tensors after the forward pass: {checkpointed} with checkpoint, {plain} without"

            testCase "a 100,000-op chain differentiates without a stack overflow"
            <| fun () ->
                let chain (x: Tensor) =
                    Seq.fold (fun (t: Tensor) _ -> t * 1.00001) x [ 1..100_000 ]

                let g = AD.grad chain (Tensor.scalar 1.0)
                g |> expectScalar "d/dx x·c^n" (1.00001 ** 100000.0)

            testCase "transforms run concurrently on several threads without interfering"
            <| fun () ->
                let work (k: int) =
                    let a = float k
                    let g = AD.grad (fun x -> Tensor.sum (Tensor.sin (x * a))) (x3 ())
                    let expected = (x3 ()).ToArray() |> Array.map (fun x -> a * cos (a * x))
                    closeWith 1e-12 1e-12 $"thread {k}" (g.ToArray()) expected

                Parallel.For(1, 33, (fun k -> work k)) |> ignore

            testCase "a graph can be swept twice (the pullback is pure)"
            <| fun () ->
                let y, pullback = AD.vjp (fun x -> Tensor.exp x * 2.0) (x3 ())
                let once = pullback (Tensor.onesLike y)
                let twice = pullback (Tensor.onesLike y)
                expectTight "same cotangent twice" twice once

            testCase "functions with ordinary if and loops (dynamic graphs) differentiate"
            <| fun () ->
                let f (x: Tensor) =
                    let mutable y = x
                    let mutable steps = 0

                    while (Tensor.sum y).ToScalar() < 10.0 && steps < 20 do
                        y <- if steps % 2 = 0 then y * 2.0 else y + 1.0
                        steps <- steps + 1

                    Tensor.sum y
                // x = [1, 1]: 2,2 → 3,3 → 6,6 (sum 12): y = 2(2x + 1)
                closeWith 1e-12 1e-12 "gradient" ((AD.grad f (Tensor.ofArray [| 1.0; 1.0 |])).ToArray()) [| 4.0; 4.0 |]

            testCase "GradCheck passes on a correct function and reports its error"
            <| fun () ->
                let r = GradCheck.check (fun x -> Tensor.logSoftmax 0 x * Tensor.sigmoid x) (x3 ())
                Expect.isTrue r.Passed $"passed (max abs error {r.MaxAbsoluteError})"
                Expect.isLessThan r.MaxAbsoluteError 1e-7 "error of central differences in float64"

            testCase "GradCheck fails on a function whose derivative is wrong"
            <| fun () ->
                // stopGradient makes AD see x·c where the true function is x²
                let r = GradCheck.check (fun x -> x * Tensor.stopGradient x) (x3 ())
                Expect.isFalse r.Passed "a wrong derivative must be caught"
                Expect.isGreaterThan r.MaxAbsoluteError 0.1 "the error is reported"

            testCase "Numerical.grad agrees with AD.grad"
            <| fun () ->
                let f (x: Tensor) = Tensor.sum (Tensor.exp x * x)
                expectClose "gradient" (AD.grad f (x3 ())) (Numerical.grad f (x3 ()))
        ]
