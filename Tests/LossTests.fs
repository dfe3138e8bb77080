/// The losses (Loss module and loss modules): every loss, reduction and option against PyTorch
/// (values and gradients, reference written by PyTorch/reference_losses.py), scalar functions
/// mixing losses with other ops against PyTorch to second order, the law-based op properties
/// (JVP, VJP, forward = reverse, second order) on random shapes, known values, the modules
/// against the functions, their printout, and bad input.
module Nabla.Tests.LossTests

open System
open System.IO
open System.Text.Json
open Expecto
open FsCheck.FSharp
open Nabla
open Nabla.NN
open Nabla.FsCheck
open Nabla.Tests.Check
open Nabla.Tests.OpProperties

let private f64 = Dtype.Float64

// ---------------------------------------------------------------- PyTorch parity: every option

let private reference =
    lazy (JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PyTorch", "reference_losses.json"))).RootElement)

let private reductions = [ Reduction.Mean; Reduction.Sum; Reduction.None ]

let private family (name: string) (rs: Reduction list) (f: Reduction -> Tensor list -> Tensor) =
    [ for r in rs -> $"{name}_{r.Name}", f r ]

/// The twins of reference_losses.py's cases: the name (with the reduction) and the loss of the
/// case's inputs (read from the reference, so both sides use the same numbers).
let private cases: (string * (Tensor list -> Tensor)) list =
    let klReductions = reductions @ [ Reduction.BatchMean ]

    let ce name weight ignore smoothing =
        family name reductions (fun r xs -> Loss.crossEntropyWith r (if weight then Some xs[2] else None) ignore smoothing xs[0] xs[1])

    let nll name weight ignore =
        family name reductions (fun r xs -> Loss.nllWith r (if weight then Some xs[2] else None) ignore xs[0] xs[1])

    List.concat
        [
            family "mse" reductions (fun r xs -> Loss.mseWith r xs[0] xs[1])
            family "l1" reductions (fun r xs -> Loss.l1With r xs[0] xs[1])
            family "smooth_l1" reductions (fun r xs -> Loss.smoothL1With r 1.0 xs[0] xs[1])
            family "smooth_l1_beta_0.5" reductions (fun r xs -> Loss.smoothL1With r 0.5 xs[0] xs[1])
            family "smooth_l1_beta_0" reductions (fun r xs -> Loss.smoothL1With r 0.0 xs[0] xs[1])
            family "huber" reductions (fun r xs -> Loss.huberWith r 1.0 xs[0] xs[1])
            family "huber_delta_0.7" reductions (fun r xs -> Loss.huberWith r 0.7 xs[0] xs[1])
            family "bce" reductions (fun r xs -> Loss.bceWith r None xs[0] xs[1])
            family "bce_hard_labels" reductions (fun r xs -> Loss.bceWith r None xs[0] xs[1])
            family "bce_weight" reductions (fun r xs -> Loss.bceWith r (Some xs[2]) xs[0] xs[1])
            family "bce_weight_broadcast" reductions (fun r xs -> Loss.bceWith r (Some xs[2]) xs[0] xs[1])
            family "bce_with_logits" reductions (fun r xs -> Loss.bceWithLogitsWith r None None xs[0] xs[1])
            family "bce_with_logits_weight" reductions (fun r xs -> Loss.bceWithLogitsWith r (Some xs[2]) None xs[0] xs[1])
            family "bce_with_logits_pos_weight" reductions (fun r xs -> Loss.bceWithLogitsWith r None (Some xs[2]) xs[0] xs[1])
            family "bce_with_logits_weight_pos_weight" reductions (fun r xs ->
                Loss.bceWithLogitsWith r (Some xs[2]) (Some xs[3]) xs[0] xs[1])
            ce "cross_entropy" false -100 0.0
            ce "cross_entropy_weight" true -100 0.0
            ce "cross_entropy_ignore" false -100 0.0
            ce "cross_entropy_weight_ignore" true -100 0.0
            ce "cross_entropy_ignore_index_1" true 1 0.0
            ce "cross_entropy_smoothing" false -100 0.2
            ce "cross_entropy_smoothing_weight_ignore" true -100 0.15
            ce "cross_entropy_smoothing_ignore" false -100 0.3
            ce "cross_entropy_probs" false -100 0.0
            ce "cross_entropy_probs_weight_smoothing" true -100 0.1
            ce "cross_entropy_spatial" false -100 0.0
            ce "cross_entropy_spatial_weight_ignore_smoothing" true -100 0.1
            ce "cross_entropy_spatial_probs" false -100 0.0
            ce "cross_entropy_unbatched" false -100 0.0
            ce "cross_entropy_unbatched_weight_smoothing" true -100 0.25
            ce "cross_entropy_unbatched_probs" false -100 0.0
            nll "nll" false -100
            nll "nll_weight" true -100
            nll "nll_weight_ignore" true -100
            nll "nll_ignore" false -100
            nll "nll_ignore_index_1" false 1
            nll "nll_spatial_weight_ignore" true -100
            nll "nll_unbatched" false -100
            family "kl_div" klReductions (fun r xs -> Loss.klDivWith r false xs[0] xs[1])
            family "kl_div_zero_target" klReductions (fun r xs -> Loss.klDivWith r false xs[0] xs[1])
            family "kl_div_log_target" klReductions (fun r xs -> Loss.klDivWith r true xs[0] xs[1])
            family "cosine_embedding" reductions (fun r xs -> Loss.cosineEmbeddingWith r 0.0 xs[0] xs[1] xs[2])
            family "cosine_embedding_margin" reductions (fun r xs -> Loss.cosineEmbeddingWith r -0.4 xs[0] xs[1] xs[2])
            family "cosine_embedding_margin_0.5" reductions (fun r xs -> Loss.cosineEmbeddingWith r 0.5 xs[0] xs[1] xs[2])
            family "cosine_embedding_unbatched" reductions (fun r xs -> Loss.cosineEmbeddingWith r 0.0 xs[0] xs[1] xs[2])
            family "margin_ranking" reductions (fun r xs -> Loss.marginRankingWith r 0.0 xs[0] xs[1] xs[2])
            family "margin_ranking_margin" reductions (fun r xs -> Loss.marginRankingWith r 0.3 xs[0] xs[1] xs[2])
        ]

let private sameValues (what: string) (actual: Tensor) (expected: Tensor) =
    Expect.equal actual.Shape expected.Shape $"{what}: shape"
    closeWith 1e-10 1e-10 what (actual.ToArray()) (expected.ToArray())

/// The inputs of a reference case (those with a reference gradient as requires-grad leaves), its
/// value, cotangent and gradients.
let private caseData (name: string) =
    let case = reference.Value.GetProperty name
    let grads = [ for e in case.GetProperty("grads").EnumerateArray() -> e ]

    let inputs =
        [
            for i, e in Seq.indexed (case.GetProperty("inputs").EnumerateArray()) do
                let t = LayerCheck.readTensor e

                if grads[i].ValueKind <> JsonValueKind.Null then
                    Tensor.requiresGrad t
                else
                    t
        ]

    inputs, LayerCheck.readTensor (case.GetProperty "value"), LayerCheck.readTensor (case.GetProperty "cotangent"), grads

let private parityCase (name: string, f: Tensor list -> Tensor) =
    testCase $"{name} matches PyTorch (value and gradients)"
    <| fun () ->
        let inputs, value, cotangent, grads = caseData name
        let y = f inputs
        sameValues "value" (Tensor.detach y) value
        (Tensor.sum (y * cotangent)).Backward()

        for i, e in List.indexed grads do
            if e.ValueKind <> JsonValueKind.Null then
                let g =
                    inputs[i].Grad
                    |> Option.defaultWith (fun () -> failtest $"no gradient for input {i}")

                sameValues $"∂/∂input{i}" g (LayerCheck.readTensor e)

/// The same cases through the pure transforms (AD.vjp) instead of Backward: the gradient of the
/// first input.
let private parityCasePure (name: string, f: Tensor list -> Tensor) =
    testCase $"{name}: AD.vjp gives PyTorch's gradient"
    <| fun () ->
        let inputs, _, cotangent, grads = caseData name
        let plain = inputs |> List.map Tensor.detach
        let y, pullback = AD.vjp (fun x -> f (x :: plain.Tail)) plain.Head
        sameValues "value" y (LayerCheck.readTensor (reference.Value.GetProperty(name).GetProperty "value"))
        sameValues "∂/∂input0" (pullback cotangent) (LayerCheck.readTensor grads[0])

let private parity =
    testList
        "PyTorch parity (every loss, reduction and option)"
        [
            testCase "the reference covers exactly these cases"
            <| fun () ->
                let names =
                    [
                        for p in reference.Value.EnumerateObject() do
                            if not (p.Name.StartsWith "_") then
                                p.Name
                    ]

                Expect.equal (List.sort names) (cases |> List.map fst |> List.sort) "case names"
            for c in cases do
                parityCase c
            for c in
                cases
                |> List.filter (fun (n, _) -> n.EndsWith "_sum" || n.EndsWith "_batchmean") do
                parityCasePure c
        ]

// ---------------------------------------------------------------- PyTorch parity: scalar functions, to second order

let private arange n =
    Tensor.Arange(0.0, float n, dtype = f64)

let private x6 = Tensor.ofArray [| 0.3; -1.2; 0.8; 1.7; -0.4; 0.05 |]
let private v6 = Tensor.ofArray [| 1.0; 0.5; -0.3; 0.2; -1.0; 0.7 |]

let private x12 =
    Tensor.Linspace(-1.1, 1.4, 12, dtype = f64) * Tensor.cos (arange 12)

let private v12 = Tensor.sin (arange 12 + 0.5)
let private T23 = Tensor.create [ [ 0.5; -0.2; 0.1 ]; [ 0.9; 0.0; -0.7 ] ]
let private idx4 = Tensor.ofArray [| 2L; -100L; 0L; 1L |]
let private cw3 = Tensor.ofArray [| 0.5; 1.5; 1.1 |]
let private rs (shape: int[]) (x: Tensor) = Tensor.reshape shape x
let private flip (x: Tensor) = Tensor.flip [| 0 |] x

let private functions: (string * (Tensor -> Tensor) * Tensor * Tensor) list =
    [
        "mse_of_tanh", (fun x -> Loss.mse (tanh (rs [| 2; 3 |] x)) T23 * 3.0), x6, v6
        "l1_smooth_l1_huber",
        (fun x ->
            let t = Tensor.flatten T23

            Loss.l1 (x * x) t
            + Loss.smoothL1With Reduction.Sum 0.6 x t
            + Loss.huberWith Reduction.Mean 0.4 (sin x) (t * 2.0)),
        x6,
        v6
        "cross_entropy_weight_ignore_smoothing",
        (fun x -> Loss.crossEntropyWith Reduction.Mean (Some cw3) -100 0.2 (rs [| 4; 3 |] x * 1.5) idx4),
        x12,
        v12
        "cross_entropy_none_times_values",
        (fun x ->
            let labels = Tensor.ofArray [| 1L; 0L; 2L; 2L |]

            Tensor.sum (
                Loss.crossEntropyWith Reduction.None None -100 0.0 (rs [| 4; 3 |] x) labels
                * x.[0..3]
            )),
        x12,
        v12
        "cross_entropy_probs_from_x",
        (fun x -> Loss.crossEntropyWith Reduction.Mean None -100 0.1 (rs [| 3; 4 |] x) (Tensor.softmax 1 (rs [| 3; 4 |] (flip x)))),
        x12,
        v12
        "nll_of_log_softmax_sum",
        (fun x ->
            let m = rs [| 4; 3 |] x
            Loss.nllWith Reduction.Sum (Some cw3) -100 (Tensor.logSoftmax 1 m * cos m) idx4),
        x12,
        v12
        "bce_of_sigmoid_weight",
        (fun x ->
            Loss.bceWith
                Reduction.Mean
                (Some(Tensor.ofArray [| 0.5; 1.0; 2.0 |]))
                (Tensor.sigmoid (rs [| 2; 3 |] x))
                (Tensor.create [ [ 1.0; 0.0; 0.3 ]; [ 0.6; 1.0; 0.0 ] ])),
        x6,
        v6
        "bce_with_logits_pos_weight_target_from_x",
        (fun x ->
            Loss.bceWithLogitsWith
                Reduction.Mean
                (Some(Tensor.create [ [ 0.7 ]; [ 1.3 ] ]))
                (Some(Tensor.ofArray [| 2.0; 0.5; 1.5 |]))
                (rs [| 2; 3 |] x)
                (Tensor.sigmoid (rs [| 2; 3 |] (flip x)))),
        x6,
        v6
        "kl_div_batchmean_and_log_target",
        (fun x ->
            Loss.klDivWith Reduction.BatchMean false (Tensor.logSoftmax 1 (rs [| 2; 3 |] x)) (Tensor.softmax 1 (rs [| 2; 3 |] (flip x)))
            + Loss.klDivWith Reduction.Sum true (Tensor.logSoftmax 1 (rs [| 3; 2 |] x)) (rs [| 3; 2 |] x * 0.5)),
        x6,
        v6
        "cosine_embedding_and_margin_ranking",
        (fun x ->
            Loss.cosineEmbeddingWith Reduction.Mean -0.5 (rs [| 2; 3 |] x.[0..5]) (rs [| 2; 3 |] x.[6..]) (Tensor.ofArray [| 1.0; -1.0 |])
            + Loss.marginRankingWith Reduction.Sum 0.1 x.[0..5] (x.[6..] * 0.5) (Tensor.ofArray [| 1.0; -1.0; 1.0; -1.0; 1.0; 1.0 |])),
        x12,
        v12
    ]

// ---------------------------------------------------------------- op properties on random shapes

/// Two inputs of one random shape (rank 1 to 3).
let private samePair = Shapes.rankBetween 1 3 |> Gen.map (fun s -> [| s; s |])

let private pairSpec name (da, db) (f: Tensor -> Tensor -> Tensor) =
    {
        Name = name
        Shapes = samePair
        Domains = [| da; db |]
        Wrt = [ 0; 1 ]
        Fn = (fun xs -> f xs[0] xs[1])
        ZeroSize = None
    }

let private onFixed name (shapes: int[][]) (domains: Domain[]) (wrt: int list) (f: Tensor[] -> Tensor) =
    {
        Name = name
        Shapes = fixedShapes shapes
        Domains = domains
        Wrt = wrt
        Fn = f
        ZeroSize = None
    }

let private labels4 = Tensor.ofArray [| 2L; 0L; -100L; 1L |]
let private weights3 = Tensor.ofArray [| 0.6; 1.4; 0.9 |]

let private labelsSpatial =
    Tensor.create [ [ 0L; 2L ]; [ 1L; -100L ] ] |> Tensor.reshape [| 2; 2 |]

let private specs: OpSpec list =
    [
        for r in reductions do
            let n = r.Name
            pairSpec $"mse ({n})" (Any, Any) (Loss.mseWith r)
            // a − (b − 3) ≥ 1.3: away from the kink at input = target
            pairSpec $"l1 ({n})" (Positive, Any) (fun a b -> Loss.l1With r a (b - 3.0))
            pairSpec $"smoothL1 beta 0.7 ({n})" (Any, Any) (Loss.smoothL1With r 0.7)
            pairSpec $"huber delta 0.8 ({n})" (Any, Any) (Loss.huberWith r 0.8)
            pairSpec $"bce of sigmoids ({n})" (Any, Any) (fun a b -> Loss.bceWith r None (Tensor.sigmoid a) (Tensor.sigmoid b))
            pairSpec $"bceWithLogits ({n})" (Any, Any) (fun a b -> Loss.bceWithLogitsWith r None None a (Tensor.sigmoid b))

            onFixed $"bceWithLogits with weight and posWeight ({n})" [| [| 2; 3 |]; [| 2; 3 |] |] [| Any; Any |] [ 0; 1 ] (fun xs ->
                Loss.bceWithLogitsWith r (Some(Tensor.create [ [ 0.5 ]; [ 1.5 ] ])) (Some weights3) xs[0] (Tensor.sigmoid xs[1]))

            onFixed $"crossEntropy with weight, ignoreIndex and labelSmoothing ({n})" [| [| 4; 3 |] |] [| Any |] [ 0 ] (fun xs ->
                Loss.crossEntropyWith r (Some weights3) -100 0.15 xs[0] labels4)

            onFixed $"crossEntropy ({n})" [| [| 4; 3 |] |] [| Any |] [ 0 ] (fun xs ->
                Loss.crossEntropyWith r None -100 0.0 xs[0] (Tensor.ofArray [| 2L; 0L; 0L; 1L |]))

            onFixed $"crossEntropy spatial ({n})" [| [| 2; 3; 2 |] |] [| Any |] [ 0 ] (fun xs ->
                Loss.crossEntropyWith r (Some weights3) -100 0.1 xs[0] labelsSpatial)

            onFixed $"crossEntropy with probabilities ({n})" [| [| 3; 4 |]; [| 3; 4 |] |] [| Any; Any |] [ 0; 1 ] (fun xs ->
                Loss.crossEntropyWith r None -100 0.2 xs[0] (Tensor.softmax 1 xs[1]))

            onFixed $"nll ({n})" [| [| 4; 3 |] |] [| Any |] [ 0 ] (fun xs ->
                Loss.nllWith r (Some weights3) -100 (Tensor.logSoftmax 1 xs[0]) labels4)

            onFixed $"klDiv ({n})" [| [| 3; 4 |]; [| 3; 4 |] |] [| Any; Any |] [ 0; 1 ] (fun xs ->
                Loss.klDivWith r false (Tensor.logSoftmax 1 xs[0]) (Tensor.softmax 1 xs[1]))

            onFixed $"klDiv with logTarget ({n})" [| [| 3; 4 |]; [| 3; 4 |] |] [| Any; Any |] [ 0; 1 ] (fun xs ->
                Loss.klDivWith r true xs[0] (Tensor.logSoftmax 1 xs[1]))

            onFixed $"cosineEmbedding ({n})" [| [| 3; 4 |]; [| 3; 4 |] |] [| AwayFromZero; AwayFromZero |] [ 0; 1 ] (fun xs ->
                Loss.cosineEmbeddingWith r -2.0 xs[0] xs[1] (Tensor.ofArray [| 1.0; -1.0; 1.0 |]))

            onFixed $"marginRanking ({n})" [| [| 5 |]; [| 5 |] |] [| Any; Any |] [ 0; 1 ] (fun xs ->
                Loss.marginRankingWith r 10.0 xs[0] xs[1] (Tensor.ofArray [| 1.0; -1.0; 1.0; 1.0; -1.0 |]))
        onFixed "klDiv (batchmean)" [| [| 3; 4 |]; [| 3; 4 |] |] [| Any; Any |] [ 0; 1 ] (fun xs ->
            Loss.klDivWith Reduction.BatchMean false (Tensor.logSoftmax 1 xs[0]) (Tensor.softmax 1 xs[1]))
    ]

// ---------------------------------------------------------------- known values

let private knownValues =
    testList
        "known values"
        [
            testCase "mse and l1 of [1, 2] against [0, 0]"
            <| fun () ->
                let x = Tensor.ofArray [| 1.0; 2.0 |]
                let t = Tensor.zerosLike x
                expectScalar "mse" 2.5 (Loss.mse x t)
                expectScalar "l1" 1.5 (Loss.l1 x t)
                expectScalar "mse sum" 5.0 (Loss.mseWith Reduction.Sum x t)
                Expect.equal ((Loss.mseWith Reduction.None x t).ToArray()) [| 1.0; 4.0 |] "mse none"
            testCase "the gradient of mse is 2(x − t)/n"
            <| fun () ->
                let x = Tensor.ofArray [| 1.0; 2.0; -1.0 |]
                let t = Tensor.ofArray [| 0.5; 0.0; 1.0 |]
                expectTight "gradient" (AD.grad (fun x -> Loss.mse x t) x) ((x - t) * (2.0 / 3.0))
            testCase "crossEntropy of equal logits is log C, and its gradient softmax − onehot over N"
            <| fun () ->
                let x = Tensor.zeros [| 2; 4 |] |> Tensor.toDtype f64
                let labels = Tensor.ofArray [| 1L; 3L |]
                expectScalar "loss" (log 4.0) (Loss.crossEntropy x labels)

                let expected =
                    Tensor.create [ [ 0.25; -0.75; 0.25; 0.25 ]; [ 0.25; 0.25; 0.25; -0.75 ] ] / 2.0

                expectTight "gradient" (AD.grad (fun x -> Loss.crossEntropy x labels) x) expected
            testCase "crossEntropy accepts int32 labels as int64 ones"
            <| fun () ->
                let x = Tensor.create [ [ 0.3; -0.2; 1.0 ]; [ 0.1; 0.4; -0.5 ] ]
                let a = Loss.crossEntropy x (Tensor.ofArray [| 2; 0 |])
                let b = Loss.crossEntropy x (Tensor.ofArray [| 2L; 0L |])
                expectTight "loss" a b
            testCase "crossEntropy and nll with every target ignored give NaN for the mean, 0 for the sum"
            <| fun () ->
                let x = Tensor.create [ [ 0.3; -0.2; 1.0 ] ]
                let labels = Tensor.ofArray [| -100L |]
                Expect.isTrue (Double.IsNaN((Loss.crossEntropy x labels).ToScalar())) "mean"
                expectScalar "sum" 0.0 (Loss.crossEntropyWith Reduction.Sum None -100 0.0 x labels)
                Expect.isTrue (Double.IsNaN((Loss.nll x labels).ToScalar())) "nll mean"
            testCase "bce clamps the logs at −100"
            <| fun () ->
                let x = Tensor.ofArray [| 0.0; 1.0 |]
                let t = Tensor.ofArray [| 1.0; 0.0 |]
                expectScalar "loss" 100.0 (Loss.bce x t)
            testCase "crossEntropy equals nll of logSoftmax, and bceWithLogits equals bce of sigmoid"
            <| fun () ->
                let x = Tensor.create [ [ 0.3; -0.2; 1.0 ]; [ 0.1; 0.4; -0.5 ] ]
                let labels = Tensor.ofArray [| 2L; 1L |]
                expectTight "ce" (Loss.crossEntropy x labels) (Loss.nll (Tensor.logSoftmax 1 x) labels)
                let t = Tensor.create [ [ 1.0; 0.0; 0.5 ]; [ 0.2; 1.0; 0.0 ] ]
                expectTight "bce" (Loss.bceWithLogits x t) (Loss.bce (Tensor.sigmoid x) t)
            testCase "the losses keep float32"
            <| fun () ->
                let x = Tensor.create [ [ 0.3f; -0.2f; 1.0f ] ]
                Expect.equal (Loss.mse x (Tensor.zerosLike x)).Dtype Dtype.Float32 "mse"
                Expect.equal (Loss.crossEntropy x (Tensor.ofArray [| 1L |])).Dtype Dtype.Float32 "crossEntropy"
                Expect.equal (Loss.bceWithLogits x (Tensor.zerosLike x)).Dtype Dtype.Float32 "bceWithLogits"
            testCase "crossEntropy works with Backward on float32 parameters"
            <| fun () ->
                let w =
                    Tensor.requiresGrad (Tensor.create [ [ 0.5f; -0.5f ]; [ 0.25f; 1.0f ]; [ -1.0f; 0.0f ] ])

                let x = Tensor.create [ [ 1.0f; 2.0f ]; [ -1.0f; 0.5f ] ]

                let loss =
                    Loss.crossEntropy (Tensor.matmul x (Tensor.transpose 0 1 w)) (Tensor.ofArray [| 0L; 2L |])

                loss.Backward()
                let g = w.Grad.Value

                let expected =
                    AD.grad
                        (fun w -> Loss.crossEntropy (Tensor.matmul x (Tensor.transpose 0 1 w)) (Tensor.ofArray [| 0L; 2L |]))
                        (Tensor.detach w)

                expectTight "gradient" g expected
            testCase "mse's Hessian is 2/n times the identity"
            <| fun () ->
                let t = Tensor.ofArray [| 0.5; 0.0; 1.0 |]
                let h = AD.hessian (fun x -> Loss.mse x t) (Tensor.ofArray [| 1.0; 2.0; -1.0 |])
                expectTight "Hessian" h (Tensor.Eye(3, dtype = f64) * (2.0 / 3.0))
            testCase "Reduction names and Parse follow PyTorch"
            <| fun () ->
                for r in [ Reduction.Mean; Reduction.Sum; Reduction.None; Reduction.BatchMean ] do
                    Expect.equal (Reduction.Parse r.Name) r r.Name

                Expect.equal (string Reduction.None) "none" "ToString"
                throwsWith<ArgumentException> [ "Reduction.Parse"; "average" ] (fun () -> Reduction.Parse "average" |> ignore)
        ]

// ---------------------------------------------------------------- modules

let private moduleTests =
    let x = Tensor.create [ [ 0.3; -0.2; 1.0 ]; [ 0.1; 0.4; -0.5 ] ]
    let t = Tensor.create [ [ 0.2; 0.0; 1.0 ]; [ 1.0; 0.3; 0.0 ] ]
    let labels = Tensor.ofArray [| 2L; 1L |]
    let w = Tensor.ofArray [| 0.5; 1.0; 2.0 |]

    testList
        "modules"
        [
            testCase "each module equals its function"
            <| fun () ->
                let pairs: (string * Tensor * Tensor) list =
                    [
                        "MSELoss", MSELoss().Forward(x, t), Loss.mse x t
                        "MSELoss sum", MSELoss(reduction = Reduction.Sum).Forward(x, t), Loss.mseWith Reduction.Sum x t
                        "L1Loss", L1Loss(Reduction.None).Forward(x, t), Loss.l1With Reduction.None x t
                        "SmoothL1Loss", SmoothL1Loss(beta = 0.25).Forward(x, t), Loss.smoothL1With Reduction.Mean 0.25 x t
                        "HuberLoss", HuberLoss(delta = 0.3).Forward(x, t), Loss.huberWith Reduction.Mean 0.3 x t
                        "BCELoss",
                        BCELoss(weight = w).Forward(Tensor.sigmoid x, t),
                        Loss.bceWith Reduction.Mean (Some w) (Tensor.sigmoid x) t
                        "BCEWithLogitsLoss",
                        BCEWithLogitsLoss(posWeight = w, reduction = Reduction.Sum).Forward(x, t),
                        Loss.bceWithLogitsWith Reduction.Sum None (Some w) x t
                        "CrossEntropyLoss",
                        CrossEntropyLoss(weight = w, labelSmoothing = 0.1).Invoke(x, labels),
                        Loss.crossEntropyWith Reduction.Mean (Some w) -100 0.1 x labels
                        "CrossEntropyLoss probabilities",
                        CrossEntropyLoss().Forward(x, Tensor.softmax 1 t),
                        Loss.crossEntropy x (Tensor.softmax 1 t)
                        "NLLLoss", NLLLoss(ignoreIndex = 1).Forward(x, labels), Loss.nllWith Reduction.Mean None 1 x labels
                        "KLDivLoss",
                        KLDivLoss(reduction = Reduction.BatchMean, logTarget = true).Forward(x, t),
                        Loss.klDivWith Reduction.BatchMean true x t
                        "CosineEmbeddingLoss",
                        CosineEmbeddingLoss(margin = 0.1).Forward(x, t, Tensor.ofArray [| 1.0; -1.0 |]),
                        Loss.cosineEmbeddingWith Reduction.Mean 0.1 x t (Tensor.ofArray [| 1.0; -1.0 |])
                        "MarginRankingLoss",
                        MarginRankingLoss(0.2, Reduction.Sum).Forward(x, t, Tensor.onesLike x),
                        Loss.marginRankingWith Reduction.Sum 0.2 x t (Tensor.onesLike x)
                    ]

                for name, a, b in pairs do
                    expectTight name a b
            testCase "a loss module is a function of two arguments"
            <| fun () ->
                let criterion = MSELoss()
                let f = criterion.AsFunction
                expectTight "AsFunction" (f x t) (Loss.mse x t)
            testCase "modules print as PyTorch, with the options that differ from the defaults"
            <| fun () ->
                Expect.equal (string (MSELoss())) "MSELoss()" "MSELoss"
                Expect.equal (string (CrossEntropyLoss())) "CrossEntropyLoss()" "CrossEntropyLoss"
                Expect.equal (string (BCEWithLogitsLoss())) "BCEWithLogitsLoss()" "BCEWithLogitsLoss"
                Expect.equal (string (L1Loss(Reduction.Sum))) "L1Loss(reduction='sum')" "L1Loss"

                Expect.equal
                    (string (CrossEntropyLoss(ignoreIndex = 0, labelSmoothing = 0.1, reduction = Reduction.None)))
                    "CrossEntropyLoss(reduction='none', ignore_index=0, label_smoothing=0.1)"
                    "CrossEntropyLoss options"

                Expect.equal (string (SmoothL1Loss(beta = 0.5))) "SmoothL1Loss(beta=0.5)" "SmoothL1Loss"
                Expect.equal (string (HuberLoss(delta = 2.0))) "HuberLoss(delta=2.0)" "HuberLoss"
                Expect.equal (string (KLDivLoss(Reduction.BatchMean, true))) "KLDivLoss(reduction='batchmean', log_target=True)" "KLDivLoss"
                Expect.equal (string (MarginRankingLoss(margin = 0.5))) "MarginRankingLoss(margin=0.5)" "MarginRankingLoss"
                Expect.equal (string (CosineEmbeddingLoss())) "CosineEmbeddingLoss()" "CosineEmbeddingLoss"
                Expect.equal (string (NLLLoss(ignoreIndex = 3))) "NLLLoss(ignore_index=3)" "NLLLoss"
            testCase "class weights are buffers (in the state dict, converted with the module), and there are no parameters"
            <| fun () ->
                let m = CrossEntropyLoss(weight = Tensor.ofArray [| 1.0f; 2.0f; 3.0f |])
                Expect.isEmpty (m.Parameters()) "no parameters"
                Expect.equal (m.StateDict().Names) [| "weight" |] "state dict"
                m.To(Dtype.Float64)
                Expect.equal m.Weight.Value.Dtype Dtype.Float64 "converted"
                let b = BCEWithLogitsLoss(posWeight = Tensor.ofArray [| 2.0 |])
                Expect.equal (b.StateDict().Names) [| "pos_weight" |] "pos_weight"
            testCase "the one-input Forward is refused with a message naming the two-input call"
            <| fun () ->
                throwsWith<NotSupportedException> [ "MSELoss"; "Forward(input, target)" ] (fun () -> MSELoss().Forward x |> ignore)

                throwsWith<NotSupportedException> [ "MarginRankingLoss"; "Forward(x1, x2, target)" ] (fun () ->
                    MarginRankingLoss().Forward x |> ignore)
            testCase "module gradients agree with finite differences"
            <| fun () ->
                LayerCheck.finiteDifferences (CrossEntropyLoss(weight = w, labelSmoothing = 0.2)) [ x; Tensor.softmax 1 t ] (fun m ins ->
                    (m :?> CrossEntropyLoss).Forward(ins[0], ins[1]))

                LayerCheck.finiteDifferences (BCEWithLogitsLoss(posWeight = w, reduction = Reduction.None)) [ x; t ] (fun m ins ->
                    (m :?> BCEWithLogitsLoss).Forward(ins[0], ins[1]))
            testCase "bad module options are refused"
            <| fun () ->
                throwsWith<ArgumentException> [ "CrossEntropyLoss"; "labelSmoothing"; "1.5" ] (fun () ->
                    CrossEntropyLoss(labelSmoothing = 1.5) |> ignore)

                throwsWith<ArgumentException> [ "HuberLoss"; "delta"; "0" ] (fun () -> HuberLoss(delta = 0.0) |> ignore)
                throwsWith<ArgumentException> [ "SmoothL1Loss"; "beta"; "-1" ] (fun () -> SmoothL1Loss(beta = -1.0) |> ignore)
        ]

// ---------------------------------------------------------------- bad input

let private errors =
    let x = Tensor.create [ [ 0.3; -0.2; 1.0 ]; [ 0.1; 0.4; -0.5 ] ]

    testList
        "errors"
        [
            testCase "mse refuses different shapes instead of broadcasting them"
            <| fun () ->
                throwsWith<ArgumentException> [ "mse"; "[4]"; "[4, 1]"; "Reshape" ] (fun () ->
                    Loss.mse (Tensor.zeros [| 4 |]) (Tensor.zeros [| 4; 1 |]) |> ignore)

                for name, f in
                    [
                        "l1", Loss.l1
                        "smoothL1", Loss.smoothL1
                        "huber", Loss.huber
                        "bce", Loss.bce
                        "bceWithLogits", Loss.bceWithLogits
                        "klDiv", Loss.klDiv
                    ] do
                    throwsWith<ArgumentException> [ name + ":"; "[2, 3]"; "[3]" ] (fun () -> f x (Tensor.zeros [| 3 |]) |> ignore)
            testCase "integer inputs and targets of regression losses are refused"
            <| fun () ->
                throwsWith<ArgumentException> [ "mse"; "input"; "int64"; "Tensor.toDtype" ] (fun () ->
                    Loss.mse (Tensor.ofArray [| 1L; 2L |]) (Tensor.ofArray [| 1.0; 2.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "mse"; "target"; "int64" ] (fun () ->
                    Loss.mse (Tensor.ofArray [| 1.0; 2.0 |]) (Tensor.ofArray [| 1L; 2L |]) |> ignore)
            testCase "class indices out of range are refused before LibTorch sees them"
            <| fun () ->
                throwsWith<ArgumentException> [ "crossEntropy"; "7"; "3 classes"; "0 .. 2" ] (fun () ->
                    Loss.crossEntropy x (Tensor.ofArray [| 7L; 0L |]) |> ignore)

                throwsWith<ArgumentException> [ "crossEntropy"; "-1"; "0 .. 2" ] (fun () ->
                    Loss.crossEntropy x (Tensor.ofArray [| 0L; -1L |]) |> ignore)

                throwsWith<ArgumentException> [ "nll"; "3"; "3 classes" ] (fun () -> Loss.nll x (Tensor.ofArray [| 3L; 0L |]) |> ignore)

                throwsWith<ArgumentException> [ "crossEntropy"; "-100" ] (fun () ->
                    Loss.crossEntropyWith Reduction.Mean None 0 0.0 x (Tensor.ofArray [| -100L; 1L |])
                    |> ignore)
            testCase "float targets of class-index shape and integer targets of the input's shape are refused"
            <| fun () ->
                throwsWith<ArgumentException> [ "crossEntropy"; "float64[2]"; "class probabilities"; "Dtype.Int64" ] (fun () ->
                    Loss.crossEntropy x (Tensor.ofArray [| 1.0; 0.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "crossEntropy"; "probabilities"; "floating-point" ] (fun () ->
                    Loss.crossEntropy x (Tensor.Zeros([| 2; 3 |], dtype = Dtype.Int64)) |> ignore)

                throwsWith<ArgumentException> [ "crossEntropy"; "[2]"; "[3]" ] (fun () ->
                    Loss.crossEntropy x (Tensor.ofArray [| 1L; 0L; 2L |]) |> ignore)

                throwsWith<ArgumentException> [ "nll"; "float64[2]"; "Dtype.Int64" ] (fun () ->
                    Loss.nll x (Tensor.ofArray [| 1.0; 0.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "crossEntropy"; "bool" ] (fun () ->
                    Loss.crossEntropy x (Tensor.ofArray [| true; false |]) |> ignore)

                throwsWith<ArgumentException> [ "crossEntropy"; "0-d" ] (fun () ->
                    Loss.crossEntropy (Tensor.scalar 1.0) (Tensor.ofArray [| 0L |]) |> ignore)
            testCase "bad class weights, labelSmoothing and ignoreIndex with probabilities are refused"
            <| fun () ->
                throwsWith<ArgumentException> [ "crossEntropy"; "weight"; "[3]"; "[2]" ] (fun () ->
                    Loss.crossEntropyWith Reduction.Mean (Some(Tensor.ofArray [| 1.0; 2.0 |])) -100 0.0 x (Tensor.ofArray [| 0L; 1L |])
                    |> ignore)

                throwsWith<ArgumentException> [ "crossEntropy"; "labelSmoothing"; "-0.1" ] (fun () ->
                    Loss.crossEntropyWith Reduction.Mean None -100 -0.1 x (Tensor.ofArray [| 0L; 1L |])
                    |> ignore)

                throwsWith<ArgumentException> [ "crossEntropy"; "ignoreIndex"; "probabilities" ] (fun () ->
                    Loss.crossEntropyWith Reduction.Mean None 0 0.0 x (Tensor.softmax 1 x) |> ignore)

                throwsWith<ArgumentException> [ "bceWithLogits"; "posWeight"; "[4]"; "[2, 3]" ] (fun () ->
                    Loss.bceWithLogitsWith Reduction.Mean None (Some(Tensor.ones [| 4 |])) x x
                    |> ignore)
            testCase "BatchMean is klDiv's alone"
            <| fun () ->
                throwsWith<ArgumentException> [ "mse"; "BatchMean"; "klDiv" ] (fun () -> Loss.mseWith Reduction.BatchMean x x |> ignore)

                throwsWith<ArgumentException> [ "crossEntropy"; "BatchMean" ] (fun () ->
                    Loss.crossEntropyWith Reduction.BatchMean None -100 0.0 x (Tensor.ofArray [| 0L; 1L |])
                    |> ignore)
            testCase "bce outside [0, 1] is refused with LibTorch's reason, named"
            <| fun () -> throwsWith<ArgumentException> [ "bce"; "between 0 and 1" ] (fun () -> Loss.bce x (Tensor.zerosLike x) |> ignore)
            testCase "cosineEmbedding and marginRanking check shapes and ±1 targets"
            <| fun () ->
                throwsWith<ArgumentException> [ "cosineEmbedding"; "1"; "-1"; "2·y − 1" ] (fun () ->
                    Loss.cosineEmbedding x x (Tensor.ofArray [| 1.0; 0.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "cosineEmbedding"; "[2]"; "[3]" ] (fun () ->
                    Loss.cosineEmbedding x x (Tensor.ofArray [| 1.0; 1.0; 1.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "cosineEmbedding"; "[2, 3]"; "[3, 2]" ] (fun () ->
                    Loss.cosineEmbedding x (Tensor.zeros [| 3; 2 |]) (Tensor.ofArray [| 1.0; 1.0 |])
                    |> ignore)

                throwsWith<ArgumentException> [ "marginRanking"; "[2, 3]"; "[3]" ] (fun () ->
                    Loss.marginRanking x x (Tensor.ones [| 3 |]) |> ignore)
            testCase "smoothL1 and huber refuse bad beta and delta"
            <| fun () ->
                throwsWith<ArgumentException> [ "smoothL1"; "beta"; "-0.5" ] (fun () -> Loss.smoothL1With Reduction.Mean -0.5 x x |> ignore)
                throwsWith<ArgumentException> [ "huber"; "delta"; "0" ] (fun () -> Loss.huberWith Reduction.Mean 0.0 x x |> ignore)
            testCase "null tensors are refused by name"
            <| fun () ->
                throwsWith<ArgumentNullException> [ "mse"; "target" ] (fun () -> Loss.mse x Unchecked.defaultof<_> |> ignore)

                throwsWith<ArgumentNullException> [ "crossEntropy"; "input" ] (fun () ->
                    Loss.crossEntropy Unchecked.defaultof<_> x |> ignore)
        ]

// ---------------------------------------------------------------- memory

let private memory =
    let x = Tensor.create [ [ 0.3; -0.2; 1.0 ]; [ 0.1; 0.4; -0.5 ] ]
    let t = Tensor.create [ [ 0.2; 0.0; 1.0 ]; [ 1.0; 0.3; 0.0 ] ]
    let labels = Tensor.ofArray [| 2L; -100L |]
    let w = Tensor.ofArray [| 0.5; 1.0; 2.0 |]

    testList
        "memory"
        [
            for name, loss in
                [
                    "mse", (fun x -> Loss.mse x t)
                    "bceWithLogits", (fun x -> Loss.bceWithLogitsWith Reduction.Sum (Some w) (Some w) x t)
                    "crossEntropy", (fun x -> Loss.crossEntropy x (Tensor.ofArray [| 2L; 0L |]))
                    "crossEntropy with options", (fun x -> Loss.crossEntropyWith Reduction.Mean (Some w) -100 0.1 x labels)
                    "nll", (fun x -> Loss.nllWith Reduction.Mean (Some w) -100 x labels)
                    "klDiv", (fun x -> Loss.klDivWith Reduction.BatchMean false x (Tensor.softmax 1 t))
                ] do
                testCase $"the gradient and Hessian of {name} leave no tensor alive but their results"
                <| fun () ->
                    let before = Scope.liveTensorCount ()
                    let g = AD.grad loss x
                    let h = AD.hessian loss x
                    Expect.equal (Scope.liveTensorCount () - before) 2L "only the results are alive"
                    Tensor.dispose g
                    Tensor.dispose h
                    Expect.equal (Scope.liveTensorCount () - before) 0L "nothing after disposing them"
        ]

let tests =
    testList
        "Losses"
        [
            memory
            parity
            PyTorchParity.suite "PyTorch parity of scalar functions (to second order)" "reference_loss_functions.json" functions
            testsOf "rules" specs
            knownValues
            moduleTests
            errors
        ]
