/// integers, randomness and conversion: property tests, known values, errors and PyTorch parity.
module Nabla.Tests.IntegerRandomTests

open System
open Expecto
open Nabla
open Nabla.FsCheck
open Nabla.Tests.Check
open Nabla.Tests.OpProperties

let private i64 (xs: int64[]) = Tensor.ofArray xs
let private i32 (xs: int[]) = Tensor.ofArray xs
let private f64 (xs: float[]) = Tensor.ofArray xs
let private longs (t: Tensor) = Tensor.toArrayOf<int64> t

let private expectDtype (what: string) (expected: Dtype) (t: Tensor) =
    Expect.equal t.Dtype expected $"{what}: dtype"

let private expectLongs (what: string) (expected: int64[]) (t: Tensor) = Expect.equal (longs t) expected what
let private flip (x: Tensor) = Tensor.flip [| 0 |] x

// ---------------------------------------------------------------- integer arithmetic (PyTorch's promotion)

let private arithmeticTests =
    testList
        "integer arithmetic keeps PyTorch's dtypes"
        [
            testCase "int64 + - * int64 stays int64, with exact values"
            <| fun () ->
                let a, b = i64 [| 7L; -3L; 1_000_000_000_000L |], i64 [| 2L; 5L; 3L |]
                expectLongs "a + b" [| 9L; 2L; 1_000_000_000_003L |] (a + b)
                expectLongs "a - b" [| 5L; -8L; 999_999_999_997L |] (a - b)
                expectLongs "a * b" [| 14L; -15L; 3_000_000_000_000L |] (a * b)

                for t in [ a + b; a - b; a * b ] do
                    expectDtype "int64 op int64" Dtype.Int64 t

            testCase "int32 with int64 promotes to int64; int32 with a 0-d int64 stays int32"
            <| fun () ->
                expectDtype "int32 + int64" Dtype.Int64 (i32 [| 1; 2 |] + i64 [| 3L; 4L |])
                let z = i32 [| 1; 2 |] + Tensor.create 2L
                expectDtype "int32 + 0-d int64" Dtype.Int32 z
                Expect.equal (Tensor.toArrayOf<int> z) [| 3; 4 |] "values"

            testCase "integer with bool gives the integer dtype; bool + bool stays bool"
            <| fun () ->
                let z = i64 [| 1L; 2L |] + Tensor.ofArray [| true; false |]
                expectDtype "int64 + bool" Dtype.Int64 z
                expectLongs "values" [| 2L; 2L |] z
                let b = Tensor.ofArray [| true; false |] + Tensor.ofArray [| true; false |]
                expectDtype "bool + bool" Dtype.Bool b
                Expect.equal (Tensor.toArrayOf<bool> b) [| true; false |] "logical or"

            testCase "uint8 and int8 overflow wraps around, as in PyTorch"
            <| fun () ->
                let u = Tensor.ofArray [| 250uy; 3uy |] + Tensor.ofArray [| 10uy; 4uy |]
                expectDtype "uint8 + uint8" Dtype.UInt8 u
                Expect.equal (Tensor.toArrayOf<byte> u) [| 4uy; 7uy |] "250 + 10 wraps to 4"
                let s = Tensor.ofArray [| 127y |] + 1
                expectDtype "int8 + 1" Dtype.Int8 s
                Expect.equal (Tensor.toArrayOf<sbyte> s) [| -128y |] "127 + 1 wraps to -128"
                Expect.equal (Tensor.toArrayOf<byte>(Tensor.ofArray [| 0uy |] - 1)) [| 255uy |] "0 - 1 wraps to 255"

            testCase "int16 with uint8 and int8 with uint8 promote to int16"
            <| fun () ->
                expectDtype "int16 * uint8" Dtype.Int16 (Tensor.ofArray [| 3s |] * Tensor.ofArray [| 2uy |])
                expectDtype "int8 * uint8" Dtype.Int16 (Tensor.ofArray [| 3y |] * Tensor.ofArray [| 2uy |])

            testCase "integer scalars keep the integer dtype; float scalars give float32"
            <| fun () ->
                let t = i64 [| 7L; -2L |]

                for name, r in
                    [
                        "t * 2", t * 2
                        "2 * t", 2 * t
                        "t + 3", t + 3
                        "3 + t", 3 + t
                        "t - 1", t - 1
                        "2 - t", 2 - t
                        "t ** 2", t ** 2
                    ] do
                    expectDtype name Dtype.Int64 r

                expectLongs "2 - t" [| -5L; 4L |] (2 - t)
                expectLongs "t ** 2" [| 49L; 4L |] (t ** 2)
                expectDtype "t * 2.0" Dtype.Float32 (t * 2.0)
                expectDtype "int32 tensor + 0.5" Dtype.Float32 (i32 [| 1 |] + 0.5)

            testCase "int / int is true division with a float32 result, as PyTorch's /"
            <| fun () ->
                let q = i64 [| 7L; -7L; 1L |] / i64 [| 2L; 2L; 3L |]
                expectDtype "int64 / int64" Dtype.Float32 q
                closeWith 1e-7 1e-6 "7/2, -7/2, 1/3" (q.ToArray()) [| 3.5; -3.5; 1.0 / 3.0 |]
                expectDtype "int32 / 2" Dtype.Float32 (i32 [| 7 |] / 2)
                Expect.equal ((i64 [| 1L; -1L |] / i64 [| 0L; 0L |]).ToArray()) [| infinity; -infinity |] "true division by zero gives inf"

            testCase "integers with floating-point tensors promote to the float dtype"
            <| fun () ->
                expectDtype "int64 + float64" Dtype.Float64 (i64 [| 1L |] + f64 [| 0.5 |])
                expectDtype "int32 * float32" Dtype.Float32 (i32 [| 2 |] * Tensor.ofArray [| 0.5f |])
                expectDtype "bool * float16" Dtype.Float16 (Tensor.ofArray [| true |] * Tensor.Ones([| 1 |], dtype = Dtype.Float16))

            testCase "an integer operand of a differentiated expression is a constant; the gradient has the float input's dtype"
            <| fun () ->
                let ints = i64 [| 3L; -2L; 5L |]
                let g = AD.grad (fun x -> Tensor.sum (x * ints + ints)) (f64 [| 1.0; 2.0; 3.0 |])
                expectDtype "gradient" Dtype.Float64 g
                Expect.equal (g.ToArray()) [| 3.0; -2.0; 5.0 |] "d/dx (x·n + n) = n"
        ]

// ---------------------------------------------------------------- remainder, fmod, floorDivide

let private divisionTests =
    testList
        "remainder, fmod and floorDivide"
        [
            testCase "remainder takes the divisor's sign, fmod the dividend's, floorDivide rounds toward -inf (integers)"
            <| fun () ->
                let a, b = i64 [| -5L; 5L; -5L; 5L |], i64 [| 3L; -3L; -3L; 3L |]
                expectLongs "remainder" [| 1L; -1L; -2L; 2L |] (Tensor.remainder a b)
                expectLongs "fmod" [| -2L; 2L; -2L; 2L |] (Tensor.fmod a b)
                expectLongs "floorDivide" [| -2L; -2L; 1L; 1L |] (Tensor.floorDivide a b)

                expectLongs
                    "floorDivide by 2"
                    [| -3L; -3L; 2L; 2L |]
                    (Tensor.floorDivide (i64 [| -5L; 5L; -5L; 5L |]) (i64 [| 2L; -2L; -2L; 2L |]))

                for t in [ Tensor.remainder a b; Tensor.fmod a b; Tensor.floorDivide a b ] do
                    expectDtype "int64" Dtype.Int64 t

            testCase "a = floorDivide a b * b + remainder a b for integers of every sign"
            <| fun () ->
                let a =
                    i64
                        [|
                            for x in -7L .. 7L do
                                for _ in 1..4 -> x
                        |]

                let b =
                    i64
                        [|
                            for _ in -7L .. 7L do
                                for y in [ -3L; -2L; 2L; 5L ] -> y
                        |]

                expectLongs "identity" (longs a) (Tensor.floorDivide a b * b + Tensor.remainder a b)

            testCase "floats: remainder, fmod and floorDivide agree with Python's %, math.fmod and //"
            <| fun () ->
                let a, b = f64 [| -5.5; 5.5; -5.5; 5.5; 7.25 |], f64 [| 2.0; -2.0; -2.0; 2.0; 0.5 |]
                expectTight "remainder" (Tensor.remainder a b) (f64 [| 0.5; -0.5; -1.5; 1.5; 0.25 |])
                expectTight "fmod" (Tensor.fmod a b) (f64 [| -1.5; 1.5; -1.5; 1.5; 0.25 |])
                expectTight "floorDivide" (Tensor.floorDivide a b) (f64 [| -3.0; -3.0; 2.0; 2.0; 14.0 |])

            testCase "scalar divisors: an integer keeps an integer tensor integer, a float gives float32 (PyTorch's int vs float)"
            <| fun () ->
                let t = i32 [| -5; 5 |]
                let r = Tensor.remainderScalar 3 t
                expectDtype "remainder by 3" Dtype.Int32 r
                Expect.equal (Tensor.toArrayOf<int> r) [| 1; 2 |] "values"
                expectDtype "remainder by 3.0" Dtype.Float32 (Tensor.remainderScalar 3.0 t)
                Expect.equal ((Tensor.remainderScalar 3.0 t).ToArray()) [| 1.0; 2.0 |] "values as floats"
                expectLongs "remainder by int64 -3" [| -2L; -1L |] (Tensor.remainderScalar -3L (i64 [| -5L; 5L |]))
                Expect.equal (Tensor.toArrayOf<int>(Tensor.fmodScalar 3 t)) [| -2; 2 |] "fmod by 3"
                Expect.equal (Tensor.toArrayOf<int>(Tensor.floorDivideScalar 2 t)) [| -3; 2 |] "floorDivide by 2"
                expectDtype "floorDivide by 2" Dtype.Int32 (Tensor.floorDivideScalar 2 t)
                expectTight "floorDivide of floats by -2.0" (Tensor.floorDivideScalar -2.0 (f64 [| -7.5; 7.5 |])) (f64 [| 3.0; -4.0 |])
                expectTight "remainder of floats by 2.0" (Tensor.remainderScalar 2.0 (f64 [| -5.5; 5.5 |])) (f64 [| 0.5; 1.5 |])

            testCase "broadcasting and promotion: int32 by int64 gives int64; an int tensor by a float tensor gives floats"
            <| fun () ->
                let r = Tensor.remainder (i32 [| 5; 6; 7 |]) (i64 [| 4L |])
                expectDtype "int32 % int64" Dtype.Int64 r
                expectLongs "values" [| 1L; 2L; 3L |] r

                let m =
                    Tensor.remainder (i64 [| 7L |] |> Tensor.reshape [| 1; 1 |]) (f64 [| 2.0; 4.0; 5.0 |])

                Expect.equal m.Shape [| 1; 3 |] "broadcast shape"
                expectDtype "int64 % float64" Dtype.Float64 m
                Expect.equal (m.ToArray()) [| 1.0; 3.0; 2.0 |] "values"

            testCase "integer division by zero throws DivideByZeroException naming the op (PyTorch: ZeroDivisionError)"
            <| fun () ->
                let a = i64 [| 5L; -5L |]
                let zeros = i64 [| 0L; 1L |]
                throwsWith<DivideByZeroException> [ "floorDivide"; "int64[2]"; "zero" ] (fun () -> Tensor.floorDivide a zeros |> ignore)
                throwsWith<DivideByZeroException> [ "remainder"; "int64[2]" ] (fun () -> Tensor.remainder a zeros |> ignore)
                throwsWith<DivideByZeroException> [ "fmod"; "int64[2]" ] (fun () -> Tensor.fmod a zeros |> ignore)
                throwsWith<DivideByZeroException> [ "floorDivide"; "0" ] (fun () -> Tensor.floorDivideScalar 0 a |> ignore)
                throwsWith<DivideByZeroException> [ "remainder"; "0" ] (fun () -> Tensor.remainderScalar 0L a |> ignore)
                throwsWith<DivideByZeroException> [ "fmod" ] (fun () -> Tensor.fmodScalar 0 a |> ignore)

                throwsWith<DivideByZeroException> [ "floorDivide"; "uint8" ] (fun () ->
                    Tensor.floorDivide (Tensor.ofArray [| 5uy |]) (Tensor.ofArray [| 0uy |])
                    |> ignore)

                throwsWith<DivideByZeroException> [ "remainder"; "int32" ] (fun () ->
                    Tensor.remainder (i32 [| 1; 2; 3 |]) (i32 [| 1; 0; 1 |]) |> ignore)

            testCase "floating-point division by zero gives inf and NaN, as PyTorch"
            <| fun () ->
                let a = f64 [| 1.0; -1.0; 0.0 |]

                Expect.equal
                    ((Tensor.floorDivideScalar 0.0 a).ToArray() |> Array.map string)
                    [| "Infinity"; "-Infinity"; "NaN" |]
                    "floorDivide by 0.0"

                Expect.isTrue ((Tensor.remainderScalar 0.0 a).ToArray() |> Array.forall Double.IsNaN) "remainder by 0.0 is NaN"

                Expect.isTrue
                    ((Tensor.remainder (i64 [| 5L |]) (f64 [| 0.0 |])).ToArray()
                     |> Array.forall Double.IsNaN)
                    "an integer by a float zero is NaN"

            testCase "Int64.MinValue divided by -1 does not crash (PyTorch 1.13 dies of SIGFPE here); it wraps, as two's complement"
            <| fun () ->
                expectLongs "floorDivide" [| Int64.MinValue |] (Tensor.floorDivide (i64 [| Int64.MinValue |]) (i64 [| -1L |]))
                expectLongs "remainder" [| 0L |] (Tensor.remainder (i64 [| Int64.MinValue |]) (i64 [| -1L |]))

                Expect.equal
                    (Tensor.toArrayOf<int>(Tensor.floorDivide (i32 [| Int32.MinValue |]) (i32 [| -1 |])))
                    [| Int32.MinValue |]
                    "int32"

            testCase "bool tensors cannot be divided; shapes that do not broadcast are named"
            <| fun () ->
                let b = Tensor.ofArray [| true; false |]
                throwsWith<ArgumentException> [ "floorDivide"; "bool" ] (fun () -> Tensor.floorDivide b b |> ignore)
                throwsWith<ArgumentException> [ "remainder"; "bool" ] (fun () -> Tensor.remainder b b |> ignore)
                throwsWith<ArgumentException> [ "remainder"; "bool" ] (fun () -> Tensor.remainderScalar 2 b |> ignore)
                throwsWith<ArgumentException> [ "floorDivide"; "bool" ] (fun () -> Tensor.floorDivideScalar 2 b |> ignore)

                throwsWith<ArgumentException> [ "remainder"; "[2]"; "[3]" ] (fun () ->
                    Tensor.remainder (f64 [| 1.0; 2.0 |]) (f64 [| 1.0; 2.0; 3.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "floorDivide"; "[2]"; "[3]" ] (fun () ->
                    Tensor.floorDivide (i64 [| 1L; 2L |]) (i64 [| 1L; 2L; 3L |]) |> ignore)

                throwsWith<ArgumentException> [ "fmod"; "[2]"; "[3]" ] (fun () ->
                    Tensor.fmod (i64 [| 1L; 2L |]) (i64 [| 1L; 2L; 3L |]) |> ignore)

                throwsWith<ArgumentException> [ "remainder"; "String" ] (fun () -> Tensor.remainderScalar "2" (f64 [| 1.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "floorDivide"; "Boolean" ] (fun () ->
                    Tensor.floorDivideScalar true (i64 [| 1L |]) |> ignore)

            testCase "remainder's derivatives: 1 for the dividend, -floor(a/b) for the divisor; fmod's: 1 and -trunc(a/b)"
            <| fun () ->
                let a, b = f64 [| 5.5; -5.5; 0.7 |], f64 [| 2.0; 2.0; -0.3 |]
                expectTight "d remainder / da" (AD.grad (fun a -> Tensor.sum (Tensor.remainder a b)) a) (f64 [| 1.0; 1.0; 1.0 |])
                expectTight "d remainder / db" (AD.grad (fun b -> Tensor.sum (Tensor.remainder a b)) b) (f64 [| -2.0; 3.0; 3.0 |])
                expectTight "d fmod / db" (AD.grad (fun b -> Tensor.sum (Tensor.fmod a b)) b) (f64 [| -2.0; 2.0; 2.0 |])

                expectTight
                    "forward mode"
                    (snd (AD.jvp (fun b -> Tensor.remainder a b) b (f64 [| 1.0; 1.0; 1.0 |])))
                    (f64 [| -2.0; 3.0; 3.0 |])

                expectTight
                    "a broadcast divisor sums its derivative"
                    (AD.grad (fun b -> Tensor.sum (Tensor.remainder a b)) (f64 [| 2.0 |]))
                    (f64 [| 1.0 |])

                expectTight
                    "scalar divisor"
                    (AD.grad (fun a -> Tensor.sum (Tensor.remainderScalar 2.0 a * a)) (f64 [| 5.5 |]))
                    (f64 [| 1.5 + 5.5 |])

            testCase "floorDivide is a constant: its derivatives are zero at every order, as PyTorch's"
            <| fun () ->
                let f (x: Tensor) =
                    Tensor.sum (Tensor.floorDivide x (f64 [| 2.0; 3.0 |]) + Tensor.floorDivideScalar 0.5 x)

                let x = f64 [| 5.5; -1.2 |]
                Expect.equal ((AD.grad f x).ToArray()) [| 0.0; 0.0 |] "gradient"
                Expect.equal ((AD.hessian f x).ToArray()) [| 0.0; 0.0; 0.0; 0.0 |] "Hessian"

                Expect.equal
                    ((AD.grad (fun b -> Tensor.sum (Tensor.floorDivide x b)) (f64 [| 2.0; 3.0 |])).ToArray())
                    [| 0.0; 0.0 |]
                    "wrt the divisor"

            testCase "float32 remainder has float32 derivatives"
            <| fun () ->
                let a = Tensor.Create([ 5.5; -5.5 ], dtype = Dtype.Float32)

                let g =
                    AD.grad (fun b -> Tensor.sum (Tensor.remainder a b)) (Tensor.Create([ 2.0; 2.0 ], dtype = Dtype.Float32))

                expectDtype "gradient" Dtype.Float32 g
                Expect.equal (g.ToArray()) [| -2.0; 3.0 |] "values"
        ]

// ---------------------------------------------------------------- bitwise

let private bitwiseTests =
    testList
        "bitwise ops"
        [
            testCase "and, or, xor, not on integers"
            <| fun () ->
                expectLongs "12 & 10, 10 & 6" [| 8L; 2L |] (Tensor.bitwiseAnd (i64 [| 12L; 10L |]) (i64 [| 10L; 6L |]))
                expectLongs "12 | 3" [| 15L |] (Tensor.bitwiseOr (i64 [| 12L |]) (i64 [| 3L |]))
                expectLongs "12 ^ 10" [| 6L |] (Tensor.bitwiseXor (i64 [| 12L |]) (i64 [| 10L |]))
                expectLongs "~0, ~5, ~-1" [| -1L; -6L; 0L |] (Tensor.bitwiseNot (i64 [| 0L; 5L; -1L |]))
                Expect.equal (Tensor.toArrayOf<byte>(Tensor.bitwiseNot (Tensor.ofArray [| 0uy; 255uy |]))) [| 255uy; 0uy |] "~ on uint8"

            testCase "and, or, xor, not on bool tensors are logical"
            <| fun () ->
                let a, b =
                    Tensor.ofArray [| true; true; false; false |], Tensor.ofArray [| true; false; true; false |]

                Expect.equal (Tensor.toArrayOf<bool>(Tensor.bitwiseAnd a b)) [| true; false; false; false |] "and"
                Expect.equal (Tensor.toArrayOf<bool>(Tensor.bitwiseOr a b)) [| true; true; true; false |] "or"
                Expect.equal (Tensor.toArrayOf<bool>(Tensor.bitwiseXor a b)) [| false; true; true; false |] "xor"
                Expect.equal (Tensor.toArrayOf<bool>(Tensor.bitwiseNot a)) [| false; false; true; true |] "not"

                for t in [ Tensor.bitwiseAnd a b; Tensor.bitwiseNot a ] do
                    expectDtype "bool" Dtype.Bool t

            testCase "bool with integers promotes to the integer dtype; int32 with int64 to int64; broadcasting"
            <| fun () ->
                let r = Tensor.bitwiseAnd (Tensor.ofArray [| true; false |]) (i64 [| 3L; 3L |])
                expectDtype "bool & int64" Dtype.Int64 r
                expectLongs "values" [| 1L; 0L |] r
                expectDtype "int32 | int64" Dtype.Int64 (Tensor.bitwiseOr (i32 [| 1 |]) (i64 [| 2L |]))

                let m =
                    Tensor.bitwiseXor (i64 [| 1L; 2L |] |> Tensor.reshape [| 2; 1 |]) (i64 [| 4L; 8L; 16L |])

                Expect.equal m.Shape [| 2; 3 |] "broadcast shape"
                expectLongs "values" [| 5L; 9L; 17L; 6L; 10L; 18L |] m

            testCase "shifts: left multiplies by powers of two (wrapping), right is arithmetic"
            <| fun () ->
                expectLongs "1 << 3, 3 << 4" [| 8L; 48L |] (Tensor.bitwiseLeftShift (i64 [| 1L; 3L |]) (i64 [| 3L; 4L |]))
                expectLongs "-8 >> 1, 17 >> 2" [| -4L; 4L |] (Tensor.bitwiseRightShift (i64 [| -8L; 17L |]) (i64 [| 1L; 2L |]))
                let s = Tensor.bitwiseLeftShiftScalar 3 (i32 [| 1; 5 |])
                expectDtype "an int32 tensor shifted by a number stays int32" Dtype.Int32 s
                Expect.equal (Tensor.toArrayOf<int> s) [| 8; 40 |] "values"

                Expect.equal
                    (Tensor.toArrayOf<byte>(Tensor.bitwiseLeftShiftScalar 7 (Tensor.ofArray [| 1uy; 3uy |])))
                    [| 128uy; 128uy |]
                    "uint8 wraps"

                Expect.equal
                    (Tensor.toArrayOf<int>(Tensor.bitwiseRightShiftScalar 1 (i32 [| -7; 7 |])))
                    [| -4; 3 |]
                    "arithmetic right shift rounds down"

                expectDtype "int32 << int64 tensor promotes" Dtype.Int64 (Tensor.bitwiseLeftShift (i32 [| 1 |]) (i64 [| 3L |]))

            testCase "floating-point inputs are refused, naming the op and the dtype; shifts refuse bool"
            <| fun () ->
                throwsWith<ArgumentException> [ "bitwiseAnd"; "float64[1]"; "integer or bool" ] (fun () ->
                    Tensor.bitwiseAnd (f64 [| 1.0 |]) (i64 [| 1L |]) |> ignore)

                throwsWith<ArgumentException> [ "bitwiseOr"; "float32" ] (fun () ->
                    Tensor.bitwiseOr (i64 [| 1L |]) (Tensor.ofArray [| 1.0f |]) |> ignore)

                throwsWith<ArgumentException> [ "bitwiseXor"; "float64" ] (fun () ->
                    Tensor.bitwiseXor (f64 [| 1.0 |]) (f64 [| 1.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "bitwiseNot"; "float64[2]" ] (fun () -> Tensor.bitwiseNot (f64 [| 1.0; 2.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "bitwiseLeftShift"; "float64" ] (fun () ->
                    Tensor.bitwiseLeftShift (f64 [| 1.0 |]) (i64 [| 1L |]) |> ignore)

                throwsWith<ArgumentException> [ "bitwiseRightShift"; "float64" ] (fun () ->
                    Tensor.bitwiseRightShiftScalar 1 (f64 [| 1.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "bitwiseLeftShift"; "bool"; "integer" ] (fun () ->
                    Tensor.bitwiseLeftShift (Tensor.ofArray [| true |]) (Tensor.ofArray [| true |])
                    |> ignore)

                throwsWith<ArgumentException> [ "bitwiseAnd"; "[2]"; "[3]" ] (fun () ->
                    Tensor.bitwiseAnd (i64 [| 1L; 2L |]) (i64 [| 1L; 2L; 3L |]) |> ignore)
        ]

// ---------------------------------------------------------------- random numbers

/// Draws twice from generators with the same seed (and once with another): same values, different values.
let private reproducible (name: string) (draw: Generator -> Tensor) =
    testCase $"{name}: the same generator seed gives the same values, another seed others"
    <| fun () ->
        let take seed =
            (use g = Random.generator seed in draw g |> Tensor.toArrayOf<float>)

        let a, b, c = take 11, take 11, take 12
        Expect.equal a b "same seed"
        Expect.notEqual a c "different seeds"

let private counts (k: int) (t: Tensor) =
    let c = Array.zeroCreate k

    for v in longs t do
        c[int v] <- c[int v] + 1

    c

let private meanAndStd (xs: float[]) =
    let m = Array.average xs
    m, sqrt (xs |> Array.averageBy (fun x -> (x - m) * (x - m)))

let private randomTests =
    testList
        "random numbers"
        [
            reproducible "randint" (fun g -> Tensor.Randint(0L, 1000L, [| 50 |], generator = g))
            reproducible "randperm" (fun g -> Tensor.Randperm(50, generator = g))
            reproducible "normal" (fun g -> Tensor.Normal(1.0, 2.0, [| 50 |], generator = g))
            reproducible "normal with tensor mean and std" (fun g ->
                Tensor.Normal(f64 [| 0.0; 10.0; -5.0 |], f64 [| 1.0; 2.0; 3.0 |], generator = g))
            reproducible "bernoulli" (fun g -> Tensor.Bernoulli(Tensor.Full([| 60 |], 0.5, dtype = Dtype.Float64), generator = g))
            reproducible "bernoulli with a scalar p" (fun g -> Tensor.Bernoulli(0.5, [| 60 |], generator = g))
            reproducible "multinomial" (fun g -> Tensor.Multinomial(f64 [| 1.0; 2.0; 3.0; 4.0 |], 40, true, generator = g))
            reproducible "rand" (fun g -> Tensor.Rand([| 20 |], generator = g))
            reproducible "randn" (fun g -> Tensor.Randn([| 20 |], generator = g))

            testCase "Generator.Seed restarts a generator's sequence"
            <| fun () ->
                use g = Random.generator 3
                let first = Tensor.Randint(0L, 1_000_000L, [| 10 |], generator = g) |> longs
                let _ = Tensor.Randint(0L, 1_000_000L, [| 10 |], generator = g)
                g.Seed 3L |> ignore
                Expect.equal (Tensor.Randint(0L, 1_000_000L, [| 10 |], generator = g) |> longs) first "after Seed"

            testCase "randint: int64 by default, in [low, high), of the requested shape and dtype"
            <| fun () ->
                use g = Random.generator 1
                let t = Tensor.Randint(-3L, 4L, [| 2; 500 |], generator = g)
                Expect.equal (t.Shape, t.Dtype) ([| 2; 500 |], Dtype.Int64) "shape and dtype"
                let v = longs t
                Expect.isTrue (v |> Array.forall (fun x -> x >= -3L && x < 4L)) "range"
                Expect.equal (Set.ofArray v) (Set.ofList [ -3L .. 3L ]) "every value occurs"

                for dtype in
                    [
                        Dtype.Int32
                        Dtype.Int16
                        Dtype.Int8
                        Dtype.UInt8
                        Dtype.Float32
                        Dtype.Float64
                    ] do
                    let t = Tensor.Randint(0L, 100L, [| 300 |], dtype = dtype, generator = g)
                    expectDtype $"randint {dtype}" dtype t

                    Expect.isTrue
                        (t.ToArray() |> Array.forall (fun x -> x >= 0.0 && x < 100.0 && x = floor x))
                        $"integers in range ({dtype})"

                let u = Tensor.Randint(0L, 256L, [| 2000 |], dtype = Dtype.UInt8, generator = g)
                Expect.isTrue ((Tensor.toArrayOf<byte> u |> Array.max) > 250uy) "uint8 reaches the top of its range"
                let b = Tensor.Randint(0L, 2L, [| 100 |], dtype = Dtype.Bool, generator = g)
                expectDtype "bool" Dtype.Bool b
                Expect.equal (Set.ofArray (Tensor.toArrayOf<bool> b)) (Set.ofList [ true; false ]) "both values"

                let big =
                    Tensor.Randint(Int64.MinValue, Int64.MaxValue, [| 100 |], generator = g)
                    |> longs

                Expect.isTrue
                    (big |> Array.exists (fun x -> x < -(1L <<< 62))
                     && big |> Array.exists (fun x -> x > (1L <<< 62)))
                    "the full int64 range"

                Expect.equal (Tensor.Randint(5L, 6L, [| 3 |], generator = g) |> longs) [| 5L; 5L; 5L |] "a range of one value"
                Expect.equal (Tensor.Randint(0L, 10L, [| 0; 3 |], generator = g)).Shape [| 0; 3 |] "empty shape"
                Expect.equal (Tensor.Randint(0L, 10L, [||], generator = g)).Shape [||] "0-d"

            testCase "randint: 100,000 draws are uniform (mean, variance, every frequency within generous bounds)"
            <| fun () ->
                use g = Random.generator 2024
                let v = Tensor.Randint(0L, 10L, [| 100_000 |], generator = g)
                let m, s = meanAndStd (v.ToArray())
                Expect.isLessThan (abs (m - 4.5)) 0.05 $"mean {m}, expected 4.5"
                Expect.isLessThan (abs (s * s - 8.25)) 0.2 $"variance {s * s}, expected 8.25"

                for i, c in Array.indexed (counts 10 v) do
                    Expect.isLessThan (abs (float c / 100_000.0 - 0.1)) 0.006 $"frequency of {i}"

            testCase "randperm is a permutation of 0 .. n-1 (int64 by default, other dtypes too)"
            <| fun () ->
                use g = Random.generator 5
                let p = Tensor.Randperm(1000, generator = g)
                Expect.equal (p.Shape, p.Dtype) ([| 1000 |], Dtype.Int64) "shape and dtype"
                Expect.equal (Array.sort (longs p)) [| 0L .. 999L |] "a permutation"
                Expect.notEqual (longs p) [| 0L .. 999L |] "not the identity"

                for dtype, n in
                    [
                        Dtype.Int32, 100
                        Dtype.Float32, 100
                        Dtype.Float64, 100
                        Dtype.Int8, 128
                        Dtype.UInt8, 256
                        Dtype.Int16, 300
                        Dtype.Float16, 2049
                        Dtype.BFloat16, 257
                    ] do
                    let q = Tensor.Randperm(n, dtype = dtype, generator = g)
                    expectDtype $"randperm {dtype}" dtype q
                    Expect.equal (Array.sort (longs q)) [| 0L .. int64 n - 1L |] $"a permutation in {dtype}"

                Expect.equal (Tensor.Randperm(0, generator = g)).Shape [| 0 |] "n = 0"
                Expect.equal (Tensor.Randperm(1, generator = g) |> longs) [| 0L |] "n = 1"

            testCase "normal: 100,000 draws have the requested mean and standard deviation; std 0 gives the mean"
            <| fun () ->
                use g = Random.generator 77
                let t = Tensor.Normal(3.0, 2.0, [| 100_000 |], dtype = Dtype.Float64, generator = g)
                expectDtype "dtype" Dtype.Float64 t
                let m, s = meanAndStd (t.ToArray())
                Expect.isLessThan (abs (m - 3.0)) 0.05 $"mean {m}"
                Expect.isLessThan (abs (s - 2.0)) 0.05 $"std {s}"
                let f = Tensor.Normal(0.0, 1.0, [| 2; 3 |], generator = g)
                Expect.equal (f.Shape, f.Dtype) ([| 2; 3 |], Dtype.Float32) "float32 by default"
                Expect.equal ((Tensor.Normal(-1.5, 0.0, [| 3 |], generator = g)).ToArray()) [| -1.5; -1.5; -1.5 |] "std 0"

            testCase "normal with tensors: elementwise means and stds, broadcast; float32 with float64 promotes"
            <| fun () ->
                use g = Random.generator 78
                let means = f64 [| -10.0; 0.0; 10.0 |] |> Tensor.reshape [| 3; 1 |]

                let t =
                    Tensor.Normal(means, Tensor.Full([| 1; 20_000 |], 0.5, dtype = Dtype.Float64), generator = g)

                Expect.equal (t.Shape, t.Dtype) ([| 3; 20_000 |], Dtype.Float64) "broadcast shape"

                for row, mean in [ 0, -10.0; 1, 0.0; 2, 10.0 ] do
                    let m, s = meanAndStd (t[row].ToArray())
                    Expect.isLessThan (abs (m - mean)) 0.05 $"row {row} mean {m}"
                    Expect.isLessThan (abs (s - 0.5)) 0.05 $"row {row} std {s}"

                expectDtype
                    "float32 mean, float64 std"
                    Dtype.Float64
                    (Tensor.Normal(Tensor.Zeros [| 2 |], f64 [| 1.0; 1.0 |], generator = g))

                let z = Tensor.normalTensor (f64 [| 4.0; 5.0 |]) (f64 [| 0.0; 0.0 |])
                Expect.equal (z.ToArray()) [| 4.0; 5.0 |] "std 0 gives the means"

            testCase "normal with tensors is a constant (PyTorch's derivative is zero)"
            <| fun () ->
                let g =
                    AD.grad (fun m -> Tensor.sum (Tensor.normalTensor m (f64 [| 1.0; 1.0 |]))) (f64 [| 0.0; 1.0 |])

                Expect.equal (g.ToArray()) [| 0.0; 0.0 |] "gradient"

            testCase "bernoulli: 0 and 1 of the probabilities' dtype; p = 0 and p = 1 are exact; frequencies match p"
            <| fun () ->
                use g = Random.generator 9

                let probs =
                    Tensor.cat
                        0
                        [
                            Tensor.Zeros([| 1000 |], dtype = Dtype.Float64)
                            Tensor.Ones([| 1000 |], dtype = Dtype.Float64)
                            Tensor.Full([| 100_000 |], 0.3, dtype = Dtype.Float64)
                        ]

                let s = Tensor.Bernoulli(probs, generator = g)
                Expect.equal (s.Shape, s.Dtype) ([| 102_000 |], Dtype.Float64) "shape and dtype"
                let v = s.ToArray()
                Expect.isTrue (v[..999] |> Array.forall ((=) 0.0)) "p = 0 gives 0"
                Expect.isTrue (v[1000..1999] |> Array.forall ((=) 1.0)) "p = 1 gives 1"
                Expect.isTrue (v |> Array.forall (fun x -> x = 0.0 || x = 1.0)) "only 0 and 1"
                let m = Array.average v[2000..]
                Expect.isLessThan (abs (m - 0.3)) 0.01 $"frequency {m} for p = 0.3"
                expectDtype "float32 probabilities" Dtype.Float32 (Tensor.bernoulli (Tensor.Full([| 3 |], 0.5)))

            testCase "bernoulli with a scalar p: shape, dtype (float32 by default, integers and bool too) and frequency"
            <| fun () ->
                use g = Random.generator 10
                let t = Tensor.Bernoulli(0.8, [| 100_000 |], generator = g)
                Expect.equal (t.Shape, t.Dtype) ([| 100_000 |], Dtype.Float32) "shape and dtype"
                let m = Array.average (t.ToArray())
                Expect.isLessThan (abs (m - 0.8)) 0.01 $"frequency {m}"
                let i = Tensor.Bernoulli(0.5, [| 100 |], dtype = Dtype.Int64, generator = g)
                expectDtype "int64" Dtype.Int64 i
                Expect.equal (Set.ofArray (longs i)) (Set.ofList [ 0L; 1L ]) "0 and 1"
                expectDtype "bool" Dtype.Bool (Tensor.Bernoulli(0.5, [| 10 |], dtype = Dtype.Bool, generator = g))
                let like = Tensor.bernoulliLike 1.0 (i32 [| 5; 6; 7 |])
                Expect.equal (like.Dtype, Tensor.toArrayOf<int> like) (Dtype.Int32, [| 1; 1; 1 |]) "bernoulliLike keeps x's dtype and shape"

            testCase "multinomial with replacement: int64 indices whose frequencies follow the weights"
            <| fun () ->
                use g = Random.generator 31
                let s = Tensor.Multinomial(f64 [| 1.0; 2.0; 7.0 |], 100_000, true, generator = g)
                Expect.equal (s.Shape, s.Dtype) ([| 100_000 |], Dtype.Int64) "shape and dtype"
                let c = counts 3 s

                for i, p in [ 0, 0.1; 1, 0.2; 2, 0.7 ] do
                    Expect.isLessThan (abs (float c[i] / 100_000.0 - p)) 0.01 $"frequency of category {i}"

                let rows =
                    Tensor.Multinomial(Tensor.create [ [ 0.0; 1.0; 0.0 ]; [ 1.0; 0.0; 0.0 ] ], 5, true, generator = g)

                Expect.equal rows.Shape [| 2; 5 |] "one row of samples per distribution"
                expectLongs "a certain category is always drawn" [| 1L; 1L; 1L; 1L; 1L; 0L; 0L; 0L; 0L; 0L |] rows

            testCase "multinomial without replacement: distinct categories per row, never a zero-probability one"
            <| fun () ->
                use g = Random.generator 32

                let probs =
                    Tensor.create [ [ 1.0; 1.0; 1.0; 1.0; 1.0 ]; [ 5.0; 1.0; 1.0; 1.0; 0.0 ] ]

                for _ in 1..20 do
                    let s = Tensor.Multinomial(probs, 4, generator = g)
                    Expect.equal s.Shape [| 2; 4 |] "shape"
                    let v = longs s
                    Expect.equal (Array.distinct v[..3]).Length 4 "row 0 distinct"
                    Expect.equal (Array.sort v[4..]) [| 0L; 1L; 2L; 3L |] "row 1: the four possible categories"

                let none = Tensor.multinomial 2 false (Tensor.Ones [| 0; 3 |])
                Expect.equal (none.Shape, none.Dtype) ([| 0; 2 |], Dtype.Int64) "no rows, no samples"
                let all = Tensor.multinomial 5 false (Tensor.Ones [| 5 |])
                Expect.equal (Array.sort (longs all)) [| 0L .. 4L |] "all categories once"
                // the heavy category comes first most of the time
                let firsts =
                    [
                        for _ in 1..2000 -> (longs (Tensor.Multinomial(f64 [| 8.0; 1.0; 1.0 |], 2, generator = g)))[0]
                    ]

                let share = float (firsts |> List.filter ((=) 0L) |> List.length) / 2000.0
                Expect.isLessThan (abs (share - 0.8)) 0.04 $"first draw is category 0 with probability 0.8 (got {share})"
        ]

/// The global generator: these run alone, since any test drawing from it in parallel would move it.
let private globalGeneratorTests =
    testSequenced
    <| testList
        "the global generator"
        [
            testCase "Random.seed makes the module functions reproducible"
            <| fun () ->
                let draw () =
                    [|
                        yield! (Tensor.randint 0L 1000L [| 5 |]).ToArray()
                        yield! (Tensor.randperm 10).ToArray()
                        yield! (Tensor.normal 0.0 1.0 [| 5 |]).ToArray()
                        yield! (Tensor.bernoulli (Tensor.Full([| 10 |], 0.5))).ToArray()
                        yield! (Tensor.bernoulliLike 0.5 (Tensor.Zeros [| 10 |])).ToArray()
                        yield! (Tensor.multinomial 5 true (Tensor.Ones [| 4 |])).ToArray()
                        yield! (Tensor.rand [| 5 |]).ToArray()
                        yield! (Tensor.randintLike 0L 100L (Tensor.Zeros [| 5 |])).ToArray()
                    |]

                Random.seed 1234
                let a = draw ()
                Random.seed 1234
                let b = draw ()
                Random.seed 4321
                let c = draw ()
                Expect.equal a b "same seed, same values"
                Expect.notEqual a c "another seed, other values"

            testCase "drawing from a generator leaves the global sequence untouched"
            <| fun () ->
                Random.seed 99
                let expected = (Tensor.randint 0L 1_000_000L [| 20 |]) |> longs
                Random.seed 99
                use g = Random.generator 99

                for _ in 1..3 do
                    Tensor.Randint(0L, 1_000_000L, [| 100 |], generator = g) |> ignore
                    Tensor.Normal(0.0, 1.0, [| 100 |], generator = g) |> ignore
                    Tensor.Randperm(50, generator = g) |> ignore

                Expect.equal (Tensor.randint 0L 1_000_000L [| 20 |] |> longs) expected "the global sequence"

            testCase "the global generator does not move a generator's sequence"
            <| fun () ->
                let fromGenerator (interleave: bool) =
                    use g = Random.generator 5

                    [
                        for _ in 1..3 do
                            if interleave then
                                Tensor.randn [| 100 |] |> ignore

                            yield! Tensor.Normal(0.0, 1.0, [| 4 |], generator = g).ToArray()
                    ]

                Expect.equal (fromGenerator true) (fromGenerator false) "same values"
        ]

let private randomErrorTests =
    testList
        "random numbers: bad arguments"
        [
            testCase "randint: low must be below high; the dtype must hold the range"
            <| fun () ->
                throwsWith<ArgumentException> [ "randint"; "low = 3"; "high = 3" ] (fun () -> Tensor.randint 3L 3L [| 2 |] |> ignore)
                throwsWith<ArgumentException> [ "randint"; "low = 5"; "high = 1" ] (fun () -> Tensor.randint 5L 1L [| 2 |] |> ignore)

                throwsWith<ArgumentException> [ "randint"; "uint8"; "0 .. 255" ] (fun () ->
                    Tensor.Randint(0L, 300L, [| 2 |], dtype = Dtype.UInt8) |> ignore)

                throwsWith<ArgumentException> [ "randint"; "uint8" ] (fun () ->
                    Tensor.Randint(-1L, 3L, [| 2 |], dtype = Dtype.UInt8) |> ignore)

                throwsWith<ArgumentException> [ "randint"; "bool" ] (fun () ->
                    Tensor.Randint(0L, 3L, [| 2 |], dtype = Dtype.Bool) |> ignore)

                throwsWith<ArgumentException> [ "randint"; "float16" ] (fun () ->
                    Tensor.Randint(0L, 5000L, [| 2 |], dtype = Dtype.Float16) |> ignore)

                throwsWith<ArgumentException> [ "randint"; "int32" ] (fun () ->
                    Tensor.Randint(0L, 1L <<< 40, [| 2 |], dtype = Dtype.Int32) |> ignore)

                throwsWith<ArgumentException> [ "negative size" ] (fun () -> Tensor.randint 0L 3L [| -2 |] |> ignore)

            testCase "randperm: n ≥ 0, no bool, and a dtype that holds the positions (the native call would crash)"
            <| fun () ->
                throwsWith<ArgumentException> [ "randperm"; "non-negative"; "-1" ] (fun () -> Tensor.randperm -1 |> ignore)
                throwsWith<ArgumentException> [ "randperm"; "bool" ] (fun () -> Tensor.Randperm(2, dtype = Dtype.Bool) |> ignore)

                throwsWith<ArgumentException> [ "randperm"; "int8"; "0 .. 199" ] (fun () ->
                    Tensor.Randperm(200, dtype = Dtype.Int8) |> ignore)

                throwsWith<ArgumentException> [ "randperm"; "uint8" ] (fun () -> Tensor.Randperm(257, dtype = Dtype.UInt8) |> ignore)
                throwsWith<ArgumentException> [ "randperm"; "int16" ] (fun () -> Tensor.Randperm(32769, dtype = Dtype.Int16) |> ignore)
                throwsWith<ArgumentException> [ "randperm"; "float16" ] (fun () -> Tensor.Randperm(3000, dtype = Dtype.Float16) |> ignore)

            testCase "normal: std ≥ 0 (also in tensors, which TorchSharp does not check), floating-point dtypes"
            <| fun () ->
                throwsWith<ArgumentException> [ "normal"; "non-negative"; "-1" ] (fun () -> Tensor.normal 0.0 -1.0 [| 3 |] |> ignore)
                throwsWith<ArgumentException> [ "normal"; "NaN" ] (fun () -> Tensor.normal 0.0 nan [| 3 |] |> ignore)

                throwsWith<ArgumentException> [ "normal"; "int64" ] (fun () ->
                    Tensor.Normal(0.0, 1.0, [| 3 |], dtype = Dtype.Int64) |> ignore)

                throwsWith<ArgumentException> [ "normal"; "non-negative"; "float64[2]" ] (fun () ->
                    Tensor.normalTensor (f64 [| 0.0; 1.0 |]) (f64 [| 1.0; -1.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "normal"; "NaN" ] (fun () -> Tensor.normalTensor (f64 [| 0.0 |]) (f64 [| nan |]) |> ignore)

                throwsWith<ArgumentException> [ "normal"; "mean"; "int64" ] (fun () ->
                    Tensor.normalTensor (i64 [| 0L |]) (f64 [| 1.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "normal"; "std"; "int64" ] (fun () ->
                    Tensor.normalTensor (f64 [| 0.0 |]) (i64 [| 1L |]) |> ignore)

                throwsWith<ArgumentException> [ "normal"; "[2]"; "[3]" ] (fun () ->
                    Tensor.normalTensor (f64 [| 0.0; 1.0 |]) (f64 [| 1.0; 1.0; 1.0 |]) |> ignore)

            testCase "bernoulli: probabilities in [0, 1], floating-point"
            <| fun () ->
                throwsWith<ArgumentException> [ "bernoulli"; "[0, 1]"; "float64[2]" ] (fun () ->
                    Tensor.bernoulli (f64 [| 0.5; 1.5 |]) |> ignore)

                throwsWith<ArgumentException> [ "bernoulli"; "[0, 1]" ] (fun () -> Tensor.bernoulli (f64 [| -0.1 |]) |> ignore)
                throwsWith<ArgumentException> [ "bernoulli"; "NaN" ] (fun () -> Tensor.bernoulli (f64 [| nan |]) |> ignore)
                throwsWith<ArgumentException> [ "bernoulli"; "int64" ] (fun () -> Tensor.bernoulli (i64 [| 1L |]) |> ignore)
                throwsWith<ArgumentException> [ "bernoulli"; "1.5" ] (fun () -> Tensor.bernoulliLike 1.5 (f64 [| 0.0 |]) |> ignore)
                throwsWith<ArgumentException> [ "bernoulli"; "NaN" ] (fun () -> Tensor.Bernoulli(nan, [| 2 |]) |> ignore)

            testCase "multinomial: 1-D or 2-D finite non-negative weights with a positive sum; enough categories without replacement"
            <| fun () ->
                throwsWith<ArgumentException> [ "multinomial"; "1-D"; "[2, 2, 2]" ] (fun () ->
                    Tensor.multinomial 1 true (Tensor.Ones [| 2; 2; 2 |]) |> ignore)

                throwsWith<ArgumentException> [ "multinomial"; "1-D"; "[]" ] (fun () ->
                    Tensor.multinomial 1 true (Tensor.scalar 1.0) |> ignore)

                throwsWith<ArgumentException> [ "multinomial"; "floating-point"; "int64" ] (fun () ->
                    Tensor.multinomial 1 true (i64 [| 1L; 2L |]) |> ignore)

                throwsWith<ArgumentException> [ "multinomial"; "negative" ] (fun () ->
                    Tensor.multinomial 1 true (f64 [| 0.5; -0.5 |]) |> ignore)

                throwsWith<ArgumentException> [ "multinomial"; "infinite" ] (fun () ->
                    Tensor.multinomial 1 true (f64 [| infinity; 1.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "multinomial"; "NaN" ] (fun () -> Tensor.multinomial 1 true (f64 [| nan; 1.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "multinomial"; "positive sum" ] (fun () ->
                    Tensor.multinomial 1 true (Tensor.create [ [ 1.0; 0.0 ]; [ 0.0; 0.0 ] ])
                    |> ignore)

                throwsWith<ArgumentException> [ "multinomial"; "3 samples"; "2 categories" ] (fun () ->
                    Tensor.multinomial 3 false (f64 [| 1.0; 2.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "multinomial"; "non-zero probability"; "only 2" ] (fun () ->
                    Tensor.multinomial 3 false (f64 [| 1.0; 2.0; 0.0; 0.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "multinomial"; "at least 1"; "0" ] (fun () ->
                    Tensor.multinomial 0 true (f64 [| 1.0; 2.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "multinomial"; "no categories" ] (fun () ->
                    Tensor.multinomial 1 true (Tensor.Zeros [| 2; 0 |]) |> ignore)

            testCase "rand and randn refuse integer dtypes, pointing to randint"
            <| fun () ->
                throwsWith<ArgumentException> [ "rand:"; "randint" ] (fun () -> Tensor.Rand([| 2 |], dtype = Dtype.Int64) |> ignore)
                throwsWith<ArgumentException> [ "randn:"; "int32" ] (fun () -> Tensor.Randn([| 2 |], dtype = Dtype.Int32) |> ignore)
        ]

// ---------------------------------------------------------------- conversion

let private half (v: float) : Half = Half.op_Explicit v

/// ofArray gives the element type's dtype and toArrayOf with the same type gives the values back.
let private roundTrip<'T when 'T: equality> (name: string) (dtype: Dtype) (values: 'T[]) =
    testCase $"ofArray and toArrayOf round-trip {name} as {dtype}"
    <| fun () ->
        let t = Tensor.ofArray values
        Expect.equal (t.Shape, t.Dtype) ([| values.Length |], dtype) "shape and dtype"
        Expect.equal (Tensor.toArrayOf<'T> t) values "values"

let private conversionTests =
    testList
        "conversion"
        [
            roundTrip "float" Dtype.Float64 [| 1.5; -2.25; 1e300; -0.0 |]
            roundTrip "float32" Dtype.Float32 [| 1.5f; -2.25f; 3e38f |]
            roundTrip "int" Dtype.Int32 [| 1; -2; Int32.MaxValue; Int32.MinValue |]
            roundTrip "int64" Dtype.Int64 [| 1L; -2L; Int64.MaxValue; Int64.MinValue |]
            roundTrip "bool" Dtype.Bool [| true; false; true |]
            roundTrip "int16" Dtype.Int16 [| 1s; -2s; Int16.MaxValue |]
            roundTrip "byte" Dtype.UInt8 [| 0uy; 200uy; 255uy |]
            roundTrip "sbyte" Dtype.Int8 [| -128y; 0y; 127y |]
            roundTrip "System.Half" Dtype.Float16 [| half 1.5; half -2.0; half 65504.0 |]

            testCase "the ToArray<'T> member converts like toArrayOf, beside ToArray() (float)"
            <| fun () ->
                let t = Tensor.ofArray [| 1L; -2L; 3L |]
                Expect.equal (t.ToArray<int64>()) [| 1L; -2L; 3L |] "int64"
                Expect.equal (t.ToArray<float32>()) [| 1.0f; -2.0f; 3.0f |] "float32"
                Expect.equal (t.ToArray()) [| 1.0; -2.0; 3.0 |] "the float overload is still there"

            testCase "int64 values beyond 2^53 survive exactly (no detour through float)"
            <| fun () ->
                let big = [| (1L <<< 53) + 1L; Int64.MaxValue - 1L |]
                Expect.equal (Tensor.toArrayOf<int64>(Tensor.ofArray big)) big "exact"

            testCase "toArrayOf converts between element types as LibTorch does (floats truncate toward zero)"
            <| fun () ->
                let x = f64 [| 1.7; -1.7; 0.0; 2.0 |]
                Expect.equal (Tensor.toArrayOf<int64> x) [| 1L; -1L; 0L; 2L |] "to int64"
                Expect.equal (Tensor.toArrayOf<int> x) [| 1; -1; 0; 2 |] "to int"
                Expect.equal (Tensor.toArrayOf<bool> x) [| true; true; false; true |] "to bool"
                Expect.equal (Tensor.toArrayOf<float32>(i64 [| 3L; -4L |])) [| 3.0f; -4.0f |] "int64 to float32"
                Expect.equal (Tensor.toArrayOf<byte>(Tensor.ofArray [| true; false |])) [| 1uy; 0uy |] "bool to byte"

                Expect.equal
                    (Tensor.toArrayOf<float>(Tensor.Ones([| 2; 2 |], dtype = Dtype.BFloat16)))
                    [| 1.0; 1.0; 1.0; 1.0 |]
                    "bfloat16 to float, flattened"

            testCase "toArrayOf reads a differentiated value, a non-contiguous view and a 0-d tensor"
            <| fun () ->
                let m =
                    i64 [| 1L; 2L; 3L; 4L; 5L; 6L |]
                    |> Tensor.reshape [| 2; 3 |]
                    |> Tensor.transpose 0 1

                Expect.equal (Tensor.toArrayOf<int64> m) [| 1L; 4L; 2L; 5L; 3L; 6L |] "transposed, row-major"
                Expect.equal (Tensor.toArrayOf<int>(Tensor.create 7L)) [| 7 |] "0-d"
                let inside = ref [||]

                AD.grad
                    (fun x ->
                        inside.Value <- Tensor.toArrayOf<float>(x * 2.0)
                        Tensor.sum x)
                    (f64 [| 1.0; 2.0 |])
                |> ignore

                Expect.equal inside.Value [| 2.0; 4.0 |] "primal values inside a transform"

            testCase "unsupported element types raise NotSupportedException naming the op and the type"
            <| fun () ->
                throwsWith<NotSupportedException> [ "toArrayOf"; "Decimal" ] (fun () -> Tensor.toArrayOf<decimal>(f64 [| 1.0 |]) |> ignore)
                throwsWith<NotSupportedException> [ "toArrayOf"; "String" ] (fun () -> Tensor.toArrayOf<string>(f64 [| 1.0 |]) |> ignore)
                throwsWith<NotSupportedException> [ "Decimal" ] (fun () -> Tensor.ofArray [| 1.0m |] |> ignore)
                throwsWith<NotSupportedException> [ "toArrayOf"; "UInt16" ] (fun () -> Tensor.toArrayOf<UInt16>(f64 [| 1.0 |]) |> ignore)

            testCase "ofSpan copies a span into a tensor of the given shape, the dtype from the element type"
            <| fun () ->
                let data = [| 1.0; 2.0; 3.0; 4.0; 5.0; 6.0; 7.0 |]
                let t = Tensor.ofSpan (ReadOnlySpan(data, 1, 6)) [| 2; 3 |]
                Expect.equal (t.Shape, t.Dtype) ([| 2; 3 |], Dtype.Float64) "shape and dtype"
                data[1] <- 100.0
                Expect.equal (t.ToArray()) [| 2.0; 3.0; 4.0; 5.0; 6.0; 7.0 |] "a copy"
                let i = Tensor.ofSpan (ReadOnlySpan [| 1L; -2L; Int64.MaxValue |]) [| 3 |]
                Expect.equal (i.Dtype, longs i) (Dtype.Int64, [| 1L; -2L; Int64.MaxValue |]) "int64"
                Expect.equal (Tensor.ofSpan (ReadOnlySpan [| 1; 2 |]) [| 2; 1 |]).Dtype Dtype.Int32 "int32"
                Expect.equal (Tensor.ofSpan (ReadOnlySpan [| 1.5f |]) [||]).Shape [||] "a 0-d float32"
                let b = Tensor.ofSpan (ReadOnlySpan [| true; false |]) [| 2 |]
                Expect.equal (b.Dtype, Tensor.toArrayOf<bool> b) (Dtype.Bool, [| true; false |]) "bool"
                Expect.equal (Tensor.ofSpan (ReadOnlySpan [| 7uy |]) [| 1 |]).Dtype Dtype.UInt8 "byte"
                Expect.equal (Tensor.ofSpan (ReadOnlySpan<float>([||])) [| 0; 4 |]).Shape [| 0; 4 |] "empty"

            testCase "ofSpan checks the length against the shape, and the element type"
            <| fun () ->
                throwsWith<ArgumentException> [ "ofSpan"; "5 values"; "[2, 2]" ] (fun () ->
                    Tensor.ofSpan (ReadOnlySpan [| 1.0; 2.0; 3.0; 4.0; 5.0 |]) [| 2; 2 |] |> ignore)

                throwsWith<ArgumentException> [ "negative size" ] (fun () -> Tensor.ofSpan (ReadOnlySpan [| 1.0 |]) [| -1 |] |> ignore)
                throwsWith<NotSupportedException> [ "ofSpan"; "Char" ] (fun () -> Tensor.ofSpan (ReadOnlySpan [| 'a' |]) [| 1 |] |> ignore)

            testCase "copyTo writes the values, converted, into a span"
            <| fun () ->
                let m =
                    f64 [| 1.5; -2.5; 3.0; 4.0 |]
                    |> Tensor.reshape [| 2; 2 |]
                    |> Tensor.transpose 0 1

                let dest = Array.create 6 -1.0
                Tensor.copyTo (Span dest) m
                Expect.equal dest [| 1.5; 3.0; -2.5; 4.0; -1.0; -1.0 |] "row-major values, the rest untouched"
                let ints = Array.zeroCreate<int64> 4
                Tensor.copyTo (Span ints) m
                Expect.equal ints [| 1L; 3L; -2L; 4L |] "converted to int64"

                throwsWith<ArgumentException> [ "copyTo"; "3 elements"; "float64[2, 2]" ] (fun () ->
                    Tensor.copyTo (Span(Array.zeroCreate<float> 3)) m)

                Tensor.copyTo (Span(Array.zeroCreate<float> 0)) (Tensor.Zeros [| 0; 3 |])
                Expect.equal (Tensor.toArrayOf<int>(Tensor.Zeros [| 2; 0 |])) [||] "an empty tensor gives an empty array"
                Expect.equal (Tensor.toArray (Tensor.Zeros [| 2; 0 |])) [||] "also as floats"
        ]

// ---------------------------------------------------------------- rules and parity

let private specs: OpSpec list =
    // The quotients stay inside one integer interval (away from the jumps), e.g. (6.8 .. 7.2) / (2.5 .. 2.6) ∈ (2.6, 2.9).
    let dividend (a: Tensor) = a * 0.1 + 7.0
    let divisor (b: Tensor) = b * 0.025 + 2.55

    [
        binary "remainder" (Any, Any) (fun a b -> Tensor.remainder (dividend a) (divisor b))
        binary "remainder of a negative dividend" (Any, Any) (fun a b -> Tensor.remainder (-(dividend a)) (divisor b))
        binary "remainder by a negative divisor" (Any, Any) (fun a b -> Tensor.remainder (dividend a) (-(divisor b)))
        binary "fmod" (Any, Any) (fun a b -> Tensor.fmod (dividend a) (divisor b))
        binary "fmod of a negative dividend" (Any, Any) (fun a b -> Tensor.fmod (-(dividend a)) (divisor b))
        binary "fmod by a negative divisor" (Any, Any) (fun a b -> Tensor.fmod (-(dividend a)) (-(divisor b)))
        unary "remainderScalar" Any (fun x -> Tensor.remainderScalar 1.3 (dividend x) * x)
        unary "fmodScalar" Any (fun x -> Tensor.fmodScalar -1.3 (-(dividend x)) * x)
        unary "floorDivide (zero derivative)" Any (fun x -> Tensor.floorDivideScalar 1.3 (dividend x) * x + x * x)
        binary "floorDivide of tensors (zero derivative)" (Any, Any) (fun a b -> Tensor.floorDivide (dividend a) (divisor b) * a + b * b)
    ]

let private ints6 = i64 [| 3L; -7L; 12L; 5L; -2L; 9L |]
let private x6 = f64 [| 0.3; -1.2; 0.8; 1.7; -0.4; 0.05 |]
let private v6 = f64 [| 1.0; 0.5; -0.3; 0.2; -1.0; 0.7 |]
let private x8 = f64 [| 2.3; -0.7; 1.45; -2.15; 0.35; 3.1; -1.85; 0.9 |]
let private v8 = f64 [| 0.4; -1.0; 0.3; 0.8; -0.6; 0.2; 1.0; -0.5 |]

/// The twins of PyTorch/reference_intrandom.py's functions.
let private parity =
    PyTorchParity.suite
        "PyTorch parity (integer division and integer constants)"
        "reference_intrandom.json"
        [
            "remainder_tensor_divisors",
            (fun x ->
                Tensor.sum (Tensor.remainder (x * 3.0) (flip x + 2.5) * sin x)
                + Tensor.sum (Tensor.remainder x (-(x * x + 1.1)) ** 2.0)),
            x6,
            v6
            "fmod_tensor_and_scalar",
            (fun x ->
                Tensor.sum (Tensor.fmod (x * 2.5) (flip x - 3.05) * x)
                + Tensor.sum (Tensor.fmodScalar -1.3 (x * 4.0) ** 2.0)
                + Tensor.sum (exp (Tensor.fmodScalar 0.7 x))),
            x6,
            v6
            "remainder_scalar_and_floor_divide",
            (fun x ->
                Tensor.sum (Tensor.remainderScalar 1.7 (x * 5.0) * cos x)
                + Tensor.sum (Tensor.floorDivideScalar 1.5 (x * 4.0) * x ** 2.0)
                + Tensor.sum (Tensor.floorDivide x (flip x + 2.6) * tanh x)),
            x8,
            v8
            "integer_constants_in_float_functions",
            (fun x ->
                let one = Tensor.create 1L

                let counts =
                    Tensor.remainderScalar 4 ints6 - Tensor.floorDivideScalar -3 ints6
                    |> Tensor.toDtype Dtype.Float64

                let odd = Tensor.eq (Tensor.bitwiseAnd ints6 one) one

                let mixed =
                    Tensor.bitwiseXor (Tensor.bitwiseLeftShiftScalar 1 ints6) ints6
                    |> Tensor.toDtype Dtype.Float64

                Tensor.sum (counts * x ** 2.0)
                + Tensor.sum (Tensor.where odd (sin x) (x ** 3.0))
                + Tensor.sum (mixed * x)),
            x6,
            v6
        ]

let tests =
    testList
        "integers, randomness and conversion"
        [
            arithmeticTests
            divisionTests
            bitwiseTests
            randomTests
            globalGeneratorTests
            randomErrorTests
            conversionTests
            testsOf "op rules (integer division)" specs
            parity
        ]
