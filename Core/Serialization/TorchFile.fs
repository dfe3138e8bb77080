namespace Nabla

open System
open System.Collections.Generic
open System.IO
open System.IO.Compression
open TorchSharp
open Nabla.Raw

/// Storages on raw LibTorch tensors (kept out of every type's members, see the house rules).
module internal TorchFileKernel =

    /// PyTorch's storage type names and Nabla's dtypes, with element sizes.
    let storageKinds =
        [
            "FloatStorage", Dtype.Float32, 4
            "DoubleStorage", Dtype.Float64, 8
            "HalfStorage", Dtype.Float16, 2
            "BFloat16Storage", Dtype.BFloat16, 2
            "LongStorage", Dtype.Int64, 8
            "IntStorage", Dtype.Int32, 4
            "ShortStorage", Dtype.Int16, 2
            "CharStorage", Dtype.Int8, 1
            "ByteStorage", Dtype.UInt8, 1
            "BoolStorage", Dtype.Bool, 1
        ]

    /// A 1-d tensor of `dtype` holding the little-endian bytes of a storage record.
    let storageOf (bytes: byte[]) (dtype: Dtype) (numel: int64) : torch.Tensor =
        let s = torch.empty ([| numel |], toScalarType dtype)
        s.bytes <- Span<byte>(bytes)
        s

    /// A new contiguous tensor with the values of the strided view of a storage.
    let view (storage: torch.Tensor) (offset: int64) (size: int64[]) (stride: int64[]) : Tensor =
        let v = storage.as_strided (size, stride, offset)
        let r = torch.empty (size, storage.dtype)
        r.copy_ (v, false) |> ignore
        v.Dispose()
        Memory.keep r
        Const r

    /// The contiguous little-endian bytes of a tensor on the CPU.
    let bytesOf (t: Tensor) : byte[] =
        let r = Prim.RawOf t
        use c = r.detach().cpu().contiguous()
        c.bytes.ToArray()

/// PyTorch's file format (torch.save since 1.6): a zip archive `archive/data.pkl` (a pickle whose
/// tensors refer by persistent id to the records `archive/data/<key>`, raw little-endian storages)
/// and `archive/version`. Reading checks every record's CRC, every storage's size against its
/// tensors' shapes and strides, and unpickles only tensors and plain containers (Pickle.fs).
module internal TorchFile =

    let private fail (file: string) (what: string) =
        raise (InvalidDataException $"{file}: {what}")

    let private crcTable =
        Array.init 256 (fun n ->
            let mutable c = uint32 n

            for _ in 0..7 do
                c <-
                    if c &&& 1u <> 0u then
                        0xEDB88320u ^^^ (c >>> 1)
                    else
                        c >>> 1

            c)

    let crc32 (data: byte[]) =
        let mutable c = 0xFFFFFFFFu

        for b in data do
            c <- crcTable[int ((c ^^^ uint32 b) &&& 0xFFu)] ^^^ (c >>> 8)

        c ^^^ 0xFFFFFFFFu

    /// Reads the records of a zip archive by name (without the archive's top folder), checking
    /// sizes and CRCs. Any failure of the zip reader becomes an InvalidDataException naming the file.
    let private records (file: string) (bytes: byte[]) : string * Dictionary<string, byte[]> =
        if bytes.Length = 0 then
            fail file "the file is empty (not a PyTorch file)."

        if bytes.Length < 4 || bytes[0] <> 0x50uy || bytes[1] <> 0x4Buy then
            fail
                file
                "not a PyTorch file: it is not a zip archive (PyTorch's format since 1.6; files from torch.save(..., _use_new_zipfile_serialization=False) are not supported)."

        try
            use archive = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read)
            let result = Dictionary<string, byte[]>(StringComparer.Ordinal)
            let mutable prefix = null

            for e in archive.Entries do
                let full = e.FullName
                let slash = full.IndexOf '/'

                if slash <= 0 then
                    fail file $"the zip record '{full}' is not inside the archive's folder (not a PyTorch file)."

                let p = full.Substring(0, slash)

                if isNull prefix then
                    prefix <- p
                elif p <> prefix then
                    fail file $"the zip records are in two folders ('{prefix}' and '{p}')."

                if
                    e.CompressedLength > int64 bytes.Length
                    || e.Length > 1024L * int64 bytes.Length + 1024L
                    || e.Length > int64 Int32.MaxValue
                then
                    fail file $"the zip record '{full}' claims an impossible size ({e.Length} bytes)."

                let data = Array.zeroCreate<byte>(int e.Length)
                use s = e.Open()
                let mutable got = 0
                let mutable n = -1

                while got < data.Length && n <> 0 do
                    n <- s.Read(data, got, data.Length - got)
                    got <- got + n

                if got <> data.Length || s.Read(Array.zeroCreate 1, 0, 1) <> 0 then
                    fail file $"the zip record '{full}' does not have its recorded size ({e.Length} bytes)."

                if crc32 data <> e.Crc32 then
                    fail file $"the zip record '{full}' is corrupted (its checksum does not match)."

                result[full.Substring(slash + 1)] <- data

            (if isNull prefix then "" else prefix), result
        with
        | :? InvalidDataException as e when e.Message.StartsWith file -> reraise ()
        | e -> fail file $"not a readable zip archive (truncated or corrupted?): {e.Message}"

    let private dtypeOfStorage (file: string) (name: string) =
        match TorchFileKernel.storageKinds |> List.tryFind (fun (n, _, _) -> n = name) with
        | Some(_, d, size) -> d, size
        | None -> fail file $"unknown storage type torch.{name}."

    let private ints (file: string) (what: string) (v: PickleValue) =
        match v with
        | PTuple items ->
            items
            |> List.map (function
                | PInt i -> i
                | _ -> fail file $"a tensor's {what} holds something other than integers.")
            |> List.toArray
        | _ -> fail file $"a tensor's {what} is not a tuple of integers."

    /// Reads a PyTorch file: the pickled value with tensors (PTensor) in place of their
    /// rebuilding calls. Shared storages give tensors with the same values (as copies).
    let read (file: string) : PickleValue =
        if isNull file then
            nullArg "file"

        // Loading a file can be a program's first call into Nabla (a script that only reads a
        // model): LibTorch must be made loadable before the storages touch TorchSharp.
        Native.ensureLoaded ()

        let bytes =
            try
                File.ReadAllBytes file
            with
            | :? FileNotFoundException
            | :? DirectoryNotFoundException -> raise (FileNotFoundException($"{file}: no such file.", file))

        if not BitConverter.IsLittleEndian then
            raise (PlatformNotSupportedException "PyTorch files: reading needs a little-endian machine.")

        let _, recs = records file bytes

        let pkl =
            match recs.TryGetValue "data.pkl" with
            | true, p -> p
            | _ -> fail file "the zip archive has no data.pkl record (not a PyTorch file)."

        let value =
            try
                Pickle.read file pkl
            with
            | :? InvalidDataException -> reraise ()
            | e -> fail file $"the pickle (data.pkl) is invalid: {e.Message}"

        let storages = Dictionary<string, torch.Tensor>()

        let storage (id: PickleValue) =
            match id with
            | PTuple [ PString "storage"; PGlobal("torch", kind); PString key; PString _location; PInt numel ] ->
                let dtype, size = dtypeOfStorage file kind

                match storages.TryGetValue key with
                | true, s when s.dtype = toScalarType dtype -> s, s.NumberOfElements
                | true, _ -> fail file $"storage '{key}' is used with two element types."
                | _ ->
                    let data =
                        match recs.TryGetValue("data/" + key) with
                        | true, d -> d
                        | _ -> fail file $"the record data/{key} of a tensor's storage is missing."

                    if numel < 0L || int64 data.Length <> numel * int64 size then
                        fail
                            file
                            $"the storage data/{key} has {data.Length} bytes; its {numel} elements of torch.{kind} need {numel * int64 size}."

                    let s = TorchFileKernel.storageOf data dtype numel
                    storages[key] <- s
                    s, s.NumberOfElements
            | _ -> fail file "a persistent id that is not a tensor storage ('storage', type, key, location, size)."

        let text (a: int64[]) = "[" + String.Join(", ", a) + "]"

        let tensor (args: PickleValue list) =
            match args with
            | st :: PInt offset :: size :: stride :: _ ->
                let s, numel =
                    match st with
                    | PPersistent id -> storage id
                    | _ -> fail file "a tensor whose storage is not a persistent id."

                let size = ints file "size" size
                let stride = ints file "stride" stride

                if size.Length <> stride.Length then
                    fail file $"a tensor has {size.Length} sizes but {stride.Length} strides."

                if size.Length > 64 then
                    fail file $"a tensor has {size.Length} dimensions."

                if
                    offset < 0L
                    || Array.exists (fun x -> x < 0L) size
                    || Array.exists (fun x -> x < 0L) stride
                then
                    fail file "a tensor has a negative size, stride or storage offset."

                let count =
                    try
                        Array.fold (fun a b -> Checked.(*) a b) 1L size
                    with :? OverflowException ->
                        fail file "a tensor's size overflows."

                if count > 0L then
                    let last =
                        try
                            Array.fold2 (fun a n st -> Checked.(+) a (Checked.(*) (n - 1L) st)) offset size stride
                        with :? OverflowException ->
                            fail file "a tensor's strides overflow."

                    if last >= numel then
                        fail
                            file
                            $"a tensor of size {text size} (strides {text stride}, offset {offset}) reaches element {last} of a storage of {numel} elements."

                // stride-0 views (expand) could claim far more memory than the file holds
                if count > 64L * numel + 1048576L then
                    fail
                        file
                        $"a tensor of size {text size} has {count} elements over a storage of only {numel}; Nabla does not materialise views that large."

                try
                    TorchFileKernel.view s offset size stride
                with e ->
                    fail file $"a tensor of size {text size} could not be built: {e.Message}"
            | _ -> fail file "a call of _rebuild_tensor_v2 with unexpected arguments."

        let rec resolve depth (v: PickleValue) =
            if depth > 100 then
                fail file "the pickle nests containers more than 100 deep (or refers to itself)."

            match v with
            | PCall("torch._utils", "_rebuild_tensor_v2", args) -> PTensor(tensor args)
            | PCall("torch._utils", "_rebuild_parameter", data :: _) -> resolve (depth + 1) data
            | PCall(m, n, _) -> fail file $"an unexpected call of {m}.{n}."
            | PTuple items -> PTuple(List.map (resolve (depth + 1)) items)
            | PList items -> PList(List(Seq.map (resolve (depth + 1)) items))
            | PDict entries -> PDict(List(entries |> Seq.map (fun (k, v) -> resolve (depth + 1) k, resolve (depth + 1) v)))
            | PPersistent _ -> fail file "a storage outside a tensor."
            | PGlobal(m, n) -> fail file $"a bare reference to {m}.{n}."
            | v -> v

        try
            resolve 0 value
        finally
            for s in storages.Values do
                s.Dispose()

    /// Writes `bytes` to `file` atomically: a temporary file in the same folder, flushed to disk,
    /// then renamed over the target. On failure the temporary file is deleted and the target is
    /// untouched. `fill` writes the content into the stream.
    let atomicWrite (file: string) (fill: Stream -> unit) =
        if isNull file then
            nullArg "file"

        let full = Path.GetFullPath file
        let dir = Path.GetDirectoryName full

        if not (Directory.Exists dir) then
            raise (DirectoryNotFoundException $"{file}: the folder {dir} does not exist.")

        let temp = Path.Combine(dir, $".{Path.GetFileName full}.{Guid.NewGuid():N}.tmp")

        try
            do
                use fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None)
                fill fs
                fs.Flush true

            File.Move(temp, full, true)
        with _ ->
            (try
                File.Delete temp
             with _ ->
                 ())

            reraise ()

    /// For tests: hooks by full path, run in the middle of writing that file (after the pickle, before the storages).
    let midWriteHooks =
        Collections.Concurrent.ConcurrentDictionary<string, unit -> unit>(StringComparer.Ordinal)

    /// Writes a value (tensors as PTensor) in PyTorch's format, atomically. Each tensor gets its
    /// own contiguous storage.
    let write (file: string) (value: PickleValue) =
        let storages = List<byte[]>()

        let tensor (t: Tensor) =
            if isNull (box t) then
                invalidArg "value" $"{file}: cannot save a null tensor."

            let kind, _, _ =
                TorchFileKernel.storageKinds |> List.find (fun (_, d, _) -> d = t.Dtype)

            let key = string storages.Count
            let shape = t.Shape |> Array.map int64
            let strides = Array.zeroCreate shape.Length
            let mutable s = 1L

            for i in shape.Length - 1 .. -1 .. 0 do
                strides[i] <- s
                s <- s * max 1L shape[i]

            storages.Add(TorchFileKernel.bytesOf t)

            PCall(
                "torch._utils",
                "_rebuild_tensor_v2",
                [
                    PPersistent(
                        PTuple
                            [
                                PString "storage"
                                PGlobal("torch", kind)
                                PString key
                                PString "cpu"
                                PInt(int64 t.Numel)
                            ]
                    )
                    PInt 0L
                    PTuple(shape |> Array.map PInt |> List.ofArray)
                    PTuple(strides |> Array.map PInt |> List.ofArray)
                    PBool false
                    PCall("collections", "OrderedDict", [ PDict(List()) ])
                ]
            )

        let pkl = Pickle.write tensor value

        atomicWrite file (fun stream ->
            use zip = new ZipArchive(stream, ZipArchiveMode.Create, true)

            let add (name: string) (data: byte[]) =
                let e = zip.CreateEntry("archive/" + name, CompressionLevel.NoCompression)
                use s = e.Open()
                s.Write(data, 0, data.Length)

            add "data.pkl" pkl

            match midWriteHooks.TryGetValue(Path.GetFullPath file) with
            | true, hook -> hook ()
            | _ -> ()

            for i in 0 .. storages.Count - 1 do
                add $"data/{i}" storages[i]

            add "version" "3\n"B)
