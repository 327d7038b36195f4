using System;
using System.Collections.Generic;
using System.IO;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using NetDsl.Benchmarks;

// dotnet run -c Release --project bench/NetDsl.Benchmarks -- --filter '*' [--job short|dry] [--quick] [--out-of-process]
//   --quick           = --job short (3 iterations: a sanity check, not a measurement)
//   --out-of-process  BenchmarkDotNet's default toolchain (generates, builds and runs a separate project per run);
//                     without it the benchmarks run in this process (no rebuild of the solution, same JIT settings).
var arguments = new List<string>();
bool inProcess = true;
foreach (string argument in args)
{
    switch (argument)
    {
        case "--quick": arguments.AddRange(["--job", "short"]); break;
        case "--out-of-process": inProcess = false; break;
        default: arguments.Add(argument); break;
    }
}
if (inProcess) arguments.Add("--inProcess");

IConfig config = DefaultConfig.Instance
    .AddColumn(new GflopsColumn())
    .AddDiagnoser(MemoryDiagnoser.Default);
// Reports go to bench/NetDsl.Benchmarks/BenchmarkDotNet.Artifacts (git-ignored there), not to the current directory.
if (ProjectDirectory() is { } project) config = config.WithArtifactsPath(Path.Combine(project, "BenchmarkDotNet.Artifacts"));
Console.WriteLine($"NetDsl.Benchmarks: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
BenchmarkSwitcher.FromAssembly(typeof(GemmShape).Assembly).Run(arguments.ToArray(), config);

// The folder of NetDsl.Benchmarks.csproj, found upwards from the binaries (bin/Release/net10.0/); null when elsewhere.
static string? ProjectDirectory()
{
    for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
    {
        if (File.Exists(Path.Combine(d.FullName, "NetDsl.Benchmarks.csproj"))) return d.FullName;
    }
    return null;
}
