using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Nabla.CSharp;
using static FacadeTests.TrainingFixtures;

namespace FacadeTests;

/// <summary>State dicts and checkpoints in PyTorch's format: save → load identity, exact resumption, async, errors.</summary>
public static class FilesTests
{
    private static Params Named(params (string Name, Tensor Value)[] entries) =>
        new(entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Value)));

    private static void Train(Module model, Optimizer opt, int steps)
    {
        var (x, y) = Line(16);
        for (var i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            Mse(model.Forward(x), y).Backward();
            opt.Step();
        }
    }

    /// <summary>StateDict.Save then Load gives the same names, shapes, dtypes and values.</summary>
    public static void StateDictSaveLoadIsTheIdentity()
    {
        var path = Path.Combine(TempDir("statedict"), "params.pt");
        var saved = Named(("weight", Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } })), ("bias", Tensor.From(new[] { 0.5f, -0.5f })));
        StateDict.Save(path, saved);
        var loaded = StateDict.Load(path);
        Assert.Sequence(loaded.Keys.ToArray(), new[] { "weight", "bias" }, "names in order");
        Assert.Sequence(loaded["weight"].Shape, new[] { 2, 2 }, "shape");
        Assert.Equal(loaded["weight"].DType, DType.Float64, "dtype kept");
        Assert.Equal(loaded["bias"].DType, DType.Float32, "float32 kept");
        Assert.Sequence(loaded["weight"].ToArray<double>(), new double[] { 1, 2, 3, 4 }, "values");
        Assert.Sequence(loaded["bias"].ToArray<float>(), new[] { 0.5f, -0.5f }, "float values");
    }

    /// <summary>SaveAsync and LoadAsync (on the thread pool) round-trip the same tensors.</summary>
    public static void StateDictAsyncRoundTrips()
    {
        var path = Path.Combine(TempDir("statedict-async"), "params.pt");
        StateDict.SaveAsync(path, Named(("w", Tensor.From(new[] { 1.0, 2.0, 3.0 })))).GetAwaiter().GetResult();
        var loaded = StateDict.LoadAsync(path).GetAwaiter().GetResult();
        Assert.Sequence(loaded["w"].ToArray<double>(), new[] { 1.0, 2.0, 3.0 }, "values");
        using var cts = new System.Threading.CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => StateDict.LoadAsync(path, cts.Token).GetAwaiter().GetResult());
    }

    /// <summary>StateDict.Save(path, model) and Load(path, model) copy a model's parameters into another one.</summary>
    public static void ModelStateDictMovesBetweenModels()
    {
        var path = Path.Combine(TempDir("model"), "model.pt");
        var a = new TwoLayers();
        StateDict.Save(path, a);
        Assert.Sequence(StateDict.Load(path).Keys.ToArray(), new[] { "first.weight", "first.bias", "second.weight", "second.bias" }, "dotted names");
        var b = new Affine(9.0, 9.0);
        Assert.Throws<ArgumentException>(() => StateDict.Load(path, b), "first.weight");
        var c = new TwoLayers();
        Train(c, new SGD(c.Parameters(), lr: 0.1), 2);
        StateDict.Load(path, c);
        Assert.Sequence(Concat(c.Parameters()), Concat(a.Parameters()), "the parameters are the saved ones");
        StateDict.SaveAsync(path, c).GetAwaiter().GetResult();
        Assert.Equal(StateDict.Load(path).Count, 4, "SaveAsync(model)");
    }

    /// <summary>A checkpoint resumes exactly: after loading it into a fresh model and optimizer, one more
    /// Adam step equals the uninterrupted run's step.</summary>
    public static void CheckpointResumesExactly()
    {
        var path = Path.Combine(TempDir("checkpoint"), "ckpt.pt");
        var model = new Affine(0.3, -0.2);
        var opt = new Adam(model.Parameters(), lr: 0.05);
        Train(model, opt, 3);
        Checkpoint.Save(path, model, opt, epoch: 3);

        var fresh = new Affine(7.0, 7.0);
        var freshOpt = new Adam(fresh.Parameters(), lr: 0.5);
        var epoch = Checkpoint.Load(path, fresh, freshOpt);
        Assert.Equal(epoch, 3, "epoch");
        Assert.Sequence(Concat(fresh.Parameters()), Concat(model.Parameters()), "the parameters are restored");
        Assert.Close(freshOpt.ParamGroups[0].Lr, 0.05, "the optimizer's options are restored");

        Train(model, opt, 1);
        Train(fresh, freshOpt, 1);
        Assert.Sequence(Concat(fresh.Parameters()), Concat(model.Parameters()), "one more step equals the uninterrupted step");
    }

    /// <summary>A checkpoint carries extra named tensors back.</summary>
    public static void CheckpointCarriesExtraTensors()
    {
        var path = Path.Combine(TempDir("checkpoint-extra"), "ckpt.pt");
        var model = new Affine();
        var opt = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        Train(model, opt, 2);
        Checkpoint.Save(path, model, opt, epoch: 12, extra: Named(("best_loss", Tensor.From(0.25))));
        var other = new Affine();
        var epoch = Checkpoint.Load(path, other, new SGD(other.Parameters(), lr: 0.1, momentum: 0.9), out var extra);
        Assert.Equal(epoch, 12, "epoch");
        Assert.Close(extra["best_loss"].Item<double>(), 0.25, "extra");
        Checkpoint.Save(path, model, opt, epoch: 1);
        Checkpoint.Load(path, model, opt, out var none);
        Assert.Equal(none.Count, 0, "no extra saved: empty");
    }

    /// <summary>Checkpoint.SaveAsync and LoadAsync (on the thread pool) round-trip epoch, state and extra.</summary>
    public static void CheckpointAsyncRoundTrips()
    {
        var path = Path.Combine(TempDir("checkpoint-async"), "ckpt.pt");
        var model = new Affine(1.5, 2.5);
        var opt = new RMSprop(model.Parameters());
        Train(model, opt, 2);
        Checkpoint.SaveAsync(path, model, opt, 5, Named(("seed", Tensor.From(42.0)))).GetAwaiter().GetResult();
        var other = new Affine();
        var (epoch, extra) = Checkpoint.LoadAsync(path, other, new RMSprop(other.Parameters())).GetAwaiter().GetResult();
        Assert.Equal(epoch, 5, "epoch");
        Assert.Close(extra["seed"].Item<double>(), 42.0, "extra");
        Assert.Sequence(Concat(other.Parameters()), Concat(model.Parameters()), "parameters");
    }

    /// <summary>Loading a state dict as a checkpoint, or a missing or corrupted file, fails with a message naming the file.</summary>
    public static void BadFilesAreReportedClearly()
    {
        var dir = TempDir("bad-files");
        var stateDict = Path.Combine(dir, "params.pt");
        StateDict.Save(stateDict, Named(("w", Tensor.From(new[] { 1.0 }))));
        var model = new Affine();
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(stateDict, model, new SGD(model.Parameters())), "not a checkpoint");
        var garbage = Path.Combine(dir, "garbage.pt");
        File.WriteAllText(garbage, "not a torch file");
        Assert.Throws<InvalidDataException>(() => StateDict.Load(garbage), "garbage.pt");
        Assert.Throws<FileNotFoundException>(() => StateDict.Load(Path.Combine(dir, "missing.pt")));
        Assert.Throws<ArgumentNullException>(() => StateDict.Save(stateDict, (Params)null!));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Save(stateDict, model, null!, 1));
    }

    /// <summary>A failed save (a folder where the file should go) leaves the previous file as it was.</summary>
    public static void FailedSaveKeepsThePreviousFile()
    {
        var dir = TempDir("atomic");
        var path = Path.Combine(dir, "params.pt");
        StateDict.Save(path, Named(("w", Tensor.From(new[] { 1.0 }))));
        var before = File.ReadAllBytes(path);
        Assert.Throws<Exception>(() => StateDict.Save(Path.Combine(path, "inside.pt"), Named(("w", Tensor.From(new[] { 2.0 })))));
        Assert.Sequence(File.ReadAllBytes(path), before, "the previous file is unchanged");
    }
}
