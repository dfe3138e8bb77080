namespace Nabla

open Nabla.Optimizers

/// Optimizers, gradient clipping, learning-rate schedulers and functional optimizers (PyTorch's
/// `torch.optim` and `torch.nn.utils.clip_grad_*`): `Optim.Adam(model.Parameters(), lr = 0.01)`.
/// The classes live in namespace Nabla.Optimizers; these are their short names.
[<RequireQualifiedAccess>]
module Optim =

    // ---------------------------------------------------------------- optimizers
    type Optimizer = Nabla.Optimizers.Optimizer
    type ParamGroup = Nabla.Optimizers.ParamGroup
    type SGD = Nabla.Optimizers.SGD

    // ---------------------------------------------------------------- optimizers (Adam family, RMSprop, Adagrad, Adadelta)

    // ---------------------------------------------------------------- LBFGS

    // ---------------------------------------------------------------- gradient clipping

    // ---------------------------------------------------------------- schedulers

    // ---------------------------------------------------------------- functional optimizers
