using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Metrics;

public sealed class TopKRankingTests
{
    [Fact]
    public void HigherScoreFirstThenLowerIndex()
    {
        float[] scores = [0.1f, 0.5f, 0.5f, 0.9f, 0.5f, -1f, 0.2f];
        var ranked = new int[5];

        Assert.Equal(5, TopKRanking.Select(scores, ranked));
        Assert.Equal([3, 1, 2, 4, 6], ranked);
    }

    [Fact]
    public void NaNRanksBelowEveryNumber()
    {
        float[] scores = [float.NaN, float.NegativeInfinity, 2f, float.NaN];
        var ranked = new int[4];

        TopKRanking.Select(scores, ranked);

        Assert.Equal([2, 1, 0, 3], ranked);
    }

    [Fact]
    public void FewerClassesThanKGivesEveryClass()
    {
        var ranked = new int[5];

        Assert.Equal(3, TopKRanking.Select([1f, 3f, 2f], ranked));
        Assert.Equal([1, 2, 0], ranked[..3]);
    }

    [Fact]
    public void AgreesWithAFullSortOnRandomScores()
    {
        var random = new Random(1);
        for (var trial = 0; trial < 200; trial++)
        {
            // Few distinct values so that ties are common.
            var scores = Enumerable.Range(0, 50).Select(_ => (float)random.Next(0, 8)).ToArray();
            var expected = Enumerable.Range(0, 50).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(5).ToArray();
            var ranked = new int[5];

            TopKRanking.Select(scores, ranked);

            Assert.Equal(expected, ranked);
        }
    }
}
