using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Analyzers;

/// <summary>Every NDSL diagnostic. IDs are part of NetDsl's contract: never reuse one.</summary>
internal static class DiagnosticDescriptors
{
    public const string DeclarationCategory = "NetDsl.Declaration";
    public const string ConfigurationCategory = "NetDsl.Configuration";

    /// <summary>The docs page of <paramref name="id"/>.</summary>
    public static string HelpLink(string id) => $"https://github.com/netdsl/netdsl/blob/main/docs/diagnostics/{id}.md";

    private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
        new(id, title, message, DeclarationCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpLink(id));

    /// <summary>NDSL0001: "'{0}' cannot be a network: {1}".</summary>
    public static readonly DiagnosticDescriptor NotPartial = Error(DiagnosticIds.NotPartial,
        "Network class must be a top-level, non-generic partial class",
        "'{0}' cannot be a network: {1}",
        "The generator extends a [Network] class with a partial declaration, so the class must be 'partial', not nested, not generic, not static and not a record.");

    /// <summary>NDSL0002: "{0}: {1}".</summary>
    public static readonly DiagnosticDescriptor InvalidArgument = Error(DiagnosticIds.InvalidArgument,
        "Invalid layer argument",
        "{0}: {1}",
        "A layer or network argument is out of range: units must be positive, rates in [0, 1), regularization factors and max-norm ≥ 0, names unique identifiers, the input shape non-empty.");

    /// <summary>NDSL0003: "{0} refers to '{1}': {2}".</summary>
    public static readonly DiagnosticDescriptor UnknownLayerReference = Error(DiagnosticIds.UnknownLayerReference,
        "Unknown layer name",
        "{0} refers to '{1}': {2}",
        "[Add] and [Concat] combine the current output with the output of an earlier layer, named by its Name (or Keras default name), or \"input\".");

    /// <summary>NDSL0004: "{0}: {1}".</summary>
    public static readonly DiagnosticDescriptor ShapeMismatch = Error(DiagnosticIds.ShapeMismatch,
        "Shape mismatch",
        "{0}: {1}",
        "Dense, BatchNorm, Add and Concat need flat inputs (add [Flatten]); Add needs equal widths; the output must be flat.");

    /// <summary>NDSL0005: "'{0}' declares [{1}] on another partial declaration than [Network]: ...".</summary>
    public static readonly DiagnosticDescriptor LayersOnSeveralDeclarations = Error(DiagnosticIds.LayersOnSeveralDeclarations,
        "Network attributes on several partial declarations",
        "'{0}' declares [{1}] on another partial declaration than [Network]; put [Network] and all its layers on one declaration so that the layer order is defined",
        "Layers are applied in source order, which is defined only within one declaration: the compiler does not order attributes across partial declarations.");

    /// <summary>NDSL0006: "The loss of '{0}' does not fit its output: {1}".</summary>
    public static readonly DiagnosticDescriptor LossDoesNotFitOutput = Error(DiagnosticIds.LossDoesNotFitOutput,
        "Loss does not fit the output layer",
        "The loss of '{0}' does not fit its output: {1}",
        "Categorical cross-entropies need at least two outputs and a Softmax (or Linear, as logits) output; binary cross-entropy needs Sigmoid (or Linear) outputs.");

    /// <summary>Descriptors by ID, for reporting the parser's findings.</summary>
    public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = new Dictionary<string, DiagnosticDescriptor>
    {
        [NotPartial.Id] = NotPartial,
        [InvalidArgument.Id] = InvalidArgument,
        [UnknownLayerReference.Id] = UnknownLayerReference,
        [ShapeMismatch.Id] = ShapeMismatch,
        [LayersOnSeveralDeclarations.Id] = LayersOnSeveralDeclarations,
        [LossDoesNotFitOutput.Id] = LossDoesNotFitOutput,
    };
}
