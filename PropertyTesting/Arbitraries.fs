namespace Nabla.FsCheck

open FsCheck
open FsCheck.FSharp
open Nabla

/// A shape drawn within ShapeBounds.Default (for FsCheck's type-directed generation:
/// `fun (ShapeOf s) -> ...` with NablaArbitraries registered).
type ShapeOf =
    | ShapeOf of int[]

    member s.Get = let (ShapeOf v) = s in v
    override s.ToString() = Show.shape s.Get

/// A symmetric positive-definite float64 matrix (Generators.spd).
type SpdMatrix =
    | SpdMatrix of Tensor

    member m.Get = let (SpdMatrix v) = m in v
    override m.ToString() = "SpdMatrix " + Show.tensor m.Get

/// A square float64 matrix with condition number at most 100 (Generators.wellConditioned 100.0).
type WellConditionedMatrix =
    | WellConditionedMatrix of Tensor

    member m.Get = let (WellConditionedMatrix v) = m in v

    override m.ToString() =
        "WellConditionedMatrix " + Show.tensor m.Get

/// FsCheck Arbitraries (generator and shrinker) of shapes and tensors.
module Arbitraries =

    /// Shapes within the bounds, shrinking towards fewer and shorter dimensions.
    let shape (bounds: ShapeBounds) : Arbitrary<int[]> =
        Arb.fromGenShrink (Shapes.withBounds bounds, Shapes.shrink bounds)

    /// The parts of a tensor of the smaller shapes (a dimension dropped by taking its first slice,
    /// or shortened by one), so that the values stay in their domain.
    let shrinkTensor (bounds: ShapeBounds) (x: Tensor) : seq<Tensor> =
        let s = x.Shape

        seq {
            if s.Length > bounds.MinRank then
                for i in 0 .. s.Length - 1 do
                    if s[i] >= 1 then
                        yield Tensor.select i 0 x

            for i in 0 .. s.Length - 1 do
                if s[i] > bounds.MinDim then
                    yield Tensor.narrow i 0 (s[i] - 1) x
        }
        |> Seq.filter (fun t -> Shapes.within bounds t.Shape)

    /// Tensors of a dtype with shapes within the bounds and values from a domain, shrinking to
    /// smaller shapes (parts of the failing tensor, so the values stay in the domain).
    let tensorOf (dtype: Dtype) (domain: Domain) (bounds: ShapeBounds) : Arbitrary<Tensor> =
        Arb.fromGenShrink (Shapes.withBounds bounds |> Gen.bind (Generators.tensorOf dtype domain), shrinkTensor bounds)

    /// Float64 tensors with shapes within the bounds and values from a domain, shrinking to smaller shapes.
    let tensor (domain: Domain) (bounds: ShapeBounds) : Arbitrary<Tensor> = tensorOf Dtype.Float64 domain bounds

    /// Float64 tensors of the shapes `shapes` draws (no shrinking: the shapes may be all your
    /// function accepts).
    let tensorOn (shapes: Gen<int[]>) (domain: Domain) : Arbitrary<Tensor> =
        Arb.fromGen (Generators.tensorOn shapes domain)

/// The Arbitraries for FsCheck's type-directed generation: register them with
/// `Config.Quick.WithArbitrary [ typeof<NablaArbitraries> ]`, Expecto's
/// `{ FsCheckConfig.defaultConfig with arbitrary = [ typeof<NablaArbitraries> ] }` or
/// `[<Property(Arbitrary = [| typeof<NablaArbitraries> |])>]` (xunit, NUnit); then a property's
/// arguments of these types are generated: Tensor (float64, ShapeBounds.Default, values in
/// [-2, 2]), ShapeOf, SpdMatrix, WellConditionedMatrix, Dtype.
type NablaArbitraries =
    /// Float64 tensors of shapes within ShapeBounds.Default, values in [-2, 2], shrinking to smaller shapes.
    static member Tensor() : Arbitrary<Tensor> =
        Arbitraries.tensor Any ShapeBounds.Default

    /// Shapes within ShapeBounds.Default, shrinking to smaller shapes.
    static member Shape() : Arbitrary<ShapeOf> =
        let b = ShapeBounds.Default
        Arb.fromGenShrink (Shapes.withBounds b |> Gen.map ShapeOf, (fun (ShapeOf s) -> Shapes.shrink b s |> Seq.map ShapeOf))

    /// Symmetric positive-definite matrices of size 1 to 4 (condition number at most 100).
    static member Spd() : Arbitrary<SpdMatrix> =
        Arb.fromGen (Generators.spd |> Gen.map SpdMatrix)

    /// Square matrices of size 1 to 4 with condition number at most 100.
    static member WellConditioned() : Arbitrary<WellConditionedMatrix> =
        Arb.fromGen (Generators.wellConditioned 100.0 |> Gen.map WellConditionedMatrix)

    /// Every dtype.
    static member Dtype() : Arbitrary<Dtype> =
        Arb.fromGen (
            Gen.elements
                [
                    Dtype.Float16
                    Dtype.BFloat16
                    Dtype.Float32
                    Dtype.Float64
                    Dtype.UInt8
                    Dtype.Int8
                    Dtype.Int16
                    Dtype.Int32
                    Dtype.Int64
                    Dtype.Bool
                ]
        )
