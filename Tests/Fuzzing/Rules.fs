/// The fuzzer's rules: its settings, what it knows about parameters (Hints), which functions
/// make up the public Tensor API (Discovery), and which errors count as ours (Classify).
namespace Nabla.Tests.Fuzzing

open System
open System.Collections.Generic
open System.Reflection
open System.Text.RegularExpressions
open Microsoft.FSharp.Reflection
open Nabla

// ==================================================================== settings

/// The knobs, read from environment variables so that a longer or different run needs no rebuild.
module Settings =
    let private env (name: string) (fallback: int) =
        match Environment.GetEnvironmentVariable name with
        | null
        | "" -> fallback
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
    let reportFolder () =
        Environment.GetEnvironmentVariable "NABLA_FUZZ_REPORT"

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
    let aliases: IDictionary<string, string list> =
        dict
            [
                "op_Addition", [ "add" ]
                "op_Subtraction", [ "sub" ]
                "op_Multiply", [ "mul" ]
                "op_Division", [ "div" ]
                "op_UnaryNegation", [ "neg" ]
                "op_DotEquals", [ "eq" ]
                "op_DotLessGreater", [ "ne" ]
                "op_DotLess", [ "lt" ]
                "op_DotLessEquals", [ "le" ]
                "op_DotGreater", [ "gt" ]
                "op_DotGreaterEquals", [ "ge" ]
                "Ceiling", [ "ceil" ]
                "Truncate", [ "trunc" ]
                "get_Item", [ "select"; "index" ]
                "GetSlice", [ "narrow"; "select"; "slice"; "index" ]
            ]

    /// Integer parameters whose name does not tell their role: (function, parameter) → kind.
    let intKinds: IDictionary<string * string, IntKind> =
        dict
            [
                ("tril", "k"), Index // a diagonal offset: any value is valid
                ("triu", "k"), Index
                ("eye", "n"), Size
                ("Eye", "n"), Size
            ]

    /// Shapes that fit together, for ops whose operands relate in ways a common base shape does
    /// not give (a weight [out, in] against an input [n, in]): parameter name → shape, from a
    /// source of dimension sizes. Half of such a function's cases use them, so that the valid path
    /// (and its gradient) is reached; without an entry, shapes are random around a base shape.
    let shapes: IDictionary<string, (unit -> int) -> (string * int[]) list> =
        let linear (d: unit -> int) =
            let n, i, o = d (), d (), d () in [ "x", [| n; i |]; "weight", [| o; i |]; "bias", [| o |] ]

        let conv2d (d: unit -> int) =
            let n, c, o, h, w = d (), d (), d (), d () + 1, d () + 1
            let k = Operators.min h w |> Operators.min (d ())
            [ "x", [| n; c; h; w |]; "weight", [| o; c; k; k |]; "bias", [| o |] ]

        let conv1d (d: unit -> int) =
            let n, c, o, l = d (), d (), d (), d () + 1

            [
                "x", [| n; c; l |]
                "weight", [| o; c; Operators.min l (d ()) |]
                "bias", [| o |]
            ]

        let pool (d: unit -> int) =
            [ "x", [| d (); d (); d () + 2; d () + 2 |] ]

        let matmul (d: unit -> int) =
            let b, n, k, m = d (), d (), d (), d () in [ "a", [| b; n; k |]; "b", [| k; m |] ]

        let vectors (d: unit -> int) =
            let n = d () in [ "a", [| n |]; "b", [| n |] ]

        dict
            [
                "linear", linear
                "linearNoBias", linear
                "conv2d", conv2d
                "Conv2d", conv2d
                "conv1d", conv1d
                "Conv1d", conv1d
                "maxPool2d", pool
                "avgPool2d", pool
                "MaxPool2d", pool
                "AvgPool2d", pool
                "matmul", matmul
                "dot", vectors
                "outer", vectors
            ]

    /// The kind of an integer parameter from its name, unless the table above says otherwise.
    let intKind (fn: string) (parameter: string) =
        match intKinds.TryGetValue((fn, parameter)) with
        | true, k -> k
        | _ ->
            match parameter.ToLowerInvariant() with
            | "dim"
            | "dims"
            | "dim0"
            | "dim1"
            | "perm"
            | "axis"
            | "axes" -> Dim
            | "shape" -> Shape
            | "n"
            | "steps"
            | "kernel"
            | "chunks"
            | "length"
            | "size"
            | "sizes"
            | "groups"
            | "stride"
            | "padding"
            | "dilation"
            | "pads"
            | "count"
            | "repeats" -> Size
            | "index"
            | "start"
            | "i"
            | "j"
            | "k"
            | "offset" -> Index
            | p when p.Length = 2 && (p[0] = 'i' || p[0] = 's' || p[0] = 'e') && Char.IsDigit p[1] -> Index // slicing bounds
            | _ -> Plain

// ==================================================================== discovery

/// A public function under test.
type Target =
    {
        /// How reports name it: `Tensor.add`, `Tensor.Zeros`, `Tensor.op_Addition(Tensor, float)`, `x.ToScalar`
        Name: string
        /// The name its errors should use, before normalising: `add`, `Zeros`, `op_Addition`, `ToScalar`
        Op: string
        Method: MethodInfo
        /// An instance method: the first generated argument is the receiver.
        IsInstance: bool
    }

module Discovery =

    /// A readable name for a parameter type, used in reports and overload names.
    let rec typeName (t: Type) : string =
        if t = typeof<float> then
            "float"
        elif t = typeof<float32> then
            "float32"
        elif t = typeof<int> then
            "int"
        elif t = typeof<int64> then
            "int64"
        elif t = typeof<bool> then
            "bool"
        elif t = typeof<obj> then
            "obj"
        elif t.IsArray then
            typeName (t.GetElementType()) + (if t.GetArrayRank() = 1 then "[]" else "[,]")
        elif t.IsGenericParameter then
            "'" + t.Name
        elif FSharpType.IsTuple t then
            "("
            + String.Join(" * ", FSharpType.GetTupleElements t |> Array.map typeName)
            + ")"
        elif t.IsGenericType then
            let args = t.GetGenericArguments() |> Array.map typeName
            let def = t.GetGenericTypeDefinition()

            if def = typedefof<option<_>> then
                args[0] + " option"
            elif def = typedefof<list<_>> then
                args[0] + " list"
            elif def = typedefof<seq<_>> then
                args[0] + " seq"
            else
                t.Name.Split('`')[0] + "<" + String.Join(", ", args) + ">"
        else
            t.Name

    let private publicStatic =
        BindingFlags.Public ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly

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

        if isNull moduleType then
            failwith "fuzz: Nabla.TensorModule (the Tensor module) is not in the Nabla assembly"

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

                let op =
                    if isStatic then
                        name.Substring(0, name.Length - ".Static".Length)
                    else
                        name

                (if isStatic then "Tensor." else "x.") + op, op, m, not isStatic)
        // C#-style extension methods (TensorExtensions: conv and pooling with options), the receiver first
        let csharpExtensions =
            asm.GetExportedTypes()
            |> Array.filter (fun t -> t.IsDefined(typeof<Runtime.CompilerServices.ExtensionAttribute>, false))
            |> Array.collect (fun t -> t.GetMethods publicStatic)
            |> Array.filter (fun m ->
                m.IsDefined(typeof<Runtime.CompilerServices.ExtensionAttribute>, false)
                && (let ps = m.GetParameters() in ps.Length > 0 && ps[0].ParameterType = typeof<Tensor>))
            |> Array.map (fun m -> "x." + m.Name, m.Name, m, true)
        // other public modules of tensor functions (Linalg, Loss)
        let otherModules =
            [ "Nabla.Linalg"; "Nabla.Loss" ]
            |> List.choose (fun name -> Option.ofObj (asm.GetType name))
            |> List.toArray
            |> Array.collect (fun t ->
                t.GetMethods publicStatic
                |> Array.map (fun m -> t.Name + "." + m.Name, m.Name, m, false))

        let all =
            Array.concat [ fromModule; fromType; extensions; csharpExtensions; otherModules ]

        let overloaded =
            all
            |> Array.countBy (fun (n, _, _, _) -> n)
            |> Array.filter (fun (_, c) -> c > 1)
            |> Array.map fst
            |> set

        all
        |> Array.map (fun (name, op, m, inst) ->
            let signature =
                String.Join(
                    ", ",
                    m.GetParameters()
                    |> Array.skip (if inst && m.IsStatic then 1 else 0)
                    |> Array.map (fun p -> typeName p.ParameterType)
                )

            let name =
                if overloaded.Contains name then
                    $"{name}({signature})"
                else
                    name

            {
                Name = name
                Op = op
                Method = m
                IsInstance = inst
            })
        |> Array.sortBy (fun t -> t.Name)
        |> Array.distinctBy (fun t -> t.Name)

    /// The parameters to generate, the receiver of an instance method first.
    let parameters (t: Target) : (string * Type)[] =
        let ps = t.Method.GetParameters() |> Array.map (fun p -> p.Name, p.ParameterType)

        if t.IsInstance && not t.Method.IsStatic then
            Array.append [| "x", t.Method.DeclaringType |] ps
        else
            ps

    /// Why a function cannot be fuzzed (it takes a function: a random closure would test the
    /// closure, not the op), or None.
    let skipReason (t: Target) =
        let rec hasFunction (ty: Type) =
            FSharpType.IsFunction ty
            || typeof<Delegate>.IsAssignableFrom ty
            || (ty.IsArray && hasFunction (ty.GetElementType()))
            || (ty.IsGenericType && ty.GetGenericArguments() |> Array.exists hasFunction)
        // Span<T> and ReadOnlySpan<T> are ref structs: reflection cannot pass them (these functions
        // copy between a span and a tensor, and are tested directly).
        let isByRefLike (ty: Type) = ty.IsByRefLike

        parameters t
        |> Array.tryPick (fun (name, ty) ->
            if hasFunction ty then
                Some $"parameter '{name}' is a function ({typeName ty}); not fuzzed"
            elif isByRefLike ty then
                Some $"parameter '{name}' is a {typeName ty}, which reflection cannot pass; not fuzzed"
            else
                None)

// ==================================================================== verdicts

/// What one call did.
type Verdict =
    | Succeeded
    /// a clean error of ours
    | Ours
    /// anything else: the reason, the exception type and the first line of its message
    | Bad of reason: string * exnType: string * message: string

module Classify =

    /// Exception types that Nabla raises on bad input (subclasses included: ArgumentOutOfRange,
    /// ObjectDisposed, ...). Everything else is a finding: IndexOutOfRange, NullReference,
    /// KeyNotFound, InvalidCast, Format, raw ExternalException, plain Exception (failwith), ...
    let ourTypes =
        [
            typeof<ArgumentException>
            typeof<InvalidOperationException>
            typeof<NotSupportedException>
            // integer division by zero: .NET's counterpart of PyTorch's ZeroDivisionError
            typeof<DivideByZeroException>
        ]

    /// LibTorch's raw text: a C++ stack or source location must never reach a user. (Type names
    /// such as c10::Half may appear in LibTorch's one-line explanation, which Nabla passes on.)
    let rawMarkers =
        [
            "Exception raised from"
            "c10::Error"
            ".cpp:"
            "frame #"
            "(most recent call first)"
        ]

    /// Variant suffixes of a function's name: `sumDim` may report as `sum`, `ofArray2D` as
    /// `ofArray`, `clampMin` as `clamp`.
    let variantSuffixes =
        [
            "dim"
            "dims"
            "like"
            "with"
            "nobias"
            "tensor"
            "2d"
            "all"
            "min"
            "max"
            "scalar"
        ]

    /// The names an error of this op may use, lower case: the op, without a `get_` prefix, its
    /// aliases, and the transform's own name (`grad`, `jvp`) when the call ran under one.
    let acceptedNames (op: string) (transform: string option) =
        let op' = if op.StartsWith "get_" then op.Substring 4 else op

        let aliases =
            match Hints.aliases.TryGetValue op with
            | true, a -> a
            | _ -> []

        [ op; op' ] @ aliases @ Option.toList transform
        |> List.map (fun s -> s.ToLowerInvariant())
        |> List.distinct

    /// Words followed by a colon (optionally with a parenthesised part, as in `toDtype(float16):`
    /// or `matmul (batch dimensions):`),
    /// the last dotted segment only: `Tensor.create:` gives `create`, `AD.grad:` gives `grad`.
    let private opToken =
        Regex(@"([A-Za-z_][A-Za-z0-9_.]*)(\s?\([^()]*\))?:(\s|$)", RegexOptions.Compiled)

    /// The rule: some word of the message followed by ':' is the op's name, or its name without a
    /// variant suffix (see variantSuffixes), or one of its aliases.
    let namesOp (accepted: string list) (message: string) =
        opToken.Matches message
        |> Seq.map (fun m -> let w = m.Groups[1].Value in w.Substring(w.LastIndexOf '.' + 1).ToLowerInvariant())
        |> Seq.exists (fun token ->
            accepted
            |> List.exists (fun name ->
                token = name
                || (token.Length > 0
                    && name.StartsWith token
                    && List.contains (name.Substring token.Length) variantSuffixes)))

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

        if not (ourTypes |> List.exists (fun t -> t.IsInstanceOfType e)) then
            Bad(foreignType, typeName, firstLine message)
        elif rawMarkers |> List.exists (fun m -> message.Contains m) then
            Bad(rawText, typeName, firstLine message)
        // A freed tensor is a property of the tensor, not of the op that meets it first (often a
        // property read such as Shape): Nabla's ObjectDisposedException names the cause and the fix.
        elif
            e :? ObjectDisposedException
            && message.Contains "a tensor was used after its memory was freed"
        then
            Ours
        elif not (namesOp (acceptedNames op transform) message) then
            Bad(noName, typeName, firstLine message)
        else
            Ours

    /// The start of a message with numbers, shapes, dtypes and parenthesised parts blurred, so
    /// that one kind of failure counts once (whatever the sizes and dtypes that hit it).
    let signature (message: string) =
        let s = Regex.Replace(message, @"\([^()]*\)", "")
        let s = Regex.Replace(s, @"'[^']*'|""[^""]*""", "'…'")

        let s =
            Regex.Replace(s, @"\b(Double|Float|Half|BFloat16|Char|Byte|Short|Int|Long|Bool)\b", "T") // LibTorch's dtype names

        let s = Regex.Replace(s, @"-?\d+(\.\d+)?(e[-+]?\d+)?", "#")
        let s = Regex.Replace(s, @"\[[#, ]*\]", "[…]")
        if s.Length > 60 then s.Substring(0, 60) else s
