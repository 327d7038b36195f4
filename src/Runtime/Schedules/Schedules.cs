using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>A learning rate that depends on the optimizer's step count (Keras's <c>LearningRateSchedule</c>).</summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> (the optimizer's <c>iterations</c>: 0 at the first update).</summary>
    public abstract double Evaluate(long step);

    /// <summary>Checks a rate argument.</summary>
    protected static double Rate(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite rate ≥ 0.");
        return value;
    }
}

/// <summary>
/// A decay over <c>step / decaySteps</c> (floored when <see cref="Staircase"/>): what Keras's
/// <c>ExponentialDecay</c> and <c>InverseTimeDecay</c> share.
/// </summary>
public abstract class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Checks and stores the parameters.</summary>
    protected StepDecaySchedule(double initialLearningRate, long decaySteps, double decayRate, bool staircase)
    {
        InitialLearningRate = Rate(initialLearningRate, nameof(initialLearningRate));
        if (decaySteps <= 0) throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, "decaySteps must be positive.");
        DecaySteps = decaySteps;
        DecayRate = Rate(decayRate, nameof(decayRate));
        Staircase = staircase;
    }

    /// <summary>η₀.</summary>
    public double InitialLearningRate { get; }

    /// <summary>The step unit: steps per factor of <see cref="DecayRate"/> (exponential) or per unit of time (inverse time).</summary>
    public long DecaySteps { get; }

    /// <summary>The decay rate.</summary>
    public double DecayRate { get; }

    /// <summary>Decay in whole steps of <see cref="DecaySteps"/> (floor <c>step / decaySteps</c>).</summary>
    public bool Staircase { get; }

    /// <summary><c>step / decaySteps</c>, floored when <see cref="Staircase"/>.</summary>
    protected double Progress(long step)
    {
        double p = (double)step / DecaySteps;
        return Staircase ? Math.Floor(p) : p;
    }
}

/// <summary>Keras <c>ExponentialDecay</c>: <c>η₀ · rate^(step / decaySteps)</c>, the exponent floored when <see cref="StepDecaySchedule.Staircase"/>.</summary>
public sealed class ExponentialDecay : StepDecaySchedule
{
    /// <summary>Creates the schedule (the notebook: <c>ExponentialDecay(0.01, 20 · 55000 / 32, 0.1)</c> divides the rate by 10 every 20 epochs).</summary>
    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false)
        : base(initialLearningRate, decaySteps, decayRate, staircase)
    {
    }

    /// <inheritdoc />
    public override double Evaluate(long step) => InitialLearningRate * Math.Pow(DecayRate, Progress(step));
}

/// <summary>Keras <c>InverseTimeDecay</c> (the book's power scheduling with c = 1): <c>η₀ / (1 + rate · step / decaySteps)</c>.</summary>
public sealed class InverseTimeDecay : StepDecaySchedule
{
    /// <summary>Creates the schedule.</summary>
    public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false)
        : base(initialLearningRate, decaySteps, decayRate, staircase)
    {
    }

    /// <inheritdoc />
    public override double Evaluate(long step) => InitialLearningRate / (1 + DecayRate * Progress(step));
}

/// <summary>
/// Keras <c>PiecewiseConstantDecay</c>: <c>values[0]</c> while <c>step ≤ boundaries[0]</c>, <c>values[i]</c> while
/// <c>boundaries[i−1] &lt; step ≤ boundaries[i]</c>, the last value after the last boundary (note the ≤).
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;

    /// <summary>Creates the schedule; <paramref name="values"/> has one more entry than <paramref name="boundaries"/>.</summary>
    public PiecewiseConstantDecay(IReadOnlyList<long> boundaries, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != boundaries.Count + 1)
        {
            throw new ArgumentException($"PiecewiseConstantDecay needs one value more than boundaries: {boundaries.Count} boundaries, {values.Count} values.", nameof(values));
        }
        for (int i = 1; i < boundaries.Count; i++)
        {
            if (boundaries[i] <= boundaries[i - 1]) throw new ArgumentException("The boundaries must increase strictly.", nameof(boundaries));
        }
        _boundaries = new long[boundaries.Count];
        for (int i = 0; i < _boundaries.Length; i++) _boundaries[i] = boundaries[i];
        _values = new double[values.Count];
        for (int i = 0; i < _values.Length; i++) _values[i] = Rate(values[i], nameof(values));
    }

    /// <inheritdoc />
    public override double Evaluate(long step)
    {
        for (int i = 0; i < _boundaries.Length; i++) if (step <= _boundaries[i]) return _values[i];
        return _values[^1];
    }
}

/// <summary>
/// 1cycle scheduling with the formula of handson-ml2's <c>OneCycleScheduler</c>: linear from <c>startRate</c> up to
/// <c>maxRate</c> over the first half of the cycle, back down to <c>startRate</c> over the second half, then down to
/// <c>lastRate</c> over the last <c>lastIterations</c> steps. Defaults: <c>startRate = maxRate / 10</c>,
/// <c>lastIterations = iterations / 10 + 1</c>, <c>lastRate = startRate / 1000</c>,
/// <c>half = (iterations − lastIterations) / 2</c> (integer divisions). Past <c>iterations</c> the rate stays at
/// <c>lastRate</c>. Evaluated at the optimizer's step count, so use a fresh optimizer (or Reset()) for each cycle.
/// </summary>
public sealed class OneCycle : LearningRateSchedule
{
    /// <summary>Creates the schedule (the notebook: <c>iterations = ceil(55000 / 128) · 25</c>, <c>maxRate = 0.05</c>).</summary>
    public OneCycle(long iterations, double maxRate, double? startRate = null, long? lastIterations = null, double? lastRate = null)
    {
        if (iterations <= 1) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "1cycle needs more than one iteration.");
        Iterations = iterations;
        MaxRate = Rate(maxRate, nameof(maxRate));
        StartRate = Rate(startRate ?? maxRate / 10, nameof(startRate));
        LastIterations = lastIterations ?? iterations / 10 + 1;
        if (LastIterations < 0 || LastIterations >= iterations) throw new ArgumentOutOfRangeException(nameof(lastIterations), LastIterations, "lastIterations must be in [0, iterations).");
        HalfIteration = (iterations - LastIterations) / 2;
        LastRate = Rate(lastRate ?? StartRate / 1000, nameof(lastRate));
    }

    /// <summary>Length of the whole schedule, in steps.</summary>
    public long Iterations { get; }

    /// <summary>The peak rate.</summary>
    public double MaxRate { get; }

    /// <summary>The rate at the start and at the end of the cycle.</summary>
    public double StartRate { get; }

    /// <summary>Steps of the final annealing.</summary>
    public long LastIterations { get; }

    /// <summary>Steps of each half of the cycle.</summary>
    public long HalfIteration { get; }

    /// <summary>The final rate.</summary>
    public double LastRate { get; }

    /// <inheritdoc />
    public override double Evaluate(long step)
    {
        if (step < HalfIteration) return Interpolate(step, 0, HalfIteration, StartRate, MaxRate);
        if (step < 2 * HalfIteration) return Interpolate(step, HalfIteration, 2 * HalfIteration, MaxRate, StartRate);
        if (step >= Iterations) return LastRate;
        return Interpolate(step, 2 * HalfIteration, Iterations, StartRate, LastRate);
    }

    private static double Interpolate(long step, long i1, long i2, double r1, double r2) => (r2 - r1) * (step - i1) / (i2 - i1) + r1;
}
