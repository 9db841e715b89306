namespace SENet.Evaluation.Comparison;

/// <summary>How two evaluations are compared.</summary>
/// <param name="Intersect">Compare the images both scored when their image sets differ (refused otherwise).</param>
/// <param name="Level">Confidence level of the intervals.</param>
/// <param name="Resamples">Paired bootstrap resamples.</param>
/// <param name="Seed">The bootstrap's fixed seed: the same inputs always give the same interval.</param>
/// <param name="FlipsListed">How many of the most confident flips each way are named.</param>
public sealed record ComparisonOptions(
    bool Intersect = false,
    double Level = 0.95,
    int Resamples = PairedBootstrap.DefaultResamples,
    int Seed = PairedBootstrap.DefaultSeed,
    int FlipsListed = 20);
