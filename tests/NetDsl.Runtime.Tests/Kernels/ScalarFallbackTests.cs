using System;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>
/// The products' fallback for machines without AVX2 + FMA (Arm64, or x64 with <c>DOTNET_EnableAVX=0</c>), forced here
/// (<c>Kernels.ForcedKernel</c>): each element is its definition — the terms added in depth order, each a product then
/// an addition (no fused multiply-add), then C, the bias and the activation — bit for bit, whether a row's sums
/// advance a vector of columns at a time (a row-major B) or one element at a time, and on one core or several. In the
/// collection xunit runs alone, so no other test's products take the fallback while the switch is set.
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public class ScalarFallbackTests
{
    private static float[] Random(int n, int seed) => KernelTestData.Gaussian(n, seed);

    private static void Forced(Action product) => KernelTestData.WithKernel(Kernels.ProductKernel.Fallback, product);

    /// <summary>Element (i, j) by its definition; <paramref name="a"/> reads A(i, p), <paramref name="b"/> B(p, j).</summary>
    private static float Sum(Func<int, float> a, Func<int, float> b, int k)
    {
        float s = 0f;
        for (int p = 0; p < k; p++) s += a(p) * b(p);
        return s;
    }

    private static void SameBits(float[] expected, float[] actual) => KernelTestData.AssertSameBits(expected, actual, "by the definition", "from the fallback");

    public static TheoryData<int, int, int> Shapes => new()
    {
        // W1's layers at batch 32 (split across the cores), one sample, widths below, at and past a vector, an empty depth
        { 32, 784, 300 }, { 32, 300, 100 }, { 32, 100, 10 }, { 1, 784, 300 }, { 7, 13, 3 }, { 5, 9, 4 }, { 6, 17, 8 }, { 9, 33, 37 }, { 3, 0, 12 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Products_and_accumulations_are_their_definition(int m, int k, int n)
    {
        float[] a = Random(m * k, 1), b = Random(k * n, 2), c0 = Random(m * n, 3);
        float[] c = (float[])c0.Clone(), acc = (float[])c0.Clone();
        Forced(() =>
        {
            Kernels.MatMul(a, b, c, m, k, n);
            Kernels.MatMul(a, b, acc, m, k, n, accumulate: true);
        });
        var expected = new float[m * n];
        var expectedAcc = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = Sum(p => a[i * k + p], p => b[p * n + j], k);
                expected[i * n + j] = s;
                expectedAcc[i * n + j] = s + c0[i * n + j];
            }
        }
        SameBits(expected, c);
        SameBits(expectedAcc, acc);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Weight_gradients_and_fused_sgd_steps_are_their_definition(int m, int k, int n)
    {
        // Aᵀ·B with A stored k × m (a layer's input), and the plain SGD step w + (Aᵀ·B)·(−η).
        float[] a = Random(k * m, 4), b = Random(k * n, 5), w0 = Random(m * n, 6);
        float[] c = new float[m * n], w = (float[])w0.Clone();
        const float rate = 0.0123f;
        Forced(() =>
        {
            Kernels.MatMulTN(a, b, c, m, k, n);
            Kernels.MatMulTNStep(a, b, w, rate, m, k, n);
        });
        var expected = new float[m * n];
        var expectedW = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = Sum(p => a[p * m + i], p => b[p * n + j], k);
                expected[i * n + j] = s;
                expectedW[i * n + j] = w0[i * n + j] + s * -rate;
            }
        }
        SameBits(expected, c);
        SameBits(expectedW, w);
    }

    [Theory]
    [InlineData(32, 300, 100)]
    [InlineData(32, 100, 10)]
    [InlineData(128, 100, 100)]
    [InlineData(9, 33, 37)]
    [InlineData(8, 3, 12)]
    public void Input_gradients_are_their_definition(int m, int k, int n)
    {
        // dZ·Wᵀ added to C or stored (W stored n × k), through W·dZᵀ as the fallback machines compute it: the same
        // terms. (Batches narrower than a vector take dot products of their own, vectorized where AVX2 + FMA are.)
        float[] a = Random(m * k, 13), b = Random(n * k, 14), c0 = Random(m * n, 15), c = (float[])c0.Clone();
        float[] stored = new float[m * n];
        Forced(() =>
        {
            Kernels.MatMulNT(a, b, c, m, k, n, accumulate: true);
            Kernels.MatMulNT(a, b, stored, m, k, n);
        });
        var expected = new float[m * n];
        var expectedStored = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = Sum(p => a[i * k + p], p => b[j * k + p], k);
                expected[i * n + j] = c0[i * n + j] + s;
                expectedStored[i * n + j] = s;
            }
        }
        SameBits(expected, c);
        SameBits(expectedStored, stored);
    }

    [Theory]
    [InlineData(Activation.Linear)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.LeakyRelu)]
    [InlineData(Activation.Elu)]
    public void Dense_layers_add_the_bias_then_the_activation_to_the_sum(Activation activation)
    {
        foreach ((int m, int k, int n) in new[] { (32, 784, 300), (1, 784, 300), (5, 9, 4), (9, 33, 37) })
        {
            float[] x = Random(m * k, 7), w = Random(k * n, 8), bias = Random(n, 9), y = new float[m * n];
            Forced(() => Kernels.Dense(x, w, bias, y, m, k, n, activation, 0.2f));
            var expected = new float[m * n];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float s = Sum(p => x[i * k + p], p => w[p * n + j], k) + bias[j];
                    expected[i * n + j] = activation switch
                    {
                        Activation.Relu => s > 0f ? s : 0f,
                        Activation.LeakyRelu => s > 0f ? s : 0.2f * s,
                        // ELU as the fallback's exponential epilogue computes it: scale 1, α 0.2.
                        Activation.Elu => s > 0f ? 1f * s : 1f * 0.2f * (MathF.Exp(s) - 1f),
                        _ => s,
                    };
                }
            }
            SameBits(expected, y);
        }
    }

    [Fact]
    public void The_fallback_gives_the_same_bits_on_one_core_and_on_several()
    {
        const int m = 32, k = 784, n = 300;
        float[] x = Random(m * k, 10), w = Random(k * n, 11), bias = Random(n, 12), several = new float[m * n], one = new float[m * n];
        // The pool runs a job on the caller alone when another thread holds it: repeat until this one was shared.
        int before = WorkerPool.ParallelRunsOnThisThread;
        for (int attempt = 0; attempt < 20 && WorkerPool.ParallelRunsOnThisThread == before; attempt++)
            Forced(() => Kernels.Dense(x, w, bias, several, m, k, n, Activation.Relu));
        Assert.True(WorkerPool.ParallelRunsOnThisThread > before || !WorkerPool.IsParallel, "the fallback never ran on several cores");
        WorkerPool.SerialOnThisThread = true;
        try
        {
            Forced(() => Kernels.Dense(x, w, bias, one, m, k, n, Activation.Relu));
        }
        finally
        {
            WorkerPool.SerialOnThisThread = false;
        }
        SameBits(one, several);
    }
}
