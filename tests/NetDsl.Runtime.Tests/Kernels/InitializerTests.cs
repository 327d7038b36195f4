using System;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>Initializer statistics against Keras's VarianceScaling formulas (KERAS_SEMANTICS.md 1.1).</summary>
public class InitializerTests
{
    [Theory]
    [InlineData(Init.GlorotUniform, 2.0 / (300 + 100), true)]
    [InlineData(Init.GlorotNormal, 2.0 / (300 + 100), false)]
    [InlineData(Init.HeNormal, 2.0 / 300, false)]
    [InlineData(Init.HeUniform, 2.0 / 300, true)]
    [InlineData(Init.LecunNormal, 1.0 / 300, false)]
    [InlineData(Init.LecunUniform, 1.0 / 300, true)]
    public void Variance_scaling_has_Keras_spread(Init init, double variance, bool uniform)
    {
        var w = new float[300 * 100 * 4]; // four kernels' worth of draws with fans (300, 100), for tight statistics
        Initializers.Fill(w, init, 300, 100, new SeededRandom(1));
        double mean = w.Average(v => (double)v);
        double std = Math.Sqrt(w.Average(v => (double)v * v) - mean * mean);
        Assert.InRange(mean, -0.01 * Math.Sqrt(variance) * 10, 0.01 * Math.Sqrt(variance) * 10);
        Assert.InRange(std, Math.Sqrt(variance) * 0.98, Math.Sqrt(variance) * 1.02);
        double max = w.Max(Math.Abs);
        if (uniform)
        {
            double limit = Math.Sqrt(3 * variance);
            Assert.True(max <= limit && max > 0.99 * limit, $"max {max}, limit {limit}");
        }
        else
        {
            // Truncated at two standard deviations of the underlying normal, whose σ is √s / 0.8796.
            double bound = 2 * Math.Sqrt(variance) / Initializers.TruncatedNormalStd;
            Assert.True(max <= bound && max > 0.99 * bound, $"max {max}, bound {bound}");
        }
    }

    [Fact]
    public void Zeros_and_ones()
    {
        var w = new float[10];
        Initializers.Fill(w, Init.Ones, 2, 5, new SeededRandom(1));
        Assert.All(w, v => Assert.Equal(1f, v));
        Initializers.Fill(w, Init.Zeros, 2, 5, new SeededRandom(1));
        Assert.All(w, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Same_seed_same_weights()
    {
        float[] a = new float[100], b = new float[100];
        Initializers.Fill(a, Init.HeNormal, 10, 10, Initializers.LayerRandom(5, 2));
        Initializers.Fill(b, Init.HeNormal, 10, 10, Initializers.LayerRandom(5, 2));
        Assert.Equal(a, b);
        Initializers.Fill(b, Init.HeNormal, 10, 10, Initializers.LayerRandom(5, 3));
        Assert.NotEqual(a, b);
    }
}
