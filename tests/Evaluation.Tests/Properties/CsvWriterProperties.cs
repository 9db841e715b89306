using System.Globalization;
using System.Text;
using CsCheck;
using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Properties;

/// <summary>Whatever an image id, a note or a model name holds, the CSV files read back field for field with an RFC 4180 reader.</summary>
public sealed class CsvWriterProperties
{
    [Fact]
    public void Escaped_fields_read_back_unchanged_in_any_number_of_records()
    {
        TextGen.Field().Array[1, 5].Array[1, 6].Sample(rows =>
        {
            var text = string.Concat(rows.Select(row => string.Join(',', row.Select(Csv.Escape)) + "\n"));
            var read = RfcCsvReader.Read(text);
            Assert.Equal(rows.Length, read.Count);
            for (var r = 0; r < rows.Length; r++)
            {
                Assert.Equal(rows[r], read[r]);
            }
        });
    }

    [Fact]
    public void A_single_escaped_field_is_one_field_exactly()
    {
        Gen.OneOf<string>(TextGen.Field(), TextGen.AnyText).Sample(field =>
        {
            var read = RfcCsvReader.Read(Csv.Escape(field) + "\r\n");
            Assert.Equal([[field]], read);
        });
    }

    [Fact]
    public void Predictions_read_back_through_utf8_bytes()
    {
        var prediction =
            from id in TextGen.Field(16)
            from label in Gen.Int[0, 999]
            from count in Gen.Int[0, TopKCounts.K]
            from classes in Gen.Int[0, 999].Array[count]
            from probabilities in Gen.Float[0f, 1f].Array[count]
            from note in Gen.OneOf<string?>(Gen.Const((string?)null), TextGen.Field(8).Select(n => (string?)n))
            select new ImagePrediction(id, label, classes, probabilities) { Note = note };
        // Class names that need quoting: a comma, a quote, a line break.
        var names = Enumerable.Range(0, 1000).Select(i => i % 3 == 0 ? $"n{i}, \"kind\"" : i % 3 == 1 ? $"line\nbreak {i}" : $"plain{i}").ToArray();
        prediction.Array[1, 8].Sample(predictions =>
        {
            using var bytes = new MemoryStream();
            using (var writer = new PredictionsCsvWriter(new StreamWriter(bytes, new UTF8Encoding(false), leaveOpen: true), names))
            {
                foreach (var p in predictions)
                {
                    writer.Write(p);
                }
            }

            var read = RfcCsvReader.Read(Encoding.UTF8.GetString(bytes.ToArray()));
            Assert.Equal(predictions.Length + 1, read.Count);
            Assert.Equal(PredictionsCsvWriter.Header.Split(','), read[0]);
            for (var i = 0; i < predictions.Length; i++)
            {
                var (expected, row) = (predictions[i], read[i + 1]);
                Assert.Equal(19, row.Count);
                Assert.Equal(names[expected.Label], row[13]);
                Assert.Equal(expected.ImageId, row[0]);
                Assert.Equal(expected.Label, int.Parse(row[1], CultureInfo.InvariantCulture));
                for (var k = 0; k < TopKCounts.K; k++)
                {
                    if (k < expected.TopClasses.Count)
                    {
                        Assert.Equal(expected.TopClasses[k], int.Parse(row[2 + k], CultureInfo.InvariantCulture));
                        // Six decimals, as written: the value read back is within half a unit of the sixth.
                        Assert.InRange(double.Parse(row[7 + k], CultureInfo.InvariantCulture) - expected.TopProbabilities[k], -5.0001e-7, 5.0001e-7);
                        Assert.Equal(names[expected.TopClasses[k]], row[14 + k]);
                    }
                    else
                    {
                        Assert.Equal("", row[2 + k]);
                        Assert.Equal("", row[7 + k]);
                        Assert.Equal("", row[14 + k]);
                    }
                }

                Assert.Equal(expected.Note ?? "", row[12]);
            }
        });
    }

    [Fact]
    public void Probabilities_are_rounded_once_to_six_decimals()
    {
        using var text = new StringWriter();
        using (var writer = new PredictionsCsvWriter(text))
        {
            writer.Write(new ImagePrediction("a.jpg", 0, [3], [0.12345649f]));
        }

        Assert.Equal("a.jpg,0,3,,,,,0.123456,,,,,,,,,,,", text.ToString().Split('\n')[1]);
    }

    [Fact]
    public void Results_csv_keeps_any_model_name_in_its_first_column()
    {
        TextGen.Field(20).Sample(model =>
        {
            var report = new EvaluationReport { Model = model, ExecutionProvider = "CPU", Dataset = "d", Interpolation = "bilinear", Top1 = 75.125, Top5 = 92.5 };
            var read = RfcCsvReader.Read(ReportWriter.ToResultsCsv(report));
            Assert.Equal(2, read.Count);
            Assert.Equal(read[0].Count, read[1].Count);
            Assert.Equal(model, read[1][0]);
            Assert.Equal("75.125", read[1][1]);
        });
    }
}
