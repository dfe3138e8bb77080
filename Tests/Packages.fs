/// The packages as a user installs them: packed into a local folder feed, then referenced by a
/// fresh C# console project and a fresh F# script (not by project references).
module Nabla.Tests.Packages

open Expecto

let tests = testList "packages" []
