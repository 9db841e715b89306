namespace SENet.Grains.Placement;

/// <summary>Places a worker on the silo its key names (see <see cref="Contracts.Workers.WorkerKey"/>).</summary>
[GenerateSerializer, Alias("senet.DevicePlacementStrategy")]
public sealed class DevicePlacementStrategy : PlacementStrategy;
