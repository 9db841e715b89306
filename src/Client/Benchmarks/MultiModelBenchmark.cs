using System.Globalization;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Pipeline;
using Spectre.Console;

namespace SENet.Client.Benchmarks;

/// <summary>
/// <c>senet bench --models N</c>: what one pass serving several evaluations saves. N tiny decode-bound models in one
/// pass against one model's pass and against N single-model passes, then two views of one model against one view; the
/// same JPEGs, cores and decode workers every time. Each figure is the best of <paramref name="repeats"/> rounds (the
/// configurations alternate within a round, so a noisy neighbour slows them alike). Decodes per image are the
/// pipeline's own count of decodes; every evaluation's counts are checked against its single run.
/// </summary>
public sealed class MultiModelBenchmark(CliConsole console, int models, int images, int inputSize, int repeats)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("senet-bench-models-").FullName;
        try
        {
            console.Error.WriteLine($"bench: writing {images} photograph-like 500×375 quality-90 JPEGs and {models} tiny {inputSize}×{inputSize} models");
            var jpegs = await BenchmarkImages.WriteAsync(folder, images, 500, 375, cancellationToken);
            var list = jpegs.Files.Select((file, i) => new LabelledImage(file, i % 10)).ToList();
            var sessions = Enumerable.Range(0, models)
                .Select(seed => ClassifierSession.Create(TinyClassifierBuilder.BuildBytes(inputSize, 10, seed), new ClassifierSessionOptions(InferenceDevice.Cpu, 32, IntraOpThreads: 1)))
                .ToList();
            try
            {
                var center = new PreprocessSpec(inputSize);
                var whole = new PreprocessSpec(inputSize, CropPct: 1.0);
                using var decoder = new ImageDecoder();
                var source = new LocalFolderSource(folder);
                Task<PassResult> PassAsync(IEnumerable<PipelineEvaluation> evaluations) =>
                    new EvaluationPipeline(source, decoder, [.. evaluations]).RunAllAsync(list, cancellationToken: cancellationToken);

                await PassAsync([new PipelineEvaluation(sessions[0], center)]);
                var one = new List<double>();
                var together = new List<double>();
                var separate = new List<double>();
                var twoViews = new List<double>();
                PassResult? many = null, viewed = null;
                var singles = new PassResult[models];
                PassResult? wholeAlone = null;
                for (var round = 0; round < repeats; round++)
                {
                    console.Error.WriteLine($"bench: round {round + 1} of {repeats}");
                    var single = await PassAsync([new PipelineEvaluation(sessions[0], center)]);
                    one.Add(single.Duration.TotalSeconds);
                    many = await PassAsync(sessions.Select(s => new PipelineEvaluation(s, center)));
                    together.Add(many.Duration.TotalSeconds);
                    var sum = 0.0;
                    for (var m = 0; m < models; m++)
                    {
                        singles[m] = await PassAsync([new PipelineEvaluation(sessions[m], center)]);
                        sum += singles[m].Duration.TotalSeconds;
                    }

                    separate.Add(sum);
                    viewed = await PassAsync([new PipelineEvaluation(sessions[0], center), new PipelineEvaluation(sessions[0], whole)]);
                    twoViews.Add(viewed.Duration.TotalSeconds);
                    wholeAlone ??= await PassAsync([new PipelineEvaluation(sessions[0], whole)]);
                }

                var equal = Enumerable.Range(0, models).All(m => many!.Evaluations[m].Counts.CountsEqual(singles[m].Evaluations[0].Counts))
                    && viewed!.Evaluations[0].Counts.CountsEqual(singles[0].Evaluations[0].Counts)
                    && viewed.Evaluations[1].Counts.CountsEqual(wholeAlone!.Evaluations[0].Counts);
                var (t1, tn, ts, tv) = (one.Min(), together.Min(), separate.Min(), twoViews.Min());
                var cores = Environment.ProcessorCount;
                var table = new Table().Border(TableBorder.Rounded).Title($"[bold]senet bench --models {models}[/] ({cores} cores)").AddColumns("measure", "figure", "detail");
                void Row(string measure, string figure, string detail = "") => table.AddRow(Markup.Escape(measure), Markup.Escape(figure), Markup.Escape(detail));
                var detail = $"{images} × 500×375 q90 JPEGs, tiny Flatten+Gemm {inputSize}×{inputSize} model(s) on the CPU, batch 32, {cores} decode workers; best of {repeats}";
                Row("1 model, 1 pass", $"{images / t1:F1} images/s", $"{t1:F2} s; {detail}");
                Row($"{models} models, 1 pass", $"{images * models / tn:F1} model-images/s", $"{tn:F2} s = {tn / t1:F2}× one model's pass (target ≤ 1.4× for 4)");
                Row($"{models} models, {models} passes", $"{images * models / ts:F1} model-images/s", $"{ts:F2} s = {ts / t1:F2}× one model's pass");
                Row("2 views of 1 model, 1 pass", $"{images * 2 / tv:F1} view-images/s", $"{tv:F2} s = {tv / t1:F2}× the 1-view pass (target ≤ 1.3×; views {inputSize}@0.875 and {inputSize}@1.0)");
                Row("decodes per image", (many!.Decodes / (double)images).ToString("F2", CultureInfo.InvariantCulture), $"{many.Decodes} decodes, {many.Reads} reads for {images} images and {models} models (the pipeline's own count; must be 1)");
                Row("preprocessings per image", $"{many.Preprocessings / (double)images:F2} ({models} models), {viewed!.Preprocessings / (double)images:F2} (2 views)", "one per distinct preprocessing, copied to every model that scores it");
                Row("counts equal the single runs", equal ? "yes" : "NO", "every model's and view's counts, class by class, against its own single-model pass");
                console.Out.Write(table);
                if (!equal)
                {
                    throw new InvalidOperationException("A model's or view's counts in the shared pass differ from its single run: this is a defect; please report it.");
                }
            }
            finally
            {
                sessions.ForEach(s => s.Dispose());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
