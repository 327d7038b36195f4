using System;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

public class BatchNormTests
{
    [Fact]
    public void Training_normalizes_with_the_biased_batch_variance_and_moves_the_statistics_as_Keras()
    {
        const int n = 4, c = 2;
        float[] x = { 1, 10, 2, 20, 3, 30, 6, 40 };
        var y = new float[8];
        float[] gamma = { 2, 1 }, beta = { 0.5f, 0 };
        float[] mm = { 0, 0 }, mv = { 1, 1 };
        var mean = new float[2];
        var inv = new float[2];
        Kernels.BatchNormTraining(x, y, gamma, beta, mm, mv, mean, inv, n, c, 0.99f, 1e-3f);
        double mu0 = 3, var0 = (4 + 1 + 0 + 9) / 4.0; // biased
        Assert.Equal(mu0, mean[0], 5);
        Assert.Equal(1 / Math.Sqrt(var0 + 1e-3), inv[0], 5);
        Assert.Equal(2 * (1 - mu0) / Math.Sqrt(var0 + 1e-3) + 0.5, y[0], 5);
        Assert.Equal(0.01 * mu0, mm[0], 6);
        Assert.Equal(0.99 + 0.01 * var0, mv[0], 6);
        // Column 1 has mean 25 and is normalized to mean 0, std ≈ 1.
        double[] col = Enumerable.Range(0, n).Select(i => (double)y[i * c + 1]).ToArray();
        Assert.Equal(0, col.Average(), 5);
        Assert.Equal(1, Math.Sqrt(col.Select(v => v * v).Average()), 3);
    }

    [Fact]
    public void Constant_feature_stays_finite()
    {
        float[] x = { 5, 5, 5, 5 };
        var y = new float[4];
        Kernels.BatchNormTraining(x, y, default, default, new float[1], new float[] { 1 }, new float[1], new float[1], 4, 1, 0.99f, 1e-3f);
        // TensorFlow's form y = x·inv + (β − μ·inv) leaves only rounding noise on a zero-variance feature.
        Assert.All(y, v => Assert.True(float.IsFinite(v) && Math.Abs(v) < 1e-4, $"{v}"));
    }

    [Fact]
    public void Inference_uses_the_moving_statistics()
    {
        float[] x = { 3, 7 };
        var y = new float[2];
        Kernels.BatchNormInference(x, y, new float[] { 2 }, new float[] { 1 }, new float[] { 1 }, new float[] { 4 }, 2, 1, 0f);
        Assert.Equal(new[] { 2f * 2 / 2 + 1, 2f * 6 / 2 + 1 }, y);
    }
}
