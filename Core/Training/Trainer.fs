namespace Nabla.Training

open System
open System.Collections.Generic
open System.Diagnostics
open System.Globalization
open System.Runtime.InteropServices
open System.Threading
open Nabla
open Nabla.NN
open Nabla.Optimizers

/// Why Trainer.Fit returned.
type StopReason =
    /// Every epoch ran.
    | Completed
    /// The monitored loss did not improve for `patience` epochs.
    | EarlyStopped
    /// The CancellationToken was cancelled (between batches).
    | Cancelled
    /// A callback called Trainer.Stop().
    | StoppedByCallback

/// What one optimizer step did.
type BatchResult =
    {
        Epoch: int
        /// 1-based index of the batch in its epoch.
        Batch: int
        Loss: float
        /// The total 2-norm of the gradients before clipping.
        GradNorm: float
        LearningRate: float
    }

/// What one epoch did.
type EpochResult =
    {
        Epoch: int
        /// The mean training loss over the epoch's samples.
        TrainLoss: float
        /// The mean validation loss (None without validation data).
        ValidationLoss: float option
        /// The metrics on the validation data (on the training data without validation data).
        Metrics: Map<string, float>
        /// The mean gradient norm (before clipping) over the epoch's steps.
        GradNorm: float
        /// The learning rate of the first parameter group in the epoch's last step.
        LearningRate: float
        /// True when the monitored loss improved on the best so far (by more than minDelta).
        Improved: bool
        Duration: TimeSpan
        SamplesPerSecond: float
    }

/// What Trainer.Fit returns: every epoch's results, the best epoch, and why it stopped.
type FitResult =
    {
        History: EpochResult list
        /// The epoch with the lowest monitored loss (validation loss, or training loss without validation data).
        BestEpoch: int option
        BestLoss: float option
        /// A copy of the model's state dict at the best epoch (when keepBest).
        BestState: Params option
        Stopped: StopReason
    }

/// The mean loss and metrics of a model over a data set (Trainer.Evaluate).
type Evaluation =
    {
        Loss: float
        Metrics: Map<string, float>
        /// The number of samples seen.
        Samples: int
    }

/// A named quantity computed on batches (output, target) and averaged over samples.
type Metric =
    {
        Name: string
        /// The metric's mean over the batch.
        Compute: Tensor -> Tensor -> float
    }

/// Common metrics.
[<RequireQualifiedAccess>]
module Metrics =

    /// The fraction of rows whose largest output is at the target class (targets: class indices,
    /// or one-hot / probability rows).
    let accuracy: Metric =
        {
            Name = "accuracy"
            Compute =
                fun output target ->
                    let predicted = Tensor.argmaxDim -1 output

                    let labels =
                        if target.Dtype.IsFloatingPoint && target.Shape = output.Shape then
                            Tensor.argmaxDim -1 target
                        else
                            target

                    if predicted.Shape <> labels.Shape then
                        invalidArg
                            "target"
                            $"Metrics.accuracy: the predictions have shape {Raw.shapeText predicted.Shape} (the output's without its last dimension) but the targets have shape {Raw.shapeText labels.Shape}."

                    let hits = Tensor.eq predicted (Tensor.toDtype predicted.Dtype labels)
                    (hits |> Tensor.toDtype Dtype.Float64 |> Tensor.mean).ToScalar()
        }

/// Trains a model with an optimizer and a loss function (Keras' fit, PyTorch Lightning's
/// Trainer): epochs over batches of (input, target), or over a closure that computes the loss;
/// validation after each epoch; callbacks after each batch and epoch; early stopping; the best
/// state kept in memory; cancellation; a progress bar with the running loss, gradient norm and
/// speed (plain lines when the output is redirected).
///
/// Options: `maxGradNorm` clips the gradients' total 2-norm before each step; `patience` stops
/// after that many epochs without an improvement larger than `minDelta` of the monitored loss
/// (validation loss, or training loss without validation data); `keepBest` (default true) keeps a
/// copy of the state dict at the best epoch, and `restoreBest` loads it back at the end;
/// `metrics` are computed on the validation data each epoch; `scheduler` is stepped after each
/// epoch (after each batch with `schedulerPerBatch`, as OneCycleLR wants), `reduceOnPlateau` after
/// each epoch with the monitored loss; `progress` chooses the display, and `output` where its
/// plain lines go (the console by default; a log file, say); with a `writer`, TensorBoard gets
/// each step's loss (`train/loss_step`) and each epoch's training loss, gradient norm and learning
/// rate (`train/loss`, `train/grad_norm`, `train/learning_rate`), validation loss and metrics
/// (`validation/loss`, `validation/<metric>`); with `lossCurve` (a .png or .svg path), Fit ends by
/// drawing the epochs' training (and validation) losses there.
[<Sealed>]
type Trainer
    (
        model: Module,
        optimizer: Optimizer,
        loss: Tensor -> Tensor -> Tensor,
        ?maxGradNorm: float,
        ?patience: int,
        ?minDelta: float,
        ?keepBest: bool,
        ?restoreBest: bool,
        ?metrics: Metric list,
        ?scheduler: LRScheduler,
        ?schedulerPerBatch: bool,
        ?reduceOnPlateau: ReduceLROnPlateau,
        ?progress: ProgressDisplay,
        ?output: IO.TextWriter,
        ?writer: SummaryWriter,
        ?lossCurve: string
    ) =
    do
        if isNull (box model) then
            nullArg "model"

        if isNull (box optimizer) then
            nullArg "optimizer"

        if isNull (box loss) then
            nullArg "loss"

        match maxGradNorm with
        | Some m when not (m > 0.0) ->
            raise (ArgumentOutOfRangeException("maxGradNorm", $"Trainer: maxGradNorm must be positive; got {m}."))
        | _ -> ()

        match patience with
        | Some p when p < 1 -> raise (ArgumentOutOfRangeException("patience", $"Trainer: patience must be at least 1 epoch; got {p}."))
        | _ -> ()

    let minDelta = defaultArg minDelta 0.0
    let keepBest = defaultArg keepBest true
    let restoreBest = defaultArg restoreBest false
    let metrics = defaultArg metrics []
    let schedulerPerBatch = defaultArg schedulerPerBatch false
    let display = defaultArg progress ProgressDisplay.Auto
    let output = defaultArg output Console.Out
    let batchCallbacks = List<BatchResult -> unit>()
    let epochCallbacks = List<EpochResult -> unit>()
    let mutable stopRequested = false

    let learningRate () =
        if optimizer.ParamGroups.Count > 0 && optimizer.ParamGroups[0].HasOption "lr" then
            optimizer.ParamGroups[0].Lr
        else
            nan

    /// One optimizer step on the loss `compute` returns: returns (loss, gradient norm).
    let step (parameters: Tensor list) (compute: unit -> Tensor) =
        use scope = new Memory.Scope()
        optimizer.ZeroGrad()
        let l = AD.enableGrad compute

        if l.Numel <> 1 then
            invalidOp
                $"Trainer: the loss must be a single number; got shape {Raw.shapeText l.Shape}. Reduce it (Tensor.mean) or use a loss with reduction mean/sum."

        l.Backward()

        let norm =
            match maxGradNorm with
            | Some m -> Optim.clipGradNorm parameters m
            | None -> Optim.gradNorm parameters

        let lr = learningRate ()
        optimizer.Step()

        if schedulerPerBatch then
            scheduler |> Option.iter (fun s -> s.Step())

        l.ToScalar(), norm, lr

    /// Mean loss and metrics over batches, in eval mode without recording.
    let evaluate (what: string) (batches: seq<Tensor * Tensor>) =
        let wasTraining = model.IsTraining
        model.Eval()

        try
            AD.noGrad (fun () ->
                let mutable total, count = 0.0, 0
                let sums = Array.zeroCreate<float> metrics.Length

                for x, y in batches do
                    use scope = new Memory.Scope()
                    let output = model.Forward x
                    let n = if x.Shape.Length = 0 then 1 else x.Shape[0]
                    total <- total + (loss output y).ToScalar() * float n

                    metrics
                    |> List.iteri (fun i m -> sums[i] <- sums[i] + m.Compute output y * float n)

                    count <- count + n

                if count = 0 then
                    invalidArg what $"Trainer: the {what} data has no batches."

                {
                    Loss = total / float count
                    Metrics = metrics |> List.mapi (fun i m -> m.Name, sums[i] / float count) |> Map.ofList
                    Samples = count
                })
        finally
            model.Train wasTraining

    /// The mean loss (weighted by batch size) and the metrics over `data`, batches of (input,
    /// target) such as a test DataLoader, in eval mode without recording; the model's mode is
    /// restored afterwards.
    member _.Evaluate(data: seq<Tensor * Tensor>) : Evaluation =
        if isNull (box data) then
            nullArg "data"

        evaluate "data" data

    /// Adds a callback run after every optimizer step.
    member this.OnBatch(callback: BatchResult -> unit) =
        batchCallbacks.Add callback
        this

    /// Adds a callback run after every epoch (after validation), e.g. to step a scheduler or log.
    member this.OnEpoch(callback: EpochResult -> unit) =
        epochCallbacks.Add callback
        this

    /// Asks Fit to stop after the current batch (from a callback, or another thread).
    member _.Stop() = stopRequested <- true

    /// The model being trained.
    member _.Model = model

    /// The optimizer.
    member _.Optimizer = optimizer

    member private _.Run
        (
            epochs: int,
            batchesPerEpoch: unit -> int,
            runEpoch: int -> IProgressReporter -> (float * float * int * float -> unit) -> (unit -> bool) -> unit,
            validate: (unit -> float * Map<string, float>) option,
            unit: string,
            token: CancellationToken
        ) =
        if epochs < 0 then
            raise (ArgumentOutOfRangeException("epochs", $"Trainer.Fit: epochs must be at least 0; got {epochs}."))

        stopRequested <- false
        let history = List<EpochResult>()
        let mutable best: (int * float) option = None
        let mutable bestState: Params option = None
        let mutable sinceBest = 0
        let mutable reason = Completed
        let mutable lastLr = learningRate ()
        let mutable globalStep = 0
        let parameters = model.Parameters()
        let invariant = CultureInfo.InvariantCulture

        let shouldStop () =
            if token.IsCancellationRequested then
                reason <- Cancelled
                true
            elif stopRequested then
                reason <- StoppedByCallback
                true
            else
                false

        Progress.run display output (fun reporter ->
            let mutable epoch = 1

            while epoch <= epochs && reason = Completed && not (shouldStop ()) do
                model.Train()
                let watch = Stopwatch.StartNew()
                let mutable lossSum, normSum, samples, steps = 0.0, 0.0, 0, 0
                let total = batchesPerEpoch ()
                reporter.StartEpoch(epoch, epochs, total)

                let afterBatch (l: float, norm: float, n: int, lr: float) =
                    lastLr <- lr
                    lossSum <- lossSum + l * float n
                    normSum <- normSum + norm
                    samples <- samples + n
                    steps <- steps + 1

                    let result =
                        {
                            Epoch = epoch
                            Batch = steps
                            Loss = l
                            GradNorm = norm
                            LearningRate = lr
                        }

                    writer
                    |> Option.iter (fun w -> w.AddScalar("train/loss_step", l, int64 globalStep))

                    globalStep <- globalStep + 1

                    for c in batchCallbacks do
                        c result

                    reporter.Batch
                        {
                            Done = steps
                            Total = total
                            RunningLoss = lossSum / float samples
                            GradNorm = norm
                            SamplesPerSecond = float samples / max watch.Elapsed.TotalSeconds 1e-9
                        }

                runEpoch epoch reporter afterBatch shouldStop

                if reason = Completed && steps > 0 then
                    let trainLoss = lossSum / float samples
                    let validation = validate |> Option.map (fun v -> v ())
                    watch.Stop()

                    let monitored =
                        match validation with
                        | Some(v, _) -> v
                        | None -> trainLoss

                    let improved =
                        match best with
                        | None -> not (Double.IsNaN monitored)
                        | Some(_, b) -> monitored < b - minDelta

                    let lrUsed = lastLr

                    if not schedulerPerBatch then
                        scheduler |> Option.iter (fun s -> s.Step())

                    reduceOnPlateau |> Option.iter (fun s -> s.Step monitored)

                    if improved then
                        best <- Some(epoch, monitored)
                        sinceBest <- 0

                        if keepBest then
                            bestState <- Some(model.StateDict() |> Params.map Optimizer.Copy)
                    else
                        sinceBest <- sinceBest + 1

                    let result =
                        {
                            Epoch = epoch
                            TrainLoss = trainLoss
                            ValidationLoss = validation |> Option.map fst
                            Metrics = validation |> Option.map snd |> Option.defaultValue Map.empty
                            GradNorm = normSum / float steps
                            LearningRate = lrUsed
                            Improved = improved
                            Duration = watch.Elapsed
                            SamplesPerSecond = float samples / max watch.Elapsed.TotalSeconds 1e-9
                        }

                    history.Add result

                    writer
                    |> Option.iter (fun w ->
                        let e = int64 epoch
                        w.AddScalar("train/loss", trainLoss, e)
                        w.AddScalar("train/grad_norm", result.GradNorm, e)
                        w.AddScalar("train/learning_rate", result.LearningRate, e)

                        result.ValidationLoss
                        |> Option.iter (fun v -> w.AddScalar("validation/loss", v, e))

                        for KeyValue(k, v) in result.Metrics do
                            w.AddScalar("validation/" + k, v, e)

                        w.Flush())

                    let summary =
                        let parts =
                            [
                                $"epoch {epoch}/{epochs}"
                                $"loss {Progress.number trainLoss}"
                                match result.ValidationLoss with
                                | Some v -> $"val_loss {Progress.number v}"
                                | None -> ()
                                for KeyValue(k, v) in result.Metrics do
                                    $"{k} {Progress.number v}"
                                $"|g| {Progress.number result.GradNorm}"
                                $"lr {Progress.number result.LearningRate}"
                                Progress.speed result.SamplesPerSecond unit
                                result.Duration.TotalSeconds.ToString("0.00", invariant) + " s"
                            ]

                        String.Join("  ", parts)

                    reporter.EndEpoch summary

                    for c in epochCallbacks do
                        c result

                    match patience with
                    | Some p when sinceBest >= p -> reason <- EarlyStopped
                    | _ -> ()

                epoch <- epoch + 1)

        match lossCurve with
        | Some path when history.Count > 0 ->
            let validation =
                if history |> Seq.forall (fun e -> e.ValidationLoss.IsSome) then
                    Some(history |> Seq.map (fun e -> e.ValidationLoss.Value) |> Seq.toArray)
                else
                    None

            Plot.lossCurve (
                path,
                history |> Seq.map (fun e -> e.TrainLoss) |> Seq.toArray,
                ?validation = (validation |> Option.map Seq.ofArray),
                xLabel = "epoch"
            )
        | _ -> ()

        if restoreBest then
            match bestState with
            | Some s -> model.LoadStateDict s
            | None -> ()

        {
            History = List.ofSeq history
            BestEpoch = best |> Option.map fst
            BestLoss = best |> Option.map snd
            BestState = bestState
            Stopped = reason
        }

    /// Trains for `epochs` passes over `train` (batches of (input, target), e.g. a DataLoader),
    /// evaluating on `validation` after each epoch. Cancelling the token stops between batches;
    /// the result then says Cancelled and holds the finished epochs.
    member this.Fit
        (
            train: seq<Tensor * Tensor>,
            epochs: int,
            [<Optional>] validation: seq<Tensor * Tensor>,
            [<Optional>] cancellationToken: CancellationToken
        ) : FitResult =
        if isNull (box train) then
            nullArg "train"

        let parameters = model.Parameters()

        let count () =
            match train with
            | :? ICollection<Tensor * Tensor> as c -> c.Count
            | :? IReadOnlyCollection<Tensor * Tensor> as c -> c.Count
            | _ -> 0

        let runEpoch _ (_: IProgressReporter) afterBatch (shouldStop: unit -> bool) =
            use e = train.GetEnumerator()

            while not (shouldStop ()) && e.MoveNext() do
                let x, y = e.Current
                let n = if x.Shape.Length = 0 then 1 else x.Shape[0]

                let l, norm, lr = step parameters (fun () -> loss (model.Forward x) y)
                afterBatch (l, norm, n, lr)

        let validate =
            if isNull (box validation) then
                None
            else
                Some(fun () ->
                    let e = evaluate "validation" validation
                    e.Loss, e.Metrics)

        this.Run(epochs, count, runEpoch, validate, "samples", cancellationToken)

    /// Trains for `epochs` steps of full-batch training: each epoch calls `computeLoss` (which
    /// runs the model and returns the loss), then Backward, clipping and the optimizer step.
    member this.Fit(computeLoss: unit -> Tensor, epochs: int, [<Optional>] cancellationToken: CancellationToken) : FitResult =
        if isNull (box computeLoss) then
            nullArg "computeLoss"

        let parameters = model.Parameters()

        let runEpoch _ (_: IProgressReporter) afterBatch (shouldStop: unit -> bool) =
            if not (shouldStop ()) then
                let l, norm, lr = step parameters computeLoss
                afterBatch (l, norm, 1, lr)

        this.Run(epochs, (fun () -> 1), runEpoch, None, "steps", cancellationToken)
