using NetDsl;

namespace NetDsl.Integration.Tests;

// The chapter's networks, as a user declares them.

[Network(28, 28)]
[Flatten]
[BatchNorm]
[Dense(300, Activation.Relu, Init = Init.HeNormal)]
[BatchNorm]
[Dense(100, Activation.Relu, Init = Init.HeNormal)]
[BatchNorm]
[Dense(10, Activation.Softmax)]
public partial class FashionBn { }

// BatchNorm before the activation, with the redundant biases removed.
[Network(28, 28)]
[Flatten]
[BatchNorm]
[Dense(300, UseBias = false, Init = Init.HeNormal)]
[BatchNorm]
[Relu]
[Dense(100, UseBias = false, Init = Init.HeNormal)]
[BatchNorm]
[Relu]
[Dense(10, Activation.Softmax)]
public partial class FashionBnNoBias { }

[Network(28, 28)]
[Flatten]
[Dense(300, Activation.Relu, Init = Init.HeNormal)]
[Dense(100, Activation.Relu, Init = Init.HeNormal)]
[Dense(10, Activation.Softmax)]
public partial class FashionMlp { }

[Network(28, 28)]
[Flatten]
[Dense(300, Init = Init.HeNormal)]
[LeakyRelu(0.2)]
[Dense(100, Init = Init.HeNormal)]
[LeakyRelu(0.2)]
[Dense(10, Activation.Softmax)]
public partial class FashionLeaky { }

// Model B of the transfer-learning section: SELU stack with a sigmoid output for a binary task.
[Network(28, 28, Loss = Loss.BinaryCrossentropy)]
[Flatten]
[Dense(300, Activation.Selu, Init = Init.LecunNormal)]
[Dense(100, Activation.Selu, Init = Init.LecunNormal)]
[Dense(50, Activation.Selu, Init = Init.LecunNormal)]
[Dense(50, Activation.Selu, Init = Init.LecunNormal)]
[Dense(50, Activation.Selu, Init = Init.LecunNormal)]
[Dense(1, Activation.Sigmoid)]
public partial class ModelB { }

// The notebook's RegularizedDense (functools.partial): ELU, He normal, l2(0.01), output overriding the activation.
[Network(28, 28)]
[DenseDefaults(Activation = Activation.Elu, Init = Init.HeNormal, L2 = 0.01)]
[Flatten]
[Dense(300)]
[Dense(100)]
[Dense(10, Activation.Softmax, Init = Init.GlorotUniform)]
public partial class RegularizedNet { }

// The notebook's dropout network: Dropout(0.2) after Flatten and before each Dense.
[Network(28, 28)]
[Flatten]
[Dropout(0.2)]
[Dense(300, Activation.Elu, Init = Init.HeNormal)]
[Dropout(0.2)]
[Dense(100, Activation.Elu, Init = Init.HeNormal)]
[Dropout(0.2)]
[Dense(10, Activation.Softmax)]
public partial class FashionDropout { }

// The MC-dropout network of the notebook: SELU with AlphaDropout.
[Network(28, 28)]
[Flatten]
[AlphaDropout(0.2)]
[Dense(300, Activation.Selu, Init = Init.LecunNormal)]
[AlphaDropout(0.2)]
[Dense(100, Activation.Selu, Init = Init.LecunNormal)]
[AlphaDropout(0.2)]
[Dense(10, Activation.Softmax)]
public partial class FashionAlphaDropout { }

// MaxNormDense: SELU, LeCun normal, max_norm(1).
[Network(28, 28)]
[DenseDefaults(Activation = Activation.Selu, Init = Init.LecunNormal, MaxNorm = 1.0)]
[Flatten]
[Dense(300)]
[Dense(100)]
[Dense(10, Activation.Softmax, MaxNorm = 0)]
public partial class FashionMaxNorm { }

// The wide & deep model of chapter 10, as the chapter reuses it: Concatenate([input_, hidden2]).
[Network(8, Loss = Loss.MeanSquaredError)]
[Dense(30, Activation.Relu)]
[Dense(30, Activation.Relu)]
[Concat("input")]
[Dense(1)]
public partial class WideAndDeep { }

// A residual block.
[Network(8)]
[Dense(16, Activation.Elu, Init = Init.HeNormal, Name = "stem")]
[Dense(16, Activation.Elu, Init = Init.HeNormal)]
[Dense(16, Activation.Elu, Init = Init.HeNormal)]
[Add("stem")]
[Dense(3, Activation.Softmax)]
public partial class Residual { }

// Model A of the transfer-learning section (8 classes) and model B reusing its lower layers (binary).
[Network(28, 28)]
[Flatten]
[Dense(300, Activation.Selu, Init = Init.LecunNormal)]
[BatchNorm]
[Dense(100, Activation.Selu, Init = Init.LecunNormal)]
[Dense(8, Activation.Softmax)]
public partial class SmallA { }

[Network(28, 28, Loss = Loss.BinaryCrossentropy)]
[Flatten]
[Dense(300, Activation.Selu, Init = Init.LecunNormal)]
[BatchNorm]
[Dense(100, Activation.Selu, Init = Init.LecunNormal)]
[Dense(1, Activation.Sigmoid)]
public partial class SmallB { }

// Only the first kernel regularized: the others are updated inside their gradient products by a plain SGD step,
// the first through the optimizer after its L2 term is added.
[Network(28, 28)]
[Flatten]
[Dense(300, Activation.Relu, Init = Init.HeNormal, L2 = 0.01)]
[Dense(100, Activation.Relu, Init = Init.HeNormal)]
[Dense(10, Activation.Softmax)]
public partial class MixedRegularized { }
