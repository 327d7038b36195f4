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
}
