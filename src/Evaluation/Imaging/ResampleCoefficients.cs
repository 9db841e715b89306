namespace SENet.Evaluation.Imaging;

/// <summary>
/// One axis of PIL's 8-bit resampler (libImaging/Resample.c): for each output index, the first input index, the
/// number of taps and fixed-point weights with 22 fractional bits, computed in the same order and rounding as PIL.
/// Only the output range that survives the centre crop is computed.
/// </summary>
internal sealed class ResampleCoefficients
{
    public const int PrecisionBits = 32 - 8 - 2;

    private ResampleCoefficients(int[] first, int[] taps, int[] weights, int stride, int inSize)
    {
        First = first;
        Taps = taps;
        Weights = weights;
        Stride = stride;
        MaxTaps = taps.Max();
        var outputs = first.Length;
        TapIndexByTap = new int[MaxTaps * outputs];
        WeightByTap = new int[MaxTaps * outputs];
        for (var x = 0; x < outputs; x++)
        {
            for (var t = 0; t < MaxTaps; t++)
            {
                // Past an output's own taps the weight is 0; the index is clamped so the read stays inside the row.
                TapIndexByTap[t * outputs + x] = Math.Min(first[x] + t, inSize - 1);
                WeightByTap[t * outputs + x] = t < taps[x] ? weights[x * stride + t] : 0;
            }
        }
    }

    public int[] First { get; }

    public int[] Taps { get; }

    /// <summary>Weights of output i at [i * <see cref="Stride"/>, i * Stride + Taps[i]).</summary>
    public int[] Weights { get; }

    public int Stride { get; }

    public int MaxTaps { get; }

    /// <summary>Input index of tap t of output x at [t * outputs + x]: the layout eight outputs at a time want.</summary>
    public int[] TapIndexByTap { get; }

    /// <summary>Weight of tap t of output x at [t * outputs + x], 0 past the output's taps.</summary>
    public int[] WeightByTap { get; }

    public static ResampleCoefficients Create(int inSize, int outSize, int outStart, int outCount, Interpolation interpolation)
    {
        if (inSize == outSize)
        {
            // PIL skips a pass whose size does not change; one unit tap gives the same bytes.
            return new ResampleCoefficients(
                Enumerable.Range(outStart, outCount).ToArray(), Enumerable.Repeat(1, outCount).ToArray(), Enumerable.Repeat(1 << PrecisionBits, outCount).ToArray(), 1, inSize);
        }

        var support = interpolation == Interpolation.Bilinear ? 1.0 : 2.0;
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        var kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        var first = new int[outCount];
        var taps = new int[outCount];
        var weights = new int[outCount * kernelSize];
        Span<double> raw = stackalloc double[kernelSize];
        for (var i = 0; i < outCount; i++)
        {
            var center = (outStart + i + 0.5) * scale;
            var inverseScale = 1.0 / filterScale;
            var min = Math.Max((int)(center - support + 0.5), 0);
            var count = Math.Min((int)(center + support + 0.5), inSize) - min;
            var total = 0.0;
            for (var x = 0; x < count; x++)
            {
                var w = Filter(interpolation, (x + min - center + 0.5) * inverseScale);
                raw[x] = w;
                total += w;
            }

            for (var x = 0; x < count; x++)
            {
                var w = total != 0.0 ? raw[x] / total : raw[x];
                weights[i * kernelSize + x] = (int)(w < 0 ? -0.5 + w * (1 << PrecisionBits) : 0.5 + w * (1 << PrecisionBits));
            }

            first[i] = min;
            taps[i] = count;
        }

        return new ResampleCoefficients(first, taps, weights, kernelSize, inSize);
    }

    private static double Filter(Interpolation interpolation, double x)
    {
        x = Math.Abs(x);
        if (interpolation == Interpolation.Bilinear)
        {
            return x < 1.0 ? 1.0 - x : 0.0;
        }

        const double a = -0.5;
        if (x < 1.0)
        {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }

        return x < 2.0 ? (((x - 5) * x + 8) * x - 4) * a : 0.0;
    }
}
