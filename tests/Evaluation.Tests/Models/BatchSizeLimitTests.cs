using SENet.Evaluation.Models;

namespace SENet.Evaluation.Tests.Models;

/// <summary>
/// A batch whose buffer size would wrap around 32 bits (349,526 images of 3×64×64 floats is 2^32 + 8,192) is refused
/// before any buffer exists, naming the largest batch that fits; before, the pinned array was 8,192 floats long and
/// preprocessing wrote past it.
/// </summary>
public sealed class BatchSizeLimitTests
{
    private static readonly byte[] Model64 =
        SeResNetBuilder.BuildBytes(new SeResNetSpec(SeResNetArchitecture.SeResNet18, Classes: 10, InputSize: 64, Seed: 5));

    [Theory]
    [InlineData(349_526)]
    [InlineData(1_000_000)]
    [InlineData(int.MaxValue)]
    public void AnImpossibleBatchIsRefusedUpFrontNamingTheLimit(int batchSize)
    {
        var error = Assert.Throws<ModelValidationException>(() =>
            ClassifierSession.Create(Model64, new ClassifierSessionOptions(InferenceDevice.Cpu, MaxBatchSize: batchSize, IntraOpThreads: 1)).Dispose());

        var largest = Array.MaxLength / (3 * 64 * 64);
        Assert.Contains($"--batch-size {largest:N0} or less", error.Message);
        Assert.Contains($"{batchSize:N0}", error.Message);
    }

    [Fact]
    public void TheLargestBatchThatFitsOneBufferIsAccepted()
    {
        Assert.Equal(Array.MaxLength / (3 * 64 * 64), InferenceBatch.MaxCapacity(3 * 64 * 64, 10));
        Assert.Equal(Array.MaxLength / 3_000_000, InferenceBatch.MaxCapacity(3 * 10 * 10, 3_000_000));
        Assert.Equal(0, InferenceBatch.MaxCapacity(0, 10));
    }
}
