using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace SENet.Cluster.Tests;

/// <summary>Job storage in this process whose writes can be made to fail, as memory storage does once the silo holding it died.</summary>
public sealed class SwitchableJobStorage(Serializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, byte[]> _states = new();

    public volatile bool WritesFail;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue($"{stateName}/{grainId}", out var bytes))
        {
            grainState.State = serializer.Deserialize<T>(bytes);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (WritesFail)
        {
            throw new OrleansException("the silo holding this job's storage is gone");
        }

        _states[$"{stateName}/{grainId}"] = serializer.SerializeToArray(grainState.State);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _states.TryRemove($"{stateName}/{grainId}", out _);
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
