using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>What <see cref="LearningRateFinder.Find"/> measured.</summary>
/// <param name="Rates">The learning rate of each batch.</param>
/// <param name="Losses">The true loss of each batch (not Keras's running mean, which lags).</param>
/// <param name="SmoothedLosses">An exponential moving average of <paramref name="Losses"/> (β = 0.98, bias-corrected), used to find the turning point.</param>
/// <param name="MinimumLossRate">The rate at the lowest smoothed loss: where the loss stops falling.</param>
/// <param name="SuggestedRate">A tenth of <paramref name="MinimumLossRate"/>, the book's rule of thumb.</param>
public sealed record LearningRateFinderResult(double[] Rates, double[] Losses, double[] SmoothedLosses, double MinimumLossRate, double SuggestedRate);

/// <summary>
/// The book's learning-rate finder (handson-ml2 <c>find_learning_rate</c>): trains for one epoch while the rate grows
/// exponentially from <c>minRate</c> (1e-5) to <c>maxRate</c> (10) — multiplied by
/// <c>q = exp(ln(max / min) / iterations)</c> after every batch — records each batch's loss, then restores the
/// network's weights and the optimizer's state and rate. Pick a rate about 10 times below where the loss shoots up
/// (<see cref="LearningRateFinderResult.SuggestedRate"/>); NetDsl.Plots draws the curve on a log axis.
/// </summary>
public static class LearningRateFinder
{
    /// <summary>Runs the finder.</summary>
    /// <param name="model">The network (its weights are restored afterwards).</param>
    /// <param name="train">Training data.</param>
    /// <param name="optimizer">The optimizer to probe with (its state and rate are restored afterwards).</param>
    /// <param name="batchSize">Batch size.</param>
    /// <param name="epochs">Epochs over which the rate grows (the notebook: 1).</param>
    /// <param name="minRate">Starting rate.</param>
    /// <param name="maxRate">Final rate.</param>
    /// <param name="stopOnDivergence">Stop once the loss is not finite or above 4 × the lowest smoothed loss (the curve has turned).</param>
    public static LearningRateFinderResult Find(INetwork model, Dataset train, Optimizer optimizer, int batchSize = 32, int epochs = 1,
        double minRate = 1e-5, double maxRate = 10, bool stopOnDivergence = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(minRate > 0) || !(maxRate > minRate) || double.IsInfinity(maxRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minRate), $"The rates must satisfy 0 < minRate < maxRate < ∞ (got {minRate} and {maxRate}).");
        }
        if (epochs <= 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "At least one epoch.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");

        float[] parameters = model.Parameters.ToArray(), state = model.State.ToArray();
        OptimizerState optimizerState = optimizer.CaptureState();
        LearningRateSchedule? schedule = optimizer.Schedule;
        double rate = optimizer.LearningRate;
        long iterations = (long)Math.Ceiling((double)train.Count / batchSize) * epochs;
        var recorder = new Recorder(minRate, Math.Exp(Math.Log(maxRate / minRate) / iterations), stopOnDivergence, (int)Math.Min(iterations, int.MaxValue));
        try
        {
            optimizer.LearningRate = minRate;
            model.Fit(train, epochs: epochs, batchSize: batchSize, optimizer: optimizer, callbacks: new Callback[] { recorder }, verbose: 0);
        }
        finally
        {
            parameters.CopyTo(model.Parameters);
            state.CopyTo(model.State);
            optimizer.RestoreState(optimizerState);
            optimizer.RestoreRate(schedule, rate);
        }

        double[] rates = recorder.Rates.ToArray(), losses = recorder.Losses.ToArray(), smoothed = recorder.Smoothed.ToArray();
        int best = 0;
        for (int i = 1; i < smoothed.Length; i++) if (smoothed[i] < smoothed[best]) best = i;
        double turning = rates.Length > 0 ? rates[best] : minRate;
        return new LearningRateFinderResult(rates, losses, smoothed, turning, turning / 10);
    }

    private sealed class Recorder : Callback
    {
        private const double Beta = 0.98;
        private readonly double _factor;
        private readonly bool _stopOnDivergence;
        private double _rate, _average, _lowest = double.PositiveInfinity;

        public Recorder(double start, double factor, bool stopOnDivergence, int capacity)
        {
            _rate = start;
            _factor = factor;
            _stopOnDivergence = stopOnDivergence;
            Rates = new List<double>(capacity);
            Losses = new List<double>(capacity);
            Smoothed = new List<double>(capacity);
        }

        public List<double> Rates { get; }

        public List<double> Losses { get; }

        public List<double> Smoothed { get; }

        public override void OnBatchBegin(TrainingContext context, int batch) => context.Optimizer.LearningRate = _rate;

        public override void OnBatchEnd(TrainingContext context, in BatchLogs logs)
        {
            Rates.Add(_rate);
            Losses.Add(logs.Loss);
            _average = Beta * _average + (1 - Beta) * logs.Loss;
            double smooth = _average / (1 - Math.Pow(Beta, Losses.Count));
            Smoothed.Add(smooth);
            _lowest = Math.Min(_lowest, smooth);
            _rate *= _factor;
            if (_stopOnDivergence && (!double.IsFinite(logs.Loss) || smooth > 4 * _lowest)) context.StopTraining = true;
        }
    }
}
