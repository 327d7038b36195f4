using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using NetDsl;
using NetDsl.Onnx.Proto;

namespace NetDsl.Onnx.Tests;

/// <summary>Training on random data, running a model with ONNX Runtime, comparing outputs, checking a model's structure.</summary>
internal static class OnnxTestSupport
{
    /// <summary>The tolerance of the issue: ONNX Runtime's outputs equal Predict's within 1e-5.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>The networks under test, each created from a fixed seed.</summary>
    public static readonly IReadOnlyDictionary<string, Func<INetwork>> Networks = new Dictionary<string, Func<INetwork>>
    {
        [nameof(FashionBn)] = () => new FashionBn(1),
        [nameof(BnBeforeActivation)] = () => new BnBeforeActivation(2),
        [nameof(DenseActivationsLogits)] = () => new DenseActivationsLogits(3),
        [nameof(ActivationLayers)] = () => new ActivationLayers(4),
        [nameof(Dropouts)] = () => new Dropouts(5),
        [nameof(SeluStack)] = () => new SeluStack(6),
        [nameof(Flatten2D)] = () => new Flatten2D(7),
        [nameof(SkipAdd)] = () => new SkipAdd(8),
        [nameof(WideDeep)] = () => new WideDeep(9),
        [nameof(ConcatRegression)] = () => new ConcatRegression(10),
        [nameof(BinarySigmoid)] = () => new BinarySigmoid(11),
        [nameof(BinaryLogits)] = () => new BinaryLogits(12),
        [nameof(Tiny)] = () => new Tiny(13),
        [nameof(ClashingNames)] = () => new ClashingNames(14),
    };

    /// <summary>A network created and trained a few steps, so that its weights and BatchNorm statistics are not the initial ones.</summary>
    public static INetwork Trained(string name, int steps = 40)
    {
        INetwork network = Networks[name]();
        Train(network, steps);
        return network;
    }

    /// <summary>
    /// Inputs with a different mean and spread per feature (so that BatchNorm's statistics move away from 0 and 1);
    /// pixel-like values in [0, 1) for a 28×28 network.
    /// </summary>
    public static float[] Inputs(int count, int size, int seed)
    {
        var random = new Random(seed);
        var x = new float[count * size];
        bool pixels = size == 784;
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < size; j++)
            {
                if (pixels)
                {
                    x[i * size + j] = (float)random.NextDouble();
                    continue;
                }
                double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                x[i * size + j] = (float)((j % 5 - 2) * 0.5 + (0.5 + j % 3) * gaussian);
            }
        }
        return x;
    }

    /// <summary>Adam steps on random batches with targets of the network's loss.</summary>
    public static void Train(INetwork network, int steps, int batch = 32, int seed = 1)
    {
        var optimizer = new Adam(0.01);
        var random = new Random(seed);
        int outputs = network.OutputSize;
        for (int s = 0; s < steps; s++)
        {
            float[] x = Inputs(batch, network.InputSize, seed * 10_000 + s);
            switch (network.Loss)
            {
                case Loss.SparseCategoricalCrossentropy:
                {
                    int[] labels = Enumerable.Range(0, batch).Select(_ => random.Next(outputs)).ToArray();
                    network.TrainStep(x, labels, batch, optimizer);
                    break;
                }
                case Loss.CategoricalCrossentropy:
                {
                    var targets = new float[batch * outputs];
                    for (int i = 0; i < batch; i++) targets[i * outputs + random.Next(outputs)] = 1f;
                    network.TrainStep(x, targets, batch, optimizer);
                    break;
                }
                case Loss.BinaryCrossentropy:
                {
                    float[] targets = Enumerable.Range(0, batch * outputs).Select(_ => (float)random.Next(2)).ToArray();
                    network.TrainStep(x, targets, batch, optimizer);
                    break;
                }
                default:
                {
                    var targets = new float[batch * outputs];
                    int d = network.InputSize;
                    for (int i = 0; i < batch; i++)
                    {
                        for (int k = 0; k < outputs; k++) targets[i * outputs + k] = 2f * x[i * d + k % d] - x[i * d + (k + 1) % d] + 3f;
                    }
                    network.TrainStep(x, targets, batch, optimizer);
                    break;
                }
            }
        }
    }

    /// <summary>A session on one thread (the machine is shared), every graph optimization on.</summary>
    public static InferenceSession Session(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        return new InferenceSession(model, options);
    }

    /// <inheritdoc cref="Session(byte[])"/>
    public static InferenceSession Session(string path)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        return new InferenceSession(path, options);
    }

    /// <summary>Runs the model on <paramref name="count"/> samples given flat, shaped as the model's input declares.</summary>
    public static float[] Run(InferenceSession session, float[] x, int count, string input = "input", string output = "output")
    {
        int[] dims = session.InputMetadata[input].Dimensions;
        long[] shape = dims.Select(d => (long)d).ToArray();
        shape[0] = count;
        using var value = OrtValue.CreateTensorValueFromMemory(x, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, new[] { input }, new[] { value }, new[] { output });
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public static double MaxAbsDifference(float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length) throw new InvalidOperationException($"Lengths differ: {expected.Length} and {actual.Length}.");
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)expected[i] - actual[i]);
            if (double.IsNaN(d)) return double.PositiveInfinity;
            max = Math.Max(max, d);
        }
        return max;
    }

    /// <summary>
    /// What onnx.checker checks of a graph like ours: IR version and opset import present, every node input defined
    /// before it is read (graph input, initializer or an earlier node's output: topological order), every value
    /// produced once, unique node and initializer names, float initializers of the size their dims say, every graph output
    /// produced, the standard domain only. Returns the problems found.
    /// </summary>
    public static List<string> CheckModel(ModelProto model)
    {
        var problems = new List<string>();
        if (!model.HasIrVersion || model.IrVersion < 7) problems.Add($"ir_version {model.IrVersion}");
        if (model.OpsetImport.Count == 0) problems.Add("no opset_import");
        if (model.OpsetImport.Any(o => o.Domain != "" || !o.HasVersion)) problems.Add("an opset_import that is not the default domain with a version");
        GraphProto g = model.Graph;
        if (g is null) { problems.Add("no graph"); return problems; }
        if (string.IsNullOrEmpty(g.Name)) problems.Add("graph without a name");
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (ValueInfoProto input in g.Input)
        {
            if (!defined.Add(input.Name)) problems.Add($"input '{input.Name}' declared twice");
            if (input.Type?.TensorType is null || input.Type.TensorType.ElemType != (int)TensorProto.Types.DataType.Float) problems.Add($"input '{input.Name}' is not a float tensor");
        }
        foreach (TensorProto t in g.Initializer)
        {
            if (!defined.Add(t.Name)) problems.Add($"initializer '{t.Name}' defined twice");
            long elements = t.Dims.Aggregate(1L, (a, b) => a * b);
            if (t.DataType == (int)TensorProto.Types.DataType.Float && t.RawData.Length != elements * 4) problems.Add($"initializer '{t.Name}' holds {t.RawData.Length} bytes for {elements} floats");
            if (t.DataType == (int)TensorProto.Types.DataType.Int64 && t.Int64Data.Count != elements) problems.Add($"initializer '{t.Name}' holds {t.Int64Data.Count} int64 for {elements}");
        }
        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeProto node in g.Node)
        {
            if (!nodeNames.Add(node.Name)) problems.Add($"two nodes are named '{node.Name}'");
            if (string.IsNullOrEmpty(node.OpType)) problems.Add($"node '{node.Name}' without op_type");
            if (node.HasDomain && node.Domain != "") problems.Add($"node '{node.Name}' in domain '{node.Domain}'");
            foreach (string input in node.Input)
            {
                if (!defined.Contains(input)) problems.Add($"node '{node.Name}' ({node.OpType}) reads '{input}' before it is defined");
            }
            foreach (string output in node.Output)
            {
                if (!defined.Add(output)) problems.Add($"node '{node.Name}' ({node.OpType}) redefines '{output}'");
            }
            foreach (AttributeProto a in node.Attribute)
            {
                if (!a.HasType || a.Type == AttributeProto.Types.AttributeType.Undefined) problems.Add($"attribute '{a.Name}' of '{node.Name}' without a type");
            }
        }
        foreach (ValueInfoProto output in g.Output)
        {
            if (!defined.Contains(output.Name)) problems.Add($"graph output '{output.Name}' is never produced");
        }
        return problems;
    }

    public static float[] Softmax(float[] logits, int width)
    {
        var result = new float[logits.Length];
        for (int r = 0; r < logits.Length; r += width)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < width; j++) max = Math.Max(max, logits[r + j]);
            double sum = 0;
            for (int j = 0; j < width; j++) sum += Math.Exp(logits[r + j] - max);
            for (int j = 0; j < width; j++) result[r + j] = (float)(Math.Exp(logits[r + j] - max) / sum);
        }
        return result;
    }

    public static float[] Sigmoid(float[] logits) => logits.Select(z => (float)(1 / (1 + Math.Exp(-z)))).ToArray();
}
