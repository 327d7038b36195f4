using System;
using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>Learning-rate schedules against Keras's formulas (KERAS_SEMANTICS.md 1.8).</summary>
public class ScheduleTests
{
    [Fact]
    public void Exponential_decay_divides_by_ten_every_decay_steps()
    {
        var s = new ExponentialDecay(0.01, 34_375, 0.1);
        Assert.Equal(0.01, s.Evaluate(0), 12);
        Assert.Equal(0.001, s.Evaluate(34_375), 12);
        Assert.Equal(0.01 * Math.Pow(0.1, 0.5), s.Evaluate(17_187.5 > 0 ? 17_188 : 0), 6);
        var stairs = new ExponentialDecay(0.01, 100, 0.5, staircase: true);
        Assert.Equal(0.01, stairs.Evaluate(99), 12);
        Assert.Equal(0.005, stairs.Evaluate(100), 12);
    }

    [Fact]
    public void Inverse_time_decay_is_power_scheduling()
    {
        var s = new InverseTimeDecay(0.01, 1, 1e-4);
        Assert.Equal(0.01 / (1 + 1e-4 * 5000), s.Evaluate(5000), 12);
        var stairs = new InverseTimeDecay(1.0, 10, 1.0, staircase: true);
        Assert.Equal(1.0, stairs.Evaluate(9), 12);
        Assert.Equal(0.5, stairs.Evaluate(10), 12);
    }

    [Fact]
    public void Piecewise_constant_uses_less_or_equal_at_boundaries()
    {
        var s = new PiecewiseConstantDecay(new long[] { 5, 15 }, new[] { 0.01, 0.005, 0.001 });
        Assert.Equal(0.01, s.Evaluate(5));
        Assert.Equal(0.005, s.Evaluate(6));
        Assert.Equal(0.005, s.Evaluate(15));
        Assert.Equal(0.001, s.Evaluate(16));
        Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay(new long[] { 5 }, new[] { 0.1 }));
        Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay(new long[] { 5, 5 }, new[] { 0.1, 0.2, 0.3 }));
    }

    [Fact]
    public void One_cycle_follows_handson_ml2_formula()
    {
        // The notebook's run: 25 epochs of ceil(55000 / 128) = 430 batches.
        var s = new OneCycle(10_750, 0.05);
        Assert.Equal(1_076, s.LastIterations);
        Assert.Equal(4_837, s.HalfIteration);
        Assert.Equal(0.005, s.StartRate, 12);
        Assert.Equal(5e-6, s.LastRate, 12);
        Assert.Equal(0.005, s.Evaluate(0), 12);
        Assert.Equal(0.05, s.Evaluate(4_837), 12);
        Assert.Equal(0.005 + (0.05 - 0.005) * 100 / 4_837.0, s.Evaluate(100), 12);
        Assert.Equal(0.005, s.Evaluate(9_674), 12);
        Assert.Equal(0.005 + (5e-6 - 0.005) * (10_000 - 9_674) / (10_750.0 - 9_674), s.Evaluate(10_000), 12);
        Assert.Equal(5e-6, s.Evaluate(20_000), 12);
    }

    [Fact]
    public void Optimizers_evaluate_schedules_at_their_step_count_then_apply_legacy_decay()
    {
        var sgd = new Sgd(new PiecewiseConstantDecay(new long[] { 1 }, new[] { 1.0, 0.5 })) { Decay = 1.0 };
        var vars = new ParameterVariable[] { new(0, 1, 0, VariableKind.Kernel, true) };
        float[] p = { 0f };
        sgd.Apply(p, new[] { 1f }, vars); // step 0: rate 1
        sgd.Apply(p, new[] { 1f }, vars); // step 1: rate 1 (≤ boundary) / (1 + 1)
        sgd.Apply(p, new[] { 1f }, vars); // step 2: rate 0.5 / (1 + 2)
        Assert.Equal(-(1 + 0.5 + 0.5 / 3), p[0], 6);
        Assert.Equal(0.5, sgd.LearningRate);
        sgd.LearningRate = 0.2; // a callback setting the rate replaces the schedule
        Assert.Null(sgd.Schedule);
    }

    [Fact]
    public void Bad_schedule_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(-1, 10, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1, 0, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InverseTimeDecay(0.1, 10, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycle(1, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycle(100, 0.1, lastIterations: 100));
    }
}
