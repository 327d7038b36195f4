using System.Threading.Tasks;
using Xunit;
using VerifyCS = NetDsl.Analyzers.Tests.Infrastructure.CSharpAnalyzerVerifier<NetDsl.Analyzers.NetworkDeclarationAnalyzer>;

namespace NetDsl.Analyzers.Tests;

/// <summary>NDSL0001: the [Network] class must be a top-level, non-generic, non-static partial class.</summary>
public class NotPartialTests
{
    [Fact]
    public Task NonPartialClass_IsReportedOnTheIdentifier() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(3, Activation.Softmax)]
        public class {|NDSL0001:Tiny|} { }
        """);

    [Fact]
    public Task NonPartialClass_HasTheReasonInTheMessage() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(3, Activation.Softmax)]
        public class Tiny { }
        """,
        VerifyCS.Diagnostic("NDSL0001").WithSpan(5, 14, 5, 18).WithArguments("Tiny", "it is not partial; add the 'partial' modifier"));

    [Fact]
    public Task ClassPartialInOnlyOneOfItsDeclarations_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(3, Activation.Softmax)]
        public partial class {|NDSL0001:Tiny|} { }

        public class Tiny { }
        """,
        // With several declarations, the compiler reports the one without 'partial' too (CS0260).
        VerifyCS.CompilerError("CS0260").WithSpan(7, 14, 7, 18).WithArguments("Tiny"));

    [Fact]
    public Task NestedClass_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        public partial class Outer
        {
            [Network(4)]
            [Dense(3, Activation.Softmax)]
            public partial class {|NDSL0001:Inner|} { }
        }
        """);

    [Fact]
    public Task GenericClass_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(3, Activation.Softmax)]
        public partial class {|NDSL0001:Tiny|}<T> { }
        """);

    [Fact]
    public Task StaticClass_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(3, Activation.Softmax)]
        public static partial class {|NDSL0001:Tiny|} { }
        """);

    [Fact]
    public Task Record_IsReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        [Network(4)]
        [Dense(3, Activation.Softmax)]
        public partial record {|NDSL0001:Tiny|} { }
        """);

    [Fact]
    public Task TopLevelPartialClass_IsNotReported() => VerifyCS.VerifyAnalyzerAsync(/* lang=c# */ """
        using NetDsl;

        namespace Demo;

        [Network(4)]
        [Dense(3, Activation.Softmax)]
        internal sealed partial class Tiny { }

        public partial class Outer
        {
            // A nested class without [Network] is none of NetDsl's business.
            public class Inner { }
        }
        """);
}
