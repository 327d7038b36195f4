using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

using NetDsl.Tests.Shared;

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
    public static Task<(int ExitCode, string Output)> RunProcessAsync(string fileName, string workingDirectory, params string[] arguments) =>
        ChildProcess.RunAsync(fileName, workingDirectory, Timeout, arguments);

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
