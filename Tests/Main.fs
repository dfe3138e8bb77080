module Nabla.Tests.Main
[<EntryPoint>]
let main _ = 0
