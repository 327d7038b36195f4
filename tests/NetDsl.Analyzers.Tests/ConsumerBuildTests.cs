using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Analyzers.Tests.Infrastructure;
using NetDsl.CodeFixes;
using NetDsl.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Analyzers.Tests;

/// <summary>
/// A real consumer: a console project that references the runtime, the generator, the analyzers and the code fixes the
/// way a user's project does, built with <c>dotnet build</c>. Its SELU network with He initialization and a regular
/// Dropout shows NDSL1001 and NDSL1003 in the build output; with the advice's category silenced in .editorconfig, or
/// with the code fixes applied (by the real <see cref="CodeFixProvider"/>s, through a Roslyn workspace), it builds with
/// warnings as errors and no NDSL diagnostic.
/// </summary>
/// <remarks>
/// Everything is built into a private <c>--artifacts-path</c> under the temp folder (kept between runs, so that only the
/// first run compiles the referenced projects), never into the repository's bin/obj.
/// </remarks>
public class ConsumerBuildTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    private readonly ITestOutputHelper _output;

    public ConsumerBuildTests(ITestOutputHelper output) => _output = output;

    private const string InvalidNetworks = /* lang=c# */ """
        using NetDsl;

        namespace Consumer;

        [Network(4)]
        [Dense(8, Activation.Selu, Init = Init.HeNormal)]
        [Dropout(0.1)]
        [Dense(8, Activation.Selu)]
        [Dense(3, Activation.Softmax)]
        public partial class SeluNet { }
        """;

    private const string Program = /* lang=c# */ """
        using System;
        using Consumer;

        // Uses the generated members, so the build fails if the generator emitted nothing.
        var model = new SeluNet(seed: 1);
        Console.WriteLine($"{SeluNet.ParameterCount} parameters");
        Console.WriteLine(model.Summary());
        """;

    [DotnetFact]
    public async Task ConsumerProject_ShowsTheDiagnostics_AndBuildsCleanlyWithTheFixesApplied()
    {
        string root = ConsumerDirectory();
        string project = Path.Combine(root, "Consumer.csproj");
        string artifacts = Path.Combine(root, "artifacts");
        File.WriteAllText(project, ProjectFile());
        File.WriteAllText(Path.Combine(root, "Program.cs"), Program);
        string networks = Path.Combine(root, "Networks.cs");

        // 1. The declaration as written: the build succeeds (warnings allowed) and shows the IDs.
        File.WriteAllText(networks, InvalidNetworks);
        (int exitCode, string output) = await BuildAsync(project, artifacts, "-p:TreatWarningsAsErrors=false");
        Assert.True(exitCode == 0, "the consumer did not build:\n" + output);
        Assert.Contains("warning NDSL1001", output, StringComparison.Ordinal);
        Assert.Contains("warning NDSL1003", output, StringComparison.Ordinal);
        Assert.Contains("Networks.cs(6,", output, StringComparison.Ordinal); // NDSL1001 on the Init argument's line

        // 2. The advice is configurable: silenced for its whole category by .editorconfig, the same source builds with
        //    warnings as errors.
        string editorConfig = Path.Combine(root, ".editorconfig");
        File.WriteAllText(editorConfig, "root = true\n\n[*.cs]\ndotnet_analyzer_diagnostic.category-NetDsl.Configuration.severity = none\n");
        try
        {
            File.WriteAllText(networks, InvalidNetworks); // touched: the compiler runs again
            (exitCode, output) = await BuildAsync(project, artifacts, "-p:TreatWarningsAsErrors=true");
            Assert.True(exitCode == 0, "the consumer with the advice silenced did not build:\n" + output);
            Assert.DoesNotContain("NDSL", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(editorConfig);
        }

        // 3. Apply the code fixes and build with warnings as errors: no NDSL diagnostic is left.
        string fixedSource = await ApplyCodeFixesAsync(InvalidNetworks);
        Assert.Contains("Init = Init.LecunNormal", fixedSource, StringComparison.Ordinal);
        Assert.Contains("[AlphaDropout(0.1)]", fixedSource, StringComparison.Ordinal);
        File.WriteAllText(networks, fixedSource);
        (exitCode, output) = await BuildAsync(project, artifacts, "-p:TreatWarningsAsErrors=true");
        Assert.True(exitCode == 0, "the fixed consumer did not build:\n" + output);
        Assert.DoesNotContain("NDSL", output, StringComparison.Ordinal);
    }

    private static string ProjectFile()
    {
        string src = Path.Combine(RepositoryRoot.Path, "src");
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Path.Combine(src, "Runtime", "NetDsl.csproj")}" />
                <ProjectReference Include="{Path.Combine(src, "Generator", "NetDsl.Generator.csproj")}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                <ProjectReference Include="{Path.Combine(src, "Analyzers", "NetDsl.Analyzers.csproj")}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                <ProjectReference Include="{Path.Combine(src, "CodeFixes", "NetDsl.CodeFixes.csproj")}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
              </ItemGroup>
            </Project>
            """;
    }

    /// <summary>A folder under the temp path, the same for every run from this repository (so that builds are incremental).</summary>
    private static string ConsumerDirectory()
    {
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RepositoryRoot.Path)))[..12];
        string directory = Path.Combine(Path.GetTempPath(), "netdsl-consumer-" + key);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private async Task<(int ExitCode, string Output)> BuildAsync(string project, string artifacts, string warningsAsErrors)
    {
        var stopwatch = Stopwatch.StartNew();
        (int exitCode, string output) = await ChildProcess.RunAsync("dotnet", Path.GetDirectoryName(project)!, BuildTimeout,
            "build", project, "--artifacts-path", artifacts, "-m:1", "-nodeReuse:false", "-v:minimal", "-nologo", warningsAsErrors);
        _output.WriteLine($"dotnet build {warningsAsErrors}: exit {exitCode} in {stopwatch.Elapsed.TotalSeconds:F1} s\n{output}");
        return (exitCode, output);
    }

    /// <summary>Applies the NetDsl code fixes, one diagnostic at a time, until no fixable diagnostic is left.</summary>
    private static async Task<string> ApplyCodeFixesAsync(string source)
    {
        CodeFixProvider[] fixers = { new SetInitCodeFixProvider(), new ReplaceDropoutCodeFixProvider(), new UseBiasFalseCodeFixProvider(), new MakePartialCodeFixProvider() };
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        Solution solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Consumer", "Consumer", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: CSharpAnalyzerVerifier<NetworkDeclarationAnalyzer>.References))
            .AddDocument(documentId, "Networks.cs", source);
        for (int round = 0; round < 50; round++)
        {
            Document document = solution.GetDocument(documentId)!;
            Compilation compilation = (await document.Project.GetCompilationAsync())!;
            ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers(AllAnalyzers.Instances).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Diagnostic? diagnostic = diagnostics.FirstOrDefault(d => fixers.Any(f => f.FixableDiagnosticIds.Contains(d.Id)));
            if (diagnostic is null) return (await document.GetTextAsync()).ToString();
            CodeFixProvider fixer = fixers.First(f => f.FixableDiagnosticIds.Contains(diagnostic.Id));
            var actions = new List<CodeAction>();
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
            Assert.True(actions.Count > 0, $"no code fix for {diagnostic}");
            ImmutableArray<CodeActionOperation> operations = await actions[0].GetOperationsAsync(CancellationToken.None);
            solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        }
        throw new InvalidOperationException("the code fixes did not converge");
    }
}

/// <summary>A <see cref="FactAttribute"/> skipped, with the reason, when the <c>dotnet</c> command is not on the PATH.</summary>
public sealed class DotnetFactAttribute : FactAttribute
{
    public const string SkipReason = "the 'dotnet' command is not on the PATH: the consumer build test needs the .NET SDK";

    public DotnetFactAttribute()
    {
        if (!OnPath("dotnet")) Skip = SkipReason;
    }

    private static bool OnPath(string command)
    {
        string[] names = OperatingSystem.IsWindows() ? new[] { command + ".exe", command + ".cmd" } : new[] { command };
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                if (File.Exists(Path.Combine(directory, name))) return true;
            }
        }
        return false;
    }
}
