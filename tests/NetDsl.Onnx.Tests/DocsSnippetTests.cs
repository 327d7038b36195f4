using System;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using NetDsl;
using Xunit;
using static NetDsl.Onnx.Tests.OnnxTestSupport;

namespace NetDsl.Onnx.Tests;

/// <summary>The C# serving snippet of docs/onnx-export.md, as written there, on a trained FashionBn.</summary>
public sealed class DocsSnippetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "netdsl-onnx-docs-" + Guid.NewGuid().ToString("N"));

    public DocsSnippetTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_serving_snippet_runs_and_gives_Predicts_probabilities()
    {
        var model = (FashionBn)Trained(nameof(FashionBn), steps: 10);
        var labels = new int[200];
        var test = new Dataset(Inputs(200, 784, seed: 3), labels, 784);
        string path = Path.Combine(_dir, "fashion_bn.onnx");
        model.ExportOnnx(path);

        // --- docs/onnx-export.md, "Serving with ONNX Runtime" ---
        using var session = new InferenceSession(path);
        float[] x = test.Features.Slice(0, 100 * 784).ToArray();        // 100 samples, row-major
        using var input = OrtValue.CreateTensorValueFromMemory(x, new long[] { 100, 28, 28 });   // [100, 784] with FlattenInput
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new[] { "input" }, new[] { input }, new[] { "output" });
        float[] probabilities = outputs[0].GetTensorDataAsSpan<float>().ToArray();              // 100 × 10, as model.Predict
        string kind = session.ModelMetadata.CustomMetadataMap["netdsl.output"];                 // "probabilities"
        // ---

        Assert.Equal("probabilities", kind);
        float[] expected = model.Predict(test).Take(100 * 10).ToArray();
        Assert.True(MaxAbsDifference(expected, probabilities) <= Tolerance);
    }
}
