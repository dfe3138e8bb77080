/// Conversions between floating-point dtypes, and the two ops whose derivative is not that of
/// their value (stopGradient, checkpoint): laws that finite differences cannot check directly.
module Nabla.Tests.Casts

open Expecto
open Nabla
open Nabla.Tests.Check

let private floats = [ Dtype.Float16; Dtype.BFloat16; Dtype.Float32; Dtype.Float64 ]

/// The unit roundoff of a dtype, for tolerances.
let private eps (d: Dtype) =
    match d with
    | Dtype.Float16 -> 1e-3
    | Dtype.BFloat16 -> 8e-3
    | Dtype.Float32 -> 1e-7
    | _ -> 1e-16

let tests =
    testList
        "casts and non-differentiating ops"
        [
            for source in floats do
                for target in floats do
                    if source <> target then
                        testCase $"toDtype {source} to {target}: value, JVP, gradient and second derivative"
                        <| fun () ->
                            let x = Tensor.Create([ 0.5; -1.25; 2.0; 3.0 ], dtype = source)
                            let y = Tensor.toDtype target x
                            Expect.equal y.Dtype target "dtype"
                            let tol = 2.0 * max (eps source) (eps target)
                            closeWith tol tol "value" (y.ToArray()) (x.ToArray())
                            let v = Tensor.Create([ 1.0; 0.5; -0.25; 2.0 ], dtype = source)
                            let _, t = AD.jvp (Tensor.toDtype target) x v
                            Expect.equal t.Dtype target "the tangent has the output's dtype"
                            closeWith tol tol "J·v is v, cast" (t.ToArray()) (v.ToArray())
                            let w = Tensor.Create([ 2.0; -1.0; 0.5; 1.0 ], dtype = target)
                            let g = AD.grad (fun x -> Tensor.sum (Tensor.toDtype target x * w)) x
                            Expect.equal g.Dtype source "the gradient has the input's dtype"
                            closeWith tol tol "gradient is w, cast back" (g.ToArray()) (w.ToArray())
                            let h = AD.hvp (fun x -> Tensor.sum (Tensor.toDtype target x * w)) x v
                            Expect.equal (h.ToArray()) [| 0.0; 0.0; 0.0; 0.0 |] "a cast is linear: its second derivative is 0"

            testCase "float32 to float64 and back is differentiable like the identity (finite differences, float64)"
            <| fun () ->
                let f (x: Tensor) =
                    x
                    |> Tensor.toDtype Dtype.Float32
                    |> Tensor.toDtype Dtype.Float64
                    |> fun y -> Tensor.sum (y * y)

                let x = Tensor.ofArray [| 0.25; -0.5; 1.5 |]
                expectTight "gradient" (AD.grad f x) (2.0 * x)

            testCase "toDtype to an integer type gives a constant (zero derivative), as in PyTorch"
            <| fun () ->
                let g =
                    AD.grad
                        (fun x ->
                            Tensor.sum (Tensor.toDtype Dtype.Int64 x |> Tensor.toDtype Dtype.Float64)
                            + Tensor.sum x)
                        (Tensor.ofArray [| 1.5; 2.5 |])

                Expect.equal (g.ToArray()) [| 1.0; 1.0 |] "only the second term counts"

            testCase "stopGradient: the value is kept, its derivative is zero at every order"
            <| fun () ->
                let f (x: Tensor) =
                    Tensor.sum (Tensor.stopGradient (x * x) + 2.0 * x * x)

                let x = Tensor.ofArray [| 1.0; -2.0 |]
                expectScalar "value" 15.0 (f x)
                expectTight "gradient" (AD.grad f x) (4.0 * x)
                expectTight "forward mode" (snd (AD.jvp f x (Tensor.onesLike x))) (Tensor.sum (4.0 * x))
                expectTight "Hessian" (AD.hessian f x) (Tensor.diag (Tensor.ofArray [| 4.0; 4.0 |]))

            testCase "checkpoint: same value and derivatives as without it, forward and reverse, first and second order"
            <| fun () ->
                let inner (y: Tensor) = Tensor.sin y * y * y
                let plain (x: Tensor) = Tensor.sum (inner x * x)
                let ckpt (x: Tensor) = Tensor.sum (AD.checkpoint inner x * x)
                let x = Tensor.ofArray [| 0.3; -1.1; 2.0 |]
                expectTight "value" (ckpt x) (plain x)
                expectTight "gradient" (AD.grad ckpt x) (AD.grad plain x)
                expectTight "JVP" (snd (AD.jvp ckpt x x)) (snd (AD.jvp plain x x))
                expectTight "Hessian" (AD.hessian ckpt x) (AD.hessian plain x)
                expectTight "reverse over reverse" (AD.jacrev (AD.grad ckpt) x) (AD.hessian plain x)
        ]
