using System;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Integration.Tests;

/// <summary>L1/L2, max-norm, layer defaults, dropout, alpha dropout and MC dropout (KERAS_SEMANTICS.md 1.10–1.15).</summary>
public class RegularizationTests
{
    private static (float[] X, int[] Y) Batch(int n, int inputs, int classes, int seed)
    {
        var random = new SeededRandom(seed);
        var x = new float[n * inputs];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextFloat();
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = random.NextInt(classes);
        return (x, y);
    }

    [Fact]
    public void Dropout_networks_have_Keras_counts()
    {
        Assert.Equal(266_610, FashionDropout.ParameterCount);
        Assert.Equal(266_610, FashionAlphaDropout.ParameterCount);
    }

    [Fact]
    public void Dense_defaults_apply_unless_a_layer_overrides_them()
    {
        var net = new RegularizedNet(1);
        Assert.Equal(Activation.Elu, net.Layers.Dense.Activation);
        Assert.Equal(Activation.Elu, net.Layers.Dense1.Activation);
        Assert.Equal(Activation.Softmax, net.Layers.Dense2.Activation);
        double std = Math.Sqrt(net.Layers.Dense.Kernel.ToArray().Average(v => (double)v * v));
        Assert.InRange(std, Math.Sqrt(2.0 / 784) * 0.97, Math.Sqrt(2.0 / 784) * 1.03); // He normal from the defaults
        Assert.True(net.Layers.Dense2.Kernel.ToArray().Max(Math.Abs) <= Math.Sqrt(6.0 / 110)); // Glorot uniform, overridden
        var maxNorm = new FashionMaxNorm(1);
        Assert.Equal(Activation.Selu, maxNorm.Layers.Dense1.Activation);
    }

    [Fact]
    public void L2_penalty_is_added_to_the_loss_unscaled_and_biases_are_not_regularized()
    {
        var net = new RegularizedNet(2);
        (float[] x, int[] y) = Batch(16, 784, 10, 3);
        var output = new float[16 * 10];
        float loss = net.ComputeLoss(x, y, 16, output);
        double data = 0;
        for (int i = 0; i < 16; i++) data -= Math.Log(output[i * 10 + y[i]]);
        data /= 16;
        double penalty = 0.01 * new[] { net.Layers.Dense, net.Layers.Dense1, net.Layers.Dense2 }.Sum(l => l.Kernel.ToArray().Sum(v => (double)v * v));
        Assert.Equal(data + penalty, loss, 3);
        // Training reports the same kind of loss.
        float trainLoss = net.ComputeGradients(x, y, 16);
        Assert.True(trainLoss > penalty);
    }

    [Fact]
    public void Max_norm_holds_after_every_step()
    {
        var net = new FashionMaxNorm(3);
        var sgd = new Sgd(0.5, momentum: 0.9);
        (float[] x, int[] y) = Batch(32, 784, 10, 4);
        for (int step = 0; step < 10; step++)
        {
            net.TrainStep(x, y, 32, sgd);
            foreach (DenseLayer layer in new[] { net.Layers.Dense, net.Layers.Dense1 })
            {
                for (int j = 0; j < layer.Units; j++)
                {
                    double norm = 0;
                    for (int i = 0; i < layer.Inputs; i++) norm += (double)layer.Kernel[i * layer.Units + j] * layer.Kernel[i * layer.Units + j];
                    Assert.True(Math.Sqrt(norm) <= 1.0 + 1e-5, $"{layer.Name} unit {j}: norm {Math.Sqrt(norm)} after step {step}");
                }
            }
        }
        // The output layer overrides the default with MaxNorm = 0: its Glorot columns (norm ≈ 1.35) stay above 1.
        Assert.Contains(Enumerable.Range(0, 10), j => Math.Sqrt(Enumerable.Range(0, 100).Sum(i => Math.Pow(net.Layers.Dense2.Kernel[i * 10 + j], 2))) > 1.05);
    }

    [Fact]
    public void Max_norm_kernel_follows_Keras_formula()
    {
        // Column 0 has norm 5 (clipped to 2), column 1 norm 1 (kept, times n/(n+ε)).
        float[] w = { 3f, 1f, 4f, 0f };
        Kernels.MaxNorm(w, 2, 2, 2f, new float[2]);
        Assert.Equal(3 * 2 / (5 + 1e-7), w[0], 5);
        Assert.Equal(4 * 2 / (5 + 1e-7), w[2], 5);
        Assert.Equal(1 / (1 + 1e-7), w[1], 6);
    }

    [Fact]
    public void Dropout_drops_at_the_rate_scales_the_rest_and_is_identity_at_inference()
    {
        var x = Enumerable.Repeat(1f, 100_000).ToArray();
        var y = new float[x.Length];
        var mask = new float[x.Length];
        Kernels.DropoutTraining(x, y, mask, 0.2f, new SeededRandom(1));
        double dropped = y.Count(v => v == 0) / (double)y.Length;
        Assert.Equal(0.2, dropped, 2);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1.25f, v));
        Assert.Equal(1.0, y.Average(v => (double)v), 2);

        var net = new FashionDropout(1);
        (float[] xb, _) = Batch(4, 784, 10, 1);
        float[] a = new float[40], b = new float[40];
        net.Forward(xb, a, 4);
        net.Forward(xb, b, 4);
        Assert.Equal(a, b); // inference: deterministic
        net.Forward(xb, b, 4, training: true);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData(0.1, 0.9212845161, 0.1619709701)]
    [InlineData(0.2, 0.8789035834, 0.3090399621)]
    [InlineData(0.5, 0.8864048947, 0.7791939305)]
    public void Alpha_dropout_affine_matches_Keras_test_vectors(double rate, double a, double b)
    {
        (double A, double B) = Kernels.AlphaDropoutAffine(rate);
        Assert.Equal(a, A, 8);
        Assert.Equal(b, B, 8);
    }

    [Fact]
    public void Alpha_dropout_keeps_standardized_SELU_activations_standardized()
    {
        var random = new SeededRandom(7);
        // Activations of a self-normalized SELU layer: mean ≈ 0, std ≈ 1.
        var z = new float[200_000];
        for (int i = 0; i < z.Length; i++) z[i] = (float)random.NextGaussian();
        var s = new float[z.Length];
        Kernels.ActivationForward(Activation.Selu, z, s, z.Length);
        var y = new float[z.Length];
        Kernels.AlphaDropoutTraining(s, y, new float[z.Length], 0.2f, new SeededRandom(8));
        double meanS = s.Average(v => (double)v), stdS = Math.Sqrt(s.Average(v => (v - meanS) * (v - meanS)));
        double mean = y.Average(v => (double)v), std = Math.Sqrt(y.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(meanS, mean, 1);
        Assert.Equal(stdS, std, 1);
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(std, 0.95, 1.05);
    }

    [Fact]
    public void Monte_Carlo_dropout_averages_stochastic_passes_and_keeps_batch_norm_in_inference()
    {
        var net = new FashionAlphaDropout(2);
        (float[] x, int[] y) = Batch(20, 784, 10, 5);
        var data = new Dataset(x, y, 784);
        float[] plain = net.Predict(data);
        MonteCarloPrediction mc = net.PredictMonteCarloWithDeviation(data, samples: 50, seed: 3);
        Assert.Equal(plain.Length, mc.Mean.Length);
        Assert.NotEqual(plain, mc.Mean);
        Assert.Contains(mc.StandardDeviation, v => v > 1e-3f);
        for (int i = 0; i < 20; i++) Assert.Equal(1.0, mc.Mean.Skip(i * 10).Take(10).Sum(v => (double)v), 4);
        Assert.Equal(mc.Mean, net.PredictMonteCarlo(data, samples: 50, seed: 3)); // reproducible with a seed

        var bn = new SmallA(1);
        float[] before = bn.State.ToArray();
        bn.PredictMonteCarlo(new Dataset(x, y.Select(v => v % 8).ToArray(), 784), samples: 5);
        Assert.Equal(before, bn.State.ToArray()); // BatchNorm statistics untouched
    }
}
