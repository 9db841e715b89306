using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

public sealed class JobSpecExtensionsTests
{
    [Fact]
    public void ASpecStoredBeforeLevelsExistedRunsAt95Percent()
    {
        // What a record stored by an earlier version deserializes to: the new field at its type's default.
        var stored = new JobSpec { ModelPath = "/m.onnx", DataPath = "/d" } with { ConfidenceLevel = 0 };

        Assert.Equal(0.95, stored.EffectiveConfidenceLevel());
        Assert.Equal(0.9, (stored with { ConfidenceLevel = 0.9 }).EffectiveConfidenceLevel());
    }

    [Fact]
    public void TheEngineGetsTheSpecsSettingsAsTheyAre()
    {
        var spec = new JobSpec
        {
            ModelPath = "/m.onnx",
            DataPath = "/d",
            LabelsFile = "/labels.csv",
            LabelFormat = LabelFormat.KaggleSolution,
            OnMissing = MissingPolicy.SkipAndReport,
            ClassSubsetFile = "/subset.txt",
            ClassSubsetMode = ClassSubsetMode.Argmax,
            CropPct = 0.9,
            Interpolation = Interpolation.Bicubic,
            Normalization = Normalization.Caffe,
            FastDecode = true,
            View = ViewSpec.Parse("tencrop@0.95"),
        };

        Assert.Equal(new DatasetSpec(LabelsFile: "/labels.csv", LabelFormat: LabelFormat.KaggleSolution, OnMissing: MissingPolicy.SkipAndReport,
            ClassSubsetFile: "/subset.txt", ClassSubsetMode: ClassSubsetMode.Argmax), spec.ToDatasetSpec());
        // The view's crop_pct wins over --crop-pct.
        Assert.Equal(new PreprocessSpec(32, 0.95, Interpolation.Bicubic, Normalization.Caffe, FastDecode: true, CropView.TenCrop), spec.ToPreprocessSpec(32));
    }
}
