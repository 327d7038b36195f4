using System;
using System.Collections;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>A layer of a generated network: its name, Keras type, output shape and parameters.</summary>
public class Layer
{
    private bool _trainable;

    /// <summary>
    /// Creates a parameterless layer view (called by generated code). <paramref name="inbound"/> names the layers it
    /// reads (<c>input_1</c> for the network's input) in networks that are not a plain stack.
    /// </summary>
    public Layer(NetworkStorage storage, string name, string typeName, int[] outputShape, bool trainable = true, string[]? inbound = null)
    {
        Storage = storage ?? throw new ArgumentNullException(nameof(storage));
        Name = name;
        TypeName = typeName;
        OutputShape = outputShape;
        Inbound = inbound;
        _trainable = trainable;
        Index = storage.AddLayer(this);
    }

    /// <summary>The layers this one reads, for networks with skip connections (null in a plain stack).</summary>
    public IReadOnlyList<string>? Inbound { get; }

    /// <summary>The storage the layer's parameters live in.</summary>
    protected NetworkStorage Storage { get; }

    /// <summary>The layer's position in the network.</summary>
    public int Index { get; }

    /// <summary>The layer's name (Keras-style: <c>dense_1</c>, or the declared <c>Name</c>).</summary>
    public string Name { get; }

    /// <summary>Keras's class name of the layer (<c>Dense</c>, <c>BatchNormalization</c>, …).</summary>
    public string TypeName { get; }

    /// <summary>The per-sample output shape.</summary>
    public IReadOnlyList<int> OutputShape { get; }

    /// <summary>Number of output floats per sample.</summary>
    public int OutputSize
    {
        get
        {
            int n = 1;
            foreach (int d in OutputShape) n *= d;
            return n;
        }
    }

    /// <summary>All of the layer's parameters (trainable weights and non-trainable statistics).</summary>
    public virtual int ParameterCount => 0;

    /// <summary>The layer's parameters that training updates (0 while frozen).</summary>
    public virtual int TrainableParameterCount => 0;

    /// <summary>
    /// Whether training updates the layer's weights (Keras's <c>layer.trainable</c>). Takes effect at the next step;
    /// there is no <c>compile()</c> to call. A frozen BatchNorm runs in inference mode.
    /// </summary>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            Storage.SetTrainable(Index, value);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({TypeName})";

    internal void AddVariable(int offset, int length, VariableKind kind) => Storage.AddVariable(offset, length, Index, kind, _trainable);

    internal static void CheckSameShape(Layer a, Layer b, int sizeA, int sizeB, string what)
    {
        if (sizeA != sizeB)
        {
            throw new ArgumentException($"Cannot copy {what} of '{b.Name}' ({sizeB}) into '{a.Name}' ({sizeA}): the shapes differ.");
        }
    }
}

/// <summary>A dense layer's view: <see cref="Kernel"/> (Keras's <c>(inputs, units)</c> matrix, row-major) and <see cref="Bias"/>.</summary>
public sealed class DenseLayer : Layer
{
    private readonly int _kernelOffset;
    private readonly int _biasOffset;

    /// <summary>
    /// Creates the view (called by generated code); <paramref name="biasOffset"/> is −1 without a bias;
    /// <paramref name="alpha"/> is the activation's parameter (see <see cref="Alpha"/>).
    /// </summary>
    public DenseLayer(NetworkStorage storage, string name, int inputs, int units, Activation activation, int kernelOffset, int biasOffset, bool trainable = true,
        string[]? inbound = null, float alpha = 0f)
        : base(storage, name, "Dense", new[] { units }, trainable, inbound)
    {
        Inputs = inputs;
        Units = units;
        Activation = activation;
        Alpha = alpha;
        _kernelOffset = kernelOffset;
        _biasOffset = biasOffset;
        AddVariable(kernelOffset, inputs * units, VariableKind.Kernel);
        if (biasOffset >= 0) AddVariable(biasOffset, units, VariableKind.Bias);
    }

    /// <summary>Input width.</summary>
    public int Inputs { get; }

    /// <summary>Output width.</summary>
    public int Units { get; }

    /// <summary>The layer's activation.</summary>
    public Activation Activation { get; }

    /// <summary>
    /// The activation's parameter as the forward pass uses it: the slope of <see cref="Activation.LeakyRelu"/>, the α of
    /// <see cref="Activation.Elu"/>, the inference slope of <see cref="Activation.RRelu"/> (the mean of its bounds,
    /// (1/8 + 1/3)/2); 0 for the other activations.
    /// </summary>
    public float Alpha { get; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool UseBias => _biasOffset >= 0;

    /// <summary>The kernel, <c>Kernel[i * Units + j]</c> connects input i to unit j.</summary>
    public Span<float> Kernel => Storage.Parameters.AsSpan(_kernelOffset, Inputs * Units);

    /// <summary>The bias (empty without one).</summary>
    public Span<float> Bias => _biasOffset >= 0 ? Storage.Parameters.AsSpan(_biasOffset, Units) : Span<float>.Empty;

    /// <inheritdoc />
    public override int ParameterCount => Inputs * Units + (UseBias ? Units : 0);

    /// <inheritdoc />
    public override int TrainableParameterCount => Trainable ? ParameterCount : 0;

    /// <summary>Copies the weights of a dense layer of the same shape (from this or another network).</summary>
    public void CopyFrom(DenseLayer other)
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckSameShape(this, other, Inputs, other.Inputs, "the kernel inputs");
        CheckSameShape(this, other, Units, other.Units, "the units");
        CheckSameShape(this, other, UseBias ? 1 : 0, other.UseBias ? 1 : 0, "the bias");
        other.Kernel.CopyTo(Kernel);
        other.Bias.CopyTo(Bias);
    }
}

/// <summary>A BatchNorm layer's view: γ, β (trainable) and the moving statistics (non-trainable).</summary>
public sealed class BatchNormLayer : Layer
{
    private readonly int _gammaOffset, _betaOffset, _stateOffset;

    /// <summary>Creates the view (called by generated code); offsets of −1 mean the layer has no γ or no β.</summary>
    public BatchNormLayer(NetworkStorage storage, string name, int features, int gammaOffset, int betaOffset, int stateOffset,
        float momentum, float epsilon, bool trainable = true, string[]? inbound = null)
        : base(storage, name, "BatchNormalization", new[] { features }, trainable, inbound)
    {
        Features = features;
        _gammaOffset = gammaOffset;
        _betaOffset = betaOffset;
        _stateOffset = stateOffset;
        Momentum = momentum;
        Epsilon = epsilon;
        if (gammaOffset >= 0) AddVariable(gammaOffset, features, VariableKind.Gamma);
        if (betaOffset >= 0) AddVariable(betaOffset, features, VariableKind.Beta);
    }

    /// <summary>Number of normalized features.</summary>
    public int Features { get; }

    /// <summary>Moving-average momentum.</summary>
    public float Momentum { get; }

    /// <summary>Variance epsilon.</summary>
    public float Epsilon { get; }

    /// <summary>Whether the layer has the offset β (Keras's <c>center</c>).</summary>
    public bool Center => _betaOffset >= 0;

    /// <summary>Whether the layer has the scale γ (Keras's <c>scale</c>).</summary>
    public bool Scale => _gammaOffset >= 0;

    /// <summary>Scale γ (empty when <c>Scale = false</c>).</summary>
    public Span<float> Gamma => _gammaOffset >= 0 ? Storage.Parameters.AsSpan(_gammaOffset, Features) : Span<float>.Empty;

    /// <summary>Offset β (empty when <c>Center = false</c>).</summary>
    public Span<float> Beta => _betaOffset >= 0 ? Storage.Parameters.AsSpan(_betaOffset, Features) : Span<float>.Empty;

    /// <summary>Moving mean (non-trainable).</summary>
    public Span<float> MovingMean => Storage.State.AsSpan(_stateOffset, Features);

    /// <summary>Moving variance (non-trainable).</summary>
    public Span<float> MovingVariance => Storage.State.AsSpan(_stateOffset + Features, Features);

    /// <inheritdoc />
    public override int ParameterCount => Features * (2 + (_gammaOffset >= 0 ? 1 : 0) + (_betaOffset >= 0 ? 1 : 0));

    /// <inheritdoc />
    public override int TrainableParameterCount => Trainable ? ParameterCount - 2 * Features : 0;

    /// <summary>Copies γ, β and the moving statistics of a BatchNorm layer of the same shape.</summary>
    public void CopyFrom(BatchNormLayer other)
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckSameShape(this, other, Features, other.Features, "the features");
        CheckSameShape(this, other, Gamma.Length, other.Gamma.Length, "γ");
        CheckSameShape(this, other, Beta.Length, other.Beta.Length, "β");
        other.Gamma.CopyTo(Gamma);
        other.Beta.CopyTo(Beta);
        other.MovingMean.CopyTo(MovingMean);
        other.MovingVariance.CopyTo(MovingVariance);
    }
}

/// <summary>
/// A stand-alone activation layer's view (<c>[Relu]</c>, <c>[LeakyRelu]</c>, <c>[RRelu]</c>, <c>[Elu]</c>, <c>[Selu]</c>,
/// <c>[Sigmoid]</c>, <c>[Tanh]</c>, <c>[Softmax]</c>): which activation, and its parameters. It has no weights.
/// </summary>
public sealed class ActivationLayer : Layer
{
    /// <summary>Creates the view (called by generated code).</summary>
    /// <param name="storage">The network's storage.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="typeName">Keras's class name (<c>ReLU</c>, <c>LeakyReLU</c>, <c>RReLU</c>, <c>ELU</c>, <c>Activation</c>, <c>Softmax</c>).</param>
    /// <param name="outputShape">The per-sample output shape (the input's).</param>
    /// <param name="activation">The activation.</param>
    /// <param name="alpha">The parameter the forward pass uses (see <see cref="Alpha"/>).</param>
    /// <param name="lower">RReLU's smallest slope (0 for the other activations).</param>
    /// <param name="upper">RReLU's largest slope (0 for the other activations).</param>
    /// <param name="inbound">The layers it reads, in networks that are not a plain stack.</param>
    public ActivationLayer(NetworkStorage storage, string name, string typeName, int[] outputShape, Activation activation, float alpha = 0f,
        float lower = 0f, float upper = 0f, string[]? inbound = null)
        : base(storage, name, typeName, outputShape, true, inbound)
    {
        Activation = activation;
        Alpha = alpha;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The activation.</summary>
    public Activation Activation { get; }

    /// <summary>
    /// The activation's parameter as the inference pass uses it: the slope of <see cref="Activation.LeakyRelu"/>, the α
    /// of <see cref="Activation.Elu"/>, the inference slope of <see cref="Activation.RRelu"/> ((lower + upper)/2, as
    /// PyTorch's and TensorFlow Addons' RReLU in evaluation); 0 for the other activations.
    /// </summary>
    public float Alpha { get; }

    /// <summary>RReLU's smallest slope, drawn from in training (0 for the other activations).</summary>
    public float Lower { get; }

    /// <summary>RReLU's largest slope, drawn from in training (0 for the other activations).</summary>
    public float Upper { get; }
}

/// <summary>
/// A <c>[Dropout]</c> or <c>[AlphaDropout]</c> layer's view (<see cref="Layer.TypeName"/> tells which): its rate. Both
/// are the identity at inference.
/// </summary>
public sealed class DropoutLayer : Layer
{
    /// <summary>Creates the view (called by generated code).</summary>
    /// <param name="storage">The network's storage.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="typeName"><c>Dropout</c> or <c>AlphaDropout</c>.</param>
    /// <param name="outputShape">The per-sample output shape (the input's).</param>
    /// <param name="rate">The fraction of inputs dropped in training.</param>
    /// <param name="inbound">The layers it reads, in networks that are not a plain stack.</param>
    public DropoutLayer(NetworkStorage storage, string name, string typeName, int[] outputShape, float rate, string[]? inbound = null)
        : base(storage, name, typeName, outputShape, true, inbound)
    {
        Rate = rate;
    }

    /// <summary>The fraction of inputs dropped in training.</summary>
    public float Rate { get; }
}

/// <summary>The layers of a network, in order; generated networks derive a class with one typed property per layer.</summary>
public class LayerCollection : IReadOnlyList<Layer>
{
    private readonly NetworkStorage _storage;

    /// <summary>Wraps the layers of <paramref name="storage"/>.</summary>
    public LayerCollection(NetworkStorage storage) => _storage = storage ?? throw new ArgumentNullException(nameof(storage));

    /// <inheritdoc />
    public Layer this[int index] => _storage.Layers[index];

    /// <summary>The layer called <paramref name="name"/>.</summary>
    public Layer this[string name]
    {
        get
        {
            foreach (Layer layer in _storage.Layers) if (layer.Name == name) return layer;
            throw new KeyNotFoundException($"The network has no layer named '{name}'.");
        }
    }

    /// <inheritdoc />
    public int Count => _storage.Layers.Count;

    /// <inheritdoc />
    public IEnumerator<Layer> GetEnumerator() => _storage.Layers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
