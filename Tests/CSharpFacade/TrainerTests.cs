using System;
using System.IO;
using System.Linq;
using System.Threading;
using Nabla.CSharp;
using static FacadeTests.TrainingFixtures;

namespace FacadeTests;

/// <summary>The fluent Trainer: fitting, early stopping, cancellation, progress, callbacks, schedulers, evaluation.</summary>
public static class TrainerTests
{
    private static DataLoader LineLoader(int n = 64, int batchSize = 16, bool shuffle = true)
    {
        var (x, y) = Line(n);
        return new DataLoader(new TensorDataset(x, y), batchSize: batchSize, shuffle: shuffle, seed: 7);
    }

    private static Trainer Quiet(Module model, Optimizer opt) =>
        new Trainer(model).WithOptimizer(opt).WithLoss(Mse).WithProgress(ProgressDisplay.Silent);

    /// <summary>y = 2x + 1 with Adam over a shuffled DataLoader: the loss falls below 1e-4, w ≈ 2, b ≈ 1.</summary>
    public static void FitLearnsALinearRegression()
    {
        var model = new Affine();
        var result = Quiet(model, new Adam(model.Parameters(), lr: 0.1)).Epochs(60).Fit(LineLoader());
        Assert.Equal(result.Stopped, StopReason.Completed, "Stopped");
        Assert.Equal(result.History.Count, 60, "epochs");
        Assert.True(result.FinalLoss < 1e-4, $"final loss {result.FinalLoss}");
        Assert.True(result.History[0].TrainLoss > result.FinalLoss, "the loss fell");
        Assert.Close(model.Weight.ToArray<double>()[0], 2.0, "w", 1e-2);
        Assert.Close(model.Bias.ToArray<double>()[0], 1.0, "b", 1e-2);
        Assert.True(result.BestEpoch is > 0 && result.BestState is not null, "best epoch and state kept");
    }

    /// <summary>Full-batch training with Fit(computeLoss): one step per epoch.</summary>
    public static void FitWithAClosureTrainsFullBatch()
    {
        var model = new Affine();
        var (x, y) = Line();
        var steps = 0;
        var result = new Trainer(model).WithOptimizer(new SGD(model.Parameters(), lr: 0.5)).WithProgress(ProgressDisplay.Silent)
            .OnBatch(_ => steps++).Epochs(200).Fit(() => Mse(model.Forward(x), y));
        Assert.Equal(steps, 200, "one step per epoch");
        Assert.True(result.FinalLoss < 1e-6, $"final loss {result.FinalLoss}");
    }

    /// <summary>Early stopping: with lr 0 the loss never improves after epoch 1, so patience 2 stops after epoch 3.</summary>
    public static void EarlyStoppingStopsWithoutImprovement()
    {
        var model = new Affine();
        var result = Quiet(model, new SGD(model.Parameters(), lr: 0.0)).Epochs(50).WithEarlyStopping(patience: 2).Fit(LineLoader(shuffle: false));
        Assert.Equal(result.Stopped, StopReason.EarlyStopped, "Stopped");
        Assert.Equal(result.History.Count, 3, "epochs run");
        Assert.Equal(result.BestEpoch, 1, "BestEpoch");
        Assert.True(result.History[0].Improved && !result.History[1].Improved, "Improved flags");
    }

    /// <summary>A token cancelled in OnEpoch stops the fit: the result says Cancelled and holds the finished epochs.</summary>
    public static void CancellingInOnEpochStopsTheFit()
    {
        var model = new Affine();
        using var cts = new CancellationTokenSource();
        var result = Quiet(model, new Adam(model.Parameters(), lr: 0.01)).Epochs(20)
            .OnEpoch(e => { if (e.Epoch == 2) cts.Cancel(); })
            .Fit(LineLoader(), cancellationToken: cts.Token);
        Assert.Equal(result.Stopped, StopReason.Cancelled, "Stopped");
        Assert.Equal(result.History.Count, 2, "finished epochs");
    }

    /// <summary>FitAsync with an already cancelled token completes with a Cancelled result and no epochs.</summary>
    public static void FitAsyncWithACancelledTokenReturnsCancelled()
    {
        var model = new Affine();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var result = Quiet(model, new Adam(model.Parameters())).Epochs(5).FitAsync(LineLoader(), cancellationToken: cts.Token).GetAwaiter().GetResult();
        Assert.Equal(result.Stopped, StopReason.Cancelled, "Stopped");
        Assert.Equal(result.History.Count, 0, "no epoch ran");
        Assert.True(result.BestEpoch is null, "no best epoch");
    }

    /// <summary>FitAsync returns at once and runs the loop on another thread: the first epoch's callback
    /// waits for the caller, who sees the task still running.</summary>
    public static void FitAsyncTrainsOnABackgroundThread()
    {
        var model = new Affine();
        using var go = new ManualResetEventSlim(false);
        var caller = Environment.CurrentManagedThreadId;
        var trainingThread = -1;
        var task = Quiet(model, new Adam(model.Parameters(), lr: 0.1)).Epochs(30)
            .OnEpoch(e =>
            {
                trainingThread = Environment.CurrentManagedThreadId;
                if (e.Epoch == 1) go.Wait(TimeSpan.FromSeconds(30));
            })
            .FitAsync(LineLoader());
        Assert.True(!task.IsCompleted, "FitAsync returned before the fit ended");
        go.Set();
        var result = task.GetAwaiter().GetResult();
        Assert.Equal(result.History.Count, 30, "epochs");
        Assert.True(trainingThread != caller, "the callbacks ran on the training thread, not the caller's");
        Assert.True(result.FinalLoss < result.History[0].TrainLoss, "the loss fell");
    }

    /// <summary>FitAsync(computeLoss) and a CancellationToken cancelled while it runs (from OnBatch).</summary>
    public static void FitAsyncWithAClosureCanBeCancelled()
    {
        var model = new Affine();
        var (x, y) = Line();
        using var cts = new CancellationTokenSource();
        var result = Quiet(model, new SGD(model.Parameters(), lr: 0.1)).Epochs(1000)
            .OnBatch(b => { if (b.Epoch == 5) cts.Cancel(); })
            .FitAsync(() => Mse(model.Forward(x), y), cts.Token).GetAwaiter().GetResult();
        Assert.Equal(result.Stopped, StopReason.Cancelled, "Stopped");
        Assert.True(result.History.Count <= 5, $"stopped early: {result.History.Count} epochs");
    }

    /// <summary>Trainer.Stop() from a callback ends the fit with StoppedByCallback.</summary>
    public static void StopFromACallbackStopsTheFit()
    {
        var model = new Affine();
        Trainer? trainer = null;
        trainer = Quiet(model, new Adam(model.Parameters())).Epochs(10).OnBatch(b => { if (b.Batch == 2) trainer!.Stop(); });
        var result = trainer.Fit(LineLoader());
        Assert.Equal(result.Stopped, StopReason.StoppedByCallback, "Stopped");
        Assert.Equal(result.History.Count, 0, "no epoch finished");
    }

    /// <summary>An IProgress&lt;EpochReport&gt; receives one report per epoch; an IProgress&lt;BatchReport&gt; one per step.</summary>
    public static void ProgressReceivesEveryEpochAndBatch()
    {
        var model = new Affine();
        var epochs = new Recorder<EpochReport>();
        var batches = new Recorder<BatchReport>();
        new Trainer(model).WithOptimizer(new Adam(model.Parameters())).WithLoss(Mse)
            .WithProgress(epochs).WithProgress(batches).Epochs(3).Fit(LineLoader(batchSize: 16));
        Assert.Sequence(epochs.Reports.Select(r => r.Epoch).ToArray(), new[] { 1, 2, 3 }, "epoch reports");
        Assert.Equal(batches.Reports.Count, 12, "4 batches × 3 epochs");
        Assert.Sequence(batches.Reports.Take(4).Select(r => r.Batch).ToArray(), new[] { 1, 2, 3, 4 }, "batch indices");
        Assert.True(epochs.Reports.All(r => r.Duration > TimeSpan.Zero && r.SamplesPerSecond > 0 && r.GradNorm > 0), "timings and norms");
    }

    /// <summary>With validation data the reports carry the validation loss, which equals Evaluate on the same data.</summary>
    public static void ValidationLossEqualsEvaluate()
    {
        var model = new Affine(1.0, 0.0);
        var (x, y) = Line(20);
        var test = new DataLoader(new TensorDataset(x, y), batchSize: 8);
        var trainer = Quiet(model, new SGD(model.Parameters(), lr: 0.01)).Epochs(2);
        var result = trainer.Fit(LineLoader(), validation: test);
        var report = result.History[^1];
        Assert.True(report.ValidationLoss is not null, "a validation loss");
        var evaluation = trainer.Evaluate(test);
        Assert.Close(evaluation.Loss, report.ValidationLoss!.Value, "Evaluate = the last validation loss", 1e-12);
        Assert.Equal(evaluation.Samples, 20, "samples");
        Assert.Close(evaluation.Loss, Mse(model.Forward(x), y).Item<double>(), "the mean loss over the data set", 1e-12);
    }

    /// <summary>Evaluate needs no optimizer; a metric given by WithMetric is averaged over the samples.</summary>
    public static void EvaluateComputesMetrics()
    {
        var model = new Affine(2.0, 0.0);
        var (x, y) = Line(10);
        var evaluation = new Trainer(model).WithLoss(Mse)
            .WithMetric("mae", (p, t) => ((p - t) * (p - t)).Mean().Item<double>() > 0 ? 1.0 : 0.0)
            .Evaluate(new DataLoader(new TensorDataset(x, y), batchSize: 3));
        Assert.Close(evaluation.Loss, 1.0, "prediction off by 1 everywhere");
        Assert.Close(evaluation.Metrics["mae"], 1.0, "the metric");
    }

    /// <summary>WithAccuracy adds the "accuracy" metric to each epoch's report (on the validation data):
    /// class scores [n, 2] against class indices.</summary>
    public static void AccuracyAppearsInTheReports()
    {
        var model = new Affine(1.0, 0.0);
        var x = Tensor.From(new double[,] { { 1, 0 }, { 0, 1 }, { 2, 3 }, { 5, 1 } });
        var labels = new TensorDataset(x, Tensor.From(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 0 }, { 1, 0 } }));
        var result = Quiet(model, new SGD(model.Parameters(), lr: 0.0)).WithAccuracy()
            .Fit(new DataLoader(labels, batchSize: 2), validation: new DataLoader(labels, batchSize: 4));
        Assert.Close(result.History[0].Metrics["accuracy"], 0.75, "3 of 4 rows have their largest score at the target");
    }

    /// <summary>RestoreBest loads the state of the best epoch back: with a diverging lr the first epoch is best.</summary>
    public static void RestoreBestLoadsTheBestEpochsState()
    {
        var model = new Affine();
        var result = Quiet(model, new SGD(model.Parameters(), lr: 3.0)).Epochs(4).RestoreBest().Fit(LineLoader(batchSize: 64, shuffle: false));
        Assert.Equal(result.BestEpoch, 1, "the diverging run's best epoch");
        Assert.Sequence(model.Weight.ToArray<double>(), result.BestState!["weight"].ToArray<double>(), "the weight is the best epoch's");
    }

    /// <summary>WithScheduler steps per epoch: StepLR(stepSize 1, gamma 0.5) halves the reported learning rate each epoch.</summary>
    public static void SchedulerStepsPerEpoch()
    {
        var model = new Affine();
        var opt = new SGD(model.Parameters(), lr: 0.1);
        var result = Quiet(model, opt).WithScheduler(new StepLR(opt, stepSize: 1, gamma: 0.5)).Epochs(3).Fit(LineLoader());
        SequenceClose(result.History.Select(e => e.LearningRate).ToArray(), new[] { 0.1, 0.05, 0.025 }, "learning rates", 1e-15);
        Assert.Close(opt.ParamGroups[0].Lr, 0.0125, "after the last epoch", 1e-15);
    }

    /// <summary>WithScheduler per batch: the learning rate changes at every step.</summary>
    public static void SchedulerStepsPerBatch()
    {
        var model = new Affine();
        var opt = new SGD(model.Parameters(), lr: 0.1);
        var rates = new Recorder<BatchReport>();
        Quiet(model, opt).WithScheduler(new ExponentialLR(opt, gamma: 0.5), SchedulerStep.PerBatch).WithProgress(rates).Fit(LineLoader(batchSize: 32));
        SequenceClose(rates.Reports.Select(r => r.LearningRate).ToArray(), new[] { 0.1, 0.05 }, "per-step learning rates", 1e-15);
    }

    /// <summary>WithReduceOnPlateau steps with the monitored loss each epoch: with a tiny lr the loss does not
    /// improve after epoch 1, so patience 0 halves the learning rate after epochs 2 and 3.</summary>
    public static void ReduceOnPlateauReducesTheLearningRate()
    {
        var model = new Affine();
        var opt = new SGD(model.Parameters(), lr: 1e-9);
        var plateau = new ReduceLROnPlateau(opt, patience: 0, factor: 0.5, eps: 0.0);
        Quiet(model, opt).WithReduceOnPlateau(plateau).Epochs(3).Fit(LineLoader(shuffle: false));
        Assert.Equal(plateau.LastEpoch, 3, "stepped once per epoch");
        Assert.Close(opt.ParamGroups[0].Lr, 2.5e-10, "halved twice", 1e-12);
    }

    /// <summary>WithMaxGradNorm clips before the step: one SGD step (lr 1) moves the parameters by at most maxNorm.</summary>
    public static void MaxGradNormClipsTheStep()
    {
        var model = new Affine(5.0, 5.0);
        var norms = new Recorder<BatchReport>();
        Quiet(model, new SGD(model.Parameters(), lr: 1.0)).WithMaxGradNorm(0.5).WithProgress(norms).Fit(LineLoader(batchSize: 64));
        var dw = model.Weight.ToArray<double>()[0] - 5.0;
        var db = model.Bias.ToArray<double>()[0] - 5.0;
        Assert.True(Math.Sqrt(dw * dw + db * db) <= 0.5 + 1e-9, $"the step's norm {Math.Sqrt(dw * dw + db * db)}");
        Assert.True(norms.Reports[0].GradNorm > 0.5, "the reported norm is before clipping");
    }

    /// <summary>WithProgress(Lines, writer) writes one plain line per epoch to the writer.</summary>
    public static void LinesProgressWritesOneLinePerEpoch()
    {
        var model = new Affine();
        var output = new StringWriter();
        new Trainer(model).WithOptimizer(new Adam(model.Parameters())).WithLoss(Mse).WithProgress(ProgressDisplay.Lines, output).Epochs(2).Fit(LineLoader());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Length, 2, "lines");
        Assert.True(lines[0].StartsWith("epoch 1/2") && lines[1].Contains("loss"), $"lines: {output}");
    }

    /// <summary>Missing setup and bad options are errors naming what is wrong.</summary>
    public static void BadTrainerSetupNamesTheProblem()
    {
        var model = new Affine();
        Assert.Throws<InvalidOperationException>(() => new Trainer(model).WithLoss(Mse).Fit(LineLoader()), "WithOptimizer");
        Assert.Throws<InvalidOperationException>(() => new Trainer(model).WithOptimizer(new Adam(model.Parameters())).Fit(LineLoader()), "WithLoss");
        Assert.Equal(Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model).Epochs(-1)).ParamName, "epochs", "epochs");
        Assert.Equal(Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model).WithEarlyStopping(0)).ParamName, "patience", "patience");
        Assert.Equal(Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model).WithMaxGradNorm(0)).ParamName, "maxNorm", "maxNorm");
        Assert.Throws<ArgumentNullException>(() => new Trainer(null!));
        Assert.Throws<ArgumentNullException>(() => new Trainer(model).WithLoss(null!));
        var bad = Quiet(model, new Adam(model.Parameters())).WithLoss((p, t) => p - t);
        Assert.Throws<InvalidOperationException>(() => bad.Fit(LineLoader()), "single number");
    }

    /// <summary>WithLossCurve and WithSummaryWriter: the fit draws the losses and logs to TensorBoard.</summary>
    public static void LossCurveAndTensorBoardAreWritten()
    {
        var dir = TempDir("trainer");
        var model = new Affine();
        var curve = Path.Combine(dir, "loss.svg");
        using (var writer = new SummaryWriter(Path.Combine(dir, "runs")))
            Quiet(model, new Adam(model.Parameters())).WithLossCurve(curve).WithSummaryWriter(writer).Epochs(3).Fit(LineLoader());
        Assert.True(File.ReadAllText(curve).Contains("<svg"), "an SVG loss curve");
        var events = Directory.GetFiles(Path.Combine(dir, "runs"), "events.out.tfevents.*");
        Assert.True(events.Length == 1 && new FileInfo(events[0]).Length > 100, "an event file with the losses");
    }
}
