namespace SENet.Client.Cluster;

public static class JobIds
{
    public static string New() => $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
}
