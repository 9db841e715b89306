using System.Text;
using SENet.Client.Suites;

namespace SENet.Client.Tests.Suites;

public sealed class SuiteFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("senet-suitefile-").FullName;

    private SuiteFile Parse(string json) => SuiteFile.Parse("suite.json", Encoding.UTF8.GetBytes(json), _folder);

    [Fact]
    public void EntriesKeepTheirOrderLinesAndOptionsWithRelativePathsReadFromTheSuitesFolder()
    {
        var suite = Parse("""
            // the ImageNet family
            {
              "datasets": [
                { "name": "imagenet", "data": "val" },
                {
                  "name": "imagenet-real",
                  "data": "/data/val",
                  "real-labels": "real.json",   // beside the suite
                  "view": "tencrop",
                },
                { "name": "v2", "data": "az://sets/v2", "layout": "class-indices" },
              ],
            }
            """);

        Assert.Equal(["imagenet", "imagenet-real", "v2"], suite.Entries.Select(e => e.Name));
        Assert.Equal([4, 5, 11], suite.Entries.Select(e => e.Line));
        Assert.Equal(Path.Combine(_folder, "val"), suite.Entries[0]["data"]);
        Assert.Equal(Path.Combine(_folder, "real.json"), suite.Entries[1]["real-labels"]);
        Assert.Equal(["--data", "/data/val", "--real-labels", Path.Combine(_folder, "real.json"), "--view", "tencrop"], suite.Entries[1].Tokens());
        Assert.Equal("az://sets/v2", suite.Entries[2]["data"]);
        Assert.Equal(SuiteLayout.ClassIndices, suite.Entries[2].Layout);
        Assert.Equal("suite.json line 5, dataset 2 'imagenet-real'", suite.Entries[1].Where("suite.json"));
    }

    [Fact]
    public void EveryBadEntryIsRefusedAtOnceNamingItsLineAndHowToFixIt()
    {
        var error = Assert.Throws<SuiteFileException>(() => Parse("""
            {"datasets": [
              {"name": "imagenet", "data": "/d/val"},
              {"name": "real", "data": "/d/val", "real_labels": "real.json"},
              {"name": "ImageNet", "data": "/d/other"},
              {"name": "a", "class-subset": "a.txt"},
              {"name": "../up", "data": "/d/x", "layout": "sideways"},
              {"name": "flat", "data": "/d/flat", "layout": "flat"},
              {"name": "mode", "data": "/d/a", "class-subset-mode": "argmax", "view": 224}
            ]}
            """));

        Assert.Contains("suite.json line 3, dataset 2: unknown key \"real_labels\": write \"real-labels\"", error.Message);
        Assert.Contains("suite.json line 4, dataset 3 'ImageNet': the name is already dataset 1's (line 2); names must be unique", error.Message);
        Assert.Contains("suite.json line 5, dataset 4 'a': \"data\" is missing", error.Message);
        Assert.Contains("suite.json line 6, dataset 5: name '../up' cannot work", error.Message);
        Assert.Contains("suite.json line 6, dataset 5: layout 'sideways' cannot work: it must be one of auto, imagefolder, flat, class-indices, wordnet-ids", error.Message);
        Assert.Contains("suite.json line 7, dataset 6: layout flat needs \"labels\"", error.Message);
        Assert.Contains("suite.json line 8, dataset 7: \"view\" must be a non-empty string, not 224", error.Message);
        Assert.Contains("suite.json line 8, dataset 7: \"class-subset-mode\" without \"class-subset\"", error.Message);
        Assert.Contains("nothing was evaluated", error.Message);
        Assert.Equal(8, error.Problems.Count);
    }

    [Theory]
    [InlineData("{\"datasets\": [}", "suite.json line 1: not valid JSON")]
    [InlineData("[{\"name\": \"a\", \"data\": \"d\"}]", "a suite is an object with a \"datasets\" array")]
    [InlineData("{\"datasets\": []}", "\"datasets\" is empty")]
    [InlineData("{\"datasets\": [\"/d/val\"]}", "dataset 1: an entry is an object")]
    [InlineData("{\"model\": \"m.onnx\",\n \"datasets\": [{\"name\": \"a\", \"data\": \"d\"}]}", "suite.json line 1: unknown key \"model\" at the top")]
    public void AFileThatIsNoSuiteIsRefusedSayingWhatASuiteIs(string json, string expected)
    {
        var error = Assert.Throws<SuiteFileException>(() => Parse(json));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void MissingLocalFilesAndAWrongDeclaredLayoutAreNamedByEntry()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "v2", "n01440764"));
        Directory.CreateDirectory(Path.Combine(_folder, "val", "n01440764"));
        var suite = Parse("""
            {"datasets": [
              {"name": "val", "data": "val", "layout": "wordnet-ids"},
              {"name": "v2", "data": "v2", "layout": "class-indices"},
              {"name": "real", "data": "val", "real-labels": "nope.json", "class-subset": "https://acct.blob.core.windows.net/c/a.txt"},
              {"name": "gone", "data": "missing"}
            ]}
            """);

        var problems = suite.LocalProblems();

        Assert.Equal(3, problems.Count);
        Assert.StartsWith("suite.json line 3, dataset 2 'v2': layout class-indices (ImageNet-V2: folders 0 … 999) does not match the class folders (n01440764, …)", problems[0]);
        Assert.Equal($"suite.json line 4, dataset 3 'real': real-labels file '{Path.Combine(_folder, "nope.json")}' does not exist. Fix the path (a relative one is read from the suite file's folder).", problems[1]);
        Assert.StartsWith($"suite.json line 5, dataset 4 'gone': data folder '{Path.Combine(_folder, "missing")}' does not exist.", problems[2]);
    }

    [Theory]
    [InlineData("/o", "imagenet", "/o/imagenet")]
    [InlineData("az://results/run1/", "imagenet", "az://results/run1/imagenet")]
    [InlineData("https://a.blob.core.windows.net/c/run?sv=1&sig=x", "v2", "https://a.blob.core.windows.net/c/run/v2?sv=1&sig=x")]
    public void ADatasetsOutputsGoUnderTheSuitesBeforeAnySasQuery(string output, string dataset, string expected) =>
        Assert.Equal(expected, SuitePlan.Child(output, dataset));

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
