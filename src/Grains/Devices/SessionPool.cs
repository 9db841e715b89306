using System.Collections.Concurrent;
using System.Diagnostics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Telemetry;

namespace SENet.Grains.Devices;

/// <summary>
/// The silo's ONNX Runtime sessions, one per (model file, device, batch size): loaded once and reused by every
/// shard and job, so a worker grain only drives it. Callers hold a <see cref="SessionUse"/> while they run batches;
/// a session is released only when the pool is disposed and its last user is done, never under a running batch.
/// </summary>
public sealed class SessionPool : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<SharedSession>>> _sessions = new();

    public int CpuThreadsPerSession { get; init; }

    /// <summary>ONNX Runtime sessions (streams) per device: GPUs overlap copies and compute across them.</summary>
    public int GpuStreams { get; init; } = 2;

    public int CpuStreams { get; init; } = 1;

    public CudaSettings Cuda { get; init; } = new();

    /// <summary>The largest model, external data included, that the pool reads; larger ones are refused before reading.</summary>
    public long MaxModelBytes { get; init; } = ModelFiles.DefaultMaxBytes;

    /// <summary>Sessions loaded and ready.</summary>
    public int Loaded => _sessions.Values.Count(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully);

    public async Task<SessionUse> GetAsync(string modelPath, InferenceDevice device, int batchSize, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(modelPath);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"Model file '{modelPath}' does not exist on this silo. Every silo must see the model at the same path.");
        }

        var key = $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}|{device}|{batchSize}";
        var lazy = _sessions.GetOrAdd(key, _ => new Lazy<Task<SharedSession>>(() => Task.Run(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            var cpu = device.Kind == DeviceKind.Cpu;
            // Type and size are checked before reading: /dev/zero or a FIFO named as a model must not hold the silo.
            var session = await ClassifierSession.CreateFromFileAsync(file.FullName,
                new ClassifierSessionOptions(device, batchSize, cpu ? CpuThreadsPerSession : 0, Cuda: Cuda, Streams: cpu ? CpuStreams : GpuStreams, MaxModelBytes: MaxModelBytes), cancellationToken);
            EvaluationTelemetry.ModelLoadDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(TelemetryTags.Model, file.Name), new KeyValuePair<string, object?>(TelemetryTags.Device, device.ToString()));
            return new SharedSession(session);
        })));
        try
        {
            return (await lazy.Value).Acquire();
        }
        catch
        {
            // A load that failed is forgotten, so a later job can try again (e.g. after the model file was fixed).
            _sessions.TryRemove(new KeyValuePair<string, Lazy<Task<SharedSession>>>(key, lazy));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully))
        {
            lazy.Value.Result.Retire();
        }
    }

    /// <summary>A session with a count of its users.</summary>
    internal sealed class SharedSession(ClassifierSession session)
    {
        private readonly Lock _lock = new();
        private int _users;
        private bool _retired;

        public SessionUse Acquire()
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_retired, this);
                _users++;
                return new SessionUse(session, this);
            }
        }

        public void Release()
        {
            lock (_lock)
            {
                if (--_users == 0 && _retired)
                {
                    session.Dispose();
                }
            }
        }

        public void Retire()
        {
            lock (_lock)
            {
                _retired = true;
                if (_users == 0)
                {
                    session.Dispose();
                }
            }
        }
    }
}
