namespace SENet.Grains.Jobs;

public enum CompletionOutcome
{
    /// <summary>A duplicate, a late completion, one for a shard already merged or quarantined since: it changes nothing.</summary>
    Ignored,

    /// <summary>The shard's first completion: its counts are merged.</summary>
    Merged,

    /// <summary>A range of a quarantined shard, merged once; the shard is done when every range is settled.</summary>
    RangeMerged,
}
