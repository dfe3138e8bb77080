module Nabla.Tests.PlotTests

open Expecto

let tests = testList "Plots" []
