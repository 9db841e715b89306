namespace SENet.Evaluation.Imaging;

/// <summary>How pixel values become the model's input numbers.</summary>
public enum Normalization
{
    /// <summary>RGB scaled to [0,1], minus (0.485, 0.456, 0.406), divided by (0.229, 0.224, 0.225): PyTorch ports.</summary>
    ImageNet,

    /// <summary>BGR in 0–255 minus (104, 117, 123): models converted from the paper's Caffe release.</summary>
    Caffe,
}
