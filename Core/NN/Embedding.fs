namespace Nabla.NN

open System
open System.Runtime.InteropServices
open Nabla
open Nabla.Raw

/// A lookup table of numEmbeddings vectors of size embeddingDim (PyTorch's nn.Embedding): the
/// rows of weight [numEmbeddings, embeddingDim] at integer indices (int64 or int32) of any shape,
/// giving indices.Shape ++ [embeddingDim]. The weight starts N(0, 1). With paddingIdx (negative
/// counts from the end), that row starts at zero and gets no gradient. With maxNorm, each row
/// looked up whose normType-norm (default 2) exceeds maxNorm is first rescaled to that norm, in
/// place, as PyTorch does. With scaleGradByFreq, each row's gradient is divided by the number of
/// times it occurs in the batch.
type Embedding
    (
        numEmbeddings: int,
        embeddingDim: int,
        ?paddingIdx: int,
        ?maxNorm: float,
        ?normType: float,
        ?scaleGradByFreq: bool,
        ?dtype: Dtype,
        ?device: Device
    ) as this =
    inherit Module()

    do
        Layer.positive "Embedding" "numEmbeddings" numEmbeddings
        Layer.positive "Embedding" "embeddingDim" embeddingDim

        match maxNorm with
        | Some m when not (m > 0.0) -> invalidArg "maxNorm" $"Embedding: maxNorm must be positive; got {m}."
        | _ -> ()

    let paddingIdx =
        paddingIdx
        |> Option.map (fun p ->
            if p < -numEmbeddings || p >= numEmbeddings then
                raise (
                    ArgumentOutOfRangeException(
                        "paddingIdx",
                        $"Embedding: paddingIdx {p} must be within the {numEmbeddings} embeddings ({-numEmbeddings} .. {numEmbeddings - 1})."
                    )
                )

            if p < 0 then p + numEmbeddings else p)

    let normType = defaultArg normType 2.0
    let scaleGradByFreq = defaultArg scaleGradByFreq false
    let dtype = Layer.dtypeOr dtype
    let device = Layer.deviceOr device

    let weight =
        let w = Tensor.Zeros([| numEmbeddings; embeddingDim |], dtype, device)
        Init.Normal w

        match paddingIdx with
        | Some p ->
            let isPadding =
                Tensor.ofArray (Array.init numEmbeddings (fun i -> i = p))
                |> Tensor.reshape [| numEmbeddings; 1 |]
                |> Tensor.toDevice device

            this.RegisterParameter("weight", Tensor.where isPadding (Tensor.zerosLike w) w)
        | None -> this.RegisterParameter("weight", w)

    let mutable frozen = false

    /// Rescales, in place, the rows at `flat` whose norm exceeds maxNorm (PyTorch's embedding_renorm_).
    let renorm (maxNorm: float) (flat: Tensor) =
        AD.noGrad (fun () ->
            let rows = Tensor.indexSelect 0 flat (Tensor.detach weight)
            let norms = Tensor.vectorNorm normType [| 1 |] true rows

            let scale =
                Tensor.where (Tensor.gtScalar maxNorm norms) (maxNorm / (norms + 1e-7)) (Tensor.onesLike norms)

            let scaled = rows * scale
            let index, values = flat.Raw(), scaled.Raw()

            Autograd.inPlace "Embedding" weight Unchecked.defaultof<_> (fun r ->
                guardAny "Embedding" [| r; index; values |] (fun () -> r.index_copy_ (0L, index, values) |> ignore)))

    /// A table holding `embeddings` [numEmbeddings, embeddingDim] (copied; PyTorch's
    /// Embedding.from_pretrained). With freeze (the default) the weight gets no gradient; the
    /// padding row keeps its given values but gets no gradient.
    static member FromPretrained
        (embeddings: Tensor, ?freeze: bool, ?paddingIdx: int, ?maxNorm: float, ?normType: float, ?scaleGradByFreq: bool)
        =
        if isNull (box embeddings) then
            nullArg "embeddings"

        if embeddings.Dim <> 2 then
            invalidArg
                "embeddings"
                $"Embedding.FromPretrained: embeddings must be 2-D [numEmbeddings, embeddingDim]; got {shapeText embeddings.Shape}."

        if not embeddings.Dtype.IsFloatingPoint then
            invalidArg "embeddings" $"Embedding.FromPretrained: embeddings must be floating-point; got {embeddings.Dtype}."

        let s = embeddings.Shape

        let e: Embedding =
            Embedding(
                s[0],
                s[1],
                ?paddingIdx = paddingIdx,
                ?maxNorm = maxNorm,
                ?normType = normType,
                ?scaleGradByFreq = scaleGradByFreq,
                dtype = embeddings.Dtype,
                device = embeddings.Device
            )

        AD.noGrad (fun () -> e.Weight.CopyFrom(Tensor.detach embeddings))
        e.Frozen <- defaultArg freeze true
        e

    /// The number of rows of the table.
    member _.NumEmbeddings = numEmbeddings
    /// The size of each row.
    member _.EmbeddingDim = embeddingDim
    /// The row that gets no gradient (normalised to 0 .. numEmbeddings − 1), if any.
    member _.PaddingIdx = paddingIdx
    /// The largest norm a looked-up row may have, if any.
    member _.MaxNorm = maxNorm
    /// The p of the norm compared with maxNorm.
    member _.NormType = normType
    /// Whether gradients are divided by the number of times each row occurs in the batch.
    member _.ScaleGradByFreq = scaleGradByFreq
    /// The table [numEmbeddings, embeddingDim].
    member _.Weight: Tensor = weight

    /// When true the weight gets no gradient (PyTorch's weight.requires_grad = False, as
    /// from_pretrained's freeze); it stays a parameter.
    member _.Frozen
        with get () = frozen
        and set (v: bool) = frozen <- v

    /// The rows at `indices` (int64 or int32, any shape): shape indices.Shape ++ [embeddingDim].
    override _.Forward indices =
        if isNull (box indices) then
            nullArg "indices"

        let d = indices.Dtype

        if d <> Dtype.Int64 && d <> Dtype.Int32 then
            invalidArg
                "indices"
                $"Embedding: the indices must be an int64 or int32 tensor; got {d} of shape {shapeText indices.Shape}. Convert them with Tensor.toDtype Dtype.Int64."

        let flat =
            Tensor.reshape [| -1 |] (Tensor.detach indices) |> Tensor.toDtype Dtype.Int64

        if flat.Numel > 0 then
            let lo, hi = (Tensor.min flat).ToScalar(), (Tensor.max flat).ToScalar()

            if lo < 0.0 || hi >= float numEmbeddings then
                let bad = if lo < 0.0 then lo else hi

                raise (
                    ArgumentOutOfRangeException(
                        "indices",
                        $"Embedding: index {int64 bad} is out of range for a table of {numEmbeddings} embeddings (numEmbeddings); indices must be in 0 .. {numEmbeddings - 1}."
                    )
                )

            match maxNorm with
            | Some m -> renorm m flat
            | None -> ()

        let table = if frozen then Tensor.detach weight else weight
        let rows = Tensor.embedding paddingIdx table indices

        if scaleGradByFreq && flat.Numel > 0 && not frozen then
            // the value of rows, with a gradient divided by each index's count in the batch
            let counts =
                let f = flat.Raw()

                Const(
                    guard1 "Embedding" f (fun () ->
                        use c = f.bincount (null, int64 numEmbeddings)
                        use per = c.index_select (0L, f)
                        per.reshape (longs (Array.append indices.Shape [| 1 |])))
                )
                |> Tensor.toDtype rows.Dtype

            let scaled = rows / counts
            Tensor.detach rows + (scaled - Tensor.detach scaled)
        else
            rows

    /// As PyTorch prints it, e.g. "10, 3, padding_idx=0".
    override _.ExtraRepr() =
        let parts =
            [
                $"{numEmbeddings}, {embeddingDim}"
                match paddingIdx with
                | Some p -> $"padding_idx={p}"
                | None -> ()
                match maxNorm with
                | Some m -> $"max_norm={Py.float m}"
                | None -> ()
                if normType <> 2.0 then
                    $"norm_type={Py.float normType}"
                if scaleGradByFreq then
                    "scale_grad_by_freq=True"
            ]

        String.Join(", ", parts)
