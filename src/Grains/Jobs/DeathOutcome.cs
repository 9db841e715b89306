namespace SENet.Grains.Jobs;

/// <summary>What the death of a lease holder's silo did to its shard.</summary>
public enum DeathOutcome
{
    /// <summary>Counted (or not a death: the lease expired); the shard is leasable again.</summary>
    None,

    /// <summary>The second death: the shard runs by ranges from now on.</summary>
    Quarantined,

    /// <summary>A range of one image killed its holder: that image fails alone.</summary>
    Poison,
}
