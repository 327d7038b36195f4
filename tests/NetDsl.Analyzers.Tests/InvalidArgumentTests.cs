using System.Threading.Tasks;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>NDSL0002: an argument of a layer or of the network is out of range.</summary>
public class InvalidArgumentTests
{
    // ---- Reserved names and the network's own location ----

    [Theory]
    [InlineData("input")]
    [InlineData("input_1")]
    public Task LayerNamedLikeTheInput_IsReportedOnTheName(string name) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(4)]
        [Dense(8, Activation.Relu, Init = Init.HeNormal, {|NDSL0002:Name = "{{name}}"|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task NetworkWithoutWeights_IsReportedOnNetwork_EvenWhenALossIsGiven() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [{|NDSL0002:Network(4, Loss = Loss.MeanSquaredError)|}]
        [Relu]
        public partial class Net { }
        """);

    // ---- Dense units ----

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public Task DenseUnitsNotPositive_IsReportedOnTheArgument(string units) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(4)]
        [Dense({|NDSL0002:{{units}}|}, Activation.Relu)]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task DenseUnitsNotPositive_GivenByName_IsReportedOnTheArgument() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(activation: Activation.Relu, {|NDSL0002:units: 0|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task DenseUnitsNotPositive_HasTheLayerAndValueInTheMessage() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(0)]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL0002").WithSpan(4, 8, 4, 9).WithArguments("layer 0 (Dense)", "units must be positive, got 0"));

    [Fact]
    public Task DenseOneUnit_IsNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4, Loss = Loss.BinaryCrossentropy)]
        [Dense(1, Activation.Sigmoid)]
        public partial class Net { }
        """);

    // ---- Regularization and constraints ----

    [Theory]
    [InlineData("L1 = -0.01")]
    [InlineData("L2 = -1e-4")]
    [InlineData("MaxNorm = -1")]
    [InlineData("L2 = double.NaN")]
    [InlineData("MaxNorm = double.PositiveInfinity")]
    public Task NegativeRegularizationOrMaxNorm_IsReportedOnTheNamedArgument(string argument) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(4)]
        [Dense(10, Activation.Relu, Init = Init.HeNormal, {|NDSL0002:{{argument}}|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task NegativeL2InDenseDefaults_IsReportedOnEveryDenseThatTakesIt() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [DenseDefaults(L2 = -0.01)]
        [{|NDSL0002:Dense(10, Activation.Relu)|}]
        [Dense(3, Activation.Softmax, L2 = 0)]
        public partial class Net { }
        """);

    [Fact]
    public Task ZeroAndPositiveRegularizationAndMaxNorm_AreNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, Activation.Relu, Init = Init.HeNormal, L1 = 0, L2 = 0.01, MaxNorm = 1.0)]
        [Dense(10, Activation.Relu, Init = Init.HeNormal, L1 = 1e-5, L2 = 0, MaxNorm = 0)]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    // ---- BatchNorm ----

    [Theory]
    [InlineData("Momentum = 1.5")]
    [InlineData("Momentum = -0.1")]
    [InlineData("Epsilon = 0")]
    [InlineData("Epsilon = -1e-3")]
    public Task BatchNormOutOfRange_IsReportedOnTheNamedArgument(string argument) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(4)]
        [BatchNorm({|NDSL0002:{{argument}}|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task BatchNormAtTheEdgesOfItsRanges_IsNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [BatchNorm(Momentum = 0, Epsilon = 1e-12)]
        [BatchNorm(Momentum = 1)]
        [BatchNorm(Momentum = 0.9, Epsilon = 1e-5, Center = false, Scale = false)]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    // ---- Activation parameters ----

    [Fact]
    public Task LeakyReluNegativeAlpha_IsReportedOnTheArgument() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, Init = Init.HeNormal)]
        [LeakyRelu({|NDSL0002:-0.2|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task DenseLeakyReluNegativeAlpha_IsReportedOnTheNamedArgument() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, Activation.LeakyRelu, Init = Init.HeNormal, {|NDSL0002:Alpha = -0.01|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Theory]
    [InlineData("0")]
    [InlineData("-1.0")]
    public Task EluAlphaNotPositive_IsReportedOnTheArgument(string alpha) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(4)]
        [Dense(10, Init = Init.HeNormal)]
        [Elu({|NDSL0002:{{alpha}}|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task DenseEluZeroAlpha_IsReportedOnTheNamedArgument() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, Activation.Elu, Init = Init.HeNormal, {|NDSL0002:Alpha = 0|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task RReluLowerAboveUpper_IsReportedOnLower() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, Init = Init.HeNormal)]
        [RRelu({|NDSL0002:0.5|}, 0.1)]
        [Dense(10, Init = Init.HeNormal)]
        [RRelu({|NDSL0002:lower: 0.4|}, upper: 0.3)]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task ActivationLayersWithValidParameters_AreNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, Init = Init.HeNormal)]
        [LeakyRelu]
        [LeakyRelu(0)]
        [LeakyRelu(alpha: 0.2)]
        [Elu]
        [Elu(0.5)]
        [RRelu]
        [RRelu(0.2, 0.2)]
        [RRelu(0, 0.5)]
        [Relu]
        [Selu]
        [Tanh]
        [Sigmoid]
        [Dense(10, Activation.LeakyRelu, Init = Init.HeNormal, Alpha = 0.3)]
        [Dense(10, Activation.Elu, Init = Init.HeNormal, Alpha = 1.0)]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    // ---- Dropout ----

    [Theory]
    [InlineData("Dropout", "1.0")]
    [InlineData("Dropout", "1")]
    [InlineData("Dropout", "-0.1")]
    [InlineData("Dropout", "1.5")]
    [InlineData("AlphaDropout", "1.0")]
    [InlineData("AlphaDropout", "-0.2")]
    public Task DropoutRateOutsideZeroToOne_IsReportedOnTheArgument(string layer, string rate) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(4)]
        [{{layer}}({|NDSL0002:{{rate}}|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task DropoutRatesInZeroToOne_AreNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dropout(0)]
        [Dropout(0.2)]
        [Dense(10, Activation.Selu, Init = Init.LecunNormal)]
        [AlphaDropout(rate: 0.1)]
        [Dropout(0.999)]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    // ---- The network ----

    [Fact]
    public Task EmptyInputShape_IsReportedOnTheNetworkAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [{|NDSL0002:Network()|}]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task NetworkWithoutParentheses_HasAnEmptyInputShape() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [{|NDSL0002:Network|}]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Theory]
    [InlineData("0")]
    [InlineData("28, -28")]
    public Task InputDimensionNotPositive_IsReportedOnTheNetworkAttribute(string shape) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [{|NDSL0002:Network({{shape}})|}]
        [Flatten]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task NetworkWithoutLayers_IsReportedOnTheNetworkAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [{|NDSL0002:Network(4)|}]
        public partial class Net { }
        """);

    [Fact]
    public Task NetworkWithoutWeights_IsReportedOnTheNetworkAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [{|NDSL0002:Network(28, 28)|}]
        [Flatten]
        [Dropout(0.2)]
        [Softmax]
        public partial class Net { }
        """);

    [Fact]
    public Task NetworkWhoseOnlyWeightsAreBatchNorms_IsNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4, Loss = Loss.MeanSquaredError)]
        [BatchNorm]
        public partial class Net { }
        """);

    // ---- Names ----

    [Fact]
    public Task DuplicateName_IsReportedOnTheSecondLayer() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, Activation.Relu, Init = Init.HeNormal, Name = "hidden")]
        [{|NDSL0002:Dense(10, Activation.Relu, Init = Init.HeNormal, Name = "hidden")|}]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task NameThatClashesWithADefaultName_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, Activation.Relu, Init = Init.HeNormal)]
        [{|NDSL0002:Dense(3, Activation.Softmax, Name = "dense")|}]
        public partial class Net { }
        """);

    [Theory]
    [InlineData("\"1hidden\"")]
    [InlineData("\"\"")]
    [InlineData("\"hidden layer\"")]
    [InlineData("\"_hidden\"")]
    [InlineData("\"input\"")]
    public Task InvalidName_IsReportedOnTheNameArgument(string name) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(4)]
        [Dense(10, Activation.Relu, Init = Init.HeNormal, {|NDSL0002:Name = {{name}}|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task UniqueValidNames_AreNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, Activation.Relu, Init = Init.HeNormal, Name = "hidden1")]
        [BatchNorm(Name = "bn_1")]
        [Dense(10, Activation.Relu, Init = Init.HeNormal, Name = "Hidden2")]
        [Dense(10, Activation.Relu, Init = Init.HeNormal)]
        [Dense(3, Activation.Softmax, Name = "output")]
        public partial class Net { }
        """);
}
