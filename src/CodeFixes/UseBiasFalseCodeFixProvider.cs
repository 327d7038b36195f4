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

/// <summary>NDSL1007: drops the bias of a Dense that feeds a BatchNorm (<c>UseBias = false</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseBiasFalseCodeFixProvider)), Shared]
public sealed class UseBiasFalseCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.BiasBeforeBatchNorm);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (AttributeArguments.EnclosingAttribute(root, diagnostic.Location.SourceSpan) is not { } attribute) continue;
            context.RegisterCodeFix(
                CodeAction.Create("Set UseBias = false", ct => SetUseBiasAsync(context.Document, attribute, ct), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Document> SetUseBiasAsync(Document document, AttributeSyntax attribute, CancellationToken ct)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (root is null) return document;
        ExpressionSyntax value = SyntaxFactory.LiteralExpression(SyntaxKind.FalseLiteralExpression);
        return document.WithSyntaxRoot(root.ReplaceNode(attribute, AttributeArguments.WithNamedArgument(attribute, "UseBias", value)));
    }
}
