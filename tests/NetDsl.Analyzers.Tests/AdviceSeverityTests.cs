using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using VerifyConfiguration = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkConfigurationAnalyzer>;
using VerifyUsage = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.OptimizerUsageAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>
/// The advice is configurable from .editorconfig and suppressible with #pragma, like every analyzer diagnostic. (The
/// category-wide setting <c>dotnet_analyzer_diagnostic.category-NetDsl.Configuration.severity</c> is checked by
/// <see cref="ConsumerBuildTests"/> in a real build: the testing library does not apply category-wide settings.)
/// </summary>
public class AdviceSeverityTests
{
    private const string SeluWithHe = /* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        [Dense(300, Activation.Selu, Init = Init.HeNormal)]
        [Dense(100, Activation.Relu)]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """;

    [Fact]
    public Task EditorConfig_CanSilenceOneIdAndRaiseAnother()
    {
        var test = new VerifyConfiguration.Test { TestCode = SeluWithHe };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*]
            dotnet_diagnostic.NDSL1001.severity = none
            dotnet_diagnostic.NDSL1005.severity = error
            """));
        test.ExpectedDiagnostics.Add(VerifyConfiguration.Diagnostic("NDSL1005").WithSpan(6, 2, 6, 29).WithSeverity(DiagnosticSeverity.Error)
            .WithArguments("layer 2 (Dense 'dense_1')", "ReLU", "Init.GlorotUniform (the default)"));
        return test.RunAsync();
    }

    [Fact]
    public Task PragmaWarningDisable_SuppressesTheAdvice() => RunWithoutTheLibrarysSuppressionCheck(new VerifyConfiguration.Test(), /* lang=c# */ """
        using NetDsl;

        [Network(28, 28)]
        [Flatten]
        #pragma warning disable NDSL1001
        [Dense(300, Activation.Selu, Init = Init.HeNormal)]
        #pragma warning restore NDSL1001
        [{|NDSL1001:Dense(100, Activation.Selu)|}]
        [Dense(10, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task PragmaWarningDisable_SuppressesTheUsageAdvice() => RunWithoutTheLibrarysSuppressionCheck(new VerifyUsage.Test(), /* lang=c# */ """
        using NetDsl;

        public static class Training
        {
        #pragma warning disable NDSL1009
            public static Optimizer Both() => new Sgd { ClipValue = 1, ClipNorm = 1 };
        #pragma warning restore NDSL1009
            public static Optimizer Again() => new Sgd { ClipValue = 1, {|NDSL1009:ClipNorm = 1|} };
        }
        """);

    /// <summary>
    /// Runs a test whose source restores a warning after disabling it: the testing library's own check (which disables
    /// every warning at the top of the file and expects nothing) cannot apply to such a source.
    /// </summary>
    private static Task RunWithoutTheLibrarysSuppressionCheck<TAnalyzer>(Microsoft.CodeAnalysis.CSharp.Testing.CSharpAnalyzerTest<TAnalyzer, Microsoft.CodeAnalysis.Testing.DefaultVerifier> test, string source)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
    {
        test.TestCode = source;
        test.TestBehaviors |= Microsoft.CodeAnalysis.Testing.TestBehaviors.SkipSuppressionCheck;
        return test.RunAsync();
    }
}
