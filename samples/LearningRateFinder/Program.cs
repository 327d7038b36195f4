using System;
using System.Globalization;
using System.IO;
using NetDsl;
using NetDsl.Plots;
using NetDsl.Samples.LearningRateFinder;

// The chapter's "1cycle scheduling" cells: find a learning rate with the LR finder (SELU 300-100-10,
// SGD(1e-3), batch 128), plot loss versus rate, then train with the 1cycle schedule up to that rate and plot the
// learning curves.
//
// dotnet run -c Release --project samples/LearningRateFinder -- [--epochs 5] [--out DIR] [--data DIR]
int epochs = 5;
string outDir = ".";
string? data = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs" when i + 1 < args.Length: epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out" when i + 1 < args.Length: outDir = args[++i]; break;
        case "--data" when i + 1 < args.Length: data = args[++i]; break;
        default: Console.Error.WriteLine("usage: LearningRateFinder [--epochs 5] [--out DIR] [--data DIR]"); return 2;
    }
}

Dataset trainFull, test;
try
{
    (trainFull, test) = FashionMnist.Load(data);
}
catch (FileNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
// As the notebook: standardize with the training set's statistics (SELU wants standardized inputs).
Dataset valid = trainFull.Take(0, 5000), train = trainFull.Take(5000, trainFull.Count - 5000);
(float[] mean, float[] std) = train.ComputeStandardization();
train = train.Standardize(mean, std);
valid = valid.Standardize(mean, std);
test = test.Standardize(mean, std);
Directory.CreateDirectory(outDir);

var model = new SeluMlp(seed: 42);
const int BatchSize = 128;
LearningRateFinderResult found = LearningRateFinder.Find(model, train, new Sgd(learningRate: 1e-3), batchSize: BatchSize);
string finderPng = Path.Combine(outDir, "lr-finder.png");
found.SaveLossVersusRate(finderPng);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"LR finder: {found.Rates.Length} batches from {found.Rates[0]:G2} to {found.Rates[^1]:G2}; the loss is lowest at {found.MinimumLossRate:G3}, suggested rate {found.SuggestedRate:G3}; plot: {finderPng}"));

long iterations = (long)Math.Ceiling(train.Count / (double)BatchSize) * epochs;
var schedule = new OneCycle(iterations, maxRate: found.SuggestedRate);
History history = model.Fit(train, epochs: epochs, batchSize: BatchSize, optimizer: new Sgd(learningRate: schedule),
    validation: valid, verbose: 1);
EvaluationResult result = model.Evaluate(test);
string curvesPng = Path.Combine(outDir, "learning-curves.png");
history.SaveLearningCurves(curvesPng, title: $"SELU 300-100-10, 1cycle to {found.SuggestedRate:G2}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"1cycle ({iterations} steps, max rate {found.SuggestedRate:G3}): test accuracy {result.Accuracy:P2}; learning curves: {curvesPng}"));
return 0;

namespace NetDsl.Samples.LearningRateFinder
{
    /// <summary>The notebook's 1cycle model: SELU 300-100-10 with LeCun-normal initialization.</summary>
    [Network(28, 28)]
    [Flatten]
    [Dense(300, Activation.Selu, Init = Init.LecunNormal)]
    [Dense(100, Activation.Selu, Init = Init.LecunNormal)]
    [Dense(10, Activation.Softmax)]
    public partial class SeluMlp { }
}
