namespace SENet.Grains.Devices;

/// <summary>The devices a silo offers, and why it offers the CPU where it found GPUs it cannot use.</summary>
public sealed record DeviceDiscovery(IReadOnlyList<string> Devices, string? Note);
