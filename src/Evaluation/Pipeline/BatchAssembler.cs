using System.Threading.Channels;
using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Pipeline;

/// <summary>
/// Hands decode workers slots of the batch being filled, so each preprocesses straight into the batch buffer, and
/// passes a batch on once it can take no further image and every reserved slot is written. An image takes as many
/// consecutive slots as it has views (ten crops take ten), always within one batch. Free buffers come from a bounded
/// pool, which bounds memory.
/// </summary>
internal sealed class BatchAssembler(Channel<PendingBatch> pool, ChannelWriter<PendingBatch> ready, int slotsPerImage = 1)
{
    private readonly Lock _lock = new();
    private PendingBatch? _current;

    /// <summary>Reserves <c>slotsPerImage</c> consecutive slots for one image; returns the batch and the first slot.</summary>
    public async ValueTask<(PendingBatch Batch, int Slot)> ReserveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_current is { } current)
                {
                    return (current, Take(current));
                }
            }

            var fresh = await pool.Reader.ReadAsync(cancellationToken);
            lock (_lock)
            {
                if (_current is null)
                {
                    fresh.Reset();
                    _current = fresh;
                    return (fresh, Take(fresh));
                }
            }

            // Another worker opened a batch meanwhile: give this buffer back and take a slot of that one.
            pool.Writer.TryWrite(fresh);
        }
    }

    /// <summary>Marks an image's slots written; <paramref name="image"/> is null when preprocessing failed and the slots must be ignored.</summary>
    public void Complete(PendingBatch batch, int slot, LabelledImage? image)
    {
        lock (_lock)
        {
            batch.Images[slot] = image;
            batch.Filled += slotsPerImage;
            if (batch.Closed && batch.Filled == batch.Reserved)
            {
                Send(batch);
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
                Send(last);
            }

            _current = null;
        }

        ready.TryComplete();
    }

    /// <summary>Under the lock: the next image's slots of <paramref name="batch"/>, which closes once no further image fits.</summary>
    private int Take(PendingBatch batch)
    {
        var slot = batch.Reserved;
        batch.Reserved += slotsPerImage;
        if (batch.Reserved + slotsPerImage > batch.Buffer.Capacity)
        {
            batch.Closed = true;
            _current = null;
        }

        return slot;
    }

    private void Send(PendingBatch batch)
    {
        batch.FilledUtc = DateTime.UtcNow;
        ready.TryWrite(batch);
    }
}
