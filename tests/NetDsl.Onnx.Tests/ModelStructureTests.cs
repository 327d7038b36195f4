using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using NetDsl;
using NetDsl.Onnx.Proto;
using Xunit;
using static NetDsl.Onnx.Tests.OnnxTestSupport;

namespace NetDsl.Onnx.Tests;

/// <summary>What the exported graph is made of: a well-formed model, the op mapping, folding, shapes, names, metadata.</summary>
public sealed class ModelStructureTests
{
    private static ModelProto Parse(byte[] bytes) => ModelProto.Parser.ParseFrom(bytes);

    private static List<NodeProto> Nodes(ModelProto model, string opType) => model.Graph.Node.Where(n => n.OpType == opType).ToList();

    private static float FloatAttribute(NodeProto node, string name) => node.Attribute.Single(a => a.Name == name).F;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (string name in Networks.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_export_is_a_well_formed_model_of_standard_ops(string name)
    {
        INetwork network = Trained(name, steps: 3);
        var allowed = new HashSet<string> { "Gemm", "Relu", "LeakyRelu", "Elu", "Selu", "Sigmoid", "Tanh", "Softmax", "BatchNormalization", "Add", "Concat", "Flatten", "Reshape", "Identity" };
        foreach (bool fold in new[] { true, false })
        {
            foreach (bool flat in new[] { true, false })
            {
                foreach (bool probabilities in new[] { true, false })
                {
                    var options = new OnnxExportOptions { FoldBatchNorm = fold, FlattenInput = flat, LogitsToProbabilities = probabilities };
                    ModelProto model = Parse(network.ToOnnxBytes(options));
                    Assert.Empty(CheckModel(model));
                    Assert.Equal(8, model.IrVersion);
                    Assert.Equal(17, Assert.Single(model.OpsetImport).Version);
                    Assert.All(model.Graph.Node, n => Assert.Contains(n.OpType, allowed));
                    Assert.Equal("input", Assert.Single(model.Graph.Input).Name);
                    Assert.Equal("output", Assert.Single(model.Graph.Output).Name);
                    Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "Identity");
                }
            }
        }
    }

    [Fact]
    public void BatchNorm_before_the_activation_folds_into_the_Dense_and_unfolded_is_a_BatchNormalization_node()
    {
        INetwork network = Trained(nameof(BnBeforeActivation));
        ModelProto folded = Parse(network.ToOnnxBytes(new OnnxExportOptions { FoldBatchNorm = true }));
        ModelProto unfolded = Parse(network.ToOnnxBytes(new OnnxExportOptions { FoldBatchNorm = false }));
        Assert.Empty(Nodes(folded, "BatchNormalization"));
        Assert.Equal(5, Nodes(folded, "Gemm").Count);
        Assert.Equal(4, Nodes(unfolded, "BatchNormalization").Count);
        Assert.Equal(5, Nodes(unfolded, "Gemm").Count);

        // Unfolded: Keras's parameters, with γ = 1 and β = 0 written for Scale = false and Center = false.
        var bn = (BatchNormLayer)network.Layers["batch_normalization_3"];
        NodeProto node = Nodes(unfolded, "BatchNormalization").Single(n => n.Name == "batch_normalization_3");
        Assert.Equal(0.01f, FloatAttribute(node, "epsilon"));
        Assert.Equal(bn.Epsilon, FloatAttribute(node, "epsilon"));
        TensorProto gamma = unfolded.Graph.Initializer.Single(t => t.Name == node.Input[1]);
        TensorProto mean = unfolded.Graph.Initializer.Single(t => t.Name == node.Input[3]);
        Assert.All(Floats(gamma), g => Assert.Equal(1f, g));
        Assert.Equal(bn.MovingMean.ToArray(), Floats(mean));
        Assert.NotEqual(new float[bn.Features], Floats(mean)); // the statistics were trained

        // Folded: W′ = W·γ/√(v + ε) column by column.
        var dense = (DenseLayer)network.Layers["dense"];
        var bn0 = (BatchNormLayer)network.Layers["batch_normalization"];
        TensorProto kernel = folded.Graph.Initializer.Single(t => t.Name == "dense/kernel");
        Assert.Equal(new long[] { 12, 32 }, kernel.Dims.ToArray());
        float[] w = Floats(kernel);
        for (int j = 0; j < dense.Units; j++)
        {
            double s = bn0.Gamma[j] / Math.Sqrt(bn0.MovingVariance[j] + (double)bn0.Epsilon);
            Assert.Equal((float)(dense.Kernel[5 * dense.Units + j] * s), w[5 * dense.Units + j]);
        }
        Assert.Contains(folded.Graph.Initializer, t => t.Name == "dense/bias"); // the folded bias of a Dense without one
    }

    [Theory]
    [InlineData(nameof(FashionBn), 3)]      // after Flatten and after activations: nothing to fold into
    [InlineData(nameof(SkipAdd), 1)]        // the Dense is read by the BatchNorm and by an Add
    [InlineData(nameof(ConcatRegression), 1)]
    [InlineData(nameof(BinaryLogits), 1)]   // after a ReLU Dense
    public void BatchNorm_that_cannot_fold_stays_a_BatchNormalization_node(string name, int count)
    {
        INetwork network = Trained(name, steps: 3);
        ModelProto model = Parse(network.ToOnnxBytes(new OnnxExportOptions { FoldBatchNorm = true }));
        Assert.Equal(count, Nodes(model, "BatchNormalization").Count);
    }

    [Fact]
    public void Activations_map_to_their_ONNX_ops_with_NetDsls_parameters()
    {
        ModelProto dense = Parse(Trained(nameof(DenseActivationsLogits), steps: 1).ToOnnxBytes());
        Assert.Equal(
            new[] { "Gemm", "Relu", "Gemm", "LeakyRelu", "Gemm", "LeakyRelu", "Gemm", "Elu", "Gemm", "Selu", "Gemm", "Sigmoid", "Gemm", "Tanh", "Gemm", "Gemm" },
            dense.Graph.Node.Select(n => n.OpType));
        List<NodeProto> leaky = Nodes(dense, "LeakyRelu");
        Assert.Equal(0.1f, FloatAttribute(leaky[0], "alpha"));
        Assert.Equal((float)((0.125 + 1.0 / 3.0) / 2), FloatAttribute(leaky[1], "alpha")); // RReLU's inference slope
        Assert.Equal(0.7f, FloatAttribute(Nodes(dense, "Elu")[0], "alpha"));
        NodeProto selu = Nodes(dense, "Selu")[0];
        Assert.Equal(Kernels.SeluAlpha, FloatAttribute(selu, "alpha"));
        Assert.Equal(Kernels.SeluLambda, FloatAttribute(selu, "gamma"));
        // ... which are ONNX's own defaults as floats.
        Assert.Equal(1.67326319217681884765625f, Kernels.SeluAlpha);
        Assert.Equal(1.05070102214813232421875f, Kernels.SeluLambda);

        ModelProto layers = Parse(Trained(nameof(ActivationLayers), steps: 1).ToOnnxBytes());
        List<NodeProto> leakyLayers = Nodes(layers, "LeakyRelu");
        Assert.Equal(0.2f, FloatAttribute(leakyLayers[0], "alpha"));
        Assert.Equal((float)((0.1 + 0.3) / 2), FloatAttribute(leakyLayers[1], "alpha"));
        Assert.Equal("r_re_lu", leakyLayers[1].Name);
        Assert.Equal(0.5f, FloatAttribute(Nodes(layers, "Elu")[0], "alpha"));
        NodeProto softmax = Assert.Single(Nodes(layers, "Softmax"));
        Assert.Equal(-1, softmax.Attribute.Single(a => a.Name == "axis").I);
        Assert.Equal("output", softmax.Output[0]);
    }

    [Fact]
    public void Dropout_and_AlphaDropout_write_no_node()
    {
        foreach (string name in new[] { nameof(Dropouts), nameof(SeluStack) })
        {
            ModelProto model = Parse(Trained(name, steps: 1).ToOnnxBytes());
            Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "Dropout" or "Identity");
            Assert.DoesNotContain(model.Graph.Node, n => n.Name.Contains("dropout", StringComparison.Ordinal));
        }
        // A trailing Dropout: the output is the Dense's, renamed.
        ModelProto dropouts = Parse(Trained(nameof(Dropouts), steps: 1).ToOnnxBytes());
        Assert.Equal("output", dropouts.Graph.Node.Last().Output[0]);
        Assert.Equal("dense_2", dropouts.Graph.Node.Last().Name);
    }

    [Fact]
    public void Skip_connections_become_Add_and_Concat_in_the_layers_order()
    {
        ModelProto add = Parse(Trained(nameof(SkipAdd), steps: 1).ToOnnxBytes());
        List<NodeProto> adds = Nodes(add, "Add");
        Assert.Equal(3, adds.Count);
        Assert.Equal(new[] { "dense", "h1" }, adds[0].Input);
        Assert.Equal(new[] { "add_1", "input" }, adds[2].Input);

        ModelProto wide = Parse(Trained(nameof(WideDeep), steps: 1).ToOnnxBytes());
        NodeProto concat = Assert.Single(Nodes(wide, "Concat"));
        Assert.Equal(new[] { "input", "hidden2" }, concat.Input); // Keras's Concatenate([input_, hidden2])
        Assert.Equal(1, concat.Attribute.Single(a => a.Name == "axis").I);
    }

    [Fact]
    public void The_input_has_the_declared_shape_or_is_flat_with_a_dynamic_batch()
    {
        INetwork network = Trained(nameof(FashionBn), steps: 1);
        using (InferenceSession session = Session(network.ToOnnxBytes()))
        {
            NodeMetadata input = session.InputMetadata["input"];
            Assert.Equal(new[] { -1, 28, 28 }, input.Dimensions);
            Assert.Equal("batch", input.SymbolicDimensions[0]);
            Assert.Equal(new[] { -1, 10 }, session.OutputMetadata["output"].Dimensions);
            Assert.Equal("batch", session.OutputMetadata["output"].SymbolicDimensions[0]);
        }
        byte[] flat = network.ToOnnxBytes(new OnnxExportOptions { FlattenInput = true, BatchDimensionName = "N" });
        using (InferenceSession session = Session(flat))
        {
            Assert.Equal(new[] { -1, 784 }, session.InputMetadata["input"].Dimensions);
            Assert.Equal("N", session.InputMetadata["input"].SymbolicDimensions[0]);
        }
        ModelProto model = Parse(flat);
        NodeProto reshape = Assert.Single(Nodes(model, "Reshape"));
        Assert.Equal(new long[] { -1, 28, 28 }, model.Graph.Initializer.Single(t => t.Name == reshape.Input[1]).Int64Data.ToArray());

        // A network declared flat has no Reshape and no Flatten to write.
        ModelProto flatNetwork = Parse(Trained(nameof(WideDeep), steps: 1).ToOnnxBytes(new OnnxExportOptions { FlattenInput = true }));
        Assert.DoesNotContain(flatNetwork.Graph.Node, n => n.OpType is "Reshape" or "Flatten");
    }

    [Fact]
    public void Names_versions_and_metadata_are_written()
    {
        INetwork network = Trained(nameof(Tiny), steps: 1);
        var options = new OnnxExportOptions
        {
            Opset = 21,
            GraphName = "tiny_graph",
            ProducerName = "tests",
            ProducerVersion = "9.9",
            ModelVersion = 7,
            DocString = "a tiny network",
            InputName = "pixels",
            OutputName = "probs",
        };
        byte[] bytes = network.ToOnnxBytes(options);
        ModelProto model = Parse(bytes);
        Assert.Equal(10, model.IrVersion);
        Assert.Equal(21, model.OpsetImport[0].Version);
        Assert.Equal("", model.OpsetImport[0].Domain);
        using InferenceSession session = Session(bytes);
        ModelMetadata metadata = session.ModelMetadata;
        Assert.Equal("tiny_graph", metadata.GraphName);
        Assert.Equal("tests", metadata.ProducerName);
        Assert.Equal(7, metadata.Version);
        Assert.Equal("a tiny network", metadata.Description);
        Assert.Equal("pixels", session.InputNames.Single());
        Assert.Equal("probs", session.OutputNames.Single());
        Assert.Equal("4,3", metadata.CustomMetadataMap["netdsl.input_shape"]);
        Assert.Equal("SparseCategoricalCrossentropy", metadata.CustomMetadataMap["netdsl.loss"]);
        Assert.Equal(network.Architecture, metadata.CustomMetadataMap["netdsl.architecture"]);
        Assert.Equal(typeof(Tiny).FullName, metadata.CustomMetadataMap["netdsl.network"]);

        ModelProto defaults = Parse(network.ToOnnxBytes());
        Assert.Equal("Tiny", defaults.Graph.Name);
        Assert.Equal("NetDsl", defaults.ProducerName);
        Assert.False(string.IsNullOrEmpty(defaults.ProducerVersion));
    }

    [Fact]
    public void Layer_names_that_clash_with_the_exporters_names_are_kept_apart()
    {
        INetwork network = Trained(nameof(ClashingNames), steps: 5);
        ModelProto model = Parse(network.ToOnnxBytes(new OnnxExportOptions { LogitsToProbabilities = true, FlattenInput = true }));
        Assert.Empty(CheckModel(model));
        Assert.Equal("Sigmoid", model.Graph.Node.Last().OpType);
        Assert.Equal("output", model.Graph.Node.Last().Output[0]);
        Assert.Equal(new[] { "Gemm", "Relu" }, model.Graph.Node.Take(2).Select(n => n.OpType));
        Assert.Equal("output_1", model.Graph.Node[1].Output[0]); // the layer named "output" writes a renamed tensor
        Assert.Equal("output_1", model.Graph.Node[2].Input[0]);
    }

    [Fact]
    public void The_layer_views_expose_the_hyperparameters_the_exporter_needs()
    {
        var activations = new ActivationLayers(1);
        Assert.Equal(Activation.LeakyRelu, activations.Layers.LeakyReLu.Activation);
        Assert.Equal(0.2f, activations.Layers.LeakyReLu.Alpha);
        Assert.Equal(Activation.RRelu, activations.Layers.RReLu.Activation);
        Assert.Equal((0.1f, 0.3f), (activations.Layers.RReLu.Lower, activations.Layers.RReLu.Upper));
        Assert.Equal((float)((0.1 + 0.3) / 2), activations.Layers.RReLu.Alpha);
        Assert.Equal(Activation.Selu, activations.Layers.Activation.Activation);
        Assert.Equal(Activation.Sigmoid, activations.Layers.Activation1.Activation);
        Assert.Equal(Activation.Tanh, activations.Layers.Activation2.Activation);
        Assert.Equal(Activation.Softmax, activations.Layers.Softmax.Activation);

        var dense = new DenseActivationsLogits(1);
        Assert.Equal(0.1f, dense.Layers.Dense1.Alpha);
        Assert.Equal((float)((0.125 + 1.0 / 3.0) / 2), dense.Layers.Dense2.Alpha);
        Assert.Equal(0.7f, dense.Layers.Dense3.Alpha);
        Assert.Equal(0f, dense.Layers.Dense.Alpha);

        var dropouts = new Dropouts(1);
        Assert.Equal(0.2f, dropouts.Layers.Dropout.Rate);
        Assert.Equal(0.2f, new SeluStack(1).Layers.AlphaDropout1.Rate);
        Assert.Equal("AlphaDropout", new SeluStack(1).Layers.AlphaDropout1.TypeName);

        var bn = new BnBeforeActivation(1);
        Assert.True(bn.Layers.BatchNormalization.Center && bn.Layers.BatchNormalization.Scale);
        Assert.False(bn.Layers.BatchNormalization1.Center);
        Assert.False(bn.Layers.BatchNormalization2.Scale);
        Assert.Equal(new[] { 28, 28 }, ((INetwork)new FashionBn(1)).InputShape);
        Assert.Equal(new[] { 12 }, ((INetwork)bn).InputShape);
    }

    private static float[] Floats(TensorProto tensor)
    {
        byte[] raw = tensor.RawData.ToByteArray();
        var values = new float[raw.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BitConverter.ToSingle(raw, i * 4);
        return values;
    }
}
