namespace Nabla

open System
open System.Collections.Generic

/// An ordered collection of named tensors: a model's parameters, or their gradients. The
/// transforms accept and return it directly (AD.gradParams), so parameters are never
/// concatenated into one vector.
[<Sealed; StructuredFormatDisplay("{Display}")>]
type Params(entries: (string * Tensor)[]) =
    let index =
        let d = Dictionary<string, int>(StringComparer.Ordinal)

        entries
        |> Array.iteri (fun i (name, _) ->
            if not (d.TryAdd(name, i)) then
                invalidArg "entries" $"Params: the name '{name}' appears twice; names must be unique.")

        d

    /// The names, in order.
    member _.Names = entries |> Array.map fst
    /// The tensors, in order.
    member _.Values = entries |> Array.map snd
    /// (name, tensor) pairs, in order.
    member _.Entries = Array.copy entries
    member _.Count = entries.Length

    /// The tensor with this name.
    member _.Item
        with get (name: string) =
            match index.TryGetValue name with
            | true, i -> snd entries[i]
            | _ ->
                let known = String.Join(", ", entries |> Array.map fst)
                raise (KeyNotFoundException $"Params: no tensor named '{name}'. Names: {known}.")

    member _.TryFind(name: string) =
        match index.TryGetValue name with
        | true, i -> Some(snd entries[i])
        | _ -> None

    member _.ContainsName(name: string) = index.ContainsKey name

    override _.ToString() =
        entries
        |> Array.map (fun (n, t) -> $"{n}: {Raw.shapeText t.Shape} {t.Dtype}")
        |> String.concat "; "
        |> sprintf "Params [%s]"

    [<ComponentModel.EditorBrowsable(ComponentModel.EditorBrowsableState.Never)>]
    member this.Display = this.ToString()

    interface IEnumerable<KeyValuePair<string, Tensor>> with
        member _.GetEnumerator() : IEnumerator<KeyValuePair<string, Tensor>> =
            (entries |> Seq.map (fun (n, t) -> KeyValuePair(n, t))).GetEnumerator()

        member _.GetEnumerator() : Collections.IEnumerator =
            (entries |> Seq.map (fun (n, t) -> KeyValuePair(n, t)) :> Collections.IEnumerable).GetEnumerator()

/// Functions on Params.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Params =
    let ofList (entries: (string * Tensor) list) = Params(List.toArray entries)
    let ofSeq (entries: seq<string * Tensor>) = Params(Seq.toArray entries)
    let toList (p: Params) = List.ofArray p.Entries
    let names (p: Params) = p.Names
    let values (p: Params) = p.Values
    let count (p: Params) = p.Count
    /// The tensor with this name (KeyNotFoundException listing the names otherwise).
    let find (name: string) (p: Params) = p[name]
    let tryFind (name: string) (p: Params) = p.TryFind name

    /// Applies f to every tensor, keeping the names.
    let map (f: Tensor -> Tensor) (p: Params) =
        Params(p.Entries |> Array.map (fun (n, t) -> n, f t))

    /// Applies f to every tensor with its name.
    let mapi (f: string -> Tensor -> Tensor) (p: Params) =
        Params(p.Entries |> Array.map (fun (n, t) -> n, f n t))

    /// Combines two collections with the same names in the same order (e.g. parameters and gradients).
    let map2 (f: Tensor -> Tensor -> Tensor) (a: Params) (b: Params) =
        if a.Names <> b.Names then
            invalidArg
                "b"
                $"Params.map2: the collections have different names ({String.Join(',', a.Names)} vs {String.Join(',', b.Names)})."

        Params(Array.map2 (fun (n, x) (_, y) -> n, f x y) a.Entries b.Entries)
