namespace Nabla

open System
open Nabla.Raw

/// Derivatives by central finite differences: (f(x + εv) − f(x − εv)) / 2ε. Slow and approximate,
/// but independent of the AD engine, so they check it. Use float64 inputs: with float32 the
/// rounding error swamps the truncation error.
module Numerical =

    /// The step used when none is given: 1e-6 for float64 (PyTorch's gradcheck default), 1e-3 otherwise.
    let defaultEpsilon (x: Tensor) =
        if x.Dtype = Dtype.Float64 then 1e-6 else 1e-3

    let private constant (x: Tensor) = Tensor.stopGradient x

    /// The directional derivative of f at x along v, with step eps.
    let jvpWith (eps: float) (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor =
        if v.Shape <> x.Shape then
            invalidArg "v" $"Numerical.jvp: the direction must have the input's shape {shapeText x.Shape}; got {shapeText v.Shape}."

        Scope.run (fun () ->
            let x, v = constant x, constant v
            (f (x + eps * v) - f (x - eps * v)) / (2.0 * eps))

    /// The directional derivative of f at x along v.
    let jvp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor = jvpWith (defaultEpsilon x) f x v

    /// The Jacobian of f at x (output shape ++ input shape), with step eps.
    let jacobianWith (eps: float) (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        Scope.run (fun () ->
            let columns = Array.init x.Numel (fun i -> jvpWith eps f x (AD.basis x i))
            let outShape = if columns.Length = 0 then (f x).Shape else columns[0].Shape
            AD.assemble x outShape x.Shape 1 columns)

    /// The Jacobian of f at x (output shape ++ input shape).
    let jacobian (f: Tensor -> Tensor) (x: Tensor) : Tensor = jacobianWith (defaultEpsilon x) f x

    /// The gradient of a scalar function f at x, with step eps.
    let gradWith (eps: float) (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        Scope.run (fun () ->
            let probe = f (constant x)

            if probe.Numel <> 1 then
                invalidArg "f" $"Numerical.grad: the function must return a scalar; it returned shape {shapeText probe.Shape}."

            jacobianWith eps (fun x -> Tensor.reshape [||] (f x)) x)

    /// The gradient of a scalar function f at x.
    let grad (f: Tensor -> Tensor) (x: Tensor) : Tensor = gradWith (defaultEpsilon x) f x

/// How far the derivatives Nabla computes are from finite differences.
type GradCheckResult =
    {
        /// Largest |AD − numerical| over all Jacobian entries, forward and reverse mode.
        MaxAbsoluteError: float
        /// Largest |AD − numerical| / |numerical| (entries with a numerical value of 0 count absolutely).
        MaxRelativeError: float
        /// True when every entry satisfies |AD − numerical| ≤ atol + rtol·|numerical|.
        Passed: bool
    }

/// PyTorch's gradcheck for your own functions: compares the Jacobians from reverse mode and
/// forward mode with central differences.
module GradCheck =

    /// Checks f at x with the given tolerances.
    let checkWith (atol: float) (rtol: float) (f: Tensor -> Tensor) (x: Tensor) : GradCheckResult =
        let numerical = (Numerical.jacobian f x).ToArray()
        let analytic = [ (AD.jacrev f x).ToArray(); (AD.jacfwd f x).ToArray() ]
        let pairs = analytic |> List.collect (fun a -> List.ofArray (Array.zip a numerical))
        let absErr = pairs |> List.map (fun (a, n) -> abs (a - n))

        let relErr =
            pairs |> List.map (fun (a, n) -> if n = 0.0 then abs a else abs (a - n) / abs n)

        let ok = pairs |> List.forall (fun (a, n) -> abs (a - n) <= atol + rtol * abs n)

        {
            MaxAbsoluteError = (if absErr.IsEmpty then 0.0 else List.max absErr)
            MaxRelativeError = (if relErr.IsEmpty then 0.0 else List.max relErr)
            Passed = ok
        }

    /// Checks f at x with PyTorch's gradcheck tolerances (atol 1e-5, rtol 1e-3); use float64.
    let check (f: Tensor -> Tensor) (x: Tensor) : GradCheckResult = checkWith 1e-5 1e-3 f x
