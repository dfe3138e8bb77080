namespace Nabla

open System
open System.Collections
open Microsoft.FSharp.Reflection

/// Scopes free native memory deterministically (DESIGN.md, Memory). Every transform runs in one;
/// `Scope.run` gives a custom loop the same guarantee.
module Scope =

    /// The tensors reachable in a result: tensors, Params, tuples, records, unions (options),
    /// arrays, lists and sequences. False when the result holds a function (a closure may capture
    /// anything, so everything must be kept).
    let rec private tensorsIn (o: obj) (acc: ResizeArray<Tensor>) : bool =
        match o with
        | null -> true
        | :? Tensor as t -> acc.Add t; true
        | :? Params as p -> acc.AddRange p.Values; true
        | :? string -> true
        | _ ->
            let ty = o.GetType()
            if ty.IsPrimitive || ty.IsEnum || o :? decimal then true
            elif FSharpType.IsFunction ty || o :? Delegate then false
            elif FSharpType.IsTuple ty then FSharpValue.GetTupleFields o |> Array.forall (fun f -> tensorsIn f acc)
            elif FSharpType.IsRecord(ty, true) then FSharpValue.GetRecordFields(o, true) |> Array.forall (fun f -> tensorsIn f acc)
            elif FSharpType.IsUnion(ty, true) && not (o :? IEnumerable) then
                snd (FSharpValue.GetUnionFields(o, ty, true)) |> Array.forall (fun f -> tensorsIn f acc)
            elif o :? IEnumerable then
                let mutable ok = true
                for x in (o :?> IEnumerable) do
                    if ok then ok <- tensorsIn x acc
                ok
            else true

    /// Ends a scope: the result's tensors leave it and everything else is freed, unless a result is
    /// still being differentiated by an enclosing transform (its graph refers to intermediates) or
    /// the result is not fully known: then everything moves to the enclosing scope, which frees it later.
    let private release (scope: Memory.Scope) (complete: bool) (tensors: Tensor seq) =
        let tensors = Seq.toArray tensors
        if not complete || tensors |> Array.exists (fun t -> t.IsDifferentiated) then scope.EscapeAll()
        else scope.Escape(tensors |> Array.map (fun t -> t.Raw()))

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
    /// returns. Use it around each step of a custom loop so native memory stays flat.
    let run (body: unit -> 'T) : 'T =
        use scope = new Memory.Scope()
        let result = body ()
        let tensors = ResizeArray()
        let complete = tensorsIn (box result) tensors
        release scope complete tensors
        result

    /// Tensors alive on this thread (TorchSharp's dispose-scope statistics): a leak check.
    let liveTensorCount () = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount
