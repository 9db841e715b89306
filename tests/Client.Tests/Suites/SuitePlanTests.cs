using System.CommandLine;
using System.Text;
using SENet.Client.Commands;
using SENet.Contracts.Jobs;
using SENet.Client.Suites;

namespace SENet.Client.Tests.Suites;

/// <summary>Each entry's spec is the single run's for the same command line with the entry's options in place of --suite.</summary>
public sealed class SuitePlanTests
{
    private readonly EvaluationOptions _options = new();
    private readonly Option<string?> _data = new("--data");
    private readonly Option<string?> _suite = EvaluateCommand.SuiteOption();
    private readonly Option<string> _model = new("--model");
    private readonly RootCommand _root = new();

    public SuitePlanTests()
    {
        var evaluate = new Command("evaluate") { _data, _suite, _model };
        _options.AddTo(evaluate);
        _root.Subcommands.Add(evaluate);
    }

    private SuitePlan Plan(string json, params string[] args)
    {
        var parse = _root.Parse(args);
        Assert.Empty(parse.Errors);
        var suite = SuiteFile.Parse("s.json", Encoding.UTF8.GetBytes(json), "/suites");
        return SuitePlan.Create(parse, suite, "suite-1", parse.GetValue(_options.Output), entry => _options.ToJobSpec(entry, entry.GetValue(_model)!, entry.GetValue(_data)!, DevicePolicy.Cpu),
            [_data, .. _options.PerDataset], checkLocalFiles: false);
    }

    [Fact]
    public void TheCommandLineIsEveryEntrysDefaultAndAnEntrysOwnValueWins()
    {
        var plan = Plan("""
            {"datasets": [
              {"name": "a", "data": "a"},
              {"name": "b", "data": "/data/b", "view": "center", "class-subset": "sub.txt", "class-subset-mode": "masked"}
            ]}
            """, "evaluate", "--suite=s.json", "--model", "/m.onnx", "--view", "tencrop", "--class-subset-mode", "argmax", "--batch-size", "20", "--out", "/o");

        var (a, b) = (plan.Jobs[0], plan.Jobs[1]);
        Assert.Equal(("suite-1.a", "suite-1.b"), (a.JobId, b.JobId));
        Assert.Equal(("/suites/a", "/data/b"), (a.Spec.DataPath, b.Spec.DataPath));
        Assert.Equal(("tencrop", "center"), ($"{a.Spec.View}", $"{b.Spec.View}"));
        Assert.Equal("masked", $"{b.Spec.ClassSubsetMode}".ToLowerInvariant());
        Assert.Equal(("/suites/sub.txt", null), (b.Spec.ClassSubsetFile, a.Spec.ClassSubsetFile));
        Assert.Equal((20, 20), (a.Spec.BatchSize, b.Spec.BatchSize));
        Assert.Equal(("/o/a", "/o/b"), (a.Spec.OutputFolder, b.Spec.OutputFolder));
        Assert.Equal(("s/a", "/m.onnx"), (a.Spec.Name, a.Spec.ModelPath));
    }

    [Fact]
    public void AnEntrysValueIsCheckedByTheOptionsOwnRulesAndNamed()
    {
        var error = Assert.Throws<SuiteFileException>(() => Plan("""
            {"datasets": [
              {"name": "a", "data": "a", "class-subset": "s.txt", "class-subset-mode": "top"},
              {"name": "b", "data": "b", "label-format": "yaml", "labels": "l.txt"}
            ]}
            """, "evaluate", "--suite", "s.json", "--model", "/m.onnx", "--out", "/o"));

        Assert.Contains("s.json line 2, dataset 1 'a': --class-subset-mode top cannot work: it must be one of masked, argmax.", error.Problems);
        Assert.Contains("s.json line 3, dataset 2 'b': --label-format yaml cannot work: it must be one of auto, caffe, kaggle, csv.", error.Problems);
    }
}
