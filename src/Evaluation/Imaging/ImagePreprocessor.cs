using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SENet.Evaluation.Imaging;

/// <summary>
/// Resize (shorter side), centre crop and normalise in one fused step, written as CHW float32 straight into a
/// batch slot. The resize reproduces PIL's two-pass 8-bit resampler byte for byte (horizontal pass first, rounded
/// to 8 bits, then vertical), computing only the pixels that survive the crop. Thread-safe.
/// </summary>
public sealed class ImagePreprocessor
{
    // Per output channel: value = (pixel / divisor − mean) / std, in float32 as torchvision computes it
    // (ToTensor divides by 255, Normalize subtracts and divides); Caffe: divisor 1, std 1, BGR order.
    private readonly (float Divisor, float Mean, float Std, int SourcePlane)[] _channels;

    private readonly bool _vectorize;

    // Coefficients depend only on the two sizes: datasets repeat a few sizes (ImageNet is mostly 500×375), so cache them.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int In, int Out, int Start), ResampleCoefficients> _coefficients = new();

    public ImagePreprocessor(PreprocessSpec spec)
        : this(spec, vectorize: true)
    {
    }

    /// <param name="vectorize">False forces the scalar passes (tests compare both).</param>
    internal ImagePreprocessor(PreprocessSpec spec, bool vectorize)
    {
        spec.Validate();
        Spec = spec;
        _vectorize = vectorize && Avx2.IsSupported;
        _channels = spec.Normalization == Normalization.Caffe
            ? [(1f, 104f, 1f, 2), (1f, 117f, 1f, 1), (1f, 123f, 1f, 0)]
            : [(255f, 0.485f, 0.229f, 0), (255f, 0.456f, 0.224f, 1), (255f, 0.406f, 0.225f, 2)];
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

    /// <summary>
    /// Writes the preprocessed image into <paramref name="destination"/>: 3 × crop × crop floats (CHW) for each of the
    /// spec's <see cref="PreprocessSpec.ViewsPerImage"/> views, one after another, in torchvision's TenCrop order.
    /// </summary>
    public unsafe void Preprocess(DecodedImage image, Span<float> destination)
    {
        var crop = Spec.CropSize;
        var plane = crop * crop;
        var views = Spec.ViewsPerImage;
        if (destination.Length < views * 3 * plane)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; {views} view(s) of a {crop}×{crop} RGB image need {views * 3 * plane}.", nameof(destination));
        }

        var planes = ArrayPool<byte>.Shared.Rent(views * 3 * plane);
        try
        {
            ResizeAndCropViewsPlanar(image, planes);
            fixed (byte* source = planes)
            fixed (float* target = destination)
            {
                for (var c = 0; c < 3 * views; c++)
                {
                    var view = c / 3;
                    var channel = _channels[c % 3];
                    Normalize(source + (view * 3 + channel.SourcePlane) * plane, target + c * plane, plane, channel, _vectorize);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(planes);
        }
    }

    /// <summary>
    /// The 8-bit RGB (HWC) crops of the resized image, one after another: the centre crop, or torchvision's
    /// <c>TenCrop</c> (top-left, top-right, bottom-left, bottom-right, centre, then the same five of the flipped image).
    /// </summary>
    public void ResizeAndCropViews(DecodedImage image, Span<byte> cropped)
    {
        var plane = Spec.CropSize * Spec.CropSize;
        var views = Spec.ViewsPerImage;
        var planes = ArrayPool<byte>.Shared.Rent(views * 3 * plane);
        try
        {
            ResizeAndCropViewsPlanar(image, planes);
            for (var v = 0; v < views; v++)
            {
                var source = planes.AsSpan(v * 3 * plane, 3 * plane);
                var target = cropped.Slice(v * 3 * plane, 3 * plane);
                for (var i = 0; i < plane; i++)
                {
                    target[i * 3] = source[i];
                    target[i * 3 + 1] = source[plane + i];
                    target[i * 3 + 2] = source[2 * plane + i];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(planes);
        }
    }

    /// <summary>Every view's crop as three planes (R, G, B) of crop × crop bytes, view after view.</summary>
    private void ResizeAndCropViewsPlanar(DecodedImage image, Span<byte> planes)
    {
        var crop = Spec.CropSize;
        var (width, height) = ResizedSize(image.Width, image.Height);
        if (width < crop || height < crop)
        {
            throw new ImageDecodeException($"image of {image.Width}×{image.Height} resizes to {width}×{height}, smaller than the {crop}×{crop} crop");
        }

        // Python's round() is banker's rounding, as torchvision's center_crop uses it.
        var centreTop = (int)Math.Round((height - crop) / 2.0, MidpointRounding.ToEven);
        var centreLeft = (int)Math.Round((width - crop) / 2.0, MidpointRounding.ToEven);
        if (Spec.View == CropView.Center)
        {
            ResizeAndCropPlanar(image, planes, centreLeft, centreTop);
            return;
        }

        // PIL resamples each output pixel from its own coefficients, so a crop computed alone equals the same window
        // of the whole resized image. The flipped image's crops are mirrored windows of the unflipped one; its centre
        // window sits at width − crop − centreLeft, which differs from centreLeft when width − crop is odd.
        (int Left, int Top, bool Mirrored)[] windows =
        [
            (0, 0, false), (width - crop, 0, false), (0, height - crop, false), (width - crop, height - crop, false), (centreLeft, centreTop, false),
            (width - crop, 0, true), (0, 0, true), (width - crop, height - crop, true), (0, height - crop, true), (width - crop - centreLeft, centreTop, true),
        ];
        var viewLength = 3 * crop * crop;
        for (var v = 0; v < windows.Length; v++)
        {
            var (left, top, mirrored) = windows[v];
            var target = planes.Slice(v * viewLength, viewLength);
            // The first match is always unflipped: every flipped window but the centre is a corner of the first five.
            var same = Array.FindIndex(windows, 0, v, w => w.Left == left && w.Top == top);
            if (same >= 0)
            {
                planes.Slice(same * viewLength, viewLength).CopyTo(target);
            }
            else
            {
                ResizeAndCropPlanar(image, target, left, top);
            }

            if (mirrored)
            {
                for (var row = 0; row < 3 * crop; row++)
                {
                    target.Slice(row * crop, crop).Reverse();
                }
            }
        }
    }

    /// <summary>The 8-bit RGB (HWC) centre crop of the resized image: what PIL hands to ToTensor.</summary>
    public void ResizeAndCrop(DecodedImage image, Span<byte> cropped)
    {
        var plane = Spec.CropSize * Spec.CropSize;
        var planes = ArrayPool<byte>.Shared.Rent(3 * plane);
        try
        {
            var (width, height) = ResizedSize(image.Width, image.Height);
            ResizeAndCropPlanar(image, planes, (int)Math.Round((width - Spec.CropSize) / 2.0, MidpointRounding.ToEven), (int)Math.Round((height - Spec.CropSize) / 2.0, MidpointRounding.ToEven));
            for (var i = 0; i < plane; i++)
            {
                cropped[i * 3] = planes[i];
                cropped[i * 3 + 1] = planes[plane + i];
                cropped[i * 3 + 2] = planes[2 * plane + i];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(planes);
        }
    }

    /// <summary>The crop × crop window at (<paramref name="left"/>, <paramref name="top"/>) of the resized image as three planes (R, G, B).</summary>
    private unsafe void ResizeAndCropPlanar(DecodedImage image, Span<byte> planes, int left, int top)
    {
        var crop = Spec.CropSize;
        var (resizedWidth, resizedHeight) = ResizedSize(image.Width, image.Height);
        if (resizedWidth < crop || resizedHeight < crop)
        {
            throw new ImageDecodeException($"image of {image.Width}×{image.Height} resizes to {resizedWidth}×{resizedHeight}, smaller than the {crop}×{crop} crop");
        }

        var horizontal = Coefficients(image.Width, resizedWidth, left);
        var vertical = Coefficients(image.Height, resizedHeight, top);

        var firstRow = vertical.First[0];
        var rows = vertical.First[crop - 1] + vertical.Taps[crop - 1] - firstRow;
        var intermediate = ArrayPool<byte>.Shared.Rent(3 * rows * crop);
        try
        {
            fixed (byte* source = image.Pixels)
            fixed (byte* temp = intermediate)
            fixed (byte* output = planes)
            fixed (int* hFirst = horizontal.First, hTaps = horizontal.Taps, hWeights = horizontal.Weights)
            fixed (int* hIndex = horizontal.TapIndexByTap, hWeightByTap = horizontal.WeightByTap)
            fixed (int* vFirst = vertical.First, vTaps = vertical.Taps, vWeights = vertical.Weights)
            {
                var rowsStart = source + (long)firstRow * image.RowStride;
                if (_vectorize && crop >= 8)
                {
                    HorizontalPassAvx2(rowsStart, image.RowStride, image.PixelStride, rows, temp, crop, hIndex, hWeightByTap, horizontal.MaxTaps);
                }
                else
                {
                    HorizontalPass(rowsStart, image.RowStride, image.PixelStride, rows, temp, crop, hFirst, hTaps, hWeights, horizontal.Stride);
                }

                for (var c = 0; c < 3; c++)
                {
                    VerticalPass(temp + c * rows * crop, crop, firstRow, output + c * crop * crop, vFirst, vTaps, vWeights, vertical.Stride, _vectorize);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(intermediate);
        }
    }

    private ResampleCoefficients Coefficients(int inSize, int outSize, int start)
    {
        if (_coefficients.TryGetValue((inSize, outSize, start), out var cached))
        {
            return cached;
        }

        var created = ResampleCoefficients.Create(inSize, outSize, start, Spec.CropSize, Spec.Interpolation);
        if (_coefficients.Count < 4096)
        {
            _coefficients.TryAdd((inSize, outSize, start), created);
        }

        return created;
    }

    /// <summary>PIL's horizontal pass over the rows the vertical pass reads, into three planes of <paramref name="rows"/> × <paramref name="width"/> bytes.</summary>
    private static unsafe void HorizontalPass(byte* source, int rowStride, int pixelStride, int rows, byte* temp, int width, int* first, int* taps, int* weights, int weightStride)
    {
        const int half = 1 << (ResampleCoefficients.PrecisionBits - 1);
        var planeSize = rows * width;
        for (var y = 0; y < rows; y++)
        {
            var row = source + (long)y * rowStride;
            var red = temp + y * width;
            var green = red + planeSize;
            var blue = green + planeSize;
            for (var x = 0; x < width; x++)
            {
                int r = half, g = half, b = half;
                var pixel = row + first[x] * pixelStride;
                var k = weights + x * weightStride;
                var count = taps[x];
                for (var t = 0; t < count; t++, pixel += pixelStride)
                {
                    var w = k[t];
                    r += pixel[0] * w;
                    g += pixel[1] * w;
                    b += pixel[2] * w;
                }

                red[x] = Clip(r);
                green[x] = Clip(g);
                blue[x] = Clip(b);
            }
        }
    }

    /// <summary>
    /// The same pass, eight outputs at a time: one gather per tap fetches each output's pixel (R, G, B and one
    /// spare byte, hence the padding of <see cref="DecodedImage"/>), then each channel is masked out and weighted.
    /// </summary>
    private static unsafe void HorizontalPassAvx2(byte* source, int rowStride, int pixelStride, int rows, byte* temp, int width, int* tapIndex, int* tapWeight, int maxTaps)
    {
        var half = Vector256.Create(1 << (ResampleCoefficients.PrecisionBits - 1));
        var mask = Vector256.Create(0xFF);
        var stride = Vector256.Create(pixelStride);
        var planeSize = rows * width;
        for (var y = 0; y < rows; y++)
        {
            var row = (int*)(source + (long)y * rowStride);
            var red = temp + y * width;
            for (var x0 = 0; x0 < width; x0 += 8)
            {
                // The last group overlaps the one before it when the width is not a multiple of 8; it rewrites the same values.
                var x = Math.Min(x0, width - 8);
                Vector256<int> r = half, g = half, b = half;
                for (var t = 0; t < maxTaps; t++)
                {
                    var offsets = Avx2.MultiplyLow(Avx.LoadVector256(tapIndex + t * width + x), stride);
                    var pixels = Avx2.GatherVector256(row, offsets, 1);
                    var w = Avx.LoadVector256(tapWeight + t * width + x);
                    r = Avx2.Add(r, Avx2.MultiplyLow(Avx2.And(pixels, mask), w));
                    g = Avx2.Add(g, Avx2.MultiplyLow(Avx2.And(Avx2.ShiftRightLogical(pixels, 8), mask), w));
                    b = Avx2.Add(b, Avx2.MultiplyLow(Avx2.And(Avx2.ShiftRightLogical(pixels, 16), mask), w));
                }

                StoreClipped(r, red + x);
                StoreClipped(g, red + planeSize + x);
                StoreClipped(b, red + 2 * planeSize + x);
            }
        }
    }

    private static unsafe void StoreClipped(Vector256<int> sum, byte* target)
    {
        var shifted = Avx2.ShiftRightArithmetic(sum, ResampleCoefficients.PrecisionBits);
        var clamped = Avx2.Min(Avx2.Max(shifted, Vector256<int>.Zero), Vector256.Create(255));
        var words = Avx2.PackUnsignedSaturate(clamped, clamped);
        var bytes = Avx2.PackUnsignedSaturate(words.AsInt16(), words.AsInt16());
        // Pack works per 128-bit lane: lane 0 holds elements 0-3, lane 1 elements 4-7.
        *(uint*)target = bytes.AsUInt32().GetElement(0);
        *(uint*)(target + 4) = bytes.AsUInt32().GetElement(4);
    }

    /// <summary>PIL's vertical pass over one plane, eight columns at a time where the CPU allows.</summary>
    private static unsafe void VerticalPass(byte* plane, int width, int firstRow, byte* output, int* first, int* taps, int* weights, int weightStride, bool vectorize)
    {
        const int half = 1 << (ResampleCoefficients.PrecisionBits - 1);
        var vectorWidth = vectorize ? width / 8 * 8 : 0;
        for (var y = 0; y < width; y++)
        {
            var start = plane + (long)(first[y] - firstRow) * width;
            var k = weights + y * weightStride;
            var count = taps[y];
            var target = output + y * width;
            var x = 0;
            for (; x < vectorWidth; x += 8)
            {
                var sum = Vector256.Create(half);
                for (var t = 0; t < count; t++)
                {
                    var pixels = Avx2.ConvertToVector256Int32(start + t * width + x);
                    sum = Avx2.Add(sum, Avx2.MultiplyLow(pixels, Vector256.Create(k[t])));
                }

                StoreClipped(sum, target + x);
            }

            for (; x < width; x++)
            {
                var sum = half;
                for (var t = 0; t < count; t++)
                {
                    sum += start[t * width + x] * k[t];
                }

                target[x] = Clip(sum);
            }
        }
    }

    private static unsafe void Normalize(byte* source, float* target, int count, (float Divisor, float Mean, float Std, int SourcePlane) channel, bool vectorize)
    {
        var i = 0;
        if (vectorize)
        {
            var divisor = Vector256.Create(channel.Divisor);
            var mean = Vector256.Create(channel.Mean);
            var std = Vector256.Create(channel.Std);
            for (; i + 8 <= count; i += 8)
            {
                var pixels = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(source + i));
                Avx.Store(target + i, Avx.Divide(Avx.Subtract(Avx.Divide(pixels, divisor), mean), std));
            }
        }

        for (; i < count; i++)
        {
            target[i] = ((source[i] / channel.Divisor) - channel.Mean) / channel.Std;
        }
    }

    private static byte Clip(int value)
    {
        var shifted = value >> ResampleCoefficients.PrecisionBits;
        return (byte)(shifted < 0 ? 0 : shifted > 255 ? 255 : shifted);
    }
}
