// The whole tour (the walkthrough of `dotnet fsi build.fsx run`) from F# Interactive: build the
// library once (`dotnet fsi build.fsx build`), then run `dotnet fsi Samples/Tour.fsx` from the
// repository root. It loads the walkthrough's source itself, so the program and the script are
// one tour, and writes the same files into output/.
#r "../Core/bin/Release/net10.0/Nabla.dll"
#nowarn "2304" // the program's [<EntryPoint>], called below
#load "Quickstart/Program.fs"

Quickstart.Program.main [||] |> ignore
