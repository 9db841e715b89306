namespace SENet.Evaluation.Pipeline;

/// <summary>Concurrency and memory bounds of an <see cref="EvaluationPipeline"/>.</summary>
/// <param name="ReadConcurrency">Files read at once (I/O bound: local disks and blob storage both like more than one).</param>
/// <param name="DecodeWorkers">Decode + preprocess workers; 0 means as many as <paramref name="DecodeScheduler"/> runs at once, else one per core.</param>
/// <param name="BatchesInFlight">Batch buffers: one running, the others filling.</param>
/// <param name="MaxPixels">Images declaring more pixels are failed before decoding.</param>
/// <param name="MaxFileBytes">Image files longer than this are failed before they are read (a local file's length, a blob's Content-Length).</param>
/// <param name="TelemetryTags">Attributes for every metric and span of the run (job, silo, device).</param>
/// <param name="DecodeScheduler">
/// Where decode workers run. A silo passes one scheduler, limited to the node's cores, to every pipeline it runs (one
/// per device and shard), so together they use every core without each taking all of them; null is the thread pool.
/// </param>
/// <param name="ClassSubset">The model outputs the dataset covers and how to score on them (ImageNet-A/-R); null scores every output.</param>
/// <param name="LabelSets">Count each image's label set (ImageNet-ReaL) beside its label.</param>
/// <param name="Outputs">What the model's output rows are: auto reads it off the graph, the same way on every silo.</param>
public sealed record PipelineOptions(int ReadConcurrency = 8, int DecodeWorkers = 0, int BatchesInFlight = 3, long MaxPixels = 178_956_970,
    IReadOnlyList<KeyValuePair<string, object?>>? TelemetryTags = null, DecodeScheduler? DecodeScheduler = null, long MaxFileBytes = Datasets.ImageFiles.DefaultMaxBytes,
    Metrics.ClassSubset? ClassSubset = null, bool LabelSets = false, Metrics.OutputKind Outputs = Metrics.OutputKind.Auto)
{
    public int EffectiveDecodeWorkers => DecodeWorkers > 0 ? DecodeWorkers : DecodeScheduler?.Workers ?? Environment.ProcessorCount;
}
