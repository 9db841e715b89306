namespace SENet.Evaluation.Metrics;

/// <summary>
/// Exact integer counts of one evaluation (or one shard of it): images scored, top-1 / top-5 hits, failures,
/// per-class totals and hits, top-1 confusions, and the calibration sums. <see cref="Merge"/> is addition, so shards
/// combine in any order and grouping with identical totals.
/// </summary>
public sealed class TopKCounts
{
    public const int K = 5;

    public TopKCounts(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        Classes = classes;
        ClassImages = new long[classes];
        ClassTop1 = new long[classes];
        ClassTop5 = new long[classes];
    }

    public int Classes { get; }

    /// <summary>Rebuilds counts from their parts (after a trip over the wire or through storage).</summary>
    public static TopKCounts Restore(int classes, long images, long top1Correct, long top5Correct, long failed,
        long[] classImages, long[] classTop1, long[] classTop5, IEnumerable<ClassConfusion> confusions, CalibrationCounts? calibration = null)
    {
        var counts = new TopKCounts(classes)
        {
            Images = images,
            Top1Correct = top1Correct,
            Top5Correct = top5Correct,
            Failed = failed,
            Calibration = calibration ?? new CalibrationCounts(),
        };
        if (classImages.Length != classes || classTop1.Length != classes || classTop5.Length != classes)
        {
            throw new ArgumentException($"Per-class arrays must hold {classes} entries.");
        }

        classImages.CopyTo(counts.ClassImages, 0);
        classTop1.CopyTo(counts.ClassTop1, 0);
        classTop5.CopyTo(counts.ClassTop5, 0);
        foreach (var confusion in confusions)
        {
            counts.Confusions[(confusion.Label, confusion.Predicted)] = confusion.Count;
        }

        return counts;
    }

    public long Images { get; private set; }

    public long Top1Correct { get; private set; }

    public long Top5Correct { get; private set; }

    public long Failed { get; private set; }

    public long[] ClassImages { get; }

    public long[] ClassTop1 { get; }

    public long[] ClassTop5 { get; }

    /// <summary>Top-1 mistakes keyed by (true label, predicted class).</summary>
    public Dictionary<(int Label, int Predicted), long> Confusions { get; } = [];

    /// <summary>Counts against each image's set of correct labels (ImageNet-ReaL); all zero when the job has none.</summary>
    public LabelSetCounts Real { get; private set; } = new();

    /// <summary>Puts back the label-set counts of restored counts (after a trip over the wire or through storage).</summary>
    public TopKCounts WithReal(LabelSetCounts real)
    {
        Real = real;
        return this;
    }

    /// <summary>Calibration sums of the images counted with <see cref="Add(int, ReadOnlySpan{float}, OutputKind)"/>.</summary>
    public CalibrationCounts Calibration { get; private init; } = new();

    public double Top1Accuracy => Images == 0 ? 0 : 100.0 * Top1Correct / Images;

    public double Top5Accuracy => Images == 0 ? 0 : 100.0 * Top5Correct / Images;

    public double Top1Error => Images == 0 ? 0 : 100.0 - Top1Accuracy;

    public double Top5Error => Images == 0 ? 0 : 100.0 - Top5Accuracy;

    /// <summary>Counts one scored image; <paramref name="ranked"/> holds its best classes, best first.</summary>
    public void Add(int label, ReadOnlySpan<int> ranked)
    {
        if ((uint)label >= (uint)Classes)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"Labels run from 0 to {Classes - 1}.");
        }

        Images++;
        ClassImages[label]++;
        if (ranked[0] == label)
        {
            Top1Correct++;
            ClassTop1[label]++;
        }
        else
        {
            Confusions[(label, ranked[0])] = Confusions.GetValueOrDefault((label, ranked[0])) + 1;
        }

        if (ranked[..Math.Min(K, ranked.Length)].Contains(label))
        {
            Top5Correct++;
            ClassTop5[label]++;
        }
    }

    /// <summary>Ranks <paramref name="scores"/> with <see cref="TopKRanking"/> and counts the image.</summary>
    public void Add(int label, ReadOnlySpan<float> scores)
    {
        Span<int> ranked = stackalloc int[K];
        var count = TopKRanking.Select(scores, ranked);
        Add(label, ranked[..count]);
    }

    /// <summary>Ranks <paramref name="scores"/>, counts the image and adds it to the calibration sums, reading the scores as <paramref name="outputs"/>.</summary>
    public void Add(int label, ReadOnlySpan<float> scores, OutputKind outputs)
    {
        Span<int> ranked = stackalloc int[K];
        var count = TopKRanking.Select(scores, ranked);
        Add(label, ranked[..count]);
        Calibration.Add(scores, label, ranked[0], outputs);
    }

    public void AddFailures(long count = 1) => Failed += count;

    public void Merge(TopKCounts other)
    {
        if (other.Classes != Classes)
        {
            throw new ArgumentException($"Cannot merge counts over {other.Classes} classes into counts over {Classes}.", nameof(other));
        }

        Images += other.Images;
        Top1Correct += other.Top1Correct;
        Top5Correct += other.Top5Correct;
        Failed += other.Failed;
        for (var c = 0; c < Classes; c++)
        {
            ClassImages[c] += other.ClassImages[c];
            ClassTop1[c] += other.ClassTop1[c];
            ClassTop5[c] += other.ClassTop5[c];
        }

        foreach (var (pair, count) in other.Confusions)
        {
            Confusions[pair] = Confusions.GetValueOrDefault(pair) + count;
        }

        Real.Merge(other.Real);
        Calibration.Merge(other.Calibration);
    }

    /// <summary>The most frequent top-1 confusions, most frequent first, then by label and predicted class.</summary>
    public IReadOnlyList<ClassConfusion> TopConfusions(int count) =>
        Confusions.OrderByDescending(c => c.Value).ThenBy(c => c.Key.Label).ThenBy(c => c.Key.Predicted)
            .Take(count).Select(c => new ClassConfusion(c.Key.Label, c.Key.Predicted, c.Value)).ToList();

    public bool CountsEqual(TopKCounts other) =>
        Classes == other.Classes && Images == other.Images && Top1Correct == other.Top1Correct && Top5Correct == other.Top5Correct
        && Failed == other.Failed && ClassImages.SequenceEqual(other.ClassImages) && ClassTop1.SequenceEqual(other.ClassTop1)
        && ClassTop5.SequenceEqual(other.ClassTop5) && Confusions.Count == other.Confusions.Count
        && Confusions.All(c => other.Confusions.TryGetValue(c.Key, out var n) && n == c.Value)
        && Real.CountsEqual(other.Real)
        && Calibration.CountsEqual(other.Calibration);
}
