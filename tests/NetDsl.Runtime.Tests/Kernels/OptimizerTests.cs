using System;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>SGD against Keras's legacy update formulas, step by step, and the clipping rules.</summary>
public class OptimizerTests
{
    private static readonly ParameterVariable[] One = { new(0, 2, 0, VariableKind.Kernel, true) };

    [Fact]
    public void Plain_sgd()
    {
        float[] p = { 1f, -2f };
        var opt = new Sgd(0.1);
        opt.Apply(p, new float[] { 0.5f, -1f }, One);
        Assert.Equal(new[] { 0.95f, -1.9f }, p);
        Assert.Equal(1, opt.Iterations);
    }

    [Fact]
    public void Momentum_and_nesterov_follow_Keras()
    {
        double[] gs = { 0.5, -0.25, 1.0 };
        double lr = 0.1, mu = 0.9;
        foreach (bool nesterov in new[] { false, true })
        {
            float[] p = { 1f, 0f };
            var opt = new Sgd(lr, momentum: mu, nesterov: nesterov);
            double theta = 1, v = 0;
            foreach (double g in gs)
            {
                opt.Apply(p, new[] { (float)g, 0f }, One);
                v = mu * v - lr * g;
                theta = nesterov ? theta + mu * v - lr * g : theta + v;
                Assert.Equal(theta, p[0], 1e-6);
            }
        }
    }

    [Fact]
    public void Legacy_decay_divides_the_rate_by_one_plus_decay_times_iterations()
    {
        var opt = new Sgd(0.01) { Decay = 1e-4 };
        float[] p = { 0f, 0f };
        for (int i = 0; i < 3; i++) opt.Apply(p, new float[] { 1f, 1f }, One);
        Assert.Equal(0.01 / (1 + 1e-4 * 3), opt.CurrentLearningRate, 12);
        Assert.Equal(-(0.01 + 0.01 / 1.0001 + 0.01 / 1.0002), p[0], 1e-7);
    }

    [Fact]
    public void Clipping_value_then_norm_per_variable_then_global()
    {
        var vars = new ParameterVariable[] { new(0, 2, 0, VariableKind.Kernel, true), new(2, 1, 0, VariableKind.Bias, true) };
        float[] g = { 0.9f, 100f, 3f };
        float[] p = new float[3];
        new Sgd(1.0) { ClipValue = 1.0 }.Apply(p, (float[])g.Clone(), vars);
        Assert.Equal(new[] { -0.9f, -1f, -1f }, p); // direction changes

        p = new float[3];
        new Sgd(1.0) { ClipNorm = 1.0 }.Apply(p, (float[])g.Clone(), vars);
        double n = Math.Sqrt(0.81 + 10000);
        Assert.Equal(-0.9 / n, p[0], 1e-6);
        Assert.Equal(-100 / n, p[1], 1e-6);
        Assert.Equal(-1.0, p[2], 1e-6); // the bias is its own variable

        p = new float[3];
        new Sgd(1.0) { GlobalClipNorm = 1.0 }.Apply(p, (float[])g.Clone(), vars);
        double global = Math.Sqrt(0.81 + 10000 + 9);
        Assert.Equal(-3 / global, p[2], 1e-6);
    }

    [Fact]
    public void Frozen_variables_are_not_updated()
    {
        var vars = new ParameterVariable[] { new(0, 1, 0, VariableKind.Kernel, false), new(1, 1, 1, VariableKind.Kernel, true) };
        float[] p = { 1f, 1f };
        new Sgd(0.5).Apply(p, new float[] { 1f, 1f }, vars);
        Assert.Equal(new[] { 1f, 0.5f }, p);
    }

    [Fact]
    public void Invalid_hyper_parameters_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, momentum: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd { ClipNorm = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(double.NaN));
    }

    [Fact]
    public void An_optimizer_belongs_to_one_network()
    {
        var opt = new Sgd(0.1, momentum: 0.9);
        opt.Apply(new float[2], new float[2], One);
        var e = Assert.Throws<InvalidOperationException>(() => opt.Apply(new float[3], new float[3], new ParameterVariable[] { new(0, 3, 0, VariableKind.Kernel, true) }));
        Assert.Contains("one optimizer per network", e.Message);
    }
}
