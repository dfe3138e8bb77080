namespace Nabla

open TorchSharp

/// Randomness: the global seed and independent generators (the Generator type is in Raw.fs,
/// beside the other types the factories take).
module Random =

    /// Seeds the global generator used by rand, randn, dropout, ... (like torch.manual_seed).
    let seed (seed: int) = Raw.seed (int64 seed)

    /// A new generator, independent of the global one, started from `seed`.
    let generator (seed: int) =
        Native.ensureLoaded ()
        new Generator(new torch.Generator(uint64 seed, torch.CPU))
