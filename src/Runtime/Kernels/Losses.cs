using System;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace NetDsl;

public static partial class Kernels
{
    /// <summary>
    /// Softmax fused with sparse categorical cross-entropy, from the logits (what Keras computes inside
    /// <c>fit</c> for a softmax output): per row <c>−log softmax(z)[label]</c>, stable for any logits, no clipping.
    /// Returns the mean over the batch; writes the probabilities (if <paramref name="probabilities"/> is not empty)
    /// and <c>(softmax(z) − onehot(label)) / batch</c> into <paramref name="logitsGradient"/> (if not empty).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SoftmaxSparseCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> probabilities,
        Span<float> logitsGradient, int batch, int classes)
    {
        CheckLength(logits, batch * classes, nameof(logits));
        CheckLabels(labels, batch, classes);
        double total = 0;
        float invBatch = 1f / batch;
        int block = Math.Max(1, ExponentialBlock / Math.Max(classes, 1));
        Span<double> e = Scratch.Doubles(Math.Min(batch, block) * classes);
        Span<float> maxima = stackalloc float[Math.Min(batch, block)];
        Span<double> sums = stackalloc double[Math.Min(batch, block)];
        for (int i0 = 0; i0 < batch; i0 += block)
        {
            int rows = Math.Min(block, batch - i0);
            Span<double> eb = e.Slice(0, rows * classes);
            ShiftedExponentials(logits.Slice(i0 * classes, rows * classes), classes, eb, maxima, sums);
            for (int r = 0; r < rows; r++)
            {
                int i = i0 + r;
                ReadOnlySpan<float> z = logits.Slice(i * classes, classes);
                ReadOnlySpan<double> er = eb.Slice(r * classes, classes);
                int label = labels[i];
                double sum = sums[r];
                double logSum = Math.Log(sum);
                total += logSum - (z[label] - maxima[r]);
                if (!probabilities.IsEmpty || !logitsGradient.IsEmpty)
                {
                    for (int j = 0; j < classes; j++)
                    {
                        float p = (float)(er[j] / sum);
                        if (!probabilities.IsEmpty) probabilities[i * classes + j] = p;
                        if (!logitsGradient.IsEmpty) logitsGradient[i * classes + j] = (p - (j == label ? 1f : 0f)) * invBatch;
                    }
                }
            }
        }
        return (float)(total / batch);
    }

    /// <summary>
    /// Softmax fused with categorical cross-entropy against (one-hot or probability) targets:
    /// per row <c>−Σⱼ tⱼ·log softmax(z)ⱼ</c>; gradient <c>(softmax(z)·Σt − t) / batch</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> probabilities,
        Span<float> logitsGradient, int batch, int classes)
    {
        CheckLength(logits, batch * classes, nameof(logits));
        CheckTargets(targets, batch * classes);
        double total = 0;
        float invBatch = 1f / batch;
        Span<double> e = Scratch.Doubles(classes);
        Span<float> maxima = stackalloc float[1];
        Span<double> sums = stackalloc double[1];
        for (int i = 0; i < batch; i++)
        {
            ReadOnlySpan<float> z = logits.Slice(i * classes, classes);
            ReadOnlySpan<float> t = targets.Slice(i * classes, classes);
            ShiftedExponentials(z, classes, e, maxima, sums);
            float max = maxima[0];
            double sum = sums[0];
            double logSum = Math.Log(sum);
            double rowLoss = 0, tSum = 0;
            for (int j = 0; j < classes; j++)
            {
                rowLoss -= t[j] * (z[j] - max - logSum);
                tSum += t[j];
            }
            total += rowLoss;
            if (!probabilities.IsEmpty || !logitsGradient.IsEmpty)
            {
                for (int j = 0; j < classes; j++)
                {
                    float p = (float)(e[j] / sum);
                    if (!probabilities.IsEmpty) probabilities[i * classes + j] = p;
                    if (!logitsGradient.IsEmpty) logitsGradient[i * classes + j] = (float)(p * tSum - t[j]) * invBatch;
                }
            }
        }
        return (float)(total / batch);
    }

    /// <summary>
    /// The largest of a row of logits, NaN if one is (as <c>TensorPrimitives.Max</c>, whose call costs more than the
    /// comparisons for a row of ten).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float RowMax(ReadOnlySpan<float> row)
    {
        float max = row[0];
        for (int j = 1; j < row.Length; j++) max = Math.Max(max, row[j]);
        return max;
    }

    /// <summary>Doubles of <see cref="ShiftedExponentials"/>' blocks of rows (16 KiB of scratch whatever the batch).</summary>
    private const int ExponentialBlock = 2048;

    /// <summary>
    /// <c>e = exp(z − max of its row)</c> in double precision for whole rows of <paramref name="classes"/> logits: the
    /// differences in single precision, as before, then one vectorized exponential over all of them
    /// (<c>TensorPrimitives.Exp</c>, four doubles at a time: a batch of 32 × 10 logits in about 1 µs instead of about
    /// 3.5 µs with <c>Math.Exp</c> one by one; both within an ulp of the exact value in double precision, so the
    /// probabilities, rounded to single precision, are the same but for a result within an ulp of a rounding boundary).
    /// Each row's maximum goes to <paramref name="maxima"/> (the loss subtracts it from the label's logit) and the sum
    /// of its exponentials, in order, to <paramref name="sums"/> (softmax's denominator).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShiftedExponentials(ReadOnlySpan<float> z, int classes, Span<double> e, Span<float> maxima, Span<double> sums)
    {
        for (int i = 0, r = 0; i < z.Length; i += classes, r++)
        {
            ReadOnlySpan<float> row = z.Slice(i, classes);
            float max = RowMax(row);
            maxima[r] = max;
            for (int j = 0; j < classes; j++) e[i + j] = row[j] - max;
        }
        TensorPrimitives.Exp(e.Slice(0, z.Length), e.Slice(0, z.Length));
        for (int i = 0, r = 0; i < z.Length; i += classes, r++)
        {
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += e[i + j];
            sums[r] = sum;
        }
    }

    /// <summary>
    /// Sigmoid fused with binary cross-entropy, from the logits: per element
    /// <c>max(z, 0) − z·t + log(1 + e^−|z|)</c>, averaged over units and batch (Keras's mean over the last axis, then
    /// over the batch); gradient <c>(σ(z) − t) / (batch·units)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SigmoidBinaryCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> probabilities,
        Span<float> logitsGradient, int batch, int units)
    {
        int count = batch * units;
        CheckLength(logits, count, nameof(logits));
        CheckTargets(targets, count);
        double total = 0;
        float scale = 1f / count;
        for (int i = 0; i < count; i++)
        {
            float z = logits[i], t = targets[i];
            if (t < 0f || t > 1f) throw new ArgumentOutOfRangeException(nameof(targets), t, $"Binary cross-entropy needs targets in [0, 1]; element {i} is {t}.");
            total += Math.Max(z, 0f) - z * t + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            float p = 1f / (1f + MathF.Exp(-z));
            if (!probabilities.IsEmpty) probabilities[i] = p;
            if (!logitsGradient.IsEmpty) logitsGradient[i] = (p - t) * scale;
        }
        return (float)(total / count);
    }

    /// <summary><see cref="SigmoidBinaryCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, int, int)"/> with integer 0/1 labels on a single output unit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SigmoidBinaryCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> probabilities,
        Span<float> logitsGradient, int batch)
    {
        CheckLength(logits, batch, nameof(logits));
        CheckLabels(labels, batch, 2);
        double total = 0;
        float scale = 1f / batch;
        for (int i = 0; i < batch; i++)
        {
            float z = logits[i], t = labels[i];
            total += Math.Max(z, 0f) - z * t + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            float p = 1f / (1f + MathF.Exp(-z));
            if (!probabilities.IsEmpty) probabilities[i] = p;
            if (!logitsGradient.IsEmpty) logitsGradient[i] = (p - t) * scale;
        }
        return (float)(total / batch);
    }

    /// <summary>Mean squared error over units and batch; gradient <c>2·(y − t) / (batch·units)</c> with respect to the outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float MeanSquaredError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> outputGradient, int batch, int units)
    {
        int count = batch * units;
        CheckLength(outputs, count, nameof(outputs));
        CheckTargets(targets, count);
        double total = 0;
        float scale = 2f / count;
        for (int i = 0; i < count; i++)
        {
            float d = outputs[i] - targets[i];
            total += (double)d * d;
            if (!outputGradient.IsEmpty) outputGradient[i] = d * scale;
        }
        return (float)(total / count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckLabels(ReadOnlySpan<int> labels, int batch, int classes)
    {
        if (labels.Length != batch)
        {
            throw new ArgumentException($"Expected {batch} labels (one per sample), got {labels.Length}.", nameof(labels));
        }
        for (int i = 0; i < batch; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i],
                    $"Label {labels[i]} of sample {i} is outside [0, {classes}): the network's output has {classes} {(classes == 1 ? "unit" : "classes")}.");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckTargets(ReadOnlySpan<float> targets, int count)
    {
        if (targets.Length != count)
        {
            throw new ArgumentException($"Expected {count} target values, got {targets.Length}.", nameof(targets));
        }
    }
}
