using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace NetDsl.Benchmarks;

/// <summary>
/// The machine's FMA peak on one core, the reference for the kernels' GFLOP/s: twelve independent chains of
/// <c>Vector256</c> multiply-adds on registers (more than the 2 FMA units × 4 cycles of latency that a Zen core needs in
/// flight), no memory traffic. On a virtual machine the clock, and so this figure, is whatever the host gives.
/// </summary>
public class FmaPeak
{
    private const int Iterations = 1_000_000;
    private float _sink;

    /// <summary>The chains' sum, so that the JIT cannot drop them.</summary>
    public float Sink => _sink;

    /// <summary>12 chains × 8 lanes × 2 operations per iteration.</summary>
    [Benchmark]
    [Flops(Iterations * 12.0 * 8 * 2)]
    public void Fma256() => _sink = Fma.IsSupported ? Chains(Iterations) : 0f;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains(int iterations)
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
}
