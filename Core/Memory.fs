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

/// Reports `bytes` of native memory to the GC for as long as this object lives.
[<Sealed; AllowNullLiteral>]
type private PressureToken(bytes: int64) =
    do
        GC.AddMemoryPressure bytes
        Threading.Interlocked.Add(&outstanding, bytes) |> ignore
    override _.Finalize() =
        GC.RemoveMemoryPressure bytes
        Threading.Interlocked.Add(&outstanding, -bytes) |> ignore

/// A token lives exactly as long as its tensor: when the tensor becomes garbage, so does the
/// token, and its finalizer withdraws the pressure.
let private tokens = ConditionalWeakTable<torch.Tensor, PressureToken>()

/// LibTorch's own bookkeeping per tensor (TensorImpl, storage, autograd meta), roughly.
let private overheadBytes = 512L

/// Collects young garbage and runs the finalizers that free dropped tensors' native memory, once
/// tracked memory has grown by collectionStep since the last time. What stays alive (real data)
/// raises the baseline, so a program that legitimately holds much memory is not collected over and over.
let private collectIfGrown () =
    if Threading.Volatile.Read &outstanding - Threading.Volatile.Read &afterLastCollection > collectionStep
       && Threading.Monitor.TryEnter collecting then
        try
            GC.Collect(1, GCCollectionMode.Forced, true)
            GC.WaitForPendingFinalizers()
            Threading.Volatile.Write(&afterLastCollection, Threading.Volatile.Read &outstanding)
        finally
            Threading.Monitor.Exit collecting

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
