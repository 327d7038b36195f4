using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace NetDsl.Analyzers.Tests.Infrastructure;

/// <summary>Runs every analyzer of the NetDsl.Analyzers assembly over a compilation, as a build does.</summary>
internal static class AllAnalyzers
{
    /// <summary>One instance of each <see cref="DiagnosticAnalyzer"/> of the analyzer assembly.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Instances { get; } = typeof(NetworkDeclarationAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>Compiles <paramref name="files"/> (which must have no compiler error) and returns every analyzer's diagnostics, in source order.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(IReadOnlyList<string> files)
    {
        CSharpCompilation compilation = CSharpCompilation.Create("Analyzed",
            files.Select((text, i) => CSharpSyntaxTree.ParseText(text, path: $"File{i}.cs", cancellationToken: CancellationToken.None)),
            CSharpAnalyzerVerifier<NetworkDeclarationAnalyzer>.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Diagnostic[] errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "the source does not compile: " + string.Join("; ", errors.Select(e => e.ToString())));
        ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers(Instances).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        return diagnostics
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
    }
}
