using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>
/// What <see cref="NetworkExtensions.Fit"/> returns (Keras's <c>History</c>): one list of values per metric
/// (<c>loss</c>, <c>accuracy</c>, <c>val_loss</c>, <c>val_accuracy</c>, <c>lr</c> …), one entry per epoch.
/// </summary>
public sealed class History
{
    private readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);

    /// <summary>The epoch indices that ran (Keras's <c>history.epoch</c>).</summary>
    public List<int> Epoch { get; } = new();

    /// <summary>Per-metric values (Keras's <c>history.history</c>).</summary>
    public IReadOnlyDictionary<string, List<double>> Values => _values;

    /// <summary>The values of <paramref name="metric"/>, one per epoch.</summary>
    public IReadOnlyList<double> this[string metric] =>
        _values.TryGetValue(metric, out List<double>? list) ? list : throw new KeyNotFoundException($"History has no metric '{metric}'; it has: {string.Join(", ", _values.Keys)}.");

    /// <summary>Whether <paramref name="metric"/> was recorded.</summary>
    public bool Contains(string metric) => _values.ContainsKey(metric);

    internal void Add(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        Epoch.Add(epoch);
        foreach (KeyValuePair<string, double> kv in logs)
        {
            if (!_values.TryGetValue(kv.Key, out List<double>? list)) _values[kv.Key] = list = new List<double>();
            list.Add(kv.Value);
        }
    }
}

/// <summary>The result of <see cref="NetworkExtensions.Evaluate"/>: the mean loss (regularization included) and, for classification losses, the accuracy.</summary>
/// <param name="Loss">Mean loss over the samples.</param>
/// <param name="Accuracy">Accuracy (NaN for a regression loss).</param>
public readonly record struct EvaluationResult(double Loss, double Accuracy);

/// <summary>The result of Monte Carlo dropout: per output, the mean and the standard deviation over the stochastic passes.</summary>
/// <param name="Mean">The mean prediction, <c>Count × OutputSize</c>.</param>
/// <param name="StandardDeviation">The standard deviation, <c>Count × OutputSize</c>.</param>
public sealed record MonteCarloPrediction(float[] Mean, float[] StandardDeviation);

/// <summary>Per-batch information given to <see cref="Callback.OnBatchEnd"/>, allocation-free.</summary>
/// <param name="Batch">Batch index within the epoch.</param>
/// <param name="Size">Samples in the batch.</param>
/// <param name="Loss">The true loss of this batch (not Keras's running mean).</param>
/// <param name="MeanLoss">The running, sample-weighted mean loss of the epoch so far (what Keras logs as <c>loss</c>).</param>
public readonly record struct BatchLogs(int Batch, int Size, double Loss, double MeanLoss);

/// <summary>The state of a <see cref="NetworkExtensions.Fit"/> call, shared with its callbacks.</summary>
public sealed class TrainingContext
{
    internal TrainingContext(INetwork model, Optimizer optimizer, int epochs, int stepsPerEpoch)
    {
        Model = model;
        Optimizer = optimizer;
        Epochs = epochs;
        StepsPerEpoch = stepsPerEpoch;
    }

    /// <summary>The network being trained.</summary>
    public INetwork Model { get; }

    /// <summary>The optimizer (callbacks may change its <see cref="Optimizer.LearningRate"/>).</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The final epoch index + 1 (Keras's <c>epochs</c>).</summary>
    public int Epochs { get; }

    /// <summary>Batches per epoch.</summary>
    public int StepsPerEpoch { get; }

    /// <summary>
    /// Set by a callback to stop training (Keras's <c>model.stop_training</c>): <c>Fit</c> checks it after every batch, as
    /// Keras 2 does, and then ends the epoch early (its logs are still recorded) and calls <c>OnTrainEnd</c>.
    /// </summary>
    public bool StopTraining { get; set; }
}

/// <summary>
/// Base class of training callbacks (Keras's <c>Callback</c>): override the hooks you need. Epoch indices are absolute
/// (they start at <c>initialEpoch</c>); logs hold <c>loss</c>, <c>accuracy</c>, <c>val_loss</c>, <c>val_accuracy</c>, <c>lr</c>.
/// </summary>
public abstract class Callback
{
    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin(TrainingContext context) { }

    /// <summary>Called once after the last epoch.</summary>
    public virtual void OnTrainEnd(TrainingContext context) { }

    /// <summary>Called at the start of each epoch.</summary>
    public virtual void OnEpochBegin(TrainingContext context, int epoch) { }

    /// <summary>Called at the end of each epoch, after validation; callbacks may add entries to <paramref name="logs"/>.</summary>
    public virtual void OnEpochEnd(TrainingContext context, int epoch, IDictionary<string, double> logs) { }

    /// <summary>Called before each batch.</summary>
    public virtual void OnBatchBegin(TrainingContext context, int batch) { }

    /// <summary>Called after each batch's update.</summary>
    public virtual void OnBatchEnd(TrainingContext context, in BatchLogs logs) { }
}
