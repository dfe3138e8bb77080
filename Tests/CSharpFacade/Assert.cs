using System;
using System.Linq;

namespace FacadeTests;

/// <summary>Checks shared by the facade's tests; each throws with a message saying what differed.</summary>
internal static class Assert
{
    public static void True(bool condition, string what)
    {
        if (!condition) throw new Exception($"C# facade: {what}");
    }

    public static void Equal<T>(T actual, T expected, string what)
    {
        if (!Equals(actual, expected)) throw new Exception($"C# facade: {what}: got {actual}, expected {expected}");
    }

    public static void Close(double actual, double expected, string what, double tolerance = 1e-9)
    {
        if (!(Math.Abs(actual - expected) <= tolerance + tolerance * Math.Abs(expected)))
            throw new Exception($"C# facade: {what}: got {actual}, expected {expected}");
    }

    public static void Sequence<T>(T[] actual, T[] expected, string what)
    {
        if (!actual.SequenceEqual(expected))
            throw new Exception($"C# facade: {what}: got [{string.Join(", ", actual)}], expected [{string.Join(", ", expected)}]");
    }

    /// <summary>Runs <paramref name="action"/> and checks that it throws <typeparamref name="TException"/>
    /// (or a subclass) whose message contains every one of <paramref name="parts"/>.</summary>
    public static TException Throws<TException>(Action action, params string[] parts) where TException : Exception
    {
        try
        {
            action();
        }
        catch (TException e)
        {
            foreach (var p in parts)
                if (!e.Message.Contains(p, StringComparison.Ordinal))
                    throw new Exception($"C# facade: the {typeof(TException).Name} message does not mention '{p}': {e.Message}");
            return e;
        }
        catch (Exception e)
        {
            throw new Exception($"C# facade: expected {typeof(TException).Name}, got {e.GetType().Name}: {e.Message}");
        }
        throw new Exception($"C# facade: expected {typeof(TException).Name}, nothing was thrown");
    }
}
