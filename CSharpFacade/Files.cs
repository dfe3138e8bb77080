using System;
using System.Threading;
using System.Threading.Tasks;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// Saving and loading named tensors in PyTorch's own file format (what
/// <c>torch.save(model.state_dict(), path)</c> writes), so files move between Nabla and PyTorch.
/// Writes are atomic (a temporary file renamed over the target: a failed save leaves any previous
/// file as it was). The <c>Async</c> versions do the work on the thread pool.
/// </summary>
public static class StateDict
{
    /// <summary>Writes the tensors to <paramref name="path"/> in PyTorch's format
    /// (<c>torch.load(path)</c> gives an OrderedDict of names to tensors).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="tensors">The named tensors (a state dict).</param>
    public static void Save(string path, Params tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        F.StateDict.save(path, tensors.Value);
    }

    /// <summary>Writes the model's state dict (every parameter and persistent buffer, with PyTorch's
    /// names) to <paramref name="path"/> (PyTorch's <c>torch.save(model.state_dict(), path)</c>).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="model">The model.</param>
    public static void Save(string path, Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        F.StateDict.save(path, model.Core.StateDict());
    }

    /// <summary>Reads a file written by <see cref="Save(string, Params)"/> or by PyTorch's
    /// <c>torch.save(state_dict, path)</c>. Only tensors and plain containers are unpickled, never
    /// code; a truncated, corrupted or foreign file raises an <see cref="System.IO.InvalidDataException"/>.</summary>
    /// <param name="path">The file to read.</param>
    public static Params Load(string path) => Params.Wrap(F.StateDict.load(path));

    /// <summary>Reads a state dict from <paramref name="path"/> and copies it into the model's
    /// parameters and buffers (PyTorch's <c>model.load_state_dict(torch.load(path))</c>).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="model">The model (same architecture as the saved one).</param>
    /// <param name="strict">Every key must match (true), or missing and unexpected keys are ignored.</param>
    public static void Load(string path, Module model, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Core.LoadStateDict(F.StateDict.load(path), strict);
    }

    /// <summary><see cref="Save(string, Params)"/> on the thread pool (the tensors are serialized and written there).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="tensors">The named tensors.</param>
    /// <param name="cancellationToken">Cancels the save before it starts.</param>
    public static Task SaveAsync(string path, Params tensors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return Task.Run(() => Save(path, tensors), cancellationToken);
    }

    /// <summary><see cref="Save(string, Module)"/> on the thread pool. Do not step the model's
    /// optimizer until the task completes.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Cancels the save before it starts.</param>
    public static Task SaveAsync(string path, Module model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Task.Run(() => Save(path, model), cancellationToken);
    }

    /// <summary><see cref="Load(string)"/> on the thread pool (the file is read and parsed there).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="cancellationToken">Cancels the load before it starts.</param>
    public static Task<Params> LoadAsync(string path, CancellationToken cancellationToken = default) =>
        Task.Run(() => Load(path), cancellationToken);
}

/// <summary>What <see cref="Checkpoint.LoadAsync"/> returns: the saved epoch and extra tensors.</summary>
/// <param name="Epoch">The epoch saved with the checkpoint.</param>
/// <param name="Extra">The extra named tensors saved with it (empty when none).</param>
public sealed record LoadedCheckpoint(int Epoch, Params Extra);

/// <summary>
/// Whole training checkpoints in PyTorch's format: a dict <c>{'model': ..., 'optimizer': ...,
/// 'epoch': n, 'extra': {...}}</c> as PyTorch users write with <c>torch.save</c>, so that training
/// resumes exactly where it stopped. Writes are atomic; the <c>Async</c> versions do the work on
/// the thread pool.
/// </summary>
public static class Checkpoint
{
    /// <summary>Saves the model's and the optimizer's state, the epoch and optional extra named
    /// tensors (a best loss, a generator state, ...) to <paramref name="path"/>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">Its optimizer.</param>
    /// <param name="epoch">The epoch to resume from.</param>
    /// <param name="extra">Extra named tensors (optional).</param>
    public static void Save(string path, Module model, Optimizer optimizer, int epoch, Params? extra = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (extra is null) F.Checkpoint.save(path, model.Core, optimizer.Core, epoch);
        else F.Checkpoint.saveWith(path, model.Core, optimizer.Core, epoch, extra.Value);
    }

    /// <summary>Restores the model and the optimizer from a checkpoint written by <see cref="Save"/>
    /// and returns the saved epoch. The whole file is read and checked before anything changes.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="model">The model (same architecture).</param>
    /// <param name="optimizer">Its optimizer (same kind, same groups).</param>
    public static int Load(string path, Module model, Optimizer optimizer) => Load(path, model, optimizer, out _);

    /// <summary>Restores the model and the optimizer from a checkpoint and returns the saved epoch and,
    /// in <paramref name="extra"/>, the extra tensors.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="model">The model (same architecture).</param>
    /// <param name="optimizer">Its optimizer (same kind, same groups).</param>
    /// <param name="extra">The extra named tensors (empty when none were saved).</param>
    public static int Load(string path, Module model, Optimizer optimizer, out Params extra)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var (epoch, e) = F.Checkpoint.loadWith(path, model.Core, optimizer.Core);
        extra = Params.Wrap(e);
        return epoch;
    }

    /// <summary><see cref="Save"/> on the thread pool (the state is copied, serialized and written
    /// there). Do not step the optimizer until the task completes.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">Its optimizer.</param>
    /// <param name="epoch">The epoch to resume from.</param>
    /// <param name="extra">Extra named tensors (optional).</param>
    /// <param name="cancellationToken">Cancels the save before it starts.</param>
    public static Task SaveAsync(string path, Module model, Optimizer optimizer, int epoch, Params? extra = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        return Task.Run(() => Save(path, model, optimizer, epoch, extra), cancellationToken);
    }

    /// <summary><see cref="Load(string, Module, Optimizer, out Params)"/> on the thread pool: the
    /// file is read and the model and optimizer restored there.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="model">The model (same architecture).</param>
    /// <param name="optimizer">Its optimizer.</param>
    /// <param name="cancellationToken">Cancels the load before it starts.</param>
    public static Task<LoadedCheckpoint> LoadAsync(string path, Module model, Optimizer optimizer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        return Task.Run(() =>
        {
            var epoch = Load(path, model, optimizer, out var extra);
            return new LoadedCheckpoint(epoch, extra);
        }, cancellationToken);
    }
}
