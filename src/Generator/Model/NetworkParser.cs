using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetDsl.Generator.Model;

/// <summary>A diagnostic found by the parser: its ID, where, and the message arguments. Never enters the pipeline.</summary>
internal sealed class DiagnosticInfo
{
    public DiagnosticInfo(string id, Location? location, params string[] arguments)
    {
        Id = id;
        Location = location;
        Arguments = arguments;
    }

    public string Id { get; }

    public Location? Location { get; }

    public string[] Arguments { get; }
}

/// <summary>What the parser makes of a <c>[Network]</c> class: the spec when the declaration is valid, and the diagnostics.</summary>
internal sealed class ParseResult
{
    public ParseResult(NetworkSpec? spec, IReadOnlyList<DiagnosticInfo> diagnostics, IReadOnlyList<LayerSource> layers)
    {
        Spec = spec;
        Diagnostics = diagnostics;
        Layers = layers;
    }

    /// <summary>The spec; null when the declaration has an error (the generator then emits nothing).</summary>
    public NetworkSpec? Spec { get; }

    public IReadOnlyList<DiagnosticInfo> Diagnostics { get; }

    /// <summary>
    /// Where each layer of <see cref="Spec"/> is declared (same order and count when <see cref="Spec"/> is not null): the
    /// attribute, its arguments, and which properties came from <c>[DenseDefaults]</c>. For the analyzers' precise
    /// locations; the generator ignores it.
    /// </summary>
    public IReadOnlyList<LayerSource> Layers { get; }

    /// <summary>The symbol-free origins of the layers, the input of <see cref="NetworkRules.Check"/>.</summary>
    public IReadOnlyList<LayerOrigin> Origins()
    {
        var origins = new LayerOrigin[Layers.Count];
        for (int i = 0; i < origins.Length; i++) origins[i] = Layers[i].Origin;
        return origins;
    }
}

/// <summary>The declaration of one layer: its attribute and the location of each argument written on it. Never enters the pipeline.</summary>
internal sealed class LayerSource
{
    private readonly Dictionary<string, Location> _arguments;

    public LayerSource(Location? location, Dictionary<string, Location> arguments, LayerOrigin origin)
    {
        Location = location;
        _arguments = arguments;
        Origin = origin;
    }

    /// <summary>The layer's attribute (or the class, when the attribute has no syntax).</summary>
    public Location? Location { get; }

    /// <summary>Which properties were written on the attribute and which were inherited from <c>[DenseDefaults]</c>.</summary>
    public LayerOrigin Origin { get; }

    /// <summary>
    /// The argument that sets <paramref name="property"/> (PascalCase: <c>Init</c>, <c>UseBias</c>, <c>Activation</c>, <c>Rate</c>, …),
    /// or the attribute when it is not written there (or <paramref name="property"/> is null).
    /// </summary>
    public Location? LocationOf(string? property) =>
        property is not null && _arguments.TryGetValue(property, out Location? location) ? location : Location;
}

/// <summary>
/// The one parser of NetDsl declarations, shared by the generator (which keeps only the spec) and the analyzers
/// (which report the diagnostics). It reads the class's attributes in source order, applies defaults, validates every
/// argument, infers shapes and lays out the parameter buffers.
/// </summary>
internal static class NetworkParser
{
    private const string AttributeNamespace = "NetDsl";
    internal const string NetworkAttributeName = "NetDsl.NetworkAttribute";
    private const long MaxSize = 1 << 28;

    /// <summary>Parses the class <paramref name="type"/>, which carries <c>[Network]</c>.</summary>
    public static ParseResult Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var context = new Context(diagnostics);
        NetworkSpec? spec = ParseCore(type, context, cancellationToken);
        bool hasError = diagnostics.Count > 0 || context.CompilerError;
        return new ParseResult(hasError ? null : spec, diagnostics, context.Layers);
    }

    private sealed class Context
    {
        public Context(List<DiagnosticInfo> diagnostics) => Diagnostics = diagnostics;

        public List<DiagnosticInfo> Diagnostics { get; }

        /// <summary>The declaration of each parsed layer, in the order of the spec's layers.</summary>
        public List<LayerSource> Layers { get; } = new();

        /// <summary>An argument the C# compiler already reports as an error (wrong type, not constant): no NDSL diagnostic, no output.</summary>
        public bool CompilerError { get; set; }

        public void Report(string id, Location? location, params string[] args) => Diagnostics.Add(new DiagnosticInfo(id, location, args));
    }

    private static NetworkSpec? ParseCore(INamedTypeSymbol type, Context ctx, CancellationToken ct)
    {
        Location? classLocation = type.Locations.FirstOrDefault();
        string className = type.Name;

        // NDSL0001: a class we can extend with a partial declaration.
        string? problem = null;
        if (type.IsRecord) problem = "it is a record; declare it as a 'partial class'";
        else if (type.IsStatic) problem = "it is static; networks are instances";
        else if (type.ContainingType is not null) problem = $"it is nested in '{type.ContainingType.Name}'; declare networks as top-level classes";
        else if (type.TypeParameters.Length > 0) problem = "it is generic; a network's shapes must be fixed";
        else if (!IsPartialEverywhere(type, ct)) problem = "it is not partial; add the 'partial' modifier";
        if (problem is not null) ctx.Report(DiagnosticIds.NotPartial, classLocation, className, problem);

        // Collect NetDsl attributes.
        AttributeData? network = null, defaults = null;
        var layers = new List<(AttributeData Data, AttributeSyntax? Syntax)>();
        var declarations = new HashSet<SyntaxNode>();
        SyntaxNode? networkDeclaration = null;
        var all = new List<(AttributeData Data, AttributeSyntax? Syntax)>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            ct.ThrowIfCancellationRequested();
            INamedTypeSymbol? cls = attribute.AttributeClass;
            if (cls is null || cls.ContainingNamespace?.ToDisplayString() != AttributeNamespace) continue;
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(ct) as AttributeSyntax;
            SyntaxNode? declaration = syntax?.Parent?.Parent;
            switch (cls.Name)
            {
                case "NetworkAttribute":
                    network = attribute;
                    networkDeclaration = declaration;
                    break;
                case "DenseDefaultsAttribute":
                    defaults = attribute;
                    break;
                default:
                    if (LayerKindOf(cls.Name) is null) continue;
                    layers.Add((attribute, syntax));
                    break;
            }
            all.Add((attribute, syntax));
            if (declaration is not null) declarations.Add(declaration);
        }
        if (network is null) return null;

        if (declarations.Count > 1)
        {
            foreach ((AttributeData data, AttributeSyntax? syntax) in all)
            {
                if (syntax?.Parent?.Parent != networkDeclaration)
                {
                    ctx.Report(DiagnosticIds.LayersOnSeveralDeclarations, syntax?.GetLocation() ?? classLocation, className, data.AttributeClass!.Name.Replace("Attribute", ""));
                }
            }
            return null;
        }

        // Layers in source order.
        layers.Sort((a, b) =>
        {
            int pa = a.Syntax?.SpanStart ?? 0, pb = b.Syntax?.SpanStart ?? 0;
            return pa.CompareTo(pb);
        });

        // [Network(inputShape...)] and Loss.
        var networkSyntax = network.ApplicationSyntaxReference?.GetSyntax(ct) as AttributeSyntax;
        if (HasCompilerError(network)) { ctx.CompilerError = true; return null; }
        var inputShape = new List<int>();
        if (network.ConstructorArguments.Length == 1)
        {
            TypedConstant arg = network.ConstructorArguments[0];
            if (arg.Kind == TypedConstantKind.Array && !arg.IsNull)
            {
                foreach (TypedConstant v in arg.Values) inputShape.Add(v.Value is int d ? d : 0);
            }
        }
        long inputSize = 1;
        foreach (int d in inputShape) inputSize = Math.Min(inputSize * Math.Max(d, 0), MaxSize + 1L); // saturates: no overflow
        if (inputShape.Count == 0 || inputShape.Any(d => d <= 0))
        {
            ctx.Report(DiagnosticIds.InvalidArgument, networkSyntax?.GetLocation() ?? classLocation, "[Network]",
                inputShape.Count == 0 ? "the input shape is empty; give the per-sample shape, e.g. [Network(28, 28)]" : $"input dimensions must be positive, got ({string.Join(", ", inputShape)})");
        }
        else if (inputSize > MaxSize)
        {
            ctx.Report(DiagnosticIds.InvalidArgument, networkSyntax?.GetLocation() ?? classLocation, "[Network]", $"the input shape ({string.Join(", ", inputShape)}) has more than {MaxSize} floats per sample");
        }
        Loss loss = Loss.SparseCategoricalCrossentropy;
        Location? lossLocation = networkSyntax?.GetLocation() ?? classLocation;
        foreach (KeyValuePair<string, TypedConstant> named in network.NamedArguments)
        {
            if (named.Key == "Loss" && named.Value.Value is int l)
            {
                loss = (Loss)l;
                lossLocation = ArgumentLocation(networkSyntax, "Loss", -1, null) ?? lossLocation;
                if (!Enum.IsDefined(typeof(Loss), loss))
                {
                    ctx.Report(DiagnosticIds.InvalidArgument, lossLocation, "[Network]", $"{l} is not a Loss value");
                }
            }
        }

        // [DenseDefaults].
        var defaultValues = new Dictionary<string, TypedConstant>(StringComparer.Ordinal);
        if (defaults is not null)
        {
            if (HasCompilerError(defaults)) { ctx.CompilerError = true; return null; }
            foreach (KeyValuePair<string, TypedConstant> named in defaults.NamedArguments) defaultValues[named.Key] = named.Value;
        }

        // Each layer.
        var specs = new List<LayerSpec>();
        var locations = new List<Location?>();
        var nameCounters = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            (AttributeData data, AttributeSyntax? syntax) = layers[i];
            if (HasCompilerError(data)) { ctx.CompilerError = true; return null; }
            var reader = new ArgumentReader(data, syntax, classLocation);
            LayerSpec? layer = ParseLayer(LayerKindOf(data.AttributeClass!.Name)!.Value, data.AttributeClass.Name, reader, defaultValues, i, ctx);
            if (layer is null) continue;
            string? declaredName = reader.Named<string>("Name");
            if (declaredName is not null)
            {
                if (!IsValidName(declaredName))
                {
                    ctx.Report(DiagnosticIds.InvalidArgument, reader.Location("Name"), Describe(i, layer),
                        $"the name \"{declaredName}\" is not valid: use letters, digits and underscores, starting with a letter");
                }
                else if (declaredName is "input" or "input_1")
                {
                    // "input" is what [Add]/[Concat] name the input by; "input_1" is the input's name in the summary,
                    // in the layer views' Inbound lists and in the ONNX graph.
                    ctx.Report(DiagnosticIds.InvalidArgument, reader.Location("Name"), Describe(i, layer), $"\"{declaredName}\" is reserved for the network's input");
                }
                layer = layer with { Name = declaredName };
            }
            else
            {
                string baseName = layer.Name;
                nameCounters.TryGetValue(baseName, out int count);
                nameCounters[baseName] = count + 1;
                layer = layer with { Name = count == 0 ? baseName : baseName + "_" + count.ToString(CultureInfo.InvariantCulture) };
            }
            layer = layer with { PropertyName = PascalCase(layer.Name) };
            specs.Add(layer);
            locations.Add(syntax?.GetLocation() ?? classLocation);
            ctx.Layers.Add(DescribeSource(data, syntax, reader.AttributeLocation, layer.Kind == LayerKind.Dense ? defaultValues : null));
        }
        if (layers.Count == 0)
        {
            ctx.Report(DiagnosticIds.InvalidArgument, networkSyntax?.GetLocation() ?? classLocation, "[Network]", "the network declares no layers; add layer attributes such as [Dense(10, Activation.Softmax)] after [Network]");
        }

        // Unique names and property names.
        var seenNames = new HashSet<string>(StringComparer.Ordinal);
        var seenProperties = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < specs.Count; i++)
        {
            if (!seenNames.Add(specs[i].Name) || !seenProperties.Add(specs[i].PropertyName))
            {
                ctx.Report(DiagnosticIds.InvalidArgument, locations[i], Describe(i, specs[i]), $"the name \"{specs[i].Name}\" is used by an earlier layer; layer names must be unique");
            }
            else if (ReservedProperties.Contains(specs[i].PropertyName))
            {
                ctx.Report(DiagnosticIds.InvalidArgument, locations[i], Describe(i, specs[i]), $"the name \"{specs[i].Name}\" clashes with the member '{specs[i].PropertyName}' of the layer collection; choose another name");
            }
        }
        if (ctx.Diagnostics.Count > 0) return null;

        return Layout(type, inputShape.ToArray(), loss, networkSyntax?.GetLocation() ?? classLocation, lossLocation, specs, locations, ctx);
    }

    /// <summary>The properties [DenseDefaults] can supply.</summary>
    private static readonly string[] DenseDefaultProperties = { "Activation", "Init", "UseBias", "L1", "L2", "MaxNorm", "Alpha" };

    /// <summary>
    /// Records where each argument of a layer attribute is written (keyed by the property it sets, PascalCase: a
    /// constructor argument by its parameter's name, <c>units</c> → <c>Units</c>) and, for a Dense, which properties
    /// come from <c>[DenseDefaults]</c> instead.
    /// </summary>
    private static LayerSource DescribeSource(AttributeData data, AttributeSyntax? syntax, Location? attributeLocation, Dictionary<string, TypedConstant>? defaults)
    {
        var arguments = new Dictionary<string, Location>(StringComparer.Ordinal);
        if (syntax?.ArgumentList is not null)
        {
            System.Collections.Immutable.ImmutableArray<IParameterSymbol> parameters = data.AttributeConstructor?.Parameters ?? System.Collections.Immutable.ImmutableArray<IParameterSymbol>.Empty;
            int positional = 0;
            foreach (AttributeArgumentSyntax arg in syntax.ArgumentList.Arguments)
            {
                string? property;
                if (arg.NameEquals is not null) property = arg.NameEquals.Name.Identifier.ValueText;
                else if (arg.NameColon is not null) property = PascalCase(arg.NameColon.Name.Identifier.ValueText);
                else
                {
                    int index = positional++;
                    if (index >= parameters.Length && parameters.Length > 0 && parameters[parameters.Length - 1].IsParams) index = parameters.Length - 1;
                    property = index < parameters.Length ? PascalCase(parameters[index].Name) : null;
                }
                if (property is not null && !arguments.ContainsKey(property)) arguments[property] = arg.GetLocation();
            }
        }
        var defaulted = new List<string>();
        if (defaults is not null)
        {
            foreach (string property in DenseDefaultProperties)
            {
                if (!arguments.ContainsKey(property) && defaults.ContainsKey(property)) defaulted.Add(property);
            }
        }
        return new LayerSource(attributeLocation, arguments, new LayerOrigin(arguments.Keys, defaulted));
    }

    private static readonly HashSet<string> ReservedProperties = new(StringComparer.Ordinal)
    {
        "Count", "GetEnumerator", "Equals", "GetHashCode", "ToString", "GetType", "Item", "LayerViews", "MemberwiseClone", "Finalize",
    };

    private static LayerKind? LayerKindOf(string attributeClassName) => attributeClassName switch
    {
        "FlattenAttribute" => LayerKind.Flatten,
        "DenseAttribute" => LayerKind.Dense,
        "BatchNormAttribute" => LayerKind.BatchNorm,
        "ReluAttribute" or "LeakyReluAttribute" or "RReluAttribute" or "EluAttribute" or "SeluAttribute"
            or "SigmoidAttribute" or "TanhAttribute" or "SoftmaxAttribute" => LayerKind.Activation,
        "DropoutAttribute" => LayerKind.Dropout,
        "AlphaDropoutAttribute" => LayerKind.AlphaDropout,
        "AddAttribute" => LayerKind.Add,
        "ConcatAttribute" => LayerKind.Concat,
        _ => null,
    };

    private static LayerSpec? ParseLayer(LayerKind kind, string attributeName, ArgumentReader r, Dictionary<string, TypedConstant> defaults, int index, Context ctx)
    {
        switch (kind)
        {
            case LayerKind.Flatten:
                return new LayerSpec { Kind = kind, Name = "flatten", TypeName = "Flatten" };
            case LayerKind.Dense:
            {
                var layer = new LayerSpec { Kind = kind, Name = "dense", TypeName = "Dense" };
                string where = Describe(index, layer);
                int units = r.Ctor<int>(0);
                if (units <= 0) ctx.Report(DiagnosticIds.InvalidArgument, r.Location("units", 0), where, $"units must be positive, got {units}");
                else if (units > MaxSize) ctx.Report(DiagnosticIds.InvalidArgument, r.Location("units", 0), where, $"{units} units is too large (at most {MaxSize})");

                Activation activation = r.HasCtor("activation", 1) ? (Activation)r.Ctor<int>(1)
                    : defaults.TryGetValue("Activation", out TypedConstant da) && da.Value is int dai ? (Activation)dai : Activation.Linear;
                if (!Enum.IsDefined(typeof(Activation), activation))
                {
                    ctx.Report(DiagnosticIds.InvalidArgument, r.Location("activation", 1), where, $"{(int)activation} is not an Activation value");
                }
                Init init = (Init)Pick(r, defaults, "Init", (int)Init.GlorotUniform);
                if (!Enum.IsDefined(typeof(Init), init))
                {
                    ctx.Report(DiagnosticIds.InvalidArgument, r.Location("Init"), where, $"{(int)init} is not an Init value");
                }
                bool useBias = PickBool(r, defaults, "UseBias", true);
                double l1 = PickDouble(r, defaults, "L1", 0), l2 = PickDouble(r, defaults, "L2", 0), maxNorm = PickDouble(r, defaults, "MaxNorm", 0);
                CheckNonNegative(ctx, r, where, "L1", l1);
                CheckNonNegative(ctx, r, where, "L2", l2);
                CheckNonNegative(ctx, r, where, "MaxNorm", maxNorm);
                bool alphaGiven = r.HasNamed("Alpha") || defaults.ContainsKey("Alpha");
                double alpha = PickDouble(r, defaults, "Alpha", 0);
                alpha = ResolveAlpha(ctx, r.Location("Alpha"), where, activation, alpha, alphaGiven);
                return layer with
                {
                    Units = units,
                    Activation = activation,
                    Alpha = alpha,
                    Lower = activation == Activation.RRelu ? 0.125 : 0,
                    Upper = activation == Activation.RRelu ? 1.0 / 3.0 : 0,
                    Init = init,
                    UseBias = useBias,
                    L1 = l1,
                    L2 = l2,
                    MaxNorm = maxNorm,
                    Trainable = r.Named("Trainable", true),
                };
            }
            case LayerKind.BatchNorm:
            {
                var layer = new LayerSpec { Kind = kind, Name = "batch_normalization", TypeName = "BatchNormalization" };
                string where = Describe(index, layer);
                double momentum = r.Named("Momentum", 0.99), epsilon = r.Named("Epsilon", 1e-3);
                if (!(momentum >= 0 && momentum <= 1)) ctx.Report(DiagnosticIds.InvalidArgument, r.Location("Momentum"), where, $"Momentum must be in [0, 1], got {Format(momentum)}");
                if (!(epsilon > 0) || double.IsInfinity(epsilon)) ctx.Report(DiagnosticIds.InvalidArgument, r.Location("Epsilon"), where, $"Epsilon must be positive, got {Format(epsilon)}");
                return layer with
                {
                    Momentum = momentum,
                    Epsilon = epsilon,
                    Center = r.Named("Center", true),
                    Scale = r.Named("Scale", true),
                    Trainable = r.Named("Trainable", true),
                };
            }
            case LayerKind.Activation:
            {
                (Activation act, string name, string typeName) = attributeName switch
                {
                    "ReluAttribute" => (Activation.Relu, "re_lu", "ReLU"),
                    "LeakyReluAttribute" => (Activation.LeakyRelu, "leaky_re_lu", "LeakyReLU"),
                    "RReluAttribute" => (Activation.RRelu, "r_re_lu", "RReLU"),
                    "EluAttribute" => (Activation.Elu, "elu", "ELU"),
                    "SeluAttribute" => (Activation.Selu, "activation", "Activation"),
                    "SigmoidAttribute" => (Activation.Sigmoid, "activation", "Activation"),
                    "TanhAttribute" => (Activation.Tanh, "activation", "Activation"),
                    _ => (Activation.Softmax, "softmax", "Softmax"),
                };
                var layer = new LayerSpec { Kind = kind, Name = name, TypeName = typeName, Activation = act };
                string where = Describe(index, layer);
                switch (act)
                {
                    case Activation.LeakyRelu:
                        return layer with { Alpha = ResolveAlpha(ctx, r.Location("alpha", 0), where, act, r.Ctor(0, 0.01), true) };
                    case Activation.Elu:
                        return layer with { Alpha = ResolveAlpha(ctx, r.Location("alpha", 0), where, act, r.Ctor(0, 1.0), true) };
                    case Activation.RRelu:
                    {
                        double lower = r.Ctor(0, 0.125), upper = r.Ctor(1, 1.0 / 3.0);
                        if (!(lower >= 0) || !(upper >= lower) || double.IsInfinity(upper))
                        {
                            ctx.Report(DiagnosticIds.InvalidArgument, r.Location("lower", 0), where, $"RReLU needs 0 ≤ lower ≤ upper, got lower {Format(lower)}, upper {Format(upper)}");
                        }
                        return layer with { Lower = lower, Upper = upper, Alpha = (lower + upper) / 2 };
                    }
                    default:
                        return layer;
                }
            }
            case LayerKind.Dropout:
            case LayerKind.AlphaDropout:
            {
                var layer = kind == LayerKind.Dropout
                    ? new LayerSpec { Kind = kind, Name = "dropout", TypeName = "Dropout" }
                    : new LayerSpec { Kind = kind, Name = "alpha_dropout", TypeName = "AlphaDropout" };
                double rate = r.Ctor(0, 0.0);
                if (!(rate >= 0 && rate < 1))
                {
                    ctx.Report(DiagnosticIds.InvalidArgument, r.Location("rate", 0), Describe(index, layer), $"the rate must be in [0, 1), got {Format(rate)}");
                }
                return layer with { Rate = rate };
            }
            case LayerKind.Add:
            case LayerKind.Concat:
            {
                var layer = kind == LayerKind.Add
                    ? new LayerSpec { Kind = kind, Name = "add", TypeName = "Add" }
                    : new LayerSpec { Kind = kind, Name = "concatenate", TypeName = "Concatenate" };
                string? reference = r.CtorString(0);
                if (string.IsNullOrEmpty(reference))
                {
                    ctx.Report(DiagnosticIds.InvalidArgument, r.Location("layer", 0), Describe(index, layer), "name the earlier layer (or \"input\") whose output to combine");
                }
                return layer with { Reference = reference };
            }
            default:
                return null;
        }
    }

    private static double ResolveAlpha(Context ctx, Location? location, string where, Activation activation, double alpha, bool given)
    {
        switch (activation)
        {
            case Activation.LeakyRelu:
                if (!given) return 0.01;
                if (!(alpha >= 0) || double.IsInfinity(alpha)) ctx.Report(DiagnosticIds.InvalidArgument, location, where, $"the LeakyReLU slope must be ≥ 0, got {Format(alpha)}");
                return alpha;
            case Activation.Elu:
                if (!given) return 1.0;
                if (!(alpha > 0) || double.IsInfinity(alpha)) ctx.Report(DiagnosticIds.InvalidArgument, location, where, $"the ELU α must be positive, got {Format(alpha)}");
                return alpha;
            case Activation.RRelu:
                return (0.125 + 1.0 / 3.0) / 2;
            default:
                return 0;
        }
    }

    private static NetworkSpec? Layout(INamedTypeSymbol type, int[] inputShape, Loss loss, Location? networkLocation, Location? lossLocation,
        List<LayerSpec> layers, List<Location?> locations, Context ctx)
    {
        int[] shape = inputShape;
        int node = -1;
        long parameterOffset = 0, stateOffset = 0, trainable = 0;
        var names = new Dictionary<string, int>(StringComparer.Ordinal) { ["input"] = -1 };
        var shapes = new List<int[]>();
        var result = new List<LayerSpec>();
        for (int i = 0; i < layers.Count; i++)
        {
            LayerSpec layer = layers[i];
            string where = Describe(i, layer);
            int width = Product(shape);
            int[] outShape = shape;
            LayerSpec laid = layer with { InputNode = node, InputWidth = width };
            switch (layer.Kind)
            {
                case LayerKind.Flatten:
                    outShape = new[] { width };
                    break;
                case LayerKind.Dense:
                {
                    if (shape.Length != 1) { ReportNotFlat(ctx, locations[i], where, "Dense", shape); return null; }
                    long kernel = (long)width * layer.Units;
                    long count = kernel + (layer.UseBias ? layer.Units : 0);
                    if (parameterOffset + count > MaxSize) { ReportTooLarge(ctx, locations[i], where, parameterOffset + count); return null; }
                    laid = laid with
                    {
                        KernelOffset = (int)parameterOffset,
                        BiasOffset = layer.UseBias ? (int)(parameterOffset + kernel) : -1,
                        ParameterCount = (int)count,
                    };
                    parameterOffset += count;
                    if (layer.Trainable) trainable += count;
                    outShape = new[] { layer.Units };
                    break;
                }
                case LayerKind.BatchNorm:
                {
                    if (shape.Length != 1) { ReportNotFlat(ctx, locations[i], where, "BatchNorm", shape); return null; }
                    long weights = (layer.Scale ? width : 0) + (layer.Center ? width : 0);
                    if (parameterOffset + weights > MaxSize) { ReportTooLarge(ctx, locations[i], where, parameterOffset + weights); return null; }
                    laid = laid with
                    {
                        GammaOffset = layer.Scale ? (int)parameterOffset : -1,
                        BetaOffset = layer.Center ? (int)(parameterOffset + (layer.Scale ? width : 0)) : -1,
                        StateOffset = (int)stateOffset,
                        ParameterCount = (int)(weights + 2L * width),
                    };
                    parameterOffset += weights;
                    stateOffset += 2L * width;
                    if (layer.Trainable) trainable += weights;
                    break;
                }
                case LayerKind.Add:
                case LayerKind.Concat:
                {
                    if (layer.Reference is null || !names.TryGetValue(layer.Reference, out int referenceNode))
                    {
                        ctx.Report(DiagnosticIds.UnknownLayerReference, locations[i], where, layer.Reference ?? "",
                            "no earlier layer has that name; name an earlier layer or \"input\"");
                        return null;
                    }
                    int[] referenceShape = referenceNode < 0 ? inputShape : shapes[referenceNode];
                    if (shape.Length != 1 || referenceShape.Length != 1)
                    {
                        ReportNotFlat(ctx, locations[i], where, layer.TypeName, shape.Length != 1 ? shape : referenceShape);
                        return null;
                    }
                    if (layer.Kind == LayerKind.Add && referenceShape[0] != width)
                    {
                        ctx.Report(DiagnosticIds.ShapeMismatch, locations[i], where,
                            $"cannot add the output of '{layer.Reference}' ({referenceShape[0]} wide) to the current output ({width} wide); the widths must match");
                        return null;
                    }
                    laid = laid with { ReferenceNode = referenceNode };
                    if (layer.Kind == LayerKind.Concat && (long)referenceShape[0] + width > MaxSize)
                    {
                        ctx.Report(DiagnosticIds.InvalidArgument, locations[i], where, $"the concatenation would be {(long)referenceShape[0] + width} wide, more than NetDsl supports ({MaxSize})");
                        return null;
                    }
                    outShape = layer.Kind == LayerKind.Add ? shape : new[] { referenceShape[0] + width };
                    break;
                }
            }
            laid = laid with { OutputShape = new EquatableArray<int>(outShape), OutputWidth = Product(outShape) };
            shapes.Add(outShape);
            result.Add(laid);
            names[laid.Name] = i;
            shape = outShape;
            node = i;
        }
        if (parameterOffset == 0)
        {
            ctx.Report(DiagnosticIds.InvalidArgument, networkLocation, "[Network]", "the network has no weights to train; add a [Dense] layer");
            return null;
        }
        if (stateOffset + parameterOffset > MaxSize) { ReportTooLarge(ctx, networkLocation, "[Network]", stateOffset + parameterOffset); return null; }

        // The output and the loss.
        LayerSpec last = result[result.Count - 1];
        if (shape.Length != 1)
        {
            ReportNotFlat(ctx, locations[result.Count - 1], Describe(result.Count - 1, last), "the output", shape);
            return null;
        }
        Activation final = last.Kind is LayerKind.Dense or LayerKind.Activation ? last.Activation : Activation.Linear;
        int outputs = shape[0];
        OutputMode mode = OutputMode.Plain;
        string? lossProblem = null;
        string lossName = LossName(loss);
        switch (loss)
        {
            case Loss.SparseCategoricalCrossentropy:
            case Loss.CategoricalCrossentropy:
                if (outputs < 2)
                {
                    lossProblem = $"{lossName} needs at least 2 output units, but the output has {outputs}; for a binary task use [Dense(1, Activation.Sigmoid)] with Loss = Loss.BinaryCrossentropy";
                }
                else if (final == Activation.Softmax) mode = OutputMode.SoftmaxCrossEntropy;
                else if (final == Activation.Linear) mode = OutputMode.LogitsCrossEntropy;
                else lossProblem = $"{lossName} needs a Softmax output (or a Linear one, read as logits), but the output activation is {final}";
                break;
            case Loss.BinaryCrossentropy:
                if (final == Activation.Sigmoid) mode = OutputMode.SigmoidCrossEntropy;
                else if (final == Activation.Linear) mode = OutputMode.LogitsBinaryCrossEntropy;
                else if (final == Activation.Softmax) lossProblem = "binary cross-entropy does not fit a Softmax output (the units would compete); use Sigmoid outputs, or a categorical cross-entropy";
                else lossProblem = $"binary cross-entropy needs a Sigmoid output (or a Linear one, read as logits), but the output activation is {final}";
                break;
        }
        if (mode is OutputMode.LogitsCrossEntropy or OutputMode.LogitsBinaryCrossEntropy)
        {
            // Dropout is the identity at inference and a Flatten of a flat output changes nothing, but either after the
            // output activation would make the loss read the probabilities as logits (and apply the activation twice).
            int k = result.Count - 1;
            while (k > 0 && result[k].Kind is LayerKind.Dropout or LayerKind.AlphaDropout or LayerKind.Flatten) k--;
            if (k < result.Count - 1 && result[k].Kind is LayerKind.Dense or LayerKind.Activation && result[k].Activation != Activation.Linear)
            {
                string advice = last.Kind == LayerKind.Flatten ? "the output is already flat: remove the Flatten" : "put the dropout before the output layer";
                lossProblem = $"the {result[k].Activation} output of {Describe(k, result[k])} is followed by {last.TypeName}, so {lossName} would read its {result[k].Activation} outputs as logits; {advice}";
            }
        }
        if (lossProblem is not null)
        {
            ctx.Report(DiagnosticIds.LossDoesNotFitOutput, lossLocation, type.Name, lossProblem);
            return null;
        }

        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        long total = parameterOffset + stateOffset;
        return new NetworkSpec
        {
            Namespace = ns,
            ClassName = type.Name,
            HintName = (ns.Length == 0 ? "" : ns + ".") + type.Name + ".g.cs",
            InputShape = new EquatableArray<int>(inputShape),
            InputSize = Product(inputShape),
            Loss = loss,
            OutputMode = mode,
            Layers = new EquatableArray<LayerSpec>(result.ToArray()),
            OutputSize = outputs,
            ParameterLength = (int)parameterOffset,
            StateLength = (int)stateOffset,
            TotalParameters = (int)total,
            TrainableParameters = (int)trainable,
            NonTrainableParameters = (int)(total - trainable),
        };
    }

    internal static string LossName(Loss loss) => loss switch
    {
        Loss.SparseCategoricalCrossentropy => "sparse categorical cross-entropy",
        Loss.CategoricalCrossentropy => "categorical cross-entropy",
        Loss.BinaryCrossentropy => "binary cross-entropy",
        _ => "mean squared error",
    };

    private static void ReportNotFlat(Context ctx, Location? location, string where, string what, int[] shape) =>
        ctx.Report(DiagnosticIds.ShapeMismatch, location, where,
            $"{what} needs a flat input, but the input here has shape ({string.Join(", ", shape)}); add [Flatten] before it");

    private static void ReportTooLarge(Context ctx, Location? location, string where, long size) =>
        ctx.Report(DiagnosticIds.InvalidArgument, location, where, $"the network would have {size} parameters, more than NetDsl supports ({MaxSize})");

    private static int Product(int[] shape)
    {
        long p = 1;
        foreach (int d in shape) p *= d;
        return (int)Math.Min(p, int.MaxValue);
    }

    private static string Describe(int index, LayerSpec layer) => $"layer {index} ({layer.TypeName})";

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void CheckNonNegative(Context ctx, ArgumentReader r, string where, string name, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            ctx.Report(DiagnosticIds.InvalidArgument, r.HasNamed(name) ? r.Location(name) : r.AttributeLocation, where, $"{name} must be a finite number ≥ 0, got {Format(value)}");
        }
    }

    private static int Pick(ArgumentReader r, Dictionary<string, TypedConstant> defaults, string name, int fallback) =>
        r.HasNamed(name) ? r.Named(name, fallback) : defaults.TryGetValue(name, out TypedConstant d) && d.Value is int v ? v : fallback;

    private static bool PickBool(ArgumentReader r, Dictionary<string, TypedConstant> defaults, string name, bool fallback) =>
        r.HasNamed(name) ? r.Named(name, fallback) : defaults.TryGetValue(name, out TypedConstant d) && d.Value is bool v ? v : fallback;

    private static double PickDouble(ArgumentReader r, Dictionary<string, TypedConstant> defaults, string name, double fallback) =>
        r.HasNamed(name) ? r.Named(name, fallback) : defaults.TryGetValue(name, out TypedConstant d) ? ToDouble(d.Value, fallback) : fallback;

    internal static double ToDouble(object? value, double fallback) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        _ => fallback,
    };

    private static bool HasCompilerError(AttributeData attribute)
    {
        if (attribute.AttributeConstructor is null) return true;
        foreach (TypedConstant arg in attribute.ConstructorArguments) if (arg.Kind == TypedConstantKind.Error) return true;
        foreach (KeyValuePair<string, TypedConstant> arg in attribute.NamedArguments) if (arg.Value.Kind == TypedConstantKind.Error) return true;
        return false;
    }

    private static bool IsPartialEverywhere(INamedTypeSymbol type, CancellationToken ct)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(ct) is not ClassDeclarationSyntax declaration) return false;
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword)) return false;
        }
        return type.DeclaringSyntaxReferences.Length > 0;
    }

    private static bool IsValidName(string name)
    {
        if (name.Length == 0 || !IsAsciiLetter(name[0])) return false;
        foreach (char c in name) if (!(IsAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_')) return false;
        return true;
    }

    private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

    /// <summary><c>dense_1</c> → <c>Dense1</c>, <c>batch_normalization</c> → <c>BatchNormalization</c>.</summary>
    internal static string PascalCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        bool upper = true;
        foreach (char c in name)
        {
            if (c == '_') { upper = true; continue; }
            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return sb.ToString();
    }

    /// <summary>Reads an attribute's arguments by name or position, and finds their syntax for precise diagnostics.</summary>
    private sealed class ArgumentReader
    {
        private readonly AttributeData _data;
        private readonly AttributeSyntax? _syntax;

        public ArgumentReader(AttributeData data, AttributeSyntax? syntax, Location? fallback)
        {
            _data = data;
            _syntax = syntax;
            AttributeLocation = syntax?.GetLocation() ?? fallback;
        }

        public Location? AttributeLocation { get; }

        public bool HasNamed(string name)
        {
            foreach (KeyValuePair<string, TypedConstant> arg in _data.NamedArguments) if (arg.Key == name) return true;
            return false;
        }

        public T Named<T>(string name, T fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> arg in _data.NamedArguments)
            {
                if (arg.Key != name) continue;
                if (typeof(T) == typeof(double)) return (T)(object)ToDouble(arg.Value.Value, (double)(object)fallback!);
                if (arg.Value.Value is T value) return value;
            }
            return fallback;
        }

        public T? Named<T>(string name) where T : class
        {
            foreach (KeyValuePair<string, TypedConstant> arg in _data.NamedArguments) if (arg.Key == name) return arg.Value.Value as T;
            return null;
        }

        public T Ctor<T>(int index) where T : struct =>
            index < _data.ConstructorArguments.Length && _data.ConstructorArguments[index].Value is T value ? value : default;

        public double Ctor(int index, double fallback) =>
            index < _data.ConstructorArguments.Length ? ToDouble(_data.ConstructorArguments[index].Value, fallback) : fallback;

        public string? CtorString(int index) =>
            index < _data.ConstructorArguments.Length ? _data.ConstructorArguments[index].Value as string : null;

        /// <summary>Whether the constructor parameter was written in the source (not filled from its default).</summary>
        public bool HasCtor(string parameter, int position)
        {
            if (_syntax?.ArgumentList is null) return false;
            int positional = 0;
            foreach (AttributeArgumentSyntax arg in _syntax.ArgumentList.Arguments)
            {
                if (arg.NameEquals is not null) continue;
                if (arg.NameColon is not null)
                {
                    if (arg.NameColon.Name.Identifier.ValueText == parameter) return true;
                    continue;
                }
                if (positional++ == position) return true;
            }
            return false;
        }

        public Location? Location(string name, int position = -1) => ArgumentLocation(_syntax, name, position, AttributeLocation);
    }

    private static Location? ArgumentLocation(AttributeSyntax? syntax, string name, int position, Location? fallback)
    {
        if (syntax?.ArgumentList is null) return fallback;
        int positional = 0;
        foreach (AttributeArgumentSyntax arg in syntax.ArgumentList.Arguments)
        {
            if (arg.NameEquals is not null)
            {
                if (arg.NameEquals.Name.Identifier.ValueText == name) return arg.GetLocation();
                continue;
            }
            if (arg.NameColon is not null)
            {
                if (arg.NameColon.Name.Identifier.ValueText == name) return arg.GetLocation();
                continue;
            }
            if (positional++ == position) return arg.GetLocation();
        }
        return fallback;
    }
}
