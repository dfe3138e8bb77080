module Nabla.Tests.SchedulerTests

open Expecto

let tests = testList "Schedulers" []
