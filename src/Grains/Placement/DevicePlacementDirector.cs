using Orleans.Runtime.Placement;
using SENet.Contracts.Workers;

namespace SENet.Grains.Placement;

/// <summary>
/// Reads the target silo from the worker's key and places it there, or nowhere: a worker whose silo is gone (or
/// restarted, with a new generation) must not run on a silo that lacks its device.
/// </summary>
public sealed class DevicePlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        var (silo, device) = WorkerKey.Parse(key);
        var wanted = SiloAddress.FromParsableString(silo);
        if (context.GetCompatibleSilos(target).Contains(wanted))
        {
            return Task.FromResult(wanted);
        }

        throw new OrleansException($"Worker for {device} cannot be placed: its silo {silo} is not an active, compatible member of the cluster.");
    }
}
