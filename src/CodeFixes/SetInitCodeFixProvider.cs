using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Model;

namespace NetDsl.CodeFixes;

/// <summary>
/// Sets the Dense's initializer to the one the chapter recommends for its activation: <c>Init.LecunNormal</c> for SELU
/// (NDSL1001), <c>Init.HeNormal</c> for the ReLU family (NDSL1005), <c>Init.GlorotUniform</c> for sigmoid, tanh and
/// softmax (NDSL1006). Replaces the <c>Init = …</c> argument, or adds one (also when the value came from <c>[DenseDefaults]</c>).
/// </summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(SetInitCodeFixProvider)), Shared]
public sealed class SetInitCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticIds.SeluInitialization, DiagnosticIds.ReluFamilyInitialization, DiagnosticIds.SaturatingInitialization);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <summary>The initializer each diagnostic recommends.</summary>
    internal static string RecommendedInit(string diagnosticId) => diagnosticId switch
    {
        DiagnosticIds.SeluInitialization => "LecunNormal",
        DiagnosticIds.ReluFamilyInitialization => "HeNormal",
        _ => "GlorotUniform",
    };

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (AttributeArguments.EnclosingAttribute(root, diagnostic.Location.SourceSpan) is not { } attribute) continue;
            string init = RecommendedInit(diagnostic.Id);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Set Init = Init.{init}",
                    ct => SetInitAsync(context.Document, attribute, init, ct),
                    equivalenceKey: diagnostic.Id + ":" + init),
                diagnostic);
        }
    }

    private static async Task<Document> SetInitAsync(Document document, AttributeSyntax attribute, string init, CancellationToken ct)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (root is null || model is null) return document;
        ExpressionSyntax value = AttributeArguments.EnumMember(attribute, model, "Init", "Init", init);
        return document.WithSyntaxRoot(root.ReplaceNode(attribute, AttributeArguments.WithNamedArgument(attribute, "Init", value)));
    }
}
