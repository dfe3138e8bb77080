/// Differentiable products beyond matmul: bmm, einsum, tensordot, kron, cross. Shapes and
/// equations are checked here, in F#, so that errors name the op, the equation and the shapes.
module internal Nabla.OpsProducts

open System
open TorchSharp
open Nabla.Raw

// ---------------------------------------------------------------- bmm

/// [B, n, k] @ [B, k, m] with no broadcasting. Rules: dA·B + A·dB; g·Bᵀ and Aᵀ·g.
let rec private bmmChecked (a: Tensor) (b: Tensor) : Tensor =
    Prim.Lift2(
        "bmm",
        (fun a b -> a.bmm b),
        (fun p da -> bmmChecked da p.B),
        (fun p db -> bmmChecked p.A db),
        (fun p g -> bmmChecked g (OpsLinalg.transposeLast p.B)),
        (fun p g -> bmmChecked (OpsLinalg.transposeLast p.A) g),
        a,
        b
    )

/// Batched matrix product (torch.bmm): [B, n, k] @ [B, k, m] → [B, n, m]; the shapes must agree exactly.
let bmm (a: Tensor) (b: Tensor) : Tensor =
    let sa, sb = a.Shape, b.Shape

    if sa.Length <> 3 || sb.Length <> 3 then
        invalidArg
            "a"
            $"bmm: both operands must be 3-D ([batch, n, k] and [batch, k, m]); got shapes {shapeText sa} and {shapeText sb}. Use Tensor.matmul for broadcasting or other ranks."

    if sa[0] <> sb[0] then
        invalidArg
            "b"
            $"bmm: the batch sizes differ: {shapeText sa} has {sa[0]} matrices and {shapeText sb} has {sb[0]} (bmm does not broadcast; use Tensor.matmul)."

    if sa[2] <> sb[1] then
        invalidArg
            "b"
            $"bmm: cannot multiply shapes {shapeText sa} and {shapeText sb}: the last dimension of the first ({sa[2]}) must equal the second dimension of the second ({sb[1]})."

    let ab = Prim.Promote("bmm", [| a; b |])

    if ab[0].Dtype = Dtype.Bool then
        invalidArg
            "a"
            $"bmm: bool tensors cannot be multiplied; convert them to a numeric dtype first (got {shapeText sa} and {shapeText sb} of dtype bool)."

    bmmChecked ab[0] ab[1]

// ---------------------------------------------------------------- einsum

/// Labels are numbers 0..51: 'A'..'Z' are 0..25 and 'a'..'z' are 26..51, so ascending numbers are
/// PyTorch's (ASCII) order for the implicit output.
let private labelCount = 52

let private letterOf (l: int) =
    if l < 26 then
        char (int 'A' + l)
    else
        char (int 'a' + l - 26)

/// An einsum equation with the ellipses replaced by labels of their own: one term per operand
/// (labels may repeat: a diagonal) and the output (distinct labels); the size of every label (as
/// broadcast over the operands).
type EinsumSpec =
    {
        Inputs: int[][]
        Output: int[]
        Sizes: Map<int, int>
    }

    member s.Equation =
        let term (ls: int[]) = String(ls |> Array.map letterOf)
        String.Join(",", s.Inputs |> Array.map term) + "->" + term s.Output

type private Token =
    | Label of int
    | Ellipsis

/// Parses and checks an equation against the operands' shapes (PyTorch's rules: whitespace is
/// ignored, "..." stands for the same broadcast dims in every operand, an implicit output is the
/// ellipsis dims followed by the labels that appear once, in alphabetical order with capitals first).
let parseEinsum (equation: string) (shapes: int[][]) : EinsumSpec =
    if isNull equation then
        raise (ArgumentNullException("equation", "einsum: the equation is null; give one such as \"ij,jk->ik\"."))

    let shapesText = String.Join(", ", shapes |> Array.map shapeText)

    let fail (why: string) : 'a =
        invalidArg "equation" $"einsum: {why} (equation \"{equation}\", operand shapes {shapesText})."

    if shapes.Length = 0 then
        fail "give at least one operand"

    let text =
        String(equation.ToCharArray() |> Array.filter (fun c -> not (Char.IsWhiteSpace c)))

    let lhs, rhs =
        match text.IndexOf "->" with
        | -1 -> text, None
        | i ->
            let rest = text.Substring(i + 2)

            if rest.Contains "->" then
                fail "the equation has more than one \"->\""

            text.Substring(0, i), Some rest

    let tokens (what: string) (term: string) : Token[] =
        let result = ResizeArray()
        let mutable i = 0
        let mutable seenEllipsis = false

        while i < term.Length do
            let c = term[i]

            if c = '.' then
                if i + 2 < term.Length && term[i + 1] = '.' && term[i + 2] = '.' then
                    if seenEllipsis then
                        fail $"{what} has more than one ellipsis \"...\""

                    seenEllipsis <- true
                    result.Add Ellipsis
                    i <- i + 3
                else
                    fail $"{what} has a '.' that is not part of an ellipsis \"...\""
            elif c >= 'A' && c <= 'Z' then
                result.Add(Label(int c - int 'A'))
                i <- i + 1
            elif c >= 'a' && c <= 'z' then
                result.Add(Label(26 + int c - int 'a'))
                i <- i + 1
            else
                fail
                    $"'{c}' in {what} is not a subscript; subscripts are the letters a-z and A-Z, \"...\", ',' between operands and \"->\" before the output"

        result.ToArray()

    let terms = lhs.Split ','

    if terms.Length <> shapes.Length then
        fail $"the equation has {terms.Length} operand term(s) but {shapes.Length} operand(s) were given"

    let inputTokens =
        terms |> Array.mapi (fun k t -> tokens $"operand {k}'s subscripts" t)

    let outputTokens = rhs |> Option.map (tokens "the output")
    // the number of dims each ellipsis stands for
    let ellipsisDims =
        inputTokens
        |> Array.mapi (fun k ts ->
            let labels = ts |> Array.filter (fun t -> t <> Ellipsis) |> Array.length
            let rank = shapes[k].Length

            if Array.contains Ellipsis ts then
                if labels > rank then
                    fail $"operand {k} has {labels} subscripts but only {rank} dimensions"

                rank - labels
            else
                if labels <> rank then
                    fail $"operand {k} has {labels} subscripts but {rank} dimensions (add \"...\" to stand for the extra ones)"

                0)

    let e = Array.max ellipsisDims

    let used =
        Set.ofSeq (
            seq {
                for ts in Array.append inputTokens (Option.toArray outputTokens) do
                    for t in ts do
                        match t with
                        | Label l -> yield l
                        | Ellipsis -> ()
            }
        )

    let free =
        [| 0 .. labelCount - 1 |] |> Array.filter (fun l -> not (used.Contains l))

    if free.Length < e then
        fail $"the ellipsis stands for {e} dimensions, more than the {free.Length} unused letters"

    let ellipsisLabels = free[.. e - 1]

    let expand (ts: Token[]) (dims: int) =
        ts
        |> Array.collect (fun t ->
            match t with
            | Label l -> [| l |]
            | Ellipsis -> ellipsisLabels[e - dims ..])

    let inputs = inputTokens |> Array.mapi (fun k ts -> expand ts ellipsisDims[k])
    // sizes: a label repeated within one operand (a diagonal) must have one size there; across
    // operands sizes must be equal or 1 (broadcast)
    let mutable sizes = Map.empty
    let mutable origin = Map.empty

    for k in 0 .. inputs.Length - 1 do
        let own = Collections.Generic.Dictionary<int, int>()

        inputs[k]
        |> Array.iteri (fun j l ->
            let n = shapes[k][j]

            match own.TryGetValue l with
            | true, m when m <> n ->
                fail $"subscript {letterOf l} is repeated in operand {k} (a diagonal) but its dimensions have sizes {m} and {n}"
            | _ -> own[l] <- n)

        for KeyValue(l, n) in own do
            match Map.tryFind l sizes with
            | None ->
                sizes <- Map.add l n sizes
                origin <- Map.add l k origin
            | Some m when m = n || n = 1 -> ()
            | Some m when m = 1 ->
                sizes <- Map.add l n sizes
                origin <- Map.add l k origin
            | Some m ->
                let what =
                    if Array.contains l ellipsisLabels then
                        "a dimension covered by \"...\""
                    else
                        $"subscript {letterOf l}"

                fail $"{what} has size {m} in operand {origin[l]} and size {n} in operand {k}, which do not broadcast"

    let output =
        match outputTokens with
        | Some ts ->
            let out = expand ts e
            let seen = Collections.Generic.HashSet<int>()

            for l in out do
                if not (seen.Add l) then
                    fail $"the output subscript {letterOf l} appears more than once"

                if not (sizes.ContainsKey l) then
                    fail $"the output subscript {letterOf l} does not appear in any operand"

            out
        | None ->
            let counts = inputs |> Array.collect id |> Array.countBy id |> Map.ofArray

            let once =
                counts
                |> Map.toArray
                |> Array.filter (fun (l, c) -> c = 1 && not (Array.contains l ellipsisLabels))
                |> Array.map fst
                |> Array.sort

            Array.append ellipsisLabels once

    {
        Inputs = inputs
        Output = output
        Sizes = sizes
    }

/// One einsum on checked, promoted operands (the canonical equation has no ellipsis). The JVP is
/// the sum over operands of the einsum with that operand replaced by its tangent. The cotangent of
/// operand i is one einsum of the output's cotangent with the other operands that produces operand
/// i's subscripts: a repeated subscript (a diagonal) gets a fresh label tied to the first by an
/// identity matrix, and a subscript that appears nowhere else (it was summed), or elsewhere only
/// with size 1, by a vector of ones, which broadcasts the cotangent back. Size-1 dims that were broadcast are summed by the lifting.
let rec einsumSpec (spec: EinsumSpec) (xs: Tensor[]) : Tensor =
    let equation = spec.Equation
    let differentiated = xs |> Array.exists (fun x -> x.IsDifferentiated)
    // the constants of each operand's cotangent einsum, made now (a rule may run in a pullback's scope)
    let backward =
        if not differentiated then
            [||]
        else
            let like = xs[0].Raw()

            Array.init xs.Length (fun i ->
                if not xs[i].IsDifferentiated then
                    None
                else
                    // labels whose full (broadcast) size the cotangent einsum gets from another input
                    let elsewhere =
                        Set.ofSeq (
                            seq {
                                yield! spec.Output

                                for k in 0 .. xs.Length - 1 do
                                    if k <> i then
                                        let sk = xs[k].Shape

                                        for j in 0 .. sk.Length - 1 do
                                            if sk[j] = spec.Sizes[spec.Inputs[k][j]] then
                                                yield spec.Inputs[k][j]
                            }
                        )

                    let used =
                        Set.ofSeq (
                            seq {
                                yield! spec.Output

                                for t in spec.Inputs do
                                    yield! t
                            }
                        )

                    let fresh =
                        Collections.Generic.Queue<int>([ 0 .. labelCount - 1 ] |> List.filter (fun l -> not (used.Contains l)))

                    let seen = Collections.Generic.HashSet<int>()
                    let constants = ResizeArray<int[] * Tensor>()
                    let mutable sizes = spec.Sizes
                    let target = Array.copy spec.Inputs[i]

                    for j in 0 .. target.Length - 1 do
                        let l = target[j]
                        let size = spec.Sizes[l]

                        if seen.Add l then
                            if not (elsewhere.Contains l) then
                                constants.Add(
                                    [| l |],
                                    Const(guard1 "einsum" like (fun () -> torch.ones ([| int64 size |], like.dtype, like.device)))
                                )
                        else
                            if fresh.Count = 0 then
                                invalidArg
                                    "equation"
                                    $"einsum: the equation \"{equation}\" uses too many letters to differentiate (a repeated subscript needs a letter of its own)."

                            let f = fresh.Dequeue()
                            sizes <- Map.add f size sizes

                            constants.Add(
                                [| l; f |],
                                Const(guard1 "einsum" like (fun () -> torch.eye (int64 size, int64 size, like.dtype, like.device)))
                            )

                            target[j] <- f

                    Some(target, constants.ToArray(), sizes))

    let jvp (ps: Tensor[]) (_: Tensor) (dxs: Tensor[]) =
        let terms =
            [
                for i in 0 .. ps.Length - 1 do
                    if not (isNull (box dxs[i])) then
                        einsumSpec spec (Array.updateAt i dxs[i] ps)
            ]

        List.reduce (fun s t -> Tensor.Add(s, t)) terms

    let vjp (i: int) (ps: Tensor[]) (_: Tensor) (g: Tensor) =
        let target, constants, sizes = backward[i].Value

        let inputs =
            [|
                yield spec.Output, g
                for k in 0 .. ps.Length - 1 do
                    if k <> i then
                        yield spec.Inputs[k], ps[k]
                yield! constants
            |]

        let backSpec =
            {
                Inputs = inputs |> Array.map fst
                Output = target
                Sizes = sizes
            }

        einsumSpec backSpec (inputs |> Array.map snd)

    Prim.LiftN("einsum", (fun rs -> torch.einsum (equation, rs)), jvp, vjp, xs)

/// Einstein summation (torch.einsum) with PyTorch's equation syntax.
let einsum (equation: string) (operands: Tensor[]) : Tensor =
    if isNull operands then
        raise (ArgumentNullException("operands", "einsum: the operands are null; give an array of tensors."))

    let spec = parseEinsum equation (operands |> Array.map (fun x -> x.Shape))
    let xs = Prim.Promote("einsum", operands)

    if xs[0].Dtype = Dtype.Bool then
        invalidArg "operands" $"einsum: bool tensors cannot be multiplied (equation \"{equation}\"); convert them to a numeric dtype first."

    einsumSpec spec xs

// ---------------------------------------------------------------- tensordot, kron, cross

/// Contracts dims `dimsA` of a with `dimsB` of b (pairwise, sizes equal or 1), as torch.tensordot: the
/// result has a's remaining dims, then b's. An einsum, so its derivatives are einsums.
let tensordotAs (op: string) (dimsA: int[]) (dimsB: int[]) (a: Tensor) (b: Tensor) : Tensor =
    if isNull dimsA || isNull dimsB then
        raise (ArgumentNullException("dims", $"{op}: the lists of dims are null."))

    let sa, sb = a.Shape, b.Shape

    if dimsA.Length <> dimsB.Length then
        invalidArg
            "dimsB"
            $"{op}: the two lists of dims must have the same length; got {shapeText dimsA} for {shapeText sa} and {shapeText dimsB} for {shapeText sb}."

    let da = dimsA |> Array.map (normDim op sa.Length)
    let db = dimsB |> Array.map (normDim op sb.Length)

    if
        (Array.distinct da).Length <> da.Length
        || (Array.distinct db).Length <> db.Length
    then
        invalidArg "dimsA" $"{op}: a dim is listed twice ({shapeText dimsA} for {shapeText sa}, {shapeText dimsB} for {shapeText sb})."

    for k in 0 .. da.Length - 1 do
        // as PyTorch: a contracted dim of size 1 broadcasts (the other side is summed)
        if sa[da[k]] <> sb[db[k]] && sa[da[k]] <> 1 && sb[db[k]] <> 1 then
            invalidArg
                "b"
                $"{op}: contracted dimensions must have the same size, but dim {da[k]} of {shapeText sa} has size {sa[da[k]]} and dim {db[k]} of {shapeText sb} has size {sb[db[k]]}."

    if sa.Length + sb.Length - da.Length > labelCount then
        invalidArg "a" $"{op}: the result would have more than {labelCount} dimensions ({shapeText sa}, {shapeText sb})."
    // a's dims are labels 0 .. ra-1; b's contracted dims take a's labels, its others new ones
    let labelsA = Array.init sa.Length id
    let mutable next = sa.Length

    let labelsB =
        Array.init sb.Length (fun j ->
            match Array.tryFindIndex ((=) j) db with
            | Some k -> da[k]
            | None ->
                next <- next + 1
                next - 1)

    let output =
        Array.append (labelsA |> Array.filter (fun l -> not (Array.contains l da))) (labelsB |> Array.filter (fun l -> l >= sa.Length))

    let sizes =
        Map.ofSeq (
            seq {
                for i in 0 .. sa.Length - 1 do
                    match Array.tryFindIndex ((=) i) da with
                    | Some k -> yield i, max sa[i] sb[db[k]]
                    | None -> yield i, sa[i]

                for j in 0 .. sb.Length - 1 do
                    if labelsB[j] >= sa.Length then
                        yield labelsB[j], sb[j]
            }
        )

    let xs = Prim.Promote(op, [| a; b |])

    if xs[0].Dtype = Dtype.Bool then
        invalidArg "a" $"{op}: bool tensors cannot be multiplied ({shapeText sa}, {shapeText sb}); convert them to a numeric dtype first."

    einsumSpec
        {
            Inputs = [| labelsA; labelsB |]
            Output = output
            Sizes = sizes
        }
        xs

let tensordot (dimsA: int[]) (dimsB: int[]) (a: Tensor) (b: Tensor) : Tensor = tensordotAs "tensordot" dimsA dimsB a b

/// torch.tensordot(a, b, dims=n): the last n dims of a with the first n of b.
let tensordotCount (n: int) (a: Tensor) (b: Tensor) : Tensor =
    let ra, rb = a.Dim, b.Dim

    if n < 0 || n > ra || n > rb then
        raise (
            ArgumentOutOfRangeException(
                "dims",
                $"tensordotN: cannot contract {n} dims of shapes {shapeText a.Shape} and {shapeText b.Shape}; dims must be between 0 and the smaller rank ({min ra rb})."
            )
        )

    tensordotAs "tensordotN" (Array.init n (fun k -> ra - n + k)) (Array.init n id) a b

/// Kronecker product (torch.kron): the ranks are aligned by prepending size-1 dims, and the result
/// has dims aᵢ·bᵢ. A broadcast product of interleaved reshapes, so it differentiates for free.
let kron (a: Tensor) (b: Tensor) : Tensor =
    let ab = Prim.Promote("kron", [| a; b |])
    let a, b = ab[0], ab[1]
    let n = max a.Dim b.Dim

    let pad (s: int[]) =
        Array.append (Array.create (n - s.Length) 1) s

    let sa, sb = pad a.Shape, pad b.Shape

    let a2 =
        OpsShape.reshape (Array.init (2 * n) (fun k -> if k % 2 = 0 then sa[k / 2] else 1)) a

    let b2 =
        OpsShape.reshape (Array.init (2 * n) (fun k -> if k % 2 = 0 then 1 else sb[k / 2])) b

    let product = Tensor.Mul(a2, b2)
    OpsShape.reshape (Array.init n (fun k -> sa[k] * sb[k])) product

/// a × b along `dim` (size 3) with broadcasting (torch.linalg.cross). The product is bilinear:
/// JVP da × b + a × db; cotangents b × g and g × a.
let rec private crossChecked (dim: int) (a: Tensor) (b: Tensor) : Tensor =
    let primal (ra: RawTensor) (rb: RawTensor) =
        // LibTorch versions differ on broadcasting here: expand to the common shape first
        let s = broadcastShapes "cross" (shape ra) (shape rb)
        use ea = ra.expand (longs s)
        use eb = rb.expand (longs s)
        torch.linalg.cross (ea, eb, int64 dim)

    Prim.Lift2(
        "cross",
        primal,
        (fun p da -> crossChecked dim da p.B),
        (fun p db -> crossChecked dim p.A db),
        (fun p g -> crossChecked dim p.B g),
        (fun p g -> crossChecked dim g p.A),
        a,
        b
    )

let cross (dim: int) (a: Tensor) (b: Tensor) : Tensor =
    let sa, sb = a.Shape, b.Shape
    let s = broadcastShapes "cross" sa sb
    let d = normDim "cross" s.Length dim

    let sizeAt (x: int[]) =
        let j = d - (s.Length - x.Length) in if j < 0 then 1 else x[j]

    if sizeAt sa <> 3 || sizeAt sb <> 3 then
        invalidArg "a" $"cross: both inputs must have size 3 along dim {dim}; got shapes {shapeText sa} and {shapeText sb}."

    let ab = Prim.Promote("cross", [| a; b |])

    if ab[0].Dtype = Dtype.Bool then
        invalidArg "a" "cross: bool tensors are not supported; convert them to a numeric dtype first."
    // the dim counted from the end, so that it names the same dim in both (broadcast) inputs
    crossChecked (d - s.Length) ab[0] ab[1]
