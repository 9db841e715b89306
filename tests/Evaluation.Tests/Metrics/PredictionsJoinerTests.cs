using System.Text;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Tests.Metrics;

public sealed class PredictionsJoinerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task PartsJoinUnderOneHeaderSortedByImageWithMultiLineRecordsWhole()
    {
        var outputs = new LocalOutputStore(_folder.Path);
        var header = PredictionsCsvWriter.Header;
        // Shard 0 holds later names than shard 2; shard 1 has no part (never finished); a note spans two lines.
        await Write(outputs, 0, $"{header}\nm.jpg,1,1,,,,,0.9,,,,,,,,,,,\n\"z, q.jpg\",0,0,,,,,1,,,,,\"line one\nline two\",,,,,,\n");
        await Write(outputs, 2, $"{header}\r\na.jpg,0,1,,,,,0.6,,,,,,,,,,,\r\n\"\"\"quoted\"\".jpg\",2,2,,,,,0.5,,,,,,,,,,,\r\n");

        var joined = await PredictionsJoiner.JoinAsync(outputs, shards: 3, CancellationToken.None);

        var records = PredictionsJoiner.Records(Encoding.UTF8.GetString(joined.Csv)).ToList();
        Assert.Equal((4, 2), (joined.Rows, joined.Parts));
        Assert.Equal(header, records[0]);
        Assert.Equal(["\"quoted\".jpg", "a.jpg", "m.jpg", "z, q.jpg"], records.Skip(1).Select(PredictionsJoiner.FirstField));
        Assert.EndsWith("\"line one\nline two\",,,,,,", records[4]);
    }

    [Fact]
    public async Task AJobWithNoPartsJoinsToTheHeaderAlone()
    {
        var joined = await PredictionsJoiner.JoinAsync(new LocalOutputStore(_folder.Path), shards: 2, CancellationToken.None);

        Assert.Equal(PredictionsCsvWriter.Header + "\n", Encoding.UTF8.GetString(joined.Csv));
        Assert.Equal((0, 0), (joined.Rows, joined.Parts));
    }

    private static Task Write(IOutputStore outputs, int shard, string text) =>
        outputs.WriteAsync(JobOutputNames.PredictionsPart(shard), Encoding.UTF8.GetBytes(text), CancellationToken.None);

    public void Dispose() => _folder.Dispose();
}
