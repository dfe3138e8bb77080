using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using static Nabla.CSharp.TrainingInterop;
using F = global::Nabla;
using FT = global::Nabla.Training;

namespace Nabla.CSharp;

/// <summary>Why <see cref="Trainer.Fit(IEnumerable{Batch}, IEnumerable{Batch}?, CancellationToken)"/> returned.</summary>
public enum StopReason
{
    /// <summary>Every epoch ran.</summary>
    Completed,

    /// <summary>The monitored loss did not improve for <c>patience</c> epochs (early stopping).</summary>
    EarlyStopped,

    /// <summary>The cancellation token was cancelled (checked between batches).</summary>
    Cancelled,

    /// <summary>A callback (or another thread) called <see cref="Trainer.Stop"/>.</summary>
    StoppedByCallback,
}

/// <summary>How <see cref="Trainer"/> shows its progress on the console.</summary>
public enum ProgressDisplay
{
    /// <summary>A live bar in an interactive terminal, plain lines when the output is redirected.</summary>
    Auto = 0,

    /// <summary>A live progress bar per epoch with the running loss, gradient norm and speed.</summary>
    Bar = 1,

    /// <summary>One plain line per epoch.</summary>
    Lines = 2,

    /// <summary>Nothing.</summary>
    Silent = 3,
}

/// <summary>When <see cref="Trainer.WithScheduler"/> steps its scheduler.</summary>
public enum SchedulerStep
{
    /// <summary>After each epoch (StepLR, CosineAnnealingLR, ...).</summary>
    PerEpoch,

    /// <summary>After each optimizer step (OneCycleLR, CyclicLR).</summary>
    PerBatch,
}

/// <summary>What one optimizer step of <see cref="Trainer"/> did.</summary>
public sealed record BatchReport
{
    internal BatchReport(FT.BatchResult r)
    {
        Epoch = r.Epoch;
        Batch = r.Batch;
        Loss = r.Loss;
        GradNorm = r.GradNorm;
        LearningRate = r.LearningRate;
    }

    /// <summary>The epoch (from 1).</summary>
    public int Epoch { get; init; }

    /// <summary>The index of the batch in its epoch (from 1).</summary>
    public int Batch { get; init; }

    /// <summary>The batch's loss.</summary>
    public double Loss { get; init; }

    /// <summary>The total 2-norm of the gradients before clipping.</summary>
    public double GradNorm { get; init; }

    /// <summary>The learning rate of the first parameter group in this step.</summary>
    public double LearningRate { get; init; }
}

/// <summary>What one epoch of <see cref="Trainer"/> did.</summary>
public sealed record EpochReport
{
    internal EpochReport(FT.EpochResult r)
    {
        Epoch = r.Epoch;
        TrainLoss = r.TrainLoss;
        ValidationLoss = ToNullable(r.ValidationLoss);
        Metrics = ToDictionary(r.Metrics);
        GradNorm = r.GradNorm;
        LearningRate = r.LearningRate;
        Improved = r.Improved;
        Duration = r.Duration;
        SamplesPerSecond = r.SamplesPerSecond;
    }

    /// <summary>The epoch (from 1).</summary>
    public int Epoch { get; init; }

    /// <summary>The mean training loss over the epoch's samples.</summary>
    public double TrainLoss { get; init; }

    /// <summary>The mean validation loss (null without validation data).</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>The metrics on the validation data (empty without validation data).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>The mean gradient norm (before clipping) over the epoch's steps.</summary>
    public double GradNorm { get; init; }

    /// <summary>The learning rate of the first parameter group in the epoch's last step.</summary>
    public double LearningRate { get; init; }

    /// <summary>True when the monitored loss improved on the best so far (by more than minDelta).</summary>
    public bool Improved { get; init; }

    /// <summary>The epoch's wall-clock time.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Training samples per second.</summary>
    public double SamplesPerSecond { get; init; }
}

/// <summary>What <see cref="Trainer.Fit(IEnumerable{Batch}, IEnumerable{Batch}?, CancellationToken)"/> returns:
/// every epoch's report, the best epoch, and why it stopped.</summary>
public sealed record FitResult
{
    internal FitResult(FT.FitResult r)
    {
        var history = new List<EpochReport>();
        foreach (var e in r.History) history.Add(new EpochReport(e));
        History = history;
        BestEpoch = ToNullable(r.BestEpoch);
        BestLoss = ToNullable(r.BestLoss);
        BestState = r.BestState is { } s ? Params.Wrap(s.Value) : null;
        Stopped = r.Stopped.Tag switch
        {
            FT.StopReason.Tags.Completed => StopReason.Completed,
            FT.StopReason.Tags.EarlyStopped => StopReason.EarlyStopped,
            FT.StopReason.Tags.Cancelled => StopReason.Cancelled,
            _ => StopReason.StoppedByCallback,
        };
    }

    /// <summary>The report of every finished epoch, in order.</summary>
    public IReadOnlyList<EpochReport> History { get; init; }

    /// <summary>The epoch with the lowest monitored loss (validation loss, or training loss without
    /// validation data); null when no epoch finished.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>The lowest monitored loss.</summary>
    public double? BestLoss { get; init; }

    /// <summary>A copy of the model's state dict at the best epoch (unless <c>KeepBest(false)</c>).</summary>
    public Params? BestState { get; init; }

    /// <summary>Why the fit returned.</summary>
    public StopReason Stopped { get; init; }

    /// <summary>The training loss of the last finished epoch (NaN when none finished).</summary>
    public double FinalLoss => History.Count > 0 ? History[History.Count - 1].TrainLoss : double.NaN;
}

/// <summary>The mean loss and metrics of a model over a data set (<see cref="Trainer.Evaluate"/>).</summary>
public sealed record Evaluation
{
    internal Evaluation(FT.Evaluation e)
    {
        Loss = e.Loss;
        Metrics = ToDictionary(e.Metrics);
        Samples = e.Samples;
    }

    /// <summary>The mean loss, weighted by batch size.</summary>
    public double Loss { get; init; }

    /// <summary>The metrics by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>The number of samples seen.</summary>
    public int Samples { get; init; }
}

/// <summary>
/// Trains a model with an optimizer and a loss (Keras' <c>fit</c>, PyTorch Lightning's <c>Trainer</c>),
/// configured fluently: epochs over batches of (input, target), validation after each epoch,
/// callbacks, gradient clipping, early stopping, schedulers, TensorBoard, a loss curve, a progress
/// display, <see cref="IProgress{T}"/> and cancellation.
/// </summary>
/// <example><code>
/// var result = new Trainer(model)
///     .WithOptimizer(new Adam(model.Parameters(), lr: 0.01))
///     .WithLoss(Loss.Mse)
///     .Epochs(100)
///     .OnEpoch(e =&gt; Console.WriteLine($"{e.Epoch}: {e.TrainLoss}"))
///     .Fit(loader, validation: testLoader);
/// </code></example>
public sealed class Trainer
{
    private readonly Module model;
    private Optimizer? optimizer;
    private Func<Tensor, Tensor, Tensor>? loss;
    private int epochs = 1;
    private double? maxGradNorm;
    private int? patience;
    private double minDelta;
    private bool keepBest = true;
    private bool restoreBest;
    private readonly List<FT.Metric> metrics = new();
    private LRScheduler? scheduler;
    private bool schedulerPerBatch;
    private ReduceLROnPlateau? plateau;
    private ProgressDisplay? display;
    private TextWriter? output;
    private SummaryWriter? writer;
    private string? lossCurve;
    private readonly List<Action<EpochReport>> epochCallbacks = new();
    private readonly List<Action<BatchReport>> batchCallbacks = new();
    private bool reportsElsewhere;
    private volatile FT.Trainer? running;

    /// <summary>A trainer of <paramref name="model"/>; give it at least an optimizer and a loss.</summary>
    /// <param name="model">The model to train.</param>
    public Trainer(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
    }

    /// <summary>The model being trained.</summary>
    public Module Model => model;

    /// <summary>The optimizer (null until <see cref="WithOptimizer"/>).</summary>
    public Optimizer? Optimizer => optimizer;

    /// <summary>Uses this optimizer (e.g. <c>new Adam(model.Parameters(), lr: 0.01)</c>).</summary>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    public Trainer WithOptimizer(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        this.optimizer = optimizer;
        return this;
    }

    /// <summary>Uses this loss of (output, target), reduced to one number (e.g. <c>Loss.Mse</c>, or
    /// <c>(p, t) =&gt; ((p - t) * (p - t)).Mean()</c>).</summary>
    /// <param name="loss">The loss function.</param>
    public Trainer WithLoss(Func<Tensor, Tensor, Tensor> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        this.loss = loss;
        return this;
    }

    /// <summary>Trains for this many epochs (passes over the training data; default 1).</summary>
    /// <param name="epochs">The number of epochs (at least 0).</param>
    public Trainer Epochs(int epochs)
    {
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"Trainer.Epochs: epochs must be at least 0; got {epochs}.");
        this.epochs = epochs;
        return this;
    }

    /// <summary>Clips the gradients' total 2-norm to <paramref name="maxNorm"/> before each step
    /// (<see cref="Gradients.ClipGradNorm"/>).</summary>
    /// <param name="maxNorm">The largest total norm (positive).</param>
    public Trainer WithMaxGradNorm(double maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"Trainer.WithMaxGradNorm: maxNorm must be positive; got {maxNorm}.");
        maxGradNorm = maxNorm;
        return this;
    }

    /// <summary>Stops after <paramref name="patience"/> epochs without an improvement larger than
    /// <paramref name="minDelta"/> of the monitored loss (validation loss, or training loss without
    /// validation data).</summary>
    /// <param name="patience">Epochs without improvement tolerated (at least 1).</param>
    /// <param name="minDelta">The smallest decrease that counts as an improvement.</param>
    public Trainer WithEarlyStopping(int patience, double minDelta = 0.0)
    {
        if (patience < 1) throw new ArgumentOutOfRangeException(nameof(patience), patience, $"Trainer.WithEarlyStopping: patience must be at least 1 epoch; got {patience}.");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"Trainer.WithEarlyStopping: minDelta must be at least 0; got {minDelta}.");
        this.patience = patience;
        this.minDelta = minDelta;
        return this;
    }

    /// <summary>Loads the model's state at the best epoch back at the end of the fit.</summary>
    /// <param name="restore">Whether to restore it (true).</param>
    public Trainer RestoreBest(bool restore = true)
    {
        restoreBest = restore;
        if (restore) keepBest = true;
        return this;
    }

    /// <summary>Keeps a copy of the model's state at the best epoch in <see cref="FitResult.BestState"/> (the default).</summary>
    /// <param name="keep">Whether to keep it.</param>
    public Trainer KeepBest(bool keep = true)
    {
        keepBest = keep;
        return this;
    }

    /// <summary>Computes a metric of (output, target) on the validation data after each epoch (and in
    /// <see cref="Evaluate"/>), averaged over samples.</summary>
    /// <param name="name">The metric's name in <see cref="EpochReport.Metrics"/>.</param>
    /// <param name="compute">The metric's mean over a batch.</param>
    public Trainer WithMetric(string name, Func<Tensor, Tensor, double> compute)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("Trainer.WithMetric: the name must not be empty.", nameof(name));
        ArgumentNullException.ThrowIfNull(compute);
        metrics.Add(new FT.Metric(name, Fun<F.Tensor, F.Tensor, double>((o, t) => compute(Tensor.Wrap(o), Tensor.Wrap(t)))));
        return this;
    }

    /// <summary>Computes the accuracy (the fraction of rows whose largest output is at the target class)
    /// on the validation data after each epoch (and in <see cref="Evaluate"/>), as the metric <c>"accuracy"</c>.</summary>
    public Trainer WithAccuracy()
    {
        metrics.Add(FT.Metrics.accuracy);
        return this;
    }

    /// <summary>Steps <paramref name="scheduler"/> after each epoch, or after each batch.</summary>
    /// <param name="scheduler">A scheduler of the trainer's optimizer.</param>
    /// <param name="step">When to step it.</param>
    public Trainer WithScheduler(LRScheduler scheduler, SchedulerStep step = SchedulerStep.PerEpoch)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        this.scheduler = scheduler;
        schedulerPerBatch = step == SchedulerStep.PerBatch;
        return this;
    }

    /// <summary>Steps <paramref name="scheduler"/> after each epoch with the monitored loss.</summary>
    /// <param name="scheduler">A ReduceLROnPlateau of the trainer's optimizer.</param>
    public Trainer WithReduceOnPlateau(ReduceLROnPlateau scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        plateau = scheduler;
        return this;
    }

    /// <summary>Logs to TensorBoard: each step's loss (<c>train/loss_step</c>), each epoch's training
    /// loss, gradient norm and learning rate, validation loss and metrics.</summary>
    /// <param name="writer">The writer (the caller disposes it).</param>
    public Trainer WithSummaryWriter(SummaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        this.writer = writer;
        return this;
    }

    /// <summary>Draws the epochs' training (and validation) losses to <paramref name="path"/> (.png or .svg)
    /// at the end of the fit.</summary>
    /// <param name="path">The picture's file.</param>
    public Trainer WithLossCurve(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("Trainer.WithLossCurve: the path must not be empty.", nameof(path));
        lossCurve = path;
        return this;
    }

    /// <summary>Chooses the console display (default <see cref="ProgressDisplay.Auto"/>, or
    /// <see cref="ProgressDisplay.Silent"/> once an <see cref="IProgress{T}"/> is given).</summary>
    /// <param name="display">The display.</param>
    /// <param name="output">Where plain lines go (the console by default; a log file, say).</param>
    public Trainer WithProgress(ProgressDisplay display, TextWriter? output = null)
    {
        this.display = display;
        this.output = output;
        return this;
    }

    /// <summary>Reports each epoch to <paramref name="progress"/> (e.g. a <see cref="Progress{T}"/>
    /// updating a UI on its own thread); the console display then defaults to silent.</summary>
    /// <param name="progress">The receiver of the reports.</param>
    public Trainer WithProgress(IProgress<EpochReport> progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        epochCallbacks.Add(progress.Report);
        reportsElsewhere = true;
        return this;
    }

    /// <summary>Reports each optimizer step to <paramref name="progress"/>; the console display then
    /// defaults to silent.</summary>
    /// <param name="progress">The receiver of the reports.</param>
    public Trainer WithProgress(IProgress<BatchReport> progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        batchCallbacks.Add(progress.Report);
        reportsElsewhere = true;
        return this;
    }

    /// <summary>Runs <paramref name="callback"/> after every epoch (after validation), on the training thread.</summary>
    /// <param name="callback">The callback.</param>
    public Trainer OnEpoch(Action<EpochReport> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        epochCallbacks.Add(callback);
        return this;
    }

    /// <summary>Runs <paramref name="callback"/> after every optimizer step, on the training thread.</summary>
    /// <param name="callback">The callback.</param>
    public Trainer OnBatch(Action<BatchReport> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        batchCallbacks.Add(callback);
        return this;
    }

    /// <summary>Asks the running fit to stop after the current batch (from a callback or another
    /// thread); the result then says <see cref="StopReason.StoppedByCallback"/>.</summary>
    public void Stop() => running?.Stop();

    /// <summary>Trains for <see cref="Epochs"/> passes over <paramref name="train"/> (batches of
    /// (input, target), e.g. a <see cref="DataLoader"/>), evaluating on <paramref name="validation"/>
    /// after each epoch. Cancelling the token stops between batches: the result then says
    /// <see cref="StopReason.Cancelled"/> and holds the finished epochs (no exception).</summary>
    /// <param name="train">The training batches.</param>
    /// <param name="validation">The validation batches (optional).</param>
    /// <param name="cancellationToken">Stops the fit between batches.</param>
    public FitResult Fit(IEnumerable<Batch> train, IEnumerable<Batch>? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        var core = Build(requireOptimizer: true);
        running = core;
        try
        {
            return new FitResult(core.Fit(new Pairs(train), epochs, validation is null ? null! : new Pairs(validation), cancellationToken));
        }
        finally
        {
            running = null;
        }
    }

    /// <summary>Full-batch training: each epoch calls <paramref name="computeLoss"/> (which runs the
    /// model and returns the loss), then Backward, clipping and one optimizer step.</summary>
    /// <param name="computeLoss">Computes the loss.</param>
    /// <param name="cancellationToken">Stops the fit between steps.</param>
    public FitResult Fit(Func<Tensor> computeLoss, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(computeLoss);
        var core = Build(requireOptimizer: true, requireLoss: false);
        running = core;
        try
        {
            return new FitResult(core.Fit(Fun(() => computeLoss().Value), epochs, cancellationToken));
        }
        finally
        {
            running = null;
        }
    }

    /// <summary><see cref="Fit(IEnumerable{Batch}, IEnumerable{Batch}?, CancellationToken)"/> on a
    /// background thread of its own (a long-running task, so that a long fit does not hold a thread-pool
    /// thread): the callbacks run there (an <see cref="IProgress{T}"/> such as
    /// <see cref="Progress{T}"/> brings reports back to the caller's context). Cancelling the token
    /// stops between batches and the task completes with a <see cref="FitResult"/> that says
    /// <see cref="StopReason.Cancelled"/> (it does not throw).</summary>
    /// <param name="train">The training batches.</param>
    /// <param name="validation">The validation batches (optional).</param>
    /// <param name="cancellationToken">Stops the fit between batches.</param>
    public Task<FitResult> FitAsync(IEnumerable<Batch> train, IEnumerable<Batch>? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Task.Factory.StartNew(() => Fit(train, validation, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary><see cref="Fit(Func{Tensor}, CancellationToken)"/> on a background thread.</summary>
    /// <param name="computeLoss">Computes the loss.</param>
    /// <param name="cancellationToken">Stops the fit between steps.</param>
    public Task<FitResult> FitAsync(Func<Tensor> computeLoss, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(computeLoss);
        return Task.Factory.StartNew(() => Fit(computeLoss, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The mean loss (weighted by batch size) and the metrics over <paramref name="data"/>,
    /// in eval mode without recording; the model's mode is restored afterwards.</summary>
    /// <param name="data">Batches of (input, target), e.g. a test <see cref="DataLoader"/>.</param>
    public Evaluation Evaluate(IEnumerable<Batch> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new Evaluation(Build(requireOptimizer: false).Evaluate(new Pairs(data)));
    }

    private FT.Trainer Build(bool requireOptimizer, bool requireLoss = true)
    {
        var opt = optimizer?.Core;
        if (opt is null)
        {
            if (requireOptimizer)
                throw new InvalidOperationException("Trainer: no optimizer; call WithOptimizer(new Adam(model.Parameters(), lr: 0.01)) before Fit.");
            // Evaluate needs no optimizer: one that is never stepped stands in
            opt = new F.Optimizers.SGD(model.Core.Parameters(), Some(0.0), null, null, null, null, null);
        }
        var lossFn = loss;
        if (lossFn is null && requireLoss)
            throw new InvalidOperationException("Trainer: no loss; call WithLoss(Loss.Mse) (or a lambda of output and target) before Fit.");
        var coreLoss = lossFn is null
            ? Fun<F.Tensor, F.Tensor, F.Tensor>((_, _) => throw new InvalidOperationException("Trainer: no loss; call WithLoss first."))
            : Fun<F.Tensor, F.Tensor, F.Tensor>((o, t) => lossFn(Tensor.Wrap(o), Tensor.Wrap(t)).Value);
        var shown = display ?? (reportsElsewhere ? ProgressDisplay.Silent : ProgressDisplay.Auto);
        var core = new FT.Trainer(
            model.Core,
            opt,
            coreLoss,
            maxGradNorm: Opt(maxGradNorm),
            patience: Opt(patience),
            minDelta: Some(minDelta),
            keepBest: Some(keepBest),
            restoreBest: Some(restoreBest),
            metrics: Some(ListModule.OfSeq(metrics)),
            scheduler: OptRef(scheduler?.Core),
            schedulerPerBatch: Some(schedulerPerBatch),
            reduceOnPlateau: OptRef(plateau?.Core),
            progress: Some((FT.ProgressDisplay)(int)shown),
            output: OptRef(output),
            writer: OptRef(writer?.Core),
            lossCurve: OptRef(lossCurve));
        if (batchCallbacks.Count > 0)
        {
            var callbacks = batchCallbacks.ToArray();
            core.OnBatch(Act<FT.BatchResult>(r =>
            {
                var report = new BatchReport(r);
                foreach (var c in callbacks) c(report);
            }));
        }
        if (epochCallbacks.Count > 0)
        {
            var callbacks = epochCallbacks.ToArray();
            core.OnEpoch(Act<FT.EpochResult>(r =>
            {
                var report = new EpochReport(r);
                foreach (var c in callbacks) c(report);
            }));
        }
        return core;
    }

    /// <summary>Facade batches as the F# core's (input, target) pairs; a collection when the source
    /// is one, so that the progress display knows an epoch's length.</summary>
    private sealed class Pairs(IEnumerable<Batch> source) : IReadOnlyCollection<Tuple<F.Tensor, F.Tensor>>
    {
        public int Count => source switch
        {
            IReadOnlyCollection<Batch> c => c.Count,
            ICollection<Batch> c => c.Count,
            _ => 0,
        };

        public IEnumerator<Tuple<F.Tensor, F.Tensor>> GetEnumerator()
        {
            foreach (var b in source)
            {
                if (b.Input is null || b.Target is null)
                    throw new InvalidOperationException("Trainer: a batch has a null input or target.");
                yield return Tuple.Create(b.Input.Value, b.Target.Value);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
