namespace SENet.Client.Tests;

/// <summary>The demo as a newcomer runs it: what it points at afterwards is still there.</summary>
public sealed class DemoFolderTests : IDisposable
{
    private readonly DirectoryInfo _workingDirectory = Directory.CreateTempSubdirectory("senet-demo-cwd-");

    [Fact]
    public async Task TheDemoKeepsItsFilesInAFolderItNamesAndSaysHowToRemoveThem()
    {
        await using var demo = DotnetProcess.Start(Path.Combine(AppContext.BaseDirectory, "senet.dll"),
            ["demo", "--classes", "2", "--images-per-class", "2", "--device", "cpu"], new Dictionary<string, string>(), _workingDirectory.FullName);

        Assert.True(await demo.WaitAsync(TimeSpan.FromMinutes(3)) == 0, demo.Output);
        var folder = Path.Combine(_workingDirectory.FullName, "senet-demo");
        Assert.Contains($"written: {Path.Combine(folder, "out")}", demo.Output);
        Assert.Contains($"rm -rf {folder}", demo.Output);
        Assert.True(File.Exists(Path.Combine(folder, "out", "report.html")));
        Assert.True(File.Exists(Path.Combine(folder, "out", "report.json")));
        Assert.True(File.Exists(Path.Combine(folder, "model.onnx")));
    }

    [Fact]
    public async Task TheDemoNeverWritesIntoAFolderOfSomeoneElsesFiles()
    {
        var folder = _workingDirectory.CreateSubdirectory("mine");
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "thesis.tex"), "precious");

        var (exitCode, _, stderr) = await CliRunner.RunAsync("demo", "--out", folder.FullName, "--classes", "2", "--images-per-class", "1", "--device", "cpu");

        Assert.Equal(1, exitCode);
        Assert.Contains("thesis.tex", stderr);
        Assert.Equal(["thesis.tex"], folder.GetFileSystemInfos().Select(f => f.Name));
    }

    public void Dispose() => _workingDirectory.Delete(recursive: true);
}
