using System.CommandLine;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Storage;

namespace SENet.Client.Cluster;

/// <summary>
/// Finds a finished job's outputs from what a user types: an output folder (local, or a blob prefix read with this
/// client's own credentials), a report.json inside one, or a job id of the cluster (connected to only when one is
/// named, once for all of them).
/// </summary>
public sealed class JobOutputs(ClusterOptions cluster, ParseResult parse, CancellationToken cancellationToken) : IAsyncDisposable
{
    private ClusterConnection? _connection;

    public static bool IsFolder(string reference) =>
        StorageLocation.LooksLikeBlob(reference) || Directory.Exists(reference) || (File.Exists(reference) && Path.GetFileName(reference) == "report.json");

    public async Task<IOutputStore> OpenAsync(string reference)
    {
        if (StorageLocation.LooksLikeBlob(reference))
        {
            return OutputStores.Open(reference, CliStorage.FromEnvironment());
        }

        if (Directory.Exists(reference))
        {
            return OutputStores.Open(Path.GetFullPath(reference), CliStorage.FromEnvironment());
        }

        if (File.Exists(reference) && Path.GetFileName(reference) == "report.json")
        {
            return OutputStores.Open(Path.GetDirectoryName(Path.GetFullPath(reference))!, CliStorage.FromEnvironment());
        }

        var results = await (await GrainsAsync()).GetGrain<IEvaluationJobGrain>(reference).GetResultsAsync()
            ?? throw new ArgumentException($"'{reference}' is neither an output folder here nor a finished job of the cluster ('senet status {reference}' says why; 'senet jobs' lists the jobs).");
        // The cluster never tells a client a location's SAS: a blob output is read with this client's own credentials.
        var location = StorageLocation.LooksLikeBlob(results.OutputFolder) ? results.OutputFolder.Split('?')[0] : results.OutputFolder;
        return OutputStores.Open(location, CliStorage.FromEnvironment());
    }

    /// <summary>Every job the cluster's registry lists.</summary>
    public async Task<IReadOnlyList<string>> AllJobsAsync() =>
        (await (await GrainsAsync()).GetGrain<IJobRegistryGrain>(0).ListAsync()).Select(j => j.JobId).ToList();

    private async Task<IGrainFactory> GrainsAsync()
    {
        _connection ??= await cluster.ConnectAsync(parse, cancellationToken);
        return _connection.Grains;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
