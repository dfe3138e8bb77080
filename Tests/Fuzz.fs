/// Fuzzing every public Tensor function: random shapes (rank 0 and zero-size dimensions
/// included), every dtype, out-of-range dimensions, NaN and infinities, and the gradient (and
/// some JVPs) of every function that maps tensors to a tensor. Nothing may crash, and every error
/// must be one of ours: a .NET argument/operation exception whose message names the op, never a
/// raw LibTorch message, never IndexOutOfRange or NullReference.
///
/// The calls run in child processes (`--child-fuzz`), a chunk of functions each, so that a native
/// crash (LibTorch's `terminate called after throwing an instance of 'c10::Error'`) fails one test
/// instead of killing the test run. The child prints every call before making it, so the last line
/// before a crash names the function and the arguments.
///
/// Functions are found by reflection, so a new public function is fuzzed without any change here:
/// arguments are generated from each parameter's type, refined by its name (`dim`, `shape`,
/// `index`, ...). The small `Hints` module only adds knowledge; no function needs an entry.
module Nabla.Tests.Fuzz

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.Reflection
open System.Text.RegularExpressions
open Microsoft.FSharp.Reflection
open Expecto
open Nabla

// ==================================================================== settings

/// The knobs, read from environment variables so that a longer or different run needs no rebuild.
module Settings =
    let private env (name: string) (fallback: int) =
        match Environment.GetEnvironmentVariable name with
        | null | "" -> fallback
        | s -> int s

    /// Random cases per function (each case is one call, plus a gradient or JVP where it applies).
    let cases () = env "NABLA_FUZZ_CASES" 200
    /// The seed every case's random numbers derive from.
    let seed () = env "NABLA_FUZZ_SEED" 1
    /// Functions per child process (and per test).
    let chunkSize () = env "NABLA_FUZZ_CHUNK" 16
    /// A child that runs longer than this is killed and reported as hanging.
    let timeoutSeconds () = env "NABLA_FUZZ_TIMEOUT" 150
    /// When set, each chunk's full report is also written to this folder.
    let reportFolder () = Environment.GetEnvironmentVariable "NABLA_FUZZ_REPORT"

// ==================================================================== per-function hints

/// What an integer (or integer array) parameter means, which decides the values worth trying.
type IntKind =
    /// a dimension: in range, one past either end, and far out (5, -7, Int32.MinValue/MaxValue)
    | Dim
    /// a size or count: mostly small and non-negative, some negative, never huge (it allocates)
    | Size
    /// a position: in range, negative, far out (it does not allocate)
    | Index
    /// a shape: the case's base shape or a variant of it (-1 entries, negative, random)
    | Shape
    /// nothing known: small values of either sign
    | Plain

/// Optional knowledge about particular functions. Nothing is required here: a function without an
/// entry is fuzzed from its parameter types and names.
module Hints =

    /// Other names under which an op's errors may name it: the operator's op, or the primitive an
    /// indexer is built on.
    let aliases : IDictionary<string, string list> =
        dict [
            "op_Addition", [ "add" ]
            "op_Subtraction", [ "sub" ]
            "op_Multiply", [ "mul" ]
            "op_Division", [ "div" ]
            "op_UnaryNegation", [ "neg" ]
            "Ceiling", [ "ceil" ]
            "Truncate", [ "trunc" ]
            "get_Item", [ "select" ]
            "GetSlice", [ "narrow"; "select" ]
        ]

    /// Integer parameters whose name does not tell their role: (function, parameter) → kind.
    let intKinds : IDictionary<string * string, IntKind> =
        dict [
            ("tril", "k"), Index // a diagonal offset: any value is valid
            ("triu", "k"), Index
            ("eye", "n"), Size
            ("Eye", "n"), Size
        ]

    /// Shapes that fit together, for ops whose operands relate in ways a common base shape does
    /// not give (a weight [out, in] against an input [n, in]): parameter name → shape, from a
    /// source of dimension sizes. Half of such a function's cases use them, so that the valid path
    /// (and its gradient) is reached; without an entry, shapes are random around a base shape.
    let shapes : IDictionary<string, (unit -> int) -> (string * int[]) list> =
        let linear (d: unit -> int) = let n, i, o = d (), d (), d () in [ "x", [| n; i |]; "weight", [| o; i |]; "bias", [| o |] ]
        let conv2d (d: unit -> int) =
            let n, c, o, h, w = d (), d (), d (), d () + 1, d () + 1
            let k = Operators.min h w |> Operators.min (d ())
            [ "x", [| n; c; h; w |]; "weight", [| o; c; k; k |]; "bias", [| o |] ]
        let conv1d (d: unit -> int) =
            let n, c, o, l = d (), d (), d (), d () + 1
            [ "x", [| n; c; l |]; "weight", [| o; c; Operators.min l (d ()) |]; "bias", [| o |] ]
        let pool (d: unit -> int) = [ "x", [| d (); d (); d () + 2; d () + 2 |] ]
        let matmul (d: unit -> int) = let b, n, k, m = d (), d (), d (), d () in [ "a", [| b; n; k |]; "b", [| k; m |] ]
        let vectors (d: unit -> int) = let n = d () in [ "a", [| n |]; "b", [| n |] ]
        dict [
            "linear", linear; "linearNoBias", linear
            "conv2d", conv2d; "Conv2d", conv2d; "conv1d", conv1d; "Conv1d", conv1d
            "maxPool2d", pool; "avgPool2d", pool; "MaxPool2d", pool; "AvgPool2d", pool
            "matmul", matmul; "dot", vectors; "outer", vectors
        ]

    /// The kind of an integer parameter from its name, unless the table above says otherwise.
    let intKind (fn: string) (parameter: string) =
        match intKinds.TryGetValue((fn, parameter)) with
        | true, k -> k
        | _ ->
            match parameter.ToLowerInvariant() with
            | "dim" | "dims" | "dim0" | "dim1" | "perm" | "axis" | "axes" -> Dim
            | "shape" -> Shape
            | "n" | "steps" | "kernel" | "chunks" | "length" | "size" | "sizes" | "groups" | "stride"
            | "padding" | "dilation" | "pads" | "count" | "repeats" -> Size
            | "index" | "start" | "i" | "j" | "k" | "offset" -> Index
            | p when p.Length = 2 && (p[0] = 'i' || p[0] = 's' || p[0] = 'e') && Char.IsDigit p[1] -> Index // slicing bounds
            | _ -> Plain

// ==================================================================== discovery

/// A public function under test.
type Target =
    { /// How reports name it: `Tensor.add`, `Tensor.Zeros`, `Tensor.op_Addition(Tensor, float)`, `x.ToScalar`
      Name: string
      /// The name its errors should use, before normalising: `add`, `Zeros`, `op_Addition`, `ToScalar`
      Op: string
      Method: MethodInfo
      /// An instance method: the first generated argument is the receiver.
      IsInstance: bool }

module Discovery =

    /// A readable name for a parameter type, used in reports and overload names.
    let rec typeName (t: Type) : string =
        if t = typeof<float> then "float"
        elif t = typeof<float32> then "float32"
        elif t = typeof<int> then "int"
        elif t = typeof<int64> then "int64"
        elif t = typeof<bool> then "bool"
        elif t = typeof<obj> then "obj"
        elif t.IsArray then typeName (t.GetElementType()) + (if t.GetArrayRank() = 1 then "[]" else "[,]")
        elif t.IsGenericParameter then "'" + t.Name
        elif FSharpType.IsTuple t then "(" + String.Join(" * ", FSharpType.GetTupleElements t |> Array.map typeName) + ")"
        elif t.IsGenericType then
            let args = t.GetGenericArguments() |> Array.map typeName
            let def = t.GetGenericTypeDefinition()
            if def = typedefof<option<_>> then args[0] + " option"
            elif def = typedefof<list<_>> then args[0] + " list"
            elif def = typedefof<seq<_>> then args[0] + " seq"
            else t.Name.Split('`')[0] + "<" + String.Join(", ", args) + ">"
        else t.Name

    let private publicStatic = BindingFlags.Public ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly

    /// Members every .NET type has, or that F# generates: not part of the Tensor API.
    let private isPlumbing (m: MethodInfo) =
        m.DeclaringType = typeof<obj>
        || List.contains m.Name [ "Equals"; "GetHashCode"; "GetType"; "CompareTo"; "get_Tag" ]

    /// Every public function of the Tensor API, in a fixed order (children are told indices into it):
    /// the `Tensor` module (compiled as Nabla.TensorModule), the static and instance members of the
    /// Tensor type, and the members that other modules add to Tensor (F# extensions, compiled as
    /// static methods named `Tensor.Name` or `Tensor.Name.Static`, the receiver first).
    let targets () : Target[] =
        let asm = typeof<Tensor>.Assembly
        let moduleType = asm.GetType "Nabla.TensorModule"
        if isNull moduleType then failwith "fuzz: Nabla.TensorModule (the Tensor module) is not in the Nabla assembly"
        let fromModule =
            moduleType.GetMethods publicStatic
            |> Array.map (fun m -> "Tensor." + m.Name, m.Name, m, false)
        let fromType =
            typeof<Tensor>.GetMethods(publicStatic ||| BindingFlags.Instance)
            |> Array.filter (not << isPlumbing)
            |> Array.map (fun m -> (if m.IsStatic then "Tensor." else "x.") + m.Name, m.Name, m, not m.IsStatic)
        let extensions =
            asm.GetExportedTypes()
            |> Array.filter (fun t -> t <> moduleType && FSharpType.IsModule t)
            |> Array.collect (fun t -> t.GetMethods publicStatic)
            |> Array.filter (fun m -> m.Name.StartsWith "Tensor.")
            |> Array.map (fun m ->
                let name = m.Name.Substring("Tensor.".Length)
                let isStatic = name.EndsWith ".Static"
                let op = if isStatic then name.Substring(0, name.Length - ".Static".Length) else name
                (if isStatic then "Tensor." else "x.") + op, op, m, not isStatic)
        let all = Array.concat [ fromModule; fromType; extensions ]
        let overloaded = all |> Array.countBy (fun (n, _, _, _) -> n) |> Array.filter (fun (_, c) -> c > 1) |> Array.map fst |> set
        all
        |> Array.map (fun (name, op, m, inst) ->
            let signature = String.Join(", ", m.GetParameters() |> Array.skip (if inst && m.IsStatic then 1 else 0) |> Array.map (fun p -> typeName p.ParameterType))
            let name = if overloaded.Contains name then $"{name}({signature})" else name
            { Name = name; Op = op; Method = m; IsInstance = inst })
        |> Array.sortBy (fun t -> t.Name)
        |> Array.distinctBy (fun t -> t.Name)

    /// The parameters to generate, the receiver of an instance method first.
    let parameters (t: Target) : (string * Type)[] =
        let ps = t.Method.GetParameters() |> Array.map (fun p -> p.Name, p.ParameterType)
        if t.IsInstance && not t.Method.IsStatic then Array.append [| "x", t.Method.DeclaringType |] ps else ps

    /// Why a function cannot be fuzzed (it takes a function: a random closure would test the
    /// closure, not the op), or None.
    let skipReason (t: Target) =
        let rec hasFunction (ty: Type) =
            FSharpType.IsFunction ty || typeof<Delegate>.IsAssignableFrom ty
            || (ty.IsArray && hasFunction (ty.GetElementType()))
            || (ty.IsGenericType && ty.GetGenericArguments() |> Array.exists hasFunction)
        parameters t
        |> Array.tryFind (fun (_, ty) -> hasFunction ty)
        |> Option.map (fun (name, ty) -> $"parameter '{name}' is a function ({typeName ty}); not fuzzed")

// ==================================================================== verdicts

/// What one call did.
type Verdict =
    | Ok
    /// a clean error of ours
    | Ours
    /// anything else: the reason, the exception type and the first line of its message
    | Bad of reason: string * exnType: string * message: string

module Classify =

    /// Exception types that Nabla raises on bad input (subclasses included: ArgumentOutOfRange,
    /// ObjectDisposed, ...). Everything else is a finding: IndexOutOfRange, NullReference,
    /// KeyNotFound, InvalidCast, Format, raw ExternalException, plain Exception (failwith), ...
    let ourTypes = [ typeof<ArgumentException>; typeof<InvalidOperationException>; typeof<NotSupportedException> ]

    /// LibTorch's raw text: a C++ stack or source location must never reach a user. (Type names
    /// such as c10::Half may appear in LibTorch's one-line explanation, which Nabla passes on.)
    let rawMarkers = [ "Exception raised from"; "c10::Error"; ".cpp:"; "frame #"; "(most recent call first)" ]

    /// Variant suffixes of a function's name: `sumDim` may report as `sum`, `ofArray2D` as
    /// `ofArray`, `clampMin` as `clamp`.
    let variantSuffixes = [ "dim"; "dims"; "like"; "with"; "nobias"; "tensor"; "2d"; "all"; "min"; "max" ]

    /// The names an error of this op may use, lower case: the op, without a `get_` prefix, its
    /// aliases, and the transform's own name (`grad`, `jvp`) when the call ran under one.
    let acceptedNames (op: string) (transform: string option) =
        let op' = if op.StartsWith "get_" then op.Substring 4 else op
        let aliases = match Hints.aliases.TryGetValue op with | true, a -> a | _ -> []
        [ op; op' ] @ aliases @ Option.toList transform |> List.map (fun s -> s.ToLowerInvariant()) |> List.distinct

    /// Words followed by a colon (optionally with a parenthesised part, as in `toDtype(float16):`
    /// or `matmul (batch dimensions):`),
    /// the last dotted segment only: `Tensor.create:` gives `create`, `AD.grad:` gives `grad`.
    let private opToken = Regex(@"([A-Za-z_][A-Za-z0-9_.]*)(\s?\([^()]*\))?:(\s|$)", RegexOptions.Compiled)

    /// The rule: some word of the message followed by ':' is the op's name, or its name without a
    /// variant suffix (see variantSuffixes), or one of its aliases.
    let namesOp (accepted: string list) (message: string) =
        opToken.Matches message
        |> Seq.map (fun m -> let w = m.Groups[1].Value in w.Substring(w.LastIndexOf '.' + 1).ToLowerInvariant())
        |> Seq.exists (fun token ->
            accepted |> List.exists (fun name ->
                token = name
                || (token.Length > 0 && name.StartsWith token && List.contains (name.Substring token.Length) variantSuffixes)))

    let firstLine (s: string) =
        match s with
        | null -> ""
        | s -> (s.Split('\n')[0]).Trim()

    /// The reasons a case is bad.
    let foreignType = "not one of our exception types"
    let rawText = "raw LibTorch text in the message"
    let noName = "the message does not name the op"

    /// The verdict on an exception raised by op (under a transform, when given).
    let verdict (op: string) (transform: string option) (e: exn) : Verdict =
        let typeName = e.GetType().FullName
        let message = if isNull e.Message then "" else e.Message
        if not (ourTypes |> List.exists (fun t -> t.IsInstanceOfType e)) then Bad(foreignType, typeName, firstLine message)
        elif rawMarkers |> List.exists (fun m -> message.Contains m) then Bad(rawText, typeName, firstLine message)
        elif not (namesOp (acceptedNames op transform) message) then Bad(noName, typeName, firstLine message)
        else Ours

    /// The start of a message with numbers, shapes, dtypes and parenthesised parts blurred, so
    /// that one kind of failure counts once (whatever the sizes and dtypes that hit it).
    let signature (message: string) =
        let s = Regex.Replace(message, @"\([^()]*\)", "")
        let s = Regex.Replace(s, @"'[^']*'|""[^""]*""", "'…'")
        let s = Regex.Replace(s, @"\b(Double|Float|Half|BFloat16|Char|Byte|Short|Int|Long|Bool)\b", "T") // LibTorch's dtype names
        let s = Regex.Replace(s, @"-?\d+(\.\d+)?(e[-+]?\d+)?", "#")
        let s = Regex.Replace(s, @"\[[#, ]*\]", "[…]")
        if s.Length > 60 then s.Substring(0, 60) else s

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
    let specialFloats = [| nan; infinity; -infinity; 0.0; -0.0; -1.0; 1e30; -1e-30; 1e300; -1e300 |]
    /// Ordinary values of both signs.
    let plainFloats = [| 0.0; 1.0; -1.0; 0.5; 2.0; -2.5; 3.0 |]

    let dtypes : Dtype[] =
        FSharpType.GetUnionCases typeof<Dtype>
        |> Array.filter (fun c -> c.GetFields().Length = 0)
        |> Array.map (fun c -> FSharpValue.MakeUnion(c, [||]) :?> Dtype)

    let floatDtypes = dtypes |> Array.filter (fun d -> d.IsFloatingPoint)

    let normal (rng: System.Random) =
        let u1, u2 = 1.0 - rng.NextDouble(), rng.NextDouble()
        sqrt (-2.0 * log u1) * cos (2.0 * Math.PI * u2)

    let fmt (x: float) = x.ToString("G4", Globalization.CultureInfo.InvariantCulture)
    let arrayText (xs: int[]) = "[|" + String.Join("; ", xs) + "|]"

    /// Rank 0 to 4, each dimension 0 to 4 (zero about one time in eight).
    let randomShape (rng: System.Random) =
        Array.init (rng.Next 5) (fun _ -> if chance rng 0.12 then 0 else rng.Next(1, 5))

    /// What one case's arguments have in common, so that ops needing agreeing shapes and dtypes
    /// (add, matmul, conv, cat, ...) also get inputs they accept.
    type Case =
        { Rng: System.Random
          Fn: string
          Base: int[]
          BaseDtype: Dtype
          /// Shapes by parameter name from Hints.shapes, in the cases that use them.
          Fitting: Map<string, int[]> }

    let newCase (rng: System.Random) (fn: string) =
        let dtype = if chance rng 0.6 then pick rng floatDtypes else pick rng dtypes
        let fitting =
            match Hints.shapes.TryGetValue fn with
            | true, make when chance rng 0.5 -> make (fun () -> if chance rng 0.05 then 0 else rng.Next(1, 4)) |> Map.ofList
            | _ -> Map.empty
        { Rng = rng; Fn = fn; Base = randomShape rng; BaseDtype = dtype; Fitting = fitting }

    /// A shape related to the case's base shape: the same (most ops succeed), a broadcastable
    /// suffix, reversed (matmul partners), its first or last dimension alone (biases), or random.
    let shapeLike (c: Case) =
        let rng, b = c.Rng, c.Base
        match rng.Next 20 with
        | n when n < 9 -> b
        | n when n < 12 ->
            let keep = rng.Next(b.Length + 1)
            b |> Array.skip (b.Length - keep) |> Array.map (fun d -> if chance rng 0.3 then 1 else d)
        | 12 | 13 -> Array.rev b
        | 14 -> if b.Length > 0 then [| b[b.Length - 1] |] else [||]
        | 15 -> if b.Length > 0 then [| b[0] |] else [||]
        | _ -> randomShape rng

    /// Values for a tensor of this dtype: floats sometimes sprinkled with NaN, ±inf, 0, -0, huge;
    /// integers small, negative ones included (except for uint8); booleans as 0/1.
    let tensorValues (rng: System.Random) (dtype: Dtype) (n: int) =
        if dtype.IsFloatingPoint then
            let special = chance rng 0.5
            Array.init n (fun _ -> if special && chance rng 0.3 then pick rng specialFloats else Math.Round(2.0 * normal rng, 3))
        elif dtype = Dtype.Bool then Array.init n (fun _ -> float (rng.Next 2))
        elif dtype = Dtype.UInt8 then Array.init n (fun _ -> float (rng.Next 6))
        else Array.init n (fun _ -> float (rng.Next(-3, 6)))

    /// A tensor built with the public API (float64 values, reshaped, converted). If this throws,
    /// it is a harness bug, reported as such.
    let tensorOf (values: float[]) (shape: int[]) (dtype: Dtype) =
        Tensor.ofArray values |> Tensor.reshape shape |> Tensor.toDtype dtype

    let tensorText (dtype: Dtype) (shape: int[]) (values: float[]) =
        let body =
            if values.Length = 0 then ""
            elif values.Length <= 4 then "=" + String.Join(",", values |> Array.map fmt)
            else
                let notes = [ if Array.exists Double.IsNaN values then "nan"
                              if Array.exists Double.IsInfinity values then "inf" ]
                if notes.IsEmpty then "" else "{" + String.Join(",", notes) + "}"
        $"""{dtype.Name}[{String.Join(",", shape)}]{body}"""

    /// A parameter that holds positions (gather's and indexSelect's `index`).
    let isIndexName (name: string) = let n = name.ToLowerInvariant() in n.Contains "index" || n.Contains "indices"
    /// A parameter that holds a condition (where's `cond`).
    let isMaskName (name: string) = let n = name.ToLowerInvariant() in n.StartsWith "cond" || n.Contains "mask"

    /// The shape and dtype of a tensor for a parameter: index tensors are mostly int64, conditions
    /// mostly bool, others mostly the case's base shape and dtype.
    let tensorKind (c: Case) (name: string) : int[] * Dtype =
        let rng = c.Rng
        let isIndex, isMask = isIndexName name, isMaskName name
        let fitting = c.Fitting.TryFind name
        let shape =
            match fitting with
            | Some s -> s
            | None -> if isIndex && chance rng 0.3 then [| rng.Next 5 |] else shapeLike c
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
            if isIndexName name then Array.init n (fun _ -> float (rng.Next(-2, 5))) // in range and out, negative too
            else tensorValues rng dtype n
        let t = tensorOf values shape dtype
        if chance rng 0.02 then
            Tensor.dispose t
            { Value = box t; Text = "<disposed " + tensorText dtype shape [||] + ">" }
        else { Value = box t; Text = tensorText dtype shape values }

    let tensor (c: Case) (name: string) : Arg =
        let shape, dtype = tensorKind c name
        tensorWith c name shape dtype

    let anInt (c: Case) (kind: IntKind) : int =
        let rng = c.Rng
        let rank = c.Base.Length
        match kind with
        | Dim -> if chance rng 0.75 then rng.Next(-rank - 1, rank + 1) else pick rng [| 5; -7; Int32.MaxValue; Int32.MinValue |]
        | Size -> if chance rng 0.7 then rng.Next 5 elif chance rng 0.5 then pick rng [| -1; -3 |] else rng.Next(5, 9)
        | Index -> if chance rng 0.7 then rng.Next(-4, 5) else pick rng [| 5; -7; 100; Int32.MaxValue; Int32.MinValue |]
        | Shape | Plain -> rng.Next(-7, 9)

    /// An int[] for a parameter of this kind.
    let someInts (c: Case) (kind: IntKind) : int[] =
        let rng, b = c.Rng, c.Base
        let rank = b.Length
        match kind with
        | Shape ->
            match rng.Next 10 with
            | 0 | 1 | 2 -> b
            | 3 | 4 when rank > 0 -> Array.updateAt (rng.Next rank) (-1) b            // one inferred dimension
            | 5 -> [| Array.fold (*) 1 b |]
            | 6 -> Array.append [| rng.Next 4 |] (b |> Array.map (fun d -> if d = 1 then 3 else d)) // expand targets
            | 7 -> Array.init (rng.Next 4) (fun _ -> pick rng [| -1; -2; 2; 0 |])   // two -1, negative sizes
            | _ -> randomShape rng
        | Dim ->
            let perm = Array.init rank id |> Array.sortBy (fun _ -> rng.Next())
            match rng.Next 10 with
            | 0 | 1 | 2 -> perm
            | 3 | 4 -> perm |> Array.truncate (rng.Next(rank + 1)) |> Array.map (fun d -> if chance rng 0.3 then d - rank else d)
            | 5 -> [||]
            | 6 when rank > 0 -> let d = rng.Next rank in [| d; d |]              // duplicates
            | 7 when rank > 0 -> [| rng.Next rank; -rank + rng.Next rank |]         // the same dim twice, once negative
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
                if parts.Count = 0 || chance rng 0.2 then parts.Add 0
                parts.ToArray()
            else Array.init (rng.Next 4) (fun _ -> if chance rng 0.85 then rng.Next 4 else -1)
        | Index | Plain -> Array.init (rng.Next 5) (fun _ -> rng.Next(-2, 6))

    let aFloat (c: Case) (name: string) : float =
        let rng = c.Rng
        if name = "p" then pick rng [| 0.0; 0.5; 1.0; 0.2; -0.1; 1.5; nan |]       // probabilities
        elif chance rng 0.65 then pick rng plainFloats
        else pick rng specialFloats

    /// Nested data for `Tensor.create` and other `obj` parameters: numbers, arrays of every
    /// supported element type, 2-D and jagged arrays, lists of lists (some ragged), empty data,
    /// and things that are not data at all (null, a string, a decimal, a tensor, mixed types).
    let data (c: Case) : obj * string =
        let rng = c.Rng
        let floats n = Array.init n (fun _ -> if chance rng 0.2 then pick rng specialFloats else Math.Round(normal rng, 2))
        match rng.Next 17 with
        | 0 -> let x = aFloat c "data" in box x, fmt x
        | 1 -> let i = rng.Next(-5, 6) in box i, string i
        | 2 -> let xs = floats (rng.Next 5) in box xs, sprintf "%A" xs
        | 3 -> let xs = floats (rng.Next 5) |> Array.map float32 in box xs, sprintf "%A" xs
        | 4 -> let xs = Array.init (rng.Next 5) (fun _ -> int64 (rng.Next(-3, 4))) in box xs, sprintf "%A" xs
        | 5 -> let xs = Array.init (rng.Next 5) (fun _ -> rng.Next 2 = 1) in box xs, sprintf "%A" xs
        | 6 -> let xs = Array2D.init (rng.Next 4) (rng.Next 4) (fun _ _ -> Math.Round(normal rng, 2)) in box xs, sprintf "float[%d,%d]" (Array2D.length1 xs) (Array2D.length2 xs)
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
    let genericChoices = [| typeof<float>; typeof<float32>; typeof<int>; typeof<int64>; typeof<bool>; typeof<byte>; typeof<char> |]

    /// A value of a generic method's element type.
    let element (c: Case) (t: Type) : obj =
        let rng = c.Rng
        if t = typeof<float> then box (aFloat c "")
        elif t = typeof<float32> then box (float32 (aFloat c ""))
        elif t = typeof<int> then box (pick rng [| -2; 0; 1; 3; Int32.MaxValue |])
        elif t = typeof<int64> then box (pick rng [| -2L; 0L; 1L; 3L; Int64.MinValue |])
        elif t = typeof<bool> then box (rng.Next 2 = 1)
        elif t = typeof<byte> then box (byte (rng.Next 256))
        elif t = typeof<char> then box 'x'
        else null

    let private listModule = typeof<list<int>>.Assembly.GetType "Microsoft.FSharp.Collections.ListModule"

    let typedArray (elem: Type) (items: obj[]) =
        let a = Array.CreateInstance(elem, items.Length)
        items |> Array.iteri (fun i x -> a.SetValue(x, i))
        a

    let fsList (elem: Type) (items: obj[]) =
        listModule.GetMethod("OfArray").MakeGenericMethod(elem).Invoke(null, [| box (typedArray elem items) |])

    let some (optionType: Type) (v: obj) = FSharpValue.MakeUnion(FSharpType.GetUnionCases(optionType)[1], [| v |])

    /// Several tensors, mostly of one shape and dtype (cat and stack accept those), sometimes
    /// none, sometimes disagreeing.
    let tensors (c: Case) (name: string) : Arg[] =
        let n = if chance c.Rng 0.1 then 0 else c.Rng.Next(1, 5)
        let shape, dtype = tensorKind c name
        let agree = chance c.Rng 0.7
        Array.init n (fun _ -> if agree then tensorWith c name shape dtype else tensor c name)

    /// An argument of any type, by type first and parameter name second. Unknown F# unions,
    /// records and enums are built generically; None means "no generator" (the function is skipped).
    let rec value (c: Case) (name: string) (t: Type) : Arg option =
        let rng = c.Rng
        let kind () = Hints.intKind c.Fn name
        let arg (v: obj) (text: string) = Some { Value = v; Text = text }
        if t = typeof<Tensor> then Some(tensor c name)
        elif t = typeof<int> then let i = anInt c (kind ()) in arg (box i) (string i)
        elif t = typeof<int64> then let i = int64 (anInt c (kind ())) in arg (box i) (string i + "L")
        elif t = typeof<float> then let x = aFloat c name in arg (box x) (fmt x)
        elif t = typeof<float32> then let x = float32 (aFloat c name) in arg (box x) (fmt (double x) + "f")
        elif t = typeof<bool> then let b = rng.Next 2 = 1 in arg (box b) (if b then "true" else "false")
        elif t = typeof<string> then arg (box "x") "\"x\""
        elif t = typeof<unit> then arg null "()"
        elif t = typeof<obj> then let v, text = data c in arg v text
        elif t = typeof<int[]> then let xs = someInts c (kind ()) in arg (box xs) (arrayText xs)
        elif t = typeof<Dtype> then let d = pick rng dtypes in arg (box d) ("Dtype." + string (FSharpValue.GetUnionFields(d, typeof<Dtype>) |> fst).Name)
        elif t = typeof<Device> then
            // the CPU almost always; CUDA for its error path (this build has none)
            if chance rng 0.9 then arg (box Device.Cpu) "Device.Cpu" else arg (box (Device.Cuda 0)) "Device.Cuda 0"
        elif t = typeof<Generator> then let s = rng.Next 100 in arg (box (Nabla.Random.generator s)) $"Random.generator {s}"
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
            let items = [| for i in 0 .. rows - 1 do for j in 0 .. cols - 1 -> i, j |]
            let mutable ok = true
            for i, j in items do
                match value c name elem with
                | Some v -> a.SetValue(v.Value, i, j)
                | None -> ok <- false
            if ok then arg (box a) $"Array2D ({Discovery.typeName elem}) {rows}x{cols}" else None
        elif t.IsArray || (t.IsGenericType && (t.GetGenericTypeDefinition() = typedefof<seq<_>> || t.GetGenericTypeDefinition() = typedefof<list<_>>)) then
            let elem = if t.IsArray then t.GetElementType() else t.GetGenericArguments()[0]
            let items = Array.init (if chance rng 0.1 then 0 else rng.Next(1, 5)) (fun _ -> value c name elem)
            if items |> Array.exists Option.isNone then None
            else
                let items = items |> Array.map Option.get
                let values = items |> Array.map (fun a -> a.Value)
                let text = String.Join("; ", items |> Array.map (fun a -> a.Text))
                if t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<list<_>> then arg (fsList elem values) ("[" + text + "]")
                else arg (box (typedArray elem values)) ("[|" + text + "|]")
        elif t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<option<_>> then
            if chance rng 0.5 then arg null "None"
            else value c name (t.GetGenericArguments()[0]) |> Option.map (fun v -> { Value = some t v.Value; Text = $"Some({v.Text})" })
        elif FSharpType.IsTuple t then
            let parts = FSharpType.GetTupleElements t |> Array.map (value c name)
            if parts |> Array.exists Option.isNone then None
            else
                let parts = parts |> Array.map Option.get
                arg (FSharpValue.MakeTuple(parts |> Array.map (fun p -> p.Value), t)) ("(" + String.Join(", ", parts |> Array.map (fun p -> p.Text)) + ")")
        elif t.IsEnum then
            let vs = Enum.GetValues t
            let v = vs.GetValue(rng.Next vs.Length)
            arg v (string v)
        elif FSharpType.IsUnion t then
            let case = pick rng (FSharpType.GetUnionCases t)
            let fields = case.GetFields() |> Array.map (fun f -> value c f.Name f.PropertyType)
            if fields |> Array.exists Option.isNone then None
            else
                let fields = fields |> Array.map Option.get
                arg (FSharpValue.MakeUnion(case, fields |> Array.map (fun f -> f.Value))) (case.Name + " " + String.Join(" ", fields |> Array.map (fun f -> f.Text)))
        elif FSharpType.IsRecord t then
            let fields = FSharpType.GetRecordFields t |> Array.map (fun f -> value c f.Name f.PropertyType)
            if fields |> Array.exists Option.isNone then None
            else
                let fields = fields |> Array.map Option.get
                arg (FSharpValue.MakeRecord(t, fields |> Array.map (fun f -> f.Value))) ("{" + String.Join("; ", fields |> Array.map (fun f -> f.Text)) + "}")
        elif t.IsGenericParameter then None
        else
            // last resort for types a new function may bring: element values
            match element c t with
            | null -> None
            | v -> arg v (string v)

    /// The method to call: a generic one instantiated with element types drawn for this case.
    let instantiate (c: Case) (m: MethodInfo) =
        if not m.IsGenericMethodDefinition then m
        else
            let n = m.GetGenericArguments().Length
            // constraints may reject a choice: try a few draws, then the plainest
            let attempt () = try Some(m.MakeGenericMethod(Array.init n (fun _ -> pick c.Rng genericChoices))) with :? ArgumentException -> None
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
        | None -> Result.Ok { Method = m; Args = args |> Array.map (fun (_, _, a) -> a.Value) }

// ==================================================================== the child: making the calls

module Child =

    let invoke (call: Call) (args: obj[]) : obj =
        let m = call.Method
        let flags = BindingFlags.DoNotWrapExceptions
        if m.IsStatic then m.Invoke(null, flags, null, args, null)
        else m.Invoke(args[0], flags, null, Array.tail args, null)

    /// Forces a result, so that a broken tensor coming back counts against the call.
    let touch (result: obj) =
        match result with
        | :? Tensor as t -> t.Shape |> ignore; t.Dtype |> ignore
        | :? (Tensor[]) as ts -> for t in ts do t.Shape |> ignore
        | _ -> ()

    /// A tensor-valued result as one tensor for differentiation (the sum of an array's sums).
    let asTensor (result: obj) : Tensor =
        match result with
        | :? Tensor as t -> t
        | :? (Tensor[]) as ts when ts.Length > 0 -> ts |> Array.map Tensor.sum |> Array.reduce (+)
        | _ -> Tensor.scalar 0.0

    let returnsTensors (m: MethodInfo) = m.ReturnType = typeof<Tensor> || m.ReturnType = typeof<Tensor[]>

    /// A place where a tensor argument can be replaced by the variable of a derivative: a tensor
    /// parameter, or the first element of an array/list/seq of tensors.
    type Slot =
        | Whole of arg: int
        | First of arg: int

    let private usableFloat (t: Tensor) = try t.Dtype.IsFloatingPoint with _ -> false

    let slots (args: obj[]) : (Slot * Tensor)[] =
        args
        |> Array.mapi (fun i a ->
            match a with
            | :? Tensor as t -> Some(Whole i, t)
            | :? (Tensor[]) as ts when ts.Length > 0 -> Some(First i, ts[0])
            | :? (Tensor list) as ts when not ts.IsEmpty -> Some(First i, ts.Head)
            | _ -> None)
        |> Array.choose id
        |> Array.filter (fun (_, t) -> usableFloat t)

    let withSlot (args: obj[]) (slot: Slot) (x: Tensor) : obj[] =
        let copy = Array.copy args
        match slot with
        | Whole i -> copy[i] <- box x
        | First i ->
            copy[i] <-
                match args[i] with
                | :? (Tensor[]) as ts -> box (Array.updateAt 0 x ts)
                | :? (Tensor list) as ts -> box (x :: ts.Tail)
                | other -> other
        copy

    let slotText (slot: Slot) = match slot with Whole i -> $"argument {i + 1}" | First i -> $"first tensor of argument {i + 1}"

    /// Counts and the bad cases of one child run.
    type Tally() =
        member val Calls = 0 with get, set
        member val Ok = 0 with get, set
        member val Ours = 0 with get, set
        member val Bad = 0 with get, set
        member val Harness = 0 with get, set
        member val Skipped = 0 with get, set
        /// kinds of bad case (by signature): an id for this run and how many cases
        member val Kinds = Dictionary<string, int * int>() with get
        /// the modes (call, grad, jvp) each kind was seen in
        member val KindModes = Dictionary<string, SortedSet<string>>() with get
        /// per function and mode ("call", "grad", "jvp"): ok, ours, bad (to see what the cases reach)
        member val PerMode = Dictionary<string, int[]>() with get

    /// How many bad cases of one signature are printed in full (the rest are counted).
    let printedPerSignature = 3

    let out (line: string) =
        Console.Out.WriteLine(line.Replace('\n', ' ').Replace('\r', ' '))
        Console.Out.Flush()

    /// Runs one attempt and records its verdict.
    let attempt (tally: Tally) (target: Target) (mode: string) (argsText: string) (transform: string option) (f: unit -> obj) =
        tally.Calls <- tally.Calls + 1
        let verdict =
            try touch (f ()); Ok
            with e -> Classify.verdict target.Op transform e
        let key = $"{target.Name} | {mode}"
        if not (tally.PerMode.ContainsKey key) then tally.PerMode[key] <- Array.zeroCreate 3
        let counts = tally.PerMode[key]
        let slot = match verdict with Ok -> 0 | Ours -> 1 | Bad _ -> 2
        counts[slot] <- counts[slot] + 1
        match verdict with
        | Ok -> tally.Ok <- tally.Ok + 1
        | Ours -> tally.Ours <- tally.Ours + 1
        | Bad(reason, exnType, message) ->
            tally.Bad <- tally.Bad + 1
            // one kind whether it happened in the call, the gradient or the JVP
            let signature = $"{target.Name} | {exnType} | {Classify.signature message}"
            let id, seen = match tally.Kinds.TryGetValue signature with | true, k -> k | _ -> tally.Kinds.Count, 0
            tally.Kinds[signature] <- (id, seen + 1)
            if seen = 0 then tally.KindModes[signature] <- SortedSet()
            tally.KindModes[signature].Add mode |> ignore
            if seen < printedPerSignature then
                out $"BAD {id} | {target.Name} | {mode} | {argsText} | {exnType} | {message} | {reason}"

    /// A stable 32-bit hash (string.GetHashCode differs between processes).
    let stableHash (s: string) =
        let mutable h = 2166136261u
        for ch in s do h <- (h ^^^ uint32 ch) * 16777619u
        int (h &&& 0x7fffffffu)

    /// One case: the call, then (for a tensor-valued function) the gradient with respect to one
    /// floating-point tensor argument, and every third case a JVP.
    let runCase (tally: Tally) (seed: int) (index: int) (target: Target) (case: int) =
        let rng = System.Random(stableHash $"{seed}/{target.Name}/{case}")
        Nabla.Random.seed case // rand, randn and dropout draw from the global generator
        Scope.run (fun () ->
            let generated =
                try Generate.call (Generate.newCase rng target.Op) target
                with e -> Error $"argument generation threw {e.GetType().Name}: {Classify.firstLine e.Message}"
            match generated with
            | Error reason ->
                tally.Harness <- tally.Harness + 1
                out $"HARNESS {target.Name} | case {case} | {reason}"
            | Result.Ok call ->
                let args = call.Args |> Array.map (fun a -> a.Value)
                let argsText = String.Join(" ", call.Args |> Array.map (fun a -> a.Text))
                let trace (mode: string) = out $"CALL {index} {case} {mode} {target.Name} {argsText}"
                trace "call"
                attempt tally target "call" argsText None (fun () -> invoke call args)
                let slots = slots args
                if returnsTensors call.Method && slots.Length > 0 then
                    let slot, x = slots[rng.Next slots.Length]
                    let f (v: Tensor) = invoke call (withSlot args slot v) |> asTensor
                    trace $"grad wrt {slotText slot}"
                    attempt tally target "grad" $"{argsText} (grad wrt {slotText slot})" (Some "grad") (fun () ->
                        box (AD.grad (fun v -> Tensor.sum (f v)) x))
                    if case % 3 = 0 then
                        trace $"jvp wrt {slotText slot}"
                        attempt tally target "jvp" $"{argsText} (jvp wrt {slotText slot})" (Some "jvp") (fun () ->
                            box (snd (AD.jvp f x (Tensor.onesLike x)))))

    /// `--child-fuzz <seed> <first> <count> <cases> [<startIndex> <startCase>]`: fuzzes the functions
    /// first .. first+count-1 of Discovery.targets, `cases` cases each, beginning at function
    /// startIndex, case startCase (to resume after a crash). Prints CALL before every call, BAD per
    /// bad case (a few per kind, with the kind's id), STATS per function and mode (how many calls
    /// succeeded, failed cleanly, failed badly), BADKIND per kind (id, count, modes, signature), and a final SUMMARY line.
    let run (argv: string[]) =
        let arg i = Int32.Parse argv[i]
        let seed, first, count, cases = arg 0, arg 1, arg 2, arg 3
        let startIndex, startCase = if argv.Length >= 6 then arg 4, arg 5 else first, 0
        Native.ensureLoaded ()
        TorchSharp.torch.set_num_threads 1
        let clock = Stopwatch.StartNew()
        let targets = Discovery.targets ()
        let tally = Tally()
        for index in Operators.max first startIndex .. Operators.min (first + count) targets.Length - 1 do
            let target = targets[index]
            match Discovery.skipReason target with
            | Some reason ->
                tally.Skipped <- tally.Skipped + 1
                out $"SKIP {target.Name} | {reason}"
            | None ->
                for case in (if index = startIndex then startCase else 0) .. cases - 1 do
                    runCase tally seed index target case
        for KeyValue(key, counts) in tally.PerMode do
            out $"STATS {key} | ok={counts[0]} ours={counts[1]} bad={counts[2]}"
        for KeyValue(signature, (id, n)) in tally.Kinds do
            out $"BADKIND {id} {n} {String.Join(',', tally.KindModes[signature])} | {signature}"
        out $"SUMMARY calls={tally.Calls} ok={tally.Ok} ours={tally.Ours} bad={tally.Bad} harness={tally.Harness} skipped={tally.Skipped} seconds={clock.Elapsed.TotalSeconds:F1}"
        0

// ==================================================================== the parent: chunks and crashes

module Parent =

    /// What one child process reported.
    type ChildResult =
        { ExitCode: int option // None: killed after the timeout
          Summary: string option
          /// Each kind of bad case: its signature, how many cases, in which modes, and the first case printed.
          Kinds: (string * int * string * string) list
          Harness: string list
          Skips: string list
          Stats: string list
          /// The last CALL line: the call in progress when the child died.
          LastCall: string option
          StderrTail: string }

    /// Runs this test program with `--child-fuzz` and the given arguments, reading its output as it comes.
    let runChild (args: string) : ChildResult =
        let exe = Environment.ProcessPath
        let psi =
            if Path.GetFileNameWithoutExtension exe = "dotnet" then
                ProcessStartInfo("dotnet", $"\"{Reflection.Assembly.GetEntryAssembly().Location}\" --child-fuzz {args}")
            else ProcessStartInfo(exe, $"--child-fuzz {args}")
        psi.RedirectStandardOutput <- true
        psi.RedirectStandardError <- true
        psi.UseShellExecute <- false
        let examples, printed, kinds, harness, skips, stats = Dictionary<string, string>(), Dictionary<string, int>(), ResizeArray(), ResizeArray(), ResizeArray(), ResizeArray()
        let mutable summary, lastCall = None, None
        let gate = obj ()
        use p = new Process(StartInfo = psi)
        p.OutputDataReceived.Add(fun e ->
            match e.Data with
            | null -> ()
            | line ->
                lock gate (fun () ->
                    if line.StartsWith "CALL " then lastCall <- Some(line.Substring 5)
                    elif line.StartsWith "BAD " then
                        let id, case = let p = line.Substring(4).Split(" | ", 2) in p[0], p[1]
                        printed[id] <- (match printed.TryGetValue id with | true, n -> n | _ -> 0) + 1
                        if not (examples.ContainsKey id) then examples[id] <- case
                    elif line.StartsWith "BADKIND " then
                        let head, signature = let p = line.Substring(8).Split(" | ", 2) in p[0], p[1]
                        let id, count, modes = let h = head.Split ' ' in h[0], int h[1], h[2]
                        kinds.Add(id, count, modes, signature)
                    elif line.StartsWith "HARNESS " then harness.Add(line.Substring 8)
                    elif line.StartsWith "SKIP " then skips.Add(line.Substring 5)
                    elif line.StartsWith "STATS " then stats.Add(line.Substring 6)
                    elif line.StartsWith "SUMMARY " then summary <- Some(line.Substring 8)))
        p.Start() |> ignore
        p.BeginOutputReadLine()
        let stderr = p.StandardError.ReadToEndAsync()
        let finished = p.WaitForExit(Settings.timeoutSeconds () * 1000)
        if not finished then
            try p.Kill true with _ -> ()
        p.WaitForExit()
        let err = if stderr.Wait 5000 then stderr.Result else ""
        // why it died: LibTorch's terminate message and its what(), or .NET's fatal error, else the last lines
        let lines = err.Split('\n') |> Array.map (fun l -> l.Trim()) |> Array.filter (fun l -> l <> "" && not (l.Contains "NNPACK"))
        let telling =
            lines |> Array.filter (fun l ->
                l.StartsWith "terminate called" || l.StartsWith "what():" || l.StartsWith "Unhandled exception"
                || l.StartsWith "Fatal error" || l.StartsWith "Stack overflow" || l.Contains "Segmentation fault")
        let tail = (if telling.Length > 0 then telling else lines |> Array.rev |> Array.truncate 3 |> Array.rev) |> String.concat " / "
        lock gate (fun () ->
            { ExitCode = (if finished then Some p.ExitCode else None)
              Summary = summary
              Kinds =
                if summary.IsSome then [ for id, count, modes, signature in kinds -> signature, count, modes, (match examples.TryGetValue id with | true, e -> e | _ -> signature) ]
                else
                    // it died before its BADKIND lines: the kinds from the BAD lines (at most a few cases each)
                    [ for KeyValue(id, example) in examples ->
                        let f = example.Split(" | ")
                        let signature = if f.Length >= 5 then $"{f[0]} | {f[3]} | {Classify.signature f[4]}" else example
                        signature, printed[id], (if f.Length >= 2 then f[1] else "?"), example ]
              Harness = List.ofSeq harness
              Skips = List.ofSeq skips; Stats = List.ofSeq stats; LastCall = lastCall; StderrTail = tail })

    let finishedNormally (r: ChildResult) = r.ExitCode = Some 0 && r.Summary.IsSome

    /// A child that died: what it was doing, how it ended, and whether that call alone kills a
    /// fresh process too.
    type Crash = { Call: string; Ending: string; ReproducesAlone: bool option }

    /// Everything found in one chunk.
    type ChunkResult =
        { Crashes: Crash list
          /// Each kind of bad case: how many cases, and an example (function | mode | arguments | exception | message | reason).
          Kinds: (int * string * string) list
          Harness: string list
          Skips: string list
          Stats: string list
          Summaries: string list }

    let private ending (r: ChildResult) =
        match r.ExitCode with
        | None -> $"no answer after {Settings.timeoutSeconds ()} s (killed)"
        | Some code -> $"exit code {code}: {r.StderrTail}"

    /// Worst first: exceptions of foreign types, then raw LibTorch text, then messages that name
    /// another op, then use-after-free messages (one cause shared by every op).
    let severity (example: string) =
        if example.EndsWith Classify.foreignType then 0
        elif example.EndsWith Classify.rawText then 1
        elif example.Contains "used after its memory was freed" then 3
        else 2

    /// Fuzzes functions first .. first+count-1 in as many child processes as crashes require: after
    /// a crash, the call it died in (the last CALL line) is re-run alone, and the chunk resumes
    /// with the next case (or the next function, after three crashes in one). A child that dies
    /// before its first call is re-run function by function.
    let fuzzChunk (seed: int) (cases: int) (first: int) (count: int) : ChunkResult =
        let crashes, harness, skips, stats, summaries = ResizeArray(), ResizeArray(), ResizeArray(), ResizeArray(), ResizeArray()
        // kinds merged over the children of this chunk: signature → (count, modes, example)
        let kinds = Dictionary<string, int * Set<string> * string>()
        let crashesIn = Dictionary<int, int>()
        let collect (r: ChildResult) =
            for signature, count, modes, example in r.Kinds do
                let modes = set (modes.Split ',')
                kinds[signature] <-
                    match kinds.TryGetValue signature with
                    | true, (n, m, e) -> (n + count, Set.union m modes, e)
                    | _ -> (count, modes, example)
            harness.AddRange r.Harness; skips.AddRange r.Skips; stats.AddRange r.Stats
            Option.iter summaries.Add r.Summary
        let rec from (startIndex: int) (startCase: int) (restarts: int) =
            let r = runChild $"{seed} {first} {count} {cases} {startIndex} {startCase}"
            collect r
            if not (finishedNormally r) then
                match r.LastCall with
                | Some call ->
                    let parts = call.Split(' ', 3)
                    let index, case = int parts[0], int parts[1]
                    let alone = runChild $"{seed} {index} 1 {case + 1} {index} {case}"
                    crashes.Add { Call = parts[2]; Ending = ending r; ReproducesAlone = Some(not (finishedNormally alone)) }
                    let n = (match crashesIn.TryGetValue index with | true, n -> n | _ -> 0) + 1
                    crashesIn[index] <- n
                    if restarts >= 12 then
                        crashes.Add { Call = $"functions #{index}.. (not fuzzed: gave up after {restarts} restarts)"; Ending = ""; ReproducesAlone = None }
                    elif n >= 3 || case + 1 >= cases then from (index + 1) 0 (restarts + 1)
                    else from index (case + 1) (restarts + 1)
                | None when startIndex = first && startCase = 0 && count > 1 ->
                    for index in first .. first + count - 1 do
                        let one = runChild $"{seed} {index} 1 {cases}"
                        collect one
                        if not (finishedNormally one) then
                            crashes.Add { Call = $"function #{index}: {one.LastCall |> Option.defaultValue (ending one)}"; Ending = ending one; ReproducesAlone = None }
                | None -> crashes.Add { Call = $"functions #{startIndex}.. (before the first call)"; Ending = ending r; ReproducesAlone = None }
        if count > 0 then from first 0 0
        { Crashes = List.ofSeq crashes
          Kinds =
            [ for KeyValue(_, (count, modes, example)) in kinds -> count, String.Join(",", modes), example ]
            |> List.sortBy (fun (count, _, example) -> severity example, -count)
          Harness = List.ofSeq harness; Skips = List.ofSeq skips; Stats = List.ofSeq stats; Summaries = List.ofSeq summaries }

    /// The report of a chunk: crashes first, then each kind of bad case with its count and an
    /// example, then harness errors.
    let report (r: ChunkResult) : string list =
        [ for c in r.Crashes do
            let alone = match c.ReproducesAlone with Some true -> " (crashes alone too)" | Some false -> " (not alone: depends on earlier calls)" | None -> ""
            yield $"CRASH in {c.Call}{alone} -- {c.Ending}"
          for count, modes, example in r.Kinds -> $"BAD x{count} [{modes}]: {example}"
          for h in r.Harness -> $"HARNESS BUG: {h}" ]

// ==================================================================== the tests

/// The chunks: consecutive functions of Discovery.targets, chunkSize at a time.
let private chunks () =
    let targets = Discovery.targets ()
    let size = Operators.max 1 (Settings.chunkSize ())
    [ for first in 0 .. size .. targets.Length - 1 -> first, Operators.min size (targets.Length - first), targets ]

let private chunkTest (first: int, count: int, targets: Target[]) =
    let names = targets[first .. first + count - 1] |> Array.map (fun t -> t.Name)
    let title = $"calls to {names[0]} … {names[names.Length - 1]} ({count} functions) neither crash nor raise errors that are not ours"
    testCase title <| fun () ->
        let result = Parent.fuzzChunk (Settings.seed ()) (Settings.cases ()) first count
        let lines = Parent.report result
        match Settings.reportFolder () with
        | null | "" -> ()
        | folder ->
            Directory.CreateDirectory folder |> ignore
            File.WriteAllLines(Path.Combine(folder, $"chunk-{first:D3}.txt"),
                               [ yield! names; yield! result.Summaries |> List.map ((+) "SUMMARY "); yield! result.Skips |> List.map ((+) "SKIP ")
                                 yield! lines; yield! result.Stats |> List.map ((+) "STATS ") ])
        if not lines.IsEmpty then
            let shown = lines |> List.truncate 20
            let more = if lines.Length > 20 then $"\n... and {lines.Length - 20} more" else ""
            failtestf "%d crash(es), %d bad case(s) of %d kind(s), %d harness error(s):\n%s%s"
                result.Crashes.Length (result.Kinds |> List.sumBy (fun (n, _, _) -> n)) result.Kinds.Length
                result.Harness.Length (String.Join("\n", shown)) more

/// The harness's own rules, checked on known messages.
let private ruleTests =
    testList "the fuzz harness" [
        testCase "finds the Tensor module, the Tensor type's members and the extensions" <| fun () ->
            let names = Discovery.targets () |> Array.map (fun t -> t.Name) |> set
            for name in [ "Tensor.add"; "Tensor.sumDim"; "Tensor.ofArray"; "Tensor.Exp"; "Tensor.Zeros"; "Tensor.Conv2d"; "x.ToScalar" ] do
                Expect.isTrue (names.Contains name) $"{name} is discovered"
            Expect.isGreaterThan names.Count 150 "the whole API"

        testCase "accepts errors that name the op, a variant of it, or an alias" <| fun () ->
            let v op msg = Classify.verdict op None (ArgumentException msg)
            Expect.equal (v "add" "add: shapes [2] and [3] do not broadcast") Ours "the op"
            Expect.equal (v "sumDim" "sum: dimension 5 is out of range") Ours "a variant"
            Expect.equal (v "Zeros" "Tensor.zeros: negative size") Ours "qualified, other case"
            Expect.equal (v "toDtype" "toDtype(float16): LibTorch rejected the inputs (bool[2]): not supported") Ours "with a parenthesised part"
            Expect.equal (v "op_Addition" "add: shapes do not broadcast") Ours "an operator's alias"
            Expect.equal (v "matmul" "matmul (batch dimensions): shapes [3] and [4, 0] do not broadcast") Ours "with a note after the name"
            Expect.equal (Classify.verdict "sin" (Some "grad") (ArgumentException "AD.grad: the function returned dtype int64")) Ours "the transform"

        testCase "rejects foreign exceptions, raw LibTorch text and messages without the op" <| fun () ->
            let isBad (verdict: Verdict) = match verdict with Bad _ -> true | _ -> false
            Expect.isTrue (isBad (Classify.verdict "select" None (IndexOutOfRangeException "select: index 3 is out of range"))) "IndexOutOfRange"
            Expect.isTrue (isBad (Classify.verdict "sum" None (NullReferenceException()))) "NullReference"
            Expect.isTrue (isBad (Classify.verdict "sum" None (ArgumentException "sum: bad\nException raised from foo at bar.cpp:12"))) "C++ text"
            Expect.isTrue (isBad (Classify.verdict "exp" None (ArgumentException "expand: cannot expand"))) "another op's name"
            Expect.isTrue (isBad (Classify.verdict "zeros" None (ArgumentException "A shape cannot have a negative size: [-1]"))) "no op at all"
            Expect.isTrue (isBad (Classify.verdict "sum" None (Runtime.InteropServices.ExternalException "Dimension out of range"))) "raw ExternalException"
    ]

let tests =
    testList "fuzz" [
        ruleTests
        testList "every public Tensor function, with random arguments and under grad and jvp" (chunks () |> List.map chunkTest)
    ]
