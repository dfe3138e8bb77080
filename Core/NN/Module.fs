namespace Nabla.NN

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open System.Text
open Nabla
open Nabla.Raw

/// Storage operations of modules, outside the Module type so that its members never mention
/// TorchSharp types (F# scripts would then need a reference to TorchSharp).
module internal ModuleStorage =

    let private converted (dtype: Dtype option) (device: Device option) (r: RawTensor) =
        let c =
            match dtype, device with
            | Some d, _ -> r.to_type (toScalarType d)
            | _, Some d -> r.``to`` (toTorchDevice d)
            | None, None -> r.alias ()

        c.DetachFromDisposeScope() |> ignore
        c

    /// Converts a parameter or buffer (and its gradient) in place to a dtype or device.
    let convert (dtype: Dtype option) (device: Device option) (t: Tensor) =
        let raw = Prim.RawOf t
        Raw.replaceContents raw (converted dtype device raw)

        match t.Grad with
        | Some g when not g.IsDifferentiated ->
            let gr = Prim.RawOf g
            Raw.replaceContents gr (converted dtype device gr)
        | _ -> ()

        let cell = Autograd.cellOf t

        if not (isNull cell) then
            cell.MutatedAt <- Imperative.Tick()

    /// Takes a tensor out of every dispose scope: parameters and buffers live until the module is disposed.
    let keep (t: Tensor) = Memory.keep (Prim.RawOf t)

    let free (t: Tensor) = (Prim.Innermost t).Dispose()

/// The base class of every layer and model (PyTorch's nn.Module): named parameters, buffers and
/// submodules, registered in order, and what is done with them (listing, train/eval mode,
/// conversion, state dicts, a functional view). A layer is a class that registers its
/// parameters in its constructor and overrides Forward:
///
/// ```fsharp
/// type CustomLinear(inputSize: int, outputSize: int) as this =
///     inherit Module()
///     let weight = this.RegisterParameter("weight", Tensor.randn [| outputSize; inputSize |])
///     let bias = this.RegisterParameter("bias", Tensor.randn [| outputSize |])
///     override _.Forward x = Tensor.matmul x (Tensor.transpose 0 1 weight) + bias
/// ```
///
/// Parameters are requires-grad leaves: Backward fills their Grad, and an optimizer updates
/// them in place. They live outside dispose scopes until the module is disposed.
[<AbstractClass>]
type Module() =
    let parameters = List<string * Tensor>()
    let buffers = List<struct (string * Tensor * bool)>()
    let children = List<string * Module>()
    let mutable training = true

    member private this.CheckNewName(kind: string, name: string) =
        if String.IsNullOrEmpty name then
            invalidArg "name" $"{this.TypeName}.Register{kind}: the name must not be empty."

        if name.Contains '.' then
            invalidArg
                "name"
                $"{this.TypeName}.Register{kind}: the name '{name}' must not contain '.' (dots join the names of nested modules)."

        let taken =
            parameters |> Seq.exists (fun (n, _) -> n = name)
            || buffers |> Seq.exists (fun struct (n, _, _) -> n = name)
            || children |> Seq.exists (fun (n, _) -> n = name)

        if taken then
            invalidArg
                "name"
                $"{this.TypeName}.Register{kind}: '{name}' is already the name of a parameter, buffer or submodule of this module."

    /// The module's computation for one input. Layers with other inputs (Bilinear, the recurrent
    /// layers, attention) add Forward overloads; this one is what Sequential calls.
    abstract Forward: Tensor -> Tensor

    default this.Forward(_: Tensor) : Tensor =
        raise (
            NotSupportedException
                $"{this.TypeName}: this module has no one-input Forward (containers such as ModuleList and ModuleDict do not compute; call their elements)."
        )

    /// The name shown when printed: the class name.
    abstract TypeName: string
    default this.TypeName = this.GetType().Name

    /// The text inside the parentheses when printed (PyTorch's extra_repr), e.g.
    /// "in_features=1, out_features=20, bias=True".
    abstract ExtraRepr: unit -> string
    default _.ExtraRepr() = ""

    // ---------------------------------------------------------------- registration

    /// Registers `value` as a parameter named `name` and returns it as a requires-grad leaf (the
    /// tensor to use in Forward). A tensor that already requires grad (another module's
    /// parameter: weight tying) is registered as it is. Its memory leaves any dispose scope: it
    /// lives until the module is disposed.
    member this.RegisterParameter(name: string, value: Tensor) : Tensor =
        this.CheckNewName("Parameter", name)

        if isNull (box value) then
            nullArg "value"

        let p =
            if value.RequiresGrad && value.IsLeaf then
                value
            else
                ModuleStorage.keep value
                Tensor.requiresGrad (Tensor.detach value)

        parameters.Add((name, p))
        p

    /// Registers a buffer: state that is not a parameter but belongs to the module (BatchNorm's
    /// running statistics), moved and converted with it and saved in its state dict unless
    /// `persistent` is false. Returns the buffer (a tensor that does not require grad).
    member this.RegisterBuffer(name: string, value: Tensor, [<Optional; DefaultParameterValue(true)>] persistent: bool) : Tensor =
        this.CheckNewName("Buffer", name)

        if isNull (box value) then
            nullArg "value"

        ModuleStorage.keep value
        let b = Tensor.detach value
        buffers.Add(struct (name, b, persistent))
        b

    /// Registers a submodule under `name` and returns it.
    member this.RegisterModule<'M when 'M :> Module>(name: string, m: 'M) : 'M =
        this.CheckNewName("Module", name)

        if isNull (box m) then
            nullArg "m"

        if obj.ReferenceEquals(m, this) then
            invalidArg "m" $"{this.TypeName}.RegisterModule: a module cannot be its own submodule."

        children.Add((name, m :> Module))
        m

    // ---------------------------------------------------------------- what a module holds

    /// This module and every module below it, with their dotted names ("" for this one), in
    /// registration order, depth first (PyTorch's named_modules); each module once.
    member this.NamedModules() : (string * Module) list =
        let seen = HashSet<Module>(HashIdentity.Reference)
        let result = List<string * Module>()

        let rec walk (prefix: string) (m: Module) =
            if seen.Add m then
                result.Add((prefix, m))

                for name, child in m.OwnChildren do
                    walk (if prefix = "" then name else prefix + "." + name) child

        walk "" this
        List.ofSeq result

    /// This module and every module below it (PyTorch's modules()).
    member this.Modules() : Module list = this.NamedModules() |> List.map snd

    member internal _.OwnParameters = parameters :> seq<_>
    member internal _.OwnBuffers = buffers :> seq<_>
    member internal _.OwnChildren = children :> seq<_>

    /// The direct submodules with their names, in registration order.
    member _.NamedChildren() : (string * Module) list = List.ofSeq children

    /// The direct submodules, in registration order.
    member _.Children() : Module list = children |> Seq.map snd |> List.ofSeq

    /// Every parameter with its dotted name ("0.weight", "hidden.linear.bias", ...), in the order
    /// of PyTorch's named_parameters (each module's own, then its submodules'); a shared
    /// parameter appears once.
    member this.NamedParameters() : (string * Tensor) list =
        let seen = HashSet<obj>(HashIdentity.Reference)

        [
            for prefix, m in this.NamedModules() do
                for name, p in m.OwnParameters do
                    if seen.Add(Prim.Innermost p) then
                        (if prefix = "" then name else prefix + "." + name), p
        ]

    /// Every parameter (requires-grad leaves), in registration order as PyTorch's parameters().
    member this.Parameters() : Tensor list = this.NamedParameters() |> List.map snd

    /// Every buffer with its dotted name.
    member this.NamedBuffers() : (string * Tensor) list =
        [
            for prefix, m in this.NamedModules() do
                for struct (name, b, _) in m.OwnBuffers do
                    (if prefix = "" then name else prefix + "." + name), b
        ]

    /// Every buffer.
    member this.Buffers() : Tensor list = this.NamedBuffers() |> List.map snd

    /// The number of parameter elements (trainable values).
    member this.ParameterCount = this.Parameters() |> List.sumBy (fun p -> p.Numel)

    // ---------------------------------------------------------------- modes

    /// True in training mode (the default), false after Eval(). Dropout and BatchNorm read it.
    member _.IsTraining = training

    /// Sets training mode (or, with false, evaluation mode) on this module and every submodule.
    member this.Train([<Optional; DefaultParameterValue(true)>] mode: bool) =
        for m in this.Modules() do
            m.SetTraining mode

    member internal _.SetTraining(mode: bool) = training <- mode

    /// Evaluation mode: Dropout passes values through, BatchNorm uses its running statistics.
    member this.Eval() = this.Train false

    /// Clears the gradients of every parameter (to None, as PyTorch's zero_grad; with
    /// setToNone = false, fills them with zeros).
    member this.ZeroGrad([<Optional; DefaultParameterValue(true)>] setToNone: bool) =
        for p in this.Parameters() do
            p.ZeroGrad setToNone

    // ---------------------------------------------------------------- conversion

    member private this.ConvertAll(convert: Tensor -> bool, dtype: Dtype option, device: Device option) =
        let seen = HashSet<obj>(HashIdentity.Reference)

        for m in this.Modules() do
            let tensors =
                Seq.append (m.OwnParameters |> Seq.map snd) (m.OwnBuffers |> Seq.map (fun struct (_, b, _) -> b))

            for t in tensors do
                if seen.Add(Prim.Innermost t) && convert t then
                    ModuleStorage.convert dtype device t

    /// Converts every floating-point parameter and buffer (and gradient) to `dtype`, in place: the
    /// tensors the layers hold keep working (PyTorch's `module.to(dtype)`). Integer buffers keep
    /// their dtype.
    member this.To(dtype: Dtype) =
        if not dtype.IsFloatingPoint then
            invalidArg "dtype" $"{this.TypeName}.To: modules convert to floating-point dtypes only; got {dtype}."

        this.ConvertAll((fun t -> t.Dtype.IsFloatingPoint && t.Dtype <> dtype), Some dtype, None)

    /// Moves every parameter and buffer (and gradient) to `device`, in place (PyTorch's `module.to(device)`).
    member this.To(device: Device) =
        this.ConvertAll((fun t -> t.Device <> device), None, Some device)

    // ---------------------------------------------------------------- state dicts

    /// Parameters (the leaves themselves) and persistent buffers with their state-dict names.
    member private this.StateEntries() : (string * Tensor)[] =
        [|
            for prefix, m in this.NamedModules() do
                let full (name: string) =
                    if prefix = "" then name else prefix + "." + name

                for name, p in m.OwnParameters do
                    full name, p

                for struct (name, b, persistent) in m.OwnBuffers do
                    if persistent then
                        full name, b
        |]

    /// The named values to save (PyTorch's state_dict): every parameter and persistent buffer,
    /// with PyTorch's names for the same architecture, as tensors that share the module's storage
    /// and do not require grad.
    member this.StateDict() : Params =
        Params(this.StateEntries() |> Array.map (fun (n, t) -> n, Tensor.detach t))

    /// Copies the values of a state dict into the parameters and persistent buffers, in place,
    /// cast to each one's dtype (PyTorch's load_state_dict). Strict (the default): every key must
    /// match; otherwise missing and unexpected keys are ignored. A shape mismatch is an error
    /// either way, and nothing is copied unless everything fits.
    member this.LoadStateDict(state: Params, [<Optional; DefaultParameterValue(true)>] strict: bool) =
        if isNull (box state) then
            nullArg "state"

        let own = this.StateEntries()
        let ownNames = HashSet<string>(Array.map fst own)

        let missing =
            own |> Array.map fst |> Array.filter (fun n -> not (state.ContainsName n))

        let unexpected = state.Names |> Array.filter (fun n -> not (ownNames.Contains n))

        let mismatched =
            [|
                for name, target in own do
                    match state.TryFind name with
                    | Some source when source.Shape <> target.Shape ->
                        $"size mismatch for {name}: copying a tensor of shape {shapeText source.Shape} from the state dict, the shape in the current model is {shapeText target.Shape}."
                    | _ -> ()
            |]

        let quote (names: string[]) =
            String.Join(", ", names |> Array.map (fun n -> "\"" + n + "\""))

        let problems =
            [|
                if strict && missing.Length > 0 then
                    $"Missing key(s) in state_dict: {quote missing}."
                if strict && unexpected.Length > 0 then
                    $"Unexpected key(s) in state_dict: {quote unexpected}."
                yield! mismatched
            |]

        if problems.Length > 0 then
            invalidArg
                "state"
                ($"Error(s) in loading state_dict for {this.TypeName}:\n    "
                 + String.Join("\n    ", problems))

        AD.noGrad (fun () ->
            for name, target in own do
                match state.TryFind name with
                | Some source -> target.CopyFrom source
                | None -> ())

    /// Saves StateDict() to `path` in PyTorch's format (StateDict.save: atomic), so that
    /// `model.load_state_dict(torch.load(path))` loads it into the same PyTorch architecture.
    member this.Save(path: string) = StateDict.save path (this.StateDict())

    /// Loads a file written by Save or by PyTorch's `torch.save(model.state_dict(), path)` into
    /// this module (LoadStateDict, strict).
    member this.Load(path: string) = this.LoadStateDict(StateDict.load path)

    // ---------------------------------------------------------------- the functional view

    /// The parameters as named values that do not require grad (sharing the module's storage):
    /// the starting point of a pure training loop over Functional.
    member this.ParameterValues() : Params =
        Params(
            this.NamedParameters()
            |> List.map (fun (n, p) -> n, Tensor.detach p)
            |> Array.ofList
        )

    /// Forward with the parameters named in `p` replaced by p's tensors (PyTorch's
    /// functional_call, JAX's apply): a pure function of the parameters, so AD.gradParams,
    /// AD.hessian and pure training loops work on modules. Parameters that p does not name keep
    /// the module's values; each replacement must have its parameter's shape and dtype.
    member this.Functional (p: Params) (x: Tensor) : Tensor =
        if isNull (box p) then
            nullArg "p"

        let named = dict (this.NamedParameters())
        let bufferNames = HashSet<string>(this.NamedBuffers() |> List.map fst)

        let pairs =
            [|
                for name, value in p.Entries do
                    match named.TryGetValue name with
                    | true, param ->
                        if value.Shape <> param.Shape || value.Dtype <> param.Dtype then
                            invalidArg
                                "p"
                                $"{this.TypeName}.Functional: '{name}' must have shape {shapeText param.Shape} and dtype {param.Dtype} (the parameter's); got {shapeText value.Shape} {value.Dtype}."

                        Autograd.nodeOf param, value
                    | _ when bufferNames.Contains name -> ()
                    | _ ->
                        let known = String.Join(", ", named.Keys)
                        invalidArg "p" $"{this.TypeName}.Functional: '{name}' is not a parameter of this module. Parameters: {known}."
            |]

        Imperative.WithSubstitutes(pairs, (fun () -> this.Forward x))

    // ---------------------------------------------------------------- printing

    /// PyTorch's printout: the module tree with each layer's settings.
    override this.ToString() =
        let sb = StringBuilder()

        let rec write (indent: string) (m: Module) =
            let extra = m.ExtraRepr()
            let kids = List.ofSeq m.OwnChildren

            if kids.IsEmpty then
                sb.Append(m.TypeName).Append('(').Append(extra).Append(')') |> ignore
            else
                sb.Append(m.TypeName).Append("(\n") |> ignore

                if extra <> "" then
                    sb.Append(indent + "  ").Append(extra).Append('\n') |> ignore

                for name, child in kids do
                    sb.Append(indent + "  (").Append(name).Append("): ") |> ignore
                    write (indent + "  ") child
                    sb.Append('\n') |> ignore

                sb.Append(indent).Append(')') |> ignore

        write "" this
        sb.ToString()

    /// A table of every module with its parameter count, and the total.
    member this.Summary() : string =
        let rows =
            this.NamedModules()
            |> List.map (fun (name, m) ->
                let own = m.OwnParameters |> Seq.sumBy (fun (_, p) -> p.Numel)

                let shapes =
                    m.OwnParameters
                    |> Seq.map (fun (n, p) -> $"{n} {shapeText p.Shape}")
                    |> String.concat ", "

                (if name = "" then "(root)" else name), m.TypeName, own, shapes)

        let w1 = rows |> List.map (fun (n, _, _, _) -> n.Length) |> List.max |> max 6
        let w2 = rows |> List.map (fun (_, t, _, _) -> t.Length) |> List.max |> max 4
        let sb = StringBuilder()

        sb.AppendLine($"""{"Module".PadRight w1}  {"Type".PadRight w2}  {"Parameters", 10}  Shapes""")
        |> ignore

        for n, t, c, s in rows do
            sb.AppendLine($"{n.PadRight w1}  {t.PadRight w2}  {c, 10}  {s}") |> ignore

        sb.Append($"Total parameters: {this.ParameterCount:N0}") |> ignore
        sb.ToString()

    // ---------------------------------------------------------------- memory

    /// Frees the native memory of every parameter and buffer (and their gradients); the module
    /// cannot be used afterwards. (Module is not IDisposable in F#, so that building layers
    /// needs no `new`; the C# facade's modules are.)
    member this.Dispose() =
        for m in this.Modules() do
            for _, p in m.OwnParameters do
                match p.Grad with
                | Some g -> ModuleStorage.free g
                | None -> ()

                ModuleStorage.free p

            for struct (_, b, _) in m.OwnBuffers do
                ModuleStorage.free b

/// Helpers for writing layers.
module internal Layer =

    /// The dtype and device of a layer's parameters: PyTorch's defaults (float32, CPU) when omitted.
    let dtypeOr (d: Dtype option) = defaultArg d Dtype.Float32
    let deviceOr (d: Device option) = defaultArg d Device.Cpu

    /// "True"/"False" as PyTorch prints booleans.
    let pyBool (b: bool) = if b then "True" else "False"

    /// A positive size argument, or an error naming the layer.
    let positive (layer: string) (name: string) (v: int) =
        if v <= 0 then
            invalidArg name $"{layer}: {name} must be positive; got {v}."
