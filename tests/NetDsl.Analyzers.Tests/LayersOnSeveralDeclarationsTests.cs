using System.Threading.Tasks;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>NDSL0005: layers on another partial declaration than [Network] (their order would be undefined).</summary>
public class LayersOnSeveralDeclarationsTests
{
    [Fact]
    public Task LayerOnAnotherDeclaration_IsReportedOnTheStrayAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(10, Activation.Relu, Init = Init.HeNormal)]
        public partial class Net { }

        [{|NDSL0005:Dense(3, Activation.Softmax)|}]
        public partial class Net { }
        """);

    [Fact]
    public Task LayerOnAnotherDeclaration_HasTheLayerInTheMessage() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        public partial class Net { }

        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL0005").WithSpan(6, 2, 6, 30).WithArguments("Net", "Dense"));

    [Fact]
    public Task LayersAndDefaultsInAnotherFile_AreEachReported() => VerifyCS.VerifyAnalyzerAsync(
        new[]
        {
            /* lang=c# */ """
            using NetDsl;

            [Network(28, 28)]
            [Flatten]
            public partial class Net { }
            """,
            /* lang=c# */ """
            using NetDsl;

            [{|NDSL0005:DenseDefaults(Activation = Activation.Relu, Init = Init.HeNormal)|}]
            [{|NDSL0005:Dense(100)|}]
            [{|NDSL0005:Dense(10, Activation.Softmax)|}]
            public partial class Net { }
            """,
        });

    [Fact]
    public Task AllAttributesOnOneDeclaration_AreNotReported() => VerifyCS.VerifyAnalyzerAsync(
        new[]
        {
            /* lang=c# */ """
            using NetDsl;

            [Network(4)]
            [DenseDefaults(Init = Init.HeNormal)]
            [Dense(10, Activation.Relu)]
            [Dense(3, Activation.Softmax)]
            public partial class Net { }
            """,
            /* lang=c# */ """
            using System;

            // Other partial declarations may carry other attributes and members.
            [Obsolete("not a NetDsl attribute")]
            public partial class Net
            {
                public int Epochs { get; set; }
            }
            """,
        });
}
