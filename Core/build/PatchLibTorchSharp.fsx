// Build step: patches TorchSharp's native library in a project's output folder so that it loads
// on systems whose libstdc++ predates GCC 13 (Debian 12). See Core/Native.fs for the reason.
// Usage: dotnet fsi PatchLibTorchSharp.fsx <path to libLibTorchSharp.so>
#load "../Native.fs"

match fsi.CommandLineArgs |> Array.tail with
| [| path |] when System.IO.File.Exists path ->
    if Nabla.Native.Elf.patchInPlace path then
        printfn "Nabla: patched %s (%s is now a weak requirement)" path Nabla.Native.Elf.markerVersion
| args ->
    eprintfn "usage: dotnet fsi PatchLibTorchSharp.fsx <existing libLibTorchSharp.so>; got %A" args
    exit 2
