namespace SENet.Evaluation.Metrics;

/// <summary>One image's label and its best classes with their probabilities, best first.</summary>
public sealed record ImagePrediction(string ImageId, int Label, IReadOnlyList<int> TopClasses, IReadOnlyList<float> TopProbabilities)
{
    /// <summary>What the decoder warned about an image it still decoded (a damaged but decodable file, as PIL decodes it); null when clean.</summary>
    public string? Note { get; init; }

    /// <summary>Ranks <paramref name="scores"/> and turns logits into probabilities (softmax) unless they already are.</summary>
    public static ImagePrediction From(string imageId, int label, ReadOnlySpan<float> scores, bool scoresAreProbabilities)
    {
        Span<int> ranked = stackalloc int[TopKCounts.K];
        var count = TopKRanking.Select(scores, ranked);
        return FromRanked(imageId, label, scores, ranked[..count], scoresAreProbabilities);
    }

    /// <summary>The same, for classes already ranked (best first) by a rule of their own, such as a class subset's.</summary>
    public static ImagePrediction FromRanked(string imageId, int label, ReadOnlySpan<float> scores, ReadOnlySpan<int> ranked, bool scoresAreProbabilities)
    {
        var count = ranked.Length;
        var classes = ranked.ToArray();
        var probabilities = new float[count];
        if (scoresAreProbabilities)
        {
            for (var i = 0; i < count; i++)
            {
                probabilities[i] = scores[classes[i]];
            }
        }
        else
        {
            var max = float.NegativeInfinity;
            foreach (var s in scores)
            {
                max = float.IsNaN(s) ? max : Math.Max(max, s);
            }

            double sum = 0;
            foreach (var s in scores)
            {
                sum += float.IsNaN(s) ? 0 : Math.Exp(s - max);
            }

            for (var i = 0; i < count; i++)
            {
                probabilities[i] = (float)(Math.Exp(scores[classes[i]] - max) / sum);
            }
        }

        return new ImagePrediction(imageId, label, classes, probabilities);
    }
}
