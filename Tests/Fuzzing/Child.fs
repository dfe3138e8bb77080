/// The child process of the fuzz tests (`--child-fuzz`): makes the calls, printing each one
/// before making it, and reports the bad ones.
namespace Nabla.Tests.Fuzzing

open System
open System.Collections.Generic
open System.Diagnostics
open System.Reflection
open Nabla

// ==================================================================== the child: making the calls

module Child =

    let invoke (call: Call) (args: obj[]) : obj =
        let m = call.Method
        let flags = BindingFlags.DoNotWrapExceptions

        if m.IsStatic then
            m.Invoke(null, flags, null, args, null)
        else
            m.Invoke(args[0], flags, null, Array.tail args, null)

    /// Forces a result, so that a broken tensor coming back counts against the call.
    let touch (result: obj) =
        match result with
        | :? Tensor as t ->
            t.Shape |> ignore
            t.Dtype |> ignore
        | :? (Tensor[]) as ts ->
            for t in ts do
                t.Shape |> ignore
        | _ -> ()

    /// A tensor-valued result as one tensor for differentiation (the sum of an array's sums).
    let asTensor (result: obj) : Tensor =
        match result with
        | :? Tensor as t -> t
        | :? (Tensor[]) as ts when ts.Length > 0 -> ts |> Array.map Tensor.sum |> Array.reduce (+)
        | _ -> Tensor.scalar 0.0

    let returnsTensors (m: MethodInfo) =
        m.ReturnType = typeof<Tensor> || m.ReturnType = typeof<Tensor[]>

    /// A place where a tensor argument can be replaced by the variable of a derivative: a tensor
    /// parameter, or the first element of an array/list/seq of tensors.
    type Slot =
        | Whole of arg: int
        | First of arg: int

    let private usableFloat (t: Tensor) =
        try
            t.Dtype.IsFloatingPoint
        with _ ->
            false

    let slots (args: obj[]) : (Slot * Tensor)[] =
        args
        |> Array.mapi (fun i a ->
            match a with
            | :? Tensor as t -> Some(Whole i, t)
            | :? (Tensor[]) as ts when ts.Length > 0 -> Some(First i, ts[0])
            | :? (Tensor list) as ts when not ts.IsEmpty -> Some(First i, ts.Head)
            | _ -> None)
        |> Array.choose id
        |> Array.filter (fun (_, t) -> usableFloat t)

    let withSlot (args: obj[]) (slot: Slot) (x: Tensor) : obj[] =
        let copy = Array.copy args

        match slot with
        | Whole i -> copy[i] <- box x
        | First i ->
            copy[i] <-
                match args[i] with
                | :? (Tensor[]) as ts -> box (Array.updateAt 0 x ts)
                | :? (Tensor list) as ts -> box (x :: ts.Tail)
                | other -> other

        copy

    let slotText (slot: Slot) =
        match slot with
        | Whole i -> $"argument {i + 1}"
        | First i -> $"first tensor of argument {i + 1}"

    /// Counts and the bad cases of one child run.
    type Tally() =
        member val Calls = 0 with get, set
        member val Ok = 0 with get, set
        member val Ours = 0 with get, set
        member val Bad = 0 with get, set
        member val Harness = 0 with get, set
        member val Skipped = 0 with get, set
        /// kinds of bad case (by signature): an id for this run and how many cases
        member val Kinds = Dictionary<string, int * int>() with get
        /// the modes (call, grad, jvp) each kind was seen in
        member val KindModes = Dictionary<string, SortedSet<string>>() with get
        /// per function and mode ("call", "grad", "jvp"): ok, ours, bad (to see what the cases reach)
        member val PerMode = Dictionary<string, int[]>() with get

    /// How many bad cases of one signature are printed in full (the rest are counted).
    let printedPerSignature = 3

    let out (line: string) =
        Console.Out.WriteLine(line.Replace('\n', ' ').Replace('\r', ' '))
        Console.Out.Flush()

    /// Runs one attempt and records its verdict.
    let attempt (tally: Tally) (target: Target) (mode: string) (argsText: string) (transform: string option) (f: unit -> obj) =
        tally.Calls <- tally.Calls + 1

        let verdict =
            try
                touch (f ())
                Succeeded
            with e ->
                Classify.verdict target.Op transform e

        let key = $"{target.Name} | {mode}"

        if not (tally.PerMode.ContainsKey key) then
            tally.PerMode[key] <- Array.zeroCreate 3

        let counts = tally.PerMode[key]

        let slot =
            match verdict with
            | Succeeded -> 0
            | Ours -> 1
            | Bad _ -> 2

        counts[slot] <- counts[slot] + 1

        match verdict with
        | Succeeded -> tally.Ok <- tally.Ok + 1
        | Ours -> tally.Ours <- tally.Ours + 1
        | Bad(reason, exnType, message) ->
            tally.Bad <- tally.Bad + 1
            // one kind whether it happened in the call, the gradient or the JVP
            let signature = $"{target.Name} | {exnType} | {Classify.signature message}"

            let id, seen =
                match tally.Kinds.TryGetValue signature with
                | true, k -> k
                | _ -> tally.Kinds.Count, 0

            tally.Kinds[signature] <- (id, seen + 1)

            if seen = 0 then
                tally.KindModes[signature] <- SortedSet()

            tally.KindModes[signature].Add mode |> ignore

            if seen < printedPerSignature then
                out $"BAD {id} | {target.Name} | {mode} | {argsText} | {exnType} | {message} | {reason}"

    /// A stable 32-bit hash (string.GetHashCode differs between processes).
    let stableHash (s: string) =
        let mutable h = 2166136261u

        for ch in s do
            h <- (h ^^^ uint32 ch) * 16777619u

        int (h &&& 0x7fffffffu)

    /// One case: the call, then (for a tensor-valued function) the gradient with respect to one
    /// floating-point tensor argument, and every third case a JVP.
    /// Returns false when the function cannot be fuzzed at all (a parameter type without a
    /// generator: reported once as a harness gap, then the function's other cases are skipped).
    let runCase (tally: Tally) (seed: int) (index: int) (target: Target) (case: int) : bool =
        let rng = System.Random(stableHash $"{seed}/{target.Name}/{case}")
        Nabla.Random.seed case // rand, randn and dropout draw from the global generator

        Scope.run (fun () ->
            let generated =
                try
                    Generate.call (Generate.newCase rng target.Op) target
                    |> Result.mapError (fun gap -> gap, false)
                with e ->
                    Error($"argument generation threw {e.GetType().Name}: {Classify.firstLine e.Message}", true)

            match generated with
            | Error(reason, goOn) ->
                tally.Harness <- tally.Harness + 1
                out $"HARNESS {target.Name} | case {case} | {reason}"
                goOn
            | Result.Ok call ->
                let args = call.Args |> Array.map (fun a -> a.Value)
                let argsText = String.Join(" ", call.Args |> Array.map (fun a -> a.Text))

                let trace (mode: string) =
                    out $"CALL {index} {case} {mode} {target.Name} {argsText}"

                trace "call"
                attempt tally target "call" argsText None (fun () -> invoke call args)
                let slots = slots args

                if returnsTensors call.Method && slots.Length > 0 then
                    let slot, x = slots[rng.Next slots.Length]

                    let f (v: Tensor) =
                        invoke call (withSlot args slot v) |> asTensor

                    trace $"grad wrt {slotText slot}"

                    attempt tally target "grad" $"{argsText} (grad wrt {slotText slot})" (Some "grad") (fun () ->
                        box (AD.grad (fun v -> Tensor.sum (f v)) x))

                    if case % 3 = 0 then
                        trace $"jvp wrt {slotText slot}"

                        attempt tally target "jvp" $"{argsText} (jvp wrt {slotText slot})" (Some "jvp") (fun () ->
                            box (snd (AD.jvp f x (Tensor.onesLike x))))

                true)

    /// `--child-fuzz <seed> <first> <count> <cases> [<startIndex> <startCase>]`: fuzzes the functions
    /// first .. first+count-1 of Discovery.targets, `cases` cases each, beginning at function
    /// startIndex, case startCase (to resume after a crash). Prints CALL before every call, BAD per
    /// bad case (a few per kind, with the kind's id), STATS per function and mode (how many calls
    /// succeeded, failed cleanly, failed badly), BADKIND per kind (id, count, modes, signature), and a final SUMMARY line.
    let run (argv: string[]) =
        let arg i = Int32.Parse argv[i]
        let seed, first, count, cases = arg 0, arg 1, arg 2, arg 3
        let startIndex, startCase = if argv.Length >= 6 then arg 4, arg 5 else first, 0
        Native.ensureLoaded ()
        TorchSharp.torch.set_num_threads 1
        let clock = Stopwatch.StartNew()
        let targets = Discovery.targets ()
        let tally = Tally()

        for index in Operators.max first startIndex .. Operators.min (first + count) targets.Length - 1 do
            let target = targets[index]

            match Discovery.skipReason target with
            | Some reason ->
                tally.Skipped <- tally.Skipped + 1
                out $"SKIP {target.Name} | {reason}"
            | None ->
                let mutable case = if index = startIndex then startCase else 0

                while case < cases && runCase tally seed index target case do
                    case <- case + 1

        for KeyValue(key, counts) in tally.PerMode do
            out $"STATS {key} | ok={counts[0]} ours={counts[1]} bad={counts[2]}"

        for KeyValue(signature, (id, n)) in tally.Kinds do
            out $"BADKIND {id} {n} {String.Join(',', tally.KindModes[signature])} | {signature}"

        out
            $"SUMMARY calls={tally.Calls} ok={tally.Ok} ours={tally.Ours} bad={tally.Bad} harness={tally.Harness} skipped={tally.Skipped} seconds={clock.Elapsed.TotalSeconds:F1}"

        0
