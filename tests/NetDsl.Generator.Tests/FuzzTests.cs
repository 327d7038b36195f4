using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Thousands of random and malformed declarations through the generator and every analyzer: no generator or analyzer
/// exception ever reaches the compiler (CS8784, CS8785, AD0001), and the code generated for every accepted
/// declaration compiles without a warning. A fixed seed and count in CI; <c>NETDSL_FUZZ_COUNT</c> and
/// <c>NETDSL_FUZZ_SEED</c> run more locally.
/// </summary>
public class FuzzTests
{
    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) => _output = output;

    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(NetDsl.Analyzers.NetworkDeclarationAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    [Fact]
    public async System.Threading.Tasks.Task Random_declarations_never_crash_the_generator_or_the_analyzers()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("NETDSL_FUZZ_COUNT"), out int c) ? c : 2000;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("NETDSL_FUZZ_SEED"), out int s) ? s : 20261126;
        const int PerCompilation = 20;
        var random = new Random(seed);
        int accepted = 0, generatedFiles = 0;
        var failures = new List<string>();
        for (int batch = 0; batch * PerCompilation < count; batch++)
        {
            var source = new StringBuilder("using NetDsl;\nnamespace Fuzz;\n");
            for (int i = 0; i < PerCompilation; i++) source.Append(Declaration(random, $"N{batch}_{i}")).Append('\n');
            string text = source.ToString();
            GeneratorHarness.Result result = GeneratorHarness.Run(text);
            generatedFiles += result.Files.Count;
            var withAnalyzers = result.Output.WithAnalyzers(Analyzers, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
            ImmutableArray<Diagnostic> all = await withAnalyzers.GetAllDiagnosticsAsync();
            foreach (Diagnostic d in all.Concat(result.GeneratorDiagnostics))
            {
                if (d.Id is "CS8784" or "CS8785" or "AD0001")
                {
                    failures.Add($"batch {batch}: {d}\n{text}");
                }
                else if (d.Location.SourceTree is { } tree && tree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning)
                {
                    failures.Add($"batch {batch}: generated code has {d}\n{text}");
                }
            }
            accepted += result.Files.Count;
            if (failures.Count > 5) break;
        }
        _output.WriteLine($"{count} declarations (seed {seed}), {accepted} accepted and generated, {generatedFiles} files.");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)));
        Assert.True(accepted > count / 3, $"only {accepted} of {count} random declarations were valid: the fuzzer should produce more valid ones");
    }

    private static readonly string[] Heads =
    {
        "public partial class {0} {{ }}", "public partial class {0} {{ }}", "public partial class {0} {{ }}", "partial class {0} {{ }}",
        "public partial class {0} {{ }}", "internal sealed partial class {0} {{ }}",
        "public class {0} {{ }}", "public static partial class {0} {{ }}", "public partial record {0} {{ }}",
        "public partial class {0}<T> {{ }}", "public partial class {0}Outer {{ {1} public partial class {0} {{ }} }}",
        "public abstract partial class {0} {{ }}",
    };

    private static string Declaration(Random r, string name)
    {
        if (r.Next(2) == 0) return CleanDeclaration(r, name);
        var attributes = new List<string> { NetworkAttribute(r) };
        if (r.Next(8) == 0) attributes.Add(DenseDefaults(r));
        bool flat = r.Next(3) > 0;
        int layers = r.Next(0, 8);
        var names = new List<string> { "input" };
        if (flat) attributes.Add("Flatten");
        for (int i = 0; i < layers; i++) attributes.Add(Layer(r, names));
        if (r.Next(3) > 0) attributes.Add(r.Next(4) switch
        {
            0 => "Dense(1, Activation.Sigmoid)",
            1 => "Dense(10)",
            _ => "Dense(10, Activation.Softmax)",
        });
        string head = Heads[r.Next(Heads.Length)];
        string list = string.Join("\n", attributes.Select(a => $"[{a}]"));
        if (r.Next(15) == 0 && head.StartsWith("public partial class {0} {{", StringComparison.Ordinal))
        {
            // Attributes split over two partial declarations.
            int cut = r.Next(attributes.Count);
            string first = string.Join("\n", attributes.Take(cut).Select(a => $"[{a}]"));
            string second = string.Join("\n", attributes.Skip(cut).Select(a => $"[{a}]"));
            return $"{first}\npublic partial class {name} {{ }}\n{second}\npublic partial class {name} {{ }}";
        }
        if (head.Contains("{1}", StringComparison.Ordinal)) return string.Format(CultureInfo.InvariantCulture, head, name, list);
        return list + "\n" + string.Format(CultureInfo.InvariantCulture, head, name);
    }

    /// <summary>A valid declaration with random layers and arguments, all in range.</summary>
    private static string CleanDeclaration(Random r, string name)
    {
        var attributes = new List<string> { r.Next(2) == 0 ? "Network(28, 28)" : "Network(4, 2)", "Flatten" };
        if (r.Next(5) == 0) attributes.Add("DenseDefaults(Activation = Activation.Elu, Init = Init.HeNormal, L2 = 0.01)");
        string[] acts = { "Linear", "Relu", "LeakyRelu", "RRelu", "Elu", "Selu", "Sigmoid", "Tanh" };
        string[] inits = { "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform", "Zeros", "Ones" };
        int layers = r.Next(1, 7);
        for (int i = 0; i < layers; i++)
        {
            string units = r.Next(2, 33).ToString(CultureInfo.InvariantCulture);
            attributes.Add(r.Next(9) switch
            {
                < 4 => $"Dense({units}, Activation.{acts[r.Next(acts.Length)]}, Init = Init.{inits[r.Next(inits.Length)]}{(r.Next(4) == 0 ? ", UseBias = false" : "")}{(r.Next(5) == 0 ? ", L1 = 0.001, L2 = 0.002" : "")}{(r.Next(6) == 0 ? ", MaxNorm = 2" : "")}{(r.Next(6) == 0 ? ", Trainable = false" : "")})",
                4 => r.Next(2) == 0 ? "BatchNorm" : "BatchNorm(Momentum = 0.9, Epsilon = 1e-5, Center = false)",
                5 => $"Dropout({(r.NextDouble() * 0.9).ToString("0.##", CultureInfo.InvariantCulture)})",
                6 => $"AlphaDropout({(r.NextDouble() * 0.9).ToString("0.##", CultureInfo.InvariantCulture)})",
                7 => new[] { "Relu", "LeakyRelu(0.2)", "RRelu", "Elu(0.5)", "Selu", "Sigmoid", "Tanh" }[r.Next(7)],
                _ => $"Dense({units})",
            });
        }
        attributes.Add(r.Next(5) == 0 ? "Dense(10)" : "Dense(10, Activation.Softmax)");
        if (!attributes.Any(a => a.StartsWith("Dense", StringComparison.Ordinal) && a != "DenseDefaults")) attributes.Add("Dense(3, Activation.Softmax)");
        return string.Join("\n", attributes.Select(a => $"[{a}]")) + $"\npublic partial class {name} {{ }}";
    }

    private static string NetworkAttribute(Random r)
    {
        string shape = r.Next(12) switch
        {
            0 => "",
            1 => "0",
            2 => "-3",
            3 => "100000, 100000",
            4 => "2, 3",
            5 => "null",
            6 => "\"x\"",
            _ => r.Next(2) == 0 ? "28, 28" : "8",
        };
        string loss = r.Next(6) switch
        {
            0 => ", Loss = Loss.BinaryCrossentropy",
            1 => ", Loss = Loss.MeanSquaredError",
            2 => ", Loss = Loss.CategoricalCrossentropy",
            3 => ", Loss = (Loss)42",
            _ => "",
        };
        return $"Network({shape}{(shape.Length == 0 ? loss.TrimStart(',', ' ') : loss)})";
    }

    private static string Units(Random r) => r.Next(10) switch
    {
        0 => "0",
        1 => "-5",
        2 => "1 << 29",
        3 => "1",
        _ => r.Next(2, 40).ToString(CultureInfo.InvariantCulture),
    };

    private static string Double(Random r) => r.Next(9) switch
    {
        0 => "-1",
        1 => "double.NaN",
        2 => "double.PositiveInfinity",
        3 => "0",
        4 => "1.5",
        _ => (r.NextDouble() * 0.9).ToString("0.###", CultureInfo.InvariantCulture),
    };

    private static string Activation(Random r) =>
        r.Next(12) == 0 ? "(Activation)77" : "Activation." + new[] { "Linear", "Relu", "LeakyRelu", "RRelu", "Elu", "Selu", "Sigmoid", "Tanh", "Softmax" }[r.Next(9)];

    private static string Init(Random r) =>
        r.Next(12) == 0 ? "(Init)99" : "Init." + new[] { "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform", "Zeros", "Ones" }[r.Next(8)];

    private static string Named(Random r, List<string> names)
    {
        var parts = new List<string>();
        if (r.Next(3) == 0) parts.Add($"Init = {Init(r)}");
        if (r.Next(6) == 0) parts.Add($"UseBias = {(r.Next(2) == 0 ? "true" : "false")}");
        if (r.Next(6) == 0) parts.Add($"L1 = {Double(r)}");
        if (r.Next(6) == 0) parts.Add($"L2 = {Double(r)}");
        if (r.Next(8) == 0) parts.Add($"MaxNorm = {Double(r)}");
        if (r.Next(8) == 0) parts.Add($"Alpha = {Double(r)}");
        if (r.Next(10) == 0) parts.Add("Trainable = false");
        if (r.Next(4) == 0)
        {
            string name = r.Next(6) switch { 0 => "input", 1 => "1bad", 2 => "", 3 => names[r.Next(names.Count)], _ => "h" + r.Next(1000) };
            parts.Add($"Name = \"{name}\"");
            names.Add(name);
        }
        return parts.Count == 0 ? "" : ", " + string.Join(", ", parts);
    }

    private static string DenseDefaults(Random r)
    {
        var parts = new List<string>();
        if (r.Next(2) == 0) parts.Add($"Activation = {Activation(r)}");
        if (r.Next(2) == 0) parts.Add($"Init = {Init(r)}");
        if (r.Next(3) == 0) parts.Add($"L2 = {Double(r)}");
        if (r.Next(4) == 0) parts.Add($"MaxNorm = {Double(r)}");
        return "DenseDefaults(" + string.Join(", ", parts) + ")";
    }

    private static string Layer(Random r, List<string> names)
    {
        string reference = r.Next(5) switch { 0 => "nope", 1 => "", 2 => "input", _ => names[r.Next(names.Count)] };
        return r.Next(24) switch
        {
            < 8 => $"Dense({Units(r)}{(r.Next(2) == 0 ? ", " + Activation(r) : "")}{Named(r, names)})",
            8 => "Flatten",
            9 => $"BatchNorm({(r.Next(2) == 0 ? $"Momentum = {Double(r)}" : "")}{(r.Next(3) == 0 ? "Epsilon = 0" : "")})".Replace("()(", "(").Replace("0Epsilon", "0, Epsilon"),
            10 => "Relu",
            11 => $"LeakyRelu({Double(r)})",
            12 => $"RRelu({Double(r)}, {Double(r)})",
            13 => $"Elu({Double(r)})",
            14 => r.Next(2) == 0 ? "Selu" : "Sigmoid",
            15 => r.Next(2) == 0 ? "Tanh" : "Softmax",
            16 => $"Dropout({Double(r)})",
            17 => $"AlphaDropout({Double(r)})",
            18 => $"Add(\"{reference}\")",
            19 => $"Concat(\"{reference}\")",
            20 => r.Next(3) switch { 0 => "Dense(\"x\")", 1 => "Dense(1, 2, 3)", _ => "Add(null)" },
            21 => "Dropout",
            22 => $"Dense({Units(r)}, Activation.Relu, Name = \"{reference}\")",
            _ => $"Dense({Units(r)}, {Activation(r)})",
        };
    }
}
