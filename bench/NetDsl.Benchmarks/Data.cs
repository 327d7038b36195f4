using System;

namespace NetDsl.Benchmarks;

/// <summary>Deterministic test data for the kernels.</summary>
internal static class Data
{
    /// <summary><paramref name="length"/> values uniform in [<paramref name="low"/>, <paramref name="high"/>), from a fixed seed.</summary>
    public static float[] Uniform(int length, float low = -1f, float high = 1f, int seed = 1)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = low + (high - low) * random.NextSingle();
        return values;
    }

    /// <summary>Class labels in [0, <paramref name="classes"/>).</summary>
    public static int[] Labels(int length, int classes = 10, int seed = 2)
    {
        var random = new Random(seed);
        var labels = new int[length];
        for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(classes);
        return labels;
    }
}
