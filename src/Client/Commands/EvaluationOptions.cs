using System.CommandLine;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;

namespace SENet.Client.Commands;

/// <summary>The options of every verb that describes a job: labels, preprocessing, batching, sharding, failures, outputs.</summary>
public sealed class EvaluationOptions
{
    public Option<string?> Labels { get; } = new("--labels") { Description = "Labels file (path or blob URL): Caffe val.txt, Kaggle LOC_val_solution.csv, or path,label CSV." };

    public Option<string> LabelFormat { get; } = Choice(JobSpecRules.LabelFormats, Evaluation.Datasets.LabelFormat.Auto, "Labels format.");

    public Option<string?> ClassList { get; } = new("--class-list") { Description = "The dataset's classes in label order (e.g. LOC_synset_mapping.txt)." };

    public Option<string?> ModelClasses { get; } = new("--model-classes") { Description = "The model's classes in output order, when it differs from the dataset's (e.g. the paper's Caffe release)." };

    public Option<string> OnMissing { get; } = Choice(JobSpecRules.MissingPolicies, MissingPolicy.Fail, "Missing labels, unknown classes, duplicates, missing images: fail before reading, or skip and report each.");

    public Option<int> BatchSize { get; } = AtLeastOne(new("--batch-size") { Description = "Images per inference batch.", DefaultValueFactory = _ => 32 });

    public Option<double> CropPct { get; } = Checked(new Option<double>("--crop-pct") { Description = "Resize the shorter side to floor(crop / crop_pct), then centre crop.", DefaultValueFactory = _ => 0.875 },
        JobSpecRules.IsValidCropPct, JobSpecRules.CropPct);

    public Option<string> Interpolation { get; } = Choice(JobSpecRules.Interpolations, Evaluation.Imaging.Interpolation.Bilinear, "Resize filter (antialiased as PIL).");

    public Option<string> Normalization { get; } = Choice(JobSpecRules.Normalizations, Evaluation.Imaging.Normalization.ImageNet, "imagenet (RGB, mean/std) or caffe (BGR 0-255 minus mean).");

    public Option<bool> FastDecode { get; } = new("--fast-decode") { Description = "Decode large JPEGs at reduced DCT scale (faster, not bit-exact with PIL)." };

    public Option<long> MaxPixels { get; } = Checked(new Option<long>("--max-pixels") { Description = "Refuse images declaring more pixels (decompression bombs).", DefaultValueFactory = _ => 178_956_970L },
        v => v >= 1, JobSpecRules.Positive);

    public Option<long> MaxFileBytes { get; } = Checked(new Option<long>("--max-file-bytes") { Description = "Fail image files longer than this many bytes, each alone, before reading them.", DefaultValueFactory = _ => 268_435_456L },
        v => v >= 1 && v <= Evaluation.Datasets.ImageFiles.LargestMaxBytes, $"from 1 to {Evaluation.Datasets.ImageFiles.LargestMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)} (default 268435456, 256 MiB)");

    public Option<string> ShardSize { get; } = ShardSizeOption();

    public Option<string?> MaxFailed { get; } = Parsed(new Option<string?>("--max-failed") { Description = "Fail the job past this many failed images: a count (100) or a share (5%)." },
        text => FailureThreshold.Parse(text));

    public Option<string?> Name { get; } = new("--name") { Description = "A name to recognise the job by." };

    public Option<string?> Output { get; } = new("--out")
    {
        Description = "Folder or blob prefix for report.json, results.csv, report.html, predictions/ parts, logs/ and the shard manifest. "
            + "A cluster job without it writes under the silos' SENet:Storage:OutputRoot/JOB, else to /tmp/senet-jobs/JOB on its coordinator's silo.",
    };

    public Option<bool> Overwrite { get; } = new("--overwrite") { Description = "--out holds an earlier job that ended: delete its outputs and write this job's there (a running job's location is never taken)." };

    public Option<string> Outputs { get; } = Choice(JobSpecRules.OutputKinds, OutputKind.Auto,
        "What the model outputs: logits (softmax is applied for probabilities and calibration), probabilities (used as they are), or auto (probabilities when the graph ends in Softmax).");

    public Option<double> ConfidenceLevel { get; } = Checked(new Option<double>("--confidence-level") { Description = "Level of the Wilson intervals on every accuracy and error.", DefaultValueFactory = _ => 0.95 },
        ConfidenceLevels.IsValid, ConfidenceLevels.Rule);

    public Option<bool> PredictionsCsv { get; } = new("--predictions-csv") { Description = "Also write one predictions.csv (every shard's part joined, sorted by image) beside the predictions/ parts." };

    public Option<string[]> View { get; } = ViewOption();

    public Option<string?> RealLabels { get; } = new("--real-labels") { Description = "Several or no correct labels per image (ImageNet-ReaL's real.json): ReaL top-1/top-5 reported beside the original; images with an empty set are skipped." };

    public Option<string?> ClassSubset { get; } = new("--class-subset") { Description = "The model outputs the dataset covers (ImageNet-A/-R: 200 of 1,000), one output index or class name (WordNet id) a line." };

    public Option<string> ClassSubsetMode { get; } = Choice(JobSpecRules.ClassSubsetModes, Evaluation.Metrics.ClassSubsetMode.Masked, "masked: logits outside the subset are masked (the datasets' authors' convention); argmax: rank every output, a class outside the subset is wrong.");

    /// <summary>The options that name one dataset's files: a suite sets them per entry, so with --suite they are refused on the command line.</summary>
    public IEnumerable<Option> PerDataset => [Labels, ClassList, RealLabels, ClassSubset];

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Labels, LabelFormat, ClassList, ModelClasses, OnMissing, BatchSize, CropPct, Interpolation, Normalization, FastDecode, MaxPixels, MaxFileBytes, ShardSize, MaxFailed, Name, Output, Overwrite, Outputs, ConfidenceLevel, PredictionsCsv, View, RealLabels, ClassSubset, ClassSubsetMode })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// The job of several models (the first is its <see cref="JobSpec.ModelPath"/>; one model is a job of one) and every
    /// <c>--view</c>: one pass over the images, each model × view counted and reported on its own.
    /// </summary>
    public JobSpec ToJobSpec(ParseResult parse, IReadOnlyList<JobModel> models, string dataPath, DevicePolicy devicePolicy) =>
        ToJobSpec(parse, models[0].Path, dataPath, devicePolicy) with { Models = models.Count > 1 ? models : [] };

    /// <summary>The job the options describe: each name is parsed here, once (the validators have refused the others).</summary>
    public JobSpec ToJobSpec(ParseResult parse, string modelPath, string dataPath, DevicePolicy devicePolicy) => new()
    {
        ModelPath = Location(modelPath),
        DataPath = Location(dataPath),
        LabelsFile = parse.GetValue(Labels) is { } labels ? Location(labels) : null,
        LabelFormat = JobSpecRules.LabelFormats.Parse(parse.GetValue(LabelFormat)!),
        ClassListFile = parse.GetValue(ClassList) is { } classes ? Location(classes) : null,
        ModelClassesFile = parse.GetValue(ModelClasses) is { } modelClasses ? Location(modelClasses) : null,
        OnMissing = JobSpecRules.MissingPolicies.Parse(parse.GetValue(OnMissing)!),
        BatchSize = parse.GetValue(BatchSize),
        CropPct = parse.GetValue(CropPct),
        Interpolation = JobSpecRules.Interpolations.Parse(parse.GetValue(Interpolation)!),
        Normalization = JobSpecRules.Normalizations.Parse(parse.GetValue(Normalization)!),
        FastDecode = parse.GetValue(FastDecode),
        MaxPixels = parse.GetValue(MaxPixels),
        MaxFileBytes = parse.GetValue(MaxFileBytes),
        ShardSize = ParseShardSize(parse.GetValue(ShardSize)!) ?? JobSpec.AutoBaseShardSize,
        AutoShardSize = ParseShardSize(parse.GetValue(ShardSize)!) is null,
        MaxFailed = FailureThreshold.Parse(parse.GetValue(MaxFailed)),
        Name = parse.GetValue(Name),
        OutputFolder = parse.GetValue(Output) is { } output ? Location(output) : null,
        Overwrite = parse.GetValue(Overwrite),
        DevicePolicy = devicePolicy,
        Outputs = JobSpecRules.OutputKinds.Parse(parse.GetValue(Outputs)!),
        ConfidenceLevel = parse.GetValue(ConfidenceLevel),
        JoinPredictions = parse.GetValue(PredictionsCsv),
        View = Views(parse)[0],
        Views = Views(parse) is { Count: > 1 } views ? views : [],
        RealLabelsFile = parse.GetValue(RealLabels) is { } real ? Location(real) : null,
        ClassSubsetFile = parse.GetValue(ClassSubset) is { } subset ? Location(subset) : null,
        ClassSubsetMode = JobSpecRules.ClassSubsetModes.Parse(parse.GetValue(ClassSubsetMode)!),
    };

    /// <summary>Blob locations pass through as they are; local paths become absolute, as every silo must see them.</summary>
    public static string Location(string location) => Evaluation.Storage.StorageLocation.LooksLikeBlob(location) ? location : Path.GetFullPath(location);

    public static Option<int> AtLeastOne(Option<int> option) => Checked(option, v => v >= 1, JobSpecRules.Positive);

    /// <summary>Refuses, while parsing and before any work, a value that cannot work, naming the option and the rule.</summary>
    public static Option<T> Checked<T>(Option<T> option, Func<T, bool> valid, string rule)
        where T : IFormattable
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (!valid(value))
            {
                result.AddError(JobSpecRules.Problem(option.Name, value, rule));
            }
        });
        return option;
    }

    /// <summary>The <c>--view</c> values, parsed, in the order given and without repeats; center when none is given.</summary>
    public IReadOnlyList<Evaluation.Imaging.ViewSpec> Views(ParseResult parse) =>
        [.. (parse.GetValue(View) is { Length: > 0 } views ? views : ["center"]).Select(Evaluation.Imaging.ViewSpec.Parse).Distinct()];

    /// <summary>The default --shard-size.</summary>
    public const string DefaultShardSize = "256";

    private static Option<string> ShardSizeOption()
    {
        var option = new Option<string>("--shard-size")
        {
            Description = "Images per shard (the unit leased to a worker), or auto: shards of " + JobSpec.AutoBaseShardSize.ToString(System.Globalization.CultureInfo.InvariantCulture) +
                " leased in runs sized to take about 10 s on each worker's device (from its measured images/s), shrinking near the end so the tail finishes together.",
            DefaultValueFactory = _ => DefaultShardSize,
            HelpName = "N|auto",
        };
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>() ?? "";
            if (text != "auto" && !(int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var size) && size >= 1))
            {
                result.AddError($"--shard-size {text} cannot work: use a whole number of images, 1 or more, or auto.");
            }
        });
        return option;
    }

    /// <summary>A --shard-size already validated: its number, or null for auto.</summary>
    public static int? ParseShardSize(string text) =>
        text == "auto" ? null : int.Parse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture);

    private static Option<string[]> ViewOption()
    {
        var option = new Option<string[]>("--view")
        {
            Description = "The crops each image is scored on, repeatable (each model × view reported on its own, one pass): center; tencrop (four corners, centre and their flips, the 10 softmax outputs averaged; --batch-size counts crops); SIZE@CROP_PCT (e.g. 224@0.875, overriding --crop-pct); tencrop@CROP_PCT.",
            HelpName = "center|tencrop|SIZE@CROP_PCT",
        };
        option.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Evaluation.Imaging.ViewSpec.TryParse(text, out _))
                {
                    result.AddError($"--view {text} cannot work: use {Evaluation.Imaging.ViewSpec.Forms}, with a crop_pct above 0 and at most 1.");
                }
            }
        });
        return option;
    }

    /// <summary>Refuses, while parsing, a text value its parser rejects, naming the option and the parser's reason.</summary>
    public static Option<T> Parsed<T>(Option<T> option, Func<string, object> parse)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0)
            {
                return;
            }

            var text = result.Tokens[^1].Value;
            try
            {
                _ = parse(text);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                result.AddError($"{option.Name} {text} cannot work: {CliConsole.Describe(e)}");
            }
        });
        return option;
    }

    /// <summary>An option taking one of <paramref name="choices"/>' names; <see cref="ToJobSpec"/> parses the name.</summary>
    /// <remarks>A string option, not one of <typeparamref name="T"/>, so that help shows the names (auto, not Auto) as before.</remarks>
    private static Option<string> Choice<T>(OptionChoices<T> choices, T fallback, string description)
        where T : struct, Enum =>
        OneOf(new Option<string>(choices.Option) { Description = description, DefaultValueFactory = _ => choices.NameOf(fallback) }, [.. choices.Names]);

    /// <summary>Accepts only <paramref name="values"/>, and says so naming the option (System.CommandLine's own message names only the value).</summary>
    public static Option<T> OneOf<T>(Option<T> option, params string[] values)
    {
        option.CompletionSources.Add(values);
        option.HelpName = string.Join('|', values);
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !values.Contains(result.Tokens[^1].Value, StringComparer.Ordinal))
            {
                result.AddError($"{option.Name} {result.Tokens[^1].Value} cannot work: it must be one of {string.Join(", ", values)}.");
            }
        });
        return option;
    }
}
