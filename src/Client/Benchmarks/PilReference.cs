using System.Diagnostics;
using System.Text.Json;

namespace SENet.Client.Benchmarks;

/// <summary>Runs tools/reference/bench_pil_torchvision.py (Debian's python3-torchvision) on the same files, when present.</summary>
public static class PilReference
{
    public const string Python = "/usr/bin/python3";

    public sealed record Figures(double DecodeMs, double FullMs, string Versions);

    public static async Task<(Figures? Figures, string? WhyNot)> MeasureAsync(string folder, int count, double seconds, CancellationToken cancellationToken)
    {
        var script = FindScript();
        if (script is null)
        {
            return (null, "tools/reference/bench_pil_torchvision.py not found (run from the repository)");
        }

        if (!File.Exists(Python))
        {
            return (null, $"{Python} not found (apt-get install python3-torchvision)");
        }

        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, folder, count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var json = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (process.ExitCode != 0 || json is null)
        {
            var reason = error.Contains("No module named", StringComparison.Ordinal) ? "python3-torchvision is not installed (apt-get install python3-torchvision)" : error.Trim();
            return (null, reason);
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var versions = string.Join(", ", new[] { "pil", "torchvision" }.Where(k => root.TryGetProperty(k, out _)).Select(k => $"{k} {root.GetProperty(k)}"));
        return (new Figures(root.GetProperty("pil_decode_ms").GetDouble(), root.GetProperty("pil_torchvision_ms").GetDouble(), versions), null);
    }

    private static string? FindScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "tools", "reference", "bench_pil_torchvision.py");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
