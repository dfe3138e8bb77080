namespace Nabla

open System
open System.Collections
open Microsoft.FSharp.Reflection

/// Scopes free native memory deterministically (docs/architecture.md, Scopes and memory). Every transform runs in one;
/// `Scope.run` gives a custom loop the same guarantee.
module Scope =

    /// Types that never hold a tensor.
    let private isPlainValue (ty: Type) =
        ty.IsPrimitive
        || ty.IsEnum
        || ty = typeof<string>
        || ty = typeof<decimal>
        || ty = typeof<DateTime>
        || ty = typeof<DateTimeOffset>
        || ty = typeof<TimeSpan>
        || ty = typeof<Guid>
        || ty = typeof<Numerics.BigInteger>

    /// A collection that is finite and already materialised (arrays, lists, maps, sets, dictionaries,
    /// ...): walking it cannot hang or run user code. A lazy sequence is not one.
    let private isFiniteCollection (o: obj) =
        match o with
        | :? Array
        | :? ICollection -> true
        | _ ->
            o.GetType().GetInterfaces()
            |> Array.exists (fun i ->
                i.IsGenericType
                && (let d = i.GetGenericTypeDefinition()

                    d = typedefof<Generic.IReadOnlyCollection<_>>
                    || d = typedefof<Generic.ICollection<_>>))

    /// Collects the tensors reachable in a result: tensors, Params, tuples of any size, records,
    /// unions (options, F# lists), arrays, materialised collections (lists, maps, sets,
    /// dictionaries), key-value pairs. Returns false when the result holds something whose tensors
    /// cannot be known without running code or walking arbitrary objects (a closure, a lazy
    /// sequence, an object of another class): then everything the scope made must be kept.
    let private tensorsIn (root: obj) (acc: ResizeArray<Tensor>) : bool =
        let visited = Generic.HashSet<obj>(HashIdentity.Reference)

        let rec walk (o: obj) : bool =
            match o with
            | null -> true
            | :? Tensor as t ->
                acc.Add t
                true
            | :? Params as p ->
                acc.AddRange p.Values
                true
            | _ ->
                let ty = o.GetType()

                if isPlainValue ty then
                    true
                elif not ty.IsValueType && not (visited.Add o) then
                    true // already walked (shared or cyclic)
                elif FSharpType.IsFunction ty || o :? Delegate then
                    false
                elif FSharpType.IsTuple ty then
                    FSharpValue.GetTupleFields o |> Array.forall walk
                elif
                    ty.IsGenericType
                    && ty.GetGenericTypeDefinition() = typedefof<Generic.KeyValuePair<_, _>>
                then
                    walk (ty.GetProperty("Key").GetValue o)
                    && walk (ty.GetProperty("Value").GetValue o)
                elif o :? IEnumerable then
                    // F# lists and sets are unions or classes too; walk them as collections (no deep recursion)
                    if isFiniteCollection o then
                        let mutable ok = true
                        let e = (o :?> IEnumerable).GetEnumerator()

                        while ok && e.MoveNext() do
                            ok <- walk e.Current

                        ok
                    else
                        false
                elif FSharpType.IsRecord(ty, true) then
                    FSharpValue.GetRecordFields(o, true) |> Array.forall walk
                elif FSharpType.IsUnion(ty, true) then
                    snd (FSharpValue.GetUnionFields(o, ty, true)) |> Array.forall walk
                else
                    false

        walk root

    /// Ends a scope: the result's tensors leave it and everything else is freed, unless a result is
    /// still being differentiated by an enclosing transform (its graph refers to intermediates) or
    /// the result is not fully known: then everything moves to the enclosing scope, which frees it later.
    let private release (scope: Memory.Scope) (complete: bool) (tensors: Tensor seq) =
        let tensors = Seq.toArray tensors

        if not complete || tensors |> Array.exists (fun t -> t.IsDifferentiated) then
            scope.EscapeAll()
        else
            scope.Escape(tensors |> Array.map (fun t -> t.Raw()))

    /// Runs `body` in a scope from which the tensors `resultTensors` names leave (see release).
    let internal runKeeping (resultTensors: 'T -> Tensor seq) (body: unit -> 'T) : 'T =
        use scope = new Memory.Scope()
        let result = body ()
        release scope true (resultTensors result)
        result

    /// Runs `body` in a scope and keeps everything created in it (for results that hold closures
    /// over intermediates, such as a pullback).
    let internal runKeepingAll (body: unit -> 'T) : 'T =
        use scope = new Memory.Scope()
        let result = body ()
        scope.EscapeAll()
        result

    /// Runs `body`; every tensor created inside that is not part of its result is freed when it
    /// returns. Use it around each step of a custom loop so native memory stays flat. The result's
    /// tensors are found in tensors, Params, tuples, records, unions, options, arrays, lists, maps,
    /// sets, dictionaries and key-value pairs; a result holding anything else (a closure, a lazy
    /// sequence, an object of another class) keeps everything the body created, for the
    /// enclosing scope (or the GC) to free later.
    let run (body: unit -> 'T) : 'T =
        use scope = new Memory.Scope()
        let result = body ()
        let tensors = ResizeArray()
        let complete = tensorsIn (box result) tensors
        release scope complete tensors
        result

    /// Tensors alive on this thread (TorchSharp's dispose-scope statistics): a leak check. Not
    /// inlined into callers, so that F# scripts using it need no reference to TorchSharp.
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    let liveTensorCount () =
        TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount
