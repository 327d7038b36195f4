using System;
using System.ComponentModel;

namespace NetDsl;

/// <summary>
/// A job whose chunks the kernels' worker pool runs on the machine's cores (see <see cref="Kernels.RunParallel"/>).
/// Generated networks implement it for their row-split training phases; it is public for that reason only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IParallelJob
{
    /// <summary>Runs chunk <paramref name="chunk"/> of the job; chunks may run on different threads at once.</summary>
    void Run(int chunk);
}

public static partial class Kernels
{
    /// <summary>
    /// The smallest batch whose training step a generated network splits by rows (see <see cref="RowChunks"/>), in
    /// chunks of at least 16 rows (full micro-tiles, and a product per layer that is worth a core's time).
    /// </summary>
    internal const int RowSplitBatch = 32;

    [ThreadStatic] private static int t_rowSplit;

    /// <summary>
    /// Overrides <see cref="RowChunks"/> on this thread: <see langword="false"/> never splits, <see langword="true"/>
    /// splits every batch of 16 rows or more, in chunks of 32 rows or more but at least two (also on one core: the
    /// chunks then run one after the other);
    /// <see langword="null"/> (the default) decides by batch and cores. Tests compare the split step with the
    /// layer-by-layer one.
    /// </summary>
    internal static bool? RowSplitOnThisThread
    {
        get => t_rowSplit == 0 ? null : t_rowSplit > 0;
        set => t_rowSplit = value is null ? 0 : value.Value ? 1 : -1;
    }

    /// <summary>
    /// How many row chunks a generated network whose layers all work row by row (dense layers with small weights,
    /// activations, flatten, add, concatenate) splits a training step over <paramref name="batch"/> rows into, or 0
    /// when it should run layer by layer. Split, each core runs the forward pass and then the input gradients of its
    /// own rows through every layer without waiting for the others (one synchronization per phase instead of one
    /// per layer and product, and its rows' activations stay in its own cache); the weight gradients then run one
    /// layer per chunk. Every output is computed by the same kernels in the same order, so the results are the same
    /// bits as layer by layer.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static int RowChunks(int batch) => t_rowSplit switch
    {
        // Two chunks per core (of 16 rows or more), claimed as they come: when the host gives a core less time, the
        // other takes over a chunk instead of waiting for it (measured on W4, interleaved: 2–7 % faster than one
        // chunk per core).
        0 => batch >= RowSplitBatch && WorkerPool.IsParallel ? Math.Min(2 * WorkerPool.Cores, batch / (RowSplitBatch / 2)) : 0,
        > 0 => batch >= 16 ? Math.Max(2, batch / 32) : 0,
        _ => 0,
    };

    /// <summary>The rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of chunk <paramref name="chunk"/> of <see cref="RowChunks"/>'s split (multiples of 8 but for the last).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void RowRange(int batch, int chunks, int chunk, out int start, out int count)
    {
        if ((uint)chunk >= (uint)chunks) throw new ArgumentOutOfRangeException(nameof(chunk));
        int Boundary(int c) => c == chunks ? batch : (int)((long)batch * c / chunks) & ~7;
        start = Boundary(chunk);
        count = Boundary(chunk + 1) - start;
    }

    /// <summary>Runs <c>job.Run(chunk)</c> for every chunk in [0, <paramref name="chunks"/>) on the cores, allocation-free; returns when all are done (a chunk's exception is rethrown).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void RunParallel(IParallelJob job, int chunks)
    {
        ArgumentNullException.ThrowIfNull(job);
        t_parallelJobs++;
        WorkerPool.Run(job, chunks);
    }

    [ThreadStatic] private static int t_parallelJobs;

    /// <summary>How many jobs this thread has run through <see cref="RunParallel"/> (tests check that a row-split step ran).</summary>
    internal static int ParallelJobsOnThisThread => t_parallelJobs;
}
