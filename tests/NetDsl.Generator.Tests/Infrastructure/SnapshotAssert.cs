using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// Verify-style snapshots without Verify: each generated file is compared with
/// <c>Snapshots/{Class}.{Method}#{HintName}.verified.cs</c> (first line <c>//HintName: …</c>, line endings normalized,
/// the generator's version scrubbed to <c>{VERSION}</c>). On a mismatch the output is written next to it as
/// <c>*.received.cs</c> and the test fails with the first differing line. <c>NETDSL_ACCEPT_SNAPSHOTS=1</c> overwrites
/// the verified files instead.
/// </summary>
internal static class SnapshotAssert
{
    private static readonly Regex VersionPattern = new("GeneratedCode\\(\"NetDsl.Generator\", \"[^\"]+\"\\)", RegexOptions.Compiled);

    public static void Matches(IReadOnlyList<(string HintName, string Source)> files, string testClass, [CallerMemberName] string testMethod = "",
        [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(ProjectDirectory(callerFile), "Snapshots");
        Directory.CreateDirectory(directory);
        bool accept = Environment.GetEnvironmentVariable("NETDSL_ACCEPT_SNAPSHOTS") == "1";
        string prefix = $"{testClass}.{testMethod}#";
        var expectedFiles = new HashSet<string>(Directory.GetFiles(directory, prefix + "*.verified.cs").Select(Path.GetFileName)!, StringComparer.Ordinal);
        var failures = new List<string>();
        foreach ((string hint, string source) in files.OrderBy(f => f.HintName, StringComparer.Ordinal))
        {
            string name = prefix + Path.GetFileNameWithoutExtension(hint.EndsWith(".cs", StringComparison.Ordinal) ? hint : hint + ".cs");
            string verifiedPath = Path.Combine(directory, name + ".verified.cs");
            string receivedPath = Path.Combine(directory, name + ".received.cs");
            string actual = Normalize($"//HintName: {hint}\n" + source);
            expectedFiles.Remove(Path.GetFileName(verifiedPath));
            if (accept)
            {
                File.WriteAllText(verifiedPath, actual);
                if (File.Exists(receivedPath)) File.Delete(receivedPath);
                continue;
            }
            string? expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
            if (expected == actual)
            {
                if (File.Exists(receivedPath)) File.Delete(receivedPath);
                continue;
            }
            File.WriteAllText(receivedPath, actual);
            failures.Add(expected is null
                ? $"{Path.GetFileName(verifiedPath)} does not exist; the output is in {Path.GetFileName(receivedPath)} (set NETDSL_ACCEPT_SNAPSHOTS=1 to accept)."
                : $"{Path.GetFileName(verifiedPath)} differs from the output ({Path.GetFileName(receivedPath)}): {FirstDifference(expected, actual)}");
        }
        foreach (string stale in expectedFiles) failures.Add($"{stale} is verified but no longer generated.");
        if (failures.Count > 0) throw new XunitException(string.Join("\n", failures));
    }

    private static string Normalize(string text) => VersionPattern.Replace(text.Replace("\r\n", "\n"), "GeneratedCode(\"NetDsl.Generator\", \"{VERSION}\")");

    private static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<end of file>", al = i < a.Length ? a[i] : "<end of file>";
            if (el != al) return $"line {i + 1}:\n  verified: {el}\n  received: {al}";
        }
        return "(no line differs; whitespace at the end?)";
    }

    private static string ProjectDirectory(string callerFile)
    {
        // The build records the project's folder (see the .csproj); the caller's path is the fallback, and it is /_/...
        // under a deterministic (ContinuousIntegrationBuild) build.
        string? recorded = typeof(SnapshotAssert).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "NetDsl.Generator.Tests.ProjectDirectory")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, ProjectFile))) return recorded;
        string? dir = Path.GetDirectoryName(callerFile);
        while (dir is not null && !File.Exists(Path.Combine(dir, ProjectFile))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException(
            $"Cannot find {ProjectFile}: not in the folder the build recorded ('{recorded}') nor above {callerFile}.");
    }

    private const string ProjectFile = "NetDsl.Generator.Tests.csproj";
}
