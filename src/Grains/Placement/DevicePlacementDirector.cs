using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using SENet.Contracts.Workers;

namespace SENet.Grains.Placement;

/// <summary>
/// Reads the target silo from the worker's key and places it there, or nowhere: a worker whose silo is gone (or
/// restarted, with a new generation) or does not offer its device must not run on a silo that lacks the device.
/// </summary>
public sealed class DevicePlacementDirector(ISiloMetadataCache siloMetadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        var (silo, device) = WorkerKey.Parse(key);
        var wanted = SiloAddress.FromParsableString(silo);
        if (!context.GetCompatibleSilos(target).Contains(wanted))
        {
            throw new OrleansException($"Worker for {device} cannot be placed: its silo {silo} is not an active, compatible member of the cluster.");
        }

        // Metadata arrives in the background after a silo joins; until it has, the silo's word is not known here.
        if (siloMetadata.GetSiloMetadata(wanted).Metadata.TryGetValue(DeviceMetadata.Key, out var advertised)
            && !DeviceMetadata.Parse(advertised).Contains(device))
        {
            throw new OrleansException($"Worker for {device} cannot be placed: silo {silo} offers only {advertised}.");
        }

        return Task.FromResult(wanted);
    }
}
