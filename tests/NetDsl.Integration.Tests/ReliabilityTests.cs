using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetDsl;
using Xunit;

namespace NetDsl.Integration.Tests;

/// <summary>
/// The bad-input matrix (one case each, with the exception type, a message naming the problem, and no state changed),
/// concurrency, and numerical robustness.
/// </summary>
public class ReliabilityTests
{
    private static (float[] X, int[] Y) Batch(int n, int seed)
    {
        var random = new SeededRandom(seed);
        var x = new float[n * 784];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextFloat();
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = random.NextInt(10);
        return (x, y);
    }

    public sealed record Case(string Name, Type Exception, string Fragment, Action<FashionBn, Sgd> Act);

    public static IEnumerable<object[]> BadInputs()
    {
        (float[] x, int[] y) = Batch(4, 1);
        float[] nan = (float[])x.Clone();
        nan[785] = float.NaN;
        float[] inf = (float[])x.Clone();
        inf[3] = float.NegativeInfinity;
        var cases = new Case[]
        {
            new("Forward: x too short", typeof(ArgumentException), "need 3136", (n, _) => n.Forward(x.AsSpan(0, 3000), new float[40], 4)),
            new("Forward: y too short", typeof(ArgumentException), "y has 39 floats", (n, _) => n.Forward(x, new float[39], 4)),
            new("Forward: batch size 0", typeof(ArgumentOutOfRangeException), "at least 1", (n, _) => n.Forward(x, new float[40], 0)),
            new("Forward: batch size negative", typeof(ArgumentOutOfRangeException), "at least 1", (n, _) => n.Forward(x, new float[40], -2)),
            new("Forward: batch too large for memory", typeof(ArgumentOutOfRangeException), "smaller batches", (n, _) => n.Forward(x, new float[40], int.MaxValue / 2)),
            new("Forward: NaN input", typeof(ArgumentException), "input 1 of sample 1 is NaN", (n, _) => n.Forward(nan, new float[40], 4)),
            new("TrainStep: x of another width", typeof(ArgumentException), "784 inputs", (n, o) => n.TrainStep(x.AsSpan(0, 3100), y, 4, o)),
            new("TrainStep: fewer labels than samples", typeof(ArgumentException), "expected 4 labels", (n, o) => n.TrainStep(x, y.AsSpan(0, 3), 4, o)),
            new("TrainStep: label out of range", typeof(ArgumentOutOfRangeException), "label 10 of sample 2", (n, o) => n.TrainStep(x, new[] { 0, 1, 10, 2 }, 4, o)),
            new("TrainStep: negative label", typeof(ArgumentOutOfRangeException), "label -1 of sample 0", (n, o) => n.TrainStep(x, new[] { -1, 1, 2, 3 }, 4, o)),
            new("TrainStep: infinite input", typeof(ArgumentException), "input 3 of sample 0 is -Infinity", (n, o) => n.TrainStep(inf, y, 4, o)),
            new("TrainStep: float targets for a sparse loss", typeof(InvalidOperationException), "integer class labels", (n, o) => n.TrainStep(x, new float[40], 4, o)),
            new("TrainStep: no optimizer", typeof(ArgumentNullException), "optimizer", (n, _) => n.TrainStep(x, y, 4, null!)),
            new("ComputeLoss: y too short", typeof(ArgumentException), "y has 2 floats", (n, _) => n.ComputeLoss(x, y, 4, new float[2])),
            new("Predict: wrong length", typeof(ArgumentException), "need 3136", (n, _) => n.Predict(x.AsSpan(0, 3000), 4)),
            new("Predict: negative count", typeof(ArgumentOutOfRangeException), "≥ 0", (n, _) => n.Predict(x, -1)),
            new("Predict: dataset of another width", typeof(ArgumentException), "the network takes 784", (n, _) => n.Predict(new Dataset(new float[10], new[] { 0, 1 }, 5))),
            new("Fit: empty dataset", typeof(ArgumentException), "empty", (n, o) => n.Fit(new Dataset(Array.Empty<float>(), Array.Empty<int>(), 784), optimizer: o, verbose: 0)),
            new("Fit: validation of another width", typeof(ArgumentException), "validation set has 5 features", (n, o) => n.Fit(new Dataset(x, y, 784), optimizer: o, validation: new Dataset(new float[10], new[] { 0, 1 }, 5), verbose: 0)),
            new("Fit: batch size 0", typeof(ArgumentOutOfRangeException), "at least 1", (n, o) => n.Fit(new Dataset(x, y, 784), batchSize: 0, optimizer: o, verbose: 0)),
            new("Fit: no training set", typeof(ArgumentNullException), "train", (n, o) => n.Fit(null!, optimizer: o, verbose: 0)),
            new("Fit: labels beyond the output", typeof(ArgumentOutOfRangeException), "label 12", (n, o) => n.Fit(new Dataset(x, new[] { 0, 12, 1, 2 }, 784), optimizer: o, verbose: 0)),
            new("Evaluate: empty dataset", typeof(ArgumentException), "empty", (n, _) => n.Evaluate(new Dataset(Array.Empty<float>(), Array.Empty<int>(), 784))),
            new("MC dropout: zero samples", typeof(ArgumentOutOfRangeException), "At least one sample", (n, _) => n.PredictMonteCarlo(new Dataset(x, y, 784), samples: 0)),
            new("Weights: a directory", typeof(IOException), "is a directory", (n, _) => n.LoadWeights(Path.GetTempPath())),
            new("Weights: missing file", typeof(FileNotFoundException), "", (n, _) => n.LoadWeights(Path.Combine(Path.GetTempPath(), "netdsl-missing-" + Guid.NewGuid()))),
            new("Layer copy: other shape", typeof(ArgumentException), "shapes differ", (n, _) => n.Layers.Dense.CopyFrom(new FashionMlp().Layers.Dense1)),
            new("Layer lookup: unknown name", typeof(KeyNotFoundException), "no layer named 'nope'", (n, _) => n.Layers["nope"].ToString()),
        };
        return cases.Select(c => new object[] { c.Name, c });
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_refused_clearly_and_changes_nothing(string name, Case @case)
    {
        _ = name;
        var net = new FashionBn(3);
        var sgd = new Sgd(0.1, momentum: 0.9);
        float[] parameters = net.Parameters.ToArray(), state = net.State.ToArray();
        Exception e = Assert.Throws(@case.Exception, () => @case.Act(net, sgd));
        Assert.Contains(@case.Fragment, e.Message);
        Assert.Equal(parameters, net.Parameters.ToArray());
        Assert.Equal(state, net.State.ToArray());
        Assert.Equal(0, sgd.Iterations);
    }

    [Fact]
    public void Hyper_parameters_and_schedules_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta2: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(epsilon: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd { ClipNorm = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd { GlobalClipNorm = double.PositiveInfinity });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1, -5, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycle(0, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(patience: -1));
    }

    [Fact]
    public void A_network_refuses_to_be_used_twice_at_once()
    {
        var net = new FashionMlp(1);
        (float[] x, int[] y) = Batch(4, 2);
        var reentrant = new ReentrantOptimizer(() => net.Forward(x, new float[40], 4));
        var e = Assert.Throws<InvalidOperationException>(() => net.TrainStep(x, y, 4, reentrant));
        Assert.Contains("must not be shared between threads", e.Message);
        net.Forward(x, new float[40], 4); // released after the failure
    }

    private sealed class ReentrantOptimizer(Action during) : Optimizer(0.01)
    {
        protected override void CreateSlots(int parameterLength) { }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, float learningRate, long step) => during();
    }

    [Fact]
    public void Sharing_one_instance_between_threads_fails_loudly_not_silently()
    {
        var net = new FashionMlp(1);
        (float[] x, _) = Batch(8, 3);
        float[] expected = net.Predict(x, 8);
        int refused = 0, wrong = 0;
        Parallel.For(0, 2, _ =>
        {
            var y = new float[80];
            for (int i = 0; i < 3000; i++)
            {
                try
                {
                    net.Forward(x, y, 8);
                    if (!y.SequenceEqual(expected)) Interlocked.Increment(ref wrong);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        });
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Two_networks_trained_concurrently_match_sequential_training()
    {
        (float[] x, int[] y) = Batch(64, 4);
        var data = new Dataset(x, y, 784);
        float[] Train(int seed)
        {
            var net = new FashionBn(seed);
            net.Fit(data, epochs: 2, batchSize: 16, optimizer: new Adam(0.001), verbose: 0);
            return net.Parameters.ToArray();
        }
        float[] a = Train(1), b = Train(2);
        float[][] parallel = new float[2][];
        Parallel.For(0, 2, i => parallel[i] = Train(i + 1));
        Assert.Equal(a, parallel[0]);
        Assert.Equal(b, parallel[1]);
    }

    [Fact]
    public void Single_threaded_and_multi_core_kernels_agree_bit_for_bit_run_after_run()
    {
        (float[] x, int[] y) = Batch(64, 5);
        float[] Run()
        {
            var net = new FashionMlp(7);
            net.Fit(new Dataset(x, y, 784), epochs: 3, batchSize: 32, optimizer: new Sgd(0.05, momentum: 0.9), verbose: 0);
            return net.Parameters.ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void A_hundred_SELU_layers_stay_finite_and_self_normalized_at_initialization()
    {
        var net = new DeepSelu(1);
        var random = new SeededRandom(9);
        var x = new float[128 * 784];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
        var y = new float[128 * 10];
        net.Forward(x, y, 128);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        for (int i = 0; i < 128; i++) Assert.Equal(1.0, y.Skip(i * 10).Take(10).Sum(v => (double)v), 3);
        float loss = net.ComputeGradients(x, Enumerable.Range(0, 128).Select(i => i % 10).ToArray(), 128);
        Assert.True(float.IsFinite(loss) && loss < 10, $"loss {loss}");
        Assert.All(net.Gradients.ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void Extreme_logits_keep_the_losses_finite()
    {
        float[] z = { 1e4f, -1e4f, 0f, -1e4f, 1e4f, 0f };
        var g = new float[6];
        Assert.True(float.IsFinite(Kernels.SoftmaxSparseCrossEntropy(z, new[] { 1, 2 }, new float[6], g, 2, 3)));
        Assert.All(g, v => Assert.True(float.IsFinite(v)));
        Assert.True(float.IsFinite(Kernels.SoftmaxCrossEntropy(z, new[] { 0f, 1f, 0f, 1f, 0f, 0f }, default, g, 2, 3)));
        Assert.True(float.IsFinite(Kernels.SigmoidBinaryCrossEntropy(new[] { 1e4f, -1e4f }, new[] { 0f, 1f }, default, new float[2], 2, 1)));
    }
}
