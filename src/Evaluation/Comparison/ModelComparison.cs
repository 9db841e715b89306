namespace SENet.Evaluation.Comparison;

/// <summary>A paired comparison of two evaluations on the same images: what <c>senet compare A B</c> reports.</summary>
public sealed record ModelComparison
{
    public required string A { get; init; }

    public required string B { get; init; }

    public required string AModel { get; init; }

    public required string BModel { get; init; }

    /// <summary>Images both scored, the ones compared.</summary>
    public long Images { get; init; }

    /// <summary>Scored by A only, or by B only: non-zero only under --intersect (refused otherwise).</summary>
    public long OnlyInA { get; init; }

    public long OnlyInB { get; init; }

    public bool Intersected { get; init; }

    /// <summary>How the intervals and the test were computed, in words.</summary>
    public required string Method { get; init; }

    public double Level { get; init; }

    public int Resamples { get; init; }

    public int Seed { get; init; }

    public required AccuracyDifference Top1 { get; init; }

    public required AccuracyDifference Top5 { get; init; }

    /// <summary>Per class, B − A top-1 accuracy, sorted from B's worst loss to its best gain.</summary>
    public IReadOnlyList<ClassDifference> PerClass { get; init; } = [];

    /// <summary>Images A got right and B wrong at top-1, the ones B was most confident about first.</summary>
    public IReadOnlyList<ImageFlip> MostConfidentLosses { get; init; } = [];

    /// <summary>Images B got right and A wrong at top-1, the ones A was most confident about first.</summary>
    public IReadOnlyList<ImageFlip> MostConfidentGains { get; init; } = [];

    /// <summary>ECE, MCE, NLL and Brier from each report, where recorded.</summary>
    public IReadOnlyList<CalibrationChange> Calibration { get; init; } = [];

    /// <summary>What the calibration figures cover, or why there are none.</summary>
    public string CalibrationNote { get; init; } = "";
}
