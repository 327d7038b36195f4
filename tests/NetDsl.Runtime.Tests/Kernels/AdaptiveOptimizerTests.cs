using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>
/// Every optimizer against an independent double-precision transcription of Keras's legacy update
/// (KERAS_SEMANTICS.md 1.7), over several steps with changing gradients.
/// </summary>
public class AdaptiveOptimizerTests
{
    private static readonly ParameterVariable[] Vars = { new(0, 3, 0, VariableKind.Kernel, true) };

    private static readonly double[][] Gradients =
    {
        new[] { 0.5, -1.0, 0.01 }, new[] { 0.3, -0.7, -0.02 }, new[] { -0.4, 2.0, 0.0 }, new[] { 0.1, 0.1, 1e-4 }, new[] { 1.5, -0.2, 0.05 },
    };

    private static void Check(Optimizer optimizer, Func<int, double[], double[], double[]> reference, double tolerance = 1e-6)
    {
        double[] theta = { 1.0, -0.5, 0.25 };
        float[] p = theta.Select(v => (float)v).ToArray();
        for (int t = 1; t <= Gradients.Length; t++)
        {
            double[] g = Gradients[t - 1];
            optimizer.Apply(p, g.Select(v => (float)v).ToArray(), Vars);
            theta = reference(t, theta, g);
            for (int i = 0; i < 3; i++) Assert.True(Math.Abs(theta[i] - p[i]) <= tolerance * Math.Max(1, Math.Abs(theta[i])), $"step {t}, weight {i}: {p[i]} vs reference {theta[i]}");
        }
        Assert.Equal(Gradients.Length, optimizer.Iterations);
    }

    [Fact]
    public void AdaGrad_matches_Keras()
    {
        double lr = 0.1, eps = 1e-7;
        double[] a = { 0.1, 0.1, 0.1 };
        Check(new AdaGrad(lr), (t, th, g) => th.Select((v, i) =>
        {
            a[i] += g[i] * g[i];
            return v - lr * g[i] / (Math.Sqrt(a[i]) + eps);
        }).ToArray());
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.0, true)]
    [InlineData(0.9, false)]
    [InlineData(0.9, true)]
    public void RmsProp_matches_Keras(double momentum, bool centered)
    {
        double lr = 0.01, rho = 0.9, eps = 1e-7;
        double[] s = new double[3], mg = new double[3], mom = new double[3];
        Check(new RmsProp(lr, rho, momentum, eps, centered), (t, th, g) => th.Select((v, i) =>
        {
            s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
            double variance = s[i];
            if (centered)
            {
                mg[i] = rho * mg[i] + (1 - rho) * g[i];
                variance -= mg[i] * mg[i];
            }
            if (momentum > 0)
            {
                mom[i] = momentum * mom[i] + lr * g[i] / Math.Sqrt(variance + eps);
                return v - mom[i];
            }
            return v - lr * g[i] / (Math.Sqrt(variance) + eps);
        }).ToArray(), tolerance: 2e-5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Adam_matches_Keras_epsilon_hat_form(bool amsgrad)
    {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double[] m = new double[3], v = new double[3], vmax = new double[3];
        Check(new Adam(lr, b1, b2, eps, amsgrad), (t, th, g) =>
        {
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            return th.Select((x, i) =>
            {
                m[i] += (1 - b1) * (g[i] - m[i]);
                v[i] += (1 - b2) * (g[i] * g[i] - v[i]);
                vmax[i] = Math.Max(vmax[i], v[i]);
                return x - alpha * m[i] / (Math.Sqrt(amsgrad ? vmax[i] : v[i]) + eps);
            }).ToArray();
        });
    }

    [Fact]
    public void Adam_vector_path_matches_scalar_tail()
    {
        // 19 weights: two vectors of 8 and a scalar tail of 3, all with the same gradient, must move identically.
        var vars = new ParameterVariable[] { new(0, 19, 0, VariableKind.Kernel, true) };
        float[] p = Enumerable.Repeat(0.5f, 19).ToArray();
        var adam = new Adam(0.01);
        for (int s = 0; s < 3; s++) adam.Apply(p, Enumerable.Repeat(0.3f, 19).ToArray(), vars);
        Assert.All(p, v => Assert.Equal(p[0], v));
    }

    [Fact]
    public void Vector_and_scalar_paths_agree_for_every_optimizer()
    {
        // 19 weights as one variable (two SIMD blocks and a scalar tail) against the same weights as 19 one-element
        // variables (scalar path only), over several steps with different gradients per weight.
        foreach (Func<Optimizer> create in new Func<Optimizer>[]
        {
            () => new AdaGrad(0.1), () => new RmsProp(0.01), () => new RmsProp(0.01, momentum: 0.9, centered: true), () => new RmsProp(0.01, centered: true),
            () => new Adam(0.01), () => new Adam(0.01, amsgrad: true), () => new AdaMax(0.01), () => new Nadam(0.01), () => new Sgd(0.1, 0.9, nesterov: true),
        })
        {
            var whole = new ParameterVariable[] { new(0, 19, 0, VariableKind.Kernel, true) };
            var single = Enumerable.Range(0, 19).Select(i => new ParameterVariable(i, 1, 0, VariableKind.Kernel, true)).ToArray();
            float[] a = Enumerable.Range(0, 19).Select(i => 0.1f * i - 0.7f).ToArray(), b = (float[])a.Clone();
            Optimizer oa = create(), ob = create();
            for (int step = 0; step < 4; step++)
            {
                float[] g = Enumerable.Range(0, 19).Select(i => MathF.Sin(i * 1.3f + step) * (i % 3 + 0.5f)).ToArray();
                oa.Apply(a, (float[])g.Clone(), whole);
                ob.Apply(b, (float[])g.Clone(), single);
            }
            for (int i = 0; i < 19; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-6 * Math.Max(1, Math.Abs(b[i])), $"{oa.GetType().Name}: weight {i}: {a[i]} vs {b[i]}");
        }
    }

    [Fact]
    public void AdaMax_matches_Keras()
    {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double[] m = new double[3], u = new double[3];
        Check(new AdaMax(lr, b1, b2, eps), (t, th, g) => th.Select((x, i) =>
        {
            m[i] += (1 - b1) * (g[i] - m[i]);
            u[i] = Math.Max(b2 * u[i], Math.Abs(g[i]));
            return x - lr / (1 - Math.Pow(b1, t)) * m[i] / (u[i] + eps);
        }).ToArray());
    }

    [Fact]
    public void Nadam_matches_Keras_legacy_momentum_schedule()
    {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7, d = 0.004;
        double[] m = new double[3], v = new double[3];
        double product = 1;
        Check(new Nadam(lr, b1, b2, eps), (t, th, g) =>
        {
            double muT = b1 * (1 - 0.5 * Math.Pow(0.96, d * t));
            double muNext = b1 * (1 - 0.5 * Math.Pow(0.96, d * (t + 1)));
            product *= muT;
            double productNext = product * muNext;
            return th.Select((x, i) =>
            {
                double gPrime = g[i] / (1 - product);
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                double mPrime = m[i] / (1 - productNext);
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double vPrime = v[i] / (1 - Math.Pow(b2, t));
                double mBar = (1 - muT) * gPrime + muNext * mPrime;
                return x - lr * mBar / (Math.Sqrt(vPrime) + eps);
            }).ToArray();
        }, tolerance: 2e-6);
    }

    [Fact]
    public void Nadam_refuses_legacy_decay_like_Keras()
    {
        var e = Assert.Throws<NotSupportedException>(() => new Nadam { Decay = 0.01 });
        Assert.Contains("scheduleDecay", e.Message);
    }

    [Fact]
    public void Captured_state_restores_bit_identical_trajectories()
    {
        foreach (Func<Optimizer> create in new Func<Optimizer>[] { () => new Adam(0.01, amsgrad: true), () => new Nadam(0.01), () => new RmsProp(0.01, momentum: 0.9, centered: true), () => new Sgd(0.1, 0.9, true), () => new AdaGrad(0.1), () => new AdaMax(0.01) })
        {
            Optimizer a = create();
            float[] p = { 1f, 2f, 3f };
            a.Apply(p, new[] { 0.1f, 0.2f, 0.3f }, Vars);
            OptimizerState saved = a.CaptureState();
            float[] pSaved = (float[])p.Clone();
            a.Apply(p, new[] { 0.3f, -0.2f, 0.1f }, Vars);
            a.Apply(p, new[] { -0.1f, 0.4f, 0.2f }, Vars);

            Optimizer b = create();
            b.RestoreState(saved);
            Assert.Equal(1, b.Iterations);
            b.Apply(pSaved, new[] { 0.3f, -0.2f, 0.1f }, Vars);
            b.Apply(pSaved, new[] { -0.1f, 0.4f, 0.2f }, Vars);
            Assert.Equal(p, pSaved);
        }
    }

    [Fact]
    public void Restoring_a_state_of_another_kind_is_refused_and_changes_nothing()
    {
        var adam = new Adam();
        adam.Apply(new float[3], new float[] { 1, 1, 1 }, Vars);
        OptimizerState before = adam.CaptureState();
        Assert.Throws<ArgumentException>(() => adam.RestoreState(new Nadam().CaptureState()));
        Assert.Throws<ArgumentException>(() => adam.RestoreState(new Adam(amsgrad: true).CaptureState() with { ParameterLength = 3, Slots = new[] { new float[3], new float[3], new float[3] } }));
        OptimizerState after = adam.CaptureState();
        Assert.Equal(before.Iterations, after.Iterations);
        for (int i = 0; i < before.Slots.Count; i++) Assert.Equal(before.Slots[i], after.Slots[i]);
    }

    public static IEnumerable<object[]> BadHyperParameters() => new[]
    {
        new object[] { (Action)(() => new Adam(beta1: 1.0)) },
        new object[] { (Action)(() => new Adam(beta2: -0.1)) },
        new object[] { (Action)(() => new Adam(epsilon: 0)) },
        new object[] { (Action)(() => new AdaMax(epsilon: -1)) },
        new object[] { (Action)(() => new Nadam(beta1: 1.5)) },
        new object[] { (Action)(() => new RmsProp(rho: 1.0)) },
        new object[] { (Action)(() => new RmsProp(momentum: -0.5)) },
        new object[] { (Action)(() => new AdaGrad(initialAccumulatorValue: -1)) },
        new object[] { (Action)(() => new AdaGrad(learningRate: double.PositiveInfinity)) },
        new object[] { (Action)(() => new Adam { GlobalClipNorm = double.NaN }) },
    };

    [Theory]
    [MemberData(nameof(BadHyperParameters))]
    public void Hyper_parameters_out_of_range_are_refused(Action create) => Assert.Throws<ArgumentOutOfRangeException>(create);
}
