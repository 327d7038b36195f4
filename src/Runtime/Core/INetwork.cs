using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>How a forward pass treats the layers that behave differently in training.</summary>
public enum ForwardMode
{
    /// <summary>Inference: dropout off, BatchNorm on its moving statistics, RReLU at its mean slope.</summary>
    Inference,
    /// <summary>Training: dropout on, BatchNorm on (and updating) batch statistics, RReLU random.</summary>
    Training,
    /// <summary>Monte Carlo dropout: dropout on, everything else as in inference.</summary>
    MonteCarlo,
}

/// <summary>
/// A network declared with NetDsl attributes. The NetDsl generator implements this interface for every
/// <c>[Network]</c> class; the runtime (<see cref="NetworkExtensions.Fit"/>, <see cref="NetworkExtensions.Evaluate"/>,
/// <see cref="NetworkExtensions.Predict(INetwork, Dataset, int)"/>, …) works through it.
/// </summary>
/// <remarks>
/// A network instance holds its activations in a workspace, so one instance must not be used from several threads at
/// once; create one instance per thread (and copy weights with <see cref="Parameters"/>) for parallel inference.
/// </remarks>
public interface INetwork
{
    /// <summary>Floats per input sample.</summary>
    int InputSize { get; }

    /// <summary>Floats per output sample.</summary>
    int OutputSize { get; }

    /// <summary>
    /// The per-sample input shape declared on <c>[Network(...)]</c> (<c>(28, 28)</c> for an image); its product is
    /// <see cref="InputSize"/>. Inputs are always passed flat, row-major.
    /// </summary>
    IReadOnlyList<int> InputShape => new[] { InputSize };

    /// <summary>Total parameters (Keras's "Total params"): weights plus non-trainable statistics.</summary>
    int ParameterCount { get; }

    /// <summary>Parameters currently trained (frozen layers excluded).</summary>
    int TrainableParameterCount { get; }

    /// <summary>Parameters not trained: BatchNorm moving statistics and the weights of frozen layers.</summary>
    int NonTrainableParameterCount { get; }

    /// <summary>The training loss declared on <c>[Network]</c>.</summary>
    Loss Loss { get; }

    /// <summary>The seed the weights were initialized from.</summary>
    int Seed { get; }

    /// <summary>Every layer, in order.</summary>
    LayerCollection Layers { get; }

    /// <summary>All weights (kernels, biases, γ, β), one contiguous buffer; layers are slices of it.</summary>
    Span<float> Parameters { get; }

    /// <summary>
    /// The gradients of the last <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/> or
    /// <see cref="TrainStep(ReadOnlySpan{float}, ReadOnlySpan{int}, int, Optimizer)"/>, same layout as <see cref="Parameters"/>.
    /// After a training step whose plain-SGD update was fused into the gradient products
    /// (<see cref="Optimizer.TryGetFusedUpdateRate"/>), the dense kernels' gradients are computed when this property is
    /// read: read it after the step (a span obtained before the step is not refreshed for those kernels).
    /// </summary>
    Span<float> Gradients { get; }

    /// <summary>Non-trainable state (BatchNorm moving means and variances), one contiguous buffer.</summary>
    Span<float> State { get; }

    /// <summary>The weight variables (kernel, bias, γ, β) with their offsets in <see cref="Parameters"/>.</summary>
    ReadOnlySpan<ParameterVariable> Variables { get; }

    /// <summary>The outputs of the last forward pass (<c>batch × OutputSize</c>): what <see cref="Forward(ReadOnlySpan{float}, Span{float}, int, bool)"/> returns.</summary>
    ReadOnlySpan<float> Output { get; }

    /// <summary>
    /// Runs the network on <paramref name="batchSize"/> samples. In training mode dropout is active and BatchNorm
    /// uses (and updates) batch statistics; in inference mode BatchNorm uses its moving statistics.
    /// </summary>
    void Forward(ReadOnlySpan<float> x, Span<float> y, int batchSize, bool training = false);

    /// <summary>
    /// Runs the network in the given <paramref name="mode"/>: <see cref="ForwardMode.MonteCarlo"/> keeps dropout active
    /// while BatchNorm uses its moving statistics (the book's <c>MCDropout</c>).
    /// </summary>
    void Forward(ReadOnlySpan<float> x, Span<float> y, int batchSize, ForwardMode mode);

    /// <summary>
    /// A canonical description of the weights' layout (layer kinds and weight shapes), the fingerprint a weight
    /// file is checked against.
    /// </summary>
    string Architecture { get; }

    /// <summary>
    /// One training step on a batch with integer labels: forward, loss (plus regularization), backward, clipping,
    /// the optimizer's update and the constraints. Returns the batch's mean loss.
    /// </summary>
    float TrainStep(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batchSize, Optimizer optimizer);

    /// <summary>One training step on a batch with float targets (<c>batch × OutputSize</c>).</summary>
    float TrainStep(ReadOnlySpan<float> x, ReadOnlySpan<float> targets, int batchSize, Optimizer optimizer);

    /// <summary>Forward in training mode and backward, leaving the gradients in <see cref="Gradients"/>; no update. Returns the loss.</summary>
    float ComputeGradients(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batchSize);

    /// <summary>Forward in training mode and backward with float targets; no update. Returns the loss.</summary>
    float ComputeGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> targets, int batchSize);

    /// <summary>Inference-mode loss (plus regularization) of a batch; the outputs are written to <paramref name="y"/>.</summary>
    float ComputeLoss(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batchSize, Span<float> y);

    /// <summary>Inference-mode loss of a batch with float targets; the outputs are written to <paramref name="y"/>.</summary>
    float ComputeLoss(ReadOnlySpan<float> x, ReadOnlySpan<float> targets, int batchSize, Span<float> y);

    /// <summary>The random generator of dropout masks and RReLU slopes (checkpoints save its state).</summary>
    SeededRandom TrainingRandom { get; }

    /// <summary>Reseeds the random generator of dropout masks and RReLU slopes.</summary>
    void ReseedTraining(int seed);

    /// <summary>Keras 2's <c>model.summary()</c> table.</summary>
    string Summary();
}
