using System.Threading.Tasks;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>NDSL0003: [Add]/[Concat] names a layer that does not exist earlier in the network.</summary>
public class UnknownLayerReferenceTests
{
    [Fact]
    public Task AddOfAnUnknownName_IsReportedOnTheAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(4, Activation.Relu, Init = Init.HeNormal)]
        [{|NDSL0003:Add("nope")|}]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task AddOfAnUnknownName_HasTheNameInTheMessage() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(4, Activation.Relu, Init = Init.HeNormal)]
        [Add("nope")]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL0003").WithSpan(5, 2, 5, 13)
            .WithArguments("layer 1 (Add)", "nope", "no earlier layer has that name; name an earlier layer or \"input\""));

    [Fact]
    public Task ConcatOfALaterLayer_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(8, Loss = Loss.MeanSquaredError)]
        [Dense(30, Activation.Relu, Init = Init.HeNormal)]
        [{|NDSL0003:Concat("output")|}]
        [Dense(1, Name = "output")]
        public partial class Net { }
        """);

    [Fact]
    public Task NamesAreCaseSensitive() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(4, Activation.Relu, Init = Init.HeNormal, Name = "hidden")]
        [Dense(4, Activation.Relu, Init = Init.HeNormal)]
        [{|NDSL0003:Add("Hidden")|}]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task EmptyName_IsAnInvalidArgument() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(4, Activation.Relu, Init = Init.HeNormal)]
        [Add({|NDSL0002:""|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task ReferencesToEarlierLayersAndToTheInput_AreNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(4, Activation.Relu, Init = Init.HeNormal, Name = "hidden")]
        [Dense(4, Activation.Relu, Init = Init.HeNormal)]
        [Add("hidden")]
        [Add("input")]
        [Dense(4, Activation.Relu, Init = Init.HeNormal)]
        [Add("dense")]
        [Concat("dense_1")]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);
}
