using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetDsl.Benchmarks.TorchSharpComparison;

/// <summary>The Markdown tables: medians over the runs, NetDsl against the first TorchSharp configuration.</summary>
internal static class Report
{
    private sealed record Medians(double SamplesPerSecond, double MillisecondsPerStep, double EpochSeconds, bool EpochProjected,
        double AllocatedPerStep, double Accuracy, double LatencyMicroseconds, double LatencyAllocated, double BatchMilliseconds,
        double InitialDifference, int Runs);

    public static string Markdown(Options options, IReadOnlyList<Contender> contenders,
        IReadOnlyDictionary<(Workload, Contender), List<RunResult>> results, IReadOnlyDictionary<Workload, double> gradientChecks,
        (int Noisy, int Slow) discarded, string machine, bool realData, (double Before, double After, double Best) peak)
    {
        Contender ours = contenders[0];
        Contender torch = contenders[1];
        var sb = new StringBuilder();
        void Line(string text = "") => sb.Append(text).Append('\n');

        int runs = options.Repetitions;
        Line($"### NetDsl vs TorchSharp — medians of {runs} interleaved run{(runs == 1 ? "" : "s")} per framework{(options.Quick ? " (--quick: a sanity check, not a measurement)" : "")}");
        Line();
        Line($"Machine: {machine}. TorchSharp with {string.Join(" and ", options.TorchThreads.Select(t => $"{t} thread{(t == 1 ? "" : "s")}"))} "
            + $"(`torch.set_num_threads`); NetDsl with its own kernels. Data: {(realData ? "Fashion-MNIST" : "random data of Fashion-MNIST's shape (chance-level accuracy)")}, "
            + "55,000 training images (5,000 held out), 10,000 test images.");
        Line();

        Line("**Training** (same architecture, same initial weights, same optimizer settings, same batches in the same order):");
        Line();
        Line($"| workload | batch | steps | NetDsl samples/s | {torch.Name} samples/s | NetDsl speed-up | NetDsl ms/step | TorchSharp ms/step | NetDsl s/epoch | TorchSharp s/epoch | allocated B/step NetDsl / TorchSharp | test accuracy NetDsl / TorchSharp |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Workload w in options.Workloads)
        {
            if (Get(results, w, ours) is not { } a || Get(results, w, torch) is not { } b) continue;
            int steps = results[(w, ours)][0].Steps;
            Line($"| {w.Name} | {w.BatchSize} | {steps:N0}{(steps == w.EpochSteps ? "" : "*")} | {a.SamplesPerSecond:N0} | {b.SamplesPerSecond:N0} | **{Ratio(a.SamplesPerSecond, b.SamplesPerSecond)}** | "
                + $"{Ms(a.MillisecondsPerStep)} | {Ms(b.MillisecondsPerStep)} | {Epoch(a)} | {Epoch(b)} | {a.AllocatedPerStep:N0} / {b.AllocatedPerStep:N0} | "
                + $"{a.Accuracy:P2} / {b.Accuracy:P2} |");
        }
        Line();

        // The products' arithmetic against the machine's FMA peak: how much of the hardware each framework uses, and
        // how much the target speed-up would take.
        double peakGflops = peak.Best;
        if (peakGflops > 0)
        {
            Line($"**Arithmetic** (the matrix products of a standard implementation per training sample — forward, weight gradients, "
                + "input gradients but a first layer's — divided by the time per sample; elementwise work is not counted). "
                + $"FMA peak of the machine with every core busy (`Vector256` FMA chains, no memory traffic): {peak.Before:F1} GFLOP/s "
                + $"before the runs, {peak.After:F1} after, {peak.Best:F1} the best of every probe; shares are of the best:");
            Line();
            Line($"| workload | MFLOP per sample | NetDsl GFLOP/s | share of peak | {torch.Name} GFLOP/s | share of peak | target | NetDsl at the target | share of peak |");
            Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (Workload w in options.Workloads)
            {
                if (Get(results, w, ours) is not { } a || Get(results, w, torch) is not { } b) continue;
                double flops = w.TrainingFlopsPerSample;
                double ourRate = a.SamplesPerSecond * flops / 1e9, theirRate = b.SamplesPerSecond * flops / 1e9;
                double needed = w.TargetSpeedUp * theirRate;
                Line($"| {w.Name} | {flops / 1e6:F3} | {ourRate:F1} | {ourRate / peakGflops:P0} | {theirRate:F1} | {theirRate / peakGflops:P0} | "
                    + $"{w.TargetSpeedUp:F0}× | {needed:F1} | {needed / peakGflops:P0} |");
            }
            Line();
        }

        Line("**Inference** (after the training; one sample: median of " + options.LatencyCalls.ToString("N0", CultureInfo.InvariantCulture)
            + " calls; 10,000 samples: the test set in one batch, median of " + options.BatchInferenceCalls + " calls"
            + (options.BatchInferenceCalls > 2 ? ", 2 where a call takes over 0.5 s" : "") + "):");
        Line();
        Line($"| workload | 1 sample NetDsl µs | 1 sample {torch.Name} µs | NetDsl speed-up | 10,000 samples NetDsl ms | 10,000 samples TorchSharp ms | NetDsl speed-up | allocated B/call (1 sample) NetDsl / TorchSharp |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Workload w in options.Workloads)
        {
            if (Get(results, w, ours) is not { } a || Get(results, w, torch) is not { } b) continue;
            Line($"| {w.Name} | {a.LatencyMicroseconds:F1} | {b.LatencyMicroseconds:F1} | **{Ratio(b.LatencyMicroseconds, a.LatencyMicroseconds)}** | "
                + $"{a.BatchMilliseconds:F1} | {b.BatchMilliseconds:F1} | {Ratio(b.BatchMilliseconds, a.BatchMilliseconds)} | {a.LatencyAllocated:N0} / {b.LatencyAllocated:N0} |");
        }
        Line();

        Line("**Spread** of the training rate over the runs (samples/s, slowest – fastest; the medians above sit between):");
        Line();
        Line("| workload | " + string.Join(" | ", contenders.Select(c => c.Name)) + " |");
        Line("|---|" + string.Concat(contenders.Select(_ => "---:|")));
        foreach (Workload w in options.Workloads)
        {
            var cells = contenders.Select(c => results.TryGetValue((w, c), out List<RunResult>? runs) && runs.Count > 0
                ? $"{runs.Min(r => r.SamplesPerSecond):N0} – {runs.Max(r => r.SamplesPerSecond):N0}" : "");
            Line($"| {w.Name} | {string.Join(" | ", cells)} |");
        }
        Line();

        foreach (Contender other in contenders.Skip(2))
        {
            Line($"**{other.Name}** (NetDsl speed-up against it in parentheses):");
            Line();
            Line("| workload | samples/s | ms/step | s/epoch | 1 sample µs | 10,000 samples ms | test accuracy |");
            Line("|---|---:|---:|---:|---:|---:|---:|");
            foreach (Workload w in options.Workloads)
            {
                if (Get(results, w, ours) is not { } a || Get(results, w, other) is not { } c) continue;
                Line($"| {w.Name} | {c.SamplesPerSecond:N0} ({Ratio(a.SamplesPerSecond, c.SamplesPerSecond)}) | {Ms(c.MillisecondsPerStep)} | {Epoch(c)} | "
                    + $"{c.LatencyMicroseconds:F1} ({Ratio(c.LatencyMicroseconds, a.LatencyMicroseconds)}) | {c.BatchMilliseconds:F1} ({Ratio(c.BatchMilliseconds, a.BatchMilliseconds)}) | {c.Accuracy:P2} |");
            }
            Line();
        }

        double[] loads = results.Values.SelectMany(r => r).Select(r => r.OtherLoad).Where(l => !double.IsNaN(l)).ToArray();
        if (loads.Length > 0)
        {
            Line($"Other load on the machine during the kept runs (other processes and steal, share of all cores): median {Median(loads):P0}, "
                + $"max {loads.Max():P0}{(loads.Max() > Options.NoisyLoad ? " — some runs were disturbed; the medians absorb a few" : "")}"
                + (discarded.Noisy > 0 ? $"; {discarded.Noisy} disturbed run{(discarded.Noisy == 1 ? " was" : "s were")} discarded and run again." : "."));
        }
        double[] capacities = results.Values.SelectMany(r => r).Select(r => r.Capacity).Where(c => !double.IsNaN(c)).ToArray();
        if (capacities.Length > 0)
        {
            int slow = capacities.Count(c => c < Options.SlowPhase);
            Line($"FMA capacity around the kept runs (the lower of the peaks probed just before and after each run, share of the best): "
                + $"median {Median(capacities):P0}, min {capacities.Min():P0}"
                + (slow > 0 ? $" — {slow} run{(slow == 1 ? "" : "s")} kept in a slow phase after the retries" : "")
                + (discarded.Slow > 0 ? $"; {discarded.Slow} run{(discarded.Slow == 1 ? "" : "s")} in a slow phase (below {Options.SlowPhase:P0}) discarded and run again." : "."));
        }
        Line("Workloads: " + string.Join("; ", options.Workloads.Select(w => $"{w.Name} {w.Description}")) + ".");
        if (options.Workloads.Any(w => results.TryGetValue((w, ours), out var list) && list[0].Steps != w.EpochSteps))
        {
            Line("\\* a fixed number of steps rather than a whole epoch; its s/epoch is projected from the measured rate (marked ≈) "
                + "and its accuracy is after those steps.");
        }
        Line("Speed-up = TorchSharp's time ÷ NetDsl's (> 1: NetDsl is faster). Allocated bytes per step are managed bytes on the training thread "
            + "(`GC.GetAllocatedBytesForCurrentThread`) after the first step (which sizes a fresh network's workspace and the optimizer's slots); "
            + "TorchSharp's native (libtorch) allocations are not counted. "
            + "TorchSharp's inference: the input already in a tensor, `no_grad`, the softmax copied into a managed array; NetDsl's: "
            + "`Forward` from a span into a span. Initial outputs of the twins agree to "
            + $"{options.Workloads.Select(w => Get(results, w, torch)?.InitialDifference ?? 0).DefaultIfEmpty(0).Max():E1} (max |Δp|), "
            + "their gradients on the first batch to " + string.Join(", ", options.Workloads.Where(gradientChecks.ContainsKey)
                .Select(w => $"{gradientChecks[w]:E1} ({w.Name})")) + " (max |Δ| relative to the variable's largest gradient).");
        Line("Reproduce: `dotnet run -c Release --project bench/TorchSharpComparison" + (Args(options) is { Length: > 0 } a2 ? $" -- {a2}" : "") + "`.");
        return sb.ToString();
    }

    private static string Args(Options options)
    {
        var parts = new List<string>();
        if (options.Workloads.Count != Workload.All.Count) parts.Add("--workloads " + string.Join(',', options.Workloads.Select(w => w.Name)));
        if (options.Quick) parts.Add("--quick");
        if (options.FullEpochs) parts.Add("--full-epochs");
        if (!options.Quick && options.Repetitions != new Options().Repetitions) parts.Add($"--reps {options.Repetitions}");
        if (!options.TorchThreads.SequenceEqual(new Options().TorchThreads)) parts.Add("--torch-threads " + string.Join(',', options.TorchThreads));
        return string.Join(' ', parts);
    }

    private static Medians? Get(IReadOnlyDictionary<(Workload, Contender), List<RunResult>> results, Workload workload, Contender contender)
    {
        if (!results.TryGetValue((workload, contender), out List<RunResult>? runs) || runs.Count == 0) return null;
        double rate = Median(runs.Select(r => r.SamplesPerSecond));
        bool partial = runs[0].Steps != workload.EpochSteps;
        return new Medians(rate, Median(runs.Select(r => r.MillisecondsPerStep)),
            partial ? Workload.TrainingSamples / rate : Median(runs.Select(r => r.Seconds)), partial,
            Median(runs.Select(r => r.AllocatedBytesPerStep)), Median(runs.Select(r => r.TestAccuracy)),
            Median(runs.Select(r => r.LatencyMicroseconds)), Median(runs.Select(r => r.LatencyAllocatedBytes)),
            Median(runs.Select(r => r.BatchMilliseconds)), runs.Max(r => double.IsNaN(r.InitialDifference) ? 0 : r.InitialDifference), runs.Count);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Ratio(double numerator, double denominator) =>
        (numerator / denominator).ToString(numerator / denominator >= 10 ? "F0" : "F2", CultureInfo.InvariantCulture) + "×";

    private static string Ms(double ms) => ms.ToString(ms < 1 ? "F3" : "F2", CultureInfo.InvariantCulture);

    private static string Epoch(Medians m) => (m.EpochProjected ? "≈" : "") + m.EpochSeconds.ToString("F2", CultureInfo.InvariantCulture);
}
