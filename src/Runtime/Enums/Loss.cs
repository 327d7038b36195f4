// Compiled into the runtime (public) and source-linked into the generator and the analyzers
// (internal). Keep it plain C#.
namespace NetDsl
{
    /// <summary>The training loss of a network (Keras's loss names).</summary>
#if NETDSL_COMPILER
    internal
#else
    public
#endif
    enum Loss
    {
        /// <summary>Keras <c>sparse_categorical_crossentropy</c>: integer class labels; fused with a softmax output (computed from the logits).</summary>
        SparseCategoricalCrossentropy = 0,
        /// <summary>Keras <c>categorical_crossentropy</c>: one-hot (or probability) targets; fused with a softmax output.</summary>
        CategoricalCrossentropy = 1,
        /// <summary>Keras <c>binary_crossentropy</c>: targets in [0, 1] per output unit; fused with a sigmoid output.</summary>
        BinaryCrossentropy = 2,
        /// <summary>Keras <c>mean_squared_error</c>: mean over the output units and the batch.</summary>
        MeanSquaredError = 3,
    }
}
