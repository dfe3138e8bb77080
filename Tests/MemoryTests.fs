/// Native memory stays flat: transforms leave nothing alive but their results, scopes free
/// everything else, and loops that never dispose anything do not grow the process.
module Nabla.Tests.MemoryTests

open System
open System.IO
open Expecto
open Nabla
open Nabla.Tests.Check

let private live () = Scope.liveTensorCount ()

/// Resident memory of this process in bytes (Linux).
let residentBytes () =
    File.ReadAllLines "/proc/self/status"
    |> Array.pick (fun l -> if l.StartsWith "VmRSS:" then Some(int64 (l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024L) else None)

/// Live tensors added by running f, after f's results are disposed.
let private leftAlive (f: unit -> Tensor list) =
    let before = live ()
    let results = f ()
    let during = live ()
    results |> List.iter Tensor.dispose
    during - before, live () - before

let private x () = Tensor.ofArray [| 0.5; -1.0; 2.0 |]

let scopeTests =
    testList "scopes" [
        for name, transform in
            [ "grad", (fun (x: Tensor) -> [ AD.grad (fun x -> Tensor.sum (Tensor.sin x * x)) x ])
              "valueAndGrad", (fun x -> let v, g = AD.valueAndGrad (fun x -> Tensor.sum (Tensor.exp x)) x in [ v; g ])
              "jvp", (fun x -> let y, t = AD.jvp Tensor.tanh x x in [ y; t ])
              "jacobian", (fun x -> [ AD.jacobian (fun x -> Tensor.softmax 0 x) x ])
              "hessian", (fun x -> [ AD.hessian (fun x -> Tensor.sum (x ** 3.0)) x ])
              "nested grad of grad", (fun x -> [ AD.grad (fun x -> Tensor.sum (AD.grad (fun y -> Tensor.sum (y * y * x)) x)) x ])
              "gradParams", (fun x -> let p = AD.gradParams (fun p -> Tensor.sum (p["a"] * p["b"])) (Params.ofList [ "a", x; "b", x ]) in List.ofArray p.Values) ] do
            testCase $"{name} leaves no tensor alive but its results" <| fun () ->
                let input = x ()
                let added, afterDispose = leftAlive (fun () -> transform input)
                Expect.equal afterDispose 0L $"{name}: live tensors after disposing the results (added while held: {added})"

        testCase "Scope.run frees every tensor created inside except the result" <| fun () ->
            let a = x ()
            let before = live ()
            let result = Scope.run (fun () -> Tensor.sum (Tensor.exp a * 2.0 + a))
            Expect.equal (live () - before) 1L "only the result is alive"
            Tensor.dispose result
            Expect.equal (live () - before) 0L "nothing after disposing it"

        testCase "Scope.run keeps tensors inside tuples, lists and Params of its result" <| fun () ->
            let a = x ()
            let before = live ()
            let (p: Tensor), (qs: Tensor list), (ps: Params) =
                Scope.run (fun () -> a * 2.0, [ a + 1.0; a - 1.0 ], Params.ofList [ "w", Tensor.exp a ])
            Expect.equal (live () - before) 4L "four results alive"
            Expect.equal (p.ToArray()) [| 1.0; -2.0; 4.0 |] "first result readable"
            Expect.equal (qs.Length, ps.Count) (2, 1) "the others too"

        testCase "a failing transform frees its intermediates" <| fun () ->
            let a = x ()
            let before = live ()
            Expect.throws (fun () -> AD.grad (fun x -> Tensor.matmul (Tensor.exp x) (Tensor.zeros [| 5; 5 |])) a |> ignore) "fails"
            Expect.equal (live () - before) 0L "nothing left alive"
    ]

/// Runs `step` n times in a plain loop, with no GC call and no disposal in user code, and returns
/// the growth of resident memory after a warm-up.
let growthOver (warmup: int) (n: int) (step: unit -> unit) =
    for _ in 1 .. warmup do step ()
    let before = residentBytes ()
    for _ in 1 .. n do step ()
    residentBytes () - before

let loopTests =
    testSequenced <| testList "loops" [
        testCase "100,000 gradients of a function of a 1,000-element tensor grow resident memory by less than 50 MB" <| fun () ->
            let x = Tensor.Randn([| 1000 |], dtype = Dtype.Float64)
            let f (x: Tensor) = Tensor.sum (Tensor.sin x * x)
            let growth = growthOver 10_000 100_000 (fun () -> AD.grad f x |> ignore)
            printfn "memory: 100,000 x AD.grad on 1,000 elements: resident memory grew by %.1f MB" (float growth / 1e6)
            Expect.isLessThan growth 50_000_000L "resident memory growth"

        testCase "100,000 unscoped ops (no transform, no scope) grow resident memory by less than 50 MB" <| fun () ->
            let x = Tensor.Randn([| 1000 |], dtype = Dtype.Float64)
            let growth = growthOver 10_000 100_000 (fun () -> Tensor.exp x * 2.0 |> ignore)
            printfn "memory: 100,000 x (exp x * 2) on 1,000 elements: resident memory grew by %.1f MB" (float growth / 1e6)
            Expect.isLessThan growth 50_000_000L "resident memory growth"
    ]

let tests = testList "memory" [ scopeTests; loopTests ]
