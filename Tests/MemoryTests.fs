/// Native memory stays flat: transforms leave nothing alive but their results, scopes free
/// everything else, and loops that never dispose anything do not grow the process.
module Nabla.Tests.MemoryTests

open System
open System.Diagnostics
open System.IO
open System.Runtime
open Expecto
open Nabla
open Nabla.Tests.Check

let private live () = Scope.liveTensorCount ()

/// Resident memory of this process in bytes (Linux).
let residentBytes () =
    File.ReadAllLines "/proc/self/status"
    |> Array.pick (fun l ->
        if l.StartsWith "VmRSS:" then
            Some(int64 (l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024L)
        else
            None)

/// Live tensors added by running f, after f's results are disposed.
let private leftAlive (f: unit -> Tensor list) =
    let before = live ()
    let results = f ()
    let during = live ()
    results |> List.iter Tensor.dispose
    during - before, live () - before

let private x () = Tensor.ofArray [| 0.5; -1.0; 2.0 |]

let scopeTests =
    testList
        "scopes"
        [
            for name, transform in
                [
                    "grad", (fun (x: Tensor) -> [ AD.grad (fun x -> Tensor.sum (Tensor.sin x * x)) x ])
                    "valueAndGrad", (fun x -> let v, g = AD.valueAndGrad (fun x -> Tensor.sum (Tensor.exp x)) x in [ v; g ])
                    "jvp", (fun x -> let y, t = AD.jvp Tensor.tanh x x in [ y; t ])
                    "jacobian", (fun x -> [ AD.jacobian (fun x -> Tensor.softmax 0 x) x ])
                    "hessian", (fun x -> [ AD.hessian (fun x -> Tensor.sum (x ** 3.0)) x ])
                    "nested grad of grad",
                    (fun x ->
                        [
                            AD.grad (fun x -> Tensor.sum (AD.grad (fun y -> Tensor.sum (y * y * x)) x)) x
                        ])
                    "gradParams",
                    (fun x ->
                        let p =
                            AD.gradParams (fun p -> Tensor.sum (p["a"] * p["b"])) (Params.ofList [ "a", x; "b", x ]) in

                        List.ofArray p.Values)
                ] do
                testCase $"{name} leaves no tensor alive but its results"
                <| fun () ->
                    let input = x ()
                    let added, afterDispose = leftAlive (fun () -> transform input)
                    Expect.equal afterDispose 0L $"{name}: live tensors after disposing the results (added while held: {added})"

            testCase "Scope.run frees every tensor created inside except the result"
            <| fun () ->
                let a = x ()
                let before = live ()
                let result = Scope.run (fun () -> Tensor.sum (Tensor.exp a * 2.0 + a))
                Expect.equal (live () - before) 1L "only the result is alive"
                Tensor.dispose result
                Expect.equal (live () - before) 0L "nothing after disposing it"

            testCase "Scope.run keeps tensors inside tuples, lists and Params of its result"
            <| fun () ->
                let a = x ()
                let before = live ()

                let (p: Tensor), (qs: Tensor list), (ps: Params) =
                    Scope.run (fun () -> a * 2.0, [ a + 1.0; a - 1.0 ], Params.ofList [ "w", Tensor.exp a ])

                Expect.equal (live () - before) 4L "four results alive"
                Expect.equal (p.ToArray()) [| 1.0; -2.0; 4.0 |] "first result readable"
                Expect.equal (qs.Length, ps.Count) (2, 1) "the others too"

            testCase "a failing transform frees its intermediates"
            <| fun () ->
                let a = x ()
                let before = live ()

                Expect.throws
                    (fun () ->
                        AD.grad (fun x -> Tensor.matmul (Tensor.exp x) (Tensor.zeros [| 5; 5 |])) a
                        |> ignore)
                    "fails"

                Expect.equal (live () - before) 0L "nothing left alive"
        ]

/// Runs `step` n times in a plain loop, with no GC call and no disposal in user code, and returns
/// the growth of resident memory after a warm-up.
let growthOver (warmup: int) (n: int) (step: unit -> unit) =
    for _ in 1..warmup do
        step ()

    let before = residentBytes ()

    for _ in 1..n do
        step ()

    residentBytes () - before

/// The seed regression model trained the PyTorch way: `Sequential(Linear(1, 20), ReLU(),
/// Linear(20, 1))` on 100 points of y = sin 2x + x/2, a step being zero grad, forward, MSE,
/// Backward and a plain SGD update of the parameters in place (no scope, no GC call, nothing
/// disposed). Returns the model, the step and a function reading the current loss.
let seedTraining () =
    let model = NN.Sequential(NN.Linear(1, 20), NN.ReLU(), NN.Linear(20, 1))
    let x = Tensor.Linspace(-2.0, 2.0, 100) |> Tensor.reshape [| 100; 1 |]
    let y = Tensor.sin (x * 2.0) + x * 0.5

    let mse () =
        (model.Forward x - y) ** 2.0 |> Tensor.mean

    let step () =
        model.ZeroGrad()
        let loss = mse ()
        loss.Backward()

        AD.noGrad (fun () ->
            for p in model.Parameters() do
                p.SubInPlace(p.Grad.Value, alpha = 0.01))

    model, step, (fun () -> AD.noGrad (fun () -> (mse ()).ToScalar()))

/// The seed regression of issue 8 trained as its snippet does: Adam lr 0.01 on Loss.mse, with
/// the gradient norm clipped (and so read) every step; X = linspace(-1, 1, 100), y = X² + 0.2·noise.
let adamTraining () =
    let model = NN.Sequential(NN.Linear(1, 20), NN.ReLU(), NN.Linear(20, 1))
    let opt = Optim.Adam(model.Parameters(), lr = 0.01)
    let x = Tensor.Linspace(-1.0, 1.0, 100) |> Tensor.reshape [| 100; 1 |]
    let y = x * x + 0.2 * Tensor.Randn([| 100; 1 |], generator = Random.generator 5)

    let step () =
        opt.ZeroGrad()
        let loss = Loss.mse (model.Forward x) y
        loss.Backward()
        Optim.clipGradNorm (model.Parameters()) 10.0 |> ignore
        opt.Step()

    model, step, (fun () -> AD.noGrad (fun () -> (Loss.mse (model.Forward x) y).ToScalar()))

let loopTests =
    testSequenced
    <| testList
        "loops"
        [
            testCase "100,000 gradients of a function of a 1,000-element tensor grow resident memory by less than 50 MB"
            <| fun () ->
                let x = Tensor.Randn([| 1000 |], dtype = Dtype.Float64)
                let f (x: Tensor) = Tensor.sum (Tensor.sin x * x)
                let growth = growthOver 10_000 100_000 (fun () -> AD.grad f x |> ignore)
                printfn "memory: 100,000 x AD.grad on 1,000 elements: resident memory grew by %.1f MB" (float growth / 1e6)
                Expect.isLessThan growth 50_000_000L "resident memory growth"

            testCase "100,000 unscoped ops (no transform, no scope) grow resident memory by less than 50 MB"
            <| fun () ->
                let x = Tensor.Randn([| 1000 |], dtype = Dtype.Float64)
                let growth = growthOver 10_000 100_000 (fun () -> Tensor.exp x * 2.0 |> ignore)
                printfn "memory: 100,000 x (exp x * 2) on 1,000 elements: resident memory grew by %.1f MB" (float growth / 1e6)
                Expect.isLessThan growth 50_000_000L "resident memory growth"

            testCase "training steps that do not read the gradients leave no tensor for the GC: the gradient buffers are reused"
            <| fun () ->
                let model = NN.Sequential(NN.Linear(1, 20), NN.ReLU(), NN.Linear(20, 1))
                let x = Tensor.Linspace(-2.0, 2.0, 100) |> Tensor.reshape [| 100; 1 |]

                let step () =
                    Scope.run (fun () ->
                        model.ZeroGrad()
                        let loss = Tensor.mean (model.Forward x ** 2.0)
                        loss.Backward()
                        loss.ToScalar())
                    |> ignore

                step ()
                // TorchSharp's count of its tensors not yet disposed or finalized, in the whole process
                let before = TorchSharp.torch.Tensor.TotalCount

                for _ in 1..100 do
                    step ()

                let added = TorchSharp.torch.Tensor.TotalCount - before
                // each step replaced 4 gradients: 400 tensors for the finalizer if they were not reused
                Expect.isLessThan added 50L "tensors added by 100 steps (other threads' may count too)"
                model.Dispose()

            testCase
                "10,000 Adam steps of the seed regression (zero grad, forward, Loss.mse, Backward, clipGradNorm, Adam) grow resident memory by less than 50 MB"
            <| fun () ->
                let model, step, loss = adamTraining ()
                let first = loss ()
                let growth = growthOver 1_000 10_000 step

                printfn
                    "memory: 10,000 x (ZeroGrad, Forward, Loss.mse, Backward, Optim.clipGradNorm, Adam step) of Sequential(Linear(1, 20), ReLU(), Linear(20, 1)) on 100 points: resident memory grew by %.1f MB"
                    (float growth / 1e6)

                Expect.isLessThan growth 50_000_000L "resident memory growth"
                Expect.isLessThan (loss ()) (first / 2.0) "the steps trained the model"
                model.Dispose()

            testCase
                "10,000 training steps of the seed model (zero grad, forward, MSE, Backward, SGD) grow resident memory by less than 50 MB"
            <| fun () ->
                let model, step, loss = seedTraining ()
                let first = loss ()
                let growth = growthOver 1_000 10_000 step

                printfn
                    "memory: 10,000 x (ZeroGrad, Forward, MSE, Backward, SGD update) of Sequential(Linear(1, 20), ReLU(), Linear(20, 1)) on 100 points: resident memory grew by %.1f MB"
                    (float growth / 1e6)

                Expect.isLessThan growth 50_000_000L "resident memory growth"
                // the steps did train: a loop that leaked nothing but learned nothing would pass the above
                Expect.isLessThan (loss ()) first "the loss after 11,000 SGD steps is lower than before"
                model.Dispose()
        ]

/// Runs a process and returns (Some exit code, output), or (None, output so far) when it did not
/// finish in time: a child that deadlocks fails its test instead of hanging the test run.
let private runWithin (timeout: TimeSpan) (psi: ProcessStartInfo) =
    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    use p = Process.Start psi
    // Read both pipes concurrently: a child blocked on a full pipe would look like a deadlock.
    let out, err = p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync()

    if p.WaitForExit timeout then
        p.WaitForExit()
        Some p.ExitCode, out.Result + err.Result
    else
        p.Kill true
        p.WaitForExit()
        None, out.Result + err.Result

/// This test program again, with one argument (as NativeLoading's runSelf, with a timeout).
let private selfWith (arg: string) =
    let exe = Environment.ProcessPath

    if Path.GetFileNameWithoutExtension exe = "dotnet" then
        ProcessStartInfo("dotnet", $"\"{Reflection.Assembly.GetEntryAssembly().Location}\" {arg}")
    else
        ProcessStartInfo(exe, arg)

/// Child mode `--child-latency [grad|ops|big]`: a measurement, not a test (tests never depend on
/// timing). Times each iteration of a plain loop after a warm-up and prints the latency
/// distribution, the collections and the resident-memory growth, so that spikes caused by
/// collections show. grad: 100,000 `AD.grad` on 1,000 elements; ops: 100,000 x two unscoped ops;
/// big: 2,000 x one unscoped op on 1,000,000 elements (8 MB of native memory each, next to no
/// managed allocation: the case where the GC has the least reason to run on its own).
let childLatency (workload: string) =
    let x = Tensor.Randn([| 1000 |], dtype = Dtype.Float64)
    let large = Tensor.Randn([| 1_000_000 |], dtype = Dtype.Float64)
    let f (x: Tensor) = Tensor.sum (Tensor.sin x * x)

    let step, warmup, n =
        match workload with
        | "ops" -> (fun () -> Tensor.exp x * 2.0 |> ignore), 10_000, 100_000
        | "big" -> (fun () -> Tensor.exp large |> ignore), 200, 2_000
        | _ -> (fun () -> AD.grad f x |> ignore), 10_000, 100_000

    for _ in 1..warmup do
        step ()

    let elapsed = Array.zeroCreate<int64> n
    // Iterations during which a collection ran (every collection counts as a gen0 one): their
    // latencies are the spikes collections cause; the others show the machine's own noise.
    let collected = Array.zeroCreate<bool> n

    let collections () =
        [| for g in 0..2 -> GC.CollectionCount g |]

    let gcBefore, pauseBefore = collections (), GC.GetTotalPauseDuration()

    let before, committedBefore =
        residentBytes (), GC.GetGCMemoryInfo().TotalCommittedBytes

    let mutable peak = before
    // TorchSharp tensors not yet disposed or finalized (process-wide): garbage waiting for the GC.
    let mutable mostTensors = TorchSharp.torch.Tensor.TotalCount
    let total = Stopwatch.StartNew()

    for i in 0 .. n - 1 do
        let gen0, start = GC.CollectionCount 0, Stopwatch.GetTimestamp()
        step ()
        elapsed[i] <- Stopwatch.GetTimestamp() - start
        collected[i] <- GC.CollectionCount 0 <> gen0
        // Sampled outside the timed region; the peak shows what the end value may hide.
        if i % (n / 100) = 0 then
            peak <- max peak (residentBytes ())
            mostTensors <- max mostTensors TorchSharp.torch.Tensor.TotalCount
            // A mechanism that does not keep memory flat must not take the machine down with it.
            if peak - before > 4_000_000_000L then
                failwithf "resident memory grew by more than 4 GB after %d iterations" i

    total.Stop()
    let growth = residentBytes () - before

    let toMicros (ticks: int64[]) =
        ticks
        |> Array.map (fun t -> float t * 1e6 / float Stopwatch.Frequency)
        |> Array.sort

    let micros = toMicros elapsed

    let quantile (xs: float[]) (q: float) =
        if xs.Length = 0 then
            nan
        else
            xs[min (xs.Length - 1) (int (q * float xs.Length))]

    let at = quantile micros

    let above (us: float) =
        micros |> Array.filter (fun t -> t > us) |> Array.length

    let withGc, withoutGc =
        Array.zip elapsed collected
        |> Array.partition snd
        |> fun (a, b) -> toMicros (Array.map fst a), toMicros (Array.map fst b)

    let gcs = Array.map2 (-) (collections ()) gcBefore

    printfn
        "gc: server=%b concurrent=%A latencyMode=%A managedHeap=%.0fMB"
        GCSettings.IsServerGC
        (AppContext.GetData "System.GC.Concurrent")
        GCSettings.LatencyMode
        (float (GC.GetGCMemoryInfo().HeapSizeBytes) / 1e6)

    printfn
        "latency_us: median=%.1f p99=%.1f p99.9=%.1f max=%.1f  (>1ms: %d, >10ms: %d)"
        (at 0.5)
        (at 0.99)
        (at 0.999)
        micros[n - 1]
        (above 1000.0)
        (above 10000.0)

    printfn "slowest_us: %s" (micros[n - 5 ..] |> Array.map (sprintf "%.0f") |> String.concat " ")

    printfn
        "with_gc_us: n=%d median=%.0f p90=%.0f max=%.0f  without_gc_us: p99.9=%.0f max=%.0f"
        withGc.Length
        (quantile withGc 0.5)
        (quantile withGc 0.9)
        (Array.tryLast withGc |> Option.defaultValue nan)
        (quantile withoutGc 0.999)
        (Array.last withoutGc)

    printfn
        "collections: gen0=%d gen1=%d gen2=%d pause_ms=%.1f"
        gcs[0]
        gcs[1]
        gcs[2]
        (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds

    printfn "total_s=%.2f growth_mb=%.1f peak_growth_mb=%.1f" total.Elapsed.TotalSeconds (float growth / 1e6) (float (peak - before) / 1e6)

    printfn
        "managed_committed_growth_mb=%.1f live_tensors_end=%d live_tensors_max=%d"
        (float (GC.GetGCMemoryInfo().TotalCommittedBytes - committedBefore) / 1e6)
        TorchSharp.torch.Tensor.TotalCount
        mostTensors

    0

/// Stands for any user type whose cleanup needs a lock (a cache, a pool, a logger).
type private LockingFinalizer(held: obj) =
    override _.Finalize() = lock held ignore

/// Child mode `--child-finalizer-lock`: the allocating thread holds a lock that a pending finalizer
/// needs while it creates 400 MB of tensors outside any scope (past the collection step). A
/// mechanism that makes the allocating thread wait for finalizers deadlocks here.
let childFinalizerLock () =
    let held = obj ()

    lock held (fun () ->
        for _ in 1..100 do
            LockingFinalizer held |> ignore
            Tensor.Zeros([| 1024; 1024 |]) |> ignore) // 4 MB each in float32; dropped at once

    printfn "finished"
    0

let finalizerTests =
    testList
        "finalizers"
        [
            testCase "allocating tensors while holding a lock that a finalizer needs does not deadlock"
            <| fun () ->
                let code, output =
                    runWithin (TimeSpan.FromSeconds 60.0) (selfWith "--child-finalizer-lock")

                match code with
                | None -> failtestf "deadlock: the child did not finish within 60 s (output: %s)" output
                | Some code ->
                    Expect.equal code 0 $"exit code (output: {output})"
                    Expect.stringContains output "finished" "the child ran to the end"
        ]

/// Nabla.dll as the README has scripts reference it: Core/bin/<configuration>/<framework>/ of the
/// repository this test program was built from (the test program lives in Tests/bin/<configuration>/<framework>/).
let private builtLibrary () =
    let here = DirectoryInfo AppContext.BaseDirectory
    let framework, configuration = here.Name, here.Parent.Name
    let root = here.Parent.Parent.Parent.Parent
    Path.Combine(root.FullName, "Core", "bin", configuration, framework, "Nabla.dll")

/// A script that references the library, runs `setup`, then `step ()` `warmup` times, settles
/// the GC (FSI's own start-up garbage, the compiler's, would otherwise hide growth when it is
/// released), and runs `step ()` n times, sampling resident memory every `every` steps; it prints
/// the GC mode, the loop's time, the growth and the largest growth seen.
let private measuredScript (library: string) (setup: string) (warmup: int) (n: int) (every: int) =
    $"""#r @"{library}"
open System
open System.IO
open Nabla
open Nabla.NN

let resident () =
    let line = File.ReadAllLines "/proc/self/status" |> Array.find (fun l -> l.StartsWith "VmRSS:")
    int64 (line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024L

{setup}
for _ in 1 .. {warmup} do step ()
GC.Collect()
GC.WaitForPendingFinalizers()
GC.Collect()
let before = resident ()
let mutable peak = before
let clock = Diagnostics.Stopwatch.StartNew()
for i in 1 .. {n} do
    step ()
    if i %% {every} = 0 then peak <- max peak (resident ())
printfn "gc: server=%%b concurrent=%%A" Runtime.GCSettings.IsServerGC (AppContext.GetData "System.GC.Concurrent")
printfn "loop: %%.1f s" clock.Elapsed.TotalSeconds
printfn "growth=%%d" (resident () - before)
printfn "peak=%%d" (peak - before)
"""

/// 100,000 gradients of a function of a 1,000-element tensor.
let private loopScript (library: string) =
    measuredScript
        library
        """let x = Tensor.Randn([| 1000 |], dtype = Dtype.Float64)
let f (x: Tensor) = Tensor.sum (Tensor.sin x * x)
let step () = AD.grad f x |> ignore"""
        10_000
        100_000
        1000

/// The seed model's training loop of the loop test above, as a user would write it in a script.
let private trainingScript (library: string) =
    measuredScript
        library
        """let model = Sequential(Linear(1, 20), ReLU(), Linear(20, 1))
let x = Tensor.Linspace(-2.0, 2.0, 100) |> Tensor.reshape [| 100; 1 |]
let y = Tensor.sin (x * 2.0) + x * 0.5
let step () =
    model.ZeroGrad()
    let loss = (model.Forward x - y) ** 2.0 |> Tensor.mean
    loss.Backward()
    AD.noGrad (fun () -> for p in model.Parameters() do p.SubInPlace(p.Grad.Value, alpha = 0.01))"""
        1_000
        10_000
        100

/// Issue 8's snippet as a script: Adam on Loss.mse with clipGradNorm, 10,000 steps.
let private adamScript (library: string) =
    measuredScript
        library
        """let xs = Tensor.linspace -1.0 1.0 100 |> Tensor.reshape [| 100; 1 |]
let ys = xs * xs + 0.2 * Tensor.randnLike xs
let model = Sequential(Linear(1, 20), ReLU(), Linear(20, 1))
let opt = Optim.Adam(model.Parameters(), lr = 0.01)
let step () =
    opt.ZeroGrad()
    let loss = Loss.mse (model.Forward xs) ys
    loss.Backward()
    let norm = Optim.clipGradNorm (model.Parameters()) 10.0
    opt.Step()"""
        1_000
        10_000
        100

/// Runs a script (made by `script` from the library's path) in dotnet fsi and checks that the
/// resident memory it reports grew by less than 50 MB, at the end and at its largest sample;
/// prints the figures after `what`.
let private fsiMemoryTest (what: string) (script: string -> string) =
    let library = builtLibrary ()
    Expect.isTrue (File.Exists library) $"the library is built at {library}"
    let dir = Directory.CreateTempSubdirectory "nabla-fsi-"

    try
        let path = Path.Combine(dir.FullName, "loop.fsx")
        File.WriteAllText(path, script library)
        // The SDK's host when the test runs under `dotnet run`/`dotnet test`, else dotnet on the PATH.
        let dotnet =
            match Environment.GetEnvironmentVariable "DOTNET_HOST_PATH" with
            | null
            | "" -> "dotnet"
            | p -> p

        let clock = Stopwatch.StartNew()

        let code, output =
            runWithin (TimeSpan.FromMinutes 10.0) (ProcessStartInfo(dotnet, $"fsi --quiet \"{path}\""))

        let lines =
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            |> Array.map (fun l -> l.Trim())

        match code with
        | None -> failtestf "dotnet fsi did not finish within 10 minutes (output: %s)" output
        | Some code ->
            Expect.equal code 0 $"dotnet fsi exit code (output: {output})"

            let value (key: string) =
                lines
                |> Array.pick (fun l ->
                    if l.StartsWith key then
                        Some(int64 (l.Substring key.Length))
                    else
                        None)

            let growth, peak = value "growth=", value "peak="
            let gc = lines |> Array.find (fun l -> l.StartsWith "gc:")
            let loop = lines |> Array.find (fun l -> l.StartsWith "loop:")

            printfn
                "memory: dotnet fsi, %s: resident memory grew by %.1f MB (at most %.1f MB during the loop; %s; %s; whole run with FSI start-up %.1f s)"
                what
                (float growth / 1e6)
                (float peak / 1e6)
                gc
                loop
                clock.Elapsed.TotalSeconds

            Expect.isLessThan growth 50_000_000L "resident memory growth in dotnet fsi"
            // The server GC hands memory back to the system slowly, so the end value can be
            // lower than at the start and hide growth; the largest value sampled cannot.
            Expect.isLessThan peak 50_000_000L "resident memory growth in dotnet fsi, sampled during the loop"
    finally
        dir.Delete true

let scriptTests =
    testSequenced
    <| testList
        "F# Interactive"
        [
            testCase "100,000 gradients in a dotnet fsi script grow resident memory by less than 50 MB, at the end and throughout"
            <| fun () -> fsiMemoryTest "100,000 x AD.grad on 1,000 elements" loopScript

            testCase
                "10,000 training steps of the seed model in a dotnet fsi script grow resident memory by less than 50 MB, at the end and throughout"
            <| fun () ->
                fsiMemoryTest
                    "10,000 x (ZeroGrad, Forward, MSE, Backward, SGD update) of Sequential(Linear(1, 20), ReLU(), Linear(20, 1))"
                    trainingScript

            testCase
                "10,000 Adam steps of the seed regression in a dotnet fsi script grow resident memory by less than 50 MB, at the end and throughout"
            <| fun () ->
                fsiMemoryTest
                    "10,000 x (ZeroGrad, Forward, Loss.mse, Backward, Optim.clipGradNorm, Adam step) of Sequential(Linear(1, 20), ReLU(), Linear(20, 1))"
                    adamScript
        ]

let tests = testList "memory" [ scopeTests; loopTests; finalizerTests; scriptTests ]
