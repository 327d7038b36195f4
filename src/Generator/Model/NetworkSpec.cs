namespace NetDsl.Generator.Model;

/// <summary>The kinds of layer the DSL has.</summary>
internal enum LayerKind
{
    Flatten,
    Dense,
    BatchNorm,
    Activation,
    Dropout,
    AlphaDropout,
    Add,
    Concat,
}

/// <summary>How the loss meets the output layer.</summary>
internal enum OutputMode
{
    /// <summary>No fusion: the loss's gradient flows back through the output activation (mean squared error).</summary>
    Plain,
    /// <summary>Softmax output with a categorical cross-entropy, computed from the logits.</summary>
    SoftmaxCrossEntropy,
    /// <summary>Sigmoid output with binary cross-entropy, computed from the logits.</summary>
    SigmoidCrossEntropy,
    /// <summary>Linear output read as logits by a categorical cross-entropy (Keras's <c>from_logits=True</c>).</summary>
    LogitsCrossEntropy,
    /// <summary>Linear output read as logits by binary cross-entropy.</summary>
    LogitsBinaryCrossEntropy,
}

/// <summary>
/// One layer of a network, fully resolved: the declaration's values with defaults applied, its Keras name, and its
/// place in the parameter buffers. Immutable, with structural equality (a record of strings, numbers and
/// <see cref="EquatableArray{T}"/>); no Roslyn object is kept.
/// </summary>
internal sealed record LayerSpec
{
    public LayerKind Kind { get; init; }

    /// <summary>Keras-style name (<c>dense_1</c>) or the declared <c>Name</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The name in PascalCase: the property under <c>Layers</c>.</summary>
    public string PropertyName { get; init; } = "";

    /// <summary>Keras's class name (<c>Dense</c>, <c>BatchNormalization</c>, …).</summary>
    public string TypeName { get; init; } = "";

    public int Units { get; init; }

    public Activation Activation { get; init; }

    /// <summary>The activation's parameter, resolved (LeakyReLU slope, ELU α, RReLU mean slope).</summary>
    public double Alpha { get; init; }

    public Init Init { get; init; }

    public bool UseBias { get; init; } = true;

    public double L1 { get; init; }

    public double L2 { get; init; }

    public double MaxNorm { get; init; }

    public bool Trainable { get; init; } = true;

    public double Momentum { get; init; }

    public double Epsilon { get; init; }

    public bool Center { get; init; } = true;

    public bool Scale { get; init; } = true;

    /// <summary>Dropout rate.</summary>
    public double Rate { get; init; }

    /// <summary>RReLU's smallest slope.</summary>
    public double Lower { get; init; }

    /// <summary>RReLU's largest slope.</summary>
    public double Upper { get; init; }

    /// <summary>The layer named by <c>[Add]</c>/<c>[Concat]</c>.</summary>
    public string? Reference { get; init; }

    /// <summary>Index of the layer whose output this layer reads; −1 for the network's input.</summary>
    public int InputNode { get; init; } = -1;

    /// <summary>Index of the layer named by <see cref="Reference"/>; −1 for the network's input.</summary>
    public int ReferenceNode { get; init; } = -1;

    public int InputWidth { get; init; }

    public EquatableArray<int> OutputShape { get; init; } = EquatableArray<int>.Empty;

    public int OutputWidth { get; init; }

    public int KernelOffset { get; init; } = -1;

    public int BiasOffset { get; init; } = -1;

    public int GammaOffset { get; init; } = -1;

    public int BetaOffset { get; init; } = -1;

    /// <summary>Offset of the moving mean in the state buffer (the moving variance follows it).</summary>
    public int StateOffset { get; init; } = -1;

    /// <summary>All parameters (Keras's "Param #").</summary>
    public int ParameterCount { get; init; }
}

/// <summary>
/// A network declaration, parsed and laid out: what the emitter needs and nothing else. Immutable, with structural
/// equality, nested members included — the incremental generator's cache key; it holds no symbol, syntax node,
/// compilation or location.
/// </summary>
internal sealed record NetworkSpec
{
    /// <summary>The class's namespace ("" for the global namespace).</summary>
    public string Namespace { get; init; } = "";

    public string ClassName { get; init; } = "";

    /// <summary>Hint name of the generated file, <c>Namespace.Class.g.cs</c>.</summary>
    public string HintName { get; init; } = "";

    public EquatableArray<int> InputShape { get; init; } = EquatableArray<int>.Empty;

    public int InputSize { get; init; }

    public Loss Loss { get; init; }

    public OutputMode OutputMode { get; init; }

    public EquatableArray<LayerSpec> Layers { get; init; } = EquatableArray<LayerSpec>.Empty;

    public int OutputSize { get; init; }

    /// <summary>Length of the weight buffer (kernels, biases, γ, β).</summary>
    public int ParameterLength { get; init; }

    /// <summary>Length of the state buffer (moving statistics).</summary>
    public int StateLength { get; init; }

    public int TotalParameters { get; init; }

    public int TrainableParameters { get; init; }

    public int NonTrainableParameters { get; init; }
}
