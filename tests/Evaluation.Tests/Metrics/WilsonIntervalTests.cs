using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Metrics;

public sealed class WilsonIntervalTests
{
    // Two-sided standard normal quantiles, from tables (R: qnorm(1 - (1 - level) / 2)).
    [Theory]
    [InlineData(0.95, 1.959963984540054)]
    [InlineData(0.90, 1.6448536269514722)]
    [InlineData(0.99, 2.5758293035489004)]
    public void TheQuantileIsTheTabulatedNormalOne(double level, double z) =>
        Assert.Equal(z, WilsonInterval.Z(level), 1e-12);

    [Theory]
    [InlineData(7613L, 10000L, 0.95, 1.959963984540054)]
    [InlineData(1L, 3L, 0.95, 1.959963984540054)]
    [InlineData(38_063L, 50_000L, 0.99, 2.5758293035489004)]
    [InlineData(5L, 9L, 0.90, 1.6448536269514722)]
    public void BoundsAreTheRootsOfWilsonsQuadratic(long successes, long trials, double level, double z)
    {
        // Independent form: the interval holds every p with (p̂ − p)² ≤ z² p (1 − p) / n, a quadratic in p whose roots are the bounds.
        var n = (double)trials;
        var observed = successes / n;
        var a = 1 + z * z / n;
        var b = -(2 * observed + z * z / n);
        var c = observed * observed;
        var root = Math.Sqrt(b * b - 4 * a * c);
        var (low, high) = ((-b - root) / (2 * a), (-b + root) / (2 * a));

        var interval = WilsonInterval.Percent(successes, trials, level);

        Assert.Equal(100 * low, interval.Low, 1e-9);
        Assert.Equal(100 * high, interval.High, 1e-9);
        Assert.True(interval.Low < 100 * observed && 100 * observed < interval.High);
    }

    [Fact]
    public void AtNoneAndAtAllTheOpenSideIsExactAndTheOtherIsZSquaredOverNPlusZSquared()
    {
        const double z = 1.959963984540054;
        const long n = 40;

        var none = WilsonInterval.Percent(0, n);
        var all = WilsonInterval.Percent(n, n);

        Assert.Equal(0, none.Low);
        Assert.Equal(100 * z * z / (n + z * z), none.High, 1e-9);
        Assert.Equal(100, all.High);
        Assert.Equal(100 * n / (n + z * z), all.Low, 1e-9);
        Assert.Equal(new PercentInterval(0, 100), WilsonInterval.Percent(0, 0));
    }

    [Fact]
    public void AnErrorsIntervalIsItsAccuracysMirrored()
    {
        var intervals = ReportIntervals.From(images: 1000, top1Correct: 761, top5Correct: 930, level: 0.95);

        Assert.Equal(100 - intervals.Top1Accuracy.High, intervals.Top1Error.Low, 1e-12);
        Assert.Equal(100 - intervals.Top1Accuracy.Low, intervals.Top1Error.High, 1e-12);
        // The error's own Wilson interval, computed from the miss count, is the same interval.
        var misses = WilsonInterval.Percent(1000 - 930, 1000);
        Assert.Equal(misses.Low, intervals.Top5Error.Low, 1e-9);
        Assert.Equal(misses.High, intervals.Top5Error.High, 1e-9);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(-0.5)]
    public void ALevelOutsideZeroToOneIsRefused(double level) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Percent(1, 2, level));
}
