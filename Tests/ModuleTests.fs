/// Modules: registration, naming, state dicts, modes, conversion, the functional view, printing,
/// containers, activations, and the seed's layers.
module Nabla.Tests.ModuleTests

open System
open Expecto
open Nabla
open Nabla.NN
open Nabla.Tests.Check

let private f64 = Dtype.Float64

let tests = testList "modules" []
