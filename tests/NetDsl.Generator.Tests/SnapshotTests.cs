using System.Linq;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>The generated code of the chapter's networks, compared with checked-in snapshots; each must compile warning-free.</summary>
public class SnapshotTests
{
    private static void Verify(string source, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        GeneratorHarness.Result result = GeneratorHarness.Run(source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.Problems);
        Assert.NotEmpty(result.Files);
        SnapshotAssert.Matches(result.Files, nameof(SnapshotTests), method);
    }

    [Fact]
    public void FashionBn() => Verify(/* lang=c# */ """
        using NetDsl;

        namespace Demo;

        [Network(28, 28)]
        [Flatten]
        [BatchNorm]
        [Dense(300, Activation.Relu, Init = Init.HeNormal)]
        [BatchNorm]
        [Dense(100, Activation.Relu, Init = Init.HeNormal)]
        [BatchNorm]
        [Dense(10, Activation.Softmax)]
        public partial class FashionBn { }
        """);

    [Fact]
    public void FashionBnBeforeActivation() => Verify(/* lang=c# */ """
        using NetDsl;

        namespace Demo;

        [Network(28, 28)]
        [Flatten]
        [BatchNorm]
        [Dense(300, UseBias = false, Init = Init.HeNormal)]
        [BatchNorm]
        [Relu]
        [Dense(100, UseBias = false, Init = Init.HeNormal)]
        [BatchNorm]
        [Relu]
        [Dense(10, Activation.Softmax)]
        public partial class FashionBnNoBias { }
        """);

    [Fact]
    public void Mlp() => Verify(/* lang=c# */ """
        using NetDsl;

        namespace Demo.Models;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Relu, Init = Init.HeNormal)]
        [Dense(100, Activation.Relu, Init = Init.HeNormal)]
        [Dense(10, Activation.Softmax)]
        public partial class FashionMlp { }
        """);

    /// <summary>
    /// Every layer works row by row and every kernel is small: the training step can be split by rows (ForwardRows,
    /// BackwardRows, WeightGradientsOf, RowSplitJob); one layer's L2 term keeps its kernel out of the fused update.
    /// </summary>
    [Fact]
    public void DeepSeluSplitsByRows() => Verify(/* lang=c# */ """
        using NetDsl;

        namespace Demo;

        [Network(28, 28)]
        [Flatten]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal, L2 = 0.001)]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(10, Activation.Softmax)]
        public partial class DeepSelu { }
        """);

    [Fact]
    public void SeluBinaryInGlobalNamespace() => Verify(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28, Loss = Loss.BinaryCrossentropy)]
        [Flatten]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
        [AlphaDropout(0.2)]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal, MaxNorm = 1.0)]
        [Dense(1, Activation.Sigmoid)]
        internal partial class ModelB { }
        """);

    [Fact]
    public void EveryLayerKind() => Verify(/* lang=c# */ """
        using NetDsl;

        namespace Demo;

        [Network(8)]
        [DenseDefaults(Activation = Activation.Elu, Init = Init.HeNormal, L2 = 0.01)]
        [Dense(16, Name = "hidden1")]
        [Dropout(0.2)]
        [Dense(16, Activation.RRelu, L1 = 0.001)]
        [Add("hidden1")]
        [LeakyRelu]
        [Concat("input")]
        [Dense(12, Activation.Tanh)]
        [Tanh]
        [Sigmoid]
        [Elu(0.5)]
        [Dense(4)]
        [Softmax]
        public partial class KitchenSink { }
        """);
}
