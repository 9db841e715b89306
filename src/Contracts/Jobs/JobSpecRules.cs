using SENet.Evaluation.Models;
using System.Globalization;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;

namespace SENet.Contracts.Jobs;

/// <summary>
/// The values a job's settings can take: the CLI refuses the others while parsing, and the coordinator refuses a spec
/// that holds one (a client may call it directly) before any work, naming the option.
/// </summary>
public static class JobSpecRules
{
    public static OptionChoices<LabelFormat> LabelFormats { get; } = new("--label-format",
        ("auto", LabelFormat.Auto), ("caffe", LabelFormat.CaffeValTxt), ("kaggle", LabelFormat.KaggleSolution), ("csv", LabelFormat.Csv));

    public static OptionChoices<MissingPolicy> MissingPolicies { get; } = new("--on-missing",
        ("fail", MissingPolicy.Fail), ("skip-and-report", MissingPolicy.SkipAndReport));

    public static OptionChoices<Interpolation> Interpolations { get; } = new("--interpolation",
        ("bilinear", Interpolation.Bilinear), ("bicubic", Interpolation.Bicubic));

    public static OptionChoices<Normalization> Normalizations { get; } = new("--normalization",
        ("imagenet", Normalization.ImageNet), ("caffe", Normalization.Caffe));

    public static OptionChoices<DevicePolicy> DevicePolicies { get; } = new("--device",
        ("auto", DevicePolicy.Auto), ("cpu", DevicePolicy.Cpu));

    public static OptionChoices<OutputKind> OutputKinds { get; } = new("--outputs",
        ("auto", OutputKind.Auto), ("logits", OutputKind.Logits), ("probabilities", OutputKind.Probabilities));

    public static OptionChoices<ClassSubsetMode> ClassSubsetModes { get; } = new("--class-subset-mode",
        ("masked", ClassSubsetMode.Masked), ("argmax", ClassSubsetMode.Argmax));

    public const string CropPct = "a number above 0 and at most 1 (0.875: resize 256, crop 224)";

    public const string Positive = "a whole number of at least 1";

    public static bool IsValidCropPct(double value) => double.IsFinite(value) && value > 0 && value <= 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming every option whose value cannot work.</summary>
    public static void Validate(JobSpec spec)
    {
        var problems = new List<string>();
        if (!IsValidCropPct(spec.CropPct))
        {
            problems.Add(Problem("--crop-pct", spec.CropPct, CropPct));
        }

        if (spec.MaxPixels < 1)
        {
            problems.Add(Problem("--max-pixels", spec.MaxPixels, Positive));
        }

        if (spec.BatchSize < 1)
        {
            problems.Add(Problem("--batch-size", spec.BatchSize, Positive));
        }

        if (spec.ShardSize < 1)
        {
            problems.Add(Problem("--shard-size", spec.ShardSize, Positive));
        }

        if (!ConfidenceLevels.IsValid(spec.ConfidenceLevel))
        {
            problems.Add(Problem("--confidence-level", spec.ConfidenceLevel, ConfidenceLevels.Rule));
        }

        // The CLI sends only named values; a client calling the coordinator directly may send any number or none.
        Check(LabelFormats, spec.LabelFormat, problems);
        Check(MissingPolicies, spec.OnMissing, problems);
        Check(Interpolations, spec.Interpolation, problems);
        Check(Normalizations, spec.Normalization, problems);
        Check(DevicePolicies, spec.DevicePolicy, problems);
        Check(OutputKinds, spec.Outputs, problems);
        Check(ClassSubsetModes, spec.ClassSubsetMode, problems);
        if (spec.View is not { } view || !view.IsValid)
        {
            problems.Add($"--view {spec.View?.ToString() ?? "(none)"} cannot work: use {ViewSpec.Forms}, with a crop_pct above 0 and at most 1.");
        }

        CheckEvaluations(spec, problems);
        if (spec.LeaseTimeout <= TimeSpan.Zero)
        {
            problems.Add($"The lease timeout ({spec.LeaseTimeout}) must be positive.");
        }

        if (spec.MaxFailed is { } threshold && (threshold.Count < 0 || (threshold.Percent is { } percent && !(percent is >= 0 and <= 100))))
        {
            problems.Add($"--max-failed {spec.MaxFailed} cannot work: use a count of 0 or more (e.g. 100) or a share from 0% to 100% (e.g. 5%).");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }

    /// <summary>Folders a job writes at its output's root: a model of that name would mix its outputs with them.</summary>
    private static readonly string[] ReservedNames = ["predictions", "logs", "failures", "manifest", "report.json", "results.csv", "report.html", "predictions.csv"];

    /// <summary>
    /// Several models or views: the first of each is the spec's own (<see cref="JobSpec.ModelPath"/>, <see cref="JobSpec.View"/>),
    /// every name is a folder of its own (OUT/&lt;name&gt;/), every view is valid and given once.
    /// </summary>
    private static void CheckEvaluations(JobSpec spec, List<string> problems)
    {
        // Several views of the one model write under OUT/<its file's name>/<view>/: that name must be a folder too.
        var models = spec.Models is { Count: > 0 } listed ? listed : spec.Views is { Count: > 1 } ? JobEvaluations.ModelsOf(spec) : [];
        if (models.Count > 0)
        {
            if (spec.Models is { Count: > 0 } && models[0].Path != spec.ModelPath)
            {
                problems.Add("The job's first model (Models[0]) must be its ModelPath: a client that lists several models names the first in both.");
            }

            foreach (var model in models)
            {
                if (!IsUsableFolderName(model.Name))
                {
                    problems.Add($"Model name '{model.Name}' cannot name its output folder OUT/<name>/: use no '/', '\\', '?', '#', '%', ':', '*', '\"', '<', '>', '|' or control characters, not '.' or '..' alone, and none of {string.Join(", ", ReservedNames)}.");
                }

                if (string.IsNullOrWhiteSpace(model.Path))
                {
                    problems.Add($"Model {model.Name} has no file: give each model a path every silo sees.");
                }
            }

            if (ModelSetRules.DuplicateNameProblem(models.Select(m => m.Name)) is { } duplicate)
            {
                problems.Add(duplicate);
            }
        }

        var views = spec.Views ?? [];
        if (views.Count > 0)
        {
            if (views[0] != spec.View)
            {
                problems.Add("The job's first view (Views[0]) must be its View: a client that lists several views names the first in both.");
            }

            foreach (var view in views.Where(v => v is null || !v.IsValid))
            {
                problems.Add($"--view {view?.ToString() ?? "(none)"} cannot work: use {ViewSpec.Forms}, with a crop_pct above 0 and at most 1.");
            }

            if (views.Where(v => v is not null).GroupBy(v => v.ToString()).FirstOrDefault(g => g.Count() > 1) is { } again)
            {
                problems.Add($"--view {again.Key} is given {again.Count()} times: each view is scored and reported once; give it once.");
            }
        }
    }

    /// <summary>A name that is one path segment everywhere (a local folder, a blob prefix), as a model's output folder must be.</summary>
    public static bool IsUsableFolderName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= 100 && name is not ("." or "..") && name.Trim() == name
        && !name.Any(c => char.IsControl(c) || c is '/' or '\\' or '?' or '#' or '%' or ':' or '*' or '"' or '<' or '>' or '|')
        && !ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    private static void Check<T>(OptionChoices<T> choices, T value, List<string> problems)
        where T : struct, Enum
    {
        if (!choices.IsDefined(value))
        {
            problems.Add(choices.Problem(value.ToString()));
        }
    }

    public static string Problem(string option, IFormattable value, string rule) =>
        $"{option} {value.ToString(null, CultureInfo.InvariantCulture)} cannot work: it must be {rule}.";
}
