/// Random arguments for any parameter type, refined by the parameter's name: tensors of every
/// dtype and of shapes around a base shape shared by the case (rank 0 and zero-size dimensions
/// included), with NaN, infinities and huge values; dims in and out of range; shapes, options,
/// tuples, collections, F# unions and records.
namespace Nabla.Tests.Fuzzing

open System
open System.Collections.Generic
open System.Reflection
open Microsoft.FSharp.Reflection
open Nabla

// ==================================================================== argument generation

/// One generated argument: its value and an F#-like description for reports.
type Arg = { Value: obj; Text: string }

/// A call ready to make: the (instantiated) method and its arguments, the receiver first for an
/// instance method.
type Call = { Method: MethodInfo; Args: Arg[] }

module Generate =

    let chance (rng: System.Random) (p: float) = rng.NextDouble() < p
    let pick (rng: System.Random) (xs: 'a[]) = xs[rng.Next xs.Length]

    /// Values that break arithmetic: NaN, infinities, signed zero, overflow in float16/float32.
    let specialFloats =
        [| nan; infinity; -infinity; 0.0; -0.0; -1.0; 1e30; -1e-30; 1e300; -1e300 |]

    /// Ordinary values of both signs.
    let plainFloats = [| 0.0; 1.0; -1.0; 0.5; 2.0; -2.5; 3.0 |]

    let dtypes: Dtype[] =
        FSharpType.GetUnionCases typeof<Dtype>
        |> Array.filter (fun c -> c.GetFields().Length = 0)
        |> Array.map (fun c -> FSharpValue.MakeUnion(c, [||]) :?> Dtype)

    let floatDtypes = dtypes |> Array.filter (fun d -> d.IsFloatingPoint)

    let normal (rng: System.Random) =
        let u1, u2 = 1.0 - rng.NextDouble(), rng.NextDouble()
        sqrt (-2.0 * log u1) * cos (2.0 * Math.PI * u2)

    let fmt (x: float) =
        x.ToString("G4", Globalization.CultureInfo.InvariantCulture)

    let arrayText (xs: int[]) = "[|" + String.Join("; ", xs) + "|]"

    /// Rank 0 to 4, each dimension 0 to 4 (zero about one time in eight).
    let randomShape (rng: System.Random) =
        Array.init (rng.Next 5) (fun _ -> if chance rng 0.12 then 0 else rng.Next(1, 5))

    /// What one case's arguments have in common, so that ops needing agreeing shapes and dtypes
    /// (add, matmul, conv, cat, ...) also get inputs they accept.
    type Case =
        {
            Rng: System.Random
            Fn: string
            Base: int[]
            BaseDtype: Dtype
            /// Shapes by parameter name from Hints.shapes, in the cases that use them.
            Fitting: Map<string, int[]>
        }

    let newCase (rng: System.Random) (fn: string) =
        let dtype =
            if chance rng 0.6 then
                pick rng floatDtypes
            else
                pick rng dtypes

        let fitting =
            match Hints.shapes.TryGetValue fn with
            | true, make when chance rng 0.5 -> make (fun () -> if chance rng 0.05 then 0 else rng.Next(1, 4)) |> Map.ofList
            | _ -> Map.empty

        {
            Rng = rng
            Fn = fn
            Base = randomShape rng
            BaseDtype = dtype
            Fitting = fitting
        }

    /// A shape related to the case's base shape: the same (most ops succeed), a broadcastable
    /// suffix, reversed (matmul partners), its first or last dimension alone (biases), or random.
    let shapeLike (c: Case) =
        let rng, b = c.Rng, c.Base

        match rng.Next 20 with
        | n when n < 9 -> b
        | n when n < 12 ->
            let keep = rng.Next(b.Length + 1)

            b
            |> Array.skip (b.Length - keep)
            |> Array.map (fun d -> if chance rng 0.3 then 1 else d)
        | 12
        | 13 -> Array.rev b
        | 14 -> if b.Length > 0 then [| b[b.Length - 1] |] else [||]
        | 15 -> if b.Length > 0 then [| b[0] |] else [||]
        | _ -> randomShape rng

    /// Values for a tensor of this dtype: floats sometimes sprinkled with NaN, ±inf, 0, -0, huge;
    /// integers small, negative ones included (except for uint8); booleans as 0/1.
    let tensorValues (rng: System.Random) (dtype: Dtype) (n: int) =
        if dtype.IsFloatingPoint then
            let special = chance rng 0.5

            Array.init n (fun _ ->
                if special && chance rng 0.3 then
                    pick rng specialFloats
                else
                    Math.Round(2.0 * normal rng, 3))
        elif dtype = Dtype.Bool then
            Array.init n (fun _ -> float (rng.Next 2))
        elif dtype = Dtype.UInt8 then
            Array.init n (fun _ -> float (rng.Next 6))
        else
            Array.init n (fun _ -> float (rng.Next(-3, 6)))

    /// A tensor built with the public API (float64 values, reshaped, converted). If this throws,
    /// it is a harness bug, reported as such.
    let tensorOf (values: float[]) (shape: int[]) (dtype: Dtype) =
        Tensor.ofArray values |> Tensor.reshape shape |> Tensor.toDtype dtype

    let tensorText (dtype: Dtype) (shape: int[]) (values: float[]) =
        let body =
            if values.Length = 0 then
                ""
            elif values.Length <= 4 then
                "=" + String.Join(",", values |> Array.map fmt)
            else
                let notes =
                    [
                        if Array.exists Double.IsNaN values then
                            "nan"
                        if Array.exists Double.IsInfinity values then
                            "inf"
                    ]

                if notes.IsEmpty then
                    ""
                else
                    "{" + String.Join(",", notes) + "}"

        $"""{dtype.Name}[{String.Join(",", shape)}]{body}"""

    /// A parameter that holds positions (gather's and indexSelect's `index`).
    let isIndexName (name: string) =
        let n = name.ToLowerInvariant() in n.Contains "index" || n.Contains "indices"

    /// A parameter that holds a condition (where's `cond`).
    let isMaskName (name: string) =
        let n = name.ToLowerInvariant() in n.StartsWith "cond" || n.Contains "mask"

    /// The shape and dtype of a tensor for a parameter: index tensors are mostly int64, conditions
    /// mostly bool, others mostly the case's base shape and dtype.
    let tensorKind (c: Case) (name: string) : int[] * Dtype =
        let rng = c.Rng
        let isIndex, isMask = isIndexName name, isMaskName name
        let fitting = c.Fitting.TryFind name

        let shape =
            match fitting with
            | Some s -> s
            | None ->
                if isIndex && chance rng 0.3 then
                    [| rng.Next 5 |]
                else
                    shapeLike c

        let dtype =
            if fitting.IsSome then c.BaseDtype
            elif isIndex && chance rng 0.75 then Dtype.Int64
            elif isMask && chance rng 0.75 then Dtype.Bool
            elif chance rng 0.6 then c.BaseDtype
            else pick rng dtypes

        shape, dtype

    /// A tensor of this shape and dtype; one in fifty is already disposed (its error must still
    /// name the op).
    let tensorWith (c: Case) (name: string) (shape: int[]) (dtype: Dtype) : Arg =
        let rng = c.Rng
        let n = Array.fold (*) 1 shape

        let values =
            if isIndexName name then
                Array.init n (fun _ -> float (rng.Next(-2, 5))) // in range and out, negative too
            else
                tensorValues rng dtype n

        let t = tensorOf values shape dtype

        if chance rng 0.02 then
            Tensor.dispose t

            {
                Value = box t
                Text = "<disposed " + tensorText dtype shape [||] + ">"
            }
        else
            {
                Value = box t
                Text = tensorText dtype shape values
            }

    let tensor (c: Case) (name: string) : Arg =
        let shape, dtype = tensorKind c name
        tensorWith c name shape dtype

    let anInt (c: Case) (kind: IntKind) : int =
        let rng = c.Rng
        let rank = c.Base.Length

        match kind with
        | Dim ->
            if chance rng 0.75 then
                rng.Next(-rank - 1, rank + 1)
            else
                pick rng [| 5; -7; Int32.MaxValue; Int32.MinValue |]
        | Size ->
            if chance rng 0.7 then rng.Next 5
            elif chance rng 0.5 then pick rng [| -1; -3 |]
            else rng.Next(5, 9)
        | Index ->
            if chance rng 0.7 then
                rng.Next(-4, 5)
            else
                pick rng [| 5; -7; 100; Int32.MaxValue; Int32.MinValue |]
        | Shape
        | Plain -> rng.Next(-7, 9)

    /// An int[] for a parameter of this kind.
    let someInts (c: Case) (kind: IntKind) : int[] =
        let rng, b = c.Rng, c.Base
        let rank = b.Length

        match kind with
        | Shape ->
            match rng.Next 10 with
            | 0
            | 1
            | 2 -> b
            | 3
            | 4 when rank > 0 -> Array.updateAt (rng.Next rank) (-1) b // one inferred dimension
            | 5 -> [| Array.fold (*) 1 b |]
            | 6 -> Array.append [| rng.Next 4 |] (b |> Array.map (fun d -> if d = 1 then 3 else d)) // expand targets
            | 7 -> Array.init (rng.Next 4) (fun _ -> pick rng [| -1; -2; 2; 0 |]) // two -1, negative sizes
            | _ -> randomShape rng
        | Dim ->
            let perm = Array.init rank id |> Array.sortBy (fun _ -> rng.Next())

            match rng.Next 10 with
            | 0
            | 1
            | 2 -> perm
            | 3
            | 4 ->
                perm
                |> Array.truncate (rng.Next(rank + 1))
                |> Array.map (fun d -> if chance rng 0.3 then d - rank else d)
            | 5 -> [||]
            | 6 when rank > 0 -> let d = rng.Next rank in [| d; d |] // duplicates
            | 7 when rank > 0 -> [| rng.Next rank; -rank + rng.Next rank |] // the same dim twice, once negative
            | _ -> Array.init (rng.Next 4) (fun _ -> anInt c Dim)
        | Size ->
            if rank > 0 && chance rng 0.4 then
                // a partition of one dimension (split's sizes), sometimes off by one
                let total = b[rng.Next rank] + (if chance rng 0.15 then 1 else 0)
                let parts = ResizeArray()
                let mutable left = total

                while left > 0 do
                    let p = rng.Next(1, left + 1)
                    parts.Add p
                    left <- left - p

                if parts.Count = 0 || chance rng 0.2 then
                    parts.Add 0

                parts.ToArray()
            else
                Array.init (rng.Next 4) (fun _ -> if chance rng 0.85 then rng.Next 4 else -1)
        | Index
        | Plain -> Array.init (rng.Next 5) (fun _ -> rng.Next(-2, 6))

    let aFloat (c: Case) (name: string) : float =
        let rng = c.Rng

        if name = "p" then
            pick rng [| 0.0; 0.5; 1.0; 0.2; -0.1; 1.5; nan |] // probabilities
        elif chance rng 0.65 then
            pick rng plainFloats
        else
            pick rng specialFloats

    /// Nested data for `Tensor.create` and other `obj` parameters: numbers, arrays of every
    /// supported element type, 2-D and jagged arrays, lists of lists (some ragged), empty data,
    /// and things that are not data at all (null, a string, a decimal, a tensor, mixed types).
    let data (c: Case) : obj * string =
        let rng = c.Rng

        let floats n =
            Array.init n (fun _ ->
                if chance rng 0.2 then
                    pick rng specialFloats
                else
                    Math.Round(normal rng, 2))

        match rng.Next 17 with
        | 0 -> let x = aFloat c "data" in box x, fmt x
        | 1 -> let i = rng.Next(-5, 6) in box i, string i
        | 2 -> let xs = floats (rng.Next 5) in box xs, sprintf "%A" xs
        | 3 -> let xs = floats (rng.Next 5) |> Array.map float32 in box xs, sprintf "%A" xs
        | 4 -> let xs = Array.init (rng.Next 5) (fun _ -> int64 (rng.Next(-3, 4))) in box xs, sprintf "%A" xs
        | 5 -> let xs = Array.init (rng.Next 5) (fun _ -> rng.Next 2 = 1) in box xs, sprintf "%A" xs
        | 6 ->
            let xs =
                Array2D.init (rng.Next 4) (rng.Next 4) (fun _ _ -> Math.Round(normal rng, 2)) in

            box xs, sprintf "float[%d,%d]" (Array2D.length1 xs) (Array2D.length2 xs)
        | 7 -> let xs = [ for _ in 1 .. rng.Next 4 -> [ for _ in 1 .. rng.Next(1, 4) -> 1.0 ] ] in box xs, sprintf "%A" xs // ragged or not
        | 8 -> let xs = Array.init (rng.Next 3) (fun _ -> floats 2) in box xs, "float[][] (2 each)"
        | 9 -> box "text", "\"text\""
        | 10 -> null, "null"
        | 11 -> box [| box 1; box 2.0 |], "[|box 1; box 2.0|]"
        | 12 -> box [ Array.empty<float>; Array.empty<float> ], "[ [||]; [||] ] (empty rows)"
        | 13 -> box 1.5m, "1.5m"
        | 14 -> box [| 'a'; 'b' |], "[|'a'; 'b'|]"
        | 15 -> let t = tensor c "data" in t.Value, "a tensor " + t.Text
        | _ -> let xs = Array.init (rng.Next 4) (fun _ -> byte (rng.Next 256)) in box xs, sprintf "%A" xs

    /// Element types for generic methods: the supported ones, and char, which is not.
    let genericChoices =
        [|
            typeof<float>
            typeof<float32>
            typeof<int>
            typeof<int64>
            typeof<bool>
            typeof<byte>
            typeof<char>
        |]

    /// A value of a generic method's element type.
    let element (c: Case) (t: Type) : obj =
        let rng = c.Rng

        if t = typeof<float> then
            box (aFloat c "")
        elif t = typeof<float32> then
            box (float32 (aFloat c ""))
        elif t = typeof<int> then
            box (pick rng [| -2; 0; 1; 3; Int32.MaxValue |])
        elif t = typeof<int64> then
            box (pick rng [| -2L; 0L; 1L; 3L; Int64.MinValue |])
        elif t = typeof<bool> then
            box (rng.Next 2 = 1)
        elif t = typeof<byte> then
            box (byte (rng.Next 256))
        elif t = typeof<char> then
            box 'x'
        else
            null

    let private listModule =
        typeof<list<int>>.Assembly.GetType "Microsoft.FSharp.Collections.ListModule"

    let typedArray (elem: Type) (items: obj[]) =
        let a = Array.CreateInstance(elem, items.Length)
        items |> Array.iteri (fun i x -> a.SetValue(x, i))
        a

    let fsList (elem: Type) (items: obj[]) =
        listModule.GetMethod("OfArray").MakeGenericMethod(elem).Invoke(null, [| box (typedArray elem items) |])

    let some (optionType: Type) (v: obj) =
        FSharpValue.MakeUnion(FSharpType.GetUnionCases(optionType)[1], [| v |])

    /// Several tensors, mostly of one shape and dtype (cat and stack accept those), sometimes
    /// none, sometimes disagreeing.
    let tensors (c: Case) (name: string) : Arg[] =
        let n = if chance c.Rng 0.1 then 0 else c.Rng.Next(1, 5)
        let shape, dtype = tensorKind c name
        let agree = chance c.Rng 0.7

        Array.init n (fun _ ->
            if agree then
                tensorWith c name shape dtype
            else
                tensor c name)

    /// An argument of any type, by type first and parameter name second. Unknown F# unions,
    /// records and enums are built generically; None means "no generator" (the function is skipped).
    let rec value (c: Case) (name: string) (t: Type) : Arg option =
        let rng = c.Rng
        let kind () = Hints.intKind c.Fn name
        let arg (v: obj) (text: string) = Some { Value = v; Text = text }

        if t = typeof<Tensor> then
            Some(tensor c name)
        elif t = typeof<int> then
            let i = anInt c (kind ()) in arg (box i) (string i)
        elif t = typeof<int64> then
            let i = int64 (anInt c (kind ())) in arg (box i) (string i + "L")
        elif t = typeof<float> then
            let x = aFloat c name in arg (box x) (fmt x)
        elif t = typeof<float32> then
            let x = float32 (aFloat c name) in arg (box x) (fmt (double x) + "f")
        elif t = typeof<bool> then
            let b = rng.Next 2 = 1 in arg (box b) (if b then "true" else "false")
        elif t = typeof<string> then
            arg (box "x") "\"x\""
        elif t = typeof<unit> then
            arg null "()"
        elif t = typeof<obj> then
            let v, text = data c in arg v text
        elif t = typeof<int[]> then
            let xs = someInts c (kind ()) in arg (box xs) (arrayText xs)
        elif t = typeof<Dtype> then
            let d = pick rng dtypes in arg (box d) ("Dtype." + string (FSharpValue.GetUnionFields(d, typeof<Dtype>) |> fst).Name)
        elif t = typeof<Device> then
            // the CPU almost always; CUDA for its error path (this build has none)
            if chance rng 0.9 then
                arg (box Device.Cpu) "Device.Cpu"
            else
                arg (box (Device.Cuda 0)) "Device.Cuda 0"
        elif t = typeof<Generator> then
            let s = rng.Next 100 in arg (box (Nabla.Random.generator s)) $"Random.generator {s}"
        elif t = typeof<Tensor[]> || t = typeof<seq<Tensor>> then
            let xs = tensors c name
            arg (box (xs |> Array.map (fun a -> a.Value :?> Tensor))) ("[|" + String.Join("; ", xs |> Array.map (fun a -> a.Text)) + "|]")
        elif t = typeof<list<Tensor>> then
            let xs = tensors c name
            arg (box [ for a in xs -> a.Value :?> Tensor ]) ("[" + String.Join("; ", xs |> Array.map (fun a -> a.Text)) + "]")
        elif t.IsArray && t.GetArrayRank() = 2 then
            let elem = t.GetElementType()
            let rows, cols = rng.Next 4, rng.Next 4
            let a = Array.CreateInstance(elem, rows, cols)

            let items =
                [|
                    for i in 0 .. rows - 1 do
                        for j in 0 .. cols - 1 -> i, j
                |]

            let mutable ok = true

            for i, j in items do
                match value c name elem with
                | Some v -> a.SetValue(v.Value, i, j)
                | None -> ok <- false

            if ok then
                arg (box a) $"Array2D ({Discovery.typeName elem}) {rows}x{cols}"
            else
                None
        elif
            t.IsArray
            || (t.IsGenericType
                && (t.GetGenericTypeDefinition() = typedefof<seq<_>>
                    || t.GetGenericTypeDefinition() = typedefof<list<_>>))
        then
            let elem =
                if t.IsArray then
                    t.GetElementType()
                else
                    t.GetGenericArguments()[0]

            let items =
                Array.init (if chance rng 0.1 then 0 else rng.Next(1, 5)) (fun _ -> value c name elem)

            if items |> Array.exists Option.isNone then
                None
            else
                let items = items |> Array.map Option.get
                let values = items |> Array.map (fun a -> a.Value)
                let text = String.Join("; ", items |> Array.map (fun a -> a.Text))

                if t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<list<_>> then
                    arg (fsList elem values) ("[" + text + "]")
                else
                    arg (box (typedArray elem values)) ("[|" + text + "|]")
        elif t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<option<_>> then
            if chance rng 0.5 then
                arg null "None"
            else
                value c name (t.GetGenericArguments()[0])
                |> Option.map (fun v ->
                    {
                        Value = some t v.Value
                        Text = $"Some({v.Text})"
                    })
        elif FSharpType.IsTuple t then
            let parts = FSharpType.GetTupleElements t |> Array.map (value c name)

            if parts |> Array.exists Option.isNone then
                None
            else
                let parts = parts |> Array.map Option.get

                arg
                    (FSharpValue.MakeTuple(parts |> Array.map (fun p -> p.Value), t))
                    ("(" + String.Join(", ", parts |> Array.map (fun p -> p.Text)) + ")")
        elif t.IsEnum then
            let vs = Enum.GetValues t
            let v = vs.GetValue(rng.Next vs.Length)
            arg v (string v)
        elif FSharpType.IsUnion t then
            let case = pick rng (FSharpType.GetUnionCases t)
            let fields = case.GetFields() |> Array.map (fun f -> value c f.Name f.PropertyType)

            if fields |> Array.exists Option.isNone then
                None
            else
                let fields = fields |> Array.map Option.get

                arg
                    (FSharpValue.MakeUnion(case, fields |> Array.map (fun f -> f.Value)))
                    (case.Name + " " + String.Join(" ", fields |> Array.map (fun f -> f.Text)))
        elif FSharpType.IsRecord t then
            let fields =
                FSharpType.GetRecordFields t
                |> Array.map (fun f -> value c f.Name f.PropertyType)

            if fields |> Array.exists Option.isNone then
                None
            else
                let fields = fields |> Array.map Option.get

                arg
                    (FSharpValue.MakeRecord(t, fields |> Array.map (fun f -> f.Value)))
                    ("{" + String.Join("; ", fields |> Array.map (fun f -> f.Text)) + "}")
        elif t.IsGenericParameter then
            None
        else
            // last resort for types a new function may bring: element values
            match element c t with
            | null -> None
            | v -> arg v (string v)

    /// The method to call: a generic one instantiated with element types drawn for this case.
    let instantiate (c: Case) (m: MethodInfo) =
        if not m.IsGenericMethodDefinition then
            m
        else
            let n = m.GetGenericArguments().Length
            // constraints may reject a choice: try a few draws, then the plainest
            let attempt () =
                try
                    Some(m.MakeGenericMethod(Array.init n (fun _ -> pick c.Rng genericChoices)))
                with :? ArgumentException ->
                    None

            match Seq.init 5 (fun _ -> attempt ()) |> Seq.tryPick id with
            | Some g -> g
            | None -> m.MakeGenericMethod(Array.create n typeof<float>)

    /// The arguments of one call, or the type no generator exists for.
    let call (c: Case) (target: Target) : Result<Call, string> =
        let m = instantiate c target.Method
        let ps = Discovery.parameters { target with Method = m }
        let args = ps |> Array.map (fun (name, ty) -> name, ty, value c name ty)

        match args |> Array.tryFind (fun (_, _, a) -> a.IsNone) with
        | Some(name, ty, _) -> Error $"no generator for parameter '{name}' of type {Discovery.typeName ty}"
        | None ->
            Result.Ok
                {
                    Method = m
                    Args = args |> Array.map (fun (_, _, a) -> a.Value)
                }
