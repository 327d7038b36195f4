using System;
using System.Runtime.CompilerServices;

namespace NetDsl;

/// <summary>Keras's accuracy metrics, as <c>metrics=["accuracy"]</c> resolves them for each loss.</summary>
public static class Metrics
{
    /// <summary>Whether <paramref name="loss"/> has an accuracy metric (every loss but mean squared error).</summary>
    public static bool HasAccuracy(Loss loss) => loss != Loss.MeanSquaredError;

    /// <summary>
    /// Correct predictions among <paramref name="batch"/> rows of outputs against integer labels: argmax for several
    /// outputs (<c>sparse_categorical_accuracy</c>), <c>output &gt; 0.5</c> for one (<c>binary_accuracy</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int batch, int width)
    {
        int correct = 0;
        for (int i = 0; i < batch; i++)
        {
            ReadOnlySpan<float> row = outputs.Slice(i * width, width);
            int predicted = width == 1 ? (row[0] > 0.5f ? 1 : 0) : ArgMax(row);
            if (predicted == labels[i]) correct++;
        }
        return correct;
    }

    /// <summary>
    /// Accuracy credit of <paramref name="batch"/> rows against float targets, in samples: categorical accuracy
    /// (argmax of outputs equals argmax of targets) for categorical cross-entropy, and for binary cross-entropy the mean
    /// over units of <c>(output &gt; 0.5) == (target &gt; 0.5)</c> per sample.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double CountCorrect(Loss loss, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int batch, int width)
    {
        double correct = 0;
        for (int i = 0; i < batch; i++)
        {
            ReadOnlySpan<float> row = outputs.Slice(i * width, width);
            ReadOnlySpan<float> t = targets.Slice(i * width, width);
            if (loss == Loss.BinaryCrossentropy)
            {
                int hits = 0;
                for (int j = 0; j < width; j++) if ((row[j] > 0.5f) == (t[j] > 0.5f)) hits++;
                correct += (double)hits / width;
            }
            else if (ArgMax(row) == ArgMax(t))
            {
                correct++;
            }
        }
        return correct;
    }

    /// <summary>Index of the largest value (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int j = 1; j < values.Length; j++) if (values[j] > values[best]) best = j;
        return best;
    }
}
