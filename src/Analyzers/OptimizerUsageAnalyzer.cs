using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace NetDsl.Analyzers;

/// <summary>
/// Checks on runtime objects that are visible in the user's code (NDSL1009, NDSL1012–NDSL1014):
/// <list type="bullet">
/// <item>an optimizer given both <c>ClipValue</c> and <c>ClipNorm</c> (NDSL1009), or both <c>ClipNorm</c> and
/// <c>GlobalClipNorm</c> (NDSL1013), in its object initializer or by assignments to the local that holds it, in the
/// statements that follow its creation in the same block (reported on the later of the two settings; a constant 0,
/// which means "off", is no setting);</item>
/// <item><c>Decay</c> set on a <c>Nadam</c> (NDSL1012), which Keras reads as the momentum schedule's decay;</item>
/// <item>a second <c>Fit</c> on the same local or parameter in one method body, with a <c>new LearningRateScheduler(…)</c>
/// among its callbacks and no <c>initialEpoch</c> (NDSL1014): the epoch-based schedule starts again at 0.</item>
/// </list>
/// The runtime types are looked up by metadata name; the analyzer does nothing when they are absent.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OptimizerUsageAnalyzer : DiagnosticAnalyzer
{
    private const string ClipValue = "ClipValue";
    private const string ClipNorm = "ClipNorm";
    private const string GlobalClipNorm = "GlobalClipNorm";
    private const string Decay = "Decay";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ClipValueAndClipNorm,
        DiagnosticDescriptors.NadamDecay,
        DiagnosticDescriptors.ClipNormAndGlobalClipNorm,
        DiagnosticDescriptors.RefitWithoutInitialEpoch);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = new KnownTypes(start.Compilation);
            if (types.Optimizer is null && types.NetworkExtensions is null) return;
            start.RegisterOperationBlockAction(block =>
            {
                foreach (IOperation root in block.OperationBlocks)
                {
                    try
                    {
                        AnalyzeBlock(block, root, types);
                    }
                    catch (OperationCanceledException)
                    {
                        throw;
                    }
                    catch (Exception)
                    {
                        // never throw into the compiler (AD0001)
                    }
                }
            });
        });
    }

    private sealed class KnownTypes
    {
        public KnownTypes(Compilation compilation)
        {
            Optimizer = compilation.GetTypeByMetadataName("NetDsl.Optimizer");
            Nadam = compilation.GetTypeByMetadataName("NetDsl.Nadam");
            NetworkExtensions = compilation.GetTypeByMetadataName("NetDsl.NetworkExtensions");
            LearningRateScheduler = compilation.GetTypeByMetadataName("NetDsl.LearningRateScheduler");
        }

        public INamedTypeSymbol? Optimizer { get; }

        public INamedTypeSymbol? Nadam { get; }

        public INamedTypeSymbol? NetworkExtensions { get; }

        public INamedTypeSymbol? LearningRateScheduler { get; }
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, IOperation root, KnownTypes types)
    {
        var fits = new List<IInvocationOperation>();
        var declarators = new Dictionary<ILocalSymbol, IOperation>(SymbolEqualityComparer.Default);
        var assignments = new List<(ISymbol Target, int Position)>();
        foreach (IOperation operation in root.DescendantsAndSelf())
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            switch (operation)
            {
                case IObjectCreationOperation creation when types.Optimizer is not null && DerivesFrom(creation.Type, types.Optimizer):
                    AnalyzeOptimizerCreation(context, creation, types);
                    break;
                case IAssignmentOperation assignment:
                    if (types.Optimizer is not null) AnalyzeDecayAssignment(context, assignment, types);
                    if (ReferencedVariable(assignment.Target) is ISymbol target) assignments.Add((target, assignment.Syntax.SpanStart));
                    break;
                case IVariableDeclaratorOperation declarator when declarator.Initializer is not null:
                    declarators[declarator.Symbol] = declarator.Initializer.Value;
                    break;
                case IInvocationOperation invocation when types.NetworkExtensions is not null && IsFit(invocation.TargetMethod, types.NetworkExtensions):
                    fits.Add(invocation);
                    break;
            }
        }
        if (fits.Count > 1 && types.LearningRateScheduler is not null)
        {
            AnalyzeFits(context, fits, declarators, assignments, types.LearningRateScheduler);
        }
    }

    // ----- NDSL1009 / NDSL1013: clipping settings on one optimizer -----

    private static void AnalyzeOptimizerCreation(OperationBlockAnalysisContext context, IObjectCreationOperation creation, KnownTypes types)
    {
        // The first setting of each property, in source order: from the object initializer ...
        var settings = new Dictionary<string, IOperation>(StringComparer.Ordinal);
        if (creation.Initializer is not null)
        {
            foreach (IOperation initializer in creation.Initializer.Initializers)
            {
                if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment)
                {
                    Record(settings, property.Property, assignment, types.Optimizer!);
                }
            }
        }

        // ... then from assignments to the local that holds it, in the statements that follow in the same block.
        if (HoldingLocal(creation, out ILocalSymbol local, out IOperation statement) && statement.Parent is IBlockOperation block)
        {
            bool after = false;
            foreach (IOperation next in block.Operations)
            {
                if (!after)
                {
                    after = next == statement;
                    continue;
                }
                if (next is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment })
                {
                    if (assignment.Target is ILocalReferenceOperation reassigned && SymbolEqualityComparer.Default.Equals(reassigned.Local, local)) break;
                    if (assignment.Target is IPropertyReferenceOperation property && Unwrap(property.Instance) is ILocalReferenceOperation receiver
                        && SymbolEqualityComparer.Default.Equals(receiver.Local, local))
                    {
                        Record(settings, property.Property, assignment, types.Optimizer!);
                        continue;
                    }
                }
                if (AssignsLocal(next, local)) break;
            }
        }

        string typeName = creation.Type?.Name ?? "optimizer";
        ReportPair(context, settings, ClipValue, ClipNorm, DiagnosticDescriptors.ClipValueAndClipNorm, typeName);
        ReportPair(context, settings, ClipNorm, GlobalClipNorm, DiagnosticDescriptors.ClipNormAndGlobalClipNorm, typeName);
    }

    /// <summary>Reports <paramref name="descriptor"/> on the later (in source order) of the two settings, when both are there.</summary>
    private static void ReportPair(OperationBlockAnalysisContext context, Dictionary<string, IOperation> settings, string first, string second,
        DiagnosticDescriptor descriptor, string typeName)
    {
        if (!settings.TryGetValue(first, out IOperation? a) || !settings.TryGetValue(second, out IOperation? b)) return;
        IOperation later = a.Syntax.SpanStart > b.Syntax.SpanStart ? a : b;
        context.ReportDiagnostic(Diagnostic.Create(descriptor, later.Syntax.GetLocation(), typeName));
    }

    /// <summary>Records the assignment of an optimizer clipping property, unless it assigns the constant 0 (off).</summary>
    private static void Record(Dictionary<string, IOperation> settings, IPropertySymbol property, ISimpleAssignmentOperation assignment, INamedTypeSymbol optimizer)
    {
        string? name = OptimizerProperty(property, optimizer);
        if (name is null || name == Decay || settings.ContainsKey(name)) return;
        if (assignment.Value.ConstantValue is { HasValue: true, Value: var value } && value is not null && IsZero(value)) return;
        settings[name] = assignment;
    }

    private static bool IsZero(object value) => value switch
    {
        double d => d == 0,
        float f => f == 0,
        int i => i == 0,
        long l => l == 0,
        decimal m => m == 0,
        _ => false,
    };

    /// <summary>The name of a clipping/decay property declared by <c>NetDsl.Optimizer</c> (through overrides), else null.</summary>
    private static string? OptimizerProperty(IPropertySymbol property, INamedTypeSymbol optimizer)
    {
        IPropertySymbol declared = property;
        while (declared.OverriddenProperty is not null) declared = declared.OverriddenProperty;
        if (!SymbolEqualityComparer.Default.Equals(declared.ContainingType, optimizer)) return null;
        return declared.Name is ClipValue or ClipNorm or GlobalClipNorm or Decay ? declared.Name : null;
    }

    /// <summary>Whether the creation initializes a local (<c>var o = new Sgd();</c>) or is assigned to one (<c>o = new Sgd();</c>) as a statement.</summary>
    private static bool HoldingLocal(IObjectCreationOperation creation, out ILocalSymbol local, out IOperation statement)
    {
        local = null!;
        statement = null!;
        IOperation? parent = creation.Parent;
        while (parent is IConversionOperation) parent = parent.Parent;
        if (parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            local = declarator.Symbol;
            // declarator -> declaration -> declaration group (the statement)
            if (declarator.Parent?.Parent is not IVariableDeclarationGroupOperation group) return false;
            statement = group;
            return true;
        }
        if (parent is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target, Parent: IExpressionStatementOperation expressionStatement })
        {
            local = target.Local;
            statement = expressionStatement;
            return true;
        }
        return false;
    }

    private static bool AssignsLocal(IOperation statement, ILocalSymbol local)
    {
        foreach (IOperation operation in statement.DescendantsAndSelf())
        {
            if (operation is IAssignmentOperation { Target: ILocalReferenceOperation target } && SymbolEqualityComparer.Default.Equals(target.Local, local)) return true;
            if (operation is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation passed }
                && SymbolEqualityComparer.Default.Equals(passed.Local, local)) return true;
        }
        return false;
    }

    // ----- NDSL1012: Decay on Nadam -----

    private static void AnalyzeDecayAssignment(OperationBlockAnalysisContext context, IAssignmentOperation assignment, KnownTypes types)
    {
        if (types.Nadam is null || assignment.Target is not IPropertyReferenceOperation property) return;
        if (OptimizerProperty(property.Property, types.Optimizer!) != Decay) return;
        ITypeSymbol? receiver = property.Instance switch
        {
            IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } => ObjectBeingInitialized(assignment)?.Type,
            { } instance => Unwrap(instance)?.Type,
            null => null,
        };
        if (receiver is not null && DerivesFrom(receiver, types.Nadam))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NadamDecay, assignment.Syntax.GetLocation()));
        }
    }

    private static IOperation? ObjectBeingInitialized(IOperation operation)
    {
        for (IOperation? parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IObjectOrCollectionInitializerOperation initializer) return initializer.Parent;
        }
        return null;
    }

    // ----- NDSL1014: a second Fit with an epoch-based schedule and no initialEpoch -----

    private static void AnalyzeFits(OperationBlockAnalysisContext context, List<IInvocationOperation> fits,
        Dictionary<ILocalSymbol, IOperation> declarators, List<(ISymbol Target, int Position)> assignments, INamedTypeSymbol scheduler)
    {
        fits.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
        for (int k = 1; k < fits.Count; k++)
        {
            IInvocationOperation call = fits[k];
            ISymbol? model = ReferencedVariable(Argument(call, "model")?.Value);
            if (model is null) continue;

            // The latest earlier Fit on the same variable, with no assignment to the variable in between.
            IInvocationOperation? previous = null;
            for (int p = k - 1; p >= 0; p--)
            {
                if (SymbolEqualityComparer.Default.Equals(ReferencedVariable(Argument(fits[p], "model")?.Value), model))
                {
                    previous = fits[p];
                    break;
                }
            }
            if (previous is null) continue;
            bool replaced = false;
            foreach ((ISymbol target, int position) in assignments)
            {
                if (SymbolEqualityComparer.Default.Equals(target, model) && position > previous.Syntax.SpanStart && position < call.Syntax.SpanStart) replaced = true;
            }
            if (replaced) continue;

            IArgumentOperation? initialEpoch = Argument(call, "initialEpoch");
            bool noInitialEpoch = initialEpoch is null || initialEpoch.ArgumentKind == ArgumentKind.DefaultValue
                || initialEpoch.Value.ConstantValue is { HasValue: true, Value: int epoch } && epoch == 0;
            if (!noInitialEpoch) continue;
            IArgumentOperation? callbacks = Argument(call, "callbacks");
            if (callbacks is null || callbacks.ArgumentKind == ArgumentKind.DefaultValue) continue;
            if (!CreatesScheduler(callbacks.Value, scheduler, declarators, new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default))) continue;

            int line = previous.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RefitWithoutInitialEpoch, MethodNameLocation(call), model.Name,
                line.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static bool IsFit(IMethodSymbol method, INamedTypeSymbol networkExtensions)
    {
        IMethodSymbol definition = method.ReducedFrom ?? method;
        return definition.Name == "Fit" && SymbolEqualityComparer.Default.Equals(definition.ContainingType, networkExtensions);
    }

    private static IArgumentOperation? Argument(IInvocationOperation invocation, string parameter)
    {
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == parameter) return argument;
        }
        return null;
    }

    /// <summary>Whether <paramref name="operation"/> creates a <c>LearningRateScheduler</c>, directly or in the initializer of a local it reads.</summary>
    private static bool CreatesScheduler(IOperation operation, INamedTypeSymbol scheduler, Dictionary<ILocalSymbol, IOperation> declarators, HashSet<ILocalSymbol> visited)
    {
        foreach (IOperation node in operation.DescendantsAndSelf())
        {
            if (node is IObjectCreationOperation creation && DerivesFrom(creation.Type, scheduler)) return true;
            if (node is ILocalReferenceOperation reference && visited.Add(reference.Local)
                && declarators.TryGetValue(reference.Local, out IOperation? initializer)
                && CreatesScheduler(initializer, scheduler, declarators, visited))
            {
                return true;
            }
        }
        return false;
    }

    private static Location MethodNameLocation(IInvocationOperation invocation)
    {
        if (invocation.Syntax is InvocationExpressionSyntax syntax)
        {
            SyntaxNode name = syntax.Expression switch
            {
                MemberAccessExpressionSyntax member => member.Name,
                MemberBindingExpressionSyntax binding => binding.Name,
                var other => other,
            };
            return name.GetLocation();
        }
        return invocation.Syntax.GetLocation();
    }

    // ----- helpers -----

    private static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation conversion) operation = conversion.Operand;
        return operation;
    }

    /// <summary>The local or parameter <paramref name="operation"/> reads (through conversions), else null.</summary>
    private static ISymbol? ReferencedVariable(IOperation? operation) => Unwrap(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, baseType)) return true;
        }
        return false;
    }
}
