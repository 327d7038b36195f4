using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace NetDsl.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs <typeparamref name="TCodeFix"/> over the diagnostics of <typeparamref name="TAnalyzer"/> with the same offline
/// references as <see cref="CSharpAnalyzerVerifier{TAnalyzer}"/> (no NuGet at test time). The testing library applies
/// each fix one at a time and then as Fix All in document, project and solution, and compares every result with the
/// fixed source.
/// </summary>
internal static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>An expected diagnostic of <typeparamref name="TAnalyzer"/> with the given ID.</summary>
    public static DiagnosticResult Diagnostic(string diagnosticId) =>
        CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(diagnosticId);

    /// <summary>Verifies the diagnostics marked in <paramref name="source"/>, and that fixing them gives <paramref name="fixedSource"/>.</summary>
    public static Task VerifyCodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>The code-fix test with NetDsl's references.</summary>
    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = CSharpAnalyzerVerifier<TAnalyzer>.NoPackages;
            TestState.AdditionalReferences.AddRange(CSharpAnalyzerVerifier<TAnalyzer>.References);
        }
    }
}
