using System;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetDsl;

/// <summary>
/// An immutable in-memory dataset: <see cref="Count"/> samples of <see cref="FeatureCount"/> features each
/// (row-major <see cref="float"/>s), with either an <see cref="int"/> class label per sample
/// (<see cref="HasLabels"/>) or <see cref="TargetCount"/> <see cref="float"/> targets per sample.
/// </summary>
/// <remarks>
/// <para>
/// Every instance is validated once, on construction: no NaN or infinity in the features or targets, no
/// negative labels, consistent lengths. Operations that derive a dataset (<see cref="Split"/>,
/// <see cref="Take"/>, <see cref="Select"/>, <see cref="Standardize(float[], float[])"/>, …) return new
/// instances and never modify this one.
/// </para>
/// <para>
/// The public constructors copy the arrays they are given, so that later changes to those arrays cannot
/// invalidate the dataset. (For very large data this briefly needs twice the memory.)
/// </para>
/// </remarks>
public sealed class Dataset
{
    private readonly float[] _features;
    private readonly int[]? _labels;
    private readonly float[]? _targets;

    /// <summary>Creates a classification dataset: features and one non-negative class label per sample.</summary>
    /// <param name="features">
    /// Row-major features, <c>Count × featureCount</c> values; every value must be finite. The array is copied.
    /// </param>
    /// <param name="labels">One class label (0, 1, 2, …) per sample. The array is copied.</param>
    /// <param name="featureCount">The number of features per sample; must be positive.</param>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="featureCount"/> is not positive, or a label is negative (the message names the sample).
    /// </exception>
    /// <exception cref="ArgumentException">
    /// The lengths are inconsistent, or a feature is NaN or infinite (the message names the sample and feature).
    /// </exception>
    public Dataset(float[] features, int[] labels, int featureCount)
        : this(Copy(features, nameof(features)), Copy(labels, nameof(labels)), featureCount, validateFeatures: true)
    {
    }

    /// <summary>Creates a regression (or multi-output) dataset: features and <paramref name="targetCount"/> float targets per sample.</summary>
    /// <param name="features">
    /// Row-major features, <c>Count × featureCount</c> values; every value must be finite. The array is copied.
    /// </param>
    /// <param name="targets">Row-major targets, <c>Count × targetCount</c> finite values. The array is copied.</param>
    /// <param name="featureCount">The number of features per sample; must be positive.</param>
    /// <param name="targetCount">The number of targets per sample; must be positive.</param>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="featureCount"/> or <paramref name="targetCount"/> is not positive.</exception>
    /// <exception cref="ArgumentException">
    /// The lengths are inconsistent, or a feature or target is NaN or infinite (the message names the sample).
    /// </exception>
    public Dataset(float[] features, float[] targets, int featureCount, int targetCount)
        : this(Copy(features, nameof(features)), Copy(targets, nameof(targets)), featureCount, targetCount, validateFeatures: true, validateTargets: true)
    {
    }

    /// <summary>Takes ownership of the arrays (no copy); validates labels always, features on request.</summary>
    internal Dataset(float[] features, int[] labels, int featureCount, bool validateFeatures)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        int count = CheckShape(features.Length, featureCount);
        if (labels.Length != count)
        {
            throw new ArgumentException(
                $"The features hold {count} samples ({features.Length} values / {featureCount} features) but there are {labels.Length} labels.",
                nameof(labels));
        }

        if (validateFeatures)
        {
            CheckFinite(features, featureCount, nameof(features), "feature");
        }

        int maxLabel = -1;
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if (label < 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(labels),
                    label,
                    $"The label of sample {i} is {label}; class labels must be 0 or greater.");
            }

            if (label > maxLabel)
            {
                maxLabel = label;
            }
        }

        _features = features;
        _labels = labels;
        Count = count;
        FeatureCount = featureCount;
        ClassCount = maxLabel + 1;
    }

    /// <summary>Takes ownership of the arrays (no copy); validates on request.</summary>
    internal Dataset(float[] features, float[] targets, int featureCount, int targetCount, bool validateFeatures, bool validateTargets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        int count = CheckShape(features.Length, featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCount);
        if ((long)count * targetCount != targets.Length)
        {
            throw new ArgumentException(
                $"The features hold {count} samples, so {targetCount} targets per sample need {(long)count * targetCount} values, but there are {targets.Length}.",
                nameof(targets));
        }

        if (validateFeatures)
        {
            CheckFinite(features, featureCount, nameof(features), "feature");
        }

        if (validateTargets)
        {
            CheckFinite(targets, targetCount, nameof(targets), "target");
        }

        _features = features;
        _targets = targets;
        Count = count;
        FeatureCount = featureCount;
        TargetCount = targetCount;
    }

    /// <summary>The number of samples (may be 0).</summary>
    public int Count { get; }

    /// <summary>The number of features per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of float targets per sample; 0 when the dataset has int class labels.</summary>
    public int TargetCount { get; }

    /// <summary>True when the samples have int class labels (<see cref="Labels"/>); false when they have float <see cref="Targets"/>.</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>
    /// One more than the largest class label (so 10 for labels 0–9), or 0 for a dataset with float targets or no
    /// samples. A subset that happens to lack the highest class reports a smaller number.
    /// </summary>
    public int ClassCount { get; }

    /// <summary>All features, row-major: sample <c>i</c>'s features are <c>[i * FeatureCount, (i + 1) * FeatureCount)</c>.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>The class label of each sample.</summary>
    /// <exception cref="InvalidOperationException">The dataset has float targets, not labels.</exception>
    public ReadOnlySpan<int> Labels => _labels ?? throw new InvalidOperationException(
        $"This dataset has float targets ({TargetCount} per sample), not int class labels; use Targets.");

    /// <summary>The targets, row-major, <see cref="TargetCount"/> per sample.</summary>
    /// <exception cref="InvalidOperationException">The dataset has int class labels, not targets.</exception>
    public ReadOnlySpan<float> Targets => _targets ?? throw new InvalidOperationException(
        "This dataset has int class labels, not float targets; use Labels (or WithTargets to convert).");

    /// <summary>The features of one sample.</summary>
    /// <param name="index">The sample index, in [0, <see cref="Count"/>).</param>
    /// <returns>A read-only view of <see cref="FeatureCount"/> values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public ReadOnlySpan<float> GetFeatures(int index)
    {
        CheckIndex(index, nameof(index));
        return new ReadOnlySpan<float>(_features, index * FeatureCount, FeatureCount);
    }

    /// <summary>
    /// Splits the samples at random into two disjoint datasets: the first holds <c>Count − validationCount</c>
    /// samples (for training), the second <paramref name="validationCount"/> (for validation).
    /// </summary>
    /// <param name="validationCount">The size of the second part, in [0, <see cref="Count"/>].</param>
    /// <param name="seed">
    /// The seed of the shuffle (a <see cref="SeededRandom"/> stream 0); the same seed always gives the same split.
    /// </param>
    /// <returns>
    /// The training part and the validation part; each holds its samples in shuffled order. To split without
    /// shuffling (as the book's notebook does with <c>X_train_full[:-5000]</c>), use <see cref="Take"/>.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationCount"/> is negative or greater than <see cref="Count"/>.</exception>
    public (Dataset First, Dataset Second) Split(int validationCount, int seed = 42)
    {
        if (validationCount < 0 || validationCount > Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(validationCount),
                validationCount,
                $"The validation count must be between 0 and the number of samples ({Count}).");
        }

        int[] permutation = new SeededRandom(seed).Permutation(Count);
        int trainCount = Count - validationCount;
        return (SelectTrusted(permutation.AsSpan(0, trainCount)), SelectTrusted(permutation.AsSpan(trainCount)));
    }

    /// <summary>Copies a contiguous range of samples into a new dataset.</summary>
    /// <param name="start">The first sample.</param>
    /// <param name="count">The number of samples.</param>
    /// <returns>A dataset of samples <c>[start, start + count)</c>, in order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside [0, <see cref="Count"/>].</exception>
    public Dataset Take(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(count),
                $"Cannot take {count} samples starting at {start} from a dataset of {Count} samples.");
        }

        float[] features = _features.AsSpan(start * FeatureCount, count * FeatureCount).ToArray();
        if (_labels is not null)
        {
            return new Dataset(features, _labels.AsSpan(start, count).ToArray(), FeatureCount, validateFeatures: false);
        }

        float[] targets = _targets!.AsSpan(start * TargetCount, count * TargetCount).ToArray();
        return new Dataset(features, targets, FeatureCount, TargetCount, validateFeatures: false, validateTargets: false);
    }

    /// <summary>Copies the given samples, in the given order, into a new dataset (an index may repeat).</summary>
    /// <param name="indices">The sample indices, each in [0, <see cref="Count"/>).</param>
    /// <returns>A dataset with <c>indices.Length</c> samples.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range (the message names its position).</exception>
    public Dataset Select(ReadOnlySpan<int> indices)
    {
        CheckIndices(indices, nameof(indices));
        return SelectTrusted(indices);
    }

    /// <summary>
    /// Computes each feature's mean and population standard deviation over the samples (as NumPy's
    /// <c>X.mean(axis=0)</c> and <c>X.std(axis=0)</c>), accumulating in double precision.
    /// </summary>
    /// <param name="minStd">
    /// Features whose standard deviation is below this (for example pixels that are 0 in every image) get a
    /// standard deviation of exactly 1 instead, so standardizing leaves them centred at 0 rather than dividing
    /// by zero. (NumPy would produce NaN or infinity there.)
    /// </param>
    /// <returns>Two arrays of <see cref="FeatureCount"/> values: the means and the standard deviations (all &gt; 0).</returns>
    /// <exception cref="InvalidOperationException">The dataset has no samples.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minStd"/> is negative or not finite.</exception>
    /// <remarks>
    /// Compute the statistics on the training set and apply them, unchanged, to the validation and test sets
    /// with <see cref="Standardize(float[], float[])"/>.
    /// </remarks>
    public (float[] Mean, float[] Std) ComputeStandardization(float minStd = 1e-7f)
    {
        if (!float.IsFinite(minStd) || minStd < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minStd), minStd, "minStd must be finite and non-negative.");
        }

        if (Count == 0)
        {
            throw new InvalidOperationException("Cannot compute standardization statistics of a dataset with no samples.");
        }

        int n = FeatureCount;
        var sum = new double[n];
        for (int row = 0; row < Count; row++)
        {
            AccumulateRow(_features.AsSpan(row * n, n), sum);
        }

        var meanD = new double[n];
        for (int j = 0; j < n; j++)
        {
            meanD[j] = sum[j] / Count;
        }

        // Second pass over the deviations: numerically stable, unlike E[x²] − E[x]².
        var squares = sum;
        Array.Clear(squares);
        for (int row = 0; row < Count; row++)
        {
            AccumulateSquaredDeviations(_features.AsSpan(row * n, n), meanD, squares);
        }

        var mean = new float[n];
        var std = new float[n];
        for (int j = 0; j < n; j++)
        {
            mean[j] = (float)meanD[j];
            float s = (float)Math.Sqrt(squares[j] / Count);
            std[j] = s < minStd || s == 0 ? 1f : s;
        }

        return (mean, std);
    }

    /// <summary>Returns a new dataset whose features are <c>(x − mean) / std</c>, feature by feature; labels or targets are kept.</summary>
    /// <param name="mean">One finite mean per feature (typically the training set's, from <see cref="ComputeStandardization"/>).</param>
    /// <param name="std">One finite, strictly positive standard deviation per feature.</param>
    /// <returns>The standardized dataset.</returns>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentException">
    /// An array does not have <see cref="FeatureCount"/> values, a value is not finite or a standard deviation
    /// is not positive, or the result overflows.
    /// </exception>
    public Dataset Standardize(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != FeatureCount)
        {
            throw new ArgumentException($"mean has {mean.Length} values; this dataset has {FeatureCount} features.", nameof(mean));
        }

        if (std.Length != FeatureCount)
        {
            throw new ArgumentException($"std has {std.Length} values; this dataset has {FeatureCount} features.", nameof(std));
        }

        for (int j = 0; j < FeatureCount; j++)
        {
            if (!float.IsFinite(mean[j]))
            {
                throw new ArgumentException($"mean[{j}] is {mean[j]}; means must be finite.", nameof(mean));
            }

            if (!float.IsFinite(std[j]) || !(std[j] > 0))
            {
                throw new ArgumentException($"std[{j}] is {std[j]}; standard deviations must be finite and greater than 0.", nameof(std));
            }
        }

        int n = FeatureCount;
        var features = new float[_features.Length];
        for (int row = 0; row < Count; row++)
        {
            StandardizeRow(_features.AsSpan(row * n, n), mean, std, features.AsSpan(row * n, n));
        }

        // A tiny std can overflow a large feature to infinity; keep the no-non-finite invariant.
        CheckFinite(features, n, "std", "standardized feature");
        return WithFeatures(features);
    }

    /// <summary>Standardizes with this dataset's own statistics (<see cref="ComputeStandardization"/> with its default minStd).</summary>
    /// <returns>The standardized dataset: every feature has mean ≈ 0 and standard deviation ≈ 1 (constant features stay at 0).</returns>
    /// <exception cref="InvalidOperationException">The dataset has no samples.</exception>
    public Dataset Standardize()
    {
        (float[] mean, float[] std) = ComputeStandardization();
        return Standardize(mean, std);
    }

    /// <summary>
    /// Copies the samples at <paramref name="indices"/> into caller-provided buffers, without allocating (the
    /// training loop calls this once per batch).
    /// </summary>
    /// <param name="indices">The sample indices of the batch, each in [0, <see cref="Count"/>).</param>
    /// <param name="features">Receives the features, row-major; exactly <c>indices.Length × FeatureCount</c> values.</param>
    /// <param name="labels">Receives the labels; exactly <c>indices.Length</c> values.</param>
    /// <exception cref="InvalidOperationException">The dataset has float targets, not labels.</exception>
    /// <exception cref="ArgumentException">A buffer has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GatherBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels)
    {
        if (_labels is null)
        {
            throw new InvalidOperationException(
                $"This dataset has float targets ({TargetCount} per sample), not int class labels; use the GatherBatch overload taking a Span<float> of targets.");
        }

        CheckBatchSpans(indices, features.Length, labels.Length, 1, nameof(labels));
        int n = FeatureCount;
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            _features.AsSpan(index * n, n).CopyTo(features.Slice(i * n, n));
            labels[i] = _labels[index];
        }
    }

    /// <summary>
    /// Copies the samples at <paramref name="indices"/> into caller-provided buffers, without allocating (the
    /// training loop calls this once per batch).
    /// </summary>
    /// <param name="indices">The sample indices of the batch, each in [0, <see cref="Count"/>).</param>
    /// <param name="features">Receives the features, row-major; exactly <c>indices.Length × FeatureCount</c> values.</param>
    /// <param name="targets">Receives the targets, row-major; exactly <c>indices.Length × TargetCount</c> values.</param>
    /// <exception cref="InvalidOperationException">The dataset has int class labels, not targets.</exception>
    /// <exception cref="ArgumentException">A buffer has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GatherBatch(ReadOnlySpan<int> indices, Span<float> features, Span<float> targets)
    {
        if (_targets is null)
        {
            throw new InvalidOperationException(
                "This dataset has int class labels, not float targets; use the GatherBatch overload taking a Span<int> of labels.");
        }

        CheckBatchSpans(indices, features.Length, targets.Length, TargetCount, nameof(targets));
        int n = FeatureCount;
        int t = TargetCount;
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            _features.AsSpan(index * n, n).CopyTo(features.Slice(i * n, n));
            _targets.AsSpan(index * t, t).CopyTo(targets.Slice(i * t, t));
        }
    }

    /// <summary>Keeps the samples whose label satisfies <paramref name="labelPredicate"/>, in their original order.</summary>
    /// <param name="labelPredicate">Called with each sample's label.</param>
    /// <returns>A new dataset (possibly empty).</returns>
    /// <exception cref="InvalidOperationException">The dataset has float targets, not labels.</exception>
    /// <remarks>For example the book's transfer-learning task: <c>train.Where(label => label != 5 &amp;&amp; label != 6)</c>.</remarks>
    public Dataset Where(Func<int, bool> labelPredicate)
    {
        ArgumentNullException.ThrowIfNull(labelPredicate);
        int[] labels = RequireLabels(nameof(Where));
        int kept = 0;
        var keep = new int[Count];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labelPredicate(labels[i]))
            {
                keep[kept++] = i;
            }
        }

        return SelectTrusted(keep.AsSpan(0, kept));
    }

    /// <summary>Returns a new dataset with the same features and each label replaced by <c>map(label)</c>.</summary>
    /// <param name="map">The label mapping; must return labels that are 0 or greater.</param>
    /// <returns>The relabelled dataset.</returns>
    /// <exception cref="InvalidOperationException">The dataset has float targets, not labels.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The mapping returned a negative label (the message names the sample).</exception>
    /// <remarks>For example, to renumber the eight remaining classes 0–7: <c>MapLabels(label => label &gt; 6 ? label - 2 : label)</c>.</remarks>
    public Dataset MapLabels(Func<int, int> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        int[] labels = RequireLabels(nameof(MapLabels));
        var mapped = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            mapped[i] = map(labels[i]);
        }

        return new Dataset(_features, mapped, FeatureCount, validateFeatures: false);
    }

    /// <summary>Converts int class labels to one float target per sample, <c>labelToTarget(label)</c>.</summary>
    /// <param name="labelToTarget">The conversion; must return finite values.</param>
    /// <returns>A dataset with the same features and <see cref="TargetCount"/> = 1.</returns>
    /// <exception cref="InvalidOperationException">The dataset has float targets, not labels.</exception>
    /// <exception cref="ArgumentException">The conversion returned NaN or infinity (the message names the sample).</exception>
    /// <remarks>For example the book's binary task "is it a shirt?": <c>WithTargets(label => label == 6 ? 1f : 0f)</c>.</remarks>
    public Dataset WithTargets(Func<int, float> labelToTarget)
    {
        ArgumentNullException.ThrowIfNull(labelToTarget);
        int[] labels = RequireLabels(nameof(WithTargets));
        var targets = new float[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            targets[i] = labelToTarget(labels[i]);
        }

        return new Dataset(_features, targets, FeatureCount, 1, validateFeatures: false, validateTargets: true);
    }

    /// <summary>Describes the dataset's shape, e.g. <c>Dataset: 60000 samples × 784 features, int labels (10 classes)</c>.</summary>
    /// <returns>A one-line description.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Dataset: {Count} samples × {FeatureCount} features, {(HasLabels ? $"int labels ({ClassCount} classes)" : $"{TargetCount} float targets")}");

    private Dataset WithFeatures(float[] features) => _labels is not null
        ? new Dataset(features, _labels, FeatureCount, validateFeatures: false)
        : new Dataset(features, _targets!, FeatureCount, TargetCount, validateFeatures: false, validateTargets: false);

    private Dataset SelectTrusted(ReadOnlySpan<int> indices)
    {
        int n = FeatureCount;
        var features = new float[indices.Length * n];
        for (int i = 0; i < indices.Length; i++)
        {
            _features.AsSpan(indices[i] * n, n).CopyTo(features.AsSpan(i * n, n));
        }

        if (_labels is not null)
        {
            var labels = new int[indices.Length];
            for (int i = 0; i < indices.Length; i++)
            {
                labels[i] = _labels[indices[i]];
            }

            return new Dataset(features, labels, n, validateFeatures: false);
        }

        int t = TargetCount;
        var targets = new float[indices.Length * t];
        for (int i = 0; i < indices.Length; i++)
        {
            _targets.AsSpan(indices[i] * t, t).CopyTo(targets.AsSpan(i * t, t));
        }

        return new Dataset(features, targets, n, t, validateFeatures: false, validateTargets: false);
    }

    private int[] RequireLabels(string operation) => _labels ?? throw new InvalidOperationException(
        $"{operation} needs int class labels, but this dataset has float targets ({TargetCount} per sample).");

    private void CheckIndex(int index, string paramName)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(paramName, index, $"The sample index must be in [0, {Count}).");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckIndices(ReadOnlySpan<int> indices, string paramName)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(
                    paramName,
                    indices[i],
                    $"{paramName}[{i}] is {indices[i]}; sample indices must be in [0, {Count}).");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckBatchSpans(ReadOnlySpan<int> indices, int featuresLength, int outputsLength, int outputsPerSample, string outputsName)
    {
        long expectedFeatures = (long)indices.Length * FeatureCount;
        if (featuresLength != expectedFeatures)
        {
            throw new ArgumentException(
                $"The features buffer has {featuresLength} values; a batch of {indices.Length} samples × {FeatureCount} features needs exactly {expectedFeatures}.",
                "features");
        }

        long expectedOutputs = (long)indices.Length * outputsPerSample;
        if (outputsLength != expectedOutputs)
        {
            throw new ArgumentException(
                $"The {outputsName} buffer has {outputsLength} values; a batch of {indices.Length} samples needs exactly {expectedOutputs}.",
                outputsName);
        }

        CheckIndices(indices, nameof(indices));
    }

    private static int CheckShape(int length, int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (length % featureCount != 0)
        {
            throw new ArgumentException(
                $"The features array has {length} values, which is not a multiple of featureCount ({featureCount}).",
                "features");
        }

        return length / featureCount;
    }

    /// <summary>sum[j] += x[j], widening to double (SIMD where available).</summary>
    private static void AccumulateRow(ReadOnlySpan<float> x, Span<double> sum)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            int half = Vector<double>.Count;
            for (; j <= x.Length - width; j += width)
            {
                Vector.Widen(new Vector<float>(x.Slice(j)), out Vector<double> low, out Vector<double> high);
                (new Vector<double>(sum.Slice(j)) + low).CopyTo(sum.Slice(j));
                (new Vector<double>(sum.Slice(j + half)) + high).CopyTo(sum.Slice(j + half));
            }
        }

        for (; j < x.Length; j++)
        {
            sum[j] += x[j];
        }
    }

    /// <summary>squares[j] += (x[j] − mean[j])², in double (SIMD where available).</summary>
    private static void AccumulateSquaredDeviations(ReadOnlySpan<float> x, ReadOnlySpan<double> mean, Span<double> squares)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            int half = Vector<double>.Count;
            for (; j <= x.Length - width; j += width)
            {
                Vector.Widen(new Vector<float>(x.Slice(j)), out Vector<double> low, out Vector<double> high);
                Vector<double> dLow = low - new Vector<double>(mean.Slice(j));
                Vector<double> dHigh = high - new Vector<double>(mean.Slice(j + half));
                (new Vector<double>(squares.Slice(j)) + dLow * dLow).CopyTo(squares.Slice(j));
                (new Vector<double>(squares.Slice(j + half)) + dHigh * dHigh).CopyTo(squares.Slice(j + half));
            }
        }

        for (; j < x.Length; j++)
        {
            double d = x[j] - mean[j];
            squares[j] += d * d;
        }
    }

    /// <summary>destination[j] = (x[j] − mean[j]) / std[j]; the SIMD and scalar paths give identical results.</summary>
    private static void StandardizeRow(ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, Span<float> destination)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; j <= x.Length - width; j += width)
            {
                ((new Vector<float>(x.Slice(j)) - new Vector<float>(mean.Slice(j))) / new Vector<float>(std.Slice(j))).CopyTo(destination.Slice(j));
            }
        }

        for (; j < x.Length; j++)
        {
            destination[j] = (x[j] - mean[j]) / std[j];
        }
    }

    private static void CheckFinite(float[] values, int width, string paramName, string what)
    {
        if (NetworkChecks.AllFinite(values))
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    $"{paramName}[{i}] (sample {i / width}, {what} {i % width}) is {values[i].ToString(CultureInfo.InvariantCulture)}; the data must not contain NaN or infinity.",
                    paramName);
            }
        }
    }

    private static T[] Copy<T>(T[] array, string paramName)
    {
        ArgumentNullException.ThrowIfNull(array, paramName);
        return (T[])array.Clone();
    }
}
