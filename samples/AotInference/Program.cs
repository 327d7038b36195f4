using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetDsl;
using NetDsl.Samples.FashionMnist;

// A trained network served by a Native AOT executable: no JIT, no runtime to install, starts in milliseconds.
//
//   dotnet run -c Release --project samples/FashionMnist -- --save fashion-bn.weights
//   dotnet publish -c Release samples/AotInference -o out/aot
//   out/aot/AotInference --weights fashion-bn.weights [--model bn|mlp] [--data DIR] [--image 0]
//
// Prints the class of one test image and how long the process took from its start to that answer, then checks the
// weights on the whole test set and times steady-state one-image predictions.
if (args is ["--self-test"]) return SelfTest.Run();

string[] classNames = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };
string? weights = null, data = null, kind = "bn";
int image = 0;
for (int i = 0; i < args.Length; i++)
{
    string? Next() => i + 1 < args.Length ? args[++i] : null;
    switch (args[i])
    {
        case "--weights" when Next() is string value: weights = value; break;
        case "--data" when Next() is string value: data = value; break;
        case "--model" when Next() is string value: kind = value; break;
        case "--image" when int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int index): image = index; break;
        default:
            Console.Error.WriteLine("usage: AotInference --weights FILE [--model bn|mlp] [--data DIR] [--image N]");
            return 2;
    }
}
if (weights is null || kind is not ("bn" or "mlp"))
{
    Console.Error.WriteLine("usage: AotInference --weights FILE [--model bn|mlp] [--data DIR] [--image N]");
    Console.Error.WriteLine("Train and save the weights first: dotnet run -c Release --project samples/FashionMnist -- --save fashion-bn.weights");
    return 2;
}

string? directory = FashionMnist.FindDirectory(data);
if (directory is null)
{
    Console.Error.WriteLine("Fashion-MNIST not found (apt-get install dataset-fashion-mnist, or --data DIR).");
    return 1;
}

// One image: model, weights, one file of test images, one prediction.
INetwork model = kind == "mlp" ? new FashionMlp(seed: 0) : new FashionBn(seed: 0);
try
{
    model.LoadWeights(weights);
}
catch (Exception e) when (e is WeightFileException or IOException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
TimeSpan ready = DateTime.Now - Process.GetCurrentProcess().StartTime;
string imagesFile = Path.Combine(directory, "t10k-images-idx3-ubyte");
if (!File.Exists(imagesFile)) imagesFile += ".gz"; // FindDirectory accepts raw or gzip-compressed files
var (pixels, count, _, _) = Idx.ReadImages(imagesFile);
if (image < 0 || image >= count)
{
    Console.Error.WriteLine($"--image must be in [0, {count}).");
    return 2;
}
var probabilities = new float[model.OutputSize];
var clock = Stopwatch.StartNew();
model.Forward(pixels.AsSpan(image * model.InputSize, model.InputSize), probabilities, 1);
double firstMicroseconds = clock.Elapsed.TotalMicroseconds;
int predicted = Metrics.ArgMax(probabilities);
TimeSpan sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Image {image}: {classNames[predicted]} ({probabilities[predicted]:P1}). Process start to weights loaded {ready.TotalMilliseconds:F0} ms; " +
    $"first prediction {firstMicroseconds:F0} µs; answer {sinceStart.TotalMilliseconds:F0} ms after the start (10,000 test images read in between)."));

// The whole test set, and steady-state latency.
(_, Dataset test) = FashionMnist.Load(directory);
EvaluationResult result = model.Evaluate(test);
var samples = new double[2000];
for (int i = 0; i < samples.Length; i++)
{
    long start = Stopwatch.GetTimestamp();
    model.Forward(test.GetFeatures(i % test.Count), probabilities, 1);
    samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
}
Array.Sort(samples);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Test accuracy {result.Accuracy:P2}; one-image latency median {samples[samples.Length / 2]:F1} µs (of {samples.Length})."));
return 0;

/// <summary>
/// Checks the native executable without data or trained weights: the kernels take their vectorized path, a forward pass
/// gives probabilities, a few training steps stay finite, and a weight file round-trips to identical predictions.
/// </summary>
internal static class SelfTest
{
    public static int Run()
    {
        const int batch = 64;
        var random = new SeededRandom(3);
        var x = new float[batch * FashionBn.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextFloat();
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = random.NextInt(FashionBn.OutputSize);

        var model = new FashionBn(seed: 7);
        var optimizer = new Adam(0.001);
        float loss = 0;
        for (int step = 0; step < 5; step++) loss = model.TrainStep(x, labels, batch, optimizer);
        float[] p = model.Predict(x, batch);
        for (int i = 0; i < batch; i++)
        {
            float sum = 0;
            for (int j = 0; j < FashionBn.OutputSize; j++) sum += p[(i * FashionBn.OutputSize) + j];
            if (!float.IsFinite(sum) || Math.Abs(sum - 1f) > 1e-4f)
            {
                Console.Error.WriteLine($"self-test failed: row {i} of the softmax sums to {sum}");
                return 1;
            }
        }
        string path = Path.Combine(Path.GetTempPath(), $"aot-self-test-{Environment.ProcessId}.weights");
        model.SaveWeights(path);
        var restored = new FashionBn(seed: 8);
        restored.LoadWeights(path);
        File.Delete(path);
        if (!restored.Predict(x, batch).AsSpan().SequenceEqual(p))
        {
            Console.Error.WriteLine("self-test failed: the reloaded weights predict differently");
            return 1;
        }
        bool vectorized = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"self-test passed: vectorized={vectorized}, loss after 5 steps {loss:F4}"));
        return float.IsFinite(loss) ? 0 : 1;
    }
}
