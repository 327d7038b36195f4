using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace NetDsl;

/// <summary>
/// The cores NetDsl's kernels share work with: one dedicated background thread per extra core (at most three), fed
/// through a function pointer and a pointer to the caller's arguments, so that a parallel kernel call allocates
/// nothing (no closure, no task). Work is split into chunks that every participant claims in turn, the calling thread
/// included, so a worker that the operating system has descheduled (another process on the core) never holds the
/// caller up: the caller simply does the chunks itself. Idle workers spin briefly — a training step calls several
/// products back to back — then sleep. One caller at a time: a call that finds the pool busy (another thread training
/// another network) runs on its own thread. <c>$NETDSL_THREADS</c> caps the cores used (1 = single-threaded).
/// </summary>
internal static unsafe class WorkerPool
{
    private const int Closed = -1;
    private static readonly int s_workers = Math.Clamp(ConfiguredThreads(), 1, 4) - 1;
    private static readonly object s_gate = new();
    private static readonly Worker[] s_threads = CreateWorkers();

    private static delegate* managed<void*, int, void> s_job;
    private static void* s_state;
    private static int s_chunks;
    /// <summary>The unclaimed chunks [front, back), packed as <c>front &lt;&lt; 32 | back</c>.</summary>
    private static long s_range;
    private static int s_completed;
    private static int s_generation;
    /// <summary><see cref="Closed"/>, or the number of workers inside the open job.</summary>
    private static int s_status = Closed;
    private static Exception? s_failure;

    /// <summary>Whether there is more than one core to share work with (on this thread: see <see cref="SerialOnThisThread"/>; not inside a chunk of a job).</summary>
    public static bool IsParallel => s_workers > 0 && !t_serial;

    /// <summary>The cores work is shared among (1 when single-threaded).</summary>
    public static int Cores => s_workers + 1;

    [ThreadStatic] private static bool t_serial;
    [ThreadStatic] private static int t_parallelRuns;

    /// <summary>How many jobs this thread has shared with the workers (tests check that a parallel path really ran).</summary>
    internal static int ParallelRunsOnThisThread => t_parallelRuns;

    /// <summary>
    /// Runs this thread's kernels as <c>NETDSL_THREADS=1</c> would (tests use it to check that results do not depend
    /// on the number of cores).
    /// </summary>
    internal static bool SerialOnThisThread
    {
        get => t_serial;
        set => t_serial = value;
    }

    /// <summary>The cores to use: <c>$NETDSL_THREADS</c> when set, else the machine's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ConfiguredThreads() =>
        int.TryParse(Environment.GetEnvironmentVariable("NETDSL_THREADS"), out int n) && n > 0 ? n : Environment.ProcessorCount;

    /// <summary>Runs <c>job(state, chunk)</c> for every chunk in [0, <paramref name="chunks"/>) on the calling thread and the workers; returns when all are done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(delegate* managed<void*, int, void> job, void* state, int chunks) => Run(job, state, null, chunks);

    /// <summary>Runs <c>job.Run(chunk)</c> for every chunk in [0, <paramref name="chunks"/>), as the other overload (a generated network's row-split phases).</summary>
    public static void Run(IParallelJob job, int chunks) => Run(&RunTarget, null, job, chunks);

    /// <summary>The job object of the open job, when it is one (<see cref="RunTarget"/> calls it).</summary>
    private static IParallelJob? s_target;

    private static void RunTarget(void* state, int chunk) => s_target!.Run(chunk);

    /// <summary>
    /// Shares the job with the workers, or runs its chunks in order on this thread when there is no one to share with
    /// (one core, a chunk of another job, or the pool busy with another thread's job).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(delegate* managed<void*, int, void> job, void* state, IParallelJob? target, int chunks)
    {
        if (chunks <= 1 || !IsParallel || !Monitor.TryEnter(s_gate))
        {
            for (int c = 0; c < chunks; c++)
            {
                if (target is null) job(state, c);
                else target.Run(c);
            }
            return;
        }
        try
        {
            s_target = target;
            Share(job, state, chunks);
        }
        finally
        {
            s_target = null;
            Monitor.Exit(s_gate);
        }
    }

    /// <summary>Opens a job for the workers and takes part in it; the caller holds <see cref="s_gate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Share(delegate* managed<void*, int, void> job, void* state, int chunks)
    {
        t_parallelRuns++;
        s_job = job;
        s_state = state;
        s_chunks = chunks;
        Volatile.Write(ref s_range, chunks);
        s_completed = 0;
        s_failure = null;
        Volatile.Write(ref s_status, 0);
        Interlocked.Increment(ref s_generation);
        foreach (Worker w in s_threads) w.Wake();

        Exception? mine = null;
        // The kernels this thread runs inside a chunk stay on it (the monitor is re-entrant: a nested job would
        // reopen this one).
        bool serial = t_serial;
        t_serial = true;
        try
        {
            Work(fromFront: true);
        }
        catch (Exception e)
        {
            mine = e;
        }
        finally
        {
            t_serial = serial;
        }
        // Wait for the chunks a worker is still finishing, then close the job once no worker is inside it.
        var spinner = new SpinWait();
        while (Volatile.Read(ref s_completed) < chunks && Volatile.Read(ref s_failure) is null && mine is null) spinner.SpinOnce(sleep1Threshold: -1);
        while (Interlocked.CompareExchange(ref s_status, Closed, 0) != 0) spinner.SpinOnce(sleep1Threshold: -1);
        // Rethrow what failed, as it is (type, message and stack trace), wherever it ran.
        Exception? failure = mine ?? s_failure;
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>
    /// Claims and runs chunks of the current job until none is left: the caller from the front, the workers from the
    /// back, so that with steady timing each core keeps working on the same part of the data from call to call (its
    /// share of a layer's weights stays in its own cache).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Work(bool fromFront)
    {
        while (true)
        {
            long range = Volatile.Read(ref s_range);
            int front = (int)(range >> 32), back = (int)range;
            if (front >= back) return;
            long claimed = fromFront ? ((long)(front + 1) << 32) | (uint)back : ((long)front << 32) | (uint)(back - 1);
            if (Interlocked.CompareExchange(ref s_range, claimed, range) != range) continue;
            s_job(s_state, fromFront ? front : back - 1);
            Interlocked.Increment(ref s_completed);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryEnter()
    {
        while (true)
        {
            int status = Volatile.Read(ref s_status);
            if (status == Closed) return false;
            if (Interlocked.CompareExchange(ref s_status, status + 1, status) == status) return true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Worker[] CreateWorkers()
    {
        var workers = new Worker[s_workers];
        for (int i = 0; i < workers.Length; i++) workers[i] = new Worker(i + 1);
        return workers;
    }

    private sealed class Worker
    {
        private const int SpinIterations = 20_000;
        private readonly AutoResetEvent _signal = new(false);
        private int _sleeping;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"NetDsl worker {index}" };
            thread.Start();
        }

        public void Wake()
        {
            if (Volatile.Read(ref _sleeping) == 1) _signal.Set();
        }

        private void Loop()
        {
            // Kernels called inside a chunk run on this thread.
            t_serial = true;
            int seen = 0;
            while (true)
            {
                int generation = Volatile.Read(ref s_generation);
                int spins = 0;
                while (generation == seen)
                {
                    if (++spins < SpinIterations)
                    {
                        Thread.SpinWait(20);
                    }
                    else
                    {
                        Interlocked.Exchange(ref _sleeping, 1);
                        if (Volatile.Read(ref s_generation) == seen) _signal.WaitOne();
                        Interlocked.Exchange(ref _sleeping, 0);
                        spins = 0;
                    }
                    generation = Volatile.Read(ref s_generation);
                }
                seen = generation;
                if (!TryEnter()) continue;
                try
                {
                    Work(fromFront: false);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref s_failure, e, null);
                }
                finally
                {
                    Interlocked.Decrement(ref s_status);
                }
            }
        }
    }
}
