using System;
using System.Collections.Generic;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

public sealed class SeededRandomTests
{
    [Theory]
    // Reference values from an independent implementation of SplitMix64 seeding + xoshiro256**.
    [InlineData(0L, 0L, 0x99ec5f36cb75f2b4UL, 0xbf6e1f784956452aUL, 0x1a5f849d4933e6e0UL)]
    [InlineData(42L, 0L, 0x15780b2e0c2ec716UL, 0x6104d9866d113a7eUL, 0xae17533239e499a1UL)]
    [InlineData(42L, 1L, 0x651975049fe9c8f5UL, 0x3bcdf131397288c7UL, 0x8fb7530efe17205eUL)]
    [InlineData(-1L, 7L, 0x00586cf12d4a9eedUL, 0x4d62b09075803ba1UL, 0x96119fef1c10b332UL)]
    public void Sequence_MatchesReferenceImplementation(long seed, long stream, ulong first, ulong second, ulong third)
    {
        var random = new SeededRandom(seed, stream);
        Assert.Equal(first, random.NextUInt64());
        Assert.Equal(second, random.NextUInt64());
        Assert.Equal(third, random.NextUInt64());
    }

    [Fact]
    public void SameSeed_GivesSameSequence_AcrossAllMethods()
    {
        var a = new SeededRandom(123);
        var b = new SeededRandom(123);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
            Assert.Equal(a.NextUInt32(), b.NextUInt32());
            Assert.Equal(a.NextFloat(), b.NextFloat());
            Assert.Equal(a.NextDouble(), b.NextDouble());
            Assert.Equal(a.NextInt(17), b.NextInt(17));
            Assert.Equal(a.NextGaussian(), b.NextGaussian());
        }
    }

    [Fact]
    public void SingleArgumentConstructor_IsStreamZero_AndDeriveMatchesConstructor()
    {
        var a = new SeededRandom(5);
        var b = new SeededRandom(5, 0);
        var c = SeededRandom.Derive(5, 3);
        var d = new SeededRandom(5, 3);
        Assert.Equal(5, c.Seed);
        Assert.Equal(3, c.StreamId);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
            Assert.Equal(c.NextUInt64(), d.NextUInt64());
        }
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentSequences()
    {
        var a = new SeededRandom(1);
        var b = new SeededRandom(2);
        int equal = 0;
        for (int i = 0; i < 1000; i++)
        {
            if (a.NextUInt64() == b.NextUInt64())
            {
                equal++;
            }
        }

        Assert.Equal(0, equal);
    }

    [Fact]
    public void Streams_OfTheSameSeed_AreIndependent()
    {
        const int n = 100_000;
        var streams = new[] { new SeededRandom(42, 0), new SeededRandom(42, 1), new SeededRandom(42, 2), new SeededRandom(43, 0) };
        var values = new double[streams.Length][];
        var seen = new HashSet<ulong>();
        for (int s = 0; s < streams.Length; s++)
        {
            values[s] = new double[n];
            for (int i = 0; i < n; i++)
            {
                values[s][i] = streams[s].NextDouble();
            }

            // No stream is a shifted copy of another: raw outputs do not overlap.
            var probe = new SeededRandom(streams[s].Seed, streams[s].StreamId);
            for (int i = 0; i < 2000; i++)
            {
                Assert.True(seen.Add(probe.NextUInt64()), $"stream {s} repeats an output of another stream");
            }
        }

        for (int s = 0; s < streams.Length; s++)
        {
            for (int t = s + 1; t < streams.Length; t++)
            {
                double correlation = Correlation(values[s], values[t]);
                Assert.True(Math.Abs(correlation) < 0.015, $"streams {s} and {t} correlate: {correlation}");
            }
        }
    }

    [Fact]
    public void NextFloat_IsInUnitInterval_WithTwentyFourBits()
    {
        var random = new SeededRandom(7);
        double sum = 0;
        float min = 1, max = 0;
        const int n = 1_000_000;
        for (int i = 0; i < n; i++)
        {
            float x = random.NextFloat();
            Assert.True(x >= 0f && x < 1f);
            Assert.Equal(Math.Floor(x * 16777216.0), x * 16777216.0); // a multiple of 2^-24
            sum += x;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }

        Assert.InRange(sum / n, 0.498, 0.502);
        Assert.True(min < 1e-4f && max > 1 - 1e-4f);
    }

    [Fact]
    public void NextFloat_WithBounds_StaysInRange_AndRejectsBadBounds()
    {
        var random = new SeededRandom(8);
        for (int i = 0; i < 10_000; i++)
        {
            float x = random.NextFloat(-0.25f, 0.5f);
            Assert.True(x >= -0.25f && x < 0.5f);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextFloat(1f, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextFloat(0f, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextFloat(float.NegativeInfinity, 0f));
    }

    [Fact]
    public void NextDouble_IsInUnitInterval()
    {
        var random = new SeededRandom(9);
        double sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double x = random.NextDouble();
            Assert.True(x >= 0.0 && x < 1.0);
            Assert.Equal(Math.Floor(x * 9007199254740992.0), x * 9007199254740992.0); // a multiple of 2^-53
            sum += x;
        }

        Assert.InRange(sum / 100_000, 0.495, 0.505);
    }

    [Fact]
    public void NextInt_IsUniform_ByChiSquare()
    {
        var random = new SeededRandom(10);
        const int buckets = 10;
        const int n = 200_000;
        var counts = new int[buckets];
        for (int i = 0; i < n; i++)
        {
            int x = random.NextInt(buckets);
            Assert.InRange(x, 0, buckets - 1);
            counts[x]++;
        }

        double expected = (double)n / buckets;
        double chiSquare = 0;
        foreach (int c in counts)
        {
            chiSquare += (c - expected) * (c - expected) / expected;
        }

        // 9 degrees of freedom: P(chi² > 27.9) = 0.001.
        Assert.True(chiSquare < 27.9, $"chi² = {chiSquare}");
    }

    [Fact]
    public void NextInt_HandlesExtremeRanges_AndRejectsEmptyOnes()
    {
        var random = new SeededRandom(11);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(0, random.NextInt(1));
            Assert.InRange(random.NextInt(int.MaxValue), 0, int.MaxValue - 1);
            Assert.InRange(random.NextInt(-5, 5), -5, 4);
            _ = random.NextInt(int.MinValue, int.MaxValue);
        }

        bool sawNegative = false, sawPositive = false;
        for (int i = 0; i < 100; i++)
        {
            int x = random.NextInt(int.MinValue, int.MaxValue);
            sawNegative |= x < 0;
            sawPositive |= x > 0;
        }

        Assert.True(sawNegative && sawPositive);
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(4, 4));
    }

    [Fact]
    public void NextInt_WithLargeNonPowerOfTwoBound_IsNotBiased()
    {
        // With plain modulo, 3·2^30 would make the lower third twice as likely as the rest.
        var random = new SeededRandom(12);
        const int bound = 3 << 29; // 1.5 · 2^30
        int lowerThird = 0;
        const int n = 300_000;
        for (int i = 0; i < n; i++)
        {
            if (random.NextInt(bound) < bound / 3)
            {
                lowerThird++;
            }
        }

        Assert.InRange(lowerThird / (double)n, 0.325, 0.342);
    }

    [Fact]
    public void NextGaussian_HasMeanZeroAndUnitStd_OverOneHundredThousandDraws()
    {
        var random = new SeededRandom(13);
        const int n = 100_000;
        double sum = 0, sumSquares = 0, sumCubes = 0, sumFourth = 0;
        int withinOneSigma = 0;
        for (int i = 0; i < n; i++)
        {
            double x = random.NextGaussian();
            Assert.True(double.IsFinite(x));
            sum += x;
            sumSquares += x * x;
            sumCubes += x * x * x;
            sumFourth += x * x * x * x;
            if (Math.Abs(x) < 1)
            {
                withinOneSigma++;
            }
        }

        double mean = sum / n;
        double std = Math.Sqrt(sumSquares / n - mean * mean);
        Assert.InRange(mean, -0.015, 0.015);
        Assert.InRange(std, 0.985, 1.015);
        Assert.InRange(sumCubes / n, -0.05, 0.05);       // skewness 0
        Assert.InRange(sumFourth / n, 2.9, 3.1);         // kurtosis 3
        Assert.InRange(withinOneSigma / (double)n, 0.677, 0.688); // 68.27 %
    }

    [Fact]
    public void NextGaussian_WithParameters_ScalesAndShifts_AndValidates()
    {
        var a = new SeededRandom(14);
        var b = new SeededRandom(14);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(3.0 + 0.5 * a.NextGaussian(), b.NextGaussian(3.0, 0.5));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => a.NextGaussian(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.NextGaussian(double.NaN, 1));
    }

    [Fact]
    public void Log_MatchesMathLog()
    {
        var random = new SeededRandom(15);
        double[] special = { double.Epsilon, 1e-310, 1e-300, 1e-20, 0.5, 0.7071067811865476, 0.9999999999, 1.0, 1.0000001, 1.4142135623730951, 2.0, 10.0, 1e300 };
        foreach (double x in special)
        {
            AssertClose(Math.Log(x), SeededRandom.Log(x));
        }

        for (int i = 0; i < 100_000; i++)
        {
            double x = random.NextDouble();
            if (x > 0)
            {
                AssertClose(Math.Log(x), SeededRandom.Log(x));
            }
        }

        static void AssertClose(double expected, double actual)
        {
            double tolerance = Math.Max(Math.Abs(expected) * 4e-16, 4e-16);
            Assert.True(Math.Abs(expected - actual) <= tolerance, $"log: expected {expected:R}, got {actual:R}");
        }
    }

    [Fact]
    public void Shuffle_IsAPermutation_AndDeterministic()
    {
        int[] a = Iota(1000);
        int[] b = Iota(1000);
        new SeededRandom(16).Shuffle<int>(a);
        new SeededRandom(16).Shuffle<int>(b);
        Assert.Equal(a, b);
        Assert.NotEqual(Iota(1000), a);
        int[] sorted = (int[])a.Clone();
        Array.Sort(sorted);
        Assert.Equal(Iota(1000), sorted);

        var random = new SeededRandom(17);
        random.Shuffle(Span<int>.Empty);
        int[] one = { 5 };
        random.Shuffle<int>(one);
        Assert.Equal(5, one[0]);
    }

    [Fact]
    public void Shuffle_MakesEveryPermutationEquallyLikely()
    {
        var random = new SeededRandom(18);
        var counts = new Dictionary<string, int>();
        const int n = 60_000;
        Span<int> values = stackalloc int[3];
        for (int i = 0; i < n; i++)
        {
            values[0] = 0;
            values[1] = 1;
            values[2] = 2;
            random.Shuffle(values);
            string key = $"{values[0]}{values[1]}{values[2]}";
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(6, counts.Count);
        foreach (int c in counts.Values)
        {
            Assert.InRange(c, 9_500, 10_500);
        }
    }

    [Fact]
    public void Permutation_HoldsEachIndexOnce()
    {
        int[] p = new SeededRandom(19).Permutation(500);
        Array.Sort(p);
        Assert.Equal(Iota(500), p);
        Assert.Empty(new SeededRandom(19).Permutation(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeededRandom(19).Permutation(-1));
    }

    [Fact]
    public void NextMethods_DoNotAllocate()
    {
        var random = new SeededRandom(20);
        int[] buffer = Iota(64);
        double sink = 0;
        Assert.Equal(0, AllocationProbe.MinimumBytes(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                sink += Draw(random, buffer);
            }
        }));
        Assert.True(double.IsFinite(sink));

        static double Draw(SeededRandom random, int[] buffer)
        {
            random.Shuffle<int>(buffer);
            return random.NextUInt64() + random.NextUInt32() + random.NextFloat() + random.NextDouble()
                + random.NextInt(10) + random.NextInt(-3, 3) + random.NextGaussian() + random.NextFloat(1f, 2f);
        }
    }

    private static int[] Iota(int n)
    {
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = i;
        }

        return result;
    }

    private static double Correlation(double[] x, double[] y)
    {
        double mx = 0, my = 0;
        for (int i = 0; i < x.Length; i++)
        {
            mx += x[i];
            my += y[i];
        }

        mx /= x.Length;
        my /= y.Length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }
}

/// <summary>Measures allocations of an action on the current thread.</summary>
internal static class AllocationProbe
{
    /// <summary>
    /// Runs <paramref name="action"/> several times and returns the fewest bytes one run allocated. Tiered JIT
    /// compilation can allocate on the calling thread during the first runs; an allocation in the code itself
    /// shows up in every run.
    /// </summary>
    public static long MinimumBytes(Action action)
    {
        long minimum = long.MaxValue;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            minimum = Math.Min(minimum, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return minimum;
    }
}
