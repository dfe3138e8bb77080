using System;
using F = global::Nabla;

namespace Nabla.CSharp;

/// <summary>
/// Parameter initialisation in place (PyTorch's <c>torch.nn.init</c>): each fills a tensor (a
/// parameter, or a tensor before it becomes one) without recording gradients, from the global
/// generator, and returns it: <c>Init.XavierUniform(layer.Weight)</c>.
/// </summary>
public static class Init
{
    private static TTensor Fill<TTensor>(TTensor tensor, Action<F.Tensor> fill) where TTensor : Tensor
    {
        ArgumentNullException.ThrowIfNull(tensor);
        fill(tensor.Value);
        return tensor;
    }

    /// <summary>The recommended gain for a nonlinearity (PyTorch's <c>calculate_gain</c>): "linear",
    /// "conv2d", "sigmoid" → 1, "tanh" → 5/3, "relu" → √2, "leaky_relu" → √(2/(1 + slope²)), "selu" → 3/4.</summary>
    /// <param name="nonlinearity">The nonlinearity's name.</param>
    /// <param name="param">leaky_relu's negative slope (0.01 when null).</param>
    /// <returns>The gain.</returns>
    public static double CalculateGain(string nonlinearity, double? param = null) => F.NN.Init.CalculateGain(nonlinearity, param ?? double.NaN);

    /// <summary>Uniform values in [low, high) (PyTorch's <c>uniform_</c>).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The floating-point tensor filled.</param>
    /// <param name="low">The lower bound.</param>
    /// <param name="high">The upper bound.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor Uniform<TTensor>(TTensor tensor, double low = 0.0, double high = 1.0) where TTensor : Tensor =>
        Fill(tensor, t => F.NN.Init.Uniform(t, low, high, null!));

    /// <summary>Normal values N(mean, std²) (PyTorch's <c>normal_</c>).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The floating-point tensor filled.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation (≥ 0).</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor Normal<TTensor>(TTensor tensor, double mean = 0.0, double std = 1.0) where TTensor : Tensor =>
        Fill(tensor, t => F.NN.Init.Normal(t, mean, std, null!));

    /// <summary>Every element = <paramref name="value"/> (PyTorch's <c>constant_</c>).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The floating-point tensor filled.</param>
    /// <param name="value">The value.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor Constant<TTensor>(TTensor tensor, double value) where TTensor : Tensor => Fill(tensor, t => F.NN.Init.Constant(t, value));

    /// <summary>Every element = 0 (PyTorch's <c>zeros_</c>).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The floating-point tensor filled.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor Zeros<TTensor>(TTensor tensor) where TTensor : Tensor => Fill(tensor, t => F.NN.Init.Zeros(t));

    /// <summary>Every element = 1 (PyTorch's <c>ones_</c>).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The floating-point tensor filled.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor Ones<TTensor>(TTensor tensor) where TTensor : Tensor => Fill(tensor, t => F.NN.Init.Ones(t));

    /// <summary>The identity matrix (PyTorch's <c>eye_</c>; a 2-D tensor).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The 2-D floating-point tensor filled.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor Eye<TTensor>(TTensor tensor) where TTensor : Tensor => Fill(tensor, t => F.NN.Init.Eye(t));

    /// <summary>Glorot/Xavier uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)) (PyTorch's <c>xavier_uniform_</c>).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The tensor filled (at least 2-D).</param>
    /// <param name="gain">The scale.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor XavierUniform<TTensor>(TTensor tensor, double gain = 1.0) where TTensor : Tensor =>
        Fill(tensor, t => F.NN.Init.XavierUniform(t, gain, null!));

    /// <summary>Glorot/Xavier normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)) (PyTorch's <c>xavier_normal_</c>).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The tensor filled (at least 2-D).</param>
    /// <param name="gain">The scale.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor XavierNormal<TTensor>(TTensor tensor, double gain = 1.0) where TTensor : Tensor =>
        Fill(tensor, t => F.NN.Init.XavierNormal(t, gain, null!));

    /// <summary>He/Kaiming uniform: U(−b, b) with b = gain·√(3 / fan) (PyTorch's <c>kaiming_uniform_</c>;
    /// Linear and Conv layers start with a = √5).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The tensor filled (at least 2-D).</param>
    /// <param name="a">leaky_relu's negative slope.</param>
    /// <param name="mode">"fan_in" or "fan_out".</param>
    /// <param name="nonlinearity">The nonlinearity giving the gain.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor KaimingUniform<TTensor>(TTensor tensor, double a = 0.0, string mode = "fan_in", string nonlinearity = "leaky_relu") where TTensor : Tensor =>
        Fill(tensor, t => F.NN.Init.KaimingUniform(t, a, mode, nonlinearity, null!));

    /// <summary>He/Kaiming normal: N(0, std²) with std = gain / √fan (PyTorch's <c>kaiming_normal_</c>).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The tensor filled (at least 2-D).</param>
    /// <param name="a">leaky_relu's negative slope.</param>
    /// <param name="mode">"fan_in" or "fan_out".</param>
    /// <param name="nonlinearity">The nonlinearity giving the gain.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor KaimingNormal<TTensor>(TTensor tensor, double a = 0.0, string mode = "fan_in", string nonlinearity = "leaky_relu") where TTensor : Tensor =>
        Fill(tensor, t => F.NN.Init.KaimingNormal(t, a, mode, nonlinearity, null!));

    /// <summary>A (semi-)orthogonal matrix times gain (PyTorch's <c>orthogonal_</c>).</summary>
    /// <typeparam name="TTensor">Tensor or Parameter.</typeparam>
    /// <param name="tensor">The tensor filled (at least 2-D).</param>
    /// <param name="gain">The scale.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static TTensor Orthogonal<TTensor>(TTensor tensor, double gain = 1.0) where TTensor : Tensor =>
        Fill(tensor, t => F.NN.Init.Orthogonal(t, gain, null!));
}
