using SENet.Evaluation.Models;

namespace SENet.Grains.Devices;

/// <summary>One caller's hold on a pooled session; dispose it when the caller's batches are done.</summary>
public sealed class SessionUse : IDisposable
{
    private SessionPool.SharedSession? _owner;

    internal SessionUse(ClassifierSession session, SessionPool.SharedSession owner)
    {
        Session = session;
        _owner = owner;
    }

    public ClassifierSession Session { get; }

    public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release();
}
