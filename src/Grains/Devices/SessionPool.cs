using System.Collections.Concurrent;
using SENet.Evaluation.Models;

namespace SENet.Grains.Devices;

/// <summary>
/// The silo's ONNX Runtime sessions, one per (model file, device, batch size): loaded once and reused by every
/// shard and job, so a worker grain only drives it. Sessions run batches concurrently; each caller has its own buffers.
/// </summary>
public sealed class SessionPool : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ClassifierSession>>> _sessions = new();

    public int CpuThreadsPerSession { get; set; }

    public Task<ClassifierSession> GetAsync(string modelPath, InferenceDevice device, int batchSize, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(modelPath);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"Model file '{modelPath}' does not exist on this silo. Every silo must see the model at the same path.");
        }

        var key = $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}|{device}|{batchSize}";
        var lazy = _sessions.GetOrAdd(key, _ => new Lazy<Task<ClassifierSession>>(() => Task.Run(async () =>
        {
            var bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
            return ClassifierSession.Create(bytes, new ClassifierSessionOptions(device, batchSize, device.Kind == DeviceKind.Cpu ? CpuThreadsPerSession : 0));
        })));
        return AwaitOrForgetAsync(key, lazy);
    }

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully))
        {
            lazy.Value.Result.Dispose();
        }
    }

    /// <summary>A load that failed is forgotten, so a later job can try again (e.g. after the model file was fixed).</summary>
    private async Task<ClassifierSession> AwaitOrForgetAsync(string key, Lazy<Task<ClassifierSession>> lazy)
    {
        try
        {
            return await lazy.Value;
        }
        catch
        {
            _sessions.TryRemove(new KeyValuePair<string, Lazy<Task<ClassifierSession>>>(key, lazy));
            throw;
        }
    }
}
