using SENet.Evaluation.Comparison;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Tests.Comparison;

public sealed class PredictionsCsvReaderTests
{
    private static readonly ImagePrediction[] Rows =
    [
        new("plain/a.jpg", 3, [3, 1, 2, 0, 4], [0.5f, 0.2f, 0.1f, 0.1f, 0.05f]),
        new("odd, \"name\"\nwith a break.jpg", 1, [0, 1], [0.75f, 0.25f]) { Note = "Corrupt JPEG data: 1 extraneous bytes" },
    ];

    private static string Written()
    {
        var text = new StringWriter();
        using (var writer = new PredictionsCsvWriter(text))
        {
            foreach (var row in Rows)
            {
                writer.Write(row);
            }
        }

        return text.ToString();
    }

    [Fact]
    public void ReadsBackWhatTheWriterWrites()
    {
        var read = PredictionsCsvReader.Read(Written(), "test").ToList();

        Assert.Equal(Rows.Select(r => (r.ImageId, r.Label, r.Note)), read.Select(r => (r.ImageId, r.Label, r.Note)));
        Assert.Equal(Rows.Select(r => r.TopClasses.ToArray()), read.Select(r => r.TopClasses.ToArray()));
        Assert.Equal(Rows.Select(r => r.TopProbabilities.ToArray()), read.Select(r => r.TopProbabilities.ToArray()));
    }

    [Fact]
    public void ColumnsAreFoundByNameSoAddedColumnsAreSkipped()
    {
        var csv = "image,label,label_name,top1,top1_name,top2,top3,top4,top5,prob1,prob2,prob3,prob4,prob5,note\n" +
                  "a.jpg,2,\"fox, red\",2,\"fox, red\",1,0,3,4,0.9,0.05,0.02,0.02,0.01,\n";

        var row = Assert.Single(PredictionsCsvReader.Read(csv, "test"));

        Assert.Equal(("a.jpg", 2, 2, 0.9f), (row.ImageId, row.Label, row.TopClasses[0], row.TopProbabilities[0]));
    }

    [Fact]
    public void AFileThatIsNoPredictionsCsvIsRefusedNamingTheColumn()
    {
        var refused = Assert.Throws<InvalidDataException>(() => PredictionsCsvReader.Read("model,top1\nx,1\n", "B: results.csv").ToList());

        Assert.Contains("B: results.csv has no 'image' column", refused.Message);
    }

    [Fact]
    public async Task AJobFolderIsReadFromItsShardPartsSkippingShardsWithoutAPart()
    {
        using var folder = new TempFolder();
        var part = Written();
        folder.Write("manifest/shard-000000.json", "[]");
        folder.Write("manifest/shard-000001.json", "[]");
        folder.Write("manifest/shard-000002.json", "[]");
        folder.Write("predictions/shard-000000.csv", part);
        folder.Write("predictions/shard-000002.csv", part.Replace("plain/a.jpg", "plain/b.jpg").Replace("with a break", "again"));
        folder.Write("report.json", "{\"model\": \"seresnet18\", \"per_class\": [{\"class_index\": 0, \"name\": \"tench\"}]}");

        var job = await EvaluatedJob.LoadAsync(OutputStores.Open(folder.Path, new StorageOptions()), CancellationToken.None);

        Assert.Equal(4, job.Predictions.Count);
        Assert.Equal("seresnet18", job.Model);
        Assert.Equal("tench", job.ClassName(0));
        Assert.Equal("", job.ClassName(7));
    }

    [Fact]
    public async Task AFolderWithOnlyAJoinedPredictionsCsvIsReadAndAnEmptyOneRefused()
    {
        using var joined = new TempFolder();
        joined.Write("predictions.csv", Written());
        using var empty = new TempFolder();

        var job = await EvaluatedJob.LoadAsync(OutputStores.Open(joined.Path, new StorageOptions()), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<FileNotFoundException>(() => EvaluatedJob.LoadAsync(OutputStores.Open(empty.Path, new StorageOptions()), CancellationToken.None));

        Assert.Equal(2, job.Predictions.Count);
        Assert.Null(job.Report);
        Assert.Contains("No predictions under", refused.Message);
    }
}
