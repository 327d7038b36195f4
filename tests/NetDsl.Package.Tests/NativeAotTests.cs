using System;
using System.IO;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Package.Tests;

/// <summary>
/// The Native AOT sample publishes (the ILCompiler fails the publish on any trim or AOT warning: warnings are errors)
/// and the native executable runs its self-test: vectorized kernels, training steps, a weight-file round trip.
/// </summary>
[Collection(PackagesCollection.Name)] // not beside the packing: two publishes at once on a small machine invite timeouts
public class NativeAotTests
{
    private readonly ITestOutputHelper _output;

    public NativeAotTests(ITestOutputHelper output) => _output = output;

    [LinuxX64DotnetFact]
    public async Task The_AOT_sample_publishes_without_warnings_and_its_native_executable_runs()
    {
        string root = Path.Combine(Path.GetTempPath(), "netdsl-aot-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string output = Path.Combine(root, "out");
            string publish = await Dotnet.SucceedAsync(Dotnet.RepositoryRoot, "publish", Path.Combine(Dotnet.RepositoryRoot, "samples", "AotInference", "AotInference.csproj"),
                "-c", "Release", "-o", output, "--artifacts-path", Path.Combine(root, "artifacts"), "-nodeReuse:false", "-v:minimal", "-nologo");
            _output.WriteLine(publish);
            Assert.DoesNotContain("warning", publish, StringComparison.OrdinalIgnoreCase);
            string executable = Path.Combine(output, "AotInference");
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
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
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
