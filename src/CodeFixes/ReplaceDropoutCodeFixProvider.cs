using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Model;

namespace NetDsl.CodeFixes;

/// <summary>
/// Swaps the dropout flavour, keeping the rate and every other argument: <c>[Dropout(r)]</c> → <c>[AlphaDropout(r)]</c> in a
/// SELU network (NDSL1003), and <c>[AlphaDropout(r)]</c> → <c>[Dropout(r)]</c> in a network without SELU (NDSL1004).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReplaceDropoutCodeFixProvider)), Shared]
public sealed class ReplaceDropoutCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticIds.DropoutInSeluNetwork, DiagnosticIds.AlphaDropoutWithoutSelu);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (AttributeArguments.EnclosingAttribute(root, diagnostic.Location.SourceSpan) is not { } attribute) continue;
            bool toAlpha = diagnostic.Id == DiagnosticIds.DropoutInSeluNetwork;
            string from = toAlpha ? "Dropout" : "AlphaDropout", to = toAlpha ? "AlphaDropout" : "Dropout";

            // Only a name that spells the NetDsl attribute itself (not an alias) can be renamed.
            if (model.GetSymbolInfo(attribute, context.CancellationToken).Symbol?.ContainingType is not { } type
                || type.Name != from + "Attribute" || type.ContainingNamespace?.ToDisplayString() != "NetDsl") continue;
            SimpleNameSyntax name = RightmostName(attribute.Name);
            string text = name.Identifier.ValueText;
            if (text != from && text != from + "Attribute") continue;
            string replacement = to + text.Substring(from.Length);
            context.RegisterCodeFix(
                CodeAction.Create($"Replace [{from}] with [{to}]", ct => RenameAsync(context.Document, name, replacement, ct), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static SimpleNameSyntax RightmostName(NameSyntax name) => name switch
    {
        QualifiedNameSyntax qualified => qualified.Right,
        AliasQualifiedNameSyntax alias => alias.Name,
        _ => (SimpleNameSyntax)name,
    };

    private static async Task<Document> RenameAsync(Document document, SimpleNameSyntax name, string replacement, CancellationToken ct)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (root is null) return document;
        SyntaxToken identifier = SyntaxFactory.Identifier(replacement).WithTriviaFrom(name.Identifier);
        return document.WithSyntaxRoot(root.ReplaceToken(name.Identifier, identifier));
    }
}
