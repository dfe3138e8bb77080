using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>The facade's public surface as reflection sees it: no F# type anywhere in it.</summary>
public static class SurfaceTests
{
    static readonly Assembly Facade = typeof(Tensor).Assembly;

    /// <summary>Every type a signature mentions, through arrays, by-refs, pointers, nullables and
    /// generic arguments.</summary>
    static IEnumerable<Type> Mentioned(Type t)
    {
        yield return t;
        if (t.HasElementType)
            foreach (var e in Mentioned(t.GetElementType()!)) yield return e;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments())
                foreach (var e in Mentioned(a)) yield return e;
    }

    static bool IsFSharp(Type t) =>
        t.Assembly.GetName().Name == "FSharp.Core"
        || (t.Namespace ?? "").StartsWith("Microsoft.FSharp", StringComparison.Ordinal)
        || t.Assembly.GetName().Name == "Nabla" // the F# core's own types (Nabla.Tensor, Nabla.Params, ...)
        || (t.FullName ?? "").StartsWith("System.Tuple`", StringComparison.Ordinal); // F# tuples as results

    /// <summary>(member, type) for every type in every public signature of the facade.</summary>
    static IEnumerable<(string Member, Type Type)> Signatures()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in Facade.GetExportedTypes())
        {
            if (type.BaseType is { } b) yield return ($"{type.FullName} : base", b);
            foreach (var i in type.GetInterfaces()) yield return ($"{type.FullName} : interface", i);
            foreach (var m in type.GetMembers(all | BindingFlags.NonPublic))
            {
                // Public and protected members are the surface a C# user sees (protected: subclasses).
                var visible = m switch
                {
                    MethodBase mb => mb.IsPublic || mb.IsFamily || mb.IsFamilyOrAssembly,
                    FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
                    PropertyInfo p => p.GetAccessors(true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
                    EventInfo e => e.AddMethod is { } a && (a.IsPublic || a.IsFamily),
                    Type nt => nt.IsNestedPublic || nt.IsNestedFamily,
                    _ => false,
                };
                if (!visible) continue;
                var name = $"{type.FullName}.{m.Name}";
                switch (m)
                {
                    case MethodInfo mi:
                        yield return (name, mi.ReturnType);
                        foreach (var p in mi.GetParameters()) yield return (name, p.ParameterType);
                        break;
                    case ConstructorInfo ci:
                        foreach (var p in ci.GetParameters()) yield return (name, p.ParameterType);
                        break;
                    case PropertyInfo pi:
                        yield return (name, pi.PropertyType);
                        foreach (var p in pi.GetIndexParameters()) yield return (name, p.ParameterType);
                        break;
                    case FieldInfo fi:
                        yield return (name, fi.FieldType);
                        break;
                    case EventInfo ei when ei.EventHandlerType is { } h:
                        yield return (name, h);
                        break;
                }
            }
        }
    }

    /// <summary>No public or protected signature of Nabla.CSharp mentions an F# type (FSharpFunc,
    /// FSharpList, FSharpOption, System.Tuple results, or the F# core's own types).</summary>
    public static void NoFSharpTypeInAnyPublicSignature()
    {
        var offenders = Signatures()
            .SelectMany(s => Mentioned(s.Type).Where(IsFSharp).Select(t => $"{s.Member}: {t.FullName}"))
            .Distinct()
            .ToList();
        Assert.True(offenders.Count == 0, "F# types in public signatures:\n  " + string.Join("\n  ", offenders));
    }

    /// <summary>Every public type of the facade is in namespace Nabla.CSharp, so one
    /// <c>using Nabla.CSharp;</c> brings it all into scope.</summary>
    public static void EveryPublicTypeIsInNamespaceNablaCSharp()
    {
        var outside = Facade.GetExportedTypes().Where(t => t.Namespace != "Nabla.CSharp").Select(t => t.FullName).ToList();
        Assert.True(outside.Count == 0, "types outside Nabla.CSharp: " + string.Join(", ", outside));
    }
}
