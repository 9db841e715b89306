using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;

namespace SENet.Cluster.Tests;

/// <summary>A client calling the coordinator directly (no CLI in between) with values that cannot work is refused before any work.</summary>
public sealed class JobSpecValidationTests(CoordinatorOnlyFixture fixture) : IClassFixture<CoordinatorOnlyFixture>
{
    public static TheoryData<string, string> Refused => new()
    {
        { "crop-nan", "--crop-pct NaN" },
        { "crop-zero", "--crop-pct 0" },
        { "crop-two", "--crop-pct 2" },
        { "crop-negative", "--crop-pct -1" },
        { "pixels-zero", "--max-pixels 0" },
        { "pixels-negative", "--max-pixels -5" },
        { "batch-zero", "--batch-size 0" },
        { "shard-negative", "--shard-size -1" },
        { "failed-nan", "--max-failed NaN%" },
        { "level-one", "--confidence-level 1" },
        // Settings the CLI sends only by name; a direct client may send any number.
        { "outputs-undefined", "--outputs 9" },
        { "label-format-undefined", "--label-format 7" },
        { "on-missing-undefined", "--on-missing 2" },
        { "interpolation-undefined", "--interpolation 5" },
        { "normalization-undefined", "--normalization 3" },
        { "device-undefined", "--device 4" },
        { "subset-mode-undefined", "--class-subset-mode 2" },
        { "view-crop-pct", "--view 224@5" },
        { "view-none", "--view (none)" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task TheCoordinatorRefusesASpecThatCannotWorkNamingTheOption(string job, string expected)
    {
        var spec = fixture.Data.Spec(job);
        spec = job switch
        {
            "crop-nan" => spec with { CropPct = double.NaN },
            "crop-zero" => spec with { CropPct = 0 },
            "crop-two" => spec with { CropPct = 2 },
            "crop-negative" => spec with { CropPct = -1 },
            "pixels-zero" => spec with { MaxPixels = 0 },
            "pixels-negative" => spec with { MaxPixels = -5 },
            "batch-zero" => spec with { BatchSize = 0 },
            "shard-negative" => spec with { ShardSize = -1 },
            "level-one" => spec with { ConfidenceLevel = 1 },
            "outputs-undefined" => spec with { Outputs = (OutputKind)9 },
            "label-format-undefined" => spec with { LabelFormat = (LabelFormat)7 },
            "on-missing-undefined" => spec with { OnMissing = (MissingPolicy)2 },
            "interpolation-undefined" => spec with { Interpolation = (Interpolation)5 },
            "normalization-undefined" => spec with { Normalization = (Normalization)3 },
            "device-undefined" => spec with { DevicePolicy = (DevicePolicy)4 },
            "subset-mode-undefined" => spec with { ClassSubsetMode = (ClassSubsetMode)2 },
            "view-crop-pct" => spec with { View = new ViewSpec(CropView.Center, 224, 5) },
            "view-none" => spec with { View = null! },
            _ => spec with { MaxFailed = new FailureThreshold(null, double.NaN) },
        };

        var refused = await Assert.ThrowsAsync<JobRejectedException>(() => fixture.Grains.GetGrain<IEvaluationJobGrain>($"invalid-{job}").StartAsync(spec));

        Assert.Contains($"{expected} cannot work", refused.Message);
        Assert.False(Directory.Exists(spec.OutputFolder), "the refused job wrote outputs");
        Assert.Equal(JobState.NotStarted, (await fixture.Grains.GetGrain<IEvaluationJobGrain>($"invalid-{job}").GetStatusAsync()).State);
    }
}
