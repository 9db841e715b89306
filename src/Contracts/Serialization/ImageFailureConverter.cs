using SENet.Evaluation.Metrics;

namespace SENet.Contracts.Serialization;

[RegisterConverter]
public sealed class ImageFailureConverter : IConverter<ImageFailure, ImageFailureSurrogate>
{
    public ImageFailure ConvertFromSurrogate(in ImageFailureSurrogate surrogate) => new(surrogate.ImageId, surrogate.Stage, surrogate.Reason);

    public ImageFailureSurrogate ConvertToSurrogate(in ImageFailure value) =>
        new() { ImageId = value.ImageId, Stage = value.Stage, Reason = value.Reason };
}
