using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace NetDsl;

/// <summary>Whether a monitored quantity should go down or up (Keras's <c>mode</c>).</summary>
public enum MonitorMode
{
    /// <summary>Inferred from the name (accuracy-like names are maximized).</summary>
    Auto,
    /// <summary>Lower is better.</summary>
    Min,
    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>
/// Keras <c>LearningRateScheduler</c>: at the start of every epoch sets the optimizer's learning rate to
/// <c>schedule(epoch, currentRate)</c> (epochs are absolute: pass <c>initialEpoch</c> when resuming, or the
/// schedule restarts at its early rates — the book's pitfall). The rate appears in <see cref="History"/> as <c>lr</c>.
/// Setting the rate replaces any <see cref="LearningRateSchedule"/> the optimizer had.
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, double, double> _schedule;
    private readonly TextWriter? _log;

    /// <summary>A scheduler from <c>(epoch, current rate) → rate</c> (the notebook's <c>exponential_decay_fn(epoch)</c> ignores the second argument).</summary>
    public LearningRateScheduler(Func<int, double, double> schedule, TextWriter? log = null)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        _log = log;
    }

    /// <summary>A scheduler from <c>epoch → rate</c>.</summary>
    public LearningRateScheduler(Func<int, double> schedule, TextWriter? log = null)
        : this(WrapEpochOnly(schedule), log)
    {
    }

    private static Func<int, double, double> WrapEpochOnly(Func<int, double> schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return (epoch, _) => schedule(epoch);
    }

    /// <inheritdoc />
    public override void OnEpochBegin(TrainingContext context, int epoch)
    {
        double rate = _schedule(epoch, context.Optimizer.LearningRate);
        if (!double.IsFinite(rate) || rate < 0)
        {
            throw new InvalidOperationException($"The learning-rate schedule returned {rate} for epoch {epoch}; a rate must be a finite number ≥ 0.");
        }
        context.Optimizer.LearningRate = rate;
        _log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate}."));
    }
}

/// <summary>
/// Keras <c>ReduceLROnPlateau</c> (defaults: monitor <c>val_loss</c>, factor 0.1, patience 10, min_delta 1e-4
/// absolute, cooldown 0, min_lr 0): at each epoch end, when the monitored value has not improved by more than
/// <see cref="MinDelta"/> for <see cref="Patience"/> epochs (<c>wait ≥ patience</c>), multiplies the learning rate by
/// <see cref="Factor"/> (not below <see cref="MinLearningRate"/>) and waits <see cref="Cooldown"/> epochs.
/// </summary>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly bool _max;
    private double _best;
    private int _wait, _cooldownCounter;

    /// <summary>Creates the callback (the notebook: <c>factor: 0.5, patience: 5</c>).</summary>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, MonitorMode mode = MonitorMode.Auto,
        double minDelta = 1e-4, int cooldown = 0, double minLearningRate = 0, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        if (!(factor >= 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau does not support a factor ≥ 1 (or < 0).");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "Patience must be ≥ 0.");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "Cooldown must be ≥ 0.");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be ≥ 0.");
        if (!(minLearningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "minLearningRate must be ≥ 0.");
        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
        Log = log;
        // Keras: auto mode maximizes when "acc" occurs in the monitor's name.
        _max = mode == MonitorMode.Max || (mode == MonitorMode.Auto && monitor.Contains("acc", StringComparison.Ordinal));
        Reset();
    }

    /// <summary>The monitored log entry.</summary>
    public string Monitor { get; }

    /// <summary>The factor applied to the rate.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement before reducing.</summary>
    public int Patience { get; }

    /// <summary>The smallest absolute change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>The floor of the rate.</summary>
    public double MinLearningRate { get; }

    private TextWriter? Log { get; }

    private void Reset()
    {
        _best = _max ? double.NegativeInfinity : double.PositiveInfinity;
        _wait = 0;
        _cooldownCounter = 0;
    }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context) => Reset();

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, int epoch, IDictionary<string, double> logs)
    {
        logs["lr"] = context.Optimizer.LearningRate;
        if (!logs.TryGetValue(Monitor, out double current))
        {
            throw new InvalidOperationException($"ReduceLROnPlateau monitors '{Monitor}', which the logs do not have ({string.Join(", ", logs.Keys)}); pass validation data to Fit or monitor \"loss\".");
        }
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _wait = 0;
        }
        bool improved = _max ? current > _best + MinDelta : current < _best - MinDelta;
        if (improved)
        {
            _best = current;
            _wait = 0;
        }
        else if (_cooldownCounter <= 0)
        {
            _wait++;
            if (_wait >= Patience)
            {
                double old = context.Optimizer.LearningRate;
                if (old > MinLearningRate)
                {
                    double reduced = Math.Max(old * Factor, MinLearningRate);
                    context.Optimizer.LearningRate = reduced;
                    Log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {reduced}."));
                    _cooldownCounter = Cooldown;
                    _wait = 0;
                }
            }
        }
    }
}

/// <summary>
/// Keras <c>EarlyStopping</c> (defaults: monitor <c>val_loss</c>, min_delta 0, patience 0): stops training when the
/// monitored value has not improved for <see cref="Patience"/> epochs. With <c>restoreBestWeights</c>, the weights
/// of the best epoch are put back at the end of training whenever a best epoch was seen (newer tf-keras behaviour:
/// also when training ran to its last epoch without stopping early).
/// </summary>
public sealed class EarlyStopping : Callback
{
    private readonly bool _max;
    private double _best;
    private int _wait;
    private float[]? _bestParameters, _bestState;
    private bool _hasBest;

    /// <summary>Creates the callback (the notebook: <c>patience: 10, restoreBestWeights: true</c>).</summary>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, MonitorMode mode = MonitorMode.Auto,
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "Patience must be ≥ 0.");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be ≥ 0.");
        if (startFromEpoch < 0) throw new ArgumentOutOfRangeException(nameof(startFromEpoch), startFromEpoch, "startFromEpoch must be ≥ 0.");
        Monitor = monitor;
        MinDelta = minDelta;
        Patience = patience;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
        // Keras: auto mode maximizes monitors ending in acc, accuracy or auc.
        _max = mode == MonitorMode.Max || (mode == MonitorMode.Auto &&
            (monitor.EndsWith("acc", StringComparison.Ordinal) || monitor.EndsWith("accuracy", StringComparison.Ordinal) || monitor.EndsWith("auc", StringComparison.Ordinal)));
    }

    /// <summary>The monitored log entry.</summary>
    public string Monitor { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>A value the monitor must beat before waiting is reset.</summary>
    public double? Baseline { get; }

    /// <summary>Whether to restore the best epoch's weights at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epochs to train before monitoring starts.</summary>
    public int StartFromEpoch { get; }

    /// <summary>The epoch training stopped at (−1 when it did not stop early).</summary>
    public int StoppedEpoch { get; private set; } = -1;

    /// <summary>The best epoch seen.</summary>
    public int BestEpoch { get; private set; } = -1;

    private bool IsImprovement(double value, double reference) => _max ? value - MinDelta > reference : value + MinDelta < reference;

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        _wait = 0;
        StoppedEpoch = -1;
        BestEpoch = -1;
        _hasBest = false;
        _best = _max ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, int epoch, IDictionary<string, double> logs)
    {
        if (!logs.TryGetValue(Monitor, out double current))
        {
            throw new InvalidOperationException($"EarlyStopping monitors '{Monitor}', which the logs do not have ({string.Join(", ", logs.Keys)}); pass validation data to Fit or monitor \"loss\".");
        }
        if (epoch < StartFromEpoch) return;
        _wait++;
        if (IsImprovement(current, _best))
        {
            _best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights) Snapshot(context.Model);
            // The wait restarts only when the value beats the baseline as well; an epoch that improves never stops
            // training, even when it does not beat the baseline (tf-keras and Keras 3).
            if (Baseline is null || IsImprovement(current, Baseline.Value)) _wait = 0;
            return;
        }
        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            context.StopTraining = true;
        }
    }

    /// <inheritdoc />
    public override void OnTrainEnd(TrainingContext context)
    {
        if (RestoreBestWeights && _hasBest)
        {
            _bestParameters.AsSpan().CopyTo(context.Model.Parameters);
            _bestState.AsSpan().CopyTo(context.Model.State);
        }
    }

    private void Snapshot(INetwork model)
    {
        if (_bestParameters is null || _bestParameters.Length != model.Parameters.Length) _bestParameters = new float[model.Parameters.Length];
        if (_bestState is null || _bestState.Length != model.State.Length) _bestState = new float[model.State.Length];
        model.Parameters.CopyTo(_bestParameters);
        model.State.CopyTo(_bestState);
        _hasBest = true;
    }
}

/// <summary>
/// Keras <c>ModelCheckpoint</c>: saves at every epoch end (or only when the monitored value improves, with
/// <c>saveBestOnly</c>). By default it saves a checkpoint (weights and optimizer state, see
/// <see cref="WeightFile.SaveCheckpoint"/>); with <c>saveWeightsOnly</c> a weight file. Saving is atomic. The path
/// may contain <c>{epoch}</c> or <c>{epoch:02d}</c> (the 1-based epoch, as Keras names files).
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly bool _max;
    private double _best;

    /// <summary>Creates the callback.</summary>
    public ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = false, bool saveWeightsOnly = false, MonitorMode mode = MonitorMode.Auto)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        Monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        _max = mode == MonitorMode.Max || (mode == MonitorMode.Auto && (monitor.StartsWith("acc", StringComparison.Ordinal) || monitor.EndsWith("acc", StringComparison.Ordinal) || monitor.EndsWith("accuracy", StringComparison.Ordinal) || monitor.Contains("fmeasure", StringComparison.Ordinal)));
        _best = _max ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>Where to save (may contain <c>{epoch}</c>).</summary>
    public string Path { get; }

    /// <summary>The monitored log entry (for <see cref="SaveBestOnly"/>).</summary>
    public string Monitor { get; }

    /// <summary>Save only when the monitored value improves.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Save a weight file instead of a checkpoint.</summary>
    public bool SaveWeightsOnly { get; }

    /// <summary>The file written last (null before the first save).</summary>
    public string? LastSaved { get; private set; }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, int epoch, IDictionary<string, double> logs)
    {
        if (SaveBestOnly)
        {
            if (!logs.TryGetValue(Monitor, out double current))
            {
                throw new InvalidOperationException($"ModelCheckpoint monitors '{Monitor}', which the logs do not have ({string.Join(", ", logs.Keys)}).");
            }
            if (!(_max ? current > _best : current < _best)) return;
            _best = current;
        }
        string path = Path.Replace("{epoch:02d}", (epoch + 1).ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{epoch}", (epoch + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        if (SaveWeightsOnly) context.Model.SaveWeights(path);
        else context.Model.SaveCheckpoint(path, context.Optimizer);
        LastSaved = path;
    }
}

/// <summary>Keras <c>TerminateOnNaN</c>: stops training as soon as a batch's loss is NaN or infinite.</summary>
public sealed class TerminateOnNaN : Callback
{
    private readonly TextWriter? _log;

    /// <summary>Creates the callback; the message goes to <paramref name="log"/> (default: the console).</summary>
    public TerminateOnNaN(TextWriter? log = null) => _log = log;

    /// <summary>The batch whose loss was not finite (−1 if none).</summary>
    public int TerminatedAtBatch { get; private set; } = -1;

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context) => TerminatedAtBatch = -1;

    /// <inheritdoc />
    public override void OnBatchEnd(TrainingContext context, in BatchLogs logs)
    {
        if (double.IsFinite(logs.Loss)) return;
        TerminatedAtBatch = logs.Batch;
        (_log ?? Console.Out).WriteLine($"Batch {logs.Batch}: Invalid loss, terminating training");
        context.StopTraining = true;
    }
}
