using System.Text;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Storage;

namespace SENet.Grains.Jobs;

/// <summary>
/// An output location holds one job: a marker (<see cref="JobOutputNames.Marker"/>) created only where none exists
/// names it. Two jobs sharing a location would mix their parts (a report counting both datasets); a rerun into a
/// location would leave the earlier job's extra parts beside its own. The marker outlives the job, so a rerun is
/// refused too unless it asks to replace an ended job's outputs.
/// </summary>
public static class OutputClaim
{
    /// <summary>Claims <paramref name="outputs"/> for <paramref name="jobId"/>; throws <see cref="ArgumentException"/> naming the job that holds it.</summary>
    /// <param name="evaluationFolders">With --overwrite, the folders under the location whose outputs go too (a job of several models or views writes under OUT/&lt;model&gt;[/&lt;view&gt;]/).</param>
    public static async Task ClaimAsync(IOutputStore outputs, string jobId, bool overwrite, Func<string, Task<JobState>> stateOf, CancellationToken cancellationToken, IReadOnlyList<string>? evaluationFolders = null)
    {
        if (await HolderAsync(outputs, jobId, cancellationToken) is not { } holder)
        {
            return;
        }

        if (!overwrite)
        {
            throw new ArgumentException($"Output location '{outputs.Display}' holds job '{holder}' ({JobOutputNames.Marker} names it): two jobs writing to one location " +
                "mix their outputs. Pass another --out, or --overwrite to delete that job's outputs and replace them once it has ended.");
        }

        if (await stateOf(holder) is JobState.Running or JobState.Planning)
        {
            throw new ArgumentException($"Output location '{outputs.Display}' holds job '{holder}', which is still running: --overwrite never takes a running job's location. " +
                $"Cancel it first ('senet cancel {holder}') or pass another --out.");
        }

        // The ended job's parts go first, its marker last, so a crash in between still names it.
        foreach (var store in (evaluationFolders ?? []).Where(f => f.Length > 0).Distinct().Select(f => OutputStores.Under(outputs, f)).Prepend(outputs))
        {
            foreach (var file in JobOutputNames.Files)
            {
                await store.DeleteAsync(file, cancellationToken);
            }

            foreach (var folder in JobOutputNames.Folders)
            {
                await store.DeleteFolderAsync(folder, cancellationToken);
            }
        }

        await outputs.DeleteAsync(JobOutputNames.Marker, cancellationToken);
        if (await HolderAsync(outputs, jobId, cancellationToken) is { } taker)
        {
            throw new ArgumentException($"Output location '{outputs.Display}' was taken by job '{taker}' while job '{holder}''s outputs were deleted. Pass another --out.");
        }
    }

    /// <summary>Gives the location up (a refused job), if this job holds it.</summary>
    public static async Task ReleaseAsync(IOutputStore outputs, string jobId, CancellationToken cancellationToken)
    {
        if (Encoding.UTF8.GetString(await outputs.ReadAsync(JobOutputNames.Marker, cancellationToken)).Trim() == jobId)
        {
            await outputs.DeleteAsync(JobOutputNames.Marker, cancellationToken);
        }
    }

    /// <summary>Null when <paramref name="jobId"/> holds the location now (just claimed, or already its own); else the holder.</summary>
    private static async Task<string?> HolderAsync(IOutputStore outputs, string jobId, CancellationToken cancellationToken)
    {
        if (await outputs.TryCreateAsync(JobOutputNames.Marker, Encoding.UTF8.GetBytes(jobId), cancellationToken))
        {
            return null;
        }

        var holder = Encoding.UTF8.GetString(await outputs.ReadAsync(JobOutputNames.Marker, cancellationToken)).Trim();
        return holder == jobId ? null : holder;
    }
}
