namespace Nabla

/// Linear algebra, as torch.linalg: `Linalg.solve a b` solves a·x = b. Every function is
/// differentiable (forward and reverse, to second order where the math allows).
module Linalg =
    do ()
