using System.Threading.Channels;
using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Pipeline;

/// <summary>
/// Hands decode workers slots of the batch being filled, so each preprocesses straight into the batch buffer, and
/// passes a batch on once every reserved slot is written. Free buffers come from a bounded pool, which bounds memory.
/// </summary>
internal sealed class BatchAssembler(Channel<PendingBatch> pool, ChannelWriter<PendingBatch> ready)
{
    private readonly Lock _lock = new();
    private PendingBatch? _current;

    public async ValueTask<(PendingBatch Batch, int Slot)> ReserveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_current is { } current && current.Reserved < current.Buffer.Capacity)
                {
                    return (current, current.Reserved++);
                }
            }

            var fresh = await pool.Reader.ReadAsync(cancellationToken);
            lock (_lock)
            {
                if (_current is null || _current.Reserved == _current.Buffer.Capacity)
                {
                    fresh.Reset();
                    _current = fresh;
                    return (fresh, fresh.Reserved++);
                }
            }

            // Another worker opened a batch meanwhile: give this buffer back and take a slot of that one.
            pool.Writer.TryWrite(fresh);
        }
    }

    /// <summary>Marks a slot written; <paramref name="image"/> is null when preprocessing failed and the slot must be ignored.</summary>
    public void Complete(PendingBatch batch, int slot, LabelledImage? image)
    {
        lock (_lock)
        {
            batch.Images[slot] = image;
            batch.Filled++;
            if (batch.Reserved == batch.Buffer.Capacity && batch.Filled == batch.Reserved)
            {
                batch.FilledUtc = DateTime.UtcNow;
                if (ReferenceEquals(_current, batch))
                {
                    _current = null;
                }

                ready.TryWrite(batch);
            }
        }
    }

    /// <summary>After every worker finished: passes on the last, partly filled batch and closes the output.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            if (_current is { Reserved: > 0 } last)
            {
                last.FilledUtc = DateTime.UtcNow;
                ready.TryWrite(last);
            }

            _current = null;
        }

        ready.TryComplete();
    }
}
