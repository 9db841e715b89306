using SENet.Evaluation.Metrics;

namespace SENet.Contracts.Serialization;

/// <summary>The wire form of the engine's <see cref="TopKCounts"/>, so that one definition serves engine and cluster.</summary>
[GenerateSerializer, Alias("senet.TopKCounts")]
public struct TopKCountsSurrogate
{
    [Id(0)] public int Classes;
    [Id(1)] public long Images;
    [Id(2)] public long Top1Correct;
    [Id(3)] public long Top5Correct;
    [Id(4)] public long Failed;
    [Id(5)] public long[] ClassImages;
    [Id(6)] public long[] ClassTop1;
    [Id(7)] public long[] ClassTop5;
    [Id(8)] public int[] ConfusionLabels;
    [Id(9)] public int[] ConfusionPredicted;
    [Id(10)] public long[] ConfusionCounts;

    // Calibration sums (absent, hence null, in counts stored before calibration existed).
    [Id(11)] public long[]? CalibrationBinCounts;
    [Id(12)] public long[]? CalibrationBinCorrect;
    [Id(13)] public decimal[]? CalibrationBinConfidence;
    [Id(14)] public decimal CalibrationNllSum;
    [Id(15)] public decimal CalibrationBrierSum;
    [Id(16)] public long CalibrationExcluded;
    [Id(17)] public long CalibrationDistributionRows;
    // Label-set (ImageNet-ReaL) counts; zero in counts stored before they existed. Ids clear of others' additions.
    [Id(30)] public long RealImages;
    [Id(31)] public long RealTop1Correct;
    [Id(32)] public long RealTop5Correct;
    [Id(33)] public long RealEmptySkipped;
    [Id(34)] public long RealUnlisted;
}
