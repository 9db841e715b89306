using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace SENet.Cluster.Tests;

/// <summary>
/// Job storage that every silo of an in-process cluster shares (so a coordinator reactivated on another silo reads what
/// the dead one wrote), stored as bytes (so nothing written changes afterwards). A test can hold the job records'
/// writes (<see cref="HoldRecordWrites"/>: checkpoints and log entries, each a commit point), to kill a coordinator
/// between a change and its commit, and then drop them (<see cref="DropHeldWrites"/>) as the death of their process
/// would; or fail every partition write.
/// </summary>
public sealed class SharedJobStorage
{
    private const string RecordName = "job";
    private const string LogPrefix = "job-log-";
    private readonly ConcurrentDictionary<string, byte[]> _states = new();
    private readonly List<TaskCompletionSource> _held = [];
    private bool _holding;

    public volatile bool PartitionWritesFail;

    public int HeldWrites
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    public long BytesWritten;

    public void HoldRecordWrites()
    {
        lock (_held)
        {
            _holding = true;
        }
    }

    /// <summary>Writes held so far never reach storage; later ones do.</summary>
    public void DropHeldWrites()
    {
        lock (_held)
        {
            _holding = false;
            foreach (var write in _held)
            {
                write.TrySetException(new OrleansException("the process writing this job record died"));
            }

            _held.Clear();
        }
    }

    public IGrainStorage For(Serializer serializer) => new View(this, serializer);

    public async Task WaitForHeldWriteAsync()
    {
        for (var i = 0; i < 1000 && HeldWrites == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(HeldWrites > 0, "no job record write was held within 10 s");
    }

    private sealed class View(SharedJobStorage shared, Serializer serializer) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (shared._states.TryGetValue($"{stateName}/{grainId}", out var bytes))
            {
                grainState.State = serializer.Deserialize<T>(bytes);
                grainState.RecordExists = true;
                grainState.ETag = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Task.CompletedTask;
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var bytes = serializer.SerializeToArray(grainState.State);
            var record = stateName == RecordName || stateName.StartsWith(LogPrefix, StringComparison.Ordinal);
            if (!record && shared.PartitionWritesFail)
            {
                throw new OrleansException("partition writes fail");
            }

            if (record)
            {
                TaskCompletionSource? hold = null;
                lock (shared._held)
                {
                    if (shared._holding)
                    {
                        hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        shared._held.Add(hold);
                    }
                }

                if (hold is not null)
                {
                    await hold.Task;
                }
            }

            Interlocked.Add(ref shared.BytesWritten, bytes.Length);
            shared._states[$"{stateName}/{grainId}"] = bytes;
            grainState.RecordExists = true;
            grainState.ETag = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            shared._states.TryRemove($"{stateName}/{grainId}", out _);
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }
    }
}
