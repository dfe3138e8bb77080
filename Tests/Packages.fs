/// The packages as a user installs them: packed into a local folder feed, then referenced by a
/// fresh C# console project and a fresh F# script (not by project references).
///
/// The packages get a version of their own for each run (the version in Packaging.props with a
/// "-test.<time>" suffix), so that NuGet's global packages folder, which keeps a package of a given
/// id and version forever, can never hand the consumers a stale Nabla from an earlier run; TorchSharp
/// and LibTorch still come from that folder, as paket restored them, instead of 950 MB of downloads
/// into a private one. The run's Nabla folders are deleted from it at the end, with the temporary
/// folders. The packing is `build.fsx pack --no-build`: the assemblies this test program was built
/// with, packed as `build.fsx pack` packs them (the same metadata and dependency rules).
module Nabla.Tests.Packages

open System
open System.Diagnostics
open System.IO
open System.IO.Compression
open System.Xml.Linq
open Expecto

/// The repository root: the first folder above the test program that holds build.fsx.
let private repositoryRoot () =
    let rec up (d: DirectoryInfo) =
        if isNull d then
            failwith "build.fsx not found above the test program"
        elif File.Exists(Path.Combine(d.FullName, "build.fsx")) then
            d.FullName
        else
            up d.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

/// Runs a command; returns (exit code, stdout + stderr).
let private runIn (folder: string) (file: string) (arguments: string) =
    let psi =
        ProcessStartInfo(
            file,
            arguments,
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        )

    // The consumers must not inherit this program's build settings.
    for name in [ "MSBuildExtensionsPath"; "MSBuildSDKsPath"; "MSBUILD_EXE_PATH" ] do
        psi.Environment.Remove name |> ignore

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()
    p.ExitCode, out.Result + err

let private runOrFail folder file arguments =
    let code, output = runIn folder file arguments
    Expect.equal code 0 $"'{file} {arguments}' in {folder} exits with 0; its output:\n{output}"
    output

/// The user's own package feed, read at run time as build.fsx reads it (never written in a tracked
/// file): NABLA_NUGET_SOURCE, else the first enabled source of `dotnet nuget list source`.
let private userFeed () =
    match Environment.GetEnvironmentVariable "NABLA_NUGET_SOURCE" with
    | null
    | "" ->
        let _, output =
            runIn (Path.GetTempPath()) "dotnet" "nuget list source --format short"

        output.Split('\n')
        |> Array.map (fun l -> l.Trim())
        |> Array.tryPick (fun l ->
            match l.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) with
            | [| flag; source |] when flag.StartsWith "E" -> Some(source.Trim())
            | _ -> None)
    | source -> Some source

let private globalPackagesFolder () =
    match Environment.GetEnvironmentVariable "NUGET_PACKAGES" with
    | null
    | "" -> Path.Combine(Environment.GetFolderPath Environment.SpecialFolder.UserProfile, ".nuget", "packages")
    | p -> p

let private packageIds = [ "Nabla"; "Nabla.CSharp"; "Nabla.FsCheck" ]

/// This run's packages: (version, feed folder, work folder). Packed once, on first use; the folders
/// and this version's entries in the global packages folder are deleted when the program exits.
let private packed =
    lazy
        (let root = repositoryRoot ()

         let prefix =
             XDocument.Load(Path.Combine(root, "Packaging.props")).Descendants(XName.Get "VersionPrefix")
             |> Seq.head
             |> fun e -> e.Value

         let version =
             $"""{prefix}-test.{DateTime.UtcNow.ToString "yyyyMMddHHmmss"}.{Environment.ProcessId}"""

         let work = Directory.CreateTempSubdirectory("nabla-packages-").FullName
         let feed = Path.Combine(work, "feed")

         AppDomain.CurrentDomain.ProcessExit.Add(fun _ ->
             for id in packageIds do
                 let installed =
                     Path.Combine(globalPackagesFolder (), id.ToLowerInvariant(), version)

                 try
                     if Directory.Exists installed then
                         Directory.Delete(installed, true)

                     let idFolder = Path.GetDirectoryName installed

                     if
                         Directory.Exists idFolder
                         && Array.isEmpty (Directory.GetFileSystemEntries idFolder)
                     then
                         Directory.Delete idFolder
                 with _ ->
                     ()

             try
                 Directory.Delete(work, true)
             with _ ->
                 ())

         runOrFail root "dotnet" $"fsi build.fsx pack --no-build --version {version} --output \"{feed}\""
         |> ignore

         version, feed, work)

/// A nuget.config with the local folder feed first and the user's feed second (for TorchSharp & co).
let private writeNuGetConfig (folder: string) (feed: string) =
    let sources =
        [
            yield "local", feed
            match userFeed () with
            | Some source -> yield "user", source
            | None -> ()
        ]
        |> List.map (fun (key, value) -> XElement(XName.Get "add", XAttribute(XName.Get "key", key), XAttribute(XName.Get "value", value)))

    let config =
        XElement(XName.Get "configuration", XElement(XName.Get "packageSources", XElement(XName.Get "clear"), sources))

    config.Save(Path.Combine(folder, "nuget.config"))

/// The nuspec of a package in the feed.
let private nuspec (feed: string) (id: string) (version: string) =
    use zip = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"))
    let entry = zip.Entries |> Seq.find (fun e -> e.FullName = $"{id}.nuspec")
    use stream = entry.Open()
    XDocument.Load stream

let private entries (path: string) =
    use zip = ZipFile.OpenRead path
    zip.Entries |> Seq.map (fun e -> e.FullName) |> Set.ofSeq

/// (id, version range) of each dependency in a nuspec.
let private dependencies (doc: XDocument) =
    doc.Descendants()
    |> Seq.filter (fun e -> e.Name.LocalName = "dependency")
    |> Seq.map (fun e -> e.Attribute(XName.Get "id").Value, e.Attribute(XName.Get "version").Value)
    |> Map.ofSeq

let private metadata (doc: XDocument) (name: string) =
    doc.Descendants()
    |> Seq.tryFind (fun e -> e.Name.LocalName = name)
    |> Option.map (fun e -> e.Value)

let tests =
    testList
        "packages"
        [
            testCase "the packages hold the assembly, its XML docs, readme, icon and license, with only direct dependencies"
            <| fun () ->
                let version, feed, _ = packed.Force()

                for id in packageIds do
                    let files = entries (Path.Combine(feed, $"{id}.{version}.nupkg"))

                    for expected in
                        [
                            $"lib/net10.0/{id}.dll"
                            $"lib/net10.0/{id}.xml"
                            "README.md"
                            "icon.png"
                            "LICENSE"
                        ] do
                        Expect.isTrue (files.Contains expected) $"{id} holds {expected} (it holds {files})"

                    let symbols = entries (Path.Combine(feed, $"{id}.{version}.snupkg"))
                    Expect.isTrue (symbols.Contains $"lib/net10.0/{id}.pdb") $"{id}.snupkg holds the PDB"
                    let doc = nuspec feed id version
                    Expect.equal (metadata doc "version") (Some version) $"{id}: version"
                    Expect.equal (metadata doc "license") (Some "MIT") $"{id}: license expression"
                    Expect.equal (metadata doc "icon") (Some "icon.png") $"{id}: icon"
                    Expect.equal (metadata doc "readme") (Some "README.md") $"{id}: readme"
                    Expect.equal (metadata doc "authors") (Some "the Nabla authors") $"{id}: authors"
                    Expect.isTrue ((metadata doc "description").IsSome) $"{id}: description"

                let core = dependencies (nuspec feed "Nabla" version)

                Expect.equal
                    (core |> Map.toList |> List.map fst |> set)
                    (set
                        [
                            "FSharp.Core"
                            "TorchSharp"
                            "libtorch-cpu-linux-x64"
                            "ScottPlot"
                            "Spectre.Console"
                            "Spectre.Console.Ansi"
                        ])
                    "Nabla depends on what paket.references names for Core, not on transitive packages"

                Expect.equal core["TorchSharp"] "0.107.0" "TorchSharp 0.107.0 or newer"
                Expect.equal core["libtorch-cpu-linux-x64"] "2.10.0" "the LibTorch CPU runtime 2.10.0"

                Expect.equal
                    (dependencies (nuspec feed "Nabla.CSharp" version))
                    (Map.ofList [ "Nabla", $"[{version}]" ])
                    "Nabla.CSharp depends on exactly its own version of Nabla (it uses Nabla's internals), and on no analyzer"

                let fsCheck = dependencies (nuspec feed "Nabla.FsCheck" version)
                Expect.equal fsCheck["Nabla"] version "Nabla.FsCheck depends on Nabla of its version"
                Expect.equal fsCheck["FsCheck"] "3.6.0" "and on FsCheck 3.6.0"

            testCase "a fresh C# console project that references Nabla.CSharp from the feed computes 4 and 27"
            <| fun () ->
                let version, feed, work = packed.Force()
                let project = Directory.CreateDirectory(Path.Combine(work, "csharp")).FullName
                writeNuGetConfig project feed

                File.WriteAllText(
                    Path.Combine(project, "Consumer.csproj"),
                    $"""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Nabla.CSharp" Version="{version}" />
  </ItemGroup>
</Project>
"""
                )

                File.WriteAllText(
                    Path.Combine(project, "Program.cs"),
                    """using Nabla.CSharp;

var x = Tensor.From(2.0).RequiresGrad();
var y = Tensor.From(3.0).RequiresGrad();
var z = x * x + y * y * y + 5.0;
z.Backward();
Console.WriteLine($"x.Grad = {x.Grad!.Item<double>()}");
Console.WriteLine($"y.Grad = {y.Grad!.Item<double>()}");
"""
                )

                runOrFail project "dotnet" "build -c Release --nologo -v:minimal" |> ignore
                let dll = Path.Combine(project, "bin", "Release", "net10.0", "Consumer.dll")
                let output = runOrFail project "dotnet" $"\"{dll}\""
                Expect.stringContains output "x.Grad = 4" "dz/dx at (2, 3)"
                Expect.stringContains output "y.Grad = 27" "dz/dy at (2, 3)"
                // It used the packages, not this repository's build.
                Expect.isTrue
                    (File.Exists(Path.Combine(globalPackagesFolder (), "nabla.csharp", version, "lib", "net10.0", "Nabla.CSharp.dll")))
                    "Nabla.CSharp came from the feed"

            testCase "a fresh F# script with #r \"nuget: Nabla\" from the feed computes 4 and 27"
            <| fun () ->
                let version, feed, work = packed.Force()
                let folder = Directory.CreateDirectory(Path.Combine(work, "fsharp")).FullName
                writeNuGetConfig folder feed
                let script = Path.Combine(folder, "seed.fsx")

                File.WriteAllText(
                    script,
                    $"""#i "nuget: {feed}"
#r "nuget: Nabla, {version}"
open Nabla

// The seed example: z = x² + y³ + 5 at x = 2, y = 3
let z (x: Tensor) (y: Tensor) = x * x + y ** 3.0 + 5.0
let x, y = Tensor.scalar 2.0, Tensor.scalar 3.0
printfn "dz/dx = %%g" ((AD.grad (fun x -> z x y) x).ToScalar())
printfn "dz/dy = %%g" ((AD.grad (fun y -> z x y) y).ToScalar())
printfn "from %%s" typeof<Tensor>.Assembly.Location
"""
                )

                let output = runOrFail folder "dotnet" $"fsi --quiet --exec \"{script}\""
                Expect.stringContains output "dz/dx = 4" "dz/dx at (2, 3)"
                Expect.stringContains output "dz/dy = 27" "dz/dy at (2, 3)"
                Expect.stringContains output (Path.Combine("nabla", version)) "Nabla.dll came from the package"
        ]
