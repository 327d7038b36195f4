using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace NetDsl;

/// <summary>Argument checks shared by every generated network, with messages that name the problem.</summary>
public static class NetworkChecks
{
    /// <summary>Checks a batch of inputs: a positive batch size whose workspace fits in memory, and <c>batchSize × inputSize</c> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Input(string network, ReadOnlySpan<float> x, int batchSize, int inputSize, int floatsPerSample)
    {
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"{network}: the batch size must be at least 1.");
        }
        if ((long)batchSize * Math.Max(floatsPerSample, inputSize) > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"{network}: a batch of {batchSize} needs a workspace of more than {Array.MaxLength} floats; use smaller batches.");
        }
        if (x.Length != (long)batchSize * inputSize)
        {
            throw new ArgumentException(
                $"{network}: x has {x.Length} floats, but {batchSize} samples of {inputSize} inputs need {(long)batchSize * inputSize}.", nameof(x));
        }
        if (!AllFinite(x))
        {
            int i = 0;
            while (float.IsFinite(x[i])) i++;
            throw new ArgumentException($"{network}: input {i % inputSize} of sample {i / inputSize} is {x[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}; NetDsl refuses NaN and infinite inputs.", nameof(x));
        }
    }

    /// <summary>
    /// Whether every value is finite, in one vectorized pass: <c>v·0</c> is 0 for a finite value and NaN for NaN or ±∞,
    /// and a sum of them stays NaN once it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 32)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            ref float first = ref MemoryMarshal.GetReference(values);
            for (; i + 32 <= values.Length; i += 32)
            {
                a0 += Vector256.LoadUnsafe(ref first, (nuint)i) * Vector256<float>.Zero;
                a1 += Vector256.LoadUnsafe(ref first, (nuint)(i + 8)) * Vector256<float>.Zero;
                a2 += Vector256.LoadUnsafe(ref first, (nuint)(i + 16)) * Vector256<float>.Zero;
                a3 += Vector256.LoadUnsafe(ref first, (nuint)(i + 24)) * Vector256<float>.Zero;
            }
            if (!float.IsFinite(Vector256.Sum(a0 + a1 + a2 + a3))) return false;
        }
        for (; i < values.Length; i++) if (!float.IsFinite(values[i])) return false;
        return true;
    }

    /// <summary>
    /// Marks a network instance as in use by the calling thread; a second thread using it at the same time gets a
    /// clear exception instead of a corrupted workspace. Called by generated code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Enter(ref int inUse, string network)
    {
        if (Interlocked.CompareExchange(ref inUse, 1, 0) != 0)
        {
            throw new InvalidOperationException(
                $"{network}: this instance is already running on another thread. A network keeps its activations in a workspace, so it must not be shared between threads: give each thread its own instance (and copy the weights into it with Parameters.CopyTo).");
        }
    }

    /// <summary>Releases what <see cref="Enter"/> took.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Exit(ref int inUse) => Volatile.Write(ref inUse, 0);

    /// <summary>Checks an output buffer of at least <c>batchSize × outputSize</c> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Output(string network, Span<float> y, int batchSize, int outputSize)
    {
        if (y.Length < (long)batchSize * outputSize)
        {
            throw new ArgumentException(
                $"{network}: y has {y.Length} floats, but {batchSize} samples of {outputSize} outputs need {(long)batchSize * outputSize}.", nameof(y));
        }
    }

    /// <summary>Checks one label per sample, each in [0, classes) (for one output unit: 0 or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Labels(string network, ReadOnlySpan<int> labels, int batchSize, int outputSize)
    {
        if (labels.Length != batchSize)
        {
            throw new ArgumentException($"{network}: expected {batchSize} labels (one per sample), got {labels.Length}.", nameof(labels));
        }
        int classes = outputSize == 1 ? 2 : outputSize;
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i],
                    $"{network}: label {labels[i]} of sample {i} is outside [0, {classes}).");
            }
        }
    }

    /// <summary>Checks <c>batchSize × outputSize</c> finite targets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Targets(string network, ReadOnlySpan<float> targets, int batchSize, int outputSize)
    {
        if (targets.Length != (long)batchSize * outputSize)
        {
            throw new ArgumentException(
                $"{network}: targets has {targets.Length} floats, but {batchSize} samples of {outputSize} outputs need {(long)batchSize * outputSize}.", nameof(targets));
        }
        if (!AllFinite(targets))
        {
            int i = 0;
            while (float.IsFinite(targets[i])) i++;
            throw new ArgumentException($"{network}: target {i % outputSize} of sample {i / outputSize} is {targets[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(targets));
        }
    }

    /// <summary>The exception for a loss that takes the other kind of targets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static InvalidOperationException WrongTargets(string network, Loss loss, bool labelsGiven) => new(labelsGiven
        ? $"{network} is trained with {loss}, which takes float targets (batch × OutputSize); call the overload with ReadOnlySpan<float> targets."
        : $"{network} is trained with {loss}, which takes integer class labels; call the overload with ReadOnlySpan<int> labels.");
}
