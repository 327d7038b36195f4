using System;
using System.Linq;
using System.Runtime.Intrinsics;
using NetDsl;
using NetDsl.Tests;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>Activations against their Keras/TensorFlow formulas in double precision, forward and derivative.</summary>
public class ActivationTests
{
    private const double Lambda = 1.0507009873554804934193349852946, Alpha = 1.6732632423543772848170429916717;

    [VectorKernelFact]
    public void The_single_precision_exponential_is_within_2_5e_7_relative_error_on_the_non_positive_range()
    {
        // Every ~1e-4 of [-87, 0], plus the edges: against the double-precision exponential of the same float.
        double worst = 0;
        var lanes = new float[8];
        for (int start = 0; start < 870_000; start += 8)
        {
            for (int l = 0; l < 8; l++) lanes[l] = -(start + l) * 1e-4f;
            float[] e = new float[8];
            Kernels.ExpNonPositive(Vector256.Create(lanes)).CopyTo(e);
            for (int l = 0; l < 8; l++)
            {
                double exact = Math.Exp(lanes[l]);
                worst = Math.Max(worst, Math.Abs(e[l] - exact) / exact);
            }
        }
        Assert.True(worst <= 2.5e-7, $"worst relative error {worst:E2}"); // 2–4 ulp of float, depending on the mantissa
        var edges = Vector256.Create(0f, -0f, -1e-30f, -87.3f, -87.4f, -200f, float.NegativeInfinity, -0.5f);
        float[] got = new float[8];
        Kernels.ExpNonPositive(edges).CopyTo(got);
        Assert.Equal(1f, got[0]);
        Assert.Equal(1f, got[1]);
        Assert.Equal(1f, got[2]);
        Assert.Equal(Math.Exp(-87.3), got[3], 1e-43);
        Assert.InRange(got[4], 0f, 1.2e-38f);
        Assert.InRange(got[5], 0f, 1.2e-38f);
        Assert.InRange(got[6], 0f, 1.2e-38f);
        Assert.Equal(Math.Exp(-0.5), got[7], 1e-7);
        Kernels.ExpNonPositive(Vector256.Create(float.NaN, -1f, float.NaN, -2f, -3f, -4f, -5f, -6f)).CopyTo(got);
        Assert.True(float.IsNaN(got[0]) && float.IsNaN(got[2]), "NaN in, NaN out");
        Assert.Equal(Math.Exp(-1), got[1], 1e-7);
    }

    internal static double[] Reference(Activation activation, double[] x, double alpha)
    {
        switch (activation)
        {
            case Activation.Softmax:
            {
                double max = x.Max();
                double sum = x.Sum(v => Math.Exp(v - max));
                return x.Select(v => Math.Exp(v - max) / sum).ToArray();
            }
            default:
                return x.Select(v => activation switch
                {
                    Activation.Linear => v,
                    Activation.Relu => Math.Max(v, 0),
                    Activation.LeakyRelu or Activation.RRelu => v > 0 ? v : alpha * v,
                    Activation.Elu => v > 0 ? v : alpha * (Math.Exp(v) - 1),
                    Activation.Selu => v > 0 ? Lambda * v : Lambda * Alpha * (Math.Exp(v) - 1),
                    Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
                    Activation.Tanh => Math.Tanh(v),
                    _ => throw new ArgumentOutOfRangeException(nameof(activation)),
                }).ToArray();
        }
    }

    private static readonly double[] Inputs = { -20, -5, -1.5, -0.3, -1e-3, 0.2, 0.7, 1.5, 4, 20, -2.5, 0.05, 3.3, -0.9, 0.4, 2.2, -7, 9 };

    [Theory]
    [InlineData(Activation.Linear, 0)]
    [InlineData(Activation.Relu, 0)]
    [InlineData(Activation.LeakyRelu, 0.01)]
    [InlineData(Activation.LeakyRelu, 0.3)]
    [InlineData(Activation.RRelu, 11.0 / 48)]
    [InlineData(Activation.Elu, 1)]
    [InlineData(Activation.Elu, 0.5)]
    [InlineData(Activation.Selu, 0)]
    [InlineData(Activation.Sigmoid, 0)]
    [InlineData(Activation.Tanh, 0)]
    [InlineData(Activation.Softmax, 0)]
    public void Forward_and_derivative_match_the_formulas(Activation activation, double alpha)
    {
        float[] x = Inputs.Select(v => (float)v).ToArray();
        int width = activation == Activation.Softmax ? 6 : x.Length;
        var y = new float[x.Length];
        Kernels.ActivationForward(activation, x, y, width, (float)alpha);
        double[] expected = new double[x.Length];
        for (int r = 0; r < x.Length; r += width)
        {
            double[] row = Reference(activation, Inputs.Skip(r).Take(width).ToArray(), alpha);
            row.CopyTo(expected, r);
        }
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"{activation}({x[i]}) = {y[i]}, expected {expected[i]}");

        // Derivative from the output: compare gradient ⊙ f' with a central difference of the double reference.
        var random = new SeededRandom(3);
        float[] g = x.Select(_ => (float)random.NextGaussian()).ToArray();
        float[] back = (float[])g.Clone();
        Kernels.ActivationBackward(activation, y, back, width, (float)alpha);
        for (int r = 0; r < x.Length; r += width)
        {
            for (int i = r; i < r + width; i++)
            {
                // d/dx_i of Σ_j g_j f(x)_j
                double h = 1e-6;
                double[] plus = Inputs.Skip(r).Take(width).ToArray(), minus = (double[])plus.Clone();
                plus[i - r] += h;
                minus[i - r] -= h;
                double[] fp = Reference(activation, plus, alpha), fm = Reference(activation, minus, alpha);
                double numeric = 0;
                for (int j = 0; j < width; j++) numeric += g[r + j] * (fp[j] - fm[j]) / (2 * h);
                Assert.True(Math.Abs(numeric - back[i]) <= 1e-4 * Math.Max(1, Math.Abs(numeric)), $"{activation}'({x[i]}): {back[i]}, expected {numeric}");
            }
        }
    }

    [Fact]
    public void Selu_constants_are_TensorFlow_s()
    {
        Assert.Equal((float)Lambda, Kernels.SeluLambda);
        Assert.Equal((float)Alpha, Kernels.SeluAlpha);
        Assert.Equal((float)(Lambda * Alpha), Kernels.SeluLambdaAlpha);
    }

    [Fact]
    public void Softmax_is_stable_for_huge_logits()
    {
        float[] z = { 1e4f, -1e4f, 0f, 9999f };
        var p = new float[4];
        Kernels.SoftmaxRow(z, p);
        Assert.All(p, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1.0, p.Sum(), 5);
    }

    [Fact]
    public void RRelu_draws_slopes_in_range_and_backward_uses_them()
    {
        float[] x = Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? -1f : 1f).ToArray();
        var y = new float[1000];
        var slopes = new float[1000];
        Kernels.RReluTraining(x, y, slopes, 0.125f, 1f / 3, new SeededRandom(1));
        for (int i = 0; i < 1000; i++)
        {
            if (x[i] > 0) { Assert.Equal(1f, slopes[i]); Assert.Equal(1f, y[i]); }
            else { Assert.InRange(slopes[i], 0.125f, 1f / 3); Assert.Equal(-slopes[i], y[i]); }
        }
        double mean = slopes.Where((_, i) => i % 2 == 0).Average(v => (double)v);
        Assert.Equal(11.0 / 48, mean, 2);
    }
}

