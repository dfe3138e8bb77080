/// BenchmarkDotNet suites: the same workloads as `compare`, with BenchmarkDotNet's statistics
/// and its memory diagnoser (managed allocations per gradient; LibTorch's native memory is
/// not visible to it, which is why `compare` reports VmRSS and live tensor counts).
namespace Nabla.Benchmarks

open System
open BenchmarkDotNet.Attributes
open TorchSharp
open Nabla.Benchmarks.Workloads

/// One gradient of the workload's loss w.r.t. its parameters; TorchSharp's autograd is the baseline.
[<MemoryDiagnoser>]
type Gradient() =
    let mutable workload: Workload option = None

    let current () =
        match workload with
        | Some w -> w
        | None -> invalidOp "GlobalSetup has not run."

    /// small: MLP 1→20→1, MSE, 100 points; large: MLP 784→256→10, cross-entropy, batch 512;
    /// seed-modules and mlp-modules: the same as modules, a step with zero grads and Backward;
    /// seed-train and digits-train: a whole training step with Adam (Loss and Optim against
    /// torch.nn.functional and torch.optim).
    [<Params("small", "large", "seed-modules", "mlp-modules", "seed-train", "digits-train")>]
    member val Workload = "small" with get, set

    [<GlobalSetup>]
    member this.Setup() =
        Nabla.Torch.ensureLoaded ()

        match Environment.GetEnvironmentVariable "NABLA_BENCH_THREADS" with
        | null
        | "" -> ()
        | n -> torch.set_num_threads (int n)

        workload <- Some(byName this.Workload)
        // Shown in BenchmarkDotNet's log, so that a report says how many threads LibTorch used.
        printfn "// Nabla.Benchmarks: workload %s, LibTorch threads %d" this.Workload (torch.get_num_threads ())

    [<GlobalCleanup>]
    member _.Cleanup() =
        workload |> Option.iter (fun w -> w.Dispose())
        workload <- None

    [<Benchmark(Baseline = true)>]
    member _.TorchSharp() = (current ()).Torch.Step()

    [<Benchmark>]
    member _.Nabla() = (current ()).Nabla.Step()
