namespace Nabla.FsCheck

open FsCheck
open FsCheck.FSharp

/// Limits on the shapes a generator draws: rank, size of each dimension, number of elements.
/// Rank 0 (a scalar) and zero-size dimensions are allowed when the bounds allow them.
type ShapeBounds =
    {
        /// Fewest dimensions (0: scalars included).
        MinRank: int
        /// Most dimensions.
        MaxRank: int
        /// Smallest size of a dimension (0: zero-size tensors included).
        MinDim: int
        /// Largest size of a dimension.
        MaxDim: int
        /// Most elements of the whole tensor (the product of the dimensions).
        MaxElements: int
    }

    /// Rank 0 to 3, dimensions of size 0 to 3, at most 27 elements: small enough that a
    /// Jacobian by finite differences is cheap, varied enough to find broadcasting and edge-case bugs.
    static member Default =
        {
            MinRank = 0
            MaxRank = 3
            MinDim = 0
            MaxDim = 3
            MaxElements = 27
        }

    /// As Default, without zero-size dimensions (every dimension at least 1).
    static member NonEmpty = { ShapeBounds.Default with MinDim = 1 }

/// Generators of tensor shapes (int[]; [||] is a scalar).
module Shapes =

    /// The number of elements of a shape.
    let numel (shape: int[]) = Array.fold (*) 1 shape

    let private validate (b: ShapeBounds) =
        if b.MinRank < 0 || b.MaxRank < b.MinRank then
            invalidArg "bounds" $"ShapeBounds: need 0 ≤ MinRank ≤ MaxRank; got MinRank {b.MinRank}, MaxRank {b.MaxRank}."

        if b.MinDim < 0 || b.MaxDim < b.MinDim then
            invalidArg "bounds" $"ShapeBounds: need 0 ≤ MinDim ≤ MaxDim; got MinDim {b.MinDim}, MaxDim {b.MaxDim}."

        if b.MaxElements < pown b.MinDim b.MinRank then
            invalidArg
                "bounds"
                $"ShapeBounds: MaxElements {b.MaxElements} is below the smallest shape's {pown b.MinDim b.MinRank} elements (MinDim^MinRank)."

    /// Whether a shape is within the bounds.
    let within (b: ShapeBounds) (shape: int[]) =
        shape.Length >= b.MinRank
        && shape.Length <= b.MaxRank
        && shape |> Array.forall (fun d -> d >= b.MinDim && d <= b.MaxDim)
        && numel shape <= b.MaxElements

    /// Shapes within the bounds. Zero-size dimensions (when MinDim is 0) are drawn rarely (one
    /// dimension in ten), so that most cases have values to check.
    let withBounds (b: ShapeBounds) : Gen<int[]> =
        validate b

        let dim (lo: int) (hi: int) =
            if lo = 0 && hi >= 1 then
                Gen.frequency [ 1, Gen.constant 0; 9, Gen.choose (1, hi) ]
            else
                Gen.choose (lo, hi)

        gen {
            let! rank = Gen.choose (b.MinRank, b.MaxRank)
            let dims = Array.zeroCreate rank
            let mutable product = 1
            // The room left for the remaining dimensions at their minimum size.
            for i in 0 .. rank - 1 do
                let restMin = pown b.MinDim (rank - 1 - i)

                let cap =
                    if product = 0 || restMin = 0 then
                        b.MaxDim
                    else
                        min b.MaxDim (b.MaxElements / (product * restMin))

                let! d = dim b.MinDim (max b.MinDim cap)
                dims[i] <- d
                product <- product * d

            return dims
        }

    /// Shapes of rank 0 to 3, dimensions of size 0 to 3 (ShapeBounds.Default).
    let any = withBounds ShapeBounds.Default

    /// Shapes of rank 0 to 3 without zero-size dimensions (ShapeBounds.NonEmpty).
    let nonEmpty = withBounds ShapeBounds.NonEmpty

    /// Shapes of exactly this rank with dimensions of size 1 to 3.
    let ofRank (rank: int) : Gen<int[]> =
        Gen.arrayOfLength rank (Gen.choose (1, 3))

    /// Shapes of rank lo to hi with dimensions of size 1 to 3.
    let rankBetween (lo: int) (hi: int) : Gen<int[]> = Gen.choose (lo, hi) |> Gen.bind ofRank

    /// Always this shape.
    let fixedShape (shape: int[]) : Gen<int[]> = Gen.constant (Array.copy shape)

    /// Shapes of rank 1 to 3 with dimensions of size 0 to 3, at least one of them 0.
    let withZeroDim: Gen<int[]> =
        gen {
            let! rank = Gen.choose (1, 3)
            let! s = ofRank rank
            let! zero = Gen.choose (0, rank - 1)
            return Array.updateAt zero 0 s
        }

    /// Two shapes that broadcast together (PyTorch's rules): some dimensions of one are 1, some
    /// leading dimensions dropped, in either order.
    let broadcastPair: Gen<int[] * int[]> =
        gen {
            let! rank = Gen.choose (0, 3)
            let! full = ofRank rank
            let! ones = Gen.arrayOfLength rank (Gen.elements [ false; false; true ])
            let! drop = Gen.choose (0, rank)

            let other =
                full |> Array.mapi (fun i d -> if ones[i] then 1 else d) |> Array.skip drop

            let! swap = Gen.elements [ true; false ]
            return if swap then other, full else full, other
        }

    /// Smaller shapes within the bounds, smallest first: one dimension fewer, then one dimension
    /// shorter by one (FsCheck's shrinker for shapes).
    let shrink (b: ShapeBounds) (shape: int[]) : seq<int[]> =
        seq {
            if shape.Length > b.MinRank then
                for i in 0 .. shape.Length - 1 do
                    yield Array.removeAt i shape

            for i in 0 .. shape.Length - 1 do
                if shape[i] > b.MinDim then
                    yield Array.updateAt i (shape[i] - 1) shape
        }
        |> Seq.filter (within b)
        |> Seq.distinct
