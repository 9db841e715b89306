using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SENet.Evaluation.Telemetry;

namespace SENet.Silo.Hosting;

/// <summary>OpenTelemetry for a silo: SENet's meter and spans, Orleans' own meter and activity sources, .NET runtime metrics.</summary>
public static class TelemetryHosting
{
    public static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Lifecycle", "Microsoft.Orleans.Storage"];

    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The path of the Prometheus scrape endpoint (deploy/ manifests annotate pods with it).</summary>
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddSenetTelemetry(this IServiceCollection services, TelemetryOptions options, string instance)
    {
        if (!options.Enabled)
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: instance))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(EvaluationTelemetry.Name, OrleansMeter).AddRuntimeInstrumentation();
                if (options.PrometheusPort is { } port)
                {
                    metrics.AddPrometheusHttpListener(o =>
                    {
                        o.Host = options.PrometheusOnAllInterfaces ? "+" : "localhost";
                        o.Port = port;
                        o.ScrapeEndpointPath = MetricsPath;
                        if (!options.PrometheusOnAllInterfaces)
                        {
                            // HttpListener matches the request's Host header against its prefixes: with 'localhost' alone, a
                            // Prometheus scraping 127.0.0.1:PORT (its own loopback target) got 404 on every scrape.
                            o.ConfigureHttpListener = static (exporter, listener) => listener.Prefixes.Add($"http://127.0.0.1:{exporter.Port}{MetricsPath}/");
                        }
                    });
                }

                if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(options.OtlpEndpoint));
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(EvaluationTelemetry.Name).AddSource(OrleansActivitySources);
                if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = new Uri(options.OtlpEndpoint));
                }
            });
        return services;
    }
}
