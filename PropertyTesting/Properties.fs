namespace Nabla.FsCheck

open System
open FsCheck
open FsCheck.FSharp
open Nabla
open Nabla.NN

/// A generated case: an input tensor and a seed for the random directions, cotangents and
/// weights derived from it (so the case alone reproduces a failure).
[<Sealed; StructuredFormatDisplay("{Display}")>]
type GradCase(input: Tensor, seed: int) =
    member _.Input = input
    member _.Seed = seed
    member _.Display = $"x = {Show.tensor input} (direction seed {seed})"
    override c.ToString() = c.Display

/// A generated case of a model check: parameter values and an input.
[<Sealed; StructuredFormatDisplay("{Display}")>]
type ModuleCase(parameters: Params, input: Tensor) =
    member _.Parameters = parameters
    member _.Input = input

    member _.Display =
        let ps = parameters.Entries |> Array.map (fun (n, t) -> $"{n} = {Show.tensor t}")

        $"input = {Show.tensor input}; " + String.Join("; ", ps)

    override c.ToString() = c.Display

/// What the properties of GradCheck draw and how closely they compare.
type GradCheckOptions =
    {
        /// The inputs (float64; shrinking, if the Arbitrary has it, to smaller failing inputs).
        Inputs: Arbitrary<Tensor>
        /// For derivatives against finite differences (PyTorch's gradcheck: atol 1e-5, rtol 1e-3).
        Tolerance: Tolerance
        /// For two AD results that must agree to rounding (forward vs reverse mode, second orders).
        RoundingTolerance: Tolerance
    }

    /// Float64 inputs of shapes within ShapeBounds.Default (rank 0 to 3, zero-size included) with
    /// values in [-2, 2]; gradcheck's tolerances.
    static member Default =
        {
            Inputs = Arbitraries.tensor Any ShapeBounds.Default
            Tolerance = Tolerance.GradCheck
            RoundingTolerance = Tolerance.Tight
        }

    /// Default, with values from a domain.
    static member In(domain: Domain) =
        { GradCheckOptions.Default with
            Inputs = Arbitraries.tensor domain ShapeBounds.Default
        }

    /// Default, with inputs of the shapes `shapes` draws and values from a domain.
    static member On(shapes: Gen<int[]>, domain: Domain) =
        { GradCheckOptions.Default with
            Inputs = Arbitraries.tensorOn shapes domain
        }

/// Properties of your own functions' derivatives, over generated float64 inputs: each returns an
/// FsCheck Property, for Expecto (testProperty), xunit and NUnit ([<Property>] returning it), or
/// Prop.check. The function must be deterministic and differentiable on the inputs' domain.
module GradCheck =

    let private cases (o: GradCheckOptions) : Arbitrary<GradCase> =
        let inputs = o.Inputs
        let shrink = Arb.toShrink inputs

        Arb.fromGenShrink (
            Gen.map2 (fun x s -> GradCase(x, s)) (Arb.toGen inputs) (Gen.choose (0, Int32.MaxValue - 1)),
            fun (c: GradCase) -> shrink c.Input |> Seq.map (fun x -> GradCase(x, c.Seed))
        )

    /// The gradient (for a non-scalar f, the whole Jacobian) by reverse-mode AD against central
    /// finite differences, with the options' inputs and tolerance.
    let propertyWith (options: GradCheckOptions) (f: Tensor -> Tensor) : Property =
        Prop.forAll (cases options) (fun c -> Checks.gradient options.Tolerance f c.Input)

    /// The gradient (for a non-scalar f, the whole Jacobian) by reverse-mode AD against central
    /// finite differences (PyTorch's gradcheck: float64, atol 1e-5, rtol 1e-3) on float64 inputs
    /// of rank 0 to 3 with values in [-2, 2].
    let property (f: Tensor -> Tensor) : Property = propertyWith GradCheckOptions.Default f

    /// property, with values from a domain (Positive for log and sqrt, AwayFromZero for abs, …).
    let propertyIn (domain: Domain) (f: Tensor -> Tensor) : Property =
        propertyWith (GradCheckOptions.In domain) f

    /// property, on the shapes `shapes` draws (e.g. Shapes.fixedShape [| 4; 3 |] for a layer's input).
    let propertyOn (shapes: Gen<int[]>) (domain: Domain) (f: Tensor -> Tensor) : Property =
        propertyWith (GradCheckOptions.On(shapes, domain)) f

    /// The JVP J·v (forward mode) against the central difference along a random direction v.
    let jvpWith (options: GradCheckOptions) (f: Tensor -> Tensor) : Property =
        Prop.forAll (cases options) (fun c ->
            let x = c.Input
            Checks.jvp options.Tolerance f x (Generators.seeded c.Seed x.Shape))

    /// The VJP (reverse mode) by ⟨Jᵀu, v⟩ = ⟨u, J v⟩ with J v by central differences, random u and v.
    let vjpWith (options: GradCheckOptions) (f: Tensor -> Tensor) : Property =
        Prop.forAll (cases options) (fun c ->
            let x = c.Input
            let u = Generators.seeded (c.Seed + 1) (AD.noGrad (fun () -> (f x).Shape))
            Checks.vjp options.Tolerance f x u (Generators.seeded c.Seed x.Shape))

    /// Forward mode equals reverse mode: ⟨u, J v⟩ by the JVP equals ⟨Jᵀu, v⟩ by the VJP for random
    /// u and v (for a scalar f: JVP·v = ⟨grad, v⟩), to rounding.
    let forwardEqualsReverseWith (options: GradCheckOptions) (f: Tensor -> Tensor) : Property =
        Prop.forAll (cases options) (fun c ->
            let x = c.Input
            let u = Generators.seeded (c.Seed + 1) (AD.noGrad (fun () -> (f x).Shape))
            Checks.forwardEqualsReverse options.RoundingTolerance f x u (Generators.seeded c.Seed x.Shape))

    /// forwardEqualsReverseWith on the default inputs (float64, rank 0 to 3, values in [-2, 2]).
    let forwardEqualsReverse (f: Tensor -> Tensor) : Property =
        forwardEqualsReverseWith GradCheckOptions.Default f

    /// Second order, on s(x) = ⟨w, f(x)⟩ with random weights w (f itself when scalar, w = 1 then
    /// scaled): the Hessian-vector product by forward over reverse against central differences of
    /// the gradient, and reverse over reverse equal to forward over reverse.
    let secondOrderWith (options: GradCheckOptions) (f: Tensor -> Tensor) : Property =
        Prop.forAll (cases options) (fun c ->
            let x = c.Input
            let v = Generators.seeded c.Seed x.Shape
            let w = Generators.seeded (c.Seed + 1) (AD.noGrad (fun () -> (f x).Shape))
            let s (x: Tensor) = Tensor.sum (f x * w)

            Checks.hvp options.Tolerance s x v
            .&. Checks.reverseOverReverse options.RoundingTolerance s x v)

    /// secondOrderWith on the default inputs.
    let secondOrder (f: Tensor -> Tensor) : Property =
        secondOrderWith GradCheckOptions.Default f

    /// The gradient of a scalar loss with respect to parameters, at random parameter values like
    /// the template's (names, shapes, dtypes; values in [-0.8, 0.8]), against central differences.
    let ofParamsWith (tolerance: Tolerance) (template: Params) (loss: Params -> Tensor) : Property =
        Prop.forAll (Arb.fromGen (Generators.paramsFromIn Unit template)) (fun p -> Checks.paramsGradient tolerance loss p)

    /// ofParamsWith with gradcheck's tolerances.
    let ofParams (template: Params) (loss: Params -> Tensor) : Property =
        ofParamsWith Tolerance.GradCheck template loss

    /// The gradient of loss(model(x)) with respect to the model's parameters against central
    /// differences, at random parameter values (values in [-0.8, 0.8]; m.Functional, so the model
    /// itself is not changed) and random inputs x from `inputs`. The model must be float64
    /// (model.To(Dtype.Float64)) and deterministic (Eval() for dropout).
    let ofModuleWith (tolerance: Tolerance) (model: Module) (inputs: Gen<Tensor>) (loss: Tensor -> Tensor) : Property =
        if isNull (box model) then
            nullArg "model"

        let cases =
            Gen.map2 (fun p x -> ModuleCase(p, x)) (Generators.paramsLikeIn Unit model) inputs

        Prop.forAll (Arb.fromGen cases) (fun c -> Checks.paramsGradient tolerance (fun p -> loss (model.Functional p c.Input)) c.Parameters)

    /// ofModuleWith with gradcheck's tolerances.
    let ofModule (model: Module) (inputs: Gen<Tensor>) (loss: Tensor -> Tensor) : Property =
        ofModuleWith Tolerance.GradCheck model inputs loss

/// A property found false by Prop.check: the message has the counterexample, what was compared and
/// the worst entry, and how to replay the run.
type PropertyFailedException(message: string) =
    inherit Exception(message)

/// Running a property outside a test framework (in a script, a console program, or a framework
/// without FsCheck integration).
module Prop =

    type private Capture() =
        member val Result: TestResult option = None with get, set

        interface IRunner with
            member _.OnStartFixture _ = ()
            member _.OnArguments(_, _, _) = ()
            member _.OnShrink(_, _) = ()
            member r.OnFinished(_, result) = r.Result <- Some result

    let private show (args: obj list) =
        args |> List.map (sprintf "%A") |> String.concat "\n  "

    /// The readable report of a failed run (None when it passed).
    let report (result: TestResult) : string option =
        match result with
        | TestResult.Passed _ -> None
        | TestResult.Exhausted data -> Some $"Gave up after {data.NumberOfTests} tests: too many generated cases were discarded."
        | TestResult.Failed(data, original, shrunk, outcome, seed, _, size) ->
            let labels = data.Labels |> Seq.map (fun l -> l + "\n") |> String.concat ""

            let error =
                match outcome with
                // A false result is reported by FsCheck as an exception; the labels say it better.
                | Outcome.Failed e when
                    not (isNull e)
                    && not (data.Labels.Count > 0 && e.Message = "Expected true, got false.")
                    ->
                    $"{e.GetType().Name}: {e.Message}\n"
                | _ -> ""

            let shrinks =
                if data.NumberOfShrinks > 0 then
                    $"Counterexample (after {data.NumberOfShrinks} shrinks):\n  {show shrunk}\nOriginal:\n  {show original}\n"
                else
                    $"Counterexample:\n  {show original}\n"

            Some(
                $"Falsifiable after {data.NumberOfTests} test(s).\n{labels}{error}{shrinks}"
                + $"Replay: Prop.checkWith (Prop.replay {seed.Seed}UL {seed.Gamma}UL {size}) property"
            )

    /// FsCheck's quick configuration replaying one run: the seed and size a failure report gives.
    let replay (seed: uint64) (gamma: uint64) (size: int) : Config =
        Config.Quick.WithReplay(
            Some
                {
                    Rnd = Rnd(seed, gamma)
                    Size = Some size
                }
        )

    /// Runs a property with a configuration and throws PropertyFailedException with the report
    /// when it is falsified (the configuration's runner is replaced).
    let checkWith (config: Config) (property: Property) : unit =
        let capture = Capture()
        Check.One(config.WithRunner(capture).WithQuietOnSuccess(true), property)

        match capture.Result |> Option.bind report with
        | Some message -> raise (PropertyFailedException message)
        | None -> ()

    /// Runs a property on 100 cases and throws PropertyFailedException with a readable
    /// counterexample when it is falsified.
    let check (property: Property) : unit = checkWith Config.Quick property
