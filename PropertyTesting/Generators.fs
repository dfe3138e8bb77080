namespace Nabla.FsCheck

open System
open FsCheck
open FsCheck.FSharp
open Nabla
open Nabla.NN

/// Where generated values are drawn from: away from kinks and outside a function's domain,
/// where finite differences are meaningless.
type Domain =
    /// [-2, 2]
    | Any
    /// [0.3, 2]
    | Positive
    /// |x| in [0.2, 2], either sign
    | AwayFromZero
    /// [-0.8, 0.8]
    | Unit
    /// all values different by at least 0.1 (for max, min, sorting, pooling)
    | Distinct
    /// [-2, 2] but at least 0.1 away from each listed point (for kinks such as clamp's bounds)
    | AwayFrom of float list

    /// [-2, 2] but at least 0.1 away from each point (AwayFrom, for C#).
    static member Avoiding([<ParamArray>] points: float[]) = AwayFrom(List.ofArray points)

/// FsCheck generators of values, tensors, matrices and model parameters. Everything is drawn
/// through FsCheck's Gen, so a run is reproduced by its seed (FsCheck's Replay).
module Generators =

    /// A value uniformly in [lo, hi] (a million steps).
    let uniform (lo: float) (hi: float) : Gen<float> =
        Gen.choose (0, 1_000_000) |> Gen.map (fun k -> lo + (hi - lo) * float k / 1e6)

    /// n values from a domain.
    let values (domain: Domain) (n: int) : Gen<float[]> =
        match domain with
        | Any -> Gen.arrayOfLength n (uniform -2.0 2.0)
        | Positive -> Gen.arrayOfLength n (uniform 0.3 2.0)
        | Unit -> Gen.arrayOfLength n (uniform -0.8 0.8)
        | AwayFromZero ->
            Gen.arrayOfLength n (Gen.map2 (fun (m: float) s -> if s then m else -m) (uniform 0.2 2.0) (Gen.elements [ true; false ]))
        | AwayFrom points ->
            Gen.arrayOfLength
                n
                (uniform -2.0 2.0
                 |> Gen.filter (fun x -> points |> List.forall (fun p -> abs (x - p) >= 0.1)))
        | Distinct ->
            Gen.shuffle [| 0 .. n - 1 |]
            |> Gen.map2 (fun offset perm -> perm |> Array.map (fun k -> -1.5 + offset + 0.2 * float k)) (uniform 0.0 0.05)

    /// n integers for an integer dtype: the domain's values scaled by 5 and rounded (Any: -10..10,
    /// Positive: 2..10, AwayFromZero: never 0, Distinct: all different).
    let private integers (domain: Domain) (n: int) : Gen<float[]> =
        match domain with
        | Distinct -> Gen.shuffle [| 0 .. n - 1 |] |> Gen.map (Array.map (fun k -> float (k - n / 2)))
        | AwayFrom points ->
            Gen.arrayOfLength
                n
                (Gen.choose (-10, 10)
                 |> Gen.map float
                 |> Gen.filter (fun x -> points |> List.forall (fun p -> abs (x - p) >= 0.1)))
        | AwayFromZero ->
            Gen.arrayOfLength
                n
                (Gen.map2 (fun m s -> if s then float m else -(float m)) (Gen.choose (1, 10)) (Gen.elements [ true; false ]))
        | d -> values d n |> Gen.map (Array.map (fun x -> Math.Round(5.0 * x)))

    /// A float64 tensor of a shape with values from a domain.
    let tensor (domain: Domain) (shape: int[]) : Gen<Tensor> =
        values domain (Shapes.numel shape)
        |> Gen.map (fun v -> Tensor.ofArray v |> Tensor.reshape shape)

    /// A tensor of a dtype and shape with values from a domain. Integer dtypes get integers (see
    /// the domains' ranges scaled by 5, rounded); Bool gets random true/false; Float16, BFloat16
    /// and Float32 get the domain's values rounded to the dtype.
    let tensorOf (dtype: Dtype) (domain: Domain) (shape: int[]) : Gen<Tensor> =
        let n = Shapes.numel shape

        match dtype with
        | Dtype.Bool ->
            Gen.arrayOfLength n (Gen.elements [ true; false ])
            |> Gen.map (fun v -> Tensor.ofArray v |> Tensor.reshape shape)
        | d when d.IsFloatingPoint -> tensor domain shape |> Gen.map (Tensor.toDtype d)
        | Dtype.UInt8 ->
            integers domain n
            |> Gen.map (fun v -> Tensor.ofArray (Array.map abs v) |> Tensor.reshape shape |> Tensor.toDtype dtype)
        | d ->
            integers domain n
            |> Gen.map (fun v -> Tensor.ofArray v |> Tensor.reshape shape |> Tensor.toDtype d)

    /// Float64 tensors of the shapes `shapes` draws, with values from a domain.
    let tensorOn (shapes: Gen<int[]>) (domain: Domain) : Gen<Tensor> = shapes |> Gen.bind (tensor domain)

    /// A fixed pseudo-random float64 tensor of a shape, values in [-1, 1], from a seed (directions,
    /// cotangents, weights: the seed is part of a generated case, so a failure reproduces).
    let seeded (seed: int) (shape: int[]) : Tensor =
        let rng = Random seed

        Tensor.ofArray (Array.init (Shapes.numel shape) (fun _ -> rng.NextDouble() * 2.0 - 1.0))
        |> Tensor.reshape shape

    /// A random orthogonal n×n float64 matrix (the Q of a QR decomposition of random values).
    let orthogonal (n: int) : Gen<Tensor> =
        tensor Any [| n; n |]
        |> Gen.map (fun a ->
            // A diagonal nudge keeps the QR away from a (rare) singular draw.
            let q, _ = Linalg.qr (a + 0.5 * Tensor.eye n |> Tensor.toDtype Dtype.Float64)
            q)

    /// Singular values (or eigenvalues) in [1, maxCondition] with their ratio at most maxCondition:
    /// the largest is maxCondition^t, the others between 1 and it.
    let private spectrum (n: int) (maxCondition: float) : Gen<float[]> =
        if maxCondition < 1.0 || Double.IsNaN maxCondition then
            invalidArg "maxCondition" $"Generators: a condition number is at least 1; got {maxCondition}."

        gen {
            let! top = uniform 0.0 1.0
            let! rest = Gen.arrayOfLength n (uniform 0.0 1.0)
            let hi = Math.Pow(maxCondition, top)
            // the first is 1 and the second hi (when n ≥ 2), so that the spread is as drawn
            return
                rest
                |> Array.mapi (fun i t ->
                    if i = 0 then 1.0
                    elif i = 1 then hi
                    else Math.Pow(hi, t))
        }

    let private checkSize (what: string) (n: int) =
        if n < 1 then
            invalidArg "n" $"Generators.{what}: the matrix size must be at least 1; got {n}."

    /// An n×n float64 matrix U·diag(s)·Vᵀ (U, V random orthogonal) whose condition number
    /// (largest over smallest singular value) is at most maxCondition, with a random scale in [0.5, 2].
    let wellConditionedOfSize (n: int) (maxCondition: float) : Gen<Tensor> =
        checkSize "wellConditionedOfSize" n

        gen {
            let! s = spectrum n maxCondition
            let! u = orthogonal n
            let! v = orthogonal n
            let! scale = uniform 0.5 2.0

            let d =
                Tensor.diag (Tensor.ofArray (s |> Array.map (fun x -> scale * x / Array.max s)))

            return Tensor.matmul (Tensor.matmul u d) (Tensor.transpose 0 1 v)
        }

    /// Square float64 matrices of size 1 to 4 with condition number at most maxCondition.
    let wellConditioned (maxCondition: float) : Gen<Tensor> =
        Gen.choose (1, 4) |> Gen.bind (fun n -> wellConditionedOfSize n maxCondition)

    /// An n×n symmetric positive-definite float64 matrix Q·diag(λ)·Qᵀ with eigenvalues in
    /// [scale/maxCondition, scale] (scale in [0.5, 2]), so its condition number is at most maxCondition.
    /// Exactly symmetric.
    let spdOfSize (n: int) (maxCondition: float) : Gen<Tensor> =
        checkSize "spdOfSize" n

        gen {
            let! l = spectrum n maxCondition
            let! q = orthogonal n
            let! scale = uniform 0.5 2.0

            let d =
                Tensor.diag (Tensor.ofArray (l |> Array.map (fun x -> scale * x / Array.max l)))

            let a = Tensor.matmul (Tensor.matmul q d) (Tensor.transpose 0 1 q)
            return 0.5 * (a + Tensor.transpose 0 1 a)
        }

    /// Symmetric positive-definite float64 matrices of size 1 to 4, condition number at most 100.
    let spd: Gen<Tensor> = Gen.choose (1, 4) |> Gen.bind (fun n -> spdOfSize n 100.0)

    /// Random values for the entries of a Params: the same names, shapes and dtypes, values from a domain.
    let paramsFromIn (domain: Domain) (template: Params) : Gen<Params> =
        template.Entries
        |> Array.map (fun (name, t) -> tensorOf t.Dtype domain t.Shape |> Gen.map (fun v -> name, v))
        |> Array.toList
        |> Gen.sequenceToList
        |> Gen.map Params.ofList

    /// Random values in [-2, 2] with the names, shapes and dtypes of a Params.
    let paramsFrom (template: Params) : Gen<Params> = paramsFromIn Any template

    /// Random parameter values for a model: its parameters' names, shapes and dtypes, values from
    /// a domain (use with m.Functional, AD.gradParams, or LoadStateDict).
    let paramsLikeIn (domain: Domain) (model: Module) : Gen<Params> =
        if isNull (box model) then
            nullArg "model"

        paramsFromIn domain (model.ParameterValues())

    /// Random parameter values in [-2, 2] for a model (names, shapes and dtypes of its parameters).
    let paramsLike (model: Module) : Gen<Params> = paramsLikeIn Any model
