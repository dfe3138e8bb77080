namespace Nabla.FsCheck

open System
open System.Runtime.InteropServices
open FsCheck
open FsCheck.FSharp
open Nabla
open Nabla.NN

/// The properties of Nabla.FsCheck for C# (and any .NET language): methods taking Func delegates
/// and returning FsCheck.Property, for FsCheck.Xunit's and FsCheck.NUnit's [Property] methods or
/// for Check, which throws PropertyFailedException with a readable counterexample.
[<AbstractClass; Sealed>]
type GradientProperties =

    static member private Options(domain: Domain, shape: int[]) =
        let domain = if isNull (box domain) then Any else domain

        if isNull shape then
            GradCheckOptions.In domain
        else
            GradCheckOptions.On(Shapes.fixedShape shape, domain)

    static member private Fn(f: Func<Tensor, Tensor>) : Tensor -> Tensor =
        ArgumentNullException.ThrowIfNull f
        fun x -> f.Invoke x

    /// The gradient (the whole Jacobian for a non-scalar f) by reverse-mode AD against central
    /// finite differences (PyTorch's gradcheck: float64, atol 1e-5, rtol 1e-3).
    /// <param name="f">The function to check; deterministic and differentiable on the domain.</param>
    /// <param name="domain">Where the input values are drawn from (default Domain.Any, [-2, 2]).</param>
    /// <param name="shape">The input shape (default: random shapes of rank 0 to 3).</param>
    static member GradCheck(f: Func<Tensor, Tensor>, [<Optional>] domain: Domain, [<Optional>] shape: int[]) : Property =
        GradCheck.propertyWith (GradientProperties.Options(domain, shape)) (GradientProperties.Fn f)

    /// GradCheck with your own tolerances: |AD − numerical| ≤ atol + rtol·|numerical| for every entry.
    /// <param name="f">The function to check.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="domain">Where the input values are drawn from (default Domain.Any).</param>
    /// <param name="shape">The input shape (default: random shapes of rank 0 to 3).</param>
    static member GradCheck
        (f: Func<Tensor, Tensor>, atol: float, rtol: float, [<Optional>] domain: Domain, [<Optional>] shape: int[])
        : Property =
        let o =
            { GradientProperties.Options(domain, shape) with
                Tolerance = { Atol = atol; Rtol = rtol }
            }

        GradCheck.propertyWith o (GradientProperties.Fn f)

    /// Forward mode equals reverse mode: ⟨u, J v⟩ by the JVP equals ⟨Jᵀu, v⟩ by the VJP, to rounding.
    /// <param name="f">The function to check.</param>
    /// <param name="domain">Where the input values are drawn from (default Domain.Any).</param>
    /// <param name="shape">The input shape (default: random shapes of rank 0 to 3).</param>
    static member ForwardEqualsReverse(f: Func<Tensor, Tensor>, [<Optional>] domain: Domain, [<Optional>] shape: int[]) : Property =
        GradCheck.forwardEqualsReverseWith (GradientProperties.Options(domain, shape)) (GradientProperties.Fn f)

    /// Second order: Hessian-vector products (forward over reverse) against central differences of
    /// the gradient, and reverse over reverse equal to forward over reverse.
    /// <param name="f">The function to check (a non-scalar f is checked through a random weighted sum).</param>
    /// <param name="domain">Where the input values are drawn from (default Domain.Any).</param>
    /// <param name="shape">The input shape (default: random shapes of rank 0 to 3).</param>
    static member SecondOrder(f: Func<Tensor, Tensor>, [<Optional>] domain: Domain, [<Optional>] shape: int[]) : Property =
        GradCheck.secondOrderWith (GradientProperties.Options(domain, shape)) (GradientProperties.Fn f)

    /// The gradient of loss(model(x)) with respect to the model's parameters against central
    /// differences, at random parameter values and random inputs of a shape. The model must be
    /// float64 and deterministic.
    /// <param name="model">The model (float64).</param>
    /// <param name="inputShape">The shape of the inputs x.</param>
    /// <param name="loss">A scalar loss of the model's output.</param>
    /// <param name="domain">Where the input values are drawn from (default Domain.Any).</param>
    static member ModuleGradients(model: Module, inputShape: int[], loss: Func<Tensor, Tensor>, [<Optional>] domain: Domain) : Property =
        ArgumentNullException.ThrowIfNull model
        ArgumentNullException.ThrowIfNull inputShape
        let domain = if isNull (box domain) then Any else domain
        GradCheck.ofModule model (Generators.tensor domain inputShape) (GradientProperties.Fn loss)

    /// The gradient of a scalar loss of named parameters against central differences, at random
    /// values with the template's names, shapes and dtypes (float64).
    /// <param name="template">The parameters' names, shapes and dtypes.</param>
    /// <param name="loss">A scalar loss of the parameters.</param>
    static member ParamsGradients(template: Params, loss: Func<Params, Tensor>) : Property =
        ArgumentNullException.ThrowIfNull template
        ArgumentNullException.ThrowIfNull loss
        GradCheck.ofParams template (fun p -> loss.Invoke p)

    /// Runs a property on 100 generated cases; throws PropertyFailedException with the
    /// counterexample (shape, values, AD vs numerical, worst entry) when it is falsified.
    /// <param name="property">The property to run.</param>
    static member Check(property: Property) : unit =
        ArgumentNullException.ThrowIfNull property
        Prop.check property

    /// Runs a property on maxTest generated cases; throws PropertyFailedException when it is falsified.
    /// <param name="property">The property to run.</param>
    /// <param name="maxTest">How many cases to generate.</param>
    static member Check(property: Property, maxTest: int) : unit =
        ArgumentNullException.ThrowIfNull property
        Prop.checkWith (Config.Quick.WithMaxTest maxTest) property
