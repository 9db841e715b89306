using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// Turns one image's output rows into its counts and prediction under the job's label conventions: several views
/// (ten crops) are averaged as softmax outputs; a masked class subset restricts the logits (or renormalises the
/// probabilities) to the subset's classes and ranks only those; a label set (ImageNet-ReaL) is counted beside the
/// single label. Without views or a masked subset it ranks the row as it is, as before. Thread-safe.
/// </summary>
public sealed class ImageScorer
{
    private readonly int _classes;
    private readonly bool _outputsAreProbabilities;
    private readonly ClassSubset? _masked;

    /// <param name="classes">The model's outputs per row.</param>
    /// <param name="views">Output rows per image (1, or 10 for ten crops).</param>
    /// <param name="outputsAreProbabilities">The model's rows are probabilities (softmax is applied to logits only).</param>
    /// <param name="subset">The dataset's classes among the model's outputs, with the convention to score them by.</param>
    /// <param name="labelSets">Count each image's label set too (its <see cref="LabelledImage.RealLabels"/>; none listed counts as unlisted).</param>
    public ImageScorer(int classes, int views = 1, bool outputsAreProbabilities = false, ClassSubset? subset = null, bool labelSets = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(views, 1);
        if (subset is not null && subset.ModelClasses != classes)
        {
            throw new ArgumentException($"The class subset is over {subset.ModelClasses} outputs but the model has {classes}.", nameof(subset));
        }

        _classes = classes;
        Views = views;
        _outputsAreProbabilities = outputsAreProbabilities;
        Subset = subset;
        _masked = subset is { Mode: ClassSubsetMode.Masked } ? subset : null;
        LabelSets = labelSets;
    }

    public int Views { get; }

    public ClassSubset? Subset { get; }

    public bool LabelSets { get; }

    /// <summary>Whether the scores it ranks are probabilities: averaged views always are.</summary>
    public bool ScoresAreProbabilities => Views > 1 || _outputsAreProbabilities;

    /// <summary>Counts the image into <paramref name="counts"/> and returns its prediction; <paramref name="rows"/> holds <see cref="Views"/> rows of the model's outputs.</summary>
    public ImagePrediction Score(LabelledImage image, ReadOnlySpan<float> rows, TopKCounts counts)
    {
        if (rows.Length != Views * _classes)
        {
            throw new ArgumentException($"Expected {Views} row(s) of {_classes} scores, got {rows.Length} values.", nameof(rows));
        }

        var scores = Views == 1 && _masked is null ? rows : Combine(rows);
        Span<int> ranked = stackalloc int[TopKCounts.K];
        var count = _masked is null ? TopKRanking.Select(scores, ranked) : SelectWithin(_masked, scores, ranked);
        counts.Add(image.Label, ranked[..count]);
        Calibrate(counts.Calibration, image.Label, rows, scores, ranked[0]);
        if (LabelSets)
        {
            counts.Real.Add(image.RealLabels, ranked[..count]);
        }

        return ImagePrediction.FromRanked(image.Path, image.Label, scores, ranked[..count], ScoresAreProbabilities);
    }

    /// <summary>
    /// Adds the image to the calibration sums using the scores it was ranked by. One unmasked view: the model's row,
    /// read as its outputs are. Ten crops: the averaged softmax outputs, which are probabilities whatever the model
    /// outputs. A masked subset: the distribution over the subset alone (softmax of the masked logits, or the
    /// probabilities renormalised over the subset), so confidence, NLL and Brier are those of the subset's classes,
    /// the distribution the image was ranked on. Whether the model's own rows were distributions is read off the raw
    /// rows, since that is the evidence the report's note on --outputs is about.
    /// </summary>
    private void Calibrate(CalibrationCounts calibration, int label, ReadOnlySpan<float> rows, ReadOnlySpan<float> scores, int top1)
    {
        var outputs = _outputsAreProbabilities ? OutputKind.Probabilities : OutputKind.Logits;
        if (Views == 1 && _masked is null)
        {
            calibration.Add(scores, label, top1, outputs);
            return;
        }

        var rawAreDistributions = true;
        var finite = true;
        for (var v = 0; v < Views; v++)
        {
            var row = rows.Slice(v * _classes, _classes);
            rawAreDistributions &= CalibrationCounts.IsDistribution(row);
            for (var c = 0; c < _classes; c++)
            {
                finite &= float.IsFinite(row[c]) || (_masked is not null && !_masked.Contains(c));
            }
        }

        if (!finite)
        {
            // A NaN or infinite score among the classes in play: left out of calibration (still ranked and counted).
            calibration.Add(rows, label, top1, outputs, rawAreDistributions);
            return;
        }

        var probabilities = scores;
        if (Views == 1 && !_outputsAreProbabilities)
        {
            // One masked view of logits: scores holds −∞ outside the subset; calibrate the softmax over the subset.
            var distribution = new double[_classes];
            Probabilities(rows[.._classes], distribution);
            var row = new float[_classes];
            for (var c = 0; c < _classes; c++)
            {
                row[c] = (float)distribution[c];
            }

            probabilities = row;
        }

        calibration.Add(probabilities, label, top1, OutputKind.Probabilities, rawAreDistributions);
    }

    /// <summary>One row: the masked row, or the mean of the views' (masked) softmax outputs, computed in double.</summary>
    private float[] Combine(ReadOnlySpan<float> rows)
    {
        var combined = new float[_classes];
        if (Views == 1)
        {
            // One view under a mask: logits outside the subset become −∞; probabilities are renormalised over the
            // subset, which is what a softmax over the masked logits would give.
            var row = rows[.._classes];
            if (_outputsAreProbabilities)
            {
                var sum = SubsetSum(row);
                for (var c = 0; c < _classes; c++)
                {
                    combined[c] = _masked!.Contains(c) ? (float)(row[c] / sum) : 0f;
                }
            }
            else
            {
                for (var c = 0; c < _classes; c++)
                {
                    combined[c] = _masked!.Contains(c) ? row[c] : float.NegativeInfinity;
                }
            }

            return combined;
        }

        var total = new double[_classes];
        var probabilities = new double[_classes];
        for (var v = 0; v < Views; v++)
        {
            Probabilities(rows.Slice(v * _classes, _classes), probabilities);
            for (var c = 0; c < _classes; c++)
            {
                total[c] += probabilities[c];
            }
        }

        for (var c = 0; c < _classes; c++)
        {
            combined[c] = (float)(total[c] / Views);
        }

        return combined;
    }

    /// <summary>A row as probabilities over the classes in play: softmax of logits (NaN contributes nothing, as in predictions), or probabilities renormalised under a mask.</summary>
    private void Probabilities(ReadOnlySpan<float> row, double[] probabilities)
    {
        if (_outputsAreProbabilities)
        {
            var sum = _masked is null ? 1.0 : SubsetSum(row);
            for (var c = 0; c < _classes; c++)
            {
                probabilities[c] = _masked is null || _masked.Contains(c) ? row[c] / sum : 0;
            }

            return;
        }

        var max = double.NegativeInfinity;
        for (var c = 0; c < _classes; c++)
        {
            if ((_masked is null || _masked.Contains(c)) && !float.IsNaN(row[c]))
            {
                max = Math.Max(max, row[c]);
            }
        }

        double total = 0;
        for (var c = 0; c < _classes; c++)
        {
            var inPlay = (_masked is null || _masked.Contains(c)) && !float.IsNaN(row[c]);
            probabilities[c] = inPlay ? Math.Exp(row[c] - max) : 0;
            total += probabilities[c];
        }

        for (var c = 0; c < _classes; c++)
        {
            probabilities[c] = total > 0 ? probabilities[c] / total : 0;
        }
    }

    private double SubsetSum(ReadOnlySpan<float> row)
    {
        double sum = 0;
        foreach (var c in _masked!.Classes)
        {
            sum += float.IsNaN(row[c]) ? 0 : row[c];
        }

        return sum > 0 ? sum : 1;
    }

    /// <summary>The best classes of the subset alone, by <see cref="TopKRanking"/>'s rule: no class outside it is ever ranked.</summary>
    private static int SelectWithin(ClassSubset subset, ReadOnlySpan<float> scores, Span<int> ranked)
    {
        var members = subset.Classes;
        Span<float> gathered = members.Length <= 1024 ? stackalloc float[members.Length] : new float[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            gathered[i] = scores[members[i]];
        }

        // Positions in the gathered row rank as model indices do, since the subset's classes are ascending.
        var count = TopKRanking.Select(gathered, ranked);
        for (var i = 0; i < count; i++)
        {
            ranked[i] = members[ranked[i]];
        }

        return count;
    }
}
