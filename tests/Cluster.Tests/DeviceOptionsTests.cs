using SENet.Grains.Devices;

namespace SENet.Cluster.Tests;

public sealed class DeviceOptionsTests
{
    [Fact]
    public void AutomaticValuesGiveAGpuTwoSessionsAndTwoShardsAndTheCpuOne()
    {
        var automatic = new DeviceOptions();

        Assert.Equal((2, 2), (automatic.SessionsFor(gpu: true), automatic.ShardsInFlightFor(gpu: true)));
        Assert.Equal((1, 1), (automatic.SessionsFor(gpu: false), automatic.ShardsInFlightFor(gpu: false)));
        var set = new DeviceOptions { SessionsPerDevice = 3, ShardsInFlight = 4 };
        Assert.Equal((3, 1, 4), (set.SessionsFor(gpu: true), set.SessionsFor(gpu: false), set.ShardsInFlightFor(gpu: true)));
    }

    [Fact]
    public void GpusThatOnnxRuntimeCannotDriveAreNotOfferedTheCpuIsAndTheSiloSaysWhy()
    {
        var automatic = new DeviceOptions { CpuDevices = 2 };

        var usable = DeviceInventory.Discover(automatic, () => 2, () => null);
        var unusable = DeviceInventory.Discover(automatic, () => 2, () => "libcudnn.so.9: cannot open shared object file");
        var none = DeviceInventory.Discover(automatic, () => 0, () => throw new InvalidOperationException("no GPU: nothing to probe"));
        var listed = DeviceInventory.Discover(new DeviceOptions { List = "cuda:1" }, () => 2, () => "libcudnn.so.9: cannot open shared object file");

        Assert.Equal(["cuda:0", "cuda:1"], usable.Devices);
        Assert.Null(usable.Note);
        Assert.Equal(["cpu:0", "cpu:1"], unusable.Devices);
        Assert.Contains("the driver reports 2 GPU(s)", unusable.Note);
        Assert.Contains("libcudnn.so.9", unusable.Note);
        Assert.Equal(["cpu:0", "cpu:1"], none.Devices);
        Assert.Null(none.Note);
        // A list is the operator's word: kept as written, to fail loudly where it is wrong.
        Assert.Equal(["cuda:1"], listed.Devices);
    }

    [Fact]
    public void CudaSettingsBecomeTheEngines()
    {
        var settings = new CudaDeviceOptions { CudnnConvAlgoSearch = "HEURISTIC", MaxWorkspace = false, MemoryLimitMb = 512, UseTf32 = false }.ToSettings();

        Assert.Equal(new SENet.Evaluation.Models.CudaSettings("HEURISTIC", false, 512, false), settings);
    }

    [Fact]
    public void BadSettingsAreRefusedAtStartNamingTheKey()
    {
        var search = Assert.Throws<ArgumentException>(() => new DeviceOptions { Cuda = { CudnnConvAlgoSearch = "BEST" } }.Validate());
        var negative = Assert.Throws<ArgumentException>(() => new DeviceOptions { SessionsPerDevice = -1 }.Validate());
        var reads = Assert.Throws<ArgumentException>(() => new DeviceOptions { ReadConcurrency = -2 }.Validate());

        Assert.Contains("SENet:Devices:Cuda:CudnnConvAlgoSearch", search.Message);
        Assert.Contains("SessionsPerDevice (-1)", negative.Message);
        Assert.Contains("ReadConcurrency (-2)", reads.Message);
        Assert.Equal((8, 32), (new DeviceOptions().EffectiveReadConcurrency, new DeviceOptions { ReadConcurrency = 32 }.EffectiveReadConcurrency));
    }
}
