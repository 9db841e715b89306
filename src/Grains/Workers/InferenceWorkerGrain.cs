using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SENet.Contracts.Jobs;
using System.Runtime.CompilerServices;
using SENet.Contracts.Workers;
using SENet.Evaluation.Models;
using SENet.Evaluation.Storage;
using SENet.Grains.Devices;
using SENet.Grains.Placement;
using Microsoft.Extensions.Options;

namespace SENet.Grains.Workers;

/// <summary>
/// One device of one silo. It pulls leases from a job's coordinator (pull, so fast devices take more) and hands
/// each shard to the <see cref="ShardRunner"/> on the thread pool: grain turns never wait on decoding or inference.
/// </summary>
[DevicePlacement]
public sealed class InferenceWorkerGrain(ShardRunner runner, IOptions<DeviceOptions> deviceOptions, ILocalSiloDetails silo, IHostApplicationLifetime host, ILogger<InferenceWorkerGrain> logger)
    : Grain, IInferenceWorkerGrain
{
    private const int ConsecutiveFailuresBeforeGivingUp = 3;
    private readonly DeviceOptions devices = deviceOptions.Value;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(200);

    private readonly Dictionary<string, (CancellationTokenSource Stop, Task Loop)> _jobs = [];
    private readonly CoordinatorRetry _coordinator = new(logger);
    private IGrainTimer? _keepAlive;

    private string Key => this.GetPrimaryKeyString();

    private string Device => WorkerKey.Parse(Key).Device;

    public Task StartJobAsync(string jobId)
    {
        if (_jobs.TryGetValue(jobId, out var running) && !running.Loop.IsCompleted)
        {
            return Task.CompletedTask;
        }

        // The loop runs outside grain turns: it must end with the silo, not outlive it.
        var stop = CancellationTokenSource.CreateLinkedTokenSource(host.ApplicationStopping);
        var job = GrainFactory.GetGrain<IEvaluationJobGrain>(jobId);
        var key = Key;
        var device = Device;
        _jobs[jobId] = (stop, Task.Run(() => PullLeasesAsync(job, jobId, key, device, stop.Token)));
        // Shards run outside grain calls, so nothing else keeps an idle worker's activation alive.
        _keepAlive ??= this.RegisterGrainTimer(KeepAliveAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)) { KeepAlive = true, Interleave = true });
        return Task.CompletedTask;
    }

    public async Task StopJobAsync(string jobId)
    {
        if (_jobs.Remove(jobId, out var running))
        {
            await running.Stop.CancelAsync();
            running.Stop.Dispose();
        }
    }

    public Task<WorkerStatus> GetStatusAsync() =>
        Task.FromResult(new WorkerStatus(Key, silo.SiloAddress.ToParsableString(), Device, _jobs.Where(j => !j.Value.Loop.IsCompleted).Select(j => j.Key).ToList()));

    private Task KeepAliveAsync()
    {
        foreach (var finished in _jobs.Where(j => j.Value.Loop.IsCompleted).Select(j => j.Key).ToList())
        {
            _jobs.Remove(finished, out var done);
            done.Stop.Dispose();
        }

        if (_jobs.Count == 0)
        {
            _keepAlive?.Dispose();
            _keepAlive = null;
        }

        return Task.CompletedTask;
    }

    private async Task PullLeasesAsync(IEvaluationJobGrain job, string jobId, string key, string device, CancellationToken stop)
    {
        try
        {
            var spec = await _coordinator.CallAsync(job.GetWorkSpecAsync, stop) ?? throw new InvalidOperationException($"Job {jobId} has no spec.");
            if (!await PrepareAsync(job, jobId, key, device, spec, stop))
            {
                return;
            }

            // Several shards at once keep a GPU busy across shard boundaries: one decodes while another's last batches run.
            var gpu = DeviceInventory.ToInferenceDevice(device, spec.DevicePolicy).Kind != DeviceKind.Cpu;
            using var gaveUp = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var failures = new StrongBox<int>();
            await Task.WhenAll(Enumerable.Range(0, devices.ShardsInFlightFor(gpu)).Select(_ => RunLeasesAsync(job, jobId, key, device, spec, failures, gaveUp)));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Worker {Worker} stopped pulling shards of job {Job}", key, jobId);
        }
    }

    /// <summary>
    /// Loads the job's models on the device (with several, after the memory rule), waiting for storage while it is away;
    /// false if they cannot load or fit here: the worker stops for the job with the reason, and the others go on.
    /// </summary>
    private async Task<bool> PrepareAsync(IEvaluationJobGrain job, string jobId, string key, string device, JobSpec spec, CancellationToken stop)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await runner.PrepareAsync(device, spec, stop);
                return true;
            }
            catch (StorageUnavailableException e)
            {
                // The model's storage is away: no reason to leave the job.
                logger.LogWarning("Worker {Worker} waits for storage before loading the model of job {Job}: {Error}", key, jobId, e.Message);
                await Task.Delay(StorageBackOff(attempt), stop);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Worker {Worker} cannot run job {Job}: its model does not load", key, jobId);
                await job.WorkerStoppedAsync(key, $"{(JobEvaluations.ModelsOf(spec).Count > 1 ? "the job's models" : "the model")} did not load on {device}: {e.Message}");
                return false;
            }
        }
    }

    /// <summary>1, 2, 4 … 30 s, jittered, so workers waiting on storage do not all come back at once.</summary>
    private static TimeSpan StorageBackOff(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(attempt, 5))) * (0.8 + 0.4 * Random.Shared.NextDouble()));

    /// <summary>Leases and runs shards one after another until the job is over; <paramref name="failures"/> counts failures in a row across the worker's loops.</summary>
    private async Task RunLeasesAsync(IEvaluationJobGrain job, string jobId, string key, string device, JobSpec spec, StrongBox<int> failures, CancellationTokenSource gaveUp)
    {
        var stop = gaveUp.Token;
        var storageWaits = 0;
        try
        {
            // The lease that came with the last completion, if any: asked for in the same call, so the round trip between
            // two shards is one call and one durable write at the coordinator.
            LeaseResponse? next = null;
            while (!stop.IsCancellationRequested)
            {
                var response = next ?? await _coordinator.CallAsync(() => job.LeaseAsync(key), stop);
                next = null;
                if (response.Lease is not { } lease)
                {
                    if (response.JobOver)
                    {
                        return;
                    }

                    await Task.Delay(IdlePoll, stop);
                    continue;
                }

                try
                {
                    if (lease.ShardCount > 1)
                    {
                        // A run (--shard-size auto): one pass over its shards, one completion carrying a result per shard.
                        var results = await runner.RunShardsAsync(key, device, spec, lease, stop);
                        await _coordinator.CallAsync(() => job.CompleteRunAsync(lease, results), stop);
                    }
                    else
                    {
                        var result = await runner.RunAsync(key, device, spec, lease, stop);
                        // Retried through a coordinator failover: the result reaches the coordinator's next activation.
                        next = await _coordinator.CallAsync(() => job.CompleteAndLeaseAsync(lease, result, key), stop);
                    }
                    Interlocked.Exchange(ref failures.Value, 0);
                    storageWaits = 0;
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // The coordinator withdrew the lease (shard done elsewhere, or job over): ask for the next one.
                }
                catch (OperationCanceledException) when (gaveUp.IsCancellationRequested)
                {
                    // This worker gave up or is stopping: hand the shard back now rather than let its lease run out.
                    // One try: a stopping worker does not wait on the coordinator, and an unreturned lease runs out anyway.
                    await job.ReleaseAsync(lease, "the worker stopped before finishing the shard");
                    return;
                }
                catch (StorageUnavailableException e)
                {
                    // Storage, not this device, failed: the shard goes back and this loop waits for storage, without
                    // counting toward giving up, so a long outage delays the job rather than ending it.
                    logger.LogWarning("Worker {Worker} hands shard {Shard} of job {Job} back while storage is away: {Error}", key, lease.ShardId, jobId, e.Message);
                    await _coordinator.CallAsync(() => job.ReleaseAsync(lease, e.Message), stop);
                    await Task.Delay(StorageBackOff(storageWaits++), stop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The shard goes back to the queue for another worker; a device that keeps failing stops asking.
                    logger.LogError(e, "Worker {Worker} failed shard {Shard} of job {Job}", key, lease.ShardId, jobId);
                    await _coordinator.CallAsync(() => job.ReleaseAsync(lease, e.Message), stop);
                    var inARow = Interlocked.Increment(ref failures.Value);
                    if (inARow == ConsecutiveFailuresBeforeGivingUp)
                    {
                        logger.LogError("Worker {Worker} stops taking shards of job {Job} after {Failures} failures in a row", key, jobId, inARow);
                        await gaveUp.CancelAsync();
                        await job.WorkerStoppedAsync(key, $"gave up after {inARow} failures in a row; last: {e.Message}");
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
