using System;
using System.Collections.Generic;
using System.Linq;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Sequential, ModuleList, ModuleDict and the fluent builder.</summary>
public static class ContainerTests
{
    /// <summary>Sequential names its modules "0", "1", ... and applies them in order.</summary>
    public static void SequentialNamesAndAppliesInOrder()
    {
        var s = new Sequential(new Linear(1, 20), new ReLU(), new Linear(20, 1));
        Assert.Sequence(M.Names(s), new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, "names");
        M.Shape(s.Forward(Tensor.Randn(5, 1)), new[] { 5, 1 }, "output");
        Assert.Equal(s.Count, 3, "count");
    }

    /// <summary>Sequential prints as PyTorch's.</summary>
    public static void SequentialPrintsAsPyTorch() =>
        Assert.Equal(new Sequential(new Linear(1, 20), new ReLU(), new Linear(20, 1)).ToString(),
            "Sequential(\n  (0): Linear(in_features=1, out_features=20, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=20, out_features=1, bias=True)\n)", "printout");

    /// <summary>The indexer returns the very modules given, negative indices count from the end, and out of range is an error.</summary>
    public static void SequentialIndexer()
    {
        var first = new Linear(2, 3);
        var last = new Tanh();
        var s = new Sequential(first, last);
        Assert.True(ReferenceEquals(s[0], first) && ReferenceEquals(s[-1], last), "same objects");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = s[2], "Sequential", "out of range");
        Assert.Sequence(s.Select(m => m.GetType().Name).ToArray(), new[] { "Linear", "Tanh" }, "enumeration");
    }

    /// <summary>Append adds a module named by its position; the empty Sequential is the identity.</summary>
    public static void SequentialAppend()
    {
        var s = new Sequential();
        var x = Tensor.Randn(2, 2);
        Assert.True(ReferenceEquals(s.Forward(x), x) || M.Values(s.Forward(x)).SequenceEqual(M.Values(x)), "empty is identity");
        s.Append(new Linear(2, 4)).Append(new ReLU());
        Assert.Equal(s.NamedChildren()[1].Name, "1", "named by position");
        M.Shape(s.Forward(x), new[] { 2, 4 }, "output");
    }

    /// <summary>Sequential with names (PyTorch's OrderedDict form) uses them in the state dict.</summary>
    public static void SequentialWithNames()
    {
        var s = new Sequential(new[]
        {
            new KeyValuePair<string, Module>("fc", new Linear(3, 2)),
            new KeyValuePair<string, Module>("act", new Sigmoid()),
        });
        Assert.Sequence(s.StateDict().Keys.ToArray(), new[] { "fc.weight", "fc.bias" }, "keys");
        Assert.True(M.Values(s.Forward(Tensor.Randn(4, 3))).All(v => v > 0 && v < 1), "sigmoid output");
    }

    /// <summary>A collection initialiser builds a Sequential.</summary>
    public static void SequentialCollectionInitialiser()
    {
        var s = new Sequential { new Linear(2, 2), new ReLU() };
        Assert.Equal(s.Count, 2, "count");
    }

    /// <summary>A null module is an ArgumentNullException.</summary>
    public static void SequentialRejectsNull() =>
        Assert.Throws<ArgumentNullException>(() => new Sequential(new Linear(1, 1), null!));

    /// <summary>The fluent builder: Nn.Sequential().Linear(1, 20).ReLU().Linear(20, 1) is the model itself, with PyTorch's names.</summary>
    public static void FluentBuilderIsTheModel()
    {
        Sequential model = Nn.Sequential().Linear(1, 20).ReLU().Linear(20, 1);
        Assert.Equal(model.Count, 3, "three layers");
        Assert.True(model[0] is Linear && model[1] is ReLU, "types");
        Assert.Sequence(model.StateDict().Keys.ToArray(), new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, "keys");
        M.Shape(model.Forward(Tensor.Randn(8, 1)), new[] { 8, 1 }, "output");
    }

    /// <summary>The builder covers convolutional models: Conv2d, BatchNorm2d, MaxPool2d, Flatten, Dropout, Softmax.</summary>
    public static void FluentBuilderBuildsAConvNet()
    {
        var model = Nn.Sequential()
            .Conv2d(1, 4, 3, padding: 1).BatchNorm2d(4).ReLU().MaxPool2d(2)
            .Flatten().Dropout(0.25).Linear(4 * 4 * 4, 10).LayerNorm(10).GELU().Tanh().Sigmoid().SiLU().LeakyReLU().Softmax(1);
        M.Shape(model.Forward(Tensor.Randn(2, 1, 8, 8)), new[] { 2, 10 }, "output");
        Assert.True(model[1] is BatchNorm2d && model[3] is MaxPool2d && model[4] is Flatten, "layer types");
    }

    /// <summary>Add(Module) and Activation(name) take anything else; BatchNorm1d and LogSoftmax are there too.</summary>
    public static void FluentBuilderAddsAnyModule()
    {
        var custom = new CustomLinear(3, 3);
        var model = Nn.Sequential().Add(custom).Activation("elu").BatchNorm1d(3).LogSoftmax(1);
        Assert.True(ReferenceEquals(model[0], custom) && model[1] is ELU, "modules");
        M.Shape(model.Forward(Tensor.Randn(4, 3)), new[] { 4, 3 }, "output");
    }

    /// <summary>ModuleList: indexing, Append, Extend, enumeration, names; it does not compute itself.</summary>
    public static void ModuleListBehavesAsPyTorch()
    {
        var list = new ModuleList(new Linear(2, 2));
        list.Append(new ReLU()).Extend(new Module[] { new Linear(2, 3) });
        Assert.Equal(list.Count, 3, "count");
        Assert.True(list[-1] is Linear && list[1] is ReLU, "indexing");
        Assert.Sequence(M.Names(list), new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, "names");
        Assert.Throws<NotSupportedException>(() => list.Forward(Tensor.Randn(1, 2)), "ModuleList");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = list[3], "ModuleList");
        Assert.Equal(list.Count(), 3, "enumeration");
    }

    /// <summary>ModuleDict: names in insertion order, lookups, an unknown name is a KeyNotFoundException listing the names.</summary>
    public static void ModuleDictBehavesAsPyTorch()
    {
        var dict = new ModuleDict { { "encoder", new Linear(4, 2) }, { "decoder", new Linear(2, 4) } };
        Assert.Sequence(dict.Keys.ToArray(), new[] { "encoder", "decoder" }, "keys");
        Assert.True(dict.ContainsKey("decoder") && dict.TryGetValue("encoder", out var e) && e is Linear, "lookups");
        Assert.Sequence(M.Names(dict), new[] { "encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias" }, "names");
        Assert.Throws<KeyNotFoundException>(() => _ = dict["nope"], "nope", "encoder, decoder");
        Assert.Throws<ArgumentException>(() => dict.Add("encoder", new ReLU()), "encoder");
        Assert.Throws<NotSupportedException>(() => dict.Forward(Tensor.Randn(1, 4)), "ModuleDict");
        Assert.Equal(dict.Values.Count(), 2, "values");
    }

    /// <summary>Eval on a Sequential reaches its Dropout.</summary>
    public static void EvalOnSequentialReachesDropout()
    {
        var s = Nn.Sequential().Dropout(0.9);
        s.Eval();
        Assert.True(M.Values(s.Forward(Tensor.Zeros(100) + 1.0)).All(v => v == 1.0), "identity in eval mode");
    }
}
