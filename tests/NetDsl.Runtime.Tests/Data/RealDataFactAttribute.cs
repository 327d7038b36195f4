using NetDsl;
using Xunit;

namespace NetDsl.Runtime.Tests;

/// <summary>
/// A <see cref="FactAttribute"/> that is skipped, visibly and with the reason, when the real Fashion-MNIST files
/// are not installed (<see cref="FashionMnist.FindDirectory"/> returns null).
/// </summary>
public sealed class RealDataFactAttribute : FactAttribute
{
    /// <summary>The reason shown when the test is skipped.</summary>
    public const string SkipReason = "Fashion-MNIST not found (apt-get install dataset-fashion-mnist or set NETDSL_DATA)";

    /// <summary>Marks a test that needs the real Fashion-MNIST files.</summary>
    public RealDataFactAttribute()
    {
        if (FashionMnist.FindDirectory() is null)
        {
            Skip = SkipReason;
        }
    }
}
