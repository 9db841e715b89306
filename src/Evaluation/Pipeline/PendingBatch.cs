using SENet.Evaluation.Datasets;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Pipeline;

/// <summary>A batch buffer being filled by decode workers: which image sits in which slot, and which slots are valid.</summary>
internal sealed class PendingBatch(InferenceBatch buffer)
{
    public InferenceBatch Buffer { get; } = buffer;

    public LabelledImage?[] Images { get; } = new LabelledImage?[buffer.Capacity];

    /// <summary>What the decoder warned about each slot's image (null when clean), carried to its prediction.</summary>
    public string?[] Notes { get; } = new string?[buffer.Capacity];

    public int Reserved { get; set; }

    public int Filled { get; set; }

    /// <summary>No further image fits: the batch goes on once its reserved slots are written.</summary>
    public bool Closed { get; set; }

    /// <summary>When the first slot was reserved, and when the last was written: the batch span's start and its "filled" event.</summary>
    public DateTime StartedUtc { get; set; }

    public DateTime FilledUtc { get; set; }

    public void Reset()
    {
        Array.Clear(Images);
        Array.Clear(Notes);
        Reserved = 0;
        Filled = 0;
        Closed = false;
        StartedUtc = DateTime.UtcNow;
    }
}
