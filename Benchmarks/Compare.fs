/// The side-by-side runner: Nabla and TorchSharp measured in one process, alternating batch by
/// batch (the order changes every round), so that drift in the machine's speed (turbo, noisy
/// neighbours, caches) hits both sides alike. Reports medians and ratios, never a lone time.
/// With --pytorch, Python's PyTorch joins the rotation from a child process (PyTorchSide) as a
/// third column.
module Nabla.Benchmarks.Compare

open System
open System.Diagnostics
open System.IO
open TorchSharp
open Nabla.Benchmarks.Workloads
open Nabla.Benchmarks.PyTorchSide

type Options =
    {
        Rounds: int
        /// Target wall time of one batch of one side, in milliseconds.
        BatchMs: float
        Threads: int option
        /// Also time the forward pass alone on each side, to split the cost between forward and backward.
        Breakdown: bool
        /// Print every round's times.
        Verbose: bool
        /// Add Python's PyTorch as a third side (needs a python3 that imports torch).
        PyTorch: bool
        Workloads: string list
    }

let defaults =
    {
        Rounds = 15
        BatchMs = 600.0
        Threads = None
        Breakdown = false
        Verbose = false
        PyTorch = false
        Workloads =
            [
                "small"
                "large"
                "seed-modules"
                "mlp-modules"
                "seed-train"
                "digits-train"
            ]
    }

let usage =
    "compare [--threads N] [--rounds N] [--batch-ms MS] [--breakdown] [--verbose] [--pytorch] [--workload NAME]...\n"
    + "  Times Nabla's AD.valueAndGradParams against TorchSharp's torch.autograd.grad on the same model,\n"
    + "  data and thread count, alternating batches (workloads small, large, large-fused), and a training\n"
    + "  step of Nabla.NN modules with Backward against torch.nn modules with backward() (seed-modules,\n"
    + "  mlp-modules, mlp-modules-fused), and a whole training step with an Adam update (Nabla's Loss and\n"
    + "  Optim.Adam against TorchSharp's fused losses and torch.optim.Adam: seed-train, digits-train);\n"
    + "  default workloads: small, large, seed-modules, mlp-modules, seed-train, digits-train.\n"
    + "  --verbose prints every round's times.\n"
    + "  --pytorch adds Python's PyTorch as a third side (python3 with torch, e.g. Debian's python3-torch,\n"
    + "  or $NABLA_PYTHON), for orientation.\n"
    + "  --breakdown also times the forward pass alone on each side (Nabla on constants, TorchSharp under no_grad)."

let parse (args: string list) =
    let rec go (o: Options) (explicit: string list) args =
        match args with
        | [] ->
            Ok
                { o with
                    Workloads = (if explicit.IsEmpty then o.Workloads else List.rev explicit)
                }
        | "--threads" :: n :: rest -> go { o with Threads = Some(int n) } explicit rest
        | "--rounds" :: n :: rest -> go { o with Rounds = max 3 (int n) } explicit rest
        | "--batch-ms" :: n :: rest -> go { o with BatchMs = float n } explicit rest
        | "--breakdown" :: rest -> go { o with Breakdown = true } explicit rest
        | "--verbose" :: rest -> go { o with Verbose = true } explicit rest
        | "--pytorch" :: rest -> go { o with PyTorch = true } explicit rest
        | "--workload" :: w :: rest -> go o (w :: explicit) rest
        | other :: _ -> Error $"compare: unknown argument '{other}'.\n{usage}"

    try
        go defaults [] args
    with :? FormatException ->
        Error usage

// ------------------------------------------------------------------ measurements

/// Resident memory of this process (VmRSS from /proc/self/status), in MB.
let residentMB () =
    try
        File.ReadAllLines "/proc/self/status"
        |> Array.tryFind (fun l -> l.StartsWith "VmRSS:")
        |> Option.map (fun l -> float (l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0)
        |> Option.defaultValue nan
    with _ ->
        nan

/// The CPU model (first "model name" of /proc/cpuinfo).
let cpuModel () =
    try
        File.ReadAllLines "/proc/cpuinfo"
        |> Array.tryFind (fun l -> l.StartsWith "model name")
        |> Option.map (fun l -> l.Substring(l.IndexOf ':' + 1).Trim())
        |> Option.defaultValue "unknown"
    with _ ->
        "unknown"

/// The 1-, 5- and 15-minute load averages: other work on the machine skews every timing.
let loadAverage () =
    try
        (File.ReadAllText "/proc/loadavg").Split(' ')[0..2] |> String.concat " "
    with _ ->
        "unknown"

/// CPU time of the whole machine (busy and total) and of this process and its PyTorch child, in clock ticks.
type CpuSample =
    {
        Busy: int64
        Total: int64
        Own: int64
    }

/// utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat), in clock ticks.
let private processTicks (statPath: string) =
    let stat = File.ReadAllText statPath
    let afterName = stat.Substring(stat.LastIndexOf ')' + 2).Split ' '
    int64 afterName[11] + int64 afterName[12]

/// `children`: the pids of the runner's own child processes (the PyTorch side), whose CPU time is
/// the runner's, not contention.
let cpuSample (children: int list) =
    try
        let cpuLine = (File.ReadAllLines "/proc/stat")[0]

        let fields =
            cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            |> Array.map int64
        // user nice system idle iowait irq softirq steal ...
        let total = Array.sum fields[0..7]
        let idle = fields[3] + fields[4]

        let own =
            processTicks "/proc/self/stat"
            + (children |> List.sumBy (fun pid -> processTicks $"/proc/{pid}/stat"))

        {
            Busy = total - idle
            Total = total
            Own = own
        }
    with _ ->
        { Busy = 0L; Total = 0L; Own = 0L }

/// The share of the machine's CPU time that other processes used between two samples, in percent:
/// contention makes both sides slower and noisier, LibTorch's multi-threaded kernels most.
let othersPercent (a: CpuSample) (b: CpuSample) =
    let total = b.Total - a.Total

    if total <= 0L then
        nan
    else
        100.0 * float (max 0L ((b.Busy - a.Busy) - (b.Own - a.Own))) / float total

/// The managed heap after the last GC, in MB.
let managedHeapMB () =
    float (GC.GetGCMemoryInfo().HeapSizeBytes) / 1048576.0

let private stats () = DisposeScopeManager.Statistics

/// LibTorch tensors created on this thread so far (inside and outside dispose scopes).
let tensorsCreated () =
    stats().CreatedInScopeCount + stats().CreatedOutsideScopeCount

let liveTensors () = stats().ThreadTotalLiveCount

/// TorchSharp tensors of the whole process not yet disposed or finalized, after a full collection
/// (call it outside any timing). The per-thread count above grows when tensors are freed by the
/// finalizer thread (Nabla's gradients, dropped by ZeroGrad, are): garbage is not counted here, a
/// leak is.
let processLiveTensors () =
    GC.Collect()
    GC.WaitForPendingFinalizers()
    GC.Collect()
    torch.Tensor.TotalCount

let median (xs: float[]) =
    let s = Array.sort xs
    let n = s.Length

    if n = 0 then nan
    elif n % 2 = 1 then s[n / 2]
    else (s[n / 2 - 1] + s[n / 2]) / 2.0

/// Runs `step` n times; returns the seconds taken.
let timeBatch (step: unit -> unit) (n: int) =
    let sw = Stopwatch.StartNew()

    for _ in 1..n do
        step ()

    sw.Elapsed.TotalSeconds

/// Tensors created and managed bytes allocated per step, averaged over n steps.
let perStep (side: Side) (n: int) =
    let t0 = tensorsCreated ()
    let b0 = GC.GetAllocatedBytesForCurrentThread()

    for _ in 1..n do
        side.Step()

    let t1 = tensorsCreated ()
    let b1 = GC.GetAllocatedBytesForCurrentThread()
    float (t1 - t0) / float n, float (b1 - b0) / float n

// ------------------------------------------------------------------ the cross-check

/// Both sides must compute the same loss and gradients before their speed means anything.
/// The difference of each tensor is measured relative to its largest magnitude.
let check (w: Workload) (other: string) (computeOther: unit -> float * float[][]) =
    let lossN, gradsN = w.Nabla.Compute()
    let lossT, gradsT = computeOther ()

    let relative (a: float[]) (b: float[]) =
        if a.Length <> b.Length then
            infinity
        else
            let scale = max 1e-6 (b |> Array.fold (fun m v -> max m (abs v)) 0.0)
            let diff = Array.fold2 (fun m x y -> max m (abs (x - y))) 0.0 a b
            diff / scale

    let lossDiff = abs (lossN - lossT) / max 1e-6 (abs lossT)
    let gradDiffs = Array.map2 relative gradsN gradsT
    let worst = Array.fold max lossDiff gradDiffs
    printfn "  check against %s: loss Nabla %.7f, %s %.7f (relative difference %.1e)" other lossN other lossT lossDiff
    let parts = Array.map2 (fun n d -> $"{n} %.1e{d}") w.ParamNames gradDiffs
    printfn "         %s, max |difference| / max |value|: %s" w.Compared (String.Join(", ", parts))

    if not (worst <= 1e-4) then
        failwithf
            "compare: Nabla and %s disagree on workload '%s' (worst relative difference %.3e > 1e-4); the timings would not compare the same computation."
            other
            w.Name
            worst

// ------------------------------------------------------------------ one workload

type Result =
    {
        Name: string
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
        ProcessLiveBefore: int64
        ProcessLiveAfter: int64
        OthersPercent: float
        /// PyTorch's median µs per gradient, and Nabla/PyTorch (ratio of medians, median of per-round ratios).
        PyTorch: (float * float * float) option
    }

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

/// Seconds per batch for each side (a function that runs one batch and returns its seconds), in
/// `rounds` rounds; round r starts with side r mod k and goes on in order, so every side runs
/// first, second, ... equally often (with two sides, the order flips every round).
let rotate (sides: (unit -> float)[]) (rounds: int) : float[][] =
    let k = sides.Length
    let times = Array.init k (fun _ -> Array.zeroCreate rounds)

    for r in 0 .. rounds - 1 do
        for j in 0 .. k - 1 do
            let i = (r + j) % k
            times[i][r] <- sides[i]()

    times

/// Seconds per batch of `iterations`, for each of two sides, in `rounds` rounds; even rounds run a
/// first, odd rounds b first.
let alternate (a: unit -> unit) (b: unit -> unit) (rounds: int) (iterations: int) =
    let times =
        rotate [| (fun () -> timeBatch a iterations); (fun () -> timeBatch b iterations) |] rounds

    times[0], times[1]

let run (o: Options) (py: Session option) (w: Workload) : Result =
    printfn ""
    printfn "== %s: %s" w.Name w.Description
    check w "TorchSharp" w.Torch.Compute

    let py =
        match py, w.PyTorch with
        | Some session, Some spec ->
            let version, blas = session.Load(spec, torch.get_num_threads ())
            printfn "  PyTorch %s, BLAS: %s" version blas
            check w "PyTorch" session.Compute
            Some session
        | _ -> None

    let processLiveBefore = processLiveTensors ()
    let rssStart = residentMB ()
    let iterations = warmUp w.Nabla.Step w.Torch.Step 2.0 o.BatchMs

    py
    |> Option.iter (fun session ->
        session.Time iterations |> ignore
        session.Time iterations |> ignore)

    let rssBefore = residentMB ()
    let liveBefore = liveTensors ()

    let countSteps = max 5 (min 200 iterations)
    let nablaTensors, nablaBytes = perStep w.Nabla countSteps
    let torchTensors, torchBytes = perStep w.Torch countSteps

    printfn
        "  %d rounds × %d gradients per side per round (%s)"
        o.Rounds
        iterations
        (if py.IsSome then
             "the side that starts rotates every round"
         else
             "order flips every round")

    let children = py |> Option.map (fun session -> session.Pid) |> Option.toList
    let cpu0 = cpuSample children

    let sides =
        [|
            yield (fun () -> timeBatch w.Nabla.Step iterations)
            yield (fun () -> timeBatch w.Torch.Step iterations)
            match py with
            | Some session ->
                // a pause after each PyTorch batch lets the child's thread pools go idle before the next side runs
                yield
                    (fun () ->
                        let seconds = session.Time iterations in
                        Threading.Thread.Sleep 300
                        seconds)
            | None -> ()
        |]

    let times = rotate sides o.Rounds
    let nabla, torchT = times[0], times[1]
    let cpu1 = cpuSample children
    let micros (s: float) = s * 1e6 / float iterations
    let ratios = Array.map2 (/) nabla torchT

    if o.Verbose then
        for i in 0 .. o.Rounds - 1 do
            let names = [| "Nabla"; "TorchSharp"; "PyTorch" |]

            let pyText =
                if times.Length > 2 then
                    sprintf ", PyTorch %9.1f µs" (micros times[2].[i])
                else
                    ""

            printfn
                "    round %2d (%s first): Nabla %9.1f µs, TorchSharp %9.1f µs%s, ratio Nabla/TorchSharp %.3f"
                (i + 1)
                names[i % times.Length]
                (micros nabla[i])
                (micros torchT[i])
                pyText
                ratios[i]

    let r =
        {
            Name = w.Name
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
            ProcessLiveBefore = processLiveBefore
            ProcessLiveAfter = 0L
            OthersPercent = othersPercent cpu0 cpu1
            PyTorch =
                if times.Length < 3 then
                    None
                else
                    let pyT = times[2]
                    Some(median (Array.map micros pyT), median nabla / median pyT, median (Array.map2 (/) nabla pyT))
        }

    printfn "  %-12s %14s %12s %12s" "" "median µs/grad" "min µs" "max µs"
    printfn "  %-12s %14.1f %12.1f %12.1f" "Nabla" r.NablaMicros (micros (Array.min nabla)) (micros (Array.max nabla))
    printfn "  %-12s %14.1f %12.1f %12.1f" "TorchSharp" r.TorchMicros (micros (Array.min torchT)) (micros (Array.max torchT))

    if times.Length > 2 then
        printfn
            "  %-12s %14.1f %12.1f %12.1f"
            "PyTorch"
            (median (Array.map micros times[2]))
            (micros (Array.min times[2]))
            (micros (Array.max times[2]))

    printfn
        "  ratio Nabla/TorchSharp: median of per-round ratios %.3f (range %.3f–%.3f), ratio of medians %.3f"
        r.MedianRatio
        r.MinRatio
        r.MaxRatio
        r.RatioOfMedians

    r.PyTorch
    |> Option.iter (fun (_, ofMedians, medianRatio) ->
        printfn "  ratio Nabla/PyTorch:    median of per-round ratios %.3f, ratio of medians %.3f" medianRatio ofMedians)

    printfn "  LibTorch tensors created per step: Nabla %.1f, TorchSharp %.1f" r.NablaTensors r.TorchTensors
    printfn "  managed bytes allocated per step:  Nabla %.0f, TorchSharp %.0f" r.NablaBytes r.TorchBytes

    printfn
        "  memory: VmRSS %.1f MB at start, %.1f MB after warm-up, %.1f MB after timing; managed heap %.1f MB"
        rssStart
        r.RssBefore
        r.RssAfter
        (managedHeapMB ())

    printfn
        "          live LibTorch tensors on this thread (DisposeScopeManager.Statistics.ThreadTotalLiveCount): %d before timing, %d after"
        r.LiveBefore
        r.LiveAfter

    let r =
        { r with
            ProcessLiveAfter = processLiveTensors ()
        }

    printfn
        "          TorchSharp tensors alive in the process after a full collection (torch.Tensor.TotalCount): %d before warm-up, %d after timing"
        r.ProcessLiveBefore
        r.ProcessLiveAfter

    printfn "  other processes used %.1f%% of the machine's CPU time while timing" r.OthersPercent

    if o.Breakdown then
        let fwd (s: Side) = { s with Step = s.Forward }
        let fIterations = warmUp w.Nabla.Forward w.Torch.Forward 1.0 (o.BatchMs / 2.0)
        let nablaFT, nablaFB = perStep (fwd w.Nabla) countSteps
        let torchFT, torchFB = perStep (fwd w.Torch) countSteps
        let rounds = max 3 (o.Rounds / 2)
        let fn, ft = alternate w.Nabla.Forward w.Torch.Forward rounds fIterations
        let fm (s: float[]) = median s * 1e6 / float fIterations

        printfn
            "  breakdown (forward only, %d rounds × %d): Nabla %.1f µs, TorchSharp %.1f µs, ratio %.3f; tensors %.0f vs %.0f; bytes %.0f vs %.0f"
            rounds
            fIterations
            (fm fn)
            (fm ft)
            (median fn / median ft)
            nablaFT
            torchFT
            nablaFB
            torchFB

        printfn
            "    ⇒ backward (gradient − forward): Nabla %.1f µs, TorchSharp %.1f µs; tensors %.0f vs %.0f; bytes %.0f vs %.0f"
            (r.NablaMicros - fm fn)
            (r.TorchMicros - fm ft)
            (nablaTensors - nablaFT)
            (torchTensors - torchFT)
            (nablaBytes - nablaFB)
            (torchBytes - torchFB)

    r

// ------------------------------------------------------------------ entry

let main (args: string list) =
    match parse args with
    | Error e ->
        eprintfn "%s" e
        2
    | Ok o ->
        o.Threads |> Option.iter torch.set_num_threads
        let started = Stopwatch.StartNew()
        printfn "Nabla vs TorchSharp: one gradient of a loss w.r.t. an MLP's parameters (float32, CPU)"

        printfn
            "  Nabla: AD.valueAndGradParams inside Scope.run; TorchSharp: requires_grad leaves, torch.autograd.grad inside torch.NewDisposeScope()"

        printfn
            "  *-modules: Nabla.NN modules, ZeroGrad/Forward/loss/Backward/ToScalar inside Scope.run; TorchSharp: torch.nn modules, zero_grad/forward/loss/backward/item inside torch.NewDisposeScope()"

        printfn
            "  LibTorch threads (torch.get_num_threads): %d   processors: %d   %s   TorchSharp %s"
            (torch.get_num_threads ())
            Environment.ProcessorCount
            (Runtime.InteropServices.RuntimeInformation.FrameworkDescription)
            (typeof<torch.Tensor>.Assembly.GetName().Version.ToString())

        printfn "  CPU: %s; load average at start: %s" (cpuModel ()) (loadAverage ())

        printfn
            "  GC: %s, %s"
            (if Runtime.GCSettings.IsServerGC then
                 "server"
             else
                 "workstation")
            (if Runtime.GCSettings.LatencyMode = Runtime.GCLatencyMode.Batch then
                 "non-concurrent"
             else
                 "concurrent")

        let python = if o.PyTorch then findPython () else None

        match python with
        | Some py -> printfn "  PyTorch: %s (a child process running pytorch_side.py; same threads, timed inside Python)" py
        | None when o.PyTorch ->
            printfn
                "  PyTorch: no python3 that imports torch was found (Debian: apt-get install python3-torch libopenblas0-pthread; or set NABLA_PYTHON), so no PyTorch column"
        | None -> ()

        let results =
            try
                let session =
                    python |> Option.map (fun py -> Session.Start(py, torch.get_num_threads ()))

                try
                    Ok
                        [
                            for name in o.Workloads do
                                let w = byName name

                                try
                                    run o session w
                                finally
                                    w.Dispose()
                        ]
                finally
                    session |> Option.iter (fun s -> (s :> IDisposable).Dispose())
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
            let withPyTorch = results |> List.exists (fun r -> r.PyTorch.IsSome)

            let pyHeader =
                if withPyTorch then
                    sprintf " %11s %10s" "PyTorch µs" "vs PyTorch"
                else
                    ""

            printfn
                "  %-17s %10s %10s %8s %9s %14s %16s %8s%s"
                "workload"
                "Nabla µs"
                "Torch µs"
                "ratio"
                "(median)"
                "tensors/step"
                "bytes/step"
                "others"
                pyHeader

            for r in results do
                let pyColumns =
                    match r.PyTorch with
                    | Some(us, ratio, _) -> sprintf " %11.1f %10.3f" us ratio
                    | None when withPyTorch -> sprintf " %11s %10s" "-" "-"
                    | None -> ""

                printfn
                    "  %-17s %10.1f %10.1f %8.3f %9.3f %6.0f vs %-5.0f %7.0f vs %-6.0f %6.1f%%%s"
                    r.Name
                    r.NablaMicros
                    r.TorchMicros
                    r.RatioOfMedians
                    r.MedianRatio
                    r.NablaTensors
                    r.TorchTensors
                    r.NablaBytes
                    r.TorchBytes
                    r.OthersPercent
                    pyColumns

            printfn "  (ratio = Nabla/TorchSharp, ratio of medians; (median) = median of per-round ratios; pairs are Nabla vs TorchSharp;"

            printfn
                "   others = CPU share used by other processes while timing%s)"
                (if withPyTorch then
                     "; vs PyTorch = Nabla/PyTorch, ratio of medians"
                 else
                     "")

            printfn "Total time %.0f s; load average at end: %s" started.Elapsed.TotalSeconds (loadAverage ())
            0
