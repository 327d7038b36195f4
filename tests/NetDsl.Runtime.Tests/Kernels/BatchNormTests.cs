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

    /// <summary>
    /// The moving averages and 1/√(σ² + ε), computed in vectors, are bit for bit the per-feature formulas
    /// <c>m − (1 − momentum)·(m − μ)</c> and <c>1/√(σ² + ε)</c> in single precision — over widths with and without a
    /// vector tail.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(16)]
    [InlineData(37)]
    public void Moving_statistics_and_inverse_deviations_are_the_per_feature_formulas_bit_for_bit(int features)
    {
        const int n = 5;
        var random = new SeededRandom(3, features);
        float[] x = new float[n * features];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian() * 3 + 1;
        float[] mm = new float[features], mv = new float[features];
        for (int c = 0; c < features; c++) { mm[c] = (float)random.NextGaussian(); mv[c] = 0.5f + random.NextFloat(); }
        float[] mm0 = (float[])mm.Clone(), mv0 = (float[])mv.Clone();
        float[] mean = new float[features], inv = new float[features], y = new float[x.Length];
        Kernels.BatchNormTraining(x, y, default, default, mm, mv, mean, inv, n, features, 0.99f, 1e-3f);
        float rate = 1f - 0.99f;
        for (int c = 0; c < features; c++)
        {
            // The batch variance from the kernel's own mean, in the kernel's order (row by row; fused multiply-adds in
            // whole vectors where Vector256 is accelerated, plain products in the tail and elsewhere).
            bool fused = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && c < (features & ~7);
            float variance = 0f;
            for (int i = 0; i < n; i++)
            {
                float d = x[i * features + c] - mean[c];
                variance = fused ? MathF.FusedMultiplyAdd(d, d, variance) : variance + d * d;
            }
            variance *= 1f / n;
            Assert.Equal(mm0[c] - rate * (mm0[c] - mean[c]), mm[c]);
            Assert.Equal(mv0[c] - rate * (mv0[c] - variance), mv[c]);
            Assert.Equal(1f / MathF.Sqrt(variance + 1e-3f), inv[c]);
        }
    }

    /// <summary>Inference mode's per-feature scale and shift, computed in vectors, give the bits of <c>x·(γ/√(v + ε)) + (β − m·γ/√(v + ε))</c> feature by feature, with and without γ and β.</summary>
    [Theory]
    [InlineData(13, true, true)]
    [InlineData(37, true, false)]
    [InlineData(16, false, true)]
    [InlineData(9, false, false)]
    public void Inference_is_the_per_feature_formula_bit_for_bit(int features, bool withGamma, bool withBeta)
    {
        const int n = 3;
        var random = new SeededRandom(5, features);
        float[] x = new float[n * features], y = new float[n * features];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
        float[] gamma = new float[features], beta = new float[features], mean = new float[features], variance = new float[features];
        for (int c = 0; c < features; c++)
        {
            gamma[c] = (float)random.NextGaussian();
            beta[c] = (float)random.NextGaussian();
            mean[c] = (float)random.NextGaussian();
            variance[c] = random.NextFloat() + 0.01f;
        }
        Kernels.BatchNormInference(x, y, withGamma ? gamma : default, withBeta ? beta : default, mean, variance, n, features, 1e-3f);
        for (int c = 0; c < features; c++)
        {
            float scale = (withGamma ? gamma[c] : 1f) / MathF.Sqrt(variance[c] + 1e-3f);
            float shift = (withBeta ? beta[c] : 0f) - mean[c] * scale;
            for (int i = 0; i < n; i++) Assert.Equal(MathF.FusedMultiplyAdd(x[i * features + c], scale, shift), y[i * features + c]);
        }
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
