using System.Diagnostics;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;

namespace SENet.Evaluation.Tests.Pipeline;

public sealed class EvaluationPipelineTests : IDisposable
{
    private const int InputSize = 64;
    private static readonly byte[] Model = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 4, InputSize: InputSize, Seed: 9));
    private static readonly PreprocessSpec Preprocess = new(CropSize: InputSize);

    private readonly TempFolder _folder = new();
    private readonly List<LabelledImage> _good = [];
    private readonly List<LabelledImage> _bad = [];

    public EvaluationPipelineTests()
    {
        for (var i = 0; i < 14; i++)
        {
            var path = $"good_{i:D2}.jpg";
            _folder.Write(path, SyntheticImages.RenderJpeg(96 + 8 * i, 80 + 5 * i, i % 4, i));
            _good.Add(new LabelledImage(path, i % 4));
        }

        var whole = SyntheticImages.RenderJpeg(120, 90, 0, 99);
        _bad.Add(new LabelledImage(Path.GetFileName(_folder.Write("truncated.jpg", whole[..(whole.Length / 2)])), 1));
        _bad.Add(new LabelledImage(Path.GetFileName(_folder.Write("empty.jpg", [])), 2));
        _bad.Add(new LabelledImage(Path.GetFileName(_folder.Write("text.png", "definitely not a PNG")), 3));
        _bad.Add(new LabelledImage("absent.jpg", 0));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 2, 1)]
    [InlineData(8, 4, 1)]
    [InlineData(2, 3, 3)]
    public async Task CountsEqualImageByImageReferenceAndFailuresAreNamed(int batchSize, int decodeWorkers, int streams)
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, batchSize, IntraOpThreads: 1, Streams: streams));
        using var decoder = new ImageDecoder();
        var predictions = new List<ImagePrediction>();
        var pipeline = new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, Preprocess, new PipelineOptions(ReadConcurrency: 3, DecodeWorkers: decodeWorkers));

        var result = await pipeline.RunAsync([.. _good, .. _bad], predictions.Add);

        var expected = ReferenceCounts(session, decoder);
        expected.AddFailures(_bad.Count);
        Assert.True(result.Counts.CountsEqual(expected), $"pipeline {result.Counts.Images}/{result.Counts.Top1Correct} vs reference {expected.Images}/{expected.Top1Correct}");
        Assert.Equal(_good.Select(g => g.Path).Order(), predictions.Select(p => p.ImageId).Order());
        var failures = result.Failures.ToDictionary(f => f.ImageId);
        Assert.Equal(("decode", true), (failures["truncated.jpg"].Stage, failures["truncated.jpg"].Reason.Contains("truncated")));
        Assert.Contains("empty file", failures["empty.jpg"].Reason);
        Assert.Contains("not a recognised image", failures["text.png"].Reason);
        Assert.Equal(("read", "file not found"), (failures["absent.jpg"].Stage, failures["absent.jpg"].Reason));
        Assert.Equal((long)Math.Ceiling(_good.Count / (double)batchSize), result.Timings.Batches);
    }

    [Fact]
    public async Task PipelinesSharingADecodeSchedulerNeverDecodeMoreImagesAtOnceThanItAllows()
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        using var inner = new ImageDecoder();
        var decoder = new ConcurrencyCountingDecoder(inner);
        var shared = new DecodeScheduler(workers: 1);
        var options = new PipelineOptions(DecodeWorkers: 4, DecodeScheduler: shared);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, Preprocess, options).RunAsync([.. _good, .. _bad])));

        Assert.Equal(1, decoder.MostAtOnce);
        Assert.All(results, r => Assert.True(r.Counts.CountsEqual(results[0].Counts)));
        Assert.Equal(3 * (_good.Count + _bad.Count - 1), decoder.Calls);
    }

    /// <summary>Counts decodes in progress at the same time; a little work inside makes overlaps likely when allowed.</summary>
    private sealed class ConcurrencyCountingDecoder(IImageDecoder inner) : IImageDecoder
    {
        private int _now;
        private int _most;
        private int _calls;

        public string Name => inner.Name;

        public int MostAtOnce => Volatile.Read(ref _most);

        public int Calls => Volatile.Read(ref _calls);

        public DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions options)
        {
            var now = Interlocked.Increment(ref _now);
            Interlocked.Increment(ref _calls);
            int most;
            while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
            {
            }

            try
            {
                Thread.Sleep(2);
                return inner.Decode(encoded, options);
            }
            finally
            {
                Interlocked.Decrement(ref _now);
            }
        }
    }

    [Fact]
    public async Task ProgressCountsUpToTheTotal()
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, 4, IntraOpThreads: 1));
        using var decoder = new ImageDecoder();
        var reports = new List<EvaluationProgress>();
        var progress = new SynchronousProgress(reports.Add);

        await new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, Preprocess).RunAsync([.. _good, .. _bad], progress: progress);

        Assert.True(reports.Count >= 2);
        Assert.Equal(reports.Select(r => r.Done).Order(), reports.Select(r => r.Done));
        Assert.Equal(new EvaluationProgress(_good.Count, _bad.Count, _good.Count + _bad.Count, reports[^1].Elapsed), reports[^1]);
    }

    [Fact]
    public async Task CancellationStopsEveryStagePromptly()
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, 2, IntraOpThreads: 1));
        using var decoder = new ImageDecoder();
        var many = Enumerable.Range(0, 20_000).Select(i => _good[i % _good.Count]).ToList();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Done >= 20)
            {
                cancel.Cancel();
            }
        });
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, Preprocess).RunAsync(many, progress: progress, cancellationToken: cancel.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed} to stop");
    }

    [Fact]
    public async Task ACancelledRunLeavesItsQueueDepthsAtZero()
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu, 2, IntraOpThreads: 1));
        using var decoder = new ImageDecoder();
        var many = Enumerable.Range(0, 5_000).Select(i => _good[i % _good.Count]).ToList();
        var run = $"queue-depth-{Guid.NewGuid():N}";
        var lastDepth = new Dictionary<string, long>();
        var deepest = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.EvaluationTelemetry.Name && instrument.Name == "senet.queue.depth")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? queue = null, job = null;
            foreach (var tag in tags)
            {
                queue = tag.Key == Telemetry.TelemetryTags.Queue ? tag.Value as string : queue;
                job = tag.Key == Telemetry.TelemetryTags.Job ? tag.Value as string : job;
            }

            if (job == run && queue is not null)
            {
                lock (lastDepth)
                {
                    lastDepth[queue] = value;
                    deepest = Math.Max(deepest, value);
                }
            }
        });
        listener.Start();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Done >= 20)
            {
                cancel.Cancel();
            }
        });
        var options = new PipelineOptions(TelemetryTags: [new(Telemetry.TelemetryTags.Job, run)]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, Preprocess, options).RunAsync(many, progress: progress, cancellationToken: cancel.Token));

        // Work did wait between the stages while the run went on; after the cancel, nothing does.
        Assert.True(deepest > 0, "no queue ever held an item: the run proves nothing");
        Assert.Equal(0, lastDepth["decode"]);
        Assert.Equal(0, lastDepth["inference"]);
    }

    [Fact]
    public async Task CropDifferentFromTheModelInputIsRefused()
    {
        using var session = ClassifierSession.Create(Model, new ClassifierSessionOptions(InferenceDevice.Cpu));
        using var decoder = new ImageDecoder();

        var error = await Assert.ThrowsAsync<ModelValidationException>(() =>
            new EvaluationPipeline(session, new LocalFolderSource(_folder.Path), decoder, PreprocessSpec.Default).RunAsync(_good));

        Assert.Contains("takes 64×64 images but preprocessing crops 224×224", error.Message);
    }

    private TopKCounts ReferenceCounts(ClassifierSession session, ImageDecoder decoder)
    {
        var counts = new TopKCounts(session.Classes);
        var outputs = ModelOutputs.Resolve(OutputKind.Auto, session.Description).Kind;
        var preprocessor = new ImagePreprocessor(Preprocess);
        using var batch = session.CreateBatch(1);
        batch.Count = 1;
        foreach (var image in _good)
        {
            using var decoded = decoder.Decode(File.ReadAllBytes(Path.Combine(_folder.Path, image.Path)), DecodeOptions.Exact);
            preprocessor.Preprocess(decoded, batch.Image(0));
            session.Run(batch);
            counts.Add(image.Label, batch.Scores(0), outputs);
        }

        return counts;
    }

    public void Dispose() => _folder.Dispose();

    private sealed class SynchronousProgress(Action<EvaluationProgress> report) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => report(value);
    }
}
