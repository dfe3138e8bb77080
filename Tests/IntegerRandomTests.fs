/// integers, randomness and conversion: property tests, known values, errors and PyTorch parity.
module Nabla.Tests.IntegerRandomTests

open Expecto

let tests = testList "integers, randomness and conversion" []
