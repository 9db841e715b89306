using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using Azure.Storage.Sas;
using OpenTelemetry;
using OpenTelemetry.Trace;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Telemetry;
using SENet.Tests.Storage;

namespace SENet.Cluster.Tests;

/// <summary>A job run with known secrets (an account key, a SAS signature): none of them may surface anywhere.</summary>
public sealed class SecretsTests(BlobClusterFixture fixture) : IClassFixture<BlobClusterFixture>
{
    [Fact]
    public async Task NoSecretAppearsInLogsTracesMetricsReportsOrErrors()
    {
        var sas = fixture.Container("datasets").GenerateSasUri(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
        var signature = System.Web.HttpUtility.ParseQueryString(sas.Query)["sig"]!;
        var sasData = $"{sas.GetLeftPart(UriPartial.Path)}/val{sas.Query}";
        var sasModel = $"{sas.GetLeftPart(UriPartial.Path)}/models/model.onnx{sas.Query}";
        var seen = new StringBuilder();
        var spans = new List<Activity>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name is EvaluationTelemetry.Name or "Microsoft.Orleans")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(seen, instrument, tags));
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(seen, instrument, tags));
        meters.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(seen, instrument, tags));
        meters.Start();

        using (Sdk.CreateTracerProviderBuilder().AddSource(EvaluationTelemetry.Name).AddSource("Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime").AddInMemoryExporter(spans).Build())
        {
            var spec = fixture.Data.Spec("secrets", shardSize: 32) with { DataPath = sasData, ModelPath = sasModel, OutputFolder = fixture.OutputUrl("secrets") };
            await JobDriver.RunAsync(fixture.Grains, "secrets", spec);
            // The same SAS aimed at a container it does not grant: the refusal names the place, never the signature.
            var elsewhere = sasData.Replace("/datasets/", "/nosuchcontainer/", StringComparison.Ordinal);
            var refused = await Assert.ThrowsAsync<JobRejectedException>(() =>
                fixture.Grains.GetGrain<IEvaluationJobGrain>("secrets-refused").StartAsync(spec with { DataPath = elsewhere, OutputFolder = fixture.OutputUrl("secrets-refused") }));
            seen.AppendLine(refused.ToString());
            Assert.Contains("nosuchcontainer", refused.Message);
        }

        foreach (var span in spans)
        {
            seen.AppendLine($"{span.DisplayName} {string.Join(' ', span.TagObjects.Select(t => $"{t.Key}={t.Value}"))} {string.Join(' ', span.Events.Select(e => e.Name))} {span.StatusDescription}");
        }

        seen.AppendJoin('\n', fixture.Logs.Lines);
        seen.AppendLine(JsonSerializer.Serialize(await fixture.Grains.GetGrain<IEvaluationJobGrain>("secrets").GetStatusAsync()));
        seen.AppendLine(JsonSerializer.Serialize(await fixture.Grains.GetGrain<IJobRegistryGrain>(0).ListAsync()));
        var results = await fixture.Grains.GetGrain<IEvaluationJobGrain>("secrets").GetResultsAsync();
        seen.AppendLine(results!.ReportJson).AppendLine(results.ResultsCsv).AppendLine(results.OutputFolder);
        await foreach (var blob in fixture.Container("results").GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "secrets/" }))
        {
            seen.AppendLine(blob.Name).AppendLine((await fixture.Container("results").GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
        }

        var everything = seen.ToString();
        Assert.Contains("senet.shard", everything);
        Assert.Contains("\"images\":", everything);
        Assert.DoesNotContain(signature, everything);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), everything);
        Assert.DoesNotContain(Azurite.AccountKey, everything);
    }

    [Fact]
    public async Task AGatewayClientCallingTheGrainsDirectlyReadsNoJobsSecret()
    {
        var sas = fixture.Container("datasets").GenerateSasUri(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
        var signature = System.Web.HttpUtility.ParseQueryString(sas.Query)["sig"]!;
        var spec = fixture.Data.Spec("direct", shardSize: 32) with
        {
            DataPath = $"{sas.GetLeftPart(UriPartial.Path)}/val{sas.Query}",
            ModelPath = $"{sas.GetLeftPart(UriPartial.Path)}/models/model.onnx{sas.Query}",
            OutputFolder = fixture.OutputUrl("direct"),
        };
        // The workers still open the SAS locations: the job completes.
        await JobDriver.RunAsync(fixture.Grains, "direct", spec);
        // The fixture's client is a gateway client like any other user's: everything it can ask the grains directly.
        var job = fixture.Grains.GetGrain<IEvaluationJobGrain>("direct");
        var clientSpec = await job.GetSpecAsync();
        var seen = new StringBuilder()
            .AppendLine(JsonSerializer.Serialize(clientSpec))
            .AppendLine(JsonSerializer.Serialize(await job.GetStatusAsync()))
            .AppendLine(JsonSerializer.Serialize(await job.GetResultsAsync()))
            .AppendLine(JsonSerializer.Serialize(await fixture.Grains.GetGrain<IJobRegistryGrain>(0).ListAsync()))
            .ToString();

        Assert.EndsWith("/val?<redacted>", clientSpec!.DataPath);
        Assert.EndsWith("/models/model.onnx?<redacted>", clientSpec.ModelPath);
        Assert.DoesNotContain(signature, seen);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), seen);
        // The workers' own copy of the spec, and the raw stored job record, answer silos only.
        var workSpec = await Assert.ThrowsAnyAsync<Exception>(() => job.GetWorkSpecAsync());
        Assert.Contains("answers only the cluster's silos", workSpec.Message);
        var stored = await Assert.ThrowsAnyAsync<Exception>(() =>
            fixture.Grains.GetGrain<Orleans.Storage.IMemoryStorageGrain>(0).ReadStateAsync<ReadOnlyMemory<byte>>($"job/{job.GetGrainId()}"));
        Assert.Contains("answers only the cluster's silos", stored.Message);
    }

    private static void Record(StringBuilder seen, Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (seen)
        {
            seen.Append(instrument.Name);
            foreach (var tag in tags)
            {
                seen.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
            }

            seen.AppendLine();
        }
    }
}
