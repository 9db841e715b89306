using System.CommandLine;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Client.Commands;

/// <summary>The options every evaluating verb shares: labels, preprocessing, device and pipeline bounds, outputs.</summary>
public sealed class EvaluationOptions
{
    public Option<FileInfo?> Labels { get; } = new("--labels") { Description = "Labels file: Caffe val.txt, Kaggle LOC_val_solution.csv, or path,label CSV." };

    public Option<string> LabelFormat { get; } = Choice("--label-format", "auto", "Labels format.", "auto", "caffe", "kaggle", "csv");

    public Option<FileInfo?> ClassList { get; } = new("--class-list") { Description = "The dataset's classes in label order (e.g. LOC_synset_mapping.txt)." };

    public Option<FileInfo?> ModelClasses { get; } = new("--model-classes") { Description = "The model's classes in output order, when it differs from the dataset's (e.g. the paper's Caffe release)." };

    public Option<string> OnMissing { get; } = Choice("--on-missing", "fail", "Missing labels, unknown classes, duplicates, missing images: fail before reading, or skip and report each.", "fail", "skip-and-report");

    public Option<string> Device { get; } = new("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };

    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Images per inference batch.", DefaultValueFactory = _ => 32 };

    public Option<int> Threads { get; } = new("--threads") { Description = "ONNX Runtime intra-op threads (0: one per core).", DefaultValueFactory = _ => 0 };

    public Option<int> DecodeWorkers { get; } = new("--decode-workers") { Description = "Decode + preprocess workers (0: one per core).", DefaultValueFactory = _ => 0 };

    public Option<int> ReadConcurrency { get; } = new("--read-concurrency") { Description = "Files read at once.", DefaultValueFactory = _ => 8 };

    public Option<double> CropPct { get; } = new("--crop-pct") { Description = "Resize the shorter side to floor(crop / crop_pct), then centre crop.", DefaultValueFactory = _ => 0.875 };

    public Option<string> Interpolation { get; } = Choice("--interpolation", "bilinear", "Resize filter (antialiased as PIL).", "bilinear", "bicubic");

    public Option<string> Normalization { get; } = Choice("--normalization", "imagenet", "imagenet (RGB, mean/std) or caffe (BGR 0-255 minus mean).", "imagenet", "caffe");

    public Option<bool> FastDecode { get; } = new("--fast-decode") { Description = "Decode large JPEGs at reduced DCT scale (faster, not bit-exact with PIL)." };

    public Option<long> MaxPixels { get; } = new("--max-pixels") { Description = "Refuse images declaring more pixels (decompression bombs).", DefaultValueFactory = _ => 178_956_970L };

    public Option<DirectoryInfo?> Output { get; } = new("--out") { Description = "Folder for report.json, results.csv and predictions.csv." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Labels, LabelFormat, ClassList, ModelClasses, OnMissing, Device, BatchSize, Threads, DecodeWorkers, ReadConcurrency, CropPct, Interpolation, Normalization, FastDecode, MaxPixels, Output })
        {
            command.Options.Add(option);
        }
    }

    public EvaluationRequest ToRequest(ParseResult parse, string modelPath, IDatasetSource dataset) =>
        new(
            modelPath,
            dataset,
            new DatasetSpec(
                LabelsFile: parse.GetValue(Labels)?.FullName,
                LabelFormat: parse.GetValue(LabelFormat) switch
                {
                    "caffe" => Evaluation.Datasets.LabelFormat.CaffeValTxt,
                    "kaggle" => Evaluation.Datasets.LabelFormat.KaggleSolution,
                    "csv" => Evaluation.Datasets.LabelFormat.Csv,
                    _ => Evaluation.Datasets.LabelFormat.Auto,
                },
                ClassListFile: parse.GetValue(ClassList)?.FullName,
                ModelClassesFile: parse.GetValue(ModelClasses)?.FullName,
                OnMissing: parse.GetValue(OnMissing) == "skip-and-report" ? MissingPolicy.SkipAndReport : MissingPolicy.Fail),
            new ClassifierSessionOptions(InferenceDevice.Parse(parse.GetValue(Device)!), parse.GetValue(BatchSize), parse.GetValue(Threads)),
            new PipelineOptions(parse.GetValue(ReadConcurrency), parse.GetValue(DecodeWorkers), MaxPixels: parse.GetValue(MaxPixels)),
            parse.GetValue(CropPct),
            Enum.Parse<Evaluation.Imaging.Interpolation>(parse.GetValue(Interpolation)!, ignoreCase: true),
            parse.GetValue(Normalization) == "caffe" ? Evaluation.Imaging.Normalization.Caffe : Evaluation.Imaging.Normalization.ImageNet,
            parse.GetValue(FastDecode));

    private static Option<string> Choice(string name, string fallback, string description, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}
