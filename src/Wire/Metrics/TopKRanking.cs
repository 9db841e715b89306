namespace SENet.Evaluation.Metrics;

/// <summary>
/// Picks the k best classes of a score vector with a fixed tie rule: higher score first, then lower class index;
/// NaN ranks below every number. The same scores therefore rank the same way on every machine and shard.
/// </summary>
public static class TopKRanking
{
    /// <summary>Writes the best <c>indices.Length</c> classes (at most the class count), best first; returns how many were written.</summary>
    public static int Select(ReadOnlySpan<float> scores, Span<int> indices)
    {
        var k = Math.Min(indices.Length, scores.Length);
        var filled = 0;
        for (var candidate = 0; candidate < scores.Length; candidate++)
        {
            var score = scores[candidate];
            if (filled == k && !Outranks(score, candidate, scores[indices[k - 1]], indices[k - 1]))
            {
                continue;
            }

            var position = filled == k ? k - 1 : filled++;
            while (position > 0 && Outranks(score, candidate, scores[indices[position - 1]], indices[position - 1]))
            {
                indices[position] = indices[position - 1];
                position--;
            }

            indices[position] = candidate;
        }

        return k;
    }

    public static bool Outranks(float score, int index, float otherScore, int otherIndex)
    {
        var isNaN = float.IsNaN(score);
        var otherIsNaN = float.IsNaN(otherScore);
        if (isNaN != otherIsNaN)
        {
            return otherIsNaN;
        }

        if (!isNaN && score != otherScore)
        {
            return score > otherScore;
        }

        return index < otherIndex;
    }
}
