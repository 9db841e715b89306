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

        Assert.Contains("SENet:Devices:Cuda:CudnnConvAlgoSearch", search.Message);
        Assert.Contains("SessionsPerDevice (-1)", negative.Message);
    }
}
