using System;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace NetDsl;

public static partial class Kernels
{
    /// <summary>
    /// Batch normalization in training mode (Keras's dense path): per feature, the batch mean and the <b>biased</b>
    /// batch variance; <c>y = γ·(x − μ)/√(σ² + ε) + β</c>; the moving statistics move by
    /// <c>m ← m − (1 − momentum)·(m − μ)</c> (same for the variance) when <paramref name="updateMovingStatistics"/>.
    /// The batch mean and 1/√(σ² + ε) are saved for the backward pass.
    /// </summary>
    /// <param name="x">Input, <c>batch × features</c>.</param>
    /// <param name="y">Output, <c>batch × features</c> (may not overlap <paramref name="x"/>).</param>
    /// <param name="gamma">Scale, or empty when the layer has none (γ = 1).</param>
    /// <param name="beta">Offset, or empty when the layer has none (β = 0).</param>
    /// <param name="movingMean">Moving mean (updated).</param>
    /// <param name="movingVariance">Moving variance (updated).</param>
    /// <param name="savedMean">Receives the batch mean.</param>
    /// <param name="savedInvStd">Receives 1/√(σ² + ε).</param>
    /// <param name="batch">Rows.</param>
    /// <param name="features">Columns.</param>
    /// <param name="momentum">Moving-average momentum.</param>
    /// <param name="epsilon">Variance epsilon.</param>
    /// <param name="updateMovingStatistics">Whether to update the moving statistics.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormTraining(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> movingMean, Span<float> movingVariance, Span<float> savedMean, Span<float> savedInvStd,
        int batch, int features, float momentum, float epsilon, bool updateMovingStatistics = true)
    {
        CheckLength(x, batch * features, nameof(x));
        CheckLength(y, batch * features, nameof(y));
        Span<float> mean = savedMean[..features];
        Span<float> invStd = savedInvStd[..features];
        mean.Clear();
        for (int i = 0; i < batch; i++) VectorOps.Add(mean, x.Slice(i * features, features), mean);
        VectorOps.Multiply(mean, 1f / batch, mean);

        // Two-pass variance: accumulate (x − μ)² into invStd.
        invStd.Clear();
        for (int i = 0; i < batch; i++) AccumulateSquaredDeviation(x.Slice(i * features, features), mean, invStd);
        VectorOps.Multiply(invStd, 1f / batch, invStd); // biased variance σ²_B
        if (updateMovingStatistics)
        {
            CheckLength(movingMean, features, nameof(movingMean));
            CheckLength(movingVariance, features, nameof(movingVariance));
            MovingAverages(movingMean, movingVariance, mean, invStd, 1f - momentum, features);
        }
        InverseStandardDeviations(invStd, epsilon, features);

        // y = x·scale + shift with scale = γ·s, shift = β − μ·scale: one fused pass per row.
        Span<float> scale = Scratch.Get(Scratch.BatchNormSlot, 2 * features);
        Span<float> shift = scale.Slice(features, features);
        scale = scale[..features];
        if (gamma.IsEmpty) invStd.CopyTo(scale);
        else VectorOps.Multiply(gamma[..features], invStd, scale);
        VectorOps.Multiply(mean, scale, shift);
        if (beta.IsEmpty) VectorOps.Negate(shift, shift);
        else VectorOps.Subtract(beta[..features], shift, shift);
        for (int i = 0; i < batch; i++)
        {
            VectorOps.FusedMultiplyAdd(x.Slice(i * features, features), scale, shift, y.Slice(i * features, features));
        }
    }

    /// <summary>Batch normalization in inference mode: <c>y = γ·(x − m)/√(v + ε) + β</c> with the moving statistics.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormInference(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> movingMean, ReadOnlySpan<float> movingVariance, int batch, int features, float epsilon)
    {
        CheckLength(x, batch * features, nameof(x));
        CheckLength(y, batch * features, nameof(y));
        Span<float> scale = Scratch.Get(Scratch.BatchNormSlot, 2 * features);
        Span<float> shift = scale.Slice(features, features);
        scale = scale[..features];
        CheckLength(movingMean, features, nameof(movingMean));
        CheckLength(movingVariance, features, nameof(movingVariance));
        if (!gamma.IsEmpty) CheckLength(gamma, features, nameof(gamma));
        if (!beta.IsEmpty) CheckLength(beta, features, nameof(beta));
        InferenceCoefficients(scale, shift, gamma, beta, movingMean, movingVariance, epsilon, features);
        for (int i = 0; i < batch; i++)
        {
            VectorOps.FusedMultiplyAdd(x.Slice(i * features, features), scale, shift, y.Slice(i * features, features));
        }
    }

    /// <summary>
    /// Backward through <see cref="BatchNormTraining"/>: with <c>x̂ = (x − μ)·s</c>, <c>s = 1/√(σ² + ε)</c>:
    /// <c>dβ = Σ dy</c>, <c>dγ = Σ dy·x̂</c>, <c>dx = (γ·s/N)·(N·dy − dβ − x̂·dγ)</c>. The gradients of γ and β are
    /// written to <paramref name="gammaGradient"/> and <paramref name="betaGradient"/> when those are not empty.
    /// </summary>
    /// <param name="x">The forward input.</param>
    /// <param name="outputGradient">dL/dy.</param>
    /// <param name="inputGradient">Receives (or accumulates, see <paramref name="accumulate"/>) dL/dx; empty when not needed.</param>
    /// <param name="gamma">Scale, or empty.</param>
    /// <param name="savedMean">The batch mean saved by the forward pass.</param>
    /// <param name="savedInvStd">1/√(σ² + ε) saved by the forward pass.</param>
    /// <param name="gammaGradient">Receives dL/dγ, or empty.</param>
    /// <param name="betaGradient">Receives dL/dβ, or empty.</param>
    /// <param name="scratch">At least 2 × <paramref name="features"/> floats.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="features">Columns.</param>
    /// <param name="accumulate">Add into <paramref name="inputGradient"/> instead of overwriting it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, Span<float> inputGradient,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd,
        Span<float> gammaGradient, Span<float> betaGradient, Span<float> scratch, int batch, int features, bool accumulate = false)
    {
        Span<float> sumDy = scratch[..features];
        Span<float> sumDyXhat = scratch.Slice(features, features);
        // Per-feature vectors: xhat = x·s + (−μ·s); dx = g·A + xhat·B + C.
        Span<float> work = Scratch.Get(Scratch.BatchNormBackwardSlot, 4 * features);
        Span<float> negMeanS = work[..features];
        Span<float> a = work.Slice(features, features);
        Span<float> bCoef = work.Slice(2 * features, features);
        Span<float> cCoef = work.Slice(3 * features, features);
        ReadOnlySpan<float> mean = savedMean[..features], s = savedInvStd[..features];
        VectorOps.Multiply(mean, s, negMeanS);
        VectorOps.Negate(negMeanS, negMeanS);
        sumDy.Clear();
        sumDyXhat.Clear();
        for (int i = 0; i < batch; i++)
        {
            BackwardSums(x.Slice(i * features, features), outputGradient.Slice(i * features, features), s, negMeanS, sumDy, sumDyXhat);
        }
        // Written, not added: the network's gradient buffer is not cleared between steps (adding here summed every
        // step's γ and β gradients since the network was created).
        if (!gammaGradient.IsEmpty) sumDyXhat.CopyTo(gammaGradient);
        if (!betaGradient.IsEmpty) sumDy.CopyTo(betaGradient);
        if (inputGradient.IsEmpty) return;
        float invN = 1f / batch;
        if (gamma.IsEmpty) s.CopyTo(a);
        else VectorOps.Multiply(gamma[..features], s, a);
        VectorOps.Multiply(a, sumDyXhat, bCoef);
        VectorOps.Multiply(bCoef, -invN, bCoef);
        VectorOps.Multiply(a, sumDy, cCoef);
        VectorOps.Multiply(cCoef, -invN, cCoef);
        for (int i = 0; i < batch; i++)
        {
            BackwardInput(x.Slice(i * features, features), outputGradient.Slice(i * features, features), inputGradient.Slice(i * features, features),
                s, negMeanS, a, bCoef, cCoef, accumulate);
        }
    }

    /// <summary>
    /// <c>m ← m − rate·(m − μ)</c> and <c>v ← v − rate·(v − σ²)</c> per feature, in vectors: the same operations, in
    /// the same order, as one feature at a time (no fused multiply-add), so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MovingAverages(Span<float> movingMean, Span<float> movingVariance, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, float rate, int features)
    {
        int c = 0;
        fixed (float* pm = movingMean, pv = movingVariance, pmu = mean, pvar = variance)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                var r = Vector256.Create(rate);
                for (; c + 8 <= features; c += 8)
                {
                    Vector256<float> m = Vector256.Load(pm + c), v = Vector256.Load(pv + c);
                    Vector256.Store(m - r * (m - Vector256.Load(pmu + c)), pm + c);
                    Vector256.Store(v - r * (v - Vector256.Load(pvar + c)), pv + c);
                }
            }
            for (; c < features; c++)
            {
                pm[c] -= rate * (pm[c] - pmu[c]);
                pv[c] -= rate * (pv[c] - pvar[c]);
            }
        }
    }

    /// <summary>
    /// Inference mode's <c>scale = γ/√(v + ε)</c> and <c>shift = β − m·scale</c> per feature (γ = 1, β = 0 when
    /// absent), in vectors: the same correctly rounded operations, without fused multiply-adds, as one feature at a
    /// time (a one-sample prediction spent more time here than in normalizing).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void InferenceCoefficients(Span<float> scale, Span<float> shift, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> movingMean, ReadOnlySpan<float> movingVariance, float epsilon, int features)
    {
        bool hasGamma = !gamma.IsEmpty, hasBeta = !beta.IsEmpty;
        int c = 0;
        fixed (float* ps = scale, pt = shift, pg = gamma, pb = beta, pm = movingMean, pv = movingVariance)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                var e = Vector256.Create(epsilon);
                for (; c + 8 <= features; c += 8)
                {
                    Vector256<float> g = hasGamma ? Vector256.Load(pg + c) : Vector256<float>.One;
                    Vector256<float> b = hasBeta ? Vector256.Load(pb + c) : Vector256<float>.Zero;
                    Vector256<float> sc = g / Vector256.Sqrt(Vector256.Load(pv + c) + e);
                    Vector256.Store(sc, ps + c);
                    Vector256.Store(b - Vector256.Load(pm + c) * sc, pt + c);
                }
            }
            for (; c < features; c++)
            {
                ps[c] = (hasGamma ? pg[c] : 1f) / MathF.Sqrt(pv[c] + epsilon);
                pt[c] = (hasBeta ? pb[c] : 0f) - pm[c] * ps[c];
            }
        }
    }

    /// <summary><c>s ← 1/√(s + ε)</c> per feature, in vectors (square root and division are correctly rounded either way: the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void InverseStandardDeviations(Span<float> values, float epsilon, int features)
    {
        int c = 0;
        fixed (float* p = values)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                var e = Vector256.Create(epsilon);
                for (; c + 8 <= features; c += 8) Vector256.Store(Vector256<float>.One / Vector256.Sqrt(Vector256.Load(p + c) + e), p + c);
            }
            for (; c < features; c++) p[c] = 1f / MathF.Sqrt(p[c] + epsilon);
        }
    }

    // acc += (x − μ)², one fused pass.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AccumulateSquaredDeviation(ReadOnlySpan<float> x, ReadOnlySpan<float> mean, Span<float> acc)
    {
        int n = x.Length, c = 0;
        fixed (float* px = x, pm = mean, pa = acc)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                for (; c + 8 <= n; c += 8)
                {
                    Vector256<float> d = Vector256.Load(px + c) - Vector256.Load(pm + c);
                    Vector256.Store(Vector256.FusedMultiplyAdd(d, d, Vector256.Load(pa + c)), pa + c);
                }
            }
            for (; c < n; c++)
            {
                float d = px[c] - pm[c];
                pa[c] += d * d;
            }
        }
    }

    // x̂ = x·s + (−μ·s); Σdy += g; Σdy·x̂ += g·x̂ — one fused pass per row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void BackwardSums(ReadOnlySpan<float> x, ReadOnlySpan<float> g, ReadOnlySpan<float> s, ReadOnlySpan<float> negMeanS,
        Span<float> sumDy, Span<float> sumDyXhat)
    {
        int n = x.Length, c = 0;
        fixed (float* px = x, pg = g, ps = s, pn = negMeanS, p1 = sumDy, p2 = sumDyXhat)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                for (; c + 8 <= n; c += 8)
                {
                    Vector256<float> gv = Vector256.Load(pg + c);
                    Vector256<float> xhat = Vector256.FusedMultiplyAdd(Vector256.Load(px + c), Vector256.Load(ps + c), Vector256.Load(pn + c));
                    Vector256.Store(Vector256.Load(p1 + c) + gv, p1 + c);
                    Vector256.Store(Vector256.FusedMultiplyAdd(gv, xhat, Vector256.Load(p2 + c)), p2 + c);
                }
            }
            for (; c < n; c++)
            {
                float xhat = px[c] * ps[c] + pn[c];
                p1[c] += pg[c];
                p2[c] += pg[c] * xhat;
            }
        }
    }

    // dx (+)= g·A + x̂·B + C with x̂ = x·s + (−μ·s) — one fused pass per row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void BackwardInput(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx, ReadOnlySpan<float> s, ReadOnlySpan<float> negMeanS,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> cc, bool accumulate)
    {
        int n = x.Length, c = 0;
        fixed (float* px = x, pg = g, pd = dx, ps = s, pn = negMeanS, pa = a, pb = b, pc = cc)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                for (; c + 8 <= n; c += 8)
                {
                    Vector256<float> xhat = Vector256.FusedMultiplyAdd(Vector256.Load(px + c), Vector256.Load(ps + c), Vector256.Load(pn + c));
                    Vector256<float> v = Vector256.FusedMultiplyAdd(Vector256.Load(pg + c), Vector256.Load(pa + c), Vector256.Load(pc + c));
                    v = Vector256.FusedMultiplyAdd(xhat, Vector256.Load(pb + c), v);
                    if (accumulate) v += Vector256.Load(pd + c);
                    Vector256.Store(v, pd + c);
                }
            }
            for (; c < n; c++)
            {
                float xhat = px[c] * ps[c] + pn[c];
                float v = pg[c] * pa[c] + pc[c] + xhat * pb[c];
                pd[c] = accumulate ? pd[c] + v : v;
            }
        }
    }

    /// <summary>Backward through <see cref="BatchNormInference"/> with respect to the input: <c>dx = dy·γ/√(v + ε)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormInferenceBackward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> movingVariance, int batch, int features, float epsilon, bool accumulate = false)
    {
        Span<float> scale = Scratch.Get(Scratch.BatchNormSlot, features);
        for (int c = 0; c < features; c++) scale[c] = (gamma.IsEmpty ? 1f : gamma[c]) / MathF.Sqrt(movingVariance[c] + epsilon);
        for (int i = 0; i < batch; i++)
        {
            ReadOnlySpan<float> g = outputGradient.Slice(i * features, features);
            Span<float> dx = inputGradient.Slice(i * features, features);
            if (accumulate) VectorOps.FusedMultiplyAdd(g, scale, dx, dx);
            else VectorOps.Multiply(g, scale, dx);
        }
    }
}
