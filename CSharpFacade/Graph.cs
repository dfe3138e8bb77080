using System;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// Pictures of computation graphs, like torchviz's <c>make_dot</c>: Graphviz DOT text of everything
/// a value depends on, and files rendered from it by Graphviz's <c>dot</c> program.
/// </summary>
public static class Graph
{
    /// <summary>Graphviz DOT text of everything <paramref name="y"/> depends on: one box per op with its
    /// name and output shape, leaves in light blue (named when they are among
    /// <paramref name="parameters"/>), <paramref name="y"/>'s node in green.</summary>
    /// <param name="y">The value (e.g. a loss).</param>
    /// <param name="parameters">Named tensors to label the leaves with (e.g. a state dict); may be empty.</param>
    /// <param name="showShapes">Show each node's output shape.</param>
    /// <param name="rankDir">Graphviz's rankdir: "TB" (inputs at the top), "LR", "BT" or "RL".</param>
    public static string ToDot(Tensor y, Params parameters, bool showShapes = true, string rankDir = "TB")
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(parameters);
        return F.Graph.toDotWith(new F.GraphOptions(showShapes, rankDir), y.Value, parameters.Value);
    }

    /// <summary>Graphviz DOT text of everything <paramref name="y"/> depends on, the model's parameters
    /// named as in its state dict (<c>0.weight</c>, <c>hidden.bias</c>, ...).</summary>
    /// <param name="y">The value (e.g. the model's output or a loss).</param>
    /// <param name="model">The model whose parameters name the leaves.</param>
    /// <param name="showShapes">Show each node's output shape.</param>
    /// <param name="rankDir">Graphviz's rankdir: "TB", "LR", "BT" or "RL".</param>
    public static string ToDot(Tensor y, Module model, bool showShapes = true, string rankDir = "TB")
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(model);
        var named = new F.Params(Microsoft.FSharp.Collections.ListModule.ToArray(model.Core.NamedParameters()));
        return F.Graph.toDotWith(new F.GraphOptions(showShapes, rankDir), y.Value, named);
    }

    /// <summary>Writes the DOT text to <paramref name="path"/> by its extension: <c>.dot</c>/<c>.gv</c>
    /// writes the text; <c>.png</c>, <c>.svg</c> or <c>.pdf</c> writes the text beside it and the
    /// picture made by Graphviz's <c>dot</c> (an <see cref="InvalidOperationException"/> says how to
    /// install it when it is missing).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="dot">DOT text from <see cref="ToDot(Tensor, Params, bool, string)"/>.</param>
    public static void Render(string path, string dot) => F.Graph.render(path, dot);
}
