using System.Text.Json;
using System.Text.RegularExpressions;

namespace SENet.Silo.Tests;

[Collection(ProcessTelemetryCollection.Name)]
public sealed partial class ScrapeTests(TelemetryFixture fixture) : IClassFixture<TelemetryFixture>
{
    [Fact]
    public async Task EveryMetricTheDashboardQueriesIsExportedWithTheAttributesItGroupsBy()
    {
        var scrape = (await fixture.ScrapeAsync()).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryFiles.Path("deploy", "grafana", "dashboards", "senet.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.True(queries.Count >= 12);

        var checkedMetrics = 0;
        foreach (var query in queries)
        {
            var labels = ByClause().Matches(query).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries))
                .Concat(Matcher().Matches(query).Select(m => m.Groups[1].Value)).Distinct().ToList();
            var withoutLabels = Selector().Replace(ByClause().Replace(query, ""), "");
            foreach (var metric in MetricName().Matches(withoutLabels).Select(m => m.Value).Distinct())
            {
                var series = scrape.Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal)).ToList();
                Assert.True(series.Count > 0, $"'{metric}' (query: {query}) is not exported");
                foreach (var label in labels)
                {
                    Assert.True(series.Any(s => s.Contains(label + "=\"", StringComparison.Ordinal)), $"'{metric}' has no series with label '{label}' (query: {query})");
                }

                checkedMetrics++;
            }
        }

        Assert.True(checkedMetrics >= 14, $"only {checkedMetrics} metric references checked");
    }

    [Fact]
    public async Task ScoredAndFailedImagesAreCountedPerDeviceAndSilo()
    {
        var scrape = await fixture.ScrapeAsync();

        var ok = Sum(scrape, "senet_images_total", "senet_outcome=\"ok\"");
        var failed = Sum(scrape, "senet_images_total", "senet_outcome=\"failed\"");

        Assert.Equal(18, ok);
        Assert.Equal(1, failed);
        Assert.Contains("senet_device=\"cpu:1\"", scrape);
        Assert.Contains("senet_silo=\"", scrape);
        Assert.Contains("orleans_app_requests_latency_milliseconds_bucket", scrape);
        Assert.Contains("dotnet_gc_collections_total", scrape);
    }

    [Fact]
    public async Task TheSiloLabelIsTheAddressTheCliPrints()
    {
        var scrape = await fixture.ScrapeAsync();
        var hosts = await fixture.Cluster.Grains.GetGrain<Orleans.Runtime.IManagementGrain>(0).GetHosts(onlyActive: true);

        // 'senet silos' and 'senet status' print each silo as its parsable address (127.0.0.1:11111@154813979).
        var address = Assert.Single(hosts.Keys).ToParsableString();
        var labels = SiloLabel().Matches(scrape).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal([address], labels);
    }

    private static double Sum(string scrape, string metric, string matcher) =>
        scrape.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains(matcher, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex("senet_silo=\"([^\"]*)\"")]
    private static partial Regex SiloLabel();

    [GeneratedRegex(@"\b(?:by|without)\s*\(([^)]*)\)")]
    private static partial Regex ByClause();

    [GeneratedRegex(@"([a-z_]+)\s*(?:=~|!=|!~|=)\s*""")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"\b(?:senet|orleans|dotnet)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
