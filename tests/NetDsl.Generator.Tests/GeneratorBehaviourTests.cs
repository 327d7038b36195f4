using System.Globalization;
using System.Linq;
using System.Threading;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

public class GeneratorBehaviourTests
{
    [Theory]
    [InlineData("public class NotPartial { }", "[Network(4)] [Dense(2, Activation.Softmax)]")]
    [InlineData("public partial class BadUnits { }", "[Network(4)] [Dense(0)] [Dense(2, Activation.Softmax)]")]
    [InlineData("public partial class BadLoss { }", "[Network(4, Loss = Loss.BinaryCrossentropy)] [Dense(2, Activation.Softmax)]")]
    [InlineData("public partial class NotFlat { }", "[Network(2, 2)] [Dense(2, Activation.Softmax)]")]
    [InlineData("public partial class Generic<T> { }", "[Network(4)] [Dense(2, Activation.Softmax)]")]
    [InlineData("public partial class NoLayers { }", "[Network(4)]")]
    [InlineData("public partial class WrongType { }", "[Network(4)] [Dense(\"x\")]")]
    public void Invalid_declarations_generate_nothing_and_report_nothing(string declaration, string attributes)
    {
        GeneratorHarness.Result result = GeneratorHarness.Run($"using NetDsl;\nnamespace Demo;\n{attributes}\n{declaration}");
        Assert.Empty(result.Files);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.DoesNotContain(result.CompilationDiagnostics, d => d.Id is "CS8784" or "CS8785");
    }

    [Fact]
    public void Several_networks_get_one_file_each()
    {
        GeneratorHarness.Result result = GeneratorHarness.Run("""
            using NetDsl;
            namespace A { [Network(4)] [Dense(2, Activation.Softmax)] public partial class Net { } }
            namespace B { [Network(4)] [Dense(2, Activation.Softmax)] public partial class Net { } }
            """);
        Assert.Equal(new[] { "A.Net.g.cs", "B.Net.g.cs" }, result.Files.Select(f => f.HintName).OrderBy(h => h));
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Output_does_not_depend_on_the_culture()
    {
        const string source = """
            using NetDsl;
            namespace Demo;
            [Network(4)]
            [Dense(8, Activation.LeakyRelu, Alpha = 0.2, L2 = 0.015, MaxNorm = 1.5)]
            [BatchNorm(Momentum = 0.9, Epsilon = 1e-5)]
            [Dropout(0.25)]
            [Dense(3, Activation.Softmax)]
            public partial class Culture { }
            """;
        CultureInfo saved = Thread.CurrentThread.CurrentCulture;
        string invariant, hostile;
        try
        {
            Thread.CurrentThread.CurrentCulture = CultureInfo.InvariantCulture;
            invariant = GeneratorHarness.Run(source).Files.Single().Source;
            var culture = (CultureInfo)CultureInfo.GetCultureInfo("fi-FI").Clone();
            culture.NumberFormat.NegativeSign = "\u2212";
            culture.NumberFormat.NumberDecimalSeparator = ",";
            Thread.CurrentThread.CurrentCulture = culture;
            GeneratorHarness.Result result = GeneratorHarness.Run(source);
            hostile = result.Files.Single().Source;
            Assert.Empty(result.Problems);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = saved;
        }
        Assert.Equal(invariant, hostile);
        Assert.Contains("0.2f", invariant);
        Assert.Contains("1E-05f", invariant);
    }

    /// <summary>
    /// The backward pass computes no gradient nothing learns from: a dropout on the input (the chapter's MC-dropout
    /// network) or a normalization without γ and β there gets no input gradient <c>dZ·Wᵀ</c> from the dense layer after
    /// it; a trainable normalization of the input gets its γ and β from BatchNormDenseBackward instead; a dropout after
    /// the first dense layer still passes its gradient on.
    /// </summary>
    [Theory]
    [InlineData("[Dropout(0.2)] [Dense(30, Activation.Relu)] [Dropout(0.2)] [Dense(10, Activation.Softmax)]", 1, false)]
    [InlineData("[BatchNorm(Scale = false, Center = false)] [Dense(30, Activation.Relu)] [Dense(10, Activation.Softmax)]", 1, false)]
    [InlineData("[BatchNorm] [Dense(30, Activation.Relu)] [Dense(10, Activation.Softmax)]", 1, true)]
    [InlineData("[Dense(30, Activation.Relu)] [Dropout(0.2)] [Dense(10, Activation.Softmax)]", 1, false)]
    [InlineData("[BatchNorm(Name = \"norm\")] [Dense(30, Activation.Relu)] [Concat(\"norm\")] [Dense(10, Activation.Softmax)]", 2, false)]
    [InlineData("[Tanh] [Dense(30, Activation.Relu)] [Dense(10, Activation.Softmax)]", 1, false)]
    [InlineData("[Dropout(0.2)] [BatchNorm] [Dense(30, Activation.Relu)] [Dense(10, Activation.Softmax)]", 1, true)]
    public void Only_gradients_something_learns_from_are_computed(string layers, int inputGradients, bool normalizedInput)
    {
        GeneratorHarness.Result result = GeneratorHarness.Run($"using NetDsl; namespace Demo; [Network(20)] {layers} public partial class G {{ }}");
        Assert.Empty(result.Problems);
        string source = result.Files.Single().Source;
        string backward = Method(source, "private void Backward(")!;
        Assert.Equal(inputGradients, CountOf(backward, "Kernels.MatMulNT("));
        Assert.Equal(normalizedInput, backward.Contains("Kernels.BatchNormDenseBackward(", System.StringComparison.Ordinal));
        // A network split by rows (the [Tanh] one) has the same backward pass per chunk of rows.
        if (Method(source, "private void BackwardRows(") is string rows) Assert.Equal(inputGradients, CountOf(rows, "Kernels.MatMulNT("));
        else Assert.DoesNotContain("[Tanh]", layers, System.StringComparison.Ordinal);
    }

    private static string? Method(string source, string signature)
    {
        int start = source.IndexOf(signature, System.StringComparison.Ordinal);
        if (start < 0) return null;
        // The method ends at the first closing brace indented as its signature.
        int lineStart = source.LastIndexOf('\n', start) + 1;
        string indent = source[lineStart..start];
        string rest = source[start..];
        return rest[..rest.IndexOf("\n" + indent + "}", System.StringComparison.Ordinal)];
    }

    private static int CountOf(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, System.StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, System.StringComparison.Ordinal)) count++;
        return count;
    }

    [Fact]
    public void Generated_file_has_the_house_header()
    {
        string source = GeneratorHarness.Run("using NetDsl; namespace Demo; [Network(4)] [Dense(2, Activation.Softmax)] public partial class H { }").Files.Single().Source;
        Assert.StartsWith("// <auto-generated/>\n#nullable enable\n", source.Replace("\r\n", "\n"));
        Assert.Contains("[global::System.CodeDom.Compiler.GeneratedCode(\"NetDsl.Generator\", ", source);
        Assert.DoesNotContain("#pragma warning disable", source);
    }
}
