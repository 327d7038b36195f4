using System;
using NetDsl.Samples.FashionMnist;
using BenchmarkDotNet.Attributes;

namespace NetDsl.Benchmarks;

/// <summary>Whole training steps and inference calls of the generated networks (W1, W2, W3).</summary>
public class Networks
{
    /// <summary>W1's training FLOPs per sample: forward 532,400, weight gradients 532,400, input gradients of layers 2–3 62,000.</summary>
    public const double W1TrainFlopsPerSample = 1_126_800;

    /// <summary>W1's forward FLOPs per sample.</summary>
    public const double W1ForwardFlopsPerSample = 532_400;

    private readonly FashionMlp _w1 = new(seed: 42);
    private readonly FashionMlp _w1Adam = new(seed: 42);
    private readonly FashionBn _w2 = new(seed: 42);
    private readonly Optimizer _sgd1 = new Sgd(0.01), _sgd2 = new Sgd(0.01), _adam = new Adam(0.001);
    private float[] _x = [], _y = [];
    private int[] _labels = [];

    [GlobalSetup]
    public void Setup()
    {
        _x = Data.Uniform(32 * 784, 0f, 1f);
        _labels = Data.Labels(32);
        _y = new float[32 * 10];
        TrainStepW1();
        TrainStepW2();
        TrainStepW3();
        PredictOneW1();
    }

    /// <summary>W1 (300-100-10 ReLU MLP) <c>TrainStep</c>, batch 32, <c>Sgd(0.01)</c>.</summary>
    [Benchmark, Flops(32 * W1TrainFlopsPerSample)]
    public float TrainStepW1() => _w1.TrainStep(_x, _labels, 32, _sgd1);

    /// <summary>W2 (the BatchNorm network) <c>TrainStep</c>, batch 32, <c>Sgd(0.01)</c>.</summary>
    [Benchmark, Flops(32 * W1TrainFlopsPerSample)]
    public float TrainStepW2() => _w2.TrainStep(_x, _labels, 32, _sgd2);

    /// <summary>W3 (W1 with <c>Adam</c>) <c>TrainStep</c>, batch 32.</summary>
    [Benchmark, Flops(32 * W1TrainFlopsPerSample)]
    public float TrainStepW3() => _w1Adam.TrainStep(_x, _labels, 32, _adam);

    /// <summary>W1 inference on one sample (<c>Forward</c>, batch 1).</summary>
    [Benchmark, Flops(W1ForwardFlopsPerSample)]
    public void PredictOneW1() => _w1.Forward(_x.AsSpan(0, 784), _y.AsSpan(0, 10), 1);
}
