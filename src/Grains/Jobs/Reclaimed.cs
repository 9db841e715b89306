namespace SENet.Grains.Jobs;

/// <summary>A lease taken back: expired, or its silo gone (<see cref="SiloGone"/>), and what that did to its shard.</summary>
public sealed record Reclaimed(ActiveLease Lease, bool SiloGone, DeathOutcome Outcome, ProbeRange? Poison);
