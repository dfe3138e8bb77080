// Where the time of a training step goes, phase by phase, on both sides: the digits workload of
// the comparison runner (MLP 64→128→10, batch 64, cross-entropy, Adam lr 1e-3), Nabla's modules,
// Loss and Optim.Adam against TorchSharp's torch.nn, cross_entropy and torch.optim.Adam.
// Run after a Release build: `dotnet fsi Benchmarks/scripts/training-phases.fsx`.
// Each phase is timed over many steps with a Stopwatch around it (so the figures include the
// Stopwatch's own cost, ~0.1 µs); the per-step total is the sum of the phases.
#r "../../Core/bin/Release/net10.0/Nabla.dll"
#r "../../Core/bin/Release/net10.0/TorchSharp.dll"

open System
open System.Diagnostics
open Nabla
open TorchSharp

Torch.ensureLoaded ()
Torch.setNumThreads 2
let steps, warmup = 3000, 500

let images, labels = Data.Datasets.digits (normalize = true)
let x32 = images.[0..63, *].ToArray<float32>()
let t64 = labels.[0..63].ToArray<int64>()

type Phases() =
    let names =
        [| "zero grad"; "forward"; "loss"; "backward"; "optimizer step"; "read loss" |]

    let ticks = Array.zeroCreate<int64> names.Length
    let sw = Stopwatch()

    member _.Time(i: int, f: unit -> 'T) : 'T =
        sw.Restart()
        let r = f ()
        ticks[i] <- ticks[i] + sw.ElapsedTicks
        r

    member _.Reset() = Array.fill ticks 0 ticks.Length 0L

    member _.Report(side: string, n: int) =
        let us i =
            float ticks[i] / float Stopwatch.Frequency * 1e6 / float n

        let total = Seq.sum [ for i in 0 .. names.Length - 1 -> us i ]

        printfn
            "%-10s %s  total %7.1f µs"
            side
            (String.Join("  ", [| for i in 0 .. names.Length - 1 -> sprintf "%s %6.1f" names[i] (us i) |]))
            total

        [| for i in 0 .. names.Length - 1 -> us i |]

// Nabla
let nabla () =
    let model = NN.Sequential(NN.Linear(64, 128), NN.ReLU(), NN.Linear(128, 10))
    let opt = Optim.Adam(model.Parameters(), lr = 1e-3)
    let x = Tensor.ofArray x32 |> Tensor.reshape [| 64; 64 |]
    let t = Tensor.ofArray t64
    let p = Phases()

    let step () =
        Scope.run (fun () ->
            p.Time(0, fun () -> opt.ZeroGrad())
            let out = p.Time(1, fun () -> model.Forward x)
            let loss = p.Time(2, fun () -> Loss.crossEntropy out t)
            p.Time(3, fun () -> loss.Backward())
            p.Time(4, fun () -> opt.Step())
            p.Time(5, fun () -> loss.ToScalar()) |> ignore)

    for _ in 1..warmup do
        step ()

    p.Reset()

    for _ in 1..steps do
        step ()

    p.Report("Nabla", steps)

// TorchSharp
let torchSharp () =
    let model =
        torch.nn.Sequential(
            ("0", torch.nn.Linear(64L, 128L) :> torch.nn.Module<torch.Tensor, torch.Tensor>),
            ("1", torch.nn.ReLU() :> torch.nn.Module<torch.Tensor, torch.Tensor>),
            ("2", torch.nn.Linear(128L, 10L) :> torch.nn.Module<torch.Tensor, torch.Tensor>)
        )

    let opt = torch.optim.Adam(model.parameters (), lr = 1e-3)

    let x =
        torch.tensor (x32 :> Collections.Generic.IList<float32>, ReadOnlySpan [| 64L; 64L |])

    let t =
        torch.tensor (t64 :> Collections.Generic.IList<int64>, ReadOnlySpan [| 64L |])

    let p = Phases()

    let step () =
        use _ = torch.NewDisposeScope()
        p.Time(0, fun () -> opt.zero_grad ())
        let out = p.Time(1, fun () -> model.forward x)
        let loss = p.Time(2, fun () -> torch.nn.functional.cross_entropy (out, t))
        p.Time(3, fun () -> loss.backward ())
        p.Time(4, fun () -> opt.step () |> ignore)
        p.Time(5, fun () -> loss.item<float32>()) |> ignore

    for _ in 1..warmup do
        step ()

    p.Reset()

    for _ in 1..steps do
        step ()

    p.Report("TorchSharp", steps)

printfn "µs per step, %d steps after %d warm-up steps, %d threads" steps warmup (Torch.getNumThreads ())

for round in 1..3 do
    let a = nabla ()
    let b = torchSharp ()
    printfn "ratio (Nabla/TorchSharp) of the totals: %.3f" (Array.sum a / Array.sum b)
