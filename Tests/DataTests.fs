module Nabla.Tests.DataTests

open Expecto

let tests = testList "Data" []
