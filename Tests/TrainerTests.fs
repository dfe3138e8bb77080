/// The Trainer: epochs over batches or a closure, callbacks, early stopping, the best state,
/// cancellation, clipping, metrics and the plain-line display.
module Nabla.Tests.TrainerTests

open System
open System.IO
open System.Threading
open Expecto
open Nabla
open Nabla.NN
open Nabla.Data
open Nabla.Training
open Nabla.Tests.Check

let private f64 = Dtype.Float64

/// y = 2x - 1 with a little noise, in batches of 10.
let private regression () =
    let gen = Random.generator 7
    let xs = Tensor.Rand([| 60; 1 |], dtype = f64, generator = gen)

    let ys =
        2.0 * xs - 1.0 + 0.01 * Tensor.Randn([| 60; 1 |], dtype = f64, generator = gen)

    [ for i in 0..5 -> xs.[i * 10 .. i * 10 + 9, *], ys.[i * 10 .. i * 10 + 9, *] ]

let private mse (p: Tensor) (y: Tensor) = Tensor.mean ((p - y) * (p - y))

let private linear () =
    let m = Linear(1, 1, dtype = f64)
    m

let private values (m: Module) =
    m.Parameters() |> List.map (fun p -> p.ToArray()) |> Array.concat

/// The digits classifier of the acceptance test: a fixed-seed 80/20 split, an MLP 64→128→10
/// trained by the Trainer with Adam on cross-entropy; returns the fit and the test accuracy.
let digitsFit (epochs: int) =
    Random.seed 0
    let images, labels = Datasets.digits (normalize = true)
    let split = Dataset.randomSplit 42 [ 0.8; 0.2 ] (TensorDataset(images, labels))
    let train = DataLoader(split[0], batchSize = 64, shuffle = true, seed = 1)
    let test = DataLoader(split[1], batchSize = 256)
    let model = Sequential(Linear(64, 128), ReLU(), Linear(128, 10))
    let opt = Optim.Adam(model.Parameters(), lr = 1e-3)

    let trainer =
        Trainer(model, opt, Loss.crossEntropy, metrics = [ Metrics.accuracy ], restoreBest = true, progress = ProgressDisplay.Silent)

    let fit = trainer.Fit(train, epochs, validation = test)

    let accuracy =
        AD.noGrad (fun () ->
            let correct =
                test
                |> Seq.sumBy (fun (x, y) ->
                    let predicted = model.Forward x |> Tensor.argmaxDim 1
                    (Tensor.eq predicted y |> Tensor.toDtype Dtype.Float64 |> Tensor.sum).ToScalar())

            correct / float split[1].Count)

    fit, accuracy, split

let acceptance =
    testList
        "acceptance"
        [
            test "the seed regression (1→20→1 ReLU, Adam lr 0.01, MSE, 100 epochs) reaches a loss below 0.06" {
                Random.seed 0
                let xs = Tensor.linspace -1.0 1.0 100 |> Tensor.reshape [| 100; 1 |]
                let ys = xs * xs + 0.2 * Tensor.randnLike xs
                let model = Sequential(Linear(1, 20), ReLU(), Linear(20, 1))
                let opt = Optim.Adam(model.Parameters(), lr = 0.01)
                let mutable loss = nan
                let mutable norms = []

                for epoch in 1..100 do
                    opt.ZeroGrad()
                    let l = Loss.mse (model.Forward xs) ys
                    l.Backward()
                    norms <- Optim.clipGradNorm (model.Parameters()) 10.0 :: norms
                    opt.Step()
                    loss <- l.ToScalar()

                printfn "seed regression: MSE after 100 Adam steps %.4f (noise variance 0.04)" loss
                Expect.isLessThan loss 0.06 "final loss"
                Expect.isTrue (norms |> List.forall (fun n -> n > 0.0 && Double.IsFinite n)) "gradient norms"
            }

            test "digits: an MLP trained by the Trainer reaches at least 95% test accuracy on a fixed-seed 80/20 split" {
                let fit, accuracy, split = digitsFit 30

                printfn
                    "digits: test accuracy %.2f%% after %d epochs (best epoch %A), %d training and %d test images"
                    (100.0 * accuracy)
                    fit.History.Length
                    fit.BestEpoch
                    split[0].Count
                    split[1].Count

                Expect.equal (split[0].Count, split[1].Count) (1438, 359) "80/20 split of 1797"
                Expect.isGreaterThanOrEqual accuracy 0.95 "test accuracy"
                let last = List.last fit.History
                Expect.isLessThan last.TrainLoss fit.History.Head.TrainLoss "training loss fell"
                Expect.isTrue (last.Metrics.ContainsKey "accuracy") "accuracy metric reported"
            }
        ]

let tests =
    testList
        "Trainer"
        [
            acceptance

            test "Fit runs every epoch and batch, lowers the loss, and reports per epoch" {
                let data = regression ()
                let model = linear ()
                let opt = Optim.SGD(model.Parameters(), lr = 0.2)
                let mutable batches = 0
                let mutable epochs = []

                let trainer =
                    Trainer(model, opt, mse, progress = ProgressDisplay.Silent)
                        .OnBatch(fun b -> batches <- batches + 1)
                        .OnEpoch(fun e -> epochs <- e.Epoch :: epochs)

                let r = trainer.Fit(data, 8)
                Expect.equal r.Stopped Completed "completed"
                Expect.equal batches 48 "one callback per batch"
                Expect.equal (List.rev epochs) [ 1..8 ] "one callback per epoch, in order"
                Expect.equal r.History.Length 8 "history"
                let first, last = r.History.Head.TrainLoss, (List.last r.History).TrainLoss
                Expect.isLessThan last (first / 10.0) "the loss falls"
                Expect.isTrue (r.History |> List.forall (fun e -> e.GradNorm > 0.0 && e.LearningRate = 0.2)) "norm and lr"
            }

            test "the epoch's training loss is the sample-weighted mean of its batch losses" {
                let data = regression ()
                let model = linear ()
                let opt = Optim.SGD(model.Parameters(), lr = 0.1)
                let losses = Collections.Generic.List<float>()

                let trainer =
                    Trainer(model, opt, mse, progress = ProgressDisplay.Silent).OnBatch(fun b -> losses.Add b.Loss)

                let r = trainer.Fit(data, 1)
                closeWith 1e-12 1e-12 "mean" [| r.History.Head.TrainLoss |] [| Seq.average losses |]
            }

            test "the closure form takes one step per epoch, equal to a hand-written loop" {
                let data = regression ()
                let xs = data |> List.map fst |> List.toArray |> Tensor.cat 0
                let ys = data |> List.map snd |> List.toArray |> Tensor.cat 0
                let a, b = linear (), linear ()
                b.LoadStateDict(a.StateDict())
                let optA = Optim.SGD(a.Parameters(), lr = 0.3, momentum = 0.5)
                let optB = Optim.SGD(b.Parameters(), lr = 0.3, momentum = 0.5)

                let r =
                    Trainer(a, optA, mse, progress = ProgressDisplay.Silent).Fit((fun () -> mse (a.Forward xs) ys), 5)

                for _ in 1..5 do
                    optB.ZeroGrad()
                    (mse (b.Forward xs) ys).Backward()
                    optB.Step()

                Expect.equal r.History.Length 5 "epochs"
                closeWith 1e-14 1e-14 "same parameters" (values a) (values b)
            }

            test "early stopping after `patience` epochs without improvement" {
                let data = regression ()
                let model = linear ()
                // lr 0: the loss never changes after the first epoch
                let opt = Optim.SGD(model.Parameters(), lr = 0.0)

                let r =
                    Trainer(model, opt, mse, patience = 3, progress = ProgressDisplay.Silent).Fit(data, 50)

                Expect.equal r.Stopped EarlyStopped "stopped early"
                Expect.equal r.History.Length 4 "1 best epoch + 3 without improvement"
                Expect.equal r.BestEpoch (Some 1) "best"
                Expect.equal (r.History |> List.map (fun e -> e.Improved)) [ true; false; false; false ] "improved flags"
            }

            test "minDelta: improvements smaller than it do not count" {
                let data = regression ()
                let model = linear ()
                let opt = Optim.SGD(model.Parameters(), lr = 1e-6)

                let r =
                    Trainer(model, opt, mse, patience = 2, minDelta = 1.0, progress = ProgressDisplay.Silent).Fit(data, 20)

                Expect.equal r.History.Length 3 "stopped after 2 tiny improvements"
            }

            test "the best state is kept (a copy) and restoreBest loads it back" {
                let data = regression ()
                let model = linear ()
                // a learning rate that diverges: the first epoch is the best
                let opt = Optim.SGD(model.Parameters(), lr = 3.0)
                let mutable afterFirst = [||]

                let trainer =
                    Trainer(model, opt, mse, restoreBest = true, progress = ProgressDisplay.Silent)
                        .OnEpoch(fun e ->
                            if e.Epoch = 1 then
                                afterFirst <- values model)

                let r = trainer.Fit(data, 4, validation = data)
                Expect.equal r.BestEpoch (Some 1) "best epoch"
                Expect.isSome r.BestState "state kept"
                Expect.equal (values model) afterFirst "restored"

                let saved = r.BestState.Value.Values |> Array.collect (fun t -> t.ToArray())
                Expect.equal saved afterFirst "the copy holds the best values"
                Expect.equal r.BestLoss (Some r.History.Head.ValidationLoss.Value) "best loss"
            }

            test "cancellation stops between batches and returns the finished epochs" {
                let data = regression ()
                let model = linear ()
                let opt = Optim.SGD(model.Parameters(), lr = 0.1)
                use cts = new CancellationTokenSource()
                let mutable steps = 0

                let trainer =
                    Trainer(model, opt, mse, progress = ProgressDisplay.Silent)
                        .OnBatch(fun b ->
                            steps <- steps + 1

                            if b.Epoch = 2 && b.Batch = 3 then
                                cts.Cancel())

                let r = trainer.Fit(data, 10, cancellationToken = cts.Token)
                Expect.equal r.Stopped Cancelled "cancelled"
                Expect.equal steps 9 "no step after the cancelling batch"
                Expect.equal r.History.Length 1 "only the finished epoch"
            }

            test "an already-cancelled token runs nothing" {
                let model = linear ()
                let before = values model
                let opt = Optim.SGD(model.Parameters(), lr = 0.1)

                let r =
                    Trainer(model, opt, mse, progress = ProgressDisplay.Silent)
                        .Fit(regression (), 3, cancellationToken = CancellationToken(true))

                Expect.equal r.Stopped Cancelled "cancelled"
                Expect.isEmpty r.History "nothing"
                Expect.equal (values model) before "untouched"
            }

            test "Stop() from a callback stops the fit" {
                let model = linear ()
                let opt = Optim.SGD(model.Parameters(), lr = 0.1)
                let trainer = Trainer(model, opt, mse, progress = ProgressDisplay.Silent)

                trainer.OnEpoch(fun e ->
                    if e.Epoch = 2 then
                        trainer.Stop())
                |> ignore

                let r = trainer.Fit(regression (), 10)
                Expect.equal r.Stopped StoppedByCallback "stopped"
                Expect.equal r.History.Length 2 "two epochs"
                // a later Fit starts afresh
                Expect.equal (trainer.Fit(regression (), 1).Stopped) Completed "next fit"
            }

            test "maxGradNorm clips the step; the reported norm is the one before clipping" {
                let data = regression () |> List.take 1
                let a, b = linear (), linear ()
                b.LoadStateDict(a.StateDict())
                let optA = Optim.SGD(a.Parameters(), lr = 0.1)
                let mutable reported = nan

                let trainer =
                    Trainer(a, optA, mse, maxGradNorm = 0.01, progress = ProgressDisplay.Silent).OnBatch(fun r -> reported <- r.GradNorm)

                trainer.Fit(data, 1) |> ignore

                // by hand: the gradient, its norm, the clipped step
                let x, y = data.Head
                (mse (b.Forward x) y).Backward()

                let grads =
                    b.Parameters() |> List.map (fun p -> p.Grad.Value.ToArray()) |> Array.concat

                let norm = sqrt (grads |> Array.sumBy (fun g -> g * g))
                closeWith 1e-12 1e-12 "norm before clipping" [| reported |] [| norm |]
                Expect.isGreaterThan norm 0.01 "clipping happened"
                let scale = 0.01 / (norm + 1e-6)
                let expected = Array.map2 (fun p g -> p - 0.1 * scale * g) (values b) grads
                closeWith 1e-12 1e-12 "clipped step" (values a) expected
            }

            test "validation runs in eval mode without recording, and metrics are sample-weighted" {
                let model = Sequential(Dropout 0.9, Linear(2, 2, dtype = f64))
                let opt = Optim.SGD(model.Parameters(), lr = 0.0)
                let x = Tensor.ofArray2D (array2D [ [ 1.0; 0.0 ]; [ 0.0; 1.0 ]; [ 1.0; 1.0 ] ])
                let y = Tensor.ofArray [| 0L; 1L; 0L |]
                let ce (p: Tensor) (t: Tensor) = Tensor.mean (p - p) + 1.0 // a constant loss
                let mutable modes = []

                let probe =
                    {
                        Name = "eval-mode"
                        Compute =
                            fun _ _ ->
                                modes <- model.IsTraining :: modes
                                if AD.isGradEnabled () then 1.0 else 0.0
                    }

                let r =
                    Trainer(model, opt, ce, metrics = [ probe; Metrics.accuracy ], progress = ProgressDisplay.Silent)
                        .Fit([ x, y ], 1, validation = [ x.[0..1, *], y.[0..1]; x.[2..2, *], y.[2..2] ])

                Expect.equal modes [ false; false ] "eval mode during validation"
                Expect.equal r.History.Head.Metrics["eval-mode"] 0.0 "no recording"
                Expect.isTrue model.IsTraining "back in training mode"
                let acc = r.History.Head.Metrics["accuracy"]
                Expect.isTrue (acc >= 0.0 && acc <= 1.0) "accuracy in [0, 1]"
            }

            test "Evaluate gives the sample-weighted mean loss and metrics, in eval mode, restoring the mode" {
                let model = Sequential(Linear(2, 2, dtype = f64))
                let opt = Optim.SGD(model.Parameters(), lr = 0.1)
                let x = Tensor.Randn([| 5; 2 |], dtype = f64, generator = Random.generator 3)
                let y = Tensor.ofArray [| 0L; 1L; 1L; 0L; 1L |]

                let trainer =
                    Trainer(model, opt, Loss.crossEntropy, metrics = [ Metrics.accuracy ], progress = ProgressDisplay.Silent)
                // uneven batches: 3 and 2 samples
                let e = trainer.Evaluate [ x.[0..2, *], y.[0..2]; x.[3..4, *], y.[3..4] ]
                let whole = AD.noGrad (fun () -> (Loss.crossEntropy (model.Forward x) y).ToScalar())
                closeWith 1e-12 1e-12 "loss" [| e.Loss |] [| whole |]
                closeWith 1e-12 1e-12 "accuracy" [| e.Metrics["accuracy"] |] [| Metrics.accuracy.Compute (model.Forward x) y |]
                Expect.equal e.Samples 5 "samples"
                Expect.isTrue model.IsTraining "mode restored"
                model.Eval()
                trainer.Evaluate [ x, y ] |> ignore
                Expect.isFalse model.IsTraining "mode restored (eval)"

                throwsWith<ArgumentException> [ "Trainer"; "no batches" ] (fun () -> trainer.Evaluate [] |> ignore)
            }

            test "Metrics.accuracy counts the rows whose largest output is the target" {
                let output =
                    Tensor.ofArray2D (array2D [ [ 0.1; 0.9 ]; [ 0.8; 0.2 ]; [ 0.3; 0.7 ]; [ 0.6; 0.4 ] ])

                let labels = Tensor.ofArray [| 1L; 0L; 0L; 0L |]
                Expect.equal (Metrics.accuracy.Compute output labels) 0.75 "3 of 4"

                let oneHot =
                    Tensor.ofArray2D (array2D [ [ 0.0; 1.0 ]; [ 1.0; 0.0 ]; [ 0.0; 1.0 ]; [ 0.0; 1.0 ] ])

                Expect.equal (Metrics.accuracy.Compute output oneHot) 0.75 "one-hot targets"
            }

            test "plain lines: one per epoch with loss, validation loss, norm, lr and speed" {
                let model = linear ()
                let opt = Optim.SGD(model.Parameters(), lr = 0.1)
                use out = new StringWriter()

                Trainer(model, opt, mse, progress = ProgressDisplay.Lines, output = out).Fit(regression (), 3, validation = regression ())
                |> ignore

                let lines = out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                Expect.equal lines.Length 3 "three lines"

                for i, l in Array.indexed lines do
                    Expect.stringStarts l $"epoch {i + 1}/3  loss " "prefix"

                    for part in [ "val_loss "; "|g| "; "lr 0.1"; "samples/s" ] do
                        Expect.stringContains l part part

                Expect.isFalse (out.ToString().Contains "\u001b") "no escape codes"
            }

            test "a scheduler steps after each epoch; EpochResult.LearningRate is the rate the epoch used" {
                let model = linear ()
                let opt = Optim.SGD(model.Parameters(), lr = 0.1)
                let sched = Optim.StepLR(opt, 2, gamma = 0.5)

                let r =
                    Trainer(model, opt, mse, scheduler = sched, progress = ProgressDisplay.Silent).Fit(regression (), 5)

                let lrs = r.History |> List.map (fun e -> e.LearningRate)
                closeWith 1e-15 1e-15 "lr per epoch" (Array.ofList lrs) [| 0.1; 0.1; 0.05; 0.05; 0.025 |]
                closeWith 1e-15 1e-15 "lr after 5 steps" [| opt.ParamGroups[0].Lr |] [| 0.025 |]
            }

            test "with schedulerPerBatch the scheduler steps after every batch" {
                let model = linear ()
                let opt = Optim.SGD(model.Parameters(), lr = 1.0)
                let sched = Optim.LinearLR(opt, startFactor = 0.1, endFactor = 1.0, totalIters = 9)
                let lrs = Collections.Generic.List<float>()

                let trainer =
                    Trainer(model, opt, mse, scheduler = sched, schedulerPerBatch = true, progress = ProgressDisplay.Silent)
                        .OnBatch(fun b -> lrs.Add b.LearningRate)

                trainer.Fit(regression (), 2) |> ignore

                let expected =
                    Array.init 12 (fun i -> if i >= 9 then 1.0 else 0.1 + 0.9 * float i / 9.0)

                closeWith 1e-12 1e-12 "warm-up per batch" (lrs.ToArray()) expected
            }

            test "reduceOnPlateau lowers the rate when the monitored loss stops improving" {
                let model = linear ()
                // gradient ascent: the loss only gets worse
                let opt = Optim.SGD(model.Parameters(), lr = 1e-3, maximize = true)
                let plateau = Optim.ReduceLROnPlateau(opt, factor = 0.5, patience = 1)

                let r =
                    Trainer(model, opt, mse, reduceOnPlateau = plateau, progress = ProgressDisplay.Silent).Fit(regression (), 6)

                let lrs = r.History |> List.map (fun e -> e.LearningRate) |> Array.ofList
                // epochs 2 and 3 do not improve on epoch 1: after epoch 3 (patience 1) the rate halves
                closeWith 1e-15 1e-15 "rates" lrs [| 1e-3; 1e-3; 1e-3; 5e-4; 5e-4; 2.5e-4 |]
            }

            test "a DataLoader is an epoch of batches with a known count" {
                let data = regression ()
                let xs = data |> List.map fst |> List.toArray |> Tensor.cat 0
                let ys = data |> List.map snd |> List.toArray |> Tensor.cat 0

                let loader =
                    DataLoader(TensorDataset(xs, ys), batchSize = 16, shuffle = true, seed = 3)

                Expect.equal (Seq.length loader) 4 "60 samples in batches of 16"
                Expect.equal (loader :> Collections.Generic.IReadOnlyCollection<_>).Count 4 "count"
                let model = linear ()
                let opt = Optim.Adam(model.Parameters(), lr = 0.05)
                let mutable batches = 0

                let r =
                    Trainer(model, opt, mse, progress = ProgressDisplay.Silent).OnBatch(fun _ -> batches <- batches + 1).Fit(loader, 3)

                Expect.equal batches 12 "4 batches x 3 epochs"
                Expect.isLessThan (List.last r.History).TrainLoss r.History.Head.TrainLoss "loss falls"
            }

            test "lossCurve: Fit ends by drawing the epochs' losses as a PNG" {
                let dir = Directory.CreateTempSubdirectory "nabla-trainer-"

                try
                    let path = Path.Combine(dir.FullName, "curve.png")
                    let model = linear ()
                    let opt = Optim.SGD(model.Parameters(), lr = 0.1)

                    Trainer(model, opt, mse, lossCurve = path, progress = ProgressDisplay.Silent)
                        .Fit(regression (), 3, validation = regression ())
                    |> ignore

                    let bytes = File.ReadAllBytes path
                    Expect.equal bytes[0..7] [| 137uy; 80uy; 78uy; 71uy; 13uy; 10uy; 26uy; 10uy |] "a PNG"
                    Expect.isGreaterThan bytes.Length 2000 "with something drawn"
                finally
                    dir.Delete true
            }

            test "bad arguments are clear errors" {
                let model = linear ()
                let opt = Optim.SGD(model.Parameters(), lr = 0.1)

                throwsWith<ArgumentOutOfRangeException> [ "Trainer"; "maxGradNorm" ] (fun () ->
                    Trainer(model, opt, mse, maxGradNorm = -1.0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "Trainer"; "patience" ] (fun () ->
                    Trainer(model, opt, mse, patience = 0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "Trainer.Fit"; "epochs" ] (fun () ->
                    Trainer(model, opt, mse, progress = ProgressDisplay.Silent).Fit(regression (), -1)
                    |> ignore)

                throwsWith<InvalidOperationException> [ "Trainer"; "single number"; "[10, 1]" ] (fun () ->
                    Trainer(model, opt, (fun p y -> p - y), progress = ProgressDisplay.Silent).Fit(regression (), 1)
                    |> ignore)
            }
        ]
