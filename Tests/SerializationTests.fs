module Nabla.Tests.SerializationTests

open Expecto

let tests = testList "Serialization" []
