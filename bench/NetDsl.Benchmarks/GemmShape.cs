using System;
using System.Globalization;

namespace NetDsl.Benchmarks;

/// <summary>
/// The shape of a dense layer's matrix product: <c>batch × inputs</c> times <c>inputs × units</c>. All three products of
/// the layer (forward, input gradient, weight gradient) cost <see cref="Flops"/> floating-point operations.
/// </summary>
public sealed record GemmShape(int Batch, int Inputs, int Units, Activation Activation = Activation.Linear) : IComparable<GemmShape>, IComparable
{
    /// <summary>BenchmarkDotNet orders the rows by this: the order of <see cref="Layers"/>.</summary>
    public int CompareTo(GemmShape? other) => other is null ? 1 : Order(this).CompareTo(Order(other));

    int IComparable.CompareTo(object? obj) => CompareTo(obj as GemmShape);

    private static int Order(GemmShape shape) => Array.IndexOf(Layers(), shape);

    /// <summary>Multiply-adds counted as two operations.</summary>
    public double Flops => 2.0 * Batch * Inputs * Units;

    /// <summary>BenchmarkDotNet shows the parameter with this text.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Batch}x{Inputs}·{Inputs}x{Units}")
        + (Activation == Activation.Linear ? "" : "+" + Activation.ToString().ToLowerInvariant());

    /// <summary>The workload's dense layers: W1 at batch 32 and 1, W4's hidden layer at batch 128.</summary>
    public static GemmShape[] Layers() =>
    [
        new(32, 784, 300, Activation.Relu),
        new(32, 300, 100, Activation.Relu),
        new(32, 100, 10),
        new(1, 784, 300, Activation.Relu),
        new(128, 100, 100, Activation.Selu),
    ];
}
