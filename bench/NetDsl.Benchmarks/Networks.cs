using NetDsl;

namespace NetDsl.Benchmarks;

/// <summary>W1: the 300-100-10 ReLU MLP (266,610 weights).</summary>
[Network(28, 28)]
[Flatten]
[Dense(300, Activation.Relu, Init = Init.HeNormal)]
[Dense(100, Activation.Relu, Init = Init.HeNormal)]
[Dense(10, Activation.Softmax)]
public partial class W1Mlp { }

/// <summary>W2: the notebook's BatchNorm network.</summary>
[Network(28, 28)]
[Flatten]
[BatchNorm]
[Dense(300, Activation.Relu, Init = Init.HeNormal)]
[BatchNorm]
[Dense(100, Activation.Relu, Init = Init.HeNormal)]
[BatchNorm]
[Dense(10, Activation.Softmax)]
public partial class W2BatchNorm { }
