using Nabla.CSharp;

namespace FacadeTests;

/// <summary>The seed tutorial's first autograd example, as a C# user writes it.</summary>
public static class SeedTests
{
    /// <summary>z = x² + y³ + 5 at x = 2, y = 3: Backward gives x.Grad = 4 and y.Grad = 27.</summary>
    public static void BackwardGivesFourAndTwentySeven()
    {
        var x = Tensor.From(2.0).RequiresGrad();
        var y = Tensor.From(3.0).RequiresGrad();
        var z = x * x + y * y * y + 5.0;
        z.Backward();
        Assert.Close(z.Item<double>(), 36.0, "z");
        Assert.Close(x.Grad!.Item<double>(), 4.0, "x.Grad");
        Assert.Close(y.Grad!.Item<double>(), 27.0, "y.Grad");
    }

    /// <summary>A module written in C#: its parameters are registered and Backward reaches them.</summary>
    public static void ModuleWrittenInCSharpHasItsParameters()
    {
        var m = new Affine();
        var loss = m.Forward(Tensor.From(2.0));
        (loss * loss).Backward();
        Assert.Equal(m.Parameters().Count, 2, "parameters");
        Assert.True(m.Parameters()[0].Grad is not null, "the weight has a gradient");
        Assert.True(m.ToString().StartsWith("Affine("), $"printed as Affine(...): {m}");
    }

    private sealed class Affine : Module
    {
        private readonly Tensor weight;
        private readonly Tensor bias;

        public Affine()
        {
            weight = RegisterParameter("weight", Tensor.From(-1.5));
            bias = RegisterParameter("bias", Tensor.From(0.25));
        }

        public override Tensor Forward(Tensor input) => input * weight + bias;
    }
}
