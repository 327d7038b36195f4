using System.Globalization;
using Consumer;
using NetDsl;

// Three Gaussian blobs in 8 dimensions (as 2 × 4 inputs), 600 samples.
const int Samples = 600, Features = 8;
var random = new SeededRandom(7);
var x = new float[Samples * Features];
var y = new int[Samples];
for (int i = 0; i < Samples; i++)
{
    y[i] = i % 3;
    for (int f = 0; f < Features; f++)
    {
        x[(i * Features) + f] = (float)((f % 3 == y[i] ? 2.0 : 0.0) + (random.NextDouble() - 0.5));
    }
}

var data = new Dataset(x, y, Features);
var model = new Blobs(seed: 42);
History history = model.Fit(data, epochs: 5, batchSize: 16, optimizer: new Adam(0.01), verbose: 0);
EvaluationResult result = model.Evaluate(data);
float[] probabilities = model.Predict(data);

string weights = Path.Combine(Path.GetTempPath(), $"consumer-{Environment.ProcessId}.weights");
model.SaveWeights(weights);
var restored = new Blobs(seed: 1);
restored.LoadWeights(weights);
File.Delete(weights);
float[] again = restored.Predict(data);

string onnx = Path.Combine(Path.GetTempPath(), $"consumer-{Environment.ProcessId}.onnx");
model.ExportOnnx(onnx);
long onnxBytes = new FileInfo(onnx).Length;
File.Delete(onnx);

Console.WriteLine(Blobs.ParameterCount.ToString(CultureInfo.InvariantCulture) + " parameters");
Console.WriteLine("loss " + history["loss"][^1].ToString("F4", CultureInfo.InvariantCulture));
Console.WriteLine("accuracy " + result.Accuracy.ToString("F4", CultureInfo.InvariantCulture));
Console.WriteLine("restored predictions equal: " + probabilities.AsSpan().SequenceEqual(again));
Console.WriteLine("ONNX model: " + onnxBytes.ToString(CultureInfo.InvariantCulture) + " bytes");
return result.Accuracy > 0.9 && probabilities.AsSpan().SequenceEqual(again) ? 0 : 1;
