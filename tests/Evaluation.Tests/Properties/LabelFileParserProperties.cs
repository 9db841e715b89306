using System.Globalization;
using CsCheck;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;

namespace SENet.Evaluation.Tests.Properties;

/// <summary>
/// Labels files generated in each format parse back to what was written (paths with spaces, commas, quotes and
/// non-ASCII; CRLF or LF; blank and comment lines between), and no text at all makes the parser throw anything but
/// its documented <see cref="DatasetException"/>.
/// </summary>
public sealed class LabelFileParserProperties
{
    private sealed record Entry(string Path, int? Index, string? ClassName);

    private sealed record LabelsFile(string Text, List<(Entry Entry, int Line)> Expected);

    /// <summary>A line-based format holds no line feed in a path; ends are not whitespace (Caffe's lines are trimmed) and no path starts a comment.</summary>
    private static readonly Gen<string> Paths = TextGen.Field(10)
        .Select(p => p.Replace("\n", "", StringComparison.Ordinal))
        .Where(p => p.Length > 0 && !char.IsWhiteSpace(p[0]) && !char.IsWhiteSpace(p[^1]) && p[0] != '#');

    private static readonly Gen<string> ClassNames = Gen.Char.AlphaNumeric.Array[1, 9].Select(chars => "n" + new string(chars));

    private static readonly Gen<string> LineEnds = Gen.OneOf("\n", "\r\n");

    private static readonly Gen<string> Fillers = Gen.OneOf("", "   ", "\t", "# a comment, with \"quotes\"", "  # indented comment");

    [Fact]
    public void Generated_caffe_val_txt_files_round_trip()
    {
        var lines =
            from path in Paths
            from label in Gen.Int[0, int.MaxValue]
            from separator in Gen.OneOf(" ", "\t", "  ")
            select (new Entry(path, label, null), $"{path}{separator}{label.ToString(CultureInfo.InvariantCulture)}");
        AssertRoundTrip(Files(lines, header: null), "val.txt", LabelFormat.CaffeValTxt);
    }

    [Fact]
    public void Generated_path_label_csv_files_round_trip()
    {
        var lines =
            from path in Paths.Where(p => !p.TrimStart().StartsWith('#'))
            from label in Gen.OneOf<int?>(Gen.Int[0, int.MaxValue].Select(i => (int?)i), Gen.Const(default(int?)))
            from className in ClassNames
            select (new Entry(path, label, label is null ? className : null), $"{Csv.Escape(path)},{label?.ToString(CultureInfo.InvariantCulture) ?? className}");
        AssertRoundTrip(Files(lines, header: Gen.OneOf<string?>(null, "path,label", "image, Label")), "labels.csv", LabelFormat.Csv);
    }

    [Fact]
    public void Generated_kaggle_solution_files_round_trip()
    {
        var lines =
            from id in Gen.Char.AlphaNumeric.Array[1, 12].Select(chars => "ILSVRC2012_val_" + new string(chars))
            from synset in ClassNames
            from boxes in Gen.Int[1, 3]
            select (new Entry(id + ".JPEG", null, synset), $"{id},{string.Join(' ', Enumerable.Repeat($"{synset} 1 2 30 40", boxes))} ");
        AssertRoundTrip(Files(lines, header: Gen.Const((string?)LabelFileParser.KaggleHeader)), "LOC_val_solution.csv", LabelFormat.KaggleSolution);
    }

    [Fact]
    public void Any_text_parses_or_is_refused_with_a_dataset_exception()
    {
        Gen.Select(TextGen.AnyText, Gen.OneOf(LabelFormat.Auto, LabelFormat.CaffeValTxt, LabelFormat.KaggleSolution, LabelFormat.Csv), Gen.OneOf("val.txt", "labels.csv"))
            .Sample((text, format, name) =>
            {
                try
                {
                    LabelFileParser.Detect(name, text);
                    LabelFileParser.ParseClassList(text);
                    LabelFileParser.Parse(name, text, format);
                }
                catch (DatasetException)
                {
                    // The documented refusal: a malformed line, named.
                }
            });
    }

    private static Gen<LabelsFile> Files(Gen<(Entry Entry, string Line)> lines, Gen<string?>? header) =>
        from entries in lines.Array[0, 12]
        from fillers in Gen.Select(Gen.Bool, Fillers).Array[entries.Length + 1]
        from lineEnd in LineEnds
        from headerLine in header ?? Gen.Const((string?)null)
        from finalLineEnd in Gen.Bool
        select Compose(entries, fillers, lineEnd, headerLine, finalLineEnd);

    private static LabelsFile Compose((Entry Entry, string Line)[] entries, (bool Present, string Text)[] fillers, string lineEnd, string? header, bool finalLineEnd)
    {
        var lines = new List<string>();
        var expected = new List<(Entry, int)>();
        if (header is not null)
        {
            lines.Add(header);
        }

        for (var i = 0; i < entries.Length; i++)
        {
            // The header, where there is one, stays on line 1: the only line where it is a header.
            if (fillers[i].Present)
            {
                lines.Add(fillers[i].Text);
            }

            lines.Add(entries[i].Line);
            expected.Add((entries[i].Entry, lines.Count));
        }

        if (fillers[^1].Present)
        {
            lines.Add(fillers[^1].Text);
        }

        var text = string.Join(lineEnd, lines) + (finalLineEnd && lines.Count > 0 ? lineEnd : "");
        return new LabelsFile(text, expected);
    }

    private static void AssertRoundTrip(Gen<LabelsFile> files, string fileName, LabelFormat format)
    {
        files.Sample(file =>
        {
            foreach (var parsedAs in new[] { format, LabelFormat.Auto })
            {
                var parsed = LabelFileParser.Parse(fileName, file.Text, parsedAs);
                Assert.Equal(file.Expected.Count, parsed.Count);
                for (var i = 0; i < parsed.Count; i++)
                {
                    var (entry, line) = file.Expected[i];
                    Assert.Equal(new LabelEntry(entry.Path, entry.Index, entry.ClassName, line), parsed[i]);
                }
            }
        }, print: file => file.Text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n\n", StringComparison.Ordinal));
    }
}
