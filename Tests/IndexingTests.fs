/// indexing, logic and shape: property tests, known values, errors and PyTorch parity.
module Nabla.Tests.IndexingTests

open Expecto

let tests = testList "indexing, logic and shape" []
