using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;
using SENet.Grains.Jobs;

namespace SENet.Cluster.Tests;

public sealed class JobSpecMappingTests
{
    [Fact]
    public void ASpecStoredBeforeOutputsAndLevelsExistedRunsAsAutoAt95Percent()
    {
        // What a record stored by an earlier version deserializes to: the new fields at their type's default.
        var stored = new JobSpec { ModelPath = "/m.onnx", DataPath = "/d" } with { Outputs = null!, ConfidenceLevel = 0 };

        Assert.Equal(OutputKind.Auto, stored.OutputKind());
        Assert.Equal(0.95, stored.EffectiveConfidenceLevel());
        Assert.Equal(OutputKind.Probabilities, (stored with { Outputs = "probabilities" }).OutputKind());
        Assert.Equal(0.9, (stored with { ConfidenceLevel = 0.9 }).EffectiveConfidenceLevel());
    }
}
