using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SENet.Evaluation.Telemetry;

/// <summary>
/// The project's meter and activity source (both named <see cref="Name"/>) and every instrument, named by
/// OpenTelemetry conventions. Without a listener (an exporter, a test) they cost next to nothing.
/// </summary>
public static class EvaluationTelemetry
{
    public const string Name = "SENet.Eval";

    public static ActivitySource Source { get; } = new(Name, "1.0");

    public static Meter Meter { get; } = new(Name, "1.0");

    /// <summary>Images processed, by outcome (ok, failed).</summary>
    public static Counter<long> Images { get; } = Meter.CreateCounter<long>("senet.images", "{image}", "Images processed, by outcome");

    public static Counter<long> Batches { get; } = Meter.CreateCounter<long>("senet.batches", "{batch}", "Inference batches run");

    /// <summary>Seconds per item in each stage: read and decode and preprocess per image, inference per batch.</summary>
    public static Histogram<double> StageDuration { get; } = Meter.CreateHistogram<double>("senet.stage.duration", "s", "Time in each pipeline stage",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary>Items waiting between stages (read → decode, batches → inference).</summary>
    public static Gauge<long> QueueDepth { get; } = Meter.CreateGauge<long>("senet.queue.depth", "{item}", "Items waiting between pipeline stages");

    /// <summary>Shard events of a job: leased, completed, retried, duplicated, ignored.</summary>
    public static Counter<long> Shards { get; } = Meter.CreateCounter<long>("senet.shards", "{shard}", "Shard lease events");

    public static Gauge<double> JobProgress { get; } = Meter.CreateGauge<double>("senet.job.progress", "1", "Share of a job's images done");

    public static Gauge<double> JobEta { get; } = Meter.CreateGauge<double>("senet.job.eta", "s", "Estimated seconds until a job is done");

    public static Gauge<double> JobThroughput { get; } = Meter.CreateGauge<double>("senet.job.throughput", "{image}/s", "A job's images per second");

    /// <summary>Running top-1 / top-5 error of a job, in percent of the images scored so far.</summary>
    public static Gauge<double> JobTop1Error { get; } = Meter.CreateGauge<double>("senet.job.top1_error", "%", "Running top-1 error of a job");

    public static Gauge<double> JobTop5Error { get; } = Meter.CreateGauge<double>("senet.job.top5_error", "%", "Running top-5 error of a job");

    public static Histogram<double> ModelLoadDuration { get; } = Meter.CreateHistogram<double>("senet.model.load.duration", "s", "Time to load a model into a session");
}
