using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Analyzers;

/// <summary>What the analyzers over <c>[Network]</c> declarations share: finding them and parsing them safely.</summary>
internal static class NetworkAnalysis
{
    /// <summary>
    /// Calls <paramref name="analyze"/> for every class carrying <c>[Network]</c> with its parse (a failed parse reports
    /// nothing). The caller configures generated-code analysis and concurrency itself.
    /// </summary>
    public static void RegisterNetworkAction(AnalysisContext context, Action<SymbolAnalysisContext, ParseResult> analyze)
    {
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? networkAttribute = start.Compilation.GetTypeByMetadataName(NetworkParser.NetworkAttributeName);
            if (networkAttribute is null) return;
            start.RegisterSymbolAction(symbolContext =>
            {
                var type = (INamedTypeSymbol)symbolContext.Symbol;
                if (!HasAttribute(type, networkAttribute)) return;
                if (TryParse(type, symbolContext.CancellationToken, out ParseResult? result)) analyze(symbolContext, result!);
            }, SymbolKind.NamedType);
        });
    }

    private static bool HasAttribute(INamedTypeSymbol type, INamedTypeSymbol attributeClass)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeClass)) return true;
        }
        return false;
    }

    /// <summary>Parses <paramref name="type"/>; an unexpected exception is swallowed (never thrown into the compiler as AD0001).</summary>
    private static bool TryParse(INamedTypeSymbol type, CancellationToken cancellationToken, out ParseResult? result)
    {
        try
        {
            result = NetworkParser.Parse(type, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception)
        {
            result = null;
            return false;
        }
    }
}
