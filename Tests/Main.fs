module Nabla.Tests.Main

open System
open Expecto
open Expecto.Impl

let allTests =
    testList
        "Nabla"
        [
            NativeLoading.tests
            TensorBasics.tests
            OpProperties.tests
            KnownValues.tests
            PyTorchParity.tests
            SearchTests.tests
            IndexingTests.tests
            LinalgTests.tests
            IntegerRandomTests.tests
            NNFunctionsTests.tests
            Transforms.tests
            Autograd.tests
            ModuleTests.tests
            LayerTests.tests
            RecurrentTests.tests
            LossTests.tests
            OptimizerTests.tests
            SchedulerTests.tests
            DataTests.tests
            TrainerTests.tests
            TensorBoardTests.tests
            SerializationTests.tests
            GraphTests.tests
            PlotTests.tests
            Errors.tests
            Defects.tests
            Casts.tests
            UserOps.tests
            MemoryTests.tests
            Documentation.tests
            Fuzz.tests
            CSharpSurface.tests
            Packages.tests
            PropertyTestingTests.tests
        ]

/// Runs every test (Expecto command-line arguments work, e.g. --filter "Nabla.errors") and ends
/// with the line "N passed, M failed"; the exit code is non-zero on any failure. With a
/// `--child-...` argument it is instead a child process of one of the tests.
[<EntryPoint>]
let main argv =
    match argv with
    | [| "--child-gradient" |] -> NativeLoading.childGradient ()
    | [| "--child-latency" |] -> MemoryTests.childLatency "grad"
    | [| "--child-latency"; workload |] -> MemoryTests.childLatency workload
    | [| "--child-finalizer-lock" |] -> MemoryTests.childFinalizerLock ()
    | _ when argv.Length > 0 && argv[0] = "--child-fuzz" -> Fuzzing.Child.run argv[1..]
    | _ ->
        // Expecto runs tests in parallel on the two cores; LibTorch's own thread pool would oversubscribe them.
        Nabla.Torch.setNumThreads 1
        let mutable summary: TestRunSummary option = None
        let handler = SummaryHandler(fun s -> summary <- Some s)

        let code =
            runTestsWithCLIArgs [ Append_Summary_Handler handler; No_Spinner ] argv allTests

        match summary with
        | Some s ->
            let failed = s.failed.Length + s.errored.Length + s.timedOut.Length

            if not s.ignored.IsEmpty then
                printfn "%d ignored" s.ignored.Length
            // One write, on its own line: Expecto's logger may still be finishing a coloured line.
            Console.Out.Flush()
            Console.Out.Write($"\n{s.passed.Length} passed, {failed} failed\n")
            Console.Out.Flush()
            if failed > 0 && code = 0 then 1 else code
        | None ->
            Console.Out.Write("\n0 passed, 1 failed\n")
            if code = 0 then 1 else code
