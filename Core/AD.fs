namespace Nabla

open System
open Nabla.Raw

/// Function transforms in the style of JAX: each takes a function of tensors and returns its
/// derivative (or the value with it). They nest to any depth and mix modes freely:
/// `AD.grad (fun x -> AD.grad f x |> Tensor.sum)`, `AD.jvp (AD.grad f)`, ... Each call runs in a
/// scope, so only its results stay in memory.
module AD =

    let private requireFloat (op: string) (x: Tensor) =
        if not x.Dtype.IsFloatingPoint then
            invalidArg
                "x"
                $"{op}: the input has dtype {x.Dtype}; derivatives need a floating-point tensor. Convert it with Tensor.toDtype Dtype.Float64 (or Float32)."

    let private requireScalarOutput (op: string) (y: Tensor) =
        if y.Numel <> 1 then
            invalidArg
                "f"
                $"{op}: the function must return a scalar (one element) to be differentiated this way; it returned shape {shapeText y.Shape}. Reduce it (Tensor.sum, Tensor.mean), or use AD.vjp / AD.jacobian for vector outputs."

        if not y.Dtype.IsFloatingPoint then
            invalidArg "f" $"{op}: the function returned dtype {y.Dtype}; only floating-point outputs can be differentiated."

    /// y with this transform's level removed. A higher level means a tensor escaped an inner transform.
    let private primalAt (op: string) (tag: int64) (y: Tensor) =
        if y.Level > tag then
            invalidOp
                $"{op}: the function returned a value that belongs to a transform that has already finished (a perturbation escaped its scope). Return derivatives from inside the transform that made them."

        if y.Level = tag then y.PrimalOneLevel else y

    let private orZerosLike (x: Tensor) (g: Tensor) =
        if isNull (box g) then Tensor.zerosLike x else g

    // ------------------------------------------------------------ reverse mode

    /// The value of f at x and the gradient of f (which must return a scalar) at x.
    let valueAndGrad (f: Tensor -> Tensor) (x: Tensor) : Tensor * Tensor =
        requireFloat "AD.grad" x

        Scope.runKeeping (fun (v, g) -> [ v; g ]) (fun () ->
            Tags.run
            <| fun tag ->
                let leaf = Reverse.leaf x tag
                let y = f leaf
                requireScalarOutput "AD.grad" y
                let value = primalAt "AD.grad" tag y
                let g = (Reverse.sweep y (Tensor.onesLike value) tag [| leaf |])[0]
                value, orZerosLike x g)

    /// The gradient of f (which must return a scalar) at x; it has x's shape. Reverse mode.
    let grad (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        Scope.runKeeping (fun g -> [ g ]) (fun () -> snd (valueAndGrad f x))

    /// The value of f at x and a pullback: a function from a cotangent of f's output (its shape)
    /// to the cotangent of x (vector-Jacobian product). The pullback may be called many times.
    let vjp (f: Tensor -> Tensor) (x: Tensor) : Tensor * (Tensor -> Tensor) =
        requireFloat "AD.vjp" x

        Scope.runKeepingAll (fun () ->
            Tags.run
            <| fun tag ->
                let leaf = Reverse.leaf x tag
                let y = f leaf
                let value = primalAt "AD.vjp" tag y
                let yShape = value.Shape

                let pullback (g: Tensor) =
                    if g.Shape <> yShape then
                        invalidArg "g" $"AD.vjp: the cotangent must have the output's shape {shapeText yShape}; got {shapeText g.Shape}."

                    Scope.runKeeping (fun t -> [ t ]) (fun () -> (Reverse.sweep y g tag [| leaf |])[0] |> orZerosLike x)

                value, pullback)

    /// The value of f and its gradient with respect to every tensor of a Params collection, which
    /// come back as Params with the same names (no flattening into one vector).
    let valueAndGradParams (f: Params -> Tensor) (p: Params) : Tensor * Params =
        for name, t in p.Entries do
            if not t.Dtype.IsFloatingPoint then
                invalidArg "p" $"AD.gradParams: the parameter '{name}' has dtype {t.Dtype}; derivatives need floating-point tensors."

        Scope.runKeeping (fun (v, g: Params) -> Seq.append [ v ] g.Values) (fun () ->
            Tags.run
            <| fun tag ->
                let leaves = p.Values |> Array.map (fun t -> Reverse.leaf t tag)
                let y = f (Params(Array.zip p.Names leaves))
                requireScalarOutput "AD.gradParams" y
                let value = primalAt "AD.gradParams" tag y
                let gs = Reverse.sweep y (Tensor.onesLike value) tag leaves
                value, Params(Array.map2 (fun (n, t) g -> n, orZerosLike t g) p.Entries gs))

    /// The gradient of f with respect to every tensor of a Params collection (see valueAndGradParams).
    let gradParams (f: Params -> Tensor) (p: Params) : Params =
        Scope.runKeeping (fun (g: Params) -> g.Values) (fun () -> snd (valueAndGradParams f p))

    // ------------------------------------------------------------ forward mode

    /// The value of f at x and the Jacobian-vector product J·v (the directional derivative along v).
    let jvp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor * Tensor =
        requireFloat "AD.jvp" x

        if v.Shape <> x.Shape then
            invalidArg "v" $"AD.jvp: the tangent must have the input's shape {shapeText x.Shape}; got {shapeText v.Shape}."

        if v.Dtype <> x.Dtype then
            invalidArg "v" $"AD.jvp: the tangent must have the input's dtype {x.Dtype}; got {v.Dtype}. Convert it with Tensor.toDtype."

        Scope.runKeeping (fun (y, t) -> [ y; t ]) (fun () ->
            Tags.run
            <| fun tag ->
                match f (Dual(x, v, tag)) with
                | Dual(p, t, g) when g = tag -> p, t
                | y ->
                    let y = primalAt "AD.jvp" tag y
                    y, Tensor.zerosLike y)

    /// The derivative of f at a scalar x (forward mode); the result has f's output shape.
    let diff (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        if x.Numel <> 1 then
            invalidArg
                "x"
                $"AD.diff: x must be a scalar (one element); got shape {shapeText x.Shape}. Use AD.jvp or AD.jacobian for vector inputs."

        snd (jvp f x (Tensor.onesLike x))

    /// The n-th derivative of f at a scalar x (nested forward mode); diffn 0 f x = f x.
    let rec diffn (n: int) (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        if n < 0 then
            invalidArg "n" $"AD.diffn: the order must be non-negative; got {n}."

        if n = 0 then f x else diff (diffn (n - 1) f) x

    // ------------------------------------------------------------ Jacobians and Hessians

    /// One-hot tensors of x's shape, dtype and device: the standard basis (also for Numerical).
    let internal basis (x: Tensor) (i: int) =
        let e = Raw.zeros x.Shape x.Dtype x.Device
        use flat = e.view (-1L)
        use one = flat.narrow (0L, int64 i, 1L)
        one.fill_ (scalar 1.0) |> ignore
        Const e

    /// Columns J·eᵢ (flattened) stacked into [m, n], reshaped to outShape ++ inShape; with no
    /// pieces, zeros of that shape and of like's dtype and device (also for Numerical).
    let internal assemble (like: Tensor) (outShape: int[]) (inShape: int[]) (stackDim: int) (pieces: Tensor[]) =
        if pieces.Length = 0 then
            Tensor.Zeros(Array.append outShape inShape, like.Dtype, like.Device)
        else
            pieces
            |> Array.map (Tensor.reshape [| -1 |])
            |> Tensor.stack stackDim
            |> Tensor.reshape (Array.append outShape inShape)

    /// The Jacobian by forward mode: one JVP per input element. Shape: output shape ++ input shape.
    let jacfwd (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        requireFloat "AD.jacfwd" x

        Scope.runKeeping (fun j -> [ j ]) (fun () ->
            let n = x.Numel

            if n = 0 then
                let y = f x
                Tensor.Zeros(Array.append y.Shape x.Shape, y.Dtype, y.Device)
            else
                let columns = Array.init n (fun i -> jvp f x (basis x i))
                assemble x (fst columns[0]).Shape x.Shape 1 (Array.map snd columns))

    /// The Jacobian by reverse mode: one forward pass, one VJP per output element.
    let jacrev (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        requireFloat "AD.jacrev" x

        Scope.runKeeping (fun j -> [ j ]) (fun () ->
            let y, pullback = vjp f x
            assemble y y.Shape x.Shape 0 (Array.init y.Numel (fun i -> pullback (basis y i))))

    /// The Jacobian (output shape ++ input shape), by reverse mode when the output has fewer
    /// elements than the input, by forward mode otherwise.
    let jacobian (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        requireFloat "AD.jacobian" x

        Scope.runKeeping (fun j -> [ j ]) (fun () ->
            let y, pullback = vjp f x

            if y.Numel < x.Numel then
                assemble y y.Shape x.Shape 0 (Array.init y.Numel (fun i -> pullback (basis y i)))
            else
                jacfwd f x)

    /// The Hessian of a scalar function (forward-over-reverse); shape: input shape ++ input shape.
    let hessian (f: Tensor -> Tensor) (x: Tensor) : Tensor = jacfwd (grad f) x

    /// The Hessian-vector product H·v (forward-over-reverse), without forming H.
    let hvp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor = snd (jvp (grad f) x v)

    /// The trace of a Jacobian or Hessian of shape inShape ++ inShape (n elements in).
    let private trace (square: Tensor) (n: int) =
        Tensor.trace (Tensor.reshape [| n; n |] square)

    /// The Laplacian Σᵢ ∂²f/∂xᵢ² of a scalar function (the trace of its Hessian).
    let laplacian (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        Scope.runKeeping (fun l -> [ l ]) (fun () -> trace (hessian f x) x.Numel)

    /// The divergence Σᵢ ∂fᵢ/∂xᵢ of a vector field f whose output has the input's shape.
    let divergence (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        Scope.runKeeping (fun d -> [ d ]) (fun () ->
            let j = jacfwd f x

            if j.Numel <> x.Numel * x.Numel then
                invalidArg
                    "f"
                    $"AD.divergence: the field must map x to a tensor of x's shape {shapeText x.Shape}; its Jacobian has shape {shapeText j.Shape}."

            trace j x.Numel)

    /// The curl ∇×f of a vector field f: R³ → R³ (x and f x of shape [3]).
    let curl (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        if x.Shape <> [| 3 |] then
            invalidArg "x" $"AD.curl: x must have shape [3]; got {shapeText x.Shape}."

        Scope.runKeeping (fun c -> [ c ]) (fun () ->
            let j = jacfwd f x

            if j.Shape <> [| 3; 3 |] then
                invalidArg "f" $"AD.curl: f must map R³ to R³; its Jacobian has shape {shapeText j.Shape}."

            let d (i: int) (k: int) = j[i, k] // ∂fᵢ/∂xₖ
            Tensor.stack 0 [ d 2 1 - d 1 2; d 0 2 - d 2 0; d 1 0 - d 0 1 ])

    // ------------------------------------------------------------ PyTorch-style autograd

    /// Runs f without recording for Backward (PyTorch's `torch.no_grad()`): results computed from
    /// requires-grad tensors do not require grad, and parameters may be updated in place. Per
    /// thread; the transforms (grad, jvp, ...) still work inside.
    let noGrad (f: unit -> 'T) : 'T = Imperative.WithGrad(false, f)

    /// Runs f with recording for Backward on again (PyTorch's `torch.enable_grad()`), e.g. inside noGrad.
    let enableGrad (f: unit -> 'T) : 'T = Imperative.WithGrad(true, f)

    /// True unless inside AD.noGrad on this thread (PyTorch's `torch.is_grad_enabled()`).
    let isGradEnabled () = not Imperative.NoGrad

    // ------------------------------------------------------------ memory

    /// The global generator's state, so that a recomputation draws the same random numbers
    /// (dropout inside a checkpointed block), as PyTorch's checkpoint preserves the RNG state.
    let private withRngStateOf (state: TorchSharp.torch.Tensor) (f: unit -> 'T) : 'T =
        let now = TorchSharp.torch.get_rng_state ()

        try
            TorchSharp.torch.set_rng_state state
            f ()
        finally
            TorchSharp.torch.set_rng_state now
            now.Dispose()

    /// Checkpointing for PyTorch-style autograd: f runs unrecorded, noting the recorded values
    /// it meets (a block's parameters, earlier layers' outputs); the node's inputs are x (when it
    /// requires grad) and those, and its pullback runs f again, differentiated with respect to all
    /// of them, under the random state of the first run.
    let private checkpointImperative (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        let xRecorded = x.Level = Tags.Imperative
        let xp = if xRecorded then x.PrimalOneLevel else x
        Native.ensureLoaded ()
        let rng = TorchSharp.torch.get_rng_state ()
        rng.DetachFromDisposeScope() |> ignore

        let y, captured =
            Scope.runKeeping (fun (y, _) -> [ y ]) (fun () -> Imperative.Collecting(fun () -> f xp))

        let xNode =
            match x with
            | Node(_, n, _) when xRecorded -> n
            | _ -> null

        let captured =
            captured
            |> Array.filter (fun t ->
                match t with
                | Node(_, n, _) -> not (obj.ReferenceEquals(n, xNode))
                | _ -> false)

        if y.Level > 0 then
            f x // f met values of an enclosing transform: recorded as usual
        else
            let inputs = Array.append (if xRecorded then [| x |] else [||]) captured

            if inputs.Length = 0 then
                y
            else
                let pullback (recording: bool) (g: Tensor) : Tensor[] =
                    Tags.run
                    <| fun tag ->
                        let leaves =
                            inputs
                            |> Array.map (fun t -> Reverse.leaf (if recording then t else t.PrimalOneLevel) tag)

                        let replaced =
                            [|
                                for i in 0 .. inputs.Length - 1 do
                                    match inputs[i] with
                                    | Node(_, n, _) -> n, leaves[i]
                                    | _ -> ()
                            |]

                        let out =
                            withRngStateOf rng (fun () ->
                                Imperative.WithSubstitutes(replaced, fun () -> f (if xRecorded then Imperative.Substitute x else xp)))

                        Reverse.sweep out g tag leaves
                        |> Array.mapi (fun i gi -> orZerosLike inputs[i] gi)

                let node = GraphNode("checkpoint", inputs, pullback false)
                let out = Node(y, node, Tags.Imperative)
                Imperative.Record(node, pullback true)
                out

    /// f x, but in reverse mode its intermediates are not kept: they are freed after the forward
    /// pass and recomputed when the backward pass needs them (gradient checkpointing). Same
    /// derivatives, less memory. With PyTorch-style autograd (Backward), f may use parameters and
    /// other recorded values it closes over (a block of a model: `AD.checkpoint block.Forward h`);
    /// the recomputation draws the same random numbers (dropout) as the first run. Under a
    /// transform, f should depend on the transform's values only through x; if it closes over
    /// others, f x is recorded normally (correct, without the saving).
    let checkpoint (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        match x with
        | _ when Imperative.NoGrad && x.Level <= Tags.Imperative -> f x
        | _ when x.Level <= Tags.Imperative -> checkpointImperative f x
        | Node(xp, _, tag) ->
            let y = Scope.runKeeping (fun y -> [ y ]) (fun () -> f xp)

            if y.Level >= tag then
                f x
            else
                Node(y, GraphNode("checkpoint", [| x |], (fun g -> [| (snd (vjp f xp)) g |])), tag)
        | _ -> f x

    // ------------------------------------------------------------ for C#
    // The transforms as static methods of the class Nabla.AD that take Func<> delegates and return
    // small records with named fields rather than F# tuples (C# sees tupled module functions as
    // ordinary static methods; the PascalCase names keep them apart from the curried F# ones).
    // `AD.Grad(x => TensorModule.sum(x * x), x)`. The full C# surface is the facade's job.

    /// A function's value and its gradient (AD.ValueAndGrad).
    type ValueAndGradient = { Value: Tensor; Gradient: Tensor }

    /// A function's value and its gradients with respect to named tensors (AD.ValueAndGradParams).
    type ValueAndGradients = { Value: Tensor; Gradients: Params }

    /// A function's value and its directional derivative J·v (AD.Jvp).
    type ValueAndTangent = { Value: Tensor; Tangent: Tensor }

    let private invoke (f: Func<'a, 'b>) : 'a -> 'b =
        if isNull f then
            nullArg "f"

        fun a -> f.Invoke a

    /// The gradient of f (which returns a scalar) at x, for C#: `AD.Grad(x => ..., x)` (AD.grad).
    let Grad (f: Func<Tensor, Tensor>, x: Tensor) : Tensor = grad (invoke f) x

    /// The value of f at x and its gradient, for C# (AD.valueAndGrad).
    let ValueAndGrad (f: Func<Tensor, Tensor>, x: Tensor) : ValueAndGradient =
        let value, gradient = valueAndGrad (invoke f) x

        {
            ValueAndGradient.Value = value
            Gradient = gradient
        }

    /// The gradient of f with respect to every tensor of a Params collection, for C# (AD.gradParams).
    let GradParams (f: Func<Params, Tensor>, p: Params) : Params = gradParams (invoke f) p

    /// The value of f and its gradients with respect to every tensor of p, for C# (AD.valueAndGradParams).
    let ValueAndGradParams (f: Func<Params, Tensor>, p: Params) : ValueAndGradients =
        let value, gradients = valueAndGradParams (invoke f) p

        {
            ValueAndGradients.Value = value
            Gradients = gradients
        }

    /// The value of f at x and the Jacobian-vector product J·v (forward mode), for C# (AD.jvp).
    let Jvp (f: Func<Tensor, Tensor>, x: Tensor, v: Tensor) : ValueAndTangent =
        let value, tangent = jvp (invoke f) x v

        {
            ValueAndTangent.Value = value
            Tangent = tangent
        }

    /// The Jacobian of f at x (output shape ++ input shape), for C# (AD.jacobian).
    let Jacobian (f: Func<Tensor, Tensor>, x: Tensor) : Tensor = jacobian (invoke f) x

    /// The Hessian of a scalar function f at x (input shape ++ input shape), for C# (AD.hessian).
    let Hessian (f: Func<Tensor, Tensor>, x: Tensor) : Tensor = hessian (invoke f) x

    /// Runs f without recording for Backward, for C# (AD.noGrad).
    let NoGrad (f: Func<'T>) : 'T =
        if isNull f then
            nullArg "f"

        noGrad (fun () -> f.Invoke())
