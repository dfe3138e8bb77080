namespace Nabla.NN

open System
open System.Runtime.InteropServices
open Nabla
open Nabla.Raw

/// The Linear that MultiheadAttention holds as out_proj: PyTorch's class of that name (a Linear
/// that quantization leaves alone), so the module prints as PyTorch's does.
type internal NonDynamicallyQuantizableLinear(inFeatures: int, outFeatures: int, bias: bool, dtype: Dtype, device: Device) =
    inherit Linear(inFeatures, outFeatures, bias = bias, dtype = dtype, device = device)

/// Multi-head attention (PyTorch's nn.MultiheadAttention): query, key and value are projected to
/// embedDim (in_proj_weight [3·embedDim, embedDim] and in_proj_bias [3·embedDim]; with kdim or
/// vdim different from embedDim, q_proj_weight [embedDim, embedDim], k_proj_weight [embedDim,
/// kdim] and v_proj_weight [embedDim, vdim] instead), split into numHeads heads of embedDim/numHeads
/// features, attended (softmax(q kᵀ/√headDim + mask) v, dropout on the weights in training mode),
/// joined and projected by out_proj (a Linear). Shapes: query [L, batch, embedDim], key [S,
/// batch, kdim], value [S, batch, vdim] (batch first with batchFirst; [L, embedDim], [S, kdim],
/// [S, vdim] unbatched); output as the query. Initialisation as PyTorch's: Xavier-uniform
/// projection weights, zero biases, out_proj.weight as Linear's.
type MultiheadAttention
    (
        embedDim: int,
        numHeads: int,
        ?dropout: float,
        ?bias: bool,
        ?addBiasKv: bool,
        ?kdim: int,
        ?vdim: int,
        ?batchFirst: bool,
        ?dtype: Dtype,
        ?device: Device
    ) as this =
    inherit Module()

    do
        Layer.positive "MultiheadAttention" "embedDim" embedDim
        Layer.positive "MultiheadAttention" "numHeads" numHeads

        if embedDim % numHeads <> 0 then
            invalidArg
                "numHeads"
                $"MultiheadAttention: embedDim ({embedDim}) must be divisible by numHeads ({numHeads}); each head gets embedDim/numHeads features."

        if defaultArg addBiasKv false then
            raise (
                NotSupportedException
                    "MultiheadAttention: addBiasKv = true (learned bias_k and bias_v appended to the keys and values) is not supported; leave it false."
            )

    let dropout = defaultArg dropout 0.0

    do
        if not (dropout >= 0.0 && dropout <= 1.0) then
            invalidArg "dropout" $"MultiheadAttention: dropout must be a probability in [0, 1]; got {dropout}."

    let bias = defaultArg bias true
    let kdim = defaultArg kdim embedDim
    let vdim = defaultArg vdim embedDim

    do
        Layer.positive "MultiheadAttention" "kdim" kdim
        Layer.positive "MultiheadAttention" "vdim" vdim

    let batchFirst = defaultArg batchFirst false
    let dtype = Layer.dtypeOr dtype
    let device = Layer.deviceOr device
    let headDim = embedDim / numHeads
    let sameEmbedDim = kdim = embedDim && vdim = embedDim

    let register (name: string) (shape: int[]) =
        this.RegisterParameter(name, Tensor.Zeros(shape, dtype, device))

    let inProjWeight =
        if sameEmbedDim then
            Some(register "in_proj_weight" [| 3 * embedDim; embedDim |])
        else
            None

    let separate =
        if sameEmbedDim then
            None
        else
            Some(
                register "q_proj_weight" [| embedDim; embedDim |],
                register "k_proj_weight" [| embedDim; kdim |],
                register "v_proj_weight" [| embedDim; vdim |]
            )

    let inProjBias =
        if bias then
            Some(register "in_proj_bias" [| 3 * embedDim |])
        else
            None

    let outProj: Linear =
        this.RegisterModule("out_proj", NonDynamicallyQuantizableLinear(embedDim, embedDim, bias, dtype, device))

    // PyTorch's order: out_proj initialises itself first, then _reset_parameters.
    do
        match inProjWeight, separate with
        | Some w, _ -> Init.XavierUniform w
        | _, Some(q, k, v) ->
            Init.XavierUniform q
            Init.XavierUniform k
            Init.XavierUniform v
        | None, None -> ()

        match inProjBias, outProj.Bias with
        | Some b, Some ob ->
            Init.Zeros b
            Init.Zeros ob
        | _ -> ()

    /// The projection weights and biases of query, key and value.
    let projections () =
        let w =
            match inProjWeight, separate with
            | Some w, _ -> Tensor.narrow 0 0 embedDim w, Tensor.narrow 0 embedDim embedDim w, Tensor.narrow 0 (2 * embedDim) embedDim w
            | _, Some(q, k, v) -> q, k, v
            | None, None -> failwith "unreachable"

        let b =
            match inProjBias with
            | Some b ->
                Some(Tensor.narrow 0 0 embedDim b),
                Some(Tensor.narrow 0 embedDim embedDim b),
                Some(Tensor.narrow 0 (2 * embedDim) embedDim b)
            | None -> None, None, None

        w, b

    let fail (name: string) (message: string) =
        invalidArg name ("MultiheadAttention: " + message)

    /// A bool or float mask as an additive float mask in dtype (bool: true = masked out, −∞).
    let additive (name: string) (dtype: Dtype) (m: Tensor) =
        if m.Dtype = Dtype.Bool then
            Tensor.Zeros(m.Shape, dtype, m.Device)
            |> Tensor.maskedFill m Double.NegativeInfinity
        elif m.Dtype.IsFloatingPoint then
            if m.Dtype = dtype then m else Tensor.toDtype dtype m
        else
            fail name $"the {name} must be bool (true = masked out) or floating-point (added to the scores); got {m.Dtype}."

    /// The total number of features (embedDim).
    member _.EmbedDim = embedDim

    /// The number of heads.
    member _.NumHeads = numHeads

    /// The features per head (embedDim / numHeads).
    member _.HeadDim = headDim

    /// The dropout probability on the attention weights (training mode only).
    member _.Dropout = dropout

    /// The number of features of the key.
    member _.Kdim = kdim

    /// The number of features of the value.
    member _.Vdim = vdim

    /// Whether inputs and outputs are [batch, seq, features] instead of [seq, batch, features].
    member _.BatchFirst = batchFirst

    /// in_proj_weight [3·embedDim, embedDim] (query, key and value rows), when kdim = vdim = embedDim.
    member _.InProjWeight = inProjWeight

    /// q_proj_weight [embedDim, embedDim], when kdim or vdim differs from embedDim.
    member _.QProjWeight = separate |> Option.map (fun (q, _, _) -> q)

    /// k_proj_weight [embedDim, kdim], when kdim or vdim differs from embedDim.
    member _.KProjWeight = separate |> Option.map (fun (_, k, _) -> k)

    /// v_proj_weight [embedDim, vdim], when kdim or vdim differs from embedDim.
    member _.VProjWeight = separate |> Option.map (fun (_, _, v) -> v)

    /// in_proj_bias [3·embedDim], if the layer has biases.
    member _.InProjBias = inProjBias

    /// The output projection (out_proj), a Linear(embedDim, embedDim).
    member _.OutProj = outProj

    /// Attention of query over key and value, as PyTorch's forward. keyPaddingMask [batch, S]
    /// (or [S] unbatched): bool, true = that key is ignored, or float, added to the scores.
    /// attnMask [L, S] or [batch·numHeads, L, S]: bool, true = not allowed to attend, or float,
    /// added. isCausal: with no attnMask, each position attends only to itself and earlier ones
    /// (with an attnMask, as in PyTorch, a hint that it is the causal mask, which is used).
    /// Returns the output (shaped as the query) and, when needWeights (the default), the
    /// attention weights [batch, L, S] averaged over the heads (averageAttnWeights, the default)
    /// or [batch, numHeads, L, S] per head ([L, S] or [numHeads, L, S] unbatched).
    member this.Forward
        (
            query: Tensor,
            key: Tensor,
            value: Tensor,
            [<Optional>] keyPaddingMask: Tensor,
            [<Optional; DefaultParameterValue(true)>] needWeights: bool,
            [<Optional>] attnMask: Tensor,
            [<Optional; DefaultParameterValue(true)>] averageAttnWeights: bool,
            [<Optional; DefaultParameterValue(false)>] isCausal: bool
        ) : Tensor * Tensor option =
        if isNull (box query) then
            nullArg "query"

        if isNull (box key) then
            nullArg "key"

        if isNull (box value) then
            nullArg "value"

        let keyPaddingMask = Option.ofObj (box keyPaddingMask) |> Option.map unbox<Tensor>
        let attnMask = Option.ofObj (box attnMask) |> Option.map unbox<Tensor>

        let layout =
            if batchFirst then
                "[batch, seq, features]"
            else
                "[seq, batch, features]"

        if query.Dim <> 2 && query.Dim <> 3 then
            fail "query" $"expected a 3-D query {layout} or a 2-D unbatched one [seq, features]; got shape {shapeText query.Shape}."

        let batched = query.Dim = 3

        if key.Dim <> query.Dim || value.Dim <> query.Dim then
            fail
                "key"
                $"the query {shapeText query.Shape} is {query.Dim}-D, so key and value must be {query.Dim}-D too; got key {shapeText key.Shape} and value {shapeText value.Shape}."

        for name, t, features in [ "query", query, embedDim; "key", key, kdim; "value", value, vdim ] do
            if not t.Dtype.IsFloatingPoint then
                fail name $"the {name} must be floating-point; got {t.Dtype} {shapeText t.Shape}."

            if t.Shape[t.Dim - 1] <> features then
                let setting =
                    match name with
                    | "query" -> "embedDim"
                    | "key" -> "kdim"
                    | _ -> "vdim"

                fail
                    name
                    $"the {name} {shapeText t.Shape} has {t.Shape[t.Dim - 1]} features (its last dimension); this layer expects {setting} = {features}."

        // sequence first: [L, N, E], [S, N, kdim], [S, N, vdim]
        let seqFirst (t: Tensor) =
            if not batched then Tensor.unsqueeze 1 t
            elif batchFirst then Tensor.transpose 0 1 t
            else t

        let q, k, v = seqFirst query, seqFirst key, seqFirst value
        let l, n, s = q.Shape[0], q.Shape[1], k.Shape[0]

        if k.Shape[1] <> n || v.Shape[1] <> n then
            fail
                "key"
                $"query, key and value must have the same batch size; got query {shapeText query.Shape}, key {shapeText key.Shape} and value {shapeText value.Shape} ({layout})."

        if v.Shape[0] <> s then
            fail
                "value"
                $"key and value must have the same sequence length; got key {shapeText key.Shape} and value {shapeText value.Shape}."

        if l = 0 || s = 0 then
            fail "query" $"the query and key sequences must not be empty; got query {shapeText query.Shape} and key {shapeText key.Shape}."

        let dtype = q.Dtype

        // masks as additive float masks broadcasting to the scores [N, H, L, S]
        let paddingMask =
            keyPaddingMask
            |> Option.map (fun m ->
                let expected = if batched then [| n; s |] else [| s |]
                let form = if batched then "[batch, S]" else "[S]"

                if m.Shape <> expected then
                    fail "keyPaddingMask" $"expected keyPaddingMask of shape {shapeText expected} ({form}); got {shapeText m.Shape}."

                additive "keyPaddingMask" dtype m |> Tensor.reshape [| n; 1; 1; s |])

        let explicitMask =
            attnMask
            |> Option.map (fun m ->
                match m.Dim with
                | 2 when m.Shape = [| l; s |] -> additive "attnMask" dtype m
                | 3 when m.Shape = [| n * numHeads; l; s |] -> additive "attnMask" dtype m |> Tensor.reshape [| n; numHeads; l; s |]
                | _ ->
                    fail
                        "attnMask"
                        $"expected attnMask of shape {shapeText [| l; s |]} ([L, S]) or {shapeText [| n * numHeads; l; s |]} ([batch·numHeads, L, S]); got {shapeText m.Shape}.")

        let causalMask =
            if isCausal && attnMask.IsNone then
                let values =
                    Array.init (l * s) (fun i -> if i % s > i / s then Double.NegativeInfinity else 0.0)

                Some(Tensor.Create(values, dtype, q.Device) |> Tensor.reshape [| l; s |])
            else
                None

        let mask =
            match List.choose id [ explicitMask; causalMask; paddingMask ] with
            | [] -> None
            | m :: rest -> Some(List.fold (+) m rest)

        let (wq, wk, wv), (bq, bk, bv) = projections ()

        // [len, N, E] → [N, H, len, headDim]
        let heads (len: int) (t: Tensor) =
            t
            |> Tensor.reshape [| len; n; numHeads; headDim |]
            |> Tensor.permute [| 1; 2; 0; 3 |]

        let qh = RecurrentMath.affine wq bq q |> heads l
        let kh = RecurrentMath.affine wk bk k |> heads s
        let vh = RecurrentMath.affine wv bv v |> heads s
        let weights = Tensor.attentionWeights mask false qh kh

        let weights =
            if this.IsTraining && dropout > 0.0 then
                Tensor.dropout dropout weights
            else
                weights

        let attended =
            Tensor.matmul weights vh
            |> Tensor.permute [| 2; 0; 1; 3 |]
            |> Tensor.reshape [| l; n; embedDim |]

        let output = outProj.Forward attended

        let output =
            if not batched then Tensor.select 1 0 output
            elif batchFirst then Tensor.transpose 0 1 output
            else output

        let weightsOut =
            if needWeights then
                let w =
                    if averageAttnWeights then
                        Tensor.meanDim 1 weights
                    else
                        weights

                Some(if batched then w else Tensor.select 0 0 w)
            else
                None

        output, weightsOut

    /// Self-attention: the output of Forward(x, x, x) without masks.
    override this.Forward(x: Tensor) =
        fst (this.Forward(x, x, x, needWeights = false))

    override _.ExtraRepr() = ""
