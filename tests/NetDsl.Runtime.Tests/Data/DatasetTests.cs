using System;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

public sealed class DatasetTests
{
    /// <summary>n samples of f features; feature j of sample i is i * 100 + j; label i % classes.</summary>
    private static Dataset Numbered(int n, int f = 3, int classes = 4)
    {
        var features = new float[n * f];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < f; j++)
            {
                features[i * f + j] = i * 100 + j;
            }

            labels[i] = i % classes;
        }

        return new Dataset(features, labels, f);
    }

    private static int SampleId(Dataset d, int row) => (int)(d.GetFeatures(row)[0] / 100);

    [Fact]
    public void Constructor_WithLabels_ExposesShape()
    {
        var d = new Dataset(new float[] { 1, 2, 3, 4, 5, 6 }, new[] { 0, 2 }, 3);
        Assert.Equal(2, d.Count);
        Assert.Equal(3, d.FeatureCount);
        Assert.Equal(0, d.TargetCount);
        Assert.True(d.HasLabels);
        Assert.Equal(3, d.ClassCount);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, d.Features.ToArray());
        Assert.Equal(new[] { 0, 2 }, d.Labels.ToArray());
        Assert.Equal(new float[] { 4, 5, 6 }, d.GetFeatures(1).ToArray());
        var e = Assert.Throws<InvalidOperationException>(() => d.Targets.Length);
        Assert.Contains("Labels", e.Message);
        Assert.Equal("Dataset: 2 samples × 3 features, int labels (3 classes)", d.ToString());
    }

    [Fact]
    public void Constructor_WithTargets_ExposesShape()
    {
        var d = new Dataset(new float[] { 1, 2, 3, 4 }, new float[] { 0.5f, -1, 2, 3 }, 2, 2);
        Assert.Equal(2, d.Count);
        Assert.Equal(2, d.TargetCount);
        Assert.False(d.HasLabels);
        Assert.Equal(0, d.ClassCount);
        Assert.Equal(new float[] { 0.5f, -1, 2, 3 }, d.Targets.ToArray());
        var e = Assert.Throws<InvalidOperationException>(() => d.Labels.Length);
        Assert.Contains("Targets", e.Message);
        Assert.Equal("Dataset: 2 samples × 2 features, 2 float targets", d.ToString());
    }

    [Fact]
    public void Constructor_CopiesItsArrays()
    {
        var features = new float[] { 1, 2 };
        var labels = new[] { 1, 0 };
        var d = new Dataset(features, labels, 1);
        features[0] = float.NaN;
        labels[0] = -7;
        Assert.Equal(1f, d.Features[0]);
        Assert.Equal(1, d.Labels[0]);
    }

    [Fact]
    public void EmptyDataset_IsAllowed()
    {
        var d = new Dataset(Array.Empty<float>(), Array.Empty<int>(), 784);
        Assert.Equal(0, d.Count);
        Assert.Equal(0, d.ClassCount);
        Assert.Equal(0, d.Split(0).First.Count);
        Assert.Throws<InvalidOperationException>(() => d.ComputeStandardization());
        var t = new Dataset(Array.Empty<float>(), Array.Empty<float>(), 3, 2);
        Assert.Equal(0, t.Count);
    }

    [Fact]
    public void Constructor_RejectsInconsistentShapes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[4], new int[4], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[4], new float[4], 1, 0));
        var e1 = Assert.Throws<ArgumentException>(() => new Dataset(new float[7], new int[2], 3));
        Assert.Contains("not a multiple of featureCount (3)", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new Dataset(new float[6], new int[3], 3));
        Assert.Contains("2 samples", e2.Message);
        Assert.Contains("3 labels", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new Dataset(new float[6], new float[5], 3, 2));
        Assert.Contains("need 4 values, but there are 5", e3.Message);
        Assert.Throws<ArgumentNullException>(() => new Dataset(null!, new int[1], 1));
        Assert.Throws<ArgumentNullException>(() => new Dataset(new float[1], (int[])null!, 1));
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Constructor_RejectsNonFiniteFeatures_NamingTheSample(float bad, string shown)
    {
        var features = new float[12];
        features[7] = bad;
        var e = Assert.Throws<ArgumentException>(() => new Dataset(features, new int[4], 3));
        Assert.Equal("features", e.ParamName);
        Assert.Contains("features[7] (sample 2, feature 1) is " + shown, e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    [InlineData(64)]  // in the scalar tail after the SIMD blocks
    [InlineData(69)]
    public void Constructor_FindsTheFirstNonFiniteValue_Anywhere(int index)
    {
        var features = new float[70];
        features[index] = float.PositiveInfinity;
        features[69] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => new Dataset(features, new int[7], 10));
        Assert.Contains($"features[{index}] (sample {index / 10}, feature {index % 10}) is", e.Message);
    }

    [Fact]
    public void Constructor_RejectsNonFiniteTargets_NamingTheSample()
    {
        var targets = new float[] { 0, 1, 2, float.NaN };
        var e = Assert.Throws<ArgumentException>(() => new Dataset(new float[2], targets, 1, 2));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("targets[3] (sample 1, target 1) is NaN", e.Message);
    }

    [Fact]
    public void Constructor_RejectsNegativeLabels_NamingSampleAndValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[3], new[] { 0, 1, -2 }, 1));
        Assert.Equal("labels", e.ParamName);
        Assert.Equal(-2, e.ActualValue);
        Assert.Contains("sample 2 is -2", e.Message);
    }

    [Fact]
    public void GetFeatures_RejectsOutOfRangeIndex()
    {
        Dataset d = Numbered(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.GetFeatures(3).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.GetFeatures(-1).Length);
    }

    [Fact]
    public void Split_HasTheRequestedSizes_AndPartitionsTheSamples()
    {
        Dataset d = Numbered(100);
        (Dataset train, Dataset valid) = d.Split(validationCount: 30, seed: 42);
        Assert.Equal(70, train.Count);
        Assert.Equal(30, valid.Count);
        Assert.Equal(d.FeatureCount, train.FeatureCount);

        var trainIds = Enumerable.Range(0, train.Count).Select(i => SampleId(train, i)).ToList();
        var validIds = Enumerable.Range(0, valid.Count).Select(i => SampleId(valid, i)).ToList();
        Assert.Empty(trainIds.Intersect(validIds));
        Assert.Equal(Enumerable.Range(0, 100), trainIds.Concat(validIds).OrderBy(x => x));

        // Rows stay whole and labels travel with their features.
        for (int i = 0; i < train.Count; i++)
        {
            int id = trainIds[i];
            Assert.Equal(new float[] { id * 100, id * 100 + 1, id * 100 + 2 }, train.GetFeatures(i).ToArray());
            Assert.Equal(id % 4, train.Labels[i]);
        }

        // It shuffles: the validation part is not simply the last 30 samples.
        Assert.NotEqual(Enumerable.Range(70, 30), validIds.OrderBy(x => x));
    }

    [Fact]
    public void Split_IsDeterministicPerSeed()
    {
        Dataset d = Numbered(200);
        (Dataset a1, Dataset b1) = d.Split(50, seed: 7);
        (Dataset a2, Dataset b2) = d.Split(50, seed: 7);
        (Dataset a3, _) = d.Split(50, seed: 8);
        Assert.Equal(a1.Features.ToArray(), a2.Features.ToArray());
        Assert.Equal(b1.Labels.ToArray(), b2.Labels.ToArray());
        Assert.NotEqual(a1.Features.ToArray(), a3.Features.ToArray());
    }

    [Fact]
    public void Split_AcceptsTheBoundaries_AndRejectsOutOfRangeCounts()
    {
        Dataset d = Numbered(10);
        Assert.Equal((10, 0), (d.Split(0).First.Count, d.Split(0).Second.Count));
        Assert.Equal((0, 10), (d.Split(10).First.Count, d.Split(10).Second.Count));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(11));
        Assert.Equal("validationCount", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(-1));
    }

    [Fact]
    public void Split_OfTargets_KeepsTargetsWithTheirFeatures()
    {
        var features = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        var targets = Enumerable.Range(0, 40).Select(k => k / 2 * 10f).ToArray(); // sample i: (10i, 10i)
        var d = new Dataset(features, targets, 1, 2);
        (Dataset train, Dataset valid) = d.Split(5);
        Assert.Equal(15, train.Count);
        foreach (Dataset part in new[] { train, valid })
        {
            for (int i = 0; i < part.Count; i++)
            {
                float id = part.Features[i];
                Assert.Equal(new[] { id * 10, id * 10 }, part.Targets.Slice(i * 2, 2).ToArray());
            }
        }
    }

    [Fact]
    public void Take_CopiesAContiguousRange()
    {
        Dataset d = Numbered(10);
        Dataset t = d.Take(3, 4);
        Assert.Equal(4, t.Count);
        Assert.Equal(new[] { 3, 4, 5, 6 }, Enumerable.Range(0, 4).Select(i => SampleId(t, i)));
        Assert.Equal(new[] { 3, 0, 1, 2 }, t.Labels.ToArray());
        Assert.Equal(0, d.Take(10, 0).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Take(8, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Take(-1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Take(0, -1));
    }

    [Fact]
    public void Select_CopiesTheGivenSamplesInOrder()
    {
        Dataset d = Numbered(10);
        Dataset s = d.Select(new[] { 9, 2, 2 });
        Assert.Equal(new[] { 9, 2, 2 }, Enumerable.Range(0, 3).Select(i => SampleId(s, i)));
        Assert.Equal(new[] { 1, 2, 2 }, s.Labels.ToArray());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => d.Select(new[] { 0, 10 }));
        Assert.Contains("indices[1] is 10", e.Message);
    }

    [Fact]
    public void ComputeStandardization_MatchesNumPyPopulationStatistics()
    {
        // Feature 0: 1, 2, 3, 4 -> mean 2.5, population std sqrt(1.25). Feature 1: constant 7.
        var d = new Dataset(new float[] { 1, 7, 2, 7, 3, 7, 4, 7 }, new int[4], 2);
        (float[] mean, float[] std) = d.ComputeStandardization();
        Assert.Equal(2.5f, mean[0]);
        Assert.Equal(7f, mean[1]);
        Assert.Equal((float)Math.Sqrt(1.25), std[0], 6);
        Assert.Equal(1f, std[1]); // constant feature: std replaced by 1
    }

    [Fact]
    public void Standardize_GivesZeroMeanAndUnitStd_AndHandlesConstantFeatures()
    {
        var random = new SeededRandom(1);
        const int n = 1000, f = 4;
        var features = new float[n * f];
        for (int i = 0; i < n; i++)
        {
            features[i * f + 0] = (float)random.NextGaussian(5, 3);
            features[i * f + 1] = random.NextFloat() * 255;
            features[i * f + 2] = 0; // a pixel that is always black
            features[i * f + 3] = 1000f + random.NextFloat(); // a large offset: float rounding of the mean matters
        }

        var d = new Dataset(features, new float[n], f, 1);
        Dataset s = d.Standardize();
        Assert.Equal(d.Targets.ToArray(), s.Targets.ToArray());
        (float[] mean, float[] std) = s.ComputeStandardization();
        foreach (int j in new[] { 0, 1, 3 })
        {
            Assert.InRange(mean[j], -1e-4f, 1e-4f);
            Assert.InRange(std[j], 0.999f, 1.001f);
        }

        for (int i = 0; i < n; i++)
        {
            Assert.Equal(0f, s.Features[i * f + 2]);
        }

        // The original is untouched.
        Assert.Equal(features, d.Features.ToArray());
    }

    [Fact]
    public void Standardize_IsExactlyTheElementwiseFormula()
    {
        // 37 features: SIMD blocks plus a scalar tail must agree with (x - mean) / std bit for bit.
        var random = new SeededRandom(2);
        const int n = 50, f = 37;
        var features = new float[n * f];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)random.NextGaussian(3, 2);
        }

        var d = new Dataset(features, new int[n], f);
        (float[] mean, float[] std) = d.ComputeStandardization();
        float[] scaled = d.Standardize(mean, std).Features.ToArray();
        for (int i = 0; i < features.Length; i++)
        {
            Assert.Equal((features[i] - mean[i % f]) / std[i % f], scaled[i]);
        }

        // And the statistics match a plain double-precision computation.
        for (int j = 0; j < f; j++)
        {
            double m = 0, v = 0;
            for (int i = 0; i < n; i++)
            {
                m += features[i * f + j];
            }

            m /= n;
            for (int i = 0; i < n; i++)
            {
                v += (features[i * f + j] - m) * (features[i * f + j] - m);
            }

            Assert.Equal((float)m, mean[j]);
            Assert.Equal((float)Math.Sqrt(v / n), std[j]);
        }
    }

    [Fact]
    public void Standardize_AppliesTrainingStatisticsToOtherSets()
    {
        var train = new Dataset(new float[] { 0, 2, 4 }, new[] { 0, 1, 0 }, 1);
        var test = new Dataset(new float[] { 2, 6 }, new[] { 1, 1 }, 1);
        (float[] mean, float[] std) = train.ComputeStandardization();
        Dataset scaled = test.Standardize(mean, std);
        float sigma = (float)Math.Sqrt(8.0 / 3);
        Assert.Equal(0f, scaled.Features[0]);
        Assert.Equal(4 / sigma, scaled.Features[1], 5);
        Assert.Equal(new[] { 1, 1 }, scaled.Labels.ToArray());
    }

    [Fact]
    public void Standardize_ValidatesItsArguments()
    {
        Dataset d = Numbered(3, f: 2);
        Assert.Throws<ArgumentException>(() => d.Standardize(new float[3], new float[] { 1, 1 }));
        Assert.Throws<ArgumentException>(() => d.Standardize(new float[2], new float[] { 1 }));
        var e = Assert.Throws<ArgumentException>(() => d.Standardize(new float[2], new float[] { 1, 0 }));
        Assert.Contains("std[1] is 0", e.Message);
        Assert.Throws<ArgumentException>(() => d.Standardize(new[] { float.NaN, 0 }, new float[] { 1, 1 }));
        Assert.Throws<ArgumentException>(() => d.Standardize(new float[2], new[] { 1e-45f, 1 })); // overflows to infinity
        Assert.Throws<ArgumentOutOfRangeException>(() => d.ComputeStandardization(-1));
    }

    [Fact]
    public void GatherBatch_CopiesRowsAndLabels()
    {
        Dataset d = Numbered(10);
        int[] indices = { 4, 0, 9 };
        var x = new float[9];
        var y = new int[3];
        d.GatherBatch(indices, x, y);
        Assert.Equal(new float[] { 400, 401, 402, 0, 1, 2, 900, 901, 902 }, x);
        Assert.Equal(new[] { 0, 0, 1 }, y);
    }

    [Fact]
    public void GatherBatch_CopiesRowsAndTargets()
    {
        var d = new Dataset(new float[] { 1, 2, 3 }, new float[] { 10, 11, 20, 21, 30, 31 }, 1, 2);
        var x = new float[2];
        var t = new float[4];
        d.GatherBatch(new[] { 2, 1 }, x, t);
        Assert.Equal(new float[] { 3, 2 }, x);
        Assert.Equal(new float[] { 30, 31, 20, 21 }, t);
        Assert.Throws<InvalidOperationException>(() => d.GatherBatch(new[] { 0 }, new float[1], new int[1]));
        Assert.Throws<InvalidOperationException>(() => Numbered(2).GatherBatch(new[] { 0 }, new float[3], new float[1]));
    }

    [Fact]
    public void GatherBatch_RejectsWrongBuffersAndIndices()
    {
        Dataset d = Numbered(10);
        var e1 = Assert.Throws<ArgumentException>(() => d.GatherBatch(new[] { 1, 2 }, new float[5], new int[2]));
        Assert.Equal("features", e1.ParamName);
        Assert.Contains("needs exactly 6", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => d.GatherBatch(new[] { 1, 2 }, new float[6], new int[3]));
        Assert.Equal("labels", e2.ParamName);
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => d.GatherBatch(new[] { 1, -1 }, new float[6], new int[2]));
        Assert.Contains("indices[1] is -1", e3.Message);
        d.GatherBatch(ReadOnlySpan<int>.Empty, Span<float>.Empty, Span<int>.Empty);
    }

    [Fact]
    public void GatherBatch_DoesNotAllocate()
    {
        Dataset d = Numbered(1000, f: 784);
        Dataset t = d.WithTargets(label => label);
        int[] indices = new SeededRandom(3).Permutation(1000).AsSpan(0, 32).ToArray();
        var x = new float[32 * 784];
        var y = new int[32];
        var yt = new float[32];
        Assert.Equal(0, AllocationProbe.MinimumBytes(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                d.GatherBatch(indices, x, y);
                t.GatherBatch(indices, x, yt);
            }
        }));
    }

    [Fact]
    public void Where_KeepsMatchingSamplesInOrder()
    {
        Dataset d = Numbered(12); // labels 0,1,2,3,0,1,...
        Dataset w = d.Where(label => label != 1 && label != 2);
        Assert.Equal(6, w.Count);
        Assert.Equal(new[] { 0, 3, 4, 7, 8, 11 }, Enumerable.Range(0, 6).Select(i => SampleId(w, i)));
        Assert.Equal(0, d.Where(_ => false).Count);
        Assert.Throws<InvalidOperationException>(() => d.WithTargets(l => l).Where(_ => true));
    }

    [Fact]
    public void MapLabels_RelabelsAndValidates()
    {
        Dataset d = Numbered(8);
        Dataset m = d.MapLabels(label => label > 1 ? label - 2 : label + 10);
        Assert.Equal(new[] { 10, 11, 0, 1, 10, 11, 0, 1 }, m.Labels.ToArray());
        Assert.Equal(12, m.ClassCount);
        Assert.Equal(d.Features.ToArray(), m.Features.ToArray());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => d.MapLabels(label => label - 3));
        Assert.Contains("sample 0 is -3", e.Message);
    }

    [Fact]
    public void WithTargets_ConvertsLabelsToOneWideTargets()
    {
        Dataset d = Numbered(4);
        Dataset t = d.WithTargets(label => label == 3 ? 1f : 0f);
        Assert.False(t.HasLabels);
        Assert.Equal(1, t.TargetCount);
        Assert.Equal(new float[] { 0, 0, 0, 1 }, t.Targets.ToArray());
        var e = Assert.Throws<ArgumentException>(() => d.WithTargets(label => label == 2 ? float.NaN : 0f));
        Assert.Contains("sample 2", e.Message);
        Assert.Throws<InvalidOperationException>(() => t.WithTargets(l => l));
        Assert.Throws<InvalidOperationException>(() => t.MapLabels(l => l));
    }

    [Fact]
    public void DerivedDatasets_LeaveTheOriginalUnchanged()
    {
        Dataset d = Numbered(20);
        float[] features = d.Features.ToArray();
        int[] labels = d.Labels.ToArray();
        _ = d.Split(5);
        _ = d.Standardize();
        _ = d.MapLabels(l => l + 1);
        _ = d.Where(l => l == 0);
        Assert.Equal(features, d.Features.ToArray());
        Assert.Equal(labels, d.Labels.ToArray());
    }
}
