using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace SENet.Cluster.Tests;

/// <summary>Listing faults by dataset location, for every silo of this process (the silos' <see cref="GatedDatasetSourceFactory"/> consults them).</summary>
public static class ListingFaults
{
    private static readonly ConcurrentDictionary<string, ListingFault> Faults = new(StringComparer.Ordinal);

    public static ListingFault Set(string location, ListingFault fault) => Faults[location] = fault;

    public static void Clear(string location) => Faults.TryRemove(location, out _);

    private static readonly ConcurrentDictionary<string, int> FolderListingCounts = new(StringComparer.Ordinal);

    /// <summary>How many times a silo of this process listed the class folders of <paramref name="location"/>.</summary>
    public static int FolderListings(string location) => FolderListingCounts.GetValueOrDefault(location);

    /// <summary>The class folders of <paramref name="listing"/>, counted for <paramref name="location"/>, and held where its fault says.</summary>
    public static async IAsyncEnumerable<string> CountFoldersAsync(string location, IAsyncEnumerable<string> listing, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        FolderListingCounts.AddOrUpdate(location, 1, (_, count) => count + 1);
        if (Faults.GetValueOrDefault(location) is { HoldFolders: true } fault)
        {
            await fault.HoldAsync(cancellationToken);
        }

        await foreach (var folder in listing.WithCancellation(cancellationToken))
        {
            yield return folder;
        }
    }

    /// <summary>The files of <paramref name="listing"/>, held or broken where a fault for <paramref name="location"/> says.</summary>
    public static async IAsyncEnumerable<string> ApplyAsync(string location, IAsyncEnumerable<string> listing, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var fault = Faults.GetValueOrDefault(location);
        var listed = 0;
        await foreach (var file in listing.WithCancellation(cancellationToken))
        {
            if (fault?.FailAfter is { } failAfter && listed == failAfter)
            {
                throw new IOException($"injected listing fault: the listing of {Path.GetFileName(location)} broke after {listed} files");
            }

            if (fault?.HoldAfter is { } holdAfter && listed == holdAfter)
            {
                await fault.HoldAsync(cancellationToken);
            }

            listed++;
            yield return file;
        }
    }
}
