using System;
using System.IO;
using System.Linq;
using NetDsl;
using Xunit;
using static NetDsl.Onnx.Tests.OnnxTestSupport;

namespace NetDsl.Onnx.Tests;

/// <summary>Bad input gets a clear exception, writes nothing and changes nothing; a file is replaced atomically.</summary>
public sealed class ErrorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "netdsl-onnx-errors-" + Guid.NewGuid().ToString("N"));

    public ErrorTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] FilesInDir() => Directory.GetFiles(_dir).Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void A_null_network_or_path_is_refused()
    {
        INetwork network = new Tiny(1);
        Assert.Equal("network", Assert.Throws<ArgumentNullException>(() => OnnxExport.ExportOnnx(null!, Path.Combine(_dir, "a.onnx"))).ParamName);
        Assert.Equal("network", Assert.Throws<ArgumentNullException>(() => OnnxExport.ExportOnnx(null!, new MemoryStream())).ParamName);
        Assert.Equal("network", Assert.Throws<ArgumentNullException>(() => OnnxExport.ToOnnxBytes(null!)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => network.ExportOnnx((string)null!)).ParamName);
        Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => network.ExportOnnx((Stream)null!)).ParamName);
        Assert.Throws<ArgumentException>(() => network.ExportOnnx("  "));
        Assert.Empty(FilesInDir());
    }

    [Fact]
    public void A_path_in_a_missing_directory_is_refused_and_nothing_is_created()
    {
        INetwork network = Trained(nameof(Tiny), steps: 2);
        string missing = Path.Combine(_dir, "no-such-dir");
        string path = Path.Combine(missing, "model.onnx");
        var e = Assert.Throws<DirectoryNotFoundException>(() => network.ExportOnnx(path));
        Assert.Contains(missing, e.Message);
        Assert.Contains("does not exist", e.Message);
        Assert.False(Directory.Exists(missing));
        Assert.Empty(FilesInDir());
    }

    [Fact]
    public void A_directory_as_the_path_is_refused()
    {
        var e = Assert.Throws<IOException>(() => new Tiny(1).ExportOnnx(_dir));
        Assert.Contains("is a directory", e.Message);
        Assert.Empty(FilesInDir());
    }

    [Fact]
    public void Invalid_options_are_refused_before_anything_is_written()
    {
        INetwork network = new Tiny(1);
        string path = Path.Combine(_dir, "model.onnx");
        Assert.Equal("Opset", Assert.Throws<ArgumentOutOfRangeException>(() => network.ExportOnnx(path, new OnnxExportOptions { Opset = 12 })).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.ExportOnnx(path, new OnnxExportOptions { Opset = 24 }));
        Assert.Throws<ArgumentException>(() => network.ExportOnnx(path, new OnnxExportOptions { InputName = "" }));
        Assert.Throws<ArgumentException>(() => network.ExportOnnx(path, new OnnxExportOptions { OutputName = "  " }));
        Assert.Throws<ArgumentException>(() => network.ExportOnnx(path, new OnnxExportOptions { BatchDimensionName = "" }));
        Assert.Contains("different names", Assert.Throws<ArgumentException>(() => network.ExportOnnx(path, new OnnxExportOptions { InputName = "x", OutputName = "x" })).Message);
        Assert.Throws<ArgumentNullException>(() => network.ExportOnnx(path, new OnnxExportOptions { ProducerName = null! }));
        var stream = new MemoryStream();
        Assert.Throws<ArgumentOutOfRangeException>(() => network.ExportOnnx(stream, new OnnxExportOptions { Opset = 0 }));
        Assert.Equal(0, stream.Length);
        Assert.Throws<ArgumentException>(() => network.ExportOnnx(new MemoryStream(new byte[10], writable: false)));
        Assert.Empty(FilesInDir());
    }

    [Fact]
    public void Non_finite_weights_are_refused_and_the_previous_file_is_kept()
    {
        var network = (Tiny)Trained(nameof(Tiny), steps: 3);
        string path = Path.Combine(_dir, "model.onnx");
        network.ExportOnnx(path);
        byte[] good = File.ReadAllBytes(path);

        network.Layers.Dense.Kernel[4] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => network.ExportOnnx(path));
        Assert.Contains("'dense'", e.Message);
        Assert.Contains("NaN", e.Message);
        Assert.Equal(good, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.onnx" }, FilesInDir());

        network.Layers.Dense.Kernel[4] = 0.5f;
        network.Layers.BatchNormalization.MovingVariance[1] = float.PositiveInfinity;
        foreach (bool fold in new[] { true, false })
        {
            e = Assert.Throws<ArgumentException>(() => network.ExportOnnx(path, new OnnxExportOptions { FoldBatchNorm = fold }));
            Assert.Contains("moving variance of 'batch_normalization'", e.Message);
        }
        network.Layers.BatchNormalization.MovingVariance[1] = -1f;
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => network.ExportOnnx(path)).Message);
        Assert.Equal(good, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.onnx" }, FilesInDir());
    }

    [Fact]
    public void An_interrupted_write_leaves_the_old_file_and_no_temporary_file()
    {
        string path = Path.Combine(_dir, "model.onnx");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        byte[] model = new Tiny(1).ToOnnxBytes();
        Assert.Throws<IOException>(() => AtomicFile.Write(path, model, temp =>
        {
            Assert.True(File.Exists(temp));
            Assert.Equal(model, File.ReadAllBytes(temp));
            throw new IOException("simulated crash before the rename");
        }));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.onnx" }, FilesInDir());
    }

    [Fact]
    public void Export_replaces_a_file_reads_the_network_without_changing_it_and_is_deterministic()
    {
        INetwork network = Trained(nameof(BnBeforeActivation), steps: 5);
        float[] parameters = network.Parameters.ToArray(), state = network.State.ToArray();
        string path = Path.Combine(_dir, "model.onnx");
        File.WriteAllText(path, "an older model");
        network.ExportOnnx(path);
        byte[] fromFile = File.ReadAllBytes(path);
        var stream = new MemoryStream();
        stream.WriteByte(42);
        network.ExportOnnx(stream);
        Assert.Equal(fromFile, stream.ToArray().Skip(1).ToArray());
        Assert.Equal(fromFile, network.ToOnnxBytes());
        Assert.Equal(parameters, network.Parameters.ToArray());
        Assert.Equal(state, network.State.ToArray());
        Assert.Equal(new[] { "model.onnx" }, FilesInDir());
        using var session = Session(path);
        Assert.Single(session.InputNames);
    }
}
