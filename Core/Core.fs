namespace Nabla

open System
open System.Collections.Generic
open System.Threading
open TorchSharp
open Nabla.Raw

/// Tags name the transform calls in progress: each call takes a fresh one, larger than all before
/// it (atomically: transforms may run on several threads), and it is active until the call returns.
module internal Tags =

    let mutable private last = 0L
    let private active = System.Collections.Concurrent.ConcurrentDictionary<int64, byte>()

    /// Runs f with a fresh tag that is active while f runs.
    let run (f: int64 -> 'T) : 'T =
        let tag = Interlocked.Increment &last
        active[tag] <- 0uy
        try f tag finally active.TryRemove tag |> ignore

    /// False once the transform that owns the tag has returned.
    let isActive (tag: int64) = active.ContainsKey tag

/// An immutable tensor value that can be differentiated, forward and reverse, to any order.
///
/// One of three cases (the DiffSharp design, proven for nested AD over LibTorch):
/// a constant LibTorch tensor; a forward-mode dual number (primal, tangent, tag); or a
/// reverse-mode node (primal, graph node, tag). Primals are Tensors themselves, so
/// derivatives nest. Each transform call takes a fresh tag; when an op meets operands of
/// different tags, the higher tag is active and lower-tagged operands are constants at that
/// level, which is what rules out perturbation confusion.
///
/// F# resolves operators only from members written in the type's own file, so the arithmetic
/// primitives behind `+ - * / **` and F#'s math functions (`exp x`, `sin x`, ...) are defined here,
/// beside the lifting functions; every other primitive lives in an Ops*.fs file.
[<NoEquality; NoComparison; StructuredFormatDisplay("{Display}")>]
type Tensor =
    internal
    | Const of raw: RawTensor
    | Dual of primal: Tensor * tangent: Tensor * tag: int64
    | Node of primal: Tensor * node: GraphNode * tag: int64

    // ---------------------------------------------------------------- what a tensor is

    /// 0 for a constant, else the tag of the transform that made this level.
    member internal t.Level =
        match t with
        | Const _ -> 0L
        | Dual(_, _, g) | Node(_, _, g) -> g

    /// This tensor with its outermost level of differentiation removed.
    member internal t.PrimalOneLevel =
        match t with
        | Const _ -> t
        | Dual(p, _, _) | Node(p, _, _) -> p

    /// The size of each dimension.
    member t.Shape: int[] = shape (Prim.RawOf t)

    /// The number of dimensions.
    member t.Dim = int ((Prim.RawOf t).dim ())

    /// The number of elements.
    member t.Numel = int ((Prim.RawOf t).numel ())

    /// The element type.
    member t.Dtype = ofScalarType (Prim.RawOf t).dtype

    /// The device the values live on.
    member t.Device = ofTorchDevice (Prim.RawOf t).device

    /// True when this value is being differentiated by an enclosing transform (forward or reverse).
    member t.IsDifferentiated =
        match t with
        | Const _ -> false
        | _ -> true

    /// The value as a float (the tensor must have exactly one element).
    member t.ToScalar() : float =
        let r = Prim.RawOf t
        if r.numel () <> 1L then
            invalidOp $"toScalar: the tensor has shape {shapeText t.Shape} ({r.numel ()} elements); only a one-element tensor converts to a scalar. Index it or reduce it (sum, mean) first."
        (toFloatArray r)[0]

    /// The values, flattened in row-major order, as float.
    member t.ToArray() : float[] = toFloatArray (Prim.RawOf t)

    /// PyTorch-style text of the value, with a note when it is being differentiated.
    override t.ToString() =
        let notes =
            match t with
            | Const _ -> []
            | Dual(_, _, g) -> [ $"forward-mode tag={g}" ]
            | Node(_, _, g) -> [ $"reverse-mode tag={g}" ]
        let r = Prim.Innermost t
        if r.IsInvalid then "tensor(<freed>)" else Format.tensor r notes

    /// Used by F# Interactive and `%A`.
    [<ComponentModel.EditorBrowsable(ComponentModel.EditorBrowsableState.Never)>]
    member t.Display = t.ToString()

    // ---------------------------------------------------------------- broadcasting primitives

    /// Sums over the dimensions that broadcasting to this tensor's shape added or stretched.
    static member internal SumTo(x: Tensor, shape: int[]) : Tensor =
        Prim.Lift1("sumTo", (fun r -> Raw.sumTo r shape),
                   (fun _ _ dx -> Tensor.SumTo(dx, shape)),
                   (fun x _ g -> Tensor.ExpandTo(g, x.Shape)), x)

    /// Broadcasts to a larger shape (a view: no copy).
    static member internal ExpandTo(x: Tensor, shape: int[]) : Tensor =
        Prim.Lift1("expand", (fun r -> Raw.expandTo r shape),
                   (fun _ _ dx -> Tensor.ExpandTo(dx, shape)),
                   (fun x _ g -> Tensor.SumTo(g, x.Shape)), x)

    /// Converts the element type; differentiable between floating-point types.
    static member internal Cast(x: Tensor, dtype: Dtype) : Tensor =
        let st = toScalarType dtype
        if (Prim.RawOf x).dtype = st then x
        else
            Prim.Lift1($"toDtype({dtype})", (fun r -> r.to_type st),
                       (fun _ _ dx -> Tensor.Cast(dx, dtype)),
                       (fun x _ g -> Tensor.Cast(g, x.Dtype)), x)

    // ---------------------------------------------------------------- arithmetic primitives

    static member internal Add(a: Tensor, b: Tensor) : Tensor =
        Prim.Lift2("add", (fun a b -> a.add b),
                   (fun _ _ _ da -> da), (fun _ _ _ db -> db),
                   (fun _ _ _ g -> g), (fun _ _ _ g -> g), a, b)

    static member internal Sub(a: Tensor, b: Tensor) : Tensor =
        Prim.Lift2("sub", (fun a b -> a.sub b),
                   (fun _ _ _ da -> da), (fun _ _ _ db -> Tensor.Neg db),
                   (fun _ _ _ g -> g), (fun _ _ _ g -> Tensor.Neg g), a, b)

    static member internal Mul(a: Tensor, b: Tensor) : Tensor =
        Prim.Lift2("mul", (fun a b -> a.mul b),
                   (fun _ b _ da -> Tensor.Mul(da, b)), (fun a _ _ db -> Tensor.Mul(a, db)),
                   (fun _ b _ g -> Tensor.Mul(g, b)), (fun a _ _ g -> Tensor.Mul(g, a)), a, b)

    static member internal Div(a: Tensor, b: Tensor) : Tensor =
        Prim.Lift2("div", (fun a b -> a.div b),
                   (fun _ b _ da -> Tensor.Div(da, b)), (fun _ b y db -> Tensor.Neg(Tensor.Div(Tensor.Mul(db, y), b))),
                   (fun _ b _ g -> Tensor.Div(g, b)), (fun _ b y g -> Tensor.Neg(Tensor.Div(Tensor.Mul(g, y), b))), a, b)

    /// a ** b with a tensor exponent. The derivative for the exponent is y·log a; where a = 0 and
    /// b ≥ 0 it is taken as 0 (as PyTorch does), not NaN.
    static member internal PowTensor(a: Tensor, b: Tensor) : Tensor =
        let dExponent (a: Tensor) (b: Tensor) (y: Tensor) (d: Tensor) =
            Prim.MaskedZero(Tensor.Mul(Tensor.Mul(d, y), Tensor.Log a), Raw.zeroBaseMask (Prim.RawOf a) (Prim.RawOf b))
        let dBase (a: Tensor) (b: Tensor) (_: Tensor) (d: Tensor) =
            Tensor.Mul(Tensor.Mul(d, b), Tensor.PowTensor(a, Tensor.AddScalar(b, -1.0)))
        Prim.Lift2("pow", (fun a b -> a.pow b), dBase, dExponent, dBase, dExponent, a, b)

    static member internal Neg(x: Tensor) : Tensor =
        Prim.Lift1("neg", (fun r -> r.neg ()), (fun _ _ dx -> Tensor.Neg dx), (fun _ _ g -> Tensor.Neg g), x)

    static member internal AddScalar(x: Tensor, c: float) : Tensor =
        Prim.Lift1("add", (fun r -> r.add (Scalar.op_Implicit c)), (fun _ _ dx -> dx), (fun _ _ g -> g), x)

    static member internal MulScalar(x: Tensor, c: float) : Tensor =
        Prim.Lift1("mul", (fun r -> r.mul (Scalar.op_Implicit c)),
                   (fun _ _ dx -> Tensor.MulScalar(dx, c)), (fun _ _ g -> Tensor.MulScalar(g, c)), x)

    static member internal DivScalar(x: Tensor, c: float) : Tensor =
        Prim.Lift1("div", (fun r -> r.div (Scalar.op_Implicit c)),
                   (fun _ _ dx -> Tensor.DivScalar(dx, c)), (fun _ _ g -> Tensor.DivScalar(g, c)), x)

    /// c - x
    static member internal RSubScalar(c: float, x: Tensor) : Tensor =
        Prim.Lift1("sub", (fun r -> r.neg().add_ (Scalar.op_Implicit c)), (fun _ _ dx -> Tensor.Neg dx), (fun _ _ g -> Tensor.Neg g), x)

    /// c / x
    static member internal RDivScalar(c: float, x: Tensor) : Tensor =
        let d (x: Tensor) (y: Tensor) (dx: Tensor) = Tensor.Neg(Tensor.Div(Tensor.Mul(dx, y), x))
        Prim.Lift1("div", (fun r -> r.reciprocal().mul_ (Scalar.op_Implicit c)), d, d, x)

    /// x ** c with a constant exponent.
    static member internal PowScalar(x: Tensor, c: float) : Tensor =
        let d (x: Tensor) (_: Tensor) (dx: Tensor) =
            if c = 0.0 then Tensor.MulScalar(dx, 0.0)
            elif c = 1.0 then dx
            elif c = 2.0 then Tensor.Mul(dx, Tensor.MulScalar(x, 2.0))
            else Tensor.Mul(dx, Tensor.MulScalar(Tensor.PowScalar(x, c - 1.0), c))
        Prim.Lift1("pow", (fun r -> r.pow (Scalar.op_Implicit c)), d, d, x)

    static member Exp(x: Tensor) : Tensor = Prim.Elementwise("exp", (fun r -> r.exp ()), (fun _ y -> y), x)
    static member Log(x: Tensor) : Tensor =
        Prim.Lift1("log", (fun r -> r.log ()), (fun x _ d -> Tensor.Div(d, x)), (fun x _ g -> Tensor.Div(g, x)), x)
    static member Sqrt(x: Tensor) : Tensor =
        let d (_: Tensor) (y: Tensor) (dx: Tensor) = Tensor.Div(dx, Tensor.MulScalar(y, 2.0))
        Prim.Lift1("sqrt", (fun r -> r.sqrt ()), d, d, x)
    static member Sin(x: Tensor) : Tensor = Prim.Elementwise("sin", (fun r -> r.sin ()), (fun x _ -> Tensor.Cos x), x)
    static member Cos(x: Tensor) : Tensor = Prim.Elementwise("cos", (fun r -> r.cos ()), (fun x _ -> Tensor.Neg(Tensor.Sin x)), x)
    static member Tan(x: Tensor) : Tensor = Prim.Elementwise("tan", (fun r -> r.tan ()), (fun _ y -> Tensor.AddScalar(Tensor.Mul(y, y), 1.0)), x)
    static member Sinh(x: Tensor) : Tensor = Prim.Elementwise("sinh", (fun r -> r.sinh ()), (fun x _ -> Tensor.Cosh x), x)
    static member Cosh(x: Tensor) : Tensor = Prim.Elementwise("cosh", (fun r -> r.cosh ()), (fun x _ -> Tensor.Sinh x), x)
    static member Tanh(x: Tensor) : Tensor = Prim.Elementwise("tanh", (fun r -> r.tanh ()), (fun _ y -> Tensor.RSubScalar(1.0, Tensor.Mul(y, y))), x)
    static member Asin(x: Tensor) : Tensor =
        Prim.Elementwise("asin", (fun r -> r.asin ()), (fun x _ -> Tensor.PowScalar(Tensor.RSubScalar(1.0, Tensor.Mul(x, x)), -0.5)), x)
    static member Acos(x: Tensor) : Tensor =
        Prim.Elementwise("acos", (fun r -> r.acos ()), (fun x _ -> Tensor.Neg(Tensor.PowScalar(Tensor.RSubScalar(1.0, Tensor.Mul(x, x)), -0.5))), x)
    static member Atan(x: Tensor) : Tensor =
        Prim.Elementwise("atan", (fun r -> r.atan ()), (fun x _ -> Tensor.RDivScalar(1.0, Tensor.AddScalar(Tensor.Mul(x, x), 1.0))), x)
    static member Abs(x: Tensor) : Tensor = Prim.Elementwise("abs", (fun r -> r.abs ()), (fun x _ -> Tensor.Sign x), x)

    /// The angle of the point (x, y) in (−π, π], with broadcasting (F#'s `atan2 y x`).
    /// ∂/∂y = x / (x² + y²), ∂/∂x = −y / (x² + y²).
    static member Atan2(y: Tensor, x: Tensor) : Tensor =
        let dy (y: Tensor) (x: Tensor) = Tensor.Div(x, Tensor.Add(Tensor.Mul(x, x), Tensor.Mul(y, y)))
        let dx (y: Tensor) (x: Tensor) = Tensor.Neg(Tensor.Div(y, Tensor.Add(Tensor.Mul(x, x), Tensor.Mul(y, y))))
        Prim.Lift2("atan2", (fun a b -> a.atan2 b),
                   (fun a b _ da -> Tensor.Mul(da, dy a b)), (fun a b _ db -> Tensor.Mul(db, dx a b)),
                   (fun a b _ g -> Tensor.Mul(g, dy a b)), (fun a b _ g -> Tensor.Mul(g, dx a b)), y, x)
    /// Base-10 logarithm (F#'s `log10`).
    static member Log10(x: Tensor) : Tensor = Tensor.MulScalar(Tensor.Log x, 1.0 / log 10.0)

    /// Rounding (F#'s floor, ceil, round, truncate): piecewise constant, so the results are
    /// constants and their derivatives zero, as in PyTorch.
    static member Floor(x: Tensor) : Tensor = let r = Prim.RawOf x in Const(guard1 "floor" r (fun () -> r.floor ()))
    static member Ceiling(x: Tensor) : Tensor = let r = Prim.RawOf x in Const(guard1 "ceil" r (fun () -> r.ceil ()))
    /// Rounds half to even, as torch.round and .NET's Math.Round.
    static member Round(x: Tensor) : Tensor = let r = Prim.RawOf x in Const(guard1 "round" r (fun () -> r.round ()))
    static member Truncate(x: Tensor) : Tensor = let r = Prim.RawOf x in Const(guard1 "trunc" r (fun () -> r.trunc ()))

    /// -1, 0 or 1 by sign; its derivative is zero (almost everywhere), so it is a constant.
    static member Sign(x: Tensor) : Tensor = let r = Prim.RawOf x in Const(guard1 "sign" r (fun () -> r.sign ()))

    // ---------------------------------------------------------------- operators

    static member (+)(a: Tensor, b: Tensor) = Tensor.Add(a, b)
    static member (+)(a: Tensor, b: float) = Tensor.AddScalar(a, b)
    static member (+)(a: float, b: Tensor) = Tensor.AddScalar(b, a)
    static member (+)(a: Tensor, b: int) = Tensor.AddScalar(a, float b)
    static member (+)(a: int, b: Tensor) = Tensor.AddScalar(b, float a)
    static member (-)(a: Tensor, b: Tensor) = Tensor.Sub(a, b)
    static member (-)(a: Tensor, b: float) = Tensor.AddScalar(a, -b)
    static member (-)(a: float, b: Tensor) = Tensor.RSubScalar(a, b)
    static member (-)(a: Tensor, b: int) = Tensor.AddScalar(a, -(float b))
    static member (-)(a: int, b: Tensor) = Tensor.RSubScalar(float a, b)
    static member (*)(a: Tensor, b: Tensor) = Tensor.Mul(a, b)
    static member (*)(a: Tensor, b: float) = Tensor.MulScalar(a, b)
    static member (*)(a: float, b: Tensor) = Tensor.MulScalar(b, a)
    static member (*)(a: Tensor, b: int) = Tensor.MulScalar(a, float b)
    static member (*)(a: int, b: Tensor) = Tensor.MulScalar(b, float a)
    static member (/)(a: Tensor, b: Tensor) = Tensor.Div(a, b)
    static member (/)(a: Tensor, b: float) = Tensor.DivScalar(a, b)
    static member (/)(a: float, b: Tensor) = Tensor.RDivScalar(a, b)
    static member (/)(a: Tensor, b: int) = Tensor.DivScalar(a, float b)
    static member (/)(a: int, b: Tensor) = Tensor.RDivScalar(float a, b)
    static member (~-)(x: Tensor) = Tensor.Neg x
    static member (~+)(x: Tensor) = x
    static member Pow(a: Tensor, b: Tensor) = Tensor.PowTensor(a, b)
    static member Pow(a: Tensor, b: float) = Tensor.PowScalar(a, b)
    static member Pow(a: Tensor, b: int) = Tensor.PowScalar(a, float b)

/// A node of a reverse-mode graph: the inputs being differentiated (all at this node's tag) and
/// the pullback that maps the output's cotangent to theirs, in the same order. A leaf (a transform's
/// input) has no inputs and no pullback. Nodes hold no adjoints: the sweep keeps those.
and [<Sealed; AllowNullLiteral>] internal GraphNode(inputs: Tensor[], pullback: Tensor -> Tensor[]) =
    member _.Inputs = inputs
    member _.Pullback = pullback
    member _.IsLeaf = isNull (box pullback)
    static member Leaf() = GraphNode([||], Unchecked.defaultof<_>)


/// The lifting functions and the primitives whose signatures mention LibTorch types. They live
/// outside Tensor so that using Tensor from a script does not require a reference to TorchSharp.
and [<AbstractClass; Sealed>] internal Prim =
    /// The innermost LibTorch tensor (the value with every level of differentiation removed).
    static member Innermost(t: Tensor) : RawTensor =
        let mutable x = t
        let mutable r = null
        while isNull r do
            match x with
            | Const c -> r <- c
            | Dual(p, _, _) | Node(p, _, _) -> x <- p
        r

    /// The innermost LibTorch tensor, or a clear error if its memory was freed.
    static member RawOf(t: Tensor) : RawTensor =
        let r = Prim.Innermost t
        if r.IsInvalid then raise (useAfterFree "Tensor")
        r

    // ---------------------------------------------------------------- lifting: the one place with tag logic

    /// Applies a one-input primitive. `primal` computes on raw tensors; `jvp x y dx` and `vjp x y g`
    /// are written with Tensor ops (so they nest) and receive the input's primal `x` and the output's primal `y`.
    static member internal Lift1
        (op: string, primal: RawTensor -> RawTensor, jvp: Tensor -> Tensor -> Tensor -> Tensor,
         vjp: Tensor -> Tensor -> Tensor -> Tensor, x: Tensor) : Tensor =
        match x with
        | Const r -> Const(guard1 op r (fun () -> primal r))
        | Dual(xp, xt, tag) ->
            Prim.CheckActive(op, tag)
            let y = Prim.Lift1(op, primal, jvp, vjp, xp)
            Dual(y, jvp xp y xt, tag)
        | Node(xp, _, tag) ->
            Prim.CheckActive(op, tag)
            let y = Prim.Lift1(op, primal, jvp, vjp, xp)
            Node(y, GraphNode([| x |], fun g -> [| vjp xp y g |]), tag)

    /// Applies a two-input primitive with broadcasting. The rules receive both input primals and
    /// the output primal; broadcasting and dtype promotion are undone here, once for every op:
    /// tangents are expanded to the output, cotangents reduced to each input's shape and dtype.
    static member internal Lift2
        (op: string, primal: RawTensor -> RawTensor -> RawTensor,
         jvpA: Tensor -> Tensor -> Tensor -> Tensor -> Tensor, jvpB: Tensor -> Tensor -> Tensor -> Tensor -> Tensor,
         vjpA: Tensor -> Tensor -> Tensor -> Tensor -> Tensor, vjpB: Tensor -> Tensor -> Tensor -> Tensor -> Tensor,
         a: Tensor, b: Tensor) : Tensor =
        match a, b with
        | Const ra, Const rb -> Const(guard2 op ra rb (fun () -> primal ra rb))
        | _ ->
            let tag = max a.Level b.Level
            Prim.CheckActive(op, tag)
            let aActive = a.Level = tag
            let bActive = b.Level = tag
            let ap = if aActive then a.PrimalOneLevel else a
            let bp = if bActive then b.PrimalOneLevel else b
            let y = Prim.Lift2(op, primal, jvpA, jvpB, vjpA, vjpB, ap, bp)
            let active = if aActive then a else b
            match active with
            | Dual _ ->
                let tangentOf (t: Tensor) =
                    match t with
                    | Dual(_, dt, _) -> dt
                    | _ -> raise (Prim.MixedModes op)
                let ta = if aActive then jvpA ap bp y (tangentOf a) |> Prim.MatchOutput y else Unchecked.defaultof<_>
                let tb = if bActive then jvpB ap bp y (tangentOf b) |> Prim.MatchOutput y else Unchecked.defaultof<_>
                let t = if aActive && bActive then Tensor.Add(ta, tb) elif aActive then ta else tb
                Dual(y, t, tag)
            | _ ->
                if (aActive && (match a with Dual _ -> true | _ -> false)) || (bActive && (match b with Dual _ -> true | _ -> false)) then
                    raise (Prim.MixedModes op)
                if aActive && bActive then
                    Node(y, GraphNode([| a; b |], fun g ->
                        [| vjpA ap bp y g |> Prim.MatchInput ap; vjpB ap bp y g |> Prim.MatchInput bp |]), tag)
                elif aActive then Node(y, GraphNode([| a |], fun g -> [| vjpA ap bp y g |> Prim.MatchInput ap |]), tag)
                else Node(y, GraphNode([| b |], fun g -> [| vjpB ap bp y g |> Prim.MatchInput bp |]), tag)

    /// Applies a primitive of any number of inputs (cat, stack, ...). `jvp xs y dxs` receives null
    /// for the tangents of inactive inputs; `vjp i xs y g` is the cotangent of input i.
    static member internal LiftN
        (op: string, primal: RawTensor[] -> RawTensor, jvp: Tensor[] -> Tensor -> Tensor[] -> Tensor,
         vjp: int -> Tensor[] -> Tensor -> Tensor -> Tensor, xs: Tensor[]) : Tensor =
        let tag = if xs.Length = 0 then 0L else xs |> Array.map (fun x -> x.Level) |> Array.max
        if tag = 0L then
            let raws = xs |> Array.map Prim.RawOf
            Const(guard op raws (fun () -> primal raws))
        else
            Prim.CheckActive(op, tag)
            let active = xs |> Array.map (fun x -> x.Level = tag)
            let ps = Array.init xs.Length (fun i -> if active[i] then xs[i].PrimalOneLevel else xs[i])
            let y = Prim.LiftN(op, primal, jvp, vjp, ps)
            let isDual = xs |> Array.exists (fun x -> x.Level = tag && (match x with Dual _ -> true | _ -> false))
            let isNode = xs |> Array.exists (fun x -> x.Level = tag && (match x with Node _ -> true | _ -> false))
            if isDual && isNode then raise (Prim.MixedModes op)
            if isDual then
                let tangents = xs |> Array.map (fun x -> match x with Dual(_, dt, g) when g = tag -> dt | _ -> Unchecked.defaultof<_>)
                Dual(y, jvp ps y tangents |> Prim.MatchOutput y, tag)
            else
                let indices = [| for i in 0 .. xs.Length - 1 do if active[i] then i |]
                Node(y, GraphNode(indices |> Array.map (fun i -> xs[i]), fun g -> indices |> Array.map (fun i -> vjp i ps y g |> Prim.MatchInput ps[i])), tag)

    /// A value of a finished transform must not be differentiated again: its tag would be taken
    /// for an enclosing transform's (perturbation confusion), or its derivative silently lost.
    static member CheckActive(op: string, tag: int64) =
        if not (Tags.isActive tag) then
            invalidOp $"{op}: a value being differentiated by a transform that has already returned was used (a perturbation escaped its transform, e.g. through a mutable variable or a closure). Return derivatives from inside the transform instead."

    static member private MixedModes(op: string) : exn =
        InvalidOperationException $"{op}: forward-mode and reverse-mode values of the same transform met. A tensor being differentiated escaped its transform (e.g. stored in a mutable and used later); return it instead."

    /// Makes a tangent match the output's shape and dtype (an op's rule may leave it un-broadcast).
    static member internal MatchOutput (y: Tensor) (t: Tensor) : Tensor =
        let yr, tr = Prim.RawOf y, Prim.RawOf t
        let t = if tr.dim () = yr.dim () && tr.numel () = yr.numel () then t else Tensor.ExpandTo(t, y.Shape)
        if (Prim.RawOf t).dtype = yr.dtype then t else Tensor.Cast(t, ofScalarType yr.dtype)

    /// Makes a cotangent match an input's shape and dtype (undoes broadcasting and type promotion).
    /// Since the output's shape is a broadcast of the input's, equal rank and size mean equal shape.
    static member internal MatchInput (x: Tensor) (g: Tensor) : Tensor =
        let xr, gr = Prim.RawOf x, Prim.RawOf g
        let g = if gr.dim () = xr.dim () && gr.numel () = xr.numel () then g else Tensor.SumTo(g, x.Shape)
        if (Prim.RawOf g).dtype = xr.dtype then g else Tensor.Cast(g, ofScalarType xr.dtype)

    /// Zero where the constant boolean mask is true (a linear map of x). The mask may be larger
    /// than x: the result then has the broadcast shape.
    static member internal MaskedZero(x: Tensor, mask: RawTensor) : Tensor =
        Prim.Lift1("maskedFill", (fun r -> Raw.maskedZero r mask),
                   (fun _ _ dx -> Prim.MaskedZero(dx, mask)),
                   (fun x _ g -> Prim.MaskedZero(g, mask) |> Prim.MatchInput x), x)

    // ---------------------------------------------------------------- elementwise math (F#'s exp, log, sin, ... use these)

    /// Elementwise op whose derivative is `dydx x y`; the rule is the same for JVP and VJP.
    static member internal Elementwise(op: string, primal: RawTensor -> RawTensor, dydx: Tensor -> Tensor -> Tensor, x: Tensor) : Tensor =
        Prim.Lift1(op, primal, (fun x y d -> Tensor.Mul(d, dydx x y)), (fun x y g -> Tensor.Mul(g, dydx x y)), x)

/// The reverse sweep.
module internal Reverse =

    /// A new reverse-mode leaf for `x` at `tag`.
    let leaf (x: Tensor) (tag: int64) = Node(x, GraphNode.Leaf(), tag)

    let private nodeAt (tag: int64) (t: Tensor) =
        match t with
        | Node(_, n, g) when g = tag -> n
        | _ -> null

    /// Runs the reverse sweep from `y` (seeded with cotangent `seed`) and returns the adjoint of each
    /// leaf, or null for a leaf that `y` does not depend on. The topological order comes from an
    /// iterative depth-first search, so a 100,000-op chain needs no deep stack; adjoints live in a
    /// table local to this call, so the graph stays pure and can be swept again.
    let sweep (y: Tensor) (seed: Tensor) (tag: int64) (leaves: Tensor[]) : Tensor[] =
        let root = nodeAt tag y
        if isNull root then Array.zeroCreate leaves.Length
        else
            let order = List<GraphNode>()
            let visited = HashSet<GraphNode>(HashIdentity.Reference)
            let stack = Stack<struct (GraphNode * bool)>()
            stack.Push(struct (root, false))
            while stack.Count > 0 do
                let struct (n, expanded) = stack.Pop()
                if expanded then order.Add n
                elif visited.Add n then
                    stack.Push(struct (n, true))
                    for input in n.Inputs do
                        let c = nodeAt tag input
                        if not (isNull c) && not (visited.Contains c) then stack.Push(struct (c, false))
            let adjoints = Dictionary<GraphNode, Tensor>(HashIdentity.Reference)
            adjoints[root] <- seed
            for i in order.Count - 1 .. -1 .. 0 do
                let n = order[i]
                if not n.IsLeaf then
                    match adjoints.TryGetValue n with
                    | true, g ->
                        adjoints.Remove n |> ignore
                        let gs = n.Pullback g
                        for j in 0 .. n.Inputs.Length - 1 do
                            let c = nodeAt tag n.Inputs[j]
                            match adjoints.TryGetValue c with
                            | true, old -> adjoints[c] <- old + gs[j]
                            | _ -> adjoints[c] <- gs[j]
                    | _ -> ()
            leaves |> Array.map (fun l ->
                match adjoints.TryGetValue(nodeAt tag l) with
                | true, g -> g
                | _ -> Unchecked.defaultof<_>)

/// `t.Raw()` for the rest of the library: the innermost LibTorch tensor. An extension rather than
/// a member, so that Tensor's own members never mention TorchSharp types.
[<AutoOpen>]
module internal TensorRaw =
    type Tensor with
        member t.Raw() = Prim.RawOf t
