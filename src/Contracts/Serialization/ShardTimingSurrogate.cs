namespace SENet.Contracts.Serialization;

/// <summary>The storage form of the engine's <see cref="Evaluation.Metrics.ShardTiming"/>.</summary>
[GenerateSerializer, Alias("senet.ShardTiming")]
public struct ShardTimingSurrogate
{
    [Id(0)] public string Device;
    [Id(1)] public string Worker;
    [Id(2)] public double StartSeconds;
    [Id(3)] public double EndSeconds;
    [Id(4)] public long Images;
}
