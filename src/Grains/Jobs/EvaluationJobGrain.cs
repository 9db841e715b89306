using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SENet.Contracts.Jobs;
using SENet.Contracts.Workers;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Storage;
using SENet.Evaluation.Telemetry;
using SENet.Grains.Devices;

namespace SENet.Grains.Jobs;

/// <summary>
/// The coordinator of one job. It validates the spec before any work, writes the shard manifest, starts one worker
/// per device of every silo, leases shards (pull), takes leases back when they expire or their silo dies, hands out
/// tail duplicates, merges each shard exactly once, and writes the report. Decisions only: the work is the engine's.
/// </summary>
public sealed class EvaluationJobGrain(
    [PersistentState("job", StorageNames.Jobs)] IPersistentState<JobRecord> record,
    SessionPool sessions,
    ModelCache models,
    StorageOptions storage,
    IDatasetSourceFactory datasets,
    JobStateOptions stateOptions,
    IClusterMembershipService membership,
    ISiloMetadataCache siloMetadata,
    ILocalSiloDetails localSilo,
    ILogger<EvaluationJobGrain> logger) : Grain, IEvaluationJobGrain
{
    private const string DatasetStage = "dataset";
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Guid, ActiveLease> _leases = [];
    private readonly LinkedList<int> _pending = new();
    private readonly HashSet<string> _startedWorkers = [];
    private IGrainTimer? _tick;
    private Activity? _jobSpan;

    // Set while StartAsync validates and plans, so that an interleaved CancelAsync can stop a slow model load or listing.
    private CancellationTokenSource? _starting;

    private JobRecord Job => record.State;

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Job.State == JobState.Running)
        {
            // Reactivated (e.g. the previous host died): every unmerged shard is leasable again, and workers restart.
            // A quarantined shard's ranges are handed out from its probes, never as a whole.
            foreach (var shard in Job.Shards.Where(s => !s.Merged && !s.Quarantined))
            {
                _pending.AddLast(shard.Id);
            }

            logger.LogInformation("Job {Job} reactivated on {Silo} from stored state: {Pending} shards leasable again", JobId, localSilo.SiloAddress, _pending.Count);

            StartTicking();
        }

        return Task.CompletedTask;
    }

    public async Task<JobStatus> StartAsync(JobSpec spec)
    {
        if (Job.Spec is not null)
        {
            if (Job.Spec with { OutputFolder = spec.OutputFolder ?? Job.Spec.OutputFolder } != spec with { OutputFolder = spec.OutputFolder ?? Job.Spec.OutputFolder })
            {
                throw new ArgumentException($"Job '{JobId}' already exists with a different spec. Submit under a new job id.");
            }

            return Status();
        }

        using var starting = _starting = new CancellationTokenSource();
        var token = starting.Token;
        JobSpec effective;
        SessionUse use;
        IReadOnlyList<int> shardSizes;
        IReadOnlyList<string> classNames;
        IReadOnlyList<DatasetIssue> issues = [];
        IOutputStore? claimed = null;
        try
        {
            effective = spec with { OutputFolder = OutputFor(spec) };
            JobInputAccess.Check(effective, storage);
            _ = effective.CheckedMaxFileBytes();
            // Validation, before any work: the model loads and is a classifier, the dataset lists, labels parse, classes agree.
            JobSpecRules.Validate(spec);

            use = await sessions.GetAsync(await models.ResolveAsync(effective.ModelPath, token), InferenceDevice.Cpu, 1, token);
            effective.CheckViewsFit(effective.ToPreprocessSpec(use.Session.InputHeight), use.Session.FixedBatchSize);
            if (use.Session.FixedBatchSize is null)
            {
                // The model was checked with one image: the job's batch must fit the workers' buffers too.
                ClassifierSession.RefuseImpossibleBatch(spec.BatchSize, use.Session.InputHeight, use.Session.InputWidth, use.Session.Classes);
            }
            var source = datasets.Open(effective.DataPath);
            var datasetSpec = effective.ToDatasetSpec() with { Storage = storage };
            var outputs = OutputStores.Open(effective.OutputFolder!, storage);
            await OutputClaim.ClaimAsync(outputs, JobId, spec.Overwrite, async holder => (await GrainFactory.GetGrain<IEvaluationJobGrain>(holder).GetStatusAsync()).State, token);
            claimed = outputs;
            if (effective.LabelsFile is null)
            {
                // ImageFolder: planned while the listing streams, so the coordinator never holds the dataset's names.
                var sharded = await ImageFolderSharder.PlanAsync(source, datasetSpec, use.Session.Classes, outputs, effective.ShardSize, token);
                (shardSizes, classNames) = (sharded.ShardSizes, sharded.ClassNames);
                await LabelManifest.From(sharded.Subset, effective.RealLabelsFile is not null, sharded.FolderLayout, sharded.Note).WriteAsync(outputs, token);
            }
            else
            {
                // A labels file must be read whole to match names to labels; the plan is dropped once the manifest is written.
                var plan = await DatasetPlanner.PlanAsync(source, datasetSpec, use.Session.Classes, token);
                shardSizes = await ShardManifest.WriteAsync(outputs, plan.Images, effective.ShardSize, token);
                (classNames, issues) = (plan.ClassNames, plan.Issues);
                await LabelManifest.From(plan.Subset, effective.RealLabelsFile is not null, plan.FolderLayout, plan.Note).WriteAsync(outputs, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            logger.LogInformation("Job {Job} cancelled before it started", JobId);
            await RecordCancelledBeforeStartAsync(spec);
            return Status();
        }
        catch (Exception e) when (e is DatasetException or ModelValidationException or IOException or UnauthorizedAccessException or ArgumentException or FormatException)
        {
            logger.LogInformation("Job {Job} refused: {Reason}", JobId, e.Message);
            await ReleaseOutputAsync(claimed);
            throw new JobRejectedException(e.Message);
        }
        finally
        {
            _starting = null;
        }

        using var held = use;
        var session = use.Session;
        var counts = new TopKCounts(session.Classes);
        var datasetFailures = issues.Where(i => i.CountsAsFailure).Select(i => new ImageFailure(i.Path, DatasetStage, i.Detail)).ToList();
        counts.AddFailures(datasetFailures.Count);
        record.State = new JobRecord
        {
            Spec = effective,
            State = JobState.Running,
            Shards = shardSizes.Select((images, id) => new ShardRecord { Id = id, Images = images }).ToList(),
            Counts = counts,
            Failures = [.. datasetFailures, .. issues.Where(i => !i.CountsAsFailure).Select(i => new ImageFailure(i.Path, DatasetStage, i.Detail))],
            ClassNames = [.. classNames],
            TotalImages = shardSizes.Sum(s => (long)s) + datasetFailures.Count,
            StartedUtc = DateTime.UtcNow,
            ModelName = session.Description.GetMetadata(ModelMetadataKeys.Architecture) ?? Path.GetFileNameWithoutExtension(StorageLocation.Redact(effective.ModelPath).Split('?')[0]),
            ModelParameters = session.Description.Parameters,
            ModelMultiplyAccumulates = session.Description.MultiplyAccumulates,
            CropSize = session.InputHeight,
            ModelNote = session.BatchNoteFor(effective.BatchSize),
        };
        if (Job.ModelNote is { } note)
        {
            logger.LogWarning("Job {Job}: {Note}", JobId, note);
        }
        foreach (var shard in Job.Shards)
        {
            _pending.AddLast(shard.Id);
        }

        StartJobSpan();
        if (Job.Shards.Count == 0)
        {
            await FinishAsync(JobState.Completed, null);
        }
        else
        {
            await record.WriteStateAsync();
            StartTicking();
            await StartWorkersAsync();
        }

        await GrainFactory.GetGrain<IJobRegistryGrain>(0).RegisterAsync(new JobSummary(JobId, spec.Name, StorageLocation.Redact(spec.ModelPath), StorageLocation.Redact(spec.DataPath), Job.StartedUtc));
        logger.LogInformation("Job {Job}: {Images} images in {Shards} shards", JobId, Job.TotalImages, Job.Shards.Count);
        return Status();
    }

    public async Task<JobStatus> GetStatusAsync() =>
        Job is { State: JobState.NotStarted, Spec: null } && await LostJobReportAsync() is { } lost
            ? Status() with
            {
                State = Enum.TryParse<JobState>(lost.Report.State, ignoreCase: true, out var state) ? state : JobState.Completed,
                ImagesScored = lost.Report.Images,
                ImagesFailed = lost.Report.Failed,
                ImagesTotal = lost.Report.Images + lost.Report.Failed,
                Error = $"This job's record was lost with the silo that held it (memory job storage); its status is read from its report under {lost.Display}.",
            }
            : Status();

    /// <summary>
    /// The report of a job this cluster has no record of, at the job's default output location (the output root's, or the
    /// local default): a job whose stored state died with a silo still answers from what it wrote.
    /// </summary>
    private async Task<(EvaluationReport Report, string Display)?> LostJobReportAsync()
    {
        try
        {
            var outputs = OutputStores.Open(storage.OutputRoot is { Length: > 0 } root ? $"{root.TrimEnd('/')}/{JobId}" : Path.Combine(Path.GetTempPath(), "senet-jobs", JobId), storage);
            return (ReportWriter.FromJson(Encoding.UTF8.GetString(await outputs.ReadAsync("report.json", CancellationToken.None))), outputs.Display);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or JsonException or InvalidDataException or Azure.RequestFailedException)
        {
            return null;
        }
    }

    public Task<JobSpec?> GetSpecAsync() => Task.FromResult(Job.Spec is { } spec ? ClientView.Redacted(spec) : null);

    public Task<JobSpec?> GetWorkSpecAsync() => Task.FromResult(Job.Spec);

    public Task<LeaseResponse> LeaseAsync(string worker)
    {
        if (Job.State != JobState.Running)
        {
            return Task.FromResult(new LeaseResponse(null, JobOver: true));
        }

        var now = DateTime.UtcNow;
        if (NextProbe() is var (quarantined, probe))
        {
            return Task.FromResult(new LeaseResponse(Issue(quarantined.Id, worker, duplicate: false, now, probe.Range), false));
        }

        if (_pending.First is { } next)
        {
            _pending.RemoveFirst();
            return Task.FromResult(new LeaseResponse(Issue(next.Value, worker, duplicate: false, now), false));
        }

        // The tail: an idle worker takes a duplicate of the longest-running shard nobody duplicated yet; first completion wins.
        // A shard whose holder died once runs without duplicates: the next copy could kill its silo too.
        var slowest = _leases.Values
            .Where(l => l.Worker != worker && l.Range is null && Job.Shards[l.ShardId].HolderDeaths == 0)
            .GroupBy(l => l.ShardId)
            .Where(g => g.Count() == 1 && !g.Single().Duplicate)
            .Select(g => g.Single())
            .OrderBy(l => l.LeasedUtc)
            .FirstOrDefault();
        if (Job.Spec!.TailDuplicates && slowest is not null && now - slowest.LeasedUtc > TimeSpan.FromSeconds(1))
        {
            Job.DuplicateLeases++;
            return Task.FromResult(new LeaseResponse(Issue(slowest.ShardId, worker, duplicate: true, now), false));
        }

        return Task.FromResult(new LeaseResponse(null, JobOver: false));
    }

    public Task<bool> RenewAsync(ShardLease lease, long imagesDone)
    {
        if (Job.State != JobState.Running || !_leases.TryGetValue(lease.LeaseId, out var active))
        {
            return Task.FromResult(false);
        }

        active.DeadlineUtc = DateTime.UtcNow + Job.Spec!.LeaseTimeout;
        active.ImagesDone = imagesDone;
        return Task.FromResult(true);
    }

    public async Task<bool> CompleteAsync(ShardLease lease, ShardResult result)
    {
        _leases.Remove(lease.LeaseId);
        if (lease.Range is not null)
        {
            return await CompleteProbeAsync(lease, result);
        }

        if (Job.State != JobState.Running || lease.JobId != JobId || lease.ShardId < 0 || lease.ShardId >= Job.Shards.Count
            || Job.Shards[lease.ShardId].Merged)
        {
            // Exactly once by shard id: a duplicate, a late completion or one after the job ended changes nothing.
            Job.IgnoredCompletions++;
            CountShard("ignored");
            return false;
        }

        var shard = Job.Shards[lease.ShardId];
        if (shard.Quarantined)
        {
            // A whole-shard lease issued before the quarantine: its ranges are now run alone instead.
            Job.IgnoredCompletions++;
            CountShard("ignored");
            return false;
        }

        shard.Merged = true;
        shard.MergedLease = lease.LeaseId;
        shard.Failures = result.Failures.Count;
        MergeResult(result);
        CountShard("completed");
        WithdrawLeases(lease.ShardId);
        _pending.Remove(lease.ShardId);
        await AfterMergeAsync();
        return true;
    }

    /// <summary>A range of a quarantined shard completed: merged once; the shard is done when every range is merged or poison.</summary>
    private async Task<bool> CompleteProbeAsync(ShardLease lease, ShardResult result)
    {
        if (Job.State != JobState.Running || lease.JobId != JobId || lease.ShardId < 0 || lease.ShardId >= Job.Shards.Count
            || !ShardQuarantine.MergeProbe(Job.Shards[lease.ShardId], lease.Range!, lease.LeaseId))
        {
            Job.IgnoredCompletions++;
            CountShard("ignored");
            return false;
        }

        var shard = Job.Shards[lease.ShardId];
        shard.Failures += result.Failures.Count;
        MergeResult(result);
        logger.LogInformation("Job {Job}: quarantined shard {Shard}, {Range} scored alone", JobId, shard.Id, lease.Range);
        await SettleIfDoneAsync(shard);
        await AfterMergeAsync();
        return true;
    }

    /// <summary>
    /// The silo holding <paramref name="lease"/> died. Counted per shard; the second death quarantines the shard, and a
    /// death while a quarantined range ran splits that range, or fails its single image.
    /// </summary>
    private async Task HolderDiedAsync(ActiveLease lease)
    {
        var shard = Job.Shards[lease.ShardId];
        if (shard.Merged)
        {
            return;
        }

        if (lease.Range is { } range)
        {
            if (ShardQuarantine.RecordProbeDeath(shard, range) is { } poison)
            {
                var image = (await ShardManifest.ReadAsync(OutputStores.Open(Job.Spec!.OutputFolder!, storage), shard.Id, CancellationToken.None))[poison.Range.Start];
                var failure = ShardQuarantine.PoisonFailure(image.Path, shard.HolderDeaths);
                logger.LogWarning("Job {Job}: image {Image} of shard {Shard} killed its silo; it is failed and the shard's other images are scored", JobId, image.Path, shard.Id);
                Job.Counts!.AddFailures(1);
                shard.Failures++;
                Job.Failures.Add(failure);
                await SettleIfDoneAsync(shard);
            }
        }
        else if (ShardQuarantine.RecordHolderDeath(shard))
        {
            logger.LogWarning("Job {Job}: shard {Shard} killed {Deaths} silos; quarantined: its images run in ranges, one silo at a time", JobId, shard.Id, shard.HolderDeaths);
            WithdrawLeases(shard.Id);
            _pending.Remove(shard.Id);
            CountShard("quarantined");
        }

        // Settling the shard merged it: AfterMergeAsync writes the state (or finishes the job, which writes it too).
        if (shard.Merged)
        {
            await AfterMergeAsync();
        }
        else
        {
            await record.WriteStateAsync();
        }
    }

    /// <summary>
    /// Once every range of a quarantined shard is settled, its ranges' predictions become the shard's one part, and its
    /// ranges' failures one failures part, so results and reports read it as any other shard.
    /// </summary>
    private async Task SettleIfDoneAsync(ShardRecord shard)
    {
        if (!ShardQuarantine.IsSettled(shard) || shard.Probes is not { } probes)
        {
            return;
        }

        var outputs = OutputStores.Open(Job.Spec!.OutputFolder!, storage);
        var predictions = new StringBuilder();
        var failures = new List<ImageFailure>();
        foreach (var probe in probes.Where(p => p.Outcome == ProbeOutcome.Merged).OrderBy(p => p.Range.Start))
        {
            var part = Encoding.UTF8.GetString(await outputs.ReadAsync(JobOutputNames.PredictionsRangePart(shard.Id, probe.Range.Start, probe.Range.Count), CancellationToken.None));
            var rows = part.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            predictions.Append(string.Concat((predictions.Length == 0 ? rows : rows.Skip(1)).Select(r => r + "\n")));
            try
            {
                failures.AddRange(JsonSerializer.Deserialize<List<ImageFailure>>(await outputs.ReadAsync(JobOutputNames.FailuresPart(shard.Id, probe.MergedLease!.Value), CancellationToken.None)) ?? []);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or Azure.RequestFailedException { Status: 404 })
            {
                // A range without failures writes no failures part.
            }
        }

        var images = await ShardManifest.ReadAsync(outputs, shard.Id, CancellationToken.None);
        failures.AddRange(probes.Where(p => p.Outcome == ProbeOutcome.Poison).Select(p => ShardQuarantine.PoisonFailure(images[p.Range.Start].Path, shard.HolderDeaths)));
        var merged = Guid.NewGuid();
        await outputs.WriteAsync(JobOutputNames.FailuresPart(shard.Id, merged), JsonSerializer.SerializeToUtf8Bytes(failures), CancellationToken.None);
        await outputs.WriteAsync(JobOutputNames.PredictionsPart(shard.Id), Encoding.UTF8.GetBytes(predictions.ToString()), CancellationToken.None);
        shard.MergedLease = merged;
        shard.Merged = true;
        CountShard("completed");
    }

    private void MergeResult(ShardResult result)
    {
        Job.Counts!.Merge(result.Counts);
        // The stored state keeps failures up to a limit; past it the report reads them from the shards' parts.
        var room = Math.Max(0, stateOptions.FailuresKept - Job.Failures.Count);
        Job.FailuresInParts |= result.Failures.Count > room;
        Job.Failures.AddRange(result.Failures.Take(room));
        var tally = Tally(result.Worker, result.Device);
        tally.Images += result.Counts.Images + result.Counts.Failed;
        tally.Shards++;
        Job.Timeline.Add(new ShardTiming(result.Device, result.Worker, (result.StartedUtc - Job.StartedUtc).TotalSeconds,
            (result.FinishedUtc - Job.StartedUtc).TotalSeconds, result.Counts.Images + result.Counts.Failed));
    }

    private async Task AfterMergeAsync()
    {
        if (Job.Spec!.MaxFailed.IsExceeded(Job.Counts!.Failed, Job.TotalImages))
        {
            await FinishAsync(JobState.Failed, $"{Job.Counts.Failed} failed images exceed the threshold of {Job.Spec.MaxFailed}; the report keeps what was done.");
        }
        else if (Job.Shards.All(s => s.Merged))
        {
            await FinishAsync(JobState.Completed, null);
        }
        else
        {
            await record.WriteStateAsync();
        }
    }

    public Task ReleaseAsync(ShardLease lease, string reason)
    {
        if (_leases.Remove(lease.LeaseId, out var active))
        {
            Tally(active.Worker, WorkerKey.Parse(active.Worker).Device).LastError = reason;
            Requeue(lease.ShardId);
        }

        return Task.CompletedTask;
    }

    public async Task WorkerStoppedAsync(string worker, string reason)
    {
        var tally = Tally(worker, WorkerKey.Parse(worker).Device);
        tally.Stopped = true;
        tally.LastError = reason;
        foreach (var lease in _leases.Values.Where(l => l.Worker == worker).ToList())
        {
            _leases.Remove(lease.LeaseId);
            Requeue(lease.ShardId);
        }

        if (Job.State == JobState.Running && _startedWorkers.All(w => Job.Workers.TryGetValue(w, out var t) && t.Stopped))
        {
            var reasons = Job.Workers.Where(w => w.Value.Stopped).Select(w => $"{w.Key}: {w.Value.LastError}").Distinct();
            await FinishAsync(JobState.Failed, $"No worker could run the job. {string.Join(" ", reasons)}");
        }
        else
        {
            await record.WriteStateAsync();
        }
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (_starting is { } starting && Job.State == JobState.NotStarted)
        {
            await starting.CancelAsync();
            return Status() with { State = JobState.Cancelled, Error = CancelledBeforeStart };
        }

        if (Job.State == JobState.Running)
        {
            await FinishAsync(JobState.Cancelled, "cancelled by the user");
        }

        return Status();
    }

    public async Task<JobResults?> GetResultsAsync()
    {
        if (Job is { State: JobState.NotStarted, Spec: null } && await LostJobReportAsync() is { } lost)
        {
            var state = Enum.TryParse<JobState>(lost.Report.State, ignoreCase: true, out var parsed) ? parsed : JobState.Completed;
            return new JobResults(state, ReportWriter.ToJson(lost.Report), ReportWriter.ToResultsCsv(lost.Report), ClientView.Location(lost.Display));
        }

        // A job cancelled before it started ran nothing and has no report; its status says so.
        if (Job.State is JobState.Running or JobState.NotStarted || Job.Counts is null)
        {
            return null;
        }

        var report = await ReportAsync();
        return new JobResults(Job.State, ReportWriter.ToJson(report), ReportWriter.ToResultsCsv(report), ClientView.Location(Job.Spec!.OutputFolder!));
    }

    /// <summary>A refused job gives its output location back, so that the corrected job can use it.</summary>
    private async Task ReleaseOutputAsync(IOutputStore? claimed)
    {
        if (claimed is null)
        {
            return;
        }

        try
        {
            await OutputClaim.ReleaseAsync(claimed, JobId, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Azure.RequestFailedException)
        {
            logger.LogWarning("Job {Job}: its output location {Outputs} was not released ({Reason}); a rerun there needs --overwrite", JobId, claimed.Display, e.Message);
        }
    }

    private const string CancelledBeforeStart = "cancelled while the model loaded or the dataset was listed";

    /// <summary>
    /// Keeps a record of a job cancelled while it was being validated, so its status stays "cancelled" rather than
    /// unknown. Storage is often what a cancelled start was waiting on: the writes get a short time, and what they
    /// miss lives only as long as this activation (logged).
    /// </summary>
    private async Task RecordCancelledBeforeStartAsync(JobSpec spec)
    {
        var now = DateTime.UtcNow;
        record.State = new JobRecord { Spec = spec, State = JobState.Cancelled, Error = CancelledBeforeStart, StartedUtc = now, FinishedUtc = now };
        try
        {
            await record.WriteStateAsync().WaitAsync(TimeSpan.FromSeconds(2));
            await GrainFactory.GetGrain<IJobRegistryGrain>(0)
                .RegisterAsync(new JobSummary(JobId, spec.Name, StorageLocation.Redact(spec.ModelPath), StorageLocation.Redact(spec.DataPath), now))
                .WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or Azure.RequestFailedException)
        {
            logger.LogWarning("Job {Job}: the record of its cancellation was not stored ({Reason}); it is kept while this activation lives", JobId, e.Message);
        }
    }

    private ShardLease Issue(int shardId, string worker, bool duplicate, DateTime now, ImageRange? range = null)
    {
        var shard = Job.Shards[shardId];
        shard.Attempts++;
        var active = new ActiveLease(Guid.NewGuid(), shardId, worker, duplicate, now, now + Job.Spec!.LeaseTimeout, range);
        _leases[active.LeaseId] = active;
        Tally(worker, WorkerKey.Parse(worker).Device);
        CountShard(duplicate ? "duplicated" : "leased");
        return new ShardLease(JobId, shardId, active.LeaseId, active.DeadlineUtc, shard.Attempts, duplicate, Job.TraceParent, range);
    }

    private (ShardRecord Shard, ProbeRange Probe)? NextProbe() =>
        ShardQuarantine.NextProbe(Job.Shards, probeRunning: _leases.Values.Any(l => l.Range is not null));

    private void WithdrawLeases(int shardId)
    {
        foreach (var id in _leases.Values.Where(l => l.ShardId == shardId).Select(l => l.LeaseId).ToList())
        {
            _leases.Remove(id);
        }
    }

    /// <summary>A shard whose every lease is gone goes back to the front of the queue.</summary>
    private void Requeue(int shardId)
    {
        if (!Job.Shards[shardId].Merged && !Job.Shards[shardId].Quarantined && _leases.Values.All(l => l.ShardId != shardId) && !_pending.Contains(shardId))
        {
            _pending.AddFirst(shardId);
            Job.ShardsRetried++;
            CountShard("retried");
        }
    }

    private void StartTicking() =>
        _tick ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TickPeriod, TickPeriod) { KeepAlive = true });

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (Job.State != JobState.Running)
        {
            _tick?.Dispose();
            _tick = null;
            return;
        }

        RecordJobGauges();
        var now = DateTime.UtcNow;
        var snapshot = membership.CurrentSnapshot;
        foreach (var lease in _leases.Values.ToList())
        {
            var silo = SiloAddress.FromParsableString(WorkerKey.Parse(lease.Worker).Silo);
            var siloGone = snapshot.GetSiloStatus(silo) is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping;
            if (lease.DeadlineUtc < now || siloGone)
            {
                logger.LogInformation("Job {Job}: shard {Shard} taken back from {Worker} ({Why})", JobId, lease.ShardId, lease.Worker, siloGone ? "silo dead" : "lease expired");
                _leases.Remove(lease.LeaseId);
                Job.LeasesReclaimed++;
                if (siloGone)
                {
                    await HolderDiedAsync(lease);
                }

                Requeue(lease.ShardId);
            }
        }

        await StartWorkersAsync();
    }

    /// <summary>One worker per device of every active silo; silos that join later are picked up on a later tick.</summary>
    private async Task StartWorkersAsync()
    {
        var starts = new List<Task>();
        foreach (var member in membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active))
        {
            var devices = DeviceMetadata.Parse(siloMetadata.GetSiloMetadata(member.SiloAddress).Metadata.GetValueOrDefault(DeviceMetadata.Key));
            foreach (var device in devices)
            {
                var key = WorkerKey.Format(member.SiloAddress.ToParsableString(), device);
                if (_startedWorkers.Add(key))
                {
                    // Tallied on start, so status shows a worker that joined but has not taken a shard yet.
                    Tally(key, device);
                    starts.Add(StartWorkerAsync(key));
                }
            }
        }

        await Task.WhenAll(starts);
    }

    private async Task StartWorkerAsync(string key)
    {
        try
        {
            await GrainFactory.GetGrain<IInferenceWorkerGrain>(key).StartJobAsync(JobId);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job}: worker {Worker} did not start", JobId, key);
            _startedWorkers.Remove(key);
            Tally(key, WorkerKey.Parse(key).Device).LastError = $"did not start: {e.Message}";
        }
    }

    private async Task FinishAsync(JobState state, string? error)
    {
        Job.State = state;
        Job.Error = error;
        Job.FinishedUtc = DateTime.UtcNow;
        var withdrawn = _leases.Values.Select(l => l.Worker).Distinct().ToList();
        _leases.Clear();
        _pending.Clear();
        RecordJobGauges();
        if (_jobSpan is not null)
        {
            _jobSpan.SetTag("senet.job.state", state.ToString().ToLowerInvariant());
            _jobSpan.SetTag("senet.job.images", Job.Counts?.Images);
            _jobSpan.SetTag("senet.job.failed", Job.Counts?.Failed);
            _jobSpan.SetStatus(state == JobState.Completed ? ActivityStatusCode.Ok : ActivityStatusCode.Error, error);
            _jobSpan.Stop();
            _jobSpan = null;
        }

        var outputs = OutputStores.Open(Job.Spec!.OutputFolder!, storage);
        try
        {
            var report = await ReportAsync();
            await outputs.WriteAsync("report.json", Encoding.UTF8.GetBytes(ReportWriter.ToJson(report)), CancellationToken.None);
            await outputs.WriteAsync("results.csv", Encoding.UTF8.GetBytes(ReportWriter.ToResultsCsv(report)), CancellationToken.None);
            await outputs.WriteAsync("report.html", Encoding.UTF8.GetBytes(HtmlReportWriter.Write(report, $"SENet Eval: {Job.Spec.Name ?? JobId}")), CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or JsonException)
        {
            // The report stays available through GetResultsAsync; the files can be written again with 'senet results --out'.
            logger.LogError(e, "Job {Job}: writing the report to {Outputs} failed", JobId, outputs.Display);
        }

        // Stored after the report files: where the job's storage died with a silo (memory storage on a localhost
        // cluster), the write fails, but the report is already on disk.
        try
        {
            await record.WriteStateAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Job {Job}: storing its final state failed; its report is under {Outputs}, and its state lives as long as this activation", JobId, outputs.Display);
        }

        if (state != JobState.Completed)
        {
            // Stop running shards now rather than at their next renewal.
            await Task.WhenAll(withdrawn.Select(async worker =>
            {
                try
                {
                    await GrainFactory.GetGrain<IInferenceWorkerGrain>(worker).StopJobAsync(JobId);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Job {Job}: could not stop worker {Worker}", JobId, worker);
                }
            }));
        }

        logger.LogInformation("Job {Job} {State}: {Images} scored, {Failed} failed", JobId, state, Job.Counts?.Images, Job.Counts?.Failed);
    }

    private async Task<EvaluationReport> ReportAsync()
    {
        var spec = Job.Spec!;
        var labels = await LabelManifest.ReadAsync(OutputStores.Open(spec.OutputFolder!, storage), CancellationToken.None);
        var failures = Job.FailuresInParts ? await ReadFailuresAsync() : Job.Failures;
        var duration = (Job.FinishedUtc ?? DateTime.UtcNow) - Job.StartedUtc;
        // Workers are tallied when they join; the report names the devices that scored shards.
        var devices = Job.Workers.Values.Where(w => w.Shards > 0).Select(w => w.Device).Distinct().Order().ToList();
        return EvaluationReport.Create(Job.Counts!, Job.ModelName, StorageLocation.Redact(spec.DataPath), devices.Count == 0 ? "none" : $"cluster: {string.Join(", ", devices)}",
            Job.ClassNames, failures, duration) with
        {
            State = Job.State.ToString().ToLowerInvariant(),
            ParameterCount = Job.ModelParameters,
            MultiplyAccumulates = Job.ModelMultiplyAccumulates,
            ImageSize = Job.CropSize,
            CropPct = spec.ToPreprocessSpec(Job.CropSize).CropPct,
            Interpolation = spec.Interpolation,
            Timeline = Job.Timeline,
            View = ViewSpec.Parse(spec.View).ToString(),
            Labels = LabelConventionsReport.From(Job.Counts!, labels?.FolderLayout, spec.ClassSubsetFile is { } subset ? StorageLocation.Redact(subset) : null,
                labels?.Subset(Job.Counts!.Classes), spec.RealLabelsFile is { } real ? StorageLocation.Redact(real) : null),
            Notes = [.. Job.ModelNote is { } modelNote ? [modelNote] : Array.Empty<string>(), .. labels?.Note is { } labelNote ? [labelNote] : Array.Empty<string>(), .. Job.Workers.Where(w => w.Value.Stopped)
                .Select(w => $"Worker {w.Key} did not work: {w.Value.LastError}").Order(StringComparer.Ordinal)],
        };
    }

    /// <summary>What planning found, then every merged shard's failures, each read from the part of the lease that was merged.</summary>
    private async Task<List<ImageFailure>> ReadFailuresAsync()
    {
        var outputs = OutputStores.Open(Job.Spec!.OutputFolder!, storage);
        var failures = Job.Failures.Where(f => f.Stage == DatasetStage).ToList();
        foreach (var shard in Job.Shards.Where(s => s is { Merged: true, Failures: > 0, MergedLease: not null }))
        {
            var part = await outputs.ReadAsync(JobOutputNames.FailuresPart(shard.Id, shard.MergedLease!.Value), CancellationToken.None);
            failures.AddRange(JsonSerializer.Deserialize<List<ImageFailure>>(part)
                ?? throw new InvalidDataException($"The failures part of shard {shard.Id} under {outputs.Display} is empty."));
        }

        return failures;
    }

    /// <summary>
    /// The job's span lives as long as the job on this activation; every shard span joins its trace through the
    /// traceparent that leases carry. It is not the ambient activity of this turn.
    /// </summary>
    private void StartJobSpan()
    {
        var ambient = Activity.Current;
        _jobSpan = EvaluationTelemetry.Source.StartActivity("senet.job", ActivityKind.Internal, ambient?.Context ?? default,
            [new(TelemetryTags.Job, JobId), new("senet.job.shards", Job.Shards.Count), new("senet.job.images", Job.TotalImages)]);
        Activity.Current = ambient;
        Job.TraceParent = _jobSpan?.Id;
    }

    private void CountShard(string @event) =>
        EvaluationTelemetry.Shards.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Job, JobId), new KeyValuePair<string, object?>(TelemetryTags.ShardEvent, @event));

    private void RecordJobGauges()
    {
        var status = Status();
        var job = new KeyValuePair<string, object?>(TelemetryTags.Job, JobId);
        EvaluationTelemetry.JobProgress.Record(status.ImagesTotal > 0 ? (double)status.ImagesDone / status.ImagesTotal : 0, job);
        EvaluationTelemetry.JobEta.Record(status.Eta?.TotalSeconds ?? 0, job);
        EvaluationTelemetry.JobThroughput.Record(status.ImagesPerSecond, job);
        if (Job.Counts is { Images: > 0 } counts)
        {
            EvaluationTelemetry.JobTop1Error.Record(counts.Top1Error, job);
            EvaluationTelemetry.JobTop5Error.Record(counts.Top5Error, job);
        }
    }

    private JobStatus Status()
    {
        var counts = Job.Counts;
        var elapsed = Job.State == JobState.NotStarted ? TimeSpan.Zero : (Job.FinishedUtc ?? DateTime.UtcNow) - Job.StartedUtc;
        var done = (counts?.Images ?? 0) + (counts?.Failed ?? 0) + _leases.Values.GroupBy(l => l.ShardId).Sum(g => g.Max(l => l.ImagesDone));
        var perSecond = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var workers = Job.Workers.Select(w =>
        {
            var held = _leases.Values.Where(l => l.Worker == w.Key).ToList();
            var images = w.Value.Images + held.Sum(l => l.ImagesDone);
            return new WorkerFigures(w.Key, WorkerKey.Parse(w.Key).Silo, w.Value.Device, images, w.Value.Shards, held.Count,
                elapsed.TotalSeconds > 0 ? images / elapsed.TotalSeconds : 0);
        }).OrderBy(w => w.Worker, StringComparer.Ordinal).ToList();
        return new JobStatus
        {
            JobId = JobId,
            Name = Job.Spec?.Name,
            State = Job.State,
            ImagesScored = counts?.Images ?? 0,
            ImagesFailed = counts?.Failed ?? 0,
            ImagesTotal = Job.TotalImages,
            ShardsTotal = Job.Shards.Count,
            ShardsDone = Job.Shards.Count(s => s.Merged),
            ShardsLeased = _leases.Values.Select(l => l.ShardId).Distinct().Count(),
            ShardsRetried = Job.ShardsRetried,
            LeasesReclaimed = Job.LeasesReclaimed,
            DuplicateLeases = Job.DuplicateLeases,
            IgnoredCompletions = Job.IgnoredCompletions,
            ImagesPerSecond = perSecond,
            Eta = Job.State == JobState.Running && perSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, Job.TotalImages - done) / perSecond) : null,
            Elapsed = elapsed,
            Workers = workers,
            Error = Job.Error,
            CoordinatorSilo = localSilo.SiloAddress.ToParsableString(),
        };
    }

    private WorkerTally Tally(string worker, string device)
    {
        if (!Job.Workers.TryGetValue(worker, out var tally))
        {
            tally = new WorkerTally { Device = device };
            Job.Workers[worker] = tally;
        }

        return tally;
    }

    /// <summary>
    /// The job's output: under the configured output root (refused elsewhere); without a root, a local temporary
    /// folder for local data, while blob data needs an output every silo can reach.
    /// </summary>
    private string OutputFor(JobSpec spec)
    {
        if (storage.OutputRoot is { Length: > 0 } root)
        {
            var output = spec.OutputFolder ?? $"{root.TrimEnd('/')}/{JobId}";
            if (!StorageLocation.IsUnder(output, root, storage, orSame: false))
            {
                throw new ArgumentException($"Output location '{StorageLocation.Redact(output)}' is outside this cluster's output root '{StorageLocation.Redact(root)}'. Pass --out under it, or leave --out out to use {StorageLocation.Redact(root)}/{JobId}.");
            }

            return output;
        }

        return spec.OutputFolder ?? (StorageLocation.LooksLikeBlob(spec.DataPath)
            ? throw new ArgumentException("A dataset in blob storage needs an output location every silo can reach: pass --out with a blob prefix.")
            : Path.Combine(Path.GetTempPath(), "senet-jobs", JobId));
    }
}
