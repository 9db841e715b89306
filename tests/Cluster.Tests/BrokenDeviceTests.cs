using SENet.Contracts.Jobs;

namespace SENet.Cluster.Tests;

public sealed class BrokenDeviceTests(BrokenDeviceFixture fixture) : IClassFixture<BrokenDeviceFixture>
{
    [Fact]
    public async Task ASiloWhoseModelDoesNotLoadTakesNoLeasesAndTheReportSaysWhy()
    {
        var spec = fixture.Data.Spec("broken-device", shardSize: 8) with { DevicePolicy = DevicePolicy.Auto };

        var report = await JobDriver.RunAsync(fixture.Grains, "broken-device", spec);
        var status = await fixture.Grains.GetGrain<IEvaluationJobGrain>("broken-device").GetStatusAsync();

        Assert.Equal(fixture.Data.Images, report.Images + report.Failed);
        var broken = Assert.Single(status.Workers, w => w.Device == BrokenDeviceFixture.BrokenDevice);
        Assert.Equal((0, 0L), (broken.ShardsCompleted, broken.ImagesDone));
        Assert.Equal(0, status.ShardsRetried);
        var note = Assert.Single(report.Notes);
        Assert.Contains(BrokenDeviceFixture.BrokenDevice, note);
        Assert.Contains("did not load", note);
    }
}
