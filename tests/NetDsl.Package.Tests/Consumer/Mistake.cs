using NetDsl;

namespace Consumer;

// A SELU network with He initialization: NDSL1001 (SELU self-normalizes only with LeCun normal).
[Network(8)]
[Dense(16, Activation.Selu, Init = Init.HeNormal)]
[Dense(3, Activation.Softmax)]
internal sealed partial class Mistaken;
