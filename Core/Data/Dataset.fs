namespace Nabla.Data

open System
open System.Collections.Generic
open Microsoft.FSharp.Reflection
open Nabla
open Nabla.Raw

/// Row selection on LibTorch tensors: one index_select per tensor (the DataLoader's fast path).
module internal DataKernel =

    /// The rows `indices` of `t` (along its first dimension), as a new constant tensor.
    let rows (op: string) (t: Tensor) (indices: int[]) : Tensor =
        let r = Prim.RawOf t

        let index =
            Raw.ofArrayFor op (Array.map int64 indices) [| indices.Length |] t.Device

        Const(guard2 op r index (fun () -> r.index_select (0L, index)))

    /// Row `i` of `t` (a view sharing its storage, as PyTorch's `tensor[i]`).
    let row (op: string) (t: Tensor) (i: int) : Tensor =
        let r = Prim.RawOf t
        Const(guard1 op r (fun () -> r.select (0L, int64 i)))

    /// A random permutation of 0 .. n-1 drawn from a generator (null: the global one).
    let permutation (op: string) (n: int) (g: Generator) : int[] =
        use p = Raw.randperm op (int64 n) Dtype.Int64 Device.Cpu (Raw.torchGenerator g)
        Raw.toArrayOf<int64> op p |> Array.map int

    /// What PyTorch's `torch.empty((), dtype=torch.int64).random_(generator=g)` draws (one 64-bit
    /// number, modulo 2^63), from a generator (null: the global one). randint over the whole int64
    /// range draws the same 64-bit number v and returns v + 2^63 (mod 2^64): the same low 63 bits.
    let random63 (op: string) (g: Generator) : int64 =
        use r =
            Raw.randint op Int64.MinValue Int64.MaxValue [||] Dtype.Int64 Device.Cpu (Raw.torchGenerator g)

        (Raw.toArrayOf<int64> op r)[0] &&& Int64.MaxValue

/// Something a DataLoader can draw batches from: a number of samples and a way to make the batch
/// of any of them. Every Dataset is one (its batches are its samples collated by `GetBatch`);
/// `dataset.WithCollate f` is one whose batches are `f samples`.
type IBatchSource<'B> =
    /// The number of samples.
    abstract Count: int
    /// The batch made of the samples at these indices, in this order.
    abstract GetBatch: indices: int[] -> 'B

/// The default collate function: combines samples into a batch of the same shape of type.
[<RequireQualifiedAccess>]
module Collate =

    let rec private stackAs (ty: Type) (samples: obj[]) : obj =
        if ty = typeof<Tensor> then
            box (Tensor.stack 0 (samples |> Array.map unbox<Tensor>))
        elif ty = typeof<Tensor[]> then
            let arrays = samples |> Array.map unbox<Tensor[]>
            let k = arrays[0].Length

            match arrays |> Array.tryFindIndex (fun a -> a.Length <> k) with
            | Some i ->
                invalidArg
                    "samples"
                    $"Collate.stack: every sample must hold the same number of tensors; sample 0 has {k}, sample {i} has {arrays[i].Length}."
            | None -> box (Array.init k (fun j -> Tensor.stack 0 (arrays |> Array.map (fun a -> a[j]))))
        elif FSharpType.IsTuple ty then
            let fieldTypes = FSharpType.GetTupleElements ty
            let fields = samples |> Array.map FSharpValue.GetTupleFields

            let stacked =
                fieldTypes
                |> Array.mapi (fun j fty -> stackAs fty (fields |> Array.map (fun f -> f[j])))

            FSharpValue.MakeTuple(stacked, ty)
        else
            raise (
                InvalidOperationException(
                    $"Collate.stack: cannot collate samples of type {ty.Name} by default: samples must be tensors, tuples of tensors or tensor arrays. Give the DataLoader a collate function: DataLoader(dataset.WithCollate(fun samples -> ...), ...)."
                )
            )

    /// Stacks samples into a batch along a new first dimension: a tensor sample gives a tensor
    /// batch, a tuple of tensors (any arity, nested tuples too) a tuple of batches, a `Tensor[]`
    /// a `Tensor[]` of batches (PyTorch's `default_collate` for tensors, tuples and lists).
    let stack<'T> (samples: 'T[]) : 'T =
        if isNull samples || samples.Length = 0 then
            invalidArg "samples" "Collate.stack: needs at least one sample."

        stackAs typeof<'T> (samples |> Array.map box) :?> 'T

/// A map-style data set (PyTorch's `torch.utils.data.Dataset`): a number of samples and the sample
/// at each index. Subclass it (override `Count` and `Item`), or make one with `Dataset.init`.
/// `GetBatch` collates samples with `Collate.stack`; tensor datasets override it with one
/// index_select per tensor.
[<AbstractClass>]
type Dataset<'T>() =

    /// The number of samples.
    abstract Count: int

    /// The sample at an index, 0 ≤ index < Count.
    abstract Item: index: int -> 'T with get

    /// The samples at these indices collated into one batch (by default `Collate.stack`).
    abstract GetBatch: indices: int[] -> 'T

    default this.GetBatch(indices: int[]) =
        Collate.stack (indices |> Array.map (fun i -> this[i]))

    /// A batch source whose batches are `collate samples` (PyTorch's `collate_fn`), for a
    /// DataLoader: `DataLoader(dataset.WithCollate(fun samples -> ...), batchSize = 8)`.
    member this.WithCollate(collate: Func<'T[], 'B>) : IBatchSource<'B> =
        if isNull collate then
            raise (ArgumentNullException("collate", "Dataset.WithCollate: the collate function is null."))

        { new IBatchSource<'B> with
            member _.Count = this.Count

            member _.GetBatch indices =
                collate.Invoke(indices |> Array.map (fun i -> this[i]))
        }

    interface IBatchSource<'T> with
        member this.Count = this.Count
        member this.GetBatch indices = this.GetBatch indices

/// Checks the tensors of a tensor data set and selects rows of all of them.
type internal TensorColumns(op: string, tensors: Tensor[]) =
    do
        if isNull tensors || tensors.Length = 0 then
            invalidArg "tensors" $"{op}: needs at least one tensor."

        for t in tensors do
            if isNull (box t) then
                raise (ArgumentNullException("tensors", $"{op}: a tensor is null."))

            if t.Dim = 0 then
                invalidArg "tensors" $"{op}: every tensor needs a first (sample) dimension; got a 0-d tensor."

        let n = tensors[0].Shape[0]

        if tensors |> Array.exists (fun t -> t.Shape[0] <> n) then
            let shapes =
                String.Join(", ", tensors |> Array.map (fun t -> Raw.shapeText t.Shape))

            invalidArg
                "tensors"
                $"{op}: all tensors must have the same size in their first dimension (one row per sample); got shapes {shapes}."

    member _.Count = tensors[0].Shape[0]
    member _.Tensors = tensors

    member this.Row(i: int) =
        if i < 0 || i >= this.Count then
            raise (ArgumentOutOfRangeException("index", $"{op}: index {i} is out of range for {this.Count} samples."))

        tensors |> Array.map (fun t -> DataKernel.row op t i)

    member _.Rows(indices: int[]) =
        tensors |> Array.map (fun t -> DataKernel.rows op t indices)

/// A data set over tensors that share their first dimension, sample i being their rows i
/// (PyTorch's `TensorDataset`), in the shape `pack` gives the rows. A batch is one index_select
/// per tensor.
[<Sealed>]
type internal TensorTupleDataset<'T>(op: string, tensors: Tensor[], pack: Tensor[] -> 'T) =
    inherit Dataset<'T>()
    let columns = TensorColumns(op, tensors)
    override _.Count = columns.Count

    override _.Item
        with get (i: int) = pack (columns.Row i)

    override _.GetBatch(indices: int[]) = pack (columns.Rows indices)

/// Inputs and targets as one data set (PyTorch's `TensorDataset(x, y)`): sample i is
/// `(x[i], y[i])`, a batch `(x[indices], y[indices])` (one index_select each), so
/// `for x, y in DataLoader(TensorDataset(xs, ys), batchSize = 64) do ...` works. Other arities:
/// `TensorDataset.Of`.
[<Sealed>]
type TensorDataset(x: Tensor, y: Tensor) =
    inherit Dataset<Tensor * Tensor>()
    let columns = TensorColumns("TensorDataset", [| x; y |])

    /// The number of samples (rows).
    override _.Count = columns.Count

    /// Sample i: `(x[i], y[i])` (views sharing the tensors' storage, as in PyTorch).
    override _.Item
        with get (i: int) =
            let r = columns.Row i
            r[0], r[1]

    /// The rows `indices` of x and of y (one index_select each).
    override _.GetBatch(indices: int[]) =
        let r = columns.Rows indices
        r[0], r[1]

    /// The two tensors.
    member _.Tensors = x, y

    /// A data set over one tensor: sample i is `x[i]`.
    static member Of(x: Tensor) : Dataset<Tensor> =
        TensorTupleDataset("TensorDataset", [| x |], (fun r -> r[0]))

    /// A data set over two tensors (the same as `TensorDataset(x, y)`).
    static member Of(x: Tensor, y: Tensor) : Dataset<Tensor * Tensor> = TensorDataset(x, y)

    /// A data set over three tensors: sample i is `(x[i], y[i], z[i])`.
    static member Of(x: Tensor, y: Tensor, z: Tensor) : Dataset<Tensor * Tensor * Tensor> =
        TensorTupleDataset("TensorDataset", [| x; y; z |], (fun r -> r[0], r[1], r[2]))

    /// A data set over any number of tensors: sample i is the array of their rows i.
    static member Of(tensors: Tensor[]) : Dataset<Tensor[]> =
        TensorTupleDataset("TensorDataset", (if isNull tensors then null else Array.copy tensors), id)

/// The samples of a data set at the given indices, in that order (PyTorch's `Subset`). Batches
/// come from the underlying data set's `GetBatch` (so a tensor data set keeps its fast path).
[<Sealed>]
type Subset<'T>(dataset: Dataset<'T>, indices: int[]) =
    inherit Dataset<'T>()

    do
        if isNull (box dataset) then
            raise (ArgumentNullException("dataset", "Subset: the data set is null."))

        if isNull indices then
            raise (ArgumentNullException("indices", "Subset: the indices are null."))

        match indices |> Array.tryFind (fun i -> i < 0 || i >= dataset.Count) with
        | Some i ->
            raise (ArgumentOutOfRangeException("indices", $"Subset: index {i} is out of range for a data set of {dataset.Count} samples."))
        | None -> ()

    let indices = Array.copy indices

    /// The number of samples in the subset.
    override _.Count = indices.Length

    /// Sample i of the subset: sample `Indices[i]` of the data set.
    override _.Item
        with get (i: int) =
            if i < 0 || i >= indices.Length then
                raise (ArgumentOutOfRangeException("index", $"Subset: index {i} is out of range for {indices.Length} samples."))

            dataset[indices[i]]

    /// The batch of the underlying data set at the mapped indices.
    override _.GetBatch(batch: int[]) =
        dataset.GetBatch(batch |> Array.map (fun i -> indices[i]))

    /// The underlying data set.
    member _.Dataset = dataset

    /// The indices into the underlying data set (a copy).
    member _.Indices = Array.copy indices

/// Data sets one after the other (PyTorch's `ConcatDataset`).
[<Sealed>]
type ConcatDataset<'T>(datasets: seq<Dataset<'T>>) =
    inherit Dataset<'T>()

    do
        if isNull (box datasets) then
            raise (ArgumentNullException("datasets", "ConcatDataset: the sequence of data sets is null."))

    let parts = Seq.toArray datasets

    do
        if parts |> Array.exists (fun d -> isNull (box d)) then
            raise (ArgumentNullException("datasets", "ConcatDataset: a data set is null."))

    /// offsets[k]: the index of the first sample of part k; offsets[parts.Length]: the total.
    let offsets = Array.scan (fun acc (d: Dataset<'T>) -> acc + d.Count) 0 parts

    let locate (i: int) =
        if i < 0 || i >= offsets[parts.Length] then
            raise (ArgumentOutOfRangeException("index", $"ConcatDataset: index {i} is out of range for {offsets[parts.Length]} samples."))

        // the last part whose first index is ≤ i (skipping empty parts)
        let k = (Array.findIndexBack (fun o -> o <= i) offsets[.. parts.Length - 1])
        k, i - offsets[k]

    /// The total number of samples.
    override _.Count = offsets[parts.Length]

    /// Sample i: from the part that holds it.
    override _.Item
        with get (i: int) =
            let k, j = locate i
            parts[k][j]

    /// The data sets.
    member _.Datasets = Array.copy parts

/// Functions on data sets.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Dataset =

    /// A data set of `count` samples, sample i being `item i` (computed when asked for).
    let init (count: int) (item: int -> 'T) : Dataset<'T> =
        if count < 0 then
            invalidArg "count" $"Dataset.init: the count must be non-negative; got {count}."

        { new Dataset<'T>() with
            member _.Count = count

            member _.Item
                with get i =
                    if i < 0 || i >= count then
                        raise (ArgumentOutOfRangeException("index", $"Dataset: index {i} is out of range for {count} samples."))

                    item i
        }

    /// A data set over an array of samples (copied).
    let ofArray (samples: 'T[]) : Dataset<'T> =
        if isNull samples then
            raise (ArgumentNullException("samples", "Dataset.ofArray: the array is null."))

        let samples = Array.copy samples
        init samples.Length (fun i -> samples[i])

    /// The samples at these indices (a Subset).
    let subset (indices: int[]) (dataset: Dataset<'T>) : Dataset<'T> = Subset(dataset, indices)

    /// Splits a data set at random into subsets of these sizes, which must add up to its count
    /// (PyTorch's `random_split` with lengths): the subsets are consecutive runs of one random
    /// permutation drawn from a generator seeded with `seed`, so the same seed gives the same split.
    let randomSplitCounts (seed: int) (counts: int seq) (dataset: Dataset<'T>) : Subset<'T>[] =
        let counts = Seq.toArray counts

        if counts |> Array.exists (fun c -> c < 0) then
            invalidArg "counts" $"Dataset.randomSplit: sizes must be non-negative; got %A{counts}."

        let total = Array.sum counts

        if total <> dataset.Count then
            invalidArg
                "counts"
                $"Dataset.randomSplit: the sizes %A{counts} add up to {total}, but the data set has {dataset.Count} samples."

        use g = (Random.generator 0).Seed(int64 seed)
        let perm = DataKernel.permutation "Dataset.randomSplit" total g
        let offsets = Array.scan (+) 0 counts
        counts |> Array.mapi (fun k c -> Subset(dataset, Array.sub perm offsets[k] c))

    /// The sizes PyTorch's `random_split` gives fractions of n: floor(n·f) each, then the
    /// remainder distributed one by one, round-robin from the first subset.
    let splitSizes (n: int) (fractions: float seq) : int[] =
        let fractions = Seq.toArray fractions

        if fractions.Length = 0 then
            invalidArg "fractions" "Dataset.randomSplit: needs at least one fraction."

        if fractions |> Array.exists (fun f -> Double.IsNaN f || f < 0.0 || f > 1.0) then
            invalidArg "fractions" $"Dataset.randomSplit: fractions must be between 0 and 1; got %A{fractions}."

        let sum = Array.sum fractions

        if abs (sum - 1.0) > 1e-9 || sum > 1.0 + 1e-12 then
            invalidArg
                "fractions"
                $"Dataset.randomSplit: fractions must add up to 1; got %A{fractions} (sum {sum}). For sizes use Dataset.randomSplitCounts."

        let sizes = fractions |> Array.map (fun f -> int (floor (float n * f)))
        let remainder = n - Array.sum sizes

        for i in 0 .. remainder - 1 do
            sizes[i % sizes.Length] <- sizes[i % sizes.Length] + 1

        sizes

    /// Splits a data set at random into parts of these fractions, which must add up to 1
    /// (PyTorch's `random_split` with fractions: each part gets floor(n·fraction) samples, and the
    /// samples left over go one each to the first parts, round-robin). The same seed gives the same
    /// split: `let parts = Dataset.randomSplit 42 [ 0.8; 0.2 ] data`.
    let randomSplit (seed: int) (fractions: float seq) (dataset: Dataset<'T>) : Subset<'T>[] =
        randomSplitCounts seed (splitSizes dataset.Count fractions) dataset
