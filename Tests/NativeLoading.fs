/// LibTorch loads on this OS: the GLIBCXX weak-version patch is applied, idempotent and minimal,
/// and a fresh process computes a gradient.
module Nabla.Tests.NativeLoading

open System
open System.Diagnostics
open System.IO
open Expecto
open Nabla

/// What the child process prints: the seed's gradient, computed before anything else loaded LibTorch.
let childGradient () =
    let g = AD.grad (fun x -> x * x) (Tensor.scalar 3.0)
    printfn "gradient=%g" (g.ToScalar())
    0

/// Runs this test program again with one argument and returns (exit code, stdout).
let private runSelf (arg: string) =
    let exe = Environment.ProcessPath

    let psi =
        if Path.GetFileNameWithoutExtension exe = "dotnet" then
            ProcessStartInfo("dotnet", $"\"{Reflection.Assembly.GetEntryAssembly().Location}\" {arg}")
        else
            ProcessStartInfo(exe, arg)

    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEnd()
    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()
    p.ExitCode, out + err

/// The unpatched library as TorchSharp ships it, from the NuGet cache.
let private originalLibrary () =
    let cache =
        match Environment.GetEnvironmentVariable "NUGET_PACKAGES" with
        | null
        | "" -> Path.Combine(Environment.GetFolderPath Environment.SpecialFolder.UserProfile, ".nuget", "packages")
        | p -> p

    Path.Combine(cache, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so")

let tests =
    testList
        "native loading"
        [
            testCase "a fresh process loads LibTorch and computes a gradient"
            <| fun () ->
                let code, output = runSelf "--child-gradient"
                Expect.equal code 0 $"exit code (output: {output})"
                Expect.stringContains output "gradient=6" "d(x²)/dx at 3"

            testCase "the library in the output folder is patched"
            <| fun () ->
                let loaded = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so")
                Expect.isTrue (File.Exists loaded) "libLibTorchSharp.so is beside the program"
                Expect.isFalse (Native.Elf.needsPatch loaded) $"{Native.Elf.markerVersion} is a weak requirement"

            testCase "the patch changes exactly one flag, keeps the size and is idempotent"
            <| fun () ->
                let original = originalLibrary ()
                Expect.isTrue (File.Exists original) $"the NuGet cache holds TorchSharp's library at {original}"
                Expect.isTrue (Native.Elf.needsPatch original) "TorchSharp ships it with a strong GLIBCXX_3.4.32 requirement"
                let dir = Directory.CreateTempSubdirectory "nabla-elf-"

                try
                    let copy = Path.Combine(dir.FullName, "libLibTorchSharp.so")
                    File.Copy(original, copy)
                    Expect.isTrue (Native.Elf.patchInPlace copy) "first patch changes the file"
                    Expect.isFalse (Native.Elf.needsPatch copy) "patched"
                    Expect.isFalse (Native.Elf.patchInPlace copy) "second patch changes nothing"
                    let before, after = File.ReadAllBytes original, File.ReadAllBytes copy
                    Expect.equal after.Length before.Length "same size"

                    let changed =
                        Array.map2 (fun (a: byte) b -> a <> b) before after
                        |> Array.filter id
                        |> Array.length

                    Expect.equal changed 1 "one byte (the weak flag of one version requirement) differs"
                    Expect.isEmpty (Directory.GetFiles(dir.FullName, "*.tmp")) "no temporary file is left behind"
                finally
                    dir.Delete true

            testCase "files that are not ELF64 are left alone"
            <| fun () ->
                let path = Path.GetTempFileName()

                try
                    File.WriteAllText(path, "not a shared library")
                    Expect.isFalse (Native.Elf.needsPatch path) "nothing to patch"
                    Expect.isFalse (Native.Elf.patchInPlace path) "unchanged"
                finally
                    File.Delete path
        ]
