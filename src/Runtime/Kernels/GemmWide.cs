using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace NetDsl;

public static partial class Kernels
{
    /// <summary>Calls of the <c>Vector512</c> micro-kernel while a test forces it (<see cref="ForcedKernel"/>): the tests' proof that it ran.</summary>
    internal static int ForcedWideCalls;

    /// <summary>Whether the products' full panels take the <c>Vector512</c> micro-kernel here (<see cref="ProductKernel.Vector512"/>).</summary>
    public static bool UsesVector512 => HardwareKernel == ProductKernel.Vector512;

    /// <summary>
    /// The row tiles of a full 16-column panel with one <c>Vector512</c> per row. Pairs of six-row tiles run as
    /// twelve-row tiles: twelve independent FMA chains, as the 256-bit kernel's six rows of two vectors have — cores
    /// with two 512-bit FMA units need eight or more to hide the FMA's latency (a row-major A's twelve row pointers
    /// leave one of them on the stack: one more load per depth step, next to thirteen).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TileRowsWide<TL, TE>(GemmArgs* g, int i, int j, int rows, int p0, int p1, float* b, int ldb, int tiles)
        where TL : struct, ILayout where TE : struct, IEpilogueKind
    {
        switch (rows)
        {
            case 6:
                if (tiles >= 2)
                {
                    int pairs = tiles / 2;
                    MicroWide<TL, R12, TE, NoPacking>(g, i, j, p0, p1, b, ldb, null, pairs);
                    if (tiles % 2 == 0) break;
                    i += 12 * pairs;
                    tiles = 1;
                }
                MicroWide<TL, R6, TE, NoPacking>(g, i, j, p0, p1, b, ldb, null, tiles);
                break;
            case 5: MicroWide<TL, R5, TE, NoPacking>(g, i, j, p0, p1, b, ldb, null, tiles); break;
            case 4: MicroWide<TL, R4, TE, NoPacking>(g, i, j, p0, p1, b, ldb, null, tiles); break;
            case 3: MicroWide<TL, R3, TE, NoPacking>(g, i, j, p0, p1, b, ldb, null, tiles); break;
            case 2: MicroWide<TL, R2, TE, NoPacking>(g, i, j, p0, p1, b, ldb, null, tiles); break;
            default: MicroWide<TL, R1, TE, NoPacking>(g, i, j, p0, p1, b, ldb, null, tiles); break;
        }
    }

    /// <summary>
    /// <see cref="Micro{TL, TC, TR, TE, TP}"/> for a full 16-column panel, one <c>Vector512</c> per row of the tile:
    /// the same depth order and the same epilogue arithmetic lane by lane, so the same bits as the 256-bit kernel —
    /// half the instructions per FMA, and (with <see cref="R12"/>) twelve accumulators of AVX-512's 32 registers.
    /// </summary>
    /// <remarks>
    /// Vectors are read and written by dereferencing pointers (unaligned <c>vmovups</c>, as <c>Vector512.Load</c> and
    /// <c>Store</c>): ahead-of-time compilers expand a dereference inline, where crossgen2 left <c>Vector512.Load</c> a
    /// call, which put every accumulator on the stack in the listing it produced for AVX-512.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MicroWide<TL, TR, TE, TP>(GemmArgs* g, int i, int j, int p0, int p1, float* b, int ldb, float* packTo, int tiles = 1)
        where TL : struct, ILayout where TR : struct, IRows where TE : struct, IEpilogueKind where TP : struct, IPacking
    {
        if (ForcedKernel == ProductKernel.Vector512) Interlocked.Increment(ref ForcedWideCalls);
        int rows = TR.Value;
        int lda = g->Lda;
        float* panel = b;
        for (int t = 0; t < tiles; t++, i += rows)
        {
            b = panel;
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
            Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
            if (TL.Transposed)
            {
                if (TE.Kind == EpilogueKind.Step && Sse.IsSupported)
                {
                    // As in Micro: bring the weights this tile updates after its depth loop.
                    long stride = g->Ldc;
                    float* w = g->C + i * stride + j;
                    for (int r = 0; r < rows; r++, w += stride)
                    {
                        Sse.Prefetch0(w);
                        Sse.Prefetch0(w + 15);
                    }
                }
                float* ap = g->A + (long)p0 * lda + i;
                for (int p = p0; p < p1; p++, ap += lda, b += ldb)
                {
                    Vector512<float> b0 = *(Vector512<float>*)b;
                    c0 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[0]), b0, c0);
                    if (rows > 1) c1 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[1]), b0, c1);
                    if (rows > 2) c2 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[2]), b0, c2);
                    if (rows > 3) c3 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[3]), b0, c3);
                    if (rows > 4) c4 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[4]), b0, c4);
                    if (rows > 5) c5 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[5]), b0, c5);
                    if (rows > 6) c6 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[6]), b0, c6);
                    if (rows > 7) c7 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[7]), b0, c7);
                    if (rows > 8) c8 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[8]), b0, c8);
                    if (rows > 9) c9 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[9]), b0, c9);
                    if (rows > 10) c10 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[10]), b0, c10);
                    if (rows > 11) c11 = Vector512.FusedMultiplyAdd(Vector512.Create(ap[11]), b0, c11);
                }
            }
            else
            {
                float* a0 = g->A + (long)i * lda;
                float* a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
                float* a6 = a5 + lda, a7 = a6 + lda, a8 = a7 + lda, a9 = a8 + lda, a10 = a9 + lda, a11 = a10 + lda;
                long prefetch = TP.Packs ? 32L * ldb : 0;
                for (int p = p0; p < p1; p++, b += ldb)
                {
                    Vector512<float> b0 = *(Vector512<float>*)b;
                    if (TP.Packs)
                    {
                        // As in Micro: the first tile of a panel packs it on the way, prefetching B's rows ahead.
                        if (Sse.IsSupported)
                        {
                            Sse.Prefetch0(b + prefetch);
                            Sse.Prefetch0(b + prefetch + 15);
                        }
                        *(Vector512<float>*)packTo = b0;
                        packTo += NR;
                    }
                    c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[p]), b0, c0);
                    if (rows > 1) c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[p]), b0, c1);
                    if (rows > 2) c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[p]), b0, c2);
                    if (rows > 3) c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[p]), b0, c3);
                    if (rows > 4) c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[p]), b0, c4);
                    if (rows > 5) c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a5[p]), b0, c5);
                    if (rows > 6) c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[p]), b0, c6);
                    if (rows > 7) c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a7[p]), b0, c7);
                    if (rows > 8) c8 = Vector512.FusedMultiplyAdd(Vector512.Create(a8[p]), b0, c8);
                    if (rows > 9) c9 = Vector512.FusedMultiplyAdd(Vector512.Create(a9[p]), b0, c9);
                    if (rows > 10) c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a10[p]), b0, c10);
                    if (rows > 11) c11 = Vector512.FusedMultiplyAdd(Vector512.Create(a11[p]), b0, c11);
                }
            }
            float* c = g->C + (long)i * g->Ldc + j;
            int ldc = g->Ldc;
            if (TE.Kind == EpilogueKind.Step)
            {
                // w + v·(−η), not an FMA: the optimizer's own pass (see Micro).
                var negRate = Vector512.Create(-g->Rate);
                StepWide(c, c0, negRate);
                if (rows > 1) StepWide(c + ldc, c1, negRate);
                if (rows > 2) StepWide(c + 2 * ldc, c2, negRate);
                if (rows > 3) StepWide(c + 3 * ldc, c3, negRate);
                if (rows > 4) StepWide(c + 4 * ldc, c4, negRate);
                if (rows > 5) StepWide(c + 5 * ldc, c5, negRate);
                if (rows > 6) StepWide(c + 6 * ldc, c6, negRate);
                if (rows > 7) StepWide(c + 7 * ldc, c7, negRate);
                if (rows > 8) StepWide(c + 8 * ldc, c8, negRate);
                if (rows > 9) StepWide(c + 9 * ldc, c9, negRate);
                if (rows > 10) StepWide(c + 10 * ldc, c10, negRate);
                if (rows > 11) StepWide(c + 11 * ldc, c11, negRate);
            }
            else if (TE.Kind == EpilogueKind.Plain)
            {
                *(Vector512<float>*)c = c0;
                if (rows > 1) *(Vector512<float>*)(c + ldc) = c1;
                if (rows > 2) *(Vector512<float>*)(c + 2 * ldc) = c2;
                if (rows > 3) *(Vector512<float>*)(c + 3 * ldc) = c3;
                if (rows > 4) *(Vector512<float>*)(c + 4 * ldc) = c4;
                if (rows > 5) *(Vector512<float>*)(c + 5 * ldc) = c5;
                if (rows > 6) *(Vector512<float>*)(c + 6 * ldc) = c6;
                if (rows > 7) *(Vector512<float>*)(c + 7 * ldc) = c7;
                if (rows > 8) *(Vector512<float>*)(c + 8 * ldc) = c8;
                if (rows > 9) *(Vector512<float>*)(c + 9 * ldc) = c9;
                if (rows > 10) *(Vector512<float>*)(c + 10 * ldc) = c10;
                if (rows > 11) *(Vector512<float>*)(c + 11 * ldc) = c11;
            }
            else
            {
                bool load = p0 > 0 || g->Accumulate, last = p1 == g->K;
                FinishWide(g, c, c0, j, load, last);
                if (rows > 1) FinishWide(g, c + ldc, c1, j, load, last);
                if (rows > 2) FinishWide(g, c + 2 * ldc, c2, j, load, last);
                if (rows > 3) FinishWide(g, c + 3 * ldc, c3, j, load, last);
                if (rows > 4) FinishWide(g, c + 4 * ldc, c4, j, load, last);
                if (rows > 5) FinishWide(g, c + 5 * ldc, c5, j, load, last);
                if (rows > 6) FinishWide(g, c + 6 * ldc, c6, j, load, last);
                if (rows > 7) FinishWide(g, c + 7 * ldc, c7, j, load, last);
                if (rows > 8) FinishWide(g, c + 8 * ldc, c8, j, load, last);
                if (rows > 9) FinishWide(g, c + 9 * ldc, c9, j, load, last);
                if (rows > 10) FinishWide(g, c + 10 * ldc, c10, j, load, last);
                if (rows > 11) FinishWide(g, c + 11 * ldc, c11, j, load, last);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StepWide(float* w, Vector512<float> v, Vector512<float> negRate) =>
        *(Vector512<float>*)w = *(Vector512<float>*)w + v * negRate;

    /// <summary><see cref="FinishVector"/> for a full row of 16: the partial sum kept in C, then bias and activation with the last depth block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void FinishWide(GemmArgs* g, float* c, Vector512<float> v, int j, bool load, bool last)
    {
        if (load) v += *(Vector512<float>*)c;
        if (last)
        {
            if (g->Bias != null) v += *(Vector512<float>*)(g->Bias + j);
            switch (g->Epilogue)
            {
                case Epilogue.Relu:
                    v = Vector512.Max(v, Vector512<float>.Zero);
                    break;
                case Epilogue.Leaky:
                    v = Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * g->Alpha);
                    break;
            }
        }
        *(Vector512<float>*)c = v;
    }

    private struct R12 : IRows { public static int Value => 12; }
}
