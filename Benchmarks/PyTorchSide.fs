/// PyTorch's side of `compare`: Python's own PyTorch (Debian's python3-torch) in a child process
/// running pytorch_side.py, driven over JSON lines so that its batches interleave with Nabla's and
/// TorchSharp's in the same run. Optional: without a python3 that imports torch, the runner says
/// so and leaves the column out.
module Nabla.Benchmarks.PyTorchSide

open System
open System.Diagnostics
open System.IO
open System.Text
open System.Text.Json
open Nabla.Benchmarks.Workloads

let private script = Path.Combine(AppContext.BaseDirectory, "pytorch_side.py")

/// Runs a program to completion; true when it exits with 0.
let private succeeds (file: string) (args: string list) =
    try
        let info =
            ProcessStartInfo(file, args, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)

        use p = Process.Start info
        p.StandardOutput.ReadToEnd() |> ignore
        p.StandardError.ReadToEnd() |> ignore
        p.WaitForExit()
        p.ExitCode = 0
    with _ ->
        false

/// The first of $NABLA_PYTHON, python3, /usr/bin/python3 that imports torch.
let findPython () : string option =
    [
        Environment.GetEnvironmentVariable "NABLA_PYTHON"
        "python3"
        "/usr/bin/python3"
    ]
    |> List.filter (String.IsNullOrEmpty >> not)
    |> List.tryFind (fun py -> succeeds py [ "-c"; "import torch" ])

/// A running pytorch_side.py.
type Session private (proc: Process, stderr: StringBuilder) =

    /// Starts the child. `threads` also bounds OpenBLAS's own thread pool, which Debian's PyTorch
    /// uses for matrix products beside its OpenMP pool: unbounded, the two pools fight over the cores.
    /// Both pools are told not to spin when idle (by default OpenBLAS's workers spin for about 0.1 s
    /// after a product): a spinning child would slow down whichever side runs after it.
    static member Start(python: string, threads: int) =
        if not (File.Exists script) then
            failwithf "compare: %s is missing from the build output." script

        let info =
            ProcessStartInfo(
                python,
                [ "-u"; script ],
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false
            )

        info.Environment["OPENBLAS_NUM_THREADS"] <- string threads
        info.Environment["OPENBLAS_THREAD_TIMEOUT"] <- "4"
        info.Environment["OMP_WAIT_POLICY"] <- "PASSIVE"
        let proc = Process.Start info
        let stderr = StringBuilder()

        proc.ErrorDataReceived.Add(fun e ->
            if not (isNull e.Data) then
                lock stderr (fun () -> stderr.AppendLine e.Data |> ignore))

        proc.BeginErrorReadLine()
        new Session(proc, stderr)

    /// Sends one request (serialised as JSON) and parses the one-line reply.
    member _.Request(request: obj) : JsonElement =
        proc.StandardInput.WriteLine(JsonSerializer.Serialize request)
        proc.StandardInput.Flush()
        let line = proc.StandardOutput.ReadLine()

        if isNull line then
            proc.WaitForExit(2000) |> ignore
            failwithf "compare: the PyTorch side stopped: %s" (lock stderr (fun () -> stderr.ToString()))

        let reply = JsonDocument.Parse(line).RootElement

        match reply.TryGetProperty "error" with
        | true, e -> failwithf "compare: the PyTorch side failed: %s" (e.GetString())
        | _ -> reply

    /// The child's process id (its CPU time is the runner's own, not contention).
    member _.Pid = proc.Id

    /// Builds the workload's model and data in PyTorch; returns PyTorch's version and the BLAS
    /// library it loaded (its matrix products depend on it).
    member s.Load(spec: PyTorchSpec, threads: int) : string * string =
        let array (a: ArraySpec) = {| shape = a.Dims; values = a.Data |}

        let reply =
            s.Request
                {|
                    cmd = "load"
                    threads = threads
                    loss = spec.Loss
                    ``params`` =
                        [|
                            for name, a in spec.Params ->
                                {|
                                    name = name
                                    shape = a.Dims
                                    values = a.Data
                                |}
                        |]
                    x = array spec.X
                    y = array spec.Y
                |}

        let threadsUsed = reply.GetProperty("threads").GetInt32()

        if threadsUsed <> threads then
            failwithf "compare: PyTorch runs %d threads, not the %d asked for." threadsUsed threads

        reply.GetProperty("version").GetString(), reply.GetProperty("blas").GetString()

    /// The loss and the gradients (flattened, in parameter order), for the cross-check.
    member s.Compute() : float * float[][] =
        let reply = s.Request {| cmd = "compute" |}

        reply.GetProperty("loss").GetDouble(),
        [|
            for g in reply.GetProperty("grads").EnumerateArray() -> [| for v in g.EnumerateArray() -> v.GetDouble() |]
        |]

    /// Seconds for n gradient steps, timed inside Python (no pipe in the measurement).
    member s.Time(n: int) : float =
        (s.Request {| cmd = "time"; n = n |}).GetProperty("seconds").GetDouble()

    interface IDisposable with
        member s.Dispose() =
            try
                if not proc.HasExited then
                    proc.StandardInput.WriteLine(JsonSerializer.Serialize {| cmd = "quit" |})
                    proc.StandardInput.Flush()

                    if not (proc.WaitForExit 5000) then
                        proc.Kill()
            with _ ->
                ()

            proc.Dispose()
