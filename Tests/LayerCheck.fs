/// Checks shared by the layer tests: a layer's gradients (parameters and inputs, through
/// Backward) against central finite differences in float64, Backward against the functional view,
/// and agreement with PyTorch on the same weights (reference data written by emit_layers in
/// PyTorch/common.py, loaded through LoadStateDict with PyTorch's key names).
module Nabla.Tests.LayerCheck

open System
open System.IO
open System.Text.Json
open Expecto
open Nabla
open Nabla.NN
open Nabla.Tests.Check

let private f64 = Dtype.Float64

/// A fixed pseudo-random cotangent of a shape (seeded, so a failure reproduces).
let cotangentFor (shape: int[]) (seed: int) =
    let rng = Random(seed)
    let n = Nabla.FsCheck.Shapes.numel shape

    Tensor.ofArray (Array.init n (fun _ -> rng.NextDouble() * 2.0 - 1.0))
    |> Tensor.reshape shape

/// Up to `count` element positions spread over n elements (all of them when n ≤ count).
let private positions (n: int) (count: int) =
    if n <= count then
        [ 0 .. n - 1 ]
    else
        [ for k in 0 .. count - 1 -> k * (n - 1) / (count - 1) ] |> List.distinct

/// Checks that the gradients Backward gives for ⟨forward m inputs, c⟩ (c a fixed random
/// cotangent) with respect to every parameter of m and every floating-point input agree with
/// central finite differences (step 1e-6, PyTorch gradcheck's tolerances; at most `perTensor`
/// elements of each tensor are probed). The module must be in float64 and deterministic (call
/// Eval() first for Dropout); forward may use any of the module's Forward overloads.
let finiteDifferencesWith (perTensor: int) (m: Module) (inputs: Tensor list) (forward: Module -> Tensor list -> Tensor) =
    let eps = 1e-6
    let floating (t: Tensor) = t.Dtype.IsFloatingPoint

    let leaves =
        inputs |> List.map (fun t -> if floating t then Tensor.requiresGrad t else t)

    let y = forward m leaves
    let c = cotangentFor y.Shape 11 |> Tensor.toDtype y.Dtype
    m.ZeroGrad()
    (Tensor.sum (y * c)).Backward()

    let loss (ins: Tensor list) =
        AD.noGrad (fun () -> (Tensor.sum (forward m ins * c)).ToScalar())

    // Parameters: perturbed in place, one element at a time.
    for name, p in m.NamedParameters() do
        let analytic =
            match p.Grad with
            | Some g -> g.ToArray()
            | None -> Array.zeroCreate p.Numel

        for i in positions p.Numel perTensor do
            let e = AD.basis (Tensor.detach p) i

            let at (delta: float) =
                AD.noGrad (fun () -> p.AddInPlace(e, alpha = delta))
                let v = loss inputs
                AD.noGrad (fun () -> p.AddInPlace(e, alpha = -delta))
                v

            let numeric = (at eps - at -eps) / (2.0 * eps)
            closeWith 1e-5 1e-3 $"∂/∂{name}[{i}]" [| analytic[i] |] [| numeric |]

    // Inputs: perturbed copies.
    for k, (x, leaf) in List.indexed (List.zip inputs leaves) do
        if floating x then
            let analytic =
                match leaf.Grad with
                | Some g -> g.ToArray()
                | None -> Array.zeroCreate x.Numel

            for i in positions x.Numel perTensor do
                let e = AD.basis x i

                let at (delta: float) =
                    loss (inputs |> List.mapi (fun j t -> if j = k then x + delta * e else t))

                let numeric = (at eps - at -eps) / (2.0 * eps)
                closeWith 1e-5 1e-3 $"∂/∂input{k}[{i}]" [| analytic[i] |] [| numeric |]

/// finiteDifferencesWith with up to 12 probed elements per tensor.
let finiteDifferences (m: Module) (inputs: Tensor list) (forward: Module -> Tensor list -> Tensor) =
    finiteDifferencesWith 12 m inputs forward

/// For a one-input module: the gradients of the functional view (AD.gradParams over
/// m.Functional) equal the gradients Backward accumulates in the parameters.
let functionalMatchesBackward (m: Module) (x: Tensor) =
    let c = cotangentFor (m.Forward x).Shape 5 |> Tensor.toDtype x.Dtype
    m.ZeroGrad()
    (Tensor.sum (m.Forward x * c)).Backward()

    let functional =
        AD.gradParams (fun p -> Tensor.sum (m.Functional p x * c)) (m.ParameterValues())

    for name, p in m.NamedParameters() do
        expectTight $"∂/∂{name}" functional[name] (p.Grad |> Option.defaultWith (fun () -> Tensor.zerosLike p))

// ---------------------------------------------------------------- PyTorch parity

let private references =
    Collections.Concurrent.ConcurrentDictionary<string, Lazy<JsonElement>>()

let private reference (file: string) =
    references
        .GetOrAdd(
            file,
            fun f -> lazy (JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PyTorch", f))).RootElement)
        )
        .Value

/// A tensor written by tensor_json (common.py).
let readTensor (e: JsonElement) : Tensor =
    let shape = [| for d in e.GetProperty("shape").EnumerateArray() -> d.GetInt32() |]

    let values = e.GetProperty("values")

    let t =
        match e.GetProperty("dtype").GetString() with
        | "int64" -> Tensor.ofArray [| for v in values.EnumerateArray() -> v.GetInt64() |]
        | "bool" -> Tensor.ofArray [| for v in values.EnumerateArray() -> v.GetBoolean() |]
        | "float32" -> Tensor.ofArray [| for v in values.EnumerateArray() -> float32 (v.GetDouble()) |]
        | _ -> Tensor.ofArray [| for v in values.EnumerateArray() -> v.GetDouble() |]

    Tensor.reshape shape t

let private sameValues (what: string) (actual: Tensor) (expected: Tensor) =
    Expect.equal actual.Shape expected.Shape $"{what}: shape"
    closeWith 1e-10 1e-8 what (actual.ToArray()) (expected.ToArray())

/// One PyTorch-parity case: the module (built in float64) gets PyTorch's state dict through
/// LoadStateDict (strict), runs on the same inputs, and must give the same output, the same
/// gradients of ⟨output, cotangent⟩ for every parameter (by PyTorch's name) and floating-point
/// input, and the same state afterwards (running statistics).
let parityCase (file: string) (name: string) (build: unit -> Module) (forward: Module -> Tensor list -> Tensor) =
    testCase $"{name} matches PyTorch (output, parameter and input gradients, state)"
    <| fun () ->
        let case = (reference file).GetProperty name
        let m = build ()

        let state =
            Params
                [|
                    for p in case.GetProperty("state").EnumerateObject() -> p.Name, readTensor p.Value
                |]

        m.LoadStateDict state

        let inputs =
            [
                for e in case.GetProperty("inputs").EnumerateArray() do
                    let t = readTensor e
                    if t.Dtype.IsFloatingPoint then Tensor.requiresGrad t else t
            ]

        let y = forward m inputs
        sameValues "output" (Tensor.detach y) (readTensor (case.GetProperty "output"))
        m.ZeroGrad()
        (Tensor.sum (y * readTensor (case.GetProperty "cotangent"))).Backward()
        let named = dict (m.NamedParameters())

        for p in case.GetProperty("param_grads").EnumerateObject() do
            Expect.isTrue (named.ContainsKey p.Name) $"Nabla's module has PyTorch's parameter '{p.Name}'"

            if p.Value.ValueKind <> JsonValueKind.Null then
                let g =
                    named[p.Name].Grad
                    |> Option.defaultWith (fun () -> failtest $"no gradient for {p.Name}")

                sameValues $"∂/∂{p.Name}" g (readTensor p.Value)

        for k, e in Seq.indexed (case.GetProperty("input_grads").EnumerateArray()) do
            if e.ValueKind <> JsonValueKind.Null then
                let g =
                    inputs[k].Grad
                    |> Option.defaultWith (fun () -> failtest $"no gradient for input {k}")

                sameValues $"∂/∂input{k}" g (readTensor e)

        let after = m.StateDict()

        for p in case.GetProperty("state_after").EnumerateObject() do
            sameValues $"state '{p.Name}' after the forward pass" after[p.Name] (readTensor p.Value)

/// All cases of a reference file, and a test that the file holds exactly these cases.
let paritySuite (title: string) (file: string) (cases: (string * (unit -> Module) * (Module -> Tensor list -> Tensor)) list) =
    testList
        title
        [
            testCase "the reference covers exactly these cases"
            <| fun () ->
                let names =
                    [
                        for p in (reference file).EnumerateObject() do
                            if not (p.Name.StartsWith "_") then
                                p.Name
                    ]

                Expect.equal (List.sort names) (cases |> List.map (fun (n, _, _) -> n) |> List.sort) "case names"
            for name, build, forward in cases do
                parityCase file name build forward
        ]
