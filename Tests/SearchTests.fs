/// reductions, sorting and searching: property tests, known values, errors and PyTorch parity.
module Nabla.Tests.SearchTests

open Expecto

let tests = testList "reductions, sorting and searching" []
