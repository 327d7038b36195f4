using System;
using System.IO;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Package.Tests;

/// <summary>
/// A new user's first hour, from the package alone: <c>dotnet new console</c> outside the repository,
/// <c>dotnet add package NetDsl</c> from the freshly packed folder feed, a network declared in the project, built with the
/// strictest settings (warnings as errors, nullable, <c>AnalysisLevel latest-all</c>, documentation file), trained,
/// saved, reloaded, used for prediction and exported to ONNX (<c>NetDsl.Onnx</c>); then a declaration mistake that the package's analyzers must report.
/// </summary>
[Collection(PackagesCollection.Name)]
public class ConsumerTests
{
    private readonly PackagesFixture _packages;
    private readonly ITestOutputHelper _output;

    public ConsumerTests(PackagesFixture packages, ITestOutputHelper output)
    {
        _packages = packages;
        _output = output;
    }

    [DotnetFact]
    public async Task A_fresh_console_project_builds_trains_and_predicts_with_the_package_and_shows_its_diagnostics()
    {
        string project = Path.Combine(_packages.Root, "Consumer");
        Directory.CreateDirectory(project);
        await Step(Dotnet.SucceedAsync(_packages.Root, "new", "console", "-o", project, "-n", "Consumer", "--framework", "net10.0"));

        // The local feed on top of the machine's own sources (System.Numerics.Tensors comes from there).
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="netdsl-under-test" value="{_packages.Feed}" />
              </packageSources>
            </configuration>
            """);
        await Step(Dotnet.SucceedAsync(project, "add", "package", "NetDsl", "--version", _packages.Version));
        await Step(Dotnet.SucceedAsync(project, "add", "package", "NetDsl.Onnx", "--version", _packages.Version));
        string csproj = Path.Combine(project, "Consumer.csproj");
        string projectXml = File.ReadAllText(csproj);
        Assert.Contains($"<PackageReference Include=\"NetDsl\" Version=\"{_packages.Version}\" />", projectXml, StringComparison.Ordinal);
        Assert.Contains($"<PackageReference Include=\"NetDsl.Onnx\" Version=\"{_packages.Version}\" />", projectXml, StringComparison.Ordinal);
        // The strictest settings a user might have: every analyzer of the SDK, warnings as errors, public members documented.
        File.WriteAllText(csproj, projectXml.Replace("</PropertyGroup>", """
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <AnalysisLevel>latest-all</AnalysisLevel>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
            """, StringComparison.Ordinal));

        string sources = Path.Combine(AppContext.BaseDirectory, "Consumer");
        File.Copy(Path.Combine(sources, "Program.cs"), Path.Combine(project, "Program.cs"), overwrite: true);
        File.Copy(Path.Combine(sources, "Networks.cs"), Path.Combine(project, "Networks.cs"));

        string build = await Step(Dotnet.SucceedAsync(project, "build", "-c", "Release", "-nodeReuse:false", "-nologo"));
        Assert.Matches(@"(?m)^\s*0 Warning\(s\)", build);
        // The generated code is written out for the user to read (EmitCompilerGeneratedFiles).
        string generated = Path.Combine(project, "obj", "Release", "net10.0", "generated", "NetDsl.Generator", "NetDsl.Generator.NetworkGenerator");
        Assert.True(File.Exists(Path.Combine(generated, "Consumer.Blobs.g.cs")), "no generated file in " + generated);
        Assert.Contains("/// <summary>Regressor: 4 layers, 433 parameters", File.ReadAllText(Path.Combine(generated, "Consumer.Regressor.g.cs")), StringComparison.Ordinal);

        string run = await Step(Dotnet.SucceedAsync(project, "run", "-c", "Release", "--no-build"));
        Assert.Contains("995 parameters", run, StringComparison.Ordinal);
        Assert.Contains("accuracy 1.0000", run, StringComparison.Ordinal);
        Assert.Contains("restored predictions equal: True", run, StringComparison.Ordinal);
        Assert.Matches(@"ONNX model: \d+ bytes", run);

        // A mistake: the package's analyzer reports it, and with warnings as errors the build fails on it.
        File.Copy(Path.Combine(sources, "Mistake.cs"), Path.Combine(project, "Mistake.cs"));
        (int exitCode, string mistaken) = await Dotnet.RunAsync(project, "build", "-c", "Release", "-nodeReuse:false", "-nologo");
        _output.WriteLine(mistaken);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Mistake.cs(7,", mistaken, StringComparison.Ordinal);
        Assert.Contains("error NDSL1001", mistaken, StringComparison.Ordinal);
    }

    private async Task<string> Step(Task<string> step)
    {
        string output = await step;
        _output.WriteLine(output);
        return output;
    }
}
