/// Makes LibTorch load. Nothing else in Nabla touches native loading.
///
/// Why this file exists: TorchSharp 0.107's libLibTorchSharp.so was linked by GCC 13 and asks
/// for the symbol version GLIBCXX_3.4.32 for exactly one symbol, `_ZSt21ios_base_library_initv`,
/// a marker GCC 13 emits for iostream initialisation that is never called. Debian 12's
/// libstdc++ stops at GLIBCXX_3.4.30, so the dynamic loader refuses the library. Marking that
/// one version requirement WEAK (VER_FLG_WEAK in its `.gnu.version_r` entry) makes the loader
/// accept it; nothing else changes. The patch is idempotent, written atomically (temp file,
/// then rename), and harmless where the system libstdc++ is new enough. It runs at build time
/// (build/PatchLibTorchSharp.fsx) and again here, before the first TorchSharp call, because
/// TorchSharp's static initialiser fails permanently for the process if the load fails once.
///
/// This file uses only the base class library, so the build script can `#load` it.
namespace Nabla

open System
open System.IO
open System.Runtime.InteropServices
open System.Text

/// Raised when LibTorch or TorchSharp's native library cannot be found or loaded.
exception NativeLoadException of string with
    override this.Message = this.Data0

module internal Native =

    /// Reading and patching the symbol-version requirements of an ELF64 little-endian shared object.
    module Elf =

        let private shtGnuVerneed = 0x6ffffffeu
        let private verFlagWeak = 2us

        /// The one requirement that is weakened: a marker symbol version, never needed at run time.
        let markerVersion = "GLIBCXX_3.4.32"

        type private VersionNeed =
            {
                Name: string
                FlagsOffset: int
                Flags: uint16
            }

        let private readCString (bytes: byte[]) (offset: int) =
            let mutable e = offset

            while e < bytes.Length && bytes[e] <> 0uy do
                e <- e + 1

            Encoding.ASCII.GetString(bytes, offset, e - offset)

        /// Every version an ELF64 file requires from its dependencies (the vernaux entries), with the
        /// byte offset of each entry's flags. Empty for a file that is not ELF64 little-endian.
        let private versionNeeds (bytes: byte[]) : VersionNeed list =
            let isElf64Le =
                bytes.Length > 64
                && bytes[0] = 0x7Fuy
                && bytes[1] = byte 'E'
                && bytes[2] = byte 'L'
                && bytes[3] = byte 'F'
                && bytes[4] = 2uy
                && bytes[5] = 1uy

            if not isElf64Le then
                []
            else
                let u16 (o: int) = BitConverter.ToUInt16(bytes, o)
                let u32 (o: int) = BitConverter.ToUInt32(bytes, o)
                let u64 (o: int) = BitConverter.ToUInt64(bytes, o)
                let shoff = int (u64 0x28)
                let shentsize = int (u16 0x3A)
                let shnum = int (u16 0x3C)
                let section i = shoff + i * shentsize

                [
                    for i in 0 .. shnum - 1 do
                        let sh = section i

                        if u32 (sh + 4) = shtGnuVerneed then
                            let offset = int (u64 (sh + 0x18))
                            let strtab = int (u64 (section (int (u32 (sh + 0x28))) + 0x18))
                            let count = int (u32 (sh + 0x2C))
                            let mutable need = offset

                            for _ in 1..count do
                                let auxCount = int (u16 (need + 2))
                                let mutable aux = need + int (u32 (need + 8))

                                for _ in 1..auxCount do
                                    yield
                                        {
                                            Name = readCString bytes (strtab + int (u32 (aux + 8)))
                                            FlagsOffset = aux + 4
                                            Flags = u16 (aux + 4)
                                        }

                                    aux <- aux + int (u32 (aux + 12))

                                need <- need + int (u32 (need + 12))
                ]

        /// True when the file requires the marker version without the weak flag.
        let needsPatch (path: string) =
            versionNeeds (File.ReadAllBytes path)
            |> List.exists (fun n -> n.Name = markerVersion && n.Flags &&& verFlagWeak = 0us)

        /// Writes `target` as a copy of `source` whose marker version requirement is weak.
        /// Atomic: the bytes go to a temporary file in the target's folder, which is then renamed.
        let writePatchedCopy (source: string) (target: string) =
            let bytes = File.ReadAllBytes source

            for n in versionNeeds bytes do
                if n.Name = markerVersion then
                    let flags = BitConverter.GetBytes(n.Flags ||| verFlagWeak)
                    bytes[n.FlagsOffset] <- flags[0]
                    bytes[n.FlagsOffset + 1] <- flags[1]

            let temp = target + "." + string (Guid.NewGuid().ToString("N")) + ".tmp"
            File.WriteAllBytes(temp, bytes)
            // Same size and timestamp as the original: MSBuild's incremental copy then keeps the
            // patched file instead of copying the unpatched one over it on the next build.
            File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc source)
            File.Move(temp, target, true)

        /// Patches the file in place if it needs it. Returns true when the file was changed.
        let patchInPlace (path: string) =
            if needsPatch path then
                writePatchedCopy path path
                true
            else
                false

    let private torchSharpLibrary = "libLibTorchSharp.so"

    /// Folders where the TorchSharp native library may sit, most specific first.
    let private candidateFolders () =
        let folderOf (asm: Reflection.Assembly) =
            if isNull asm || String.IsNullOrEmpty asm.Location then
                None
            else
                Some(Path.GetDirectoryName asm.Location)

        let torchSharp =
            AppDomain.CurrentDomain.GetAssemblies()
            |> Array.tryFind (fun a -> a.GetName().Name = "TorchSharp")

        [
            folderOf (Reflection.Assembly.GetExecutingAssembly())
            torchSharp |> Option.bind folderOf
            Some AppContext.BaseDirectory
        ]
        |> List.choose id
        |> List.collect (fun d ->
            [
                d
                Path.Combine(d, "runtimes", "linux-x64", "native")
                // A package in the NuGet cache (an F# script's `#r "nuget: ..."`): lib/<tfm>/ → runtimes/.
                Path.GetFullPath(Path.Combine(d, "..", "..", "runtimes", "linux-x64", "native"))
            ])
        |> List.distinct

    let private isWritable (folder: string) =
        try
            let probe =
                Path.Combine(folder, ".nabla-write-probe-" + Guid.NewGuid().ToString("N"))

            File.WriteAllText(probe, "")
            File.Delete probe
            true
        with _ ->
            false

    /// A patched copy in a per-user cache, for a read-only install folder or the NuGet cache. The
    /// libraries it finds through its RUNPATH ($ORIGIN: libtorch*.so, libc10.so, ...), from
    /// `libTorchFolder`, are linked beside it.
    let private patchedCopyInCache (original: string) (libTorchFolder: string) =
        let folder = Path.GetDirectoryName original
        let info = FileInfo original

        let stamp (file: FileInfo) =
            $"{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}"

        // The folder's path is part of the key (FNV-1a, stable across processes), so that two
        // NuGet caches never share, and keep re-pointing, one set of links.
        let pathHash (path: string) =
            let mutable h = 14695981039346656037UL

            for c in path do
                h <- (h ^^^ uint64 c) * 1099511628211UL

            $"{h:x}"

        let key =
            if libTorchFolder = folder then
                stamp info
            else
                stamp info
                + "-"
                + stamp (FileInfo(Path.Combine(libTorchFolder, "libtorch.so")))
                + "-"
                + pathHash libTorchFolder

        let cache =
            Path.Combine(Environment.GetFolderPath Environment.SpecialFolder.LocalApplicationData, "nabla", "native", key)

        Directory.CreateDirectory cache |> ignore

        for neighbour in Array.append (Directory.GetFiles(folder, "*.so*")) (Directory.GetFiles(libTorchFolder, "*.so*")) do
            let link = Path.Combine(cache, Path.GetFileName neighbour)

            // A link left by an earlier run may point to a file that is gone (a deleted cache):
            // it is replaced, not trusted.
            let current = FileInfo(link).LinkTarget

            if
                Path.GetFileName neighbour <> torchSharpLibrary
                && not (current = neighbour && File.Exists neighbour)
            then
                try
                    File.Delete link
                    File.CreateSymbolicLink(link, neighbour) |> ignore
                with
                | :? IOException
                | :? UnauthorizedAccessException -> ()

        let copy = Path.Combine(cache, torchSharpLibrary)

        if not (File.Exists copy) || Elf.needsPatch copy then
            Elf.writePatchedCopy original copy

        copy

    /// The LibTorch version this TorchSharp build (0.107) needs.
    let private libTorchVersion = "2.10.0"

    /// When TorchSharp's library sits in the NuGet cache (`<cache>/torchsharp/<version>/runtimes/linux-x64/native`),
    /// LibTorch is in its own package beside it: the CPU runtime, else a CUDA runtime, of the version above.
    let private libTorchInNuGetCache (torchSharpNative: string) =
        let packages =
            Path.GetFullPath(Path.Combine(torchSharpNative, "..", "..", "..", "..", ".."))

        let nativeOf (package: string) =
            Path.Combine(package, libTorchVersion, "runtimes", "linux-x64", "native")

        if not (Directory.Exists packages) then
            None
        else
            Array.append
                (Directory.GetDirectories(packages, "libtorch-cpu-linux-x64"))
                (Directory.GetDirectories(packages, "libtorch-cuda-*-linux-x64"))
            |> Array.map nativeOf
            |> Array.tryFind (fun d -> File.Exists(Path.Combine(d, "libtorch.so")))

    let private load () =
        if RuntimeInformation.IsOSPlatform OSPlatform.Linux then
            let folders = candidateFolders ()

            match
                folders
                |> List.map (fun d -> Path.Combine(d, torchSharpLibrary))
                |> List.tryFind File.Exists
            with
            | None ->
                // TorchSharp will search on its own (e.g. the NuGet cache); if it fails, its error says why.
                ()
            | Some library ->
                let folder = Path.GetDirectoryName library
                let besideIt = File.Exists(Path.Combine(folder, "libtorch.so"))

                let libTorchFolder =
                    if besideIt then
                        Some folder
                    else
                        libTorchInNuGetCache folder

                if libTorchFolder.IsNone then
                    raise (
                        NativeLoadException(
                            $"LibTorch was not found beside {library}. Nabla needs the LibTorch binaries: reference the "
                            + "package libtorch-cpu-linux-x64 (2.10.0) in the project that runs, so that libtorch.so, "
                            + "libtorch_cpu.so and libc10.so are copied to its output folder."
                        )
                    )

                let usable =
                    if not besideIt then
                        // Never patch the shared NuGet cache in place; link both packages' files instead.
                        patchedCopyInCache library libTorchFolder.Value
                    elif not (Elf.needsPatch library) then
                        library
                    elif isWritable folder then
                        (Elf.writePatchedCopy library library
                         library)
                    else
                        patchedCopyInCache library folder

                try
                    NativeLibrary.Load usable |> ignore
                with e ->
                    raise (
                        NativeLoadException(
                            $"Loading {usable} failed: {e.Message}. If the message names a missing GLIBCXX version other "
                            + $"than {Elf.markerVersion}, the system's libstdc++ is older than this TorchSharp build needs."
                        )
                    )

    let private loaded = lazy (load ())

    /// Loads TorchSharp's native library (patched if needed) once per process. Every Nabla entry point
    /// that touches LibTorch calls this first; calling it again costs nothing.
    let ensureLoaded () = loaded.Force()
