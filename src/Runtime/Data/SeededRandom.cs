using System;

namespace NetDsl;

/// <summary>
/// A small, fast, deterministic pseudo-random generator (xoshiro256**, seeded through SplitMix64) used by the
/// whole runtime: weight initialization, shuffling, train/validation splits and dropout masks.
/// </summary>
/// <remarks>
/// <para>
/// The sequence depends only on the seed and the stream number: it is the same on every run, every machine,
/// every operating system and every .NET version. Nothing here uses <see cref="Random"/>,
/// <see cref="HashCode"/> or the platform's math library (the logarithm needed by <see cref="NextGaussian()"/>
/// is computed with basic IEEE arithmetic only, so it is bit-for-bit reproducible).
/// </para>
/// <para>
/// Streams: <c>new SeededRandom(seed, stream)</c> with different <c>stream</c> values gives
/// statistically independent sequences for the same <c>seed</c>, so that, for example, weight initialization,
/// epoch shuffling and dropout masks can each use their own generator and changing how many numbers one of
/// them draws does not change the others. Stream 0 is the reference seeding: the four state words are the
/// first four outputs of SplitMix64 started at <c>seed</c>, exactly as recommended by xoshiro's authors.
/// </para>
/// <para>
/// The <c>Next*</c> methods and <see cref="Shuffle{T}(Span{T})"/> never allocate. Instances are not
/// thread-safe; give each thread its own stream.
/// </para>
/// </remarks>
public sealed class SeededRandom
{
    private const double Ln2Hi = 6.93147180369123816490e-01; // high bits of ln 2 (exact in 32 bits)
    private const double Ln2Lo = 1.90821492927058770002e-10; // ln 2 - Ln2Hi
    private const double Sqrt2 = 1.4142135623730951;

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spareGaussian;
    private bool _hasSpareGaussian;

    /// <summary>Creates a generator for stream 0 of <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value; equal seeds give equal sequences.</param>
    public SeededRandom(long seed)
        : this(seed, 0)
    {
    }

    /// <summary>Creates a generator for stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value; equal (seed, stream) pairs give equal sequences.</param>
    /// <param name="stream">
    /// The stream number. Different streams of the same seed are independent sequences; stream 0 is the same
    /// as <see cref="SeededRandom(long)"/>.
    /// </param>
    public SeededRandom(long seed, long stream)
    {
        Seed = seed;
        StreamId = stream;

        // Mix(0) == 0, so stream 0 starts SplitMix64 at the seed itself (the reference seeding). Other streams
        // start at a point scrambled by a bijective 64-bit finalizer of the stream number, far from the
        // seed's own SplitMix64 sequence.
        ulong x = unchecked((ulong)seed) ^ Mix(unchecked((ulong)stream));
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);

        // SplitMix64 is a bijection of consecutive counters, so at most one of the four words can be zero
        // and the state can never be the all-zero state that xoshiro forbids.
    }

    /// <summary>The seed this generator was created with.</summary>
    public long Seed { get; }

    /// <summary>The stream number this generator was created with (0 for <see cref="SeededRandom(long)"/>).</summary>
    public long StreamId { get; }

    /// <summary>Creates a generator for stream <paramref name="stream"/> of <paramref name="seed"/>; the same as
    /// <c>new SeededRandom(seed, stream)</c>.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="stream">The stream number; different streams give independent sequences.</param>
    /// <returns>A new generator.</returns>
    public static SeededRandom Derive(long seed, long stream) => new(seed, stream);

    /// <summary>The generator's complete state (checkpoints save it so that resumed training draws the same masks).</summary>
    public SeededRandomState GetState() => new(_s0, _s1, _s2, _s3, _spareGaussian, _hasSpareGaussian);

    /// <summary>Puts back a state from <see cref="GetState"/>.</summary>
    public void SetState(SeededRandomState state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
        {
            throw new ArgumentException("An all-zero xoshiro256** state is invalid.", nameof(state));
        }
        (_s0, _s1, _s2, _s3, _spareGaussian, _hasSpareGaussian) = (state.S0, state.S1, state.S2, state.S3, state.SpareGaussian, state.HasSpareGaussian);
    }

    /// <summary>Returns the next 64 random bits (one xoshiro256** step).</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    public ulong NextUInt64() => Step(ref _s0, ref _s1, ref _s2, ref _s3);

    /// <summary>One xoshiro256** step on a state (the fields, or <see cref="NextFloats"/>'s copy of them in registers).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static ulong Step(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>The float in [0, 1) of 64 random bits: their top 24 bits times 2^-24 (exact; through an int, which converts faster than a ulong).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static float UnitFloat(ulong bits) => (int)(bits >> 40) * (1.0f / (1 << 24));

    /// <summary>Returns the next 32 random bits (the high half of <see cref="NextUInt64"/>).</summary>
    /// <returns>A uniformly distributed 32-bit value.</returns>
    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>Returns a uniformly distributed float in [0, 1), with 24 random bits (every multiple of 2^-24).</summary>
    /// <returns>A value <c>x</c> with <c>0 &lt;= x &lt; 1</c>.</returns>
    public float NextFloat() => UnitFloat(NextUInt64());

    /// <summary>
    /// Fills <paramref name="destination"/> with the next <c>destination.Length</c> values of <see cref="NextFloat()"/>,
    /// in order — the same numbers, and the same state afterwards, as that many calls, several times faster (the
    /// generator's state stays in registers: a dropout mask of a batch is tens of thousands of draws).
    /// </summary>
    /// <param name="destination">Receives values <c>x</c> with <c>0 &lt;= x &lt; 1</c>.</param>
    public void NextFloats(Span<float> destination)
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        for (int i = 0; i < destination.Length; i++) destination[i] = UnitFloat(Step(ref s0, ref s1, ref s2, ref s3));
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>Returns a uniformly distributed float in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    /// <param name="minInclusive">The lower bound.</param>
    /// <param name="maxExclusive">The upper bound; must be greater than <paramref name="minInclusive"/>.</param>
    /// <returns>A value in the range. Rounding can make it equal <paramref name="maxExclusive"/> only when the
    /// range is too narrow to represent otherwise; the result is clamped below it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The bounds are not finite or not increasing.</exception>
    public float NextFloat(float minInclusive, float maxExclusive)
    {
        if (!float.IsFinite(minInclusive) || !float.IsFinite(maxExclusive) || !(maxExclusive > minInclusive))
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxExclusive),
                $"NextFloat needs finite bounds with minInclusive < maxExclusive; got [{minInclusive}, {maxExclusive}).");
        }

        float value = minInclusive + (maxExclusive - minInclusive) * NextFloat();
        return value < maxExclusive ? value : MathF.BitDecrement(maxExclusive);
    }

    /// <summary>Returns a uniformly distributed double in [0, 1), with 53 random bits (every multiple of 2^-53).</summary>
    /// <returns>A value <c>x</c> with <c>0 &lt;= x &lt; 1</c>.</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1L << 53));

    /// <summary>
    /// Returns a uniformly distributed integer in [0, <paramref name="maxExclusive"/>), without modulo bias
    /// (Lemire's multiply-and-reject method; it draws more than one 32-bit value only rarely).
    /// </summary>
    /// <param name="maxExclusive">The exclusive upper bound; must be positive.</param>
    /// <returns>A value <c>i</c> with <c>0 &lt;= i &lt; maxExclusive</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is zero or negative.</exception>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "NextInt needs a positive exclusive upper bound.");
        }

        return (int)NextBounded((uint)maxExclusive);
    }

    /// <summary>Returns a uniformly distributed integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>), without bias.</summary>
    /// <param name="minInclusive">The inclusive lower bound.</param>
    /// <param name="maxExclusive">The exclusive upper bound; must be greater than <paramref name="minInclusive"/>.</param>
    /// <returns>A value <c>i</c> with <c>minInclusive &lt;= i &lt; maxExclusive</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not greater than <paramref name="minInclusive"/>.</exception>
    public int NextInt(int minInclusive, int maxExclusive)
    {
        if (maxExclusive <= minInclusive)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxExclusive),
                maxExclusive,
                $"NextInt needs minInclusive < maxExclusive; got [{minInclusive}, {maxExclusive}).");
        }

        uint range = unchecked((uint)(maxExclusive - minInclusive));
        return unchecked((int)(minInclusive + NextBounded(range)));
    }

    /// <summary>
    /// Returns a standard normal variate (mean 0, standard deviation 1), by Marsaglia's polar method. Each
    /// accepted pair yields two values; the second is cached and returned by the next call, so the sequence is
    /// deterministic for a given seed and call order.
    /// </summary>
    /// <returns>A normally distributed value.</returns>
    public double NextGaussian()
    {
        if (_hasSpareGaussian)
        {
            _hasSpareGaussian = false;
            return _spareGaussian;
        }

        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);

        double factor = Math.Sqrt(-2.0 * Log(s) / s);
        _spareGaussian = v * factor;
        _hasSpareGaussian = true;
        return u * factor;
    }

    /// <summary>Returns a normal variate with the given mean and standard deviation.</summary>
    /// <param name="mean">The mean.</param>
    /// <param name="standardDeviation">The standard deviation (non-negative).</param>
    /// <returns><c>mean + standardDeviation * NextGaussian()</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The standard deviation is negative or not finite, or the mean is not finite.</exception>
    public double NextGaussian(double mean, double standardDeviation)
    {
        if (!double.IsFinite(mean))
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must be finite.");
        }

        if (!double.IsFinite(standardDeviation) || standardDeviation < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be finite and non-negative.");
        }

        return mean + standardDeviation * NextGaussian();
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates; every permutation equally likely).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="values">The values to shuffle.</param>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = (int)NextBounded((uint)(i + 1));
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>Returns a random permutation of 0, 1, …, <paramref name="count"/> − 1.</summary>
    /// <param name="count">The number of elements; must not be negative.</param>
    /// <returns>A new array holding each index exactly once, in random order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public int[] Permutation(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = i;
        }

        Shuffle<int>(result);
        return result;
    }

    /// <summary>Lemire's nearly-divisionless unbiased bounded integer; <paramref name="range"/> must be non-zero.</summary>
    private uint NextBounded(uint range)
    {
        ulong product = (ulong)NextUInt32() * range;
        uint low = (uint)product;
        if (low < range)
        {
            uint threshold = unchecked(0u - range) % range;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * range;
                low = (uint)product;
            }
        }

        return (uint)(product >> 32);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong state)
    {
        state = unchecked(state + 0x9E3779B97F4A7C15UL);
        return Mix(state);
    }

    /// <summary>The SplitMix64 output function: a bijection of 64-bit values with Mix(0) == 0.</summary>
    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Natural logarithm of a positive finite <paramref name="x"/> using only IEEE basic operations (so the
    /// result is the same on every platform, unlike <see cref="Math.Log(double)"/>, which calls the C runtime).
    /// Accurate to about one unit in the last place.
    /// </summary>
    internal static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int biasedExponent = (int)((bits >> 52) & 0x7FF);
        int extraExponent = 0;
        if (biasedExponent == 0)
        {
            // Subnormal: scale into the normal range first (exact).
            x *= 18014398509481984.0; // 2^54
            bits = BitConverter.DoubleToInt64Bits(x);
            biasedExponent = (int)((bits >> 52) & 0x7FF);
            extraExponent = -54;
        }

        int exponent = biasedExponent - 1023 + extraExponent;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L); // [1, 2)
        if (m > Sqrt2)
        {
            m *= 0.5;
            exponent++;
        }

        // ln m = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...), f = (m - 1) / (m + 1), |f| <= 0.1716, f^2 <= 0.02944.
        double f = (m - 1.0) / (m + 1.0);
        double f2 = f * f;
        double series = 1.0 / 25.0;
        series = 1.0 / 23.0 + f2 * series;
        series = 1.0 / 21.0 + f2 * series;
        series = 1.0 / 19.0 + f2 * series;
        series = 1.0 / 17.0 + f2 * series;
        series = 1.0 / 15.0 + f2 * series;
        series = 1.0 / 13.0 + f2 * series;
        series = 1.0 / 11.0 + f2 * series;
        series = 1.0 / 9.0 + f2 * series;
        series = 1.0 / 7.0 + f2 * series;
        series = 1.0 / 5.0 + f2 * series;
        series = 1.0 / 3.0 + f2 * series;
        double lnM = 2.0 * f + 2.0 * f * f2 * series;
        return exponent * Ln2Hi + (exponent * Ln2Lo + lnM);
    }
}

/// <summary>The state of a <see cref="SeededRandom"/>: the four xoshiro256** words and the cached Gaussian.</summary>
/// <param name="S0">Word 0.</param>
/// <param name="S1">Word 1.</param>
/// <param name="S2">Word 2.</param>
/// <param name="S3">Word 3.</param>
/// <param name="SpareGaussian">The cached second Gaussian draw.</param>
/// <param name="HasSpareGaussian">Whether <paramref name="SpareGaussian"/> is pending.</param>
public readonly record struct SeededRandomState(ulong S0, ulong S1, ulong S2, ulong S3, double SpareGaussian, bool HasSpareGaussian);
