module Quickstart.Program
[<EntryPoint>]
let main _ = 0
