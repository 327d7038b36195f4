using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>An argument the C# compiler already rejects gets the compiler's error only, never an NDSL diagnostic on top.</summary>
public class CompilerErrorTests
{
    [Fact]
    public Task StringUnits_GetOnlyTheCompilerError() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense({|CS1503:"x"|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task NonConstantArgument_GetsOnlyTheCompilerError() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense({|CS0182:System.Environment.ProcessorCount|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task WrongNetworkArgument_GetsOnlyTheCompilerError() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network({|CS1503:"28x28"|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task UnknownProperty_GetsOnlyTheCompilerError() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(3, Activation.Softmax, {|CS0246:Kernel|} = 1)]
        public partial class Net { }
        """);

    [Fact]
    public Task WrongDenseDefaults_GetsOnlyTheCompilerError() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [DenseDefaults(L2 = {|CS0029:"0.01"|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net { }
        """);

    [Fact]
    public Task StringUnits_WithCompilerDiagnosticsIgnored_ReportNothing()
    {
        var test = new VerifyCS.Test
        {
            TestCode = /* lang=c# */ """
                using NetDsl;

                [Network(4)]
                [Dense("x")]
                [Dense(3, Activation.Softmax)]
                public partial class Net { }
                """,
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        return test.RunAsync();
    }
}
