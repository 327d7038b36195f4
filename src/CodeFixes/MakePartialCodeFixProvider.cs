using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
/// NDSL0001: adds the <c>partial</c> modifier to every declaration of the network class that lacks it. Offered only
/// when that is the whole problem (not for a nested, generic or static class, or a record).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NotPartial);

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
            if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not ClassDeclarationSyntax declaration) continue;
            if (model.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol type) continue;
            if (type.IsRecord || type.IsStatic || type.ContainingType is not null || type.TypeParameters.Length > 0) continue;
            List<ClassDeclarationSyntax> missing = NonPartialDeclarations(type, context.CancellationToken);
            if (missing.Count == 0) continue;
            context.RegisterCodeFix(
                CodeAction.Create($"Make '{type.Name}' partial", ct => MakePartialAsync(context.Document.Project.Solution, type, ct), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static List<ClassDeclarationSyntax> NonPartialDeclarations(INamedTypeSymbol type, CancellationToken ct) =>
        type.DeclaringSyntaxReferences
            .Select(reference => reference.GetSyntax(ct))
            .OfType<ClassDeclarationSyntax>()
            .Where(declaration => !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            .ToList();

    private static async Task<Solution> MakePartialAsync(Solution solution, INamedTypeSymbol type, CancellationToken ct)
    {
        foreach (IGrouping<SyntaxTree, ClassDeclarationSyntax> group in NonPartialDeclarations(type, ct).GroupBy(d => d.SyntaxTree))
        {
            Document? document = solution.GetDocument(group.Key);
            if (document is null) continue;
            SyntaxNode root = await group.Key.GetRootAsync(ct).ConfigureAwait(false);
            SyntaxNode newRoot = root.ReplaceNodes(group, (original, _) => AddPartial(original));
            solution = solution.WithDocumentSyntaxRoot(document.Id, newRoot);
        }
        return solution;
    }

    /// <summary>Inserts <c>partial</c> right before the <c>class</c> keyword (where C# requires it).</summary>
    private static ClassDeclarationSyntax AddPartial(ClassDeclarationSyntax declaration)
    {
        SyntaxToken keyword = declaration.Keyword;
        SyntaxToken partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (declaration.Modifiers.Count == 0)
        {
            // The class keyword's leading trivia (indentation, comments) moves to the new first modifier.
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia())
                .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
        }
        return declaration.WithModifiers(declaration.Modifiers.Add(partial));
    }
}
