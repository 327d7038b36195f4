using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;

namespace NetDsl;

public static partial class Kernels
{
    /// <summary><c>destination ← source</c>, or <c>destination += source</c> when <paramref name="accumulate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyOrAdd(ReadOnlySpan<float> source, Span<float> destination, bool accumulate)
    {
        if (accumulate) VectorOps.Add(destination[..source.Length], source, destination);
        else source.CopyTo(destination);
    }

    /// <summary><c>destination (+)= a ⊙ b</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyInto(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination, bool accumulate)
    {
        if (accumulate) VectorOps.MultiplyAdd(a, b[..a.Length], destination[..a.Length], destination);
        else VectorOps.Multiply(a, b[..a.Length], destination);
    }

    /// <summary><c>y = a + b</c> (the <c>Add</c> layer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => VectorOps.Add(a, b[..a.Length], y);

    /// <summary>Row-wise concatenation: each row of <paramref name="y"/> is the row of <paramref name="first"/> then the row of <paramref name="second"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ConcatRows(ReadOnlySpan<float> first, int firstWidth, ReadOnlySpan<float> second, int secondWidth, Span<float> y, int batch)
    {
        int w = firstWidth + secondWidth;
        for (int i = 0; i < batch; i++)
        {
            first.Slice(i * firstWidth, firstWidth).CopyTo(y.Slice(i * w, firstWidth));
            second.Slice(i * secondWidth, secondWidth).CopyTo(y.Slice(i * w + firstWidth, secondWidth));
        }
    }

    /// <summary>Backward of <see cref="ConcatRows"/>: splits each gradient row into the two inputs' gradients (either may be empty: not needed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SplitRows(ReadOnlySpan<float> gradient, Span<float> first, int firstWidth, bool accumulateFirst,
        Span<float> second, int secondWidth, bool accumulateSecond, int batch)
    {
        int w = firstWidth + secondWidth;
        for (int i = 0; i < batch; i++)
        {
            if (!first.IsEmpty) CopyOrAdd(gradient.Slice(i * w, firstWidth), first.Slice(i * firstWidth, firstWidth), accumulateFirst);
            if (!second.IsEmpty) CopyOrAdd(gradient.Slice(i * w + firstWidth, secondWidth), second.Slice(i * secondWidth, secondWidth), accumulateSecond);
        }
    }

    /// <summary>
    /// Inverted dropout in training (Keras <c>Dropout</c>): keeps an element when <c>u ≥ rate</c>, <c>u ~ U[0, 1)</c>;
    /// <c>y = x·keep/(1 − rate)</c>. The per-element factor is stored in <paramref name="mask"/> for the backward pass
    /// (<see cref="MultiplyInto"/>). <paramref name="y"/> may be <paramref name="x"/>; <paramref name="mask"/> must not
    /// overlap <paramref name="x"/> (it receives the uniforms first).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void DropoutTraining(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int n = x.Length;
        CheckDrawBuffers(x, y, mask, nameof(mask));
        float scale = 1f / (1f - rate);
        // The uniforms first (in order, as one NextFloat per element), then the factors and products in vectors.
        random.NextFloats(mask[..n]);
        int i = 0;
        fixed (float* px = x, py = y, pm = mask)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> r = Vector256.Create(rate), s = Vector256.Create(scale);
                for (; i + 8 <= n; i += 8)
                {
                    Vector256<float> m = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(Vector256.Load(pm + i), r), s, Vector256<float>.Zero);
                    Vector256.Store(m, pm + i);
                    Vector256.Store(Vector256.Load(px + i) * m, py + i);
                }
            }
            for (; i < n; i++)
            {
                float m = pm[i] >= rate ? scale : 0f;
                pm[i] = m;
                py[i] = px[i] * m;
            }
        }
    }

    /// <summary>
    /// Alpha dropout in training (Keras <c>AlphaDropout</c>): with <c>α′ = −λα</c>, <c>keep = [u ≥ rate]</c>,
    /// <c>a = ((1 − rate)(1 + rate·α′²))^−½</c>, <c>b = −a·α′·rate</c>: <c>y = a·(x·keep + α′·(1 − keep)) + b</c>. The
    /// derivative <c>a·keep</c> is stored in <paramref name="mask"/>. <paramref name="y"/> may be <paramref name="x"/>;
    /// <paramref name="mask"/> must not overlap <paramref name="x"/> (it receives the uniforms first).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void AlphaDropoutTraining(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int n = x.Length;
        CheckDrawBuffers(x, y, mask, nameof(mask));
        (double a, double b) = AlphaDropoutAffine(rate);
        float alphaP = -SeluLambdaAlpha;
        random.NextFloats(mask[..n]); // the uniforms, in order, then each element's keep from its own
        int i = 0;
        fixed (float* px = x, py = y, pm = mask)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                // The same operations as below, eight at a time: the kept value or α′ widened to double (exact),
                // a·v + b in double (a multiply, then an add), rounded to float.
                Vector256<float> r = Vector256.Create(rate), alpha = Vector256.Create(alphaP), slope = Vector256.Create((float)a);
                Vector256<double> va = Vector256.Create(a), vb = Vector256.Create(b);
                for (; i + 8 <= n; i += 8)
                {
                    Vector256<float> keep = Vector256.GreaterThanOrEqual(Vector256.Load(pm + i), r);
                    Vector256<float> v = Vector256.ConditionalSelect(keep, Vector256.Load(px + i), alpha);
                    Vector256.Store(Vector256.ConditionalSelect(keep, slope, Vector256<float>.Zero), pm + i);
                    Vector256<double> lower = va * Vector256.WidenLower(v) + vb, upper = va * Vector256.WidenUpper(v) + vb;
                    Vector256.Store(Vector256.Narrow(lower, upper), py + i);
                }
            }
            for (; i < n; i++)
            {
                bool keep = pm[i] >= rate;
                pm[i] = keep ? (float)a : 0f;
                py[i] = (float)(a * (keep ? px[i] : alphaP) + b);
            }
        }
    }

    /// <summary>
    /// The buffers of a training kernel that first draws its uniforms into <paramref name="draws"/> (dropout, alpha
    /// dropout, RReLU): <paramref name="y"/> and <paramref name="draws"/> as long as <paramref name="x"/>, and
    /// <paramref name="draws"/> apart from it — checked before anything is drawn.
    /// </summary>
    private static void CheckDrawBuffers(ReadOnlySpan<float> x, Span<float> y, Span<float> draws, string drawsName)
    {
        CheckLength(y, x.Length, nameof(y));
        CheckLength(draws, x.Length, drawsName);
        if (x.Overlaps(draws[..x.Length])) throw new ArgumentException($"'{drawsName}' must not overlap the input: it receives the uniforms first.", drawsName);
    }

    /// <summary>The affine correction (a, b) of alpha dropout at <paramref name="rate"/>.</summary>
    public static (double A, double B) AlphaDropoutAffine(double rate)
    {
        double alphaP = -(double)SeluLambda * SeluAlpha;
        double a = 1.0 / Math.Sqrt((1 - rate) * (1 + rate * alphaP * alphaP));
        return (a, -a * alphaP * rate);
    }

    /// <summary>
    /// L1/L2 kernel regularization (Keras <c>l1_l2</c>): returns <c>l1·Σ|w| + l2·Σw²</c> and, when
    /// <paramref name="gradient"/> is not empty, adds <c>l1·sign(w) + 2·l2·w</c> to it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Regularization(ReadOnlySpan<float> weights, float l1, float l2, Span<float> gradient)
    {
        double penalty = 0;
        if (l2 > 0)
        {
            penalty += l2 * (double)TensorPrimitives.Dot(weights, weights);
            if (!gradient.IsEmpty) VectorOps.MultiplyAdd(weights, 2f * l2, gradient[..weights.Length], gradient);
        }
        if (l1 > 0)
        {
            penalty += l1 * (double)TensorPrimitives.SumOfMagnitudes(weights);
            if (!gradient.IsEmpty)
            {
                for (int i = 0; i < weights.Length; i++) gradient[i] += l1 * MathF.Sign(weights[i]);
            }
        }
        return (float)penalty;
    }

    /// <summary>
    /// Keras's <c>max_norm(maxValue)</c> on a dense kernel (axis 0): for each unit j, <c>n = ‖W[:, j]‖₂</c> and the
    /// column is multiplied by <c>clip(n, 0, maxValue)/(ε + n)</c>, ε = 1e-7.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxNorm(Span<float> kernel, int inputs, int units, float maxValue, Span<float> scratch)
    {
        Span<float> norms = scratch[..units];
        norms.Clear();
        for (int i = 0; i < inputs; i++)
        {
            ReadOnlySpan<float> row = kernel.Slice(i * units, units);
            VectorOps.FusedMultiplyAdd(row, row, norms, norms);
        }
        for (int j = 0; j < units; j++)
        {
            float n = MathF.Sqrt(norms[j]);
            norms[j] = Math.Clamp(n, 0f, maxValue) / (1e-7f + n);
        }
        for (int i = 0; i < inputs; i++)
        {
            Span<float> row = kernel.Slice(i * units, units);
            VectorOps.Multiply(row, norms, row);
        }
    }
}
