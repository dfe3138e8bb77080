/// Native memory: LibTorch buffers live outside the .NET heap, so the GC neither sees their
/// size nor frees them in time. Two mechanisms keep loops flat:
/// dispose scopes free intermediates deterministically, and every tensor that ends up outside
/// any scope reports its native size to the GC (memory pressure) until it is collected.
///
/// Memory pressure alone is not enough where the managed heap is large: the runtime's trigger
/// grows with the heap (a third of it), and in `dotnet fsi` (server GC, the compiler's own heap)
/// 100,000 small gradients grew resident memory by 40 to 150 MB with pressure alone. So once
/// tracked memory has grown by a step, Nabla also asks for a gen-1 collection, on the allocating
/// thread, and never waits for finalizers there: that thread may hold a lock a finalizer needs
/// (a deadlock), and the finalizer thread frees the dropped tensors concurrently anyway. The
/// alternatives, measured, are in docs/architecture.md (Scopes and memory).
module internal Nabla.Memory

open System
open System.Runtime.CompilerServices
open TorchSharp

/// Native bytes held by tracked tensors that the GC has not collected yet.
let mutable private outstanding = 0L

/// What growth is measured from: `outstanding` when Nabla last asked for a collection, lowered
/// by the finalizers that follow to what really survived. What stays alive (real data) raises
/// it, so a program that legitimately holds much memory is not collected over and over; garbage
/// the collection could not reach (already in gen 2) does not, so it cannot delay the next one.
let mutable private baseline = 0L

/// How much tracked native memory may accumulate above the baseline before Nabla asks for a
/// collection: it is the finalizers of dropped tensors that free their native buffers. It bounds
/// the garbage a loop keeps; in dotnet fsi, 32 MB of it plus the server GC's own heap growth
/// reached 38 MB of the 50 MB the tests allow, and halving it costs one more gen-1 collection per
/// 16 MB of dropped tensors.
let private collectionStep = 16L * 1024L * 1024L

/// Lowers the baseline to `now` if it is higher (finalizers, in any order, race with a request).
let rec private lowerBaseline (now: int64) =
    let seen = Threading.Volatile.Read &baseline

    if
        now < seen
        && Threading.Interlocked.CompareExchange(&baseline, now, seen) <> seen
    then
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

/// Once tracked memory has grown by collectionStep above the baseline, collects young garbage so
/// that the finalizer thread frees the dropped tensors. A gen-1 collection pauses every managed
/// thread whoever starts it (a collecting thread of Nabla's own would not shorten the pause), and
/// that pause is all the allocating thread bears: it does not wait for finalizers. One thread
/// wins each request.
let private collectIfGrown () =
    let seen, now =
        Threading.Volatile.Read &baseline, Threading.Volatile.Read &outstanding

    if
        now - seen > collectionStep
        && Threading.Interlocked.CompareExchange(&baseline, now, seen) = seen
    then
        GC.Collect(1, GCCollectionMode.Forced, true)

/// Makes the GC count a tensor's native size (data plus bookkeeping). Idempotent.
let track (t: torch.Tensor) =
    if not t.IsInvalid then
        let bytes = t.NumberOfElements * t.ElementSize + overheadBytes

        if tokens.TryAdd(t, PressureToken bytes) then
            collectIfGrown ()

/// Takes a tensor out of every dispose scope for good and lets the GC see its size: parameters,
/// buffers and gradients outlive the steps that make them.
let keep (t: torch.Tensor) =
    t.DetachFromDisposeScope() |> ignore
    track t

/// Called on every tensor Nabla creates: outside any dispose scope nothing will free it
/// deterministically, so the GC must see its size.
let inline adopt (t: torch.Tensor) =
    if isNull torch.CurrentDisposeScope then
        track t

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

        if isNull outer then
            Array.iter track owned

    /// Moves everything created in this scope out of it (used when a result still references
    /// intermediates: a graph that an enclosing transform will differentiate, or a pullback).
    member this.EscapeAll() =
        this.Escape(
            scope.DisposablesView
            |> Seq.choose (function
                | :? torch.Tensor as t -> Some t
                | _ -> None)
            |> Seq.toArray
        )

    /// Frees every tensor created in this scope that did not escape.
    member _.Dispose() = scope.Dispose()

    interface IDisposable with
        member this.Dispose() = this.Dispose()
