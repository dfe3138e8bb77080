using System;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>The LibTorch runtime underneath Nabla: the global random seed, the thread pool and the
/// CUDA devices (PyTorch's <c>torch.manual_seed</c>, <c>torch.set_num_threads</c>,
/// <c>torch.cuda.is_available</c>).</summary>
public static class Torch
{
    /// <summary>Seeds the global random generator used by <c>Rand</c>, <c>Randn</c>, dropout, ...
    /// (PyTorch's <c>torch.manual_seed</c>): the same seed gives the same random numbers.</summary>
    /// <param name="seed">The seed.</param>
    public static void ManualSeed(int seed) => F.Random.seed(seed);

    /// <summary>Sets the number of threads LibTorch uses inside one op (PyTorch's
    /// <c>torch.set_num_threads</c>).</summary>
    /// <param name="threads">At least 1.</param>
    /// <exception cref="ArgumentException"><paramref name="threads"/> is less than 1.</exception>
    public static void SetNumThreads(int threads) => F.Torch.setNumThreads(threads);

    /// <summary>The number of threads LibTorch uses inside one op (PyTorch's
    /// <c>torch.get_num_threads</c>).</summary>
    public static int GetNumThreads() => F.Torch.getNumThreads();

    /// <summary>Whether LibTorch sees a CUDA GPU in this process (PyTorch's
    /// <c>torch.cuda.is_available</c>): false on the CPU build of LibTorch and on machines without an
    /// NVIDIA GPU.</summary>
    public static bool CudaIsAvailable() => F.Torch.cudaIsAvailable();

    /// <summary>The number of CUDA GPUs LibTorch sees, 0 without CUDA (PyTorch's
    /// <c>torch.cuda.device_count</c>).</summary>
    public static int CudaDeviceCount() => F.Torch.cudaDeviceCount();
}

/// <summary>A random-number generator of its own (PyTorch's <c>torch.Generator</c>), for
/// reproducible randomness that neither depends on nor disturbs the global one: pass it to
/// <c>Tensor.Rand</c>, <c>Tensor.Randn</c>, <c>Tensor.Randint</c>, <c>Tensor.Randperm</c>.</summary>
public sealed class Generator : IDisposable
{
    /// <summary>A generator started from <paramref name="seed"/> (on the CPU).</summary>
    /// <param name="seed">The seed.</param>
    public Generator(long seed = 0)
    {
        Value = F.Random.generator(0);
        Value.Seed(seed);
    }

    /// <summary>The F# core's generator this wraps.</summary>
    internal F.Generator Value { get; }

    /// <summary>Restarts the sequence from <paramref name="seed"/> (PyTorch's <c>manual_seed</c>).</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>This generator.</returns>
    public Generator ManualSeed(long seed)
    {
        Value.Seed(seed);
        return this;
    }

    /// <summary>Frees the generator's native state.</summary>
    public void Dispose() => ((IDisposable)Value).Dispose();
}
