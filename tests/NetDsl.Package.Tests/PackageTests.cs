using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace NetDsl.Package.Tests;

/// <summary>What <c>dotnet pack</c> puts into the packages: the layout a consumer's restore and compiler rely on, and the metadata.</summary>
[Collection(PackagesCollection.Name)]
public class PackageTests
{
    private readonly PackagesFixture _packages;

    public PackageTests(PackagesFixture packages) => _packages = packages;

    [DotnetFact]
    public void NetDsl_holds_the_runtime_with_its_docs_and_the_compiler_side_and_nothing_native()
    {
        using ZipArchive zip = ZipFile.OpenRead(_packages.PackagePath("NetDsl"));
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/NetDsl.dll", entries);
        Assert.Contains("lib/net10.0/NetDsl.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/NetDsl.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/NetDsl.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/NetDsl.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);
        // No native code, no other assemblies: the generator's model is compiled into it, not shipped beside it.
        Assert.DoesNotContain(entries, e => e.StartsWith("runtimes/", StringComparison.Ordinal) || e.StartsWith("native/", StringComparison.Ordinal));
        Assert.Equal(4, entries.Count(e => e.EndsWith(".dll", StringComparison.Ordinal)));

        // IntelliSense: the XML documentation describes the public API.
        using (Stream xml = zip.GetEntry("lib/net10.0/NetDsl.xml")!.Open())
        {
            XDocument doc = XDocument.Load(xml);
            Assert.Contains(doc.Descendants("member"), m => (string?)m.Attribute("name") == "T:NetDsl.Sgd");
            Assert.Contains(doc.Descendants("member"), m => ((string?)m.Attribute("name"))?.StartsWith("M:NetDsl.NetworkExtensions.Fit", StringComparison.Ordinal) == true);
        }

        XElement metadata = Nuspec(zip);
        Assert.Equal("NetDsl", Value(metadata, "id"));
        Assert.Equal(_packages.Version, Value(metadata, "version"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Contains("source-generator", Value(metadata, "tags"), StringComparison.Ordinal);
        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");
        // The one dependency is managed (System.Numerics.Tensors).
        string[] dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToArray();
        Assert.Equal(new[] { "System.Numerics.Tensors" }, dependencies);
    }

    [DotnetFact]
    public void Symbols_are_published_with_source_link()
    {
        string symbols = Path.ChangeExtension(_packages.PackagePath("NetDsl"), ".snupkg");
        Assert.True(File.Exists(symbols), "no symbol package next to " + _packages.PackagePath("NetDsl"));
        using ZipArchive zip = ZipFile.OpenRead(symbols);
        ZipArchiveEntry pdb = zip.Entries.Single(e => e.FullName == "lib/net10.0/NetDsl.pdb");
        using var memory = new MemoryStream();
        using (Stream stream = pdb.Open()) stream.CopyTo(memory);
        // The portable PDB embeds the SourceLink map: the sources (under the deterministic root "/_/" of a CI build)
        // map to the repository's raw files at the commit recorded in the package.
        string text = System.Text.Encoding.UTF8.GetString(memory.ToArray());
        using ZipArchive package = ZipFile.OpenRead(_packages.PackagePath("NetDsl"));
        XElement repository = Nuspec(package).Elements().Single(e => e.Name.LocalName == "repository");
        string commit = (string)repository.Attribute("commit")!;
        Assert.Contains("{\"documents\":{\"/_/*\":\"https://raw.githubusercontent.com/", text, StringComparison.Ordinal);
        Assert.Contains("/" + commit + "/*\"}}", text, StringComparison.Ordinal);
    }

    [DotnetFact]
    public void NetDsl_Plots_is_its_own_package_and_depends_on_the_same_NetDsl()
    {
        using ZipArchive zip = ZipFile.OpenRead(_packages.PackagePath("NetDsl.Plots"));
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/NetDsl.Plots.dll", entries);
        Assert.Contains("lib/net10.0/NetDsl.Plots.xml", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("analyzers/", StringComparison.Ordinal));
        XElement metadata = Nuspec(zip);
        XElement netDsl = metadata.Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "NetDsl");
        Assert.Equal(_packages.Version, (string?)netDsl.Attribute("version"));
    }

    [DotnetFact]
    public void NetDsl_Onnx_is_its_own_package_and_brings_NetDsl_with_its_generator_and_a_managed_protobuf()
    {
        using ZipArchive zip = ZipFile.OpenRead(_packages.PackagePath("NetDsl.Onnx"));
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/NetDsl.Onnx.dll", entries);
        Assert.Contains("lib/net10.0/NetDsl.Onnx.xml", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("runtimes/", StringComparison.Ordinal) || e.StartsWith("analyzers/", StringComparison.Ordinal));
        XElement metadata = Nuspec(zip);
        XElement[] dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToArray();
        Assert.Equal(new[] { "Google.Protobuf", "NetDsl" }, dependencies.Select(d => (string)d.Attribute("id")!).Order().ToArray());
        XElement netDsl = dependencies.Single(d => (string?)d.Attribute("id") == "NetDsl");
        Assert.Equal(_packages.Version, (string?)netDsl.Attribute("version"));
        // The generator must flow to the consumer through this dependency (no "Analyzers" in its exclude list).
        Assert.DoesNotContain("Analyzers", (string?)netDsl.Attribute("exclude") ?? "", StringComparison.Ordinal);
    }

    private static XElement Nuspec(ZipArchive zip)
    {
        using Stream stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
}
