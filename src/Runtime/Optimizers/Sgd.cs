using System;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// Stochastic gradient descent (Keras <c>SGD</c>, defaults lr 0.01, momentum 0, nesterov false):
/// plain <c>θ ← θ − η·g</c>; with momentum <c>v ← μ·v − η·g; θ ← θ + v</c>; Nesterov
/// <c>v ← μ·v − η·g; θ ← θ + μ·v − η·g</c> (Keras's form: the velocity holds the rate-scaled step).
/// </summary>
public sealed class Sgd : Optimizer
{
    private float[] _velocity = Array.Empty<float>();

    /// <summary>SGD with a constant learning rate.</summary>
    public Sgd(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false) : base(learningRate) => Init(momentum, nesterov);

    /// <summary>SGD with a learning-rate schedule.</summary>
    public Sgd(LearningRateSchedule learningRate, double momentum = 0.0, bool nesterov = false) : base(learningRate) => Init(momentum, nesterov);

    /// <summary>The momentum μ in [0, 1].</summary>
    public double Momentum { get; private set; }

    /// <summary>Whether to use Nesterov momentum.</summary>
    public bool Nesterov { get; private set; }

    private void Init(double momentum, bool nesterov)
    {
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1].");
        Momentum = momentum;
        Nesterov = nesterov;
    }

    private protected override bool IsPlainGradientStep => Momentum == 0;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void CreateSlots(int parameterLength) => _velocity = Momentum > 0 ? AddSlot(parameterLength) : Array.Empty<float>();

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, float learningRate, long step)
    {
        if (Momentum == 0)
        {
            VectorOps.MultiplyAdd(gradients, -learningRate, parameters, parameters);
            return;
        }
        float mu = (float)Momentum;
        Span<float> v = _velocity.AsSpan(offset, parameters.Length);
        // v ← μ·v − η·g
        VectorOps.Multiply(v, mu, v);
        VectorOps.MultiplyAdd(gradients, -learningRate, v, v);
        if (Nesterov)
        {
            // θ ← θ + μ·v − η·g
            VectorOps.MultiplyAdd(v, mu, parameters, parameters);
            VectorOps.MultiplyAdd(gradients, -learningRate, parameters, parameters);
        }
        else
        {
            VectorOps.Add(parameters, v, parameters);
        }
    }
}
