using SENet.Evaluation.Imaging;

namespace SENet.Contracts.Serialization;

[RegisterConverter]
public sealed class ViewSpecConverter : IConverter<ViewSpec, ViewSpecSurrogate>
{
    public ViewSpec ConvertFromSurrogate(in ViewSpecSurrogate surrogate) => new(surrogate.View, surrogate.CropSize, surrogate.CropPct);

    public ViewSpecSurrogate ConvertToSurrogate(in ViewSpec value) => new() { View = value.View, CropSize = value.CropSize, CropPct = value.CropPct };
}
