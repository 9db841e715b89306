using System.Globalization;
using System.Text.RegularExpressions;
using SENet.Silo.Hosting;

namespace SENet.Client.Tests;

/// <summary>The silo program as an operator starts it: from any folder, on ports that may be taken, asked for help.</summary>
public sealed partial class SiloProcessTests : IDisposable
{
    private static readonly Dictionary<string, string> NoEnvironment = [];
    private readonly DirectoryInfo _elsewhere = Directory.CreateTempSubdirectory("senet-silo-cwd-");

    [Fact]
    public async Task ASiloStartedFromAnotherFolderReadsItsOwnAppSettingsAndTimestampsItsLog()
    {
        var ports = FreePorts.Take(2).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();

        // The working directory holds no appsettings.json, as the repository root holds none: the program's own is read.
        await using var silo = DotnetProcess.Start(DotnetProcess.PathOf("senet-silo.dll"),
            [$"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", $"--SENet:Silo:ClusterId=cwd-{Guid.NewGuid():N}", "--SENet:Devices:List=cpu:0"],
            NoEnvironment, _elsewhere.FullName);
        Assert.True(await silo.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(90)), silo.Output);

        var entries = silo.Output.Split('\n').Where(l => LogLevelPrefix().IsMatch(l)).ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, l => Assert.Matches(TimestampedEntry(), l));
        Assert.DoesNotContain(entries, l => l.Contains("info: Orleans.", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(DotnetProcess.PathOf("senet-silo.dll"))!, "appsettings.json")), "the silo's appsettings.json is not beside the program");
        Assert.Empty(_elsewhere.GetFileSystemInfos());
    }

    [Fact]
    public async Task ASecondSiloOnTakenPortsRefusesToStartNamingThePortAndItsHolder()
    {
        var ports = FreePorts.Take(2).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[] arguments = [$"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", $"--SENet:Silo:ClusterId=taken-{Guid.NewGuid():N}", "--SENet:Devices:List=cpu:0"];
        await using var first = DotnetProcess.Start("senet-silo.dll", arguments, NoEnvironment);
        Assert.True(await first.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(90)), first.Output);

        await using var second = DotnetProcess.Start("senet-silo.dll", arguments, NoEnvironment);
        var exitCode = await second.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Contains($"SENet:Silo:SiloPort={ports[0]}: port {ports[0]} is already in use by process {first.Id}", second.Output);
        Assert.Contains($"SENet:Silo:GatewayPort={ports[1]}", second.Output);
        Assert.Contains("senet-silo.dll", second.Output);
        Assert.DoesNotContain("Application started", second.Output);
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task ASettingCheckedAsTheSiloStartsIsRefusedInOneLineNamingTheKey()
    {
        var ports = FreePorts.Take(2).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
        await using var silo = DotnetProcess.Start("senet-silo.dll",
            [$"--SENet:Silo:SiloPort={ports[0]}", $"--SENet:Silo:GatewayPort={ports[1]}", "--SENet:Devices:List=cpu:0", "--SENet:JobState:OverlayLimit=0"], NoEnvironment);

        Assert.Equal(1, await silo.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("error: SENet:JobState:OverlayLimit=0 must be 1 or more", silo.Output);
        Assert.DoesNotContain("Unhandled exception", silo.Output);
        Assert.DoesNotContain("   at ", silo.Output);
        Assert.DoesNotContain("Application started", silo.Output);
    }

    [Fact]
    public async Task HelpPrintsTheSilosSettingsInsteadOfStartingOne()
    {
        await using var help = DotnetProcess.Start("senet-silo.dll", ["--help"], NoEnvironment);

        Assert.Equal(0, await help.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--SENet:Silo:SiloPort=11111", help.Output);
        Assert.Contains("--SENet:Devices:List=", help.Output);
        Assert.Contains("Example:", help.Output);
        Assert.DoesNotContain("info:", help.Output);
        Assert.DoesNotContain("Application started", help.Output);
    }

    [Fact]
    public void HelpNamesEverySettingTheSiloReads()
    {
        var sections = new (string Section, Type Options)[]
        {
            (SiloOptions.Section, typeof(SiloOptions)), (Grains.Devices.DeviceOptions.Section, typeof(Grains.Devices.DeviceOptions)),
            (TelemetryOptions.Section, typeof(TelemetryOptions)), (Evaluation.Storage.StorageOptions.Section, typeof(Evaluation.Storage.StorageOptions)),
            (Grains.Jobs.JobStateOptions.Section, typeof(Grains.Jobs.JobStateOptions)),
        };

        foreach (var (section, options) in sections)
        {
            foreach (var property in options.GetProperties().Where(p => p.CanWrite))
            {
                Assert.Contains($"{section}:{property.Name}", SiloHelp.Text);
            }
        }
    }

    public void Dispose() => _elsewhere.Delete(recursive: true);

    [GeneratedRegex(@"\b(trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex LogLevelPrefix();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex TimestampedEntry();
}
