using System.Diagnostics;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Pipeline;

/// <summary>
/// One evaluation in this process: validate the model, plan the dataset against it (before any image is read),
/// run the pipeline and assemble the report with every failure and dataset issue named.
/// </summary>
public static class LocalEvaluator
{
    public static async Task<(EvaluationReport Report, EvaluationResult Result, DatasetPlan Plan)> RunAsync(
        EvaluationRequest request,
        Action<ImagePrediction>? onPrediction = null,
        IProgress<EvaluationProgress>? progress = null,
        Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        if (!File.Exists(request.ModelPath))
        {
            throw new FileNotFoundException($"Model file '{request.ModelPath}' does not exist. Build one with 'senet model build' or pass the path of an exported .onnx file.");
        }

        var started = Stopwatch.GetTimestamp();
        using var session = await ClassifierSession.CreateFromFileAsync(request.ModelPath, request.Session, cancellationToken);
        log?.Invoke($"model: {Path.GetFileName(request.ModelPath)} on {session.ExecutionProvider}" +
                    (session.FallbackReason is null ? "" : $" ({session.FallbackReason})") +
                    $", input {session.InputWidth}×{session.InputHeight}, {session.Classes} classes, batch {session.MaxBatchSize}");
        if (session.BatchNote is { } batchNote)
        {
            log?.Invoke($"warning: {batchNote}");
        }

        var plan = await DatasetPlanner.PlanAsync(request.Dataset, request.DatasetSpec, session.Classes, cancellationToken);
        log?.Invoke($"dataset: {plan.Images.Count} images, {plan.ClassNames.Count} classes" +
                    (plan.Issues.Count > 0 ? $", {plan.Issues.Count} issue(s) reported" : "") +
                    (plan.IgnoredFiles > 0 ? $", {plan.IgnoredFiles} non-image file(s) ignored" : ""));

        var preprocess = new PreprocessSpec(request.CropSize ?? session.InputHeight, request.CropPct, request.Interpolation, request.Normalization, request.FastDecode);
        using var decoder = new ImageDecoder();
        log?.Invoke($"preprocess: {preprocess}; decoder: {decoder.Name}");
        var pipeline = new EvaluationPipeline(session, request.Dataset, decoder, preprocess, request.Pipeline);
        var result = await pipeline.RunAsync(plan.Images, onPrediction, progress, cancellationToken);

        var counts = result.Counts;
        var datasetFailures = plan.Issues.Where(i => i.CountsAsFailure).Select(i => new ImageFailure(i.Path, "dataset", i.Detail)).ToList();
        counts.AddFailures(datasetFailures.Count);
        var duplicates = plan.Issues.Where(i => !i.CountsAsFailure).Select(i => new ImageFailure(i.Path, "dataset", i.Detail));
        var description = session.Description;
        var report = EvaluationReport.Create(
            counts,
            request.ModelName ?? description.GetMetadata(ModelMetadataKeys.Architecture) ?? Path.GetFileNameWithoutExtension(request.ModelPath),
            plan.Source,
            session.ExecutionProvider,
            plan.ClassNames,
            [.. result.Failures, .. datasetFailures, .. duplicates],
            Stopwatch.GetElapsedTime(started),
            request.ConfidenceLevel,
            ModelOutputs.Resolve(request.Pipeline.Outputs, description)) with
        {
            ParameterCount = description.Parameters,
            MultiplyAccumulates = description.MultiplyAccumulates,
            ImageSize = preprocess.CropSize,
            CropPct = preprocess.CropPct,
            Interpolation = preprocess.Interpolation.ToString().ToLowerInvariant(),
            ImagesPerSecond = result.Duration.TotalSeconds > 0 ? (result.Counts.Images + result.Failures.Count) / result.Duration.TotalSeconds : 0,
            Notes = session.BatchNote is { } note ? [note] : [],
        };
        return (report, result, plan);
    }
}
