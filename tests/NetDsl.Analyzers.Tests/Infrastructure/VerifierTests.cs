using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests.Infrastructure;

/// <summary>The analyzer tests run offline: their references come from assemblies on disk, never from NuGet.</summary>
public class VerifierTests
{
    [Fact]
    public void ReferenceAssemblies_NameNoPackage_SoNothingIsDownloaded()
    {
        var test = new VerifyCS.Test();
        Assert.Null(test.ReferenceAssemblies.ReferenceAssemblyPackage);
        Assert.Empty(test.ReferenceAssemblies.Packages);
        Assert.Empty(test.ReferenceAssemblies.Assemblies);
        Assert.Empty(test.ReferenceAssemblies.FacadeAssemblies);
    }

    [Fact]
    public void References_AreNet10AndTheNetDslRuntime()
    {
        string[] files = VerifyCS.References.OfType<PortableExecutableReference>().Select(r => Path.GetFileName(r.FilePath)!).ToArray();
        Assert.Equal(VerifyCS.References.Length, files.Length);
        Assert.Contains("System.Runtime.dll", files);
        Assert.Contains("NetDsl.dll", files);
        Assert.Equal(files.Length, files.Distinct().Count());
    }
}
