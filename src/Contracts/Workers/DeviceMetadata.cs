namespace SENet.Contracts.Workers;

/// <summary>The silo metadata key under which each silo advertises its devices (comma-separated, e.g. <c>cuda:0,cuda:1</c>).</summary>
public static class DeviceMetadata
{
    public const string Key = "senet.devices";

    public static IReadOnlyList<string> Parse(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
