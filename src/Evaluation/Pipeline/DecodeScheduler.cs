namespace SENet.Evaluation.Pipeline;

/// <summary>
/// The decode stage of a node: a scheduler that runs at most <see cref="Workers"/> decode workers at once, shared by
/// every pipeline of the process. A GPU silo runs one pipeline per device and shard in flight; each asks for a
/// worker per core, and this keeps them together to one per core instead of one per core each.
/// </summary>
public sealed class DecodeScheduler
{
    /// <param name="workers">Decode workers at once; 0 is one per core of the node.</param>
    public DecodeScheduler(int workers = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        Workers = workers > 0 ? workers : Environment.ProcessorCount;
        Scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, Workers).ConcurrentScheduler;
    }

    public int Workers { get; }

    public TaskScheduler Scheduler { get; }
}
