using System;
using System.Numerics.Tensors;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>
/// The training step's elementwise operations give TensorPrimitives' results bit for bit (they replace it only to be
/// compiled optimized from the first step), for every length around the vector width, in place and not, and refuse
/// spans of different lengths as it does.
/// </summary>
public class VectorOpsTests
{
    private static float[] Random(int n, int seed)
    {
        var r = new SeededRandom(seed, 9);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextGaussian() * Math.Pow(10, r.NextDouble() * 6 - 3));
        // Signed zeros, infinities and NaN among them (in the vector part and in the scalar tail): the operations must
        // treat them as TensorPrimitives does (−x of +0 is −0, not 0 − x's +0).
        float[] special = { 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon };
        for (int i = seed - 1; i < n; i += 7) a[i] = special[(i / 7 + seed) % special.Length];
        return a;
    }

    private static void Same(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}, element {i} of {expected.Length}: {expected[i]:R} expected, {actual[i]:R} computed");
        }
    }

    [Fact]
    public void Every_operation_matches_TensorPrimitives_bit_for_bit_at_every_length_in_place_or_not()
    {
        for (int n = 0; n <= 41; n++)
        {
            float[] x = Random(n, 1), y = Random(n, 2), z = Random(n, 3);
            const float s = -0.0123f;
            void Check(string name, Action<float[]> ours, Action<float[]> theirs)
            {
                float[] expected = new float[n], actual = new float[n];
                theirs(expected);
                ours(actual);
                Same(expected, actual, $"{name} of {n}");
            }
            Check("x·y", d => VectorOps.Multiply(x, y, d), d => TensorPrimitives.Multiply(x, y, d));
            Check("x·s", d => VectorOps.Multiply(x, s, d), d => TensorPrimitives.Multiply(x, s, d));
            Check("x + y", d => VectorOps.Add(x, y, d), d => TensorPrimitives.Add(x, y, d));
            Check("x − y", d => VectorOps.Subtract(x, y, d), d => TensorPrimitives.Subtract(x, y, d));
            Check("x − s", d => VectorOps.Subtract(x, s, d), d => TensorPrimitives.Subtract(x, s, d));
            Check("−x", d => VectorOps.Negate(x, d), d => TensorPrimitives.Negate(x, d));
            Check("fma(x, y, z)", d => VectorOps.FusedMultiplyAdd(x, y, z, d), d => TensorPrimitives.FusedMultiplyAdd(x, y, z, d));
            Check("x·s + z", d => VectorOps.MultiplyAdd(x, s, z, d), d => TensorPrimitives.MultiplyAdd(x, s, z, d));
            Check("x·y + z", d => VectorOps.MultiplyAdd(x, y, z, d), d => TensorPrimitives.MultiplyAdd(x, y, z, d));

            // In place, as the optimizers and BatchNorm call them (the destination is an input).
            float[] mine = (float[])z.Clone(), theirs = (float[])z.Clone();
            VectorOps.MultiplyAdd(x, s, mine, mine);
            TensorPrimitives.MultiplyAdd(x, s, theirs, theirs);
            Same(theirs, mine, $"in-place x·s + z of {n}");
            mine = (float[])x.Clone();
            theirs = (float[])x.Clone();
            VectorOps.FusedMultiplyAdd(mine, y, z, mine);
            TensorPrimitives.FusedMultiplyAdd(theirs, y, z, theirs);
            Same(theirs, mine, $"in-place fma of {n}");
        }
    }

    [Fact]
    public void Spans_of_different_lengths_and_a_short_destination_are_refused()
    {
        float[] a = new float[9], b = new float[8], d = new float[9];
        Assert.Throws<ArgumentException>(() => VectorOps.Multiply(a, b, d));
        Assert.Throws<ArgumentException>(() => VectorOps.Add(a, b, d));
        Assert.Throws<ArgumentException>(() => VectorOps.FusedMultiplyAdd(a, a, b, d));
        Assert.Throws<ArgumentException>(() => VectorOps.MultiplyAdd(a, 2f, b, d));
        Assert.Throws<ArgumentException>(() => VectorOps.Negate(a, new float[8]));
    }
}
