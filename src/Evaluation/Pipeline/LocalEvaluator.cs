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

        var report = Report(request, session, plan, preprocess, result, Stopwatch.GetElapsedTime(started), request.ModelName);
        return (report, result, plan);
    }

    /// <summary>
    /// Several models × views in one pass: each image read and decoded once, each distinct preprocessing computed once.
    /// Every model is checked before any image is read: its file, its graph, its class count against the first
    /// model's and the dataset's, and the memory its sessions take on a GPU against <paramref name="gpuMemoryLimitMb"/>
    /// (0: no limit). A refusal names the model. The dataset and every setting but the model come from the first request.
    /// </summary>
    public static async Task<ManyEvaluationResult> RunManyAsync(
        IReadOnlyList<EvaluationRequest> models,
        IReadOnlyList<ViewSpec> views,
        long gpuMemoryLimitMb = 0,
        IProgress<EvaluationProgress>? progress = null,
        Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(models.Count);
        ArgumentOutOfRangeException.ThrowIfZero(views.Count);
        var request = models[0];
        var names = models.Select(NameOf).ToList();
        if (ModelSetRules.DuplicateNameProblem(names) is { } duplicate)
        {
            throw new ModelValidationException(duplicate);
        }

        var estimates = new List<(string Model, long SessionBytes)>();
        for (var m = 0; m < models.Count; m++)
        {
            var path = models[m].ModelPath;
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Model {names[m]}: file '{path}' does not exist. Build one with 'senet model build' or pass the path of an exported .onnx file.");
            }

            try
            {
                var description = ModelInspector.Inspect(await ModelFiles.ReadAsync(path, request.Session.MaxModelBytes, cancellationToken));
                var dimensions = description.Inputs.FirstOrDefault()?.Dimensions ?? [];
                int Side(int axis) => dimensions.Count > axis && int.TryParse(dimensions[axis], out var side) && side > 0 ? side : request.CropSize ?? 224;
                estimates.Add((names[m], SessionMemoryEstimate.SessionBytes(description.Parameters, request.Session.MaxBatchSize, Side(2), Side(3))));
            }
            catch (ModelValidationException e)
            {
                throw new ModelValidationException($"Model {names[m]} ({Path.GetFileName(path)}): {e.Message}", e);
            }
        }

        var device = request.Session.EffectiveDevice;
        var gpu = device.Kind == DeviceKind.Cuda;
        var (sessionsPerDevice, megabytes) = SessionMemoryEstimate.CheckFits(estimates, request.Session.Streams, gpu ? gpuMemoryLimitMb : 0, device.ToString());
        log?.Invoke($"device {device} holds {sessionsPerDevice} session(s): {models.Count} model(s) × {request.Session.Streams} stream(s), about {megabytes:N0} MiB estimated" +
                    (gpu && gpuMemoryLimitMb > 0 ? $" of SENet:Devices:Cuda:MemoryLimitMb = {gpuMemoryLimitMb:N0}" : ""));

        var started = Stopwatch.GetTimestamp();
        var sessions = new List<ClassifierSession>();
        try
        {
            for (var m = 0; m < models.Count; m++)
            {
                try
                {
                    sessions.Add(await ClassifierSession.CreateFromFileAsync(models[m].ModelPath, request.Session, cancellationToken));
                }
                catch (ModelValidationException e)
                {
                    throw new ModelValidationException($"Model {names[m]} ({Path.GetFileName(models[m].ModelPath)}): {e.Message}", e);
                }

                var session = sessions[m];
                log?.Invoke($"model {names[m]}: {Path.GetFileName(models[m].ModelPath)} on {session.ExecutionProvider}, input {session.InputWidth}×{session.InputHeight}, {session.Classes} classes, batch {session.MaxBatchSize}");
                if (session.Classes != sessions[0].Classes)
                {
                    throw new ModelValidationException(ModelSetRules.ClassCountMismatch(names[m], Path.GetFileName(models[m].ModelPath), session.Classes, names[0], sessions[0].Classes));
                }
            }

            var plan = await DatasetPlanner.PlanAsync(request.Dataset, request.DatasetSpec, sessions[0].Classes, cancellationToken);

            log?.Invoke($"dataset: {plan.Images.Count} images, {plan.ClassNames.Count} classes" + (plan.Issues.Count > 0 ? $", {plan.Issues.Count} issue(s) reported" : ""));
            var evaluations = new List<PipelineEvaluation>();
            var predictions = new List<List<ImagePrediction>>();
            var keys = new List<(int Model, ViewSpec View, PreprocessSpec Preprocess)>();
            for (var m = 0; m < models.Count; m++)
            {
                foreach (var view in views)
                {
                    var preprocess = new PreprocessSpec(view.CropSize ?? request.CropSize ?? sessions[m].InputHeight, view.CropPct ?? request.CropPct,
                        request.Interpolation, request.Normalization, request.FastDecode, view.View);
                    var collected = new List<ImagePrediction>();
                    predictions.Add(collected);
                    keys.Add((m, view, preprocess));
                    evaluations.Add(new PipelineEvaluation(sessions[m], preprocess, views.Count > 1 ? $"Model {names[m]}, view {view}" : $"Model {names[m]}", collected.Add));
                }
            }

            using var decoder = new ImageDecoder();
            var options = request.Pipeline with
            {
                ClassSubset = plan.Subset ?? request.Pipeline.ClassSubset,
                LabelSets = request.Pipeline.LabelSets || request.DatasetSpec.RealLabelsFile is not null,
            };
            var pass = await new EvaluationPipeline(request.Dataset, decoder, evaluations, options).RunAllAsync(plan.Images, progress, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var outcomes = keys.Select((key, i) =>
            {
                var counts = pass.Evaluations[i].Counts;
                var report = Report(request, sessions[key.Model], plan, key.Preprocess, pass.Evaluations[i], elapsed, names[key.Model]) with
                {
                    View = key.View.ToString(),
                    Labels = LabelConventionsReport.From(counts, plan.FolderLayout, request.DatasetSpec.ClassSubsetFile, options.ClassSubset, request.DatasetSpec.RealLabelsFile),
                    Notes = [.. sessions[key.Model].BatchNote is { } note ? [note] : Array.Empty<string>(), .. plan.Note is { } labelNote ? [labelNote] : Array.Empty<string>()],
                };
                return new EvaluationOutcome(names[key.Model], key.View, report, pass.Evaluations[i], [.. predictions[i].OrderBy(p => p.ImageId, StringComparer.Ordinal)]);
            }).ToList();
            return new ManyEvaluationResult(outcomes, pass, plan, sessionsPerDevice, megabytes);
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }

    /// <summary>A model's name in outputs: the one given, else its file name without the extension.</summary>
    public static string NameOf(EvaluationRequest request) => request.ModelName ?? Path.GetFileNameWithoutExtension(request.ModelPath);

    private static EvaluationReport Report(EvaluationRequest request, ClassifierSession session, DatasetPlan plan, PreprocessSpec preprocess, EvaluationResult result, TimeSpan elapsed, string? modelName)
    {
        var counts = result.Counts;
        var datasetFailures = plan.Issues.Where(i => i.CountsAsFailure).Select(i => new ImageFailure(i.Path, "dataset", i.Detail)).ToList();
        counts.AddFailures(datasetFailures.Count);
        var duplicates = plan.Issues.Where(i => !i.CountsAsFailure).Select(i => new ImageFailure(i.Path, "dataset", i.Detail));
        var description = session.Description;
        return EvaluationReport.Create(
            counts,
            modelName ?? description.GetMetadata(ModelMetadataKeys.Architecture) ?? Path.GetFileNameWithoutExtension(request.ModelPath),
            plan.Source,
            session.ExecutionProvider,
            plan.ClassNames,
            [.. result.Failures, .. datasetFailures, .. duplicates],
            elapsed,
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
    }
}
