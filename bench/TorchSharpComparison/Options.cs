using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetDsl.Benchmarks.TorchSharpComparison;

/// <summary>Command-line options.</summary>
internal sealed record Options
{
    public IReadOnlyList<Workload> Workloads { get; init; } = Workload.All;
    public int Repetitions { get; init; } = 5;
    public bool Quick { get; init; }
    public bool FullEpochs { get; init; }
    public IReadOnlyList<int> TorchThreads { get; init; } = [2, 1];
    public string? DataDirectory { get; init; }
    public bool RandomData { get; init; }
    public int LatencyCalls { get; init; } = 5_000;
    public int BatchInferenceCalls { get; init; } = 5;
    public string? MarkdownPath { get; init; }
    public bool VerboseGradients { get; init; }
    public int Retries { get; init; } = 2;

    /// <summary>A run during which other work used more than this share of all cores is "noisy" (and run again, up to <see cref="Retries"/> times).</summary>
    public const double NoisyLoad = 0.10;

    /// <summary>A run around which the cores' FMA capacity fell below this share of the best measured is in a "slow phase" (and run again, as a noisy one).</summary>
    public const double SlowPhase = 0.80;

    public const string Usage = """
        usage: dotnet run -c Release --project bench/TorchSharpComparison -- [options]
          --workloads W1,W2,...   which workloads (default: all, W1–W5)
          --reps N                runs per framework and workload, interleaved; medians are reported (default 5)
          --quick                 a sanity check: 1 run, a tenth of the steps (at least 20), fewer inference calls
          --full-epochs           train W4 and W5 for a whole epoch too (430 steps at batch 128, 55,000 steps at
                                  batch 1) instead of their default 100 and 10,000 steps
          --torch-threads 2,1     TorchSharp thread counts to measure, each as its own contender (default 2,1);
                                  ratios are against the first
          --latency-calls N       single-sample inference calls measured per run (default 5000)
          --retries N             run a run again when other processes used more than 10 % of the machine during it,
                                  or when the cores' FMA capacity probed just before or after it was below 80 % of
                                  the best (a VM's slow phase), up to N times (default 2; 0 keeps every run)
          --data DIR              Fashion-MNIST directory (default: FashionMnist.Load's search)
          --random-data           random data of Fashion-MNIST's shape instead of the real images
          --markdown FILE         also write the Markdown tables to FILE
          --verbose-gradients     compare each variable's first-batch gradient of both twins with a float64 twin's
        """;

    /// <summary>Parses the arguments; null (after printing why) when they are wrong or help was asked for.</summary>
    public static Options? Parse(string[] args)
    {
        var o = new Options();
        bool repsGiven = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt(int min)
            {
                string text = Next();
                int value = int.Parse(text, CultureInfo.InvariantCulture);
                return value >= min ? value : throw new ArgumentException($"{args[i - 1]} must be at least {min}.");
            }
            try
            {
                switch (args[i])
                {
                    case "--workloads":
                        o = o with
                        {
                            Workloads = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                                .Select(n => Workload.Find(n) ?? throw new ArgumentException($"Unknown workload {n} (W1–W5)."))
                                .Distinct().ToArray(),
                        };
                        break;
                    case "--reps": o = o with { Repetitions = NextInt(1) }; repsGiven = true; break;
                    case "--quick": o = o with { Quick = true }; break;
                    case "--full-epochs": o = o with { FullEpochs = true }; break;
                    case "--torch-threads":
                        o = o with
                        {
                            TorchThreads = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                                .Select(t => int.Parse(t, CultureInfo.InvariantCulture) is var n and > 0 ? n
                                    : throw new ArgumentException("--torch-threads takes positive numbers."))
                                .Distinct().ToArray(),
                        };
                        break;
                    case "--latency-calls": o = o with { LatencyCalls = NextInt(10) }; break;
                    case "--data": o = o with { DataDirectory = Next() }; break;
                    case "--random-data": o = o with { RandomData = true }; break;
                    case "--markdown": o = o with { MarkdownPath = Next() }; break;
                    case "--verbose-gradients": o = o with { VerboseGradients = true }; break;
                    case "--retries": o = o with { Retries = NextInt(0) }; break;
                    case "-h" or "--help": Console.WriteLine(Usage); return null;
                    default: throw new ArgumentException($"Unknown option {args[i]}.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Usage);
                return null;
            }
        }
        if (o.Workloads.Count == 0 || o.TorchThreads.Count == 0)
        {
            Console.Error.WriteLine("Nothing to run.");
            return null;
        }
        if (o.Quick)
        {
            o = o with { Repetitions = repsGiven ? o.Repetitions : 1, LatencyCalls = Math.Min(o.LatencyCalls, 500), BatchInferenceCalls = 2 };
        }
        return o;
    }
}
