/// `compare [options]`: the side-by-side runner (see Compare.fs).
/// `facade [--rounds N] [--batch-ms MS] [--threads N]`: the C# facade against the F# API (FacadeCompare.fs).
/// `bdn [--threads N] [BenchmarkDotNet arguments]`: the BenchmarkDotNet suites (see Suites.fs);
/// without arguments, all of them (`--filter *`).
module Nabla.Benchmarks.Program

open System
open System.IO
open BenchmarkDotNet.Configs
open BenchmarkDotNet.Running

let private usage =
    "Nabla.Benchmarks "
    + Compare.usage
    + "\n"
    + "Nabla.Benchmarks facade [--rounds N] [--batch-ms MS] [--threads N]\n"
    + "  Times the seed regression's training step through the C# facade (Nabla.CSharp) against the F# API.\n"
    + "Nabla.Benchmarks bdn [--threads N] [--] [BenchmarkDotNet arguments, e.g. --filter * --job short]\n"
    + "  Runs the BenchmarkDotNet suites (Gradient: TorchSharp baseline vs Nabla, workloads small, large, seed-modules, mlp-modules, seed-train, digits-train)."

/// BenchmarkDotNet writes its reports to Benchmarks/BenchmarkDotNet.Artifacts (found from the
/// program's folder, bin/Release/net10.0), whatever the current directory; `--artifacts` overrides it.
let private config () =
    let rec projectFolder (d: DirectoryInfo) =
        if isNull d then
            None
        elif File.Exists(Path.Combine(d.FullName, "Nabla.Benchmarks.fsproj")) then
            Some d.FullName
        else
            projectFolder d.Parent

    match projectFolder (DirectoryInfo AppContext.BaseDirectory) with
    | Some folder -> DefaultConfig.Instance.WithArtifactsPath(Path.Combine(folder, "BenchmarkDotNet.Artifacts")) :> IConfig
    | None -> DefaultConfig.Instance

let private bdn (args: string list) =
    // `bdn -- --filter *` and `bdn --filter *` both work.
    let args =
        match args with
        | "--" :: rest -> rest
        | _ -> args

    let args =
        match args with
        | "--threads" :: n :: rest ->
            // An environment variable, because BenchmarkDotNet may run the benchmarks in a child process.
            Environment.SetEnvironmentVariable("NABLA_BENCH_THREADS", n)
            rest
        | _ -> args

    let args =
        match args with
        | "--" :: rest -> rest
        | _ -> args
    // Without arguments BenchmarkDotNet would ask on the console which benchmark to run; run them all.
    let args = if List.isEmpty args then [ "--filter"; "*" ] else args

    BenchmarkSwitcher.FromAssembly(typeof<Gradient>.Assembly).Run(List.toArray args, config ())
    |> ignore

    0

[<EntryPoint>]
let main argv =
    // Before anything touches `torch`: TorchSharp's native library must be loaded by Nabla.
    Nabla.Torch.ensureLoaded ()

    match List.ofArray argv with
    // A leading "--" is dropped, so that `compare -- args` works as well as `compare args`.
    | "compare" :: "--" :: rest
    | "compare" :: rest -> Compare.main rest
    | "facade" :: rest ->
        (match Compare.parse rest with
         | Error e ->
             eprintfn "%s" e
             2
         | Ok o ->
             o.Threads |> Option.iter TorchSharp.torch.set_num_threads
             FacadeCompare.run o)
    | "bdn" :: rest -> bdn rest
    | _ ->
        eprintfn "%s" usage
        2
