using BenchmarkDotNet.Attributes;

namespace NetDsl.Benchmarks;

/// <summary>Activations forward and backward on W1's first hidden layer (32 × 300).</summary>
public class Activations
{
    private const int Batch = 32, Width = 300;
    private float[] _x = [], _y = [], _gradient = [];

    /// <summary>The activation.</summary>
    [Params(Activation.Relu, Activation.Selu)]
    public Activation Activation { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _x = Data.Uniform(Batch * Width, -2f, 2f);
        _y = new float[Batch * Width];
        Kernels.ActivationForward(Activation, _x, _y, Width);
        _gradient = Data.Uniform(Batch * Width, -0.01f, 0.01f, seed: 5);
    }

    /// <summary><c>ActivationForward(x, y)</c>.</summary>
    [Benchmark]
    public void Forward() => Kernels.ActivationForward(Activation, _x, _y, Width);

    /// <summary>
    /// <c>ActivationBackward(y, gradient)</c>, in place. Repeated calls multiply the gradient by the same derivative,
    /// so its values settle at 0 or ±∞ within the warm-up; neither is slow on x86 (denormals would be, and are passed
    /// through only during the first few thousand calls).
    /// </summary>
    [Benchmark]
    public void Backward() => Kernels.ActivationBackward(Activation, _y, _gradient, Width);
}

/// <summary>BatchNorm forward (training mode, batch statistics) and backward on the input layer of W2 (32 × 784).</summary>
public class BatchNorm
{
    private const int Batch = 32, Features = 784;
    private float[] _x = [], _y = [], _gamma = [], _beta = [], _movingMean = [], _movingVariance = [];
    private float[] _savedMean = [], _savedInvStd = [], _dy = [], _dx = [], _dGamma = [], _dBeta = [], _scratch = [];

    [GlobalSetup]
    public void Setup()
    {
        _x = Data.Uniform(Batch * Features, 0f, 1f);
        _y = new float[Batch * Features];
        _gamma = Data.Uniform(Features, 0.9f, 1.1f, seed: 6);
        _beta = Data.Uniform(Features, -0.1f, 0.1f, seed: 7);
        _movingMean = new float[Features];
        _movingVariance = new float[Features];
        System.Array.Fill(_movingVariance, 1f);
        _savedMean = new float[Features];
        _savedInvStd = new float[Features];
        _dy = Data.Uniform(Batch * Features, -0.01f, 0.01f, seed: 8);
        _dx = new float[Batch * Features];
        _dGamma = new float[Features];
        _dBeta = new float[Features];
        _scratch = new float[2 * Features];
        Training();
    }

    /// <summary><c>BatchNormTraining</c> (momentum 0.99, ε 1e-3, moving statistics updated).</summary>
    [Benchmark]
    public void Training() => Kernels.BatchNormTraining(_x, _y, _gamma, _beta, _movingMean, _movingVariance, _savedMean, _savedInvStd,
        Batch, Features, 0.99f, 1e-3f);

    /// <summary><c>BatchNormBackward</c>: dX, dγ and dβ.</summary>
    [Benchmark]
    public void Backward() => Kernels.BatchNormBackward(_x, _dy, _dx, _gamma, _savedMean, _savedInvStd, _dGamma, _dBeta, _scratch,
        Batch, Features);
}
