/// The C# facade against the F# API on the seed regression's training step: the same model
/// (Sequential(Linear(1, 20), ReLU(), Linear(20, 1))), the same starting parameters and data, Adam
/// lr 0.01 on the MSE, one step = zero grads, forward, loss, backward, Adam step, read the loss,
/// each inside its language's scope (F#: Scope.run; C#: `using var scope = new Scope()`).
/// Batches alternate as in Compare; the result is the facade's cost as a ratio of the F# API's.
module Nabla.Benchmarks.FacadeCompare

open System
open System.IO
open Nabla
open Nabla.Benchmarks.Compare

type private CS = Nabla.CSharp.Tensor

/// One training step through the C# facade, written as a C# user writes it.
type private FacadeSide(model: Nabla.CSharp.Sequential, x: CS, y: CS) =
    let optimizer = new Nabla.CSharp.Adam(model.Parameters() |> Seq.cast<CS>, lr = 0.01)

    member _.Step() =
        use _scope = new Nabla.CSharp.Scope()
        optimizer.ZeroGrad()
        let loss = Nabla.CSharp.Loss.Mse(model.Forward x, y)
        loss.Backward()
        optimizer.Step()
        loss.Item<float>()

    member _.Parameters() =
        model.Parameters() |> Seq.map (fun p -> p.ToArray<float>()) |> Array.ofSeq

    member _.Dispose() =
        optimizer.Dispose()
        model.Dispose()

let run (o: Options) =
    printfn ""
    printfn "== seed-train through the C# facade (Nabla.CSharp) against the F# API"
    let n = 100
    // The seed's data: x = linspace(-1, 1, 100), y = x² + 0.2·noise.
    Random.seed 0

    let fsX, fsY =
        Scope.run (fun () ->
            let x = Tensor.linspace -1.0 1.0 n |> Tensor.unsqueeze 1
            x, x * x + 0.2 * Tensor.randnLike x)

    let x32, y32 = fsX.ToArray<float32>(), fsY.ToArray<float32>()

    // The F# side, its starting parameters saved and loaded into the facade's model.
    let fsModel = NN.Sequential(NN.Linear(1, 20), NN.ReLU(), NN.Linear(20, 1))

    let path =
        Path.Combine(Path.GetTempPath(), $"nabla-facade-bench-{Environment.ProcessId}.pt")

    fsModel.Save path

    let csModel =
        Nabla.CSharp.Nn.Sequential(new Nabla.CSharp.Linear(1, 20), new Nabla.CSharp.ReLU(), new Nabla.CSharp.Linear(20, 1))

    csModel.Load path
    File.Delete path
    let fsOptimizer = Optim.Adam(fsModel.Parameters(), lr = 0.01)

    let csX = CS.From(x32).Reshape(n, 1)
    let csY = CS.From(y32).Reshape(n, 1)
    let facade = FacadeSide(csModel, csX, csY)

    let fsStep () =
        Scope.run (fun () ->
            fsOptimizer.ZeroGrad()
            let loss = Loss.mse (fsModel.Forward fsX) fsY
            loss.Backward()
            fsOptimizer.Step()
            loss.ToScalar())

    // Same computation: the loss of one step and the parameters after it.
    let fsLoss = fsStep ()
    let csLoss = facade.Step()

    let fsParams =
        fsModel.Parameters() |> List.map (fun p -> p.ToArray()) |> Array.ofList

    let worst =
        Array.map2 (Array.map2 (fun (a: float) b -> abs (a - b))) fsParams (facade.Parameters())
        |> Array.collect id
        |> Array.fold max (abs (fsLoss - csLoss))

    printfn "  check: loss F# %.7f, C# facade %.7f; max |difference| of loss and parameters after one step: %.1e" fsLoss csLoss worst

    if worst > 0.0 then
        failwithf "facade: the C# facade and the F# API disagree (%.3e); the timings would not compare the same computation." worst

    let a = fun () -> fsStep () |> ignore
    let b = fun () -> facade.Step() |> ignore
    let iterations = warmUp a b 3.0 o.BatchMs
    let fsTimes, csTimes = alternate a b o.Rounds iterations
    let micros (s: float) = s / float iterations * 1e6
    let fsMed, csMed = micros (median fsTimes), micros (median csTimes)
    let ratios = Array.map2 (fun c f -> c / f) csTimes fsTimes

    let bytes (step: unit -> unit) =
        let b0 = GC.GetAllocatedBytesForCurrentThread()

        for _ in 1..1000 do
            step ()

        float (GC.GetAllocatedBytesForCurrentThread() - b0) / 1000.0

    printfn "  %d rounds of %d steps per side, alternating; LibTorch threads: %d" o.Rounds iterations (TorchSharp.torch.get_num_threads ())
    printfn "  %-10s %14s %16s" "" "median µs/step" "managed B/step"
    printfn "  %-10s %14.1f %16.0f" "F# API" fsMed (bytes a)
    printfn "  %-10s %14.1f %16.0f" "C# facade" csMed (bytes b)

    printfn
        "  facade / F#: %.3f (ratio of medians); median of per-round ratios %.3f, min %.3f, max %.3f"
        (csMed / fsMed)
        (median ratios)
        (Array.min ratios)
        (Array.max ratios)

    facade.Dispose()
    fsOptimizer.Dispose()
    fsModel.Dispose()

    for t in [ fsX; fsY ] do
        Tensor.dispose t

    0
