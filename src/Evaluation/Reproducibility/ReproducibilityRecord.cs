namespace SENet.Evaluation.Reproducibility;

/// <summary>
/// What a job ran, in enough detail to run it again and to know whether a rerun ran the same thing: the inputs'
/// digests, the transform, the decoders that actually ran, the runtime and its settings, and this project's build.
/// Locations are shown without their query string (never a SAS).
/// </summary>
public sealed record ReproducibilityRecord
{
    public required string ModelLocation { get; init; }

    /// <summary>SHA-256 of the .onnx file's bytes.</summary>
    public string? ModelSha256 { get; init; }

    public required string DatasetLocation { get; init; }

    /// <summary>SHA-256 of the image list in dataset order, "name TAB label LF" an image (<see cref="ManifestDigest"/>).</summary>
    public string? ManifestSha256 { get; init; }

    public long ManifestImages { get; init; }

    public string? LabelsFile { get; init; }

    /// <summary>SHA-256 of the labels file's text (UTF-8, byte-order mark dropped); null for an ImageFolder dataset.</summary>
    public string? LabelsSha256 { get; init; }

    public string LabelFormat { get; init; } = "auto";

    public string? ClassListFile { get; init; }

    public string? ModelClassesFile { get; init; }

    public string OnMissing { get; init; } = "fail";

    public required PreprocessingRecord Preprocessing { get; init; }

    /// <summary>Images decoded, by format and by the decoder that decoded them.</summary>
    public IReadOnlyList<DecoderUse> Decoders { get; init; } = [];

    /// <summary>Whether every JPEG went through libjpeg-turbo at full scale, as PIL decodes it (so the pixels are PIL's).</summary>
    public bool PilExact { get; init; }

    /// <summary>Why the decoding was not PIL-exact, with the fix; null when it was.</summary>
    public string? PilExactNote { get; init; }

    public required string OnnxRuntimeVersion { get; init; }

    /// <summary>Each execution provider that scored shards, with its settings (TF32, cuDNN search, threads, streams).</summary>
    public IReadOnlyList<string> ExecutionProviders { get; init; } = [];

    /// <summary>The batch size run (a model with a fixed batch dimension overrides the one asked for).</summary>
    public int BatchSize { get; init; }

    public int RequestedBatchSize { get; init; }

    /// <summary>Devices (workers) that scored shards.</summary>
    public int Devices { get; init; }

    public string DevicePolicy { get; init; } = "auto";

    public int ShardSize { get; init; }

    public long MaxPixels { get; init; }

    public long MaxFileBytes { get; init; }

    public required string ProjectVersion { get; init; }

    public required string Commit { get; init; }

    /// <summary>Whether decoding was PIL-exact, from the decoders' counts, and the note that says why not.</summary>
    public static (bool PilExact, string? Note) JudgeDecoding(IReadOnlyList<DecoderUse> decoders)
    {
        var skia = decoders.Where(d => d.Format == "jpeg" && d.Decoder == DecodeTally.Skia).Sum(d => d.Images);
        var reduced = decoders.Where(d => d.Format == "jpeg" && d.Decoder == DecodeTally.TurboJpegReduced).Sum(d => d.Images);
        if (skia > 0)
        {
            return (false, $"{skia:N0} JPEGs were decoded by Skia, not libjpeg-turbo (libturbojpeg.so.0 did not load where they were decoded): " +
                "their pixels differ slightly from PIL's, so figures can differ from timm's. Install Debian's libturbojpeg0 (apt-get install libturbojpeg0) on every node.");
        }

        if (reduced > 0)
        {
            return (false, $"{reduced:N0} JPEGs were decoded at reduced DCT scale (--fast-decode): faster, but not PIL's pixels.");
        }

        return (true, null);
    }
}
