using System;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

public class LossTests
{
    [Fact]
    public void Sparse_cross_entropy_from_logits_matches_log_softmax_and_its_gradient()
    {
        float[] z = { 1f, 2f, 0.5f, -1f, 3f, 0f };
        int[] labels = { 1, 0 };
        var p = new float[6];
        var g = new float[6];
        float loss = Kernels.SoftmaxSparseCrossEntropy(z, labels, p, g, 2, 3);
        double Row(double[] r, int y) => -(r[y] - Math.Log(r.Sum(Math.Exp)));
        double expected = (Row(new[] { 1.0, 2, 0.5 }, 1) + Row(new[] { -1.0, 3, 0 }, 0)) / 2;
        Assert.Equal(expected, loss, 5);
        for (int i = 0; i < 2; i++)
        {
            double sum = Enumerable.Range(0, 3).Sum(j => Math.Exp(z[i * 3 + j]));
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(Math.Exp(z[i * 3 + j]) / sum, p[i * 3 + j], 1e-7);
                Assert.Equal((p[i * 3 + j] - (labels[i] == j ? 1 : 0)) / 2.0, g[i * 3 + j], 6);
            }
        }
    }

    [Fact]
    public void Cross_entropy_against_targets_matches_the_formula_and_its_gradient()
    {
        // Rows of one-hot and soft targets (the second sums to 0.8, so that the gradient's p·Σt term shows); 3 and 40
        // classes (the row of exponentials grows from its first 16).
        foreach (int classes in new[] { 3, 40 })
        {
            const int batch = 2;
            var z = new float[batch * classes];
            var t = new float[batch * classes];
            for (int i = 0; i < z.Length; i++) z[i] = (float)Math.Sin(0.7 * i) * 3f;
            for (int j = 0; j < classes; j++) { t[j] = j == 1 ? 1f : 0f; t[classes + j] = j < 2 ? 0.4f : 0f; }
            var p = new float[z.Length];
            var g = new float[z.Length];
            float loss = Kernels.SoftmaxCrossEntropy(z, t, p, g, batch, classes);
            double expected = 0;
            for (int i = 0; i < batch; i++)
            {
                double max = Enumerable.Range(0, classes).Max(j => (double)z[i * classes + j]);
                double sum = Enumerable.Range(0, classes).Sum(j => Math.Exp(z[i * classes + j] - max));
                double tSum = Enumerable.Range(0, classes).Sum(j => (double)t[i * classes + j]);
                for (int j = 0; j < classes; j++)
                {
                    int k = i * classes + j;
                    double pk = Math.Exp(z[k] - max) / sum;
                    expected -= t[k] * (z[k] - max - Math.Log(sum));
                    Assert.Equal(pk, p[k], 1e-7);
                    Assert.Equal((pk * tSum - t[k]) / batch, g[k], 6);
                }
            }
            Assert.Equal(expected / batch, loss, 5);
        }
    }

    [Fact]
    public void Cross_entropies_stay_finite_for_extreme_logits()
    {
        float[] z = { 1e4f, -1e4f, 0f, -1e4f, 1e4f, 0f };
        Assert.True(float.IsFinite(Kernels.SoftmaxSparseCrossEntropy(z, new[] { 1, 0 }, default, default, 2, 3)));
        float bce = Kernels.SigmoidBinaryCrossEntropy(new[] { 1e4f, -1e4f }, new[] { 0f, 1f }, default, default, 2, 1);
        Assert.Equal(1e4, bce, 0);
    }

    [Fact]
    public void Binary_cross_entropy_matches_the_formula()
    {
        float[] z = { 0.3f, -1.2f, 2f };
        float[] t = { 1f, 0f, 0.25f };
        double expected = z.Zip(t, (zz, tt) =>
        {
            double s = 1 / (1 + Math.Exp(-zz));
            return -(tt * Math.Log(s) + (1 - tt) * Math.Log(1 - s));
        }).Average();
        var g = new float[3];
        Assert.Equal(expected, Kernels.SigmoidBinaryCrossEntropy(z, t, default, g, 1, 3), 5);
        Assert.Equal((1 / (1 + Math.Exp(-0.3)) - 1) / 3, g[0], 6);
    }

    [Fact]
    public void Mean_squared_error_matches_the_formula()
    {
        var g = new float[4];
        float loss = Kernels.MeanSquaredError(new[] { 1f, 2f, 3f, 4f }, new[] { 1.5f, 2f, 2f, 4f }, g, 2, 2);
        Assert.Equal((0.25 + 0 + 1 + 0) / 4, loss, 6);
        Assert.Equal(new[] { -0.25f, 0f, 0.5f, 0f }, g);
    }

    [Fact]
    public void Labels_out_of_range_are_refused_with_the_sample()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.SoftmaxSparseCrossEntropy(new float[6], new[] { 0, 3 }, default, default, 2, 3));
        Assert.Contains("Label 3 of sample 1", e.Message);
    }
}

public class FiniteCheckTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(100)]
    [InlineData(784)]
    public void AllFinite_finds_any_NaN_or_infinity(int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = i * 0.5f - 3f;
        Assert.True(NetDsl.NetworkChecks.AllFinite(values));
        for (int i = 0; i < length; i += Math.Max(1, length / 7))
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                float saved = values[i];
                values[i] = bad;
                Assert.False(NetDsl.NetworkChecks.AllFinite(values), $"{bad} at {i} of {length}");
                values[i] = saved;
            }
        }
        var big = new float[length];
        Array.Fill(big, float.MaxValue);
        Assert.True(NetDsl.NetworkChecks.AllFinite(big)); // MaxValue·0 is 0: only true infinities count
    }
}
