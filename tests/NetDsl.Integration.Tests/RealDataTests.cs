using System;
using NetDsl;
using Xunit;
using NetDsl.Runtime.Tests;
using Xunit.Abstractions;

namespace NetDsl.Integration.Tests;

/// <summary>Training on the real Fashion-MNIST (skipped, with the reason, when the dataset is not installed).</summary>
public class RealDataTests
{
    private readonly ITestOutputHelper _output;

    public RealDataTests(ITestOutputHelper output) => _output = output;

    [RealDataFact]
    public void Mlp_learns_Fashion_MNIST_in_one_epoch()
    {
        var (train, test) = FashionMnist.Load();
        var (fit, valid) = train.Split(validationCount: 5000, seed: 42);
        var model = new FashionMlp(seed: 42);
        History history = model.Fit(fit, epochs: 1, batchSize: 32, optimizer: new Sgd(0.01), validation: valid, verbose: 0);
        EvaluationResult result = model.Evaluate(test);
        _output.WriteLine($"loss {history["loss"][0]:F4}, val_accuracy {history["val_accuracy"][0]:P2}, test accuracy {result.Accuracy:P2}");
        Assert.True(result.Accuracy > 0.80, $"test accuracy {result.Accuracy:P2} after one epoch");
        Assert.True(history["val_accuracy"][0] > 0.80);
    }
}
