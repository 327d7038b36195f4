using NetDsl;

namespace Consumer;

/// <summary>A small classifier of the consumer's own.</summary>
[Network(2, 4)]
[Flatten]
[Dense(32, Activation.Elu, Init = Init.HeNormal)]
[BatchNorm]
[Dense(16, Activation.Relu, Init = Init.HeNormal)]
[Dropout(0.1)]
[Dense(3, Activation.Softmax)]
internal sealed partial class Blobs;

#pragma warning disable CA1515 // public on purpose: the generated public members must carry XML documentation (CS1591)
/// <summary>A public regression network with a skip connection.</summary>
[Network(8, Loss = Loss.MeanSquaredError)]
[Dense(16, Activation.Elu, Init = Init.HeNormal, Name = "hidden")]
[Dense(16, Activation.Elu, Init = Init.HeNormal)]
[Add("hidden")]
[Dense(1)]
public partial class Regressor;
#pragma warning restore CA1515
