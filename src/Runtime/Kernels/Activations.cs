using System;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl;

public static partial class Kernels
{
    /// <summary>SELU's λ (Klambauer et al.; the constant in TensorFlow's kernel).</summary>
    public const float SeluLambda = 1.05070098735548049342f;

    /// <summary>SELU's α.</summary>
    public const float SeluAlpha = 1.67326324235437728482f;

    /// <summary>λ·α, SELU's negative saturation value in absolute terms.</summary>
    public const float SeluLambdaAlpha = 1.75809934084737685994f;

    /// <summary>Applies <paramref name="activation"/> in place to <paramref name="values"/> (rows of <paramref name="width"/> for softmax).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ActivationForward(Activation activation, Span<float> values, int width, float alpha = 0f)
        => ActivationForward(activation, values, values, width, alpha);

    /// <summary>
    /// <c>y = activation(x)</c> elementwise (softmax: per row of <paramref name="width"/>). <see cref="Activation.RRelu"/>
    /// here is its inference form, a leaky ReLU with slope <paramref name="alpha"/> (the mean slope).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void ActivationForward(Activation activation, ReadOnlySpan<float> x, Span<float> y, int width, float alpha = 0f)
    {
        if (y.Length < x.Length) throw new ArgumentException("The output is shorter than the input.", nameof(y));
        y = y[..x.Length];
        switch (activation)
        {
            case Activation.Linear:
                if (!x.Overlaps(y)) x.CopyTo(y);
                return;
            case Activation.Relu:
                TensorPrimitives.Max(x, 0f, y);
                return;
            case Activation.LeakyRelu:
            case Activation.RRelu:
                Leaky(x, y, alpha);
                return;
            case Activation.Elu:
                ExpLinear(x, y, 1f, alpha);
                return;
            case Activation.Selu:
                ExpLinear(x, y, SeluLambda, SeluAlpha);
                return;
            case Activation.Sigmoid:
                TensorPrimitives.Sigmoid(x, y);
                return;
            case Activation.Tanh:
                TensorPrimitives.Tanh(x, y);
                return;
            case Activation.Softmax:
                for (int r = 0; r + width <= x.Length; r += width) SoftmaxRow(x.Slice(r, width), y.Slice(r, width));
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>
    /// Backward through an activation, from its output: <c>gradient ← gradient ⊙ f′</c>, where f′ is computed from
    /// the forward output <paramref name="y"/> (every supported activation's derivative is a function of its output).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void ActivationBackward(Activation activation, ReadOnlySpan<float> y, Span<float> gradient, int width, float alpha = 0f)
    {
        if (gradient.Length < y.Length) throw new ArgumentException("The gradient is shorter than the output.", nameof(gradient));
        int len = y.Length;
        fixed (float* py = y, pg = gradient)
        {
            switch (activation)
            {
                case Activation.Linear:
                    return;
                case Activation.Relu:
                {
                    int i = 0;
                    if (Vector256.IsHardwareAccelerated)
                        for (; i + 8 <= len; i += 8)
                        {
                            Vector256<float> m = Vector256.GreaterThan(Vector256.Load(py + i), Vector256<float>.Zero);
                            Vector256.Store(Vector256.BitwiseAnd(Vector256.Load(pg + i), m), pg + i);
                        }
                    for (; i < len; i++) pg[i] = py[i] > 0f ? pg[i] : 0f;
                    return;
                }
                case Activation.LeakyRelu:
                case Activation.RRelu:
                {
                    int i = 0;
                    if (Vector256.IsHardwareAccelerated)
                        for (; i + 8 <= len; i += 8)
                        {
                            Vector256<float> g = Vector256.Load(pg + i);
                            Vector256<float> m = Vector256.GreaterThan(Vector256.Load(py + i), Vector256<float>.Zero);
                            Vector256.Store(Vector256.ConditionalSelect(m, g, g * alpha), pg + i);
                        }
                    for (; i < len; i++) pg[i] = py[i] > 0f ? pg[i] : alpha * pg[i];
                    return;
                }
                case Activation.Elu:
                {
                    // f'(x) = 1 for x > 0, α·eˣ = y + α otherwise (α at x = 0, as Keras for any α).
                    int i = 0;
                    if (Vector256.IsHardwareAccelerated)
                        for (; i + 8 <= len; i += 8)
                        {
                            Vector256<float> yy = Vector256.Load(py + i), g = Vector256.Load(pg + i);
                            Vector256<float> m = Vector256.GreaterThan(yy, Vector256<float>.Zero);
                            Vector256.Store(Vector256.ConditionalSelect(m, g, g * (yy + Vector256.Create(alpha))), pg + i);
                        }
                    for (; i < len; i++) pg[i] = py[i] > 0f ? pg[i] : pg[i] * (py[i] + alpha);
                    return;
                }
                case Activation.Selu:
                {
                    // f'(x) = λ for x ≥ 0, λα·eˣ = y + λα for x < 0 (TensorFlow's SeluGrad).
                    int i = 0;
                    if (Vector256.IsHardwareAccelerated)
                        for (; i + 8 <= len; i += 8)
                        {
                            Vector256<float> yy = Vector256.Load(py + i), g = Vector256.Load(pg + i);
                            Vector256<float> m = Vector256.LessThan(yy, Vector256<float>.Zero);
                            Vector256.Store(Vector256.ConditionalSelect(m, g * (yy + Vector256.Create(SeluLambdaAlpha)), g * SeluLambda), pg + i);
                        }
                    for (; i < len; i++) pg[i] = py[i] < 0f ? pg[i] * (py[i] + SeluLambdaAlpha) : pg[i] * SeluLambda;
                    return;
                }
                case Activation.Sigmoid:
                    for (int i = 0; i < len; i++) pg[i] *= py[i] * (1f - py[i]);
                    return;
                case Activation.Tanh:
                    for (int i = 0; i < len; i++) pg[i] *= 1f - py[i] * py[i];
                    return;
                case Activation.Softmax:
                    for (int r = 0; r + width <= len; r += width)
                    {
                        Span<float> g = gradient.Slice(r, width);
                        ReadOnlySpan<float> s = y.Slice(r, width);
                        float dot = TensorPrimitives.Dot(g, s);
                        for (int j = 0; j < width; j++) g[j] = s[j] * (g[j] - dot);
                    }
                    return;
                default:
                    throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }
    }

    /// <summary>
    /// RReLU in training: draws a slope from U(<paramref name="lower"/>, <paramref name="upper"/>) for every element,
    /// stores in <paramref name="slopes"/> the derivative of each element (1 for x ≥ 0, the drawn slope otherwise) and
    /// writes <c>y = x·slope</c>. The backward pass multiplies the gradient by <paramref name="slopes"/> (<see cref="MultiplyInto"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RReluTraining(ReadOnlySpan<float> x, Span<float> y, Span<float> slopes, float lower, float upper, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int n = x.Length;
        CheckDrawBuffers(x, y, slopes, nameof(slopes));
        float range = upper - lower;
        // One draw per element below zero (or NaN), in order, as one NextFloat each: count them, draw them in bulk into
        // the front of the slopes, then place them from the back — the k-th draw goes to the k-th such element, whose
        // index is at least k, so no draw is overwritten before it is used.
        int draws = 0;
        for (int i = 0; i < n; i++) draws += x[i] >= 0f ? 0 : 1;
        random.NextFloats(slopes[..draws]);
        int next = draws - 1;
        for (int i = n - 1; i >= 0; i--)
        {
            float v = x[i];
            float s;
            if (v >= 0f)
            {
                s = 1f;
            }
            else
            {
                s = lower + range * slopes[next];
                next--;
            }
            slopes[i] = s;
            y[i] = v * s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Leaky(ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        int len = x.Length;
        fixed (float* px = x, py = y)
        {
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; i + 8 <= len; i += 8)
                {
                    Vector256<float> v = Vector256.Load(px + i);
                    Vector256.Store(Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * alpha), py + i);
                }
            for (; i < len; i++) py[i] = px[i] > 0f ? px[i] : alpha * px[i];
        }
    }

    /// <summary>
    /// <c>y = scale·(x &gt; 0 ? x : α·(eˣ − 1))</c> (ELU: scale 1; SELU: λ, α) in one pass, with the same arithmetic
    /// for every element as the products' fused epilogue (<see cref="ExpLinearRow"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ExpLinear(ReadOnlySpan<float> x, Span<float> y, float scale, float alpha)
    {
        fixed (float* px = x, py = y)
        {
            if (Avx2.IsSupported && Fma.IsSupported)
            {
                ExpLinearRow(px, py, x.Length, scale, alpha);
                return;
            }
            for (int i = 0; i < x.Length; i++)
            {
                float v = px[i];
                py[i] = v > 0f ? scale * v : scale * alpha * (MathF.Exp(v) - 1f);
            }
        }
    }

    /// <summary>
    /// <see cref="ExpLinear"/> on <paramref name="length"/> floats (in place or not), eight lanes at a time with the
    /// vector exponential, the last 1–7 through a masked load and stored lane by lane (<see cref="StoreLanes"/>: the
    /// exponential epilogue of a 100-unit layer's last panel stores a row's last four columns this way). AVX2 and FMA
    /// required.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void ExpLinearRow(float* x, float* y, int length, float scale, float alpha)
    {
        int full = length & ~7;
        for (int j = 0; j < full; j += 8) Avx.Store(y + j, ExpLinearVector(Avx.LoadVector256(x + j), scale, alpha));
        if (full < length)
        {
            Vector256<float> mask = LaneMask(length - full);
            StoreLanes(y + full, ExpLinearVector(Avx.MaskLoad(x + full, mask), scale, alpha), length - full);
        }
    }

    /// <summary>One vector of the exponential linear unit: <c>scale·v</c> where v &gt; 0, <c>(scale·α)·(e^min(v, 0) − 1)</c> elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpLinearVector(Vector256<float> v, float scale, float alpha)
    {
        Vector256<float> e = ExpNonPositive(Vector256.Min(v, Vector256<float>.Zero));
        return Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), Vector256.Create(scale) * v,
            Vector256.Create(scale * alpha) * (e - Vector256<float>.One));
    }

    /// <summary>
    /// <c>eˣ</c> for x ≤ 0 in single precision, several times faster than <c>Vector256.Exp</c> (which computes in
    /// double precision): the classic Cody–Waite reduction x = n·ln 2 + r, |r| ≤ ln 2 / 2 (ln 2 split in two parts so
    /// that n·ln 2 is exact), a degree-7 polynomial for eʳ (the minimax coefficients of Cephes' <c>expf</c>, evaluated
    /// with FMAs by Estrin's scheme), and 2ⁿ put into the exponent bits. Relative error below 2.5e−7 (2–4 ulp) on [−87, 0] (checked against double precision
    /// in the tests); below −87 the result is 0's neighbourhood (≤ 1.2e−38), which ELU and SELU only use as eˣ − 1 = −1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpNonPositive(Vector256<float> x)
    {
        x = Vector256.Max(x, Vector256.Create(-87.33654f));
        Vector256<float> n = Avx.RoundToNearestInteger(x * Vector256.Create(1.44269504088896341f));
        Vector256<float> r = Fma.MultiplyAddNegated(n, Vector256.Create(0.693359375f), x);
        r = Fma.MultiplyAddNegated(n, Vector256.Create(-2.12194440e-4f), r);
        // Estrin's scheme: three short chains instead of one of six dependent steps (the loop is bound by the latency
        // of this chain, not by the number of operations).
        Vector256<float> r2 = r * r;
        Vector256<float> p01 = Fma.MultiplyAdd(Vector256.Create(1.6666665459E-1f), r, Vector256.Create(5.0000001201E-1f));
        Vector256<float> p23 = Fma.MultiplyAdd(Vector256.Create(8.3334519073E-3f), r, Vector256.Create(4.1665795894E-2f));
        Vector256<float> p45 = Fma.MultiplyAdd(Vector256.Create(1.9875691500E-4f), r, Vector256.Create(1.3981999507E-3f));
        Vector256<float> p = Fma.MultiplyAdd(Fma.MultiplyAdd(p45, r2, p23), r2, p01);
        p = Fma.MultiplyAdd(p, r2, r) + Vector256<float>.One;
        // n is an integer in [−126, 0]: the truncating conversion is exact (no saturation handling needed).
        Vector256<int> pow2 = (Avx.ConvertToVector256Int32WithTruncation(n) + Vector256.Create(127)) << 23;
        return p * pow2.AsSingle();
    }

    /// <summary>Numerically stable softmax of one row (the maximum is subtracted first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxRow(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = TensorPrimitives.Max(logits);
        VectorOps.Subtract(logits, max, probabilities);
        TensorPrimitives.Exp(probabilities[..logits.Length], probabilities);
        float sum = TensorPrimitives.Sum(probabilities[..logits.Length]);
        TensorPrimitives.Divide(probabilities[..logits.Length], sum, probabilities);
    }
}
