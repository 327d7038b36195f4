using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// The elementwise span operations of a training step (BatchNorm's coefficients and normalization, bias sums, the
/// optimizers' updates, clipping, L2 gradients, constraints) with <c>TensorPrimitives</c>' semantics bit for bit —
/// each element one IEEE multiplication, addition, subtraction or negation, or one fused multiply-add where the name
/// says so (<see cref="MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/> rounds twice, as
/// <c>TensorPrimitives.MultiplyAdd</c> does) — but compiled optimized at their first call.
/// <para>
/// Why not <c>TensorPrimitives</c> itself: its generic loops come from a package that the runtime compiles in tiers,
/// unoptimized first (every vector operation a call), and promotes them only once the process has stopped compiling
/// new methods for a while. Training reached them from its first step, so a fresh process ran the first few hundred
/// steps of its first epoch 1.5–2.5× slower (the sample's BatchNorm network: 2–3 s for its first epoch against
/// 0.65 s for the next; the first 800 steps 700–760 µs each, now 410–470, against 350–400 after). Reductions (sums, dot products, norms, maxima) and the transcendental functions stay with
/// <c>TensorPrimitives</c>: their results depend on its order of summation and its approximations.
/// </para>
/// In place is allowed (the destination the same span as an input); partial overlaps are not. Each operation is a
/// struct whose vector and scalar forms the four loops below inline (one loop per shape of operands). Where
/// <c>Vector256</c> is not hardware-accelerated (an Arm64 machine, say), each call is <c>TensorPrimitives</c>' own,
/// which uses the vectors that machine has rather than a software <c>Vector256</c>.
/// </summary>
internal static class VectorOps
{
    /// <summary>Whether the loops below run (a JIT-time constant); otherwise every call is TensorPrimitives' own.</summary>
    private static bool Own => Vector256.IsHardwareAccelerated;

    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        if (Own) Binary<Times>(x, y, destination);
        else TensorPrimitives.Multiply(x, y, destination);
    }

    public static void Multiply(ReadOnlySpan<float> x, float y, Span<float> destination)
    {
        if (Own) BinaryScalar<Times>(x, y, destination);
        else TensorPrimitives.Multiply(x, y, destination);
    }

    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        if (Own) Binary<Plus>(x, y, destination);
        else TensorPrimitives.Add(x, y, destination);
    }

    public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        if (Own) Binary<Minus>(x, y, destination);
        else TensorPrimitives.Subtract(x, y, destination);
    }

    public static void Subtract(ReadOnlySpan<float> x, float y, Span<float> destination)
    {
        if (Own) BinaryScalar<Minus>(x, y, destination);
        else TensorPrimitives.Subtract(x, y, destination);
    }

    /// <summary><c>−x</c> (the sign flipped, as <c>TensorPrimitives.Negate</c>: not <c>0 − x</c>, which gives +0 for +0).</summary>
    public static void Negate(ReadOnlySpan<float> x, Span<float> destination)
    {
        if (Own) BinaryScalar<Negation>(x, 0f, destination);
        else TensorPrimitives.Negate(x, destination);
    }

    /// <summary><c>x·y + z</c> rounded once (a fused multiply-add), as <c>TensorPrimitives.FusedMultiplyAdd</c>.</summary>
    public static void FusedMultiplyAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, Span<float> destination)
    {
        if (Own) Ternary<Fused>(x, y, z, destination);
        else TensorPrimitives.FusedMultiplyAdd(x, y, z, destination);
    }

    /// <summary><c>(x·y) + z</c> with two roundings, as <c>TensorPrimitives.MultiplyAdd</c> (not fused).</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> x, float y, ReadOnlySpan<float> z, Span<float> destination)
    {
        if (Own) TernaryScalar<TimesPlus>(x, y, z, destination);
        else TensorPrimitives.MultiplyAdd(x, y, z, destination);
    }

    /// <summary><c>(x·y) + z</c> with two roundings, as <c>TensorPrimitives.MultiplyAdd</c> (not fused).</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, Span<float> destination)
    {
        if (Own) Ternary<TimesPlus>(x, y, z, destination);
        else TensorPrimitives.MultiplyAdd(x, y, z, destination);
    }

    private interface IBinary
    {
        static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);
        static abstract float Invoke(float x, float y);
    }

    private interface ITernary
    {
        static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z);
        static abstract float Invoke(float x, float y, float z);
    }

    private struct Times : IBinary
    {
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x * y;
        public static float Invoke(float x, float y) => x * y;
    }

    private struct Plus : IBinary
    {
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x + y;
        public static float Invoke(float x, float y) => x + y;
    }

    private struct Minus : IBinary
    {
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x - y;
        public static float Invoke(float x, float y) => x - y;
    }

    /// <summary><c>−x</c>; the second operand is unused.</summary>
    private struct Negation : IBinary
    {
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => -x;
        public static float Invoke(float x, float y) => -x;
    }

    private struct Fused : ITernary
    {
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z) => Vector256.FusedMultiplyAdd(x, y, z);
        public static float Invoke(float x, float y, float z) => MathF.FusedMultiplyAdd(x, y, z);
    }

    private struct TimesPlus : ITernary
    {
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z) => x * y + z;
        public static float Invoke(float x, float y, float z) => x * y + z;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Binary<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) where TOp : struct, IBinary
    {
        int n = Check(x, y.Length, destination);
        ref float xr = ref MemoryMarshal.GetReference(x), yr = ref MemoryMarshal.GetReference(y), dr = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        for (; (int)i <= n - 8; i += 8) TOp.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref dr, i);
        for (; (int)i < n; i++) Unsafe.Add(ref dr, i) = TOp.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinaryScalar<TOp>(ReadOnlySpan<float> x, float y, Span<float> destination) where TOp : struct, IBinary
    {
        int n = Check(x, x.Length, destination);
        ref float xr = ref MemoryMarshal.GetReference(x), dr = ref MemoryMarshal.GetReference(destination);
        var yv = Vector256.Create(y);
        nuint i = 0;
        for (; (int)i <= n - 8; i += 8) TOp.Invoke(Vector256.LoadUnsafe(ref xr, i), yv).StoreUnsafe(ref dr, i);
        for (; (int)i < n; i++) Unsafe.Add(ref dr, i) = TOp.Invoke(Unsafe.Add(ref xr, i), y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Ternary<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, Span<float> destination) where TOp : struct, ITernary
    {
        int n = Check(x, y.Length, destination);
        if (z.Length != n) throw new ArgumentException("The spans differ in length.", nameof(z));
        ref float xr = ref MemoryMarshal.GetReference(x), yr = ref MemoryMarshal.GetReference(y), zr = ref MemoryMarshal.GetReference(z);
        ref float dr = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        for (; (int)i <= n - 8; i += 8)
            TOp.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i), Vector256.LoadUnsafe(ref zr, i)).StoreUnsafe(ref dr, i);
        for (; (int)i < n; i++) Unsafe.Add(ref dr, i) = TOp.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i), Unsafe.Add(ref zr, i));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TernaryScalar<TOp>(ReadOnlySpan<float> x, float y, ReadOnlySpan<float> z, Span<float> destination) where TOp : struct, ITernary
    {
        int n = Check(x, z.Length, destination);
        ref float xr = ref MemoryMarshal.GetReference(x), zr = ref MemoryMarshal.GetReference(z), dr = ref MemoryMarshal.GetReference(destination);
        var yv = Vector256.Create(y);
        nuint i = 0;
        for (; (int)i <= n - 8; i += 8) TOp.Invoke(Vector256.LoadUnsafe(ref xr, i), yv, Vector256.LoadUnsafe(ref zr, i)).StoreUnsafe(ref dr, i);
        for (; (int)i < n; i++) Unsafe.Add(ref dr, i) = TOp.Invoke(Unsafe.Add(ref xr, i), y, Unsafe.Add(ref zr, i));
    }

    /// <summary>The length of <paramref name="x"/>, once the other input has as many elements and the destination room for them (as <c>TensorPrimitives</c> checks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Check(ReadOnlySpan<float> x, int otherLength, Span<float> destination)
    {
        if (otherLength != x.Length) throw new ArgumentException("The spans differ in length.");
        if (destination.Length < x.Length) throw new ArgumentException("The destination is too short.", nameof(destination));
        return x.Length;
    }
}
