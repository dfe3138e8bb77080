using System;
using F = global::Nabla;

namespace Nabla.CSharp;

// PyTorch-style autograd on tensors: requires-grad leaves, Backward, Grad, hooks (RequiresGrad,
// Backward, Grad and ZeroGrad are in Tensor.cs).
public partial class Tensor
{
    /// <summary>True when this tensor requires gradients (PyTorch's <c>requires_grad</c>): it is a
    /// leaf made by <see cref="RequiresGrad(bool)"/> (or a module's parameter), or was computed from
    /// one while gradients were being recorded (not under <see cref="Autodiff.NoGrad(Action)"/>).
    /// The method that sets it is <see cref="RequiresGrad(bool)"/>.</summary>
    public bool RequiresGradient => Value.RequiresGrad;

    /// <summary>False only for a tensor that requires gradients and was computed from others
    /// (PyTorch's <c>is_leaf</c>): Backward fills <see cref="Grad"/> of leaves only (see
    /// <see cref="RetainGrad"/>).</summary>
    public bool IsLeaf => Value.IsLeaf;

    /// <summary>The same values, without gradient tracking: derivatives do not flow through the
    /// result, neither for Backward nor for the transforms of <see cref="Autodiff"/> (PyTorch's
    /// <c>detach()</c>, JAX's <c>stop_gradient</c>). Shares the memory.</summary>
    public Tensor Detach() => Wrap(F.TensorModule.detach(Value));

    /// <summary>Registers a hook that sees this tensor's gradient during every
    /// <see cref="Backward"/> and may replace it: return the argument to leave it unchanged
    /// (PyTorch's <c>register_hook</c>).</summary>
    /// <param name="hook">Called with the gradient; returns the gradient to use.</param>
    /// <returns>Dispose it to remove the hook.</returns>
    /// <exception cref="InvalidOperationException">The tensor does not require grad.</exception>
    public IDisposable RegisterHook(Func<Tensor, Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return Value.RegisterHook(new Func<F.Tensor, F.Tensor>(g =>
            (hook(Wrap(g)) ?? throw new InvalidOperationException("RegisterHook: the hook returned null; return the gradient (the argument, to leave it unchanged).")).Value));
    }

    /// <summary>Keeps the gradient of this non-leaf tensor in its <see cref="Grad"/> during
    /// <see cref="Backward"/> (PyTorch's <c>retain_grad()</c>).</summary>
    /// <exception cref="InvalidOperationException">The tensor does not require grad.</exception>
    public void RetainGrad() => Value.RetainGrad();
}
