using System;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>A learning rate that depends on the optimizer's step count (Keras's <c>LearningRateSchedule</c>).</summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> (the optimizer's <c>iterations</c>: 0 at the first update).</summary>
    public abstract double Evaluate(long step);
}

/// <summary>
/// Base class of the optimizers (Keras's legacy <c>OptimizerV2</c> semantics): gradient clipping
/// (<see cref="ClipValue"/>, <see cref="ClipNorm"/> per variable, <see cref="GlobalClipNorm"/>, applied in that order),
/// the learning rate (a number or a schedule, then the legacy <see cref="Decay"/>), the update over every trainable
/// variable, and the step counter <see cref="Iterations"/>. Slots are allocated at the first step and reused.
/// </summary>
public abstract class Optimizer
{
    private double _learningRate;
    private double _clipValue, _clipNorm, _globalClipNorm, _decay;
    private int _parameterLength = -1;

    /// <summary>An optimizer with a constant learning rate.</summary>
    protected Optimizer(double learningRate) => LearningRate = learningRate;

    /// <summary>An optimizer whose learning rate follows <paramref name="schedule"/>.</summary>
    protected Optimizer(LearningRateSchedule schedule)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        _learningRate = schedule.Evaluate(0);
    }

    /// <summary>
    /// The constant learning rate (Keras's <c>learning_rate</c>). Setting it (as callbacks do) replaces any schedule.
    /// </summary>
    public double LearningRate
    {
        get => Schedule is null ? _learningRate : Schedule.Evaluate(Iterations);
        set
        {
            if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be a finite number ≥ 0.");
            _learningRate = value;
            Schedule = null;
        }
    }

    /// <summary>The learning-rate schedule, if the rate is one.</summary>
    public LearningRateSchedule? Schedule { get; private set; }

    /// <summary>Clip every gradient element to [−c, c] (Keras <c>clipvalue</c>); 0 = off.</summary>
    public double ClipValue { get => _clipValue; set => _clipValue = NonNegative(value, nameof(ClipValue)); }

    /// <summary>Rescale each variable's gradient to L2 norm ≤ c (Keras <c>clipnorm</c>, per kernel and per bias); 0 = off.</summary>
    public double ClipNorm { get => _clipNorm; set => _clipNorm = NonNegative(value, nameof(ClipNorm)); }

    /// <summary>Rescale all gradients together to global L2 norm ≤ c (Keras <c>global_clipnorm</c>); 0 = off.</summary>
    public double GlobalClipNorm { get => _globalClipNorm; set => _globalClipNorm = NonNegative(value, nameof(GlobalClipNorm)); }

    /// <summary>Legacy power scheduling: the rate is divided by <c>1 + Decay·iterations</c> (Keras <c>decay</c>); 0 = off.</summary>
    public double Decay { get => _decay; set => _decay = NonNegative(value, nameof(Decay)); }

    /// <summary>Updates applied so far (Keras's <c>optimizer.iterations</c>).</summary>
    public long Iterations { get; set; }

    /// <summary>The learning rate the next update uses: the schedule at <see cref="Iterations"/> (or the constant), then the legacy decay.</summary>
    public double CurrentLearningRate
    {
        get
        {
            double lr = LearningRate;
            return _decay > 0 ? lr / (1.0 + _decay * Iterations) : lr;
        }
    }

    /// <summary>
    /// Clips <paramref name="gradients"/> and updates every trainable variable of <paramref name="parameters"/>;
    /// increments <see cref="Iterations"/>.
    /// </summary>
    public void Apply(Span<float> parameters, Span<float> gradients, ReadOnlySpan<ParameterVariable> variables)
    {
        if (gradients.Length != parameters.Length) throw new ArgumentException("Parameters and gradients differ in length.", nameof(gradients));
        if (_parameterLength != parameters.Length)
        {
            if (_parameterLength >= 0)
            {
                throw new InvalidOperationException(
                    $"This optimizer was used with a network of {_parameterLength} weights and cannot be used with one of {parameters.Length}: create one optimizer per network (or call Reset()).");
            }
            _parameterLength = parameters.Length;
            CreateSlots(parameters.Length);
        }
        Clip(gradients, variables);
        float lr = (float)CurrentLearningRate;
        long t = Iterations + 1;
        foreach (ParameterVariable v in variables)
        {
            if (!v.Trainable) continue;
            Update(parameters.Slice(v.Offset, v.Length), gradients.Slice(v.Offset, v.Length), v.Offset, lr, t);
        }
        Iterations++;
    }

    /// <summary>Forgets the slots and the step count (the next <see cref="Apply"/> starts afresh, for any network).</summary>
    public void Reset()
    {
        _parameterLength = -1;
        Iterations = 0;
    }

    /// <summary>Allocates the optimizer's slots (once, for <paramref name="parameterLength"/> weights).</summary>
    protected abstract void CreateSlots(int parameterLength);

    /// <summary>
    /// Updates one variable: <paramref name="parameters"/> and <paramref name="gradients"/> are its slices, starting at
    /// <paramref name="offset"/> in the whole buffer (the offset of its slots); <paramref name="step"/> is Keras's <c>t</c> (1 at the first update).
    /// </summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, float learningRate, long step);

    private void Clip(Span<float> gradients, ReadOnlySpan<ParameterVariable> variables)
    {
        if (_clipValue > 0)
        {
            float c = (float)_clipValue;
            foreach (ParameterVariable v in variables)
            {
                if (!v.Trainable) continue;
                Span<float> g = gradients.Slice(v.Offset, v.Length);
                TensorPrimitives.Clamp(g, -c, c, g);
            }
        }
        if (_clipNorm > 0)
        {
            foreach (ParameterVariable v in variables)
            {
                if (!v.Trainable) continue;
                Span<float> g = gradients.Slice(v.Offset, v.Length);
                double norm = TensorPrimitives.Norm(g);
                if (norm > _clipNorm) TensorPrimitives.Multiply(g, (float)(_clipNorm / norm), g);
            }
        }
        if (_globalClipNorm > 0)
        {
            double sumSquares = 0;
            foreach (ParameterVariable v in variables)
            {
                if (!v.Trainable) continue;
                float n = TensorPrimitives.Norm(gradients.Slice(v.Offset, v.Length));
                sumSquares += (double)n * n;
            }
            double global = Math.Sqrt(sumSquares);
            if (global > _globalClipNorm)
            {
                float scale = (float)(_globalClipNorm / global);
                foreach (ParameterVariable v in variables)
                {
                    if (!v.Trainable) continue;
                    Span<float> g = gradients.Slice(v.Offset, v.Length);
                    TensorPrimitives.Multiply(g, scale, g);
                }
            }
        }
    }

    private static double NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0 (0 turns it off).");
        return value;
    }
}
