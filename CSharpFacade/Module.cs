using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// The base class of every layer and model (PyTorch's <c>nn.Module</c>). Write a layer by
/// deriving from it, creating parameters and submodules in the constructor, and overriding
/// <see cref="Forward(Tensor)"/>:
/// <code>
/// class CustomLinear : Module {
///     private readonly Parameter weight, bias;
///     public CustomLinear(int inputSize, int outputSize) {
///         weight = new Parameter(Tensor.Randn(outputSize, inputSize));
///         bias = new Parameter(Tensor.Randn(outputSize));
///     }
///     public override Tensor Forward(Tensor x) => ...;
/// }
/// </code>
/// </summary>
/// <remarks>
/// <para>Fields and auto-properties of a module written in C# whose declared type is
/// <see cref="Parameter"/> or a <see cref="Module"/> (layers, <see cref="ModuleList"/>,
/// <see cref="ModuleDict"/>, ...) are registered automatically, as PyTorch's attribute assignment
/// does: in declaration order (base classes first), under the member's name without leading
/// underscores and with its first letter lowercased (<c>Hidden</c> → <c>"hidden"</c>;
/// <see cref="StateNameAttribute"/> overrides it, <see cref="NotRegisteredAttribute"/> opts out).
/// Registration happens on the first use of the module tree (parameters, state dict, printing,
/// modes, conversion, optimizers), after the constructor has assigned the fields; members still
/// null then are registered when they get a value.</para>
/// <para>Unlike PyTorch, replacing a registered member by another parameter or module (or null)
/// is an error, reported with an <see cref="InvalidOperationException"/> on the next use of the
/// tree: change a parameter's values in place instead, or build the module with its final members.</para>
/// <para>A facade module wraps a module of the F# core: for the built-in layers, the F# layer
/// itself; for a module written in C#, an adapter whose Forward calls this one's, so that
/// printing, state dicts and optimizers see the same tree as in F#.</para>
/// </remarks>
public abstract partial class Module : IDisposable
{
    /// <summary>The facade object of each F# module (built-in layers and C# modules alike).</summary>
    private static readonly ConditionalWeakTable<F.NN.Module, Module> Wrappers = new();

    private readonly F.NN.Module core;

    /// <summary>True for a module written in C# (its members are registered automatically).</summary>
    private readonly bool written;

    /// <summary>The value registered for each automatic member (see <see cref="Members"/>), null until registered.</summary>
    private object?[]? registered;

    /// <summary>The F# objects (parameter tensors, modules) this module registered itself, explicitly or automatically.</summary>
    private HashSet<object>? own;

    /// <summary>True once the tree below this module has been synchronised at least once.</summary>
    private bool synced;

    /// <summary>A module written in C#: its <see cref="Forward(Tensor)"/> is the computation.</summary>
    protected Module()
    {
        core = new Adapter(this);
        written = true;
        Wrappers.AddOrUpdate(core, this);
    }

    /// <summary>A built-in layer: wraps the F# core's module.</summary>
    internal Module(F.NN.Module core)
    {
        ArgumentNullException.ThrowIfNull(core);
        this.core = core;
        Wrappers.AddOrUpdate(core, this);
    }

    /// <summary>The F# core's module this wraps, with the members of modules written in C#
    /// registered (what other parts of the facade hand to the F# core).</summary>
    internal F.NN.Module Core
    {
        get
        {
            if (!synced) Sync();
            return core;
        }
    }

    /// <summary>The facade object of an F# module: the one that created it, or a generic wrapper
    /// for a submodule the F# core built itself (e.g. MultiheadAttention's out_proj).</summary>
    internal static Module Of(F.NN.Module m) => Wrappers.GetValue(m, static c => KnownLayers.Wrap(c) ?? new CoreModule(c));

    /// <summary>The module's computation (PyTorch's <c>forward</c>).</summary>
    /// <param name="input">The input batch.</param>
    /// <returns>The output.</returns>
    public abstract Tensor Forward(Tensor input);

    // ---------------------------------------------------------------- registration

    /// <summary>Registers <paramref name="value"/> as a parameter named <paramref name="name"/> and
    /// returns it as a leaf that requires gradients (PyTorch's <c>register_parameter</c>). Not
    /// needed for <see cref="Parameter"/> fields, which are registered automatically.</summary>
    /// <param name="name">The parameter's name in the state dict (no dots).</param>
    /// <param name="value">Its initial value.</param>
    /// <returns>The parameter.</returns>
    protected Parameter RegisterParameter(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var p = core.RegisterParameter(name, value.Value);
        (own ??= new(ReferenceEqualityComparer.Instance)).Add(p);
        return value is Parameter given && ReferenceEquals(given.Value, p) ? given : Parameter.Wrap(p);
    }

    /// <summary>Registers <paramref name="module"/> as a submodule named <paramref name="name"/> and
    /// returns it (PyTorch's <c>add_module</c>). Not needed for fields and auto-properties, which
    /// are registered automatically.</summary>
    /// <typeparam name="TModule">The submodule's type.</typeparam>
    /// <param name="name">The submodule's name, the prefix of its parameters' names (no dots).</param>
    /// <param name="module">The submodule.</param>
    /// <returns><paramref name="module"/>.</returns>
    protected TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        core.RegisterModule(name, module.Core);
        (own ??= new(ReferenceEqualityComparer.Instance)).Add(module.core);
        return module;
    }

    /// <summary>Registers a buffer: state that is not a parameter but belongs to the module (as
    /// BatchNorm's running statistics), moved and converted with it and saved in its state dict
    /// unless <paramref name="persistent"/> is false (PyTorch's <c>register_buffer</c>).</summary>
    /// <param name="name">The buffer's name (no dots).</param>
    /// <param name="value">Its value.</param>
    /// <param name="persistent">Whether the state dict includes it.</param>
    /// <returns>The buffer (a tensor that does not require gradients) to use in Forward.</returns>
    protected Tensor RegisterBuffer(string name, Tensor value, bool persistent = true)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Tensor.Wrap(core.RegisterBuffer(name, value.Value, persistent));
    }

    /// <summary>Registers the automatic members of every module written in C# in the tree below
    /// this one, and checks that registered ones were not replaced. Run before every use of the tree.</summary>
    private void Sync()
    {
        var seen = new HashSet<F.NN.Module>(ReferenceEqualityComparer.Instance);
        Walk(core, seen);

        static void Walk(F.NN.Module m, HashSet<F.NN.Module> seen)
        {
            if (!seen.Add(m)) return;
            if (m is Adapter a) a.Owner.SyncMembers();
            foreach (var child in m.Children()) Walk(child, seen);
        }
        synced = true;
    }

    private void SyncMembers()
    {
        if (!written) return;
        var members = Members.Of(GetType());
        if (members.Length == 0) return;
        registered ??= new object?[members.Length];
        for (int i = 0; i < members.Length; i++)
        {
            var member = members[i];
            var value = member.Field.GetValue(this);
            var before = registered[i];
            if (before is not null)
            {
                if (!ReferenceEquals(before, value))
                    throw new InvalidOperationException(
                        $"{GetType().Name}: the member '{member.Field.Name}' (registered as '{member.Name}') was assigned another " +
                        $"{(value is null ? "value (null)" : value.GetType().Name)} after it was registered. Registered parameters and " +
                        "submodules cannot be replaced (optimizers and state dicts hold the first one): change the parameter's values " +
                        "in place, or assign the final parameter or module in the constructor.");
                continue;
            }
            if (value is null) continue;
            own ??= new(ReferenceEqualityComparer.Instance);
            switch (value)
            {
                case Parameter p:
                    if (own.Add(p.Value)) core.RegisterParameter(member.Name, p.Value);
                    break;
                case Module m:
                    if (ReferenceEquals(m, this))
                        throw new InvalidOperationException($"{GetType().Name}: the member '{member.Field.Name}' holds the module itself; a module cannot be its own submodule.");
                    var child = m.Core;
                    if (own.Add(m.core)) core.RegisterModule(member.Name, child);
                    break;
            }
            registered[i] = value;
        }
    }

    /// <summary>The automatic members of each type written in C#, found once per type.</summary>
    private static class Members
    {
        private static readonly ConcurrentDictionary<Type, Member[]> Cache = new();

        public static Member[] Of(Type type) => Cache.GetOrAdd(type, Find);

        private static Member[] Find(Type type)
        {
            var chain = new List<Type>();
            for (var t = type; t is not null && t != typeof(Module); t = t.BaseType) chain.Add(t);
            chain.Reverse();
            var result = new List<Member>();
            const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (var t in chain)
            {
                // Metadata order is declaration order (reflection does not promise it, hence the sort).
                foreach (var f in t.GetFields(flags).OrderBy(f => f.MetadataToken))
                {
                    if (!typeof(Parameter).IsAssignableFrom(f.FieldType) && !typeof(Module).IsAssignableFrom(f.FieldType)) continue;
                    var memberName = f.Name;
                    MemberInfo attributes = f;
                    // An auto-property's backing field: <Name>k__BackingField.
                    if (memberName.StartsWith('<') && memberName.IndexOf(">k__BackingField", StringComparison.Ordinal) is var end and > 0)
                    {
                        memberName = memberName[1..end];
                        if (t.GetProperty(memberName, flags) is { } prop) attributes = prop;
                    }
                    if (attributes.IsDefined(typeof(NotRegisteredAttribute), true) || f.IsDefined(typeof(NotRegisteredAttribute), true)) continue;
                    var named = attributes.GetCustomAttribute<StateNameAttribute>(true) ?? f.GetCustomAttribute<StateNameAttribute>(true);
                    result.Add(new Member(f, named?.Name ?? DefaultName(memberName)));
                }
            }
            return result.ToArray();
        }

        /// <summary>PyTorch's attribute name for a C# member: leading underscores removed, first letter lowercased.</summary>
        internal static string DefaultName(string member)
        {
            var s = member.TrimStart('_');
            if (s.Length == 0) return member;
            return char.ToLowerInvariant(s[0]) + s[1..];
        }
    }

    private sealed record Member(FieldInfo Field, string Name);

    // ---------------------------------------------------------------- what a module holds

    /// <summary>Every parameter of this module and its submodules, in registration order, each
    /// once (PyTorch's <c>parameters()</c>): what an optimizer takes.</summary>
    /// <returns>The parameters (the same objects on every call).</returns>
    public IReadOnlyList<Parameter> Parameters()
    {
        Sync();
        var list = new List<Parameter>();
        foreach (var p in core.Parameters()) list.Add(Parameter.Wrap(p));
        return list;
    }

    /// <summary>Every parameter with its dotted name (<c>"hidden.linear.weight"</c>), in PyTorch's
    /// order (PyTorch's <c>named_parameters()</c>): <c>foreach (var (name, p) in m.NamedParameters())</c>.</summary>
    /// <returns>(name, parameter) pairs.</returns>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters()
    {
        Sync();
        var list = new List<(string, Parameter)>();
        foreach (var np in core.NamedParameters()) list.Add((np.Item1, Parameter.Wrap(np.Item2)));
        return list;
    }

    /// <summary>Every buffer (state that is not a parameter, as BatchNorm's running statistics)
    /// of this module and its submodules (PyTorch's <c>buffers()</c>).</summary>
    /// <returns>The buffers.</returns>
    public IReadOnlyList<Tensor> Buffers()
    {
        Sync();
        var list = new List<Tensor>();
        foreach (var b in core.Buffers()) list.Add(Tensor.Wrap(b));
        return list;
    }

    /// <summary>Every buffer with its dotted name (PyTorch's <c>named_buffers()</c>).</summary>
    /// <returns>(name, buffer) pairs.</returns>
    public IReadOnlyList<(string Name, Tensor Buffer)> NamedBuffers()
    {
        Sync();
        var list = new List<(string, Tensor)>();
        foreach (var nb in core.NamedBuffers()) list.Add((nb.Item1, Tensor.Wrap(nb.Item2)));
        return list;
    }

    /// <summary>The direct submodules, in registration order (PyTorch's <c>children()</c>).</summary>
    /// <returns>The submodules.</returns>
    public IReadOnlyList<Module> Children()
    {
        Sync();
        var list = new List<Module>();
        foreach (var m in core.Children()) list.Add(Of(m));
        return list;
    }

    /// <summary>The direct submodules with their names (PyTorch's <c>named_children()</c>).</summary>
    /// <returns>(name, module) pairs.</returns>
    public IReadOnlyList<(string Name, Module Module)> NamedChildren()
    {
        Sync();
        var list = new List<(string, Module)>();
        foreach (var nm in core.NamedChildren()) list.Add((nm.Item1, Of(nm.Item2)));
        return list;
    }

    /// <summary>This module and every module below it, depth first, each once (PyTorch's <c>modules()</c>).</summary>
    /// <returns>The modules, this one first.</returns>
    public IReadOnlyList<Module> Modules()
    {
        Sync();
        var list = new List<Module>();
        foreach (var m in core.Modules()) list.Add(Of(m));
        return list;
    }

    /// <summary>This module and every module below it with their dotted names (<c>""</c> for this
    /// one), depth first (PyTorch's <c>named_modules()</c>).</summary>
    /// <returns>(name, module) pairs.</returns>
    public IReadOnlyList<(string Name, Module Module)> NamedModules()
    {
        Sync();
        var list = new List<(string, Module)>();
        foreach (var nm in core.NamedModules()) list.Add((nm.Item1, Of(nm.Item2)));
        return list;
    }

    /// <summary>The number of parameter elements (trainable values), shared ones counted once.</summary>
    public long ParameterCount
    {
        get
        {
            Sync();
            return core.ParameterCount;
        }
    }

    // ---------------------------------------------------------------- modes

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>
    /// (PyTorch's <c>training</c>). Dropout and BatchNorm read it.</summary>
    public bool IsTraining => core.IsTraining;

    /// <summary>Sets training mode (or, with false, evaluation mode) on this module and every
    /// submodule (PyTorch's <c>train(mode)</c>).</summary>
    /// <param name="mode">True for training, false for evaluation.</param>
    public void Train(bool mode = true)
    {
        Sync();
        core.Train(mode);
    }

    /// <summary>Evaluation mode: Dropout passes values through, BatchNorm uses its running
    /// statistics (PyTorch's <c>eval()</c>).</summary>
    public void Eval() => Train(false);

    /// <summary>Clears the gradient of every parameter (PyTorch's <c>zero_grad</c>).</summary>
    /// <param name="setToNone">True (the default): gradients become null; false: zeros.</param>
    public void ZeroGrad(bool setToNone = true)
    {
        Sync();
        core.ZeroGrad(setToNone);
    }

    // ---------------------------------------------------------------- conversion

    /// <summary>Moves every parameter and buffer (and gradient) to <paramref name="device"/>, in
    /// place: the parameter objects stay the same (PyTorch's <c>module.to(device)</c>).</summary>
    /// <param name="device">The target device.</param>
    public void MoveTo(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Sync();
        core.To(device.Value);
    }

    /// <summary>Converts every floating-point parameter and buffer (and gradient) to
    /// <paramref name="dtype"/>, in place (PyTorch's <c>module.to(dtype)</c>); integer buffers keep
    /// their dtype.</summary>
    /// <param name="dtype">A floating-point dtype.</param>
    public void ConvertTo(DType dtype)
    {
        Sync();
        core.To(dtype.ToCore());
    }

    // ---------------------------------------------------------------- state dicts and files

    /// <summary>The named values to save (PyTorch's <c>state_dict()</c>): every parameter and
    /// persistent buffer under PyTorch's names for the same architecture, sharing the module's
    /// memory, not requiring gradients.</summary>
    /// <returns>The state dict.</returns>
    public Params StateDict()
    {
        Sync();
        return Params.Wrap(core.StateDict());
    }

    /// <summary>Copies a state dict's values into the parameters and persistent buffers, in place
    /// (PyTorch's <c>load_state_dict</c>). Nothing is copied unless everything fits.</summary>
    /// <param name="state">The state dict, e.g. from <see cref="StateDict"/> or a file.</param>
    /// <param name="strict">True (the default): every key must match; false: missing and
    /// unexpected keys are ignored. A shape mismatch is an error either way.</param>
    /// <exception cref="ArgumentException">Missing or unexpected keys, or shape mismatches (all listed, as PyTorch does).</exception>
    public void LoadStateDict(Params state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        Sync();
        core.LoadStateDict(state.Value, strict);
    }

    /// <summary>Saves <see cref="StateDict"/> to <paramref name="path"/> in PyTorch's format
    /// (atomically), so that <c>model.load_state_dict(torch.load(path))</c> loads it in PyTorch.</summary>
    /// <param name="path">The file to write.</param>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Sync();
        core.Save(path);
    }

    /// <summary>Loads a file written by <see cref="Save"/> or by PyTorch's
    /// <c>torch.save(model.state_dict(), path)</c> into this module (strict).</summary>
    /// <param name="path">The file to read.</param>
    public void Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Sync();
        core.Load(path);
    }

    /// <summary><see cref="Save"/> on the thread pool.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="cancellationToken">Cancels the save before it starts.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        Sync();
        return Task.Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            core.Save(path);
        }, cancellationToken);
    }

    /// <summary><see cref="Load"/> with the file read on the thread pool.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="cancellationToken">Cancels the load before the values are copied into the module.</param>
    /// <returns>A task that completes when the module holds the file's values.</returns>
    public async Task LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        Sync();
        var state = await Task.Run(() => F.StateDict.load(path), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        core.LoadStateDict(state, true);
    }

    // ---------------------------------------------------------------- the functional view

    /// <summary>The parameters as named values that do not require gradients (sharing the
    /// module's memory): the argument of <see cref="Call"/> and of transforms over parameters.</summary>
    /// <returns>The parameters' values by name.</returns>
    public Params ParameterValues()
    {
        Sync();
        return Params.Wrap(core.ParameterValues());
    }

    /// <summary>Forward with the parameters named in <paramref name="parameters"/> replaced by its
    /// tensors (PyTorch's <c>torch.func.functional_call</c>): a pure function of the parameters,
    /// so that gradients over them (<c>Autodiff.Grad</c> over <see cref="Params"/>) work on modules.
    /// Parameters not named keep the module's values.</summary>
    /// <param name="parameters">Replacement values, each with its parameter's shape and dtype.</param>
    /// <param name="input">The input batch.</param>
    /// <returns>The output.</returns>
    public Tensor Call(Params parameters, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(input);
        Sync();
        return Tensor.Wrap(core.Functional(parameters.Value, input.Value));
    }

    // ---------------------------------------------------------------- printing

    /// <summary>A table of every module with its parameter count and shapes, and the total.</summary>
    /// <returns>The table.</returns>
    public string Summary()
    {
        Sync();
        return core.Summary();
    }

    /// <summary>The module printed as PyTorch prints it: its layers and their settings.</summary>
    public override string ToString()
    {
        Sync();
        return core.ToString();
    }

    // ---------------------------------------------------------------- memory

    /// <summary>Frees the native memory of every parameter and buffer (and gradient) of the module
    /// and its submodules; the module cannot be used afterwards.</summary>
    public void Dispose()
    {
        Sync();
        core.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The F# module standing for a module written in C#.</summary>
    private sealed class Adapter(Module owner) : F.NN.Module
    {
        public Module Owner => owner;

        public override F.Tensor Forward(F.Tensor input) => owner.Forward(Tensor.Wrap(input)).Value;

        public override string TypeName => owner.GetType().Name;
    }

    /// <summary>A module the F# core built itself, seen from C#.</summary>
    private sealed class CoreModule(F.NN.Module core) : Module(core)
    {
        public override Tensor Forward(Tensor input)
        {
            ArgumentNullException.ThrowIfNull(input);
            return Tensor.Wrap(Core.Forward(input.Value));
        }
    }
}

/// <summary>Conversions of modules that return the module itself, so that
/// <c>var model = new Net().To(Device.Cuda())</c> keeps its type.</summary>
public static class ModuleExtensions
{
    /// <summary>Moves every parameter and buffer to <paramref name="device"/>, in place, and returns
    /// the module (PyTorch's <c>module.to(device)</c>).</summary>
    /// <typeparam name="TModule">The module's type.</typeparam>
    /// <param name="module">The module.</param>
    /// <param name="device">The target device.</param>
    /// <returns><paramref name="module"/>.</returns>
    public static TModule To<TModule>(this TModule module, Device device) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        module.MoveTo(device);
        return module;
    }

    /// <summary>Converts every floating-point parameter and buffer to <paramref name="dtype"/>, in
    /// place, and returns the module (PyTorch's <c>module.to(dtype)</c>).</summary>
    /// <typeparam name="TModule">The module's type.</typeparam>
    /// <param name="module">The module.</param>
    /// <param name="dtype">A floating-point dtype.</param>
    /// <returns><paramref name="module"/>.</returns>
    public static TModule To<TModule>(this TModule module, DType dtype) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        module.ConvertTo(dtype);
        return module;
    }
}
