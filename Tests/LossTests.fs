module Nabla.Tests.LossTests

open Expecto

let tests = testList "Losses" []
