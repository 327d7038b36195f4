using System;
using System.Linq;
using System.Runtime.InteropServices;
using NetDsl;
using NetDsl.Tests;
using Xunit;

namespace NetDsl.Integration.Tests;

public class TrainingTests
{
    internal static (float[] X, int[] Y) RandomBatch(int n, int inputs, int classes, int seed)
    {
        var random = new SeededRandom(seed);
        var x = new float[n * inputs];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextFloat();
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = random.NextInt(classes);
        return (x, y);
    }

    public static TheoryData<string, int> FusedUpdateCases => new()
    {
        { nameof(FashionMlp), 1 }, { nameof(FashionMlp), 32 }, { nameof(FashionBn), 32 }, { nameof(FashionMaxNorm), 8 },
        { nameof(RegularizedNet), 8 }, { nameof(MixedRegularized), 8 }, { nameof(Residual), 5 }, { "FrozenMlp", 16 },
    };

    /// <summary>
    /// Plain SGD updates the dense kernels inside the weight-gradient product (<see cref="Kernels.MatMulTNStep"/>).
    /// The reference is the same network trained through the same TrainStep with fusion disabled (a clip value no
    /// gradient reaches): weights, gradients, statistics and losses must agree bit for bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(FusedUpdateCases))]
    public void Fused_sgd_steps_are_bit_identical_to_separate_updates(string network, int batch)
    {
        INetwork Create() => network switch
        {
            nameof(FashionMlp) or "FrozenMlp" => new FashionMlp(3),
            nameof(FashionBn) => new FashionBn(3),
            nameof(FashionMaxNorm) => new FashionMaxNorm(3),
            nameof(RegularizedNet) => new RegularizedNet(3),
            nameof(MixedRegularized) => new MixedRegularized(3),
            nameof(Residual) => new Residual(3),
            _ => throw new ArgumentException(network),
        };
        INetwork fused = Create(), separate = Create();
        if (network == "FrozenMlp")
        {
            ((FashionMlp)fused).Layers.Dense1.Trainable = false;
            ((FashionMlp)separate).Layers.Dense1.Trainable = false;
        }
        var fusedSgd = new Sgd(new ExponentialDecay(0.05, 3, 0.5));
        var separateSgd = new Sgd(new ExponentialDecay(0.05, 3, 0.5)) { ClipValue = float.MaxValue };
        Assert.True(fusedSgd.TryGetFusedUpdateRate(fused.Parameters.Length, out _));
        Assert.False(separateSgd.TryGetFusedUpdateRate(separate.Parameters.Length, out _));
        for (int step = 0; step < 6; step++)
        {
            (float[] x, int[] y) = RandomBatch(batch, fused.InputSize, fused.OutputSize, 100 + step);
            float a = fused.TrainStep(x, y, batch, fusedSgd);
            float b = separate.TrainStep(x, y, batch, separateSgd);
            Assert.Equal(b, a);
            Assert.True(fused.Parameters.SequenceEqual(separate.Parameters), $"weights differ after step {step}");
            Assert.True(fused.Gradients.SequenceEqual(separate.Gradients), $"gradients differ after step {step}");
            Assert.True(fused.State.SequenceEqual(separate.State), $"statistics differ after step {step}");
        }
        Assert.Equal(6, fusedSgd.Iterations);
        if (network == "FrozenMlp")
        {
            Assert.True(((FashionMlp)fused).Layers.Dense1.Kernel.SequenceEqual(new FashionMlp(3).Layers.Dense1.Kernel));
        }
    }

    [Fact]
    public void A_plain_sgd_bound_to_another_network_refuses_the_step_before_any_weight_moves_and_Reset_frees_it()
    {
        // The fused update happens inside the backward pass, before Apply: it must not start for an optimizer whose
        // Apply is going to refuse the step.
        (float[] x, int[] y) = RandomBatch(8, 784, 10, 12);
        var sgd = new Sgd(0.1);
        new FashionMlp(1).TrainStep(x, y, 8, sgd);                  // binds the optimizer to 266,610 weights
        var other = new FashionBn(2);                               // 271,346 parameters
        float[] before = other.Parameters.ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => other.TrainStep(x, y, 8, sgd));
        Assert.Contains("one optimizer per network", e.Message);
        Assert.True(other.Parameters.SequenceEqual(before));
        Assert.Equal(1, sgd.Iterations);

        sgd.Reset();
        Assert.Equal(0, sgd.Iterations);
        other.TrainStep(x, y, 8, sgd);
        Assert.Equal(1, sgd.Iterations);
        Assert.False(other.Parameters.SequenceEqual(before));
    }

    [Fact]
    public void Fit_without_an_optimizer_uses_rmsprop_with_keras_defaults_like_compile()
    {
        (float[] x, int[] y) = RandomBatch(64, 784, 10, 9);
        var data = new Dataset(x, y, 784);
        INetwork implicitOptimizer = new FashionMlp(4), explicitOptimizer = new FashionMlp(4);
        implicitOptimizer.Fit(data, epochs: 2, batchSize: 16, verbose: 0);
        explicitOptimizer.Fit(data, epochs: 2, batchSize: 16, optimizer: new RmsProp(0.001, rho: 0.9, epsilon: 1e-7), verbose: 0);
        Assert.True(implicitOptimizer.Parameters.SequenceEqual(explicitOptimizer.Parameters));
        Assert.False(implicitOptimizer.Parameters.SequenceEqual(new FashionMlp(4).Parameters));
        // A fresh RmsProp per call: two one-epoch calls differ from one two-epoch call (the slots start again).
        INetwork twice = new FashionMlp(4);
        twice.Fit(data, epochs: 1, batchSize: 16, verbose: 0, shuffle: false);
        twice.Fit(data, epochs: 1, batchSize: 16, verbose: 0, shuffle: false);
        INetwork once = new FashionMlp(4);
        once.Fit(data, epochs: 2, batchSize: 16, verbose: 0, shuffle: false);
        Assert.False(twice.Parameters.SequenceEqual(once.Parameters));
    }

    [Fact]
    public void TrainStep_allocates_nothing_after_warm_up()
    {
        var net = new FashionBn(1);
        var optimizer = new Sgd(0.01, momentum: 0.9, nesterov: true) { ClipNorm = 1.0 };
        (float[] x, int[] y) = RandomBatch(32, 784, 10, 5);
        for (int i = 0; i < 3; i++) net.TrainStep(x, y, 32, optimizer); // warm-up: workspace and slots
        long minimum = long.MaxValue;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) net.TrainStep(x, y, 32, optimizer);
            minimum = Math.Min(minimum, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, minimum);
    }

    [Fact]
    public void Every_optimizer_step_allocates_nothing_after_warm_up()
    {
        (float[] x, int[] y) = RandomBatch(16, 784, 10, 6);
        foreach (Optimizer optimizer in new Optimizer[]
        {
#pragma warning disable NDSL1009 // both clippings on purpose: the allocation check covers every clipping path
            new Adam(amsgrad: true) { ClipValue = 1, ClipNorm = 1 }, new Nadam() { GlobalClipNorm = 1 },
#pragma warning restore NDSL1009
            new RmsProp(momentum: 0.9, centered: true),
            new AdaGrad(), new AdaMax(), new Sgd(new ExponentialDecay(0.01, 100, 0.5)) { Decay = 1e-4 },
        })
        {
            var net = new RegularizedNet(2); // L2 and an output layer: the whole step
            for (int i = 0; i < 3; i++) net.TrainStep(x, y, 16, optimizer);
            long minimum = long.MaxValue;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 5; i++) net.TrainStep(x, y, 16, optimizer);
                minimum = Math.Min(minimum, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            Assert.True(minimum == 0, $"{optimizer.GetType().Name}: {minimum} bytes per 5 steps");
        }
    }

    [Fact]
    public void Forward_allocates_nothing_after_warm_up()
    {
        var net = new FashionMlp(1);
        (float[] x, _) = RandomBatch(1, 784, 10, 5);
        var y = new float[10];
        net.Forward(x, y, 1);
        long minimum = long.MaxValue;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) net.Forward(x, y, 1);
            minimum = Math.Min(minimum, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, minimum);
    }

    [Fact]
    public void Same_seed_and_data_give_bit_identical_weights()
    {
        float[] Train(int seed)
        {
            var net = new FashionBn(seed);
            var optimizer = new Sgd(0.01, momentum: 0.9);
            (float[] x, int[] y) = RandomBatch(64, 784, 10, 11);
            var data = new Dataset(x, y, 784);
            net.Fit(data, epochs: 2, batchSize: 16, optimizer: optimizer, verbose: 0);
            return net.Parameters.ToArray().Concat(net.State.ToArray()).ToArray();
        }
        float[] a = Train(42), b = Train(42), c = Train(43);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Seed_initializes_deterministically_and_layers_independently()
    {
        var a = new FashionMlp(7);
        var b = new FashionMlp(7);
        var c = new FashionMlp(8);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.False(a.Parameters.SequenceEqual(c.Parameters));
        // He normal: effective std √(2/784) for the first kernel, biases zero.
        float[] k = a.Layers.Dense.Kernel.ToArray();
        double std = Math.Sqrt(k.Select(v => (double)v * v).Average());
        Assert.InRange(std, Math.Sqrt(2.0 / 784) * 0.98, Math.Sqrt(2.0 / 784) * 1.02);
        Assert.True(k.Max() <= 2 * Math.Sqrt(2.0 / 784) / 0.87962566103423978 + 1e-6);
        Assert.All(a.Layers.Dense.Bias.ToArray(), v => Assert.Equal(0f, v));
        // Glorot uniform on the output layer: |w| ≤ √(6 / (100 + 10)).
        Assert.True(a.Layers.Dense2.Kernel.ToArray().Max(Math.Abs) <= Math.Sqrt(6.0 / 110));
    }

    [Fact]
    public void Batch_norm_initial_state_is_Keras()
    {
        var net = new FashionBn();
        Assert.All(net.Layers.BatchNormalization.Gamma.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(net.Layers.BatchNormalization.Beta.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(net.Layers.BatchNormalization.MovingMean.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(net.Layers.BatchNormalization.MovingVariance.ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Forward_matches_a_double_precision_reference()
    {
        var net = new FashionBn(3);
        (float[] x, int[] y) = RandomBatch(8, 784, 10, 3);
        // Move the BN statistics away from their initial values first.
        net.Fit(new Dataset(x, y, 784), epochs: 3, batchSize: 4, optimizer: new Sgd(0.05), verbose: 0);
        var output = new float[8 * 10];
        net.Forward(x, output, 8);
        for (int s = 0; s < 8; s++)
        {
            double[] h = x.Skip(s * 784).Take(784).Select(v => (double)v).ToArray();
            h = BatchNorm(h, net.Layers.BatchNormalization);
            h = Dense(h, net.Layers.Dense, v => Math.Max(v, 0));
            h = BatchNorm(h, net.Layers.BatchNormalization1);
            h = Dense(h, net.Layers.Dense1, v => Math.Max(v, 0));
            h = BatchNorm(h, net.Layers.BatchNormalization2);
            h = Dense(h, net.Layers.Dense2, v => v);
            double max = h.Max();
            double sum = h.Sum(v => Math.Exp(v - max));
            for (int j = 0; j < 10; j++) Assert.Equal(Math.Exp(h[j] - max) / sum, output[s * 10 + j], 4);
        }

        static double[] Dense(double[] input, DenseLayer layer, Func<double, double> activation)
        {
            var result = new double[layer.Units];
            for (int j = 0; j < layer.Units; j++)
            {
                double z = layer.Bias.IsEmpty ? 0 : layer.Bias[j];
                for (int i = 0; i < layer.Inputs; i++) z += input[i] * layer.Kernel[i * layer.Units + j];
                result[j] = activation(z);
            }
            return result;
        }

        static double[] BatchNorm(double[] input, BatchNormLayer layer)
        {
            var result = new double[input.Length];
            for (int c = 0; c < input.Length; c++)
            {
                result[c] = layer.Gamma[c] * (input[c] - layer.MovingMean[c]) / Math.Sqrt(layer.MovingVariance[c] + layer.Epsilon) + layer.Beta[c];
            }
            return result;
        }
    }

    [Fact]
    public void Fit_learns_a_separable_problem_and_reports_Keras_logs()
    {
        // Three Gaussian blobs in 6 dimensions.
        var random = new SeededRandom(5);
        int n = 600;
        var x = new float[n * 6];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 4;
            for (int j = 0; j < 6; j++) x[i * 6 + j] = (float)(random.NextGaussian() * 0.5 + (j % 4 == y[i] ? 2 : 0));
        }
        var (train, valid) = new Dataset(x, y, 6).Split(100, seed: 1);
        var net = new GradSoftmax(1);
        var output = new System.IO.StringWriter();
        History history = net.Fit(train, epochs: 8, batchSize: 16, optimizer: new Sgd(0.1, momentum: 0.9), validation: valid, verbose: 2, output: output);
        Assert.Equal(Enumerable.Range(0, 8), history.Epoch);
        Assert.True(history["loss"][^1] < history["loss"][0]);
        Assert.True(history["val_accuracy"][^1] > 0.95, $"val_accuracy {history["val_accuracy"][^1]}");
        Assert.Equal(8, history["lr"].Count);
        EvaluationResult result = net.Evaluate(valid);
        Assert.Equal(history["val_loss"][^1], result.Loss, 5);
        Assert.Equal(history["val_accuracy"][^1], result.Accuracy, 5);
        float[] probabilities = net.Predict(valid);
        Assert.Equal(valid.Count * 4, probabilities.Length);
        for (int i = 0; i < valid.Count; i++) Assert.Equal(1.0, probabilities.Skip(i * 4).Take(4).Sum(), 4);
        string log = output.ToString();
        Assert.Contains("Epoch 8/8", log);
        Assert.Contains("32/32 - ", log);
        Assert.Contains(" - val_accuracy: ", log);
    }

    [Fact]
    public void Fit_numbers_epochs_from_initialEpoch_as_Keras()
    {
        var net = new GradSoftmax(1);
        (float[] x, int[] y) = RandomBatch(40, 6, 4, 2);
        History history = net.Fit(new Dataset(x, y, 6), epochs: 5, batchSize: 8, optimizer: new Sgd(), initialEpoch: 3, verbose: 0);
        Assert.Equal(new[] { 3, 4 }, history.Epoch);
    }

    [Fact]
    public void Wrong_inputs_are_refused_clearly_without_changing_state()
    {
        var net = new FashionBn(1);
        float[] before = net.Parameters.ToArray();
        float[] state = net.State.ToArray();
        (float[] x, int[] y) = RandomBatch(4, 784, 10, 1);
        var sgd = new Sgd();
        var e1 = Assert.Throws<ArgumentException>(() => net.TrainStep(x.AsSpan(0, 700), y, 4, sgd));
        Assert.Contains("784", e1.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(x, new[] { 0, 1, 10, 2 }, 4, sgd));
        Assert.Contains("label 10 of sample 2", e2.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(x, y, 0, sgd));
        Assert.Throws<ArgumentException>(() => net.Forward(x, new float[39], 4));
        var e3 = Assert.Throws<InvalidOperationException>(() => net.TrainStep(x, new float[40], 4, sgd));
        Assert.Contains("integer class labels", e3.Message);
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal(state, net.State.ToArray());
    }
}

/// <summary>
/// Tests that need the worker pool to themselves (a job finds the pool busy while other test classes run kernels, and
/// then runs on the caller alone): xunit runs this collection on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerPoolCollection
{
    public const string Name = "Worker pool";
}

[Collection(WorkerPoolCollection.Name)]
public class CoreCountIndependenceTests
{
    /// <summary>
    /// The same seed, data and settings give the same bits with the kernels on one core or several (README,
    /// "Determinism"): training steps at batch 1 and 32, with fused SGD and with Adam, and one-sample predictions.
    /// </summary>
    [VectorKernelTheory]
    [InlineData(nameof(FashionMlp), 1, "sgd")]
    [InlineData(nameof(FashionMlp), 32, "sgd")]
    [InlineData(nameof(FashionMlp), 32, "adam")]
    [InlineData(nameof(FashionBn), 16, "sgd")]
    public void Training_gives_the_same_bits_on_one_core_and_on_several(string network, int batch, string optimizer)
    {
        (float[] Weights, float[] Prediction) Train(bool serial)
        {
            WorkerPool.SerialOnThisThread = serial;
            try
            {
                INetwork net = network == nameof(FashionMlp) ? new FashionMlp(5) : new FashionBn(5);
                Optimizer opt = optimizer == "sgd" ? new Sgd(0.05) : new Adam(0.001);
                for (int step = 0; step < 4; step++)
                {
                    (float[] x, int[] y) = TrainingTests.RandomBatch(batch, net.InputSize, net.OutputSize, 300 + step);
                    net.TrainStep(x, y, batch, opt);
                }
                var prediction = new float[net.OutputSize];
                net.Forward(TrainingTests.RandomBatch(1, net.InputSize, net.OutputSize, 400).X, prediction, 1);
                return (net.Parameters.ToArray(), prediction);
            }
            finally
            {
                WorkerPool.SerialOnThisThread = false;
            }
        }
        // The pool runs a job on the caller alone when another thread holds it (tests run in parallel): repeat until
        // the kernels of this thread's training were shared with a worker.
        var parallel = Train(false);
        bool shared = false;
        for (int attempt = 0; attempt < 20 && !shared && WorkerPool.IsParallel; attempt++)
        {
            int before = WorkerPool.ParallelRunsOnThisThread;
            parallel = Train(false);
            shared = WorkerPool.ParallelRunsOnThisThread > before;
        }
        Assert.True(shared || !WorkerPool.IsParallel, "the training never ran in parallel");
        var serial = Train(true);
        Assert.True(parallel.Weights.AsSpan().SequenceEqual(serial.Weights), "the weights depend on the number of cores");
        Assert.True(parallel.Prediction.AsSpan().SequenceEqual(serial.Prediction), "the prediction depends on the number of cores");
    }

    /// <summary>
    /// AVX-512 machines run the products' full panels through a <c>Vector512</c> micro-kernel: training and prediction
    /// give the same bits as with the 256-bit kernel (each forced in turn; README, "Determinism").
    /// </summary>
    [VectorKernelTheory]
    [InlineData(nameof(FashionMlp), 32, "sgd")]
    [InlineData(nameof(FashionMlp), 32, "adam")]
    [InlineData(nameof(FashionLeaky), 32, "sgd")]
    [InlineData(nameof(FashionBn), 16, "sgd")]
    [InlineData(nameof(DeepSelu), 128, "sgd")]
    public void Training_gives_the_same_bits_with_the_512_bit_kernel(string network, int batch, string optimizer)
    {
        (float[] Weights, float[] Predictions) Train(bool wide)
        {
            Kernels.ProductKernel? before = Kernels.ForcedKernel;
            Kernels.ForcedKernel = wide ? Kernels.ProductKernel.Vector512 : Kernels.ProductKernel.Vector256;
            Kernels.ForcedWideCalls = 0;
            try
            {
                INetwork net = network switch
                {
                    nameof(FashionMlp) => new FashionMlp(7),
                    nameof(FashionLeaky) => new FashionLeaky(7),
                    nameof(FashionBn) => new FashionBn(7),
                    _ => new DeepSelu(7),
                };
                Optimizer opt = optimizer == "sgd" ? new Sgd(0.05) : new Adam(0.001);
                for (int step = 0; step < 3; step++)
                {
                    (float[] x, int[] y) = TrainingTests.RandomBatch(batch, net.InputSize, net.OutputSize, 500 + step);
                    net.TrainStep(x, y, batch, opt);
                }
                var predictions = new float[8 * net.OutputSize];
                net.Forward(TrainingTests.RandomBatch(8, net.InputSize, net.OutputSize, 600).X, predictions, 8);
                if (wide) Assert.True(Kernels.ForcedWideCalls > 0, "the 512-bit micro-kernel did not run");
                return (net.Parameters.ToArray(), predictions);
            }
            finally
            {
                Kernels.ForcedKernel = before;
            }
        }
        var narrow = Train(false);
        var wide = Train(true);
        // Bit for bit (float equality would take −0 for +0).
        Assert.True(MemoryMarshal.Cast<float, int>(narrow.Weights.AsSpan()).SequenceEqual(MemoryMarshal.Cast<float, int>(wide.Weights.AsSpan())), "the weights depend on the vector width");
        Assert.True(MemoryMarshal.Cast<float, int>(narrow.Predictions.AsSpan()).SequenceEqual(MemoryMarshal.Cast<float, int>(wide.Predictions.AsSpan())), "the predictions depend on the vector width");
    }

}
