namespace SENet.Contracts.Workers;

/// <summary>A worker's grain key: the silo's parsable address and the device, e.g. <c>127.0.0.1:11111@154813979|cuda:0</c>.</summary>
public static class WorkerKey
{
    private const char Separator = '|';

    public static string Format(string siloAddress, string device) => $"{siloAddress}{Separator}{device}";

    public static (string Silo, string Device) Parse(string key)
    {
        var split = key.LastIndexOf(Separator);
        if (split <= 0 || split == key.Length - 1)
        {
            throw new FormatException($"'{key}' is not a worker key (silo address|device).");
        }

        return (key[..split], key[(split + 1)..]);
    }
}
