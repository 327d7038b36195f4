using NetDsl;
using Xunit;

namespace NetDsl.Integration.Tests;

/// <summary>Parameter counts and the summary table against Keras's (KERAS_SEMANTICS.md 1.4).</summary>
public class SummaryTests
{
    [Fact]
    public void Batch_norm_network_has_Keras_counts()
    {
        Assert.Equal(271_346, FashionBn.ParameterCount);
        Assert.Equal(268_978, FashionBn.TrainableParameterCount);
        Assert.Equal(2_368, FashionBn.NonTrainableParameterCount);
        Assert.Equal(784, FashionBn.InputSize);
        Assert.Equal(10, FashionBn.OutputSize);
        INetwork net = new FashionBn();
        Assert.Equal(271_346, net.ParameterCount);
        Assert.Equal(268_978, net.TrainableParameterCount);
        Assert.Equal(2_368, net.NonTrainableParameterCount);
    }

    [Fact]
    public void Batch_norm_network_without_biases_has_Keras_counts()
    {
        Assert.Equal(270_946, FashionBnNoBias.ParameterCount);
        Assert.Equal(268_578, FashionBnNoBias.TrainableParameterCount);
        Assert.Equal(2_368, FashionBnNoBias.NonTrainableParameterCount);
    }

    [Fact]
    public void Notebook_networks_have_Keras_counts()
    {
        Assert.Equal(266_610, FashionLeaky.ParameterCount);
        Assert.Equal(266_610, FashionMlp.ParameterCount);
        Assert.Equal(275_801, ModelB.ParameterCount);
        Assert.Equal(275_801, ModelB.TrainableParameterCount);
        Assert.Equal(266_610, RegularizedNet.ParameterCount);
    }

    [Fact]
    public void Summary_is_Keras_2_table()
    {
        const string expected =
            "Model: \"FashionBn\"\n" +
            "_________________________________________________________________\n" +
            "Layer (type)                 Output Shape              Param #   \n" +
            "=================================================================\n" +
            "flatten (Flatten)            (None, 784)               0         \n" +
            "_________________________________________________________________\n" +
            "batch_normalization (BatchNo (None, 784)               3136      \n" +
            "_________________________________________________________________\n" +
            "dense (Dense)                (None, 300)               235500    \n" +
            "_________________________________________________________________\n" +
            "batch_normalization_1 (Batch (None, 300)               1200      \n" +
            "_________________________________________________________________\n" +
            "dense_1 (Dense)              (None, 100)               30100     \n" +
            "_________________________________________________________________\n" +
            "batch_normalization_2 (Batch (None, 100)               400       \n" +
            "_________________________________________________________________\n" +
            "dense_2 (Dense)              (None, 10)                1010      \n" +
            "=================================================================\n" +
            "Total params: 271,346\n" +
            "Trainable params: 268,978\n" +
            "Non-trainable params: 2,368\n" +
            "_________________________________________________________________\n";
        Assert.Equal(expected, new FashionBn().Summary());
    }

    [Fact]
    public void Frozen_layers_count_as_non_trainable()
    {
        var net = new FashionBn();
        net.Layers.Dense.Trainable = false;
        net.Layers.BatchNormalization.Trainable = false;
        INetwork n = net;
        Assert.Equal(268_978 - 235_500 - 1_568, n.TrainableParameterCount);
        Assert.Equal(2_368 + 235_500 + 1_568, n.NonTrainableParameterCount);
        Assert.Contains("Trainable params: 31,910", net.Summary());
        Assert.Contains("Non-trainable params: 239,436", net.Summary());
        net.Layers.Dense.Trainable = true;
        Assert.Contains("Trainable params: 267,410", net.Summary());
    }

    [Fact]
    public void Layers_have_Keras_default_names_and_typed_views()
    {
        var net = new FashionBnNoBias();
        Assert.Equal(new[] { "flatten", "batch_normalization", "dense", "batch_normalization_1", "re_lu", "dense_1", "batch_normalization_2", "re_lu_1", "dense_2" },
            System.Linq.Enumerable.Select(net.Layers, l => l.Name));
        Assert.Equal(784 * 300, net.Layers.Dense.Kernel.Length);
        Assert.True(net.Layers.Dense.Bias.IsEmpty);
        Assert.Equal(300, net.Layers.BatchNormalization1.Gamma.Length);
        Assert.Same(net.Layers.Dense1, net.Layers["dense_1"]);
        Assert.Equal("ReLU", net.Layers.ReLu.TypeName);
    }
}
