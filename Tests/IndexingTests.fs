/// indexing, logic and shape: property tests, known values, errors and PyTorch parity.
module Nabla.Tests.IndexingTests

open System
open System.Diagnostics
open System.IO
open Expecto
open Nabla
open Nabla.FsCheck
open Nabla.Tests.Check
open Nabla.Tests.OpProperties

let private f64 = Dtype.Float64
let private longs (xs: int64 list) = Tensor.ofList xs
let private bools (xs: bool list) = Tensor.ofList xs

let private arange n =
    Tensor.Arange(0.0, float n, dtype = f64)

/// 0 .. n-1 as float64 in a shape.
let private iota (shape: int[]) =
    arange (Shapes.numel shape) |> Tensor.reshape shape

let private expectValues (what: string) (expected: float list) (actual: Tensor) =
    closeWith 1e-12 1e-12 what (actual.ToArray()) (List.toArray expected)

let private expectShape (what: string) (expected: int[]) (actual: Tensor) =
    Expect.equal actual.Shape expected $"{what}: shape"

let private expectBools (what: string) (expected: bool list) (actual: Tensor) =
    Expect.equal actual.Dtype Dtype.Bool $"{what}: dtype"
    Expect.equal (actual.ToArray() |> Array.map (fun v -> v <> 0.0) |> Array.toList) expected what

/// A spec of several inputs of fixed shapes, all differentiated.
let private many name (shapes: int[][]) (domain: Domain) (f: Tensor[] -> Tensor) =
    {
        Name = name
        Shapes = fixedShapes shapes
        Domains = [| domain |]
        Wrt = [ 0 .. shapes.Length - 1 ]
        Fn = f
        ZeroSize = None
    }

let private rows3 = longs [ 2L; 0L; 1L ]
let private cols3 = longs [ -1L; 1L; 0L ]

let private mask34 =
    Tensor.create
        [
            [ true; false; true; true ]
            [ false; false; true; false ]
            [ true; true; false; true ]
        ]

let private scatterIndex = Tensor.create [ [ 2L; 0L; 1L; 2L ]; [ 0L; 1L; 2L; 0L ] ]
let private inf = Double.PositiveInfinity

// ---------------------------------------------------------------- property tests of the rules

let private specs: OpSpec list =
    [ // special values
        unary "nanToNum on finite values" Any (Tensor.nanToNum 0.0 1.0 -1.0)
        unary "nanToNum where values are replaced" Any (fun x ->
            let withSpecials = Tensor.where (maskTensor x.Shape) x (Tensor.fullLike inf x)
            Tensor.nanToNum 0.5 3.0 -2.0 withSpecials * x)
        unary "nanToNumDefault" Any Tensor.nanToNumDefault
        unary "where with a comparison operator" AwayFromZero (fun x -> Tensor.where (x .> 0.0) (x * x) (-x))
        // reading
        unaryOn "index with two integer tensors (negative indices)" (fixedShapes [| [| 3; 4 |] |]) Any (Tensor.index [| rows3; cols3 |])
        unaryOn
            "index with broadcast index tensors"
            (fixedShapes [| [| 3; 4; 2 |] |])
            Any
            (Tensor.index [| Tensor.create [ [ 0L ]; [ 2L ] ]; longs [ 1L; -1L; 1L ] |])
        unaryOn
            "index with a bool mask then an integer tensor"
            (fixedShapes [| [| 3; 4; 2 |] |])
            Any
            (Tensor.index [| mask34; longs [ 1L ] |])
        unaryOn "index with no index tensors" (fixedShapes [| [| 2; 3 |] |]) Any (Tensor.index [||])
        unaryOn "take" (fixedShapes [| [| 3; 4 |] |]) Any (Tensor.take (Tensor.create [ [ 11L; -2L; 0L ]; [ 3L; 3L; 5L ] ]))
        unaryOn
            "maskedSelect with broadcasting"
            (fixedShapes [| [| 3; 4 |] |])
            Any
            (Tensor.maskedSelect (bools [ true; false; false; true ]))
        unaryOn "maskedSelect with x broadcast up" (fixedShapes [| [| 4 |] |]) Any (Tensor.maskedSelect mask34)
        unaryOn "indexing with negative integer tensors" (fixedShapes [| [| 4; 3 |] |]) Any (fun x ->
            x.[Tensor.create [ [ -1L; 0L ]; [ -4L; 2L ] ]])
        unaryOn "stepped slice of an inner dim" (fixedShapes [| [| 2; 8 |] |]) Any (Tensor.slice 1 1 8 3)
        unaryOn "stepped list index t.[[0..2..6]]" (fixedShapes [| [| 7; 2 |] |]) Any (fun x -> x.[[ 0..2..6 ]] * x.[[ 1..3..6 ]].[0])
        // writing
        many "indexPut rows" [| [| 4; 3 |]; [| 2; 3 |] |] Any (fun xs -> Tensor.indexPut [| longs [ 3L; -4L ] |] xs[1] xs[0])
        many "indexPut elements, values broadcast" [| [| 3; 4 |]; [| 1 |] |] Any (fun xs -> Tensor.indexPut [| rows3; cols3 |] xs[1] xs[0])
        many "indexPut with broadcast index tensors" [| [| 3; 4 |]; [| 2; 1 |] |] Any (fun xs ->
            Tensor.indexPut [| Tensor.create [ [ 0L ]; [ 2L ] ]; longs [ 1L; 3L ] |] xs[1] xs[0])
        many "indexPut with a bool mask" [| [| 3; 4; 2 |]; [| 7; 2 |] |] Any (fun xs -> Tensor.indexPut [| mask34 |] xs[1] xs[0])
        many "indexPut with a bool row mask, values broadcast" [| [| 3; 4 |]; [| 4 |] |] Any (fun xs ->
            Tensor.indexPut [| bools [ true; false; true ] |] xs[1] xs[0])
        many "indexPut then a product (second order)" [| [| 3; 4 |]; [| 3 |] |] Any (fun xs ->
            let y = Tensor.indexPut [| rows3; cols3 |] (sin xs[1]) xs[0] in y * y.[[ 2; 0; 1 ]])
        many "indexPutAdd with repeated positions" [| [| 4; 3 |]; [| 3; 3 |] |] Any (fun xs ->
            Tensor.indexPutAdd [| longs [ 1L; 3L; 1L ] |] xs[1] xs[0])
        unary "maskedFill" Any (fun x -> Tensor.maskedFill (maskTensor x.Shape) 0.7 x)
        unaryOn
            "maskedFill with a broadcast mask"
            (fixedShapes [| [| 3; 4 |] |])
            Any
            (Tensor.maskedFill (bools [ true; false; false; true ]) -1.5)
        unaryOn "maskedFill with x broadcast up" (fixedShapes [| [| 3; 1 |] |]) Any (Tensor.maskedFill mask34 2.0)
        unaryOn "maskedFill with an infinite value" (fixedShapes [| [| 3; 4 |] |]) Any (fun x ->
            Tensor.maskedFill mask34 inf x |> Tensor.nanToNum 0.0 5.0 -5.0)
        many "maskedFillTensor" [| [| 3; 4 |]; [||] |] Any (fun xs -> Tensor.maskedFillTensor mask34 xs[1] xs[0])
        many "scatter along dim 0" [| [| 3; 4 |]; [| 2; 4 |] |] Any (fun xs -> Tensor.scatter 0 scatterIndex xs[1] xs[0])
        many "scatter from a larger source" [| [| 3; 4 |]; [| 3; 5 |] |] Any (fun xs -> Tensor.scatter 0 scatterIndex xs[1] xs[0])
        many "scatter along the last dim" [| [| 2; 5 |]; [| 2; 2 |] |] Any (fun xs ->
            Tensor.scatter -1 (Tensor.create [ [ 4L; 0L ]; [ 2L; 3L ] ]) xs[1] xs[0])
        unaryOn "scatterValue" (fixedShapes [| [| 3; 4 |] |]) Any (Tensor.scatterValue 0 scatterIndex 0.5)
        many "scatterAdd with repeated positions" [| [| 3; 4 |]; [| 3; 3 |] |] Any (fun xs ->
            Tensor.scatterAdd 1 (Tensor.create [ [ 0L; 0L; 3L ]; [ 2L; 1L; 1L ]; [ 3L; 3L; 3L ] ]) xs[1] xs[0])
        many "scatterAdd then a product (second order)" [| [| 3; 4 |]; [| 2; 4 |] |] Any (fun xs ->
            let y = Tensor.scatterAdd 0 scatterIndex (xs[1] * xs[1]) xs[0] in y * y)
        many "indexAdd with repeated positions" [| [| 3; 4 |]; [| 3; 5 |] |] Any (fun xs ->
            Tensor.indexAdd 1 (longs [ 2L; 2L; 0L; 1L; 3L ]) xs[1] xs[0])
        many "indexAdd along dim 0 with an int32 index" [| [| 4; 2 |]; [| 2; 2 |] |] Any (fun xs ->
            Tensor.indexAdd 0 (Tensor.ofArray [| 3; 0 |]) xs[1] xs[0])
        // shape
        unary "repeat" Any (fun x -> Tensor.repeat (Array.init (x.Dim + 1) (fun i -> if i % 2 = 0 then 2 else 1)) x)
        unaryOn "repeat by three in every dim" (rankFrom 1 3) Any (fun x -> Tensor.repeat (Array.create x.Dim 3) x)
        unary "tile" Any (Tensor.tile [| 2; 3 |])
        unaryOn "tile with fewer reps than dims" (rankFrom 2 3) Any (Tensor.tile [| 2 |])
        unary "roll of the flattened tensor" Any (Tensor.roll [| -3 |] [||])
        unaryOn "roll along two dims" (rankFrom 2 3) Any (Tensor.roll [| 1; -2 |] [| 0; -1 |])
        unaryOn "movedim" (rankFrom 3 3) Any (Tensor.movedim [| 0 |] [| 2 |])
        unaryOn "movedim of two dims" (rankFrom 4 4) Any (Tensor.movedim [| 0; -1 |] [| -1; 1 |])
        unaryOn "unflatten" (fixedShapes [| [| 2; 6; 1 |] |]) Any (Tensor.unflatten 1 [| 3; -1 |])
        unaryOn "flattenRange" (rankFrom 3 4) Any (Tensor.flattenRange 1 -1)
        unaryOn "flattenRange of a 0-d tensor" (rankFrom 0 0) Any (Tensor.flattenRange 0 -1)
        unaryOn "unbind" (fixedShapes [| [| 3; 4 |] |]) Any (fun x -> let ps = Tensor.unbind 1 x in ps[0] * ps[3] + ps[1] - ps[2])
        many "meshgrid ij" [| [| 3 |]; [| 4 |] |] Any (fun xs -> let g = Tensor.meshgrid xs "ij" in g[0] * sin g[1])
        many "meshgrid xy of three" [| [| 2 |]; [| 3 |]; [||] |] Any (fun xs ->
            let g = Tensor.meshgrid xs "xy" in g[0] * g[1] + g[2] * g[2])
    ]

// ---------------------------------------------------------------- known values and PyTorch conventions

let private comparisons =
    testList
        "comparisons and logic"
        [
            testCase "the operators compare tensors elementwise with broadcasting"
            <| fun () ->
                let a = Tensor.ofArray [| 1.0; 2.0; 3.0 |]
                let b = Tensor.create [ [ 2.0 ]; [ 3.0 ] ]
                expectBools ".=" [ false; true; false; false; false; true ] (a .= b)
                expectBools ".<>" [ true; false; true; true; true; false ] (a .<> b)
                expectBools ".<" [ true; false; false; true; true; false ] (a .< b)
                expectBools ".<=" [ true; true; false; true; true; true ] (a .<= b)
                expectBools ".>" [ false; false; true; false; false; false ] (a .> b)
                expectBools ".>=" [ false; true; true; false; false; true ] (a .>= b)
                expectShape "broadcast" [| 2; 3 |] (a .< b)

            testCase "a scalar may stand on either side, float or int"
            <| fun () ->
                let x = Tensor.ofArray [| 1.0; 2.0; 3.0 |]
                expectBools "x .> 2.0" [ false; false; true ] (x .> 2.0)
                expectBools "2.0 .< x" [ false; false; true ] (2.0 .< x)
                expectBools "x .>= 2" [ false; true; true ] (x .>= 2)
                expectBools "2 .>= x" [ true; true; false ] (2 .>= x)
                expectBools "2.0 .<= x" [ false; true; true ] (2.0 .<= x)
                expectBools "x .<= 2" [ true; true; false ] (x .<= 2)
                expectBools "x .= 2" [ false; true; false ] (x .= 2)
                expectBools "2.0 .= x" [ false; true; false ] (2.0 .= x)
                expectBools "3 .<> x" [ true; true; false ] (3 .<> x)
                expectBools "x .<> 1.0" [ false; true; true ] (x .<> 1.0)
                expectBools "1 .< x" [ false; true; true ] (1 .< x)
                expectBools "x .< 2" [ true; false; false ] (x .< 2)
                expectBools "1.5 .> x" [ true; false; false ] (1.5 .> x)
                expectBools "3 .> x" [ true; true; false ] (3 .> x)

            testCase "the operators bind looser than arithmetic"
            <| fun () ->
                let x = Tensor.ofArray [| 1.0; 2.0 |]
                expectBools "x + 1.0 .> 2.5" [ false; true ] (x + 1.0 .> 2.5)
                expectBools "x * 2.0 .= x + 3.0" [ false; false ] (x * 2.0 .= x + 3.0)
                expectBools "x * 2.0 .= x + 1.0" [ true; false ] (x * 2.0 .= x + 1.0)

            testCase "scalar comparison functions take the scalar first, the tensor last"
            <| fun () ->
                let x = Tensor.ofArray [| 1.0; 2.0; 3.0 |]
                expectBools "gtScalar" [ false; false; true ] (x |> Tensor.gtScalar 2.0)
                expectBools "geScalar" [ false; true; true ] (x |> Tensor.geScalar 2.0)
                expectBools "ltScalar" [ true; false; false ] (x |> Tensor.ltScalar 2.0)
                expectBools "leScalar" [ true; true; false ] (x |> Tensor.leScalar 2.0)
                expectBools "eqScalar" [ false; true; false ] (x |> Tensor.eqScalar 2.0)
                expectBools "neScalar" [ true; false; true ] (x |> Tensor.neScalar 2.0)

            testCase "NaN compares unequal to everything, as in PyTorch"
            <| fun () ->
                let x = Tensor.ofArray [| nan; 1.0 |]
                expectBools ".=" [ false; true ] (x .= Tensor.ofArray [| nan; 1.0 |])
                expectBools ".<>" [ true; false ] (x .<> Tensor.ofArray [| nan; 1.0 |])
                expectBools ".<" [ false; true ] (x .< 5.0)
                expectBools ".>=" [ false; true ] (x .>= 1)

            testCase "mixed dtypes promote as in PyTorch; an int scalar compares exactly"
            <| fun () ->
                expectBools "int with float scalar" [ false; true ] (Tensor.ofArray [| 1; 2 |] .> 1.5)
                expectBools "float32 with a float scalar (scalar converted to float32)" [ true ] (Tensor.create [ 0.1f ] .= 0.1)
                expectBools "float32 with float64 tensor (promoted)" [ false ] (Tensor.create [ 0.1f ] .= Tensor.ofArray [| 0.1 |])
                expectBools "int64 beyond float precision" [ true; false ] (Tensor.ofArray [| 16777217L; 16777216L |] .= 16777217)
                expectBools "bool with int" [ true; false ] (bools [ true; false ] .= 1)

            testCase "comparisons of differentiated values are constants"
            <| fun () ->
                let g =
                    AD.grad (fun x -> Tensor.sum (Tensor.where (x .> 0.0) (x * x) (-x))) (Tensor.ofArray [| -1.0; 2.0 |])

                expectValues "gradient" [ -1.0; 4.0 ] g

                let y =
                    AD.jvp (fun x -> Tensor.toDtype f64 (x .> 0.5)) (Tensor.ofArray [| 0.0; 1.0 |]) (Tensor.ofArray [| 1.0; 1.0 |])

                expectValues "tangent of a comparison" [ 0.0; 0.0 ] (snd y)

            testCase "logical ops treat nonzero (and NaN) as true and broadcast"
            <| fun () ->
                let a = Tensor.ofArray [| 0.0; 2.0; nan; 0.0 |]
                let b = Tensor.ofArray [| 1; 0; 3; 0 |]
                expectBools "and" [ false; false; true; false ] (Tensor.logicalAnd a b)
                expectBools "or" [ true; true; true; false ] (Tensor.logicalOr a b)
                expectBools "xor" [ true; true; false; false ] (Tensor.logicalXor a b)
                expectBools "not" [ true; false; false; true ] (Tensor.logicalNot a)
                expectShape "broadcast" [| 2; 4 |] (Tensor.logicalAnd a (Tensor.create [ [ true ]; [ false ] ]))
                expectBools "bool inputs" [ false; true ] (Tensor.logicalXor (bools [ true; true ]) (bools [ true; false ]))

            testCase "isnan, isinf, isfinite, isposinf, isneginf"
            <| fun () ->
                let x = Tensor.ofArray [| nan; inf; -inf; 1.0; 0.0 |]
                expectBools "isnan" [ true; false; false; false; false ] (Tensor.isnan x)
                expectBools "isinf" [ false; true; true; false; false ] (Tensor.isinf x)
                expectBools "isfinite" [ false; false; false; true; true ] (Tensor.isfinite x)
                expectBools "isposinf" [ false; true; false; false; false ] (Tensor.isposinf x)
                expectBools "isneginf" [ false; false; true; false; false ] (Tensor.isneginf x)
                let i = Tensor.ofArray [| 1; 2 |]
                expectBools "integers are never NaN" [ false; false ] (Tensor.isnan i)
                expectBools "integers are finite" [ true; true ] (Tensor.isfinite i)
                expectBools "float32" [ true; false ] (Tensor.isinf (Tensor.create [ Single.NegativeInfinity; 1.0f ]))

            testCase "nanToNum replaces NaN and infinities; the defaults are the dtype's extremes"
            <| fun () ->
                let x = Tensor.ofArray [| nan; inf; -inf; 1.5 |]
                expectValues "given values" [ 0.5; 100.0; -100.0; 1.5 ] (Tensor.nanToNum 0.5 100.0 -100.0 x)
                expectValues "defaults" [ 0.0; Double.MaxValue; -Double.MaxValue; 1.5 ] (Tensor.nanToNumDefault x)

                let f =
                    Tensor.create [ Single.NaN; Single.PositiveInfinity; Single.NegativeInfinity ]

                expectValues "float32 defaults" [ 0.0; float Single.MaxValue; float -Single.MaxValue ] (Tensor.nanToNumDefault f)
                Expect.equal (Tensor.nanToNum 0.0 1.0 -1.0 (Tensor.ofArray [| 3; 4 |])).Dtype Dtype.Int32 "integers unchanged"
                expectBools "bools unchanged" [ true; false ] (Tensor.nanToNum 0.0 1.0 -1.0 (bools [ true; false ]))

            testCase "nanToNum's derivative is 1 where kept and 0 where replaced, even for infinite cotangents"
            <| fun () ->
                let x = Tensor.ofArray [| nan; inf; -inf; 1.5 |]
                let _, pullback = AD.vjp (Tensor.nanToNum 0.0 1.0 -1.0) x
                expectValues "pullback of [inf; inf; inf; 2]" [ 0.0; 0.0; 0.0; 2.0 ] (pullback (Tensor.ofArray [| inf; inf; inf; 2.0 |]))

                let _, t =
                    AD.jvp (Tensor.nanToNum 0.0 1.0 -1.0) x (Tensor.ofArray [| 1.0; 1.0; 1.0; 3.0 |])

                expectValues "tangent" [ 0.0; 0.0; 0.0; 3.0 ] t
        ]

let private reading =
    testList
        "advanced indexing"
        [
            testCase "index with two integer tensors picks elements (negative from the end)"
            <| fun () ->
                let x = iota [| 3; 4 |]
                expectValues "x[[2, 0, 1], [-1, 1, 0]]" [ 11.0; 1.0; 4.0 ] (Tensor.index [| rows3; cols3 |] x)

            testCase "index tensors broadcast; trailing dims are kept"
            <| fun () ->
                let x = iota [| 3; 4; 2 |]
                let y = Tensor.index [| Tensor.create [ [ 0L ]; [ 2L ] ]; longs [ 1L; -1L ] |] x
                expectShape "shape [2, 2] + [2]" [| 2; 2; 2 |] y
                expectValues "values" [ 2.0; 3.0; 6.0; 7.0; 18.0; 19.0; 22.0; 23.0 ] y

            testCase "a bool mask selects in row-major order, as t.[mask] and maskedSelect"
            <| fun () ->
                let x = iota [| 2; 3 |]
                let m = Tensor.create [ [ true; false; true ]; [ false; true; true ] ]
                expectValues "index" [ 0.0; 2.0; 4.0; 5.0 ] (Tensor.index [| m |] x)
                expectValues "t.[mask]" [ 0.0; 2.0; 4.0; 5.0 ] x.[m]
                expectValues "maskedSelect" [ 0.0; 2.0; 4.0; 5.0 ] (Tensor.maskedSelect m x)
                expectValues "maskedSelect broadcasts the mask" [ 0.0; 2.0; 3.0; 5.0 ] (Tensor.maskedSelect (bools [ true; false; true ]) x)
                expectShape "t.[rows mask] keeps rows" [| 1; 3 |] x.[bools [ false; true ]]

            testCase "integer-array indexing along dim 0 with negative indices"
            <| fun () ->
                let x = iota [| 3; 4 |]
                expectValues "x[[-1, 0]]" [ 8.0; 9.0; 10.0; 11.0; 0.0; 1.0; 2.0; 3.0 ] x.[longs [ -1L; 0L ]]
                expectValues "x.[-1]" [ 8.0; 9.0; 10.0; 11.0 ] x.[-1]
                expectValues "x.[-1, -2]" [ 10.0 ] x.[-1, -2]

            testCase "take reads the flattened tensor, in the index's shape"
            <| fun () ->
                let y =
                    Tensor.take (Tensor.create [ [ 3L; -4L ] ]) (Tensor.create [ [ 1.0; 2.0 ]; [ 3.0; 4.0 ] ])

                expectShape "shape" [| 1; 2 |] y
                expectValues "values" [ 4.0; 1.0 ] y

            testCase "stepped slices: t.[[0..2..10]] and Tensor.slice are PyTorch's t[0:11:2]"
            <| fun () ->
                let x = arange 12
                expectValues "list" [ 0.0; 2.0; 4.0; 6.0; 8.0; 10.0 ] x.[[ 0..2..10 ]]
                expectValues "slice" [ 0.0; 2.0; 4.0; 6.0; 8.0; 10.0 ] (Tensor.slice 0 0 11 2 x)
                expectValues "x[1::3]" [ 1.0; 4.0; 7.0; 10.0 ] (Tensor.slice 0 1 Int32.MaxValue 3 x)
                expectValues "x[-5:-1:2]" [ 7.0; 9.0 ] (x.Slice(0, -5, -1, 2))
                expectValues "columns of a matrix" [ 1.0; 3.0; 5.0; 7.0 ] (Tensor.slice 1 1 4 2 (iota [| 2; 4 |]))
                let g = AD.grad (fun x -> Tensor.sum (x.[[ 0..2..10 ]] * 3.0)) x
                expectValues "gradient" [ for i in 0..11 -> if i % 2 = 0 && i <= 10 then 3.0 else 0.0 ] g
        ]

let private writing =
    testList
        "functional index assignment"
        [
            testCase "indexPut writes elements and returns a new tensor"
            <| fun () ->
                let x = iota [| 2; 3 |]

                let y =
                    Tensor.indexPut [| longs [ 1L; 0L ]; longs [ -1L ] |] (Tensor.ofArray [| 10.0; 20.0 |]) x

                expectValues "result" [ 0.0; 1.0; 20.0; 3.0; 4.0; 10.0 ] y
                expectValues "input unchanged" [ 0.0; 1.0; 2.0; 3.0; 4.0; 5.0 ] x

            testCase "indexPut with masks and broadcast values, as PyTorch"
            <| fun () ->
                let x = iota [| 2; 3 |]

                expectValues
                    "row mask, 0-d value"
                    [ 7.0; 7.0; 7.0; 3.0; 4.0; 5.0 ]
                    (Tensor.indexPut [| bools [ true; false ] |] (Tensor.scalar 7.0) x)

                let m = Tensor.create [ [ true; false; true ]; [ false; false; true ] ]

                expectValues
                    "element mask"
                    [ 1.0; 1.0; 2.0; 3.0; 4.0; 3.0 ]
                    (Tensor.indexPut [| m |] (Tensor.ofArray [| 1.0; 2.0; 3.0 |]) x)

                expectValues "no index tensors: every element" [ 9.0; 9.0; 9.0; 9.0; 9.0; 9.0 ] (Tensor.indexPut [||] (Tensor.scalar 9.0) x)

                expectValues
                    "empty index: nothing written"
                    [ 0.0; 1.0; 2.0; 3.0; 4.0; 5.0 ]
                    (Tensor.indexPut [| Tensor.Zeros([| 0 |], Dtype.Int64) |] (Tensor.scalar 9.0) x)

            testCase "indexPut converts values to the tensor's dtype"
            <| fun () ->
                let y =
                    Tensor.indexPut [| longs [ 1L ] |] (Tensor.scalar 2.7) (Tensor.ofArray [| 1; 2; 3 |])

                Expect.equal y.Dtype Dtype.Int32 "dtype"
                expectValues "values (truncated)" [ 1.0; 2.0; 3.0 ] y

                let z =
                    Tensor.indexPut [| longs [ 0L ] |] (Tensor.scalar 0.5) (Tensor.Zeros([| 2 |], Dtype.Float32))

                Expect.equal z.Dtype Dtype.Float32 "float32 stays"

            testCase "indexPutAdd adds at repeated positions"
            <| fun () ->
                let y =
                    Tensor.indexPutAdd
                        [| longs [ 0L; 0L; 2L ]; longs [ 1L; 1L; 3L ] |]
                        (Tensor.ofArray [| 1.0; 2.0; 3.0 |])
                        (Tensor.Zeros([| 3; 4 |], f64))

                expectValues "result" [ 0.0; 3.0; 0.0; 0.0; 0.0; 0.0; 0.0; 0.0; 0.0; 0.0; 0.0; 3.0 ] y

            testCase "indexPut's derivatives: zero at written positions for x, gathered cotangent for values (PyTorch's, also for repeats)"
            <| fun () ->
                let w = iota [| 3; 4 |]

                let f (x: Tensor) (v: Tensor) =
                    Tensor.sum (Tensor.indexPut [| longs [ 0L; 0L; 2L ]; longs [ 1L; 1L; 3L ] |] v x * w)

                let x0, v0 = Tensor.Zeros([| 3; 4 |], f64), Tensor.ofArray [| 1.0; 2.0; 3.0 |]
                expectValues "d/dx" [ 0.0; 0.0; 2.0; 3.0; 4.0; 5.0; 6.0; 7.0; 8.0; 9.0; 10.0; 0.0 ] (AD.grad (fun x -> f x v0) x0)
                expectValues "d/dvalues" [ 1.0; 1.0; 11.0 ] (AD.grad (fun v -> f x0 v) v0)

            testCase "indexPut's derivative for x is a select: infinities elsewhere do not make NaN"
            <| fun () ->
                let x = Tensor.ofArray [| inf; 1.0; 2.0 |]
                let y, pullback = AD.vjp (Tensor.indexPut [| longs [ 0L ] |] (Tensor.scalar 5.0)) x
                expectValues "value" [ 5.0; 1.0; 2.0 ] y
                expectValues "pullback of [inf; 1; 1]" [ 0.0; 1.0; 1.0 ] (pullback (Tensor.ofArray [| inf; 1.0; 1.0 |]))

            testCase "maskedFill broadcasts mask and tensor"
            <| fun () ->
                let x = iota [| 2; 3 |]
                expectValues "row mask" [ 9.0; 9.0; 9.0; 3.0; 4.0; 5.0 ] (Tensor.maskedFill (Tensor.create [ [ true ]; [ false ] ]) 9.0 x)
                let y = Tensor.maskedFill (bools [ true; false ]) 5.0 (Tensor.scalar 2.0)
                expectValues "x broadcast up to the mask" [ 5.0; 2.0 ] y

                let g =
                    AD.grad
                        (fun x ->
                            Tensor.sum (
                                Tensor.maskedFill (bools [ true; false; false ]) inf x
                                |> Tensor.nanToNum 0.0 0.0 0.0
                            ))
                        (Tensor.ofArray [| 1.0; 2.0; 3.0 |])

                expectValues "an infinite fill value leaves finite gradients" [ 0.0; 1.0; 1.0 ] g

            testCase "maskedFillTensor is differentiable in the value"
            <| fun () ->
                let m = bools [ true; false; true ]

                let g =
                    AD.grad
                        (fun v ->
                            Tensor.sum (
                                Tensor.maskedFillTensor m v (Tensor.ofArray [| 1.0; 2.0; 3.0 |])
                                * Tensor.ofArray [| 2.0; 3.0; 5.0 |]
                            ))
                        (Tensor.scalar 0.0)

                expectValues "d/dvalue" [ 7.0 ] g

            testCase "scatter writes src along a dim at the index positions (torch.scatter)"
            <| fun () ->
                let x = iota [| 2; 3 |]
                let src = Tensor.create [ [ 10.0; 20.0; 30.0 ]; [ 40.0; 50.0; 60.0 ] ]

                expectValues
                    "dim 0, src larger than the index"
                    [ 0.0; 20.0; 2.0; 10.0; 4.0; 30.0 ]
                    (Tensor.scatter 0 (Tensor.create [ [ 1L; 0L; 1L ] ]) src x)

                expectValues
                    "dim 1"
                    [ 20.0; 1.0; 10.0; 3.0; 40.0; 50.0 ]
                    (Tensor.scatter 1 (Tensor.create [ [ 2L; 0L ]; [ 1L; 2L ] ]) src x)

                expectValues
                    "scatterValue"
                    [ 0.0; 1.0; 0.5; 0.5; 4.0; 5.0 ]
                    (Tensor.scatterValue 1 (Tensor.create [ [ 2L ]; [ 0L ] ]) 0.5 x)

            testCase "scatter from a larger source: the source's gradient is the gathered cotangent, zero-padded"
            <| fun () ->
                let idx = Tensor.create [ [ 1L; 0L ] ]

                let g =
                    AD.grad
                        (fun s -> Tensor.sum (Tensor.scatter 0 idx s (Tensor.Zeros([| 2; 2 |], f64)) * iota [| 2; 2 |]))
                        (Tensor.Zeros([| 2; 3 |], f64))

                expectValues "d/dsrc" [ 2.0; 1.0; 0.0; 0.0; 0.0; 0.0 ] g

            testCase "scatterAdd and indexAdd add at repeated positions"
            <| fun () ->
                let x = iota [| 2; 3 |]

                expectValues
                    "scatterAdd"
                    [ 30.0; 1.0; 2.0; 3.0; 54.0; 45.0 ]
                    (Tensor.scatterAdd 1 (Tensor.create [ [ 0L; 0L ]; [ 2L; 1L ] ]) (Tensor.create [ [ 10.0; 20.0 ]; [ 40.0; 50.0 ] ]) x)

                expectValues
                    "indexAdd"
                    [ 20.0; 1.0; 12.0; 53.0; 4.0; 45.0 ]
                    (Tensor.indexAdd 1 (longs [ 2L; 0L ]) (Tensor.create [ [ 10.0; 20.0 ]; [ 40.0; 50.0 ] ]) x)

                expectValues
                    "indexAdd repeated"
                    [ 3.0; 0.0 ]
                    (Tensor.indexAdd 0 (longs [ 0L; 0L ]) (Tensor.ofArray [| 1.0; 2.0 |]) (Tensor.Zeros([| 2 |], f64)))

            testCase "values of another float dtype are converted to the tensor's, and their gradient back"
            <| fun () ->
                let x = Tensor.Zeros([| 3 |], Dtype.Float32)
                let v = Tensor.ofArray [| 1.5; 2.5 |]
                let y = Tensor.indexPut [| longs [ 2L; 0L ] |] v x
                Expect.equal y.Dtype Dtype.Float32 "result dtype"

                let g =
                    AD.grad (fun v -> Tensor.sum (Tensor.indexPut [| longs [ 2L; 0L ] |] v x * Tensor.create [ 1.0f; 2.0f; 3.0f ])) v

                Expect.equal g.Dtype f64 "gradient dtype"
                expectValues "gradient" [ 3.0; 1.0 ] g

                let gs =
                    AD.grad (fun s -> Tensor.sum (Tensor.scatterAdd 0 (longs [ 1L ]) s x)) (Tensor.ofArray [| 1.0 |])

                expectValues "scatterAdd source gradient" [ 1.0 ] gs

            testCase "assignment works on integer, float16 and bool tensors and keeps their dtype"
            <| fun () ->
                for dtype in [ Dtype.Int32; Dtype.Int64; Dtype.Float16; Dtype.BFloat16; Dtype.Float32 ] do
                    let x = Tensor.Create([| 1.0; 2.0; 3.0; 4.0 |], dtype = dtype)
                    let y = Tensor.indexPut [| longs [ 1L ] |] (Tensor.scalar 9.0) x
                    Expect.equal y.Dtype dtype $"{dtype}"
                    expectValues $"indexPut {dtype}" [ 1.0; 9.0; 3.0; 4.0 ] y

                    expectValues
                        $"scatterAdd {dtype}"
                        [ 1.0; 12.0; 3.0; 4.0 ]
                        (Tensor.scatterAdd 0 (longs [ 1L; 1L ]) (Tensor.ofArray [| 9.0; 1.0 |]) x)

                    expectValues
                        $"indexAdd {dtype}"
                        [ 1.0; 12.0; 3.0; 4.0 ]
                        (Tensor.indexAdd 0 (longs [ 1L; 1L ]) (Tensor.ofArray [| 9.0; 1.0 |]) x)

                    expectValues $"maskedFill {dtype}" [ 1.0; 0.0; 3.0; 0.0 ] (Tensor.maskedFill (bools [ false; true; false; true ]) 0.0 x)

                expectBools "bool" [ false; true ] (Tensor.indexPut [| longs [ 0L ] |] (bools [ false ]) (bools [ true; true ]))
        ]

let private shapes =
    testList
        "shape ops"
        [
            testCase "repeat and tile: tile pads the repetitions with leading ones"
            <| fun () ->
                let a = Tensor.create [ [ 1.0; 2.0 ]; [ 3.0; 4.0 ] ]
                let r = Tensor.repeat [| 2; 3 |] a
                expectShape "repeat [2; 3]" [| 4; 6 |] r

                expectValues
                    "repeat values"
                    [
                        for i in 0..3 do
                            for j in 0..5 -> float ((i % 2) * 2 + j % 2 + 1)
                    ]
                    r

                expectValues "tile [2] repeats the last dim" [ 1.0; 2.0; 1.0; 2.0; 3.0; 4.0; 3.0; 4.0 ] (Tensor.tile [| 2 |] a)
                expectShape "repeat adds leading dims" [| 2; 2; 2 |] (Tensor.repeat [| 2; 1; 1 |] a)
                expectShape "tile adds leading dims" [| 2; 2; 2 |] (Tensor.tile [| 2; 1; 1 |] a)
                expectValues "1-D" [ 1.0; 2.0; 1.0; 2.0; 1.0; 2.0 ] (Tensor.repeat [| 3 |] (Tensor.ofArray [| 1.0; 2.0 |]))
                expectShape "a 0-d tensor" [| 2; 3 |] (Tensor.repeat [| 2; 3 |] (Tensor.scalar 3.0))
                expectShape "zero repeats" [| 0; 2 |] (Tensor.repeat [| 0; 1 |] a)

            testCase "repeat's gradient sums the copies"
            <| fun () ->
                let g =
                    AD.grad (fun x -> Tensor.sum (Tensor.repeat [| 2; 1; 3 |] x * Tensor.repeat [| 2; 1; 3 |] x)) (iota [| 2; 2 |])

                expectValues "12·x" [ 0.0; 12.0; 24.0; 36.0 ] g

            testCase "roll: positive shifts move elements to higher positions, negative back; no dims rolls the flattened tensor"
            <| fun () ->
                let x = iota [| 3; 4 |]

                expectValues
                    "roll -1 along dim 1"
                    [ 1.0; 2.0; 3.0; 0.0; 5.0; 6.0; 7.0; 4.0; 9.0; 10.0; 11.0; 8.0 ]
                    (Tensor.roll [| -1 |] [| 1 |] x)

                expectValues
                    "roll 2, flattened"
                    [ 10.0; 11.0; 0.0; 1.0; 2.0; 3.0; 4.0; 5.0; 6.0; 7.0; 8.0; 9.0 ]
                    (Tensor.roll [| 2 |] [||] x)

                expectValues
                    "roll (-1, 1) along (0, 1)"
                    [ 7.0; 4.0; 5.0; 6.0; 11.0; 8.0; 9.0; 10.0; 3.0; 0.0; 1.0; 2.0 ]
                    (Tensor.roll [| -1; 1 |] [| 0; 1 |] x)

                expectValues "shifts larger than the size wrap" [ 3.0; 0.0; 1.0; 2.0 ] (Tensor.roll [| 9 |] [| 0 |] (arange 4))

                let g =
                    AD.grad (fun x -> Tensor.sum (Tensor.roll [| 1 |] [| 0 |] x * arange 4)) (arange 4)

                expectValues "gradient rolls back" [ 1.0; 2.0; 3.0; 0.0 ] g

            testCase "movedim, unflatten, flattenRange, unbind as PyTorch"
            <| fun () ->
                expectShape "movedim 1 → 0" [| 4; 3 |] (Tensor.movedim [| 1 |] [| 0 |] (iota [| 3; 4 |]))

                expectShape
                    "movedim (0, 1) → (-1, 0)"
                    [| 3; 4; 5; 2 |]
                    (Tensor.movedim [| 0; 1 |] [| -1; 0 |] (Tensor.zeros [| 2; 3; 4; 5 |]))

                expectValues
                    "movedim is a transpose for matrices"
                    [ 0.0; 3.0; 1.0; 4.0; 2.0; 5.0 ]
                    (Tensor.movedim [| 0 |] [| 1 |] (iota [| 2; 3 |]))

                expectShape "unflatten -1 → (2, 2)" [| 2; 3; 2; 2 |] (Tensor.unflatten -1 [| 2; 2 |] (Tensor.zeros [| 2; 3; 4 |]))
                expectShape "unflatten with -1" [| 2; 2; 3; 4 |] (Tensor.unflatten 1 [| 2; -1 |] (Tensor.zeros [| 2; 6; 4 |]))
                expectShape "flattenRange 1 2" [| 2; 12; 5 |] (Tensor.flattenRange 1 2 (Tensor.zeros [| 2; 3; 4; 5 |]))
                expectShape "flattenRange of one dim" [| 2; 3 |] (Tensor.flattenRange 1 1 (Tensor.zeros [| 2; 3 |]))
                expectShape "flattenRange of a 0-d tensor" [| 1 |] (Tensor.flattenRange 0 -1 (Tensor.scalar 1.0))
                expectShape "flatten stays all dims" [| 6 |] (Tensor.flatten (Tensor.zeros [| 2; 3 |]))
                let parts = Tensor.unbind 1 (iota [| 2; 3 |])
                Expect.equal parts.Length 3 "three parts"
                expectValues "unbind 1, part 2" [ 2.0; 5.0 ] parts[2]
                Expect.equal (Tensor.unbind 0 (Tensor.zeros [| 0; 2 |])).Length 0 "unbind of an empty dim"

            testCase "meshgrid: ij varies output i along dim i; xy swaps the first two dims"
            <| fun () ->
                let a, b = Tensor.ofArray [| 1.0; 2.0; 3.0 |], Tensor.ofArray [| 4.0; 5.0 |]
                let ij = Tensor.meshgrid [ a; b ] "ij"
                expectShape "ij" [| 3; 2 |] ij[0]
                expectValues "ij 0" [ 1.0; 1.0; 2.0; 2.0; 3.0; 3.0 ] ij[0]
                expectValues "ij 1" [ 4.0; 5.0; 4.0; 5.0; 4.0; 5.0 ] ij[1]
                let xy = Tensor.meshgrid [ a; b ] "xy"
                expectShape "xy" [| 2; 3 |] xy[0]
                expectValues "xy 0" [ 1.0; 2.0; 3.0; 1.0; 2.0; 3.0 ] xy[0]
                expectValues "xy 1" [ 4.0; 4.0; 4.0; 5.0; 5.0; 5.0 ] xy[1]
                expectShape "xy with one input is unchanged" [| 3 |] (Tensor.meshgrid [ a ] "xy").[0]
                expectShape "a 0-d input counts as one element" [| 1; 2 |] (Tensor.meshgrid [ Tensor.scalar 1.0; b ] "ij").[0]
                expectShape "three inputs, xy" [| 2; 3; 1 |] (Tensor.meshgrid [ a; b; Tensor.ofArray [| 0.0 |] ] "xy").[2]
                Expect.equal (Tensor.meshgrid [ Tensor.ofArray [| 1 |]; b ] "ij").[0].Dtype f64 "promoted to one dtype"
        ]

// ---------------------------------------------------------------- errors

let private errors =
    let x = iota [| 3; 4 |]

    testList
        "errors"
        [
            testCase "comparisons and logic: shapes that do not broadcast"
            <| fun () ->
                throwsWith<ArgumentException> [ "lt"; "[2, 3]"; "[4]" ] (fun () ->
                    Tensor.zeros [| 2; 3 |] .< Tensor.zeros [| 4 |] |> ignore)

                throwsWith<ArgumentException> [ "eq"; "[2]"; "[3]" ] (fun () -> Tensor.zeros [| 2 |] .= Tensor.zeros [| 3 |] |> ignore)

                throwsWith<ArgumentException> [ "logicalAnd"; "[2]"; "[3]" ] (fun () ->
                    Tensor.logicalAnd (Tensor.zeros [| 2 |]) (Tensor.zeros [| 3 |]) |> ignore)

                throwsWith<ArgumentException> [ "logicalXor"; "[2]"; "[3]" ] (fun () ->
                    Tensor.logicalXor (Tensor.zeros [| 2 |]) (Tensor.zeros [| 3 |]) |> ignore)

            testCase "indexPut and index: out-of-range and too many indices"
            <| fun () ->
                throwsWith<ArgumentOutOfRangeException> [ "indexPut"; "index 3"; "dimension 0 of size 3"; "-3 .. 2" ] (fun () ->
                    Tensor.indexPut [| longs [ 3L ] |] (Tensor.scalar 1.0) x |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "indexPut"; "index -5"; "dimension 1 of size 4" ] (fun () ->
                    Tensor.indexPut [| longs [ 0L ]; longs [ -5L ] |] (Tensor.scalar 1.0) x
                    |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "index"; "too many indices"; "[3, 4]" ] (fun () ->
                    Tensor.index [| longs [ 0L ]; longs [ 0L ]; longs [ 0L ] |] x |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "take"; "index 12"; "size 12" ] (fun () ->
                    Tensor.take (longs [ 12L ]) x |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "take"; "empty" ] (fun () ->
                    Tensor.take (longs [ 0L ]) (Tensor.zeros [| 0 |]) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "index"; "index 4" ] (fun () -> x.[longs [ 4L ]] |> ignore)

            testCase "indexPut and index: index dtypes and mask shapes"
            <| fun () ->
                throwsWith<ArgumentException> [ "indexPut"; "index 0"; "float64[1]"; "integer" ] (fun () ->
                    Tensor.indexPut [| Tensor.ofArray [| 1.0 |] |] (Tensor.scalar 1.0) x |> ignore)

                throwsWith<ArgumentException> [ "index"; "uint8"; "ambiguous" ] (fun () ->
                    Tensor.index [| Tensor.ofArray [| 1uy |] |] x |> ignore)

                throwsWith<ArgumentException> [ "indexPut"; "bool mask of shape [4]"; "[3, 4]" ] (fun () ->
                    Tensor.indexPut [| bools [ true; false; true; false ] |] (Tensor.scalar 1.0) x
                    |> ignore)

                throwsWith<ArgumentException> [ "index"; "0-d bool" ] (fun () -> Tensor.index [| Tensor.create true |] x |> ignore)
                throwsWith<ArgumentException> [ "take"; "integer"; "maskedSelect" ] (fun () -> Tensor.take (bools [ true ]) x |> ignore)

                throwsWith<ArgumentException> [ "indexPut"; "index tensors"; "[2]"; "[3]" ] (fun () ->
                    Tensor.indexPut [| longs [ 0L; 1L ]; longs [ 0L; 1L; 2L ] |] (Tensor.scalar 1.0) x
                    |> ignore)

            testCase "indexPut: values that do not fit the indexed shape"
            <| fun () ->
                throwsWith<ArgumentException> [ "indexPut"; "values of shape [2]"; "indexed shape [2, 4]" ] (fun () ->
                    Tensor.indexPut [| longs [ 0L; 1L ] |] (Tensor.ofArray [| 1.0; 2.0 |]) x
                    |> ignore)

                throwsWith<ArgumentException> [ "indexPutAdd"; "values of shape [4]"; "indexed shape [3]" ] (fun () ->
                    Tensor.indexPutAdd [| rows3; cols3 |] (Tensor.zeros [| 4 |]) x |> ignore)

            testCase "maskedFill, maskedSelect: non-bool or mismatched masks, non-0-d values"
            <| fun () ->
                throwsWith<ArgumentException> [ "maskedFill"; "bool"; "int64[2]" ] (fun () ->
                    Tensor.maskedFill (longs [ 1L; 0L ]) 1.0 x |> ignore)

                throwsWith<ArgumentException> [ "maskedFill"; "[3, 4]"; "[3]" ] (fun () ->
                    Tensor.maskedFill (bools [ true; false; true ]) 1.0 x |> ignore)

                throwsWith<ArgumentException> [ "maskedSelect"; "bool"; "float64" ] (fun () ->
                    Tensor.maskedSelect (Tensor.ofArray [| 1.0 |]) x |> ignore)

                throwsWith<ArgumentException> [ "maskedFillTensor"; "0-d"; "[2]" ] (fun () ->
                    Tensor.maskedFillTensor mask34 (Tensor.zeros [| 2 |]) x |> ignore)

            testCase "scatter, scatterAdd: index range, dtype and shapes are checked before LibTorch"
            <| fun () ->
                let src = Tensor.zeros [| 2; 4 |]

                throwsWith<ArgumentOutOfRangeException> [ "scatter"; "index 3"; "dimension 0 of size 3"; "0 .. 2" ] (fun () ->
                    Tensor.scatter 0 (Tensor.create [ [ 3L; 0L; 0L; 0L ] ]) src x |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "scatterAdd"; "index -1" ] (fun () ->
                    Tensor.scatterAdd 0 (Tensor.create [ [ -1L; 0L; 0L; 0L ] ]) src x |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "scatterValue"; "index 9" ] (fun () ->
                    Tensor.scatterValue 1 (Tensor.create [ [ 9L ] ]) 1.0 x |> ignore)

                throwsWith<ArgumentException> [ "scatter"; "int64"; "int32" ] (fun () ->
                    Tensor.scatter 0 (Tensor.create [ [ 0; 1 ] ]) src x |> ignore)

                throwsWith<ArgumentException> [ "scatter"; "int64"; "float64" ] (fun () ->
                    Tensor.scatter 0 (Tensor.create [ [ 0.0 ] ]) src x |> ignore)

                throwsWith<ArgumentException> [ "scatter"; "rank"; "[2]"; "[3, 4]" ] (fun () ->
                    Tensor.scatter 0 (longs [ 0L; 1L ]) src x |> ignore)

                throwsWith<ArgumentException> [ "scatterAdd"; "larger than the source"; "dimension 1" ] (fun () ->
                    Tensor.scatterAdd 0 (Tensor.create [ [ 0L; 0L; 0L; 0L ] ]) (Tensor.zeros [| 1; 3 |]) x
                    |> ignore)

                throwsWith<ArgumentException> [ "scatter"; "larger than the tensor"; "dimension 1" ] (fun () ->
                    Tensor.scatter 0 (Tensor.Zeros([| 1; 5 |], Dtype.Int64)) (Tensor.zeros [| 1; 5 |]) x
                    |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "scatter"; "dimension 2"; "rank 2" ] (fun () ->
                    Tensor.scatter 2 scatterIndex src x |> ignore)

                throwsWith<ArgumentException> [ "scatter"; "source"; "rank" ] (fun () ->
                    Tensor.scatter 0 scatterIndex (Tensor.zeros [| 8 |]) x |> ignore)

            testCase "indexAdd: index and source shapes, range"
            <| fun () ->
                throwsWith<ArgumentException> [ "indexAdd"; "source"; "[3, 2]"; "[3, 3]" ] (fun () ->
                    Tensor.indexAdd 1 (longs [ 0L; 1L ]) (Tensor.zeros [| 3; 3 |]) x |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "indexAdd"; "index 4"; "dimension 1 of size 4" ] (fun () ->
                    Tensor.indexAdd 1 (longs [ 4L ]) (Tensor.zeros [| 3; 1 |]) x |> ignore)

                throwsWith<ArgumentException> [ "indexAdd"; "1-D" ] (fun () ->
                    Tensor.indexAdd 1 (Tensor.create [ [ 0L ] ]) (Tensor.zeros [| 3; 1 |]) x
                    |> ignore)

                throwsWith<ArgumentException> [ "indexAdd"; "int64 or int32"; "float64" ] (fun () ->
                    Tensor.indexAdd 1 (Tensor.ofArray [| 0.0 |]) (Tensor.zeros [| 3; 1 |]) x
                    |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "indexAdd"; "dimension -3" ] (fun () ->
                    Tensor.indexAdd -3 (longs [ 0L ]) (Tensor.zeros [| 3; 1 |]) x |> ignore)

            testCase "repeat, tile, roll: counts, shifts and dims"
            <| fun () ->
                throwsWith<ArgumentException> [ "repeat"; "1 repeat counts"; "rank 2"; "tile" ] (fun () ->
                    Tensor.repeat [| 2 |] x |> ignore)

                throwsWith<ArgumentException> [ "repeat"; "non-negative"; "[2, -1]" ] (fun () -> Tensor.repeat [| 2; -1 |] x |> ignore)
                throwsWith<ArgumentException> [ "tile"; "non-negative" ] (fun () -> Tensor.tile [| -2 |] x |> ignore)
                throwsWith<ArgumentException> [ "roll"; "2 shifts for 1 dims" ] (fun () -> Tensor.roll [| 1; 2 |] [| 0 |] x |> ignore)
                throwsWith<ArgumentException> [ "roll"; "exactly one shift" ] (fun () -> Tensor.roll [| 1; 2 |] [||] x |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "roll"; "dimension 2"; "rank 2" ] (fun () ->
                    Tensor.roll [| 1 |] [| 2 |] x |> ignore)

            testCase "movedim, unflatten, flattenRange, unbind: dims and sizes"
            <| fun () ->
                throwsWith<ArgumentException> [ "movedim"; "2 source dims and 1 destinations" ] (fun () ->
                    Tensor.movedim [| 0; 1 |] [| 0 |] x |> ignore)

                throwsWith<ArgumentException> [ "movedim"; "repeat" ] (fun () -> Tensor.movedim [| 0; -2 |] [| 0; 1 |] x |> ignore)

                throwsWith<ArgumentException> [ "movedim"; "destinations"; "repeat" ] (fun () ->
                    Tensor.movedim [| 0; 1 |] [| 1; -1 |] x |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "movedim"; "dimension 3" ] (fun () -> Tensor.movedim [| 3 |] [| 0 |] x |> ignore)

                throwsWith<ArgumentException> [ "unflatten"; "[3, 2]"; "dimension 1 of size 4" ] (fun () ->
                    Tensor.unflatten 1 [| 3; 2 |] x |> ignore)

                throwsWith<ArgumentException> [ "unflatten"; "[-1, -1]" ] (fun () -> Tensor.unflatten 1 [| -1; -1 |] x |> ignore)
                throwsWith<ArgumentException> [ "unflatten"; "empty" ] (fun () -> Tensor.unflatten 1 [||] x |> ignore)

                throwsWith<ArgumentException> [ "flattenRange"; "start dimension 1 comes after the end dimension 0" ] (fun () ->
                    Tensor.flattenRange 1 0 x |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "flattenRange"; "dimension 2" ] (fun () -> Tensor.flattenRange 0 2 x |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "flattenRange"; "dimension 1" ] (fun () ->
                    Tensor.flattenRange 0 1 (Tensor.scalar 1.0) |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "unbind"; "dimension -3" ] (fun () -> Tensor.unbind -3 x |> ignore)
                throwsWith<ArgumentOutOfRangeException> [ "unbind"; "0-d" ] (fun () -> Tensor.unbind 0 (Tensor.scalar 1.0) |> ignore)

            testCase "meshgrid: indexing, inputs"
            <| fun () ->
                let a = Tensor.ofArray [| 1.0; 2.0 |]

                throwsWith<ArgumentException> [ "meshgrid"; "\"ij\""; "\"xy\""; "\"yx\"" ] (fun () ->
                    Tensor.meshgrid [ a; a ] "yx" |> ignore)

                throwsWith<ArgumentException> [ "meshgrid"; "at least one" ] (fun () -> Tensor.meshgrid [] "ij" |> ignore)

                throwsWith<ArgumentException> [ "meshgrid"; "0-d or 1-D"; "tensor 1"; "[2, 2]" ] (fun () ->
                    Tensor.meshgrid [ a; Tensor.zeros [| 2; 2 |] ] "ij" |> ignore)

            testCase "a zero step never reaches LibTorch (it would end the process)"
            <| fun () ->
                throwsWith<ArgumentException> [ "slice"; "step"; "0" ] (fun () -> Tensor.slice 0 0 3 0 x |> ignore)
                throwsWith<ArgumentException> [ "slice"; "step"; "-1" ] (fun () -> x.Slice(1, 0, 3, -1) |> ignore)
        ]

// ---------------------------------------------------------------- the operators from an F# script

/// Runs `dotnet fsi` on a script in a temporary folder; returns (exit code, output).
let private runScript (code: string) =
    let dir = Directory.CreateTempSubdirectory "nabla-operators-"

    try
        let script = Path.Combine(dir.FullName, "operators.fsx")
        File.WriteAllText(script, code)

        let psi =
            ProcessStartInfo(
                "dotnet",
                $"fsi --quiet --exec \"{script}\"",
                WorkingDirectory = dir.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true
            )

        use p = Process.Start psi
        let out = p.StandardOutput.ReadToEndAsync()
        let err = p.StandardError.ReadToEnd()
        p.WaitForExit()
        p.ExitCode, out.Result + err
    finally
        try
            dir.Delete true
        with _ ->
            ()

let private script =
    testCase "the comparison operators work from an F# script with only #r Nabla.dll"
    <| fun () ->
        let dll = Path.Combine(AppContext.BaseDirectory, "Nabla.dll").Replace("\\", "/")

        let code =
            String.concat
                "\n"
                [
                    $"#r \"{dll}\""
                    "open Nabla"
                    "let x = Tensor.ofArray [| -1.0; 0.5; 2.0 |]"
                    "let count (t: Tensor) = t |> Tensor.toArray |> Array.sum"
                    "printfn \"gt=%g lt=%g eq=%g ne=%g le=%g ge=%g\" (count (x .> 0.0)) (count (1 .< x)) (count (x .= x)) (count (x .<> 2)) (count (x .<= 0.5)) (count (0.0 .>= x))"
                    "printfn \"grad=%A\" (AD.grad (fun x -> Tensor.sum (Tensor.where (x .> 0.0) (x * x) (Tensor.maskedFill (x .< -0.5) 0.0 x))) x |> Tensor.toArray)"
                ]

        let exitCode, output = runScript code
        Expect.equal exitCode 0 $"exit code; output:\n{output}"
        Expect.stringContains output "gt=2 lt=1 eq=3 ne=2 le=2 ge=1" "operator results"
        Expect.stringContains output "grad=[|0.0; 1.0; 4.0|]" "gradient through where and maskedFill"

// ---------------------------------------------------------------- PyTorch parity

let private x12 =
    Tensor.Linspace(-1.1, 1.4, 12, dtype = f64) * Tensor.cos (arange 12)

let private v12 = Tensor.sin (arange 12 + 0.5)

let private x16 =
    Tensor.Linspace(-1.3, 1.7, 16, dtype = f64) * Tensor.cos (arange 16)

let private v16 = Tensor.sin (arange 16)
let private w24 = Tensor.cos (arange 24 * 0.7)

let private mask44 =
    Tensor.create
        [
            [ true; false; false; true ]
            [ false; true; false; false ]
            [ false; false; false; true ]
            [ true; true; false; false ]
        ]

/// The twins of PyTorch/reference_indexing.py's functions.
let private parity: (string * (Tensor -> Tensor) * Tensor * Tensor) list =
    [
        "index_put_accumulate",
        (fun x ->
            let m = Tensor.reshape [| 3; 4 |] x
            let a = Tensor.indexPut [| rows3; cols3 |] (x.[4..6] * 2.0) m
            let b = Tensor.indexPut [| longs [ 1L ] |] (sin x.[0..3]) m

            let c =
                Tensor.indexPutAdd [| longs [ 2L; 0L; 2L ]; longs [ -1L; 1L; 3L ] |] (x.[0..2] ** 2.0) a

            let d =
                Tensor.indexPut [| Tensor.create [ [ 0L ]; [ 2L ] ]; longs [ 1L; 3L ] |] (Tensor.reshape [| 2; 1 |] x.[8..9]) m

            Tensor.sum (a * b) + Tensor.sum (c ** 2.0) + Tensor.sum (d * cos m)),
        x12,
        v12
        "index_put_masks_scatter_value",
        (fun x ->
            let m = Tensor.reshape [| 4; 4 |] x
            let a = Tensor.indexPut [| mask44 |] (x.[0..5] ** 2.0) m
            let b = Tensor.indexPut [| bools [ true; false; true; false ] |] (sin x.[4..7]) m

            let c =
                Tensor.scatterValue 1 (Tensor.create [ [ 1L; 0L ]; [ 3L; 2L ]; [ 0L; 0L ]; [ 2L; 1L ] ]) 0.5 m

            let d =
                Tensor.maskedFillTensor (Tensor.create [ [ true ]; [ false ]; [ false ]; [ true ] ]) x.[3] m

            Tensor.sum (a * b) + Tensor.sum (c ** 3.0) + Tensor.sum (d * m)),
        x16,
        v16
        "scatter_scatter_add_index_add",
        (fun x ->
            let m = Tensor.reshape [| 3; 4 |] x
            let a = Tensor.scatter 0 scatterIndex (cos m).[0..1, *] m

            let b =
                Tensor.scatterAdd 1 (Tensor.create [ [ 0L; 0L; 3L ]; [ 2L; 1L; 1L ]; [ 3L; 3L; 3L ] ]) (sin m.[*, 0..2]) m

            let c =
                Tensor.indexAdd 1 (longs [ 2L; 2L; 0L; 1L ]) (Tensor.transpose 0 1 (Tensor.reshape [| 4; 3 |] (x * x))) m

            Tensor.sum (a * b) + Tensor.sum (c ** 2.0) + Tensor.sum (b * c)),
        x12,
        v12
        "masked_fill_nan_to_num",
        (fun x ->
            let m = Tensor.reshape [| 3; 4 |] x
            let a = Tensor.maskedFill mask34 0.7 m
            let b = Tensor.maskedFillTensor mask34.[1] x.[5] m
            let t = Tensor.where (x .> 0.3) (x * x) (Tensor.fullLike inf x)
            let t = Tensor.where (x .< -0.9) (Tensor.fullLike nan x) t

            let t =
                Tensor.where (Tensor.logicalAnd (x .> -0.2) (x .< 0.0)) (Tensor.fullLike (-inf) x) t

            let n = Tensor.nanToNum 0.25 3.0 -2.0 (t * 2.0)
            Tensor.sum (a * b) + Tensor.sum (n * sin x) + Tensor.sum (n ** 2.0)),
        x12,
        v12
        "repeat_tile_roll",
        (fun x ->
            let m = Tensor.reshape [| 3; 4 |] x
            let a = Tensor.repeat [| 2; 1; 2 |] m
            let b = Tensor.tile [| 2 |] (Tensor.reshape [| 2; 3 |] x.[0..5])
            let c = Tensor.roll [| 1; -2 |] [| 0; 1 |] m
            let d = Tensor.roll [| -5 |] [||] x
            let e = Tensor.tile [| 2; 1; 3 |] x.[0..3]

            Tensor.sum (sin a * Tensor.reshape [| 2; 3; 8 |] (Tensor.repeat [| 2 |] w24))
            + Tensor.sum (b * cos (Tensor.roll [| 1 |] [| 1 |] b))
            + Tensor.sum (c * m)
            + Tensor.sum (d * x) ** 2.0
            + Tensor.sum (e ** 3.0)),
        x12,
        v12
        "movedim_unflatten_flatten_unbind",
        (fun x ->
            let t = Tensor.reshape [| 2; 3; 2 |] x
            let a = Tensor.movedim [| 0 |] [| 2 |] t
            let b = Tensor.movedim [| 0; 2 |] [| 2; 0 |] t
            let u = Tensor.unflatten 0 [| 3; -1 |] x
            let f = Tensor.flattenRange 1 2 t
            let g = Tensor.flattenRange 0 1 (Tensor.reshape [| 2; 2; 3 |] x)
            let parts = Tensor.unbind 1 u
            let rows = Tensor.unbind -1 t

            Tensor.sum (sin a * Tensor.reshape [| 3; 2; 2 |] w24.[0..11])
            + Tensor.sum (b * cos t)
            + Tensor.sum (f ** 2.0 * Tensor.flip [| 1 |] f)
            + Tensor.sum (Tensor.transpose 0 1 g * u)
            + (parts
               |> Array.mapi (fun i p -> (p.[0] * p.[1] * p.[2]) * float (i + 1))
               |> Array.reduce (+))
            + Tensor.sum (rows[0] * rows[1] ** 2.0)),
        x12,
        v12
        "meshgrid_ij_xy",
        (fun x ->
            let ab = Tensor.meshgrid [ x.[0..2]; x.[3..6] ] "ij"
            let cd = Tensor.meshgrid [ x.[7..8]; x.[9..11] ] "xy"
            let efg = Tensor.meshgrid [ x.[0..1]; x.[2..4]; x.[5..6] ] "xy"
            let h = Tensor.meshgrid [ x.[4..7] ] "xy"
            let sr = Tensor.meshgrid [ x.[3]; x.[8..9] ] "ij"

            Tensor.sum (ab[0] * sin ab[1])
            + Tensor.sum (cd[0] ** 2.0 * cd[1])
            + Tensor.sum (efg[0] * efg[1] * efg[2])
            + Tensor.sum (h[0] ** 3.0)
            + Tensor.sum (sr[0] * exp sr[1])),
        x12,
        v12
        "stepped_slices_masks_integer_arrays",
        (fun x ->
            let m = Tensor.reshape [| 4; 4 |] x
            let a = x.[[ 0..3..15 ]]
            let b = Tensor.slice 1 1 4 2 m
            let c = m.[mask44]
            let rows = m.[longs [ 2L; 0L; 2L ]]
            let d = m.[Tensor.create [ [ -1L; 0L ]; [ 1L; 1L ] ]]
            let e = Tensor.index [| longs [ 0L; 2L; -1L ]; longs [ -1L; 1L; 0L ] |] m
            let f = Tensor.take (Tensor.create [ [ 15L; -2L ]; [ 3L; 0L ] ]) m
            let g = Tensor.maskedSelect (bools [ true; false; false; true ]) m
            let h = m.Slice(0, 1, 4, 2).Slice(1, 0, 4, 3)

            Tensor.sum (a ** 2.0) * Tensor.sum b
            + Tensor.sum (c * sin c)
            + Tensor.sum (Tensor.sumDim 0 rows * d.[0])
            + Tensor.sum (d ** 3.0)
            + Tensor.sum (e * (Tensor.flatten f).[0..2])
            + Tensor.sum (exp g)
            + Tensor.sum (h * Tensor.transpose 0 1 h)),
        x16,
        v16
        "three_d_mixed",
        (fun x ->
            let t = Tensor.reshape [| 2; 2; 4 |] x
            let m22 = Tensor.create [ [ true; false ]; [ true; true ] ]
            let a = Tensor.index [| m22; longs [ 1L; -1L; 0L ] |] t
            let b = Tensor.indexPut [| m22; longs [ 3L ] |] (x.[0..2] * 3.0) t
            let idx = Tensor.create [ [ [ 3L; 0L ]; [ 1L; 2L ] ]; [ [ 0L; 1L ]; [ 2L; 3L ] ] ]
            let c = Tensor.scatter 2 idx (tanh t.[*, *, 0..1]) t
            let d = Tensor.roll [| 1; -1 |] [| -1; 0 |] t
            let e = Tensor.repeat [| 2; 1; 1; 1 |] t
            let f = Tensor.flattenRange 0 -1 t
            let g = t.[m22]

            Tensor.sum (a ** 2.0)
            + Tensor.sum (b * c)
            + Tensor.sum (d * t) * Tensor.mean e
            + Tensor.sum (f * cos f)
            + Tensor.sum (g * sin g)),
        x16,
        v16
    ]

let tests =
    testList
        "indexing, logic and shape"
        [
            testsOf "rules" specs
            comparisons
            reading
            writing
            shapes
            errors
            script
            PyTorchParity.suite "PyTorch parity" "reference_indexing.json" parity
        ]
