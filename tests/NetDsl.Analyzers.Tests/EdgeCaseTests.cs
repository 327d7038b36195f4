using System.Threading.Tasks;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>Sizes, enum values and arguments at the edges of what the parser accepts.</summary>
public class EdgeCaseTests
{
    [Theory]
    [InlineData("1 << 20, 1 << 20")]
    [InlineData("65536, 65536, 65536, 65536")]
    [InlineData("int.MaxValue, int.MaxValue, int.MaxValue")]
    public Task InputTooLarge_IsReported(string shape) => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ $$"""
        using NetDsl;

        [{|NDSL0002:Network({{shape}})|}]
        [Flatten]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task TooManyUnits_IsReportedOnTheUnits() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense({|NDSL0002:1 << 29|})]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task TooManyParameters_IsReportedOnTheLayer() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(100_000)]
        [{|NDSL0002:Dense(10_000)|}]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task UndefinedEnumValues_AreReportedOnTheirArguments() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, {|NDSL0002:(Activation)42|}, {|NDSL0002:Init = (Init)99|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }

        [Network(4, {|NDSL0002:Loss = (Loss)7|})]
        [Dense(3, Activation.Softmax)]
        public partial class Other { }
        """);

    [Fact]
    public Task SeveralErrors_AreAllReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense({|NDSL0002:0|}, {|NDSL0002:L1 = -1|})]
        [Dropout({|NDSL0002:2|})]
        [Dense(3, Activation.Softmax, {|NDSL0002:Name = "3"|})]
        public class {|NDSL0001:Net|} { }
        """);

    [Fact]
    public Task ConstantExpressions_AreEvaluated() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        internal static class Sizes
        {
            public const int Hidden = 30;
            public const double Rate = 0.2;
        }

        [Network(2 * 4)]
        [Dense(Sizes.Hidden, Activation.Relu, Init = Init.HeNormal, L2 = 1e-2 / 2)]
        [Dropout(Sizes.Rate)]
        [Dense({|NDSL0002:Sizes.Hidden - 30|}, Activation.Relu)]
        [Dense(Sizes.Hidden / 10, Activation.Softmax)]
        public partial class Net { }
        """);
}
