/// Ops defined the way a user defines them (Op.define1 / Op.define2), tested like the library's.
module Nabla.Tests.UserOps

open System
open Nabla

/// log(1 + eˣ), computed stably as max(x, 0) + log1p(e^−|x|); its derivative is sigmoid x.
let softplus: Tensor -> Tensor =
    Op.define1 "softplus" (fun x -> Tensor.relu x + Tensor.log1p (exp (-(abs x)))) (fun x _ dx -> dx * Tensor.sigmoid x) (fun x _ g ->
        g * Tensor.sigmoid x)

/// log(eᵃ + eᵇ), stably; ∂/∂a = e^(a − y), ∂/∂b = e^(b − y). Broadcasts: the rules return
/// cotangents of the output's shape, which Op.define2 sums back to each input's shape.
let logaddexp: Tensor -> Tensor -> Tensor =
    Op.define2
        "logaddexp"
        (fun a b ->
            let m = Tensor.maximum a b
            m + Tensor.log (exp (a - m) + exp (b - m)))
        (fun a b y da db -> da * exp (a - y) + db * exp (b - y))
        (fun a b y g -> g * exp (a - y), g * exp (b - y))

open Expecto
open Nabla.Tests.Check

// The five property checks of the library's ops run on softplus and logaddexp in OpProperties.fs.
let tests =
    testList
        "user-defined ops"
        [
            testCase "a user-defined op nests inside AD.hessian (forward over reverse)"
            <| fun () ->
                let x = Tensor.ofArray [| -1.0; 0.5; 2.0 |]
                let h = AD.hessian (fun x -> Tensor.sum (softplus x)) x
                // d²/dx² softplus = sigmoid · (1 − sigmoid), on the diagonal
                let s = Tensor.sigmoid x
                expectTight "Hessian" h (Tensor.diag (s * (1.0 - s)))

            testCase "third derivatives go through the user's rules"
            <| fun () ->
                let x = Tensor.scalar 0.3
                let s = Tensor.sigmoid x
                // softplus''' = σ'' = σ(1−σ)(1 − 2σ)
                let expected = s * (1.0 - s) * (1.0 - 2.0 * s)
                expectTight "third derivative" (AD.diffn 3 softplus x) expected

            testCase "logaddexp broadcasts and its gradients have each input's shape"
            <| fun () ->
                let a = Tensor.Randn([| 2; 3 |], dtype = Dtype.Float64)
                let b = Tensor.Randn([| 3 |], dtype = Dtype.Float64)
                let ga = AD.grad (fun a -> Tensor.sum (logaddexp a b)) a
                let gb = AD.grad (fun b -> Tensor.sum (logaddexp a b)) b
                Expect.equal (ga.Shape, gb.Shape) ([| 2; 3 |], [| 3 |]) "shapes"
                expectTight "gradients of a and b share each element's cotangent" (Tensor.sum ga + Tensor.sum gb) (Tensor.scalar 6.0)

            testCase "a VJP rule returning the wrong shape is an error naming the op"
            <| fun () ->
                let bad =
                    Op.define1 "badRule" (fun x -> x * 2.0) (fun _ _ dx -> dx * 2.0) (fun _ _ g -> Tensor.sum g)

                throwsWith<InvalidOperationException> [ "badRule"; "VJP"; "[3]"; "[]" ] (fun () ->
                    AD.grad (fun x -> Tensor.sum (bad x)) (Tensor.ofArray [| 1.0; 2.0; 3.0 |])
                    |> ignore)

            testCase "a JVP rule returning the wrong shape is an error naming the op"
            <| fun () ->
                let bad =
                    Op.define1 "badTangent" (fun x -> x * 2.0) (fun _ _ dx -> Tensor.sum dx) (fun _ _ g -> g * 2.0)

                throwsWith<InvalidOperationException> [ "badTangent"; "JVP"; "[3]" ] (fun () ->
                    AD.jvp bad (Tensor.ofArray [| 1.0; 2.0; 3.0 |]) (Tensor.ofArray [| 1.0; 0.0; 0.0 |])
                    |> ignore)

            testCase "a define2 rule returning the wrong shape is an error naming the op and the input"
            <| fun () ->
                let bad =
                    Op.define2 "badPair" (fun a b -> a * b) (fun a b _ da db -> da * b + a * db) (fun a b _ g -> g * b, Tensor.sum g)

                throwsWith<InvalidOperationException> [ "badPair"; "input 2" ] (fun () ->
                    AD.grad (fun b -> Tensor.sum (bad (Tensor.ofArray [| 1.0; 2.0 |]) b)) (Tensor.ofArray [| 3.0; 4.0 |])
                    |> ignore)

            testCase "a primal that differentiates its captured values is refused"
            <| fun () ->
                let mutable leaked = Unchecked.defaultof<Tensor>

                let f =
                    Op.define1 "captures" (fun x -> x * leaked) (fun _ _ d -> d) (fun _ _ g -> g)

                throwsWith<InvalidOperationException> [ "captures"; "primal" ] (fun () ->
                    AD.grad
                        (fun w ->
                            leaked <- w
                            Tensor.sum (f (Tensor.ofArray [| 1.0 |])))
                        (Tensor.ofArray [| 2.0 |])
                    |> ignore)
        ]
