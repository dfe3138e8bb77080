/// The law-based tests of every differentiable op, in float64 on random shapes and values:
/// JVP against central differences, the VJP by the inner-product identity ⟨u, J v⟩ = ⟨Jᵀu, v⟩,
/// forward mode equal to reverse mode, and second order (forward-over-reverse against finite
/// differences of the gradient, reverse-over-reverse against forward-over-reverse). The generators
/// and the checks are Nabla.FsCheck's (Generators, Shapes, Checks), as a user of the package has them.
module Nabla.Tests.OpProperties

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Nabla
open Nabla.FsCheck
open Nabla.Tests.Check

/// An op under test: how to draw its inputs, and which of them to differentiate.
type OpSpec =
    {
        Name: string
        Shapes: Gen<int[][]>
        Domains: Domain[]
        Wrt: int list
        Fn: Tensor[] -> Tensor
        /// Shapes with a zero dimension on which the op must also work (value, JVP and gradient of
        /// the right shapes), for ops that take any shape.
        ZeroSize: Gen<int[][]> option
    }

type Case =
    {
        Shapes: int[][]
        Values: float[][]
        Seed: int
    }

    override c.ToString() =
        let show (s: int[]) (v: float[]) =
            sprintf "%A = %A" s (v |> Array.map (fun x -> Math.Round(x, 4)))

        String.Join("; ", Array.map2 show c.Shapes c.Values) + $" (seed {c.Seed})"

let private genCase (spec: OpSpec) : Gen<Case> =
    gen {
        let! shapes = spec.Shapes

        let! values =
            shapes
            |> Array.mapi (fun i s -> Generators.values spec.Domains[min i (spec.Domains.Length - 1)] (Shapes.numel s))
            |> Array.toList
            |> Gen.sequenceToList

        let! seed = Gen.choose (0, Int32.MaxValue - 1)

        return
            {
                Shapes = shapes
                Values = List.toArray values
                Seed = seed
            }
    }

/// Random float64 values of a shape from a seeded generator (directions, cotangents, weights).
let private randomLike (rng: Random) (shape: int[]) = Generators.seeded (rng.Next()) shape

/// The op as a function of input i alone, the others fixed.
let private along (spec: OpSpec) (case: Case) (i: int) =
    let inputs = Array.map2 tensor case.Shapes case.Values
    let f (x: Tensor) = spec.Fn(Array.updateAt i x inputs)
    f, inputs[i]

/// For second order: s(x) = ⟨w, f(x)⟩ with a random weight w, so that s is a scalar whose Hessian
/// involves every output; and a random direction v.
let private scalarized (spec: OpSpec) (case: Case) (i: int) =
    let f, x = along spec case i
    let rng = Random case.Seed
    let v = randomLike rng x.Shape
    let w = randomLike rng (f x).Shape
    (fun (x: Tensor) -> Tensor.sum (f x * w)), x, v

let properties (spec: OpSpec) (i: int) : Test list =
    let label =
        if spec.Wrt.Length > 1 then
            $"{spec.Name} (input {i})"
        else
            spec.Name

    let prop name (check: Case -> Property) =
        testPropertyWithConfig propertyConfig $"{label}: {name}" (forAll (genCase spec) check)

    [
        prop "JVP matches central differences" (fun case ->
            let f, x = along spec case i
            let v = randomLike (Random case.Seed) x.Shape
            Checks.jvp Tolerance.GradCheck f x v)

        prop "VJP satisfies <u, J v> = <J^T u, v>" (fun case ->
            let f, x = along spec case i
            let rng = Random case.Seed
            let v = randomLike rng x.Shape
            let u = randomLike rng (f x).Shape
            Checks.vjp Tolerance.GradCheck f x u v)

        prop "forward mode equals reverse mode" (fun case ->
            let f, x = along spec case i
            Checks.jacobiansAgree Tolerance.Tight f x)

        prop "forward-over-reverse matches differences of the gradient" (fun case ->
            let s, x, v = scalarized spec case i
            Checks.hvp Tolerance.GradCheck s x v)

        prop "reverse-over-reverse equals forward-over-reverse" (fun case ->
            let s, x, v = scalarized spec case i
            Checks.reverseOverReverse Tolerance.Tight s x v)
    ]

// ---------------------------------------------------------------- shape generators

let shapesOf (g: Gen<int[]>) = g |> Gen.map (fun s -> [| s |])
let anyShape = Shapes.rankBetween 0 3 |> shapesOf
let rankFrom (lo: int) (hi: int) = Shapes.rankBetween lo hi |> shapesOf
let fixedShapes (shapes: int[][]) = Gen.constant shapes
let broadcastPair = Shapes.broadcastPair |> Gen.map (fun (a, b) -> [| a; b |])

/// Two shapes that broadcast to a shape with a zero dimension.
let private genZeroBroadcastPair =
    gen {
        let! a, b =
            Shapes.broadcastPair |> Gen.filter (fun (a, b) -> max a.Length b.Length > 0)

        let n = max a.Length b.Length
        let! i = Gen.choose (0, n - 1)
        // position i of the broadcast shape, in each operand's own indexing (absent when negative)
        let ia, ib = i - (n - a.Length), i - (n - b.Length)
        let hasA, hasB = ia >= 0 && a[ia] <> 1, ib >= 0 && b[ib] <> 1

        let a' =
            if hasA || (not hasB && ia >= 0) then
                Array.updateAt ia 0 a
            else
                a

        let b' = if hasB then Array.updateAt ib 0 b else b
        return [| a'; b' |]
    }

/// An op of one tensor of any shape (zero-size ones included).
let unary name domain (f: Tensor -> Tensor) =
    {
        Name = name
        Shapes = anyShape
        Domains = [| domain |]
        Wrt = [ 0 ]
        Fn = (fun xs -> f xs[0])
        ZeroSize = Some(Shapes.withZeroDim |> Gen.map (fun s -> [| s |]))
    }

/// An op of one tensor of the shapes drawn from `shapes`.
let unaryOn name shapes domain (f: Tensor -> Tensor) =
    { unary name domain f with
        Shapes = shapes
        ZeroSize = None
    }

/// An op of two tensors that broadcast (zero-size ones included).
let binary name (da, db) (f: Tensor -> Tensor -> Tensor) =
    {
        Name = name
        Shapes = broadcastPair
        Domains = [| da; db |]
        Wrt = [ 0; 1 ]
        Fn = (fun xs -> f xs[0] xs[1])
        ZeroSize = Some genZeroBroadcastPair
    }

/// An int64 index tensor of a shape with entries in [0, bound), deterministic.
let indexTensor (shape: int[]) (bound: int) =
    Tensor.ofArray (Array.init (Shapes.numel shape) (fun k -> int64 ((k * 7 + 3) % bound)))
    |> Tensor.reshape shape

/// A bool tensor of a shape, alternating.
let maskTensor (shape: int[]) =
    Tensor.ofArray (Array.init (Shapes.numel shape) (fun k -> k % 3 <> 1))
    |> Tensor.reshape shape

let specs: OpSpec list =
    [ // arithmetic, with broadcasting
        binary "add" (Any, Any) (+)
        binary "sub" (Any, Any) (-)
        binary "mul" (Any, Any) (*)
        binary "div" (Any, AwayFromZero) (/)
        binary "pow (tensor exponent)" (Positive, Any) (fun a b -> a ** b)
        binary "maximum" (Distinct, Distinct) (fun a b -> Tensor.maximum a (b + 0.05))
        binary "minimum" (Distinct, Distinct) (fun a b -> Tensor.minimum a (b + 0.05))
        { binary "where" (Any, Any) (fun a b -> Tensor.where (maskTensor (Tensor.add a b).Shape) a b) with
            Name = "where"
        }
        unary "neg" Any (fun x -> -x)
        unary "add scalar" Any (fun x -> x + 2.5)
        unary "scalar minus tensor" Any (fun x -> 2.5 - x)
        unary "mul scalar" Any (fun x -> 3.0 * x)
        unary "div by scalar" Any (fun x -> x / 3.0)
        unary "scalar divided by tensor" AwayFromZero (fun x -> 2.0 / x)
        unary "pow 2" Any (fun x -> x ** 2.0)
        unary "pow 3" Any (fun x -> x ** 3.0)
        unary "pow -1.5" Positive (fun x -> x ** -1.5)
        unary "pow 0.5" Positive (fun x -> x ** 0.5)
        // elementwise math
        unary "abs" AwayFromZero Tensor.abs
        unary "sqrt" Positive Tensor.sqrt
        unary "exp" Any Tensor.exp
        unary "log" Positive Tensor.log
        unary "sin" Any Tensor.sin
        unary "cos" Any Tensor.cos
        unary "tan" Unit Tensor.tan
        unary "sinh" Any Tensor.sinh
        unary "cosh" Any Tensor.cosh
        unary "tanh" Any Tensor.tanh
        unary "asin" Unit Tensor.asin
        unary "acos" Unit Tensor.acos
        unary "atan" Any Tensor.atan
        unary "erf" Any Tensor.erf
        unary "square" Any Tensor.square
        unary "reciprocal" AwayFromZero Tensor.reciprocal
        unary "rsqrt" Positive Tensor.rsqrt
        unary "log1p" Positive Tensor.log1p
        unary "expm1" Any Tensor.expm1
        unary "log2" Positive Tensor.log2
        unary "log10" Positive Tensor.log10
        binary "atan2" (AwayFromZero, AwayFromZero) Tensor.atan2
        unary "silu" Any Tensor.silu
        unary "logSigmoid" Any Tensor.logSigmoid
        unary "sigmoid" Any Tensor.sigmoid
        unary "relu" AwayFromZero Tensor.relu
        unary "leakyRelu" AwayFromZero (Tensor.leakyRelu 0.1)
        unary "gelu" Any Tensor.gelu
        unary "softplus" Any Tensor.softplus
        unary "elu" AwayFromZero (Tensor.elu 1.3)
        unary "clamp" (AwayFrom [ -1.0; 1.0 ]) (Tensor.clamp -1.0 1.0)
        unary "clampMin" (AwayFrom [ 0.5 ]) (Tensor.clampMin 0.5)
        unary "clampMax" (AwayFrom [ 0.5 ]) (Tensor.clampMax 0.5)
        unary "F# math functions compose (exp, sin, tanh, sqrt)" Positive (fun x -> exp (sin x) * tanh x + sqrt x)
        // reductions and normalisations
        unary "sum" Any Tensor.sum
        unary "mean" Any Tensor.mean
        unaryOn "sumDim" (rankFrom 1 3) Any (Tensor.sumDim 0)
        unaryOn "sumDims keepDim" (rankFrom 2 3) Any (Tensor.sumDims [| 0; -1 |] true)
        unaryOn "meanDim" (rankFrom 1 3) Any (Tensor.meanDim -1)
        unaryOn "meanDims" (rankFrom 2 3) Any (Tensor.meanDims [| 1 |] false)
        unaryOn "max" (rankFrom 1 3) Distinct Tensor.max
        unaryOn "min" (rankFrom 1 3) Distinct Tensor.min
        unaryOn "maxDim" (rankFrom 1 3) Distinct (Tensor.maxDim 0)
        unaryOn "minDim" (rankFrom 2 3) Distinct (Tensor.minDim -1)
        unaryOn "logsumexp" (rankFrom 1 3) Any (Tensor.logsumexp -1)
        unaryOn "logsumexpDims over two dims" (rankFrom 2 3) Any (Tensor.logsumexpDims [| 0; -1 |] false)
        unaryOn "logsumexpDims over all, keepDim" (rankFrom 1 3) Any (Tensor.logsumexpDims [||] true)
        unaryOn "amax" (rankFrom 2 3) Distinct (Tensor.amax [| 0; -1 |] true)
        unaryOn "amin" (rankFrom 1 3) Distinct (Tensor.amin [| 0 |] false)
        unaryOn "cumsum" (rankFrom 1 3) Any (Tensor.cumsum -1)
        unaryOn "cumsum over dim 0" (rankFrom 2 3) Any (Tensor.cumsum 0)
        unaryOn "var" (fixedShapes [| [| 4 |] |]) Any Tensor.var
        unaryOn "varDims (biased, keepDim)" (rankFrom 2 3) Any (Tensor.varDims [| 0 |] 0 true)
        unaryOn "std" (fixedShapes [| [| 2; 3 |] |]) Any Tensor.std
        unaryOn "norm" (rankFrom 1 3) AwayFromZero Tensor.norm
        unaryOn "normDims" (rankFrom 2 3) AwayFromZero (Tensor.normDims [| -1 |] false)
        unaryOn "softmax" (rankFrom 1 3) Any (Tensor.softmax -1)
        unaryOn "softmax over dim 0" (rankFrom 2 3) Any (Tensor.softmax 0)
        unaryOn "logSoftmax" (rankFrom 1 3) Any (Tensor.logSoftmax -1)
        // shape and indexing
        unaryOn "reshape" (rankFrom 1 3) Any (fun x -> Tensor.reshape [| -1; 1 |] x)
        unaryOn "view" (rankFrom 1 3) Any (fun x -> Tensor.view [| 1; -1 |] x)
        unaryOn "flatten" (rankFrom 0 3) Any Tensor.flatten
        unaryOn "transpose" (rankFrom 2 3) Any (Tensor.transpose 0 -1)
        unaryOn "permute" (rankFrom 3 3) Any (Tensor.permute [| 2; 0; 1 |])
        unaryOn "squeeze" (fixedShapes [| [| 2; 1; 3 |] |]) Any Tensor.squeeze
        unaryOn "unsqueeze" (rankFrom 0 3) Any (Tensor.unsqueeze 0)
        unaryOn "flip" (rankFrom 1 3) Any (Tensor.flip [| 0; -1 |])
        unaryOn "tril" (rankFrom 2 3) Any (Tensor.tril 0)
        unaryOn "triu above the diagonal" (rankFrom 2 3) Any (Tensor.triu 1)
        unaryOn "diagonal of a wide matrix" (fixedShapes [| [| 2; 4 |] |]) Any Tensor.diagonal
        unaryOn "diag of a vector" (rankFrom 1 1) Any Tensor.diag
        unaryOn "trace" (fixedShapes [| [| 3; 3 |] |]) Any Tensor.trace
        unaryOn "expand" (fixedShapes [| [| 3; 1 |] |]) Any (Tensor.expand [| 2; 3; 4 |])
        {
            Name = "cat"
            ZeroSize = None
            Shapes = fixedShapes [| [| 2; 3 |]; [| 4; 3 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.cat 0 xs)
        }
        {
            Name = "stack"
            ZeroSize = None
            Shapes = fixedShapes [| [| 2; 3 |]; [| 2; 3 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.stack 1 xs)
        }
        unaryOn "split" (fixedShapes [| [| 5; 2 |] |]) Any (fun x ->
            let parts = Tensor.split [| 2; 3 |] 0 x in parts[0] * parts[1].[1..2, *])
        unaryOn "chunk" (fixedShapes [| [| 3; 5 |] |]) Any (fun x ->
            let parts = Tensor.chunk 2 1 x in parts[0] * 2.0 + (parts[1] |> Tensor.sum))
        unaryOn "narrow" (fixedShapes [| [| 4; 3 |] |]) Any (Tensor.narrow 0 1 2)
        unaryOn "select" (fixedShapes [| [| 3; 4 |] |]) Any (Tensor.select 1 -1)
        unaryOn "indexing and slicing" (fixedShapes [| [| 4; 3 |] |]) Any (fun x -> x.[1..2, 0..1] * x.[0, 1])
        unaryOn "gather" (fixedShapes [| [| 3; 4 |] |]) Any (fun x -> Tensor.gather 1 (indexTensor [| 3; 5 |] 4) x)
        unaryOn "indexSelect" (fixedShapes [| [| 4; 3 |] |]) Any (fun x -> Tensor.indexSelect 0 (indexTensor [| 6 |] 4) x)
        unaryOn "pad" (rankFrom 2 3) Any (Tensor.pad [| (1, 2); (0, 1) |] 0.0)
        unaryOn "pad with a value" (rankFrom 1 2) Any (Tensor.pad [| (2, 1) |] 1.5)
        // products
        {
            Name = "matmul 2-D"
            ZeroSize = None
            Shapes = fixedShapes [| [| 2; 3 |]; [| 3; 4 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.matmul xs[0] xs[1])
        }
        {
            Name = "matmul vector-matrix"
            ZeroSize = None
            Shapes = fixedShapes [| [| 3 |]; [| 3; 2 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.matmul xs[0] xs[1])
        }
        {
            Name = "matmul matrix-vector"
            ZeroSize = None
            Shapes = fixedShapes [| [| 2; 3 |]; [| 3 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.matmul xs[0] xs[1])
        }
        {
            Name = "dot"
            ZeroSize = None
            Shapes = fixedShapes [| [| 4 |]; [| 4 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.dot xs[0] xs[1])
        }
        {
            Name = "outer"
            ZeroSize = None
            Shapes = fixedShapes [| [| 3 |]; [| 2 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.outer xs[0] xs[1])
        }
        {
            Name = "matmul batched with broadcast"
            ZeroSize = None
            Shapes = fixedShapes [| [| 2; 1; 2; 3 |]; [| 3; 3; 2 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.matmul xs[0] xs[1])
        }
        {
            Name = "linear"
            ZeroSize = None
            Shapes = fixedShapes [| [| 4; 3 |]; [| 2; 3 |]; [| 2 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1; 2 ]
            Fn = (fun xs -> Tensor.linear xs[1] xs[2] xs[0])
        }
        {
            Name = "linear on a batch of sequences"
            ZeroSize = None
            Shapes = fixedShapes [| [| 2; 3; 3 |]; [| 2; 3 |]; [| 2 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1; 2 ]
            Fn = (fun xs -> Tensor.linear xs[1] xs[2] xs[0])
        }
        {
            Name = "linear without bias on a vector"
            ZeroSize = None
            Shapes = fixedShapes [| [| 3 |]; [| 2; 3 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.linearNoBias xs[1] xs[0])
        }
        // convolution, pooling, dropout
        {
            Name = "conv2d"
            ZeroSize = None
            Shapes = fixedShapes [| [| 2; 2; 5; 4 |]; [| 3; 2; 3; 2 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.conv2d xs[1] xs[0])
        }
        {
            Name = "conv2d with stride, padding, dilation, groups and bias"
            ZeroSize = None
            Shapes = fixedShapes [| [| 1; 4; 6; 5 |]; [| 2; 2; 2; 3 |]; [| 2 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1; 2 ]
            Fn = (fun xs -> xs[0].Conv2d(xs[1], bias = xs[2], stride = [| 2; 1 |], padding = [| 1 |], dilation = [| 1; 2 |], groups = 2))
        }
        {
            Name = "conv1d with stride and padding"
            ZeroSize = None
            Shapes = fixedShapes [| [| 2; 2; 7 |]; [| 3; 2; 3 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> xs[0].Conv1d(xs[1], stride = 2, padding = 1))
        }
        unaryOn "maxPool2d" (fixedShapes [| [| 1; 2; 4; 4 |] |]) Distinct (Tensor.maxPool2d 2)
        unaryOn "maxPool2d with stride and padding" (fixedShapes [| [| 1; 1; 5; 5 |] |]) Distinct (fun x ->
            x.MaxPool2d([| 3 |], stride = [| 2 |], padding = [| 1 |]))
        unaryOn "avgPool2d" (fixedShapes [| [| 2; 1; 4; 6 |] |]) Any (Tensor.avgPool2d 2)
        unaryOn "dropout (fixed generator)" (rankFrom 1 2) Any (fun x -> Tensor.dropoutWith (Random.generator 7) 0.4 x)
        unaryOn "toDtype float64 to float64" anyShape Any (Tensor.toDtype Dtype.Float64)
        // ops that had no property tests in the first pass
        unaryOn
            "squeeze on random shapes with size-1 dims"
            (Gen.choose (0, 4)
             |> Gen.bind (fun r -> Gen.arrayOfLength r (Gen.choose (1, 2)))
             |> shapesOf)
            Any
            Tensor.squeeze
        unary "sign (zero derivative)" AwayFromZero (fun x -> Tensor.sign x * x)
        unary "floor (zero derivative)" (AwayFrom [ -2.0; -1.0; 0.0; 1.0; 2.0 ]) (fun x -> Tensor.floor x + x * x)
        unary "ceil (zero derivative)" (AwayFrom [ -2.0; -1.0; 0.0; 1.0; 2.0 ]) (fun x -> Tensor.ceil x * x)
        unary "round (zero derivative)" (AwayFrom [ -1.5; -0.5; 0.5; 1.5 ]) (fun x -> Tensor.round x * sin x)
        unary "trunc (zero derivative)" (AwayFrom [ -2.0; -1.0; 0.0; 1.0; 2.0 ]) (fun x -> Tensor.trunc x + x)
        unary "pow 0" Any (fun x -> x ** 0.0 + x)
        unary "pow 1" Any (fun x -> x ** 1.0)
        binary "pow with a zero exponent tensor" (Positive, Any) (fun a b -> a ** (b * 0.0))
        unary "checkpoint" Any (fun x -> AD.checkpoint (fun y -> sin y * y) x)
        unaryOn "avgPool2d with stride unlike the kernel, and padding" (fixedShapes [| [| 1; 2; 5; 6 |] |]) Any (fun x ->
            x.AvgPool2d([| 3; 2 |], stride = [| 2; 1 |], padding = [| 1 |]))
        {
            Name = "matmul rank 3 with a vector"
            ZeroSize = None
            Shapes = fixedShapes [| [| 2; 3; 4 |]; [| 4 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.matmul xs[0] xs[1])
        }
        {
            Name = "matmul vector with rank 3"
            ZeroSize = None
            Shapes = fixedShapes [| [| 3 |]; [| 2; 3; 4 |] |]
            Domains = [| Any |]
            Wrt = [ 0; 1 ]
            Fn = (fun xs -> Tensor.matmul xs[0] xs[1])
        }
        // indexing and slicing
        unaryOn "stepped slice" (fixedShapes [| [| 7; 2 |] |]) Any (Tensor.slice 0 1 7 2)
        unaryOn "slice with negative bounds" (fixedShapes [| [| 3; 5 |] |]) Any (fun x -> x.Slice(1, -4, -1))
        unaryOn "indexing with an evenly spaced list" (fixedShapes [| [| 6; 2 |] |]) Any (fun x -> x.[[ 0..2..5 ]])
        unaryOn "indexing with a list (repeats, any order)" (fixedShapes [| [| 4; 2 |] |]) Any (fun x -> x.[[ 3; 0; 3; -1 ]])
        unaryOn "indexing with a bool mask" (fixedShapes [| [| 3; 4 |] |]) Any (fun x -> x.[maskTensor [| 3; 4 |]])
        unaryOn "indexing rows with a bool mask" (fixedShapes [| [| 3; 2 |] |]) Any (fun x -> x.[maskTensor [| 3 |]])
        unaryOn "indexing with an int64 tensor" (fixedShapes [| [| 4; 3 |] |]) Any (fun x -> x.[indexTensor [| 2; 2 |] 4])
        unaryOn "F# slicing with negative indices" (fixedShapes [| [| 5 |] |]) Any (fun x -> x.[1 .. -2])
        // user-defined ops (Op.define1 / Op.define2)
        unary "user-defined softplus" Any Nabla.Tests.UserOps.softplus
        binary "user-defined logaddexp" (Any, Any) Nabla.Tests.UserOps.logaddexp
    ]

/// On shapes with a zero dimension: the value, the JVP and the gradient exist, with the right
/// shapes and dtypes.
let zeroSizeProperty (spec: OpSpec) (zeroShapes: Gen<int[][]>) : Test =
    let case =
        gen {
            let! shapes = zeroShapes

            let! values =
                shapes
                |> Array.map (fun s -> Generators.values Any (Shapes.numel s))
                |> Array.toList
                |> Gen.sequenceToList

            return shapes, List.toArray values
        }

    testPropertyWithConfig
        propertyConfig
        $"{spec.Name}: works on shapes with a zero dimension"
        (forAll case (fun (shapes, values) ->
            let inputs = Array.map2 tensor shapes values
            let y = spec.Fn inputs

            for i in spec.Wrt do
                let f (x: Tensor) = spec.Fn(Array.updateAt i x inputs)
                let g = AD.grad (fun x -> Tensor.sum (f x)) inputs[i]
                Expect.equal (g.Shape, g.Dtype) (inputs[i].Shape, inputs[i].Dtype) $"gradient of input {i}"
                let y2, t = AD.jvp f inputs[i] (Tensor.zerosLike inputs[i])
                Expect.equal (y2.Shape, t.Shape) (y.Shape, y.Shape) $"value and tangent (input {i})"))

/// The property tests of a list of op specs, under one name.
let testsOf (name: string) (specs: OpSpec list) =
    testList
        name
        [
            for spec in specs do
                testList
                    spec.Name
                    [
                        for i in spec.Wrt do
                            yield! properties spec i
                        match spec.ZeroSize with
                        | Some shapes -> zeroSizeProperty spec shapes
                        | None -> ()
                    ]
        ]

let tests = testsOf "op rules" specs
