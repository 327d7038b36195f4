using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Package.Tests;

/// <summary>The AOT sample published once (into a temporary directory) for the tests of <see cref="NativeAotTests"/>.</summary>
public sealed class AotPublish : IDisposable
{
    private readonly object _gate = new();
    private Task<(string Output, string Executable)>? _publish;

    /// <summary>The temporary directory of the publish and of the tests' files.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "netdsl-aot-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Publishes on first use: the publish's output and the native executable's path.</summary>
    public Task<(string Output, string Executable)> Get()
    {
        lock (_gate)
        {
            return _publish ??= Publish();
        }
    }

    private async Task<(string Output, string Executable)> Publish()
    {
        string output = Path.Combine(Root, "out");
        string publish = await Dotnet.SucceedAsync(Dotnet.RepositoryRoot, "publish", Path.Combine(Dotnet.RepositoryRoot, "samples", "AotInference", "AotInference.csproj"),
            "-c", "Release", "-o", output, "--artifacts-path", Path.Combine(Root, "artifacts"), "-nodeReuse:false", "-v:minimal", "-nologo");
        return (publish, Path.Combine(output, "AotInference"));
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// The Native AOT sample publishes (the ILCompiler fails the publish on any trim or AOT warning: warnings are errors),
/// the native executable runs its self-test (vectorized kernels, training steps, a weight-file round trip), and it
/// serves the weights the FashionMnist sample trained and saved on the real data.
/// </summary>
[Collection(PackagesCollection.Name)] // not beside the packing: two publishes at once on a small machine invite timeouts
public class NativeAotTests : IClassFixture<AotPublish>
{
    private readonly ITestOutputHelper _output;
    private readonly AotPublish _aot;

    public NativeAotTests(ITestOutputHelper output, AotPublish aot)
    {
        _output = output;
        _aot = aot;
    }

    [LinuxX64DotnetFact]
    public async Task The_AOT_sample_publishes_without_warnings_and_its_native_executable_runs()
    {
        (string publish, string executable) = await _aot.Get();
        _output.WriteLine(publish);
        Assert.DoesNotContain("warning", publish, StringComparison.OrdinalIgnoreCase);
        string output = Path.GetDirectoryName(executable)!;
        Assert.True(File.Exists(executable), "no native executable in " + output);
        long size = new FileInfo(executable).Length;
        _output.WriteLine($"native executable: {size:N0} bytes");
        Assert.InRange(size, 100_000, 20_000_000);
        // Only the native executable is needed: no NetDsl.dll, no runtime beside it.
        Assert.False(File.Exists(Path.Combine(output, "NetDsl.dll")));

        (int exitCode, string run) = await Dotnet.RunProcessAsync(executable, output, "--self-test");
        _output.WriteLine(run);
        Assert.True(exitCode == 0, "the self-test failed:\n" + run);
        Assert.Contains("self-test passed", run, StringComparison.Ordinal);
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported && System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            // Published for x86-64-v3: on a machine with AVX2 and FMA the kernels must not fall back to scalar code.
            Assert.Contains("vectorized=True", run, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The README's path from training to serving: <c>samples/FashionMnist --save</c> (one epoch of the BN network on
    /// the real Fashion-MNIST), then the native executable loads the file and measures the same test accuracy, to the
    /// printed hundredth of a percent.
    /// </summary>
    [LinuxX64RealDataFact]
    public async Task The_native_executable_serves_the_weights_the_sample_trained_on_the_real_data()
    {
        (_, string executable) = await _aot.Get();
        string weights = Path.Combine(_aot.Root, "fashion-bn.weights");
        string sample = Path.Combine(Dotnet.RepositoryRoot, "samples", "FashionMnist", "FashionMnist.csproj");
        // Built apart from the repository's own outputs (other test assemblies are running from them).
        string artifacts = Path.Combine(_aot.Root, "sample");
        await Dotnet.SucceedAsync(Dotnet.RepositoryRoot, "build", sample, "-c", "Release", "--artifacts-path", artifacts, "-nodeReuse:false", "-v:minimal", "-nologo");
        string program = Directory.GetFiles(artifacts, "FashionMnist.dll", SearchOption.AllDirectories).Single(f => f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar));
        string trained = await Dotnet.SucceedAsync(_aot.Root, program, "--epochs", "1", "--save", weights);
        _output.WriteLine(trained);
        Assert.True(File.Exists(weights), "the sample saved no weights");
        string expected = Accuracy(trained, "test accuracy ");

        (int exitCode, string served) = await Dotnet.RunProcessAsync(executable, _aot.Root, "--weights", weights, "--model", "bn", "--image", "0");
        _output.WriteLine(served);
        Assert.True(exitCode == 0, "serving failed:\n" + served);
        Assert.Contains("Image 0: ", served, StringComparison.Ordinal);
        Assert.Equal(expected, Accuracy(served, "Test accuracy "));
        Assert.True(double.Parse(expected.TrimEnd('%').Trim(), System.Globalization.CultureInfo.InvariantCulture) > 75, $"accuracy {expected} after one epoch");
    }

    /// <summary>The percentage printed after <paramref name="label"/>, e.g. "84.13 %".</summary>
    private static string Accuracy(string output, string label)
    {
        int at = output.LastIndexOf(label, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no '{label}' in:\n{output}");
        string rest = output[(at + label.Length)..];
        int end = rest.IndexOf('%');
        Assert.True(end > 0, $"no percentage after '{label}' in:\n{output}");
        return rest[..(end + 1)];
    }
}

/// <summary>A <see cref="DotnetFactAttribute"/> also skipped, with the reason, off linux-x64 (the AOT sample is published for the machine it runs on, and checked for x86-64-v3).</summary>
public sealed class LinuxX64DotnetFactAttribute : FactAttribute
{
    public LinuxX64DotnetFactAttribute()
    {
        if (!Dotnet.OnPath()) Skip = "the 'dotnet' command is not on the PATH: publishing needs the .NET SDK";
        else if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
            Skip = "the Native AOT test runs on linux-x64 (the sample targets x86-64-v3)";
    }
}

/// <summary>A <see cref="LinuxX64DotnetFactAttribute"/> also skipped, with the reason, when the real Fashion-MNIST is absent.</summary>
public sealed class LinuxX64RealDataFactAttribute : FactAttribute
{
    public LinuxX64RealDataFactAttribute()
    {
        Skip = new LinuxX64DotnetFactAttribute().Skip;
        if (Skip is null && !RealDataPresent())
            Skip = "Fashion-MNIST not found (apt-get install dataset-fashion-mnist or set NETDSL_DATA)";
    }

    /// <summary>
    /// The locations NetDsl's <c>FashionMnist.FindDirectory</c> searches, in its order — <c>$NETDSL_DATA</c> and its
    /// <c>fashion-mnist</c> folder, Debian's package, the user cache — each with the four files, raw or gzip-compressed.
    /// </summary>
    private static bool RealDataPresent()
    {
        string? data = Environment.GetEnvironmentVariable("NETDSL_DATA");
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string? cache = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg) ? Path.Combine(xdg, "netdsl", "fashion-mnist")
            : string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "netdsl", "fashion-mnist");
        string?[] locations =
        {
            string.IsNullOrWhiteSpace(data) ? null : data, string.IsNullOrWhiteSpace(data) ? null : Path.Combine(data, "fashion-mnist"),
            "/usr/share/datasets/fashion-mnist", cache,
        };
        string[] files = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };
        return locations.Any(d => d is not null && files.All(f => File.Exists(Path.Combine(d, f)) || File.Exists(Path.Combine(d, f + ".gz"))));
    }
}
