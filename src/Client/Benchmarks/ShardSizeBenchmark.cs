using System.Diagnostics;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using Spectre.Console;

namespace SENet.Client.Benchmarks;

/// <summary>
/// The coordination cost of a shard, seen from outside: the same small images evaluated by <c>senet evaluate</c>
/// (this program, started anew each time, on its embedded default) once per shard size. Fine shards cost coordination
/// (a lease, a completion, a durable write, a manifest read and a predictions part each); the wall times show how much,
/// and the counts of every run must be identical, since sharding must not change a single count.
/// </summary>
/// <param name="sizes">Shard sizes to run, in order (each a number, or "auto").</param>
/// <param name="extraArguments">Further <c>senet evaluate</c> options for every run (e.g. --threads 2).</param>
public sealed class ShardSizeBenchmark(CliConsole console, IReadOnlyList<string> sizes, int images, int imageSize, IReadOnlyList<string> extraArguments)
{
    private const int Classes = 10;
    private const int InputSize = 32;

    /// <summary>The sizes as given: space- or comma-separated.</summary>
    public static IReadOnlyList<string> Split(string[]? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    public IReadOnlyList<ShardSizeRun> Runs { get; private set; } = [];

    /// <summary>0 when every run completed with identical counts; 1 otherwise (named on standard error).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("senet-bench-shards-").FullName;
        try
        {
            var data = Path.Combine(folder, "data");
            console.Error.WriteLine($"bench: writing {images:N0} {imageSize}×{imageSize} JPEGs in {Classes} classes and a seresnet18 at {InputSize}×{InputSize}");
            await WriteImagesAsync(data, cancellationToken);
            var model = Path.Combine(folder, "model.onnx");
            await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: Classes, InputSize: InputSize)), cancellationToken);

            var runs = new List<ShardSizeRun>();
            foreach (var (size, index) in sizes.Select((size, index) => (size, index)))
            {
                // Its own folder per run: a size may be given twice, to see the noise.
                var output = Path.Combine(folder, $"out-{index}-{size}");
                console.Error.WriteLine($"bench: senet evaluate --shard-size {size}");
                var stopwatch = Stopwatch.StartNew();
                var (exitCode, errors) = await EvaluateAsync(["evaluate", "--data", data, "--model", model, "--out", output, "--shard-size", size, .. extraArguments], cancellationToken);
                var seconds = stopwatch.Elapsed.TotalSeconds;
                var report = exitCode == 0 && File.Exists(Path.Combine(output, "report.json"))
                    ? ReportWriter.FromJson(await File.ReadAllTextAsync(Path.Combine(output, "report.json"), cancellationToken))
                    : null;
                var shards = Directory.Exists(Path.Combine(output, "predictions")) ? Directory.GetFiles(Path.Combine(output, "predictions")).Length : 0;
                runs.Add(new ShardSizeRun(size, seconds, exitCode, report, shards, errors));
            }

            Runs = runs;
            return Write();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private int Write()
    {
        var fastest = Runs.Where(r => r.Report is not null).Select(r => r.Seconds).DefaultIfEmpty(double.NaN).Min();
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]senet bench --shard-sizes[/] ({images:N0} images of {imageSize}×{imageSize}, seresnet18 at {InputSize}, {Environment.ProcessorCount} cores)")
            .AddColumns("--shard-size", "shards", "wall time", "vs fastest", "images/s", "scored", "failed", "top-1 correct", "top-5 correct");
        foreach (var run in Runs)
        {
            var r = run.Report;
            table.AddRow(run.Size, run.Shards.ToString("N0"), $"{run.Seconds:F1} s", r is null ? "failed" : $"{run.Seconds / fastest:F2}×",
                r is null ? "" : $"{(r.Images + r.Failed) / run.Seconds:F0}", r?.Images.ToString("N0") ?? "", r?.Failed.ToString("N0") ?? "",
                r?.Top1Correct.ToString("N0") ?? "", r?.Top5Correct.ToString("N0") ?? "");
        }

        console.Out.Write(table);
        var exit = 0;
        foreach (var failed in Runs.Where(r => r.Report is null))
        {
            console.Error.WriteLine($"error: senet evaluate --shard-size {failed.Size} exited {failed.ExitCode}: {failed.Errors.Trim()}");
            exit = 1;
        }

        var reference = Runs.FirstOrDefault(r => r.Report is not null);
        foreach (var run in Runs.Where(r => r.Report is not null && r != reference))
        {
            if (!SameCounts(reference!.Report!, run.Report!))
            {
                console.Error.WriteLine($"error: --shard-size {run.Size} counted differently from --shard-size {reference.Size} " +
                    $"(scored {run.Report!.Images} vs {reference.Report!.Images}, failed {run.Report.Failed} vs {reference.Report.Failed}, " +
                    $"top-1 {run.Report.Top1Correct} vs {reference.Report.Top1Correct}, top-5 {run.Report.Top5Correct} vs {reference.Report.Top5Correct})");
                exit = 1;
            }
        }

        if (exit == 0)
        {
            console.Out.WriteLine($"counts identical across {Runs.Count} runs; slowest / fastest = {Runs.Max(r => r.Seconds) / fastest:F2}× (target ≤ 2×)");
        }

        return exit;
    }

    private static bool SameCounts(EvaluationReport a, EvaluationReport b) =>
        a.Images == b.Images && a.Failed == b.Failed && a.Top1Correct == b.Top1Correct && a.Top5Correct == b.Top5Correct
        && a.PerClass.Select(c => (c.Images, c.Top1Correct, c.Top5Correct)).SequenceEqual(b.PerClass.Select(c => (c.Images, c.Top1Correct, c.Top5Correct)));

    private async Task WriteImagesAsync(string data, CancellationToken cancellationToken)
    {
        for (var c = 0; c < Classes; c++)
        {
            Directory.CreateDirectory(Path.Combine(data, $"class_{c:D2}"));
        }

        await Parallel.ForAsync(0, images, cancellationToken, async (i, ct) =>
        {
            var c = i % Classes;
            await File.WriteAllBytesAsync(Path.Combine(data, $"class_{c:D2}", $"img_{i:D6}.jpg"), SyntheticImages.RenderJpeg(imageSize, imageSize, c, SyntheticImages.StableSeed(c, i)), ct);
        });
    }

    /// <summary>Runs this program again as a user would: its own executable, or <c>dotnet senet.dll</c>.</summary>
    private static async Task<(int ExitCode, string Errors)> EvaluateAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        // senet's own apphost (an installed tool), else the dotnet host on this assembly (dotnet run, or a test host).
        var self = typeof(ShardSizeBenchmark).Assembly.Location;
        var apphost = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == Path.GetFileNameWithoutExtension(self) ? path : null;
        var host = apphost ?? (Environment.ProcessPath is { } running && Path.GetFileNameWithoutExtension(running) == "dotnet" ? running : "dotnet");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (apphost is null)
        {
            start.ArgumentList.Add(self);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await output;
        return (process.ExitCode, await errors);
    }
}
