/// PyTorch-style autograd: requires-grad leaves, Backward, .Grad accumulation, hooks, createGraph,
/// noGrad, in-place updates, and its agreement with the transforms (one engine).
module Nabla.Tests.Autograd

open System
open System.Threading.Tasks
open Expecto
open Nabla
open Nabla.Tests.Check

let private f64 = Dtype.Float64

let private leaf (values: float list) =
    Tensor.ofList values |> Tensor.requiresGrad

let private scalarLeaf (v: float) = Tensor.scalar v |> Tensor.requiresGrad

let private gradOf (t: Tensor) =
    t.Grad |> Option.defaultWith (fun () -> failtest "no gradient")

/// Functions mixing unary, broadcasting binary and n-ary ops, for Backward-vs-transform laws.
let private functions: (string * (Tensor -> Tensor)) list =
    [
        "sin·exp", fun x -> Tensor.sum (Tensor.sin x * Tensor.exp (x * 0.3))
        "broadcast with a matrix",
        fun x ->
            let m = Tensor.reshape [| 2; 2 |] x
            Tensor.sum (Tensor.tanh (Tensor.matmul m m + Tensor.ofList [ 1.0; -2.0 ]))
        "cat and stack",
        fun x ->
            Tensor.sum (
                Tensor.cat 0 [ x; x * x ]
                * Tensor.stack 0 [ x.[0]; x.[1]; x.[2]; x.[3]; x.[0]; x.[1]; x.[2]; x.[3] ]
            )
        "softmax and log", fun x -> Tensor.sum (Tensor.softmax 0 x * Tensor.log (x * x + 1.0))
        "pow and division", fun x -> Tensor.sum ((x ** 3.0) / (x * x + 2.0))
    ]

let private point () = Tensor.ofList [ 0.3; -0.7; 1.1; 0.5 ]

let tests =
    testList
        "autograd"
        [
            testCase "the seed example: z = x² + y³ + 5 gives x.Grad = 4 and y.Grad = 27"
            <| fun () ->
                let x = scalarLeaf 2.0
                let y = scalarLeaf 3.0
                Expect.isNone x.Grad "no gradient before Backward"
                let z = x ** 2.0 + y ** 3.0 + 5.0
                Expect.isTrue z.RequiresGrad "z requires grad"
                Expect.isFalse z.IsLeaf "z is not a leaf"
                Expect.isTrue x.IsLeaf "x is a leaf"
                z.Backward()
                gradOf x |> expectScalar "x.Grad" 4.0
                gradOf y |> expectScalar "y.Grad" 27.0

            testCase "gradients accumulate over Backward calls; ZeroGrad clears them"
            <| fun () ->
                let w = Tensor.ones [| 2 |] |> Tensor.requiresGrad

                for _ in 1..3 do
                    (Tensor.sum w).Backward()

                Expect.equal (gradOf w).Shape [| 2 |] "shape"
                Expect.equal ((gradOf w).ToArray()) [| 3.0; 3.0 |] "three backward calls"
                w.ZeroGrad()
                Expect.isNone w.Grad "ZeroGrad sets it to None (PyTorch's default)"
                (Tensor.sum (w * 2.0)).Backward()
                w.ZeroGrad(setToNone = false)
                Expect.equal ((gradOf w).ToArray()) [| 0.0; 0.0 |] "ZeroGrad(false) fills zeros"
                (Tensor.sum (w * 2.0)).Backward()
                Expect.equal ((gradOf w).ToArray()) [| 2.0; 2.0 |] "accumulates onto the zeros"

            testCase "the same graph can be swept twice, adding twice"
            <| fun () ->
                let x = leaf [ 1.0; 2.0 ]
                let y = Tensor.sum (x * x)
                y.Backward()
                y.Backward()
                Expect.equal ((gradOf x).ToArray()) [| 4.0; 8.0 |] "2·(2x)"

            testCase "Backward with a cotangent gives the vector-Jacobian product"
            <| fun () ->
                let x = leaf [ 1.0; -2.0; 3.0 ]
                let y = x * x
                y.Backward(Tensor.ofList [ 1.0; 0.5; 2.0 ])
                Expect.equal ((gradOf x).ToArray()) [| 2.0; -2.0; 12.0 |] "2x·v"

            testCase "Backward without a cotangent needs a one-element result"
            <| fun () ->
                let x = leaf [ 1.0; 2.0 ]
                throwsWith<ArgumentException> [ "Backward"; "[2]"; "Tensor.sum" ] (fun () -> (x * x).Backward())

                throwsWith<ArgumentException> [ "Backward"; "[2]"; "[3]" ] (fun () -> (x * x).Backward(Tensor.ofList [ 1.0; 2.0; 3.0 ]))

            testCase "Backward on a tensor that does not require grad is a clear error"
            <| fun () ->
                throwsWith<InvalidOperationException> [ "Backward"; "requiresGrad" ] (fun () ->
                    (Tensor.sum (Tensor.ofList [ 1.0; 2.0 ])).Backward())

                let x = leaf [ 1.0 ]

                throwsWith<InvalidOperationException> [ "Backward"; "noGrad" ] (fun () ->
                    (AD.noGrad (fun () -> Tensor.sum (x * 2.0))).Backward())

            testCase "requiresGrad refuses integer tensors"
            <| fun () ->
                throwsWith<ArgumentException> [ "requiresGrad"; "int32"; "floating" ] (fun () ->
                    Tensor.ofList [ 1; 2 ] |> Tensor.requiresGrad |> ignore)

            testCase "a float32 leaf gets a float32 gradient through float64 ops"
            <| fun () ->
                let x = Tensor.ofList [ 1.0f; 2.0f ] |> Tensor.requiresGrad
                let y = Tensor.sum (x * Tensor.ofList [ 3.0; 4.0 ])
                Expect.equal y.Dtype Dtype.Float64 "promoted result"
                y.Backward()
                Expect.equal (gradOf x).Dtype Dtype.Float32 "gradient in the leaf's dtype"
                Expect.equal ((gradOf x).ToArray()) [| 3.0; 4.0 |] "values"

            testProperty "Backward equals AD.grad on functions of many ops"
            <| fun (seed: int) ->
                let rng = Random(seed)
                let x0 = Tensor.ofList [ for _ in 1..4 -> rng.NextDouble() * 2.0 - 1.0 ]

                for name, f in functions do
                    let x = Tensor.requiresGrad x0
                    (f x).Backward()
                    expectTight name (gradOf x) (AD.grad f x0)

            testProperty "createGraph gives gradients whose Backward is the Hessian-vector product"
            <| fun (seed: int) ->
                let rng = Random(seed)
                let x0 = Tensor.ofList [ for _ in 1..4 -> rng.NextDouble() * 2.0 - 1.0 ]
                let v = Tensor.ofList [ for _ in 1..4 -> rng.NextDouble() * 2.0 - 1.0 ]

                for name, f in functions do
                    let x = Tensor.requiresGrad x0
                    (f x).Backward(createGraph = true)
                    let g = gradOf x
                    Expect.isTrue g.RequiresGrad $"{name}: the gradient is recorded"
                    expectTight $"{name}: first order" (Tensor.detach g) (AD.grad f x0)
                    x.ZeroGrad()
                    (Tensor.sum (g * v)).Backward()
                    expectTight $"{name}: H·v" (gradOf x) (AD.hvp f x0 v)

            testCase "third derivative by createGraph three times"
            <| fun () ->
                let x = scalarLeaf 3.0
                (x ** 4.0).Backward(createGraph = true)
                let g1 = gradOf x // 4x³ = 108
                x.ZeroGrad()
                g1.Backward(createGraph = true)
                let g2 = gradOf x // 12x² = 108
                x.ZeroGrad()
                g2.Backward()
                g1 |> Tensor.detach |> expectScalar "first" 108.0
                g2 |> Tensor.detach |> expectScalar "second" 108.0
                gradOf x |> expectScalar "third: 24x" 72.0

            testCase "a hook sees the gradient and may replace it; disposing removes it"
            <| fun () ->
                let w = leaf [ 1.0; 2.0 ]
                let seen = ResizeArray<float[]>()

                let observe =
                    w.RegisterHook(fun g ->
                        seen.Add(g.ToArray())
                        g)

                let doubling = w.RegisterHook(fun g -> g * 2.0)
                (Tensor.sum (w * 3.0)).Backward()
                Expect.equal (seen |> Seq.toList) [ [| 3.0; 3.0 |] ] "the first hook saw the raw gradient"
                Expect.equal ((gradOf w).ToArray()) [| 6.0; 6.0 |] "the second doubled it"
                doubling.Dispose()
                observe.Dispose()
                w.ZeroGrad()
                (Tensor.sum (w * 3.0)).Backward()
                Expect.equal ((gradOf w).ToArray()) [| 3.0; 3.0 |] "hooks removed"
                Expect.equal seen.Count 1 "the observer is gone"

            testCase "a hook on an intermediate changes what flows to the leaves"
            <| fun () ->
                let x = leaf [ 1.0; 2.0 ]
                let h = x * x
                use _ = h.RegisterHook(fun g -> Tensor.zerosLike g)
                (Tensor.sum (h + x)).Backward()
                Expect.equal ((gradOf x).ToArray()) [| 1.0; 1.0 |] "only the direct path"

            testCase "hooks: on a tensor without grad, or returning the wrong shape, are errors"
            <| fun () ->
                throwsWith<InvalidOperationException> [ "registerHook"; "does not require grad" ] (fun () ->
                    (Tensor.ofList [ 1.0 ]).RegisterHook(fun g -> g) |> ignore)

                let x = leaf [ 1.0; 2.0 ]
                use _ = x.RegisterHook(fun g -> Tensor.sum g)
                throwsWith<InvalidOperationException> [ "hook"; "[]"; "[2]" ] (fun () -> (Tensor.sum x).Backward())

            testCase "retainGrad keeps an intermediate's gradient"
            <| fun () ->
                let x = leaf [ 1.0; 2.0 ]
                let h = x * 3.0
                Expect.isNone h.Grad "a non-leaf has no gradient by default"
                h.RetainGrad()
                (Tensor.sum (h * h)).Backward()
                Expect.equal ((gradOf h).ToArray()) [| 6.0; 12.0 |] "2h"
                Expect.equal ((gradOf x).ToArray()) [| 18.0; 36.0 |] "6h"

            testCase "noGrad records nothing, per thread, and enableGrad turns it back on"
            <| fun () ->
                let x = leaf [ 1.0; 2.0 ]
                Expect.isTrue (AD.isGradEnabled ()) "enabled by default"

                let y, inner, other =
                    AD.noGrad (fun () ->
                        let inner = AD.enableGrad (fun () -> x * 2.0)
                        let other = ref false
                        let thread = Threading.Thread(fun () -> other.Value <- (x * 2.0).RequiresGrad)
                        thread.Start()
                        thread.Join()
                        x * 2.0, inner, other.Value)

                Expect.isFalse y.RequiresGrad "noGrad"
                Expect.isTrue inner.RequiresGrad "enableGrad inside noGrad"
                Expect.isTrue other "another thread still records"
                Expect.isTrue (AD.isGradEnabled ()) "restored"
                Expect.equal (y.ToArray()) [| 2.0; 4.0 |] "values"

            testCase "transforms work inside noGrad"
            <| fun () ->
                let g =
                    AD.noGrad (fun () -> AD.grad (fun x -> Tensor.sum (x * x)) (Tensor.ofList [ 1.0; 3.0 ]))

                Expect.equal (g.ToArray()) [| 2.0; 6.0 |] "2x"

            testCase "a hand-written gradient-descent step updates a leaf in place under noGrad"
            <| fun () ->
                let w = leaf [ 1.0; -1.0 ]
                (Tensor.sum (w * w)).Backward()
                AD.noGrad (fun () -> w.SubInPlace(gradOf w, alpha = 0.25))
                Expect.equal ((Tensor.detach w).ToArray()) [| 0.5; -0.5 |] "w - 0.25·2w"
                Expect.isTrue w.RequiresGrad "still a leaf that requires grad"

                throwsWith<InvalidOperationException> [ "SubInPlace"; "AD.noGrad" ] (fun () -> w.SubInPlace(gradOf w))

                let h = w * 2.0

                throwsWith<InvalidOperationException> [ "CopyFrom"; "computed from others" ] (fun () -> AD.noGrad (fun () -> h.CopyFrom(w)))

                throwsWith<ArgumentException> [ "AddInPlace"; "[3]"; "[2]" ] (fun () ->
                    AD.noGrad (fun () -> w.AddInPlace(Tensor.ofList [ 1.0; 2.0; 3.0 ])))

            testCase "Backward after an in-place update of a used leaf is an error, not a wrong gradient"
            <| fun () ->
                let w = leaf [ 1.0; 2.0 ]
                let loss = Tensor.sum (w * w)
                AD.noGrad (fun () -> w.MulInPlace 0.5)
                throwsWith<InvalidOperationException> [ "Backward"; "modified in place"; "mul" ] (fun () -> loss.Backward())
                // A forward pass after the update is fine.
                (Tensor.sum (w * w)).Backward()
                Expect.equal ((gradOf w).ToArray()) [| 1.0; 2.0 |] "2·(w/2)"

            testCase "AD.grad of a function that calls Backward inside: both results are right"
            <| fun () ->
                let w = leaf [ 1.0; 1.0; 1.0 ]
                let x0 = Tensor.ofList [ 0.5; -1.0; 2.0 ]

                let f (x: Tensor) =
                    let loss = Tensor.sum (w * Tensor.detach x * Tensor.detach x)
                    loss.Backward()
                    Tensor.sum (Tensor.sin x)

                expectTight "the transform's gradient" (AD.grad f x0) (Tensor.cos x0)
                expectTight "Backward's gradient" (gradOf w) (x0 * x0)

            testCase "AD.hessian of a function that calls Backward inside"
            <| fun () ->
                let w = scalarLeaf 2.0
                let x0 = Tensor.ofList [ 0.5; -1.0 ]

                let f (x: Tensor) =
                    (w * w).Backward()
                    Tensor.sum (x ** 3.0)

                expectTight "6x on the diagonal" (AD.hessian f x0) (Tensor.diag (x0 * 6.0))
                Expect.isTrue ((gradOf w).ToScalar() > 0.0) "Backward ran"

            testCase "a transform's result that depends on a parameter requires grad: the engines compose"
            <| fun () ->
                let w = leaf [ 1.0; 2.0 ]
                let x0 = Tensor.ofList [ 3.0; -1.0 ]
                // g = ∂/∂x Σ w·x² = 2·w·x, a function of w.
                let g = AD.grad (fun x -> Tensor.sum (w * x * x)) x0
                Expect.isTrue g.RequiresGrad "the gradient is recorded for w"
                Expect.equal ((Tensor.detach g).ToArray()) [| 6.0; -4.0 |] "2wx"
                (Tensor.sum g).Backward()
                Expect.equal ((gradOf w).ToArray()) [| 6.0; -2.0 |] "∂/∂w Σ 2wx = 2x"

            testCase "Backward through AD.checkpoint, first and second order"
            <| fun () ->
                let x0 = Tensor.ofList [ 0.3; -1.2; 2.0 ]
                let f (t: Tensor) = Tensor.sin t * t
                let x = Tensor.requiresGrad x0
                let y = AD.checkpoint f x
                (Tensor.sum y).Backward(createGraph = true)
                let g = gradOf x
                expectTight "first" (Tensor.detach g) (Tensor.cos x0 * x0 + Tensor.sin x0)
                x.ZeroGrad()
                (Tensor.sum g).Backward()
                expectTight "second" (gradOf x) (2.0 * Tensor.cos x0 - x0 * Tensor.sin x0)

            testCase "a deep chain of 20,000 ops goes backward without a deep stack"
            <| fun () ->
                let x = scalarLeaf 1.0
                let mutable y = x

                for _ in 1..20000 do
                    y <- y * 1.0001

                y.Backward()
                gradOf x |> expectScalar "1.0001^20000" (Math.Pow(1.0001, 20000.0))

            testCase "each leaf's gradient has its own storage: in-place updates of one change no other tensor"
            <| fun () ->
                // add passes one cotangent to both leaves, and sum's is an expanded (stride-0) view
                let a = leaf [ 1.0; 2.0; 3.0 ]
                let b = leaf [ 4.0; 5.0; 6.0 ]
                (Tensor.sum (a + b)).Backward()
                a.ZeroGrad(setToNone = false)
                Expect.equal ((gradOf b).ToArray()) [| 1.0; 1.0; 1.0 |] "b's gradient after a.ZeroGrad(false)"
                (gradOf b).AddInPlace(Tensor.ofList [ 1.0; 2.0; 3.0 ])
                Expect.equal ((gradOf b).ToArray()) [| 2.0; 3.0; 4.0 |] "an in-place update of an expanded gradient"
                Expect.equal ((gradOf a).ToArray()) [| 0.0; 0.0; 0.0 |] "a's gradient is still zero"
                // the caller's cotangent reaches the leaf unchanged
                let c = leaf [ 1.0; 2.0 ]
                let v = Tensor.ofList [ 3.0; 4.0 ]
                (c + 1.0).Backward(v)
                c.ZeroGrad(setToNone = false)
                Expect.equal (v.ToArray()) [| 3.0; 4.0 |] "the cotangent passed to Backward"
                // a hook may return a tensor of its own
                let d = leaf [ 1.0; 2.0 ]
                let replacement = Tensor.ofList [ 5.0; 6.0 ]
                use _ = d.RegisterHook(fun _ -> replacement)
                (Tensor.sum d).Backward()
                d.ZeroGrad(setToNone = false)
                Expect.equal (replacement.ToArray()) [| 5.0; 6.0 |] "the hook's result"

            testCase "a gradient that was read keeps its value through later Backward and ZeroGrad calls"
            <| fun () ->
                let w = leaf [ 1.0; 2.0 ]
                (Tensor.sum (w * 3.0)).Backward()
                let first = gradOf w
                (Tensor.sum (w * 3.0)).Backward()
                Expect.equal (first.ToArray()) [| 3.0; 3.0 |] "the gradient read before the second Backward"
                Expect.equal ((gradOf w).ToArray()) [| 6.0; 6.0 |] "the accumulated gradient"
                let second = gradOf w
                w.ZeroGrad()
                (Tensor.sum (w * 5.0)).Backward()
                Expect.equal (second.ToArray()) [| 6.0; 6.0 |] "the gradient read before ZeroGrad"
                Expect.equal ((gradOf w).ToArray()) [| 5.0; 5.0 |] "the new gradient"

            testCase "gradients nobody read are accumulated in place and their buffers reused after ZeroGrad, with the right values"
            <| fun () ->
                let w = leaf [ 1.0; 2.0 ]
                let b = scalarLeaf 0.5

                for k in 1..3 do
                    w.ZeroGrad()
                    b.ZeroGrad()
                    // two Backward calls per round, nothing read in between
                    (Tensor.sum (w * float k) + b).Backward()
                    (Tensor.sum (w * w) * b).Backward()

                // round 3: d/dw = 3 + 2w·b, d/db = 1 + Σw²
                Expect.equal ((gradOf w).ToArray()) [| 4.0; 5.0 |] "w.Grad after three rounds"
                gradOf b |> expectScalar "b.Grad after three rounds" 6.0

            testCase "printing says requires_grad and grad_fn as PyTorch does"
            <| fun () ->
                let x = scalarLeaf 2.0
                Expect.stringContains (string x) "requires_grad=True" "leaf"
                Expect.stringContains (string (x * 3.0)) "grad_fn=<" "non-leaf"
        ]
