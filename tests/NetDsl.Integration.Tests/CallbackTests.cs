using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl;
using NetDsl.Plots;
using Xunit;

namespace NetDsl.Integration.Tests;

/// <summary>Callbacks, checkpoints, the LR finder and the plots (KERAS_SEMANTICS.md 1.8, 1.9, 1.17).</summary>
public class CallbackTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "netdsl-cb-" + Guid.NewGuid().ToString("N"));

    public CallbackTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Four Gaussian blobs in six dimensions (GradSoftmax's shape).</summary>
    private static Dataset Blobs(int n, int seed)
    {
        var random = new SeededRandom(seed);
        var x = new float[n * 6];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 4;
            for (int j = 0; j < 6; j++) x[i * 6 + j] = (float)(random.NextGaussian() * 0.7 + (j % 4 == y[i] ? 1.5 : 0));
        }
        return new Dataset(x, y, 6);
    }

    private static TrainingContext Context(INetwork model, Optimizer optimizer) => new(model, optimizer, 100, 10);

    [Fact]
    public void LearningRateScheduler_sets_the_rate_each_epoch_and_logs_it()
    {
        // The book's piecewise constant schedule by epoch.
        static double Piecewise(int epoch) => epoch < 5 ? 0.01 : epoch < 15 ? 0.005 : 0.001;
        var net = new GradSoftmax(1);
        var sgd = new Sgd(0.5);
        History h = net.Fit(Blobs(64, 1), epochs: 7, batchSize: 16, optimizer: sgd, callbacks: [new LearningRateScheduler(Piecewise)], verbose: 0);
        Assert.Equal(new[] { 0.01, 0.01, 0.01, 0.01, 0.01, 0.005, 0.005 }, h["lr"]);
        // Resuming with initialEpoch continues the schedule instead of restarting it.
        History resumed = net.Fit(Blobs(64, 1), epochs: 16, batchSize: 16, optimizer: sgd, callbacks: [new LearningRateScheduler(Piecewise)], initialEpoch: 14, verbose: 0);
        Assert.Equal(new[] { 0.005, 0.001 }, resumed["lr"]);
        // The (epoch, rate) form: the book's "lr · 0.1^(1/20)" per epoch.
        var exp = new Sgd(0.01);
        History h2 = new GradSoftmax(2).Fit(Blobs(32, 2), epochs: 3, batchSize: 16, optimizer: exp, callbacks: [new LearningRateScheduler((epoch, lr) => epoch == 0 ? lr : lr * Math.Pow(0.1, 1.0 / 20))], verbose: 0);
        Assert.Equal(0.01 * Math.Pow(0.1, 2.0 / 20), h2["lr"][2], 12);
    }

    [Fact]
    public void ReduceLROnPlateau_follows_Keras_rules()
    {
        var net = new GradSoftmax(1);
        var sgd = new Sgd(1.0);
        var cb = new ReduceLROnPlateau(factor: 0.5, patience: 2, minDelta: 0.01, cooldown: 1, minLearningRate: 0.2);
        TrainingContext ctx = Context(net, sgd);
        cb.OnTrainBegin(ctx);
        double[] valLoss = { 1.0, 0.995, 0.999, 0.98, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99 };
        var rates = new List<double>();
        for (int e = 0; e < valLoss.Length; e++)
        {
            var logs = new Dictionary<string, double> { ["val_loss"] = valLoss[e] };
            cb.OnEpochEnd(ctx, e, logs);
            rates.Add(sgd.LearningRate);
        }
        // e0 best 1.0; e1 0.995 is not better by 0.01 (absolute): wait 1; e2 wait 2 ≥ patience → 0.5, cooldown 1;
        // e3 ends the cooldown and 0.98 improves; e4 wait 1; e5 wait 2 → 0.25, cooldown 1; e6 ends the cooldown and,
        // no longer in cooldown, counts: wait 1 (Keras decrements first, then tests); e7 wait 2 → max(0.125, 0.2);
        // then it stays at the floor (old rate not above min_lr).
        Assert.Equal(new[] { 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2 }, rates);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 1.0));
    }

    [Fact]
    public void EarlyStopping_stops_after_patience_and_restores_the_best_weights()
    {
        var net = new GradSoftmax(1);
        var cb = new EarlyStopping(patience: 2, restoreBestWeights: true);
        TrainingContext ctx = Context(net, new Sgd());
        cb.OnTrainBegin(ctx);
        double[] valLoss = { 1.0, 0.8, 0.9, 0.85, 0.95 };
        float[]? bestWeights = null;
        int e = 0;
        for (; e < valLoss.Length && !ctx.StopTraining; e++)
        {
            net.Parameters.Fill(e); // a different "training result" each epoch
            if (e == 1) bestWeights = net.Parameters.ToArray();
            cb.OnEpochEnd(ctx, e, new Dictionary<string, double> { ["val_loss"] = valLoss[e] });
        }
        Assert.Equal(4, e);                 // stopped at the end of epoch 3 (wait reached 2)
        Assert.Equal(3, cb.StoppedEpoch);
        Assert.Equal(1, cb.BestEpoch);
        cb.OnTrainEnd(ctx);
        Assert.Equal(bestWeights, net.Parameters.ToArray());

        var accuracy = new EarlyStopping(monitor: "val_accuracy", patience: 1);
        accuracy.OnTrainBegin(ctx);
        ctx.StopTraining = false;
        accuracy.OnEpochEnd(ctx, 0, new Dictionary<string, double> { ["val_accuracy"] = 0.5 });
        accuracy.OnEpochEnd(ctx, 1, new Dictionary<string, double> { ["val_accuracy"] = 0.6 });
        Assert.False(ctx.StopTraining); // auto mode maximizes accuracy
    }

    [Theory]
    // Above the baseline all along: improving epochs never stop training, but they do not restart the wait either, so
    // the first epoch that does not improve stops it (wait 4 ≥ 2) — tf-keras's and Keras 3's order.
    [InlineData(0.5, 3, 2)]
    // The baseline beaten from epoch 1: the wait restarts there and at epoch 2; epochs 3 and 4 do not improve.
    [InlineData(0.85, 4, 2)]
    // No baseline: as the baseline beaten everywhere.
    [InlineData(double.NaN, 4, 2)]
    public void EarlyStopping_waits_for_the_baseline_as_keras_does(double baseline, int stoppedEpoch, int bestEpoch)
    {
        var net = new GradSoftmax(1);
        var cb = new EarlyStopping(patience: 2, baseline: double.IsNaN(baseline) ? null : baseline);
        TrainingContext ctx = Context(net, new Sgd());
        cb.OnTrainBegin(ctx);
        double[] valLoss = { 0.9, 0.8, 0.7, 0.75, 0.76, 0.6 };
        int e = 0;
        for (; e < valLoss.Length && !ctx.StopTraining; e++) cb.OnEpochEnd(ctx, e, new Dictionary<string, double> { ["val_loss"] = valLoss[e] });
        Assert.Equal(stoppedEpoch, cb.StoppedEpoch);
        Assert.Equal(stoppedEpoch + 1, e);
        Assert.Equal(bestEpoch, cb.BestEpoch);
    }

    [Fact]
    public void EarlyStopping_in_Fit_ends_training_early()
    {
        var net = new GradSoftmax(2);
        var stop = new EarlyStopping(monitor: "loss", patience: 0, minDelta: 10);
        History h = net.Fit(Blobs(64, 3), epochs: 10, batchSize: 16, optimizer: new Sgd(0.01), callbacks: [stop], verbose: 0);
        Assert.Equal(2, h.Epoch.Count); // no epoch improves by 10: stops at epoch 1 (never at epoch 0)
    }

    [Fact]
    public void A_checkpoint_resumes_training_bit_identically()
    {
        foreach (Func<Optimizer> create in new Func<Optimizer>[] { () => new Adam(0.01), () => new Sgd(0.05, 0.9, true), () => new Nadam(0.01), () => new RmsProp(0.01, momentum: 0.5) })
        {
            Dataset data = Blobs(96, 4);
            string path = Path.Combine(_dir, "resume.ckpt");

            var straight = new GradDropout(3);
            Optimizer o1 = create();
            straight.Fit(data, epochs: 2, batchSize: 16, optimizer: o1, verbose: 0);
            straight.SaveCheckpoint(path, o1);
            straight.Fit(data, epochs: 4, batchSize: 16, optimizer: o1, initialEpoch: 2, verbose: 0);

            var resumed = new GradDropout(3); // the same program run again: same seed (it also seeds the shuffling)
            resumed.Parameters.Clear();
            Optimizer o2 = create();
            resumed.LoadCheckpoint(path, o2);
            Assert.Equal(o1.Iterations - 12, o2.Iterations);
            resumed.Fit(data, epochs: 4, batchSize: 16, optimizer: o2, initialEpoch: 2, verbose: 0);
            Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        }
    }

    [Fact]
    public void A_checkpoint_of_another_optimizer_is_refused_without_changes()
    {
        var net = new GradSoftmax(1);
        var adam = new Adam();
        net.Fit(Blobs(32, 1), epochs: 1, batchSize: 16, optimizer: adam, verbose: 0);
        string path = Path.Combine(_dir, "adam.ckpt");
        net.SaveCheckpoint(path, adam);
        var target = new GradSoftmax(5);
        float[] before = target.Parameters.ToArray();
        var sgd = new Sgd(0.1, momentum: 0.9);
        var e = Assert.Throws<WeightFileException>(() => target.LoadCheckpoint(path, sgd));
        Assert.Contains("Adam", e.Message);
        Assert.Equal(before, target.Parameters.ToArray());
        Assert.Equal(0, sgd.Iterations);
        // A weight file is not a checkpoint, but a checkpoint's weights load with LoadWeights.
        target.LoadWeights(path);
        Assert.Equal(net.Parameters.ToArray(), target.Parameters.ToArray());
    }

    [Fact]
    public void ModelCheckpoint_saves_every_epoch_or_only_the_best()
    {
        var net = new GradSoftmax(1);
        Dataset data = Blobs(64, 5);
        var every = new ModelCheckpoint(Path.Combine(_dir, "ep{epoch:02d}.weights"), saveWeightsOnly: true);
        var best = new ModelCheckpoint(Path.Combine(_dir, "best.ckpt"), monitor: "val_loss", saveBestOnly: true);
        net.Fit(data, epochs: 3, batchSize: 16, optimizer: new Sgd(0.1), validation: Blobs(32, 6), callbacks: [every, best], verbose: 0);
        Assert.True(File.Exists(Path.Combine(_dir, "ep01.weights")));
        Assert.True(File.Exists(Path.Combine(_dir, "ep03.weights")));
        Assert.True(File.Exists(Path.Combine(_dir, "best.ckpt")));
        var reloaded = new GradSoftmax(9);
        reloaded.LoadWeights(Path.Combine(_dir, "ep03.weights"));
        Assert.Equal(net.Parameters.ToArray(), reloaded.Parameters.ToArray());
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void TerminateOnNaN_stops_and_the_last_good_weights_can_be_restored()
    {
        var net = new GradMse(1);
        var random = new SeededRandom(2);
        var x = new float[64 * 6];
        var t = new float[64 * 3];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
        for (int i = 0; i < t.Length; i++) t[i] = (float)random.NextGaussian();
        var data = new Dataset(x, t, 6, 3);
        var log = new StringWriter();
        var nan = new TerminateOnNaN(log);
        var keep = new ModelCheckpoint(Path.Combine(_dir, "good.weights"), monitor: "loss", saveBestOnly: true, saveWeightsOnly: true);
        // Epoch 2 gets an absurd rate: the loss overflows.
        var blowUp = new LearningRateScheduler(epoch => epoch < 2 ? 0.01 : 1e30);
        History h = net.Fit(data, epochs: 5, batchSize: 16, optimizer: new Sgd(0.01), callbacks: [blowUp, nan, keep], verbose: 0);
        Assert.Equal(3, h.Epoch.Count);
        Assert.NotEqual(-1, nan.TerminatedAtBatch);
        Assert.Contains("Invalid loss, terminating training", log.ToString());
        Assert.Contains(net.Parameters.ToArray(), v => !float.IsFinite(v));
        net.LoadWeights(Path.Combine(_dir, "good.weights"));
        Assert.All(net.Parameters.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_custom_callback_as_the_notebooks_ExponentialLearningRate()
    {
        var net = new GradSoftmax(1);
        var sgd = new Sgd(1e-3);
        var cb = new ExponentialLearningRate(1.1);
        net.Fit(Blobs(64, 1), epochs: 1, batchSize: 16, optimizer: sgd, callbacks: [cb], verbose: 0);
        Assert.Equal(4, cb.Rates.Count);
        Assert.Equal(1e-3 * Math.Pow(1.1, 4), sgd.LearningRate, 12);
        Assert.Equal(cb.Rates.Count, cb.Losses.Count);
    }

    private sealed class ExponentialLearningRate(double factor) : Callback
    {
        public List<double> Rates { get; } = new();

        public List<double> Losses { get; } = new();

        public override void OnBatchEnd(TrainingContext context, in BatchLogs logs)
        {
            Rates.Add(context.Optimizer.LearningRate);
            Losses.Add(logs.Loss);
            context.Optimizer.LearningRate *= factor;
        }
    }

    [Fact]
    public void LR_finder_sweeps_exponentially_restores_everything_and_plots()
    {
        var net = new GradSoftmax(3);
        var adam = new Adam(0.002);
        Dataset data = Blobs(2048, 7);
        net.Fit(data, epochs: 1, batchSize: 64, optimizer: adam, verbose: 0);
        float[] weights = net.Parameters.ToArray();
        OptimizerState state = adam.CaptureState();
        LearningRateFinderResult r = LearningRateFinder.Find(net, data, adam, batchSize: 16, stopOnDivergence: false);
        Assert.Equal(128, r.Rates.Length);
        Assert.Equal(1e-5, r.Rates[0], 12);
        Assert.Equal(10.0 / Math.Exp(Math.Log(1e6) / 128), r.Rates[^1], 6);
        for (int i = 1; i < r.Rates.Length; i++) Assert.Equal(Math.Exp(Math.Log(1e6) / 128), r.Rates[i] / r.Rates[i - 1], 9);
        Assert.Equal(weights, net.Parameters.ToArray());
        Assert.Equal(state.Iterations, adam.Iterations);
        Assert.Equal(0.002, adam.LearningRate);
        Assert.InRange(r.SuggestedRate, 1e-6, 1);
        Assert.Equal(r.MinimumLossRate / 10, r.SuggestedRate, 12);

        string png = Path.Combine(_dir, "lr.png");
        r.SaveLossVersusRate(png, 640, 400);
        AssertPng(png, 640, 400);

        LearningRateFinderResult early = LearningRateFinder.Find(net, data, new Sgd(), batchSize: 16);
        Assert.True(early.Rates.Length <= 128);
    }

    [Fact]
    public void LR_finder_puts_back_batch_norm_statistics_and_the_optimizers_slots()
    {
        // The sweep trains in training mode, which moves the moving means and variances and the momentum; all of it
        // must be as before, bit for bit, and the next step the same as without the sweep.
        var net = new GradBatchNorm(5);
        var twin = new GradBatchNorm(5);
        Dataset data = Blobs(512, 8);
        var sgd = new Sgd(0.05, momentum: 0.9);
        var twinSgd = new Sgd(0.05, momentum: 0.9);
        net.Fit(data, epochs: 1, batchSize: 32, optimizer: sgd, verbose: 0);
        twin.Fit(data, epochs: 1, batchSize: 32, optimizer: twinSgd, verbose: 0);
        Assert.Equal(twin.Parameters.ToArray(), net.Parameters.ToArray());
        Assert.Equal(twinSgd.Iterations, sgd.Iterations);
        float[] weights = net.Parameters.ToArray(), statistics = net.State.ToArray();
        float[] velocity = sgd.CaptureState().Slots[0].ToArray();

        LearningRateFinder.Find(net, data, sgd, batchSize: 16, stopOnDivergence: false);

        Assert.Equal(weights, net.Parameters.ToArray());
        Assert.Equal(statistics, net.State.ToArray());
        Assert.Equal(velocity, sgd.CaptureState().Slots[0]);
        Assert.Equal(0.05, sgd.LearningRate);
        Assert.Equal(twinSgd.Iterations, sgd.Iterations);
        net.Fit(data, epochs: 1, batchSize: 32, optimizer: sgd, verbose: 0);
        twin.Fit(data, epochs: 1, batchSize: 32, optimizer: twinSgd, verbose: 0);
        Assert.Equal(twin.Parameters.ToArray(), net.Parameters.ToArray());
        Assert.Equal(twin.State.ToArray(), net.State.ToArray());
    }

    [Fact]
    public void Learning_curves_are_drawn_to_png()
    {
        var net = new GradSoftmax(1);
        History h = net.Fit(Blobs(128, 1), epochs: 4, batchSize: 16, optimizer: new Sgd(0.1), validation: Blobs(64, 2), verbose: 0);
        string png = Path.Combine(_dir, "curves.png");
        h.SaveLearningCurves(png, 800, 500, title: "GradSoftmax");
        AssertPng(png, 800, 500);
    }

    [Fact]
    public void Plot_arguments_are_refused_before_a_file_is_written()
    {
        var net = new GradSoftmax(1);
        History h = net.Fit(Blobs(64, 1), epochs: 2, batchSize: 16, optimizer: new Sgd(0.1), verbose: 0);
        string png = Path.Combine(_dir, "refused.png");
        Assert.Throws<ArgumentNullException>(() => ((History)null!).SaveLearningCurves(png));
        Assert.Throws<ArgumentNullException>(() => h.SaveLearningCurves(null!));
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => h.SaveLearningCurves(png, 49, 500)).ParamName);
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => h.SaveLearningCurves(png, 800, 10_001)).ParamName);
        Assert.Throws<ArgumentException>(() => h.SaveLearningCurves(png, metrics: Array.Empty<string>()));
        var unknown = Assert.Throws<KeyNotFoundException>(() => h.SaveLearningCurves(png, metrics: new[] { "loss", "val_accuracy" }));
        Assert.Contains("val_accuracy", unknown.Message);
        Assert.Throws<ArgumentNullException>(() => ((LearningRateFinderResult)null!).SaveLossVersusRate(png));
        LearningRateFinderResult r = LearningRateFinder.Find(net, Blobs(256, 3), new Sgd(), batchSize: 16);
        Assert.Throws<ArgumentNullException>(() => r.SaveLossVersusRate(null!));
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => r.SaveLossVersusRate(png, 20_000, 400)).ParamName);
        Assert.False(File.Exists(png));
    }

    private static void AssertPng(string path, int width, int height)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 2000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void Every_optimizer_trains_a_network()
    {
        foreach (Optimizer optimizer in new Optimizer[] { new Sgd(0.05, 0.9), new AdaGrad(0.1), new RmsProp(0.01), new Adam(0.01), new AdaMax(0.02), new Nadam(0.01) })
        {
            var net = new GradSoftmax(4);
            History h = net.Fit(Blobs(400, 8), epochs: 5, batchSize: 16, optimizer: optimizer, verbose: 0);
            Assert.True(h["accuracy"][^1] > 0.85, $"{optimizer.GetType().Name}: accuracy {string.Join(", ", h["accuracy"])}");
            Assert.True(h["loss"][^1] < h["loss"][0], optimizer.GetType().Name);
        }
    }
}
