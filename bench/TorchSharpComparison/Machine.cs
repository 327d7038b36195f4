using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Threading;
using System.Text.RegularExpressions;

namespace NetDsl.Benchmarks.TorchSharpComparison;

/// <summary>What the figures were measured on.</summary>
internal static partial class Machine
{
    /// <summary>The CPU's model name from /proc/cpuinfo (with its family and model) and the SIMD instruction set .NET uses.</summary>
    public static string Cpu()
    {
        try
        {
            string[] lines = File.ReadAllLines("/proc/cpuinfo");
            string? Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal) && l[name.Length..].TrimStart().StartsWith(':'))
                ?.Split(':', 2)[1].Trim();
            string model = Field("model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
            string? family = Field("cpu family"), number = Field("model");
            return family is null ? $"{model}, {Isa()}" : $"{model} (family {family}, model {number}), {Isa()}";
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (UnauthorizedAccessException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    /// <summary>The widest SIMD instruction set .NET uses here (a VM's /proc/cpuinfo may hide AVX-512 that CPUID reports).</summary>
    public static string Isa() =>
        Avx512F.IsSupported ? "AVX-512F" + (Kernels.UsesVector512 ? " (NetDsl's 512-bit kernel)" : " (Vector512 not accelerated: NetDsl's 256-bit kernel)")
        : Fma.IsSupported ? "AVX2+FMA"
        : Vector128.IsHardwareAccelerated ? "128-bit SIMD" : "no SIMD";

    /// <summary>Load averages (1, 5, 15 minutes), or empty.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>CPU seconds spent by the whole machine (all cores, busy states only) since boot, from /proc/stat; NaN when unknown.</summary>
    public static double MachineBusySeconds()
    {
        try
        {
            string? line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            if (line is null) return double.NaN;
            long[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait (guest time is inside user).
            long busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f.Length > 7 ? f[7] : 0);
            return busy / 100.0; // USER_HZ
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return double.NaN;
        }
    }

    /// <summary>
    /// Measures how busy the machine was with other work (other processes, or steal) while <paramref name="action"/>
    /// ran, as a fraction of all cores: 0 on a quiet machine.
    /// </summary>
    public static double OtherLoad(Action action)
    {
        using var self = Process.GetCurrentProcess();
        double busy0 = MachineBusySeconds(), own0 = self.TotalProcessorTime.TotalSeconds;
        long t0 = Stopwatch.GetTimestamp();
        action();
        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        self.Refresh();
        double busy1 = MachineBusySeconds(), own1 = self.TotalProcessorTime.TotalSeconds;
        if (double.IsNaN(busy0) || wall <= 0) return double.NaN;
        return Math.Max(0, (busy1 - busy0 - (own1 - own0)) / (wall * Environment.ProcessorCount));
    }

    public static string DotNet() => RuntimeInformation.FrameworkDescription;

    /// <summary>
    /// The machine's FMA peak in GFLOP/s with every core busy: one thread per logical core, each running
    /// <see cref="FmaChains"/> (multiply-adds on registers, no memory traffic — the instructions NetDsl's product kernel
    /// uses: <c>Vector256</c>, or <c>Vector512</c> where its 512-bit kernel runs). The best of <paramref name="trials"/> trials of
    /// about 17 ms each at full speed, timed from when all the threads pass a barrier to when the last one ends. On a VM
    /// this is whatever the host gives at the time: on the development VM about 200 GFLOP/s, or about 100 in phases when
    /// the host gives the two vCPUs one core's worth of time, with dips between. NaN without FMA.
    /// </summary>
    public static double FmaPeakGflops(int trials = 5)
    {
        if (!Fma.IsSupported) return double.NaN;
        int cores = Environment.ProcessorCount;
        // About 17 ms per trial at full speed: long enough to wake an idle vCPU (which takes milliseconds on a VM —
        // trials of 4 ms measured about half the peak after the process had idled for 40 ms) and to see the host's share.
        const int iterations = 10_000_000;
        FmaChains.RunKernelWidth(10_000);
        double best = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            // This thread is one of the busy cores: it starts the clock as it starts its own chains (a thread that only
            // waited could be scheduled late on a machine whose cores are all busy, and start the clock late).
            using var start = new Barrier(cores);
            var others = new Thread[cores - 1];
            for (int t = 0; t < others.Length; t++)
            {
                others[t] = new Thread(() => { start.SignalAndWait(); FmaChains.RunKernelWidth(iterations); });
                others[t].Start();
            }
            start.SignalAndWait();
            long t0 = Stopwatch.GetTimestamp();
            FmaChains.RunKernelWidth(iterations);
            foreach (var thread in others) thread.Join();
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            best = Math.Max(best, cores * (double)iterations * FmaChains.FlopsPerIterationKernelWidth / seconds / 1e9);
        }
        return best;
    }

    /// <summary>NetDsl's informational version (with the commit when the SDK recorded one) and the cores its kernels use.</summary>
    public static string NetDsl()
    {
        Assembly assembly = typeof(INetwork).Assembly;
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "?";
        string? threads = Environment.GetEnvironmentVariable("NETDSL_THREADS");
        return $"NetDsl {version}" + (string.IsNullOrEmpty(threads) ? "" : $" (NETDSL_THREADS={threads})");
    }

    /// <summary>TorchSharp's package version and libtorch's (from the application's deps.json).</summary>
    public static string Torch()
    {
        Assembly assembly = typeof(TorchSharp.torch).Assembly;
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "?";
        version = version.Split('+')[0];
        string libtorch = "?";
        try
        {
            string deps = Path.Combine(AppContext.BaseDirectory, Assembly.GetEntryAssembly()!.GetName().Name + ".deps.json");
            Match match = LibTorchPattern().Match(File.ReadAllText(deps));
            if (match.Success) libtorch = $"{match.Groups[2].Value} {match.Groups[1].Value.ToUpperInvariant()}";
        }
        catch (IOException)
        {
        }
        return $"TorchSharp {version} (libtorch {libtorch})";
    }

    [GeneratedRegex(@"""libtorch-(cpu|cuda[^-]*)-[a-z0-9-]+/([0-9.]+)""")]
    private static partial Regex LibTorchPattern();
}
