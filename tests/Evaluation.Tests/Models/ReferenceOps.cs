using System.Runtime.InteropServices;
using Onnx;

namespace SENet.Evaluation.Tests.Models;

/// <summary>Plain loops over CHW arrays (batch of one), written from the operator definitions, independent of ONNX Runtime.</summary>
internal sealed class ReferenceOps(ModelProto model)
{
    private readonly Dictionary<string, TensorProto> _initializers = model.Graph.Initializer.ToDictionary(t => t.Name);

    public float[] Weights(string name) => MemoryMarshal.Cast<byte, float>(_initializers[name].RawData.Span).ToArray();

    public long[] Dims(string name) => [.. _initializers[name].Dims];

    public (float[] Data, int Channels, int Height, int Width) Conv(float[] x, int channels, int height, int width, string name, int stride, int padding, int groups = 1, bool bias = false)
    {
        var w = Weights($"{name}.weight");
        var dims = Dims($"{name}.weight");
        int outChannels = (int)dims[0], groupIn = (int)dims[1], k = (int)dims[2];
        var b = bias ? Weights($"{name}.bias") : null;
        var outH = (height + 2 * padding - k) / stride + 1;
        var outW = (width + 2 * padding - k) / stride + 1;
        var y = new float[outChannels * outH * outW];
        var groupOut = outChannels / groups;
        for (var m = 0; m < outChannels; m++)
        {
            var g = m / groupOut;
            for (var oy = 0; oy < outH; oy++)
            {
                for (var ox = 0; ox < outW; ox++)
                {
                    double sum = b?[m] ?? 0;
                    for (var c = 0; c < groupIn; c++)
                    {
                        var inputChannel = g * groupIn + c;
                        for (var ky = 0; ky < k; ky++)
                        {
                            var iy = oy * stride - padding + ky;
                            if (iy < 0 || iy >= height)
                            {
                                continue;
                            }

                            for (var kx = 0; kx < k; kx++)
                            {
                                var ix = ox * stride - padding + kx;
                                if (ix < 0 || ix >= width)
                                {
                                    continue;
                                }

                                sum += (double)x[(inputChannel * height + iy) * width + ix] * w[((m * groupIn + c) * k + ky) * k + kx];
                            }
                        }
                    }

                    y[(m * outH + oy) * outW + ox] = (float)sum;
                }
            }
        }

        return (y, outChannels, outH, outW);
    }

    public float[] BatchNorm(float[] x, int channels, string name)
    {
        var gamma = Weights($"{name}.weight");
        var beta = Weights($"{name}.bias");
        var mean = Weights($"{name}.running_mean");
        var variance = Weights($"{name}.running_var");
        var plane = x.Length / channels;
        var y = new float[x.Length];
        for (var c = 0; c < channels; c++)
        {
            var scale = gamma[c] / Math.Sqrt(variance[c] + 1e-5);
            for (var i = 0; i < plane; i++)
            {
                y[c * plane + i] = (float)((x[c * plane + i] - mean[c]) * scale + beta[c]);
            }
        }

        return y;
    }

    public static float[] Relu(float[] x) => x.Select(v => Math.Max(0f, v)).ToArray();

    /// <summary>The paper's SE block: pool → FC → ReLU → FC → sigmoid → scale each channel.</summary>
    public float[] SqueezeExcite(float[] x, int channels, string name)
    {
        var plane = x.Length / channels;
        var pooled = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            double sum = 0;
            for (var i = 0; i < plane; i++)
            {
                sum += x[c * plane + i];
            }

            pooled[c] = sum / plane;
        }

        var w1 = Weights($"{name}.fc1.weight");
        var b1 = Weights($"{name}.fc1.bias");
        var w2 = Weights($"{name}.fc2.weight");
        var b2 = Weights($"{name}.fc2.bias");
        var reduced = b1.Length;
        var hidden = new double[reduced];
        for (var r = 0; r < reduced; r++)
        {
            double sum = b1[r];
            for (var c = 0; c < channels; c++)
            {
                sum += w1[r * channels + c] * pooled[c];
            }

            hidden[r] = Math.Max(0, sum);
        }

        var y = new float[x.Length];
        for (var c = 0; c < channels; c++)
        {
            double sum = b2[c];
            for (var r = 0; r < reduced; r++)
            {
                sum += w2[c * reduced + r] * hidden[r];
            }

            var gate = 1.0 / (1.0 + Math.Exp(-sum));
            for (var i = 0; i < plane; i++)
            {
                y[c * plane + i] = (float)(x[c * plane + i] * gate);
            }
        }

        return y;
    }
}
