using Microsoft.Extensions.Options;

namespace SENet.Silo.Hosting;

/// <summary>Refuses <c>SENet:Telemetry</c> settings no exporter can use, naming the key and what is allowed.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, port) in new (string, int?)[] { ("PrometheusPort", options.PrometheusPort), ("DashboardPort", options.DashboardPort) })
        {
            if (port is { } number && number is < 1 or > 65535)
            {
                failures.Add($"{TelemetryOptions.Section}:{key}={number} is not a port: use 1 to 65535 (9464 is Prometheus' usual one), or leave it unset for none.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint)
            && (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var otlp) || otlp.Scheme is not ("http" or "https")))
        {
            failures.Add($"{TelemetryOptions.Section}:OtlpEndpoint '{options.OtlpEndpoint}' is not an http(s) address: use e.g. http://localhost:4317, or leave it unset for none.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add($"{TelemetryOptions.Section}:ServiceName must not be empty (metrics and traces carry it as service.name; default senet-silo).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
