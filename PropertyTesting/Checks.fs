namespace Nabla.FsCheck

open System
open FsCheck
open FsCheck.FSharp
open Nabla

/// The checks of derivatives at one point, each an FsCheck Property that fails with a message
/// naming what was compared, where, both values and the worst entry (compose them with your own
/// generators inside Prop.forAll, or run one with Prop.check). Inputs must be float64: finite
/// differences in float32 are too coarse for the tolerances.
module Checks =

    /// A passing property, or a failing one labelled with the message.
    let ofMessage (failure: string option) : Property =
        match failure with
        | None -> Prop.ofTestable true
        | Some message -> Prop.label message false

    let private needFloat64 (what: string) (x: Tensor) =
        if x.Dtype <> Dtype.Float64 then
            Some
                $"{what}: the input must be float64 (finite differences in {x.Dtype} are too coarse); convert it with Tensor.toDtype Dtype.Float64."
        else
            None

    let private at (x: Tensor) = $"\n  at x = {Show.tensor x}"

    let private inner (a: Tensor) (b: Tensor) =
        Array.fold2 (fun s x y -> s + x * y) 0.0 (a.ToArray()) (b.ToArray())

    /// Jacobians (output shape ++ input shape) compared entry by entry, the worst one named ∂y[i]/∂x[j].
    let private jacobians (tol: Tolerance) (what: string) (outShape: int[]) (inShape: int[]) (actual: Tensor) (expected: Tensor) =
        let a, e = actual.ToArray(), expected.ToArray()

        if a.Length <> e.Length then
            Some $"{what}: {a.Length} entries, expected {e.Length}"
        else
            Compare.worst tol a e
            |> Option.map (fun (k, count) ->
                let n = Shapes.numel inShape
                let o, i = k / max n 1, k % max n 1

                $"{what}: {count} of {a.Length} entries out of tolerance; worst ∂y{Show.index outShape o}/∂x{Show.index inShape i}: {Show.number a[k]}, expected {Show.number e[k]} (difference {Show.number (a[k] - e[k])}; tolerance {tol.Atol:g3} + {tol.Rtol:g3}·|expected|)")

    /// The tensor of t's shape and dtype with a 1 at flat position i, zeros elsewhere.
    let private basis (t: Tensor) (i: int) =
        Tensor.ofArray (Array.init t.Numel (fun j -> if j = i then 1.0 else 0.0))
        |> Tensor.reshape t.Shape

    let private guard (f: unit -> string option) : Property = ofMessage (f ())

    /// The Jacobian by reverse-mode AD (the gradient, for a scalar f) against central finite
    /// differences (PyTorch's gradcheck), every entry.
    let gradient (tol: Tolerance) (f: Tensor -> Tensor) (x: Tensor) : Property =
        guard (fun () ->
            match needFloat64 "gradient check" x with
            | Some m -> Some m
            | None ->
                let y = f x
                let numerical = Numerical.jacobian f x
                let ad = AD.jacrev f x

                jacobians tol "gradient (reverse-mode AD vs central differences)" y.Shape x.Shape ad numerical
                |> Option.map (fun m -> m + at x))

    /// The Jacobians by forward and by reverse mode agree entry by entry (AD.jacfwd vs AD.jacrev).
    let jacobiansAgree (tol: Tolerance) (f: Tensor -> Tensor) (x: Tensor) : Property =
        guard (fun () ->
            let y = f x

            jacobians tol "Jacobian (forward mode vs reverse mode)" y.Shape x.Shape (AD.jacfwd f x) (AD.jacrev f x)
            |> Option.map (fun m -> m + at x))

    /// The JVP J·v by forward mode against the central difference along v.
    let jvp (tol: Tolerance) (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Property =
        guard (fun () ->
            match needFloat64 "JVP check" x with
            | Some m -> Some m
            | None ->
                let _, jv = AD.jvp f x v

                Compare.tensors tol "J·v (forward-mode AD vs central differences)" jv (Numerical.jvp f x v)
                |> Option.map (fun m -> m + at x + $"\n  along v = {Show.tensor v}"))

    /// The VJP by the inner-product identity ⟨Jᵀu, v⟩ = ⟨u, J v⟩, with J v by central differences.
    let vjp (tol: Tolerance) (f: Tensor -> Tensor) (x: Tensor) (u: Tensor) (v: Tensor) : Property =
        guard (fun () ->
            match needFloat64 "VJP check" x with
            | Some m -> Some m
            | None ->
                let _, pullback = AD.vjp f x
                let lhs = inner u (Numerical.jvp f x v)
                let rhs = inner (pullback u) v

                Compare.arrays tol "<J^T u, v> (reverse-mode AD) vs <u, J v> (central differences)" [||] [| rhs |] [| lhs |]
                |> Option.map (fun m -> m + at x + $"\n  u = {Show.tensor u}\n  v = {Show.tensor v}"))

    /// Forward mode equals reverse mode: ⟨u, J v⟩ from the JVP equals ⟨Jᵀu, v⟩ from the VJP (for a
    /// scalar f and u = 1: JVP·v = ⟨grad, v⟩), to rounding relative to the terms' magnitude.
    let forwardEqualsReverse (tol: Tolerance) (f: Tensor -> Tensor) (x: Tensor) (u: Tensor) (v: Tensor) : Property =
        guard (fun () ->
            let _, jv = AD.jvp f x v
            let _, pullback = AD.vjp f x
            let g = pullback u
            let forward, reverse = inner u jv, inner g v
            let sumAbs (a: Tensor) (b: Tensor) = inner (Tensor.abs a) (Tensor.abs b)
            let scale = max (sumAbs u jv) (sumAbs g v)

            if abs (forward - reverse) <= tol.Atol + tol.Rtol * scale then
                None
            else
                Some(
                    $"forward mode vs reverse mode: <u, J v> = {Show.number forward} (JVP) but <J^T u, v> = {Show.number reverse} (VJP); difference {Show.number (forward - reverse)}"
                    + at x
                    + $"\n  u = {Show.tensor u}\n  v = {Show.tensor v}"
                ))

    /// Second order, forward over reverse: the Hessian-vector product H·v of a scalar s (AD.hvp)
    /// against the central difference of its gradient along v.
    let hvp (tol: Tolerance) (s: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Property =
        guard (fun () ->
            match needFloat64 "Hessian check" x with
            | Some m -> Some m
            | None ->
                Compare.tensors
                    tol
                    "H·v (forward over reverse vs central differences of the gradient)"
                    (AD.hvp s x v)
                    (Numerical.jvp (AD.grad s) x v)
                |> Option.map (fun m -> m + at x + $"\n  along v = {Show.tensor v}"))

    /// Second order, reverse over reverse equals forward over reverse: grad ⟨grad s, v⟩ = H·v.
    let reverseOverReverse (tol: Tolerance) (s: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Property =
        guard (fun () ->
            let rr = AD.grad (fun x -> Tensor.sum (AD.grad s x * v)) x

            Compare.tensors tol "H·v (reverse over reverse vs forward over reverse)" rr (AD.hvp s x v)
            |> Option.map (fun m -> m + at x + $"\n  along v = {Show.tensor v}"))

    /// The gradient of a scalar loss with respect to named parameters (AD.gradParams) against
    /// central differences, entry by entry, parameter by parameter (the worst entry of the first
    /// parameter out of tolerance is named). At most `maxPerTensor` entries of each parameter are
    /// probed, spread evenly (two evaluations of the loss each).
    let paramsGradientWith (maxPerTensor: int) (tol: Tolerance) (loss: Params -> Tensor) (p: Params) : Property =
        guard (fun () ->
            let entries = p.Entries

            match entries |> Array.tryFind (fun (_, t) -> t.Dtype <> Dtype.Float64) with
            | Some(name, t) ->
                Some
                    $"parameter gradient check: '{name}' is {t.Dtype}; check in float64 (model.To(Dtype.Float64), or Params.map (Tensor.toDtype Dtype.Float64))."
            | None ->
                let grads = AD.gradParams loss p
                let eps = 1e-6

                let valueWith (k: int) (t: Tensor) =
                    AD.noGrad (fun () -> (loss (Params(Array.updateAt k (fst entries[k], t) entries))).ToScalar())

                entries
                |> Array.indexed
                |> Array.tryPick (fun (k, (name, t)) ->
                    let n = t.Numel

                    let positions =
                        if n <= maxPerTensor then
                            [| 0 .. n - 1 |]
                        else
                            Array.init maxPerTensor (fun j -> j * (n - 1) / (maxPerTensor - 1))
                            |> Array.distinct

                    let ad = grads[name].ToArray()

                    let analytic, numerical =
                        positions
                        |> Array.map (fun i ->
                            let e = basis t i
                            let numeric = (valueWith k (t + eps * e) - valueWith k (t - eps * e)) / (2.0 * eps)
                            ad[i], numeric)
                        |> Array.unzip

                    Compare.worst tol analytic numerical
                    |> Option.map (fun (j, count) ->
                        let i = positions[j]

                        $"gradient of the loss (AD.gradParams vs central differences): parameter '{name}' {Show.shape t.Shape}: {count} of {positions.Length} probed entries out of tolerance; worst at {Show.index t.Shape i}: {Show.number analytic[j]}, expected {Show.number numerical[j]} (difference {Show.number (analytic[j] - numerical[j])}; tolerance {tol.Atol:g3} + {tol.Rtol:g3}·|expected|)\n  {name} = {Show.tensor t}")))

    /// paramsGradientWith probing at most 64 entries of each parameter.
    let paramsGradient (tol: Tolerance) (loss: Params -> Tensor) (p: Params) : Property = paramsGradientWith 64 tol loss p
