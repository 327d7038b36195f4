using System;

namespace NetDsl;

/// <summary>
/// How <see cref="OnnxExport.ExportOnnx(INetwork, string, OnnxExportOptions?)"/> writes a network: the operator set,
/// names, whether BatchNorm is folded into the preceding Dense, the input's shape and the output's form. The defaults
/// write a model whose output equals what <see cref="NetworkExtensions.Predict(INetwork, Dataset, int)"/> returns.
/// </summary>
public sealed class OnnxExportOptions
{
    /// <summary>The lowest ONNX operator set the exporter writes (Softmax's per-axis semantics date from opset 13).</summary>
    public const int MinimumOpset = 13;

    /// <summary>The highest ONNX operator set the exporter writes (opset 23, IR version 11: ONNX 1.18).</summary>
    public const int MaximumOpset = 23;

    /// <summary>The default operator set, 17 (ONNX 1.12, IR version 8), read by every ONNX Runtime since 1.12.</summary>
    public const int DefaultOpset = 17;

    /// <summary>
    /// The version of the default ONNX operator set (domain <c>ai.onnx</c>) the model imports, from
    /// <see cref="MinimumOpset"/> to <see cref="MaximumOpset"/>; default <see cref="DefaultOpset"/>. The model's IR
    /// version follows from it (7 for opsets 13–14, 8 for 15–18, 9 for 19–20, 10 for 21–22, 11 for 23).
    /// </summary>
    public int Opset { get; set; } = DefaultOpset;

    /// <summary>The graph's name; <c>null</c> (the default) uses the network's class name.</summary>
    public string? GraphName { get; set; }

    /// <summary>The model's <c>producer_name</c>; default <c>NetDsl</c>.</summary>
    public string ProducerName { get; set; } = "NetDsl";

    /// <summary>The model's <c>producer_version</c>; <c>null</c> (the default) uses the version of NetDsl.Onnx.</summary>
    public string? ProducerVersion { get; set; }

    /// <summary>The model's <c>model_version</c>; default 1.</summary>
    public long ModelVersion { get; set; } = 1;

    /// <summary>A description stored as the model's <c>doc_string</c>; <c>null</c> (the default) writes none.</summary>
    public string? DocString { get; set; }

    /// <summary>The name of the graph's input tensor; default <c>input</c>.</summary>
    public string InputName { get; set; } = "input";

    /// <summary>The name of the graph's output tensor; default <c>output</c>.</summary>
    public string OutputName { get; set; } = "output";

    /// <summary>The name of the dynamic first dimension of the input and the output; default <c>batch</c>.</summary>
    public string BatchDimensionName { get; set; } = "batch";

    /// <summary>
    /// Whether a <c>[BatchNorm]</c> that reads a linear <c>[Dense]</c> (BatchNorm before the activation, the chapter's
    /// <c>UseBias = false</c> pattern) is folded into that Dense's weights: <c>W′ = W·s</c>, <c>b′ = (b − m)·s + β</c>
    /// with <c>s = γ/√(v + ε)</c>, one <c>Gemm</c> instead of a <c>Gemm</c> and a <c>BatchNormalization</c>. Default
    /// <c>true</c>. A BatchNorm that cannot be folded (after an activation, after Flatten, or reading a Dense whose
    /// output is also used elsewhere) is written as a <c>BatchNormalization</c> node either way; with <c>false</c> every
    /// BatchNorm is.
    /// </summary>
    public bool FoldBatchNorm { get; set; } = true;

    /// <summary>
    /// Whether the input is declared flat, <c>[batch, InputSize]</c>, as NetDsl's <see cref="Dataset"/> rows are, rather
    /// than with the network's declared shape, <c>[batch, 28, 28]</c> for <c>[Network(28, 28)]</c> (the default,
    /// <c>false</c>, as a Keras model's input). For a network declared with a multi-dimensional input, a flat input is
    /// followed by a <c>Reshape</c> to the declared shape. For a <c>[Network(n)]</c> both are <c>[batch, n]</c>.
    /// </summary>
    public bool FlattenInput { get; set; }

    /// <summary>
    /// For a network whose output is logits (a linear output layer with a cross-entropy loss, Keras's
    /// <c>from_logits=True</c>), whether to append the activation the loss implies — <c>Softmax</c> for a categorical
    /// cross-entropy, <c>Sigmoid</c> for binary cross-entropy — so that the model outputs probabilities. Default
    /// <c>false</c>: the output is the logits, as <see cref="NetworkExtensions.Predict(INetwork, Dataset, int)"/>
    /// returns them. Networks with a Softmax or Sigmoid output layer output probabilities either way; a regression
    /// network's output is unchanged.
    /// </summary>
    public bool LogitsToProbabilities { get; set; }

    internal void Validate()
    {
        if (Opset < MinimumOpset || Opset > MaximumOpset)
        {
            throw new ArgumentOutOfRangeException(nameof(Opset), Opset, $"The ONNX opset must be between {MinimumOpset} and {MaximumOpset}.");
        }
        CheckName(InputName, nameof(InputName));
        CheckName(OutputName, nameof(OutputName));
        CheckName(BatchDimensionName, nameof(BatchDimensionName));
        if (ProducerName is null) throw new ArgumentNullException(nameof(ProducerName), "The producer name must not be null (use \"\" for none).");
        if (InputName == OutputName)
        {
            throw new ArgumentException($"The input and the output must have different names; both are '{InputName}'.", nameof(OutputName));
        }
    }

    private static void CheckName(string? name, string property)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"{property} must be a non-empty name.", property);
    }
}
