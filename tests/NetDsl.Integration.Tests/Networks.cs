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
