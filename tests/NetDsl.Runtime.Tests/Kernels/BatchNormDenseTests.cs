using System;
using System.Linq;
using NetDsl;
using NetDsl.Tests;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>
/// <see cref="Kernels.BatchNormDenseBackward"/>: a normalization of the network's input and the dense layer after it,
/// backward in one product — checked against the sums it stands for (in double), against its own store-then-SGD
/// form bit for bit, and on one core against several.
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public class BatchNormDenseTests
{
    private static float[] Random(int n, int seed, double scale = 1)
    {
        var r = new SeededRandom(seed, 17);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(scale * r.NextGaussian());
        return a;
    }

    private sealed record Case(int N, int C, int U, float[] X, float[] Mean, float[] InvStd, float[] Gamma, float[] Beta, float[] Dz, float[] W);

    /// <summary>A batch normalized in training mode (its saved statistics), γ and β (or none), a dense layer's weights and output gradient.</summary>
    private static Case Make(int n, int c, int u, bool scale, bool center)
    {
        float[] x = Random(n * c, 1, 3), gamma = scale ? Random(c, 2) : Array.Empty<float>(), beta = center ? Random(c, 3) : Array.Empty<float>();
        float[] mean = new float[c], inv = new float[c], y = new float[n * c];
        Kernels.BatchNormTraining(x, y, gamma, beta, new float[c], new float[c], mean, inv, n, c, 0.99f, 1e-3f);
        return new Case(n, c, u, x, mean, inv, gamma, beta, Random(n * u, 4, 0.1), Random(c * u, 5, 0.05));
    }

    public static TheoryData<int, int, int, bool, bool> Shapes => new()
    {
        // the notebook's first layer (split across the cores), small and ragged ones (the last columns one by one),
        // one row, γ or β absent
        { 32, 784, 300, true, true }, { 5, 6, 5, true, true }, { 3, 13, 21, true, true }, { 1, 9, 11, true, true },
        { 17, 520, 260, false, true }, { 4, 10, 7, true, false }, { 6, 12, 9, false, true },
        // a batch deeper than one block of the product (its sums pass through G between blocks)
        { 1600, 7, 9, true, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gives_the_kernel_gradient_and_the_normalization_gradients_it_stands_for(int n, int c, int u, bool scale, bool center) =>
        CheckGradients(n, c, u, scale, center);

    /// <summary>
    /// Without AVX2 + FMA the kernel's product is the fallback's (forced here): the same gradients, and not the vector
    /// kernel's bits (a product then an addition per term, not fused multiply-adds), so the fallback really ran.
    /// </summary>
    [Theory]
    [InlineData(32, 784, 300, true, true)]
    [InlineData(17, 520, 260, false, true)]
    [InlineData(4, 10, 7, true, false)]
    public void Its_fallback_gives_the_same_gradients(int n, int c, int u, bool scale, bool center)
    {
        KernelTestData.WithKernel(Kernels.ProductKernel.Fallback, () => CheckGradients(n, c, u, scale, center));
        Case k = Make(n, c, u, scale, center);
        float[] vector = new float[c * u], fallback = new float[c * u];
        Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, default, vector, default, default, n, c, u);
        KernelTestData.WithKernel(Kernels.ProductKernel.Fallback,
            () => Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, default, fallback, default, default, n, c, u));
        if (VectorKernels.Available) Assert.NotEqual(vector, fallback);
    }

    private static void CheckGradients(int n, int c, int u, bool scale, bool center)
    {
        Case k = Make(n, c, u, scale, center);
        float[] dW = new float[c * u], dGamma = scale ? new float[c] : Array.Empty<float>(), dBeta = center ? new float[c] : Array.Empty<float>();
        float[] w = (float[])k.W.Clone();
        Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, w, dW, dGamma, dBeta, n, c, u);
        Assert.Equal(k.W, w); // no step: the weights are only read

        // In double: x̂, y = γ·x̂ + β, dW = yᵀ·dZ, dY = dZ·Wᵀ, dγ = Σ dY·x̂, dβ = Σ dY; each compared with the sum of the
        // magnitudes of its terms as the scale of its rounding.
        // (x̂'s own rounding scales with |x·s| + |μ·s|: a one-row batch normalizes to 0 only in exact arithmetic.)
        double Xhat(int r, int f) => ((double)k.X[r * c + f] - k.Mean[f]) * k.InvStd[f];
        double XhatScale(int r, int f) => (Math.Abs((double)k.X[r * c + f]) + Math.Abs(k.Mean[f])) * k.InvStd[f];
        double Y(int r, int f) => (scale ? k.Gamma[f] : 1.0) * Xhat(r, f) + (center ? k.Beta[f] : 0.0);
        double YScale(int r, int f) => Math.Abs(scale ? k.Gamma[f] : 1.0) * XhatScale(r, f) + Math.Abs(center ? k.Beta[f] : 0.0);
        for (int f = 0; f < c; f++)
        {
            for (int j = 0; j < u; j++)
            {
                double sum = 0, magnitude = 0;
                for (int r = 0; r < n; r++) { sum += Y(r, f) * k.Dz[r * u + j]; magnitude += YScale(r, f) * Math.Abs(k.Dz[r * u + j]); }
                Assert.True(Math.Abs(dW[f * u + j] - sum) <= 1e-5 * magnitude + 1e-12, $"dW[{f}, {j}] = {dW[f * u + j]}, expected {sum}");
            }
            double g = 0, gMagnitude = 0, b = 0, bMagnitude = 0;
            for (int r = 0; r < n; r++)
            {
                for (int j = 0; j < u; j++)
                {
                    double dy = (double)k.Dz[r * u + j] * k.W[f * u + j];
                    g += dy * Xhat(r, f); gMagnitude += Math.Abs(dy) * XhatScale(r, f);
                    b += dy; bMagnitude += Math.Abs(dy);
                }
            }
            if (scale) Assert.True(Math.Abs(dGamma[f] - g) <= 1e-5 * gMagnitude + 1e-12, $"dγ[{f}] = {dGamma[f]}, expected {g}");
            if (center) Assert.True(Math.Abs(dBeta[f] - b) <= 1e-5 * bMagnitude + 1e-12, $"dβ[{f}] = {dBeta[f]}, expected {b}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Its_step_is_the_stored_gradient_then_the_sgd_step_bit_for_bit(int n, int c, int u, bool scale, bool center)
    {
        Case k = Make(n, c, u, scale, center);
        const float rate = 0.0123f;
        float[] dW = new float[c * u], dGamma = new float[scale ? c : 0], dBeta = new float[center ? c : 0];
        float[] expected = (float[])k.W.Clone();
        Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, expected, dW, dGamma, dBeta, n, c, u);
        new Sgd(rate).Apply(expected, dW, new[] { new ParameterVariable(0, c * u, 0, VariableKind.Kernel, true) });

        float[] w = (float[])k.W.Clone(), stepGamma = new float[dGamma.Length], stepBeta = new float[dBeta.Length];
        float[] bias = new float[u], expectedBias = new float[u];
        Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, w, default, stepGamma, stepBeta, n, c, u, step: true, rate: rate, biasGradient: bias);
        Assert.Equal(expected, w);
        Kernels.SumRows(k.Dz, expectedBias, n, u);
        Assert.Equal(expectedBias, bias); // the dense layer's bias gradient, as SumRows gives it
        Assert.Equal(dGamma, stepGamma); // from the weights before the step
        Assert.Equal(dBeta, stepBeta);

        // A frozen dense layer: the same normalization gradients, the weights untouched; the kernel gradient alone
        // (MaterializeGradients) needs no weights.
        float[] frozen = (float[])k.W.Clone(), frozenGamma = new float[dGamma.Length], frozenBeta = new float[dBeta.Length];
        Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, frozen, default, frozenGamma, frozenBeta, n, c, u);
        Assert.Equal(k.W, frozen);
        Assert.Equal(dGamma, frozenGamma);
        Assert.Equal(dBeta, frozenBeta);
        float[] alone = new float[c * u];
        Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, default, alone, default, default, n, c, u);
        Assert.Equal(dW, alone);
        // The bias gradient alone.
        float[] biasAlone = new float[u];
        Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, default, default, default, default, n, c, u, biasGradient: biasAlone);
        Assert.Equal(expectedBias, biasAlone);
    }

    [Theory]
    [InlineData(32, 784, 300)]
    [InlineData(100, 400, 330)]
    public void Gives_the_same_bits_on_one_core_and_on_several(int n, int c, int u)
    {
        Case k = Make(n, c, u, true, true);
        (float[] W, float[] DGamma, float[] DBeta, float[] DW) Run()
        {
            float[] w = (float[])k.W.Clone(), dGamma = new float[c], dBeta = new float[c], dW = new float[c * u];
            Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, w, default, dGamma, dBeta, n, c, u, step: true, rate: 0.01f);
            Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, default, dW, default, default, n, c, u);
            return (w, dGamma, dBeta, dW);
        }
        int runs = WorkerPool.ParallelRunsOnThisThread;
        var several = Run();
        if (WorkerPool.Cores > 1) Assert.True(WorkerPool.ParallelRunsOnThisThread > runs, "the rows were not split across the cores");
        WorkerPool.SerialOnThisThread = true;
        try
        {
            var one = Run();
            Assert.Equal(one.W, several.W);
            Assert.Equal(one.DGamma, several.DGamma);
            Assert.Equal(one.DBeta, several.DBeta);
            Assert.Equal(one.DW, several.DW);
        }
        finally
        {
            WorkerPool.SerialOnThisThread = false;
        }
    }

    [Fact]
    public void An_empty_batch_gives_zero_gradients_and_leaves_the_weights()
    {
        Case k = Make(3, 6, 5, true, true);
        float[] w = (float[])k.W.Clone(), dW = Random(30, 9), dGamma = Random(6, 10), dBeta = Random(6, 11);
        Kernels.BatchNormDenseBackward(default, k.Mean, k.InvStd, k.Gamma, k.Beta, default, w, dW, dGamma, dBeta, 0, 6, 5);
        Assert.True(dW.All(v => v == 0) && dGamma.All(v => v == 0) && dBeta.All(v => v == 0));
        Kernels.BatchNormDenseBackward(default, k.Mean, k.InvStd, k.Gamma, k.Beta, default, w, default, dGamma, dBeta, 0, 6, 5, step: true, rate: 0.5f);
        Assert.Equal(k.W, w);
    }

    [Fact]
    public void Bad_arguments_are_refused_and_change_nothing()
    {
        Case k = Make(4, 6, 5, true, true);
        float[] w = (float[])k.W.Clone(), dW = new float[30], dGamma = new float[6], dBeta = new float[6];
        // A step stores no gradient; short spans; the weights missing where the normalization's gradients need them.
        Assert.Throws<ArgumentException>(() => Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, w, dW, dGamma, dBeta, 4, 6, 5, step: true, rate: 0.1f));
        Assert.Throws<ArgumentException>(() => Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz.AsSpan(0, 19).ToArray(), w, dW, dGamma, dBeta, 4, 6, 5));
        Assert.Throws<ArgumentException>(() => Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, w.AsSpan(0, 29).ToArray(), dW, dGamma, dBeta, 4, 6, 5));
        Assert.Throws<ArgumentException>(() => Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, default, dW, dGamma, default, 4, 6, 5));
        Assert.Throws<ArgumentException>(() => Kernels.BatchNormDenseBackward(k.X, k.Mean.AsSpan(0, 5).ToArray(), k.InvStd, k.Gamma, k.Beta, k.Dz, w, dW, dGamma, dBeta, 4, 6, 5));
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, w, dW, dGamma, dBeta, -1, 6, 5)).ParamName);
        Assert.Equal("units", Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.BatchNormDenseBackward(k.X, k.Mean, k.InvStd, k.Gamma, k.Beta, k.Dz, w, dW, dGamma, dBeta, 4, 6, -5)).ParamName);
        Assert.Equal(k.W, w);
        Assert.True(dW.All(v => v == 0) && dGamma.All(v => v == 0) && dBeta.All(v => v == 0));
    }
}
