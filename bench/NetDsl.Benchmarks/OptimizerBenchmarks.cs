using System;
using NetDsl.Samples.FashionMnist;
using BenchmarkDotNet.Attributes;

namespace NetDsl.Benchmarks;

/// <summary>The optimizers in the benchmarks.</summary>
public enum OptimizerKind
{
    /// <summary><c>Sgd(0.01)</c>.</summary>
    Sgd,
    /// <summary><c>Sgd(0.01, momentum: 0.9)</c>.</summary>
    SgdMomentum,
    /// <summary><c>Adam(0.001)</c>.</summary>
    Adam,
    /// <summary><c>Nadam(0.001)</c>.</summary>
    Nadam,
    /// <summary><c>RmsProp(0.001)</c>.</summary>
    RmsProp,
}

/// <summary>One optimizer step (<c>Optimizer.Apply</c>) over W1's 266,610 weights, with W1's six variables.</summary>
public class OptimizerStep
{
    private float[] _parameters = [], _gradients = [];
    private ParameterVariable[] _variables = [];
    private Optimizer _optimizer = new Sgd();

    /// <summary>The optimizer.</summary>
    [Params(OptimizerKind.Sgd, OptimizerKind.SgdMomentum, OptimizerKind.Adam, OptimizerKind.Nadam, OptimizerKind.RmsProp)]
    public OptimizerKind Optimizer { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var network = new FashionMlp(seed: 42);
        _parameters = network.Parameters.ToArray();
        _variables = network.Variables.ToArray();
        _gradients = Data.Uniform(_parameters.Length, -0.01f, 0.01f, seed: 9);
        if (_parameters.Length != 266_610) throw new InvalidOperationException($"W1 has {_parameters.Length} weights, expected 266,610.");
        _optimizer = Optimizer switch
        {
            OptimizerKind.Sgd => new Sgd(0.01),
            OptimizerKind.SgdMomentum => new Sgd(0.01, momentum: 0.9),
            OptimizerKind.Adam => new Adam(0.001),
            OptimizerKind.Nadam => new Nadam(0.001),
            OptimizerKind.RmsProp => new RmsProp(0.001),
            _ => throw new ArgumentOutOfRangeException(nameof(Optimizer)),
        };
        Apply();
    }

    /// <summary><c>optimizer.Apply(parameters, gradients, variables)</c>.</summary>
    [Benchmark]
    public void Apply() => _optimizer.Apply(_parameters, _gradients, _variables);
}
