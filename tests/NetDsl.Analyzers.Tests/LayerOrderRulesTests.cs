using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkConfigurationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>NDSL1004 (AlphaDropout without SELU), NDSL1007 (bias before BatchNorm), NDSL1008 (softmax before the last layer).</summary>
public class LayerOrderRulesTests
{
    // ----- NDSL1004 -----

    [Fact]
    public Task AlphaDropoutWithoutSelu_IsReportedOnTheAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Elu, Init = Init.HeNormal)]
        [{|#0:AlphaDropout(0.2)|}]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1004").WithLocation(0).WithSeverity(DiagnosticSeverity.Info).WithArguments("layer 2 (AlphaDropout 'alpha_dropout')", "Net", "0.2"));

    [Fact]
    public Task AlphaDropoutInASeluNetwork_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        // The notebook's MC-dropout network.
        [Network(28, 28)]
        [Flatten]
        [AlphaDropout(0.2)]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
        [AlphaDropout(0.2)]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [AlphaDropout(0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    // ----- NDSL1007 -----

    [Fact]
    public Task LinearDenseWithBiasBeforeBatchNorm_IsReportedOnTheAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [{|#0:Dense(300, Init = Init.HeNormal)|}]
        [BatchNorm]
        [Relu]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1007").WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
            .WithArguments("layer 1 (Dense 'dense')", "", "layer 2 (BatchNormalization 'batch_normalization')"));

    [Fact]
    public Task ExplicitUseBiasTrue_IsReportedOnTheArgument() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [DenseDefaults(Init = Init.HeNormal, UseBias = true)]
        [Flatten]
        [Dense(300, {|NDSL1007:UseBias = true|})]
        [BatchNorm(Center = false)]
        [Elu]
        [{|#0:Dense(100)|}]
        [BatchNorm]
        [Elu]
        [Dense(10, Activation.Softmax, Init = Init.GlorotUniform)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1007").WithLocation(0)
            .WithArguments("layer 4 (Dense 'dense_1')", " (UseBias = true from [DenseDefaults])", "layer 5 (BatchNormalization 'batch_normalization_1')"));

    [Fact]
    public Task BatchNormAfterAnActivationOrWithoutBias_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        // The notebook's BN network: BN after the activation, where the bias is not redundant.
        [Network(28, 28)]
        [Flatten]
        [BatchNorm]
        [Dense(300, Activation.Relu, Init = Init.HeNormal)]
        [BatchNorm]
        [Dense(100, Activation.Relu, Init = Init.HeNormal)]
        [BatchNorm]
        [Dense(10, Activation.Softmax)]
        public partial class FashionBn { }

        [Network(28, 28)]
        [DenseDefaults(Init = Init.HeNormal, UseBias = false)]
        [Flatten]
        [Dense(300)]
        [BatchNorm]
        [Relu]
        [Dense(100, Activation.Relu)]
        [Dropout(0.2)]
        [BatchNorm]
        [Dense(10, Activation.Softmax, UseBias = true, Init = Init.GlorotUniform)]
        public partial class NoBias { }
        """);

    // ----- NDSL1008 -----

    [Fact]
    public Task HiddenSoftmax_IsReportedOnTheActivationArgumentOrTheSoftmaxLayer() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(6)]
        [Dense(5, {|#0:Activation.Softmax|})]
        [Dense(5, {|#1:activation: Activation.Softmax|})]
        [Dense(5)]
        [{|#2:Softmax|}]
        [Dense(4, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1008").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithArguments("layer 0 (Dense 'dense')", "layer 4 (Dense 'dense_3')"),
        VerifyCS.Diagnostic("NDSL1008").WithLocation(1).WithArguments("layer 1 (Dense 'dense_1')", "layer 4 (Dense 'dense_3')"),
        VerifyCS.Diagnostic("NDSL1008").WithLocation(2).WithArguments("layer 3 (Softmax 'softmax')", "layer 4 (Dense 'dense_3')"));

    [Fact]
    public Task SoftmaxFromDenseDefaultsOnAHiddenLayer_IsReportedOnTheAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(6)]
        [DenseDefaults(Activation = Activation.Softmax)]
        [{|NDSL1008:Dense(5)|}]
        [Dense(4)]
        public partial class Net { }
        """);

    [Fact]
    public Task SoftmaxOnTheLastLayer_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(6)]
        [Dense(5, Activation.Tanh)]
        [Dense(4, Activation.Softmax)]
        public partial class Net { }

        [Network(6)]
        [Dense(5, Activation.Tanh)]
        [Dense(4)]
        [Softmax]
        public partial class SoftmaxLayer { }
        """);
}
