using SENet.Contracts.Jobs;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Grains.Jobs;

/// <summary>
/// What the engine needs of a <see cref="JobSpec"/>: its dataset and preprocessing settings (the spec's values as they
/// are: it is typed, nothing is mapped), and the rules that need the model (its input size, batch, outputs).
/// </summary>
public static class JobSpecExtensions
{
    private static readonly IReadOnlyList<JobModel> NoModels = [];

    private static readonly IReadOnlyList<ViewSpec> NoViews = [];

    public static DatasetSpec ToDatasetSpec(this JobSpec spec) => new(
        LabelsFile: spec.LabelsFile,
        LabelFormat: spec.LabelFormat,
        ClassListFile: spec.ClassListFile,
        ModelClassesFile: spec.ModelClassesFile,
        OnMissing: spec.OnMissing,
        RealLabelsFile: spec.RealLabelsFile,
        ClassSubsetFile: spec.ClassSubsetFile,
        ClassSubsetMode: spec.ClassSubsetMode);

    /// <summary>The per-file size limit, refused (naming the option) unless one file of that size fits one array.</summary>
    public static long CheckedMaxFileBytes(this JobSpec spec) =>
        spec.MaxFileBytes is >= 1 and var limit && limit <= ImageFiles.LargestMaxBytes
            ? limit
            : throw new ArgumentException($"--max-file-bytes {spec.MaxFileBytes} is out of range: use 1 to {ImageFiles.LargestMaxBytes:N0} (default {ImageFiles.DefaultMaxBytes:N0}, 256 MiB).");

    /// <summary>What the job's output rows are, as every worker and the report read them; auto decides from the model's graph.</summary>
    public static ModelOutputs ResolveOutputs(this JobSpec spec, ModelDescription model) => ModelOutputs.Resolve(spec.Outputs, model);

    /// <summary>The intervals' level; a spec stored before the option existed holds 0 and gets the default 0.95.</summary>
    public static double EffectiveConfidenceLevel(this JobSpec spec) =>
        WilsonInterval.IsValidLevel(spec.ConfidenceLevel) ? spec.ConfidenceLevel : WilsonInterval.DefaultLevel;

    /// <summary>The job's preprocessing for a model taking <paramref name="cropSize"/>² images; a view's SIZE must be that size, its CROP_PCT wins over --crop-pct.</summary>
    public static PreprocessSpec ToPreprocessSpec(this JobSpec spec, int cropSize)
    {
        var view = spec.View;
        if (view.CropSize is { } size && size != cropSize)
        {
            throw new ArgumentException($"--view {spec.View} crops {size}×{size}, but the model takes {cropSize}×{cropSize} images. Use --view {cropSize}@{(view.CropPct ?? spec.CropPct).ToString(System.Globalization.CultureInfo.InvariantCulture)}, or a model exported for {size}.");
        }

        return new PreprocessSpec(cropSize, view.CropPct ?? spec.CropPct, spec.Interpolation, spec.Normalization, spec.FastDecode, view.View);
    }

    /// <summary>
    /// The spec of one evaluation of a job of several models or views as a job of its own would have it: that model
    /// and that view alone. Its preprocessing, report and reproducibility record are that single-model job's.
    /// </summary>
    public static JobSpec ForEvaluation(this JobSpec spec, JobEvaluation evaluation) =>
        spec with { ModelPath = evaluation.ModelPath, View = evaluation.View, Models = [], Views = [] };

    /// <summary>
    /// Whether two specs ask for the same work wherever their outputs go: every setting equal, the lists of models and
    /// views element by element (a record's own equality compares lists by reference, and a spec that crossed the wire
    /// or storage holds new lists).
    /// </summary>
    public static bool SameWorkAs(this JobSpec spec, JobSpec other) =>
        spec with { OutputFolder = null, Models = NoModels, Views = NoViews } == other with { OutputFolder = null, Models = NoModels, Views = NoViews }
        && (spec.Models ?? []).SequenceEqual(other.Models ?? []) && (spec.Views ?? []).SequenceEqual(other.Views ?? []);

    /// <summary>Whether the spec asks for more than one model × view (each counted and reported under its own folder).</summary>
    public static bool HasSeveralEvaluations(this JobSpec spec) => JobEvaluations.Of(spec).Count > 1;

    /// <summary>Refuses, before any work, a view whose crops of one image cannot share one batch (ten crops need at least 10 slots).</summary>
    public static void CheckViewsFit(this JobSpec spec, PreprocessSpec preprocess, int? fixedBatchSize)
    {
        var batch = fixedBatchSize ?? spec.BatchSize;
        if (batch < preprocess.ViewsPerImage)
        {
            throw new ArgumentException(fixedBatchSize is null
                ? $"--view {spec.View} runs an image's {preprocess.ViewsPerImage} crops in one batch: --batch-size {spec.BatchSize} is too small; use at least {preprocess.ViewsPerImage} (it counts crops)."
                : $"--view {spec.View} runs an image's {preprocess.ViewsPerImage} crops in one batch, but the model's batch is fixed at {fixedBatchSize}. Use --view center, or a model with a dynamic batch dimension.");
        }
    }
}
