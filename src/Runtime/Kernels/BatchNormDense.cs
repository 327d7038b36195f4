using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl;

public static partial class Kernels
{
    /// <summary>
    /// The backward pass of a training-mode batch normalization whose input needs no gradient (it normalizes the
    /// network's input) together with the dense layer it feeds, without the gradient of the normalization's output
    /// <c>dY = dZ·Wᵀ</c> — a product as large as the weight gradient. With <c>x̂ = (x − μ)·s</c> the normalized input,
    /// <c>y = γ·x̂ + β</c> the dense layer's input, <c>dZ</c> its output gradient (after the activation's backward),
    /// <c>G = x̂ᵀ·dZ</c> and <c>σⱼ = Σₙ dZₙⱼ</c>, per feature (row) <c>c</c> of the kernel <c>W</c>:
    /// <c>dW_c = γ_c·G_c + β_c·σ</c> (that is <c>yᵀ·dZ</c>), <c>dγ_c = Σⱼ W_cj·G_cj</c> (that is <c>Σₙ dY_nc·x̂_nc</c>)
    /// and <c>dβ_c = Σⱼ W_cj·σⱼ</c> (that is <c>Σₙ dY_nc</c>). The results equal <see cref="MatMulTN"/>,
    /// <see cref="MatMulNT"/> and <see cref="BatchNormBackward"/> up to rounding; each is the same on any number of cores.
    /// </summary>
    /// <param name="x">The normalization's input, <c>batch × features</c>.</param>
    /// <param name="savedMean">The batch mean saved by <see cref="BatchNormTraining"/>.</param>
    /// <param name="savedInvStd">1/√(σ² + ε) saved by <see cref="BatchNormTraining"/>.</param>
    /// <param name="gamma">The normalization's scale (of the step: before any update), or empty (γ = 1).</param>
    /// <param name="beta">The normalization's offset (of the step), or empty (β = 0).</param>
    /// <param name="outputGradient">The dense layer's output gradient <c>dZ</c>, <c>batch × units</c>.</param>
    /// <param name="kernel">
    /// The dense layer's weights, <c>features × units</c>: read for <paramref name="gammaGradient"/> and
    /// <paramref name="betaGradient"/>; with <paramref name="step"/>, updated (each row after it was read). Empty when
    /// neither is wanted.
    /// </param>
    /// <param name="kernelGradient">Receives <c>dW</c>; empty when not wanted (a frozen dense layer, or <paramref name="step"/>).</param>
    /// <param name="gammaGradient">Receives <c>dγ</c>, or empty.</param>
    /// <param name="betaGradient">Receives <c>dβ</c>, or empty.</param>
    /// <param name="batch">Rows of <paramref name="x"/>.</param>
    /// <param name="features">The normalization's features: the dense layer's inputs.</param>
    /// <param name="units">The dense layer's units.</param>
    /// <param name="step">
    /// Apply the plain-SGD step <c>W ← W + dW·(−rate)</c> instead of storing <c>dW</c> (bit for bit what storing it and
    /// <see cref="Sgd"/>'s update give).
    /// </param>
    /// <param name="rate">The step's learning rate.</param>
    /// <param name="biasGradient">
    /// Receives <c>σ = Σₙ dZₙ</c>, which is the dense layer's bias gradient (the pass needs it anyway); empty when not wanted.
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void BatchNormDenseBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> outputGradient, Span<float> kernel, Span<float> kernelGradient,
        Span<float> gammaGradient, Span<float> betaGradient, int batch, int features, int units, bool step = false, float rate = 0f,
        Span<float> biasGradient = default)
    {
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "Sizes must not be negative.");
        if (features < 0) throw new ArgumentOutOfRangeException(nameof(features), features, "Sizes must not be negative.");
        if (units < 0) throw new ArgumentOutOfRangeException(nameof(units), units, "Sizes must not be negative.");
        int size = features * units;
        CheckLength(x, batch * features, nameof(x));
        CheckLength(savedMean, features, nameof(savedMean));
        CheckLength(savedInvStd, features, nameof(savedInvStd));
        if (!gamma.IsEmpty) CheckLength(gamma, features, nameof(gamma));
        if (!beta.IsEmpty) CheckLength(beta, features, nameof(beta));
        CheckLength(outputGradient, batch * units, nameof(outputGradient));
        if (step && !kernelGradient.IsEmpty) throw new ArgumentException("A step stores no kernel gradient: pass an empty one.", nameof(kernelGradient));
        bool readsKernel = step || !gammaGradient.IsEmpty || !betaGradient.IsEmpty;
        if (readsKernel) CheckLength(kernel, size, nameof(kernel));
        if (!kernelGradient.IsEmpty) CheckLength(kernelGradient, size, nameof(kernelGradient));
        if (!gammaGradient.IsEmpty) CheckLength(gammaGradient, features, nameof(gammaGradient));
        if (!betaGradient.IsEmpty) CheckLength(betaGradient, features, nameof(betaGradient));
        if (!biasGradient.IsEmpty) CheckLength(biasGradient, units, nameof(biasGradient));
        if (!readsKernel && kernelGradient.IsEmpty)
        {
            if (!biasGradient.IsEmpty) SumRows(outputGradient, biasGradient, batch, units);
            return;
        }

        // x̂ = x·s + (−μ·s), as BatchNormBackward computes it.
        Span<float> xhat = Scratch.Get(Scratch.NormalizedInputSlot, batch * features + features);
        Span<float> negMeanS = xhat.Slice(batch * features, features);
        VectorOps.Multiply(savedMean[..features], savedInvStd[..features], negMeanS);
        VectorOps.Negate(negMeanS, negMeanS);
        xhat = xhat[..(batch * features)];
        for (int i = 0; i < batch; i++)
        {
            VectorOps.FusedMultiplyAdd(x.Slice(i * features, features), savedInvStd[..features], negMeanS,
                xhat.Slice(i * features, features));
        }
        // σ = Σₙ dZₙ; G = x̂ᵀ·dZ — into the kernel gradient, which it becomes row by row, or into scratch.
        Span<float> sums = Scratch.Get(Scratch.NormalizedSumsSlot, units + (kernelGradient.IsEmpty ? size : 0));
        Span<float> sigma = biasGradient.IsEmpty ? sums[..units] : biasGradient[..units];
        Span<float> g = kernelGradient.IsEmpty ? sums.Slice(units, size) : kernelGradient[..size];
        SumRows(outputGradient, sigma, batch, units);

        fixed (float* px = xhat, pz = outputGradient, pg = g, ps = sigma, pw = kernel, pgam = gamma, pbet = beta, pdg = gammaGradient, pdb = betaGradient)
        {
            var args = new NormalizedRowsArgs
            {
                Product = new GemmArgs { A = px, Lda = features, TransposedA = true, B = pz, Ldb = units, C = pg, Ldc = units, M = features, K = batch, N = units },
                G = pg, Sigma = ps, W = readsKernel ? pw : null, Gamma = gamma.IsEmpty ? null : pgam, Beta = beta.IsEmpty ? null : pbet,
                GammaGradient = gammaGradient.IsEmpty ? null : pdg, BetaGradient = betaGradient.IsEmpty ? null : pdb,
                Units = units, Rows = features, Step = step, NegRate = -rate, StoresGradient = !kernelGradient.IsEmpty,
            };
            // Chunks of rows, each its rows of G (the product's sums do not depend on the rows around them) then those
            // rows' pass while they are in the core's cache; split across the cores once the kernel fills a core's cache
            // share.
            bool parallel = (long)size >= ParallelWeights && WorkerPool.IsParallel && batch > 0;
            args.ChunkRows = parallel ? ((features + 15) / 16 + MR - 1) / MR * MR : Math.Max(1, features);
            int chunks = (features + args.ChunkRows - 1) / args.ChunkRows;
            if (chunks > 1) WorkerPool.Run(&NormalizedRowsChunk, &args, chunks);
            else NormalizedRowsChunk(&args, 0);
        }
    }

    private unsafe struct NormalizedRowsArgs
    {
        public GemmArgs Product;
        public float* G, Sigma, W, Gamma, Beta, GammaGradient, BetaGradient;
        public int Units, Rows, ChunkRows;
        public bool Step, StoresGradient;
        public float NegRate;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void NormalizedRowsChunk(void* state, int chunk)
    {
        var a = (NormalizedRowsArgs*)state;
        int r0 = chunk * a->ChunkRows, r1 = Math.Min(r0 + a->ChunkRows, a->Rows);
        if (a->Product.K == 0 || Kernel == ProductKernel.Fallback) GemmScalar(&a->Product, r0, r1, 0, a->Units);
        else GemmRange(&a->Product, r0, r1, 0, a->Units);
        NormalizedRows(a, r0, r1);
    }

    /// <summary>
    /// Rows [r0, r1) of <see cref="BatchNormDenseBackward"/>, each in one pass: <c>dγ_c = W_c·G_c</c> and
    /// <c>dβ_c = W_c·σ</c> (eight lanes of fused multiply-adds, summed, then the last columns one by one) from the
    /// weights before the step, and <c>t = fma(G_c, γ_c, β_c·σ)</c> stored as the gradient or applied as
    /// <c>W_c + t·(−η)</c> (vector and scalar columns the same operations).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void NormalizedRows(NormalizedRowsArgs* a, int r0, int r1)
    {
        int u = a->Units;
        bool vector = Vector256.IsHardwareAccelerated && Fma.IsSupported;
        int full = vector ? u & ~7 : 0;
        float* sigma = a->Sigma;
        bool sums = a->GammaGradient != null || a->BetaGradient != null;
        bool step = a->Step, writes = step || a->StoresGradient;
        float negRate = a->NegRate;
        for (int c = r0; c < r1; c++)
        {
            float* g = a->G + (long)c * u;
            float* w = a->W == null ? null : a->W + (long)c * u;
            float gam = a->Gamma == null ? 1f : a->Gamma[c], bet = a->Beta == null ? 0f : a->Beta[c];
            // The destination of t: the weights (a step), the gradient in place of G, or nothing (a frozen dense layer).
            float* dst = step ? w : writes ? g : null;
            float dg = 0f, db = 0f;
            int j = 0;
            if (full > 0)
            {
                Vector256<float> accG = Vector256<float>.Zero, accB = Vector256<float>.Zero;
                Vector256<float> gv = Vector256.Create(gam), bv = Vector256.Create(bet), rate = Vector256.Create(negRate);
                // (The branches on sums, dst and step are the same for every column: predicted, not paid.)
                for (; j < full; j += 8)
                {
                    Vector256<float> gj = Avx.LoadVector256(g + j), sj = Avx.LoadVector256(sigma + j);
                    Vector256<float> wv = w == null ? default : Avx.LoadVector256(w + j);
                    if (sums)
                    {
                        accG = Fma.MultiplyAdd(wv, gj, accG);
                        accB = Fma.MultiplyAdd(wv, sj, accB);
                    }
                    if (dst != null)
                    {
                        Vector256<float> t = Fma.MultiplyAdd(gj, gv, bv * sj);
                        Avx.Store(dst + j, step ? wv + t * rate : t);
                    }
                }
                dg = Vector256.Sum(accG);
                db = Vector256.Sum(accB);
            }
            for (; j < u; j++)
            {
                float gj = g[j];
                if (sums)
                {
                    dg = MathF.FusedMultiplyAdd(w[j], gj, dg);
                    db = MathF.FusedMultiplyAdd(w[j], sigma[j], db);
                }
                if (dst != null)
                {
                    float t = MathF.FusedMultiplyAdd(gj, gam, bet * sigma[j]);
                    dst[j] = step ? w[j] + t * negRate : t;
                }
            }
            if (a->GammaGradient != null) a->GammaGradient[c] = dg;
            if (a->BetaGradient != null) a->BetaGradient[c] = db;
        }
    }
}
