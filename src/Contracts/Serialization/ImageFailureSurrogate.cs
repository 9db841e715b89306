namespace SENet.Contracts.Serialization;

/// <summary>The wire form of the engine's <see cref="Evaluation.Metrics.ImageFailure"/>.</summary>
[GenerateSerializer, Alias("senet.ImageFailure")]
public struct ImageFailureSurrogate
{
    [Id(0)] public string ImageId;
    [Id(1)] public string Stage;
    [Id(2)] public string Reason;
}
