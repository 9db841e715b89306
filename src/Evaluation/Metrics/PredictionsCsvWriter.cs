using System.Globalization;

namespace SENet.Evaluation.Metrics;

/// <summary>Streams per-image predictions as CSV: image id, label, top-5 classes and their probabilities, and the decoder's warning if any.</summary>
public sealed class PredictionsCsvWriter(TextWriter writer) : IDisposable
{
    public const string Header = "image,label,top1,top2,top3,top4,top5,prob1,prob2,prob3,prob4,prob5,note";

    private bool _headerWritten;

    public void Write(ImagePrediction prediction)
    {
        if (!_headerWritten)
        {
            writer.Write(Header);
            writer.Write('\n');
            _headerWritten = true;
        }

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

        writer.Write('\n');
    }

    public void Dispose() => writer.Dispose();
}
