namespace Nabla

open System
open System.Collections.Generic
open System.IO

/// Conversions between Nabla's saved values and the pickled containers of PyTorch's files.
module internal StateDictPickle =

    let private fail (file: string) (what: string) =
        raise (InvalidDataException $"{file}: {what}")

    /// A state dict as PyTorch pickles it: an OrderedDict of names to tensors.
    let ofParams (p: Params) =
        PCall("collections", "OrderedDict", [ PDict(List(p.Entries |> Seq.map (fun (n, t) -> PString n, PTensor t))) ])

    /// The Params of a pickled state dict (a dict of names to tensors).
    let toParams (file: string) (what: string) (v: PickleValue) =
        match v with
        | PDict entries ->
            entries
            |> Seq.map (fun (k, v) ->
                match k, v with
                | PString n, PTensor t -> n, t
                | PString n, _ ->
                    fail
                        file
                        $"{what}: the entry '{n}' is not a tensor (a state dict holds only tensors; a checkpoint? use Checkpoint.load)."
                | _ -> fail file $"{what}: a key is not a string (a state dict maps names to tensors).")
            |> Seq.toArray
            |> Params
        | _ -> fail file $"{what} is not a dict of names to tensors (a checkpoint? use Checkpoint.load)."

    let private snake (name: string) =
        String.Concat(
            name
            |> Seq.map (fun c ->
                if Char.IsUpper c then
                    "_" + string (Char.ToLowerInvariant c)
                else
                    string c)
        )

    let private camel (name: string) =
        let parts = name.Split '_'

        parts[0]
        + String.Concat(
            parts[1..]
            |> Seq.map (fun p ->
                if p = "" then
                    ""
                else
                    string (Char.ToUpperInvariant p[0]) + p.Substring 1)
        )

    /// An optimizer's state dict as PyTorch's optimizer.state_dict():
    /// {'state': {index: {name: tensor}}, 'param_groups': [{option: value, ..., 'params': [indices]}]},
    /// options with PyTorch's names (weight_decay, betas as a pair).
    let ofOptimizer (state: Map<int, Map<string, Tensor>>) (groups: (Map<string, float> * Map<string, bool> * int list) list) =
        let stateDict =
            PDict(
                List(
                    state
                    |> Seq.map (fun (KeyValue(i, entries)) ->
                        PInt(int64 i), PDict(List(entries |> Seq.map (fun (KeyValue(k, t)) -> PString k, PTensor t))))
                )
            )

        let group (options: Map<string, float>, flags: Map<string, bool>, indices: int list) =
            let entries = List<PickleValue * PickleValue>()

            for KeyValue(k, v) in options do
                if k <> "beta1" && k <> "beta2" then
                    entries.Add((PString(snake k), PFloat v))

            match options.TryFind "beta1", options.TryFind "beta2" with
            | Some b1, Some b2 -> entries.Add((PString "betas", PTuple [ PFloat b1; PFloat b2 ]))
            | Some b, None -> entries.Add((PString "beta1", PFloat b))
            | None, Some b -> entries.Add((PString "beta2", PFloat b))
            | None, None -> ()

            for KeyValue(k, v) in flags do
                entries.Add((PString(snake k), PBool v))

            entries.Add((PString "params", PList(List(indices |> Seq.map (int64 >> PInt)))))
            PDict entries

        PDict(
            List
                [
                    PString "state", stateDict
                    PString "param_groups", PList(List(Seq.map group groups))
                ]
        )

    let private lookup (entries: List<PickleValue * PickleValue>) (key: string) =
        entries
        |> Seq.tryPick (fun (k, v) -> if Pickle.keyEquals k (PString key) then Some v else None)

    /// The inverse of ofOptimizer.
    let toOptimizer (file: string) (v: PickleValue) =
        let bad what =
            fail file $"the optimizer state {what} (expected PyTorch's optimizer.state_dict() layout)."

        match v with
        | PDict top ->
            let state =
                match lookup top "state" with
                | Some(PDict entries) ->
                    entries
                    |> Seq.map (fun (k, v) ->
                        match k with
                        | PInt i when i >= 0L && i <= int64 Int32.MaxValue ->
                            int i,
                            toParams file $"the optimizer state of parameter {i}" v
                            |> Params.toList
                            |> Map.ofList
                        | _ -> bad "has a key in 'state' that is not a parameter index")
                    |> Map.ofSeq
                | _ -> bad "has no dict 'state'"

            let group (g: PickleValue) =
                match g with
                | PDict entries ->
                    let mutable options = Map.empty
                    let mutable flags = Map.empty
                    let mutable indices = None

                    for k, v in entries do
                        match k, v with
                        | PString "params", PList items ->
                            indices <-
                                items
                                |> Seq.map (function
                                    | PInt i when i >= 0L && i <= int64 Int32.MaxValue -> int i
                                    | _ -> bad "lists a parameter that is not an index")
                                |> List.ofSeq
                                |> Some
                        | PString "betas", PTuple [ b1; b2 ] ->
                            let num =
                                function
                                | PFloat f -> f
                                | PInt i -> float i
                                | _ -> bad "has betas that are not numbers"

                            options <- options.Add("beta1", num b1).Add("beta2", num b2)
                        | PString k, PBool b -> flags <- flags.Add(camel k, b)
                        | PString k, PFloat f -> options <- options.Add(camel k, f)
                        | PString k, PInt i -> options <- options.Add(camel k, float i)
                        | PString _, PNone -> ()
                        | PString k, _ -> bad $"has an option '{k}' that is not a number or a flag"
                        | _ -> bad "has a group key that is not a string"

                    match indices with
                    | Some p -> options, flags, p
                    | None -> bad "has a group without 'params'"
                | _ -> bad "has a group that is not a dict"

            let groups =
                match lookup top "param_groups" with
                | Some(PList gs) -> gs |> Seq.map group |> List.ofSeq
                | _ -> bad "has no list 'param_groups'"

            state, groups
        | _ -> bad "is not a dict"

    let lookupIn (entries: List<PickleValue * PickleValue>) (key: string) = lookup entries key

/// Saving and loading named tensors in PyTorch's own file format (what
/// `torch.save(model.state_dict(), path)` writes), so files move between Nabla and PyTorch.
[<RequireQualifiedAccess>]
module StateDict =

    /// Writes the tensors to `path` in PyTorch's format (`torch.load(path)` gives an OrderedDict
    /// of names to tensors). The write is atomic: a temporary file in the same folder, flushed to
    /// disk, renamed over the target; a failed save leaves any previous file as it was.
    let save (path: string) (tensors: Params) =
        if isNull (box tensors) then
            nullArg "tensors"

        TorchFile.write path (StateDictPickle.ofParams tensors)

    /// Reads a file written by `StateDict.save` or by PyTorch's `torch.save(state_dict, path)`.
    /// Only tensors and plain containers are unpickled, never code. A truncated, corrupted or
    /// foreign file raises InvalidDataException naming the file and what is wrong.
    let load (path: string) : Params =
        StateDictPickle.toParams path "the saved value" (TorchFile.read path)
