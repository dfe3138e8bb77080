/// Native memory: LibTorch buffers live outside the .NET heap, so the GC neither sees their
/// size nor frees them in time. Two mechanisms keep loops flat (DESIGN.md, Memory):
/// dispose scopes free intermediates deterministically, and every tensor that ends up outside
/// any scope reports its native size to the GC (memory pressure) until it is collected.
module internal Nabla.Memory

open System
open System.Runtime.CompilerServices
open TorchSharp

/// Reports `bytes` of native memory to the GC for as long as this object lives.
[<Sealed; AllowNullLiteral>]
type private PressureToken(bytes: int64) =
    do GC.AddMemoryPressure bytes
    override _.Finalize() = GC.RemoveMemoryPressure bytes

/// A token lives exactly as long as its tensor: when the tensor becomes garbage, so does the
/// token, and its finalizer withdraws the pressure.
let private tokens = ConditionalWeakTable<torch.Tensor, PressureToken>()

/// LibTorch's own bookkeeping per tensor (TensorImpl, storage, autograd meta), roughly.
let private overheadBytes = 512L

/// Makes the GC count a tensor's native size (data plus bookkeeping). Idempotent.
let track (t: torch.Tensor) =
    if not t.IsInvalid then
        let bytes = t.NumberOfElements * t.ElementSize + overheadBytes
        tokens.TryAdd(t, PressureToken bytes) |> ignore

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
