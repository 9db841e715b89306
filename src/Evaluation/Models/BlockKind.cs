namespace SENet.Evaluation.Models;

/// <summary>The residual block family of a ResNet stage.</summary>
public enum BlockKind
{
    /// <summary>Two 3×3 convolutions (ResNet-18/34); expansion 1.</summary>
    Basic,

    /// <summary>1×1 → 3×3 → 1×1 convolutions (ResNet-50 and deeper, ResNeXt); expansion 4.</summary>
    Bottleneck,
}
