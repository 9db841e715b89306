namespace SENet.Evaluation.Imaging;

/// <summary>Which crops of the resized image a model sees for one image.</summary>
public enum CropView
{
    /// <summary>One centre crop (torchvision's CenterCrop).</summary>
    Center,

    /// <summary>
    /// torchvision's TenCrop: the four corners and the centre, then the same five crops of the horizontally flipped
    /// image; the ten softmax outputs are averaged into the image's scores.
    /// </summary>
    TenCrop,
}
