namespace Nabla

open TorchSharp

/// A random-number generator of its own, for reproducible randomness that does not depend on
/// (or disturb) the global one: dropout masks, initialisations.
[<Sealed>]
type Generator internal (generator: torch.Generator) =
    member internal _.Torch = generator
    /// Restarts the sequence from a seed.
    member this.Seed(seed: int64) = generator.manual_seed seed |> ignore; this
    interface System.IDisposable with
        member _.Dispose() = generator.Dispose()

/// Randomness: the global seed and independent generators.
module Random =

    /// Seeds the global generator used by rand, randn, dropout, ... (like torch.manual_seed).
    let seed (seed: int) = Raw.seed (int64 seed)

    /// A new generator, independent of the global one, started from `seed`.
    let generator (seed: int) =
        Native.ensureLoaded ()
        new Generator(new torch.Generator(uint64 seed, torch.CPU))
