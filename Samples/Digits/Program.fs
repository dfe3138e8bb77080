/// The UCI handwritten digits, trained with the Trainer: a small convolutional network, a fixed-seed
/// 80/20 split, a progress bar, validation every epoch, early stopping, TensorBoard logs, the best
/// model saved in PyTorch's format, a loss plot and a grid of the misclassified test digits.
/// Run it with `dotnet run -c Release --project Samples/Digits`; it writes into output/digits/.
module Digits.Program

open System
open System.IO
open Nabla
open Nabla.NN
open Nabla.Data
open Nabla.Training

[<EntryPoint>]
let main _ =
    let dir = Path.Combine("output", "digits")
    Directory.CreateDirectory dir |> ignore
    Random.seed 0

    let images, labels = Datasets.digits (normalize = true)
    let parts = Dataset.randomSplit 42 [ 0.8; 0.2 ] (TensorDataset(images, labels))
    let train = DataLoader(parts[0], batchSize = 32, shuffle = true, seed = 1)
    let test = DataLoader(parts[1], batchSize = 256)
    printfn "UCI digits: %d training and %d test images of 8×8 pixels" parts[0].Count parts[1].Count

    // [N, 64] → [N, 1, 8, 8] → conv 3×3 → [N, 32, 8, 8] → pool → [N, 32, 4, 4] → 512 → 64 → 10
    let model =
        Sequential(
            Unflatten(1, [| 1; 8; 8 |]),
            Conv2d(1, 32, 3, padding = 1),
            ReLU(),
            MaxPool2d 2,
            Flatten(),
            Linear(32 * 4 * 4, 64),
            ReLU(),
            Dropout 0.2,
            Linear(64, 10)
        )

    printfn "%O" model
    let opt = Optim.Adam(model.Parameters(), lr = 2e-3)
    let schedule = Optim.ReduceLROnPlateau(opt, factor = 0.5, patience = 3)
    use writer = new SummaryWriter(Path.Combine(dir, "runs"))

    let trainer =
        Trainer(
            model,
            opt,
            Loss.crossEntropy,
            metrics = [ Metrics.accuracy ],
            reduceOnPlateau = schedule,
            patience = 8,
            restoreBest = true,
            writer = writer,
            lossCurve = Path.Combine(dir, "loss.png")
        )

    let fit = trainer.Fit(train, 60, validation = test)
    model.Save(Path.Combine(dir, "best.pt"))

    // the test digits the model gets wrong, with "predicted/true" under each
    let wrong =
        AD.noGrad (fun () ->
            [
                for x, y in test do
                    let predicted = model.Forward x |> Tensor.argmaxDim 1
                    let p, t = predicted.ToArray<int64>(), y.ToArray<int64>()

                    for i in 0 .. p.Length - 1 do
                        if p[i] <> t[i] then
                            x[i] |> Tensor.reshape [| 8; 8 |], $"{p[i]}/{t[i]}"
            ])

    if not wrong.IsEmpty then
        Plot.imageGrid (
            Path.Combine(dir, "misclassified.png"),
            wrong |> List.map fst,
            titles = (wrong |> List.map snd),
            title = "misclassified test digits (predicted/true)",
            invert = true
        )

    let result = trainer.Evaluate test

    printfn
        "best epoch %d of %d (%A); %d test digits misclassified; wrote %s (best.pt, loss.png, misclassified.png, runs/)"
        fit.BestEpoch.Value
        fit.History.Length
        fit.Stopped
        wrong.Length
        dir

    printfn "test accuracy: %.1f%%" (100.0 * result.Metrics["accuracy"])
    0
