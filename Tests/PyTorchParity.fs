/// Nabla against PyTorch: the values, gradients, JVPs and Hessians (forward-over-reverse and
/// reverse-over-reverse) of functions that mix many ops, compared in float64 with the reference
/// that PyTorch computed for their twins in PyTorch/reference.py (regenerate it with the command
/// written there). Besides the rules, this checks conventions finite differences cannot see:
/// unbiased var, exact gelu, max-pool ties, pad order, broadcasting in batched matmul, ...
module Nabla.Tests.PyTorchParity

open System
open System.IO
open System.Text.Json
open Expecto
open Nabla
open Nabla.Tests.Check

let private f64 = Dtype.Float64

let private arange n =
    Tensor.Arange(0.0, float n, dtype = f64)

let private x6 = Tensor.ofArray [| 0.3; -1.2; 0.8; 1.7; -0.4; 0.05 |]
let private v6 = Tensor.ofArray [| 1.0; 0.5; -0.3; 0.2; -1.0; 0.7 |]

let private x12 =
    Tensor.Linspace(-1.1, 1.4, 12, dtype = f64) * Tensor.cos (arange 12)

let private v12 = Tensor.sin (arange 12 + 0.5)

let private x16 =
    Tensor.Linspace(-1.3, 1.7, 16, dtype = f64) * Tensor.cos (arange 16)

let private v16 = Tensor.sin (arange 16)
let private W = Tensor.create [ [ 0.2; -0.5; 1.0 ]; [ 0.7; 0.1; -0.3 ] ]

let private K =
    Tensor.create [ [ 0.1; -0.2; 0.3 ]; [ 0.4; 0.5; -0.6 ]; [ 0.7; -0.8; 0.9 ] ]
    |> Tensor.reshape [| 1; 1; 3; 3 |]

let private K1 =
    Tensor.create
        [
            [ 0.5; -0.25; 0.75 ]
            [ -0.4; 0.3; 0.2 ]
            [ 0.1; 0.9; -0.6 ]
            [ 0.3; -0.3; 0.3 ]
        ]
    |> Tensor.reshape [| 4; 1; 3 |]

let private L =
    Tensor.create [ [ 0.3; -0.1; 0.2; 0.5 ]; [ -0.7; 0.4; 0.1; -0.2 ]; [ 0.6; 0.6; -0.5; 0.1 ] ]

let private b3 = Tensor.ofArray [| 0.1; -0.2; 0.3 |]

let private idx =
    Tensor.create [ [ 2L; 0L; 1L ]; [ 1L; 1L; 0L ]; [ 0L; 2L; 2L ]; [ 2L; 1L; 0L ] ]

let private sel = Tensor.ofArray [| 3L; 0L; 2L; 2L |]

let private flip (x: Tensor) = Tensor.flip [| 0 |] x

/// The twins of PyTorch/reference.py's functions: name, function, point, direction.
let private functions: (string * (Tensor -> Tensor) * Tensor * Tensor) list =
    [
        "softplus_tanh_logsumexp", (fun x -> Tensor.sum (Tensor.softplus x * tanh x) + Tensor.logsumexp 0 x), x6, v6
        "var_std_norm",
        (fun x ->
            Tensor.var x
            + Tensor.std x * 2.0
            + Tensor.norm x
            + (x |> Tensor.reshape [| 2; 3 |] |> Tensor.varDims [| 0 |] 1 false |> Tensor.sum)),
        x6,
        v6
        "gelu_elu_leaky_relu", (fun x -> Tensor.sum (Tensor.gelu x * Tensor.elu 1.3 x + Tensor.leakyRelu 0.2 x)), x6, v6
        "softmax_log_softmax",
        (fun x -> let m = Tensor.reshape [| 2; 3 |] x in Tensor.sum (Tensor.logSoftmax 1 m * Tensor.softmax 0 m)),
        x6,
        v6
        "matmul_sigmoid",
        (fun x -> let m = Tensor.reshape [| 3; 2 |] x in Tensor.sum (Tensor.sigmoid (Tensor.matmul m W) * Tensor.sumDims [| 1 |] true m)),
        x6,
        v6
        "pow_with_tensor_exponent", (fun x -> Tensor.sum ((abs x + 0.5) ** flip x) + Tensor.mean (sqrt (x * x))), x6, v6
        "clamp_max_min_maximum",
        (fun x ->
            Tensor.sum (Tensor.clamp -0.5 0.9 x * x) + Tensor.max x - Tensor.min x
            + Tensor.sum (Tensor.maximum x (flip x + 0.1))),
        x6,
        v6
        "conv2d_pools",
        (fun x ->
            let image = Tensor.reshape [| 1; 1; 4; 4 |] x

            Tensor.sum (image.Conv2d(K, padding = [| 1 |]) ** 2.0)
            + Tensor.sum (Tensor.avgPool2d 2 image) * 3.0
            + Tensor.sum (Tensor.maxPool2d 2 image ** 3.0)),
        x16,
        v16
        "trig_exp_erf", (fun x -> Tensor.sum (sin x * exp (-x * x) + atan x * cosh x + Tensor.erf x)), x6, v6
        "cat_stack_slices",
        (fun x ->
            let s = Tensor.stack 0 [ x.[5]; x.[2] ]
            Tensor.sum (Tensor.cat 0 [ x.[1..3]; x.[0..1] * 2.0 ] ** 2.0) * (s.[0] * s.[1])),
        x6,
        v6
        "linear_relu_logsumexp_rows",
        (fun x ->
            Tensor.reshape [| 3; 4 |] x + 0.2
            |> Tensor.relu
            |> Tensor.linear L b3
            |> Tensor.logsumexp 1
            |> Tensor.sum),
        x12,
        v12
        "conv1d_stride_dilation_groups",
        (fun x ->
            Tensor.sum (
                (Tensor.reshape [| 1; 2; 6 |] x).Conv1d(K1, stride = 2, dilation = 2, groups = 2)
                ** 2.0
            )),
        x12,
        v12
        "gather_index_select_where",
        (fun x ->
            let m = Tensor.reshape [| 4; 3 |] x

            Tensor.sum (Tensor.gather 1 idx m * Tensor.indexSelect 0 sel m)
            + Tensor.sum (Tensor.where (Tensor.gt x (Tensor.zerosLike x)) (x ** 2.0) (tanh x))),
        x12,
        v12
        "pad_permute_batched_matmul",
        (fun x ->
            // F.pad(t, (1, 0, 0, 1)) pads the last dim by (1, 0) and the one before by (0, 1)
            let padded =
                x
                |> Tensor.reshape [| 2; 2; 3 |]
                |> Tensor.pad [| (0, 1); (1, 0) |] 0.0
                |> Tensor.permute [| 2; 0; 1 |]

            let right = (Tensor.reshape [| 2; 3; 2 |] x).[0..0, *, *]
            Tensor.mean (Tensor.matmul padded right ** 2.0)),
        x12,
        v12
        "log1p_expm1_atan2_cumsum",
        (fun x ->
            Tensor.sum (Tensor.log1p (abs x) * Tensor.expm1 (x / 2.0))
            + Tensor.sum (Tensor.atan2 x (flip x + 0.3))
            + Tensor.sum (Tensor.cumsum 0 x ** 2.0)),
        x6,
        v6
        "silu_logsigmoid_rsqrt_logs",
        (fun x ->
            Tensor.sum (Tensor.silu x * Tensor.logSigmoid x)
            + Tensor.sum (Tensor.rsqrt (x * x + 1.0))
            + Tensor.sum (Tensor.log2 (abs x + 1.0))
            + Tensor.sum (Tensor.log10 (x * x + 2.0))
            + Tensor.sum (Tensor.square (Tensor.reciprocal (x + 3.0)))),
        x6,
        v6
        "amax_logsumexp_dims_trace_tril_outer",
        (fun x ->
            let m = Tensor.reshape [| 3; 4 |] x

            Tensor.sum (Tensor.amax [| 1 |] false m)
            + Tensor.sum (Tensor.amin [| 0 |] false m)
            + Tensor.sum (x |> Tensor.reshape [| 2; 2; 3 |] |> Tensor.logsumexpDims [| 0; 2 |] false)
            + Tensor.trace (Tensor.matmul m.[*, 0..2] (Tensor.transpose 0 1 m.[*, 1..]))
            + Tensor.sum (Tensor.tril -1 m ** 2.0)
            + Tensor.sum (sin (Tensor.triu 0 m))
            + Tensor.sum (cos (Tensor.outer x.[0..2] x.[9..]))
            + Tensor.sum (Tensor.diag m) * Tensor.sum (exp (Tensor.diag x.[4..6]))
            + Tensor.mean (Tensor.cumsum 1 (Tensor.flip [| 1 |] m) ** 2.0)),
        x12,
        v12
    ]

/// The values PyTorch computed for one reference file (PyTorch/<file>), read once.
let private references =
    Collections.Concurrent.ConcurrentDictionary<string, Lazy<JsonElement>>()

let private reference (file: string) =
    references
        .GetOrAdd(
            file,
            fun f -> lazy (JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PyTorch", f))).RootElement)
        )
        .Value

let private expected (file: string) (name: string) (field: string) : float[] =
    let e = (reference file).GetProperty(name).GetProperty(field)

    if e.ValueKind = JsonValueKind.Array then
        [| for v in e.EnumerateArray() -> v.GetDouble() |]
    else
        [| e.GetDouble() |]

/// Agreement to rounding: both sides compute the same formulas in float64.
let private matches (what: string) (actual: Tensor) (reference: float[]) =
    closeWith 1e-12 1e-9 what (actual.ToArray()) reference

/// The parity tests of functions (name, function, point, direction) whose twins are in the
/// Python script that wrote PyTorch/<file>: value, gradient, JVP and Hessian both ways.
let suite (title: string) (file: string) (functions: (string * (Tensor -> Tensor) * Tensor * Tensor) list) =
    testList
        title
        [
            testCase "the reference covers exactly these functions"
            <| fun () ->
                let names =
                    [
                        for p in (reference file).EnumerateObject() do
                            if not (p.Name.StartsWith "_") then
                                p.Name
                    ]

                Expect.equal (List.sort names) (functions |> List.map (fun (n, _, _, _) -> n) |> List.sort) "function names"
            for name, f, x, v in functions do
                testList
                    name
                    [
                        testCase "value and gradient match PyTorch"
                        <| fun () ->
                            let value, g = AD.valueAndGrad f x
                            matches "value" value (expected file name "value")
                            matches "gradient" g (expected file name "grad")
                        testCase "JVP matches PyTorch"
                        <| fun () -> matches "J·v" (snd (AD.jvp f x v)) (expected file name "jvp")
                        testCase "Hessian (forward-over-reverse) matches PyTorch"
                        <| fun () -> matches "Hessian" (AD.hessian f x |> Tensor.flatten) (expected file name "hessian")
                        testCase "Hessian (reverse-over-reverse) matches PyTorch"
                        <| fun () -> matches "Hessian" (AD.jacrev (AD.grad f) x |> Tensor.flatten) (expected file name "hessian")
                    ]
        ]

let tests = suite "PyTorch parity" "reference.json" functions
