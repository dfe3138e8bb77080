module Nabla.Tests.TrainerTests

open Expecto

let tests = testList "Trainer" []
