using System.Threading.Tasks;
using NetDsl.CodeFixes;
using Xunit;
using VerifyBias = NetDsl.Analyzers.Tests.Infrastructure.CSharpCodeFixVerifier<NetDsl.Analyzers.NetworkConfigurationAnalyzer, NetDsl.CodeFixes.UseBiasFalseCodeFixProvider>;
using VerifyDropout = NetDsl.Analyzers.Tests.Infrastructure.CSharpCodeFixVerifier<NetDsl.Analyzers.NetworkConfigurationAnalyzer, NetDsl.CodeFixes.ReplaceDropoutCodeFixProvider>;
using VerifyInit = NetDsl.Analyzers.Tests.Infrastructure.CSharpCodeFixVerifier<NetDsl.Analyzers.NetworkConfigurationAnalyzer, NetDsl.CodeFixes.SetInitCodeFixProvider>;
using VerifyPartial = NetDsl.Analyzers.Tests.Infrastructure.CSharpCodeFixVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer, NetDsl.CodeFixes.MakePartialCodeFixProvider>;

namespace NetDsl.Analyzers.Tests;

/// <summary>
/// Every code fix: the fixed source for one diagnostic, and Fix All over several (the testing library also applies each
/// fix as Fix All in document, project and solution and checks that every way gives the fixed source).
/// </summary>
public class CodeFixTests
{
    // ----- NDSL1001: Init = Init.LecunNormal -----

    [Fact]
    public Task SeluInit_ReplacesTheInitArgument() => VerifyInit.VerifyCodeFixAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Selu, {|NDSL1001:Init = Init.HeNormal|})]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """, /* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task SeluInit_AddsAnInitArgument_ToEveryLayer_WithFixAll() => VerifyInit.VerifyCodeFixAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Selu)]
        [Flatten]
        [{|NDSL1001:Dense(300)|}]
        [{|NDSL1001:Dense(100, Name = "hidden2")|}]
        [{|NDSL1001:Dense(100)|}]
        [Selu]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """, /* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Selu)]
        [Flatten]
        [Dense(300, Init = Init.LecunNormal)]
        [Dense(100, Name = "hidden2", Init = Init.LecunNormal)]
        [Dense(100, Init = Init.LecunNormal)]
        [Selu]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task SeluInit_KeepsTheUsersQualification() => VerifyInit.VerifyCodeFixAsync(/* lang=c# */ """
        [NetDsl.Network(28, 28)]
        [NetDsl.Flatten]
        [NetDsl.Dense(300, NetDsl.Activation.Selu, {|NDSL1001:Init = NetDsl.Init.GlorotUniform|})]
        [{|NDSL1001:NetDsl.Dense(100, NetDsl.Activation.Selu)|}]
        [NetDsl.Dense(10, NetDsl.Activation.Softmax)]
        public partial class Net { }
        """, /* lang=c# */ """
        [NetDsl.Network(28, 28)]
        [NetDsl.Flatten]
        [NetDsl.Dense(300, NetDsl.Activation.Selu, Init = NetDsl.Init.LecunNormal)]
        [NetDsl.Dense(100, NetDsl.Activation.Selu, Init = NetDsl.Init.LecunNormal)]
        [NetDsl.Dense(10, NetDsl.Activation.Softmax)]
        public partial class Net { }
        """);

    // ----- NDSL1005: Init = Init.HeNormal -----

    [Fact]
    public Task ReluFamilyInit_SetsHeNormal_WithFixAll() => VerifyInit.VerifyCodeFixAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [{|NDSL1005:Dense(300, Activation.Relu)|}]
        [Dense(100, {|NDSL1005:Init = Init.LecunNormal|})]
        [LeakyRelu(0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """, /* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Relu, Init = Init.HeNormal)]
        [Dense(100, Init = Init.HeNormal)]
        [LeakyRelu(0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    // ----- NDSL1006: Init = Init.GlorotUniform -----

    [Fact]
    public Task SaturatingInit_SetsGlorotUniform_OverridingDenseDefaults() => VerifyInit.VerifyCodeFixAsync(/* lang=c# */ """
        using NetDsl;

        // The notebook's RegularizedDense output, before its author overrode the initializer.
        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Elu, Init = Init.HeNormal, L2 = 0.01)]
        [Flatten]
        [Dense(300)]
        [Dense(100, Activation.Tanh, {|NDSL1006:Init = Init.HeUniform|})]
        [{|NDSL1006:Dense(10, Activation.Softmax)|}]
        public partial class Net { }
        """, /* lang=c# */ """
        using NetDsl;

        // The notebook's RegularizedDense output, before its author overrode the initializer.
        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Elu, Init = Init.HeNormal, L2 = 0.01)]
        [Flatten]
        [Dense(300)]
        [Dense(100, Activation.Tanh, Init = Init.GlorotUniform)]
        [Dense(10, Activation.Softmax, Init = Init.GlorotUniform)]
        public partial class Net { }
        """);

    // ----- NDSL1007: UseBias = false -----

    [Fact]
    public Task BiasBeforeBatchNorm_SetsUseBiasFalse_WithFixAll() => VerifyBias.VerifyCodeFixAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [BatchNorm]
        [{|NDSL1007:Dense(300, Init = Init.HeNormal)|}]
        [BatchNorm]
        [Relu]
        [Dense(100, Init = Init.HeNormal, {|NDSL1007:UseBias = true|})] // hidden 2
        [BatchNorm]
        [Relu]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """, /* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [BatchNorm]
        [Dense(300, Init = Init.HeNormal, UseBias = false)]
        [BatchNorm]
        [Relu]
        [Dense(100, Init = Init.HeNormal, UseBias = false)] // hidden 2
        [BatchNorm]
        [Relu]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    // ----- NDSL1003: Dropout -> AlphaDropout; NDSL1004: AlphaDropout -> Dropout -----

    [Fact]
    public Task DropoutInASeluNetwork_BecomesAlphaDropout_KeepingTheArguments_WithFixAll() => VerifyDropout.VerifyCodeFixAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [{|NDSL1003:Dropout(0.2)|}]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
        [{|NDSL1003:NetDsl.DropoutAttribute(rate: 0.1, Name = "drop")|}]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [{|NDSL1003:Dropout(0.2)|}]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """, /* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [AlphaDropout(0.2)]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
        [NetDsl.AlphaDropoutAttribute(rate: 0.1, Name = "drop")]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [AlphaDropout(0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task AlphaDropoutWithoutSelu_BecomesDropout() => VerifyDropout.VerifyCodeFixAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Elu, Init = Init.HeNormal)]
        [{|NDSL1004:AlphaDropout(0.3)|}]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """, /* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Elu, Init = Init.HeNormal)]
        [Dropout(0.3)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    // ----- NDSL0001: partial -----

    [Fact]
    public Task NotPartial_AddsPartial_WithFixAll() => VerifyPartial.VerifyCodeFixAsync(/* lang=c# */ """
        using NetDsl;

        namespace App
        {
            [Network(4)]
            [Dense(3, Activation.Softmax)]
            public sealed class {|NDSL0001:First|} { }

            [Network(4)]
            [Dense(3, Activation.Softmax)]
            class {|NDSL0001:Second|} { }
        }
        """, /* lang=c# */ """
        using NetDsl;

        namespace App
        {
            [Network(4)]
            [Dense(3, Activation.Softmax)]
            public sealed partial class First { }

            [Network(4)]
            [Dense(3, Activation.Softmax)]
            partial class Second { }
        }
        """);

    [Fact]
    public Task NotPartial_ForANestedOrGenericClass_OffersNoFix()
    {
        const string source = /* lang=c# */ """
            using NetDsl;

            public partial class Models
            {
                [Network(4)]
                [Dense(3, Activation.Softmax)]
                public class {|NDSL0001:Nested|} { }
            }

            [Network(4)]
            [Dense(3, Activation.Softmax)]
            public class {|NDSL0001:Generic|}<T> { }
            """;
        return VerifyPartial.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public void FixableIds_AreTheDocumentedOnes()
    {
        Assert.Equal(new[] { "NDSL1001", "NDSL1005", "NDSL1006" }, new SetInitCodeFixProvider().FixableDiagnosticIds);
        Assert.Equal(new[] { "NDSL1007" }, new UseBiasFalseCodeFixProvider().FixableDiagnosticIds);
        Assert.Equal(new[] { "NDSL1003", "NDSL1004" }, new ReplaceDropoutCodeFixProvider().FixableDiagnosticIds);
        Assert.Equal(new[] { "NDSL0001" }, new MakePartialCodeFixProvider().FixableDiagnosticIds);
    }
}
