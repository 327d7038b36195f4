using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace NetDsl.Benchmarks;

/// <summary>
/// Forward product of a dense layer, <c>y = activation(x·W + b)</c> (bias and activation included, as the generated
/// code calls it), at the workloads' layer shapes.
/// </summary>
public class DenseForward
{
    private float[] _x = [], _w = [], _b = [], _y = [];

    /// <summary>The layer.</summary>
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.Layers()[0];

    /// <summary>The layer shapes of W1 (batch 32 and 1) and W4 (batch 128).</summary>
    public static IEnumerable<GemmShape> Shapes => GemmShape.Layers();

    [GlobalSetup]
    public void Setup()
    {
        _x = Data.Uniform(Shape.Batch * Shape.Inputs, 0f, 1f, seed: 1);
        _w = Data.Uniform(Shape.Inputs * Shape.Units, -0.1f, 0.1f, seed: 2);
        _b = Data.Uniform(Shape.Units, -0.1f, 0.1f, seed: 3);
        _y = new float[Shape.Batch * Shape.Units];
    }

    /// <summary><c>Kernels.Dense</c>.</summary>
    [Benchmark]
    public void Dense() => Kernels.Dense(_x, _w, _b, _y, Shape.Batch, Shape.Inputs, Shape.Units, Shape.Activation);
}

/// <summary>
/// The two backward products of a dense layer at the workloads' shapes: the input gradient <c>dX = dZ·Wᵀ</c>
/// (<c>MatMulNT</c>) and the weight gradient <c>dW = Xᵀ·dZ</c> (<c>MatMulTN</c>).
/// </summary>
public class DenseBackward
{
    private float[] _x = [], _w = [], _dz = [], _dx = [], _dw = [];

    /// <summary>The layer.</summary>
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.Layers()[0];

    /// <summary>The layer shapes of W1 (batch 32 and 1) and W4 (batch 128).</summary>
    public static IEnumerable<GemmShape> Shapes => GemmShape.Layers();

    [GlobalSetup]
    public void Setup()
    {
        _x = Data.Uniform(Shape.Batch * Shape.Inputs, 0f, 1f, seed: 1);
        _w = Data.Uniform(Shape.Inputs * Shape.Units, -0.1f, 0.1f, seed: 2);
        _dz = Data.Uniform(Shape.Batch * Shape.Units, -0.01f, 0.01f, seed: 4);
        _dx = new float[Shape.Batch * Shape.Inputs];
        _dw = new float[Shape.Inputs * Shape.Units];
    }

    /// <summary><c>dX = dZ·Wᵀ</c>: <c>MatMulNT(dZ, W, dX, batch, units, inputs)</c>.</summary>
    [Benchmark]
    public void InputGradient_MatMulNT() => Kernels.MatMulNT(_dz, _w, _dx, Shape.Batch, Shape.Units, Shape.Inputs);

    /// <summary><c>dW = Xᵀ·dZ</c>: <c>MatMulTN(X, dZ, dW, inputs, batch, units)</c>.</summary>
    [Benchmark]
    public void WeightGradient_MatMulTN() => Kernels.MatMulTN(_x, _dz, _dw, Shape.Inputs, Shape.Batch, Shape.Units);
}
