using System.Collections.Concurrent;
using System.Threading.Channels;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Pipeline;

/// <summary>
/// The part of a pass that belongs to one evaluation: its batch buffers and assembler, its scorer, counts and
/// failures, and its inference time. Its batches go to its own session, so one evaluation's counts never see another's.
/// </summary>
internal sealed class EvaluationLane
{
    public EvaluationLane(PipelineEvaluation evaluation, int group, int parts, ImageScorer scorer, int batchesInFlight)
    {
        Evaluation = evaluation;
        Group = group;
        Scorer = scorer;
        Counts = [.. Enumerable.Range(0, parts).Select(_ => new TopKCounts(evaluation.Session.Classes))];
        // One buffer more per extra stream: each stream runs a batch while the others fill.
        Buffers = [.. Enumerable.Range(0, Math.Max(2, batchesInFlight) + evaluation.Session.Streams - 1).Select(_ => new PendingBatch(evaluation.Session.CreateBatch()))];
        Buffers.ForEach(b => Pool.Writer.TryWrite(b));
        Assembler = new BatchAssembler(Pool, Ready.Writer, Views);
    }

    public PipelineEvaluation Evaluation { get; }

    public ClassifierSession Session => Evaluation.Session;

    /// <summary>Index of the lane's distinct preprocessing among the pass's.</summary>
    public int Group { get; }

    public int Views => Evaluation.Preprocess.ViewsPerImage;

    public ImageScorer Scorer { get; }

    /// <summary>The lane's counts per part of the pass's images (one part unless a run of shards is counted shard by shard).</summary>
    public TopKCounts[] Counts { get; }

    /// <summary>Held while the lane's batches are scored: several streams score into the same counts.</summary>
    public Lock ScoringLock { get; } = new();

    /// <summary>Images scored so far, over every part.</summary>
    public long Scored;

    public List<PendingBatch> Buffers { get; }

    public Channel<PendingBatch> Pool { get; } = Channel.CreateUnbounded<PendingBatch>();

    public Channel<PendingBatch> Ready { get; } = Channel.CreateUnbounded<PendingBatch>();

    public BatchAssembler Assembler { get; }

    /// <summary>Images this lane's preprocessing failed (read and decode failures are the pass's, shared by every lane).</summary>
    public ConcurrentQueue<(int Part, ImageFailure Failure)> Failures { get; } = new();

    public long InferenceTicks;

    public long Batches;
}
