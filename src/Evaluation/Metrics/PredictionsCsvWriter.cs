using System.Globalization;

namespace SENet.Evaluation.Metrics;

/// <summary>
/// Writes per-image predictions as CSV: image id, label, top-5 classes and their probabilities, the decoder's warning if
/// any, then the class names of the label and of the top-5 (empty when the dataset and model have no names). The name
/// columns come after timm-style index columns so that readers by position keep working.
/// </summary>
public sealed class PredictionsCsvWriter(TextWriter writer, IReadOnlyList<string>? classNames = null) : IDisposable
{
    public const string Header = "image,label,top1,top2,top3,top4,top5,prob1,prob2,prob3,prob4,prob5,note,label_name,top1_name,top2_name,top3_name,top4_name,top5_name";

    private bool _headerWritten;

    /// <summary>Writes every prediction sorted by image id (ordinal), so a part reads the same whichever order the pipeline finished them in.</summary>
    public void WriteSorted(IEnumerable<ImagePrediction> predictions)
    {
        foreach (var prediction in predictions.OrderBy(p => p.ImageId, StringComparer.Ordinal))
        {
            Write(prediction);
        }

        WriteHeaderOnce();
    }

    public void Write(ImagePrediction prediction)
    {
        WriteHeaderOnce();
        writer.Write(Csv.Escape(prediction.ImageId));
        writer.Write(',');
        writer.Write(prediction.Label.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < TopKCounts.K; i++)
        {
            writer.Write(',');
            if (i < prediction.TopClasses.Count)
            {
                writer.Write(prediction.TopClasses[i].ToString(CultureInfo.InvariantCulture));
            }
        }

        for (var i = 0; i < TopKCounts.K; i++)
        {
            writer.Write(',');
            if (i < prediction.TopProbabilities.Count)
            {
                // Through double: a float's custom format first rounds to 7 significant digits, and rounding that again to
                // 6 decimals can move the last one (0.12345649 read back as 0.123457).
                writer.Write(((double)prediction.TopProbabilities[i]).ToString("0.######", CultureInfo.InvariantCulture));
            }
        }

        writer.Write(',');
        if (prediction.Note is { } note)
        {
            writer.Write(Csv.Escape(note));
        }

        writer.Write(',');
        writer.Write(NameOf(prediction.Label));
        for (var i = 0; i < TopKCounts.K; i++)
        {
            writer.Write(',');
            if (i < prediction.TopClasses.Count)
            {
                writer.Write(NameOf(prediction.TopClasses[i]));
            }
        }

        writer.Write('\n');
    }

    public void Dispose() => writer.Dispose();

    private void WriteHeaderOnce()
    {
        if (!_headerWritten)
        {
            writer.Write(Header);
            writer.Write('\n');
            _headerWritten = true;
        }
    }

    private string NameOf(int classIndex) =>
        classNames is not null && (uint)classIndex < (uint)classNames.Count ? Csv.Escape(classNames[classIndex]) : "";
}
