namespace SENet.Evaluation.Models;

/// <summary>Where a bottleneck downsamples and how the stem pools: the two layouts SE-ResNets are published in.</summary>
public enum SeResNetLayout
{
    /// <summary>Today's PyTorch ports (timm, torchvision): stride on the 3×3 convolution, max pool with padding 1.</summary>
    Timm,

    /// <summary>The paper's released Caffe models: stride on the first 1×1 convolution, ceil-mode max pool without padding.</summary>
    Caffe,
}
