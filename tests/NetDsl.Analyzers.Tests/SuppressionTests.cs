using System.Threading.Tasks;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>The suppressions the docs pages describe work (although the generator still emits nothing for such a class).</summary>
public class SuppressionTests
{
    [Fact]
    public Task PragmaWarningDisable_SuppressesTheDiagnostic() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        #pragma warning disable NDSL0002
        [Dense(0)]
        #pragma warning restore NDSL0002
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task EditorConfigSeverityNone_DisablesTheDiagnostic()
    {
        var test = new VerifyCS.Test
        {
            TestCode = /* lang=c# */ """
                using NetDsl;

                [Network(4)]
                [Dense(3, Activation.Softmax)]
                public class Net { }
                """,
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*]
            dotnet_diagnostic.NDSL0001.severity = none
            """));
        return test.RunAsync();
    }
}
