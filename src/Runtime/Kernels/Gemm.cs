using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl;

/// <summary>
/// The numerical kernels called by generated networks: matrix products with fused epilogues, activations,
/// batch normalization, losses. Every kernel works on caller-provided spans and allocates nothing after warm-up.
/// Matrices are row-major.
/// </summary>
public static partial class Kernels
{
    /// <summary>
    /// Dense layer forward: <c>y = activation(x·W + b)</c> for <paramref name="batch"/> rows, with the bias and the
    /// activation fused into the product's epilogue for ReLU, leaky ReLU (RReLU's inference form), ELU and SELU.
    /// </summary>
    /// <param name="x">Input, <c>batch × inputs</c>.</param>
    /// <param name="kernel">Weights, <c>inputs × units</c> (Keras's layout).</param>
    /// <param name="bias">Bias of length <paramref name="units"/>, or empty for no bias.</param>
    /// <param name="y">Output, <c>batch × units</c>.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="inputs">Input width.</param>
    /// <param name="units">Output width.</param>
    /// <param name="activation">The activation applied after the bias.</param>
    /// <param name="alpha">The activation's parameter (LeakyReLU slope, ELU scale).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Dense(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> y,
        int batch, int inputs, int units, Activation activation = Activation.Linear, float alpha = 0f)
    {
        CheckLength(x, batch * inputs, nameof(x));
        CheckLength(kernel, inputs * units, nameof(kernel));
        if (!bias.IsEmpty) CheckLength(bias, units, nameof(bias));
        CheckLength(y, batch * units, nameof(y));
        Epilogue epilogue = activation switch
        {
            Activation.Relu => Epilogue.Relu,
            Activation.LeakyRelu or Activation.RRelu => Epilogue.Leaky,
            Activation.Elu or Activation.Selu => Epilogue.ExpLinear,
            _ => Epilogue.None,
        };
        float scale = activation == Activation.Selu ? SeluLambda : 1f;
        if (activation == Activation.Selu) alpha = SeluAlpha;
        fixed (float* px = x, pw = kernel, pb = bias, py = y)
        {
            var args = new GemmArgs
            {
                A = px, Lda = inputs, B = pw, Ldb = units, C = py, Ldc = units, M = batch, K = inputs, N = units,
                Bias = bias.IsEmpty ? null : pb, Epilogue = epilogue, Alpha = alpha, Scale = scale,
            };
            Gemm(&args);
        }
        if (epilogue == Epilogue.None && activation != Activation.Linear)
        {
            ActivationForward(activation, y[..(batch * units)], units, alpha);
        }
    }

    /// <summary><c>c (+)= a·b</c>: <c>a</c> is <c>m × k</c>, <c>b</c> is <c>k × n</c>, <c>c</c> is <c>m × n</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckLength(a, m * k, nameof(a));
        CheckLength(b, k * n, nameof(b));
        CheckLength(c, m * n, nameof(c));
        fixed (float* pa = a, pb = b, pc = c)
        {
            var args = new GemmArgs { A = pa, Lda = k, B = pb, Ldb = n, C = pc, Ldc = n, M = m, K = k, N = n, Accumulate = accumulate };
            Gemm(&args);
        }
    }

    /// <summary>
    /// <c>c (+)= aᵀ·b</c>: <c>a</c> is <c>k × m</c>, <c>b</c> is <c>k × n</c>, <c>c</c> is <c>m × n</c> — the weight
    /// gradient of a dense layer, <c>dW = xᵀ·dZ</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void MatMulTN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckLength(a, k * m, nameof(a));
        CheckLength(b, k * n, nameof(b));
        CheckLength(c, m * n, nameof(c));
        fixed (float* pa = a, pb = b, pc = c)
        {
            var args = new GemmArgs { A = pa, Lda = m, TransposedA = true, B = pb, Ldb = n, C = pc, Ldc = n, M = m, K = k, N = n, Accumulate = accumulate };
            Gemm(&args);
        }
    }

    /// <summary>
    /// The plain-SGD step <c>w ← w + (−rate)·(aᵀ·b)</c> in the pass that computes the weight gradient <c>aᵀ·b</c>,
    /// without storing it: bit for bit <see cref="MatMulTN"/> followed by <see cref="Sgd"/>'s update, without a second
    /// pass over the weights (for one sample, k = 1, a weight row whose input is zero is left as it is: the same value
    /// for a finite <c>b</c>, but a −0 weight stays −0, and an infinite or NaN <c>b</c> does not reach that row).
    /// Generated code calls it when <see cref="Optimizer.TryGetFusedUpdateRate"/> allows, and computes the gradient later,
    /// with <see cref="MatMulTN"/>, if <see cref="INetwork.Gradients"/> is read. <c>a</c> is <c>k × m</c>, <c>b</c> is
    /// <c>k × n</c>, <c>w</c> is <c>m × n</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void MatMulTNStep(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> w, float rate, int m, int k, int n)
    {
        CheckLength(a, k * m, nameof(a));
        CheckLength(b, k * n, nameof(b));
        CheckLength(w, m * n, nameof(w));
        if (k > KC + KC / 2)
        {
            // Deep enough to be summed in blocks (batches of over 1,536): the partial sums need a C of their own, then
            // the optimizer's own update.
            Span<float> gradient = Scratch.Get(Scratch.TransposedSlot, m * n);
            MatMulTN(a, b, gradient, m, k, n);
            VectorOps.MultiplyAdd(gradient, -rate, w[..(m * n)], w[..(m * n)]);
            return;
        }
        fixed (float* pa = a, pb = b, pw = w)
        {
            var args = new GemmArgs { A = pa, Lda = m, TransposedA = true, B = pb, Ldb = n, C = pw, Ldc = n, M = m, K = k, N = n, Step = true, Rate = rate };
            Gemm(&args);
        }
    }

    /// <summary>
    /// <c>c (+)= a·bᵀ</c>: <c>a</c> is <c>m × k</c>, <c>b</c> is <c>n × k</c>, <c>c</c> is <c>m × n</c> — the input
    /// gradient of a dense layer, <c>dX = dZ·Wᵀ</c>. For batches of 8 and more it is computed as <c>dXᵀ = W·dZᵀ</c>, so
    /// that the weights are read in their own row-major order (no transposed copy of W), or through a transposed copy of
    /// W, whichever moves fewer floats; without AVX2 + FMA, from a batch of one vector's width (4 with NEON or SSE), always
    /// as <c>W·dZᵀ</c>, whose rows the fallback product vectorizes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void MatMulNT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckLength(a, m * k, nameof(a));
        CheckLength(b, n * k, nameof(b));
        CheckLength(c, m * n, nameof(c));
        bool vectorKernels = Kernel != ProductKernel.Fallback;
        // Without AVX2 + FMA the fallback product vectorizes a row-major B's columns (Vector<float>: NEON on Arm64): there
        // W·dZᵀ, whose rows are the batch, runs several times faster than a dot product per element, with the same
        // terms added in the same order (so the same bits).
        bool fallbackRows = !vectorKernels && Vector.IsHardwareAccelerated && m >= Vector<float>.Count;
        if ((m >= 8 && vectorKernels) || fallbackRows)
        {
            // Two ways, the same sums in the same order (but for where an accumulated C is added, beyond 1,536 inputs;
            // with AVX2 + FMA the way depends on the shape only, so on any such machine the same; the fallback sums
            // every element in depth order either way): pack the weights transposed (n·k floats
            // through 8 × 8 transposes, once per block of rows) into the product dZ·Wᵀ, or transpose dZ in and dX out
            // (m·(k + n) floats) around the product dXᵀ = W·dZᵀ, which reads the weights in their own order. Whichever
            // moves fewer floats: a batch of 128 against a 100 × 100 layer packs; a batch of 32 against 784 × 300
            // transposes.
            if (!fallbackRows && (long)n * k <= (long)m * (k + n))
            {
                fixed (float* pa = a, pb = b, pc = c)
                {
                    var args = new GemmArgs { A = pa, Lda = k, B = pb, Ldb = k, TransposedB = true, C = pc, Ldc = n, M = m, K = k, N = n, Accumulate = accumulate };
                    Gemm(&args);
                }
                return;
            }
            Span<float> aT = Scratch.Get(Scratch.TransposedSlot, k * m);     // dZᵀ: k × m
            Span<float> cT = Scratch.Get(Scratch.TransposedResultSlot, n * m);     // dXᵀ: n × m
            TransposeCore(a, aT, m, k, accumulate: false);
            fixed (float* pb = b, paT = aT, pcT = cT)
            {
                var args = new GemmArgs { A = pb, Lda = k, B = paT, Ldb = m, C = pcT, Ldc = m, M = n, K = k, N = m };
                Gemm(&args);
            }
            TransposeCore(cT, c, n, m, accumulate);
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            for (int i = 0; i < m; i++)
            {
                int j = 0;
                for (; j + 4 <= n; j += 4) Dot1x4(pa + i * k, pb + j * k, pc + i * n + j, k, accumulate);
                for (; j < n; j++) Store(pc + i * n + j, Dot(pa + i * k, pb + j * k, k), accumulate);
            }
        }
    }

    /// <summary>Column sums: <c>sums[j] (+)= Σᵢ m[i, j]</c> — the bias gradient of a dense layer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumRows(ReadOnlySpan<float> matrix, Span<float> sums, int rows, int columns, bool accumulate = false)
    {
        CheckLength(matrix, rows * columns, nameof(matrix));
        CheckLength(sums, columns, nameof(sums));
        Span<float> s = sums[..columns];
        if (!accumulate) s.Clear();
        for (int i = 0; i < rows; i++) VectorOps.Add(s, matrix.Slice(i * columns, columns), s);
    }

    /// <summary><c>destination (n × m) (+)= sourceᵀ</c>, <c>source</c> being <c>m × n</c>: 8 × 8 blocks through AVX registers, scalar edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransposeCore(ReadOnlySpan<float> source, Span<float> destination, int m, int n, bool accumulate)
    {
        if (source.Length < m * n || destination.Length < m * n) throw new ArgumentException("Transpose buffers too short.");
        fixed (float* src = source, dst = destination)
        {
            int i = 0;
            if (Avx.IsSupported)
            {
                for (; i + 8 <= m; i += 8)
                {
                    int j = 0;
                    for (; j + 8 <= n; j += 8) Transpose8x8(src + i * n + j, n, dst + j * m + i, m, accumulate);
                    for (; j < n; j++)
                    {
                        for (int r = i; r < i + 8; r++) Store(dst + j * m + r, src[r * n + j], accumulate);
                    }
                }
            }
            for (; i < m; i++)
            {
                for (int j = 0; j < n; j++) Store(dst + j * m + i, src[i * n + j], accumulate);
            }
        }
    }

    /// <summary>One 8 × 8 block transposed through AVX registers (unpack, shuffle, lane permute), stored or added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Transpose8x8(float* s, int lds, float* d, int ldd, bool accumulate)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + lds), r2 = Avx.LoadVector256(s + 2 * lds), r3 = Avx.LoadVector256(s + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * lds), r5 = Avx.LoadVector256(s + 5 * lds), r6 = Avx.LoadVector256(s + 6 * lds), r7 = Avx.LoadVector256(s + 7 * lds);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Emit(d, Avx.Permute2x128(u0, u4, 0x20), accumulate);
        Emit(d + ldd, Avx.Permute2x128(u1, u5, 0x20), accumulate);
        Emit(d + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20), accumulate);
        Emit(d + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20), accumulate);
        Emit(d + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31), accumulate);
        Emit(d + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31), accumulate);
        Emit(d + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31), accumulate);
        Emit(d + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31), accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Emit(float* d, Vector256<float> v, bool accumulate)
    {
        if (accumulate) v += Avx.LoadVector256(d);
        Avx.Store(d, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(float* p, float value, bool accumulate) => *p = accumulate ? *p + value : value;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe float Dot(float* x, float* y, int k)
    {
        int p = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && k >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; p + 8 <= k; p += 8) acc = Vector256.FusedMultiplyAdd(Vector256.Load(x + p), Vector256.Load(y + p), acc);
            sum = Vector256.Sum(acc);
        }
        for (; p < k; p++) sum += x[p] * y[p];
        return sum;
    }

    // One row of a against four rows of b: four dot products of length k.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Dot1x4(float* a, float* b, float* c, int k, bool accumulate)
    {
        int p = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector256.IsHardwareAccelerated && k >= 8)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; p + 8 <= k; p += 8)
            {
                Vector256<float> x = Vector256.Load(a + p);
                a0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b + p), a0);
                a1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b + k + p), a1);
                a2 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b + 2 * k + p), a2);
                a3 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b + 3 * k + p), a3);
            }
            s0 = Vector256.Sum(a0); s1 = Vector256.Sum(a1); s2 = Vector256.Sum(a2); s3 = Vector256.Sum(a3);
        }
        for (; p < k; p++)
        {
            float x = a[p];
            s0 += x * b[p]; s1 += x * b[k + p]; s2 += x * b[2 * k + p]; s3 += x * b[3 * k + p];
        }
        Store(c, s0, accumulate); Store(c + 1, s1, accumulate); Store(c + 2, s2, accumulate); Store(c + 3, s3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CheckLength(ReadOnlySpan<float> span, int required, string name)
    {
        if (span.Length < required)
        {
            throw new ArgumentException($"'{name}' has {span.Length} elements; {required} are required.", name);
        }
    }

    /// <summary>Per-thread scratch buffers of the kernels, grown on demand (so: allocated during warm-up only).</summary>
    private static class Scratch
    {
        [ThreadStatic] private static float[]?[]? t_buffers;
        [ThreadStatic] private static float[]?[]? t_pinned;
        [ThreadStatic] private static double[]? t_doubles;

        /// <summary>The calling thread's buffer of doubles (the softmax losses' row of exponentials), grown on demand.</summary>
        public static Span<double> Doubles(int length)
        {
            double[]? buffer = t_doubles;
            if (buffer is null || buffer.Length < length) t_doubles = buffer = new double[Math.Max(length, 16)];
            return buffer.AsSpan(0, length);
        }

        /// <summary>The <see cref="Pinned"/> slot of the products' packed panels (and a one-sample product's row of partial sums).</summary>
        public const int PackSlot = 0;

        /// <summary>The <see cref="Pinned"/> slot of a split one-sample product's partial rows (the caller's, while its chunks run).</summary>
        public const int PartialSlot = 1;

        private const int PinnedSlots = 2;

        /// <summary>
        /// A pinned, 64-byte-aligned per-thread buffer of at least <paramref name="length"/> floats, for the kernels that
        /// work through pointers (grown on demand, so during warm-up only; the GC frees it with its thread).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe float* Pinned(int slot, int length)
        {
            float[]?[] buffers = t_pinned ??= new float[]?[PinnedSlots];
            float[]? buffer = buffers[slot];
            if (buffer is null || buffer.Length < length + 16)
            {
                buffers[slot] = buffer = GC.AllocateUninitializedArray<float>(Math.Max(length + 16, (buffer?.Length ?? 0) * 2), pinned: true);
            }
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            return (float*)((address + 63) & ~(nint)63);
        }

        /// <summary>The <see cref="Get"/> slot of a product's transposed operand (<see cref="MatMulNT"/>'s dZᵀ), or a deep fused step's gradient.</summary>
        public const int TransposedSlot = 0;

        /// <summary>The <see cref="Get"/> slot of <see cref="MatMulNT"/>'s transposed result dXᵀ.</summary>
        public const int TransposedResultSlot = 1;

        /// <summary>The <see cref="Get"/> slot of a batch normalization's per-feature scale and shift.</summary>
        public const int BatchNormSlot = 2;

        /// <summary>The <see cref="Get"/> slot of <see cref="BatchNormBackward"/>'s per-feature vectors.</summary>
        public const int BatchNormBackwardSlot = 3;

        /// <summary>The <see cref="Get"/> slot of <see cref="BatchNormDenseBackward"/>'s normalized input x̂.</summary>
        public const int NormalizedInputSlot = 4;

        /// <summary>The <see cref="Get"/> slot of <see cref="BatchNormDenseBackward"/>'s column sums σ and, for a step, G.</summary>
        public const int NormalizedSumsSlot = 5;

        private const int Slots = 6;

        /// <summary>
        /// The calling thread's buffer of a <paramref name="slot"/> (one of the constants above), at least
        /// <paramref name="length"/> floats, grown on demand. Kernels that call one another use different slots.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Span<float> Get(int slot, int length)
        {
            float[]?[] buffers = t_buffers ??= new float[]?[Slots];
            float[]? buffer = buffers[slot];
            if (buffer is null || buffer.Length < length) buffers[slot] = buffer = new float[Math.Max(length, (buffer?.Length ?? 0) * 2)];
            return buffer.AsSpan(0, length);
        }
    }
}
