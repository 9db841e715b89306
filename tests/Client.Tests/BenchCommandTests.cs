using System.Text.Json;

namespace SENet.Client.Tests;

public sealed class BenchCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("senet-bench-test-");

    [Fact]
    public async Task JsonHoldsEveryPrintedRowAndTheHeadlineFiguresByName()
    {
        var path = Path.Combine(_folder.FullName, "figures", "bench.json");

        var (exitCode, output, error) = await CliRunner.RunAsync("bench", "--device", "cpu", "--architecture", "seresnet18", "--images", "4",
            "--seconds", "0.01", "--batch-sizes", "2", "--e2e-images", "6", "--fp16", "--json", path);

        Assert.True(exitCode == 0, error);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var figures = document.RootElement.GetProperty("figures");
        Assert.Equal("CPUExecutionProvider", figures.GetProperty("execution_provider").GetString());
        Assert.Equal("seresnet18", figures.GetProperty("architecture").GetString());
        Assert.Equal(Environment.ProcessorCount, figures.GetProperty("cores").GetInt32());
        Assert.Equal(2, figures.GetProperty("best_batch").GetInt32());
        Assert.Equal(figures.GetProperty("inference_images_per_second_batch_2").GetDouble(), figures.GetProperty("best_images_per_second").GetDouble());
        Assert.Equal(6, figures.GetProperty("e2e_images").GetInt32());
        Assert.Equal(4, figures.GetProperty("fp16_images_compared").GetInt32());
        Assert.InRange(figures.GetProperty("fp16_top1_changed").GetInt32(), 0, 4);
        foreach (var positive in new[] { "decode_preprocess_ms_per_image", "e2e_images_per_second", "e2e_ideal_images_per_second", "fp16_images_per_second" })
        {
            Assert.True(figures.GetProperty(positive).GetDouble() > 0, positive);
        }

        var e2eStart = DateTimeOffset.FromUnixTimeMilliseconds((long)(figures.GetProperty("e2e_start_unix").GetDouble() * 1000));
        var e2eEnd = DateTimeOffset.FromUnixTimeMilliseconds((long)(figures.GetProperty("e2e_end_unix").GetDouble() * 1000));
        Assert.InRange(e2eStart, DateTimeOffset.UtcNow.AddMinutes(-10), e2eEnd);
        Assert.InRange(e2eEnd, e2eStart, DateTimeOffset.UtcNow);

        var rows = document.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("measure").GetString() == "end to end (engine pipeline), batch 2");
        Assert.All(rows, r => Assert.Contains(r.GetProperty("measure").GetString()!, output));
        Assert.Contains($"bench: figures written to {path}", error);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
