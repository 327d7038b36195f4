using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Analyzers;

/// <summary>
/// Reports the declaration errors of <c>[Network]</c> classes (NDSL0001–NDSL0006) by running the generator's parser;
/// the generator itself stays silent and emits nothing for such a class.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.NotPartial,
        DiagnosticDescriptors.InvalidArgument,
        DiagnosticDescriptors.UnknownLayerReference,
        DiagnosticDescriptors.ShapeMismatch,
        DiagnosticDescriptors.LayersOnSeveralDeclarations,
        DiagnosticDescriptors.LossDoesNotFitOutput);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        NetworkAnalysis.RegisterNetworkAction(context, Report);
    }

    private static void Report(SymbolAnalysisContext context, ParseResult result)
    {
        foreach (DiagnosticInfo info in result.Diagnostics)
        {
            if (!DiagnosticDescriptors.ById.TryGetValue(info.Id, out DiagnosticDescriptor? descriptor)) continue;
            context.ReportDiagnostic(Diagnostic.Create(descriptor, info.Location, info.Arguments));
        }
    }
}
