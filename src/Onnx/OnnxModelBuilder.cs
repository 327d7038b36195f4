using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Google.Protobuf;
using NetDsl.Onnx.Proto;

namespace NetDsl.Onnx;

/// <summary>
/// Builds the ONNX <c>ModelProto</c> of a network from its runtime layer views: one pass over the layers in order
/// (they are topologically sorted: a layer reads only earlier layers), each layer's output a named tensor.
/// </summary>
internal sealed class OnnxModelBuilder
{
    /// <summary>The name the generated layer views give the network's input in <see cref="Layer.Inbound"/>.</summary>
    private const string InboundInputName = "input_1";

    private readonly INetwork _network;
    private readonly OnnxExportOptions _options;
    private readonly IReadOnlyList<Layer> _layers;
    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    /// <summary>The layers each layer reads (−1: the network's input), in the order of <see cref="Layer.Inbound"/>.</summary>
    private readonly int[][] _inputs;

    /// <summary>For a Dense whose BatchNorm is folded into it, the BatchNorm's index; −1 otherwise.</summary>
    private readonly int[] _foldedInto;

    private OnnxModelBuilder(INetwork network, OnnxExportOptions options)
    {
        _network = network;
        _options = options;
        _layers = network.Layers.ToArray();
        if (_layers.Count == 0) throw new ArgumentException("The network has no layers.", nameof(network));
        _inputs = new int[_layers.Count][];
        for (int i = 0; i < _layers.Count; i++) _inputs[i] = ResolveInputs(i);
        _foldedInto = new int[_layers.Count];
        Array.Fill(_foldedInto, -1);
        if (options.FoldBatchNorm) FindFoldableBatchNorms();
    }

    /// <summary>The model of <paramref name="network"/>; the options are validated.</summary>
    internal static ModelProto Build(INetwork network, OnnxExportOptions options) => new OnnxModelBuilder(network, options).Build();

    /// <summary>The IR version of the ONNX release that introduced <paramref name="opset"/> (onnx/helper.py's VERSION_TABLE).</summary>
    internal static long IrVersion(int opset) => opset switch
    {
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        <= 22 => 10,
        _ => 11,
    };

    private ModelProto Build()
    {
        _names.Add(_options.InputName);
        _names.Add(_options.OutputName);
        string graphName = string.IsNullOrEmpty(_options.GraphName) ? _network.GetType().Name : _options.GraphName;
        _graph.Name = graphName;

        IReadOnlyList<int> inputShape = _network.InputShape;
        if (Product(inputShape) != _network.InputSize)
        {
            throw new ArgumentException($"The network's input shape ({string.Join(", ", inputShape)}) does not hold its {_network.InputSize} inputs.", "network");
        }

        // The input, reshaped to the declared shape when it is given flat.
        string input = _options.InputName;
        if (_options.FlattenInput)
        {
            _graph.Input.Add(FloatValue(_options.InputName, new[] { _network.InputSize }));
            if (inputShape.Count > 1)
            {
                long[] target = new long[inputShape.Count + 1];
                target[0] = -1;
                for (int d = 0; d < inputShape.Count; d++) target[d + 1] = inputShape[d];
                string shape = Int64Initializer("input/shape", target);
                input = Fresh("input/reshaped");
                AddNode("Reshape", "input/reshape", new[] { _options.InputName, shape }, input,
                    doc: $"the flat input as the declared shape ({string.Join(", ", inputShape)})");
            }
        }
        else
        {
            _graph.Input.Add(FloatValue(_options.InputName, inputShape));
        }

        // The layers.
        var values = new string[_layers.Count];
        var shapes = new IReadOnlyList<int>[_layers.Count];
        string ValueOf(int node) => node < 0 ? input : values[node];
        IReadOnlyList<int> ShapeOf(int node) => node < 0 ? inputShape : shapes[node];
        for (int i = 0; i < _layers.Count; i++)
        {
            Layer layer = _layers[i];
            shapes[i] = layer.OutputShape;
            if (values[i] is not null) continue; // a BatchNorm folded into its Dense, written with it
            string x = ValueOf(_inputs[i][0]);
            switch (layer)
            {
                case DenseLayer dense:
                    values[i] = EmitDense(i, dense, x);
                    break;
                case BatchNormLayer bn:
                    values[i] = EmitBatchNorm(bn, x);
                    break;
                case ActivationLayer activation:
                    values[i] = EmitActivation(activation.Activation, activation.Alpha, x, Fresh(layer.Name), layer.Name, layer.TypeName);
                    break;
                case DropoutLayer:
                    values[i] = x; // the identity at inference
                    break;
                default:
                    values[i] = layer.TypeName switch
                    {
                        "Flatten" => ShapeOf(_inputs[i][0]).Count > 1 ? AddNode("Flatten", layer.Name, new[] { x }, Fresh(layer.Name), null, Attribute("axis", 1L)) : x,
                        "Add" => AddNode("Add", layer.Name, _inputs[i].Select(ValueOf).ToArray(), Fresh(layer.Name)),
                        "Concatenate" => AddNode("Concat", layer.Name, _inputs[i].Select(ValueOf).ToArray(), Fresh(layer.Name), null, Attribute("axis", 1L)),
                        _ => throw Unsupported(layer),
                    };
                    break;
            }
            if (_foldedInto[i] >= 0) values[_foldedInto[i]] = values[i];
        }

        // The output, with the probabilities' activation when asked for and the output is logits.
        string outputKind = OutputKind(out Activation? toProbabilities);
        string result = values[_layers.Count - 1];
        if (_options.LogitsToProbabilities && toProbabilities is Activation act)
        {
            result = EmitActivation(act, 0f, result, Fresh("probabilities"), "probabilities", "the loss's activation on the logits");
            outputKind = "probabilities";
        }
        NameOutput(result);
        _graph.Output.Add(FloatValue(_options.OutputName, new[] { _network.OutputSize }));

        var model = new ModelProto
        {
            IrVersion = IrVersion(_options.Opset),
            ProducerName = _options.ProducerName,
            ProducerVersion = _options.ProducerVersion ?? ProducerVersionDefault(),
            ModelVersion = _options.ModelVersion,
            Graph = _graph,
        };
        if (_options.DocString is not null) model.DocString = _options.DocString;
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _options.Opset });
        Metadata(model, "netdsl.network", _network.GetType().FullName ?? _network.GetType().Name);
        Metadata(model, "netdsl.input_shape", string.Join(",", inputShape));
        Metadata(model, "netdsl.loss", _network.Loss.ToString());
        Metadata(model, "netdsl.output", outputKind);
        Metadata(model, "netdsl.architecture", _network.Architecture);
        return model;
    }

    // ----- layers -----

    private string EmitDense(int index, DenseLayer dense, string x)
    {
        int inputs = dense.Inputs, units = dense.Units;
        float[] kernel = dense.Kernel.ToArray();
        float[]? bias = dense.UseBias ? dense.Bias.ToArray() : null;
        CheckFinite(kernel, dense, "kernel");
        if (bias is not null) CheckFinite(bias, dense, "bias");
        string nodeName = dense.Name;
        string? doc = null;
        Layer outputLayer = dense;
        if (_foldedInto[index] >= 0)
        {
            var bn = (BatchNormLayer)_layers[_foldedInto[index]];
            (kernel, bias) = Fold(kernel, bias, inputs, units, bn);
            doc = $"{dense.Name} with {bn.Name} folded in";
            outputLayer = bn;
        }
        var gemmInputs = new List<string> { x, FloatInitializer(dense.Name + "/kernel", new long[] { inputs, units }, kernel) };
        if (bias is not null) gemmInputs.Add(FloatInitializer(dense.Name + "/bias", new long[] { units }, bias));
        if (dense.Activation == Activation.Linear)
        {
            return AddNode("Gemm", nodeName, gemmInputs.ToArray(), Fresh(outputLayer.Name), doc: doc);
        }
        string linear = AddNode("Gemm", nodeName, gemmInputs.ToArray(), Fresh(dense.Name + "/linear"), doc: doc);
        return EmitActivation(dense.Activation, dense.Alpha, linear, Fresh(dense.Name), dense.Name + "/" + dense.Activation.ToString().ToLowerInvariant(), null);
    }

    /// <summary>
    /// Folds a BatchNorm in inference mode, <c>y = (z − m)·s + β</c> with <c>s = γ/√(v + ε)</c>, into the Dense
    /// <c>z = x·W + b</c> that feeds it: <c>W′ = W·s</c> (column-wise), <c>b′ = (b − m)·s + β</c>. In double, rounded once.
    /// </summary>
    private static (float[] Kernel, float[] Bias) Fold(float[] kernel, float[]? bias, int inputs, int units, BatchNormLayer bn)
    {
        float[] gamma = bn.Gamma.ToArray(), beta = bn.Beta.ToArray(), mean = bn.MovingMean.ToArray(), variance = bn.MovingVariance.ToArray();
        CheckBatchNorm(bn, gamma, beta, mean, variance);
        var scale = new double[units];
        for (int j = 0; j < units; j++) scale[j] = (gamma.Length > 0 ? gamma[j] : 1.0) / Math.Sqrt((double)variance[j] + bn.Epsilon);
        var folded = new float[kernel.Length];
        for (int i = 0; i < inputs; i++)
        {
            for (int j = 0; j < units; j++) folded[i * units + j] = (float)(kernel[i * units + j] * scale[j]);
        }
        var foldedBias = new float[units];
        for (int j = 0; j < units; j++)
        {
            double b = bias is null ? 0.0 : bias[j];
            foldedBias[j] = (float)((b - mean[j]) * scale[j] + (beta.Length > 0 ? beta[j] : 0.0));
        }
        CheckFinite(folded, bn, "kernel folded with the statistics");
        CheckFinite(foldedBias, bn, "bias folded with the statistics");
        return (folded, foldedBias);
    }

    private string EmitBatchNorm(BatchNormLayer bn, string x)
    {
        int c = bn.Features;
        float[] gamma = bn.Gamma.ToArray(), beta = bn.Beta.ToArray(), mean = bn.MovingMean.ToArray(), variance = bn.MovingVariance.ToArray();
        CheckBatchNorm(bn, gamma, beta, mean, variance);
        if (gamma.Length == 0) gamma = Enumerable.Repeat(1f, c).ToArray();
        if (beta.Length == 0) beta = new float[c];
        long[] dims = { c };
        string[] inputs =
        {
            x,
            FloatInitializer(bn.Name + (bn.Scale ? "/gamma" : "/gamma_ones"), dims, gamma),
            FloatInitializer(bn.Name + (bn.Center ? "/beta" : "/beta_zeros"), dims, beta),
            FloatInitializer(bn.Name + "/moving_mean", dims, mean),
            FloatInitializer(bn.Name + "/moving_variance", dims, variance),
        };
        return AddNode("BatchNormalization", bn.Name, inputs, Fresh(bn.Name), null,
            Attribute("epsilon", bn.Epsilon), Attribute("momentum", bn.Momentum));
    }

    /// <summary>Writes the node of <paramref name="activation"/> from <paramref name="x"/> to <paramref name="output"/>; returns <paramref name="output"/>.</summary>
    private string EmitActivation(Activation activation, float alpha, string x, string output, string nodeName, string? doc)
    {
        return activation switch
        {
            Activation.Linear => AddNode("Identity", nodeName, new[] { x }, output, doc: doc),
            Activation.Relu => AddNode("Relu", nodeName, new[] { x }, output, doc: doc),
            // RReLU at inference is a leaky ReLU with the mean slope (lower + upper)/2 (PyTorch's and tfa's evaluation).
            Activation.LeakyRelu or Activation.RRelu => AddNode("LeakyRelu", nodeName, new[] { x }, output, doc, Attribute("alpha", alpha)),
            Activation.Elu => AddNode("Elu", nodeName, new[] { x }, output, doc, Attribute("alpha", alpha)),
            // NetDsl's constants, the same floats as ONNX's defaults, written out so no consumer's default is relied on.
            Activation.Selu => AddNode("Selu", nodeName, new[] { x }, output, doc, Attribute("alpha", Kernels.SeluAlpha), Attribute("gamma", Kernels.SeluLambda)),
            Activation.Sigmoid => AddNode("Sigmoid", nodeName, new[] { x }, output, doc: doc),
            Activation.Tanh => AddNode("Tanh", nodeName, new[] { x }, output, doc: doc),
            Activation.Softmax => AddNode("Softmax", nodeName, new[] { x }, output, doc, Attribute("axis", -1L)),
            _ => throw new NotSupportedException($"The activation {activation} has no ONNX export."),
        };
    }

    // ----- the graph's structure -----

    private int[] ResolveInputs(int index)
    {
        Layer layer = _layers[index];
        if (layer.Inbound is not { } inbound) return new[] { index - 1 };
        if (inbound.Count == 0) throw new NotSupportedException($"The layer '{layer.Name}' reads no layer.");
        var result = new int[inbound.Count];
        for (int k = 0; k < inbound.Count; k++)
        {
            string name = inbound[k];
            int found = -1;
            for (int j = 0; j < index; j++)
            {
                if (_layers[j].Name == name) found = j;
            }
            if (name == InboundInputName)
            {
                if (found >= 0)
                {
                    throw new NotSupportedException(
                        $"The layer '{layer.Name}' reads '{InboundInputName}', which names both the network's input and a layer; rename the layer '{InboundInputName}' to export the network.");
                }
                result[k] = -1;
            }
            else if (found >= 0)
            {
                result[k] = found;
            }
            else
            {
                throw new NotSupportedException($"The layer '{layer.Name}' reads '{name}', which is no earlier layer of the network.");
            }
        }
        return result;
    }

    /// <summary>A BatchNorm folds into the Dense it reads when that Dense is linear and the BatchNorm is its only reader.</summary>
    private void FindFoldableBatchNorms()
    {
        var readers = new int[_layers.Count];
        foreach (int[] inputs in _inputs)
        {
            foreach (int node in inputs)
            {
                if (node >= 0) readers[node]++;
            }
        }
        for (int i = 0; i < _layers.Count; i++)
        {
            if (_layers[i] is not BatchNormLayer || _inputs[i].Length != 1) continue;
            int d = _inputs[i][0];
            if (d >= 0 && _layers[d] is DenseLayer { Activation: Activation.Linear } && readers[d] == 1) _foldedInto[d] = i;
        }
    }

    /// <summary>What the network outputs (as <see cref="NetworkExtensions.Predict(INetwork, Dataset, int)"/> returns it), and the activation that turns logits into probabilities.</summary>
    private string OutputKind(out Activation? toProbabilities)
    {
        Layer last = _layers[_layers.Count - 1];
        Activation final = last switch
        {
            DenseLayer d => d.Activation,
            ActivationLayer a => a.Activation,
            _ => Activation.Linear,
        };
        toProbabilities = null;
        switch (_network.Loss)
        {
            case Loss.SparseCategoricalCrossentropy:
            case Loss.CategoricalCrossentropy:
                if (final == Activation.Softmax) return "probabilities";
                if (final != Activation.Linear) return "values";
                toProbabilities = Activation.Softmax;
                return "logits";
            case Loss.BinaryCrossentropy:
                if (final == Activation.Sigmoid) return "probabilities";
                if (final != Activation.Linear) return "values";
                toProbabilities = Activation.Sigmoid;
                return "logits";
            default:
                return "values";
        }
    }

    /// <summary>Gives the final tensor the output's name (renaming it where it is produced and read), or copies the input to it.</summary>
    private void NameOutput(string result)
    {
        bool produced = _graph.Node.Any(n => n.Output.Contains(result));
        if (!produced)
        {
            AddNode("Identity", "output", new[] { result }, _options.OutputName);
            return;
        }
        foreach (NodeProto node in _graph.Node)
        {
            for (int k = 0; k < node.Input.Count; k++) if (node.Input[k] == result) node.Input[k] = _options.OutputName;
            for (int k = 0; k < node.Output.Count; k++) if (node.Output[k] == result) node.Output[k] = _options.OutputName;
        }
    }

    // ----- protobuf helpers -----

    /// <summary>A tensor or initializer name not used yet: <paramref name="preferred"/>, else with a numeric suffix.</summary>
    private string Fresh(string preferred) => Unique(_names, preferred);

    private static string Unique(HashSet<string> used, string preferred)
    {
        if (used.Add(preferred)) return preferred;
        for (int k = 1; ; k++)
        {
            string candidate = preferred + "_" + k.ToString(CultureInfo.InvariantCulture);
            if (used.Add(candidate)) return candidate;
        }
    }

    /// <summary>Appends a node (its name made unique among the nodes: ONNX Runtime requires it) and returns its output.</summary>
    private string AddNode(string opType, string name, string[] inputs, string output, string? doc = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(_nodeNames, name) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        if (doc is not null) node.DocString = doc;
        _graph.Node.Add(node);
        return output;
    }

    private string FloatInitializer(string preferredName, long[] dims, float[] data)
    {
        var bytes = new byte[data.Length * sizeof(float)];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), data[i]);
        var tensor = new TensorProto { Name = Fresh(preferredName), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private string Int64Initializer(string preferredName, long[] data)
    {
        var tensor = new TensorProto { Name = Fresh(preferredName), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(data.Length);
        tensor.Int64Data.AddRange(data);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private ValueInfoProto FloatValue(string name, IReadOnlyList<int> perSampleShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = _options.BatchDimensionName });
        foreach (int d in perSampleShape) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static void Metadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

    private static string ProducerVersionDefault()
    {
        Assembly assembly = typeof(OnnxModelBuilder).Assembly;
        string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (informational is not null)
        {
            int plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus >= 0 ? informational[..plus] : informational;
        }
        return assembly.GetName().Version?.ToString() ?? "0.0.0";
    }

    // ----- checks -----

    private static void CheckBatchNorm(BatchNormLayer bn, float[] gamma, float[] beta, float[] mean, float[] variance)
    {
        CheckFinite(gamma, bn, "gamma");
        CheckFinite(beta, bn, "beta");
        CheckFinite(mean, bn, "moving mean");
        CheckFinite(variance, bn, "moving variance");
        for (int j = 0; j < variance.Length; j++)
        {
            if (variance[j] < 0f)
            {
                throw new ArgumentException($"Cannot export the network: the moving variance of '{bn.Name}' is negative ({variance[j].ToString(CultureInfo.InvariantCulture)}) at feature {j}.", "network");
            }
        }
    }

    private static void CheckFinite(float[] values, Layer layer, string what)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    $"Cannot export the network: the {what} of '{layer.Name}' has a non-finite value ({values[i].ToString(CultureInfo.InvariantCulture)}) at index {i}; the weights are not usable (did training diverge?).", "network");
            }
        }
    }

    private static NotSupportedException Unsupported(Layer layer) =>
        new($"The layer '{layer.Name}' ({layer.TypeName}, {layer.GetType().Name}) has no ONNX export; rebuild the network with the NetDsl generator of this NetDsl.Onnx version.");

    private static long Product(IReadOnlyList<int> shape)
    {
        long p = 1;
        foreach (int d in shape) p *= d;
        return p;
    }
}
