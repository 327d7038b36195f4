using System.Threading.Tasks;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>NDSL0004: shapes that do not fit (a layer that needs a flat input, [Add] of different widths).</summary>
public class ShapeMismatchTests
{
    [Fact]
    public Task DenseOnAnImageWithoutFlatten_IsReportedOnTheDense() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [{|NDSL0004:Dense(300, Activation.Relu, Init = Init.HeNormal)|}]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task DenseOnAnImageWithoutFlatten_HasTheShapeInTheMessage() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL0004").WithSpan(4, 2, 4, 31)
            .WithArguments("layer 0 (Dense)", "Dense needs a flat input, but the input here has shape (28, 28); add [Flatten] before it"));

    [Fact]
    public Task BatchNormOnAnImageWithoutFlatten_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [{|NDSL0004:BatchNorm|}]
        [Flatten]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task AddOfDifferentWidths_IsReportedOnTheAdd() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(8, Activation.Relu, Init = Init.HeNormal, Name = "h")]
        [Dense(6, Activation.Relu, Init = Init.HeNormal)]
        [{|NDSL0004:Add("h")|}]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task AddOfTheUnflattenedInput_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(2, 2)]
        [Flatten]
        [Dense(4, Activation.Relu, Init = Init.HeNormal)]
        [{|NDSL0004:Add("input")|}]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task FlattenedInputAndMatchingWidths_AreNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [BatchNorm]
        [Dense(784, Activation.Relu, Init = Init.HeNormal)]
        [Add("flatten")]
        [Dense(100, Activation.Relu, Init = Init.HeNormal, Name = "h")]
        [Dense(100, Activation.Relu, Init = Init.HeNormal)]
        [Add("h")]
        [Concat("flatten")]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);
}
