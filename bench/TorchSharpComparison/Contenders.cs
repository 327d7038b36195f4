using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Benchmarks.TorchSharpComparison;

/// <summary>What one run of one framework on one workload measured.</summary>
/// <param name="Seconds">Wall time of the training loop.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="Samples">Samples trained.</param>
/// <param name="AllocatedBytesPerStep">Managed bytes allocated per step (this thread) after the first step.</param>
/// <param name="FirstStepAllocatedBytes">Managed bytes allocated by the first step of a fresh network and optimizer (workspace, slots).</param>
/// <param name="TestAccuracy">Accuracy on the 10,000 test images after the training.</param>
/// <param name="LatencyMicroseconds">Median time of one single-sample inference call.</param>
/// <param name="LatencyAllocatedBytes">Managed bytes allocated per single-sample inference call.</param>
/// <param name="BatchMilliseconds">Median time of the inference of the 10,000 test images in one batch.</param>
/// <param name="InitialDifference">Max |Δ| between the twins' initial outputs (probabilities) on 32 test images; NaN for NetDsl.</param>
internal sealed record RunResult(double Seconds, int Steps, int Samples, double AllocatedBytesPerStep, long FirstStepAllocatedBytes, double TestAccuracy,
    double LatencyMicroseconds, double LatencyAllocatedBytes, double BatchMilliseconds, double InitialDifference)
{
    /// <summary>How busy the machine was with other work during the run (fraction of all cores).</summary>
    public double OtherLoad { get; init; } = double.NaN;

    /// <summary>
    /// The cores' FMA capacity around the run: the lower of the FMA peaks probed just before and just after it, as a
    /// fraction of the best measured so far (1: the machine as fast as it gets; about 0.5 when a VM's host halves it).
    /// </summary>
    public double Capacity { get; init; } = double.NaN;

    public double SamplesPerSecond => Samples / Seconds;
    public double MillisecondsPerStep => Seconds * 1000 / Steps;
}

/// <summary>One side of the comparison.</summary>
internal abstract class Contender
{
    /// <summary>The name in the tables.</summary>
    public abstract string Name { get; }

    /// <summary>Trains a fresh network (NetDsl's seed-42 weights) for <paramref name="steps"/> steps, then measures inference.</summary>
    public abstract RunResult Run(Workload workload, RunData data, int steps, int latencyCalls, int batchCalls);

    /// <summary>Samples rotated through by the single-sample inference measurement.</summary>
    protected const int LatencySamples = 100;

    protected static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    protected static double Median(long[] ticks) => Median(ticks.Select(t => (double)t));

    protected static double TicksToMicroseconds(double ticks) => ticks * 1e6 / Stopwatch.Frequency;

    /// <summary>Fewer batch-inference calls for a network whose first (warm-up) call took more than half a second.</summary>
    protected static int BatchCalls(int wanted, long firstCallTicks) =>
        firstCallTicks > Stopwatch.Frequency / 2 ? Math.Min(wanted, 2) : wanted;

    protected static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>The training loop's step range: step <paramref name="step"/> covers samples [start, start + count).</summary>
    protected static (int Start, int Count) Batch(Workload workload, int step, int sampleCount)
    {
        int start = step * workload.BatchSize % sampleCount;
        return (start, Math.Min(workload.BatchSize, sampleCount - start));
    }
}

/// <summary>The generated NetDsl network.</summary>
internal sealed class NetDslContender : Contender
{
    public override string Name => "NetDsl";

    public override RunResult Run(Workload workload, RunData data, int steps, int latencyCalls, int batchCalls)
    {
        INetwork network = workload.CreateNetwork();
        Optimizer optimizer = workload.Optimizer.CreateNetDsl();
        int features = data.Train.FeatureCount, count = data.Train.Count;
        ReadOnlySpan<float> trainX = data.Train.Features;
        int[] trainY = data.TrainLabels;

        CollectGarbage();
        long allocated0 = GC.GetAllocatedBytesForCurrentThread(), allocated1 = allocated0;
        long start = Stopwatch.GetTimestamp();
        float loss = 0;
        for (int step = 0; step < steps; step++)
        {
            var (first, n) = Batch(workload, step, count);
            loss += network.TrainStep(trainX.Slice(first * features, n * features), trainY.AsSpan(first, n), n, optimizer);
            if (step == 0) allocated1 = GC.GetAllocatedBytesForCurrentThread();
        }
        long end = Stopwatch.GetTimestamp();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocated1;
        double seconds = (end - start) / (double)Stopwatch.Frequency;
        if (!float.IsFinite(loss)) throw new InvalidOperationException($"NetDsl's training loss of {workload.Name} is not finite.");
        int samples = 0;
        for (int step = 0; step < steps; step++) samples += Batch(workload, step, count).Count;

        double accuracy = network.Evaluate(data.Test).Accuracy;

        // Single-sample inference: the sample's features as a span, the probabilities into a span.
        ReadOnlySpan<float> test = data.Test.Features;
        var output = new float[network.OutputSize];
        for (int i = 0; i < Math.Min(latencyCalls, 1000); i++) network.Forward(test.Slice(i % LatencySamples * features, features), output, 1);
        var ticks = new long[latencyCalls];
        long latencyAllocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < latencyCalls; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            network.Forward(test.Slice(i % LatencySamples * features, features), output, 1);
            ticks[i] = Stopwatch.GetTimestamp() - t0;
        }
        latencyAllocated = GC.GetAllocatedBytesForCurrentThread() - latencyAllocated;

        // The 10,000 test images in one batch.
        var outputs = new float[data.Test.Count * network.OutputSize];
        long firstCall = Stopwatch.GetTimestamp();
        network.Forward(test, outputs, data.Test.Count);
        batchCalls = BatchCalls(batchCalls, Stopwatch.GetTimestamp() - firstCall);
        var batchTicks = new long[batchCalls];
        for (int i = 0; i < batchCalls; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            network.Forward(test, outputs, data.Test.Count);
            batchTicks[i] = Stopwatch.GetTimestamp() - t0;
        }

        return new RunResult(seconds, steps, samples, steps > 1 ? allocated / (double)(steps - 1) : 0, allocated1 - allocated0, accuracy,
            TicksToMicroseconds(Median(ticks)), latencyAllocated / (double)latencyCalls,
            TicksToMicroseconds(Median(batchTicks)) / 1000, double.NaN);
    }
}

/// <summary>The TorchSharp twin: same layers, NetDsl's initial weights copied in, same optimizer and data order.</summary>
internal sealed class TorchContender(int threads) : Contender
{
    public int Threads { get; } = threads;

    public override string Name => $"TorchSharp ({Threads} thread{(Threads == 1 ? "" : "s")})";

    public override RunResult Run(Workload workload, RunData data, int steps, int latencyCalls, int batchCalls)
    {
        torch.set_num_threads(Threads);
        INetwork reference = workload.CreateNetwork();
        using Sequential model = Build(workload.Twin);
        CopyWeights(reference, model);
        double difference = InitialDifference(reference, model, data);

        model.train();
        using optim.Optimizer optimizer = workload.Optimizer.Kind switch
        {
            OptimizerKind.Sgd => optim.SGD(model.parameters(), workload.Optimizer.LearningRate),
            // torch's Adam adds ε to √v̂ (bias-corrected); Keras's legacy Adam adds it to √v ("ε-hat"). With ε = 1e-7 the
            // difference is negligible next to √v; the arithmetic is the same.
            OptimizerKind.Adam => optim.Adam(model.parameters(), workload.Optimizer.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-7),
            _ => throw new InvalidOperationException(workload.Optimizer.Kind.ToString()),
        };
        Tensor trainX = data.TrainX, trainY = data.TrainY;
        int count = data.Train.Count;

        CollectGarbage();
        long allocated0 = GC.GetAllocatedBytesForCurrentThread(), allocated1 = allocated0;
        long start = Stopwatch.GetTimestamp();
        for (int step = 0; step < steps; step++)
        {
            var (first, n) = Batch(workload, step, count);
            using var scope = torch.NewDisposeScope();
            Tensor x = trainX.narrow(0, first, n), y = trainY.narrow(0, first, n);
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(model.forward(x), y);
            loss.backward();
            optimizer.step();
            if (step == 0) allocated1 = GC.GetAllocatedBytesForCurrentThread();
        }
        long end = Stopwatch.GetTimestamp();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocated1;
        double seconds = (end - start) / (double)Stopwatch.Frequency;
        int samples = 0;
        for (int step = 0; step < steps; step++) samples += Batch(workload, step, count).Count;

        model.eval();
        using var noGrad = torch.no_grad();
        double accuracy;
        using (torch.NewDisposeScope())
        {
            long correct = model.forward(data.TestX).argmax(1).eq(data.TestY).sum().item<long>();
            accuracy = correct / (double)data.Test.Count;
        }

        // Single-sample inference: the sample already in a tensor (the best case for TorchSharp), the probabilities
        // (softmax of the logits, as NetDsl's output) copied into a managed array.
        Tensor[] samplesIn = Enumerable.Range(0, LatencySamples).Select(i => data.TestX.narrow(0, i, 1)).ToArray();
        var output = new float[10];
        for (int i = 0; i < Math.Min(latencyCalls, 1000); i++) Infer(model, samplesIn[i % LatencySamples], output);
        var ticks = new long[latencyCalls];
        long latencyAllocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < latencyCalls; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Infer(model, samplesIn[i % LatencySamples], output);
            ticks[i] = Stopwatch.GetTimestamp() - t0;
        }
        latencyAllocated = GC.GetAllocatedBytesForCurrentThread() - latencyAllocated;
        foreach (Tensor t in samplesIn) t.Dispose();

        var outputs = new float[data.Test.Count * 10];
        long firstCall = Stopwatch.GetTimestamp();
        Infer(model, data.TestX, outputs);
        batchCalls = BatchCalls(batchCalls, Stopwatch.GetTimestamp() - firstCall);
        var batchTicks = new long[batchCalls];
        for (int i = 0; i < batchCalls; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Infer(model, data.TestX, outputs);
            batchTicks[i] = Stopwatch.GetTimestamp() - t0;
        }

        return new RunResult(seconds, steps, samples, steps > 1 ? allocated / (double)(steps - 1) : 0, allocated1 - allocated0, accuracy,
            TicksToMicroseconds(Median(ticks)), latencyAllocated / (double)latencyCalls,
            TicksToMicroseconds(Median(batchTicks)) / 1000, difference);
    }

    private static void Infer(Sequential model, Tensor x, float[] output)
    {
        using var scope = torch.NewDisposeScope();
        model.forward(x).softmax(1).data<float>().CopyTo(output);
    }

    /// <summary>The twin's layers in an <c>nn.Sequential</c>.</summary>
    public static Sequential Build(IEnumerable<TwinLayer> layers)
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        foreach (TwinLayer layer in layers)
        {
            nn.Module<Tensor, Tensor> module = layer switch
            {
                TwinLinear linear => nn.Linear(linear.Inputs, linear.Units),
                TwinActivation { Activation: Activation.Relu } => nn.ReLU(),
                TwinActivation { Activation: Activation.Selu } => nn.SELU(),
                // Keras's BatchNormalization(momentum=0.99, epsilon=1e-3) is torch's momentum 0.01 (the weight of the new
                // batch statistic), eps 1e-3.
                TwinBatchNorm bn => nn.BatchNorm1d(bn.Features, eps: 1e-3, momentum: 0.01),
                _ => throw new InvalidOperationException($"No twin for {layer}."),
            };
            modules.Add(($"{modules.Count}", module));
        }
        return nn.Sequential(modules.ToArray());
    }

    /// <summary>
    /// Copies NetDsl's initial weights into the twin, variable by variable (the two list their variables in the same
    /// order): a Keras kernel (inputs × units) is the transpose of torch's Linear weight (units × inputs); biases, γ and β
    /// copy as they are. BatchNorm's moving statistics start at 0 and 1 in both.
    /// </summary>
    public static void CopyWeights(INetwork source, nn.Module model)
    {
        Parameter[] parameters = model.parameters().ToArray();
        ReadOnlySpan<ParameterVariable> variables = source.Variables;
        if (parameters.Length != variables.Length)
        {
            throw new InvalidOperationException($"The twin has {parameters.Length} parameter tensors, NetDsl {variables.Length} variables.");
        }
        using var noGrad = torch.no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            ParameterVariable v = variables[i];
            Parameter p = parameters[i];
            float[] values = source.Parameters.Slice(v.Offset, v.Length).ToArray();
            if (p.numel() != v.Length) throw new InvalidOperationException($"Variable {i}: {p.numel()} values in torch, {v.Length} in NetDsl.");
            if (v.Kind == VariableKind.Kernel)
            {
                long units = p.shape[0], inputs = p.shape[1];
                using Tensor kernel = torch.tensor(values, [inputs, units]);
                using Tensor transposed = kernel.t();
                p.copy_(transposed);
            }
            else
            {
                using Tensor t = torch.tensor(values, p.shape);
                p.copy_(t);
            }
        }
    }

    /// <summary>
    /// The twins' gradients on the first training batch, from the same initial weights: for each variable, the largest
    /// |Δ| relative to the largest |gradient| of that variable; returns the worst variable and its relative difference.
    /// </summary>
    public static (int Variable, VariableKind Kind, double Relative) CompareGradients(Workload workload, RunData data, bool verbose = false)
    {
        INetwork network = workload.CreateNetwork();
        using Sequential model = Build(workload.Twin);
        CopyWeights(network, model);
        int n = Math.Min(workload.BatchSize, data.Train.Count), features = data.Train.FeatureCount;
        network.ComputeGradients(data.Train.Features[..(n * features)], data.TrainLabels.AsSpan(0, n), n);

        model.train();
        model.zero_grad();
        using (torch.NewDisposeScope())
        {
            nn.functional.cross_entropy(model.forward(data.TrainX.narrow(0, 0, n)), data.TrainY.narrow(0, 0, n)).backward();
        }
        Parameter[] parameters = model.parameters().ToArray();
        ReadOnlySpan<ParameterVariable> variables = network.Variables;
        (int, VariableKind, double) worst = (-1, VariableKind.Kernel, 0);

        // With --verbose-gradients: the float64 twin as the reference for both float32 computations.
        Parameter[]? reference = null;
        Sequential? model64 = null;
        if (verbose)
        {
            model64 = Build(workload.Twin);
            CopyWeights(network, model64);
            model64.to(ScalarType.Float64);
            model64.train();
            model64.zero_grad();
            using (torch.NewDisposeScope())
            {
                nn.functional.cross_entropy(model64.forward(data.TrainX.narrow(0, 0, n).to(ScalarType.Float64)), data.TrainY.narrow(0, 0, n)).backward();
            }
            reference = model64.parameters().ToArray();
        }
        for (int i = 0; i < parameters.Length; i++)
        {
            ParameterVariable v = variables[i];
            using Tensor grad = parameters[i].grad ?? throw new InvalidOperationException($"The twin has no gradient for parameter {i}.");
            using Tensor layout = v.Kind == VariableKind.Kernel ? grad.t().contiguous() : grad.contiguous();
            float[] theirs = layout.data<float>().ToArray();
            ReadOnlySpan<float> ours = network.Gradients.Slice(v.Offset, v.Length);
            double scale = 0, max = 0;
            for (int j = 0; j < theirs.Length; j++) scale = Math.Max(scale, Math.Abs(theirs[j]));
            for (int j = 0; j < theirs.Length; j++) max = Math.Max(max, Math.Abs(ours[j] - theirs[j]));
            double relative = scale > 0 ? max / scale : max;
            if (relative > worst.Item3 || worst.Item1 < 0) worst = (i, v.Kind, relative);
            if (reference is not null)
            {
                using Tensor grad64 = reference[i].grad!;
                using Tensor layout64 = (v.Kind == VariableKind.Kernel ? grad64.t() : grad64).contiguous();
                double[] exact = layout64.data<double>().ToArray();
                double scale64 = exact.Max(Math.Abs), oursError = 0, theirsError = 0;
                for (int j = 0; j < exact.Length; j++)
                {
                    oursError = Math.Max(oursError, Math.Abs(ours[j] - exact[j]));
                    theirsError = Math.Max(theirsError, Math.Abs(theirs[j] - exact[j]));
                }
                Console.WriteLine($"      variable #{i,3} {v.Kind,-6} largest |g| {scale64:E2}: NetDsl vs float64 {oursError / scale64:E1}, TorchSharp vs float64 {theirsError / scale64:E1}, NetDsl vs TorchSharp {relative:E1}");
            }
        }
        model64?.Dispose();
        return worst;
    }

    /// <summary>Max |Δ| between the two networks' inference outputs on the first 32 test images.</summary>
    private static double InitialDifference(INetwork reference, Sequential model, RunData data)
    {
        const int n = 32;
        var ours = new float[n * reference.OutputSize];
        reference.Forward(data.Test.Features[..(n * data.Test.FeatureCount)], ours, n);
        model.eval();
        var theirs = new float[n * reference.OutputSize];
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            model.forward(data.TestX.narrow(0, 0, n)).softmax(1).data<float>().CopyTo(theirs);
        }
        double max = 0;
        for (int i = 0; i < ours.Length; i++) max = Math.Max(max, Math.Abs(ours[i] - theirs[i]));
        return max;
    }
}
