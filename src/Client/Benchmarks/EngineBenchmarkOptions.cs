namespace SENet.Client.Benchmarks;

/// <summary>What <c>senet bench</c> measures and for how long.</summary>
/// <param name="Streams">Sessions run at once on the device; 0 is 2 on a GPU and 1 on the CPU.</param>
/// <param name="FindBatch">Search the batch size with the most images/s that fits the device (doubling from 1 up to <paramref name="MaxBatch"/>).</param>
/// <param name="Fp16">Also build the float16 variant and measure its speed and how far its rankings move from float32.</param>
/// <param name="JsonPath">Where to write the figures as JSON (<see cref="BenchmarkRecord"/>) besides the printed table; null writes none.</param>
public sealed record EngineBenchmarkOptions(
    int Images = 64,
    double Seconds = 3,
    string Architecture = "seresnet50",
    string Device = "auto",
    int Threads = 0,
    int EndToEndImages = 128,
    IReadOnlyList<int>? BatchSizeList = null,
    int Streams = 0,
    bool FindBatch = false,
    int MaxBatch = 1024,
    bool Fp16 = false,
    string? JsonPath = null)
{
    public IReadOnlyList<int> BatchSizes => BatchSizeList ?? [1, 8, 32];
}
