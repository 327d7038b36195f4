using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkConfigurationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>Initializer advice: NDSL1005 (He for the ReLU family) and NDSL1006 (Glorot for sigmoid, tanh, softmax).</summary>
public class InitializationRulesTests
{
    // ----- NDSL1005 -----

    [Fact]
    public Task ReluWithTheDefaultInit_IsReportedOnTheDenseAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [{|#0:Dense(300, Activation.Relu)|}]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1005").WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
            .WithArguments("layer 1 (Dense 'dense')", "ReLU", "Init.GlorotUniform (the default)"));

    [Theory]
    [InlineData("Activation.Relu", "Init.GlorotNormal")]
    [InlineData("Activation.LeakyRelu", "Init.LecunNormal")]
    [InlineData("Activation.RRelu", "Init.LecunUniform")]
    [InlineData("Activation.Elu", "Init.GlorotUniform")]
    public Task ReluFamilyWithAGlorotOrLecunInit_IsReportedOnTheInitArgument(string activation, string init) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, {{activation}}, {|NDSL1005:Init = {{init}}|})]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task ActivationLayerAfterALinearDense_CountsAsItsActivation() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, {|#0:Init = Init.LecunNormal|})]
        [LeakyRelu(0.2)]
        [{|#1:Dense(100, UseBias = false)|}]
        [BatchNorm]
        [Relu]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1005").WithLocation(0).WithArguments("layer 1 (Dense 'dense')", "LeakyReLU (through layer 2 (LeakyReLU 'leaky_re_lu'))", "Init.LecunNormal"),
        VerifyCS.Diagnostic("NDSL1005").WithLocation(1).WithArguments("layer 3 (Dense 'dense_1')", "ReLU (through layer 5 (ReLU 're_lu'))", "Init.GlorotUniform (the default)"));

    [Fact]
    public Task TheChaptersHeInitializedNetworks_ReportNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        // BatchNorm before the activation: the Dense has no bias and He init, the activation comes after BN.
        [Network(28, 28)]
        [Flatten]
        [BatchNorm]
        [Dense(300, UseBias = false, Init = Init.HeNormal)]
        [BatchNorm]
        [Relu]
        [Dense(100, UseBias = false, Init = Init.HeUniform)]
        [BatchNorm]
        [Elu]
        [Dense(10, Activation.Softmax)]
        public partial class BnBeforeActivation { }

        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.LeakyRelu, Alpha = 0.2, Init = Init.HeNormal)]
        [Flatten]
        [Dense(300)]
        [Dense(100)]
        [RRelu]
        [Dense(10, Activation.Softmax, Init = Init.GlorotUniform)]
        public partial class Leaky { }

        // SELU wants LeCun, not He: SELU is not in the ReLU family.
        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(10, Activation.Softmax)]
        public partial class Selu { }
        """);

    // ----- NDSL1006 -----

    [Theory]
    [InlineData("Activation.Sigmoid", "Init.HeNormal")]
    [InlineData("Activation.Tanh", "Init.HeUniform")]
    public Task SaturatingActivationWithHeInit_IsReportedOnTheInitArgument(string activation, string init) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(28, 28, Loss = Loss.MeanSquaredError)]
        [Flatten]
        [Dense(30, {{activation}}, {|NDSL1006:Init = {{init}}|})]
        [Dense(1)]
        public partial class Net { }
        """);

    [Fact]
    public Task SoftmaxOutputInheritingHeFromDenseDefaults_IsReportedOnTheDenseAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Elu, Init = Init.HeNormal, L2 = 0.01)]
        [Flatten]
        [Dense(300)]
        [Dense(100)]
        [{|#0:Dense(10, Activation.Softmax)|}]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1006").WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
            .WithArguments("layer 3 (Dense 'dense_2')", "softmax", "Init.HeNormal (from [DenseDefaults])"));

    [Fact]
    public Task SoftmaxLayerAfterAHeInitializedLinearDense_IsReportedOnTheDense() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(100, Activation.Relu, Init = Init.HeNormal)]
        [Dense(10, {|NDSL1006:Init = Init.HeNormal|})]
        [Softmax]
        public partial class Net { }
        """);

    [Fact]
    public Task GlorotOrLecunForSaturatingActivations_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Elu, Init = Init.HeNormal, L2 = 0.01)]
        [Flatten]
        [Dense(300)]
        [Dense(100, Activation.Tanh, Init = Init.LecunNormal)]
        [Dense(50, Activation.Sigmoid, Init = Init.GlorotNormal)]
        [Dense(10, Activation.Softmax, Init = Init.GlorotUniform)]
        public partial class Net { }
        """);
}
