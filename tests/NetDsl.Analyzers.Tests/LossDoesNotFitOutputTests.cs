using System.Threading.Tasks;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>NDSL0006: the loss does not fit the output layer.</summary>
public class LossDoesNotFitOutputTests
{
    [Fact]
    public Task SoftmaxOutputWithBinaryCrossentropy_IsReportedOnTheLoss() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4, {|NDSL0006:Loss = Loss.BinaryCrossentropy|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task SoftmaxOutputWithBinaryCrossentropy_HasTheReasonInTheMessage() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4, Loss = Loss.BinaryCrossentropy)]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL0006").WithSpan(3, 13, 3, 43).WithArguments("Net",
            "binary cross-entropy does not fit a Softmax output (the units would compete); use Sigmoid outputs, or a categorical cross-entropy"));

    [Fact]
    public Task StandaloneSoftmaxWithBinaryCrossentropy_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4, {|NDSL0006:Loss = Loss.BinaryCrossentropy|})]
        [Dense(3)]
        [Softmax]
        public partial class Net { }
        """);

    [Fact]
    public Task SparseCrossentropyOnOneUnit_IsReportedOnTheNetworkAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [{|NDSL0006:Network(4)|}]
        [Dense(1, Activation.Sigmoid)]
        public partial class Net { }
        """);

    [Fact]
    public Task ExplicitSparseCrossentropyOnOneUnit_IsReportedOnTheLoss() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4, {|NDSL0006:Loss = Loss.SparseCategoricalCrossentropy|})]
        [Dense(1)]
        public partial class Net { }
        """);

    [Theory]
    [InlineData("SparseCategoricalCrossentropy", "Relu")]
    [InlineData("CategoricalCrossentropy", "Relu")]
    [InlineData("CategoricalCrossentropy", "Sigmoid")]
    [InlineData("SparseCategoricalCrossentropy", "Tanh")]
    [InlineData("BinaryCrossentropy", "Relu")]
    [InlineData("BinaryCrossentropy", "Tanh")]
    public Task CrossentropyWithAnOutputActivationItCannotRead_IsReported(string loss, string activation) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(4, {|NDSL0006:Loss = Loss.{{loss}}|})]
        [Dense(3, Activation.{{activation}})]
        public partial class Net { }
        """);

    [Fact]
    public Task CrossentropyAfterAStandaloneRelu_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [{|NDSL0006:Network(4)|}]
        [Dense(3)]
        [Relu]
        public partial class Net { }
        """);

    [Theory]
    [InlineData("SparseCategoricalCrossentropy", "3, Activation.Softmax")]
    [InlineData("SparseCategoricalCrossentropy", "3")]
    [InlineData("CategoricalCrossentropy", "2, Activation.Softmax")]
    [InlineData("CategoricalCrossentropy", "3, Activation.Linear")]
    [InlineData("BinaryCrossentropy", "1, Activation.Sigmoid")]
    [InlineData("BinaryCrossentropy", "5, Activation.Sigmoid")]
    [InlineData("BinaryCrossentropy", "1")]
    [InlineData("MeanSquaredError", "1")]
    [InlineData("MeanSquaredError", "3, Activation.Relu")]
    [InlineData("MeanSquaredError", "3, Activation.Softmax")]
    public Task LossThatFitsTheOutput_IsNotReported(string loss, string output) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(4, Loss = Loss.{{loss}})]
        [Dense(10, Activation.Relu, Init = Init.HeNormal)]
        [Dense({{output}})]
        public partial class Net { }
        """);

    [Theory]
    [InlineData("SparseCategoricalCrossentropy", "3, Activation.Softmax", "Dropout(0.2)")]
    [InlineData("CategoricalCrossentropy", "3, Activation.Softmax", "AlphaDropout(0.1)")]
    [InlineData("BinaryCrossentropy", "1, Activation.Sigmoid", "Dropout(0.5)")]
    [InlineData("SparseCategoricalCrossentropy", "3, Activation.Softmax", "Flatten")] // was read as logits: softmax twice
    [InlineData("BinaryCrossentropy", "1, Activation.Sigmoid", "Flatten")]
    public Task OutputActivationFollowedByDropout_IsReported(string loss, string output, string dropout) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [Network(4, {|NDSL0006:Loss = Loss.{{loss}}|})]
        [Dense(10, Activation.Relu, Init = Init.HeNormal)]
        [Dense({{output}})]
        [{{dropout}}]
        public partial class Net { }
        """);

    [Fact]
    public Task OutputActivationFollowedByDropout_HasTheReasonInTheMessage() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(3, Activation.Softmax)]
        [Dropout(0.2)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL0006").WithSpan(3, 2, 3, 12).WithArguments("Net",
            "the Softmax output of layer 0 (Dense) is followed by Dropout, so sparse categorical cross-entropy would read its Softmax outputs as logits; put the dropout before the output layer"));

    [Fact]
    public Task LinearOutputFollowedByDropout_IsNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(3)]
        [Dropout(0.2)]
        public partial class Net { }
        """);
}
