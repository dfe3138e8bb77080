using System;
using System.Collections.Generic;
using Nabla.CSharp;

namespace FacadeTests;

/// <summary>Scopes free native memory deterministically: `using var scope = new Scope();`, Keep,
/// Scope.Run and the live-tensor count.</summary>
public static class ScopeTests
{
    static bool Freed(Tensor t)
    {
        try
        {
            _ = t.ToArray();
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>1,000 training-like steps, each inside a scope, leave the live-tensor count flat.</summary>
    public static void LoopOfAThousandStepsInScopesLeavesTheLiveCountFlat()
    {
        var w = Tensor.Randn(10, dtype: DType.Float64, requiresGrad: true);
        var x = Tensor.Randn(10, dtype: DType.Float64);
        // one step outside the count: the gradient's buffer is created once and reused
        Step(w, x);
        var before = Scope.LiveTensorCount;
        for (var i = 0; i < 1000; i++)
            Step(w, x);
        var after = Scope.LiveTensorCount;
        Assert.True(after - before <= 1, $"live tensors grew from {before} to {after}");

        static void Step(Tensor w, Tensor x)
        {
            using var scope = new Scope();
            var loss = ((w * x - 1) * (w * x - 1)).Sum() + Autodiff.Grad(t => (t * t).Sum(), x).Sum();
            loss.Backward();
            _ = loss.Item<double>();
            w.ZeroGrad();
        }
    }

    /// <summary>A kept tensor survives its scope; the others are freed, and using them is an
    /// ObjectDisposedException that says what happened.</summary>
    public static void KeptTensorsSurviveAndOthersAreFreed()
    {
        Tensor kept, dropped;
        using (var scope = new Scope())
        {
            dropped = Tensor.Randn(3) + 1;
            kept = scope.Keep(dropped * 2);
        }
        Assert.Equal(kept.ToArray().Length, 3, "kept is alive");
        Assert.Throws<ObjectDisposedException>(() => dropped.ToArray(), "used after its memory was freed");
        Assert.Throws<ObjectDisposedException>(() => _ = dropped * 2, "freed");
    }

    /// <summary>Tensors created before the scope are not freed by it.</summary>
    public static void TensorsFromOutsideAreNotFreed()
    {
        var outside = Tensor.Ones(2);
        using (var scope = new Scope())
        {
            _ = outside * 3;
            scope.Keep(outside);
        }
        using (new Scope())
            _ = outside + 1;
        Assert.True(!Freed(outside), "outside tensor alive");
    }

    /// <summary>Keep takes tensors, several tensors and Params, and returns them.</summary>
    public static void KeepTakesTensorsAndParams()
    {
        Tensor a, b;
        Params p;
        using (var scope = new Scope())
        {
            var both = scope.Keep(Tensor.Ones(2) * 2, Tensor.Ones(2) * 3);
            (a, b) = (both[0], both[1]);
            p = scope.Keep(Params.Of(("w", Tensor.Ones(1) * 4)));
        }
        Assert.True(!Freed(a) && !Freed(b), "both kept");
        Assert.Close(p["w"].Item<float>(), 4, "params kept");
    }

    /// <summary>A kept tensor moves to the enclosing scope, which frees it unless it keeps it too.</summary>
    public static void NestedScopesMoveKeptTensorsOutward()
    {
        Tensor inner, outer;
        using (var s1 = new Scope())
        {
            using (var s2 = new Scope())
                inner = s2.Keep(Tensor.Ones(2) * 5);
            Assert.True(!Freed(inner), "alive in the outer scope");
            outer = s1.Keep(inner * 2);
        }
        Assert.True(Freed(inner), "freed by the outer scope");
        Assert.True(!Freed(outer), "kept by the outer scope");
    }

    /// <summary>A kept loss keeps its graph, so Backward still works after the scope.</summary>
    public static void KeepingARecordedResultKeepsItsGraph()
    {
        var w = Tensor.From(new[] { 1.0, 2.0 }, requiresGrad: true);
        Tensor loss;
        using (var scope = new Scope())
            loss = scope.Keep((w * w * 3).Sum());
        loss.Backward();
        Assert.Sequence(w.Grad!.ToArray(), [6.0, 12.0], "gradient through the kept graph");
    }

    /// <summary>A requires-grad leaf made in a scope and kept survives it and still requires gradients.</summary>
    public static void KeepingALeafKeepsOnlyTheLeaf()
    {
        Tensor leaf, other;
        using (var scope = new Scope())
        {
            other = Tensor.Ones(2) * 7;
            leaf = scope.Keep(Tensor.Randn(2, requiresGrad: true));
        }
        Assert.True(leaf.RequiresGradient && !Freed(leaf), "the leaf is kept");
        Assert.True(Freed(other), "the rest is freed");
    }

    /// <summary>Keep after the scope ended is an ObjectDisposedException; disposing twice is harmless.</summary>
    public static void KeepAfterDisposeThrows()
    {
        var scope = new Scope();
        scope.Dispose();
        scope.Dispose();
        Assert.Throws<ObjectDisposedException>(() => scope.Keep(Tensor.Ones(1)));
        // (a scope left open would keep collecting this thread's tensors: always dispose it)
        using var open = new Scope();
        Assert.Throws<ArgumentNullException>(() => open.Keep((Tensor)null!));
    }

    /// <summary>Scope.Run keeps the result's tensors (in tuples, arrays, lists, dictionaries, Params and
    /// the transforms' records) and frees everything else.</summary>
    public static void ScopeRunKeepsTheResultAndFreesTheRest()
    {
        Tensor temp = null!;
        var before = Scope.LiveTensorCount;
        var (t, n) = Scope.Run(() =>
        {
            temp = Tensor.Ones(3) + 1;
            return (temp * 2, 42);
        });
        Assert.Equal(Scope.LiveTensorCount - before, 1L, "only the result is alive");
        Assert.Equal(n, 42, "the number");
        Assert.True(Freed(temp) && !Freed(t), "intermediate freed, result kept");
        var array = Scope.Run(() => new[] { Tensor.Ones(1) * 2, Tensor.Ones(1) * 3 });
        Assert.True(!Freed(array[0]) && !Freed(array[1]), "array");
        var list = Scope.Run(() => new List<Tensor> { Tensor.Ones(1) * 2 });
        Assert.True(!Freed(list[0]), "list");
        var dict = Scope.Run(() => new Dictionary<string, Tensor> { ["a"] = Tensor.Ones(1) * 2 });
        Assert.True(!Freed(dict["a"]), "dictionary");
        var p = Scope.Run(() => Params.Of(("w", Tensor.Ones(1) * 2)));
        Assert.True(!Freed(p["w"]), "params");
        var vg = Scope.Run(() => Autodiff.ValueAndGrad(x => (x * x).Sum(), Tensor.Ones(2) * 3));
        Assert.True(!Freed(vg.Value) && !Freed(vg.Gradient), "a record");
        var plain = Scope.Run(() => (Tensor.Ones(1) * 2).Item<float>());
        Assert.Close(plain, 2, "a number");
    }

    /// <summary>Scope.Run with a result it cannot see into (an object of another class, a closure)
    /// keeps everything, so nothing it may refer to is freed.</summary>
    public static void ScopeRunWithAnOpaqueResultKeepsEverything()
    {
        Tensor temp = null!;
        var holder = Scope.Run(() =>
        {
            temp = Tensor.Ones(2) * 3;
            return new Holder(temp * 2);
        });
        Assert.True(!Freed(holder.T) && !Freed(temp), "everything kept");
        var closure = Scope.Run<Func<Tensor>>(() =>
        {
            var y = Tensor.Ones(2) * 4;
            return () => y;
        });
        Assert.True(!Freed(closure()), "a closure's tensor kept");
        var r = Scope.Run(() => Autodiff.Vjp(x => x * x, Tensor.Ones(2) * 2));
        Assert.Sequence(r.Pullback(Tensor.Ones(2)).ToArray<float>(), [4f, 4f], "a pullback still works");
    }

    /// <summary>Scope.Run of an Action frees everything it creates.</summary>
    public static void ScopeRunOfAnActionFreesEverything()
    {
        Tensor temp = null!;
        var before = Scope.LiveTensorCount;
        Scope.Run(() => { temp = Tensor.Ones(4) * 2; });
        Assert.Equal(Scope.LiveTensorCount - before, 0L, "nothing left alive");
        Assert.True(Freed(temp), "freed");
    }

    /// <summary>A freed tensor raises ObjectDisposedException everywhere it is used, never a native crash.</summary>
    public static void UsingAFreedTensorRaisesAClearException()
    {
        Tensor t;
        using (new Scope())
            t = Tensor.Randn(2, 2);
        Assert.Throws<ObjectDisposedException>(() => _ = t.Shape, "freed");
        Assert.Throws<ObjectDisposedException>(() => _ = t[0], "freed");
        Assert.Throws<ObjectDisposedException>(() => Autodiff.Grad(x => (x * t).Sum(), Tensor.Ones(2, 2)), "freed");
        Assert.Throws<ObjectDisposedException>(() => t.Item<float>());
    }

    private sealed class Holder(Tensor t)
    {
        public Tensor T { get; } = t;
    }
}
