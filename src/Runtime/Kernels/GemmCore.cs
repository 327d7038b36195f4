using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl;

public static partial class Kernels
{
    internal enum Epilogue { None, Relu, Leaky, ExpLinear }

    /// <summary>The arguments of one product <c>C (+)= A·B (+ bias, activation)</c>, passed by pointer to the workers.</summary>
    internal unsafe struct GemmArgs
    {
        public float* A;
        public int Lda;
        /// <summary>When set, element (r, p) of A is <c>A[p·Lda + r]</c> (A is stored transposed), else <c>A[r·Lda + p]</c>.</summary>
        public bool TransposedA;
        public float* B;
        /// <summary>When set, element (p, c) of B is <c>B[c·Ldb + p]</c> (B is stored transposed: <c>C = A·Bᵀ</c>, B packed by transposing blocks), else <c>B[p·Ldb + c]</c>.</summary>
        public bool TransposedB;
        public int Ldb;
        public float* C;
        public int Ldc;
        public int M, K, N;
        public bool Accumulate;
        public float* Bias;
        public Epilogue Epilogue;
        /// <summary>The activation's parameter: the leaky slope, or ELU's α (with <see cref="Scale"/>: SELU's λ and α).</summary>
        public float Alpha;
        /// <summary>The factor of an exponential linear epilogue (1 for ELU, λ for SELU).</summary>
        public float Scale;
        public int ChunkColumns;
        public int ChunkRows;
        /// <summary>Column chunks per row part (<see cref="GemmColumnChunk"/>).</summary>
        public int ColumnChunks;
        /// <summary>The first of the two chunks that split the middle column panel by rows, or -1 (<see cref="GemmColumnChunk"/>).</summary>
        public int MidChunk;
        /// <summary>
        /// When set, C holds weights and receives the plain-SGD step <c>C ← C + (−Rate)·(A·B)</c> instead of the product
        /// (<see cref="MatMulTNStep"/>; one depth block, no bias, no activation).
        /// </summary>
        public bool Step;
        public float Rate;
        /// <summary>Partial rows of C, one per depth chunk (<see cref="SampleForward"/>), <see cref="PartialStride"/> apart.</summary>
        public float* Partial;
        public int PartialStride;
    }

    /// <summary>Products smaller than this many floating-point operations run on one core.</summary>
    private const long ParallelThreshold = 600_000;

    /// <summary>Products whose B has at least this many floats (512 KiB) run on all cores whatever the batch.</summary>
    private const long ParallelWeights = 128 * 1024;

    private const int MR = 6;
    private const int NR = 16;

    /// <summary>The three forms of the product kernels; every form gives each element in the same depth order.</summary>
    internal enum ProductKernel
    {
        /// <summary>Without AVX2 + FMA (Arm64, or x64 with <c>DOTNET_EnableAVX=0</c>): <see cref="GemmScalar"/>, a product then an addition per term.</summary>
        Fallback,
        /// <summary>The register-blocked <c>Vector256</c> FMA kernel.</summary>
        Vector256,
        /// <summary>
        /// The <c>Vector256</c> kernel with its full 16-column panels through the <c>Vector512</c> micro-kernel
        /// (<see cref="MicroWide"/>, the same bits): where .NET reports <c>Vector512</c> as hardware accelerated — AVX-512
        /// machines on which .NET does not prefer 256-bit vectors (it does on the Intel cores that lower their clock for
        /// 512-bit instructions, and wherever <c>DOTNET_PreferredVectorBitWidth=256</c> is set).
        /// </summary>
        Vector512,
    }

    /// <summary>The form this machine runs.</summary>
    private static readonly ProductKernel HardwareKernel =
        !(Vector256.IsHardwareAccelerated && Fma.IsSupported) ? ProductKernel.Fallback
        : Vector512.IsHardwareAccelerated ? ProductKernel.Vector512
        : ProductKernel.Vector256;

    /// <summary>
    /// For the tests that compare the forms bit for bit: a form to run instead of this machine's (<c>Vector512</c> where
    /// it is not accelerated is computed by .NET as two 256-bit halves, slowly, with the same roundings; the vector
    /// forms need AVX2 + FMA). Null, always outside tests, lets the hardware decide.
    /// </summary>
    internal static ProductKernel? ForcedKernel;

    /// <summary>The form the products run.</summary>
    private static ProductKernel Kernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ForcedKernel ?? HardwareKernel;
    }

    /// <summary>
    /// The one product kernel. Register-blocked with <c>Vector256</c> FMA: micro-tiles of up to 6 rows × 16 columns
    /// (12 accumulators) — on AVX-512 machines, full 16-column panels with one <c>Vector512</c> per row and up to 12
    /// rows (<see cref="MicroWide"/>), the same bits — column panels outermost so that a panel of B stays in cache while
    /// the row blocks of A stream past it, masked loads and stores for the last columns, bias and ReLU/leaky ReLU fused
    /// into the store. Large
    /// products are split across the cores by column panels (or by rows when C is narrow).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Gemm(GemmArgs* g)
    {
        if (g->M == 0 || g->N == 0) return;
        if (g->K == 0)
        {
            // An empty sum: C is 0 (or kept when accumulating), then bias and activation.
            GemmScalar(g, 0, g->M, 0, g->N);
            return;
        }
        if (Kernel == ProductKernel.Fallback)
        {
            // Without AVX2 + FMA: rows split across the cores for large products (each row computed alone, so the
            // same bits on any number of cores).
            if (g->M >= 2 && 2L * g->M * g->N * g->K >= ParallelThreshold && WorkerPool.IsParallel)
            {
                // About four chunks per core, whole groups of rows (ScalarRowSums reads B once per group).
                int rows = (g->M + 4 * WorkerPool.Cores - 1) / (4 * WorkerPool.Cores);
                g->ChunkRows = (rows + ScalarGroup - 1) / ScalarGroup * ScalarGroup;
                WorkerPool.Run(&ScalarRowChunk, g, (g->M + g->ChunkRows - 1) / g->ChunkRows);
            }
            else
            {
                GemmScalar(g, 0, g->M, 0, g->N);
            }
            return;
        }
        int colPanels = (g->N + NR - 1) / NR;
        if (g->K == 1 && g->Bias == null && g->Epilogue == Epilogue.None)
            // (With K = 1, a transposed B, n × 1, is laid out as a row: the same memory.)
        {
            // A rank-1 product (the weight gradient of one sample): bound by writing C, so split its rows across the
            // cores once C is larger than a core's L2 share — by the same chunks of weight rows as the forward product
            // of one sample (SampleForward), so that each core updates the weights it read in the forward pass, while
            // they are in its own cache.
            if ((long)g->M * g->N >= ParallelWeights && WorkerPool.IsParallel)
            {
                g->ChunkRows = SampleChunkRows(g->M);
                WorkerPool.Run(&OuterRowChunk, g, (g->M + g->ChunkRows - 1) / g->ChunkRows);
            }
            else
            {
                OuterRows(g, 0, g->M);
            }
            return;
        }
        // Split by depth whatever the number of cores (a single core runs the chunks in turn): the sum is then the same
        // on any machine, as every other product's is.
        if (g->M == 1 && !g->TransposedA && !g->TransposedB && (long)g->K * g->N >= ParallelWeights)
        {
            SampleForward(g);
            return;
        }
        long flops = 2L * g->M * g->N * g->K;
        // Split large products — and products whose weights fill a core's cache, even for one sample: then each core
        // streams only its half of the weights.
        bool large = flops >= ParallelThreshold || (long)g->K * g->N >= ParallelWeights;
        if (!large || !WorkerPool.IsParallel)
        {
            GemmRange(g, 0, g->M, 0, g->N);
        }
        else if (g->M >= 4 * MC && !g->TransposedA)
        {
            // Many rows (large-batch inference): chunks of MC rows, each over all columns, so a block of A stays in
            // cache while B (a layer's weights) is shared.
            // (Chunks of half that height below 16 of them: 9 chunks, say, would split 5:4 between two cores.)
            g->ChunkRows = g->M >= 16 * MC ? MC : MC / 2;
            WorkerPool.Run(&GemmRowChunk, g, (g->M + g->ChunkRows - 1) / g->ChunkRows);
        }
        else if (colPanels >= 4)
        {
            // Chunks of column panels (a B panel is read by one core only): single panels up to 47 of them, else 24 or
            // more chunks of several — small enough that the last chunk leaves little imbalance (10 chunks of two
            // panels of a 300-unit layer measured 4–10 % slower than its 19 single panels), large enough that claiming
            // them costs nothing beside the FMAs. A weight gradient
            // (TransposedA: C has the weights' layout) is split by the same columns as its forward product, so that
            // — the caller claiming chunks from the front, the workers from the back — each core writes the gradient
            // and updates the weights of the columns it read in the forward pass, while they are in its own cache.
            g->ChunkColumns = g->M == 1 ? 2 * NR * Math.Max(1, colPanels / 16) : Math.Max(1, colPanels / 24) * NR;
            int columnChunks = (g->N + g->ChunkColumns - 1) / g->ChunkColumns;
            // Few column chunks (a narrow layer: 100 units make 7) would leave one core a chunk more than the other:
            // then the rows are halved as well (chunks in row-major order: a core still tends to keep one half).
            g->ChunkRows = columnChunks < 8 && g->M >= 8 * MR ? (g->M + 1) / 2 : g->M;
            // An odd number of single-panel chunks (a 300-unit layer has 19) would leave one core a panel more than
            // the other: the middle panel is then split into two row halves, which the cores claim last, one each
            // (W1's first-layer forward product 91.5 → 88.8 µs, its fused SGD step 98.7 → 97.5 µs, the 32 × 300 × 100
            // product 16.3 → 14.4 µs, per the workers' timestamps). The middle, not the last: the last panel is the
            // narrow one, and each core still keeps its own columns from the forward pass to the update.
            g->MidChunk = -1;
            if (g->ChunkColumns == NR && g->ChunkRows == g->M && g->M >= 2 * MR && columnChunks % 2 == 1)
            {
                g->MidChunk = columnChunks / 2;
                columnChunks++;
            }
            g->ColumnChunks = columnChunks;
            WorkerPool.Run(&GemmColumnChunk, g, columnChunks * ((g->M + g->ChunkRows - 1) / g->ChunkRows));
        }
        else
        {
            g->ChunkRows = 4 * MR;
            WorkerPool.Run(&GemmRowChunk, g, (g->M + g->ChunkRows - 1) / g->ChunkRows);
        }
    }

    /// <summary>
    /// The weight rows per chunk of the one-sample products whose weights are split across the cores: about eight
    /// chunks of whole rows (a core's share of the weights is then contiguous in memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SampleChunkRows(int rows) => Math.Max(16, (rows + 7) / 8);

    /// <summary>
    /// <c>c = a·B (+ bias, activation)</c> for one row a whose B (a layer's weights) is too large for one core's cache:
    /// split by depth — each chunk of B's rows gives a partial row of C, the chunks claimed by the cores as for the
    /// rank-1 weight gradient (same rows, so each core keeps its share of the weights in its own cache from the forward
    /// pass to the update and to the next step) — then the partials are added in chunk order (the same sum whichever
    /// core ran which chunk), with the bias and the activation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SampleForward(GemmArgs* g)
    {
        g->ChunkRows = SampleChunkRows(g->K);
        int chunks = (g->K + g->ChunkRows - 1) / g->ChunkRows;
        int stride = (g->N + 15) & ~15;
        g->Partial = Scratch.Pinned(Scratch.PartialSlot, chunks * stride);
        g->PartialStride = stride;
        WorkerPool.Run(&SampleForwardChunk, g, chunks);
        int n = g->N, j = 0;
        float* c = g->C;
        for (; j < n; j += 8)
        {
            bool masked = n - j < 8;
            Vector256<float> mask = masked ? LaneMask(n - j) : default;
            Vector256<float> sum = Avx.LoadVector256(g->Partial + j);
            for (int q = 1; q < chunks; q++) sum += Avx.LoadVector256(g->Partial + (long)q * stride + j);
            FinishVector(g, c + j, sum, j, mask, n - j, masked, g->Accumulate);
        }
        if (g->Epilogue == Epilogue.ExpLinear) ExpLinearRows(g, c, 1, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SampleForwardChunk(void* state, int chunk)
    {
        var g = (GemmArgs*)state;
        int p0 = chunk * g->ChunkRows, p1 = Math.Min(p0 + g->ChunkRows, g->K);
        GemmArgs part = default;
        part.A = g->A + p0;
        part.Lda = g->Lda;
        part.B = g->B + (long)p0 * g->Ldb;
        part.Ldb = g->Ldb;
        part.C = g->Partial + (long)chunk * g->PartialStride;
        part.Ldc = g->PartialStride;
        part.M = 1;
        part.K = p1 - p0;
        part.N = g->N;
        // The partial rows are padded to a multiple of 16: SampleForward adds them in whole vectors (the padding,
        // never written, is masked off when the sum is stored).
        GemmRange(&part, 0, 1, 0, g->N);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void OuterRowChunk(void* state, int chunk)
    {
        var g = (GemmArgs*)state;
        int r0 = chunk * g->ChunkRows;
        OuterRows(g, r0, Math.Min(r0 + g->ChunkRows, g->M));
    }

    /// <summary>
    /// Rows [r0, r1) of <c>C (+)= a·bᵀ</c> for a column a (K = 1): each row is B's row scaled by one element of A. The
    /// last 1–7 columns of a row go one by one, with the same operations as the vector lanes: a masked store costs
    /// several cycles on AMD cores, and this product (one sample's weight gradient) is bound by writing C. When C is
    /// added to (accumulated, or the fused SGD step) a zero element of A leaves its row as it is — for finite B the
    /// same values (up to the sign of a zero) — so that row is not touched; stored, it is written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void OuterRows(GemmArgs* g, int r0, int r1)
    {
        int n = g->N, full = n & ~7;
        float* b = g->B;
        float negRate = -g->Rate;
        for (int i = r0; i < r1; i++)
        {
            float a = g->TransposedA ? g->A[i] : g->A[(long)i * g->Lda];
            // A zero input adds nothing to its row (0·b is a zero): an accumulated gradient or an updated weight row
            // keeps its values, so the row is not touched (as in GemvRows, for finite b).
            if (a == 0f && (g->Accumulate || g->Step)) continue;
            var x = Vector256.Create(a);
            float* c = g->C + (long)i * g->Ldc;
            if (g->Accumulate)
            {
                for (int j = 0; j < full; j += 8) Avx.Store(c + j, Fma.MultiplyAdd(x, Avx.LoadVector256(b + j), Avx.LoadVector256(c + j)));
                for (int j = full; j < n; j++) c[j] = MathF.FusedMultiplyAdd(a, b[j], c[j]);
            }
            else if (g->Step)
            {
                // One sample's SGD step on a row of weights: w + (x·b)·(−η), as the optimizer computes it.
                var rate = Vector256.Create(negRate);
                for (int j = 0; j < full; j += 8) Avx.Store(c + j, Avx.LoadVector256(c + j) + x * Avx.LoadVector256(b + j) * rate);
                for (int j = full; j < n; j++) c[j] += a * b[j] * negRate;
            }
            else
            {
                for (int j = 0; j < full; j += 8) Avx.Store(c + j, x * Avx.LoadVector256(b + j));
                for (int j = full; j < n; j++) c[j] = a * b[j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void GemmColumnChunk(void* state, int chunk)
    {
        var g = (GemmArgs*)state;
        int r0 = chunk / g->ColumnChunks * g->ChunkRows, q = chunk % g->ColumnChunks, m = g->MidChunk;
        int r1 = Math.Min(r0 + g->ChunkRows, g->M);
        if (m >= 0 && (q == m || q == m + 1))
        {
            // The two row halves of the middle panel (only when a chunk is one panel of all the rows), cut at a
            // multiple of the tile height.
            int h = ((g->M + 1) / 2 + MR / 2) / MR * MR;
            if (q == m) r1 = h;
            else r0 = h;
            GemmRange(g, r0, r1, m * NR, m * NR + NR);
            return;
        }
        if (m >= 0 && q > m) q--;
        int c0 = q * g->ChunkColumns;
        GemmRange(g, r0, r1, c0, Math.Min(c0 + g->ChunkColumns, g->N));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void GemmRowChunk(void* state, int chunk)
    {
        var g = (GemmArgs*)state;
        int r0 = chunk * g->ChunkRows;
        GemmRange(g, r0, Math.Min(r0 + g->ChunkRows, g->M), 0, g->N);
    }

    /// <summary>Rows of A processed together against each column panel (a multiple of <see cref="MR"/>).</summary>
    private const int MC = 96;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void GemmRange(GemmArgs* g, int r0, int r1, int c0, int c1)
    {
        if (g->M == 1 && !g->TransposedA && !g->TransposedB && !g->Step)
        {
            // One sample: a vector-matrix product.
            GemvRows(g, c0, c1);
            return;
        }
        int k = g->K;
        int kc = k <= KC + KC / 2 ? k : KC;
        // Pack B when the row tiles read each block of it several times: a packed block is contiguous and 64-byte
        // aligned (one cache line per depth step instead of two) and small enough to stay in L1.
        // A transposed B is always packed: the packing is its transposition.
        bool pack = g->TransposedB || (!g->TransposedA && k >= 32 && r1 - r0 > MR);
        float* packed = pack ? PackBuffer() : null;
        for (int i0 = r0; i0 < r1; i0 += MC)
        {
            int i1 = Math.Min(i0 + MC, r1);
            // Depth blocks outermost: a block of A's rows stays in L1 while the column panels pass; each panel's block
            // of B is packed (contiguous, aligned) and read by every row tile — a full panel by its first tile, which
            // reads B where it lies and packs it on the way (TilePacking), the others by a separate pass; partial sums
            // go through C and the epilogue runs with the last block.
            for (int p0 = 0; p0 < k; p0 += kc)
            {
                int p1 = k - p0 < kc + kc / 2 ? k : p0 + kc;
                for (int j = c0; j < c1; j += NR)
                {
                    int width = Math.Min(NR, c1 - j);
                    float* b = g->TransposedB ? g->B + (long)j * g->Ldb + p0 : g->B + (long)p0 * g->Ldb + j;
                    int ldb = g->Ldb;
                    int i = i0;
                    if (pack)
                    {
                        if (!g->TransposedB && !g->TransposedA && !g->Step && width == NR && TileHeight(i1 - i0) == MR)
                        {
                            TilePacking(g, i, j, p0, p1, b, ldb, packed);
                            i += MR;
                        }
                        else if (g->TransposedB) PackPanelTransposed(b, ldb, packed, p1 - p0, width);
                        else PackPanel(b, ldb, packed, p1 - p0, width);
                        b = packed;
                        ldb = NR;
                    }
                    for (; i < i1;)
                    {
                        // The full-height tiles that follow one another go to the micro-kernel in one call: a weight
                        // gradient over a batch of 32 has only 32 depth steps per tile, and a call per tile (through
                        // Tile, TileCols and TileRows) cost about a tenth of its time (W1's fused SGD step on one core:
                        // 193 → 183 µs; W1's to W4's whole steps 4 % faster). Counted here, inline: as a helper
                        // method (first compiled unoptimized, then inlined) the fused step measured 12 %, then 1 %, slower.
                        // (Every run of tiles of one height goes so: a batch of 32 is a call of two six-row tiles and one
                        // of four five-row ones.)
                        int rows = TileHeight(i1 - i), tiles = TileRun(i1 - i);
                        if (g->TransposedA) Tile<ColumnMajor>(g, i, j, rows, width, p0, p1, b, ldb, tiles);
                        else Tile<RowMajor>(g, i, j, rows, width, p0, p1, b, ldb, tiles);
                        i += rows * tiles;
                    }
                    // The exponential epilogue over the panel just completed (still in L1), here rather than in the
                    // micro-tile: see ExpLinearRows.
                    if (p1 == k && g->Epilogue == Epilogue.ExpLinear) ExpLinearRows(g, g->C + (long)i0 * g->Ldc + j, i1 - i0, width);
                }
                if (p1 == k) break;
            }
        }
    }

    /// <summary>
    /// The height of the next row tile for <paramref name="remaining"/> rows. With 256-bit vectors, the rows are cut into
    /// as few tiles as six-row tiles need, as even as possible, the taller first: 32 rows (a batch) go as
    /// 6 + 6 + 5 + 5 + 5 + 5 rather than 6 + 6 + 6 + 6 + 4 + 4 — a five-row tile keeps ten FMA chains in flight and
    /// reads 5 broadcasts and 2 vectors per 10 FMAs, where a four-row tile has only the eight chains that two FMA units
    /// with a latency of four need (the forward products of 32 rows measured 2–4 % faster). With 512-bit vectors, six-row
    /// tiles are paired into twelve-row ones (<see cref="TileRowsWide"/>), so they are kept wherever possible: 6 where
    /// possible, but never a tile of 1–3 rows after a full one (too few chains), 7 and 8 rows as 4 + 3 and 4 + 4, 9 as
    /// 5 + 4. The tiling changes no result: each element is summed alone, in depth order, whatever its tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int TileHeight(int remaining)
    {
        if (remaining <= MR) return remaining;
        if (Kernel == ProductKernel.Vector512)
        {
            return remaining switch
            {
                7 or 8 => 4,
                9 => 5,
                _ => MR,
            };
        }
        int tiles = (remaining + MR - 1) / MR;
        return (remaining + tiles - 1) / tiles;
    }

    /// <summary>
    /// How many tiles of the height <see cref="TileHeight"/> gives first for <paramref name="remaining"/> rows follow one
    /// another (at least 1), without calling it once per tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int TileRun(int remaining)
    {
        int height = TileHeight(remaining);
        if (Kernel == ProductKernel.Vector512)
        {
            int run = 1;
            for (remaining -= height; remaining > 0 && TileHeight(remaining) == height; remaining -= height) run++;
            return run;
        }
        // The even cut: n tiles of h or h − 1 rows, so remaining − (h − 1)·n of them of h rows, the first.
        int tiles = (remaining + MR - 1) / MR;
        return remaining - (height - 1) * tiles;
    }

    /// <summary>Copies <paramref name="depth"/> rows of a column panel (<paramref name="width"/> ≤ 16 columns) into <paramref name="dst"/>, 16 floats per row, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackPanel(float* src, int ld, float* dst, int depth, int width)
    {
        if (width == NR)
        {
            for (int p = 0; p < depth; p++, src += ld, dst += NR)
            {
                Avx.StoreAligned(dst, Avx.LoadVector256(src));
                Avx.StoreAligned(dst + 8, Avx.LoadVector256(src + 8));
            }
            return;
        }
        Vector256<float> m0 = LaneMask(width), m1 = LaneMask(width - 8);
        for (int p = 0; p < depth; p++, src += ld, dst += NR)
        {
            Avx.StoreAligned(dst, Avx.MaskLoad(src, m0));
            Avx.StoreAligned(dst + 8, Avx.MaskLoad(src + 8, m1));
        }
    }

    /// <summary>
    /// Packs a column panel of a transposed B: rows [0, <paramref name="width"/>) of <paramref name="src"/> (stride
    /// <paramref name="ld"/>), <paramref name="depth"/> floats each, become <paramref name="depth"/> rows of 16 floats,
    /// zero-padded; 8 × 8 blocks through AVX registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackPanelTransposed(float* src, int ld, float* dst, int depth, int width)
    {
        int p = 0;
        for (; p + 8 <= depth; p += 8)
        {
            for (int r0 = 0; r0 < NR; r0 += 8)
            {
                if (r0 + 8 <= width)
                {
                    Transpose8x8(src + (long)r0 * ld + p, ld, dst + p * NR + r0, NR, accumulate: false);
                    continue;
                }
                for (int q = p; q < p + 8; q++)
                {
                    for (int r = r0; r < r0 + 8; r++) dst[q * NR + r] = r < width ? src[(long)r * ld + q] : 0f;
                }
            }
        }
        for (; p < depth; p++)
        {
            for (int r = 0; r < NR; r++) dst[p * NR + r] = r < width ? src[(long)r * ld + p] : 0f;
        }
    }

    /// <summary>Floats of <see cref="PackBuffer"/>: a packed block of B (up to 1,536 depth steps of 16).</summary>
    private const int PackBufferLength = (KC + KC / 2) * NR;

    /// <summary>The calling thread's packing buffer (64-byte aligned), at least <paramref name="length"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe float* PackBuffer(int length = PackBufferLength) => Scratch.Pinned(Scratch.PackSlot, Math.Max(length, PackBufferLength));

    /// <summary>
    /// Depth of a block of B. Measured at W1's shapes on the development VM (Zen 3), smaller blocks (64–392, a packed
    /// block that fits L1) were no faster than one block over the whole depth: the partial sums' round trips through C
    /// cost what L1 residency saves. So only very deep products are blocked (a packed block of up to 1,536 × 16 floats, 96 KiB): a layer of up
    /// to 1,536 inputs sums its products in one chain, in input order, as before packing.
    /// </summary>
    private const int KC = 1024;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile<TL>(GemmArgs* g, int i, int j, int rows, int width, int p0, int p1, float* b, int ldb, int tiles) where TL : struct, ILayout
    {
        // The epilogue, chosen once per tile: the short ones compile to a few instructions per vector, which matters
        // when the depth is short (a weight gradient over a batch of 32 has 32 steps per tile).
        bool load = p0 > 0 || g->Accumulate, last = p1 == g->K;
        if (g->Step) TileCols<TL, EStep>(g, i, j, rows, width, p0, p1, b, ldb, tiles);
        else if (!load && (!last || (g->Bias == null && g->Epilogue is Epilogue.None or Epilogue.ExpLinear))) TileCols<TL, EPlain>(g, i, j, rows, width, p0, p1, b, ldb, tiles);
        else TileCols<TL, EGeneral>(g, i, j, rows, width, p0, p1, b, ldb, tiles);
    }

    /// <summary>
    /// The first six-row tile of a full 16-column panel of a row-major B, reading B where it lies and packing it on the
    /// way into <paramref name="packTo"/> for the panel's other tiles: the panel is read from memory once, while the
    /// FMAs run, instead of in a separate pass before them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TilePacking(GemmArgs* g, int i, int j, int p0, int p1, float* b, int ldb, float* packTo)
    {
        bool load = p0 > 0 || g->Accumulate, last = p1 == g->K;
        bool plain = !load && (!last || (g->Bias == null && g->Epilogue is Epilogue.None or Epilogue.ExpLinear));
        if (Kernel == ProductKernel.Vector512)
        {
            if (plain) MicroWide<RowMajor, R6, EPlain, Packing>(g, i, j, p0, p1, b, ldb, packTo);
            else MicroWide<RowMajor, R6, EGeneral, Packing>(g, i, j, p0, p1, b, ldb, packTo);
        }
        else if (plain) Micro<RowMajor, V2, R6, EPlain, Packing>(g, i, j, NR, p0, p1, b, ldb, packTo);
        else Micro<RowMajor, V2, R6, EGeneral, Packing>(g, i, j, NR, p0, p1, b, ldb, packTo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void TileCols<TL, TE>(GemmArgs* g, int i, int j, int rows, int width, int p0, int p1, float* b, int ldb, int tiles)
        where TL : struct, ILayout where TE : struct, IEpilogueKind
    {
        if (width == NR)
        {
            if (Kernel == ProductKernel.Vector512) TileRowsWide<TL, TE>(g, i, j, rows, p0, p1, b, ldb, tiles);
            else TileRows<TL, V2, TE>(g, i, j, rows, width, p0, p1, b, ldb, tiles);
        }
        else if (width > 8) TileRows<TL, V2M, TE>(g, i, j, rows, width, p0, p1, b, ldb, tiles);
        else if (width == 8) TileRows<TL, V1, TE>(g, i, j, rows, width, p0, p1, b, ldb, tiles);
        else TileRows<TL, V1M, TE>(g, i, j, rows, width, p0, p1, b, ldb, tiles);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TileRows<TL, TC, TE>(GemmArgs* g, int i, int j, int rows, int width, int p0, int p1, float* b, int ldb, int tiles)
        where TL : struct, ILayout where TC : struct, ICols where TE : struct, IEpilogueKind
    {
        switch (rows)
        {
            case 6: Micro<TL, TC, R6, TE, NoPacking>(g, i, j, width, p0, p1, b, ldb, null, tiles); break;
            case 5: Micro<TL, TC, R5, TE, NoPacking>(g, i, j, width, p0, p1, b, ldb, null, tiles); break;
            case 4: Micro<TL, TC, R4, TE, NoPacking>(g, i, j, width, p0, p1, b, ldb, null, tiles); break;
            case 3: Micro<TL, TC, R3, TE, NoPacking>(g, i, j, width, p0, p1, b, ldb, null, tiles); break;
            case 2: Micro<TL, TC, R2, TE, NoPacking>(g, i, j, width, p0, p1, b, ldb, null, tiles); break;
            default: Micro<TL, TC, R1, TE, NoPacking>(g, i, j, width, p0, p1, b, ldb, null, tiles); break;
        }
    }

    private static readonly int[] MaskTable = { -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0 };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LaneMask(int count) =>
        Vector256.LoadUnsafe(ref MaskTable[8 - Math.Clamp(count, 0, 8)]).AsSingle();

    /// <summary>
    /// One micro-tile: <c>TR.Value</c> rows × (8 or 16) columns, the last vector masked when <c>TC.Masked</c> — or
    /// <paramref name="tiles"/> such tiles one below the other, against the same block of B, each computed and stored
    /// as if alone (a packing call, which writes the panel to <paramref name="packTo"/> as it goes, is one tile). The
    /// type parameters are constants to the JIT, so each combination compiles to straight-line code with its
    /// accumulators in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Micro<TL, TC, TR, TE, TP>(GemmArgs* g, int i, int j, int width, int p0, int p1, float* b, int ldb, float* packTo, int tiles = 1)
        where TL : struct, ILayout where TC : struct, ICols where TR : struct, IRows where TE : struct, IEpilogueKind where TP : struct, IPacking
    {
        int rows = TR.Value;
        bool two = TC.Vectors == 2;
        bool masked = TC.Masked;
        int lanes = width - (two ? 8 : 0);
        Vector256<float> mask = masked ? LaneMask(lanes) : default;
        int lda = g->Lda;
        float* panel = b;
        for (int t = 0; t < tiles; t++, i += rows)
        {
            b = panel;
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            if (TL.Transposed)
            {
                if (TE.Kind == EpilogueKind.Step)
                {
                    // The step reads and writes these weights after the depth loop: start bringing the lines of this tile
                    // in now, so that the loop hides their latency.
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
                    Vector256<float> b0 = masked && !two ? Avx.MaskLoad(b, mask) : Avx.LoadVector256(b);
                    Vector256<float> b1 = two ? (masked ? Avx.MaskLoad(b + 8, mask) : Avx.LoadVector256(b + 8)) : default;
                    Vector256<float> x = Vector256.Create(ap[0]);
                    c00 = Fma.MultiplyAdd(x, b0, c00); if (two) c01 = Fma.MultiplyAdd(x, b1, c01);
                    if (rows > 1) { x = Vector256.Create(ap[1]); c10 = Fma.MultiplyAdd(x, b0, c10); if (two) c11 = Fma.MultiplyAdd(x, b1, c11); }
                    if (rows > 2) { x = Vector256.Create(ap[2]); c20 = Fma.MultiplyAdd(x, b0, c20); if (two) c21 = Fma.MultiplyAdd(x, b1, c21); }
                    if (rows > 3) { x = Vector256.Create(ap[3]); c30 = Fma.MultiplyAdd(x, b0, c30); if (two) c31 = Fma.MultiplyAdd(x, b1, c31); }
                    if (rows > 4) { x = Vector256.Create(ap[4]); c40 = Fma.MultiplyAdd(x, b0, c40); if (two) c41 = Fma.MultiplyAdd(x, b1, c41); }
                    if (rows > 5) { x = Vector256.Create(ap[5]); c50 = Fma.MultiplyAdd(x, b0, c50); if (two) c51 = Fma.MultiplyAdd(x, b1, c51); }
                }
            }
            else
            {
                float* a0 = g->A + (long)i * lda;
                float* a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
                long prefetch = TP.Packs ? 32L * ldb : 0;
                for (int p = p0; p < p1; p++, b += ldb)
                {
                    Vector256<float> b0 = masked && !two ? Avx.MaskLoad(b, mask) : Avx.LoadVector256(b);
                    Vector256<float> b1 = two ? (masked ? Avx.MaskLoad(b + 8, mask) : Avx.LoadVector256(b + 8)) : default;
                    if (TP.Packs)
                    {
                        // The first tile of a panel packs it on the way (full 16-column panels only).
                        // B where it lies is read with a stride (a row of the weights per depth step), which the hardware
                        // prefetchers follow only partly: ask for the rows 32 steps ahead.
                        Sse.Prefetch0(b + prefetch);
                        Sse.Prefetch0(b + prefetch + 15);
                        Avx.StoreAligned(packTo, b0);
                        Avx.StoreAligned(packTo + 8, b1);
                        packTo += NR;
                    }
                    Vector256<float> x = Vector256.Create(a0[p]);
                    c00 = Fma.MultiplyAdd(x, b0, c00); if (two) c01 = Fma.MultiplyAdd(x, b1, c01);
                    if (rows > 1) { x = Vector256.Create(a1[p]); c10 = Fma.MultiplyAdd(x, b0, c10); if (two) c11 = Fma.MultiplyAdd(x, b1, c11); }
                    if (rows > 2) { x = Vector256.Create(a2[p]); c20 = Fma.MultiplyAdd(x, b0, c20); if (two) c21 = Fma.MultiplyAdd(x, b1, c21); }
                    if (rows > 3) { x = Vector256.Create(a3[p]); c30 = Fma.MultiplyAdd(x, b0, c30); if (two) c31 = Fma.MultiplyAdd(x, b1, c31); }
                    if (rows > 4) { x = Vector256.Create(a4[p]); c40 = Fma.MultiplyAdd(x, b0, c40); if (two) c41 = Fma.MultiplyAdd(x, b1, c41); }
                    if (rows > 5) { x = Vector256.Create(a5[p]); c50 = Fma.MultiplyAdd(x, b0, c50); if (two) c51 = Fma.MultiplyAdd(x, b1, c51); }
                }
            }
            float* c = g->C + (long)i * g->Ldc + j;
            int ldc = g->Ldc;
            if (TE.Kind == EpilogueKind.Step)
            {
                // C holds the weights: w + v·(−η), as the optimizer's own pass computes it (VectorOps.MultiplyAdd,
                // TensorPrimitives.MultiplyAdd's arithmetic: not an FMA), so that the step is the same bit for bit.
                var negRate = Vector256.Create(-g->Rate);
                StepRow<TC>(c, c00, c01, mask, lanes, negRate);
                if (rows > 1) StepRow<TC>(c + ldc, c10, c11, mask, lanes, negRate);
                if (rows > 2) StepRow<TC>(c + 2 * ldc, c20, c21, mask, lanes, negRate);
                if (rows > 3) StepRow<TC>(c + 3 * ldc, c30, c31, mask, lanes, negRate);
                if (rows > 4) StepRow<TC>(c + 4 * ldc, c40, c41, mask, lanes, negRate);
                if (rows > 5) StepRow<TC>(c + 5 * ldc, c50, c51, mask, lanes, negRate);
            }
            else if (TE.Kind == EpilogueKind.Plain)
            {
                StoreRow<TC>(c, c00, c01, lanes);
                if (rows > 1) StoreRow<TC>(c + ldc, c10, c11, lanes);
                if (rows > 2) StoreRow<TC>(c + 2 * ldc, c20, c21, lanes);
                if (rows > 3) StoreRow<TC>(c + 3 * ldc, c30, c31, lanes);
                if (rows > 4) StoreRow<TC>(c + 4 * ldc, c40, c41, lanes);
                if (rows > 5) StoreRow<TC>(c + 5 * ldc, c50, c51, lanes);
            }
            else
            {
                bool load = p0 > 0 || g->Accumulate, last = p1 == g->K;
                Finish<TC>(g, c, c00, c01, j, mask, lanes, load, last);
                if (rows > 1) Finish<TC>(g, c + ldc, c10, c11, j, mask, lanes, load, last);
                if (rows > 2) Finish<TC>(g, c + 2 * ldc, c20, c21, j, mask, lanes, load, last);
                if (rows > 3) Finish<TC>(g, c + 3 * ldc, c30, c31, j, mask, lanes, load, last);
                if (rows > 4) Finish<TC>(g, c + 4 * ldc, c40, c41, j, mask, lanes, load, last);
                if (rows > 5) Finish<TC>(g, c + 5 * ldc, c50, c51, j, mask, lanes, load, last);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow<TC>(float* c, Vector256<float> v0, Vector256<float> v1, int lanes) where TC : struct, ICols
    {
        if (TC.Vectors == 2)
        {
            Avx.Store(c, v0);
            if (TC.Masked) StoreLanes(c + 8, v1, lanes);
            else Avx.Store(c + 8, v1);
        }
        else if (TC.Masked) StoreLanes(c, v0, lanes);
        else Avx.Store(c, v0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StepRow<TC>(float* w, Vector256<float> v0, Vector256<float> v1, Vector256<float> mask, int lanes, Vector256<float> negRate) where TC : struct, ICols
    {
        if (TC.Vectors == 2)
        {
            Avx.Store(w, Avx.LoadVector256(w) + v0 * negRate);
            if (TC.Masked) StoreLanes(w + 8, Avx.MaskLoad(w + 8, mask) + v1 * negRate, lanes);
            else Avx.Store(w + 8, Avx.LoadVector256(w + 8) + v1 * negRate);
        }
        else if (TC.Masked) StoreLanes(w, Avx.MaskLoad(w, mask) + v0 * negRate, lanes);
        else Avx.Store(w, Avx.LoadVector256(w) + v0 * negRate);
    }

    /// <summary>
    /// Stores the first <paramref name="lanes"/> (1–7) lanes of <paramref name="v"/>: four, two and one at a time with
    /// plain stores. A masked store (<c>vmaskmovps</c>) costs about 15 cycles on AMD cores, which made a panel's last
    /// columns cost a third more than a full panel where each row of C is stored once per few depth steps (a weight
    /// gradient over a batch: W1's fused SGD step spent 3–4 µs of its 100 on the 784 rows of its last 12 columns).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreLanes(float* c, Vector256<float> v, int lanes)
    {
        Vector128<float> part = v.GetLower();
        if (lanes >= 4)
        {
            part.Store(c);
            c += 4;
            lanes -= 4;
            part = v.GetUpper();
        }
        if (lanes >= 2)
        {
            *(double*)c = part.AsDouble().ToScalar();
            c += 2;
            lanes -= 2;
            part = Sse.MoveHighToLow(part, part);
        }
        if (lanes != 0) *c = part.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Finish<TC>(GemmArgs* g, float* c, Vector256<float> v0, Vector256<float> v1, int j, Vector256<float> mask, int lanes, bool load, bool last)
        where TC : struct, ICols
    {
        bool two = TC.Vectors == 2;
        bool masked = TC.Masked;
        if (two)
        {
            FinishVector(g, c, v0, j, default, 8, false, load, last);
            FinishVector(g, c + 8, v1, j + 8, mask, lanes, masked, load, last);
        }
        else
        {
            FinishVector(g, c, v0, j, mask, lanes, masked, load, last);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void FinishVector(GemmArgs* g, float* c, Vector256<float> v, int j, Vector256<float> mask, int lanes, bool masked, bool load = false, bool last = true)
    {
        if (load) v += masked ? Avx.MaskLoad(c, mask) : Avx.LoadVector256(c);
        if (!last)
        {
            if (masked) StoreLanes(c, v, lanes);
            else Avx.Store(c, v);
            return;
        }
        if (g->Bias != null) v += masked ? Avx.MaskLoad(g->Bias + j, mask) : Avx.LoadVector256(g->Bias + j);
        switch (g->Epilogue)
        {
            case Epilogue.Relu:
                v = Vector256.Max(v, Vector256<float>.Zero);
                break;
            case Epilogue.Leaky:
                v = Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * g->Alpha);
                break;

        }
        if (masked) StoreLanes(c, v, lanes);
        else Avx.Store(c, v);
    }

    /// <summary>
    /// The exponential linear epilogue (ELU, SELU) on <paramref name="rows"/> × <paramref name="width"/> values of C just
    /// stored (with their bias): called once a tile is complete, not from <see cref="FinishVector"/> — a call (or the
    /// long inlined exponential) among the stores of a micro-tile makes the JIT spill the tile's accumulators in its
    /// depth loop, which halved the speed of every product.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ExpLinearRows(GemmArgs* g, float* c, int rows, int width)
    {
        for (int r = 0; r < rows; r++, c += g->Ldc) ExpLinearRow(c, c, width, g->Scale, g->Alpha);
    }

    /// <summary>
    /// Columns [c0, c1) of <c>c = a·B (+ bias, activation)</c> for a single row a: B streamed row by row, four rows at a
    /// time, into a row of partial sums that stays in L1 — each row of B is read once, front to back, which the
    /// hardware prefetchers follow (a one-sample product is bound by reading the weights, not by the FMAs). Each
    /// column's sum runs over the depth in order.
    /// <para>
    /// The rows of B whose element of a is zero are skipped: their terms <c>0·b</c> are zeros, and adding a zero leaves
    /// a sum as it is, so for finite weights the result is the same value (up to the sign of a zero result) while those
    /// rows are never read — and a sample's inputs are often zero (an image's background: half of a Fashion-MNIST
    /// image's pixels; a ReLU layer's inactive units). Only a non-finite weight (∞ or NaN) in a skipped row would have
    /// made a difference: 0·∞ is NaN. A NaN input is not zero: its row is read.
    /// </para>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void GemvRows(GemmArgs* g, int c0, int c1)
    {
        int width = c1 - c0, k = g->K;
        long ldb = g->Ldb;
        // The row of partial sums goes in the thread's packing buffer (unused on this path), whole vectors, and after it
        // the indices of the rows of B to read.
        int sumLength = (width + 15) & ~7;
        float* s = PackBuffer(sumLength + k);
        int* rows = (int*)(s + sumLength);
        float* a = g->A;
        float* b = g->B + c0;
        int count = 0, p0 = 0;
        // The indices of the non-zero lanes, packed to the front without a branch: the table gives, for each mask of
        // eight lanes, the kept lanes' numbers as bytes, which widen to the eight ints stored (those past the count
        // are overwritten by the next group, or never read).
        for (; p0 + 8 <= k; p0 += 8)
        {
            uint kept = ~Vector256.Equals(Avx.LoadVector256(a + p0), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF;
            Vector128<byte> lanes = Vector128.CreateScalar(KeptLanes[kept]).AsByte();
            Avx.Store(rows + count, Avx2.ConvertToVector256Int32(lanes) + Vector256.Create(p0));
            count += BitOperations.PopCount(kept);
        }
        for (int p = p0; p < k; p++)
        {
            rows[count] = p;
            count += a[p] != 0f ? 1 : 0;
        }
        int full = width & ~7;
        Vector256<float> tail = LaneMask(width - full);
        bool masked = full < width;
        // Every row (a dense input: SELU's, say) is read by its index, without the list.
        if (count == k) GemvSums<EveryRow>(a, b, ldb, rows, count, s, full, masked, tail);
        else GemvSums<ListedRows>(a, b, ldb, rows, count, s, full, masked, tail);
        float* c = g->C + c0;
        for (int j = 0; j < full; j += 8) FinishVector(g, c + j, Avx.LoadVector256(s + j), c0 + j, default, 8, false, g->Accumulate);
        if (masked) FinishVector(g, c + full, Avx.LoadVector256(s + full), c0 + full, tail, width - full, true, g->Accumulate);
        if (g->Epilogue == Epilogue.ExpLinear) ExpLinearRows(g, c, 1, width);
    }

    /// <summary>
    /// For each mask of eight lanes, the numbers of its set lanes in order, one byte each from the lowest (the rest
    /// zero): the packing of <see cref="GemvRows"/>' row list.
    /// </summary>
    private static readonly ulong[] KeptLanes = CreateKeptLanes();

    private static ulong[] CreateKeptLanes()
    {
        var table = new ulong[256];
        for (int mask = 0; mask < 256; mask++)
        {
            int shift = 0;
            for (int lane = 0; lane < 8; lane++)
            {
                if ((mask >> lane & 1) == 0) continue;
                table[mask] |= (ulong)lane << shift;
                shift += 8;
            }
        }
        return table;
    }

    private interface IRowList { static abstract bool Every { get; } }
    private struct EveryRow : IRowList { public static bool Every => true; }
    private struct ListedRows : IRowList { public static bool Every => false; }

    /// <summary>The q-th row of B to read: q itself when every row is read, else the list's q-th entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int Row<TR>(int* rows, int q) where TR : struct, IRowList => TR.Every ? q : rows[q];

    /// <summary>
    /// The sums of <see cref="GemvRows"/> over <paramref name="count"/> rows of B (four at a time) into the row
    /// <paramref name="s"/>: each column's sum in row order, the first term a product.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void GemvSums<TR>(float* a, float* b, long ldb, int* rows, int count, float* s, int full, bool masked, Vector256<float> tail)
        where TR : struct, IRowList
    {
        int q = 0;
        if (count >= 4)
        {
            Vector256<float> x0 = Vector256.Create(a[Row<TR>(rows, 0)]), x1 = Vector256.Create(a[Row<TR>(rows, 1)]), x2 = Vector256.Create(a[Row<TR>(rows, 2)]), x3 = Vector256.Create(a[Row<TR>(rows, 3)]);
            float* b0 = b + Row<TR>(rows, 0) * ldb, b1 = b + Row<TR>(rows, 1) * ldb, b2 = b + Row<TR>(rows, 2) * ldb, b3 = b + Row<TR>(rows, 3) * ldb;
            for (int j = 0; j < full; j += 8)
                Avx.Store(s + j, Fma.MultiplyAdd(x3, Avx.LoadVector256(b3 + j), Fma.MultiplyAdd(x2, Avx.LoadVector256(b2 + j), Fma.MultiplyAdd(x1, Avx.LoadVector256(b1 + j), x0 * Avx.LoadVector256(b0 + j)))));
            if (masked)
                Avx.Store(s + full, Fma.MultiplyAdd(x3, Avx.MaskLoad(b3 + full, tail), Fma.MultiplyAdd(x2, Avx.MaskLoad(b2 + full, tail), Fma.MultiplyAdd(x1, Avx.MaskLoad(b1 + full, tail), x0 * Avx.MaskLoad(b0 + full, tail)))));
            q = 4;
        }
        else if (count > 0)
        {
            Vector256<float> x0 = Vector256.Create(a[Row<TR>(rows, 0)]);
            float* b0 = b + Row<TR>(rows, 0) * ldb;
            for (int j = 0; j < full; j += 8) Avx.Store(s + j, x0 * Avx.LoadVector256(b0 + j));
            if (masked) Avx.Store(s + full, x0 * Avx.MaskLoad(b0 + full, tail));
            q = 1;
        }
        else
        {
            // Nothing to add (a is zero, or the depth is): the sums are zero.
            for (int j = 0; j < full; j += 8) Avx.Store(s + j, Vector256<float>.Zero);
            if (masked) Avx.Store(s + full, Vector256<float>.Zero);
        }
        for (; q + 4 <= count; q += 4)
        {
            Vector256<float> x0 = Vector256.Create(a[Row<TR>(rows, q)]), x1 = Vector256.Create(a[Row<TR>(rows, q + 1)]), x2 = Vector256.Create(a[Row<TR>(rows, q + 2)]), x3 = Vector256.Create(a[Row<TR>(rows, q + 3)]);
            float* b0 = b + Row<TR>(rows, q) * ldb, b1 = b + Row<TR>(rows, q + 1) * ldb, b2 = b + Row<TR>(rows, q + 2) * ldb, b3 = b + Row<TR>(rows, q + 3) * ldb;
            for (int j = 0; j < full; j += 8)
                Avx.Store(s + j, Fma.MultiplyAdd(x3, Avx.LoadVector256(b3 + j), Fma.MultiplyAdd(x2, Avx.LoadVector256(b2 + j), Fma.MultiplyAdd(x1, Avx.LoadVector256(b1 + j), Fma.MultiplyAdd(x0, Avx.LoadVector256(b0 + j), Avx.LoadVector256(s + j))))));
            if (masked)
                Avx.Store(s + full, Fma.MultiplyAdd(x3, Avx.MaskLoad(b3 + full, tail), Fma.MultiplyAdd(x2, Avx.MaskLoad(b2 + full, tail), Fma.MultiplyAdd(x1, Avx.MaskLoad(b1 + full, tail), Fma.MultiplyAdd(x0, Avx.MaskLoad(b0 + full, tail), Avx.LoadVector256(s + full))))));
        }
        for (; q < count; q++)
        {
            Vector256<float> x0 = Vector256.Create(a[Row<TR>(rows, q)]);
            float* b0 = b + Row<TR>(rows, q) * ldb;
            for (int j = 0; j < full; j += 8) Avx.Store(s + j, Fma.MultiplyAdd(x0, Avx.LoadVector256(b0 + j), Avx.LoadVector256(s + j)));
            if (masked) Avx.Store(s + full, Fma.MultiplyAdd(x0, Avx.MaskLoad(b0 + full, tail), Avx.LoadVector256(s + full)));
        }
    }

    /// <summary>
    /// The products without AVX2 + FMA (Arm64, or x64 with <c>DOTNET_EnableAVX=0</c>): each element of C summed over the
    /// depth in order, a product then an addition per term (no fused multiply-add), then C added when accumulating, the
    /// bias, the activation and the store or SGD step. With a row-major B the sums of a row of C advance together, one
    /// <see cref="Vector{T}"/> of columns at a time (NEON on Arm64), reading B's rows in order — the same operations on
    /// each element, so the same bits as one element at a time, several times faster; a transposed B (a dot product
    /// per element, contiguous in the depth) keeps the scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void GemmScalar(GemmArgs* g, int r0, int r1, int c0, int c1)
    {
        int width = c1 - c0;
        bool rows = !g->TransposedB && Vector.IsHardwareAccelerated && width >= Vector<float>.Count;
        float* sums = rows ? PackBuffer(ScalarGroup * width) : null;
        for (int i0 = r0; i0 < r1; i0 += ScalarGroup)
        {
            int group = Math.Min(ScalarGroup, r1 - i0);
            if (rows) ScalarRowSums(g, i0, group, c0, width, sums);
            for (int i = i0; i < i0 + group; i++)
            {
                for (int j = c0; j < c1; j++)
                {
                    float s = rows ? sums[(long)(i - i0) * width + j - c0] : ScalarDot(g, i, j);
                    float* dst = g->C + (long)i * g->Ldc + j;
                    if (g->Accumulate) s += *dst;
                    if (g->Bias != null) s += g->Bias[j];
                    float value = g->Epilogue switch
                    {
                        Epilogue.Relu => s > 0f ? s : 0f,
                        Epilogue.Leaky => s > 0f ? s : g->Alpha * s,
                        Epilogue.ExpLinear => s > 0f ? g->Scale * s : g->Scale * g->Alpha * (MathF.Exp(s) - 1f),
                        _ => s,
                    };
                    if (g->Step) *dst += value * -g->Rate;
                    else *dst = value;
                }
            }
        }
    }

    /// <summary>Element (i, j) of <c>A·B</c> one term at a time, in depth order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe float ScalarDot(GemmArgs* g, int i, int j)
    {
        float s = 0f;
        for (int p = 0; p < g->K; p++) s += ScalarA(g, i, p) * (g->TransposedB ? g->B[(long)j * g->Ldb + p] : g->B[(long)p * g->Ldb + j]);
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ScalarRowChunk(void* state, int chunk)
    {
        var g = (GemmArgs*)state;
        int r0 = chunk * g->ChunkRows;
        GemmScalar(g, r0, Math.Min(r0 + g->ChunkRows, g->M), 0, g->N);
    }

    /// <summary>Rows of A processed together by <see cref="ScalarRowSums"/>: each row of B read once for all of them.</summary>
    private const int ScalarGroup = 4;

    /// <summary>
    /// Rows [i, i + <paramref name="group"/>) of <c>A·B</c> over columns [c0, c0 + width) into <paramref name="sums"/>
    /// (a row of <paramref name="width"/> each): <c>s ← s + a·b</c> term by term in depth order, vectors of columns then
    /// the last ones alone, each vector of B's row serving every row of the group.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ScalarRowSums(GemmArgs* g, int i, int group, int c0, int width, float* sums)
    {
        int lanes = Vector<float>.Count, full = width - width % lanes;
        new Span<float>(sums, group * width).Clear();
        float* s0 = sums, s1 = s0 + width, s2 = s1 + width, s3 = s2 + width;
        for (int p = 0; p < g->K; p++)
        {
            float* b = g->B + (long)p * g->Ldb + c0;
            if (group == 4)
            {
                float a0 = ScalarA(g, i, p), a1 = ScalarA(g, i + 1, p), a2 = ScalarA(g, i + 2, p), a3 = ScalarA(g, i + 3, p);
                Vector<float> v0 = new(a0), v1 = new(a1), v2 = new(a2), v3 = new(a3);
                int j = 0;
                for (; j < full; j += lanes)
                {
                    Vector<float> vb = Vector.Load(b + j);
                    Vector.Store(Vector.Load(s0 + j) + v0 * vb, s0 + j);
                    Vector.Store(Vector.Load(s1 + j) + v1 * vb, s1 + j);
                    Vector.Store(Vector.Load(s2 + j) + v2 * vb, s2 + j);
                    Vector.Store(Vector.Load(s3 + j) + v3 * vb, s3 + j);
                }
                for (; j < width; j++)
                {
                    s0[j] += a0 * b[j];
                    s1[j] += a1 * b[j];
                    s2[j] += a2 * b[j];
                    s3[j] += a3 * b[j];
                }
                continue;
            }
            for (int r = 0; r < group; r++)
            {
                float a = ScalarA(g, i + r, p);
                var va = new Vector<float>(a);
                float* sr = sums + (long)r * width;
                int j = 0;
                for (; j < full; j += lanes) Vector.Store(Vector.Load(sr + j) + va * Vector.Load(b + j), sr + j);
                for (; j < width; j++) sr[j] += a * b[j];
            }
        }
    }

    /// <summary>Element (i, p) of A, stored as it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe float ScalarA(GemmArgs* g, int i, int p) => g->TransposedA ? g->A[(long)p * g->Lda + i] : g->A[(long)i * g->Lda + p];

    private interface ILayout { static abstract bool Transposed { get; } }
    private struct RowMajor : ILayout { public static bool Transposed => false; }
    private struct ColumnMajor : ILayout { public static bool Transposed => true; }

    private interface ICols { static abstract int Vectors { get; } static abstract bool Masked { get; } }
    private struct V1 : ICols { public static int Vectors => 1; public static bool Masked => false; }
    private struct V1M : ICols { public static int Vectors => 1; public static bool Masked => true; }
    private struct V2 : ICols { public static int Vectors => 2; public static bool Masked => false; }
    private struct V2M : ICols { public static int Vectors => 2; public static bool Masked => true; }

    private interface IRows { static abstract int Value { get; } }

    /// <summary>Whether a micro-tile also copies the rows of B it reads into the packed panel (<see cref="TilePacking"/>).</summary>
    private interface IPacking { static abstract bool Packs { get; } }
    private struct NoPacking : IPacking { public static bool Packs => false; }
    private struct Packing : IPacking { public static bool Packs => true; }

    private enum EpilogueKind { General, Plain, Step }
    /// <summary>The epilogue of a micro-tile: general (load, bias, activation, fused update), a plain store, or the SGD step alone.</summary>
    private interface IEpilogueKind { static abstract EpilogueKind Kind { get; } }
    private struct EGeneral : IEpilogueKind { public static EpilogueKind Kind => EpilogueKind.General; }
    private struct EPlain : IEpilogueKind { public static EpilogueKind Kind => EpilogueKind.Plain; }
    private struct EStep : IEpilogueKind { public static EpilogueKind Kind => EpilogueKind.Step; }
    private struct R1 : IRows { public static int Value => 1; }
    private struct R2 : IRows { public static int Value => 2; }
    private struct R3 : IRows { public static int Value => 3; }
    private struct R4 : IRows { public static int Value => 4; }
    private struct R5 : IRows { public static int Value => 5; }
    private struct R6 : IRows { public static int Value => 6; }
}
