using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Helpers of the module tests.</summary>
internal static class M
{
    /// <summary>An int64 tensor of class indices. (The skeleton's Tensor has no integer factory yet;
    /// the tensor-core area adds Tensor.From(long[]) — this goes through the core meanwhile.)</summary>
    public static Tensor Ints(params long[] values) => Tensor.Wrap(global::Nabla.TensorModule.ofArray(values));

    /// <summary>Whether a tensor requires gradients (no facade member in the skeleton yet).</summary>
    public static bool RequiresGradient(Tensor t) => t.Value.RequiresGrad;

    public static double[] Values(Tensor t) => t.ToArray<double>();

    public static string[] Names(Module m) => m.NamedParameters().Select(p => p.Name).ToArray();

    public static Params State(params (string Name, Tensor Value)[] entries) =>
        new(entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Value)));

    public static void Shape(Tensor t, int[] expected, string what) => Assert.Sequence(t.Shape, expected, what + " shape");

    public static void AllClose(double[] actual, double[] expected, string what, double tolerance = 1e-6)
    {
        Assert.Equal(actual.Length, expected.Length, what + " length");
        for (int i = 0; i < actual.Length; i++) Assert.Close(actual[i], expected[i], $"{what}[{i}]", tolerance);
    }

    public static string TempFile() => Path.Combine(Path.GetTempPath(), $"nabla-cs-modules-{Guid.NewGuid():N}.pt");
}

/// <summary>The seed's CustomLinear, with Parameter fields registered automatically.</summary>
internal sealed class CustomLinear : Module
{
    private readonly Parameter weight, bias;

    public CustomLinear(int inputSize, int outputSize)
    {
        weight = new Parameter(Tensor.Randn(outputSize, inputSize));
        bias = new Parameter(Tensor.Randn(outputSize));
    }

    public Parameter Weight => weight;

    // x·Wᵀ + b, with the skeleton's operators: (x [n, in]) through a Linear-free path is not
    // available, so the functional call of a Linear-shaped module does it.
    public override Tensor Forward(Tensor x) => Lin.Apply(x, weight, bias);
}

/// <summary>x·Wᵀ + b through the core's linear (tests only; the tensor-ops area exposes MatMul).</summary>
internal static class Lin
{
    public static Tensor Apply(Tensor x, Tensor w, Tensor b) => Tensor.Wrap(global::Nabla.TensorModule.linear(w.Value, b.Value, x.Value));
}

internal sealed class Ordered : Module
{
    private readonly Parameter c = new(Tensor.Zeros(1));
    private readonly Parameter a = new(Tensor.Zeros(2));
    private readonly Linear b = new(2, 3);
    public override Tensor Forward(Tensor x) => x;
}

internal sealed class WithProperties : Module
{
    public Linear Hidden { get; } = new(1, 4);
    public Parameter _Scale { get; } = new(Tensor.Zeros(4));
    private readonly Parameter __offset = new(Tensor.Zeros(4));
    [StateName("input_linear")] private readonly Linear input = new(4, 2);
    [StateName("out_proj")] public Linear Output { get; } = new(2, 1);
    [NotRegistered] public Linear Alias => Hidden;
    [NotRegistered] private readonly Linear notMine = new(1, 1);
    public override Tensor Forward(Tensor x) => Output.Forward(input.Forward(Hidden.Forward(x)));
}

internal class BaseNet : Module
{
    protected readonly Linear first = new(2, 2);
    public override Tensor Forward(Tensor x) => first.Forward(x);
}

internal sealed class DerivedNet : BaseNet
{
    private readonly Linear second = new(2, 2);
    public override Tensor Forward(Tensor x) => second.Forward(base.Forward(x));
}

internal sealed class WithList : Module
{
    private readonly ModuleList layers = new(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    private readonly ModuleDict heads = new() { { "a", new Linear(2, 1) }, { "b", new Linear(2, 5) } };
    public override Tensor Forward(Tensor x)
    {
        foreach (var layer in layers) x = layer.Forward(x);
        return heads["a"].Forward(x);
    }
}

internal sealed class Reassigning : Module
{
    private Parameter weight = new(Tensor.Zeros(2));
    private Linear? late;
    public void Replace() => weight = new Parameter(Tensor.Zeros(2));
    public void AddLate() => late = new Linear(2, 2);
    public override Tensor Forward(Tensor x) => x * weight;
}

internal sealed class Explicit : Module
{
    private readonly Tensor scale;
    private readonly Parameter same;
    public Explicit()
    {
        scale = RegisterParameter("scale", Tensor.From(new[] { 2.0 }));
        same = RegisterParameter("alias", Tensor.From(new[] { 3.0 }));
    }
    public override Tensor Forward(Tensor x) => x * scale * same;
}

internal sealed class EarlyQuery : Module
{
    private readonly Linear layer;
    public int CountInConstructor { get; }
    public EarlyQuery()
    {
        CountInConstructor = Parameters().Count;
        layer = new Linear(2, 3);
    }
    public override Tensor Forward(Tensor x) => layer.Forward(x);
}

internal sealed class WithBuffers : Module
{
    private readonly Tensor mean;
    public WithBuffers()
    {
        mean = RegisterBuffer("mean", Tensor.Zeros(3));
        RegisterBuffer("scratch", Tensor.Zeros(3), persistent: false);
    }
    public override Tensor Forward(Tensor x) => x - mean;
}

/// <summary>Modules written in C#: automatic registration, the tree, modes, conversion, state dicts and files.</summary>
public static class ModuleTests
{
    /// <summary>The seed's CustomLinear registers its Parameter fields as "weight" and "bias" and maps [10, 5] to [10, 3].</summary>
    public static void CustomLinearFieldsAreRegisteredAsWeightAndBias()
    {
        var m = new CustomLinear(5, 3);
        Assert.Sequence(m.StateDict().Keys.ToArray(), new[] { "weight", "bias" }, "state dict keys");
        Assert.Equal(m.Parameters().Count, 2, "parameters");
        M.Shape(m.Parameters()[0], new[] { 3, 5 }, "weight");
        M.Shape(m.Forward(Tensor.Randn(10, 5)), new[] { 10, 3 }, "output");
    }

    /// <summary>Members are registered in declaration order, not alphabetically.</summary>
    public static void RegistrationFollowsDeclarationOrder() =>
        Assert.Sequence(M.Names(new Ordered()), new[] { "c", "a", "b.weight", "b.bias" }, "names");

    /// <summary>Auto-properties register under their name lowercased, leading underscores go, and
    /// [StateName] overrides (on fields and properties); [NotRegistered] members are skipped.</summary>
    public static void NamesFollowPyTorchConventionsAndAttributes()
    {
        var m = new WithProperties();
        Assert.Sequence(m.StateDict().Keys.ToArray(),
            new[] { "scale", "offset", "hidden.weight", "hidden.bias", "input_linear.weight", "input_linear.bias", "out_proj.weight", "out_proj.bias" },
            "state dict keys (a module's own parameters before its submodules', as PyTorch orders them)");
        Assert.Equal(m.Children().Count, 3, "children (the alias and the unregistered one are not)");
    }

    /// <summary>The fields of a base class written in C# come before the derived class's.</summary>
    public static void BaseClassMembersComeFirst() =>
        Assert.Sequence(M.Names(new DerivedNet()), new[] { "first.weight", "first.bias", "second.weight", "second.bias" }, "names");

    /// <summary>A ModuleList and a ModuleDict held in fields register their elements with PyTorch's names.</summary>
    public static void ModuleListAndModuleDictFieldsRegisterTheirElements()
    {
        var m = new WithList();
        Assert.Sequence(M.Names(m),
            new[] { "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias", "heads.a.weight", "heads.a.bias", "heads.b.weight", "heads.b.bias" },
            "names");
        M.Shape(m.Forward(Tensor.Randn(6, 3)), new[] { 6, 1 }, "output");
    }

    /// <summary>Asking for the tree again registers nothing twice.</summary>
    public static void RegistrationIsIdempotent()
    {
        var m = new WithList();
        var first = M.Names(m);
        _ = m.StateDict();
        _ = m.ToString();
        m.Eval();
        Assert.Sequence(M.Names(m), first, "names after several queries");
    }

    /// <summary>Parameters() returns the same Parameter objects on every call, the very objects held in the fields.</summary>
    public static void ParametersKeepTheirIdentity()
    {
        var m = new CustomLinear(2, 2);
        var a = m.Parameters();
        var b = m.Parameters();
        Assert.True(ReferenceEquals(a[0], b[0]) && ReferenceEquals(a[1], b[1]), "the same objects on each call");
        Assert.True(ReferenceEquals(a[0], m.Weight), "Parameters()[0] is the field's object");
        Assert.True(ReferenceEquals(m.NamedParameters()[0].Parameter, m.Weight), "NamedParameters gives the same object");
    }

    /// <summary>A built-in layer's Weight is the same object as the one in Parameters().</summary>
    public static void LayerWeightIsTheSameObjectAsInParameters()
    {
        var l = new Linear(3, 2);
        Assert.True(ReferenceEquals(l.Weight, l.Parameters()[0]), "Weight is Parameters()[0]");
        Assert.True(ReferenceEquals(l.Weight, l.Weight), "Weight is stable");
        var d = new Dictionary<Tensor, string> { [l.Weight] = "w" };
        Assert.True(d.ContainsKey(l.Parameters()[0]), "usable as a dictionary key");
    }

    /// <summary>Replacing a registered field is reported on the next use of the tree, naming the field.</summary>
    public static void ReplacingARegisteredFieldIsAnError()
    {
        var m = new Reassigning();
        Assert.Equal(m.Parameters().Count, 1, "parameters");
        m.Replace();
        Assert.Throws<InvalidOperationException>(() => m.Parameters(), "Reassigning", "'weight'", "cannot be replaced");
    }

    /// <summary>A field still null at the first query is registered once it gets a value.</summary>
    public static void AFieldAssignedLaterIsRegisteredThen()
    {
        var m = new Reassigning();
        Assert.Equal(m.Parameters().Count, 1, "before");
        m.AddLate();
        Assert.Sequence(M.Names(m), new[] { "weight", "late.weight", "late.bias" }, "after");
    }

    /// <summary>A query of the tree inside the constructor, before the fields are assigned, does not stop their registration.</summary>
    public static void AQueryInTheConstructorDoesNotLoseLaterFields()
    {
        var m = new EarlyQuery();
        Assert.Equal(m.CountInConstructor, 0, "in the constructor");
        Assert.Equal(m.Parameters().Count, 2, "afterwards");
    }

    /// <summary>Explicit RegisterParameter still works; its result is a Parameter and is not registered twice.</summary>
    public static void ExplicitRegistrationStillWorks()
    {
        var m = new Explicit();
        Assert.Sequence(M.Names(m), new[] { "scale", "alias" }, "names");
        Assert.Close(m.Forward(Tensor.From(new[] { 1.0 })).Item<double>(), 6.0, "forward");
    }

    /// <summary>A Parameter is a leaf that requires gradients: Backward fills its Grad.</summary>
    public static void AParameterIsALeafThatRequiresGradients()
    {
        var p = new Parameter(Tensor.From(new[] { 1.0, 2.0 }));
        Assert.True(M.RequiresGradient(p), "requires grad");
        (p * p).Sum().Backward();
        M.AllClose(M.Values(p.Grad!), new[] { 2.0, 4.0 }, "grad");
    }

    /// <summary>NamedParameters deconstructs into (name, parameter) in a foreach.</summary>
    public static void NamedParametersDeconstruct()
    {
        var names = new List<string>();
        foreach (var (name, p) in new Linear(2, 3).NamedParameters())
            names.Add($"{name}:{string.Join("x", p.Shape)}");
        Assert.Sequence(names.ToArray(), new[] { "weight:3x2", "bias:3" }, "pairs");
    }

    /// <summary>ParameterCount counts the elements of every parameter.</summary>
    public static void ParameterCountCountsElements() => Assert.Equal(new Linear(20, 10).ParameterCount, 210L, "Linear(20, 10)");

    /// <summary>Children, NamedChildren, Modules and NamedModules give the facade objects with PyTorch's names.</summary>
    public static void ChildrenAndModulesAreTheFacadeObjects()
    {
        var m = new WithList();
        var children = m.NamedChildren();
        Assert.Sequence(children.Select(c => c.Name).ToArray(), new[] { "layers", "heads" }, "child names");
        Assert.True(children[0].Module is ModuleList, "layers is the ModuleList");
        var all = m.NamedModules();
        Assert.Equal(all[0].Name, "", "the root first");
        Assert.True(ReferenceEquals(all[0].Module, m), "the root is the module itself");
        Assert.Sequence(all.Select(x => x.Name).ToArray(), new[] { "", "layers", "layers.0", "layers.1", "layers.2", "heads", "heads.a", "heads.b" }, "module names");
        Assert.True(m.Modules()[2] is Linear && m.Modules()[3] is ReLU, "types kept");
    }

    /// <summary>Submodules the core builds itself are seen with their facade type (MultiheadAttention's out_proj is a Linear).</summary>
    public static void CoreBuiltSubmodulesHaveTheirFacadeType()
    {
        var mha = new MultiheadAttention(8, 2);
        Assert.True(mha.Children()[0] is Linear, "out_proj is a Linear");
        Assert.True(ReferenceEquals(mha.Children()[0], mha.OutProj), "the same object");
        Assert.True(Activation.Create("relu") is ReLU, "Activation.Create gives a ReLU");
    }

    /// <summary>Buffers: BatchNorm's running statistics with PyTorch's names, and RegisterBuffer in C# (non-persistent ones are not saved).</summary>
    public static void BuffersHavePyTorchNames()
    {
        Assert.Sequence(new BatchNorm1d(3).NamedBuffers().Select(b => b.Name).ToArray(), new[] { "running_mean", "running_var", "num_batches_tracked" }, "BatchNorm buffers");
        var m = new WithBuffers();
        Assert.Equal(m.Buffers().Count, 2, "buffers");
        Assert.Sequence(m.StateDict().Keys.ToArray(), new[] { "mean" }, "only the persistent one is saved");
    }

    /// <summary>Train and Eval set the mode of every submodule.</summary>
    public static void TrainAndEvalReachEverySubmodule()
    {
        var m = new WithList();
        Assert.True(m.IsTraining, "training by default");
        m.Eval();
        Assert.True(m.Modules().All(x => !x.IsTraining), "all in eval mode");
        m.Train();
        Assert.True(m.Modules().All(x => x.IsTraining), "all in training mode");
    }

    /// <summary>ZeroGrad clears gradients to null, or with setToNone false to zeros.</summary>
    public static void ZeroGradClearsOrZeroesGradients()
    {
        var m = new Linear(2, 1);
        m.Forward(Tensor.Randn(4, 2)).Sum().Backward();
        Assert.True(m.Weight.Grad is not null, "a gradient after Backward");
        m.ZeroGrad(setToNone: false);
        M.AllClose(M.Values(m.Weight.Grad!), new[] { 0.0, 0.0 }, "zeros");
        m.ZeroGrad();
        Assert.True(m.Weight.Grad is null, "null after ZeroGrad()");
    }

    /// <summary>To(DType) converts parameters in place: the same Parameter objects, now float64; To returns the module with its type.</summary>
    public static void ToDTypeConvertsInPlaceAndKeepsTheType()
    {
        var m = new Linear(2, 2);
        var w = m.Weight;
        Linear same = m.To(DType.Float64);
        Assert.True(ReferenceEquals(same, m), "To returns the module");
        Assert.Equal(w.DType, DType.Float64, "the old Parameter object sees float64");
        Assert.True(ReferenceEquals(w, m.Weight), "the same Parameter");
        Assert.Equal(m.Forward(Tensor.From(new double[,] { { 1, 2 } })).DType, DType.Float64, "output dtype");
    }

    /// <summary>To(Device.Cpu) keeps everything on the CPU; converting to an integer dtype is the core's error.</summary>
    public static void ToDeviceAndBadDTypes()
    {
        var m = new Linear(2, 2).To(Device.Cpu);
        Assert.Equal(m.Weight.Device, Device.Cpu, "device");
        Assert.Throws<ArgumentException>(() => m.To(DType.Int64), "floating-point");
    }

    /// <summary>StateDict then LoadStateDict copies the values into another instance of the same model.</summary>
    public static void StateDictRoundTrips()
    {
        var a = new WithList();
        var b = new WithList();
        b.LoadStateDict(a.StateDict());
        foreach (var ((na, pa), (nb, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
            M.AllClose(M.Values(pb), M.Values(pa), nb);
        var x = Tensor.Randn(2, 3);
        M.AllClose(M.Values(b.Forward(x)), M.Values(a.Forward(x)), "same outputs");
    }

    /// <summary>Strict loading reports missing and unexpected keys as PyTorch does; non-strict ignores them.</summary>
    public static void StrictLoadingReportsMissingAndUnexpectedKeys()
    {
        var m = new Linear(2, 1);
        var partial = M.State(("weight", Tensor.Zeros(1, 2)), ("extra", Tensor.Zeros(1)));
        Assert.Throws<ArgumentException>(() => m.LoadStateDict(partial), "Missing key(s)", "\"bias\"", "Unexpected key(s)", "\"extra\"", "Linear");
        m.LoadStateDict(partial, strict: false);
        M.AllClose(M.Values(m.Weight), new[] { 0.0, 0.0 }, "the matching key was loaded");
    }

    /// <summary>A shape mismatch is an error even when not strict, and nothing is copied.</summary>
    public static void ShapeMismatchIsAnError()
    {
        var m = new Linear(2, 1);
        var before = M.Values(m.Bias!);
        var bad = M.State(("weight", Tensor.Zeros(3, 2)), ("bias", Tensor.Zeros(1)));
        Assert.Throws<ArgumentException>(() => m.LoadStateDict(bad, strict: false), "size mismatch for weight");
        M.AllClose(M.Values(m.Bias!), before, "bias untouched");
    }

    /// <summary>Save then Load restores the values; the Parameter objects stay the same.</summary>
    public static void SaveAndLoadRoundTrip()
    {
        var path = M.TempFile();
        try
        {
            var a = new CustomLinear(3, 2);
            a.Save(path);
            var b = new CustomLinear(3, 2);
            var w = b.Weight;
            b.Load(path);
            Assert.True(ReferenceEquals(w, b.Weight), "same Parameter object after Load");
            M.AllClose(M.Values(b.Weight), M.Values(a.Weight), "weight");
        }
        finally { File.Delete(path); }
    }

    /// <summary>SaveAsync then LoadAsync restore the values.</summary>
    public static void SaveAsyncAndLoadAsyncRoundTrip()
    {
        var path = M.TempFile();
        try
        {
            var a = new WithList();
            a.SaveAsync(path).GetAwaiter().GetResult();
            var b = new WithList();
            b.LoadAsync(path).GetAwaiter().GetResult();
            foreach (var ((_, pa), (nb, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
                M.AllClose(M.Values(pb), M.Values(pa), nb);
        }
        finally { File.Delete(path); }
    }

    /// <summary>A cancelled token stops SaveAsync before writing and LoadAsync before copying.</summary>
    public static void CancelledAsyncOperationsThrow()
    {
        var path = M.TempFile();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var m = new Linear(2, 2);
        Assert.Throws<OperationCanceledException>(() => m.SaveAsync(path, cts.Token).GetAwaiter().GetResult());
        Assert.True(!File.Exists(path), "nothing written");
        m.Save(path);
        try
        {
            var before = M.Values(m.Weight);
            var other = new Linear(2, 2);
            var otherBefore = M.Values(other.Weight);
            Assert.Throws<OperationCanceledException>(() => other.LoadAsync(path, cts.Token).GetAwaiter().GetResult());
            M.AllClose(M.Values(other.Weight), otherBefore, "nothing loaded");
        }
        finally { File.Delete(path); }
    }

    /// <summary>Loading a missing file is the core's error.</summary>
    public static void LoadingAMissingFileIsAnError() =>
        Assert.Throws<Exception>(() => new Linear(2, 2).Load(Path.Combine(Path.GetTempPath(), "nabla-no-such-file.pt")));

    /// <summary>ParameterValues gives the parameters by name; Call replaces them (functional call).</summary>
    public static void CallUsesTheGivenParameters()
    {
        var m = new Linear(2, 1, dtype: DType.Float64);
        var values = m.ParameterValues();
        Assert.Sequence(values.Keys.ToArray(), new[] { "weight", "bias" }, "names");
        Assert.True(!M.RequiresGradient(values["weight"]), "values do not require grad");
        var p = M.State(("weight", Tensor.From(new double[,] { { 1, 2 } })), ("bias", Tensor.From(new[] { 0.5 })));
        var y = m.Call(p, Tensor.From(new double[,] { { 3, 4 } }));
        Assert.Close(y.Item<double>(), 11.5, "1·3 + 2·4 + 0.5");
        Assert.Throws<ArgumentException>(() => m.Call(M.State(("nope", Tensor.Zeros(1))), Tensor.Zeros(1, 2)), "'nope' is not a parameter");
    }

    /// <summary>Gradients through Call reach the given values (a pure function of the parameters).</summary>
    public static void CallIsDifferentiableInTheParameters()
    {
        var m = new Linear(2, 1, dtype: DType.Float64);
        var w = Tensor.From(new double[,] { { 1, 2 } }).RequiresGrad();
        var b = Tensor.From(new[] { 0.5 }).RequiresGrad();
        m.Call(M.State(("weight", w), ("bias", b)), Tensor.From(new double[,] { { 3, 4 } })).Sum().Backward();
        M.AllClose(M.Values(w.Grad!), new[] { 3.0, 4.0 }, "d/dw");
        Assert.True(m.Weight.Grad is null, "the module's own weight is untouched");
    }

    /// <summary>Summary lists each module with its parameter count and the total.</summary>
    public static void SummaryListsModulesAndTotal()
    {
        var s = new WithList().Summary();
        Assert.True(s.Contains("layers.0") && s.Contains("Linear") && s.Contains("Total parameters: 44"), s);
    }

    /// <summary>A C# module prints with its C# class name, as PyTorch prints the class.</summary>
    public static void ToStringUsesTheCSharpClassName() =>
        Assert.Equal(new DerivedNet().ToString(),
            "DerivedNet(\n  (first): Linear(in_features=2, out_features=2, bias=True)\n  (second): Linear(in_features=2, out_features=2, bias=True)\n)", "printout");

    /// <summary>Dispose frees the parameters: using one afterwards raises ObjectDisposedException.</summary>
    public static void DisposeFreesTheParameters()
    {
        var m = new Linear(2, 2);
        var w = m.Weight;
        m.Dispose();
        Assert.Throws<ObjectDisposedException>(() => w.ToArray<float>());
    }

    /// <summary>The automatic registration adds nothing to Forward: a C# module's Forward through a
    /// Sequential gives the same values as calling it directly.</summary>
    public static void ForwardThroughSequentialCallsTheCSharpForward()
    {
        var custom = new CustomLinear(3, 2);
        var seq = new Sequential(custom, new ReLU());
        var x = Tensor.Randn(4, 3);
        var direct = M.Values(custom.Forward(x)).Select(v => Math.Max(0, v)).ToArray();
        M.AllClose(M.Values(seq.Forward(x)), direct, "output");
        Assert.Sequence(M.Names(seq), new[] { "0.weight", "0.bias" }, "names");
    }
}
