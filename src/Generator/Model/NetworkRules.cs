using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetDsl.Generator.Model;

/// <summary>
/// Where the Dense properties of one layer came from: written on its attribute, or inherited from <c>[DenseDefaults]</c>
/// (anything else is the attribute's own default). Strings only — no symbol, syntax or location.
/// </summary>
internal sealed class LayerOrigin
{
    private readonly HashSet<string> _explicit;
    private readonly HashSet<string> _defaulted;

    /// <summary>A layer with every property at its own default.</summary>
    public static readonly LayerOrigin None = new(Array.Empty<string>(), Array.Empty<string>());

    public LayerOrigin(IEnumerable<string> explicitProperties, IEnumerable<string> defaultedProperties)
    {
        _explicit = new HashSet<string>(explicitProperties, StringComparer.Ordinal);
        _defaulted = new HashSet<string>(defaultedProperties, StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="property"/> (PascalCase, e.g. <c>Init</c>, <c>Activation</c>) is written on the layer's attribute.</summary>
    public bool IsExplicit(string property) => _explicit.Contains(property);

    /// <summary>Whether <paramref name="property"/> comes from the network's <c>[DenseDefaults]</c>.</summary>
    public bool IsDefaulted(string property) => _defaulted.Contains(property);
}

/// <summary>
/// One piece of advice about a valid network: the diagnostic ID, the layer, the argument to report it on (a property
/// name such as <c>Init</c>, or null for the layer's attribute) and the message arguments.
/// </summary>
internal sealed class NetworkIssue
{
    public NetworkIssue(string id, int layerIndex, string? argument, params string[] arguments)
    {
        Id = id;
        LayerIndex = layerIndex;
        Argument = argument;
        Arguments = arguments;
    }

    public string Id { get; }

    /// <summary>Index of the layer in <see cref="NetworkSpec.Layers"/>.</summary>
    public int LayerIndex { get; }

    /// <summary>The property whose argument is at fault (it is written on the attribute), or null for the attribute itself.</summary>
    public string? Argument { get; }

    public string[] Arguments { get; }
}

/// <summary>
/// The chapter's advice as pure functions over a valid <see cref="NetworkSpec"/> (NDSL1001–NDSL1008, NDSL1010,
/// NDSL1011). Shared by the analyzers, which turn each <see cref="NetworkIssue"/> into a diagnostic at the argument
/// or attribute it names; the generator needs none of it.
/// </summary>
/// <remarks>
/// <para>
/// <b>A SELU network</b> is a network in which some layer applies SELU: a <c>[Dense]</c> whose activation is
/// <see cref="Activation.Selu"/> (written, or from <c>[DenseDefaults]</c>), or a stand-alone <c>[Selu]</c> layer.
/// </para>
/// <para>
/// <b>The activation a Dense feeds</b> is its own activation, or, when that is <see cref="Activation.Linear"/>, the
/// first stand-alone activation layer after it with only <c>[BatchNorm]</c>, <c>[Dropout]</c> or <c>[AlphaDropout]</c>
/// layers in between (Keras's <c>Dense(use_bias=False)</c>, <c>BatchNormalization()</c>, <c>Activation("relu")</c>
/// pattern). Any other layer in between (Dense, Flatten, Add, Concat) ends the search: the Dense is then linear. A
/// <b>SELU layer</b> is a Dense that feeds SELU. The initializer advice (NDSL1001, NDSL1005, NDSL1006) and the SELU
/// regularization advice (NDSL1010, NDSL1011) are about the Dense that feeds the activation.
/// </para>
/// </remarks>
internal static class NetworkRules
{
    /// <summary>The advice for <paramref name="spec"/>; <paramref name="origins"/> says, per layer, which properties were written or inherited.</summary>
    public static IReadOnlyList<NetworkIssue> Check(NetworkSpec spec, IReadOnlyList<LayerOrigin> origins)
    {
        var issues = new List<NetworkIssue>();
        EquatableArray<LayerSpec> layers = spec.Layers;
        int count = layers.Count;
        bool selu = IsSeluNetwork(spec);
        for (int i = 0; i < count; i++)
        {
            LayerSpec layer = layers[i];
            LayerOrigin origin = i < origins.Count ? origins[i] : LayerOrigin.None;
            string where = Describe(i, layer);
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                    CheckDense(spec, i, origin, issues);
                    break;
                case LayerKind.Activation:
                    if (layer.Activation == Activation.Softmax && i != count - 1)
                    {
                        issues.Add(new NetworkIssue(DiagnosticIds.SoftmaxNotLast, i, null, where, LastLayer(spec)));
                    }
                    break;
                case LayerKind.Dropout:
                    if (selu) issues.Add(new NetworkIssue(DiagnosticIds.DropoutInSeluNetwork, i, null, where, spec.ClassName, Format(layer.Rate)));
                    break;
                case LayerKind.AlphaDropout:
                    if (!selu) issues.Add(new NetworkIssue(DiagnosticIds.AlphaDropoutWithoutSelu, i, null, where, spec.ClassName, Format(layer.Rate)));
                    break;
                case LayerKind.Add:
                case LayerKind.Concat:
                    if (selu)
                    {
                        string what = layer.Kind == LayerKind.Add ? "skip connection" : "concatenation";
                        issues.Add(new NetworkIssue(DiagnosticIds.SeluNotSequential, i, null, where, spec.ClassName, what, layer.Reference ?? ""));
                    }
                    break;
            }
        }
        return issues;
    }

    /// <summary>Whether some layer of <paramref name="spec"/> applies SELU (a Dense with <see cref="Activation.Selu"/> or a <c>[Selu]</c> layer).</summary>
    public static bool IsSeluNetwork(NetworkSpec spec)
    {
        foreach (LayerSpec layer in spec.Layers)
        {
            if (layer.Kind is LayerKind.Dense or LayerKind.Activation && layer.Activation == Activation.Selu) return true;
        }
        return false;
    }

    /// <summary>
    /// The activation the Dense at <paramref name="index"/> feeds: its own, or the stand-alone activation layer that
    /// follows a linear Dense (through BatchNorm/Dropout/AlphaDropout only); <paramref name="via"/> is that layer's index, or −1.
    /// </summary>
    public static Activation FedActivation(NetworkSpec spec, int index, out int via)
    {
        via = -1;
        LayerSpec dense = spec.Layers[index];
        if (dense.Activation != Activation.Linear) return dense.Activation;
        for (int j = index + 1; j < spec.Layers.Count; j++)
        {
            LayerSpec next = spec.Layers[j];
            if (next.Kind is LayerKind.BatchNorm or LayerKind.Dropout or LayerKind.AlphaDropout) continue;
            if (next.Kind == LayerKind.Activation)
            {
                via = j;
                return next.Activation;
            }
            break;
        }
        return Activation.Linear;
    }

    /// <summary>ReLU, LeakyReLU, RReLU and ELU: the activations He initialization is derived for (not SELU, which wants LeCun).</summary>
    public static bool IsReluFamily(Activation activation) =>
        activation is Activation.Relu or Activation.LeakyRelu or Activation.RRelu or Activation.Elu;

    /// <summary>Sigmoid, tanh and softmax: the activations Glorot initialization is derived for.</summary>
    public static bool IsGlorotFamily(Activation activation) =>
        activation is Activation.Sigmoid or Activation.Tanh or Activation.Softmax;

    private static void CheckDense(NetworkSpec spec, int i, LayerOrigin origin, List<NetworkIssue> issues)
    {
        LayerSpec layer = spec.Layers[i];
        int count = spec.Layers.Count;
        string where = Describe(i, layer);
        Activation fed = FedActivation(spec, i, out int via);
        string activation = ActivationText(spec, fed, via, origin);
        string init = ValueText(origin, "Init", "Init." + layer.Init, "the default");

        if (fed == Activation.Selu)
        {
            if (layer.Init != Init.LecunNormal)
            {
                issues.Add(new NetworkIssue(DiagnosticIds.SeluInitialization, i, Target(origin, "Init"), where, activation, init));
            }
            // Each written L1/L2 is reported on its argument; inherited ones (only [DenseDefaults] can supply a
            // non-zero factor) together on the attribute.
            var inherited = new List<string>();
            foreach ((string property, double value) in new[] { ("L1", layer.L1), ("L2", layer.L2) })
            {
                if (!(value > 0)) continue;
                string text = property + " = " + Format(value);
                if (origin.IsExplicit(property)) issues.Add(new NetworkIssue(DiagnosticIds.SeluRegularization, i, property, where, text));
                else inherited.Add(text);
            }
            if (inherited.Count > 0)
            {
                issues.Add(new NetworkIssue(DiagnosticIds.SeluRegularization, i, null, where, string.Join(" and ", inherited) + " (from [DenseDefaults])"));
            }
            if (layer.MaxNorm > 0)
            {
                issues.Add(new NetworkIssue(DiagnosticIds.SeluMaxNorm, i, Target(origin, "MaxNorm"), where, ValueText(origin, "MaxNorm", "MaxNorm = " + Format(layer.MaxNorm), null)));
            }
        }
        else if (IsReluFamily(fed) && layer.Init is Init.GlorotUniform or Init.GlorotNormal or Init.LecunNormal or Init.LecunUniform)
        {
            issues.Add(new NetworkIssue(DiagnosticIds.ReluFamilyInitialization, i, Target(origin, "Init"), where, activation, init));
        }
        else if (IsGlorotFamily(fed) && layer.Init is Init.HeNormal or Init.HeUniform)
        {
            issues.Add(new NetworkIssue(DiagnosticIds.SaturatingInitialization, i, Target(origin, "Init"), where, activation, init));
        }

        if (layer.UseBias && layer.Activation == Activation.Linear && i + 1 < count && spec.Layers[i + 1].Kind == LayerKind.BatchNorm)
        {
            string bias = origin.IsDefaulted("UseBias") ? " (UseBias = true from [DenseDefaults])" : "";
            issues.Add(new NetworkIssue(DiagnosticIds.BiasBeforeBatchNorm, i, Target(origin, "UseBias"), where, bias, Describe(i + 1, spec.Layers[i + 1])));
        }

        if (layer.Activation == Activation.Softmax && i != count - 1)
        {
            issues.Add(new NetworkIssue(DiagnosticIds.SoftmaxNotLast, i, Target(origin, "Activation"), where, LastLayer(spec)));
        }
    }

    /// <summary>The argument to report on: the property's own, when it is written on the attribute; else the attribute.</summary>
    private static string? Target(LayerOrigin origin, string property) => origin.IsExplicit(property) ? property : null;

    /// <summary><paramref name="text"/>, with where it came from when it was not written on the layer.</summary>
    private static string ValueText(LayerOrigin origin, string property, string text, string? ownDefault)
    {
        if (origin.IsExplicit(property)) return text;
        if (origin.IsDefaulted(property)) return text + " (from [DenseDefaults])";
        return ownDefault is null ? text : $"{text} ({ownDefault})";
    }

    private static string ActivationText(NetworkSpec spec, Activation activation, int via, LayerOrigin origin)
    {
        string name = ActivationName(activation);
        if (via >= 0) return $"{name} (through {Describe(via, spec.Layers[via])})";
        return origin.IsDefaulted("Activation") ? name + " (from [DenseDefaults])" : name;
    }

    internal static string ActivationName(Activation activation) => activation switch
    {
        Activation.Relu => "ReLU",
        Activation.LeakyRelu => "LeakyReLU",
        Activation.RRelu => "RReLU",
        Activation.Elu => "ELU",
        Activation.Selu => "SELU",
        Activation.Sigmoid => "sigmoid",
        Activation.Tanh => "tanh",
        Activation.Softmax => "softmax",
        _ => "linear",
    };

    private static string LastLayer(NetworkSpec spec)
    {
        int last = spec.Layers.Count - 1;
        return Describe(last, spec.Layers[last]);
    }

    /// <summary><c>layer 2 (Dense 'dense_1')</c>: the index in declaration order, Keras's class name and the layer's name.</summary>
    internal static string Describe(int index, LayerSpec layer) =>
        string.Format(CultureInfo.InvariantCulture, "layer {0} ({1} '{2}')", index, layer.TypeName, layer.Name);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
