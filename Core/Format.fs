/// PyTorch-style text for tensor values: `tensor([[1., 2.],\n        [3., 4.]], dtype=float64)`.
module internal Nabla.Format

open System
open System.Globalization
open System.Text
open Nabla.Raw

/// Tensors with more elements than this show only the first and last `edgeItems` of each dim.
let private summaryThreshold = 1000
let private edgeItems = 3

let private inv = CultureInfo.InvariantCulture

/// Formats floats the way PyTorch does by default: integral values as "2.", otherwise four
/// decimals, and scientific notation when the magnitudes span too much.
let private floatFormatter (values: float[]) : float -> string =
    let finite = values |> Array.filter Double.IsFinite

    let special (v: float) =
        if Double.IsNaN v then "nan"
        elif v > 0.0 then "inf"
        else "-inf"

    if
        finite |> Array.forall (fun v -> v = Math.Round v)
        && finite |> Array.forall (fun v -> abs v < 1e8)
    then
        fun v ->
            if Double.IsFinite v then
                v.ToString("0", inv) + "."
            else
                special v
    else
        let nonzero = finite |> Array.filter (fun v -> v <> 0.0) |> Array.map abs

        let sci =
            nonzero.Length > 0
            && (Array.max nonzero >= 1e8
                || Array.min nonzero < 1e-4
                || Array.max nonzero / Array.min nonzero > 1e3)

        if sci then
            fun v ->
                if Double.IsFinite v then
                    v.ToString("0.0000e+00", inv)
                else
                    special v
        else
            fun v ->
                if Double.IsFinite v then
                    v.ToString("0.0000", inv)
                else
                    special v

/// The indices shown along a dimension of size n (all of them, or the edges around "...").
let private shownIndices summarize n =
    if summarize && n > 2 * edgeItems then
        [
            yield! [ 0 .. edgeItems - 1 ] |> List.map Some
            yield None
            yield! [ n - edgeItems .. n - 1 ] |> List.map Some
        ]
    else
        [ 0 .. n - 1 ] |> List.map Some

/// The text of a tensor's values, e.g. "[[1., 2.],\n [3., 4.]]" with `indent` spaces before inner lines.
let values (t: RawTensor) (indent: int) : string =
    let shape = shape t
    let numel = Array.fold (*) 1 shape
    let dtype = ofScalarType t.dtype
    let flat = toFloatArray t
    let summarize = numel > summaryThreshold
    let strides = Array.init shape.Length (fun i -> Array.fold (*) 1 shape[i + 1 ..])

    let shownFlat =
        // Only the elements that will be printed decide the number format.
        let rec collect dim offset =
            if dim = shape.Length then
                [ flat[offset] ]
            else
                shownIndices summarize shape[dim]
                |> List.collect (function
                    | Some i -> collect (dim + 1) (offset + i * strides[dim])
                    | None -> [])

        if numel = 0 then [||] else collect 0 0 |> List.toArray

    let format: float -> string =
        match dtype with
        | Dtype.Bool -> fun v -> if v <> 0.0 then "True" else "False"
        | d when d.IsFloatingPoint -> floatFormatter shownFlat
        | _ -> fun v -> v.ToString("0", inv)

    let width =
        if shownFlat.Length = 0 then
            0
        else
            shownFlat |> Array.map (format >> String.length) |> Array.max

    let cell v = (format v).PadLeft width
    let sb = StringBuilder()

    let rec write dim offset =
        if dim = shape.Length then
            sb.Append(cell flat[offset]) |> ignore
        else
            sb.Append('[') |> ignore
            let items = shownIndices summarize shape[dim]
            let last = shape.Length - 1

            items
            |> List.iteri (fun k item ->
                if k > 0 then
                    if dim = last then
                        sb.Append(", ") |> ignore
                    else
                        sb.Append(',') |> ignore
                        sb.Append('\n', max 1 (last - dim)) |> ignore
                        sb.Append(' ', indent + dim + 1) |> ignore

                match item with
                | Some i -> write (dim + 1) (offset + i * strides[dim])
                | None -> sb.Append("...") |> ignore)

            sb.Append(']') |> ignore

    if shape.Length = 0 then
        sb.Append(format flat[0]) |> ignore
    else
        write 0 0

    sb.ToString()

/// `tensor(...)` with the dtype and device where PyTorch would show them, plus extra notes.
let tensor (t: RawTensor) (notes: string list) : string =
    let dtype = ofScalarType t.dtype
    let device = ofTorchDevice t.device
    let shape = shape t
    let empty = Array.contains 0 shape
    let body = if empty then "[]" else values t 7

    let defaultDtype =
        dtype = Dtype.Float32 || dtype = Dtype.Int64 || dtype = Dtype.Bool

    let suffix =
        [
            if empty && shape.Length > 1 then
                yield "size=" + shapeText shape
            if device <> Device.Cpu then
                yield $"device='{device}'"
            if not defaultDtype then
                yield $"dtype={dtype.Name}"
            yield! notes
        ]

    "tensor("
    + body
    + (suffix |> List.map (fun s -> ", " + s) |> String.concat "")
    + ")"
