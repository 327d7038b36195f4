using System;

namespace NetDsl;

/// <summary>
/// Marks a <c>partial class</c> as a network. The class's other NetDsl attributes are its layers, applied in
/// source order; the NetDsl generator implements <see cref="INetwork"/> for it at build time.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Declares a network with the given per-sample input shape (e.g. <c>28, 28</c>).</summary>
    public NetworkAttribute(params int[] inputShape) => InputShape = inputShape;

    /// <summary>The per-sample input shape.</summary>
    public int[] InputShape { get; }

    /// <summary>The training loss (default <see cref="Loss.SparseCategoricalCrossentropy"/>).</summary>
    public Loss Loss { get; set; } = Loss.SparseCategoricalCrossentropy;
}

/// <summary>Base class of the layer attributes.</summary>
public abstract class LayerAttribute : Attribute
{
    /// <summary>The layer's name (Keras's <c>name=</c>); by default Keras's (<c>dense</c>, <c>dense_1</c>, …).</summary>
    public string? Name { get; set; }
}

/// <summary>Keras <c>Flatten</c>: reshapes the input to a vector. No parameters.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute { }

/// <summary>Keras <c>Dense</c>: a fully connected layer, <c>activation(x·Kernel + Bias)</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : LayerAttribute
{
    /// <summary>A dense layer of <paramref name="units"/> units.</summary>
    public DenseAttribute(int units, Activation activation = Activation.Linear)
    {
        Units = units;
        Activation = activation;
    }

    /// <summary>The number of output units.</summary>
    public int Units { get; }

    /// <summary>The activation function.</summary>
    public Activation Activation { get; }

    /// <summary>The kernel initializer (default <see cref="Init.GlorotUniform"/>, as Keras). Biases start at zero.</summary>
    public Init Init { get; set; } = Init.GlorotUniform;

    /// <summary>Whether the layer has a bias vector (default true).</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>L1 regularization factor of the kernel (Keras <c>l1</c>); 0 = none.</summary>
    public double L1 { get; set; }

    /// <summary>L2 regularization factor of the kernel (Keras <c>l2</c>, no ½); 0 = none.</summary>
    public double L2 { get; set; }

    /// <summary>Max-norm constraint on each unit's incoming weights (Keras <c>max_norm(r)</c>); 0 = none.</summary>
    public double MaxNorm { get; set; }

    /// <summary>The parameter of <see cref="Activation.LeakyRelu"/> (default 0.01) or <see cref="Activation.Elu"/> (default 1).</summary>
    public double Alpha { get; set; }

    /// <summary>Whether the layer's weights are updated by training (default true).</summary>
    public bool Trainable { get; set; } = true;
}

/// <summary>Keras <c>BatchNormalization</c> over the features of a flat input.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : LayerAttribute
{
    /// <summary>Momentum of the moving averages (default 0.99).</summary>
    public double Momentum { get; set; } = 0.99;

    /// <summary>Added to the variance (default 1e-3).</summary>
    public double Epsilon { get; set; } = 1e-3;

    /// <summary>Whether the layer has the offset β (default true).</summary>
    public bool Center { get; set; } = true;

    /// <summary>Whether the layer has the scale γ (default true).</summary>
    public bool Scale { get; set; } = true;

    /// <summary>Whether γ and β are updated by training; a frozen BatchNorm runs in inference mode (default true).</summary>
    public bool Trainable { get; set; } = true;
}

/// <summary>Stand-alone ReLU activation layer (Keras <c>ReLU</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReluAttribute : LayerAttribute { }

/// <summary>Stand-alone leaky ReLU (Keras <c>LeakyReLU</c>). The default slope is 0.01, the chapter's value (Keras's is 0.3).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LeakyReluAttribute : LayerAttribute
{
    /// <summary>A leaky ReLU with slope <paramref name="alpha"/> for negative inputs.</summary>
    public LeakyReluAttribute(double alpha = 0.01) => Alpha = alpha;

    /// <summary>The slope for negative inputs.</summary>
    public double Alpha { get; }
}

/// <summary>Randomized leaky ReLU: slope drawn from U(lower, upper) per element in training, (lower + upper) / 2 at inference.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RReluAttribute : LayerAttribute
{
    /// <summary>A randomized leaky ReLU with slopes in [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    public RReluAttribute(double lower = 0.125, double upper = 1.0 / 3.0)
    {
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The smallest slope.</summary>
    public double Lower { get; }

    /// <summary>The largest slope.</summary>
    public double Upper { get; }
}

/// <summary>Stand-alone ELU (Keras <c>ELU</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EluAttribute : LayerAttribute
{
    /// <summary>An ELU with scale <paramref name="alpha"/> for negative inputs.</summary>
    public EluAttribute(double alpha = 1.0) => Alpha = alpha;

    /// <summary>The scale of the negative branch.</summary>
    public double Alpha { get; }
}

/// <summary>Stand-alone SELU (Keras <c>Activation("selu")</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SeluAttribute : LayerAttribute { }

/// <summary>Stand-alone sigmoid (Keras <c>Activation("sigmoid")</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidAttribute : LayerAttribute { }

/// <summary>Stand-alone tanh (Keras <c>Activation("tanh")</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TanhAttribute : LayerAttribute { }

/// <summary>Stand-alone softmax (Keras <c>Softmax</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxAttribute : LayerAttribute { }

/// <summary>
/// Defaults for every <c>Dense</c> of the network that does not set the property itself (the notebook's
/// <c>functools.partial(keras.layers.Dense, …)</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DenseDefaultsAttribute : Attribute
{
    /// <summary>Default activation.</summary>
    public Activation Activation { get; set; }

    /// <summary>Default kernel initializer.</summary>
    public Init Init { get; set; }

    /// <summary>Default bias switch.</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>Default L1 factor.</summary>
    public double L1 { get; set; }

    /// <summary>Default L2 factor.</summary>
    public double L2 { get; set; }

    /// <summary>Default max-norm.</summary>
    public double MaxNorm { get; set; }

    /// <summary>Default activation parameter.</summary>
    public double Alpha { get; set; }
}

/// <summary>Keras <c>Dropout</c>: in training, zeroes each element with probability <see cref="Rate"/> and scales the rest by 1/(1 − rate); identity at inference.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Dropout with the given rate in [0, 1).</summary>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>The fraction of inputs dropped.</summary>
    public double Rate { get; }
}

/// <summary>Keras <c>AlphaDropout</c>: dropout for SELU networks that keeps the mean and variance of self-normalized activations.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AlphaDropoutAttribute : LayerAttribute
{
    /// <summary>Alpha dropout with the given rate in [0, 1).</summary>
    public AlphaDropoutAttribute(double rate) => Rate = rate;

    /// <summary>The fraction of inputs dropped.</summary>
    public double Rate { get; }
}

/// <summary>Keras <c>Add</c>: adds the output of the earlier layer named <see cref="Layer"/> (or <c>"input"</c>) to the current output (a skip connection).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AddAttribute : LayerAttribute
{
    /// <summary>Adds the output of <paramref name="layer"/>.</summary>
    public AddAttribute(string layer) => Layer = layer;

    /// <summary>The name of the earlier layer, or <c>"input"</c>.</summary>
    public string Layer { get; }
}

/// <summary>Keras <c>Concatenate</c>: concatenates the output of the earlier layer named <see cref="Layer"/> (first) with the current output (the wide &amp; deep model).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ConcatAttribute : LayerAttribute
{
    /// <summary>Concatenates the output of <paramref name="layer"/> with the current one.</summary>
    public ConcatAttribute(string layer) => Layer = layer;

    /// <summary>The name of the earlier layer, or <c>"input"</c>.</summary>
    public string Layer { get; }
}
