module Nabla.Tests.DataTests

open System
open System.IO
open System.IO.Compression
open Expecto
open Nabla
open Nabla.Data

/// Sample ids 0 .. n-1 (int64) and targets 2·id (float64), to check that pairs stay together.
let private idData (n: int) =
    let ids = Tensor.ofArray (Array.init n int64)
    let ys = Tensor.ofArray (Array.init n (fun i -> 2.0 * float i))
    ids, ys

let private ints (t: Tensor) = t.ToArray<int64>() |> Array.map int

/// The batches of one epoch as arrays of ids, checking each y is 2·id.
let private epochIds (loader: DataLoader<Tensor * Tensor>) =
    [
        for x, y in loader do
            let ids = ints x
            Expect.equal (y.ToArray()) (ids |> Array.map (fun i -> 2.0 * float i)) "each target stays with its input"
            ids
    ]

let private order (loader: DataLoader<Tensor * Tensor>) = epochIds loader |> Array.concat

let private residentBytes () =
    File.ReadAllLines "/proc/self/status"
    |> Array.pick (fun l ->
        if l.StartsWith "VmRSS:" then
            Some(int64 (l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024L)
        else
            None)

let private tempFile (name: string) =
    Path.Combine(Path.GetTempPath(), $"nabla-data-{Guid.NewGuid():N}-{name}")

let private throwsWith<'E when 'E :> exn> (parts: string list) (f: unit -> unit) =
    try
        f ()
        failtest "no exception"
    with
    | :? 'E as e ->
        for p in parts do
            Expect.stringContains e.Message p "the message"
    | e -> failtestf "expected %s, got %s: %s" typeof<'E>.Name (e.GetType().Name) e.Message

/// Tests/PyTorch/reference_data.json (made by reference_data.py).
let private reference =
    lazy
        (Text.Json.JsonDocument
            .Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PyTorch", "reference_data.json")))
            .RootElement)

let private intLists (name: string) : int[][] =
    [|
        for l in reference.Value.GetProperty(name).EnumerateArray() do
            [| for v in l.EnumerateArray() -> v.GetInt32() |]
    |]

let private intListLists (name: string) : int[][][] =
    [|
        for e in reference.Value.GetProperty(name).EnumerateArray() do
            [|
                for l in e.EnumerateArray() do
                    [| for v in l.EnumerateArray() -> v.GetInt32() |]
            |]
    |]

let private ints1 (name: string) : int[] =
    [|
        for v in reference.Value.GetProperty(name).EnumerateArray() -> v.GetInt32()
    |]

let parityTests =
    testList
        "PyTorch orders"
        [
            for name, n, seed, fractions in
                [
                    "split_20_0.7_0.3_seed42", 20, 42, [ 0.7; 0.3 ]
                    "split_10_0.25_0.25_0.5_seed3", 10, 3, [ 0.25; 0.25; 0.5 ]
                    "split_1797_0.8_0.2_seed0", 1797, 0, [ 0.8; 0.2 ]
                ] do
                testCase $"randomSplit = PyTorch's random_split with a seeded generator ({name})"
                <| fun () ->
                    let parts = Dataset.randomSplit seed fractions (Dataset.ofArray [| 0 .. n - 1 |])
                    Expect.equal (parts |> Array.map (fun p -> p.Indices)) (intLists name) "subsets"

            testCase "randomSplitCounts = PyTorch's random_split with sizes"
            <| fun () ->
                let parts = Dataset.randomSplitCounts 1 [ 5; 7 ] (Dataset.ofArray [| 0..11 |])
                Expect.equal (parts |> Array.map (fun p -> p.Indices)) (intLists "split_12_5_7_seed1") "subsets"

            for dropLast in [ false; true ] do
                testCase
                    $"seed = s and generator = Random.generator s give PyTorch's orders with generator=Generator().manual_seed(s) (dropLast {dropLast})"
                <| fun () ->
                    let expected = intListLists $"loader_generator7_droplast_{dropLast}"
                    let ids = TensorDataset.Of(Tensor.ofArray (Array.init 23 int64))

                    let epochs (l: DataLoader<Tensor>) =
                        [| for _ in 1..3 -> [| for b in l -> ints b |] |]

                    let bySeed =
                        DataLoader(ids, batchSize = 5, shuffle = true, seed = 7, dropLast = dropLast)

                    Expect.equal (epochs bySeed) expected "seed = 7"
                    use g = Random.generator 7

                    let byGenerator =
                        DataLoader(ids, batchSize = 5, shuffle = true, generator = g, dropLast = dropLast)

                    Expect.equal (epochs byGenerator) expected "generator = Random.generator 7"

            testCase "the global generator: Random.seed gives torch.manual_seed's orders and leaves it where PyTorch does"
            <| fun () ->
                let ids = TensorDataset.Of(Tensor.ofArray (Array.init 23 int64))

                let epochs (l: DataLoader<Tensor>) =
                    [| for _ in 1..2 -> [| for b in l -> ints b |] |]

                let after () =
                    ints (Tensor.Randint(0L, 1000L, [| 3 |]))

                Random.seed 5
                Expect.equal (epochs (DataLoader(ids, batchSize = 5, shuffle = true))) (intListLists "loader_global5_shuffled") "shuffled"
                Expect.equal (after ()) (ints1 "loader_global5_shuffled_then_randint") "the global generator afterwards"
                Random.seed 5
                Expect.equal (epochs (DataLoader(ids, batchSize = 5))) (intListLists "loader_global5_sequential") "sequential"
                Expect.equal (after ()) (ints1 "loader_global5_sequential_then_randint") "one draw per epoch, as PyTorch"
        ]

let loaderTests =
    testList
        "DataLoader"
        [
            for shuffle in [ false; true ] do
                for dropLast in [ false; true ] do
                    for prefetch in [ false; true ] do
                        testCase $"every sample once per epoch (shuffle {shuffle}, dropLast {dropLast}, prefetch {prefetch})"
                        <| fun () ->
                            let xs, ys = idData 103

                            let loader =
                                DataLoader(
                                    TensorDataset(xs, ys),
                                    batchSize = 10,
                                    shuffle = shuffle,
                                    seed = 1,
                                    dropLast = dropLast,
                                    prefetch = prefetch
                                )

                            Expect.equal loader.Count (if dropLast then 10 else 11) "batches per epoch"

                            for _ in 1..3 do
                                let batches = epochIds loader
                                Expect.equal batches.Length loader.Count "batches seen"

                                let sizes = batches |> List.map Array.length

                                let expected =
                                    if dropLast then
                                        List.replicate 10 10
                                    else
                                        List.replicate 10 10 @ [ 3 ]

                                Expect.equal sizes expected "batch sizes (the last one 103 mod 10 = 3)"
                                let all = Array.concat batches

                                if dropLast then
                                    Expect.equal (Array.distinct all).Length 100 "100 distinct samples"
                                    Expect.isTrue (all |> Array.forall (fun i -> i >= 0 && i < 103)) "ids in range"
                                else
                                    Expect.equal (Array.sort all) [| 0..102 |] "every sample exactly once"

                                if not shuffle then
                                    Expect.equal all [| 0 .. all.Length - 1 |] "in order without shuffle"

            testCase "the F# surface: for x, y in DataLoader(TensorDataset(xs, ys), batchSize = 64, shuffle = true, seed = 42)"
            <| fun () ->
                let xs = Tensor.Randn [| 200; 3 |]
                let ys = Tensor.Randn [| 200 |]
                let mutable n = 0

                for x, y in DataLoader(TensorDataset(xs, ys), batchSize = 64, shuffle = true, seed = 42) do
                    Expect.equal x.Shape.[1] 3 "x batch width"
                    Expect.equal x.Shape.[0] y.Shape.[0] "x and y batch sizes"
                    Expect.equal x.Dtype Dtype.Float32 "dtype kept"
                    n <- n + x.Shape.[0]

                Expect.equal n 200 "samples"

            testCase "same seed gives the same order; other seeds and other epochs give others"
            <| fun () ->
                let xs, ys = idData 50

                let make seed =
                    DataLoader(TensorDataset(xs, ys), batchSize = 7, shuffle = true, seed = seed)

                let a, b, c = make 42, make 42, make 43
                let a0, a1 = order a, order a
                let b0, b1 = order b, order b
                Expect.equal a0 b0 "epoch 0, same seed"
                Expect.equal a1 b1 "epoch 1, same seed"
                Expect.notEqual a0 a1 "epochs differ"
                Expect.notEqual a0 (order c) "seeds differ"
                Expect.notEqual a0 [| 0..49 |] "shuffled"
                b.Epoch <- 1
                Expect.equal (order b) a1 "setting Epoch replays that epoch"
                Expect.equal b.Epoch 2 "the epoch advances"

            testCase "a generator: same start gives the same sequence of epochs, and it advances"
            <| fun () ->
                let xs, ys = idData 40
                use g1 = Random.generator 5
                use g2 = Random.generator 5

                let l1 =
                    DataLoader(TensorDataset(xs, ys), batchSize = 8, shuffle = true, generator = g1)

                let l2 =
                    DataLoader(TensorDataset(xs, ys), batchSize = 8, shuffle = true, generator = g2)

                let e0, e1 = order l1, order l1
                Expect.equal (order l2) e0 "epoch 0"
                Expect.equal (order l2) e1 "epoch 1"
                Expect.notEqual e0 e1 "the generator advances between epochs"
                Expect.equal (Array.sort e0) [| 0..39 |] "a permutation"
                // a generator re-seeded gives epoch 0 again (PyTorch's generator semantics)
                g1.Seed 5L |> ignore
                Expect.equal (order l1) e0 "re-seeded"

            testCase "without seed or generator the global generator orders (Random.seed)"
            <| fun () ->
                let xs, ys = idData 40
                let l = DataLoader(TensorDataset(xs, ys), batchSize = 8, shuffle = true)
                Random.seed 11
                let a = order l
                Random.seed 11
                Expect.equal (order l) a "same global seed"

            testCase "seed and generator together are refused"
            <| fun () ->
                let xs, ys = idData 4
                use g = Random.generator 1

                throwsWith<ArgumentException> [ "DataLoader:"; "seed" ] (fun () ->
                    DataLoader(TensorDataset(xs, ys), shuffle = true, seed = 1, generator = g)
                    |> ignore)

                throwsWith<ArgumentException> [ "DataLoader:"; "batchSize"; "0" ] (fun () ->
                    DataLoader(TensorDataset(xs, ys), batchSize = 0) |> ignore)

            testCase "prefetch gives the same batches as no prefetch"
            <| fun () ->
                let xs = Tensor.Randn [| 37; 4 |]
                let ys = Tensor.Randn [| 37; 2 |]

                let batches prefetch =
                    [
                        for x, y in DataLoader(TensorDataset(xs, ys), batchSize = 5, shuffle = true, seed = 3, prefetch = prefetch) do
                            x.ToArray(), y.ToArray()
                    ]

                Expect.equal (batches true) (batches false) "same batches"

            testCase "a collate function makes the batches (WithCollate)"
            <| fun () ->
                let ds = Dataset.init 10 (fun i -> i, string i)

                let batches =
                    [
                        for b in
                            DataLoader(
                                ds.WithCollate(fun samples -> samples |> Array.sumBy fst, samples |> Array.map snd |> String.concat ""),
                                batchSize = 4
                            ) do
                            b
                    ]

                Expect.equal batches [ (6, "0123"); (22, "4567"); (17, "89") ] "sums and concatenations"

            testCase "the default collate stacks tensor samples of any arity like the tensor fast path"
            <| fun () ->
                let a = Tensor.Randn [| 9; 2 |]
                let b = Tensor.Randn [| 9 |]
                let c = Tensor.ofArray (Array.init 9 int64)
                // a custom data set of triples: default collate (stacking samples)
                let custom = Dataset.init 9 (fun i -> a[i], b[i], c[i])
                let fast = TensorDataset.Of(a, b, c)
                let arrays = TensorDataset.Of [| a; b; c |]

                let flat (x: Tensor, y: Tensor, z: Tensor) = x.ToArray(), y.ToArray(), z.ToArray()

                let viaCustom =
                    [
                        for t in DataLoader(custom, batchSize = 4, shuffle = true, seed = 9) -> flat t
                    ]

                let viaFast =
                    [ for t in DataLoader(fast, batchSize = 4, shuffle = true, seed = 9) -> flat t ]

                let viaArrays =
                    [
                        for t in DataLoader(arrays, batchSize = 4, shuffle = true, seed = 9) -> flat (t[0], t[1], t[2])
                    ]

                Expect.equal viaCustom viaFast "custom data set = tensor data set"
                Expect.equal viaArrays viaFast "Tensor[] form = tuple form"
                let single = [ for x in DataLoader(TensorDataset.Of a, batchSize = 9) -> x.Shape ]
                Expect.equal single [ [| 9; 2 |] ] "one tensor"

            testCase "samples that are not tensors need a collate function"
            <| fun () ->
                let ds = Dataset.init 3 id

                throwsWith<InvalidOperationException> [ "Collate.stack:"; "Int32"; "collate" ] (fun () ->
                    for _ in DataLoader(ds, batchSize = 2, prefetch = false) do
                        ())

            for prefetch in [ false; true ] do
                testCase $"an exception from the data set reaches the caller at its batch (prefetch {prefetch})"
                <| fun () ->
                    let ds =
                        Dataset.init 20 (fun i ->
                            if i = 13 then
                                raise (InvalidDataException "sample 13 is corrupt")

                            Tensor.ofArray [| float i |])

                    let seen = ResizeArray()

                    try
                        for x in DataLoader(ds, batchSize = 5, prefetch = prefetch) do
                            seen.Add(x.Shape[0])

                        failtest "no exception"
                    with :? InvalidDataException as e ->
                        Expect.equal e.Message "sample 13 is corrupt" "the data set's own exception"

                    Expect.equal (List.ofSeq seen) [ 5; 5 ] "the batches before the bad one were delivered"

            testCase "leaving a loop early waits for the batch being made"
            <| fun () ->
                let made = ref 0

                let ds =
                    Dataset.init 100 (fun i ->
                        Threading.Interlocked.Increment(&made.contents) |> ignore
                        Tensor.ofArray [| float i |])

                let before = made.Value

                (use e =
                    (DataLoader(ds, batchSize = 10) :> Collections.Generic.IEnumerable<Tensor>).GetEnumerator()

                 e.MoveNext() |> ignore)

                Threading.Thread.Sleep 50
                Expect.equal (made.Value - before) 20 "batch 0 and the prefetched batch 1, nothing after disposal"

            testCase "an empty data set gives no batches"
            <| fun () ->
                let l =
                    DataLoader(Dataset.init 0 (fun _ -> Tensor.zeros [| 1 |]), batchSize = 3, shuffle = true, seed = 1)

                Expect.equal l.Count 0 "no batches"
                Expect.isEmpty (List.ofSeq l) "nothing"
        ]

let datasetTests =
    testList
        "Dataset"
        [
            testCase "TensorDataset refuses tensors of different first sizes, naming the shapes"
            <| fun () ->
                throwsWith<ArgumentException> [ "TensorDataset:"; "[3, 2]"; "[4]" ] (fun () ->
                    TensorDataset(Tensor.zeros [| 3; 2 |], Tensor.zeros [| 4 |]) |> ignore)

                throwsWith<ArgumentException> [ "TensorDataset:"; "0-d" ] (fun () -> TensorDataset.Of(Tensor.scalar 1.0) |> ignore)

            testCase "TensorDataset items are rows"
            <| fun () ->
                let xs, ys = idData 5
                let ds = TensorDataset(xs, ys)
                Expect.equal ds.Count 5 "count"
                let x, y = ds[3]
                Expect.equal (x.ToScalar(), y.ToScalar()) (3.0, 6.0) "row 3"

                throwsWith<ArgumentOutOfRangeException> [ "TensorDataset:"; "5" ] (fun () -> ds[5] |> ignore)

            testCase "Subset selects and maps batches through the data set"
            <| fun () ->
                let xs, ys = idData 10
                let sub = Subset(TensorDataset(xs, ys), [| 7; 2; 9 |])
                Expect.equal sub.Count 3 "count"
                Expect.equal ((fst sub[1]).ToScalar()) 2.0 "item 1 is sample 2"
                let x, _ = sub.GetBatch [| 2; 0 |]
                Expect.equal (ints x) [| 9; 7 |] "batch"
                Expect.equal (order (DataLoader(sub, batchSize = 2))) [| 7; 2; 9 |] "loader over a subset"

                throwsWith<ArgumentOutOfRangeException> [ "Subset:"; "10"; "10 samples" ] (fun () ->
                    Subset(TensorDataset(xs, ys), [| 10 |]) |> ignore)

            testCase "ConcatDataset joins data sets"
            <| fun () ->
                let c =
                    ConcatDataset [ Dataset.ofArray [| 1; 2 |]; Dataset.ofArray [||]; Dataset.ofArray [| 3 |] ]

                Expect.equal c.Count 3 "count"
                Expect.equal [ for i in 0..2 -> c[i] ] [ 1; 2; 3 ] "items"

            testCase "randomSplit: PyTorch's sizes (floor, then the remainder round-robin)"
            <| fun () ->
                // 1797·0.8 = 1437.6, 1797·0.2 = 359.4: floors 1437 + 359 = 1796, one left for the first
                Expect.equal (Dataset.splitSizes 1797 [ 0.8; 0.2 ]) [| 1438; 359 |] "digits 80/20"
                // 10·(0.25, 0.25, 0.5) = 2.5, 2.5, 5: floors 2, 2, 5, one left for the first
                Expect.equal (Dataset.splitSizes 10 [ 0.25; 0.25; 0.5 ]) [| 3; 2; 5 |] "quarters"
                // 5 / 3 each: floors 1, 1, 1; two left, for the first two
                Expect.equal (Dataset.splitSizes 5 [ 1.0 / 3.0; 1.0 / 3.0; 1.0 / 3.0 ]) [| 2; 2; 1 |] "thirds"

                throwsWith<ArgumentException> [ "Dataset.randomSplit:"; "add up to 1" ] (fun () ->
                    Dataset.splitSizes 10 [ 0.5; 0.6 ] |> ignore)

            testCase "randomSplit: disjoint, covering, deterministic by seed"
            <| fun () ->
                let ds = Dataset.ofArray [| 0..99 |]
                let parts = Dataset.randomSplit 42 [ 0.7; 0.3 ] ds
                Expect.equal (parts |> Array.map (fun p -> p.Count)) [| 70; 30 |] "sizes"
                let items (p: Subset<int>) = [| for i in 0 .. p.Count - 1 -> p[i] |]
                let all = parts |> Array.collect items
                Expect.equal (Array.sort all) [| 0..99 |] "disjoint and covering"
                let again = Dataset.randomSplit 42 [ 0.7; 0.3 ] ds
                Expect.equal (again |> Array.map items) (parts |> Array.map items) "same seed, same split"
                let other = Dataset.randomSplit 43 [ 0.7; 0.3 ] ds
                Expect.notEqual (items other[0]) (items parts[0]) "another seed, another split"
                Expect.notEqual (items parts[0]) [| 0..69 |] "shuffled"
                let counts = Dataset.randomSplitCounts 1 [ 10; 90 ] ds
                Expect.equal (counts |> Array.map (fun p -> p.Count)) [| 10; 90 |] "by counts"

                throwsWith<ArgumentException> [ "Dataset.randomSplit:"; "add up to 99"; "100 samples" ] (fun () ->
                    Dataset.randomSplitCounts 1 [ 9; 90 ] ds |> ignore)
        ]

let csvTests =
    testList
        "Csv"
        [
            testCase "round trip: header, delimiter, label column, dtypes"
            <| fun () ->
                let path = tempFile "a.csv"

                File.WriteAllLines(path, [| "a; b; label; c"; "1.5; 2; 0; -3e2"; ""; "4; 5.25; 2; 6" |])

                try
                    let all = Csv.load (path, header = true, delimiter = ';', dtype = Dtype.Float64)
                    Expect.equal all.Shape [| 2; 4 |] "shape"
                    Expect.equal (all.ToArray()) [| 1.5; 2.0; 0.0; -300.0; 4.0; 5.25; 2.0; 6.0 |] "values (the blank line skipped)"
                    Expect.equal (Csv.load (path, header = true, delimiter = ';')).Dtype Dtype.Float32 "float32 by default"
                    let x, y = Csv.loadLabelled (path, 2, header = true, delimiter = ';')
                    Expect.equal x.Shape [| 2; 3 |] "features"
                    Expect.equal (x.ToArray()) [| 1.5; 2.0; -300.0; 4.0; 5.25; 6.0 |] "features without the label"
                    Expect.equal y.Dtype Dtype.Int64 "labels int64"
                    Expect.equal (ints y) [| 0; 2 |] "labels"
                    let x2, y2 = Csv.loadLabelled (path, [| -1; 0 |], header = true, delimiter = ';')
                    Expect.equal (y2.Shape, y2.ToArray()) ([| 2; 2 |], [| -300.0; 1.5; 6.0; 4.0 |]) "two label columns, in order"
                    Expect.equal (x2.ToArray()) [| 2.0; 0.0; 5.25; 2.0 |] "the rest"
                    Expect.equal (Csv.header (path, delimiter = ';')) [| "a"; "b"; "label"; "c" |] "header"
                finally
                    File.Delete path

            testCase "a gzip-compressed file (.csv.gz)"
            <| fun () ->
                let path = tempFile "b.csv.gz"

                do
                    use f = File.Create path
                    use z = new GZipStream(f, CompressionLevel.Optimal)
                    use w = new StreamWriter(z)
                    w.Write "1,2\n3,4\n5,6\n"

                try
                    let t = Csv.load path
                    Expect.equal (t.Shape, t.ToArray()) ([| 3; 2 |], [| 1.0 .. 6.0 |]) "values"
                finally
                    File.Delete path

            testCase "malformed input: errors name the file, line and column"
            <| fun () ->
                let path = tempFile "bad.csv"

                try
                    File.WriteAllLines(path, [| "1,2,3"; "4,x5,6" |])
                    let name = Path.GetFileName path

                    throwsWith<InvalidOperationException> [ "Csv.load:"; name; "line 2, column 2"; "'x5' is not a number" ] (fun () ->
                        Csv.load path |> ignore)

                    File.WriteAllLines(path, [| "1,2,3"; ""; "4,5" |])

                    throwsWith<InvalidOperationException> [ "Csv.load:"; name; "line 3"; "2 columns"; "line 1 has 3" ] (fun () ->
                        Csv.load path |> ignore)

                    File.WriteAllLines(path, [| "1,,3" |])
                    throwsWith<InvalidOperationException> [ "line 1, column 2"; "empty" ] (fun () -> Csv.load path |> ignore)
                    File.WriteAllLines(path, [| "a,b"; "1,2" |])
                    throwsWith<InvalidOperationException> [ "line 1, column 1"; "'a'"; "header = true" ] (fun () -> Csv.load path |> ignore)
                    File.WriteAllLines(path, [| "1,2.5"; "3,4" |])

                    throwsWith<InvalidOperationException> [ "Csv.loadLabelled:"; "line 1, column 2"; "2.5"; "int64" ] (fun () ->
                        Csv.loadLabelled (path, -1) |> ignore)

                    throwsWith<ArgumentException> [ "Csv.loadLabelled:"; "2 columns"; "column 5" ] (fun () ->
                        Csv.loadLabelled (path, 5) |> ignore)

                    throwsWith<FileNotFoundException> [ "Csv.load:"; "nope.csv" ] (fun () -> Csv.load "nope.csv" |> ignore)
                finally
                    File.Delete path
        ]

/// The repository's data folder (the tests run from Tests/bin/...).
let private dataFile (name: string) =
    let rec up (d: DirectoryInfo) =
        if isNull d then
            failwith "data/ not found above the test program"
        elif File.Exists(Path.Combine(d.FullName, "data", name)) then
            Path.Combine(d.FullName, "data", name)
        else
            up d.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

let datasetsTests =
    testList
        "Datasets"
        [
            testCase "digits: 1797 images of 64 pixels in 0 .. 16, labels with the file's class counts"
            <| fun () ->
                let images, labels = Datasets.digits ()
                Expect.equal (images.Shape, images.Dtype) ([| 1797; 64 |], Dtype.Float32) "images"
                Expect.equal (labels.Shape, labels.Dtype) ([| 1797 |], Dtype.Int64) "labels"
                let px = images.ToArray()
                Expect.equal (Array.min px, Array.max px) (0.0, 16.0) "pixel range"
                Expect.isTrue (px |> Array.forall (fun v -> v = floor v)) "integer counts"
                // the reference: the last cell of each line of the data file, read without Nabla
                let lines =
                    use f = File.OpenRead(dataFile "digits.csv.gz")
                    use z = new GZipStream(f, CompressionMode.Decompress)
                    use r = new StreamReader(z)
                    r.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)

                let expected =
                    lines
                    |> Array.map (fun l -> int (l.Split(',') |> Array.last))
                    |> Array.countBy id
                    |> Array.sort

                let actual = ints labels |> Array.countBy id |> Array.sort
                Expect.equal actual expected "class counts"
                Expect.equal (Array.map fst actual) [| 0..9 |] "ten digits"
                Expect.equal (Array.sumBy snd actual) 1797 "1797 samples (digits.README.rst)"
                // the first image, as in the file
                Expect.equal px[0..63] (lines[0].Split(',')[0..63] |> Array.map float) "first image"
                let normalized, _ = Datasets.digits (normalize = true)
                Expect.equal (normalized.ToArray()) (px |> Array.map (fun v -> float (float32 v / 16.0f))) "normalize = true divides by 16"

            testCase "digits from the embedded resource equal Csv.loadLabelled of data/digits.csv.gz"
            <| fun () ->
                let x, y = Csv.loadLabelled (dataFile "digits.csv.gz", -1)
                let images, labels = Datasets.digits ()
                Expect.equal (x.ToArray()) (images.ToArray()) "images"
                Expect.equal (ints y) (ints labels) "labels"

            testCase "iris: 150 flowers, 4 features, 50 of each of 3 classes"
            <| fun () ->
                let x, y = Datasets.iris ()
                Expect.equal (x.Shape, x.Dtype) ([| 150; 4 |], Dtype.Float32) "features"
                Expect.equal (ints y |> Array.countBy id) [| 0, 50; 1, 50; 2, 50 |] "50 per class (iris.README.rst)"
                Expect.equal Datasets.irisClasses [| "setosa"; "versicolor"; "virginica" |] "class names"
                Expect.equal (x.ToArray()[0..3] |> Array.map (fun v -> Math.Round(v, 4))) [| 5.1; 3.5; 1.4; 0.2 |] "first row (iris.csv)"

            testCase "iterating a loader over digits for many epochs does not grow native memory"
            <| fun () ->
                let images, labels = Datasets.digits (normalize = true)

                let loader =
                    DataLoader(TensorDataset(images, labels), batchSize = 64, shuffle = true, seed = 0)

                let epochs n =
                    for _ in 1..n do
                        for x, y in loader do
                            Scope.run (fun () -> Tensor.sum x + Tensor.sum y |> ignore)

                epochs 20
                let before = residentBytes ()
                // 300 epochs x 29 batches of 64 x 64 float32 + labels: about 150 MB of batches
                epochs 300
                let growth = residentBytes () - before

                printfn
                    "memory: 300 epochs of a DataLoader over digits (8,700 batches): resident memory grew by %.1f MB"
                    (float growth / 1e6)

                Expect.isLessThan growth (50L * 1024L * 1024L) "resident memory growth"

            testCase "without prefetch, batches inside Scope.run are freed when it ends"
            <| fun () ->
                let images, labels = Datasets.digits ()

                let loader =
                    DataLoader(TensorDataset(images, labels), batchSize = 100, prefetch = false)

                let before = Scope.liveTensorCount ()

                Scope.run (fun () ->
                    for x, y in loader do
                        Tensor.sum x + Tensor.sum y |> ignore)

                Expect.equal (Scope.liveTensorCount () - before) 0L "no tensor left alive"
        ]

let tests =
    testList "Data" [ parityTests; loaderTests; datasetTests; csvTests; datasetsTests ]
