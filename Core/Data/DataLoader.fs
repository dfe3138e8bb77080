namespace Nabla.Data

open System
open System.Collections
open System.Collections.Generic
open System.Threading.Tasks
open Nabla

/// Batches of a data set, epoch after epoch (PyTorch's `DataLoader`): iterating it is one epoch.
///
/// `for x, y in DataLoader(TensorDataset(xs, ys), batchSize = 64, shuffle = true, seed = 42) do ...`
///
/// - `batchSize` (default 1), `dropLast` (default false: the last batch may be smaller).
/// - `shuffle` (default false), with the orders PyTorch's DataLoader gives, draw for draw:
///   with `generator`, drawn from it (PyTorch's `generator=g`); with `seed`, from the loader's own
///   generator seeded with it (PyTorch's `generator=torch.Generator().manual_seed(seed)`): the same
///   seed gives the same orders, each epoch its own; with neither, from the global generator, so
///   `Random.seed` fixes them (PyTorch's `torch.manual_seed`). As in PyTorch, each epoch also draws
///   one number from that generator, shuffled or not. `Epoch` is the number of the next epoch;
///   with a seed, setting it replays that epoch's order.
/// - the source: a Dataset (batches collated by its `GetBatch`: stacked samples, or one
///   index_select per tensor for tensor data sets) or `dataset.WithCollate f` (PyTorch's
///   `collate_fn`).
/// - `prefetch` (default true): batch k+1 is made by a background task while the caller works on
///   batch k; an exception making a batch is raised to the caller when it asks for that batch.
///   The data set is then read by one background thread at a time, never by two at once.
///
/// Batches are ordinary constant tensors the caller owns. With prefetch they are made outside any
/// dispose scope (the GC sees their native size and frees them once dropped, or `Tensor.dispose`
/// frees one now); without, on the caller's thread like any tensor operation (inside the caller's
/// `Scope.run`, they are freed when it ends). Whatever the collate makes besides the batch is
/// freed as soon as the batch is made.
[<Sealed>]
type DataLoader<'B>
    (source: IBatchSource<'B>, ?batchSize: int, ?shuffle: bool, ?seed: int, ?generator: Generator, ?dropLast: bool, ?prefetch: bool) =
    do
        if isNull (box source) then
            raise (ArgumentNullException("source", "DataLoader: the data set is null."))

    let batchSize = defaultArg batchSize 1
    let shuffle = defaultArg shuffle false
    let dropLast = defaultArg dropLast false
    let prefetch = defaultArg prefetch true

    do
        if batchSize <= 0 then
            invalidArg "batchSize" $"DataLoader: batchSize must be positive; got {batchSize}."

        if seed.IsSome && generator.IsSome then
            invalidArg "generator" "DataLoader: give either a seed or a generator for shuffling, not both."

    let mutable epoch = 0

    /// With a seed: the loader's own generator, and how many epochs have been drawn from it.
    let own = seed |> Option.map (fun s -> (Random.generator 0).Seed(int64 s))
    let mutable drawn = 0

    /// The order of one epoch, drawn from a generator (null: the global one) as PyTorch's
    /// DataLoader draws it: first its `_base_seed` (one number, shuffled or not); then, shuffled, a
    /// permutation from the generator and a second one (RandomSampler's final `randperm(n)[:0]`), or
    /// for the global generator a seed for a fresh generator that draws the permutation.
    let drawEpoch (g: Generator) =
        let n = source.Count
        DataKernel.random63 "DataLoader" g |> ignore

        if not shuffle || n = 0 then
            Array.init n id
        elif isNull (box g) then
            use fresh =
                (Random.generator 0).Seed(DataKernel.random63 "DataLoader" Unchecked.defaultof<Generator>)

            DataKernel.permutation "DataLoader" n fresh
        else
            let order = DataKernel.permutation "DataLoader" n g
            DataKernel.permutation "DataLoader" n g |> ignore
            order

    let order (epoch: int) =
        match own, generator with
        | Some g, _ ->
            // replay the generator to this epoch (rewinding when an earlier one is asked for)
            if epoch < drawn then
                g.Seed(int64 seed.Value) |> ignore
                drawn <- 0

            while drawn < epoch do
                drawEpoch g |> ignore
                drawn <- drawn + 1

            drawn <- epoch + 1
            drawEpoch g
        | None, Some g -> drawEpoch g
        | None, None -> drawEpoch Unchecked.defaultof<Generator>

    let batchCount (n: int) =
        if dropLast then
            n / batchSize
        else
            (n + batchSize - 1) / batchSize

    /// The batches of one epoch in this order.
    let batches (order: int[]) : seq<'B> =
        let count = batchCount order.Length

        // in its own scope: intermediates (index tensors, stacked samples) are freed, the batch leaves
        let make k =
            let start = k * batchSize
            let indices = Array.sub order start (min batchSize (order.Length - start))
            Scope.run (fun () -> source.GetBatch indices)

        if not prefetch then
            Seq.init count make
        else
            seq {
                let pending: Task<'B> ref = ref null

                try
                    if count > 0 then
                        pending.Value <- Task.Run(fun () -> make 0)

                    for k in 0 .. count - 1 do
                        // GetResult rethrows the task's exception as it was thrown (no AggregateException)
                        let batch = pending.Value.GetAwaiter().GetResult()

                        pending.Value <-
                            if k + 1 < count then
                                Task.Run(fun () -> make (k + 1))
                            else
                                null

                        yield batch
                finally
                    // left early (break, an exception): let the batch being made finish, so nothing
                    // reads the data set after the loop, and observe its exception
                    match pending.Value with
                    | null -> ()
                    | t ->
                        try
                            t.Wait()
                        with _ ->
                            ()
            }

    /// The number of batches per epoch: ⌈n / batchSize⌉, or ⌊n / batchSize⌋ with dropLast.
    member _.Count = batchCount source.Count

    /// The number of samples in the data set.
    member _.SampleCount = source.Count

    /// The batch size.
    member _.BatchSize = batchSize

    /// Whether the last, smaller batch is dropped.
    member _.DropLast = dropLast

    /// Whether each epoch visits the samples in a new random order.
    member _.Shuffle = shuffle

    /// Whether the next batch is made in the background.
    member _.Prefetch = prefetch

    /// The number of the next epoch (0 for the first; each iteration increments it). With a seed,
    /// it picks the order: set it to resume a run at a given epoch (the generator is replayed).
    member _.Epoch
        with get () = epoch
        and set (value: int) =
            if value < 0 then
                invalidArg "value" $"DataLoader.Epoch: the epoch must be non-negative; got {value}."

            epoch <- value

    /// The sample order of the next epoch, which then starts: the indices, batch after batch.
    member internal _.NextOrder() =
        let e = epoch
        epoch <- epoch + 1
        order e

    /// One epoch: the batches in this epoch's order.
    member this.GetEnumerator() : IEnumerator<'B> =
        (batches (this.NextOrder())).GetEnumerator()

    interface IEnumerable<'B> with
        member this.GetEnumerator() : IEnumerator<'B> = this.GetEnumerator()

    interface IEnumerable with
        member this.GetEnumerator() : IEnumerator = this.GetEnumerator() :> IEnumerator

    /// The batches per epoch as a collection's count, so that consumers (the Trainer's progress
    /// bar) know an epoch's length.
    interface IReadOnlyCollection<'B> with
        member this.Count = this.Count
