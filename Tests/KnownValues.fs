/// Derivatives with known closed forms: the seed walkthrough, Rosenbrock, higher derivatives of
/// sin, nested derivatives and the classic perturbation-confusion examples.
module Nabla.Tests.KnownValues

open System
open Expecto
open Nabla
open Nabla.Tests.Check

let private s (x: float) = Tensor.scalar x

let rosenbrock (v: Tensor) =
    let a, b = v.[0], v.[1]
    (1.0 - a) ** 2.0 + 100.0 * (b - a * a) ** 2.0

let seedTests =
    testList
        "the seed walkthrough"
        [
            testCase "z = x**2 + y**3 + 5 has dz/dx = 4 and dz/dy = 27 at x = 2, y = 3"
            <| fun () ->
                let z (x: Tensor) (y: Tensor) = x ** 2.0 + y ** 3.0 + 5.0
                AD.grad (fun x -> z x (s 3.0)) (s 2.0) |> expectScalar "dz/dx" 4.0
                AD.grad (fun y -> z (s 2.0) y) (s 3.0) |> expectScalar "dz/dy" 27.0

            testCase "gradParams gives both partial derivatives of the seed at once"
            <| fun () ->
                let p = Params.ofList [ "x", s 2.0; "y", s 3.0 ]

                let value, g =
                    AD.valueAndGradParams (fun p -> p["x"] ** 2.0 + p["y"] ** 3.0 + 5.0) p

                value |> expectScalar "z" 36.0
                g["x"] |> expectScalar "dz/dx" 4.0
                g["y"] |> expectScalar "dz/dy" 27.0
                Expect.equal g.Names [| "x"; "y" |] "gradient names follow the parameters"

            testCase "the seed also works in float32, the default dtype of factories"
            <| fun () ->
                let x = Tensor.Full([||], 2.0)
                Expect.equal x.Dtype Dtype.Float32 "float32"
                let g = AD.grad (fun x -> x ** 2.0 + 5.0) x
                Expect.equal g.Dtype Dtype.Float32 "gradient keeps the dtype"
                Expect.floatClose Accuracy.high (g.ToScalar()) 4.0 "dz/dx"

            testCase "grad (fun x -> x * x) at 3 is 6"
            <| fun () -> AD.grad (fun x -> x * x) (s 3.0) |> expectScalar "d(x²)/dx" 6.0
        ]

let analyticTests =
    testList
        "analytic derivatives"
        [
            testCase "Rosenbrock's gradient matches the closed form"
            <| fun () ->
                for a, b in [ 1.5, 2.0; -0.3, 0.7; 1.0, 1.0 ] do
                    let g = AD.grad rosenbrock (Tensor.ofArray [| a; b |])
                    let expected = [| -2.0 * (1.0 - a) - 400.0 * a * (b - a * a); 200.0 * (b - a * a) |]
                    closeWith 1e-10 1e-10 "Rosenbrock gradient" (g.ToArray()) expected

            testCase "Rosenbrock's Hessian matches the closed form"
            <| fun () ->
                for a, b in [ 1.5, 2.0; -0.3, 0.7 ] do
                    let h = AD.hessian rosenbrock (Tensor.ofArray [| a; b |])
                    Expect.equal h.Shape [| 2; 2 |] "Hessian shape"

                    let expected =
                        [| 2.0 - 400.0 * (b - a * a) + 800.0 * a * a; -400.0 * a; -400.0 * a; 200.0 |]

                    closeWith 1e-9 1e-10 "Rosenbrock Hessian" (h.ToArray()) expected

            testCase "diffn of sin cycles through cos, -sin, -cos, sin up to order 4"
            <| fun () ->
                for x in [ 0.0; 0.7; -2.1 ] do
                    let expected = [| sin x; cos x; -(sin x); -(cos x); sin x |]

                    for n in 0..4 do
                        AD.diffn n Tensor.sin (s x)
                        |> expectScalar $"d^{n} sin / dx^{n} at {x}" expected[n]

            testCase "diff of a vector-valued function of a scalar gives every component's derivative"
            <| fun () ->
                let f (t: Tensor) =
                    Tensor.stack 0 [ Tensor.cos t; Tensor.sin t; t * t ]

                let d = AD.diff f (s 0.5)
                closeWith 1e-12 1e-12 "d/dt (cos t, sin t, t²)" (d.ToArray()) [| -(sin 0.5); cos 0.5; 1.0 |]

            testCase "the gradient of log-sum-exp is softmax"
            <| fun () ->
                let x = Tensor.ofArray [| 0.5; -1.0; 2.0; 0.0 |]
                expectTight "grad logsumexp" (AD.grad (Tensor.logsumexp 0) x) (Tensor.softmax 0 x)

            testCase "the Hessian of ½xᵀAx is the symmetric part of A"
            <| fun () ->
                let a = Tensor.create [ [ 2.0; 1.0; 0.0 ]; [ 3.0; -1.0; 4.0 ]; [ 0.5; 0.0; 1.0 ] ]
                let f (x: Tensor) = 0.5 * Tensor.dot x (Tensor.matmul a x)
                let h = AD.hessian f (Tensor.ofArray [| 0.3; -0.2; 1.1 |])
                expectTight "Hessian" h ((a + Tensor.transpose 0 1 a) * 0.5)

            testCase "the Jacobian of a linear map is its matrix, in every mode"
            <| fun () ->
                let m = Tensor.create [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ]
                let f (x: Tensor) = Tensor.matmul m x
                let x = Tensor.ofArray [| 1.0; -1.0; 0.5 |]

                for name, jac in [ "jacfwd", AD.jacfwd; "jacrev", AD.jacrev; "jacobian", AD.jacobian ] do
                    expectTight name (jac f x) m

            testCase "the Laplacian of Σ xᵢ³ is 6 Σ xᵢ"
            <| fun () ->
                let x = Tensor.ofArray [| 0.5; -1.0; 2.0 |]

                AD.laplacian (fun x -> Tensor.sum (x ** 3.0)) x
                |> expectScalar "Laplacian" (6.0 * 1.5)

            testCase "the divergence of (x², xy, z) is 2x + x + 1"
            <| fun () ->
                let f (v: Tensor) =
                    Tensor.stack 0 [ v.[0] * v.[0]; v.[0] * v.[1]; v.[2] ]

                AD.divergence f (Tensor.ofArray [| 1.5; 2.0; -1.0 |])
                |> expectScalar "divergence" (3.0 + 1.5 + 1.0)

            testCase "the curl of (-y, x, 0) is (0, 0, 2) and a gradient field has zero curl"
            <| fun () ->
                let rotation (v: Tensor) =
                    Tensor.stack 0 [ -v.[1]; v.[0]; v.[2] * 0.0 ]

                let p = Tensor.ofArray [| 0.3; -0.7; 1.2 |]
                closeWith 1e-12 1e-12 "curl of rotation" ((AD.curl rotation p).ToArray()) [| 0.0; 0.0; 2.0 |]
                let potential (v: Tensor) = Tensor.sum (Tensor.sin v * v.[0])
                closeWith 1e-10 1e-10 "curl of a gradient" ((AD.curl (AD.grad potential) p).ToArray()) [| 0.0; 0.0; 0.0 |]

            testCase "stopGradient blocks the derivative through its argument"
            <| fun () ->
                let g = AD.grad (fun x -> x * Tensor.stopGradient x) (s 3.0)
                g |> expectScalar "d/dx (x · sg(x))" 3.0

                AD.grad (fun x -> Tensor.detach x * 2.0 + 1.0) (s 3.0)
                |> expectScalar "d/dx detach" 0.0

            testCase "a function that ignores its input has zero derivatives in every mode"
            <| fun () ->
                let c = Tensor.ofArray [| 1.0; 2.0 |]
                let x = Tensor.ofArray [| 0.5; 0.5 |]
                expectTight "grad" (AD.grad (fun _ -> Tensor.sum c) x) (Tensor.zerosLike x)
                expectTight "jvp" (snd (AD.jvp (fun _ -> c) x x)) (Tensor.zerosLike c)
                expectTight "jacrev" (AD.jacrev (fun _ -> c) x) (Tensor.Zeros([| 2; 2 |], dtype = Dtype.Float64))
        ]

let nestingTests =
    testList
        "nested derivatives"
        [
            testCase "perturbation confusion: d/dx (x · d/dy (x + y)) = 1 at every x (forward mode)"
            <| fun () ->
                for x in [ -2.0; 0.0; 1.0; 3.5 ] do
                    AD.diff (fun x -> x * AD.diff (fun y -> x + y) (s 1.0)) (s x)
                    |> expectScalar $"at x = {x}" 1.0

            testCase "perturbation confusion in reverse mode and in mixed modes"
            <| fun () ->
                let inner (x: Tensor) = AD.grad (fun y -> x + y) (s 1.0)

                for outer in [ AD.grad; AD.diff ] do
                    for innerMode in [ inner; (fun x -> AD.diff (fun y -> x + y) (s 1.0)) ] do
                        outer (fun x -> x * innerMode x) (s 2.0)
                        |> expectScalar "d/dx (x · d/dy (x + y))" 1.0

            testCase "Siskind-Pearlmutter: d/dx (x · d/dy (x · y)) at y = 2 is 2x"
            <| fun () ->
                let f (x: Tensor) = x * AD.diff (fun y -> x * y) (s 2.0)
                AD.diff f (s 3.0) |> expectScalar "forward" 6.0
                AD.grad f (s 3.0) |> expectScalar "reverse" 6.0

            testCase "nested gradients where the inner function closes over the outer variable"
            <| fun () ->
                // f(x) = d/dy [sin(x·y)] at y = x  =  x·cos(x²);  f'(x) = cos(x²) − 2x²·sin(x²)
                let f (x: Tensor) = AD.grad (fun y -> Tensor.sin (x * y)) x

                for x in [ 0.3; 1.1 ] do
                    let expected = cos (x * x) - 2.0 * x * x * sin (x * x)

                    for name, d in [ "grad of grad", AD.grad f; "diff of grad", AD.diff f ] do
                        d (s x) |> expectScalar $"{name} at {x}" expected

            testCase "third derivatives by three nested reverse passes"
            <| fun () ->
                let d = AD.grad (AD.grad (AD.grad (fun x -> x ** 5.0)))
                d (s 1.3) |> expectScalar "d³x⁵/dx³" (60.0 * 1.3 * 1.3)

            testCase "mixed fourth derivative: reverse over forward over reverse over forward"
            <| fun () ->
                let d = AD.grad (AD.diff (AD.grad (AD.diff (fun x -> Tensor.exp (2.0 * x)))))
                d (s 0.25) |> expectScalar "d⁴/dx⁴ e^{2x}" (16.0 * exp 0.5)

            testCase "hessian of a function of a matrix has shape input ++ input"
            <| fun () ->
                let x = Tensor.create [ [ 0.5; 1.0 ]; [ -1.0; 2.0 ] ]
                let h = AD.hessian (fun m -> Tensor.sum (Tensor.matmul m m)) x
                Expect.equal h.Shape [| 2; 2; 2; 2 |] "shape"

                expectClose
                    "Hessian vs numerical Jacobian of the gradient"
                    h
                    (Numerical.jacobian (AD.grad (fun m -> Tensor.sum (Tensor.matmul m m))) x)
        ]

let conventionTests =
    testList
        "conventions"
        [
            testCase "atan2 gives the angle in all four quadrants, as Math.Atan2"
            <| fun () ->
                let ys, xs = [| 1.0; 1.0; -1.0; -1.0; 0.0 |], [| 1.0; -1.0; -1.0; 1.0; -2.0 |]
                let angles = Tensor.atan2 (Tensor.ofArray ys) (Tensor.ofArray xs)
                closeWith 1e-12 0.0 "atan2" (angles.ToArray()) (Array.map2 (fun y x -> Math.Atan2(y, x)) ys xs)

            testCase "amax shares the derivative among ties, maxDim gives it to one element (as PyTorch)"
            <| fun () ->
                let x = Tensor.ofArray [| 1.0; 3.0; 3.0; 2.0 |]
                closeWith 0.0 0.0 "amax" ((AD.grad (Tensor.amax [||] false) x).ToArray()) [| 0.0; 0.5; 0.5; 0.0 |]
                Expect.equal ((AD.grad (Tensor.maxDim 0) x).ToArray() |> Array.sum) 1.0 "maxDim"

            testCase "logsumexp over several dims of a slice of -inf is -inf, not NaN"
            <| fun () ->
                let x = Tensor.create [ [ [ -infinity; -infinity ] ]; [ [ 0.0; 0.0 ] ] ]
                let y = Tensor.logsumexpDims [| 1; 2 |] false x
                closeWith 1e-12 0.0 "logsumexp" (y.ToArray()) [| -infinity; log 2.0 |]

            testCase "cumsum, flip, tril, diag and trace agree with their definitions"
            <| fun () ->
                let m = Tensor.create [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ]
                closeWith 0.0 0.0 "cumsum" ((Tensor.cumsum 1 m).ToArray()) [| 1.0; 3.0; 6.0; 4.0; 9.0; 15.0 |]
                closeWith 0.0 0.0 "flip" ((Tensor.flip [| 0; 1 |] m).ToArray()) [| 6.0; 5.0; 4.0; 3.0; 2.0; 1.0 |]
                closeWith 0.0 0.0 "tril" ((Tensor.tril 0 m).ToArray()) [| 1.0; 0.0; 0.0; 4.0; 5.0; 0.0 |]
                closeWith 0.0 0.0 "triu 1" ((Tensor.triu 1 m).ToArray()) [| 0.0; 2.0; 3.0; 0.0; 0.0; 6.0 |]
                closeWith 0.0 0.0 "diagonal" ((Tensor.diag m).ToArray()) [| 1.0; 5.0 |]
                expectScalar "trace" 6.0 (Tensor.trace m)
                Expect.equal (Tensor.diag (Tensor.ofArray [| 1.0; 2.0 |])).Shape [| 2; 2 |] "diag of a vector"
        ]

let tests =
    testList "known values" [ seedTests; analyticTests; nestingTests; conventionTests ]
