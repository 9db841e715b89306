using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Metrics;

public sealed class TopKCountsTests
{
    [Fact]
    public void CountsTopOneTopFiveAndConfusions()
    {
        var counts = new TopKCounts(10);

        counts.Add(2, [2, 0, 1, 3, 4]);
        counts.Add(7, [1, 7, 2, 3, 4]);
        counts.Add(9, [1, 2, 3, 4, 5]);
        counts.AddFailures();

        Assert.Equal((3L, 1L, 2L, 1L), (counts.Images, counts.Top1Correct, counts.Top5Correct, counts.Failed));
        Assert.Equal(100.0 / 3, counts.Top1Accuracy, 10);
        Assert.Equal(1, counts.ClassTop5[7]);
        Assert.Equal(0, counts.ClassTop1[7]);
        Assert.Equal([new ClassConfusion(7, 1, 1), new ClassConfusion(9, 1, 1)], counts.TopConfusions(5));
    }

    [Fact]
    public void MergingShardsInAnyOrderGivesTheTotalsOfOnePass()
    {
        const int classes = 20;
        var random = new Random(42);
        var images = Enumerable.Range(0, 3000)
            .Select(_ => (Label: random.Next(classes), Scores: Enumerable.Range(0, classes).Select(_ => (float)random.Next(10)).ToArray()))
            .ToList();
        var whole = new TopKCounts(classes);
        foreach (var (label, scores) in images)
        {
            whole.Add(label, scores);
        }

        var shards = images.Chunk(250).Select(chunk =>
        {
            var shard = new TopKCounts(classes);
            foreach (var (label, scores) in chunk)
            {
                shard.Add(label, scores);
            }

            return shard;
        }).ToList();

        for (var order = 0; order < 5; order++)
        {
            var merged = new TopKCounts(classes);
            foreach (var shard in shards.OrderBy(_ => random.Next()))
            {
                merged.Merge(shard);
            }

            Assert.True(merged.CountsEqual(whole));
        }

        // Grouping: ((a+b)+c) == (a+(b+c)).
        var left = new TopKCounts(classes);
        left.Merge(shards[0]);
        left.Merge(shards[1]);
        left.Merge(shards[2]);
        var right = new TopKCounts(classes);
        var tail = new TopKCounts(classes);
        tail.Merge(shards[1]);
        tail.Merge(shards[2]);
        right.Merge(shards[0]);
        right.Merge(tail);
        Assert.True(left.CountsEqual(right));
        Assert.False(left.CountsEqual(whole));
    }

    [Fact]
    public void LabelsOutsideTheClassRangeAreRefused()
    {
        var counts = new TopKCounts(3);

        Assert.Throws<ArgumentOutOfRangeException>(() => counts.Add(3, [0, 1, 2]));
    }

    [Fact]
    public void CountsOverDifferentClassesDoNotMerge() =>
        Assert.Throws<ArgumentException>(() => new TopKCounts(3).Merge(new TopKCounts(4)));
}
