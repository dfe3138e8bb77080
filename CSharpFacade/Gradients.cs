using System.Collections.Generic;
using static Nabla.CSharp.TrainingInterop;
using FO = global::Nabla.Optimizers;

namespace Nabla.CSharp;

/// <summary>
/// Gradient clipping and norms (PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> and
/// <c>clip_grad_value_</c>): in place on the gradients accumulated by <see cref="Tensor.Backward"/>,
/// recording nothing. Call between <c>Backward()</c> and the optimizer's <c>Step()</c>.
/// </summary>
public static class Gradients
{
    /// <summary>Scales the gradients of these parameters so that their total
    /// <paramref name="normType"/>-norm (over all of them together, as if concatenated) is at most
    /// <paramref name="maxNorm"/>: each is multiplied by min(1, maxNorm / (total + 1e-6)), PyTorch's
    /// formula (<c>torch.nn.utils.clip_grad_norm_</c>). Parameters without a gradient are skipped.</summary>
    /// <param name="parameters">The parameters (<c>model.Parameters()</c>).</param>
    /// <param name="maxNorm">The largest total norm allowed (at least 0).</param>
    /// <param name="normType">The norm's order: 2 (Euclidean) by default, any p &gt; 0, or
    /// <see cref="double.PositiveInfinity"/> (the largest absolute value).</param>
    /// <param name="errorIfNonfinite">Throw an <see cref="System.InvalidOperationException"/> when the total
    /// norm is NaN or infinite, instead of scaling by it.</param>
    /// <returns>The total norm before clipping (0 when no parameter has a gradient).</returns>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false) =>
        FO.ClipGrad.ClipNorm(ToCore(parameters, nameof(parameters), "Gradients.ClipGradNorm"), maxNorm, normType, errorIfNonfinite);

    /// <summary>Clamps every gradient element of these parameters into
    /// [-<paramref name="clipValue"/>, <paramref name="clipValue"/>] (PyTorch's <c>clip_grad_value_</c>).</summary>
    /// <param name="parameters">The parameters (<c>model.Parameters()</c>).</param>
    /// <param name="clipValue">The largest absolute value allowed (at least 0).</param>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue) =>
        FO.ClipGrad.ClipValue(ToCore(parameters, nameof(parameters), "Gradients.ClipGradValue"), clipValue);

    /// <summary>The total <paramref name="normType"/>-norm of the gradients of these parameters,
    /// unchanged (0 without gradients): the figure <see cref="ClipGradNorm"/> would return, for monitoring.</summary>
    /// <param name="parameters">The parameters (<c>model.Parameters()</c>).</param>
    /// <param name="normType">The norm's order: 2 by default, any p &gt; 0, or infinity.</param>
    public static double GradNorm(IEnumerable<Tensor> parameters, double normType = 2.0) =>
        FO.ClipGrad.Norm(ToCore(parameters, nameof(parameters), "Gradients.GradNorm"), normType);
}
