using System;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>What the product kernels' tests share: seeded data, a bitwise comparison, and running a product on a chosen form of the kernel.</summary>
internal static class KernelTestData
{
    /// <summary><paramref name="n"/> standard normal floats from <see cref="SeededRandom"/>(<paramref name="seed"/>).</summary>
    public static float[] Gaussian(int n, int seed)
    {
        var r = new SeededRandom(seed);
        var a = new float[n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)r.NextGaussian();
        return a;
    }

    /// <summary>Equal bit for bit (an <c>Assert.Equal</c> of floats would take −0 for +0).</summary>
    public static void AssertSameBits(float[] expected, float[] actual, string expectedFrom, string actualFrom)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"Element {i}: {expected[i]:R} {expectedFrom}, {actual[i]:R} {actualFrom}.");
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> with the products on <paramref name="kernel"/> (<c>Kernels.ForcedKernel</c>), then
    /// gives the choice back. Callers are in the collection xunit runs alone, so no other test's products run meanwhile.
    /// </summary>
    public static void WithKernel(Kernels.ProductKernel kernel, Action action)
    {
        Kernels.ProductKernel? before = Kernels.ForcedKernel;
        try
        {
            Kernels.ForcedKernel = kernel;
            action();
        }
        finally
        {
            Kernels.ForcedKernel = before;
        }
    }
}
