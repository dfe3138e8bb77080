/// layers: gradients against finite differences, PyTorch parity, errors.
module Nabla.Tests.LayerTests

open System
open Expecto
open Nabla
open Nabla.NN
open Nabla.Tests.Check

let tests = testList "layers" []
