namespace Nabla

open TorchSharp

/// The LibTorch runtime underneath Nabla: its thread pool, and loading it.
module Torch =

    /// Loads LibTorch (patched where this OS needs it; see docs/architecture.md). Nabla does this
    /// itself before its first LibTorch call; call it first only in a program that also uses
    /// TorchSharp directly, before that program's first TorchSharp call.
    let ensureLoaded () = Native.ensureLoaded ()

    /// The number of threads LibTorch uses inside one op (intra-op parallelism), as torch.set_num_threads.
    let setNumThreads (n: int) =
        if n < 1 then
            invalidArg "n" $"Torch.setNumThreads: the number of threads must be at least 1; got {n}."

        Native.ensureLoaded ()
        torch.set_num_threads n

    /// The number of threads LibTorch uses inside one op, as torch.get_num_threads.
    let getNumThreads () =
        Native.ensureLoaded ()
        torch.get_num_threads ()

    /// Whether LibTorch sees a CUDA device in this process, as torch.cuda.is_available: false on
    /// the CPU build of LibTorch (the one this repository references) and on machines without an
    /// NVIDIA GPU.
    let cudaIsAvailable () = Raw.cudaAvailable.Value

    /// The number of CUDA devices LibTorch sees (0 without CUDA), as torch.cuda.device_count.
    let cudaDeviceCount () =
        if Raw.cudaAvailable.Value then
            torch.cuda.device_count ()
        else
            0
