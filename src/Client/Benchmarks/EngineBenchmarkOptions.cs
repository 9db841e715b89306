namespace SENet.Client.Benchmarks;

/// <summary>What <c>senet bench</c> measures and for how long.</summary>
public sealed record EngineBenchmarkOptions(
    int Images = 64,
    double Seconds = 3,
    string Architecture = "seresnet50",
    string Device = "auto",
    int Threads = 0,
    int EndToEndImages = 128,
    IReadOnlyList<int>? BatchSizeList = null)
{
    public IReadOnlyList<int> BatchSizes => BatchSizeList ?? [1, 8, 32];
}
