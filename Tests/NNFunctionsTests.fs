/// Neural-network functions (OpsNN): property tests, known values, errors and PyTorch parity.
module Nabla.Tests.NNFunctionsTests

open System
open System.IO
open System.Text.Json
open Expecto
open Nabla
open Nabla.FsCheck
open Nabla.Tests.Check
open Nabla.Tests.OpProperties

let private f64 = Dtype.Float64
let private vec (xs: float list) = Tensor.ofList xs
let private t (rows: float list list) = Tensor.create rows
let private ints (xs: int64 list) = Tensor.ofList xs

let private exact (what: string) (expected: float[]) (actual: Tensor) =
    closeWith 1e-12 1e-10 what (actual.ToArray()) expected

let private arange n =
    Tensor.Arange(0.0, float n, dtype = f64)

/// n deterministic values in about [-a, a], shaped (the twin of reference_nn.py's `weights`).
let private weights (shape: int[]) (a: float) =
    let n = Array.fold (*) 1 shape
    Tensor.sin (arange n * 1.7 + 0.3) * a |> Tensor.reshape shape

let private w (shape: int[]) = weights shape 1.0

/// Several inputs of fixed shapes, all differentiated.
let private many name (shapes: int[][]) (domains: Domain[]) (f: Tensor[] -> Tensor) : OpSpec =
    {
        Name = name
        Shapes = fixedShapes shapes
        Domains = domains
        Wrt = List.init shapes.Length id
        Fn = f
        ZeroSize = None
    }

let private fixedUnary name (shape: int[]) domain (f: Tensor -> Tensor) =
    unaryOn name (fixedShapes [| shape |]) domain f

// ---------------------------------------------------------------- property tests

let private convolutionSpecs =
    [
        many
            "convTranspose2d (stride, padding, output padding, dilation, groups, bias)"
            [| [| 2; 4; 3; 2 |]; [| 4; 3; 2; 2 |]; [| 6 |] |]
            [| Any |]
            (fun xs -> Tensor.convTranspose2d [| 2; 1 |] [| 1; 0 |] [| 1; 0 |] 2 [| 1; 2 |] xs[1] (Some xs[2]) xs[0])
        many "convTranspose2d unbatched, defaults (extension method)" [| [| 2; 3; 3 |]; [| 2; 2; 2; 2 |] |] [| Any |] (fun xs ->
            xs[0].ConvTranspose2d(xs[1]))
        many "convTranspose2d with dilation above the stride" [| [| 1; 2; 2; 3 |]; [| 2; 1; 3; 2 |] |] [| Any |] (fun xs ->
            xs[0].ConvTranspose2d(xs[1], stride = [| 1 |], dilation = [| 2 |], outputPadding = [| 1 |], padding = [| 1; 0 |]))
        many "convTranspose1d (stride, padding, output padding, bias)" [| [| 2; 2; 4 |]; [| 2; 3; 3 |]; [| 3 |] |] [| Any |] (fun xs ->
            Tensor.convTranspose1d 2 1 1 1 1 xs[1] (Some xs[2]) xs[0])
        many "convTranspose1d unbatched with groups and dilation" [| [| 4; 3 |]; [| 4; 1; 2 |] |] [| Any |] (fun xs ->
            Tensor.convTranspose1d 1 0 0 2 3 xs[1] None xs[0])
        fixedUnary "adaptiveAvgPool2d down (overlapping bins)" [| 1; 2; 5; 7 |] Any (Tensor.adaptiveAvgPool2d (3, 4))
        fixedUnary "adaptiveAvgPool2d up, unbatched" [| 2; 3; 2 |] Any (Tensor.adaptiveAvgPool2d (4, 5))
        fixedUnary "adaptiveAvgPool1d" [| 2; 3; 7 |] Any (Tensor.adaptiveAvgPool1d 3)
        fixedUnary "adaptiveAvgPool1d unbatched, up" [| 2; 3 |] Any (Tensor.adaptiveAvgPool1d 5)
    ]

let private normalisationSpecs =
    [
        many "batchNorm training with weight and bias" [| [| 4; 3; 2 |]; [| 3 |]; [| 3 |] |] [| Any |] (fun xs ->
            Tensor.batchNorm None None (Some xs[1]) (Some xs[2]) true 0.1 1e-5 xs[0])
        fixedUnary "batchNorm training on [N, C]" [| 5; 3 |] Any (Tensor.batchNorm None None None None true 0.1 1e-3)
        many
            "batchNorm evaluation (running statistics, weight, bias)"
            [| [| 3; 2; 2 |]; [| 2 |]; [| 2 |]; [| 2 |]; [| 2 |] |]
            [| Any; Any; Positive; Any; Any |]
            (fun xs -> Tensor.batchNorm (Some xs[1]) (Some xs[2]) (Some xs[3]) (Some xs[4]) false 0.1 1e-5 xs[0])
        many "instanceNorm with weight and bias" [| [| 2; 3; 4 |]; [| 3 |]; [| 3 |] |] [| Any |] (fun xs ->
            Tensor.instanceNorm None None (Some xs[1]) (Some xs[2]) true 0.1 1e-5 xs[0])
        many "instanceNorm with the running statistics" [| [| 2; 2; 3 |]; [| 2 |]; [| 2 |] |] [| Any; Any; Positive |] (fun xs ->
            Tensor.instanceNorm (Some xs[1]) (Some xs[2]) None None false 0.1 1e-5 xs[0])
        many "layerNorm with weight and bias" [| [| 3; 4 |]; [| 4 |]; [| 4 |] |] [| Any |] (fun xs ->
            Tensor.layerNorm [| 4 |] (Some xs[1]) (Some xs[2]) 1e-5 xs[0])
        fixedUnary "layerNorm over two dims" [| 2; 3; 4 |] Any (Tensor.layerNorm [| 3; 4 |] None None 1e-5)
        many "groupNorm with weight and bias" [| [| 2; 4; 3 |]; [| 4 |]; [| 4 |] |] [| Any |] (fun xs ->
            Tensor.groupNorm 2 (Some xs[1]) (Some xs[2]) 1e-5 xs[0])
        fixedUnary "groupNorm 4-D without affine" [| 2; 6; 2; 2 |] Any (Tensor.groupNorm 3 None None 1e-5)
    ]

let private lookupSpecs =
    [
        fixedUnary "embedding" [| 5; 3 |] Any (fun weight -> Tensor.embedding None weight (indexTensor [| 2; 4 |] 5))
        // (paddingIdx is not here: finite differences see the padding row's values change, while its
        // derivative is zero by definition; its known-value and PyTorch-parity tests cover it.)
        many "bilinear with bias" [| [| 4; 3 |]; [| 4; 2 |]; [| 5; 3; 2 |]; [| 5 |] |] [| Any |] (fun xs ->
            Tensor.bilinear xs[2] (Some xs[3]) xs[0] xs[1])
        many "bilinear with two batch dims" [| [| 2; 2; 3 |]; [| 2; 2; 2 |]; [| 3; 3; 2 |] |] [| Any |] (fun xs ->
            Tensor.bilinear xs[2] None xs[0] xs[1])
    ]

let private causalMask =
    Tensor.create
        [
            [ true; false; true; true; false ]
            [ false; true; true; false; true ]
            [ true; true; true; true; true ]
        ]

let private attentionSpecs =
    [
        many "scaledDotProductAttention" [| [| 2; 3; 4 |]; [| 2; 5; 4 |]; [| 2; 5; 3 |] |] [| Any |] (fun xs ->
            Tensor.scaledDotProductAttention None false xs[0] xs[1] xs[2])
        many "scaledDotProductAttention causal" [| [| 2; 4; 3 |]; [| 2; 4; 3 |]; [| 2; 4; 2 |] |] [| Any |] (fun xs ->
            Tensor.scaledDotProductAttention None true xs[0] xs[1] xs[2])
        many "scaledDotProductAttention with a bool mask" [| [| 3; 2 |]; [| 5; 2 |]; [| 5; 3 |] |] [| Any |] (fun xs ->
            Tensor.scaledDotProductAttention (Some causalMask) false xs[0] xs[1] xs[2])
        many "scaledDotProductAttention with a float mask" [| [| 2; 3; 2 |]; [| 5; 2 |]; [| 5; 3 |]; [| 3; 5 |] |] [| Any |] (fun xs ->
            Tensor.scaledDotProductAttention (Some xs[3]) false xs[0] xs[1] xs[2])
        many "attentionWeights" [| [| 2; 3; 4 |]; [| 1; 2; 4 |] |] [| Any |] (fun xs -> Tensor.attentionWeights None false xs[0] xs[1])
        unaryOn "normalize (p = 2, last dim)" (rankFrom 1 3) AwayFromZero (Tensor.normalize 2.0 -1 1e-12)
        fixedUnary "normalize (p = 3, dim 0)" [| 3; 4 |] AwayFromZero (Tensor.normalize 3.0 0 1e-12)
        many "pairwiseDistance, broadcast" [| [| 3; 4 |]; [| 4 |] |] [| Any |] (fun xs ->
            Tensor.pairwiseDistance 2.0 1e-6 false xs[0] xs[1])
        many "pairwiseDistance p = 1.5, keepDim" [| [| 2; 3 |]; [| 2; 3 |] |] [| Positive |] (fun xs ->
            Tensor.pairwiseDistance 1.5 1e-6 true xs[0] (xs[1] - 3.0))
        many "cosineSimilarity" [| [| 3; 4 |]; [| 3; 4 |] |] [| AwayFromZero |] (fun xs -> Tensor.cosineSimilarity 1 1e-8 xs[0] xs[1])
        many "cosineSimilarity, broadcast, last dim" [| [| 2; 1; 3 |]; [| 4; 3 |] |] [| AwayFromZero |] (fun xs ->
            Tensor.cosineSimilarity -1 1e-8 xs[0] xs[1])
    ]

let private activationSpecs =
    [
        unary "hardtanh" (AwayFrom [ -1.0; 1.0 ]) (Tensor.hardtanh -1.0 1.0)
        unary "relu6" (AwayFrom [ 0.0; 1.5 ]) (fun x -> Tensor.relu6 (x * 4.0))
        unary "selu" AwayFromZero Tensor.selu
        unary "celu" AwayFromZero (Tensor.celu 0.7)
        unary "mish" Any Tensor.mish
        unary "softsign" AwayFromZero Tensor.softsign
        fixedUnary "glu along dim 1" [| 3; 4 |] Any (Tensor.glu 1)
        fixedUnary "glu along the last dim" [| 2; 3; 2 |] Any (Tensor.glu -1)
        unary "geluTanh" Any Tensor.geluTanh
        unary "hardsigmoid" (AwayFrom [ -1.5; 1.5 ]) (fun x -> Tensor.hardsigmoid (x * 2.0))
        unary "hardswish" (AwayFrom [ -1.5; 1.5 ]) (fun x -> Tensor.hardswish (x * 2.0))
        unaryOn "softmin" (rankFrom 1 3) Any (Tensor.softmin -1)
        unary "tanhshrink" Any Tensor.tanhshrink
        unary "softshrink" (AwayFrom [ -0.5; 0.5 ]) (Tensor.softshrink 0.5)
        unary "hardshrink" (AwayFrom [ -0.5; 0.5 ]) (Tensor.hardshrink 0.5)
        unary "threshold" (AwayFrom [ 0.3 ]) (Tensor.threshold 0.3 -1.0)
        many "prelu per channel" [| [| 2; 3; 4 |]; [| 3 |] |] [| AwayFromZero; Any |] (fun xs -> Tensor.prelu xs[1] xs[0])
        many "prelu with one weight" [| [| 5 |]; [| 1 |] |] [| AwayFromZero; Any |] (fun xs -> Tensor.prelu xs[1] xs[0])
        unary "softplusWith beta and threshold" (AwayFrom [ 0.5 ]) (Tensor.softplusWith 2.0 1.0)
    ]

// ---------------------------------------------------------------- known values and PyTorch's conventions

let private referenceFile =
    lazy (JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PyTorch", "reference_nn.json"))).RootElement)

let private runningReference (field: string) =
    [|
        for v in referenceFile.Value.GetProperty("_batch_norm_running").GetProperty(field).EnumerateArray() -> v.GetDouble()
    |]

let private x24 =
    Tensor.Linspace(-1.2, 1.5, 24, dtype = f64) * Tensor.cos (arange 24 * 0.7)

let private convolutionKnown =
    testList
        "transposed convolution and adaptive pooling"
        [
            testCase "convTranspose2d of a 2×2 image with a 2×2 kernel of ones spreads each pixel over the kernel"
            <| fun () ->
                let x = t [ [ 1.0; 2.0 ]; [ 3.0; 4.0 ] ] |> Tensor.reshape [| 1; 1; 2; 2 |]
                let k = Tensor.Ones([| 1; 1; 2; 2 |], f64)
                let y = x.ConvTranspose2d k
                Expect.equal y.Shape [| 1; 1; 3; 3 |] "shape"
                exact "values" [| 1.0; 3.0; 2.0; 4.0; 10.0; 6.0; 3.0; 7.0; 4.0 |] y

            testCase "convTranspose2d with stride 2 places the kernel copies apart, and output padding adds a row"
            <| fun () ->
                let x = t [ [ 1.0; 2.0 ] ] |> Tensor.reshape [| 1; 1; 1; 2 |]
                let k = Tensor.Ones([| 1; 1; 1; 1 |], f64)
                let y = x.ConvTranspose2d(k, stride = [| 2 |], outputPadding = [| 1 |])
                Expect.equal y.Shape [| 1; 1; 2; 4 |] "shape (H−1)·2 + 1 + 1"
                exact "values" [| 1.0; 0.0; 2.0; 0.0; 0.0; 0.0; 0.0; 0.0 |] y

            testCase "convTranspose2d is the adjoint of conv2d: <convT(g, W), x> = <g, conv(x, W)>"
            <| fun () ->
                let x = weights [| 2; 4; 6; 6 |] 1.0
                let k = weights [| 6; 2; 3; 2 |] 0.5

                let y =
                    x.Conv2d(k, stride = [| 2; 1 |], padding = [| 1 |], dilation = [| 1; 2 |], groups = 2)

                let g = Tensor.cos (weights y.Shape 2.0)

                let back =
                    g.ConvTranspose2d(
                        k,
                        stride = [| 2; 1 |],
                        padding = [| 1 |],
                        dilation = [| 1; 2 |],
                        groups = 2,
                        outputPadding = [| 1; 0 |]
                    )

                Expect.equal back.Shape x.Shape "the transposed convolution restores x's shape"
                exact "<convT g, x>" [| (Tensor.sum (y * g)).ToScalar() |] (Tensor.sum (back * x))

            testCase "convTranspose2d takes an unbatched image and returns one"
            <| fun () ->
                let x = weights [| 2; 3; 3 |] 1.0
                let k = weights [| 2; 3; 2; 2 |] 1.0

                let y =
                    Tensor.convTranspose2d [| 1; 1 |] [| 0; 0 |] [| 0; 0 |] 1 [| 1; 1 |] k None x

                Expect.equal y.Shape [| 3; 4; 4 |] "shape"
                exact "same as the method" ((x.ConvTranspose2d k).ToArray()) y

            testCase "convTranspose2d adds the bias per output channel, and works on an empty batch"
            <| fun () ->
                let k = Tensor.Zeros([| 1; 2; 1; 1 |], f64)

                let y =
                    Tensor.Zeros([| 1; 1; 2; 2 |], f64).ConvTranspose2d(k, bias = vec [ 1.5; -2.0 ])

                exact "bias" [| 1.5; 1.5; 1.5; 1.5; -2.0; -2.0; -2.0; -2.0 |] y
                let empty = Tensor.Zeros([| 0; 1; 2; 2 |], f64).ConvTranspose2d(k)
                Expect.equal empty.Shape [| 0; 2; 2; 2 |] "empty batch"

                let g =
                    AD.grad (fun k -> Tensor.sum (Tensor.Zeros([| 0; 1; 2; 2 |], f64).ConvTranspose2d(k))) k

                exact "its weight gradient is zero" (Array.zeroCreate 2) g

            testCase "convTranspose1d of [1, 2, 3] with the kernel [1, 1], stride 2, output padding 1"
            <| fun () ->
                let y =
                    vec [ 1.0; 2.0; 3.0 ]
                    |> Tensor.reshape [| 1; 1; 3 |]
                    |> Tensor.convTranspose1d 2 0 1 1 1 (Tensor.Ones([| 1; 1; 2 |], f64)) None

                Expect.equal y.Shape [| 1; 1; 7 |] "shape"
                exact "values" [| 1.0; 1.0; 2.0; 2.0; 3.0; 3.0; 0.0 |] y

            testCase "the ConvTranspose1d method has PyTorch's defaults and takes the same options"
            <| fun () ->
                let x, k = weights [| 2; 3; 4 |] 1.0, weights [| 3; 2; 3 |] 0.5
                exact "defaults" ((Tensor.convTranspose1d 1 0 0 1 1 k None x).ToArray()) (x.ConvTranspose1d k)

                let y =
                    x.ConvTranspose1d(k, bias = vec [ 1.0; 2.0 ], stride = 2, padding = 1, outputPadding = 1, dilation = 2)

                exact "options" ((Tensor.convTranspose1d 2 1 1 1 2 k (Some(vec [ 1.0; 2.0 ])) x).ToArray()) y
                Expect.equal y.Shape [| 2; 2; 10 |] "(4 − 1)·2 − 2·1 + 2·(3 − 1) + 1 + 1"

            testCase "convTranspose2d on float32 input with a float64 weight promotes to float64"
            <| fun () ->
                let x = Tensor.Ones([| 1; 1; 2; 2 |])
                let y = x.ConvTranspose2d(Tensor.Ones([| 1; 1; 1; 1 |], f64))
                Expect.equal y.Dtype f64 "dtype"

            testCase "adaptiveAvgPool1d uses PyTorch's overlapping bins [floor(i·L/o), ceil((i+1)·L/o))"
            <| fun () ->
                let x = arange 5 |> Tensor.reshape [| 1; 1; 5 |]
                exact "5 → 3" [| 0.5; 2.0; 3.5 |] (Tensor.adaptiveAvgPool1d 3 x)
                exact "5 → 2" [| 1.0; 3.0 |] (Tensor.adaptiveAvgPool1d 2 x)
                exact "2 → 5 repeats" [| 0.0; 0.0; 0.5; 1.0; 1.0 |] (Tensor.adaptiveAvgPool1d 5 (arange 2 |> Tensor.reshape [| 1; 2 |]))

            testCase "adaptiveAvgPool2d to (1, 1) is the mean over the image, and to the input size the identity"
            <| fun () ->
                let x = weights [| 2; 3; 4; 5 |] 1.0
                exact "global mean" ((Tensor.meanDims [| 2; 3 |] true x).ToArray()) (Tensor.adaptiveAvgPool2d (1, 1) x)
                exact "identity" (x.ToArray()) (Tensor.adaptiveAvgPool2d (4, 5) x)

            testCase "adaptiveAvgPool2d of 4×4 to 2×2 averages the quadrants; output size 0 gives an empty result"
            <| fun () ->
                let x = arange 16 |> Tensor.reshape [| 1; 4; 4 |]
                exact "quadrants" [| 2.5; 4.5; 10.5; 12.5 |] (Tensor.adaptiveAvgPool2d (2, 2) x)
                Expect.equal (Tensor.adaptiveAvgPool2d (0, 2) x).Shape [| 1; 0; 2 |] "empty"
                Expect.equal (Tensor.adaptiveAvgPool2d (2, 2) (Tensor.Zeros([| 0; 3; 4; 4 |], f64))).Shape [| 0; 3; 2; 2 |] "empty batch"

            testCase "adaptiveAvgPool2d keeps float32"
            <| fun () -> Expect.equal (Tensor.adaptiveAvgPool2d (2, 3) (Tensor.Ones([| 1; 5; 7 |]))).Dtype Dtype.Float32 "dtype"
        ]

let private normalisationKnown =
    testList
        "normalisation"
        [
            testCase "batchNorm's running statistics follow PyTorch's update (unbiased variance, momentum 0.3)"
            <| fun () ->
                let rm = Tensor.ofArray [| 0.5; -0.25; 1.0 |]
                let rv = Tensor.ofArray [| 2.0; 0.5; 1.5 |]
                let a = x24 |> Tensor.reshape [| 4; 3; 2 |]

                let b =
                    (Tensor.flip [| 0 |] x24).[0..17] * 2.0 + 0.5 |> Tensor.reshape [| 3; 3; 2 |]

                let wt, bias = Some(vec [ 1.5; -0.5; 2.0 ]), Some(vec [ 0.1; 0.0; -0.2 ])
                let y1 = Tensor.batchNorm (Some rm) (Some rv) wt bias true 0.3 1e-4 a
                exact "training output" (runningReference "train_output") y1
                exact "mean after one step" (runningReference "mean_after_one") rm
                exact "variance after one step" (runningReference "var_after_one") rv
                Tensor.batchNorm (Some rm) (Some rv) wt bias true 0.3 1e-4 b |> ignore
                exact "mean after two steps" (runningReference "mean_after_two") rm
                exact "variance after two steps" (runningReference "var_after_two") rv
                let y3 = Tensor.batchNorm (Some rm) (Some rv) wt bias false 0.3 1e-4 a
                exact "evaluation output" (runningReference "eval_output") y3
                exact "evaluation leaves the statistics alone" (runningReference "var_after_two") rv

            testCase "batchNorm updates float32 running statistics from float64 input, also inside a transform"
            <| fun () ->
                let rm = Tensor.Zeros([| 2 |])
                let rv = Tensor.Ones([| 2 |])
                let x = t [ [ 1.0; 2.0 ]; [ 3.0; 6.0 ] ]

                let g =
                    AD.grad (fun x -> Tensor.sum (Tensor.batchNorm (Some rm) (Some rv) None None true 0.5 1e-5 x ** 3.0)) x

                Expect.equal g.Shape [| 2; 2 |] "gradient"
                closeWith 1e-6 1e-6 "mean" (rm.ToArray()) [| 1.0; 2.0 |]
                closeWith 1e-6 1e-6 "variance (unbiased)" (rv.ToArray()) [| 0.5 + 0.5 * 2.0; 0.5 + 0.5 * 8.0 |]
                Expect.equal rm.Dtype Dtype.Float32 "the statistics keep their dtype"

            testCase "instanceNorm's running statistics average the instances' (PyTorch, momentum 0.2)"
            <| fun () ->
                let field (name: string) =
                    [|
                        for v in referenceFile.Value.GetProperty("_instance_norm_running").GetProperty(name).EnumerateArray() ->
                            v.GetDouble()
                    |]

                let rm, rv = vec [ 0.1; 0.2; 0.3 ], vec [ 1.0; 2.0; 3.0 ]

                let y =
                    Tensor.instanceNorm (Some rm) (Some rv) None None true 0.2 1e-5 (x24 |> Tensor.reshape [| 2; 3; 4 |])

                exact "output" (field "output") y
                exact "running mean" (field "mean") rm
                exact "running variance" (field "var") rv

            testCase "instanceNorm with input statistics is groupNorm with one group per channel"
            <| fun () ->
                let x = weights [| 2; 4; 3; 2 |] 2.0
                exact "values" ((Tensor.groupNorm 4 None None 1e-5 x).ToArray()) (Tensor.instanceNorm None None None None true 0.1 1e-5 x)

            testCase "batchNorm training normalises each channel to mean 0 and biased variance 1"
            <| fun () ->
                let y =
                    Tensor.batchNorm None None None None true 0.1 0.0 (weights [| 4; 3; 5 |] 2.0)

                exact "means" (Array.zeroCreate 3) (Tensor.meanDims [| 0; 2 |] false y)
                exact "variances" [| 1.0; 1.0; 1.0 |] (Tensor.varDims [| 0; 2 |] 0 false y)

            testCase "batchNorm on an empty batch returns it and leaves the running statistics alone"
            <| fun () ->
                let rm = vec [ 0.5; 1.0 ]

                let y =
                    Tensor.batchNorm (Some rm) None None None true 0.1 1e-5 (Tensor.Zeros([| 0; 2 |], f64))

                Expect.equal y.Shape [| 0; 2 |] "shape"
                exact "running mean" [| 0.5; 1.0 |] rm

            testCase "layerNorm gives each row mean 0 and biased variance 1, then weight and bias"
            <| fun () ->
                let x = weights [| 3; 5 |] 3.0
                let y = Tensor.layerNorm [| 5 |] None None 0.0 x
                exact "means" (Array.zeroCreate 3) (Tensor.meanDim 1 y)
                exact "variances" [| 1.0; 1.0; 1.0 |] (Tensor.varDims [| 1 |] 0 false y)

                let wb =
                    Tensor.layerNorm [| 5 |] (Some(vec [ 1.0; 2.0; 3.0; 4.0; 5.0 ])) (Some(Tensor.Ones([| 5 |], f64))) 0.0 x

                exact "affine" ((y * vec [ 1.0; 2.0; 3.0; 4.0; 5.0 ] + 1.0).ToArray()) wb

            testCase "groupNorm with one group is layerNorm over [C, *]; with C groups, per-channel (instance) norm"
            <| fun () ->
                let x = weights [| 2; 4; 3 |] 2.0
                exact "one group" ((Tensor.layerNorm [| 4; 3 |] None None 1e-5 x).ToArray()) (Tensor.groupNorm 1 None None 1e-5 x)
                exact "C groups" ((Tensor.layerNorm [| 3 |] None None 1e-5 x).ToArray()) (Tensor.groupNorm 4 None None 1e-5 x)

            testCase "groupNorm and layerNorm work on an empty batch"
            <| fun () ->
                Expect.equal (Tensor.groupNorm 2 None None 1e-5 (Tensor.Zeros([| 0; 4; 2 |], f64))).Shape [| 0; 4; 2 |] "groupNorm"
                Expect.equal (Tensor.layerNorm [| 3 |] None None 1e-5 (Tensor.Zeros([| 0; 3 |], f64))).Shape [| 0; 3 |] "layerNorm"
        ]

let private lookupKnown =
    testList
        "embedding and bilinear"
        [
            testCase "embedding looks up rows: indices [2, 2] give [2, 2, dim]"
            <| fun () ->
                let weight = arange 8 |> Tensor.reshape [| 4; 2 |]
                let y = Tensor.embedding None weight (Tensor.create [ [ 3L; 0L ]; [ 1L; 3L ] ])
                Expect.equal y.Shape [| 2; 2; 2 |] "shape"
                exact "rows" [| 6.0; 7.0; 0.0; 1.0; 2.0; 3.0; 6.0; 7.0 |] y
                let y32 = Tensor.embedding None weight (Tensor.ofArray [| 1; 2 |])
                exact "int32 indices" [| 2.0; 3.0; 4.0; 5.0 |] y32
                Expect.equal (Tensor.embedding None weight (ints [])).Shape [| 0; 2 |] "no indices"
                Expect.equal (Tensor.embedding None weight (Tensor.reshape [||] (ints [ 2L ]))).Shape [| 2 |] "a 0-d index"

            testCase "embedding's gradient counts the look-ups, and is zero at paddingIdx (also given from the end)"
            <| fun () ->
                let weight = weights [| 4; 2 |] 1.0
                let indices = ints [ 1L; 3L; 1L; 0L; 3L ]
                let g = AD.grad (fun w -> Tensor.sum (Tensor.embedding None w indices)) weight
                exact "counts" [| 1.0; 1.0; 2.0; 2.0; 0.0; 0.0; 2.0; 2.0 |] g
                let gp = AD.grad (fun w -> Tensor.sum (Tensor.embedding (Some 3) w indices)) weight
                exact "padding row" [| 1.0; 1.0; 2.0; 2.0; 0.0; 0.0; 0.0; 0.0 |] gp
                let gn = AD.grad (fun w -> Tensor.sum (Tensor.embedding (Some -1) w indices)) weight
                exact "paddingIdx -1" [| 1.0; 1.0; 2.0; 2.0; 0.0; 0.0; 0.0; 0.0 |] gn
                let values = Tensor.embedding (Some 3) weight indices
                exact "the padding row's values are still looked up" ((Tensor.embedding None weight indices).ToArray()) values

            testCase "bilinear equals the einsum bi,oij,bj->bo plus the bias"
            <| fun () ->
                let x1, x2, a =
                    weights [| 4; 3 |] 1.0, Tensor.cos (weights [| 4; 2 |] 2.0), weights [| 5; 3; 2 |] 0.5

                let b = vec [ 0.1; 0.2; 0.3; 0.4; 0.5 ]
                let expected = Tensor.einsum "bi,oij,bj->bo" [ x1; a; x2 ] + b
                exact "values" (expected.ToArray()) (Tensor.bilinear a (Some b) x1 x2)
                Expect.equal (Tensor.bilinear a None x1.[0] x2.[0]).Shape [| 5 |] "unbatched"

                Expect.equal
                    (Tensor.bilinear a None (Tensor.Zeros([| 0; 3 |], f64)) (Tensor.Zeros([| 0; 2 |], f64))).Shape
                    [| 0; 5 |]
                    "empty batch"
        ]

let private attentionKnown =
    testList
        "attention and distances"
        [
            testCase "causal attention: the first query sees only the first key, so its output is v's first row"
            <| fun () ->
                let q, k, v =
                    weights [| 3; 2 |] 1.0, Tensor.cos (weights [| 3; 2 |] 1.0), weights [| 3; 4 |] 2.0

                let y = Tensor.scaledDotProductAttention None true q k v
                exact "first row" (v.[0].ToArray()) y.[0]
                let wts = Tensor.attentionWeights None true q k
                exact "weights above the diagonal" [| 0.0; 0.0; 0.0 |] (Tensor.stack 0 [ wts.[0, 1]; wts.[0, 2]; wts.[1, 2] ])
                exact "rows sum to 1" [| 1.0; 1.0; 1.0 |] (Tensor.sumDim -1 wts)

            testCase "attention is softmax(q kᵀ/√E) v; an all-true bool mask and a zero float mask change nothing"
            <| fun () ->
                let q, k, v =
                    weights [| 2; 3; 4 |] 1.0, Tensor.cos (weights [| 2; 5; 4 |] 1.0), weights [| 2; 5; 3 |] 2.0

                let expected =
                    Tensor.matmul (Tensor.softmax -1 (Tensor.matmul q (Tensor.transpose -2 -1 k) / 2.0)) v

                exact "plain" (expected.ToArray()) (Tensor.scaledDotProductAttention None false q k v)
                let all = Tensor.Ones([| 3; 5 |], Dtype.Bool)
                exact "all-true mask" (expected.ToArray()) (Tensor.scaledDotProductAttention (Some all) false q k v)
                let zero = Tensor.Zeros([| 5 |], f64)
                exact "zero float mask" (expected.ToArray()) (Tensor.scaledDotProductAttention (Some zero) false q k v)

            testCase "a bool mask equals the float mask of 0 and −inf"
            <| fun () ->
                let q, k, v =
                    weights [| 3; 2 |] 1.0, Tensor.cos (weights [| 5; 2 |] 1.0), weights [| 5; 3 |] 2.0

                let additive =
                    Tensor.where causalMask (Tensor.Zeros([| 3; 5 |], f64)) (Tensor.Full([| 3; 5 |], -infinity, f64))

                let a = Tensor.scaledDotProductAttention (Some causalMask) false q k v
                exact "values" ((Tensor.scaledDotProductAttention (Some additive) false q k v).ToArray()) a

            testCase "a row masked everywhere gives zeros and a finite gradient (LibTorch 2's _safe_softmax)"
            <| fun () ->
                let mask = Tensor.create [ [ true; false ]; [ false; false ] ]

                let q, k, v =
                    weights [| 2; 2 |] 1.0, Tensor.cos (weights [| 2; 2 |] 1.0), weights [| 2; 3 |] 2.0

                let y = Tensor.scaledDotProductAttention (Some mask) false q k v
                exact "first row: v's first row" (v.[0].ToArray()) y.[0]
                exact "second row: zeros" [| 0.0; 0.0; 0.0 |] y.[1]

                let g =
                    AD.grad (fun q -> Tensor.sum (Tensor.scaledDotProductAttention (Some mask) false q k v ** 2.0)) q

                Expect.isTrue (g.ToArray() |> Array.forall Double.IsFinite) "finite gradient"

                let h =
                    AD.hessian (fun q -> Tensor.sum (Tensor.scaledDotProductAttention (Some mask) false q k v ** 2.0)) q

                Expect.isTrue (h.ToArray() |> Array.forall Double.IsFinite) "finite Hessian"

            testCase "normalize gives unit rows, and leaves a zero row at zero"
            <| fun () ->
                let x = t [ [ 3.0; 4.0 ]; [ 0.0; 0.0 ] ]
                exact "values" [| 0.6; 0.8; 0.0; 0.0 |] (Tensor.normalize 2.0 1 1e-12 x)
                exact "p = 1" [| 3.0 / 7.0; 4.0 / 7.0; 0.0; 0.0 |] (Tensor.normalize 1.0 1 1e-12 x)
                let g = AD.grad (fun x -> Tensor.sum (Tensor.normalize 2.0 1 1e-12 x)) x
                Expect.isTrue (g.ToArray() |> Array.forall Double.IsFinite) "finite gradient at the zero row"

            testCase "pairwiseDistance of [0, 0] and [3, 4] is ‖(−3, −4) + eps‖"
            <| fun () ->
                let d = Tensor.pairwiseDistance 2.0 1e-6 false (vec [ 0.0; 0.0 ]) (vec [ 3.0; 4.0 ])
                Expect.equal d.Shape [||] "0-d"
                exact "value" [| sqrt ((3.0 - 1e-6) ** 2.0 + (4.0 - 1e-6) ** 2.0) |] d

                let dk =
                    Tensor.pairwiseDistance 1.0 0.0 true (t [ [ 1.0; 2.0 ] ]) (vec [ 0.0; 0.0 ])

                Expect.equal dk.Shape [| 1; 1 |] "keepDim"
                exact "p = 1" [| 3.0 |] dk

            testCase "cosineSimilarity: parallel 1, opposite −1, orthogonal 0; broadcast"
            <| fun () ->
                let a = t [ [ 1.0; 2.0 ]; [ 1.0; 0.0 ]; [ 2.0; 2.0 ] ]
                let b = t [ [ 2.0; 4.0 ]; [ 0.0; 3.0 ]; [ -1.0; -1.0 ] ]
                exact "values" [| 1.0; 0.0; -1.0 |] (Tensor.cosineSimilarity 1 1e-8 a b)
                exact "broadcast" [| 1.0; 1.0 / sqrt 5.0; 3.0 / sqrt 10.0 |] (Tensor.cosineSimilarity -1 1e-8 a (vec [ 1.0; 2.0 ]))
                exact "0-d" [| 1.0 |] (Tensor.cosineSimilarity 0 1e-8 (Tensor.scalar 2.0) (Tensor.scalar 3.0))
                let ints = Tensor.ofArray [| 1; 2 |]
                exact "an integer tensor with a float one" [| 1.0 |] (Tensor.cosineSimilarity 0 1e-8 ints (vec [ 2.0; 4.0 ]))

            testCase "cosineSimilarity clamps tiny norms to eps, with the norm's derivative (LibTorch 2)"
            <| fun () ->
                let a, b = vec [ 1e-10; 2e-10; 0.0 ], vec [ 3.0; 1.0; 2.0 ]
                let nb = sqrt 14.0
                let value = (3e-10 + 2e-10) / (1e-8 * nb)
                exact "value" [| value |] (Tensor.cosineSimilarity 0 1e-8 a b)
                // d/da (a/n)·b̂ with n = eps but dn/da = a/‖a‖: b̂/eps − (a·b̂)/eps² · a/‖a‖
                let na = sqrt 5e-20
                let ab = 5e-10 / nb

                let expected =
                    [| 3.0; 1.0; 2.0 |]
                    |> Array.mapi (fun i bi -> bi / nb / 1e-8 - ab / 1e-16 * [| 1e-10; 2e-10; 0.0 |].[i] / na)

                closeWith 1e-3 1e-9 "gradient" ((AD.grad (fun a -> Tensor.cosineSimilarity 0 1e-8 a b) a).ToArray()) expected
        ]

let private activationKnown =
    testList
        "activations"
        [
            testCase "relu6 and hardtanh clamp; their derivative at the bounds is 0 (PyTorch's hardtanh_backward)"
            <| fun () ->
                let x = vec [ -1.0; 0.0; 3.0; 6.0; 7.0 ]
                exact "relu6" [| 0.0; 0.0; 3.0; 6.0; 6.0 |] (Tensor.relu6 x)
                exact "relu6'" [| 0.0; 0.0; 1.0; 0.0; 0.0 |] (AD.grad (Tensor.relu6 >> Tensor.sum) x)
                let y = vec [ -2.0; -1.0; 0.5; 1.0; 2.0 ]
                exact "hardtanh" [| -1.0; -1.0; 0.5; 1.0; 1.0 |] (Tensor.hardtanh -1.0 1.0 y)
                exact "hardtanh'" [| 0.0; 0.0; 1.0; 0.0; 0.0 |] (AD.grad (Tensor.hardtanh -1.0 1.0 >> Tensor.sum) y)
                exact "relu6 on integers" [| 0.0; 3.0; 6.0 |] (Tensor.relu6 (Tensor.ofArray [| -1; 3; 9 |]))

            testCase "selu and celu use PyTorch's constants"
            <| fun () ->
                let alpha, scale =
                    1.6732632423543772848170429916717, 1.0507009873554804934193349852946

                exact "selu" [| scale * alpha * (exp -1.0 - 1.0); 0.0; scale * 2.0 |] (Tensor.selu (vec [ -1.0; 0.0; 2.0 ]))
                exact "celu" [| 0.5 * (exp -2.0 - 1.0); 2.0 |] (Tensor.celu 0.5 (vec [ -1.0; 2.0 ]))
                exact "selu'(0)" [| scale * alpha |] (AD.grad (Tensor.selu >> Tensor.sum) (vec [ 0.0 ]))

            testCase "mish, softsign, tanhshrink, softmin, geluTanh by their formulas"
            <| fun () ->
                let x = vec [ -1.5; 0.2; 2.0 ]
                let xs = x.ToArray()
                exact "mish" (xs |> Array.map (fun v -> v * tanh (log (1.0 + exp v)))) (Tensor.mish x)
                exact "softsign" (xs |> Array.map (fun v -> v / (1.0 + abs v))) (Tensor.softsign x)
                exact "tanhshrink" (xs |> Array.map (fun v -> v - tanh v)) (Tensor.tanhshrink x)
                exact "softmin" ((Tensor.softmax 0 (-x)).ToArray()) (Tensor.softmin 0 x)
                let c = sqrt (2.0 / Math.PI)

                exact
                    "geluTanh"
                    (xs
                     |> Array.map (fun v -> 0.5 * v * (1.0 + tanh (c * (v + 0.044715 * v ** 3.0)))))
                    (Tensor.geluTanh x)

            testCase "glu multiplies the first half by the sigmoid of the second"
            <| fun () ->
                let x = t [ [ 1.0; 2.0; 0.0; -1.0 ] ]
                let s (v: float) = 1.0 / (1.0 + exp -v)
                exact "values" [| 1.0 * s 0.0; 2.0 * s -1.0 |] (Tensor.glu -1 x)

            testCase "hardsigmoid and hardswish, with PyTorch's derivatives at ±3"
            <| fun () ->
                let x = vec [ -4.0; -3.0; 0.0; 3.0; 4.0 ]
                exact "hardsigmoid" [| 0.0; 0.0; 0.5; 1.0; 1.0 |] (Tensor.hardsigmoid x)
                exact "hardsigmoid'" [| 0.0; 0.0; 1.0 / 6.0; 0.0; 0.0 |] (AD.grad (Tensor.hardsigmoid >> Tensor.sum) x)
                exact "hardswish" [| 0.0; 0.0; 0.0; 3.0; 4.0 |] (Tensor.hardswish x)
                exact "hardswish'" [| 0.0; -0.5; 0.5; 1.5; 1.0 |] (AD.grad (Tensor.hardswish >> Tensor.sum) x)

            testCase "softshrink, hardshrink and threshold, derivatives 0 on the flat parts"
            <| fun () ->
                let x = vec [ -1.0; -0.5; 0.2; 0.5; 2.0 ]
                exact "softshrink" [| -0.5; 0.0; 0.0; 0.0; 1.5 |] (Tensor.softshrink 0.5 x)
                exact "softshrink'" [| 1.0; 0.0; 0.0; 0.0; 1.0 |] (AD.grad (Tensor.softshrink 0.5 >> Tensor.sum) x)
                exact "hardshrink" [| -1.0; 0.0; 0.0; 0.0; 2.0 |] (Tensor.hardshrink 0.5 x)
                exact "hardshrink'" [| 1.0; 0.0; 0.0; 0.0; 1.0 |] (AD.grad (Tensor.hardshrink 0.5 >> Tensor.sum) x)
                exact "threshold" [| 9.0; 9.0; 9.0; 9.0; 2.0 |] (Tensor.threshold 0.5 9.0 x)
                exact "threshold'" [| 0.0; 0.0; 0.0; 0.0; 1.0 |] (AD.grad (Tensor.threshold 0.5 9.0 >> Tensor.sum) x)
                let nan = Tensor.threshold 0.0 1.0 (vec [ nan ])
                Expect.isTrue (Double.IsNaN(nan.ToScalar())) "NaN is kept (x <= threshold is false), as PyTorch"

            testCase "prelu: one weight or one per channel"
            <| fun () ->
                let x = t [ [ -1.0; 2.0 ]; [ -3.0; -4.0 ] ]
                exact "per channel (dim 1)" [| -0.1; 2.0; -0.3; -0.8 |] (Tensor.prelu (vec [ 0.1; 0.2 ]) x)
                exact "one weight" [| -0.25; 2.0; -0.75; -1.0 |] (Tensor.prelu (vec [ 0.25 ]) x)
                let g = AD.grad (fun wt -> Tensor.sum (Tensor.prelu wt x)) (vec [ 0.1; 0.2 ])
                exact "weight gradient" [| -4.0; -4.0 |] g

            testCase "softplusWith: log(1 + exp(βx))/β, and exactly x (derivative 1) above the threshold"
            <| fun () ->
                let x = vec [ -1.0; 0.5; 3.0 ]
                exact "values" [| log (1.0 + exp -2.0) / 2.0; log (1.0 + exp 1.0) / 2.0; 3.0 |] (Tensor.softplusWith 2.0 5.0 x)

                exact
                    "derivative"
                    [| 1.0 / (1.0 + exp 2.0); 1.0 / (1.0 + exp -1.0); 1.0 |]
                    (AD.grad (Tensor.softplusWith 2.0 5.0 >> Tensor.sum) x)
        ]

// ---------------------------------------------------------------- bad inputs

let private fails<'E when 'E :> exn> (fragments: string list) (f: unit -> Tensor) =
    throwsWith<'E> fragments (fun () -> f () |> ignore)

let private errors =
    let z (shape: int[]) = Tensor.Zeros(shape, f64)

    testList
        "errors"
        [
            testCase "convTranspose2d: the input's channels must match the weight's first dimension"
            <| fun () ->
                fails<ArgumentException> [ "convTranspose2d"; "[1, 3, 4, 4]"; "[2, 1, 3, 3]"; "3 channels" ] (fun () ->
                    (z [| 1; 3; 4; 4 |]).ConvTranspose2d(z [| 2; 1; 3; 3 |]))
            testCase "convTranspose2d: the input channels must divide into groups"
            <| fun () ->
                fails<ArgumentException> [ "convTranspose2d"; "divisible by 2 groups" ] (fun () ->
                    (z [| 1; 3; 4; 4 |]).ConvTranspose2d(z [| 3; 1; 3; 3 |], groups = 2))
            testCase "convTranspose2d: output padding must be smaller than stride or dilation"
            <| fun () ->
                fails<ArgumentException> [ "convTranspose2d"; "output padding"; "[1, 1]" ] (fun () ->
                    (z [| 1; 1; 4; 4 |]).ConvTranspose2d(z [| 1; 1; 3; 3 |], outputPadding = [| 1 |]))
            testCase "convTranspose2d: stride, dilation, padding and groups are checked"
            <| fun () ->
                fails<ArgumentException> [ "convTranspose2d"; "stride"; "[0, 1]" ] (fun () ->
                    (z [| 1; 1; 4; 4 |]).ConvTranspose2d(z [| 1; 1; 3; 3 |], stride = [| 0; 1 |]))

                fails<ArgumentException> [ "convTranspose2d"; "dilation" ] (fun () ->
                    (z [| 1; 1; 4; 4 |]).ConvTranspose2d(z [| 1; 1; 3; 3 |], dilation = [| 0 |]))

                fails<ArgumentException> [ "convTranspose2d"; "padding"; "[-1, -1]" ] (fun () ->
                    (z [| 1; 1; 4; 4 |]).ConvTranspose2d(z [| 1; 1; 3; 3 |], padding = [| -1 |]))

                fails<ArgumentException> [ "convTranspose2d"; "groups"; "0" ] (fun () ->
                    (z [| 1; 1; 4; 4 |]).ConvTranspose2d(z [| 1; 1; 3; 3 |], groups = 0))

                fails<ArgumentException> [ "convTranspose2d"; "stride"; "[1, 2, 3]" ] (fun () ->
                    (z [| 1; 1; 4; 4 |]).ConvTranspose2d(z [| 1; 1; 3; 3 |], stride = [| 1; 2; 3 |]))

                fails<ArgumentException> [ "convTranspose2d"; "two values" ] (fun () ->
                    Tensor.convTranspose2d [| 1 |] [| 0; 0 |] [| 0; 0 |] 1 [| 1; 1 |] (z [| 1; 1; 3; 3 |]) None (z [| 1; 1; 4; 4 |]))
            testCase "convTranspose2d: ranks, bias shape, dtype, empty image, too much padding"
            <| fun () ->
                fails<ArgumentException> [ "convTranspose2d"; "[4, 4]"; "4-D" ] (fun () ->
                    (z [| 4; 4 |]).ConvTranspose2d(z [| 1; 1; 3; 3 |]))

                fails<ArgumentException> [ "convTranspose2d"; "[1, 1, 3]"; "weight must be 4-D" ] (fun () ->
                    (z [| 1; 1; 4; 4 |]).ConvTranspose2d(z [| 1; 1; 3 |]))

                fails<ArgumentException> [ "convTranspose2d"; "bias"; "[3]"; "[2]" ] (fun () ->
                    (z [| 1; 1; 4; 4 |]).ConvTranspose2d(z [| 1; 2; 3; 3 |], bias = z [| 3 |]))

                fails<ArgumentException> [ "convTranspose2d"; "floating-point"; "int32" ] (fun () ->
                    (Tensor.Zeros([| 1; 1; 4; 4 |], Dtype.Int32)).ConvTranspose2d(Tensor.Zeros([| 1; 1; 3; 3 |], Dtype.Int32)))

                fails<ArgumentException> [ "convTranspose2d"; "empty" ] (fun () -> (z [| 1; 1; 0; 4 |]).ConvTranspose2d(z [| 1; 1; 3; 3 |]))

                fails<ArgumentException> [ "convTranspose2d"; "too small" ] (fun () ->
                    (z [| 1; 1; 2; 2 |]).ConvTranspose2d(z [| 1; 1; 1; 1 |], padding = [| 1 |]))

                fails<ArgumentException> [ "convTranspose2d"; "at least one input channel" ] (fun () ->
                    (z [| 1; 0; 2; 2 |]).ConvTranspose2d(z [| 0; 1; 1; 1 |]))
            testCase "convTranspose1d: ranks and channels"
            <| fun () ->
                fails<ArgumentException> [ "convTranspose1d"; "[1, 2, 3, 4]" ] (fun () ->
                    Tensor.convTranspose1d 1 0 0 1 1 (z [| 2; 1; 2 |]) None (z [| 1; 2; 3; 4 |]))

                fails<ArgumentException> [ "convTranspose1d"; "3 channels" ] (fun () ->
                    Tensor.convTranspose1d 1 0 0 1 1 (z [| 2; 1; 2 |]) None (z [| 1; 3; 4 |]))

                fails<ArgumentException> [ "convTranspose1d"; "output padding" ] (fun () ->
                    Tensor.convTranspose1d 1 0 1 1 1 (z [| 2; 1; 2 |]) None (z [| 1; 2; 4 |]))
            testCase "adaptive pooling: ranks, empty pooled dims, negative sizes, integer input"
            <| fun () ->
                fails<ArgumentException> [ "adaptiveAvgPool2d"; "3-D or 4-D"; "[4, 4]" ] (fun () ->
                    Tensor.adaptiveAvgPool2d (2, 2) (z [| 4; 4 |]))

                fails<ArgumentException> [ "adaptiveAvgPool2d"; "3-D or 4-D"; "[1, 1, 1, 4, 4]" ] (fun () ->
                    Tensor.adaptiveAvgPool2d (2, 2) (z [| 1; 1; 1; 4; 4 |]))

                fails<ArgumentException> [ "adaptiveAvgPool1d"; "2-D or 3-D"; "[4]" ] (fun () -> Tensor.adaptiveAvgPool1d 2 (z [| 4 |]))

                fails<ArgumentException> [ "adaptiveAvgPool2d"; "empty"; "[2, 2, 0, 7]" ] (fun () ->
                    Tensor.adaptiveAvgPool2d (2, 2) (z [| 2; 2; 0; 7 |]))

                fails<ArgumentException> [ "adaptiveAvgPool2d"; "non-negative"; "[-1, 2]" ] (fun () ->
                    Tensor.adaptiveAvgPool2d (-1, 2) (z [| 2; 4; 4 |]))

                fails<ArgumentException> [ "adaptiveAvgPool1d"; "floating-point"; "int64" ] (fun () ->
                    Tensor.adaptiveAvgPool1d 2 (Tensor.Zeros([| 2; 4 |], Dtype.Int64)))
            testCase "batchNorm: one value per channel when training (PyTorch's message)"
            <| fun () ->
                fails<ArgumentException>
                    [
                        "batchNorm"
                        "Expected more than 1 value per channel when training"
                        "[1, 3]"
                    ]
                    (fun () -> Tensor.batchNorm None None None None true 0.1 1e-5 (z [| 1; 3 |]))

                fails<ArgumentException> [ "batchNorm"; "more than 1 value"; "[1, 3, 1, 1]" ] (fun () ->
                    Tensor.batchNorm None None None None true 0.1 1e-5 (z [| 1; 3; 1; 1 |]))
            testCase "batchNorm: evaluation needs the running statistics"
            <| fun () ->
                fails<ArgumentException> [ "batchNorm"; "running_mean and running_var"; "evaluation" ] (fun () ->
                    Tensor.batchNorm None None None None false 0.1 1e-5 (z [| 2; 3 |]))
            testCase "batchNorm: parameter shapes, ranks and dtypes"
            <| fun () ->
                fails<ArgumentException> [ "batchNorm"; "weight"; "[3]"; "[2]" ] (fun () ->
                    Tensor.batchNorm None None (Some(z [| 2 |])) None true 0.1 1e-5 (z [| 2; 3 |]))

                fails<ArgumentException> [ "batchNorm"; "runningVar"; "[3]"; "[4]" ] (fun () ->
                    Tensor.batchNorm (Some(z [| 3 |])) (Some(z [| 4 |])) None None false 0.1 1e-5 (z [| 2; 3 |]))

                fails<ArgumentException> [ "batchNorm"; "at least 2 dimensions"; "[3]" ] (fun () ->
                    Tensor.batchNorm None None None None true 0.1 1e-5 (z [| 3 |]))

                fails<ArgumentException> [ "batchNorm"; "floating-point"; "int64" ] (fun () ->
                    Tensor.batchNorm None None None None true 0.1 1e-5 (Tensor.Zeros([| 2; 3 |], Dtype.Int64)))

                fails<ArgumentException> [ "batchNorm"; "runningMean"; "floating-point" ] (fun () ->
                    Tensor.batchNorm (Some(Tensor.Zeros([| 3 |], Dtype.Int64))) None None None true 0.1 1e-5 (z [| 2; 3 |]))
            testCase "instanceNorm: more than one spatial element, the running statistics without input statistics"
            <| fun () ->
                fails<ArgumentException> [ "instanceNorm"; "Expected more than 1 spatial element"; "[4, 3]" ] (fun () ->
                    Tensor.instanceNorm None None None None true 0.1 1e-5 (z [| 4; 3 |]))

                fails<ArgumentException> [ "instanceNorm"; "running_mean and running_var" ] (fun () ->
                    Tensor.instanceNorm None None None None false 0.1 1e-5 (z [| 4; 3; 2 |]))

                fails<ArgumentException> [ "instanceNorm"; "bias"; "[3]"; "[2]" ] (fun () ->
                    Tensor.instanceNorm None None None (Some(z [| 2 |])) true 0.1 1e-5 (z [| 4; 3; 2 |]))
            testCase "layerNorm: the normalized shape must match the last dims"
            <| fun () ->
                fails<ArgumentException> [ "layerNorm"; "[4]"; "[*, 4]"; "[2, 3]" ] (fun () ->
                    Tensor.layerNorm [| 4 |] None None 1e-5 (z [| 2; 3 |]))

                fails<ArgumentException> [ "layerNorm"; "at least one dimension" ] (fun () ->
                    Tensor.layerNorm [||] None None 1e-5 (z [| 2; 3 |]))

                fails<ArgumentException> [ "layerNorm"; "weight"; "[3]"; "[2]" ] (fun () ->
                    Tensor.layerNorm [| 3 |] (Some(z [| 2 |])) None 1e-5 (z [| 2; 3 |]))

                fails<ArgumentException> [ "layerNorm"; "[2, 3]"; "[3]" ] (fun () -> Tensor.layerNorm [| 2; 3 |] None None 1e-5 (z [| 3 |]))
            testCase "groupNorm: channels divisible by the groups, groups positive, parameter shapes"
            <| fun () ->
                fails<ArgumentException> [ "groupNorm"; "divisible"; "[2, 3, 4]"; "numGroups = 2" ] (fun () ->
                    Tensor.groupNorm 2 None None 1e-5 (z [| 2; 3; 4 |]))

                fails<ArgumentException> [ "groupNorm"; "at least 1"; "0" ] (fun () -> Tensor.groupNorm 0 None None 1e-5 (z [| 2; 3; 4 |]))

                fails<ArgumentException> [ "groupNorm"; "weight"; "[4]"; "[3]" ] (fun () ->
                    Tensor.groupNorm 2 (Some(z [| 3 |])) None 1e-5 (z [| 2; 4; 3 |]))

                fails<ArgumentException> [ "groupNorm"; "at least 2 dimensions"; "[4]" ] (fun () ->
                    Tensor.groupNorm 2 None None 1e-5 (z [| 4 |]))
            testCase "embedding: an out-of-range index is named with the table size"
            <| fun () ->
                let weight = z [| 3; 2 |]

                fails<ArgumentOutOfRangeException> [ "embedding"; "index 5"; "3 embeddings"; "0 .. 2" ] (fun () ->
                    Tensor.embedding None weight (ints [ 0L; 5L ]))

                fails<ArgumentOutOfRangeException> [ "embedding"; "index -1"; "3 embeddings" ] (fun () ->
                    Tensor.embedding None weight (ints [ 0L; -1L ]))
            testCase "embedding: integer indices, a 2-D table, paddingIdx in range"
            <| fun () ->
                fails<ArgumentException> [ "embedding"; "int64 or int32"; "float64" ] (fun () ->
                    Tensor.embedding None (z [| 3; 2 |]) (vec [ 0.0; 1.0 ]))

                fails<ArgumentException> [ "embedding"; "2-D"; "[6]" ] (fun () -> Tensor.embedding None (z [| 6 |]) (ints [ 0L ]))

                fails<ArgumentOutOfRangeException> [ "embedding"; "paddingIdx 3"; "3 embeddings" ] (fun () ->
                    Tensor.embedding (Some 3) (z [| 3; 2 |]) (ints [ 0L ]))

                fails<ArgumentOutOfRangeException> [ "embedding"; "paddingIdx -4" ] (fun () ->
                    Tensor.embedding (Some -4) (z [| 3; 2 |]) (ints [ 0L ]))
            testCase "bilinear: batch dims, feature sizes, ranks, bias"
            <| fun () ->
                let a = z [| 5; 3; 4 |]

                fails<ArgumentException> [ "bilinear"; "leading"; "[2, 3]"; "[3, 4]" ] (fun () ->
                    Tensor.bilinear a None (z [| 2; 3 |]) (z [| 3; 4 |]))

                fails<ArgumentException> [ "bilinear"; "[out, 3, 5]"; "[5, 3, 4]" ] (fun () ->
                    Tensor.bilinear a None (z [| 2; 3 |]) (z [| 2; 5 |]))

                fails<ArgumentException> [ "bilinear"; "[2, 3]"; "[1, 2, 4]" ] (fun () ->
                    Tensor.bilinear a None (z [| 2; 3 |]) (z [| 1; 2; 4 |]))

                fails<ArgumentException> [ "bilinear"; "at least one dimension" ] (fun () -> Tensor.bilinear a None (z [||]) (z [| 4 |]))

                fails<ArgumentException> [ "bilinear"; "bias"; "[5]"; "[4]" ] (fun () ->
                    Tensor.bilinear a (Some(z [| 4 |])) (z [| 2; 3 |]) (z [| 2; 4 |]))
            testCase "scaledDotProductAttention: shapes, masks and dtypes"
            <| fun () ->
                let q, k, v = z [| 2; 3; 4 |], z [| 2; 5; 4 |], z [| 2; 5; 3 |]

                fails<ArgumentException> [ "scaledDotProductAttention"; "[2, 3, 4]"; "[2, 5, 3]"; "embedding size" ] (fun () ->
                    Tensor.scaledDotProductAttention None false q v v)

                fails<ArgumentException> [ "scaledDotProductAttention"; "S = 5"; "[2, 4, 3]" ] (fun () ->
                    Tensor.scaledDotProductAttention None false q k (z [| 2; 4; 3 |]))

                fails<ArgumentException> [ "scaledDotProductAttention"; "isCausal" ] (fun () ->
                    Tensor.scaledDotProductAttention (Some(z [| 3; 5 |])) true q k v)

                fails<ArgumentException> [ "scaledDotProductAttention"; "bool"; "int64" ] (fun () ->
                    Tensor.scaledDotProductAttention (Some(Tensor.Zeros([| 3; 5 |], Dtype.Int64))) false q k v)

                fails<ArgumentException> [ "scaledDotProductAttention"; "[4, 5]"; "[2, 3, 5]" ] (fun () ->
                    Tensor.scaledDotProductAttention (Some(z [| 4; 5 |])) false q k v)

                fails<ArgumentException> [ "scaledDotProductAttention"; "[2, 2, 3, 5]" ] (fun () ->
                    Tensor.scaledDotProductAttention (Some(z [| 2; 2; 3; 5 |])) false q k v)

                fails<ArgumentException> [ "scaledDotProductAttention"; "at least 2 dimensions"; "[4]" ] (fun () ->
                    Tensor.scaledDotProductAttention None false (z [| 4 |]) k v)

                fails<ArgumentException> [ "scaledDotProductAttention"; "batch"; "[3, 3, 4]" ] (fun () ->
                    Tensor.scaledDotProductAttention None false (z [| 3; 3; 4 |]) k v)

                fails<ArgumentException> [ "scaledDotProductAttention"; "floating-point" ] (fun () ->
                    Tensor.scaledDotProductAttention
                        None
                        false
                        (Tensor.Zeros([| 3; 4 |], Dtype.Int64))
                        (Tensor.Zeros([| 5; 4 |], Dtype.Int64))
                        v)

                fails<ArgumentException> [ "attentionWeights"; "embedding size"; "at least 1" ] (fun () ->
                    Tensor.attentionWeights None false (z [| 3; 0 |]) (z [| 5; 0 |]))
            testCase "normalize, pairwiseDistance, cosineSimilarity: dims and dtypes"
            <| fun () ->
                fails<ArgumentOutOfRangeException> [ "normalize"; "dimension 2" ] (fun () -> Tensor.normalize 2.0 2 1e-12 (z [| 2; 3 |]))

                fails<ArgumentException> [ "normalize"; "floating-point" ] (fun () ->
                    Tensor.normalize 2.0 1 1e-12 (Tensor.Zeros([| 2; 3 |], Dtype.Int64)))

                fails<ArgumentException> [ "pairwiseDistance"; "[2, 3]"; "[4]" ] (fun () ->
                    Tensor.pairwiseDistance 2.0 1e-6 false (z [| 2; 3 |]) (z [| 4 |]))

                fails<ArgumentException> [ "cosineSimilarity"; "floating-point"; "int32" ] (fun () ->
                    Tensor.cosineSimilarity 0 1e-8 (Tensor.ofArray [| 1; 2 |]) (Tensor.ofArray [| 3; 4 |]))

                fails<ArgumentOutOfRangeException> [ "cosineSimilarity"; "dimension 2" ] (fun () ->
                    Tensor.cosineSimilarity 2 1e-8 (z [| 2; 3 |]) (z [| 2; 3 |]))

                fails<ArgumentException> [ "cosineSimilarity"; "[2, 3]"; "[4]" ] (fun () ->
                    Tensor.cosineSimilarity 0 1e-8 (z [| 2; 3 |]) (z [| 4 |]))
            testCase "null tensors, an empty table, bool inputs to the clamps"
            <| fun () ->
                fails<ArgumentNullException> [ "convTranspose2d"; "weight" ] (fun () ->
                    (z [| 1; 1; 3; 3 |]).ConvTranspose2d(Unchecked.defaultof<Tensor>))

                fails<ArgumentNullException> [ "embedding"; "indices" ] (fun () ->
                    Tensor.embedding None (z [| 3; 2 |]) Unchecked.defaultof<Tensor>)

                fails<ArgumentNullException> [ "scaledDotProductAttention"; "value" ] (fun () ->
                    Tensor.scaledDotProductAttention None false (z [| 3; 2 |]) (z [| 4; 2 |]) Unchecked.defaultof<Tensor>)

                fails<ArgumentOutOfRangeException> [ "embedding"; "index 0"; "empty"; "[0, 2]" ] (fun () ->
                    Tensor.embedding None (z [| 0; 2 |]) (ints [ 0L ]))

                fails<ArgumentException> [ "relu6"; "bool" ] (fun () -> Tensor.relu6 (Tensor.ofArray [| true |]))
                fails<ArgumentException> [ "hardtanh"; "bool" ] (fun () -> Tensor.hardtanh -1.0 1.0 (Tensor.ofArray [| true |]))
                fails<ArgumentException> [ "threshold"; "bool" ] (fun () -> Tensor.threshold 0.5 1.0 (Tensor.ofArray [| true |]))

            testCase "activations: glu's halves, hardtanh's bounds, celu's alpha, softshrink's lambda, prelu's weight"
            <| fun () ->
                fails<ArgumentException> [ "glu"; "even"; "dimension 1"; "3" ] (fun () -> Tensor.glu 1 (z [| 2; 3 |]))
                fails<ArgumentException> [ "glu"; "0-d" ] (fun () -> Tensor.glu 0 (Tensor.scalar 1.0))
                fails<ArgumentOutOfRangeException> [ "glu"; "dimension 2" ] (fun () -> Tensor.glu 2 (z [| 2; 4 |]))
                fails<ArgumentException> [ "hardtanh"; "2"; "-2" ] (fun () -> Tensor.hardtanh 2.0 -2.0 (z [| 3 |]))
                fails<ArgumentException> [ "celu"; "alpha cannot be 0" ] (fun () -> Tensor.celu 0.0 (z [| 3 |]))
                fails<ArgumentException> [ "softshrink"; "lambda"; "-1" ] (fun () -> Tensor.softshrink -1.0 (z [| 3 |]))
                fails<ArgumentException> [ "prelu"; "2 values"; "[1, 3]"; "3 channel" ] (fun () -> Tensor.prelu (z [| 2 |]) (z [| 1; 3 |]))
                fails<ArgumentException> [ "prelu"; "0-d or 1-D"; "[1, 2]" ] (fun () -> Tensor.prelu (z [| 1; 2 |]) (z [| 1; 2 |]))
                fails<ArgumentException> [ "selu"; "floating-point" ] (fun () -> Tensor.selu (Tensor.ofArray [| 1; 2 |]))
                fails<ArgumentException> [ "mish"; "floating-point" ] (fun () -> Tensor.mish (Tensor.ofArray [| 1; 2 |]))
        ]

// ---------------------------------------------------------------- PyTorch parity (PyTorch/reference_nn.py)

let private arangeN n = arange n

let private x12 =
    Tensor.Linspace(-1.1, 1.4, 12, dtype = f64) * Tensor.cos (arangeN 12)

let private v12 = Tensor.sin (arangeN 12 + 0.5)

let private x16 =
    Tensor.Linspace(-1.3, 1.7, 16, dtype = f64) * Tensor.cos (arangeN 16)

let private v16 = Tensor.sin (arangeN 16)
let private v24 = Tensor.cos (arangeN 24 * 1.3)
let private r (shape: int[]) (x: Tensor) = Tensor.reshape shape x
let private sdpa = Tensor.scaledDotProductAttention
let private idx = Tensor.create [ [ 0L; 2L ]; [ 3L; 2L ]; [ 1L; 0L ] ]

let private boolMask =
    Tensor.create [ [ true; false; true ]; [ false; false; false ]; [ true; true; false ] ]

let private functions: (string * (Tensor -> Tensor) * Tensor * Tensor) list =
    [
        "conv_transpose2d_stride_padding_dilation",
        (fun x ->
            let k =
                weights [| 2; 3; 3; 2 |] 0.5
                + 0.1 * (x.[0..5] |> Tensor.repeat [| 6 |] |> r [| 2; 3; 3; 2 |])

            let y =
                x
                |> r [| 1; 2; 2; 4 |]
                |> Tensor.convTranspose2d [| 2; 1 |] [| 1; 0 |] [| 1; 0 |] 1 [| 1; 2 |] k None

            Tensor.sum (y ** 2.0) + Tensor.sum (sin y)),
        x16,
        v16
        "conv_transpose2d_groups_bias_unbatched",
        (fun x ->
            let y =
                x.[0..11]
                |> r [| 4; 1; 3 |]
                |> Tensor.convTranspose2d
                    [| 1; 2 |]
                    [| 0; 1 |]
                    [| 0; 1 |]
                    2
                    [| 1; 1 |]
                    (weights [| 4; 2; 2; 2 |] 0.7)
                    (Some(x.[12..15] * 0.5))

            Tensor.sum (y * w y.Shape) + Tensor.sum (y ** 3.0) * 0.1),
        x16,
        v16
        "conv_transpose2d_output_padding_beyond_stride",
        (fun x ->
            let y =
                x.[0..11]
                |> r [| 1; 2; 2; 3 |]
                |> Tensor.convTranspose2d [| 1; 1 |] [| 1; 0 |] [| 1; 2 |] 1 [| 2; 3 |] (r [| 2; 1; 3; 2 |] x.[12..23]) None

            Tensor.sum (cos y * w [| 1; 1; 5; 8 |])),
        x24,
        v24
        "conv_transpose1d_stride_output_padding",
        (fun x ->
            let y =
                x.[0..11]
                |> r [| 2; 2; 3 |]
                |> Tensor.convTranspose1d 3 1 2 1 1 (x.[12..23] |> r [| 2; 2; 3 |]) (Some(vec [ 0.1; -0.2 ]))

            Tensor.sum (tanh y * w y.Shape)),
        x24,
        v24
        "conv_transpose1d_groups_dilation",
        (fun x ->
            let y =
                x.[0..7]
                |> r [| 4; 2 |]
                |> Tensor.convTranspose1d 2 0 1 2 2 (w [| 4; 3; 2 |] + r [| 4; 1; 1 |] x.[8..11]) None

            Tensor.sum (y ** 2.0)),
        x12,
        v12
        "adaptive_avg_pool2d_down_and_up",
        (fun x ->
            Tensor.sum (Tensor.adaptiveAvgPool2d (2, 3) (r [| 1; 2; 3; 4 |] x) ** 2.0)
            + Tensor.sum (sin (Tensor.adaptiveAvgPool2d (5, 2) (r [| 2; 3; 4 |] x)) * w [| 2; 5; 2 |])
            + Tensor.sum (exp (Tensor.adaptiveAvgPool2d (1, 1) (r [| 1; 1; 4; 6 |] x)))),
        x24,
        v24
        "adaptive_avg_pool1d_overlapping_bins",
        (fun x ->
            Tensor.sum (Tensor.adaptiveAvgPool1d 2 (r [| 2; 2; 3 |] x) ** 3.0)
            + Tensor.sum (cos (Tensor.adaptiveAvgPool1d 3 (r [| 3; 4 |] x)) * w [| 3; 3 |])
            + Tensor.sum ((Tensor.adaptiveAvgPool1d 4 (r [| 1; 2; 6 |] x) * w [| 1; 2; 4 |]) ** 2.0)),
        x12,
        v12
        "batch_norm_training_affine",
        (fun x ->
            let y =
                r [| 3; 2; 2 |] x
                |> Tensor.batchNorm None None (Some(1.0 + 0.3 * x.[0..1])) (Some x.[2..3]) true 0.1 1e-3

            Tensor.sum (y * w y.Shape) + Tensor.sum (y ** 3.0) * 0.2),
        x12,
        v12
        "batch_norm_training_4d",
        (fun x ->
            let y = r [| 2; 3; 2; 2 |] x |> Tensor.batchNorm None None None None true 0.1 1e-5
            Tensor.sum (sin y * w y.Shape)),
        x24,
        v24
        "batch_norm_eval_running_stats",
        (fun x ->
            let y =
                x.[0..7]
                |> r [| 2; 2; 2 |]
                |> Tensor.batchNorm
                    (Some(vec [ 0.3; -0.2 ]))
                    (Some(vec [ 0.8; 1.7 ]))
                    (Some(x.[8..9] - 0.5))
                    (Some x.[10..11])
                    false
                    0.1
                    1e-2

            Tensor.sum (y * w y.Shape) + Tensor.sum (y ** 2.0)),
        x12,
        v12
        "instance_norm_affine",
        (fun x ->
            let y =
                r [| 2; 3; 4 |] x
                |> Tensor.instanceNorm None None (Some(1.0 + 0.2 * x.[0..2])) (Some x.[3..5]) true 0.1 1e-4

            Tensor.sum (y * w y.Shape) + Tensor.sum (y ** 3.0) * 0.1),
        x24,
        v24
        "instance_norm_running_statistics",
        (fun x ->
            r [| 2; 3; 2; 2 |] x
            |> Tensor.instanceNorm (Some(vec [ 0.1; -0.2; 0.3 ])) (Some(vec [ 1.5; 0.5; 2.0 ])) (Some x.[0..2]) None false 0.1 1e-3
            |> fun y -> Tensor.sum (y ** 2.0)),
        x24,
        v24
        "layer_norm_last_dim_affine",
        (fun x ->
            let y =
                r [| 3; 4 |] x
                |> Tensor.layerNorm [| 4 |] (Some(1.0 + 0.2 * x.[0..3])) (Some(x.[4..7] * 0.5)) 1e-4

            Tensor.sum (y * w y.Shape) + Tensor.sum (y ** 3.0) * 0.1),
        x12,
        v12
        "layer_norm_two_dims",
        (fun x ->
            Tensor.sum (
                tanh (r [| 2; 2; 6 |] x |> Tensor.layerNorm [| 2; 6 |] None None 1e-5)
                * w [| 2; 2; 6 |]
            )),
        x24,
        v24
        "group_norm_affine",
        (fun x ->
            let y =
                x.[0..19]
                |> r [| 1; 4; 5 |]
                |> Tensor.groupNorm 2 (Some(1.0 + 0.3 * x.[20..23])) (Some(vec [ 0.1; 0.2; -0.3; 0.4 ])) 1e-3

            Tensor.sum (y * w y.Shape) + Tensor.sum (y ** 2.0) * 0.3),
        x24,
        v24
        "group_norm_no_affine_4d",
        (fun x ->
            Tensor.sum (
                sin (r [| 2; 6; 2; 1 |] x |> Tensor.groupNorm 3 None None 1e-5)
                * w [| 2; 6; 2; 1 |]
            )),
        x24,
        v24
        "embedding_padding_idx",
        (fun x ->
            Tensor.sum (tanh (Tensor.embedding (Some 2) (r [| 4; 3 |] x) idx) * w [| 3; 2; 3 |])
            + Tensor.sum (Tensor.embedding None (r [| 4; 3 |] x ** 2.0) (ints [ 1L; 3L; 3L ]))),
        x12,
        v12
        "bilinear_batch_bias",
        (fun x ->
            let y =
                Tensor.bilinear
                    (w [| 2; 3; 2 |] + 0.2 * r [| 2; 3; 2 |] x.[12..23])
                    (Some x.[10..11])
                    (r [| 2; 3 |] x.[0..5])
                    (r [| 2; 2 |] x.[6..9])

            Tensor.sum (y * w y.Shape) + Tensor.sum (y ** 2.0)),
        x24,
        v24
        "bilinear_unbatched_and_3d",
        (fun x ->
            Tensor.sum (sin (Tensor.bilinear (w [| 4; 3; 2 |]) None x.[0..2] x.[3..4]))
            + Tensor.sum (
                Tensor.bilinear (w [| 3; 3; 2 |]) None (r [| 2; 2; 3 |] x.[0..11]) (r [| 2; 2; 2 |] x.[12..19])
                ** 2.0
            )),
        x24,
        v24
        "attention_plain",
        (fun x ->
            Tensor.sum (
                sdpa None false (r [| 3; 2 |] x.[0..5]) (r [| 3; 2 |] x.[6..11]) (r [| 3; 2 |] x.[12..17])
                * w [| 3; 2 |]
            )
            + Tensor.sum (
                sdpa None false (r [| 2; 2; 2 |] x.[0..7]) (r [| 1; 3; 2 |] x.[8..13]) (r [| 3; 2 |] x.[14..19])
                ** 2.0
            )),
        x24,
        v24
        "attention_causal_batched",
        (fun x ->
            Tensor.sum (
                sdpa None true (r [| 2; 3; 2 |] x.[0..11]) (r [| 2; 3; 2 |] x.[12..23]) (r [| 2; 3; 2 |] (sin x.[0..11]))
                * w [| 2; 3; 2 |]
            )),
        x24,
        v24
        "attention_bool_mask_with_a_dead_row",
        (fun x ->
            Tensor.sum (
                sdpa (Some boolMask) false (r [| 3; 2 |] x.[0..5]) (r [| 3; 2 |] x.[6..11]) (r [| 3; 3 |] x.[12..20])
                * w [| 3; 3 |]
            )),
        x24,
        v24
        "attention_float_mask_from_x",
        (fun x ->
            let mask = r [| 2; 3 |] x.[18..23] * 2.0

            Tensor.sum (
                sdpa (Some mask) false (r [| 1; 2; 4 |] x.[0..7]) (r [| 1; 3; 4 |] x.[8..19]) (r [| 1; 3; 4 |] x.[12..23])
                * w [| 1; 2; 4 |]
            )),
        x24,
        v24
        "normalize_pairwise_distance_cosine",
        (fun x ->
            Tensor.sum (Tensor.normalize 2.0 1 1e-12 (r [| 3; 4 |] x) * w [| 3; 4 |])
            + Tensor.sum (Tensor.normalize 3.0 0 1e-12 (r [| 3; 4 |] x) ** 2.0)
            + Tensor.sum (Tensor.pairwiseDistance 2.0 1e-6 false (r [| 2; 3 |] x.[0..5]) (r [| 2; 3 |] x.[6..11]))
            + Tensor.sum (sin (Tensor.pairwiseDistance 1.5 1e-3 true (r [| 2; 3 |] x.[0..5]) x.[9..11]))
            + Tensor.sum (Tensor.cosineSimilarity 1 1e-8 (r [| 2; 3 |] x.[0..5]) (r [| 2; 3 |] x.[6..11]))
            + Tensor.sum (
                Tensor.cosineSimilarity -1 1e-8 (r [| 3; 4 |] x) x.[0..3]
                * vec [ 1.0; -2.0; 0.5 ]
            )),
        x12,
        v12
        "activations_clamps_and_units",
        (fun x ->
            Tensor.sum (Tensor.hardtanh -1.0 1.0 (2.0 * x) * x)
            + Tensor.sum (Tensor.relu6 (4.0 * x + 3.0) ** 2.0)
            + Tensor.sum (sin (Tensor.selu (2.0 * x)))
            + Tensor.sum (Tensor.celu 0.75 (2.0 * x) * x)
            + Tensor.sum (Tensor.mish (3.0 * x) ** 2.0)
            + Tensor.sum (Tensor.softsign (3.0 * x) * x)),
        x12,
        v12
        "activations_gates_and_shrinks",
        (fun x ->
            Tensor.sum (Tensor.glu 1 (r [| 3; 4 |] x) * w [| 3; 2 |])
            + Tensor.sum (Tensor.geluTanh (2.0 * x) ** 2.0)
            + Tensor.sum (Tensor.hardsigmoid (4.0 * x) * x)
            + Tensor.sum (Tensor.hardswish (4.0 * x) ** 2.0)
            + Tensor.sum (Tensor.softmin 0 (r [| 3; 4 |] x) * w [| 3; 4 |])
            + Tensor.sum (Tensor.tanhshrink (2.0 * x))
            + Tensor.sum (Tensor.softshrink 0.3 x * x)
            + Tensor.sum (Tensor.hardshrink 0.3 x ** 3.0)
            + Tensor.sum (Tensor.threshold 0.1 -2.0 x * x)),
        x12,
        v12
        "activations_prelu_softplus",
        (fun x ->
            Tensor.sum (Tensor.prelu (x.[0..2] * 0.5) (r [| 2; 3; 2 |] x) ** 2.0)
            + Tensor.sum (Tensor.prelu (vec [ 0.25 ]) x * w [| 12 |])
            + Tensor.sum (Tensor.softplusWith 2.0 3.0 (3.0 * x) * x)),
        x12,
        v12
    ]

let tests =
    testList
        "nn functions"
        [
            testsOf "rules (convolution, pooling)" convolutionSpecs
            testsOf "rules (normalisation)" normalisationSpecs
            testsOf "rules (embedding, bilinear)" lookupSpecs
            testsOf "rules (attention, distances)" attentionSpecs
            testsOf "rules (activations)" activationSpecs
            convolutionKnown
            normalisationKnown
            lookupKnown
            attentionKnown
            activationKnown
            errors
            PyTorchParity.suite "PyTorch parity" "reference_nn.json" functions
        ]
