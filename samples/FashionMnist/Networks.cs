using NetDsl;

namespace NetDsl.Samples.FashionMnist;

/// <summary>The chapter's BatchNorm network: BN after Flatten and after each hidden Dense.</summary>
[Network(28, 28)]
[Flatten]
[BatchNorm]
[Dense(300, Activation.Relu, Init = Init.HeNormal)]
[BatchNorm]
[Dense(100, Activation.Relu, Init = Init.HeNormal)]
[BatchNorm]
[Dense(10, Activation.Softmax)]
public partial class FashionBn { }

/// <summary>The plain 300-100-10 ReLU MLP.</summary>
[Network(28, 28)]
[Flatten]
[Dense(300, Activation.Relu, Init = Init.HeNormal)]
[Dense(100, Activation.Relu, Init = Init.HeNormal)]
[Dense(10, Activation.Softmax)]
public partial class FashionMlp { }
