using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SENet.Client.Commands;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Reproducibility;

namespace SENet.Client.Tests;

/// <summary>
/// The job's settings are parsed once, at the CLI's edge, into the spec's types: the names a user types, the errors a
/// wrong name gets and the help are what they were when the spec held strings.
/// </summary>
public sealed class JobSpecOptionsTests
{
    // The messages as the string-typed spec's CLI wrote them, word for word.
    [Theory]
    [InlineData("--label-format", "caffe-val", "--label-format caffe-val cannot work: it must be one of auto, caffe, kaggle, csv.")]
    [InlineData("--on-missing", "skip", "--on-missing skip cannot work: it must be one of fail, skip-and-report.")]
    [InlineData("--interpolation", "Bilinear", "--interpolation Bilinear cannot work: it must be one of bilinear, bicubic.")]
    [InlineData("--normalization", "torch", "--normalization torch cannot work: it must be one of imagenet, caffe.")]
    [InlineData("--outputs", "softmax", "--outputs softmax cannot work: it must be one of auto, logits, probabilities.")]
    [InlineData("--class-subset-mode", "mask", "--class-subset-mode mask cannot work: it must be one of masked, argmax.")]
    [InlineData("--view", "224", "--view 224 cannot work: use center, tencrop, SIZE@CROP_PCT (e.g. 224@0.875), tencrop@CROP_PCT or SIZE@CROP_PCT/tencrop, with a crop_pct above 0 and at most 1.")]
    public async Task AWrongNameIsRefusedWhileParsingNamingTheOptionAndItsNames(string option, string value, string expected)
    {
        var (exitCode, _, stderr) = await CliRunner.RunAsync("evaluate", "--data", "/nonexistent/senet-data", "--model", "/nonexistent/m.onnx", option, value);

        Assert.Equal(1, exitCode);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("does not exist", stderr);
    }

    [Theory]
    [InlineData("--device", "gpu", "--device gpu cannot work: it must be one of auto, cpu.")]
    [InlineData("--device-policy", "cuda", "--device-policy cuda cannot work: it must be one of auto, cpu.")]
    [InlineData("--interpolation", "nearest", "--interpolation nearest cannot work: it must be one of bilinear, bicubic.")]
    public async Task SubmitRefusesAWrongNameBeforeConnecting(string option, string value, string expected)
    {
        var (exitCode, _, stderr) = await CliRunner.RunAsync("submit", "--data", "/d", "--model", "/m.onnx", option, value, "--gateway", "1");

        Assert.Equal(1, exitCode);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("No SENet cluster answered", stderr);
    }

    [Fact]
    public async Task HelpListsTheNamesAndTheirDefaults()
    {
        var (_, help, _) = await CliRunner.RunAsync("evaluate", "--help");

        foreach (var (option, names, fallback) in new[]
        {
            ("--label-format", "auto|caffe|kaggle|csv", "auto"),
            ("--on-missing", "fail|skip-and-report", "fail"),
            ("--interpolation", "bilinear|bicubic", "bilinear"),
            ("--normalization", "imagenet|caffe", "imagenet"),
            ("--outputs", "auto|logits|probabilities", "auto"),
            ("--class-subset-mode", "masked|argmax", "masked"),
        })
        {
            var line = help.Split('\n').Single(l => l.TrimStart().StartsWith($"{option} <", StringComparison.Ordinal));
            Assert.Contains($"{option} <{names}>", line);
            Assert.Contains($"[default: {fallback}]", help[help.IndexOf(line, StringComparison.Ordinal)..].Split("--", 3)[1]);
        }
    }

    public static TheoryData<string[], Func<JobSpec, object>, object> Named => new()
    {
        { [], s => (s.LabelFormat, s.OnMissing, s.Interpolation, s.Normalization, s.Outputs, s.View, s.ClassSubsetMode),
            (LabelFormat.Auto, MissingPolicy.Fail, Interpolation.Bilinear, Normalization.ImageNet, OutputKind.Auto, new ViewSpec(CropView.Center), ClassSubsetMode.Masked) },
        { ["--label-format", "caffe"], s => s.LabelFormat, LabelFormat.CaffeValTxt },
        { ["--label-format", "kaggle"], s => s.LabelFormat, LabelFormat.KaggleSolution },
        { ["--label-format", "csv"], s => s.LabelFormat, LabelFormat.Csv },
        { ["--on-missing", "skip-and-report"], s => s.OnMissing, MissingPolicy.SkipAndReport },
        { ["--interpolation", "bicubic"], s => s.Interpolation, Interpolation.Bicubic },
        { ["--normalization", "caffe"], s => s.Normalization, Normalization.Caffe },
        { ["--outputs", "logits"], s => s.Outputs, OutputKind.Logits },
        { ["--outputs", "probabilities"], s => s.Outputs, OutputKind.Probabilities },
        { ["--class-subset-mode", "argmax"], s => s.ClassSubsetMode, ClassSubsetMode.Argmax },
        { ["--view", "tencrop"], s => s.View, new ViewSpec(CropView.TenCrop) },
        { ["--view", "224@0.95/tencrop"], s => s.View, new ViewSpec(CropView.TenCrop, 224, 0.95) },
    };

    [Theory]
    [MemberData(nameof(Named))]
    public void EachNameBecomesItsValueInTheSpec(string[] args, Func<JobSpec, object> read, object expected)
    {
        var options = new EvaluationOptions();
        var command = new Command("evaluate");
        options.AddTo(command);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);

        Assert.Equal(expected, read(options.ToJobSpec(parse, "m.onnx", "data", DevicePolicy.Cpu)));
    }

    [Fact]
    public void ATypedSpecCrossesTheWireAsItIs()
    {
        using var services = new ServiceCollection().AddSerializer(serializer => serializer.AddAssembly(typeof(JobSpec).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer<JobSpec>>();
        var spec = new JobSpec
        {
            ModelPath = "/m.onnx",
            DataPath = "/d",
            LabelFormat = LabelFormat.Csv,
            OnMissing = MissingPolicy.SkipAndReport,
            Interpolation = Interpolation.Bicubic,
            Normalization = Normalization.Caffe,
            DevicePolicy = DevicePolicy.Cpu,
            Outputs = OutputKind.Probabilities,
            View = new ViewSpec(CropView.TenCrop, 240, 0.9),
            ClassSubsetMode = ClassSubsetMode.Argmax,
        };

        Assert.Equal(spec, serializer.Deserialize(serializer.SerializeToArray(spec)));
        Assert.Equal(new JobSpec { ModelPath = "/m.onnx", DataPath = "/d" }, serializer.Deserialize(serializer.SerializeToArray(new JobSpec { ModelPath = "/m.onnx", DataPath = "/d" })));
    }

    [Fact]
    public void ARerunReadsTheRecordsNamesIntoTheTypedSpec()
    {
        var record = Record() with { LabelFormat = "kaggle", OnMissing = "skip-and-report", DevicePolicy = "cpu" };

        var spec = RerunCommand.ToJobSpec(record, null);

        Assert.Equal((LabelFormat.KaggleSolution, MissingPolicy.SkipAndReport, Interpolation.Bicubic, Normalization.Caffe, DevicePolicy.Cpu),
            (spec.LabelFormat, spec.OnMissing, spec.Interpolation, spec.Normalization, spec.DevicePolicy));
    }

    [Fact]
    public void ARerunOfARecordNamingAnUnknownSettingIsRefusedNamingIt()
    {
        var error = Assert.Throws<InvalidDataException>(() => RerunCommand.ToJobSpec(Record() with { LabelFormat = "tfrecord" }, null));

        Assert.Equal("The report's reproducibility record gives label-format 'tfrecord', which this version does not know: it knows auto, caffe, kaggle, csv.", error.Message);
    }

    private static ReproducibilityRecord Record() => new()
    {
        ModelLocation = "/m.onnx",
        DatasetLocation = "/d",
        Preprocessing = new PreprocessingRecord(256, 224, 0.875, "bicubic", true, "BGR", 255, [104, 117, 123], [1, 1, 1], false),
        OnnxRuntimeVersion = "1.31.0",
        ProjectVersion = "test",
        Commit = "test",
    };
}
