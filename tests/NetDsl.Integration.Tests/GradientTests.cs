using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl;
using Xunit;

namespace NetDsl.Integration.Tests;

/// <summary>
/// Every backward pass, checked through generated networks: the gradient of every parameter (every one, these
/// networks are small) against central finite differences of the loss the network itself computes.
/// </summary>
public class GradientTests
{
    public static IEnumerable<object[]> Networks()
    {
        yield return new object[] { "softmax+tanh", (Func<INetwork>)(() => new GradSoftmax(1)) };
        yield return new object[] { "relu", (Func<INetwork>)(() => new GradRelu(2)) };
        yield return new object[] { "leaky relu", (Func<INetwork>)(() => new GradLeakyRelu(3)) };
        yield return new object[] { "rrelu", (Func<INetwork>)(() => new GradRRelu(4)) };
        yield return new object[] { "elu", (Func<INetwork>)(() => new GradElu(5)) };
        yield return new object[] { "elu alpha 0.5", (Func<INetwork>)(() => new GradEluAlpha(6)) };
        yield return new object[] { "selu", (Func<INetwork>)(() => new GradSelu(7)) };
        yield return new object[] { "sigmoid", (Func<INetwork>)(() => new GradSigmoid(8)) };
        yield return new object[] { "hidden softmax", (Func<INetwork>)(() => new GradHiddenSoftmax(9)) };
        yield return new object[] { "linear", (Func<INetwork>)(() => new GradLinear(10)) };
        yield return new object[] { "activation layers 1", (Func<INetwork>)(() => new GradActivationLayers1(11)) };
        yield return new object[] { "activation layers 2", (Func<INetwork>)(() => new GradActivationLayers2(12)) };
        yield return new object[] { "batch norm", (Func<INetwork>)(() => new GradBatchNorm(13)) };
        yield return new object[] { "batch norm variants", (Func<INetwork>)(() => new GradBatchNormVariants(14)) };
        yield return new object[] { "frozen batch norm", (Func<INetwork>)(() => new GradFrozenBatchNorm(15)) };
        yield return new object[] { "input batch norm without scale", (Func<INetwork>)(() => new GradInputBatchNormNoScale(27)) };
        yield return new object[] { "input batch norm, regularized dense", (Func<INetwork>)(() => new GradInputBatchNormRegularized(28)) };
        yield return new object[] { "input batch norm, frozen dense", (Func<INetwork>)(() => new GradInputBatchNormFrozenDense(29)) };
        yield return new object[] { "frozen input batch norm", (Func<INetwork>)(() => new GradFrozenInputBatchNorm(30)) };
        yield return new object[] { "input batch norm read twice", (Func<INetwork>)(() => new GradInputBatchNormShared(31)) };
        yield return new object[] { "input batch norm, rrelu", (Func<INetwork>)(() => new GradInputBatchNormRRelu(32)) };
        yield return new object[] { "input batch norm, output layer", (Func<INetwork>)(() => new GradInputBatchNormOutput(33)) };
        yield return new object[] { "input dropout", (Func<INetwork>)(() => new GradInputDropout(34)) };
        yield return new object[] { "input activation", (Func<INetwork>)(() => new GradInputActivation(35)) };
        yield return new object[] { "concat of a dropped input", (Func<INetwork>)(() => new GradConcatWithoutGradient(36)) };
        yield return new object[] { "batch norm of a dropped input", (Func<INetwork>)(() => new GradDroppedBatchNorm(37)) };
        yield return new object[] { "categorical", (Func<INetwork>)(() => new GradCategorical(16)) };
        yield return new object[] { "logits", (Func<INetwork>)(() => new GradLogits(17)) };
        yield return new object[] { "binary multi", (Func<INetwork>)(() => new GradBinaryMulti(18)) };
        yield return new object[] { "binary sigmoid layer", (Func<INetwork>)(() => new GradBinarySigmoidLayer(19)) };
        yield return new object[] { "binary logits", (Func<INetwork>)(() => new GradBinaryLogits(20)) };
        yield return new object[] { "mse", (Func<INetwork>)(() => new GradMse(21)) };
        yield return new object[] { "mse sigmoid", (Func<INetwork>)(() => new GradMseSigmoid(22)) };
        yield return new object[] { "l1 l2", (Func<INetwork>)(() => new GradRegularized(23)) };
        yield return new object[] { "dropout", (Func<INetwork>)(() => new GradDropout(24)) };
        yield return new object[] { "add", (Func<INetwork>)(() => new GradAdd(25)) };
        yield return new object[] { "concat", (Func<INetwork>)(() => new GradConcat(26)) };
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Backward_matches_finite_differences(string name, Func<INetwork> create)
    {
        INetwork net = create();
        const int n = 5;
        var random = new SeededRandom(99, name.Length);
        float[] x = new float[n * net.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();

        (int[]? labels, float[]? targets) = Targets(net, name, n, random);

        float EvaluateLoss()
        {
            net.ReseedTraining(1234); // the same dropout masks and RReLU slopes at every evaluation
            return labels is not null ? net.ComputeGradients(x, labels, n) : net.ComputeGradients(x, targets, n);
        }

        EvaluateLoss();
        float[] analytic = net.Gradients.ToArray();
        Span<float> p = net.Parameters;
        int checkedCount = 0;
        var failures = new List<string>();
        foreach (ParameterVariable v in net.Variables)
        {
            if (!v.Trainable) continue;
            for (int k = 0; k < v.Length; k++)
            {
                int i = v.Offset + k;
                float saved = p[i];
                const float eps = 3e-3f;
                p[i] = saved + eps;
                double plus = EvaluateLoss();
                p[i] = saved - eps;
                double minus = EvaluateLoss();
                p[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double error = Math.Abs(numeric - analytic[i]);
                double tolerance = 1e-3 + 2e-2 * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i]));
                if (error > tolerance) failures.Add($"{v.Kind} of layer {v.LayerIndex}, element {k}: backward {analytic[i]:G6}, finite difference {numeric:G6}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 20, $"only {checkedCount} parameters checked");
        Assert.True(failures.Count == 0, $"{name}: {failures.Count} of {checkedCount} gradients disagree:\n" + string.Join("\n", failures));
    }

    /// <summary>Integer labels where the loss takes them, float targets otherwise.</summary>
    internal static (int[]? Labels, float[]? Targets) Targets(INetwork net, string name, int n, SeededRandom random)
    {
        if (net.Loss == Loss.SparseCategoricalCrossentropy || (net.Loss == Loss.BinaryCrossentropy && net.OutputSize == 1 && name.Contains("sigmoid layer")))
        {
            var labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = random.NextInt(net.OutputSize == 1 ? 2 : net.OutputSize);
            return (labels, null);
        }
        var targets = new float[n * net.OutputSize];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < net.OutputSize; j++)
            {
                targets[i * net.OutputSize + j] = net.Loss switch
                {
                    Loss.CategoricalCrossentropy => j == i % net.OutputSize ? 1f : 0f,
                    Loss.BinaryCrossentropy => random.NextFloat(),
                    _ => (float)random.NextGaussian(),
                };
            }
        }
        return (null, targets);
    }

    /// <summary>
    /// A plain-SGD step updates the dense kernels without storing their gradients; <see cref="INetwork.Gradients"/>
    /// computes them from the step's saved inputs when it is read — also after the caller reused the input buffer, after
    /// a forward pass on a larger batch (the workspace is reallocated: the gradients are computed before), after a
    /// ComputeLoss, and after a second step nobody read the first one of. Every time, bit for bit what a step that
    /// stores them (ComputeGradients on the same weights and batch) leaves.
    /// </summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void Deferred_gradients_of_a_fused_step_are_the_stored_ones(string name, Func<INetwork> create)
    {
        foreach (string access in new[] { "read at once", "after a larger forward", "after ComputeLoss", "after a second step" })
        {
            INetwork fused = create(), reference = create();
            const int n = 6;
            var random = new SeededRandom(7, name.Length);
            int steps = access == "after a second step" ? 2 : 1;
            for (int step = 0; step < steps; step++)
            {
                float[] x = new float[n * fused.InputSize];
                for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
                (int[]? labels, float[]? targets) = Targets(fused, name, n, random);
                // The reference: the gradients stored at the weights before the step, then the same update.
                if (labels is not null) reference.ComputeGradients(x, labels, n);
                else reference.ComputeGradients(x, targets, n);
                float[] expected = reference.Gradients.ToArray();
                new Sgd(0.05).Apply(reference.Parameters, reference.Gradients, reference.Variables);

                var sgd = new Sgd(0.05);
                Assert.True(sgd.TryGetFusedUpdateRate(fused.Parameters.Length, out _));
                if (labels is not null) fused.TrainStep(x, labels, n, sgd);
                else fused.TrainStep(x, targets, n, sgd);
                if (step < steps - 1) continue;

                Array.Fill(x, float.NaN); // the caller's buffer, reused
                if (access == "after a larger forward") fused.Forward(new float[3 * n * fused.InputSize], new float[3 * n * fused.OutputSize], 3 * n);
                if (access == "after ComputeLoss")
                {
                    var y = new float[n * fused.OutputSize];
                    if (labels is not null) fused.ComputeLoss(new float[n * fused.InputSize], labels, n, y);
                    else fused.ComputeLoss(new float[n * fused.InputSize], targets, n, y);
                }
                Assert.True(expected.AsSpan().SequenceEqual(fused.Gradients), $"{name}, {access}: the gradients differ");
                Assert.True(reference.Parameters.SequenceEqual(fused.Parameters), $"{name}, {access}: the weights differ");
            }
        }
    }

    /// <summary>
    /// The gradients of a batch depend on the weights and the batch only: computing them again — after a step on
    /// another batch, whose gradients the buffer still holds — gives the same values bit for bit. (BatchNorm's γ and β
    /// gradients were added to whatever the buffer held, so every step's were summed since the network was created.)
    /// </summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void Gradients_do_not_depend_on_earlier_steps(string name, Func<INetwork> create)
    {
        INetwork net = create(), fresh = create();
        const int n = 5;
        var random = new SeededRandom(11, name.Length);
        float[] other = new float[n * net.InputSize], x = new float[n * net.InputSize];
        for (int i = 0; i < x.Length; i++) { other[i] = (float)random.NextGaussian(); x[i] = (float)random.NextGaussian(); }
        (int[]? otherLabels, float[]? otherTargets) = Targets(net, name, n, random);
        (int[]? labels, float[]? targets) = Targets(net, name, n, random);
        // A step with a stateless optimizer whose update is not fused (the gradients stay in the buffer), then the
        // weights and statistics copied into a fresh twin.
        var sgd = new Sgd(0.01) { ClipValue = 1e30 };
        if (otherLabels is not null) net.TrainStep(other, otherLabels, n, sgd);
        else net.TrainStep(other, otherTargets, n, sgd);
        net.Parameters.CopyTo(fresh.Parameters);
        net.State.CopyTo(fresh.State);
        // The same dropout masks and RReLU slopes for both.
        net.ReseedTraining(3);
        fresh.ReseedTraining(3);
        if (labels is not null) { net.ComputeGradients(x, labels, n); fresh.ComputeGradients(x, labels, n); }
        else { net.ComputeGradients(x, targets, n); fresh.ComputeGradients(x, targets, n); }
        Assert.True(fresh.Gradients.SequenceEqual(net.Gradients), $"{name}: the gradients depend on the step before");
    }

    /// <summary>
    /// A fused step on a network whose input normalization shares its dense layer's product, the normalization or the
    /// dense layer frozen or unfrozen before the step's gradients are read: they are those of the step, as a twin that
    /// stored them during the same step has them, bit for bit.
    /// </summary>
    [Theory]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    public void Deferred_gradients_follow_the_step_not_later_freezing(bool normalizationTrainable, bool denseTrainable, bool toggleNormalization)
    {
        var fused = new GradInputBatchNormFrozenDense(3);
        var reference = new GradInputBatchNormFrozenDense(3);
        const int n = 7;
        var random = new SeededRandom(17);
        float[] x = new float[n * GradInputBatchNormFrozenDense.InputSize];
        int[] labels = new int[n];
        void NextBatch()
        {
            for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
            for (int i = 0; i < n; i++) labels[i] = random.NextInt(GradInputBatchNormFrozenDense.OutputSize);
        }
        // A fused step with the other setting of the normalization first (its path leaves its own mark), then the
        // twin takes the weights and statistics.
        fused.Layers.BatchNormalization.Trainable = !normalizationTrainable;
        fused.Layers.Dense.Trainable = true;
        NextBatch();
        fused.TrainStep(x, labels, n, new Sgd(0.05));
        fused.Parameters.CopyTo(reference.Parameters);
        fused.State.CopyTo(reference.State);
        foreach (var net in new[] { fused, reference })
        {
            net.Layers.BatchNormalization.Trainable = normalizationTrainable;
            net.Layers.Dense.Trainable = denseTrainable;
        }
        NextBatch();
        reference.ComputeGradients(x, labels, n);
        float[] expected = reference.Gradients.ToArray();

        fused.TrainStep(x, labels, n, new Sgd(0.05));
        if (toggleNormalization) fused.Layers.BatchNormalization.Trainable = !normalizationTrainable;
        else fused.Layers.Dense.Trainable = !denseTrainable;
        float[] actual = fused.Gradients.ToArray();
        // The dense kernel's gradient (deferred by the fused step) is the stored one.
        ParameterVariable kernel = System.Linq.Enumerable.Single(fused.Variables.ToArray(), v => v.LayerIndex == 1 && v.Kind == VariableKind.Kernel);
        Assert.True(expected.AsSpan(kernel.Offset, kernel.Length).SequenceEqual(actual.AsSpan(kernel.Offset, kernel.Length)));
    }

    [Fact]
    public void Frozen_batch_norm_gets_no_gradient_update_and_runs_in_inference_mode()
    {
        var net = new GradFrozenBatchNorm(3);
        float[] mean = net.Layers.BatchNormalization.MovingMean.ToArray();
        float[] gamma = net.Layers.BatchNormalization.Gamma.ToArray();
        float[] x = new float[4 * 6];
        for (int i = 0; i < x.Length; i++) x[i] = i * 0.1f - 1f;
        net.TrainStep(x, new[] { 0, 1, 2, 3 }, 4, new Sgd(0.1));
        Assert.Equal(mean, net.Layers.BatchNormalization.MovingMean.ToArray());
        Assert.Equal(gamma, net.Layers.BatchNormalization.Gamma.ToArray());
        Assert.Equal(6 * 5 + 5 + 4 * 5 + 4, ((INetwork)net).TrainableParameterCount);
    }
}
