using Microsoft.Extensions.Configuration;
using SENet.Evaluation.Storage;

namespace SENet.Client.Cluster;

/// <summary>
/// Storage settings for the embedded silo, from the environment as a silo reads them (<c>SENet__Storage__ConnectionString</c>,
/// <c>SENet__Storage__AccountUrl</c>): a secret on the command line would show in every process listing.
/// </summary>
public static class CliStorage
{
    public static StorageOptions FromEnvironment() =>
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
}
