namespace NetDsl.Generator.Model;

/// <summary>The NDSL diagnostic IDs (part of the public contract; never reuse one).</summary>
internal static class DiagnosticIds
{
    public const string NotPartial = "NDSL0001";
    public const string InvalidArgument = "NDSL0002";
    public const string UnknownLayerReference = "NDSL0003";
    public const string ShapeMismatch = "NDSL0004";
    public const string LayersOnSeveralDeclarations = "NDSL0005";
    public const string LossDoesNotFitOutput = "NDSL0006";

    // Advice (NDSL1001+): the network is valid and generated; the chapter recommends otherwise.
    public const string SeluInitialization = "NDSL1001";
    public const string SeluNotSequential = "NDSL1002";
    public const string DropoutInSeluNetwork = "NDSL1003";
    public const string AlphaDropoutWithoutSelu = "NDSL1004";
    public const string ReluFamilyInitialization = "NDSL1005";
    public const string SaturatingInitialization = "NDSL1006";
    public const string BiasBeforeBatchNorm = "NDSL1007";
    public const string SoftmaxNotLast = "NDSL1008";
    public const string ClipValueAndClipNorm = "NDSL1009";
    public const string SeluRegularization = "NDSL1010";
    public const string SeluMaxNorm = "NDSL1011";
    public const string NadamDecay = "NDSL1012";
    public const string ClipNormAndGlobalClipNorm = "NDSL1013";
    public const string RefitWithoutInitialEpoch = "NDSL1014";
}
