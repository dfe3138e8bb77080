/// The C# tests: Tests/CSharp (the F# core as C# sees it) and Tests/CSharpFacade (the Nabla.CSharp
/// facade). Every public static method without parameters of their exported static classes is one
/// Expecto test case, so the C# checks run with the others and count in the closing
/// "N passed, M failed" line.
module Nabla.Tests.CSharpSurface

open System
open System.Reflection
open System.Runtime.ExceptionServices
open Expecto

/// The test methods of an assembly, by class and name.
let private methodsOf (assembly: Assembly) =
    [
        for t in assembly.GetExportedTypes() |> Array.sortBy (fun t -> t.FullName) do
            if t.IsAbstract && t.IsSealed then
                for m in
                    t.GetMethods(BindingFlags.Public ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly)
                    |> Array.sortBy (fun m -> m.Name) do
                    if m.GetParameters().Length = 0 && m.ReturnType = typeof<Void> then
                        t, m
    ]

let private suite (name: string) (assembly: Assembly) (atLeast: int) =
    let methods = methodsOf assembly

    testList
        name
        [
            testCase "the C# test classes were found"
            <| fun () -> Expect.isGreaterThanOrEqual methods.Length atLeast "C# test methods"
            for t, m in methods do
                testCase $"{t.Name}.{m.Name}"
                <| fun () ->
                    try
                        m.Invoke(null, [||]) |> ignore
                    with :? TargetInvocationException as e when not (isNull e.InnerException) ->
                        ExceptionDispatchInfo.Capture(e.InnerException).Throw()
        ]

let tests =
    testList
        "C#"
        [
            suite "C# surface" typeof<Nabla.Tests.CSharp.SeedExamples>.Assembly 8
            suite "C# facade" typeof<FacadeTests.SurfaceTests>.Assembly 2
        ]
