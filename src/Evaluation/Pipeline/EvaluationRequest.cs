using SENet.Evaluation.Datasets;
using SENet.Evaluation.Imaging;
using SENet.Evaluation.Models;

namespace SENet.Evaluation.Pipeline;

/// <summary>Everything a single-process evaluation needs: model, dataset, labels, preprocessing, device and bounds.</summary>
/// <param name="CropSize">Null takes the model's input size.</param>
/// <param name="ConfidenceLevel">The level of the report's Wilson intervals.</param>
public sealed record EvaluationRequest(
    string ModelPath,
    IDatasetSource Dataset,
    DatasetSpec DatasetSpec,
    ClassifierSessionOptions Session,
    PipelineOptions Pipeline,
    double CropPct = 0.875,
    Interpolation Interpolation = Interpolation.Bilinear,
    Normalization Normalization = Normalization.ImageNet,
    bool FastDecode = false,
    int? CropSize = null,
    string? ModelName = null,
    double ConfidenceLevel = Metrics.WilsonInterval.DefaultLevel);
