// The build: `dotnet fsi build.fsx <target>`.
//   restore  tools (paket) and packages
//   build    restore, then build everything (Release)
//   test     build, check the formatting (Fantomas), then run all tests; the last line is "N passed, M failed"
//   run      build, then run the tour in C# (Samples/QuickstartCSharp); `run fsharp`: the same tour in F#
//            (Samples/Quickstart); arguments after `run` (or `run fsharp`) go to the program
//   bench    build, then run the Nabla-vs-TorchSharp comparison (arguments after the target go to the runner)
//   bdn      build, then run the BenchmarkDotNet suites (arguments after the target go to BenchmarkDotNet)
//   api      add the C# facade's new public members to CSharpFacade/PublicAPI.Unshipped.txt (and drop removed ones)
//   pack     build deterministically and pack Nabla, Nabla.CSharp and Nabla.FsCheck (.nupkg + .snupkg) into
//            artifacts/packages; options: --version V, --output DIR, --no-build (pack the Release build as it is)
// A plain script: no build framework to restore before the build can start.

open System
open System.Diagnostics
open System.IO

let root = __SOURCE_DIRECTORY__
let args = fsi.CommandLineArgs |> Array.tail
// Everything after the target goes to the program. `dotnet fsi` itself swallows the first `--`,
// so a `--` that does reach us is skipped rather than required.
let target, passThrough =
    match List.ofArray args with
    | [] -> "test", [||]
    | t :: rest ->
        t,
        (match rest with
         | "--" :: more -> more
         | more -> more)
        |> List.toArray

/// Runs a command in the repository root, streaming its output; returns the exit code.
let run (file: string) (arguments: string) =
    printfn "> %s %s" file arguments

    let psi =
        ProcessStartInfo(file, arguments, WorkingDirectory = root, UseShellExecute = false)

    use p = Process.Start psi
    p.WaitForExit()
    p.ExitCode

let runOrFail file arguments =
    let code = run file arguments

    if code <> 0 then
        eprintfn "build.fsx: '%s %s' failed with exit code %d" file arguments code
        exit code

/// paket.dependencies names the feed as %NABLA_NUGET_SOURCE% so that no address is committed.
/// When it is unset, take the first enabled source of the user's own NuGet configuration.
let ensureFeedVariable () =
    let name = "NABLA_NUGET_SOURCE"

    if String.IsNullOrEmpty(Environment.GetEnvironmentVariable name) then
        let psi =
            ProcessStartInfo(
                "dotnet",
                "nuget list source --format short",
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                UseShellExecute = false
            )

        use p = Process.Start psi
        let output = p.StandardOutput.ReadToEnd()
        p.WaitForExit()

        let source =
            output.Split('\n')
            |> Array.map (fun l -> l.Trim())
            |> Array.tryPick (fun l ->
                let parts = l.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries)

                if parts.Length = 2 && parts[0].StartsWith "E" then
                    Some(parts[1].Trim())
                else
                    None)

        match source with
        | Some s -> Environment.SetEnvironmentVariable(name, s)
        | None ->
            eprintfn "build.fsx: no enabled NuGet source found (dotnet nuget list source); set %s to your package feed." name
            exit 1

let restore () =
    ensureFeedVariable ()
    runOrFail "dotnet" "tool restore"
    runOrFail "dotnet" "paket restore"

let build () =
    restore ()
    runOrFail "dotnet" "build Nabla.slnx -c Release --nologo -v:minimal"

/// The F# code must be formatted as Fantomas formats it (settings in .editorconfig), so that style
/// is never a review topic: `dotnet fantomas .` formats, this checks.
let checkFormat () =
    if run "dotnet" "fantomas --check ." <> 0 then
        eprintfn "build.fsx: some F# files are not formatted; run `dotnet fantomas .` and commit the result."
        exit 1

let project (name: string) passArgs =
    let extra =
        if Array.isEmpty passArgs then
            ""
        else
            " -- " + String.Join(" ", passArgs |> Array.map (fun a -> "\"" + a + "\""))

    exit (run "dotnet" $"run --project {name} -c Release --no-build{extra}")

/// The Public API analyzer fails the facade's build on a public member missing from (RS0016) or
/// still listed in (RS0017) CSharpFacade/PublicAPI.*.txt; this builds it, reads the symbols from
/// the diagnostics and updates PublicAPI.Unshipped.txt, so that a reviewer sees API changes as
/// lines of that file.
let updatePublicApi () =
    restore ()

    let psi =
        ProcessStartInfo(
            "dotnet",
            "build CSharpFacade -c Release --nologo -v:quiet -p:WarningsAsErrors= -p:TreatWarningsAsErrors=false --no-incremental",
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            UseShellExecute = false
        )

    use p = Process.Start psi
    let output = p.StandardOutput.ReadToEnd()
    p.WaitForExit()

    let symbols code =
        Text.RegularExpressions.Regex.Matches(output, code + @": Symbol '(.*?)' is (?:not part|part) of the declared")
        |> Seq.map (fun m -> m.Groups[1].Value)
        |> Seq.distinct
        |> Set.ofSeq

    let added, removed = symbols "RS0016", symbols "RS0017"
    let path = Path.Combine(root, "CSharpFacade", "PublicAPI.Unshipped.txt")

    let lines =
        File.ReadAllLines path
        |> Array.filter (fun l -> not (removed.Contains l))
        |> Array.append
        <| Set.toArray added

    let header, body = lines |> Array.partition (fun l -> l.StartsWith "#")
    File.WriteAllLines(path, Array.append (Array.distinct header) (body |> Array.distinct |> Array.sort))
    printfn "PublicAPI.Unshipped.txt: %d added, %d removed" added.Count removed.Count

/// The packable projects, in dependency order; their package metadata is in Packaging.props.
let packableProjects =
    [
        "Core/Nabla.fsproj"
        "CSharpFacade/Nabla.CSharp.csproj"
        "PropertyTesting/Nabla.FsCheck.fsproj"
    ]

/// `dotnet pack` for each package. Without --no-build, the projects are built with
/// ContinuousIntegrationBuild=true (deterministic, local paths mapped to /_/ in the PDBs) into their
/// own bin/pack and obj/pack folders, so that packing neither disturbs nor is disturbed by the
/// everyday Release build. With --no-build, the Release build as it is (the package-consumer test
/// packs what it was built with). Dependencies: see Packaging.targets (paket.references' packages at
/// paket.lock's versions). The package folder is emptied of older Nabla packages first.
let pack (options: string[]) =
    let rec parse (version, output, noBuild) =
        function
        | "--version" :: v :: rest -> parse (Some v, output, noBuild) rest
        | "--output" :: o :: rest -> parse (version, Some o, noBuild) rest
        | "--no-build" :: rest -> parse (version, output, true) rest
        | [] -> version, output, noBuild
        | other :: _ ->
            eprintfn "build.fsx pack: unknown option '%s' (options: --version V, --output DIR, --no-build)" other
            exit 2

    let version, output, noBuild = parse (None, None, false) (List.ofArray options)

    let output =
        Path.GetFullPath(defaultArg output (Path.Combine(root, "artifacts", "packages")), root)

    restore ()
    Directory.CreateDirectory output |> ignore

    for old in Directory.GetFiles(output, "Nabla*.*nupkg") do
        File.Delete old

    let versionArg =
        match version with
        | Some v -> $" -p:Version={v}"
        | None -> ""

    let buildArgs =
        if noBuild then
            " --no-build --no-restore"
        else
            " -p:ContinuousIntegrationBuild=true -p:OutputPath=bin/pack/ -p:IntermediateOutputPath=obj/pack/"

    for project in packableProjects do
        runOrFail "dotnet" $"pack {project} -c Release --nologo -v:minimal -o \"{output}\"{versionArg}{buildArgs}"

    printfn "Packages in %s:" output

    for file in Directory.GetFiles(output, "Nabla*.*nupkg") |> Array.sort do
        printfn "  %s" (Path.GetFileName file)

match target with
| "restore" -> restore ()
| "build" -> build ()
| "test" ->
    build ()
    checkFormat ()
    // Expecto runs tests on thread-pool threads; OpenMP's thread count is per thread, so without
    // this each of them would start its own pool of spinning workers on the two cores.
    if String.IsNullOrEmpty(Environment.GetEnvironmentVariable "OMP_NUM_THREADS") then
        Environment.SetEnvironmentVariable("OMP_NUM_THREADS", "1")

    project "Tests" passThrough
| "run" ->
    build ()

    match List.ofArray passThrough with
    | ("fsharp" | "f#" | "fs") :: rest -> project "Samples/Quickstart" (Array.ofList rest)
    | _ -> project "Samples/QuickstartCSharp" passThrough
| "bench" ->
    build ()
    project "Benchmarks" (Array.append [| "compare" |] passThrough)
| "api" -> updatePublicApi ()
| "pack" -> pack passThrough
| "bdn" ->
    build ()
    project "Benchmarks" (Array.append [| "bdn" |] passThrough)
| other ->
    eprintfn "build.fsx: unknown target '%s'. Targets: restore, build, test, run, bench, bdn, api, pack." other
    exit 2
