namespace Nabla.NN

open System
open System.Collections.Generic
open Nabla

/// Modules applied one after another, each to the previous one's output (PyTorch's
/// nn.Sequential); they are named "0", "1", ... as in PyTorch, or by the names given.
type Sequential private (named: (string * Module)[]) as this =
    inherit Module()

    do
        for name, m in named do
            this.RegisterModule(name, m) |> ignore

    let layers = List<Module>(Array.map snd named)

    /// Modules named "0", "1", ...: `Sequential(Linear(1, 20), ReLU(), Linear(20, 1))`.
    new([<ParamArray>] modules: Module[]) = Sequential(modules |> Array.mapi (fun i m -> string i, m))

    /// Modules with names (PyTorch's OrderedDict form).
    new(named: seq<string * Module>) = Sequential(Seq.toArray named)

    override _.Forward x =
        let mutable y = x

        for m in layers do
            y <- m.Forward y

        y

    /// The i-th module (negative counts from the end).
    member _.Item
        with get (i: int) =
            let j = if i < 0 then i + layers.Count else i

            if j < 0 || j >= layers.Count then
                raise (ArgumentOutOfRangeException("i", $"Sequential: index {i} is out of range for {layers.Count} modules."))

            layers[j]

    /// The number of modules.
    member _.Count = layers.Count

    /// Adds a module at the end, named by its position.
    member this.Append(m: Module) =
        this.RegisterModule(string layers.Count, m) |> ignore
        layers.Add m

    interface IEnumerable<Module> with
        member _.GetEnumerator() : IEnumerator<Module> =
            (layers :> IEnumerable<Module>).GetEnumerator()

        member _.GetEnumerator() : Collections.IEnumerator =
            (layers :> Collections.IEnumerable).GetEnumerator()

/// A list of modules whose parameters are registered (PyTorch's nn.ModuleList): index it and
/// loop over it in your own Forward. Named "0", "1", ...
type ModuleList(modules: seq<Module>) as this =
    inherit Module()
    let items = List<Module>()

    do
        for m in modules do
            this.Append m

    new() = ModuleList(Seq.empty)

    /// Adds a module at the end.
    member this.Append(m: Module) =
        this.RegisterModule(string items.Count, m) |> ignore
        items.Add m

    /// Adds modules at the end.
    member this.Extend(ms: seq<Module>) =
        for m in ms do
            this.Append m

    member _.Item
        with get (i: int) =
            let j = if i < 0 then i + items.Count else i

            if j < 0 || j >= items.Count then
                raise (ArgumentOutOfRangeException("i", $"ModuleList: index {i} is out of range for {items.Count} modules."))

            items[j]

    member _.Count = items.Count

    interface IEnumerable<Module> with
        member _.GetEnumerator() : IEnumerator<Module> =
            (items :> IEnumerable<Module>).GetEnumerator()

        member _.GetEnumerator() : Collections.IEnumerator =
            (items :> Collections.IEnumerable).GetEnumerator()

/// Modules by name, in insertion order (PyTorch's nn.ModuleDict).
type ModuleDict(modules: seq<string * Module>) as this =
    inherit Module()
    let items = List<string * Module>()

    do
        for name, m in modules do
            this.Add(name, m)

    new() = ModuleDict(Seq.empty)

    /// Adds a module under a new name.
    member this.Add(name: string, m: Module) =
        this.RegisterModule(name, m) |> ignore
        items.Add((name, m))

    member _.Item
        with get (name: string) =
            match items |> Seq.tryFind (fun (n, _) -> n = name) with
            | Some(_, m) -> m
            | None ->
                let known = String.Join(", ", items |> Seq.map fst)
                raise (KeyNotFoundException $"ModuleDict: no module named '{name}'. Names: {known}.")

    member _.ContainsKey(name: string) =
        items |> Seq.exists (fun (n, _) -> n = name)

    member _.Keys = items |> Seq.map fst |> List.ofSeq
    member _.Values = items |> Seq.map snd |> List.ofSeq
    member _.Count = items.Count

    interface IEnumerable<KeyValuePair<string, Module>> with
        member _.GetEnumerator() : IEnumerator<KeyValuePair<string, Module>> =
            (items |> Seq.map (fun (n, m) -> KeyValuePair(n, m))).GetEnumerator()

        member _.GetEnumerator() : Collections.IEnumerator =
            (items |> Seq.map (fun (n, m) -> KeyValuePair(n, m)) :> Collections.IEnumerable).GetEnumerator()
