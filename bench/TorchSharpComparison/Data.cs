using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Benchmarks.TorchSharpComparison;

/// <summary>
/// The data of the runs, in the form each framework uses best: NetDsl reads spans of one contiguous array, the twin
/// narrows views of one tensor. Both see the same samples in the same order (the training split is already shuffled).
/// </summary>
internal sealed class RunData : IDisposable
{
    private Tensor? _trainX, _trainY, _testX, _testY;

    private RunData(Dataset train, Dataset test, bool standardized, bool real)
    {
        Train = train;
        Test = test;
        Standardized = standardized;
        Real = real;
        TrainLabels = train.Labels.ToArray();
        TestLabels = test.Labels.ToArray();
    }

    /// <summary>55,000 training samples, in the order of every epoch.</summary>
    public Dataset Train { get; }

    /// <summary>The 10,000 test samples.</summary>
    public Dataset Test { get; }

    public int[] TrainLabels { get; }
    public int[] TestLabels { get; }
    public bool Standardized { get; }

    /// <summary>Whether this is the real Fashion-MNIST (false: random data of its shape).</summary>
    public bool Real { get; }

    // Created on first use and kept until Dispose: detached from any dispose scope that is open at that moment.
    public Tensor TrainX => _trainX ??= torch.tensor(Train.Features.ToArray(), [Train.Count, Train.FeatureCount]).DetachFromDisposeScope();
    public Tensor TrainY => _trainY ??= torch.tensor(Array.ConvertAll(TrainLabels, l => (long)l), [Train.Count]).DetachFromDisposeScope();
    public Tensor TestX => _testX ??= torch.tensor(Test.Features.ToArray(), [Test.Count, Test.FeatureCount]).DetachFromDisposeScope();
    public Tensor TestY => _testY ??= torch.tensor(Array.ConvertAll(TestLabels, l => (long)l), [Test.Count]).DetachFromDisposeScope();

    /// <summary>The standardized version (statistics of the training split, applied to both).</summary>
    public RunData StandardizedCopy()
    {
        var (mean, std) = Train.ComputeStandardization();
        return new RunData(Train.Standardize(mean, std), Test.Standardize(mean, std), standardized: true, Real);
    }

    /// <summary>
    /// Fashion-MNIST (60,000 training images less 5,000 held out for validation, seed 42; 10,000 test images), or
    /// random data of the same shape when the real data cannot be had (or <paramref name="random"/>).
    /// </summary>
    public static RunData Load(string? directory, bool random, Action<string> log)
    {
        if (!random)
        {
            try
            {
                var (train, test) = FashionMnist.Load(directory);
                var (fit, _) = train.Split(validationCount: 5000, seed: 42);
                log($"Data: Fashion-MNIST from {FashionMnist.FindDirectory(directory) ?? "the download cache"}: {fit.Count:N0} training images (5,000 held out), {test.Count:N0} test images.");
                return new RunData(fit, test, standardized: false, real: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Net.Http.HttpRequestException
                                          or InvalidOperationException or TimeoutException)
            {
                log($"Data: Fashion-MNIST is not available ({e.GetType().Name}: {FirstLine(e.Message)}); using random data of the same shape.");
            }
        }
        else
        {
            log("Data: random data of Fashion-MNIST's shape (--random-data); accuracies are chance level.");
        }
        return new RunData(RandomSet(Workload.TrainingSamples, 1), RandomSet(10_000, 2), standardized: false, real: false);
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    private static Dataset RandomSet(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * FashionMnist.FeatureCount];
        var labels = new int[count];
        for (int i = 0; i < features.Length; i++) features[i] = random.NextSingle();
        for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(FashionMnist.ClassCount);
        return new Dataset(features, labels, FashionMnist.FeatureCount);
    }

    public void Dispose()
    {
        _trainX?.Dispose();
        _trainY?.Dispose();
        _testX?.Dispose();
        _testY?.Dispose();
    }
}
