/// Native memory: LibTorch buffers live outside the .NET heap, so the GC neither sees their
/// size nor frees them in time. Two mechanisms keep loops flat (DESIGN.md, Memory):
/// dispose scopes free intermediates deterministically, and every tensor that ends up outside
/// any scope reports its native size to the GC (memory pressure) until it is collected.
module internal Nabla.Memory

open System
open System.Runtime.CompilerServices
open TorchSharp

/// Native bytes held by tracked tensors that the GC has not collected yet.
let mutable private outstanding = 0L

/// `outstanding` just after Nabla last asked the GC to collect.
let mutable private afterLastCollection = 0L

/// How much tracked native memory may accumulate before Nabla asks for a collection. Memory
/// pressure alone lets the GC run late when the managed heap is quiet, and it is the finalizers
/// of dropped tensors that free their native buffers.
let private collectionStep = 32L * 1024L * 1024L

let private collecting = obj ()

/// TEMPORARY, for measuring the candidates (issue "GC pressure"): wait (the current mechanism),
/// none (a), optimized (b), thread (c), collect (d).
let private mechanism =
    match Environment.GetEnvironmentVariable "NABLA_PRESSURE_MECHANISM" with
    | null | "" -> "wait"
    | m -> m

/// For the mechanisms that do not wait for finalizers: finalizers lower the baseline to the
/// trough, so the next request comes after `collectionStep` of growth above what really survived.
let rec private lowerBaseline (now: int64) =
    let seen = Threading.Volatile.Read &afterLastCollection
    if mechanism <> "wait" && now < seen
       && Threading.Interlocked.CompareExchange(&afterLastCollection, now, seen) <> seen then
        lowerBaseline now

/// Reports `bytes` of native memory to the GC for as long as this object lives.
[<Sealed; AllowNullLiteral>]
type private PressureToken(bytes: int64) =
    do
        GC.AddMemoryPressure bytes
        Threading.Interlocked.Add(&outstanding, bytes) |> ignore
    override _.Finalize() =
        GC.RemoveMemoryPressure bytes
        lowerBaseline (Threading.Interlocked.Add(&outstanding, -bytes))

/// A token lives exactly as long as its tensor: when the tensor becomes garbage, so does the
/// token, and its finalizer withdraws the pressure.
let private tokens = ConditionalWeakTable<torch.Tensor, PressureToken>()

/// LibTorch's own bookkeeping per tensor (TensorImpl, storage, autograd meta), roughly.
let private overheadBytes = 512L

let mutable private requested = 0
let private signal = new Threading.AutoResetEvent(false)

/// (c): a dedicated thread collects and waits for the finalizers; the allocating thread only signals.
let private collector =
    lazy
        let t =
            Threading.Thread(
                (fun () ->
                    while true do
                        signal.WaitOne() |> ignore
                        GC.Collect(1, GCCollectionMode.Forced, true)
                        GC.WaitForPendingFinalizers()
                        Threading.Volatile.Write(&afterLastCollection, Threading.Volatile.Read &outstanding)
                        Threading.Volatile.Write(&requested, 0)),
                IsBackground = true, Name = "Nabla memory")
        t.Start()

let private grown () =
    Threading.Volatile.Read &outstanding - Threading.Volatile.Read &afterLastCollection > collectionStep

/// Collects young garbage and runs the finalizers that free dropped tensors' native memory, once
/// tracked memory has grown by collectionStep since the last time. What stays alive (real data)
/// raises the baseline, so a program that legitimately holds much memory is not collected over and over.
let private collectIfGrown () =
    match mechanism with
    | "none" -> ()
    | "wait" ->
        if grown () && Threading.Monitor.TryEnter collecting then
            try
                GC.Collect(1, GCCollectionMode.Forced, true)
                GC.WaitForPendingFinalizers()
                Threading.Volatile.Write(&afterLastCollection, Threading.Volatile.Read &outstanding)
            finally
                Threading.Monitor.Exit collecting
    | "thread" ->
        if grown () && Threading.Interlocked.CompareExchange(&requested, 1, 0) = 0 then
            collector.Force()
            signal.Set() |> ignore
    | _ ->
        // One thread wins the request; the baseline moves up now and finalizers bring it down.
        let seen, now = Threading.Volatile.Read &afterLastCollection, Threading.Volatile.Read &outstanding
        if now - seen > collectionStep && Threading.Interlocked.CompareExchange(&afterLastCollection, now, seen) = seen then
            if mechanism = "optimized" then GC.Collect(1, GCCollectionMode.Optimized, false)
            else GC.Collect(1, GCCollectionMode.Forced, true)

/// Makes the GC count a tensor's native size (data plus bookkeeping). Idempotent.
let track (t: torch.Tensor) =
    if not t.IsInvalid then
        let bytes = t.NumberOfElements * t.ElementSize + overheadBytes
        if tokens.TryAdd(t, PressureToken bytes) then collectIfGrown ()

/// Called on every tensor Nabla creates: outside any dispose scope nothing will free it
/// deterministically, so the GC must see its size.
let inline adopt (t: torch.Tensor) =
    if isNull torch.CurrentDisposeScope then track t
    t

/// A dispose scope that knows whether it is nested: tensors moving out of an outermost scope
/// are left to the GC, which is then told their size.
[<Sealed>]
type Scope() =
    let outer = torch.CurrentDisposeScope
    let scope = torch.NewDisposeScope()

    /// Moves these tensors into the enclosing scope (or to the GC) so they outlive this one.
    member _.Escape(tensors: torch.Tensor[]) =
        // Only what this scope owns moves: a result may also be a tensor from further out.
        let seen = Collections.Generic.HashSet<torch.Tensor>(HashIdentity.Reference)
        let owned = tensors |> Array.filter (fun t -> seen.Add t && scope.Contains t)
        scope.MoveToOuter(owned |> Array.map (fun t -> t :> IDisposable))
        if isNull outer then Array.iter track owned

    /// Moves everything created in this scope out of it (used when a result still references
    /// intermediates: a graph that an enclosing transform will differentiate, or a pullback).
    member this.EscapeAll() =
        this.Escape(scope.DisposablesView |> Seq.choose (function :? torch.Tensor as t -> Some t | _ -> None) |> Seq.toArray)

    /// Frees every tensor created in this scope that did not escape.
    member _.Dispose() = scope.Dispose()

    interface IDisposable with
        member this.Dispose() = this.Dispose()
