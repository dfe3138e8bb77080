namespace Nabla

open System
open Nabla.Raw

/// Your own differentiable primitives, with the same guarantees as Nabla's (JAX's custom_jvp /
/// custom_vjp): they nest under every transform, to any order, forward and reverse, and
/// broadcasting is undone for you. Give the primal computation on constants and the derivative
/// rules written with Nabla's own ops (so that they, too, can be differentiated):
///
/// ```fsharp
/// // softplus, stable for large |x|: log(1 + eˣ) = max(x, 0) + log1p(e^−|x|); d/dx = sigmoid x
/// let softplus =
///     Op.define1 "softplus"
///         (fun x -> Tensor.relu x + Tensor.log1p (exp (-(abs x))))
///         (fun x _ dx -> dx * Tensor.sigmoid x)      // JVP: the output's tangent
///         (fun x _ g -> g * Tensor.sigmoid x)        // VJP: the input's cotangent
/// ```
///
/// A rule that returns the wrong shape is an error naming your op. Rules are checked, and their
/// results cast to the right dtype, at every call.
module Op =

    let private checkShape (name: string) (what: string) (expected: int[]) (actual: Tensor) =
        if isNull (box actual) then
            invalidOp $"{name}: the {what} rule returned null; return a tensor of shape {shapeText expected}."

        let s = actual.Shape

        if s <> expected then
            invalidOp
                $"{name}: the {what} rule returned shape {shapeText s}; it must return shape {shapeText expected}. Check the rule's broadcasting (sum a broadcast cotangent over the broadcast dimensions)."

    /// The primal on the innermost values: computed on constants, its result must be a constant.
    let private primalOf (name: string) (f: Tensor list -> Tensor) (inputs: RawTensor list) : RawTensor =
        let y = f (inputs |> List.map Const)

        if isNull (box y) then
            invalidOp $"{name}: the primal function returned null."

        match y with
        | Const r -> r
        | _ ->
            invalidOp
                $"{name}: the primal function returned a value that is being differentiated; it must compute on its arguments only (use Tensor.stopGradient for captured values)."

    /// A differentiable one-input op. `primal x` computes the value (on constants); `jvp x y dx`
    /// returns the output's tangent for the input tangent dx; `vjp x y g` returns the input's
    /// cotangent for the output cotangent g (x: the input, y: the output, both primals). Rules are
    /// written with Nabla's ops, so derivatives of any order work.
    let define1
        (name: string)
        (primal: Tensor -> Tensor)
        (jvp: Tensor -> Tensor -> Tensor -> Tensor)
        (vjp: Tensor -> Tensor -> Tensor -> Tensor)
        : Tensor -> Tensor =
        if String.IsNullOrWhiteSpace name then
            invalidArg "name" "Op.define1: give the op a name (it appears in error messages)."

        let raw (r: RawTensor) =
            primalOf name (fun xs -> primal xs.Head) [ r ]

        let checkedJvp (x: Tensor) (y: Tensor) (dx: Tensor) =
            let t = jvp x y dx
            checkShape name "JVP" y.Shape t
            t

        let checkedVjp (x: Tensor) (y: Tensor) (g: Tensor) =
            let c = vjp x y g
            checkShape name "VJP" x.Shape c
            Prim.MatchInput x c

        fun x -> Prim.Lift1(name, raw, checkedJvp, checkedVjp, x)

    /// A differentiable two-input op, with broadcasting: `primal a b` computes the value;
    /// `jvp a b y da db` returns the output's tangent for the input tangents (an input that is not
    /// being differentiated gets a zero tangent); `vjp a b y g` returns the two inputs' cotangents,
    /// each of the output's shape or its input's (a cotangent of the broadcast output shape is
    /// summed back to the input's shape for you).
    let define2
        (name: string)
        (primal: Tensor -> Tensor -> Tensor)
        (jvp: Tensor -> Tensor -> Tensor -> Tensor -> Tensor -> Tensor)
        (vjp: Tensor -> Tensor -> Tensor -> Tensor -> Tensor * Tensor)
        : Tensor -> Tensor -> Tensor =
        if String.IsNullOrWhiteSpace name then
            invalidArg "name" "Op.define2: give the op a name (it appears in error messages)."

        let raw (ra: RawTensor) (rb: RawTensor) =
            primalOf name (fun xs -> primal xs[0] xs[1]) [ ra; rb ]

        let cotangent (which: int) (p: Primals2) (g: Tensor) =
            let ga, gb = vjp p.A p.B p.Out g
            let c, input = if which = 0 then ga, p.A else gb, p.B

            if isNull (box c) then
                invalidOp $"{name}: the VJP rule returned null for input {which + 1}."

            if c.Shape <> p.Out.Shape then
                checkShape name $"VJP (input {which + 1})" input.Shape c

            c
        // The tangent's share of one input: the JVP with the other input's tangent zero.
        let tangent (which: int) (p: Primals2) (d: Tensor) =
            let da = if which = 0 then d else Tensor.ZerosOf p.A
            let db = if which = 1 then d else Tensor.ZerosOf p.B
            let t = jvp p.A p.B p.Out da db

            if isNull (box t) then
                invalidOp $"{name}: the JVP rule returned null."

            if t.Shape <> p.Out.Shape then
                checkShape name "JVP" p.Out.Shape t

            t

        fun a b -> Prim.Lift2(name, raw, tangent 0, tangent 1, cotangent 0, cotangent 1, a, b)
