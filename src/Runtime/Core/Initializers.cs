using System;

namespace NetDsl;

/// <summary>
/// Keras's kernel initializers (the VarianceScaling family, <c>KERAS_SEMANTICS.md</c> 1.1): fans of a
/// <c>(inputs, units)</c> kernel are <c>fan_in = inputs</c>, <c>fan_out = units</c>; <c>s = scale / n</c> with n the
/// mode's fan (at least 1); uniform draws U(−√(3s), √(3s)); normal draws a normal truncated at ±2 standard
/// deviations whose σ parameter is <c>√s / 0.87962566103423978</c>, so the effective standard deviation is √s.
/// </summary>
public static class Initializers
{
    /// <summary>Standard deviation of a unit normal truncated to [−2, 2].</summary>
    public const double TruncatedNormalStd = 0.87962566103423978;

    /// <summary>Fills <paramref name="weights"/> by <paramref name="init"/> for a kernel with the given fans.</summary>
    public static void Fill(Span<float> weights, Init init, int fanIn, int fanOut, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        switch (init)
        {
            case Init.Zeros:
                weights.Clear();
                return;
            case Init.Ones:
                weights.Fill(1f);
                return;
        }
        (double scale, double n, bool uniform) = init switch
        {
            Init.GlorotUniform => (1.0, (fanIn + fanOut) / 2.0, true),
            Init.GlorotNormal => (1.0, (fanIn + fanOut) / 2.0, false),
            Init.HeNormal => (2.0, fanIn, false),
            Init.HeUniform => (2.0, fanIn, true),
            Init.LecunNormal => (1.0, fanIn, false),
            Init.LecunUniform => (1.0, fanIn, true),
            _ => throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown initializer."),
        };
        double s = scale / Math.Max(1.0, n);
        if (uniform)
        {
            double limit = Math.Sqrt(3.0 * s);
            for (int i = 0; i < weights.Length; i++) weights[i] = (float)((2.0 * random.NextDouble() - 1.0) * limit);
        }
        else
        {
            double std = Math.Sqrt(s) / TruncatedNormalStd;
            for (int i = 0; i < weights.Length; i++) weights[i] = (float)(TruncatedStandardNormal(random) * std);
        }
    }

    /// <summary>A standard normal draw, re-drawn until it falls within ±2 (TensorFlow's truncated normal).</summary>
    public static double TruncatedStandardNormal(SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        while (true)
        {
            double z = random.NextGaussian();
            if (z >= -2.0 && z <= 2.0) return z;
        }
    }

    /// <summary>The random stream of layer <paramref name="layerIndex"/>'s initializer: each layer draws from its own stream, so adding a layer does not change the others' initial weights.</summary>
    public static SeededRandom LayerRandom(int seed, int layerIndex) => new(seed, 1000 + layerIndex);
}
