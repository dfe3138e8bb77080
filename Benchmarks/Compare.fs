/// The side-by-side runner: Nabla and TorchSharp measured in one process, alternating batch by
/// batch (the order flips every round), so that drift in the machine's speed (turbo, noisy
/// neighbours, caches) hits both sides alike. Reports medians and ratios, never a lone time.
module Nabla.Benchmarks.Compare

open System
open System.Diagnostics
open System.IO
open TorchSharp
open Nabla.Benchmarks.Workloads

type Options =
    { Rounds: int
      /// Target wall time of one batch of one side, in milliseconds.
      BatchMs: float
      Threads: int option
      /// Also time the forward pass alone on each side, to split the cost between forward and backward.
      Breakdown: bool
      /// Print every round's times.
      Verbose: bool
      Workloads: string list }

let defaults = { Rounds = 15; BatchMs = 600.0; Threads = None; Breakdown = false; Verbose = false; Workloads = [ "small"; "large" ] }

let usage =
    "compare [--threads N] [--rounds N] [--batch-ms MS] [--breakdown] [--verbose] [--workload small|large|large-fused]...\n"
    + "  Times Nabla's AD.valueAndGradParams against TorchSharp's torch.autograd.grad on the same model,\n"
    + "  data and thread count, alternating batches; default workloads: small, large.\n"
    + "  --verbose prints every round's times.\n"
    + "  --breakdown also times the forward pass alone on each side (Nabla on constants, TorchSharp under no_grad)."

let parse (args: string list) =
    let rec go (o: Options) (explicit: string list) args =
        match args with
        | [] -> Ok { o with Workloads = (if explicit.IsEmpty then o.Workloads else List.rev explicit) }
        | "--threads" :: n :: rest -> go { o with Threads = Some(int n) } explicit rest
        | "--rounds" :: n :: rest -> go { o with Rounds = max 3 (int n) } explicit rest
        | "--batch-ms" :: n :: rest -> go { o with BatchMs = float n } explicit rest
        | "--breakdown" :: rest -> go { o with Breakdown = true } explicit rest
        | "--verbose" :: rest -> go { o with Verbose = true } explicit rest
        | "--workload" :: w :: rest -> go o (w :: explicit) rest
        | other :: _ -> Error $"compare: unknown argument '{other}'.\n{usage}"
    try go defaults [] args with :? FormatException -> Error usage

// ------------------------------------------------------------------ measurements

/// Resident memory of this process (VmRSS from /proc/self/status), in MB.
let residentMB () =
    try
        File.ReadAllLines "/proc/self/status"
        |> Array.tryFind (fun l -> l.StartsWith "VmRSS:")
        |> Option.map (fun l -> float (l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0)
        |> Option.defaultValue nan
    with _ -> nan

/// The CPU model (first "model name" of /proc/cpuinfo).
let cpuModel () =
    try
        File.ReadAllLines "/proc/cpuinfo"
        |> Array.tryFind (fun l -> l.StartsWith "model name")
        |> Option.map (fun l -> l.Substring(l.IndexOf ':' + 1).Trim())
        |> Option.defaultValue "unknown"
    with _ -> "unknown"

/// The 1-, 5- and 15-minute load averages: other work on the machine skews every timing.
let loadAverage () =
    try (File.ReadAllText "/proc/loadavg").Split(' ')[0..2] |> String.concat " " with _ -> "unknown"

/// CPU time of the whole machine (busy and total) and of this process, in clock ticks.
type CpuSample = { Busy: int64; Total: int64; Own: int64 }

let cpuSample () =
    try
        let cpuLine = (File.ReadAllLines "/proc/stat")[0]
        let fields = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..] |> Array.map int64
        // user nice system idle iowait irq softirq steal ...
        let total = Array.sum fields[0..7]
        let idle = fields[3] + fields[4]
        let own =
            let stat = File.ReadAllText "/proc/self/stat"
            let afterName = stat.Substring(stat.LastIndexOf ')' + 2).Split ' '
            int64 afterName[11] + int64 afterName[12] // utime, stime (fields 14 and 15)
        { Busy = total - idle; Total = total; Own = own }
    with _ -> { Busy = 0L; Total = 0L; Own = 0L }

/// The share of the machine's CPU time that other processes used between two samples, in percent:
/// contention makes both sides slower and noisier, LibTorch's multi-threaded kernels most.
let othersPercent (a: CpuSample) (b: CpuSample) =
    let total = b.Total - a.Total
    if total <= 0L then nan else 100.0 * float (max 0L ((b.Busy - a.Busy) - (b.Own - a.Own))) / float total

/// The managed heap after the last GC, in MB.
let managedHeapMB () = float (GC.GetGCMemoryInfo().HeapSizeBytes) / 1048576.0

let private stats () = DisposeScopeManager.Statistics

/// LibTorch tensors created on this thread so far (inside and outside dispose scopes).
let tensorsCreated () = stats().CreatedInScopeCount + stats().CreatedOutsideScopeCount

let liveTensors () = stats().ThreadTotalLiveCount

let median (xs: float[]) =
    let s = Array.sort xs
    let n = s.Length
    if n = 0 then nan elif n % 2 = 1 then s[n / 2] else (s[n / 2 - 1] + s[n / 2]) / 2.0

/// Runs `step` n times; returns the seconds taken.
let timeBatch (step: unit -> unit) (n: int) =
    let sw = Stopwatch.StartNew()
    for _ in 1 .. n do step ()
    sw.Elapsed.TotalSeconds

/// Tensors created and managed bytes allocated per step, averaged over n steps.
let perStep (side: Side) (n: int) =
    let t0 = tensorsCreated ()
    let b0 = GC.GetAllocatedBytesForCurrentThread()
    for _ in 1 .. n do side.Step()
    let t1 = tensorsCreated ()
    let b1 = GC.GetAllocatedBytesForCurrentThread()
    float (t1 - t0) / float n, float (b1 - b0) / float n

// ------------------------------------------------------------------ the cross-check

/// Both sides must compute the same loss and gradients before their speed means anything.
/// The difference of each tensor is measured relative to its largest magnitude.
let check (w: Workload) =
    let lossN, gradsN = w.Nabla.Compute()
    let lossT, gradsT = w.Torch.Compute()
    let relative (a: float[]) (b: float[]) =
        if a.Length <> b.Length then infinity
        else
            let scale = max 1e-6 (b |> Array.fold (fun m v -> max m (abs v)) 0.0)
            let diff = Array.fold2 (fun m x y -> max m (abs (x - y))) 0.0 a b
            diff / scale
    let lossDiff = abs (lossN - lossT) / max 1e-6 (abs lossT)
    let gradDiffs = Array.map2 relative gradsN gradsT
    let worst = Array.fold max lossDiff gradDiffs
    printfn "  check: loss Nabla %.7f, TorchSharp %.7f (relative difference %.1e)" lossN lossT lossDiff
    let parts = Array.map2 (fun n d -> $"{n} %.1e{d}") w.ParamNames gradDiffs
    printfn "         gradients, max |difference| / max |value|: %s" (String.Join(", ", parts))
    if not (worst <= 1e-4) then
        failwithf "compare: Nabla and TorchSharp disagree on workload '%s' (worst relative difference %.3e > 1e-4); the timings would not compare the same computation." w.Name worst

// ------------------------------------------------------------------ one workload

type Result =
    { Name: string
      Description: string
      Iterations: int
      Rounds: int
      NablaMicros: float
      TorchMicros: float
      RatioOfMedians: float
      MedianRatio: float
      MinRatio: float
      MaxRatio: float
      NablaTensors: float
      TorchTensors: float
      NablaBytes: float
      TorchBytes: float
      RssBefore: float
      RssAfter: float
      LiveBefore: int64
      LiveAfter: int64
      OthersPercent: float }

/// Warms both steps up (JIT, tiered compilation, LibTorch's allocator and thread pool) for about
/// `seconds`, and returns how many iterations make a batch of `batchMs` milliseconds.
let warmUp (a: unit -> unit) (b: unit -> unit) (seconds: float) (batchMs: float) =
    let mutable spent = 0.0
    let mutable n = 1
    let mutable perIter = 0.0
    while spent < seconds do
        let ta = timeBatch a n
        let tb = timeBatch b n
        spent <- spent + ta + tb
        perIter <- (ta + tb) / 2.0 / float n
        n <- min (n * 2) 4096
    max 1 (int (batchMs / 1000.0 / perIter))

/// Seconds per batch of `iterations`, for each side, in `rounds` rounds; even rounds run a first,
/// odd rounds b first.
let alternate (a: unit -> unit) (b: unit -> unit) (rounds: int) (iterations: int) =
    let ta = Array.zeroCreate rounds
    let tb = Array.zeroCreate rounds
    for r in 0 .. rounds - 1 do
        if r % 2 = 0 then
            ta[r] <- timeBatch a iterations
            tb[r] <- timeBatch b iterations
        else
            tb[r] <- timeBatch b iterations
            ta[r] <- timeBatch a iterations
    ta, tb

let run (o: Options) (w: Workload) : Result =
    printfn ""
    printfn "== %s: %s" w.Name w.Description
    check w
    let rssStart = residentMB ()
    let iterations = warmUp w.Nabla.Step w.Torch.Step 2.0 o.BatchMs
    let rssBefore = residentMB ()
    let liveBefore = liveTensors ()

    let countSteps = max 5 (min 200 iterations)
    let nablaTensors, nablaBytes = perStep w.Nabla countSteps
    let torchTensors, torchBytes = perStep w.Torch countSteps

    printfn "  %d rounds × %d gradients per side per round (order flips every round)" o.Rounds iterations
    let cpu0 = cpuSample ()
    let nabla, torchT = alternate w.Nabla.Step w.Torch.Step o.Rounds iterations
    let cpu1 = cpuSample ()
    let micros (s: float) = s * 1e6 / float iterations
    let ratios = Array.map2 (/) nabla torchT
    if o.Verbose then
        for i in 0 .. o.Rounds - 1 do
            printfn "    round %2d (%s first): Nabla %9.1f µs, TorchSharp %9.1f µs, ratio %.3f"
                (i + 1) (if i % 2 = 0 then "Nabla" else "TorchSharp") (micros nabla[i]) (micros torchT[i]) ratios[i]
    let r =
        { Name = w.Name
          Description = w.Description
          Iterations = iterations
          Rounds = o.Rounds
          NablaMicros = median (Array.map micros nabla)
          TorchMicros = median (Array.map micros torchT)
          RatioOfMedians = median nabla / median torchT
          MedianRatio = median ratios
          MinRatio = Array.min ratios
          MaxRatio = Array.max ratios
          NablaTensors = nablaTensors
          TorchTensors = torchTensors
          NablaBytes = nablaBytes
          TorchBytes = torchBytes
          RssBefore = rssBefore
          RssAfter = residentMB ()
          LiveBefore = liveBefore
          LiveAfter = liveTensors ()
          OthersPercent = othersPercent cpu0 cpu1 }
    printfn "  %-12s %14s %12s %12s" "" "median µs/grad" "min µs" "max µs"
    printfn "  %-12s %14.1f %12.1f %12.1f" "Nabla" r.NablaMicros (micros (Array.min nabla)) (micros (Array.max nabla))
    printfn "  %-12s %14.1f %12.1f %12.1f" "TorchSharp" r.TorchMicros (micros (Array.min torchT)) (micros (Array.max torchT))
    printfn "  ratio Nabla/TorchSharp: median of per-round ratios %.3f (range %.3f–%.3f), ratio of medians %.3f"
        r.MedianRatio r.MinRatio r.MaxRatio r.RatioOfMedians
    printfn "  LibTorch tensors created per step: Nabla %.1f, TorchSharp %.1f" r.NablaTensors r.TorchTensors
    printfn "  managed bytes allocated per step:  Nabla %.0f, TorchSharp %.0f" r.NablaBytes r.TorchBytes
    printfn "  memory: VmRSS %.1f MB at start, %.1f MB after warm-up, %.1f MB after timing; managed heap %.1f MB"
        rssStart r.RssBefore r.RssAfter (managedHeapMB ())
    printfn "          live LibTorch tensors on this thread (DisposeScopeManager.Statistics.ThreadTotalLiveCount): %d before timing, %d after"
        r.LiveBefore r.LiveAfter
    printfn "  other processes used %.1f%% of the machine's CPU time while timing" r.OthersPercent

    if o.Breakdown then
        let fwd (s: Side) = { s with Step = s.Forward }
        let fIterations = warmUp w.Nabla.Forward w.Torch.Forward 1.0 (o.BatchMs / 2.0)
        let nablaFT, nablaFB = perStep (fwd w.Nabla) countSteps
        let torchFT, torchFB = perStep (fwd w.Torch) countSteps
        let rounds = max 3 (o.Rounds / 2)
        let fn, ft = alternate w.Nabla.Forward w.Torch.Forward rounds fIterations
        let fm (s: float[]) = median s * 1e6 / float fIterations
        printfn "  breakdown (forward only, %d rounds × %d): Nabla %.1f µs, TorchSharp %.1f µs, ratio %.3f; tensors %.0f vs %.0f; bytes %.0f vs %.0f"
            rounds fIterations (fm fn) (fm ft) (median fn / median ft) nablaFT torchFT nablaFB torchFB
        printfn "    ⇒ backward (gradient − forward): Nabla %.1f µs, TorchSharp %.1f µs; tensors %.0f vs %.0f; bytes %.0f vs %.0f"
            (r.NablaMicros - fm fn) (r.TorchMicros - fm ft) (nablaTensors - nablaFT) (torchTensors - torchFT)
            (nablaBytes - nablaFB) (torchBytes - torchFB)
    r

// ------------------------------------------------------------------ entry

let main (args: string list) =
    match parse args with
    | Error e -> eprintfn "%s" e; 2
    | Ok o ->
        o.Threads |> Option.iter torch.set_num_threads
        let started = Stopwatch.StartNew()
        printfn "Nabla vs TorchSharp: one gradient of a loss w.r.t. an MLP's parameters (float32, CPU)"
        printfn "  Nabla: AD.valueAndGradParams inside Scope.run; TorchSharp: requires_grad leaves, torch.autograd.grad inside torch.NewDisposeScope()"
        printfn "  LibTorch threads (torch.get_num_threads): %d   processors: %d   %s   TorchSharp %s"
            (torch.get_num_threads ()) Environment.ProcessorCount
            (Runtime.InteropServices.RuntimeInformation.FrameworkDescription)
            (typeof<torch.Tensor>.Assembly.GetName().Version.ToString())
        printfn "  CPU: %s; load average at start: %s" (cpuModel ()) (loadAverage ())
        printfn "  GC: %s, %s" (if Runtime.GCSettings.IsServerGC then "server" else "workstation")
            (if Runtime.GCSettings.LatencyMode = Runtime.GCLatencyMode.Batch then "non-concurrent" else "concurrent")
        let results =
            try
                Ok [ for name in o.Workloads do
                        let w = byName name
                        try run o w
                        finally w.Dispose() ]
            with
            | Failure message -> Error message
            | :? ArgumentException as e -> Error e.Message
        match results with
        | Error message ->
            eprintfn "\nFAILED: %s" message
            1
        | Ok results ->
            printfn ""
            printfn "Summary (threads %d, %d rounds)" (torch.get_num_threads ()) o.Rounds
            printfn "  %-12s %10s %10s %8s %9s %14s %16s %8s" "workload" "Nabla µs" "Torch µs" "ratio" "(median)" "tensors/step" "bytes/step" "others"
            for r in results do
                printfn "  %-12s %10.1f %10.1f %8.3f %9.3f %6.0f vs %-5.0f %7.0f vs %-6.0f %6.1f%%"
                    r.Name r.NablaMicros r.TorchMicros r.RatioOfMedians r.MedianRatio r.NablaTensors r.TorchTensors r.NablaBytes r.TorchBytes r.OthersPercent
            printfn "  (ratio = ratio of medians; (median) = median of per-round ratios; pairs are Nabla vs TorchSharp;"
            printfn "   others = CPU share used by other processes while timing)"
            printfn "Total time %.0f s; load average at end: %s" started.Elapsed.TotalSeconds (loadAverage ())
            0
