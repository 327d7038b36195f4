using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace NetDsl.Package.Tests;

/// <summary>Runs the <c>dotnet</c> command line, isolated from the MSBuild environment of the test host.</summary>
internal static class Dotnet
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    /// <summary>The repository this test assembly was built from.</summary>
    public static string RepositoryRoot { get; } =
        typeof(Dotnet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments) =>
        RunProcessAsync("dotnet", workingDirectory, arguments);

    /// <summary>Runs a program to its end (killed after <see cref="Timeout"/>), returning its exit code and its stdout + stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunProcessAsync(string fileName, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // dotnet test runs the tests inside an MSBuild environment: do not let its settings leak into the child builds.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in {Timeout}:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Runs and asserts success, returning the output.</summary>
    public static async Task<string> SucceedAsync(string workingDirectory, params string[] arguments)
    {
        (int exitCode, string output) = await RunAsync(workingDirectory, arguments);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} failed with exit code {exitCode}:\n{output}");
        return output;
    }

    /// <summary>Whether the <c>dotnet</c> command is on the PATH.</summary>
    public static bool OnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Combine(d, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")));
}

/// <summary>A fact skipped, with the reason, when the .NET SDK's <c>dotnet</c> command is not on the PATH.</summary>
public sealed class DotnetFactAttribute : FactAttribute
{
    public DotnetFactAttribute()
    {
        if (!Dotnet.OnPath()) Skip = "the 'dotnet' command is not on the PATH: packing and consuming the package needs the .NET SDK";
    }
}
