#pragma warning disable NDSL1001, NDSL1003, NDSL1005, NDSL1006, NDSL1008
using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Integration.Tests;

/// <summary>
/// A network whose layers all work row by row splits a large batch's training step by rows (each core runs the
/// forward pass and the input gradients of its rows through every layer, then the weight gradients one layer per
/// chunk): the same kernels in the same order, so the same bits as the layer-by-layer step. In the worker-pool
/// collection, so that the chunks really run at once where there are two cores.
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public class RowSplitTests
{
    /// <summary>The gradient-check networks the generator splits: no BatchNorm, dropout or RReLU (activation layers 2 has an RReLU layer).</summary>
    private static readonly HashSet<string> Splittable = new()
    {
        "softmax+tanh", "relu", "leaky relu", "elu", "elu alpha 0.5", "selu", "sigmoid", "hidden softmax", "linear",
        "activation layers 1", "categorical", "logits", "binary multi", "binary sigmoid layer",
        "binary logits", "mse", "mse sigmoid", "l1 l2", "add", "concat", "input activation",
    };

    public static IEnumerable<object[]> Cases() =>
        from network in GradientTests.Networks()
        from optimizer in new[] { "sgd", "adam" }
        select new[] { network[0], network[1], optimizer };

    /// <summary>
    /// Three steps of batches of 16, 64 and 100 rows (uneven chunks), split and not: the same losses, weights, moving
    /// statistics and — read after the last step, a fused step's deferred ones included — gradients, bit for bit;
    /// networks that cannot be split run layer by layer either way.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void A_row_split_step_gives_the_bits_of_the_layer_by_layer_step(string name, Func<INetwork> create, string optimizer)
    {
        INetwork split = create(), layered = create();
        Optimizer splitOptimizer = Optimizer(optimizer), layeredOptimizer = Optimizer(optimizer);
        var random = new SeededRandom(5, name.Length);
        int jobs = Kernels.ParallelJobsOnThisThread;
        foreach (int n in new[] { 16, 64, 100 })
        {
            float[] x = new float[n * split.InputSize];
            for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
            (int[]? labels, float[]? targets) = GradientTests.Targets(split, name, n, random);
            split.ReseedTraining(n);
            layered.ReseedTraining(n);
            float splitLoss = Step(split, x, labels, targets, n, splitOptimizer, rowSplit: true);
            float layeredLoss = Step(layered, x, labels, targets, n, layeredOptimizer, rowSplit: false);
            Assert.Equal(BitConverter.SingleToInt32Bits(layeredLoss), BitConverter.SingleToInt32Bits(splitLoss));
            Assert.True(layered.Output.SequenceEqual(split.Output), $"{name}, batch {n}: the outputs differ");
        }
        Assert.True(layered.Parameters.SequenceEqual(split.Parameters), $"{name}: the weights differ");
        Assert.True(layered.State.SequenceEqual(split.State), $"{name}: the moving statistics differ");
        Assert.True(layered.Gradients.SequenceEqual(split.Gradients), $"{name}: the gradients differ");
        // 3 steps × 3 phases when the network splits, none otherwise.
        Assert.Equal(Splittable.Contains(name) ? 9 : 0, Kernels.ParallelJobsOnThisThread - jobs);
    }

    /// <summary>
    /// The chapter's 100-layer SELU network (W4's shape) on the machine's cores, with plain SGD, at Keras's default
    /// batch of 32 (two chunks of 16 rows on two cores) and at W4's 128 (four of 32): the same bits as layer by layer,
    /// and its step splits by itself (where there are two cores).
    /// </summary>
    [Fact]
    public void The_deep_selu_network_splits_by_itself_and_gives_the_same_bits()
    {
        var split = new DeepSelu(3);
        var layered = new DeepSelu(3);
        var random = new SeededRandom(9, 1);
        var sgd = new Sgd(0.001);
        int jobs = Kernels.ParallelJobsOnThisThread;
        foreach (int n in new[] { 32, 128, 32 })
        {
            float[] x = new float[n * DeepSelu.InputSize];
            for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
            int[] labels = Enumerable.Range(0, n).Select(i => random.NextInt(10)).ToArray();
            float a = split.TrainStep(x, labels, n, sgd);
            float b = Step(layered, x, labels, null, n, sgd, rowSplit: false);
            Assert.Equal(BitConverter.SingleToInt32Bits(b), BitConverter.SingleToInt32Bits(a));
        }
        Assert.True(layered.Parameters.SequenceEqual(split.Parameters), "the weights differ");
        Assert.True(layered.Gradients.SequenceEqual(split.Gradients), "the deferred gradients differ");
        Assert.Equal(WorkerPool.IsParallel ? 9 : 0, Kernels.ParallelJobsOnThisThread - jobs);
        // A prediction of 1,000 rows, split by itself.
        const int rows = 1000;
        float[] xp = new float[rows * DeepSelu.InputSize];
        for (int i = 0; i < xp.Length; i++) xp[i] = (float)random.NextGaussian();
        float[] pa = new float[rows * DeepSelu.OutputSize], pb = new float[rows * DeepSelu.OutputSize];
        split.Forward(xp, pa, rows);
        WithRowSplit(false, () => layered.Forward(xp, pb, rows));
        Assert.True(pb.AsSpan().SequenceEqual(pa), "the predictions differ");
        Assert.Equal(WorkerPool.IsParallel ? 10 : 0, Kernels.ParallelJobsOnThisThread - jobs);
        Assert.Equal(0, Kernels.RowChunks(Kernels.RowSplitBatch - 1));
    }

    /// <summary>
    /// Split and layer-by-layer steps in turn (a fused step's deferred gradients are computed by whichever step comes
    /// next), with the first dense layer frozen after the first step, against a network that never splits: the same
    /// losses, and the same weights and gradients after every step.
    /// </summary>
    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void Split_and_layer_by_layer_steps_in_turn_with_a_frozen_layer_give_the_same_bits(string optimizer)
    {
        INetwork mixed = new GradAdd(8), layered = new GradAdd(8);
        Optimizer mixedOptimizer = Optimizer(optimizer), layeredOptimizer = Optimizer(optimizer);
        var random = new SeededRandom(13, 2);
        bool[] split = { true, false, true, true, false, true };
        for (int step = 0; step < split.Length; step++)
        {
            if (step == 1)
            {
                mixed.Layers["hidden1"].Trainable = false;
                layered.Layers["hidden1"].Trainable = false;
            }
            int n = 24 + 8 * step;
            float[] x = new float[n * mixed.InputSize];
            for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
            int[] labels = Enumerable.Range(0, n).Select(_ => random.NextInt(mixed.OutputSize)).ToArray();
            float a = Step(mixed, x, labels, null, n, mixedOptimizer, split[step]);
            float b = Step(layered, x, labels, null, n, layeredOptimizer, rowSplit: false);
            Assert.Equal(BitConverter.SingleToInt32Bits(b), BitConverter.SingleToInt32Bits(a));
            Assert.True(layered.Parameters.SequenceEqual(mixed.Parameters), $"step {step}: the weights differ");
            if (step % 2 == 0) Assert.True(layered.Gradients.SequenceEqual(mixed.Gradients), $"step {step}: the gradients differ");
        }
    }

    /// <summary>
    /// A residual block around a wide layer, whose input gradient is added to the one the skip connection wrote: with
    /// 1,536 units the step splits and gives the layer-by-layer bits; with 2,048 (where the input-gradient product
    /// blocks its depth and would round differently for a chunk of rows than for the batch) it does not split.
    /// </summary>
    [Theory]
    [InlineData(1536)]
    [InlineData(2048)]
    public void A_wide_layer_in_a_residual_block_splits_only_up_to_1536_units(int units)
    {
        INetwork split = units == 1536 ? new WideResidual1536(4) : new WideResidual2048(4);
        INetwork layered = units == 1536 ? new WideResidual1536(4) : new WideResidual2048(4);
        var sgd1 = new Sgd(0.01);
        var sgd2 = new Sgd(0.01);
        var random = new SeededRandom(17, units);
        int jobs = Kernels.ParallelJobsOnThisThread;
        foreach (int n in new[] { 32, 100 })
        {
            float[] x = new float[n * split.InputSize];
            for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
            int[] labels = Enumerable.Range(0, n).Select(_ => random.NextInt(split.OutputSize)).ToArray();
            float a = Step(split, x, labels, null, n, sgd1, rowSplit: true);
            float b = Step(layered, x, labels, null, n, sgd2, rowSplit: false);
            Assert.Equal(BitConverter.SingleToInt32Bits(b), BitConverter.SingleToInt32Bits(a));
        }
        Assert.True(layered.Parameters.SequenceEqual(split.Parameters), "the weights differ");
        Assert.True(layered.Gradients.SequenceEqual(split.Gradients), "the gradients differ");
        Assert.Equal(units == 1536 ? 6 : 0, Kernels.ParallelJobsOnThisThread - jobs);
    }

    /// <summary>
    /// Predictions and inference losses split by rows (the input copied for the other threads, the output activation
    /// per chunk) are the layer-by-layer bits, in every forward mode, for every gradient-check network — after a
    /// fused step whose deferred gradients the prediction must compute first, from the input it then overwrites.
    /// </summary>
    [Theory]
    [MemberData(nameof(GradientTests.Networks), MemberType = typeof(GradientTests))]
    public void Split_predictions_and_losses_are_the_layer_by_layer_bits(string name, Func<INetwork> create)
    {
        INetwork split = create(), layered = create();
        var random = new SeededRandom(21, name.Length);
        const int trainRows = 40;
        float[] xt = new float[trainRows * split.InputSize];
        for (int i = 0; i < xt.Length; i++) xt[i] = (float)random.NextGaussian();
        (int[]? tl, float[]? tt) = GradientTests.Targets(split, name, trainRows, random);
        Step(split, xt, tl, tt, trainRows, new Sgd(0.05), rowSplit: true);
        Step(layered, xt, tl, tt, trainRows, new Sgd(0.05), rowSplit: false);
        int jobs = Kernels.ParallelJobsOnThisThread;
        foreach (int n in new[] { 16, 64, 100 })
        {
            float[] x = new float[n * split.InputSize];
            for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
            (int[]? labels, float[]? targets) = GradientTests.Targets(split, name, n, random);
            foreach (ForwardMode mode in new[] { ForwardMode.Inference, ForwardMode.Training, ForwardMode.MonteCarlo })
            {
                split.ReseedTraining(n);
                layered.ReseedTraining(n);
                float[] a = new float[n * split.OutputSize], b = new float[n * split.OutputSize];
                WithRowSplit(true, () => split.Forward(x, a, n, mode));
                WithRowSplit(false, () => layered.Forward(x, b, n, mode));
                Assert.True(b.AsSpan().SequenceEqual(a), $"{name}, batch {n}, {mode}: the predictions differ");
            }
            float[] ya = new float[n * split.OutputSize], yb = new float[n * split.OutputSize];
            float la = 0, lb = 0;
            WithRowSplit(true, () => la = labels is not null ? split.ComputeLoss(x, labels, n, ya) : split.ComputeLoss(x, targets, n, ya));
            WithRowSplit(false, () => lb = labels is not null ? layered.ComputeLoss(x, labels, n, yb) : layered.ComputeLoss(x, targets, n, yb));
            Assert.Equal(BitConverter.SingleToInt32Bits(lb), BitConverter.SingleToInt32Bits(la));
            Assert.True(yb.AsSpan().SequenceEqual(ya), $"{name}, batch {n}: the loss outputs differ");
        }
        Assert.True(layered.Gradients.SequenceEqual(split.Gradients), $"{name}: the deferred gradients differ");
        // 3 batches × (3 predictions + 1 loss) when the network splits.
        Assert.Equal(Splittable.Contains(name) ? 12 : 0, Kernels.ParallelJobsOnThisThread - jobs);
    }

    /// <summary>
    /// The input copy the split chunks read is one buffer with the fused step's saved input, grown to the largest
    /// batch: a training step after a larger prediction does not shrink it, so the next prediction allocates nothing.
    /// </summary>
    [Fact]
    public void A_training_step_between_larger_predictions_allocates_no_new_input_copy()
    {
        INetwork net = new GradSoftmax(6);
        float[] x = new float[200 * net.InputSize], y = new float[200 * net.OutputSize];
        for (int i = 0; i < x.Length; i++) x[i] = i % 7 * 0.1f;
        int[] labels = Enumerable.Range(0, 32).Select(i => i % net.OutputSize).ToArray();
        var sgd = new Sgd(0.01);
        WithRowSplit(true, () =>
        {
            net.Forward(x, y, 200);
            net.TrainStep(x.AsSpan(0, 32 * net.InputSize), labels, 32, sgd);
            long before = GC.GetAllocatedBytesForCurrentThread();
            net.Forward(x, y, 200);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    private static void WithRowSplit(bool rowSplit, Action action)
    {
        Kernels.RowSplitOnThisThread = rowSplit;
        try
        {
            action();
        }
        finally
        {
            Kernels.RowSplitOnThisThread = null;
        }
    }

    [Fact]
    public void Row_ranges_cover_the_batch_in_order()
    {
        foreach ((int batch, int chunks) in new[] { (16, 2), (64, 2), (100, 2), (128, 2), (129, 3), (1000, 4) })
        {
            int next = 0;
            for (int c = 0; c < chunks; c++)
            {
                Kernels.RowRange(batch, chunks, c, out int start, out int count);
                Assert.Equal(next, start);
                Assert.True(count >= 1);
                if (c < chunks - 1) Assert.Equal(0, (start + count) % 8);
                next = start + count;
            }
            Assert.Equal(batch, next);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.RowRange(64, 2, 2, out _, out _));
    }

    private static Optimizer Optimizer(string name) => name == "sgd" ? new Sgd(0.05) : new Adam(0.001);

    private static float Step(INetwork net, float[] x, int[]? labels, float[]? targets, int n, Optimizer optimizer, bool rowSplit)
    {
        Kernels.RowSplitOnThisThread = rowSplit;
        try
        {
            return labels is not null ? net.TrainStep(x, labels, n, optimizer) : net.TrainStep(x, targets, n, optimizer);
        }
        finally
        {
            Kernels.RowSplitOnThisThread = null;
        }
    }
}

/// <summary>A residual block around a 1,536-unit layer (its input gradient accumulates into the skip connection's).</summary>
[Network(64)]
[Dense(64, Activation.Relu, Name = "h")]
[Dense(1536, Activation.Relu)]
[Dense(64)]
[Add("h")]
[Dense(4, Activation.Softmax)]
public partial class WideResidual1536 { }

/// <summary>The same block around 2,048 units: 64 × 2,048 = 131,072 floats, at the kernel-size limit, but too wide to split.</summary>
[Network(64)]
[Dense(64, Activation.Relu, Name = "h")]
[Dense(2048, Activation.Relu)]
[Dense(64)]
[Add("h")]
[Dense(4, Activation.Softmax)]
public partial class WideResidual2048 { }
