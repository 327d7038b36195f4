using System;
using NetDsl.Samples.FashionMnist;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Benchmarks.TorchSharpComparison;

/// <summary>One layer of the TorchSharp twin (the twin of a NetDsl network, layer for layer).</summary>
internal abstract record TwinLayer;

/// <summary><c>nn.Linear(inputs, units)</c>: the twin of a Dense layer's product and bias.</summary>
internal sealed record TwinLinear(int Inputs, int Units) : TwinLayer;

/// <summary><c>nn.ReLU()</c> or <c>nn.SELU()</c>.</summary>
internal sealed record TwinActivation(Activation Activation) : TwinLayer;

/// <summary><c>nn.BatchNorm1d(features, eps: 1e-3, momentum: 0.01)</c> (Keras's momentum 0.99 is torch's 0.01).</summary>
internal sealed record TwinBatchNorm(int Features) : TwinLayer;

/// <summary>The optimizers of the workloads, with Keras's hyper-parameters.</summary>
internal enum OptimizerKind
{
    /// <summary>Plain SGD (no momentum).</summary>
    Sgd,
    /// <summary>Adam, β 0.9/0.999, ε 1e-7.</summary>
    Adam,
}

/// <summary>An optimizer and its learning rate, created for either framework.</summary>
internal sealed record OptimizerSpec(OptimizerKind Kind, double LearningRate)
{
    public Optimizer CreateNetDsl() => Kind switch
    {
        OptimizerKind.Sgd => new Sgd(LearningRate),
        OptimizerKind.Adam => new Adam(LearningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-7),
        _ => throw new InvalidOperationException(Kind.ToString()),
    };

    public override string ToString() => Kind switch
    {
        OptimizerKind.Sgd => $"Sgd({LearningRate})",
        OptimizerKind.Adam => $"Adam({LearningRate}, β 0.9/0.999, ε 1e-7)",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// A workload: a network, its TorchSharp twin, an optimizer, a batch size, and how much of the epoch to train.
/// </summary>
/// <param name="Name">W1 … W5.</param>
/// <param name="Description">What it is, for the output and the README.</param>
/// <param name="BatchSize">Samples per step.</param>
/// <param name="CreateNetwork">The NetDsl network (always seed 42: every run starts from the same weights).</param>
/// <param name="Twin">The TorchSharp twin's layers, in order.</param>
/// <param name="Optimizer">The optimizer.</param>
/// <param name="Standardized">Whether the inputs are standardized (per-pixel mean and standard deviation of the training set).</param>
/// <param name="DefaultSteps">Steps per run when not a whole epoch (null: a whole epoch).</param>
internal sealed record Workload(string Name, string Description, int BatchSize, Func<INetwork> CreateNetwork, TwinLayer[] Twin,
    OptimizerSpec Optimizer, bool Standardized, int? DefaultSteps)
{
    /// <summary>The training set's size: Fashion-MNIST's 60,000 images less the 5,000 held out for validation.</summary>
    public const int TrainingSamples = 55_000;

    /// <summary>Steps in a whole epoch (the last batch may be partial, as in Keras).</summary>
    public int EpochSteps => (TrainingSamples + BatchSize - 1) / BatchSize;

    /// <summary>Steps to train in a run with these options.</summary>
    public int Steps(Options options)
    {
        if (options.Quick) return Math.Min(EpochSteps, Math.Max(20, (DefaultSteps ?? EpochSteps) / 10));
        if (options.FullEpochs || DefaultSteps is null) return EpochSteps;
        return Math.Min(EpochSteps, DefaultSteps.Value);
    }

    /// <summary>Samples trained in <paramref name="steps"/> steps.</summary>
    public int Samples(int steps) => Math.Min(TrainingSamples, steps * BatchSize);

    /// <summary>
    /// The floating-point operations of the matrix products of one training sample, as a standard implementation does
    /// them: per dense layer the forward product and the weight gradient (2 × inputs × units each), and the input
    /// gradient for every layer but one that reads the network's input (W1: 1.127 MFLOP, the figure). A layer
    /// after a BatchNorm of the input counts its input gradient, which NetDsl does without (the BatchNorm-dense
    /// backward), so NetDsl's rate on W2 counts a product it skips. Elementwise work (bias, activation, BatchNorm, loss,
    /// the optimizer) is not counted.
    /// </summary>
    public double TrainingFlopsPerSample =>
        Twin.OfType<TwinLinear>().Sum(l => (ReferenceEquals(l, Twin[0]) ? 2 : 3) * 2.0 * l.Inputs * l.Units);

    /// <summary>The training target for this workload: NetDsl's samples/s over TorchSharp's (10 for online learning, else 3).</summary>
    public double TargetSpeedUp => BatchSize == 1 ? 10 : 3;

    private static readonly TwinLayer[] MlpTwin =
    [
        new TwinLinear(784, 300), new TwinActivation(Activation.Relu),
        new TwinLinear(300, 100), new TwinActivation(Activation.Relu),
        new TwinLinear(100, 10),
    ];

    private static readonly TwinLayer[] BatchNormTwin =
    [
        new TwinBatchNorm(784),
        new TwinLinear(784, 300), new TwinActivation(Activation.Relu), new TwinBatchNorm(300),
        new TwinLinear(300, 100), new TwinActivation(Activation.Relu), new TwinBatchNorm(100),
        new TwinLinear(100, 10),
    ];

    private static TwinLayer[] DeepSeluTwin()
    {
        var layers = new List<TwinLayer> { new TwinLinear(784, 100), new TwinActivation(Activation.Selu) };
        for (int i = 1; i < 100; i++) layers.AddRange([new TwinLinear(100, 100), new TwinActivation(Activation.Selu)]);
        layers.Add(new TwinLinear(100, 10));
        return layers.ToArray();
    }

    /// <summary>The five workloads of the performance issue.</summary>
    public static IReadOnlyList<Workload> All { get; } =
    [
        new("W1", "300-100-10 ReLU MLP (He normal), Sgd(0.01), batch 32", 32, () => new FashionMlp(seed: 42), MlpTwin,
            new OptimizerSpec(OptimizerKind.Sgd, 0.01), Standardized: false, DefaultSteps: null),
        new("W2", "the notebook's BatchNorm network (BN-300-BN-100-BN-10, ReLU), Sgd(0.01), batch 32", 32, () => new FashionBn(seed: 42),
            BatchNormTwin, new OptimizerSpec(OptimizerKind.Sgd, 0.01), Standardized: false, DefaultSteps: null),
        new("W3", "W1 with Adam(0.001), batch 32", 32, () => new FashionMlp(seed: 42), MlpTwin,
            new OptimizerSpec(OptimizerKind.Adam, 0.001), Standardized: false, DefaultSteps: null),
        new("W4", "100 hidden SELU layers of 100 units (LeCun normal), standardized inputs, Sgd(0.001), batch 128", 128,
            () => new DeepSelu(seed: 42), DeepSeluTwin(), new OptimizerSpec(OptimizerKind.Sgd, 0.001), Standardized: true, DefaultSteps: 100),
        new("W5", "W1 at batch 1 (online learning), Sgd(0.01)", 1, () => new FashionMlp(seed: 42), MlpTwin,
            new OptimizerSpec(OptimizerKind.Sgd, 0.01), Standardized: false, DefaultSteps: 10_000),
    ];

    /// <summary>The workload called <paramref name="name"/> (case-insensitive).</summary>
    public static Workload? Find(string name) => All.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));
}
