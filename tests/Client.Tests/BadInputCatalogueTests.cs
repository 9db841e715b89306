using System.Diagnostics;
using SENet.Evaluation.Datasets;
using SENet.Evaluation.Metrics;
using SENet.Evaluation.Models;
using SENet.Evaluation.Tests.Imaging;
using SENet.Evaluation.Tests.Models;
using SENet.Grains.Devices;
using SENet.Silo.Hosting;

namespace SENet.Client.Tests;

/// <summary>
/// The bad-input catalogue: every adversarial file of issue 14 in one dataset, and every hostile job, run through
/// `evaluate` (the embedded silo) and through a 3-silo cluster (`submit`, `watch`, `results`). No process dies, every
/// bad image is named with its reason, every good image gets the prediction a clean run gives it, every hostile job is
/// refused naming its problem, and no secret or outside file's content appears in any output, log or error.
/// </summary>
public sealed class BadInputCatalogueTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("senet-catalogue-");

    /// <summary>File name → why it must fail (a word its reason contains).</summary>
    private static readonly Dictionary<string, string> BadImages = new()
    {
        ["class0/cut-after-sof.jpg"] = "JPEG",
        ["class0/cut-in-huffman-table.jpg"] = "JPEG",
        ["class0/cut-in-scan.jpg"] = "truncated",
        ["class0/zero-bytes.jpg"] = "empty",
        ["class0/not-an-image.png"] = "not a recognised image",
        ["class0/fifo.jpg"] = "not a regular file",
        ["class0/sparse-3gb.jpg"] = "over the limit",
        ["class0/link-to-secret.jpg"] = "outside the dataset",
        ["class1/png_bad_ihdr_crc.png"] = "CRC",
    };

    /// <summary>Damaged or awkward but decodable as PIL decodes them: scored like any good image.</summary>
    private static readonly string[] Decodable =
        ["jpeg_extraneous_before_eoi.jpg", "jpeg_extraneous_before_sos.jpg", "jpeg_flipped_scan_byte.jpg", "png_bad_idat_crc.png", "png_gray16_16x24.png", "png_rgb16_12x10.png"];

    [Fact]
    public async Task EveryBadInputFailsAloneWithItsReasonAndEveryGoodImageKeepsItsPrediction()
    {
        var (secret, secretFile) = await WriteSecretAsync();
        var model = Path.Combine(_folder.FullName, "m.onnx");
        await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 2, InputSize: 32)));
        var clean = Path.Combine(_folder.FullName, "clean");
        var dirty = Path.Combine(_folder.FullName, "dirty");
        foreach (var root in new[] { clean, dirty })
        {
            WriteGoodImages(root);
        }

        WriteBadImages(dirty, secretFile);
        string[] common = ["--model", model, "--device", "cpu", "--batch-size", "4", "--shard-size", "5", "--max-file-bytes", "10000000"];

        var cleanRun = await EvaluateAsync(clean, common);
        var embedded = await EvaluateAsync(dirty, common);
        var goodCount = cleanRun.Predictions.Count;
        Assert.Equal(goodCount, embedded.Report.Images);
        AssertCatalogue(cleanRun, embedded, secret);

        await using var cluster = await EmbeddedCluster.StartAsync(new DeviceOptions { List = "cpu:0" }, silos: 3);
        string[] connection = ["--gateway", cluster.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-id", cluster.ClusterId, "--service-id", cluster.ClusterId];
        var output = Path.Combine(_folder.FullName, "cluster-out");
        var submit = await CliRunner.RunAsync(["submit", "--job-id", "catalogue", "--data", dirty, "--out", output, "--device-policy", "cpu", .. common.Where(a => a is not "--device" and not "cpu"), .. connection]);
        Assert.True(submit.ExitCode == 0, submit.Error);
        var watch = await CliRunner.RunAsync(["watch", "catalogue", .. connection]);
        Assert.True(watch.ExitCode == 0, watch.Error);
        var fetched = Path.Combine(_folder.FullName, "cluster-results");
        var results = await CliRunner.RunAsync(["results", "catalogue", "--out", fetched, .. connection]);
        Assert.True(results.ExitCode == 0, results.Error);
        var onCluster = Read(fetched, output, submit.Output + submit.Error + watch.Output + watch.Error + results.Output + results.Error);
        AssertCatalogue(cleanRun, onCluster, secret);
        var silos = await CliRunner.RunAsync(["silos", .. connection]);
        Assert.True(silos.ExitCode == 0, silos.Error);
        Assert.Equal(3, silos.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task EveryHostileJobIsRefusedBeforeAnyWorkNamingTheProblemAndLeakingNothing()
    {
        var (secret, secretFile) = await WriteSecretAsync();
        var data = Path.Combine(_folder.FullName, "data");
        WriteGoodImages(data);
        var models = Directory.CreateDirectory(Path.Combine(_folder.FullName, "models")).FullName;
        var model = Path.Combine(models, "m.onnx");
        await File.WriteAllBytesAsync(model, SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 2, InputSize: 32)));
        var climbing = Path.Combine(models, "climbing.onnx");
        await File.WriteAllBytesAsync(climbing, ExternalModels.Leaking("../secret.txt"));
        var absolute = Path.Combine(models, "absolute.onnx");
        await File.WriteAllBytesAsync(absolute, ExternalModels.Leaking(secretFile));
        var taken = Path.Combine(_folder.FullName, "taken");
        var first = await CliRunner.RunAsync("evaluate", "--data", data, "--model", model, "--device", "cpu", "--out", taken);
        Assert.True(first.ExitCode == 0, first.Error);

        // Each job: its arguments, and a phrase its refusal must hold.
        (string[] Arguments, string Says)[] jobs =
        [
            (["--model", "/dev/zero"], "not a regular file"),
            (["--model", climbing], "external"),
            (["--model", absolute], "external"),
            (["--model", model, "--labels", secretFile], "line 1"),
            (["--model", model, "--batch-size", "1000000"], "impossible"),
            (["--model", model, "--crop-pct", "NaN"], "--crop-pct"),
            (["--model", model, "--max-pixels", "0"], "--max-pixels"),
            (["--model", model, "--out", taken], "holds job"),
        ];

        await using var cluster = await EmbeddedCluster.StartAsync(new DeviceOptions { List = "cpu:0" }, silos: 3);
        string[] connection = ["--gateway", cluster.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-id", cluster.ClusterId, "--service-id", cluster.ClusterId];
        foreach (var (arguments, says) in jobs)
        {
            var embedded = await CliRunner.RunAsync(["evaluate", "--data", data, "--device", "cpu", .. arguments]);
            var submitted = await CliRunner.RunAsync(["submit", "--data", data, "--device-policy", "cpu", .. arguments, .. connection]);
            foreach (var (how, (exitCode, output, error)) in new[] { ("evaluate", embedded), ("submit to 3 silos", submitted) })
            {
                var job = $"{how} {string.Join(' ', arguments)}";
                Assert.True(exitCode == 1, $"{job}: exit {exitCode}\n{output}\n{error}");
                Assert.Contains(says, error, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(secret, output + error);
                Assert.DoesNotContain("AccountKey", output + error);
            }
        }

        var silos = await CliRunner.RunAsync(["silos", .. connection]);
        Assert.Equal(3, silos.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    /// <summary>A file outside every dataset holding a key-like secret that must never be read back into any output.</summary>
    private async Task<(string Secret, string File)> WriteSecretAsync()
    {
        var secret = $"SECRET-{Guid.NewGuid():N}";
        var file = Path.Combine(_folder.FullName, "secret.txt");
        await File.WriteAllTextAsync(file, $"AccountKey={secret}\n");
        return (secret, file);
    }

    private static void AssertCatalogue(Run clean, Run run, string secret)
    {
        Assert.Equal("completed", run.Report.State);
        var failures = run.Report.Failures.ToDictionary(f => f.ImageId, f => f.Reason);
        foreach (var (image, why) in BadImages)
        {
            Assert.True(failures.TryGetValue(image, out var reason), $"{image} is not among the failures: {string.Join("; ", failures.Keys)}");
            Assert.Contains(why, reason, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(BadImages.Count, run.Report.Failed);
        Assert.Equal(clean.Predictions.Keys.Order(StringComparer.Ordinal), run.Predictions.Keys.Order(StringComparer.Ordinal));
        foreach (var (image, prediction) in clean.Predictions)
        {
            var other = run.Predictions[image];
            Assert.True(prediction.Classes == other.Classes, $"{image}: top-5 {other.Classes} in the catalogue run, {prediction.Classes} in the clean run");
            Assert.True(prediction.Probabilities.Zip(other.Probabilities).All(p => Math.Abs(p.First - p.Second) <= 2e-6), $"{image}: probabilities differ");
        }

        Assert.DoesNotContain(secret, run.EverythingWritten);
    }

    private async Task<Run> EvaluateAsync(string data, string[] common)
    {
        var output = Path.Combine(_folder.FullName, Path.GetFileName(data) + "-out");
        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(["evaluate", "--data", data, "--out", output, .. common]);
        Assert.True(exitCode == 0, stderr);
        return Read(output, output, stdout + stderr);
    }

    private static Run Read(string results, string outputs, string console)
    {
        var report = ReportWriter.FromJson(File.ReadAllText(Path.Combine(results, "report.json")));
        var predictions = new Dictionary<string, (string Classes, double[] Probabilities)>();
        foreach (var part in Directory.GetFiles(Path.Combine(outputs, "predictions"), "shard-*.csv"))
        {
            foreach (var row in File.ReadAllLines(part).Skip(1).Select(l => l.Split(',')))
            {
                predictions.Add(row[0], (string.Join(' ', row[2..7]), [.. row[7..12].Where(p => p.Length > 0).Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture))]));
            }
        }

        var written = string.Concat(Directory.GetFiles(outputs, "*", SearchOption.AllDirectories).Concat(Directory.GetFiles(results, "*", SearchOption.AllDirectories)).Select(File.ReadAllText));
        return new Run(report, predictions, written + console);
    }

    private static void WriteGoodImages(string root)
    {
        for (var i = 0; i < 6; i++)
        {
            Write(root, $"class0/a{i:D2}.jpg", SyntheticImages.RenderJpeg(72, 56, 0, i));
            Write(root, $"class1/b{i:D2}.jpg", SyntheticImages.RenderJpeg(72, 56, 1, 10 + i));
        }

        Write(root, "class1/.hidden.jpg", SyntheticImages.RenderJpeg(64, 64, 1, 99));
        foreach (var name in Decodable)
        {
            Write(root, $"class1/{name}", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "damaged", name)));
        }
    }

    private static void WriteBadImages(string root, string secretFile)
    {
        var jpeg = SyntheticImages.RenderJpeg(120, 90, 0, 42);
        Write(root, "class0/cut-after-sof.jpg", BrokenJpegs.Cut(jpeg, "after-SOF"));
        Write(root, "class0/cut-in-huffman-table.jpg", BrokenJpegs.Cut(jpeg, "inside-Huffman-table"));
        Write(root, "class0/cut-in-scan.jpg", BrokenJpegs.Cut(jpeg, "inside-scan"));
        Write(root, "class0/zero-bytes.jpg", []);
        Write(root, "class0/not-an-image.png", "%PDF-1.4 a document"u8.ToArray());
        Write(root, "class1/png_bad_ihdr_crc.png", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "damaged", "png_bad_ihdr_crc.png")));
        using (var sparse = File.Create(Path.Combine(root, "class0/sparse-3gb.jpg")))
        {
            sparse.SetLength(3L << 30);
        }

        File.CreateSymbolicLink(Path.Combine(root, "class0/link-to-secret.jpg"), secretFile);
        Directory.CreateSymbolicLink(Path.Combine(root, "class1/loop"), "..");
        Directory.CreateSymbolicLink(Path.Combine(root, "class1/outside"), Path.GetDirectoryName(secretFile)!);
        using var mkfifo = Process.Start("mkfifo", [Path.Combine(root, "class0/fifo.jpg")]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static void Write(string root, string name, byte[] bytes)
    {
        var path = Path.Combine(root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private sealed record Run(EvaluationReport Report, Dictionary<string, (string Classes, double[] Probabilities)> Predictions, string EverythingWritten);
}
