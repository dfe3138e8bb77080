/// The C# tests (Tests/CSharp): every public static method without parameters of the exported
/// static classes of Nabla.Tests.CSharp is one Expecto test case, so the C# checks run with the
/// others and count in the closing "N passed, M failed" line.
module Nabla.Tests.CSharpSurface

open System
open System.Reflection
open System.Runtime.ExceptionServices
open Expecto

let private assembly = typeof<Nabla.Tests.CSharp.SeedExamples>.Assembly

/// The test methods, by class and name.
let private methods =
    [
        for t in assembly.GetExportedTypes() |> Array.sortBy (fun t -> t.FullName) do
            if t.IsAbstract && t.IsSealed then
                for m in
                    t.GetMethods(BindingFlags.Public ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly)
                    |> Array.sortBy (fun m -> m.Name) do
                    if m.GetParameters().Length = 0 && m.ReturnType = typeof<Void> then
                        t, m
    ]

let tests =
    testList
        "C# surface"
        [
            testCase "the C# test classes were found"
            <| fun () -> Expect.isGreaterThanOrEqual methods.Length 8 "C# test methods"
            for t, m in methods do
                testCase $"{t.Name}.{m.Name}"
                <| fun () ->
                    try
                        m.Invoke(null, [||]) |> ignore
                    with :? TargetInvocationException as e when not (isNull e.InnerException) ->
                        ExceptionDispatchInfo.Capture(e.InnerException).Throw()
        ]
