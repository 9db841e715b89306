namespace SENet.Grains.Jobs;

public enum ProbeOutcome
{
    Pending,
    Merged,

    /// <summary>A single image whose holder died: it is failed alone and never handed out again.</summary>
    Poison,
}
