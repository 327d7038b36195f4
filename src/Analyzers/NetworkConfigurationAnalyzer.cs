using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Analyzers;

/// <summary>
/// Reports the chapter's advice about valid <c>[Network]</c> declarations (NDSL1001–NDSL1008, NDSL1010, NDSL1011): it
/// runs the generator's parser and, when the declaration has no error, the shared <see cref="NetworkRules"/>, then
/// reports each finding on the argument it names, else on the layer's attribute.
/// </summary>
/// <remarks>
/// A declaration with an error (NDSL0001–NDSL0006, or a C# error in an attribute argument) gets no advice: its layers
/// are not laid out, and the error comes first.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkConfigurationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.SeluInitialization,
        DiagnosticDescriptors.SeluNotSequential,
        DiagnosticDescriptors.DropoutInSeluNetwork,
        DiagnosticDescriptors.AlphaDropoutWithoutSelu,
        DiagnosticDescriptors.ReluFamilyInitialization,
        DiagnosticDescriptors.SaturatingInitialization,
        DiagnosticDescriptors.BiasBeforeBatchNorm,
        DiagnosticDescriptors.SoftmaxNotLast,
        DiagnosticDescriptors.SeluRegularization,
        DiagnosticDescriptors.SeluMaxNorm);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        NetworkAnalysis.RegisterNetworkAction(context, Report);
    }

    private static void Report(SymbolAnalysisContext context, ParseResult result)
    {
        if (result.Spec is null || result.Layers.Count != result.Spec.Layers.Count) return;
        IReadOnlyList<NetworkIssue> issues;
        try
        {
            issues = NetworkRules.Check(result.Spec, result.Origins());
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            return; // never throw into the compiler (AD0001)
        }
        foreach (NetworkIssue issue in issues)
        {
            if (!DiagnosticDescriptors.ById.TryGetValue(issue.Id, out DiagnosticDescriptor? descriptor)) continue;
            Location? location = result.Layers[issue.LayerIndex].LocationOf(issue.Argument);
            context.ReportDiagnostic(Diagnostic.Create(descriptor, location, issue.Arguments));
        }
    }
}
