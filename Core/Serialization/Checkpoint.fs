namespace Nabla

open System.Collections.Generic
open System.IO
open Nabla.NN
open Nabla.Optimizers

/// Whole training checkpoints in PyTorch's file format: a dict
/// {'model': model.state_dict(), 'optimizer': optimizer.state_dict(), 'epoch': n, 'extra': {...}}
/// as PyTorch users write with torch.save, so that training resumes exactly where it stopped.
[<RequireQualifiedAccess>]
module Checkpoint =

    /// Saves the model's and the optimizer's state, the epoch and extra named tensors (e.g. a
    /// random generator's state or the best loss) to `path`, atomically (as StateDict.save).
    let saveWith (path: string) (model: Module) (optimizer: Optimizer) (epoch: int) (extra: Params) =
        if isNull (box model) then
            nullArg "model"

        if isNull (box optimizer) then
            nullArg "optimizer"

        if isNull (box extra) then
            nullArg "extra"

        let o = optimizer.StateDict()
        let groups = o.ParamGroups |> List.map (fun g -> g.Options, g.Flags, g.Parameters)

        let value =
            PDict(
                List
                    [
                        PString "model", StateDictPickle.ofParams (model.StateDict())
                        PString "optimizer", StateDictPickle.ofOptimizer o.State groups
                        PString "epoch", PInt(int64 epoch)
                        PString "extra", StateDictPickle.ofParams extra
                    ]
            )

        TorchFile.write path value

    /// Saves the model's and the optimizer's state and the epoch to `path` (saveWith without extra).
    let save (path: string) (model: Module) (optimizer: Optimizer) (epoch: int) =
        saveWith path model optimizer epoch (Params [||])

    /// Restores the model and the optimizer from a checkpoint written by save/saveWith and returns
    /// the epoch and the extra tensors. The whole file is read and checked before anything
    /// changes; a truncated, corrupted or foreign file raises InvalidDataException naming it.
    let loadWith (path: string) (model: Module) (optimizer: Optimizer) : int * Params =
        if isNull (box model) then
            nullArg "model"

        if isNull (box optimizer) then
            nullArg "optimizer"

        let fail what =
            raise (InvalidDataException $"{path}: {what}")

        match TorchFile.read path with
        | PDict top ->
            let find key =
                match StateDictPickle.lookupIn top key with
                | Some v -> v
                | None -> fail $"not a checkpoint: it has no entry '{key}' (a state dict? use StateDict.load or model.Load)."

            let weights =
                StateDictPickle.toParams path "the checkpoint's 'model'" (find "model")

            let state, groups = StateDictPickle.toOptimizer path (find "optimizer")

            let epoch =
                match find "epoch" with
                | PInt e when e >= int64 System.Int32.MinValue && e <= int64 System.Int32.MaxValue -> int e
                | _ -> fail "the checkpoint's 'epoch' is not an integer."

            let extra =
                match StateDictPickle.lookupIn top "extra" with
                | Some v -> StateDictPickle.toParams path "the checkpoint's 'extra'" v
                | None -> Params [||]

            model.LoadStateDict weights

            optimizer.LoadStateDict
                {
                    State = state
                    ParamGroups =
                        groups
                        |> List.map (fun (o, f, p) ->
                            {
                                Options = o
                                Flags = f
                                Parameters = p
                            })
                }

            epoch, extra
        | _ -> fail "not a checkpoint (the saved value is not a dict)."

    /// Restores the model and the optimizer from a checkpoint and returns the saved epoch.
    let load (path: string) (model: Module) (optimizer: Optimizer) : int = loadWith path model optimizer |> fst
