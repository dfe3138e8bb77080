namespace Nabla

open System
open System.IO
open SkiaSharp

/// Everything behind `Plot`: checking the data, drawing with ScottPlot (charts) or SkiaSharp
/// (image grids), and writing the file. ScottPlot's and SkiaSharp's types stay in here, so no
/// public signature of Nabla mentions them.
module internal PlotKernel =

    type Format =
        | Png
        | Svg

    /// The picture's format from the path's extension (case-insensitive).
    let format (op: string) (path: string) =
        if String.IsNullOrWhiteSpace path then
            invalidArg "path" $"{op}: the path is empty; give a file name ending in .png or .svg."

        match Path.GetExtension(path).ToLowerInvariant() with
        | ".png" -> Png
        | ".svg" -> Svg
        | "" -> invalidArg "path" $"{op}: the path '{path}' has no extension; end it in .png or .svg (the format follows the extension)."
        | ext -> invalidArg "path" $"{op}: unknown file extension '{ext}' in '{path}'; use .png or .svg (the format follows the extension)."

    let checkSize (op: string) (width: int) (height: int) =
        if width < 16 || height < 16 || width > 20000 || height > 20000 then
            invalidArg
                "width"
                $"{op}: the picture size {width}×{height} pixels is out of range; width and height must be between 16 and 20000."

    /// Writes `bytes` to `path` through a temporary file in the same folder, flushed to disk and
    /// then renamed over `path`: readers never see a half-written picture, and a failure leaves
    /// the previous file (if any) as it was and no temporary file behind. Creates the folder if
    /// it is missing.
    let writeAtomically (path: string) (bytes: byte[]) =
        let full = Path.GetFullPath path
        let folder = Path.GetDirectoryName full
        Directory.CreateDirectory folder |> ignore

        let temp = Path.Combine(folder, $".{Path.GetFileName full}.{Guid.NewGuid():N}.tmp")

        try
            do
                use stream =
                    new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None)

                stream.Write(bytes, 0, bytes.Length)
                stream.Flush true

            File.Move(temp, full, true)
        with _ ->
            (try
                File.Delete temp
             with _ ->
                 ())

            reraise ()

    /// Draws a width × height picture on a white background and encodes it as PNG or SVG.
    let render (format: Format) (width: int) (height: int) (draw: SKCanvas -> unit) : byte[] =
        match format with
        | Png ->
            use surface = SKSurface.Create(SKImageInfo(width, height))

            if isNull surface then
                invalidOp $"Plot: SkiaSharp could not make a {width}×{height} drawing surface."

            surface.Canvas.Clear SKColors.White
            draw surface.Canvas
            surface.Canvas.Flush()
            use image = surface.Snapshot()
            use data = image.Encode(SKEncodedImageFormat.Png, 100)
            data.ToArray()
        | Svg ->
            use memory = new MemoryStream()

            do
                // The SVG document is complete once the canvas is disposed.
                use canvas =
                    SKSvgCanvas.Create(SKRect(0f, 0f, float32 width, float32 height), memory)

                use paint = new SKPaint(Color = SKColors.White, Style = SKPaintStyle.Fill)
                canvas.DrawRect(SKRect(0f, 0f, float32 width, float32 height), paint)
                draw canvas

            memory.ToArray()

    /// A sans-serif family installed here, if any (ScottPlot's own fallback may pick a serif one).
    let fontFamily: Lazy<string option> =
        lazy
            (let installed = set (SKFontManager.Default.GetFontFamilies())

             [ "DejaVu Sans"; "Liberation Sans"; "Arial"; "Helvetica"; "Noto Sans" ]
             |> List.tryFind installed.Contains)

    // ------------------------------------------------------------------ checking the data

    let values (op: string) (name: string) (data: seq<float>) : float[] =
        if isNull (box data) then
            raise (ArgumentNullException(name, $"{op}: {name} is null."))

        Seq.toArray data

    let nonEmpty (op: string) (name: string) (data: float[]) =
        if data.Length = 0 then
            invalidArg name $"{op}: {name} is empty; there is nothing to plot."

    /// Every value must be finite; names the first offender.
    let allFinite (op: string) (name: string) (data: float[]) =
        match Array.tryFindIndex (fun v -> Double.IsNaN v || Double.IsInfinity v) data with
        | Some i ->
            let bad = data |> Array.filter (fun v -> Double.IsNaN v || Double.IsInfinity v)

            invalidArg
                name
                $"{op}: {name} has {bad.Length} NaN or infinite value(s) (the first, {data[i]}, at index {i}); remove them or fix what produced them."
        | None -> ()

    /// A tensor's values as float, flattened. `vector` demands [n] or [n; 1] (or [1; n]).
    let tensorValues (op: string) (name: string) (vector: bool) (t: Tensor) : float[] =
        if isNull (box t) then
            raise (ArgumentNullException(name, $"{op}: {name} is null."))

        let shape = t.Shape

        if vector && (shape |> Array.filter (fun d -> d <> 1)).Length > 1 then
            let text = shape |> Array.map string |> String.concat "; "

            invalidArg name $"{op}: {name} must be a vector of shape [n] or [n; 1]; got shape [{text}]."

        t.ToArray()

    // ------------------------------------------------------------------ charts (ScottPlot)

    let newPlot (title: string) (xLabel: string) (yLabel: string) =
        let plot = new ScottPlot.Plot()
        fontFamily.Value |> Option.iter (fun f -> plot.Font.Set f |> ignore)

        if not (String.IsNullOrEmpty title) then
            plot.Title title |> ignore

        if not (String.IsNullOrEmpty xLabel) then
            plot.XLabel xLabel |> ignore

        if not (String.IsNullOrEmpty yLabel) then
            plot.YLabel yLabel |> ignore

        plot

    /// Draws the plots side by side, in equal columns, filling the canvas.
    let drawPlots (plots: ScottPlot.Plot list) (width: int) (height: int) (canvas: SKCanvas) =
        let multiplot = ScottPlot.Multiplot(List.head plots)

        for p in List.tail plots do
            ScottPlot.IMultiplotExtensions.AddPlot(multiplot, p) |> ignore

        multiplot.Layout <- ScottPlot.MultiplotLayouts.Columns()
        multiplot.Render(canvas, ScottPlot.PixelRect(0f, float32 width, float32 height, 0f))

    /// Renders the plots side by side, disposes them, and writes the picture to `path`.
    let writePlots (path: string) (format: Format) (width: int) (height: int) (plots: ScottPlot.Plot list) =
        let bytes =
            try
                render format width height (drawPlots plots width height)
            finally
                for p in plots do
                    p.Dispose()

        writeAtomically path bytes

    /// The points of a loss series with a finite value, kept as (x, y) pairs.
    let finitePoints (xs: float[]) (ys: float[]) =
        Array.zip xs ys
        |> Array.filter (fun (_, y) -> not (Double.IsNaN y || Double.IsInfinity y))

    /// The data for a loss curve, checked: (label, xs, ys, markers) for each series.
    type LossSeries =
        {
            Label: string
            Xs: float[]
            Ys: float[]
            Markers: bool
        }

    let lossSeries
        (op: string)
        (losses: float[])
        (validation: float[] option)
        (epochLosses: float[] option)
        (logScale: bool)
        : LossSeries list =
        nonEmpty op "losses" losses
        let n = losses.Length
        // Per-epoch values sit at the end of each epoch on the step axis: epoch e of E ends at e·n/E.
        let atEpochEnds (name: string) (count: int) =
            if count > n then
                invalidArg name $"{op}: {name} has {count} values but losses only {n}; per-epoch values cannot outnumber the steps."

            Array.init count (fun e -> float (e + 1) * float n / float count)

        let steps = Array.init n (fun i -> float (i + 1))

        let series (name: string) (label: string) (xs: float[]) (ys: float[]) (markers: bool) =
            nonEmpty op name ys
            let points = finitePoints xs ys

            if points.Length = 0 then
                invalidArg name $"{op}: all {ys.Length} values of {name} are NaN or infinite; there is nothing to plot."

            if logScale then
                match points |> Array.tryFind (fun (_, y) -> y <= 0.0) with
                | Some(x, y) ->
                    invalidArg
                        name
                        $"{op}: {name} has the value {y} (at position {x}); a log scale needs positive values. Use logScale = false."
                | None -> ()

            {
                Label = label
                Xs = Array.map fst points
                Ys = Array.map snd points
                Markers = markers || points.Length <= 30
            }

        let perEpoch =
            epochLosses
            |> Option.map (fun e -> series "epochLosses" "train (per epoch)" (atEpochEnds "epochLosses" e.Length) e true)

        let validationSeries =
            validation
            |> Option.map (fun v ->
                match epochLosses with
                | Some e when v.Length <> e.Length ->
                    invalidArg
                        "validation"
                        $"{op}: validation has {v.Length} values but epochLosses {e.Length}; give one validation loss per epoch."
                | _ when v.Length = n && epochLosses.IsNone -> series "validation" "validation" steps v false
                | _ -> series "validation" "validation" (atEpochEnds "validation" v.Length) v true)

        let train =
            series "losses" (if perEpoch.IsSome then "train (per step)" else "train") steps losses false

        [ Some train; perEpoch; validationSeries ] |> List.choose id

    /// A log10 axis: the data is plotted as log10 values, ticks at powers of ten labelled with
    /// the values, the limits widened to whole decades so that at least two ticks are labelled.
    let useLogY (plot: ScottPlot.Plot) (logLow: float) (logHigh: float) =
        let ticks = ScottPlot.TickGenerators.NumericAutomatic()
        ticks.MinorTickGenerator <- ScottPlot.TickGenerators.LogMinorTickGenerator()
        ticks.IntegerTicksOnly <- true
        ticks.LabelFormatter <- Func<float, string>(fun y -> (10.0 ** y).ToString("G4", Globalization.CultureInfo.InvariantCulture))
        plot.Axes.Left.TickGenerator <- ticks
        plot.Axes.AutoScale()
        let low = floor logLow
        let high = max (ceil logHigh) (low + 1.0)
        plot.Axes.SetLimitsY(low, high)

    let lossPlot (series: LossSeries list) (logScale: bool) (title: string) (xLabel: string) (yLabel: string) =
        let plot = newPlot title xLabel yLabel
        let y (v: float) = if logScale then log10 v else v

        for s in series do
            let scatter = plot.Add.Scatter(s.Xs, Array.map y s.Ys)
            // A legend text makes ScottPlot show the legend: only when there is more than one curve.
            if series.Length > 1 then
                scatter.LegendText <- s.Label

            scatter.MarkerSize <- if s.Markers then 5f else 0f

        // Steps and epochs are whole numbers.
        let stepTicks = ScottPlot.TickGenerators.NumericAutomatic()
        stepTicks.IntegerTicksOnly <- true
        plot.Axes.Bottom.TickGenerator <- stepTicks

        if logScale then
            let all = series |> List.collect (fun s -> List.ofArray s.Ys)
            useLogY plot (log10 (List.min all)) (log10 (List.max all))

        // Loss curves fall: the upper right corner is where the legend hides the least.
        if series.Length > 1 then
            plot.ShowLegend(ScottPlot.Alignment.UpperRight) |> ignore

        plot

    /// The data and the fitted curve (drawn through the predictions in increasing x).
    let fitPlot (x: float[]) (y: float[]) (pred: float[]) (title: string) (xLabel: string) (yLabel: string) =
        let plot = newPlot title xLabel yLabel
        let data = plot.Add.ScatterPoints(x, y)
        data.LegendText <- "data"
        let order = Array.init x.Length id |> Array.sortBy (fun i -> x[i])

        let curve =
            plot.Add.ScatterLine(order |> Array.map (fun i -> x[i]), order |> Array.map (fun i -> pred[i]))

        curve.LegendText <- "fit"
        curve.LineWidth <- 2f
        plot.ShowLegend() |> ignore
        plot

    /// numpy.histogram's counts: `bins` equal bins over [low, high], the last one closed; values
    /// outside are not counted.
    let histogramCounts (data: float[]) (bins: int) (low: float) (high: float) =
        let counts = Array.zeroCreate<float> bins
        let width = (high - low) / float bins

        for v in data do
            if v >= low && v <= high then
                let i = min (bins - 1) (int ((v - low) / width))
                counts[i] <- counts[i] + 1.0

        counts

    let histogramPlot (data: float[]) (bins: int) (low: float) (high: float) (title: string) (xLabel: string) (yLabel: string) =
        let plot = newPlot title xLabel yLabel
        let counts = histogramCounts data bins low high
        let width = (high - low) / float bins
        let centres = Array.init bins (fun i -> low + (float i + 0.5) * width)
        let bars = plot.Add.Bars(centres, counts)

        for bar in bars.Bars do
            bar.Size <- width
            bar.LineWidth <- 0.5f

        plot.Axes.Margins(bottom = 0.0) |> ignore
        plot

    // ------------------------------------------------------------------ image grids (SkiaSharp)

    /// Where everything of an image grid goes, in pixels.
    type GridLayout =
        {
            Width: int
            Height: int
            Columns: int
            Rows: int
            /// Pixels per image value (each value is a square of Scale × Scale pixels).
            Scale: int
            TileWidth: int
            TileHeight: int
            Padding: int
            /// Height of the band above each tile holding its title (0 without titles).
            TitleBand: int
            /// Height of the band at the top holding the grid's title (0 without one).
            Header: int
            /// Left edge of the first column (the grid is centred when the title is wider).
            Left: int
        }

        /// The top-left pixel of image `index` (row-major order).
        member l.TileOrigin(index: int) =
            let r, c = index / l.Columns, index % l.Columns
            let x = l.Left + c * (l.TileWidth + l.Padding)

            let y =
                l.Header
                + l.Padding
                + r * (l.TitleBand + l.TileHeight + l.Padding)
                + l.TitleBand

            x, y

    let tileFontSize = 12f
    let headerFontSize = 16f

    /// The typeface of image-grid captions, made once and kept for the process.
    let private face: Lazy<SKTypeface> =
        lazy
            (match fontFamily.Value with
             | Some f -> SKTypeface.FromFamilyName f
             | None -> SKTypeface.Default)

    let typeface () = face.Value

    let gridLayout (count: int) (h: int) (w: int) (columns: int) (scale: int) (titled: bool) (title: string) =
        let padding = 4
        let columns = min columns count
        let rows = (count + columns - 1) / columns
        let titleBand = if titled then int tileFontSize + 6 else 0

        let header =
            if String.IsNullOrEmpty title then
                0
            else
                int headerFontSize + 12

        let gridWidth = padding + columns * (w * scale + padding)

        let titleWidth =
            if String.IsNullOrEmpty title then
                0
            else
                use font = new SKFont(typeface (), headerFontSize)
                int (ceil (font.MeasureText title)) + 2 * padding

        let width = max gridWidth titleWidth

        {
            Width = width
            Height = header + padding + rows * (titleBand + h * scale + padding)
            Columns = columns
            Rows = rows
            Scale = scale
            TileWidth = w * scale
            TileHeight = h * scale
            Padding = padding
            TitleBand = titleBand
            Header = header
            Left = (width - gridWidth) / 2 + padding
        }

    /// The gray level (0 black .. 255 white) of a value between vmin and vmax.
    let grayLevel (vmin: float) (vmax: float) (invert: bool) (v: float) =
        let t =
            if vmax > vmin then
                Math.Clamp((v - vmin) / (vmax - vmin), 0.0, 1.0)
            else
                0.0

        let g = byte (Math.Round(255.0 * t))
        if invert then 255uy - g else g

    let drawGrid
        (layout: GridLayout)
        (images: float[][])
        (h: int)
        (w: int)
        (titles: string[] option)
        (title: string)
        (gray: float -> byte)
        (canvas: SKCanvas)
        =
        use paint = new SKPaint(IsAntialias = false, Style = SKPaintStyle.Fill)
        use textPaint = new SKPaint(IsAntialias = true, Color = SKColors.Black)
        use tileFont = new SKFont(typeface (), tileFontSize)
        use headerFont = new SKFont(typeface (), headerFontSize)

        if not (String.IsNullOrEmpty title) then
            canvas.DrawText(title, float32 layout.Width / 2f, float32 layout.Header - 8f, SKTextAlign.Center, headerFont, textPaint)

        images
        |> Array.iteri (fun k image ->
            let x0, y0 = layout.TileOrigin k

            for i in 0 .. h - 1 do
                for j in 0 .. w - 1 do
                    let g = gray image[i * w + j]
                    paint.Color <- SKColor(g, g, g)
                    let x = float32 (x0 + j * layout.Scale)
                    let y = float32 (y0 + i * layout.Scale)
                    canvas.DrawRect(SKRect(x, y, x + float32 layout.Scale, y + float32 layout.Scale), paint)

            match titles with
            | Some t when not (String.IsNullOrEmpty t[k]) ->
                let cx = float32 x0 + float32 layout.TileWidth / 2f
                canvas.DrawText(t[k], cx, float32 y0 - 5f, SKTextAlign.Center, tileFont, textPaint)
            | _ -> ())

    /// Checks the options of an image grid and writes it (see `Plot.imageGrid`).
    let imageGrid
        (path: string)
        (images: float[][])
        (h: int)
        (w: int)
        (columns: int option)
        (titles: seq<string> option)
        (title: string option)
        (scale: int option)
        (vmin: float option)
        (vmax: float option)
        (invert: bool option)
        =
        let op = "Plot.imageGrid"
        let format = format op path
        let n = images.Length
        let columns = defaultArg columns (min n 8)

        if columns < 1 then
            invalidArg "columns" $"{op}: columns must be at least 1; got {columns}."

        let longer = max h w
        let scale = defaultArg scale (max 1 ((64 + longer - 1) / longer))

        if scale < 1 || scale * longer > 4096 then
            invalidArg "scale" $"{op}: scale must be at least 1 and keep an image within 4096 pixels; got {scale} for images of {h}×{w}."

        let titles =
            titles
            |> Option.map (fun t ->
                if isNull (box t) then
                    raise (ArgumentNullException("titles", $"{op}: titles is null."))

                let t = Seq.toArray t

                if t.Length <> n then
                    invalidArg "titles" $"{op}: {t.Length} titles for {n} images; give one title per image."

                t)

        images |> Array.iteri (fun k image -> allFinite op $"images (image {k})" image)
        let all = Array.concat images
        let vmin = defaultArg vmin (Array.min all)
        let vmax = defaultArg vmax (Array.max all)

        if Double.IsNaN vmin || Double.IsNaN vmax || vmin > vmax then
            invalidArg "vmin" $"{op}: vmin ({vmin}) must not exceed vmax ({vmax})."

        let title = defaultArg title ""
        let layout = gridLayout n h w columns scale titles.IsSome title

        if layout.Width > 20000 || layout.Height > 20000 then
            invalidArg
                "images"
                $"{op}: the grid would be {layout.Width}×{layout.Height} pixels (over 20000); use a smaller scale, more columns or fewer images."

        let gray = grayLevel vmin vmax (defaultArg invert false)

        render format layout.Width layout.Height (drawGrid layout images h w titles title gray)
        |> writeAtomically path

/// Pictures of what training does, written as PNG or SVG files (the format follows the path's
/// extension, .png or .svg) with ScottPlot, headless: loss curves, the fitted curve over the data,
/// histograms of a tensor's values, and grids of small images. Each call writes its file
/// atomically (a temporary file in the same folder, renamed when complete: a failure leaves any
/// previous file intact) and creates the folder when it is missing. Bad input raises an
/// ArgumentException whose message starts with the function's name.
[<AbstractClass; Sealed>]
type Plot =

    /// A loss curve, `losses` (one per step, or per epoch; x runs 1 .. n) against their index,
    /// written to `path` (.png or .svg).
    /// `epochLosses`: per-epoch training losses drawn with markers at the end of each epoch on
    /// the same axis (with E epochs over n steps, epoch e ends at step e·n/E).
    /// `validation`: validation losses, either one per entry of `losses` (drawn beside them) or
    /// one per epoch (drawn at the epoch ends; as many as `epochLosses` when that is given).
    /// NaN or infinite losses (a diverged run) are left out of the curve; a series with no
    /// finite value is an error. `logScale` (default false): a log10 y axis (every finite value
    /// must then be positive). `title` (default "Training loss"), `xLabel` (default "step"),
    /// `yLabel` (default "loss"), `width` × `height` in pixels (default 600 × 400).
    static member lossCurve
        (
            path: string,
            losses: seq<float>,
            ?validation: seq<float>,
            ?epochLosses: seq<float>,
            ?logScale: bool,
            ?title: string,
            ?xLabel: string,
            ?yLabel: string,
            ?width: int,
            ?height: int
        ) : unit =
        let op = "Plot.lossCurve"
        let format = PlotKernel.format op path
        let width, height = defaultArg width 600, defaultArg height 400
        PlotKernel.checkSize op width height
        let logScale = defaultArg logScale false

        let series =
            PlotKernel.lossSeries
                op
                (PlotKernel.values op "losses" losses)
                (validation |> Option.map (PlotKernel.values op "validation"))
                (epochLosses |> Option.map (PlotKernel.values op "epochLosses"))
                logScale

        let plot =
            PlotKernel.lossPlot series logScale (defaultArg title "Training loss") (defaultArg xLabel "step") (defaultArg yLabel "loss")

        PlotKernel.writePlots path format width height [ plot ]

    /// The fitted curve over the data: a scatter of (`x`, `y`) and the model's predictions
    /// `pred` at the same `x`, drawn as a line in increasing x. `x`, `y`, `pred`: tensors of
    /// shape [n] or [n; 1] (a model's output) with the same n, finite values.
    /// With `losses`, the picture has two panels side by side, as in the seed's figure: the loss
    /// curve on the left, the fit on the right (default size 1000 × 400; 600 × 400 for one panel).
    /// With `lossPath` as well, the two panels go to two files instead: the loss curve to
    /// `lossPath` and the fit to `path` (each `width` × `height`, default 600 × 400).
    /// The loss panel's x axis is labelled "epoch" (one loss per epoch, as in the seed).
    /// `logScale` (default false): a log y axis for the loss curve. `title` (default "Fit"),
    /// `lossTitle` (default "Training loss"), `xLabel` (default "x"), `yLabel` (default "y").
    static member fit
        (
            path: string,
            x: Tensor,
            y: Tensor,
            pred: Tensor,
            ?losses: seq<float>,
            ?lossPath: string,
            ?logScale: bool,
            ?title: string,
            ?lossTitle: string,
            ?xLabel: string,
            ?yLabel: string,
            ?width: int,
            ?height: int
        ) : unit =
        let op = "Plot.fit"
        let xs = PlotKernel.tensorValues op "x" true x
        let ys = PlotKernel.tensorValues op "y" true y
        let ps = PlotKernel.tensorValues op "pred" true pred

        Plot.fit (
            path,
            xs,
            ys,
            ps,
            ?losses = losses,
            ?lossPath = lossPath,
            ?logScale = logScale,
            ?title = title,
            ?lossTitle = lossTitle,
            ?xLabel = xLabel,
            ?yLabel = yLabel,
            ?width = width,
            ?height = height
        )

    /// As `fit` over tensors, for float arrays `x`, `y`, `pred` of the same length.
    static member fit
        (
            path: string,
            x: float[],
            y: float[],
            pred: float[],
            ?losses: seq<float>,
            ?lossPath: string,
            ?logScale: bool,
            ?title: string,
            ?lossTitle: string,
            ?xLabel: string,
            ?yLabel: string,
            ?width: int,
            ?height: int
        ) : unit =
        let op = "Plot.fit"
        let format = PlotKernel.format op path
        let lossFormat = lossPath |> Option.map (PlotKernel.format op)
        let xs = PlotKernel.values op "x" x
        let ys = PlotKernel.values op "y" y
        let ps = PlotKernel.values op "pred" pred
        PlotKernel.nonEmpty op "x" xs

        if ys.Length <> xs.Length || ps.Length <> xs.Length then
            invalidArg "y" $"{op}: x, y and pred must have the same length; got {xs.Length}, {ys.Length} and {ps.Length}."

        PlotKernel.allFinite op "x" xs
        PlotKernel.allFinite op "y" ys
        PlotKernel.allFinite op "pred" ps

        if lossPath.IsSome && losses.IsNone then
            invalidArg "lossPath" $"{op}: lossPath is given but losses is not; pass the losses to draw there."

        let logScale = defaultArg logScale false
        let title = defaultArg title "Fit"
        let xLabel, yLabel = defaultArg xLabel "x", defaultArg yLabel "y"

        let lossPlot () =
            let series =
                PlotKernel.lossSeries op (PlotKernel.values op "losses" losses.Value) None None logScale

            PlotKernel.lossPlot series logScale (defaultArg lossTitle "Training loss") "epoch" "loss"

        match losses, lossFormat with
        | Some _, Some lossFormat ->
            let width, height = defaultArg width 600, defaultArg height 400
            PlotKernel.checkSize op width height
            let left = lossPlot ()
            let right = PlotKernel.fitPlot xs ys ps title xLabel yLabel
            PlotKernel.writePlots lossPath.Value lossFormat width height [ left ]
            PlotKernel.writePlots path format width height [ right ]
        | Some _, None ->
            let width, height = defaultArg width 1000, defaultArg height 400
            PlotKernel.checkSize op width height
            let left = lossPlot ()
            let right = PlotKernel.fitPlot xs ys ps title xLabel yLabel
            PlotKernel.writePlots path format width height [ left; right ]
        | None, _ ->
            let width, height = defaultArg width 600, defaultArg height 400
            PlotKernel.checkSize op width height
            PlotKernel.writePlots path format width height [ PlotKernel.fitPlot xs ys ps title xLabel yLabel ]

    /// A histogram of a tensor's values (all of them, flattened), written to `path` (.png or
    /// .svg). `bins` (default 30) equal bins over `range` (default the values' min to max; a
    /// constant tensor gets [v - 0.5, v + 0.5]); values outside `range` are not counted, the last
    /// bin includes its right edge (numpy.histogram's rule). NaN or infinite values are an error.
    /// `title` (default "Histogram"), `xLabel` (default "value"), `yLabel` (default "count"),
    /// `width` × `height` (default 600 × 400).
    static member histogram
        (
            path: string,
            values: Tensor,
            ?bins: int,
            ?range: float * float,
            ?title: string,
            ?xLabel: string,
            ?yLabel: string,
            ?width: int,
            ?height: int
        ) : unit =
        let data = PlotKernel.tensorValues "Plot.histogram" "values" false values

        Plot.histogram (
            path,
            data,
            ?bins = bins,
            ?range = range,
            ?title = title,
            ?xLabel = xLabel,
            ?yLabel = yLabel,
            ?width = width,
            ?height = height
        )

    /// As `histogram` over a tensor, for a sequence of floats.
    static member histogram
        (
            path: string,
            values: seq<float>,
            ?bins: int,
            ?range: float * float,
            ?title: string,
            ?xLabel: string,
            ?yLabel: string,
            ?width: int,
            ?height: int
        ) : unit =
        let op = "Plot.histogram"
        let format = PlotKernel.format op path
        let width, height = defaultArg width 600, defaultArg height 400
        PlotKernel.checkSize op width height
        let data = PlotKernel.values op "values" values
        PlotKernel.nonEmpty op "values" data
        PlotKernel.allFinite op "values" data
        let bins = defaultArg bins 30

        if bins < 1 then
            invalidArg "bins" $"{op}: bins must be at least 1; got {bins}."

        let low, high =
            match range with
            | Some(low, high) ->
                if
                    Double.IsNaN low
                    || Double.IsNaN high
                    || Double.IsInfinity low
                    || Double.IsInfinity high
                    || low >= high
                then
                    invalidArg "range" $"{op}: range must be two finite numbers, low < high; got ({low}, {high})."

                low, high
            | None ->
                let low, high = Array.min data, Array.max data
                if low = high then low - 0.5, high + 0.5 else low, high

        let plot =
            PlotKernel.histogramPlot
                data
                bins
                low
                high
                (defaultArg title "Histogram")
                (defaultArg xLabel "value")
                (defaultArg yLabel "count")

        PlotKernel.writePlots path format width height [ plot ]

    /// A grid of grayscale images, written to `path` (.png or .svg): `images` is one image
    /// [h; w], a batch [n; h; w], or a one-channel batch [n; 1; h; w] (e.g. the digits as
    /// `images.Reshape [| n; 8; 8 |]`). Images are laid out row by row in `columns` columns
    /// (default min(n, 8)); each value is a square of `scale` × `scale` pixels (default: the
    /// smallest scale making an image at least 64 pixels on its longer side), 4 pixels apart.
    /// Values map linearly to gray from `vmin` (black) to `vmax` (white), clamped (default the
    /// smallest and largest value over all images); `invert = true` draws dark ink on white.
    /// `titles`: one caption per image drawn above it (e.g. "7 (true 1)"); `title`: a heading
    /// over the grid. NaN or infinite values are an error.
    static member imageGrid
        (
            path: string,
            images: Tensor,
            ?columns: int,
            ?titles: seq<string>,
            ?title: string,
            ?scale: int,
            ?vmin: float,
            ?vmax: float,
            ?invert: bool
        ) : unit =
        let op = "Plot.imageGrid"

        if isNull (box images) then
            raise (ArgumentNullException("images", $"{op}: images is null."))

        let shape = images.Shape

        let n, h, w =
            match shape with
            | [| h; w |] -> 1, h, w
            | [| n; h; w |] -> n, h, w
            | [| n; 1; h; w |] -> n, h, w
            | _ ->
                let text = shape |> Array.map string |> String.concat "; "

                invalidArg
                    "images"
                    $"{op}: images must have shape [h; w], [n; h; w] or [n; 1; h; w]; got [{text}]. Reshape flat images first (digits: Reshape [| n; 8; 8 |])."

        if n = 0 || h = 0 || w = 0 then
            let text = shape |> Array.map string |> String.concat "; "
            invalidArg "images" $"{op}: images of shape [{text}] hold no pixel; there is nothing to plot."

        let flat = images.ToArray()
        let size = h * w
        let split = Array.init n (fun k -> flat[k * size .. (k + 1) * size - 1])

        PlotKernel.imageGrid path split h w columns titles title scale vmin vmax invert

    /// As `imageGrid` over a batch tensor, for a sequence of 2-D tensors of one shape [h; w].
    static member imageGrid
        (
            path: string,
            images: seq<Tensor>,
            ?columns: int,
            ?titles: seq<string>,
            ?title: string,
            ?scale: int,
            ?vmin: float,
            ?vmax: float,
            ?invert: bool
        ) : unit =
        let op = "Plot.imageGrid"

        if isNull (box images) then
            raise (ArgumentNullException("images", $"{op}: images is null."))

        let images = Seq.toArray images

        if images.Length = 0 then
            invalidArg "images" $"{op}: images is empty; there is nothing to plot."

        let shapeText (s: int[]) =
            "[" + (s |> Array.map string |> String.concat "; ") + "]"

        let first = images[0].Shape

        if first.Length <> 2 then
            invalidArg "images" $"{op}: each image must be a 2-D tensor [h; w]; the first has shape {shapeText first}."

        images
        |> Array.iteri (fun i t ->
            if t.Shape <> first then
                invalidArg
                    "images"
                    $"{op}: all images must have the same shape; image 0 is {shapeText first} but image {i} is {shapeText t.Shape}.")

        PlotKernel.imageGrid path (images |> Array.map (fun t -> t.ToArray())) first[0] first[1] columns titles title scale vmin vmax invert
