using System;
using System.IO;
using System.Reflection;

namespace NetDsl.Analyzers.Tests.Infrastructure;

/// <summary>Finds the repository's root folder, the one that holds <c>NetDsl.sln</c>.</summary>
internal static class RepositoryRoot
{
    private const string SolutionFile = "NetDsl.sln";

    private static readonly Lazy<string> s_path = new(Find);

    public static string Path => s_path.Value;

    private static string Find()
    {
        // The usual layout: the test binaries live under the repository (bin/ or artifacts/).
        string? found = WalkUp(AppContext.BaseDirectory);
        if (found is not null) return found;

        // Built with a private --artifacts-path outside the repository: fall back to where the project was built from.
        foreach (AssemblyMetadataAttribute metadata in typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (metadata.Key == "ProjectDirectory" && metadata.Value is not null)
            {
                found = WalkUp(metadata.Value);
                if (found is not null) return found;
            }
        }
        throw new InvalidOperationException($"Cannot find {SolutionFile} above '{AppContext.BaseDirectory}' nor above the test project's directory.");
    }

    private static string? WalkUp(string start)
    {
        for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, SolutionFile))) return directory.FullName;
        }
        return null;
    }
}
