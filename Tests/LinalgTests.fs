/// products and linear algebra: property tests, known values, errors and PyTorch parity.
module Nabla.Tests.LinalgTests

open Expecto

let tests = testList "products and linear algebra" []
