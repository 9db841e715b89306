using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

/// <summary>--shard-size auto: how many shards a lease carries, from the worker's measured images/s and what is left.</summary>
public sealed class LeaseSizerTests
{
    private const string Gpu = "127.0.0.1:1@1|cuda:0";
    private const string Cpu = "127.0.0.1:2@1|cpu:0";
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(10);

    [Fact]
    public void AWorkerNotMeasuredYetTakesOneShard()
    {
        var sizer = new LeaseSizer(Target);
        Assert.Equal(1, sizer.ShardsFor(Gpu, shardImages: 64, pendingImages: 1_000_000, planningDone: true));
    }

    [Fact]
    public void ALeaseHoldsAboutTenSecondsOfItsOwnDevicesWork()
    {
        var sizer = new LeaseSizer(Target);
        // 3,000 images/s on a GPU, 20 images/s on a CPU, each measured over one lease.
        sizer.Record(Gpu, 3_000, TimeSpan.FromSeconds(1), lanes: 1);
        sizer.Record(Cpu, 40, TimeSpan.FromSeconds(2), lanes: 1);

        // 30,000 images in shards of 64; 200 images (3 shards of 64, rounded down) on the CPU.
        Assert.Equal(468, sizer.ShardsFor(Gpu, 64, pendingImages: 100_000_000, planningDone: true));
        Assert.Equal(3, sizer.ShardsFor(Cpu, 64, pendingImages: 100_000_000, planningDone: true));
        // A CPU whose one shard takes longer than the target still gets one.
        Assert.Equal(1, sizer.ShardsFor(Cpu, 256, pendingImages: 100_000_000, planningDone: true));
    }

    [Fact]
    public void ARunIsCappedSoThatItsCompletionStaysASizeableMessage()
    {
        var sizer = new LeaseSizer(Target, maxShardsPerLease: 100);
        sizer.Record(Gpu, 100_000, TimeSpan.FromSeconds(1), lanes: 1);
        Assert.Equal(100, sizer.ShardsFor(Gpu, 1, pendingImages: long.MaxValue / 4, planningDone: true));
    }

    [Fact]
    public void NearTheEndLeasesShrinkToHalfTheQueuesTimeOnTheWholeCluster()
    {
        var sizer = new LeaseSizer(Target);
        sizer.Record(Gpu, 1_000, TimeSpan.FromSeconds(1), lanes: 2);
        sizer.Record(Cpu, 100, TimeSpan.FromSeconds(1), lanes: 1);
        Assert.Equal(2_100, sizer.ClusterImagesPerSecond);

        // 21,000 images queued: the cluster needs 10 s for them; a lease may take half of that, 5 s.
        Assert.Equal(5_000 / 10, sizer.ShardsFor(Gpu, 10, pendingImages: 21_000, planningDone: true));
        Assert.Equal(500 / 10, sizer.ShardsFor(Cpu, 10, pendingImages: 21_000, planningDone: true));
        // 2,100 queued: 0.5 s each; at the very end one shard.
        Assert.Equal(50, sizer.ShardsFor(Gpu, 10, pendingImages: 2_100, planningDone: true));
        Assert.Equal(1, sizer.ShardsFor(Gpu, 10, pendingImages: 10, planningDone: true));
        Assert.Equal(1, sizer.ShardsFor(Cpu, 10, pendingImages: 0, planningDone: true));
        // While planning still adds shards, the queue's length says nothing about the tail.
        Assert.Equal(500, sizer.ShardsFor(Gpu, 20, pendingImages: 10, planningDone: false));
    }

    [Fact]
    public void TheRateFollowsTheDevicesLatestLeases()
    {
        var sizer = new LeaseSizer(Target);
        sizer.Record(Gpu, 100, TimeSpan.FromSeconds(1), lanes: 1);
        sizer.Record(Gpu, 300, TimeSpan.FromSeconds(1), lanes: 1);
        Assert.Equal(200, sizer.ImagesPerSecond(Gpu));
        // An empty or instant lease says nothing.
        sizer.Record(Gpu, 0, TimeSpan.FromSeconds(1), lanes: 1);
        sizer.Record(Gpu, 10, TimeSpan.Zero, lanes: 1);
        Assert.Equal(200, sizer.ImagesPerSecond(Gpu));
        Assert.Null(sizer.ImagesPerSecond(Cpu));
    }
}
