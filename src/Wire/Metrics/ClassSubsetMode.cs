namespace SENet.Evaluation.Metrics;

/// <summary>How a model with more outputs than a dataset's classes is scored on that subset (ImageNet-A, ImageNet-R).</summary>
public enum ClassSubsetMode
{
    /// <summary>The logits outside the subset are masked: the model picks among the subset's classes (the datasets' authors' convention).</summary>
    Masked,

    /// <summary>The model ranks all its classes; a prediction outside the subset is simply wrong.</summary>
    Argmax,
}
