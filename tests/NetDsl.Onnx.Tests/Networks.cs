using NetDsl;

namespace NetDsl.Onnx.Tests;

// Networks covering every layer kind, activation, BatchNorm placement and output form the exporter writes. Each is
// trained a few steps on random data before it is exported (see OnnxTestSupport.Train).

// The chapter's BatchNorm network, at full size: Flatten of a 28×28 input, BatchNorm after Flatten and after each
// activation (not foldable), a softmax output.
[Network(28, 28)]
[Flatten]
[BatchNorm]
[Dense(300, Activation.Relu, Init = Init.HeNormal)]
[BatchNorm]
[Dense(100, Activation.Relu, Init = Init.HeNormal)]
[BatchNorm]
[Dense(10, Activation.Softmax)]
public partial class FashionBn { }

// BatchNorm before the activation with UseBias = false (foldable), and every center/scale combination, with a
// faster momentum so that training moves the statistics far from (0, 1).
[Network(12)]
[Dense(32, UseBias = false, Init = Init.HeNormal)]
[BatchNorm(Momentum = 0.8)]
[Relu]
[Dense(24, UseBias = false, Init = Init.HeNormal)]
[BatchNorm(Momentum = 0.8, Center = false)]
[Elu(0.5)]
[Dense(16, Init = Init.HeNormal)]
[BatchNorm(Momentum = 0.8, Scale = false)]
[LeakyRelu(0.2)]
[Dense(16)]
[BatchNorm(Momentum = 0.8, Center = false, Scale = false, Epsilon = 0.01)]
[Dense(5, Activation.Softmax)]
public partial class BnBeforeActivation { }

// A Dense activation of every kind, with the parameters of LeakyReLU and ELU set, and a linear output read as logits
// by the sparse categorical cross-entropy (Predict returns the logits).
[Network(10)]
[Dense(24, Activation.Relu, Init = Init.HeNormal)]
[Dense(24, Activation.LeakyRelu, Alpha = 0.1, Init = Init.HeNormal)]
[Dense(24, Activation.RRelu, Init = Init.HeNormal)]
[Dense(24, Activation.Elu, Alpha = 0.7, Init = Init.HeNormal)]
[Dense(24, Activation.Selu, Init = Init.LecunNormal)]
[Dense(24, Activation.Sigmoid)]
[Dense(24, Activation.Tanh)]
[Dense(24)]
[Dense(6)]
public partial class DenseActivationsLogits { }

// Every stand-alone activation layer, after linear Dense layers, with a [Softmax] layer as the output.
[Network(10)]
[Dense(32, Init = Init.HeNormal)]
[LeakyRelu(0.2)]
[Dense(32, Init = Init.HeNormal)]
[RRelu(0.1, 0.3)]
[Dense(32, Init = Init.HeNormal)]
[Elu(0.5)]
[Dense(32, Init = Init.HeNormal)]
[Relu]
[Dense(16, Init = Init.LecunNormal)]
[Selu]
[Dense(16)]
[Sigmoid]
[Dense(16)]
[Tanh]
[Dense(4)]
[Softmax]
public partial class ActivationLayers { }

// Dropout between the layers and after the (linear) output: the identity at inference.
[Network(16)]
[Dropout(0.2)]
[Dense(32, Activation.Relu, Init = Init.HeNormal)]
[Dropout(0.5)]
[Dense(16, Activation.Relu, Init = Init.HeNormal)]
[Dense(4)]
[Dropout(0.3)]
public partial class Dropouts { }

// The self-normalizing network: SELU Dense layers, a [Selu] layer, AlphaDropout, on a flattened 2-D input.
[Network(5, 6)]
[Flatten]
[AlphaDropout(0.1)]
[Dense(32, Activation.Selu, Init = Init.LecunNormal)]
[AlphaDropout(0.2)]
[Dense(32, Activation.Selu, Init = Init.LecunNormal)]
[AlphaDropout(0.2)]
[Dense(32, Init = Init.LecunNormal)]
[Selu]
[Dense(3, Activation.Softmax)]
public partial class SeluStack { }

// Activation layers on the 2-D input before Flatten (element-wise, and a per-row Softmax over the last axis).
[Network(6, 7)]
[Elu(0.5)]
[Softmax]
[Flatten]
[Dense(16, Activation.Relu, Init = Init.HeNormal)]
[Dense(4, Activation.Softmax)]
public partial class Flatten2D { }

// Skip connections: Add to an earlier layer and to the input, a linear Dense read by both a BatchNorm and an Add (so
// that BatchNorm cannot be folded), categorical cross-entropy on logits.
[Network(16, Loss = Loss.CategoricalCrossentropy)]
[Dense(16, Activation.Relu, Init = Init.HeNormal, Name = "h1")]
[Dense(16, Activation.Relu, Init = Init.HeNormal)]
[Add("h1")]
[Dense(16, Name = "h3")]
[BatchNorm(Momentum = 0.8)]
[Add("h3")]
[Add("input")]
[Dense(16, Activation.Tanh)]
[Dense(4)]
public partial class SkipAdd { }

// The book's wide & deep regression: the input concatenated with the deep path (input first), a linear output, MSE.
[Network(8, Loss = Loss.MeanSquaredError)]
[Dense(30, Activation.Relu, Init = Init.HeNormal)]
[Dense(30, Activation.Relu, Init = Init.HeNormal, Name = "hidden2")]
[Concat("input")]
[Dense(1)]
public partial class WideDeep { }

// Concat of two earlier layers, a BatchNorm after the Concat, multi-output regression.
[Network(8, Loss = Loss.MeanSquaredError)]
[Dense(12, Activation.Tanh, Name = "a")]
[Dense(10, Activation.Elu)]
[Concat("a")]
[BatchNorm(Momentum = 0.8)]
[Dense(3)]
public partial class ConcatRegression { }

// Binary classification: a sigmoid output, and linear logits read by binary cross-entropy.
[Network(10, Loss = Loss.BinaryCrossentropy)]
[Dense(16, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class BinarySigmoid { }

[Network(10, Loss = Loss.BinaryCrossentropy)]
[Dense(16, Activation.Relu, Init = Init.HeNormal)]
[BatchNorm(Momentum = 0.8)]
[Dense(1)]
public partial class BinaryLogits { }

// A small network for the tests of the file, the options and the errors.
[Network(4, 3)]
[Flatten]
[Dense(8, UseBias = false)]
[BatchNorm(Momentum = 0.5)]
[Relu]
[Dense(3, Activation.Softmax)]
public partial class Tiny { }

// Layer names that clash with the exporter's own tensor names (the output's, the probabilities').
[Network(4, Loss = Loss.BinaryCrossentropy)]
[Dense(8, Activation.Relu, Name = "output")]
[Dense(8, Activation.Relu, Name = "probabilities")]
[Dense(2, Name = "input_reshaped")]
public partial class ClashingNames { }
