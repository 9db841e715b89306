namespace SENet.Silo.Tests.Dashboards;

/// <summary>One series of a Prometheus query result: its labels and its sample values (NaN where a quantile had no data).</summary>
public sealed record PrometheusSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<double> Values);
