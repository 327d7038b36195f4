using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xunit;

namespace NetDsl.Tests;

/// <summary>Whether this machine runs the vectorized product kernels (AVX2 and FMA), and why a test of them is skipped when not.</summary>
internal static class VectorKernels
{
    /// <summary>The condition under which <c>Kernels.Gemm</c> takes its vector paths rather than the fallback (an accelerated <c>Vector256</c> implies AVX2).</summary>
    public static bool Available => Vector256.IsHardwareAccelerated && Fma.IsSupported;

    public const string SkipReason =
        "tests the AVX2 + FMA product kernels (their bits, zero skipping, or their use of several cores); this machine runs the fallback (without fused multiply-adds or skipped zero inputs)";
}

/// <summary>A <see cref="FactAttribute"/> skipped, visibly and with the reason, where the vectorized kernels do not run.</summary>
public sealed class VectorKernelFactAttribute : FactAttribute
{
    /// <summary>Marks a test of the vectorized kernels' own behaviour.</summary>
    public VectorKernelFactAttribute()
    {
        if (!VectorKernels.Available) Skip = VectorKernels.SkipReason;
    }
}

/// <summary>A <see cref="TheoryAttribute"/> skipped, visibly and with the reason, where the vectorized kernels do not run.</summary>
public sealed class VectorKernelTheoryAttribute : TheoryAttribute
{
    /// <summary>Marks a test of the vectorized kernels' own behaviour.</summary>
    public VectorKernelTheoryAttribute()
    {
        if (!VectorKernels.Available) Skip = VectorKernels.SkipReason;
    }
}
