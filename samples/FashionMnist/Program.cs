using System;
using System.Diagnostics;
using System.Globalization;
using NetDsl;
using NetDsl.Samples.FashionMnist;

// dotnet run -c Release --project samples/FashionMnist -- [--model bn|mlp] [--epochs 5] [--batch-size 32]
//     [--learning-rate 0.01] [--data DIR] [--seed 42] [--save WEIGHTS]
var options = Options.Parse(args);
if (options is null) return 2;

string? directory = FashionMnist.FindDirectory(options.DataDirectory);
Dataset train, test;
try
{
    (train, test) = FashionMnist.Load(options.DataDirectory);
}
catch (Exception e) when (e is System.IO.FileNotFoundException or System.IO.DirectoryNotFoundException)
{
    Console.Error.WriteLine(e.Message); // says where it looked and how to get the data
    return 1;
}
var (fit, valid) = train.Split(validationCount: 5000, seed: options.Seed);
Console.WriteLine($"Fashion-MNIST from {directory}: {fit.Count} training, {valid.Count} validation, {test.Count} test images.");

INetwork model = options.Model == "mlp" ? new FashionMlp(options.Seed) : new FashionBn(options.Seed);
Console.WriteLine(model.Summary());

var optimizer = new Sgd(learningRate: options.LearningRate);
var clock = Stopwatch.StartNew();
History history = model.Fit(fit, epochs: options.Epochs, batchSize: options.BatchSize, optimizer: optimizer, validation: valid, verbose: 1);
clock.Stop();

EvaluationResult result = model.Evaluate(test);
double seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Test loss {result.Loss:F4}, test accuracy {result.Accuracy:P2} after {history.Epoch.Count} epochs " +
    $"({seconds / history.Epoch.Count:F2} s/epoch, {fit.Count * history.Epoch.Count / seconds:N0} samples/s including validation)."));
if (options.SavePath is not null)
{
    model.SaveWeights(options.SavePath);
    Console.WriteLine($"Weights saved to {System.IO.Path.GetFullPath(options.SavePath)} (samples/AotInference serves them).");
}
return 0;

internal sealed record Options(string Model, int Epochs, int BatchSize, double LearningRate, string? DataDirectory, int Seed, string? SavePath = null)
{
    public static Options? Parse(string[] args)
    {
        var o = new Options("bn", 5, 32, 0.01, null, 42);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--model": o = o with { Model = Next() }; break;
                    case "--epochs": o = o with { Epochs = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                    case "--batch-size": o = o with { BatchSize = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                    case "--learning-rate": o = o with { LearningRate = double.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                    case "--data": o = o with { DataDirectory = Next() }; break;
                    case "--seed": o = o with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                    case "--save": o = o with { SavePath = Next() }; break;
                    case "-h" or "--help": Usage(); return null;
                    default: throw new ArgumentException($"Unknown option {args[i]}.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine(e.Message);
                Usage();
                return null;
            }
        }
        if (o.Model is not ("bn" or "mlp")) { Console.Error.WriteLine("--model is bn or mlp."); return null; }
        return o;
    }

    private static void Usage() => Console.Error.WriteLine(
        "usage: FashionMnist [--model bn|mlp] [--epochs 5] [--batch-size 32] [--learning-rate 0.01] [--data DIR] [--seed 42] [--save WEIGHTS]");
}
