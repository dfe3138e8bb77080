namespace Nabla.FsCheck

open System
open Nabla

/// Tolerances of a comparison: |actual − expected| ≤ Atol + Rtol·|expected| for every entry.
type Tolerance =
    {
        Atol: float
        Rtol: float
    }

    /// PyTorch's gradcheck tolerances (atol 1e-5, rtol 1e-3), for derivatives against finite
    /// differences in float64.
    static member GradCheck = { Atol = 1e-5; Rtol = 1e-3 }

    /// For results that must agree to rounding (atol 1e-9, rtol 1e-7): forward mode against
    /// reverse mode, two orders of differentiation that compute the same thing.
    static member Tight = { Atol = 1e-9; Rtol = 1e-7 }

/// Readable text for tensors, shapes and mismatches (the counterexample messages).
module Show =

    /// [2, 3]; [] for a scalar.
    let shape (s: int[]) = "[" + String.Join(", ", s) + "]"

    /// A value with up to 10 significant digits.
    let number (x: float) =
        x.ToString("G10", Globalization.CultureInfo.InvariantCulture)

    /// The multi-index of a flat (row-major) position in a shape, as text: [1, 2].
    let index (s: int[]) (flat: int) =
        let idx = Array.zeroCreate s.Length
        let mutable rest = flat

        for d in s.Length - 1 .. -1 .. 0 do
            if s[d] > 0 then
                idx[d] <- rest % s[d]
                rest <- rest / s[d]

        shape idx

    /// dtype, shape and values of a tensor (values rounded to 6 digits; at most 64 shown).
    let tensor (t: Tensor) =
        let values = t.ToArray()

        let shown =
            values
            |> Array.truncate 64
            |> Array.map (fun x -> x.ToString("G6", Globalization.CultureInfo.InvariantCulture))

        let more =
            if values.Length > 64 then
                $", … ({values.Length} values)"
            else
                ""

        let joined = String.Join(", ", shown)
        $"{t.Dtype} {shape t.Shape} [{joined}{more}]"

/// Entry-by-entry comparison of tensors, with the worst entry named on failure.
module Compare =

    /// How far beyond its tolerance an entry is (≤ 0: within); NaN matches NaN, infinities match themselves.
    let excess (tol: Tolerance) (a: float) (e: float) =
        if Double.IsNaN a && Double.IsNaN e then
            0.0
        elif Double.IsNaN a || Double.IsNaN e then
            infinity
        elif Double.IsInfinity a || Double.IsInfinity e then
            (if a = e then 0.0 else infinity)
        else
            abs (a - e) - (tol.Atol + tol.Rtol * abs e)

    /// The worst entry out of tolerance (its flat position), with how many are out; None when all are within.
    let worst (tol: Tolerance) (actual: float[]) (expected: float[]) : (int * int) option =
        let bad =
            [| 0 .. actual.Length - 1 |]
            |> Array.filter (fun i -> excess tol actual[i] expected[i] > 0.0)

        if bad.Length = 0 then
            None
        else
            Some(bad |> Array.maxBy (fun i -> excess tol actual[i] expected[i]), bad.Length)

    /// None when the values agree within the tolerance; otherwise a message naming `what`, the
    /// shape, how many entries are out and the worst one (index, both values, difference).
    let arrays (tol: Tolerance) (what: string) (shape: int[]) (actual: float[]) (expected: float[]) : string option =
        if actual.Length <> expected.Length then
            Some $"{what}: {actual.Length} values, expected {expected.Length}"
        else
            worst tol actual expected
            |> Option.map (fun (i, count) ->
                let at = if shape.Length = 0 then "" else $" at {Show.index shape i}"

                $"{what}: {count} of {actual.Length} entries out of tolerance; worst{at}: {Show.number actual[i]}, expected {Show.number expected[i]} (difference {Show.number (actual[i] - expected[i])}; tolerance {tol.Atol:g3} + {tol.Rtol:g3}·|expected|)")

    /// As arrays, for two tensors; their shapes must be equal.
    let tensors (tol: Tolerance) (what: string) (actual: Tensor) (expected: Tensor) : string option =
        if actual.Shape <> expected.Shape then
            Some $"{what}: shape {Show.shape actual.Shape}, expected {Show.shape expected.Shape}"
        else
            arrays tol what actual.Shape (actual.ToArray()) (expected.ToArray())
