/// SummaryWriter: TensorBoard event files read back record by record (framing and CRC-32C
/// checked independently of the writer), scalars, scalar groups, histograms, text, images, and
/// the Trainer's logging.
module Nabla.Tests.TensorBoardTests

open System
open System.IO
open System.IO.Compression
open Expecto
open Nabla
open Nabla.NN
open Nabla.Training
open Nabla.Tests.Check

/// CRC-32C written out bit by bit (not table-driven, unlike the writer's).
let private crc32c (data: byte[]) =
    let mutable c = 0xFFFFFFFFu

    for b in data do
        c <- c ^^^ uint32 b

        for _ in 0..7 do
            c <- if c &&& 1u = 1u then (c >>> 1) ^^^ 0x82F63B78u else c >>> 1

    ~~~c

let private masked (crc: uint32) =
    ((crc >>> 15) ||| (crc <<< 17)) + 0xa282ead8u

/// The events of one file, checking each record's length and data CRCs.
let private readEvents (path: string) =
    let bytes = File.ReadAllBytes path
    let mutable pos = 0

    [
        while pos < bytes.Length do
            let header = bytes[pos .. pos + 7]
            let length = int (BitConverter.ToUInt64(header, 0))
            Expect.equal (BitConverter.ToUInt32(bytes, pos + 8)) (masked (crc32c header)) "length CRC"
            let data = bytes[pos + 12 .. pos + 12 + length - 1]
            Expect.equal (BitConverter.ToUInt32(bytes, pos + 12 + length)) (masked (crc32c data)) "data CRC"
            pos <- pos + 16 + length
            Tensorboard.Event.Parser.ParseFrom data
    ]

let private eventFiles (dir: string) =
    Directory.GetFiles(dir, "events.out.tfevents.*", SearchOption.TopDirectoryOnly)

/// The one event file of a run directory.
let private firstFile (dir: string) =
    let files = eventFiles dir
    Expect.equal files.Length 1 $"one event file in {dir}"
    files[0]

let private withDir (f: string -> unit) =
    let dir = Directory.CreateTempSubdirectory "nabla-tb-"

    try
        f dir.FullName
    finally
        dir.Delete true

/// (tag, step, value) of every scalar in a file.
let private scalars (path: string) =
    readEvents path
    |> List.filter (fun e -> not (isNull e.Summary))
    |> List.collect (fun e ->
        [
            for v in e.Summary.Value do
                if v.ValueCase = Tensorboard.Summary.Types.Value.ValueOneofCase.SimpleValue then
                    v.Tag, e.Step, float v.SimpleValue
        ])

let tests =
    testSequenced
    <| testList
        "TensorBoard"
        [
            test "scalars: one event file, TensorBoard's version record first, every value with its tag and step" {
                withDir (fun dir ->
                    do
                        use w = new SummaryWriter(dir)
                        w.AddScalar("loss/train", 0.5, 1L)
                        w.AddScalar("loss/train", 0.25, 2L)
                        w.AddScalar("accuracy", 0.75, 2L)

                    let files = eventFiles dir
                    Expect.equal files.Length 1 "one file"
                    let events = readEvents files[0]
                    Expect.equal events.Head.FileVersion "brain.Event:2" "version record"
                    Expect.equal (scalars files[0]) [ "loss/train", 1L, 0.5; "loss/train", 2L, 0.25; "accuracy", 2L, 0.75 ] "scalars"
                    Expect.isTrue (events |> List.forall (fun e -> e.WallTime > 1.6e9)) "wall times are Unix seconds")
            }

            test "Flush makes the events readable while the writer is open" {
                withDir (fun dir ->
                    use w = new SummaryWriter(dir)
                    w.AddScalar("x", 1.0, 0L)
                    w.Flush()
                    Expect.equal (scalars (firstFile dir)) [ "x", 0L, 1.0 ] "flushed")
            }

            test "AddScalars writes each series to its own sub-run under the main tag, as PyTorch does" {
                withDir (fun dir ->
                    do
                        use w = new SummaryWriter(dir)
                        w.AddScalars("loss", [ "train", 0.5; "validation", 0.625 ], 3L)

                    for name, value in [ "train", 0.5; "validation", 0.625 ] do
                        let sub = Path.Combine(dir, "loss_" + name)
                        Expect.isTrue (Directory.Exists sub) sub
                        Expect.equal (scalars (firstFile sub)) [ "loss", 3L, value ] name)
            }

            test "histograms count every finite value once, in equal-width buckets" {
                withDir (fun dir ->
                    let values = Tensor.ofArray [| 0.0; 1.0; 1.5; 2.0; 4.0; nan; infinity |]

                    do
                        use w = new SummaryWriter(dir)
                        w.AddHistogram("weights", values, 7L, bins = 4)

                    let e = readEvents (firstFile dir) |> List.last
                    let h = e.Summary.Value[0].Histo
                    Expect.equal e.Step 7L "step"
                    Expect.equal (h.Min, h.Max, h.Num) (0.0, 4.0, 5.0) "min, max, count"
                    Expect.equal (List.ofSeq h.Bucket) [ 1.0; 2.0; 1.0; 1.0 ] "buckets [0, 1), [1, 2), [2, 3), [3, 4]"
                    Expect.equal (List.ofSeq h.BucketLimit) [ 1.0; 2.0; 3.0; 4.0 ] "limits"
                    closeWith 1e-12 1e-12 "sum, sum of squares" [| h.Sum; h.SumSquares |] [| 8.5; 23.25 |])
            }

            test "text goes to TensorBoard's text plugin" {
                withDir (fun dir ->
                    do
                        use w = new SummaryWriter(dir)
                        w.AddText("notes", "**Adam**, lr 0.01", 0L)

                    let v = (readEvents (firstFile dir) |> List.last).Summary.Value[0]
                    Expect.equal v.Metadata.PluginData.PluginName "text" "plugin"
                    Expect.equal (v.Tensor.StringVal[0].ToStringUtf8()) "**Adam**, lr 0.01" "text")
            }

            test "images are PNGs of the tensor's pixels (CHW, values in [0, 1])" {
                withDir (fun dir ->
                    // 2 rows, 3 columns, RGB: red ramps along x, green is the row, blue is 1
                    let image =
                        Tensor.ofArray
                            [|
                                0.0
                                0.5
                                1.0
                                0.0
                                0.5
                                1.0 // red
                                0.0
                                0.0
                                0.0
                                1.0
                                1.0
                                1.0 // green
                                1.0
                                1.0
                                1.0
                                1.0
                                1.0
                                1.0
                            |] // blue
                        |> Tensor.reshape [| 3; 2; 3 |]

                    do
                        use w = new SummaryWriter(dir)
                        w.AddImage("sample", image, 5L)

                    let img = (readEvents (firstFile dir) |> List.last).Summary.Value[0].Image
                    Expect.equal (img.Height, img.Width, img.Colorspace) (2, 3, 3) "size and channels"
                    let png = img.EncodedImageString.ToByteArray()
                    Expect.equal png[0..7] [| 137uy; 80uy; 78uy; 71uy; 13uy; 10uy; 26uy; 10uy |] "PNG signature"
                    // the IDAT chunk, inflated: a filter byte then RGB triples per row
                    let idat = png |> Array.windowed 4 |> Array.findIndex (fun w -> w = "IDAT"B)
                    let length = BitConverter.ToInt32(Array.rev png[idat - 4 .. idat - 1], 0)

                    use z =
                        new ZLibStream(new MemoryStream(png[idat + 4 .. idat + 3 + length]), CompressionMode.Decompress)

                    use raw = new MemoryStream()
                    z.CopyTo raw

                    Expect.equal
                        (raw.ToArray())
                        [|
                            0uy
                            0uy
                            0uy
                            255uy
                            128uy
                            0uy
                            255uy
                            255uy
                            0uy
                            255uy
                            0uy
                            0uy
                            255uy
                            255uy
                            128uy
                            255uy
                            255uy
                            255uy
                            255uy
                            255uy
                        |]
                        "pixels")
            }

            test "bad input and use after Dispose are clear errors" {
                withDir (fun dir ->
                    let w = new SummaryWriter(dir)
                    throwsWith<ArgumentException> [ "SummaryWriter.AddScalar"; "tag" ] (fun () -> w.AddScalar("", 1.0, 0L))

                    throwsWith<ArgumentException> [ "SummaryWriter.AddImage"; "[2, 2, 2, 2]" ] (fun () ->
                        w.AddImage("x", Tensor.zeros [| 2; 2; 2; 2 |], 0L))

                    throwsWith<ArgumentException> [ "SummaryWriter.AddHistogram"; "no finite values" ] (fun () ->
                        w.AddHistogram("x", Tensor.ofArray [| nan |], 0L))

                    w.Dispose()
                    throwsWith<ObjectDisposedException> [ "SummaryWriter"; "disposed" ] (fun () -> w.AddScalar("x", 1.0, 0L)))
            }

            test "the Trainer logs each step's loss and each epoch's loss, gradient norm, learning rate and validation" {
                withDir (fun dir ->
                    let x =
                        Tensor.Randn([| 20; 2 |], dtype = Dtype.Float64, generator = Random.generator 2)

                    let y = Tensor.sumDims [| 1 |] true x
                    let model = Linear(2, 1, dtype = Dtype.Float64)
                    let opt = Optim.SGD(model.Parameters(), lr = 0.1)

                    let fit =
                        use w = new SummaryWriter(dir)

                        Trainer(model, opt, Loss.mse, writer = w, progress = ProgressDisplay.Silent)
                            .Fit([ x.[0..9, *], y.[0..9, *]; x.[10..19, *], y.[10..19, *] ], 3, validation = [ x, y ])

                    let logged = scalars (firstFile dir)

                    let series tag =
                        logged |> List.filter (fun (t, _, _) -> t = tag)

                    Expect.equal (series "train/loss_step" |> List.map (fun (_, s, _) -> s)) [ 0L .. 5L ] "6 steps"

                    for tag in [ "train/loss"; "train/grad_norm"; "train/learning_rate"; "validation/loss" ] do
                        Expect.equal (series tag |> List.map (fun (_, s, _) -> s)) [ 1L; 2L; 3L ] tag

                    let fromHistory = fit.History |> List.map (fun e -> float32 e.TrainLoss |> float)
                    Expect.equal (series "train/loss" |> List.map (fun (_, _, v) -> v)) fromHistory "epoch losses (float32)")
            }
        ]
