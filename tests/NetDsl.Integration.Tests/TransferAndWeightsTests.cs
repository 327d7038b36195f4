using System;
using System.IO;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Integration.Tests;

/// <summary>Freezing, copying layers between networks, weight files, and the summary of non-sequential networks.</summary>
public class TransferAndWeightsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "netdsl-tests-" + Guid.NewGuid().ToString("N"));

    public TransferAndWeightsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dataset Data(int n, int classes, int seed)
    {
        var random = new SeededRandom(seed);
        var x = new float[n * 784];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextFloat();
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = random.NextInt(classes);
        return new Dataset(x, y, 784);
    }

    [Fact]
    public void Frozen_layers_do_not_move_during_Fit_and_unfrozen_ones_do()
    {
        var a = new SmallA(1);
        a.Fit(Data(64, 8, 1), epochs: 1, batchSize: 16, optimizer: new Sgd(0.01), verbose: 0);
        var b = new SmallB(2);
        b.Layers.Dense.CopyFrom(a.Layers.Dense);
        b.Layers.BatchNormalization.CopyFrom(a.Layers.BatchNormalization);
        b.Layers.Dense1.CopyFrom(a.Layers.Dense1);
        Assert.Equal(a.Layers.Dense1.Kernel.ToArray(), b.Layers.Dense1.Kernel.ToArray());
        Assert.Equal(a.Layers.BatchNormalization.MovingVariance.ToArray(), b.Layers.BatchNormalization.MovingVariance.ToArray());

        foreach (Layer layer in b.Layers.Take(4)) layer.Trainable = false;
        Assert.Equal(101, ((INetwork)b).TrainableParameterCount);
        float[] frozenKernel = b.Layers.Dense.Kernel.ToArray();
        float[] frozenState = b.State.ToArray();
        float[] head = b.Layers.Dense2.Kernel.ToArray();
        Dataset binary = Data(64, 2, 3);
        b.Fit(binary, epochs: 2, batchSize: 16, optimizer: new Sgd(0.05), verbose: 0);
        Assert.Equal(frozenKernel, b.Layers.Dense.Kernel.ToArray());
        Assert.Equal(frozenState, b.State.ToArray()); // a frozen BatchNorm runs in inference mode
        Assert.NotEqual(head, b.Layers.Dense2.Kernel.ToArray());

        foreach (Layer layer in b.Layers) layer.Trainable = true;
        b.Fit(binary, epochs: 1, batchSize: 16, optimizer: new Sgd(0.01), verbose: 0);
        Assert.NotEqual(frozenKernel, b.Layers.Dense.Kernel.ToArray());
        Assert.NotEqual(frozenState, b.State.ToArray());
    }

    [Fact]
    public void CopyFrom_refuses_layers_of_another_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => new SmallA(1).Layers.Dense2.CopyFrom(new SmallB(1).Layers.Dense2));
        Assert.Contains("dense_2", e.Message);
    }

    [Fact]
    public void Weights_round_trip_bit_for_bit()
    {
        var net = new FashionBn(1);
        net.Fit(Data(32, 10, 1), epochs: 1, batchSize: 8, optimizer: new Sgd(0.01), verbose: 0);
        string path = Path.Combine(_dir, "bn.weights");
        net.SaveWeights(path);
        var other = new FashionBn(99);
        other.LoadWeights(path);
        Assert.Equal(net.Parameters.ToArray(), other.Parameters.ToArray());
        Assert.Equal(net.State.ToArray(), other.State.ToArray());
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    private void AssertRefused(INetwork target, string path, WeightFileProblem problem, string fragment)
    {
        float[] parameters = target.Parameters.ToArray(), state = target.State.ToArray();
        var e = Assert.Throws<WeightFileException>(() => target.LoadWeights(path));
        Assert.Equal(problem, e.Problem);
        Assert.Contains(fragment, e.Message);
        Assert.Equal(parameters, target.Parameters.ToArray());
        Assert.Equal(state, target.State.ToArray());
    }

    [Fact]
    public void Damaged_or_foreign_weight_files_are_refused_and_the_model_is_untouched()
    {
        var net = new FashionBn(1);
        string path = Path.Combine(_dir, "w.bin");
        net.SaveWeights(path);
        byte[] good = File.ReadAllBytes(path);
        var target = new FashionBn(5);

        File.WriteAllBytes(path, good[..(good.Length / 2)]);
        AssertRefused(target, path, WeightFileProblem.Truncated, "truncated");

        byte[] flipped = (byte[])good.Clone();
        flipped[good.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, flipped);
        AssertRefused(target, path, WeightFileProblem.Damaged, "checksum");

        byte[] version = (byte[])good.Clone();
        version[8] = 7;
        File.WriteAllBytes(path, version);
        AssertRefused(target, path, WeightFileProblem.UnsupportedVersion, "version 7");

        File.WriteAllBytes(path, Array.Empty<byte>());
        AssertRefused(target, path, WeightFileProblem.NotAWeightFile, "empty");

        File.WriteAllBytes(path, "hello, not weights"u8.ToArray());
        AssertRefused(target, path, WeightFileProblem.NotAWeightFile, "not a NetDsl weight file");

        new FashionMlp(1).SaveWeights(path);
        AssertRefused(target, path, WeightFileProblem.DifferentArchitecture, "'FashionMlp'");
        var e = Assert.Throws<WeightFileException>(() => target.LoadWeights(path));
        Assert.Contains("'FashionBn'", e.Message);

        Assert.Throws<IOException>(() => target.LoadWeights(_dir));
        Assert.Throws<FileNotFoundException>(() => target.LoadWeights(Path.Combine(_dir, "missing.bin")));
    }

    [Fact]
    public void An_interrupted_save_never_destroys_the_previous_file()
    {
        var net = new FashionMlp(1);
        string path = Path.Combine(_dir, "keep.bin");
        net.SaveWeights(path);
        byte[] before = File.ReadAllBytes(path);
        net.Parameters[0] += 1f;
        Assert.Throws<IOException>(() => AtomicFile.Write(path, WeightFile.Serialize(net), _ => throw new IOException("simulated crash before the rename")));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
        var reloaded = new FashionMlp(2);
        reloaded.LoadWeights(path);
        Assert.Equal(net.Parameters[1], reloaded.Parameters[1]);
    }

    [Fact]
    public void Non_sequential_networks_print_Keras_functional_summary()
    {
        string summary = new WideAndDeep().Summary();
        string[] lines = summary.Split('\n');
        Assert.Equal("Model: \"WideAndDeep\"", lines[0]);
        Assert.Equal(new string('_', 98), lines[1]);
        Assert.Equal("Layer (type)                    Output Shape         Param #     Connected to                     ", lines[2]);
        Assert.Equal("input_1 (InputLayer)            [(None, 8)]          0                                            ", lines[4]);
        Assert.Contains("dense (Dense)                   (None, 30)           270         input_1[0][0]                    ", lines);
        Assert.Contains("concatenate (Concatenate)       (None, 38)           0           input_1[0][0]                    ", lines);
        Assert.Contains("                                                                 dense_1[0][0]                    ", lines);
        Assert.Contains("Total params: 1,239", lines);
        Assert.Equal(1_239, WideAndDeep.ParameterCount);
    }

    [Fact]
    public void Skip_connections_train()
    {
        var random = new SeededRandom(3);
        var x = new float[300 * 8];
        var y = new int[300];
        for (int i = 0; i < 300; i++)
        {
            y[i] = i % 3;
            for (int j = 0; j < 8; j++) x[i * 8 + j] = (float)(random.NextGaussian() * 0.3 + (j % 3 == y[i] ? 1.5 : 0));
        }
        var net = new Residual(1);
        History h = net.Fit(new Dataset(x, y, 8), epochs: 10, batchSize: 16, optimizer: new Sgd(0.05, momentum: 0.9), verbose: 0);
        Assert.True(h["accuracy"][^1] > 0.95, $"accuracy {h["accuracy"][^1]}");
    }
}
