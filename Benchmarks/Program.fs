module Nabla.Benchmarks.Program
[<EntryPoint>]
let main _ = 0
