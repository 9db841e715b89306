using SENet.Evaluation.Comparison;

namespace SENet.Evaluation.Tests.Comparison;

public sealed class PairedBootstrapTests
{
    /// <summary>The textbook paired bootstrap, written here: resample images with replacement, take the difference of accuracies.</summary>
    private static (double Low, double High) ImageLevelBootstrap(int images, int onlyA, int onlyB, int resamples, int seed)
    {
        // Per image: +1 right only under B, -1 right only under A, 0 the same under both.
        var difference = new int[images];
        for (var i = 0; i < onlyA; i++)
        {
            difference[i] = -1;
        }

        for (var i = onlyA; i < onlyA + onlyB; i++)
        {
            difference[i] = 1;
        }

        var random = new Random(seed);
        var samples = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0;
            for (var i = 0; i < images; i++)
            {
                sum += difference[random.Next(images)];
            }

            samples[r] = (double)sum / images;
        }

        Array.Sort(samples);
        var k = (int)Math.Ceiling(0.025 * resamples);
        return (samples[k - 1], samples[resamples - k]);
    }

    [Theory]
    [InlineData(400, 30, 50)]
    [InlineData(1000, 12, 4)]
    [InlineData(250, 60, 20)]
    public void AgreesWithResamplingImagesAndWithTheNormalApproximation(int images, int onlyA, int onlyB)
    {
        var (low, high) = PairedBootstrap.DifferenceInterval(images, onlyA, onlyB);
        var (refLow, refHigh) = ImageLevelBootstrap(images, onlyA, onlyB, 20_000, seed: 11);
        // Paired Wald interval: d ± 1.96 · sqrt(b + c − (c − b)² / n) / n.
        var d = (double)(onlyB - onlyA) / images;
        var se = Math.Sqrt(onlyA + onlyB - (double)(onlyB - onlyA) * (onlyB - onlyA) / images) / images;

        // Both bootstraps land on multiples of 1/n; Monte Carlo error of a 2.5 % quantile is about one or two such steps.
        var step = 1.0 / images;
        Assert.InRange(low, refLow - 2.5 * step, refLow + 2.5 * step);
        Assert.InRange(high, refHigh - 2.5 * step, refHigh + 2.5 * step);
        Assert.InRange(low, d - 1.96 * se - 3 * step, d - 1.96 * se + 3 * step);
        Assert.InRange(high, d + 1.96 * se - 3 * step, d + 1.96 * se + 3 * step);
    }

    [Fact]
    public void TheSameInputsAndSeedGiveTheSameInterval()
    {
        Assert.Equal(PairedBootstrap.DifferenceInterval(50_000, 900, 1_100), PairedBootstrap.DifferenceInterval(50_000, 900, 1_100));
        Assert.NotEqual(PairedBootstrap.DifferenceInterval(50_000, 900, 1_100, seed: 1), PairedBootstrap.DifferenceInterval(50_000, 900, 1_100, seed: 2));
    }

    [Fact]
    public void NoDiscordantImagesGiveAPointInterval()
    {
        Assert.Equal((0.0, 0.0), PairedBootstrap.DifferenceInterval(100, 0, 0));
        Assert.Equal((-1.0, -1.0), PairedBootstrap.DifferenceInterval(100, 100, 0));
    }

    [Fact]
    public void BinomialDrawsHaveTheBinomialMeanAndVariance()
    {
        var random = new Random(3);
        const int draws = 40_000;
        foreach (var (n, p) in new[] { (1_000L, 0.03), (200L, 0.5), (500L, 0.9) })
        {
            var samples = Enumerable.Range(0, draws).Select(_ => (double)PairedBootstrap.Binomial(random, n, p)).ToArray();
            var mean = samples.Average();
            var variance = samples.Sum(s => (s - mean) * (s - mean)) / (draws - 1);
            var expectedVariance = n * p * (1 - p);
            Assert.InRange(mean, n * p - 5 * Math.Sqrt(expectedVariance / draws), n * p + 5 * Math.Sqrt(expectedVariance / draws));
            Assert.InRange(variance, 0.95 * expectedVariance, 1.05 * expectedVariance);
        }
    }
}
