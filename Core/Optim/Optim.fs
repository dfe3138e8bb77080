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
    type Adam = Nabla.Optimizers.Adam
    type AdamW = Nabla.Optimizers.AdamW
    type Adamax = Nabla.Optimizers.Adamax
    type NAdam = Nabla.Optimizers.NAdam
    type RAdam = Nabla.Optimizers.RAdam
    type RMSprop = Nabla.Optimizers.RMSprop
    type Adagrad = Nabla.Optimizers.Adagrad
    type Adadelta = Nabla.Optimizers.Adadelta

    // ---------------------------------------------------------------- LBFGS

    // ---------------------------------------------------------------- gradient clipping

    // ---------------------------------------------------------------- schedulers

    // ---------------------------------------------------------------- functional optimizers
