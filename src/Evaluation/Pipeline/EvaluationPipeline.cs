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
/// the channel capacities and the batch pools, whatever the dataset size. A file that cannot be read or decoded is a
/// counted failure with its reason; the run goes on. Cancellation stops every stage.
/// One pass serves several evaluations (models × views): each image is read and decoded once, each distinct
/// preprocessing is computed once from the decoded image and copied to every evaluation that scores it, and each
/// evaluation batches, runs and scores on its own session with its own counts.
/// </summary>
public sealed class EvaluationPipeline
{
    private readonly IDatasetSource _source;
    private readonly IImageDecoder _decoder;
    private readonly IReadOnlyList<PipelineEvaluation> _evaluations;
    private readonly PipelineOptions _options;

    public EvaluationPipeline(ClassifierSession session, IDatasetSource source, IImageDecoder decoder, PreprocessSpec preprocess, PipelineOptions? options = null)
        : this(source, decoder, [new PipelineEvaluation(session, preprocess)], options)
    {
    }

    public EvaluationPipeline(IDatasetSource source, IImageDecoder decoder, IReadOnlyList<PipelineEvaluation> evaluations, PipelineOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(evaluations.Count);
        _source = source;
        _decoder = decoder;
        _evaluations = evaluations;
        _options = options ?? new PipelineOptions();
    }

    /// <summary>Runs the pipeline's only (or first) evaluation and returns its result.</summary>
    public async Task<EvaluationResult> RunAsync(
        IReadOnlyList<LabelledImage> images,
        Action<ImagePrediction>? onPrediction = null,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var evaluations = _evaluations.ToArray();
        evaluations[0] = evaluations[0] with { OnPrediction = onPrediction ?? evaluations[0].OnPrediction };
        var pass = await new EvaluationPipeline(_source, _decoder, evaluations, _options).RunAllAsync(images, progress, cancellationToken);
        return pass.Evaluations[0];
    }

    /// <summary>
    /// Several parts of images (a run of shards) in one pass of the first evaluation, so that the pipeline does not
    /// drain between them, with counts and failures kept per part: each part's result is what
    /// <see cref="RunAsync(IReadOnlyList{LabelledImage}, Action{ImagePrediction}?, IProgress{EvaluationProgress}?, CancellationToken)"/>
    /// on it alone would count. Duration and timings are the whole pass's.
    /// </summary>
    public async Task<IReadOnlyList<EvaluationResult>> RunGroupsAsync(
        IReadOnlyList<IReadOnlyList<LabelledImage>> parts,
        Action<ImagePrediction>? onPrediction = null,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var evaluations = _evaluations.ToArray();
        evaluations[0] = evaluations[0] with { OnPrediction = onPrediction ?? evaluations[0].OnPrediction };
        return (await new EvaluationPipeline(_source, _decoder, evaluations, _options).RunPartsAsync(parts, progress, cancellationToken))[0];
    }

    /// <summary>
    /// Several parts of images (a run of shards) in one pass of every evaluation, each image read and decoded once for
    /// all: each evaluation's result per part, [evaluation][part], each what a pass over that part alone would count.
    /// Predictions go to each evaluation's <see cref="PipelineEvaluation.OnPrediction"/>. Duration and timings are the whole pass's.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<EvaluationResult>>> RunPartsAsync(
        IReadOnlyList<IReadOnlyList<LabelledImage>> parts,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        // By reference: two parts may hold equal records (the same name twice), each counted in its own part.
        var partOf = new Dictionary<LabelledImage, int>(ReferenceEqualityComparer.Instance);
        var images = new List<LabelledImage>(parts.Sum(p => p.Count));
        for (var p = 0; p < parts.Count; p++)
        {
            foreach (var image in parts[p])
            {
                partOf[image] = p;
                images.Add(image);
            }
        }

        var (_, byPart) = await RunAsync(images, image => partOf[image], parts.Count, progress, cancellationToken);
        return byPart;
    }

    /// <summary>
    /// One pass over <paramref name="images"/> for every evaluation. Progress counts an image done once every
    /// evaluation has scored or failed it.
    /// </summary>
    public async Task<PassResult> RunAllAsync(
        IReadOnlyList<LabelledImage> images,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        (await RunAsync(images, null, 1, progress, cancellationToken)).Pass;

    /// <returns>The pass, and each evaluation's result per part of the images (<paramref name="partOf"/>; one part when null).</returns>
    private async Task<(PassResult Pass, IReadOnlyList<IReadOnlyList<EvaluationResult>> ByPart)> RunAsync(
        IReadOnlyList<LabelledImage> images,
        Func<LabelledImage, int>? partOf,
        int parts,
        IProgress<EvaluationProgress>? progress,
        CancellationToken cancellationToken)
    {
        var groups = _evaluations.Select(e => e.Preprocess).Distinct().ToList();
        var decodeOptions = DecodeOptionsOf(groups, _options.MaxPixels);
        foreach (var evaluation in _evaluations)
        {
            Validate(evaluation);
        }

        var preprocessors = groups.Select(spec => new ImagePreprocessor(spec)).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var stopwatch = Stopwatch.StartNew();
        var failures = new ConcurrentQueue<(int Part, ImageFailure Failure)>();
        var lanes = _evaluations.Select(e => new EvaluationLane(e, groups.IndexOf(e.Preprocess), parts,
            new ImageScorer(e.Session.Classes, e.Preprocess.ViewsPerImage, ModelOutputs.Resolve(_options.Outputs, e.Session.Description).AreProbabilities, _options.ClassSubset, _options.LabelSets),
            _options.BatchesInFlight)).ToArray();
        // Each distinct preprocessing's lanes: the first is preprocessed into, the others get a copy of its slots.
        var lanesByGroup = Enumerable.Range(0, groups.Count).Select(g => Enumerable.Range(0, lanes.Length).Where(l => lanes[l].Group == g).ToArray()).ToArray();
        var preprocessTicksByGroup = new long[groups.Count];
        long readTicks = 0, decodeTicks = 0, reads = 0, decodes = 0, preprocessings = 0;
        var progressLock = new Lock();

        var readQueue = Channel.CreateBounded<(LabelledImage Image, IMemoryOwner<byte>? Bytes)>(
            new BoundedChannelOptions(_options.ReadConcurrency * 2) { SingleReader = false, SingleWriter = false });
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
        int PartOf(LabelledImage image) => partOf?.Invoke(image) ?? 0;

        void Fail(LabelledImage image, ImageFailure failure)
        {
            failures.Enqueue((PartOf(image), failure));
            EvaluationTelemetry.Images.Add(1, failedTags);
        }

        // The pass's progress is its slowest lane's: an image is done once every evaluation has scored or failed it.
        // Called under a lane's counts lock; each lane's tallies only grow, so reports under progressLock count up.
        void ReportProgress()
        {
            if (progress is null)
            {
                return;
            }

            lock (progressLock)
            {
                var slowest = lanes.MinBy(l => l.Scored + l.Failures.Count)!;
                progress.Report(new EvaluationProgress(slowest.Scored, failures.Count + slowest.Failures.Count, images.Count, stopwatch.Elapsed));
            }
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
                        bytes = await _source.ReadAsync(image.Path, _options.MaxFileBytes, ct);
                        Interlocked.Increment(ref reads);
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
                        await readQueue.Writer.WriteAsync((image, bytes), ct);
                        EvaluationTelemetry.QueueDepth.Record(readQueue.Reader.Count, decodeQueueTags);
                    }
                });
            }
            finally
            {
                readQueue.Writer.TryComplete();
            }
        }

        async Task DecodeAllAsync()
        {
            var slots = new (PendingBatch Batch, int Slot)[lanes.Length];
            await foreach (var (image, bytes) in readQueue.Reader.ReadAllAsync(token))
            {
                DecodedImage? decoded = null;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    decoded = _decoder.Decode(bytes!.Memory.Span, decodeOptions);
                    Interlocked.Increment(ref decodes);
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
                    // Slots are reserved in lane order, always: a worker waiting for one lane's buffer holds slots only
                    // of earlier lanes, whose batches the workers ahead of it fill, so no two lanes ever wait on each other.
                    for (var l = 0; l < lanes.Length; l++)
                    {
                        slots[l] = await lanes[l].Assembler.ReserveAsync(token);
                    }

                    for (var g = 0; g < lanesByGroup.Length; g++)
                    {
                        started = Stopwatch.GetTimestamp();
                        var group = lanesByGroup[g];
                        var first = slots[group[0]];
                        var views = lanes[group[0]].Views;
                        try
                        {
                            var written = first.Batch.Buffer.Images(first.Slot, views);
                            preprocessors[g].Preprocess(decoded, written);
                            Interlocked.Increment(ref preprocessings);
                            foreach (var l in group)
                            {
                                var (batch, slot) = slots[l];
                                if (l != group[0])
                                {
                                    written.CopyTo(batch.Buffer.Images(slot, views));
                                }

                                batch.Notes[slot] = decoded.Warning;
                                lanes[l].Assembler.Complete(batch, slot, image);
                            }
                        }
                        catch (Exception e) when (IsImageFault(e))
                        {
                            var failure = new ImageFailure(image.Path, "preprocess", e is ImageDecodeException ? e.Message : $"preprocessing error ({e.GetType().Name}): {e.Message}");
                            if (g == 0)
                            {
                                EvaluationTelemetry.Images.Add(1, failedTags);
                            }

                            foreach (var l in group)
                            {
                                var (batch, slot) = slots[l];
                                lanes[l].Failures.Enqueue((PartOf(image), failure));
                                lanes[l].Assembler.Complete(batch, slot, null);
                            }
                        }

                        Interlocked.Add(ref preprocessTicksByGroup[g], Stopwatch.GetTimestamp() - started);
                        EvaluationTelemetry.StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, preprocessTags);
                    }
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
                foreach (var lane in lanes)
                {
                    lane.Assembler.Flush();
                }
            }
        }

        // Runs on a thread of its own: ONNX Runtime's Run blocks for the whole batch, and on the thread pool that would
        // starve everything else on it (a silo's grain turns and lease renewals included).
        void InferAll(EvaluationLane lane)
        {
            var session = lane.Session;
            var views = lane.Views;
            // An image counts once in the telemetry however many evaluations score it: the first lane's.
            var countsImages = lane == lanes[0];
            while (lane.Ready.Reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
            {
                if (!lane.Ready.Reader.TryRead(out var batch))
                {
                    continue;
                }

                EvaluationTelemetry.QueueDepth.Record(lane.Ready.Reader.Count, inferenceQueueTags);
                using var span = EvaluationTelemetry.Source.StartActivity("senet.batch", ActivityKind.Internal, parentContext: default, tags, startTime: batch.StartedUtc);
                span?.AddEvent(new ActivityEvent("decoded and preprocessed", batch.FilledUtc));
                span?.AddEvent(new ActivityEvent("inference started"));
                batch.Buffer.Count = batch.Reserved;
                var ran = session.Run(batch.Buffer);
                Interlocked.Add(ref lane.InferenceTicks, (long)(ran.TotalSeconds * Stopwatch.Frequency));
                EvaluationTelemetry.StageDuration.Record(ran.TotalSeconds, inferenceTags);
                span?.AddEvent(new ActivityEvent("inference done"));
                Interlocked.Increment(ref lane.Batches);
                var scored = 0;
                lock (lane.ScoringLock)
                {
                    // An image's views sit in consecutive slots from its first; the scorer averages them and applies the label conventions.
                    for (var slot = 0; slot < batch.Reserved; slot += views)
                    {
                        if (batch.Images[slot] is { } image)
                        {
                            var prediction = lane.Scorer.Score(image, batch.Buffer.Scores(slot, views), lane.Counts[PartOf(image)]);
                            lane.Scored++;
                            lane.Evaluation.OnPrediction?.Invoke(prediction with { Note = batch.Notes[slot] });
                            scored++;
                        }
                    }

                    // Reported under the lock, so reports from several streams still count up.
                    ReportProgress();
                }

                EvaluationTelemetry.Batches.Add(1, batchTags);
                if (countsImages)
                {
                    EvaluationTelemetry.Images.Add(scored, okTags);
                }

                span?.SetTag("senet.batch.images", scored);
                lane.Pool.Writer.TryWrite(batch);
            }
        }

        // One inference loop per lane and stream of its session: on a GPU, copies of one batch overlap the compute of another.
        Task[] stages =
        [
            Task.Run(ReadAllAsync, token),
            Task.Run(DecodeStageAsync, token),
            .. lanes.SelectMany(lane => Enumerable.Range(0, lane.Session.Streams)
                .Select(_ => Task.Factory.StartNew(() => InferAll(lane), token, TaskCreationOptions.LongRunning, TaskScheduler.Default))),
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
            foreach (var lane in lanes)
            {
                lane.Buffers.ForEach(b => b.Buffer.Dispose());
            }

            while (readQueue.Reader.TryRead(out var leftover))
            {
                leftover.Bytes?.Dispose();
            }
        }

        var perSecond = (double)Stopwatch.Frequency;
        var passFailures = failures.ToArray();
        var byPart = lanes.Select(lane =>
        {
            var timings = new StageTimings(
                TimeSpan.FromSeconds(readTicks / perSecond), TimeSpan.FromSeconds(decodeTicks / perSecond),
                TimeSpan.FromSeconds(preprocessTicksByGroup[lane.Group] / perSecond), TimeSpan.FromSeconds(lane.InferenceTicks / perSecond), lane.Batches);
            (int Part, ImageFailure Failure)[] laneFailures = [.. passFailures, .. lane.Failures];
            return (IReadOnlyList<EvaluationResult>)[.. lane.Counts.Select((counts, part) =>
            {
                ImageFailure[] partFailures = [.. laneFailures.Where(f => f.Part == part).Select(f => f.Failure)];
                counts.AddFailures(partFailures.Length);
                return new EvaluationResult(counts, partFailures, stopwatch.Elapsed, timings);
            })];
        }).ToList();
        var slowestLane = lanes.MinBy(l => l.Scored + l.Failures.Count)!;
        progress?.Report(new EvaluationProgress(slowestLane.Scored, passFailures.Length + slowestLane.Failures.Count, images.Count, stopwatch.Elapsed));
        var whole = byPart.Select(results => parts == 1 ? results[0] : Merged(results)).ToList();
        return (new PassResult(whole, reads, decodes, preprocessings, stopwatch.Elapsed), byPart);
    }

    /// <summary>An evaluation's result over all parts of a pass: counts merged, failures one after another.</summary>
    private static EvaluationResult Merged(IReadOnlyList<EvaluationResult> parts)
    {
        var counts = new TopKCounts(parts[0].Counts.Classes);
        foreach (var part in parts)
        {
            counts.Merge(part.Counts);
        }

        return new EvaluationResult(counts, [.. parts.SelectMany(p => p.Failures)], parts[0].Duration, parts[0].Timings);
    }

    /// <summary>
    /// The decode every preprocessing of the pass can share. Fast decode shrinks a JPEG towards its resize size, which
    /// differs between crops: decoding once for several would no longer give each the image its single run sees.
    /// </summary>
    public static DecodeOptions DecodeOptionsOf(IReadOnlyList<PreprocessSpec> groups, long maxPixels)
    {
        var options = groups.Select(g => g.DecodeOptions(maxPixels)).Distinct().ToList();
        if (options.Count > 1)
        {
            throw new ModelValidationException(
                $"--fast-decode decodes each JPEG towards its resize size, and these preprocessings resize to {string.Join(", ", groups.Select(g => g.ResizeSize).Distinct())}: one decode cannot serve them exactly. Drop --fast-decode, or evaluate views of one resize size together.");
        }

        return options[0];
    }

    private static void Validate(PipelineEvaluation evaluation)
    {
        var (session, preprocess) = (evaluation.Session, evaluation.Preprocess);
        var who = evaluation.Name is { } name ? $"{name}: " : "";
        if (session.InputHeight != preprocess.CropSize || session.InputWidth != preprocess.CropSize)
        {
            throw new ModelValidationException(
                $"{who}The model takes {session.InputWidth}×{session.InputHeight} images but preprocessing crops {preprocess.CropSize}×{preprocess.CropSize}. Set the crop size to the model's input size.");
        }

        var views = preprocess.ViewsPerImage;
        if (session.MaxBatchSize < views)
        {
            throw new ModelValidationException(who + (session.FixedBatchSize is { } fixedSize
                ? $"The ten-crop view runs an image's {views} crops in one batch, but the model's batch is fixed at {fixedSize}. Use the centre view, or a model exported with a dynamic (or at least {views}) batch dimension."
                : $"The ten-crop view runs an image's {views} crops in one batch: --batch-size {session.MaxBatchSize} is too small; use at least {views} (it counts crops)."));
        }
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
