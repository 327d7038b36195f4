using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NetDsl;

/// <summary>Keras's model methods for every generated network: <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c>.</summary>
public static class NetworkExtensions
{
    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="train"/> (Keras's <c>model.fit</c>): epochs
    /// <paramref name="initialEpoch"/> … <paramref name="epochs"/> − 1 (<paramref name="epochs"/> is the final index, as
    /// in Keras), mini-batches of <paramref name="batchSize"/> reshuffled every epoch (seeded by the model's seed and
    /// the epoch, so runs are reproducible), validation at each epoch's end, callbacks.
    /// </summary>
    /// <param name="model">The network.</param>
    /// <param name="train">Training data: features of width <see cref="INetwork.InputSize"/>, integer labels or float targets.</param>
    /// <param name="epochs">Index of the last epoch + 1.</param>
    /// <param name="batchSize">Samples per step (the last batch of an epoch may be smaller).</param>
    /// <param name="optimizer">
    /// The optimizer; it keeps its state (slots, iteration count) across calls. Null: a new <see cref="RmsProp"/> with
    /// Keras's defaults for this call only (Keras's <c>compile()</c> default is <c>"rmsprop"</c>); pass an instance to
    /// keep its state between calls.
    /// </param>
    /// <param name="validation">Data evaluated (inference mode) after each epoch: <c>val_loss</c>, <c>val_accuracy</c>.</param>
    /// <param name="callbacks">Callbacks, called in order.</param>
    /// <param name="initialEpoch">Index of the first epoch (to resume training).</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="shuffle">Reshuffle the samples every epoch.</param>
    /// <param name="output">Where progress goes (default: the console).</param>
    /// <returns>The per-epoch logs.</returns>
    public static History Fit(this INetwork model, Dataset train, int epochs = 1, int batchSize = 32, Optimizer? optimizer = null,
        Dataset? validation = null, IEnumerable<Callback>? callbacks = null, int initialEpoch = 0, int verbose = 1, bool shuffle = true,
        TextWriter? output = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        optimizer ??= new RmsProp();
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (initialEpoch < 0) throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, "The initial epoch must be ≥ 0.");
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose is 0 (silent), 1 (progress bar) or 2 (one line per epoch).");
        CheckData(model, train, nameof(train));
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        if (validation is not null)
        {
            CheckData(model, validation, nameof(validation));
            if (validation.Count == 0) throw new ArgumentException("The validation set is empty.", nameof(validation));
        }
        Callback[] cbs = callbacks?.ToArray() ?? Array.Empty<Callback>();
        TextWriter writer = output ?? Console.Out;
        bool interactive = output is null && !Console.IsOutputRedirected;

        int n = train.Count;
        int steps = (n + batchSize - 1) / batchSize;
        int batchCapacity = Math.Min(batchSize, n);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var x = new float[batchCapacity * model.InputSize];
        int[] labels = train.HasLabels ? new int[batchCapacity] : Array.Empty<int>();
        float[] targets = train.HasLabels ? Array.Empty<float>() : new float[batchCapacity * model.OutputSize];
        bool hasAccuracy = Metrics.HasAccuracy(model.Loss);

        var history = new History();
        var context = new TrainingContext(model, optimizer, epochs, steps);
        var bar = new ProgressBar(writer, verbose, interactive, steps);
        foreach (Callback cb in cbs) cb.OnTrainBegin(context);
        for (int epoch = initialEpoch; epoch < epochs && !context.StopTraining; epoch++)
        {
            foreach (Callback cb in cbs) cb.OnEpochBegin(context, epoch);
            if (shuffle) new SeededRandom(model.Seed, 2_000_000 + epoch).Shuffle(order.AsSpan());
            bar.StartEpoch(epoch, epochs);
            double lossSum = 0, correct = 0;
            int seen = 0;
            for (int step = 0; step < steps && !context.StopTraining; step++)
            {
                foreach (Callback cb in cbs) cb.OnBatchBegin(context, step);
                int start = step * batchSize;
                int size = Math.Min(batchSize, n - start);
                ReadOnlySpan<int> idx = order.AsSpan(start, size);
                Span<float> xb = x.AsSpan(0, size * model.InputSize);
                float loss;
                if (train.HasLabels)
                {
                    Span<int> yb = labels.AsSpan(0, size);
                    train.GatherBatch(idx, xb, yb);
                    loss = model.TrainStep(xb, yb, size, optimizer);
                    if (hasAccuracy) correct += Metrics.CountCorrect(model.Output, yb, size, model.OutputSize);
                }
                else
                {
                    Span<float> tb = targets.AsSpan(0, size * model.OutputSize);
                    train.GatherBatch(idx, xb, tb);
                    loss = model.TrainStep(xb, tb, size, optimizer);
                    if (hasAccuracy) correct += Metrics.CountCorrect(model.Loss, model.Output, tb, size, model.OutputSize);
                }
                lossSum += (double)loss * size;
                seen += size;
                double meanLoss = lossSum / seen;
                var batchLogs = new BatchLogs(step, size, loss, meanLoss);
                foreach (Callback cb in cbs) cb.OnBatchEnd(context, batchLogs);
                bar.Update(step + 1, meanLoss, hasAccuracy ? correct / seen : double.NaN);
            }

            if (seen == 0) break; // a callback stopped training before the first batch
            var logs = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = lossSum / seen };
            if (hasAccuracy) logs["accuracy"] = correct / seen;
            if (validation is not null)
            {
                EvaluationResult v = model.Evaluate(validation, batchSize: Math.Max(batchSize, 256));
                logs["val_loss"] = v.Loss;
                if (hasAccuracy) logs["val_accuracy"] = v.Accuracy;
            }
            logs["lr"] = optimizer.LearningRate;
            foreach (Callback cb in cbs) cb.OnEpochEnd(context, epoch, logs);
            history.Add(epoch, logs);
            bar.EndEpoch(logs);
        }
        foreach (Callback cb in cbs) cb.OnTrainEnd(context);
        return history;
    }

    /// <summary>Mean loss (regularization included) and accuracy on <paramref name="data"/>, in inference mode (Keras's <c>model.evaluate</c>).</summary>
    public static EvaluationResult Evaluate(this INetwork model, Dataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        CheckData(model, data, nameof(data));
        if (data.Count == 0) throw new ArgumentException("The dataset is empty.", nameof(data));
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        int n = data.Count, w = model.OutputSize, d = model.InputSize;
        int cap = Math.Min(batchSize, n);
        var y = new float[cap * w];
        double lossSum = 0, correct = 0;
        bool hasAccuracy = Metrics.HasAccuracy(model.Loss);
        for (int start = 0; start < n; start += cap)
        {
            int size = Math.Min(cap, n - start);
            ReadOnlySpan<float> xb = data.Features.Slice(start * d, size * d);
            Span<float> yb = y.AsSpan(0, size * w);
            if (data.HasLabels)
            {
                ReadOnlySpan<int> lb = data.Labels.Slice(start, size);
                lossSum += (double)model.ComputeLoss(xb, lb, size, yb) * size;
                if (hasAccuracy) correct += Metrics.CountCorrect(yb, lb, size, w);
            }
            else
            {
                ReadOnlySpan<float> tb = data.Targets.Slice(start * w, size * w);
                lossSum += (double)model.ComputeLoss(xb, tb, size, yb) * size;
                if (hasAccuracy) correct += Metrics.CountCorrect(model.Loss, yb, tb, size, w);
            }
        }
        return new EvaluationResult(lossSum / n, hasAccuracy ? correct / n : double.NaN);
    }

    /// <summary>The network's outputs for every sample of <paramref name="data"/>: <c>Count × OutputSize</c> floats, row-major (inference mode).</summary>
    public static float[] Predict(this INetwork model, Dataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != model.InputSize)
        {
            throw new ArgumentException($"The dataset has {data.FeatureCount} features per sample; the network takes {model.InputSize}.", nameof(data));
        }
        return model.Predict(data.Features, data.Count, batchSize);
    }

    /// <summary>The network's outputs for <paramref name="count"/> samples of <paramref name="x"/> (<c>count × InputSize</c>): <c>count × OutputSize</c> floats.</summary>
    public static float[] Predict(this INetwork model, ReadOnlySpan<float> x, int count, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The sample count must be ≥ 0.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        int d = model.InputSize, w = model.OutputSize;
        if (x.Length != (long)count * d)
        {
            throw new ArgumentException($"{count} samples of {d} features need {(long)count * d} floats; got {x.Length}.", nameof(x));
        }
        var result = new float[count * w];
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            model.Forward(x.Slice(start * d, size * d), result.AsSpan(start * w, size * w), size);
        }
        return result;
    }

    /// <summary>
    /// Monte Carlo dropout (the book's <c>MCDropout</c>): the mean of <paramref name="samples"/> stochastic
    /// predictions with dropout active and BatchNorm in inference mode; <c>Count × OutputSize</c> floats.
    /// </summary>
    /// <param name="model">The network.</param>
    /// <param name="data">The samples to predict.</param>
    /// <param name="samples">Stochastic forward passes per sample (the book uses 100).</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="seed">When given, reseeds the dropout masks first (see <see cref="INetwork.ReseedTraining"/>) so the result is reproducible.</param>
    public static float[] PredictMonteCarlo(this INetwork model, Dataset data, int samples = 100, int batchSize = 256, int? seed = null)
        => model.PredictMonteCarloWithDeviation(data, samples, batchSize, seed).Mean;

    /// <summary>
    /// Monte Carlo dropout with the uncertainty: the mean and the (population) standard deviation over
    /// <paramref name="samples"/> stochastic predictions, each <c>Count × OutputSize</c> floats (NumPy's
    /// <c>y_probas.mean(axis=0)</c> and <c>y_probas.std(axis=0)</c> in the book).
    /// </summary>
    public static MonteCarloPrediction PredictMonteCarloWithDeviation(this INetwork model, Dataset data, int samples = 100, int batchSize = 256, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != model.InputSize)
        {
            throw new ArgumentException($"The dataset has {data.FeatureCount} features per sample; the network takes {model.InputSize}.", nameof(data));
        }
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "At least one sample is needed.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (seed is int s) model.ReseedTraining(s);
        int n = data.Count, d = model.InputSize, w = model.OutputSize;
        var mean = new float[n * w];
        var std = new float[n * w];
        int cap = Math.Min(batchSize, Math.Max(n, 1));
        var y = new float[cap * w];
        var sum = new double[cap * w];
        var sumSquares = new double[cap * w];
        for (int start = 0; start < n; start += cap)
        {
            int size = Math.Min(cap, n - start);
            int len = size * w;
            Array.Clear(sum, 0, len);
            Array.Clear(sumSquares, 0, len);
            ReadOnlySpan<float> xb = data.Features.Slice(start * d, size * d);
            for (int k = 0; k < samples; k++)
            {
                model.Forward(xb, y.AsSpan(0, len), size, ForwardMode.MonteCarlo);
                for (int i = 0; i < len; i++)
                {
                    sum[i] += y[i];
                    sumSquares[i] += (double)y[i] * y[i];
                }
            }
            for (int i = 0; i < len; i++)
            {
                double m = sum[i] / samples;
                mean[start * w + i] = (float)m;
                std[start * w + i] = (float)Math.Sqrt(Math.Max(0, sumSquares[i] / samples - m * m));
            }
        }
        return new MonteCarloPrediction(mean, std);
    }

    private static void CheckData(INetwork model, Dataset data, string name)
    {
        if (data.FeatureCount != model.InputSize)
        {
            throw new ArgumentException($"The {name} set has {data.FeatureCount} features per sample; the network takes {model.InputSize}.", name);
        }
        if (!data.HasLabels && data.TargetCount != model.OutputSize)
        {
            throw new ArgumentException($"The {name} set has {data.TargetCount} targets per sample; the network outputs {model.OutputSize}.", name);
        }
        if (data.HasLabels && model.Loss is Loss.CategoricalCrossentropy or Loss.MeanSquaredError)
        {
            throw new ArgumentException($"The {name} set has integer labels, but the network's loss {model.Loss} needs float targets (Dataset with targets).", name);
        }
    }
}
