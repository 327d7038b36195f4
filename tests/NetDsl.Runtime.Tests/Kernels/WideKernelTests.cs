using System;
using NetDsl;
using NetDsl.Tests;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>
/// The <c>Vector512</c> micro-kernel that AVX-512 machines run for full 16-column panels gives the same bits as the
/// 256-bit kernel, for every product, epilogue and tile height. Each kernel is forced in turn (<c>Kernels.ForcedKernel</c>);
/// where AVX-512 is absent, .NET computes the 512-bit vectors as two 256-bit halves with the same roundings. The tests of
/// this class run in the collection that xunit runs alone, so no other test's products take the kernel the switch
/// forces (or count as the wide kernel's calls) while one compares.
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public class WideKernelTests
{
    private static float[] Random(int n, int seed) => KernelTestData.Gaussian(n, seed);

    /// <summary>Runs <paramref name="product"/> on copies of <paramref name="c"/> with the 256-bit and the 512-bit kernel and returns both results.</summary>
    private static (float[] Narrow, float[] Wide) Both(float[] c, Action<float[]> product, bool expectWide = true)
    {
        float[] narrow = (float[])c.Clone(), wide = (float[])c.Clone();
        KernelTestData.WithKernel(Kernels.ProductKernel.Vector256, () => product(narrow));
        Kernels.ForcedWideCalls = 0;
        KernelTestData.WithKernel(Kernels.ProductKernel.Vector512, () => product(wide));
        // One sample's product (the vector-matrix path) has no micro-tiles.
        if (expectWide) Assert.True(Kernels.ForcedWideCalls > 0, "the 512-bit micro-kernel did not run");
        return (narrow, wide);
    }

    private static void SameBits(float[] narrow, float[] wide) => KernelTestData.AssertSameBits(narrow, wide, "with the 256-bit kernel", "with the 512-bit one");

    public static TheoryData<int, int, int> Shapes => new()
    {
        // W1's three layers at batch 32 (row tiles 6 + 6 + 6 + 6 + 4 + 4 with 512-bit vectors, paired as 12 + 12, and
        // 6 + 6 + 5 + 5 + 5 + 5 with 256-bit ones: the same bits from another cut; a masked last panel);
        // W4's 100 × 100 at batch 128 (row chunks); tiles of 1–5 rows alone; runs of 1, 2 and 3 six-row tiles;
        // a depth cut into blocks (partial sums through C); widths of one and several full panels
        { 32, 784, 300 }, { 32, 300, 100 }, { 32, 100, 10 }, { 128, 100, 100 }, { 1, 40, 16 }, { 2, 40, 16 }, { 3, 9, 32 },
        { 4, 17, 48 }, { 5, 33, 16 }, { 6, 35, 16 }, { 12, 33, 20 }, { 18, 40, 16 }, { 13, 40, 37 }, { 11, 2500, 37 },
        { 97, 70, 50 }, { 500, 60, 40 },
    };

    [VectorKernelTheory]
    [MemberData(nameof(Shapes))]
    public void MatMul_gives_the_same_bits(int m, int k, int n)
    {
        float[] a = Random(m * k, 1), b = Random(k * n, 2), c = Random(m * n, 3);
        var (narrow, wide) = Both(c, y => Kernels.MatMul(a, b, y, m, k, n), expectWide: m > 1 && n >= 16);
        SameBits(narrow, wide);
        (narrow, wide) = Both(c, y => Kernels.MatMul(a, b, y, m, k, n, accumulate: true), expectWide: m > 1 && n >= 16);
        SameBits(narrow, wide);
    }

    [VectorKernelTheory]
    [MemberData(nameof(Shapes))]
    public void Weight_gradients_give_the_same_bits(int m, int k, int n)
    {
        // Xᵀ·dY: A stored transposed, where pairs of six-row tiles run as twelve-row tiles.
        float[] a = Random(k * m, 4), b = Random(k * n, 5), c = Random(m * n, 6);
        var (narrow, wide) = Both(c, y => Kernels.MatMulTN(a, b, y, m, k, n), expectWide: n >= 16);
        SameBits(narrow, wide);
        (narrow, wide) = Both(c, y => Kernels.MatMulTN(a, b, y, m, k, n, accumulate: true), expectWide: n >= 16);
        SameBits(narrow, wide);
    }

    [VectorKernelTheory]
    [MemberData(nameof(Shapes))]
    public void Input_gradients_give_the_same_bits(int m, int k, int n)
    {
        float[] a = Random(m * k, 7), b = Random(n * k, 8), c = Random(m * n, 9);
        // From 8 rows on, a product through packed transposed weights (C is m × n) or W·dZᵀ (C is n × m), whichever
        // moves fewer floats; below, dot products.
        bool packed = (long)n * k <= (long)m * (k + n);
        var (narrow, wide) = Both(c, y => Kernels.MatMulNT(a, b, y, m, k, n, accumulate: true), expectWide: m >= 8 && (packed ? n : m) >= 16);
        SameBits(narrow, wide);
    }

    [VectorKernelTheory]
    [InlineData(784, 32, 300)]
    [InlineData(300, 32, 100)]
    [InlineData(100, 128, 100)]
    [InlineData(13, 5, 21)]
    [InlineData(30, 7, 16)]
    [InlineData(40, 2000, 24)]
    public void Fused_sgd_steps_give_the_same_bits(int m, int k, int n)
    {
        float[] a = Random(k * m, 10), b = Random(k * n, 11), w = Random(m * n, 12);
        var (narrow, wide) = Both(w, y => Kernels.MatMulTNStep(a, b, y, 0.0123f, m, k, n));
        SameBits(narrow, wide);
        Assert.NotEqual(w, wide);
    }

    [VectorKernelTheory]
    [InlineData(Activation.Linear)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.LeakyRelu)]
    [InlineData(Activation.Elu)]
    [InlineData(Activation.Selu)]
    [InlineData(Activation.Tanh)]
    public void Dense_layers_give_the_same_bits(Activation activation)
    {
        // Half the inputs negative, so the activations' two branches both run; B packed (13 × 40 × 37, 32 × 784 × 300)
        // and read where it lies (6 × 19 × 32); a deep product whose bias and activation come with its last block.
        foreach ((int m, int k, int n) in new[] { (6, 19, 32), (13, 40, 37), (32, 784, 300), (10, 2500, 48) })
        {
            float[] x = Random(m * k, 13), w = Random(k * n, 14), bias = Random(n, 15), y = new float[m * n];
            var (narrow, wide) = Both(y, o => Kernels.Dense(x, w, bias, o, m, k, n, activation, 0.2f));
            SameBits(narrow, wide);
            (narrow, wide) = Both(y, o => Kernels.Dense(x, w, ReadOnlySpan<float>.Empty, o, m, k, n, activation, 0.2f));
            SameBits(narrow, wide);
        }
    }

    [VectorKernelFact]
    public void Non_finite_values_propagate_alike()
    {
        // A NaN and infinities in the inputs reach the same outputs through ReLU's maximum in both kernels.
        const int m = 8, k = 20, n = 32;
        float[] x = Random(m * k, 16), w = Random(k * n, 17), bias = Random(n, 18), y = new float[m * n];
        x[3] = float.NaN;
        x[k + 5] = float.PositiveInfinity;
        x[3 * k] = float.NegativeInfinity;
        var (narrow, wide) = Both(y, o => Kernels.Dense(x, w, bias, o, m, k, n, Activation.Relu));
        SameBits(narrow, wide);
        Assert.Contains(wide, float.IsNaN);
    }
}
