using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generator.Model;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>The pipeline caches: a second run, or an edit elsewhere, re-emits nothing; a layer change does.</summary>
public class IncrementalityTests
{
    private const string Network = /* lang=c# */ """
        using NetDsl;
        namespace Demo;
        [Network(4)]
        [Dense(8, Activation.Relu, Init = Init.HeNormal)]
        [Dense(3, Activation.Softmax)]
        public partial class Tiny { }
        """;

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results[0].TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static IEnumerable<IncrementalStepRunReason> OutputReasons(GeneratorDriver driver) =>
        driver.GetRunResult().Results[0].TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void Second_run_is_fully_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Network);
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        driver = driver.RunGenerators(compilation);
        Assert.All(Reasons(driver, TrackingNames.Parse), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(OutputReasons(driver), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void Unrelated_edit_leaves_the_output_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Network, "namespace Demo; public class Other { }");
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        SyntaxTree other = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(other,
            CSharpSyntaxTree.ParseText("namespace Demo; public class Other { public int X; }", GeneratorHarness.ParseOptions, path: other.FilePath));
        driver = driver.RunGenerators(edited);
        Assert.All(OutputReasons(driver), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void Edit_in_the_same_file_that_keeps_the_network_leaves_the_output_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Network);
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree,
            CSharpSyntaxTree.ParseText(Network + "\n// a comment\npublic class Unrelated { }\n", GeneratorHarness.ParseOptions, path: tree.FilePath));
        driver = driver.RunGenerators(edited);
        Assert.Contains(IncrementalStepRunReason.Unchanged, Reasons(driver, TrackingNames.Parse));
        Assert.All(OutputReasons(driver), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void Changing_a_layer_re_emits()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Network);
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree,
            CSharpSyntaxTree.ParseText(Network.Replace("Dense(8,", "Dense(9,"), GeneratorHarness.ParseOptions, path: tree.FilePath));
        driver = driver.RunGenerators(edited);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, TrackingNames.Parse));
        Assert.Contains(IncrementalStepRunReason.Modified, OutputReasons(driver));
    }

    [Fact]
    public void The_model_holds_no_Roslyn_object()
    {
        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(Location), typeof(SemanticModel), typeof(SyntaxTree) };
        var seen = new HashSet<Type>();
        void Walk(Type type)
        {
            if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(Type)) return;
            Assert.False(forbidden.Any(f => f.IsAssignableFrom(type)), $"{type} in the model");
            Assert.False(type.IsArray, $"{type} is an array: use EquatableArray<T>");
            foreach (PropertyInfo p in type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (p.Name != "EqualityContract" && p.GetIndexParameters().Length == 0) Walk(p.PropertyType);
            }
            foreach (FieldInfo f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>)) Walk(f.FieldType.GetElementType()!);
                else Walk(f.FieldType);
            }
            if (type.IsGenericType) foreach (Type arg in type.GetGenericArguments()) Walk(arg);
        }
        Walk(typeof(NetworkSpec));
        Assert.Contains(typeof(LayerSpec), seen);
    }

    [Fact]
    public void Equal_declarations_give_equal_specs()
    {
        static NetworkSpec Parse(string source)
        {
            CSharpCompilation c = GeneratorHarness.Compilation(source);
            INamedTypeSymbol type = c.GetTypeByMetadataName("Demo.Tiny")!;
            return NetworkParser.Parse(type, default).Spec!;
        }
        NetworkSpec a = Parse(Network), b = Parse("// moved down a line\n" + Network);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Parse(Network.Replace("Dense(8,", "Dense(9,")));
    }
}
