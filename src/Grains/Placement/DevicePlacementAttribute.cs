using Orleans.Placement;

namespace SENet.Grains.Placement;

[AttributeUsage(AttributeTargets.Class)]
public sealed class DevicePlacementAttribute() : PlacementAttribute(new DevicePlacementStrategy());
