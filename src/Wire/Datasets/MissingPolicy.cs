namespace SENet.Evaluation.Datasets;

/// <summary>What a run does about missing labels, unknown classes, duplicates and missing images.</summary>
public enum MissingPolicy
{
    /// <summary>Refuse the run before any image is read, naming the problems.</summary>
    Fail,

    /// <summary>Evaluate the rest; every problem is reported by name and counted.</summary>
    SkipAndReport,
}
