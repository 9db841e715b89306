namespace SENet.Evaluation.Metrics;

/// <summary>
/// Exact counts against a set of correct labels per image (ImageNet-ReaL): an image is right when its top-1 (top-5)
/// holds any label of its set; images whose set is empty are skipped, and images the labels file does not list are
/// counted apart. Mergeable by addition, like <see cref="TopKCounts"/>.
/// </summary>
public sealed class LabelSetCounts
{
    /// <summary>Images scored against a non-empty label set.</summary>
    public long Images { get; private set; }

    public long Top1Correct { get; private set; }

    public long Top5Correct { get; private set; }

    /// <summary>Images whose label set is empty: no label is right, so they are left out (as ReaL's authors do).</summary>
    public long EmptySkipped { get; private set; }

    /// <summary>Images the labels file has no entry for.</summary>
    public long Unlisted { get; private set; }

    public double Top1Accuracy => Images == 0 ? 0 : 100.0 * Top1Correct / Images;

    public double Top5Accuracy => Images == 0 ? 0 : 100.0 * Top5Correct / Images;

    public static LabelSetCounts Restore(long images, long top1Correct, long top5Correct, long emptySkipped, long unlisted) =>
        new() { Images = images, Top1Correct = top1Correct, Top5Correct = top5Correct, EmptySkipped = emptySkipped, Unlisted = unlisted };

    /// <summary>Counts one image: <paramref name="labels"/> null when unlisted; <paramref name="ranked"/> its best classes, best first.</summary>
    public void Add(IReadOnlyList<int>? labels, ReadOnlySpan<int> ranked)
    {
        if (labels is null)
        {
            Unlisted++;
            return;
        }

        if (labels.Count == 0)
        {
            EmptySkipped++;
            return;
        }

        Images++;
        if (ranked.Length > 0 && labels.Contains(ranked[0]))
        {
            Top1Correct++;
        }

        foreach (var predicted in ranked[..Math.Min(TopKCounts.K, ranked.Length)])
        {
            if (labels.Contains(predicted))
            {
                Top5Correct++;
                break;
            }
        }
    }

    public void Merge(LabelSetCounts other)
    {
        Images += other.Images;
        Top1Correct += other.Top1Correct;
        Top5Correct += other.Top5Correct;
        EmptySkipped += other.EmptySkipped;
        Unlisted += other.Unlisted;
    }

    public bool CountsEqual(LabelSetCounts other) =>
        Images == other.Images && Top1Correct == other.Top1Correct && Top5Correct == other.Top5Correct && EmptySkipped == other.EmptySkipped && Unlisted == other.Unlisted;
}
