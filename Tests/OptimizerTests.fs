module Nabla.Tests.OptimizerTests

open Expecto

let tests = testList "Optimizers" []
