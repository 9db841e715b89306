using CsCheck;
using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Properties;

/// <summary>
/// Shards are merged as they finish, in whatever order and grouping the cluster produces: the totals must not depend
/// on either, and must equal counting every image in one place.
/// </summary>
public sealed class TopKCountsMergeProperties
{
    private sealed record Observation(int Label, int[] Ranked);

    private sealed record Case(int Classes, Observation[] Images, long[] FailuresPerShard, int[] Cuts, int[] MergeChoices);

    private static readonly Gen<Case> Cases =
        from classes in Gen.Int[1, 9]
        from images in (
            from label in Gen.Int[0, classes - 1]
            from ranked in Gen.Shuffle(Enumerable.Range(0, classes).ToArray(), Math.Min(TopKCounts.K, classes))
            select new Observation(label, ranked)).Array[0, 60]
        from shards in Gen.Int[1, 8]
        from cuts in Gen.Int[0, images.Length].Array[shards - 1]
        from failures in Gen.Long[0, 3].Array[shards]
        from choices in Gen.Int[0, 1000].Array[2 * shards]
        select new Case(classes, images, failures, [.. cuts.Order()], choices);

    [Fact]
    public void Merging_shards_in_any_order_and_grouping_equals_counting_all_at_once()
    {
        Cases.Sample(c =>
        {
            var whole = new TopKCounts(c.Classes);
            foreach (var image in c.Images)
            {
                whole.Add(image.Label, image.Ranked);
            }

            whole.AddFailures(c.FailuresPerShard.Sum());

            var shards = Shards(c);
            var orderedMerge = new TopKCounts(c.Classes);
            foreach (var shard in shards)
            {
                orderedMerge.Merge(shard);
            }

            Assert.True(orderedMerge.CountsEqual(whole), "merging shards in order differs from counting at once");
            Assert.True(MergeInRandomTree(c, Shards(c)).CountsEqual(whole), "merging shards in another order and grouping differs from counting at once");
        });
    }

    [Fact]
    public void Counts_restored_from_their_parts_merge_like_the_originals()
    {
        Cases.Sample(c =>
        {
            var direct = new TopKCounts(c.Classes);
            var restored = new TopKCounts(c.Classes);
            foreach (var shard in Shards(c))
            {
                direct.Merge(shard);
                restored.Merge(TopKCounts.Restore(shard.Classes, shard.Images, shard.Top1Correct, shard.Top5Correct, shard.Failed,
                    shard.ClassImages, shard.ClassTop1, shard.ClassTop5, shard.TopConfusions(int.MaxValue)));
            }

            Assert.True(restored.CountsEqual(direct));
            Assert.Equal(direct.TopConfusions(5), restored.TopConfusions(5));
        });
    }

    private static List<TopKCounts> Shards(Case c)
    {
        var bounds = new[] { 0 }.Concat(c.Cuts).Append(c.Images.Length).ToArray();
        var shards = new List<TopKCounts>();
        for (var s = 0; s + 1 < bounds.Length; s++)
        {
            var shard = new TopKCounts(c.Classes);
            foreach (var image in c.Images[bounds[s]..bounds[s + 1]])
            {
                shard.Add(image.Label, image.Ranked);
            }

            shard.AddFailures(c.FailuresPerShard[s]);
            shards.Add(shard);
        }

        return shards;
    }

    /// <summary>Repeatedly merges two shards picked by the case's choices into a new partial total, until one is left.</summary>
    private static TopKCounts MergeInRandomTree(Case c, List<TopKCounts> pending)
    {
        var choice = 0;
        while (pending.Count > 1)
        {
            var first = pending[c.MergeChoices[choice++ % c.MergeChoices.Length] % pending.Count];
            pending.Remove(first);
            var second = pending[c.MergeChoices[choice++ % c.MergeChoices.Length] % pending.Count];
            pending.Remove(second);
            var combined = new TopKCounts(c.Classes);
            combined.Merge(second);
            combined.Merge(first);
            pending.Add(combined);
        }

        return pending[0];
    }
}
