using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace NetDsl.Benchmarks;

/// <summary>
/// The machine's FMA peak on one core, the reference for the kernels' GFLOP/s (<see cref="FmaChains"/>). On a virtual
/// machine the clock, and so this figure, is whatever the host gives.
/// </summary>
public class FmaPeak
{
    private const int Iterations = 1_000_000;
    private float _sink;

    /// <summary>The chains' sum, so that the JIT cannot drop them.</summary>
    public float Sink => _sink;

    /// <summary><see cref="FmaChains.FlopsPerIteration"/> operations per iteration.</summary>
    [Benchmark]
    [Flops(Iterations * (double)FmaChains.FlopsPerIteration)]
    public void Fma256() => _sink = Fma.IsSupported ? FmaChains.Run(Iterations) : 0f;

    /// <summary>
    /// <see cref="FmaChains.FlopsPerIterationWide"/> operations per iteration: the reference on AVX-512 machines, whose
    /// products run the 512-bit kernel; elsewhere it returns at once (its GFLOP/s then mean nothing).
    /// </summary>
    [Benchmark]
    [Flops(Iterations * (double)FmaChains.FlopsPerIterationWide)]
    public void Fma512() => _sink = Vector512.IsHardwareAccelerated ? FmaChains.RunWide(Iterations) : 0f;
}
