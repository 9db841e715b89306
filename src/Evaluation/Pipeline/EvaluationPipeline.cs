using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Storage;
using SENet.Evaluation.Telemetry;

namespace SENet.Evaluation.Pipeline;

/// <summary>
/// read → decode + preprocess → batch → infer → score, overlapped through bounded channels. Memory is bounded by
/// the channel capacities and the batch pool, whatever the dataset size. A file that cannot be read or decoded is a
/// counted failure with its reason; the run goes on. Cancellation stops every stage.
/// </summary>
public sealed class EvaluationPipeline(ClassifierSession session, IDatasetSource source, IImageDecoder decoder, PreprocessSpec preprocess, PipelineOptions? options = null)
{
    private readonly PipelineOptions _options = options ?? new PipelineOptions();
    private readonly ImagePreprocessor _preprocessor = new(preprocess);

    public async Task<EvaluationResult> RunAsync(
        IReadOnlyList<LabelledImage> images,
        Action<ImagePrediction>? onPrediction = null,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        (await RunAsync(images, null, 1, onPrediction, progress, cancellationToken))[0];

    /// <summary>
    /// Several groups of images (a run of shards) in one pass, so that the pipeline does not drain between them, with
    /// counts and failures kept per group: each group's result is what <see cref="RunAsync(IReadOnlyList{LabelledImage}, Action{ImagePrediction}?, IProgress{EvaluationProgress}?, CancellationToken)"/>
    /// on it alone would count. Duration and timings are the whole pass's.
    /// </summary>
    public async Task<IReadOnlyList<EvaluationResult>> RunGroupsAsync(
        IReadOnlyList<IReadOnlyList<LabelledImage>> groups,
        Action<ImagePrediction>? onPrediction = null,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        // By reference: two groups may hold equal records (the same name twice), each counted in its own group.
        var groupOf = new Dictionary<LabelledImage, int>(ReferenceEqualityComparer.Instance);
        var images = new List<LabelledImage>(groups.Sum(g => g.Count));
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var image in groups[g])
            {
                groupOf[image] = g;
                images.Add(image);
            }
        }

        return await RunAsync(images, image => groupOf[image], groups.Count, onPrediction, progress, cancellationToken);
    }

    private async Task<IReadOnlyList<EvaluationResult>> RunAsync(
        IReadOnlyList<LabelledImage> images,
        Func<LabelledImage, int>? groupOf,
        int groups,
        Action<ImagePrediction>? onPrediction,
        IProgress<EvaluationProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (session.InputHeight != preprocess.CropSize || session.InputWidth != preprocess.CropSize)
        {
            throw new ModelValidationException(
                $"The model takes {session.InputWidth}×{session.InputHeight} images but preprocessing crops {preprocess.CropSize}×{preprocess.CropSize}. Set the crop size to the model's input size.");
        }

        var views = preprocess.ViewsPerImage;
        if (session.MaxBatchSize < views)
        {
            throw new ModelValidationException(session.FixedBatchSize is { } fixedSize
                ? $"The ten-crop view runs an image's {views} crops in one batch, but the model's batch is fixed at {fixedSize}. Use the centre view, or a model exported with a dynamic (or at least {views}) batch dimension."
                : $"The ten-crop view runs an image's {views} crops in one batch: --batch-size {session.MaxBatchSize} is too small; use at least {views} (it counts crops).");
        }

        var outputs = ModelOutputs.Resolve(_options.Outputs, session.Description);
        var scorer = new ImageScorer(session.Classes, views, outputs.AreProbabilities, _options.ClassSubset, _options.LabelSets);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var stopwatch = Stopwatch.StartNew();
        var failures = new ConcurrentQueue<(int Group, ImageFailure Failure)>();
        var counts = Enumerable.Range(0, groups).Select(_ => new TopKCounts(session.Classes)).ToArray();
        long scoredImages = 0;
        long readTicks = 0, decodeTicks = 0, preprocessTicks = 0, inferenceTicks = 0, batches = 0;

        var reads = Channel.CreateBounded<(LabelledImage Image, IMemoryOwner<byte>? Bytes)>(
            new BoundedChannelOptions(_options.ReadConcurrency * 2) { SingleReader = false, SingleWriter = false });
        var pool = Channel.CreateUnbounded<PendingBatch>();
        var ready = Channel.CreateUnbounded<PendingBatch>();
        // One buffer more per extra stream: each stream runs a batch while the others fill.
        var buffers = Enumerable.Range(0, Math.Max(2, _options.BatchesInFlight) + session.Streams - 1).Select(_ => new PendingBatch(session.CreateBatch())).ToList();
        buffers.ForEach(b => pool.Writer.TryWrite(b));
        var assembler = new BatchAssembler(pool, ready.Writer, views);
        var decodeOptions = preprocess.DecodeOptions(_options.MaxPixels);
        var tags = _options.TelemetryTags ?? [];
        var readTags = Tags(tags, TelemetryTags.Stage, "read");
        var decodeTags = Tags(tags, TelemetryTags.Stage, "decode");
        var preprocessTags = Tags(tags, TelemetryTags.Stage, "preprocess");
        var inferenceTags = Tags(tags, TelemetryTags.Stage, "inference");
        var batchTags = tags.ToArray();
        var okTags = Tags(tags, TelemetryTags.Outcome, "ok");
        var failedTags = Tags(tags, TelemetryTags.Outcome, "failed");
        var decodeQueueTags = Tags(tags, TelemetryTags.Queue, "decode");
        var inferenceQueueTags = Tags(tags, TelemetryTags.Queue, "inference");
        void Fail(LabelledImage image, ImageFailure failure)
        {
            failures.Enqueue((groupOf?.Invoke(image) ?? 0, failure));
            EvaluationTelemetry.Images.Add(1, failedTags);
        }

        async Task ReadAllAsync()
        {
            try
            {
                await Parallel.ForEachAsync(images, new ParallelOptions { MaxDegreeOfParallelism = _options.ReadConcurrency, CancellationToken = token }, async (image, ct) =>
                {
                    var started = Stopwatch.GetTimestamp();
                    IMemoryOwner<byte>? bytes = null;
                    try
                    {
                        bytes = await source.ReadAsync(image.Path, _options.MaxFileBytes, ct);
                    }
                    catch (Exception e) when (e is (IOException and not StorageUnavailableException) or UnauthorizedAccessException)
                    {
                        // A fault of this image's file; storage that does not answer fails the run instead, to be retried whole.
                        Fail(image, new ImageFailure(image.Path, "read", e is FileNotFoundException ? "file not found" : e.Message));
                    }

                    var elapsed = Stopwatch.GetTimestamp() - started;
                    Interlocked.Add(ref readTicks, elapsed);
                    EvaluationTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, readTags);
                    if (bytes is not null)
                    {
                        await reads.Writer.WriteAsync((image, bytes), ct);
                        EvaluationTelemetry.QueueDepth.Record(reads.Reader.Count, decodeQueueTags);
                    }
                });
            }
            finally
            {
                reads.Writer.TryComplete();
            }
        }

        async Task DecodeAllAsync()
        {
            await foreach (var (image, bytes) in reads.Reader.ReadAllAsync(token))
            {
                DecodedImage? decoded = null;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    decoded = decoder.Decode(bytes!.Memory.Span, decodeOptions);
                }
                catch (ImageDecodeException e)
                {
                    Fail(image, new ImageFailure(image.Path, "decode", e.Message));
                }
                catch (Exception e) when (IsImageFault(e))
                {
                    // A decoder fault nobody foresaw is still this image's failure, never the shard's or the process's.
                    Fail(image, new ImageFailure(image.Path, "decode", $"decoder error ({e.GetType().Name}): {e.Message}"));
                }
                finally
                {
                    bytes!.Dispose();
                    Interlocked.Add(ref decodeTicks, Stopwatch.GetTimestamp() - started);
                    EvaluationTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, decodeTags);
                }

                if (decoded is null)
                {
                    continue;
                }

                using (decoded)
                {
                    var (batch, slot) = await assembler.ReserveAsync(token);
                    started = Stopwatch.GetTimestamp();
                    try
                    {
                        _preprocessor.Preprocess(decoded, batch.Buffer.Images(slot, views));
                        batch.Notes[slot] = decoded.Warning;
                        assembler.Complete(batch, slot, image);
                    }
                    catch (Exception e) when (IsImageFault(e))
                    {
                        Fail(image, new ImageFailure(image.Path, "preprocess", e is ImageDecodeException ? e.Message : $"preprocessing error ({e.GetType().Name}): {e.Message}"));
                        assembler.Complete(batch, slot, null);
                    }

                    Interlocked.Add(ref preprocessTicks, Stopwatch.GetTimestamp() - started);
                    EvaluationTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, preprocessTags);
                }
            }
        }

        async Task DecodeStageAsync()
        {
            try
            {
                // On the shared decode scheduler, the decode workers of every pipeline on the node take turns on its cores.
                // Their awaits resume on the scheduler they started on: no ConfigureAwait(false) in DecodeAllAsync.
                var scheduler = _options.DecodeScheduler?.Scheduler ?? TaskScheduler.Default;
                await Task.WhenAll(Enumerable.Range(0, _options.EffectiveDecodeWorkers)
                    .Select(_ => Task.Factory.StartNew(DecodeAllAsync, token, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap()));
            }
            finally
            {
                assembler.Flush();
            }
        }

        // Runs on a thread of its own: ONNX Runtime's Run blocks for the whole batch, and on the thread pool that would
        // starve everything else on it (a silo's grain turns and lease renewals included).
        void InferAll()
        {
            while (ready.Reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
            {
                if (!ready.Reader.TryRead(out var batch))
                {
                    continue;
                }

                EvaluationTelemetry.QueueDepth.Record(ready.Reader.Count, inferenceQueueTags);
                using var span = EvaluationTelemetry.Source.StartActivity("senet.batch", ActivityKind.Internal, parentContext: default, tags, startTime: batch.StartedUtc);
                span?.AddEvent(new ActivityEvent("decoded and preprocessed", batch.FilledUtc));
                span?.AddEvent(new ActivityEvent("inference started"));
                batch.Buffer.Count = batch.Reserved;
                var ran = session.Run(batch.Buffer);
                Interlocked.Add(ref inferenceTicks, (long)(ran.TotalSeconds * Stopwatch.Frequency));
                EvaluationTelemetry.StageDuration.Record(ran.TotalSeconds, inferenceTags);
                span?.AddEvent(new ActivityEvent("inference done"));
                Interlocked.Increment(ref batches);
                var scored = 0;
                lock (counts)
                {
                    // An image's views sit in consecutive slots from its first; the scorer averages them and applies the label conventions.
                    for (var slot = 0; slot < batch.Reserved; slot += views)
                    {
                        if (batch.Images[slot] is { } image)
                        {
                            var prediction = scorer.Score(image, batch.Buffer.Scores(slot, views), counts[groupOf?.Invoke(image) ?? 0]);
                            scoredImages++;
                            onPrediction?.Invoke(prediction with { Note = batch.Notes[slot] });
                            scored++;
                        }
                    }

                    // Reported under the lock, so reports from several streams still count up.
                    progress?.Report(new EvaluationProgress(scoredImages, failures.Count, images.Count, stopwatch.Elapsed));
                }

                EvaluationTelemetry.Batches.Add(1, batchTags);
                EvaluationTelemetry.Images.Add(scored, okTags);
                span?.SetTag("senet.batch.images", scored);
                pool.Writer.TryWrite(batch);
            }
        }

        // One inference loop per stream of the session: on a GPU, copies of one batch overlap the compute of another.
        Task[] stages =
        [
            Task.Run(ReadAllAsync, token),
            Task.Run(DecodeStageAsync, token),
            .. Enumerable.Range(0, session.Streams).Select(_ => Task.Factory.StartNew(InferAll, token, TaskCreationOptions.LongRunning, TaskScheduler.Default)),
        ];
        try
        {
            await WhenAllOrFirstFault(stages, stop);
        }
        finally
        {
            // Whatever stopped the run (the end, a cancel, a fault), nothing waits between its stages any more: a gauge
            // left at its last value would show a cancelled shard's queue as full for as long as the silo lives.
            EvaluationTelemetry.QueueDepth.Record(0, decodeQueueTags);
            EvaluationTelemetry.QueueDepth.Record(0, inferenceQueueTags);
            buffers.ForEach(b => b.Buffer.Dispose());
            while (reads.Reader.TryRead(out var leftover))
            {
                leftover.Bytes?.Dispose();
            }
        }

        var failed = failures.ToArray();
        foreach (var (group, _) in failed)
        {
            counts[group].AddFailures();
        }

        progress?.Report(new EvaluationProgress(scoredImages, failed.Length, images.Count, stopwatch.Elapsed));
        var perSecond = (double)Stopwatch.Frequency;
        var timings = new StageTimings(
            TimeSpan.FromSeconds(readTicks / perSecond), TimeSpan.FromSeconds(decodeTicks / perSecond),
            TimeSpan.FromSeconds(preprocessTicks / perSecond), TimeSpan.FromSeconds(inferenceTicks / perSecond), batches);
        return [.. counts.Select((groupCounts, g) => new EvaluationResult(groupCounts, [.. failed.Where(f => f.Group == g).Select(f => f.Failure)], stopwatch.Elapsed, timings))];
    }

    /// <summary>Faults of one image's bytes; cancellation and running out of memory are the run's, not the image's.</summary>
    private static bool IsImageFault(Exception e) => e is not (OperationCanceledException or OutOfMemoryException);

    private static KeyValuePair<string, object?>[] Tags(IReadOnlyList<KeyValuePair<string, object?>> common, string key, string value) =>
        [.. common, new(key, value)];

    /// <summary>Waits for every stage; the first to fault cancels the rest so none waits forever on a dead neighbour.</summary>
    private static async Task WhenAllOrFirstFault(Task[] stages, CancellationTokenSource stop)
    {
        var pending = stages.ToList();
        while (pending.Count > 0)
        {
            var finished = await Task.WhenAny(pending);
            pending.Remove(finished);
            if (finished.IsFaulted || finished.IsCanceled)
            {
                await stop.CancelAsync();
            }
        }

        var fault = stages.FirstOrDefault(s => s.IsFaulted);
        if (fault is not null)
        {
            await fault;
        }

        await Task.WhenAll(stages);
    }
}
