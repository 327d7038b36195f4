using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetDsl;
using NetDsl.Samples.TransferLearning;

// The chapter's transfer-learning experiment (Hands-On ML, ch. 11, "Reusing Pretrained Layers"):
// model A learns the 8 Fashion-MNIST classes other than sandals and shirts; task B is "shirt or sandal?" with only
// 200 labelled images. Model B on A reuses A's hidden layers: frozen for 4 epochs, then unfrozen.
//
// dotnet run -c Release --project samples/TransferLearning -- [--data DIR] [--epochs-a 20] [--seed 42]
string? dataDirectory = null;
int epochsA = 20, seed = 42;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data" when i + 1 < args.Length: dataDirectory = args[++i]; break;
        case "--epochs-a" when i + 1 < args.Length: epochsA = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--seed" when i + 1 < args.Length: seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine("usage: TransferLearning [--data DIR] [--epochs-a 20] [--seed 42]");
            return 2;
    }
}

Dataset trainFull, test;
try
{
    (trainFull, test) = FashionMnist.Load(dataDirectory);
}
catch (FileNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

// As the notebook: the first 5,000 training images validate, the rest train.
Dataset valid = trainFull.Take(0, 5000), train = trainFull.Take(5000, trainFull.Count - 5000);
const int Sandal = 5, Shirt = 6;
static Dataset TaskA(Dataset d) => d.Where(y => y != Sandal && y != Shirt).MapLabels(y => y > Shirt ? y - 2 : y);
static Dataset TaskB(Dataset d) => d.Where(y => y == Sandal || y == Shirt).MapLabels(y => y == Shirt ? 1 : 0);
Dataset trainA = TaskA(train), validA = TaskA(valid), testA = TaskA(test);
Dataset trainB = TaskB(train).Take(0, 200), validB = TaskB(valid), testB = TaskB(test);
Console.WriteLine($"Task A: {trainA.Count} training images of 8 classes. Task B: {trainB.Count} training images (shirt or sandal), {testB.Count} test images.");

var clock = Stopwatch.StartNew();

// 1. Model A, trained and saved.
var modelA = new ModelA(seed);
Console.WriteLine(modelA.Summary());
modelA.Fit(trainA, epochs: epochsA, batchSize: 32, optimizer: new Sgd(learningRate: 1e-3), validation: validA, verbose: 2);
EvaluationResult a = modelA.Evaluate(testA);
string weightsPath = Path.Combine(Path.GetTempPath(), "netdsl-model-a.weights");
modelA.SaveWeights(weightsPath);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Model A: test accuracy {a.Accuracy:P2}; weights saved to {weightsPath}."));

// 2. Model B from scratch.
var scratch = new ModelB(seed);
scratch.Fit(trainB, epochs: 20, batchSize: 32, optimizer: new Sgd(learningRate: 1e-3), validation: validB, verbose: 0);
EvaluationResult fromScratch = scratch.Evaluate(testB);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Model B from scratch: test accuracy {fromScratch.Accuracy:P2}."));

// 3. Model B on A: load A's weights into a fresh copy (so A itself stays untouched), reuse its hidden layers.
var reloadedA = new ModelA(seed: 0);
reloadedA.LoadWeights(weightsPath);
var bOnA = new ModelB(seed);
bOnA.Layers.Dense.CopyFrom(reloadedA.Layers.Dense);
bOnA.Layers.Dense1.CopyFrom(reloadedA.Layers.Dense1);
bOnA.Layers.Dense2.CopyFrom(reloadedA.Layers.Dense2);
bOnA.Layers.Dense3.CopyFrom(reloadedA.Layers.Dense3);
bOnA.Layers.Dense4.CopyFrom(reloadedA.Layers.Dense4);
DenseLayer[] reused = { bOnA.Layers.Dense, bOnA.Layers.Dense1, bOnA.Layers.Dense2, bOnA.Layers.Dense3, bOnA.Layers.Dense4 };
foreach (DenseLayer layer in reused) layer.Trainable = false;
Console.WriteLine($"Model B on A, reused layers frozen: {((INetwork)bOnA).TrainableParameterCount:N0} trainable parameters of {ModelB.ParameterCount:N0}.");
bOnA.Fit(trainB, epochs: 4, batchSize: 32, optimizer: new Sgd(learningRate: 1e-3), validation: validB, verbose: 0);
foreach (DenseLayer layer in reused) layer.Trainable = true;
bOnA.Fit(trainB, epochs: 20, batchSize: 32, optimizer: new Sgd(learningRate: 1e-3), validation: validB, initialEpoch: 4, verbose: 0);
EvaluationResult onA = bOnA.Evaluate(testB);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Model B on A (4 epochs frozen, 16 unfrozen): test accuracy {onA.Accuracy:P2}."));

double errorScratch = 1 - fromScratch.Accuracy, errorOnA = 1 - onA.Accuracy;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Error rate {errorScratch:P2} -> {errorOnA:P2}: divided by {errorScratch / Math.Max(errorOnA, 1e-9):F1} ({clock.Elapsed.TotalSeconds:F0} s in all)."));
File.Delete(weightsPath);
return 0;

namespace NetDsl.Samples.TransferLearning
{
    /// <summary>Model A: five SELU layers (LeCun normal), eight classes.</summary>
    [Network(28, 28)]
    [DenseDefaults(Activation = Activation.Selu, Init = Init.LecunNormal)]
    [Flatten]
    [Dense(300)]
    [Dense(100)]
    [Dense(50)]
    [Dense(50)]
    [Dense(50)]
    [Dense(8, Activation.Softmax, Init = Init.GlorotUniform)]
    public partial class ModelA { }

    /// <summary>Model B: the same hidden layers, one sigmoid unit for "shirt or sandal".</summary>
    [Network(28, 28, Loss = Loss.BinaryCrossentropy)]
    [DenseDefaults(Activation = Activation.Selu, Init = Init.LecunNormal)]
    [Flatten]
    [Dense(300)]
    [Dense(100)]
    [Dense(50)]
    [Dense(50)]
    [Dense(50)]
    [Dense(1, Activation.Sigmoid, Init = Init.GlorotUniform)]
    public partial class ModelB { }
}
