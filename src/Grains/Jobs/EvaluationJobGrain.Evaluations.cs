using System.Text;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using SENet.Evaluation.Reproducibility;
using SENet.Evaluation.Storage;
using SENet.Grains.Devices;

namespace SENet.Grains.Jobs;

/// <summary>
/// Jobs of several models and views (<see cref="JobSpec.Models"/>, <see cref="JobSpec.Views"/>): every model checked
/// before any work, each evaluation's counts merged with the shard that carries them, and each reported under its folder.
/// </summary>
public sealed partial class EvaluationJobGrain
{
    /// <summary>
    /// Loads and checks every model of <paramref name="spec"/> before any work, as a job of that model alone would be
    /// checked: it loads as a classifier, each of its views crops its input size and fits its batch, the job's batch fits
    /// its buffers; and with several, it outputs as many classes as the first, and one decode serves every view. With
    /// several, a refusal names the model. Returns the first model's session (held for the caller), its SHA-256 and
    /// outputs, and with several, each evaluation's record.
    /// </summary>
    private async Task<(SessionUse First, string Sha256, ModelOutputs Outputs, List<EvaluationRecord> Evaluations)> ValidateModelsAsync(JobSpec spec, CancellationToken token)
    {
        var evaluations = JobEvaluations.Of(spec);
        var several = evaluations.Count > 1;
        var jobModels = JobEvaluations.ModelsOf(spec);
        var records = new List<EvaluationRecord>();
        var preprocessings = new List<PreprocessSpec>();
        (SessionUse Use, string Sha256, ModelOutputs Outputs)? first = null;
        try
        {
            foreach (var model in jobModels)
            {
                // A CPU session, as every worker's: the checks below are what ONNX Runtime makes of the graph, not only what
                // its file declares. The pool keeps it for this silo's workers.
                var (use, sha256) = await NamedAsync(model, several, async () =>
                {
                    var file = await models.ResolveAsync(model.Path, token);
                    var loaded = await sessions.GetAsync(file, InferenceDevice.Cpu, 1, token);
                    try
                    {
                        return (loaded, await Digests.FileSha256Async(file, token));
                    }
                    catch
                    {
                        loaded.Dispose();
                        throw;
                    }
                });
                try
                {
                    var session = use.Session;
                    if (first is { } head && session.Classes != head.Use.Session.Classes)
                    {
                        throw new ModelValidationException(ModelSetRules.ClassCountMismatch(model.Name, FileName(model.Path), session.Classes, jobModels[0].Name, head.Use.Session.Classes));
                    }

                    var outputs = await NamedAsync(model, several, () =>
                    {
                        foreach (var evaluation in evaluations.Where(e => e.Model == model.Name))
                        {
                            var alone = spec.ForEvaluation(evaluation);
                            var preprocess = alone.ToPreprocessSpec(session.InputHeight);
                            alone.CheckViewsFit(preprocess, session.FixedBatchSize);
                            preprocessings.Add(preprocess);
                        }

                        if (session.FixedBatchSize is null)
                        {
                            // The model was checked with one image: the job's batch must fit the workers' buffers too.
                            ClassifierSession.RefuseImpossibleBatch(spec.BatchSize, session.InputHeight, session.InputWidth, session.Classes);
                        }

                        // Every worker resolves it from the same graph and gets the same answer; the report says which it was.
                        return Task.FromResult(spec.ResolveOutputs(session.Description));
                    });

                    if (several)
                    {
                        foreach (var _ in evaluations.Where(e => e.Model == model.Name))
                        {
                            records.Add(new EvaluationRecord
                            {
                                Counts = new TopKCounts(session.Classes),
                                ModelName = model.Name,
                                ModelParameters = session.Description.Parameters,
                                ModelMultiplyAccumulates = session.Description.MultiplyAccumulates,
                                CropSize = session.InputHeight,
                                ModelNote = session.BatchNoteFor(spec.BatchSize),
                                ModelSha256 = sha256,
                                Outputs = outputs.Name,
                                OutputsSource = outputs.Source,
                                BatchSize = session.FixedBatchSize ?? spec.BatchSize,
                            });
                        }
                    }

                    if (first is null)
                    {
                        first = (use, sha256, outputs);
                    }
                    else
                    {
                        use.Dispose();
                    }
                }
                catch
                {
                    if (first?.Use != use)
                    {
                        use.Dispose();
                    }

                    throw;
                }
            }

            // Fast decode shrinks each JPEG towards one resize size: views that resize differently cannot share its decode.
            _ = EvaluationPipeline.DecodeOptionsOf([.. preprocessings.Distinct()], spec.MaxPixels);
            var (firstUse, firstSha, firstOutputs) = first!.Value;
            return (firstUse, firstSha, firstOutputs, records);
        }
        catch
        {
            first?.Use.Dispose();
            throw;
        }
    }

    /// <summary>A model's refusal, named after it when the job has several (<c>Model NAME (file.onnx): …</c>).</summary>
    private static async Task<T> NamedAsync<T>(JobModel model, bool several, Func<Task<T>> check)
    {
        try
        {
            return await check();
        }
        catch (Exception e) when (several && e is ModelValidationException or ArgumentException or IOException or UnauthorizedAccessException or FormatException)
        {
            throw new ModelValidationException($"Model {model.Name} ({FileName(model.Path)}): {e.Message}", e);
        }
    }

    private static string FileName(string location) => Path.GetFileName(StorageLocation.Redact(location).Split('?')[0]);

    /// <summary>A shard's result carries what the job counts: with several evaluations, one share of it each.</summary>
    private void CheckEvaluationsOf(ShardResult result)
    {
        if (result.Evaluations.Count != _job.Evaluations.Count)
        {
            throw new ArgumentException($"A shard result of job {JobId} carries {result.Evaluations.Count} evaluations' counts, but the job counts {Math.Max(1, _job.Evaluations.Count)} evaluation(s): a worker of another version? Its shard goes back to be run again.");
        }
    }

    /// <summary>Each evaluation's share of a merged shard; the first's is also <see cref="JobRecord.Counts"/>.</summary>
    private void MergeEvaluations(ShardResult result)
    {
        for (var i = 0; i < _job.Evaluations.Count; i++)
        {
            _job.Evaluations[i].Counts.Merge(result.Evaluations[i].Counts);
        }
    }

    /// <summary>Failures every evaluation counts (dataset issues found planning, an image that killed its holder).</summary>
    private void AddFailuresToEvaluations(int failures)
    {
        foreach (var evaluation in _job.Evaluations)
        {
            evaluation.Counts.AddFailures(failures);
        }
    }

    /// <summary>A merged shard's failed images, as the failures parts hold them: with several evaluations, the most any of them failed (each wrote its part where any failed).</summary>
    private static int FailuresOf(ShardResult result) =>
        result.Evaluations.Count == 0 ? result.Failures.Count : result.Evaluations.Max(e => e.Failures.Count);

    /// <summary>Where each evaluation's parts and report are: the job's output itself for a job of one evaluation.</summary>
    private static IEnumerable<IOutputStore> EvaluationStores(JobSpec spec, IOutputStore outputs) =>
        JobEvaluations.Of(spec).Select(e => OutputStores.Under(outputs, e.Folder));

    /// <summary>
    /// The report files: report.json, results.csv, report.html (and the joined predictions if asked), at the job's output
    /// for one evaluation; under each evaluation's folder with several, plus the combined results.csv at the output.
    /// </summary>
    private static async Task WriteReportFilesAsync(JobRecord job, IReadOnlyList<ShardRecord> shards, IOutputStore outputs, string title)
    {
        var reports = await JobReportBuilder.BuildAllAsync(job, shards, outputs, CancellationToken.None);
        var several = job.Evaluations.Count > 0;
        foreach (var (evaluation, report) in reports)
        {
            var store = OutputStores.Under(outputs, evaluation.Folder);
            await store.WriteAsync("report.json", Encoding.UTF8.GetBytes(ReportWriter.ToJson(report)), CancellationToken.None);
            await store.WriteAsync("results.csv", Encoding.UTF8.GetBytes(ReportWriter.ToResultsCsv(report)), CancellationToken.None);
            await store.WriteAsync("report.html", Encoding.UTF8.GetBytes(HtmlReportWriter.Write(report, several ? $"{title}: {evaluation.Model}, view {evaluation.View}" : title)), CancellationToken.None);
            if (job.Spec!.JoinPredictions)
            {
                var joined = await PredictionsJoiner.JoinAsync(store, job.ShardCount, CancellationToken.None);
                await store.WriteAsync(JobOutputNames.JoinedPredictions, joined.Csv, CancellationToken.None);
            }
        }

        if (several)
        {
            await outputs.WriteAsync("results.csv", Encoding.UTF8.GetBytes(JobReportBuilder.CombinedResultsCsv(reports)), CancellationToken.None);
        }
    }

    /// <summary>
    /// An ended job's results: its report, or with several evaluations, each one's and the combined results.csv. Built off
    /// the grain's scheduler (seconds of CPU for a large job) from a copy of its record.
    /// </summary>
    private async Task<JobResults> ResultsAsync()
    {
        var (job, shards, outputs) = (_job.Snapshot([], []), _shards, OutputStores.Open(_job.Spec!.OutputFolder!, storage));
        var reports = await Task.Run(() => JobReportBuilder.BuildAllAsync(job, shards, outputs, CancellationToken.None));
        var location = ClientView.Location(job.Spec!.OutputFolder!);
        if (job.Evaluations.Count == 0)
        {
            var report = reports[0].Report;
            return new JobResults(job.State, ReportWriter.ToJson(report), ReportWriter.ToResultsCsv(report), location);
        }

        return new JobResults(job.State, ReportWriter.ToJson(reports[0].Report), JobReportBuilder.CombinedResultsCsv(reports), location)
        {
            Evaluations = [.. reports.Select(r => new EvaluationResults(r.Evaluation.Model, r.Evaluation.View.ToString(), r.Evaluation.Folder, ReportWriter.ToJson(r.Report), ReportWriter.ToResultsCsv(r.Report)))],
        };
    }
}
