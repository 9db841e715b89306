using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SENet.Contracts.Jobs;
using SENet.Contracts.Workers;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Reproducibility;
using SENet.Evaluation.Storage;
using SENet.Evaluation.Telemetry;
using Orleans.Storage;
using SENet.Grains.Devices;
using Microsoft.Extensions.Options;

namespace SENet.Grains.Jobs;

/// <summary>
/// The coordinator of one job: it validates the spec before any work, starts one worker per device of every silo, and
/// orchestrates the <see cref="JobPlanner"/> (the listing, into shard manifests, in the background: shards are leasable
/// as they are planned), the <see cref="ShardScheduler"/> (which shard goes to whom, what comes back) and the
/// <see cref="JobStateStore"/> (what is durable). Completions and leases are answered once a group commit holds
/// them (<see cref="GroupCommit"/>): lease, renew, complete and status interleave, so many workers share one write and
/// status never waits behind one. Decisions only: the work is the engine's.
/// </summary>
public sealed partial class EvaluationJobGrain(
    SessionPool sessions,
    ModelCache models,
    IOptions<StorageOptions> storageOptions,
    IDatasetSourceFactory datasets,
    IOptions<JobStateOptions> stateOptions,
    IClusterMembershipService membership,
    ISiloMetadataCache siloMetadata,
    ILocalSiloDetails localSilo,
    ILogger<EvaluationJobGrain> logger) : Grain, IEvaluationJobGrain
{
    private const string DatasetStage = "dataset";
    private readonly StorageOptions storage = storageOptions.Value;
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);

    /// <summary>How long a lease request that finds nothing waits for the next planned shards, while the job plans.</summary>
    private static readonly TimeSpan PlanningLeaseWait = TimeSpan.FromSeconds(5);

    /// <summary>Planned rows a commit's record may carry before their partition is flushed with it.</summary>
    private const int PlannedBatch = 64;

    /// <summary>Planned shards the listing may have ready before the coordinator applies them; it waits beyond.</summary>
    private const int PlannedAhead = 512;

    private readonly HashSet<string> _startedWorkers = [];
    private readonly Dictionary<string, string> _names = [];
    private readonly SemaphoreSlim _settling = new(1, 1);
    private readonly JobEventLog _events = new();
    private JobRecord _job = new();
    private List<ShardRecord> _shards = [];
    private ShardScheduler? _scheduler;
    private JobStateStore _store = null!;
    private GroupCommit _commit = null!;
    private IGrainTimer? _tick;
    private Activity? _jobSpan;

    // Set while the job's end is written: commits meanwhile store it as running, so a coordinator that dies before the
    // report files are written finishes the job again rather than leaving it ended without them.
    private bool _finishing;

    // The job's state when its end began to be written: stored meanwhile, so a successor takes the job up where it was.
    private JobState _stateBeforeEnd;

    // Set while StartAsync validates, so that an interleaved CancelAsync can stop a slow model load or listing.
    private CancellationTokenSource? _starting;

    // Set while the listing runs in the background: cancelling it stops the listing.
    private CancellationTokenSource? _planning;

    /// <summary>The planner that validated this job at submit, until planning takes it over.</summary>
    private JobPlanner? _checkedPlanner;

    // Completed (and replaced) each time planned shards are applied, or planning ends: lease requests waiting for shards go on.
    private TaskCompletionSource _shardsPlanned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Storage outages met while planning, one after another: each waits longer before listing again.
    private int _planningOutages;

    // Planned rows below this are flushed to their partitions (or asked to be, by the next commit).
    private int _plannedFlushedThrough;

    // Planning restarted after its coordinator died: the last stored shard, and its last image, must be listed again as they were.
    private (int ShardId, string? LastImage)? _resumeCheck;

    /// <summary>Planning or running: shards are leased and merged.</summary>
    private bool Active => _job.State is JobState.Running or JobState.Planning;

    private string JobId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = new JobStateStore(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Jobs), this.GetGrainId(), stateOptions.Value.ShardsPerPartition, stateOptions.Value.OverlayLimit, stateOptions.Value.LogSlots);
        _commit = new GroupCommit(() => _store.WriteAsync(Snapshot, _shards, _scheduler?.Leases ?? [], _job.Workers), stateOptions.Value.CommitInterval);
        (_job, _shards) = await _store.LoadAsync();
        if (_job.Spec is null || (_job.ShardCount == 0 && _job.State != JobState.Planning))
        {
            return;
        }

        var running = Active;
        // Reactivated (e.g. the previous host died): every unmerged shard is leasable again, but the leases in flight
        // are adopted, so a holder whose silo died meanwhile still counts against its shard. A quarantined shard's
        // ranges are handed out from its probes, never as a whole.
        _scheduler = NewScheduler(running ? _job.Leases : []);
        if (running)
        {
            logger.LogInformation("Job {Job} reactivated on {Silo} from stored state: {Pending} shards leasable again, {Held} leases adopted", JobId, localSilo.SiloAddress, _scheduler.Pending, _scheduler.Leases.Count);
            StartTicking();
            if (_job.State == JobState.Planning)
            {
                // Planning died with its coordinator: it lists again from the start, keeping the stored shards (checked
                // against the listing) and appending the rest. Merged shards stay merged: nothing is counted twice.
                logger.LogInformation("Job {Job}: planning restarts after {Shards} stored shards", JobId, _shards.Count);
                StartPlanning();
            }
        }
        else
        {
            _scheduler.Clear();
        }
    }

    private ShardScheduler NewScheduler(IEnumerable<LeaseHolder> held)
    {
        var scheduler = new ShardScheduler(_shards, _job.Spec!.LeaseTimeout, _job.Spec.TailDuplicates, _store.Changed)
        {
            ShardsRetried = _job.ShardsRetried,
            DuplicateLeases = _job.DuplicateLeases,
            LeasesReclaimed = _job.LeasesReclaimed,
            IgnoredCompletions = _job.IgnoredCompletions,
        };
        scheduler.Start(held, DateTime.UtcNow);
        return scheduler;
    }

    /// <summary>The job record as a commit writes it: counters as of now, <paramref name="overlay"/> the rows it carries; the store adds the leases and tallies it needs.</summary>
    private JobRecord Snapshot(List<ShardRecord> overlay)
    {
        SyncCounters();
        var snapshot = _job.Snapshot(overlay, [], withWorkers: false);
        snapshot.ShardCount = _shards.Count;
        if (_finishing)
        {
            snapshot.State = _stateBeforeEnd;
        }

        return snapshot;
    }

    private void SyncCounters()
    {
        if (_scheduler is { } scheduler)
        {
            (_job.ShardsRetried, _job.DuplicateLeases, _job.LeasesReclaimed, _job.IgnoredCompletions) = (scheduler.ShardsRetried, scheduler.DuplicateLeases, scheduler.LeasesReclaimed, scheduler.IgnoredCompletions);
        }
    }

    public async Task<JobStatus> StartAsync(JobSpec spec)
    {
        if (_job.Spec is not null)
        {
            // Another --out is another job: answering with this one's status would tell the caller its outputs go where they never will.
            var state = _job.State.ToString().ToLowerInvariant();
            if (spec.OutputFolder is { } output && output != _job.Spec.OutputFolder)
            {
                throw new ArgumentException($"Job '{JobId}' already exists ({state}) and writes to {StorageLocation.Redact(_job.Spec.OutputFolder!)}, not {StorageLocation.Redact(output)}. Submit under a new job id, or leave --job-id out.");
            }

            if (!_job.Spec.SameWorkAs(spec))
            {
                throw new ArgumentException($"Job '{JobId}' already exists ({state}) with a different spec. Submit under a new job id, or leave --job-id out.");
            }

            return Status();
        }

        using var starting = _starting = new CancellationTokenSource();
        var token = starting.Token;
        JobSpec effective;
        SessionUse use;
        IReadOnlyList<string>? classNames;
        IOutputStore? claimed = null;
        string? modelSha256 = null;
        ModelOutputs outputKind;
        List<EvaluationRecord> evaluations;
        try
        {
            effective = spec with { OutputFolder = OutputFor(spec) };
            JobInputAccess.Check(effective, storage);
            _ = effective.CheckedMaxFileBytes();
            // Validation, before any work: the model loads and is a classifier, labels parse, classes agree, the listing reads.
            JobSpecRules.Validate(spec);

            // Every model (one, or each of several), its views and its batch, checked as a job of it alone would be.
            (use, modelSha256, outputKind, evaluations) = await ValidateModelsAsync(effective, token);

            var outputs = OutputStores.Open(effective.OutputFolder!, storage);
            try
            {
                await OutputClaim.ClaimAsync(outputs, JobId, spec.Overwrite, async holder => (await GrainFactory.GetGrain<IEvaluationJobGrain>(holder).GetStatusAsync()).State, token,
                    [.. JobEvaluations.Of(effective).Select(e => e.Folder)]);
            }
            catch
            {
                use.Dispose();
                throw;
            }

            claimed = outputs;
            // The dataset, cheaply: its class folders or labels file, and the listing's first page. The rest is planned
            // in the background, after this call has answered.
            var planner = Planner(effective, use.Session.Classes);
            classNames = await planner.CheckAsync(token);
            // Planning starts from what the check found (the class folders), not from a second listing of them.
            _checkedPlanner = planner;
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
        var job = new JobRecord
        {
            Spec = effective,
            State = JobState.Planning,
            Counts = new TopKCounts(session.Classes),
            ClassNames = [.. classNames ?? []],
            StartedUtc = DateTime.UtcNow,
            ModelName = session.Description.GetMetadata(ModelMetadataKeys.Architecture) ?? Path.GetFileNameWithoutExtension(StorageLocation.Redact(effective.ModelPath).Split('?')[0]),
            ModelParameters = session.Description.Parameters,
            ModelMultiplyAccumulates = session.Description.MultiplyAccumulates,
            CropSize = session.InputHeight,
            ModelNote = session.BatchNoteFor(effective.BatchSize),
            ModelSha256 = modelSha256,
            BatchSize = session.FixedBatchSize ?? effective.BatchSize,
            Outputs = outputKind.Name,
            OutputsSource = outputKind.Source,
            Evaluations = evaluations,
        };
        if (job.ModelNote is { } note)
        {
            logger.LogWarning("Job {Job}: {Note}", JobId, note);
        }

        (_job, _shards) = (job, []);
        StartJobSpan();
        // The record, with no shard yet: from this write the job exists, planning, and shards join it as they are planned.
        await _store.WriteNewAsync(_job, _shards);
        _scheduler = NewScheduler([]);
        StartTicking();
        if (_job.State == JobState.Planning)
        {
            StartPlanning();
            await StartWorkersAsync();
        }

        await GrainFactory.GetGrain<IJobRegistryGrain>(0).RegisterAsync(new JobSummary(JobId, spec.Name, StorageLocation.Redact(spec.ModelPath), StorageLocation.Redact(spec.DataPath), _job.StartedUtc));
        logger.LogInformation("Job {Job} accepted; its dataset is planned in the background", JobId);
        return Status();
    }

    private JobPlanner Planner(JobSpec spec, int modelClasses) =>
        new(datasets.Open(spec.DataPath), spec.ToDatasetSpec() with { Storage = storage }, spec, modelClasses, OutputStores.Open(spec.OutputFolder!, storage), storage, logger);

    /// <summary>
    /// Lists the dataset into shards on the thread pool; each shard planned is applied to the table in this grain's turns
    /// (<see cref="ApplyPlanAsync"/>), where it is leasable at once. Nothing waits on the listing: status, leases, cancel
    /// and completions interleave with it. The shards already in the table (a restart) are listed again, not re-added.
    /// </summary>
    private void StartPlanning()
    {
        var planning = _planning = new CancellationTokenSource();
        var token = planning.Token;
        var planner = _checkedPlanner ?? Planner(_job.Spec!, _job.Counts!.Classes);
        _checkedPlanner = null;
        var written = _shards.Count;
        _plannedFlushedThrough = written;
        _resumeCheck = written > 0 ? (written - 1, _job.PlanLastImage) : null;
        _scheduler!.Planning = true;
        var planned = Channel.CreateBounded<PlannedShard>(new BoundedChannelOptions(PlannedAhead) { SingleReader = true, SingleWriter = true });
        var listing = Task.Run(async () =>
        {
            try
            {
                return await planner.RunAsync(written, shard => planned.Writer.WriteAsync(shard, token), token);
            }
            finally
            {
                planned.Writer.TryComplete();
            }
        }, CancellationToken.None);
        _ = ApplyPlanAsync(planned.Reader, listing, planning);
    }

    /// <summary>
    /// Runs in this grain's turns (never beside another): appends each batch of planned shards, wakes the lease requests
    /// waiting for them, and commits them; at the listing's end records its totals and the job runs on. A listing that
    /// fails fails the job, with its reason.
    /// </summary>
    private async Task ApplyPlanAsync(ChannelReader<PlannedShard> planned, Task<PlanOutcome> listing, CancellationTokenSource planning)
    {
        try
        {
            while (await planned.WaitToReadAsync(CancellationToken.None))
            {
                for (var applied = 0; applied < _store.PartitionSize && planned.TryRead(out var shard); applied++)
                {
                    AddPlanned(shard);
                }

                if (_job.State != JobState.Planning)
                {
                    return;
                }

                Published();
            }

            var outcome = await listing;
            if (_job.State != JobState.Planning)
            {
                return;
            }

            EndPlanning(outcome);
            WakeLeaseRequests();
            await AfterMergeAsync();
        }
        catch (Exception e) when (planning.IsCancellationRequested && e is OperationCanceledException)
        {
            // Cancelled with the job: its end says why.
        }
        catch (Exception e) when (IsStorageOutage(e) && _job.State == JobState.Planning && !_finishing)
        {
            // Storage away longer than the client's retries is an outage, not a broken listing: planning waits and lists
            // again from the start, keeping the shards it has (checked against the new listing), as a successor would.
            var delay = TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(_planningOutages++, 5)) * (0.8 + 0.4 * Random.Shared.NextDouble()));
            logger.LogWarning("Job {Job}: storage did not answer while planning ({Reason}); planning resumes in {Delay:F1} s after {Shards} shards", JobId, e.Message, delay.TotalSeconds, _shards.Count);
            try
            {
                await Task.Delay(delay, planning.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_job.State == JobState.Planning && !_finishing)
            {
                StartPlanning();
            }
        }
        catch (Exception e)
        {
            if (_job.State == JobState.Planning && !_finishing)
            {
                // The dataset's own faults are named as they are; anything else by its type too.
                var reason = e is DatasetException or IOException or UnauthorizedAccessException or Azure.RequestFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                logger.LogWarning(e, "Job {Job}: planning failed after {Images} images in {Shards} shards", JobId, _job.TotalImages, _shards.Count);
                await FinishAsync(JobState.Failed, $"Planning the dataset failed after {_job.TotalImages:N0} images in {_shards.Count:N0} shards: {reason}");
            }
        }
        finally
        {
            if (_planning == planning)
            {
                _planning = null;
            }

            // Once the listing has stopped too (a cancelled one may still be unwinding); its fault, if any, was reported above.
            _ = listing.ContinueWith(done =>
            {
                _ = done.Exception;
                planning.Dispose();
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private static bool IsStorageOutage(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is StorageUnavailableException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Shards just planned are leasable: waiting lease requests go on. They are stored with the next commit, as every
    /// change is; planning itself commits nothing, as a lease's commit always carries the shard it names, and a
    /// successor plans again whatever was not stored. Every <see cref="PlannedBatch"/> planned rows leave the record with
    /// their partition, rather than riding in every commit's record until the overlay fills.
    /// </summary>
    private void Published()
    {
        WakeLeaseRequests();
        if (_shards.Count - _plannedFlushedThrough >= PlannedBatch)
        {
            for (var partition = _plannedFlushedThrough / _store.PartitionSize; partition * _store.PartitionSize < _shards.Count; partition++)
            {
                _store.FlushOnNextWrite(partition);
            }

            _plannedFlushedThrough = _shards.Count;
        }
    }

    /// <summary>A shard the listing planned joins the table, or, planning again after a restart, is checked against the stored one.</summary>
    private void AddPlanned(PlannedShard shard)
    {
        if (shard.Id < _shards.Count)
        {
            if (_shards[shard.Id].Images != shard.Images || (_resumeCheck is var (id, last) && id == shard.Id && last is not null && last != shard.LastImage))
            {
                throw new DatasetException($"The dataset changed while it was planned: shard {shard.Id}, stored before its coordinator restarted, is not what the listing gives now. Submit it again as a new job.");
            }

            return;
        }

        if (shard.Id != _shards.Count)
        {
            throw new InvalidOperationException($"Shard {shard.Id} was planned after {_shards.Count} shards: shards are planned in order.");
        }

        _shards.Add(new ShardRecord { Id = shard.Id, Images = shard.Images });
        _store.Changed(shard.Id);
        _scheduler!.Planned(shard.Id);
        _job.ShardCount = _shards.Count;
        _job.TotalImages += shard.Images;
        _job.PlanLastImage = shard.LastImage;
    }

    /// <summary>The listing is over: the job's totals, class names and digests are known, and it runs on.</summary>
    private void EndPlanning(PlanOutcome outcome)
    {
        var datasetFailures = outcome.Issues.Where(i => i.CountsAsFailure).Select(i => new ImageFailure(i.Path, DatasetStage, i.Detail)).ToList();
        _job.Counts!.AddFailures(datasetFailures.Count);
        AddFailuresToEvaluations(datasetFailures.Count);
        foreach (var failure in datasetFailures)
        {
            _events.Add(JobEventKind.ImageFailed, failure.ImageId, $"{failure.Stage}: {failure.Reason}", null);
        }

        _job.Failures.AddRange([.. datasetFailures, .. outcome.Issues.Where(i => !i.CountsAsFailure).Select(i => new ImageFailure(i.Path, DatasetStage, i.Detail))]);
        _job.ClassNames = [.. outcome.ClassNames];
        _job.TotalImages += datasetFailures.Count;
        (_job.ManifestSha256, _job.ManifestImages, _job.LabelsSha256) = (outcome.ManifestSha256, outcome.ManifestImages, outcome.LabelsSha256);
        _job.State = JobState.Running;
        _scheduler!.Planning = false;
        _jobSpan?.SetTag("senet.job.shards", _shards.Count);
        _jobSpan?.SetTag("senet.job.images", _job.TotalImages);
        logger.LogInformation("Job {Job}: planned {Images} images in {Shards} shards", JobId, _job.TotalImages, _shards.Count);
    }

    private void WakeLeaseRequests()
    {
        var waiting = _shardsPlanned;
        _shardsPlanned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting.TrySetResult();
    }

    public async Task<JobStatus> GetStatusAsync() =>
        _job is { State: JobState.NotStarted, Spec: null } && await LostJobReportAsync() is { } lost
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

    public Task<JobEvents> GetEventsAsync(long from) => Task.FromResult(_events.Since(from));

    public Task<JobSpec?> GetSpecAsync() => Task.FromResult(_job.Spec is { } spec ? ClientView.Redacted(spec) : null);

    public Task<JobSpec?> GetWorkSpecAsync() => Task.FromResult(_job.Spec);

    public async Task<LeaseResponse> LeaseAsync(string worker)
    {
        if (!Active || _scheduler is not { } scheduler)
        {
            return new LeaseResponse(null, JobOver: true);
        }

        // One string per worker in everything the record holds (its tally, its leases, its shards' timings): the storage
        // serializer writes a string it has already written as a reference, so a thousand leases do not repeat their names.
        worker = Name(worker);
        var lease = NextLease(scheduler, worker);
        if (lease is null && _job.State == JobState.Planning)
        {
            // While the job plans, a worker that finds nothing waits a little for the next shards rather than polling again.
            lease = await LeaseWhilePlanning.WaitAsync(() => NextLease(scheduler, worker), () => _job.State == JobState.Planning, () => _shardsPlanned.Task,
                PlanningLeaseWait, TimeProvider.System);
        }

        if (lease is null)
        {
            return new LeaseResponse(null, JobOver: !Active);
        }

        Tally(worker, WorkerKey.Parse(worker).Device);
        CountShard(lease.Duplicate ? "duplicated" : "leased");
        try
        {
            // Answered once its holder is stored, so a coordinator that restarts knows who held what.
            await _commit.CommitAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The holder is a hint for counting deaths, not what makes a result count: the job goes on without it.
            logger.LogWarning("Job {Job}: the lease of shard {Shard} to {Worker} was not stored ({Reason})", JobId, lease.ShardId, worker, e.Message);
        }

        return Active
            ? new LeaseResponse(new ShardLease(JobId, lease.ShardId, lease.LeaseId, lease.DeadlineUtc, _shards[lease.ShardId].Attempts, lease.Duplicate, _job.TraceParent, lease.Range, lease.ShardCount), false)
            : new LeaseResponse(null, JobOver: true);
    }

    public Task<bool> RenewAsync(ShardLease lease, long imagesDone) =>
        Task.FromResult(Active && _scheduler is { } scheduler && scheduler.Renew(lease.LeaseId, imagesDone, DateTime.UtcNow));

    public async Task<bool> CompleteAsync(ShardLease lease, ShardResult result)
    {
        if (!Active || lease.JobId != JobId || _scheduler is not { } scheduler)
        {
            // Exactly once by shard id: a duplicate, a late completion or one after the job ended changes nothing.
            if (_scheduler is not null)
            {
                _scheduler.IgnoredCompletions++;
            }

            CountShard("ignored");
            return false;
        }

        CheckEvaluationsOf(result);
        RecordLeaseRate(scheduler, lease, result.Worker, result.Counts.Images + result.Counts.Failed, result.FinishedUtc - result.StartedUtc);
        var outcome = scheduler.Complete(lease.LeaseId, lease.ShardId, lease.Range);
        if (outcome == CompletionOutcome.Ignored)
        {
            CountShard("ignored");
            return false;
        }

        var shard = _shards[lease.ShardId];
        MergeResult(result);
        if (outcome == CompletionOutcome.Merged)
        {
            shard.Failures = FailuresOf(result);
            shard.Timing = new ShardTiming(Name(result.Device), Name(result.Worker), (result.StartedUtc - _job.StartedUtc).TotalSeconds,
                (result.FinishedUtc - _job.StartedUtc).TotalSeconds, result.Counts.Images + result.Counts.Failed);
            CountShard("completed");
        }
        else
        {
            shard.Failures += FailuresOf(result);
            logger.LogInformation("Job {Job}: quarantined shard {Shard}, {Range} scored alone", JobId, shard.Id, lease.Range);
            await SettleIfDoneAsync(shard);
        }

        // Answered once durable: an acknowledged completion survives a coordinator failover and is never counted twice.
        await AfterMergeAsync();
        return true;
    }

    public async Task<LeaseResponse> CompleteAndLeaseAsync(ShardLease lease, ShardResult result, string worker)
    {
        // Both run to their commit in this turn, one after the other, so one write holds the merge and the next lease.
        var completing = CompleteAsync(lease, result);
        var leasing = LeaseAsync(worker);
        bool merged;
        try
        {
            merged = await completing;
        }
        catch
        {
            // The completion is not known to be durable and the worker retries the whole call: the lease just taken
            // goes back to the queue rather than wait out its timeout.
            try
            {
                if ((await leasing).Lease is { } taken)
                {
                    _scheduler?.Release(taken.LeaseId);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug("Job {Job}: the lease taken with a completion that failed was not handed back ({Reason})", JobId, e.Message);
            }

            throw;
        }

        return await leasing with { Merged = merged };
    }

    /// <summary>
    /// A range of one image killed its holder: the image fails alone. Counted at once (the quarantine already marked the
    /// range), named once the manifest is read.
    /// </summary>
    private async Task PoisonAsync(ShardRecord shard, ProbeRange poison)
    {
        _job.Counts!.AddFailures(1);
        AddFailuresToEvaluations(1);
        shard.Failures++;
        _store.Changed(shard.Id);
        var image = (await ShardManifest.ReadAsync(OutputStores.Open(_job.Spec!.OutputFolder!, storage), shard.Id, CancellationToken.None))[poison.Range.Start];
        logger.LogWarning("Job {Job}: image {Image} of shard {Shard} killed its silo; it is failed and the shard's other images are scored", JobId, image.Path, shard.Id);
        var failure = ShardQuarantine.PoisonFailure(image.Path, shard.HolderDeaths);
        _job.Failures.Add(failure);
        _events.Add(JobEventKind.ImageFailed, failure.ImageId, $"{failure.Stage}: {failure.Reason}", null);
        await SettleIfDoneAsync(shard);
    }

    /// <summary>
    /// Once every range of a quarantined shard is settled, its ranges' predictions become the shard's one part, and its
    /// ranges' failures one failures part, so results and reports read it as any other shard. Its poison images' failures
    /// are in the job record.
    /// </summary>
    private async Task SettleIfDoneAsync(ShardRecord shard)
    {
        await _settling.WaitAsync();
        try
        {
            if (shard.Merged || !ShardQuarantine.IsSettled(shard) || shard.Probes is not { } probes)
            {
                return;
            }

            // Each evaluation's ranges become its own parts, under its folder; one lease id names every evaluation's failures part.
            var merged = Guid.NewGuid();
            foreach (var outputs in EvaluationStores(_job.Spec!, OutputStores.Open(_job.Spec!.OutputFolder!, storage)))
            {
                var rows = new List<string>();
                var failures = new List<ImageFailure>();
                foreach (var probe in probes.Where(p => p.Outcome == ProbeOutcome.Merged).OrderBy(p => p.Range.Start))
                {
                    var part = Encoding.UTF8.GetString(await outputs.ReadAsync(JobOutputNames.PredictionsRangePart(shard.Id, probe.Range.Start, probe.Range.Count), CancellationToken.None));
                    // CSV records, not lines: a quoted note may hold a line break. Each range's header is dropped; one goes first.
                    rows.AddRange(PredictionsJoiner.Records(part).Skip(1));
                    try
                    {
                        failures.AddRange(JsonSerializer.Deserialize<List<ImageFailure>>(await outputs.ReadAsync(JobOutputNames.FailuresPart(shard.Id, probe.MergedLease!.Value), CancellationToken.None)) ?? []);
                    }
                    catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or Azure.RequestFailedException { Status: 404 })
                    {
                        // A range without failures writes no failures part.
                    }
                }

                await outputs.WriteAsync(JobOutputNames.FailuresPart(shard.Id, merged), JsonSerializer.SerializeToUtf8Bytes(failures), CancellationToken.None);
                // Sorted by image, as every other shard's part is.
                var predictions = string.Concat(rows.OrderBy(PredictionsJoiner.FirstField, StringComparer.Ordinal).Prepend(PredictionsCsvWriter.Header).Select(r => r + "\n"));
                await outputs.WriteAsync(JobOutputNames.PredictionsPart(shard.Id), Encoding.UTF8.GetBytes(predictions), CancellationToken.None);
            }

            shard.MergedLease = merged;
            _scheduler?.Settle(shard);
            CountShard("completed");
        }
        finally
        {
            _settling.Release();
        }
    }

    private void MergeResult(ShardResult result)
    {
        // Counts only: each shard's failed images stay in the failures part its worker wrote, read when the report is made.
        _job.Counts!.Merge(result.Counts);
        MergeEvaluations(result);
        DecodeTally.Merge(_job.Decoded, result.Decoded);
        if (result.ExecutionProvider is { } provider && !_job.ExecutionProviders.Contains(provider))
        {
            _job.ExecutionProviders.Add(provider);
        }

        foreach (var failure in result.Failures)
        {
            _events.Add(JobEventKind.ImageFailed, failure.ImageId, $"{failure.Stage}: {failure.Reason}", result.Worker);
        }

        var tally = Tally(result.Worker, result.Device);
        tally.Images += result.Counts.Images + result.Counts.Failed;
        tally.Shards++;
    }

    /// <summary>
    /// The job's end, if its shards or its failures call for it. While it plans, its total is unknown: no share of it is
    /// exceeded yet (a count can be), and every planned shard merged is not the end.
    /// </summary>
    private (JobState State, string? Error)? EndDue() =>
        _job.Spec!.MaxFailed.IsExceeded(_job.Counts!.Failed, _job.State == JobState.Planning ? long.MaxValue : _job.TotalImages)
            ? (JobState.Failed, $"{_job.Counts.Failed} failed images exceed the threshold of {_job.Spec.MaxFailed}; the report keeps what was done.")
            : _job.State != JobState.Planning && _scheduler is { AllMerged: true } ? (JobState.Completed, null) : null;

    private async Task AfterMergeAsync()
    {
        if (Active && !_finishing && EndDue() is var (state, error))
        {
            await FinishAsync(state, error);
        }
        else
        {
            await _commit.CommitAsync();
        }
    }

    public Task ReleaseAsync(ShardLease lease, string reason)
    {
        if (_scheduler?.Release(lease.LeaseId) is { } released)
        {
            Tally(released.Worker, WorkerKey.Parse(released.Worker).Device).LastError = reason;
            // Stored with the next commit; a worker handing a shard back during a storage outage is not kept waiting on it.
            _ = CommitInBackgroundAsync();
        }

        return Task.CompletedTask;
    }

    private async Task CommitInBackgroundAsync()
    {
        try
        {
            await _commit.CommitAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Job {Job}: storing its state failed ({Reason}); the next commit carries the change", JobId, e.Message);
        }
    }

    public async Task WorkerStoppedAsync(string worker, string reason)
    {
        var tally = Tally(worker, WorkerKey.Parse(worker).Device);
        tally.Stopped = true;
        tally.LastError = reason;
        _events.Add(JobEventKind.WorkerStopped, worker, reason, worker);
        _scheduler?.WorkerStopped(worker);
        if (Active && _startedWorkers.All(w => _job.Workers.TryGetValue(w, out var t) && t.Stopped))
        {
            var reasons = _job.Workers.Where(w => w.Value.Stopped).Select(w => $"{w.Key}: {w.Value.LastError}").Distinct();
            await FinishAsync(JobState.Failed, $"No worker could run the job. {string.Join(" ", reasons)}");
        }
        else
        {
            await _commit.CommitAsync();
        }
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (_starting is { } starting && _job.State == JobState.NotStarted)
        {
            await starting.CancelAsync();
            return Status() with { State = JobState.Cancelled, Error = CancelledBeforeStart };
        }

        if (Active && !_finishing)
        {
            await FinishAsync(JobState.Cancelled, "cancelled by the user");
        }

        // A job already ending (its last shard merged, its report being written) ends as it was going to: the answer
        // waits for that end rather than calling the job running.
        for (var waited = Stopwatch.StartNew(); _finishing && waited.Elapsed < FinishWait; )
        {
            await Task.Delay(50);
        }

        return Status();
    }

    private static readonly TimeSpan FinishWait = TimeSpan.FromSeconds(60);

    public async Task<JobResults?> GetResultsAsync()
    {
        if (_job is { State: JobState.NotStarted, Spec: null } && await LostJobReportAsync() is { } lost)
        {
            var state = Enum.TryParse<JobState>(lost.Report.State, ignoreCase: true, out var parsed) ? parsed : JobState.Completed;
            return new JobResults(state, ReportWriter.ToJson(lost.Report), ReportWriter.ToResultsCsv(lost.Report), ClientView.Location(lost.Display));
        }

        // A job cancelled before it started ran nothing and has no report; its status says so.
        if (_job.State is JobState.Running or JobState.Planning or JobState.NotStarted || _job.Counts is null || _finishing)
        {
            return null;
        }

        return await ResultsAsync();
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
        _job = new JobRecord { Spec = spec, State = JobState.Cancelled, Error = CancelledBeforeStart, StartedUtc = now, FinishedUtc = now };
        try
        {
            await _store.WriteHeadOnlyAsync(_job).WaitAsync(TimeSpan.FromSeconds(2));
            await GrainFactory.GetGrain<IJobRegistryGrain>(0)
                .RegisterAsync(new JobSummary(JobId, spec.Name, StorageLocation.Redact(spec.ModelPath), StorageLocation.Redact(spec.DataPath), now))
                .WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or Azure.RequestFailedException)
        {
            logger.LogWarning("Job {Job}: the record of its cancellation was not stored ({Reason}); it is kept while this activation lives", JobId, e.Message);
        }
    }

    private void StartTicking() =>
        _tick ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TickPeriod, TickPeriod) { KeepAlive = true });

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (!Active || _scheduler is not { } scheduler)
        {
            _tick?.Dispose();
            _tick = null;
            return;
        }

        RecordJobGauges();
        if (EndDue() is var (state, error))
        {
            // A coordinator that died while it wrote the job's end: its successor ends it.
            await FinishAsync(state, error);
            return;
        }

        var snapshot = membership.CurrentSnapshot;
        var reclaimed = scheduler.Reclaim(DateTime.UtcNow, worker =>
            snapshot.GetSiloStatus(SiloAddress.FromParsableString(WorkerKey.Parse(worker).Silo)) is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping);
        foreach (var taken in reclaimed)
        {
            var shard = _shards[taken.Lease.ShardId];
            logger.LogInformation("Job {Job}: shard {Shard} taken back from {Worker} ({Why})", JobId, shard.Id, taken.Lease.Worker, taken.SiloGone ? "silo dead" : "lease expired");
            if (taken.Outcome == DeathOutcome.Quarantined)
            {
                logger.LogWarning("Job {Job}: shard {Shard} killed {Deaths} silos; quarantined: its images run in ranges, one silo at a time", JobId, shard.Id, shard.HolderDeaths);
                CountShard("quarantined");
            }
            else if (taken is { Outcome: DeathOutcome.Poison, Poison: { } poison })
            {
                await PoisonAsync(shard, poison);
            }
            else
            {
                CountShard("retried");
            }
        }

        if (reclaimed.Count > 0)
        {
            // Deaths are counted durably before anything else is leased: the next holder of a poison shard may die too.
            await AfterMergeAsync();
        }

        if (Active)
        {
            await StartWorkersAsync();
        }
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
            _events.Add(JobEventKind.WorkerStopped, key, $"did not start: {e.Message}", key);
        }
    }

    private async Task FinishAsync(JobState state, string? error)
    {
        // A listing still under way stops: the job ends with what was planned.
        _planning?.Cancel();
        _stateBeforeEnd = _job.State;
        _job.State = state;
        _job.Error = error;
        _job.FinishedUtc = DateTime.UtcNow;
        _finishing = true;
        var withdrawn = _scheduler?.Clear() ?? [];
        RecordJobGauges();
        if (_jobSpan is not null)
        {
            _jobSpan.SetTag("senet.job.state", state.ToString().ToLowerInvariant());
            _jobSpan.SetTag("senet.job.images", _job.Counts?.Images);
            _jobSpan.SetTag("senet.job.failed", _job.Counts?.Failed);
            _jobSpan.SetStatus(state == JobState.Completed ? ActivityStatusCode.Ok : ActivityStatusCode.Error, error);
            _jobSpan.Stop();
            _jobSpan = null;
        }

        var outputs = OutputStores.Open(_job.Spec!.OutputFolder!, storage);
        var (job, shards, title) = (_job.Snapshot([], []), _shards, $"SENet Eval: {_job.Spec.Name ?? JobId}");
        try
        {
            // Off the grain's scheduler: a large job's report (its timeline, the HTML charts, the joined predictions) takes
            // seconds of CPU, and status, lease and complete calls must not wait behind it. The shard table no longer changes.
            await Task.Run(() => WriteReportFilesAsync(job, shards, outputs, title));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or JsonException or Azure.RequestFailedException)
        {
            // The report stays available through GetResultsAsync; the files can be written again with 'senet results --out'.
            logger.LogError(e, "Job {Job}: writing the report to {Outputs} failed", JobId, outputs.Display);
        }

        // Stored after the report files: where the job's storage died with a silo (memory storage on a localhost
        // cluster), the write fails, but the report is already on disk. The job's whole shard table goes to its
        // partitions, so an ended job's record is small.
        _finishing = false;
        _store.FlushAllOnNextWrite();
        try
        {
            await _commit.CommitAsync();
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

        logger.LogInformation("Job {Job} {State}: {Images} scored, {Failed} failed", JobId, state, _job.Counts?.Images, _job.Counts?.Failed);
    }

    /// <summary>
    /// The job's span lives as long as the job on this activation; every shard span joins its trace through the
    /// traceparent that leases carry. It is not the ambient activity of this turn.
    /// </summary>
    private void StartJobSpan()
    {
        var ambient = Activity.Current;
        _jobSpan = EvaluationTelemetry.Source.StartActivity("senet.job", ActivityKind.Internal, ambient?.Context ?? default,
            [new(TelemetryTags.Job, JobId), new("senet.job.shards", _shards.Count), new("senet.job.images", _job.TotalImages)]);
        Activity.Current = ambient;
        _job.TraceParent = _jobSpan?.Id;
    }

    private void CountShard(string @event) =>
        EvaluationTelemetry.Shards.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Job, JobId), new KeyValuePair<string, object?>(TelemetryTags.ShardEvent, @event));

    private void RecordJobGauges()
    {
        var status = Status();
        var job = new KeyValuePair<string, object?>(TelemetryTags.Job, JobId);
        if (status.State != JobState.Planning)
        {
            // While planning, the total is what is planned so far: a share of it would overstate progress.
            EvaluationTelemetry.JobProgress.Record(status.ImagesTotal > 0 ? (double)status.ImagesDone / status.ImagesTotal : 0, job);
        }

        // Unknown (nothing done yet) stays unset rather than 0, which would read as "done now".
        // While its end is written the status still says running, but nothing is left to wait for.
        if ((status.IsFinished || _finishing ? 0 : status.Eta?.TotalSeconds) is { } etaSeconds)
        {
            EvaluationTelemetry.JobEta.Record(etaSeconds, job);
        }

        EvaluationTelemetry.JobThroughput.Record(status.ImagesPerSecond, job);
        if (_job.Counts is { Images: > 0 } counts)
        {
            EvaluationTelemetry.JobTop1Error.Record(counts.Top1Error, job);
            EvaluationTelemetry.JobTop5Error.Record(counts.Top5Error, job);
        }
    }

    /// <summary>The job's figures, from kept counts: O(workers + leases in flight), never O(shards).</summary>
    private JobStatus Status()
    {
        var counts = _job.Counts;
        var scheduler = _scheduler;
        var elapsed = _job.State == JobState.NotStarted ? TimeSpan.Zero : (_job.FinishedUtc ?? DateTime.UtcNow) - _job.StartedUtc;
        var done = (counts?.Images ?? 0) + (counts?.Failed ?? 0) + (scheduler?.ImagesInFlight() ?? 0);
        var perSecond = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var held = (scheduler?.Leases ?? []).GroupBy(l => l.Worker).ToDictionary(g => g.Key, g => (Count: g.Count(), Images: g.Sum(l => l.ImagesDone)));
        var workers = _job.Workers.Select(w =>
        {
            var (leases, inFlight) = held.GetValueOrDefault(w.Key);
            var images = w.Value.Images + inFlight;
            return new WorkerFigures(w.Key, WorkerKey.Parse(w.Key).Silo, w.Value.Device, images, w.Value.Shards, leases,
                elapsed.TotalSeconds > 0 ? images / elapsed.TotalSeconds : 0);
        }).OrderBy(w => w.Worker, StringComparer.Ordinal).ToList();
        SyncCounters();
        return new JobStatus
        {
            JobId = JobId,
            Name = _job.Spec?.Name,
            // A job is over once its end is written (report files, then stored state), as its results say.
            State = _finishing ? _stateBeforeEnd : _job.State,
            ImagesScored = counts?.Images ?? 0,
            ImagesFailed = counts?.Failed ?? 0,
            // While planning: what is planned so far, and no ETA (the total is not known yet).
            ImagesTotal = _job.TotalImages,
            ShardsTotal = _shards.Count,
            ShardsDone = scheduler?.Merged ?? 0,
            ShardsLeased = scheduler?.ShardsLeased ?? 0,
            ShardsRetried = _job.ShardsRetried,
            LeasesReclaimed = _job.LeasesReclaimed,
            DuplicateLeases = _job.DuplicateLeases,
            IgnoredCompletions = _job.IgnoredCompletions,
            ImagesPerSecond = perSecond,
            Eta = _job.State == JobState.Running && perSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, _job.TotalImages - done) / perSecond) : null,
            Elapsed = elapsed,
            Workers = workers,
            Error = _job.Error,
            CoordinatorSilo = localSilo.SiloAddress.ToParsableString(),
        };
    }

    private WorkerTally Tally(string worker, string device)
    {
        if (!_job.Workers.TryGetValue(worker, out var tally))
        {
            tally = new WorkerTally { Device = Name(device) };
            _job.Workers[Name(worker)] = tally;
        }

        return tally;
    }

    /// <summary>One string per worker and device name, however many shards' timings name it.</summary>
    private string Name(string name)
    {
        if (!_names.TryGetValue(name, out var kept))
        {
            _names[name] = kept = name;
        }

        return kept;
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
