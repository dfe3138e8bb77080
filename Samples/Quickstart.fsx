// Nabla from F# Interactive: the seed autograd example.
// Build the library once (`dotnet build Core -c Release`), then run `dotnet fsi Samples/Quickstart.fsx`.
// TorchSharp and the LibTorch binaries sit beside Nabla.dll, and Nabla makes LibTorch load by
// itself before its first call, so this one reference is all a script needs.
#r "../Core/bin/Release/net10.0/Nabla.dll"

open Nabla

// d(x²)/dx at 3 is 6.
printfn "AD.grad (fun x -> x * x) (Tensor.scalar 3.0) = %O" (AD.grad (fun x -> x * x) (Tensor.scalar 3.0))

// The seed example: z = x² + y³ + 5 at x = 2, y = 3, so dz/dx = 2x = 4 and dz/dy = 3y² = 27.
let x, y = Tensor.scalar 2.0, Tensor.scalar 3.0
let z (x: Tensor) (y: Tensor) = x ** 2.0 + y ** 3.0 + 5.0

let dzdx = AD.grad (fun x -> z x y) x
let dzdy = AD.grad (fun y -> z x y) y
printfn "dz/dx = %g" (dzdx.ToScalar())
printfn "dz/dy = %g" (dzdy.ToScalar())

// Both at once, by name, without packing x and y into one vector.
let grads =
    AD.gradParams (fun p -> z p["x"] p["y"]) (Params.ofList [ "x", x; "y", y ])

printfn "AD.gradParams: dz/dx = %g, dz/dy = %g" (grads["x"].ToScalar()) (grads["y"].ToScalar())
