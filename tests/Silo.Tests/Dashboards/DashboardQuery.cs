using System.Text.Json;
using System.Text.RegularExpressions;

namespace SENet.Silo.Tests.Dashboards;

/// <summary>One query of a Grafana panel, with the labels the panel shows (its legend's <c>{{label}}</c>s and its <c>by</c> clauses).</summary>
public sealed partial record DashboardQuery(string Panel, string Expression, IReadOnlyList<string> Labels)
{
    public static IReadOnlyList<DashboardQuery> ReadAll(string dashboardFile)
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(dashboardFile));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray().Select(target =>
            {
                var expression = target.GetProperty("expr").GetString()!;
                var legend = target.TryGetProperty("legendFormat", out var format) ? format.GetString() ?? "" : "";
                // histogram_quantile consumes 'le': it groups the buckets, it is no label of the result.
                var labels = LegendLabel().Matches(legend).Select(m => m.Groups[1].Value)
                    .Concat(ByClause().Matches(expression).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
                    .Where(l => l != "le").Distinct(StringComparer.Ordinal).ToList();
                return new DashboardQuery(panel.GetProperty("title").GetString()!, expression, labels);
            }))
            .ToList();
    }

    public override string ToString() => $"'{Panel}': {Expression}";

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex LegendLabel();

    [GeneratedRegex(@"\bby\s*\(([^)]*)\)")]
    private static partial Regex ByClause();
}
