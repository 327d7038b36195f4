using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace NetDsl.Package.Tests;

/// <summary>
/// Packs the repository's packages once for the test run, with a version of their own (so that no package cached from an
/// earlier run can stand in for them), into a folder feed under the temp path; afterwards deletes the feed and that
/// version from NuGet's global packages folder.
/// </summary>
public sealed class PackagesFixture : IAsyncLifetime
{
    public static readonly string[] PackageIds = { "NetDsl", "NetDsl.Plots", "NetDsl.Onnx" };

    public string Version { get; } = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "netdsl-package-" + Guid.NewGuid().ToString("N")[..8]);

    public string Feed => Path.Combine(Root, "feed");

    public string PackOutput { get; private set; } = "";

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        if (!Dotnet.OnPath()) return;
        foreach (string project in new[] { "src/Runtime/NetDsl.csproj", "src/Plots/NetDsl.Plots.csproj", "src/Onnx/NetDsl.Onnx.csproj" })
        {
            // A private artifacts folder: the repository's own bin/obj (used by the other test projects) stay untouched.
            PackOutput += await Dotnet.SucceedAsync(Dotnet.RepositoryRoot, "pack", Path.Combine(Dotnet.RepositoryRoot, project), "-c", "Release",
                "-o", Feed, "--artifacts-path", Path.Combine(Root, "artifacts"), $"-p:Version={Version}", "-p:ContinuousIntegrationBuild=true",
                "-nodeReuse:false", "-v:minimal", "-nologo");
        }
    }

    public async Task DisposeAsync()
    {
        TryDelete(Root);
        if (!Dotnet.OnPath()) return;
        (int exitCode, string output) = await Dotnet.RunAsync(Path.GetTempPath(), "nuget", "locals", "global-packages", "--list");
        string? line = exitCode == 0 ? output.Split('\n').FirstOrDefault(l => l.Contains("global-packages:", StringComparison.Ordinal)) : null;
        if (line is null) return;
        string globalPackages = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        foreach (string id in PackageIds) TryDelete(Path.Combine(globalPackages, id.ToLowerInvariant(), Version));
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner: a leftover folder does not affect later runs (their versions differ).
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackagesFixture>
{
    public const string Name = "packages";
}
