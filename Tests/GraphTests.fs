/// Graph pictures: the DOT text of known expressions, modules, values inside transforms,
/// determinism, escaping, and rendering with Graphviz (or the clear message without it).
module Nabla.Tests.GraphTests

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto
open Nabla
open Nabla.NN

/// A node of the DOT text: its label (DOT escapes undone for \n, \" and \\) and fill colour.
type private DotNode = { Label: string; Color: string }

let private nodePattern =
    Regex("^    n(\\d+) \\[label=\"((?:[^\"\\\\]|\\\\.)*)\", fillcolor=(\\w+)\\];$")

let private edgePattern = Regex("^    n(\\d+) -> n(\\d+);$")

let private unescape (s: string) =
    Regex.Replace(
        s,
        "\\\\(.)",
        fun m ->
            match m.Groups[1].Value with
            | "n" -> "\n"
            | c -> c
    )

/// The nodes (by number, which must run 0, 1, 2, ...) and edges of a DOT text from Graph.toDot.
let private parse (dot: string) =
    let lines = dot.Split '\n'
    let nodes = ResizeArray<DotNode>()
    let edges = ResizeArray<int * int>()

    for line in lines do
        let n = nodePattern.Match line
        let e = edgePattern.Match line

        if n.Success then
            Expect.equal (int n.Groups[1].Value) nodes.Count "nodes are numbered in order"

            nodes.Add
                {
                    Label = unescape n.Groups[2].Value
                    Color = n.Groups[3].Value
                }
        elif e.Success then
            edges.Add(int e.Groups[1].Value, int e.Groups[2].Value)

    Expect.isTrue (dot.StartsWith "digraph {\n" && dot.EndsWith "}\n") "a digraph"
    List.ofSeq nodes, List.ofSeq edges

let private labels (nodes: DotNode list) = nodes |> List.map (fun n -> n.Label)

/// The node whose label's first line is `name`.
let private nodeNamed (name: string) (nodes: DotNode list) =
    let found = nodes |> List.filter (fun n -> n.Label.Split('\n')[0] = name)

    Expect.equal found.Length 1 $"one node named {name} in {labels nodes}"
    found.Head

let private indexOf (name: string) (nodes: DotNode list) =
    nodes |> List.findIndex (fun n -> n.Label.Split('\n')[0] = name)

/// Graphviz's dot when it is installed.
let private dotProgram = Graph.findDot ()

/// Checks that Graphviz accepts the text (when it is installed): `dot -Tsvg` exits with 0.
let private validate (dot: string) =
    match dotProgram with
    | None -> ()
    | Some program ->
        let psi = ProcessStartInfo(program, "-Tsvg")
        psi.RedirectStandardInput <- true
        psi.RedirectStandardOutput <- true
        psi.RedirectStandardError <- true
        use p = Process.Start psi
        let out = p.StandardOutput.ReadToEndAsync()
        let err = p.StandardError.ReadToEndAsync()
        p.StandardInput.Write dot
        p.StandardInput.Close()
        Expect.isTrue (p.WaitForExit 60000) "dot finished"
        p.WaitForExit()
        Expect.equal p.ExitCode 0 $"dot -Tsvg accepts the text: {err.Result}\n{dot}"
        Expect.stringContains out.Result "<svg" "an SVG"

/// The seed's layer with a submodule named linear.
type private ActivatedLinear(inFeatures: int, outFeatures: int) as this =
    inherit Module()
    let linear = this.RegisterModule("linear", Linear(inFeatures, outFeatures))
    override _.Forward x = Tensor.relu (linear.Forward x)

/// The seed's RegressionNet: hidden (with its linear) and output.
type private RegressionNet() as this =
    inherit Module()
    let hidden = this.RegisterModule("hidden", ActivatedLinear(1, 20))
    let output = this.RegisterModule("output", Linear(20, 1))
    override _.Forward x = output.Forward(hidden.Forward x)

let private tempFolder () =
    let d = Path.Combine(Path.GetTempPath(), $"nabla-graph-{Guid.NewGuid():N}")

    Directory.CreateDirectory d |> ignore
    d

let tests =
    testList
        "Graph"
        [
            test "a small expression: one node per op, the leaves, the edges" {
                let x = Tensor.requiresGrad (Tensor.randn [| 2; 3 |])
                let w = Tensor.requiresGrad (Tensor.randn [| 3; 4 |])
                let y = Tensor.sum (Tensor.tanh (Tensor.matmul x w))
                let dot = Graph.toDot y (Params.ofList [ "w", w ])
                let nodes, edges = parse dot
                validate dot
                Expect.equal nodes.Length 5 "sum, tanh, matmul and two leaves"
                Expect.equal edges.Length 4 "x and w into matmul, matmul into tanh, tanh into sum"
                Expect.equal nodes[0].Label "sum\n[]" "y first: its op and 0-d shape"
                Expect.equal nodes[0].Color "darkolivegreen1" "y highlighted"
                Expect.equal (nodeNamed "tanh" nodes).Label "tanh\n[2, 4]" "tanh's output shape"
                Expect.equal (nodeNamed "w" nodes).Label "w\n[3, 4]" "the parameter, named, with its shape"
                Expect.equal (nodeNamed "w" nodes).Color "lightblue" "leaves in blue"
                Expect.equal (nodeNamed "[2, 3]" nodes).Color "lightblue" "x: an unnamed leaf shown by its shape"
                let tanh, sum = indexOf "tanh" nodes, indexOf "sum" nodes
                Expect.contains edges (tanh, sum) "tanh feeds sum"
                let ops = nodes |> List.filter (fun n -> n.Color <> "lightblue")
                Expect.equal ops.Length 3 "three op nodes"
                Expect.equal (edges |> List.filter (fun (_, b) -> b = indexOf "w" nodes)) [] "nothing flows into a leaf"
            }

            test "an input used twice gives one edge; constants are not drawn" {
                let x = Tensor.requiresGrad (Tensor.ones [| 3 |])
                let y = x * x + Tensor.ones [| 3 |]
                let nodes, edges = parse (Graph.toDot y (Params.ofList [ "x", x ]))
                Expect.equal (labels nodes) [ "add\n[3]"; "mul\n[3]"; "x\n[3]" ] "add, mul, x"
                Expect.equal edges [ (1, 0); (2, 1) ] "x -> mul -> add"
            }

            test "a module: Sequential(Linear, ReLU, Linear) with PyTorch's parameter names" {
                let model = Sequential(Linear(3, 4), ReLU(), Linear(4, 2))
                let y = model.Forward(Tensor.randn [| 5; 3 |]) |> Tensor.sum
                let dot = Graph.ofModule model y
                let nodes, edges = parse dot
                validate dot
                Expect.equal dot (Graph.toDot y (Params.ofList (model.NamedParameters()))) "ofModule is toDot with the named parameters"

                for name, shape in [ "0.weight", "[4, 3]"; "0.bias", "[4]"; "2.weight", "[2, 4]"; "2.bias", "[2]" ] do
                    Expect.equal (nodeNamed name nodes).Label $"{name}\n{shape}" $"{name} with its shape"

                Expect.equal
                    (nodes |> List.filter (fun n -> n.Color <> "lightblue") |> labels)
                    [ "sum\n[]"; "linear\n[5, 2]"; "relu\n[5, 4]"; "linear\n[5, 4]" ]
                    "the ops from y back to the input"

                Expect.equal nodes.Length 8 "four ops and four parameters (the input is a constant)"
                Expect.equal edges.Length 7 "two parameters into each linear, and the chain"
                Expect.contains edges (indexOf "2.weight" nodes, 1) "2.weight into the last linear"

                Expect.contains
                    edges
                    (indexOf "0.bias" nodes, nodes |> List.findIndexBack (fun n -> n.Label.StartsWith "linear"))
                    "0.bias into the first linear"
            }

            test "the seed's nested names: hidden.linear.weight, after Backward too" {
                let model = RegressionNet()
                let x = Tensor.randn [| 8; 1 |]
                let loss = Loss.mse (model.Forward x) (Tensor.zeros [| 8; 1 |])
                loss.Backward()
                let dot = Graph.toDot loss (Params.ofList (model.NamedParameters()))
                let nodes, _ = parse dot
                validate dot

                for name, shape in
                    [
                        "hidden.linear.weight", "[20, 1]"
                        "hidden.linear.bias", "[20]"
                        "output.weight", "[1, 20]"
                        "output.bias", "[1]"
                    ] do
                    Expect.equal (nodeNamed name nodes).Label $"{name}\n{shape}" $"{name}"

                // Constants sharing the parameters' storage name them as well.
                Expect.equal (Graph.toDot loss (model.ParameterValues())) dot "named through ParameterValues()"
                Expect.equal (fst (parse (Graph.toDot loss (Params.ofList [])))).Length nodes.Length "the same graph unnamed"
            }

            test "inside a transform: the transform's leaf, its ops, and the model's parameters" {
                let model = Linear(3, 2)
                let mutable inner = ""
                let mutable alone = ""

                AD.grad
                    (fun x ->
                        let h = Tensor.tanh (x * x)
                        alone <- Graph.toDot h (Params.ofList [ "x", x ])
                        let y = model.Forward h |> Tensor.sum
                        inner <- Graph.ofModule model y
                        y)
                    (Tensor.randn [| 4; 3 |])
                |> ignore

                let nodes, edges = parse alone
                validate alone
                Expect.equal (labels nodes) [ "tanh\n[4, 3]"; "mul\n[4, 3]"; "x\n[4, 3]" ] "tanh, mul, the transform's input"
                Expect.equal edges [ (1, 0); (2, 1) ] "x -> mul -> tanh"

                let nodes, edges = parse inner
                validate inner

                Expect.equal
                    (labels nodes)
                    [
                        "sum\n[]"
                        "linear\n[4, 2]"
                        "tanh\n[4, 3]"
                        "weight\n[2, 3]"
                        "bias\n[2]"
                        "mul\n[4, 3]"
                        "[4, 3]"
                    ]
                    "both levels in one picture: the op at the transform's level and at the parameters'"

                Expect.equal edges.Length 6 "tanh, weight, bias into linear; linear into sum; mul into tanh; x into mul"
            }

            test "inside AD.jvp: forward mode is looked through, the parameters' graph is drawn" {
                let model = Linear(2, 3)
                let mutable inner = ""

                AD.jvp
                    (fun x ->
                        let y = Tensor.sum (model.Forward x)
                        inner <- Graph.ofModule model y
                        y)
                    (Tensor.ones [| 4; 2 |])
                    (Tensor.ones [| 4; 2 |])
                |> ignore

                let nodes, edges = parse inner
                Expect.equal (labels nodes) [ "sum\n[]"; "linear\n[4, 3]"; "weight\n[3, 2]"; "bias\n[3]" ] "sum, linear, the parameters"
                Expect.equal edges [ (1, 0); (2, 1); (3, 1) ] "the edges"
            }

            test "deterministic: the same expression gives the same text" {
                let make () =
                    let model = Sequential(Linear(2, 3), Tanh(), Linear(3, 1))
                    let y = model.Forward(Tensor.ones [| 4; 2 |]) |> Tensor.mean
                    Graph.ofModule model y, Graph.ofModule model y

                let a1, a2 = make ()
                let b1, _ = make ()
                Expect.equal a1 a2 "twice on one value"
                Expect.equal a1 b1 "on a new model and value"
            }

            test "names are escaped for DOT" {
                let x = Tensor.requiresGrad (Tensor.ones [| 2 |])
                let name = "a\"b\\c\nd {e} -> f;"
                let dot = Graph.toDot (Tensor.exp x) (Params.ofList [ name, x ])
                validate dot
                Expect.stringContains dot "a\\\"b\\\\c\\nd {e} -> f;" "quote, backslash and line break escaped"
                let nodes, edges = parse dot
                Expect.equal nodes[1].Label (name + "\n[2]") "the name survives"
                Expect.equal edges [ (1, 0) ] "no edge made by the name"
                Expect.equal (Graph.escape "x\r\ty") "x y" "control characters"
            }

            test "options: without shapes, left to right; bad options and a constant" {
                let x = Tensor.requiresGrad (Tensor.ones [| 2 |])
                let y = Tensor.sin x

                let dot =
                    Graph.toDotWith { ShowShapes = false; RankDir = "LR" } y (Params.ofList [])

                validate dot
                Expect.stringContains dot "rankdir=LR" "rankdir"
                Expect.equal (labels (fst (parse dot))) [ "sin"; "leaf" ] "no shapes"

                Expect.throwsT<ArgumentException>
                    (fun () ->
                        Graph.toDotWith
                            { GraphOptions.Default with
                                RankDir = "up"
                            }
                            y
                            (Params.ofList [])
                        |> ignore)
                    "a bad rankdir"

                let c = parse (Graph.toDot (Tensor.ones [| 2 |]) (Params.ofList []))
                Expect.equal (fst c).Length 1 "a constant: one node"
                Expect.stringContains (fst c).Head.Label "not recorded" "saying why"
            }

            test "a long chain needs no deep stack" {
                let x = Tensor.requiresGrad (Tensor.ones [| 1 |])
                let mutable y = x

                for _ in 1..20000 do
                    y <- y * 1.0

                let nodes, edges = parse (Graph.toDot y (Params.ofList [ "x", x ]))
                Expect.equal nodes.Length 20001 "every op"
                Expect.equal edges.Length 20000 "a chain"
            }

            test "render: .dot always; .png and .svg with Graphviz, else a clear message" {
                let folder = tempFolder ()

                try
                    let model = RegressionNet()
                    let y = model.Forward(Tensor.randn [| 3; 1 |]) |> Tensor.sum
                    let dot = Graph.ofModule model y
                    let dotPath = Path.Combine(folder, "sub", "graph.dot")
                    Graph.render dotPath dot
                    Expect.equal (File.ReadAllText dotPath) dot "the DOT text, in a new folder"

                    // Without Graphviz: the .dot beside the picture and an error saying what to do.
                    let png = Path.Combine(folder, "none.png")

                    Expect.throwsT<InvalidOperationException> (fun () -> Graph.renderUsing None png dot) "no dot"

                    Expect.isFalse (File.Exists png) "no picture"
                    Expect.equal (File.ReadAllText(Path.Combine(folder, "none.dot"))) dot "the source was written"

                    let message =
                        try
                            Graph.renderUsing None png dot
                            ""
                        with :? InvalidOperationException as e ->
                            e.Message

                    Expect.stringStarts message "Graph.render:" "names the function"
                    Expect.stringContains message "apt-get install graphviz" "says how to install"
                    Expect.stringContains message (Path.Combine(folder, "none.dot")) "says where the source is"

                    Expect.throwsT<ArgumentException> (fun () -> Graph.render (Path.Combine(folder, "g.jpeg")) dot) "unknown extension"

                    match dotProgram with
                    | None -> Expect.throwsT<InvalidOperationException> (fun () -> Graph.render png dot) "not installed"
                    | Some _ ->
                        let pngPath = Path.Combine(folder, "graph.png")
                        Graph.render pngPath dot
                        let bytes = File.ReadAllBytes pngPath
                        Expect.equal bytes[0..7] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |] "a PNG signature"
                        Expect.isGreaterThan bytes.Length 2000 "a picture of some size"
                        Expect.equal (File.ReadAllText(Path.Combine(folder, "graph.dot"))) dot "the source beside it"
                        let svgPath = Path.Combine(folder, "graph.svg")
                        Graph.render svgPath dot
                        let svg = File.ReadAllText svgPath
                        Expect.stringContains svg "<svg" "an SVG"
                        Expect.stringContains svg "hidden.linear.weight" "with the names"

                        let bad = Path.Combine(folder, "bad.svg")

                        let message =
                            try
                                Graph.render bad "digraph { n0 -> }"
                                ""
                            with :? InvalidOperationException as e ->
                                e.Message

                        Expect.stringContains message "exit code" "dot's failure reported"
                        Expect.stringContains message "syntax error" "with dot's message"
                        Expect.isFalse (File.Exists bad) "no half-written picture"

                    let leftovers = Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories)

                    Expect.isEmpty leftovers "no temporary files left"
                finally
                    Directory.Delete(folder, true)
            }
        ]
