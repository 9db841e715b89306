using System.Buffers;

namespace SENet.Evaluation.Imaging;

/// <summary>
/// Resize (shorter side), centre crop and normalise in one fused step, written as CHW float32 straight into a
/// batch slot. The resize reproduces PIL's two-pass 8-bit resampler byte for byte (horizontal pass first, rounded
/// to 8 bits, then vertical), computing only the pixels that survive the crop. Thread-safe.
/// </summary>
public sealed class ImagePreprocessor
{
    private readonly float[][] _lookup;
    private readonly int[] _sourceChannelOfOutput;

    public ImagePreprocessor(PreprocessSpec spec)
    {
        spec.Validate();
        Spec = spec;
        if (spec.Normalization == Normalization.Caffe)
        {
            float[] caffeMean = [104f, 117f, 123f];
            _sourceChannelOfOutput = [2, 1, 0];
            _lookup = [.. Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, 256).Select(v => v - caffeMean[c]).ToArray())];
        }
        else
        {
            float[] mean = [0.485f, 0.456f, 0.406f];
            float[] std = [0.229f, 0.224f, 0.225f];
            _sourceChannelOfOutput = [0, 1, 2];
            // As torchvision computes it in float32: ToTensor divides by 255, Normalize subtracts and divides.
            _lookup = [.. Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, 256).Select(v => ((float)v / 255f - mean[c]) / std[c]).ToArray())];
        }
    }

    public PreprocessSpec Spec { get; }

    /// <summary>Size of the resized image before the crop, as torchvision's Resize(int) computes it.</summary>
    public (int Width, int Height) ResizedSize(int width, int height)
    {
        var size = Spec.ResizeSize;
        return width <= height
            ? (size, (int)((double)size * height / width))
            : ((int)((double)size * width / height), size);
    }

    /// <summary>Writes the preprocessed image into <paramref name="destination"/> (3 × crop × crop floats, CHW).</summary>
    public void Preprocess(DecodedImage image, Span<float> destination)
    {
        var crop = Spec.CropSize;
        if (destination.Length < 3 * crop * crop)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; a {crop}×{crop} RGB image needs {3 * crop * crop}.", nameof(destination));
        }

        var cropped = ArrayPool<byte>.Shared.Rent(crop * crop * 3);
        try
        {
            ResizeAndCrop(image, cropped);
            Normalize(cropped, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(cropped);
        }
    }

    /// <summary>The 8-bit RGB (HWC) centre crop of the resized image: what PIL hands to ToTensor.</summary>
    public unsafe void ResizeAndCrop(DecodedImage image, Span<byte> cropped)
    {
        var crop = Spec.CropSize;
        var (resizedWidth, resizedHeight) = ResizedSize(image.Width, image.Height);
        if (resizedWidth < crop || resizedHeight < crop)
        {
            throw new ImageDecodeException($"image of {image.Width}×{image.Height} resizes to {resizedWidth}×{resizedHeight}, smaller than the {crop}×{crop} crop");
        }

        var top = (int)Math.Round((resizedHeight - crop) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((resizedWidth - crop) / 2.0, MidpointRounding.ToEven);
        var horizontal = ResampleCoefficients.Create(image.Width, resizedWidth, left, crop, Spec.Interpolation);
        var vertical = ResampleCoefficients.Create(image.Height, resizedHeight, top, crop, Spec.Interpolation);

        var firstRow = vertical.First[0];
        var lastRow = vertical.First[crop - 1] + vertical.Taps[crop - 1];
        var rowLength = crop * 3;
        var intermediate = ArrayPool<byte>.Shared.Rent((lastRow - firstRow) * rowLength);
        try
        {
            fixed (byte* source = image.Pixels)
            fixed (byte* temp = intermediate)
            fixed (byte* output = cropped)
            fixed (int* hWeights = horizontal.Weights)
            fixed (int* vWeights = vertical.Weights)
            {
                HorizontalPass(source, image.RowStride, image.PixelStride, firstRow, lastRow, temp, rowLength, horizontal, hWeights);
                VerticalPass(temp, rowLength, firstRow, output, vertical, vWeights, crop);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(intermediate);
        }
    }

    private static unsafe void HorizontalPass(byte* source, int rowStride, int pixelStride, int firstRow, int lastRow, byte* temp, int rowLength, ResampleCoefficients coefficients, int* weights)
    {
        const int half = 1 << (ResampleCoefficients.PrecisionBits - 1);
        var outputs = coefficients.First.Length;
        for (var y = firstRow; y < lastRow; y++)
        {
            var row = source + (long)y * rowStride;
            var target = temp + (long)(y - firstRow) * rowLength;
            for (var x = 0; x < outputs; x++)
            {
                int r = half, g = half, b = half;
                var pixel = row + coefficients.First[x] * pixelStride;
                var k = weights + x * coefficients.Stride;
                var taps = coefficients.Taps[x];
                for (var t = 0; t < taps; t++, pixel += pixelStride)
                {
                    var w = k[t];
                    r += pixel[0] * w;
                    g += pixel[1] * w;
                    b += pixel[2] * w;
                }

                target[0] = Clip(r);
                target[1] = Clip(g);
                target[2] = Clip(b);
                target += 3;
            }
        }
    }

    private static unsafe void VerticalPass(byte* temp, int rowLength, int firstRow, byte* output, ResampleCoefficients coefficients, int* weights, int crop)
    {
        const int half = 1 << (ResampleCoefficients.PrecisionBits - 1);
        var accumulator = stackalloc int[rowLength];
        for (var y = 0; y < crop; y++)
        {
            for (var i = 0; i < rowLength; i++)
            {
                accumulator[i] = half;
            }

            var k = weights + y * coefficients.Stride;
            var start = temp + (long)(coefficients.First[y] - firstRow) * rowLength;
            var taps = coefficients.Taps[y];
            for (var t = 0; t < taps; t++)
            {
                var w = k[t];
                var line = start + (long)t * rowLength;
                for (var i = 0; i < rowLength; i++)
                {
                    accumulator[i] += line[i] * w;
                }
            }

            var target = output + (long)y * rowLength;
            for (var i = 0; i < rowLength; i++)
            {
                target[i] = Clip(accumulator[i]);
            }
        }
    }

    private static byte Clip(int value)
    {
        var shifted = value >> ResampleCoefficients.PrecisionBits;
        return (byte)(shifted < 0 ? 0 : shifted > 255 ? 255 : shifted);
    }

    private void Normalize(ReadOnlySpan<byte> cropped, Span<float> destination)
    {
        var plane = Spec.CropSize * Spec.CropSize;
        for (var c = 0; c < 3; c++)
        {
            var lookup = _lookup[c];
            var source = _sourceChannelOfOutput[c];
            var target = destination.Slice(c * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                target[i] = lookup[cropped[i * 3 + source]];
            }
        }
    }
}
