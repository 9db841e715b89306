using SENet.Evaluation.Metrics;

namespace SENet.Contracts.Serialization;

[RegisterConverter]
public sealed class ShardTimingConverter : IConverter<ShardTiming, ShardTimingSurrogate>
{
    public ShardTiming ConvertFromSurrogate(in ShardTimingSurrogate surrogate) =>
        new(surrogate.Device, surrogate.Worker, surrogate.StartSeconds, surrogate.EndSeconds, surrogate.Images);

    public ShardTimingSurrogate ConvertToSurrogate(in ShardTiming value) => new()
    {
        Device = value.Device,
        Worker = value.Worker,
        StartSeconds = value.StartSeconds,
        EndSeconds = value.EndSeconds,
        Images = value.Images,
    };
}
