using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkConfigurationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>The SELU self-normalization rules: NDSL1001 (LeCun normal), NDSL1002 (sequential), NDSL1003 (AlphaDropout), NDSL1010 (no L1/L2), NDSL1011 (max-norm).</summary>
public class SeluRulesTests
{
    [Fact]
    public Task EmptySource_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync("");

    // ----- NDSL1001 -----

    [Fact]
    public Task SeluWithHeNormal_IsReportedOnTheInitArgument() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Selu, {|#0:Init = Init.HeNormal|})]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1001").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning)
            .WithArguments("layer 1 (Dense 'dense')", "SELU", "Init.HeNormal"));

    [Fact]
    public Task SeluWithoutInit_IsReportedOnTheDenseAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [{|#0:Dense(300, Activation.Selu)|}]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1001").WithLocation(0).WithArguments("layer 1 (Dense 'dense')", "SELU", "Init.GlorotUniform (the default)"));

    [Fact]
    public Task SeluWithAnInitFromDenseDefaults_IsReportedOnTheDenseAttribute_NamingTheDefault() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Selu, Init = Init.HeNormal)]
        [Flatten]
        [{|#0:Dense(300)|}]
        [Dense(100, Init = Init.LecunNormal)]
        [Dense(10, Activation.Softmax, Init = Init.GlorotUniform)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1001").WithLocation(0)
            .WithArguments("layer 1 (Dense 'dense')", "SELU (from [DenseDefaults])", "Init.HeNormal (from [DenseDefaults])"));

    [Fact]
    public Task SeluLayerAfterALinearDense_IsReportedOnTheDense() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [{|#0:Dense(300)|}]
        [Selu]
        [{|NDSL1007:Dense(100, {|NDSL1001:Init = Init.LecunUniform|})|}]
        [BatchNorm]
        [Selu]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1001").WithLocation(0)
            .WithArguments("layer 1 (Dense 'dense')", "SELU (through layer 2 (Activation 'activation'))", "Init.GlorotUniform (the default)"));

    [Fact]
    public Task SeluWithLecunNormal_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(100, Init = Init.LecunNormal, UseBias = false)]
        [BatchNorm]
        [Selu]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }

        // A linear Dense whose output is not fed to the SELU layer directly (a Dense in between) is not a SELU layer.
        [Network(28, 28, Loss = Loss.MeanSquaredError)]
        [Flatten]
        [Dense(50, Activation.Selu, Init = Init.LecunNormal)]
        [Dense(20)]
        [Dense(10, Init = Init.LecunNormal)]
        [Selu]
        public partial class Other { }
        """);

    [Fact]
    public Task DeclarationWithAnError_GetsNoAdvice() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        // NDSL0002 (units 0) comes from the declaration analyzer; the advice waits until the declaration is valid.
        [Network(28, 28)]
        [Flatten]
        [Dense(0, Activation.Selu, Init = Init.HeNormal)]
        [Dropout(0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Selu, Init = Init.HeNormal)]
        [Dense(10, Activation.Softmax)]
        public class NotPartial { }
        """);

    // ----- NDSL1002 -----

    [Fact]
    public Task SkipConnectionInASeluNetwork_IsReportedOnTheAddAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(8)]
        [Dense(16, Activation.Selu, Init = Init.LecunNormal, Name = "stem")]
        [Dense(16, Activation.Selu, Init = Init.LecunNormal)]
        [{|#0:Add("stem")|}]
        [{|#1:Concat("input")|}]
        [Dense(3, Activation.Softmax)]
        public partial class Residual { }
        """,
        VerifyCS.Diagnostic("NDSL1002").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning)
            .WithArguments("layer 2 (Add 'add')", "Residual", "skip connection", "stem"),
        VerifyCS.Diagnostic("NDSL1002").WithLocation(1).WithArguments("layer 3 (Concatenate 'concatenate')", "Residual", "concatenation", "input"));

    [Fact]
    public Task SkipConnectionWithoutSelu_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(8)]
        [Dense(16, Activation.Elu, Init = Init.HeNormal, Name = "stem")]
        [Dense(16, Activation.Elu, Init = Init.HeNormal)]
        [Add("stem")]
        [Dense(3, Activation.Softmax)]
        public partial class Residual { }
        """);

    // ----- NDSL1003 -----

    [Fact]
    public Task DropoutInASeluNetwork_IsReportedOnTheDropoutAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [{|#0:Dropout(0.2)|}]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
        [{|#1:Dropout(rate: 0.1, Name = "drop")|}]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1003").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithArguments("layer 1 (Dropout 'dropout')", "Net", "0.2"),
        VerifyCS.Diagnostic("NDSL1003").WithLocation(1).WithArguments("layer 3 (Dropout 'drop')", "Net", "0.1"));

    [Fact]
    public Task DropoutInASeluLayerNetwork_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        // A stand-alone [Selu] layer makes a SELU network too.
        [Network(28, 28, Loss = Loss.MeanSquaredError)]
        [Flatten]
        [Selu]
        [{|NDSL1003:Dropout(0.5)|}]
        [Dense(10)]
        public partial class Net { }
        """);

    [Fact]
    public Task AlphaDropoutInASeluNetwork_AndDropoutElsewhere_ReportNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [AlphaDropout(0.2)]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
        [AlphaDropout(0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class Selu { }

        [Network(28, 28)]
        [Flatten]
        [Dropout(0.2)]
        [Dense(300, Activation.Elu, Init = Init.HeNormal)]
        [Dropout(0.2)]
        [Dense(10, Activation.Softmax)]
        public partial class Elu { }
        """);

    // ----- NDSL1010 -----

    [Fact]
    public Task L1AndL2OnASeluLayer_AreReportedOnTheirArguments() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal, {|#0:L2 = 0.01|})]
        [Dense(100, Activation.Selu, Init = Init.LecunNormal, {|#1:L1 = 1e-5|}, {|#2:L2 = 1e-4|})]
        [Dense(10, Activation.Softmax, L2 = 0.01)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1010").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithArguments("layer 1 (Dense 'dense')", "L2 = 0.01"),
        VerifyCS.Diagnostic("NDSL1010").WithLocation(1).WithArguments("layer 2 (Dense 'dense_1')", "L1 = 1E-05"),
        VerifyCS.Diagnostic("NDSL1010").WithLocation(2).WithArguments("layer 2 (Dense 'dense_1')", "L2 = 0.0001"));

    [Fact]
    public Task L2FromDenseDefaultsInASeluNetwork_IsReportedOnTheDenseAttribute() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Selu, Init = Init.LecunNormal, L1 = 0.001, L2 = 0.01)]
        [Flatten]
        [{|#0:Dense(300)|}]
        [{|#2:Dense(100, {|#1:L1 = 0.002|})|}]
        [Dense(10, Activation.Softmax, Init = Init.GlorotUniform)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1010").WithLocation(0).WithArguments("layer 1 (Dense 'dense')", "L1 = 0.001 and L2 = 0.01 (from [DenseDefaults])"),
        VerifyCS.Diagnostic("NDSL1010").WithLocation(1).WithArguments("layer 2 (Dense 'dense_1')", "L1 = 0.002"),
        VerifyCS.Diagnostic("NDSL1010").WithLocation(2).WithArguments("layer 2 (Dense 'dense_1')", "L2 = 0.01 (from [DenseDefaults])"));

    [Fact]
    public Task L2WithoutSelu_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        // The notebook's RegularizedDense: ELU, He normal, l2(0.01).
        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Elu, Init = Init.HeNormal, L2 = 0.01)]
        [Flatten]
        [Dense(300)]
        [Dense(100)]
        [Dense(10, Activation.Softmax, Init = Init.GlorotUniform)]
        public partial class Net { }
        """);

    // ----- NDSL1011 -----

    [Fact]
    public Task MaxNormOnASeluLayer_IsReportedOnTheArgument_AsInfo() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Selu, Init = Init.LecunNormal, {|#0:MaxNorm = 2|})]
        [Dense(10, Activation.Softmax, MaxNorm = 1)]
        public partial class Net { }
        """,
        VerifyCS.Diagnostic("NDSL1011").WithLocation(0).WithSeverity(DiagnosticSeverity.Info).WithArguments("layer 1 (Dense 'dense')", "MaxNorm = 2"));

    [Fact]
    public Task TheNotebooksMaxNormDense_GetsOnlyTheMaxNormInfo() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        // MaxNormDense = partial(Dense, activation="selu", kernel_initializer="lecun_normal", kernel_constraint=max_norm(1.))
        [Network(28, 28)]
        [DenseDefaults(Activation = Activation.Selu, Init = Init.LecunNormal, MaxNorm = 1.0)]
        [Flatten]
        [{|#0:Dense(300)|}]
        [{|#1:Dense(100)|}]
        [Dense(10, Activation.Softmax, MaxNorm = 0)]
        public partial class FashionMaxNorm { }
        """,
        VerifyCS.Diagnostic("NDSL1011").WithLocation(0).WithArguments("layer 1 (Dense 'dense')", "MaxNorm = 1 (from [DenseDefaults])"),
        VerifyCS.Diagnostic("NDSL1011").WithLocation(1).WithArguments("layer 2 (Dense 'dense_1')", "MaxNorm = 1 (from [DenseDefaults])"));

    [Fact]
    public Task MaxNormWithoutSelu_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Elu, Init = Init.HeNormal, MaxNorm = 1)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);
}
