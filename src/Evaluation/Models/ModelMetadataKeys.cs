namespace SENet.Evaluation.Models;

/// <summary>Keys of the ONNX metadata_props that the builder writes and <see cref="ModelInspector"/> reads back.</summary>
public static class ModelMetadataKeys
{
    public const string Architecture = "senet.architecture";
    public const string Layout = "senet.layout";
    public const string ReductionRatio = "senet.reduction_ratio";
    public const string Classes = "senet.classes";
    public const string InputSize = "senet.input_size";
    public const string Seed = "senet.seed";
    public const string Precision = "senet.precision";
    public const string Parameters = "senet.parameters";
    public const string MultiplyAccumulates = "senet.macs";
    public const string Provenance = "senet.provenance";
}
