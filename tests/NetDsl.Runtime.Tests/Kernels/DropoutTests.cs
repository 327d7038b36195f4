using System;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>
/// The dropout and RReLU kernels draw their uniforms in bulk (<see cref="SeededRandom.NextFloats"/>) and apply them in vectors:
/// the same masks and outputs, bit for bit, as one <see cref="SeededRandom.NextFloat()"/> per element in order.
/// </summary>
public class DropoutTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void NextFloats_are_the_next_NextFloat_values_and_leave_the_same_state(int count)
    {
        var bulk = new SeededRandom(12, 3);
        var single = new SeededRandom(12, 3);
        Assert.Equal(single.NextFloat(), bulk.NextFloat());
        Assert.Equal(single.NextGaussian(), bulk.NextGaussian()); // a spare Gaussian pending across the bulk draw
        var values = new float[count];
        bulk.NextFloats(values);
        for (int i = 0; i < count; i++) Assert.Equal(single.NextFloat(), values[i]);
        Assert.True(values.All(v => v >= 0f && v < 1f));
        Assert.Equal(single.NextGaussian(), bulk.NextGaussian());
        Assert.Equal(single.NextUInt64(), bulk.NextUInt64());
    }

    [Theory]
    [InlineData(1, 0.2f)]
    [InlineData(13, 0.5f)]
    [InlineData(1001, 0.2f)]
    [InlineData(200_003, 0.1f)]
    public void Dropout_masks_and_outputs_are_those_of_one_draw_per_element(int n, float rate)
    {
        var values = new SeededRandom(3, 9);
        float[] x = Enumerable.Range(0, n).Select(i => n > 2000 ? (float)values.NextGaussian() : (i % 5 - 2) * 0.75f).ToArray();
        x[0] = -0f;
        float[] y = new float[n], mask = new float[n];
        Kernels.DropoutTraining(x, y, mask, rate, new SeededRandom(4, 9));
        var reference = new SeededRandom(4, 9);
        float scale = 1f / (1f - rate);
        for (int i = 0; i < n; i++)
        {
            float m = reference.NextFloat() >= rate ? scale : 0f;
            Assert.Equal(BitConverter.SingleToInt32Bits(m), BitConverter.SingleToInt32Bits(mask[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(x[i] * m), BitConverter.SingleToInt32Bits(y[i]));
        }

        float[] ay = new float[n], amask = new float[n];
        Kernels.AlphaDropoutTraining(x, ay, amask, rate, new SeededRandom(5, 9));
        var alphaReference = new SeededRandom(5, 9);
        (double a, double b) = Kernels.AlphaDropoutAffine(rate);
        float alphaP = -Kernels.SeluLambdaAlpha;
        for (int i = 0; i < n; i++)
        {
            bool keep = alphaReference.NextFloat() >= rate;
            Assert.Equal(keep ? (float)a : 0f, amask[i]);
            Assert.Equal((float)(a * (keep ? x[i] : alphaP) + b), ay[i]);
        }
    }

    /// <summary>RReLU in training draws one slope per element below zero (or NaN), in order: counted, drawn in bulk, placed from the back.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(17)]
    [InlineData(5000)]
    public void RRelu_slopes_are_those_of_one_draw_per_negative_element(int n)
    {
        var values = new SeededRandom(21, n);
        float[] x = Enumerable.Range(0, n).Select(_ => (float)values.NextGaussian()).ToArray();
        if (n > 2) { x[0] = float.NaN; x[1] = -0f; x[2] = 0f; }
        float[] y = new float[n], slopes = new float[n];
        var random = new SeededRandom(9, 2);
        Kernels.RReluTraining(x, y, slopes, 0.125f, 1f / 3, random);
        var reference = new SeededRandom(9, 2);
        for (int i = 0; i < n; i++)
        {
            float s = x[i] >= 0f ? 1f : 0.125f + (1f / 3 - 0.125f) * reference.NextFloat();
            Assert.Equal(BitConverter.SingleToInt32Bits(s), BitConverter.SingleToInt32Bits(slopes[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(x[i] * s), BitConverter.SingleToInt32Bits(y[i]));
        }
        Assert.Equal(reference.NextUInt64(), random.NextUInt64()); // as many draws as negative elements
    }

    [Fact]
    public void Short_buffers_are_refused_before_anything_is_drawn()
    {
        var random = new SeededRandom(6);
        var twin = new SeededRandom(6);
        Assert.Throws<ArgumentException>(() => Kernels.DropoutTraining(new float[10], new float[9], new float[10], 0.2f, random));
        Assert.Throws<ArgumentException>(() => Kernels.DropoutTraining(new float[10], new float[10], new float[9], 0.2f, random));
        Assert.Throws<ArgumentException>(() => Kernels.AlphaDropoutTraining(new float[10], new float[10], new float[3], 0.2f, random));
        float[] shared = new float[10];
        Assert.Throws<ArgumentException>(() => Kernels.DropoutTraining(shared, new float[10], shared, 0.2f, random));
        Assert.Throws<ArgumentException>(() => Kernels.AlphaDropoutTraining(shared, new float[10], shared, 0.2f, random));
        Assert.Throws<ArgumentException>(() => Kernels.RReluTraining(shared, new float[10], shared, 0.1f, 0.3f, random));
        Assert.Throws<ArgumentException>(() => Kernels.RReluTraining(new float[10], new float[10], new float[9], 0.1f, 0.3f, random));
        Assert.Equal(twin.NextUInt64(), random.NextUInt64());
    }

    [Fact]
    public void Dropout_in_place_and_of_special_values_is_the_per_element_formula()
    {
        float[] x = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, 1e-38f, -3f, 7f, 2f, -1f, 5f };
        float[] expected = new float[x.Length], mask = new float[x.Length];
        var reference = new SeededRandom(8);
        for (int i = 0; i < x.Length; i++) expected[i] = x[i] * (reference.NextFloat() >= 0.3f ? 1f / 0.7f : 0f);
        Kernels.DropoutTraining(x, x, mask, 0.3f, new SeededRandom(8)); // y = x: in place
        for (int i = 0; i < x.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(x[i]));
    }
}
