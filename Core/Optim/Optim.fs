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
    type LBFGS = Nabla.Optimizers.LBFGS

    // ---------------------------------------------------------------- gradient clipping
    type ClipGrad = Nabla.Optimizers.ClipGrad

    /// Scales the gradients of these parameters in place so that their total 2-norm is at most
    /// maxNorm (PyTorch's clip_grad_norm_); returns the total norm before clipping.
    let clipGradNorm (parameters: seq<Tensor>) (maxNorm: float) : float = ClipGrad.ClipNorm(parameters, maxNorm)

    /// clipGradNorm with the normType-norm (any p > 0, or infinity for the largest absolute value).
    let clipGradNormWith (normType: float) (parameters: seq<Tensor>) (maxNorm: float) : float =
        ClipGrad.ClipNorm(parameters, maxNorm, normType)

    /// clipGradNormWith that throws when the total norm is NaN or infinite (PyTorch's
    /// error_if_nonfinite = True) instead of scaling by it.
    let clipGradNormOrFail (normType: float) (parameters: seq<Tensor>) (maxNorm: float) : float =
        ClipGrad.ClipNorm(parameters, maxNorm, normType, errorIfNonfinite = true)

    /// Clamps the gradients of these parameters in place into [-clipValue, clipValue]
    /// (PyTorch's clip_grad_value_).
    let clipGradValue (parameters: seq<Tensor>) (clipValue: float) : unit =
        ClipGrad.ClipValue(parameters, clipValue)

    /// The total 2-norm of the gradients of these parameters (0 without gradients), unchanged:
    /// for monitoring.
    let gradNorm (parameters: seq<Tensor>) : float = ClipGrad.Norm(parameters)

    /// The total normType-norm of the gradients of these parameters, unchanged.
    let gradNormWith (normType: float) (parameters: seq<Tensor>) : float = ClipGrad.Norm(parameters, normType)

    // ---------------------------------------------------------------- schedulers
    type LRScheduler = Nabla.Optimizers.LRScheduler
    type SchedulerStateDict = Nabla.Optimizers.SchedulerStateDict
    type LambdaLR = Nabla.Optimizers.LambdaLR
    type MultiplicativeLR = Nabla.Optimizers.MultiplicativeLR
    type StepLR = Nabla.Optimizers.StepLR
    type MultiStepLR = Nabla.Optimizers.MultiStepLR
    type ExponentialLR = Nabla.Optimizers.ExponentialLR
    type LinearLR = Nabla.Optimizers.LinearLR
    type ConstantLR = Nabla.Optimizers.ConstantLR
    type PolynomialLR = Nabla.Optimizers.PolynomialLR
    type CosineAnnealingLR = Nabla.Optimizers.CosineAnnealingLR
    type CosineAnnealingWarmRestarts = Nabla.Optimizers.CosineAnnealingWarmRestarts
    type AnnealStrategy = Nabla.Optimizers.AnnealStrategy
    type OneCycleLR = Nabla.Optimizers.OneCycleLR
    type CyclicMode = Nabla.Optimizers.CyclicMode
    type CyclicScaleMode = Nabla.Optimizers.CyclicScaleMode
    type CyclicLR = Nabla.Optimizers.CyclicLR
    type SequentialLR = Nabla.Optimizers.SequentialLR
    type ChainedScheduler = Nabla.Optimizers.ChainedScheduler
    type PlateauMode = Nabla.Optimizers.PlateauMode
    type ThresholdMode = Nabla.Optimizers.ThresholdMode
    type ReduceLROnPlateau = Nabla.Optimizers.ReduceLROnPlateau

    // ---------------------------------------------------------------- functional optimizers
    type OptState = Nabla.Optimizers.OptState
    type FunctionalOptimizer = Nabla.Optimizers.FunctionalOptimizer

    /// Functional optimizers (state in, state out over Params): `Optim.Functional.adam 0.01`,
    /// `Optim.Functional.sgd(0.1, momentum = 0.9)`; see FunctionalOptimizer.
    type Functional = Nabla.Optimizers.Functional
