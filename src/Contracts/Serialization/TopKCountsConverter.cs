using SENet.Evaluation.Metrics;

namespace SENet.Contracts.Serialization;

[RegisterConverter]
public sealed class TopKCountsConverter : IConverter<TopKCounts, TopKCountsSurrogate>
{
    public TopKCounts ConvertFromSurrogate(in TopKCountsSurrogate surrogate)
    {
        var confusions = new ClassConfusion[surrogate.ConfusionLabels.Length];
        for (var i = 0; i < confusions.Length; i++)
        {
            confusions[i] = new ClassConfusion(surrogate.ConfusionLabels[i], surrogate.ConfusionPredicted[i], surrogate.ConfusionCounts[i]);
        }

        return TopKCounts.Restore(surrogate.Classes, surrogate.Images, surrogate.Top1Correct, surrogate.Top5Correct, surrogate.Failed,
            surrogate.ClassImages, surrogate.ClassTop1, surrogate.ClassTop5, confusions,
            CalibrationCounts.Restore(surrogate.CalibrationBinCounts, surrogate.CalibrationBinCorrect, surrogate.CalibrationBinConfidence,
                surrogate.CalibrationNllSum, surrogate.CalibrationBrierSum, surrogate.CalibrationExcluded, surrogate.CalibrationDistributionRows))
            .WithReal(LabelSetCounts.Restore(surrogate.RealImages, surrogate.RealTop1Correct, surrogate.RealTop5Correct, surrogate.RealEmptySkipped, surrogate.RealUnlisted));
    }

    public TopKCountsSurrogate ConvertToSurrogate(in TopKCounts value)
    {
        var confusions = value.Confusions.ToArray();
        return new TopKCountsSurrogate
        {
            Classes = value.Classes,
            Images = value.Images,
            Top1Correct = value.Top1Correct,
            Top5Correct = value.Top5Correct,
            Failed = value.Failed,
            ClassImages = value.ClassImages,
            ClassTop1 = value.ClassTop1,
            ClassTop5 = value.ClassTop5,
            ConfusionLabels = confusions.Select(c => c.Key.Label).ToArray(),
            ConfusionPredicted = confusions.Select(c => c.Key.Predicted).ToArray(),
            ConfusionCounts = confusions.Select(c => c.Value).ToArray(),
            RealImages = value.Real.Images,
            RealTop1Correct = value.Real.Top1Correct,
            RealTop5Correct = value.Real.Top5Correct,
            RealEmptySkipped = value.Real.EmptySkipped,
            RealUnlisted = value.Real.Unlisted,
            CalibrationBinCounts = value.Calibration.BinCounts,
            CalibrationBinCorrect = value.Calibration.BinCorrect,
            CalibrationBinConfidence = value.Calibration.BinConfidence,
            CalibrationNllSum = value.Calibration.NllSum,
            CalibrationBrierSum = value.Calibration.BrierSum,
            CalibrationExcluded = value.Calibration.Excluded,
            CalibrationDistributionRows = value.Calibration.DistributionRows,
        };
    }
}
