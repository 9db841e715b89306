using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SENet.Silo.Hosting;

namespace SENet.Silo.Tests.Dashboards;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package) on a loopback port, with its own configuration and storage in a
/// temporary folder, scraping one target twice a second; queried through its HTTP API.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What Prometheus logged, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<PrometheusServer> StartAsync(int scrapedPort, TimeSpan readyWithin)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: apt-get install prometheus (test.sh does)");
        var folder = Directory.CreateTempSubdirectory("senet-prometheus-").FullName;
        var config = Path.Combine(folder, "prometheus.yml");
        // The same job as deploy/prometheus/prometheus.yml, pointed at the test's silo and scraped fast enough to see a short job.
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 500ms
              scrape_timeout: 400ms
            scrape_configs:
              - job_name: senet-silos
                metrics_path: {TelemetryHosting.MetricsPath}
                static_configs:
                  - targets: ["127.0.0.1:{scrapedPort}"]
            """);
        var port = FreePorts.Take(1)[0];
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var argument in new[]
        {
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var server = new PrometheusServer(Process.Start(start)!, folder, port);
        var deadline = DateTime.UtcNow + readyWithin;
        while (true)
        {
            try
            {
                using var ready = await server._http.GetAsync("-/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (server._process.HasExited || DateTime.UtcNow > deadline)
            {
                var log = server.Log;
                await server.DisposeAsync();
                throw new InvalidOperationException($"Prometheus did not become ready: {log}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>An instant query at the latest sample: the series it returns.</summary>
    public Task<IReadOnlyList<PrometheusSeries>> QueryAsync(string query) =>
        GetSeriesAsync($"api/v1/query?query={Uri.EscapeDataString(query)}");

    /// <summary>
    /// A range query evaluated every half second (the scrape interval) over [<paramref name="from"/>, <paramref name="to"/>]:
    /// each series with its values. The steps count back from <paramref name="to"/>, so the last one sees the latest scrape.
    /// </summary>
    public Task<IReadOnlyList<PrometheusSeries>> QueryRangeAsync(string query, DateTimeOffset from, DateTimeOffset to)
    {
        const long stepMilliseconds = 500;
        var end = to.ToUnixTimeMilliseconds();
        var start = end - ((end - from.ToUnixTimeMilliseconds() + stepMilliseconds - 1) / stepMilliseconds * stepMilliseconds);
        return GetSeriesAsync(string.Create(CultureInfo.InvariantCulture,
            $"api/v1/query_range?query={Uri.EscapeDataString(query)}&start={start / 1000.0:0.000}&end={end / 1000.0:0.000}&step={stepMilliseconds / 1000.0:0.0}"));
    }

    private async Task<IReadOnlyList<PrometheusSeries>> GetSeriesAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Prometheus refused {Uri.UnescapeDataString(path)}: {body}");
        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.GetProperty("data");
        var series = new List<PrometheusSeries>();
        foreach (var result in data.GetProperty("result").EnumerateArray())
        {
            var labels = result.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            var samples = result.TryGetProperty("values", out var values) ? values.EnumerateArray().ToList() : [result.GetProperty("value")];
            // Prometheus writes sample values as strings: "NaN", "+Inf" and numbers.
            series.Add(new PrometheusSeries(labels, samples.Select(s => double.Parse(s[1].GetString()!, CultureInfo.InvariantCulture)).ToList()));
        }

        return series;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
