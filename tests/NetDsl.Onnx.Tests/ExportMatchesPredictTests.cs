using System;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using NetDsl;
using Xunit;
using Xunit.Abstractions;
using static NetDsl.Onnx.Tests.OnnxTestSupport;

namespace NetDsl.Onnx.Tests;

/// <summary>
/// The acceptance test: every network, trained, exported, loaded by ONNX Runtime, gives Predict's outputs within
/// 1e-5 on a batch of 1,000 samples and on a single sample — BatchNorm folded and unfolded, input declared shaped and flat.
/// </summary>
public sealed class ExportMatchesPredictTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "netdsl-onnx-" + Guid.NewGuid().ToString("N"));

    public ExportMatchesPredictTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, bool, bool> Cases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (string name in Networks.Keys)
        {
            foreach (bool fold in new[] { true, false })
            {
                foreach (bool flat in new[] { false, true }) data.Add(name, fold, flat);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Onnx_Runtime_reproduces_Predict(string name, bool foldBatchNorm, bool flattenInput)
    {
        INetwork network = Trained(name);
        string path = Path.Combine(_dir, name + ".onnx");
        network.ExportOnnx(path, new OnnxExportOptions { FoldBatchNorm = foldBatchNorm, FlattenInput = flattenInput });
        using InferenceSession session = Session(path);

        const int count = 1000;
        float[] x = Inputs(count, network.InputSize, seed: 4242);
        float[] expected = network.Predict(x, count);
        float[] actual = Run(session, x, count);
        double batchDelta = MaxAbsDifference(expected, actual);

        float[] one = x.AsSpan(0, network.InputSize).ToArray();
        double oneDelta = MaxAbsDifference(network.Predict(one, 1), Run(session, one, 1));

        double range = expected.Max() - expected.Min();
        _output.WriteLine($"{name} fold={foldBatchNorm} flat={flattenInput}: max |Δ| {batchDelta:E2} on {count:N0} samples, {oneDelta:E2} on 1 sample (outputs span {range:G3})");
        Assert.True(expected.Distinct().Count() > 10, "the outputs are degenerate: the comparison would prove nothing");
        Assert.True(batchDelta <= Tolerance, $"max |Δ| {batchDelta:E3} over {count} samples exceeds {Tolerance:E0}");
        Assert.True(oneDelta <= Tolerance, $"max |Δ| {oneDelta:E3} on one sample exceeds {Tolerance:E0}");
    }

    [Theory]
    [InlineData(nameof(BnBeforeActivation))]
    [InlineData(nameof(FashionBn))]
    [InlineData(nameof(SkipAdd))]
    [InlineData(nameof(BinaryLogits))]
    public void Folded_and_unfolded_BatchNorm_give_the_same_outputs(string name)
    {
        INetwork network = Trained(name);
        float[] x = Inputs(500, network.InputSize, seed: 99);
        using InferenceSession folded = Session(network.ToOnnxBytes(new OnnxExportOptions { FoldBatchNorm = true }));
        using InferenceSession unfolded = Session(network.ToOnnxBytes(new OnnxExportOptions { FoldBatchNorm = false }));
        float[] a = Run(folded, x, 500), b = Run(unfolded, x, 500);
        double delta = MaxAbsDifference(a, b);
        _output.WriteLine($"{name}: folded vs unfolded max |Δ| {delta:E2}");
        Assert.True(delta <= Tolerance);
    }

    [Theory]
    [InlineData(nameof(DenseActivationsLogits))]
    [InlineData(nameof(Dropouts))]
    [InlineData(nameof(SkipAdd))]
    [InlineData(nameof(BinaryLogits))]
    [InlineData(nameof(ClashingNames))]
    public void LogitsToProbabilities_appends_the_losss_activation_to_logits(string name)
    {
        INetwork network = Trained(name);
        float[] x = Inputs(300, network.InputSize, seed: 5);
        float[] logits = network.Predict(x, 300);
        float[] expected = network.Loss == Loss.BinaryCrossentropy ? Sigmoid(logits) : Softmax(logits, network.OutputSize);
        byte[] bytes = network.ToOnnxBytes(new OnnxExportOptions { LogitsToProbabilities = true });
        using InferenceSession session = Session(bytes);
        Assert.Equal("probabilities", session.ModelMetadata.CustomMetadataMap["netdsl.output"]);
        double delta = MaxAbsDifference(expected, Run(session, x, 300));
        _output.WriteLine($"{name}: probabilities max |Δ| {delta:E2}");
        Assert.True(delta <= Tolerance);

        using InferenceSession plain = Session(network.ToOnnxBytes());
        Assert.Equal("logits", plain.ModelMetadata.CustomMetadataMap["netdsl.output"]);
    }

    [Theory]
    [InlineData(nameof(FashionBn), "probabilities")]
    [InlineData(nameof(ActivationLayers), "probabilities")]
    [InlineData(nameof(BinarySigmoid), "probabilities")]
    [InlineData(nameof(WideDeep), "values")]
    public void LogitsToProbabilities_leaves_probabilities_and_regression_outputs_alone(string name, string kind)
    {
        INetwork network = Trained(name, steps: 5);
        byte[] plain = network.ToOnnxBytes();
        byte[] asked = network.ToOnnxBytes(new OnnxExportOptions { LogitsToProbabilities = true });
        Assert.Equal(plain, asked);
        using InferenceSession session = Session(plain);
        Assert.Equal(kind, session.ModelMetadata.CustomMetadataMap["netdsl.output"]);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(19)]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void Every_supported_opset_loads_and_matches(int opset)
    {
        foreach (string name in new[] { nameof(Tiny), nameof(ActivationLayers), nameof(SkipAdd), nameof(ConcatRegression), nameof(BnBeforeActivation) })
        {
            INetwork network = Trained(name, steps: 10);
            float[] x = Inputs(64, network.InputSize, seed: opset);
            foreach (bool fold in new[] { true, false })
            {
                var options = new OnnxExportOptions { Opset = opset, FoldBatchNorm = fold, FlattenInput = !fold };
                using InferenceSession session = Session(network.ToOnnxBytes(options));
                double delta = MaxAbsDifference(network.Predict(x, 64), Run(session, x, 64));
                Assert.True(delta <= Tolerance, $"{name} at opset {opset} (fold {fold}): max |Δ| {delta:E3}");
            }
        }
    }
}
