using SENet.Contracts.Jobs;

namespace SENet.Grains.Jobs;

/// <summary>One range of a quarantined shard: run alone on one silo at a time, merged once, or split when its holder dies.</summary>
[GenerateSerializer, Alias("senet.ProbeRange")]
public sealed class ProbeRange
{
    [Id(0)] public required ImageRange Range { get; init; }

    [Id(1)] public ProbeOutcome Outcome { get; set; }

    /// <summary>The lease whose result was merged: its predictions and failures parts are this range's.</summary>
    [Id(2)] public Guid? MergedLease { get; set; }
}
