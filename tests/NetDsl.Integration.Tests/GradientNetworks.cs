// These networks exist to have every layer, activation and loss checked against finite differences; some are
// deliberately unusual (a hidden softmax, dropout in a SELU stack), so the advice the analyzers give is switched off.
#pragma warning disable NDSL1001, NDSL1003, NDSL1005, NDSL1006, NDSL1008
using NetDsl;

namespace NetDsl.Integration.Tests;

// Small networks whose every backward pass is checked against finite differences.

[Network(6)] [Dense(5, Activation.Tanh)] [Dense(4, Activation.Softmax)]
public partial class GradSoftmax { }

[Network(6)] [Dense(5, Activation.Relu, Init = Init.HeNormal)] [Dense(4, Activation.Softmax)]
public partial class GradRelu { }

[Network(6)] [Dense(5, Activation.LeakyRelu, Alpha = 0.2)] [Dense(4, Activation.Softmax)]
public partial class GradLeakyRelu { }

[Network(6)] [Dense(5, Activation.RRelu)] [Dense(4, Activation.Softmax)]
public partial class GradRRelu { }

[Network(6)] [Dense(5, Activation.Elu)] [Dense(4, Activation.Softmax)]
public partial class GradElu { }

[Network(6)] [Dense(5, Activation.Elu, Alpha = 0.5)] [Dense(4, Activation.Softmax)]
public partial class GradEluAlpha { }

[Network(6)] [Dense(5, Activation.Selu, Init = Init.LecunNormal)] [Dense(4, Activation.Softmax)]
public partial class GradSelu { }

[Network(6)] [Dense(5, Activation.Sigmoid)] [Dense(4, Activation.Softmax)]
public partial class GradSigmoid { }

[Network(6)] [Dense(5, Activation.Softmax)] [Dense(4, Activation.Softmax)]
public partial class GradHiddenSoftmax { }

[Network(6)] [Dense(5)] [Dense(4, Activation.Softmax)]
public partial class GradLinear { }

[Network(6)] [Dense(5)] [Relu] [Dense(5)] [LeakyRelu(0.3)] [Dense(5)] [Elu(0.7)] [Dense(5)] [Selu] [Dense(4, Activation.Softmax)]
public partial class GradActivationLayers1 { }

[Network(6)] [Dense(5)] [Sigmoid] [Dense(5)] [Tanh] [Dense(5)] [Softmax] [Dense(5)] [RRelu(0.1, 0.3)] [Dense(4)] [Softmax]
public partial class GradActivationLayers2 { }

[Network(2, 3)] [Flatten] [BatchNorm] [Dense(5, Activation.Relu)] [BatchNorm(Momentum = 0.9)] [Dense(4, Activation.Softmax)]
public partial class GradBatchNorm { }

[Network(6)] [Dense(5, UseBias = false)] [BatchNorm(Center = false)] [Elu] [Dense(5)] [BatchNorm(Scale = false)] [Dense(4, Activation.Softmax)]
public partial class GradBatchNormVariants { }

[Network(6)] [Dense(5, Activation.Tanh)] [BatchNorm(Trainable = false)] [Dense(4, Activation.Softmax)]
public partial class GradFrozenBatchNorm { }

// A normalization of the input and the dense layer after it share one product (Kernels.BatchNormDenseBackward): without
// γ (and the dense layer without bias), before a regularized dense layer, before a frozen one, frozen itself, and read
// by two layers (then each has its own backward pass).
[Network(6)] [BatchNorm(Scale = false)] [Dense(5, Activation.Tanh, UseBias = false)] [Dense(4, Activation.Softmax)]
public partial class GradInputBatchNormNoScale { }

[Network(2, 3)] [Flatten] [BatchNorm(Center = false)] [Dense(5, Activation.Elu, L2 = 0.01)] [Dense(4, Activation.Softmax)]
public partial class GradInputBatchNormRegularized { }

[Network(6)] [BatchNorm] [Dense(5, Activation.Tanh, Trainable = false)] [Dense(4, Activation.Softmax)]
public partial class GradInputBatchNormFrozenDense { }

[Network(6)] [BatchNorm(Trainable = false)] [Dense(5, Activation.Tanh)] [Dense(4, Activation.Softmax)]
public partial class GradFrozenInputBatchNorm { }

[Network(6)] [BatchNorm(Name = "norm")] [Dense(5, Activation.Tanh)] [Concat("norm")] [Dense(4, Activation.Softmax)]
public partial class GradInputBatchNormShared { }

[Network(6)] [BatchNorm] [Dense(5, Activation.RRelu)] [Dense(4, Activation.Softmax)]
public partial class GradInputBatchNormRRelu { }

[Network(6)] [BatchNorm(Momentum = 0.9)] [Dense(4, Activation.Softmax)]
public partial class GradInputBatchNormOutput { }

// No gradient for what nothing learns from: a dropout on the input, a normalization without γ and β.
[Network(6)] [Dropout(0.3)] [BatchNorm(Scale = false, Center = false)] [Dense(5, Activation.Tanh)] [Dropout(0.2)] [Dense(4, Activation.Softmax)]
public partial class GradInputDropout { }

[Network(6)] [Tanh] [Dense(5, Activation.Relu)] [Dense(4, Activation.Softmax)]
public partial class GradInputActivation { }

[Network(6)] [Dropout(0.3, Name = "dropped")] [Dense(5, Activation.Tanh)] [Concat("dropped")] [Dense(4, Activation.Softmax)]
public partial class GradConcatWithoutGradient { }

[Network(2, 3)] [Flatten] [Dropout(0.3)] [BatchNorm] [Dense(5, Activation.Tanh)] [Dense(4, Activation.Softmax)]
public partial class GradDroppedBatchNorm { }

[Network(6, Loss = Loss.CategoricalCrossentropy)] [Dense(5, Activation.Tanh)] [Dense(4, Activation.Softmax)]
public partial class GradCategorical { }

[Network(6)] [Dense(5, Activation.Tanh)] [Dense(4)]
public partial class GradLogits { }

[Network(6, Loss = Loss.BinaryCrossentropy)] [Dense(5, Activation.Tanh)] [Dense(3, Activation.Sigmoid)]
public partial class GradBinaryMulti { }

[Network(6, Loss = Loss.BinaryCrossentropy)] [Dense(5, Activation.Tanh)] [Dense(1)] [Sigmoid]
public partial class GradBinarySigmoidLayer { }

[Network(6, Loss = Loss.BinaryCrossentropy)] [Dense(5, Activation.Tanh)] [Dense(1)]
public partial class GradBinaryLogits { }

[Network(6, Loss = Loss.MeanSquaredError)] [Dense(5, Activation.Tanh)] [Dense(3)]
public partial class GradMse { }

[Network(6, Loss = Loss.MeanSquaredError)] [Dense(5, Activation.Relu)] [Dense(3, Activation.Sigmoid)]
public partial class GradMseSigmoid { }

[Network(6)] [Dense(5, Activation.Tanh, L1 = 0.01, L2 = 0.02)] [Dense(4, Activation.Softmax, L2 = 0.01)]
public partial class GradRegularized { }

[Network(6)] [Dense(5, Activation.Tanh)] [Dropout(0.3)] [Dense(5, Activation.Selu)] [AlphaDropout(0.2)] [Dense(4, Activation.Softmax)]
public partial class GradDropout { }

[Network(6)] [Dense(6, Activation.Tanh, Name = "hidden1")] [Dense(6, Activation.Tanh)] [Add("hidden1")] [Add("input")] [Dense(4, Activation.Softmax)]
public partial class GradAdd { }

[Network(6)] [Dense(5, Activation.Relu)] [Dense(4, Activation.Tanh)] [Concat("input")] [Concat("dense")] [Dense(4, Activation.Softmax)]
public partial class GradConcat { }
