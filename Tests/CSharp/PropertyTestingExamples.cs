using System;
using System.Linq;
using FsCheck;
using Microsoft.FSharp.Core;
using Nabla;
using Nabla.FsCheck;

namespace Nabla.Tests.CSharp;

/// <summary>
/// Nabla.FsCheck as a C# user writes it: properties of a function's derivatives built from
/// <c>Func&lt;Tensor, Tensor&gt;</c> with <see cref="GradientProperties"/>, run by
/// <see cref="GradientProperties.Check(Property)"/> (which throws on a counterexample), and a custom
/// op (Op.define1) with a wrong derivative caught with a readable message.
/// </summary>
public static class PropertyTestingExamples
{
    static void Expect(bool condition, string what)
    {
        if (!condition) throw new Exception($"C# property testing: {what}");
    }

    /// <summary>x³ as a user-defined op whose rules say 2x² instead of 3x² (both modes).</summary>
    static Func<Tensor, Tensor> WrongCube()
    {
        var op = Op.define1(
            "wrongCube",
            FuncConvert.FromFunc<Tensor, Tensor>(x => x * x * x),
            FuncConvert.FromFunc<Tensor, Tensor, Tensor, Tensor>((x, y, dx) => 2.0 * x * x * dx),
            FuncConvert.FromFunc<Tensor, Tensor, Tensor, Tensor>((x, y, g) => 2.0 * x * x * g));
        return x => op.Invoke(x);
    }

    /// <summary>The same op with the right rules.</summary>
    static Func<Tensor, Tensor> Cube()
    {
        var op = Op.define1(
            "cube",
            FuncConvert.FromFunc<Tensor, Tensor>(x => x * x * x),
            FuncConvert.FromFunc<Tensor, Tensor, Tensor, Tensor>((x, y, dx) => 3.0 * x * x * dx),
            FuncConvert.FromFunc<Tensor, Tensor, Tensor, Tensor>((x, y, g) => 3.0 * x * x * g));
        return x => op.Invoke(x);
    }

    static string FailureOf(Property property)
    {
        try
        {
            GradientProperties.Check(property, 20);
        }
        catch (PropertyFailedException e)
        {
            return e.Message;
        }
        throw new Exception("C# property testing: the property passed; it should have failed");
    }

    /// <summary>GradCheck, ForwardEqualsReverse and SecondOrder pass on a right function, with
    /// default inputs, a domain and a fixed shape.</summary>
    public static void PropertiesPassOnTheRightDerivatives()
    {
        var cube = Cube();
        GradientProperties.Check(GradientProperties.GradCheck(x => Tensor.Sin(x) * x + cube(x)), 15);
        GradientProperties.Check(GradientProperties.GradCheck(x => Tensor.Log(x), domain: Domain.Positive), 15);
        GradientProperties.Check(GradientProperties.GradCheck(x => Tensor.Sqrt(x) * x, Domain.Positive, new[] { 3, 2 }), 15);
        GradientProperties.Check(GradientProperties.GradCheck(x => Tensor.Tanh(x), 1e-6, 1e-4), 15);
        GradientProperties.Check(GradientProperties.ForwardEqualsReverse(cube), 15);
        GradientProperties.Check(GradientProperties.SecondOrder(cube, shape: new[] { 4 }), 15);
        GradientProperties.Check(GradientProperties.GradCheck(x => TensorModule.clamp(-1.0, 1.0, x), Domain.Avoiding(-1.0, 1.0)), 15);
    }

    /// <summary>A custom op with a wrong derivative fails GradCheck; the message names what was
    /// compared, the worst entry with both values, the input and how to replay.</summary>
    public static void AWrongCustomDerivativeFailsWithAClearMessage()
    {
        var message = FailureOf(GradientProperties.GradCheck(WrongCube()));
        foreach (var part in new[] { "gradient (reverse-mode AD vs central differences)", "worst ∂y[", "expected", "at x = float64 [", "Counterexample", "Prop.replay" })
            Expect(message.Contains(part), $"the message names '{part}': {message}");
    }

    /// <summary>Named parameters: the gradient of a loss of Params against finite differences.</summary>
    public static void ParamsGradientsPassForARightLoss()
    {
        var template = new Params(new[]
        {
            Tuple.Create("w", Tensor.Zeros(new[] { 2, 3 }, dtype: Dtype.Float64)),
            Tuple.Create("b", Tensor.Zeros(new[] { 2 }, dtype: Dtype.Float64)),
        });
        var x = Tensor.Create(new[] { 0.5, -1.0, 2.0 });
        GradientProperties.Check(GradientProperties.ParamsGradients(template, p => TensorModule.sum(Tensor.Tanh(TensorModule.matmul(p["w"], x) + p["b"]))), 10);
        var wrong = WrongCube();
        var message = FailureOf(GradientProperties.ParamsGradients(template, p => TensorModule.sum(wrong(p["w"])) + TensorModule.sum(p["b"])));
        Expect(message.Contains("parameter 'w'"), $"names the parameter: {message}");
    }

    /// <summary>The C# surface has no curried F# functions: every method of GradientProperties
    /// takes Func delegates, arrays, Domain, Params, Module or numbers.</summary>
    public static void TheCSharpSurfaceTakesDelegates()
    {
        var methods = typeof(GradientProperties).GetMethods().Where(m => m.DeclaringType == typeof(GradientProperties));
        foreach (var m in methods)
            foreach (var p in m.GetParameters())
                Expect(!p.ParameterType.FullName!.StartsWith("Microsoft.FSharp"), $"{m.Name}({p.Name}) is {p.ParameterType}");
    }
}
