namespace SENet.Evaluation.Metrics;

/// <summary>A confidence interval of a rate, in percent like the report's accuracies and errors.</summary>
public sealed record PercentInterval(double Low, double High)
{
    /// <summary>The interval of the complementary rate (an accuracy's interval gives its error's): 100 − high to 100 − low.</summary>
    public PercentInterval Complement() => new(100 - High, 100 - Low);
}
