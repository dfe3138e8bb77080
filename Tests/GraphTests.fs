module Nabla.Tests.GraphTests

open Expecto

let tests = testList "Graph" []
