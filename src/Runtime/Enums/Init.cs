// Compiled into the runtime (public) and source-linked into the generator and the analyzers
// (internal). Keep it plain C#.
namespace NetDsl
{
    /// <summary>Kernel initializers, with Keras's names and formulas (VarianceScaling family).</summary>
#if NETDSL_COMPILER
    internal
#else
    public
#endif
    enum Init
    {
        /// <summary>Keras <c>glorot_uniform</c> (the <c>Dense</c> default): U(−L, L), L = √(6 / (fan_in + fan_out)).</summary>
        GlorotUniform = 0,
        /// <summary>Keras <c>glorot_normal</c>: truncated normal with effective σ = √(2 / (fan_in + fan_out)).</summary>
        GlorotNormal = 1,
        /// <summary>Keras <c>he_normal</c>: truncated normal with effective σ = √(2 / fan_in).</summary>
        HeNormal = 2,
        /// <summary>Keras <c>he_uniform</c>: U(−L, L), L = √(6 / fan_in).</summary>
        HeUniform = 3,
        /// <summary>Keras <c>lecun_normal</c>: truncated normal with effective σ = √(1 / fan_in).</summary>
        LecunNormal = 4,
        /// <summary>Keras <c>lecun_uniform</c>: U(−L, L), L = √(3 / fan_in).</summary>
        LecunUniform = 5,
        /// <summary>All zeros.</summary>
        Zeros = 6,
        /// <summary>All ones.</summary>
        Ones = 7,
    }
}
