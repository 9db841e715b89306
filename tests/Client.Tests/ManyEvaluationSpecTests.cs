using System.CommandLine;
using System.Text;
using SENet.Client.Commands;
using SENet.Client.Suites;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Imaging;

namespace SENet.Client.Tests;

/// <summary>
/// Several <c>--model</c>, <c>--models</c> lines and <c>--view</c> become one job's <see cref="JobSpec.Models"/> and
/// <see cref="JobSpec.Views"/>, checked before any connection: the first model and view are the spec's own, names are
/// the models file's or the file names, two of one name are refused.
/// </summary>
public sealed class ManyEvaluationSpecTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("senet-manyspec-").FullName;

    private readonly EvaluationOptions _options = new();
    private readonly Option<string?> _data = new("--data");
    private readonly Option<string?> _suite = EvaluateCommand.SuiteOption();
    private readonly Option<string[]> _model = new("--model");
    private readonly Option<string?> _models = new("--models");
    private readonly RootCommand _root = new();

    public ManyEvaluationSpecTests()
    {
        var evaluate = new Command("evaluate") { _data, _suite, _model, _models };
        _options.AddTo(evaluate);
        _root.Subcommands.Add(evaluate);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private JobSpec Spec(ParseResult parse) =>
        _options.ToJobSpec(parse, ModelList.ToJobModels(ModelList.From(parse.GetValue(_model) ?? [], parse.GetValue(_models))), parse.GetValue(_data)!, DevicePolicy.Cpu);

    private ParseResult Parse(params string[] args)
    {
        var parse = _root.Parse(args);
        Assert.Empty(parse.Errors);
        return parse;
    }

    [Fact]
    public void SeveralModelsAndViewsAreOneSpecWhoseFirstModelAndViewAreItsOwn()
    {
        var list = Path.Combine(_folder, "zoo.txt");
        File.WriteAllLines(list, ["# the zoo", "fp16 = nets/m-fp16.onnx  # float16", "", "/abs/other.onnx"]);

        var spec = Spec(Parse("evaluate", "--data", "/d", "--model", "/m/first.onnx", "--models", list, "--view", "224@0.875", "--view", "tencrop", "--view", "224@0.875"));

        Assert.Equal([new JobModel("first", "/m/first.onnx"), new JobModel("fp16", Path.Combine(_folder, "nets", "m-fp16.onnx")), new JobModel("other", "/abs/other.onnx")], spec.Models);
        Assert.Equal("/m/first.onnx", spec.ModelPath);
        // A repeated view is one evaluation.
        Assert.Equal([ViewSpec.Parse("224@0.875"), ViewSpec.Parse("tencrop")], spec.Views);
        Assert.Equal(spec.Views[0], spec.View);
        Assert.Equal(["first/224@0.875", "first/tencrop", "fp16/224@0.875", "fp16/tencrop", "other/224@0.875", "other/tencrop"], JobEvaluations.Of(spec).Select(e => e.Folder));
    }

    [Fact]
    public void OneModelAndOneViewAreAJobOfOneAsBefore()
    {
        var spec = Spec(Parse("evaluate", "--data", "/d", "--model", "/m/only.onnx", "--view", "tencrop"));

        Assert.Equal(([], [], "/m/only.onnx", ViewSpec.Parse("tencrop")), (spec.Models, spec.Views, spec.ModelPath, spec.View));
        Assert.Equal([""], JobEvaluations.Of(spec).Select(e => e.Folder));
    }

    [Fact]
    public void TwoModelsOfOneNameAreRefusedNamingIt()
    {
        var list = Path.Combine(_folder, "zoo.txt");
        File.WriteAllLines(list, ["Net = a.onnx", "b/net.onnx"]);

        var error = Assert.Throws<ArgumentException>(() => Spec(Parse("evaluate", "--data", "/d", "--models", list)));

        Assert.Equal("Two models are named 'Net': their outputs would share OUT/Net/. Give each its own name (NAME=PATH in a models file, or distinct file names).", error.Message);
    }

    [Fact]
    public async Task SubmitRefusesTwoModelsOfOneNameBeforeConnecting()
    {
        // Port 1 has no gateway: the refusal comes before any connection is tried.
        var (exitCode, _, stderr) = await CliRunner.RunAsync("submit", "--data", _folder, "--model", "/x/m.onnx", "--model", "/y/m.onnx", "--gateway", "1");

        Assert.Equal(1, exitCode);
        Assert.Contains("error: Two models are named 'm'", stderr);
    }

    [Fact]
    public void ASuitesEveryEntryCarriesEveryModelAndAnEntrysOwnViewReplacesTheCommandLines()
    {
        var parse = Parse("evaluate", "--suite", "s.json", "--model", "/m/a.onnx", "--model", "/m/b.onnx", "--view", "center", "--view", "64@1", "--out", "/o");
        var suite = SuiteFile.Parse("s.json", Encoding.UTF8.GetBytes("""
            {"datasets": [
              {"name": "plain", "data": "plain"},
              {"name": "ten", "data": "ten", "view": "tencrop"}
            ]}
            """), "/suites");

        var plan = SuitePlan.Create(parse, suite, "suite-1", "/o", Spec, [_data, .. _options.PerDataset], checkLocalFiles: false);

        Assert.All(plan.Jobs, j => Assert.Equal([new JobModel("a", "/m/a.onnx"), new JobModel("b", "/m/b.onnx")], j.Spec.Models));
        Assert.Equal(["a/center", "a/64@1", "b/center", "b/64@1"], JobEvaluations.Of(plan.Jobs[0].Spec).Select(e => e.Folder));
        Assert.Equal(["a", "b"], JobEvaluations.Of(plan.Jobs[1].Spec).Select(e => e.Folder));
        Assert.Equal(ViewSpec.Parse("tencrop"), plan.Jobs[1].Spec.View);
    }
}
