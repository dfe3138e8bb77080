// Draws the package icon, docs/icon.png: a ∇ (an inverted triangle outline) on a rounded square,
// 128×128. Reproducible: geometry only, no fonts. Uses the SkiaSharp that the build copies beside
// Nabla.dll (ScottPlot's), so run it after `dotnet fsi build.fsx build`:
//   dotnet fsi docs/icon.fsx
#r "../Core/bin/Release/net10.0/SkiaSharp.dll"

open System.IO
open SkiaSharp

let size = 128
let info = SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul)
let surface = SKSurface.Create info
let canvas = surface.Canvas
canvas.Clear SKColors.Transparent

// Background: a rounded square in a deep blue.
let background =
    new SKPaint(Color = SKColor(0x1Fuy, 0x3Auy, 0x93uy), IsAntialias = true, Style = SKPaintStyle.Fill)

canvas.DrawRoundRect(SKRect(0f, 0f, float32 size, float32 size), 24f, 24f, background)

// The nabla: an outer inverted triangle with an inner one cut out (even-odd fill).
let triangle (cx: float32) (top: float32) (width: float32) (height: float32) =
    [|
        SKPoint(cx - width / 2f, top)
        SKPoint(cx + width / 2f, top)
        SKPoint(cx, top + height)
    |]

let path = new SKPath(FillType = SKPathFillType.EvenOdd)
path.AddPoly(triangle 64f 26f 92f 80f, true)
// The inner triangle is the outer one shrunk towards its incentre, giving strokes of equal width.
let outer = triangle 64f 26f 92f 80f

let incentre, inradius =
    let a, b, c = outer[0], outer[1], outer[2]

    let len (p: SKPoint) (q: SKPoint) =
        sqrt ((p.X - q.X) ** 2f + (p.Y - q.Y) ** 2f)

    let la, lb, lc = len b c, len a c, len a b
    let p = la + lb + lc

    let centre =
        SKPoint((la * a.X + lb * b.X + lc * c.X) / p, (la * a.Y + lb * b.Y + lc * c.Y) / p)

    let s = p / 2f
    let area = abs ((b.X - a.X) * (c.Y - a.Y) - (c.X - a.X) * (b.Y - a.Y)) / 2f
    centre, area / s

let stroke = 13f
let scale = (inradius - stroke) / inradius

path.AddPoly(
    outer
    |> Array.map (fun p -> SKPoint(incentre.X + (p.X - incentre.X) * scale, incentre.Y + (p.Y - incentre.Y) * scale)),
    true
)

let ink =
    new SKPaint(Color = SKColors.White, IsAntialias = true, Style = SKPaintStyle.Fill)

canvas.DrawPath(path, ink)

let image = surface.Snapshot()
let data = image.Encode(SKEncodedImageFormat.Png, 100)
let target = Path.Combine(__SOURCE_DIRECTORY__, "icon.png")
File.WriteAllBytes(target, data.ToArray())
printfn "wrote %s (%d bytes)" target (data.Size)
