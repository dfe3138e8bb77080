/// layers: gradients against finite differences, PyTorch parity, errors.
module Nabla.Tests.LayerTests

open System
open Expecto
open Nabla
open Nabla.NN
open Nabla.Tests.Check

let private f64 = Dtype.Float64

/// Deterministic float64 values in [-1, 1) of a shape.
let private data (shape: int[]) (seed: int) = LayerCheck.cotangentFor shape seed

let private one (m: Module) (xs: Tensor list) = m.Forward xs.Head

let private two (m: Module) (xs: Tensor list) = (m :?> Bilinear).Forward(xs[0], xs[1])

/// Two forward passes (on x and 2x + 1), so running statistics move twice (as `twice` in reference_layers.py).
let private twice (m: Module) (xs: Tensor list) =
    let x = xs.Head

    Tensor.cat
        0
        [
            Tensor.reshape [| -1 |] (m.Forward x)
            Tensor.reshape [| -1 |] (m.Forward(2.0 * x + 1.0))
        ]

let private evaluating (m: Module) =
    m.Eval()
    m

let private indices (values: int64[]) (shape: int[]) =
    Tensor.ofArray values |> Tensor.reshape shape

// ---------------------------------------------------------------- PyTorch parity

let private parity =
    let m (f: unit -> #Module) = fun () -> f () :> Module

    LayerCheck.paritySuite
        "PyTorch parity"
        "reference_layers.json"
        [
            // Bilinear
            "bilinear", m (fun () -> Bilinear(3, 4, 2, dtype = f64)), two
            "bilinear_no_bias_leading_dims", m (fun () -> Bilinear(2, 3, 4, bias = false, dtype = f64)), two
            "bilinear_unbatched", m (fun () -> Bilinear(3, 2, 2, dtype = f64)), two
            // Conv1d
            "conv1d", m (fun () -> Conv1d(3, 4, 3, dtype = f64)), one
            "conv1d_stride_padding_dilation_groups",
            m (fun () -> Conv1d(4, 6, 3, stride = 2, padding = 2, dilation = 2, groups = 2, dtype = f64)),
            one
            "conv1d_same_even_kernel", m (fun () -> Conv1d(2, 3, 4, padding = "same", dtype = f64)), one
            "conv1d_unbatched_no_bias", m (fun () -> Conv1d(3, 2, 2, bias = false, dtype = f64)), one
            "conv1d_reflect", m (fun () -> Conv1d(2, 2, 3, padding = 2, paddingMode = "reflect", dtype = f64)), one
            // Conv2d
            "conv2d_issue", m (fun () -> Conv2d(3, 8, 3, stride = 1, padding = 1, dtype = f64)), one
            "conv2d_nonsquare_stride_padding", m (fun () -> Conv2d(2, 4, (3, 2), stride = (2, 1), padding = (1, 0), dtype = f64)), one
            "conv2d_dilation_groups_no_bias", m (fun () -> Conv2d(4, 6, 3, dilation = 2, groups = 2, bias = false, dtype = f64)), one
            "conv2d_depthwise_strided", m (fun () -> Conv2d(3, 6, 3, groups = 3, stride = 2, padding = 1, dtype = f64)), one
            "conv2d_same", m (fun () -> Conv2d(2, 3, (4, 3), padding = "same", dilation = (1, 2), dtype = f64)), one
            "conv2d_valid", m (fun () -> Conv2d(2, 2, 3, padding = "valid", dtype = f64)), one
            "conv2d_unbatched", m (fun () -> Conv2d(3, 2, 3, padding = 1, dtype = f64)), one
            "conv2d_reflect", m (fun () -> Conv2d(2, 3, 3, padding = (1, 2), paddingMode = "reflect", dtype = f64)), one
            "conv2d_replicate", m (fun () -> Conv2d(2, 3, 3, padding = 2, paddingMode = "replicate", dtype = f64)), one
            "conv2d_circular", m (fun () -> Conv2d(2, 3, 3, padding = 1, paddingMode = "circular", dtype = f64)), one
            "conv2d_same_circular", m (fun () -> Conv2d(1, 2, (2, 3), padding = "same", paddingMode = "circular", dtype = f64)), one
            // ConvTranspose2d
            "conv_transpose2d_stride2_output_padding",
            m (fun () -> ConvTranspose2d(3, 2, 3, stride = 2, padding = 1, outputPadding = 1, dtype = f64)),
            one
            "conv_transpose2d_groups_dilation",
            m (fun () ->
                ConvTranspose2d(4, 6, (3, 2), stride = (2, 1), padding = (1, 0), groups = 2, dilation = (1, 2), bias = false, dtype = f64)),
            one
            "conv_transpose2d_unbatched", m (fun () -> ConvTranspose2d(2, 3, 2, stride = 2, dtype = f64)), one
            "conv_transpose2d_output_size",
            m (fun () -> ConvTranspose2d(2, 2, 3, stride = 2, padding = 1, dtype = f64)),
            fun m xs -> (m :?> ConvTranspose2d).Forward(xs.Head, [| 7; 8 |])
            "conv_transpose1d_strided_grouped_dilated",
            m (fun () ->
                ConvTranspose1d(2, 4, 3, stride = 2, padding = 1, outputPadding = 1, groups = 2, dilation = 2, bias = false, dtype = f64)),
            one
            "conv_transpose1d_unbatched", m (fun () -> ConvTranspose1d(3, 2, 2, stride = 3, dtype = f64)), one
            "conv_transpose1d_output_size",
            m (fun () -> ConvTranspose1d(2, 2, 3, stride = 2, dtype = f64)),
            fun m xs -> (m :?> ConvTranspose1d).Forward(xs.Head, [| 10 |])
            // pooling
            "maxpool_net", m (fun () -> Sequential(Conv2d(2, 3, 3, padding = 1, dtype = f64), MaxPool2d(2))), one
            "maxpool_strided_padded",
            m (fun () -> Sequential(Conv2d(1, 2, 3, dtype = f64), MaxPool2d((3, 2), stride = (2, 1), padding = 1))),
            one
            "maxpool_unbatched", m (fun () -> Sequential(Conv2d(2, 2, 1, dtype = f64), MaxPool2d(2))), one
            "avgpool_net", m (fun () -> Sequential(Conv2d(2, 3, 3, padding = 1, dtype = f64), AvgPool2d(2))), one
            "avgpool_padded_exclude_pad",
            m (fun () -> Sequential(Conv2d(1, 2, 3, dtype = f64), AvgPool2d(3, stride = 2, padding = 1, countIncludePad = false))),
            one
            "avgpool_divisor_override",
            m (fun () -> Sequential(Conv2d(1, 2, 1, dtype = f64), AvgPool2d((2, 3), stride = (1, 2), padding = 1, divisorOverride = 4))),
            one
            "adaptive_avgpool_net", m (fun () -> Sequential(Conv2d(2, 3, 3, dtype = f64), AdaptiveAvgPool2d((3, 2)))), one
            "adaptive_avgpool_global_head",
            m (fun () -> Sequential(Conv2d(2, 3, 3, dtype = f64), ReLU(), AdaptiveAvgPool2d(1), Flatten(), Linear(3, 2, dtype = f64))),
            one
            "maxpool1d_net", m (fun () -> Sequential(Conv1d(2, 3, 3, padding = 1, dtype = f64), MaxPool1d(3, stride = 2, padding = 1))), one
            "avgpool1d_exclude_pad",
            m (fun () -> Sequential(Conv1d(2, 3, 2, dtype = f64), AvgPool1d(3, stride = 2, padding = 1, countIncludePad = false))),
            one
            "avgpool1d_unbatched", m (fun () -> Sequential(Conv1d(2, 2, 1, dtype = f64), AvgPool1d(2))), one
            "adaptive_avgpool1d_net", m (fun () -> Sequential(Conv1d(2, 3, 3, dtype = f64), AdaptiveAvgPool1d(4))), one
            "flatten_convnet",
            m (fun () -> Sequential(Conv2d(1, 2, 3, dtype = f64), ReLU(), MaxPool2d(2), Flatten(), Linear(8, 3, dtype = f64))),
            one
            // BatchNorm
            "batchnorm1d_train_2d", m (fun () -> BatchNorm1d(4, dtype = f64)), twice
            "batchnorm1d_train_3d", m (fun () -> BatchNorm1d(3, dtype = f64)), twice
            "batchnorm1d_momentum_none", m (fun () -> BatchNorm1d(3, momentum = nan, dtype = f64)), twice
            "batchnorm1d_eval", m (fun () -> evaluating (BatchNorm1d(4, dtype = f64))), one
            "batchnorm1d_eval_3d", m (fun () -> evaluating (BatchNorm1d(2, eps = 1e-3, dtype = f64))), one
            "batchnorm2d_train", m (fun () -> BatchNorm2d(3, dtype = f64)), twice
            "batchnorm2d_eval", m (fun () -> evaluating (BatchNorm2d(3, dtype = f64))), one
            "batchnorm2d_no_affine_momentum", m (fun () -> BatchNorm2d(3, affine = false, momentum = 0.3, dtype = f64)), twice
            "batchnorm2d_no_tracking_eval", m (fun () -> evaluating (BatchNorm2d(3, trackRunningStats = false, dtype = f64))), one
            "batchnorm2d_momentum_none_train", m (fun () -> BatchNorm2d(2, momentum = nan, dtype = f64)), twice
            "batchnorm2d_in_convnet",
            m (fun () -> Sequential(Conv2d(2, 3, 3, dtype = f64), BatchNorm2d(3, dtype = f64), ReLU(), Flatten())),
            one
            "batchnorm3d_train", m (fun () -> BatchNorm3d(2, dtype = f64)), twice
            "batchnorm3d_eval", m (fun () -> evaluating (BatchNorm3d(2, dtype = f64))), one
            // InstanceNorm
            "instancenorm1d", m (fun () -> InstanceNorm1d(3, dtype = f64)), one
            "instancenorm1d_unbatched_affine", m (fun () -> InstanceNorm1d(3, affine = true, dtype = f64)), one
            "instancenorm2d_tracking_train",
            m (fun () -> InstanceNorm2d(2, affine = true, trackRunningStats = true, momentum = 0.2, dtype = f64)),
            twice
            "instancenorm2d_tracking_eval",
            m (fun () -> evaluating (InstanceNorm2d(2, affine = true, trackRunningStats = true, dtype = f64))),
            one
            "instancenorm3d", m (fun () -> InstanceNorm3d(2, eps = 1e-3, dtype = f64)), one
            // LayerNorm, GroupNorm
            "layernorm", m (fun () -> LayerNorm(4, dtype = f64)), one
            "layernorm_2d_shape", m (fun () -> LayerNorm([| 3; 4 |], dtype = f64)), one
            "layernorm_no_affine", m (fun () -> LayerNorm(5, elementwiseAffine = false, eps = 1e-3, dtype = f64)), one
            "groupnorm", m (fun () -> GroupNorm(2, 6, dtype = f64)), one
            "groupnorm_4d", m (fun () -> GroupNorm(3, 6, eps = 1e-3, dtype = f64)), one
            "groupnorm_no_affine", m (fun () -> GroupNorm(1, 4, affine = false, dtype = f64)), one
            // Embedding
            "embedding_padding", m (fun () -> Embedding(10, 3, paddingIdx = 0, dtype = f64)), one
            "embedding_negative_padding", m (fun () -> Embedding(6, 2, paddingIdx = -1, dtype = f64)), one
            "embedding_max_norm", m (fun () -> Embedding(5, 3, maxNorm = 1.0, dtype = f64)), one
            "embedding_max_norm_p1", m (fun () -> Embedding(4, 3, maxNorm = 1.5, normType = 1.0, dtype = f64)), one
            "embedding_scale_grad_by_freq", m (fun () -> Embedding(5, 3, scaleGradByFreq = true, dtype = f64)), one
            "embedding_from_pretrained",
            m (fun () -> Embedding.FromPretrained(Tensor.Zeros([| 4; 3 |], f64), freeze = false, paddingIdx = 1)),
            one
            "embedding_from_pretrained_frozen",
            m (fun () -> Sequential(Embedding.FromPretrained(Tensor.Zeros([| 4; 3 |], f64)), Linear(3, 2, dtype = f64))),
            one
        ]

// ---------------------------------------------------------------- finite differences

/// Layers and inputs for the finite-difference checks, each run in training and evaluation mode.
let private gradientCases: (string * (unit -> Module) * Tensor list * (Module -> Tensor list -> Tensor)) list =
    let m (f: unit -> #Module) = fun () -> f () :> Module

    [
        "Bilinear", m (fun () -> Bilinear(3, 2, 2, dtype = f64)), [ data [| 4; 3 |] 1; data [| 4; 2 |] 2 ], two
        "Bilinear without bias, unbatched",
        m (fun () -> Bilinear(2, 3, 2, bias = false, dtype = f64)),
        [ data [| 2 |] 1; data [| 3 |] 2 ],
        two
        "Conv1d", m (fun () -> Conv1d(2, 3, 3, dtype = f64)), [ data [| 2; 2; 6 |] 3 ], one
        "Conv1d strided, padded, dilated, grouped",
        m (fun () -> Conv1d(4, 2, 2, stride = 2, padding = 1, dilation = 2, groups = 2, dtype = f64)),
        [ data [| 1; 4; 7 |] 4 ],
        one
        "Conv1d same, replicate",
        m (fun () -> Conv1d(2, 2, 4, padding = "same", paddingMode = "replicate", dtype = f64)),
        [ data [| 1; 2; 5 |] 5 ],
        one
        "Conv1d unbatched", m (fun () -> Conv1d(2, 2, 2, dtype = f64)), [ data [| 2; 4 |] 6 ], one
        "Conv2d (the issue's)", m (fun () -> Conv2d(3, 8, 3, stride = 1, padding = 1, dtype = f64)), [ data [| 1; 3; 4; 4 |] 7 ], one
        "Conv2d non-square, strided, grouped",
        m (fun () -> Conv2d(4, 2, (3, 2), stride = (2, 1), padding = (1, 0), dilation = (1, 2), groups = 2, dtype = f64)),
        [ data [| 2; 4; 5; 5 |] 8 ],
        one
        "Conv2d same, reflect",
        m (fun () -> Conv2d(2, 2, (2, 3), padding = "same", paddingMode = "reflect", dtype = f64)),
        [ data [| 1; 2; 4; 4 |] 9 ],
        one
        "Conv2d circular, unbatched",
        m (fun () -> Conv2d(1, 2, 3, padding = 1, paddingMode = "circular", dtype = f64)),
        [ data [| 1; 3; 4 |] 10 ],
        one
        "ConvTranspose2d",
        m (fun () -> ConvTranspose2d(3, 2, 3, stride = 2, padding = 1, outputPadding = 1, dtype = f64)),
        [ data [| 1; 3; 3; 3 |] 11 ],
        one
        "ConvTranspose2d grouped, dilated, unbatched",
        m (fun () -> ConvTranspose2d(2, 4, (2, 3), stride = (1, 2), groups = 2, dilation = (2, 1), dtype = f64)),
        [ data [| 2; 3; 2 |] 12 ],
        one
        "ConvTranspose1d",
        m (fun () -> ConvTranspose1d(2, 4, 3, stride = 2, padding = 1, outputPadding = 1, groups = 2, dtype = f64)),
        [ data [| 2; 2; 3 |] 30 ],
        one
        "ConvTranspose1d unbatched", m (fun () -> ConvTranspose1d(2, 1, 2, dilation = 2, dtype = f64)), [ data [| 2; 3 |] 31 ], one
        "MaxPool1d after Conv1d",
        m (fun () -> Sequential(Conv1d(1, 2, 2, dtype = f64), MaxPool1d(2, stride = 1, padding = 1))),
        [ data [| 2; 1; 5 |] 32 ],
        one
        "AvgPool1d after Conv1d",
        m (fun () -> Sequential(Conv1d(1, 2, 2, dtype = f64), AvgPool1d(3, stride = 2, padding = 1, countIncludePad = false))),
        [ data [| 1; 1; 6 |] 33 ],
        one
        "AdaptiveAvgPool1d after Conv1d",
        m (fun () -> Sequential(Conv1d(1, 2, 2, dtype = f64), AdaptiveAvgPool1d(3))),
        [ data [| 2; 1; 7 |] 34 ],
        one
        "MaxPool2d after Conv2d",
        m (fun () -> Sequential(Conv2d(1, 2, 2, dtype = f64), MaxPool2d(2, stride = 1, padding = 1))),
        [ data [| 2; 1; 4; 4 |] 13 ],
        one
        "AvgPool2d after Conv2d",
        m (fun () -> Sequential(Conv2d(1, 2, 2, dtype = f64), AvgPool2d(3, stride = 2, padding = 1, countIncludePad = false))),
        [ data [| 1; 1; 5; 5 |] 14 ],
        one
        "AvgPool2d with a divisor",
        m (fun () -> Sequential(Conv2d(1, 1, 1, dtype = f64), AvgPool2d((2, 1), divisorOverride = 3))),
        [ data [| 1; 1; 4; 3 |] 15 ],
        one
        "AdaptiveAvgPool2d after Conv2d",
        m (fun () -> Sequential(Conv2d(1, 2, 2, dtype = f64), AdaptiveAvgPool2d((2, 3)))),
        [ data [| 2; 1; 5; 6 |] 16 ],
        one
        "Flatten in a conv net",
        m (fun () -> Sequential(Conv2d(1, 2, 3, dtype = f64), Tanh(), MaxPool2d(2), Flatten(), Linear(2, 2, dtype = f64))),
        [ data [| 2; 1; 4; 4 |] 17 ],
        one
        "BatchNorm1d on [N, C]", m (fun () -> BatchNorm1d(3, dtype = f64)), [ data [| 4; 3 |] 18 ], one
        "BatchNorm1d on [N, C, L]", m (fun () -> BatchNorm1d(2, momentum = nan, dtype = f64)), [ data [| 3; 2; 3 |] 19 ], one
        "BatchNorm2d", m (fun () -> BatchNorm2d(2, dtype = f64)), [ data [| 2; 2; 2; 3 |] 20 ], one
        "BatchNorm2d without affine or running statistics",
        m (fun () -> BatchNorm2d(2, affine = false, trackRunningStats = false, dtype = f64)),
        [ data [| 2; 2; 2; 2 |] 21 ],
        one
        "BatchNorm3d", m (fun () -> BatchNorm3d(2, dtype = f64)), [ data [| 2; 2; 2; 1; 2 |] 26 ], one
        "InstanceNorm1d", m (fun () -> InstanceNorm1d(2, dtype = f64)), [ data [| 2; 2; 4 |] 27 ], one
        "InstanceNorm2d with affine and running statistics",
        m (fun () -> InstanceNorm2d(2, affine = true, trackRunningStats = true, dtype = f64)),
        [ data [| 2; 2; 2; 3 |] 28 ],
        one
        "InstanceNorm3d unbatched, affine", m (fun () -> InstanceNorm3d(2, affine = true, dtype = f64)), [ data [| 2; 2; 1; 3 |] 29 ], one
        "LayerNorm", m (fun () -> LayerNorm(4, dtype = f64)), [ data [| 3; 4 |] 22 ], one
        "LayerNorm over two dims, no bias", m (fun () -> LayerNorm([| 2; 3 |], bias = false, dtype = f64)), [ data [| 2; 2; 3 |] 23 ], one
        "GroupNorm", m (fun () -> GroupNorm(2, 4, dtype = f64)), [ data [| 2; 4; 3 |] 24 ], one
        "GroupNorm 4-D", m (fun () -> GroupNorm(3, 3, eps = 1e-3, dtype = f64)), [ data [| 2; 3; 2; 2 |] 25 ], one
        "Embedding", m (fun () -> Embedding(5, 3, paddingIdx = 0, dtype = f64)), [ indices [| 1L; 4L; 1L; 2L |] [| 2; 2 |] ], one
        "Embedding in a network",
        m (fun () -> Sequential(Embedding(6, 3, dtype = f64), LayerNorm(3, dtype = f64), Flatten(), Linear(6, 2, dtype = f64))),
        [ indices [| 5L; 0L; 3L; 3L |] [| 2; 2 |] ],
        one
    ]

/// Random affine parameters, so that the finite differences see non-trivial weights.
let private perturbed (m: Module) =
    AD.noGrad (fun () ->
        for i, p in List.indexed (m.Parameters()) do
            p.AddInPlace(0.3 * data p.Shape (100 + i)))

    m

let private finiteDifferenceTests =
    testList
        "gradients agree with finite differences"
        [
            for name, build, inputs, forward in gradientCases do
                testCase $"{name}, in training and in evaluation mode"
                <| fun () ->
                    let m = perturbed (build ())
                    LayerCheck.finiteDifferences m inputs forward
                    // a few batches move the running statistics away from 0 and 1 before evaluation
                    for _ in 1..2 do
                        AD.noGrad (fun () -> forward m inputs |> ignore)

                    m.Eval()
                    LayerCheck.finiteDifferences m inputs forward
        ]

let private functionalTests =
    testList
        "the functional view's gradients equal Backward's"
        [
            for name, build, x in
                [
                    "Conv2d", (fun () -> Conv2d(2, 3, 3, padding = 1, dtype = f64) :> Module), data [| 2; 2; 4; 4 |] 1
                    "Conv1d", (fun () -> Conv1d(2, 3, 2, stride = 2, dtype = f64)), data [| 2; 2; 5 |] 2
                    "ConvTranspose2d", (fun () -> ConvTranspose2d(2, 3, 2, stride = 2, dtype = f64)), data [| 1; 2; 3; 3 |] 3
                    "BatchNorm2d", (fun () -> BatchNorm2d(2, dtype = f64)), data [| 3; 2; 2; 2 |] 4
                    "LayerNorm", (fun () -> LayerNorm(4, dtype = f64)), data [| 3; 4 |] 5
                    "GroupNorm", (fun () -> GroupNorm(2, 4, dtype = f64)), data [| 2; 4; 3 |] 6
                ] do
                testCase name
                <| fun () ->
                    let m = perturbed (build ())
                    LayerCheck.functionalMatchesBackward m x
        ]

// ---------------------------------------------------------------- printing

let private printing =
    testList
        "printing"
        [
            let cases: (string * (unit -> Module) * string) list =
                [
                    "Conv2d, the issue's line",
                    (fun () -> Conv2d(3, 8, 3, stride = 1, padding = 1)),
                    "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
                    "Conv2d with every setting",
                    (fun () -> Conv2d(3, 8, (3, 5), stride = (2, 1), padding = "valid", dilation = 2, bias = false)),
                    "Conv2d(3, 8, kernel_size=(3, 5), stride=(2, 1), padding=valid, dilation=(2, 2), bias=False)"
                    "Conv2d same, grouped",
                    (fun () -> Conv2d(4, 8, 3, padding = "same", groups = 2)),
                    "Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=same, groups=2)"
                    "Conv2d reflect",
                    (fun () -> Conv2d(3, 8, 3, padding = 1, paddingMode = "reflect")),
                    "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), padding_mode=reflect)"
                    "Conv1d", (fun () -> Conv1d(3, 8, 3)), "Conv1d(3, 8, kernel_size=(3,), stride=(1,))"
                    "Conv1d same, dilated",
                    (fun () -> Conv1d(3, 8, 3, padding = "same", dilation = 2)),
                    "Conv1d(3, 8, kernel_size=(3,), stride=(1,), padding=same, dilation=(2,))"
                    "Conv1d padded", (fun () -> Conv1d(3, 8, 3, padding = 1)), "Conv1d(3, 8, kernel_size=(3,), stride=(1,), padding=(1,))"
                    "ConvTranspose2d",
                    (fun () -> ConvTranspose2d(3, 8, 3, stride = 2, outputPadding = 1)),
                    "ConvTranspose2d(3, 8, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))"
                    "ConvTranspose2d padded, grouped, without bias",
                    (fun () -> ConvTranspose2d(4, 8, (3, 2), padding = (1, 0), groups = 2, bias = false, dilation = 2)),
                    "ConvTranspose2d(4, 8, kernel_size=(3, 2), stride=(1, 1), padding=(1, 0), dilation=(2, 2), groups=2, bias=False)"
                    "ConvTranspose1d", (fun () -> ConvTranspose1d(2, 4, 3)), "ConvTranspose1d(2, 4, kernel_size=(3,), stride=(1,))"
                    "ConvTranspose1d with every setting",
                    (fun () -> ConvTranspose1d(2, 4, 3, stride = 2, padding = 1, outputPadding = 1, groups = 2, bias = false, dilation = 2)),
                    "ConvTranspose1d(2, 4, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), output_padding=(1,), groups=2, bias=False)"
                    "MaxPool1d",
                    (fun () -> MaxPool1d(3, stride = 1, padding = 1)),
                    "MaxPool1d(kernel_size=3, stride=1, padding=1, dilation=1, ceil_mode=False)"
                    "AvgPool1d", (fun () -> AvgPool1d(2)), "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))"
                    "AvgPool1d padded",
                    (fun () -> AvgPool1d(3, stride = 2, padding = 1, countIncludePad = false)),
                    "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))"
                    "AdaptiveAvgPool1d", (fun () -> AdaptiveAvgPool1d(3)), "AdaptiveAvgPool1d(output_size=3)"
                    "MaxPool2d", (fun () -> MaxPool2d(2)), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
                    "MaxPool2d with pairs",
                    (fun () -> MaxPool2d((2, 3), stride = 1, padding = (1, 0))),
                    "MaxPool2d(kernel_size=(2, 3), stride=1, padding=(1, 0), dilation=1, ceil_mode=False)"
                    "AvgPool2d", (fun () -> AvgPool2d(2)), "AvgPool2d(kernel_size=2, stride=2, padding=0)"
                    "AvgPool2d with pairs",
                    (fun () -> AvgPool2d((2, 3), stride = (1, 2))),
                    "AvgPool2d(kernel_size=(2, 3), stride=(1, 2), padding=0)"
                    "AdaptiveAvgPool2d", (fun () -> AdaptiveAvgPool2d(5)), "AdaptiveAvgPool2d(output_size=5)"
                    "AdaptiveAvgPool2d with a pair", (fun () -> AdaptiveAvgPool2d((5, 7))), "AdaptiveAvgPool2d(output_size=(5, 7))"
                    "BatchNorm1d",
                    (fun () -> BatchNorm1d(4)),
                    "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
                    "BatchNorm2d with momentum None",
                    (fun () -> BatchNorm2d(4, eps = 1e-3, momentum = nan, affine = false, trackRunningStats = false)),
                    "BatchNorm2d(4, eps=0.001, momentum=None, affine=False, track_running_stats=False)"
                    "BatchNorm3d",
                    (fun () -> BatchNorm3d(4, momentum = 0.3)),
                    "BatchNorm3d(4, eps=1e-05, momentum=0.3, affine=True, track_running_stats=True)"
                    "InstanceNorm2d",
                    (fun () -> InstanceNorm2d(3)),
                    "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)"
                    "InstanceNorm1d with every setting",
                    (fun () -> InstanceNorm1d(3, eps = 1e-3, momentum = 0.2, affine = true, trackRunningStats = true)),
                    "InstanceNorm1d(3, eps=0.001, momentum=0.2, affine=True, track_running_stats=True)"
                    "LayerNorm", (fun () -> LayerNorm(4)), "LayerNorm((4,), eps=1e-05, elementwise_affine=True)"
                    "LayerNorm over two dims",
                    (fun () -> LayerNorm([| 2; 3 |], elementwiseAffine = false, eps = 1e-6)),
                    "LayerNorm((2, 3), eps=1e-06, elementwise_affine=False)"
                    "GroupNorm", (fun () -> GroupNorm(2, 6)), "GroupNorm(2, 6, eps=1e-05, affine=True)"
                    "Embedding", (fun () -> Embedding(10, 3)), "Embedding(10, 3)"
                    "Embedding with a negative paddingIdx", (fun () -> Embedding(10, 3, paddingIdx = -1)), "Embedding(10, 3, padding_idx=9)"
                    "Embedding with every setting",
                    (fun () -> Embedding(10, 3, paddingIdx = 2, maxNorm = 1.0, normType = 1.0, scaleGradByFreq = true)),
                    "Embedding(10, 3, padding_idx=2, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True)"
                    "Bilinear", (fun () -> Bilinear(2, 3, 4)), "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)"
                    "Bilinear without bias",
                    (fun () -> Bilinear(2, 3, 4, bias = false)),
                    "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)"
                    "a conv net",
                    (fun () -> Sequential(Conv2d(1, 2, 3), ReLU(), Flatten())),
                    "Sequential(\n  (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))\n  (1): ReLU()\n  (2): Flatten(start_dim=1, end_dim=-1)\n)"
                ]

            for name, build, expected in cases do
                testCase $"{name} prints as PyTorch does"
                <| fun () -> Expect.equal (string (build ())) expected "printout"
        ]

// ---------------------------------------------------------------- behaviour

let private convolution =
    testList
        "convolution and pooling"
        [
            testCase "the issue's line: Conv2d(3, 8, 3, stride = 1, padding = 1) keeps the image size"
            <| fun () ->
                let conv = Conv2d(3, 8, 3, stride = 1, padding = 1)
                let y = conv.Forward(Tensor.randn [| 2; 3; 5; 7 |])
                Expect.equal y.Shape [| 2; 8; 5; 7 |] "output shape"
                Expect.equal y.Dtype Dtype.Float32 "float32 by default"
                Expect.equal (conv.NamedParameters() |> List.map fst) [ "weight"; "bias" ] "PyTorch's names"
                Expect.equal conv.Weight.Shape [| 8; 3; 3; 3 |] "weight shape"
                Expect.equal conv.Bias.Value.Shape [| 8 |] "bias shape"
                Expect.equal conv.KernelSize (Size2(3, 3)) "kernel size"
                Expect.equal conv.Stride (Size2(1, 1)) "stride"
                Expect.equal conv.Padding.Size (Size2(1, 1)) "padding"
                Expect.equal conv.ParameterCount (8 * 27 + 8) "parameter count"

            testCase "sizes convert from an int, a pair, a value tuple and an array"
            <| fun () ->
                let pair: int[] = [| 3; 5 |]
                let single: int[] = [| 4 |]
                Expect.equal (Conv2d(1, 1, pair).KernelSize) (Size2(3, 5)) "array"
                Expect.equal (Conv2d(1, 1, single).KernelSize) (Size2(4, 4)) "one-value array"
                Expect.equal (Conv2d(1, 1, struct (2, 3)).KernelSize) (Size2(2, 3)) "value tuple"
                Expect.equal (Conv2d(1, 1, 3, stride = (2, 1)).Stride) (Size2(2, 1)) "pair"
                Expect.equal (Conv2d(1, 1, 3, 2, 1).Stride) (Size2(2, 2)) "positional"
                Expect.isTrue (Conv2d(1, 1, 3, padding = "same").Padding.IsSame) "same"
                Expect.isTrue (Conv2d(1, 1, 3, padding = "valid").Padding.IsValid) "valid"
                Expect.equal (string (Size2(3, 5))) "(3, 5)" "a pair prints as a tuple"

            testCase "the int-array forms build the same layers as the int and pair forms"
            <| fun () ->
                let a =
                    Conv2d(3, 8, [| 3; 5 |], stride = [| 2; 1 |], padding = [| 1; 0 |], dilation = [| 1 |])

                let b = Conv2d(3, 8, (3, 5), stride = (2, 1), padding = (1, 0), dilation = 1)
                Expect.equal (string a) (string b) "Conv2d"
                Expect.equal a.KernelSize (Size2(3, 5)) "kernel"

                let t =
                    ConvTranspose2d(2, 4, [| 3 |], stride = [| 2; 1 |], outputPadding = [| 1; 0 |])

                Expect.equal (string t) (string (ConvTranspose2d(2, 4, 3, stride = (2, 1), outputPadding = (1, 0)))) "ConvTranspose2d"

                Expect.equal
                    (string (MaxPool2d([| 2; 3 |], stride = [| 1 |])))
                    "MaxPool2d(kernel_size=(2, 3), stride=1, padding=0, dilation=1, ceil_mode=False)"
                    "MaxPool2d"

                Expect.equal
                    (string (AvgPool2d([| 2 |], padding = [| 1; 0 |])))
                    "AvgPool2d(kernel_size=2, stride=2, padding=(1, 0))"
                    "AvgPool2d"

                Expect.equal (string (AdaptiveAvgPool2d([| 4; 2 |]))) "AdaptiveAvgPool2d(output_size=(4, 2))" "AdaptiveAvgPool2d"
                let x = data [| 1; 3; 6; 6 |] 30
                AD.noGrad (fun () -> b.LoadStateDict(a.StateDict()))
                expectTight "same output" (a.Forward x) (b.Forward x)

            testCase "output shapes follow PyTorch's formula"
            <| fun () ->
                let x = Tensor.randn [| 2; 3; 9; 8 |]

                Expect.equal
                    (Conv2d(3, 4, (3, 2), stride = (2, 3), padding = (1, 0), dilation = (2, 1)).Forward x).Shape
                    [| 2; 4; 4; 3 |]
                    "Conv2d"

                Expect.equal (Conv2d(3, 4, 4, padding = "same", dilation = 3).Forward x).Shape [| 2; 4; 9; 8 |] "same"
                Expect.equal (Conv2d(3, 4, 4, padding = "valid").Forward x).Shape [| 2; 4; 6; 5 |] "valid"
                Expect.equal (Conv1d(3, 5, 3, stride = 2).Forward(Tensor.randn [| 4; 3; 10 |])).Shape [| 4; 5; 4 |] "Conv1d"
                Expect.equal (Conv1d(3, 5, 2).Forward(Tensor.randn [| 3; 10 |])).Shape [| 5; 9 |] "Conv1d unbatched"

                Expect.equal
                    (ConvTranspose2d(3, 2, 3, stride = 2, padding = 1, outputPadding = 1).Forward x).Shape
                    [| 2; 2; 18; 16 |]
                    "ConvTranspose2d"

                Expect.equal (ConvTranspose2d(3, 2, 3).Forward(Tensor.randn [| 3; 4; 5 |])).Shape [| 2; 6; 7 |] "ConvTranspose2d unbatched"
                Expect.equal (MaxPool2d(2).Forward x).Shape [| 2; 3; 4; 4 |] "MaxPool2d"

                Expect.equal
                    (MaxPool2d(3, stride = 2, padding = 1).Forward(Tensor.randn [| 3; 9; 8 |])).Shape
                    [| 3; 5; 4 |]
                    "MaxPool2d unbatched"

                Expect.equal (AvgPool2d((3, 2)).Forward x).Shape [| 2; 3; 3; 4 |] "AvgPool2d"
                Expect.equal (AdaptiveAvgPool2d((4, 3)).Forward x).Shape [| 2; 3; 4; 3 |] "AdaptiveAvgPool2d"
                Expect.equal (AdaptiveAvgPool2d(1).Forward(Tensor.randn [| 3; 5; 5 |])).Shape [| 3; 1; 1 |] "AdaptiveAvgPool2d unbatched"

            testCase "an empty batch gives an empty batch"
            <| fun () ->
                let image = Tensor.zeros [| 0; 3; 5; 5 |]
                Expect.equal (Conv2d(3, 4, 3, padding = 1).Forward image).Shape [| 0; 4; 5; 5 |] "Conv2d"
                Expect.equal (Conv2d(3, 4, 3, padding = 1, paddingMode = "reflect").Forward image).Shape [| 0; 4; 5; 5 |] "Conv2d reflect"
                Expect.equal (Conv1d(3, 4, 3).Forward(Tensor.zeros [| 0; 3; 5 |])).Shape [| 0; 4; 3 |] "Conv1d"
                Expect.equal (ConvTranspose2d(3, 4, 3).Forward image).Shape [| 0; 4; 7; 7 |] "ConvTranspose2d"
                Expect.equal (MaxPool2d(2).Forward image).Shape [| 0; 3; 2; 2 |] "MaxPool2d"
                Expect.equal (AvgPool2d(2).Forward image).Shape [| 0; 3; 2; 2 |] "AvgPool2d"
                Expect.equal (AdaptiveAvgPool2d(2).Forward image).Shape [| 0; 3; 2; 2 |] "AdaptiveAvgPool2d"
                let signal = Tensor.zeros [| 0; 3; 6 |]
                Expect.equal (ConvTranspose1d(3, 2, 2, stride = 2).Forward signal).Shape [| 0; 2; 12 |] "ConvTranspose1d"
                Expect.equal (MaxPool1d(2).Forward signal).Shape [| 0; 3; 3 |] "MaxPool1d"
                Expect.equal (AvgPool1d(2).Forward signal).Shape [| 0; 3; 3 |] "AvgPool1d"
                Expect.equal (AdaptiveAvgPool1d(4).Forward signal).Shape [| 0; 3; 4 |] "AdaptiveAvgPool1d"
                Expect.equal (BatchNorm2d(3).Forward image).Shape [| 0; 3; 5; 5 |] "BatchNorm2d"
                Expect.equal (GroupNorm(3, 3).Forward image).Shape [| 0; 3; 5; 5 |] "GroupNorm"
                Expect.equal (InstanceNorm2d(3, trackRunningStats = true).Forward image).Shape [| 0; 3; 5; 5 |] "InstanceNorm2d"
                Expect.equal (LayerNorm([| 5; 5 |]).Forward image).Shape [| 0; 3; 5; 5 |] "LayerNorm"
                Expect.equal (Bilinear(2, 3, 4).Forward(Tensor.zeros [| 0; 2 |], Tensor.zeros [| 0; 3 |])).Shape [| 0; 4 |] "Bilinear"

                Expect.equal
                    (Embedding(4, 3, maxNorm = 1.0).Forward(Tensor.zeros [| 2; 0 |] |> Tensor.toDtype Dtype.Int64)).Shape
                    [| 2; 0; 3 |]
                    "Embedding"

            testCase "unbatched input gives the batched result without the batch dimension"
            <| fun () ->
                let x = data [| 2; 5; 6 |] 1

                for m in
                    [
                        Conv2d(2, 3, 3, padding = 1, dtype = f64) :> Module
                        ConvTranspose2d(2, 3, 2, stride = 2, dtype = f64)
                        MaxPool2d(2)
                        AvgPool2d(2, padding = 1, countIncludePad = false)
                        AdaptiveAvgPool2d((2, 4))
                    ] do
                    expectTight (string m) (m.Forward x) (Tensor.squeezeDim 0 (m.Forward(Tensor.unsqueeze 0 x)))

                let c = Conv1d(2, 3, 2, padding = "same", paddingMode = "circular", dtype = f64)
                let s = data [| 2; 7 |] 2
                expectTight "Conv1d" (c.Forward s) (Tensor.squeezeDim 0 (c.Forward(Tensor.unsqueeze 0 s)))

            testCase "convolutions start with PyTorch's initialisation: U(±1/√fanIn)"
            <| fun () ->
                for name, weight, bias, fanIn in
                    [
                        let c = Conv2d(16, 32, 3, groups = 2)
                        "Conv2d", c.Weight, c.Bias.Value, 8 * 9
                        let c = Conv1d(10, 40, 5)
                        "Conv1d", c.Weight, c.Bias.Value, 50
                        let c = ConvTranspose2d(16, 30, 3, groups = 2)
                        "ConvTranspose2d", c.Weight, c.Bias.Value, 15 * 9
                    ] do
                    let bound = 1.0 / sqrt (float fanIn)

                    for what, t in [ "weight", weight; "bias", bias ] do
                        let v = t.ToArray()
                        Expect.isTrue (v |> Array.forall (fun e -> abs e <= bound)) $"{name} {what} within ±{bound}"
                        // E|u| = b/2 for u ~ U(-b, b)
                        let meanAbs = v |> Array.averageBy abs

                        Expect.isTrue
                            (abs (meanAbs / bound - 0.5) < 0.25)
                            $"{name} {what}: mean |value| {meanAbs} near half the bound {bound}"

                    Expect.isGreaterThan
                        (Array.max (Array.map abs (weight.ToArray())))
                        (0.95 * bound)
                        $"{name}: the weight reaches the bound"

                    let w = weight.ToArray()
                    let variance = w |> Array.averageBy (fun e -> e * e)
                    Expect.isTrue (abs (variance / (bound * bound / 3.0) - 1.0) < 0.1) $"{name}: the variance of U(-b, b), b²/3"

            testCase "Conv2d with a 1×1 kernel is a per-pixel Linear"
            <| fun () ->
                let conv = Conv2d(3, 2, 1, dtype = f64)
                let x = data [| 2; 3; 2; 4 |] 3
                let lin = Linear(3, 2, dtype = f64)
                lin.LoadStateDict(Params [| "weight", Tensor.reshape [| 2; 3 |] conv.Weight; "bias", conv.Bias.Value |])

                let expected =
                    lin.Forward(Tensor.permute [| 0; 2; 3; 1 |] x)
                    |> Tensor.permute [| 0; 3; 1; 2 |]

                expectTight "1×1 convolution" (conv.Forward x) expected

            testCase "padding modes: reflect, replicate and circular pad as PyTorch's F.pad does"
            <| fun () ->
                // an identity kernel of size 3 with padding 2 shows the padded input's inner part
                let x = tensor [| 1; 1; 4 |] [| 1.0; 2.0; 3.0; 4.0 |]

                let padded mode =
                    let c = Conv1d(1, 1, 1, padding = 2, bias = false, paddingMode = mode, dtype = f64)
                    AD.noGrad (fun () -> c.Weight.FillInPlace 1.0)
                    (c.Forward x).ToArray()

                Expect.equal (padded "zeros") [| 0.0; 0.0; 1.0; 2.0; 3.0; 4.0; 0.0; 0.0 |] "zeros"
                Expect.equal (padded "reflect") [| 3.0; 2.0; 1.0; 2.0; 3.0; 4.0; 3.0; 2.0 |] "reflect"
                Expect.equal (padded "replicate") [| 1.0; 1.0; 1.0; 2.0; 3.0; 4.0; 4.0; 4.0 |] "replicate"
                Expect.equal (padded "circular") [| 3.0; 4.0; 1.0; 2.0; 3.0; 4.0; 1.0; 2.0 |] "circular"

            testCase "MaxPool2d picks the maximum and sends the gradient to it"
            <| fun () ->
                let x =
                    tensor [| 1; 1; 2; 4 |] [| 1.0; 5.0; 2.0; 0.0; 3.0; 4.0; 8.0; 7.0 |]
                    |> Tensor.requiresGrad

                let y = MaxPool2d(2).Forward x
                Expect.equal (y.ToArray()) [| 5.0; 8.0 |] "maxima"
                (Tensor.sum y).Backward()
                Expect.equal (x.Grad.Value.ToArray()) [| 0.0; 1.0; 0.0; 0.0; 0.0; 0.0; 1.0; 0.0 |] "gradient at the maxima"

            testCase "AvgPool2d: padding counted, excluded, or a divisor override"
            <| fun () ->
                let x = Tensor.Ones([| 1; 1; 2; 2 |], f64)

                Expect.equal
                    ((AvgPool2d(2, stride = 1, padding = 1).Forward x).ToArray())
                    [| 0.25; 0.5; 0.25; 0.5; 1.0; 0.5; 0.25; 0.5; 0.25 |]
                    "counted"

                Expect.equal
                    ((AvgPool2d(2, stride = 1, padding = 1, countIncludePad = false).Forward x).ToArray())
                    (Array.create 9 1.0)
                    "excluded"

                Expect.equal ((AvgPool2d(2, divisorOverride = 2).Forward x).ToArray()) [| 2.0 |] "divisor"

            testCase "ConvTranspose2d is the input gradient of Conv2d with the same weight"
            <| fun () ->
                let conv = Conv2d(3, 2, 3, stride = 2, padding = 1, bias = false, dtype = f64)

                let up =
                    ConvTranspose2d(2, 3, 3, stride = 2, padding = 1, outputPadding = 1, bias = false, dtype = f64)

                up.LoadStateDict(conv.StateDict())
                let x = data [| 1; 3; 6; 6 |] 4
                let g = data [| 1; 2; 3; 3 |] 5
                let vjp = AD.grad (fun x -> Tensor.sum (conv.Forward x * g)) x
                expectTight "⟨conv x, g⟩' = convT g" vjp (up.Forward g)

            testCase "ConvTranspose2d's Forward with an output size picks the output padding"
            <| fun () ->
                let up = ConvTranspose2d(2, 2, 3, stride = 3)
                let x = Tensor.randn [| 1; 2; 3; 3 |]
                Expect.equal (up.Forward(x, [| 9; 11 |])).Shape [| 1; 2; 9; 11 |] "requested size"
                Expect.equal (up.Forward(x, [| 1; 2; 10; 9 |])).Shape [| 1; 2; 10; 9 |] "a whole shape"
                throwsWith<ArgumentException> [ "ConvTranspose2d"; "9"; "11"; "(12, 9)" ] (fun () -> up.Forward(x, [| 12; 9 |]) |> ignore)

            testCase "second derivatives flow through Conv2d, BatchNorm2d and pooling"
            <| fun () ->
                let net =
                    Sequential(Conv2d(1, 2, 2, dtype = f64), BatchNorm2d(2, dtype = f64), Tanh(), AvgPool2d(2), Flatten())

                let x = data [| 2; 1; 3; 3 |] 6

                let f (x: Tensor) = Tensor.sum (Tensor.sin (net.Forward x))
                let h = AD.hessian f x |> Tensor.reshape [| 18; 18 |]
                expectTight "symmetric" h (Tensor.transpose 0 1 h)
        ]

let private normalization =
    testList
        "normalization"
        [
            testCase "BatchNorm registers PyTorch's parameters and buffers"
            <| fun () ->
                let bn = BatchNorm2d(3)
                Expect.equal (bn.NamedParameters() |> List.map fst) [ "weight"; "bias" ] "parameters"
                Expect.equal (bn.NamedBuffers() |> List.map fst) [ "running_mean"; "running_var"; "num_batches_tracked" ] "buffers"

                Expect.equal
                    (bn.StateDict().Names)
                    [| "weight"; "bias"; "running_mean"; "running_var"; "num_batches_tracked" |]
                    "state dict"

                Expect.equal bn.NumBatchesTracked.Value.Dtype Dtype.Int64 "num_batches_tracked is int64"
                Expect.equal bn.NumBatchesTracked.Value.Shape [||] "a scalar"
                Expect.equal (bn.RunningVar.Value.ToArray()) [| 1.0; 1.0; 1.0 |] "running_var starts at 1"
                let plain = BatchNorm1d(3, affine = false, trackRunningStats = false)
                Expect.isEmpty (plain.NamedParameters()) "no parameters without affine"
                Expect.isEmpty (plain.NamedBuffers()) "no buffers without running statistics"
                bn.To f64
                Expect.equal bn.RunningMean.Value.Dtype f64 "running statistics convert"
                Expect.equal bn.NumBatchesTracked.Value.Dtype Dtype.Int64 "the count stays int64"

            testCase "BatchNorm in training mode: batch statistics, running statistics with momentum"
            <| fun () ->
                let bn = BatchNorm1d(2, momentum = 0.25, dtype = f64)
                let x = tensor [| 3; 2 |] [| 1.0; 10.0; 2.0; 20.0; 6.0; 30.0 |]
                let y = bn.Forward x
                // channel 0: mean 3, biased variance 14/3; channel 1: mean 20, variance 200/3
                let expected =
                    [| 1.0; 10.0; 2.0; 20.0; 6.0; 30.0 |]
                    |> Array.mapi (fun i v ->
                        if i % 2 = 0 then
                            (v - 3.0) / sqrt (14.0 / 3.0 + 1e-5)
                        else
                            (v - 20.0) / sqrt (200.0 / 3.0 + 1e-5))

                closeWith 1e-12 1e-10 "normalised" (y.ToArray()) expected
                closeWith 1e-12 1e-10 "running mean" (bn.RunningMean.Value.ToArray()) [| 0.25 * 3.0; 0.25 * 20.0 |]
                // the unbiased variances: 7 and 100
                closeWith 1e-12 1e-10 "running var" (bn.RunningVar.Value.ToArray()) [| 0.75 + 0.25 * 7.0; 0.75 + 0.25 * 100.0 |]
                Expect.equal (bn.NumBatchesTracked.Value.ToScalar()) 1.0 "one batch"

            testCase "BatchNorm with momentum None keeps the cumulative average"
            <| fun () ->
                let bn = BatchNorm1d(1, momentum = nan, dtype = f64)
                Expect.isNone bn.Momentum "momentum None"

                for batch in [ [| 1.0; 3.0 |]; [| 5.0; 7.0 |]; [| 0.0; 0.0 |] ] do
                    bn.Forward(tensor [| 2; 1 |] batch) |> ignore

                closeWith 1e-12 1e-10 "mean of the batch means" (bn.RunningMean.Value.ToArray()) [| (2.0 + 6.0 + 0.0) / 3.0 |]
                closeWith 1e-12 1e-10 "mean of the batch variances" (bn.RunningVar.Value.ToArray()) [| (2.0 + 2.0 + 0.0) / 3.0 |]
                Expect.equal (bn.NumBatchesTracked.Value.ToScalar()) 3.0 "three batches"

            testCase "BatchNorm in evaluation mode uses the running statistics and leaves them alone"
            <| fun () ->
                let bn = BatchNorm2d(2, dtype = f64)
                bn.RunningMean.Value.CopyFrom(tensor [| 2 |] [| 1.0; -2.0 |])
                bn.RunningVar.Value.CopyFrom(tensor [| 2 |] [| 4.0; 0.25 |])
                bn.Eval()
                let x = data [| 3; 2; 2; 2 |] 7
                let y = bn.Forward x
                let m = tensor [| 1; 2; 1; 1 |] [| 1.0; -2.0 |]
                let s = tensor [| 1; 2; 1; 1 |] [| sqrt (4.0 + 1e-5); sqrt (0.25 + 1e-5) |]
                expectTight "(x − running mean)/√(running var + eps)" y ((x - m) / s)
                Expect.equal (bn.RunningMean.Value.ToArray()) [| 1.0; -2.0 |] "unchanged"
                Expect.equal (bn.NumBatchesTracked.Value.ToScalar()) 0.0 "not counted"
                // one sample is fine in evaluation mode
                Expect.equal (bn.Forward(data [| 1; 2; 1; 1 |] 8)).Shape [| 1; 2; 1; 1 |] "a batch of one"
                bn.ResetRunningStats()
                Expect.equal (bn.RunningVar.Value.ToArray()) [| 1.0; 1.0 |] "reset"

            testCase "BatchNorm without running statistics uses the batch's in both modes"
            <| fun () ->
                let bn = BatchNorm2d(2, trackRunningStats = false, dtype = f64)
                let x = data [| 3; 2; 2; 2 |] 9
                let train = bn.Forward x
                bn.Eval()
                expectTight "same in evaluation mode" (bn.Forward x) train

            testCase "LayerNorm standardises each sample over the last dimensions"
            <| fun () ->
                let ln = LayerNorm([| 2; 3 |], dtype = f64)
                let x = data [| 4; 2; 3 |] 10
                let y = ln.Forward x
                let mean = Tensor.meanDims [| 1; 2 |] false y
                closeWith 1e-12 1e-9 "zero mean" (mean.ToArray()) (Array.zeroCreate 4)
                let var = Tensor.meanDims [| 1; 2 |] false (y * y)
                closeWith 1e-4 1e-4 "unit variance" (var.ToArray()) (Array.create 4 1.0)

                Expect.equal
                    (ln.NamedParameters() |> List.map (fun (n, p) -> n, p.Shape))
                    [ "weight", [| 2; 3 |]; "bias", [| 2; 3 |] ]
                    "parameters"

                Expect.equal (LayerNorm(3, bias = false).NamedParameters() |> List.map fst) [ "weight" ] "bias = false"
                Expect.isEmpty (LayerNorm(3, elementwiseAffine = false).NamedParameters()) "no affine"

            testCase "GroupNorm with one group per channel equals InstanceNorm, with one group LayerNorm"
            <| fun () ->
                let x = data [| 2; 4; 3 |] 11
                let perChannel = (GroupNorm(4, 4, dtype = f64)).Forward x
                let centered = x - Tensor.meanDims [| 2 |] true x
                let var = Tensor.meanDims [| 2 |] true (centered * centered)
                expectTight "instance norm" perChannel (centered / Tensor.sqrt (var + 1e-5))
                let whole = (GroupNorm(1, 4, dtype = f64)).Forward x
                expectTight "layer norm" whole ((LayerNorm([| 4; 3 |], dtype = f64)).Forward x)
        ]

let private embeddingAndBilinear =
    testList
        "embedding and bilinear"
        [
            testCase "Embedding looks up rows; the padding row starts at zero and gets no gradient"
            <| fun () ->
                let e = Embedding(5, 3, paddingIdx = 2, dtype = f64)
                Expect.equal (e.Weight.ToArray()[6..8]) [| 0.0; 0.0; 0.0 |] "padding row zero"
                Expect.isFalse (e.Weight.ToArray()[6..8] |> Array.exists Double.IsNegative) "+0, not −0"
                let big = (Embedding(200, 10)).Weight.ToArray()
                let std = sqrt (big |> Array.averageBy (fun v -> v * v))
                Expect.isTrue (abs (Array.average big) < 0.1 && abs (std - 1.0) < 0.1) $"N(0, 1): mean {Array.average big}, std {std}"
                let idx = indices [| 0L; 2L; 4L; 2L; 0L; 1L |] [| 2; 3 |]
                let y = e.Forward idx
                Expect.equal y.Shape [| 2; 3; 3 |] "indices.Shape ++ [embeddingDim]"
                expectTight "row 4" (Tensor.select 0 2 (Tensor.select 0 0 y)) (Tensor.select 0 4 e.Weight)
                (Tensor.sum y).Backward()
                let g = e.Weight.Grad.Value.ToArray()
                Expect.equal g[6..8] [| 0.0; 0.0; 0.0 |] "no gradient for the padding row"
                Expect.equal g[0..2] [| 2.0; 2.0; 2.0 |] "row 0 looked up twice"
                Expect.equal (Embedding(5, 3, paddingIdx = -2).PaddingIdx) (Some 3) "negative index from the end"
                Expect.equal (e.Forward(Tensor.ofArray [| 1; 3 |])).Shape [| 2; 3 |] "int32 indices"

            testCase "Embedding.FromPretrained copies the table and freezes it by default"
            <| fun () ->
                let table = data [| 4; 2 |] 12
                let e = Embedding.FromPretrained table
                expectTight "copied" (Tensor.detach e.Weight) table
                Expect.isTrue e.Frozen "frozen"
                let y = e.Forward(indices [| 3L; 1L |] [| 2 |])
                Expect.isFalse y.RequiresGrad "no gradient through a frozen table"
                let trainable = Embedding.FromPretrained(table, freeze = false)
                (Tensor.sum (trainable.Forward(indices [| 3L |] [| 1 |]))).Backward()
                Expect.isSome trainable.Weight.Grad "gradient when not frozen"
                Expect.equal (trainable.NamedParameters() |> List.map fst) [ "weight" ] "PyTorch's name"

            testCase "Embedding with maxNorm rescales the rows it looks up, in place"
            <| fun () ->
                let e =
                    Embedding.FromPretrained(tensor [| 3; 2 |] [| 3.0; 4.0; 0.3; 0.4; 6.0; 8.0 |], maxNorm = 1.0)

                let y = e.Forward(indices [| 0L; 1L |] [| 2 |])
                closeWith 1e-6 1e-6 "looked-up rows" (y.ToArray()) [| 0.6; 0.8; 0.3; 0.4 |]
                closeWith 1e-6 1e-6 "the table" (e.Weight.ToArray()) [| 0.6; 0.8; 0.3; 0.4; 6.0; 8.0 |]

            testCase "Bilinear computes x1ᵀ A x2 + b"
            <| fun () ->
                let b = Bilinear(2, 3, 2, dtype = f64)
                let x1 = data [| 4; 2 |] 13
                let x2 = data [| 4; 3 |] 14
                let y = b.Forward(x1, x2)
                let w = b.Weight

                let expected =
                    Tensor.stack
                        1
                        [
                            for o in 0..1 do
                                Tensor.sumDim 1 (Tensor.matmul x1 (Tensor.select 0 o w) * x2)
                        ]
                    + b.Bias.Value

                expectTight "value" y expected

                Expect.equal
                    (b.NamedParameters() |> List.map (fun (n, p) -> n, p.Shape))
                    [ "weight", [| 2; 2; 3 |]; "bias", [| 2 |] ]
                    "parameters"

            testCase "Bilinear starts with PyTorch's initialisation: U(±1/√in1Features)"
            <| fun () ->
                let b = Bilinear(16, 8, 20)
                let bound = 0.25

                for what, t in [ "weight", b.Weight; "bias", b.Bias.Value ] do
                    let v = t.ToArray()
                    Expect.isTrue (v |> Array.forall (fun e -> abs e <= bound)) $"{what} within the bound"

                Expect.isGreaterThan (Array.max (Array.map abs (b.Weight.ToArray()))) (0.99 * bound) "the weight reaches the bound"
        ]

// ---------------------------------------------------------------- errors

let private errors =
    testList
        "errors"
        [
            testCase "convolutions name the layer, the expected and actual channels and the fix"
            <| fun () ->
                let conv = Conv2d(3, 8, 3, stride = 1, padding = 1)

                throwsWith<ArgumentException> [ "Conv2d"; "3 channels"; "[2, 4, 5, 5]"; "inChannels = 4" ] (fun () ->
                    conv.Forward(Tensor.randn [| 2; 4; 5; 5 |]) |> ignore)

                throwsWith<ArgumentException> [ "Conv2d"; "3-D"; "4-D"; "[3, 5]" ] (fun () ->
                    conv.Forward(Tensor.randn [| 3; 5 |]) |> ignore)

                throwsWith<ArgumentException> [ "Conv2d"; "too small"; "kernel" ] (fun () ->
                    Conv2d(3, 8, 5).Forward(Tensor.randn [| 1; 3; 4; 9 |]) |> ignore)

                throwsWith<ArgumentException> [ "Conv2d"; "floating-point"; "int64" ] (fun () ->
                    conv.Forward(Tensor.ones [| 1; 3; 4; 4 |] |> Tensor.toDtype Dtype.Int64)
                    |> ignore)

                throwsWith<ArgumentException> [ "Conv1d"; "2 channels"; "[1, 3, 5]" ] (fun () ->
                    Conv1d(2, 2, 2).Forward(Tensor.randn [| 1; 3; 5 |]) |> ignore)

                throwsWith<ArgumentException> [ "Conv1d"; "2-D"; "3-D"; "[1, 2, 3, 4]" ] (fun () ->
                    Conv1d(2, 2, 2).Forward(Tensor.randn [| 1; 2; 3; 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "ConvTranspose1d"; "2 channels"; "[1, 3, 4]" ] (fun () ->
                    ConvTranspose1d(2, 2, 2).Forward(Tensor.randn [| 1; 3; 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "ConvTranspose1d"; "output length"; "too small" ] (fun () ->
                    ConvTranspose1d(1, 1, 1, padding = 3).Forward(Tensor.randn [| 1; 1; 4 |])
                    |> ignore)

                throwsWith<ArgumentException> [ "ConvTranspose1d"; "output length of 12"; "from 6 to 7" ] (fun () ->
                    ConvTranspose1d(1, 1, 2, stride = 2).Forward(Tensor.randn [| 1; 1; 3 |], [| 12 |])
                    |> ignore)

                throwsWith<ArgumentException> [ "ConvTranspose2d"; "2 channels"; "[1, 3, 4, 4]" ] (fun () ->
                    ConvTranspose2d(2, 2, 2).Forward(Tensor.randn [| 1; 3; 4; 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "Conv2d"; "reflect"; "smaller than" ] (fun () ->
                    Conv2d(1, 1, 3, padding = 3, paddingMode = "reflect").Forward(Tensor.randn [| 1; 1; 3; 3 |])
                    |> ignore)

            testCase "bad convolution settings are refused when the layer is built"
            <| fun () ->
                throwsWith<ArgumentException> [ "Conv2d"; "inChannels (3)"; "groups (2)" ] (fun () -> Conv2d(3, 4, 3, groups = 2) |> ignore)

                throwsWith<ArgumentException> [ "Conv2d"; "outChannels (3)"; "groups (2)" ] (fun () ->
                    Conv2d(4, 3, 3, groups = 2) |> ignore)

                throwsWith<ArgumentException> [ "Conv2d"; "same"; "strided" ] (fun () ->
                    Conv2d(3, 4, 3, stride = 2, padding = "same") |> ignore)

                throwsWith<ArgumentException> [ "Conv1d"; "same"; "strided" ] (fun () ->
                    Conv1d(3, 4, 3, stride = 2, padding = "same") |> ignore)

                throwsWith<ArgumentException> [ "padding"; "\"full\""; "same" ] (fun () -> Conv2d(3, 4, 3, padding = "full") |> ignore)
                throwsWith<ArgumentException> [ "Conv2d"; "kernelSize"; "at least 1"; "[0, 3]" ] (fun () -> Conv2d(3, 4, (0, 3)) |> ignore)
                throwsWith<ArgumentException> [ "Conv2d"; "stride"; "at least 1" ] (fun () -> Conv2d(3, 4, 3, stride = 0) |> ignore)
                throwsWith<ArgumentException> [ "Conv2d"; "padding"; "non-negative" ] (fun () -> Conv2d(3, 4, 3, padding = -1) |> ignore)

                throwsWith<ArgumentException> [ "Conv2d"; "paddingMode"; "\"mirror\"" ] (fun () ->
                    Conv2d(3, 4, 3, paddingMode = "mirror") |> ignore)

                throwsWith<ArgumentException> [ "Conv2d"; "inChannels"; "positive" ] (fun () -> Conv2d(0, 4, 3) |> ignore)
                throwsWith<ArgumentException> [ "Conv1d"; "padding"; "one int" ] (fun () -> Conv1d(3, 4, 3, padding = (1, 2)) |> ignore)
                let three: int[] = [| 1; 2; 3 |]

                throwsWith<ArgumentException> [ "Conv2d"; "kernelSize"; "one or two values"; "[1, 2, 3]" ] (fun () ->
                    Conv2d(3, 4, three) |> ignore)

                throwsWith<ArgumentException> [ "MaxPool2d"; "stride"; "one or two values"; "[1, 2, 3]" ] (fun () ->
                    MaxPool2d([| 2 |], stride = three) |> ignore)

                throwsWith<ArgumentException> [ "Size2"; "one or two values"; "[1, 2, 3]" ] (fun () -> Size2.op_Implicit three |> ignore)

                throwsWith<ArgumentException> [ "ConvTranspose2d"; "outputPadding"; "smaller than either stride or dilation" ] (fun () ->
                    ConvTranspose2d(3, 4, 3, stride = 2, outputPadding = 2) |> ignore)

            testCase "pooling layers name the layer and the shapes"
            <| fun () ->
                throwsWith<ArgumentException> [ "MaxPool1d"; "2-D"; "3-D"; "[1, 2, 3, 4]" ] (fun () ->
                    MaxPool1d(2).Forward(Tensor.randn [| 1; 2; 3; 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "AvgPool1d"; "larger than the padded input"; "(5,)" ] (fun () ->
                    AvgPool1d(5).Forward(Tensor.randn [| 2; 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "MaxPool1d"; "half of the kernel"; "padding 2"; "kernel 3" ] (fun () ->
                    MaxPool1d(3, padding = 2) |> ignore)

                throwsWith<ArgumentException> [ "AdaptiveAvgPool1d"; "2-D"; "3-D"; "[5]" ] (fun () ->
                    AdaptiveAvgPool1d(2).Forward(Tensor.randn [| 5 |]) |> ignore)

                throwsWith<ArgumentException> [ "MaxPool2d"; "3-D"; "4-D"; "[4, 4]" ] (fun () ->
                    MaxPool2d(2).Forward(Tensor.randn [| 4; 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "MaxPool2d"; "larger than the padded input" ] (fun () ->
                    MaxPool2d(5).Forward(Tensor.randn [| 1; 1; 4; 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "MaxPool2d"; "half of the kernel" ] (fun () -> MaxPool2d(2, padding = 2) |> ignore)

                throwsWith<ArgumentException> [ "AvgPool2d"; "floating-point" ] (fun () ->
                    AvgPool2d(2).Forward(Tensor.ones [| 1; 2; 2 |] |> Tensor.toDtype Dtype.Int64)
                    |> ignore)

                throwsWith<ArgumentException> [ "AvgPool2d"; "divisorOverride" ] (fun () -> AvgPool2d(2, divisorOverride = 0) |> ignore)

                throwsWith<ArgumentException> [ "AdaptiveAvgPool2d"; "3-D"; "[2, 3, 4, 5, 6]" ] (fun () ->
                    AdaptiveAvgPool2d(2).Forward(Tensor.randn [| 2; 3; 4; 5; 6 |]) |> ignore)

            testCase "normalisation layers name the expected and actual features"
            <| fun () ->
                throwsWith<ArgumentException> [ "BatchNorm1d"; "4 features"; "[2, 3]"; "numFeatures = 3" ] (fun () ->
                    BatchNorm1d(4).Forward(Tensor.randn [| 2; 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "BatchNorm1d"; "2-D or 3-D"; "[2, 4, 3, 3]" ] (fun () ->
                    BatchNorm1d(4).Forward(Tensor.randn [| 2; 4; 3; 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "BatchNorm3d"; "5-D"; "depth"; "[2, 4, 3, 3]" ] (fun () ->
                    BatchNorm3d(4).Forward(Tensor.randn [| 2; 4; 3; 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "BatchNorm2d"; "4-D"; "[2, 4, 3]" ] (fun () ->
                    BatchNorm2d(4).Forward(Tensor.randn [| 2; 4; 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "BatchNorm2d"; "more than 1 value per channel"; "[1, 2, 1, 1]" ] (fun () ->
                    BatchNorm2d(2).Forward(Tensor.randn [| 1; 2; 1; 1 |]) |> ignore)

                let bn = BatchNorm1d(2)

                (try
                    bn.Forward(Tensor.randn [| 1; 2 |]) |> ignore
                 with _ ->
                     ())

                Expect.equal (bn.NumBatchesTracked.Value.ToScalar()) 0.0 "a refused batch is not counted"

                throwsWith<ArgumentException> [ "InstanceNorm2d"; "3-D"; "4-D"; "[2, 3]" ] (fun () ->
                    InstanceNorm2d(3).Forward(Tensor.randn [| 2; 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "InstanceNorm1d"; "3 channels"; "[2, 4, 5]" ] (fun () ->
                    InstanceNorm1d(3, affine = true).Forward(Tensor.randn [| 2; 4; 5 |]) |> ignore)

                throwsWith<ArgumentException> [ "InstanceNorm1d"; "more than 1 spatial element"; "[2, 3, 1]" ] (fun () ->
                    InstanceNorm1d(3).Forward(Tensor.randn [| 2; 3; 1 |]) |> ignore)

                throwsWith<ArgumentException> [ "InstanceNorm1d"; "momentum None" ] (fun () ->
                    InstanceNorm1d(3, momentum = nan, trackRunningStats = true).Forward(Tensor.randn [| 2; 3; 4 |])
                    |> ignore)
                // without parameters or running statistics any channel count works, as in PyTorch
                Expect.equal (InstanceNorm1d(3).Forward(Tensor.randn [| 2; 4; 5 |])).Shape [| 2; 4; 5 |] "any channels"

                throwsWith<ArgumentException> [ "LayerNorm"; "[*, 4]"; "[2, 3]" ] (fun () ->
                    LayerNorm(4).Forward(Tensor.randn [| 2; 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "LayerNorm"; "[*, 2, 3]"; "[3, 2]" ] (fun () ->
                    LayerNorm([| 2; 3 |]).Forward(Tensor.randn [| 3; 2 |]) |> ignore)

                throwsWith<ArgumentException> [ "LayerNorm"; "normalizedShape" ] (fun () -> LayerNorm(Array.empty<int>) |> ignore)
                throwsWith<ArgumentException> [ "GroupNorm"; "numChannels (6)"; "numGroups (4)" ] (fun () -> GroupNorm(4, 6) |> ignore)

                throwsWith<ArgumentException> [ "GroupNorm"; "6 channels"; "[2, 4, 3]" ] (fun () ->
                    GroupNorm(2, 6).Forward(Tensor.randn [| 2; 4; 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "GroupNorm"; "at least 2 dimensions"; "[6]" ] (fun () ->
                    GroupNorm(2, 6).Forward(Tensor.randn [| 6 |]) |> ignore)

            testCase "a null input is an ArgumentNullException, before any native call"
            <| fun () ->
                let x: Tensor = Unchecked.defaultof<_>

                for m in
                    [
                        Conv1d(1, 1, 1) :> Module
                        Conv2d(1, 1, 1)
                        ConvTranspose2d(1, 1, 1)
                        MaxPool2d(1)
                        AvgPool2d(1)
                        AdaptiveAvgPool2d(1)
                        ConvTranspose1d(1, 1, 1)
                        MaxPool1d(1)
                        AvgPool1d(1)
                        AdaptiveAvgPool1d(1)
                        BatchNorm1d(1)
                        BatchNorm2d(1)
                        BatchNorm3d(1)
                        InstanceNorm1d(1)
                        InstanceNorm2d(1)
                        InstanceNorm3d(1)
                        LayerNorm(1)
                        GroupNorm(1, 1)
                        Embedding(2, 1)
                    ] do
                    throwsWith<ArgumentNullException> [] (fun () -> m.Forward x |> ignore)

                throwsWith<ArgumentNullException> [] (fun () -> Bilinear(1, 1, 1).Forward(x, Tensor.ones [| 1 |]) |> ignore)
                throwsWith<ArgumentNullException> [] (fun () -> ConvTranspose2d(1, 1, 1).Forward(Tensor.ones [| 1; 1; 1 |], null) |> ignore)

            testCase "ConvTranspose2d's Forward with an output size checks the input first"
            <| fun () ->
                throwsWith<ArgumentException> [ "ConvTranspose2d"; "3-D"; "4-D"; "[3, 5]" ] (fun () ->
                    ConvTranspose2d(3, 4, 3, stride = 2).Forward(Tensor.ones [| 3; 5 |], [| 3; 4 |])
                    |> ignore)

                throwsWith<ArgumentException> [ "ConvTranspose2d"; "at least the height and width"; "[3]" ] (fun () ->
                    ConvTranspose2d(3, 4, 3, stride = 2).Forward(Tensor.ones [| 3; 5; 5 |], [| 3 |])
                    |> ignore)

            testCase "Embedding refuses float indices, indices out of range and a bad paddingIdx"
            <| fun () ->
                let e = Embedding(10, 3)

                throwsWith<ArgumentException> [ "Embedding"; "int64 or int32"; "float" ] (fun () ->
                    e.Forward(Tensor.ones [| 2 |]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "Embedding"; "index 10"; "10 embeddings" ] (fun () ->
                    e.Forward(indices [| 1L; 10L |] [| 2 |]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "Embedding"; "index -1" ] (fun () ->
                    e.Forward(indices [| -1L |] [| 1 |]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "Embedding"; "paddingIdx 10" ] (fun () ->
                    Embedding(10, 3, paddingIdx = 10) |> ignore)

                throwsWith<ArgumentException> [ "Embedding.FromPretrained"; "2-D" ] (fun () ->
                    Embedding.FromPretrained(Tensor.ones [| 3 |]) |> ignore)

            testCase "Bilinear names the features it expects, and its one-input Forward says to call Forward(x1, x2)"
            <| fun () ->
                let b = Bilinear(2, 3, 4)
                throwsWith<NotSupportedException> [ "Bilinear"; "Forward(x1, x2)" ] (fun () -> b.Forward(Tensor.randn [| 2; 2 |]) |> ignore)

                throwsWith<NotSupportedException> [ "Bilinear"; "Forward(x1, x2)" ] (fun () ->
                    Sequential(b).Forward(Tensor.randn [| 2; 2 |]) |> ignore)

                throwsWith<ArgumentException> [ "Bilinear"; "x1"; "2 features"; "[5, 3]" ] (fun () ->
                    b.Forward(Tensor.randn [| 5; 3 |], Tensor.randn [| 5; 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "Bilinear"; "x2"; "3 features"; "[5, 2]" ] (fun () ->
                    b.Forward(Tensor.randn [| 5; 2 |], Tensor.randn [| 5; 2 |]) |> ignore)

                throwsWith<ArgumentException> [ "Bilinear"; "leading"; "[5, 2]"; "[4, 3]" ] (fun () ->
                    b.Forward(Tensor.randn [| 5; 2 |], Tensor.randn [| 4; 3 |]) |> ignore)
        ]

let tests =
    testList
        "layers"
        [
            parity
            finiteDifferenceTests
            functionalTests
            printing
            convolution
            normalization
            embeddingAndBilinear
            errors
        ]
