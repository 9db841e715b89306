using System.Diagnostics;

namespace SENet.Silo.Tests.Dashboards;

/// <summary>
/// Chromium without a display, as the HTML report's test runs it (test.sh installs /usr/bin/chromium): no sandbox, no
/// GPU, nothing fetched but the page, a new empty profile each run. A JavaScript page is given virtual time to render.
/// </summary>
public static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    private static readonly TimeSpan VirtualTime = TimeSpan.FromSeconds(10);

    /// <summary>The page's DOM once its scripts have had <see cref="VirtualTime"/> to run.</summary>
    public static async Task<string> DumpDomAsync(string url, string profile) => (await RunAsync(profile, "--dump-dom", url)).Output;

    /// <summary>A PNG of the page, <paramref name="width"/> by <paramref name="height"/>, once its scripts have run; chromium's log if it wrote none.</summary>
    public static async Task<string> ScreenshotAsync(string url, string profile, string png, int width, int height)
    {
        var (_, log) = await RunAsync(profile, $"--screenshot={png}", $"--window-size={width},{height}", url);
        return log;
    }

    private static async Task<(string Output, string Log)> RunAsync(string profile, params string[] arguments)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: apt-get install chromium (test.sh does)");
        var start = new ProcessStartInfo(Path) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}",
            $"--virtual-time-budget={(int)VirtualTime.TotalMilliseconds}",
        }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var chromium = Process.Start(start)!;
        var output = chromium.StandardOutput.ReadToEndAsync();
        var log = chromium.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await chromium.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            chromium.Kill(entireProcessTree: true);
            throw;
        }

        return (await output, await log);
    }
}
