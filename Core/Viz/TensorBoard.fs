namespace Nabla

open System
open System.Collections.Generic
open System.IO
open System.IO.Compression
open System.Runtime.InteropServices
open Google.Protobuf
open Tensorboard

/// TensorBoard's file format: events (protobuf, TorchSharp's generated Tensorboard classes) in
/// TFRecord framing (length, masked CRC-32C of the length, data, masked CRC-32C of the data), and
/// the PNG encoding of image summaries.
module internal EventFile =

    let private crcTable =
        Array.init 256 (fun n ->
            let mutable c = uint32 n

            for _ in 0..7 do
                c <-
                    if c &&& 1u <> 0u then
                        0x82F63B78u ^^^ (c >>> 1)
                    else
                        c >>> 1

            c)

    /// CRC-32C (Castagnoli), as TFRecord uses.
    let crc32c (data: ReadOnlySpan<byte>) =
        let mutable c = 0xFFFFFFFFu

        for b in data do
            c <- crcTable[int ((c ^^^ uint32 b) &&& 0xFFu)] ^^^ (c >>> 8)

        c ^^^ 0xFFFFFFFFu

    /// TFRecord's masked CRC.
    let masked (crc: uint32) =
        ((crc >>> 15) ||| (crc <<< 17)) + 0xa282ead8u

    /// One record: the framing around an encoded event.
    let record (data: byte[]) =
        let length = BitConverter.GetBytes(uint64 data.Length)
        use ms = new MemoryStream()
        ms.Write(length, 0, 8)
        ms.Write(BitConverter.GetBytes(masked (crc32c (ReadOnlySpan length))), 0, 4)
        ms.Write(data, 0, data.Length)
        ms.Write(BitConverter.GetBytes(masked (crc32c (ReadOnlySpan data))), 0, 4)
        ms.ToArray()

    let private bigEndian (v: uint32) =
        [| byte (v >>> 24); byte (v >>> 16); byte (v >>> 8); byte v |]

    /// An 8-bit PNG of `channels` (1 gray, 3 RGB, 4 RGBA) interleaved pixels, row by row.
    let png (width: int) (height: int) (channels: int) (pixels: byte[]) =
        let colorType =
            match channels with
            | 1 -> 0uy
            | 3 -> 2uy
            | 4 -> 6uy
            | c -> invalidArg "channels" $"png: {c} channels; 1, 3 or 4 are supported."

        use out = new MemoryStream()
        out.Write([| 137uy; 80uy; 78uy; 71uy; 13uy; 10uy; 26uy; 10uy |], 0, 8)

        let chunk (kind: string) (data: byte[]) =
            let typed = Array.append (Text.Encoding.ASCII.GetBytes kind) data
            out.Write(bigEndian (uint32 data.Length), 0, 4)
            out.Write(typed, 0, typed.Length)
            out.Write(bigEndian (TorchFile.crc32 typed), 0, 4) // PNG and zip share CRC-32

        chunk
            "IHDR"
            (Array.concat
                [
                    bigEndian (uint32 width)
                    bigEndian (uint32 height)
                    [| 8uy; colorType; 0uy; 0uy; 0uy |]
                ])

        let compressed =
            use ms = new MemoryStream()

            do
                use z = new ZLibStream(ms, CompressionLevel.Optimal, true)
                let stride = width * channels

                for row in 0 .. height - 1 do
                    z.WriteByte 0uy // filter: none
                    z.Write(pixels, row * stride, stride)

            ms.ToArray()

        chunk "IDAT" compressed
        chunk "IEND" [||]
        out.ToArray()

/// Writes TensorBoard event files (PyTorch's `torch.utils.tensorboard.SummaryWriter`): scalars,
/// groups of scalars, histograms, text and images, each at a step, into
/// `logDir/events.out.tfevents.<time>.<host>.<pid>.<n>`, which `tensorboard --logdir` reads.
/// Events are written as they are added; Flush makes them visible to readers, Dispose flushes and
/// closes the files.
[<Sealed>]
type SummaryWriter(logDir: string) =
    do
        if String.IsNullOrWhiteSpace logDir then
            invalidArg "logDir" "SummaryWriter: the log directory must be a path, e.g. \"runs/experiment1\"."

    static let mutable counter = 0

    let files = Dictionary<string, FileStream>(StringComparer.Ordinal)
    let mutable disposed = false

    let openIn (dir: string) =
        Directory.CreateDirectory dir |> ignore
        let n = Threading.Interlocked.Increment &counter
        let time = DateTimeOffset.UtcNow.ToUnixTimeSeconds()

        let name =
            $"events.out.tfevents.{time}.{Environment.MachineName}.{Environment.ProcessId}.{n}"

        let stream =
            new FileStream(Path.Combine(dir, name), FileMode.CreateNew, FileAccess.Write, FileShare.Read)

        let first =
            Event(WallTime = float (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) / 1000.0, FileVersion = "brain.Event:2")

        let bytes = EventFile.record (first.ToByteArray())
        stream.Write(bytes, 0, bytes.Length)
        stream.Flush()
        stream

    /// The event file of a run directory (the writer's own, or a sub-run of AddScalars).
    let fileFor (dir: string) =
        if disposed then
            raise (ObjectDisposedException("SummaryWriter", $"SummaryWriter: the writer of {logDir} was disposed."))

        match files.TryGetValue dir with
        | true, f -> f
        | _ ->
            let f = openIn dir
            files[dir] <- f
            f

    let write (dir: string) (step: int64) (value: Summary.Types.Value) =
        let summary = Summary()
        summary.Value.Add value

        let e =
            Event(WallTime = float (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) / 1000.0, Step = step, Summary = summary)

        let bytes = EventFile.record (e.ToByteArray())
        let f = fileFor dir
        f.Write(bytes, 0, bytes.Length)

    let checkTag (op: string) (tag: string) =
        if String.IsNullOrEmpty tag then
            invalidArg "tag" $"SummaryWriter.{op}: the tag must not be empty (e.g. \"loss/train\")."

    let valuesOf (op: string) (t: Tensor) =
        if isNull (box t) then
            nullArg "values"

        if t.Dtype = Dtype.Bool then
            invalidArg "values" $"SummaryWriter.{op}: bool tensors have no histogram; convert them first."

        (Tensor.toDtype Dtype.Float64 t).ToArray()

    do Directory.CreateDirectory logDir |> ignore

    /// The directory the event files go to.
    member _.LogDir = logDir

    /// Logs one number under `tag` (e.g. "loss/train") at `step` (add_scalar).
    member _.AddScalar(tag: string, value: float, step: int64) =
        checkTag "AddScalar" tag
        write logDir step (Summary.Types.Value(Tag = tag, SimpleValue = float32 value))

    /// Logs several numbers as one chart (add_scalars): each goes to the sub-run
    /// `logDir/<mainTag>_<name>` under the tag `mainTag`, as PyTorch does.
    member _.AddScalars(mainTag: string, values: seq<string * float>, step: int64) =
        checkTag "AddScalars" mainTag

        if isNull (box values) then
            nullArg "values"

        for name, v in values do
            let dir = Path.Combine(logDir, (mainTag + "_" + name).Replace('/', '_'))
            write dir step (Summary.Types.Value(Tag = mainTag, SimpleValue = float32 v))

    /// Logs the distribution of a tensor's values (add_histogram): `bins` equal-width buckets
    /// (default 30) between its smallest and largest finite values. NaN and infinite values are
    /// left out.
    member _.AddHistogram(tag: string, values: Tensor, step: int64, [<Optional; DefaultParameterValue(30)>] bins: int) =
        checkTag "AddHistogram" tag

        if bins < 1 then
            raise (ArgumentOutOfRangeException("bins", $"SummaryWriter.AddHistogram: bins must be at least 1; got {bins}."))

        let xs = valuesOf "AddHistogram" values |> Array.filter Double.IsFinite

        if xs.Length = 0 then
            invalidArg "values" $"SummaryWriter.AddHistogram: '{tag}' has no finite values to count (shape {Raw.shapeText values.Shape})."

        let lo, hi = Array.min xs, Array.max xs
        let width = if hi > lo then (hi - lo) / float bins else 1.0
        let counts = Array.zeroCreate<float> bins

        for x in xs do
            let i = min (bins - 1) (int ((x - lo) / width))
            counts[i] <- counts[i] + 1.0

        let h =
            HistogramProto(Min = lo, Max = hi, Num = float xs.Length, Sum = Array.sum xs, SumSquares = Array.sumBy (fun x -> x * x) xs)

        for i in 0 .. bins - 1 do
            h.BucketLimit.Add(if i = bins - 1 then hi else lo + width * float (i + 1))
            h.Bucket.Add counts[i]

        write logDir step (Summary.Types.Value(Tag = tag, Histo = h))

    /// Logs a text (Markdown) under `tag` (add_text), shown by TensorBoard's text plugin.
    member _.AddText(tag: string, text: string, step: int64) =
        checkTag "AddText" tag

        if isNull text then
            nullArg "text"

        let t = TensorProto(Dtype = DataType.DtString, TensorShape = TensorShapeProto())

        t.TensorShape.Dim.Add(TensorShapeProto.Types.Dim(Size = 1L))
        t.StringVal.Add(ByteString.CopyFromUtf8 text)

        let meta =
            SummaryMetadata(PluginData = SummaryMetadata.Types.PluginData(PluginName = "text"))

        write logDir step (Summary.Types.Value(Tag = tag, Tensor = t, Metadata = meta))

    /// Logs an image (add_image): a tensor [H, W] (gray), [C, H, W] with C = 1, 3 or 4 (PyTorch's
    /// CHW layout), values in [0, 1] (floating point, clamped) or 0..255 (uint8), encoded as PNG.
    member _.AddImage(tag: string, image: Tensor, step: int64) =
        checkTag "AddImage" tag

        if isNull (box image) then
            nullArg "image"

        let c, h, w =
            match image.Shape with
            | [| h; w |] -> 1, h, w
            | [| c; h; w |] when c = 1 || c = 3 || c = 4 -> c, h, w
            | s ->
                invalidArg
                    "image"
                    $"SummaryWriter.AddImage: an image is [H, W] or [C, H, W] with 1, 3 or 4 channels; got shape {Raw.shapeText s}."

        if h = 0 || w = 0 then
            invalidArg "image" $"SummaryWriter.AddImage: the image is empty (shape {Raw.shapeText image.Shape})."

        let v = (Tensor.toDtype Dtype.Float64 image).ToArray()
        let scale = if image.Dtype = Dtype.UInt8 then 1.0 else 255.0
        // CHW → HWC, bytes
        let pixels =
            Array.init (h * w * c) (fun k ->
                let ch = k % c
                let p = k / c
                let x = v[ch * h * w + p] * scale

                if Double.IsNaN x then
                    0uy
                else
                    byte (Math.Round(Math.Clamp(x, 0.0, 255.0))))

        let img =
            Summary.Types.Image(Height = h, Width = w, Colorspace = c, EncodedImageString = ByteString.CopyFrom(EventFile.png w h c pixels))

        write logDir step (Summary.Types.Value(Tag = tag, Image = img))

    /// Makes everything added so far visible to readers.
    member _.Flush() =
        for f in files.Values do
            f.Flush(true)

    /// Flushes and closes the event files; adding afterwards is an error.
    member this.Dispose() =
        if not disposed then
            this.Flush()

            for f in files.Values do
                f.Dispose()

            files.Clear()
            disposed <- true

    interface IDisposable with
        member this.Dispose() = this.Dispose()
