using SENet.Contracts.Jobs;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;

namespace SENet.Cluster.Tests;

/// <summary>A job of several models or views that cannot work is refused by the coordinator before any work, naming the model or option.</summary>
public sealed class MultiModelRefusalTests(CoordinatorOnlyFixture fixture) : IClassFixture<CoordinatorOnlyFixture>
{
    [Fact]
    public async Task AModelListWithOneModelOfTheWrongClassCountIsRefusedNamingItBeforeAnyWork()
    {
        var fourClasses = await ModelAsync("four-classes.onnx", classes: 4, inputSize: 32);
        var spec = fixture.Data.Spec("refused-classes") with { Models = [new("first", fixture.Data.ModelPath), new("wrong-head", fourClasses)] };

        var refused = await Assert.ThrowsAsync<JobRejectedException>(() => fixture.Grains.GetGrain<IEvaluationJobGrain>("refused-classes").StartAsync(spec));

        Assert.Equal("Model wrong-head (four-classes.onnx) outputs 4 classes but first outputs 5: the models of one job must score the same classes. Evaluate it in a job of its own.", refused.Message);
        AssertNothingDone("refused-classes", spec);
    }

    [Fact]
    public async Task AModelWhoseInputSizeNoViewCropsIsRefusedNamingIt()
    {
        var larger = await ModelAsync("larger-input.onnx", classes: 5, inputSize: 64);
        var spec = fixture.Data.Spec("refused-view") with
        {
            Models = [new("first", fixture.Data.ModelPath), new("larger", larger)],
            View = ViewSpec.Parse("32@1"),
            Views = [ViewSpec.Parse("32@1")],
        };

        var refused = await Assert.ThrowsAsync<JobRejectedException>(() => fixture.Grains.GetGrain<IEvaluationJobGrain>("refused-view").StartAsync(spec));

        Assert.StartsWith("Model larger (larger-input.onnx): --view 32@1 crops 32×32, but the model takes 64×64 images.", refused.Message);
        AssertNothingDone("refused-view", spec);
    }

    [Fact]
    public async Task AMissingModelIsRefusedNamingIt()
    {
        var spec = fixture.Data.Spec("refused-missing") with { Models = [new("first", fixture.Data.ModelPath), new("ghost", Path.Combine(fixture.Data.Folder, "ghost.onnx"))] };

        var refused = await Assert.ThrowsAsync<JobRejectedException>(() => fixture.Grains.GetGrain<IEvaluationJobGrain>("refused-missing").StartAsync(spec));

        Assert.StartsWith("Model ghost (ghost.onnx): ", refused.Message);
        AssertNothingDone("refused-missing", spec);
    }

    [Fact]
    public async Task AModelOfTheListOutsideTheClustersInputRootsIsRefused()
    {
        var spec = fixture.Data.Spec("refused-outside") with { Models = [new("first", fixture.Data.ModelPath), new("secret", "/etc/passwd")] };

        var refused = await Assert.ThrowsAsync<JobRejectedException>(() => fixture.Grains.GetGrain<IEvaluationJobGrain>("refused-outside").StartAsync(spec));

        Assert.Contains("--model '/etc/passwd' is outside the locations this cluster reads from (SENet:Storage:InputRoots", refused.Message);
        Assert.DoesNotContain("root:", refused.Message);
        AssertNothingDone("refused-outside", spec);
    }

    [Fact]
    public void AClientSeesEveryModelOfTheListWithoutItsSas()
    {
        var spec = fixture.Data.Spec("sas") with
        {
            ModelPath = "https://account.blob.core.windows.net/models/a.onnx?sv=1&sig=secret-a",
            Models = [new("a", "https://account.blob.core.windows.net/models/a.onnx?sv=1&sig=secret-a"), new("b", "https://account.blob.core.windows.net/models/b.onnx?sv=1&sig=secret-b")],
        };

        var seen = SENet.Grains.Jobs.ClientView.Redacted(spec);

        Assert.Equal(["https://account.blob.core.windows.net/models/a.onnx?<redacted>", "https://account.blob.core.windows.net/models/b.onnx?<redacted>"], seen.Models.Select(m => m.Path));
        Assert.Equal(["a", "b"], seen.Models.Select(m => m.Name));
    }

    [Fact]
    public async Task FastDecodeWithViewsOfDifferentResizeSizesIsRefused()
    {
        ViewSpec[] views = [ViewSpec.Parse("32@0.875"), ViewSpec.Parse("32@0.5")];
        var spec = fixture.Data.Spec("refused-fast") with { FastDecode = true, View = views[0], Views = views };

        var refused = await Assert.ThrowsAsync<JobRejectedException>(() => fixture.Grains.GetGrain<IEvaluationJobGrain>("refused-fast").StartAsync(spec));

        Assert.Contains("--fast-decode decodes each JPEG towards its resize size", refused.Message);
        AssertNothingDone("refused-fast", spec);
    }

    [Fact]
    public async Task StartingTheSameJobOfSeveralModelsAgainAnswersWithItsStatus()
    {
        JobSpec Spec() => fixture.Data.Spec("again") with
        {
            Models = [new("first", fixture.Data.ModelPath), new("again", fixture.Data.ModelPath)],
            View = ViewSpec.Center,
            Views = [ViewSpec.Center, ViewSpec.Parse("32@1")],
        };

        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("again");
        var first = await job.StartAsync(Spec());
        // A client retrying its submission (a coordinator failover, a lost answer) sends the same spec in new lists.
        var again = await job.StartAsync(Spec());

        Assert.Equal(first.JobId, again.JobId);
        Assert.NotEqual(JobState.NotStarted, again.State);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => job.StartAsync(Spec() with { Views = [ViewSpec.Center] }));
        Assert.Contains("with a different spec", refused.Message);
        await job.CancelAsync();
    }

    public static TheoryData<string, string> Inconsistent => new()
    {
        { "first-not-model-path", "The job's first model (Models[0]) must be its ModelPath" },
        { "same-name", "Two models are named 'first'" },
        { "slash-name", "Model name 'a/b' cannot name its output folder" },
        { "reserved-name", "Model name 'predictions' cannot name its output folder" },
        { "first-not-view", "The job's first view (Views[0]) must be its View" },
        { "views-of-a-reserved-file-name", "Model name 'predictions' cannot name its output folder" },
        { "view-twice", "--view center is given 2 times" },
        { "view-invalid", "--view 32@7 cannot work" },
    };

    [Theory]
    [MemberData(nameof(Inconsistent))]
    public async Task AnInconsistentListOfModelsOrViewsIsRefusedNamingTheProblem(string job, string expected)
    {
        var model = fixture.Data.ModelPath;
        var spec = fixture.Data.Spec(job);
        spec = job switch
        {
            "first-not-model-path" => spec with { Models = [new("a", Path.Combine(fixture.Data.Folder, "other.onnx")), new("b", model)] },
            "same-name" => spec with { Models = [new("first", model), new("First", model)] },
            "slash-name" => spec with { Models = [new("first", model), new("a/b", model)] },
            "reserved-name" => spec with { Models = [new("first", model), new("predictions", model)] },
            "first-not-view" => spec with { Views = [ViewSpec.Parse("32@1"), ViewSpec.Center] },
            "views-of-a-reserved-file-name" => spec with { ModelPath = Path.Combine(fixture.Data.Folder, "predictions.onnx"), Views = [ViewSpec.Center, ViewSpec.Parse("32@1")] },
            "view-twice" => spec with { Views = [ViewSpec.Center, ViewSpec.Center] },
            _ => spec with { Views = [ViewSpec.Center, new ViewSpec(CropView.Center, 32, 7)] },
        };

        var refused = await Assert.ThrowsAsync<JobRejectedException>(() => fixture.Grains.GetGrain<IEvaluationJobGrain>($"inconsistent-{job}").StartAsync(spec));

        Assert.Contains(expected, refused.Message);
        AssertNothingDone($"inconsistent-{job}", spec);
    }

    private void AssertNothingDone(string jobId, JobSpec spec)
    {
        Assert.False(Directory.Exists(spec.OutputFolder), "the refused job wrote outputs");
        Assert.Equal(JobState.NotStarted, fixture.Grains.GetGrain<IEvaluationJobGrain>(jobId).GetStatusAsync().GetAwaiter().GetResult().State);
    }

    private async Task<string> ModelAsync(string name, int classes, int inputSize)
    {
        var path = Path.Combine(fixture.Data.Folder, name);
        await File.WriteAllBytesAsync(path, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: classes, InputSize: inputSize, Seed: 9)));
        return path;
    }
}
