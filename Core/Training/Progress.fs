namespace Nabla.Training

open System
open System.Globalization
open Spectre.Console

/// How Trainer.Fit shows its progress.
type ProgressDisplay =
    /// A live bar (Spectre.Console) in an interactive terminal, plain lines when the output is
    /// redirected (CI logs, files, pipes).
    | Auto = 0
    /// A live progress bar, one per epoch, with the running loss, gradient norm and speed.
    | Bar = 1
    /// One plain line per epoch, nothing else: no colours, no cursor movement.
    | Lines = 2
    /// Nothing.
    | Silent = 3

/// What the progress display shows after a batch.
[<Struct>]
type internal BatchStatus =
    {
        Done: int
        Total: int
        RunningLoss: float
        GradNorm: float
        SamplesPerSecond: float
    }

/// The display's side of Trainer.Fit: told when epochs start and end and after each batch.
type internal IProgressReporter =
    abstract StartEpoch: epoch: int * epochs: int * batches: int -> unit
    abstract Batch: BatchStatus -> unit
    abstract EndEpoch: summary: string -> unit

module internal Progress =

    let private invariant = CultureInfo.InvariantCulture

    /// A number in a short fixed form for the display: 4 significant digits.
    let number (v: float) =
        if Double.IsNaN v then
            "nan"
        elif v = 0.0 || (abs v >= 1e-3 && abs v < 1e5) then
            v.ToString("0.####", invariant)
        else
            v.ToString("0.###e+0", invariant)

    /// A rate such as "12.3k samples/s".
    let speed (perSecond: float) (unit: string) =
        if perSecond >= 1e6 then
            (perSecond / 1e6).ToString("0.0", invariant) + $"M {unit}/s"
        elif perSecond >= 1e4 then
            (perSecond / 1e3).ToString("0.0", invariant) + $"k {unit}/s"
        else
            perSecond.ToString("0", invariant) + $" {unit}/s"

    let private batchText (s: BatchStatus) =
        let rate = speed s.SamplesPerSecond "samples"
        $"loss {number s.RunningLoss}  |g| {number s.GradNorm}  {rate}"


    let silent =
        { new IProgressReporter with
            member _.StartEpoch(_, _, _) = ()
            member _.Batch _ = ()
            member _.EndEpoch _ = ()
        }

    /// One line per epoch on `out`, written whole (never interleaved with another line).
    let lines (out: IO.TextWriter) =
        { new IProgressReporter with
            member _.StartEpoch(_, _, _) = ()
            member _.Batch _ = ()

            member _.EndEpoch summary =
                out.Write(summary + "\n")
                out.Flush()
        }

    /// A Spectre.Console progress bar per epoch; the summary line stays when the epoch ends.
    /// Runs `train` inside the live display and returns its result.
    let withBar (train: IProgressReporter -> 'T) : 'T =
        let progress =
            AnsiConsole
                .Progress()
                .AutoClear(true)
                .HideCompleted(true)
                .Columns(
                    [|
                        TaskDescriptionColumn(Alignment = Justify.Left) :> ProgressColumn
                        ProgressBarColumn(Width = Nullable 24)
                        PercentageColumn()
                        RemainingTimeColumn()
                    |]
                )

        progress.Start(fun ctx ->
            let mutable task: ProgressTask = null
            let mutable prefix = ""

            let reporter =
                { new IProgressReporter with
                    member _.StartEpoch(epoch, epochs, batches) =
                        prefix <- $"epoch {epoch}/{epochs}"
                        task <- ctx.AddTask(Markup.Escape prefix, true, float (max batches 1))

                    member _.Batch s =
                        if not (isNull task) then
                            task.Value <- float s.Done
                            task.Description <- Markup.Escape(prefix + "  " + batchText s)

                    member _.EndEpoch summary =
                        // the epoch's line scrolls up above the live bar, which then disappears
                        if not (isNull task) then
                            task.Value <- task.MaxValue
                            task.StopTask()

                        AnsiConsole.WriteLine summary
                        ctx.Refresh()
                }

            train reporter)

    /// Runs `train` with the reporter for this display (plain lines go to `output`).
    let run (display: ProgressDisplay) (output: IO.TextWriter) (train: IProgressReporter -> 'T) : 'T =
        let interactive () =
            not Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive

        match display with
        | ProgressDisplay.Silent -> train silent
        | ProgressDisplay.Lines -> train (lines output)
        | ProgressDisplay.Bar -> withBar train
        | _ when interactive () -> withBar train
        | _ -> train (lines output)
