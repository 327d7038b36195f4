using System;
using System.Linq;
using NetDsl;
using NetDsl.Tests;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>The matrix products against a naive double-precision reference, on shapes that exercise every block and tail.</summary>
public class GemmTests
{
    private static float[] Random(int n, int seed) => KernelTestData.Gaussian(n, seed);

    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 3, 5, 7 }, { 4, 16, 16 }, { 5, 17, 33 }, { 32, 784, 300 }, { 32, 300, 100 }, { 7, 100, 10 }, { 9, 3, 25 }, { 1, 784, 300 },
        // 13, 14 and 15 rows: tiles of 5 + 4 + 4, 5 + 5 + 4 and 5 + 5 + 5 (each run of one height in one call of the
        // micro-kernel); 32: 6 + 6 + 5 + 5 + 5 + 5 (RowTileTests); rank-1 products (one sample's weight gradient),
        // large enough to be split across the cores; a depth cut into packed blocks with a remainder
        { 13, 40, 20 }, { 14, 40, 20 }, { 15, 40, 20 }, { 784, 1, 300 }, { 300, 1, 100 }, { 11, 2500, 37 },
        // one sample against weights split by depth across the cores (partial rows added in chunk order), with a
        // masked last vector
        { 1, 2000, 70 }, { 1, 1100, 131 },
        // narrow layers of many rows: fewer than eight column chunks, so the rows are halved too
        { 128, 100, 100 }, { 100, 128, 100 }, { 97, 70, 50 },
        // many rows but fewer than 16 blocks of 96: half-height row chunks
        { 500, 60, 40 },
        // one sample against small weights (the row-streamed product on one core): depths of 2, 3 and 37 (the groups
        // of four rows and their remainder), widths with and without a masked last vector
        { 1, 37, 50 }, { 1, 3, 20 }, { 1, 2, 64 }, { 1, 40, 64 },
        // a run of full six-row tiles (one call of the micro-kernel) that ends the rows, with no shorter tile after it,
        // after a packing tile (12, 18) and alone (6)
        { 12, 33, 20 }, { 18, 40, 16 }, { 6, 35, 16 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMul_matches_reference(int m, int k, int n)
    {
        float[] a = Random(m * k, 1), b = Random(k * n, 2), c = Random(m * n, 3);
        float[] start = (float[])c.Clone(), accumulated = (float[])c.Clone();
        Kernels.MatMul(a, b, c, m, k, n);
        Kernels.MatMul(a, b, accumulated, m, k, n, accumulate: true);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[p * n + j];
                Assert.Equal(s, c[i * n + j], Tolerance(k));
                Assert.Equal(start[i * n + j] + s, accumulated[i * n + j], Tolerance(k));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMulTN_matches_reference(int m, int k, int n)
    {
        float[] a = Random(k * m, 4), b = Random(k * n, 5), c = new float[m * n];
        Kernels.MatMulTN(a, b, c, m, k, n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[p * m + i] * b[p * n + j];
                Assert.Equal(s, c[i * n + j], Tolerance(k));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMulNT_matches_reference_and_accumulates(int m, int k, int n)
    {
        float[] a = Random(m * k, 6), b = Random(n * k, 7), c = Random(m * n, 8);
        float[] start = (float[])c.Clone();
        Kernels.MatMulNT(a, b, c, m, k, n, accumulate: true);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = start[i * n + j];
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[j * k + p];
                Assert.Equal(s, c[i * n + j], Tolerance(k));
            }
        }
    }

    [Theory]
    [InlineData(Activation.Linear)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.LeakyRelu)]
    [InlineData(Activation.Elu)]
    [InlineData(Activation.Selu)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Softmax)]
    public void Dense_fuses_bias_and_activation(Activation activation)
    {
        // 6 × 19 × 21: B read where it lies; 13 × 40 × 37: B packed, the first tile of each full panel packing it.
        foreach ((int m, int k, int n) in new[] { (6, 19, 21), (13, 40, 37) })
        {
            float[] x = Random(m * k, 9), w = Random(k * n, 10), b = Random(n, 11), y = new float[m * n];
            Kernels.Dense(x, w, b, y, m, k, n, activation, 0.2f);
            double[] expected = ExpectedDense(x, w, b, m, k, n, activation, 0.2);
            for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 3);
        }
    }

    [Theory]
    [InlineData(784, 1, 300)]
    [InlineData(5, 1, 13)]
    [InlineData(40, 3, 70)]
    public void MatMulTN_accumulates(int m, int k, int n)
    {
        float[] a = Random(k * m, 15), b = Random(k * n, 16), c = Random(m * n, 17);
        float[] start = (float[])c.Clone();
        Kernels.MatMulTN(a, b, c, m, k, n, accumulate: true);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = start[i * n + j];
                for (int p = 0; p < k; p++) s += (double)a[p * m + i] * b[p * n + j];
                Assert.Equal(s, c[i * n + j], Tolerance(k));
            }
        }
    }

    [Theory]
    [InlineData(784, 32, 300)]
    [InlineData(784, 1, 300)]
    [InlineData(100, 128, 100)]
    [InlineData(13, 5, 21)]
    [InlineData(7, 1, 3)]
    [InlineData(40, 2000, 24)]
    [InlineData(300, 1, 100)]
    [InlineData(1000, 1, 300)]
    public void MatMulTNStep_is_the_gradient_then_the_sgd_step_bit_for_bit(int m, int k, int n)
    {
        float[] a = Random(k * m, 21), b = Random(k * n, 22), w = Random(m * n, 23);
        float[] gradient = new float[m * n], expected = (float[])w.Clone();
        const float rate = 0.0123f;
        Kernels.MatMulTN(a, b, gradient, m, k, n);
        new Sgd(rate).Apply(expected, gradient, new[] { new ParameterVariable(0, m * n, 0, VariableKind.Kernel, true) });

        Assert.True(new Sgd(rate).TryGetFusedUpdateRate(m * n, out float fusedRate));
        Assert.Equal(rate, fusedRate);
        Kernels.MatMulTNStep(a, b, w, fusedRate, m, k, n);
        Assert.Equal(expected, w);
    }

    [Fact]
    public void An_empty_depth_gives_zero_then_bias_and_activation_and_keeps_c_when_accumulating()
    {
        float[] bias = { 1f, -2f, 3f };
        var y = new float[] { 9f, 9f, 9f, 9f, 9f, 9f };
        Kernels.Dense(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, bias, y, 2, 0, 3, Activation.Relu);
        Assert.Equal(new[] { 1f, 0f, 3f, 1f, 0f, 3f }, y);
        var c = new float[] { 5f, 6f };
        Kernels.MatMul(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 1, 0, 2, accumulate: true);
        Assert.Equal(new[] { 5f, 6f }, c);
        Kernels.MatMul(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 1, 0, 2);
        Assert.Equal(new[] { 0f, 0f }, c);
    }

    [Fact]
    public void Only_plain_sgd_without_clipping_allows_a_fused_update()
    {
        Assert.True(new Sgd(0.1).TryGetFusedUpdateRate(10, out _));
        Assert.False(new Sgd(0.1, momentum: 0.9).TryGetFusedUpdateRate(10, out _));
        Assert.False(new Sgd(0.1) { ClipValue = 1 }.TryGetFusedUpdateRate(10, out _));
        Assert.False(new Sgd(0.1) { ClipNorm = 1 }.TryGetFusedUpdateRate(10, out _));
        Assert.False(new Sgd(0.1) { GlobalClipNorm = 1 }.TryGetFusedUpdateRate(10, out _));
        Assert.False(new Adam(0.001).TryGetFusedUpdateRate(10, out _));
        Assert.False(new RmsProp(0.001).TryGetFusedUpdateRate(10, out _));
        // The rate is the one the next update would use: schedule, then the legacy decay.
        var decayed = new Sgd(0.1) { Decay = 1.0, Iterations = 4 };
        Assert.True(decayed.TryGetFusedUpdateRate(10, out float rate));
        Assert.Equal((float)(0.1 / 5), rate);
        // Bound to a network of another size: no fusion (its Apply refuses the step before anything changes).
        var bound = new Sgd(0.1);
        bound.Apply(new float[4], new float[4], new[] { new ParameterVariable(0, 4, 0, VariableKind.Kernel, true) });
        Assert.True(bound.TryGetFusedUpdateRate(4, out _));
        Assert.False(bound.TryGetFusedUpdateRate(5, out _));
        // An optimizer that cannot have fused its update refuses the skip list.
        var adam = new Adam(0.001);
        var e = Assert.Throws<InvalidOperationException>(() =>
            adam.Apply(new float[4], new float[4], new[] { new ParameterVariable(0, 4, 0, VariableKind.Kernel, true) }, new[] { 0 }));
        Assert.Contains("cannot have had its update fused", e.Message);
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Selu)]
    [InlineData(Activation.Elu)]
    public void Deep_products_apply_bias_and_activation_once_after_the_last_block(Activation activation)
    {
        // 2,500 inputs are cut into depth blocks whose partial sums go through the output: the bias and the activation
        // must be applied to the full sum only, and once (SELU twice would not be SELU; ReLU twice would).
        const int m = 10, k = 2500, n = 40;
        float[] x = Random(m * k, 18), w = Random(k * n, 19), b = Random(n, 20), y = new float[m * n];
        Kernels.Dense(x, w, b, y, m, k, n, activation, 0.7f);
        double[] expected = ExpectedDense(x, w, b, m, k, n, activation, 0.7);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], Tolerance(k));
    }

    [Theory]
    [InlineData(784, 300, Activation.Relu)]
    [InlineData(784, 300, Activation.Selu)]
    [InlineData(1500, 90, Activation.Relu)]
    [InlineData(1500, 90, Activation.Elu)]
    [InlineData(300, 100, Activation.Selu)]
    [InlineData(33, 70, Activation.Relu)]
    [InlineData(5, 7, Activation.Selu)]
    [InlineData(100, 10, Activation.Relu)]
    [InlineData(1, 20, Activation.Relu)]
    [InlineData(2, 64, Activation.LeakyRelu)]
    [InlineData(3, 64, Activation.Elu)]
    // wider than the thread's packing buffer, which then grows to hold the row of partial sums
    [InlineData(3, 25_000, Activation.Relu)]
    public void Dense_of_one_sample_matches_reference(int k, int n, Activation activation)
    {
        // One sample: the vector-matrix path, its masked tail, and (784 × 300, 1,500 × 90) the split by depth whose
        // partial rows are added before the bias and the activation, applied once.
        float[] x = Random(k, 12), w = Random(k * n, 13), b = Random(n, 14), y = new float[n];
        Kernels.Dense(x, w, b, y, 1, k, n, activation, 0.7f);
        double[] expected = ExpectedDense(x, w, b, 1, k, n, activation, 0.7);
        for (int j = 0; j < n; j++) Assert.Equal(expected[j], y[j], Tolerance(k));
    }

    /// <summary>
    /// One sample's product as the kernel sums it, every term included: each column's sum over the depth in order
    /// (the first term a product, the others fused multiply-adds), and, where the weights are split by depth (more than
    /// 128 Ki floats), the chunks' partial sums (about eight chunks of whole rows, at least 16) added in chunk order.
    /// </summary>
    private static float[] OneSampleProductInOrder(float[] x, float[] w, int k, int n)
    {
        int chunk = (long)k * n >= 128 * 1024 ? Math.Max(16, (k + 7) / 8) : k;
        var y = new float[n];
        for (int j = 0; j < n; j++)
        {
            float total = 0f;
            for (int p0 = 0; p0 < k; p0 += chunk)
            {
                float s = x[p0] * w[p0 * n + j];
                for (int p = p0 + 1; p < Math.Min(p0 + chunk, k); p++) s = MathF.FusedMultiplyAdd(x[p], w[p * n + j], s);
                total = p0 == 0 ? s : total + s;
            }
            y[j] = total;
        }
        return y;
    }

    public static TheoryData<int, int, double> SparseSamples => new()
    {
        // the row-streamed product (groups of four rows and the remainder), the split by depth, a chunk without any
        // non-zero input, an input with no non-zero element, and one with a single one
        { 37, 50, 0.5 }, { 300, 100, 0.5 }, { 3, 20, 0.5 }, { 784, 300, 0.5 }, { 1100, 131, 0.9 }, { 784, 300, 1.0 }, { 40, 64, 1.0 },
        { 784, 300, 0.999 },
        // few zeros: groups of eight inputs without a zero (listed in one store) between groups with some
        { 784, 300, 0.1 }, { 300, 100, 0.1 }, { 37, 50, 0.1 },
        // every pattern of zeros in a group of eight: group g keeps the lanes of g's set bits (256 groups), then a tail
        { 2051, 9, -1 },
    };

    [VectorKernelTheory]
    [MemberData(nameof(SparseSamples))]
    public void One_sample_products_skip_zero_inputs_and_give_the_same_values(int k, int n, double zeroShare)
    {
        // A sample's zero inputs (an image's background) add nothing: the product skips their rows of weights. The
        // result is the sum with every term, value for value; weights that are never read (NaN here) do not show.
        float[] x = Random(k, 31), w = Random(k * n, 32);
        var r = new SeededRandom(33);
        for (int p = 0; p < k; p++)
        {
            bool zero = zeroShare < 0 ? p < 2048 && (p / 8 >> p % 8 & 1) == 0 : r.NextDouble() < zeroShare;
            if (zero) x[p] = p % 2 == 0 ? 0f : -0f;
        }
        if (zeroShare == 0.999) x[k / 2] = 1.5f;
        if (k == 1100) Array.Clear(x, 0, 150); // the first chunk (138 rows) has no non-zero input
        float[] expected = OneSampleProductInOrder(x, w, k, n);
        var y = new float[n];
        Kernels.MatMul(x, w, y, 1, k, n);
        Assert.Equal(expected, y);

        float[] unread = (float[])w.Clone();
        for (int p = 0; p < k; p++)
        {
            if (x[p] == 0f) Array.Fill(unread, float.NaN, p * n, n);
        }
        Array.Fill(y, 7f);
        Kernels.MatMul(x, unread, y, 1, k, n);
        Assert.Equal(expected, y);
    }

    [VectorKernelTheory]
    // one sample's weight gradient (a rank-1 product) split across the cores by rows, and on one core; a width with a
    // scalar tail
    [InlineData(784, 300)]
    [InlineData(300, 100)]
    [InlineData(100, 13)]
    public void One_sample_weight_steps_and_accumulated_gradients_leave_the_rows_of_zero_inputs_untouched(int m, int n)
    {
        // The fused SGD step and the accumulated gradient of one sample: a zero input's row gets 0·b, a zero, so it is
        // not touched. Against the gradient then the optimizer's step (and the sum with every term), value for value; a
        // NaN in the output gradient reaches only the rows of non-zero inputs.
        float[] a = Random(m, 41), b = Random(n, 42), w = Random(m * n, 43), c = Random(m * n, 44);
        for (int i = 0; i < m; i++)
        {
            if (i % 3 != 1) a[i] = i % 2 == 0 ? 0f : -0f;
        }
        const float rate = 0.0123f;
        float[] gradient = new float[m * n], expectedW = (float[])w.Clone(), expectedC = (float[])c.Clone();
        // Stored (not added to), every row is written, zeros included.
        Array.Fill(gradient, float.NaN);
        Kernels.MatMulTN(a, b, gradient, m, 1, n);
        for (int i = 0; i < m * n; i++) Assert.Equal(a[i / n] * b[i % n], gradient[i]);
        new Sgd(rate).Apply(expectedW, gradient, new[] { new ParameterVariable(0, m * n, 0, VariableKind.Kernel, true) });
        for (int i = 0; i < m * n; i++) expectedC[i] = MathF.FusedMultiplyAdd(a[i / n], b[i % n], expectedC[i]);

        float[] stepped = (float[])w.Clone(), accumulated = (float[])c.Clone();
        Kernels.MatMulTNStep(a, b, stepped, rate, m, 1, n);
        Kernels.MatMulTN(a, b, accumulated, m, 1, n, accumulate: true);
        Assert.Equal(expectedW, stepped);
        Assert.Equal(expectedC, accumulated);

        b[n / 2] = float.NaN;
        stepped = (float[])w.Clone();
        accumulated = (float[])c.Clone();
        Kernels.MatMulTNStep(a, b, stepped, rate, m, 1, n);
        Kernels.MatMulTN(a, b, accumulated, m, 1, n, accumulate: true);
        for (int i = 0; i < m; i++)
        {
            int j = i * n + n / 2;
            if (a[i] == 0f)
            {
                Assert.Equal(w.AsSpan(i * n, n).ToArray(), stepped.AsSpan(i * n, n).ToArray());
                Assert.Equal(c.AsSpan(i * n, n).ToArray(), accumulated.AsSpan(i * n, n).ToArray());
            }
            else
            {
                Assert.True(float.IsNaN(stepped[j]) && float.IsNaN(accumulated[j]), $"row {i}");
            }
        }

        // A NaN input is not zero: its row is updated (to NaN).
        b[n / 2] = 1f;
        a[0] = float.NaN;
        stepped = (float[])w.Clone();
        accumulated = (float[])c.Clone();
        Kernels.MatMulTNStep(a, b, stepped, rate, m, 1, n);
        Kernels.MatMulTN(a, b, accumulated, m, 1, n, accumulate: true);
        Assert.All(stepped.AsSpan(0, n).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.All(accumulated.AsSpan(0, n).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.Equal(w.AsSpan(2 * n, n).ToArray(), stepped.AsSpan(2 * n, n).ToArray()); // a[2] is zero
    }

    [Theory]
    // in a group of eight, in the scalar tail (300 = 37 · 8 + 4), with fewer than eight inputs, and in a chunk of the
    // depth-split product
    [InlineData(300, 100, 7)]
    [InlineData(300, 100, 298)]
    [InlineData(5, 20, 4)]
    [InlineData(784, 300, 500)]
    public void One_sample_products_do_not_skip_a_nan_input(int k, int n, int nanAt)
    {
        float[] x = new float[k], w = Random(k * n, 34), y = new float[n];
        x[nanAt] = float.NaN;
        x[1] = 2f;
        Kernels.MatMul(x, w, y, 1, k, n);
        Assert.All(y, v => Assert.True(float.IsNaN(v)));
    }

    [VectorKernelTheory]
    [InlineData(300, 100, 0.5)]
    [InlineData(784, 300, 0.5)]
    [InlineData(37, 50, 1.0)]
    public void One_sample_products_with_zero_inputs_add_bias_activation_and_accumulate(int k, int n, double zeroShare)
    {
        // The skipped rows change nothing after the sums: the bias and the activation (an input of zeros gives the
        // activation of the bias), and a product added to what is there.
        float[] x = Random(k, 35), w = Random(k * n, 36), bias = Random(n, 37), start = Random(n, 38);
        var r = new SeededRandom(39);
        for (int p = 0; p < k; p++)
        {
            if (r.NextDouble() < zeroShare) x[p] = 0f;
        }
        float[] y = new float[n];
        Kernels.Dense(x, w, bias, y, 1, k, n, Activation.Relu);
        double[] expected = ExpectedDense(x, w, bias, 1, k, n, Activation.Relu, 0);
        for (int j = 0; j < n; j++) Assert.Equal(expected[j], y[j], Tolerance(k));

        float[] inOrder = OneSampleProductInOrder(x, w, k, n), accumulated = (float[])start.Clone();
        Kernels.MatMul(x, w, accumulated, 1, k, n, accumulate: true);
        for (int j = 0; j < n; j++) Assert.Equal(inOrder[j] + start[j], accumulated[j]);
    }

    [Fact]
    public void Short_buffers_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.MatMul(new float[5], new float[6], new float[6], 2, 3, 2));
        Assert.Contains("'a' has 5 elements; 6 are required", e.Message);
    }

    /// <summary>
    /// A product writes C's elements and nothing after them, whatever the width of its last column panel (its last
    /// 1–7 lanes are stored four, two and one at a time): C lies at the start of a larger buffer whose other elements
    /// must stay as they were, in every epilogue — a plain store, bias and ReLU, bias and SELU (its exponential applied
    /// to the stored tile), accumulation, the input gradient's transposed B, the fused SGD step — and its values match
    /// the double-precision sums.
    /// </summary>
    [Theory]
    [InlineData(7, 9)]
    [InlineData(32, 33)]
    public void Products_store_exactly_the_columns_of_c_whatever_the_width_of_the_last_panel(int m, int k)
    {
        const float sentinel = 12345f;
        const float rate = 0.05f;
        for (int n = 1; n <= 24; n++)
        {
            float[] a = Random(m * k, 31), b = Random(k * n, 32), bias = Random(n, 33), start = Random(m * n, 34);
            float[] bt = Random(n * k, 35), at = Random(k * m, 36);
            float[] Buffer()
            {
                var buffer = new float[m * n + 24];
                start.CopyTo(buffer, 0);
                buffer.AsSpan(m * n).Fill(sentinel);
                return buffer;
            }
            float[] plain = Buffer(), accumulated = Buffer(), dense = Buffer(), selu = Buffer(), nt = Buffer(), step = Buffer();
            Kernels.MatMul(a, b, plain.AsSpan(0, m * n), m, k, n);
            Kernels.Dense(a, b, bias, selu.AsSpan(0, m * n), m, k, n, Activation.Selu);
            Kernels.MatMul(a, b, accumulated.AsSpan(0, m * n), m, k, n, accumulate: true);
            Kernels.Dense(a, b, bias, dense.AsSpan(0, m * n), m, k, n, Activation.Relu);
            Kernels.MatMulNT(a, bt, nt.AsSpan(0, m * n), m, k, n);
            Kernels.MatMulTNStep(at, b, step.AsSpan(0, m * n), rate, m, k, n);
            foreach (float[] buffer in new[] { plain, accumulated, dense, selu, nt, step })
                Assert.All(buffer.AsSpan(m * n).ToArray(), v => Assert.Equal(sentinel, v));
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = 0, sNT = 0, sTN = 0;
                    for (int p = 0; p < k; p++)
                    {
                        s += (double)a[i * k + p] * b[p * n + j];
                        sNT += (double)a[i * k + p] * bt[j * k + p];
                        sTN += (double)at[p * m + i] * b[p * n + j];
                    }
                    int e = i * n + j;
                    Assert.Equal(s, plain[e], Tolerance(k));
                    Assert.Equal(start[e] + s, accumulated[e], Tolerance(k));
                    Assert.Equal(Math.Max(0, s + bias[j]), dense[e], Tolerance(k));
                    double z = s + bias[j];
                    Assert.Equal(1.0507009873554805 * (z > 0 ? z : 1.6732632423543772 * (Math.Exp(z) - 1)), selu[e], Tolerance(k));
                    Assert.Equal(sNT, nt[e], Tolerance(k));
                    Assert.Equal(start[e] - rate * sTN, step[e], Tolerance(k));
                }
            }
        }
    }

    private static double Tolerance(int k) => 1e-5 + 1e-5 * k;

    /// <summary><c>activation(x·W + b)</c> in double precision, row by row (the activations' reference formulas).</summary>
    private static double[] ExpectedDense(float[] x, float[] w, float[] b, int m, int k, int n, Activation activation, double alpha)
    {
        var expected = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            var z = new double[n];
            for (int j = 0; j < n; j++)
            {
                z[j] = b[j];
                for (int p = 0; p < k; p++) z[j] += (double)x[i * k + p] * w[p * n + j];
            }
            ActivationTests.Reference(activation, z, alpha).CopyTo(expected, i * n);
        }
        return expected;
    }
}

/// <summary>
/// Tests that need the worker pool to themselves (a job finds the pool busy while other test classes run kernels, and
/// then runs on the caller alone): xunit runs this collection on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerPoolCollection
{
    public const string Name = "Worker pool";
}

/// <summary>
/// The promise that results do not depend on the number of cores: every kernel that splits its work across cores
/// gives, bit for bit, what it gives on one core (<c>NETDSL_THREADS=1</c>, here through the thread's serial switch).
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public class CoreCountIndependenceTests
{
    private static float[] Random(int n, int seed)
    {
        var r = new SeededRandom(seed, 3);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)r.NextGaussian();
        return a;
    }

    private static float[] Serially(Func<float[]> run)
    {
        WorkerPool.SerialOnThisThread = true;
        try
        {
            return run();
        }
        finally
        {
            WorkerPool.SerialOnThisThread = false;
        }
    }

    public static TheoryData<string, int, int, int> Cases => new()
    {
        // one sample against large weights (split by depth), a batch (by columns), many rows (by rows), narrow layers
        // (halved rows), the input gradient (packed transposed), weight gradients and their fused steps, rank 1
        { "dense relu", 1, 784, 300 }, { "dense selu", 1, 1500, 90 }, { "dense relu", 32, 784, 300 }, { "dense selu", 128, 100, 100 },
        { "dense relu", 500, 300, 100 }, { "nt", 32, 100, 300 }, { "nt", 128, 100, 100 }, { "tn", 784, 32, 300 }, { "tn", 100, 128, 100 },
        { "tn step", 784, 32, 300 }, { "tn step", 784, 1, 300 }, { "tn step", 300, 32, 100 },
        // an odd number of single-panel column chunks, whose middle panel is split into two row halves: few rows (the
        // halves cut at 6), a narrow layer's 7 panels, a fused step of 13 rows
        { "dense relu", 12, 784, 300 }, { "dense relu", 32, 300, 100 }, { "tn step", 13, 1000, 300 },
    };

    [VectorKernelTheory]
    [MemberData(nameof(Cases))]
    public void Kernels_give_the_same_bits_on_one_core_and_on_several(string kernel, int m, int k, int n)
    {
        Assert.True(WorkerPool.IsParallel || Environment.ProcessorCount == 1 || Environment.GetEnvironmentVariable("NETDSL_THREADS") == "1",
            "the pool should be parallel on a machine with several cores");
        float[] a = Random(m * k, 1), b = Random(k * n, 2), bias = Random(n, 3), w0 = Random(m * n, 4);
        float[] Run()
        {
            switch (kernel)
            {
                case "dense relu":
                case "dense selu":
                {
                    var y = new float[m * n];
                    Kernels.Dense(a, b, bias, y, m, k, n, kernel == "dense relu" ? Activation.Relu : Activation.Selu);
                    return y;
                }
                case "nt":
                {
                    // dX = dZ·Wᵀ: dZ is m × k, W is n × k.
                    var c = new float[m * n];
                    Kernels.MatMulNT(a, Random(n * k, 5), c, m, k, n);
                    return c;
                }
                case "tn":
                {
                    var c = new float[m * n];
                    Kernels.MatMulTN(Random(k * m, 6), b, c, m, k, n);
                    return c;
                }
                default:
                {
                    float[] w = (float[])w0.Clone();
                    Kernels.MatMulTNStep(Random(k * m, 6), b, w, 0.01f, m, k, n);
                    return w;
                }
            }
        }
        // The pool runs a job on the caller alone when another thread holds it (tests run in parallel): repeat until
        // this thread's job was shared with a worker, so that the comparison is with a parallel run.
        float[] parallel = Run();
        bool shared = false;
        for (int attempt = 0; attempt < 50 && !shared && WorkerPool.IsParallel; attempt++)
        {
            int before = WorkerPool.ParallelRunsOnThisThread;
            parallel = Run();
            shared = WorkerPool.ParallelRunsOnThisThread > before;
        }
        Assert.True(shared || !WorkerPool.IsParallel, $"{kernel} {m}×{k}×{n} never ran in parallel");
        float[] serial = Serially(Run);
        Assert.True(parallel.AsSpan().SequenceEqual(serial), $"{kernel} {m}×{k}×{n}: the results depend on the number of cores");
    }
}

/// <summary>
/// The pool's job interface (generated networks' row-split phases): every chunk runs once, a chunk's exception
/// reaches the caller as it is and leaves the pool usable, and a kernel called inside a chunk stays on its thread
/// (the pool is not re-entered).
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public class ParallelJobTests
{
    private sealed class Job : IParallelJob
    {
        public readonly int[] Runs;
        public readonly bool[] NestedParallel;
        public int Throwing = -1;

        public Job(int chunks)
        {
            Runs = new int[chunks];
            NestedParallel = new bool[chunks];
        }

        public void Run(int chunk)
        {
            System.Threading.Interlocked.Increment(ref Runs[chunk]);
            NestedParallel[chunk] = WorkerPool.IsParallel;
            // A product large enough to be split if the pool were free: inside a chunk it runs on this thread.
            var a = new float[64 * 300];
            var b = new float[300 * 100];
            Kernels.MatMul(a, b, new float[64 * 100], 64, 300, 100);
            if (chunk == Throwing) throw new InvalidOperationException($"chunk {chunk} failed");
        }
    }

    [Fact]
    public void Every_chunk_runs_once_failures_reach_the_caller_and_the_pool_stays_usable()
    {
        bool shared = false;
        for (int attempt = 0; attempt < 20 && !shared; attempt++)
        {
            int before = WorkerPool.ParallelRunsOnThisThread;
            var job = new Job(6);
            Kernels.RunParallel(job, 6);
            shared = WorkerPool.ParallelRunsOnThisThread > before;
            Assert.All(job.Runs, r => Assert.Equal(1, r));
            Assert.All(job.NestedParallel, p => Assert.False(p));
        }
        Assert.True(shared || !WorkerPool.IsParallel, "the job never ran in parallel");

        var failing = new Job(6) { Throwing = 4 };
        var e = Assert.Throws<InvalidOperationException>(() => Kernels.RunParallel(failing, 6));
        Assert.Equal("chunk 4 failed", e.Message);

        var after = new Job(5);
        Kernels.RunParallel(after, 5);
        Assert.All(after.Runs, r => Assert.Equal(1, r));
        Assert.Throws<ArgumentNullException>(() => Kernels.RunParallel(null!, 2));
    }
}
