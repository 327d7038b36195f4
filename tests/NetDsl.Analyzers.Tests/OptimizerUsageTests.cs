using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.OptimizerUsageAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>The checks on runtime objects in user code: NDSL1009, NDSL1012, NDSL1013, NDSL1014.</summary>
public class OptimizerUsageTests
{
    [Fact]
    public Task EmptySource_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync("");

    [Fact]
    public Task SourceWithoutTheRuntimeTypes_ReportsNothing()
    {
        var test = new VerifyCS.Test
        {
            TestCode = /* lang=c# */ """
                namespace NetDsl
                {
                    public class Sgd { public double ClipValue { get; set; } public double ClipNorm { get; set; } }
                }

                public static class C
                {
                    public static object M() => new NetDsl.Sgd { ClipValue = 1, ClipNorm = 1 };
                }
                """,
        };
        test.TestState.AdditionalReferences.Clear();
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        return test.RunAsync();
    }

    // ----- NDSL1009 -----

    [Fact]
    public Task ClipValueAndClipNormInTheInitializer_IsReportedOnClipNorm() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        public static class Training
        {
            public static Optimizer Create() => new Sgd(learningRate: 0.01, momentum: 0.9) { ClipValue = 1.0, {|#0:ClipNorm = 1.0|} };
        }
        """,
        VerifyCS.Diagnostic("NDSL1009").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithArguments("Sgd"));

    [Fact]
    public Task ClipValueAndClipNormSetOnTheLocal_IsReportedOnTheLaterAssignment() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        public static class Training
        {
            public static Optimizer Create(double clip)
            {
                Optimizer optimizer = new Adam { ClipNorm = clip };
                System.Console.WriteLine("configuring");
                optimizer.ClipNorm = 2;
                {|#0:optimizer.ClipValue = 0.5|};
                return optimizer;
            }

            public static Optimizer Reassigned()
            {
                var rms = new RmsProp { ClipValue = 0.5 };
                rms = new RmsProp();
                rms.ClipNorm = 1;
                return rms;
            }
        }
        """,
        VerifyCS.Diagnostic("NDSL1009").WithLocation(0).WithArguments("Adam"));

    [Fact]
    public Task OneClippingSettingOrAZero_ReportsNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        public static class Training
        {
            public static Optimizer[] Create(bool byValue) => new Optimizer[]
            {
                new Sgd(learningRate: 0.01, momentum: 0.9, nesterov: true) { ClipNorm = 1.0 },
                new Sgd { ClipValue = 1.0, ClipNorm = 0 },
                new AdaMax { ClipValue = 0.5, GlobalClipNorm = 5 },
                Branches(byValue),
            };

            private static Optimizer Branches(bool byValue)
            {
                var optimizer = new AdaGrad();
                if (byValue) optimizer.ClipValue = 1;
                else optimizer.ClipNorm = 1;
                return optimizer;
            }
        }
        """);

    // ----- NDSL1013 -----

    [Fact]
    public Task ClipNormAndGlobalClipNorm_IsReportedOnTheLaterSetting() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        public static class Training
        {
            public static Optimizer Create()
            {
                var optimizer = new Nadam { GlobalClipNorm = 5, {|#0:ClipNorm = 1|} };
                return optimizer;
            }
        }
        """,
        VerifyCS.Diagnostic("NDSL1013").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithArguments("Nadam"));

    // ----- NDSL1012 -----

    [Fact]
    public Task DecayOnNadam_IsReportedOnTheAssignment() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        public static class Training
        {
            public static Optimizer Create(Nadam other)
            {
                {|#1:other.Decay = 1e-4|};
                return new Nadam(learningRate: 0.001) { {|#0:Decay = 0.004|} };
            }
        }
        """,
        VerifyCS.Diagnostic("NDSL1012").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
        VerifyCS.Diagnostic("NDSL1012").WithLocation(1));

    [Fact]
    public Task DecayOnOtherOptimizers_AndScheduleDecayOnNadam_ReportNothing() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        public static class Training
        {
            public static Optimizer[] Create() => new Optimizer[]
            {
                new Sgd(learningRate: 0.01) { Decay = 1e-4 },
                new Adam { Decay = 1e-4 },
                new Nadam(scheduleDecay: 0.004),
            };
        }
        """);

    // ----- NDSL1014 -----

    private const string Model = /* lang=c# */ """
        using NetDsl;

        public static class Models
        {
            // A network (the generated classes implement INetwork; the generator does not run in these tests).
            public static INetwork Make() => null!;
        }
        """;

    [Fact]
    public Task SecondFitWithAnEpochScheduleAndNoInitialEpoch_IsReportedOnFit() => VerifyNetworkCode(/* lang=c# */ """
        public static class Training
        {
            public static void Run(Dataset train)
            {
                INetwork model = Models.Make();
                model.Fit(train, epochs: 5, optimizer: new Sgd());
                model.{|#0:Fit|}(train, epochs: 10, optimizer: new Sgd(),
                    callbacks: [new LearningRateScheduler((epoch, lr) => epoch < 5 ? lr : lr * 0.9)]);
            }

            public static void ThroughALocal(INetwork model, Dataset train)
            {
                var scheduler = new LearningRateScheduler(epoch => 0.01 * System.Math.Pow(0.1, epoch / 20.0));
                Callback[] callbacks = { scheduler, new EarlyStopping(patience: 5) };
                model.Fit(train, epochs: 5, callbacks: callbacks);
                NetworkExtensions.{|#1:Fit|}(model, train, epochs: 5, callbacks: callbacks, initialEpoch: 0);
            }
        }
        """,
        VerifyCS.Diagnostic("NDSL1014").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithArguments("model", "14"),
        VerifyCS.Diagnostic("NDSL1014").WithLocation(1).WithArguments("model", "23"));

    [Fact]
    public Task FitsThatDoNotRestartASchedule_ReportNothing() => VerifyNetworkCode(/* lang=c# */ """
        public static class Training
        {
            public static void Run(Dataset train, Dataset valid)
            {
                INetwork model = Models.Make();
                var callbacks = new Callback[] { new LearningRateScheduler((epoch, lr) => lr * 0.9) };

                // The first Fit: nothing to restart.
                model.Fit(train, epochs: 5, callbacks: callbacks);
                // Continued with initialEpoch.
                model.Fit(train, epochs: 10, callbacks: callbacks, initialEpoch: 5);
                // Continued without an epoch-based schedule.
                model.Fit(train, epochs: 10, validation: valid, callbacks: [new EarlyStopping(patience: 2)]);

                // A new model in the same variable.
                model = Models.Make();
                model.Fit(train, epochs: 5, callbacks: callbacks);

                // Another model.
                var other = Models.Make();
                other.Fit(train, epochs: 5, callbacks: callbacks);
            }
        }
        """);

    private static Task VerifyNetworkCode(string code, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) =>
        VerifyCS.VerifyAnalyzerAsync(Model + "\n\n" + code, expected);
}
