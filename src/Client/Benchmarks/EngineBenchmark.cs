using System.Globalization;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using Spectre.Console;

namespace SENet.Client.Benchmarks;

/// <summary>
/// Figures of the engine on this machine: decode + preprocess per core (against PIL + torchvision on the same
/// files), the fast decode mode, inference per batch size, and end-to-end throughput against the ideal.
/// </summary>
public sealed class EngineBenchmark(CliConsole console, EngineBenchmarkOptions options)
{
    private readonly BenchmarkRecord _record = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("senet-bench-").FullName;
        try
        {
            var cores = Environment.ProcessorCount;
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]senet bench[/] ({cores} cores)").AddColumns("measure", "figure", "detail");
            void Row(string measure, string figure, string detail = "")
            {
                table.AddRow(Markup.Escape(measure), Markup.Escape(figure), Markup.Escape(detail));
                _record.AddRow(measure, figure, detail);
            }

            _record.Set("cores", cores);
            _record.Set("architecture", options.Architecture);

            console.Error.WriteLine($"bench: writing {options.Images} photograph-like 500×375 quality-90 JPEGs");
            var images = await BenchmarkImages.WriteAsync(Path.Combine(folder, "jpeg"), options.Images, 500, 375, cancellationToken);
            Row("test images", $"{images.Files.Count} × 500×375 q90", $"{images.AverageKilobytes:F0} KB average");

            var preprocessSeconds = MeasurePreprocessing(images, Row);
            await MeasurePilAsync(images, preprocessSeconds, Row, cancellationToken);
            await MeasureFastDecodeAsync(folder, Row, cancellationToken);

            var spec = new SeResNetSpec(SeResNetArchitecture.Parse(options.Architecture), Classes: 1000);
            console.Error.WriteLine($"bench: building {spec.Architecture.Name} and timing inference on {options.Device}");
            var model = SeResNetBuilder.BuildBytes(spec);
            var sessionOptions = SessionOptionsFor(model);
            var throughput = new Dictionary<int, double>();
            foreach (var batchSize in options.BatchSizes)
            {
                using var session = ClassifierSession.Create(model, sessionOptions with { MaxBatchSize = batchSize });
                throughput[batchSize] = InferenceThroughput.ImagesPerSecond(session, batchSize, options.Seconds);
                _record.Set("execution_provider", session.ExecutionProvider);
                _record.Set("streams", session.Streams);
                _record.Set($"inference_images_per_second_batch_{batchSize}", throughput[batchSize]);
                Row($"inference, batch {batchSize}", $"{throughput[batchSize]:F1} images/s",
                    $"{spec.Architecture.Name} on {session.ExecutionProvider}, {session.Streams} stream(s){(session.PinnedHostMemory ? ", pinned host batches" : "")}, {batchSize * session.Streams / throughput[batchSize] * 1000:F1} ms a batch" +
                    (session.PinnedMemoryFallbackReason is { } why ? $"; pageable batches: {why}" : ""));
            }

            if (options.FindBatch)
            {
                console.Error.WriteLine($"bench: searching the batch size with the most images/s (up to {options.MaxBatch})");
                foreach (var (size, figure, whyNot) in InferenceThroughput.FindBatch(model, sessionOptions, options.MaxBatch, options.Seconds))
                {
                    Row($"find batch: {size}", figure is { } f ? $"{f:F1} images/s" : "does not fit", whyNot ?? "");
                    if (figure is { } fits)
                    {
                        throughput[size] = fits;
                        _record.Set($"inference_images_per_second_batch_{size}", fits);
                    }
                }

                var best = throughput.MaxBy(t => t.Value);
                Row("best batch size", best.Key.ToString(CultureInfo.InvariantCulture), $"{best.Value:F1} images/s: run jobs with --batch-size {best.Key}");
            }

            var chosen = throughput.MaxBy(t => t.Value);
            _record.Set("best_batch", chosen.Key);
            _record.Set("best_images_per_second", chosen.Value);
            RowBottleneck(preprocessSeconds, cores, chosen.Value, Row);
            if (options.Fp16)
            {
                MeasureFp16(spec, sessionOptions with { MaxBatchSize = chosen.Key }, images, chosen.Value, Row);
            }

            await MeasureEndToEndAsync(model, sessionOptions with { MaxBatchSize = chosen.Key }, images, preprocessSeconds / cores, 1 / chosen.Value, Row, cancellationToken);
            console.Out.Write(table);
            if (options.JsonPath is { } jsonPath)
            {
                await _record.WriteAsync(jsonPath, cancellationToken);
                console.Error.WriteLine($"bench: figures written to {Path.GetFullPath(jsonPath)}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Single-thread decode and fused preprocessing; returns seconds per image for both together.</summary>
    private double MeasurePreprocessing(BenchmarkImages images, Action<string, string, string> row)
    {
        using var decoder = new ImageDecoder();
        var skia = new SkiaImageDecoder();
        var preprocessor = new ImagePreprocessor(PreprocessSpec.Default);
        var decoded = images.Bytes.Select(b => decoder.Decode(b, DecodeOptions.Exact)).ToList();
        var tensor = new float[PreprocessSpec.Default.ValuesPerImage];
        try
        {
            var turbo = Timing.SecondsPerCall(i => decoder.Decode(images.Bytes[i], DecodeOptions.Exact).Dispose(), images.Bytes.Count, options.Seconds);
            var skiaDecode = Timing.SecondsPerCall(i => skia.Decode(images.Bytes[i], DecodeOptions.Exact).Dispose(), images.Bytes.Count, options.Seconds);
            var fused = Timing.SecondsPerCall(i => preprocessor.Preprocess(decoded[i], tensor), decoded.Count, options.Seconds);
            var total = Timing.SecondsPerCall(i =>
            {
                using var image = decoder.Decode(images.Bytes[i], DecodeOptions.Exact);
                preprocessor.Preprocess(image, tensor);
            }, images.Bytes.Count, options.Seconds);
            row("decode, libjpeg-turbo", $"{turbo * 1000:F2} ms", decoder.UsesTurboJpeg ? "TurboJPEG, accurate DCT (chosen)" : "unavailable: Skia used instead");
            row("decode, Skia", $"{skiaDecode * 1000:F2} ms", "SkiaSharp 4.155 (candidate)");
            row("resize + crop + normalise", $"{fused * 1000:F2} ms", "fused, PIL-exact bilinear");
            row("decode + preprocess, per core", $"{1 / total:F0} images/s", $"{total * 1000:F2} ms an image, exact mode");
            _record.Set("decode_ms_per_image", turbo * 1000);
            _record.Set("decode_preprocess_ms_per_image", total * 1000);
            _record.Set("decode_preprocess_images_per_second_per_core", 1 / total);
            return total;
        }
        finally
        {
            decoded.ForEach(d => d.Dispose());
        }
    }

    private async Task MeasurePilAsync(BenchmarkImages images, double ourSeconds, Action<string, string, string> row, CancellationToken cancellationToken)
    {
        // Best of two runs: the figure PIL + torchvision can reach here, not an unlucky one.
        var (pil, whyNot) = await PilReference.MeasureAsync(images.Folder, images.Files.Count, options.Seconds, cancellationToken);
        if (pil is null)
        {
            row("PIL + torchvision, per core", "not measured", whyNot ?? "");
            return;
        }

        var (second, _) = await PilReference.MeasureAsync(images.Folder, images.Files.Count, options.Seconds, cancellationToken);
        if (second is not null && second.FullMs < pil.FullMs)
        {
            pil = second;
        }

        row("PIL decode", $"{pil.DecodeMs:F2} ms", pil.Versions);
        row("PIL + torchvision, per core", $"{1000 / pil.FullMs:F0} images/s", $"{pil.FullMs:F2} ms: Resize(256) + CenterCrop(224) + ToTensor + Normalize");
        row("speed-up over PIL + torchvision", $"{pil.FullMs / 1000 / ourSeconds:F2}×", "same files, one core each, best of two PIL runs (target ≥ 2×)");
    }

    private async Task MeasureFastDecodeAsync(string folder, Action<string, string, string> row, CancellationToken cancellationToken)
    {
        foreach (var (width, height) in new[] { (1024, 768), (2048, 1536) })
        {
            var large = await BenchmarkImages.WriteAsync(Path.Combine(folder, $"large{width}"), Math.Max(4, options.Images / 8), width, height, cancellationToken);
            using var decoder = new ImageDecoder();
            var exactSpec = PreprocessSpec.Default;
            var fastSpec = exactSpec with { FastDecode = true };
            var exact = new ImagePreprocessor(exactSpec);
            var fast = new ImagePreprocessor(fastSpec);
            var tensor = new float[exactSpec.ValuesPerImage];
            double Time(ImagePreprocessor preprocessor, DecodeOptions decodeOptions) => Timing.SecondsPerCall(i =>
            {
                using var image = decoder.Decode(large.Bytes[i], decodeOptions);
                preprocessor.Preprocess(image, tensor);
            }, large.Bytes.Count, options.Seconds);

            var exactSeconds = Time(exact, exactSpec.DecodeOptions());
            var fastSeconds = Time(fast, fastSpec.DecodeOptions());
            var (meanDifference, maxDifference, scale) = CompareCrops(large, decoder, exact, fast, exactSpec.DecodeOptions(), fastSpec.DecodeOptions());
            row($"fast decode, {width}×{height}", $"{exactSeconds / fastSeconds:F2}× faster",
                $"{1 / exactSeconds:F0} → {1 / fastSeconds:F0} images/s per core at DCT scale {scale}; crop differs by {meanDifference:F2} grey levels on average (max {maxDifference})");
        }
    }

    private static (double Mean, int Max, string Scale) CompareCrops(BenchmarkImages images, ImageDecoder decoder, ImagePreprocessor exact, ImagePreprocessor fast, DecodeOptions exactOptions, DecodeOptions fastOptions)
    {
        long sum = 0, count = 0;
        var max = 0;
        var scale = 1.0;
        var a = new byte[3 * 224 * 224];
        var b = new byte[3 * 224 * 224];
        foreach (var bytes in images.Bytes)
        {
            using var full = decoder.Decode(bytes, exactOptions);
            using var reduced = decoder.Decode(bytes, fastOptions);
            scale = reduced.Scale;
            exact.ResizeAndCrop(full, a);
            fast.ResizeAndCrop(reduced, b);
            for (var i = 0; i < a.Length; i++)
            {
                var d = Math.Abs(a[i] - b[i]);
                sum += d;
                max = Math.Max(max, d);
            }

            count += a.Length;
        }

        return ((double)sum / count, max, scale == 1.0 ? "1" : $"1/{1 / scale:F0}");
    }

    /// <summary>The session options of the bench: the device asked for, and 2 streams where it turns out to be a GPU.</summary>
    private ClassifierSessionOptions SessionOptionsFor(byte[] model)
    {
        var device = InferenceDevice.Parse(options.Device);
        var streams = options.Streams;
        if (streams <= 0)
        {
            using var probe = ClassifierSession.Create(model, new ClassifierSessionOptions(device, 1, options.Threads));
            streams = probe.ExecutionProvider == ClassifierSession.CudaProvider ? 2 : 1;
        }

        return new ClassifierSessionOptions(device, options.BatchSizes.Max(), options.Threads, Streams: streams);
    }

    /// <summary>Which stage limits the node: decoding on every core, or the device.</summary>
    private void RowBottleneck(double preprocessSecondsPerImage, int cores, double deviceImagesPerSecond, Action<string, string, string> row)
    {
        var decode = cores / preprocessSecondsPerImage;
        var coresNeeded = (int)Math.Ceiling(deviceImagesPerSecond * preprocessSecondsPerImage);
        _record.Set("decode_images_per_second_all_cores", decode);
        _record.Set("cores_needed_for_decode", coresNeeded);
        _record.Set("decode_bound", decode < deviceImagesPerSecond ? 1 : 0);
        if (decode < deviceImagesPerSecond)
        {
            row("bottleneck", "decode-bound", $"{cores} cores decode {decode:F0} images/s; the device takes {deviceImagesPerSecond:F0}: it needs about {coresNeeded} cores (or --fast-decode)");
        }
        else
        {
            row("bottleneck", "device-bound", $"the device takes {deviceImagesPerSecond:F0} images/s; {cores} cores decode {decode:F0} ({decode / deviceImagesPerSecond:F1}× headroom; {coresNeeded} {(coresNeeded == 1 ? "core" : "cores")} would do)");
        }
    }

    /// <summary>The float16 variant on the same preprocessed bench images: speed, and how its rankings differ from float32's.</summary>
    private void MeasureFp16(SeResNetSpec spec, ClassifierSessionOptions sessionOptions, BenchmarkImages images, double fp32ImagesPerSecond, Action<string, string, string> row)
    {
        using var fp32 = ClassifierSession.Create(SeResNetBuilder.BuildBytes(spec), sessionOptions with { Streams = 1 });
        using var fp16 = ClassifierSession.Create(SeResNetBuilder.BuildBytes(spec with { Fp16 = true }), sessionOptions);
        var speed = InferenceThroughput.ImagesPerSecond(fp16, sessionOptions.MaxBatchSize, options.Seconds);
        _record.Set("fp16_execution_provider", fp16.ExecutionProvider);
        _record.Set("fp16_batch", sessionOptions.MaxBatchSize);
        _record.Set("fp16_images_per_second", speed);
        _record.Set("fp16_speedup", speed / fp32ImagesPerSecond);
        row("fp16 inference", $"{speed:F1} images/s", $"{speed / fp32ImagesPerSecond:F2}× float32 on {fp16.ExecutionProvider}" +
            (fp16.ExecutionProvider == ClassifierSession.CpuProvider ? " (the CPU provider computes float16 graphs through inserted casts)" : ""));

        using var decoder = new ImageDecoder();
        var preprocessor = new ImagePreprocessor(PreprocessSpec.Default);
        using var a = fp32.CreateBatch(1);
        using var b = fp16.CreateBatch(1);
        a.Count = b.Count = 1;
        int sameTop1 = 0, top1InTop5 = 0;
        var reference = new int[5];
        var half = new int[5];
        double largestChange = 0, largestLogit = 0;
        foreach (var bytes in images.Bytes)
        {
            using (var image = decoder.Decode(bytes, DecodeOptions.Exact))
            {
                preprocessor.Preprocess(image, a.Image(0));
            }

            a.Image(0).CopyTo(b.Image(0));
            fp32.Run(a);
            fp16.Run(b);
            TopKRanking.Select(a.Scores(0), reference);
            TopKRanking.Select(b.Scores(0), half);
            sameTop1 += reference[0] == half[0] ? 1 : 0;
            top1InTop5 += half.Contains(reference[0]) ? 1 : 0;
            for (var i = 0; i < a.Classes; i++)
            {
                largestChange = Math.Max(largestChange, Math.Abs(a.Scores(0)[i] - b.Scores(0)[i]));
                largestLogit = Math.Max(largestLogit, Math.Abs(a.Scores(0)[i]));
            }
        }

        var n = images.Bytes.Count;
        _record.Set("fp16_images_compared", n);
        _record.Set("fp16_top1_changed", n - sameTop1);
        _record.Set("fp16_top5_missed", n - top1InTop5);
        _record.Set("fp16_largest_logit_change", largestChange);
        _record.Set("fp16_largest_logit", largestLogit);
        row("fp16 vs fp32, top-1", $"{100.0 * (n - sameTop1) / n:F2} % changed", $"{n - sameTop1} of {n} images change their top-1 class (top-1 error against float32's own predictions)");
        row("fp16 vs fp32, top-5", $"{100.0 * (n - top1InTop5) / n:F2} % missed", $"float32's top-1 class falls out of float16's top 5 for {n - top1InTop5} of {n}; largest logit change {largestChange:F4} (largest logit {largestLogit:F2})");
    }

    private async Task MeasureEndToEndAsync(byte[] model, ClassifierSessionOptions sessionOptions, BenchmarkImages images, double preprocessWallSeconds, double inferenceSecondsPerImage, Action<string, string, string> row, CancellationToken cancellationToken)
    {
        using var session = ClassifierSession.Create(model, sessionOptions);
        using var decoder = new ImageDecoder();
        var list = Enumerable.Range(0, options.EndToEndImages).Select(i => new LabelledImage(images.Files[i % images.Files.Count], i % 1000)).ToList();
        var pipeline = new EvaluationPipeline(session, new LocalFolderSource(images.Folder), decoder, PreprocessSpec.Default);
        // Wall-clock bounds, so that samples taken beside the bench (nvidia-smi) can be cut to the end-to-end run.
        var startedUnix = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var result = await pipeline.RunAsync(list, cancellationToken: cancellationToken);
        _record.Set("e2e_start_unix", startedUnix);
        _record.Set("e2e_end_unix", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        var measured = list.Count / result.Duration.TotalSeconds;
        // On a GPU decoding and inference overlap, so the slower sets the pace; on the CPU they share the cores and add up.
        var gpu = session.ExecutionProvider == ClassifierSession.CudaProvider;
        var ideal = gpu ? 1 / Math.Max(preprocessWallSeconds, inferenceSecondsPerImage) : 1 / (preprocessWallSeconds + inferenceSecondsPerImage);
        _record.Set("e2e_batch", sessionOptions.MaxBatchSize);
        _record.Set("e2e_images", list.Count);
        _record.Set("e2e_seconds", result.Duration.TotalSeconds);
        _record.Set("e2e_images_per_second", measured);
        _record.Set("e2e_ideal_images_per_second", ideal);
        row($"end to end (engine pipeline), batch {sessionOptions.MaxBatchSize}", $"{measured:F1} images/s",
            $"{list.Count} images in {result.Duration.TotalSeconds:F1} s; ideal {(gpu ? "1/max(t_pre, t_inf)" : "1/(t_pre + t_inf)")} = {ideal:F1} images/s → {measured / ideal * 100:F0} % of ideal");
    }
}
