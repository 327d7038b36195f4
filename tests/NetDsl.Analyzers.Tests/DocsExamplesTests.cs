using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NetDsl.Analyzers.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Analyzers.Tests;

/// <summary>
/// The examples of docs/diagnostics/NDSLxxxx.md tell the truth: every "Invalid" example reports the page's diagnostic on
/// exactly the lines that carry a <c>// NDSLxxxx</c> comment, and every "Valid" example reports nothing.
/// </summary>
public partial class DocsExamplesTests
{
    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        foreach (string page in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "docs", "diagnostics"), "NDSL*.md").OrderBy(p => p, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(page));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task InvalidExample_ReportsTheDiagnosticOnTheMarkedLines(string id)
    {
        IReadOnlyList<string> blocks = CodeBlocks(id, "Invalid");
        Assert.NotEmpty(blocks);
        foreach (string block in blocks)
        {
            IReadOnlyList<string> files = SplitFiles(block);
            var expected = new HashSet<(int File, int Line, string Id)>();
            for (int f = 0; f < files.Count; f++)
            {
                string[] lines = files[f].Split('\n');
                for (int l = 0; l < lines.Length; l++)
                {
                    foreach (Match m in MarkerComment().Matches(lines[l])) expected.Add((f, l, m.Groups[1].Value));
                }
            }
            Assert.True(expected.Count > 0, $"{id}.md: an Invalid example has no '// {id}' marker");
            Assert.All(expected, e => Assert.Equal(id, e.Id));

            ImmutableArray<Diagnostic> diagnostics = await AnalyzeAsync(files);
            var actual = new HashSet<(int File, int Line, string Id)>(diagnostics.Select(d =>
                (FileIndex(d), d.Location.GetLineSpan().StartLinePosition.Line, d.Id)));
            Assert.Equal(expected.OrderBy(e => e), actual.OrderBy(e => e));
        }
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task ValidExample_ReportsNothing(string id)
    {
        IReadOnlyList<string> blocks = CodeBlocks(id, "Valid");
        Assert.NotEmpty(blocks);
        foreach (string block in blocks)
        {
            ImmutableArray<Diagnostic> diagnostics = await AnalyzeAsync(SplitFiles(block));
            Assert.Empty(diagnostics);
        }
    }

    /// <summary>Compiles the files (which must have no compiler error) and returns the diagnostics of every NetDsl analyzer.</summary>
    private static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(IReadOnlyList<string> files) => AllAnalyzers.AnalyzeAsync(files);

    private static int FileIndex(Diagnostic diagnostic) =>
        int.Parse(Path.GetFileNameWithoutExtension(diagnostic.Location.SourceTree!.FilePath).Substring("File".Length), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The <c>```csharp</c> blocks of the page's section <c>## {section}</c>.</summary>
    private static IReadOnlyList<string> CodeBlocks(string id, string section)
    {
        string[] lines = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "diagnostics", id + ".md")).Replace("\r\n", "\n").Split('\n');
        var blocks = new List<string>();
        bool inSection = false;
        List<string>? block = null;
        foreach (string line in lines)
        {
            if (block is not null)
            {
                if (line.StartsWith("```", StringComparison.Ordinal)) { blocks.Add(string.Join("\n", block)); block = null; }
                else block.Add(line);
                continue;
            }
            if (line.StartsWith("## ", StringComparison.Ordinal)) inSection = line.Substring(3).Trim() == section;
            else if (inSection && line.StartsWith("```csharp", StringComparison.Ordinal)) block = new List<string>();
        }
        return blocks;
    }

    /// <summary>Splits an example into files at lines such as <c>// Fashion.cs</c>.</summary>
    private static IReadOnlyList<string> SplitFiles(string block)
    {
        var files = new List<string>();
        var current = new List<string>();
        foreach (string line in block.Split('\n'))
        {
            if (FileComment().IsMatch(line) && current.Any(l => l.Trim().Length > 0))
            {
                files.Add(string.Join("\n", current));
                current.Clear();
            }
            current.Add(line);
        }
        files.Add(string.Join("\n", current));
        return files;
    }

    [GeneratedRegex(@"//.*?\b(NDSL\d{4})\b")]
    private static partial Regex MarkerComment();

    [GeneratedRegex(@"^// [\w.]+\.cs\b")]
    private static partial Regex FileComment();
}
