using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetDsl;

/// <summary>
/// The numerical kernels called by generated networks: matrix products with fused epilogues, activations,
/// batch normalization, losses. Every kernel works on caller-provided spans and allocates nothing.
/// Matrices are row-major.
/// </summary>
public static partial class Kernels
{
    /// <summary>
    /// Dense layer forward: <c>y = activation(x·W + b)</c> for <paramref name="batch"/> rows, with the bias and the
    /// activation fused into the product's epilogue where the activation is piecewise linear.
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
    public static void Dense(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> y,
        int batch, int inputs, int units, Activation activation = Activation.Linear, float alpha = 0f)
    {
        CheckLength(x, batch * inputs, nameof(x));
        CheckLength(kernel, inputs * units, nameof(kernel));
        if (!bias.IsEmpty) CheckLength(bias, units, nameof(bias));
        CheckLength(y, batch * units, nameof(y));
        Epilogue epilogue = activation switch
        {
            Activation.Relu => Epilogue.Relu,
            Activation.LeakyRelu => Epilogue.Leaky,
            _ => Epilogue.None,
        };
        GemmCore(x, inputs, 1, kernel, y, batch, inputs, units, accumulate: false, bias, epilogue, alpha);
        if (epilogue == Epilogue.None && activation != Activation.Linear)
        {
            ActivationForward(activation, y[..(batch * units)], units, alpha);
        }
    }

    /// <summary><c>c (+)= a·b</c>: <c>a</c> is <c>m × k</c>, <c>b</c> is <c>k × n</c>, <c>c</c> is <c>m × n</c>.</summary>
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckLength(a, m * k, nameof(a));
        CheckLength(b, k * n, nameof(b));
        CheckLength(c, m * n, nameof(c));
        GemmCore(a, k, 1, b, c, m, k, n, accumulate, default, Epilogue.None, 0f);
    }

    /// <summary>
    /// <c>c (+)= aᵀ·b</c>: <c>a</c> is <c>k × m</c>, <c>b</c> is <c>k × n</c>, <c>c</c> is <c>m × n</c> — the weight
    /// gradient of a dense layer, <c>dW = xᵀ·dZ</c>.
    /// </summary>
    public static void MatMulTN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckLength(a, k * m, nameof(a));
        CheckLength(b, k * n, nameof(b));
        CheckLength(c, m * n, nameof(c));
        GemmCore(a, 1, m, b, c, m, k, n, accumulate, default, Epilogue.None, 0f);
    }

    /// <summary>
    /// <c>c (+)= a·bᵀ</c>: <c>a</c> is <c>m × k</c>, <c>b</c> is <c>n × k</c>, <c>c</c> is <c>m × n</c> — the input
    /// gradient of a dense layer, <c>dX = dZ·Wᵀ</c>.
    /// </summary>
    public static unsafe void MatMulNT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckLength(a, m * k, nameof(a));
        CheckLength(b, n * k, nameof(b));
        CheckLength(c, m * n, nameof(c));
        fixed (float* pa = a, pb = b, pc = c)
        {
            int i = 0;
            for (; i + 4 <= m; i += 4)
            {
                int j = 0;
                for (; j + 2 <= n; j += 2) Dot4x2(pa + i * k, pb + j * k, pc + i * n + j, k, n, accumulate);
                for (; j < n; j++)
                {
                    for (int r = 0; r < 4; r++) Store(pc + (i + r) * n + j, Dot(pa + (i + r) * k, pb + j * k, k), accumulate);
                }
            }
            for (; i < m; i++)
            {
                for (int j = 0; j < n; j++) Store(pc + i * n + j, Dot(pa + i * k, pb + j * k, k), accumulate);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(float* p, float value, bool accumulate) => *p = accumulate ? *p + value : value;

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

    // 4 rows of a against 2 rows of b: 8 dot products of length k at once.
    private static unsafe void Dot4x2(float* a, float* b, float* c, int k, int ldc, bool accumulate)
    {
        int p = 0;
        float s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        if (Vector256.IsHardwareAccelerated && k >= 8)
        {
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
            for (; p + 8 <= k; p += 8)
            {
                Vector256<float> b0 = Vector256.Load(b + p), b1 = Vector256.Load(b + k + p);
                Vector256<float> x0 = Vector256.Load(a + p);
                a00 = Vector256.FusedMultiplyAdd(x0, b0, a00); a01 = Vector256.FusedMultiplyAdd(x0, b1, a01);
                Vector256<float> x1 = Vector256.Load(a + k + p);
                a10 = Vector256.FusedMultiplyAdd(x1, b0, a10); a11 = Vector256.FusedMultiplyAdd(x1, b1, a11);
                Vector256<float> x2 = Vector256.Load(a + 2 * k + p);
                a20 = Vector256.FusedMultiplyAdd(x2, b0, a20); a21 = Vector256.FusedMultiplyAdd(x2, b1, a21);
                Vector256<float> x3 = Vector256.Load(a + 3 * k + p);
                a30 = Vector256.FusedMultiplyAdd(x3, b0, a30); a31 = Vector256.FusedMultiplyAdd(x3, b1, a31);
            }
            s00 = Vector256.Sum(a00); s01 = Vector256.Sum(a01); s10 = Vector256.Sum(a10); s11 = Vector256.Sum(a11);
            s20 = Vector256.Sum(a20); s21 = Vector256.Sum(a21); s30 = Vector256.Sum(a30); s31 = Vector256.Sum(a31);
        }
        for (; p < k; p++)
        {
            float b0 = b[p], b1 = b[k + p];
            s00 += a[p] * b0; s01 += a[p] * b1;
            s10 += a[k + p] * b0; s11 += a[k + p] * b1;
            s20 += a[2 * k + p] * b0; s21 += a[2 * k + p] * b1;
            s30 += a[3 * k + p] * b0; s31 += a[3 * k + p] * b1;
        }
        Store(c, s00, accumulate); Store(c + 1, s01, accumulate);
        Store(c + ldc, s10, accumulate); Store(c + ldc + 1, s11, accumulate);
        Store(c + 2 * ldc, s20, accumulate); Store(c + 2 * ldc + 1, s21, accumulate);
        Store(c + 3 * ldc, s30, accumulate); Store(c + 3 * ldc + 1, s31, accumulate);
    }

    private enum Epilogue { None, Relu, Leaky }

    /// <summary>
    /// The one product kernel: <c>c (+)= A·b (+ bias, activation)</c>, where element (r, p) of A is
    /// <c>a[r·rowStride + p·colStride]</c> (so A can be a matrix or a transposed one), <c>b</c> is <c>k × n</c>
    /// row-major. Register-blocked: 4 rows × 16 columns of accumulators, columns outermost so that a panel of
    /// <c>b</c> stays in cache while every row block streams past it.
    /// </summary>
    private static unsafe void GemmCore(ReadOnlySpan<float> a, int rowStride, int colStride, ReadOnlySpan<float> b, Span<float> c,
        int m, int k, int n, bool accumulate, ReadOnlySpan<float> bias, Epilogue epilogue, float alpha)
    {
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
        {
            float* biasPtr = bias.IsEmpty ? null : pbias;
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 16 <= n; j += 16)
                {
                    int i = 0;
                    for (; i + 4 <= m; i += 4) Block4x16(pa, rowStride, colStride, pb, pc, i, j, k, n, accumulate, biasPtr, epilogue, alpha);
                    for (; i < m; i++) Block1x16(pa, rowStride, colStride, pb, pc, i, j, k, n, accumulate, biasPtr, epilogue, alpha);
                }
                for (; j + 8 <= n; j += 8)
                {
                    for (int i = 0; i < m; i++) Block1x8(pa, rowStride, colStride, pb, pc, i, j, k, n, accumulate, biasPtr, epilogue, alpha);
                }
            }
            for (; j < n; j++)
            {
                for (int i = 0; i < m; i++)
                {
                    float* ar = pa + i * rowStride;
                    float s = 0f;
                    for (int p = 0; p < k; p++) s += ar[p * colStride] * pb[p * n + j];
                    float* dst = pc + i * n + j;
                    if (accumulate) s += *dst;
                    if (biasPtr != null) s += biasPtr[j];
                    *dst = ApplyScalar(s, epilogue, alpha);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ApplyScalar(float s, Epilogue epilogue, float alpha) => epilogue switch
    {
        Epilogue.Relu => s > 0f ? s : 0f,
        Epilogue.Leaky => s > 0f ? s : alpha * s,
        _ => s,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ApplyVector(Vector256<float> v, Epilogue epilogue, float alpha) => epilogue switch
    {
        Epilogue.Relu => Vector256.Max(v, Vector256<float>.Zero),
        Epilogue.Leaky => Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * alpha),
        _ => v,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Finish(float* dst, Vector256<float> acc, bool accumulate, float* bias, Epilogue epilogue, float alpha)
    {
        if (accumulate) acc += Vector256.Load(dst);
        if (bias != null) acc += Vector256.Load(bias);
        Vector256.Store(ApplyVector(acc, epilogue, alpha), dst);
    }

    private static unsafe void Block4x16(float* a, int rs, int cs, float* b, float* c, int i, int j, int k, int n,
        bool accumulate, float* bias, Epilogue epilogue, float alpha)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        float* a0 = a + i * rs, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
        float* bp = b + j;
        for (int p = 0; p < k; p++, bp += n)
        {
            Vector256<float> b0 = Vector256.Load(bp), b1 = Vector256.Load(bp + 8);
            int o = p * cs;
            Vector256<float> x = Vector256.Create(a0[o]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[o]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[o]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[o]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        }
        float* bj = bias == null ? null : bias + j;
        float* bj8 = bias == null ? null : bias + j + 8;
        float* d = c + i * n + j;
        Finish(d, c00, accumulate, bj, epilogue, alpha); Finish(d + 8, c01, accumulate, bj8, epilogue, alpha);
        d += n;
        Finish(d, c10, accumulate, bj, epilogue, alpha); Finish(d + 8, c11, accumulate, bj8, epilogue, alpha);
        d += n;
        Finish(d, c20, accumulate, bj, epilogue, alpha); Finish(d + 8, c21, accumulate, bj8, epilogue, alpha);
        d += n;
        Finish(d, c30, accumulate, bj, epilogue, alpha); Finish(d + 8, c31, accumulate, bj8, epilogue, alpha);
    }

    private static unsafe void Block1x16(float* a, int rs, int cs, float* b, float* c, int i, int j, int k, int n,
        bool accumulate, float* bias, Epilogue epilogue, float alpha)
    {
        Vector256<float> c0 = default, c1 = default;
        float* a0 = a + i * rs;
        float* bp = b + j;
        for (int p = 0; p < k; p++, bp += n)
        {
            Vector256<float> x = Vector256.Create(a0[p * cs]);
            c0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp), c0);
            c1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 8), c1);
        }
        float* d = c + i * n + j;
        Finish(d, c0, accumulate, bias == null ? null : bias + j, epilogue, alpha);
        Finish(d + 8, c1, accumulate, bias == null ? null : bias + j + 8, epilogue, alpha);
    }

    private static unsafe void Block1x8(float* a, int rs, int cs, float* b, float* c, int i, int j, int k, int n,
        bool accumulate, float* bias, Epilogue epilogue, float alpha)
    {
        Vector256<float> c0 = default;
        float* a0 = a + i * rs;
        float* bp = b + j;
        for (int p = 0; p < k; p++, bp += n) c0 = Vector256.FusedMultiplyAdd(Vector256.Create(a0[p * cs]), Vector256.Load(bp), c0);
        Finish(c + i * n + j, c0, accumulate, bias == null ? null : bias + j, epilogue, alpha);
    }

    /// <summary>Column sums: <c>sums[j] (+)= Σᵢ m[i, j]</c> — the bias gradient of a dense layer.</summary>
    public static void SumRows(ReadOnlySpan<float> matrix, Span<float> sums, int rows, int columns, bool accumulate = false)
    {
        CheckLength(matrix, rows * columns, nameof(matrix));
        CheckLength(sums, columns, nameof(sums));
        Span<float> s = sums[..columns];
        if (!accumulate) s.Clear();
        for (int i = 0; i < rows; i++) System.Numerics.Tensors.TensorPrimitives.Add(s, matrix.Slice(i * columns, columns), s);
    }

    internal static void CheckLength(ReadOnlySpan<float> span, int required, string name)
    {
        if (span.Length < required)
        {
            throw new ArgumentException($"'{name}' has {span.Length} elements; {required} are required.", name);
        }
    }
}
