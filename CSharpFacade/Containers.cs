using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>Modules applied one after another, each to the previous one's output (PyTorch's
/// <c>nn.Sequential</c>), named "0", "1", ... as in PyTorch (or by the names given). With
/// <see cref="Nn.Sequential()"/> it is also the fluent builder: <c>Nn.Sequential().Linear(1, 20).ReLU().Linear(20, 1)</c>.</summary>
public sealed class Sequential : Module, IReadOnlyList<Module>
{
    private readonly F.NN.Sequential layer;
    private readonly List<Module> items;

    /// <summary>Modules named "0", "1", ...: <c>new Sequential(new Linear(1, 20), new ReLU(), new Linear(20, 1))</c>.</summary>
    /// <param name="modules">The modules, in order.</param>
    public Sequential(params Module[] modules)
        : this(Checked(modules), new F.NN.Sequential(Checked(modules).Select(m => m.Core).ToArray()))
    {
    }

    /// <summary>Modules with names (PyTorch's <c>OrderedDict</c> form).</summary>
    /// <param name="named">(name, module) pairs, in order.</param>
    public Sequential(IEnumerable<KeyValuePair<string, Module>> named)
        : this(NamedList(named))
    {
    }

    private Sequential(IEnumerable<Module> modules, F.NN.Sequential layer)
        : base(layer)
    {
        this.layer = layer;
        items = new List<Module>(modules);
    }

    private Sequential(List<KeyValuePair<string, Module>> named)
        : this(named.Select(kv => kv.Value), new F.NN.Sequential(named.Select(kv => Tuple.Create(kv.Key, kv.Value.Core)).ToArray()))
    {
    }

    private static Module[] Checked(Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
            if (m is null) throw new ArgumentNullException(nameof(modules), "Sequential: a module is null.");
        return modules;
    }

    private static List<KeyValuePair<string, Module>> NamedList(IEnumerable<KeyValuePair<string, Module>> named)
    {
        ArgumentNullException.ThrowIfNull(named);
        var list = named.ToList();
        foreach (var kv in list)
            if (kv.Value is null) throw new ArgumentNullException(nameof(named), $"Sequential: the module named '{kv.Key}' is null.");
        return list;
    }

    /// <summary>Each module applied to the previous one's output.</summary>
    /// <param name="input">The input of the first module.</param>
    /// <returns>The output of the last module (the input itself when empty).</returns>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(layer.Forward(input.Value));
    }

    /// <summary>Adds <paramref name="module"/> at the end, named by its position, and returns this
    /// Sequential (PyTorch's <c>append</c>).</summary>
    /// <param name="module">The module.</param>
    /// <returns>This Sequential.</returns>
    public Sequential Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        layer.Append(module.Core);
        items.Add(module);
        return this;
    }

    /// <summary>Adds <paramref name="module"/> at the end (as <see cref="Append"/>); for the fluent builder and collection initialisers.</summary>
    /// <param name="module">The module.</param>
    /// <returns>This Sequential.</returns>
    public Sequential Add(Module module) => Append(module);

    /// <summary>The i-th module; negative counts from the end.</summary>
    /// <param name="index">The position.</param>
    /// <exception cref="ArgumentOutOfRangeException">No module at that position.</exception>
    public Module this[int index]
    {
        get
        {
            var j = index < 0 ? index + items.Count : index;
            if (j < 0 || j >= items.Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"Sequential: index {index} is out of range for {items.Count} modules.");
            return items[j];
        }
    }

    /// <summary>The number of modules.</summary>
    public int Count => items.Count;

    /// <summary>The modules in order.</summary>
    /// <returns>An enumerator.</returns>
    public IEnumerator<Module> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A list of modules whose parameters are registered (PyTorch's <c>nn.ModuleList</c>):
/// index it and loop over it in your own Forward. Named "0", "1", ...</summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    private readonly F.NN.ModuleList layer;
    private readonly List<Module> items = new();

    /// <summary>A list of <paramref name="modules"/>.</summary>
    /// <param name="modules">The modules, in order.</param>
    public ModuleList(params Module[] modules)
        : this((IEnumerable<Module>)modules)
    {
    }

    /// <summary>A list of <paramref name="modules"/>.</summary>
    /// <param name="modules">The modules, in order.</param>
    public ModuleList(IEnumerable<Module> modules)
        : base(new F.NN.ModuleList())
    {
        ArgumentNullException.ThrowIfNull(modules);
        layer = (F.NN.ModuleList)Core;
        Extend(modules);
    }

    /// <summary>Adds a module at the end (PyTorch's <c>append</c>).</summary>
    /// <param name="module">The module.</param>
    /// <returns>This list.</returns>
    public ModuleList Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        layer.Append(module.Core);
        items.Add(module);
        return this;
    }

    /// <summary>Adds a module at the end (as <see cref="Append"/>; for collection initialisers).</summary>
    /// <param name="module">The module.</param>
    public void Add(Module module) => Append(module);

    /// <summary>Adds modules at the end (PyTorch's <c>extend</c>).</summary>
    /// <param name="modules">The modules.</param>
    /// <returns>This list.</returns>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
        return this;
    }

    /// <summary>The i-th module; negative counts from the end.</summary>
    /// <param name="index">The position.</param>
    /// <exception cref="ArgumentOutOfRangeException">No module at that position.</exception>
    public Module this[int index]
    {
        get
        {
            var j = index < 0 ? index + items.Count : index;
            if (j < 0 || j >= items.Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"ModuleList: index {index} is out of range for {items.Count} modules.");
            return items[j];
        }
    }

    /// <summary>The number of modules.</summary>
    public int Count => items.Count;

    /// <summary>Not supported: a ModuleList does not compute; call its elements (the core's NotSupportedException).</summary>
    /// <param name="input">Unused.</param>
    /// <returns>Never returns.</returns>
    public override Tensor Forward(Tensor input) => Tensor.Wrap(layer.Forward(input?.Value!));

    /// <summary>The modules in order.</summary>
    /// <returns>An enumerator.</returns>
    public IEnumerator<Module> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Modules by name, in insertion order, whose parameters are registered (PyTorch's <c>nn.ModuleDict</c>).</summary>
public sealed class ModuleDict : Module, IReadOnlyDictionary<string, Module>
{
    private readonly F.NN.ModuleDict layer;
    private readonly List<KeyValuePair<string, Module>> items = new();
    private readonly Dictionary<string, Module> byName = new();

    /// <summary>An empty dictionary.</summary>
    public ModuleDict()
        : this(Array.Empty<KeyValuePair<string, Module>>())
    {
    }

    /// <summary>A dictionary of <paramref name="modules"/>.</summary>
    /// <param name="modules">(name, module) pairs, in order.</param>
    public ModuleDict(IEnumerable<KeyValuePair<string, Module>> modules)
        : base(new F.NN.ModuleDict())
    {
        ArgumentNullException.ThrowIfNull(modules);
        layer = (F.NN.ModuleDict)Core;
        foreach (var kv in modules) Add(kv.Key, kv.Value);
    }

    /// <summary>Adds a module under a new name (for collection initialisers: <c>new ModuleDict { ["a"] = ... }</c>
    /// is not supported; use <c>{ { "a", new Linear(2, 3) } }</c>).</summary>
    /// <param name="name">The module's name (no dots, not taken).</param>
    /// <param name="module">The module.</param>
    public void Add(string name, Module module)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(module);
        layer.Add(name, module.Core);
        items.Add(new(name, module));
        byName[name] = module;
    }

    /// <summary>The module named <paramref name="key"/>.</summary>
    /// <param name="key">A name.</param>
    /// <exception cref="KeyNotFoundException">No module has that name (the message lists the names).</exception>
    public Module this[string key] =>
        byName.TryGetValue(key, out var m) ? m : throw new KeyNotFoundException($"ModuleDict: no module named '{key}'. Names: {string.Join(", ", byName.Keys)}.");

    /// <summary>The names, in insertion order.</summary>
    public IEnumerable<string> Keys => items.Select(kv => kv.Key);

    /// <summary>The modules, in insertion order.</summary>
    public IEnumerable<Module> Values => items.Select(kv => kv.Value);

    /// <summary>The number of modules.</summary>
    public int Count => items.Count;

    /// <summary>True when a module has this name.</summary>
    /// <param name="key">A name.</param>
    public bool ContainsKey(string key) => byName.ContainsKey(key);

    /// <summary>The module with this name, if there is one.</summary>
    /// <param name="key">A name.</param>
    /// <param name="value">The module, or null.</param>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Module value) => byName.TryGetValue(key, out value);

    /// <summary>Not supported: a ModuleDict does not compute; call its elements (the core's NotSupportedException).</summary>
    /// <param name="input">Unused.</param>
    /// <returns>Never returns.</returns>
    public override Tensor Forward(Tensor input) => Tensor.Wrap(layer.Forward(input?.Value!));

    /// <summary>The (name, module) pairs in insertion order.</summary>
    /// <returns>An enumerator.</returns>
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
