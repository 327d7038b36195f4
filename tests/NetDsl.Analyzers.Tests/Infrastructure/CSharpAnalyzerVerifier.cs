using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace NetDsl.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs <typeparamref name="TAnalyzer"/> over C# sources written with <c>{|NDSL0002:…|}</c> markup. Each test file aliases it
/// (<c>using VerifyCS = …CSharpAnalyzerVerifier&lt;NetworkDeclarationAnalyzer&gt;;</c>).
/// </summary>
/// <remarks>
/// The test compilations reference the in-memory .NET 10 reference assemblies of <c>Basic.Reference.Assemblies.Net100</c>
/// and the NetDsl runtime DLL; <see cref="NoPackages"/> names no NuGet package, so nothing is resolved or downloaded at
/// test time (the testing library only goes to NuGet for <see cref="ReferenceAssemblies.ReferenceAssemblyPackage"/> and
/// <see cref="ReferenceAssemblies.Packages"/>).
/// </remarks>
internal static class CSharpAnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>A target framework and nothing else: no reference-assembly package, no packages.</summary>
    public static readonly ReferenceAssemblies NoPackages = new("net10.0");

    /// <summary>.NET 10's reference assemblies plus the NetDsl runtime (the attributes).</summary>
    public static readonly ImmutableArray<MetadataReference> References = ImmutableArray.CreateRange<MetadataReference>(
        Basic.Reference.Assemblies.Net100.References.All)
        .Add(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location));

    /// <summary>An expected diagnostic of <typeparamref name="TAnalyzer"/> with the given ID (add a span and arguments).</summary>
    public static DiagnosticResult Diagnostic(string diagnosticId) =>
        CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(diagnosticId);

    /// <summary>An expected compiler diagnostic (e.g. <c>CS1503</c>).</summary>
    public static DiagnosticResult CompilerError(string errorId) => DiagnosticResult.CompilerError(errorId);

    /// <summary>Verifies that <paramref name="source"/> produces exactly its markup diagnostics and <paramref name="expected"/>.</summary>
    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
        VerifyAnalyzerAsync(new[] { source }, expected);

    /// <summary>Verifies several source files of one project (e.g. partial declarations in separate files).</summary>
    public static Task VerifyAnalyzerAsync(string[] sources, params DiagnosticResult[] expected)
    {
        var test = new Test();
        foreach (string source in sources) test.TestState.Sources.Add(source);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>The analyzer test with NetDsl's references.</summary>
    public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = NoPackages;
            TestState.AdditionalReferences.AddRange(References);
        }
    }
}
