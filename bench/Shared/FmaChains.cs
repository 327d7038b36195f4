using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Benchmarks;

/// <summary>
/// The FMA peak's workload, shared by the micro-benchmarks (<c>FmaPeak</c>) and the TorchSharp comparison: twelve
/// independent chains of <c>Vector256</c> (or, as the 512-bit product kernel, <c>Vector512</c>) multiply-adds on registers — more than the 2 FMA units × 4 cycles of latency
/// that a Zen core needs in flight — and no memory traffic.
/// </summary>
internal static class FmaChains
{
    /// <summary>Floating-point operations per iteration: 12 chains × 8 lanes × 2 (multiply and add).</summary>
    public const int FlopsPerIteration = 12 * 8 * 2;

    /// <summary>Runs <paramref name="iterations"/> iterations (needs FMA); returns the chains' sum, so that the JIT cannot drop them.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Run(int iterations)
    {
        Vector256<float> x = Vector256.Create(1.0000001f), y = Vector256.Create(0.9999999f);
        Vector256<float> c0 = x, c1 = x, c2 = x, c3 = x, c4 = x, c5 = x, c6 = x, c7 = x, c8 = x, c9 = x, c10 = x, c11 = x;
        for (int i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, y, x);
            c1 = Fma.MultiplyAdd(c1, y, x);
            c2 = Fma.MultiplyAdd(c2, y, x);
            c3 = Fma.MultiplyAdd(c3, y, x);
            c4 = Fma.MultiplyAdd(c4, y, x);
            c5 = Fma.MultiplyAdd(c5, y, x);
            c6 = Fma.MultiplyAdd(c6, y, x);
            c7 = Fma.MultiplyAdd(c7, y, x);
            c8 = Fma.MultiplyAdd(c8, y, x);
            c9 = Fma.MultiplyAdd(c9, y, x);
            c10 = Fma.MultiplyAdd(c10, y, x);
            c11 = Fma.MultiplyAdd(c11, y, x);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    /// <summary>Floating-point operations per iteration of <see cref="RunWide"/>: 12 chains × 16 lanes × 2.</summary>
    public const int FlopsPerIterationWide = 12 * 16 * 2;

    /// <summary>
    /// <see cref="Run"/> with <c>Vector512</c> multiply-adds: the peak of the 512-bit product kernel that AVX-512 machines
    /// run (the same as <see cref="Run"/>'s on cores that split 512-bit operations in two, such as Zen 4; twice it on
    /// cores with two 512-bit FMA units). Meaningful only where <c>Vector512</c> is hardware accelerated.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float RunWide(int iterations)
    {
        Vector512<float> x = Vector512.Create(1.0000001f), y = Vector512.Create(0.9999999f);
        Vector512<float> c0 = x, c1 = x, c2 = x, c3 = x, c4 = x, c5 = x, c6 = x, c7 = x, c8 = x, c9 = x, c10 = x, c11 = x;
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, y, x);
            c1 = Vector512.FusedMultiplyAdd(c1, y, x);
            c2 = Vector512.FusedMultiplyAdd(c2, y, x);
            c3 = Vector512.FusedMultiplyAdd(c3, y, x);
            c4 = Vector512.FusedMultiplyAdd(c4, y, x);
            c5 = Vector512.FusedMultiplyAdd(c5, y, x);
            c6 = Vector512.FusedMultiplyAdd(c6, y, x);
            c7 = Vector512.FusedMultiplyAdd(c7, y, x);
            c8 = Vector512.FusedMultiplyAdd(c8, y, x);
            c9 = Vector512.FusedMultiplyAdd(c9, y, x);
            c10 = Vector512.FusedMultiplyAdd(c10, y, x);
            c11 = Vector512.FusedMultiplyAdd(c11, y, x);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    /// <summary>The chains of the vector width NetDsl's product kernel uses here (<c>Kernels.UsesVector512</c>); returns their sum.</summary>
    public static float RunKernelWidth(int iterations) => Kernels.UsesVector512 ? RunWide(iterations) : Run(iterations);

    /// <summary>Floating-point operations per iteration of <see cref="RunKernelWidth"/>.</summary>
    public static int FlopsPerIterationKernelWidth => Kernels.UsesVector512 ? FlopsPerIterationWide : FlopsPerIteration;
}
