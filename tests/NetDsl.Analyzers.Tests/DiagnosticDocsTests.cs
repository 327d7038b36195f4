using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Analyzers.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Analyzers.Tests;

/// <summary>Every descriptor has its docs page, its help link points to it, and the release-tracking file lists it.</summary>
public class DiagnosticDocsTests
{
    /// <summary>Every descriptor: the static fields of the analyzer assembly plus what its analyzers say they report.</summary>
    public static TheoryData<string> DescriptorIds()
    {
        var data = new TheoryData<string>();
        foreach (string id in AllDescriptors().Keys.OrderBy(id => id, StringComparer.Ordinal)) data.Add(id);
        return data;
    }

    [Fact]
    public void TheAnalyzerAssembly_HasTheSixDeclarationDescriptors()
    {
        Assert.Superset(
            new HashSet<string> { "NDSL0001", "NDSL0002", "NDSL0003", "NDSL0004", "NDSL0005", "NDSL0006" },
            new HashSet<string>(AllDescriptors().Keys));
    }

    /// <summary>The catalogue of DESIGN.md (NDSL0001–NDSL1009, severities as its table) and the 1xxx IDs added after it.</summary>
    [Theory]
    [InlineData("NDSL1001", DiagnosticSeverity.Warning)]
    [InlineData("NDSL1002", DiagnosticSeverity.Warning)]
    [InlineData("NDSL1003", DiagnosticSeverity.Warning)]
    [InlineData("NDSL1004", DiagnosticSeverity.Info)]
    [InlineData("NDSL1005", DiagnosticSeverity.Info)]
    [InlineData("NDSL1006", DiagnosticSeverity.Info)]
    [InlineData("NDSL1007", DiagnosticSeverity.Info)]
    [InlineData("NDSL1008", DiagnosticSeverity.Warning)]
    [InlineData("NDSL1009", DiagnosticSeverity.Warning)]
    [InlineData("NDSL1010", DiagnosticSeverity.Warning)]
    [InlineData("NDSL1011", DiagnosticSeverity.Info)]
    [InlineData("NDSL1012", DiagnosticSeverity.Warning)]
    [InlineData("NDSL1013", DiagnosticSeverity.Warning)]
    [InlineData("NDSL1014", DiagnosticSeverity.Warning)]
    public void TheAnalyzerAssembly_HasTheAdviceDescriptors_WithTheDesignedSeverities(string id, DiagnosticSeverity severity)
    {
        Assert.True(AllDescriptors().TryGetValue(id, out DiagnosticDescriptor? descriptor), $"{id} has no descriptor");
        Assert.Equal(severity, descriptor!.DefaultSeverity);
        Assert.Equal("NetDsl.Configuration", descriptor.Category);
    }

    [Fact]
    public void TheIds_AreContiguousInTheirBands()
    {
        // "New diagnostics take the next free number in their band": no gaps, so a number is never skipped and later reused.
        foreach (string band in new[] { "NDSL0", "NDSL1" })
        {
            int[] numbers = AllDescriptors().Keys.Where(id => id.StartsWith(band, StringComparison.Ordinal))
                .Select(id => int.Parse(id.Substring(5), System.Globalization.CultureInfo.InvariantCulture) % 1000)
                .OrderBy(n => n).ToArray();
            Assert.Equal(Enumerable.Range(1, numbers.Length), numbers);
        }
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void DocsPage_StatesTheDescriptorsSeverityAndCategory(string id)
    {
        DiagnosticDescriptor descriptor = AllDescriptors()[id];
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "docs", "diagnostics", id + ".md"));
        Assert.Contains($"| **Severity** | {descriptor.DefaultSeverity} |", lines);
        Assert.Contains($"| **Category** | {descriptor.Category} |", lines);
        Assert.StartsWith($"# {id}: {descriptor.Title}", lines.First(line => line.StartsWith("# ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    /// <summary>The README's catalogue (section "Diagnostics") lists every ID, linked to its page, with its severity.</summary>
    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Readme_ListsTheId_WithItsPageAndSeverity(string id)
    {
        DiagnosticDescriptor descriptor = AllDescriptors()[id];
        string? row = File.ReadLines(Path.Combine(RepositoryRoot.Path, "README.md"))
            .FirstOrDefault(line => line.StartsWith($"| [{id}](docs/diagnostics/{id}.md) |", StringComparison.Ordinal));
        Assert.True(row is not null, $"README.md's diagnostics table has no row '| [{id}](docs/diagnostics/{id}.md) | …'");
        string severity = row!.Split('|')[2].Trim();
        Assert.Equal(descriptor.DefaultSeverity.ToString().ToLowerInvariant(), severity.ToLowerInvariant());
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void DocsPage_Exists_AndItsFirstHeadingNamesTheId(string id)
    {
        string page = Path.Combine(RepositoryRoot.Path, "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), $"{id} has no docs page at {page}");
        string? heading = File.ReadLines(page).FirstOrDefault(line => line.StartsWith("#", StringComparison.Ordinal));
        Assert.NotNull(heading);
        Assert.StartsWith("# ", heading);
        Assert.Contains(id, heading, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void HelpLink_PointsToTheDocsPage(string id)
    {
        DiagnosticDescriptor descriptor = AllDescriptors()[id];
        Assert.EndsWith($"docs/diagnostics/{id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.True(Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out _), $"'{descriptor.HelpLinkUri}' is not an absolute URI");
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_FollowsTheHouseRules(string id)
    {
        DiagnosticDescriptor descriptor = AllDescriptors()[id];
        string title = descriptor.Title.ToString();
        Assert.False(string.IsNullOrWhiteSpace(title));
        Assert.False(title.EndsWith(".", StringComparison.Ordinal), $"{id}: titles are noun phrases without a period");
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()), $"{id}: the description gives the fix");
        Assert.Contains(descriptor.Category, new[] { "NetDsl.Declaration", "NetDsl.Configuration" });
        Assert.True(descriptor.IsEnabledByDefault);
        // NDSL0001–NDSL0099 are declaration errors (nothing is generated); NDSL1001+ are advice.
        if (string.CompareOrdinal(id, "NDSL1000") < 0) Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        else Assert.NotEqual(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void ReleaseTracking_ListsTheId_WithItsCategoryAndSeverity(string id)
    {
        DiagnosticDescriptor descriptor = AllDescriptors()[id];
        string analyzers = Path.Combine(RepositoryRoot.Path, "src", "Analyzers");
        string unshipped = File.ReadAllText(Path.Combine(analyzers, "AnalyzerReleases.Unshipped.md"));
        string shipped = File.ReadAllText(Path.Combine(analyzers, "AnalyzerReleases.Shipped.md"));
        string? row = (unshipped + "\n" + shipped).Split('\n')
            .Select(line => line.Trim())
            .FirstOrDefault(line => line.StartsWith(id + " ", StringComparison.Ordinal) || line.StartsWith(id + "|", StringComparison.Ordinal));
        Assert.True(row is not null, $"{id} is not listed in AnalyzerReleases.Unshipped.md (nor Shipped.md)");
        string[] cells = row!.Split('|').Select(cell => cell.Trim()).ToArray();
        Assert.Equal(id, cells[0]);
        Assert.Equal(descriptor.Category, cells[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
    }

    [Fact]
    public void UnshippedReleaseFile_ListsEveryDeclarationDiagnostic()
    {
        string unshipped = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Analyzers", "AnalyzerReleases.Unshipped.md"));
        foreach (string id in AllDescriptors().Keys.Where(id => string.CompareOrdinal(id, "NDSL0100") < 0))
        {
            Assert.Contains(id + " ", unshipped, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryDocsPage_BelongsToADescriptor()
    {
        IReadOnlyDictionary<string, DiagnosticDescriptor> descriptors = AllDescriptors();
        foreach (string page in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "docs", "diagnostics"), "NDSL*.md"))
        {
            string id = Path.GetFileNameWithoutExtension(page);
            Assert.True(descriptors.ContainsKey(id), $"docs/diagnostics/{id}.md documents no descriptor of the analyzer assembly");
        }
    }

    /// <summary>
    /// The descriptors of the analyzer assembly, found by reflection: every static <see cref="DiagnosticDescriptor"/>
    /// field, and every descriptor an analyzer of the assembly declares in <see cref="DiagnosticAnalyzer.SupportedDiagnostics"/>.
    /// </summary>
    private static IReadOnlyDictionary<string, DiagnosticDescriptor> AllDescriptors()
    {
        Assembly assembly = typeof(NetworkDeclarationAnalyzer).Assembly;
        var result = new Dictionary<string, DiagnosticDescriptor>(StringComparer.Ordinal);
        foreach (Type type in assembly.GetTypes())
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (field.FieldType == typeof(DiagnosticDescriptor) && field.GetValue(null) is DiagnosticDescriptor descriptor)
                {
                    result[descriptor.Id] = descriptor;
                }
            }
            if (!type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null)
            {
                var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(type)!;
                foreach (DiagnosticDescriptor descriptor in analyzer.SupportedDiagnostics) result[descriptor.Id] = descriptor;
            }
        }
        return result;
    }
}
