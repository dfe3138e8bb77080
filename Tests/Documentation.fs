/// The README's example and the F# script sample run as written, from F# Interactive, with only
/// `#r` on the built Nabla.dll (the native fix applies there too).
module Nabla.Tests.Documentation

open System
open System.Diagnostics
open System.IO
open Expecto

/// The repository root: the first folder above the test program that holds README.md.
let private repositoryRoot () =
    let rec up (d: DirectoryInfo) =
        if isNull d then
            failwith "README.md not found above the test program"
        elif File.Exists(Path.Combine(d.FullName, "README.md")) then
            d.FullName
        else
            up d.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

/// Runs `dotnet fsi <script>` in the repository root; returns (exit code, output).
let private fsi (root: string) (script: string) =
    let psi =
        ProcessStartInfo(
            "dotnet",
            $"fsi --quiet --exec \"{script}\"",
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true
        )

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()
    p.ExitCode, out.Result + err

/// Runs a built program (`dotnet <dll>`) in `folder`; returns (exit code, standard output, standard error).
let private runBuilt (dll: string) (folder: string) =
    let psi =
        ProcessStartInfo("dotnet", $"\"{dll}\"", WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true)

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()
    p.ExitCode, out.Result, err

/// The number on a tour's `final loss: X` line.
let private finalLossOf (output: string) =
    output.Split('\n')
    |> Array.find (fun l -> l.StartsWith "final loss: ")
    |> fun l -> Double.Parse(l.Substring("final loss: ".Length), Globalization.CultureInfo.InvariantCulture)

/// A tour's output folder holds these files, TensorBoard events for these runs, and regression.pt
/// with PyTorch's keys for RegressionNet.
let private expectTourFiles (output: string) (files: string list) (runs: string list) =
    for file in files do
        Expect.isTrue (File.Exists(Path.Combine(output, file))) file

    for run in runs do
        Expect.isNonEmpty (Directory.GetFiles(Path.Combine(output, "runs", run), "events.out.tfevents.*")) $"TensorBoard files of {run}"

    let saved = Nabla.StateDict.load (Path.Combine(output, "regression.pt"))

    Expect.equal
        (List.ofArray saved.Names)
        [ "hidden.linear.weight"; "hidden.linear.bias"; "output.weight"; "output.bias" ]
        "PyTorch's keys for RegressionNet"

let tests =
    testList
        "documentation"
        [
            testCase "the README's F# examples run in F# Interactive, as one script, and print 4, 27 and 6"
            <| fun () ->
                let root = repositoryRoot ()
                let lines = File.ReadAllLines(Path.Combine(root, "README.md"))
                // every ```fsharp block, in order (the first one has the #r and the open)
                let code =
                    [|
                        let mutable inside = false

                        for l in lines do
                            if l.Trim() = "```fsharp" then
                                inside <- true
                            elif inside && l.Trim() = "```" then
                                inside <- false
                            elif inside then
                                yield l
                    |]
                // The example's #r is relative to the repository root, so the script must sit there.
                let script = Path.Combine(root, $".readme-example-{Guid.NewGuid():N}.fsx")
                File.WriteAllLines(script, code)

                try
                    let exitCode, output = fsi root script
                    Expect.equal exitCode 0 $"exit code; output:\n{output}"
                    Expect.stringContains output "dz/dx = 4, dz/dy = 27" "the seed's derivatives"
                    Expect.stringContains output "grad x*x at 3 = tensor(6., dtype=float64)" "d(x²)/dx at 3"
                    Expect.stringContains output "Passed = true" "GradCheck"
                    Expect.stringContains output "softplus'' = tensor([[0.2500, 0.0000]," "the user-defined op's Hessian"
                    Expect.stringContains output "a.Grad = 4, b.Grad = 27" "Backward's gradients"
                    Expect.stringContains output "CustomLinear(5, 3) on [10, 5]: [|10; 3|]" "the custom layer's output shape"

                    Expect.stringContains
                        output
                        "(0): Linear(in_features=1, out_features=20, bias=True)"
                        "the model printed as PyTorch does"
                finally
                    File.Delete script

            testCase "the README's C# example is the code of the C# test that runs it"
            <| fun () ->
                let root = repositoryRoot ()
                let readme = File.ReadAllLines(Path.Combine(root, "README.md"))
                let start = readme |> Array.findIndex (fun l -> l = "```csharp")
                let stop = start + 1 + Array.findIndex (fun l -> l = "```") readme[start + 1 ..]
                let block = readme[start + 1 .. stop - 1]
                Expect.equal block[0] "using Nabla.CSharp;" "the block starts with its using line"
                let fromReadme = block[2..] |> Array.map (fun l -> l.TrimEnd())

                let test =
                    File.ReadAllLines(Path.Combine(root, "Tests", "CSharpFacade", "ReadmeExample.cs"))

                let first = test |> Array.findIndex (fun l -> l.Trim() = "// README:begin")
                let last = test |> Array.findIndex (fun l -> l.Trim() = "// README:end")

                let fromTest =
                    test[first + 1 .. last - 1]
                    |> Array.map (fun l ->
                        if l.StartsWith "        " then
                            l.Substring 8
                        else
                            l.TrimStart())

                Expect.sequenceEqual fromTest fromReadme "Tests/CSharpFacade/ReadmeExample.cs runs the README's C# code"

            testCase "Samples/Quickstart.fsx runs in F# Interactive"
            <| fun () ->
                let root = repositoryRoot ()
                let exitCode, output = fsi root (Path.Combine(root, "Samples", "Quickstart.fsx"))
                Expect.equal exitCode 0 $"exit code; output:\n{output}"
                Expect.stringContains output "(Tensor.scalar 3.0) = tensor(6., dtype=float64)" "d(x²)/dx at 3"
                Expect.stringContains output "dz/dx = 4" "the seed's dz/dx"
                Expect.stringContains output "dz/dy = 27" "the seed's dz/dy"

            testCase "StateDict.load as a script's first call into Nabla loads LibTorch itself"
            <| fun () ->
                let root = repositoryRoot ()
                let work = Directory.CreateTempSubdirectory "nabla-load-first-"

                try
                    let script = Path.Combine(work.FullName, "load.fsx")
                    let dll = Path.Combine(root, "Core", "bin", "Release", "net10.0", "Nabla.dll")
                    let file = Path.Combine(AppContext.BaseDirectory, "PyTorch", "files", "linear.pt")

                    File.WriteAllText(
                        script,
                        $"#r @\"{dll}\"\nlet p = Nabla.StateDict.load @\"{file}\"\nprintfn \"keys: %%s\" (System.String.Join(\", \", p.Names))\n"
                    )

                    let exitCode, output = fsi work.FullName script
                    Expect.equal exitCode 0 $"exit code; output:\n{output}"
                    Expect.stringContains output "keys: weight, bias" "the Linear's state dict"
                finally
                    work.Delete true

            testCase "Samples/Tour.fsx runs the whole tour in F# Interactive and writes the tour's files"
            <| fun () ->
                let root = repositoryRoot ()
                let work = Directory.CreateTempSubdirectory "nabla-tour-"

                try
                    let exitCode, output = fsi work.FullName (Path.Combine(root, "Samples", "Tour.fsx"))
                    Expect.equal exitCode 0 $"exit code; output:\n{output}"

                    for n in 1..19 do
                        Expect.stringContains output $"=== {n}. " $"section {n}"

                    Expect.stringContains output "dz/dx = 4, dz/dy = 27" "the seed's gradients"
                    Expect.stringContains output "tensor([3., 3.])" "three Backward calls accumulate"
                    Expect.stringContains output "the next step equals the original's: true" "a checkpoint resumes exactly"

                    Expect.isLessThan (finalLossOf output) 0.06 "the regression's final loss"
                    let folder = Path.Combine(work.FullName, "output")

                    expectTourFiles
                        folder
                        [
                            "loss.png"
                            "fit.png"
                            "graph.dot"
                            "regression.pt"
                            "checkpoint.pt"
                            "fit.csv"
                        ]
                        [ "regression" ]

                    let header = File.ReadLines(Path.Combine(folder, "fit.csv")) |> Seq.head
                    Expect.equal header "x,y,pred" "fit.csv's columns"

                    // PyTorch's own RegressionNet, loaded from regression.pt, predicts fit.csv's pred column.
                    if SerializationTests.pythonHasTorch.Value then
                        let script =
                            """
import csv, sys, torch, torch.nn as nn
class ActivatedLinear(nn.Module):
    def __init__(self, i, o):
        super().__init__(); self.linear = nn.Linear(i, o); self.activation = nn.ReLU()
    def forward(self, x): return self.activation(self.linear(x))
class RegressionNet(nn.Module):
    def __init__(self):
        super().__init__(); self.hidden = ActivatedLinear(1, 20); self.output = nn.Linear(20, 1)
    def forward(self, x): return self.output(self.hidden(x))
model = RegressionNet()
model.load_state_dict(torch.load(sys.argv[1] + "/regression.pt"))
rows = list(csv.DictReader(open(sys.argv[1] + "/fit.csv")))
x = torch.tensor([[float(r["x"])] for r in rows])
with torch.no_grad(): pred = model(x).squeeze(1)
print(len(rows), (pred - torch.tensor([float(r["pred"]) for r in rows])).abs().max().item())
"""

                        let out =
                            (SerializationTests.runPython script (Path.Combine(work.FullName, "output"))).Trim().Split ' '

                        Expect.equal out[0] "100" "fit.csv's rows"
                        Expect.isLessThan (float out[1]) 1e-6 "PyTorch's predictions from regression.pt against fit.csv"
                finally
                    work.Delete true

            testCase "Samples/QuickstartCSharp runs the whole tour in C# and writes the tour's files"
            <| fun () ->
                let root = repositoryRoot ()

                let dll =
                    Path.Combine(root, "Samples", "QuickstartCSharp", "bin", "Release", "net10.0", "QuickstartCSharp.dll")

                Expect.isTrue (File.Exists dll) $"the C# tour is built at {dll}"
                let work = Directory.CreateTempSubdirectory "nabla-tour-csharp-"

                try
                    let exitCode, output, err = runBuilt dll work.FullName
                    Expect.equal exitCode 0 $"exit code; output:\n{output}{err}"

                    for n in 1..19 do
                        Expect.stringContains output $"=== {n}. " $"section {n}"

                    Expect.stringContains output "Autodiff.Grad on each variable: dz/dx = 4, dz/dy = 27" "the seed's gradients"
                    Expect.stringContains output "x.Grad = 4, y.Grad = 27" "the seed's gradients by Backward"
                    Expect.stringContains output "tensor([3., 3.])" "three Backward calls accumulate"
                    Expect.stringContains output "on a [10, 5] batch gives [10, 3]" "CustomLinear's output shape"
                    Expect.stringContains output "7 steps gives [3, 7, 8]" "RecurrentNet's output shape"
                    Expect.stringContains output "the next step equals the original's: True" "a checkpoint resumes exactly"

                    let finalLoss = finalLossOf output
                    printfn "Samples/QuickstartCSharp: final loss %g" finalLoss
                    Expect.isLessThan finalLoss 0.06 "the regression's final loss"
                    let folder = Path.Combine(work.FullName, "output")

                    expectTourFiles
                        folder
                        [
                            "loss.png"
                            "fit.png"
                            "graph.dot"
                            "regression.pt"
                            "checkpoint.pt"
                            "fit.csv"
                            "digits-loss.png"
                        ]
                        [ "regression"; "digits" ]

                    let csv = File.ReadAllLines(Path.Combine(folder, "fit.csv"))
                    Expect.equal csv[0] "x,y,pred" "fit.csv's columns"
                    Expect.equal csv.Length 101 "fit.csv's header and 100 rows"
                finally
                    work.Delete true

            testCase "Samples/Digits trains to at least 97% test accuracy and writes its files"
            <| fun () ->
                let root = repositoryRoot ()

                let dll =
                    Path.Combine(root, "Samples", "Digits", "bin", "Release", "net10.0", "Digits.dll")

                Expect.isTrue (File.Exists dll) $"the sample is built at {dll}"
                let work = Directory.CreateTempSubdirectory "nabla-digits-"

                try
                    let exitCode, output, err = runBuilt dll work.FullName
                    Expect.equal exitCode 0 $"exit code; output:\n{output}{err}"
                    let last = output.TrimEnd().Split('\n') |> Array.last
                    Expect.stringStarts last "test accuracy: " "the last line"

                    let accuracy =
                        Double.Parse(last.Substring("test accuracy: ".Length).TrimEnd('%'), Globalization.CultureInfo.InvariantCulture)

                    printfn "Samples/Digits: %s" last
                    Expect.isGreaterThanOrEqual accuracy 97.0 "test accuracy"

                    for file in [ "best.pt"; "loss.png"; "misclassified.png" ] do
                        Expect.isTrue (File.Exists(Path.Combine(work.FullName, "output", "digits", file))) file

                    Expect.isNonEmpty (Directory.GetFiles(Path.Combine(work.FullName, "output", "digits", "runs"))) "TensorBoard events"
                    // the saved best model loads back into the same architecture
                    let state =
                        Nabla.StateDict.load (Path.Combine(work.FullName, "output", "digits", "best.pt"))

                    Expect.contains state.Names "1.weight" "the convolution's weight"
                finally
                    work.Delete true
        ]
