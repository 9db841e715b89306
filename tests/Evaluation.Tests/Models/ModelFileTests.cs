using System.Runtime.InteropServices;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Tests.Models;

/// <summary>Model files are checked for type and size before a byte is read; external data is read only from beside the model.</summary>
public sealed partial class ModelFileTests : IDisposable
{
    private const string Secret = "AccountKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=;the rest of appsettings.Production.json";
    private static readonly byte[] SmallModel = SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 3, InputSize: 32, Seed: 11));
    private static readonly ClassifierSessionOptions Cpu = new(InferenceDevice.Cpu, MaxBatchSize: 2, IntraOpThreads: 1);
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task DevZeroAsAModelIsRefusedBeforeReading()
    {
        var error = await Assert.ThrowsAsync<ModelValidationException>(() => ClassifierSession.CreateFromFileAsync("/dev/zero", Cpu));

        Assert.Contains("'/dev/zero' is a character device, not a regular file", error.Message);
    }

    [Fact]
    public async Task AFifoAsAModelIsRefusedWithoutOpeningIt()
    {
        var fifo = Path.Combine(_folder.Path, "model.onnx");
        Assert.Equal(0, MakeFifo(fifo, 0x180));

        // Opening a FIFO blocks until a writer comes: the refusal must come from its type alone.
        var error = await Assert.ThrowsAsync<ModelValidationException>(() => ModelFiles.ReadAsync(fifo, ModelFiles.DefaultMaxBytes));

        Assert.Contains("is a named pipe (FIFO), not a regular file", error.Message);
    }

    [Fact]
    public async Task AModelOverTheSizeLimitIsRefusedWithTheFiguresAndHowToRaiseIt()
    {
        var path = _folder.Write("model.onnx", SmallModel);

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => ClassifierSession.CreateFromFileAsync(path, Cpu with { MaxModelBytes = 1_000_000 }));

        Assert.Contains($"is {SmallModel.Length:N0} bytes, over the model size limit of 1,000,000 bytes", error.Message);
        Assert.Contains("SENet:Storage:MaxModelBytes", error.Message);
    }

    [Fact]
    public async Task ASparseFileOverTheLimitIsRefusedWithoutReadingIt()
    {
        var path = Path.Combine(_folder.Path, "huge.onnx");
        using (var stream = File.Create(path))
        {
            stream.SetLength(5L << 30);
        }

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => ModelFiles.ReadAsync(path, ModelFiles.DefaultMaxBytes));

        Assert.Contains("is 5 GiB (5,368,709,120 bytes), over the model size limit of 4 GiB", error.Message);
    }

    [Fact]
    public async Task WeightsBesideTheModelLoadAndScoreAsTheEmbeddedModelDoes()
    {
        var (model, weights) = ExternalModels.WithExternalWeights(SmallModel, "weights.bin");
        _folder.Write("exported/weights.bin", weights);
        var path = _folder.Write("exported/model.onnx", model);

        using var embedded = ClassifierSession.Create(SmallModel, Cpu);
        using var external = await ClassifierSession.CreateFromFileAsync(path, Cpu);

        Assert.Equal(Scores(embedded), Scores(external));
    }

    [Fact]
    public async Task WeightsInASubfolderOfTheModelsFolderLoad()
    {
        var (model, weights) = ExternalModels.WithExternalWeights(SmallModel, "data/./weights.bin");
        _folder.Write("exported/data/weights.bin", weights);
        var path = _folder.Write("exported/model.onnx", model);

        using var external = await ClassifierSession.CreateFromFileAsync(path, Cpu);

        Assert.Equal(3, external.Classes);
    }

    [Theory]
    [InlineData("../secret.txt", "climbs out of the model's folder with '..'")]
    [InlineData("sub/../../secret.txt", "climbs out of the model's folder with '..'")]
    [InlineData("..\\secret.txt", "climbs out of the model's folder with '..'")]
    [InlineData("ABSOLUTE", "is an absolute path")]
    [InlineData("missing.bin", "does not exist beside the model")]
    [InlineData("", "is empty")]
    public async Task ExternalDataOutsideTheModelsFolderIsRefusedNamingTheInitializerAndNeverRead(string location, string problem)
    {
        var secret = _folder.Write("secret.txt", Secret);
        location = location == "ABSOLUTE" ? secret : location;
        var path = _folder.Write("model/model.onnx", ExternalModels.Leaking(location));

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => ClassifierSession.CreateFromFileAsync(path, Cpu));

        Assert.Contains($"initializer 'leak' keeps its data in external file '{location}', which {problem}", error.Message);
        Assert.DoesNotContain("AccountKey", error.Message);
    }

    [Fact]
    public async Task ExternalDataThroughASymlinkThatLeavesTheFolderIsRefused()
    {
        var secret = _folder.Write("secret.txt", Secret);
        var path = _folder.Write("model/model.onnx", ExternalModels.Leaking("weights.bin"));
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "model", "weights.bin"), secret);
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "model", "up"), _folder.Path);
        var throughFolder = _folder.Write("model/other.onnx", ExternalModels.Leaking("up/secret.txt"));

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => ClassifierSession.CreateFromFileAsync(path, Cpu));
        var folderError = await Assert.ThrowsAsync<ModelValidationException>(() => ClassifierSession.CreateFromFileAsync(throughFolder, Cpu));

        Assert.Contains("'weights.bin', which resolves through a symbolic link to a file outside the model's folder", error.Message);
        Assert.Contains("'up/secret.txt', which resolves through a symbolic link to a file outside the model's folder", folderError.Message);
    }

    [Fact]
    public async Task ASymlinkInsideTheFolderIsFollowed()
    {
        var (model, weights) = ExternalModels.WithExternalWeights(SmallModel, "weights.bin");
        _folder.Write("exported/store/w.bin", weights);
        var path = _folder.Write("exported/model.onnx", model);
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "exported", "weights.bin"), Path.Combine(_folder.Path, "exported", "store", "w.bin"));

        using var session = await ClassifierSession.CreateFromFileAsync(path, Cpu);

        Assert.Equal(3, session.Classes);
    }

    [Fact]
    public void AModelWithExternalDataGivenAsBytesAloneIsRefused()
    {
        var error = Assert.Throws<ModelValidationException>(() => ClassifierSession.Create(ExternalModels.Leaking("appsettings.Production.json"), Cpu));

        Assert.Contains("keeps initializer 'leak' in an external file ('appsettings.Production.json') but was given without its folder", error.Message);
    }

    [Fact]
    public async Task ExternalDataTooShortForItsLengthIsRefused()
    {
        _folder.Write("model/weights.bin", new byte[10]);
        var path = _folder.Write("model/model.onnx", ExternalModels.Leaking("weights.bin"));

        var error = await Assert.ThrowsAsync<ModelValidationException>(() => ClassifierSession.CreateFromFileAsync(path, Cpu));

        Assert.Contains("is 10 bytes, too short for offset 0 and length 1,024", error.Message);
    }

    private static float[] Scores(ClassifierSession session)
    {
        using var batch = session.CreateBatch(2);
        var random = new Random(4);
        for (var slot = 0; slot < 2; slot++)
        {
            var image = batch.Image(slot);
            for (var i = 0; i < image.Length; i++)
            {
                image[i] = (float)(random.NextDouble() * 2 - 1);
            }
        }

        batch.Count = 2;
        session.Run(batch);
        return [.. batch.Scores(0), .. batch.Scores(1)];
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);

    public void Dispose() => _folder.Dispose();
}
