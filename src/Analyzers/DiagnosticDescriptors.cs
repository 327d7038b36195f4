using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Analyzers;

/// <summary>Every NDSL diagnostic. IDs are part of NetDsl's contract: never reuse one.</summary>
internal static class DiagnosticDescriptors
{
    public const string DeclarationCategory = "NetDsl.Declaration";
    public const string ConfigurationCategory = "NetDsl.Configuration";

    /// <summary>The docs page of <paramref name="id"/>.</summary>
    public static string HelpLink(string id) => $"https://github.com/netdsl/netdsl/blob/main/docs/diagnostics/{id}.md";

    private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
        new(id, title, message, DeclarationCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpLink(id));

    /// <summary>NDSL0001: "'{0}' cannot be a network: {1}".</summary>
    public static readonly DiagnosticDescriptor NotPartial = Error(DiagnosticIds.NotPartial,
        "Network class must be a top-level, non-generic partial class",
        "'{0}' cannot be a network: {1}",
        "The generator extends a [Network] class with a partial declaration, so the class must be 'partial', not nested, not generic, not static and not a record.");

    /// <summary>NDSL0002: "{0}: {1}".</summary>
    public static readonly DiagnosticDescriptor InvalidArgument = Error(DiagnosticIds.InvalidArgument,
        "Invalid layer argument",
        "{0}: {1}",
        "A layer or network argument is out of range: units must be positive, rates in [0, 1), regularization factors and max-norm ≥ 0, names unique identifiers, the input shape non-empty.");

    /// <summary>NDSL0003: "{0} refers to '{1}': {2}".</summary>
    public static readonly DiagnosticDescriptor UnknownLayerReference = Error(DiagnosticIds.UnknownLayerReference,
        "Unknown layer name",
        "{0} refers to '{1}': {2}",
        "[Add] and [Concat] combine the current output with the output of an earlier layer, named by its Name (or Keras default name), or \"input\".");

    /// <summary>NDSL0004: "{0}: {1}".</summary>
    public static readonly DiagnosticDescriptor ShapeMismatch = Error(DiagnosticIds.ShapeMismatch,
        "Shape mismatch",
        "{0}: {1}",
        "Dense, BatchNorm, Add and Concat need flat inputs (add [Flatten]); Add needs equal widths; the output must be flat.");

    /// <summary>NDSL0005: "'{0}' declares [{1}] on another partial declaration than [Network]: ...".</summary>
    public static readonly DiagnosticDescriptor LayersOnSeveralDeclarations = Error(DiagnosticIds.LayersOnSeveralDeclarations,
        "Network attributes on several partial declarations",
        "'{0}' declares [{1}] on another partial declaration than [Network]; put [Network] and all its layers on one declaration so that the layer order is defined",
        "Layers are applied in source order, which is defined only within one declaration: the compiler does not order attributes across partial declarations.");

    /// <summary>NDSL0006: "The loss of '{0}' does not fit its output: {1}".</summary>
    public static readonly DiagnosticDescriptor LossDoesNotFitOutput = Error(DiagnosticIds.LossDoesNotFitOutput,
        "Loss does not fit the output layer",
        "The loss of '{0}' does not fit its output: {1}",
        "Categorical cross-entropies need at least two outputs and a Softmax (or Linear, as logits) output; binary cross-entropy needs Sigmoid (or Linear) outputs.");

    private static DiagnosticDescriptor Advice(string id, DiagnosticSeverity severity, string title, string message, string description) =>
        new(id, title, message, ConfigurationCategory, severity, isEnabledByDefault: true, description, HelpLink(id));

    /// <summary>NDSL1001: "{0} uses {1} but is initialized with {2}; ...".</summary>
    public static readonly DiagnosticDescriptor SeluInitialization = Advice(DiagnosticIds.SeluInitialization, DiagnosticSeverity.Warning,
        "SELU layer should use LeCun-normal initialization",
        "{0} uses {1} but is initialized with {2}; set Init = Init.LecunNormal so that the network self-normalizes",
        "SELU self-normalizes only when every SELU layer's weights are initialized with LeCun normal initialization (variance 1/fan_in): set Init = Init.LecunNormal on the Dense.");

    /// <summary>NDSL1002: "{0} makes the SELU network '{1}' non-sequential ({2} of '{3}'); ...".</summary>
    public static readonly DiagnosticDescriptor SeluNotSequential = Advice(DiagnosticIds.SeluNotSequential, DiagnosticSeverity.Warning,
        "SELU network that is not a plain sequential stack",
        "{0} makes the SELU network '{1}' non-sequential (a {2} from '{3}'); self-normalization is only guaranteed for a plain sequential stack: remove it, or use another activation (e.g. ELU or ReLU with He initialization)",
        "Self-normalization is only guaranteed for a strictly sequential stack of dense layers: skip connections ([Add]) and concatenations ([Concat]) break it. Remove them, or switch to ELU/ReLU with He initialization (and BatchNorm).");

    /// <summary>NDSL1003: "{0} is a regular Dropout in the SELU network '{1}'; ...".</summary>
    public static readonly DiagnosticDescriptor DropoutInSeluNetwork = Advice(DiagnosticIds.DropoutInSeluNetwork, DiagnosticSeverity.Warning,
        "Dropout in a SELU network",
        "{0} is a regular Dropout in the SELU network '{1}', which breaks self-normalization; use [AlphaDropout({2})] instead",
        "Regular dropout zeroes inputs and rescales the rest, which changes the mean and variance that SELU keeps at 0 and 1. AlphaDropout preserves them: replace [Dropout(rate)] with [AlphaDropout(rate)].");

    /// <summary>NDSL1004: "{0} is an AlphaDropout, but '{1}' has no SELU activation; ...".</summary>
    public static readonly DiagnosticDescriptor AlphaDropoutWithoutSelu = Advice(DiagnosticIds.AlphaDropoutWithoutSelu, DiagnosticSeverity.Info,
        "AlphaDropout in a network without SELU",
        "{0} is an AlphaDropout, but '{1}' has no SELU activation; AlphaDropout is designed for SELU networks: use [Dropout({2})] instead",
        "AlphaDropout drops inputs to SELU's negative saturation value and rescales so that self-normalized activations keep mean 0 and variance 1; without SELU there is nothing to preserve, and regular Dropout is the usual choice.");

    /// <summary>NDSL1005: "{0} uses {1} with {2}; ...".</summary>
    public static readonly DiagnosticDescriptor ReluFamilyInitialization = Advice(DiagnosticIds.ReluFamilyInitialization, DiagnosticSeverity.Info,
        "ReLU-family activation without He initialization",
        "{0} uses {1} with {2}; He initialization is recommended for the ReLU family: set Init = Init.HeNormal",
        "Glorot and LeCun initialization keep the variance of the signal for linear, sigmoid or tanh units; ReLU, LeakyReLU, RReLU and ELU halve it, which He initialization (variance 2/fan_in) compensates: set Init = Init.HeNormal.");

    /// <summary>NDSL1006: "{0} uses {1} with {2}; ...".</summary>
    public static readonly DiagnosticDescriptor SaturatingInitialization = Advice(DiagnosticIds.SaturatingInitialization, DiagnosticSeverity.Info,
        "Sigmoid, tanh or softmax with He initialization",
        "{0} uses {1} with {2}; Glorot initialization is recommended for sigmoid, tanh and softmax: set Init = Init.GlorotUniform",
        "He initialization doubles the variance for ReLU units; for sigmoid, tanh and softmax it pushes the units towards saturation. Glorot initialization (the Dense default) is derived for them: set Init = Init.GlorotUniform.");

    /// <summary>NDSL1007: "{0} has a bias{1} but is followed directly by {2}; ...".</summary>
    public static readonly DiagnosticDescriptor BiasBeforeBatchNorm = Advice(DiagnosticIds.BiasBeforeBatchNorm, DiagnosticSeverity.Info,
        "Redundant bias before BatchNorm",
        "{0} has a bias{1} but is followed directly by {2}, which subtracts the mean and has its own offset; set UseBias = false to drop the redundant parameters",
        "A linear Dense followed directly by BatchNorm does not need a bias: BatchNorm subtracts the batch mean, which cancels it, and its β offset takes its role. Set UseBias = false.");

    /// <summary>NDSL1008: "{0} applies softmax but is not the last layer ({1} is); ...".</summary>
    public static readonly DiagnosticDescriptor SoftmaxNotLast = Advice(DiagnosticIds.SoftmaxNotLast, DiagnosticSeverity.Warning,
        "Softmax before the last layer",
        "{0} applies softmax but is not the last layer ({1} is); softmax turns the output into class probabilities and belongs on the output layer only: use another activation here",
        "Softmax makes its units compete (they sum to 1), which squashes a hidden layer's signal and gradients; it belongs on the output layer of a classifier. Use ReLU/ELU/SELU/tanh for hidden layers.");

    /// <summary>NDSL1009: "'{0}' sets both ClipValue and ClipNorm; ...".</summary>
    public static readonly DiagnosticDescriptor ClipValueAndClipNorm = Advice(DiagnosticIds.ClipValueAndClipNorm, DiagnosticSeverity.Warning,
        "Optimizer with both ClipValue and ClipNorm",
        "This {0} sets both ClipValue and ClipNorm; both are applied (first by value, which can change the gradient's direction, then by norm): keep one, usually ClipNorm",
        "Clipping by value clips each gradient element and can change the gradient's direction; clipping by norm rescales and keeps it. Setting both applies both, one after the other, which is rarely intended: keep one of them (ClipNorm keeps the direction).");

    /// <summary>NDSL1010: "{0} is a SELU layer with {1}; ...".</summary>
    public static readonly DiagnosticDescriptor SeluRegularization = Advice(DiagnosticIds.SeluRegularization, DiagnosticSeverity.Warning,
        "L1/L2 regularization in a SELU network",
        "{0} is a SELU layer with {1}; L1/L2 regularization breaks self-normalization: remove it, and regularize with [AlphaDropout] instead",
        "Self-normalization needs the weights of each SELU layer to keep a mean near 0 and a squared norm near 1 (LeCun initialization); L1/L2 penalties pull them steadily towards 0. Remove L1/L2 from SELU layers and regularize with AlphaDropout.");

    /// <summary>NDSL1011: "{0} is a SELU layer with {1}; ...".</summary>
    public static readonly DiagnosticDescriptor SeluMaxNorm = Advice(DiagnosticIds.SeluMaxNorm, DiagnosticSeverity.Info,
        "Max-norm in a SELU network",
        "{0} is a SELU layer with {1}; self-normalization is no longer guaranteed under a max-norm constraint: remove it if the network trains badly, and regularize with [AlphaDropout]",
        "The chapter lists max-norm among the techniques that void SELU's self-normalization guarantee, although its notebook combines max_norm(1.) with SELU and LeCun normal initialization (whose weights have a norm near 1). Remove MaxNorm if deep SELU stacks stop converging.");

    /// <summary>NDSL1012: "Nadam does not take Decay; ...".</summary>
    public static readonly DiagnosticDescriptor NadamDecay = Advice(DiagnosticIds.NadamDecay, DiagnosticSeverity.Warning,
        "Decay set on Nadam",
        "Nadam has no learning-rate decay (Keras's legacy Nadam reads 'decay' as its momentum schedule's decay), and setting Decay throws NotSupportedException: pass scheduleDecay to the constructor, or use another optimizer for power scheduling",
        "Keras's legacy Nadam hijacks the decay argument for its momentum schedule (schedule_decay) and applies no learning-rate decay; NetDsl's Nadam exposes that as the scheduleDecay constructor parameter and rejects Decay.");

    /// <summary>NDSL1013: "This {0} sets both ClipNorm and GlobalClipNorm; ...".</summary>
    public static readonly DiagnosticDescriptor ClipNormAndGlobalClipNorm = Advice(DiagnosticIds.ClipNormAndGlobalClipNorm, DiagnosticSeverity.Warning,
        "Optimizer with both ClipNorm and GlobalClipNorm",
        "This {0} sets both ClipNorm and GlobalClipNorm, which Keras rejects (NetDsl applies both, per variable then globally); keep one: ClipNorm clips each variable's gradient, GlobalClipNorm all of them together",
        "Keras raises an error when an optimizer is given both clipnorm and global_clipnorm. ClipNorm rescales each variable's gradient separately; GlobalClipNorm rescales all gradients by one factor. Choose one.");

    /// <summary>NDSL1014: "This Fit continues training '{0}' with a LearningRateScheduler but no initialEpoch; ...".</summary>
    public static readonly DiagnosticDescriptor RefitWithoutInitialEpoch = Advice(DiagnosticIds.RefitWithoutInitialEpoch, DiagnosticSeverity.Warning,
        "Training continued with an epoch-based schedule but no initialEpoch",
        "This Fit continues training '{0}' (already fitted on line {1}) with a LearningRateScheduler but no initialEpoch, so the schedule starts again at epoch 0; pass initialEpoch: the number of epochs already run",
        "A LearningRateScheduler computes the rate from the epoch index, which Fit starts at initialEpoch (0 by default). When a second Fit call continues training a model, pass initialEpoch: the epochs already done, or the schedule restarts from its first epoch.");

    /// <summary>Descriptors by ID, for reporting the parser's findings.</summary>
    public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = new Dictionary<string, DiagnosticDescriptor>
    {
        [NotPartial.Id] = NotPartial,
        [InvalidArgument.Id] = InvalidArgument,
        [UnknownLayerReference.Id] = UnknownLayerReference,
        [ShapeMismatch.Id] = ShapeMismatch,
        [LayersOnSeveralDeclarations.Id] = LayersOnSeveralDeclarations,
        [LossDoesNotFitOutput.Id] = LossDoesNotFitOutput,
        [SeluInitialization.Id] = SeluInitialization,
        [SeluNotSequential.Id] = SeluNotSequential,
        [DropoutInSeluNetwork.Id] = DropoutInSeluNetwork,
        [AlphaDropoutWithoutSelu.Id] = AlphaDropoutWithoutSelu,
        [ReluFamilyInitialization.Id] = ReluFamilyInitialization,
        [SaturatingInitialization.Id] = SaturatingInitialization,
        [BiasBeforeBatchNorm.Id] = BiasBeforeBatchNorm,
        [SoftmaxNotLast.Id] = SoftmaxNotLast,
        [ClipValueAndClipNorm.Id] = ClipValueAndClipNorm,
        [SeluRegularization.Id] = SeluRegularization,
        [SeluMaxNorm.Id] = SeluMaxNorm,
        [NadamDecay.Id] = NadamDecay,
        [ClipNormAndGlobalClipNorm.Id] = ClipNormAndGlobalClipNorm,
        [RefitWithoutInitialEpoch.Id] = RefitWithoutInitialEpoch,
    };
}
