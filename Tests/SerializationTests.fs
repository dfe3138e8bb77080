/// Saving and loading in PyTorch's format: round trips are the identity (random Params, modules,
/// optimizer state, checkpoints that resume training exactly), files written by PyTorch 1.13
/// (PyTorch/make_torch_files.py) load with PyTorch's values, Nabla's files load in PyTorch,
/// truncated, bit-flipped and foreign files raise InvalidDataException naming the file, and a
/// failed save leaves the previous file intact.
module Nabla.Tests.SerializationTests

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.IO.Compression
open System.Text.Json
open Expecto
open Nabla
open Nabla.NN
open Nabla.Optimizers
open Nabla.Tests.Check

let private folder =
    lazy
        (let d = Path.Combine(Path.GetTempPath(), $"nabla-save-{Guid.NewGuid():N}")
         Directory.CreateDirectory d |> ignore
         d)

let private temp (name: string) = Path.Combine(folder.Value, name)

/// Same dtype, shape and bytes.
let private same (what: string) (expected: Tensor) (actual: Tensor) =
    Expect.equal actual.Dtype expected.Dtype $"{what}: dtype"
    Expect.equal actual.Shape expected.Shape $"{what}: shape"
    Expect.equal (TorchFileKernel.bytesOf actual) (TorchFileKernel.bytesOf expected) $"{what}: values (bytes)"

let private sameParams (expected: Params) (actual: Params) =
    Expect.equal actual.Names expected.Names "the names, in order"

    for (n, e), (_, a) in Array.zip expected.Entries actual.Entries do
        same n e a

let private dtypes =
    [|
        Dtype.Float32
        Dtype.Float64
        Dtype.Float16
        Dtype.BFloat16
        Dtype.Int64
        Dtype.Int32
        Dtype.Int16
        Dtype.Int8
        Dtype.UInt8
        Dtype.Bool
    |]

/// Random named tensors of random shapes (0-d and empty included) and dtypes.
let private randomParams (seed: int) =
    let rng = Random seed

    Params
        [|
            for i in 0 .. rng.Next 6 do
                let shape = Array.init (rng.Next 4) (fun _ -> rng.Next 4)
                let dtype = dtypes[rng.Next dtypes.Length]

                let values =
                    Array.init (Array.fold (*) 1 shape) (fun _ -> Math.Round(rng.NextDouble() * 200.0 - 100.0, 2))

                let t = tensor shape values

                let t =
                    if dtype = Dtype.Bool then
                        Tensor.toDtype dtype (Tensor.gt t (Tensor.scalar 0.0))
                    elif dtype = Dtype.UInt8 then
                        Tensor.toDtype dtype (Tensor.abs t)
                    else
                        Tensor.toDtype dtype t

                $"layer{i}.wéight_{rng.Next 100}", t
        |]

let private reference =
    lazy (JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PyTorch", "torch_files.json"))).RootElement)

let private fixture (name: string) =
    Path.Combine(AppContext.BaseDirectory, "PyTorch", "files", name)

let private dtypeName (d: Dtype) = (string d).ToLowerInvariant()

/// Compares a tensor with PyTorch's {shape, dtype, values}.
let private matchesJson (what: string) (e: JsonElement) (t: Tensor) =
    let shape =
        e.GetProperty("shape").EnumerateArray()
        |> Seq.map (fun x -> x.GetInt32())
        |> Seq.toArray

    Expect.equal t.Shape shape $"{what}: shape"
    Expect.equal (dtypeName t.Dtype) (e.GetProperty("dtype").GetString()) $"{what}: dtype"

    let values =
        e.GetProperty("values").EnumerateArray()
        |> Seq.map (fun x ->
            match x.ValueKind with
            | JsonValueKind.True -> 1.0
            | JsonValueKind.False -> 0.0
            | _ -> x.GetDouble())
        |> Seq.toArray

    Expect.equal (t.ToArray()) values $"{what}: values"

/// A small model and data: full-batch training is deterministic.
let private model () =
    Sequential(Nabla.NN.Linear(3, 4, dtype = Dtype.Float64), Tanh(), Nabla.NN.Linear(4, 2, dtype = Dtype.Float64))

let private data =
    lazy (tensor [| 5; 3 |] (Array.init 15 (fun i -> sin (float i))), tensor [| 5; 2 |] (Array.init 10 (fun i -> cos (float i))))

let private step (m: Module) (opt: Optimizer) =
    let x, y = data.Value
    opt.ZeroGrad()
    (Tensor.mean ((m.Forward x - y) ** 2.0)).Backward()
    opt.Step()

let private valuesOf (m: Module) =
    m.Parameters() |> Seq.collect (fun p -> p.ToArray()) |> Seq.toArray

/// Debian's Python, which has PyTorch 1.13 when python3-torch is installed.
let python = "/usr/bin/python3"

/// Whether /usr/bin/python3 imports torch.
let pythonHasTorch =
    lazy
        (File.Exists python
         && (try
                 use p =
                     Process.Start(ProcessStartInfo(python, "-c \"import torch\"", RedirectStandardError = true))

                 p.WaitForExit()
                 p.ExitCode = 0
             with _ ->
                 false))

/// Runs a Python script with the file as argument; returns its standard output.
let runPython (script: string) (file: string) =
    let psi =
        ProcessStartInfo(python, RedirectStandardOutput = true, RedirectStandardError = true)

    psi.ArgumentList.Add "-c"
    psi.ArgumentList.Add script
    psi.ArgumentList.Add file
    psi.WorkingDirectory <- Path.Combine(AppContext.BaseDirectory, "PyTorch")
    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()
    Expect.equal p.ExitCode 0 $"python failed: {err}"
    out.Result

/// Loading fails with InvalidDataException naming the file (and nothing else escapes).
let private rejects (fragments: string list) (path: string) =
    throwsWith<InvalidDataException> (path :: fragments) (fun () -> StateDict.load path |> ignore)

/// A zip in PyTorch's layout with these records and pickled value.
let private writeArchive (path: string) (value: PickleValue) (storages: (string * byte[]) list) =
    use fs = File.Create path
    use zip = new ZipArchive(fs, ZipArchiveMode.Create)

    let add (name: string) (bytes: byte[]) =
        use s = zip.CreateEntry("archive/" + name).Open()
        s.Write(bytes, 0, bytes.Length)

    add "data.pkl" (Pickle.write (fun _ -> failwith "no tensors") value)

    for k, b in storages do
        add ("data/" + k) b

let private rebuild (kind: string) (key: string) (numel: int64) (offset: int64) (size: int64 list) (stride: int64 list) =
    PCall(
        "torch._utils",
        "_rebuild_tensor_v2",
        [
            PPersistent(
                PTuple
                    [
                        PString "storage"
                        PGlobal("torch", kind)
                        PString key
                        PString "cpu"
                        PInt numel
                    ]
            )
            PInt offset
            PTuple(List.map PInt size)
            PTuple(List.map PInt stride)
            PBool false
            PCall("collections", "OrderedDict", [ PDict(List()) ])
        ]
    )

let private ordered (entries: (string * PickleValue) list) =
    PCall("collections", "OrderedDict", [ PDict(List(entries |> List.map (fun (k, v) -> PString k, v))) ])

let tests =
    testList
        "Serialization"
        [
            testPropertyWithConfig
                { FsCheckConfig.defaultConfig with
                    maxTest = 40
                }
                "save then load is the identity for random Params (shapes incl. 0-d and empty, every dtype)"
            <| fun (seed: int) ->
                let p = randomParams seed
                let path = temp $"random{seed}.pt"
                StateDict.save path p
                sameParams p (StateDict.load path)

            testCase "a module's Save and Load restore every parameter into a fresh module"
            <| fun () ->
                let a, b = model (), model ()
                let path = temp "module.pt"
                a.Save path
                Expect.notEqual (valuesOf b) (valuesOf a) "fresh modules differ"
                b.Load path
                Expect.equal (valuesOf b) (valuesOf a) "after Load"
                Expect.equal (StateDict.load path).Names [| "0.weight"; "0.bias"; "2.weight"; "2.bias" |] "PyTorch's key names"

            testCase "files written by PyTorch 1.13 load with the values PyTorch wrote (every dtype, 0-d, empty, views, shared storage)"
            <| fun () ->
                for file in [ "dtypes.pt"; "views.pt"; "linear.pt" ] do
                    let expected = reference.Value.GetProperty file
                    let loaded = StateDict.load (fixture file)

                    let keys = expected.EnumerateObject() |> Seq.map (fun p -> p.Name) |> Seq.toArray
                    Expect.equal loaded.Names keys $"{file}: keys in order"

                    for KeyValue(k, t) in loaded do
                        matchesJson $"{file}/{k}" (expected.GetProperty k) t

            testCase "PyTorch's Linear(3, 2) state dict loads into Nabla's Linear(3, 2) with Load"
            <| fun () ->
                let lin = Nabla.NN.Linear(3, 2)
                lin.Load(fixture "linear.pt")
                let expected = reference.Value.GetProperty "linear.pt"
                matchesJson "weight" (expected.GetProperty "weight") lin.Weight
                matchesJson "bias" (expected.GetProperty "bias") lin.Bias.Value

            testCase "a file written by Nabla loads in PyTorch with equal values"
            <| fun () ->
                if not pythonHasTorch.Value then
                    skiptest "/usr/bin/python3 with torch is not installed here"

                let p = randomParams 7

                let p =
                    Params(Array.append p.Entries [| "view", Tensor.transpose 0 1 (tensor [| 2; 3 |] [| 1.0 .. 6.0 |]) |])

                let path = temp "for-python.pt"
                StateDict.save path p

                let out =
                    runPython
                        "import sys, json, torch\ndef tensor_json(t):\n    return {'shape': list(t.shape), 'dtype': str(t.dtype).replace('torch.', ''), 'values': t.reshape(-1).tolist()}\nsd = torch.load(sys.argv[1])\nprint(type(sd).__name__)\nprint(json.dumps({k: tensor_json(v) for k, v in sd.items()}))"
                        path

                let lines = out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                Expect.equal lines[0] "OrderedDict" "PyTorch reads an OrderedDict"
                let json = JsonDocument.Parse(lines[1]).RootElement
                Expect.equal (json.EnumerateObject() |> Seq.map (fun x -> x.Name) |> Seq.toArray) p.Names "keys"

                for KeyValue(k, t) in p do
                    matchesJson k (json.GetProperty k) t

            testCase "a checkpoint loads in PyTorch (model.load_state_dict, optimizer.load_state_dict) and PyTorch's next step is Nabla's"
            <| fun () ->
                if not pythonHasTorch.Value then
                    skiptest "/usr/bin/python3 with torch is not installed here"

                let m = model ()
                let opt = Adam(m.Parameters(), lr = 0.01, weightDecay = 0.1)
                step m opt
                step m opt
                let path = temp "ckpt-python.pt"
                Checkpoint.save path m opt 3

                let script =
                    String.Join(
                        "\n",
                        [
                            "import sys, json, torch"
                            "c = torch.load(sys.argv[1])"
                            "net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()"
                            "net.load_state_dict(c['model'])"
                            "opt = torch.optim.Adam(net.parameters())"
                            "opt.load_state_dict(c['optimizer'])"
                            "o = c['optimizer']"
                            "print(c['epoch'], sorted(o['state'][0].keys()), o['param_groups'][0]['betas'], o['param_groups'][0]['weight_decay'], o['param_groups'][0]['params'])"
                            "x = torch.sin(torch.arange(15, dtype=torch.float64)).reshape(5, 3)"
                            "y = torch.cos(torch.arange(10, dtype=torch.float64)).reshape(5, 2)"
                            "opt.zero_grad()"
                            "((net(x) - y) ** 2).mean().backward()"
                            "opt.step()"
                            "print(json.dumps([v for p in net.parameters() for v in p.detach().reshape(-1).tolist()]))"
                        ]
                    )

                let lines =
                    (runPython script path).Split('\n', StringSplitOptions.RemoveEmptyEntries)

                Expect.equal lines[0] "3 ['exp_avg', 'exp_avg_sq', 'step'] (0.9, 0.999) 0.1 [0, 1, 2, 3]" "PyTorch's view"
                step m opt
                let torchNext = JsonSerializer.Deserialize<float[]> lines[1]
                closeWith 1e-12 1e-10 "the next step in PyTorch and in Nabla" (valuesOf m) torchNext

            testCase "an optimizer's Save and Load resume the same trajectory"
            <| fun () ->
                let m = model ()
                let opt = Adam(m.Parameters(), lr = 0.05, amsgrad = true)

                for _ in 1..3 do
                    step m opt

                let mPath, oPath = temp "traj-model.pt", temp "traj-adam.pt"
                m.Save mPath
                opt.Save oPath

                for _ in 1..4 do
                    step m opt

                let m2 = model ()
                let opt2 = Adam(m2.Parameters(), lr = 0.5)
                m2.Load mPath
                opt2.Load oPath
                Expect.equal (opt2.ParamGroups[0].Lr) 0.05 "the learning rate comes back"

                for _ in 1..4 do
                    step m2 opt2

                Expect.equal (valuesOf m2) (valuesOf m) "the resumed trajectory is the same, exactly"

            testCase "a checkpoint resumes training exactly as uninterrupted training, with its epoch and extra tensors"
            <| fun () ->
                let straight = model ()

                let start =
                    straight.StateDict() |> Params.map (fun t -> tensor t.Shape (t.ToArray()))

                let opt = SGD(straight.Parameters(), lr = 0.1, momentum = 0.9, nesterov = true)

                for _ in 1..10 do
                    step straight opt

                let first = model ()
                first.LoadStateDict start
                let opt1 = SGD(first.Parameters(), lr = 0.1, momentum = 0.9, nesterov = true)

                for _ in 1..6 do
                    step first opt1

                let path = temp "checkpoint.pt"
                let extra = Params [| "best", Tensor.scalar 0.25 |]
                Checkpoint.saveWith path first opt1 6 extra

                let resumed = model ()
                let opt2 = SGD(resumed.Parameters(), lr = 0.1, momentum = 0.9, nesterov = true)
                let epoch, extra2 = Checkpoint.loadWith path resumed opt2
                Expect.equal epoch 6 "the epoch"
                sameParams extra extra2
                Expect.equal (Checkpoint.load path (model ()) (SGD((model ()).Parameters(), lr = 0.1))) 6 "load returns the epoch"

                for _ in 7..10 do
                    step resumed opt2

                Expect.equal (valuesOf resumed) (valuesOf straight) "resumed = uninterrupted, exactly"

            testCase "every truncation of a file raises InvalidDataException naming the file"
            <| fun () ->
                let path = temp "whole.pt"
                StateDict.save path (Params [| "w", tensor [| 2; 2 |] [| 1.0; 2.0; 3.0; 4.0 |]; "n", Tensor.scalar 5.0 |])
                let bytes = File.ReadAllBytes path
                let cut = temp "cut.pt"

                for n in 0 .. bytes.Length - 1 do
                    File.WriteAllBytes(cut, bytes[.. n - 1])
                    rejects [] cut

            testCase "every corrupted byte raises InvalidDataException naming the file, or loads the same values"
            <| fun () ->
                let path = temp "flip-source.pt"
                let p = Params [| "w", tensor [| 2; 2 |] [| 1.0; 2.0; 3.0; 4.0 |] |]
                StateDict.save path p
                let bytes = File.ReadAllBytes path
                let flipped = temp "flipped.pt"
                let mutable rejected = 0

                for i in 0 .. bytes.Length - 1 do
                    for mask in [ 0x01uy; 0x80uy; 0xFFuy ] do
                        let b = Array.copy bytes
                        b[i] <- b[i] ^^^ mask
                        File.WriteAllBytes(flipped, b)

                        try
                            // only bytes that hold no data (timestamps, attributes) may change harmlessly
                            sameParams p (StateDict.load flipped)
                        with :? InvalidDataException as e ->
                            Expect.stringContains e.Message flipped "the message names the file"
                            rejected <- rejected + 1

                // every byte of the pickle and of the storage is checked (CRC)
                Expect.isGreaterThan rejected (bytes.Length * 3 / 2) "most corruptions are found"

            testCase "every corrupted byte of a pickle behind a valid checksum raises InvalidDataException or loads"
            <| fun () ->
                let source = temp "pickle-source.pt"

                StateDict.save
                    source
                    (Params
                        [|
                            "w", tensor [| 2; 3 |] [| 1.0 .. 6.0 |]
                            "n", Tensor.toDtype Dtype.Int64 (Tensor.scalar 5.0)
                        |])

                let pkl, storages =
                    use z = ZipFile.OpenRead source

                    let read (e: ZipArchiveEntry) =
                        use s = e.Open()
                        use ms = new MemoryStream()
                        s.CopyTo ms
                        ms.ToArray()

                    let entries =
                        z.Entries |> Seq.map (fun e -> e.FullName.Substring 8, read e) |> Seq.toList

                    snd (entries |> List.find (fun (n, _) -> n = "data.pkl")),
                    entries
                    |> List.filter (fun (n, _) -> n.StartsWith "data/")
                    |> List.map (fun (n, b) -> n.Substring 5, b)

                let path = temp "pickle-mutated.pt"

                for i in 0 .. pkl.Length - 1 do
                    for mask in [ 0x01uy; 0x10uy; 0x80uy; 0xFFuy ] do
                        let b = Array.copy pkl
                        b[i] <- b[i] ^^^ mask

                        do
                            use fs = File.Create path
                            use zip = new ZipArchive(fs, ZipArchiveMode.Create)

                            for name, bytes in ("data.pkl", b) :: (storages |> List.map (fun (k, v) -> "data/" + k, v)) do
                                use s = zip.CreateEntry("archive/" + name).Open()
                                s.Write(bytes, 0, bytes.Length)

                        try
                            StateDict.load path |> ignore
                        with :? InvalidDataException as e ->
                            Expect.stringContains e.Message path "the message names the file"

            testCase "a stride-0 view claiming far more elements than its storage is refused"
            <| fun () ->
                let path = temp "huge-view.pt"

                writeArchive path (ordered [ "w", rebuild "FloatStorage" "0" 1L 0L [ 1L <<< 40 ] [ 0L ] ]) [ "0", Array.zeroCreate 4 ]

                rejects [ "1099511627776 elements" ] path

            testCase "empty, text, non-PyTorch zip and missing files give clear errors"
            <| fun () ->
                let empty = temp "empty.pt"
                File.WriteAllBytes(empty, [||])
                rejects [ "empty" ] empty
                let text = temp "text.pt"
                File.WriteAllText(text, "weights: 1 2 3\n")
                rejects [ "not a zip" ] text
                let zip = temp "other.zip"

                do
                    use z = ZipFile.Open(zip, ZipArchiveMode.Create)
                    use s = z.CreateEntry("archive/readme.txt").Open()
                    s.Write("hello"B, 0, 5)

                rejects [ "no data.pkl" ] zip
                throwsWith<FileNotFoundException> [ "nope.pt" ] (fun () -> StateDict.load (temp "nope.pt") |> ignore)

            testCase "a pickle naming a global outside the allowed list is refused, naming the global"
            <| fun () ->
                let path = temp "evil.pt"
                writeArchive path (PCall("os", "system", [ PString "echo hacked" ])) []
                rejects [ "os.system"; "does not load" ] path
                writeArchive path (ordered [ "w", PCall("builtins", "eval", [ PString "1" ]) ]) []
                rejects [ "builtins.eval" ] path

            testCase "storages are checked against shapes, strides and offsets before any tensor is built"
            <| fun () ->
                let path = temp "sizes.pt"
                let floats n = Array.zeroCreate<byte>(4 * n)
                writeArchive path (ordered [ "w", rebuild "FloatStorage" "0" 6L 0L [ 2L; 4L ] [ 4L; 1L ] ]) [ "0", floats 6 ]
                rejects [ "reaches element 7"; "6 elements" ] path
                writeArchive path (ordered [ "w", rebuild "FloatStorage" "0" 6L 3L [ 2L; 2L ] [ 1L; 2L ] ]) [ "0", floats 6 ]
                rejects [ "offset 3" ] path
                writeArchive path (ordered [ "w", rebuild "FloatStorage" "0" 6L 0L [ 2L ] [ 1L ] ]) [ "0", floats 5 ]
                rejects [ "20 bytes"; "need 24" ] path
                writeArchive path (ordered [ "w", rebuild "FloatStorage" "1" 6L 0L [ 2L ] [ 1L ] ]) [ "0", floats 6 ]
                rejects [ "data/1"; "missing" ] path
                writeArchive path (ordered [ "w", rebuild "FloatStorage" "0" 6L -1L [ 2L ] [ 1L ] ]) [ "0", floats 6 ]
                rejects [ "negative" ] path
                writeArchive path (ordered [ "w", PInt 3L ]) []
                rejects [ "'w' is not a tensor" ] path
                // a valid strided view with an offset loads
                writeArchive
                    path
                    (ordered [ "w", rebuild "FloatStorage" "0" 2L 1L [ 1L ] [ 1L ] ])
                    [ "0", BitConverter.GetBytes 1.5f |> Array.append (BitConverter.GetBytes 0.5f) ]

                let loaded = StateDict.load path
                Expect.equal (loaded["w"].ToArray()) [| 1.5 |] "offset 1"

            testCase "a checkpoint is not a state dict, and a state dict is not a checkpoint: both errors say so"
            <| fun () ->
                let m = model ()
                let opt = SGD(m.Parameters(), lr = 0.1)
                let ck, sd = temp "ck.pt", temp "sd.pt"
                Checkpoint.save ck m opt 1
                m.Save sd
                rejects [ "Checkpoint.load" ] ck
                throwsWith<InvalidDataException> [ sd; "not a checkpoint" ] (fun () -> Checkpoint.load sd m opt |> ignore)

            testCase "a save that throws midway leaves the previous file byte-identical and no temporary file"
            <| fun () ->
                let dir = Path.Combine(folder.Value, "atomic")
                Directory.CreateDirectory dir |> ignore
                let path = Path.Combine(dir, "model.pt")
                StateDict.save path (Params [| "w", Tensor.scalar 1.0 |])
                let before = File.ReadAllBytes path
                TorchFile.midWriteHooks[Path.GetFullPath path] <- fun () -> raise (IOException "disk full (simulated)")

                try
                    throwsWith<IOException> [ "disk full" ] (fun () -> StateDict.save path (Params [| "w", Tensor.scalar 2.0 |]))
                finally
                    TorchFile.midWriteHooks.TryRemove(Path.GetFullPath path) |> ignore

                Expect.equal (File.ReadAllBytes path) before "the old file is intact"
                Expect.equal (Directory.GetFiles dir) [| path |] "no temporary file is left"
                StateDict.save path (Params [| "w", Tensor.scalar 2.0 |])
                let loaded = StateDict.load path
                Expect.equal (loaded["w"].ToScalar()) 2.0 "a later save replaces it"
        ]
