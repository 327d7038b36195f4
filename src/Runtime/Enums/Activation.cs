// This file is compiled into the runtime (public) and source-linked into the generator and the
// analyzers (internal), so that an attribute's enum argument maps to one definition everywhere.
// Keep it plain C#: no API newer than netstandard2.0.
namespace NetDsl
{
    /// <summary>The activation function of a <c>Dense</c> layer (Keras's <c>activation=</c> names).</summary>
#if NETDSL_COMPILER
    internal
#else
    public
#endif
    enum Activation
    {
        /// <summary>Identity (Keras <c>"linear"</c>, the default).</summary>
        Linear = 0,
        /// <summary><c>max(x, 0)</c>.</summary>
        Relu = 1,
        /// <summary><c>x</c> for x &gt; 0, else <c>Alpha·x</c> (default 0.01, the chapter's value).</summary>
        LeakyRelu = 2,
        /// <summary>Randomized leaky ReLU: a random slope in U(1/8, 1/3) per element in training, the mean slope at inference.</summary>
        RRelu = 3,
        /// <summary><c>x</c> for x ≥ 0, else <c>Alpha·(eˣ − 1)</c> (default 1).</summary>
        Elu = 4,
        /// <summary>Scaled ELU with λ ≈ 1.0507 and α ≈ 1.6733 (self-normalizing).</summary>
        Selu = 5,
        /// <summary>Logistic sigmoid.</summary>
        Sigmoid = 6,
        /// <summary>Hyperbolic tangent.</summary>
        Tanh = 7,
        /// <summary>Softmax over the layer's units.</summary>
        Softmax = 8,
    }
}
