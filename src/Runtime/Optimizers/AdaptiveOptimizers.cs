using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetDsl;

/// <summary>
/// Keras <c>Adagrad</c> (legacy): <c>a ← a + g²; θ ← θ − η·g / (√a + ε)</c>. Defaults: lr 0.001, initial accumulator
/// 0.1, ε 1e-7.
/// </summary>
public sealed class AdaGrad : Optimizer
{
    private float[] _accumulator = Array.Empty<float>();

    /// <summary>AdaGrad with a constant learning rate.</summary>
    public AdaGrad(double learningRate = 0.001, double initialAccumulatorValue = 0.1, double epsilon = 1e-7) : base(learningRate)
        => Init(initialAccumulatorValue, epsilon);

    /// <summary>AdaGrad with a learning-rate schedule.</summary>
    public AdaGrad(LearningRateSchedule learningRate, double initialAccumulatorValue = 0.1, double epsilon = 1e-7) : base(learningRate)
        => Init(initialAccumulatorValue, epsilon);

    /// <summary>The accumulator's starting value.</summary>
    public double InitialAccumulatorValue { get; private set; }

    /// <summary>ε, added to √a.</summary>
    public double Epsilon { get; private set; }

    private void Init(double initial, double epsilon)
    {
        InitialAccumulatorValue = InRange(initial, 0, double.MaxValue, nameof(initial));
        Epsilon = Positive(epsilon, nameof(epsilon));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void CreateSlots(int parameterLength) => _accumulator = AddSlot(parameterLength, (float)InitialAccumulatorValue);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, float learningRate, long step)
    {
        Span<float> a = _accumulator.AsSpan(offset, parameters.Length);
        float eps = (float)Epsilon;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vlr = Vector256.Create(learningRate), veps = Vector256.Create(eps);
            for (; i + 8 <= parameters.Length; i += 8)
            {
                Vector256<float> g = Vector256.Create(gradients.Slice(i, 8));
                Vector256<float> acc = Vector256.Create(a.Slice(i, 8)) + g * g;
                acc.CopyTo(a.Slice(i, 8));
                (Vector256.Create(parameters.Slice(i, 8)) - vlr * g / (Vector256.Sqrt(acc) + veps)).CopyTo(parameters.Slice(i, 8));
            }
        }
        for (; i < parameters.Length; i++)
        {
            float g = gradients[i];
            a[i] += g * g;
            parameters[i] -= learningRate * g / (MathF.Sqrt(a[i]) + eps);
        }
    }
}

/// <summary>
/// Keras <c>RMSprop</c> (legacy). Defaults: lr 0.001, ρ 0.9, momentum 0, ε 1e-7, not centered.
/// Without momentum: <c>s ← ρs + (1 − ρ)g²; θ ← θ − η·g / (√s + ε)</c> (ε outside the root; centered:
/// <c>√(s − m̄²) + ε</c> with <c>m̄ ← ρm̄ + (1 − ρ)g</c>). With momentum μ (TensorFlow's kernel):
/// <c>mom ← μ·mom + η·g / √(s + ε); θ ← θ − mom</c> (ε inside the root; centered: <c>√(s − m̄² + ε)</c>).
/// </summary>
public sealed class RmsProp : Optimizer
{
    private float[] _s = Array.Empty<float>(), _mean = Array.Empty<float>(), _momentum = Array.Empty<float>();

    /// <summary>RMSprop with a constant learning rate.</summary>
    public RmsProp(double learningRate = 0.001, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false) : base(learningRate)
        => Init(rho, momentum, epsilon, centered);

    /// <summary>RMSprop with a learning-rate schedule.</summary>
    public RmsProp(LearningRateSchedule learningRate, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false) : base(learningRate)
        => Init(rho, momentum, epsilon, centered);

    /// <summary>Decay of the squared-gradient average.</summary>
    public double Rho { get; private set; }

    /// <summary>Momentum (0 = none).</summary>
    public double Momentum { get; private set; }

    /// <summary>ε.</summary>
    public double Epsilon { get; private set; }

    /// <summary>Whether the gradients are centered by their running mean.</summary>
    public bool Centered { get; private set; }

    private void Init(double rho, double momentum, double epsilon, bool centered)
    {
        Rho = InRange(rho, 0, 1, nameof(rho));
        Momentum = InRange(momentum, 0, 1, nameof(momentum), maxInclusive: true);
        Epsilon = Positive(epsilon, nameof(epsilon));
        Centered = centered;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void CreateSlots(int parameterLength)
    {
        _s = AddSlot(parameterLength);
        if (Centered) _mean = AddSlot(parameterLength);
        if (Momentum > 0) _momentum = AddSlot(parameterLength);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, float learningRate, long step)
    {
        int n = parameters.Length;
        Span<float> s = _s.AsSpan(offset, n);
        Span<float> mean = Centered ? _mean.AsSpan(offset, n) : default;
        Span<float> mom = Momentum > 0 ? _momentum.AsSpan(offset, n) : default;
        float rho = (float)Rho, oneMinusRho = 1f - rho, eps = (float)Epsilon, mu = (float)Momentum;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vrho = Vector256.Create(rho), v1 = Vector256.Create(oneMinusRho), veps = Vector256.Create(eps);
            Vector256<float> vmu = Vector256.Create(mu), vlr = Vector256.Create(learningRate);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> g = Vector256.Create(gradients.Slice(i, 8));
                Vector256<float> sv = vrho * Vector256.Create(s.Slice(i, 8)) + v1 * g * g;
                sv.CopyTo(s.Slice(i, 8));
                Vector256<float> variance = sv;
                if (Centered)
                {
                    Vector256<float> mv = vrho * Vector256.Create(mean.Slice(i, 8)) + v1 * g;
                    mv.CopyTo(mean.Slice(i, 8));
                    variance -= mv * mv;
                }
                Vector256<float> p = Vector256.Create(parameters.Slice(i, 8));
                if (Momentum > 0)
                {
                    Vector256<float> m = vmu * Vector256.Create(mom.Slice(i, 8)) + vlr * g / Vector256.Sqrt(variance + veps);
                    m.CopyTo(mom.Slice(i, 8));
                    (p - m).CopyTo(parameters.Slice(i, 8));
                }
                else
                {
                    (p - vlr * g / (Vector256.Sqrt(variance) + veps)).CopyTo(parameters.Slice(i, 8));
                }
            }
        }
        for (; i < n; i++)
        {
            float g = gradients[i];
            s[i] = rho * s[i] + oneMinusRho * g * g;
            float variance = s[i];
            if (Centered)
            {
                mean[i] = rho * mean[i] + oneMinusRho * g;
                variance -= mean[i] * mean[i];
            }
            if (Momentum > 0)
            {
                mom[i] = mu * mom[i] + learningRate * g / MathF.Sqrt(variance + eps);
                parameters[i] -= mom[i];
            }
            else
            {
                parameters[i] -= learningRate * g / (MathF.Sqrt(variance) + eps);
            }
        }
    }
}

/// <summary>
/// Keras <c>Adam</c> (legacy, TensorFlow's kernel): <c>m ← m + (1 − β₁)(g − m); v ← v + (1 − β₂)(g² − v);
/// α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ); θ ← θ − α·m / (√v + ε)</c> — ε is added to the uncorrected √v ("ε-hat").
/// AMSGrad uses <c>v̂ = max(v̂, v)</c> in place of v. Defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
/// </summary>
public sealed class Adam : Optimizer
{
    private float[] _m = Array.Empty<float>(), _v = Array.Empty<float>(), _vMax = Array.Empty<float>();
    private float _alpha;

    /// <summary>Adam with a constant learning rate.</summary>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false) : base(learningRate)
        => Init(beta1, beta2, epsilon, amsgrad);

    /// <summary>Adam with a learning-rate schedule.</summary>
    public Adam(LearningRateSchedule learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false) : base(learningRate)
        => Init(beta1, beta2, epsilon, amsgrad);

    /// <summary>β₁, the decay of the first moment.</summary>
    public double Beta1 { get; private set; }

    /// <summary>β₂, the decay of the second moment.</summary>
    public double Beta2 { get; private set; }

    /// <summary>ε.</summary>
    public double Epsilon { get; private set; }

    /// <summary>Whether to use the AMSGrad variant.</summary>
    public bool AmsGrad { get; private set; }

    private void Init(double beta1, double beta2, double epsilon, bool amsgrad)
    {
        Beta1 = InRange(beta1, 0, 1, nameof(beta1));
        Beta2 = InRange(beta2, 0, 1, nameof(beta2));
        Epsilon = Positive(epsilon, nameof(epsilon));
        AmsGrad = amsgrad;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void CreateSlots(int parameterLength)
    {
        _m = AddSlot(parameterLength);
        _v = AddSlot(parameterLength);
        if (AmsGrad) _vMax = AddSlot(parameterLength);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void BeginStep(long step)
        => _alpha = (float)(Math.Sqrt(1 - Math.Pow(Beta2, step)) / (1 - Math.Pow(Beta1, step)));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override unsafe void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, float learningRate, long step)
    {
        int n = parameters.Length;
        float b1 = 1f - (float)Beta1, b2 = 1f - (float)Beta2, eps = (float)Epsilon, a = learningRate * _alpha;
        Span<float> vMax = AmsGrad ? _vMax.AsSpan(offset, n) : default;
        fixed (float* p = parameters, g = gradients, m = &_m[offset], v = &_v[offset], vm = vMax)
        {
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> vb1 = Vector256.Create(b1), vb2 = Vector256.Create(b2), veps = Vector256.Create(eps), va = Vector256.Create(a);
                for (; i + 8 <= n; i += 8)
                {
                    Vector256<float> gi = Vector256.Load(g + i);
                    Vector256<float> mi = Vector256.Load(m + i);
                    mi += vb1 * (gi - mi);
                    Vector256<float> vi = Vector256.Load(v + i);
                    vi += vb2 * (gi * gi - vi);
                    Vector256.Store(mi, m + i);
                    Vector256.Store(vi, v + i);
                    Vector256<float> denom = vi;
                    if (AmsGrad)
                    {
                        denom = Vector256.Max(Vector256.Load(vm + i), vi);
                        Vector256.Store(denom, vm + i);
                    }
                    Vector256.Store(Vector256.Load(p + i) - va * mi / (Vector256.Sqrt(denom) + veps), p + i);
                }
            }
            for (; i < n; i++)
            {
                float gi = g[i];
                m[i] += b1 * (gi - m[i]);
                v[i] += b2 * (gi * gi - v[i]);
                float denom = v[i];
                if (AmsGrad)
                {
                    vm[i] = MathF.Max(vm[i], v[i]);
                    denom = vm[i];
                }
                p[i] -= a * m[i] / (MathF.Sqrt(denom) + eps);
            }
        }
    }
}

/// <summary>
/// Keras <c>Adamax</c> (legacy): <c>m ← m + (1 − β₁)(g − m); u ← max(β₂·u, |g|); θ ← θ − (η / (1 − β₁ᵗ))·m / (u + ε)</c>.
/// Defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
/// </summary>
public sealed class AdaMax : Optimizer
{
    private float[] _m = Array.Empty<float>(), _u = Array.Empty<float>();
    private float _correction;

    /// <summary>AdaMax with a constant learning rate.</summary>
    public AdaMax(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7) : base(learningRate)
        => Init(beta1, beta2, epsilon);

    /// <summary>AdaMax with a learning-rate schedule.</summary>
    public AdaMax(LearningRateSchedule learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7) : base(learningRate)
        => Init(beta1, beta2, epsilon);

    /// <summary>β₁.</summary>
    public double Beta1 { get; private set; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; private set; }

    /// <summary>ε.</summary>
    public double Epsilon { get; private set; }

    private void Init(double beta1, double beta2, double epsilon)
    {
        Beta1 = InRange(beta1, 0, 1, nameof(beta1));
        Beta2 = InRange(beta2, 0, 1, nameof(beta2));
        Epsilon = Positive(epsilon, nameof(epsilon));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void CreateSlots(int parameterLength)
    {
        _m = AddSlot(parameterLength);
        _u = AddSlot(parameterLength);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void BeginStep(long step) => _correction = (float)(1 / (1 - Math.Pow(Beta1, step)));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, float learningRate, long step)
    {
        int n = parameters.Length;
        Span<float> m = _m.AsSpan(offset, n), u = _u.AsSpan(offset, n);
        float b1 = 1f - (float)Beta1, beta2 = (float)Beta2, eps = (float)Epsilon, a = learningRate * _correction;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vb1 = Vector256.Create(b1), vb2 = Vector256.Create(beta2), veps = Vector256.Create(eps), va = Vector256.Create(a);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> g = Vector256.Create(gradients.Slice(i, 8));
                Vector256<float> mv = Vector256.Create(m.Slice(i, 8));
                mv += vb1 * (g - mv);
                mv.CopyTo(m.Slice(i, 8));
                Vector256<float> uv = Vector256.Max(vb2 * Vector256.Create(u.Slice(i, 8)), Vector256.Abs(g));
                uv.CopyTo(u.Slice(i, 8));
                (Vector256.Create(parameters.Slice(i, 8)) - va * mv / (uv + veps)).CopyTo(parameters.Slice(i, 8));
            }
        }
        for (; i < n; i++)
        {
            float g = gradients[i];
            m[i] += b1 * (g - m[i]);
            u[i] = MathF.Max(beta2 * u[i], MathF.Abs(g));
            parameters[i] -= a * m[i] / (u[i] + eps);
        }
    }
}

/// <summary>
/// Keras <c>Nadam</c> (legacy, as the notebook's TF 2.6): momentum schedule <c>μₜ = β₁(1 − ½·0.96^(d·t))</c> with
/// <c>d = ScheduleDecay</c> (0.004), running product <c>Πₜ = Πₜ₋₁·μₜ</c>; <c>ĝ = g/(1 − Πₜ)</c>;
/// <c>m ← β₁m + (1 − β₁)g</c>; <c>m̂ = m/(1 − Πₜ·μₜ₊₁)</c>; <c>v ← β₂v + (1 − β₂)g²</c>; <c>v̂ = v/(1 − β₂ᵗ)</c>;
/// <c>m̄ = (1 − μₜ)ĝ + μₜ₊₁m̂</c>; <c>θ ← θ − η·m̄/(√v̂ + ε)</c>. Defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
/// Like Keras's legacy Nadam it takes no learning-rate schedule and no <c>decay</c> (Keras reads <c>decay</c> as the
/// momentum schedule's decay: that is <see cref="ScheduleDecay"/> here).
/// </summary>
public sealed class Nadam : Optimizer
{
    private float[] _m = Array.Empty<float>(), _v = Array.Empty<float>();
    private double _product = 1.0;
    private float _gScale, _mScale, _vScale, _muT, _muNext;

    /// <summary>Nadam with a constant learning rate.</summary>
    public Nadam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, double scheduleDecay = 0.004) : base(learningRate)
    {
        Beta1 = InRange(beta1, 0, 1, nameof(beta1));
        Beta2 = InRange(beta2, 0, 1, nameof(beta2));
        Epsilon = Positive(epsilon, nameof(epsilon));
        ScheduleDecay = InRange(scheduleDecay, 0, double.MaxValue, nameof(scheduleDecay));
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε (added after the bias correction, unlike Adam).</summary>
    public double Epsilon { get; }

    /// <summary>The decay of the momentum schedule (Keras's legacy <c>schedule_decay</c>, 0.004).</summary>
    public double ScheduleDecay { get; }

    /// <summary>Not supported: Keras's legacy Nadam reads <c>decay</c> as <see cref="ScheduleDecay"/> and applies no learning-rate decay.</summary>
    public override double Decay
    {
        get => 0;
        set => throw new NotSupportedException("Keras's legacy Nadam uses 'decay' as the momentum schedule's decay and has no learning-rate decay: pass scheduleDecay to the constructor instead.");
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void CreateSlots(int parameterLength)
    {
        _m = AddSlot(parameterLength);
        _v = AddSlot(parameterLength);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void BeginStep(long step)
    {
        double muT = Beta1 * (1 - 0.5 * Math.Pow(0.96, ScheduleDecay * step));
        double muNext = Beta1 * (1 - 0.5 * Math.Pow(0.96, ScheduleDecay * (step + 1)));
        _product *= muT;
        _gScale = (float)(1 / (1 - _product));
        _mScale = (float)(1 / (1 - _product * muNext));
        _vScale = (float)(1 / (1 - Math.Pow(Beta2, step)));
        _muT = (float)muT;
        _muNext = (float)muNext;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override double[] GetScalars() => new[] { _product };

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void SetScalars(double[] scalars) => _product = scalars.Length == 1 ? scalars[0] : throw new ArgumentException("Nadam's state has one scalar.");

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void ResetScalars() => _product = 1.0;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, float learningRate, long step)
    {
        int n = parameters.Length;
        Span<float> m = _m.AsSpan(offset, n), v = _v.AsSpan(offset, n);
        float beta1 = (float)Beta1, beta2 = (float)Beta2, eps = (float)Epsilon;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vb1 = Vector256.Create(beta1), vb1c = Vector256.Create(1 - beta1), vb2 = Vector256.Create(beta2), vb2c = Vector256.Create(1 - beta2);
            Vector256<float> vg = Vector256.Create(_gScale), vm = Vector256.Create(_mScale), vv = Vector256.Create(_vScale);
            Vector256<float> vmuT = Vector256.Create(1 - _muT), vmuNext = Vector256.Create(_muNext), vlr = Vector256.Create(learningRate), veps = Vector256.Create(eps);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> g = Vector256.Create(gradients.Slice(i, 8));
                Vector256<float> mv = vb1 * Vector256.Create(m.Slice(i, 8)) + vb1c * g;
                mv.CopyTo(m.Slice(i, 8));
                Vector256<float> v2 = vb2 * Vector256.Create(v.Slice(i, 8)) + vb2c * g * g;
                v2.CopyTo(v.Slice(i, 8));
                Vector256<float> mBar = vmuT * (g * vg) + vmuNext * (mv * vm);
                (Vector256.Create(parameters.Slice(i, 8)) - vlr * mBar / (Vector256.Sqrt(v2 * vv) + veps)).CopyTo(parameters.Slice(i, 8));
            }
        }
        for (; i < n; i++)
        {
            float g = gradients[i];
            float gHat = g * _gScale;
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            float mHat = m[i] * _mScale;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            float vHat = v[i] * _vScale;
            float mBar = (1 - _muT) * gHat + _muNext * mHat;
            parameters[i] -= learningRate * mBar / (MathF.Sqrt(vHat) + eps);
        }
    }
}
