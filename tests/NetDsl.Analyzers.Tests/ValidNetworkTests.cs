using System.Threading.Tasks;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>Correct declarations, among them the networks of Hands-On ML chapter 11, produce no diagnostic at all.</summary>
public class ValidNetworkTests
{
    [Fact]
    public Task EmptySource_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync("");

    [Fact]
    public Task ClassWithoutNetworkAttribute_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        // Layer attributes without [Network] are not a network (the generator ignores the class too).
        [Dense(0)]
        [Dropout(2)]
        public class NotANetwork { }

        public class Plain<T>
        {
            public class Nested { }
        }
        """);

    [Fact]
    public Task SourceWithoutTheRuntimeTypes_ReportsNothing()
    {
        var test = new VerifyCS.Test { TestCode = /* lang=c# */ "public class C { }" };
        test.TestState.AdditionalReferences.Clear();
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        return test.RunAsync();
    }

    [Fact]
    public Task BatchNormNetwork_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        namespace Chapter11;

        [Network(28, 28)]
        [Flatten]
        [BatchNorm]
        [Dense(300, Activation.Relu, Init = Init.HeNormal)]
        [BatchNorm]
        [Dense(100, Activation.Relu, Init = Init.HeNormal)]
        [BatchNorm]
        [Dense(10, Activation.Softmax)]
        public partial class FashionBn { }

        // The variant with the activation after BN and no bias before it.
        [Network(28, 28)]
        [Flatten]
        [BatchNorm]
        [Dense(300, Init = Init.HeNormal, UseBias = false)]
        [BatchNorm]
        [Relu]
        [Dense(100, Init = Init.HeNormal, UseBias = false)]
        [BatchNorm]
        [Relu]
        [Dense(10, Activation.Softmax)]
        public partial class FashionBnBeforeActivation { }
        """);

    [Fact]
    public Task LeakyReluMlp_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        namespace Chapter11;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Init = Init.HeNormal)]
        [LeakyRelu(0.2)]
        [Dense(100, Init = Init.HeNormal)]
        [LeakyRelu(0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class FashionLeakyRelu { }

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.LeakyRelu, Init = Init.HeNormal)]
        [Dense(100, Activation.LeakyRelu, Init = Init.HeNormal, Alpha = 0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class FashionLeakyReluDense { }

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Init = Init.HeNormal)]
        [RRelu]
        [Dense(100, Activation.Elu, Init = Init.HeNormal)]
        [Dense(10, Activation.Softmax)]
        public partial class FashionRReluElu { }
        """);

    [Fact]
    public Task SeluStack_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        namespace Chapter11;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [AlphaDropout(0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class FashionSelu { }
        """);

    [Fact]
    public Task ModelB_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        namespace Chapter11;

        // The transfer-learning chapter's model B: shirts vs sandals, a binary classifier.
        [Network(28, 28, Loss = Loss.BinaryCrossentropy)]
        [Flatten]
        [Dense(300, Activation.Selu)]
        [Dense(100, Activation.Selu)]
        [Dense(50, Activation.Selu)]
        [Dense(50, Activation.Selu)]
        [Dense(50, Activation.Selu)]
        [Dense(1, Activation.Sigmoid)]
        public partial class ModelB { }
        """);

    [Fact]
    public Task DropoutNetwork_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        namespace Chapter11;

        [Network(28, 28)]
        [Flatten]
        [Dropout(0.2)]
        [Dense(300, Activation.Elu, Init = Init.HeNormal)]
        [Dropout(0.2)]
        [Dense(100, Activation.Elu, Init = Init.HeNormal)]
        [Dropout(0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class FashionDropout { }
        """);

    [Fact]
    public Task WideAndDeepNetwork_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        namespace Chapter10;

        // Concatenate([input_, hidden2]) -> Dense(1): California housing regression.
        [Network(8, Loss = Loss.MeanSquaredError)]
        [Dense(30, Activation.Relu, Init = Init.HeNormal)]
        [Dense(30, Activation.Relu, Init = Init.HeNormal)]
        [Concat("input")]
        [Dense(1)]
        public partial class WideAndDeep { }

        [Network(8, Loss = Loss.MeanSquaredError)]
        [Dense(30, Activation.Relu, Init = Init.HeNormal, Name = "hidden1")]
        [Dense(30, Activation.Relu, Init = Init.HeNormal, Name = "hidden2")]
        [Add("hidden1")]
        [Concat("input", Name = "concat")]
        [Dense(1, Name = "output")]
        public partial class WideAndDeepWithSkip { }
        """);

    [Fact]
    public Task DenseDefaultsNetworks_ReportNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        namespace Chapter11;

        // RegularizedDense = partial(Dense, activation="elu", kernel_initializer="he_normal", kernel_regularizer=l2(0.01))
        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Elu, Init = Init.HeNormal, L2 = 0.01)]
        [Flatten]
        [Dense(300)]
        [Dense(100)]
        [Dense(10, Activation.Softmax, Init = Init.GlorotUniform)]
        public partial class FashionL2 { }

        // MaxNormDense = partial(Dense, activation="selu", kernel_initializer="lecun_normal", kernel_constraint=max_norm(1.))
        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Selu, Init = Init.LecunNormal, MaxNorm = 1.0)]
        [Flatten]
        [Dense(300)]
        [Dense(100)]
        [Dense(10, Activation.Softmax, MaxNorm = 0)]
        public partial class FashionMaxNorm { }

        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.LeakyRelu, Alpha = 0.2, Init = Init.HeNormal, UseBias = false, L1 = 1e-5)]
        [Flatten]
        [Dense(100)]
        [BatchNorm]
        [Dense(10, Activation.Softmax, UseBias = true)]
        public partial class FashionDefaults { }
        """);

    [Fact]
    public Task TransferLearningNetwork_WithFrozenLayers_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        namespace Chapter11;

        [Network(28, 28, Loss = Loss.BinaryCrossentropy)]
        [Flatten]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal, Trainable = false)]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal, Trainable = false)]
        [BatchNorm(Trainable = false)]
        [Dense(1, Activation.Sigmoid)]
        public partial class ModelBOnA { }
        """);

    [Fact]
    public Task NetworksInSeveralNamespacesAndFiles_ReportNothing() => VerifyCS.VerifyAnalyzerAsync(
        new[]
        {
            /* lang=c# */ """
            using NetDsl;

            [Network(4)]
            [Dense(3, Activation.Softmax)]
            internal partial class GlobalNet { }
            """,
            /* lang=c# */ """
            namespace A.B
            {
                [NetDsl.Network(4, Loss = NetDsl.Loss.CategoricalCrossentropy)]
                [NetDsl.Dense(3, NetDsl.Activation.Softmax)]
                public sealed partial class Net { }
            }
            """,
        });
}
