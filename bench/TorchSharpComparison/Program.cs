using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using NetDsl.Benchmarks.TorchSharpComparison;

// NetDsl versus TorchSharp on the workloads of the performance issue, interleaved in one process:
//   dotnet run -c Release --project bench/TorchSharpComparison -- [--workloads W1,W2] [--reps 5] [--quick] ...
// (bench/README.md describes the options and the workloads.)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
Thread.CurrentThread.CurrentCulture = CultureInfo.InvariantCulture;

Options? options = Options.Parse(args);
if (options is null) return args.Contains("--help") || args.Contains("-h") ? 0 : 2;

string machine = $"{Machine.Cpu()}, {Environment.ProcessorCount} logical cores, {Machine.DotNet()}, {Machine.NetDsl()}, {Machine.Torch()}";
Console.WriteLine($"Machine: {machine}");
Console.WriteLine($"Load average before the run: {Machine.LoadAverage()}");
double peakBefore = Machine.FmaPeakGflops();
double bestPeak = peakBefore;
Console.WriteLine($"FMA peak with every core busy: {peakBefore:F1} GFLOP/s");

using RunData raw = RunData.Load(options.DataDirectory, options.RandomData, Console.WriteLine);
RunData? standardized = null;
try
{
    var contenders = new List<Contender> { new NetDslContender() };
    contenders.AddRange(options.TorchThreads.Select(t => new TorchContender(t)));
    var results = new Dictionary<(Workload, Contender), List<RunResult>>();
    var gradientChecks = new Dictionary<Workload, double>();
    int discarded = 0, slowDiscarded = 0;

    foreach (Workload workload in options.Workloads)
    {
        RunData data = workload.Standardized ? standardized ??= raw.StandardizedCopy() : raw;
        int steps = workload.Steps(options);
        int samples = workload.Samples(steps);
        Console.WriteLine();
        Console.WriteLine($"== {workload.Name}: {workload.Description}");
        Console.WriteLine($"   {steps:N0} steps of batch {workload.BatchSize} = {samples:N0} samples "
            + (steps == workload.EpochSteps ? "(one epoch)" : $"(a fixed number of steps; an epoch is {workload.EpochSteps:N0})")
            + $", {options.Repetitions} interleaved run(s) per framework");

        var (variable, kind, relative) = TorchContender.CompareGradients(workload, data, options.VerboseGradients);
        Console.WriteLine($"   twins' gradients on the first batch from the same weights: worst variable #{variable} ({kind}), max |Δ| = {relative:E1} of its largest |gradient|");
        gradientChecks[workload] = relative;

        int warmup = Math.Min(workload.EpochSteps, Math.Clamp(10_000 / workload.BatchSize, 30, 2_000));
        foreach (Contender contender in contenders)
        {
            contender.Run(workload, data, warmup, latencyCalls: 200, batchCalls: 0);
        }
        Console.WriteLine($"   warmed up ({warmup} steps each)");

        for (int rep = 1; rep <= options.Repetitions; rep++)
        {
            foreach (Contender contender in contenders)
            {
                RunResult result = null!;
                double otherLoad, capacity;
                for (int attempt = 0; ; attempt++)
                {
                    double probeBefore = Machine.FmaPeakGflops(trials: 2);
                    otherLoad = Machine.OtherLoad(() => result = contender.Run(workload, data, steps, options.LatencyCalls, options.BatchInferenceCalls));
                    double probeAfter = Machine.FmaPeakGflops(trials: 2);
                    bestPeak = Math.Max(bestPeak, Math.Max(probeBefore, probeAfter));
                    capacity = Math.Min(probeBefore, probeAfter) / bestPeak;
                    bool noisy = otherLoad > Options.NoisyLoad, slow = capacity < Options.SlowPhase;
                    if (!(noisy || slow) || attempt >= options.Retries) break;
                    if (noisy) discarded++;
                    else slowDiscarded++;
                    Console.WriteLine($"   run {rep} {contender.Name,-24} discarded: "
                        + (noisy ? $"other load {otherLoad:P0}" : $"FMA capacity {capacity:P0} ({probeBefore:F0} and {probeAfter:F0} GFLOP/s around it)")
                        + $" ({result.Seconds:F2} s); running it again");
                }
                result = result with { OtherLoad = otherLoad, Capacity = capacity };
                if (!results.TryGetValue((workload, contender), out List<RunResult>? list)) results[(workload, contender)] = list = [];
                list.Add(result);
                Console.WriteLine($"   run {rep} {contender.Name,-24} {result.Seconds,7:F2} s  {result.SamplesPerSecond,9:N0} samples/s  "
                    + $"{result.MillisecondsPerStep,8:F3} ms/step  {result.AllocatedBytesPerStep,7:N0} B/step (first {result.FirstStepAllocatedBytes:N0} B)  acc {result.TestAccuracy:P2}  "
                    + $"1 sample {result.LatencyMicroseconds,7:F1} µs ({result.LatencyAllocatedBytes:N0} B)  10,000 samples {result.BatchMilliseconds,7:F1} ms"
                    + (double.IsNaN(result.InitialDifference) ? "" : $"  initial max|Δp| {result.InitialDifference:E1}")
                    + $"  other load {otherLoad:P0}" + (otherLoad > Options.NoisyLoad ? " (noisy)" : "")
                    + (double.IsNaN(capacity) ? "" : $"  FMA capacity {capacity:P0}" + (capacity < Options.SlowPhase ? " (slow phase)" : "")));
            }
        }
    }

    double peakAfter = Machine.FmaPeakGflops();
    bestPeak = Math.Max(bestPeak, peakAfter);
    Console.WriteLine($"FMA peak with every core busy, after the runs: {peakAfter:F1} GFLOP/s (best measured: {bestPeak:F1})");
    string markdown = Report.Markdown(options, contenders, results, gradientChecks, (discarded, slowDiscarded), machine, raw.Real,
        (peakBefore, peakAfter, bestPeak));
    Console.WriteLine();
    Console.WriteLine(markdown);
    if (options.MarkdownPath is not null)
    {
        File.WriteAllText(options.MarkdownPath, markdown);
        Console.WriteLine($"(written to {options.MarkdownPath})");
    }
}
finally
{
    standardized?.Dispose();
}
return 0;
