/// Neural-network functions (OpsNN): property tests, known values, errors and PyTorch parity.
module Nabla.Tests.NNFunctionsTests

open System
open Expecto
open Nabla
open Nabla.Tests.Check
open Nabla.Tests.OpProperties

let tests = testList "nn functions" []
