using SENet.Evaluation.Imaging;

namespace SENet.Contracts.Serialization;

/// <summary>The wire form of the engine's <see cref="ViewSpec"/>.</summary>
[GenerateSerializer, Alias("senet.ViewSpec")]
public struct ViewSpecSurrogate
{
    [Id(0)] public CropView View;
    [Id(1)] public int? CropSize;
    [Id(2)] public double? CropPct;
}
