using System;
using System.Runtime.CompilerServices;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NetDsl;

/// <summary>A copy of an optimizer's state (see <see cref="Optimizer.CaptureState"/>).</summary>
/// <param name="TypeName">The optimizer's class name.</param>
/// <param name="Iterations">Updates applied.</param>
/// <param name="LearningRate">The constant learning rate (NaN when the rate is a schedule).</param>
/// <param name="ParameterLength">The network's weight count (−1 before the first update).</param>
/// <param name="Slots">The slots, in creation order.</param>
/// <param name="Scalars">Extra scalar state.</param>
public sealed record OptimizerState(string TypeName, long Iterations, double LearningRate, int ParameterLength, IReadOnlyList<float[]> Slots, double[] Scalars);

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
    private readonly List<float[]> _slots = new();

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

    /// <summary>Puts back a schedule (or a constant rate) taken earlier, after a caller set <see cref="LearningRate"/> temporarily.</summary>
    internal void RestoreRate(LearningRateSchedule? schedule, double learningRate)
    {
        Schedule = schedule;
        _learningRate = learningRate;
    }

    /// <summary>Clip every gradient element to [−c, c] (Keras <c>clipvalue</c>); 0 = off.</summary>
    public double ClipValue { get => _clipValue; set => _clipValue = NonNegative(value, nameof(ClipValue)); }

    /// <summary>Rescale each variable's gradient to L2 norm ≤ c (Keras <c>clipnorm</c>, per kernel and per bias); 0 = off.</summary>
    public double ClipNorm { get => _clipNorm; set => _clipNorm = NonNegative(value, nameof(ClipNorm)); }

    /// <summary>Rescale all gradients together to global L2 norm ≤ c (Keras <c>global_clipnorm</c>); 0 = off.</summary>
    public double GlobalClipNorm { get => _globalClipNorm; set => _globalClipNorm = NonNegative(value, nameof(GlobalClipNorm)); }

    /// <summary>Legacy power scheduling: the rate is divided by <c>1 + Decay·iterations</c> (Keras <c>decay</c>); 0 = off.</summary>
    public virtual double Decay { get => _decay; set => _decay = NonNegative(value, nameof(Decay)); }

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
    public void Apply(Span<float> parameters, Span<float> gradients, ReadOnlySpan<ParameterVariable> variables) =>
        Apply(parameters, gradients, variables, ReadOnlySpan<int>.Empty);

    /// <summary>
    /// As <see cref="Apply(Span{float}, Span{float}, ReadOnlySpan{ParameterVariable})"/>, for a step whose update of some
    /// variables was already made while their gradients were computed (see <see cref="TryGetFusedUpdateRate"/>): the
    /// variables starting at <paramref name="alreadyUpdated"/> (offsets, ascending) are skipped. Called by generated code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(Span<float> parameters, Span<float> gradients, ReadOnlySpan<ParameterVariable> variables, ReadOnlySpan<int> alreadyUpdated)
    {
        if (gradients.Length != parameters.Length) throw new ArgumentException("Parameters and gradients differ in length.", nameof(gradients));
        if (alreadyUpdated.Length > 0 && !TryGetFusedUpdateRate(parameters.Length, out _))
        {
            throw new InvalidOperationException(
                $"{GetType().Name} cannot have had its update fused into the gradient computation (it keeps state, clips gradients, or belongs to a network of another size).");
        }
        EnsureSlots(parameters.Length);
        Clip(gradients, variables);
        float lr = (float)CurrentLearningRate;
        long t = Iterations + 1;
        BeginStep(t);
        int chunks = PlanChunks(variables, alreadyUpdated, out long trainable);
        if (trainable >= 2 * UpdateChunk && WorkerPool.IsParallel)
        {
            UpdateInParallel(parameters, gradients, chunks, lr, t);
        }
        else
        {
            foreach (ParameterVariable v in variables)
            {
                if (!v.Trainable || alreadyUpdated.BinarySearch(v.Offset) >= 0) continue;
                Update(parameters.Slice(v.Offset, v.Length), gradients.Slice(v.Offset, v.Length), v.Offset, lr, t);
            }
        }
        Iterations++;
    }

    /// <summary>
    /// Whether this step's update is plain <c>θ ← θ − η·g</c> with nothing that needs every gradient first (no
    /// momentum or other state, no clipping), so that generated code may update a layer's kernel in the same pass that
    /// computes its gradient — saving a pass over the weights — and at which rate <paramref name="learningRate"/>
    /// (the rate <see cref="Apply(Span{float}, Span{float}, ReadOnlySpan{ParameterVariable})"/> would use now). The
    /// result is the same, bit for bit. False as well when the optimizer belongs to a network of another size than
    /// <paramref name="parameterLength"/> (its <c>Apply</c> then refuses the step before anything changes).
    /// </summary>
    public bool TryGetFusedUpdateRate(int parameterLength, out float learningRate)
    {
        learningRate = 0f;
        if (!IsPlainGradientStep || _clipValue > 0 || _clipNorm > 0 || _globalClipNorm > 0) return false;
        if (_parameterLength >= 0 && _parameterLength != parameterLength) return false;
        learningRate = (float)CurrentLearningRate;
        return true;
    }

    /// <summary>Whether <see cref="Update"/> is <c>θ ← θ + (−η)·g</c> computed as <c>TensorPrimitives.MultiplyAdd(g, −η, θ)</c> does it (two roundings; <see cref="VectorOps.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>), with no state.</summary>
    private protected virtual bool IsPlainGradientStep => false;

    /// <summary>Trainable floats per chunk of a parallel update.</summary>
    private const int UpdateChunk = 32 * 1024;
    private (int Offset, int Length)[] _chunks = Array.Empty<(int, int)>();
    private GCHandle _self;

    /// <summary>Cuts the trainable variables into chunks of at most <see cref="UpdateChunk"/> floats; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int PlanChunks(ReadOnlySpan<ParameterVariable> variables, ReadOnlySpan<int> alreadyUpdated, out long trainable)
    {
        int count = 0;
        trainable = 0;
        foreach (ParameterVariable v in variables)
        {
            if (!v.Trainable || alreadyUpdated.BinarySearch(v.Offset) >= 0) continue;
            trainable += v.Length;
            for (int start = 0; start < v.Length; start += UpdateChunk)
            {
                if (count == _chunks.Length) Array.Resize(ref _chunks, Math.Max(16, count * 2));
                _chunks[count++] = (v.Offset + start, Math.Min(UpdateChunk, v.Length - start));
            }
        }
        return count;
    }

    private unsafe struct UpdateArgs
    {
        public IntPtr Self;
        public float* Parameters;
        public float* Gradients;
        public float LearningRate;
        public long Step;
    }

    /// <summary>The element-wise update of large networks, split across the cores (every optimizer's update is element-wise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void UpdateInParallel(Span<float> parameters, Span<float> gradients, int chunks, float lr, long step)
    {
        if (!_self.IsAllocated) _self = GCHandle.Alloc(this, GCHandleType.Weak);
        fixed (float* p = parameters, g = gradients)
        {
            var args = new UpdateArgs { Self = GCHandle.ToIntPtr(_self), Parameters = p, Gradients = g, LearningRate = lr, Step = step };
            WorkerPool.Run(&UpdateChunkOf, &args, chunks);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void UpdateChunkOf(void* state, int chunk)
    {
        var args = (UpdateArgs*)state;
        var self = (Optimizer)GCHandle.FromIntPtr(args->Self).Target!;
        (int offset, int length) = self._chunks[chunk];
        self.Update(new Span<float>(args->Parameters + offset, length), new ReadOnlySpan<float>(args->Gradients + offset, length), offset, args->LearningRate, args->Step);
    }

    /// <summary>Frees the handle the parallel update uses.</summary>
    ~Optimizer()
    {
        if (_self.IsAllocated) _self.Free();
    }

    /// <summary>Forgets the slots and the step count (the next <see cref="Apply(Span{float}, Span{float}, ReadOnlySpan{ParameterVariable})"/> starts afresh, for any network).</summary>
    public void Reset()
    {
        _parameterLength = -1;
        _slots.Clear();
        Iterations = 0;
        ResetScalars();
    }

    private void EnsureSlots(int parameterLength)
    {
        if (_parameterLength == parameterLength) return;
        if (_parameterLength >= 0)
        {
            throw new InvalidOperationException(
                $"This optimizer was used with a network of {_parameterLength} weights and cannot be used with one of {parameterLength}: create one optimizer per network (or call Reset()).");
        }
        _parameterLength = parameterLength;
        _slots.Clear();
        CreateSlots(parameterLength);
    }

    /// <summary>Allocates the optimizer's slots (once, for <paramref name="parameterLength"/> weights) with <see cref="AddSlot"/>.</summary>
    protected abstract void CreateSlots(int parameterLength);

    /// <summary>Allocates one slot (a per-weight state array) filled with <paramref name="initialValue"/>; slots are saved in checkpoints.</summary>
    protected float[] AddSlot(int length, float initialValue = 0f)
    {
        var slot = new float[length];
        if (initialValue != 0f) Array.Fill(slot, initialValue);
        _slots.Add(slot);
        return slot;
    }

    /// <summary>Called once per update, before the variables are updated, with Keras's <c>t</c> (1 at the first update).</summary>
    protected virtual void BeginStep(long step) { }

    /// <summary>Per-optimizer scalar state beyond the slots and the step count (Nadam's momentum product), for checkpoints.</summary>
    protected virtual double[] GetScalars() => Array.Empty<double>();

    /// <summary>Restores what <see cref="GetScalars"/> returned.</summary>
    protected virtual void SetScalars(double[] scalars) { }

    /// <summary>Resets the scalar state to its initial value.</summary>
    protected virtual void ResetScalars() { }

    /// <summary>
    /// A deep copy of the optimizer's state — step count, constant learning rate, slots, scalars — which
    /// <see cref="RestoreState"/> puts back (the LR finder does; checkpoints store it).
    /// </summary>
    public OptimizerState CaptureState()
    {
        var slots = new float[_slots.Count][];
        for (int i = 0; i < slots.Length; i++) slots[i] = (float[])_slots[i].Clone();
        return new OptimizerState(GetType().Name, Iterations, Schedule is null ? _learningRate : double.NaN, _parameterLength, slots, GetScalars());
    }

    /// <summary>Puts back a state taken by <see cref="CaptureState"/> from an optimizer of the same type and network size; checks everything before changing anything.</summary>
    public void RestoreState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.TypeName != GetType().Name)
        {
            throw new ArgumentException($"The state is of a {state.TypeName} optimizer; this one is a {GetType().Name}.", nameof(state));
        }
        if (state.ParameterLength < 0)
        {
            Reset();
            Iterations = state.Iterations;
            if (!double.IsNaN(state.LearningRate) && Schedule is null) _learningRate = state.LearningRate;
            return;
        }
        if (_parameterLength >= 0 && _parameterLength != state.ParameterLength)
        {
            throw new ArgumentException($"The state is for a network of {state.ParameterLength} weights; this optimizer is used with one of {_parameterLength}.", nameof(state));
        }
        EnsureSlots(state.ParameterLength);
        if (state.Slots.Count != _slots.Count)
        {
            throw new ArgumentException($"The state has {state.Slots.Count} slots; this {GetType().Name} has {_slots.Count} (different settings, e.g. momentum or amsgrad?).", nameof(state));
        }
        for (int i = 0; i < _slots.Count; i++)
        {
            if (state.Slots[i].Length != _slots[i].Length) throw new ArgumentException($"Slot {i} has {state.Slots[i].Length} values; expected {_slots[i].Length}.", nameof(state));
        }
        for (int i = 0; i < _slots.Count; i++) state.Slots[i].CopyTo(_slots[i], 0);
        Iterations = state.Iterations;
        if (!double.IsNaN(state.LearningRate) && Schedule is null) _learningRate = state.LearningRate;
        SetScalars((double[])state.Scalars.Clone());
    }

    /// <summary>
    /// Updates one variable: <paramref name="parameters"/> and <paramref name="gradients"/> are its slices, starting at
    /// <paramref name="offset"/> in the whole buffer (the offset of its slots); <paramref name="step"/> is Keras's <c>t</c> (1 at the first update).
    /// </summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, float learningRate, long step);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                if (norm > _clipNorm) VectorOps.Multiply(g, (float)(_clipNorm / norm), g);
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
                    VectorOps.Multiply(g, scale, g);
                }
            }
        }
    }

    /// <summary>Checks that <paramref name="value"/> is a finite number in [<paramref name="min"/>, <paramref name="max"/>) (or ≤ max when <paramref name="maxInclusive"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected static double InRange(double value, double min, double max, string name, bool maxInclusive = false)
    {
        bool ok = value >= min && (maxInclusive ? value <= max : value < max);
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}{(maxInclusive ? "]" : ")")}.");
        return value;
    }

    /// <summary>Checks that <paramref name="value"/> is a finite number &gt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected static double Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0.");
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0 (0 turns it off).");
        return value;
    }
}
