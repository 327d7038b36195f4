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
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? networkAttribute = start.Compilation.GetTypeByMetadataName(NetworkParser.NetworkAttributeName);
            if (networkAttribute is null) return;
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, networkAttribute), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol networkAttribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        bool isNetwork = false;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, networkAttribute))
            {
                isNetwork = true;
                break;
            }
        }
        if (!isNetwork) return;
        ParseResult result;
        try
        {
            result = NetworkParser.Parse(type, context.CancellationToken);
        }
        catch (System.OperationCanceledException)
        {
            throw;
        }
        catch (System.Exception)
        {
            return; // never throw into the compiler (AD0001)
        }
        foreach (DiagnosticInfo info in result.Diagnostics)
        {
            if (!DiagnosticDescriptors.ById.TryGetValue(info.Id, out DiagnosticDescriptor? descriptor)) continue;
            context.ReportDiagnostic(Diagnostic.Create(descriptor, info.Location, info.Arguments));
        }
    }
}
