using SENet.Evaluation.Imaging;

namespace SENet.Evaluation.Datasets;

/// <summary>
/// Seeded photograph-like test images: smooth class-tinted gradients, fractal texture, shapes with edges and
/// sensor-like noise, so JPEG files have the size and decode cost of real photographs (≈100 KB at 500×375, q90).
/// Used by the demo, the benchmark and tests; no image data is downloaded.
/// </summary>
public static class SyntheticImages
{
    /// <summary>
    /// Mixes the arguments into one seed the same way in every process (<see cref="HashCode"/> is randomised per
    /// process), so generated datasets, demo figures and reruns are reproducible.
    /// </summary>
    public static int StableSeed(params ReadOnlySpan<int> parts)
    {
        // FNV-1a over the parts' bytes.
        var hash = 2166136261u;
        foreach (var part in parts)
        {
            for (var shift = 0; shift < 32; shift += 8)
            {
                hash = (hash ^ (byte)(part >> shift)) * 16777619u;
            }
        }

        return (int)hash;
    }

    public static byte[] RenderRgb(int width, int height, int classIndex, int seed)
    {
        var random = new Random(StableSeed(seed, classIndex, width, height));
        var rgb = new byte[width * height * 3];
        var hue = classIndex * 0.6180339887 % 1.0;
        var (baseR, baseG, baseB) = HueToRgb(hue);
        var octaves = Enumerable.Range(0, 4).Select(o => Lattice(random, 4 << o)).ToArray();
        var shapes = Enumerable.Range(0, 6).Select(_ => (X: random.NextDouble(), Y: random.NextDouble(), R: 0.05 + random.NextDouble() * 0.2,
            Color: HueToRgb(random.NextDouble()))).ToArray();
        var gradientAngle = random.NextDouble() * Math.PI * 2;
        var (gx, gy) = (Math.Cos(gradientAngle), Math.Sin(gradientAngle));
        for (var y = 0; y < height; y++)
        {
            var v = (double)y / height;
            for (var x = 0; x < width; x++)
            {
                var u = (double)x / width;
                var light = 0.55 + 0.35 * (u * gx + v * gy);
                var texture = 0.0;
                var amplitude = 0.5;
                foreach (var octave in octaves)
                {
                    texture += amplitude * Sample(octave, u, v);
                    amplitude *= 0.55;
                }

                double r = baseR * light, g = baseG * light, b = baseB * light;
                foreach (var shape in shapes)
                {
                    var dx = u - shape.X;
                    var dy = (v - shape.Y) * height / width;
                    if (dx * dx + dy * dy < shape.R * shape.R)
                    {
                        (r, g, b) = (shape.Color.R * 0.9, shape.Color.G * 0.9, shape.Color.B * 0.9);
                    }
                }

                var noise = (random.NextDouble() - 0.5) * 0.12;
                var offset = (y * width + x) * 3;
                rgb[offset] = ToByte(r + texture * 0.5 + noise);
                rgb[offset + 1] = ToByte(g + texture * 0.45 + noise);
                rgb[offset + 2] = ToByte(b + texture * 0.4 + noise);
            }
        }

        return rgb;
    }

    public static byte[] RenderJpeg(int width, int height, int classIndex, int seed, int quality = 90) =>
        JpegEncoder.Encode(RenderRgb(width, height, classIndex, seed), width, height, quality);

    /// <summary>
    /// Writes an ImageFolder dataset (class_000/…jpg) with sizes around ImageNet's; returns the image paths.
    /// <paramref name="truncatedImages"/> extra files are cut-off JPEGs, to show failure reporting.
    /// </summary>
    public static async Task<List<string>> WriteImageFolderAsync(string folder, int classes, int imagesPerClass, int seed = 1, int truncatedImages = 0, CancellationToken cancellationToken = default)
    {
        (int W, int H)[] sizes = [(500, 375), (375, 500), (500, 333), (640, 480), (400, 400)];
        var paths = new List<string>();
        for (var c = 0; c < classes; c++)
        {
            var classFolder = Path.Combine(folder, $"class_{c:D3}");
            Directory.CreateDirectory(classFolder);
            for (var i = 0; i < imagesPerClass; i++)
            {
                var (w, h) = sizes[(c + i) % sizes.Length];
                var path = Path.Combine(classFolder, $"img_{i:D5}.jpg");
                await File.WriteAllBytesAsync(path, RenderJpeg(w, h, c, seed * 100_003 + i), cancellationToken);
                paths.Add(path);
            }
        }

        for (var t = 0; t < truncatedImages; t++)
        {
            var whole = RenderJpeg(320, 240, t % classes, seed + t);
            var path = Path.Combine(folder, $"class_{t % classes:D3}", $"truncated_{t:D3}.jpg");
            await File.WriteAllBytesAsync(path, whole.AsMemory(0, whole.Length / 3), cancellationToken);
            paths.Add(path);
        }

        return paths;
    }

    private static double[,] Lattice(Random random, int size)
    {
        var lattice = new double[size + 1, size + 1];
        for (var i = 0; i <= size; i++)
        {
            for (var j = 0; j <= size; j++)
            {
                lattice[i, j] = random.NextDouble() - 0.5;
            }
        }

        return lattice;
    }

    private static double Sample(double[,] lattice, double u, double v)
    {
        var size = lattice.GetLength(0) - 1;
        var x = u * size;
        var y = v * size;
        int x0 = (int)x, y0 = (int)y;
        double fx = x - x0, fy = y - y0;
        fx = fx * fx * (3 - 2 * fx);
        fy = fy * fy * (3 - 2 * fy);
        var top = lattice[y0, x0] * (1 - fx) + lattice[y0, x0 + 1] * fx;
        var bottom = lattice[y0 + 1, x0] * (1 - fx) + lattice[y0 + 1, x0 + 1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static (double R, double G, double B) HueToRgb(double hue)
    {
        double Channel(double offset) => 0.5 + 0.4 * Math.Cos(2 * Math.PI * (hue + offset));
        return (Channel(0), Channel(1.0 / 3), Channel(2.0 / 3));
    }

    private static byte ToByte(double value) => (byte)Math.Clamp((int)(value * 255 + 0.5), 0, 255);
}
