using System;
using System.Globalization;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetDsl.Benchmarks;

/// <summary>The floating-point operations of one call of a benchmark method (for the GFLOP/s column).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FlopsAttribute(double flops) : Attribute
{
    /// <summary>Operations per call (a multiply-add counts as two).</summary>
    public double Flops { get; } = flops;
}

/// <summary>
/// GFLOP/s from the mean time: for benchmarks with a <see cref="GemmShape"/> parameter named <c>Shape</c>,
/// <c>2·batch·inputs·units</c> per call; for methods marked <see cref="FlopsAttribute"/>, the operations it states.
/// </summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Billions of floating-point operations per second (a multiply-add counts as 2) at the mean time";

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? flops = FlopsOf(benchmarkCase);
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (flops is null || meanNs is null or <= 0) return "-";
        return (flops.Value / meanNs.Value).ToString("F1", CultureInfo.InvariantCulture);
    }

    private static double? FlopsOf(BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Shape")?.Value is GemmShape shape) return shape.Flops;
        return benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<FlopsAttribute>()?.Flops;
    }

    public override string ToString() => ColumnName;
}
