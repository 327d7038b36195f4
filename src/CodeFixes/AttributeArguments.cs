using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace NetDsl.CodeFixes;

/// <summary>Syntax helpers shared by the fixes: setting a named argument of a layer attribute.</summary>
internal static class AttributeArguments
{
    /// <summary>The attribute a diagnostic is reported on: the diagnostic's node (an argument or the attribute) or its enclosing attribute.</summary>
    public static AttributeSyntax? EnclosingAttribute(SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span) =>
        root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();

    /// <summary>
    /// <paramref name="attribute"/> with the named argument <c><paramref name="name"/> = <paramref name="value"/></c>: the
    /// existing argument's value replaced, or the argument appended.
    /// </summary>
    public static AttributeSyntax WithNamedArgument(AttributeSyntax attribute, string name, ExpressionSyntax value)
    {
        AttributeArgumentSyntax? existing = attribute.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        if (existing is not null)
        {
            return attribute.ReplaceNode(existing.Expression, value.WithTriviaFrom(existing.Expression));
        }
        AttributeArgumentSyntax argument = SyntaxFactory.ParseAttributeArgumentList($"({name} = x)")!.Arguments[0].WithExpression(value);
        if (attribute.ArgumentList is null || attribute.ArgumentList.Arguments.Count == 0)
        {
            return attribute.WithArgumentList(SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(argument)));
        }
        SeparatedSyntaxList<AttributeArgumentSyntax> arguments = attribute.ArgumentList.Arguments;
        SyntaxToken comma = SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space);
        var nodesAndTokens = arguments.GetWithSeparators();
        // Keep any trivia after the last argument (e.g. a comment) after the new one.
        AttributeArgumentSyntax last = arguments[arguments.Count - 1];
        SyntaxTriviaList trailing = last.GetTrailingTrivia();
        nodesAndTokens = nodesAndTokens.Replace(last, last.WithoutTrailingTrivia()).Add(comma).Add(argument.WithTrailingTrivia(trailing));
        return attribute.WithArgumentList(attribute.ArgumentList.WithArguments(SyntaxFactory.SeparatedList<AttributeArgumentSyntax>(nodesAndTokens)));
    }

    /// <summary>
    /// <c>Init.<paramref name="member"/></c>: the existing <c>Init.X</c> expression with its member renamed when it names
    /// the <c>NetDsl.Init</c> enum (keeping the user's qualification), else <c>global::NetDsl.Init.member</c> simplified.
    /// </summary>
    public static ExpressionSyntax EnumMember(AttributeSyntax attribute, SemanticModel model, string argument, string enumName, string member)
    {
        AttributeArgumentSyntax? existing = attribute.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == argument);
        if (existing?.Expression is MemberAccessExpressionSyntax access
            && model.GetSymbolInfo(access.Expression).Symbol is INamedTypeSymbol type
            && type.Name == enumName && type.ContainingNamespace?.ToDisplayString() == "NetDsl")
        {
            return access.WithName(SyntaxFactory.IdentifierName(member).WithTriviaFrom(access.Name));
        }
        return SyntaxFactory.ParseExpression($"global::NetDsl.{enumName}.{member}").WithAdditionalAnnotations(Simplifier.Annotation);
    }
}
