/// Fuzzing every public Tensor function: random shapes (rank 0 and zero-size dimensions
/// included), every dtype, out-of-range dimensions, NaN and infinities, and the gradient (and
/// some JVPs) of every function that maps tensors to a tensor. Nothing may crash, and every error
/// must be one of ours: a .NET argument/operation exception whose message names the op, never a
/// raw LibTorch message, never IndexOutOfRange or NullReference.
///
/// The calls run in child processes (`--child-fuzz`), a chunk of functions each, so that a native
/// crash (LibTorch's `terminate called after throwing an instance of 'c10::Error'`) fails one test
/// instead of killing the test run. The child prints every call before making it, so the last line
/// before a crash names the function and the arguments.
///
/// Functions are found by reflection, so a new public function is fuzzed without any change here:
/// arguments are generated from each parameter's type, refined by its name (`dim`, `shape`,
/// `index`, ...). The small `Hints` module only adds knowledge; no function needs an entry.
///
/// The parts, in Tests/Fuzzing: Rules.fs (settings, hints, discovery, what counts as our error),
/// Arguments.fs (argument generation), Child.fs (the child process). This file runs the children
/// and turns their reports into tests.
module Nabla.Tests.Fuzz

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open Expecto
open Nabla
open Nabla.Tests.Fuzzing

// ==================================================================== the parent: chunks and crashes

module Parent =

    /// What one child process reported.
    type ChildResult =
        {
            ExitCode: int option // None: killed after the timeout
            Summary: string option
            /// Each kind of bad case: its signature, how many cases, in which modes, and the first case printed.
            Kinds: (string * int * string * string) list
            Harness: string list
            Skips: string list
            Stats: string list
            /// The last CALL line: the call in progress when the child died.
            LastCall: string option
            StderrTail: string
        }

    /// Runs this test program with `--child-fuzz` and the given arguments, reading its output as it comes.
    let runChild (args: string) : ChildResult =
        let exe = Environment.ProcessPath

        let psi =
            if Path.GetFileNameWithoutExtension exe = "dotnet" then
                ProcessStartInfo("dotnet", $"\"{Reflection.Assembly.GetEntryAssembly().Location}\" --child-fuzz {args}")
            else
                ProcessStartInfo(exe, $"--child-fuzz {args}")

        psi.RedirectStandardOutput <- true
        psi.RedirectStandardError <- true
        psi.UseShellExecute <- false

        let examples, printed, kinds, harness, skips, stats =
            Dictionary<string, string>(), Dictionary<string, int>(), ResizeArray(), ResizeArray(), ResizeArray(), ResizeArray()

        let mutable summary, lastCall = None, None
        let gate = obj ()
        use p = new Process(StartInfo = psi)

        p.OutputDataReceived.Add(fun e ->
            match e.Data with
            | null -> ()
            | line ->
                lock gate (fun () ->
                    if line.StartsWith "CALL " then
                        lastCall <- Some(line.Substring 5)
                    elif line.StartsWith "BAD " then
                        let id, case = let p = line.Substring(4).Split(" | ", 2) in p[0], p[1]

                        printed[id] <-
                            (match printed.TryGetValue id with
                             | true, n -> n
                             | _ -> 0)
                            + 1

                        if not (examples.ContainsKey id) then
                            examples[id] <- case
                    elif line.StartsWith "BADKIND " then
                        let head, signature = let p = line.Substring(8).Split(" | ", 2) in p[0], p[1]
                        let id, count, modes = let h = head.Split ' ' in h[0], int h[1], h[2]
                        kinds.Add(id, count, modes, signature)
                    elif line.StartsWith "HARNESS " then
                        harness.Add(line.Substring 8)
                    elif line.StartsWith "SKIP " then
                        skips.Add(line.Substring 5)
                    elif line.StartsWith "STATS " then
                        stats.Add(line.Substring 6)
                    elif line.StartsWith "SUMMARY " then
                        summary <- Some(line.Substring 8)))

        p.Start() |> ignore
        p.BeginOutputReadLine()
        let stderr = p.StandardError.ReadToEndAsync()
        let finished = p.WaitForExit(Settings.timeoutSeconds () * 1000)

        if not finished then
            try
                p.Kill true
            with _ ->
                ()

        p.WaitForExit()
        let err = if stderr.Wait 5000 then stderr.Result else ""
        // why it died: LibTorch's terminate message and its what(), or .NET's fatal error, else the last lines
        let lines =
            err.Split('\n')
            |> Array.map (fun l -> l.Trim())
            |> Array.filter (fun l -> l <> "" && not (l.Contains "NNPACK"))

        let telling =
            lines
            |> Array.filter (fun l ->
                l.StartsWith "terminate called"
                || l.StartsWith "what():"
                || l.StartsWith "Unhandled exception"
                || l.StartsWith "Fatal error"
                || l.StartsWith "Stack overflow"
                || l.Contains "Segmentation fault")

        let tail =
            (if telling.Length > 0 then
                 telling
             else
                 lines |> Array.rev |> Array.truncate 3 |> Array.rev)
            |> String.concat " / "

        lock gate (fun () ->
            {
                ExitCode = (if finished then Some p.ExitCode else None)
                Summary = summary
                Kinds =
                    if summary.IsSome then
                        [
                            for id, count, modes, signature in kinds ->
                                signature,
                                count,
                                modes,
                                (match examples.TryGetValue id with
                                 | true, e -> e
                                 | _ -> signature)
                        ]
                    else
                        // it died before its BADKIND lines: the kinds from the BAD lines (at most a few cases each)
                        [
                            for KeyValue(id, example) in examples ->
                                let f = example.Split(" | ")

                                let signature =
                                    if f.Length >= 5 then
                                        $"{f[0]} | {f[3]} | {Classify.signature f[4]}"
                                    else
                                        example

                                signature, printed[id], (if f.Length >= 2 then f[1] else "?"), example
                        ]
                Harness = List.ofSeq harness
                Skips = List.ofSeq skips
                Stats = List.ofSeq stats
                LastCall = lastCall
                StderrTail = tail
            })

    let finishedNormally (r: ChildResult) = r.ExitCode = Some 0 && r.Summary.IsSome

    /// A child that died: what it was doing, how it ended, and whether that call alone kills a
    /// fresh process too.
    type Crash =
        {
            Call: string
            Ending: string
            ReproducesAlone: bool option
        }

    /// Everything found in one chunk.
    type ChunkResult =
        {
            Crashes: Crash list
            /// Each kind of bad case: how many cases, and an example (function | mode | arguments | exception | message | reason).
            Kinds: (int * string * string) list
            Harness: string list
            Skips: string list
            Stats: string list
            Summaries: string list
        }

    let private ending (r: ChildResult) =
        match r.ExitCode with
        | None -> $"no answer after {Settings.timeoutSeconds ()} s (killed)"
        | Some code -> $"exit code {code}: {r.StderrTail}"

    /// Worst first: exceptions of foreign types, then raw LibTorch text, then messages that name
    /// another op, then use-after-free messages (one cause shared by every op).
    let severity (example: string) =
        if example.EndsWith Classify.foreignType then
            0
        elif example.EndsWith Classify.rawText then
            1
        elif example.Contains "used after its memory was freed" then
            3
        else
            2

    /// Fuzzes functions first .. first+count-1 in as many child processes as crashes require: after
    /// a crash, the call it died in (the last CALL line) is re-run alone, and the chunk resumes
    /// with the next case (or the next function, after three crashes in one). A child that dies
    /// before its first call is re-run function by function.
    let fuzzChunk (seed: int) (cases: int) (first: int) (count: int) : ChunkResult =
        let crashes, harness, skips, stats, summaries =
            ResizeArray(), ResizeArray(), ResizeArray(), ResizeArray(), ResizeArray()
        // kinds merged over the children of this chunk: signature → (count, modes, example)
        let kinds = Dictionary<string, int * Set<string> * string>()
        let crashesIn = Dictionary<int, int>()

        let collect (r: ChildResult) =
            for signature, count, modes, example in r.Kinds do
                let modes = set (modes.Split ',')

                kinds[signature] <-
                    match kinds.TryGetValue signature with
                    | true, (n, m, e) -> (n + count, Set.union m modes, e)
                    | _ -> (count, modes, example)

            harness.AddRange r.Harness
            skips.AddRange r.Skips
            stats.AddRange r.Stats
            Option.iter summaries.Add r.Summary

        let rec from (startIndex: int) (startCase: int) (restarts: int) =
            let r = runChild $"{seed} {first} {count} {cases} {startIndex} {startCase}"
            collect r

            if not (finishedNormally r) then
                match r.LastCall with
                | Some call ->
                    let parts = call.Split(' ', 3)
                    let index, case = int parts[0], int parts[1]
                    let alone = runChild $"{seed} {index} 1 {case + 1} {index} {case}"

                    crashes.Add
                        {
                            Call = parts[2]
                            Ending = ending r
                            ReproducesAlone = Some(not (finishedNormally alone))
                        }

                    let n =
                        (match crashesIn.TryGetValue index with
                         | true, n -> n
                         | _ -> 0)
                        + 1

                    crashesIn[index] <- n

                    if restarts >= 12 then
                        crashes.Add
                            {
                                Call = $"functions #{index}.. (not fuzzed: gave up after {restarts} restarts)"
                                Ending = ""
                                ReproducesAlone = None
                            }
                    elif n >= 3 || case + 1 >= cases then
                        from (index + 1) 0 (restarts + 1)
                    else
                        from index (case + 1) (restarts + 1)
                | None when startIndex = first && startCase = 0 && count > 1 ->
                    for index in first .. first + count - 1 do
                        let one = runChild $"{seed} {index} 1 {cases}"
                        collect one

                        if not (finishedNormally one) then
                            crashes.Add
                                {
                                    Call = $"function #{index}: {one.LastCall |> Option.defaultValue (ending one)}"
                                    Ending = ending one
                                    ReproducesAlone = None
                                }
                | None ->
                    crashes.Add
                        {
                            Call = $"functions #{startIndex}.. (before the first call)"
                            Ending = ending r
                            ReproducesAlone = None
                        }

        if count > 0 then
            from first 0 0

        {
            Crashes = List.ofSeq crashes
            Kinds =
                [
                    for KeyValue(_, (count, modes, example)) in kinds -> count, String.Join(",", modes), example
                ]
                |> List.sortBy (fun (count, _, example) -> severity example, -count)
            Harness = List.ofSeq harness
            Skips = List.ofSeq skips
            Stats = List.ofSeq stats
            Summaries = List.ofSeq summaries
        }

    /// The report of a chunk: crashes first, then each kind of bad case with its count and an
    /// example, then harness errors.
    let report (r: ChunkResult) : string list =
        [
            for c in r.Crashes do
                let alone =
                    match c.ReproducesAlone with
                    | Some true -> " (crashes alone too)"
                    | Some false -> " (not alone: depends on earlier calls)"
                    | None -> ""

                yield $"CRASH in {c.Call}{alone} -- {c.Ending}"
            for count, modes, example in r.Kinds -> $"BAD x{count} [{modes}]: {example}"
            for h in r.Harness -> $"HARNESS BUG: {h}"
        ]

// ==================================================================== the tests

/// The chunks: consecutive functions of Discovery.targets, chunkSize at a time.
let private chunks () =
    let targets = Discovery.targets ()
    let size = Operators.max 1 (Settings.chunkSize ())

    [
        for first in 0..size .. targets.Length - 1 -> first, Operators.min size (targets.Length - first), targets
    ]

let private chunkTest (first: int, count: int, targets: Target[]) =
    let names = targets[first .. first + count - 1] |> Array.map (fun t -> t.Name)

    let title =
        $"calls to {names[0]} … {names[names.Length - 1]} ({count} functions) neither crash nor raise errors that are not ours"

    testCase title
    <| fun () ->
        let result = Parent.fuzzChunk (Settings.seed ()) (Settings.cases ()) first count
        let lines = Parent.report result

        match Settings.reportFolder () with
        | null
        | "" -> ()
        | folder ->
            Directory.CreateDirectory folder |> ignore

            File.WriteAllLines(
                Path.Combine(folder, $"chunk-{first:D3}.txt"),
                [
                    yield! names
                    yield! result.Summaries |> List.map ((+) "SUMMARY ")
                    yield! result.Skips |> List.map ((+) "SKIP ")
                    yield! lines
                    yield! result.Stats |> List.map ((+) "STATS ")
                ]
            )

        if not lines.IsEmpty then
            let shown = lines |> List.truncate 20

            let more =
                if lines.Length > 20 then
                    $"\n... and {lines.Length - 20} more"
                else
                    ""

            failtestf
                "%d crash(es), %d bad case(s) of %d kind(s), %d harness error(s):\n%s%s"
                result.Crashes.Length
                (result.Kinds |> List.sumBy (fun (n, _, _) -> n))
                result.Kinds.Length
                result.Harness.Length
                (String.Join("\n", shown))
                more

/// The harness's own rules, checked on known messages.
/// A function of a shape the API does not have yet: a parameter type no generator knows.
type private Unknown() = class end
let private takesUnknown (_: Unknown) (x: Tensor) = x

let private ruleTests =
    testList
        "the fuzz harness"
        [
            testCase "generates arguments for every discovered function without throwing"
            <| fun () ->
                for target in Discovery.targets () |> Array.filter (fun t -> (Discovery.skipReason t).IsNone) do
                    for case in 0..9 do
                        let rng = System.Random(Child.stableHash $"{target.Name}/{case}")

                        Nabla.Scope.run (fun () ->
                            match Generate.call (Generate.newCase rng target.Op) target with
                            | Ok call ->
                                Expect.equal
                                    call.Args.Length
                                    (Discovery.parameters { target with Method = call.Method }).Length
                                    target.Name
                            | Error gap -> failtestf "%s: %s" target.Name gap)

            testCase "reports a parameter type it cannot generate instead of throwing"
            <| fun () ->
                let m =
                    Reflection.Assembly.GetExecutingAssembly().GetTypes()
                    |> Array.collect (fun t ->
                        t.GetMethods(
                            Reflection.BindingFlags.NonPublic
                            ||| Reflection.BindingFlags.Public
                            ||| Reflection.BindingFlags.Static
                        ))
                    |> Array.find (fun m -> m.Name = "takesUnknown")

                let target =
                    {
                        Name = "takesUnknown"
                        Op = "takesUnknown"
                        Method = m
                        IsInstance = false
                    }

                match Generate.call (Generate.newCase (System.Random 1) target.Op) target with
                | Ok _ -> failtest "generated a value of a type it does not know"
                | Error gap -> Expect.stringContains gap "Unknown" "names the type"

            testCase "finds the Tensor module, the Tensor type's members and the extensions"
            <| fun () ->
                let names = Discovery.targets () |> Array.map (fun t -> t.Name) |> set

                for name in
                    [
                        "Tensor.add"
                        "Tensor.sumDim"
                        "Tensor.ofArray"
                        "Tensor.Exp"
                        "Tensor.Zeros"
                        "x.Conv2d"
                        "x.ToScalar"
                    ] do
                    Expect.isTrue (names.Contains name) $"{name} is discovered"

                Expect.isGreaterThan names.Count 150 "the whole API"

            testCase "accepts errors that name the op, a variant of it, or an alias"
            <| fun () ->
                let v op msg =
                    Classify.verdict op None (ArgumentException msg)

                Expect.equal (v "add" "add: shapes [2] and [3] do not broadcast") Ours "the op"
                Expect.equal (v "sumDim" "sum: dimension 5 is out of range") Ours "a variant"
                Expect.equal (v "Zeros" "Tensor.zeros: negative size") Ours "qualified, other case"

                Expect.equal
                    (v "toDtype" "toDtype(float16): LibTorch rejected the inputs (bool[2]): not supported")
                    Ours
                    "with a parenthesised part"

                Expect.equal (v "op_Addition" "add: shapes do not broadcast") Ours "an operator's alias"

                Expect.equal
                    (v "matmul" "matmul (batch dimensions): shapes [3] and [4, 0] do not broadcast")
                    Ours
                    "with a note after the name"

                Expect.equal
                    (Classify.verdict "sin" (Some "grad") (ArgumentException "AD.grad: the function returned dtype int64"))
                    Ours
                    "the transform"

            testCase "rejects foreign exceptions, raw LibTorch text and messages without the op"
            <| fun () ->
                let isBad (verdict: Verdict) =
                    match verdict with
                    | Bad _ -> true
                    | _ -> false

                Expect.isTrue
                    (isBad (Classify.verdict "select" None (IndexOutOfRangeException "select: index 3 is out of range")))
                    "IndexOutOfRange"

                Expect.isTrue (isBad (Classify.verdict "sum" None (NullReferenceException()))) "NullReference"

                Expect.isTrue
                    (isBad (Classify.verdict "sum" None (ArgumentException "sum: bad\nException raised from foo at bar.cpp:12")))
                    "C++ text"

                Expect.isTrue (isBad (Classify.verdict "exp" None (ArgumentException "expand: cannot expand"))) "another op's name"

                Expect.isTrue
                    (isBad (Classify.verdict "zeros" None (ArgumentException "A shape cannot have a negative size: [-1]")))
                    "no op at all"

                Expect.isTrue
                    (isBad (Classify.verdict "sum" None (Runtime.InteropServices.ExternalException "Dimension out of range")))
                    "raw ExternalException"
        ]

let tests =
    testList
        "fuzz"
        [
            ruleTests
            testList "every public Tensor function, with random arguments and under grad and jvp" (chunks () |> List.map chunkTest)
        ]
