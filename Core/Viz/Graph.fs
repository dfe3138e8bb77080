namespace Nabla

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.Text
open Nabla.NN

/// How `Graph.toDotWith` draws a computation graph.
type GraphOptions =
    {
        /// Show each node's output shape under its name (default true).
        ShowShapes: bool
        /// Graphviz's rankdir: "TB" (inputs at the top, the default), "LR", "BT" or "RL".
        RankDir: string
    }

    /// Shapes shown, drawn top to bottom.
    static member Default = { ShowShapes = true; RankDir = "TB" }

/// Pictures of computation graphs, like torchviz's `make_dot`: Graphviz DOT text of everything a
/// value depends on, and files rendered from it by Graphviz's `dot` program.
///
/// Which level is drawn: a value can be differentiated at several levels at once (PyTorch-style
/// autograd, tag 1, under the reverse-mode transforms around it). The picture shows every
/// reverse-mode level together: an op applied at several levels is one node whose inputs are
/// the inputs of all its levels, so inside `AD.grad (fun x -> ...)` over a model, the transform's
/// input and the model's parameters both appear. Forward-mode levels (`AD.jvp`) record no graph
/// and are looked through. A leaf of a transform whose value is itself recorded (a transform over
/// a model's parameters or over an intermediate) gets an edge from that value.
[<RequireQualifiedAccess>]
module Graph =

    /// One node of the picture: the outermost graph node of the op (or leaf) and the tensor it
    /// made, and the input tensors of all its levels.
    type private Vertex =
        {
            Tensor: Tensor
            Node: GraphNode
            Inputs: List<Tensor>
        }

    /// The outermost reverse-mode level of t (forward-mode levels looked through), or none for a
    /// value that is not recorded at any level.
    let private outermost (t: Tensor) : struct (Tensor * GraphNode) voption =
        let mutable x = t
        let mutable result = ValueNone
        let mutable searching = true

        while searching do
            match x with
            | Const _ -> searching <- false
            | Dual(p, _, _) -> x <- p
            | Node(_, n, _) ->
                result <- ValueSome(struct (x, n))
                searching <- false

        result

    /// The primal under t's outermost level.
    let private primalOf (t: Tensor) =
        match t with
        | Const _ -> t
        | Dual(p, _, _)
        | Node(p, _, _) -> p

    /// The identity of the LibTorch tensor under every level (to name parameters given as
    /// constants sharing the leaves' storage, e.g. `model.ParameterValues()`).
    let private rawKey (t: Tensor) : obj = box (Prim.Innermost t)

    /// Text for a double-quoted DOT string: quotes and backslashes escaped, line breaks as DOT's
    /// `\n`, other control characters as spaces.
    let internal escape (s: string) =
        let sb = StringBuilder(s.Length + 8)

        for c in s do
            match c with
            | '"' -> sb.Append "\\\"" |> ignore
            | '\\' -> sb.Append "\\\\" |> ignore
            | '\n' -> sb.Append "\\n" |> ignore
            | '\r' -> ()
            | c when Char.IsControl c -> sb.Append ' ' |> ignore
            | c -> sb.Append c |> ignore

        sb.ToString()

    let private shapeOf (t: Tensor) =
        let r = Prim.Innermost t

        if r.IsInvalid then
            "<freed>"
        else
            Raw.shapeText (Raw.shape r)

    /// The vertices reachable from y (numbered in the order a breadth-first walk from y meets
    /// them: y is 0) and the edges input → op, without duplicates, in the order found.
    let private walk (y: Tensor) : List<Vertex> * List<struct (int * int)> =
        let vertices = List<Vertex>()
        let edges = List<struct (int * int)>()
        let edgeSet = HashSet<struct (int * int)>()
        let ids = Dictionary<GraphNode, int>(HashIdentity.Reference)
        let queue = Queue<int>()

        let add (t: Tensor) (n: GraphNode) =
            let id = vertices.Count
            ids[n] <- id
            let inputs = List<Tensor>(n.Inputs)

            if n.IsLeaf then
                // A transform's leaf over a recorded value: that value flows into it.
                match outermost (primalOf t) with
                | ValueSome(struct (source, _)) -> inputs.Add source
                | ValueNone -> ()
            else
                // The same op at the levels below (the lifting made them in the same call): one node.
                let mutable below = primalOf t
                let mutable absorbing = true

                while absorbing do
                    match below with
                    | Dual(p, _, _) -> below <- p
                    | Node(p, m, _) when not m.IsLeaf && m.Op = n.Op && not (ids.ContainsKey m) ->
                        ids[m] <- id
                        inputs.AddRange m.Inputs
                        below <- p
                    | _ -> absorbing <- false

            vertices.Add
                {
                    Tensor = t
                    Node = n
                    Inputs = inputs
                }

            queue.Enqueue id
            id

        match outermost y with
        | ValueSome(struct (t, n)) -> add t n |> ignore
        | ValueNone -> ()

        while queue.Count > 0 do
            let id = queue.Dequeue()

            for input in vertices[id].Inputs do
                match outermost input with
                | ValueSome(struct (t, n)) ->
                    let source =
                        match ids.TryGetValue n with
                        | true, j -> j
                        | _ -> add t n

                    if edgeSet.Add(struct (source, id)) then
                        edges.Add(struct (source, id))
                | ValueNone -> ()

        vertices, edges

    /// The names of the vertices that are parameters: matched by graph node (the outermost
    /// recorded level of each parameter), else, for leaves not named that way, by the LibTorch
    /// tensor under every level, each name used once.
    let private names (parameters: Params) (vertices: List<Vertex>) : string[] =
        let result = Array.create vertices.Count (null: string)

        if not (isNull (box parameters)) then
            let byNode = Dictionary<GraphNode, string>(HashIdentity.Reference)
            let byRaw = Dictionary<obj, string>(HashIdentity.Reference)

            for name, t in parameters.Entries do
                if not (isNull (box t)) then
                    match outermost t with
                    | ValueSome(struct (_, n)) -> byNode.TryAdd(n, name) |> ignore
                    | ValueNone -> ()

                    byRaw.TryAdd(rawKey t, name) |> ignore

            let used = HashSet<string>(StringComparer.Ordinal)

            for i in 0 .. vertices.Count - 1 do
                match byNode.TryGetValue vertices[i].Node with
                | true, name ->
                    result[i] <- name
                    used.Add name |> ignore
                | _ -> ()

            for i in 0 .. vertices.Count - 1 do
                let v = vertices[i]

                if isNull result[i] && v.Node.IsLeaf && (outermost (primalOf v.Tensor)).IsNone then
                    match byRaw.TryGetValue(rawKey v.Tensor) with
                    | true, name when used.Add name -> result[i] <- name
                    | _ -> ()

        result

    let private rankDirs = [| "TB"; "LR"; "BT"; "RL" |]

    /// Graphviz DOT text of everything `y` depends on, drawn with `options` (see `toDot`).
    let toDotWith (options: GraphOptions) (y: Tensor) (parameters: Params) : string =
        if isNull (box y) then
            nullArg "y"

        if not (Array.contains options.RankDir rankDirs) then
            invalidArg "options" $"Graph.toDotWith: RankDir must be one of TB, LR, BT, RL (Graphviz's rankdir); got '{options.RankDir}'."

        let vertices, edges = walk y
        let named = names parameters vertices
        let sb = StringBuilder()
        let line (s: string) = sb.Append(s).Append('\n') |> ignore

        let label (parts: string list) =
            parts |> List.map escape |> String.concat "\\n"

        let withShape (text: string) (t: Tensor) =
            if options.ShowShapes then [ text; shapeOf t ] else [ text ]

        line "digraph {"
        line $"    graph [rankdir={options.RankDir}, size=\"12,12\"];"
        line "    node [style=filled, shape=box, fontsize=10, height=0.2, fontname=monospace];"

        if vertices.Count = 0 then
            let text =
                withShape "constant (not recorded: no input requires grad or is a reverse-mode transform's)" y

            line $"    n0 [label=\"{label text}\", fillcolor=darkolivegreen1];"
        else
            for i in 0 .. vertices.Count - 1 do
                let v = vertices[i]

                let text, color =
                    if v.Node.IsLeaf then
                        match named[i] with
                        | null ->
                            (if options.ShowShapes then
                                 [ shapeOf v.Tensor ]
                             else
                                 [ "leaf" ]),
                            "lightblue"
                        | name -> withShape name v.Tensor, "lightblue"
                    else
                        match named[i] with
                        | null -> withShape v.Node.Op v.Tensor, "lightgrey"
                        | name -> withShape $"{name} ({v.Node.Op})" v.Tensor, "lightblue"

                let color = if i = 0 then "darkolivegreen1" else color
                line $"    n{i} [label=\"{label text}\", fillcolor={color}];"

            for struct (a, b) in edges do
                line $"    n{a} -> n{b};"

        line "}"
        sb.ToString()

    /// Graphviz DOT text of everything `y` depends on, like torchviz's `make_dot`: one box per op
    /// with its name and output shape, the tensors that require grad (and a transform's inputs)
    /// as leaves in light blue, each named when it is one of `parameters` (matched by identity:
    /// the same recorded leaf, or a constant over the same LibTorch tensor; e.g.
    /// `Params.ofList (model.NamedParameters())` names `hidden.linear.weight`) and shown by its
    /// shape otherwise, y's own node in green, and an edge from each input to the op that used
    /// it. Every reverse-mode level is drawn (see the module's notes), so this works for values
    /// of PyTorch-style code and inside transforms. Nodes are numbered n0 (y), n1, ... in the
    /// order a breadth-first walk from y meets them, so the text is the same each time. A value
    /// that nothing records gives a one-node graph saying so.
    let toDot (y: Tensor) (parameters: Params) : string =
        toDotWith GraphOptions.Default y parameters

    /// `toDot y` with the parameters of `model` named as `model.NamedParameters()` names them
    /// (`0.weight`, `hidden.linear.bias`, ...).
    let ofModule (model: Module) (y: Tensor) : string =
        if isNull (box model) then
            nullArg "model"

        toDot y (Params.ofList (model.NamedParameters()))

    /// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so the
    /// file is either the old one or the complete new one.
    let private writeAtomically (path: string) (write: string -> unit) =
        let full = Path.GetFullPath path
        let folder = Path.GetDirectoryName full
        Directory.CreateDirectory folder |> ignore

        let temp = Path.Combine(folder, $".{Path.GetFileName full}.{Guid.NewGuid():N}.tmp")

        try
            write temp
            File.Move(temp, full, true)
        finally
            if File.Exists temp then
                File.Delete temp

    let private writeText (path: string) (text: string) =
        writeAtomically path (fun temp ->
            use stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write)
            let bytes = UTF8Encoding(false).GetBytes text
            stream.Write(bytes, 0, bytes.Length)
            stream.Flush true)

    /// The `dot` program on the PATH, or none.
    let internal findDot () : string option =
        let path = Environment.GetEnvironmentVariable "PATH"

        if String.IsNullOrEmpty path then
            None
        else
            path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            |> Array.map (fun folder -> Path.Combine(folder, "dot"))
            |> Array.tryFind File.Exists

    /// Runs `program -T<format> -o <output> <input>` with a timeout; an error with its message
    /// otherwise.
    let private runDot (program: string) (format: string) (input: string) (output: string) (timeout: TimeSpan) =
        let psi = ProcessStartInfo(program)
        psi.ArgumentList.Add $"-T{format}"
        psi.ArgumentList.Add "-o"
        psi.ArgumentList.Add output
        psi.ArgumentList.Add input
        psi.RedirectStandardError <- true
        psi.RedirectStandardOutput <- true
        psi.UseShellExecute <- false
        use p = Process.Start psi
        let stderr = p.StandardError.ReadToEndAsync()
        let stdout = p.StandardOutput.ReadToEndAsync()

        if not (p.WaitForExit(int timeout.TotalMilliseconds)) then
            try
                p.Kill true
            with _ ->
                ()

            invalidOp
                $"Graph.render: `{program} -T{format}` did not finish within {timeout.TotalSeconds} s (a very large graph?); the DOT source is in {input}."

        p.WaitForExit()
        stdout.Wait()

        if p.ExitCode <> 0 then
            invalidOp
                $"Graph.render: `{program} -T{format}` failed with exit code {p.ExitCode}: {stderr.Result.Trim()} (the DOT source is in {input})."

    /// render, with the `dot` program given (None: not installed).
    let internal renderUsing (dotProgram: string option) (path: string) (dot: string) =
        if String.IsNullOrWhiteSpace path then
            invalidArg "path" "Graph.render: the path must not be empty."

        if isNull dot then
            nullArg "dot"

        match Path.GetExtension(path).ToLowerInvariant() with
        | ".dot"
        | ".gv" -> writeText path dot
        | ".png"
        | ".svg"
        | ".pdf" as ext ->
            let source = Path.ChangeExtension(path, ".dot")
            writeText source dot

            match dotProgram with
            | None ->
                invalidOp
                    $"Graph.render: the `dot` program (Graphviz) is not installed, so {path} was not made; install it (apt-get install graphviz) and render again. The DOT source was written to {source}."
            | Some program ->
                let format = ext.Substring 1

                writeAtomically path (fun temp -> runDot program format source temp (TimeSpan.FromSeconds 60.0))
        | ext ->
            invalidArg
                "path"
                $"Graph.render: cannot tell the format of '{path}' from its extension '{ext}'; use .dot (or .gv) for the DOT text, .png, .svg or .pdf for a picture."

    /// Writes the DOT text `dot` (from `toDot`) to `path`, by its extension: `.dot`/`.gv` writes
    /// the text; `.png`, `.svg` or `.pdf` writes the text beside it (the same name with `.dot`) and
    /// the picture made by Graphviz's `dot` program (found on the PATH; 60 s at most). Without
    /// Graphviz the `.dot` file is still written and an InvalidOperationException says how to
    /// install it. Each file is written to a temporary file and renamed, so it is never half
    /// written; missing folders are created.
    let render (path: string) (dot: string) : unit = renderUsing (findDot ()) path dot
