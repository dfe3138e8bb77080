/// Plot: each picture is a valid PNG or SVG of the requested size with the content it claims
/// (pixels decoded with SkiaSharp), bad input is a clear ArgumentException, writes are atomic.
module Nabla.Tests.PlotTests

open System
open System.IO
open System.Xml.Linq
open Expecto
open SkiaSharp
open Nabla
open Nabla.Tests.Check

/// A new empty folder for one test (tests run in parallel).
let private freshFolder () =
    let d =
        Path.Combine(Path.GetTempPath(), "nabla-plot-" + Guid.NewGuid().ToString "N")

    Directory.CreateDirectory d |> ignore
    d

/// Checks the PNG signature and IHDR chunk; returns (width, height).
let private pngSize (path: string) =
    let bytes = File.ReadAllBytes path
    let signature = [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |]
    Expect.isGreaterThan bytes.Length 33 "a PNG file has at least a signature and an IHDR chunk"
    Expect.sequenceEqual bytes[0..7] signature "PNG signature"
    Expect.equal (Text.Encoding.ASCII.GetString(bytes, 12, 4)) "IHDR" "the first chunk is IHDR"

    let bigEndian (i: int) =
        (int bytes[i] <<< 24)
        ||| (int bytes[i + 1] <<< 16)
        ||| (int bytes[i + 2] <<< 8)
        ||| int bytes[i + 3]

    bigEndian 16, bigEndian 20

/// The decoded pixels of a PNG file.
let private pixels (path: string) =
    use bitmap = SKBitmap.Decode path
    Expect.isNotNull bitmap "SkiaSharp decodes the PNG"
    Array2D.init bitmap.Width bitmap.Height (fun x y -> bitmap.GetPixel(x, y))

let private distinctColours (p: SKColor[,]) (x0: int) (x1: int) =
    seq {
        for x in x0 .. x1 - 1 do
            for y in 0 .. Array2D.length2 p - 1 do
                yield p[x, y]
    }
    |> Seq.distinct
    |> Seq.length

/// ScottPlot's first two palette colours (Category10): blue #1f77b4 and orange #ff7f0e.
let private isBlue (c: SKColor) =
    int c.Blue > int c.Red + 80 && int c.Blue > 120

let private isOrange (c: SKColor) =
    c.Red > 200uy && c.Green > 90uy && c.Green < 170uy && c.Blue < 90uy

let private countWhere (f: SKColor -> bool) (p: SKColor[,]) (x0: int) (x1: int) =
    let mutable n = 0

    for x in x0 .. x1 - 1 do
        for y in 0 .. Array2D.length2 p - 1 do
            if f p[x, y] then
                n <- n + 1

    n

/// Parses the SVG and checks its size and that some <text> element reads `title`.
let private checkSvg (path: string) (width: int) (height: int) (title: string) =
    let doc = XDocument.Load path
    Expect.equal doc.Root.Name.LocalName "svg" "the root element is <svg>"
    Expect.equal (doc.Root.Attribute(XName.Get "width").Value) (string width) "SVG width"
    Expect.equal (doc.Root.Attribute(XName.Get "height").Value) (string height) "SVG height"

    let texts =
        doc.Descendants()
        |> Seq.filter (fun e -> e.Name.LocalName = "text")
        |> Seq.map (fun e -> e.Value.Trim())
        |> List.ofSeq

    Expect.contains texts title "the SVG has the title text"

let private losses = Array.init 60 (fun i -> 2.0 * exp (-0.08 * float i) + 0.05)

/// Data of the seed's regression: y = sin x plus a little noise, and a "prediction" sin x.
let private regression () =
    let rnd = Random 7
    let x = Array.init 80 (fun _ -> rnd.NextDouble() * 6.0 - 3.0)
    let y = x |> Array.map (fun v -> sin v + 0.1 * (rnd.NextDouble() - 0.5))
    let pred = x |> Array.map sin
    x, y, pred

let private noTempFiles (folder: string) =
    let leftovers =
        Directory.GetFileSystemEntries folder
        |> Array.filter (fun f -> Path.GetFileName(f).StartsWith ".")

    Expect.isEmpty leftovers "no temporary file is left behind"

let private throwsArg (fragments: string list) (f: unit -> unit) =
    throwsWith<ArgumentException> fragments f

let tests =
    testList
        "Plots"
        [
            testCase "lossCurve writes a PNG of the requested size with a blue curve on it"
            <| fun () ->
                let d = freshFolder ()
                let path = Path.Combine(d, "loss.png")
                Plot.lossCurve (path, losses, title = "Training", width = 640, height = 480)
                Expect.equal (pngSize path) (640, 480) "IHDR width and height"
                let p = pixels path
                Expect.isGreaterThan (distinctColours p 0 640) 10 "not a uniform picture"
                Expect.isGreaterThan (countWhere isBlue p 0 640) 100 "the curve is drawn"
                noTempFiles d

            testCase "lossCurve writes SVG with the title, per-epoch and validation curves, and a log scale"
            <| fun () ->
                let d = freshFolder ()
                let path = Path.Combine(d, "loss.svg")
                let epochs = Array.init 6 (fun e -> losses[e * 10 .. e * 10 + 9] |> Array.average)
                let validation = epochs |> Array.map (fun v -> v * 1.1)

                Plot.lossCurve (
                    path,
                    losses,
                    epochLosses = epochs,
                    validation = validation,
                    logScale = true,
                    title = "Loss per step and epoch"
                )

                checkSvg path 600 400 "Loss per step and epoch"
                let texts = File.ReadAllText path
                Expect.stringContains texts "validation" "the legend names the validation curve"
                Expect.stringContains texts "train (per epoch)" "the legend names the per-epoch curve"

            testCase "lossCurve skips NaN and infinite losses (a diverged run) but rejects a series with no finite value"
            <| fun () ->
                let d = freshFolder ()
                let path = Path.Combine(d, "diverged.png")
                Plot.lossCurve (path, [ 1.0; 0.5; nan; 0.3; infinity ])
                Expect.equal (pngSize path) (600, 400) "written"
                throwsArg [ "Plot.lossCurve:"; "NaN or infinite" ] (fun () -> Plot.lossCurve (path, [ nan; nan ]))

            testCase "lossCurve's errors name the function and the problem"
            <| fun () ->
                let d = freshFolder ()
                let path = Path.Combine(d, "loss.png")
                throwsArg [ "Plot.lossCurve:"; "losses is empty" ] (fun () -> Plot.lossCurve (path, [||]))

                throwsArg [ "Plot.lossCurve:"; "'.jpg'"; ".png or .svg" ] (fun () -> Plot.lossCurve (Path.Combine(d, "loss.jpg"), losses))

                throwsArg [ "Plot.lossCurve:"; "no extension" ] (fun () -> Plot.lossCurve (Path.Combine(d, "loss"), losses))

                throwsArg [ "Plot.lossCurve:"; "log scale"; "0" ] (fun () -> Plot.lossCurve (path, [ 1.0; 0.0 ], logScale = true))

                throwsArg [ "Plot.lossCurve:"; "validation has 4 values but epochLosses 5" ] (fun () ->
                    Plot.lossCurve (path, losses, epochLosses = Array.create 5 1.0, validation = Array.create 4 1.0))

                throwsArg [ "Plot.lossCurve:"; "epochLosses has 61 values" ] (fun () ->
                    Plot.lossCurve (path, losses, epochLosses = Array.create 61 1.0))

                throwsArg [ "Plot.lossCurve:"; "5×400" ] (fun () -> Plot.lossCurve (path, losses, width = 5))
                Expect.isFalse (File.Exists path) "no file is written on bad input"
                noTempFiles d

            testCase "fit draws the loss curve (left) and the data with the fitted curve (right) in one PNG"
            <| fun () ->
                let d = freshFolder ()
                let path = Path.Combine(d, "fit.png")
                let x, y, pred = regression ()
                // The model's output shape [n; 1] and the inputs [n; 1], as in the seed.
                let column (a: float[]) = tensor [| a.Length; 1 |] a
                Plot.fit (path, column x, column y, column pred, losses = losses)
                Expect.equal (pngSize path) (1000, 400) "two panels: 1000 × 400 by default"
                let p = pixels path
                Expect.isGreaterThan (countWhere isBlue p 0 500) 100 "the loss curve is in the left half"
                Expect.equal (countWhere isOrange p 0 500) 0 "the left half has no fitted curve"
                Expect.isGreaterThan (countWhere isBlue p 500 1000) 100 "the data points are in the right half"
                Expect.isGreaterThan (countWhere isOrange p 500 1000) 100 "the fitted curve is in the right half"

            testCase "fit writes SVG, and two files with lossPath"
            <| fun () ->
                let d = freshFolder ()
                let x, y, pred = regression ()
                let svg = Path.Combine(d, "fit.svg")
                Plot.fit (svg, x, y, pred, losses = losses, title = "Regression fit")
                checkSvg svg 1000 400 "Regression fit"
                let fitPath = Path.Combine(d, "only-fit.png")
                let lossPath = Path.Combine(d, "only-loss.png")
                Plot.fit (fitPath, x, y, pred, losses = losses, lossPath = lossPath)
                Expect.equal (pngSize fitPath) (600, 400) "the fit alone"
                Expect.equal (pngSize lossPath) (600, 400) "the loss curve alone"
                let fit = pixels fitPath
                let loss = pixels lossPath
                Expect.isGreaterThan (countWhere isOrange fit 0 600) 100 "the fit file has the fitted curve"
                Expect.equal (countWhere isOrange loss 0 600) 0 "the loss file has no fitted curve"
                Expect.isGreaterThan (countWhere isBlue loss 0 600) 100 "the loss file has the loss curve"
                noTempFiles d

            testCase "fit's errors: mismatched lengths, NaN, bad shapes, lossPath without losses"
            <| fun () ->
                let d = freshFolder ()
                let path = Path.Combine(d, "fit.png")
                let x, y, pred = regression ()

                throwsArg [ "Plot.fit:"; "same length"; "80, 79 and 80" ] (fun () -> Plot.fit (path, x, y[1..], pred))

                throwsArg [ "Plot.fit:"; "pred has 1 NaN"; "index 3" ] (fun () -> Plot.fit (path, x, y, Array.updateAt 3 nan pred))

                throwsArg [ "Plot.fit:"; "x must be a vector"; "[4; 20]" ] (fun () ->
                    Plot.fit (path, tensor [| 4; 20 |] x, Tensor.ofArray y, Tensor.ofArray pred))

                throwsArg [ "Plot.fit:"; "x is empty" ] (fun () -> Plot.fit (path, [||], [||], [||]))

                throwsArg [ "Plot.fit:"; "lossPath" ] (fun () -> Plot.fit (path, x, y, pred, lossPath = Path.Combine(d, "l.png")))

                throwsArg [ "Plot.fit:"; "'.bmp'" ] (fun () -> Plot.fit (Path.Combine(d, "fit.bmp"), x, y, pred))
                Expect.isEmpty (Directory.GetFileSystemEntries d) "nothing written"

            testCase "histogram counts like numpy.histogram (last bin closed, values outside the range left out)"
            <| fun () ->
                // Bins over [0, 2] of width 2/3: [0, 2/3), [2/3, 4/3), [4/3, 2].
                let counts =
                    PlotKernel.histogramCounts [| 0.0; 1.0; 1.0; 2.0; 2.0; 2.0; -1.0; 3.0 |] 3 0.0 2.0

                Expect.equal counts [| 1.0; 2.0; 3.0 |] "counts per bin"

            testCase "histogram of a tensor writes PNG with bars and SVG with the title"
            <| fun () ->
                let d = freshFolder ()
                let values = Tensor.randn [| 1000 |]
                let path = Path.Combine(d, "hist.png")
                Plot.histogram (path, values, bins = 20, width = 500, height = 300)
                Expect.equal (pngSize path) (500, 300) "IHDR"
                let p = pixels path
                Expect.isGreaterThan (countWhere isBlue p 0 500) 2000 "the bars are filled"
                let svg = Path.Combine(d, "hist.svg")
                Plot.histogram (svg, values.ToArray(), title = "Weights")
                checkSvg svg 600 400 "Weights"

            testCase "histogram's errors: empty, NaN, bins, range"
            <| fun () ->
                let d = freshFolder ()
                let path = Path.Combine(d, "h.png")
                throwsArg [ "Plot.histogram:"; "values is empty" ] (fun () -> Plot.histogram (path, Array.empty<float>))

                throwsArg [ "Plot.histogram:"; "2 NaN or infinite"; "index 1" ] (fun () ->
                    Plot.histogram (path, Tensor.ofArray [| 1.0; nan; 2.0; infinity |]))

                throwsArg [ "Plot.histogram:"; "bins must be at least 1" ] (fun () -> Plot.histogram (path, [ 1.0 ], bins = 0))

                throwsArg [ "Plot.histogram:"; "low < high" ] (fun () -> Plot.histogram (path, [ 1.0 ], range = (2.0, 1.0)))

                Expect.isEmpty (Directory.GetFileSystemEntries d) "nothing written"

            testCase "imageGrid draws each value as a block of the expected gray level"
            <| fun () ->
                let d = freshFolder ()
                let path = Path.Combine(d, "grid.png")
                // Three 8×8 images with values 0 .. 191; gray = round(255 · v / 191).
                let values = Array.init 192 float
                let images = tensor [| 3; 8; 8 |] values
                Plot.imageGrid (path, images, columns = 2, titles = [ "a"; "b"; "c" ])
                let layout = PlotKernel.gridLayout 3 8 8 2 8 true ""
                // By hand: scale 8 (an 8-pixel image made at least 64 pixels), 2 columns, 4 pixels apart.
                Expect.equal layout.Width (4 + 2 * (64 + 4)) "grid width"
                Expect.equal (pngSize path) (layout.Width, layout.Height) "IHDR is the grid's size"
                let p = pixels path

                for k in 0..2 do
                    let x0, y0 = layout.TileOrigin k

                    for i in 0..7 do
                        for j in 0..7 do
                            let v = values[k * 64 + i * 8 + j]
                            let g = byte (Math.Round(255.0 * v / 191.0))

                            for dx, dy in [ 0, 0; 7, 7; 3, 4 ] do
                                let c = p[x0 + j * 8 + dx, y0 + i * 8 + dy]

                                if c.Red <> g || c.Green <> g || c.Blue <> g then
                                    failtestf "image %d pixel (%d, %d): expected gray %d, got %A" k i j g c

                // The fourth cell of the 2 × 2 grid is empty: background white.
                let x3, y3 = layout.TileOrigin 3
                Expect.equal p[x3 + 30, y3 + 30] SKColors.White "no fourth image"
                noTempFiles d

            testCase "imageGrid: vmin/vmax clamp, invert, a list of 2-D tensors, SVG with titles"
            <| fun () ->
                let d = freshFolder ()
                let a = tensor [| 2; 2 |] [| 0.0; 5.0; 10.0; 20.0 |]
                let path = Path.Combine(d, "inv.png")
                Plot.imageGrid (path, [ a; a ], vmin = 0.0, vmax = 10.0, invert = true, scale = 10)
                let layout = PlotKernel.gridLayout 2 2 2 8 10 false ""
                let p = pixels path
                let x0, y0 = layout.TileOrigin 1
                let gray (x: int) (y: int) = p[x0 + x * 10 + 5, y0 + y * 10 + 5].Red
                Expect.equal (gray 0 0) 255uy "0 is white when inverted"
                Expect.equal (gray 1 0) 127uy "5 is mid gray (255 - round(127.5))"
                Expect.equal (gray 0 1) 0uy "10 is black"
                Expect.equal (gray 1 1) 0uy "20 is clamped to vmax"
                let svg = Path.Combine(d, "grid.svg")
                let digits, labels = Nabla.Data.Datasets.digits ()
                let first = digits.[0..7] |> Tensor.reshape [| 8; 8; 8 |]
                let titles = labels.[0..7].ToArray() |> Array.map (fun l -> $"label {int l}")
                Plot.imageGrid (svg, first, titles = titles, title = "Digits", columns = 4)
                let layout = PlotKernel.gridLayout 8 8 8 4 8 true "Digits"
                checkSvg svg layout.Width layout.Height "Digits"
                Expect.stringContains (File.ReadAllText svg) "label 0" "the first image's title"

            testCase "imageGrid's errors: shapes, titles, NaN, empty"
            <| fun () ->
                let d = freshFolder ()
                let path = Path.Combine(d, "g.png")

                throwsArg [ "Plot.imageGrid:"; "[n; h; w]"; "[2; 3; 4; 5]" ] (fun () ->
                    Plot.imageGrid (path, Tensor.zeros [| 2; 3; 4; 5 |]))

                throwsArg [ "Plot.imageGrid:"; "2 titles for 3 images" ] (fun () ->
                    Plot.imageGrid (path, Tensor.zeros [| 3; 4; 4 |], titles = [ "a"; "b" ]))

                throwsArg [ "Plot.imageGrid:"; "NaN"; "image 1" ] (fun () ->
                    Plot.imageGrid (path, tensor [| 2; 1; 2 |] [| 0.0; 1.0; nan; 1.0 |]))

                throwsArg [ "Plot.imageGrid:"; "same shape"; "image 1" ] (fun () ->
                    Plot.imageGrid (path, [ Tensor.zeros [| 2; 2 |]; Tensor.zeros [| 3; 2 |] ]))

                throwsArg [ "Plot.imageGrid:"; "images is empty" ] (fun () -> Plot.imageGrid (path, List.empty<Tensor>))
                throwsArg [ "Plot.imageGrid:"; "no pixel" ] (fun () -> Plot.imageGrid (path, Tensor.zeros [| 0; 4; 4 |]))
                Expect.isEmpty (Directory.GetFileSystemEntries d) "nothing written"

            testCase "writes are atomic: a failed call leaves the previous file intact and no temporary file"
            <| fun () ->
                let d = freshFolder ()
                let path = Path.Combine(d, "loss.png")
                Plot.lossCurve (path, losses)
                let before = File.ReadAllBytes path
                throwsArg [ "Plot.lossCurve:" ] (fun () -> Plot.lossCurve (path, [ nan ]))
                Expect.sequenceEqual (File.ReadAllBytes path) before "the old file is untouched by bad input"
                // Replacing works; a write that fails at the rename (the target is a folder) cleans up.
                Plot.lossCurve (path, losses, width = 300, height = 200)
                Expect.equal (pngSize path) (300, 200) "the file is replaced"
                let folderTarget = Path.Combine(d, "taken.png")
                Directory.CreateDirectory folderTarget |> ignore

                let failed =
                    try
                        Plot.lossCurve (folderTarget, losses)
                        false
                    with
                    | :? IOException
                    | :? UnauthorizedAccessException -> true

                Expect.isTrue failed "writing over a folder fails"
                Expect.isTrue (Directory.Exists folderTarget) "the folder is untouched"

                Expect.sequenceEqual
                    (Directory.GetFileSystemEntries d |> Array.map Path.GetFileName |> Array.sort)
                    [| "loss.png"; "taken.png" |]
                    "only the picture and the folder"
                // A missing folder is created.
                let nested = Path.Combine(d, "out", "sub", "h.png")
                Plot.histogram (nested, [ 1.0; 2.0; 2.0 ])
                Expect.equal (pngSize nested) (600, 400) "written into a new folder"
        ]
